from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hotline.notifications"
    verbose_name = "通知"
