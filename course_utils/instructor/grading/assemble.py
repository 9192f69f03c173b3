"""Stage 3: the notebook that runs, the solution's frame filled with the learner's answers.

Test, locked and task cells come from the solution (hidden tests included),
answer cells from the learner (matched by nbgrader ``grade_id``), cells the
learner added stay after the graded cell they followed. Every repair is a
note for the feedback. After each code cell comes a marker cell (``pass``):
the grader never runs it, it marks in the reports where each cell ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course_utils.instructor.grading.cellformat import (
    FormatError,
    cell_source,
    nbgrader_metadata,
    remove_hidden_tests,
    stub_source,
)
from course_utils.instructor.grading.solutions import Exercise

__all__ = [
    "Assembled",
    "MARKER_KEY",
    "MARKER_SOURCE",
    "assemble_notebook",
    "cell_roles",
    "is_marker",
]


def _without_hidden_tests(source: str) -> str:
    try:
        return remove_hidden_tests(source)
    except FormatError:
        return source


def _same_code(a: str, b: str) -> bool:
    def norm(text: str) -> list[str]:
        return [ln.strip() for ln in text.splitlines() if ln.strip()]

    return norm(a) == norm(b)


@dataclass
class Assembled:
    """The notebook that is executed, and where its graded cells are."""

    notebook: dict
    test_cells: dict[str, int]  # grade_id -> index in ``notebook``
    answer_cells: dict[int, str]  # index -> grade_id of learner answers
    notes: list[str]
    locked_cells: dict[int, str] = field(default_factory=dict)  # index -> grade_id, restored


MARKER_SOURCE = "pass  # course-grade: the cell above has finished"
MARKER_KEY = "course_grade_marker"


def is_marker(cell: dict) -> bool:
    """Whether ``cell`` is one of the grader's marker cells."""
    metadata = cell.get("metadata")
    return isinstance(metadata, dict) and bool(metadata.get(MARKER_KEY))


def _new_cell(cell_type: str, source: str, metadata: dict | None = None) -> dict:
    cell: dict = {"cell_type": cell_type, "metadata": dict(metadata or {}), "source": source}
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
        if not isinstance(cell_type, str) or cell_type not in {"code", "markdown", "raw"}:
            continue
        meta = nbgrader_metadata(raw)
        grade_id = meta.get("grade_id")
        grade_id = str(grade_id)[:200] if isinstance(grade_id, (str, int)) else None
        cell = {"cell_type": cell_type, "source": cell_source(raw)}
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
    locked_cells: dict[int, str] = {}

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
        mine = anchored.get(sol.gid)
        label = f"`{sol.grade_id}`"
        if sol.restored:
            index = add(sol.cell_type, sol.source, sol.metadata)
            if sol.kind == "test":
                test_cells[sol.gid] = index
            else:
                locked_cells[index] = sol.gid
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
                answer_cells[index] = sol.gid
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
    return Assembled(notebook, test_cells, answer_cells, notes, locked_cells)


def cell_roles(assembled: Assembled, exercise: Exercise) -> list[str]:
    """What runs each cell: ``learner`` (the kernel only), ``locked`` (the kernel, then the
    trusted side), ``test`` (the trusted side only), ``marker`` or ``skip`` (not code)."""
    locked_ids = {c.grade_id for c in exercise.cells if c.trusted and c.kind == "locked"}
    test_indices = set(assembled.test_cells.values())
    roles = []
    for index, cell in enumerate(assembled.notebook["cells"]):
        if cell["cell_type"] != "code":
            roles.append("skip")
        elif is_marker(cell):
            roles.append("marker")
        elif index in test_indices:
            roles.append("test")
        elif assembled.locked_cells.get(index) in locked_ids:
            roles.append("locked")
        else:
            roles.append("learner")
    return roles
