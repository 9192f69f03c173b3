# %% [markdown]
# # Exercise 03 · Elastic Net against L1 and L2 alone
#
# **Topics:** Ridge, Lasso and ElasticNet side by side, correlated feature groups, sparsity, support recall, test error, tuning each strength by cross-validation
#
# The tutorial's third practice exercise: use L1 and L2 together (Elastic Net) and compare the
# result with each penalty alone. The tutorial claims Elastic Net is "useful when there are
# multiple features that are correlated with each other" (question 12). You test that claim on
# data built for it: 30 features in 10 groups of 3 near-copies (correlation 0.98 within a group),
# of which only the first 2 groups carry signal. The course generator knows the true
# coefficients, so you can count exactly which features each model finds. A fair comparison
# gives each penalty the strength that suits it: you first compare the three at one shared
# `alpha`, then tune each one's strength by cross-validation and compare again.
#
# **How to work this notebook.** Fill in each function where it says `# your code here` (delete
# the `raise NotImplementedError` line), then run the check cell below it: it prints one line per
# test case, `passed`, `failed` with what was expected and what came back, or `not attempted yet`.
# The cells titled *Graded test* are what an autograder scores: each one raises an error until your
# function is right, and may hold more tests when your work is graded. Cells that use your
# functions raise `NotImplementedError` until you have written them.
#
# | Part | Points |
# |---|---:|
# | Task 1 · `fit_three_regularizers` | 2 |
# | Task 2 · `compare_regularizers` | 4 |
# | Task 3 · `tune_regularization_strengths` | 2 |
# | Question 1 (written) | 2 |
# | **Total** | **10** |
#
# Runtime: a few seconds (no neural network is trained).

# %% nbgrader={"grade": false, "grade_id": "ex03-setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
from course_utils import setup_notebook

rng = setup_notebook(seed=42)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import ElasticNet, ElasticNetCV, Lasso, LassoCV, Ridge, RidgeCV
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold, train_test_split

from course_utils.checks import Case, check_function, same_fitted_estimators
from course_utils.data import make_correlated_groups
from course_utils.figures import show_figure
from course_utils.plotting import plot_coefficients

# %% nbgrader={"grade": false, "grade_id": "ex03-data", "locked": true, "schema_version": 3, "solution": false, "task": false}
X, y, true_coef = make_correlated_groups(
    250,
    n_groups=10,
    group_size=3,
    n_informative_groups=2,
    within_correlation=0.98,
    noise=1.0,
    seed=42,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=50, random_state=42)
print(f"training {X_train.shape}, test {X_test.shape}")
print(f"true coefficients of the informative groups: {np.round(true_coef[:6], 2)}")
print(f"non-zero true coefficients: {np.count_nonzero(true_coef)} of {true_coef.size}")


# %% [markdown]
# ## Task 1 · Fit the three models (2 points)
#
# Return a dict with the keys `"ridge"`, `"lasso"` and `"elastic_net"`, holding scikit-learn's
# `Ridge(alpha=alpha)`, `Lasso(alpha=alpha, max_iter=10_000)` and
# `ElasticNet(alpha=alpha, l1_ratio=l1_ratio, max_iter=10_000)`, each **fitted** on the training
# data. (`max_iter=10_000` lets coordinate descent converge on strongly correlated features.)
#
# One `alpha` for all three keeps the code short, but note that the penalties are not on the same
# scale: `Lasso` and `ElasticNet` divide the squared error by $2n$, `Ridge` does not, so the same
# `alpha` is a much weaker penalty for `Ridge` (the course's
# [scaling conventions](../docs/scaling-conventions.md) convert between them). Task 3 gives each
# model a strength of its own.

# %% nbgrader={"grade": false, "grade_id": "ex03-fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fit_three_regularizers(X_train, y_train, alpha, l1_ratio):
    """Fitted Ridge, Lasso and ElasticNet models in a dict keyed "ridge", "lasso", "elastic_net"."""
    ### BEGIN SOLUTION
    models = {
        "ridge": Ridge(alpha=alpha),
        "lasso": Lasso(alpha=alpha, max_iter=10_000),
        "elastic_net": ElasticNet(alpha=alpha, l1_ratio=l1_ratio, max_iter=10_000),
    }
    return {name: model.fit(X_train, y_train) for name, model in models.items()}
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex03-fit-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
def reference_models(X_train, y_train, alpha, l1_ratio):
    return {
        "ridge": Ridge(alpha=alpha).fit(X_train, y_train),
        "lasso": Lasso(alpha=alpha, max_iter=10_000).fit(X_train, y_train),
        "elastic_net": ElasticNet(alpha=alpha, l1_ratio=l1_ratio, max_iter=10_000).fit(
            X_train, y_train
        ),
    }


check_function(
    fit_three_regularizers,
    [
        Case(
            (X_train, y_train, 0.3, 0.5),
            reference_models(X_train, y_train, 0.3, 0.5),
            compare=same_fitted_estimators(atol=1e-4),
            label="alpha=0.3, l1_ratio=0.5",
            hint="build the three estimators with these arguments and call .fit on each",
        ),
        Case(
            (X_train, y_train, 1.0, 0.2),
            reference_models(X_train, y_train, 1.0, 0.2),
            compare=same_fitted_estimators(atol=1e-4),
            label="alpha=1, l1_ratio=0.2",
            hint="pass l1_ratio to ElasticNet",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex03-fit-tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Graded test (2 points): raises AssertionError until fit_three_regularizers is right.
check_function(
    fit_three_regularizers,
    [
        Case(
            (X_train, y_train, 0.1, 0.7),
            reference_models(X_train, y_train, 0.1, 0.7),
            compare=same_fitted_estimators(atol=1e-4),
            label="alpha=0.1, l1_ratio=0.7",
        )
    ],
    strict=True,
)
### BEGIN HIDDEN TESTS
check_function(
    fit_three_regularizers,
    [
        Case(
            (X_test, y_test, 0.05, 0.9),
            reference_models(X_test, y_test, 0.05, 0.9),
            compare=same_fitted_estimators(atol=1e-4),
            label="other data",
        ),
        Case(
            (X_train[:, :4], y_train, 0.5, 1.0),
            reference_models(X_train[:, :4], y_train, 0.5, 1.0),
            compare=same_fitted_estimators(atol=1e-4),
            label="l1_ratio=1 (Elastic Net equals Lasso)",
        ),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 · Compare them (4 points)
#
# For each model in `models` (a dict such as the one above), compute on the test data:
#
# * `"test_mse"`: the mean squared error of its predictions, a `float`;
# * `"n_nonzero"`: how many coefficients are non-zero, counting a coefficient as non-zero when its
#   absolute value is above `1e-8`, an `int`;
# * `"support_recall"`: the fraction of the truly non-zero coefficients (`true_coef != 0`) that the
#   model also estimates as non-zero, a `float` between 0 and 1.
#
# Return a dict with the same keys as `models`, each mapping to a dict with these three keys.
# Raise a `ValueError` when `true_coef` has no non-zero entry (the recall would be undefined).

# %% nbgrader={"grade": false, "grade_id": "ex03-compare", "locked": false, "schema_version": 3, "solution": true, "task": false}
def compare_regularizers(models, X_test, y_test, true_coef):
    """Test MSE, number of non-zero coefficients and true-support recall of each model."""
    ### BEGIN SOLUTION
    true_support = np.asarray(true_coef) != 0
    if not true_support.any():
        raise ValueError("true_coef has no non-zero entry, so the support recall is undefined.")
    results = {}
    for name, model in models.items():
        estimated_support = np.abs(np.ravel(model.coef_)) > 1e-8
        results[name] = {
            "test_mse": float(mean_squared_error(y_test, model.predict(X_test))),
            "n_nonzero": int(estimated_support.sum()),
            "support_recall": float(estimated_support[true_support].mean()),
        }
    return results
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex03-compare-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
check_models = reference_models(X_train, y_train, 0.2, 0.5)
expected_results = {
    "ridge": {"test_mse": 1.974661, "n_nonzero": 30, "support_recall": 1.0},
    "lasso": {"test_mse": 1.480481, "n_nonzero": 6, "support_recall": 5 / 6},
    "elastic_net": {"test_mse": 1.446453, "n_nonzero": 10, "support_recall": 1.0},
}
check_function(
    compare_regularizers,
    [
        Case(
            (check_models, X_test, y_test, true_coef),
            expected_results,
            atol=1e-5,
            label="the three models",
            hint="count |coef| > 1e-8; the recall divides by the number of true non-zeros",
        ),
        Case(
            ({"lasso": check_models["lasso"]}, X_test, y_test, true_coef),
            {"lasso": expected_results["lasso"]},
            atol=1e-5,
            label="any keys: one model only",
            hint="loop over models.items() instead of naming the keys",
        ),
        Case(
            (check_models, X_test, y_test, np.zeros(30)),
            raises=ValueError,
            label="no true non-zero coefficient",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex03-compare-tests", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
# Graded test (4 points): raises AssertionError until compare_regularizers is right.
check_function(
    compare_regularizers,
    [
        Case(
            (reference_models(X_train, y_train, 0.6, 0.5), X_test, y_test, true_coef),
            {
                "ridge": {"test_mse": 1.674884, "n_nonzero": 30, "support_recall": 1.0},
                "lasso": {"test_mse": 2.016280, "n_nonzero": 5, "support_recall": 5 / 6},
                "elastic_net": {"test_mse": 2.118513, "n_nonzero": 6, "support_recall": 1.0},
            },
            atol=1e-5,
            label="alpha=0.6",
        )
    ],
    strict=True,
)


### BEGIN HIDDEN TESTS
def reference_comparison(models, X_test, y_test, true_coef):
    true_coef = np.asarray(true_coef)
    results = {}
    for name, model in models.items():
        found = np.abs(model.coef_) > 1e-8
        results[name] = {
            "test_mse": float(np.mean((y_test - model.predict(X_test)) ** 2)),
            "n_nonzero": int(found.sum()),
            "support_recall": float(found[true_coef != 0].sum() / (true_coef != 0).sum()),
        }
    return results


sparse_truth = np.zeros(30)
sparse_truth[[0, 10, 29]] = 1.0
hidden_models = reference_models(X_train, y_train, 0.05, 0.3)
hidden_result = compare_regularizers(hidden_models, X_test, y_test, sparse_truth)
check_function(
    compare_regularizers,
    [
        Case(
            (hidden_models, X_test, y_test, sparse_truth),
            reference_comparison(hidden_models, X_test, y_test, sparse_truth),
            label="another true support",
        ),
        Case(
            (hidden_models, X_test[:1], y_test[:1], true_coef),
            reference_comparison(hidden_models, X_test[:1], y_test[:1], true_coef),
            label="a single test sample",
        ),
        Case(
            (hidden_models, X_test, y_test, true_coef.tolist()),
            reference_comparison(hidden_models, X_test, y_test, true_coef),
            label="true_coef as a list",
        ),
    ],
    strict=True,
    quiet=True,
)
for values in hidden_result.values():
    assert type(values["n_nonzero"]) is int, "n_nonzero must be a Python int"
    assert type(values["test_mse"]) is float, "test_mse must be a Python float"
### END HIDDEN TESTS

# %% [markdown]
# ## The comparison at one shared alpha
#
# The cell below fits the three models with `alpha=0.3` and `l1_ratio=0.5`, prints your
# comparison as a table and draws the coefficients of the first four groups (12 features; the
# first 6 are informative, the markers show the true values). It raises `NotImplementedError`
# until both functions are written.

# %% tags=["raises-exception"]
models = fit_three_regularizers(X_train, y_train, alpha=0.3, l1_ratio=0.5)
table = pd.DataFrame(compare_regularizers(models, X_test, y_test, true_coef)).T
rows = [str(table.astype({"n_nonzero": int})), ""]
for name, model in models.items():
    groups = np.round(model.coef_[:6].reshape(2, 3), 2)
    largest_noise = np.abs(model.coef_[true_coef == 0]).max()
    rows.append(
        f"{name:>11}: group 0 {groups[0]}, group 1 {groups[1]}, "
        f"largest noise coefficient {largest_noise:.2f}"
    )
print("\n".join(rows))

fig, ax = plt.subplots(figsize=(8, 4))
names = [f"g{j // 3}.{j % 3}" for j in range(12)]
for offset, (name, model) in zip((-0.27, 0.0, 0.27), models.items(), strict=True):
    plot_coefficients(
        model.coef_[:12],
        feature_names=names,
        true_coef=true_coef[:12] if name == "ridge" else None,
        ax=ax,
        label=name,
        width=0.27,
        offset=offset,
    )
ax.set_xlabel("feature (group.member)")
ax.set_title("Coefficients of the first four groups (groups 0 and 1 are informative)")
show_figure(
    "Grouped bars of the Ridge, Lasso and Elastic Net coefficients of the first twelve "
    "features, with markers at the true values: the informative features of groups 0 and "
    "1 get the largest weights, and the Lasso sets more of the coefficients to zero than "
    "the other two models."
)

# %% [markdown]
# ## Task 3 · Tune each strength on its own (2 points)
#
# One `alpha` means three different strengths, so the table above compares a nearly
# unpenalized Ridge with a Lasso and an Elastic Net at a fairly strong penalty. Give each model
# the strength that suits it: write `tune_regularization_strengths(X_train, y_train, n_folds,
# seed)`, which chooses each model's setting by `n_folds`-fold cross-validation on the training
# data alone.
#
# * Use one splitter for all three, so that they are scored on the same folds:
#   `KFold(n_splits=n_folds, shuffle=True, random_state=seed)`.
# * Ridge: `RidgeCV` over the grid `np.logspace(-2, 4, 25)`.
# * Lasso: `LassoCV` with its own default grid of alphas, `max_iter=10_000` and
#   `random_state=seed`.
# * Elastic Net: `ElasticNetCV` over `l1_ratio=[0.1, 0.3, 0.5, 0.7, 0.9]` (it chooses the pair
#   `alpha`, `l1_ratio`), with its default alphas, `max_iter=10_000` and `random_state=seed`.
#
# Return plain numbers, not the fitted estimators: a dict
# `{"ridge": {"alpha": ...}, "lasso": {"alpha": ...}, "elastic_net": {"alpha": ..., "l1_ratio": ...}}`
# whose values are Python `float`s (the `alpha_` and `l1_ratio_` each estimator found). Raise a
# `ValueError` when `n_folds` is below 2.

# %% nbgrader={"grade": false, "grade_id": "ex03-tune", "locked": false, "schema_version": 3, "solution": true, "task": false}
def tune_regularization_strengths(X_train, y_train, n_folds, seed):
    """Cross-validated strength of Ridge, Lasso and Elastic Net (and its l1_ratio), as floats."""
    ### BEGIN SOLUTION
    if n_folds < 2:
        raise ValueError(f"n_folds must be at least 2 for cross-validation, got {n_folds}.")
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    ridge = RidgeCV(alphas=np.logspace(-2, 4, 25), cv=folds).fit(X_train, y_train)
    lasso = LassoCV(cv=folds, max_iter=10_000, random_state=seed).fit(X_train, y_train)
    elastic_net = ElasticNetCV(
        l1_ratio=[0.1, 0.3, 0.5, 0.7, 0.9], cv=folds, max_iter=10_000, random_state=seed
    ).fit(X_train, y_train)
    return {
        "ridge": {"alpha": float(ridge.alpha_)},
        "lasso": {"alpha": float(lasso.alpha_)},
        "elastic_net": {
            "alpha": float(elastic_net.alpha_),
            "l1_ratio": float(elastic_net.l1_ratio_),
        },
    }
    ### END SOLUTION

# %% nbgrader={"grade": false, "grade_id": "ex03-tune-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
check_function(
    tune_regularization_strengths,
    [
        Case(
            (X_train[:40], y_train[:40], 4, 1),
            {
                "ridge": {"alpha": 0.562341},
                "lasso": {"alpha": 0.157806},
                "elastic_net": {"alpha": 0.152502, "l1_ratio": 0.9},
            },
            rtol=1e-4,
            label="40 samples, 4 folds, seed 1",
            hint="one KFold(n_splits=n_folds, shuffle=True, random_state=seed) for all three",
        ),
        Case((X_train, y_train, 1, 0), raises=ValueError, label="a single fold"),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex03-tune-tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Graded test (2 points): raises AssertionError until tune_regularization_strengths is right.
check_function(
    tune_regularization_strengths,
    [
        Case(
            (X_test, y_test, 4, 3),
            {
                "ridge": {"alpha": 5.623413},
                "lasso": {"alpha": 0.017329},
                "elastic_net": {"alpha": 0.030145, "l1_ratio": 0.5},
            },
            rtol=1e-4,
            label="the test data, 4 folds, seed 3",
        )
    ],
    strict=True,
)


### BEGIN HIDDEN TESTS
def reference_tuning(X_train, y_train, n_folds, seed):
    folds = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    ridge = RidgeCV(alphas=np.logspace(-2, 4, 25), cv=folds).fit(X_train, y_train)
    lasso = LassoCV(cv=folds, max_iter=10_000, random_state=seed).fit(X_train, y_train)
    net = ElasticNetCV(
        l1_ratio=[0.1, 0.3, 0.5, 0.7, 0.9], cv=folds, max_iter=10_000, random_state=seed
    ).fit(X_train, y_train)
    return {
        "ridge": {"alpha": float(ridge.alpha_)},
        "lasso": {"alpha": float(lasso.alpha_)},
        "elastic_net": {"alpha": float(net.alpha_), "l1_ratio": float(net.l1_ratio_)},
    }


hidden_tuned = tune_regularization_strengths(X_train[:30], y_train[:30], 3, 0)
check_function(
    tune_regularization_strengths,
    [
        Case(
            (X_test[:120], y_test[:120], 3, 7),
            reference_tuning(X_test[:120], y_test[:120], 3, 7),
            rtol=1e-6,
            label="120 samples, 3 folds, seed 7",
        ),
        Case((X_train, y_train, 0, 0), raises=ValueError, label="no folds"),
    ],
    strict=True,
    quiet=True,
)
for values in hidden_tuned.values():
    assert all(type(value) is float for value in values.values()), "return Python floats"
### END HIDDEN TESTS

# %% [markdown]
# ## The comparison after tuning
#
# The cell below refits each model on all training data with the setting your
# `tune_regularization_strengths` chose (5 folds, seed 0), prints the same table and
# coefficients as above, and the strengths on one common scale: the factors $\lambda_1$ and
# $\lambda_2$ of *mean squared error* $+ \lambda_1 \lVert w\rVert_1 + \lambda_2 \lVert w\rVert_2^2$
# (Ridge: $\lambda_2 = \alpha / n$; Lasso: $\lambda_1 = 2\alpha$; Elastic Net:
# $\lambda_1 = 2\alpha\rho$, $\lambda_2 = \alpha(1-\rho)$, from the
# [scaling conventions](../docs/scaling-conventions.md)). It raises `NotImplementedError` until
# your functions are written.

# %% tags=["raises-exception"]
tuned = tune_regularization_strengths(X_train, y_train, n_folds=5, seed=0)
tuned_models = {
    "ridge": Ridge(alpha=tuned["ridge"]["alpha"]),
    "lasso": Lasso(alpha=tuned["lasso"]["alpha"], max_iter=10_000),
    "elastic_net": ElasticNet(
        alpha=tuned["elastic_net"]["alpha"],
        l1_ratio=tuned["elastic_net"]["l1_ratio"],
        max_iter=10_000,
    ),
}
for model in tuned_models.values():
    model.fit(X_train, y_train)
n_train = len(y_train)
common_scale = {
    "ridge": (0.0, tuned["ridge"]["alpha"] / n_train),
    "lasso": (2 * tuned["lasso"]["alpha"], 0.0),
    "elastic_net": (
        2 * tuned["elastic_net"]["alpha"] * tuned["elastic_net"]["l1_ratio"],
        tuned["elastic_net"]["alpha"] * (1 - tuned["elastic_net"]["l1_ratio"]),
    ),
}
tuned_table = pd.DataFrame(compare_regularizers(tuned_models, X_test, y_test, true_coef)).T
rows = []
for name, setting in tuned.items():
    lambda_1, lambda_2 = common_scale[name]
    chosen = ", ".join(f"{key} {value:.4g}" for key, value in setting.items())
    rows.append(f"{name:>11}: {chosen}  ->  lambda_1 {lambda_1:.4f}, lambda_2 {lambda_2:.4f}")
rows += ["", str(tuned_table.astype({"n_nonzero": int})), ""]
for name, model in tuned_models.items():
    groups = np.round(model.coef_[:6].reshape(2, 3), 2)
    largest_noise = np.abs(model.coef_[true_coef == 0]).max()
    rows.append(
        f"{name:>11}: group 0 {groups[0]}, group 1 {groups[1]}, "
        f"largest noise coefficient {largest_noise:.2f}"
    )
print("\n".join(rows))

# %% [markdown]
# ## Question 1 (2 points)
#
# Base your answer on the tuned models, and use the shared-alpha table only for contrast. What
# does each penalty do with a group of near-identical features (look at the coefficients inside
# the two informative groups), and which tuned model recovers the true support best? Does the
# best recall come with the best test error? What did tuning change, and what do the tuned
# strengths on the common scale say about comparing the three at one shared `alpha`? Answer in
# the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "ex03-q1-answer", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# **Tuning helps all three and keeps the ranking.** With its own strength each model predicts
# better than at the shared `alpha` (test MSE: Ridge 1.5046 against 1.8543, Lasso 1.4187
# against 1.5698, Elastic Net 1.3739 against 1.5655), and Elastic Net is still the best, then
# the Lasso, then Ridge.
#
# **Ridge** keeps all 30 coefficients (recall 1.0, but no selection at all) and still splits the
# informative groups unevenly: 1.57, 1.33 and 0.69 in group 1, where the truth is 1.25 three
# times, and a noise feature gets 0.52. With near-copies the squared error hardly changes when
# weight moves from one copy to another, and a light L2 penalty does little to stop it.
#
# **Lasso** keeps 8 features, 5 informative and 3 noise, and misses one informative feature
# (recall 0.83): the L1 penalty costs the same however a group's weight is shared, so it piles
# it on some members (1.29, 1.61 and 2.34 in group 0) and drops others (the third member of
# group 1 is exactly 0), tuned or not.
#
# **Elastic Net** (cross-validation chose `l1_ratio` 0.7) keeps 9 features: all 6 informative
# ones (recall 1.0) and 3 noise features with small coefficients (at most 0.14). Group 0 is
# shared almost evenly (1.67, 1.65, 1.90); group 1 less so (1.57, 1.39, 0.60) than at the
# shared `alpha` (1.25, 1.17, 1.00), where its L2 part was about five times stronger: the
# grouping effect grows with the L2 strength, and cross-validation preferred a lighter penalty
# that predicts better. The tutorial's claim about correlated features holds, with that
# nuance.
#
# The best recall comes with the best test error here, but the test errors of the Lasso and
# Elastic Net differ by 0.045 while their selected features differ a lot: with near-copies
# the predictions barely depend on which copy carries the weight.
#
# **One shared `alpha` was not a fair comparison.** On the common scale the tuned strengths are
# $\lambda_2$ = 0.0356 for Ridge and $\lambda_1$ = 0.2003 for the Lasso. The shared
# `alpha` = 0.3 gave Ridge $\lambda_2$ = 0.3/50, a sixth of its tuned strength, and the Lasso
# $\lambda_1$ = 0.6, three times its tuned strength: the first table compared an
# under-penalized Ridge with an over-penalized Lasso.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
#
# * Groups of near-copies are where L1, L2 and their mix differ most: compare the coefficients
#   inside each group, not only the test errors (tutorial questions 11 and 12).
# * Ridge shrinks; it never sets a coefficient exactly to zero (question 2).
# * Selecting the right features and predicting well are different goals; look at both numbers
#   before choosing a penalty (question 3).
# * The same `alpha` is a different strength in `Ridge`, `Lasso` and `ElasticNet`: compare
#   penalties only after tuning each one's strength, on the same cross-validation folds
#   (`RidgeCV`, `LassoCV`, `ElasticNetCV`; notebook 06).
