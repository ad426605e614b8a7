from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from hotline.audit.admin import AuditedModelAdmin
from hotline.quality.models import Sheet
from hotline.quality.services import quality_sheet_save, sheet_current


@admin.register(Sheet)
class SheetAdmin(AuditedModelAdmin):
    """The quality scoring sheet (Art. 20), a versioned configuration: the system administrator
    adds the next version (the form starts from the current one), none is changed or deleted,
    so checks keep the version they were scored on."""

    list_display = ("version", "name", "total", "created_at")
    fields = ("name", "items", "version", "created_at")
    readonly_fields = ("version", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        current = sheet_current()
        if current is None:
            return super().get_changeform_initial_data(request)
        return {"name": current.name, "items": current.items}

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, Sheet)
        saved = quality_sheet_save(actor=request.user, name=obj.name, items=obj.items)  # type: ignore[arg-type]
        # The admin goes on with `obj` (its message and redirect): make it the saved version.
        obj.pk, obj.version, obj.created_at = saved.pk, saved.version, saved.created_at
        obj._state.adding = False
