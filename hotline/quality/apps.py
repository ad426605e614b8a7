from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "hotline.quality"
    label = "quality"
    verbose_name = "质检"
