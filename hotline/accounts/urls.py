from django.urls import path

from hotline.accounts import views

app_name = "accounts"
urlpatterns = [
    path("otp/", views.otp_verify_view, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol_view, name="otp_enrol"),
]
