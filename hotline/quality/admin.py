from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from hotline.audit.admin import AuditedModelAdmin
from hotline.quality.models import Sheet
from hotline.quality.services import quality_sheet_save


@admin.register(Sheet)
class SheetAdmin(AuditedModelAdmin):
    """The quality scoring sheet (Art. 20). Saving an edit adds the next version, so checks
    keep the version they were scored on; versions are history and are not deleted."""

    list_display = ("version", "name", "total", "created_at")
    fields = ("name", "items", "version", "created_at")
    readonly_fields = ("version", "created_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, Sheet)
        saved = quality_sheet_save(actor=request.user, name=obj.name, items=obj.items)  # type: ignore[arg-type]
        # The admin goes on with `obj` (its message and redirect): make it the new version.
        obj.pk, obj.version, obj.created_at = saved.pk, saved.version, saved.created_at
        obj._state.adding = False
