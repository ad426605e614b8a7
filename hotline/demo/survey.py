"""A commissioned survey in progress for the demo (Art. 11(7)): the water company asked the
hotline to call its recent callers about its service. Made through the surveys app's services
at their moments: drafted and approved four weeks ago, calling for three weeks, about half done.
"""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hotline import clock
from hotline.accounts.models import User
from hotline.demo.calls import DemoCalls
from hotline.demo.seats import Roster
from hotline.surveys import calls, services, targets
from hotline.surveys.models import Campaign, Question, QuestionKind, Target, TargetStatus
from hotline.units.models import Unit

TITLE = "供水服务满意度调查"
PURPOSE = (
    "受杨凌自来水有限公司委托，回访近期就供水问题来电的市民，了解抢修时效、停水通知和服务态度。"
)
QUESTIONS = [
    (QuestionKind.SCALE, "您对自来水公司处理您反映问题的总体满意程度如何？", []),
    (
        QuestionKind.SINGLE,
        "维修人员多久到达现场？",
        ["2小时内", "当天", "次日", "超过两天", "未到现场"],
    ),
    (
        QuestionKind.MULTIPLE,
        "您通过哪些途径得知停水通知？",
        ["小区公告", "短信", "微信公众号", "物业告知", "没有收到通知"],
    ),
    (QuestionKind.TEXT, "您对供水服务还有什么意见或建议？", []),
]
REMARKS = [
    "",
    "",
    "",
    "希望停水能提前一天通知。",
    "抢修师傅很辛苦，服务很好。",
    "水压偏低，希望改善。",
]


def _answers(rng: random.Random, questions: list[Question]) -> dict[int, object]:
    score = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 14, 7, 4])[0]
    values: dict[int, object] = {}
    for question in questions:
        if question.kind == QuestionKind.SCALE:
            values[question.pk] = score
        elif question.kind == QuestionKind.SINGLE:
            values[question.pk] = rng.choices(question.choices, weights=[30, 40, 18, 8, 4])[0]
        elif question.kind == QuestionKind.MULTIPLE:
            values[question.pk] = rng.sample(question.choices[:4], rng.randint(1, 2))
        else:
            values[question.pk] = rng.choice(REMARKS)
    return values


def _working_moment(rng: random.Random, day: datetime) -> datetime:
    local = timezone.localtime(day)
    return local.replace(hour=rng.choice([9, 10, 10, 11, 14, 15, 15, 16]), minute=rng.randrange(60))


def demo_survey(
    *, rng: random.Random, roster: Roster, now: datetime, dialler: DemoCalls | None = None
) -> Campaign | None:
    """Create the demo's running survey once (nothing when a campaign exists): drafted 27 days
    before `now`, past callers approved and drawn, started 21 days ago, then called day by day
    by the seats on duty — answered, not reached (another day), refused, and a few answered on
    the web link. With `dialler`, each survey call is an outbound call in the call records."""
    if Campaign.objects.exists():
        return None
    reviewer, supervisor = (
        User.objects.get(username="reviewer"),
        User.objects.get(username="supervisor"),
    )
    unit = Unit.objects.get(code="watersupply")
    drafted = now - timedelta(days=27)
    with transaction.atomic(), clock.frozen_at(drafted):
        campaign = services.campaign_create(
            actor=reviewer,
            title=TITLE,
            commissioning_unit=unit,
            purpose=PURPOSE,
            starts_on=(now - timedelta(days=21)).date(),
            ends_on=(now + timedelta(days=14)).date(),
            web_link_enabled=True,
        )
        for kind, text, choices in QUESTIONS:
            services.question_add(
                campaign=campaign,
                actor=reviewer,
                kind=kind,
                text=text,
                choices=choices,
                scale_min_label="很不满意" if kind == QuestionKind.SCALE else "",
                scale_max_label="很满意" if kind == QuestionKind.SCALE else "",
                required=kind != QuestionKind.TEXT,
            )
    with transaction.atomic(), clock.frozen_at(drafted + timedelta(days=1, hours=2)):
        services.campaign_approve_past_callers(
            campaign=campaign, actor=supervisor, note="同意，仅限本次调查使用，结束后不得留存。"
        )
    with transaction.atomic(), clock.frozen_at(drafted + timedelta(days=2)):
        drawn_from = (now - timedelta(days=120)).date()
        drawn_to = (now - timedelta(days=28)).date()
        result = targets.targets_draw_from_orders(
            campaign=campaign,
            actor=reviewer,
            created_from=drawn_from,
            created_to=drawn_to,
            unit=unit,
        )
        if result.created < 40:  # few water callers yet: widen to every unit's callers
            targets.targets_draw_from_orders(
                campaign=campaign,
                actor=reviewer,
                created_from=drawn_from,
                created_to=drawn_to,
                limit=80,
            )
    started = now - timedelta(days=21)
    with transaction.atomic(), clock.frozen_at(started):
        campaign = services.campaign_start(campaign=campaign, actor=reviewer)
    questions = list(campaign.questions.order_by("order"))
    people = list(Target.objects.filter(campaign=campaign).order_by("pk"))
    per_day = max(2, len(people) // 20)
    for days_ago in range(21, 0, -1):
        day = now - timedelta(days=days_ago)
        if timezone.localtime(day).weekday() >= 5:
            continue
        callable_today = [
            t for t in people if not t.is_final and t.attempts < campaign.max_attempts
        ][:per_day]
        for target in callable_today:
            moment = _working_moment(rng, day)
            _seat, agent = roster.on_duty(moment)
            with transaction.atomic(), clock.frozen_at(moment):
                calls.target_open(target=target, actor=agent)
            outcome = rng.random()
            if dialler is not None:
                with transaction.atomic():
                    dialler.outbound(
                        agent=agent,
                        phone=target.phone,
                        at=moment + timedelta(minutes=1),
                        reached=not 0.5 <= outcome < 0.9,
                    )
            with transaction.atomic(), clock.frozen_at(moment + timedelta(minutes=5)):
                if outcome < 0.5:
                    calls.response_record(
                        target=target, actor=agent, answers=_answers(rng, questions)
                    )
                elif outcome < 0.9:
                    calls.target_not_reached(target=target, actor=agent, note="无人接听")
                else:
                    calls.target_refused(target=target, actor=agent, note="市民表示没有时间")
            target.refresh_from_db()
    # A few reached on the phone preferred the personal web link.
    waiting = [t for t in people if t.status == TargetStatus.IN_PROGRESS][:3]
    for offset, target in enumerate(waiting, start=1):
        with transaction.atomic(), clock.frozen_at(now - timedelta(hours=offset * 5)):
            calls.response_record_web(target=target, answers=_answers(rng, questions))
    return campaign
