"""exercises/ comes from solutions/: in sync, no solution or hidden test leaks, graded alike."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import nbformat
import pytest

from course_utils.instructor import exercises as gen

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISE_NAMES = [
    "ex01_l2_on_a_new_dataset",
    "ex02_dropout_rates",
    "ex03_elastic_net_vs_l1_l2",
    "ex04_lasso_from_scratch",
    "ex05_penalties_and_early_stopping",
    "ex06_backprop_with_l2_and_dropout",
]


def read(path):
    return nbformat.read(path, as_version=4)


def exercise_of(solution: Path) -> Path:
    return ROOT / "exercises" / solution.name


def region_lines(source: str, regions) -> list[str]:
    lines = source.split("\n")
    return [lines[n] for first, last in regions for n in range(first + 1, last)]


def significant(line: str) -> bool:
    """Lines worth searching for: not blank and not pure punctuation such as ')' or '],'."""
    return bool(re.search(r"[A-Za-z0-9]", line))


def secret_lines(nb) -> set[str]:
    """Stripped lines that occur only inside solution or hidden-test regions of ``nb``."""
    secret, public = set(), set()
    for cell in nb.cells:
        source = cell.source
        regions = gen.solution_regions(source) + gen.hidden_test_regions(source)
        inside = {n for first, last in regions for n in range(first, last + 1)}
        for number, line in enumerate(source.split("\n")):
            (secret if number in inside else public).add(line.strip())
    return {line for line in secret - public if significant(line)}


# ------------------------------------------------------------------------------- sync
def test_every_exercise_has_a_solution_and_vice_versa():
    assert [p.stem for p in SOLUTIONS] == EXERCISE_NAMES
    exercises = sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb"))
    assert exercises == EXERCISE_NAMES


def test_regenerating_into_a_temporary_folder_reproduces_exercises_byte_for_byte(tmp_path):
    status = gen.generate(ROOT / "solutions", tmp_path)
    assert set(status.values()) == {"written"}
    for solution in SOLUTIONS:
        fresh = (tmp_path / solution.name).read_bytes()
        committed = exercise_of(solution).read_bytes()
        assert fresh == committed, (
            f"exercises/{solution.name} is out of date: run `make exercises` and commit it."
        )


def test_generation_is_idempotent(tmp_path):
    gen.generate(ROOT / "solutions", tmp_path)
    first = {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")}
    status = gen.generate(ROOT / "solutions", tmp_path)
    assert set(status.values()) == {"unchanged"}
    assert first == {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")}


def test_check_mode_reports_stale_and_orphaned_exercises(tmp_path, capsys):
    assert gen.main(["--check"]) == 0
    gen.generate(ROOT / "solutions", tmp_path)
    target = tmp_path / SOLUTIONS[0].name
    target.write_text(target.read_text().replace("YOUR ANSWER HERE", "my answer"))
    orphan = tmp_path / "ex99_removed.ipynb"
    orphan.write_text(json.dumps({"metadata": {"course_exercise": {}}}))
    keep = tmp_path / "notes.ipynb"
    keep.write_text(json.dumps({"metadata": {}}))
    status = gen.generate(ROOT / "solutions", tmp_path, check=True)
    assert status[target] == "stale" and status[orphan] == "orphan" and keep not in status
    assert gen.main(["--check", "--out", str(tmp_path)]) == 1
    gen.generate(ROOT / "solutions", tmp_path)
    assert not orphan.exists() and keep.exists()
    capsys.readouterr()


# --------------------------------------------------------------------------- no leaks
@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_no_solution_or_hidden_test_line_reaches_the_exercise(solution):
    """Lines that appear only inside solution or hidden-test regions never reach the exercise.

    Lines that also appear in the visible part of the solution notebook (for example
    ``strict=True,``) are public anyway and are not counted.
    """
    secrets = secret_lines(read(solution))
    assert secrets, "a solution notebook without solution regions?"
    exercise = exercise_of(solution)
    text_lines = {
        line.strip() for cell in read(exercise).cells for line in cell.source.split("\n")
    }
    leaked = secrets & text_lines
    assert not leaked, f"{exercise.name} shows solution lines: {sorted(leaked)[:3]}"
    raw = exercise.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN"):
        assert marker not in raw


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_hidden_tests_exist_and_are_removed(solution):
    sol, ex = read(solution), read(exercise_of(solution))
    for cell_s, cell_e in zip(sol.cells, ex.cells, strict=True):
        if gen.is_test_cell(cell_s):
            assert gen.hidden_test_regions(cell_s.source), f"{cell_s.id} has no hidden tests"
            visible = gen.remove_hidden_tests(cell_s.source)
            assert cell_e.source == visible


# ------------------------------------------------------------------------------ stubs
@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_every_stub_raises_not_implemented_error(solution):
    ex = read(exercise_of(solution))
    n_functions = 0
    for cell in ex.cells:
        if not (cell.cell_type == "code" and gen.is_solution_cell(cell)):
            continue
        assert "# your code here" in cell.source
        namespace: dict = {}
        exec(compile(cell.source, f"{solution.stem}:{cell.id}", "exec"), namespace)
        functions = [v for k, v in namespace.items() if inspect.isfunction(v)]
        assert functions, f"{cell.id}: the stub cell defines no function"
        for function in functions:
            n_functions += 1
            required = [
                p
                for p in inspect.signature(function).parameters.values()
                if p.default is inspect.Parameter.empty
            ]
            with pytest.raises(NotImplementedError, match=function.__name__):
                function(*[None] * len(required))
            assert function.__doc__, f"{function.__name__} lost its docstring"
    assert n_functions >= 2


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_signatures_are_kept(solution):
    """The def lines of the exercise equal those of the solution."""

    def defs(nb):
        return [
            line
            for cell in nb.cells
            if gen.is_solution_cell(cell)
            for line in cell.source.split("\n")
            if line.lstrip().startswith("def ")
        ]

    assert defs(read(solution)) == defs(read(exercise_of(solution)))


def test_fixed_names_and_signatures_of_the_issue():
    expected = {
        "ex01_l2_on_a_new_dataset": [
            "def ridge_closed_form(X, y, alpha, fit_intercept=True):",
            "def validation_curve_ridge(X_train, y_train, X_val, y_val, alphas):",
            "def best_alpha(alphas, val_mse):",
        ],
        "ex02_dropout_rates": [
            "def inverted_dropout(activations, rate, rng):",
            "def dropout_rate_experiment(rates, X_train, y_train, X_val, y_val, epochs, seed):",
        ],
        "ex03_elastic_net_vs_l1_l2": [
            "def fit_three_regularizers(X_train, y_train, alpha, l1_ratio):",
            "def compare_regularizers(models, X_test, y_test, true_coef):",
        ],
        "ex04_lasso_from_scratch": [
            "def soft_threshold(z, threshold):",
            "def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):",
        ],
        "ex05_penalties_and_early_stopping": [
            "def l2_penalty(weights, factor):",
            "def l2_penalty_gradient(weights, factor):",
            "def early_stopping_epoch(val_losses, patience, min_delta=0.0):",
        ],
        "ex06_backprop_with_l2_and_dropout": [
            "def init_mlp(layer_sizes, seed):",
            "def mlp_loss_and_gradients(params, X, y, l2=0.0, dropout_masks=None):",
            "def gradient_check(params, X, y, l2=0.0, dropout_masks=None, eps=1e-6):",
        ],
    }
    for name, signatures in expected.items():
        nb = read(ROOT / "exercises" / f"{name}.ipynb")
        found = [
            line
            for cell in nb.cells
            if gen.is_solution_cell(cell)
            for line in cell.source.split("\n")
            if line.startswith("def ")
        ]
        # The issue's functions keep their names and signatures, in this order; an exercise may
        # add functions of its own (issue 12 added tune_regularization_strengths to ex03).
        kept = [line for line in found if line in signatures]
        assert kept == signatures, f"{name}: expected {signatures}, found {found}"


# --------------------------------------------------------------------------- metadata
@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_cells_ids_and_nbgrader_metadata_are_kept(solution):
    sol, ex = read(solution), read(exercise_of(solution))
    assert len(sol.cells) == len(ex.cells)
    for cell_s, cell_e in zip(sol.cells, ex.cells, strict=True):
        assert cell_e.id == cell_s.id
        assert cell_e.cell_type == cell_s.cell_type
        assert cell_e.metadata.get("nbgrader") == cell_s.metadata.get("nbgrader")
        if cell_e.cell_type == "code":
            assert cell_e.outputs == [] and cell_e.execution_count is None
        if not gen.nbgrader_metadata(cell_s):
            assert cell_e.source == cell_s.source
        if gen.is_locked_cell(cell_s) and not gen.is_test_cell(cell_s):
            assert cell_e.source == cell_s.source
        if gen.is_locked_cell(cell_s):
            assert cell_e.metadata["editable"] is False
            assert cell_e.metadata["deletable"] is False
        tags = cell_e.metadata.get("tags", [])
        if gen.is_test_cell(cell_s):
            assert "raises-exception" in tags
        else:
            assert tags == cell_s.metadata.get("tags", [])
        if cell_s.cell_type == "markdown" and gen.is_solution_cell(cell_s):
            assert cell_e.source == "YOUR ANSWER HERE"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_follow_the_nbgrader_conventions(solution):
    nb = read(solution)
    gen.validate_solution_notebook(nb, solution.name)
    kinds = {"solution": 0, "test": 0, "answer": 0}
    for cell in nb.cells:
        meta = gen.nbgrader_metadata(cell)
        if not meta:
            continue
        assert set(meta) >= {"grade", "grade_id", "locked", "schema_version", "solution", "task"}
        assert meta["task"] is False and meta["schema_version"] == 3
        assert meta["grade_id"].startswith(solution.stem[:4] + "-")
        if gen.is_test_cell(cell):
            kinds["test"] += 1
            assert meta["locked"] is True and meta["points"] > 0
            assert cell.source.startswith(f"# Graded test ({meta['points']} point")
            assert "strict=True" in cell.source
        elif meta["solution"] and cell.cell_type == "code":
            kinds["solution"] += 1
            assert gen.solution_regions(cell.source), f"{meta['grade_id']}: no solution region"
            assert meta["grade"] is False and meta["locked"] is False
        elif meta["solution"]:
            kinds["answer"] += 1
            assert meta["grade"] is True and meta["points"] > 0
            assert cell.source.startswith("### BEGIN SOLUTION")
            assert cell.source.rstrip().endswith("### END SOLUTION")
        else:
            assert meta["locked"] is True and meta["grade"] is False
    assert kinds["solution"] >= 2 and kinds["test"] == kinds["solution"]
    assert kinds["answer"] >= 1


def test_grade_ids_are_unique_across_the_course():
    ids = [
        gen.nbgrader_metadata(cell)["grade_id"]
        for solution in SOLUTIONS
        for cell in read(solution).cells
        if gen.nbgrader_metadata(cell)
    ]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_the_first_cell_states_the_total_of_the_points(solution):
    nb = read(solution)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# Exercise ")
    assert "**Topics:**" in first.source
    total = sum(
        gen.nbgrader_metadata(c).get("points", 0) for c in nb.cells if gen.is_grade_cell(c)
    )
    assert f"| **Total** | **{total}** |" in first.source
    table = re.findall(r"^\| (?:Task|Question) .*\| (\d+) \|$", first.source, re.M)
    assert sum(int(p) for p in table) == total


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_are_executed_with_every_check_passing(solution):
    nb = read(solution)
    text = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{cell.id} was not executed"
        for output in cell.outputs:
            assert output.output_type != "error", f"{cell.id} raised {output.get('ename')}"
            text.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
    joined = "\n".join(text)
    assert " passed" in joined
    for bad in (": failed", "not attempted yet", "Warning", "WARNING", "Traceback"):
        assert bad not in joined, bad


# ------------------------------------------------------------------- region handling
def test_replace_solution_regions_keeps_signature_and_indentation():
    source = (
        "def f(x):\n"
        '    """Docstring."""\n'
        "    ### BEGIN SOLUTION\n"
        "    return x + 1\n"
        "    ### END SOLUTION\n"
        "\n"
        "\n"
        "def g():\n"
        "    ### BEGIN SOLUTION\n"
        "    return 2\n"
        "    ### END SOLUTION"
    )
    assert gen.replace_solution_regions(source) == (
        "def f(x):\n"
        '    """Docstring."""\n'
        "    # your code here\n"
        '    raise NotImplementedError("Replace this line with your implementation of f.")\n'
        "\n"
        "\n"
        "def g():\n"
        "    # your code here\n"
        '    raise NotImplementedError("Replace this line with your implementation of g.")'
    )
    markdown = "Intro\n### BEGIN SOLUTION\nThe answer.\n### END SOLUTION"
    assert gen.replace_solution_regions(markdown, "markdown") == "Intro\nYOUR ANSWER HERE"


def test_remove_hidden_tests():
    source = "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 3\n### END HIDDEN TESTS\n"
    assert gen.remove_hidden_tests(source) == "assert f(1) == 2"
    assert gen.remove_hidden_tests("x = 1") == "x = 1"


@pytest.mark.parametrize(
    "source, message",
    [
        ("### BEGIN SOLUTION\nx = 1", "without a matching"),
        ("x = 1\n### END SOLUTION", "without '### BEGIN SOLUTION'".replace("### ", "")),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
    ],
)
def test_unbalanced_markers_are_clear_errors(source, message):
    with pytest.raises(gen.ExerciseError, match=message):
        gen.replace_solution_regions(source)


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _meta(grade_id, **kw):
    meta = {
        "grade": False,
        "grade_id": grade_id,
        "locked": False,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    meta.update(kw)
    return {"nbgrader": meta}


@pytest.mark.parametrize(
    "cells, message",
    [
        (
            [
                nbformat.v4.new_code_cell("x = 1", metadata=_meta("a", locked=True)),
                nbformat.v4.new_code_cell("y = 1", metadata=_meta("a", locked=True)),
            ],
            "used twice",
        ),
        ([nbformat.v4.new_code_cell("x", metadata=_meta("a b"))], "grade_id must be"),
        ([nbformat.v4.new_code_cell("x", metadata=_meta("t", grade=True))], "whole-number"),
        (
            [nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx\n### END SOLUTION")],
            "not a solution cell",
        ),
        (
            [
                nbformat.v4.new_code_cell(
                    "### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS",
                    metadata=_meta("s", solution=True),
                )
            ],
            "not a graded test cell",
        ),
        (
            [nbformat.v4.new_code_cell("x", metadata=_meta("s", solution=True, locked=True))],
            "cannot be locked",
        ),
        (
            [
                nbformat.v4.new_code_cell(
                    "x",
                    metadata={"nbgrader": {**_meta("v")["nbgrader"], "schema_version": 1}},
                )
            ],
            "schema_version",
        ),
    ],
)
def test_validation_rejects_broken_solution_notebooks(cells, message):
    with pytest.raises(gen.ExerciseError, match=message):
        gen.make_exercise(_notebook(*cells))


def test_error_outputs_in_a_solution_are_rejected():
    cell = nbformat.v4.new_code_cell("1 / 0")
    cell.outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="", traceback=[])
    ]
    with pytest.raises(gen.ExerciseError, match="ZeroDivisionError"):
        gen.make_exercise(_notebook(cell))


def test_a_solution_cell_without_markers_is_replaced_whole():
    code = nbformat.v4.new_code_cell("answer = 42", metadata=_meta("c", solution=True))
    text = nbformat.v4.new_markdown_cell(
        "All of it.", metadata=_meta("m", solution=True, grade=True, points=1)
    )
    exercise = gen.make_exercise(_notebook(code, text))
    assert exercise.cells[0].source == (
        '# your code here\nraise NotImplementedError("Replace this line with your code.")'
    )
    assert exercise.cells[1].source == "YOUR ANSWER HERE"


def test_the_module_runs_from_the_command_line(tmp_path, capsys):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "course_utils.instructor.exercises", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.count(": written") == len(SOLUTIONS)
    # the error path through the same main() that `python -m` runs, without a second interpreter
    assert gen.main(["--solutions", str(tmp_path / "none"), "--out", str(tmp_path / "x")]) == 2
    assert "no solution notebooks" in capsys.readouterr().err
