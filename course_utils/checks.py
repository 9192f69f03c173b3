"""Instant feedback on exercise functions: one printed line per test case, never an exception.

The exercise notebooks call these functions right after each function a
learner writes. Every case prints one line:

* ``passed``;
* ``failed`` with what was expected and what came back (value, shape or
  dtype), plus a hint;
* ``not attempted yet`` while the function still raises ``NotImplementedError``.

A check never raises in its normal mode, whatever the learner's code does
(an exception becomes a ``failed`` line naming its type and message), so an
untouched exercise notebook runs from top to bottom. Graded test cells use the
strict mode (``strict=True`` or :meth:`CheckReport.assert_all_passed`), which
raises ``AssertionError`` unless every case passed: an autograder scores a
test cell by whether it raises.

>>> import numpy as np
>>> def double(x):
...     return 2 * np.asarray(x, dtype=float)
>>> report = check_function(double, [Case((1.5,), 3.0), Case(([1, 2],), np.array([2.0, 4.0]))])
double · case 1 of 2: passed
double · case 2 of 2: passed
>>> report
double: 2 of 2 cases passed
>>> def stub(x):
...     raise NotImplementedError
>>> check_function(stub, [Case((1.0,), 2.0)], name="double")
double · case 1 of 1: not attempted yet
double: 0 of 1 cases passed, 1 not attempted yet
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

__all__ = [
    "Case",
    "CaseResult",
    "CheckReport",
    "PASSED",
    "FAILED",
    "NOT_ATTEMPTED",
    "check_function",
    "check_raises",
    "describe_mismatch",
    "same_fitted_estimators",
]

PASSED = "passed"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted yet"
_COMPARE_MODES = ("allclose", "equal")
_MAX_VALUE_CHARS = 70


@dataclass(frozen=True)
class Case:
    """One call of the learner's function and what it should return.

    Parameters
    ----------
    args, kwargs:
        Positional and keyword arguments of the call. They are deep-copied
        before the call, so a function that modifies its inputs cannot change
        later cases.
    expected:
        The expected result: a number, an array, or a tuple, list or dict of
        them (compared item by item).
    hint:
        A sentence shown when the case fails.
    label:
        A few words naming what the case tests (shown in the printed line).
    compare:
        ``"allclose"`` (numbers within ``atol + rtol * |expected|``, NaN equal
        to NaN), ``"equal"`` (exact), or a function ``compare(got, expected)``
        returning ``True`` when the result is right and ``False`` or a
        sentence saying what is wrong otherwise (it may also raise
        ``AssertionError`` with that sentence).
    atol, rtol:
        Tolerances of ``"allclose"``.
    check_dtype:
        Also require the same kind of dtype (boolean, integer, floating
        point) as ``expected``.
    raises, match:
        Instead of a result, expect the call to raise this exception class
        (for example ``ValueError`` for bad input); ``match``, when given, must
        appear in the error message (case-insensitively). ``expected`` is then
        ignored.
    """

    args: tuple = ()
    expected: Any = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    hint: str = ""
    label: str = ""
    compare: str | Callable[[Any, Any], Any] = "allclose"
    atol: float = 1e-8
    rtol: float = 1e-6
    check_dtype: bool = True
    raises: type[BaseException] | None = None
    match: str | None = None

    def __post_init__(self):
        if not isinstance(self.args, (tuple, list)):
            raise TypeError(
                "Case args must be a tuple of positional arguments, for example (X, y); "
                f"got {type(self.args).__name__}. For a single argument write (x,)."
            )
        if not isinstance(self.kwargs, Mapping):
            raise TypeError(f"Case kwargs must be a dict, got {type(self.kwargs).__name__}.")
        if not (callable(self.compare) or self.compare in _COMPARE_MODES):
            raise ValueError(
                f"Case compare must be 'allclose', 'equal' or a function, got {self.compare!r}."
            )
        if self.atol < 0 or self.rtol < 0:
            raise ValueError("Case atol and rtol must be zero or positive.")
        if self.raises is not None and not (
            isinstance(self.raises, type) and issubclass(self.raises, BaseException)
        ):
            raise TypeError("Case raises must be an exception class such as ValueError.")


@dataclass(frozen=True)
class CaseResult:
    """One case: ``status`` is ``"passed"``, ``"failed"`` or ``"not attempted yet"``."""

    status: str
    line: str
    message: str = ""


class CheckReport:
    """The outcome of one check: the printed lines and their counts.

    Its ``repr`` is a one-line summary. :meth:`assert_all_passed` raises
    ``AssertionError`` unless every case passed (for graded test cells).
    """

    def __init__(self, name: str, results: Sequence[CaseResult]):
        self.name = name
        self.results = list(results)

    @property
    def n_cases(self) -> int:
        return len(self.results)

    @property
    def n_passed(self) -> int:
        return sum(r.status == PASSED for r in self.results)

    @property
    def n_failed(self) -> int:
        return sum(r.status == FAILED for r in self.results)

    @property
    def n_not_attempted(self) -> int:
        return sum(r.status == NOT_ATTEMPTED for r in self.results)

    @property
    def all_passed(self) -> bool:
        return self.n_cases > 0 and self.n_passed == self.n_cases

    @property
    def lines(self) -> list[str]:
        return [r.line for r in self.results]

    def summary(self) -> str:
        text = f"{self.name}: {self.n_passed} of {self.n_cases} cases passed"
        if self.n_failed:
            text += f", {self.n_failed} failed"
        if self.n_not_attempted:
            text += f", {self.n_not_attempted} not attempted yet"
        return text

    def __repr__(self) -> str:
        return self.summary()

    def assert_all_passed(self) -> CheckReport:
        """Raise ``AssertionError`` naming the first problem unless every case passed."""
        if self.all_passed:
            return self
        first = next((r for r in self.results if r.status != PASSED), None)
        detail = f" First problem: {first.line}" if first is not None else ""
        raise AssertionError(f"{self.summary()}.{detail}")


# ----------------------------------------------------------------------------- formatting
def _short(value: Any) -> str:
    """A compact, deterministic text for a value (arrays rounded, long text cut)."""
    try:
        if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
            scalar = np.asarray(value).item()
            text = f"{scalar:.6g}" if isinstance(scalar, float) else repr(scalar)
        elif isinstance(value, np.ndarray):
            arr = value
            if arr.dtype.kind in "fc":
                text = np.array2string(
                    arr,
                    precision=4,
                    suppress_small=True,
                    threshold=8,
                    edgeitems=3,
                    max_line_width=10_000,
                    separator=", ",
                )
            else:
                text = np.array2string(
                    arr, threshold=8, edgeitems=3, max_line_width=10_000, separator=", "
                )
            text = " ".join(text.split())
        elif isinstance(value, float):
            text = f"{value:.6g}"
        else:
            text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not break the check
        text = f"<{type(value).__name__} object>"
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def _kind_name(kind: str) -> str:
    return {
        "b": "boolean",
        "i": "integer",
        "u": "integer",
        "f": "floating point",
        "c": "complex",
    }.get(kind, "other")


def _numeric_kind(value: Any) -> str | None:
    """'b', 'i', 'f' or 'c' for numbers and numeric arrays, None otherwise."""
    if isinstance(value, (bool, np.bool_)):
        return "b"
    if isinstance(value, numbers.Integral):
        return "i"
    if isinstance(value, numbers.Real):
        return "f"
    if isinstance(value, numbers.Complex):
        return "c"
    if isinstance(value, (np.ndarray, np.generic)):
        kind = value.dtype.kind
        return "i" if kind == "u" else (kind if kind in "bifc" else None)
    return None


def _type_word(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list, dict)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def describe_mismatch(
    got: Any,
    expected: Any,
    *,
    compare="allclose",
    atol=1e-8,
    rtol=1e-6,
    check_dtype=True,
    where: str = "",
) -> str | None:
    """``None`` when ``got`` matches ``expected``, else a sentence saying what differs.

    >>> describe_mismatch(np.zeros((2, 1)), np.zeros(2))
    'expected shape (2,), got shape (2, 1)'
    >>> describe_mismatch(3, 3.0) is None
    True
    """
    prefix = f"{where}: " if where else ""
    if callable(compare):
        return _mismatch_by_function(got, expected, compare, prefix)
    options = {"compare": compare, "atol": atol, "rtol": rtol, "check_dtype": check_dtype}
    # Containers are compared item by item (a list of numbers may come back as an array:
    # that is compared as numbers below).
    if isinstance(expected, Mapping):
        return _mismatch_in_mapping(got, expected, prefix, where, options)
    if isinstance(expected, (tuple, list)) and not (
        isinstance(got, np.ndarray) and not isinstance(expected, tuple)
    ):
        return _mismatch_in_sequence(got, expected, prefix, where, options)
    if got is None and expected is not None:
        return prefix + "the function returned None (is a return statement missing?)"
    if _numeric_kind(expected) is None and not isinstance(expected, (list, np.ndarray)):
        return _mismatch_by_equality(got, expected, prefix)
    return _mismatch_in_numbers(got, expected, prefix, compare, atol, rtol, check_dtype)


def _mismatch_by_function(got: Any, expected: Any, compare: Callable, prefix: str) -> str | None:
    """``compare(got, expected)`` decides: True/None is a match, a string says what differs."""
    try:
        verdict = compare(got, expected)
    except AssertionError as exc:
        return prefix + (str(exc) or "the result does not have the expected property")
    if verdict is True or verdict is None or (isinstance(verdict, np.bool_) and verdict):
        return None
    if isinstance(verdict, str):
        return prefix + verdict
    return prefix + "the result does not have the expected property"


def _mismatch_in_mapping(
    got: Any, expected: Mapping, prefix: str, where: str, options: dict[str, Any]
) -> str | None:
    if not isinstance(got, Mapping):
        return (
            prefix + f"expected a dict with keys {_short(list(expected))}, got {_type_word(got)}"
        )
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    if missing:
        return prefix + f"the dict has no key {_short(missing[0])}"
    if extra:
        return prefix + f"the dict has an unexpected key {_short(extra[0])}"
    for key in expected:
        problem = describe_mismatch(got[key], expected[key], where=f"{where}[{key!r}]", **options)
        if problem:
            return problem
    return None


def _mismatch_in_sequence(
    got: Any, expected: tuple | list, prefix: str, where: str, options: dict[str, Any]
) -> str | None:
    if not isinstance(got, (tuple, list)):
        return prefix + (
            f"expected a {type(expected).__name__} of {len(expected)} items, got {_type_word(got)}"
        )
    if len(got) != len(expected):
        return prefix + (f"expected {len(expected)} items, got {len(got)}")
    for index, (g, e) in enumerate(zip(got, expected, strict=True)):
        problem = describe_mismatch(g, e, where=f"{where}[{index}]", **options)
        if problem:
            return problem
    return None


def _mismatch_by_equality(got: Any, expected: Any, prefix: str) -> str | None:
    """Strings and other objects: plain equality."""
    try:
        same = bool(got == expected)
    except Exception:  # noqa: BLE001
        same = False
    return None if same else prefix + f"expected {_short(expected)}, got {_short(got)}"


def _mismatch_in_numbers(
    got: Any, expected: Any, prefix: str, compare: str, atol, rtol, check_dtype: bool
) -> str | None:
    exp_arr = np.asarray(expected)
    try:
        got_arr = np.asarray(got)
    except Exception:  # noqa: BLE001 - ragged or exotic objects
        return prefix + f"expected {_type_word(exp_arr)}, got {_type_word(got)}"
    got_kind = _numeric_kind(got_arr)
    if got_kind is None:
        return prefix + (
            f"expected numbers, got {_type_word(got)} (dtype {got_arr.dtype}): {_short(got)}"
        )
    if got_arr.shape != exp_arr.shape:
        if exp_arr.shape == ():
            return prefix + f"expected a single number, got an array of shape {got_arr.shape}"
        return prefix + f"expected shape {exp_arr.shape}, got shape {got_arr.shape}"
    exp_kind = _numeric_kind(exp_arr) or "o"
    if (
        check_dtype
        and exp_kind != got_kind
        and not (exp_kind == "f" and got_kind == "i" and exp_arr.shape == ())
    ):
        return prefix + (
            f"expected {_kind_name(exp_kind)} values (dtype {exp_arr.dtype}), got "
            f"{_kind_name(got_kind)} values (dtype {got_arr.dtype})"
        )
    if compare == "equal" or exp_kind == "b" or got_kind == "b":
        same = bool(np.array_equal(got_arr, exp_arr, equal_nan=exp_kind in "fc"))
        if same:
            return None
        return (
            prefix
            + f"expected {_short(exp_arr)}, got {_short(got_arr)}"
            + _where_differs(got_arr, exp_arr)
        )
    as_type = complex if "c" in (got_kind, exp_kind) else float
    close = np.isclose(
        got_arr.astype(as_type), exp_arr.astype(as_type), atol=atol, rtol=rtol, equal_nan=True
    )
    if bool(np.all(close)):
        return None
    return (
        prefix
        + f"expected {_short(exp_arr)}, got {_short(got_arr)}"
        + _where_differs(got_arr, exp_arr, close)
    )


def _where_differs(got_arr, exp_arr, close=None) -> str:
    if exp_arr.shape == ():
        return ""
    if close is None:
        close = got_arr == exp_arr
    bad = np.argwhere(~np.asarray(close))
    if len(bad) == 0:
        return ""
    index = tuple(int(i) for i in bad[0])
    index_text = index[0] if len(index) == 1 else index
    text = f" (first difference at index {index_text}"
    if exp_arr.dtype.kind in "iuf" and got_arr.dtype.kind in "iuf":
        diff = np.abs(got_arr.astype(float) - exp_arr.astype(float))
        largest = float(np.nanmax(diff)) if np.isfinite(diff).any() else math.nan
        text += f", largest difference {largest:.3g}"
    return text + ")"


def same_fitted_estimators(*attributes: str, atol: float = 1e-6, rtol: float = 1e-6):
    """A ``compare`` function for :class:`Case` when the result is a fitted scikit-learn model.

    The result may be one estimator or a dict of them (compared key by key). Each
    must have the class of the expected estimator, be fitted, and have fitted
    ``attributes`` (default ``coef_`` and ``intercept_``) close to the expected
    ones.

    >>> from sklearn.linear_model import Ridge
    >>> X, y = np.eye(3), np.arange(3.0)
    >>> compare = same_fitted_estimators("coef_")
    >>> compare(Ridge(alpha=1.0).fit(X, y), Ridge(alpha=1.0).fit(X, y))
    True
    >>> message = compare(Ridge(alpha=2.0).fit(X, y), Ridge(alpha=1.0).fit(X, y))
    >>> message.startswith("coef_: expected")
    True
    """
    attributes = attributes or ("coef_", "intercept_")

    def compare_one(got, expected, where: str) -> str | None:
        prefix = f"{where}: " if where else ""
        if type(got) is not type(expected):
            return prefix + (f"expected a fitted {type(expected).__name__}, got {_type_word(got)}")
        for attribute in attributes:
            if not hasattr(got, attribute):
                return prefix + f"the {type(got).__name__} is not fitted (call its fit method)"
            problem = describe_mismatch(
                getattr(got, attribute),
                getattr(expected, attribute),
                atol=atol,
                rtol=rtol,
                where=f"{where}.{attribute}" if where else attribute,
            )
            if problem:
                return problem
        return None

    def compare(got, expected):
        if isinstance(expected, Mapping):
            if not isinstance(got, Mapping):
                return f"expected a dict with keys {_short(list(expected))}, got {_type_word(got)}"
            if set(got) != set(expected):
                return f"expected the keys {_short(sorted(expected))}, got {_short(sorted(got))}"
            for key in expected:
                problem = compare_one(got[key], expected[key], repr(key))
                if problem:
                    return problem
            return True
        return compare_one(got, expected, "") or True

    return compare


# --------------------------------------------------------------------------------- checks
def _function_name(func: Any, name: str | None) -> str:
    if name:
        return str(name)
    return str(getattr(func, "__name__", None) or type(func).__name__)


def _head(name: str, index: int, total: int, label: str) -> str:
    text = f"{name} · case {index} of {total}"
    return f"{text} ({label})" if label else text


def _with_hint(line: str, hint: str) -> str:
    return f"{line}. Hint: {hint}" if hint else line


def _exception_text(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _call(func, args, kwargs):
    return func(*copy.deepcopy(tuple(args)), **copy.deepcopy(dict(kwargs)))


def _not_attempted(head: str) -> CaseResult:
    return CaseResult(
        NOT_ATTEMPTED,
        f"{head}: {NOT_ATTEMPTED}",
    )


def _failed(head: str, message: str, hint: str) -> CaseResult:
    return CaseResult(FAILED, _with_hint(f"{head}: {FAILED}: {message}", hint), message)


def _run_raises_case(func, case: Case, head: str) -> CaseResult:
    assert case.raises is not None  # only called for a case that expects an exception
    raises: type[BaseException] = case.raises
    expected = raises.__name__
    error: BaseException
    try:
        got = _call(func, case.args, case.kwargs)
    except NotImplementedError as exc:
        if not issubclass(NotImplementedError, raises):
            return _not_attempted(head)
        error = exc
    except Exception as exc:  # noqa: BLE001 - any learner error becomes a line
        if not isinstance(exc, raises):
            message = f"expected {expected}, but the call raised {_exception_text(exc)}"
            return _failed(head, message, case.hint)
        error = exc
    else:
        message = f"expected {expected}, but the call returned {_short(got)}"
        return _failed(head, message, case.hint)
    if case.match is not None and case.match.lower() not in str(error).lower():
        message = (
            f"raised {expected} as expected, but its message {str(error)!r} does not "
            f"mention {case.match!r}"
        )
        return _failed(head, message, case.hint)
    return CaseResult(PASSED, f"{head}: {PASSED}")


def _run_case(func, case: Case, head: str) -> CaseResult:
    if not callable(func):
        return CaseResult(
            FAILED,
            f"{head}: {FAILED}: the name does not refer to a function (it is {_type_word(func)})",
        )
    if case.raises is not None:
        return _run_raises_case(func, case, head)
    try:
        got = _call(func, case.args, case.kwargs)
    except NotImplementedError:
        return _not_attempted(head)
    except Exception as exc:  # noqa: BLE001 - any learner error becomes a failed line
        return _failed(head, f"the call raised {_exception_text(exc)}", case.hint)
    try:
        problem = describe_mismatch(
            got,
            case.expected,
            compare=case.compare,
            atol=case.atol,
            rtol=case.rtol,
            check_dtype=case.check_dtype,
        )
    except Exception as exc:  # noqa: BLE001 - e.g. a result whose comparison itself raises
        problem = f"the result could not be compared ({_exception_text(exc)})"
    if problem is None:
        return CaseResult(PASSED, f"{head}: {PASSED}")
    return _failed(head, problem, case.hint)


def _finish(report: CheckReport, *, quiet: bool, strict: bool) -> CheckReport:
    if not quiet:
        # One write, so that the notebook stores the lines as a single output.
        print("\n".join(report.lines), flush=True)
    if strict:
        report.assert_all_passed()
    return report


def check_function(
    func: Callable,
    cases: Sequence[Case],
    *,
    name: str | None = None,
    strict: bool = False,
    quiet: bool = False,
) -> CheckReport:
    """Call ``func`` on every case, print one line per case and return a :class:`CheckReport`.

    Never raises in the normal mode: exceptions from ``func`` become ``failed``
    lines, ``NotImplementedError`` becomes ``not attempted yet``. With
    ``strict=True`` it raises ``AssertionError`` after printing unless every
    case passed (use it in graded test cells). ``quiet=True`` prints nothing.

    >>> check_function(abs, [Case((-2,), 2, label="negative number")])
    abs · case 1 of 1 (negative number): passed
    abs: 1 of 1 cases passed
    """
    if isinstance(cases, Case):
        cases = [cases]
    if not isinstance(cases, Sequence) or not all(isinstance(c, Case) for c in cases):
        raise TypeError("cases must be a list of Case objects, for example [Case((x,), y)].")
    if not cases:
        raise ValueError("cases must hold at least one Case.")
    name = _function_name(func, name)
    results = [
        _run_case(func, case, _head(name, index, len(cases), case.label))
        for index, case in enumerate(cases, start=1)
    ]
    return _finish(CheckReport(name, results), quiet=quiet, strict=strict)


def check_raises(
    func: Callable,
    args: Sequence = (),
    exception_type: type = ValueError,
    *,
    kwargs: Mapping[str, Any] | None = None,
    match: str | None = None,
    label: str = "",
    hint: str = "",
    name: str | None = None,
    strict: bool = False,
    quiet: bool = False,
) -> CheckReport:
    """Check that ``func(*args, **kwargs)`` raises ``exception_type``; print one line.

    ``match``, when given, must appear (case-insensitively) in the error
    message. Passing means the right exception was raised; a return value or a
    different exception is a ``failed`` line; ``NotImplementedError`` is ``not
    attempted yet``. Never raises unless ``strict=True``.

    >>> def sqrt(x):
    ...     if x < 0:
    ...         raise ValueError("x must be zero or positive")
    ...     return x ** 0.5
    >>> check_raises(sqrt, (-1.0,), ValueError, match="positive", label="negative input")
    sqrt · case 1 of 1 (negative input): passed
    sqrt: 1 of 1 cases passed
    """
    case = Case(
        # anything else reaches Case, which rejects it with the course's message
        tuple(args) if isinstance(args, (tuple, list)) else cast(tuple, args),
        kwargs=dict(kwargs or {}),
        raises=exception_type,
        match=match,
        label=label,
        hint=hint,
    )
    return check_function(func, [case], name=name, strict=strict, quiet=quiet)
