"""Django's admin app with our admin site (`web.admin_site.HotlineAdminSite`)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "hotline.web.admin_site.HotlineAdminSite"
