from django.contrib import admin

from hotline.audit.admin import AuditedModelAdmin
from hotline.incidents.models import DutyContact


@admin.register(DutyContact)
class DutyContactAdmin(AuditedModelAdmin):
    """The host unit's duty list for major incidents (Art. 17); every change is audited."""

    list_display = ("position", "user", "is_active")
    list_editable = ("is_active",)
    ordering = ("position",)
