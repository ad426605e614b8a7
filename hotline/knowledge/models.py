"""The knowledge base (知识库, Art. 11(2), 14(1); GB/T 44191): answers the operators give at
once, drafted by the member units for their own duties (Art. 10) and published by the host
unit. The unit directory (each unit's duties, phone and office hours) is searched beside it
from `units.Unit`.

An entry's state changes only through `hotline.knowledge.services`; every change writes one
`EntryEvent`. A published entry is never edited in place: a revision (a new draft row that
`revises` it) replaces it when the revision is published, so the text an operator answered
with stays on record.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.core.models import AppendOnlyModel


class EntryState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Entry(models.Model):
    key = models.SlugField(
        _("导入标识"),
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text=_("从数据文件导入的条目的稳定标识;手工新建的条目为空"),
    )
    title = models.CharField(_("标题"), max_length=120)
    questions = models.TextField(
        _("常见问法"), blank=True, help_text=_("来电人的其他问法,每行一条;用于检索")
    )
    answer = models.TextField(_("答复口径"))
    category = models.ForeignKey(
        "catalogue.Category",
        verbose_name=_("事项分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="knowledge_entries",
    )
    source = models.TextField(_("政策依据"), blank=True, help_text=_("文件名称与文号"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("当日仍有效"))
    state = models.CharField(
        _("状态"), max_length=20, choices=EntryState.choices, default=EntryState.DRAFT
    )
    revises = models.ForeignKey(
        "self",
        verbose_name=_("修订自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # Bumped by every change; a form carrying an older version is told the entry changed.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识条目")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["state", "unit"], name="kb_entry_state_unit"),
            models.Index(fields=["updated_at"], name="kb_entry_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        """The reference an order answered from this entry records (直接答复, Art. 14(1))."""
        return f"KB-{self.pk}"

    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def is_valid_on(self, day) -> bool:
        """True when `day` lies inside the validity period (both ends included)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


class EntryAction(models.TextChoices):
    CREATE = "create", _("起草")
    UPDATE = "update", _("修改")
    SUBMIT = "submit", _("提交发布")
    PUBLISH = "publish", _("发布")
    WITHDRAW = "withdraw", _("撤回")
    RETURN = "return", _("退回草稿")
    REVISE = "revise", _("创建修订稿")
    SUPERSEDE = "supersede", _("被新版本替代")
    IMPORT = "import", _("数据导入")


class EntryEvent(AppendOnlyModel):
    """One change of an entry (who, when, from, to, why): its history and audit trail."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("知识条目"), on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=20, choices=EntryAction.choices)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"))

    class Meta:
        verbose_name = _("知识条目记录")
        verbose_name_plural = _("知识条目记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    @property
    def from_label(self) -> str:
        return (
            str(EntryState(self.from_state).label) if self.from_state in EntryState.values else ""
        )

    @property
    def to_label(self) -> str:
        return str(EntryState(self.to_state).label) if self.to_state in EntryState.values else ""


class Synonym(models.Model):
    """A group of words callers use for the same thing (居住证 = 暂住证). The search treats
    every word of a group as the others; edited in the admin."""

    term = models.CharField(_("词语"), max_length=40, unique=True)
    synonyms = models.TextField(_("同义词"), help_text=_("以逗号、顿号或空格分隔"))
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} = {self.synonyms}"

    def words(self) -> list[str]:
        """The term and its synonyms, without duplicates, in order."""
        return split_words(f"{self.term},{self.synonyms}")


def split_words(text: str) -> list[str]:
    seen: list[str] = []
    for part in (
        text.replace(",", ",").replace("、", ",").replace(";", ",").replace("=", ",").split(",")
    ):
        for word in part.split():
            if word and word not in seen:
                seen.append(word)
    return seen


class SearchSource(models.TextChoices):
    INTAKE = "intake", _("受理界面")
    PAGE = "page", _("知识库页面")


class SearchOutcome(models.TextChoices):
    """What followed a search made on the intake screen (Art. 14(1)), set when the intake was
    submitted. Searches made on the knowledge page lead to no order and have none."""

    ANSWERED_FROM_ENTRY = "answered_from_entry", _("依据知识条目直接答复")
    ANSWERED_FREE = "answered_free", _("未用知识条目直接答复")
    DISPATCHED = "dispatched", _("派单或提交审核")
    OTHER = "other", _("其他(不予受理、并单、移交110、仅登记)")


class SearchLog(AppendOnlyModel):
    """One settled knowledge search by a member of staff: what was asked (personal numbers
    masked, `masking.query_mask`), its terms, the results shown and, for a search on the
    intake screen, the order that call became and what the operator did with it. The source
    of the knowledge-base use and gap figures (Art. 10, 14(1)). Written once, when the intake
    is submitted (or the page search settles), never changed."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检索人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=10, choices=SearchSource.choices)
    query = models.CharField(_("检索内容(已脱敏)"), max_length=200)
    terms = models.JSONField(_("检索词"), default=list, blank=True)
    result_refs = models.JSONField(_("显示的结果"), default=list, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("结果"), max_length=24, choices=SearchOutcome.choices, blank=True, default=""
    )
    entry_ref = models.CharField(
        _("答复所依据的条目"),
        max_length=40,
        blank=True,
        help_text=_("KB-<编号> 或 UNIT-<单位代码>"),
    )

    class Meta:
        verbose_name = _("知识库检索记录")
        verbose_name_plural = _("知识库检索记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["outcome", "at"], name="kb_search_outcome_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.query}"
