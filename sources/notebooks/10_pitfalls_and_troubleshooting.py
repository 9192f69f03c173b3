# %% [markdown]
# # 10 · Pitfalls and troubleshooting
#
# **Topics:** unscaled features under a penalty; leakage through preprocessing; what alpha, `C` and a Keras factor really mean; regularization that is too strong; regularizing a model that under-fits; dropout left on at inference; tuning on the test set; the Keras 3 warning in the tutorial's code
#
# Regularization goes wrong in a handful of recurring ways. Each section below first shows the
# mistake with numbers, then the fix with numbers, on small data sets with known ground truth.
# An alpha explorer lets you push a penalty from "no effect" to "flat line" yourself.
#
# Answers tutorial questions 7, 8, 13 and 20, and corrects the code behind question 9.
# Runtime: about 10 s on a 2-core laptop (mostly importing TensorFlow; one small network).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/10_pitfalls_and_troubleshooting.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/10_pitfalls_and_troubleshooting.ipynb)

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

rng = setup_notebook(seed=42, keras=True)

import warnings

import keras
import numpy as np
import pandas as pd
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from course_utils.data import (
    load_breast_cancer_split,
    make_nonlinear_1d,
    make_sparse_regression,
    true_function_1d,
)
from course_utils.explorer_plots import plot_alpha_fit
from course_utils.figures import show_figure
from course_utils.training import make_dataset
from course_utils.widgets import alpha_explorer

# %% [markdown]
# ## Pitfall 1: unscaled features under a penalty
#
# A penalty such as $\alpha \sum_j w_j^2$ treats every coefficient alike. If one feature is
# recorded in kilometres and another in metres, the kilometre feature needs a coefficient 1000
# times larger for the same effect, and the penalty punishes exactly that coefficient. Here both
# features matter equally (true coefficients 2 and 2 per standard unit); the second one is stored
# in units 1000 times too large, so its true coefficient in those units is 2000.

# %%
n_samples = 200
X_std_units = rng.normal(size=(n_samples, 2))
y_units = 2.0 * X_std_units[:, 0] + 2.0 * X_std_units[:, 1] + rng.normal(0.0, 1.0, n_samples)
X_units = X_std_units * np.array([1.0, 0.001])  # second feature in kilometres, not metres
Xu_train, Xu_test, yu_train, yu_test = train_test_split(
    X_units, y_units, test_size=0.5, random_state=0
)

raw_ridge = Ridge(alpha=10.0).fit(Xu_train, yu_train)
scaled_ridge = make_pipeline(StandardScaler(), Ridge(alpha=10.0)).fit(Xu_train, yu_train)
scaled_coef = scaled_ridge[-1].coef_ / scaled_ridge[0].scale_  # back to the original units
for name, model, coef in [
    ("Ridge on raw features   ", raw_ridge, raw_ridge.coef_),
    ("StandardScaler + Ridge  ", scaled_ridge, scaled_coef),
]:
    test_mse = mean_squared_error(yu_test, model.predict(Xu_test))
    print(f"{name} test MSE {test_mse:.3f}   coefficients {coef[0]:.3f}, {coef[1]:.3f}")
print("true coefficients (original units)        2.000, 2000.000   noise variance 1.000")

# %% [markdown]
# Without scaling, the penalty all but deletes the kilometre feature (coefficient 0.016 instead
# of 2000) and the test error is more than four times the noise variance. With a
# `StandardScaler` in front, both features are penalized on the same footing, the kilometre
# coefficient is back near 2000 and the test error drops close to the
# noise level. **Fix:** standardize before any penalized model (and before a neural network).

# %% [markdown]
# ## Pitfall 2: preprocessing fitted on all the data (leakage)
#
# Fitting a scaler on the whole data set and then cross-validating lets each validation fold
# influence the preprocessing of its own training data. The safe pattern is a `Pipeline` inside
# cross-validation: every step is refitted on each training fold only.

# %%
X_leak, y_leak, _ = make_sparse_regression(40, 30, 5, noise=2.0, seed=1)
cv = KFold(n_splits=5, shuffle=True, random_state=0)

X_scaled_on_all = StandardScaler().fit_transform(X_leak)  # the mistake
leaky = -cross_val_score(
    Ridge(alpha=10.0), X_scaled_on_all, y_leak, cv=cv, scoring="neg_mean_squared_error"
).mean()
honest = -cross_val_score(
    make_pipeline(StandardScaler(), Ridge(alpha=10.0)),
    X_leak,
    y_leak,
    cv=cv,
    scoring="neg_mean_squared_error",
).mean()
print(f"scaler fitted on all data:  CV MSE {leaky:.3f}")
print(f"scaler inside the pipeline: CV MSE {honest:.3f}")

# %% [markdown]
# For a scaler the leak is small (the means and standard deviations barely depend on which 8
# points are held out), which is why it goes unnoticed. The same habit is disastrous as soon as
# a preprocessing step looks at the target. Below, 2000 features of pure noise and a target of
# pure noise: nothing can be predicted, so an honest $R^2$ is at most about 0 (negative means
# worse than predicting the mean). Choosing the 10
# features most correlated with the target on all the data, then cross-validating, "finds" signal
# that is not there.

# %%
X_noise = rng.normal(size=(50, 2000))
y_noise = rng.normal(size=50)
selected_on_all = SelectKBest(f_regression, k=10).fit_transform(X_noise, y_noise)  # the mistake
leaky_r2 = cross_val_score(Ridge(alpha=1.0), selected_on_all, y_noise, cv=cv, scoring="r2")
honest_r2 = cross_val_score(
    make_pipeline(SelectKBest(f_regression, k=10), Ridge(alpha=1.0)),
    X_noise,
    y_noise,
    cv=cv,
    scoring="r2",
)
print(f"selection on all data:       CV R^2 {leaky_r2.mean():+.3f}")
print(f"selection inside the pipeline: CV R^2 {honest_r2.mean():+.3f}")

# %% [markdown]
# **Fix:** put every data-dependent step (scaling, imputation, feature selection, PCA) in a
# `Pipeline` and cross-validate the pipeline.

# %% [markdown]
# ## Pitfall 3: the same number means different strengths
#
# "alpha = 1" is not one strength. Each library scales its penalty against a differently
# normalized loss. Written as *mean loss over the $n$ training points + $\lambda$ · penalty*, the
# four settings the course uses are (the course's [scaling conventions](../docs/scaling-conventions.md)
# hold the full table, `ElasticNet`, textbook forms and weight decay included):
#
# | setting | objective as documented | equivalent $\lambda$ on the mean loss |
# |---|---|---|
# | `Ridge(alpha=a)` | $\sum_i (y_i - \hat y_i)^2 + a \lVert w\rVert_2^2$ | $a / n$ (on $\lVert w\rVert_2^2$) |
# | `Lasso(alpha=a)` | $\frac{1}{2n} \sum_i (y_i - \hat y_i)^2 + a \lVert w\rVert_1$ | $2a$ (on $\lVert w\rVert_1$) |
# | `LogisticRegression(C=c)` | $c \sum_i \text{logloss}_i + \frac12 \lVert w\rVert_2^2$ | $1 / (2nc)$ (on $\lVert w\rVert_2^2$); larger `C` = weaker |
# | Keras `L2(f)` with `loss="mse"` | $\frac1n \sum_i (y_i - \hat y_i)^2 + f \lVert w\rVert_2^2$ | $f$ |
#
# So Ridge's penalty weakens as the data set grows (it is not divided by $n$), Lasso's does not,
# and `C` runs the other way. First, the same `alpha=1.0` on the same standardized data:

# %%
X_same, y_same, _ = make_sparse_regression(100, 5, 5, noise=1.0, seed=2)
X_same = StandardScaler().fit_transform(X_same)
y_same = y_same - y_same.mean()
norm_ols = np.linalg.norm(LinearRegression().fit(X_same, y_same).coef_)
norm_ridge = np.linalg.norm(Ridge(alpha=1.0).fit(X_same, y_same).coef_)
norm_lasso = np.linalg.norm(Lasso(alpha=1.0).fit(X_same, y_same).coef_)
print(f"|w| least squares {norm_ols:.3f}")
print(f"|w| Ridge(alpha=1.0) {norm_ridge:.3f}  ({norm_ridge / norm_ols:.1%} of least squares)")
print(f"|w| Lasso(alpha=1.0) {norm_lasso:.3f}  ({norm_lasso / norm_ols:.1%} of least squares)")

# %% [markdown]
# Second, the same `alpha` on data sets of different size: Ridge's grip loosens as $n$ grows,
# Lasso's stays about the same.

# %%
rows = []
for n in (20, 100, 1000):
    X_n, y_n, _ = make_sparse_regression(n, 5, 5, noise=1.0, seed=2)
    X_n = StandardScaler().fit_transform(X_n)
    ols_norm = np.linalg.norm(LinearRegression().fit(X_n, y_n).coef_)
    rows.append(
        {
            "n": n,
            "Ridge(alpha=10) |w| / OLS": np.linalg.norm(Ridge(alpha=10.0).fit(X_n, y_n).coef_)
            / ols_norm,
            "Lasso(alpha=0.5) |w| / OLS": np.linalg.norm(Lasso(alpha=0.5).fit(X_n, y_n).coef_)
            / ols_norm,
        }
    )
pd.DataFrame(rows).set_index("n").round(3)

# %% [markdown]
# Third, Keras. A `Dense` layer with `kernel_regularizer=keras.regularizers.L2(f)` and
# `loss="mse"` minimizes the *mean* squared error plus $f \lVert w\rVert_2^2$, which is Ridge's
# objective divided by $n$ with $a = n f$. We check that Keras reports exactly this loss, then
# compare the two candidate translations, `Ridge(alpha=f)` and `Ridge(alpha=n * f)`, by the
# loss Keras would minimize. No training is needed: the loss is convex, so the candidate with
# the lower loss that no small step can improve is the minimum.

# %%
factor = 0.1
n_same = len(y_same)
keras.utils.set_random_seed(0)
linear_net = keras.Sequential(
    [
        keras.Input(shape=(5,)),
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(factor)),
    ]
)
linear_net.compile(loss="mse")


def keras_objective(w):
    """Mean squared error + factor * sum(w^2): what Keras minimizes (zero bias, centred y)."""
    return float(np.mean((y_same - X_same @ w) ** 2) + factor * np.sum(w**2))


candidates = {
    f"Ridge(alpha={factor})": Ridge(alpha=factor).fit(X_same, y_same).coef_,
    f"Ridge(alpha=n*{factor}={n_same * factor:g})": Ridge(alpha=n_same * factor)
    .fit(X_same, y_same)
    .coef_,
}
w_check = candidates[f"Ridge(alpha={factor})"]
linear_net.layers[0].set_weights(
    [w_check.reshape(-1, 1).astype("float32"), np.zeros(1, dtype="float32")]
)
keras_loss = linear_net.evaluate(X_same, y_same, verbose=0)
print(f"Keras's reported loss {keras_loss:.4f} = our formula {keras_objective(w_check):.4f}")
for name, w in candidates.items():
    steps = rng.normal(scale=0.01, size=(200, 5))
    best_neighbour = min(keras_objective(w + step) for step in steps)
    print(
        f"{name:<22} Keras loss {keras_objective(w):.4f}   "
        f"best of 200 small steps {best_neighbour:.4f}"
    )

# %% [markdown]
# `Ridge(alpha=n * f)` gives the lower loss and no small step improves it: it *is* the network's
# optimum. With `Ridge(alpha=f)` small steps still help. The same translation links
# `LogisticRegression(C=c)` and a Keras `L2(f)` on a mean cross-entropy: $c = 1 / (2 n f)$.
# On 200 breast-cancer training examples, $f = 0.01$ corresponds to `C=0.25`, and raising `C`
# *weakens* the penalty:

# %%
cancer = load_breast_cancer_split(seed=0)
n_cancer = len(cancer.y_train)
lines = [
    f"Keras L2(0.01) on a mean loss  <->  C = 1 / (2 * {n_cancer} * 0.01) = {1 / (2 * n_cancer * 0.01):.2f}"
]
for C in (0.01, 0.25, 100.0):
    clf = LogisticRegression(C=C, max_iter=5000).fit(cancer.X_train, cancer.y_train)
    lines.append(
        f"C = {C:>6}: |w| = {np.linalg.norm(clf.coef_):7.3f}   "
        f"validation accuracy {clf.score(cancer.X_val, cancer.y_val):.3f}"
    )
print("\n".join(lines))

# %% [markdown]
# **Fix:** never copy a strength from one library (or one data-set size) to another. Translate
# with the table above, or better, choose it by validation for each model (notebook 06).

# %% [markdown]
# ## Pitfall 4: regularization so strong that the model under-fits
#
# A degree-9 polynomial on 30 noisy points of $\sin(2\pi x)$ has room to over-fit, but on this
# sample it barely does: the table below gives it its lowest validation MSE at the smallest
# alpha, 1e-6, with a train/validation gap (0.053 against 0.103) smaller than the noise variance
# of 0.09, a good fit by notebook 02's rule. Turn alpha up far enough and it stops fitting
# anything: training and validation errors both rise, the validation error towards the variance
# of $y$ (question 20's sign of over-regularization).

# %%
X_curve, y_curve = make_nonlinear_1d(30, noise=0.3, seed=0)
X_curve_val, y_curve_val = make_nonlinear_1d(200, noise=0.3, seed=1)
rows = []
for alpha in (1e-6, 1e-3, 1e-1, 1e1, 1e3):
    model = make_pipeline(
        PolynomialFeatures(9, include_bias=False), StandardScaler(), Ridge(alpha=alpha)
    ).fit(X_curve, y_curve)
    rows.append(
        {
            "alpha": f"{alpha:g}",
            "train MSE": mean_squared_error(y_curve, model.predict(X_curve)),
            "validation MSE": mean_squared_error(y_curve_val, model.predict(X_curve_val)),
        }
    )
print(f"noise variance {0.3**2:.3f}   variance of y {y_curve_val.var():.3f}")
pd.DataFrame(rows).set_index("alpha").round(3)

# %% [markdown]
# At `alpha=1000` the validation error (0.534) is close to the variance of $y$ (0.562) and the
# training error (0.377) is four times the noise variance: the fit is almost a flat line. The
# static figure shows that state; the explorer below it lets you move alpha (log scale) and
# switch between Ridge, Lasso and Elastic Net. Watch the curve and the coefficient bars change
# together, and notice that Lasso sets all coefficients *exactly* to zero at a much smaller
# alpha than the one at which Ridge's coefficients become merely small (Ridge never reaches
# exact zeros; pitfall 3 again).

# %%
plot_alpha_fit(X_curve, y_curve, alpha=1000.0, model="ridge", true_function=true_function_1d)
show_figure(
    "Left, a degree-9 polynomial fitted by Ridge with alpha = 1000 to noisy points of a "
    "sine curve: almost a flat line that misses the curve; right, bars of its "
    "standardized coefficients, all close to zero."
)

# %%
alpha_explorer(X_curve, y_curve, model="ridge", alpha=1e-3, true_function=true_function_1d)

# %% [markdown]
# **Fix:** choose alpha by validation error over a log-spaced grid and check the training error:
# if it is far above the noise level, the penalty (or the model) is the problem.

# %% [markdown]
# ## Pitfall 5: regularizing a model that already under-fits
#
# A straight line cannot follow a sine curve. Its errors are high on training *and* validation
# data, and a penalty cannot add the curvature it lacks (question 8: regularization does not
# always help). On these 30 points it only makes things worse; on notebook 02's 20 points a
# moderate penalty did lower the line's validation error, because a simple model fitted on very
# few points still has variance to remove, but it stayed far above the flexible model's. The fix
# is more capacity first, then a penalty tuned by validation.

# %%
rows = []
for degree, alpha in [(1, 1e-6), (1, 1.0), (1, 10.0), (5, 1e-3)]:
    model = make_pipeline(
        PolynomialFeatures(degree, include_bias=False), StandardScaler(), Ridge(alpha=alpha)
    ).fit(X_curve, y_curve)
    rows.append(
        {
            "degree": degree,
            "alpha": f"{alpha:g}",
            "train MSE": mean_squared_error(y_curve, model.predict(X_curve)),
            "validation MSE": mean_squared_error(y_curve_val, model.predict(X_curve_val)),
        }
    )
pd.DataFrame(rows).round(3)

# %% [markdown]
# The straight line's validation MSE grows with alpha here (0.298, 0.303, 0.344); the degree-5
# polynomial with a light penalty gets close to the noise variance of 0.09 (0.104).

# %% [markdown]
# ## Pitfall 6: dropout left active at inference
#
# Keras applies dropout only when a layer is called with `training=True` (what `fit` does).
# `model.predict(x)` and `model(x)` run with `training=False`: every unit is used and no values
# are rescaled. Calling `model(x, training=True)` at inference, for example inside a custom
# loop, gives a different prediction on every call and a worse average error (question 13).

# %%
X_drop, y_drop = make_nonlinear_1d(200, noise=0.3, seed=2)
X_drop_val, y_drop_val = make_nonlinear_1d(100, noise=0.3, seed=3)
keras.utils.set_random_seed(1)
dropout_net = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1),
    ]
)
dropout_net.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
# Adam's variables created now rather than inside the first training step, so that TensorFlow
# traces that step once instead of twice (a start-up cost only)
dropout_net.optimizer.build(dropout_net.trainable_variables)
# make_dataset: the arrays as a tf.data pipeline, reshuffled each epoch (2-3x faster than
# arrays); batches of 50 make an epoch 4 steps
history = dropout_net.fit(
    make_dataset(X_drop, y_drop, batch_size=50, shuffle_seed=1),
    validation_data=make_dataset(X_drop_val, y_drop_val, batch_size=100),
    epochs=40,
    shuffle=False,  # the dataset shuffles
    verbose=0,
)
lines = [
    f"after {len(history.history['loss'])} epochs: validation MSE {history.history['val_loss'][-1]:.3f}"
]

x_grid = np.linspace(0.0, 1.0, 50, dtype="float32")[:, None]
truth = true_function_1d(x_grid[:, 0])
x_one = x_grid[12:13]
calls_on = [f"{float(dropout_net(x_one, training=True)[0, 0]):.3f}" for _ in range(4)]
calls_off = [f"{float(dropout_net(x_one, training=False)[0, 0]):.3f}" for _ in range(4)]
lines.append(f"model(x, training=True), 4 calls:  {calls_on}")
lines.append(f"model(x, training=False), 4 calls: {calls_off}")
lines.append(
    f"model.predict(x):                  {float(dropout_net.predict(x_one, verbose=0)[0, 0]):.3f}"
)

noisy = np.stack([np.asarray(dropout_net(x_grid, training=True))[:, 0] for _ in range(20)])
clean = np.asarray(dropout_net(x_grid, training=False))[:, 0]
lines.append(f"MSE to the true curve, dropout on (20 calls): {np.mean((noisy - truth) ** 2):.3f}")
lines.append(f"MSE to the true curve, dropout off:           {np.mean((clean - truth) ** 2):.3f}")
lines.append(f"spread of the dropout-on predictions (mean std): {noisy.std(axis=0).mean():.3f}")
print("\n".join(lines))

# %% [markdown]
# **Fix:** predict with `model.predict(x)` or `model(x, training=False)`. Keeping dropout on at
# inference on purpose, averaging many passes (Monte Carlo dropout), is a different technique
# with its own purpose: an estimate of the model's uncertainty.

# %% [markdown]
# ## Pitfall 7: tuning on the test set
#
# Choosing alpha by the test error and then reporting that same test error gives an
# optimistic number: among many candidates, the winner is partly the one that got lucky on
# those particular test points. One run can mislead either way, so we repeat the whole
# experiment on 100 freshly drawn data sets (60 training, 20 validation, 20 test points, 40
# features of which 5 matter) and compare the reported error with the error on 400 fresh points.
# `Ridge(alpha=array)` fits one model per alpha in a single call (one target column per alpha).

# %%
alpha_grid = np.logspace(-2, 4, 30)
reports = []
for seed in range(100):
    X_all, y_all, _ = make_sparse_regression(500, 40, 5, noise=3.0, correlation=0.3, seed=seed)
    train, val, test, fresh = slice(0, 60), slice(60, 80), slice(80, 100), slice(100, None)
    scaler = StandardScaler().fit(X_all[train])
    Z = scaler.transform(X_all)
    ridges = Ridge(alpha=alpha_grid).fit(Z[train], np.tile(y_all[train, None], len(alpha_grid)))
    predictions = ridges.predict(Z)  # one column per alpha
    val_mse = ((predictions[val] - y_all[val, None]) ** 2).mean(axis=0)
    test_mse = ((predictions[test] - y_all[test, None]) ** 2).mean(axis=0)
    fresh_mse = ((predictions[fresh] - y_all[fresh, None]) ** 2).mean(axis=0)
    by_test, by_val = np.argmin(test_mse), np.argmin(val_mse)
    reports.append(
        {
            "tuned on test: reported": test_mse[by_test],
            "tuned on test: fresh data": fresh_mse[by_test],
            "tuned on validation: reported (test)": test_mse[by_val],
            "tuned on validation: fresh data": fresh_mse[by_val],
        }
    )
pd.DataFrame(reports).mean().round(3).to_frame("mean MSE over 100 data sets")


# %% [markdown]
# Tuned on the test set, the reported error is clearly below what the chosen model achieves on
# fresh data. Tuned on a separate validation set, the test error is an honest estimate: on
# average it matches the fresh-data error. **Fix:** choose hyperparameters on validation data
# or by cross-validation on the training data, and touch the test set once, at the end.

# %% [markdown]
# ## Pitfall 8: the warning the tutorial's Keras code triggers
#
# The tutorial builds its network with `Dense(64, activation='relu', input_shape=(...))`. Keras 3
# still accepts this but emits a `UserWarning`. We capture it instead of letting it print, and
# show its category and first sentence:

# %%
def first_sentence(message):
    text = str(message)
    return text.split(". ")[0].rstrip(".") + "."


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.Sequential(
        [keras.layers.Dense(64, activation="relu", input_shape=(1,)), keras.layers.Dense(1)]
    )
print(f"input_shape= in Dense: {len(caught)} warning(s)")
for warning in caught:
    print(
        f"  category {warning.category.__name__}, first sentence: {first_sentence(warning.message)}"
    )

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.Sequential(
        [keras.Input(shape=(1,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)]
    )
print(f"keras.Input(shape=...) first: {len(caught)} warning(s)")

# %% [markdown]
# **Fix:** start every `Sequential` model with `keras.Input(shape=...)`, as all the course's
# notebooks do, and import from `keras`, not `tensorflow.keras`.

# %% [markdown]
# ## Key takeaways
#
# - Scale features before any penalty; otherwise the penalty's strength depends on the units.
# - Fit every preprocessing step inside the cross-validation (a `Pipeline`); the leak is small
#   for a scaler and huge for anything that looks at the target.
# - `alpha`, `C` and a Keras factor are different scales: Ridge's `alpha` is not divided by
#   $n$, Lasso's is, `C` is an inverse, Keras adds `factor * sum(w**2)` to a mean loss
#   (question 7).
# - Too strong a penalty shows as high training *and* validation error (question 20), and a
#   penalty cannot give a model that under-fits the capacity it lacks (question 8): here it made
#   the line worse; at best, on very few points, it trims some variance (notebook 02).
# - Dropout is for training; predict with `training=False` (question 13).
# - The test set is for the final report only; tuning on it makes the report optimistic.
# - The tutorial's `input_shape=` triggers a Keras 3 warning; `keras.Input(shape=...)` is the fix.
