from django.urls import path

from hotline.triage import views

app_name = "triage"

urlpatterns = [
    path("", views.acceptance_view, name="acceptance"),
    path("suggest/", views.suggest_view, name="suggest"),
]
