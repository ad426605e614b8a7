"""Who may see an order and who may do what with it — the one place that decides (STYLE §5).

`RULES` lists every action on an order — transitions, handling notes, assisting replies,
written replies, acknowledging urges, linking, correcting, revealing the caller and attaching
files — with the states it applies in, who may take it and any further condition. Services
authorize through `authorize`; views, templates and scripts ask `available_actions` what to
offer and never decide it again.

Visibility (DESIGN §2, Art. 22–23):
- the operating centre, the host unit and the supervising unit see every order, the auditor
  reads them; system and security administrators see none (separation of duties);
- a member unit's staff see only orders their unit currently leads or assists;
- the 110 desk's machine account sees the orders it recorded;
- a confidential order is seen only by its named tracker, the person who recorded it, the
  host reviewers, and in the unit by the assigned handler and the unit's manager and leader,
  who sign, assign and approve the reply (Art. 23: 指派专人跟踪落实). One that arrives with
  no tracker (from the portal, Open311 or a machine account) is seen by the operator leads
  until the host unit or a lead names one (`Action.ASSIGN_TRACKER`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.core.errors import NotAllowed, NotFound, WrongState
from hotline.linkage.models import LinkageMessage
from hotline.orders.models import (
    FINAL_STATES,
    UNIT_STATES,
    UNIT_VISIBLE_STATES,
    Action,
    Assignment,
    Channel,
    ExtensionStatus,
    Order,
    Status,
    Urge,
)

# Art. 16: an unsatisfied order is reopened at most twice; then the host unit decides.
MAX_REOPENS = 2

_ALL_ORDER_READERS = frozenset({*CENTRE_ROLES, Role.REVIEWER, Role.SUPERVISOR, Role.AUDITOR})
# Who records a request as an order: the operating centre on the phone, the host unit, and the
# 110 desk's machine account (Art. 8, 14); the portal and Open311 record their own channel.
RECORDERS = frozenset({*CENTRE_ROLES, Role.LINKAGE, Role.REVIEWER})


def may_record(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(*RECORDERS)


def may_take_calls(user: User) -> bool:
    """The operating centre's screens: intake of live calls, callbacks, missed calls."""
    return user.is_authenticated and user.is_active and user.has_role(*CENTRE_ROLES)


def _unit_assignment_exists(unit_id: int) -> Exists:
    return Exists(Assignment.objects.filter(order=OuterRef("pk"), unit_id=unit_id, is_active=True))


def orders_visible_to(user: User, queryset: QuerySet[Order] | None = None) -> QuerySet[Order]:
    """Scope a queryset of orders to what `user` may see. Every list and lookup goes through it."""
    qs = Order.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_role(*_ALL_ORDER_READERS):
        if user.has_role(Role.REVIEWER):
            return qs
        seen = Q(is_confidential=False) | Q(tracker=user) | Q(created_by=user)
        if user.has_role(Role.OPERATOR_LEAD):
            seen |= Q(tracker__isnull=True)
        return qs.filter(seen)
    if user.is_unit_staff and user.unit_id is not None:
        in_unit = qs.filter(_unit_assignment_exists(user.unit_id))
        if user.has_role(Role.MANAGER, Role.LEADER):
            return in_unit
        return in_unit.filter(Q(is_confidential=False) | Q(handler=user))
    if user.has_role(Role.LINKAGE):
        # The 110 desk follows up the matters it transferred (DESIGN §2: "both ways").
        return qs.filter(created_by=user)
    return qs.none()


def assisting_unit_of(user: User) -> int | None:
    """The unit whose assignments bound what `user` sees, for unit staff; None for the centre
    and the host unit, who see every unit's orders."""
    if user.has_role(*_ALL_ORDER_READERS) or not user.is_unit_staff:
        return None
    return user.unit_id


def assisted_by(unit_id: int) -> Q:
    """Orders `unit_id` currently assists: for a unit, the only visible orders another unit
    leads. The unit's few assist assignments are read first, so the database looks up those
    orders instead of checking the unit's assignment on every order the other unit leads
    (docs/benchmarks.md)."""
    assisted = Assignment.objects.filter(
        unit_id=unit_id, is_active=True, role=Assignment.Role.ASSIST
    ).values_list("order_id", flat=True)
    return Q(pk__in=list(assisted))


def statuses_visible_to(user: User) -> list[tuple[str, StrOrPromise]]:
    """The states an order the user may see can be in, as (value, label) for a status filter.
    Unit staff are not offered states before dispatch, which would always list nothing."""
    if assisting_unit_of(user) is not None:
        return [(v, label) for v, label in Status.choices if v in UNIT_VISIBLE_STATES]
    return list(Status.choices)


def tracker_candidates() -> QuerySet[User]:
    """Who may follow a confidential order (Art. 23): the operating centre's active staff."""
    centre = [u.pk for u in User.objects.filter(is_active=True) if u.has_role(*CENTRE_ROLES)]
    return User.objects.filter(pk__in=centre).order_by("username")


def can_see(user: User, order: Order) -> bool:
    return orders_visible_to(user, Order.objects.filter(pk=order.pk)).exists()


# --- who may act ---------------------------------------------------------------------------


def _centre(user: User, order: Order) -> bool:
    return user.has_role(*CENTRE_ROLES)


def _centre_not_reviewed_type(user: User, order: Order) -> bool:
    """Operators handle everything but complaints and reports, which the host reviews (Art. 14(2))."""
    return user.has_role(*CENTRE_ROLES) and not order.request_type.needs_review


def _acceptance_decider(user: User, order: Order) -> bool:
    """Who declines a request (Art. 12) or merges a duplicate: the operating centre, except
    for complaints and reports, which go to the host unit's review first (Art. 14(2)); the
    host unit then decides them under review."""
    if order.status == Status.PENDING_REVIEW:
        return user.has_role(Role.REVIEWER)
    return _centre_not_reviewed_type(user, order)


def _operator_lead(user: User, order: Order) -> bool:
    return user.has_role(Role.OPERATOR_LEAD)


def _reviewer(user: User, order: Order) -> bool:
    return user.has_role(Role.REVIEWER)


def _dispatcher(user: User, order: Order) -> bool:
    return user.has_role(Role.REVIEWER) or _centre_not_reviewed_type(user, order)


def _return_decider(user: User, order: Order) -> bool:
    """The operator lead decides returns, the host unit those of complaints, reports and
    repeated returns between units."""
    if return_decided_by_host(order):
        return user.has_role(Role.REVIEWER)
    return user.has_role(Role.OPERATOR_LEAD, Role.REVIEWER)


def _redispatcher(user: User, order: Order) -> bool:
    return user.has_role(Role.REVIEWER) or (
        user.has_role(Role.OPERATOR_LEAD) and not order.request_type.needs_review
    )


def unit_part(user: User, order: Order) -> str | None:
    """'lead' or 'assist' when the user's unit currently holds the order, else None."""
    if not user.is_unit_staff or user.unit_id is None:
        return None
    return (
        Assignment.objects.filter(order=order, unit_id=user.unit_id, is_active=True)
        .values_list("role", flat=True)
        .first()
    )


# Returns of complaints and reports, and a second return between units, are decided by the
# host unit; the others by the operator lead (国办函〔2025〕66号: dispute review). The same rule
# for one order and as a filter of the returns queue.
SECOND_RETURN = 2
RETURNS_DECIDED_BY_HOST = Q(request_type__needs_review=True) | Q(return_count__gte=SECOND_RETURN)
RETURNS_DECIDED_BY_LEAD = Q(request_type__needs_review=False, return_count__lt=SECOND_RETURN)


def return_decided_by_host(order: Order) -> bool:
    return order.request_type.needs_review or order.return_count >= SECOND_RETURN


def _holds_or_follows(user: User, order: Order) -> bool:
    """A unit that currently holds the order (lead or assisting), or the operating centre and
    the host unit who follow it."""
    return user.has_role(*CENTRE_ROLES, Role.REVIEWER) or unit_part(user, order) is not None


def _assisting_unit_staff(user: User, order: Order) -> bool:
    return (
        user.has_role(Role.HANDLER, Role.MANAGER, Role.LEADER)
        and unit_part(user, order) == Assignment.Role.ASSIST
    )


def _urged_unit_staff(user: User, order: Order) -> bool:
    return (
        user.is_unit_staff
        and user.unit_id is not None
        and Urge.objects.filter(order=order, unit_id=user.unit_id).exists()
    )


def _caller_contact(user: User, order: Order) -> bool:
    """Those who must contact the caller: the operating centre, the host unit, and in the
    unit the handler and the manager (Art. 22: 不得泄露市民个人信息)."""
    return user.has_role(*CENTRE_ROLES, Role.REVIEWER) or (
        user.is_unit_staff and user.has_role(Role.HANDLER, Role.MANAGER)
    )


def _lead_unit_staff(user: User, order: Order) -> bool:
    return (
        user.is_unit_staff and order.lead_unit_id is not None and user.unit_id == order.lead_unit_id
    )


def _lead_unit_manager(user: User, order: Order) -> bool:
    return _lead_unit_staff(user, order) and user.has_role(Role.MANAGER, Role.LEADER)


def _supervisor_of_service(user: User, order: Order) -> bool:
    return user.has_role(Role.REVIEWER, Role.SUPERVISOR)


def _extension_can_be_requested(order: Order) -> str | None:
    """Art. 14(2): complaints and reports only, once, on the unit's application, before the due date."""
    rtype = order.request_type
    if not rtype.can_extend:
        return _("%(type)s类工单不能申请延期（仅投诉、举报类可延期）。") % {"type": rtype.name}
    if order.extension_status == ExtensionStatus.REQUESTED:
        return _("延期申请正在审批中。")
    if order.extension_status == ExtensionStatus.DENIED:
        return _("延期申请已被驳回，不能再次申请。")
    if order.extension_count >= rtype.extension_max_times:
        return _("该工单已延期过，不能再次申请延期。")
    if order.due_at is not None and clock.now() >= order.due_at:
        return _("工单已超期，不能再申请延期。")
    return None


def _extension_requested(order: Order) -> str | None:
    return (
        None if order.extension_status == ExtensionStatus.REQUESTED else _("没有待审批的延期申请。")
    )


def _can_reopen(order: Order) -> str | None:
    if order.merged_into_id is not None:
        # Its work is the main order's: the host reopens that one (Art. 12(6)).
        return _("该工单已并入其他工单办理，请在主工单上重办。")
    if order.reopen_count >= MAX_REOPENS:
        return _("该工单已重办 %(n)d 次，请由主办单位审定办结。") % {"n": order.reopen_count}
    return None


def _not_supervised_yet(order: Order) -> str | None:
    return _("该工单已在督办中。") if order.is_supervised else None


def _not_emergency(order: Order) -> str | None:
    return _("紧急求助须联动处置，不能直接答复办结。") if order.request_type.is_emergency else None


def _tracker_assigner(user: User, order: Order) -> bool:
    """The host unit names and changes a confidential order's tracker; an operator lead names
    the first one of an order that arrived without (Art. 23)."""
    if user.has_role(Role.REVIEWER):
        return True
    return order.tracker_id is None and user.has_role(Role.OPERATOR_LEAD)


def _confidential(order: Order) -> str | None:
    return None if order.is_confidential else _("只有保密工单需要指派跟踪人。")


def _close_allowed(user: User, order: Order) -> bool:
    """From the callback queue the operator lead closes by rule (e.g. unreachable caller); an
    unsatisfied order is closed only by the host unit's decision."""
    if order.status == Status.UNSATISFIED:
        return user.has_role(Role.REVIEWER)
    return user.has_role(Role.OPERATOR_LEAD)


def _not_with_110_yet(order: Order) -> str | None:
    """A matter goes to 110 once (国办发〔2022〕12号); one 110 sent us is not sent back."""
    if order.channel == Channel.LINKAGE_110:
        return _("该工单由110转来，不能再移交110。")
    if LinkageMessage.objects.transfers_of(order).exists():
        return _("该工单已移交110。")
    return None


@dataclass(frozen=True)
class Rule:
    states: frozenset[str]
    who: Callable[[User, Order], bool]
    # A business condition beyond the state: returns why the action cannot be taken, or None.
    when: Callable[[Order], str | None] | None = None
    # What the refused user is told, where a general sentence would not say enough.
    denied: StrOrPromise = ""
    wrong_state: StrOrPromise = ""


ALL_STATES = frozenset(Status.values)
OPEN_STATES = ALL_STATES - FINAL_STATES
RECEIVED = frozenset({Status.RECEIVED})
RECEIVED_OR_IN_REVIEW = frozenset({Status.RECEIVED, Status.PENDING_REVIEW})
# A unit's notes and contact records, while it handles the order and until its reply is checked.
NOTE_STATES = frozenset({*UNIT_STATES, Status.REPLY_CHECK})
# A reply the unit gave on paper is recorded while the unit holds the order (Art. 15).
WRITTEN_REPLY_STATES = frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.REPLY_APPROVAL})
RULES: dict[str, Rule] = {
    Action.ACCEPT: Rule(RECEIVED, _centre_not_reviewed_type),
    Action.NOT_ACCEPT: Rule(RECEIVED_OR_IN_REVIEW, _acceptance_decider),
    Action.ANSWER: Rule(RECEIVED, _centre_not_reviewed_type, _not_emergency),
    Action.MERGE: Rule(RECEIVED_OR_IN_REVIEW, _acceptance_decider),
    Action.SUBMIT_REVIEW: Rule(RECEIVED, _centre),
    Action.REVIEW_APPROVE: Rule(frozenset({Status.PENDING_REVIEW}), _reviewer),
    Action.REVIEW_SEND_BACK: Rule(frozenset({Status.PENDING_REVIEW}), _reviewer),
    Action.DISPATCH: Rule(frozenset({Status.PENDING_DISPATCH}), _dispatcher),
    Action.SIGN: Rule(frozenset({Status.DISPATCHED}), _lead_unit_staff),
    Action.RETURN: Rule(frozenset({Status.DISPATCHED, Status.IN_PROGRESS}), _lead_unit_staff),
    Action.RETURN_UPHELD: Rule(frozenset({Status.RETURN_REVIEW}), _return_decider),
    Action.RETURN_REFUSED: Rule(frozenset({Status.RETURN_REVIEW}), _return_decider),
    Action.REDISPATCH: Rule(frozenset({Status.DISPATCHED, Status.IN_PROGRESS}), _redispatcher),
    Action.EXTENSION_REQUEST: Rule(
        frozenset({Status.IN_PROGRESS}), _lead_unit_staff, _extension_can_be_requested
    ),
    Action.EXTENSION_APPROVED: Rule(UNIT_STATES, _reviewer, _extension_requested),
    Action.EXTENSION_DENIED: Rule(UNIT_STATES, _reviewer, _extension_requested),
    Action.REPLY: Rule(frozenset({Status.IN_PROGRESS}), _lead_unit_staff),
    Action.REPLY_APPROVED: Rule(frozenset({Status.REPLY_APPROVAL}), _lead_unit_manager),
    Action.REPLY_REJECTED: Rule(frozenset({Status.REPLY_APPROVAL}), _lead_unit_manager),
    Action.REPLY_ACCEPTED: Rule(frozenset({Status.REPLY_CHECK}), _centre),
    Action.REPLY_SENT_BACK: Rule(frozenset({Status.REPLY_CHECK}), _centre),
    Action.CALLBACK: Rule(frozenset({Status.CALLBACK}), _centre),
    Action.REOPEN: Rule(frozenset({Status.UNSATISFIED}), _reviewer, _can_reopen),
    Action.CLOSE: Rule(frozenset({Status.CALLBACK, Status.UNSATISFIED}), _close_allowed),
    Action.URGE: Rule(UNIT_STATES, _centre),
    Action.SUPERVISE: Rule(UNIT_STATES, _supervisor_of_service, _not_supervised_yet),
    # Handling that changes no state (Art. 10, 15, 16, 22).
    Action.NOTE: Rule(
        NOTE_STATES, _holds_or_follows, denied=gettext_lazy("您无权为该工单添加办理记录。")
    ),
    Action.CONTACT: Rule(
        NOTE_STATES, _holds_or_follows, denied=gettext_lazy("您无权为该工单添加办理记录。")
    ),
    Action.ASSIST_REPLY: Rule(
        UNIT_STATES,
        _assisting_unit_staff,
        denied=gettext_lazy("只有协办单位可以提交协办意见。"),
        wrong_state=gettext_lazy("工单已不在办理阶段，不能提交协办意见。"),
    ),
    Action.WRITTEN_REPLY: Rule(
        WRITTEN_REPLY_STATES, _centre, denied=gettext_lazy("只有热线运营中心可以代录书面答复。")
    ),
    Action.URGE_ACK: Rule(
        ALL_STATES, _urged_unit_staff, denied=gettext_lazy("只有被催办的单位可以确认。")
    ),
    Action.LINK: Rule(
        ALL_STATES,
        lambda u, o: u.has_role(*CENTRE_ROLES, Role.REVIEWER),
        denied=gettext_lazy("您无权关联工单。"),
    ),
    Action.CORRECT: Rule(
        ALL_STATES, _reviewer, denied=gettext_lazy("只有热线主办单位可以更正工单。")
    ),
    Action.THREE_PARTY_CALL: Rule(
        OPEN_STATES,
        _centre,
        denied=gettext_lazy("只有热线运营中心可以记录三方通话。"),
        wrong_state=gettext_lazy("工单已办结归档，不能再记录三方通话。"),
    ),
    Action.ASSIGN_TRACKER: Rule(
        OPEN_STATES,
        _tracker_assigner,
        _confidential,
        denied=gettext_lazy("保密工单的跟踪人由热线主办单位指派。"),
    ),
    Action.TRANSFER_POLICE: Rule(
        OPEN_STATES,
        _centre,
        _not_with_110_yet,
        denied=gettext_lazy("只有热线运营中心可以移交110。"),
    ),
    Action.REVEAL: Rule(
        ALL_STATES, _caller_contact, denied=gettext_lazy("您无权查看诉求人的联系方式。")
    ),
    Action.ATTACH: Rule(
        OPEN_STATES,
        _holds_or_follows,
        denied=gettext_lazy("您无权为该工单上传附件。"),
        wrong_state=gettext_lazy("工单已办结归档，不能再上传附件。"),
    ),
}


def role_allows(user: User, order: Order, action: str) -> bool:
    rule = RULES[action]
    return user.is_authenticated and user.is_active and rule.who(user, order)


def state_allows(order: Order, action: str) -> bool:
    return order.status in RULES[action].states


def condition_blocks(order: Order, action: str) -> str | None:
    when = RULES[action].when
    return when(order) if when else None


def denied_message(action: str) -> str:
    """What a user whose role may not take `action` is told."""
    return str(RULES[action].denied) or _("您无权对该工单执行“%(action)s”。") % {
        "action": Action(action).label
    }


def authorize(user: User, order: Order, action: str) -> None:
    """Raise the domain error that says why `user` may not take `action` on `order` now."""
    if not can_see(user, order):
        if (
            user.unit_id is not None
            and order.assignments.filter(unit_id=user.unit_id, is_active=False).exists()
        ):
            raise NotAllowed(_("该工单已转其他单位办理，贵单位不能再操作。"))
        raise NotFound(_("工单不存在或无权查看。"))
    rule = RULES[action]
    if not role_allows(user, order, action):
        raise NotAllowed(denied_message(action))
    if not state_allows(order, action):
        raise WrongState(
            str(rule.wrong_state)
            or _("工单当前状态为“%(status)s”，不能执行“%(action)s”。")
            % {"status": Status(order.status).label, "action": Action(action).label}
        )
    reason = condition_blocks(order, action)
    if reason:
        raise WrongState(reason)


def available_actions(user: User, order: Order) -> frozenset[str]:
    """The actions `user` may take on `order` now (for showing buttons; services re-check):
    exactly those `authorize` lets through."""
    if not can_see(user, order):
        return frozenset()
    return frozenset(
        action
        for action in RULES
        if state_allows(order, action)
        and role_allows(user, order, action)
        and not condition_blocks(order, action)
    )
