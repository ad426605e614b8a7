from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hotline.api"
    verbose_name = "接口"
