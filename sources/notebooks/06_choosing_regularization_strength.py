# %% [markdown]
# # 06 · Choosing the regularization strength
#
# **Topics:** validation curves with fold-to-fold spread, `RidgeCV` / `LassoCV` / `ElasticNetCV`, the one-standard-error rule, the test-set leak, scaling inside the cross-validation pipeline, `C` as an inverse strength in `LogisticRegression`
#
# **Tutorial questions answered:** 7 (the role of alpha, extended to `C`, the inverse
# strength) and, for the method, 16 (cross-validation to choose a setting).
#
# **Runtime:** about 10 s on a 2-core laptop (scikit-learn only).
#
# The tutorial says that a higher alpha means more regularization and that
# cross-validation helps find a good setting. This notebook turns both remarks into a
# procedure for choosing a strength, and shows with numbers the mistakes that make the
# chosen value look better than it is:
#
# * how cross-validation scores each alpha, and how noisy that score is;
# * the estimators that do it for you, and the one-standard-error rule for a simpler model;
# * why the test set must not take part in the choice;
# * why the scaler belongs inside the cross-validated pipeline;
# * and the exception to "higher means stronger": `C` in `LogisticRegression`.

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/06_choosing_regularization_strength.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/06_choosing_regularization_strength.ipynb)

# %% tags=["colab-setup", "remove-cell"]
# On Google Colab or in JupyterLite only: install the course package (they have the
# rest; --no-deps keeps Colab's own packages). Anywhere else this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "course_utils @ git+https://github.com/regularization-course/regularization-in-neural-networks"
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", package], check=True)
elif sys.platform == "emscripten":  # JupyterLite (Pyodide): the wheel the site serves
    import piplite

    await piplite.install("course_utils", deps=False)

# %%
from course_utils import setup_notebook

rng = setup_notebook(seed=42)

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.linear_model import (
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

from course_utils.data import load_breast_cancer_split, make_sparse_regression
from course_utils.figures import show_figure
from course_utils.selection_plots import one_standard_error_alpha, plot_validation_curve

# %% [markdown]
# ## 1. Data with a known answer
#
# 30 features, of which 5 carry signal, neighbouring features correlated (0.5), noise
# standard deviation 3: the best possible test MSE is about 9. The model sees 100
# training samples. A separate set of 1,000 samples plays the role of "the future": a
# real project never has one this large, but here it tells us the true error of every
# model so that we can check the choices that cross-validation makes.

# %%
X, y, true_coef = make_sparse_regression(
    n_samples=1100, n_features=30, n_informative=5, noise=3.0, correlation=0.5, seed=42
)
X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=100, random_state=0)
informative = true_coef != 0
print(f"training samples: {len(y_train)}, test samples: {len(y_test)}")
print(f"informative features: {np.flatnonzero(informative).tolist()}")

# %% [markdown]
# ## 2. Validation curves: mean and spread across folds
#
# `validation_curve` fits the pipeline (scaler, then model) for every alpha on every
# training fold of a 5-fold split and scores it on the held-out fold. The folds are
# shuffled with a fixed `random_state`, so the result is the same on every run. The
# scaler is part of the pipeline, so it is refitted on each training fold (section 6
# shows why this matters). The score is scikit-learn's *negated* MSE (greater is better),
# so we flip its sign.

# %%
cv = KFold(n_splits=5, shuffle=True, random_state=0)
ridge_alphas = np.logspace(-2, 4, 31)
lasso_alphas = np.logspace(-3, 1, 31)

curves = {}
for name, estimator, param, alphas in [
    ("Ridge", Ridge(), "ridge__alpha", ridge_alphas),
    ("Lasso", Lasso(max_iter=10_000), "lasso__alpha", lasso_alphas),
]:
    train_scores, valid_scores = validation_curve(
        make_pipeline(StandardScaler(), estimator),
        X_train,
        y_train,
        param_name=param,
        param_range=alphas,
        cv=cv,
        scoring="neg_mean_squared_error",
    )
    curves[name] = (alphas, -train_scores, -valid_scores)  # MSE, shape (n_alphas, n_folds)

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, (name, (alphas, train_mse, valid_mse)) in zip(axes, curves.items(), strict=True):
    plot_validation_curve(
        alphas, valid_mse, train_mse, greater_is_better=False, score_name="MSE", ax=ax
    )
    ax.set_title(f"{name}: 5-fold cross-validation")
show_figure(
    "Two validation curves from 5-fold cross-validation, Ridge on the left and the Lasso "
    "on the right: training and validation mean squared error against alpha on a log "
    "scale, with a shaded band of one standard deviation across the folds; both "
    "validation curves are U-shaped, with the Lasso's minimum at a smaller alpha than "
    "Ridge's."
)

# %% [markdown]
# Both curves have the U shape of notebook 02: at tiny alphas the model fits the training
# folds closely (low training error) and the held-out folds worse; at large alphas both
# errors rise together (under-fitting). The shaded band is one standard deviation of
# the five fold scores: the MSE of the same alpha changes a lot from fold to fold, so
# the exact position of the minimum should not be taken too literally. Note also the
# different ranges: Ridge's best alpha is around 10, the Lasso's below 1, because the
# two objectives scale the squared error differently (notebook 04).

# %%
cv_summary = []
for name, (alphas, _, valid_mse) in curves.items():
    mean, std = valid_mse.mean(axis=1), valid_mse.std(axis=1)
    best = int(np.argmin(mean))
    cv_summary.append(
        {
            "model": name,
            "best alpha": alphas[best],
            "mean CV MSE": mean[best],
            "std across folds": std[best],
            "standard error": std[best] / np.sqrt(cv.get_n_splits()),
        }
    )
pd.DataFrame(cv_summary).set_index("model").round(3)

# %% [markdown]
# ## 3. `RidgeCV`, `LassoCV`, `ElasticNetCV`
#
# The same search, packaged: each of these estimators runs the cross-validation over its
# alpha grid during `fit` and then refits on all training data with the best alpha
# (`alpha_`). `LassoCV` and `ElasticNetCV` follow the whole path with warm starts, which
# is much faster than separate fits. We pass the same `KFold` object so that all of them
# use the same folds. `ElasticNetCV` also chooses `l1_ratio` from a list.

# %%
cv_models = {
    "RidgeCV": make_pipeline(StandardScaler(), RidgeCV(alphas=ridge_alphas, cv=cv)),
    "LassoCV": make_pipeline(
        StandardScaler(), LassoCV(alphas=lasso_alphas, cv=cv, max_iter=10_000, random_state=0)
    ),
    "ElasticNetCV": make_pipeline(
        StandardScaler(),
        ElasticNetCV(l1_ratio=[0.2, 0.5, 0.8, 1.0], cv=cv, max_iter=10_000, random_state=0),
    ),
}
cv_rows = []
for name, model in cv_models.items():
    model.fit(X_train, y_train)
    estimator = model[-1]
    cv_rows.append(
        {
            "estimator": name,
            "alpha_": estimator.alpha_,
            "l1_ratio_": getattr(estimator, "l1_ratio_", np.nan),
            "non-zeros (of 30)": int(np.sum(estimator.coef_ != 0)),
            "test MSE": mean_squared_error(y_test, model.predict(X_test)),
        }
    )
pd.DataFrame(cv_rows).set_index("estimator").round(4)

# %% [markdown]
# `RidgeCV` and `LassoCV` land on the same alphas as the validation curves of section 2,
# and `ElasticNetCV` prefers `l1_ratio=1` (the Lasso) on this data with few informative,
# only mildly correlated features. The alphas need not agree exactly in general: inside
# a `Pipeline` the scaler is fitted once on all 100 training samples *before* `LassoCV`
# makes its folds, while `validation_curve` refits the scaler on each training fold. For
# a standard scaler the difference is small (section 6 measures it); for the strictest
# version use `GridSearchCV` on the pipeline, which refits every step per fold as
# `validation_curve` does.
#
# Does the chosen alpha actually help on fresh data? Compare it with an alpha near 0
# (almost no penalty) and a very large alpha (every coefficient shrunk to, or close to,
# zero):

# %%
strength_rows = []
for name, make_model, chosen in [
    ("Ridge", lambda alpha: Ridge(alpha=alpha), cv_models["RidgeCV"][-1].alpha_),
    ("Lasso", lambda alpha: Lasso(alpha=alpha, max_iter=100_000), cv_models["LassoCV"][-1].alpha_),
]:
    for label, alpha in [
        ("alpha near 0", 1e-4),
        ("chosen by CV", chosen),
        ("very large alpha", 1e4),
    ]:
        model = make_pipeline(StandardScaler(), make_model(alpha)).fit(X_train, y_train)
        strength_rows.append(
            {
                "model": name,
                "alpha": label,
                "value": f"{alpha:.4g}",
                "test MSE": mean_squared_error(y_test, model.predict(X_test)),
            }
        )
pd.DataFrame(strength_rows).set_index(["model", "alpha"]).round(3)

# %% [markdown]
# ## 4. The one-standard-error rule
#
# The fold scores are noisy, so alphas whose mean CV error is within one *standard
# error* of the best cannot really be told apart from it. The one-standard-error rule
# takes the **largest** alpha (the simplest model) among them. `one_standard_error_alpha`
# implements it: standard error = standard deviation across folds / $\sqrt{5}$.

# %%
alphas, _, valid_mse = curves["Lasso"]
mean, std = valid_mse.mean(axis=1), valid_mse.std(axis=1)
alpha_best = alphas[np.argmin(mean)]
alpha_1se = one_standard_error_alpha(alphas, mean, std, n_folds=5, greater_is_better=False)

rule_rows = []
for label, alpha in [("best mean CV error", alpha_best), ("one-standard-error rule", alpha_1se)]:
    model = make_pipeline(StandardScaler(), Lasso(alpha=alpha, max_iter=10_000)).fit(
        X_train, y_train
    )
    kept = model[-1].coef_ != 0
    rule_rows.append(
        {
            "rule": label,
            "alpha": alpha,
            "mean CV MSE": mean[alphas == alpha][0],
            "non-zeros (of 30)": int(kept.sum()),
            "informative kept (of 5)": int(kept[informative].sum()),
            "noise features kept (of 25)": int(kept[~informative].sum()),
            "test MSE": mean_squared_error(y_test, model.predict(X_test)),
        }
    )
pd.DataFrame(rule_rows).set_index("rule").round(3)

# %% [markdown]
# The rule picks a larger alpha. Here the model it picks keeps fewer features, in
# particular fewer noise features, and all informative ones; in exchange its test error
# is a little higher. That is the trade the rule offers: a simpler, easier to explain
# model for an accuracy loss that cross-validation could not distinguish from zero. Use
# it when simplicity or a short list of features matters; use the minimum when only
# prediction error counts.

# %% [markdown]
# ## 5. Tuning on the test set is a leak
#
# A test set is only an honest estimate of future error if it played no part in any
# choice. If we try many alphas and keep the one with the best *test* score, that score
# is the best of many noisy measurements, and the best of many noisy measurements is
# optimistic. How much? We simulate a small project: 40 training samples, a test set of
# 10, 40 features (5 informative), and a fresh set of 500 samples standing in for the
# future. `Ridge` accepts one alpha per target column, so copying `y` into 40 columns
# fits the 40 models of the alpha grid in one call.

# %%
leak_alphas = np.logspace(-2, 4, 40)
N_TRAIN, N_TEST, N_FRESH = 40, 10, 500


def small_project(seed):
    """Train, test and fresh sets of one simulated small data set."""
    X_all, y_all, _ = make_sparse_regression(
        n_samples=N_TRAIN + N_TEST + N_FRESH,
        n_features=40,
        n_informative=5,
        noise=3.0,
        correlation=0.5,
        seed=seed,
    )
    cut = [N_TRAIN, N_TRAIN + N_TEST]
    return np.split(X_all, cut), np.split(y_all, cut)


def errors_over_alphas(X_fit, y_fit, *evaluation_sets):
    """Fit Ridge on (X_fit, y_fit) once per alpha; its MSE on each (X, y), one value per alpha."""
    model = make_pipeline(StandardScaler(), Ridge(alpha=leak_alphas, solver="svd"))
    model.fit(X_fit, np.tile(y_fit[:, None], len(leak_alphas)))
    return [((model.predict(X) - y[:, None]) ** 2).mean(axis=0) for X, y in evaluation_sets]


(Xs_train, Xs_test, Xs_fresh), (ys_train, ys_test, ys_fresh) = small_project(seed=0)
test_curve, fresh_curve = errors_over_alphas(
    Xs_train, ys_train, (Xs_test, ys_test), (Xs_fresh, ys_fresh)
)
k = int(np.argmin(test_curve))

fig, ax = plt.subplots()
ax.plot(leak_alphas, test_curve, "--", label="test set (10 samples)")
ax.plot(leak_alphas, fresh_curve, "-", label="fresh data (500 samples)")
ax.plot(leak_alphas[k], test_curve[k], "o", color="k", label="alpha picked on the test set")
ax.plot(
    leak_alphas[k],
    fresh_curve[k],
    "s",
    color="k",
    markerfacecolor="none",
    label="same alpha, fresh data",
)
ax.set_xscale("log")
ax.set_xlabel("alpha (log scale)")
ax.set_ylabel("MSE")
ax.legend(fontsize="small")
show_figure(
    "Mean squared error against alpha (log scale) measured on a test set of 10 samples "
    "and on 500 fresh samples, with the alpha picked on the test set marked: at that "
    "alpha the test-set curve is far below the fresh-data curve, so the test score picked"
    " this way is optimistic."
)
print(f"alpha picked on the test set: {leak_alphas[k]:.3g}")
print(f"test MSE reported for it:     {test_curve[k]:.2f}")
print(f"its MSE on fresh data:        {fresh_curve[k]:.2f}")

# %% [markdown]
# One data set could be luck, so we repeat the whole small project on 100 independent
# data sets. For each one we compare two workflows with what happens on fresh data:
#
# * **leaky**: pick alpha by test MSE, report that test MSE;
# * **clean**: pick alpha by cross-validation on the training set (`RidgeCV`, which uses
#   efficient leave-one-out on these sizes), then evaluate once on the test set.

# %%
leak_rows = []
for seed in range(100):
    (Xa, Xb, Xc), (ya, yb, yc) = small_project(seed)
    test_curve, fresh_curve = errors_over_alphas(Xa, ya, (Xb, yb), (Xc, yc))
    k = int(np.argmin(test_curve))
    clean = make_pipeline(StandardScaler(), RidgeCV(alphas=leak_alphas)).fit(Xa, ya)
    leak_rows.append(
        {
            "leaky: reported": test_curve[k],
            "leaky: fresh": fresh_curve[k],
            "clean: reported": mean_squared_error(yb, clean.predict(Xb)),
            "clean: fresh": mean_squared_error(yc, clean.predict(Xc)),
        }
    )
leak = pd.DataFrame(leak_rows)
leak_summary = pd.DataFrame(
    {
        workflow: {
            "mean reported test MSE": leak[f"{workflow}: reported"].mean(),
            "mean MSE on fresh data": leak[f"{workflow}: fresh"].mean(),
            "mean gap (reported - fresh)": (
                leak[f"{workflow}: reported"] - leak[f"{workflow}: fresh"]
            ).mean(),
            "standard error of the gap": (
                leak[f"{workflow}: reported"] - leak[f"{workflow}: fresh"]
            ).std()
            / np.sqrt(len(leak)),
            "share of data sets where reported < fresh": (
                leak[f"{workflow}: reported"] < leak[f"{workflow}: fresh"]
            ).mean(),
        }
        for workflow in ["leaky", "clean"]
    }
)
leak_summary.round(3)

# %% [markdown]
# The leaky workflow reports an error that is, on average, several units lower than the
# error the same model makes on fresh data, far more than the standard error of that
# average, and it is optimistic in most data sets. The clean workflow's test score is
# sometimes high and sometimes low, but right on average: the test set was used once.
#
# Note what the leak does *not* say: choosing alpha on those 10 extra samples is not a
# bad way to *choose* (the leaky workflow's models even do slightly better on fresh data
# than the clean workflow's, 20.3 against 22.8 on average: they were chosen with more
# data). The problem is the *report*: after the choice, the test set is
# used up and no longer measures anything. With little data, use cross-validation to
# choose and, if you also need an honest estimate without a separate test set, *nested*
# cross-validation: an outer loop that holds out each fold in turn and runs the whole
# tuning procedure (here `RidgeCV`) on the rest. The leak grows with the number of
# settings tried and shrinks with the size of the test set (not measured here; Cawley and
# Talbot, 2010, *JMLR* 11, study this selection bias in detail).

# %% [markdown]
# ## 6. The scaler belongs inside the cross-validated pipeline
#
# Standardizing uses the mean and standard deviation of the data it is fitted on. If the
# scaler is fitted on all training data *before* cross-validation, each validation fold
# has already influenced the scaling: a small leak. We compare the 5-fold CV estimate of
# the Lasso at the chosen alpha both ways.

# %%
alpha_lasso = cv_models["LassoCV"][-1].alpha_
inside = -cross_val_score(
    make_pipeline(StandardScaler(), Lasso(alpha=alpha_lasso, max_iter=10_000)),
    X_train,
    y_train,
    cv=cv,
    scoring="neg_mean_squared_error",
).mean()
X_train_scaled_everywhere = StandardScaler().fit_transform(X_train)  # the leaky way
outside = -cross_val_score(
    Lasso(alpha=alpha_lasso, max_iter=10_000),
    X_train_scaled_everywhere,
    y_train,
    cv=cv,
    scoring="neg_mean_squared_error",
).mean()
print(f"CV MSE, scaler inside the pipeline (refitted per fold): {inside:.3f}")
print(f"CV MSE, scaler fitted on all training data first:      {outside:.3f}")

# %% [markdown]
# For standardization the difference is small, and here the leaky estimate is even
# slightly higher: a mean and a standard deviation estimated from 80 or from 100 samples
# are nearly the same, so this particular leak is of the size of the noise. The rule
# matters because it is general: *every* step that is fitted to data belongs inside the pipeline. The leak
# becomes large as soon as the step looks at `y`. A classic case: pick the 5 features most
# correlated with `y` out of 1,000 pure-noise features, then cross-validate a linear model
# on them. There is no signal at all, so an honest estimate has R² at or below 0.

# %%
noise_rng = np.random.default_rng(1)
X_noise = noise_rng.standard_normal((50, 1000))
y_noise = noise_rng.standard_normal(50)  # unrelated to X_noise

X_selected_everywhere = SelectKBest(f_regression, k=5).fit_transform(X_noise, y_noise)  # leaky
r2_outside = cross_val_score(LinearRegression(), X_selected_everywhere, y_noise, cv=cv).mean()
r2_inside = cross_val_score(
    make_pipeline(SelectKBest(f_regression, k=5), LinearRegression()), X_noise, y_noise, cv=cv
).mean()
print(f"CV R^2, features selected on all data first: {r2_outside:.3f}")
print(f"CV R^2, selection inside the pipeline:       {r2_inside:.3f}")

# %% [markdown]
# Selecting outside cross-validation "finds" predictive power in pure noise; inside the
# pipeline, the estimate is honest (negative: worse than predicting the mean).

# %% [markdown]
# ## 7. `C` in `LogisticRegression` is an inverse strength (question 7, extended)
#
# "A higher alpha means more regularization" holds for `Ridge`, `Lasso`, `ElasticNet`,
# `MLPClassifier` and Keras's `l1`/`l2` factors. `LogisticRegression` (like the support
# vector machines) is parametrized the other way round: it minimizes
#
# $$C \sum_{i=1}^{n} \text{log-loss}_i \;+\; \tfrac{1}{2}\lVert w\rVert_2^2,$$
#
# so `C` weights the data term, and **a larger `C` means a weaker penalty**. Since the
# sum over samples grows with $n$, the same `C` also means a weaker penalty on a larger
# data set. We fit it on scikit-learn's breast-cancer data (standardized, 200 training
# and 150 validation samples) over a range of `C`. With scikit-learn 1.8 or later the
# kind of penalty is set by `l1_ratio` (0: L2, the default; 1: L1), not by the
# deprecated `penalty` argument.

# %%
split = load_breast_cancer_split(n_train=200, n_val=150, n_test=150, seed=42)
Cs = np.logspace(-3, 3, 13)
c_rows = []
for C in Cs:
    l2_model = LogisticRegression(C=C, max_iter=5_000).fit(split.X_train, split.y_train)
    l1_model = LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", random_state=0).fit(
        split.X_train, split.y_train
    )
    c_rows.append(
        {
            "C": C,
            "L2: |w|": np.linalg.norm(l2_model.coef_),
            "L2: train accuracy": l2_model.score(split.X_train, split.y_train),
            "L2: validation accuracy": l2_model.score(split.X_val, split.y_val),
            "L1: non-zeros (of 30)": int(np.sum(l1_model.coef_ != 0)),
        }
    )
c_table = pd.DataFrame(c_rows).set_index("C")
c_table.round(3)

# %%
fig, (ax_norm, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.6))
ax_norm.plot(Cs, c_table["L2: |w|"], "o-")
ax_norm.set_xscale("log")
ax_norm.set_yscale("log")
ax_norm.set_xlabel("C (log scale): larger C = weaker penalty")
ax_norm.set_ylabel("length of the weight vector |w|")
ax_acc.plot(Cs, c_table["L2: train accuracy"], "-", label="training")
ax_acc.plot(Cs, c_table["L2: validation accuracy"], "--", label="validation")
ax_acc.set_xscale("log")
ax_acc.set_xlabel("C (log scale)")
ax_acc.set_ylabel("accuracy")
ax_acc.legend()
show_figure(
    "Left, the length of the logistic-regression weight vector against C, both on log "
    "scales, growing steadily as C grows; right, training and validation accuracy against"
    " C: the training accuracy climbs towards 1 while the validation accuracy levels off "
    "and then drops a little."
)

# %% [markdown]
# The weight vector grows steadily with `C`, and the L1 version keeps more features as
# `C` grows (from 0 to 26 of 30, with a one-feature wobble between neighbouring values of
# `C`): both say "weaker penalty". Training accuracy climbs towards 1 while
# validation accuracy levels off and then drops a little: the over-fitting side of the
# curve is on the *right* here, where for Ridge and Lasso it is on the left. (The
# `liblinear` solver used for the L1 fits is the one scikit-learn solver that penalizes the
# intercept: it treats the intercept as the weight of an extra constant feature, whose size
# `intercept_scaling` sets, and penalizes it like every other weight. The counts of non-zero
# coefficients above are of the 30 feature weights only.)
#
# The claim that `C` multiplies the *sum* of the losses can be checked directly: stacking
# the training data twice doubles the sum, so `C / 2` on the doubled data must give the
# same model as `C` on the original data.

# %%
tight = {"tol": 1e-12, "max_iter": 10_000}
X_once = split.X_train.astype(np.float64)  # float64 so that the solver can reach tol=1e-12
X_twice = np.vstack([X_once, X_once])
y_twice = np.concatenate([split.y_train, split.y_train])
w_once = LogisticRegression(C=1.0, **tight).fit(X_once, split.y_train).coef_
w_twice_half_C = LogisticRegression(C=0.5, **tight).fit(X_twice, y_twice).coef_
w_twice_same_C = LogisticRegression(C=1.0, **tight).fit(X_twice, y_twice).coef_
difference_half_C = np.abs(w_once - w_twice_half_C).max()
print(
    f"C=1 on the data vs C=0.5 on the data twice: max |difference in w| below 1e-10: {difference_half_C < 1e-10}"
)
print(
    f"C=1 on the data vs C=1 on the data twice:   max |difference in w| = {np.abs(w_once - w_twice_same_C).max():.3f}"
)

# %% [markdown]
# To compare with the other estimators: divided by $C\,n$, the objective becomes the *mean*
# log-loss plus $\lambda \lVert w\rVert_2^2$ with $\lambda = 1/(2\,n\,C)$, the form Keras
# uses (with an L1 penalty, $\lambda_1 = 1/(n\,C)$ on $\lVert w\rVert_1$); the
# [scaling conventions](../docs/scaling-conventions.md) list every library's form side by
# side. Whatever the parametrization, `C` is
# chosen exactly like alpha: `LogisticRegressionCV`, or `validation_curve` over `C`, with
# the same cross-validation hygiene as above. When using the one-standard-error rule,
# remember that the simplest model has the **smallest** `C` (pass `1 / C` to
# `one_standard_error_alpha`).

# %% [markdown]
# ## Key takeaways
#
# * Choose alpha by cross-validation on the training data: `validation_curve` to see the whole curve with its fold-to-fold spread, `RidgeCV` / `LassoCV` / `ElasticNetCV` to do it in one `fit`. Pass an explicit `KFold(..., shuffle=True, random_state=...)`.
# * The CV error of neighbouring alphas differs by less than its noise; the one-standard-error rule uses that to pick a simpler model at a small cost in error.
# * Picking alpha by test score makes the test score optimistic (here by several MSE units on average on small data); use the test set once, at the end, or use nested cross-validation.
# * Every fitted step (scaler, feature selection) goes inside the pipeline that is cross-validated; selection on `y` outside it finds signal in pure noise.
# * "Higher alpha means more regularization" (question 7) is true for `alpha`, but `LogisticRegression`'s `C` is an inverse strength: larger `C`, weaker penalty, larger weights.

# %% [markdown]
# ## Quiz

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "You try 40 alphas and report the test MSE of the one with the lowest test MSE. That number is ...",
            [
                "an unbiased estimate of the error on new data",
                "optimistic: it is the best of 40 noisy measurements on the same test set",
                "pessimistic, because the test set is small",
            ],
            answer=1,
            explanation="Section 5: on average the reported error was clearly below the error of the same model on fresh data.",
        ),
        Question(
            "The one-standard-error rule picks ...",
            [
                "the alpha with the lowest mean CV error",
                "the largest alpha whose mean CV error is within one standard error of the lowest",
                "the smallest alpha whose mean CV error is within one standard deviation of the lowest",
            ],
            answer=1,
            explanation="The largest alpha is the simplest model; the standard error is the fold standard deviation divided by the square root of the number of folds.",
        ),
        Question.true_false(
            "In LogisticRegression, increasing C makes the regularization stronger.",
            answer=False,
            explanation="C multiplies the data term; a larger C means a weaker penalty and larger weights (section 7).",
        ),
        Question(
            "Where should StandardScaler be fitted when you cross-validate a Lasso?",
            [
                "On all the data, once, before cross-validation",
                "Inside the pipeline, so that it is refitted on each training fold",
                "Only on the test set",
            ],
            answer=1,
            explanation="Every fitted step belongs inside the cross-validated pipeline; otherwise the validation folds leak into training.",
        ),
    ]
)
