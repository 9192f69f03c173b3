"""Stage 6: resume records, one per submission, authenticated with a key of the instructor.

A record in ``OUT/.state/<learner>/<exercise>.json`` holds the result of one
submission and an HMAC-SHA256 of it, computed with a key that lives outside
the output folder: ``$COURSE_GRADE_KEY_FILE`` if set, else
``$XDG_STATE_HOME/course-grade/key`` (by default
``~/.local/state/course-grade/key``), created on first use with mode 0600.
A record whose HMAC does not match (edited, copied from another learner or
exercise, written by anything but the grader) is ignored and the submission
graded again. Learners' kernels never see the output folder or the key (the
sandbox shows neither); without the sandbox, the HMAC still stops forged records.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from course_utils.instructor.grading.submissions import read_bytes

__all__ = ["identity", "key_path", "load_key", "seal", "unseal", "state_path", "load_record"]

KEY_ENV = "COURSE_GRADE_KEY_FILE"


def key_path() -> Path:
    """Where the HMAC key lives (outside any output folder)."""
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "course-grade" / "key"


def load_key() -> bytes:
    """The instructor's key, created (32 random bytes, mode 0600) the first time."""
    path = key_path()
    raw, _, _ = read_bytes(path)
    if raw is not None and len(raw) >= 32:
        return raw
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, key)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)
    return key


def _mac(key: bytes, identity: tuple[str, str], record: dict) -> str:
    blob = json.dumps([list(identity), record], sort_keys=True, ensure_ascii=True)
    return hmac.new(key, blob.encode("ascii"), hashlib.sha256).hexdigest()


def seal(key: bytes, identity: tuple[str, str], record: dict) -> str:
    """The text of a record file: the record and its HMAC (bound to learner and exercise)."""
    payload = {"record": record, "hmac": _mac(key, identity, record)}
    return json.dumps(payload, indent=1, ensure_ascii=True) + "\n"


def unseal(key: bytes, identity: tuple[str, str], raw: bytes) -> dict | None:
    """The record in ``raw`` if its HMAC is right for ``identity``, else None."""
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("record"), dict):
        return None
    mac = payload.get("hmac")
    if not isinstance(mac, str):
        return None
    if not hmac.compare_digest(mac, _mac(key, identity, payload["record"])):
        return None
    return payload["record"]


def identity(learner: str, exercise: str) -> tuple[str, str]:
    """What a record is bound to: the learner folder's bytes and the exercise."""
    return os.fsencode(learner).hex(), exercise


def state_path(out: Path, learner: str, exercise: str) -> Path:
    return out / ".state" / learner / f"{exercise}.json"


def load_record(key: bytes, out: Path, learner: str, exercise: str) -> dict | None:
    """The authenticated record of ``learner``/``exercise`` in ``out``, or None."""
    raw, _, _ = read_bytes(state_path(out, learner, exercise))
    if raw is None:
        return None
    return unseal(key, identity(learner, exercise), raw)
