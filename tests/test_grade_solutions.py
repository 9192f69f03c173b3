"""course-grade on every solution notebook handed in as a submission: each scores 100%.

A module of its own (it used to be the third shared run of ``tests/test_grade.py``): it
is the longest grading run of the unit tests (every solution notebook executes), and
``make unit`` keeps each module on one pytest-xdist worker (``--dist loadfile``), so
here it runs on one worker while the other runs the rest of ``test_grade.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_grade import _once, _snapshot_solutions, write

from course_utils.instructor import grade

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"


def _build_solutions(work: Path):
    solutions = _snapshot_solutions(work, [p.stem for p in SOLUTIONS.glob("*.ipynb")])
    submissions = work / "submissions"
    for path in sorted(solutions.glob("*.ipynb")):
        write(submissions / "solution" / path.name, path.read_bytes())
    names = {p.stem for p in solutions.glob("*.ipynb")}
    run = grade.grade_submissions(  # generous limits: a busy machine is slow, not wrong
        submissions,
        solutions=solutions,
        out=work / "grades",
        jobs=2,
        timeout=600,
        total_timeout=1800,
        quiet=True,
    )
    return {"run": run, "work": work, "names": names}


@pytest.fixture(scope="module")
def solutions_graded(tmp_path_factory):
    if not any(SOLUTIONS.glob("*.ipynb")):
        pytest.skip("no solution notebooks yet")
    return _once(tmp_path_factory, "solutions", _build_solutions)


def test_every_solution_graded_as_a_submission_scores_100_percent(solutions_graded):
    records = solutions_graded["run"].records
    assert {r["exercise"] for r in records} == solutions_graded["names"]
    for record in records:
        assert record["status"] == "ok", record
        assert record["points"] == record["max_points"] > 0, record
        assert record["notes"] == [], record
