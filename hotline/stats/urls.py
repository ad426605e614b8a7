from django.urls import path

from hotline.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("orders/", views.figure_orders_view, name="orders"),
    path("reports/", views.report_list_view, name="reports"),
    path("reports/<int:pk>/", views.report_view, name="report"),
    path("reports/<int:pk>/publish/", views.report_publish_view, name="report-publish"),
    path("reports/<int:pk>/recompute/", views.report_recompute_view, name="report-recompute"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx_view, name="report-xlsx"),
    path("accountability/", views.accountability_view, name="accountability"),
]
