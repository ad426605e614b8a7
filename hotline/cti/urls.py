from django.urls import path

from hotline.cti import views

app_name = "cti"
urlpatterns = [
    path("screen-pop/", views.screen_pop_view, name="screen-pop"),
    path("calls/", views.calls_view, name="calls"),
    path("calls/<int:pk>/", views.call_view, name="call"),
    path("calls/<int:pk>/recording/", views.recording_view, name="recording"),
]
