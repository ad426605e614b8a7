"""Who reads which statistics (Art. 19–21): the one table of it. Member units read their own
figures only; the public reads published reports only."""

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.units.models import Unit

# The whole hotline's dashboards and the unit ranking.
HOTLINE_READERS = (Role.REVIEWER, Role.SUPERVISOR, Role.OPERATOR_LEAD)
# A member unit's own dashboard.
UNIT_READERS = (Role.LEADER, Role.MANAGER)
# The operating centre's per-operator figures (Art. 20: the host unit assesses it).
OPERATOR_READERS = (Role.OPERATOR_LEAD, Role.REVIEWER, Role.SUPERVISOR)
# Hotspots (风险预警): the host unit and the supervising unit.
HOTSPOT_READERS = (Role.REVIEWER, Role.SUPERVISOR)
# Reports: drafted by the host or the supervising unit, approved for publication by the
# supervising unit only (Art. 19).
REPORT_READERS = (Role.REVIEWER, Role.SUPERVISOR, Role.AUDITOR)
REPORT_DRAFTERS = (Role.REVIEWER, Role.SUPERVISOR)
REPORT_PUBLISHERS = (Role.SUPERVISOR,)
# Accountability (Art. 21): for the supervision body.
ACCOUNTABILITY_READERS = (Role.SUPERVISOR, Role.AUDITOR, Role.REVIEWER)


def _person(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.signs_in_with_password


def may_read_hotline(user: User) -> bool:
    return _person(user) and user.has_role(*HOTLINE_READERS)


def unit_of_reader(user: User) -> Unit | None:
    """The member unit whose own figures `user` reads, or None."""
    if _person(user) and user.has_role(*UNIT_READERS) and user.unit_id is not None:
        return user.unit
    return None


def may_read_stats(user: User) -> bool:
    return may_read_hotline(user) or unit_of_reader(user) is not None


def may_read_operators(user: User) -> bool:
    return _person(user) and user.has_role(*OPERATOR_READERS)


def may_read_hotspots(user: User) -> bool:
    return _person(user) and user.has_role(*HOTSPOT_READERS)


def may_read_reports(user: User) -> bool:
    return _person(user) and user.has_role(*REPORT_READERS)


def may_draft_reports(user: User) -> bool:
    return _person(user) and user.has_role(*REPORT_DRAFTERS)


def may_publish_reports(user: User) -> bool:
    return _person(user) and user.has_role(*REPORT_PUBLISHERS)


def may_read_accountability(user: User) -> bool:
    return _person(user) and user.has_role(*ACCOUNTABILITY_READERS)
