from django.urls import path

from hotline.orders import views, views_intake, views_unit

app_name = "orders"
urlpatterns = [
    path("", views.order_list_view, name="list"),
    path("unit/", views_unit.unit_inbox_view, name="unit"),
    path("intake/", views_intake.intake_view, name="intake"),
    path("intake/caller/", views_intake.intake_caller_view, name="intake-caller"),
    path("intake/related/", views_intake.intake_related_view, name="intake-related"),
    path("intake/proposal/", views_intake.intake_proposal_view, name="intake-proposal"),
    path("<str:number>/", views.order_detail_view, name="detail"),
    path("<str:number>/act/<str:action>/", views.order_action_view, name="act"),
    path("<str:number>/reveal/", views.order_reveal_view, name="reveal"),
    path("<str:number>/attachments/", views.order_attach_view, name="attach"),
    path("<str:number>/notes/", views_unit.order_note_view, name="note"),
    path("<str:number>/correct/", views.order_correct_view, name="correct"),
    path("<str:number>/assist/", views_unit.order_assist_reply_view, name="assist"),
    path("<str:number>/written-reply/", views_unit.order_written_reply_view, name="written-reply"),
    path("<str:number>/urges/<int:pk>/ack/", views_unit.urge_acknowledge_view, name="urge-ack"),
    path("<str:number>/attachments/<int:pk>/", views.order_attachment_view, name="attachment"),
]
