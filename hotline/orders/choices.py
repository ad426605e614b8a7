"""The choices of a work order: its states and the sets of states that rules name, its
channels, and the kinds of history event (DESIGN §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("待处理")
    PENDING_REVIEW = "pending_review", _("待审核")
    PENDING_DISPATCH = "pending_dispatch", _("待派单")
    DISPATCHED = "dispatched", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RETURN_REVIEW = "return_review", _("退单审核")
    REPLY_APPROVAL = "reply_approval", _("答复待审批")
    REPLY_CHECK = "reply_check", _("答复待审查")
    CALLBACK = "callback", _("待回访")
    UNSATISFIED = "unsatisfied", _("不满意待审定")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已并单")


# States in which a unit holds the order and the working-day clock runs.
UNIT_STATES = frozenset(
    {Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURN_REVIEW, Status.REPLY_APPROVAL}
)
FINAL_STATES = frozenset({Status.CLOSED, Status.MERGED})
# States in which a unit may see an order: from dispatch on (a unit sees what was assigned to
# it; an order is merged only before dispatch, and a return is re-dispatched when granted).
UNIT_VISIBLE_STATES = frozenset(
    {*UNIT_STATES, Status.REPLY_CHECK, Status.CALLBACK, Status.UNSATISFIED, Status.CLOSED}
)


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网站")
    LINKAGE_110 = "linkage_110", _("110转来")
    OPEN311 = "open311", _("Open311")
    INTEGRATED = "integrated", _("整合热线")
    OTHER = "other", _("其他")


class SupervisionChannel(models.TextChoices):
    """Requests that supervise the hotline itself (Art. 18): counted apart, handled by the host unit."""

    NONE = "", _("无")
    SERVICE = "service", _("对热线服务的意见")
    MEDIA = "media", _("新闻媒体")
    DEPUTY = "deputy", _("两代表一委员")


class CallParty(models.TextChoices):
    """Whom the operator brought into a three-party call about an unclear case (Art. 13)."""

    POLICE = "110", _("110 报警服务台")
    FIRE = "119", _("119 消防救援")
    MEDICAL = "120", _("120 医疗急救")
    TRAFFIC = "122", _("122 交通事故")
    UNIT = "unit", _("承办单位")
    OTHER = "other", _("其他")


class CloseReason(models.TextChoices):
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ANSWERED = "answered", _("直接答复")
    CALLBACK = "callback", _("回访办结")
    BY_RULE = "by_rule", _("按规则办结")
    HOST_DECISION = "host_decision", _("主办单位审定办结")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ExtensionStatus(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("延期申请中")
    APPROVED = "approved", _("已延期")
    DENIED = "denied", _("延期未批准")


class Action(models.TextChoices):
    """What may be done to an order: each is a row of `rules.RULES`, and what an `OrderEvent`
    records (`history` writes them)."""

    CREATE = "create", _("登记")
    ACCEPT = "accept", _("受理")
    NOT_ACCEPT = "not_accept", _("不予受理")
    ANSWER = "answer", _("直接答复")
    MERGE = "merge", _("并单")
    # Written on the order another was merged into; the merged order's caller then shares
    # its result (Art. 12(6), 16).
    MERGED_IN = "merged_in", _("相同诉求并入")
    RESULT_SHARED = "result_shared", _("告知并单结果")
    LINK = "link", _("关联工单")
    ATTACH = "attach", _("上传附件")
    NOTE = "note", _("办理备注")
    CONTACT = "contact", _("联系诉求人")
    ASSIST_REPLY = "assist_reply", _("协办意见")
    WRITTEN_REPLY = "written_reply", _("代录书面答复")
    URGE_ACK = "urge_ack", _("确认催办督办")
    CORRECT = "correct", _("更正")
    ASSIGN_TRACKER = "assign_tracker", _("指派跟踪人")
    THREE_PARTY_CALL = "three_party_call", _("三方通话")
    SUBMIT_REVIEW = "submit_review", _("提交审核")
    REVIEW_APPROVE = "review_approve", _("审核通过")
    REVIEW_SEND_BACK = "review_send_back", _("审核退回")
    DISPATCH = "dispatch", _("派单")
    SIGN = "sign", _("签收")
    RETURN = "return", _("退单")
    RETURN_UPHELD = "return_upheld", _("同意退单")
    RETURN_REFUSED = "return_refused", _("驳回退单")
    REDISPATCH = "redispatch", _("改派")
    EXTENSION_REQUEST = "extension_request", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_DENIED = "extension_denied", _("不批准延期")
    REPLY = "reply", _("提交答复")
    REPLY_APPROVED = "reply_approved", _("审批通过答复")
    REPLY_REJECTED = "reply_rejected", _("退回答复")
    REPLY_ACCEPTED = "reply_accepted", _("答复审查通过")
    REPLY_SENT_BACK = "reply_sent_back", _("退回重办")
    CALLBACK = "callback", _("回访")
    REOPEN = "reopen", _("重办")
    CLOSE = "close", _("办结")
    URGE = "urge", _("催办")
    SUPERVISE = "supervise", _("督办")
    EMERGENCY_ALERT = "emergency_alert", _("紧急联动")
    MAJOR_INCIDENT_ALERT = "major_incident_alert", _("重大事件上报")
    # The 110 linkage (国办发〔2022〕12号; hotline/linkage): a police matter handed to 110,
    # and what became of the messages about the order, both ways.
    TRANSFER_POLICE = "transfer_police", _("移交110")
    LINKAGE_QUEUED = "linkage_queued", _("推送110")
    LINKAGE_ACK = "linkage_ack", _("110已接收")
    LINKAGE_FAILED = "linkage_failed", _("推送110失败")
    LINKAGE_STATUS = "linkage_status", _("110反馈")
    # Audited in the audit trail, not in the order's history (Art. 22).
    REVEAL = "reveal", _("查看联系方式")
