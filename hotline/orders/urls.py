from django.urls import path

from hotline.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("new/", views.order_create_view, name="create"),
    path("<str:number>/", views.order_detail_view, name="detail"),
    path("<str:number>/act/<str:action>/", views.order_action_view, name="act"),
    path("<str:number>/reveal/", views.order_reveal_view, name="reveal"),
]
