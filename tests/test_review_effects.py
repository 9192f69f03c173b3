"""Effects that the issue-12 review corrected the course's prose to state; each test can fail."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LassoCV, LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from course_utils.data import make_correlated_groups, make_nonlinear_1d


def polynomial(degree, regressor):
    features = PolynomialFeatures(degree, include_bias=False)
    return make_pipeline(features, StandardScaler(), regressor)


def notebook_02_data():
    X_train, y_train = make_nonlinear_1d(20, noise=0.3, seed=3)
    X_val, y_val = make_nonlinear_1d(500, noise=0.3, seed=4)
    return X_train, y_train, X_val, y_val


def val_mse(model, X_train, y_train, X_val, y_val):
    return mean_squared_error(y_val, model.fit(X_train, y_train).predict(X_val))


def test_a_penalty_lowers_the_validation_error_of_a_line_on_20_points_but_not_to_the_cubic():
    data = notebook_02_data()
    light = val_mse(polynomial(1, Ridge(alpha=1e-4)), *data)
    moderate = val_mse(polynomial(1, Ridge(alpha=10.0)), *data)
    cubic = val_mse(polynomial(3, LinearRegression()), *data)
    assert moderate < light - 0.05  # 0.289 against 0.392 in notebook 02
    assert moderate > cubic + 0.1  # the penalty cannot add the missing curvature


def test_degree_2_is_worse_than_degree_1_on_notebook_02_data():
    data = notebook_02_data()
    line = val_mse(polynomial(1, LinearRegression()), *data)
    parabola = val_mse(polynomial(2, LinearRegression()), *data)
    cubic = val_mse(polynomial(3, LinearRegression()), *data)
    assert parabola > line > cubic


def test_the_degree_9_polynomial_of_notebook_10_barely_over_fits_without_a_penalty():
    X, y = make_nonlinear_1d(30, noise=0.3, seed=0)
    X_val, y_val = make_nonlinear_1d(200, noise=0.3, seed=1)
    scores = {}
    for alpha in (1e-6, 1e-3, 1e-1, 1e1, 1e3):
        model = polynomial(9, Ridge(alpha=alpha)).fit(X, y)
        train = mean_squared_error(y, model.predict(X))
        scores[alpha] = (train, mean_squared_error(y_val, model.predict(X_val)))
    train, val = scores[1e-6]
    assert val <= min(v for _, v in scores.values()) + 1e-3  # the smallest alpha is (near) best
    assert val - train < 0.3**2  # the gap is below the noise variance: a good fit


def test_with_much_more_data_the_lasso_keeps_every_informative_group_member():
    X, y, true_coef = make_correlated_groups(
        n_samples=3000,
        n_groups=6,
        group_size=4,
        n_informative_groups=2,
        within_correlation=0.95,
        noise=4.0,
        seed=42,
    )
    X_train, _, y_train, _ = train_test_split(X, y, train_size=2500, random_state=0)
    cv = KFold(n_splits=5, shuffle=True, random_state=0)
    lasso = make_pipeline(StandardScaler(), LassoCV(cv=cv, random_state=0)).fit(X_train, y_train)
    assert np.all(lasso[-1].coef_[true_coef != 0] != 0)
