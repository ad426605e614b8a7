"""Who may do what with calls: the one place that says who hears recordings (Art. 24)."""

from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role

# Art. 24: a call's recording is personal data of the caller. The operator lead (quality of
# the calls), the host reviewer (complaints about an agent) and the auditor hear recordings;
# an operator does not, not even of their own calls.
RECORDING_ROLES = frozenset({Role.OPERATOR_LEAD, Role.REVIEWER, Role.AUDITOR})


def may_hear_recordings(user: User) -> bool:
    return user.is_authenticated and user.signs_in_with_password and user.has_role(*RECORDING_ROLES)


def may_see_calls(user: User) -> bool:
    """The call records (numbers masked): the operating centre and those who hear recordings."""
    return (
        user.is_authenticated
        and user.signs_in_with_password
        and user.has_role(*CENTRE_ROLES, *RECORDING_ROLES)
    )
