# %% [markdown]
# # 04 · L1 regularization: the Lasso
#
# **Topics:** exact zeros and the number of selected features against alpha, the Lasso path on
# the diabetes data, recovering the true support of a sparse problem (precision and recall),
# the L1 and L2 constraint geometry, soft-thresholding, why the same alpha means different
# strengths in `Lasso` and `Ridge`, Lasso's instability on correlated features
#
# **Tutorial questions answered:** 2 (the difference between L1 and L2, with a correction) and
# 3 (how to choose between them, extended).
#
# **Runtime:** about 5 s on a 2-core laptop (scikit-learn only).
#
# scikit-learn's `Lasso(alpha=...)` minimizes
#
# $$
# \frac{1}{2n}\,\lVert y - Xw - b\,\mathbf{1} \rVert_2^2 \; + \; \alpha\,\lVert w \rVert_1,
# \qquad \lVert w \rVert_1 = \sum_j |w_j| ,
# $$
#
# with $n$ the number of training samples and the intercept $b$ again unpenalized. Note the
# $\frac{1}{2n}$: `Ridge` (notebook 03) has none. Section 6 shows what that changes.

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/04_l1_lasso.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/04_l1_lasso.ipynb)

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
from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge, lasso_path
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.data import make_correlated_groups, make_sparse_regression
from course_utils.figures import show_figure
from course_utils.linear_plots import (
    constrained_solution,
    plot_complexity_curve,
    plot_constraint_geometry,
    plot_regularization_path,
)

# %% [markdown]
# ## 1. A sparse problem: 40 features, 5 of them informative
#
# `make_sparse_regression` gives 5 of 40 standard normal features a non-zero coefficient
# (neighbouring features are correlated with $0.5^{|i-j|}$). Noise standard deviation 2, so the
# noise floor is 4. We know the true **support** (the set of informative features), so we can
# check which features the Lasso selects.

# %%
NOISE = 2.0
X, y, true_coef = make_sparse_regression(
    700, n_features=40, n_informative=5, noise=NOISE, correlation=0.5, seed=2
)
X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=100, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=100, random_state=0)
support = set(np.flatnonzero(true_coef).tolist())
print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")
print(f"true support: {sorted(support)}")
print(f"true coefficients there: {np.round(true_coef[sorted(support)], 3).tolist()}")

# %% [markdown]
# ## 2. Exact zeros: the number of selected features against alpha
#
# Fit a Lasso for 60 values of alpha and count the coefficients that are **exactly** zero.
# (`max_iter=10_000` lets coordinate descent converge for the smallest alphas.)

# %%
alphas = np.logspace(-3, 1, 60)
lassos = [Lasso(alpha=alpha, max_iter=10_000).fit(X_train, y_train) for alpha in alphas]
coefs = np.array([model.coef_ for model in lassos])
n_nonzero = (coefs != 0).sum(axis=1)
print(f"non-zero coefficients at alpha = {alphas[0]:.0e}: {n_nonzero[0]} of 40")
print(f"non-zero coefficients at alpha = {alphas[-1]:.0e}: {n_nonzero[-1]} of 40")
print(f"count never rises as alpha grows (on this grid): {bool(np.all(np.diff(n_nonzero) <= 0))}")

fig, (ax_count, ax_path) = plt.subplots(1, 2, figsize=(12, 4))
ax_count.step(alphas, n_nonzero, where="mid")
ax_count.axhline(len(support), color="C2", linestyle=":", label="true number (5)")
ax_count.set_xscale("log")
ax_count.set_xlabel("alpha (log scale)")
ax_count.set_ylabel("non-zero coefficients")
ax_count.legend()
ax_count.set_title("Lasso selects fewer features as alpha grows")
plot_regularization_path(alphas, coefs, highlight=sorted(support), ax=ax_path)
ax_path.set_title("Lasso path: the noise features (grey) reach zero first")
fig.tight_layout()
show_figure(
    "Left, a step curve of the number of non-zero Lasso coefficients against alpha (log"
    " scale), falling from all 40 to none, with the true number 5 dotted; right, the Lasso"
    " path, where the grey noise features reach exactly zero before the five coloured"
    " informative ones."
)

# %% [markdown]
# Unlike Ridge, whose coefficients are never exactly zero, the Lasso drops features one after
# another: from all 40 at alpha $10^{-3}$ to none at alpha 10. On this problem the count never
# rises; in general it can, briefly, when a feature leaves the model and a correlated one
# enters (the path is piecewise linear, not monotone per coefficient). The noise features
# (grey) leave first, the five informative ones last.

# %% [markdown]
# ## 3. The Lasso path on real data: diabetes
#
# scikit-learn ships the diabetes data: 442 patients, 10 measurements (age, sex, body mass
# index `bmi`, blood pressure `bp`, six blood serum values `s1`-`s6`), and a measure of
# disease progression one year later. `lasso_path` computes the whole path at once. It fits
# no intercept, so we standardize the features and centre the target first.

# %%
diabetes = load_diabetes()
X_diabetes = StandardScaler().fit_transform(diabetes.data)
y_diabetes = diabetes.target - diabetes.target.mean()
diabetes_alphas = np.logspace(-2, 2, 80)
path_alphas, path_coefs, _ = lasso_path(X_diabetes, y_diabetes, alphas=diabetes_alphas)

ax = plot_regularization_path(path_alphas, path_coefs, feature_names=diabetes.feature_names)
ax.set_title("Lasso path on the diabetes data")
ax.legend(fontsize="small", ncols=2)
show_figure(
    "Lasso path of the ten diabetes features against alpha on a log scale: at the strongest"
    " penalty every coefficient is zero, and as alpha decreases the features enter one by"
    " one, bmi first, then s5, bp and s3, with age and s2 last."
)

entry = {
    name: path_alphas[path_coefs[j] != 0].max() if np.any(path_coefs[j] != 0) else 0.0
    for j, name in enumerate(diabetes.feature_names)
}
entry_order = pd.Series(entry, name="largest alpha with a non-zero coefficient")
entry_order.sort_values(ascending=False).round(3).to_frame()

# %% [markdown]
# Reading the path from the right (strong penalty) to the left: `bmi` enters first, then `s5`,
# `bp` and `s3`. A strong Lasso builds a model from a handful of measurements, in order of how
# much each adds; `age` and `s2` join only when alpha is tiny. This order is a property of
# this data set and this penalty, not a ranking of medical importance: correlated serum values
# can take each other's place.

# %% [markdown]
# ## 4. Recovering the true support
#
# Choose alpha on the validation set, then compare the selected features with the truth:
#
# * **recall**: the fraction of informative features that were selected;
# * **precision**: the fraction of selected features that are informative.

# %%
val_mse = np.array([mean_squared_error(y_val, m.predict(X_val)) for m in lassos])
train_mse = np.array([mean_squared_error(y_train, m.predict(X_train)) for m in lassos])
test_mse = np.array([mean_squared_error(y_test, m.predict(X_test)) for m in lassos])
best = int(np.argmin(val_mse))


def support_report(index):
    selected = set(np.flatnonzero(coefs[index]).tolist())
    found = selected & support
    return {
        "alpha": alphas[index],
        "selected": len(selected),
        "informative found": f"{sorted(found)}",
        "noise features kept": len(selected - support),
        "recall": len(found) / len(support),
        "precision": len(found) / len(selected) if selected else float("nan"),
        "test MSE": test_mse[index],
    }


exact = [i for i in range(len(alphas)) if set(np.flatnonzero(coefs[i]).tolist()) == support]
print(f"alpha chosen on validation: {alphas[best]:.3f}")
print(f"alphas whose selection is exactly the true support: {np.round(alphas[exact], 3).tolist()}")
kept = sorted(set(np.flatnonzero(coefs[best]).tolist()) - support)
print(f"noise features kept at the chosen alpha: {kept}")
pd.DataFrame(
    [support_report(best), support_report(exact[0])],
    index=["best validation MSE", "smallest alpha with exact support"],
).round(3)

# %% [markdown]
# At the alpha that predicts best (0.236), the Lasso finds **all five** informative features
# (recall 1.0) but keeps four noise features with small coefficients (precision 0.556), and
# its test MSE (4.683) is close to the noise floor of 4. From alpha 0.704 on it selects
# exactly the true support, but the test MSE rises to 7.426: the stronger penalty also
# shrinks the five real coefficients (the Lasso's bias). The best alpha for *prediction*
# and the best alpha for *selection* are different, so say which one you are after.

# %%
ax = plot_complexity_curve(
    alphas, train_mse, val_mse, xlabel="alpha", log_x=True, reference=NOISE**2
)
ax.axvline(alphas[exact[0]], color="C2", linestyle="-.", label="exact support from here")
ax.legend(fontsize="small")
ax.set_ylim(0, 30)
ax.set_title("Lasso: training and validation error against alpha")
show_figure(
    "Training and validation mean squared error of the Lasso against alpha (log scale),"
    " with the noise floor marked and a vertical line where the Lasso starts to select"
    " exactly the true features; the validation error is lowest a little to the left of"
    " that line and rises beyond it."
)

# %% [markdown]
# ## 5. Why L1 gives zeros: the geometry
#
# Penalized least squares is equivalent to constrained least squares: minimize the squared
# error subject to $\lVert w \rVert_1 \le t$ (L1) or $\lVert w \rVert_2^2 \le t^2$ (L2), where a
# larger alpha means a smaller budget $t$. With two weights, the L1 region is a diamond and the
# L2 region a disc. The solution is where the smallest elliptic contour of the squared error
# around the least-squares point first touches the region. The diamond has **corners on the
# axes**, where one weight is exactly zero, and the ellipses usually touch a corner first. The
# disc has no corners, so the touching point has both weights non-zero.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
plot_constraint_geometry("l1", ax=axes[0])
plot_constraint_geometry("l2", ax=axes[1])
fig.tight_layout()
show_figure(
    "Two panels with the same elliptic contours of the squared error in the (w1, w2)"
    " plane: left, the L1 diamond, first touched at its corner on the w1 axis, where w2 is"
    " zero; right, the L2 disc, touched at a point where both weights are non-zero."
)
for kind in ["l1", "l2"]:
    w = constrained_solution(kind)
    print(f"{kind.upper()} solution: w1 = {w[0]:.3f}, w2 = {w[1]:.3f}")


# %% [markdown]
# Same data (same ellipses), same budget $t = 1$: the L1 solution lands on the corner
# $(1, 0)$ with $w_2 = 0$ exactly, the L2 solution keeps both weights. This corrects the
# tutorial's answer to question 2: L2 does not "distribute error across all terms". L2
# **shrinks all weights** and, when features are correlated, **spreads weight** across them
# (section 7); L1 **sets some weights exactly to zero**.

# %% [markdown]
# ## 6. One feature at a time: soft-thresholding
#
# When the features are orthogonal with $X^\top X = n I$, the Lasso problem splits into one
# problem per feature, with a closed-form answer. Let $z_j = x_j^\top y / n$ be the
# least-squares coefficient; then
#
# $$
# \hat w_j = S(z_j, \alpha) = \operatorname{sign}(z_j)\,\max(|z_j| - \alpha,\, 0).
# $$
#
# The Lasso subtracts alpha from every coefficient's size and sets the small ones (those
# with $|z_j| \le \alpha$) to exactly zero: **soft-thresholding**. Ridge on the same design
# multiplies instead, $\hat w_j = z_j \cdot n / (n + \alpha)$, which never reaches zero.
# We check both halves of that statement on `Lasso`'s own solution, for an orthogonal design
# built with a QR decomposition: every coefficient it keeps has moved towards zero by exactly
# alpha (same sign as $z_j$), and every coefficient it zeroes had $|z_j| \le \alpha$.
# (Exercise 04 asks you to write $S$ yourself and build a whole Lasso solver from it.)

# %%
n, p = 50, 6
design_rng = np.random.default_rng(0)
Q, _ = np.linalg.qr(design_rng.standard_normal((n, p)))
X_orth = np.sqrt(n) * Q  # columns orthogonal, X^T X = n I
y_orth = X_orth @ np.array([3.0, -2.0, 1.0, 0.5, -0.3, 0.0]) + design_rng.normal(0.0, 0.5, n)
z = X_orth.T @ y_orth / n

print(f"X^T X = n I: {np.allclose(X_orth.T @ X_orth, n * np.eye(p))}")
print(f"least-squares coefficients z: {np.round(z, 3)}")
for alpha in [0.2, 0.8]:
    w = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12).fit(X_orth, y_orth).coef_
    kept = w != 0
    moved_by_alpha = np.allclose(np.abs(z[kept]) - np.abs(w[kept]), alpha, rtol=0, atol=1e-8)
    same_sign = bool(np.all(np.sign(w[kept]) == np.sign(z[kept])))
    print(f"alpha {alpha}: Lasso coefficients {np.round(w, 3) + 0.0}")
    print(
        f"  {kept.sum()} kept, each moved towards 0 by alpha (to 1e-8): {moved_by_alpha}, "
        f"sign of z kept: {same_sign}; {(~kept).sum()} zeroed, all with |z| <= alpha: "
        f"{bool(np.all(np.abs(z[~kept]) <= alpha))}"
    )

# %%
# Lasso's answer on a one-feature orthogonal design whose least-squares coefficient is z.
z_grid = np.linspace(-3, 3, 61)
x_one = X_orth[:, :1]
lasso_answer = [
    Lasso(alpha=1.0, fit_intercept=False).fit(x_one, z_value * x_one[:, 0]).coef_[0]
    for z_value in z_grid
]
fig, ax = plt.subplots(figsize=(5.5, 4))
ax.plot(z_grid, z_grid, color="0.5", linestyle=":", label="least squares")
ax.plot(z_grid, lasso_answer, label="Lasso, alpha = 1 (fitted for each z)")
ax.plot(z_grid, z_grid * n / (n + 25.0), linestyle="--", label=f"Ridge, alpha = 25 (n = {n})")
ax.set_xlabel("least-squares coefficient z")
ax.set_ylabel("penalized coefficient")
ax.legend(fontsize="small")
ax.set_title("L1 subtracts and cuts at zero, L2 multiplies")
show_figure(
    "Penalized coefficient against the least-squares coefficient z: the Lasso curve is flat"
    " at zero between -1 and 1 and parallel to the dotted identity line outside, shifted"
    " towards zero by alpha; the dashed Ridge line is a straight line through the origin"
    " with a smaller slope."
)

# %% [markdown]
# ## 7. The same alpha is not the same strength in `Lasso` and `Ridge`
#
# `Ridge` minimizes $\lVert y - Xw \rVert^2 + \alpha \lVert w \rVert_2^2$ (a **sum** of squared
# errors), `Lasso` minimizes $\frac{1}{2n}\lVert y - Xw \rVert^2 + \alpha \lVert w \rVert_1$
# (half a **mean**; [the scaling conventions](../docs/scaling-conventions.md) put these and
# Keras's factors on one scale). Two numerical consequences, on the diabetes data ($n = 442$):
#
# 1. `ElasticNet` uses the Lasso's scaling: with `l1_ratio=0` its penalty is purely L2,
#    $\frac{1}{2n}\lVert y - Xw \rVert^2 + \frac{\alpha}{2} \lVert w \rVert_2^2$. Multiplying by
#    $2n$ shows that this equals `Ridge(alpha = n * alpha)`.
# 2. Copying every sample twice leaves the Lasso unchanged (the mean error is the same) but
#    halves Ridge's effective strength (the summed error doubles).

# %%
n_diabetes = len(y_diabetes)
strength = 0.5
elastic_l2 = ElasticNet(alpha=strength, l1_ratio=0.0, tol=1e-12, max_iter=100_000)
elastic_l2.fit(X_diabetes, diabetes.target)
ridge_equivalent = Ridge(alpha=n_diabetes * strength).fit(X_diabetes, diabetes.target)
print(
    f"ElasticNet(alpha={strength}, l1_ratio=0) equals Ridge(alpha={n_diabetes * strength:.0f}) "
    f"to 1e-8: {np.allclose(elastic_l2.coef_, ridge_equivalent.coef_, rtol=0, atol=1e-8)}"
)

X_twice = np.vstack([X_diabetes, X_diabetes])
y_twice = np.concatenate([diabetes.target, diabetes.target])
lasso_change = np.abs(
    Lasso(alpha=1.0).fit(X_twice, y_twice).coef_
    - Lasso(alpha=1.0).fit(X_diabetes, diabetes.target).coef_
).max()
ridge_change = np.abs(
    Ridge(alpha=100.0).fit(X_twice, y_twice).coef_
    - Ridge(alpha=100.0).fit(X_diabetes, diabetes.target).coef_
).max()
print(f"data copied twice: Lasso(alpha=1) coefficients move by at most {lasso_change:.4f}")
print(f"data copied twice: Ridge(alpha=100) coefficients move by up to {ridge_change:.4f}")

same_alpha = pd.DataFrame(
    {
        "least squares": LinearRegression().fit(X_diabetes, diabetes.target).coef_,
        "Ridge(alpha=1)": Ridge(alpha=1.0).fit(X_diabetes, diabetes.target).coef_,
        "Lasso(alpha=1)": Lasso(alpha=1.0).fit(X_diabetes, diabetes.target).coef_,
    },
    index=diabetes.feature_names,
)
print(
    f"coefficients exactly zero: Ridge {int(np.sum(same_alpha['Ridge(alpha=1)'] == 0))}, "
    f"Lasso {int(np.sum(same_alpha['Lasso(alpha=1)'] == 0))}"
)
same_alpha.round(2) + 0.0

# %% [markdown]
# With alpha = 1 on 442 patients, Ridge leaves six of the ten coefficients within 1 of their
# least-squares value and sets none to zero; only the correlated serum values `s1`, `s2`,
# `s3`, `s5` move noticeably (`s1` from -37.68 to -30.09). The Lasso with the same alpha sets three coefficients to zero
# and pulls `s1` to -4.84. An alpha tuned for one estimator means
# nothing for the other: tune each one separately (notebook 06).

# %% [markdown]
# ## 8. Correlated features: L1 picks one, and not reliably (question 3)
#
# The tutorial advises L1 "if you suspect many features are irrelevant". One caveat it leaves
# out: when informative features are strongly correlated, the Lasso keeps an arbitrary one.
# Below, features x0 and x1 are near-copies (correlation 0.99) with the *same* true
# coefficient. We refit on 50 bootstrap resamples of the same 60 samples.

# %%
X_pair, y_pair, pair_coef = make_correlated_groups(
    60, n_groups=3, group_size=2, n_informative_groups=1, within_correlation=0.99, seed=1
)
print(f"true coefficients of x0 and x1: {np.round(pair_coef[:2], 3).tolist()}")
print(f"correlation of x0 and x1: {np.corrcoef(X_pair[:, 0], X_pair[:, 1])[0, 1]:.3f}")

bootstrap_rng = np.random.default_rng(0)
lasso_pairs, ridge_pairs = [], []
for _ in range(50):
    rows = bootstrap_rng.integers(0, len(y_pair), len(y_pair))
    lasso_pairs.append(Lasso(alpha=0.5).fit(X_pair[rows], y_pair[rows]).coef_[:2])
    ridge_pairs.append(Ridge(alpha=5.0).fit(X_pair[rows], y_pair[rows]).coef_[:2])
lasso_pairs, ridge_pairs = np.array(lasso_pairs), np.array(ridge_pairs)

stability = pd.DataFrame(
    {
        model: {
            "mean w0": pairs[:, 0].mean(),
            "mean w1": pairs[:, 1].mean(),
            "std of w0 across resamples": pairs[:, 0].std(),
            "std of w0 + w1": pairs.sum(axis=1).std(),
            "resamples with w0 or w1 exactly 0": int(np.sum(np.any(pairs == 0, axis=1))),
        }
        for model, pairs in [("Lasso(alpha=0.5)", lasso_pairs), ("Ridge(alpha=5)", ridge_pairs)]
    }
)
stability.round(3)

# %%
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(lasso_pairs[:, 0], lasso_pairs[:, 1], s=18, label="Lasso, one per resample")
ax.scatter(ridge_pairs[:, 0], ridge_pairs[:, 1], s=18, marker="s", label="Ridge, one per resample")
ax.plot(*pair_coef[:2], "k*", markersize=12, label="true (w0, w1)")
ax.set_xlabel("w0")
ax.set_ylabel("w1")
ax.set_aspect("equal")
ax.legend(fontsize="small")
ax.set_title("Two near-copies: the Lasso's split is arbitrary")
show_figure(
    "Scatter of the coefficient pairs (w0, w1) fitted on bootstrap resamples, with the true"
    " pair as a star: the Ridge pairs cluster together near an even split, the Lasso pairs"
    " spread along a line of constant sum, several of them on an axis with one weight zero."
)

# %% [markdown]
# Both models pin the **sum** $w_0 + w_1$ (its spread is small for both), because only the sum
# matters for predictions when the features are near-copies. Ridge also splits it about
# evenly, every time. The Lasso's split jumps from resample to resample along the line
# $w_0 + w_1 = \text{const}$, often with one of the two exactly zero: which feature it "selects"
# is an accident of the sample. So, extending question 3:
#
# * choose **L1** when you believe few features matter *and* they are not strongly
#   correlated, or when a short model is worth some accuracy; do not read its selection as
#   proof that a dropped feature is useless;
# * choose **L2** as a default when many features carry some signal or come in correlated
#   groups;
# * for sparse models over correlated groups, notebook 05's Elastic Net keeps the group.

# %% [markdown]
# ## Try it: walk along the Lasso path
#
# The static figure shows the Lasso path of the diabetes data with `alpha=1.0` marked (features
# standardized). In JupyterLab the explorer below lets you slide alpha along the path and switch
# to Ridge or Elastic Net: watch Lasso's coefficients hit zero one after another while Ridge's
# only shrink.

# %%
from sklearn.datasets import load_diabetes

from course_utils.explorer_plots import plot_path_at_alpha, regularization_path
from course_utils.widgets import path_explorer

diabetes = load_diabetes()
path_alphas, path_coefs = regularization_path(diabetes.data, diabetes.target, model="lasso")
plot_path_at_alpha(path_alphas, path_coefs, 1.0, feature_names=diabetes.feature_names)
show_figure(
    "Lasso path of the diabetes features against alpha, with a vertical marker at"
    " alpha = 1 showing which coefficients are still non-zero there."
)

# %%
path_explorer(
    diabetes.data, diabetes.target, model="lasso", alpha=1.0, feature_names=diabetes.feature_names
)

# %% [markdown]
# ## Key takeaways
#
# * The Lasso minimizes $\frac{1}{2n}\lVert y - Xw \rVert^2 + \alpha \lVert w \rVert_1$ and
#   sets coefficients **exactly** to zero; the number of selected features falls as alpha grows.
# * The L1 region has corners on the axes; the loss contours usually touch a corner, where
#   some weights are zero. In one dimension this is soft-thresholding: subtract alpha, cut at 0.
# * L2 does not "distribute error": it shrinks all weights and shares weight among correlated
#   features (question 2).
# * The alpha that predicts best keeps some noise features; exact support recovery needs a
#   larger alpha and costs accuracy.
# * `Lasso` divides the squared error by $2n$, `Ridge` does not: the same alpha is a very
#   different strength, and Ridge's effective strength also depends on the sample size.
# * With strongly correlated features the Lasso's choice among them is unstable (question 3).
#
# With more compute you would repeat the support-recovery experiment over many seeds and
# report how often each feature is selected (stability selection); one seed shows the idea.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "Why does the L1 penalty produce exact zeros while L2 does not?",
            [
                "L1 is a larger penalty than L2",
                "the L1 constraint region has corners on the axes",
                "L1 is applied after training",
            ],
            answer=1,
            explanation="The loss contours tend to touch the diamond at a corner, where one "
            "weight is exactly zero; the round L2 region has no corners.",
        ),
        Question(
            "With an orthogonal design, the Lasso turns a least-squares coefficient z = 0.3 "
            "into what when alpha = 0.5?",
            ["0.3 / 1.5", "0", "-0.2"],
            answer=1,
            explanation="Soft-thresholding: |z| = 0.3 is not larger than alpha = 0.5, so the "
            "coefficient is set to exactly 0 (it never changes sign).",
        ),
        Question.true_false(
            "Lasso(alpha=1) and Ridge(alpha=1) penalize about equally strongly.",
            answer=False,
            explanation="Lasso divides the squared error by 2n and Ridge does not, so on 442 "
            "samples Ridge(alpha=1) barely shrinks while Lasso(alpha=1) removes features.",
        ),
        Question.true_false(
            "If the Lasso drops feature x1 but keeps its near-copy x0, x1 carries no information.",
            answer=False,
            explanation="With near-copies the Lasso's choice is arbitrary; another sample can "
            "keep x1 and drop x0.",
        ),
    ]
)
