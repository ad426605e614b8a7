from django.urls import path

from hotline.portal import views

app_name = "portal"
urlpatterns = [path("", views.portal_home_view, name="home")]
