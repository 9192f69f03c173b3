# %% [markdown]
# # 03 · L2 regularization: Ridge regression
#
# **Topics:** the penalized least-squares objective, the closed-form solution by hand, what
# alpha means (and how strong alpha = 1 really is), the regularization path, choosing alpha on
# validation data, the unpenalized intercept, standardizing features inside a `Pipeline`
#
# **Tutorial questions answered:** 2 (what L2 does), 7 (the role of alpha) and, in part, 3
# (when L2 is the right default; notebook 04 completes it).
#
# **Runtime:** about 4 s on a 2-core laptop (scikit-learn only).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/03_l2_ridge.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/03_l2_ridge.ipynb)

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
import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course_utils.data import make_sparse_regression, make_tutorial_linear
from course_utils.figures import show_figure
from course_utils.linear_plots import plot_complexity_curve, plot_regularization_path

# %% [markdown]
# ## 1. The objective, written out
#
# scikit-learn's `Ridge(alpha=...)` finds the weights $w$ and the intercept $b$ that minimize
#
# $$
# \underbrace{\lVert y - Xw - b\,\mathbf{1} \rVert_2^2}_{\text{sum of squared errors}}
# \; + \; \underbrace{\alpha \,\lVert w \rVert_2^2}_{\text{L2 penalty}}
# \qquad \text{with} \qquad \lVert w \rVert_2^2 = \sum_j w_j^2 .
# $$
#
# Three details matter later:
#
# * the squared error is a **sum** over the samples, not a mean: the same alpha weighs less
#   when there are more samples (notebook 04 compares this with `Lasso`, which divides by $2n$;
#   [the scaling conventions](../docs/scaling-conventions.md) put every library's penalty on
#   one scale);
# * the **intercept $b$ is not in the penalty**;
# * the penalty adds the squares of the raw coefficients, so it depends on the **units of each
#   feature**.
#
# Setting the gradient to zero gives a closed form. Centre the data first
# ($X_c = X - \bar{x}$, $y_c = y - \bar{y}$, which takes care of the unpenalized intercept), then
#
# $$
# \hat w = \left(X_c^\top X_c + \alpha I\right)^{-1} X_c^\top y_c ,
# \qquad \hat b = \bar{y} - \bar{x}^\top \hat w .
# $$
#
# The $+\alpha I$ makes the matrix invertible even when features are strongly correlated or
# outnumber the samples, which is exactly when plain least squares breaks down.

# %% [markdown]
# ## 2. Data with known truth: 30 correlated features, 6 of them informative
#
# `make_sparse_regression` draws standard normal features whose correlation is
# $0.8^{|i-j|}$ (neighbours are strongly alike) and gives 6 of the 30 features a non-zero
# coefficient. The noise has standard deviation 3, so the best possible test MSE is
# $3^2 = 9$. Forty training samples for 31 parameters is little: plain least squares will
# over-fit. A validation set chooses alpha; a large test set measures the result once.

# %%
NOISE = 3.0
X, y, true_coef = make_sparse_regression(
    640, n_features=30, n_informative=6, noise=NOISE, correlation=0.8, seed=0
)
X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=40, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=100, random_state=0)
informative = np.flatnonzero(true_coef)
feature_names = [f"x{j}" for j in range(X.shape[1])]

print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")
print(f"informative features: {informative.tolist()}")
print(f"their true coefficients: {np.round(true_coef[informative], 3).tolist()}")
print(f"correlation of x0 and x1 in the training set: {np.corrcoef(X_train[:, :2].T)[0, 1]:.2f}")
print(f"noise floor (noise**2): {NOISE**2:.1f}")


# %% [markdown]
# ## 3. Ridge by hand, checked against scikit-learn
#
# Solving the linear system above is one route (exercise 01 asks you to write it). The
# singular value decomposition of the centred data, $X_c = U D V^\top$ with singular values
# $d_j$, gives a second one that shows what the penalty does
# (Hastie, Tibshirani and Friedman, *The Elements of Statistical Learning*, section 3.4.1):
#
# $$
# \hat w = V \operatorname{diag}\!\left(\frac{d_j}{d_j^2 + \alpha}\right) U^\top y_c ,
# $$
#
# that is, least squares along each principal direction $j$ of the data, multiplied by
# $d_j^2 / (d_j^2 + \alpha)$. Directions in which the data vary a lot ($d_j^2 \gg \alpha$) are
# barely touched; directions of little variance, where least squares is least reliable, are
# shrunk the most. (Notebook 11, question 19, compares this smooth shrinkage with dropping
# directions altogether.)

# %%
def ridge_by_svd(X, y, alpha):
    """Ridge weights and intercept from the SVD of the centred data (intercept not penalized)."""
    x_mean, y_mean = X.mean(axis=0), y.mean()
    U, d, Vt = np.linalg.svd(X - x_mean, full_matrices=False)
    w = Vt.T @ (d / (d**2 + alpha) * (U.T @ (y - y_mean)))
    return w, y_mean - x_mean @ w


rows = []
for alpha in [0.1, 1.0, 10.0, 100.0]:
    w, b = ridge_by_svd(X_train, y_train, alpha)
    ridge = Ridge(alpha=alpha).fit(X_train, y_train)
    rows.append(
        {
            "alpha": alpha,
            "w[2] by hand": w[2],
            "w[2] Ridge": ridge.coef_[2],
            "max |w difference|": np.abs(w - ridge.coef_).max(),
            "|b difference|": abs(b - ridge.intercept_),
        }
    )
comparison = pd.DataFrame(rows).set_index("alpha")
largest = comparison[["max |w difference|", "|b difference|"]].to_numpy().max()
print(f"ridge by SVD equals scikit-learn's Ridge to 1e-8: {largest < 1e-8}")
comparison[["w[2] by hand", "w[2] Ridge"]].round(4)

# %%
# NBVAL_IGNORE_OUTPUT
# (the last digits of floating-point round-off depend on the BLAS library)
print(f"largest difference over all weights, intercepts and alphas: {largest:.1e}")

# %% [markdown]
# The two agree to round-off (around $10^{-14}$): the SVD route and `Ridge` find the same
# minimizer of the objective above.
#
# ## 4. What alpha means (question 7), on the tutorial's own example
#
# The tutorial fits `Ridge(alpha=1.0)` to $y = 3x + 2 + \text{noise}$ and says a higher alpha
# means more regularization. True, but *how much* is alpha = 1? With one feature the closed form
# gives $\hat w_{\text{ridge}} = \hat w_{\text{OLS}} \cdot S / (S + \alpha)$ with
# $S = \sum_i (x_i - \bar x)^2$: alpha competes with $S$, which grows with the number of samples
# and the spread of $x$.

# %%
X_tut, y_tut = make_tutorial_linear(100, seed=42)
X_tut_train, X_tut_test, y_tut_train, y_tut_test = train_test_split(
    X_tut, y_tut, test_size=0.2, random_state=42
)
S = np.sum((X_tut_train[:, 0] - X_tut_train[:, 0].mean()) ** 2)
ols = LinearRegression().fit(X_tut_train, y_tut_train)
slope_ols = ols.coef_[0]
print(f"S = sum of squared deviations of x = {S:.1f}")
print(
    f"least squares: slope {slope_ols:.4f}, "
    f"test MSE {mean_squared_error(y_tut_test, ols.predict(X_tut_test)):.4f}"
)

tutorial_rows = []
for alpha in [1.0, 100.0, 1e4, 1e6]:
    ridge = Ridge(alpha=alpha).fit(X_tut_train, y_tut_train)
    tutorial_rows.append(
        {
            "alpha": alpha,
            "shrink factor S/(S+alpha)": S / (S + alpha),
            "predicted slope": slope_ols * S / (S + alpha),
            "Ridge slope": ridge.coef_[0],
            "test MSE": mean_squared_error(y_tut_test, ridge.predict(X_tut_test)),
        }
    )
pd.DataFrame(tutorial_rows).set_index("alpha").round(4)

# %% [markdown]
# With 80 training points, alpha = 1 shrinks the slope by less than 0.2 %: the tutorial's
# Ridge is practically ordinary least squares, and its test MSE is nearly the same. Alpha has no natural
# unit; its effect depends on the data's size and scale, which is why it is chosen by
# validation, not by habit. (The noise floor here is $2^2 = 4$; with only 20 test points the measured MSE can land
# below it by chance.)

# %% [markdown]
# ## 5. The regularization path
#
# Refit Ridge for 60 values of alpha from $10^{-3}$ to $10^{5}$ and follow each coefficient.
# The six informative features are drawn in colour.

# %%
alphas = np.logspace(-3, 5, 60)
ridges = [Ridge(alpha=alpha).fit(X_train, y_train) for alpha in alphas]
coefs = np.array([model.coef_ for model in ridges])

ax = plot_regularization_path(
    alphas, coefs, feature_names=feature_names, highlight=informative.tolist()
)
ax.set_title("Ridge path: smooth shrinkage, no coefficient exactly zero")
show_figure(
    "Ridge regularization path: every coefficient against alpha on a log scale, the six"
    " informative features in colour and the rest in grey; all curves shrink smoothly"
    " towards zero as alpha grows, and none reaches exactly zero."
)

print(f"coefficients exactly zero, over all {len(alphas)} alphas: {int(np.sum(coefs == 0))}")
print(f"largest |coefficient| at alpha = 1e5: {np.abs(coefs[-1]).max():.4f}")
norms = np.linalg.norm(coefs, axis=1)
print(f"length of w never grows as alpha grows: {bool(np.all(np.diff(norms) <= 1e-12))}")
print(
    f"x22: coefficient {coefs[0, 22]:.3f} at alpha 1e-3, {coefs[alphas.searchsorted(1.0), 22]:.3f} "
    f"near alpha 1 (true value {true_coef[22]:.3f})"
)


# %% [markdown]
# Ridge shrinks **all** coefficients continuously and sets **none** of them exactly to zero
# (question 2): at alpha $= 10^5$ the largest is still not 0, only small. At the left end
# (tiny alpha, nearly least squares) the coefficients of the noise features are far from their
# true value 0: with 40 samples and correlated features, least squares trades weight between
# neighbours to chase the noise.
#
# The *length* $\lVert w \rVert$ always shrinks as alpha grows, but a single coefficient need
# not move straight to zero: x22 starts positive, turns negative towards its true value as its
# correlated neighbours give up weight, and only then shrinks.

# %% [markdown]
# ## 6. Training, validation and test error against alpha
#
# Choose alpha where the **validation** error is lowest, then report the **test** error of that
# one model. (Notebook 06 shows why choosing on the test set would be a leak.)

# %%
def mse_of(model, X, y):
    return mean_squared_error(y, model.predict(X))


# the 60 models of the path in section 5, fitted there
train_mse = np.array([mse_of(m, X_train, y_train) for m in ridges])
val_mse = np.array([mse_of(m, X_val, y_val) for m in ridges])
test_mse = np.array([mse_of(m, X_test, y_test) for m in ridges])
best = int(np.argmin(val_mse))
best_alpha = alphas[best]

ax = plot_complexity_curve(
    alphas, train_mse, val_mse, xlabel="alpha", log_x=True, log_y=True, reference=NOISE**2
)
ax.plot(alphas, test_mse, color="C2", linestyle="-.", label="test")
ax.legend(fontsize="small")
ax.set_title("Small alpha over-fits, large alpha under-fits")
show_figure(
    "Training, validation and test mean squared error of Ridge against alpha, both axes on"
    " a log scale: the training error rises with alpha, the validation and test errors"
    " fall to a minimum at a middle alpha and rise again, and a line marks the noise floor."
)

summary = pd.DataFrame(
    {
        "alpha": [alphas[0], best_alpha, alphas[-1]],
        "train MSE": [train_mse[0], train_mse[best], train_mse[-1]],
        "validation MSE": [val_mse[0], val_mse[best], val_mse[-1]],
        "test MSE": [test_mse[0], test_mse[best], test_mse[-1]],
    },
    index=["alpha near 0", "chosen on validation", "very large alpha"],
)
summary.round(3)

# %% [markdown]
# * **Alpha near 0**: training MSE far below the noise floor of 9, test MSE several times it:
#   over-fitting.
# * **Very large alpha**: all coefficients near zero, the model predicts roughly the mean;
#   training and test error are both high: under-fitting (question 20 of notebook 02).
# * **In between**, the validation choice gives a test error of 12.7, within 1.5 times the
#   floor (no model can go below 9), four times better than least squares. The test curve
#   follows the validation curve closely, which is what makes validation trustworthy.

# %% [markdown]
# ## 7. The intercept is not penalized
#
# As alpha grows the weights go to zero, but the intercept does not: it goes to the mean of
# the training targets, so predictions fall back to "the average", not to zero. If the
# intercept were penalized, the model would depend on where the zero of $y$ happens to be
# (degrees Celsius or Kelvin). To see the difference, penalize it on purpose: add a column of
# ones to $X$ and switch off the separate intercept.

# %%
y_mean = y_tut_train.mean()
print(f"mean of y_train: {y_mean:.4f}")
for alpha in [1.0, 1e4, 1e8]:
    ridge = Ridge(alpha=alpha).fit(X_tut_train, y_tut_train)
    print(f"alpha {alpha:8.0e}: slope {ridge.coef_[0]:8.4f}, intercept {ridge.intercept_:8.4f}")

ones = np.ones((len(X_tut_train), 1))
penalized = Ridge(alpha=1e8, fit_intercept=False).fit(np.hstack([ones, X_tut_train]), y_tut_train)
print(
    f"intercept penalized too, alpha 1e8: intercept {penalized.coef_[0]:.4f}, "
    f"slope {penalized.coef_[1]:.4f}"
)

# %% [markdown]
# With the intercept left out of the penalty, alpha $= 10^8$ predicts 16.2097, the mean of
# the training targets, for every input. With the intercept penalized, the model collapses to
# predicting almost 0, an absurd value for these data.

# %% [markdown]
# ## 8. Why standardize first
#
# The penalty $\alpha \sum_j w_j^2$ treats all coefficients alike, but a coefficient's size
# depends on its feature's unit. Measure feature 19 (true coefficient 2.756) in different
# units: multiply it by 1000 (like metres to millimetres) or divide it by 1000. The model
# is the same, so least squares gives the same predictions; Ridge does not.

# %%
j = 19


def rescaled(X, factor):
    X = X.copy()
    X[:, j] *= factor
    return X


unit_rows = []
for factor in [1.0, 1000.0, 0.001]:
    ridge = Ridge(alpha=best_alpha).fit(rescaled(X_train, factor), y_train)
    pipeline = make_pipeline(StandardScaler(), Ridge(alpha=best_alpha))
    pipeline.fit(rescaled(X_train, factor), y_train)
    unit_rows.append(
        {
            "feature 19 multiplied by": factor,
            "Ridge: effect of one original unit": ridge.coef_[j] * factor,
            "Ridge: test MSE": mse_of(ridge, rescaled(X_test, factor), y_test),
            "Pipeline: test MSE": mse_of(pipeline, rescaled(X_test, factor), y_test),
        }
    )
print(f"alpha = {best_alpha:.3f}, true coefficient of feature 19: {true_coef[j]:.3f}")
pd.DataFrame(unit_rows).set_index("feature 19 multiplied by").round(3)

# %% [markdown]
# Without scaling, the unit decides how hard the feature is penalized:
#
# * multiplied by 1000, the feature needs a coefficient 1000 times smaller; its penalty
#   becomes negligible and it escapes regularization (its effect grows from 1.729 to
#   3.162);
# * divided by 1000, it needs a coefficient 1000 times larger; the penalty crushes it to
#   0.000 and the test MSE rises from 12.716 to 15.332.
#
# `make_pipeline(StandardScaler(), Ridge(...))` rescales every feature to unit variance using
# the **training** data only, inside the model, so the unit no longer matters: the last
# column is identical in all three rows. Check the predictions directly:

# %%
pipeline = make_pipeline(StandardScaler(), Ridge(alpha=best_alpha))
reference = pipeline.fit(X_train, y_train).predict(X_test)
for factor in [1000.0, 0.001]:
    predictions = pipeline.fit(rescaled(X_train, factor), y_train).predict(
        rescaled(X_test, factor)
    )
    same = np.allclose(predictions, reference, rtol=0, atol=1e-8)
    print(f"feature 19 x {factor:g}: pipeline predictions unchanged (to 1e-8): {same}")

# %% [markdown]
# The features of this notebook's main data set are standard normal by construction, which
# is why sections 5 and 6 could skip the scaler. Real features rarely are: always put the
# scaler in the pipeline, so that cross-validation (notebook 06) fits it on each training
# fold only.

# %% [markdown]
# ## Try it: move alpha yourself
#
# The figure below fits a degree-9 polynomial to 30 noisy points of $\sin(2\pi x)$ (the data of
# notebook 02) with Ridge at `alpha=1.0`: the curve on the left, its standardized coefficients on
# the right. In JupyterLab the explorer under it has a log-scale slider for alpha and a choice of
# Ridge, Lasso and Elastic Net; curve and bars change together. Slide from `1e-4` (wiggly curve,
# large coefficients) to `1e2` (nearly flat line, coefficients near zero).

# %%
from course_utils.data import make_nonlinear_1d, true_function_1d
from course_utils.explorer_plots import plot_alpha_fit
from course_utils.widgets import alpha_explorer

X_curve, y_curve = make_nonlinear_1d(30, noise=0.3, seed=42)
plot_alpha_fit(X_curve, y_curve, 1.0, model="ridge", true_function=true_function_1d)
show_figure(
    "Left, a degree-9 polynomial fitted by Ridge with alpha = 1 to noisy points of a sine"
    " curve, close to the true curve; right, bars of its standardized coefficients."
)

# %%
alpha_explorer(X_curve, y_curve, model="ridge", alpha=1.0, true_function=true_function_1d)

# %% [markdown]
# ## Key takeaways
#
# * Ridge minimizes $\lVert y - Xw - b \rVert^2 + \alpha \lVert w \rVert^2$; its closed form,
#   written through the SVD, multiplies least squares along each principal direction by
#   $d_j^2 / (d_j^2 + \alpha)$ and matches scikit-learn to round-off.
# * L2 shrinks every coefficient smoothly and sets none exactly to zero (question 2); with
#   correlated features it keeps all of them and shares the weight among them.
# * Alpha is a strength relative to the data (question 7): alpha = 1 is nearly nothing on
#   80 samples of the tutorial data. Choose it on validation data: too small over-fits, too
#   large under-fits.
# * The intercept is not penalized: strong Ridge predicts the mean, not zero.
# * The penalty depends on feature units: standardize inside a `Pipeline`.
# * Ridge is a good default when many features carry some signal (question 3, in part);
#   when only a few matter, notebook 04's Lasso can find them.
#
# With more compute you would choose alpha by cross-validation over many folds (notebook 06)
# instead of one validation split; the chosen alpha would move a little, the shape of the
# curves would not.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "You fit Ridge with a very large alpha. What do the predictions approach?",
            ["zero", "the mean of the training targets", "the least-squares predictions"],
            answer=1,
            explanation="The weights go to zero but the intercept is not penalized; it becomes "
            "the mean of y_train.",
        ),
        Question.true_false(
            "Ridge with alpha = 1 regularizes about as strongly on 80 samples as on 80,000.",
            answer=False,
            explanation="The squared error is a sum over samples; with 1000 times more data the "
            "same alpha weighs 1000 times less.",
        ),
        Question(
            "One feature is recorded in grams instead of kilograms (values 1000 times larger). "
            "Without scaling, what does Ridge do to that feature?",
            [
                "penalizes it much less",
                "penalizes it much more",
                "nothing changes",
            ],
            answer=0,
            explanation="The feature now needs a coefficient 1000 times smaller, whose square is "
            "a million times smaller: it nearly escapes the penalty.",
        ),
    ]
)
