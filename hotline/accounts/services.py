"""Creating and changing accounts (DESIGN §2, 等保 三员).

Each function runs in one transaction, checks the actor's right (`accounts.permissions`),
changes the account and writes one audit row with the old and new values; passwords are
never written anywhere but as Django's hash. An actor of None is the server itself (the demo,
`hotline account_add`, the tests), which is not checked but still recorded."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hotline.accounts import login_guard, permissions
from hotline.accounts.models import ApiToken, SignInSession, User, validate_roles
from hotline.accounts.roles import DUTY_ROLES, MACHINE_ROLES, UNIT_ROLES
from hotline.accounts.sessions import sessions_end_for_user
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record, changed_values, field_values
from hotline.core.errors import InvalidInput, NotAllowed
from hotline.units.models import Unit

# The particulars the system administrator keeps; roles are the security administrator's.
PROFILE_FIELDS = ("display_name", "unit", "phone", "email", "is_active")
RECORDED_FIELDS = ("username", *PROFILE_FIELDS, "roles", "is_machine")
UNIT_CHANGE_REFUSED = _lazy(
    "此账户持有角色，所属单位决定其可见范围：请先由安全管理员收回角色，再更换单位。"
)


def account_target(user: User) -> str:
    return f"account:{user.username}"


def check_roles(roles: Iterable[str], *, unit: Unit | None, is_machine: bool) -> list[str]:
    """The roles as a sorted list, or InvalidInput when they cannot be held together:
    unknown codes, unit roles without a member unit, one of the three administrators' roles
    beside any other role, a machine role on a person's account or a person's role on a
    machine account."""
    role_list = sorted(set(roles))
    try:
        validate_roles(role_list)
    except ValidationError as exc:
        raise InvalidInput(_("未知角色。")) from exc
    held = set(role_list)
    if held & UNIT_ROLES and (unit is None or not unit.is_member):
        raise InvalidInput(_("承办人、负责人、分管领导须属于一个成员单位。"))
    if held & DUTY_ROLES and len(held) > 1:
        raise InvalidInput(
            _("系统管理员、安全管理员、审计员须各自单独设账户，不能与其他角色同授一个账户。")
        )
    if is_machine and held - MACHINE_ROLES:
        raise InvalidInput(_("机器账户只能持有接口角色（如 110联动接口）。"))
    if not is_machine and held & MACHINE_ROLES:
        raise InvalidInput(_("接口角色（110联动接口、呼叫中心接口）只能授予机器账户。"))
    return role_list


def check_password(password: str, *, user: User) -> None:
    """The password rules (AUTH_PASSWORD_VALIDATORS), as InvalidInput."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("".join(exc.messages)) from exc


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def account_create(
    *,
    username: str,
    roles: Iterable[str] = (),
    unit: Unit | None = None,
    password: str | None = None,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    machine: bool = False,
    actor: User | None = None,
) -> User:
    """Create an account holding `roles` in `unit`. Unit roles need a member unit; without a
    password the account cannot sign in until one is set. An account holding a machine role
    (`MACHINE_ROLES`), or created with `machine=True`, is a machine account: it has no usable
    password and reaches only the API, with a token.

    A password always keeps the password rules (AUTH_PASSWORD_VALIDATORS). A system
    administrator (`actor`) creates accounts without roles — the security administrator
    assigns them — and the password they set must be changed at the first sign-in."""
    role_list = list(roles)
    if actor is not None:
        if not permissions.may_create_accounts(actor):
            raise NotAllowed(_("只有系统管理员可以创建账户。"))
        if role_list:
            raise NotAllowed(_("系统管理员创建账户时不分配角色；角色由安全管理员分配。"))
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
        password_change_required=bool(actor is not None and password),
    )
    if password:
        # The password rules hold on every path that sets a password (issue 13): the admin,
        # `hotline account_add`, the demo and the tests alike.
        check_password(password, user=user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise InvalidInput("".join(exc.messages)) from exc
    user.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ACCOUNT_CHANGE,
        target=account_target(user),
        reason=_("创建账户"),
        operation="add",
        changes=changed_values(None, field_values(user, RECORDED_FIELDS)),
        password_set=bool(password),
    )
    return user


@transaction.atomic
def account_update(*, actor: User, user: User, **profile: Any) -> User:
    """Change an account's particulars (`PROFILE_FIELDS`: name, unit, phone, e-mail, active).
    Only a system administrator, never on their own account nor on an account of one of the
    three administrators. The unit of an account holding roles is not changed (it decides
    which orders the roles see): the security administrator first withdraws the roles."""
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(_("不能在此修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    user = _locked(user)
    if not permissions.may_edit_profile(actor, user):
        raise NotAllowed(_("您不能修改此账户。"))
    old = field_values(user, PROFILE_FIELDS)
    old_unit = user.unit_id
    for name, value in profile.items():
        setattr(user, name, value)
    if user.unit_id != old_unit and user.roles:
        # The unit bounds what the roles see: moving an account is the security admin's call.
        raise NotAllowed(str(UNIT_CHANGE_REFUSED))
    check_roles(user.roles, unit=user.unit, is_machine=user.is_machine)
    changes = changed_values(old, field_values(user, PROFILE_FIELDS))
    if not changes:
        return user
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise InvalidInput("".join(exc.messages)) from exc
    user.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ACCOUNT_CHANGE,
        target=account_target(user),
        reason=_("修改账户信息"),
        operation="change",
        changes=changes,
    )
    if "is_active" in changes and not user.is_active:
        # A deactivated account's sessions end with it (issue 13), recorded.
        sessions_end_for_user(actor=actor, user=user, reason=SignInSession.EndReason.DEACTIVATED)
    return user


@transaction.atomic
def account_assign_roles(*, actor: User, user: User, roles: Iterable[str]) -> User:
    """Set the roles `user` holds. Only the security administrator, never on their own
    account; the three administrators' roles are each held alone (`check_roles`)."""
    user = _locked(user)
    if not permissions.may_assign_roles(actor, user):
        raise NotAllowed(_("只有安全管理员可以分配角色，且不能给自己分配。"))
    role_list = check_roles(roles, unit=user.unit, is_machine=user.is_machine)
    old = sorted(user.roles or ())
    if role_list == old:
        return user
    user.roles = role_list
    user.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ROLE_CHANGE,
        target=account_target(user),
        reason=_("分配角色"),
        changes={"roles": [old, role_list]},
    )
    return user


@transaction.atomic
def account_set_password(*, actor: User, user: User, password: str) -> User:
    """Set a password that keeps the password rules. Someone changing their own clears the
    demand to change it; a system administrator setting another person's (never one of the
    three administrators', never a machine account's) sets a temporary password, which the
    person must change at their next sign-in. The trail records who set it, never the
    password."""
    user = _locked(user)
    own = actor.pk == user.pk
    if own:
        if not user.is_active or not user.signs_in_with_password:
            raise NotAllowed(_("此账户不能设置密码。"))
    elif not permissions.may_set_password(actor, user):
        raise NotAllowed(_("您不能为此账户设置密码。"))
    check_password(password, user=user)
    user.set_password(password)
    user.password_change_required = not own
    user.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.PASSWORD_CHANGE,
        target=account_target(user),
        reason=_("本人修改密码") if own else _("管理员设置临时密码"),
        password_change_required=not own,
    )
    return user


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> bool:
    """Lift the sign-in lock of `user` (failed passwords, `accounts.login_guard`) from every
    address, at once rather than after the cool-off. Only the security administrator. False,
    and nothing recorded, when the account was not locked."""
    if not permissions.may_unlock(actor):
        raise NotAllowed(_("只有安全管理员可以解除登录锁定。"))
    if not login_guard.is_locked(user):
        return False
    login_guard.unlock(user)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ACCOUNT_CHANGE,
        target=account_target(user),
        reason=_("解除登录锁定"),
    )
    return True


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke an API token at once. Only the security administrator."""
    if not permissions.may_revoke_tokens(actor):
        raise NotAllowed(_("只有安全管理员可以吊销接口令牌。"))
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.ACCOUNT_CHANGE,
        target=account_target(token.user),
        reason=_("吊销接口令牌"),
        token=f"{token.name} ({token.prefix}…)",
    )
    return token
