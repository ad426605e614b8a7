"""Surveys and evaluations run on commission (Art. 11(7): 受有关政务部门或公共服务单位委托开展
相关调研、测评等工作).

A `Campaign` holds a questionnaire (`Question` rows) and a list of people to ask (`Target`
rows). Operators call through the list; each call is an `Attempt`; an answered questionnaire
is one `Response` with one `Answer` per question answered. Respondents may also answer on a
personal web link. Phone numbers and names are sealed at rest like callers' (Art. 22): lists
show masks, the keyed digest keeps a number from being surveyed twice in one campaign.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.privacy.fields import EncryptedTextField


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RUNNING = "running", _("进行中")
    CLOSED = "closed", _("已结束")


class Campaign(models.Model):
    title = models.CharField(_("调查名称"), max_length=120)
    commissioning_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("委托单位"),
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
    )
    purpose = models.TextField(_("调查目的"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    starts_on = models.DateField(_("计划开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("计划结束日期"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    # Retry rules for numbers not reached.
    max_attempts = models.PositiveSmallIntegerField(_("最多拨打次数"), default=3)
    different_days = models.BooleanField(_("重拨须隔天"), default=True)
    web_link_enabled = models.BooleanField(_("允许网页答卷"), default=False)

    # Art. 24: callers' numbers leave the order records only with the supervising unit's approval.
    past_callers_approved_at = models.DateTimeField(
        _("批准使用历史来电人时间"), null=True, blank=True
    )
    past_callers_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    past_callers_approval_note = models.CharField(_("批准意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("调查测评")
        verbose_name_plural = _("调查测评")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="survey_status_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def past_callers_approved(self) -> bool:
        return self.past_callers_approved_at is not None


class CampaignEvent(models.Model):
    """One row per change of a campaign (who, when, from, to, why): its history."""

    class Action(models.TextChoices):
        CREATE = "create", _("创建")
        UPDATE = "update", _("修改")
        QUESTION_ADD = "question_add", _("添加题目")
        QUESTION_REMOVE = "question_remove", _("删除题目")
        IMPORT = "import", _("导入名单")
        DRAW = "draw", _("从历史来电人抽取名单")
        APPROVE_PAST_CALLERS = "approve_past_callers", _("批准使用历史来电人")
        START = "start", _("开始调查")
        CLOSE = "close", _("结束调查")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("调查记录")
        verbose_name_plural = _("调查记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.get_action_display()}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    SCALE = "scale", _("量表打分")
    TEXT = "text", _("文字填写")


class Question(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    scale_min = models.SmallIntegerField(_("最低分"), default=1)
    scale_max = models.SmallIntegerField(_("最高分"), default=5)
    scale_min_label = models.CharField(_("最低分含义"), max_length=20, blank=True)
    scale_max_label = models.CharField(_("最高分含义"), max_length=20, blank=True)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="survey_question_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("待拨打")
    IN_PROGRESS = "in_progress", _("待重拨")
    COMPLETED = "completed", _("已完成")
    UNREACHABLE = "unreachable", _("无法接通")
    REFUSED = "refused", _("拒绝访问")


# A target in one of these states is not called again.
FINAL_TARGET_STATES = frozenset(
    {TargetStatus.COMPLETED, TargetStatus.UNREACHABLE, TargetStatus.REFUSED}
)


class TargetSource(models.TextChoices):
    EXCEL = "excel", _("Excel 导入")
    PAST_CALLERS = "past_callers", _("历史来电人")


class Target(models.Model):
    """One person to ask. The number is sealed; lists show the mask; only the operator making
    the call sees it in clear, and that showing is audited."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    phone = EncryptedTextField(_("电话"))
    phone_mask = models.CharField(_("电话"), max_length=20)
    phone_digest = models.CharField(max_length=64, editable=False)
    name = EncryptedTextField(_("姓名"), blank=True)
    name_mask = models.CharField(_("姓名"), max_length=20, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=TargetSource.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=TargetStatus.choices, default=TargetStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("已拨打次数"), default=0)
    last_attempt_at = models.DateTimeField(_("最近拨打"), null=True, blank=True)
    assigned_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拨打人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    web_token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调查对象")
        verbose_name_plural = _("调查对象")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "phone_digest"], name="survey_target_once_per_campaign"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "last_attempt_at"], name="survey_call_queue")
        ]

    def __str__(self) -> str:
        return f"{self.phone_mask} {self.get_status_display()}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_TARGET_STATES


class Attempt(models.Model):
    """One call to a target: the target's history and the basis of the retry rules."""

    class Outcome(models.TextChoices):
        NOT_REACHED = "not_reached", _("未接通")
        REFUSED = "refused", _("拒绝访问")
        ANSWERED = "answered", _("完成答卷")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="tries")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("话务员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reached = models.BooleanField(_("已接通"))
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("记录"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("拨打记录")
        verbose_name_plural = _("拨打记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网页")


class Response(models.Model):
    """A completed questionnaire; one per target."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="response")
    answered_at = models.DateTimeField(_("答卷时间"), default=timezone.now)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("话务员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.answered_at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """The answer to one question: a choice (str), choices (list of str), a score (int) or text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(_("回答"))

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
