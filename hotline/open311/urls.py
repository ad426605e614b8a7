from django.urls import path

from hotline.open311 import views

app_name = "open311"
urlpatterns = [
    path("", views.discovery_view, {"fmt": "json"}, name="index"),
    path("discovery.<str:fmt>", views.discovery_view, name="discovery"),
    path("services.<str:fmt>", views.services_view, name="services"),
]
