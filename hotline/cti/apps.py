from django.apps import AppConfig


class CtiConfig(AppConfig):
    name = "hotline.cti"
    verbose_name = "呼叫中心"
