"""The host unit's review of complaints and reports before dispatch (Art. 14(2): 热线工作人员
提出初步意见提交热线主办单位审核)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.catalogue.models import Category, ExclusionReason
from hotline.core.text import MAX_REASON, clean_text
from hotline.orders import history, messages
from hotline.orders.models import Action, Order, Status
from hotline.orders.personal_text import order_text
from hotline.orders.services.base import begin, dispatch_to_units, save
from hotline.units.models import Unit


@transaction.atomic
def order_submit_for_review(
    *,
    order: Order,
    actor: User,
    opinion: str,
    proposed_unit: Unit | None = None,
    proposed_exclusion: ExclusionReason | None = None,
    proposed_merge_into: Order | None = None,
    expected_version: int | None = None,
) -> Order:
    """Send a complaint or report to the host unit's review with the operator's preliminary
    opinion and what the operator proposes — a unit, not accepting it for an Art. 12 reason,
    or merging it into an earlier order — which the reviewer sees preselected (Art. 14(2))."""
    order = begin(order, actor, Action.SUBMIT_REVIEW, expected_version)
    from_status = order.status
    order.preliminary_opinion = order_text(
        order, clean_text(opinion, field=_("初步意见"), limit=MAX_REASON)
    )[0]  # staff's text keeps only masks (privacy/text.py)
    order.status = Status.PENDING_REVIEW
    save(order, ["preliminary_opinion", "status"])
    proposal: dict[str, str] = {}
    if proposed_exclusion is not None:
        proposal = {"proposed_outcome": Action.NOT_ACCEPT, "exclusion": proposed_exclusion.code}
    elif proposed_merge_into is not None:
        proposal = {"proposed_outcome": Action.MERGE, "merge_into": proposed_merge_into.number}
    event = history.submitted_for_review(
        order,
        actor=actor,
        from_status=from_status,
        proposed_unit=proposed_unit,
        proposal=proposal,
    )
    messages.review_requested(order, event)
    return order


@transaction.atomic
def order_review_approve(
    *,
    order: Order,
    actor: User,
    lead_unit: Unit,
    assisting_units: Sequence[Unit] = (),
    note: str = "",
    category: Category | None = None,
    expected_version: int | None = None,
) -> Order:
    """The host unit approves a complaint or report and dispatches it (Art. 14(2):
    谁主管谁负责 and 属地管理优先); the working-day clock starts now."""
    order = begin(order, actor, Action.REVIEW_APPROVE, expected_version)
    note = clean_text(note, field=_("审核意见"), required=False, limit=MAX_REASON)
    return dispatch_to_units(
        order,
        action=Action.REVIEW_APPROVE,
        actor=actor,
        lead=lead_unit,
        assisting_units=assisting_units,
        reason=note,
        category=category,
    )


@transaction.atomic
def order_review_send_back(
    *, order: Order, actor: User, note: str, expected_version: int | None = None
) -> Order:
    """The host unit sends a proposal back to the operating centre with a note."""
    order = begin(order, actor, Action.REVIEW_SEND_BACK, expected_version)
    note = clean_text(note, field=_("退回意见"), limit=MAX_REASON)
    from_status, order.status = order.status, Status.RECEIVED
    save(order, ["status"])
    history.sent_back_from_review(order, actor=actor, from_status=from_status, reason=note)
    return order
