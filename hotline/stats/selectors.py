"""The figures of a period, as one plain structure that pages, reports, the Excel file, the
public page and `hotline stats` all read (Art. 19–21)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES
from hotline.catalogue.models import Category, ExclusionReason, RequestType
from hotline.orders.models import Channel, SupervisionChannel
from hotline.quality.selectors import quality_scores
from hotline.stats import counting
from hotline.stats.counting import Counts, Scope
from hotline.stats.figures import (
    ASSESSMENT_RATES,
    HOTLINE_FIGURES,
    OPERATOR_FIGURES,
    UNIT_FIGURES,
    Figure,
    display,
    weighted_score,
)
from hotline.stats.models import AssessmentScheme
from hotline.stats.periods import Period
from hotline.units.models import MEMBER_KINDS, Place, Unit

# Shifts of the operating centre by the local hour a call or an order began.
SHIFTS = (
    ("early", "早班 08–16", range(8, 16)),
    ("late", "中班 16–24", range(16, 24)),
    ("night", "夜班 00–08", range(0, 8)),
)


def scheme_current() -> AssessmentScheme:
    """The assessment weights in force: the newest version (the first is made by migration)."""
    scheme = AssessmentScheme.objects.order_by("-version").first()
    if scheme is None:
        scheme = AssessmentScheme.objects.create(version=1, note="默认权重")
    return scheme


def _figure(figure: Figure, counts: Counts, dimension: str = "", key: str = "") -> dict[str, Any]:
    value = figure.of(counts, dimension, key)
    return {
        "key": figure.key,
        "label": str(figure.label),
        "formula": str(figure.formula),
        "kind": figure.kind,
        "value": value,
        "display": display(figure, value),
        "orders": figure.orders,
        "target": figure.target,
    }


def _largest_first(split: dict[str, int]) -> dict[str, int]:
    return dict(sorted(split.items(), key=lambda item: (-item[1], item[0])))


def unit_rows(counts: Counts, units: list[Unit], scheme: AssessmentScheme) -> list[dict[str, Any]]:
    """Each member unit's figures and its assessment score, best score first."""
    weights = scheme.weights()
    rows: list[dict[str, Any]] = []
    for unit in units:
        key = str(unit.pk)
        figures = {figure.key: figure.of(counts, "unit", key) for figure in UNIT_FIGURES}
        if not figures["dispatched"] and not figures["replied_on_time"] and not figures["rated"]:
            continue
        rates = {name: figures[name] for name, _weight in ASSESSMENT_RATES}
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                **figures,
                "score": weighted_score(rates, weights),
                "display": {
                    figure.key: display(figure, figures[figure.key]) for figure in UNIT_FIGURES
                },
            }
        )
    rows.sort(key=lambda row: (-(row["score"] if row["score"] is not None else -1), row["code"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _getter(values: dict[str, int]) -> Callable[[str], int]:
    return lambda counter: values.get(counter, 0)


def operator_rows(counts: Counts, quality: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    """Each operator's figures (Art. 20), summed over hours, and split by shift."""
    per_operator: dict[str, dict[str, int]] = {}
    per_shift: dict[tuple[str, str], dict[str, int]] = {}
    shift_of = {hour: code for code, _label, hours in SHIFTS for hour in hours}
    for (counter, dimension, key), value in counts.totals.items():
        if dimension == "operator_hour":
            user_id, hour = key.split(":")
            per_operator.setdefault(user_id, {}).setdefault(counter, 0)
            per_operator[user_id][counter] += value
            shift = (user_id, shift_of[int(hour)])
            per_shift.setdefault(shift, {}).setdefault(counter, 0)
            per_shift[shift][counter] += value
        elif dimension == "operator":
            per_operator.setdefault(key, {}).setdefault(counter, 0)
            per_operator[key][counter] += value
    users = {
        str(user.pk): user
        for user in User.objects.filter(pk__in=[int(k) for k in per_operator if k.isdigit()])
    }
    rows: list[dict[str, Any]] = []
    for user_id, own in per_operator.items():
        user = users.get(user_id)
        if user is None or not user.role_set & CENTRE_ROLES:
            continue
        values = {figure.key: figure.value(_getter(own)) for figure in OPERATOR_FIGURES}
        score = quality.get(int(user_id)) if quality else None
        rows.append(
            {
                "id": user.pk,
                "username": user.username,
                "name": user.display_name or user.username,
                **values,
                "quality": getattr(score, "average", None),
                "quality_checks": getattr(score, "checks", 0),
                "display": {
                    figure.key: display(figure, values[figure.key]) for figure in OPERATOR_FIGURES
                },
                "shifts": [
                    {
                        "shift": label,
                        "calls": per_shift.get((user_id, code), {}).get("op_calls_answered", 0),
                        "orders": per_shift.get((user_id, code), {}).get("op_received", 0),
                    }
                    for code, label, _hours in SHIFTS
                ],
            }
        )
    rows.sort(key=lambda row: (-(row["calls"] or 0) - (row["orders"] or 0), row["username"]))
    return rows


def operator_scores(rows: list[dict[str, Any]], scheme: AssessmentScheme) -> None:
    """The monthly assessment score of each operator (`figures.OPERATOR_SCORE_FORMULA`)."""
    weights = scheme.weights()
    top = max(((row["calls"] or 0) + (row["orders"] or 0) for row in rows), default=0)
    for row in rows:
        parts = []
        if top:
            parts.append(
                (
                    100 * ((row["calls"] or 0) + (row["orders"] or 0)) / top,
                    weights["operator_workload"],
                )
            )
        if row.get("quality") is not None:
            parts.append((float(row["quality"]), weights["operator_quality"]))
        if row.get("callback_satisfaction") is not None:
            parts.append((100 * row["callback_satisfaction"], weights["operator_satisfaction"]))
        total = sum(weight for _value, weight in parts)
        row["score"] = (
            round(sum(value * weight for value, weight in parts) / total, 1) if total else None
        )


def period_figures(
    *,
    period: Period,
    unit: Unit | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Every figure of `period` (of one unit's orders when `unit` is given), JSON-ready: what a
    page shows, a report freezes and `hotline stats` prints."""
    now = now or clock.now()
    scheme = scheme_current()
    scope = Scope(unit_id=unit.pk if unit is not None else None)
    counts = counting.period_counts(period.start, period.end, scope=scope, now=now)
    units = (
        list(Unit.objects.filter(kind__in=MEMBER_KINDS).order_by("code"))
        if unit is None
        else [unit]
    )
    types = dict(RequestType.objects.values_list("code", "name"))
    categories = {
        str(pk): (code, name)
        for pk, code, name in Category.objects.values_list("pk", "code", "name")
    }
    places = {str(pk): name for pk, name in Place.objects.values_list("pk", "name")}
    unit_names = {str(u.pk): (u.code, u.name) for u in Unit.objects.all()}
    hotline = [_figure(figure, counts) for figure in HOTLINE_FIGURES]
    by_category = counts.by("received", "category")
    operators = (
        operator_rows(counts, quality_scores(start=period.start, end=period.end))
        if unit is None
        else []
    )
    operator_scores(operators, scheme)
    days = list(counting.days_of(period.start, period.end))
    return {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "kind": period.kind,
            "label": period.label,
        },
        "unit": unit.code if unit is not None else None,
        "computed_at": now.isoformat(),
        "scheme": {"version": scheme.version, "weights": scheme.weights()},
        "received": counts.total("received"),
        "by_type": _largest_first(counts.by("received", "type")),
        "by_channel": _largest_first(counts.by("received", "channel")),
        "by_category": _largest_first(
            {categories[k][0]: v for k, v in by_category.items() if k in categories}
        ),
        "by_place": _largest_first(
            {places.get(k, k): v for k, v in counts.by("received", "place").items()}
        ),
        "by_hour": {
            str(hour): counts.totals.get(("received", "hour", str(hour)), 0) for hour in range(24)
        },
        "by_supervision": counts.by("received", "supervision"),
        "not_accepted": counts.total("not_accepted"),
        "not_accepted_by_reason": _largest_first(counts.by("not_accepted", "exclusion")),
        "answered_at_once": counts.total("answered_at_once"),
        "dispatched": counts.total("dispatched"),
        "hotline": hotline,
        "figures": {row["key"]: row["value"] for row in hotline},
        "units": unit_rows(counts, units, scheme),
        "operators": operators,
        "daily": {
            counter: [[day.isoformat(), value] for day, value in counts.series(counter, days)]
            for counter in (
                "received",
                "dispatched",
                "answered_at_once",
                "calls_received",
                "calls_answered",
            )
        },
        "names": {
            "type": types,
            "channel": {str(value): str(label) for value, label in Channel.choices},
            "category": {code: name for code, name in categories.values()},
            "exclusion": dict(ExclusionReason.objects.values_list("code", "name")),
            "supervision": {
                str(value): str(label) for value, label in SupervisionChannel.choices if value
            },
            "unit": {code: name for code, name in unit_names.values()},
        },
    }
