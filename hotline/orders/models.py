"""The work order (工单), its unit assignments, replies and its append-only history (DESIGN §3)."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.core.models import AppendOnlyModel
from hotline.core.text import MAX_ADDRESS, MAX_NUMBER, MAX_TITLE
from hotline.orders.choices import (
    FINAL_STATES,
    UNIT_STATES,
    UNIT_VISIBLE_STATES,
    Action,
    CallParty,
    Channel,
    CloseReason,
    ExtensionStatus,
    Satisfaction,
    Status,
    SupervisionChannel,
)
from hotline.orders.search_text import search_text_for
from hotline.privacy.crypto import CONFIDENTIAL, PERSONAL
from hotline.privacy.fields import EncryptedTextField

__all__ = [
    "CONFIDENTIAL_CLEAR",
    "CONFIDENTIAL_FIELDS",
    "FINAL_STATES",
    "UNIT_STATES",
    "UNIT_VISIBLE_STATES",
    "Action",
    "Assignment",
    "Attachment",
    "CONFIDENTIAL_PLACEHOLDER",
    "CallParty",
    "Channel",
    "CloseReason",
    "ExtensionStatus",
    "Note",
    "NumberDigest",
    "Order",
    "OrderEvent",
    "OrderNumberSequence",
    "Reply",
    "Satisfaction",
    "Status",
    "SupervisionChannel",
    "Urge",
]


# What the clear columns of a confidential order hold (Art. 23); the text is sealed beside them.
CONFIDENTIAL_PLACEHOLDER = "（保密工单）"
CONFIDENTIAL_MASK = "（保密）"
CONFIDENTIAL_FIELDS = (
    ("title", "confidential_title"),
    ("address", "confidential_address"),
    ("content", "confidential_content"),
)
CONFIDENTIAL_CLEAR = {
    "title": CONFIDENTIAL_PLACEHOLDER,
    "address": "",
    "content": CONFIDENTIAL_PLACEHOLDER,
}


def caller_key(order: "Order") -> str:
    """The key ring of an order's caller: the confidential one for a confidential order."""
    return CONFIDENTIAL if order.is_confidential else PERSONAL


class Order(models.Model):
    number = models.CharField(_("工单编号"), max_length=MAX_NUMBER, unique=True)
    channel = models.CharField(
        _("来源渠道"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    request_type = models.ForeignKey(
        "catalogue.RequestType",
        verbose_name=_("诉求类型"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "catalogue.Category",
        verbose_name=_("事项分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Personal data (Art. 22): sealed at rest; lists show the masks, the digest finds the number.
    # A confidential order's caller is sealed under the confidential key (Art. 23).
    caller_name = EncryptedTextField(_("诉求人姓名"), blank=True, key=caller_key)
    caller_phone = EncryptedTextField(_("联系电话"), blank=True, key=caller_key)
    caller_name_mask = models.CharField(_("诉求人"), max_length=20, blank=True)
    caller_phone_mask = models.CharField(_("联系电话"), max_length=20, blank=True)
    caller_phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    place = models.ForeignKey(
        "units.Place",
        verbose_name=_("社区/村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=MAX_ADDRESS, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    title = models.CharField(_("标题"), max_length=MAX_TITLE, blank=True)
    # Pieces of title and address for the list's search box (orders/search.py), indexed by each
    # database in its own way; written by save().
    search_text = models.TextField(blank=True, default="", editable=False)
    content = models.TextField(_("诉求内容"))
    # The texts as written, sealed, when they held personal numbers or the caller's name or
    # phone (`privacy/text.py`): the clear columns above and below keep only the masked text,
    # the originals open through the audited reveal. Empty when nothing was masked.
    content_sealed = EncryptedTextField(blank=True, default="", editable=False, key=caller_key)
    address_sealed = EncryptedTextField(blank=True, default="", editable=False, key=caller_key)
    title_sealed = EncryptedTextField(blank=True, default="", editable=False, key=caller_key)
    answer_sealed = EncryptedTextField(blank=True, default="", editable=False, key=caller_key)
    is_confidential = models.BooleanField(_("保密"), default=False)
    # Art. 23: a confidential order's title, address and content, sealed under the confidential
    # key; its clear columns then hold only CONFIDENTIAL_PLACEHOLDER (or nothing), so no search,
    # list query, export or raw read of the database finds them. In Python the order reads as
    # usual: loading puts these back in `title`, `address`, `content`, and `save()` seals them.
    confidential_title = EncryptedTextField(blank=True, default="", key=CONFIDENTIAL)
    confidential_address = EncryptedTextField(blank=True, default="", key=CONFIDENTIAL)
    confidential_content = EncryptedTextField(blank=True, default="", key=CONFIDENTIAL)
    supervision_channel = models.CharField(
        _("监督渠道"), max_length=10, choices=SupervisionChannel.choices, blank=True, default=""
    )
    related_orders = models.ManyToManyField(
        "self", verbose_name=_("关联工单"), blank=True, symmetrical=True
    )

    exclusion = models.ForeignKey(
        "catalogue.ExclusionReason",
        verbose_name=_("不予受理情形"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    emergency_situation = models.ForeignKey(
        "catalogue.EmergencySituation",
        verbose_name=_("紧急联动情形"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rescue_lines = models.JSONField(_("引导的救援热线"), default=list, blank=True)
    major_incident = models.ForeignKey(
        "catalogue.MajorIncidentKind",
        verbose_name=_("重大突发事件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    lead_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tracker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟踪人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    preliminary_opinion = models.TextField(_("初步意见"), blank=True)
    answer = models.TextField(_("直接答复内容"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_orders",
    )

    created_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    limit_working_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), null=True, blank=True
    )
    # Set instead for an emergency (Art. 13): its limit runs in clock hours from dispatch.
    limit_hours = models.PositiveSmallIntegerField(_("办理时限（小时）"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_reason = models.CharField(
        _("办结方式"), max_length=20, choices=CloseReason.choices, blank=True
    )

    extension_status = models.CharField(
        _("延期"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.NONE,
        blank=True,
    )
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    is_supervised = models.BooleanField(_("督办"), default=False)
    # The 110 desk's case number: of a case it transferred to us, or the one it gave our
    # transfer (hotline/linkage, 国办发〔2022〕12号).
    linkage_ref = models.CharField(_("110警情编号"), max_length=40, blank=True, db_index=True)
    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    satisfaction = models.CharField(
        _("满意度"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    # The state to go back to when a return is refused.
    status_before_return = models.CharField(
        max_length=20, choices=Status.choices, blank=True, editable=False
    )
    # Bumped by every transition; a form that carries an older version is told the order changed.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at"]
        indexes = [
            # The due queue in every sort, and the home page's counts by state, without reading
            # the orders: status and due date to find them, then the sort keys, the columns
            # that decide who sees them and the id (which SQLite keeps in every index anyway).
            models.Index(
                fields=[
                    "status",
                    "due_at",
                    "created_at",
                    "updated_at",
                    "is_confidential",
                    "tracker",
                    "created_by",
                    "handler",
                    "id",
                ],
                name="order_status_due_covering",
            ),
            models.Index(fields=["lead_unit", "status", "due_at"], name="order_unit_status_due"),
            models.Index(fields=["caller_phone_digest", "created_at"], name="order_phone_created"),
            models.Index(fields=["place", "category", "created_at"], name="order_place_category"),
            models.Index(fields=["created_at"], name="order_created"),
            models.Index(fields=["tracker", "status"], name="order_tracker_status"),
            models.Index(fields=["status", "created_at"], name="order_status_created"),
            models.Index(fields=["status", "updated_at"], name="order_status_updated"),
            models.Index(fields=["created_by", "created_at"], name="order_creator_created"),
            # The due queue (orders a unit holds) in each of its sorts, the extension queue, and
            # the list of all orders filtered by type or lead unit, each read in list order
            # without sorting the matching rows (bench/bench_orders.py, docs/benchmarks.md).
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(status__in=sorted(UNIT_STATES)),
                name="order_unit_states_due",
            ),
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status__in=sorted(UNIT_STATES)),
                name="order_unit_states_created",
            ),
            models.Index(
                fields=["updated_at", "id"],
                condition=models.Q(status__in=sorted(UNIT_STATES)),
                name="order_unit_states_updated",
            ),
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(extension_status=ExtensionStatus.REQUESTED),
                name="order_extension_due",
            ),
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(extension_status=ExtensionStatus.REQUESTED),
                name="order_extension_created",
            ),
            models.Index(fields=["request_type", "created_at"], name="order_type_created"),
            models.Index(fields=["lead_unit", "created_at"], name="order_unit_created"),
            # The orders changed since the statistics' last refresh (stats/counting.py).
            models.Index(fields=["updated_at"], name="order_updated"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Also keeps the search pieces, and a confidential order's text sealed (Art. 23): its
        clear columns get the placeholder, while this instance keeps what it held."""
        update_fields = kwargs.get("update_fields")
        touched = set(update_fields) if update_fields is not None else None
        loaded = self.__dict__
        shown: dict[str, str] = {}
        revealed = self._state.adding or getattr(self, "_confidential_shown", False)
        for clear, sealed in CONFIDENTIAL_FIELDS:
            if clear not in loaded:
                continue  # deferred: neither read nor written
            shown[clear] = loaded[clear]
            if self.is_confidential:
                # The text itself, unless this instance holds only the placeholder.
                if revealed or loaded[clear] != CONFIDENTIAL_CLEAR[clear]:
                    loaded[sealed] = loaded[clear]
                loaded[clear] = CONFIDENTIAL_CLEAR[clear]
            elif loaded.get(sealed):
                # No longer confidential: the text goes back to its clear column.
                if not revealed and loaded[clear] == CONFIDENTIAL_CLEAR[clear]:
                    shown[clear] = loaded[clear] = loaded[sealed]
                loaded[sealed] = ""
                if touched is not None:
                    touched |= {clear, sealed}
            if touched is not None and clear in touched:
                touched.add(sealed)
        if self.is_confidential:
            # Even a mask says too much of a caller who asked for secrecy (138****1234, 张*).
            for mask in ("caller_name_mask", "caller_phone_mask"):
                if loaded.get(mask):
                    loaded[mask] = CONFIDENTIAL_MASK
        self.search_text = "" if self.is_confidential else search_text_for(self.title, self.address)
        if touched is not None:
            if touched & {"title", "address", "is_confidential"}:
                touched.add("search_text")
            kwargs["update_fields"] = touched
        try:
            super().save(*args, **kwargs)
        finally:
            loaded.update(shown)
        if revealed and self.is_confidential:
            self._confidential_shown = True

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        # Reloaded columns hold the placeholder again: this instance is no longer opened.
        super().refresh_from_db(*args, **kwargs)
        self.__dict__.pop("_confidential_shown", None)

    def reveal_confidential(self) -> None:
        """Put a confidential order's sealed title, address and content back into this
        instance, for a reader who may see them: its page and API read, which are audited
        (`confidential_view_record`), and the transfer to 110. Everything else — lists,
        searches, messages, exports — reads the placeholder (Art. 23)."""
        if self.is_confidential:
            for clear, sealed in CONFIDENTIAL_FIELDS:
                setattr(self, clear, getattr(self, sealed) or "")
            self._confidential_shown = True

    @property
    def has_personal_data(self) -> bool:
        """Whether a reveal would show anything: the caller's phone, or a text of the order
        with personal data masked in it (privacy/text.py)."""
        return bool(
            self.caller_phone_mask
            or self.content_sealed
            or self.address_sealed
            or self.answer_sealed
            or self.replies.exclude(text_sealed="").exists()
            or self.notes.exclude(text_sealed="").exists()
        )

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATES

    def result_text(self) -> str:
        """What the caller is told of the outcome: the direct answer, or the unit's latest
        accepted reply. A merged request's result is that of the order it was merged into
        (Art. 12(6))."""
        source = self.merged_into or self
        if source.answer:
            return source.answer
        reply = source.replies.filter(state=Reply.State.ACCEPTED).order_by("-created_at").first()
        return reply.text if reply else ""

    @property
    def is_emergency(self) -> bool:
        """An Art. 13 emergency: the type says so, or the operator named a situation."""
        return self.emergency_situation_id is not None or self.request_type.is_emergency

    @property
    def is_extended(self) -> bool:
        return self.extension_status == ExtensionStatus.APPROVED

    @property
    def awaits_host_decision(self) -> bool:
        """Rated unsatisfied: the host unit decides to reopen or close (Art. 16)."""
        return self.status == Status.UNSATISFIED

    @property
    def due_date(self) -> date | None:
        """The last day still on time, in the jurisdiction's time zone."""
        if self.due_at is None:
            return None
        return (timezone.localtime(self.due_at) - timedelta(microseconds=1)).date()

    @property
    def due_text(self) -> str:
        """The limit as people read it: the last day, until 24:00 (e.g. "2025-10-13 24:00");
        an emergency's, the minute (e.g. "2025-10-13 16:40")."""
        if self.due_at is None:
            return "-"
        if self.limit_hours is not None:
            return f"{timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"
        return f"{self.due_date:%Y-%m-%d} 24:00"

    @property
    def limit_text(self) -> str:
        """The limit's length: "5 个工作日", or for an emergency "紧急，2 小时"."""
        if self.limit_hours is not None:
            return str(_("紧急，%(hours)d 小时") % {"hours": self.limit_hours})
        if self.limit_working_days is None:
            return "-"
        return str(_("%(days)d 个工作日") % {"days": self.limit_working_days})

    def is_overdue(self, now: datetime | None = None) -> bool:
        if self.due_at is None or self.status not in UNIT_STATES:
            return False
        return (now or timezone.now()) >= self.due_at

    def is_due_soon(self, now: datetime | None = None) -> bool:
        if self.due_at is None or self.status not in UNIT_STATES:
            return False
        now = now or timezone.now()
        return now < self.due_at <= now + timedelta(hours=settings.HOTLINE_DUE_SOON_HOURS)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never in the path.
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A photo or document given with an order, a reply or a written reply (Art. 15)."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("诉求附件")
        HANDLING = "handling", _("办理附件")
        WRITTEN_REPLY = "written_reply", _("书面答复扫描件")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.REQUEST)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Assignment(models.Model):
    """A unit's part in an order: the one lead unit (主办) and any assisting units (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    assigned_at = models.DateTimeField(_("派单时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        indexes = [
            # A unit's (active) assignments by role, read without the table, e.g. the orders
            # it assists (rules.assisted_by).
            models.Index(
                fields=["unit", "role", "is_active", "order"], name="assignment_unit_role_active"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "unit"],
                condition=models.Q(is_active=True),
                name="assignment_one_active_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.unit_id} {self.role}"


class Reply(models.Model):
    """A unit's answer to the order (答复), approved inside the unit and checked by an operator."""

    class State(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("待审批")
        REJECTED_BY_MANAGER = "rejected_by_manager", _("负责人退回")
        PENDING_CHECK = "pending_check", _("待审查")
        SENT_BACK = "sent_back", _("退回重办")
        ACCEPTED = "accepted", _("已采纳")
        ASSIST = "assist", _("协办意见")
        SUPERSEDED = "superseded", _("已由书面答复代替")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("答复内容"))  # masked (privacy/text.py)
    text_sealed = EncryptedTextField(blank=True, default="", editable=False)
    state = models.CharField(
        _("状态"), max_length=24, choices=State.choices, default=State.PENDING_APPROVAL
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_state_display()}"


class OrderEvent(AppendOnlyModel):
    """One row per transition or flag change: who, when, from, to, why. It is the audit trail,
    the timeline on the order page and the source of statistics (STYLE §3)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("操作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    # The other orders an event names (data key, how the timeline labels it).
    NAMED_ORDERS = (
        ("into", _("并入工单")),
        ("merged", _("并入本单的工单")),
        ("main", _("主工单")),
        ("related", _("关联工单")),
    )

    @property
    def named_orders(self) -> list[tuple[str, str]]:
        """The numbers of the orders this event names, for the timeline's links."""
        return [
            (str(label), self.data[key]) for key, label in self.NAMED_ORDERS if self.data.get(key)
        ]

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["order", "at"], name="event_order_at"),
            models.Index(fields=["action", "at"], name="event_action_at"),
        ]


class Note(models.Model):
    """A unit's handling note, or the record that the caller was contacted (联系诉求人):
    when and how. The contact record is what "contact made" statistics count."""

    class Kind(models.TextChoices):
        NOTE = "note", _("办理备注")
        CONTACT = "contact", _("联系诉求人")

    class Method(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("上门")
        SMS = "sms", _("短信")
        OTHER = "other", _("其他")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="notes")
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    method = models.CharField(_("联系方式"), max_length=10, choices=Method.choices, blank=True)
    contacted_at = models.DateTimeField(_("联系时间"), null=True, blank=True)
    text = models.TextField(_("内容"))  # masked (privacy/text.py)
    text_sealed = EncryptedTextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_kind_display()}"

    @property
    def is_contact(self) -> bool:
        return self.kind == self.Kind.CONTACT


class NumberDigest(models.Model):
    """The keyed digest of a personal number written in an order's texts (privacy/text.py):
    the search box finds the order from the full number without the number being stored in
    clear or in a search index (issue 13)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "digest"], name="number_digest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.digest[:8]}"


class Urge(models.Model):
    """An urge (催办) by the operating centre or a supervision (督办) by the host unit, which
    the unit must acknowledge."""

    class Kind(models.TextChoices):
        URGE = "urge", _("催办")
        SUPERVISE = "supervise", _("督办")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="urges")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("内容"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("催办督办")
        verbose_name_plural = _("催办督办")
        ordering = ["-at"]
        indexes = [models.Index(fields=["unit", "acknowledged_at"], name="urge_unit_open")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_kind_display()}"

    @property
    def is_supervision(self) -> bool:
        return self.kind == self.Kind.SUPERVISE


class OrderNumberSequence(models.Model):
    """The last number given out per prefix and day (e.g. YL20251001 → 37)."""

    day_key = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day_key}: {self.last}"
