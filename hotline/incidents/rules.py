"""Who may see and act on major incidents (Art. 17): the host unit and the operating centre's
leads follow them; member units do not see them here (they see their own orders)."""

from hotline.accounts.models import User
from hotline.accounts.roles import Role

# Read the incident pages.
READERS = (Role.REVIEWER, Role.SUPERVISOR, Role.OPERATOR_LEAD, Role.AUDITOR)
# See the banner of unacknowledged alerts and acknowledge them.
ACKNOWLEDGERS = (Role.REVIEWER, Role.SUPERVISOR)


def may_see_incidents(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(*READERS)


def may_acknowledge(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(*ACKNOWLEDGERS)


def may_manage(user: User) -> bool:
    """Start the special emergency response, link calls, close: the host unit's reviewers."""
    return user.is_authenticated and user.is_active and user.has_role(Role.REVIEWER)


def may_suggest(user: User) -> bool:
    """The operating centre sees open incidents on the intake screen to link a call to one."""
    return user.is_authenticated and user.is_active and (user.is_centre_staff or may_manage(user))
