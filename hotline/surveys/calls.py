"""Calling through a campaign's list and recording answers (Art. 11(7)): the operator's claim
on a number, the audited showing of it (Art. 22), the outcome of each call under the retry
rules, and the respondent's own web answer.

Each public function is one change in one transaction: it locks the target row, checks the
actor and the state (campaign running, target open, retry rules, nobody else's claim), writes
an `Attempt` (the target's history) and the target's new state, and for answers one
`Response` with its `Answer` rows, checked against the questionnaire first.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry
from hotline.audit.selectors import revealed_recently
from hotline.audit.services import audit_record
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.text import clean_text
from hotline.surveys.models import (
    Answer,
    Attempt,
    Campaign,
    CampaignStatus,
    Channel,
    Question,
    QuestionKind,
    Response,
    Target,
    TargetStatus,
)
from hotline.surveys.selectors import CLAIM_TTL, may_call, target_is_held_by_other
from hotline.surveys.services import MAX_NOTE

MAX_TEXT_ANSWER = 2000


class AnswersInvalid(InvalidInput):
    """Some answers do not fit their questions; `errors` maps a question's id to why."""

    def __init__(self, errors: Mapping[int, str]) -> None:
        super().__init__(_("部分题目的回答不符合要求，请检查。"))
        self.errors = dict(errors)


# --- answers --------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and not value)


def _answer_value(question: Question, value: Any) -> Any:
    """The value to store for one answer, or ValueError with the reason for people."""
    if question.kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in question.choices:
            raise ValueError(_("请从选项中选择。"))
        return value
    if question.kind == QuestionKind.MULTIPLE:
        picked = [value] if isinstance(value, str) else value
        if not isinstance(picked, list | tuple) or not all(isinstance(v, str) for v in picked):
            raise ValueError(_("请从选项中选择。"))
        if any(v not in question.choices for v in picked):
            raise ValueError(_("请从选项中选择。"))
        # Stored in the questionnaire's order, each once.
        return [choice for choice in question.choices if choice in picked]
    if question.kind == QuestionKind.SCALE:
        try:
            score = int(str(value).strip())
        except ValueError:
            raise ValueError(_("请选择一个分值。")) from None
        if not question.scale_min <= score <= question.scale_max:
            raise ValueError(
                _("分值须在 %(min)d 到 %(max)d 之间。")
                % {"min": question.scale_min, "max": question.scale_max}
            )
        return score
    text = str(value).strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise ValueError(_("回答不能超过 %(n)d 个字。") % {"n": MAX_TEXT_ANSWER})
    return text


def answers_validate(
    *, campaign: Campaign, answers: Mapping[int, Any]
) -> list[tuple[Question, Any]]:
    """Check a whole questionnaire's answers against its questions: required ones answered,
    choices among the question's choices, scores in range, text not too long. Returns the
    (question, value) pairs to store; empty optional answers are left out. Raises
    `AnswersInvalid` naming every question that fails."""
    questions = list(campaign.questions.order_by("order"))
    known = {question.pk for question in questions}
    if set(answers) - known:
        raise InvalidInput(_("回答中有不属于本问卷的题目。"))
    errors: dict[int, str] = {}
    cleaned: list[tuple[Question, Any]] = []
    for question in questions:
        value = answers.get(question.pk)
        if isinstance(value, str):
            value = value.strip()
        if _empty(value):
            if question.required:
                errors[question.pk] = _("此题必答。")
            continue
        try:
            stored = _answer_value(question, value)
        except ValueError as exc:
            errors[question.pk] = str(exc)
            continue
        if _empty(stored):
            if question.required:
                errors[question.pk] = _("此题必答。")
            continue
        cleaned.append((question, stored))
    if errors:
        raise AnswersInvalid(errors)
    return cleaned


def _save_response(
    target: Target, *, channel: str, operator: User | None, answers: list[tuple[Question, Any]]
) -> Response:
    response = Response.objects.create(
        target=target, answered_at=clock.now(), channel=channel, operator=operator
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=question, value=value) for question, value in answers
    )
    return response


# --- calling --------------------------------------------------------------------------------


def _lock_target(target: Target) -> Target:
    return (
        Target.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=target.pk)
    )


def _today(moment: Any) -> date:
    return timezone.localtime(moment).date()


def target_check_callable(*, target: Target, actor: User) -> None:
    """The campaign runs, the target is still open, its retry rules allow a call now and no
    other operator has it open."""
    if not may_call(actor):
        raise NotAllowed(_("只有热线运营中心的话务员可以拨打调查电话。"))
    campaign = target.campaign
    if campaign.status != CampaignStatus.RUNNING:
        raise WrongState(_("调查未在进行中。"))
    if target.is_final:
        raise WrongState(
            _("该调查对象已是“%(status)s”，无需再拨打。") % {"status": target.get_status_display()}
        )
    if target.attempts >= campaign.max_attempts:
        raise WrongState(_("该号码已达最多拨打次数。"))
    if (
        campaign.different_days
        and target.last_attempt_at is not None
        and _today(target.last_attempt_at) == _today(clock.now())
    ):
        raise WrongState(_("该号码今天已拨打过，按规则请改日再拨。"))
    if target_is_held_by_other(target=target, user=actor):
        raise WrongState(_("该号码正由 %(who)s 拨打。") % {"who": target.assigned_operator})


@transaction.atomic
def target_claim(*, target: Target, actor: User) -> Target:
    """Open a target on the operator's call screen; another operator does not get it while
    the claim is fresh (30 minutes)."""
    target = _lock_target(target)
    target_check_callable(target=target, actor=actor)
    target.assigned_operator, target.claimed_at = actor, clock.now()
    target.save(update_fields=["assigned_operator", "claimed_at"])
    return target


def target_held_by(*, target: Target, user: User) -> bool:
    """Whether `user` holds a fresh claim on the target (opened it for a call)."""
    return (
        target.assigned_operator_id == user.pk
        and target.claimed_at is not None
        and target.claimed_at >= clock.now() - CLAIM_TTL
    )


def target_revealed_to(*, target: Target, user: User) -> bool:
    """Whether `user` holds the call and revealed the number recently (an audited
    `target_reveal`), so that the call screen may show it without writing anything."""
    return target_held_by(target=target, user=user) and revealed_recently(
        actor=user, target=f"survey-target:{target.pk}"
    )


@transaction.atomic
def target_open(*, target: Target, actor: User) -> tuple[str, str]:
    """The operator opens a target to call it: claims it and sees the number (audited)."""
    target = target_claim(target=target, actor=actor)
    return target_reveal(target=target, actor=actor)


@transaction.atomic
def target_reveal(*, target: Target, actor: User, reason: str = "") -> tuple[str, str]:
    """Show the target's name and number in clear to the operator who holds the call; every
    showing is written to the audit trail (Art. 22: 不得泄露市民个人信息)."""
    target = _lock_target(target)
    if not may_call(actor):
        raise NotAllowed(_("您无权查看调查对象的联系方式。"))
    if target.campaign.status != CampaignStatus.RUNNING:
        raise WrongState(_("调查未在进行中。"))
    if target.assigned_operator_id != actor.pk or target_is_held_by_other(
        target=target, user=actor
    ):
        raise NotAllowed(_("请先领取该调查对象再拨打。"))
    reason = clean_text(
        reason or _("调查测评：%(title)s") % {"title": target.campaign.title},
        field=_("查看事由"),
        limit=200,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REVEAL_PERSONAL_DATA,
        target=f"survey-target:{target.pk}",
        reason=reason,
        campaign=target.campaign_id,
    )
    return target.name, target.phone


def _record_call(target: Target, *, actor: User, outcome: str, note: str) -> Attempt:
    now = clock.now()
    attempt = Attempt.objects.create(
        target=target,
        operator=actor,
        at=now,
        reached=outcome != Attempt.Outcome.NOT_REACHED,
        outcome=outcome,
        note=note,
    )
    target.attempts += 1
    target.last_attempt_at = now
    target.assigned_operator, target.claimed_at = actor, None
    return attempt


@transaction.atomic
def target_not_reached(*, target: Target, actor: User, note: str = "") -> Target:
    """A call that did not reach the person. After `max_attempts` calls the target is marked
    unreachable; before that it waits for another try (another day, with `different_days`)."""
    target = _lock_target(target)
    target_check_callable(target=target, actor=actor)
    note = clean_text(note, field=_("情况"), required=False, limit=MAX_NOTE)
    _record_call(target, actor=actor, outcome=Attempt.Outcome.NOT_REACHED, note=note)
    target.status = (
        TargetStatus.UNREACHABLE
        if target.attempts >= target.campaign.max_attempts
        else TargetStatus.IN_PROGRESS
    )
    target.save(
        update_fields=["attempts", "last_attempt_at", "assigned_operator", "claimed_at", "status"]
    )
    return target


@transaction.atomic
def target_refused(*, target: Target, actor: User, note: str = "") -> Target:
    """The person was reached and declined the survey; they are not called again."""
    target = _lock_target(target)
    target_check_callable(target=target, actor=actor)
    note = clean_text(note, field=_("情况"), required=False, limit=MAX_NOTE)
    _record_call(target, actor=actor, outcome=Attempt.Outcome.REFUSED, note=note)
    target.status = TargetStatus.REFUSED
    target.save(
        update_fields=["attempts", "last_attempt_at", "assigned_operator", "claimed_at", "status"]
    )
    return target


@transaction.atomic
def response_record(
    *, target: Target, actor: User, answers: Mapping[int, Any], note: str = ""
) -> Response:
    """The operator reached the person and records their answers (channel phone). The answers
    are checked against each question; nothing is saved unless all fit."""
    target = _lock_target(target)
    target_check_callable(target=target, actor=actor)
    cleaned = answers_validate(campaign=target.campaign, answers=answers)
    note = clean_text(note, field=_("情况"), required=False, limit=MAX_NOTE)
    _record_call(target, actor=actor, outcome=Attempt.Outcome.ANSWERED, note=note)
    target.status = TargetStatus.COMPLETED
    target.save(
        update_fields=["attempts", "last_attempt_at", "assigned_operator", "claimed_at", "status"]
    )
    return _save_response(target, channel=Channel.PHONE, operator=actor, answers=cleaned)


def target_from_web_token(token: str) -> Target | None:
    if not token or len(token) > 64:
        return None
    return (
        Target.objects.select_related("campaign", "campaign__commissioning_unit")
        .filter(web_token=token)
        .first()
    )


def web_link(target: Target) -> str:
    """The respondent's own address, to read out on the phone or send by SMS."""
    return settings.HOTLINE_PUBLIC_URL.rstrip("/") + reverse(
        "surveys:respond", args=[target.web_token]
    )


def web_link_open(target: Target) -> bool:
    campaign = target.campaign
    return campaign.status == CampaignStatus.RUNNING and campaign.web_link_enabled


@transaction.atomic
def response_record_web(*, target: Target, answers: Mapping[int, Any]) -> Response:
    """The respondent answers on their personal link (channel web), once, while the campaign
    runs and its web link is enabled. A second answer is refused."""
    target = _lock_target(target)
    if not web_link_open(target):
        raise WrongState(_("本次调查目前不接受网上答卷。"))
    if target.status == TargetStatus.COMPLETED or Response.objects.filter(target=target).exists():
        raise WrongState(_("您已提交过答卷，感谢您的参与。"))
    cleaned = answers_validate(campaign=target.campaign, answers=answers)
    target.status, target.claimed_at = TargetStatus.COMPLETED, None
    target.save(update_fields=["status", "claimed_at"])
    return _save_response(target, channel=Channel.WEB, operator=None, answers=cleaned)
