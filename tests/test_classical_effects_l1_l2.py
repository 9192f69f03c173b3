"""The effects notebooks 02-04 demonstrate hold on the very data and seeds they use.

Each block rebuilds a notebook's data exactly (same generator, seed and split) and checks the
claim the notebook makes from it; ``test_notebooks_still_use_these_data`` fails if a notebook's
data-generating calls drift away from the ones below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from course_utils.data import make_correlated_groups, make_nonlinear_1d, make_sparse_regression

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

# The data-generating calls of each notebook, as written there (spaces ignored).
NOTEBOOK_DATA = {
    "02_overfitting_and_underfitting.ipynb": [
        "make_nonlinear_1d(20, noise=NOISE, seed=3)",
        "make_nonlinear_1d(500, noise=NOISE, seed=4)",
        "NOISE = 0.3",
    ],
    "03_l2_ridge.ipynb": [
        "make_sparse_regression(640, n_features=30, n_informative=6, noise=NOISE, "
        "correlation=0.8, seed=0)",
        "train_test_split(X, y, train_size=40, random_state=0)",
        "train_test_split(X_rest, y_rest, train_size=100, random_state=0)",
        "alphas = np.logspace(-3, 5, 60)",
        "NOISE = 3.0",
    ],
    "04_l1_lasso.ipynb": [
        "make_sparse_regression(700, n_features=40, n_informative=5, noise=NOISE, "
        "correlation=0.5, seed=2)",
        "train_test_split(X, y, train_size=100, random_state=0)",
        "train_test_split(X_rest, y_rest, train_size=100, random_state=0)",
        "alphas = np.logspace(-3, 1, 60)",
        "Lasso(alpha=alpha, max_iter=10_000)",
        "NOISE = 2.0",
        "np.random.default_rng(0)",
    ],
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace(",)", ")")


@pytest.mark.parametrize("name", sorted(NOTEBOOK_DATA))
def test_notebooks_still_use_these_data(name):
    path = NOTEBOOKS / name
    if not path.exists():
        pytest.skip(f"{name} is not in notebooks/")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = _squash("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"))
    for call in NOTEBOOK_DATA[name]:
        assert _squash(call) in code, f"{name} no longer contains {call}"


# ------------------------------------------------------------------ notebook 02
NOISE_02 = 0.3


def _polynomial(degree, regressor=None):
    return make_pipeline(
        PolynomialFeatures(degree, include_bias=False),
        StandardScaler(),
        LinearRegression() if regressor is None else regressor,
    )


@pytest.fixture(scope="module")
def nonlinear():
    X_train, y_train = make_nonlinear_1d(20, noise=NOISE_02, seed=3)
    X_val, y_val = make_nonlinear_1d(500, noise=NOISE_02, seed=4)
    return X_train, y_train, X_val, y_val


def _errors(model, data):
    X_train, y_train, X_val, y_val = data
    model.fit(X_train, y_train)
    return (
        mean_squared_error(y_train, model.predict(X_train)),
        mean_squared_error(y_val, model.predict(X_val)),
    )


def test_overfitting_degree_has_a_larger_gap_than_the_good_degree(nonlinear):
    good_train, good_val = _errors(_polynomial(3), nonlinear)
    over_train, over_val = _errors(_polynomial(15), nonlinear)
    assert over_train < good_train  # more flexible: closer to the training points
    assert over_val - over_train > 10 * (good_val - good_train)
    assert over_val - over_train > NOISE_02**2 > good_val - good_train  # the notebook's rule


def test_straight_line_underfits_by_the_noise_floor_rule(nonlinear):
    line_train, line_val = _errors(_polynomial(1), nonlinear)
    cubic_train, cubic_val = _errors(_polynomial(3), nonlinear)
    assert line_train > 1.5 * NOISE_02**2 > cubic_train
    assert line_val > 2 * cubic_val


def test_validation_error_is_u_shaped_over_degree(nonlinear):
    val = [_errors(_polynomial(d), nonlinear)[1] for d in range(1, 16)]
    best = int(np.argmin(val)) + 1
    assert 3 <= best <= 5
    assert val[0] > val[best - 1] < val[-1]


def test_ridge_tames_degree_15_and_too_much_ridge_underfits(nonlinear):
    _, plain_val = _errors(_polynomial(15), nonlinear)
    _, tamed_val = _errors(_polynomial(15, Ridge(alpha=0.01)), nonlinear)
    strong_train, strong_val = _errors(_polynomial(15, Ridge(alpha=100.0)), nonlinear)
    assert tamed_val < plain_val / 100
    assert strong_train > 1.5 * NOISE_02**2 and strong_val > 2 * tamed_val
    trains = [_errors(_polynomial(1, Ridge(alpha=a)), nonlinear)[0] for a in [1e-4, 1, 10, 100]]
    assert np.all(np.diff(trains) >= 0)  # a penalty never lowers the training error


# ------------------------------------------------------------------ notebook 03
@pytest.fixture(scope="module")
def ridge_data():
    X, y, coef = make_sparse_regression(
        640, n_features=30, n_informative=6, noise=3.0, correlation=0.8, seed=0
    )
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=40, random_state=0)
    X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=100, random_state=0)
    return X_train, y_train, X_val, y_val, X_test, y_test, coef


def ridge_closed_form(X, y, alpha):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    return w, y_mean - x_mean @ w


@pytest.mark.parametrize("alpha", [0.1, 1.0, 10.0, 100.0])
def test_closed_form_ridge_equals_sklearn(ridge_data, alpha):
    X_train, y_train = ridge_data[:2]
    w, b = ridge_closed_form(X_train, y_train, alpha)
    ridge = Ridge(alpha=alpha).fit(X_train, y_train)
    np.testing.assert_allclose(w, ridge.coef_, rtol=0, atol=1e-8)
    assert b == pytest.approx(ridge.intercept_, abs=1e-8)


def test_closed_form_would_notice_a_penalized_intercept(ridge_data):
    X_train, y_train = ridge_data[:2]
    w, _ = ridge_closed_form(X_train, y_train, 10.0)
    without = Ridge(alpha=10.0, fit_intercept=False).fit(X_train, y_train)
    assert np.abs(w - without.coef_).max() > 1e-3  # the comparison above can fail


def test_validation_chosen_alpha_beats_tiny_and_huge_alpha_on_test(ridge_data):
    X_train, y_train, X_val, y_val, X_test, y_test, _ = ridge_data
    alphas = np.logspace(-3, 5, 60)
    fits = [Ridge(alpha=a).fit(X_train, y_train) for a in alphas]
    val = [mean_squared_error(y_val, m.predict(X_val)) for m in fits]
    test = [mean_squared_error(y_test, m.predict(X_test)) for m in fits]
    best = int(np.argmin(val))
    assert 0 < best < len(alphas) - 1
    assert test[best] < 0.5 * test[0]
    assert test[best] < 0.75 * test[-1]
    assert test[best] < 1.5 * 3.0**2


def test_ridge_path_has_no_exact_zeros_and_a_shrinking_norm(ridge_data):
    X_train, y_train = ridge_data[:2]
    coefs = np.array([Ridge(alpha=a).fit(X_train, y_train).coef_ for a in np.logspace(-3, 5, 60)])
    assert np.all(coefs != 0)
    assert np.all(np.diff(np.linalg.norm(coefs, axis=1)) <= 1e-12)


def test_huge_alpha_predicts_the_mean_because_the_intercept_is_free(ridge_data):
    X_train, y_train = ridge_data[:2]
    shifted = y_train + 50.0
    ridge = Ridge(alpha=1e10).fit(X_train, shifted)
    assert np.abs(ridge.coef_).max() < 1e-6
    assert ridge.intercept_ == pytest.approx(shifted.mean(), abs=1e-4)


def test_rescaling_a_feature_changes_ridge_but_not_the_pipeline(ridge_data):
    X_train, y_train, _, _, X_test, _, _ = ridge_data
    j, alpha = 19, 6.0

    def rescaled(X, factor):
        X = X.copy()
        X[:, j] *= factor
        return X

    plain = Ridge(alpha=alpha).fit(X_train, y_train)
    big = Ridge(alpha=alpha).fit(rescaled(X_train, 1000.0), y_train)
    small = Ridge(alpha=alpha).fit(rescaled(X_train, 0.001), y_train)
    assert abs(big.coef_[j] * 1000.0) > 1.5 * abs(plain.coef_[j])  # escapes the penalty
    assert abs(small.coef_[j] * 0.001) < 0.01  # crushed
    pipeline = make_pipeline(StandardScaler(), Ridge(alpha=alpha))
    reference = pipeline.fit(X_train, y_train).predict(X_test)
    for factor in [1000.0, 0.001]:
        moved = pipeline.fit(rescaled(X_train, factor), y_train).predict(rescaled(X_test, factor))
        np.testing.assert_allclose(moved, reference, rtol=0, atol=1e-8)


# ------------------------------------------------------------------ notebook 04
@pytest.fixture(scope="module")
def lasso_data():
    X, y, coef = make_sparse_regression(
        700, n_features=40, n_informative=5, noise=2.0, correlation=0.5, seed=2
    )
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=100, random_state=0)
    X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=100, random_state=0)
    alphas = np.logspace(-3, 1, 60)
    fits = [Lasso(alpha=a, max_iter=10_000).fit(X_train, y_train) for a in alphas]
    return {
        "alphas": alphas,
        "coefs": np.array([m.coef_ for m in fits]),
        "val": np.array([mean_squared_error(y_val, m.predict(X_val)) for m in fits]),
        "test": np.array([mean_squared_error(y_test, m.predict(X_test)) for m in fits]),
        "support": set(np.flatnonzero(coef).tolist()),
    }


def test_lasso_nonzero_count_never_rises_as_alpha_grows(lasso_data):
    counts = (lasso_data["coefs"] != 0).sum(axis=1)
    assert np.all(np.diff(counts) <= 0)
    assert counts[0] == 40 and counts[-1] == 0


def test_lasso_validation_alpha_finds_the_support_and_keeps_some_noise(lasso_data):
    best = int(np.argmin(lasso_data["val"]))
    selected = set(np.flatnonzero(lasso_data["coefs"][best]).tolist())
    support = lasso_data["support"]
    assert support <= selected  # recall 1
    assert 0 < len(selected - support) < 10  # some noise features kept, precision < 1
    exact = [i for i, c in enumerate(lasso_data["coefs"]) if set(np.flatnonzero(c)) == support]
    assert exact and min(exact) > best  # exact support needs a larger alpha ...
    assert lasso_data["test"][min(exact)] > lasso_data["test"][best]  # ... and costs accuracy


def soft_threshold(z, alpha):
    return np.sign(z) * np.maximum(np.abs(z) - alpha, 0.0)


@pytest.mark.parametrize("alpha", [0.2, 0.8, 2.5])
def test_soft_thresholding_equals_lasso_on_an_orthonormal_design(alpha):
    n, p = 50, 6
    design_rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(design_rng.standard_normal((n, p)))
    X = np.sqrt(n) * Q
    y = X @ np.array([3.0, -2.0, 1.0, 0.5, -0.3, 0.0]) + design_rng.normal(0.0, 0.5, n)
    lasso = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12).fit(X, y)
    expected = soft_threshold(X.T @ y / n, alpha)
    np.testing.assert_allclose(lasso.coef_, expected, rtol=0, atol=1e-8)
    assert np.sum(expected == 0) >= 1


def test_lasso_alpha_and_ridge_alpha_differ_by_the_sample_size():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 5))
    y = X @ [2.0, -1.0, 0.0, 0.5, 1.0] + rng.standard_normal(80)
    elastic = ElasticNet(alpha=0.5, l1_ratio=0.0, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(
        elastic.coef_, Ridge(alpha=80 * 0.5).fit(X, y).coef_, rtol=0, atol=1e-8
    )
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    np.testing.assert_allclose(
        Lasso(alpha=0.3).fit(X2, y2).coef_, Lasso(alpha=0.3).fit(X, y).coef_, atol=1e-8
    )
    assert (
        np.abs(Ridge(alpha=40.0).fit(X2, y2).coef_ - Ridge(alpha=40.0).fit(X, y).coef_).max()
        > 0.05
    )


def test_lasso_split_of_near_copies_is_unstable_ridge_is_not():
    X, y, _ = make_correlated_groups(
        60, n_groups=3, group_size=2, n_informative_groups=1, within_correlation=0.99, seed=1
    )
    rng = np.random.default_rng(0)
    lasso_pairs, ridge_pairs = [], []
    for _ in range(50):
        rows = rng.integers(0, len(y), len(y))
        lasso_pairs.append(Lasso(alpha=0.5).fit(X[rows], y[rows]).coef_[:2])
        ridge_pairs.append(Ridge(alpha=5.0).fit(X[rows], y[rows]).coef_[:2])
    lasso_pairs, ridge_pairs = np.array(lasso_pairs), np.array(ridge_pairs)
    assert np.sum(np.any(lasso_pairs == 0, axis=1)) >= 10
    assert np.sum(np.any(ridge_pairs == 0, axis=1)) == 0
    assert lasso_pairs[:, 0].std() > 4 * ridge_pairs[:, 0].std()
    assert lasso_pairs.sum(axis=1).std() < 0.5 * lasso_pairs[:, 0].std()  # the sum is pinned
