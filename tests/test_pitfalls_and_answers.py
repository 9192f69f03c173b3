"""The effects notebooks 10 (pitfalls) and 11 (the tutorial's questions) demonstrate, as tests.

Each test states one claim of those notebooks on small data and fails if the claim stops
holding (for example after a library upgrade).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.linear_model import Lasso, LinearRegression, Ridge, RidgeCV
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from course_utils.data import make_nonlinear_1d, make_sparse_regression


def _mse(y, prediction):
    return float(np.mean((np.asarray(y) - np.asarray(prediction)) ** 2))


# ------------------------------------------------------------------ notebook 10
def test_a_penalty_on_unscaled_features_deletes_the_large_unit_feature():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = 2.0 * X[:, 0] + 2.0 * X[:, 1] + rng.normal(0.0, 1.0, 200)
    X_units = X * np.array([1.0, 0.001])  # true coefficient of feature 2: 2000
    raw = Ridge(alpha=10.0).fit(X_units, y)
    scaled = make_pipeline(StandardScaler(), Ridge(alpha=10.0)).fit(X_units, y)
    assert abs(raw.coef_[1]) < 1.0
    assert scaled[-1].coef_[1] / scaled[0].scale_[1] == pytest.approx(2000.0, rel=0.15)


def test_selecting_features_on_all_data_fakes_signal_in_pure_noise():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(50, 2000)), rng.normal(size=50)
    cv = KFold(5, shuffle=True, random_state=0)
    leaky = cross_val_score(
        Ridge(alpha=1.0), SelectKBest(f_regression, k=10).fit_transform(X, y), y, cv=cv
    ).mean()
    honest = cross_val_score(
        make_pipeline(SelectKBest(f_regression, k=10), Ridge(alpha=1.0)), X, y, cv=cv
    ).mean()
    assert leaky > 0.2
    assert honest < 0.05
    assert leaky - honest > 0.3


def test_ridge_alpha_weakens_with_n_but_lasso_alpha_does_not():
    def shrinkage(n, model):
        X, y, _ = make_sparse_regression(n, 5, 5, noise=1.0, seed=2)
        X = StandardScaler().fit_transform(X)
        ols = np.linalg.norm(LinearRegression().fit(X, y).coef_)
        return np.linalg.norm(model.fit(X, y).coef_) / ols

    ridge = [shrinkage(n, Ridge(alpha=10.0)) for n in (20, 1000)]
    lasso = [shrinkage(n, Lasso(alpha=0.5)) for n in (20, 1000)]
    assert ridge[1] - ridge[0] > 0.3  # Ridge's grip loosens as n grows
    assert abs(lasso[1] - lasso[0]) < 0.2  # Lasso's 1/(2n) keeps it roughly constant


def test_keras_l2_factor_on_a_mean_loss_equals_ridge_alpha_n_times_factor():
    X, y, _ = make_sparse_regression(100, 5, 5, noise=1.0, seed=2)
    X = StandardScaler().fit_transform(X)
    y = y - y.mean()
    n, factor = len(y), 0.1
    # Minimizer of mean((y - Xw)^2) + factor * |w|^2: (X'X / n + factor I) w = X'y / n.
    w_keras = np.linalg.solve(X.T @ X / n + factor * np.eye(5), X.T @ y / n)
    np.testing.assert_allclose(w_keras, Ridge(alpha=n * factor).fit(X, y).coef_, rtol=1e-6)
    assert not np.allclose(w_keras, Ridge(alpha=factor).fit(X, y).coef_, rtol=1e-3)


def test_keras_reports_mean_loss_plus_factor_times_sum_of_squares():
    from course_utils.notebook import import_keras

    keras = import_keras()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype("float32")
    y = rng.normal(size=40).astype("float32")
    w = np.array([[0.5], [-1.0], [2.0]], dtype="float32")
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.1)),
        ]
    )
    model.compile(loss="mse")
    model.layers[0].set_weights([w, np.zeros(1, dtype="float32")])
    expected = _mse(y, X @ w[:, 0]) + 0.1 * float(np.sum(w**2))
    assert model.evaluate(X, y, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_regularizing_an_under_fitting_line_makes_it_worse():
    X, y = make_nonlinear_1d(30, noise=0.3, seed=0)
    X_val, y_val = make_nonlinear_1d(200, noise=0.3, seed=1)

    def val_mse(degree, alpha):
        model = make_pipeline(
            PolynomialFeatures(degree, include_bias=False), StandardScaler(), Ridge(alpha=alpha)
        ).fit(X, y)
        return _mse(y_val, model.predict(X_val))

    assert val_mse(1, 1e-6) < val_mse(1, 1.0) < val_mse(1, 10.0)
    assert val_mse(5, 1e-3) < 0.5 * val_mse(1, 1e-6)


def test_too_strong_a_penalty_drives_both_errors_towards_the_variance_of_y():
    X, y = make_nonlinear_1d(30, noise=0.3, seed=0)
    model = make_pipeline(
        PolynomialFeatures(9, include_bias=False), StandardScaler(), Ridge(alpha=1e3)
    ).fit(X, y)
    assert _mse(y, model.predict(X)) > 0.6 * y.var()


def test_choosing_alpha_on_the_test_set_makes_the_report_optimistic():
    alphas = np.logspace(-2, 4, 30)
    gaps_test, gaps_val = [], []
    for seed in range(40):
        X, y, _ = make_sparse_regression(500, 40, 5, noise=3.0, correlation=0.3, seed=seed)
        Z = StandardScaler().fit(X[:60]).transform(X)
        predictions = (
            Ridge(alpha=alphas).fit(Z[:60], np.tile(y[:60, None], len(alphas))).predict(Z)
        )
        err = {
            part: ((predictions[s] - y[s, None]) ** 2).mean(axis=0)
            for part, s in [
                ("val", slice(60, 80)),
                ("test", slice(80, 100)),
                ("fresh", slice(100, None)),
            ]
        }
        by_test, by_val = np.argmin(err["test"]), np.argmin(err["val"])
        gaps_test.append(err["fresh"][by_test] - err["test"][by_test])
        gaps_val.append(err["fresh"][by_val] - err["test"][by_val])
    assert np.mean(gaps_test) > 0.5  # the reported test error is too low on average
    assert np.mean(gaps_test) > np.mean(gaps_val) + 0.5


# ------------------------------------------------------------------ notebook 11
def test_ridge_spreads_weight_over_copies_and_lasso_picks_one():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 1))
    y = 3.0 * x[:, 0] + rng.normal(0.0, 0.5, 200)
    X = np.hstack([x, x])
    ridge = Ridge(alpha=1.0).fit(X, y).coef_
    lasso = Lasso(alpha=0.05).fit(X, y).coef_
    assert ridge[0] == pytest.approx(ridge[1])
    assert ridge.sum() == pytest.approx(3.0, abs=0.2)
    assert np.count_nonzero(np.abs(lasso) > 1e-10) == 1  # the other copy: exactly 0 up to rounding


def test_keras_dropout_rescales_in_training_and_does_nothing_at_test_time():
    from course_utils.notebook import import_keras

    keras = import_keras()
    layer = keras.layers.Dropout(0.5, seed=0)
    ones = np.ones((200, 50), dtype="float32")
    trained = np.asarray(layer(ones, training=True))
    assert set(np.unique(trained).tolist()) == {0.0, 2.0}
    assert trained.mean() == pytest.approx(1.0, abs=0.05)
    np.testing.assert_array_equal(np.asarray(layer(ones, training=False)), ones)


def test_regularization_matters_more_for_small_data_sets():
    X_fresh, y_fresh = make_nonlinear_1d(2000, noise=0.3, seed=999)

    def median_ratio(n):
        ratios = []
        for seed in range(10):
            X, y = make_nonlinear_1d(n, noise=0.3, seed=seed)
            errors = []
            for estimator in (LinearRegression(), RidgeCV(alphas=np.logspace(-8, 2, 21))):
                model = make_pipeline(
                    PolynomialFeatures(9, include_bias=False), StandardScaler(), estimator
                ).fit(X, y)
                errors.append(_mse(y_fresh, model.predict(X_fresh)))
            ratios.append(errors[0] / errors[1])
        return float(np.median(ratios))

    assert median_ratio(12) > 2.0
    assert median_ratio(320) < 1.05


def test_keeping_fewer_principal_components_regularizes_a_regression():
    X, y, _ = make_sparse_regression(250, 30, 30, noise=5.0, correlation=0.9, seed=3)

    def test_mse(k):
        model = make_pipeline(StandardScaler(), PCA(n_components=k), LinearRegression())
        return _mse(y[50:], model.fit(X[:50], y[:50]).predict(X[50:]))

    all_components = test_mse(30)
    ols = make_pipeline(StandardScaler(), LinearRegression()).fit(X[:50], y[:50])
    assert all_components == pytest.approx(_mse(y[50:], ols.predict(X[50:])), rel=1e-6)
    assert test_mse(10) < 0.9 * all_components
