from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hotline.demo"
    verbose_name = "演示"
