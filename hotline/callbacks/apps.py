from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "hotline.callbacks"
    verbose_name = "回访"
