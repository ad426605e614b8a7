from django.urls import path

from hotline.api.api import api

urlpatterns = [path("", api.urls)]
