"""course_utils.checks: one printed line per case, never an exception (except in strict mode)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.checks import (
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    Case,
    CheckReport,
    check_function,
    check_raises,
    describe_mismatch,
    same_fitted_estimators,
)


def square(x):
    return np.asarray(x, dtype=float) ** 2


def stub(*args, **kwargs):
    raise NotImplementedError("Replace this line with your implementation of stub.")


def run(func, cases, capsys, **kwargs):
    report = check_function(func, cases, **kwargs)
    lines = capsys.readouterr().out.splitlines()
    return report, lines


# ----------------------------------------------------------------------------- outcomes
def test_a_correct_function_prints_passed_for_every_case(capsys):
    report, lines = run(
        square,
        [Case((2.0,), 4.0, label="a number"), Case(([1, 2],), np.array([1.0, 4.0]))],
        capsys,
    )
    assert lines == ["square · case 1 of 2 (a number): passed", "square · case 2 of 2: passed"]
    assert report.all_passed and report.n_passed == 2
    assert repr(report) == "square: 2 of 2 cases passed"


def test_a_wrong_value_prints_expected_got_and_the_hint(capsys):
    report, lines = run(
        square, [Case((3.0,), 10.0, hint="square the input")], capsys, name="my_square"
    )
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("my_square · case 1 of 1: failed: ")
    assert "expected 10" in line and "got 9" in line
    assert line.endswith("Hint: square the input")
    assert report.n_failed == 1 and not report.all_passed
    assert repr(report) == "my_square: 0 of 1 cases passed, 1 failed"


def test_an_array_difference_names_the_first_index_and_the_largest_gap(capsys):
    _, lines = run(square, [Case(([1.0, 2.0, 3.0],), np.array([1.0, 4.0, 10.0]))], capsys)
    assert "first difference at index 2" in lines[0]
    assert "largest difference 1" in lines[0]


def test_a_stub_is_not_attempted_yet(capsys):
    report, lines = run(stub, [Case((1,), 1), Case((2,), 4)], capsys, name="square")
    assert lines == [
        "square · case 1 of 2: not attempted yet",
        "square · case 2 of 2: not attempted yet",
    ]
    assert report.n_not_attempted == 2
    assert repr(report) == "square: 0 of 2 cases passed, 2 not attempted yet"


def test_a_shape_mismatch_is_reported_as_shapes(capsys):
    _, lines = run(lambda x: np.zeros((3, 1)), [Case((0,), np.zeros(3))], capsys, name="f")
    assert "failed: expected shape (3,), got shape (3, 1)" in lines[0]


def test_an_array_where_a_number_is_expected(capsys):
    _, lines = run(lambda: np.array([2.0]), [Case((), 2.0)], capsys, name="f")
    assert "expected a single number, got an array of shape (1,)" in lines[0]


def test_a_dtype_mismatch_is_reported_as_dtypes(capsys):
    _, lines = run(lambda: np.array([1, 2]), [Case((), np.array([1.0, 2.0]))], capsys, name="f")
    assert "expected floating point values (dtype float64)" in lines[0]
    assert "got integer values (dtype int64)" in lines[0]
    # An integer where an integer is expected passes; a float where an int is expected fails.
    _, lines = run(lambda: 3.0, [Case((), 3)], capsys, name="epoch")
    assert "expected integer values" in lines[0]


def test_dtype_check_can_be_switched_off(capsys):
    report, _ = run(
        lambda: np.array([True, False]),
        [Case((), np.array([1.0, 0.0]), check_dtype=False)],
        capsys,
    )
    assert report.all_passed


def test_an_int_is_accepted_for_a_float_number(capsys):
    report, _ = run(lambda: 3, [Case((), 3.0)], capsys)
    assert report.all_passed


def test_an_exception_from_the_function_becomes_a_failed_line(capsys):
    def broken(x):
        return 1 / 0

    report, lines = run(broken, [Case((1,), 1, hint="look at the division")], capsys)
    assert lines[0] == (
        "broken · case 1 of 1: failed: the call raised ZeroDivisionError: division by zero. "
        "Hint: look at the division"
    )
    assert report.n_failed == 1


def test_none_is_reported_as_a_missing_return(capsys):
    _, lines = run(lambda x: None, [Case((1,), 1.0)], capsys, name="f")
    assert "returned None (is a return statement missing?)" in lines[0]


def test_something_that_is_not_a_function(capsys):
    report, lines = run(42, [Case((1,), 1.0)], capsys, name="soft_threshold")
    assert "failed: the name does not refer to a function (it is a int)" in lines[0]
    assert report.n_failed == 1


def test_odd_results_never_make_the_check_raise(capsys):
    class Weird:
        def __eq__(self, other):
            raise RuntimeError("no comparison")

        def __repr__(self):
            raise RuntimeError("no repr")

    for result in (Weird(), [[1, 2], [3]], "text", {"a": 1}, (1, 2, 3)):
        report, lines = run(lambda r=result: r, [Case((), np.array([1.0, 2.0]))], capsys, name="f")
        assert len(lines) == 1 and ": failed: " in lines[0]
        assert report.n_failed == 1


def test_nan_equals_nan(capsys):
    report, _ = run(lambda: np.array([np.nan, 1.0]), [Case((), np.array([np.nan, 1.0]))], capsys)
    assert report.all_passed


def test_tolerances_are_respected(capsys):
    report, _ = run(lambda: 1.001, [Case((), 1.0, atol=1e-2)], capsys)
    assert report.all_passed
    report, _ = run(lambda: 1.001, [Case((), 1.0)], capsys)
    assert not report.all_passed


def test_exact_comparison(capsys):
    report, lines = run(lambda: 1.0 + 1e-12, [Case((), 1.0, compare="equal")], capsys, name="f")
    assert report.n_failed == 1 and "expected 1" in lines[0]


# --------------------------------------------------------------------------- containers
def test_tuples_are_compared_item_by_item(capsys):
    def ridge(*args):
        return np.array([1.0, 2.0]), 3.5

    _, lines = run(ridge, [Case((), (np.array([1.0, 2.0]), 3.0))], capsys)
    assert "failed: [1]: expected 3, got 3.5" in lines[0]
    _, lines = run(ridge, [Case((), (np.array([1.0, 2.0]),))], capsys)
    assert "expected 1 items, got 2" in lines[0]
    _, lines = run(lambda: np.zeros(2), [Case((), (np.zeros(2), 0.0))], capsys, name="f")
    assert "expected a tuple of 2 items, got an array of shape (2,)" in lines[0]


def test_dicts_are_compared_key_by_key(capsys):
    expected = {"ridge": {"test_mse": 1.0, "n_nonzero": 3}}
    report, _ = run(
        lambda: {"ridge": {"test_mse": 1.0, "n_nonzero": 3}}, [Case((), expected)], capsys
    )
    assert report.all_passed
    _, lines = run(lambda: {"lasso": {}}, [Case((), expected)], capsys, name="f")
    assert "the dict has no key 'ridge'" in lines[0]
    _, lines = run(
        lambda: {"ridge": {"test_mse": 1.0, "n_nonzero": 4}},
        [Case((), expected)],
        capsys,
        name="f",
    )
    assert "['ridge']['n_nonzero']: expected 3, got 4" in lines[0]


# --------------------------------------------------------------------- custom compares
def test_a_compare_function_can_return_a_message_false_or_raise(capsys):
    def message(got, expected):
        return "the mask must hold only 0 and 1"

    def false(got, expected):
        return False

    def asserting(got, expected):
        raise AssertionError("output must equal activations * mask / (1 - rate)")

    def crashing(got, expected):
        raise KeyError("oops")

    report, lines = run(
        square,
        [
            Case((1.0,), compare=message),
            Case((1.0,), compare=false),
            Case((1.0,), compare=asserting),
            Case((1.0,), compare=crashing),
            Case((1.0,), compare=lambda got, expected: True),
        ],
        capsys,
    )
    assert "failed: the mask must hold only 0 and 1" in lines[0]
    assert "failed: the result does not have the expected property" in lines[1]
    assert "failed: output must equal activations * mask / (1 - rate)" in lines[2]
    assert "failed: the result could not be compared (KeyError: 'oops')" in lines[3]
    assert lines[4].endswith(": passed")
    assert report.n_passed == 1 and report.n_failed == 4


def test_same_fitted_estimators():
    from sklearn.linear_model import Lasso, Ridge

    X, y = np.eye(4), np.arange(4.0)
    compare = same_fitted_estimators(atol=1e-8)
    reference = {"ridge": Ridge(alpha=1.0).fit(X, y)}
    assert compare({"ridge": Ridge(alpha=1.0).fit(X, y)}, reference) is True
    assert "is not fitted" in compare({"ridge": Ridge(alpha=1.0)}, reference)
    assert "expected a fitted Ridge, got a Lasso" in compare(
        {"ridge": Lasso().fit(X, y)}, reference
    )
    assert "'ridge'.coef_: expected" in compare({"ridge": Ridge(alpha=5.0).fit(X, y)}, reference)
    assert "expected the keys" in compare({"lasso": Ridge().fit(X, y)}, reference)


# ------------------------------------------------------------------------- exceptions
def validate(x):
    if x < 0:
        raise ValueError("x must be zero or positive")
    return x


def test_expected_exceptions(capsys):
    report, lines = run(
        validate,
        [
            Case((-1,), raises=ValueError, label="negative"),
            Case((-1,), raises=ValueError, match="POSITIVE"),
            Case((-1,), raises=ValueError, match="finite", hint="say why"),
            Case((1,), raises=ValueError, hint="raise ValueError for bad input"),
            Case((-1,), raises=TypeError),
        ],
        capsys,
    )
    assert lines[0] == "validate · case 1 of 5 (negative): passed"
    assert lines[1].endswith(": passed")
    assert "raised ValueError as expected, but its message" in lines[2]
    assert "does not mention 'finite'. Hint: say why" in lines[2]
    assert "failed: expected ValueError, but the call returned 1" in lines[3]
    assert "failed: expected TypeError, but the call raised ValueError" in lines[4]
    assert report.n_passed == 2 and report.n_failed == 3


def test_expected_exception_of_a_stub_is_not_attempted(capsys):
    report, lines = run(stub, [Case((-1,), raises=ValueError)], capsys, name="validate")
    assert lines == ["validate · case 1 of 1: not attempted yet"]
    assert report.n_not_attempted == 1


def test_check_raises(capsys):
    report = check_raises(validate, (-2,), ValueError, match="positive", label="negative")
    assert capsys.readouterr().out == "validate · case 1 of 1 (negative): passed\n"
    assert report.all_passed
    report = check_raises(validate, (2,), ValueError, strict=False)
    assert "expected ValueError, but the call returned 2" in capsys.readouterr().out
    with pytest.raises(AssertionError):
        check_raises(validate, (2,), ValueError, strict=True)


# ------------------------------------------------------------------------ strict mode
def test_strict_mode_raises_after_printing_unless_everything_passed(capsys):
    report = check_function(square, [Case((2,), 4.0)], strict=True)
    assert report.all_passed
    with pytest.raises(AssertionError, match=r"square: 0 of 1 cases passed, 1 failed\. First"):
        check_function(square, [Case((2,), 5.0)], strict=True)
    assert "failed" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="not attempted yet"):
        check_function(stub, [Case((2,), 4.0)], name="square", strict=True)


def test_normal_mode_never_raises_whatever_the_function_does(capsys):
    def raises_everything(x):
        raise {0: ValueError, 1: TypeError, 2: RuntimeError, 3: NotImplementedError}[x]("boom")

    report = check_function(raises_everything, [Case((i,), 1.0) for i in range(4)])
    assert report.n_failed == 3 and report.n_not_attempted == 1
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_assert_all_passed():
    report = CheckReport("f", [])
    with pytest.raises(AssertionError):
        report.assert_all_passed()


def test_quiet_mode_prints_nothing(capsys):
    report = check_function(square, [Case((2,), 4.0)], quiet=True)
    assert capsys.readouterr().out == "" and report.all_passed


def test_results_hold_statuses_and_messages():
    report = check_function(square, [Case((2,), 4.0), Case((2,), 5.0)], quiet=True)
    assert [r.status for r in report.results] == [PASSED, FAILED]
    assert "expected 5" in report.results[1].message
    assert NOT_ATTEMPTED == "not attempted yet"


# ------------------------------------------------------------------- inputs and copies
def test_inputs_are_copied_before_each_call(capsys):
    def mutating(values):
        values[0] = 100.0
        return float(np.sum(values))

    data = np.array([1.0, 2.0])
    report, _ = run(mutating, [Case((data,), 102.0), Case((data,), 102.0)], capsys)
    assert report.all_passed
    assert data.tolist() == [1.0, 2.0]


def test_keyword_arguments(capsys):
    def power(x, exponent=2):
        return float(x**exponent)

    report, _ = run(power, [Case((2.0,), 8.0, kwargs={"exponent": 3})], capsys)
    assert report.all_passed


def test_bad_cases_are_authoring_errors_with_clear_messages():
    with pytest.raises(TypeError, match="Case args must be a tuple"):
        Case(np.zeros(3), 1.0)
    with pytest.raises(ValueError, match="compare must be 'allclose', 'equal' or a function"):
        Case((1,), 1.0, compare="close")
    with pytest.raises(TypeError, match="raises must be an exception class"):
        Case((1,), raises="ValueError")
    with pytest.raises(TypeError, match="cases must be a list of Case objects"):
        check_function(square, [(1, 1)])
    with pytest.raises(ValueError, match="at least one Case"):
        check_function(square, [])


def test_describe_mismatch_directly():
    assert describe_mismatch(np.zeros(2), np.zeros(2)) is None
    assert describe_mismatch("a", "b") == "expected 'b', got 'a'"
    assert (
        describe_mismatch(np.zeros((2, 1)), np.zeros(2)) == "expected shape (2,), got shape (2, 1)"
    )
