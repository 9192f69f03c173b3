"""The class roster: who the learners are, as the learning management system knows them.

A roster is a CSV file the instructor exports from the LMS (or writes by hand),
one row per learner::

    learner,id,name,email,sis_id
    ana,48213,"Lopez, Ana",ana.lopez@example.edu,S-1001
    ben,48214,Ben Okafor,ben.okafor@example.edu,S-1002

* ``learner``: the learner's folder in ``SUBMISSIONS`` (often the LMS login);
* ``id``: the LMS user id (Canvas's ``ID`` column; Moodle's user id);
* ``name``: the name shown in the LMS;
* ``email``: the e-mail address (Moodle's usual identifier for grade imports);
* optional columns: ``sis_id`` (the SIS/student number, Moodle's "ID number"),
  ``login`` (Canvas's "SIS Login ID"), ``section``, ``first_name``, ``last_name``.

Column names are matched ignoring case, spaces and dashes (``SIS User ID`` is
``sis_id``); unknown columns are ignored. Every problem found is reported at once,
with its line number, in one :class:`ValueError`.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "roster.csv").write_text("learner,id,name,email\\nana,1,Ana Lopez,ana@x.org\\n")
>>> roster = read_roster(folder / "roster.csv")
>>> roster.by_learner["ana"].email
'ana@x.org'
>>> roster.by_id["1"].learner
'ana'
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Learner", "Roster", "apply_roster", "check_folder_name", "read_roster"]

REQUIRED = ("learner", "id", "name", "email")
OPTIONAL = ("sis_id", "login", "section", "first_name", "last_name")
_ALIASES = {
    "learner": "learner",
    "folder": "learner",
    "username": "learner",
    "id": "id",
    "userid": "id",
    "lmsid": "id",
    "name": "name",
    "fullname": "name",
    "student": "name",
    "email": "email",
    "emailaddress": "email",
    "sisid": "sis_id",
    "sisuserid": "sis_id",
    "idnumber": "sis_id",
    "studentnumber": "sis_id",
    "login": "login",
    "sisloginid": "login",
    "section": "section",
    "firstname": "first_name",
    "lastname": "last_name",
}
MAX_ROSTER_BYTES = 64 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Learner:
    """One row of the roster."""

    learner: str
    id: str = ""
    name: str = ""
    email: str = ""
    sis_id: str = ""
    login: str = ""
    section: str = ""
    first_name: str = ""
    last_name: str = ""

    def split_name(self) -> tuple[str, str]:
        """(first name, last name): the explicit columns, else from ``name``.

        >>> Learner("a", name="Lopez, Ana").split_name()
        ('Ana', 'Lopez')
        >>> Learner("b", name="Ben van Okafor").split_name()
        ('Ben', 'van Okafor')
        """
        if self.first_name or self.last_name:
            return self.first_name, self.last_name
        if "," in self.name:
            last, first = self.name.split(",", 1)
            return first.strip(), last.strip()
        parts = self.name.split(None, 1)
        if len(parts) == 2:
            return parts[0], parts[1]
        return self.name.strip(), ""


@dataclass
class Roster:
    """The learners in file order, indexed by folder, LMS id and e-mail."""

    learners: list[Learner]
    path: Path | None = None
    by_learner: dict[str, Learner] = field(init=False)
    by_id: dict[str, Learner] = field(init=False)
    by_email: dict[str, Learner] = field(init=False)

    def __post_init__(self) -> None:
        self.by_learner = {r.learner: r for r in self.learners}
        self.by_id = {r.id: r for r in self.learners if r.id}
        self.by_email = {r.email.lower(): r for r in self.learners if r.email}

    def __len__(self) -> int:
        return len(self.learners)

    def __iter__(self):
        return iter(self.learners)


def check_folder_name(name: str) -> str | None:
    """Why ``name`` cannot be a learner folder, or None when it can.

    >>> check_folder_name("ana") is None
    True
    >>> check_folder_name("../etc")
    'contains a path separator'
    >>> check_folder_name(".hidden")
    'starts with a dot or two underscores (the grader ignores such folders)'
    """
    if not name.strip():
        return "is empty"
    if name != name.strip():
        return "starts or ends with a space"
    if "/" in name or "\\" in name or "\0" in name:
        return "contains a path separator"
    if name in (".", ".."):
        return "is . or .."
    if name.startswith(".") or name.startswith("__"):
        return "starts with a dot or two underscores (the grader ignores such folders)"
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return "contains a control character"
    if len(name.encode("utf-8")) > 200:
        return "is longer than 200 bytes"
    return None


def _key(header: str) -> str:
    return re.sub(r"[\s_\-.]", "", header.strip().lower())


def _printable(text: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in text)


def read_roster(path: str | os.PathLike) -> Roster:
    """Read and check a roster CSV; raise ValueError listing every problem found."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"The roster {path} does not exist or is not a file.")
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise ValueError(f"The roster {path} is larger than 64 MiB; is it the right file?")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"The roster {path} is not UTF-8 text (byte {exc.start}); save it as "
            "'CSV UTF-8' from your spreadsheet."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # spreadsheets in some locales use ;
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError(f"The roster {path} is empty.") from None
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        canonical = _ALIASES.get(_key(name))
        if canonical and canonical not in columns:
            columns[canonical] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValueError(
            f"The roster {path} has no column {', '.join(missing)}: its first line must "
            f"name the columns {', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)}); "
            f"found {', '.join(repr(_printable(h)) for h in header) or 'nothing'}."
        )
    problems: list[str] = []
    learners: list[Learner] = []
    seen: dict[str, dict[str, int]] = {"learner": {}, "id": {}, "email": {}}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"line {line}: {len(row)} cells for {len(header)} columns")
            continue
        values = {
            name: (row[index].strip() if index < len(row) else "")
            for name, index in columns.items()
        }
        learner = values["learner"]
        why = check_folder_name(learner)
        if why:
            problems.append(f"line {line}: the learner {_printable(learner)!r} {why}")
            continue
        if values["email"] and not _EMAIL.match(values["email"]):
            problems.append(
                f"line {line}: {_printable(values['email'])!r} is not an e-mail address"
            )
        for name in ("learner", "id", "email"):
            value = values[name].lower() if name == "email" else values[name]
            if not value:
                continue
            if value in seen[name]:
                problems.append(
                    f"line {line}: the {name} {_printable(values[name])!r} is already on "
                    f"line {seen[name][value]}"
                )
            else:
                seen[name][value] = line
        learners.append(Learner(**{k: values.get(k, "") for k in REQUIRED + OPTIONAL}))
    if problems:
        shown = problems[:20]
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise ValueError(
            f"The roster {path} has {len(problems)} problem(s){more}: " + "; ".join(shown) + "."
        )
    if not learners:
        raise ValueError(f"The roster {path} lists no learner.")
    return Roster(learners, path)


def apply_roster(items: list, roster: Roster, exercises: list[str]) -> tuple[list, list[str]]:
    """A run's items with the roster applied, and the warnings to print.

    Learners of the roster without a folder get every exercise (their items
    have no file: the run grades them ``missing``); folders of learners not on
    the roster are kept and named in a warning.
    """
    from course_utils.instructor.grading.submissions import Item, clean_name

    present = {item.learner for item in items}
    added = [
        Item(person.learner, exercise, None)
        for person in roster
        if person.learner not in present
        for exercise in exercises
    ]
    strangers = sorted(name for name in present if name not in roster.by_learner)
    warnings = []
    if strangers:
        shown = ", ".join(clean_name(name) for name in strangers[:20])
        more = f" and {len(strangers) - 20} more" if len(strangers) > 20 else ""
        warnings.append(
            f"{len(strangers)} submission folder(s) are not on the roster {roster.path}: "
            f"{shown}{more}. They are graded; check the folder names."
        )
    return items + added, warnings
