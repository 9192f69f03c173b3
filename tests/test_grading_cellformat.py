"""One nbgrader cell format for make exercises and course-grade; trusted-side checks."""

from __future__ import annotations

import json

import pytest

from course_utils.instructor import exercises
from course_utils.instructor.grading import cellformat
from course_utils.instructor.grading.solutions import load_exercise_bytes, trusted_cell_problems
from course_utils.instructor.grading.trusted import free_names


def test_markers_are_recognised_anywhere_in_a_line_by_both_tools():
    source = "def f(x):\n    #### BEGIN SOLUTION (keep)\n    return x\n    # ### END SOLUTION\n"
    assert cellformat.solution_regions(source) == [(1, 3)]
    assert exercises.solution_regions(source) == [(1, 3)]


def test_the_grader_stub_is_the_exercise_stub():
    source = "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"
    assert cellformat.stub_source(source) == exercises.replace_solution_regions(source)
    assert "Replace this line with your implementation of add." in cellformat.stub_source(source)


def test_unbalanced_markers_are_an_exercise_error_for_the_generator():
    with pytest.raises(exercises.ExerciseError, match="without a matching"):
        exercises.solution_regions("### BEGIN SOLUTION\nx = 1")
    # The grader replaces such a cell as a whole instead of failing.
    assert "raise NotImplementedError" in cellformat.stub_source("### BEGIN SOLUTION\nx = 1")


def test_a_test_cell_splits_into_visible_and_hidden_parts_with_line_numbers():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nassert a == 1\n### END HIDDEN TESTS\nb = 2"
    segments = cellformat.split_test_cell(source)
    assert [(s.source, s.hidden, s.first_line) for s in segments] == [
        ("a = 1", False, 1),
        ("assert a == 1", True, 3),
        ("b = 2", False, 5),
    ]
    with pytest.raises(cellformat.FormatError):
        cellformat.split_test_cell("### BEGIN HIDDEN TESTS\nassert True")


def test_free_names_are_the_globals_a_cell_reads_and_does_not_bind():
    source = (
        "import numpy as np\n"
        "def helper(x):\n    local = x + 1\n    return learner_fn(local)\n"
        "values = [v * scale for v in range(3)]\n"
        "check(helper, values)\n"
    )
    assert free_names(source) == {"learner_fn", "scale", "check"}


def _solution(test_source: str, extra_cells=()) -> bytes:
    def cell(source, grade_id, **meta):
        nbgrader = {"grade_id": grade_id, "schema_version": 3, "grade": False}
        nbgrader.update(meta)
        return {
            "cell_type": "code",
            "id": grade_id,
            "metadata": {"nbgrader": nbgrader},
            "source": source,
            "outputs": [],
            "execution_count": None,
        }

    cells = [
        cell("import math", "setup", locked=True),
        cell(
            "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
            "f",
            solution=True,
        ),
        *extra_cells,
        cell(test_source, "f-tests", grade=True, locked=True, points=1),
    ]
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    ).encode()


def test_tests_that_cannot_run_outside_the_kernel_are_reported():
    good = load_exercise_bytes(_solution("assert f(math.pi) == math.pi"), "good.ipynb")
    assert trusted_cell_problems(good) == []
    free_cell = {"cell_type": "code", "metadata": {}, "source": "scratch = 3"}
    reads_free = load_exercise_bytes(_solution("assert f(scratch) == 3", [free_cell]), "x.ipynb")
    assert "reads scratch" in trusted_cell_problems(reads_free)[0]
    magic = load_exercise_bytes(_solution("%timeit f(1)\nassert f(1) == 1"), "m.ipynb")
    assert "not plain Python" in trusted_cell_problems(magic)[0]


def test_make_exercises_refuses_a_test_the_grader_cannot_run():
    import nbformat

    free_cell = {
        "cell_type": "code",
        "id": "free",
        "metadata": {},
        "source": "scratch = 3",
        "outputs": [],
        "execution_count": None,
    }
    nb = nbformat.reads(_solution("assert f(scratch) == 3", [free_cell]).decode(), as_version=4)
    with pytest.raises(exercises.ExerciseError, match="reads scratch"):
        exercises.validate_solution_notebook(nb, "x.ipynb")


def test_every_solution_test_can_run_outside_the_learner_kernel():
    from pathlib import Path

    from course_utils.instructor.grading.solutions import load_exercises

    exercises_found = load_exercises(Path(__file__).resolve().parents[1] / "solutions")
    assert exercises_found
    for exercise in exercises_found.values():
        assert trusted_cell_problems(exercise) == [], exercise.name
