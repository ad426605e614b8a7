"""Key rotation: re-seal every sealed column of every model under a ring's current key, in
batches, while the site runs (docs/keys.md; 等保 level 3: key life cycle, GB/T 39786-2021).

The columns are found, not listed: every `EncryptedTextField` of every installed model, and
beside it the keyed digest column named `<field>_digest` (the phone digest of that field),
which is recomputed under the new key. Each batch is one transaction that rewrites its rows
with compare-and-swap (a row the site changed meanwhile is left as the site wrote it, under
the current key already) and advances `RotationProgress`, so a rotation stopped anywhere
continues where the last batch committed. A value already under the current key and cipher
is skipped. While a rotation runs, look-ups match a number's digest under every key of the
ring (`phone_digests`, `number_digests`), so they find old and new rows alike.

Digests kept of numbers found inside sealed texts (`orders.NumberDigest`, issue 13) are not
beside one sealed value: their app registers them (`KeptDigests`). Rotating the personal ring
adds their digests under the new key in resumable batches, keeping the old ones, which
`retire` removes with the old key once every number has its new digest.
"""

import base64
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from hotline.privacy.crypto import (
    CONFIDENTIAL,
    PERSONAL,
    DataKey,
    KeyRing,
    Sealed,
    cipher_code,
    generate_key,
    key_ring,
    keyed_digest,
    ring_of,
    ring_settings,
    seal,
    token_info,
    unseal,
    write_ring,
)
from hotline.privacy.fields import EncryptedTextField
from hotline.privacy.models import RotationProgress
from hotline.privacy.personal import phone_normalize

DIGEST_SUFFIX = "_digest"


def phone_digest_value(plain: str, *, kid: str | None = None) -> str:
    """The digest a `<field>_digest` column holds for its sealed phone (`phone_digest`)."""
    digits = phone_normalize(plain)
    return keyed_digest(digits, purpose="phone", kid=kid) if digits else ""


DEFAULT_BATCH = 500


class RotationError(Exception):
    """A rotation, key addition or retirement that cannot go on; the message says why."""


@dataclass
class SealedTable:
    model: type[models.Model]
    fields: list[EncryptedTextField]
    # (digest column, the sealed column it is the phone digest of)
    digests: list[tuple[models.Field, EncryptedTextField]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.model._meta.label


def sealed_tables() -> list[SealedTable]:
    """Every model with sealed columns, and their digest columns."""
    tables = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed or opts.swapped:
            continue
        sealed = [f for f in opts.concrete_fields if isinstance(f, EncryptedTextField)]
        if not sealed:
            continue
        by_name = {f.name: f for f in sealed}
        digests = [
            (f, by_name[f.name.removesuffix(DIGEST_SUFFIX)])
            for f in opts.concrete_fields
            if f.name.endswith(DIGEST_SUFFIX) and f.name.removesuffix(DIGEST_SUFFIX) in by_name
        ]
        if not isinstance(opts.pk, models.AutoField | models.BigAutoField | models.IntegerField):
            raise RotationError(f"{opts.label}: rotation needs a whole-number primary key")
        tables.append(SealedTable(model=model, fields=sealed, digests=digests))
    return tables


def _raw_rows(table: SealedTable, *, after: int, limit: int | None) -> list[tuple[Any, ...]]:
    """(pk, sealed values as stored…, digests…), read without opening anything."""
    quote = connection.ops.quote_name
    opts = table.model._meta
    columns = [opts.pk.column, *(f.column for f in table.fields)]
    columns += [d.column for d, _source in table.digests]
    # Only names from the models' metadata, quoted, go into the text; values are parameters.
    select = ", ".join(quote(c) for c in columns)
    pk = quote(opts.pk.column)
    sql = f"SELECT {select} FROM {quote(opts.db_table)} WHERE {pk} > %s ORDER BY {pk}"  # noqa: S608
    params: list[Any] = [after]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _is_current(token: str, *, kid: str, code: str) -> bool:
    info = token_info(token)
    return info is not None and info.version == 2 and info.kid == kid and info.cipher == code


def rewrite_batch(table: SealedTable, rows: list[tuple[Any, ...]], *, ring: str) -> int:
    """Re-seal one batch's values of `ring` under its current key (and recompute the phone
    digests under the personal ring's current key); returns the rows rewritten."""
    target, code = key_ring(ring).current, cipher_code()
    count = len(table.fields)
    rewritten = 0
    for row in rows:
        pk, tokens, digests = row[0], row[1 : 1 + count], row[1 + count :]
        changes: dict[str, Any] = {}
        expected: dict[str, Any] = {}
        opened: dict[str, str] = {}
        for sealed_field, token in zip(table.fields, tokens, strict=True):
            if not token:
                continue
            info = token_info(token)
            if info is None:
                raise RotationError(f"{table.label} {pk} {sealed_field.name}: not a sealed value")
            if ring_of(info.kid) != ring or _is_current(token, kid=target, code=code):
                continue
            opened[sealed_field.name] = plain = unseal(token, context=sealed_field.context())
            changes[sealed_field.attname] = seal(plain, context=sealed_field.context(), key=ring)
            expected[sealed_field.attname] = Sealed(token)
        if ring == PERSONAL:
            tokens_by_name = dict(zip((f.name for f in table.fields), tokens, strict=True))
            for (digest_field, source), stored in zip(table.digests, digests, strict=True):
                token = tokens_by_name[source.name]
                if not token:
                    continue
                if source.name not in opened and _is_current(token, kid=target, code=code):
                    continue  # a current value's digest was made with it
                known = opened.get(source.name)
                plain = known if known is not None else unseal(token, context=source.context())
                digest = phone_digest_value(plain)
                if digest != stored:
                    changes[digest_field.attname] = digest
                    expected[digest_field.attname] = stored
        if changes:
            rewritten += table.model._base_manager.filter(pk=pk, **expected).update(**changes)
    return rewritten


# (after id, batch size) → (the batch's last id, or None when no row is left; rows done)
Step = Callable[[int, int], tuple[int | None, int]]


@dataclass(frozen=True)
class KeptDigests:
    """Keyed digests an app keeps of numbers it finds in sealed texts, not in a column beside
    one sealed value (`orders.NumberDigest`: the numbers written in an order's texts; issue
    13 "Keys"). `sealed_tables` cannot pair them, so the app registers them
    (`kept_digests_register`, from its `AppConfig.ready`); rotating the personal ring adds
    their digests under the new key, in batches recorded in `RotationProgress` under `label`,
    and `retire` removes those made with the retired key."""

    label: str
    rotate_batch: Step  # add the current key's digests of one batch, keeping the older ones
    unrotated: Callable[[], int]  # how many still have no digest under the current key
    retire: Callable[[str], int]  # remove those made with a key; returns how many


KEPT_DIGESTS: list[KeptDigests] = []


def kept_digests_register(kept: KeptDigests) -> None:
    if all(k.label != kept.label for k in KEPT_DIGESTS):
        KEPT_DIGESTS.append(kept)


def _table_step(table: SealedTable, *, ring: str) -> Step:
    def step(after: int, limit: int) -> tuple[int | None, int]:
        rows = _raw_rows(table, after=after, limit=limit)
        if not rows:
            return None, 0
        return rows[-1][0], rewrite_batch(table, rows, ring=ring)

    return step


def _advance(
    label: str,
    step: Step,
    *,
    ring: str,
    target: str,
    batch_size: int,
    report: Callable[[str], None],
    done_as: str,
) -> int:
    """Run `step` batch by batch from where `RotationProgress` of (`ring`, `target`,
    `label`) stopped; each batch and its progress commit together."""
    progress, _created = RotationProgress.objects.get_or_create(ring=ring, kid=target, table=label)
    if progress.finished_at is not None:
        return 0
    total = 0
    while True:
        with transaction.atomic():
            last, done = step(progress.last_pk, batch_size)
            if last is None:
                progress.finished_at = timezone.now()
                progress.save(update_fields=["finished_at"])
                break
            progress.last_pk = last
            progress.rewritten += done
            progress.save(update_fields=["last_pk", "rewritten"])
        total += done
        report(
            f"{label}: up to id {progress.last_pk}, {progress.rewritten} {done_as} under {target}"
        )
    return total


@dataclass
class RotationResult:
    ring: str
    kid: str
    rewritten: int
    remaining: int


def rotate(
    *,
    ring: str,
    batch_size: int = DEFAULT_BATCH,
    report: Callable[[str], None] = lambda line: None,
    max_passes: int = 3,
) -> RotationResult:
    """Re-seal every value of `ring` under its current key, batch by batch, continuing a
    rotation to that key that stopped. Afterwards the values are counted again: values the
    site wrote meanwhile under an older key (a process that had not yet read the new key
    file) are swept in a further pass."""
    if batch_size < 1:
        raise RotationError("--batch-size must be at least 1")
    target = key_ring(ring).current
    total = 0
    remaining = 0
    for attempt in range(max_passes):
        if attempt:
            RotationProgress.objects.filter(ring=ring, kid=target).update(
                last_pk=0, finished_at=None
            )
            report(f"Pass {attempt + 1}: {remaining} values were written under an older key.")
        for table in sealed_tables():
            total += _advance(
                table.label,
                _table_step(table, ring=ring),
                ring=ring,
                target=target,
                batch_size=batch_size,
                report=report,
                done_as="rows re-sealed",
            )
        if ring == PERSONAL:
            # The digests kept of numbers in sealed texts are made with the personal key.
            for kept in KEPT_DIGESTS:
                total += _advance(
                    kept.label,
                    kept.rotate_batch,
                    ring=ring,
                    target=target,
                    batch_size=batch_size,
                    report=report,
                    done_as="digests added",
                )
        remaining = stale_values(ring=ring)
        if not remaining:
            break
    return RotationResult(ring=ring, kid=target, rewritten=total, remaining=remaining)


def rotation_in_progress(ring: str) -> str | None:
    """The key of a rotation of `ring` that has not finished, if it is still the current key."""
    current = key_ring(ring).current
    unfinished = RotationProgress.objects.filter(ring=ring, kid=current, finished_at__isnull=True)
    return current if unfinished.exists() else None


# --- counting ------------------------------------------------------------------------------


def value_counts() -> dict[str, Counter[tuple[str, str]]]:
    """For every sealed column ("orders.Order.caller_phone"), how many values are under each
    (key id, cipher); `v1` values count as key k1, cipher "aes (v1)"."""
    counts: dict[str, Counter[tuple[str, str]]] = {}
    for table in sealed_tables():
        for sealed_field in table.fields:
            counts[f"{table.label}.{sealed_field.name}"] = Counter()
        after = 0
        while True:
            rows = _raw_rows(table, after=after, limit=5000)
            if not rows:
                break
            after = rows[-1][0]
            for row in rows:
                for sealed_field, token in zip(table.fields, row[1:], strict=False):
                    if not token:
                        continue
                    info = token_info(token)
                    key = ("?", "?") if info is None else (info.kid, _cipher_label(info))
                    counts[f"{table.label}.{sealed_field.name}"][key] += 1
    return counts


def _cipher_label(info: Any) -> str:
    return "aes (v1)" if info.version == 1 else info.cipher


def stale_values(*, ring: str) -> int:
    """Values of `ring` not yet under its current key and cipher."""
    current = key_ring(ring).current
    code = cipher_code()
    return sum(
        n
        for column in value_counts().values()
        for (kid, cipher), n in column.items()
        if kid != "?" and ring_of(kid) == ring and not (kid == current and cipher == code)
    )


def digests_under(kid: str) -> int:
    """Phone digests made with personal key `kid` that no sealed value under `kid` accounts
    for: those of confidential orders, whose phone is sealed under the confidential ring."""
    found = 0
    for table in sealed_tables():
        for digest_field, source in table.digests:
            position = table.fields.index(source)
            offset = 1 + len(table.fields) + table.digests.index((digest_field, source))
            after = 0
            while True:
                rows = _raw_rows(table, after=after, limit=5000)
                if not rows:
                    break
                after = rows[-1][0]
                for row in rows:
                    token = row[1 + position]
                    info = token_info(token) if token else None
                    if info is None or ring_of(info.kid) != CONFIDENTIAL:
                        continue
                    plain = unseal(token, context=source.context())
                    if row[offset] == phone_digest_value(plain, kid=kid):
                        found += 1
    return found


# --- the key file -------------------------------------------------------------------------


def _file_ring(ring: str) -> tuple[KeyRing, Any]:
    text, path = ring_settings(ring)
    if text:
        variable = "HOTLINE_DATA_KEY" if ring == PERSONAL else "HOTLINE_CONFIDENTIAL_KEY"
        raise RotationError(
            f"The {ring} key ring is given in {variable} (or {variable}_FILE), which this command "
            f"cannot change: edit it there (docs/keys.md), or keep the ring in the key file "
            f"{variable}_PATH."
        )
    return key_ring(ring), path


def add_key(*, ring: str) -> str:
    """Add a new key to the ring's file and make it current; returns its id."""
    current, path = _file_ring(ring)
    kid = current.next_kid()
    keys = {**current.keys, kid: DataKey(kid, base64.b64decode(generate_key()))}
    write_ring(KeyRing(name=ring, keys=keys, current=kid, source=current.source), path)
    return kid


def retire(*, kid: str) -> None:
    """Remove key `kid` from its ring's file, only when no value and no digest uses it."""
    ring = ring_of(kid)
    current, path = _file_ring(ring)
    if kid not in current.keys:
        raise RotationError(f"There is no key {kid} in the {ring} key ring.")
    if kid == current.current:
        raise RotationError(f"{kid} is the current key; rotate to a new key first.")
    in_use = sum(
        column[key] for column in value_counts().values() for key in column if key[0] == kid
    )
    if in_use:
        raise RotationError(
            f"{in_use} values are still sealed under {kid}: run `hotline datakey rotate` first."
        )
    if ring == PERSONAL and kid != current.current:
        digests = digests_under(kid)
        if digests:
            raise RotationError(
                f"{digests} phone digests were made with {kid}: run `hotline datakey rotate` first."
            )
        for kept in KEPT_DIGESTS:
            missing = kept.unrotated()
            if missing:
                raise RotationError(
                    f"{missing} {kept.label} digests are not yet made with {current.current}: "
                    "run `hotline datakey rotate` first."
                )
        # Every number has its digest under the current key: those made with `kid`, kept
        # for the search while the rotation ran, go with the key.
        for kept in KEPT_DIGESTS:
            kept.retire(kid)
    keys = {k: v for k, v in current.keys.items() if k != kid}
    write_ring(KeyRing(name=ring, keys=keys, current=current.current, source=current.source), path)


__all__ = [
    "KeptDigests",
    "RotationError",
    "add_key",
    "kept_digests_register",
    "retire",
    "rotate",
    "sealed_tables",
    "value_counts",
]
