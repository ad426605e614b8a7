"""Every change of a work order (DESIGN §3), one function per transition, by topic.

Each function runs in one transaction: it locks the order row, checks the version the actor
saw (`expected_version`: a concurrent change is a `Conflict`, never a lost update), authorizes
the action through `rules.RULES`, changes the order, writes its history row (`history`) and
queues its messages (`messages`) in the same transaction. A refused action raises a
`DomainError` and changes nothing. Views, forms, the API, commands and other apps call these;
nothing else writes an order.
"""

from hotline.orders.services.closing import (
    order_close,
    order_close_by_rule,
    order_rate_by_caller,
    order_record_callback,
    order_reopen,
)
from hotline.orders.services.dispatch import (
    order_decide_return,
    order_dispatch,
    order_redispatch,
    order_return,
    order_sign,
)
from hotline.orders.services.extensions import order_decide_extension, order_request_extension
from hotline.orders.services.handling import (
    attachments_add,
    order_add_note,
    order_assign_tracker,
    order_correct,
    order_record_three_party_call,
    order_reveal_caller,
    order_supervise,
    order_urge,
    order_view_confidential,
    urge_acknowledge,
)
from hotline.orders.services.intake import (
    Decision,
    Outcome,
    Request,
    order_accept,
    order_answer,
    order_create,
    order_intake,
    order_link_related,
    order_merge,
    order_not_accept,
    order_transfer_to_police,
)
from hotline.orders.services.reminders import notify_due_soon, orders_due_tomorrow
from hotline.orders.services.replies import (
    order_check_reply,
    order_decide_reply,
    order_record_written_reply,
    order_reply,
    order_submit_assist_reply,
)
from hotline.orders.services.review import (
    order_review_approve,
    order_review_send_back,
    order_submit_for_review,
)

__all__ = [
    "Decision",
    "Outcome",
    "Request",
    "attachments_add",
    "notify_due_soon",
    "order_accept",
    "order_add_note",
    "order_answer",
    "order_assign_tracker",
    "order_check_reply",
    "order_close",
    "order_close_by_rule",
    "order_correct",
    "order_create",
    "order_decide_extension",
    "order_decide_reply",
    "order_decide_return",
    "order_dispatch",
    "order_intake",
    "order_link_related",
    "order_merge",
    "order_not_accept",
    "order_rate_by_caller",
    "order_record_callback",
    "order_record_three_party_call",
    "order_record_written_reply",
    "order_redispatch",
    "order_reopen",
    "order_reply",
    "order_request_extension",
    "order_return",
    "order_reveal_caller",
    "order_review_approve",
    "order_review_send_back",
    "order_sign",
    "order_submit_assist_reply",
    "order_submit_for_review",
    "order_supervise",
    "order_transfer_to_police",
    "order_urge",
    "order_view_confidential",
    "orders_due_tomorrow",
    "urge_acknowledge",
]
