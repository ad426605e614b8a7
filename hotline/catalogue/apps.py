from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "hotline.catalogue"
    verbose_name = "事项目录"
