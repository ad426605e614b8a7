"""Encryption of personal data at rest (DESIGN §4, Art. 22–25; Art. 23 for confidential orders).

Keys live outside the database, in two key rings (docs/keys.md):

- the **personal** ring (`k1`, `k2`, …): callers' names and phones of every order, call,
  callback and survey target; HOTLINE_DATA_KEY / HOTLINE_DATA_KEY_FILE, or the key file at
  HOTLINE_DATA_KEY_PATH;
- the **confidential** ring (`c1`, `c2`, …): the content and caller of confidential orders
  (Art. 23: 保密); HOTLINE_CONFIDENTIAL_KEY / HOTLINE_CONFIDENTIAL_KEY_FILE, or the key file at
  HOTLINE_CONFIDENTIAL_KEY_PATH.

A ring holds several keys, one of them current: new values are sealed under the current key,
older values open with the key they name. Two sub-keys are derived from each key with HKDF:
one encrypts, one makes the keyed hashes (HMAC-SHA256) that let "every order from this number"
be an indexed lookup without storing the number in clear.

The cipher is AES-256-GCM, or SM4-GCM (GB/T 32907-2016, 国密) when HOTLINE_DATA_CIPHER is
`sm4-gcm`; both come from `cryptography` (OpenSSL 3), no other library. A sealed value names
its key and cipher, `v2:<kid>:<aes|sm4>:<base64(nonce | ciphertext | tag)>`; the column's name
and that header are bound in as associated data, so a value copied into another column, or
given another key id, does not decrypt. Values of the first format, `v1:<base64>`, were sealed
with AES-256-GCM under the single key of that time; they open with key `k1`.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX_V1 = "v1:"
PREFIX = "v2:"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32

PERSONAL = "personal"
CONFIDENTIAL = "confidential"
RINGS = (PERSONAL, CONFIDENTIAL)
# Each ring's key ids start with its letter, so a value's key id alone says which ring opens it.
RING_LETTER = {PERSONAL: "k", CONFIDENTIAL: "c"}
# The key that opens `v1:` values (the one key of the first format).
V1_KEY_ID = "k1"

CIPHERS = {"aes-256-gcm": "aes", "sm4-gcm": "sm4"}
_CIPHER_CODES = frozenset(CIPHERS.values())
_KEY_ID = re.compile(r"[kc][0-9]{1,6}")
_TOKEN = re.compile(r"v2:([kc][0-9]{1,6}):(aes|sm4):([A-Za-z0-9+/=]+)")


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong or unknown key, or the value was altered."""


class Sealed(str):
    """A value that is already sealed: a field stores it as it is (rotation writes these).
    Plain strings are always sealed, so a caller who types `v2:…` as a name is not stored
    in clear."""


@dataclass(frozen=True)
class DataKey:
    kid: str
    secret: bytes = field(repr=False)

    def _derive(self, purpose: bytes, length: int = 32) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(), length=length, salt=None, info=b"hotline/" + purpose
        ).derive(self.secret)

    @cached_property
    def aes(self) -> AESGCM:
        # The same derivation as the first format, so that `v1:` values open with key k1.
        return AESGCM(self._derive(b"seal"))

    @cached_property
    def sm4_key(self) -> bytes:
        return self._derive(b"seal/sm4", 16)

    @cached_property
    def digest_key(self) -> bytes:
        return self._derive(b"digest")


@dataclass(frozen=True)
class KeyRing:
    name: str
    keys: dict[str, DataKey]
    current: str
    source: str

    @property
    def current_key(self) -> DataKey:
        return self.keys[self.current]

    def next_kid(self) -> str:
        numbers = [int(kid[1:]) for kid in self.keys]
        return f"{RING_LETTER[self.name]}{max(numbers, default=0) + 1}"


# --- key files ------------------------------------------------------------------------------


def generate_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _decode_key(raw: str, *, where: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{where}: the key is not base64") from exc
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{where}: a key must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def parse_ring(text: str, *, name: str, source: str) -> KeyRing:
    """Read a key ring (docs/keys.md). One key a line, `<kid> <base64 key> [current]`; `#`
    starts a comment. A file of one bare base64 line (the first format) is key `k1`/`c1`."""
    letter = RING_LETTER[name]
    lines = [
        (number, line.split("#", 1)[0].split())
        for number, line in enumerate(text.splitlines(), start=1)
    ]
    lines = [(number, words) for number, words in lines if words]
    if len(lines) == 1 and len(lines[0][1]) == 1:
        kid = f"{letter}1"
        key = _decode_key(lines[0][1][0], where=f"{source} line {lines[0][0]}")
        return KeyRing(name=name, keys={kid: DataKey(kid, key)}, current=kid, source=source)
    keys: dict[str, DataKey] = {}
    current: list[str] = []
    for number, words in lines:
        where = f"{source} line {number}"
        if len(words) not in (2, 3) or (len(words) == 3 and words[2] != "current"):
            raise ImproperlyConfigured(f"{where}: expected `<key id> <base64 key> [current]`")
        kid = words[0]
        if not _KEY_ID.fullmatch(kid) or kid[0] != letter:
            raise ImproperlyConfigured(
                f"{where}: key id {kid!r} must be {letter!r} and a number ({letter}1, {letter}2, …)"
            )
        if kid in keys:
            raise ImproperlyConfigured(f"{where}: key id {kid} appears twice")
        keys[kid] = DataKey(kid, _decode_key(words[1], where=where))
        if len(words) == 3:
            current.append(kid)
    if not keys:
        raise ImproperlyConfigured(f"{source} holds no key")
    if len(keys) == 1 and not current:
        current = list(keys)
    if len(current) != 1:
        raise ImproperlyConfigured(f"{source}: exactly one key must be marked `current`")
    return KeyRing(name=name, keys=keys, current=current[0], source=source)


def format_ring(ring: KeyRing) -> str:
    lines = [
        f"# hotline {ring.name} key ring (docs/keys.md): <key id> <base64 key> [current]",
        "# Never remove a key that values still use: `hotline datakey status` tells.",
    ]
    for kid, key in ring.keys.items():
        secret = base64.b64encode(key.secret).decode("ascii")
        lines.append(f"{kid} {secret}" + (" current" if kid == ring.current else ""))
    return "\n".join(lines) + "\n"


def ring_settings(name: str) -> tuple[str, Path]:
    """The ring given in the environment (text, may be empty) and the key file's path."""
    if name == PERSONAL:
        return settings.HOTLINE_DATA_KEY, Path(settings.HOTLINE_DATA_KEY_PATH)
    return settings.HOTLINE_CONFIDENTIAL_KEY, Path(settings.HOTLINE_CONFIDENTIAL_KEY_PATH)


def ensure_key_file(path: Path, *, name: str = PERSONAL) -> bool:
    """Create a key file (mode 0600) holding one new current key; True when one was created.

    Only the demo and `hotline datakey --create` call this: a file is never overwritten.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    kid = f"{RING_LETTER[name]}1"
    ring = KeyRing(
        name=name,
        keys={kid: DataKey(kid, base64.b64decode(generate_key()))},
        current=kid,
        source=str(path),
    )
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(format_ring(ring))
    key_cache_clear()
    return True


def write_ring(ring: KeyRing, path: Path) -> None:
    """Replace the key file atomically (write beside it, then rename), keeping mode 0600."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(format_ring(ring))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    key_cache_clear()


@lru_cache(maxsize=16)
def _parsed(name: str, text: str, source: str, signature: tuple[int, ...]) -> KeyRing:
    return parse_ring(text, name=name, source=source)


def key_ring(name: str = PERSONAL) -> KeyRing:
    """The ring as configured now. A key file is read again when it changes, so that a running
    site sees the key `hotline datakey rotate` adds without a restart."""
    if name not in RINGS:
        raise ValueError(f"unknown key ring {name!r}")
    text, path = ring_settings(name)
    if text:
        variable = "HOTLINE_DATA_KEY" if name == PERSONAL else "HOTLINE_CONFIDENTIAL_KEY"
        return _parsed(name, text, variable, ())
    try:
        stat = path.stat()
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        return _parsed(name, _read(path, signature), str(path), signature)
    except OSError as exc:
        variable = "HOTLINE_DATA_KEY" if name == PERSONAL else "HOTLINE_CONFIDENTIAL_KEY"
        raise ImproperlyConfigured(
            f"No {name} key: set {variable} or {variable}_FILE, or create {path} "
            f"(`hotline datakey --create{' --ring confidential' if name == CONFIDENTIAL else ''}`)."
        ) from exc


@lru_cache(maxsize=16)
def _read(path: Path, signature: tuple[int, ...]) -> str:
    return path.read_text(encoding="ascii")


def key_cache_clear() -> None:
    _parsed.cache_clear()
    _read.cache_clear()


def cipher_code() -> str:
    """The cipher new values are sealed with (HOTLINE_DATA_CIPHER)."""
    try:
        return CIPHERS[settings.HOTLINE_DATA_CIPHER]
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"HOTLINE_DATA_CIPHER={settings.HOTLINE_DATA_CIPHER!r}: use one of {', '.join(CIPHERS)}"
        ) from exc


def ring_of(kid: str) -> str:
    return PERSONAL if kid.startswith(RING_LETTER[PERSONAL]) else CONFIDENTIAL


# --- sealing --------------------------------------------------------------------------------


def _encrypt(key: DataKey, code: str, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
    if code == "aes":
        return key.aes.encrypt(nonce, plain, aad)
    encryptor = Cipher(algorithms.SM4(key.sm4_key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plain) + encryptor.finalize() + encryptor.tag


def _decrypt(key: DataKey, code: str, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if code == "aes":
        return key.aes.decrypt(nonce, sealed, aad)
    if len(sealed) < TAG_BYTES:
        raise InvalidTag
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key.sm4_key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def _aad(context: str, kid: str, code: str) -> bytes:
    return f"{context}\x00{PREFIX}{kid}:{code}".encode()


def seal(plaintext: str, *, context: str, key: str = PERSONAL) -> Sealed:
    """Seal `plaintext` for the column named `context` under the current key of ring `key`
    ("personal" or "confidential", Art. 23)."""
    ring = key_ring(key)
    code = cipher_code()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = _encrypt(
        ring.current_key, code, nonce, plaintext.encode("utf-8"), _aad(context, ring.current, code)
    )
    body = base64.b64encode(nonce + sealed).decode("ascii")
    return Sealed(f"{PREFIX}{ring.current}:{code}:{body}")


@dataclass(frozen=True)
class TokenInfo:
    kid: str
    cipher: str  # "aes" or "sm4"
    version: int


def token_info(token: str) -> TokenInfo | None:
    """Which key and cipher sealed `token`; None when it is not a sealed value."""
    if token.startswith(PREFIX_V1):
        return TokenInfo(V1_KEY_ID, "aes", 1)
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    return TokenInfo(match.group(1), match.group(2), 2)


def unseal(token: str, *, context: str) -> str:
    """Open a sealed value with the key it names (either ring)."""
    info = token_info(token)
    if info is None:
        raise DecryptionError("not a sealed value")
    ring = key_ring(ring_of(info.kid))
    data_key = ring.keys.get(info.kid)
    if data_key is None:
        raise DecryptionError(f"key {info.kid} is not in the {ring.name} key ring")
    try:
        if info.version == 1:
            blob = base64.b64decode(token[len(PREFIX_V1) :], validate=True)
            aad = context.encode("utf-8")
        else:
            blob = base64.b64decode(token.rsplit(":", 1)[1], validate=True)
            aad = _aad(context, info.kid, info.cipher)
        if len(blob) < NONCE_BYTES + TAG_BYTES:
            raise ValueError("too short")
        plain = _decrypt(data_key, info.cipher, blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        return plain.decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError("the value does not open with this key") from exc


def reseal(token: str, *, context: str, key: str) -> Sealed:
    """The same value sealed again under the current key of ring `key` (rotation)."""
    return seal(unseal(token, context=context), context=context, key=key)


# --- keyed digests ------------------------------------------------------------------------


def _hmac(data_key: DataKey, value: str, purpose: str) -> str:
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(data_key.digest_key, message, hashlib.sha256).hexdigest()


def keyed_digest(value: str, *, purpose: str, kid: str | None = None) -> str:
    """HMAC-SHA256 of `value` under the digest key of the personal ring's current key (or of
    key `kid`): equal inputs give equal digests. Store this one."""
    ring = key_ring(PERSONAL)
    return _hmac(ring.keys[kid or ring.current], value, purpose)


def keyed_digests(value: str, *, purpose: str) -> list[str]:
    """The digest of `value` under every key of the personal ring, the current one first.
    Look-ups match any of them (`<column>__in`), so that they keep finding every row while a
    rotation has recomputed some digests under the new key and not yet the others."""
    ring = key_ring(PERSONAL)
    order = [ring.current, *(kid for kid in ring.keys if kid != ring.current)]
    return [_hmac(ring.keys[kid], value, purpose) for kid in order]
