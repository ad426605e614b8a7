"""Reading quality checks (Art. 20), scoped to the user, and the operator figures the
statistics read (`quality_scores`)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.core.errors import NotFound
from hotline.cti.models import Call
from hotline.cti.rules import may_hear_recordings
from hotline.orders.models import Order
from hotline.orders.rules import orders_visible_to
from hotline.quality import rules
from hotline.quality.models import Check, Kind, Sample, Sheet, State
from hotline.quality.weeks import day_start

CHECK_RELATED = (
    "operator",
    "sheet",
    "scored_by",
    "sample",
    "call",
    "call__agent",
    "order",
    "order__request_type",
    "order__category",
)


def one_decimal(points: int, count: int) -> float | None:
    """points ÷ count rounded half up to one decimal; None without checks."""
    if not count:
        return None
    return float((Decimal(points) / Decimal(count)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def checks_visible_to(user: User) -> QuerySet[Check]:
    """Every check for the leads, the host reviewers and the supervisors; an operator's own
    checks once scored; nothing for anyone else."""
    qs = Check.objects.select_related(*CHECK_RELATED)
    if rules.may_read_all(user):
        return qs
    if rules.may_enter(user):
        return qs.filter(operator=user, state=State.SCORED)
    return qs.none()


@dataclass(frozen=True)
class SampleProgress:
    sample: Sample
    checks: int
    scored: int
    average: float | None  # of the scored checks' totals


def samples_list(*, user: User) -> list[SampleProgress]:
    """Every week's sample, newest first, with how far its scoring has got."""
    if not rules.may_read_all(user):
        return []
    rows = Sample.objects.annotate(
        n=Count("checks"),
        n_scored=Count("checks", filter=Q(checks__state=State.SCORED)),
        points=Sum("checks__total", filter=Q(checks__state=State.SCORED)),
    ).order_by("-week_start")
    return [
        SampleProgress(row, row.n, row.n_scored, one_decimal(row.points or 0, row.n_scored))
        for row in rows
    ]


def sample_get_for_user(*, user: User, pk: int) -> Sample:
    sample = Sample.objects.filter(pk=pk).first() if rules.may_read_all(user) else None
    if sample is None:
        raise NotFound(_("找不到该周的抽检。"))
    return sample


@dataclass(frozen=True)
class CheckRow:
    check: Check
    # The sampled order's number when the reader may see the order, else "" (confidential).
    order_number: str


def _visible_order_ids(user: User, checks: list[Check]) -> set[int]:
    ids = [c.order_id for c in checks if c.order_id is not None]
    qs = orders_visible_to(user, Order.objects.filter(pk__in=ids))
    return set(qs.values_list("pk", flat=True))


def _rows(user: User, checks: list[Check]) -> list[CheckRow]:
    visible = _visible_order_ids(user, checks)
    return [
        CheckRow(c, c.order.number if c.order is not None and c.order_id in visible else "")
        for c in checks
    ]


def sample_checks(*, user: User, sample: Sample) -> list[CheckRow]:
    return _rows(user, list(checks_visible_to(user).filter(sample=sample)))


def checks_of_operator(*, user: User) -> list[CheckRow]:
    """The user's own scored checks, newest first (an operator's page)."""
    checks = checks_visible_to(user).filter(operator=user, state=State.SCORED)
    return _rows(user, list(checks.order_by("-at", "-pk")))


@dataclass(frozen=True)
class CheckPage:
    check: Check
    call: Call | None
    # The sampled order, or the call's order, when the reader may see it; None otherwise.
    order: Order | None
    order_hidden: bool  # an order was sampled that the reader may not see (Art. 23)
    may_hear: bool  # the cti app offers this reader the call's recording
    may_score: bool
    may_open_sample: bool
    sheet: Sheet | None  # the sheet the check is (or would now be) scored on


def check_get_for_user(*, user: User, pk: int) -> CheckPage:
    """One check with what the reader may see of its call or order (the orders' own scoping,
    so a confidential order stays hidden from those who may not see it); NotFound alike for
    a missing check and one the user may not see."""
    check = checks_visible_to(user).filter(pk=pk).first()
    if check is None:
        raise NotFound(_("找不到该质检。"))
    subject = (
        check.order if check.kind == Kind.ORDER else (check.call.order if check.call else None)
    )
    order = None
    if subject is not None:
        order = orders_visible_to(user, Order.objects.filter(pk=subject.pk)).first()
    pending = check.state == State.PENDING
    return CheckPage(
        check=check,
        call=check.call,
        order=order,
        order_hidden=check.kind == Kind.ORDER and order is None,
        may_hear=check.call is not None
        and bool(check.call.recording)
        and may_hear_recordings(user),
        may_score=pending and rules.may_score(user) and check.operator_id != user.pk,
        may_open_sample=rules.may_read_all(user),
        sheet=Sheet.objects.order_by("-version").first() if pending else check.sheet,
    )


@dataclass(frozen=True)
class QualityFigure:
    """One operator's quality checks in a period (scores are out of 100)."""

    checks: int
    average: float | None
    call_checks: int
    call_average: float | None
    order_checks: int
    order_average: float | None


def quality_scores(*, start: date, end: date) -> dict[int, QualityFigure]:
    """Per operator (user id), the quality checks scored so far whose call or order falls on
    a local (Asia/Shanghai) date from `start` to `end`, both included — by when the call began
    or the order was registered, not when it was scored.

    Formula: a check's score is the sum of its items' points (every sheet totals 100);
    average = Σ scores ÷ number of scored checks, rounded half up to one decimal; call_average
    and order_average are the same over the operator's call checks and order checks alone (so
    the average weighs each check alike, not the two means). Checks not yet scored do not
    count. Operators without a scored check in the period are absent."""
    rows = (
        Check.objects.filter(
            state=State.SCORED,
            at__gte=day_start(start),
            at__lt=day_start(end + timedelta(days=1)),
        )
        .values("operator_id", "kind")
        .annotate(n=Count("pk"), points=Sum("total"))
        .order_by()
    )
    parts: dict[int, dict[str, tuple[int, int]]] = {}
    for row in rows:
        parts.setdefault(row["operator_id"], {})[row["kind"]] = (row["n"], row["points"] or 0)
    figures = {}
    for operator, kinds in parts.items():
        calls, call_points = kinds.get(Kind.CALL, (0, 0))
        orders, order_points = kinds.get(Kind.ORDER, (0, 0))
        figures[operator] = QualityFigure(
            checks=calls + orders,
            average=one_decimal(call_points + order_points, calls + orders),
            call_checks=calls,
            call_average=one_decimal(call_points, calls),
            order_checks=orders,
            order_average=one_decimal(order_points, orders),
        )
    return figures


@dataclass(frozen=True)
class OperatorResult:
    operator: User
    figure: QualityFigure


def operator_results(*, user: User, start: date, end: date) -> list[OperatorResult]:
    """`quality_scores` for the results page, best average first."""
    if not rules.may_read_all(user):
        return []
    figures = quality_scores(start=start, end=end)
    people = User.objects.in_bulk(list(figures))
    results = [OperatorResult(people[pk], figure) for pk, figure in figures.items()]
    results.sort(key=lambda r: (-(r.figure.average or 0), r.operator.username))
    return results
