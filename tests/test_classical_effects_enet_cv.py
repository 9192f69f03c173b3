"""The effects that notebooks 05 (Elastic Net) and 06 (choosing the strength) claim.

Each test rebuilds the notebook's experiment with the same data, seeds and settings and
asserts the claim the notebook's text makes, so that a change in a generator, a seed or
a library version that breaks a claim fails here and not only in a re-executed notebook.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.linear_model import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LinearRegression,
    LogisticRegression,
    Ridge,
    RidgeCV,
)
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold, cross_val_score, train_test_split, validation_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course_utils.data import (
    load_breast_cancer_split,
    make_correlated_groups,
    make_sparse_regression,
)
from course_utils.selection_plots import one_standard_error_alpha

CV = KFold(n_splits=5, shuffle=True, random_state=0)
GROUP_SIZE = 4


# ------------------------------------------------------------------ notebook 05 set-up
@pytest.fixture(scope="module")
def groups_data():
    X, y, true_coef = make_correlated_groups(
        n_samples=600,
        n_groups=6,
        group_size=GROUP_SIZE,
        n_informative_groups=2,
        within_correlation=0.95,
        noise=4.0,
        seed=42,
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=100, random_state=0)
    return X_train, X_test, y_train, y_test, true_coef


@pytest.fixture(scope="module")
def groups_models(groups_data):
    X_train, _, y_train, _, _ = groups_data
    models = {
        "Ridge": make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 3, 41), cv=CV)),
        "Lasso": make_pipeline(StandardScaler(), LassoCV(cv=CV, random_state=0)),
        "Elastic Net": make_pipeline(
            StandardScaler(), ElasticNetCV(l1_ratio=0.5, cv=CV, random_state=0)
        ),
    }
    return {name: model.fit(X_train, y_train) for name, model in models.items()}


def members_kept(coef, group):
    return int(np.sum(coef[group * GROUP_SIZE : (group + 1) * GROUP_SIZE] != 0))


# ------------------------------------------------------------------------ notebook 05
def test_elastic_net_special_cases_match_lasso_and_rescaled_ridge():
    rng = np.random.default_rng(42)
    X = rng.standard_normal((50, 5))
    y = X @ np.array([2.0, -1.0, 0.0, 0.5, 0.0]) + rng.standard_normal(50)
    tight = {"tol": 1e-12, "max_iter": 100_000}
    lasso = Lasso(alpha=0.1, **tight).fit(X, y)
    enet_l1 = ElasticNet(alpha=0.1, l1_ratio=1.0, **tight).fit(X, y)
    np.testing.assert_allclose(enet_l1.coef_, lasso.coef_, atol=1e-10)
    enet_l2 = ElasticNet(alpha=0.1, l1_ratio=0.0, **tight).fit(X, y)
    np.testing.assert_allclose(enet_l2.coef_, Ridge(alpha=0.1 * 50).fit(X, y).coef_, atol=1e-10)
    assert np.abs(enet_l2.coef_ - Ridge(alpha=0.1).fit(X, y).coef_).max() > 0.1


def test_ridge_keeps_every_feature(groups_models):
    assert np.all(groups_models["Ridge"][-1].coef_ != 0)


def test_elastic_net_keeps_more_members_of_each_informative_group_than_lasso(groups_models):
    lasso = groups_models["Lasso"][-1].coef_
    enet = groups_models["Elastic Net"][-1].coef_
    for group in (0, 1):  # the informative groups A and B
        assert members_kept(enet, group) == GROUP_SIZE
        assert members_kept(lasso, group) < members_kept(enet, group)


def test_comparison_table_claims(groups_data, groups_models):
    _, X_test, _, y_test, true_coef = groups_data
    informative = true_coef != 0
    test_mse = {n: mean_squared_error(y_test, m.predict(X_test)) for n, m in groups_models.items()}
    recall = {
        n: np.sum((m[-1].coef_ != 0) & informative) / informative.sum()
        for n, m in groups_models.items()
    }
    assert recall["Elastic Net"] == 1.0 and recall["Ridge"] == 1.0
    assert recall["Lasso"] < 1.0
    # "within 0.7 of each other, Elastic Net lowest, Lasso highest"
    assert max(test_mse.values()) - min(test_mse.values()) < 0.7
    assert min(test_mse, key=test_mse.get) == "Elastic Net"
    assert max(test_mse, key=test_mse.get) == "Lasso"
    # Elastic Net drops most noise features
    assert np.sum(groups_models["Elastic Net"][-1].coef_[~informative] == 0) > 8


def test_lasso_choice_within_a_group_is_unstable_elastic_net_is_not(groups_data, groups_models):
    X_train, _, y_train, _, true_coef = groups_data
    informative = true_coef != 0
    alphas = {name: groups_models[name][-1].alpha_ for name in ("Lasso", "Elastic Net")}
    resample_rng = np.random.default_rng(0)
    all_kept = {"Lasso": 0, "Elastic Net": 0}
    share = {"Lasso": np.zeros(informative.sum()), "Elastic Net": np.zeros(informative.sum())}
    for _ in range(50):
        rows = resample_rng.integers(0, len(y_train), size=len(y_train))
        fits = {
            "Lasso": Lasso(alpha=alphas["Lasso"]),
            "Elastic Net": ElasticNet(alpha=alphas["Elastic Net"], l1_ratio=0.5),
        }
        for name, estimator in fits.items():
            model = make_pipeline(StandardScaler(), estimator).fit(X_train[rows], y_train[rows])
            kept = model[-1].coef_[informative] != 0
            share[name] += kept / 50
            all_kept[name] += int(kept.all())
    assert all_kept["Elastic Net"] == 50
    assert all_kept["Lasso"] <= 10
    assert share["Lasso"].min() < 0.5


def test_lasso_admits_group_members_one_at_a_time(groups_data):
    X_train, _, y_train, _, true_coef = groups_data
    Z = StandardScaler().fit_transform(X_train)
    alphas = np.logspace(1.5, -2, 50)
    for estimator, spread_expected in [
        (lambda a: Lasso(alpha=a), True),
        (lambda a: ElasticNet(alpha=a, l1_ratio=0.5), False),
    ]:
        path = np.array([estimator(a).fit(Z, y_train).coef_ for a in alphas])
        for group in (0, 1):
            members = range(group * GROUP_SIZE, (group + 1) * GROUP_SIZE)
            entries = [
                np.argmax(path[:, j] != 0) if np.any(path[:, j] != 0) else 99 for j in members
            ]
            if spread_expected:
                assert max(entries) - min(entries) >= 5  # at least 5 grid steps apart
            else:
                assert max(entries) == min(entries)  # all members enter together


# ------------------------------------------------------------------ notebook 06 set-up
@pytest.fixture(scope="module")
def sparse_data():
    X, y, true_coef = make_sparse_regression(
        n_samples=1100, n_features=30, n_informative=5, noise=3.0, correlation=0.5, seed=42
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=100, random_state=0)
    return X_train, X_test, y_train, y_test, true_coef


def test_chosen_alpha_beats_alpha_near_zero_and_a_very_large_alpha(sparse_data):
    X_train, X_test, y_train, y_test, _ = sparse_data
    cases = [
        (RidgeCV(alphas=np.logspace(-2, 4, 31), cv=CV), lambda a: Ridge(alpha=a)),
        (
            LassoCV(alphas=np.logspace(-3, 1, 31), cv=CV, max_iter=10_000, random_state=0),
            lambda a: Lasso(alpha=a, max_iter=100_000),
        ),
    ]
    for cv_estimator, make_model in cases:
        chosen = make_pipeline(StandardScaler(), cv_estimator).fit(X_train, y_train)
        errors = {}
        for label, alpha in [("near 0", 1e-4), ("chosen", chosen[-1].alpha_), ("large", 1e4)]:
            model = make_pipeline(StandardScaler(), make_model(alpha)).fit(X_train, y_train)
            errors[label] = mean_squared_error(y_test, model.predict(X_test))
        assert errors["chosen"] < errors["near 0"]
        assert errors["chosen"] < errors["large"]


def test_one_standard_error_rule_picks_a_simpler_lasso(sparse_data):
    X_train, X_test, y_train, y_test, true_coef = sparse_data
    alphas = np.logspace(-3, 1, 31)
    _, valid = validation_curve(
        make_pipeline(StandardScaler(), Lasso(max_iter=10_000)),
        X_train,
        y_train,
        param_name="lasso__alpha",
        param_range=alphas,
        cv=CV,
        scoring="neg_mean_squared_error",
    )
    mse = -valid
    mean, std = mse.mean(axis=1), mse.std(axis=1)
    best = alphas[np.argmin(mean)]
    simple = one_standard_error_alpha(alphas, mean, std, 5, greater_is_better=False)
    assert simple > best
    fits = {
        a: make_pipeline(StandardScaler(), Lasso(alpha=a, max_iter=10_000)).fit(X_train, y_train)
        for a in (best, simple)
    }
    kept = {a: m[-1].coef_ != 0 for a, m in fits.items()}
    informative = true_coef != 0
    assert kept[simple].sum() < kept[best].sum()
    assert kept[simple][informative].all()
    assert kept[simple][~informative].sum() < kept[best][~informative].sum()
    # "its test error is a little higher"
    errors = {a: mean_squared_error(y_test, m.predict(X_test)) for a, m in fits.items()}
    assert errors[best] < errors[simple] < 1.1 * errors[best]


def _small_project(seed):
    X_all, y_all, _ = make_sparse_regression(
        n_samples=550, n_features=40, n_informative=5, noise=3.0, correlation=0.5, seed=seed
    )
    return np.split(X_all, [40, 50]), np.split(y_all, [40, 50])


def _errors_over_alphas(alphas, X_fit, y_fit, *evaluation_sets):
    model = make_pipeline(StandardScaler(), Ridge(alpha=alphas, solver="svd"))
    model.fit(X_fit, np.tile(y_fit[:, None], len(alphas)))
    return [((model.predict(X) - y[:, None]) ** 2).mean(axis=0) for X, y in evaluation_sets]


def test_multi_target_ridge_equals_one_ridge_per_alpha():
    (X_a, X_b, _), (y_a, y_b, _) = _small_project(0)
    alphas = np.logspace(-2, 4, 5)
    (together,) = _errors_over_alphas(alphas, X_a, y_a, (X_b, y_b))
    separately = [
        mean_squared_error(
            y_b, make_pipeline(StandardScaler(), Ridge(alpha=a)).fit(X_a, y_a).predict(X_b)
        )
        for a in alphas
    ]
    np.testing.assert_allclose(together, separately, rtol=1e-8)


def test_tuning_on_the_test_set_is_optimistic_and_cross_validation_is_not():
    alphas = np.logspace(-2, 4, 40)
    leaky_gap, clean_gap, leaky_fresh, clean_fresh = [], [], [], []
    for seed in range(100):
        (X_a, X_b, X_c), (y_a, y_b, y_c) = _small_project(seed)
        test_curve, fresh_curve = _errors_over_alphas(alphas, X_a, y_a, (X_b, y_b), (X_c, y_c))
        k = int(np.argmin(test_curve))
        leaky_gap.append(test_curve[k] - fresh_curve[k])
        leaky_fresh.append(fresh_curve[k])
        clean = make_pipeline(StandardScaler(), RidgeCV(alphas=alphas)).fit(X_a, y_a)
        clean_fresh.append(mean_squared_error(y_c, clean.predict(X_c)))
        clean_gap.append(
            mean_squared_error(y_b, clean.predict(X_b))
            - mean_squared_error(y_c, clean.predict(X_c))
        )
    leaky_gap, clean_gap = np.array(leaky_gap), np.array(clean_gap)

    def standard_error(values):
        return values.std(ddof=1) / np.sqrt(len(values))

    # leaky: optimistic by far more than its standard error, in most data sets
    assert leaky_gap.mean() < -3 * standard_error(leaky_gap)
    assert leaky_gap.mean() < -2.0
    assert np.mean(leaky_gap < 0) > 0.6
    # clean: no systematic gap
    assert abs(clean_gap.mean()) < 2 * standard_error(clean_gap)
    # the leak is in the report, not the choice: the test-tuned models are not worse
    assert np.mean(leaky_fresh) < np.mean(clean_fresh)


def test_scaling_leak_is_small_and_selection_leak_is_large(sparse_data):
    X_train, _, y_train, _, _ = sparse_data
    alpha = (
        make_pipeline(
            StandardScaler(),
            LassoCV(alphas=np.logspace(-3, 1, 31), cv=CV, max_iter=10_000, random_state=0),
        )
        .fit(X_train, y_train)[-1]
        .alpha_
    )
    inside = -cross_val_score(
        make_pipeline(StandardScaler(), Lasso(alpha=alpha, max_iter=10_000)),
        X_train,
        y_train,
        cv=CV,
        scoring="neg_mean_squared_error",
    ).mean()
    outside = -cross_val_score(
        Lasso(alpha=alpha, max_iter=10_000),
        StandardScaler().fit_transform(X_train),
        y_train,
        cv=CV,
        scoring="neg_mean_squared_error",
    ).mean()
    assert abs(inside - outside) < 0.02 * inside

    rng = np.random.default_rng(1)
    X_noise = rng.standard_normal((50, 1000))
    y_noise = rng.standard_normal(50)
    selected = SelectKBest(f_regression, k=5).fit_transform(X_noise, y_noise)
    r2_outside = cross_val_score(LinearRegression(), selected, y_noise, cv=CV).mean()
    r2_inside = cross_val_score(
        make_pipeline(SelectKBest(f_regression, k=5), LinearRegression()), X_noise, y_noise, cv=CV
    ).mean()
    assert r2_outside > 0.3
    assert r2_inside < 0.0


def test_larger_C_means_weaker_penalty_without_deprecation_warnings():
    split = load_breast_cancer_split(n_train=200, n_val=150, n_test=150, seed=42)
    norms, non_zeros = [], []
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # FutureWarning / DeprecationWarning / ConvergenceWarning
        for C in np.logspace(-3, 3, 13):
            l2 = LogisticRegression(C=C, max_iter=5_000).fit(split.X_train, split.y_train)
            # liblinear visits coordinates in a random order: seed it, as notebook 06 does.
            l1 = LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", random_state=0).fit(
                split.X_train, split.y_train
            )
            norms.append(np.linalg.norm(l2.coef_))
            non_zeros.append(int(np.sum(l1.coef_ != 0)))
    assert np.all(np.diff(norms) > 0)
    # More features survive as C grows: a clear upward trend (single steps may dip by one).
    assert np.corrcoef(np.arange(len(non_zeros)), non_zeros)[0, 1] > 0.9
    assert non_zeros[0] == 0 and non_zeros[-1] > 20


def test_C_multiplies_the_summed_loss():
    split = load_breast_cancer_split(n_train=200, n_val=150, n_test=150, seed=42)
    X = split.X_train.astype(np.float64)
    X2, y2 = np.vstack([X, X]), np.concatenate([split.y_train, split.y_train])
    tight = {"tol": 1e-12, "max_iter": 10_000}
    w_once = LogisticRegression(C=1.0, **tight).fit(X, split.y_train).coef_
    w_half = LogisticRegression(C=0.5, **tight).fit(X2, y2).coef_
    w_same = LogisticRegression(C=1.0, **tight).fit(X2, y2).coef_
    assert np.abs(w_once - w_half).max() < 1e-10
    assert np.abs(w_once - w_same).max() > 0.1
