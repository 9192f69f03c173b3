"""Stage 1: the solution notebooks, read and classified by their nbgrader metadata.

Also checks that every trusted cell (locked and test cells, which the grader
runs outside the learner's kernel) can work that way:
:func:`trusted_cell_problems` lists what cannot, and ``make exercises``
(:mod:`course_utils.instructor.exercises`) refuses such a solution.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.instructor.grading.cellformat import (
    FormatError,
    Segment,
    cell_kind,
    cell_source,
    nbgrader_metadata,
    split_test_cell,
)

__all__ = [
    "SolutionCell",
    "Exercise",
    "load_exercise",
    "load_exercise_bytes",
    "load_exercises",
    "trusted_cell_problems",
]


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

    @property
    def trusted(self) -> bool:
        """Run by the trusted side: locked code cells and test cells."""
        return self.cell_type == "code" and self.kind in {"test", "locked"}

    @property
    def gid(self) -> str:
        """The ``grade_id`` (empty for a cell without nbgrader metadata)."""
        return self.grade_id or ""

    @property
    def has_hidden(self) -> bool:
        return self.kind == "test" and any(s.hidden for s in self.segments())

    def segments(self) -> list[Segment]:
        """The visible and hidden parts of a test cell (a locked cell is one visible part)."""
        if self.kind != "test":
            return [Segment(self.source, False, 1)] if self.source.strip() else []
        try:
            return split_test_cell(self.source, f"cell {self.grade_id}")
        except FormatError:
            return [Segment(self.source, True, 1)]


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


def load_exercise_bytes(raw: bytes, path: str | os.PathLike) -> Exercise:
    """A solution notebook from its bytes (``path`` names it in messages and gives its name)."""
    path = Path(path)
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"The solution {path} is not a valid notebook: {exc}.") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"The solution {path} is not a notebook: it has no list of cells.")
    cells, by_id = [], {}
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict):
            continue
        cell_type = cell.get("cell_type", "code")
        if not isinstance(cell_type, str):
            cell_type = "code"
        meta = nbgrader_metadata(cell)
        kind = cell_kind(meta, cell_type)
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
            index, kind, cell_type, cell_source(cell), dict(metadata or {}), grade_id, points
        )
        if grade_id is not None:
            if grade_id in by_id:
                raise ValueError(
                    f"Two cells of {path} have the grade_id {grade_id!r}; "
                    "each graded or locked cell needs its own."
                )
            by_id[grade_id] = solution_cell
        cells.append(solution_cell)
    metadata = nb["metadata"] if isinstance(nb.get("metadata"), dict) else {}
    return Exercise(path.stem, path, hashlib.sha256(raw).hexdigest(), metadata, cells, by_id)


def load_exercise(path: str | os.PathLike) -> Exercise:
    """Read a solution notebook and classify its cells by their nbgrader metadata.

    Raises ``ValueError`` with a readable sentence when the file is not a
    notebook or two cells share a ``grade_id``.
    """
    return load_exercise_bytes(Path(path).read_bytes(), path)


def load_exercises(solutions: Path) -> dict[str, Exercise]:
    """Every ``*.ipynb`` of the solutions folder, by exercise name (the file stem)."""
    return {
        p.stem: load_exercise(p) for p in sorted(Path(solutions).glob("*.ipynb")) if p.is_file()
    }


def _defined_names(source: str) -> set[str]:
    tree = ast.parse(source)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in sub.names)
    return names


def trusted_cell_problems(exercise: Exercise) -> list[str]:
    """Why a locked or test cell could not run on the trusted side (empty when all can).

    Each part of a test cell must be plain Python (no IPython magics) that
    compiles on its own, and every name a test reads must come from a locked
    cell, an earlier part of the same cell, an answer cell (the learner's
    function, reached through the bridge) or Python's builtins.
    """
    from course_utils.instructor.grading.trusted import free_names

    problems: list[str] = []
    trusted_names: set[str] = set()
    answer_names: set[str] = set()
    for cell in exercise.cells:
        if cell.cell_type != "code":
            continue
        label = f"{exercise.name}, cell {cell.grade_id or cell.index}"
        if cell.kind == "answer":
            try:
                answer_names |= _defined_names(cell.source)
            except SyntaxError:
                problems.append(f"{label}: the answer cell is not valid Python.")
            continue
        if not cell.trusted:
            continue
        if cell.kind == "test":
            try:
                split_test_cell(cell.source, label)
            except FormatError as exc:
                problems.append(f"{label}: {exc}")
                continue
        for segment in cell.segments():
            try:
                free = free_names(segment.source)
                defined = _defined_names(segment.source)
            except SyntaxError as exc:
                problems.append(
                    f"{label}: this part cannot run outside the learner's kernel on its own "
                    f"(not plain Python: {exc.msg}, "
                    f"line {(exc.lineno or 1) + segment.first_line - 1})."
                )
                continue
            unknown = sorted(free - trusted_names - answer_names)
            if cell.kind == "test" and unknown:
                problems.append(
                    f"{label}: the test reads {', '.join(unknown)}, defined neither in a "
                    "locked cell nor in an answer cell; the grader cannot give it to the test."
                )
            trusted_names |= defined
    return problems
