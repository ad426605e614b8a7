"""Every change of a survey campaign and its questionnaire (Art. 11(7): 受有关政务部门或公共
服务单位委托开展相关调研、测评等工作).

Each public function is one change in one transaction: it locks the campaign row, checks the
actor's permission and the current state, writes the change and its history row
(`CampaignEvent`) and, where personal data is handed over, an `AuditEntry` (Art. 22, Art. 24).
A forbidden change raises a `DomainError` from `hotline.orders.errors` and changes nothing.

The rest of the app by topic: `targets` fills the list (Excel, past callers), `calls` records
calls and answers, `results` counts and exports, `selectors` says who may see and do what.
"""

import secrets
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.text import MAX_NOTE, MAX_TITLE, clean_text
from hotline.surveys.models import (
    Campaign,
    CampaignEvent,
    CampaignStatus,
    Question,
    QuestionKind,
    Target,
)
from hotline.surveys.selectors import (
    may_approve_past_callers,
    may_manage,
)
from hotline.units.models import Unit, UnitKind

MAX_PURPOSE = 2000
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 100
MAX_ATTEMPTS_LIMIT = 10
MAX_SCALE_POINTS = 11
# The hotline's own units run surveys; they do not commission them.
HOTLINE_KINDS = frozenset({UnitKind.SUPERVISOR, UnitKind.HOST, UnitKind.OPERATOR})


# --- helpers --------------------------------------------------------------------------------


def new_web_token() -> str:
    return secrets.token_urlsafe(24)


def commissioning_units() -> Any:
    """Units that may commission a survey: departments and public-service units (Art. 11(7))."""
    return Unit.objects.filter(is_active=True).exclude(kind__in=HOTLINE_KINDS)


def lock_campaign(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("commissioning_unit")
        .get(pk=campaign.pk)
    )


def require_manager(actor: User) -> None:
    if not may_manage(actor):
        raise NotAllowed(_("只有热线主办单位审核员或话务班长可以管理调查。"))


def record_event(
    campaign: Campaign,
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    note: str = "",
    **data: Any,
) -> CampaignEvent:
    return CampaignEvent.objects.create(
        campaign=campaign,
        at=clock.now(),
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=campaign.status,
        note=clean_text(note, field=_("说明"), required=False, limit=MAX_NOTE),
        data=data,
    )


def _check_settings(
    *,
    title: str,
    commissioning_unit: Unit,
    purpose: str,
    starts_on: date | None,
    ends_on: date | None,
    max_attempts: int,
) -> tuple[str, str]:
    title = clean_text(title, field=_("调查名称"), limit=MAX_TITLE)
    purpose = clean_text(purpose, field=_("调查目的"), required=False, limit=MAX_PURPOSE)
    if not commissioning_units().filter(pk=commissioning_unit.pk).exists():
        raise InvalidInput(
            _("“%(unit)s”不能作为委托单位：须为政务部门或公共服务单位。")
            % {"unit": commissioning_unit.name}
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(_("计划结束日期不能早于开始日期。"))
    if not 1 <= max_attempts <= MAX_ATTEMPTS_LIMIT:
        raise InvalidInput(_("最多拨打次数须在 1 到 %(n)d 之间。") % {"n": MAX_ATTEMPTS_LIMIT})
    return title, purpose


# --- the campaign ---------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    title: str,
    commissioning_unit: Unit,
    purpose: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    max_attempts: int = 3,
    different_days: bool = True,
    web_link_enabled: bool = False,
) -> Campaign:
    """Open a survey commissioned by a department or public-service unit (Art. 11(7)), as a
    draft: questions and the target list are added before it starts."""
    require_manager(actor)
    title, purpose = _check_settings(
        title=title,
        commissioning_unit=commissioning_unit,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        max_attempts=max_attempts,
    )
    campaign = Campaign.objects.create(
        title=title,
        commissioning_unit=commissioning_unit,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        max_attempts=max_attempts,
        different_days=different_days,
        web_link_enabled=web_link_enabled,
        created_by=actor,
        created_at=clock.now(),
    )
    record_event(
        campaign, actor=actor, action=CampaignEvent.Action.CREATE, unit=commissioning_unit.code
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    actor: User,
    title: str,
    commissioning_unit: Unit,
    purpose: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    max_attempts: int = 3,
    different_days: bool = True,
    web_link_enabled: bool = False,
) -> Campaign:
    """Change a campaign's description and rules. A closed campaign is not changed, and the
    commissioning unit is fixed once the survey runs (its results are theirs)."""
    require_manager(actor)
    campaign = lock_campaign(campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise WrongState(_("调查已结束，不能修改。"))
    if (
        campaign.status != CampaignStatus.DRAFT
        and commissioning_unit.pk != campaign.commissioning_unit_id
    ):
        raise WrongState(_("调查开始后不能更换委托单位。"))
    title, purpose = _check_settings(
        title=title,
        commissioning_unit=commissioning_unit,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        max_attempts=max_attempts,
    )
    values = {
        "title": title,
        "commissioning_unit": commissioning_unit,
        "purpose": purpose,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "max_attempts": max_attempts,
        "different_days": different_days,
        "web_link_enabled": web_link_enabled,
    }
    changed = [name for name, value in values.items() if getattr(campaign, name) != value]
    if not changed:
        return campaign
    for name in changed:
        setattr(campaign, name, values[name])
    campaign.save(update_fields=changed)
    record_event(campaign, actor=actor, action=CampaignEvent.Action.UPDATE, fields=sorted(changed))
    return campaign


@transaction.atomic
def campaign_start(*, campaign: Campaign, actor: User) -> Campaign:
    """Start calling: the questionnaire is fixed from now on (answers must match it)."""
    require_manager(actor)
    campaign = lock_campaign(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise WrongState(_("只有草稿状态的调查可以开始。"))
    if not campaign.questions.exists():
        raise InvalidInput(_("请先添加至少一道题目。"))
    from_status = campaign.status
    campaign.status, campaign.started_at = CampaignStatus.RUNNING, clock.now()
    campaign.save(update_fields=["status", "started_at"])
    record_event(campaign, actor=actor, action=CampaignEvent.Action.START, from_status=from_status)
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: User, note: str = "") -> Campaign:
    """End the survey: no more calls or web answers; the results stay for the commissioning
    unit."""
    require_manager(actor)
    campaign = lock_campaign(campaign)
    if campaign.status != CampaignStatus.RUNNING:
        raise WrongState(_("只有进行中的调查可以结束。"))
    note = clean_text(note, field=_("说明"), required=False, limit=MAX_NOTE)
    from_status = campaign.status
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, clock.now()
    campaign.save(update_fields=["status", "closed_at"])
    Target.objects.filter(campaign=campaign).update(claimed_at=None)
    record_event(
        campaign, actor=actor, action=CampaignEvent.Action.CLOSE, from_status=from_status, note=note
    )
    return campaign


@transaction.atomic
def campaign_approve_past_callers(*, campaign: Campaign, actor: User, note: str) -> Campaign:
    """The supervising unit approves drawing this campaign's targets from past callers (Art. 24:
    未经主管单位批准，不得向任何个人或组织提供市民个人信息). Written to the audit trail."""
    if not may_approve_past_callers(actor):
        raise NotAllowed(_("只有热线主管单位可以批准使用历史来电人信息。"))
    campaign = lock_campaign(campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise WrongState(_("调查已结束。"))
    if campaign.past_callers_approved:
        raise WrongState(_("已批准过，无需重复批准。"))
    note = clean_text(note, field=_("批准意见"), limit=MAX_NOTE)
    campaign.past_callers_approved_at = clock.now()
    campaign.past_callers_approved_by = actor
    campaign.past_callers_approval_note = note
    campaign.save(
        update_fields=[
            "past_callers_approved_at",
            "past_callers_approved_by",
            "past_callers_approval_note",
        ]
    )
    record_event(campaign, actor=actor, action=CampaignEvent.Action.APPROVE_PAST_CALLERS, note=note)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CONFIG_CHANGE,
        target=f"survey:{campaign.pk}",
        reason=note,
        change="approve_past_callers",
        campaign=campaign.title,
        commissioning_unit=campaign.commissioning_unit.code,
    )
    return campaign


# --- the questionnaire ----------------------------------------------------------------------


def _clean_choices(kind: str, choices: Sequence[str]) -> list[str]:
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return []
    cleaned = [str(choice).strip() for choice in choices if str(choice).strip()]
    if len(cleaned) < 2:
        raise InvalidInput(_("选择题至少需要两个选项。"))
    if len(cleaned) > MAX_CHOICES:
        raise InvalidInput(_("选项不能超过 %(n)d 个。") % {"n": MAX_CHOICES})
    if len(set(cleaned)) != len(cleaned):
        raise InvalidInput(_("选项不能重复。"))
    too_long = [choice for choice in cleaned if len(choice) > MAX_CHOICE_LENGTH]
    if too_long:
        raise InvalidInput(
            _("选项不能超过 %(n)d 个字：%(choice)s")
            % {"n": MAX_CHOICE_LENGTH, "choice": too_long[0][:20]}
        )
    return cleaned


@transaction.atomic
def question_add(
    *,
    campaign: Campaign,
    actor: User,
    kind: str,
    text: str,
    choices: Sequence[str] = (),
    scale_min: int = 1,
    scale_max: int = 5,
    scale_min_label: str = "",
    scale_max_label: str = "",
    required: bool = True,
) -> Question:
    """Add a question at the end of a draft campaign's questionnaire."""
    require_manager(actor)
    campaign = lock_campaign(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise WrongState(_("调查开始后不能修改题目。"))
    if kind not in QuestionKind.values:
        raise InvalidInput(_("未知的题型。"))
    text = clean_text(text, field=_("题目"), limit=300)
    cleaned_choices = _clean_choices(kind, choices)
    if kind == QuestionKind.SCALE:
        if scale_min >= scale_max:
            raise InvalidInput(_("量表的最高分须大于最低分。"))
        if scale_max - scale_min + 1 > MAX_SCALE_POINTS:
            raise InvalidInput(_("量表最多 %(n)d 档。") % {"n": MAX_SCALE_POINTS})
        scale_min_label = clean_text(
            scale_min_label, field=_("最低分含义"), required=False, limit=20
        )
        scale_max_label = clean_text(
            scale_max_label, field=_("最高分含义"), required=False, limit=20
        )
    else:
        scale_min, scale_max, scale_min_label, scale_max_label = 1, 5, "", ""
    last = campaign.questions.order_by("-order").values_list("order", flat=True).first() or 0
    question = Question.objects.create(
        campaign=campaign,
        order=last + 1,
        kind=kind,
        text=text,
        choices=cleaned_choices,
        scale_min=scale_min,
        scale_max=scale_max,
        scale_min_label=scale_min_label,
        scale_max_label=scale_max_label,
        required=required,
    )
    record_event(
        campaign,
        actor=actor,
        action=CampaignEvent.Action.QUESTION_ADD,
        question=question.order,
        kind=kind,
    )
    return question


@transaction.atomic
def question_remove(*, question: Question, actor: User) -> None:
    """Remove a question from a draft questionnaire; the later ones move up."""
    require_manager(actor)
    campaign = lock_campaign(question.campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise WrongState(_("调查开始后不能修改题目。"))
    removed = Question.objects.filter(pk=question.pk, campaign=campaign).first()
    if removed is None:
        raise InvalidInput(_("题目不存在。"))
    removed.delete()
    for number, item in enumerate(campaign.questions.order_by("order"), start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])
    record_event(
        campaign,
        actor=actor,
        action=CampaignEvent.Action.QUESTION_REMOVE,
        note=removed.text,
        question=removed.order,
    )
