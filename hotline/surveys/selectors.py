"""Who may see and do what with a survey campaign, and the scoped reads (STYLE §5).

- the host reviewer and the operator lead create and run campaigns on commission;
- operators (and leads) call through the list of a running campaign;
- the commissioning unit's manager and leader see the results and the export, never the
  numbers; the supervisor sees every campaign's results and approves the use of past
  callers (Art. 24).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.core.errors import DomainError
from hotline.surveys.models import Campaign, CampaignStatus, Target, TargetStatus

# A target opened on an operator's call screen is held for them this long.
CLAIM_TTL = timedelta(minutes=30)


class CampaignNotFound(DomainError):
    """No such campaign, or not one the user may see (the two are not told apart)."""

    code = "not_found"


def may_manage(user: User) -> bool:
    """Create, edit, fill and run campaigns: the host reviewer and the operator lead."""
    return user.has_role(Role.REVIEWER, Role.OPERATOR_LEAD)


def may_call(user: User) -> bool:
    return user.has_role(*CENTRE_ROLES)


def may_approve_past_callers(user: User) -> bool:
    """The supervising unit's supervisor (Art. 24: 未经主管单位批准…不得向任何个人或组织提供)."""
    return user.has_role(Role.SUPERVISOR)


def _commissioning_staff(user: User, campaign: Campaign) -> bool:
    return (
        user.is_unit_staff
        and user.unit_id == campaign.commissioning_unit_id
        and user.has_role(Role.MANAGER, Role.LEADER)
    )


def may_see_results(user: User, campaign: Campaign) -> bool:
    return (
        may_manage(user) or user.has_role(Role.SUPERVISOR) or _commissioning_staff(user, campaign)
    )


def may_use_surveys(user: User) -> bool:
    """Whether the surveys menu has anything for this user (for the navigation link)."""
    return (
        user.is_authenticated
        and user.is_active
        and (
            may_manage(user)
            or may_call(user)
            or user.has_role(Role.SUPERVISOR)
            or (user.is_unit_staff and user.has_role(Role.MANAGER, Role.LEADER))
        )
    )


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """Every list and lookup of campaigns goes through this."""
    qs = Campaign.objects.select_related("commissioning_unit")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if may_manage(user) or user.has_role(Role.SUPERVISOR):
        return qs
    if may_call(user):
        return qs.filter(status=CampaignStatus.RUNNING)
    if user.is_unit_staff and user.has_role(Role.MANAGER, Role.LEADER):
        return qs.filter(commissioning_unit_id=user.unit_id)
    return qs.none()


@dataclass(frozen=True)
class CampaignAccess:
    campaign: Campaign
    can_manage: bool
    can_call: bool
    can_see_results: bool
    can_approve: bool


def campaign_get_for_user(*, user: User, pk: int) -> CampaignAccess:
    campaign = campaigns_visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise CampaignNotFound("调查不存在或无权查看。")
    return CampaignAccess(
        campaign=campaign,
        can_manage=may_manage(user),
        can_call=may_call(user) and campaign.status == CampaignStatus.RUNNING,
        can_see_results=may_see_results(user, campaign),
        can_approve=may_approve_past_callers(user) and campaign.status != CampaignStatus.CLOSED,
    )


def target_get_for_caller(*, user: User, pk: int) -> Target:
    """A target of a running campaign, for an operator's call screen."""
    target = (
        Target.objects.select_related("campaign", "campaign__commissioning_unit")
        .filter(pk=pk, campaign__status=CampaignStatus.RUNNING)
        .first()
        if may_call(user)
        else None
    )
    if target is None:
        raise CampaignNotFound("调查对象不存在或无权拨打。")
    return target


def campaign_counts(*, campaign: Campaign) -> dict[str, int]:
    """Targets per status, with every status present, and the total."""
    rows = dict(
        Target.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = {status: rows.get(status, 0) for status in TargetStatus.values}
    counts["total"] = sum(rows.values())
    return counts


def _today_start() -> datetime:
    local = timezone.localtime(clock.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def callable_targets(*, campaign: Campaign) -> QuerySet[Target]:
    """Targets that may be called now under the campaign's retry rules: never tried, or tried
    fewer than `max_attempts` times and, with `different_days`, not yet today."""
    retry = Q(status=TargetStatus.IN_PROGRESS, attempts__lt=campaign.max_attempts)
    if campaign.different_days:
        retry &= Q(last_attempt_at__lt=_today_start())
    return Target.objects.filter(campaign=campaign).filter(Q(status=TargetStatus.PENDING) | retry)


def call_queue(*, campaign: Campaign, user: User, limit: int = 50) -> list[Target]:
    """The next targets for an operator: never-tried numbers first (in list order), then those
    due for another try (longest waiting first). Numbers another operator has open are left
    out; the operator's own open number comes first."""
    if not may_call(user) or campaign.status != CampaignStatus.RUNNING:
        return []
    held_since = clock.now() - CLAIM_TTL
    targets = callable_targets(campaign=campaign).exclude(
        Q(claimed_at__gte=held_since) & ~Q(assigned_operator=user)
    )
    mine = list(targets.filter(assigned_operator=user, claimed_at__gte=held_since)[:1])
    fresh = list(
        targets.filter(status=TargetStatus.PENDING).exclude(pk__in=[t.pk for t in mine])[:limit]
    )
    retries = list(
        targets.filter(status=TargetStatus.IN_PROGRESS)
        .exclude(pk__in=[t.pk for t in mine])
        .order_by("last_attempt_at", "pk")[: max(0, limit - len(fresh))]
    )
    return (mine + fresh + retries)[:limit]


def target_is_held_by_other(*, target: Target, user: User) -> bool:
    return (
        target.claimed_at is not None
        and target.claimed_at >= clock.now() - CLAIM_TTL
        and target.assigned_operator_id not in (None, user.pk)
    )
