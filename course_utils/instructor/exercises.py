"""``make exercises``: write the learners' ``exercises/`` from the instructors' ``solutions/``.

Authors edit only ``solutions/*.ipynb``. Those notebooks follow nbgrader's
conventions (cell metadata ``nbgrader``, schema version 3, and the markers
``### BEGIN SOLUTION`` / ``### END SOLUTION`` and ``### BEGIN HIDDEN TESTS`` /
``### END HIDDEN TESTS``), so they also work unchanged as nbgrader sources.
Generating an exercise notebook:

* replaces every solution region of a code cell with a two-line stub, indented
  like the marker: a ``# your code here`` comment and a ``raise
  NotImplementedError(...)`` naming the function; the lines before the markers
  (the ``def`` line and the docstring) stay;
* replaces every solution region of a Markdown cell with ``YOUR ANSWER HERE``
  (a solution cell without markers is replaced as a whole, as nbgrader does);
* removes hidden test regions;
* clears outputs and execution counts;
* keeps every cell, its id and its ``nbgrader`` metadata, makes locked cells
  read-only in Jupyter (``editable``/``deletable`` false, as nbgrader does) and
  tags graded test cells ``raises-exception`` (they fail until the learner's
  code is right, and the notebook must still run from top to bottom).

The output is deterministic (sorted JSON keys, stable cell ids), so running the
generator twice changes nothing. Command line::

    python -m course_utils.instructor.exercises                 # solutions/ -> exercises/
    python -m course_utils.instructor.exercises --check         # exit 1 if exercises/ is stale
    python -m course_utils.instructor.exercises --out /tmp/ex --solutions solutions
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

from course_utils._constants import NOTEBOOK_KERNELSPEC
from course_utils.instructor.grading import cellformat
from course_utils.instructor.grading.cellformat import (
    BEGIN_HIDDEN_TESTS,
    BEGIN_SOLUTION,
    CODE_STUB_COMMENT,
    END_HIDDEN_TESTS,
    END_SOLUTION,
    SCHEMA_VERSION,
    TEXT_STUB,
)

__all__ = [
    "BEGIN_SOLUTION",
    "END_SOLUTION",
    "BEGIN_HIDDEN_TESTS",
    "END_HIDDEN_TESTS",
    "CODE_STUB_COMMENT",
    "TEXT_STUB",
    "RAISES_TAG",
    "ExerciseError",
    "nbgrader_metadata",
    "is_solution_cell",
    "is_grade_cell",
    "is_locked_cell",
    "is_test_cell",
    "solution_regions",
    "hidden_test_regions",
    "replace_solution_regions",
    "remove_hidden_tests",
    "validate_solution_notebook",
    "make_exercise",
    "exercise_text",
    "exercise_path",
    "generate",
    "stale_exercises",
    "main",
]

ROOT = Path(__file__).resolve().parents[2]
# nbgrader recognises its markers as substrings of a line; so does this module.
RAISES_TAG = "raises-exception"
_GRADE_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
_GENERATED_KEY = "course_exercise"


class ExerciseError(cellformat.FormatError):
    """A solution notebook breaks the nbgrader conventions the generator relies on."""


# The markers, metadata predicates and stubs are the grader's (one cell format for both).
nbgrader_metadata = cellformat.nbgrader_metadata
is_solution_cell = cellformat.is_solution_cell
is_grade_cell = cellformat.is_grade_cell
is_locked_cell = cellformat.is_locked_cell
is_test_cell = cellformat.is_test_cell


def _strict(function, *args):
    try:
        return function(*args)
    except ExerciseError:
        raise
    except cellformat.FormatError as exc:
        raise ExerciseError(str(exc)) from None


def solution_regions(source: str, what: str = "cell") -> list[tuple[int, int]]:
    """Line spans of the ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` regions of ``source``."""
    return _strict(cellformat.solution_regions, source, what)


def hidden_test_regions(source: str, what: str = "cell") -> list[tuple[int, int]]:
    """Line spans of the hidden test regions of ``source``."""
    return _strict(cellformat.hidden_test_regions, source, what)


def replace_solution_regions(source: str, cell_type: str = "code", what: str = "cell") -> str:
    """``source`` with each solution region replaced by the stub for ``cell_type``."""
    return _strict(cellformat.replace_solution_regions, source, cell_type, what)


def remove_hidden_tests(source: str, what: str = "cell") -> str:
    """``source`` without its hidden test regions (markers included) and trailing blank lines."""
    return _strict(cellformat.remove_hidden_tests, source, what)


def _code_stub(name: str | None, indent: str) -> list[str]:
    return cellformat.code_stub(name, indent)


# ------------------------------------------------------------------------- validation
def validate_solution_notebook(nb, name: str = "notebook") -> None:
    """Raise :class:`ExerciseError` when ``nb`` breaks the conventions; return ``None`` otherwise.

    Checked: schema version 3 and a valid, unique ``grade_id`` on every
    nbgrader cell; whole-number points on graded cells; solution regions only
    in solution cells and hidden tests only in graded test cells; balanced
    markers; no stored error outputs.
    """
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        what = f"{name}, cell {index}"
        meta = nbgrader_metadata(cell)
        source = cell.get("source", "")
        sol = solution_regions(source, what)
        hidden = hidden_test_regions(source, what)
        if sol and not meta.get("solution", False):
            raise ExerciseError(f"{what}: solution markers in a cell that is not a solution cell.")
        if hidden and not is_test_cell(cell):
            raise ExerciseError(f"{what}: hidden tests in a cell that is not a graded test cell.")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise ExerciseError(
                    f"{what}: the stored outputs hold an error ({output.get('ename')}); "
                    "execute the solution again and fix it."
                )
        if not meta:
            continue
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise ExerciseError(f"{what}: nbgrader schema_version must be {SCHEMA_VERSION}.")
        grade_id = meta.get("grade_id")
        if not isinstance(grade_id, str) or not _GRADE_ID.match(grade_id):
            raise ExerciseError(
                f"{what}: grade_id must be letters, digits, '-' or '_', got {grade_id!r}."
            )
        if grade_id in seen:
            raise ExerciseError(f"{what}: grade_id {grade_id!r} is used twice.")
        seen[grade_id] = index
        if meta.get("grade", False):
            points = meta.get("points")
            if isinstance(points, bool) or not isinstance(points, int) or points < 0:
                raise ExerciseError(f"{what}: a graded cell needs whole-number points >= 0.")
        if meta.get("solution", False) and meta.get("locked", False):
            raise ExerciseError(f"{what}: a solution cell cannot be locked.")
    _check_trusted_cells(nb, name)


def _check_trusted_cells(nb, name: str) -> None:
    """Every locked and test cell must be able to run on the grader's trusted side.

    course-grade runs them outside the learner's kernel (docs/grading.md): each
    part of a test must be plain Python and read only names from locked cells,
    answer cells or builtins. A test that cannot work that way is an error here,
    not a test the grader silently weakens.
    """
    import json

    from course_utils.instructor.grading.solutions import (
        load_exercise_bytes,
        trusted_cell_problems,
    )

    exercise = load_exercise_bytes(json.dumps(nb).encode("utf-8"), Path(name))
    problems = trusted_cell_problems(exercise)
    if problems:
        raise ExerciseError(problems[0])


# -------------------------------------------------------------------------- generation
def make_exercise(nb, name: str = "notebook", source_path: str | None = None):
    """Return the exercise version of the solution notebook ``nb`` (which is not modified)."""
    import nbformat

    validate_solution_notebook(nb, name)
    nb = copy.deepcopy(nb)
    nb.nbformat, nb.nbformat_minor = 4, max(5, int(nb.get("nbformat_minor", 5)))
    nb.metadata["kernelspec"] = dict(NOTEBOOK_KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.pop("widgets", None)
    if source_path is not None:
        nb.metadata[_GENERATED_KEY] = {"generated_from": source_path}
    for index, cell in enumerate(nb.cells):
        what = f"{name}, cell {index}"
        cell["id"] = cell.get("id") or f"cell-{index:03d}"
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        source = cell.source
        if is_solution_cell(cell):
            if solution_regions(source, what):
                source = replace_solution_regions(source, cell.cell_type, what)
            elif cell.cell_type == "code":
                source = "\n".join(_code_stub(None, ""))
            else:
                source = TEXT_STUB
        source = remove_hidden_tests(source, what)
        cell.source = source
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        if is_locked_cell(cell):
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
        if is_test_cell(cell):
            tags = list(cell.metadata.get("tags", []))
            if RAISES_TAG not in tags:
                tags.append(RAISES_TAG)
            cell.metadata["tags"] = tags
    nbformat.validate(nb)
    return nb


def exercise_text(nb) -> str:
    """The exact file contents written for an exercise notebook."""
    import nbformat

    return nbformat.writes(nb) + "\n"


def exercise_path(solution_path: Path, out_dir: Path) -> Path:
    return Path(out_dir) / Path(solution_path).name


def _relative(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path.parent.name, path.name).as_posix()


def _render(solution_path: Path) -> str:
    import nbformat

    nb = nbformat.read(solution_path, as_version=4)
    exercise = make_exercise(nb, name=solution_path.name, source_path=_relative(solution_path))
    return exercise_text(exercise)


def _solution_notebooks(solutions_dir: Path) -> list[Path]:
    return sorted(p for p in Path(solutions_dir).glob("*.ipynb") if p.is_file())


def stale_exercises(solutions_dir: Path, out_dir: Path) -> list[Path]:
    """Generated notebooks in ``out_dir`` whose solution no longer exists."""
    import json

    names = {p.name for p in _solution_notebooks(solutions_dir)}
    stale = []
    for path in sorted(Path(out_dir).glob("*.ipynb")):
        if path.name in names:
            continue
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError):
            continue
        if _GENERATED_KEY in meta:
            stale.append(path)
    return stale


def generate(
    solutions_dir: Path = ROOT / "solutions",
    out_dir: Path = ROOT / "exercises",
    *,
    check: bool = False,
) -> dict[Path, str]:
    """Write (or with ``check=True`` only compare) every exercise; return ``{path: status}``.

    ``status`` is ``"written"``, ``"unchanged"``, ``"stale"`` (``check=True``:
    the file differs or is missing), ``"removed"`` (a generated exercise whose
    solution is gone) or ``"orphan"`` (``check=True``: such a file exists).
    """
    solutions_dir, out_dir = Path(solutions_dir), Path(out_dir)
    notebooks = _solution_notebooks(solutions_dir)
    if not notebooks:
        raise FileNotFoundError(f"no solution notebooks (*.ipynb) in {solutions_dir}.")
    if not check:
        out_dir.mkdir(parents=True, exist_ok=True)
    status: dict[Path, str] = {}
    for solution in notebooks:
        target = exercise_path(solution, out_dir)
        text = _render(solution)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            status[target] = "unchanged"
        elif check:
            status[target] = "stale"
        else:
            target.write_text(text, encoding="utf-8")
            status[target] = "written"
    for orphan in stale_exercises(solutions_dir, out_dir) if out_dir.is_dir() else []:
        if check:
            status[orphan] = "orphan"
        else:
            orphan.unlink()
            status[orphan] = "removed"
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.instructor.exercises",
        description="Write exercise notebooks from the solution notebooks (nbgrader conventions).",
    )
    parser.add_argument(
        "--solutions", type=Path, default=ROOT / "solutions", help="solution notebooks folder"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "exercises", help="output folder")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit with status 1 when the exercises are out of date",
    )
    args = parser.parse_args(argv)
    try:
        status = generate(args.solutions, args.out, check=args.check)
    except (ExerciseError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path, state in status.items():
        print(f"{path}: {state}")
    if args.check and any(s in ("stale", "orphan") for s in status.values()):
        print("exercises are out of date: run `make exercises`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
