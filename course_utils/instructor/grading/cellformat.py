"""The nbgrader cell format, read one way by ``make exercises`` and by ``course-grade``.

Solution notebooks follow nbgrader's conventions: cell metadata ``nbgrader``
(schema version 3) and the markers ``### BEGIN SOLUTION`` / ``### END
SOLUTION`` and ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``. As in
nbgrader, a marker is recognised anywhere in a line (``BEGIN SOLUTION`` as a
substring), so ``#### BEGIN SOLUTION`` and an indented marker both count.

This module holds the markers, the metadata predicates, the stub an exercise
holds in place of a solution, and the splitting of a test cell into its
visible and hidden parts. It imports nothing heavy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BEGIN_SOLUTION",
    "END_SOLUTION",
    "BEGIN_HIDDEN_TESTS",
    "END_HIDDEN_TESTS",
    "CODE_STUB_COMMENT",
    "TEXT_STUB",
    "SCHEMA_VERSION",
    "FormatError",
    "Segment",
    "cell_source",
    "nbgrader_metadata",
    "is_solution_cell",
    "is_grade_cell",
    "is_locked_cell",
    "is_task_cell",
    "is_test_cell",
    "cell_kind",
    "solution_regions",
    "hidden_test_regions",
    "code_stub",
    "replace_solution_regions",
    "stub_source",
    "remove_hidden_tests",
    "split_test_cell",
]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "### END HIDDEN TESTS"
_BEGIN_SOLUTION_KEY = "BEGIN SOLUTION"
_END_SOLUTION_KEY = "END SOLUTION"
_BEGIN_HIDDEN_KEY = "BEGIN HIDDEN TESTS"
_END_HIDDEN_KEY = "END HIDDEN TESTS"
CODE_STUB_COMMENT = "# your code here"
TEXT_STUB = "YOUR ANSWER HERE"
SCHEMA_VERSION = 3
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(")


class FormatError(ValueError):
    """A cell breaks the nbgrader conventions (unbalanced or nested markers)."""


# --------------------------------------------------------------------------- metadata


def cell_source(cell: Mapping[str, Any]) -> str:
    """A cell's source as one string, whatever a hand-edited file holds there."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def nbgrader_metadata(cell: Mapping[str, Any]) -> dict:
    """The cell's ``nbgrader`` metadata (an empty dict for an ordinary or malformed cell)."""
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, Mapping) else None
    return dict(meta) if isinstance(meta, Mapping) else {}


def is_solution_cell(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader_metadata(cell).get("solution", False))


def is_grade_cell(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader_metadata(cell).get("grade", False))


def is_locked_cell(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader_metadata(cell).get("locked", False))


def is_task_cell(cell: Mapping[str, Any]) -> bool:
    return bool(nbgrader_metadata(cell).get("task", False))


def is_test_cell(cell: Mapping[str, Any]) -> bool:
    """A graded code cell that is not a solution: an autograder test."""
    return cell.get("cell_type") == "code" and is_grade_cell(cell) and not is_solution_cell(cell)


def cell_kind(meta: Mapping[str, Any], cell_type: str) -> str:
    """The role of a cell in grading, from its nbgrader metadata.

    ``test`` (autograded test), ``locked`` (read-only, restored from the
    solution), ``task`` (graded by hand, restored), ``answer`` (the learner's
    code), ``manual`` (the learner's answer, graded by hand) or ``free`` (no
    nbgrader metadata: the learner's own cell).
    """
    if not meta or not meta.get("grade_id"):
        return "free"
    if meta.get("task"):
        return "task"
    if meta.get("solution"):
        return "manual" if meta.get("grade") else "answer"
    if meta.get("grade"):
        return "test" if cell_type == "code" else "locked"
    return "locked" if meta.get("locked") else "free"


# ---------------------------------------------------------------------------- regions


def _regions(source: str, begin: str, end: str, what: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of each marked region, markers included."""
    regions: list[tuple[int, int]] = []
    start: int | None = None
    for number, line in enumerate(source.split("\n")):
        if begin in line:
            if start is not None:
                raise FormatError(f"nested '{begin}' markers ({what}, line {number + 1}).")
            start = number
        elif end in line:
            if start is None:
                raise FormatError(f"'{end}' without '{begin}' ({what}, line {number + 1}).")
            regions.append((start, number))
            start = None
    if start is not None:
        raise FormatError(f"'{begin}' without a matching '{end}' ({what}, line {start + 1}).")
    return regions


def solution_regions(source: str, what: str = "cell") -> list[tuple[int, int]]:
    """Line spans of the ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` regions of ``source``."""
    return _regions(source, _BEGIN_SOLUTION_KEY, _END_SOLUTION_KEY, what)


def hidden_test_regions(source: str, what: str = "cell") -> list[tuple[int, int]]:
    """Line spans of the hidden test regions of ``source``."""
    return _regions(source, _BEGIN_HIDDEN_KEY, _END_HIDDEN_KEY, what)


def _enclosing_function(lines: list[str], index: int) -> str | None:
    indent = len(lines[index]) - len(lines[index].lstrip())
    for line in reversed(lines[:index]):
        match = _DEF.match(line)
        if match and len(match.group(1)) < indent:
            return match.group(2)
    return None


def code_stub(name: str | None, indent: str = "") -> list[str]:
    """The two lines an exercise holds in place of a solution region of code."""
    target = f"your implementation of {name}" if name else "your code"
    return [
        f"{indent}{CODE_STUB_COMMENT}",
        f'{indent}raise NotImplementedError("Replace this line with {target}.")',
    ]


def replace_solution_regions(source: str, cell_type: str = "code", what: str = "cell") -> str:
    """``source`` with each solution region replaced by the stub for ``cell_type``."""
    lines = source.split("\n")
    regions = solution_regions(source, what)
    if not regions:
        return source
    out: list[str] = []
    previous = 0
    for first, last in regions:
        out.extend(lines[previous:first])
        indent = re.match(r"\s*", lines[first]).group(0)  # type: ignore[union-attr]
        if cell_type == "code":
            out.extend(code_stub(_enclosing_function(lines, first), indent))
        else:
            out.append(indent + TEXT_STUB)
        previous = last + 1
    out.extend(lines[previous:])
    return "\n".join(out)


def stub_source(source: str, cell_type: str = "code", what: str = "cell") -> str:
    """What an exercise holds in place of a solution cell (the text ``make exercises`` writes).

    Solution regions become the stub; a cell without markers is replaced as a
    whole, as nbgrader does. Unbalanced markers replace the whole cell too.
    """
    try:
        if solution_regions(source, what):
            return replace_solution_regions(source, cell_type, what)
    except FormatError:
        pass
    return "\n".join(code_stub(None)) if cell_type == "code" else TEXT_STUB


def remove_hidden_tests(source: str, what: str = "cell") -> str:
    """``source`` without its hidden test regions (markers included) and trailing blank lines."""
    lines = source.split("\n")
    regions = hidden_test_regions(source, what)
    if not regions:
        return source
    drop = {n for first, last in regions for n in range(first, last + 1)}
    kept = [line for n, line in enumerate(lines) if n not in drop]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


@dataclass(frozen=True)
class Segment:
    """A run of consecutive lines of a test cell: visible or hidden.

    ``first_line`` is the 1-based line number of the segment's first line in the
    cell, so that tracebacks point at the right line.
    """

    source: str
    hidden: bool
    first_line: int = 1


def split_test_cell(source: str, what: str = "cell") -> list[Segment]:
    """Split a test cell into its visible and hidden parts, in order (markers dropped).

    The grader runs each part on its own (same namespace, one after the other),
    so that a failure in a hidden part can be reported without its code or
    values. Blank segments are dropped. Raises :class:`FormatError` for
    unbalanced markers.
    """
    lines = source.split("\n")
    regions = hidden_test_regions(source, what)
    segments: list[Segment] = []

    def add(first: int, last: int, hidden: bool) -> None:  # lines first..last-1
        text = "\n".join(lines[first:last])
        if text.strip():
            segments.append(Segment(text, hidden, first + 1))

    previous = 0
    for first, last in regions:
        add(previous, first, False)
        add(first + 1, last, True)
        previous = last + 1
    add(previous, len(lines), False)
    return segments
