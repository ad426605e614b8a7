from django.urls import path

from hotline.orders.views import detail, handling, intake, lists, unit

app_name = "orders"
urlpatterns = [
    path("", lists.order_list_view, name="list"),
    path("unit/", unit.unit_inbox_view, name="unit"),
    path("alarms/", lists.order_alarms_view, name="alarms"),
    path("intake/", intake.intake_view, name="intake"),
    path("intake/caller/", intake.intake_caller_view, name="intake-caller"),
    path("intake/related/", intake.intake_related_view, name="intake-related"),
    path("intake/proposal/", intake.intake_proposal_view, name="intake-proposal"),
    path("<str:number>/", detail.order_detail_view, name="detail"),
    path("<str:number>/act/<str:action>/", detail.order_action_view, name="act"),
    path("<str:number>/reveal/", detail.order_reveal_view, name="reveal"),
    path("<str:number>/attachments/", detail.order_attach_view, name="attach"),
    path("<str:number>/attachments/<int:pk>/", detail.order_attachment_view, name="attachment"),
    path("<str:number>/correct/", detail.order_correct_view, name="correct"),
    path("<str:number>/linkage/", detail.order_linkage_view, name="linkage"),
    path("<str:number>/notes/", handling.order_note_view, name="note"),
    path("<str:number>/assist/", handling.order_assist_reply_view, name="assist"),
    path("<str:number>/written-reply/", handling.order_written_reply_view, name="written-reply"),
    path("<str:number>/urges/<int:pk>/ack/", handling.urge_acknowledge_view, name="urge-ack"),
]
