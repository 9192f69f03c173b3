"""The Gradescope autograder bundle, run in a recreated ``/autograder`` layout.

Gradescope unpacks the bundle into ``/autograder/source``, runs ``setup.sh`` once,
puts the learner's files in ``/autograder/submission`` and runs ``run_autograder``,
which must write ``/autograder/results/results.json`` with a ``tests`` list whose
entries have ``score``, ``max_score``, ``output`` and ``visibility``.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from course_utils.instructor.grading.gradescope import build_bundle, results_for

EXERCISE = "gs01_sums"
SECRET = "HIDDEN-TEST-MARK-7391"


def _cell(kind: str, source: str, grade_id: str, **meta) -> dict:
    cell = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    nbgrader = {"grade": False, "locked": False, "solution": False, "task": False, **meta}
    cell["metadata"]["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, **nbgrader}
    return cell


def _notebook(answer: str) -> dict:
    tests = "assert total([1, 2]) == 3\n### BEGIN HIDDEN TESTS\n"
    tests += f"assert total([4]) == 4, '{SECRET}'\n### END HIDDEN TESTS\n"
    return {
        "cells": [
            _cell("code", answer, "total", solution=True),
            _cell("code", tests, "total-tests", grade=True, locked=True, points=2),
            _cell(
                "code", "assert total([]) == 0", "empty-tests", grade=True, locked=True, points=1
            ),
            _cell("markdown", "Explain.", "why", grade=True, solution=True, points=3),
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


RIGHT = "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs)\n    ### END SOLUTION\n"
ODD = "def total(xs):\n    return sum(xs) if len(xs) != 1 else 0\n"  # fails the hidden test


def _solutions(tmp_path: Path) -> Path:
    folder = tmp_path / "solutions"
    folder.mkdir()
    (folder / f"{EXERCISE}.ipynb").write_text(json.dumps(_notebook(RIGHT)))
    (folder / "data.csv").write_text("x\n1\n")
    return folder


def test_bundle_holds_the_scripts_the_solutions_and_the_package(tmp_path):
    bundle = tmp_path / "autograder.zip"
    names = build_bundle(bundle, solutions=_solutions(tmp_path))
    assert {
        "setup.sh",
        "run_autograder",
        f"solutions/{EXERCISE}.ipynb",
        "solutions/data.csv",
    } <= set(names)
    assert "course/pyproject.toml" in names and "course/requirements-lock.txt" in names
    assert "course/course_utils/instructor/grading/gradescope.py" in names
    with zipfile.ZipFile(bundle) as archive:
        for script in ("setup.sh", "run_autograder"):
            mode = archive.getinfo(script).external_attr >> 16
            assert mode & stat.S_IXUSR, f"{script} must be executable"
            text = archive.read(script).decode()
            assert text.startswith("#!/usr/bin/env bash")
            check = subprocess.run(["bash", "-n"], input=text, text=True, capture_output=True)
            assert check.returncode == 0, check.stderr


def test_run_autograder_in_a_recreated_gradescope_layout(tmp_path):
    root = tmp_path / "autograder"
    bundle = tmp_path / "autograder.zip"
    build_bundle(bundle, solutions=_solutions(tmp_path))
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    upload = root / "submission" / "my work"
    upload.mkdir(parents=True)
    (upload / f"{EXERCISE}.ipynb").write_text(json.dumps(_notebook(ODD)))
    (root / "submission" / "notes.txt").write_text("not a notebook")
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "COURSE_GRADE_PYTHON": sys.executable}
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    tests = {t["name"]: t for t in results["tests"]}
    assert set(tests) == {f"{EXERCISE}: total-tests", f"{EXERCISE}: empty-tests"}
    for test in results["tests"]:
        assert set(test) >= {"score", "max_score", "output", "visibility"}
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert tests[f"{EXERCISE}: total-tests"] == {
        "name": f"{EXERCISE}: total-tests",
        "score": 0.0,
        "max_score": 2.0,
        "output": "failed",
        "visibility": "visible",
    }
    assert tests[f"{EXERCISE}: empty-tests"]["score"] == 1.0
    assert results["score"] == 1.0
    assert "Graded by hand in Gradescope: gs01_sums: why." in results["output"]
    assert SECRET not in json.dumps(results)  # the hidden test's message stays hidden


def test_results_for_a_missing_exercise_and_an_unknown_file():
    records = [
        {
            "exercise": EXERCISE,
            "rows": [
                {"grade_id": "t", "points": 0.0, "max_points": 2.0, "status": "missing"},
                {"grade_id": "m", "points": None, "max_points": 3.0, "status": "manual"},
            ],
        },
        {
            "exercise": "gs1",
            "rows": [
                {
                    "grade_id": "",
                    "points": 0.0,
                    "max_points": 0.0,
                    "status": "unknown-exercise",
                    "message": "No exercise is named gs1; did you mean gs01_sums.ipynb?",
                }
            ],
        },
    ]
    results = results_for(records, "", [])
    assert results["tests"] == [
        {
            "name": f"{EXERCISE}: t",
            "score": 0.0,
            "max_score": 2.0,
            "output": "missing",
            "visibility": "visible",
        }
    ]
    assert "did you mean gs01_sums.ipynb" in results["output"]
