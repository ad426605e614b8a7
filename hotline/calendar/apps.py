from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CalendarConfig(AppConfig):
    name = "hotline.calendar"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from hotline.calendar import checks  # noqa: F401  (registers calendar.W001)
        from hotline.calendar.index import index_invalidate
        from hotline.calendar.models import CalendarDay

        # A day saved or deleted in this process reloads the deadline index at next use.
        post_save.connect(index_invalidate, sender=CalendarDay, dispatch_uid="calendar_index_save")
        post_delete.connect(
            index_invalidate, sender=CalendarDay, dispatch_uid="calendar_index_delete"
        )
