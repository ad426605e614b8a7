from django.contrib import admin

from hotline.audit.admin import AuditedModelAdmin
from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
    RescueLine,
)


@admin.register(RequestType)
class RequestTypeAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name",
        "limit_working_days",
        "needs_review",
        "extension_working_days",
        "extension_max_times",
        "article",
    ]


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name",
        "parent",
        "lead_unit",
        "territorial",
        "limit_working_days",
        "is_active",
    ]
    list_filter = ["territorial", "is_active", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead_unit", "parent"]


@admin.register(ExclusionReason)
class ExclusionReasonAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "article"]


@admin.register(EmergencySituation)
class EmergencySituationAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "article"]


@admin.register(RescueLine)
class RescueLineAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]


@admin.register(MajorIncidentKind)
class MajorIncidentKindAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
