from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "hotline.surveys"
    verbose_name = "调查测评"
