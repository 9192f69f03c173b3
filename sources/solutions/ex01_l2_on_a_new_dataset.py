# %% [markdown]
# # Exercise 01 · L2 regularization on a new data set
#
# **Topics:** ridge regression in closed form, unpenalized intercept, validation curve, choosing alpha, diabetes data
#
# The tutorial's first practice exercise asks you to try L2 regularization on a different data set
# and observe the effects. Here the data set is scikit-learn's bundled **diabetes** data (442
# patients, 10 measurements, a disease-progression score one year later). You write ridge
# regression yourself in closed form, check it against scikit-learn's `Ridge`, then trace how the
# training and validation errors move with `alpha` (tutorial questions 7, 8 and 20).
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
# | Task 1 · `ridge_closed_form` | 3 |
# | Task 2 · `validation_curve_ridge` | 2 |
# | Task 3 · `best_alpha` | 1 |
# | Question 1 (written) | 2 |
# | **Total** | **8** |
#
# Runtime: a few seconds (no neural network is trained).

# %% nbgrader={"grade": false, "grade_id": "ex01-setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
from course_utils import setup_notebook

rng = setup_notebook(seed=42)

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from course_utils.checks import Case, check_function
from course_utils.figures import show_figure

# %% [markdown]
# ## The data
#
# With its 10 original measurements a linear model barely over-fits 442 patients, so L2 would
# have little to do. To give it work, the cell below keeps only **100 patients for training**
# and expands the measurements into all their squares and pairwise products (65 features),
# standardized with statistics of the training set only. The remaining patients are split into a
# validation set (to choose `alpha`) and a test set (to report the final error once).

# %% nbgrader={"grade": false, "grade_id": "ex01-data", "locked": true, "schema_version": 3, "solution": false, "task": false}
X_all, y_all = load_diabetes(return_X_y=True)
X_train_raw, X_rest, y_train, y_rest = train_test_split(
    X_all, y_all, train_size=100, random_state=42
)
X_val_raw, X_test_raw, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, random_state=42
)
expand = make_pipeline(PolynomialFeatures(degree=2, include_bias=False), StandardScaler())
expand.fit(X_train_raw)
X_train, X_val, X_test = (expand.transform(X) for X in (X_train_raw, X_val_raw, X_test_raw))
print(f"training {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")
print(f"target: mean {y_train.mean():.1f}, standard deviation {y_train.std():.1f}")


# %% [markdown]
# ## Task 1 · Ridge regression in closed form (3 points)
#
# scikit-learn's `Ridge` minimises $\lVert y - Xw - b\rVert^2 + \alpha \lVert w\rVert^2$: the
# intercept $b$ is **not** penalized. The standard way to honour that is to centre the data:
#
# 1. with `fit_intercept=True`, subtract the column means $\bar x$ from `X` and the mean $\bar y$
#    from `y` (with `fit_intercept=False`, centre nothing);
# 2. solve $(X_c^\top X_c + \alpha I)\,w = X_c^\top y_c$ for $w$ (`np.linalg.solve` or
#    `np.linalg.lstsq`; never invert the matrix explicitly);
# 3. the intercept is $b = \bar y - \bar x^\top w$ (0.0 without an intercept).
#
# Return `(coef, intercept)`: a 1-D float array and a Python `float`. Raise a `ValueError` when
# `alpha` is negative, when `X` is not 2-D or when `y` does not hold one value per row of `X`.

# %% nbgrader={"grade": false, "grade_id": "ex01-ridge", "locked": false, "schema_version": 3, "solution": true, "task": false}
def ridge_closed_form(X, y, alpha, fit_intercept=True):
    """Ridge regression with an unpenalized intercept; returns ``(coef, intercept)``."""
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (samples x features), got {X.ndim} dimension(s).")
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must be 1-D with one value per row of X ({X.shape[0]}), got shape {y.shape}."
        )
    if alpha < 0:
        raise ValueError(f"alpha must be zero or positive, got {alpha}.")
    if fit_intercept:
        x_mean, y_mean = X.mean(axis=0), y.mean()
    else:
        x_mean, y_mean = np.zeros(X.shape[1]), 0.0
    X_centred, y_centred = X - x_mean, y - y_mean
    gram = X_centred.T @ X_centred + alpha * np.eye(X.shape[1])
    # lstsq also copes with alpha=0 and a singular matrix (minimum-norm solution).
    coef = np.linalg.lstsq(gram, X_centred.T @ y_centred, rcond=None)[0]
    return coef, float(y_mean - x_mean @ coef)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex01-ridge-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
def sklearn_ridge(X, y, alpha, fit_intercept=True):
    model = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X, y)
    return model.coef_, float(model.intercept_)


X_small = X_train[:30, :5]
y_small = y_train[:30]
check_function(
    ridge_closed_form,
    [
        Case(
            (X_small, y_small, 1.0),
            sklearn_ridge(X_small, y_small, 1.0),
            label="alpha=1 against scikit-learn",
            hint="centre X and y, solve (Xc.T @ Xc + alpha * I) w = Xc.T @ yc",
        ),
        Case(
            (X_small, y_small, 10.0),
            sklearn_ridge(X_small, y_small, 10.0, fit_intercept=False),
            kwargs={"fit_intercept": False},
            label="no intercept",
            hint="with fit_intercept=False do not centre, and return 0.0 as the intercept",
        ),
        Case(
            (X_small, y_small, 1e6),
            (np.zeros(5), float(y_small.mean())),
            atol=1e-2,
            label="a huge alpha leaves only the mean",
            hint="the intercept is y_mean - x_mean @ coef; it must not be penalized",
        ),
        Case((X_small, y_small, -1.0), raises=ValueError, label="a negative alpha"),
        Case((X_small, y_small[:-1], 1.0), raises=ValueError, label="y too short"),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex01-ridge-tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Graded test (3 points): raises AssertionError until ridge_closed_form is right.
check_function(
    ridge_closed_form,
    [
        Case(
            (X_train, y_train, alpha),
            sklearn_ridge(X_train, y_train, alpha),
            label=f"alpha={alpha}",
        )
        for alpha in (0.1, 30.0)
    ],
    strict=True,
)
### BEGIN HIDDEN TESTS
X_constant = X_all[:50, :4].copy()
X_constant[:, 1] = 3.0
linear = LinearRegression().fit(X_all[:50, :4], y_all[:50])
check_function(
    ridge_closed_form,
    [
        Case(
            (X_all[:50, :4], y_all[:50], 0.0),
            (linear.coef_, float(linear.intercept_)),
            rtol=1e-5,
            label="alpha 0 is least squares",
        ),
        Case(
            (X_constant, y_all[:50], 0.5),
            sklearn_ridge(X_constant, y_all[:50], 0.5),
            label="a constant feature",
        ),
        Case(
            (X_train[:1], y_train[:1], 1.0),
            (np.zeros(X_train.shape[1]), float(y_train[0])),
            label="a single sample",
        ),
        Case(
            (X_train.tolist(), y_train.tolist(), 3.0),
            sklearn_ridge(X_train, y_train, 3.0),
            label="lists as input",
        ),
        Case(
            (X_train, y_train, 5.0, False),
            sklearn_ridge(X_train, y_train, 5.0, fit_intercept=False),
            label="no intercept, 65 features",
        ),
        Case((X_train[:, 0], y_train, 1.0), raises=ValueError, label="X is 1-D"),
        Case((X_train, y_train[:, None], 1.0), raises=ValueError, label="y is 2-D"),
    ],
    strict=True,
    quiet=True,
)
coef_out, intercept_out = ridge_closed_form(X_small, y_small, 1.0)
assert isinstance(intercept_out, float), "the intercept must be a Python float"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 · The validation curve (2 points)
#
# For each `alpha` in `alphas`, fit `ridge_closed_form` (with intercept) on the training data and
# record the mean squared error on the training data and on the validation data. Return two 1-D
# float arrays, `(train_mse, val_mse)`, in the order of `alphas`.

# %% nbgrader={"grade": false, "grade_id": "ex01-curve", "locked": false, "schema_version": 3, "solution": true, "task": false}
def validation_curve_ridge(X_train, y_train, X_val, y_val, alphas):
    """Training and validation mean squared errors of ridge_closed_form for each alpha."""
    ### BEGIN SOLUTION
    train_mse, val_mse = [], []
    for alpha in alphas:
        coef, intercept = ridge_closed_form(X_train, y_train, alpha)
        train_mse.append(np.mean((np.asarray(y_train) - (X_train @ coef + intercept)) ** 2))
        val_mse.append(np.mean((np.asarray(y_val) - (X_val @ coef + intercept)) ** 2))
    return np.array(train_mse, dtype=float), np.array(val_mse, dtype=float)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex01-curve-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
def sklearn_curve(X_train, y_train, X_val, y_val, alphas):
    models = [Ridge(alpha=alpha).fit(X_train, y_train) for alpha in alphas]
    return (
        np.array([mean_squared_error(y_train, m.predict(X_train)) for m in models]),
        np.array([mean_squared_error(y_val, m.predict(X_val)) for m in models]),
    )


few_alphas = [0.01, 1.0, 100.0]
check_function(
    validation_curve_ridge,
    [
        Case(
            (X_train, y_train, X_val, y_val, few_alphas),
            sklearn_curve(X_train, y_train, X_val, y_val, few_alphas),
            label="three alphas",
            hint="one fit per alpha; MSE is the mean of the squared residuals",
        ),
        Case(
            (X_train, y_train, X_val, y_val, [5.0]),
            sklearn_curve(X_train, y_train, X_val, y_val, [5.0]),
            label="a single alpha still gives arrays",
            hint="return two 1-D arrays, even for one alpha",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex01-curve-tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Graded test (2 points): raises AssertionError until validation_curve_ridge is right.
graded_alphas = np.array([0.3, 3.0, 300.0])
check_function(
    validation_curve_ridge,
    [
        Case(
            (X_train, y_train, X_val, y_val, graded_alphas),
            sklearn_curve(X_train, y_train, X_val, y_val, graded_alphas),
            label="three alphas as an array",
        )
    ],
    strict=True,
)
### BEGIN HIDDEN TESTS
check_function(
    validation_curve_ridge,
    [
        Case(
            (X_val, y_val, X_train, y_train, (1000.0, 0.001)),
            sklearn_curve(X_val, y_val, X_train, y_train, (1000.0, 0.001)),
            label="roles swapped, alphas in a tuple, decreasing",
        ),
        Case(
            (X_train[:40, :3], y_train[:40], X_test[:, :3], y_test, [0.0, 2.0]),
            sklearn_curve(X_train[:40, :3], y_train[:40], X_test[:, :3], y_test, [1e-12, 2.0]),
            rtol=1e-5,
            label="alpha 0 included",
        ),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 · The best alpha (1 point)
#
# Return the `alpha` with the smallest validation error as a Python `float` (the first one if
# several tie). Raise a `ValueError` when `alphas` and `val_mse` differ in length or are empty.

# %% nbgrader={"grade": false, "grade_id": "ex01-best-alpha", "locked": false, "schema_version": 3, "solution": true, "task": false}
def best_alpha(alphas, val_mse):
    """The alpha with the lowest validation MSE, as a float."""
    ### BEGIN SOLUTION
    alphas = np.asarray(alphas, dtype=float)
    val_mse = np.asarray(val_mse, dtype=float)
    if alphas.shape != val_mse.shape or alphas.ndim != 1 or alphas.size == 0:
        raise ValueError(
            "alphas and val_mse must be non-empty 1-D sequences of the same length, "
            f"got shapes {alphas.shape} and {val_mse.shape}."
        )
    return float(alphas[np.argmin(val_mse)])
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex01-best-alpha-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
check_function(
    best_alpha,
    [
        Case(([0.1, 1.0, 10.0], [5.0, 3.0, 4.0]), 1.0, label="minimum in the middle"),
        Case(([0.1, 1.0, 10.0], [2.0, 3.0, 2.0]), 0.1, label="a tie goes to the first"),
        Case(
            ([0.1, 1.0], [5.0, 3.0, 4.0]),
            raises=ValueError,
            label="lengths differ",
            hint="compare the lengths first and raise ValueError",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex01-best-alpha-tests", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Graded test (1 point): raises AssertionError until best_alpha is right.
check_function(
    best_alpha,
    [Case((np.array([3.0, 30.0, 300.0]), np.array([9.0, 7.5, 8.0])), 30.0, label="arrays")],
    strict=True,
)
### BEGIN HIDDEN TESTS
check_function(
    best_alpha,
    [
        Case(([1000.0, 1.0, 0.001], [4.0, 1.0, 2.0]), 1.0, label="decreasing alphas"),
        Case(([2.0], [7.0]), 2.0, label="a single alpha"),
        Case(([], []), raises=ValueError, label="empty"),
    ],
    strict=True,
    quiet=True,
)
assert type(best_alpha([1, 2], [2.0, 1.0])) is float, "best_alpha must return a Python float"
### END HIDDEN TESTS

# %% [markdown]
# ## Observe the effect of L2
#
# The cell below computes the curve for 22 values of `alpha` from 0.001 to 10,000, marks the best
# one, and reports the test error of a few choices next to the simplest possible model, which
# predicts the training mean for everybody. It raises `NotImplementedError` until your three
# functions are written.

# %% tags=["raises-exception"]
alphas = np.geomspace(1e-3, 1e4, 22)
train_mse, val_mse = validation_curve_ridge(X_train, y_train, X_val, y_val, alphas)
chosen = best_alpha(alphas, val_mse)

fig, ax = plt.subplots()
ax.plot(alphas, train_mse, "o-", label="training")
ax.plot(alphas, val_mse, "s--", label="validation")
ax.axvline(chosen, color="gray", linestyle=":", label=f"best alpha = {chosen:.3g}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("alpha")
ax.set_ylabel("mean squared error")
ax.set_title("Ridge on 65 diabetes features, 100 training patients")
ax.legend()
show_figure(
    "Training and validation mean squared error of Ridge against alpha, both on log scales,"
    " with a dotted line at the best alpha: the training error rises with alpha, the"
    " validation error falls to its minimum at the best alpha and rises again beyond it."
)
rows = [f"{'alpha':>9}  {'train MSE':>9}  {'val MSE':>9}  {'test MSE':>9}"]
for alpha in (alphas[0], 1.0, chosen, alphas[-1]):
    coef, intercept = ridge_closed_form(X_train, y_train, alpha)
    errors = [
        np.mean((target - (features @ coef + intercept)) ** 2)
        for features, target in ((X_train, y_train), (X_val, y_val), (X_test, y_test))
    ]
    rows.append(f"{alpha:>9.3g}  " + "  ".join(f"{error:>9.0f}" for error in errors))
rows.append(
    f"predicting the training mean: test MSE {np.mean((y_test - y_train.mean()) ** 2):.0f}"
)
print("\n".join(rows))

# %% [markdown]
# ## Question 1 (2 points)
#
# Describe the two curves from left to right. Where does the model over-fit and where does it
# under-fit, and how do you see it? How much does the `alpha` chosen on the validation set gain on
# the test set over an almost unregularized fit and over the tutorial's default `alpha=1.0`?
# Answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "ex01-q1-answer", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# On the left (`alpha` = 0.001, almost no penalty) the training error (1412) is far below the
# validation error (22560): with 65 features for 100 patients the model fits the noise of its
# training set, which is over-fitting. As `alpha` grows the training error only rises (up to 5582)
# while the validation error falls to its minimum, 3764 at `alpha` = 21.5, then rises again. On
# the right (`alpha` = 10,000) both errors are high and close together (5582 and 6094), near the
# 5946 of predicting the mean for everybody: the penalty is so strong that the model under-fits.
#
# On the test set the chosen `alpha` gives an MSE of 2996, against 26352 for the almost
# unregularized fit (about 9 times lower) and 4878 for the tutorial's default `alpha=1.0` (39 %
# lower): the default is far from the best value on these data.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
#
# * Ridge has a closed form: centre the data so the intercept stays unpenalized, then solve
#   $(X_c^\top X_c + \alpha I)\,w = X_c^\top y_c$. It matches scikit-learn's `Ridge` to rounding.
# * A validation curve over `alpha` shows both ways a penalty can fail, too weak and too strong;
#   tell them apart by reading the training and validation errors together (tutorial questions
#   7, 8 and 20).
# * Choose `alpha` on validation data and report the test error once; the validation curve, not
#   a default such as `alpha=1.0`, tells you how much regularization the data need.
