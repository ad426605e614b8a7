"""Who may see and do what with quality checks (Art. 20): the operator leads score, the host
unit (which assesses the operating centre) and the supervising unit read, and an operator
reads only their own checks once scored. Nobody else enters."""

from hotline.accounts.models import User
from hotline.accounts.roles import Role

# Read every sample, check and result.
READERS = (Role.OPERATOR_LEAD, Role.REVIEWER, Role.SUPERVISOR)


def _person(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.signs_in_with_password


def may_score(user: User) -> bool:
    """Score a check and draw a missing week: the operator leads (班长)."""
    return _person(user) and user.has_role(Role.OPERATOR_LEAD)


def may_read_all(user: User) -> bool:
    return _person(user) and user.has_role(*READERS)


def may_enter(user: User) -> bool:
    """The quality pages at all: the readers, and operators for their own scored checks."""
    return _person(user) and (may_read_all(user) or user.has_role(Role.OPERATOR))
