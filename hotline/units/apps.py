from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "hotline.units"
    verbose_name = "单位"
