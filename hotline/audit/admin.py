"""The admin's configuration pages write the audit trail: `AuditedModelAdmin` routes every
add, change and delete — inline rows and the bulk delete included — through
`audit.services.config_save` and `config_delete`, which record the old and new values.

Every admin page where anything can be changed is an `AuditedModelAdmin` or says that its
changes go through audited services (`audited = True`); `audit/tests` holds the check.

The audit trail itself is not in the admin: the auditor reads it on its own page (/audit/),
and the administrators, whose actions it records, do not read it."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from hotline.audit.services import config_delete, config_save


class AuditedModelAdmin(admin.ModelAdmin):
    audited = True

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        config_save(actor=request.user, instance=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        config_delete(actor=request.user, instance=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            config_delete(actor=request.user, instance=obj)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            config_delete(actor=request.user, instance=obj)  # type: ignore[arg-type]
        for obj in instances:
            config_save(actor=request.user, instance=obj)  # type: ignore[arg-type]
        formset.save_m2m()
