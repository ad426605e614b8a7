"""How often the operators took triage's suggestions (issue 14), one figure per decision,
counted in the database over the suggestions of a period."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from hotline.triage.models import TriageSuggestion, TriageTraining


@dataclass(frozen=True)
class Acceptance:
    key: str
    label: str
    taken: int
    over: int

    @property
    def rate(self) -> float | None:
        return self.taken / self.over if self.over else None


# decision → (label, orders it is counted over, suggestion taken)
DECISIONS = {
    "type": (_("诉求类型"), Q(), Q(request_type=F("order__request_type"))),
    "exclusion": (
        _("受理/不予受理及原因"),
        Q(),
        Q(exclusion="", order__exclusion__isnull=True) | Q(exclusion=F("order__exclusion")),
    ),
    "emergency": (
        _("紧急情形(第十三条)"),
        Q(),
        Q(emergency_situation="", order__emergency_situation__isnull=True)
        | Q(emergency_situation=F("order__emergency_situation")),
    ),
    "major_incident": (
        _("重大突发事件(第十七条)"),
        Q(),
        Q(major_incident="", order__major_incident__isnull=True)
        | Q(major_incident=F("order__major_incident")),
    ),
    "category": (
        _("事项分类"),
        Q(order__category__isnull=False),
        Q(category=F("order__category__code")),
    ),
    "unit": (
        _("承办单位(首选)"),
        Q(order__lead_unit__isnull=False),
        Q(unit=F("order__lead_unit__code")),
    ),
}


def acceptance(*, since: datetime, until: datetime) -> list[Acceptance]:
    rows = TriageSuggestion.objects.filter(at__gte=since, at__lt=until)
    counts = rows.aggregate(
        **{f"{key}_over": Count("pk", filter=over) for key, (_l, over, _t) in DECISIONS.items()},
        **{
            f"{key}_taken": Count("pk", filter=over & taken)
            for key, (_l, over, taken) in DECISIONS.items()
        },
    )
    return [
        Acceptance(key, str(label), counts[f"{key}_taken"], counts[f"{key}_over"])
        for key, (label, _o, _t) in DECISIONS.items()
    ]


def trainings(limit: int = 10) -> list[TriageTraining]:
    return list(TriageTraining.objects.order_by("-at")[:limit])
