"""Who may use triage (docs/access-matrix.md): the operating centre sees suggestions while
recording a call; the host unit and the supervisor see how often they were taken."""

from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role

ACCEPTANCE_READERS = (Role.REVIEWER, Role.SUPERVISOR, Role.OPERATOR_LEAD)


def may_suggest(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(*CENTRE_ROLES)


def may_read_acceptance(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(*ACCEPTANCE_READERS)
