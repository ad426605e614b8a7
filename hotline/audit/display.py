"""How an audit entry's details read for the auditor: each changed field by its Chinese name
with old → new value, role codes as role names, and the other details by their names."""

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.accounts.roles import Role
from hotline.audit.models import AuditEntry

DETAIL_LABELS = {
    "address": gettext_lazy("地址"),
    "path": gettext_lazy("登录页"),
    "while_locked": gettext_lazy("锁定期间的尝试"),
    "unknown_account": gettext_lazy("账户不存在"),
    "failures": gettext_lazy("失败次数"),
    "minutes": gettext_lazy("锁定分钟"),
    "password_set": gettext_lazy("设置了初始密码"),
    "password_change_required": gettext_lazy("须本人修改密码"),
    "token": gettext_lazy("接口令牌"),
    "written": gettext_lazy("写入天数"),
    "days": gettext_lazy("天数"),
    "changed": gettext_lazy("变更天数"),
    "days_off": gettext_lazy("放假日"),
    "working_weekends": gettext_lazy("调休上班日"),
    "campaign": gettext_lazy("调查"),
    "commissioning_unit": gettext_lazy("委托单位"),
    "kind": gettext_lazy("类别"),
    "count": gettext_lazy("条数"),
    "responses": gettext_lazy("答卷数"),
    "change": gettext_lazy("变更"),
    # Data release (hotline.releases).
    "params": gettext_lazy("导出条件"),
    "what": gettext_lazy("导出内容"),
    "personal_data": gettext_lazy("含未遮盖的个人信息"),
    "requester": gettext_lazy("申请人"),
    "expires_at": gettext_lazy("有效期至"),
    "download": gettext_lazy("第几次下载"),
    "rows": gettext_lazy("行数"),
    "sha256": gettext_lazy("文件摘要（SHA-256）"),
    "format": gettext_lazy("格式"),
    "output": gettext_lazy("输出"),
    "console_user": gettext_lazy("控制台用户"),
}
HIDDEN = {"model", "operation", "changes"}


def _value(value: Any, *, roles: bool = False) -> str:
    if value is None or value == [] or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        items = [str(Role(v).label) if roles and v in Role.values else _value(v) for v in value]
        return "、".join(items)
    if isinstance(value, dict):
        return "，".join(f"{key}={_value(item)}" for key, item in value.items())
    return str(value)


def _field_label(model_label: str, name: str) -> str:
    if name == "roles":
        return _("角色")
    try:
        return str(apps.get_model(model_label)._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name


def entry_details(entry: AuditEntry) -> list[tuple[str, str]]:
    """(label, text) pairs for the entry's `detail`: changes first, as 旧值 → 新值."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    model = detail.get("model") or ("accounts.user" if entry.target.startswith("account:") else "")
    lines = []
    changes = detail.get("changes")
    if isinstance(changes, dict):
        for name, pair in changes.items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            roles = name == "roles"
            lines.append(
                (
                    _field_label(model, name),
                    f"{_value(old, roles=roles)} → {_value(new, roles=roles)}",
                )
            )
    for key, value in detail.items():
        if key not in HIDDEN:
            lines.append((str(DETAIL_LABELS.get(key, key)), _value(value)))
    return lines
