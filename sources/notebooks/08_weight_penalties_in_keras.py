# %% [markdown]
# # 08 · Weight penalties in Keras: L1, L2, weight decay and max-norm
#
# **Topics:** `kernel_regularizer` with L1, L2 and L1L2 and the exact quantity Keras adds to
# the loss; translating Keras's factor into scikit-learn's `alpha`; why biases are left
# unpenalized; weight histograms after training (L1's near-zeros, L2's shrinkage); L2 in the
# loss against decoupled weight decay (`SGD` and `AdamW`'s `weight_decay`); max-norm constraints
#
# Notebooks 03 to 05 penalized linear models in scikit-learn. In Keras the same penalties are
# one argument of a layer, but the numbers mean something slightly different, and the
# optimizer changes what a penalty does. Every statement below is checked against Keras
# itself.
#
# **Tutorial questions answered:** 2 (L1 against L2, for network weights), 9 (how to add a
# penalty to a network) and 11 (L1 and L2 together, `L1L2`); in part 7 (what the strength
# parameter means: Keras's factor is not scikit-learn's `alpha`).
#
# **Runtime:** about 20 s on a 2-core laptop (importing TensorFlow, four small networks on
# digits and a few linear models).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/08_weight_penalties_in_keras.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/08_weight_penalties_in_keras.ipynb)

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

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import Lasso, LinearRegression, Ridge

from course_utils.data import load_digits_split, make_sparse_regression, make_tutorial_linear
from course_utils.figures import show_figure
from course_utils.plotting import plot_history
from course_utils.training import make_dataset, plot_weight_histograms, train_configurations

# %% [markdown]
# ## 1. What exactly does Keras add to the loss?
#
# A regularizer is attached to a layer's weights with `kernel_regularizer=`. We build a small
# network with a different penalty on each layer and compare the terms Keras collects in
# `model.losses` with the formulas applied by hand to the kernels.

# %%
penalized = keras.Sequential(
    [
        keras.Input(shape=(5,)),
        keras.layers.Dense(4, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dense(3, activation="relu", kernel_regularizer=keras.regularizers.L1(0.02)),
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.03)),
    ]
)
W1, W2, W3 = (layer.kernel.numpy() for layer in penalized.layers)
by_hand = [
    0.01 * np.sum(W1**2),
    0.02 * np.sum(np.abs(W2)),
    0.01 * np.sum(np.abs(W3)) + 0.03 * np.sum(W3**2),
]
names = ["L2(0.01)", "L1(0.02)", "L1L2(l1=0.01, l2=0.03)"]
for name, hand, keras_term in zip(names, by_hand, penalized.losses, strict=True):
    print(f"{name:24s} by hand {hand:.6f}   Keras {float(keras_term):.6f}")
print(f"{'total':24s} by hand {sum(by_hand):.6f}   Keras {float(sum(penalized.losses)):.6f}")

# %% [markdown]
# The formulas are
#
# - `L2(f)`: $f \sum_i w_i^2$, with no factor $\tfrac12$ (some textbooks write
#   $\tfrac{\lambda}{2}\lVert w\rVert^2$) and no division by the number of samples;
# - `L1(f)`: $f \sum_i |w_i|$;
# - `L1L2(l1, l2)`: the sum of the two.
#
# Keras adds this total to the mean loss of *every batch*. The reported loss therefore
# includes the penalty, and the penalty's weight does not depend on the batch size or on how
# many training samples there are. Biases are not part of it; changing them leaves the penalty
# unchanged:

# %%
X_small = rng.normal(size=(8, 5)).astype("float32")
y_small = rng.normal(size=(8, 1)).astype("float32")
penalized.compile(optimizer="sgd", loss="mse")
mse_by_hand = np.mean((penalized.predict(X_small, verbose=0) - y_small) ** 2)
reported = penalized.evaluate(X_small, y_small, batch_size=8, verbose=0)
print(f"mse {mse_by_hand:.6f} + penalty {sum(by_hand):.6f} = {mse_by_hand + sum(by_hand):.6f}")
print(f"loss reported by evaluate:            {reported:.6f}")

for layer in penalized.layers:
    layer.bias.assign(np.full(layer.bias.shape, 5.0, dtype="float32"))
print(f"penalty after setting every bias to 5: {float(sum(penalized.losses)):.6f}")

# %% [markdown]
# Two defaults are worth knowing: `keras.regularizers.L2()` and the string `"l2"` both mean a
# factor of 0.01, while `L1L2()` without arguments uses 0 for both factors, which is no
# penalty at all:

# %%
for regularizer in (
    keras.regularizers.L2(),
    keras.regularizers.get("l2"),
    keras.regularizers.L1L2(),
):
    print(type(regularizer).__name__, regularizer.get_config())

# %% [markdown]
# ## 2. Keras's factor is not scikit-learn's `alpha`
#
# Write the three objectives for a linear model with $n$ samples, weights $w$ and an
# unpenalized intercept (the course's [scaling conventions](../docs/scaling-conventions.md)
# extend this table to `LogisticRegression`'s `C`, textbook forms and weight decay):
#
# | model | objective | same minimizer as Keras (`mse` loss) with |
# |---|---|---|
# | `Ridge(alpha)` | $\sum_i (y_i - \hat y_i)^2 + \alpha \lVert w\rVert_2^2$ | `L2(alpha / n)` |
# | `Lasso(alpha)` | $\frac{1}{2n}\sum_i (y_i - \hat y_i)^2 + \alpha \lVert w\rVert_1$ | `L1(2 * alpha)` |
# | `ElasticNet(alpha, l1_ratio=r)` | $\frac{1}{2n}\sum_i (\dots)^2 + \alpha r \lVert w\rVert_1 + \frac{\alpha (1-r)}{2}\lVert w\rVert_2^2$ | `L1L2(l1=2 * alpha * r, l2=alpha * (1 - r))` |
#
# Keras's `mse` is a *mean*, $\frac1n \sum_i (y_i - \hat y_i)^2$. Dividing Ridge's objective
# by $n$, or multiplying Lasso's by 2, turns each into Keras's form without moving its
# minimum. So `Ridge(alpha=10)` on 100 samples is `L2(0.1)` in Keras, and `Lasso(alpha=0.1)` is
# `L1(0.2)`.
#
# A check that needs no training: put scikit-learn's solution into a linear Keras model and take
# one full-batch gradient step. At the minimum of Keras's objective the gradient is zero, so
# the weights must not move.

# %%
X_reg, y_reg, true_coef = make_sparse_regression(
    n_samples=100, n_features=10, n_informative=3, noise=1.0, correlation=0.0, seed=42
)
X_reg = ((X_reg - X_reg.mean(axis=0)) / X_reg.std(axis=0)).astype("float32")
y_reg = y_reg.astype("float32")
n = len(X_reg)


def build_linear_model(regularizer=None, optimizer=None):
    model = keras.Sequential(
        [keras.Input(shape=(10,)), keras.layers.Dense(1, kernel_regularizer=regularizer)]
    )
    model.compile(
        optimizer=optimizer or keras.optimizers.SGD(learning_rate=0.1),
        loss="mse",
        # fit runs up to 300 steps in one call into TensorFlow instead of one call per
        # step (section 5); the same numbers. train_on_batch always takes one step.
        steps_per_execution=300,
    )
    return model


def largest_move_after_one_step(model, coef, intercept):
    """Load (coef, intercept) into the model, take one full-batch step, return how far w moved."""
    model.layers[0].set_weights(
        [np.asarray(coef, dtype="float32")[:, None], np.array([intercept], dtype="float32")]
    )
    before = model.layers[0].kernel.numpy()[:, 0]
    model.train_on_batch(X_reg, y_reg)
    return np.abs(model.layers[0].kernel.numpy()[:, 0] - before)


ridge = Ridge(alpha=10.0).fit(X_reg, y_reg)
lasso = Lasso(alpha=0.1).fit(X_reg, y_reg)
ridge_moves = {
    label: largest_move_after_one_step(
        build_linear_model(keras.regularizers.L2(factor)), ridge.coef_, ridge.intercept_
    )
    for label, factor in [("L2(alpha / n) = L2(0.1)", 10.0 / n), ("L2(alpha) = L2(10)", 10.0)]
}
lasso_move = largest_move_after_one_step(
    build_linear_model(keras.regularizers.L1(0.2)), lasso.coef_, lasso.intercept_
)

for label, move in ridge_moves.items():
    print(f"Ridge(alpha=10) loaded, Keras {label:24s}: weights move by at most {move.max():.1e}")
is_zero = lasso.coef_ == 0
print(
    f"Lasso(alpha=0.1) loaded, Keras L1(0.2): the {np.sum(~is_zero)} non-zero weights move by at "
    f"most {lasso_move[~is_zero].max():.1e}, the {np.sum(is_zero)} zero weights by up to "
    f"{lasso_move[is_zero].max():.1e}"
)

# %% [markdown]
# With the translated factor, Ridge's weights stay put to float32 precision; with the naive
# `L2(alpha)` they jump. Lasso's non-zero weights stay put too, but its exact zeros do not:
# at $w = 0$ the derivative of $|w|$ does not exist, Keras uses 0 there, and the data's
# gradient pushes the weight off zero. Scikit-learn's coordinate descent keeps exact zeros
# because it solves each coordinate in closed form (soft-thresholding, notebook 04); gradient
# steps only bring weights *near* zero. Section 4 shows the consequence in a network.
#
# ## 3. Why biases are usually not penalized
#
# A bias shifts a unit's output up or down; it does not change how the inputs are combined,
# so it adds almost no flexibility (a layer with 64 inputs and 128 units has 8,192 weights and
# only 128 biases). Penalizing it has a real cost, though: the fit starts to depend on where
# zero lies on the scale of the target. We fit the tutorial's line with Keras's objective,
# $\frac1n\sum_i (y_i - wx_i - b)^2 + f w^2$, in closed form, with and without $f b^2$ added,
# once on the original targets and once on targets shifted by +100 (the same data measured
# from a different origin).

# %%
X_line, y_line = make_tutorial_linear(n_samples=80, seed=42)
X_line_val, y_line_val = make_tutorial_linear(n_samples=1000, seed=7)
factor = 0.5


def penalized_line(x, y, factor, penalize_bias):
    """Minimize mean((y - w x - b)^2) + factor * w^2 (+ factor * b^2) in closed form."""
    design = np.column_stack([x, np.ones_like(x)])
    penalty = np.diag([factor, factor if penalize_bias else 0.0])
    return np.linalg.solve(design.T @ design / len(x) + penalty, design.T @ y / len(x))


print("targets      bias penalized   slope  intercept  validation MSE")
for shift in (0.0, 100.0):
    for penalize_bias in (False, True):
        slope, intercept = penalized_line(X_line[:, 0], y_line + shift, factor, penalize_bias)
        val_mse = np.mean((slope * X_line_val[:, 0] + intercept - (y_line_val + shift)) ** 2)
        print(
            f"y + {shift:5.1f}   {str(penalize_bias):15s}  {slope:6.3f}  {intercept:9.3f}  "
            f"{val_mse:14.3f}"
        )

# %% [markdown]
# With a free bias, shifting the targets by 100 shifts the intercept by exactly 100 and
# changes nothing else. With a penalized bias the same shift wrecks the fit: the penalty
# drags the intercept towards 0, and the slope bends to compensate. This is why Keras's layers
# take `bias_regularizer=None` by default, why scikit-learn's linear models leave the intercept
# out of the penalty (with one exception: the `liblinear` solver of `LogisticRegression`
# penalizes it as the weight of a constant feature, notebook 06), and why `kernel_regularizer`
# is the argument to use.
#
# ## 4. What the penalties do to a network's weights
#
# A network with one hidden layer of 128 units on 300 handwritten digits (8x8 pixels), with
# no penalty, `L1(1e-3)` or `L2(1e-3)` on the hidden layer's 8,192 weights, trained with Adam
# from the same initial weights. We count exact zeros and weights below $10^{-3}$ in absolute
# value.

# %%
digits = load_digits_split(n_train=300, n_val=500, n_test=500, seed=42)


def build_digits_network(regularizer=None, constraint=None):
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(
                128,
                activation="relu",
                kernel_regularizer=regularizer,
                kernel_constraint=constraint,  # used in section 6
            ),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        # One call into TensorFlow per epoch instead of one per batch; the same numbers.
        steps_per_execution=64,
    )
    return model


digit_settings = {"epochs": 30, "batch_size": 32}
table, histories = train_configurations(
    {
        "no penalty": {},
        "L1(1e-3)": {"regularizer": keras.regularizers.L1(1e-3)},
        "L2(1e-3)": {"regularizer": keras.regularizers.L2(1e-3)},
    },
    build_digits_network,
    digits,
    **digit_settings,
)
kernels = {name: history.model.layers[0].kernel.numpy() for name, history in histories.items()}
table["exactly_0"] = [int(np.sum(w == 0)) for w in kernels.values()]
table["below_1e-3"] = [int(np.sum(np.abs(w) < 1e-3)) for w in kernels.values()]
table["mean_abs_w"] = [np.mean(np.abs(w)) for w in kernels.values()]
print(table[["train_accuracy", "val_accuracy", "exactly_0", "below_1e-3", "mean_abs_w"]].round(4))

# %%
plot_weight_histograms(kernels, bins=61, layout="side", near_zero_tol=1e-3, log=True)
show_figure(
    "Histograms of the hidden layer's weights, counts on a log scale, without a penalty, "
    "with L1 and with L2: L2 narrows the whole bell towards zero, L1 piles most weights "
    "into a narrow spike at zero and leaves a few large ones."
)

# %% [markdown]
# The histograms (counts on a log scale) show the two characters. **L2** shrinks the whole bell
# towards zero: the mean absolute weight drops to about half, and most weights stay clearly
# non-zero. **L1** piles most weights into a narrow spike at zero and leaves a few large ones:
# a sparse layer. But not one weight is *exactly* zero: Adam's steps keep them jittering
# around zero instead of landing on it. Setting the tiny ones to zero by hand shows that they
# carry nothing:

# %%
l1_model = histories["L1(1e-3)"].model
val_set = make_dataset(digits.X_val, digits.y_val, batch_size=500)
val_before = l1_model.evaluate(val_set, verbose=0, return_dict=True)
pruned = np.where(np.abs(kernels["L1(1e-3)"]) < 1e-3, 0.0, kernels["L1(1e-3)"])
l1_model.layers[0].kernel.assign(pruned)
val_after = l1_model.evaluate(val_set, verbose=0, return_dict=True)
print(
    f"L1 network, validation accuracy: {val_before['accuracy']:.3f} before, "
    f"{val_after['accuracy']:.3f} after zeroing {np.mean(pruned == 0):.0%} of its hidden weights"
)

# %% [markdown]
# (On this small problem neither penalty improves the validation accuracy: 0.934 and 0.932
# against 0.938 without; the point here is what they do to the weights.) One
# detail in the L2 column deserves a look: L2 also has a block of weights below $10^{-3}$.
# Nine of the 64 pixels are blank in every training image, so the weights leaving them get no
# gradient from the data, only from the penalty:

# %%
blank = digits.X_train.max(axis=0) == 0
print(f"{blank.sum()} blank pixels -> {blank.sum() * 128} weights with no data gradient")
for name, w in kernels.items():
    print(
        f"{name:10s} below 1e-3: {np.mean(np.abs(w[blank]) < 1e-3):6.1%} of the blank-pixel "
        f"weights, {np.mean(np.abs(w[~blank]) < 1e-3):6.1%} of the others"
    )

# %% [markdown]
# Under plain gradient descent, L2 would only shrink those weights by a constant factor
# $1 - 2\eta f = 1 - 2 \cdot 0.003 \cdot 0.001$ per step, about 0.2 % over the 300 steps of
# this training. Under Adam, the penalty's gradient $2fw$ is divided by its own
# running size, so each step moves the weight by about the learning rate, whatever $f$ is:
# the L2 penalty behaves like L1 for these weights. Adam changes what the penalty does; the
# next section shows how, and what `AdamW` does instead.
#
# Validation accuracy over the epochs (the loss curves would not compare fairly: Keras's
# reported loss includes each model's penalty):

# %%
fig, ax = plt.subplots(figsize=(7.5, 4))
for i, name in enumerate(histories):
    plot_history(histories[name], "accuracy", ax=ax, label=name, color=f"C{i}")
ax.set_ylim(0.8, 1.005)
ax.legend(ncol=3, fontsize=8)
show_figure(
    "Validation accuracy against epoch for each configuration of the digits network, one "
    "line each, all climbing quickly and levelling off close together near the top of the"
    " plot."
)

# %% [markdown]
# ## 5. L2 in the loss against decoupled weight decay
#
# *Weight decay* shrinks every weight by a fixed fraction at each step, outside the loss.
# In Keras every optimizer takes `weight_decay=`; the step is $w \leftarrow w - \eta\,\lambda\,w$
# (with $\eta$ the learning rate and $\lambda$ the `weight_decay`), followed by the usual
# update with the gradient of the loss alone.
#
# **Plain SGD.** With an L2 penalty $f\lVert w\rVert^2$ in the loss, one step is
# $w - \eta\,(g + 2 f w) = w - \eta g - 2\eta f w$: exactly weight decay with $\lambda = 2f$.
# This needs *plain* SGD: Keras's `SGD` has `momentum=0.0` by default; with momentum the L2
# gradient is carried into later steps through the velocity and the decoupled decay is not, so
# the two differ. We check it on the regression data of section 2, from the same initial weights, and also
# check one step against this formula computed in NumPy. Keras decays *all* variables unless
# told otherwise, so we exclude the bias, to match the kernel-only penalty.

# %%
f, learning_rate = 0.05, 0.05


def penalty_and_decay_pair(make_optimizer, decayed_optimizer):
    """Two linear models with the same initial weights: L2(f) in the loss, or weight decay 2f."""
    keras.utils.set_random_seed(1)
    with_penalty = build_linear_model(keras.regularizers.L2(f), make_optimizer(learning_rate))
    keras.utils.set_random_seed(1)
    optimizer = decayed_optimizer(learning_rate, weight_decay=2 * f)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    with_decay = build_linear_model(None, optimizer)
    return with_penalty, with_decay


def kernel(model):
    return model.layers[0].kernel.numpy()[:, 0].copy()


def full_batch_steps(model, steps):
    """`steps` more full-batch steps: the same as `steps` calls of train_on_batch, in one fit."""
    batches = make_dataset(X_reg, y_reg, batch_size=n).repeat(steps)
    model.fit(batches, epochs=1, shuffle=False, verbose=0)


sgd_penalty, sgd_decay = penalty_and_decay_pair(keras.optimizers.SGD, keras.optimizers.SGD)
w0 = kernel(sgd_penalty)
gradient = -2 / n * X_reg.T @ (y_reg - X_reg @ w0)  # mse gradient (bias starts at 0)
one_step_by_hand = w0 - learning_rate * (gradient + 2 * f * w0)
sgd_penalty.train_on_batch(X_reg, y_reg)
sgd_decay.train_on_batch(X_reg, y_reg)
print(
    f"after 1 step:  |penalty - by hand| <= {np.abs(kernel(sgd_penalty) - one_step_by_hand).max():.1e}, "
    f"|penalty - decay| <= {np.abs(kernel(sgd_penalty) - kernel(sgd_decay)).max():.1e}"
)

# %%
full_batch_steps(sgd_penalty, 299)
full_batch_steps(sgd_decay, 299)
ridge_equivalent = Ridge(alpha=f * n).fit(X_reg, y_reg).coef_  # Keras L2(f) = Ridge(alpha=f n)
print(
    f"after 300 steps: |penalty - decay| <= {np.abs(kernel(sgd_penalty) - kernel(sgd_decay)).max():.1e}, "
    f"|penalty - Ridge(alpha=f n)| <= {np.abs(kernel(sgd_penalty) - ridge_equivalent).max():.1e}"
)

# %% [markdown]
# Identical up to float32 rounding, step by step, and both converge to Ridge's solution.
#
# **Adam.** Adam divides each weight's gradient by the square root of a running average of its
# squares. With L2 in the loss, the penalty's gradient $2fw$ goes through that division too;
# decoupled weight decay (`AdamW`) stays outside it. The very first Adam step is about
# $\eta \cdot \operatorname{sign}(g + 2fw)$ for every weight, whatever the sizes:

# %%
adam_penalty, adam_decay = penalty_and_decay_pair(keras.optimizers.Adam, keras.optimizers.AdamW)
w0 = kernel(adam_penalty)
adam_penalty.train_on_batch(X_reg, y_reg)
adam_decay.train_on_batch(X_reg, y_reg)
first_steps = pd.DataFrame(
    {
        "w0": w0,
        "data_gradient": gradient,
        "step_Adam_L2": kernel(adam_penalty) - w0,
        "step_AdamW": kernel(adam_decay) - w0,
    }
)
print(first_steps.round(4))

# %% [markdown]
# Then 300 steps in all, and 100 more for AdamW to see whether it has settled:

# %%
full_batch_steps(adam_penalty, 299)
full_batch_steps(adam_decay, 299)
least_squares = LinearRegression().fit(X_reg, y_reg).coef_
w_adam_l2, w_adamw = kernel(adam_penalty), kernel(adam_decay)
full_batch_steps(adam_decay, 100)

print("after 300 steps                 length of w   largest |w - Ridge(alpha=f n)|")
print(f"Ridge(alpha=f n)                {np.linalg.norm(ridge_equivalent):11.3f}")
print(f"least squares (no penalty)      {np.linalg.norm(least_squares):11.3f}")
for name, w in [("Adam + L2(f)", w_adam_l2), ("AdamW(weight_decay=2f)", w_adamw)]:
    print(f"{name:30s}  {np.linalg.norm(w):11.3f}   {np.abs(w - ridge_equivalent).max():.1e}")
print(f"AdamW after 100 more steps      {np.linalg.norm(kernel(adam_decay)):11.3f}")

# %% [markdown]
# The first steps already differ: Adam + L2 moves every weight by the learning rate, in the
# direction of the sign of $g + 2fw$, while AdamW adds a decay proportional to each weight.
# And they keep differing. After 300 steps Adam with L2 in the loss sits on Ridge's solution:
# Adam changes the path, not the minimum of the loss it is given. AdamW with the "same" decay
# is elsewhere, and still moving, towards the unpenalized least-squares fit. The reason: Adam
# rescales the gradient of the loss to a step of about the learning rate even when that
# gradient has become small, while the decay step $\eta\lambda w$ does not grow to match, so
# the balance between the two depends on the size of the gradients, not on $\lambda$ alone.
# (With mini-batches, gradient noise keeps Adam's running scale from shrinking this way:
# that is the setting AdamW was designed for.)
#
# So AdamW is a different regularizer, not a rewriting of L2: its decay acts on every weight
# at the same rate, whereas Adam + L2 regularizes weights with a large gradient history less
# and weights with a small one more (the blank-pixel weights of section 4 are the extreme
# case). That is why Loshchilov and Hutter (2019) proposed it, and why its `weight_decay`
# cannot be translated into an L2 factor: tune it on validation data like any other
# hyperparameter. Keras multiplies `weight_decay` by the learning rate (PyTorch's `AdamW`
# does too); the paper multiplies its decay only by the schedule multiplier $\eta_t$, not by
# the step size $\alpha$, so without a schedule its $\lambda$ is Keras's
# `learning_rate * weight_decay`. Check the convention before carrying a value over from
# elsewhere.
#
# ## 6. Max-norm constraints
#
# A constraint is not a penalty: after every optimizer step Keras rescales each unit's vector
# of incoming weights (a column of the kernel) whose length exceeds `max_value` back onto that
# length. The original dropout paper combined dropout with max-norm (lengths of 3 to 4), which
# allowed large learning rates without the weights blowing up. We cap the columns of the
# digits network's hidden layer at length 1:

# %%
maxnorm_table, maxnorm_histories = train_configurations(
    {"MaxNorm(1.0)": {"constraint": keras.constraints.MaxNorm(max_value=1.0)}},
    build_digits_network,
    digits,
    **digit_settings,
)
column_norms = {
    name: np.linalg.norm(model_history.model.layers[0].kernel.numpy(), axis=0)
    for name, model_history in [
        ("no penalty", histories["no penalty"]),
        ("L2(1e-3)", histories["L2(1e-3)"]),
        ("MaxNorm(1.0)", maxnorm_histories["MaxNorm(1.0)"]),
    ]
}
summary = pd.concat([table.loc[["no penalty", "L2(1e-3)"]], maxnorm_table])
summary["largest_norm"] = [norms.max() for norms in column_norms.values()]
summary["median_norm"] = [np.median(norms) for norms in column_norms.values()]
print(summary[["train_accuracy", "val_accuracy", "largest_norm", "median_norm"]].round(3))

fig, ax = plt.subplots(figsize=(6.4, 3.6))
for name, norms in column_norms.items():
    ax.plot(np.sort(norms)[::-1], label=name)
ax.axhline(1.0, color="0.4", linestyle=":", label="max_value = 1")
ax.set_xlabel("hidden unit (sorted by norm)")
ax.set_ylabel("length of incoming weight vector")
ax.legend()
show_figure(
    "Length of each hidden unit's incoming weight vector, units sorted by length, without"
    " a penalty, with L2 and with MaxNorm(1.0), and a dotted line at 1: without a "
    "constraint most lengths exceed 1, with max-norm none does and most sit exactly on "
    "the cap."
)

# %% [markdown]
# Without a constraint, most units' weight vectors grew longer than 1 during training; with
# `MaxNorm(1.0)` none exceeds 1 and most sit exactly on the cap. (The steep drop at the right
# of the L2 curve are units that never activate on the training images: they get no gradient
# from the data, and Adam + L2 shrinks their weights to almost nothing, as for the blank
# pixels of section 4.) Unlike L2, the constraint leaves short vectors alone and adds no
# gradient: it only stops growth. The validation accuracy hardly moves on this small problem;
# max-norm earns its keep in long trainings with high learning rates and dropout, which are
# beyond the few seconds budgeted here.
#
# ## Key takeaways
#
# - `kernel_regularizer=L2(f)` adds $f\sum w^2$ to every batch's mean loss (no ½, no $1/n$);
#   `L1(f)` adds $f\sum|w|$; `L1L2()` without arguments adds nothing. The reported loss
#   includes the penalty (questions 9 and 11).
# - Keras's factor is not scikit-learn's `alpha`: `Ridge(alpha)` is `L2(alpha / n)`,
#   `Lasso(alpha)` is `L1(2 * alpha)` (question 7).
# - Leave biases unpenalized: a penalty on them makes the fit depend on where zero lies.
# - L1 makes a network's weights sparse and L2 shrinks them all (question 2), but gradient
#   training gives *near*-zeros, not exact zeros; count both, and prune explicitly if you need
#   zeros.
# - For plain SGD (no momentum, Keras's default), an L2 factor $f$ equals `weight_decay = 2f`,
#   step for step; with momentum, and with Adam, they differ: Adam + L2 still minimizes loss +
#   penalty, AdamW is a different regularizer, tuned on its own.
# - Max-norm caps the length of each unit's incoming weights after every step: a limit, not a
#   pull towards zero.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "A Dense layer has kernel weights [1, -2] and kernel_regularizer=L2(0.1). What "
            "does Keras add to each batch's loss?",
            ["0.05", "0.25", "0.5", "0.5 divided by the batch size"],
            answer=2,
            explanation="L2(f) adds f * sum(w**2) = 0.1 * (1 + 4) = 0.5, with no 1/2 and no "
            "division by the batch size or the number of samples.",
        ),
        Question(
            "You fit Ridge(alpha=50) on 500 samples. Which Keras regularizer, with the mse "
            "loss, has the same minimizer?",
            ["L2(50)", "L2(0.1)", "L2(25)", "L2(100)"],
            answer=1,
            explanation="Ridge sums the squared errors; Keras averages them. Dividing Ridge's "
            "objective by n = 500 gives mse + (50 / 500) * sum(w**2), that is L2(0.1).",
        ),
        Question.true_false(
            "After training with Adam and an L1 penalty, many weights are exactly zero.",
            answer=False,
            explanation="Gradient steps make weights jitter around zero; they end near zero, "
            "not at zero. Exact zeros need soft-thresholding (as in Lasso's solvers) or "
            "pruning.",
        ),
        Question(
            "For which optimizer is an L2 penalty with factor f the same as weight_decay = 2f?",
            ["plain SGD", "Adam", "both", "neither"],
            answer=0,
            explanation="For plain SGD (momentum 0, Keras's default) both subtract "
            "2 * learning_rate * f * w per step; with momentum they differ. Adam divides "
            "the penalty's gradient by its running scale; AdamW's decay bypasses that division.",
        ),
    ]
)
