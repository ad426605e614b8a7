"""The hotline's rules as data (Art. 12, 13, 14, 17): request types and their limits, the
dispatch catalogue of categories, exclusion reasons, emergency situations, rescue lines and
major-incident kinds. Loaded from the YAML files in `hotline/catalogue/data/`, editable in
the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestType(models.Model):
    """A request type and its time limit in working days (Art. 14)."""

    code = models.SlugField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=20)
    article = models.CharField(_("依据条款"), max_length=20, blank=True)
    limit_working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    needs_review = models.BooleanField(
        _("须主办单位审核"),
        default=False,
        help_text=_("投诉、举报类：话务员提出初步意见，主办单位审核后派转（第十四条第二项）"),
    )
    extension_working_days = models.PositiveSmallIntegerField(
        _("可延期工作日"),
        default=0,
        help_text=_("0 表示不可延期（第十四条第二项：投诉举报可延期一次，5个工作日）"),
    )
    extension_max_times = models.PositiveSmallIntegerField(_("最多延期次数"), default=0)
    is_emergency = models.BooleanField(_("紧急求助"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求类型")
        verbose_name_plural = _("诉求类型")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_extend(self) -> bool:
        return self.extension_working_days > 0 and self.extension_max_times > 0


class Category(models.Model):
    """A node of the dispatch catalogue (派单目录) with its default lead unit.

    `territorial` categories are handled by the street or town of the place (属地管理优先,
    Art. 14(2)); `limit_working_days` overrides the request type's limit where a law sets
    another one (Art. 14(2): 法律、法规对办理时限另有规定的,从其规定).
    """

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lead_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("默认主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    territorial = models.BooleanField(_("属地办理"), default=False)
    limit_working_days = models.PositiveSmallIntegerField(
        _("法定时限（工作日）"), null=True, blank=True
    )
    legal_basis = models.CharField(_("时限依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事项分类")
        verbose_name_plural = _("事项分类（派单目录）")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.path_name

    @property
    def path_name(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent is not None else self.name


class ExclusionReason(models.Model):
    """A reason for not accepting a request (Art. 12)."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("不予受理情形"), max_length=200)
    article = models.CharField(_("依据条款"), max_length=20, blank=True)
    script = models.TextField(_("话术"), blank=True, help_text=_("话务员向来电人解释时宣读的说明"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("不予受理情形")
        verbose_name_plural = _("不予受理情形")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name


class EmergencySituation(models.Model):
    """A situation that needs the 110 linkage at once (Art. 13)."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("紧急情形"), max_length=200)
    article = models.CharField(_("依据条款"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # The professional lines the operator guides the caller to in this situation (Art. 14(3)).
    rescue_lines = models.JSONField(_("引导拨打的救援热线"), default=list, blank=True)

    class Meta:
        verbose_name = _("紧急联动情形")
        verbose_name_plural = _("紧急联动情形")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name


class RescueLine(models.Model):
    """A professional rescue line the caller is guided to (Art. 14(3))."""

    code = models.CharField(_("号码"), max_length=10, primary_key=True)
    name = models.CharField(_("名称"), max_length=40)

    class Meta:
        verbose_name = _("专业救援热线")
        verbose_name_plural = _("专业救援热线")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MajorIncidentKind(models.Model):
    """A kind of major incident reported to the host unit at once (Art. 17)."""

    code = models.SlugField(_("代码"), max_length=40, primary_key=True)
    name = models.CharField(_("名称"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重大突发事件类别")
        verbose_name_plural = _("重大突发事件类别")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name
