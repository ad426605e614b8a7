"""Quality checks for the demo (Art. 20): the sample of every past week, mostly scored, built
through the real services at their own moments in the past (`clock.frozen_at`)."""

import random
from datetime import datetime, timedelta

from django.db.models import Min

from hotline import clock
from hotline.accounts.models import User
from hotline.cti.models import Call, Direction
from hotline.orders.models import Order
from hotline.quality import rules
from hotline.quality.models import Check, Sample, State
from hotline.quality.services import quality_check_score, quality_sample_draw, sheet_current
from hotline.quality.weeks import WEEK, last_complete_week, week_bounds, week_of

DEMO_SEED = 20
# The share of an item's points lost, and how often: most checks are good, a few are not.
LOSSES = (0.0, 0.1, 0.2, 0.4, 0.6)
LOSS_WEIGHTS = (60, 18, 12, 7, 3)
COMMENTS = {
    "greeting": "开头未使用规范服务用语，未报工号。",
    "record": "工单记录遗漏诉求要点，地址不完整。",
    "routing": "派单单位不准确，造成退单。",
    "policy": "政策解答不够准确，应先查阅知识库。",
    "manners": "语气生硬，需注意服务态度。",
}


def _first_activity() -> datetime | None:
    calls = Call.objects.filter(direction=Direction.IN, answered=True, agent__isnull=False)
    orders = Order.objects.filter(created_by__isnull=False)
    times = [
        calls.aggregate(first=Min("started_at"))["first"],
        orders.aggregate(first=Min("created_at"))["first"],
    ]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def _has_activity(week_start: datetime, week_end: datetime) -> bool:
    span = {"gte": week_start, "lt": week_end}
    calls = Call.objects.filter(
        direction=Direction.IN,
        answered=True,
        agent__isnull=False,
        **{f"started_at__{k}": v for k, v in span.items()},
    )
    orders = Order.objects.filter(
        created_by__isnull=False, **{f"created_at__{k}": v for k, v in span.items()}
    )
    return calls.exists() or orders.exists()


def _score(check: Check, *, lead: User, rng: random.Random, at: datetime) -> None:
    sheet = sheet_current()
    if sheet is None:
        return
    scores = {}
    for item in sheet.items:
        loss = rng.choices(LOSSES, LOSS_WEIGHTS)[0]
        scores[item["code"]] = item["max_points"] - round(item["max_points"] * loss)
    worst = min(sheet.items, key=lambda item: scores[item["code"]] / item["max_points"])
    comment = ""
    if scores[worst["code"]] < worst["max_points"]:
        comment = COMMENTS.get(worst["code"], "")
    with clock.frozen_at(at):
        quality_check_score(check=check, actor=lead, scores=scores, comment=comment)


def quality_load_demo(*, now: datetime) -> int:
    """Draw the sample of every complete week before `now` that has answered calls or
    registered orders (as the Monday tick would have), and score its checks as the operator
    leads would have during the following days, with plausible varied points: every check of
    the earlier weeks and about half of the latest, so a lead signing in sees work to do. A
    check of a lead's own call or order goes to another lead, or stays unscored. Running it
    again draws and scores nothing more. Returns the number of checks scored."""
    first = _first_activity()
    if first is None:
        return 0
    leads = [u for u in User.objects.filter(is_active=True).order_by("pk") if rules.may_score(u)]
    latest = last_complete_week(now)
    rng = random.Random(DEMO_SEED)
    scored = 0
    week = week_of(first)
    while week <= latest:
        start, end = week_bounds(week)
        if not _has_activity(start, end) and not Sample.objects.filter(week_start=week).exists():
            week += WEEK
            continue
        with clock.frozen_at(end + timedelta(hours=1)):
            sample = quality_sample_draw(week_start=week, actor=None)
        for position, check in enumerate(sample.checks.select_related("operator").order_by("pk")):
            # The latest week: every other check waits for the lead (the same ones each run).
            if check.state != State.PENDING or (week == latest and position % 2):
                continue
            lead = next((u for u in leads if u.pk != check.operator_id), None)
            if lead is None:
                continue
            at = end + timedelta(days=rng.randint(0, 3), hours=rng.randint(9, 17))
            _score(check, lead=lead, rng=rng, at=min(at, now))
            scored += 1
        week += WEEK
    return scored
