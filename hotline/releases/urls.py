from django.urls import path

from hotline.releases import views

app_name = "releases"
urlpatterns = [
    path("", views.release_list_view, name="list"),
    path("new/", views.release_new_view, name="new"),
    path("queue/", views.release_queue_view, name="queue"),
    path("all/", views.release_all_view, name="all"),
    path("<int:pk>/", views.release_detail_view, name="detail"),
    path("<int:pk>/approve/", views.release_approve_view, name="approve"),
    path("<int:pk>/refuse/", views.release_refuse_view, name="refuse"),
    path("<int:pk>/withdraw/", views.release_withdraw_view, name="withdraw"),
    path("<int:pk>/download/", views.release_download_view, name="download"),
]
