from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from hotline.stats.models import AssessmentScheme
from hotline.stats.services import scheme_add


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    """The assessment weights: a new version is added, none is changed (reports name theirs).
    Each version is written to the audit trail by `scheme_add`."""

    audited = True

    list_display = [
        "version",
        "unit_response",
        "unit_resolution",
        "unit_satisfaction",
        "operator_workload",
        "operator_quality",
        "operator_satisfaction",
        "created_at",
        "created_by",
        "note",
    ]
    readonly_fields = ["version", "created_at", "created_by"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        scheme_add(actor=request.user, scheme=obj)  # type: ignore[arg-type]
