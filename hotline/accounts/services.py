"""Creating and changing accounts."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from hotline.accounts.models import User, validate_roles
from hotline.accounts.roles import UNIT_ROLES, Role
from hotline.units.models import Unit


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
) -> User:
    """Create an account holding `roles` in `unit`. Unit roles need a member unit; without a
    password the account cannot sign in until one is set."""
    role_list = sorted(set(roles))
    validate_roles(role_list)
    if set(role_list) & UNIT_ROLES and (unit is None or not unit.is_member):
        raise ValidationError("承办人、负责人、分管领导须属于一个成员单位。")
    user = User(
        username=username,
        roles=role_list,
        unit=unit,
        display_name=display_name,
        phone=phone,
        email=email,
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
