# %% [markdown]
# # Exercise 04 · Lasso from scratch
#
# **Topics:** soft thresholding, coordinate descent, L1 penalty, exact zeros, scikit-learn's Lasso objective
#
# The tutorial states that L1 regularization "can shrink some weights to zero" (questions 2 and 3)
# but never shows why. Here you write the whole algorithm behind scikit-learn's `Lasso` in about
# fifteen lines of NumPy and watch the zeros appear. Your version must agree with
# `Lasso(fit_intercept=False)` to within `1e-4`.
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
# | Task 1 · `soft_threshold` | 3 |
# | Task 2 · `lasso_coordinate_descent` | 5 |
# | Question 1 (written) | 2 |
# | **Total** | **10** |
#
# Runtime: a few seconds (no neural network is trained).

# %% nbgrader={"grade": false, "grade_id": "ex04-setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
from course_utils import setup_notebook

rng = setup_notebook(seed=42)

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import Lasso

from course_utils.checks import Case, check_function
from course_utils.data import make_sparse_regression
from course_utils.figures import show_figure


# %% [markdown]
# ## Task 1 · Soft thresholding (3 points)
#
# scikit-learn's Lasso minimises
#
# $$\frac{1}{2n}\lVert y - Xw\rVert_2^2 + \alpha \lVert w\rVert_1 .$$
#
# Holding every coefficient but one fixed, the best value of that one coefficient is the answer to a
# one-dimensional problem, $\min_w \tfrac12 (w - z)^2 + t\,|w|$, and that answer is the
# **soft-thresholding** operator
#
# $$S(z, t) = \operatorname{sign}(z)\,\max(|z| - t,\ 0).$$
#
# Every $z$ with $|z| \le t$ lands exactly on 0: this is where Lasso's exact zeros come from. Write
# `soft_threshold(z, threshold)` for a number or an array of any shape (no Python loop), returning
# floats, and raise a `ValueError` when `threshold` is negative.

# %% nbgrader={"grade": false, "grade_id": "ex04-soft-threshold", "locked": false, "schema_version": 3, "solution": true, "task": false}
def soft_threshold(z, threshold):
    """Shrink every entry of ``z`` towards zero by ``threshold``; entries within it become 0.

    Returns ``sign(z) * max(|z| - threshold, 0)`` as floats with the shape of ``z``.
    Raises ``ValueError`` when ``threshold`` is negative.
    """
    ### BEGIN SOLUTION
    if threshold < 0:
        raise ValueError(f"threshold must be zero or positive, got {threshold}.")
    z = np.asarray(z, dtype=float)
    return np.sign(z) * np.maximum(np.abs(z) - threshold, 0.0)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex04-soft-threshold-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
check_function(
    soft_threshold,
    [
        Case(
            (np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]), 1.0),
            np.array([-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]),
            label="entries on both sides of the threshold",
            hint="entries with |z| <= threshold become 0, the others move threshold closer to 0",
        ),
        Case((2.5, 0.5), 2.0, label="a single number"),
        Case(
            (np.array([[1.0, -2.0], [0.25, 4.0]]), 0.0),
            np.array([[1.0, -2.0], [0.25, 4.0]]),
            label="threshold 0 changes nothing, shape kept",
        ),
        Case(
            (np.array([1, -4, 2]), 1.5),
            np.array([0.0, -2.5, 0.5]),
            label="integers in, floats out",
            hint="convert z with np.asarray(z, dtype=float) first",
        ),
        Case(
            (np.ones(3), -1.0),
            raises=ValueError,
            label="a negative threshold",
            hint="raise ValueError when threshold < 0",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex04-soft-threshold-tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Graded test (3 points): raises AssertionError until soft_threshold is right.
z = np.linspace(-3.0, 3.0, 13)
check_function(
    soft_threshold,
    [Case((z, 0.7), np.sign(z) * np.clip(np.abs(z) - 0.7, 0.0, None), label="a grid of values")],
    strict=True,
)
### BEGIN HIDDEN TESTS
hidden_z = np.random.default_rng(7).normal(size=(4, 3, 5)) * 3
hidden_reference = np.where(
    hidden_z > 2.0, hidden_z - 2.0, np.where(hidden_z < -2.0, hidden_z + 2.0, 0.0)
)
check_function(
    soft_threshold,
    [
        Case((hidden_z, 2.0), hidden_reference, label="a 3-D array"),
        Case((hidden_z, 100.0), np.zeros_like(hidden_z), label="a huge threshold zeroes all"),
        Case((-0.3, 0.3), 0.0, label="|z| equal to the threshold"),
        Case((np.array([True, False]), 0.5), np.array([0.5, 0.0]), label="boolean input"),
        Case((np.ones(2), -0.1), raises=ValueError, label="a negative threshold"),
    ],
    strict=True,
    quiet=True,
)
untouched = np.array([3.0, -3.0])
soft_threshold(untouched, 1.0)
assert np.array_equal(untouched, [3.0, -3.0]), "soft_threshold must not change its input array"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 · Lasso by coordinate descent (5 points)
#
# Coordinate descent updates one coefficient at a time, always to its best value given the others.
# For feature $j$, with $X_j$ its column and $r = y - Xw$ the current residual:
#
# 1. $z_j = \frac{1}{n} X_j^\top X_j$ (the column's mean square; compute it once),
# 2. $\rho_j = \frac{1}{n} X_j^\top r + z_j w_j$ (the fit feature $j$ would get on its own),
# 3. $w_j \leftarrow S(\rho_j, \alpha) / z_j$, then update the residual for the change in $w_j$.
#
# One **sweep** updates $j = 0, 1, \dots, p-1$ in order. Start from $w = 0$ and repeat sweeps until
# the largest change of any coefficient in a sweep is below `tol`, or `max_iter` sweeps are done.
# A column of zeros keeps its coefficient at 0 (skip it, so that you never divide by zero). There
# is no intercept. Raise a `ValueError` when `alpha` is negative, when `X` is not 2-D or when `y`
# does not hold one value per row of `X`.

# %% nbgrader={"grade": false, "grade_id": "ex04-lasso-cd", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):
    """Lasso coefficients (no intercept) by cyclic coordinate descent.

    Minimises ``(1 / (2 n)) * ||y - X w||^2 + alpha * ||w||_1`` (scikit-learn's
    objective) and returns ``w`` as a 1-D float array with one entry per column of ``X``.
    """
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
    n_samples, n_features = X.shape
    coef = np.zeros(n_features)
    residual = y.copy()
    mean_squares = (X**2).sum(axis=0) / n_samples
    for _sweep in range(max_iter):
        largest_change = 0.0
        for j in range(n_features):
            if mean_squares[j] == 0.0:
                continue
            old = coef[j]
            rho = X[:, j] @ residual / n_samples + mean_squares[j] * old
            coef[j] = soft_threshold(rho, alpha) / mean_squares[j]
            if coef[j] != old:
                residual -= X[:, j] * (coef[j] - old)
                largest_change = max(largest_change, abs(coef[j] - old))
        if largest_change < tol:
            break
    return coef
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex04-lasso-cd-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
X_small, y_small, _ = make_sparse_regression(60, 8, 3, noise=0.5, seed=0)
X_with_zero_column = X_small.copy()
X_with_zero_column[:, 2] = 0.0


def sklearn_lasso(X, y, alpha):
    """scikit-learn's answer, solved very precisely."""
    model = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000)
    return model.fit(X, y).coef_


check_function(
    lasso_coordinate_descent,
    [
        Case(
            (X_small, y_small, 0.1),
            sklearn_lasso(X_small, y_small, 0.1),
            atol=1e-4,
            label="alpha=0.1 against scikit-learn",
            hint="check the 1/n factors and that the residual follows every coefficient change",
        ),
        Case(
            (X_small, y_small, 50.0),
            np.zeros(8),
            label="a large alpha gives all zeros",
            hint="with a large alpha every rho_j lies within the threshold",
        ),
        Case(
            (X_small, y_small, 0.0),
            np.linalg.lstsq(X_small, y_small, rcond=None)[0],
            atol=1e-4,
            label="alpha=0 is least squares",
        ),
        Case(
            (X_with_zero_column, y_small, 0.1),
            sklearn_lasso(X_with_zero_column, y_small, 0.1),
            atol=1e-4,
            label="a column of zeros",
            hint="skip a feature whose mean square is 0 and leave its coefficient at 0",
        ),
        Case((X_small, y_small, -1.0), raises=ValueError, label="a negative alpha"),
        Case((X_small[:, 0], y_small, 0.1), raises=ValueError, label="X is 1-D"),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex04-lasso-cd-tests", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
# Graded test (5 points): raises AssertionError until lasso_coordinate_descent is right.
X_test_cd, y_test_cd, _ = make_sparse_regression(80, 12, 4, noise=1.0, correlation=0.5, seed=3)
check_function(
    lasso_coordinate_descent,
    [
        Case(
            (X_test_cd, y_test_cd, alpha),
            sklearn_lasso(X_test_cd, y_test_cd, alpha),
            atol=1e-4,
            label=f"alpha={alpha} against scikit-learn",
        )
        for alpha in (0.05, 0.3)
    ],
    strict=True,
)
### BEGIN HIDDEN TESTS
X_hidden, y_hidden, _ = make_sparse_regression(50, 30, 5, noise=1.0, correlation=0.7, seed=11)
X_constant = X_test_cd.copy()
X_constant[:, 5] = 2.0
check_function(
    lasso_coordinate_descent,
    [
        Case(
            (X_hidden, y_hidden, 0.2),
            sklearn_lasso(X_hidden, y_hidden, 0.2),
            atol=1e-4,
            label="more features than samples, correlated",
        ),
        Case(
            (X_constant, y_test_cd, 0.1),
            sklearn_lasso(X_constant, y_test_cd, 0.1),
            atol=1e-4,
            label="a constant feature",
        ),
        Case((np.array([[2.0]]), np.array([3.0]), 0.5), np.array([1.375]), label="one sample"),
        Case(
            (np.zeros((5, 3)), np.arange(5.0), 0.1), np.zeros(3), label="all-zero X (no division)"
        ),
        Case(
            (X_test_cd.tolist(), y_test_cd.tolist(), 0.3),
            sklearn_lasso(X_test_cd, y_test_cd, 0.3),
            atol=1e-4,
            label="lists as input",
        ),
        Case((X_test_cd, y_test_cd[:-1], 0.1), raises=ValueError, label="y too short"),
        Case((X_test_cd, y_test_cd[:, None], 0.1), raises=ValueError, label="y is 2-D"),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# ## Your Lasso at work: the regularization path
#
# The data below have 10 features of which 3 carry signal (the course generator knows the true
# coefficients). The cell fits your Lasso for 30 values of `alpha`, from strong to weak, and plots
# every coefficient against `alpha`: the **regularization path**. It raises `NotImplementedError`
# until both functions are written.

# %% tags=["raises-exception"]
X_path, y_path, true_coef = make_sparse_regression(100, 10, 3, noise=1.0, correlation=0.0, seed=42)
alphas = np.geomspace(2.0, 0.005, 30)
path = np.array([lasso_coordinate_descent(X_path, y_path, alpha) for alpha in alphas])

fig, ax = plt.subplots()
for j in range(path.shape[1]):
    informative = true_coef[j] != 0
    ax.plot(
        alphas,
        path[:, j],
        "-" if informative else ":",
        label=f"feature {j}" if informative else None,
    )
ax.set_xscale("log")
ax.invert_xaxis()
ax.set_xlabel("alpha (strong penalty on the left)")
ax.set_ylabel("coefficient")
ax.set_title("Lasso path: solid = informative, dotted = noise features")
ax.legend()
show_figure(
    "The learner's Lasso path, every coefficient against alpha from strong penalty on the"
    " left to weak on the right: all coefficients start at exactly zero, the three"
    " informative features (solid) leave zero first and grow large, the noise features"
    " (dotted) enter late and stay small."
)
print("feature  true coef  largest alpha with a non-zero coefficient")
for j in range(path.shape[1]):
    nonzero = np.flatnonzero(path[:, j])
    enters = f"{alphas[nonzero[0]]:.3f}" if nonzero.size else "never"
    print(f"{j:>7}  {true_coef[j]:>9.2f}  {enters}")

# %% [markdown]
# ## Question 1 (2 points)
#
# Look at the path and at the printed table. As `alpha` decreases, how do coefficients leave
# zero, and in which order do the informative and the noise features enter? Using
# `soft_threshold`, explain why the L1 penalty produces *exact* zeros whereas the L2 penalty of
# Ridge only makes coefficients small. Answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "ex04-q1-answer", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# Coefficients leave zero one at a time and then grow steadily as `alpha` shrinks. The three
# informative features enter first: feature 1 (true coefficient -1.88) at `alpha` 1.32, feature 5
# (1.18) at 0.88 and feature 4 (-1.25) at 0.71. That is *not* quite the order of their true
# sizes: feature 5 enters before the larger feature 4, because what decides the entry is how
# strongly a feature fits this sample's residual, and noise moves that a little. The first
# noise feature only enters at 0.17, and the noise coefficients stay small.
#
# Each coordinate update sets $w_j = S(\rho_j, \alpha) / z_j$, and $S$ returns exactly 0 for every
# $|\rho_j| \le \alpha$: a feature whose fit to the partial residual (the residual of all the
# other features), $|\rho_j|$, is at most `alpha` is switched off completely. An L2 penalty on
# the same scale, $\frac{\alpha}{2}\lVert w\rVert_2^2$ next to $\frac{1}{2n}\lVert y - Xw\rVert^2$
# (`ElasticNet` with `l1_ratio=0`), instead gives $w_j = \rho_j / (z_j + \alpha)$: a division,
# never a cut-off, so a coefficient shrinks towards 0 but reaches it only when $\rho_j$ is
# exactly 0. Lasso therefore selects features; Ridge keeps them all, only smaller.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
#
# * The L1 penalty turns each coordinate update into a soft threshold: inputs within `alpha` of 0
#   become exactly 0, so Lasso selects features (tutorial questions 2 and 3).
# * Coordinate descent is the algorithm behind scikit-learn's `Lasso` (which also checks a
#   duality gap to decide when to stop): a dozen lines reproduce its answer to `1e-4`.
# * `alpha` is the threshold a feature's fit to the partial residual must exceed before the
#   feature may enter the model (question 7).
# * More compute would not change these answers: the problem is convex, and the stopping tolerance
#   only decides how many digits agree.
