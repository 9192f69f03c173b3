"""course_utils.data: shapes, ground truth, repeatability and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from course_utils import data


def test_tutorial_linear_matches_its_ground_truth():
    X, y = data.make_tutorial_linear(20_000, seed=0)
    assert X.shape == (20_000, 1) and y.shape == (20_000,)
    assert X.min() >= 0.0 and X.max() < 10.0
    fit = LinearRegression().fit(X, y)
    assert fit.coef_[0] == pytest.approx(3.0, abs=0.02)
    assert fit.intercept_ == pytest.approx(2.0, abs=0.1)
    residual_sd = np.std(y - fit.predict(X))
    assert residual_sd == pytest.approx(2.0, rel=0.03)


def test_tutorial_linear_default_is_the_tutorial_size_and_repeatable():
    X1, y1 = data.make_tutorial_linear(seed=7)
    X2, y2 = data.make_tutorial_linear(seed=7)
    X3, _ = data.make_tutorial_linear(seed=8)
    assert X1.shape == (100, 1)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_tutorial_linear_without_noise_is_exactly_the_line():
    X, y = data.make_tutorial_linear(10, noise=0.0, seed=1)
    np.testing.assert_allclose(y, 3 * X[:, 0] + 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_samples": 0}, ValueError, "n_samples must be at least 1"),
        ({"n_samples": 2.5}, TypeError, "n_samples must be a whole number"),
        ({"noise": -1.0}, ValueError, "noise must be at least 0"),
        ({"seed": "abc"}, TypeError, "seed must be a whole number"),
        ({"seed": -3}, ValueError, r"seed must be between 0 and 2\*\*32 - 1, got -3\."),
    ],
)
def test_tutorial_linear_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.make_tutorial_linear(**kwargs)


def test_sparse_regression_support_and_model():
    X, y, coef = data.make_sparse_regression(500, 30, 4, noise=0.0, seed=3)
    assert X.shape == (500, 30) and y.shape == (500,) and coef.shape == (30,)
    support = np.flatnonzero(coef)
    assert len(support) == 4
    assert np.all((np.abs(coef[support]) >= 1) & (np.abs(coef[support]) <= 3))
    np.testing.assert_allclose(y, X @ coef)


def test_sparse_regression_correlation_structure():
    X, _, _ = data.make_sparse_regression(40_000, 4, 1, correlation=0.8, seed=0)
    corr = np.corrcoef(X, rowvar=False)
    assert corr[0, 1] == pytest.approx(0.8, abs=0.02)
    assert corr[0, 2] == pytest.approx(0.64, abs=0.02)
    assert corr[0, 3] == pytest.approx(0.512, abs=0.02)


def test_sparse_regression_rejects_bad_arguments():
    with pytest.raises(ValueError, match="cannot exceed n_features"):
        data.make_sparse_regression(10, 3, 5)
    with pytest.raises(ValueError, match="correlation must be at least 0 and below 1, got 1."):
        data.make_sparse_regression(10, 3, 1, correlation=1.0)


def test_correlated_groups_structure():
    X, y, coef = data.make_correlated_groups(
        20_000,
        n_groups=3,
        group_size=2,
        n_informative_groups=1,
        within_correlation=0.9,
        noise=0.0,
        seed=0,
    )
    corr = np.corrcoef(X, rowvar=False)
    assert corr[0, 1] == pytest.approx(0.9, abs=0.02)
    assert abs(corr[0, 2]) < 0.03
    assert coef[0] == coef[1] != 0 and np.all(coef[2:] == 0)
    np.testing.assert_allclose(y, X @ coef)
    with pytest.raises(ValueError, match="cannot exceed n_groups"):
        data.make_correlated_groups(10, n_groups=2, n_informative_groups=3)


def test_nonlinear_1d_is_sorted_and_follows_the_true_function():
    X, y = data.make_nonlinear_1d(50, noise=0.0, seed=2)
    assert X.shape == (50, 1)
    assert np.all(np.diff(X[:, 0]) >= 0)
    np.testing.assert_allclose(y, data.true_function_1d(X[:, 0]))
    with pytest.raises(TypeError, match="function must be callable"):
        data.make_nonlinear_1d(5, function=3)


def test_noisy_moons_split_sizes_and_balance():
    split = data.make_noisy_moons(100, 60, 40, seed=0)
    assert isinstance(split, data.DataSplit)
    assert [len(a) for a in split] == [100, 100, 60, 60, 40, 40]
    assert split.X_train.shape[1] == 2
    assert abs(split.y_train.mean() - 0.5) <= 0.02  # stratified
    again = data.make_noisy_moons(100, 60, 40, seed=0)
    np.testing.assert_array_equal(split.X_val, again.X_val)


def test_digits_split_scaling_and_disjointness():
    split = data.load_digits_split(200, 100, 100, seed=1)
    assert split.X_train.shape == (200, 64) and split.X_train.dtype == np.float32
    assert 0.0 <= split.X_train.min() and split.X_train.max() <= 1.0
    assert set(np.unique(split.y_train)) == set(range(10))
    with pytest.raises(ValueError, match="more than the 1797 samples"):
        data.load_digits_split(1500, 200, 200)


def test_breast_cancer_split_is_standardized_on_training_rows_only():
    split = data.load_breast_cancer_split(seed=0)
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1.0, atol=1e-4)
    assert np.abs(split.X_val.mean(axis=0)).max() > 1e-3  # not refitted on validation rows
    raw = data.load_breast_cancer_split(seed=0, standardize=False)
    assert raw.X_train.mean() > 10
    with pytest.raises(TypeError, match="standardize must be True or False"):
        data.load_breast_cancer_split(standardize="yes")
