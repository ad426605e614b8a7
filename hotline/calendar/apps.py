from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "hotline.calendar"
    verbose_name = "工作日历"
