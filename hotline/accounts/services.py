"""Creating and changing accounts."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User, validate_roles
from hotline.accounts.roles import MACHINE_ROLES, UNIT_ROLES, Role
from hotline.core.errors import InvalidInput
from hotline.units.models import Unit


def check_roles(roles: Iterable[str], *, unit: Unit | None, is_machine: bool) -> list[str]:
    """The roles as a sorted list, or InvalidInput when they cannot be held together:
    unknown codes, unit roles without a member unit, a machine role on a person's account or a
    person's role on a machine account."""
    role_list = sorted(set(roles))
    try:
        validate_roles(role_list)
    except Exception as exc:  # the model validator's message, as a domain error
        raise InvalidInput(_("未知角色。")) from exc
    held = set(role_list)
    if held & UNIT_ROLES and (unit is None or not unit.is_member):
        raise InvalidInput(_("承办人、负责人、分管领导须属于一个成员单位。"))
    if is_machine and held - MACHINE_ROLES:
        raise InvalidInput(_("机器账户只能持有接口角色（如 110联动接口）。"))
    if not is_machine and held & MACHINE_ROLES:
        raise InvalidInput(_("110联动接口角色只能授予机器账户。"))
    return role_list


@transaction.atomic
def account_create(
    *,
    username: str,
    roles: Iterable[str],
    unit: Unit | None = None,
    password: str | None = None,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    machine: bool = False,
) -> User:
    """Create an account holding `roles` in `unit`. Unit roles need a member unit; without a
    password the account cannot sign in until one is set. An account holding a machine role
    (`MACHINE_ROLES`), or created with `machine=True`, is a machine account: it has no usable
    password and reaches only the API, with a token."""
    role_list = list(roles)
    is_machine = machine or bool(set(role_list) & MACHINE_ROLES)
    role_list = check_roles(role_list, unit=unit, is_machine=is_machine)
    if is_machine and password:
        raise InvalidInput(_("机器账户不设密码，只用接口令牌访问。"))
    user = User(
        username=username,
        roles=role_list,
        unit=unit,
        display_name=display_name,
        phone=phone,
        email=email,
        is_machine=is_machine,
        # Only system administrators work in the Django admin (separation of duties).
        is_staff=Role.SYSADMIN in role_list or Role.SECADMIN in role_list,
        # The admin shows configuration only; order content is never registered there.
        is_superuser=Role.SYSADMIN in role_list,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
