"""Writing the audit trail: one row per audited action, in the transaction of the action, and
the configuration changes of the admin with their old and new values."""

import datetime
import decimal
import json
import uuid
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.audit.chain import GENESIS
from hotline.audit.models import AuditEntry
from hotline.core.errors import NotAllowed

M = TypeVar("M", bound=models.Model)

# Never written to the trail, whatever the model.
SECRET_FIELDS = frozenset({"password", "digest"})
MAX_TARGET = 120


# The PostgreSQL advisory lock that serializes appends to the hash chain.
CHAIN_LOCK = 0x12345_A0D17


def audit_record(
    *, actor: User | None, action: str, target: str = "", reason: str = "", **detail: Any
) -> AuditEntry:
    """Write one audit row, chained to the one before (audit/chain.py; 等保 level 3, 安全审计).
    Call it inside the transaction of the action it records. Appends are serialized: on
    PostgreSQL by a transaction-scoped advisory lock taken before the last entry is read, so
    two writers never claim the same `seq` (held until the action commits); on SQLite by the
    database's single writer. The unique `seq` refuses a fork should either ever fail."""
    # What the JSON column gives back, so that the hash is the one `audit_verify` computes.
    detail = json.loads(json.dumps(detail))
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = AuditEntry(
            actor=actor,
            action=action,
            target=target[:MAX_TARGET],
            reason=reason[:500],
            detail=detail,
            seq=seq,
            prev_hash=prev_hash,
        )
        entry.hash = entry.digest()
        entry.save(force_insert=True)
    return entry


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return str(value)


def field_values(instance: models.Model, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The row's fields as the trail keeps them: a related row as its name and key, dates as
    ISO text; keys, secrets and times the database keeps by itself are left out."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        if (
            field.name in SECRET_FIELDS
            or isinstance(field, models.AutoField)
            or getattr(field, "auto_now", False)
        ):
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            values[field.name] = None if related is None else f"{related} (#{related.pk})"
        else:
            values[field.name] = _json_value(field.value_from_object(instance))
    return values


def changed_values(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs; None stands for no row."""
    old, new = old or {}, new or {}
    return {
        name: [old.get(name), new.get(name)]
        for name in [*old, *(name for name in new if name not in old)]
        if old.get(name) != new.get(name)
    }


def config_target(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


def _check(actor: User, instance: models.Model, verb: str) -> None:
    opts = instance._meta
    if not actor.has_perm(f"{opts.app_label}.{verb}_{opts.model_name}"):
        raise NotAllowed(_("您的角色不能修改此项配置。"))


def _record_config(
    actor: User | None, instance: models.Model, operation: str, changes: dict[str, list[Any]]
) -> None:
    verbs = {"add": _("新增"), "change": _("修改"), "delete": _("删除")}
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CONFIG_CHANGE,
        target=config_target(instance),
        reason=f"{verbs[operation]}{instance._meta.verbose_name}：{instance}",
        model=instance._meta.label_lower,
        operation=operation,
        changes=changes,
    )


@transaction.atomic
def config_save(*, actor: User, instance: M) -> M:
    """Save a configuration row added or changed in the admin and write one audit row with
    the old and new value of every field that changed (none when nothing did). Refused unless
    the actor's roles grant the add or change permission of the model."""
    adding = instance._state.adding
    _check(actor, instance, "add" if adding else "change")
    old = None
    if not adding:
        current = type(instance)._default_manager.select_for_update().filter(pk=instance.pk)
        row = current.first()
        old = field_values(row) if row is not None else None
    instance.save()
    changes = changed_values(old, field_values(instance))
    if changes:
        _record_config(actor, instance, "add" if old is None else "change", changes)
    return instance


@transaction.atomic
def config_delete(*, actor: User, instance: models.Model) -> None:
    """Delete a configuration row in the admin and write its values to the audit trail."""
    _check(actor, instance, "delete")
    _record_config(actor, instance, "delete", changed_values(field_values(instance), None))
    instance.delete()
