from django.urls import path

from hotline.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("search/", views.search_results_view, name="results"),
    path("manage/", views.manage_view, name="manage"),
    path("manage/new/", views.entry_create_view, name="create"),
    path("use/", views.use_view, name="use"),
    path("units/", views.directory_view, name="directory"),
    path("units/<int:pk>/", views.unit_view, name="unit"),
    path("<int:pk>/", views.entry_detail_view, name="detail"),
    path("<int:pk>/edit/", views.entry_edit_view, name="edit"),
    path("<int:pk>/act/<str:action>/", views.entry_action_view, name="act"),
]
