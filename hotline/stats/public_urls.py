from django.urls import path

from hotline.stats import views

app_name = "public"
urlpatterns = [
    path("", views.public_view, name="index"),
    path("reports/<int:pk>/", views.public_report_view, name="report"),
]
