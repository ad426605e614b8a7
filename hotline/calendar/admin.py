"""The working-day calendar in the admin: browse by year, correct a day, re-import."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.audit.admin import AuditedModelAdmin
from hotline.calendar.models import CalendarDay
from hotline.calendar.services import (
    calendar_day_correct,
    calendar_reimport,
    calendar_warning,
)

_WEEKDAYS = "一二三四五六日"


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ("date", "weekday", "is_working", "note", "source", "updated_at")
    list_filter = ("is_working", "source")
    date_hierarchy = "date"
    search_fields = ("note",)
    ordering = ("date",)
    fields = ("date", "is_working", "note", "source", "updated_at")
    readonly_fields = ("source", "updated_at")
    actions = ["reimport_from_package"]
    list_per_page = 100

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return gettext("星期%(day)s") % {"day": _WEEKDAYS[obj.date.weekday()]}

    def get_readonly_fields(self, request, obj=None):
        # A day is corrected, never moved: the date is fixed once the row exists.
        if obj is not None:
            return ("date", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        # Every edit is an administrator's correction, which package imports keep.
        saved = calendar_day_correct(
            day=obj.date,
            is_working=obj.is_working,
            note=obj.note,
            actor=request.user,
        )
        obj.pk, obj.source, obj.updated_at = saved.pk, saved.source, saved.updated_at

    def changelist_view(self, request, extra_context=None):
        warning = calendar_warning()
        if warning:
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("从节假日软件包重新导入"), permissions=["change"])
    def reimport_from_package(self, request, queryset) -> None:
        written = calendar_reimport(actor=request.user)
        self.message_user(
            request,
            gettext("已从节假日软件包导入全部年份，更新 %(count)d 天；管理员录入的日期保持不变")
            % {"count": written},
            messages.SUCCESS,
        )
