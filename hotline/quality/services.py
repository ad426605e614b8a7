"""The changes of quality checks (质检), each one transaction that writes its audit row.

Art. 20 (第二十条): the host unit assesses the operating centre by business ability, service
quality and workload. Service quality is measured here: each week the platform draws a random
sample of every operator's answered calls and registered orders (`quality_sample_draw`), an
operator lead scores each one on the current scoring sheet (`quality_check_score`), and the
scores feed the operator figures of the statistics (`selectors.quality_scores`)."""

import random
import secrets
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.services import audit_record, config_save
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.text import MAX_TEXT, clean_text
from hotline.cti.models import Call, Direction
from hotline.orders.models import Order
from hotline.quality import rules
from hotline.quality.models import Check, Kind, Sample, Sheet, State, sheet_items_problem
from hotline.quality.weeks import last_complete_week, week_bounds

MAX_SHEET_NAME = 60


def sheet_current() -> Sheet | None:
    """The sheet checks are scored on now: the highest version."""
    return Sheet.objects.order_by("-version").first()


@transaction.atomic
def quality_sheet_save(*, actor: User, name: str, items: Any) -> Sheet:
    """Save an edited scoring sheet as the next version (Art. 20: the sheet the operating
    centre is assessed on is the host unit's configuration). A sheet is never changed in place,
    so every check keeps the version it was scored on. Refused with a Chinese message when the
    items are not well-formed (`models.sheet_items_problem`) and, through `config_save`, unless
    the actor's roles may configure sheets; audited with the new values."""
    problem = sheet_items_problem(items)
    if problem:
        raise InvalidInput(problem)
    name = clean_text(name, field=_("名称"), limit=MAX_SHEET_NAME)
    # The lock on the latest version makes two saves at once number themselves in turn.
    latest = Sheet.objects.select_for_update().order_by("-version").first()
    sheet = Sheet(
        version=(latest.version if latest else 0) + 1,
        name=name,
        items=items,
        created_at=clock.now(),
    )
    return config_save(actor=actor, instance=sheet)


def _candidates(start: datetime, end: datetime) -> dict[int, tuple[list[int], list[int]]]:
    """{operator id: (call ids, order ids)} of the operating centre's staff in [start, end):
    incoming calls they answered (by when the call began) and orders they registered."""
    calls = (
        Call.objects.filter(
            direction=Direction.IN,
            answered=True,
            agent__isnull=False,
            started_at__gte=start,
            started_at__lt=end,
        )
        .order_by("agent_id", "pk")
        .values_list("agent_id", "pk")
    )
    orders = (
        Order.objects.filter(created_by__isnull=False, created_at__gte=start, created_at__lt=end)
        .order_by("created_by_id", "pk")
        .values_list("created_by_id", "pk")
    )
    found: dict[int, tuple[list[int], list[int]]] = {}
    for agent_id, pk in calls:
        found.setdefault(agent_id, ([], []))[0].append(pk)
    for creator_id, pk in orders:
        found.setdefault(creator_id, ([], []))[1].append(pk)
    staff = {user.pk for user in User.objects.filter(pk__in=list(found)) if user.is_centre_staff}
    return {operator: found[operator] for operator in sorted(found) if operator in staff}


def _draw(rng: random.Random, ids: list[int], count: int) -> list[int]:
    return sorted(rng.sample(ids, min(count, len(ids))))


@transaction.atomic
def quality_sample_draw(
    *, week_start: date, actor: User | None, now: datetime | None = None
) -> Sample:
    """Draw the quality sample of the week beginning on Monday `week_start` (local dates,
    Monday 00:00 to Sunday 24:00; Art. 20: the service quality of the operating centre).

    For every operator of the operating centre it draws at random up to
    HOTLINE_QUALITY_CALLS_PER_OPERATOR of the incoming calls they answered and up to
    HOTLINE_QUALITY_ORDERS_PER_OPERATOR of the orders they registered that week. The generator
    is seeded from the system's secure source and the seed is kept with the sample, so the draw
    can be repeated and checked but not chosen by the lead. Drawing a week again returns the
    sample already drawn (one per week, a unique constraint, safe against two draws at once).
    Refused for a day that is not a Monday, for a week not yet over, and for anyone but an
    operator lead (`actor` None is the scheduled tick)."""
    now = now or clock.now()
    if actor is not None and not rules.may_score(actor):
        raise NotAllowed(_("只有班长可以抽取质检样本。"))
    if week_start.weekday() != 0:
        raise InvalidInput(_("抽检周须从周一开始。"))
    existing = Sample.objects.filter(week_start=week_start).first()
    if existing is not None:
        return existing
    start, end = week_bounds(week_start)
    if end > now:
        raise WrongState(_("该周尚未结束，结束后才能抽检。"))
    seed = secrets.randbits(63)
    calls_each = settings.HOTLINE_QUALITY_CALLS_PER_OPERATOR
    orders_each = settings.HOTLINE_QUALITY_ORDERS_PER_OPERATOR
    try:
        with transaction.atomic():
            sample = Sample.objects.create(
                week_start=week_start,
                seed=str(seed),
                calls_per_operator=calls_each,
                orders_per_operator=orders_each,
                drawn_at=now,
                drawn_by=actor,
            )
    except IntegrityError:
        # Someone drew the week a moment ago: theirs is the week's sample.
        return Sample.objects.get(week_start=week_start)
    rng = random.Random(seed)
    chosen_calls: dict[int, int] = {}
    chosen_orders: dict[int, int] = {}
    for operator, (call_ids, order_ids) in _candidates(start, end).items():
        chosen_calls.update(dict.fromkeys(_draw(rng, call_ids, calls_each), operator))
        chosen_orders.update(dict.fromkeys(_draw(rng, order_ids, orders_each), operator))
    call_at = dict(Call.objects.filter(pk__in=chosen_calls).values_list("pk", "started_at"))
    order_at = dict(Order.objects.filter(pk__in=chosen_orders).values_list("pk", "created_at"))
    Check.objects.bulk_create(
        [
            Check(sample=sample, operator_id=op, kind=Kind.CALL, call_id=pk, at=call_at[pk])
            for pk, op in chosen_calls.items()
        ]
        + [
            Check(sample=sample, operator_id=op, kind=Kind.ORDER, order_id=pk, at=order_at[pk])
            for pk, op in chosen_orders.items()
        ]
    )
    audit_record(
        actor=actor,
        action="quality.sample_draw",
        target=f"quality-sample:{sample.pk}",
        reason=_("质检抽样：%(week)s 起一周") % {"week": week_start.isoformat()},
        seed=sample.seed,
        calls=len(chosen_calls),
        orders=len(chosen_orders),
    )
    return sample


def quality_sample_draw_due(*, now: datetime | None = None) -> Sample | None:
    """The scheduled weekly draw: last week's sample when it has not been drawn yet (one
    look-up when it has). Returns the sample drawn now, or None."""
    now = now or clock.now()
    week_start = last_complete_week(now)
    if Sample.objects.filter(week_start=week_start).exists():
        return None
    return quality_sample_draw(week_start=week_start, actor=None, now=now)


def _clean_scores(sheet: Sheet, scores: Any) -> dict[str, int]:
    """The points of every item of `sheet`, each a whole number from 0 to its maximum."""
    if not isinstance(scores, dict):
        raise InvalidInput(_("请按评分表逐项评分。"))
    codes = {item["code"] for item in sheet.items}
    unknown = sorted(str(code) for code in scores if code not in codes)
    if unknown:
        raise InvalidInput(_("评分表中没有“%(code)s”这一项。") % {"code": unknown[0]})
    cleaned: dict[str, int] = {}
    for item in sheet.items:
        label, top = item["label"], item["max_points"]
        value = scores.get(item["code"])
        if value is None:
            raise InvalidInput(_("请为“%(label)s”评分。") % {"label": label})
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(_("“%(label)s”的得分须为整数。") % {"label": label})
        if not 0 <= value <= top:
            raise InvalidInput(
                _("“%(label)s”的得分须在 0 至 %(top)d 分之间。") % {"label": label, "top": top}
            )
        cleaned[item["code"]] = value
    return cleaned


@transaction.atomic
def quality_check_score(
    *,
    check: Check,
    actor: User,
    scores: dict[str, int],
    comment: str,
    now: datetime | None = None,
) -> Check:
    """Score one drawn call or order on the current sheet (Art. 20: service quality of the
    operating centre), once.

    Only an operator lead may score, and never a check of their own call or order; every item
    of the sheet needs a whole number of points from 0 to its maximum; the comment is optional.
    The check keeps the sheet version it was scored on. A check is scored once: the
    compare-and-swap on its state turns a second attempt, or the loser of two at once, into
    a clear refusal that changes nothing. Writes one audit row."""
    now = now or clock.now()
    if not rules.may_score(actor):
        raise NotAllowed(_("只有班长可以为质检评分。"))
    if check.operator_id == actor.pk:
        raise NotAllowed(_("不能为自己的通话或工单评分。"))
    sheet = sheet_current()
    if sheet is None:
        raise WrongState(_("尚未配置质检评分表，请联系系统管理员。"))
    cleaned = _clean_scores(sheet, scores)
    comment = clean_text(comment, field=_("评语"), required=False, limit=MAX_TEXT)
    total = sum(cleaned.values())
    won = Check.objects.filter(pk=check.pk, state=State.PENDING).update(
        state=State.SCORED,
        sheet=sheet,
        scores=cleaned,
        total=total,
        comment=comment,
        scored_at=now,
        scored_by=actor,
    )
    if not won:
        raise WrongState(_("该质检已评分，不能重复评分。"))
    check.refresh_from_db()
    audit_record(
        actor=actor,
        action="quality.check_score",
        target=f"quality-check:{check.pk}",
        reason=_("质检评分：%(total)d 分") % {"total": total},
        sheet=sheet.version,
        scores=cleaned,
    )
    return check
