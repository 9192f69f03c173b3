"""Stage 2: the submissions folder, read without trusting any of it.

* :func:`discover` lists learner folders (names of any bytes) crossed with
  the exercises; symbolic links, hidden entries and folders that cannot be
  read are skipped, and every skipped folder is named in a warning;
* :func:`read_submission` opens a notebook without following symbolic links,
  only as a regular file, reads at most 50 MiB, and turns every problem into
  a status (``empty``, ``too-large``, ``invalid-json``, ``wrong-nbformat``,
  ``invalid-notebook``) with a message a learner understands.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MAX_SUBMISSION_BYTES",
    "MAX_NESTING",
    "Submission",
    "Item",
    "clean_name",
    "closest_exercise",
    "discover",
    "parse_submission",
    "read_bytes",
    "read_submission",
]

MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
MAX_NESTING = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def clean_name(name: str) -> str:
    """A learner-chosen name fit for a table or a terminal: no control characters.

    Bytes that are not UTF-8 (kept by Python as surrogate escapes) become
    U+FFFD; a name that had to change gets a short digest of its bytes, so
    that two such names stay apart.
    """
    raw = os.fsencode(name)
    text = raw.decode("utf-8", "replace")
    text = _CONTROL.sub("?", text)
    if text != name:
        text += f" [{hashlib.sha256(raw).hexdigest()[:6]}]"
    return text


@dataclass
class Submission:
    """A submission read from disk: the notebook (a dict) or why it cannot be graded."""

    notebook: dict | None
    status: str = "ok"
    message: str = ""
    digest: str = ""


def read_bytes(path: str | os.PathLike) -> tuple[bytes | None, str, str]:
    """``(content, status, message)``: a regular file's bytes, read without following links."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            return None, "invalid-notebook", "The file is a symbolic link, not a notebook."
        return None, "invalid-notebook", f"The file cannot be read: {exc.strerror}."
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "invalid-notebook", "This is not a regular file, so not a notebook."
        if info.st_size > MAX_SUBMISSION_BYTES:
            return None, "too-large", _too_large(info.st_size)
        chunks, size = [], 0
        while size <= MAX_SUBMISSION_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_SUBMISSION_BYTES:
            return None, "too-large", _too_large(size)
        return b"".join(chunks), "ok", ""
    except OSError as exc:
        return None, "invalid-notebook", f"The file cannot be read: {exc.strerror}."
    finally:
        os.close(fd)


def _too_large(size: int) -> str:
    return (
        f"The file is {size / 2**20:.0f} MiB, more than the {MAX_SUBMISSION_BYTES // 2**20} MiB "
        "the grader reads; clear the outputs (Edit > Clear Outputs of All Cells) and save again."
    )


def _depth_exceeds(value: object, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _cell_problem(index: int, cell: object) -> str | None:
    if not isinstance(cell, dict):
        return f"cell {index + 1} is not a JSON object"
    cell_type = cell.get("cell_type")
    if not isinstance(cell_type, str) or cell_type not in {"code", "markdown", "raw"}:
        return f"cell {index + 1} has no valid cell_type"
    source = cell.get("source", "")
    if not (
        isinstance(source, str)
        or (isinstance(source, list) and all(isinstance(s, str) for s in source))
    ):
        return f"the source of cell {index + 1} is not text"
    if not isinstance(cell.get("metadata", {}), dict):
        return f"the metadata of cell {index + 1} is not a JSON object"
    return None


def parse_submission(raw: bytes) -> Submission:
    """A notebook from bytes; never raises (the status says what is wrong)."""
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        return Submission(
            None,
            "empty",
            f"The file is empty ({len(raw)} bytes); save the notebook in Jupyter and hand "
            "it in again.",
            digest,
        )
    try:
        nb = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Submission(
            None,
            "invalid-json",
            "The file is not text (not UTF-8): it is not a Jupyter notebook.",
            digest,
        )
    except json.JSONDecodeError as exc:
        return Submission(
            None,
            "invalid-json",
            f"The file is not valid JSON ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}): it may be truncated or not saved as a notebook.",
            digest,
        )
    except (RecursionError, MemoryError, ValueError):
        return Submission(None, "invalid-notebook", "The JSON is nested too deeply.", digest)
    if not isinstance(nb, dict):
        return Submission(
            None,
            "invalid-notebook",
            "The file is JSON but not a notebook (its top level is not an object).",
            digest,
        )
    if _depth_exceeds(nb, MAX_NESTING):
        return Submission(
            None, "invalid-notebook", "The notebook's JSON is nested too deeply.", digest
        )
    version = nb.get("nbformat")
    if version != 4 or isinstance(version, bool):
        found = "no nbformat field" if version is None else f"nbformat {str(version)[:20]}"
        return Submission(
            None,
            "wrong-nbformat",
            f"The notebook has {found}; the grader reads nbformat 4 notebooks, as saved by "
            "Jupyter 4 or later.",
            digest,
        )
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return Submission(None, "invalid-notebook", "The notebook has no list of cells.", digest)
    for index, cell in enumerate(cells):
        problem = _cell_problem(index, cell)
        if problem:
            return Submission(
                None, "invalid-notebook", f"The notebook is damaged: {problem}.", digest
            )
    return Submission(nb, "ok", "", digest)


def read_submission(path: str | os.PathLike) -> Submission:
    """Read a learner's notebook without ever raising; ``status`` says what is wrong.

    ``empty``, ``too-large``, ``invalid-json``, ``wrong-nbformat`` and
    ``invalid-notebook`` come with a message a learner understands.
    """
    raw, status, message = read_bytes(path)
    if raw is None:
        return Submission(None, status, message)
    return parse_submission(raw)


# --------------------------------------------------------------------------- discovery


@dataclass
class Item:
    """One (learner, exercise) pair of the batch."""

    learner: str  # the folder's name (may hold bytes that are not UTF-8)
    exercise: str
    path: Path | None
    key: str = ""
    record: dict | None = None
    submission: Submission | None = None
    solution_digest: str = ""
    misnamed: str = ""  # a file of the learner whose name looks like this exercise

    @property
    def shown(self) -> str:
        """The learner's name as tables and feedback show it."""
        return clean_name(self.learner)


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("__")


def closest_exercise(stem: str, names: list[str]) -> list[str]:
    """The exercise a misnamed file probably is: same number (ex4 = ex04), else similar name."""
    number = re.match(r"(?i)ex[_ -]?0*(\d+)", stem)
    if number:
        same = [n for n in names if re.match(rf"ex0*{number.group(1)}(_|$)", n)]
        if len(same) == 1:
            return same
    return difflib.get_close_matches(stem, names, n=1, cutoff=0.6)


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as scan:
        return sorted(scan, key=lambda e: os.fsencode(e.name))


def discover(
    submissions: Path,
    exercises: list[str],
    selected: list[str],
    out: Path,
    unknown_result,
) -> tuple[list[Item], list[str]]:
    """Every learner folder crossed with the exercises, plus files with unknown names.

    ``unknown_result(message)`` builds the record of a file named after no exercise.
    """
    items: list[Item] = []
    warnings: list[str] = []
    lower = {name.lower(): name for name in exercises}
    try:
        out_resolved = out.resolve()
    except OSError:
        out_resolved = out
    for entry in _entries(submissions):
        shown = clean_name(entry.name)
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file(follow_symlinks=False)
        except OSError:
            warnings.append(f"{shown}: cannot be read, skipped.")
            continue
        if is_dir and Path(entry.path).resolve() == out_resolved:
            continue
        if _is_hidden(entry.name):
            if is_dir:
                warnings.append(f"{shown}/: a hidden folder, skipped.")
            continue
        if is_link:
            warnings.append(f"{shown}: a symbolic link, skipped (hand in real folders).")
            continue
        if is_file:
            if entry.name.endswith(".ipynb"):
                warnings.append(
                    f"{shown}: not in a learner folder, ignored (put each learner's "
                    "notebooks in a folder named after the learner)."
                )
            continue
        if not is_dir:
            warnings.append(f"{shown}: not a folder, skipped.")
            continue
        try:
            files = _entries(Path(entry.path))
        except OSError as exc:
            warnings.append(f"{shown}/: cannot be read ({exc.strerror}), skipped.")
            continue
        found: dict[str, Path] = {}
        misnamed: dict[str, str] = {}  # exercise -> the file that looks like it
        for nb_entry in files:
            if _is_hidden(nb_entry.name) or not nb_entry.name.endswith(".ipynb"):
                continue
            stem = nb_entry.name[: -len(".ipynb")]
            nb_path = Path(nb_entry.path)
            name = lower.get(stem.lower())
            if name is None:
                close = closest_exercise(stem, exercises)
                hint = (
                    f"; did you mean {close[0]}.ipynb? Rename the file."
                    if close
                    else "; expected one of: " + ", ".join(f"{n}.ipynb" for n in exercises) + "."
                )
                item = Item(entry.name, clean_name(stem), nb_path)
                item.record = unknown_result(f"No exercise is named {clean_name(stem)}{hint}")
                items.append(item)
                if close:
                    misnamed.setdefault(close[0], clean_name(nb_entry.name))
                continue
            if name in found:
                warnings.append(
                    f"{shown}/{clean_name(nb_entry.name)}: a second file for {name}, ignored."
                )
                continue
            found[name] = nb_path
        for name in selected:
            item = Item(entry.name, name, found.get(name))
            item.misnamed = misnamed.get(name, "") if item.path is None else ""
            items.append(item)
    return items, warnings
