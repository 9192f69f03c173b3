"""``course-grade``: grade a folder of learners' exercise notebooks against the solutions.

One command gives a score table and a feedback file per learner::

    course-grade SUBMISSIONS --solutions solutions --out grades
    python -m course_utils.grade SUBMISSIONS --jobs 2 --only ex04_lasso_from_scratch

``SUBMISSIONS`` holds one folder per learner with that learner's notebooks under
their exercise file names (``SUBMISSIONS/alice/ex04_lasso_from_scratch.ipynb``).
The grading follows nbgrader's autograde model (docs/grading.md has the details):

1. each submission is read defensively; an empty file, invalid JSON, a wrong
   nbformat, an unknown exercise name or a missing exercise becomes a row with
   a status and a message, never a crash of the batch;
2. every graded test cell and every locked cell is restored from the solution
   by its ``grade_id``, hidden tests included, so editing or deleting a test has
   no effect; deleted, duplicated, reordered and retyped cells are reported;
3. the notebook runs through :func:`course_utils.instructor.execute.execute_notebook`
   in a fresh kernel, in a temporary working directory, inside a worker process
   whose watchdog enforces the total time limit and a memory limit by killing
   the kernel: the submission keeps the points earned before it stopped;
4. a graded test cell earns its points when it ran without an error.

Outputs in ``--out``: ``grades.csv`` (one row per learner, exercise and test),
``summary.csv`` (totals per learner and exercise, and a per-exercise average),
``feedback/<learner>/<exercise>.md`` and ``.html``. Each submission's result is
written atomically as soon as it is graded, so an interrupted run resumes where
it stopped: an unchanged submission (same content hash, same solution, same
limits) is not graded again unless ``--force``.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import html
import io
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "Exercise",
    "GradeRun",
    "assemble_notebook",
    "grade_submissions",
    "load_exercise",
    "main",
    "read_submission",
    "stub_source",
]

GRADER_VERSION = "1"
DEFAULT_TIMEOUT = 60  # seconds per cell
DEFAULT_TOTAL_TIMEOUT = 300  # seconds per notebook, kernel start included
DEFAULT_MEMORY_LIMIT_MIB = 4096  # resident memory of the kernel and its children
OUTPUT_MEMORY_LIMIT_MIB = 1024  # growth of the worker holding the outputs
DISK_LIMIT_MIB = 1024  # files written in the temporary working folder
MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
OUTPUT_EXCERPT_CHARS = 1500  # output kept per cell for the feedback
MESSAGE_CHARS = 400  # error message kept per test
FLOOD_NOTE_CHARS = 100_000  # output above this is mentioned in the feedback
WORKER_GRACE_SECONDS = 60  # the parent kills a worker silent this long after the total limit

GRADES_COLUMNS = ["learner", "exercise", "grade_id", "points", "max_points", "status", "message"]
SUMMARY_COLUMNS = [
    "learner",
    "exercise",
    "points",
    "max_points",
    "percentage",
    "manual_max_points",
    "status",
    "message",
]
AVERAGE_LEARNER = "(average)"

# Statuses of a whole submission (summary.csv) and of one test (grades.csv).
STOPPED_STATUSES = {
    "timeout",
    "time-limit",
    "kernel-died",
    "memory-limit",
    "output-limit",
    "disk-limit",
}
UNREADABLE_STATUSES = {"empty", "invalid-json", "wrong-nbformat", "invalid-notebook", "too-large"}
FAILING_STATUSES = (
    STOPPED_STATUSES | UNREADABLE_STATUSES | {"failed", "not-run", "missing", "grader-error"}
)

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BEGIN_SOLUTION = "### BEGIN SOLUTION"
_END_SOLUTION = "### END SOLUTION"
_BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
_END_HIDDEN = "### END HIDDEN TESTS"


# --------------------------------------------------------------------------- solutions


@dataclass
class SolutionCell:
    """One cell of a solution notebook with its nbgrader role.

    ``kind`` is ``test`` (autograded test: restored, scored), ``locked`` (restored),
    ``task`` (markdown task graded by hand: restored), ``answer`` (the learner's
    code), ``manual`` (a learner's answer graded by hand) or ``free`` (no
    nbgrader metadata: belongs to the learner, not kept from the solution).
    """

    index: int
    kind: str
    cell_type: str
    source: str
    metadata: dict
    grade_id: str | None = None
    points: float = 0.0

    @property
    def restored(self) -> bool:
        return self.kind in {"test", "locked", "task"}


@dataclass
class Exercise:
    """A solution notebook read for grading."""

    name: str
    path: Path
    digest: str
    metadata: dict
    cells: list[SolutionCell]
    by_id: dict[str, SolutionCell] = field(default_factory=dict)

    @property
    def tests(self) -> list[SolutionCell]:
        return [c for c in self.cells if c.kind == "test"]

    @property
    def manual(self) -> list[SolutionCell]:
        return [c for c in self.cells if c.kind in {"manual", "task"} and c.points]

    @property
    def max_points(self) -> float:
        return sum(c.points for c in self.tests)

    @property
    def manual_max_points(self) -> float:
        return sum(c.points for c in self.manual)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    return source if isinstance(source, str) else ""


def _nbgrader(cell: dict) -> dict:
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def _kind(meta: dict, cell_type: str) -> str:
    if not meta or not meta.get("grade_id"):
        return "free"
    if meta.get("task"):
        return "task"
    if meta.get("solution"):
        return "manual" if meta.get("grade") else "answer"
    if meta.get("grade"):
        return "test" if cell_type == "code" else "locked"
    return "locked" if meta.get("locked") else "free"


def load_exercise(path: str | os.PathLike) -> Exercise:
    """Read a solution notebook and classify its cells by their nbgrader metadata.

    Raises ``ValueError`` with a readable sentence when the file is not a
    notebook or two cells share a ``grade_id``.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"The solution {path} is not a valid notebook: {exc}.") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"The solution {path} is not a notebook: it has no list of cells.")
    cells, by_id = [], {}
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict):
            continue
        cell_type = cell.get("cell_type", "code")
        meta = _nbgrader(cell)
        kind = _kind(meta, cell_type)
        grade_id = str(meta["grade_id"]) if kind != "free" else None
        points = 0.0
        if meta.get("grade") or meta.get("task"):
            try:
                points = float(meta.get("points", 0) or 0)
            except (TypeError, ValueError):
                raise ValueError(
                    f"The cell {grade_id!r} of {path} has invalid points {meta.get('points')!r}."
                ) from None
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        solution_cell = SolutionCell(
            index, kind, cell_type, _source(cell), dict(metadata), grade_id, points
        )
        if grade_id is not None:
            if grade_id in by_id:
                raise ValueError(
                    f"Two cells of {path} have the grade_id {grade_id!r}; "
                    "each graded or locked cell needs its own."
                )
            by_id[grade_id] = solution_cell
        cells.append(solution_cell)
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    return Exercise(path.stem, path, hashlib.sha256(raw).hexdigest(), metadata, cells, by_id)


def load_exercises(solutions: Path) -> dict[str, Exercise]:
    """Every ``*.ipynb`` of the solutions folder, by exercise name (the file stem)."""
    return {p.stem: load_exercise(p) for p in sorted(Path(solutions).glob("*.ipynb"))}


def stub_source(source: str, cell_type: str = "code") -> str:
    """What an exercise holds in place of a solution cell: its solution blocks raise."""
    if cell_type != "code":
        return "YOUR ANSWER HERE"
    out, inside, found = [], False, False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(_BEGIN_SOLUTION):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}raise NotImplementedError  # your code here")
            inside = found = True
        elif stripped.startswith(_END_SOLUTION):
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out) if found else "raise NotImplementedError  # your code here"


def _without_hidden_tests(source: str) -> str:
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(_BEGIN_HIDDEN):
            inside = True
        elif stripped.startswith(_END_HIDDEN):
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _same_code(a: str, b: str) -> bool:
    def norm(text: str) -> list[str]:
        return [ln.strip() for ln in text.splitlines() if ln.strip()]

    return norm(a) == norm(b)


# --------------------------------------------------------------------------- reading


@dataclass
class Submission:
    """A submission read from disk: the notebook (a dict) or why it cannot be graded."""

    notebook: dict | None
    status: str = "ok"
    message: str = ""
    digest: str = ""


def read_submission(path: str | os.PathLike) -> Submission:
    """Read a learner's notebook without ever raising; ``status`` says what is wrong.

    ``empty``, ``too-large``, ``invalid-json``, ``wrong-nbformat`` and
    ``invalid-notebook`` come with a message a learner understands.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SUBMISSION_BYTES:
            return Submission(
                None,
                "too-large",
                f"The file is {size / 2**20:.0f} MiB, more than the "
                f"{MAX_SUBMISSION_BYTES // 2**20} MiB the grader reads; clear "
                "the outputs (Edit > Clear Outputs of All Cells) and save again.",
            )
        raw = path.read_bytes()
    except OSError as exc:
        return Submission(None, "invalid-notebook", f"The file cannot be read: {exc.strerror}.")
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        return Submission(
            None,
            "empty",
            f"The file is empty ({len(raw)} bytes); save the "
            "notebook in Jupyter and hand it in again.",
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
            f"The file is not valid JSON ({exc.msg} at line "
            f"{exc.lineno}, column {exc.colno}): it may be truncated or not saved "
            "as a notebook.",
            digest,
        )
    if not isinstance(nb, dict):
        return Submission(
            None,
            "invalid-notebook",
            "The file is JSON but not a notebook (its top level is not an object).",
            digest,
        )
    version = nb.get("nbformat")
    if version != 4:
        found = "no nbformat field" if version is None else f"nbformat {version!r}"
        return Submission(
            None,
            "wrong-nbformat",
            f"The notebook has {found}; the grader reads "
            "nbformat 4 notebooks, as saved by Jupyter 4 or later.",
            digest,
        )
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return Submission(None, "invalid-notebook", "The notebook has no list of cells.", digest)
    return Submission(nb, "ok", "", digest)


# --------------------------------------------------------------------------- assembling


@dataclass
class Assembled:
    """The notebook that is executed, and where its graded cells are."""

    notebook: dict
    test_cells: dict[str, int]  # grade_id -> index in ``notebook``
    answer_cells: dict[int, str]  # index -> grade_id of learner answers
    notes: list[str]


MARKER_SOURCE = "pass  # course-grade: the cell above has finished"
MARKER_KEY = "course_grade_marker"


def _is_marker(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get(MARKER_KEY))


def _new_cell(cell_type: str, source: str, metadata: dict | None = None) -> dict:
    cell = {"cell_type": cell_type, "metadata": dict(metadata or {}), "source": source}
    if cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def assemble_notebook(submission: dict, exercise: Exercise) -> Assembled:
    """Build the notebook to execute: the solution's frame with the learner's answers.

    Test, locked and task cells come from the solution (source, type and
    metadata, hidden tests included). Each answer cell is the learner's first
    cell with that ``grade_id``, or a stub that raises ``NotImplementedError``
    when it was deleted. Cells the learner added (and extra copies of answer
    cells) run where they were: after the graded cell they followed. The notes
    describe every repair, for the feedback.
    """
    notes: list[str] = []
    anchored: dict[str, dict] = {}  # grade_id -> learner's first cell with it
    extras: dict[str | None, list[dict]] = {None: []}  # anchor grade_id -> cells after it
    counts: dict[str, int] = {}
    order: list[int] = []
    unknown: list[str] = []
    anchor: str | None = None
    for raw in submission.get("cells", []):
        if not isinstance(raw, dict):
            continue
        cell_type = raw.get("cell_type")
        if cell_type not in {"code", "markdown", "raw"}:
            continue
        meta = _nbgrader(raw)
        grade_id = meta.get("grade_id")
        grade_id = str(grade_id) if grade_id is not None else None
        cell = {"cell_type": cell_type, "source": _source(raw)}
        if grade_id in exercise.by_id:
            counts[grade_id] = counts.get(grade_id, 0) + 1
            if counts[grade_id] == 1:
                anchored[grade_id] = cell
                order.append(exercise.by_id[grade_id].index)
                anchor = grade_id
                extras.setdefault(anchor, [])
                continue
            if exercise.by_id[grade_id].restored:
                continue  # an extra copy of a test or locked cell: ignored
        elif grade_id is not None:
            unknown.append(grade_id)
        if cell_type == "code" or cell_type == "markdown":
            extras.setdefault(anchor, []).append(cell)

    cells: list[dict] = []
    test_cells: dict[str, int] = {}
    answer_cells: dict[int, str] = {}

    def add(cell_type: str, source: str, metadata: dict | None = None) -> int:
        cells.append(_new_cell(cell_type, source, metadata))
        index = len(cells) - 1
        if cell_type == "code" and source.strip():
            # A marker after each code cell: once the marker has started, the cell
            # before it has certainly finished, even when the kernel dies so fast
            # that the next cell's start is never reported.
            cells.append(_new_cell("code", MARKER_SOURCE, {MARKER_KEY: True}))
        return index

    def add_extras(key: str | None) -> None:
        for extra in extras.get(key, []):
            add(extra["cell_type"], extra["source"])

    add_extras(None)
    for sol in exercise.cells:
        if sol.kind == "free":
            continue
        mine = anchored.get(sol.grade_id)
        label = f"`{sol.grade_id}`"
        if sol.restored:
            index = add(sol.cell_type, sol.source, sol.metadata)
            if sol.kind == "test":
                test_cells[sol.grade_id] = index
            what = "test cell" if sol.kind == "test" else "read-only cell"
            if mine is None:
                if sol.kind == "test":
                    notes.append(
                        f"The test cell {label} was missing; it was restored from the "
                        "exercise and run."
                    )
                else:
                    notes.append(f"The read-only cell {label} was missing; it was restored.")
            elif mine["cell_type"] != sol.cell_type:
                notes.append(
                    f"The {what} {label} had been changed to {mine['cell_type']}; "
                    f"the original {sol.cell_type} cell was used."
                )
            elif not (
                _same_code(mine["source"], _without_hidden_tests(sol.source))
                or _same_code(mine["source"], sol.source)
            ):
                notes.append(
                    f"The {what} {label} had been edited; the original was used, "
                    "so the edit has no effect on the grade."
                )
        else:
            if mine is None:
                source = stub_source(sol.source, sol.cell_type)
                notes.append(
                    f"Your answer cell {label} was missing; it was graded as not attempted."
                )
            else:
                source = mine["source"]
                if mine["cell_type"] != sol.cell_type:
                    notes.append(
                        f"Your answer cell {label} had been changed to "
                        f"{mine['cell_type']}; it was graded as a {sol.cell_type} "
                        "cell."
                    )
            index = add(sol.cell_type, source, sol.metadata)
            if sol.cell_type == "code":
                answer_cells[index] = sol.grade_id
        if sol.grade_id in anchored:
            add_extras(sol.grade_id)

    for grade_id, count in counts.items():
        if count > 1:
            if exercise.by_id[grade_id].restored:
                notes.append(
                    f"The cell `{grade_id}` appears {count} times; the extra copies were ignored."
                )
            else:
                notes.append(
                    f"Your answer cell `{grade_id}` appears {count} times; the first "
                    "copy was graded in its place and the others ran where they are."
                )
    if order != sorted(order):
        notes.append(
            "Some cells were moved; the notebook was graded in the exercise's order "
            "(cells you added stay after the cell they followed)."
        )
    if unknown:
        names = ", ".join(f"`{g}`" for g in dict.fromkeys(unknown))
        notes.append(
            f"Cells with grade ids this exercise does not have ({names}) ran as ordinary cells."
        )

    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:03d}"
    notebook = {
        "cells": cells,
        "metadata": {
            k: v for k, v in exercise.metadata.items() if k in {"kernelspec", "language_info"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return Assembled(notebook, test_cells, answer_cells, notes)


# --------------------------------------------------------------------------- executing


def _truncate(text: str, limit: int = OUTPUT_EXCERPT_CHARS) -> str:
    """The end of ``text`` (where errors and results are), with a note of what was cut."""
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit:,} characters cut ...]\n" + text[-limit:]


def _kill_tree(pid: int | None = None, *, include_self: bool = False) -> int:
    """Kill every descendant process of ``pid`` (default: this process); return how many."""
    import psutil

    try:
        root = psutil.Process(pid)
        victims = root.children(recursive=True)
    except psutil.Error:
        return 0
    if include_self:
        victims.append(root)
    for proc in victims:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=5)
    return len(victims)


class _Watchdog(threading.Thread):
    """Kills the kernel (every child of this process) at the total limit or another limit.

    Limits: the total time, the kernel's memory, the worker's memory (the
    outputs it holds) and the size of the files written in ``folder``.
    """

    def __init__(self, total_timeout: float, memory_limit_mib: float, folder: Path | None = None):
        super().__init__(daemon=True)
        import psutil

        self.folder = folder
        self.total_timeout = total_timeout
        self.memory_limit = memory_limit_mib * 2**20
        self.me = psutil.Process()
        self.start_rss = self.me.memory_info().rss
        self.stopped = threading.Event()
        self.status: str | None = None
        self.message = ""

    def run(self) -> None:
        import psutil

        deadline = time.monotonic() + self.total_timeout
        ticks = 0
        while not self.stopped.wait(0.25):
            ticks += 1
            if time.monotonic() > deadline:
                self._fire(
                    "time-limit",
                    f"The notebook ran longer than the total limit of "
                    f"{self.total_timeout:g} s and was stopped.",
                )
                return
            try:
                kernel_rss = sum(p.memory_info().rss for p in self.me.children(recursive=True))
                grown = self.me.memory_info().rss - self.start_rss
            except psutil.Error:
                continue
            if kernel_rss > self.memory_limit:
                self._fire(
                    "memory-limit",
                    f"The notebook used more than "
                    f"{self.memory_limit / 2**20:.0f} MiB of memory and was stopped.",
                )
                return
            if grown > OUTPUT_MEMORY_LIMIT_MIB * 2**20:
                self._fire(
                    "output-limit",
                    f"The notebook printed more output than the grader "
                    f"keeps (over {OUTPUT_MEMORY_LIMIT_MIB} MiB) and was stopped.",
                )
                return
            if (
                self.folder is not None
                and ticks % 4 == 0
                and _folder_exceeds(self.folder, DISK_LIMIT_MIB * 2**20)
            ):
                self._fire(
                    "disk-limit",
                    f"The notebook wrote more than {DISK_LIMIT_MIB} MiB of files and was stopped.",
                )
                return

    def _fire(self, status: str, message: str) -> None:
        self.status, self.message = status, message
        _kill_tree()

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def _folder_exceeds(folder: Path, limit: int, max_entries: int = 20_000) -> bool:
    """Whether the files under ``folder`` hold more than ``limit`` bytes (or too many entries)."""
    total, entries = 0, 0
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as scan:
                for entry in scan:
                    entries += 1
                    if entries > max_entries:
                        return True
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            total += entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        continue
                    if total > limit:
                        return True
        except OSError:
            continue
    return False


def _cell_report(cell: dict) -> dict:
    text, errors = [], []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            text.append(output.get("text", ""))
        elif kind == "error":
            errors.append(
                {
                    "ename": str(output.get("ename", "Error")),
                    "evalue": _ANSI.sub("", str(output.get("evalue", ""))),
                }
            )
        elif kind in {"execute_result", "display_data"}:
            plain = output.get("data", {}).get("text/plain", "")
            text.append(("".join(plain) if isinstance(plain, list) else str(plain)) + "\n")
    joined = "".join(text)
    return {
        "executed": cell.get("execution_count") is not None,
        "error": errors[0] if errors else None,
        "output": _truncate(_ANSI.sub("", joined)),
        "output_chars": len(joined),
    }


def execute_sandboxed(
    notebook: dict,
    *,
    support_dir: str | None,
    timeout: float,
    total_timeout: float,
    kernel_name: str | None,
    memory_limit_mib: float = DEFAULT_MEMORY_LIMIT_MIB,
    env: dict[str, str] | None = None,
    tmp_root: str | None = None,
) -> dict:
    """Execute ``notebook`` in a fresh kernel in a temporary folder; report cell by cell.

    Run it in a process of its own (the grading worker): the watchdog kills
    every child process of the caller when the total limit or the memory limit
    is reached. The temporary folder holds a copy of ``support_dir`` without
    its notebooks and is deleted afterwards. Returns ``status`` (``ok`` or why
    execution stopped), ``message``, ``execute_seconds`` and one small report
    per cell (ran or not, first error, the end of its output).
    """
    import nbformat

    from course_utils.instructor.execute import execute_notebook

    tmp = Path(tempfile.mkdtemp(prefix="course-grade-", dir=tmp_root))
    executed, status, message, wall = None, "ok", "", 0.0
    try:
        work = tmp / "work"
        if support_dir and Path(support_dir).is_dir():
            shutil.copytree(
                support_dir, work, ignore=shutil.ignore_patterns("*.ipynb", ".*", "__pycache__")
            )
        else:
            work.mkdir()
        (tmp / "tmp").mkdir()
        node = nbformat.from_dict(notebook)
        watchdog = _Watchdog(total_timeout, memory_limit_mib, tmp)
        watchdog.start()
        start = time.perf_counter()
        try:
            result = execute_notebook(
                node,
                cwd=work,
                kernel_name=kernel_name,
                timeout=int(max(1, round(timeout))),
                allow_errors=True,
                extra_env={**(env or {}), "TMPDIR": str(tmp / "tmp")},
                normalise=False,
            )
            executed, error = result.notebook, result.error
        except Exception as exc:  # the kernel did not start, or was killed while starting
            error = f"{type(exc).__name__}: {exc}"
        finally:
            wall = time.perf_counter() - start
            watchdog.stop()
            _kill_tree()  # whatever the kernel left behind
        if watchdog.status:
            status, message = watchdog.status, watchdog.message
        elif error and error.startswith("CellTimeoutError"):
            status = "timeout"
            message = (
                f"A cell ran longer than the limit of {timeout:g} s per cell and was stopped."
            )
        elif error and error.startswith("DeadKernelError"):
            status = "kernel-died"
            message = (
                "The kernel died (the code exited Python, crashed, or was killed) and "
                "the notebook stopped."
            )
        elif error:
            status = "kernel-died" if executed is None else "grader-error"
            message = "The notebook could not run: " + _ANSI.sub("", error).splitlines()[0][:200]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cells = [
        _cell_report(c) if c.get("cell_type") == "code" else None
        for c in (executed.cells if executed is not None else [])
    ]
    return {
        "status": status,
        "message": message,
        "execute_seconds": round(wall, 3),
        "cells": cells,
        "executed": executed is not None,
    }


def thread_limits(jobs: int) -> dict[str, str]:
    """Environment that shares the CPUs between ``jobs`` parallel kernels (BLAS, OpenMP).

    Empty for one job. TensorFlow's own thread pools are left alone: their size
    can change the last digits of a training run.
    """
    if jobs <= 1:
        return {}
    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    return {
        name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }


def _become_subreaper() -> None:
    """On Linux, adopt the orphans of the kernels, so that the clean-up after each
    notebook also kills processes a submission started and left behind."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _worker_main() -> None:
    """A grading worker: one JSON job per line in, one JSON result per line out.

    The protocol uses private copies of stdin and stdout; file descriptors 0
    and 1, which the kernels inherit, point to the null device so that nothing
    a submission prints at the OS level can mix with the results.
    """
    proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    # The kernels inherit file descriptor 2 too: point it to the null device so that
    # a submission writing to it at the OS level cannot fill the disk; the worker's
    # own messages still reach its log file.
    log = os.dup(2)
    os.dup2(null, 2)
    sys.stderr = os.fdopen(log, "w", encoding="utf-8", buffering=1)
    # jsonschema (imported by nbformat) builds an IRI grammar at import time when
    # rfc3987_syntax is installed: about 4 s of a 4.7 s start on a busy 2-core
    # machine. nbformat's schema checks no IRI format, so the worker goes without.
    sys.modules.setdefault("rfc3987_syntax", None)
    _become_subreaper()
    import nbclient  # noqa: F401  (import once, before the first job)
    import psutil  # noqa: F401

    from course_utils.instructor.execute import course_kernel_name

    default_kernel = course_kernel_name()
    proto_out.write(json.dumps({"ready": True}) + "\n")
    proto_out.flush()
    for line in proto_in:
        if not line.strip():
            continue
        try:
            job = json.loads(line)
            result = execute_sandboxed(
                job["notebook"],
                support_dir=job.get("support_dir"),
                timeout=job["timeout"],
                total_timeout=job["total_timeout"],
                kernel_name=job.get("kernel") or default_kernel,
                memory_limit_mib=job.get("memory_limit_mib", DEFAULT_MEMORY_LIMIT_MIB),
                env=job.get("env"),
                tmp_root=job.get("tmp_root"),
            )
        except Exception as exc:  # pragma: no cover - a bug in the grader, reported per job
            result = {
                "status": "grader-error",
                "message": f"{type(exc).__name__}: {exc}",
                "execute_seconds": 0.0,
                "cells": [],
                "executed": False,
            }
        proto_out.write(json.dumps(result) + "\n")
        proto_out.flush()


class _Worker:
    """One grading worker process, restarted when it dies or hangs."""

    def __init__(self, log_path: Path | None):
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.ready = False

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        code = "from course_utils.instructor.grade import _worker_main; _worker_main()"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            start_new_session=True,
        )
        self.ready = False
        if log is not subprocess.DEVNULL:
            log.close()

    def wait_ready(self, timeout: float = 300) -> bool:
        return self._read(timeout) is not None

    def _read(self, timeout: float) -> dict | None:
        assert self.proc is not None
        timer = threading.Timer(timeout, self.kill)
        timer.start()
        try:
            line = self.proc.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            self.kill()
            return None
        return json.loads(line)

    def run(self, job: dict) -> dict:
        self.start()
        if not self.ready:
            if not self.wait_ready():
                return _worker_failure(f"The grading worker could not start; see {self.log_path}.")
            self.ready = True
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            return _worker_failure("The grading worker stopped unexpectedly.")
        result = self._read(job["total_timeout"] + WORKER_GRACE_SECONDS)
        if result is None:
            return _worker_failure("The grading worker stopped answering and was restarted.")
        return result

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            _kill_tree(self.proc.pid, include_self=True)
        if self.proc is not None:
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


def _worker_failure(message: str) -> dict:
    return {
        "status": "grader-error",
        "message": message,
        "execute_seconds": 0.0,
        "cells": [],
        "executed": False,
    }


# --------------------------------------------------------------------------- scoring


def _fmt_points(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if float(value) != int(value) else str(int(value))


def _error_text(error: dict) -> str:
    evalue = error["evalue"].strip().splitlines()
    first = evalue[0] if evalue else ""
    text = f"{error['ename']}: {first}" if first else error["ename"]
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 3] + "..."


def _describe_cell(assembled: Assembled, index: int, *, lower: bool = False) -> str:
    """How the feedback names a cell: by grade_id, or by its first line of code."""
    if index in assembled.answer_cells:
        text = f"Your answer cell `{assembled.answer_cells[index]}`"
    elif index in assembled.test_cells.values():
        grade_id = next(g for g, i in assembled.test_cells.items() if i == index)
        text = f"The test cell `{grade_id}`"
    else:
        lines = [ln.strip() for ln in assembled.notebook["cells"][index]["source"].splitlines()]
        first = next((ln for ln in lines if ln and not ln.startswith("#")), "")
        first = first if len(first) <= 60 else first[:57] + "..."
        text = f"The cell starting `{first}`" if first else f"Cell {index + 1}"
    return text[0].lower() + text[1:] if lower else text


def score(exercise: Exercise, assembled: Assembled, execution: dict) -> dict:
    """Points per test from an execution report: a test earns its points if it ran cleanly."""
    cells = execution.get("cells") or []
    stopped = execution["status"] != "ok"
    stop_index = None
    if stopped:
        # Cells run in order and a cell gets its execution count when it starts.
        # If the last cell that started is a marker, the cell before it finished
        # and the notebook stopped in the next cell, before its start was reported.
        nb_cells = assembled.notebook["cells"]
        started = [i for i, report in enumerate(cells) if report and report["executed"]]
        last = started[-1] if started else -1
        if last >= 0 and not _is_marker(nb_cells[last]):
            stop_index = last
        else:
            stop_index = next(
                (
                    i
                    for i in range(last + 1, len(nb_cells))
                    if nb_cells[i]["cell_type"] == "code"
                    and nb_cells[i]["source"].strip()
                    and not _is_marker(nb_cells[i])
                ),
                None,
            )
    rows = []
    for sol in exercise.tests:
        index = assembled.test_cells[sol.grade_id]
        report = cells[index] if index < len(cells) else None
        row = {
            "grade_id": sol.grade_id,
            "max_points": sol.points,
            "points": 0.0,
            "output": report["output"] if report else "",
        }
        if not sol.source.strip():  # an empty test cell cannot fail
            row.update(status="passed", message="", points=sol.points)
        elif stopped and index == stop_index:
            row.update(status=execution["status"], message=execution["message"])
        elif report and report["error"]:
            row.update(status="failed", message=_error_text(report["error"]))
        elif report and report["executed"]:
            row.update(status="passed", message="", points=sol.points)
        elif stopped and stop_index is not None and execution["executed"]:
            where = _describe_cell(assembled, stop_index, lower=True)
            row.update(
                status="not-run",
                message=f"Not run: the notebook stopped earlier, in {where}. "
                + execution["message"],
            )
        else:
            row.update(status="not-run", message="Not run: " + execution["message"])
        rows.append(row)
    for sol in exercise.manual:
        rows.append(
            {
                "grade_id": sol.grade_id,
                "max_points": sol.points,
                "points": None,
                "status": "manual",
                "message": "Graded by hand.",
                "output": "",
            }
        )

    notes = list(assembled.notes)
    errors = []
    tests = set(assembled.test_cells.values())
    for index, report in enumerate(cells):
        if report is None:
            continue
        where = _describe_cell(assembled, index)
        if report["error"] and index not in tests and index != stop_index:
            errors.append(f"{where} raised {_error_text(report['error'])}.")
        if report["output_chars"] > FLOOD_NOTE_CHARS:
            notes.append(
                f"{where} printed {report['output_chars']:,} characters of output; the "
                f"feedback keeps at most the last {OUTPUT_EXCERPT_CHARS:,} of a cell."
            )
    message = execution["message"]
    if stopped and stop_index is not None and execution["executed"]:
        message += f" It stopped in {_describe_cell(assembled, stop_index, lower=True)}."
    points = sum(r["points"] or 0.0 for r in rows if r["status"] != "manual")
    return {
        "status": execution["status"],
        "message": message,
        "rows": rows,
        "points": points,
        "max_points": exercise.max_points,
        "manual_max_points": exercise.manual_max_points,
        "notes": notes,
        "cell_errors": errors[:10],
        "execute_seconds": execution.get("execute_seconds", 0.0),
    }


def _unreadable_result(exercise: Exercise | None, status: str, message: str) -> dict:
    rows = []
    if exercise is None:
        rows.append(
            {
                "grade_id": "",
                "points": 0.0,
                "max_points": 0.0,
                "status": status,
                "message": message,
                "output": "",
            }
        )
    else:
        for sol in exercise.tests:
            rows.append(
                {
                    "grade_id": sol.grade_id,
                    "points": 0.0,
                    "max_points": sol.points,
                    "status": status,
                    "message": message,
                    "output": "",
                }
            )
        for sol in exercise.manual:
            rows.append(
                {
                    "grade_id": sol.grade_id,
                    "points": None,
                    "max_points": sol.points,
                    "status": "manual",
                    "message": "Graded by hand.",
                    "output": "",
                }
            )
    return {
        "status": status,
        "message": message,
        "rows": rows,
        "points": 0.0,
        "max_points": exercise.max_points if exercise else 0.0,
        "manual_max_points": exercise.manual_max_points if exercise else 0.0,
        "notes": [],
        "cell_errors": [],
        "execute_seconds": 0.0,
    }


# --------------------------------------------------------------------------- writing


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; keep the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def _percentage(points: float, max_points: float) -> float | None:
    return round(100.0 * points / max_points, 1) if max_points else None


def feedback_markdown(record: dict) -> str:
    """The learner's feedback as Markdown: each test, its points and message, the total."""
    total = _percentage(record["points"], record["max_points"])
    lines = [
        f"# Feedback: {record['exercise']}",
        "",
        f"Learner: **{record['learner']}**",
        "",
        f"**Score: {_fmt_points(record['points'])} / {_fmt_points(record['max_points'])} "
        f"points" + (f" ({total:.1f}%)" if total is not None else "") + "**",
        "",
    ]
    if record["status"] != "ok":
        lines += [f"Status: **{record['status']}**. {record['message']}", ""]
    tests = [r for r in record["rows"] if r["grade_id"] and r["status"] != "manual"]
    if tests:
        lines += ["| Test | Result | Points | Message |", "|---|---|---:|---|"]
        for row in tests:
            message = row["message"].replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| `{row['grade_id']}` | {row['status']} | "
                f"{_fmt_points(row['points'])} / {_fmt_points(row['max_points'])} | "
                f"{message} |"
            )
        lines.append("")
    manual = [r for r in record["rows"] if r["status"] == "manual"]
    if manual:
        lines += [
            "Graded by hand (not included in the score above): "
            + ", ".join(
                f"`{r['grade_id']}` ({_fmt_points(r['max_points'])} points)" for r in manual
            )
            + ".",
            "",
        ]
    if record["notes"]:
        lines += ["## Notes", ""] + [f"- {note}" for note in record["notes"]] + [""]
    if record["cell_errors"]:
        lines += ["## Errors in your cells", ""]
        lines += [f"- {err}" for err in record["cell_errors"]] + [""]
    failing = [r for r in tests if r["status"] != "passed" and r.get("output", "").strip()]
    if failing:
        lines += ["## Output of the failed tests", ""]
        for row in failing:
            lines += [f"`{row['grade_id']}`:", "", "```text", row["output"].rstrip(), "```", ""]
    return "\n".join(lines)


def feedback_html(record: dict) -> str:
    """The same feedback as a standalone HTML page."""
    esc = html.escape
    total = _percentage(record["points"], record["max_points"])
    score_text = (
        f"{_fmt_points(record['points'])} / {_fmt_points(record['max_points'])} points"
        + (f" ({total:.1f}%)" if total is not None else "")
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback: {esc(record['exercise'])} ({esc(record['learner'])})</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;"
        "text-align:left;vertical-align:top}.passed{color:#1a7f37}"
        + ",".join(f".{status}" for status in sorted(FAILING_STATUSES))
        + "{color:#cf222e}"
        "pre{background:#f6f8fa;padding:.6em;overflow-x:auto}</style></head><body>",
        f"<h1>Feedback: {esc(record['exercise'])}</h1>",
        f"<p>Learner: <strong>{esc(record['learner'])}</strong></p>",
        f"<p><strong>Score: {esc(score_text)}</strong></p>",
    ]
    if record["status"] != "ok":
        parts.append(
            f"<p>Status: <strong>{esc(record['status'])}</strong>. {esc(record['message'])}</p>"
        )
    tests = [r for r in record["rows"] if r["grade_id"] and r["status"] != "manual"]
    if tests:
        parts.append("<table><tr><th>Test</th><th>Result</th><th>Points</th><th>Message</th></tr>")
        for row in tests:
            parts.append(
                f"<tr><td><code>{esc(row['grade_id'])}</code></td>"
                f'<td class="{esc(row["status"])}">{esc(row["status"])}</td>'
                f"<td>{_fmt_points(row['points'])} / {_fmt_points(row['max_points'])}</td>"
                f"<td>{esc(row['message'])}</td></tr>"
            )
        parts.append("</table>")
    manual = [r for r in record["rows"] if r["status"] == "manual"]
    if manual:
        parts.append(
            "<p>Graded by hand (not included in the score above): "
            + ", ".join(
                f"<code>{esc(r['grade_id'])}</code> ({_fmt_points(r['max_points'])} points)"
                for r in manual
            )
            + ".</p>"
        )
    for title, items in (
        ("Notes", record["notes"]),
        ("Errors in your cells", record["cell_errors"]),
    ):
        if items:
            parts.append(f"<h2>{title}</h2><ul>")
            parts += [f"<li>{esc(item)}</li>" for item in items]
            parts.append("</ul>")
    failing = [r for r in tests if r["status"] != "passed" and r.get("output", "").strip()]
    if failing:
        parts.append("<h2>Output of the failed tests</h2>")
        for row in failing:
            parts.append(
                f"<p><code>{esc(row['grade_id'])}</code>:</p>"
                f"<pre>{esc(row['output'].rstrip())}</pre>"
            )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- the batch


@dataclass
class Item:
    """One (learner, exercise) pair of the batch."""

    learner: str
    exercise: str
    path: Path | None
    key: str = ""
    record: dict | None = None
    submission: Submission | None = None
    assembled: Assembled | None = None
    solution_digest: str = ""
    misnamed: str = ""  # a file of the learner whose name looks like this exercise


@dataclass
class GradeRun:
    """What :func:`grade_submissions` did."""

    records: list[dict]
    graded: int
    skipped: int
    out: Path
    warnings: list[str]

    @property
    def grader_errors(self) -> int:
        return sum(r["status"] == "grader-error" for r in self.records)


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("__")


def _closest_exercise(stem: str, names: list[str]) -> list[str]:
    """The exercise a misnamed file probably is: same number (ex4 = ex04), else similar name."""
    number = re.match(r"(?i)ex[_ -]?0*(\d+)", stem)
    if number:
        same = [n for n in names if re.match(rf"ex0*{number.group(1)}(_|$)", n)]
        if len(same) == 1:
            return same
    return difflib.get_close_matches(stem, names, n=1, cutoff=0.6)


def discover(
    submissions: Path, exercises: dict[str, Exercise], selected: list[str], out: Path
) -> tuple[list[Item], list[str]]:
    """Every learner folder crossed with the exercises, plus files with unknown names."""
    items, warnings = [], []
    lower = {name.lower(): name for name in exercises}
    out_resolved = out.resolve()
    for entry in sorted(submissions.iterdir(), key=lambda p: p.name):
        if _is_hidden(entry.name):
            continue
        if entry.is_file():
            if entry.suffix == ".ipynb":
                warnings.append(
                    f"{entry}: not in a learner folder, ignored (put each learner's "
                    "notebooks in a folder named after the learner)."
                )
            continue
        if not entry.is_dir() or entry.resolve() == out_resolved:
            continue
        found: dict[str, Path] = {}
        misnamed: dict[str, str] = {}  # exercise -> the file that looks like it
        for nb_path in sorted(entry.glob("*.ipynb")):
            if _is_hidden(nb_path.name):
                continue
            name = lower.get(nb_path.stem.lower())
            if name is None:
                close = _closest_exercise(nb_path.stem, list(exercises))
                hint = (
                    f"; did you mean {close[0]}.ipynb? Rename the file."
                    if close
                    else "; expected one of: " + ", ".join(f"{n}.ipynb" for n in exercises) + "."
                )
                item = Item(entry.name, nb_path.stem, nb_path)
                item.record = _unreadable_result(
                    None, "unknown-exercise", f"No exercise is named {nb_path.stem}{hint}"
                )
                items.append(item)
                if close:
                    misnamed.setdefault(close[0], nb_path.name)
                continue
            if name in found:
                warnings.append(f"{nb_path}: a second file for {name}, ignored.")
                continue
            found[name] = nb_path
        for name in selected:
            item = Item(entry.name, name, found.get(name))
            item.misnamed = misnamed.get(name, "") if item.path is None else ""
            items.append(item)
    return items, warnings


def _item_key(item: Item, exercise: Exercise, settings: dict) -> str:
    item.solution_digest = exercise.digest
    blob = json.dumps(
        {
            "submission": item.submission.digest,
            "solution": exercise.digest,
            "grader": GRADER_VERSION,
            **settings,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _state_path(out: Path, learner: str, exercise: str) -> Path:
    return out / ".state" / learner / f"{exercise}.json"


def _feedback_base(out: Path, learner: str, exercise: str) -> Path:
    return out / "feedback" / learner / exercise


class _Progress:
    """A plain-text progress bar on stderr (one line per submission when not a terminal)."""

    def __init__(self, total: int, *, quiet: bool = False, stream=None):
        self.total, self.done, self.quiet = total, 0, quiet
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()

    def update(self, label: str, verdict: str) -> None:
        self.done += 1
        if self.quiet:
            return
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.start
        line = f"[{bar}] {self.done}/{self.total} {elapsed:5.0f} s  {label}: {verdict}"
        if self.tty:
            self.stream.write("\r\x1b[K" + line[:160])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _verdict(record: dict) -> str:
    pct = _percentage(record["points"], record["max_points"])
    score_text = f"{_fmt_points(record['points'])}/{_fmt_points(record['max_points'])}" + (
        f" ({pct:.0f}%)" if pct is not None else ""
    )
    return score_text if record["status"] == "ok" else f"{score_text} {record['status']}"


def _finish(item: Item, result: dict, out: Path, *, write_state: bool) -> dict:
    record = {
        "learner": item.learner,
        "exercise": item.exercise,
        "key": item.key,
        "submission_digest": item.submission.digest if item.submission else "",
        "solution_digest": item.solution_digest,
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **result,
    }
    started = time.perf_counter()
    base = _feedback_base(out, item.learner, item.exercise)
    _atomic_write(base.with_suffix(".md"), feedback_markdown(record))
    _atomic_write(base.with_suffix(".html"), feedback_html(record))
    if "grading_seconds" in record:  # the time spent writing counts as grading time
        record["grading_seconds"] = round(
            record["grading_seconds"] + time.perf_counter() - started, 3
        )
    if write_state:  # last: a record only exists once its feedback does
        _atomic_write(
            _state_path(out, item.learner, item.exercise), json.dumps(record, indent=1) + "\n"
        )
    return record


def _load_state(out: Path, item: Item, *, same_limits: bool = True) -> dict | None:
    """The stored result of ``item`` if it is still valid, else None.

    Valid means: same key (submission, solution, limits, kernel, grader version)
    or, with ``same_limits=False`` (exercises outside ``--only``), at least the
    same submission and solution.
    """
    path = _state_path(out, item.learner, item.exercise)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    base = _feedback_base(out, item.learner, item.exercise)
    same = record.get("key") == item.key or (
        not same_limits
        and record.get("submission_digest") == item.submission.digest
        and record.get("solution_digest") == item.solution_digest
    )
    if (
        not same
        or not base.with_suffix(".md").is_file()
        or not base.with_suffix(".html").is_file()
    ):
        return None
    return record


def grade_submissions(
    submissions: str | os.PathLike,
    *,
    solutions: str | os.PathLike = "solutions",
    out: str | os.PathLike = "grades",
    jobs: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
    force: bool = False,
    only: list[str] | None = None,
    kernel_name: str | None = None,
    memory_limit_mib: float = DEFAULT_MEMORY_LIMIT_MIB,
    quiet: bool = False,
) -> GradeRun:
    """Grade every learner folder of ``submissions``; write the CSVs and feedback to ``out``.

    Raises ``ValueError`` for a problem with the command itself (no such
    folder, no solutions, an unknown ``--only`` name); problems with single
    submissions never raise, they become rows.
    """
    submissions, solutions, out = Path(submissions), Path(solutions), Path(out)
    if not submissions.is_dir():
        raise ValueError(f"The submissions folder {submissions} does not exist.")
    if not solutions.is_dir():
        raise ValueError(f"The solutions folder {solutions} does not exist.")
    if jobs < 1:
        raise ValueError("--jobs must be at least 1.")
    if timeout <= 0 or total_timeout <= 0:
        raise ValueError("The time limits must be positive numbers of seconds.")
    exercises = load_exercises(solutions)
    if not exercises:
        raise ValueError(f"The solutions folder {solutions} holds no notebooks.")
    selected = list(exercises)
    if only:
        selected = []
        for name in only:
            stem = Path(name).stem
            matches = [e for e in exercises if e == stem or e.split("_")[0] == stem]
            if not matches:
                raise ValueError(
                    f"--only {name}: no such exercise; the solutions are "
                    + ", ".join(exercises)
                    + "."
                )
            selected += [m for m in matches if m not in selected]
    items, warnings = discover(submissions, exercises, list(exercises), out)
    settings = {
        "timeout": timeout,
        "total_timeout": total_timeout,
        "memory_limit_mib": memory_limit_mib,
        "kernel": kernel_name or "",
    }

    records: dict[tuple[str, str], dict] = {}
    immediate: list[Item] = []  # rows without execution: unknown, missing, unreadable
    to_run: list[Item] = []
    skipped = 0
    for item in items:
        exercise = exercises.get(item.exercise)
        if exercise is None:  # a file named after no exercise
            if not only:
                immediate.append(item)
            continue
        if item.path is None:
            item.record = _unreadable_result(
                exercise,
                "missing",
                f"No {item.exercise}.ipynb was handed in (expected "
                f"{submissions.name}/{item.learner}/{item.exercise}.ipynb)."
                + (
                    f" {item.misnamed} looks like it: rename it and grade again."
                    if item.misnamed
                    else ""
                ),
            )
        else:
            item.submission = read_submission(item.path)
            if item.submission.status != "ok":
                item.record = _unreadable_result(
                    exercise, item.submission.status, item.submission.message
                )
        if item.exercise not in selected:
            # Not graded in this run; its result still counts if it is up to date.
            if item.record is None:
                item.key = _item_key(item, exercise, settings)
                cached = _load_state(out, item, same_limits=False)
                if cached is not None:
                    records[(item.learner, item.exercise)] = cached
            continue
        if item.record is not None:
            immediate.append(item)
            continue
        item.key = _item_key(item, exercise, settings)
        cached = None if force else _load_state(out, item)
        if cached is not None:
            records[(item.learner, item.exercise)] = cached
            skipped += 1
            continue
        item.assembled = assemble_notebook(item.submission.notebook, exercise)
        to_run.append(item)

    progress = _Progress(len(immediate) + len(to_run), quiet=quiet)
    for item in immediate:
        record = _finish(item, item.record, out, write_state=False)
        records[(item.learner, item.exercise)] = record
        progress.update(f"{item.learner}/{item.exercise}", _verdict(record))

    if to_run:
        log_dir = out / ".state"
        log_dir.mkdir(parents=True, exist_ok=True)
        for old_log in log_dir.glob("worker-*.log"):
            old_log.unlink()
        kernel_env = thread_limits(jobs)
        # Every sandbox of this run lives under one folder that the run deletes at
        # the end, even when a worker was killed before cleaning up after itself.
        run_tmp = tempfile.mkdtemp(prefix="course-grade-run-")
        pending: queue.Queue = queue.Queue()
        for item in to_run:
            pending.put(item)
        done: queue.Queue = queue.Queue()
        workers = [_Worker(log_dir / f"worker-{n}.log") for n in range(min(jobs, len(to_run)))]
        stop = threading.Event()

        def drive(worker: _Worker) -> None:
            try:
                try:
                    worker.start()  # start early; run() retries and reports a failure
                except OSError:
                    pass
                while not stop.is_set():
                    try:
                        item = pending.get_nowait()
                    except queue.Empty:
                        return
                    exercise = exercises[item.exercise]
                    job = {
                        "notebook": item.assembled.notebook,
                        "timeout": timeout,
                        "total_timeout": total_timeout,
                        "kernel": kernel_name,
                        "support_dir": str(solutions),
                        "memory_limit_mib": memory_limit_mib,
                        "env": kernel_env,
                        "tmp_root": run_tmp,
                    }
                    started = time.perf_counter()
                    try:
                        execution = worker.run(job)
                        result = score(exercise, item.assembled, execution)
                    except Exception as exc:  # pragma: no cover - a bug in the grader
                        result = _unreadable_result(
                            exercise, "grader-error", f"{type(exc).__name__}: {exc}"
                        )
                    result["grading_seconds"] = round(time.perf_counter() - started, 3)
                    done.put((item, result))
            finally:
                worker.close()

        threads = [threading.Thread(target=drive, args=(w,), daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        try:
            for _ in range(len(to_run)):
                item, result = done.get()
                record = _finish(item, result, out, write_state=result["status"] != "grader-error")
                records[(item.learner, item.exercise)] = record
                progress.update(f"{item.learner}/{item.exercise}", _verdict(record))
            for thread in threads:
                thread.join()
        except BaseException:  # Ctrl-C or a failure to write: stop the workers, keep results
            stop.set()
            for worker in workers:
                worker.kill()
            _write_tables(out, records)
            raise
        finally:
            shutil.rmtree(run_tmp, ignore_errors=True)

    ordered = [records[k] for k in sorted(records)]
    _write_tables(out, records)
    return GradeRun(ordered, len(to_run), skipped, out, warnings)


def _write_tables(out: Path, records: dict) -> None:
    ordered = [records[k] for k in sorted(records)]
    grade_rows = []
    for record in ordered:
        for row in record["rows"]:
            grade_rows.append(
                {
                    "learner": record["learner"],
                    "exercise": record["exercise"],
                    "grade_id": row["grade_id"],
                    "points": _fmt_points(row["points"]),
                    "max_points": _fmt_points(row["max_points"]),
                    "status": row["status"],
                    "message": row["message"],
                }
            )
    _atomic_write(out / "grades.csv", _csv_text(GRADES_COLUMNS, grade_rows))
    _atomic_write(out / "summary.csv", _csv_text(SUMMARY_COLUMNS, summary_rows(ordered)))


def summary_rows(records: list[dict]) -> list[dict]:
    """Per learner and exercise totals, then one ``(average)`` row per exercise."""
    rows, by_exercise = [], {}
    for record in records:
        if record["status"] == "unknown-exercise":
            pct = None
        else:
            pct = _percentage(record["points"], record["max_points"])
            by_exercise.setdefault(record["exercise"], []).append(record)
        rows.append(
            {
                "learner": record["learner"],
                "exercise": record["exercise"],
                "points": _fmt_points(record["points"]),
                "max_points": _fmt_points(record["max_points"]),
                "percentage": "" if pct is None else f"{pct:.1f}",
                "manual_max_points": _fmt_points(record.get("manual_max_points", 0.0)),
                "status": record["status"],
                "message": record["message"],
            }
        )
    for exercise, group in sorted(by_exercise.items()):
        mean_points = sum(r["points"] for r in group) / len(group)
        max_points = group[0]["max_points"]
        pct = _percentage(mean_points, max_points)
        rows.append(
            {
                "learner": AVERAGE_LEARNER,
                "exercise": exercise,
                "points": f"{mean_points:.2f}",
                "max_points": _fmt_points(max_points),
                "percentage": "" if pct is None else f"{pct:.1f}",
                "manual_max_points": _fmt_points(group[0].get("manual_max_points", 0.0)),
                "status": "",
                "message": f"average over {len(group)} learners",
            }
        )
    return rows


def summary_table(records: list[dict]) -> str:
    """Learners by exercises, in percent, with an average row: the console summary."""
    exercises = sorted({r["exercise"] for r in records if r["status"] != "unknown-exercise"})
    learners = sorted({r["learner"] for r in records})
    if not exercises:
        return "No submissions graded."
    cell = {(r["learner"], r["exercise"]): r for r in records}
    short = [e.split("_")[0] for e in exercises]
    width = max([len(AVERAGE_LEARNER)] + [len(name) for name in learners]) + 2
    lines = ["".ljust(width) + "".join(s.rjust(10) for s in short) + "total".rjust(10)]

    def fmt(record: dict | None) -> str:
        if record is None:
            return ""
        pct = _percentage(record["points"], record["max_points"])
        text = "-" if pct is None else f"{pct:.0f}%"
        return text if record["status"] == "ok" else f"{text}*"

    for learner in learners:
        mine = [cell.get((learner, e)) for e in exercises]
        got = sum(r["points"] for r in mine if r)
        possible = sum(r["max_points"] for r in mine if r)
        pct = _percentage(got, possible)
        lines.append(
            learner.ljust(width)
            + "".join(fmt(r).rjust(10) for r in mine)
            + ("" if pct is None else f"{pct:.0f}%").rjust(10)
        )
    averages = []
    for exercise in exercises:
        group = [r for r in records if r["exercise"] == exercise]
        pct = _percentage(sum(r["points"] for r in group), sum(r["max_points"] for r in group))
        averages.append("" if pct is None else f"{pct:.0f}%")
    lines.append(AVERAGE_LEARNER.ljust(width) + "".join(a.rjust(10) for a in averages))
    flagged = sorted({r["status"] for r in records if r["status"] != "ok"})
    if flagged:
        lines.append(
            "* not graded normally: "
            + ", ".join(f"{s} ({sum(r['status'] == s for r in records)})" for s in flagged)
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The ``course-grade`` command. Returns 0, 1 when the grader itself failed, 2 on bad usage."""
    parser = argparse.ArgumentParser(
        prog="course-grade",
        description="Grade learners' exercise notebooks against the solutions: restore the "
        "tests, run each notebook in a fresh kernel, write grades and feedback.",
        epilog="SUBMISSIONS holds one folder per learner with the learner's notebooks under "
        "their exercise file names, e.g. SUBMISSIONS/alice/ex04_lasso_from_scratch.ipynb. "
        "See docs/grading.md.",
    )
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    parser.add_argument(
        "--solutions",
        type=Path,
        default=Path("solutions"),
        help="folder of solution notebooks (default: solutions)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("grades"), help="output folder (default: grades)"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        help="notebooks graded in parallel, one kernel each (default: 1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"limit per cell in seconds (default: {DEFAULT_TIMEOUT})",
    )
    parser.add_argument(
        "--total-timeout",
        type=float,
        default=DEFAULT_TOTAL_TIMEOUT,
        help="limit per notebook in seconds, kernel start included "
        f"(default: {DEFAULT_TOTAL_TIMEOUT})",
    )
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=DEFAULT_MEMORY_LIMIT_MIB,
        help=f"memory limit per kernel in MiB (default: {DEFAULT_MEMORY_LIMIT_MIB})",
    )
    parser.add_argument(
        "--force", action="store_true", help="regrade submissions already graded and unchanged"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="EXERCISE",
        help="grade only this exercise (name or prefix like ex04; repeatable)",
    )
    parser.add_argument("--kernel", default=None, help="kernel name (default: the course kernel)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        run = grade_submissions(
            args.submissions,
            solutions=args.solutions,
            out=args.out,
            jobs=args.jobs,
            timeout=args.timeout,
            total_timeout=args.total_timeout,
            force=args.force,
            only=args.only,
            kernel_name=args.kernel,
            memory_limit_mib=args.memory_limit,
            quiet=args.quiet,
        )
    except ValueError as exc:
        print(f"course-grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "\ncourse-grade: interrupted; run the same command again to resume.", file=sys.stderr
        )
        return 130
    for warning in run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(summary_table(run.records))
    print(
        f"\n{run.graded} graded, {run.skipped} unchanged and skipped (use --force to "
        f"regrade). Results in {run.out}/grades.csv, {run.out}/summary.csv and "
        f"{run.out}/feedback/."
    )
    return 1 if run.grader_errors else 0


if __name__ == "__main__":
    sys.exit(main())
