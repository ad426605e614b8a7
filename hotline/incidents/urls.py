from django.urls import path

from hotline.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("suggest/", views.suggest_view, name="suggest"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path(
        "<int:pk>/<slug:action>/",
        views.action_view,
        name="action",
    ),
]
