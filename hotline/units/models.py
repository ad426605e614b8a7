"""Units that take part in the hotline (Art. 5–10) and the places they are responsible for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    SUPERVISOR = "supervisor", _("热线主管单位")
    HOST = "host", _("热线主办单位")
    OPERATOR = "operator", _("热线运营单位")
    POLICE = "police", _("公安(110联动）")
    TERRITORIAL = "territorial", _("属地单位")
    FUNCTIONAL = "functional", _("职能部门")
    UTILITY = "utility", _("公共服务企业")
    EXPERT = "expert", _("专家服务机构")


# Units that receive and handle dispatched orders: the member units of Art. 10, and also the
# hotline's own units, which answer requests about the hotline's service (Art. 18, 20).
MEMBER_KINDS = frozenset(UnitKind)
# The host unit (热线主办单位): it reviews complaints and reports, decides extensions and
# disputed returns, and handles requests that supervise the hotline itself (Art. 5, 14, 18).
HOST_UNIT_CODE = "infocenter"


class Unit(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    duties = models.JSONField(_("职责"), default=list, blank=True, help_text=_("每行一项职责"))
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_member(self) -> bool:
        return self.kind in MEMBER_KINDS


class Place(models.Model):
    """A community (社区) or village (村) and the territorial unit it belongs to."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("社区")
        VILLAGE = "village", _("村")

    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属属地单位"), on_delete=models.PROTECT, related_name="places"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("社区/村")
        verbose_name_plural = _("社区/村")
        ordering = ["unit__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="place_unique_per_unit")
        ]

    def __str__(self) -> str:
        return self.name
