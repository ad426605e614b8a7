"""Surveys in the admin, to read only: every change goes through the services and the survey
pages, which keep the history and the audit trail. Targets show masks only —
numbers and names are never shown in the admin (Art. 22)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hotline.surveys.models import Attempt, Campaign, CampaignEvent, Question, Response, Target


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ("order", "kind", "text", "choices", "scale_min", "scale_max", "required")
    readonly_fields = fields


class CampaignEventInline(ReadOnlyInline):
    model = CampaignEvent
    fields = ("at", "action", "actor", "from_status", "to_status", "note")
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "commissioning_unit", "status", "created_by", "created_at"]
    list_filter = ["status", "commissioning_unit"]
    search_fields = ["title"]
    list_select_related = ["commissioning_unit", "created_by"]
    readonly_fields = [
        "status",
        "created_by",
        "created_at",
        "started_at",
        "closed_at",
        "past_callers_approved_at",
        "past_callers_approved_by",
        "past_callers_approval_note",
    ]
    fieldsets = [
        (None, {"fields": ["title", "commissioning_unit", "purpose", "starts_on", "ends_on"]}),
        (_("重拨规则"), {"fields": ["max_attempts", "different_days", "web_link_enabled"]}),
        (
            _("状态与记录"),
            {
                "fields": [
                    "status",
                    "created_by",
                    "created_at",
                    "started_at",
                    "closed_at",
                    "past_callers_approved_at",
                    "past_callers_approved_by",
                    "past_callers_approval_note",
                ]
            },
        ),
    ]
    inlines = [QuestionInline, CampaignEventInline]

    def has_add_permission(self, request) -> bool:
        return False  # campaigns are created on the survey pages, by the service

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = ("at", "operator", "outcome", "note")
    readonly_fields = fields


@admin.register(Target)
class TargetAdmin(ViewOnlyAdmin):
    list_display = ["phone_mask", "name_mask", "campaign", "source", "status", "attempts"]
    list_filter = ["status", "source", "campaign"]
    list_select_related = ["campaign"]
    # Never the sealed `phone` and `name`: masks only.
    fields = readonly_fields = (
        "campaign",
        "phone_mask",
        "name_mask",
        "source",
        "status",
        "attempts",
        "last_attempt_at",
        "assigned_operator",
        "created_at",
    )
    inlines = [AttemptInline]


@admin.register(Response)
class ResponseAdmin(ViewOnlyAdmin):
    list_display = ["pk", "answered_at", "channel", "operator"]
    list_filter = ["channel", "target__campaign"]
    fields = readonly_fields = ("answered_at", "channel", "operator")
