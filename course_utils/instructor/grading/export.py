"""``course-grade export``: the grades as a file the learning management system imports as it is.

::

    course-grade export grades --to canvas --roster roster.csv --out canvas.csv
    course-grade export grades --to moodle --roster roster.csv --out moodle.csv
    course-grade export grades --to nbgrader --out nbgrader.csv
    course-grade export grades --to csv --out wide.csv
    course-grade export grades --to manual --out manual.csv   # template for hand grading

The grades come from ``GRADES_DIR/grades.csv`` (one row per learner, exercise and
test); one score per learner and exercise is the sum of its autograded tests,
plus, with ``--manual FILE``, the points of its hand-graded answers:

* **Hand grading.** ``--to manual`` writes a template with one row per answer
  graded by hand (``learner, exercise, grade_id, max_points, points, comment``);
  fill in ``points`` and pass the file back with ``--manual``. A submission
  whose hand-graded answers are not all filled in gets an empty cell (an LMS
  import leaves an empty cell alone) and a warning; a submission not handed in
  counts 0. Without ``--manual`` the hand-graded answers are left out, points
  possible included, and a note says so.
* **Canvas** (gradebook import): the header ``Student, ID, SIS User ID, SIS Login
  ID, Section`` then one column per exercise, then a ``Points Possible`` row.
  Canvas matches a learner by ``ID`` (the Canvas user id), then by SIS ids, then
  by name; a column titled ``Name (assignment id)`` updates that assignment,
  another title creates a new one (``--column ex04="Lasso (4521)"``).
* **Moodle** (grade import from a CSV file): an identifier column (``Email
  address``, or ``ID number`` with ``--moodle-id idnumber``) then one column
  per grade item; map them in Moodle's import form.
* **nbgrader** (the columns of ``nbgrader export``): one row per exercise and
  learner, ``assignment, duedate, timestamp, student_id, last_name, first_name,
  email, raw_score, late_submission_penalty, score, max_score``.
* **csv**: one row per learner, one column per exercise and the total.

The averages and points possible per exercise go to their own file next to
``--out`` (``NAME-averages.csv``), never among the learners. With ``--roster``,
learners of the roster without any grade get 0 for every exercise (not handed
in), and learners with grades but not on the roster are reported (and left
out of the Canvas and Moodle files, which could not identify them). Text cells
a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, ...) are
prefixed with ``'``.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.instructor.grading.roster import Learner, Roster, read_roster

__all__ = [
    "CANVAS_COLUMNS",
    "NBGRADER_COLUMNS",
    "Gradebook",
    "export",
    "load_gradebook",
    "main",
    "neutralise",
]

GRADES_COLUMNS = ("learner", "exercise", "grade_id", "points", "max_points", "status")
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "    Points Possible"
NBGRADER_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]
MANUAL_COLUMNS = ["learner", "exercise", "grade_id", "max_points", "points", "comment"]
AVERAGES_COLUMNS = [
    "exercise",
    "title",
    "max_points",
    "mean_points",
    "mean_percentage",
    "learners",
    "handed_in",
]
FORMATS = ("canvas", "moodle", "nbgrader", "csv", "manual")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")
# Canvas drops trailing columns with these titles (its own computed totals).
_CANVAS_RESERVED = re.compile(r"Current Score|Current Points|Final Score|Final Points|Final Grade")
MAX_CSV_BYTES = 512 * 1024 * 1024


def neutralise(value: object) -> str:
    """A text cell that a spreadsheet shows as text instead of running it as a formula.

    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("Ana Lopez")
    'Ana Lopez'
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _unneutralise(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_START else text


def _num(value: float) -> str:
    """A number as an LMS reads it: no exponent, no needless zeros.

    >>> _num(8.0), _num(7.25), _num(1 / 3)
    ('8', '7.25', '0.333333')
    """
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass
class Score:
    """One learner's result for one exercise."""

    learner: str
    exercise: str
    points: float = 0.0  # autograded
    max_points: float = 0.0
    manual_points: float | None = 0.0  # None: hand grading not finished
    manual_max_points: float = 0.0
    status: str = "missing"
    manual_ids: dict[str, float] = field(default_factory=dict)  # grade_id -> max

    def total(self, with_manual: bool) -> float | None:
        if not with_manual:
            return self.points
        if self.manual_points is None:
            return None
        return self.points + self.manual_points


@dataclass
class Gradebook:
    """Scores by learner and exercise, with what was found along the way."""

    exercises: list[str]
    learners: list[str]
    scores: dict[tuple[str, str], Score]
    max_points: dict[str, float]
    manual_max: dict[str, float]
    with_manual: bool = False
    roster: Roster | None = None
    warnings: list[str] = field(default_factory=list)
    not_on_roster: list[str] = field(default_factory=list)

    def possible(self, exercise: str) -> float:
        extra = self.manual_max[exercise] if self.with_manual else 0.0
        return self.max_points[exercise] + extra

    def person(self, learner: str) -> Learner:
        if self.roster is not None and learner in self.roster.by_learner:
            return self.roster.by_learner[learner]
        return Learner(learner)


def _read_csv(path: Path, what: str) -> tuple[list[str], list[dict]]:
    if not path.is_file():
        raise ValueError(f"{path} does not exist: is it the folder course-grade wrote ({what})?")
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ValueError(f"{path} is larger than 512 MiB.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _float(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: {text!r} is not a number.") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: {text!r} is not a finite number.")
    return value


def _read_manual(
    path: Path, scores: dict[tuple[str, str], Score]
) -> dict[tuple[str, str, str], float]:
    columns, rows = _read_csv(path, "the hand-graded points")
    missing = [c for c in ("learner", "exercise", "grade_id", "points") if c not in columns]
    if missing:
        raise ValueError(
            f"{path} has no column {', '.join(missing)}: write a template with "
            "'course-grade export GRADES --to manual --out FILE' and fill in its points."
        )
    points: dict[tuple[str, str, str], float] = {}
    problems = []
    for line, row in enumerate(rows, start=2):
        key = (row["learner"] or "", row["exercise"] or "", row["grade_id"] or "")
        text = (row["points"] or "").strip()
        if not text:
            continue
        score = scores.get(key[:2])
        if score is None or key[2] not in score.manual_ids:
            problems.append(
                f"line {line}: no hand-graded answer {key[2]!r} for {key[0]!r} in {key[1]!r}"
            )
            continue
        try:
            value = _float(text, f"line {line}")
        except ValueError as exc:
            problems.append(str(exc))
            continue
        top = score.manual_ids[key[2]]
        if not 0 <= value <= top:
            problems.append(f"line {line}: {value:g} points is outside 0 to {top:g}")
        elif key in points:
            problems.append(f"line {line}: a second entry for {key[0]!r}, {key[2]!r}")
        else:
            points[key] = value
    if problems:
        raise ValueError(f"{path} has {len(problems)} problem(s): " + "; ".join(problems[:20]))
    return points


def load_gradebook(
    grades_dir: str | os.PathLike,
    *,
    roster: Roster | str | os.PathLike | None = None,
    manual: str | os.PathLike | None = None,
) -> Gradebook:
    """Scores per learner and exercise from ``grades_dir/grades.csv`` (and the hand grading)."""
    grades_path = Path(grades_dir) / "grades.csv"
    columns, rows = _read_csv(grades_path, "grades.csv")
    missing = [c for c in GRADES_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"{grades_path} has no column {', '.join(missing)}.")
    if roster is not None and not isinstance(roster, Roster):
        roster = read_roster(roster)
    scores: dict[tuple[str, str], Score] = {}
    statuses: dict[tuple[str, str], set[str]] = {}
    max_points: dict[str, float] = {}
    manual_max: dict[str, float] = {}
    warnings = []
    unknown = 0
    for line, row in enumerate(rows, start=2):
        learner = _unneutralise(row["learner"] or "")
        exercise, grade_id = row["exercise"] or "", row["grade_id"] or ""
        if not grade_id:  # a file with an unknown name: not an exercise
            unknown += 1
            continue
        where = f"{grades_path}, line {line}"
        score = scores.setdefault((learner, exercise), Score(learner, exercise))
        top = _float(row["max_points"], where)
        if row["status"] == "manual":
            score.manual_ids[grade_id] = top
            score.manual_max_points += top
        else:
            score.points += _float(row["points"] or "0", where)
            score.max_points += top
            statuses.setdefault((learner, exercise), set()).add(row["status"])
    if not scores:
        raise ValueError(f"{grades_path} has no graded exercise.")
    for key, score in scores.items():
        seen = statuses.get(key, set())
        score.status = "missing" if seen == {"missing"} else "handed-in"
        if score.max_points > max_points.get(score.exercise, -1.0):
            max_points[score.exercise] = score.max_points
            manual_max[score.exercise] = score.manual_max_points
    if unknown:
        warnings.append(
            f"{unknown} file(s) with a name that matches no exercise are not exported "
            "(status unknown-exercise in grades.csv)."
        )
    exercises = sorted(max_points)
    learners = sorted({learner for learner, _ in scores})
    not_on_roster: list[str] = []
    if roster is not None:
        not_on_roster = [name for name in learners if name not in roster.by_learner]
        learners = [r.learner for r in roster] + not_on_roster
        if not_on_roster:
            warnings.append(
                f"{len(not_on_roster)} learner folder(s) with grades are not on the roster: "
                + ", ".join(repr(n) for n in not_on_roster[:20])
            )
    for learner in learners:
        for exercise in exercises:
            if (learner, exercise) not in scores:  # on the roster, nothing handed in
                scores[(learner, exercise)] = Score(
                    learner,
                    exercise,
                    max_points=max_points[exercise],
                    manual_max_points=manual_max[exercise],
                    manual_ids={},
                )
    book = Gradebook(
        exercises, learners, scores, max_points, manual_max, roster=roster, warnings=warnings
    )
    if manual is not None:
        filled = _read_manual(Path(manual), scores)
        book.with_manual = True
        unfinished = 0
        for score in scores.values():
            if score.status == "missing":
                score.manual_points = 0.0
                continue
            got = [filled.get((score.learner, score.exercise, g)) for g in score.manual_ids]
            if any(v is None for v in got):
                score.manual_points = None
                unfinished += 1
            else:
                score.manual_points = float(sum(v for v in got if v is not None))
        if unfinished:
            warnings.append(
                f"{unfinished} submission(s) have hand-graded answers without points in "
                f"{manual}: their cells are left empty."
            )
    elif any(manual_max.values()):
        worth = sum(manual_max.values())
        warnings.append(
            f"Answers graded by hand (worth {worth:g} points over all exercises) are not "
            "included; write a template with --to manual, fill it in, and pass it with --manual."
        )
    book.not_on_roster = not_on_roster
    return book


def _titles(exercises: list[str], columns: dict[str, str] | None) -> dict[str, str]:
    titles = {name: name for name in exercises}
    for key, title in (columns or {}).items():
        hits = [n for n in exercises if n == key or n.split("_")[0] == key]
        if len(hits) != 1:
            raise ValueError(
                f"--column {key}=...: {key!r} is not one exercise; use one of "
                + ", ".join(exercises)
                + "."
            )
        titles[hits[0]] = title
    if len(set(titles.values())) != len(titles):
        raise ValueError("Two exercises would get the same column title.")
    return titles


def _cell(value: float | None) -> str:
    return "" if value is None else _num(value)


def _identified(book: Gradebook, need: str, fields: tuple[str, ...]) -> list[Learner]:
    if book.roster is None:
        raise ValueError(f"--to {need} needs --roster: the LMS identifies learners by its ids.")
    people = [book.person(name) for name in book.learners if name not in book.not_on_roster]
    lacking = [p.learner for p in people if not any(getattr(p, f) for f in fields)]
    if lacking:
        raise ValueError(
            f"--to {need}: the roster has no {' or '.join(fields)} for "
            + ", ".join(repr(n) for n in lacking[:20])
            + "."
        )
    return people


def _rows_canvas(book: Gradebook, titles: dict[str, str]) -> list[list[str]]:
    for title in titles.values():
        if _CANVAS_RESERVED.search(title):
            raise ValueError(f"Canvas reserves the column title {title!r}; choose another.")
    people = _identified(book, "canvas", ("id", "sis_id", "login"))
    rows = [CANVAS_COLUMNS + [titles[e] for e in book.exercises]]
    rows.append(
        [CANVAS_POINTS_ROW, "", "", "", ""] + [_num(book.possible(e)) for e in book.exercises]
    )
    for person in people:
        cells = [
            person.name or person.learner,
            person.id,
            person.sis_id,
            person.login,
            person.section,
        ]
        rows.append(
            [neutralise(c) for c in cells]
            + [
                _cell(book.scores[(person.learner, e)].total(book.with_manual))
                for e in book.exercises
            ]
        )
    return rows


def _rows_moodle(book: Gradebook, titles: dict[str, str], identifier: str) -> list[list[str]]:
    field_name, header = {
        "email": ("email", "Email address"),
        "idnumber": ("sis_id", "ID number"),
    }[identifier]
    people = _identified(book, "moodle", (field_name,))
    rows = [[header] + [titles[e] for e in book.exercises]]
    for person in people:
        rows.append(
            [neutralise(getattr(person, field_name))]
            + [
                _cell(book.scores[(person.learner, e)].total(book.with_manual))
                for e in book.exercises
            ]
        )
    return rows


def _rows_nbgrader(book: Gradebook, titles: dict[str, str]) -> list[list[str]]:
    rows = [list(NBGRADER_COLUMNS)]
    for exercise in book.exercises:
        for learner in book.learners:
            person = book.person(learner)
            first, last = person.split_name()
            raw = book.scores[(learner, exercise)].total(book.with_manual)
            rows.append(
                [
                    neutralise(titles[exercise]),
                    "",
                    "",
                    neutralise(learner),
                    neutralise(last),
                    neutralise(first),
                    neutralise(person.email),
                    "" if raw is None else str(float(raw)),
                    "0.0",
                    "" if raw is None else str(max(0.0, float(raw))),
                    str(float(book.possible(exercise))),
                ]
            )
    return rows


def _rows_wide(book: Gradebook, titles: dict[str, str]) -> list[list[str]]:
    rows = [
        ["learner", "id", "name", "email", "sis_id"]
        + [titles[e] for e in book.exercises]
        + ["total"]
    ]
    for learner in book.learners:
        person = book.person(learner)
        totals = [book.scores[(learner, e)].total(book.with_manual) for e in book.exercises]
        known = [t for t in totals if t is not None]
        total = sum(known) if len(known) == len(totals) else None
        rows.append(
            [neutralise(v) for v in (learner, person.id, person.name, person.email, person.sis_id)]
            + [_cell(t) for t in totals]
            + [_cell(total)]
        )
    return rows


def _rows_manual(book: Gradebook) -> list[list[str]]:
    rows = [list(MANUAL_COLUMNS)]
    for learner in book.learners:
        for exercise in book.exercises:
            score = book.scores[(learner, exercise)]
            if score.status == "missing":
                continue
            for grade_id, top in score.manual_ids.items():
                rows.append([neutralise(learner), exercise, grade_id, _num(top), "", ""])
    return rows


def _rows_averages(book: Gradebook, titles: dict[str, str]) -> list[list[str]]:
    rows = [list(AVERAGES_COLUMNS)]
    for exercise in book.exercises:
        totals = [book.scores[(n, exercise)].total(book.with_manual) for n in book.learners]
        known = [t for t in totals if t is not None]
        handed = sum(book.scores[(n, exercise)].status != "missing" for n in book.learners)
        possible = book.possible(exercise)
        mean = sum(known) / len(known) if known else None
        pct = None if mean is None or not possible else 100.0 * mean / possible
        rows.append(
            [
                exercise,
                neutralise(titles[exercise]),
                _num(possible),
                "" if mean is None else f"{mean:.2f}",
                "" if pct is None else f"{pct:.1f}",
                str(len(known)),
                str(handed),
            ]
        )
    return rows


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def averages_path(out: Path) -> Path:
    """Where the averages of an export to ``out`` go: ``NAME-averages.csv`` beside it."""
    return out.with_name(f"{out.stem}-averages.csv")


def export(
    grades_dir: str | os.PathLike,
    to: str,
    out: str | os.PathLike,
    *,
    roster: Roster | str | os.PathLike | None = None,
    manual: str | os.PathLike | None = None,
    columns: dict[str, str] | None = None,
    moodle_id: str = "email",
) -> Gradebook:
    """Write the export ``to`` (one of :data:`FORMATS`) to ``out``; return what was exported."""
    if to not in FORMATS:
        raise ValueError(f"Unknown export format {to!r}: use one of {', '.join(FORMATS)}.")
    if moodle_id not in ("email", "idnumber"):
        raise ValueError("--moodle-id is email or idnumber.")
    out = Path(out)
    book = load_gradebook(grades_dir, roster=roster, manual=manual if to != "manual" else None)
    titles = _titles(book.exercises, columns)
    if to == "canvas":
        rows = _rows_canvas(book, titles)
    elif to == "moodle":
        rows = _rows_moodle(book, titles, moodle_id)
    elif to == "nbgrader":
        rows = _rows_nbgrader(book, titles)
    elif to == "csv":
        rows = _rows_wide(book, titles)
    else:
        rows = _rows_manual(book)
        # the template is how hand grading gets in: no note that it is left out
        book.warnings = [w for w in book.warnings if not w.startswith("Answers graded by hand")]
    if to in ("canvas", "moodle") and book.not_on_roster:
        book.warnings.append(
            f"Left out of the {to} file (not on the roster): "
            + ", ".join(repr(n) for n in book.not_on_roster[:20])
        )
    _write_rows(out, rows)
    if to != "manual":
        _write_rows(averages_path(out), _rows_averages(book, titles))
    return book


def _column(text: str) -> tuple[str, str]:
    key, sep, title = text.partition("=")
    if not sep or not key.strip() or not title.strip():
        raise argparse.ArgumentTypeError("write --column EXERCISE=TITLE, e.g. ex04='Lasso (4521)'")
    return key.strip(), title.strip()


def main(argv: list[str] | None = None) -> int:
    """``course-grade export``: 0 when written, 2 on bad usage or bad input files."""
    parser = argparse.ArgumentParser(
        prog="course-grade export",
        description="Write the grades of a course-grade run as a file Canvas, Moodle or "
        "nbgrader imports, or as a wide CSV; averages go to NAME-averages.csv beside it.",
        epilog="See docs/grading.md for the columns of each format and the hand-grading file.",
    )
    parser.add_argument("grades", type=Path, metavar="GRADES_DIR")
    parser.add_argument("--to", required=True, choices=FORMATS)
    parser.add_argument("--out", required=True, type=Path, metavar="FILE")
    parser.add_argument("--roster", type=Path, help="the roster CSV (needed for canvas, moodle)")
    parser.add_argument("--manual", type=Path, help="the filled-in hand-grading file")
    parser.add_argument(
        "--column",
        action="append",
        type=_column,
        default=[],
        metavar="EXERCISE=TITLE",
        help="column title of an exercise in the LMS (repeatable)",
    )
    parser.add_argument(
        "--moodle-id",
        choices=["email", "idnumber"],
        default="email",
        help="how Moodle identifies learners: email (default) or idnumber (the roster's sis_id)",
    )
    args = parser.parse_args(argv)
    try:
        book = export(
            args.grades,
            args.to,
            args.out,
            roster=args.roster,
            manual=args.manual,
            columns=dict(args.column),
            moodle_id=args.moodle_id,
        )
    except ValueError as exc:
        print(f"course-grade export: {exc}", file=sys.stderr)
        return 2
    for warning in book.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    extra = "" if args.to == "manual" else f"; averages in {averages_path(args.out)}"
    print(
        f"{len(book.learners)} learners, {len(book.exercises)} exercises written to "
        f"{args.out} ({args.to}){extra}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
