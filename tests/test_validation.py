"""course_utils._validation: one check per kind of argument, one sentence per error, everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from course_utils import _validation as v
from course_utils import data, explorer_plots, linear_plots, notebook, training

PACKAGE = Path(v.__file__).parent


# ------------------------------------------------------------------------ the checks
@pytest.mark.parametrize("value", [3, np.int64(3)])
def test_whole_number_accepts_python_and_numpy_integers(value):
    result = v.check_whole_number("n", value, minimum=1)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (2.0, TypeError, "n must be a whole number, got float."),
        (True, TypeError, "n must be a whole number, got bool."),
        ("3", TypeError, "n must be a whole number, got str."),
        (0, ValueError, "n must be at least 1, got 0."),
    ],
)
def test_whole_number_rejects(value, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        v.check_whole_number("n", value, minimum=1)


@pytest.mark.parametrize(
    ("bounds", "value", "message"),
    [
        ({"low": 0, "low_open": True}, 0, "x must be a positive number, got 0."),
        ({"low": 0}, -0.5, "x must be at least 0, got -0.5."),
        ({"low": 0, "high": 1}, 1.5, "x must be between 0 and 1, got 1.5."),
        ({"low": 0, "high": 1, "high_open": True}, 1, "x must be at least 0 and below 1, got 1."),
        ({"low": 1e-4, "high": 100}, 1e3, "x must be between 0.0001 and 100, got 1000."),
        ({"high": 2}, 3, "x must be at most 2, got 3."),
        ({}, float("nan"), "x must be a finite number, got nan."),
        ({"low": 0}, float("inf"), "x must be at least 0, got inf."),
    ],
)
def test_number_names_its_range(bounds, value, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        v.check_number("x", value, **bounds)


def test_number_accepts_the_bounds_that_are_closed_and_returns_a_float():
    assert v.check_number("x", 0, low=0, high=1) == 0.0
    assert type(v.check_number("x", np.float32(1), low=0, high=1)) is float
    with pytest.raises(TypeError, match=r"^x must be a number, got bool\.$"):
        v.check_number("x", False)


def test_seed_range_is_what_every_seeded_library_accepts():
    assert v.check_seed(0) == 0 and v.check_seed(2**32 - 1) == 2**32 - 1
    with pytest.raises(
        ValueError, match=r"seed must be between 0 and 2\*\*32 - 1, got 4294967296"
    ):
        v.check_seed(2**32)
    with pytest.raises(TypeError, match=r"^seed must be a whole number such as 42, got float\.$"):
        v.check_seed(1.0)


def test_flag_text_choice_and_callable():
    assert v.check_flag("log", np.True_) is True
    with pytest.raises(TypeError, match=r"^log must be True or False\.$"):
        v.check_flag("log", 1)
    assert v.check_text("title", "  Quiz ") == "Quiz"
    with pytest.raises(ValueError, match=r"^title must not be empty\.$"):
        v.check_text("title", " ")
    with pytest.raises(ValueError, match=r"^kind must be one of 'l1', 'l2', got \['l1'\]\.$"):
        v.check_choice("kind", ["l1"], {"l1": 1, "l2": 2})
    assert v.check_callable("f", None, optional=True) is None
    with pytest.raises(
        TypeError, match=r"^f must be callable, for example numpy\.sin, or None\.$"
    ):
        v.check_callable("f", 3, optional=True)


def test_arrays():
    np.testing.assert_array_equal(v.check_1d("y", [[1], [2]]), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"y must be one-dimensional .* got shape \(2, 2\)"):
        v.check_1d("y", np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"^y is empty\.$"):
        v.check_1d("y", [])
    with pytest.raises(ValueError, match=r"^y contains NaN or infinite values\.$"):
        v.check_finite_1d("y", [1.0, np.nan])
    with pytest.raises(ValueError, match="alphas must hold positive numbers"):
        v.check_positive_1d("alphas", [1.0, 0.0])
    with pytest.raises(TypeError, match=r"^c must be an array of numbers\.$"):
        v.check_array("c", ["a"], ndim=2)
    with pytest.raises(ValueError, match=r"^c must be 2-dimensional, got shape \(3,\)\.$"):
        v.check_array("c", [1, 2, 3], ndim=2)


def test_xy():
    X, y = v.check_xy([1, 2, 3], [1, 2, 3], min_samples=3, one_feature=True)
    assert X.shape == (3, 1) and y.shape == (3,)
    with pytest.raises(ValueError, match=r"^Fitting needs at least 3 samples, got 2\.$"):
        v.check_xy([1, 2], [1, 2], min_samples=3)
    with pytest.raises(
        ValueError, match=r"^X must have a single feature \(one column\), got 2\.$"
    ):
        v.check_xy(np.ones((3, 2)), np.ones(3), one_feature=True)
    with pytest.raises(ValueError, match=r"^X has 3 rows but y has 2 values\.$"):
        v.check_xy(np.ones((3, 1)), np.ones(2))


# ----------------------------------------------------- the same sentence in every module
def _message(call) -> str:
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    return str(info.value)


_TINY_DATA = (np.ones((4, 2)), np.ones(4), np.ones((4, 2)), np.ones(4))


def test_a_bad_seed_reads_the_same_in_every_module():
    calls = [
        lambda: data.make_tutorial_linear(seed=-1),
        lambda: notebook.setup_notebook(seed=-1),
        lambda: explorer_plots.example_activations(seed=-1),
        lambda: explorer_plots.apply_dropout(np.ones(3), 0.5, seed=-1),
        lambda: training.train_configurations(
            {"a": {}}, lambda: None, _TINY_DATA, epochs=1, seed=-1
        ),
    ]
    messages = {_message(call) for call in calls}
    assert messages == {"seed must be between 0 and 2**32 - 1, got -1."}


def test_a_non_whole_number_reads_the_same_in_every_module():
    messages = {
        _message(lambda: data.make_tutorial_linear(n_samples=2.5)),
        _message(lambda: explorer_plots.example_activations(n_examples=2.5)),
        _message(lambda: linear_plots.plot_constraint_geometry("l1", n_contours=2.5)),
    }
    assert {m.split(" must ")[1] for m in messages} == {"be a whole number, got float."}


def test_a_bad_flag_reads_the_same_in_every_module():
    messages = {
        _message(lambda: data.load_breast_cancer_split(standardize="yes")),
        _message(lambda: notebook.setup_notebook(keras="yes")),
        _message(
            lambda: linear_plots.plot_complexity_curve(
                [1, 2], [1, 2], [1, 2], xlabel="degree", log_x="yes"
            )
        ),
    }
    assert {m.split(" must ")[1] for m in messages} == {"be True or False."}


# ------------------------------------------------------------------ no second copies
NOT_YET_MOVED: set[str] = set()  # learner modules that still write their own wording
LEARNER_MODULES = sorted(
    p for p in PACKAGE.glob("*.py") if p.name != "_validation.py" and p.name not in NOT_YET_MOVED
)
# The grader (grade.py, grading/) is rebuilt by its own issue and is not checked here.
INSTRUCTOR_MODULES = [
    PACKAGE / "instructor" / n for n in ("execute.py", "exercises.py", "bench.py")
]


@pytest.mark.parametrize(
    "sentence",
    [
        "must be a whole number",
        "must be True or False",
        "must be a number, got",
        "must be callable",
        "must be one-dimensional (or a single column)",
        "must not contain NaN or infinite values",
    ],
)
def test_error_sentences_are_written_once(sentence):
    copies = [p.name for p in LEARNER_MODULES if sentence in p.read_text(encoding="utf-8")]
    assert copies == [], f"{sentence!r} is written again in {copies}: use course_utils._validation"


@pytest.mark.parametrize(
    "text", ["application/vnd.jupyter.widget-view+json", '"display_name": "Python 3', r"\x1b\["]
)
def test_shared_constants_are_defined_once(text):
    copies = [
        p.name
        for p in [*LEARNER_MODULES, *INSTRUCTOR_MODULES]
        if p.name != "_constants.py" and text in p.read_text(encoding="utf-8")
    ]
    assert copies == [], f"{text!r} is defined again in {copies}: use course_utils._constants"


def test_learner_modules_call_no_private_helper_of_another_module():
    pattern = re.compile(r"\b(?:plots|plotting|explorer_plots|data|training)\._[a-z]\w*\(")
    pattern_import = re.compile(r"from course_utils\.\w+ import [^\n]*\b_[a-z]")
    offenders = [
        p.name
        for p in LEARNER_MODULES
        if pattern.search(p.read_text(encoding="utf-8"))
        or pattern_import.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
