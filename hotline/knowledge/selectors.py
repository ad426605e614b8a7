"""Reads of the knowledge base, always scoped by the user (STYLE §5)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from hotline.accounts.models import User
from hotline.knowledge import permissions
from hotline.knowledge.models import Entry, EntryEvent, EntryState
from hotline.units.models import Unit


class EntryNotFound(Exception):
    """No such entry, or not one the user may see (the two are not told apart)."""


@dataclass(frozen=True)
class EntryAccess:
    entry: Entry
    actions: list[str]  # what the user may do now (see `permissions.RULES`)


def entry_get_for_user(*, user: User, pk: int) -> EntryAccess:
    """The entry if the user may read it, with the actions open to them; else `EntryNotFound`.
    Published entries are read by everyone who may search; the others only by their editors."""
    entry = Entry.objects.select_related("unit", "category", "revises").filter(pk=pk).first()
    if entry is None or not permissions.may_read(user, entry):
        raise EntryNotFound()
    return EntryAccess(entry=entry, actions=permissions.entry_actions(user, entry))


def entries_manageable(*, user: User, state: str = "", q: str = "") -> QuerySet[Entry]:
    """The entries the user maintains: all for operator leads and host reviewers, their own
    unit's for unit staff, none for anyone else."""
    entries = Entry.objects.select_related("unit", "category").order_by("-updated_at", "-pk")
    if user.has_role(*permissions.ANY_UNIT_EDITOR_ROLES):
        pass
    elif user.is_unit_staff and user.unit_id is not None:
        entries = entries.filter(unit_id=user.unit_id)
    else:
        return entries.none()
    if state in EntryState.values:
        entries = entries.filter(state=state)
    if q:
        entries = entries.filter(title__icontains=q)
    return entries


def entries_pending_review(*, user: User) -> QuerySet[Entry]:
    """The host reviewer's queue: entries waiting to be published (oldest first)."""
    if not permissions.may_publish(user):
        return Entry.objects.none()
    return (
        Entry.objects.filter(state=EntryState.PENDING)
        .select_related("unit", "category")
        .order_by("updated_at", "pk")
    )


def entry_history(*, entry: Entry) -> QuerySet[EntryEvent]:
    return entry.events.select_related("actor").order_by("at", "pk")


def directory_units() -> QuerySet[Unit]:
    """The units of the directory, in catalogue order."""
    return Unit.objects.filter(is_active=True).order_by("sort_order", "code")


def entry_by_ref(ref: str) -> Entry | None:
    """The entry a `KB-<id>` reference (recorded by 直接答复) names, whatever its state now."""
    prefix = "KB-"
    if not ref.startswith(prefix) or not ref[len(prefix) :].isdigit():
        return None
    return Entry.objects.filter(pk=int(ref[len(prefix) :])).first()
