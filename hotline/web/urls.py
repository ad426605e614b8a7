from django.contrib.auth import views as auth_views
from django.urls import path

from hotline.web import views

urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("healthz", views.healthz_view, name="healthz"),
]
