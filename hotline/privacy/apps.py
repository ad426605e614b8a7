from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hotline.privacy"
    verbose_name = "个人信息保护"
