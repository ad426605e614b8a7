"""Where the installed model lives: one file (settings.HOTLINE_TRIAGE_MODEL_PATH), written
atomically and signed with a key derived from SECRET_KEY, so that a file nobody installed —
a pickle runs code when loaded — is refused and the model rebuilt from the shipped corpus."""

import hashlib
import hmac
import logging
import os
import pickle
import tempfile
import threading
from pathlib import Path

import sklearn
from django.conf import settings

from hotline.triage.corpus import CORPUS_DIR, corpus_rows
from hotline.triage.model import TriageModel

logger = logging.getLogger(__name__)

# Bumped when the model's shape changes: an older file is rebuilt, never misread.
FORMAT = "triage-3"
_lock = threading.Lock()
_loaded: TriageModel | None = None
# The installed file's modification time when it was read: another process (the weekly
# retraining in `hotline tick`, `hotline triage_train`) installs a new one by replacing it.
_loaded_stamp: float | None = None


def corpus_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key() -> bytes:
    return hashlib.sha256(b"hotline-triage-model:" + settings.SECRET_KEY.encode()).digest()


def _path() -> Path:
    return Path(settings.HOTLINE_TRIAGE_MODEL_PATH)


def _compatible(model: TriageModel) -> bool:
    meta = model.meta
    return (
        meta.get("format") == FORMAT
        and meta.get("sklearn") == sklearn.__version__
        and meta.get("corpus") == corpus_digest()
    )


def model_read() -> TriageModel | None:
    """The installed model, or None when there is none, or it is unsigned, altered, of another
    format or corpus."""
    path = _path()
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    signature, body = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, hmac.new(_key(), body, hashlib.sha256).digest()):
        logger.warning("triage model file %s is not signed by this installation; ignored", path)
        return None
    model = pickle.loads(body)  # noqa: S301 — signed above by this installation's key
    return model if isinstance(model, TriageModel) and _compatible(model) else None


def model_write(model: TriageModel) -> None:
    body = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    blob = hmac.new(_key(), body, hashlib.sha256).digest() + body
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".triage-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(blob)
        os.replace(temporary, path)  # readers see the old file or the new one, never half
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def model_from_corpus(rows: list[dict] | None = None, *, version: str = "") -> TriageModel:
    rows = corpus_rows() if rows is None else rows
    model = TriageModel().fit(rows)
    model.meta = {
        "format": FORMAT,
        "sklearn": sklearn.__version__,
        "corpus": corpus_digest(),
        "version": version or f"corpus-{corpus_digest()[:8]}",
        "rows": len(rows),
    }
    return model


def _stamp() -> float | None:
    try:
        return _path().stat().st_mtime
    except OSError:
        return None


def triage_model() -> TriageModel:
    """The model in use, kept per process: the installed file — read again when another
    process has replaced it (one stat per call) — or, where no file fits, one built from the
    shipped corpus (seconds) and installed for the next process."""
    global _loaded, _loaded_stamp
    if _loaded is None or _stamp() != _loaded_stamp:
        with _lock:
            stamp = _stamp()
            if _loaded is None or stamp != _loaded_stamp:
                model = model_read() if stamp is not None else None
                if model is None and _loaded is not None:
                    model = _loaded  # a file that does not fit: keep the model in use
                elif model is None:
                    model = model_from_corpus()
                    try:
                        model_write(model)
                    except OSError as exc:
                        logger.warning("triage model not saved: %s", exc)
                    stamp = _stamp()
                _loaded, _loaded_stamp = model, stamp
    return _loaded


def model_install(model: TriageModel) -> None:
    """Install `model` for this process and the next ones."""
    global _loaded, _loaded_stamp
    model_write(model)
    with _lock:
        _loaded, _loaded_stamp = model, _stamp()


def model_forget() -> None:
    """Read the file again at the next use (after another process installed a model)."""
    global _loaded, _loaded_stamp
    with _lock:
        _loaded, _loaded_stamp = None, None
