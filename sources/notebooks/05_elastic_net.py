# %% [markdown]
# # 05 · Elastic Net: L1 and L2 in one penalty
#
# **Topics:** the Elastic Net objective, `alpha` and `l1_ratio`, groups of correlated features, the grouping effect, selection stability, Ridge vs Lasso vs Elastic Net
#
# **Tutorial questions answered:** 11 (can L1 and L2 be used together?, with a correction)
# and 12 (what is Elastic Net, and what does it do with correlated features?).
#
# **Runtime:** about 5 s on a 2-core laptop (scikit-learn only).
#
# The tutorial answers both questions in one line each: yes, that is Elastic Net, "a
# combination of L1 and L2, useful when features are correlated". Right in spirit, but it
# leaves out what matters in practice: what the combined objective is, which two knobs it
# has, and *what exactly* it does differently with correlated features. This notebook
# shows it with data whose true coefficients we know: groups of near-identical features,
# some groups informative, the others pure noise.

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/05_elastic_net.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/05_elastic_net.ipynb)

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
from sklearn.linear_model import ElasticNet, ElasticNetCV, Lasso, LassoCV, Ridge, RidgeCV
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course_utils.data import make_correlated_groups
from course_utils.figures import show_figure
from course_utils.linear_plots import plot_regularization_path
from course_utils.selection_plots import plot_grouped_coefficients

# %% [markdown]
# ## 1. One objective with two knobs (question 11)
#
# "Can I use L1 and L2 together?" Yes, and the tutorial calls this Elastic Net. The answer
# is loose in one important way: Elastic Net is **not** two methods run side by side whose
# results are averaged. It is *one* model fitted once, with *one* objective that contains
# both penalties. scikit-learn's `ElasticNet` minimizes
#
# $$\frac{1}{2n}\lVert y - Xw\rVert_2^2 \;+\; \alpha\,\rho\,\lVert w\rVert_1 \;+\; \frac{\alpha\,(1-\rho)}{2}\,\lVert w\rVert_2^2,$$
#
# with `alpha` $=\alpha$ (overall strength) and `l1_ratio` $=\rho$ (the share of L1 in the
# mix). So there are two knobs to tune, not one: `l1_ratio=1` is exactly the Lasso, and
# `l1_ratio=0` is Ridge with its strength rescaled, because Ridge's objective has no
# $\frac{1}{2n}$ in front of the squared error: `ElasticNet(alpha, l1_ratio=0)` equals
# `Ridge(alpha * n)`. (In the paper that introduced it, Zou and Hastie, 2005, this objective is
# the *naive* elastic net; they rescale its coefficients by $1 + \lambda_2$ to undo the double
# shrinkage of the two penalties. scikit-learn fits the naive version, without the rescaling.)
#
# Neural networks use the same idea: Keras's `keras.regularizers.L1L2(l1=..., l2=...)`
# adds `l1 * sum(|w|) + l2 * sum(w**2)` to the *mean* loss of each batch. It is the same
# combined penalty with a different parametrization (two separate strengths, no $\frac{1}{2}$),
# so the numbers differ but convert: for a linear model with Keras's `mse` loss,
# `ElasticNet(alpha, l1_ratio)` has the minimizer of `L1L2(l1=2 * alpha * l1_ratio,
# l2=alpha * (1 - l1_ratio))` (multiply the objective above by 2). Every such conversion is in
# [the scaling conventions](../docs/scaling-conventions.md), and notebook 08 checks them in
# Keras.
#
# A check of both special cases on random data (tight tolerance so that the solvers
# converge fully):

# %%
X_demo = rng.standard_normal((50, 5))
y_demo = X_demo @ np.array([2.0, -1.0, 0.0, 0.5, 0.0]) + rng.standard_normal(50)
n_demo = len(y_demo)
alpha_demo = 0.1
tight = {"tol": 1e-12, "max_iter": 100_000}

lasso_demo = Lasso(alpha=alpha_demo, **tight).fit(X_demo, y_demo)
enet_l1 = ElasticNet(alpha=alpha_demo, l1_ratio=1.0, **tight).fit(X_demo, y_demo)
ridge_demo = Ridge(alpha=alpha_demo * n_demo).fit(X_demo, y_demo)
enet_l2 = ElasticNet(alpha=alpha_demo, l1_ratio=0.0, **tight).fit(X_demo, y_demo)

print(
    f"l1_ratio=1 vs Lasso(alpha):       max |difference| below 1e-10: {np.abs(enet_l1.coef_ - lasso_demo.coef_).max() < 1e-10}"
)
print(
    f"l1_ratio=0 vs Ridge(alpha * n):   max |difference| below 1e-10: {np.abs(enet_l2.coef_ - ridge_demo.coef_).max() < 1e-10}"
)
print(
    f"l1_ratio=0 vs Ridge(alpha):       max |difference| = {np.abs(enet_l2.coef_ - Ridge(alpha=alpha_demo).fit(X_demo, y_demo).coef_).max():.3f}"
)

# %% [markdown]
# ## 2. Data: groups of near-copies
#
# `make_correlated_groups` builds 6 groups of 4 features. Inside a group the features are
# noisy copies of one hidden factor (correlation 0.95); different groups are independent.
# Groups A and B are informative: **every** member has the same true coefficient. Groups
# C to F have no effect on `y`. So the true support is 8 features, in two complete groups.
# The noise standard deviation is 4, so no model can get a test mean squared error (MSE)
# much below 16. 100 samples train the models; 500 more measure the test error.

# %%
N_GROUPS, GROUP_SIZE = 6, 4
X, y, true_coef = make_correlated_groups(
    n_samples=600,
    n_groups=N_GROUPS,
    group_size=GROUP_SIZE,
    n_informative_groups=2,
    within_correlation=0.95,
    noise=4.0,
    seed=42,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=100, random_state=0)

feature_names = [f"{chr(65 + j // GROUP_SIZE)}{j % GROUP_SIZE + 1}" for j in range(X.shape[1])]
group_of = np.arange(X.shape[1]) // GROUP_SIZE
informative = true_coef != 0

corr = np.corrcoef(X_train, rowvar=False)
same_group = group_of[:, None] == group_of[None, :]
off_diagonal = ~np.eye(len(corr), dtype=bool)
print(f"features: {X.shape[1]}, informative: {informative.sum()} (groups A and B)")
print("true coefficient per group:", np.round(true_coef[::GROUP_SIZE], 3))
print(f"mean correlation inside a group:   {corr[same_group & off_diagonal].mean():.3f}")
print(f"mean |correlation| between groups: {np.abs(corr[~same_group]).mean():.3f}")

# %% [markdown]
# ## 3. Ridge, Lasso and Elastic Net side by side (question 12)
#
# Each model is a `Pipeline` that standardizes the features and then fits the penalized
# regression, so the scaler only ever sees training data. To compare the penalties fairly,
# each model gets the `alpha` that 5-fold cross-validation prefers (`RidgeCV`, `LassoCV`,
# `ElasticNetCV` with `l1_ratio=0.5`; notebook 06 explains how these choose). The
# coefficients are converted back to the original feature units (divided by the
# scaler's standard deviations) so that they can be compared with the true ones.

# %%
cv = KFold(n_splits=5, shuffle=True, random_state=0)
models = {
    "Ridge": make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 3, 41), cv=cv)),
    "Lasso": make_pipeline(StandardScaler(), LassoCV(cv=cv, random_state=0)),
    "Elastic Net": make_pipeline(
        StandardScaler(), ElasticNetCV(l1_ratio=0.5, cv=cv, random_state=0)
    ),
}
coefs, chosen_alpha = {}, {}
for name, model in models.items():
    model.fit(X_train, y_train)
    coefs[name] = model[-1].coef_ / model[0].scale_  # back to the original units
    chosen_alpha[name] = float(model[-1].alpha_)
print(
    "\n".join(
        f"{name:12s} alpha chosen by cross-validation = {a:.4f}"
        for name, a in chosen_alpha.items()
    )
)

# %%
fig, ax = plt.subplots(figsize=(11, 4))
plot_grouped_coefficients(coefs, GROUP_SIZE, true_coef=true_coef, ax=ax)
ax.set_title("Coefficients: Lasso keeps some members of a group, Elastic Net the whole group")
show_figure(
    "Grouped bars of the Ridge, Lasso and Elastic Net coefficients of every feature, with"
    " the true values marked: Ridge gives every feature a weight, noise included; the "
    "Lasso keeps only some members of the informative groups A and B; Elastic Net keeps "
    "all members of A and B with similar weights."
)

# %% [markdown]
# The figure shows the three behaviours: Ridge gives every feature a non-zero weight,
# including the 16 noise features; the Lasso keeps only some members of the informative
# groups A and B and sets the others to exactly zero, even though all four carry the same
# signal; Elastic Net keeps all members of A and B with similar weights. The table counts
# the non-zero coefficients per group:

# %%
kept_per_group = pd.DataFrame(
    {
        name: [int((np.abs(c[group_of == g]) > 0).sum()) for g in range(N_GROUPS)]
        for name, c in coefs.items()
    },
    index=pd.Index(
        [
            f"{chr(65 + g)} ({'informative' if informative[g * GROUP_SIZE] else 'noise'})"
            for g in range(N_GROUPS)
        ],
        name="group (4 members)",
    ),
)
kept_per_group

# %% [markdown]
# Why does the Lasso do this? For the L1 penalty, the cost of a coefficient vector only
# depends on $\sum_j |w_j|$. If four features are almost identical, putting the whole
# weight on one of them or spreading it over all four gives nearly the same predictions
# *and* the same L1 cost, so the Lasso has no reason to prefer spreading, and the tiny
# differences between the copies decide which ones survive. The squared L2 term breaks the
# tie: $4 \cdot (w/4)^2$ is four times smaller than $w^2$, so an L2 penalty always prefers
# to share the weight equally among near-copies. Elastic Net inherits this preference
# (the *grouping effect*) while keeping the L1 term's ability to set coefficients to zero.

# %% [markdown]
# ## 4. Which members does the Lasso keep? It depends on the sample
#
# If the choice between near-copies is decided by small accidents of the data, it should
# change when the data change a little. We refit both models, with the alphas found
# above, on 50 bootstrap resamples of the training set (100 rows drawn with replacement)
# and count how often each feature is kept.

# %%
n_resamples = 50
resample_rng = np.random.default_rng(0)
selected = {"Lasso": np.zeros(X.shape[1]), "Elastic Net": np.zeros(X.shape[1])}
all_informative_kept = {"Lasso": 0, "Elastic Net": 0}
for _ in range(n_resamples):
    rows = resample_rng.integers(0, len(y_train), size=len(y_train))
    fits = {
        "Lasso": Lasso(alpha=chosen_alpha["Lasso"]),
        "Elastic Net": ElasticNet(alpha=chosen_alpha["Elastic Net"], l1_ratio=0.5),
    }
    for name, estimator in fits.items():
        model = make_pipeline(StandardScaler(), estimator).fit(X_train[rows], y_train[rows])
        kept = model[-1].coef_ != 0
        selected[name] += kept
        all_informative_kept[name] += int(kept[group_of == 0].all() and kept[group_of == 1].all())
frequency = {name: counts / n_resamples for name, counts in selected.items()}

fig, ax = plt.subplots(figsize=(11, 3.6))
plot_grouped_coefficients(frequency, GROUP_SIZE, ylabel="share of resamples kept", ax=ax)
ax.set_ylim(0, 1.05)
ax.set_title(f"How often each feature is kept over {n_resamples} bootstrap resamples")
show_figure(
    "Grouped bars of how often the Lasso and Elastic Net keep each feature over the "
    "bootstrap resamples: Elastic Net keeps every member of groups A and B in every "
    "resample, the Lasso keeps the members of these groups only part of the time, and "
    "both keep some noise features now and then."
)

# %%
stability = pd.DataFrame(
    {
        name: {
            "mean share kept, informative members": freq[informative].mean(),
            "lowest share kept, informative member": freq[informative].min(),
            "mean share kept, noise features": freq[~informative].mean(),
            "resamples keeping all 8 informative": all_informative_kept[name] / n_resamples,
        }
        for name, freq in frequency.items()
    }
)
stability.round(3)

# %% [markdown]
# The Lasso keeps some informative members in only a third of the resamples, and keeps
# all eight at once in very few: its choice inside a group is close to arbitrary. Elastic
# Net keeps both informative groups complete in every resample. Both also keep noise
# features part of the time, and Elastic Net clearly more often than the Lasso: that is
# the price of its weaker L1 part, and the reason its precision is not higher than the
# Lasso's in section 7.

# %% [markdown]
# ## 5. Along the path: the Lasso admits group members one at a time
#
# The regularization path shows the same thing from another angle. Starting from a large
# alpha (all coefficients zero) and lowering it, we record at which alpha each informative
# feature first becomes non-zero. The figure highlights group A.

# %%
path_alphas = np.logspace(1.5, -2, 50)
scaler = StandardScaler().fit(X_train)
Z_train = scaler.transform(X_train)
paths = {
    "Lasso": np.array([Lasso(alpha=a).fit(Z_train, y_train).coef_ for a in path_alphas]),
    "Elastic Net (l1_ratio=0.5)": np.array(
        [ElasticNet(alpha=a, l1_ratio=0.5).fit(Z_train, y_train).coef_ for a in path_alphas]
    ),
}
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
for ax, (name, path) in zip(axes, paths.items(), strict=True):
    plot_regularization_path(
        path_alphas, path, feature_names=feature_names, highlight=["A1", "A2", "A3", "A4"], ax=ax
    )
    ax.set_title(name)
axes[1].set_ylabel("")
show_figure(
    "Two regularization paths side by side, the Lasso on the left and Elastic Net on the "
    "right, with the four members of group A highlighted: in Elastic Net they enter the "
    "model together at the same alpha, in the Lasso one enters first and the others "
    "follow at smaller alphas."
)


# %%
def entry_alpha(path, j):
    """Largest alpha on the grid at which feature j is non-zero (NaN if never)."""
    nonzero = np.flatnonzero(path[:, j] != 0)
    return path_alphas[nonzero[0]] if len(nonzero) else np.nan


entry = pd.DataFrame(
    {
        name: [entry_alpha(path, j) for j in np.flatnonzero(informative)]
        for name, path in paths.items()
    },
    index=pd.Index([feature_names[j] for j in np.flatnonzero(informative)], name="feature"),
)
print("alpha at which each informative feature enters the model (NaN: never on this grid)")
entry.round(3)

# %% [markdown]
# Elastic Net brings all four members of a group into the model at the same alpha. The
# Lasso admits one member, and the others follow at smaller alphas, if at all: in group A,
# A1 enters at 7.197, A2 and A4 only at about half that, A3 at 0.164; in group B, B2 never
# enters on this grid. Once one copy is in, it explains the shared signal and its siblings
# have little left to explain.

# %% [markdown]
# ## 6. Sweeping `l1_ratio`
#
# Between Ridge-like (`l1_ratio` near 0) and the Lasso (`l1_ratio=1`), how does the mix
# change the model? For each `l1_ratio`, `ElasticNetCV` picks the alpha by cross-validation
# (the same folds for all), and we record the non-zeros, the informative members kept
# and the test MSE.

# %%
l1_ratios = [0.1, 0.25, 0.5, 0.75, 0.9, 1.0]
sweep_rows = []
for l1_ratio in l1_ratios:
    model = make_pipeline(
        StandardScaler(), ElasticNetCV(l1_ratio=l1_ratio, cv=cv, random_state=0)
    ).fit(X_train, y_train)
    kept = model[-1].coef_ != 0
    sweep_rows.append(
        {
            "l1_ratio": l1_ratio,
            "alpha (CV)": model[-1].alpha_,
            "non-zeros (of 24)": int(kept.sum()),
            "informative kept (of 8)": int(kept[informative].sum()),
            "noise kept (of 16)": int(kept[~informative].sum()),
            "test MSE": mean_squared_error(y_test, model.predict(X_test)),
        }
    )
sweep = pd.DataFrame(sweep_rows).set_index("l1_ratio")
sweep.round(3)

# %%
fig, (ax_count, ax_mse) = plt.subplots(1, 2, figsize=(11, 3.6))
ax_count.plot(sweep.index, sweep["informative kept (of 8)"], "o-", label="informative kept (of 8)")
ax_count.plot(sweep.index, sweep["noise kept (of 16)"], "s--", label="noise kept (of 16)")
ax_count.set_xlabel("l1_ratio")
ax_count.set_ylabel("features kept")
ax_count.legend()
ax_mse.plot(sweep.index, sweep["test MSE"], "o-")
ax_mse.axhline(16.0, color="0.4", linestyle=":", label="noise variance (16)")
ax_mse.set_xlabel("l1_ratio")
ax_mse.set_ylabel("test MSE")
ax_mse.legend()
show_figure(
    "Left, the number of informative and noise features kept against l1_ratio; right, the"
    " test mean squared error against l1_ratio with the noise variance dotted: every "
    "l1_ratio below 1 keeps all informative features, small ratios let most noise "
    "features in, and the pure Lasso at 1 has the highest test error."
)

# %% [markdown]
# On this data every `l1_ratio` below 1 keeps all 8 informative features; only the pure
# Lasso (`l1_ratio=1`) breaks the groups up, and it also has the highest test MSE. At the
# other end, a small `l1_ratio` behaves almost like Ridge and lets most noise features in.
# The middle of the range keeps the groups and drops most of the noise, with the lowest
# test errors. Where exactly the sweet spot lies depends on the data, so `l1_ratio` is
# tuned like `alpha`: `ElasticNetCV` accepts a list of `l1_ratio` values and picks the
# pair (`alpha`, `l1_ratio`) with the best cross-validated error.

# %% [markdown]
# ## 7. One comparison table
#
# Finally, the three models of section 3 on the same correlated, sparse data: test error,
# how many coefficients are non-zero, and how well the non-zeros match the true support.
# *Recall* is the share of the 8 informative features that are kept; *precision* is the
# share of kept features that are informative.

# %%
comparison = pd.DataFrame(
    [
        {
            "model": name,
            "alpha (CV)": chosen_alpha[name],
            "test MSE": mean_squared_error(y_test, models[name].predict(X_test)),
            "non-zeros (of 24)": int((c != 0).sum()),
            "support recall": ((c != 0) & informative).sum() / informative.sum(),
            "support precision": ((c != 0) & informative).sum() / (c != 0).sum(),
        }
        for name, c in coefs.items()
    ]
).set_index("model")
comparison.round(3)

# %% [markdown]
# Read the table with the figures above:
#
# * The three test errors lie within 0.7 of each other, near the noise variance of 16 (a
#   finite test set can land a little below it). Elastic Net has the lowest, the Lasso the
#   highest, but on this data the grouping effect is mostly about **which features** a
#   model uses, less about prediction error.
# * Ridge cannot select: it keeps all 24 features, so its precision is 8/24.
# * The Lasso is the sparsest, but misses 3 of the 8 informative features, and which ones
#   it misses changes from sample to sample (section 4).
# * Elastic Net recovers every informative feature (recall 1) and drops 11 of the 16 noise
#   features; its precision is about the Lasso's.
#
# So the refined answer to question 12: Elastic Net is the penalized regression with both
# an L1 and a squared L2 term; with groups of correlated features it keeps or drops a group
# *together* and spreads the weight over its members, where the Lasso picks members
# almost arbitrarily. Use it when you want a sparse model whose selected features are
# stable and interpretable despite correlation. The Lasso's trouble is a small-sample one:
# with more data (try `n_samples=3000`, `train_size=2500`) the three test errors come within
# a few hundredths of each other, near the noise variance, and the Lasso then keeps all
# eight informative features too, though it still spreads weight over them less evenly than
# Elastic Net.

# %% [markdown]
# ## Key takeaways
#
# * Elastic Net is one model with one objective, $\frac{1}{2n}\lVert y-Xw\rVert^2 + \alpha\rho\lVert w\rVert_1 + \frac{\alpha(1-\rho)}{2}\lVert w\rVert^2$, and two knobs: `alpha` (strength) and `l1_ratio` (mix). `l1_ratio=1` is the Lasso; `l1_ratio=0` is Ridge with `alpha` multiplied by $n$ (question 11).
# * With near-copies of a feature, the Lasso keeps one or a few members of the group, and which ones changes between resamples; Ridge keeps all of them and everything else too; Elastic Net keeps the whole informative group and still drops most noise features (question 12).
# * The grouping effect comes from the squared L2 term, which prefers to split weight equally among near-identical features.
# * Standardize inside a `Pipeline` before any penalized model, and tune both `alpha` and `l1_ratio` by cross-validation (notebook 06).
# * Keras's `L1L2` regularizer applies the same combined penalty to network weights, with its own scaling.

# %% [markdown]
# ## Quiz

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "Four features are near-copies of each other and all four carry signal. What does the Lasso typically do?",
            [
                "Gives all four the same coefficient",
                "Keeps one or a few of them, and which ones depends on the sample",
                "Sets all four to zero",
            ],
            answer=1,
            explanation="The L1 cost is the same whichever copy carries the weight, so small accidents of the data decide; section 4 shows the choice changing across resamples.",
        ),
        Question(
            "In scikit-learn, ElasticNet(alpha=0.1, l1_ratio=0) gives the same coefficients as ...",
            ["Ridge(alpha=0.1)", "Ridge(alpha=0.1 * n_samples)", "Lasso(alpha=0.1)"],
            answer=1,
            explanation="ElasticNet divides the squared error by 2n and the L2 term has a factor 1/2; multiplying the objective by 2n gives Ridge with alpha * n.",
        ),
        Question.true_false(
            "Elastic Net means fitting a Lasso and a Ridge model separately and averaging their predictions.",
            answer=False,
            explanation="It is a single model whose objective contains both penalties; it is fitted once.",
        ),
        Question(
            "Which term of the Elastic Net penalty makes it keep a group of correlated features together?",
            ["The L1 term", "The squared L2 term", "The 1/(2n) in front of the squared error"],
            answer=1,
            explanation="Splitting a weight w over k copies costs k (w/k)^2 = w^2/k under the squared L2 norm, so it prefers sharing; the L1 cost does not change.",
        ),
    ]
)
