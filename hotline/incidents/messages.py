"""What the platform tells the duty list about a major incident (Art. 17). Queued through the
outbox inside the caller's transaction, keyed by the alert, so nothing is sent twice."""

from django.conf import settings
from django.utils.translation import gettext as _

from hotline.incidents.models import IncidentAlert
from hotline.notifications.models import Notification
from hotline.notifications.services import notify_user


def duty_alerted(alert: IncidentAlert) -> None:
    """The duty contact of the alert, by SMS and in the app; the body names the kind and the
    first order's number only, never the caller or what they said (Art. 22)."""
    if alert.recipient is None:
        return
    incident = alert.incident
    if alert.level == 0:
        body = _("重大突发事件（第十七条）：%(kind)s，工单 %(number)s。请立即登录平台确认并研判。")
    else:
        body = _(
            "重大突发事件（第十七条）：%(kind)s，工单 %(number)s，前一位值班人员%(minutes)s分钟内未确认，"
            "请立即登录平台确认。"
        )
    text = body % {
        "kind": incident.kind.name,
        "number": incident.first_order.number,
        "minutes": settings.HOTLINE_INCIDENT_ESCALATE_MINUTES,
    }
    key = f"incident-alert-{alert.pk}"
    for channel in (Notification.Channel.INAPP, Notification.Channel.SMS):
        if channel == Notification.Channel.SMS and not alert.recipient.phone:
            continue
        notify_user(
            user=alert.recipient,
            kind="incident_alert",
            event_key=key,
            body=text,
            order=incident.first_order,
            channel=channel,
        )
