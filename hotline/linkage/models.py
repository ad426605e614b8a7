"""The messages exchanged with the 110 desk, both ways (国办发〔2022〕12号, DESIGN §5).

One row per message: an outbound one is stored before it is sent and carries its delivery
state; an inbound one carries the answer we gave, so that the same message again gets exactly
that answer. A body may name the caller, so it is sealed at rest (Art. 22).
"""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.privacy.fields import EncryptedTextField

if TYPE_CHECKING:
    from hotline.orders.models import Order


class Direction(models.TextChoices):
    IN = "in", _("接收")
    OUT = "out", _("发送")


class Kind(models.TextChoices):
    TRANSFER = "transfer", _("移交")
    STATUS = "status", _("状态")


class State(models.TextChoices):
    """Delivery of an outbound message. SENT: tried at least once, no 2xx answer yet (it is
    tried again); FAILED: refused for good by a 4xx, for a person to look at."""

    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    ACKNOWLEDGED = "acknowledged", _("110已确认")
    FAILED = "failed", _("发送失败")


class LinkageMessageQuerySet(models.QuerySet["LinkageMessage"]):
    def transfers_of(self, order: "Order") -> "LinkageMessageQuerySet":
        """Our transfers of `order` to 110."""
        return self.filter(order=order, direction=Direction.OUT, kind=Kind.TRANSFER)


class LinkageMessage(models.Model):
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    peer = models.CharField(_("对端"), max_length=40)
    message_id = models.CharField(_("消息编号"), max_length=64)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linkage_messages",
    )
    # The exact bytes sent or received (as UTF-8 text): sending again sends the same body.
    body = EncryptedTextField(_("消息内容"))
    body_digest = models.CharField(max_length=64, editable=False)
    # Inbound: the answer we gave, byte for byte (a repeat gets exactly it). Outbound: the
    # peer's last answer. Text, not JSON: a JSON column may reorder the keys.
    answer_status = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.TextField(blank=True, default="")
    state = models.CharField(
        _("发送状态"), max_length=12, choices=State.choices, blank=True, default=""
    )
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    # The other side's id for the case, from its answer (the 110 case number).
    peer_ref = models.CharField(_("对方编号"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("最近发送"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = LinkageMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("110联动消息")
        verbose_name_plural = _("110联动消息")
        constraints = [
            # Idempotency (protocols/linkage-110.md): one row per message of a peer, each way;
            # the database, not a read-then-write, decides which of two copies is the first.
            models.UniqueConstraint(
                fields=["direction", "peer", "message_id"], name="linkage_message_once"
            )
        ]
        indexes = [models.Index(fields=["order", "created_at"], name="linkage_order_created")]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.message_id}"

    @property
    def is_pending(self) -> bool:
        """An outbound message still on its way (queued, or sent without a 2xx answer)."""
        return self.direction == Direction.OUT and self.state in (State.QUEUED, State.SENT)
