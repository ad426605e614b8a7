from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "hotline.stats"
    label = "stats"
    verbose_name = "统计考核"
