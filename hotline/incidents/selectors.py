"""Reading major incidents, scoped by who may see them (Art. 17)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.catalogue.models import MajorIncidentKind
from hotline.core.errors import NotFound
from hotline.incidents import rules
from hotline.incidents.models import Incident, IncidentAlert, IncidentEvent, State
from hotline.orders.models import Order
from hotline.orders.rules import orders_visible_to
from hotline.units.models import Place

SUGGEST_HOURS = 48
RECENT_DAYS = 30


def incidents_visible_to(user: User) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("kind", "place", "first_order")
    return qs if rules.may_see_incidents(user) else qs.none()


@dataclass
class IncidentPage:
    incident: Incident
    orders: list[Order]
    timeline: list[IncidentEvent]
    pending_alerts: list[IncidentAlert]
    may_manage: bool
    may_acknowledge: bool


def incident_get_for_user(*, user: User, pk: int) -> IncidentPage:
    """The incident with what the user may see of it (linked orders through the orders' own
    rules) and may do; NotFound for a missing one and for one the user may not see alike."""
    incident = incidents_visible_to(user).filter(pk=pk).first()
    if incident is None:
        raise NotFound(_("找不到该事件。"))
    ids = incident.links.values_list("order_id", flat=True)
    orders = list(
        orders_visible_to(user, Order.objects.filter(pk__in=ids)).order_by("created_at", "pk")
    )
    open_state = incident.state != State.CLOSED
    return IncidentPage(
        incident=incident,
        orders=orders,
        timeline=list(incident.events.select_related("actor")),
        pending_alerts=list(incident.alerts.filter(acknowledged_at__isnull=True)),
        may_manage=rules.may_manage(user) and open_state,
        may_acknowledge=rules.may_acknowledge(user),
    )


def incidents_list(*, user: User, now: datetime | None = None) -> list[Incident]:
    """Open incidents and those closed in the last RECENT_DAYS days, newest first."""
    now = now or clock.now()
    qs = incidents_visible_to(user)
    recent = qs.filter(opened_at__gte=now - timedelta(days=RECENT_DAYS))
    return list((qs.exclude(state=State.CLOSED) | recent).distinct().order_by("-opened_at"))


def alerts_unacknowledged(*, user: User) -> list[Incident]:
    """Incidents with an alert nobody acknowledged, for the banner of the host unit's staff."""
    if not rules.may_acknowledge(user):
        return []
    return list(
        Incident.objects.select_related("kind")
        .filter(alerts__acknowledged_at__isnull=True)
        .exclude(state=State.CLOSED)
        .distinct()
        .order_by("opened_at")
    )


def incidents_suggested(
    *,
    user: User,
    kind: MajorIncidentKind,
    place: Place | None = None,
    address: str = "",
    now: datetime | None = None,
) -> list[Incident]:
    """Open incidents of `kind` from the last SUGGEST_HOURS hours for the intake screen: those
    at the same place (or address) first, then the most recent."""
    now = now or clock.now()
    if not rules.may_suggest(user):
        return []
    found = list(
        Incident.objects.select_related("kind", "place")
        .filter(kind=kind, opened_at__gte=now - timedelta(hours=SUGGEST_HOURS))
        .exclude(state=State.CLOSED)
    )

    def same_place(incident: Incident) -> bool:
        if place is not None and incident.place_id == place.pk:
            return True
        return bool(address) and incident.address == address

    found.sort(key=lambda incident: (not same_place(incident), now - incident.opened_at))
    return found


def incident_of_order(*, user: User, order: Order) -> Incident | None:
    """The major incident an order's call belongs to, if the user may see incidents."""
    return incidents_visible_to(user).filter(links__order=order).first()
