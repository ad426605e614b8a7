"""The demo's accounts: one per role of the operating centre and the host and supervising
units (the operators from `seats`), and a handler, manager and leader in every member unit."""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import base_user
from django.contrib.auth.hashers import make_password

from hotline.accounts import otp
from hotline.accounts.models import User
from hotline.accounts.roles import MACHINE_ROLES, SECOND_FACTOR_ROLES, Role
from hotline.accounts.services import account_create
from hotline.demo.seats import SEATS, SHIFT_NAMES
from hotline.units.models import MEMBER_KINDS, Unit

DEMO_PASSWORD = "demo-12345"

CENTRE_ACCOUNTS = [
    *((seat.username, [Role.OPERATOR], "callcenter", f"话务员 {seat.name}") for seat in SEATS),
    ("lead", [Role.OPERATOR_LEAD], "callcenter", "班长 李娜"),
    ("reviewer", [Role.REVIEWER], "infocenter", "审核员 赵强"),
    ("supervisor", [Role.SUPERVISOR], "office", "主管 陈静"),
    ("auditor", [Role.AUDITOR], "office", "审计 刘洋"),
    ("sysadmin", [Role.SYSADMIN], "infocenter", "系统管理员"),
    ("secadmin", [Role.SECADMIN], "infocenter", "安全管理员"),
    ("desk110", [Role.LINKAGE], "police", "110报警服务台接口"),
    ("cti", [Role.CTI], "callcenter", "呼叫中心接口（话务事件，hotline cti_calls 演示）"),
]
UNIT_ACCOUNTS = [
    ("handler", Role.HANDLER, "承办人"),
    ("manager", Role.MANAGER, "负责人"),
    ("leader", Role.LEADER, "分管领导"),
]


@contextmanager
def _one_demo_hash() -> Iterator[None]:
    """Hash the demo password once for all demo accounts: a million-round hash per account
    would take half the demo's load time. The accounts share one salted hash of a password
    that is printed for everyone anyway; each is still made by `account_create`."""
    encoded = make_password(DEMO_PASSWORD)

    def demo_make_password(raw: str | None, *args: object, **kwargs: object) -> str:
        return encoded if raw == DEMO_PASSWORD else make_password(raw)

    with mock.patch.object(base_user, "make_password", demo_make_password):
        yield


def demo_accounts() -> int:
    """Create the demo accounts that do not exist yet (password `demo-12345`), and a TOTP
    device with a fixed, printed secret for each account that signs in with a second factor."""
    with _one_demo_hash():
        created = _demo_accounts()
    for user in User.objects.filter(username__in=[row[0] for row in CENTRE_ACCOUNTS]):
        if user.needs_second_factor:
            otp.fixed_device(user, purpose="demo")
    return created


def _demo_accounts() -> int:
    units = {unit.code: unit for unit in Unit.objects.all()}
    existing = set(User.objects.values_list("username", flat=True))
    created = 0
    for username, roles, unit_code, name in CENTRE_ACCOUNTS:
        if username not in existing:
            phone = "13900000001" if username == "reviewer" else ""
            machine = bool(set(roles) & MACHINE_ROLES)
            account_create(
                username=username,
                roles=roles,
                unit=units[unit_code],
                # A machine account has no password: it uses a token (`hotline apitoken`).
                password=None if machine else DEMO_PASSWORD,
                display_name=name,
                phone=phone,
            )
            created += 1
    for index, unit in enumerate(u for u in units.values() if u.kind in MEMBER_KINDS):
        for suffix, role, label in UNIT_ACCOUNTS:
            username = f"{unit.code}.{suffix}"
            if username not in existing:
                phone = f"139{index:04d}{len(suffix):04d}" if role == Role.MANAGER else ""
                account_create(
                    username=username,
                    roles=[role],
                    unit=unit,
                    password=DEMO_PASSWORD,
                    display_name=f"{unit.name}{label}",
                    phone=phone,
                )
                created += 1
    return created


def demo_account_lines() -> list[str]:
    shifts = {seat.username: f"（{SHIFT_NAMES[seat.shift]}）" for seat in SEATS}
    lines = [
        f"  {username:<22} {name}{shifts.get(username, '')}"
        + (
            f"（机器账户，不能登录网页；接口令牌用 hotline apitoken {username} 签发）"
            if set(roles) & MACHINE_ROLES
            else ""
        )
        + (
            f"（须动态口令：HOTLINE_DEMO=1 hotline demo_otp {username} 显示当前6位数字；"
            f"密钥 {_demo_secret(username)}）"
            if set(roles) & SECOND_FACTOR_ROLES
            else ""
        )
        for username, roles, _unit, name in CENTRE_ACCOUNTS
    ]
    lines.append(
        "  <单位代码>.handler / .manager / .leader  每个成员单位的承办人、负责人、分管领导，例如 urban.handler"
    )
    return lines


def _demo_secret(username: str) -> str:
    """The base32 secret of the demo device of `username` (what an app is given)."""
    import base64

    return base64.b32encode(bytes.fromhex(otp.fixed_key(username, purpose="demo"))).decode()
