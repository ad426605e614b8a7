"""The dispatch proposal (派单建议): which unit should lead an order.

Art. 14(2) names two principles: 谁主管谁负责 (the unit whose duty it is) and 属地管理优先
(the street or town of the place first). The dispatch catalogue gives each category its
default lead unit; a territorial category is led by the territorial unit of the place. The
operator may choose another unit but must say why (国办函〔2025〕66号: no pushing a
department's duty down to the streets without a reason on record).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hotline.catalogue.models import Category
from hotline.units.models import HOST_UNIT_CODE, Place, Unit


@dataclass(frozen=True)
class DispatchProposal:
    lead_unit: Unit | None
    basis: str


def dispatch_propose(
    *, category: Category | None, place: Place | None, supervision_channel: str = ""
) -> DispatchProposal:
    """Propose the lead unit for a category at a place. Requests that supervise the hotline
    itself go to the host unit (Art. 18)."""
    if supervision_channel:
        host = Unit.objects.filter(code=HOST_UNIT_CODE).first()
        return DispatchProposal(host, _("监督渠道诉求(第十八条)由热线主办单位办理。"))
    if category is None:
        return DispatchProposal(None, _("请先选择事项分类。"))
    if category.territorial and place is not None:
        return DispatchProposal(
            place.unit,
            _("属地管理优先：%(place)s属%(unit)s。")
            % {"place": place.name, "unit": place.unit.name},
        )
    if category.lead_unit is not None:
        return DispatchProposal(
            category.lead_unit,
            _("派单目录：“%(category)s”由%(unit)s主办。")
            % {"category": category.path_name, "unit": category.lead_unit.name},
        )
    return DispatchProposal(None, _("派单目录未指定该分类的主办单位，请人工选择。"))
