from django.urls import path

from hotline.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list_view, name="list"),
    path("new/", views.campaign_create_view, name="create"),
    path("<int:pk>/", views.campaign_detail_view, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit_view, name="edit"),
    path("<int:pk>/questions/", views.question_add_view, name="question_add"),
    path(
        "<int:pk>/questions/<int:question_pk>/remove/",
        views.question_remove_view,
        name="question_remove",
    ),
    path("<int:pk>/start/", views.campaign_start_view, name="start"),
    path("<int:pk>/close/", views.campaign_close_view, name="close"),
    path("<int:pk>/approve/", views.campaign_approve_view, name="approve"),
    path("<int:pk>/import/", views.targets_import_view, name="import"),
    path("<int:pk>/draw/", views.targets_draw_view, name="draw"),
    path("<int:pk>/calls/", views.call_queue_view, name="calls"),
    path("calls/<int:pk>/", views.call_view, name="call"),
    path("<int:pk>/results/", views.results_view, name="results"),
    path("<int:pk>/results.xlsx", views.export_view, name="export"),
    path("r/<str:token>/", views.respond_view, name="respond"),
]
