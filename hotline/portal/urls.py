from django.urls import path

from hotline.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home_view, name="home"),
    path("submit/", views.portal_submit_view, name="submit"),
    path("track/", views.portal_lookup_view, name="lookup"),
    path("display/", views.portal_display_view, name="display"),
    path("submitted/<str:number>/", views.portal_submitted_view, name="submitted"),
    path("order/<str:number>/", views.portal_order_view, name="order"),
    path("rate/<str:number>/", views.portal_rate_view, name="rate"),
    path("rated/<str:number>/", views.portal_rated_view, name="rated"),
    path("r/<str:token>/", views.portal_link_view, name="link"),
]
