"""Encryption of personal data at rest (DESIGN §4, Art. 22–25).

Callers' names and phones are sealed with AES-256-GCM under a key that lives outside the
database (HOTLINE_DATA_KEY, HOTLINE_DATA_KEY_FILE or the key file at HOTLINE_DATA_KEY_PATH).
Two sub-keys are derived from it with HKDF: one encrypts, one makes the keyed hashes that let
"every order from this number" be an indexed lookup without storing the number in clear.

A sealed value reads `v1:<base64(nonce | ciphertext | tag)>`; the field's name is bound in
as associated data, so a value copied into another column does not decrypt.
"""

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1:"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, or the value was altered."""


def generate_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def ensure_key_file(path: Path) -> bool:
    """Create a key file (mode 0600) if none exists; True when one was created.

    Only the demo calls this: a production installation brings its own key.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(generate_key() + "\n")
    key_cache_clear()
    return True


def _master_key() -> bytes:
    raw = settings.HOTLINE_DATA_KEY
    source = "HOTLINE_DATA_KEY"
    if not raw:
        path = Path(settings.HOTLINE_DATA_KEY_PATH)
        source = str(path)
        try:
            raw = path.read_text(encoding="ascii").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"No personal-data key: set HOTLINE_DATA_KEY or HOTLINE_DATA_KEY_FILE, or create {path} "
                "(`hotline datakey --create`)."
            ) from exc
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"The personal-data key from {source} is not base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(
            f"The personal-data key from {source} must be 32 bytes, not {len(key)}"
        )
    return key


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hotline/" + purpose).derive(
        master
    )


@lru_cache(maxsize=1)
def _keys() -> tuple[AESGCM, bytes]:
    master = _master_key()
    return AESGCM(_derive(master, b"seal")), _derive(master, b"digest")


def key_cache_clear() -> None:
    _keys.cache_clear()


def seal(plaintext: str, *, context: str) -> str:
    aead, _ = _keys()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(token: str, *, context: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("not a sealed value")
    aead, _ = _keys()
    try:
        blob = base64.b64decode(token[len(PREFIX) :], validate=True)
        plain = aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode("utf-8"))
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError("the value does not open with this key") from exc
    return plain.decode("utf-8")


def keyed_digest(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value` under the digest key: equal inputs give equal digests."""
    _, digest_key = _keys()
    return hmac.new(digest_key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
