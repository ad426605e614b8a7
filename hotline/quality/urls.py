from django.urls import path

from hotline.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.samples_view, name="samples"),
    path("draw/", views.draw_view, name="draw"),
    path("results/", views.results_view, name="results"),
    path("weeks/<int:pk>/", views.sample_view, name="sample"),
    path("checks/<int:pk>/", views.check_view, name="check"),
]
