"""Data generators with known ground truth, and small bundled data sets that over-fit.

Every function takes a ``seed`` and returns identical arrays for the same
seed. Nothing is downloaded: the classification sets come from data sets that
ship inside scikit-learn.

>>> from course_utils.data import make_tutorial_linear
>>> X, y = make_tutorial_linear(seed=0)
>>> X.shape, y.shape
((100, 1), (100,))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from course_utils._validation import (
    check_callable,
    check_flag,
    check_number,
    check_seed,
    check_whole_number,
)

__all__ = [
    "DataSplit",
    "TUTORIAL_SLOPE",
    "TUTORIAL_INTERCEPT",
    "TUTORIAL_NOISE_SD",
    "make_tutorial_linear",
    "make_sparse_regression",
    "make_correlated_groups",
    "make_nonlinear_1d",
    "true_function_1d",
    "make_noisy_moons",
    "load_digits_split",
    "load_breast_cancer_split",
]

# Ground truth of the tutorial's first example: y = 3 x + 2 + N(0, 2^2).
TUTORIAL_SLOPE = 3.0
TUTORIAL_INTERCEPT = 2.0
TUTORIAL_NOISE_SD = 2.0


class DataSplit(NamedTuple):
    """Train / validation / test arrays; unpacks like a tuple of six arrays."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


# ------------------------------------------------------------------ regression sets
def make_tutorial_linear(
    n_samples: int = 100, *, noise: float = TUTORIAL_NOISE_SD, seed: int = 42
) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's linear data: ``x ~ U[0, 10)``, ``y = 3 x + 2 + N(0, noise^2)``.

    Returns ``X`` with shape ``(n_samples, 1)`` and ``y`` with shape ``(n_samples,)``.
    The best possible mean squared error on fresh data is ``noise**2`` (4 by default).

    >>> X, y = make_tutorial_linear(5, seed=1)
    >>> bool(((X >= 0) & (X < 10)).all())
    True
    """
    n_samples = check_whole_number("n_samples", n_samples, minimum=1)
    noise = check_number("noise", noise, low=0)
    rng = np.random.default_rng(check_seed(seed))
    X = rng.uniform(0.0, 10.0, size=(n_samples, 1))
    y = TUTORIAL_SLOPE * X[:, 0] + TUTORIAL_INTERCEPT + rng.normal(0.0, noise, size=n_samples)
    return X, y


def make_sparse_regression(
    n_samples: int = 100,
    n_features: int = 20,
    n_informative: int = 5,
    *,
    noise: float = 1.0,
    correlation: float = 0.0,
    seed: int = 42,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear data where only ``n_informative`` of ``n_features`` coefficients are non-zero.

    Features are standard normal with correlation ``correlation ** |i - j|``
    between features ``i`` and ``j`` (an AR(1) structure: neighbours are most
    alike). The informative features sit at random positions; their
    coefficients have magnitudes between 1 and 3 and random signs.

    Returns ``(X, y, coef)`` where ``y = X @ coef + N(0, noise^2)`` and ``coef``
    is the true coefficient vector (zeros off the support).

    >>> X, y, coef = make_sparse_regression(50, 10, 3, seed=0)
    >>> X.shape, int((coef != 0).sum())
    ((50, 10), 3)
    """
    n_samples = check_whole_number("n_samples", n_samples, minimum=1)
    n_features = check_whole_number("n_features", n_features, minimum=1)
    n_informative = check_whole_number("n_informative", n_informative, minimum=0)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative ({n_informative}) cannot exceed n_features ({n_features})."
        )
    noise = check_number("noise", noise, low=0)
    correlation = check_number("correlation", correlation, low=0, high=1, high_open=True)
    rng = np.random.default_rng(check_seed(seed))
    lags = np.abs(np.subtract.outer(np.arange(n_features), np.arange(n_features)))
    cov = correlation**lags
    chol = np.linalg.cholesky(cov)
    X = rng.standard_normal((n_samples, n_features)) @ chol.T
    coef = np.zeros(n_features)
    support = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    coef[support] = rng.uniform(1.0, 3.0, n_informative) * rng.choice([-1.0, 1.0], n_informative)
    y = X @ coef + rng.normal(0.0, noise, size=n_samples)
    return X, y, coef


def make_correlated_groups(
    n_samples: int = 100,
    n_groups: int = 4,
    group_size: int = 3,
    n_informative_groups: int = 2,
    *,
    within_correlation: float = 0.95,
    noise: float = 1.0,
    seed: int = 42,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features in groups of near-copies; whole groups are informative or not.

    Each group shares one latent standard normal factor; its members are
    ``sqrt(r) * factor + sqrt(1 - r) * own_noise`` so members of a group have
    correlation ``r = within_correlation`` and different groups are independent.
    The first ``n_informative_groups`` groups carry signal: every member gets
    the same coefficient (between 1 and 2 in size, random sign). Columns are
    ordered group by group.

    Returns ``(X, y, coef)``.

    >>> X, y, coef = make_correlated_groups(200, n_groups=3, group_size=2, seed=0)
    >>> X.shape, coef.reshape(3, 2)[:, 0].astype(bool).tolist()
    ((200, 6), [True, True, False])
    """
    n_samples = check_whole_number("n_samples", n_samples, minimum=1)
    n_groups = check_whole_number("n_groups", n_groups, minimum=1)
    group_size = check_whole_number("group_size", group_size, minimum=1)
    n_informative_groups = check_whole_number(
        "n_informative_groups", n_informative_groups, minimum=0
    )
    if n_informative_groups > n_groups:
        raise ValueError(
            f"n_informative_groups ({n_informative_groups}) cannot exceed n_groups ({n_groups})."
        )
    r = check_number("within_correlation", within_correlation, low=0, high=1)
    noise = check_number("noise", noise, low=0)
    rng = np.random.default_rng(check_seed(seed))
    factors = rng.standard_normal((n_samples, n_groups))
    own = rng.standard_normal((n_samples, n_groups * group_size))
    X = np.sqrt(r) * np.repeat(factors, group_size, axis=1) + np.sqrt(1.0 - r) * own
    group_coef = np.zeros(n_groups)
    group_coef[:n_informative_groups] = rng.uniform(1.0, 2.0, n_informative_groups) * rng.choice(
        [-1.0, 1.0], n_informative_groups
    )
    coef = np.repeat(group_coef, group_size)
    y = X @ coef + rng.normal(0.0, noise, size=n_samples)
    return X, y, coef


def true_function_1d(x: np.ndarray) -> np.ndarray:
    """The noiseless curve behind :func:`make_nonlinear_1d`: ``sin(2 pi x)``."""
    return np.sin(2.0 * np.pi * np.asarray(x, dtype=float))


def make_nonlinear_1d(
    n_samples: int = 30,
    *,
    noise: float = 0.3,
    seed: int = 42,
    function: Callable[[np.ndarray], np.ndarray] = true_function_1d,
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of a smooth curve on ``[0, 1]``, for polynomial over-fitting demos.

    ``x ~ U[0, 1]`` (sorted), ``y = function(x) + N(0, noise^2)``; by default
    ``function`` is :func:`true_function_1d`. Returns ``X`` of shape
    ``(n_samples, 1)`` and ``y`` of shape ``(n_samples,)``. The best possible
    mean squared error on fresh data is ``noise**2``.

    >>> X, y = make_nonlinear_1d(10, seed=0)
    >>> bool((X[1:, 0] >= X[:-1, 0]).all())
    True
    """
    n_samples = check_whole_number("n_samples", n_samples, minimum=1)
    noise = check_number("noise", noise, low=0)
    check_callable("function", function)
    rng = np.random.default_rng(check_seed(seed))
    x = np.sort(rng.uniform(0.0, 1.0, size=n_samples))
    y = np.asarray(function(x), dtype=float) + rng.normal(0.0, noise, size=n_samples)
    return x[:, None], y


# --------------------------------------------------------------- classification sets
def _three_way_split(X, y, n_train, n_val, n_test, rng, stratify=True) -> DataSplit:
    n_total = n_train + n_val + n_test
    if n_total > len(y):
        raise ValueError(
            f"n_train + n_val + n_test = {n_total} is more than the {len(y)} samples available."
        )
    from sklearn.model_selection import train_test_split

    seed = int(rng.integers(0, 2**31 - 1))
    X_rest, X_test, y_rest, y_test = train_test_split(
        X,
        y,
        test_size=n_test,
        train_size=n_train + n_val,
        random_state=seed,
        stratify=y if stratify else None,
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=n_val,
        train_size=n_train,
        random_state=seed + 1,
        stratify=y_rest if stratify else None,
    )
    return DataSplit(X_train, y_train, X_val, y_val, X_test, y_test)


def make_noisy_moons(
    n_train: int = 100,
    n_val: int = 500,
    n_test: int = 500,
    *,
    noise: float = 0.3,
    seed: int = 42,
) -> DataSplit:
    """Two interleaving half-moons with Gaussian noise, split three ways.

    A small training set with ``noise=0.3`` makes a wide MLP over-fit within a
    few hundred epochs. ``X`` has two features, ``y`` holds 0/1 labels.

    >>> split = make_noisy_moons(50, 20, 20, seed=0)
    >>> split.X_train.shape, split.y_val.shape
    ((50, 2), (20,))
    """
    n_train = check_whole_number("n_train", n_train, minimum=2)
    n_val = check_whole_number("n_val", n_val, minimum=2)
    n_test = check_whole_number("n_test", n_test, minimum=2)
    noise = check_number("noise", noise, low=0)
    rng = np.random.default_rng(check_seed(seed))
    from sklearn.datasets import make_moons

    n_total = n_train + n_val + n_test
    X, y = make_moons(n_samples=n_total, noise=noise, random_state=int(rng.integers(2**31 - 1)))
    return _three_way_split(X, y, n_train, n_val, n_test, rng)


def load_digits_split(
    n_train: int = 300, n_val: int = 500, n_test: int = 500, *, seed: int = 42
) -> DataSplit:
    """scikit-learn's bundled 8x8 digits (1,797 images), pixels scaled to ``[0, 1]``.

    ``X`` rows are flattened images of 64 pixels, ``y`` holds digits 0-9. The
    splits are stratified. A few hundred training images let a dense network
    reach 100 % training accuracy while validation accuracy stays lower: the
    course's standard over-fitting case.

    >>> split = load_digits_split(100, 100, 100, seed=0)
    >>> split.X_train.shape, float(split.X_train.max()) <= 1.0
    ((100, 64), True)
    """
    n_train = check_whole_number("n_train", n_train, minimum=10)
    n_val = check_whole_number("n_val", n_val, minimum=10)
    n_test = check_whole_number("n_test", n_test, minimum=10)
    rng = np.random.default_rng(check_seed(seed))
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = (digits.data / 16.0).astype(np.float32)
    return _three_way_split(X, digits.target, n_train, n_val, n_test, rng)


def load_breast_cancer_split(
    n_train: int = 200, n_val: int = 150, n_test: int = 150, *, seed: int = 42, standardize=True
) -> DataSplit:
    """scikit-learn's bundled breast-cancer data (569 samples, 30 features), split three ways.

    With ``standardize=True`` the features are standardized with a scaler fitted
    on the training split only (no leakage into validation or test).

    >>> split = load_breast_cancer_split(seed=0)
    >>> split.X_train.shape
    (200, 30)
    """
    n_train = check_whole_number("n_train", n_train, minimum=10)
    n_val = check_whole_number("n_val", n_val, minimum=10)
    n_test = check_whole_number("n_test", n_test, minimum=10)
    standardize = check_flag("standardize", standardize)
    rng = np.random.default_rng(check_seed(seed))
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    split = _three_way_split(data.data, data.target, n_train, n_val, n_test, rng)
    if not standardize:
        return split
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(split.X_train)
    return DataSplit(
        scaler.transform(split.X_train).astype(np.float32),
        split.y_train,
        scaler.transform(split.X_val).astype(np.float32),
        split.y_val,
        scaler.transform(split.X_test).astype(np.float32),
        split.y_test,
    )
