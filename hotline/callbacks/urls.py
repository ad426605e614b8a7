from django.urls import path

from hotline.callbacks import views

app_name = "callbacks"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("missed/", views.missed_calls_view, name="missed"),
    path("missed/<int:pk>/returned/", views.missed_call_returned_view, name="returned"),
    path("<str:number>/", views.callback_view, name="callback"),
]
