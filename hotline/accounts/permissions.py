"""Who may change which account (DESIGN §2; 等保 三员).

The system administrator creates accounts and keeps their particulars, sets a person's
password (through the password rules, as a temporary one), but assigns no role. The security
administrator assigns roles, unlocks accounts and revokes API tokens, and changes nothing else.
Nobody changes their own account in the admin (one's own password is changed on the password
page), and the accounts of the three administrators are changed by no system administrator: a
system administrator who could reset the security administrator's password could become them.
"""

from hotline.accounts.models import User
from hotline.accounts.roles import DUTY_ROLES, Role


def _is(actor: User, role: str) -> bool:
    return actor.is_authenticated and actor.signs_in_with_password and actor.has_role(role)


def may_create_accounts(actor: User) -> bool:
    return _is(actor, Role.SYSADMIN)


def may_edit_profile(actor: User, account: User) -> bool:
    """Name, unit, phone, e-mail and whether the account is active."""
    return (
        may_create_accounts(actor) and account.pk != actor.pk and not account.role_set & DUTY_ROLES
    )


def may_set_password(actor: User, account: User) -> bool:
    """Another person's password; one's own is changed on the password page."""
    return may_edit_profile(actor, account) and account.signs_in_with_password


def may_assign_roles(actor: User, account: User) -> bool:
    return _is(actor, Role.SECADMIN) and account.pk != actor.pk


def may_unlock(actor: User) -> bool:
    """Lift a sign-in lock after repeated failed passwords."""
    return _is(actor, Role.SECADMIN)


def may_revoke_tokens(actor: User) -> bool:
    return _is(actor, Role.SECADMIN)


def may_end_sessions(actor: User, account: User) -> bool:
    """See another person's open sessions and end them (issue 13)."""
    return _is(actor, Role.SECADMIN) and account.pk != actor.pk


def may_reset_second_factor(actor: User, account: User) -> bool:
    """Remove another person's TOTP device (a lost phone): they enrol a new one at their next
    sign-in. Never one's own: a security administrator who lost theirs asks another."""
    return _is(actor, Role.SECADMIN) and account.pk != actor.pk and account.signs_in_with_password
