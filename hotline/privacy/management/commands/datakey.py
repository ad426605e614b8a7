"""`hotline datakey`: the key rings of personal and confidential data (docs/keys.md).

hotline datakey                         print a new key (base64), e.g. for HOTLINE_DATA_KEY
hotline datakey --create [--ring R]     create the ring's key file if missing
hotline datakey status                  how many values are under each key
hotline datakey rotate [--ring R] [--batch-size N] [--use-current]
                                        add a new current key and re-seal every value
                                        under it (continues a rotation that stopped)
hotline datakey retire KID              remove a key no value uses any more
"""

from collections import Counter
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.privacy.crypto import (
    PERSONAL,
    RINGS,
    cipher_code,
    ensure_key_file,
    generate_key,
    key_ring,
    ring_of,
    ring_settings,
)
from hotline.privacy.models import RotationProgress
from hotline.privacy.rotation import (
    DEFAULT_BATCH,
    KEPT_DIGESTS,
    RotationError,
    add_key,
    retire,
    rotate,
    rotation_in_progress,
    value_counts,
)


class Command(BaseCommand):
    help = "The personal and confidential key rings: create, status, rotate, retire."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["status", "rotate", "retire"])
        parser.add_argument("kid", nargs="?", help="the key id to retire (k1, c2, …)")
        parser.add_argument("--create", action="store_true", help="create the key file if missing")
        parser.add_argument("--ring", choices=RINGS, default=PERSONAL)
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
        parser.add_argument(
            "--use-current",
            action="store_true",
            help="rotate to the key the file marks current (one you added) instead of a new one",
        )

    def handle(self, *args, action: str | None, kid: str | None, **options) -> None:
        try:
            if options["create"]:
                self._create(options["ring"])
            elif action is None:
                self.stdout.write(generate_key())
            elif action == "status":
                self._status()
            elif action == "rotate":
                self._rotate(options["ring"], options["batch_size"], options["use_current"])
            else:
                if not kid:
                    raise CommandError("Name the key to retire: `hotline datakey retire k1`.")
                retire(kid=kid)
                self.stdout.write(f"Retired {kid} from the {ring_of(kid)} key ring.")
        except (RotationError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, ring: str) -> None:
        _text, path = ring_settings(ring)
        if not ensure_key_file(Path(path), name=ring):
            raise CommandError(
                f"{path} exists already; it is never overwritten (the data would become unreadable)."
            )
        self.stdout.write(f"Created {path}")

    def _rotate(self, ring: str, batch_size: int, use_current: bool) -> None:
        resumed = rotation_in_progress(ring)
        if resumed:
            self.stdout.write(f"Continuing the rotation of the {ring} key ring to {resumed}.")
        elif use_current:
            self.stdout.write(
                f"Re-sealing the {ring} key ring's values under {key_ring(ring).current}."
            )
        else:
            kid = add_key(ring=ring)
            self.stdout.write(f"Added {kid} to the {ring} key ring as its current key.")
        result = rotate(ring=ring, batch_size=batch_size, report=self.stdout.write)
        if result.remaining:
            raise CommandError(
                f"{result.remaining} values are still under an older key (written while rotating); "
                "run the command again."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Every {ring} value is under {result.kid} ({result.rewritten} rows re-sealed)."
            )
        )

    def _status(self) -> None:
        counts = value_counts()
        by_key: dict[str, Counter[str]] = {}
        for column in counts.values():
            for (kid, cipher), n in column.items():
                by_key.setdefault(kid, Counter())[cipher] += n
        for ring in RINGS:
            try:
                current = key_ring(ring)
            except ImproperlyConfigured as exc:
                self.stdout.write(f"{ring} key ring: not configured ({exc})")
                continue
            self.stdout.write(
                f"{ring} key ring ({current.source}): current {current.current}, "
                f"new values sealed with {cipher_code()}"
            )
            kids = [*current.keys, *(k for k in by_key if k != "?" and ring_of(k) == ring)]
            for kid in dict.fromkeys(kids):
                ciphers = by_key.get(kid, Counter())
                detail = ", ".join(f"{cipher} {n}" for cipher, n in sorted(ciphers.items()))
                marker = " (current)" if kid == current.current else ""
                missing = "" if kid in current.keys else " — NOT IN THE RING, these do not open"
                self.stdout.write(
                    f"  {kid}{marker}: {sum(ciphers.values())} values"
                    + (f" ({detail})" if detail else "")
                    + missing
                )
            if ring == PERSONAL:
                # Digests of numbers in texts (issue 13) still only under an older key.
                for kept in KEPT_DIGESTS:
                    if unrotated := kept.unrotated():
                        self.stdout.write(
                            f"  {kept.label}: {unrotated} digests not yet made with "
                            f"{current.current} (run `hotline datakey rotate`)"
                        )
        for label, per_key in counts.items():
            if per_key:
                parts = ", ".join(f"{k} {c}: {n}" for (k, c), n in sorted(per_key.items()))
                self.stdout.write(f"  {label}: {parts}")
        unknown = sum(by_key.get("?", Counter()).values())
        if unknown:
            self.stdout.write(f"  {unknown} values are not sealed values")
        for progress in RotationProgress.objects.filter(finished_at__isnull=True).order_by("pk"):
            self.stdout.write(
                f"Rotation to {progress.kid} unfinished: {progress.table} up to id {progress.last_pk}"
            )
