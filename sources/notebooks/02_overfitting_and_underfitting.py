# %% [markdown]
# # 02 · Over-fitting and under-fitting
#
# **Topics:** polynomial degree as model complexity, training vs validation error, the U-shaped
# validation curve, learning curves, the noise floor, diagnosing over- and under-fitting from
# numbers, a first penalty (Ridge) on an over-fitting model
#
# **Tutorial questions answered:** 5 (how do I know my model is over-fitting?), 8 (does
# regularization always help?) and 20 (signs that regularization is too strong).
#
# **Runtime:** about 6 s on a 2-core laptop (scikit-learn only, no network is trained).
#
# Every data set here is drawn from a curve we know: $y = \sin(2\pi x) + \varepsilon$ with
# $x$ uniform on $[0, 1]$ and noise $\varepsilon \sim N(0, 0.3^2)$. Because we know the truth,
# we also know the best mean squared error (MSE) any model can reach on fresh data: the noise
# variance $0.3^2 = 0.09$, the **noise floor**. That one number turns "the model seems to
# over-fit" into a check we can compute.

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/02_overfitting_and_underfitting.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/02_overfitting_and_underfitting.ipynb)

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
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import ShuffleSplit, learning_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from course_utils.data import make_nonlinear_1d, true_function_1d
from course_utils.figures import show_figure
from course_utils.linear_plots import plot_complexity_curve, plot_learning_curve
from course_utils.plotting import plot_data_and_fit

# %% [markdown]
# ## 1. The data: 20 training points, 500 validation points
#
# Twenty noisy training points are few for a wiggly curve, which is what makes over-fitting
# easy to see. The validation set is a separate, larger draw from the same distribution
# (another seed): it plays the role of "new data" and is never used for fitting.

# %%
NOISE = 0.3
NOISE_FLOOR = NOISE**2  # best possible MSE on fresh data

X_train, y_train = make_nonlinear_1d(20, noise=NOISE, seed=3)
X_val, y_val = make_nonlinear_1d(500, noise=NOISE, seed=4)
print(f"training points: {len(y_train)}, validation points: {len(y_val)}")
print(f"noise floor (noise**2): {NOISE_FLOOR:.3f}")
print(f"MSE of always predicting the training mean: {np.mean((y_val - y_train.mean()) ** 2):.3f}")


# %% [markdown]
# ## 2. Polynomials of increasing degree
#
# A polynomial of degree $d$ is a linear model on the features $x, x^2, \dots, x^d$. The
# pipeline builds those features, standardizes them (powers of $x$ have very different
# scales) and fits ordinary least squares. The degree is our knob for **model complexity**:
# degree $d$ has $d + 1$ parameters.

# %%
def polynomial_model(degree, regressor=None):
    """PolynomialFeatures -> StandardScaler -> a linear regressor (least squares by default)."""
    return make_pipeline(
        PolynomialFeatures(degree, include_bias=False),
        StandardScaler(),
        LinearRegression() if regressor is None else regressor,
    )


degrees = np.arange(1, 16)
rows = []
for degree in degrees:
    model = polynomial_model(degree).fit(X_train, y_train)
    rows.append(
        {
            "degree": degree,
            "train MSE": mean_squared_error(y_train, model.predict(X_train)),
            "validation MSE": mean_squared_error(y_val, model.predict(X_val)),
        }
    )
errors = pd.DataFrame(rows).set_index("degree")
errors["gap"] = errors["validation MSE"] - errors["train MSE"]
errors.round(3)

# %% [markdown]
# Read the table from top to bottom:
#
# * the **training** error falls as the degree grows, from 0.208 to about 0.06: more
#   parameters can always follow the training points at least as closely. (The small rises
#   after degree 9, 0.059 to 0.062, are numerical: least squares on badly scaled high powers
#   is delicate.)
# * the **validation** error falls from degree 1 (0.392) to degree 3 (0.150), but not
#   steadily: degree 2 (0.433) is *worse* than the line, because a parabola cannot follow a
#   sine that is antisymmetric about $x = 0.5$ any better and has one more coefficient to get
#   wrong. It stays near its minimum up to degree 5, then climbs by orders of magnitude;
# * the gap between them is small around degree 3 and explodes afterwards.
#
# On a log scale this is the classic **U shape** of validation error against complexity.

# %%
best_degree = int(errors["validation MSE"].idxmin())
print(
    f"lowest validation MSE: degree {best_degree}, "
    f"{errors.loc[best_degree, 'validation MSE']:.3f} (noise floor {NOISE_FLOOR:.3f})"
)

ax = plot_complexity_curve(
    degrees,
    errors["train MSE"],
    errors["validation MSE"],
    xlabel="polynomial degree",
    log_y=True,
    reference=NOISE_FLOOR,
)
ax.set_title("Training error keeps falling, validation error is U-shaped")
show_figure(
    "Training and validation mean squared error against polynomial degree, on a log scale:"
    " the training error keeps falling, the validation error falls to its lowest at low"
    " degrees and then climbs steeply; a horizontal line marks the noise floor."
)

# %% [markdown]
# ## 3. What the fits look like
#
# Degree 1 is too rigid to bend with the sine (**under-fitting**). Degree 3 follows the true
# curve closely. Degree 15 bends towards the training points (training MSE below the noise
# floor) and, where they are sparse, swings far out of the frame (**over-fitting**): it has
# learned the noise of these 20 points. The panels share a $y$-range of $\pm 2$ so that the
# first two stay readable; the line printed under the figure gives the range the degree-15
# curve really covers, and its swing is what the validation MSE of about 74 measures.

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
grid = np.linspace(0, 1, 200)
for ax, degree in zip(axes, [1, 3, 15], strict=True):
    model = polynomial_model(degree).fit(X_train, y_train)
    plot_data_and_fit(X_train, y_train, model, ax=ax, label=f"degree {degree}")
    ax.plot(grid, true_function_1d(grid), "k:", label="true curve")
    ax.set_ylim(-2, 2)
    ax.set_title(
        f"degree {degree}: train {errors.loc[degree, 'train MSE']:.3f}, "
        f"validation {errors.loc[degree, 'validation MSE']:.3f}",
        fontsize="medium",
    )
    ax.legend(loc="lower left", fontsize="small")
fig.tight_layout()
show_figure(
    "Three panels of polynomial fits to the same training points, with the true curve dotted:"
    " the degree-1 line misses the curve, the degree-3 fit follows it closely, and the"
    " degree-15 fit wiggles through the points and leaves the frame where they are sparse."
)
wild = polynomial_model(15).fit(X_train, y_train).predict(grid[:, None])
print(
    f"degree-15 curve on [0, 1]: from {wild.min():.1f} to {wild.max():.1f} (panels show -2 to 2)"
)


# %% [markdown]
# ## 4. Diagnosing from numbers, not from pictures (questions 5, 8 and 20)
#
# With one input you can look at the fit; with fifty you cannot. The two errors and a
# reference level are enough. Here the reference is the noise floor, which we know because
# we made the data. On real data you do not know it exactly; a well-tuned strong model,
# repeated measurements or the spread of the labels give an estimate, and the simplest
# baseline (predicting the mean) gives an upper reference.
#
# Two rules, stated with this notebook's thresholds:
#
# * **Under-fitting**: the *training* error is well above the noise floor (here more than
#   1.5 times it). The model cannot even describe the data it was fitted on, so more data
#   will not bring it near the floor (section 5); more capacity (or less regularization) will.
# * **Over-fitting**: the validation error exceeds the training error by more than the noise
#   variance itself (the gap is larger than 0.09 here), while the training error is at or
#   below the floor. The model describes the training noise; less capacity, more data or a
#   penalty help.
#
# This sharpens the tutorial's answer to question 5: "better on training than on validation
# data" is true of almost every model (even the best degree has a small gap); what matters is
# how large the gap is compared with the noise level.

# %%
def diagnose(train_mse, validation_mse, noise_floor):
    """Name the regime of a model from its two errors and the noise floor."""
    if train_mse > 1.5 * noise_floor:
        return "under-fitting"
    if validation_mse - train_mse > noise_floor:
        return "over-fitting"
    return "good fit"


errors["diagnosis"] = [
    diagnose(row["train MSE"], row["validation MSE"], NOISE_FLOOR) for _, row in errors.iterrows()
]
errors.round(3)

# %% [markdown]
# Degrees 1 and 2 are flagged as under-fitting (training error about 2.3 times the floor),
# degrees 3 to 5 as good fits, and from degree 6 on the gap exceeds the noise variance:
# over-fitting, by a wider margin with every degree.

# %% [markdown]
# ## 5. Learning curves: more data narrows the gap
#
# A **learning curve** fixes the model and varies the number of training points. We draw a
# pool of 400 points and let `learning_curve` fit each model on subsets of growing size,
# scoring on held-out points. `ShuffleSplit` repeats every size on 10 random splits (with an
# explicit `random_state`), so we can average over the luck of the draw. scikit-learn
# reports *negative* MSE as a score (higher is better), so we flip the sign.

# %%
X_pool, y_pool = make_nonlinear_1d(400, noise=NOISE, seed=5)
splitter = ShuffleSplit(n_splits=10, test_size=100, random_state=0)
train_sizes = [20, 30, 50, 80, 120, 200, 300]

curves = {}
for degree in [1, 3, 15]:
    sizes, train_scores, val_scores = learning_curve(
        polynomial_model(degree),
        X_pool,
        y_pool,
        train_sizes=train_sizes,
        cv=splitter,
        scoring="neg_mean_squared_error",
    )
    curves[degree] = (sizes, -train_scores, -val_scores)

summary = pd.DataFrame(
    {
        (f"degree {d}", kind): scores.mean(axis=1)
        for d, (sizes, train, val) in curves.items()
        for kind, scores in [("train", train), ("validation", val)]
    },
    index=pd.Index(sizes, name="training points"),
)
summary.round(3)

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for ax, (degree, (sizes, train, val)) in zip(axes, curves.items(), strict=True):
    plot_learning_curve(
        sizes,
        train,
        val,
        ylabel="mean squared error",
        reference=NOISE_FLOOR,
        show_std=degree != 15,
        ax=ax,
    )
    ax.set_title(f"degree {degree}")
axes[2].set_yscale("log")
fig.tight_layout()
show_figure(
    "Learning curves for degrees 1, 3 and 15, training and validation error against the"
    " number of training points with the noise floor marked: the degree-1 curves meet well"
    " above the floor, the degree-3 curves close in on it, and the degree-15 validation"
    " error is huge for small training sets and falls as points are added (log scale)."
)

# %% [markdown]
# Three different stories:
#
# * **Degree 1** (under-fitting): both curves flatten at about 0.28, three times the floor,
#   and meet. Beyond 100 points extra data buys nothing; the model is the bottleneck.
# * **Degree 3** (right capacity): both curves close in on the floor of 0.09 (training
#   0.093 and validation 0.095 at 300 points; a training error a little above the floor is
#   the luck of this sample's noise).
# * **Degree 15** (over-fitting at small sizes): with 20 to 50 points some fits explode (the
#   mean validation error is dominated by a few wild splits, hence the log scale and no
#   band), but with 300 points the gap has almost closed. More data is a regularizer.

# %% [markdown]
# ## 6. A penalty tames the degree-15 polynomial (bridge to notebook 03)
#
# Instead of lowering the degree we can keep all 15 powers and penalize large coefficients.
# `Ridge(alpha=...)` adds $\alpha \lVert w \rVert^2$ to the *sum* of squared errors (notebook 03
# takes it apart; [the scaling conventions](../docs/scaling-conventions.md) compare it with the
# other libraries' penalties). Because the pipeline standardizes the powers first, one alpha treats all of them alike.

# %%
alphas = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0]
ridge_rows = []
for degree in [15, 1]:
    for alpha in alphas:
        model = polynomial_model(degree, Ridge(alpha=alpha)).fit(X_train, y_train)
        ridge_rows.append(
            {
                "degree": degree,
                "alpha": alpha,
                "train MSE": mean_squared_error(y_train, model.predict(X_train)),
                "validation MSE": mean_squared_error(y_val, model.predict(X_val)),
            }
        )
ridge_table = pd.DataFrame(ridge_rows).set_index(["degree", "alpha"])
print(f"degree 15 without penalty: validation MSE {errors.loc[15, 'validation MSE']:.3f}")
print(f"degree 3 without penalty:  validation MSE {errors.loc[3, 'validation MSE']:.3f}")
ridge_table.round(3)

# %% [markdown]
# What the numbers say:
#
# * **Degree 15**: even a tiny alpha ($10^{-4}$) brings the validation MSE from about 74 down
#   to 0.172; the best value in the grid ($\alpha = 0.01$) reaches 0.153, about as good as
#   the cubic. A penalty is an alternative to choosing a smaller model.
# * **Too strong** (question 20): as alpha grows past 0.01 the validation error rises again,
#   and with $\alpha = 100$ the training error of the degree-15 model reaches 0.409, 4.5 times
#   the floor, with validation (0.381) just as poor. High error on *both* sets is the
#   signature of too much regularization; the under-fitting rule of section 4 flags every
#   row whose training error exceeds 1.5 times the floor (alpha 10 and 100 here).
# * **A penalty on a model that under-fits** (question 8): on the straight line the
#   training error can only go up with alpha (0.208 to 0.593). Yet its validation error
#   *falls*, from 0.392 to 0.289 at $\alpha = 10$: a line fitted to 20 noisy points has a
#   noisy slope (the learning curves of section 5 put the line's validation error near 0.283
#   with plenty of data), and the penalty removes part of that variance. A high-bias model
#   still has variance on a small sample. What no alpha does is bring the line near the
#   cubic's 0.150: a penalty removes flexibility, it cannot add the curvature the line lacks.
#   The remedy for the bias is more capacity.

# %% [markdown]
# ## Key takeaways
#
# * Training error falls with complexity; validation error is U-shaped. Choose complexity
#   on validation data, never on training data.
# * Judge the train/validation gap and the training error against a reference such as the
#   noise floor: a gap larger than the noise variance means over-fitting, a training error
#   well above the floor means under-fitting.
# * Learning curves tell the two apart: an under-fitting model's curves meet high above the
#   floor (more data brings little), an over-fitting model's gap shrinks as data grows.
# * A penalty (Ridge) can rescue an over-flexible model; too strong a penalty makes it
#   under-fit, visible as high error on both sets. On a model that is too simple a penalty
#   cannot supply the missing capacity; on a small sample it can still trim the variance even
#   a simple model has (the line's validation MSE fell from 0.392 to 0.289), so measure rather
#   than assume.
#
# More compute would let you repeat the whole experiment over many training seeds and show
# the spread of the U curve. With one seed the exact best degree is not a stable quantity:
# degrees 3, 4 and 5 lie within 0.003 of each other here.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "A model has training MSE 0.05 and validation MSE 0.06; the noise variance is 0.05. "
            "What is the best diagnosis?",
            ["over-fitting", "under-fitting", "a good fit"],
            answer=2,
            explanation="The training error sits at the noise floor and the gap (0.01) is far "
            "smaller than the noise variance: there is little left to gain.",
        ),
        Question(
            "Both curves of a learning curve flatten at 3 times the noise floor and meet. "
            "What helps most?",
            ["more training data", "a stronger penalty", "a more flexible model"],
            answer=2,
            explanation="The curves have met, so more data adds nothing; the training error "
            "itself is high, so the model lacks capacity. A penalty would reduce capacity further.",
        ),
        Question.true_false(
            "A stronger Ridge penalty can lower the training error of a model.",
            answer=False,
            explanation="The penalized fit gives up training error to keep the weights small: "
            "the training MSE can only stay the same or rise as alpha grows.",
        ),
    ]
)
