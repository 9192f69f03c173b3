"""Argument checks shared by the learner modules: one function per check, one wording per error.

Private to ``course_utils``: every public function of the package checks its
arguments with these, so that a learner who passes the wrong thing reads the
same sentence whichever helper they called. Each check returns the value in
the form the caller works with (an ``int``, a ``float``, a float array).

>>> check_whole_number("epochs", 20, minimum=1)
20
>>> check_number("alpha", 0, low=0, low_open=True)
Traceback (most recent call last):
...
ValueError: alpha must be a positive number, got 0.
>>> check_number("rate", 1.0, low=0, high=1, high_open=True)
Traceback (most recent call last):
...
ValueError: rate must be at least 0 and below 1, got 1.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Collection
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "MAX_SEED",
    "check_whole_number",
    "check_seed",
    "check_number",
    "check_flag",
    "check_text",
    "check_choice",
    "check_callable",
    "check_array",
    "check_1d",
    "check_finite_1d",
    "check_positive_1d",
    "check_xy",
]

MAX_SEED = 2**32 - 1  # what Python's random, NumPy's legacy seeding and Keras all accept
T = TypeVar("T")


def _type_name(value: Any) -> str:
    return type(value).__name__


def _is_whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_whole_number(name: str, value: Any, *, minimum: int | None = None) -> int:
    """``value`` as an ``int``: a whole number (not a bool), at least ``minimum``."""
    if not _is_whole(value):
        raise TypeError(f"{name} must be a whole number, got {_type_name(value)}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def check_seed(value: Any, name: str = "seed") -> int:
    """A random seed: a whole number from 0 to 2**32 - 1.

    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be between 0 and 2**32 - 1, got -1.
    """
    if not _is_whole(value):
        raise TypeError(f"{name} must be a whole number such as 42, got {_type_name(value)}.")
    if not 0 <= value <= MAX_SEED:
        raise ValueError(f"{name} must be between 0 and 2**32 - 1, got {value}.")
    return int(value)


def _range_words(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low == 0 and low_open and high is None:
        return "a positive number"
    if low is not None and high is not None and not (low_open or high_open):
        return f"between {low:g} and {high:g}"
    words = []
    if low is not None:
        words.append(f"{'greater than' if low_open else 'at least'} {low:g}")
    if high is not None:
        words.append(f"{'below' if high_open else 'at most'} {high:g}")
    return " and ".join(words) or "a finite number"


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite ``float`` in the range given (bounds included unless ``*_open``).

    >>> check_number("l1_ratio", 2, low=0, high=1)
    Traceback (most recent call last):
    ...
    ValueError: l1_ratio must be between 0 and 1, got 2.
    """
    if not _is_real(value):
        raise TypeError(f"{name} must be a number, got {_type_name(value)}.")
    number = float(value)
    bad = not np.isfinite(number)
    bad = bad or (low is not None and (number < low or (low_open and number == low)))
    bad = bad or (high is not None and (number > high or (high_open and number == high)))
    if bad:
        words = _range_words(low, high, low_open, high_open)
        raise ValueError(f"{name} must be {words}, got {number:g}.")
    return number


def check_flag(name: str, value: Any) -> bool:
    """``value`` itself, which must be ``True`` or ``False``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False.")
    return bool(value)


def check_text(name: str, value: Any) -> str:
    """A non-empty string, stripped."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_type_name(value)}.")
    if not value.strip():
        raise ValueError(f"{name} must not be empty.")
    return value.strip()


def check_choice(name: str, value: T, options: Collection[T]) -> T:
    """``value`` itself, which must be one of ``options``.

    >>> check_choice("kind", "l3", ("l1", "l2"))
    Traceback (most recent call last):
    ...
    ValueError: kind must be one of 'l1', 'l2', got 'l3'.
    """
    try:
        ok = value in options
    except TypeError:  # an unhashable value asked of a set
        ok = False
    if not ok:
        names = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {names}, got {value!r}.")
    return value


def check_callable(name: str, value: Any, *, optional: bool = False) -> Callable | None:
    """A function (or ``None`` when ``optional``)."""
    if value is None and optional:
        return None
    if not callable(value):
        alternative = ", or None" if optional else ""
        raise TypeError(f"{name} must be callable, for example numpy.sin{alternative}.")
    return value


def check_array(name: str, values: Any, *, ndim: int | None = None) -> np.ndarray:
    """``values`` as a float array of ``ndim`` dimensions, without NaN or infinite values."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers.") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


def check_1d(name: str, values: Any) -> np.ndarray:
    """A non-empty one-dimensional float array (a single column counts as one dimension)."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers.") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (or a single column), got shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty.")
    return arr


def check_finite_1d(name: str, values: Any) -> np.ndarray:
    """:func:`check_1d`, without NaN or infinite values."""
    arr = check_1d(name, values)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


def check_positive_1d(name: str, values: Any) -> np.ndarray:
    """:func:`check_finite_1d`, every value positive (drawn on a log scale)."""
    arr = check_finite_1d(name, values)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must hold positive numbers to be drawn on a log scale.")
    return arr


def check_xy(
    X: Any, y: Any, *, min_samples: int = 1, one_feature: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Training data: ``X`` two-dimensional (a 1-D ``X`` is one feature), ``y`` one value per row.

    ``one_feature`` also requires a single column (for the one-feature figures).

    >>> X, y = check_xy([1.0, 2.0, 3.0], [2.0, 4.0, 6.0])
    >>> X.shape, y.shape
    ((3, 1), (3,))
    """
    try:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("X and y must be arrays of numbers.") from None
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"X must be two-dimensional (samples x features), got shape {X.shape}.")
    if one_feature and X.shape[1] != 1:
        raise ValueError(f"X must have a single feature (one column), got {X.shape[1]}.")
    y = check_1d("y", y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} values.")
    if len(y) < min_samples:
        raise ValueError(f"Fitting needs at least {min_samples} samples, got {len(y)}.")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must not contain NaN or infinite values.")
    return X, y
