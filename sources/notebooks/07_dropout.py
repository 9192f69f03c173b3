# %% [markdown]
# # 07 · Dropout: how it works, where it goes, how much
#
# **Topics:** dropout on the tutorial's straight line (why it cannot help there); a network that
# over-fits, trained with and without dropout; inverted dropout written in NumPy and checked
# against `keras.layers.Dropout`; a sweep over dropout rates; input, hidden and output dropout;
# why the training accuracy can read lower than the validation accuracy; Monte Carlo dropout
#
# During training, a dropout layer sets each of its inputs to zero with probability `rate`, a new
# random choice at every step, and scales the survivors up so that the layer's output keeps the
# same expected value. The network cannot rely on any single unit, so it has to spread what it
# learns over many of them. At prediction time the layer does nothing at all.
#
# **Tutorial questions answered:** 4 (what dropout is), 13 (what changes at test time),
# 14 (can dropout go in every layer?), 15 (a rate that is too high) and 16 (how to choose the
# rate); in part 9 (how to regularize a network; notebooks 08 and 09 add the rest).
#
# **Runtime:** about 25 s on a 2-core laptop (importing TensorFlow and eight small networks).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/07_dropout.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/07_dropout.ipynb)

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
from sklearn.linear_model import LinearRegression

from course_utils.data import (
    TUTORIAL_INTERCEPT,
    TUTORIAL_SLOPE,
    make_noisy_moons,
    make_tutorial_linear,
)
from course_utils.figures import show_figure
from course_utils.plotting import plot_history
from course_utils.training import make_dataset, train_configurations

# %% [markdown]
# ## 1. The tutorial's example: dropout on a straight line
#
# The tutorial puts `Dropout(0.5)` after a 64-unit hidden layer and fits $y = 3x + 2 + $ noise
# ($\sigma = 2$). Notebook 01 found that, once the data are scaled and the network is trained
# long enough, dropout changes nothing useful there. Here is why, in numbers. We keep the
# tutorial's 80 training points and, as validation set, draw 1,000 fresh points from the same
# line: with that many points the validation error is measured precisely. No model can beat
# the true line, whose error is the noise variance, about $2^2 = 4$.

# %%
X_line, y_line = make_tutorial_linear(n_samples=80, seed=42)
X_line_val, y_line_val = make_tutorial_linear(n_samples=1000, seed=7)
x_mean, x_std = X_line.mean(), X_line.std()
y_mean, y_std = y_line.mean(), y_line.std()
line_data = (
    (X_line - x_mean) / x_std,
    (y_line - y_mean) / y_std,
    (X_line_val - x_mean) / x_std,
    (y_line_val - y_mean) / y_std,
)


def build_line_network(dropout_rate=0.0, output_dropout_rate=0.0):
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dropout(dropout_rate),
            keras.layers.Dense(1),
            keras.layers.Dropout(output_dropout_rate),  # only used in section 5
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return model


line_table, line_histories = train_configurations(
    {"no dropout": {}, "dropout 0.5 (tutorial)": {"dropout_rate": 0.5}},
    build_line_network,
    line_data,
    epochs=30,
    batch_size=16,
    validation_freq=30,  # no curve needed here: measure the validation set once, at the end
)
least_squares = LinearRegression().fit(X_line, y_line)
true_line_mse = np.mean((TUTORIAL_SLOPE * X_line_val[:, 0] + TUTORIAL_INTERCEPT - y_line_val) ** 2)
ls_val_mse = np.mean((least_squares.predict(X_line_val) - y_line_val) ** 2)
print("validation MSE on 1,000 fresh points")
print(f"  the true line (best possible):     {true_line_mse:.3f}")
print(f"  least squares on 80 points:        {ls_val_mse:.3f}")
for name, row in line_table.iterrows():
    # The table's losses are in standardized units; y_std**2 converts them back.
    print(f"  network, {name + ':':24s} {row['val_loss'] * y_std**2:.3f}")

# %% [markdown]
# A straight line has two numbers to learn, and 80 points pin them down: least squares comes
# within 0.2 of the true line. That small excess is all that any regularizer could remove, and
# neither network removes it: with or without dropout they land a little above least
# squares. Dropout has nothing to fix here; it only makes each training step noisier. It pays
# off when a network has far more freedom than the data can constrain, as in the next section.
#
# ## 2. A network that over-fits, with and without dropout
#
# Two noisy half-moons, only 100 training points, and a network with two hidden layers of 256
# units (about 67,000 weights): plenty of room to memorize the noise. We train it with and
# without dropout after each hidden layer, from the same initial weights (the helper reseeds
# before each build), and report the cross-entropy loss, where over-fitting shows most
# clearly, plus the accuracy. Training values are re-evaluated after training, with dropout
# off, so training and validation are measured the same way.
#
# The helper hands `fit` a `tf.data` pipeline, `make_dataset(X, y, batch_size=16,
# shuffle_seed=42)`, rather than the NumPy arrays: `tf.data.Dataset.from_tensor_slices((X, y))`,
# shuffled anew at every epoch with a fixed seed, then cut into batches. Keras would accept the
# arrays too, but for a network this small it then spends more time slicing them than
# computing; the pipeline trains the same network 2-3 times faster.

# %%
moons = make_noisy_moons(n_train=100, n_val=500, n_test=500, noise=0.3, seed=42)


def build_moons_network(dropout_rate=0.0, input_dropout_rate=0.0):
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dropout(input_dropout_rate),  # only used in section 5
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(dropout_rate),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(dropout_rate),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def with_accuracy(table, histories, data):
    """Add training and validation accuracy, both measured with dropout off."""
    table = table.drop(columns="seconds")
    for split_name, X, y in (
        ("train", data.X_train, data.y_train),
        ("val", data.X_val, data.y_val),
    ):
        table[f"{split_name}_accuracy"] = [
            histories[name].model.evaluate(
                make_dataset(X, y, batch_size=512), verbose=0, return_dict=True
            )["accuracy"]
            for name in table.index
        ]
    return table


fit_settings = {"epochs": 30, "batch_size": 16, "metric": "loss"}
table, histories = train_configurations(
    {"no dropout": {"dropout_rate": 0.0}, "dropout 0.5": {"dropout_rate": 0.5}},
    build_moons_network,
    moons,
    **fit_settings,
)
columns = ["train_loss", "val_loss", "gap", "best_val_loss", "best_epoch"]
print(
    with_accuracy(table, histories, moons)[columns + ["train_accuracy", "val_accuracy"]].round(3)
)

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, name in zip(axes, histories, strict=True):
    plot_history(histories[name], ax=ax)
    ax.set_title(name)
    ax.set_ylabel("")
axes[0].set_ylabel("cross-entropy loss")
show_figure(
    "Two panels of training and validation cross-entropy loss against epoch on the half-"
    "moons: without dropout the validation loss reaches a minimum early and then climbs "
    "while the training loss keeps falling; with dropout the two curves stay close "
    "together."
)

# %% [markdown]
# Without dropout, the validation loss reaches its minimum early and then climbs while the
# training loss keeps falling: the network grows more and more confident on points it has
# memorized. With dropout the two curves stay close together and the validation loss ends
# lower (0.285 against 0.342); the gap column shrinks from 0.178 to 0.064. The *accuracy*
# hardly changes, on either set: the over-fitting here is over-confidence, which the loss
# punishes and the accuracy does not see (a confident prediction counts once, right or
# wrong).
#
# (In the right panel, Keras's training curve at times lies *above* the validation curve;
# section 6 explains why.) The decision boundaries tell the same story:

# %%
grid_x, grid_y = np.meshgrid(np.linspace(-1.8, 2.8, 120), np.linspace(-1.3, 1.8, 90))
grid = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype("float32")
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
for ax, name in zip(axes, histories, strict=True):
    # Calling the model on all 10,800 grid points at once (dropout off, as in predict)
    # spares predict's own set-up, which costs more than this arithmetic.
    network = histories[name].model
    probability = np.asarray(network(grid, training=False)).reshape(grid_x.shape)
    ax.contourf(grid_x, grid_y, probability, levels=[0, 0.5, 1], colors=["C0", "C1"], alpha=0.2)
    ax.contour(grid_x, grid_y, probability, levels=[0.5], colors="k", linewidths=1)
    for label, color in ((0, "C0"), (1, "C3")):
        points = moons.X_train[moons.y_train == label]
        ax.scatter(
            *points.T, color=color, s=14, edgecolor="k", label=f"training point, class {label}"
        )
    ax.set_title(f"{name}: boundary from 100 training points")
    ax.set_xlabel("$x_1$")
axes[0].set_ylabel("$x_2$")
handles, labels = axes[0].get_legend_handles_labels()
handles += [
    plt.Rectangle((0, 0), 1, 1, color="C0", alpha=0.2),
    plt.Rectangle((0, 0), 1, 1, color="C1", alpha=0.2),
    plt.Line2D([], [], color="k", linewidth=1),
]
labels += ["predicted class 0", "predicted class 1", "boundary (probability 0.5)"]
fig.legend(handles, labels, loc="lower center", ncols=5, fontsize="small")
fig.tight_layout(rect=(0, 0.1, 1, 1))
show_figure(
    "Decision boundaries of the two networks over the noisy half-moons, without dropout "
    "on the left and with dropout on the right: the boundary without dropout bends around"
    " individual training points, the one with dropout is smoother."
)


# %% [markdown]
# ## 3. Inverted dropout, measured on Keras's layer (question 13)
#
# For each input $x_i$ draw a keep-mask $m_i$ that is 1 with probability $1 - p$ ($p$ is the
# rate) and 0 otherwise, and output $m_i x_i / (1 - p)$. The expected output is
# $E[m_i]\, x_i / (1 - p) = (1 - p)\, x_i / (1 - p) = x_i$: on average, the next layer sees the
# same values as without dropout. This *inverted* form does the rescaling during training, so
# at test time the layer is simply the identity. (The original paper did the opposite: no
# scaling during training, and outgoing weights multiplied by $1 - p$ at test time. Both give
# the same expected activations.) Exercise 02 asks you to write this in NumPy; here we check
# every part of the description on Keras's own layer.

# %%
rate = 0.4
x = rng.uniform(0.5, 1.5, size=(2000, 50)).astype("float32")  # 100,000 activations

layer = keras.layers.Dropout(rate, seed=0)
keras_train = np.asarray(layer(x, training=True))
keras_test = np.asarray(layer(x, training=False))
second_call = np.asarray(layer(x, training=True))

kept = keras_train != 0
print(f"mean of the input:                      {x.mean():.4f}")
print(f"mean after Keras Dropout (training):    {keras_train.mean():.4f}")
print(f"mean after Keras Dropout (inference):   {keras_test.mean():.4f}")
print(f"fraction zeroed:                        {1 - kept.mean():.4f}")
print(
    f"Keras kept values equal x / (1 - rate): {np.allclose(keras_train[kept], x[kept] / (1 - rate))}"
)
print(f"a second training call draws new masks: {not np.array_equal(second_call != 0, kept)}")
print(f"Keras inference output equals x:        {np.array_equal(keras_test, x)}")

# %% [markdown]
# Keras does exactly what the description says: about 40 % of the values become 0, every
# survivor is divided by $1 - 0.4 = 0.6$, the mean stays at the input's mean up to sampling
# noise, and every training call draws a fresh mask. In inference mode (`training=False`, which `predict` and `evaluate` use) the
# output is the input, bit for bit. This answers question 13 more precisely than the
# tutorial: at test time no unit is dropped *and no rescaling is needed*, because the kept
# units were already scaled up during training.
#
# ## 4. How much dropout? A sweep over the rate (questions 15 and 16)
#
# We add two rates to the two networks of section 2: a low one (0.2) and a high one (0.8),
# and keep everything else fixed.

# %%
more_table, more_histories = train_configurations(
    {"dropout 0.2": {"dropout_rate": 0.2}, "dropout 0.8": {"dropout_rate": 0.8}},
    build_moons_network,
    moons,
    **fit_settings,
)
histories.update(more_histories)
sweep = with_accuracy(pd.concat([table, more_table]), histories, moons)
rate_of = {"no dropout": 0.0, "dropout 0.2": 0.2, "dropout 0.5": 0.5, "dropout 0.8": 0.8}
sweep = sweep.rename(index=rate_of).rename_axis("dropout_rate").sort_index()
print(
    sweep[
        ["train_loss", "val_loss", "gap", "best_val_loss", "train_accuracy", "val_accuracy"]
    ].round(3)
)

fig, ax = plt.subplots(figsize=(6.4, 3.8))
ax.plot(sweep.index, sweep["train_loss"], "o-", label="training loss (dropout off)")
ax.plot(sweep.index, sweep["val_loss"], "o--", label="validation loss")
ax.set_xlabel("dropout rate")
ax.set_ylabel("cross-entropy after 30 epochs")
ax.set_title("Too little dropout over-fits, too much under-fits")
ax.legend()
show_figure(
    "Training loss (measured with dropout off) and validation loss after 30 epochs "
    "against the dropout rate: the training loss rises steadily with the rate, the "
    "validation loss falls at first and rises again at the highest rate."
)

# %% [markdown]
# Two trends read off the table. The **training loss rises with the rate** (from 0.2 on; at
# 0.2 it is still that of the network without dropout): each step trains a smaller random
# sub-network, so the network fits the training points less tightly. The **validation loss
# first falls**, because the over-confidence of the unregularized network goes away, **then
# rises again** at 0.8, where the training loss is high too, and the validation accuracy
# drops: that is under-fitting (question 15). The gap stays small at 0.8 (0.077, against
# 0.064 at 0.5) although that model is the worst of the four on the validation set, which is
# why a small gap alone does not mean a good model.
#
# The tutorial's "between 0.2 and 0.5" (question 16) is a habit, not a law. The best rate
# depends on the width of the layer (a wide layer keeps enough units even at a high rate), on
# the amount of data and on the other regularizers in use. Choose it like any
# hyperparameter: a few values on a validation set, as here, or cross-validation when data are
# scarce. Four rates and one seed give one draw of the training noise: to tell 0.2 from 0.5
# apart reliably, repeat the sweep with more rates and several seeds (a few minutes of
# computing).
#
# ## 5. Where does dropout go? (question 14)
#
# The tutorial says dropout belongs in fully connected hidden layers, "not in input or output
# layers". Half of that is right.
#
# **Input layer.** The paper that introduced dropout (Srivastava et al., 2014, *JMLR* 15)
# used input dropout: it kept each input pixel with probability 0.8, a rate of 0.2, and 0.5 in
# hidden layers. That works when inputs are many and redundant, like the 784 pixels of an
# MNIST digit, where a missing pixel is predictable from its neighbours. Our moons have two
# inputs; dropping one removes half of what the network knows about a point:

# %%
input_table, input_histories = train_configurations(
    {"input 0.2 + hidden 0.5": {"dropout_rate": 0.5, "input_dropout_rate": 0.2}},
    build_moons_network,
    moons,
    **fit_settings,
)
where = with_accuracy(input_table, input_histories, moons)
where.loc["hidden 0.5 only"] = sweep.loc[0.5]
print(where[["train_loss", "val_loss", "train_accuracy", "val_accuracy"]].round(3))

# %% [markdown]
# With only two features, input dropout raises the loss on both sets (and the training
# accuracy falls from 0.92 to 0.87): the network under-fits. On images or other wide, redundant inputs a low input rate
# is a reasonable choice.
#
# **Output layer.** Dropout *after* the output of a regressor is harmful, and the loss tells us
# exactly how much. If the output $f$ is kept with probability $1-p$ and scaled to $f/(1-p)$,
# the expected squared error for a target $y$ is
# $y^2 - 2yf + f^2/(1-p)$, smallest at $f = (1 - p)\,y$. So the network learns to predict
# $(1-p)$ times the target, and at test time, with dropout off, every prediction is shrunk by
# that factor. On the tutorial's line with $p = 0.5$:

# %%
output_table, output_histories = train_configurations(
    {"dropout 0.5 after the output": {"output_dropout_rate": 0.5}},
    build_line_network,
    line_data,
    epochs=30,
    batch_size=16,
    validation_freq=30,
)
output_model = output_histories["dropout 0.5 after the output"].model
X_val_scaled = line_data[2]
predictions_scaled = np.asarray(output_model(X_val_scaled, training=False))[:, 0]
slope_scaled = np.polyfit(line_data[3], predictions_scaled, 1)[0]
print(
    f"validation MSE:                              {output_table['val_loss'].iloc[0] * y_std**2:.3f}"
)
print(
    f"(hidden dropout 0.5 above:                   {line_table['val_loss'].iloc[1] * y_std**2:.3f})"
)
print(f"slope of predictions against targets:        {slope_scaled:.3f}  (theory: 1 - p = 0.5)")

# %% [markdown]
# The predictions are about half the size they should be (in standardized units, where the
# best slope is 1), and the validation error is more than five times the noise floor. The
# useful place near the output is *before* the output layer, on the last hidden layer: that
# is hidden dropout. Convolutional layers, not shown here, usually take little or no dropout,
# or a variant that drops whole feature maps (`SpatialDropout2D`).
#
# ## 6. Why training accuracy can read lower than validation accuracy
#
# The numbers Keras prints during `fit` (and stores in `history.history["loss"]` and
# `["accuracy"]`) are measured on the training batches *while dropout is on*, averaged over an
# epoch during which the weights keep changing. The validation numbers are measured at the
# end of the epoch with dropout off. Count, for each rate of the sweep, in how many of the 30
# epochs the training numbers Keras reported looked *worse* than the validation numbers:

# %%
history = histories["dropout 0.8"].history
train_off = histories["dropout 0.8"].model.evaluate(
    make_dataset(moons.X_train, moons.y_train, batch_size=512), verbose=0, return_dict=True
)
for name, rate_value in rate_of.items():
    hist = histories[name].history
    loss_worse = np.sum(np.array(hist["loss"]) > np.array(hist["val_loss"]))
    accuracy_worse = np.sum(np.array(hist["accuracy"]) < np.array(hist["val_accuracy"]))
    print(
        f"dropout {rate_value:.1f}: training loss above validation loss in {loss_worse:2d} epochs, "
        f"training accuracy below validation accuracy in {accuracy_worse:2d} epochs"
    )
print("\ndropout 0.8, last epoch                 loss   accuracy")
print(
    f"training, as Keras reports it (on):   {history['loss'][-1]:.3f}   {history['accuracy'][-1]:.3f}"
)
print(
    f"training, re-evaluated (dropout off): {train_off['loss']:.3f}   {train_off['accuracy']:.3f}"
)
print(
    f"validation (dropout off):             {history['val_loss'][-1]:.3f}   {history['val_accuracy'][-1]:.3f}"
)

# %% [markdown]
# Without dropout the training numbers almost always look better than the validation ones;
# the higher the rate, the more often the handicapped training measurement looks worse.
# Re-evaluated the same way as the validation set, with dropout off, the training set is the
# easier one again. Compare training and validation numbers only when both are measured in
# inference mode, for example with `model.evaluate` after training (the helper
# `train_configurations` does this for its `train_*` columns).
#
# ## 7. Monte Carlo dropout: a rough uncertainty estimate
#
# If we leave dropout *on* at prediction time (`model(x, training=True)`) and predict many
# times, each pass uses a different thinned network. The spread of these predictions
# (Gal and Ghahramani, 2016) shows where the thinned networks disagree. We take the tutorial's
# network with hidden dropout 0.5 from section 1 and predict 300 times on a range three times
# as wide as the training data ($x$ from 0 to 10).

# %%
mc_model = line_histories["dropout 0.5 (tutorial)"].model
x_plot = np.linspace(-10, 20, 61)[:, None]
x_plot_scaled = ((x_plot - x_mean) / x_std).astype("float32")
n_passes = 300
keras.utils.set_random_seed(0)
# One call with the grid repeated 300 times: every row gets its own dropout mask.
stacked = mc_model(np.tile(x_plot_scaled, (n_passes, 1)), training=True)
mc_predictions = np.asarray(stacked).reshape(n_passes, -1) * y_std + y_mean
mc_mean, mc_std = mc_predictions.mean(axis=0), mc_predictions.std(axis=0)
deterministic = np.asarray(mc_model(x_plot_scaled, training=False))[:, 0] * y_std + y_mean

# Textbook standard error of the least-squares line at x, for comparison.
residual_sd = np.std(y_line - least_squares.predict(X_line), ddof=2)
sxx = np.sum((X_line[:, 0] - X_line.mean()) ** 2)
ls_standard_error = residual_sd * np.sqrt(
    1 / len(X_line) + (x_plot[:, 0] - X_line.mean()) ** 2 / sxx
)

print("    x   MC dropout std   least-squares standard error")
for x_value in (-10, 0, 5, 10, 20):
    i = int(np.argmin(np.abs(x_plot[:, 0] - x_value)))
    print(f"{x_value:5d}   {mc_std[i]:14.2f}   {ls_standard_error[i]:28.2f}")
difference_in_standard_errors = np.abs(mc_mean - deterministic) / (mc_std / np.sqrt(n_passes))
print(
    "largest |MC mean - prediction with dropout off|, in standard errors of the MC mean: "
    f"{difference_in_standard_errors.max():.2f}"
)

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.8))
ax.scatter(X_line[:, 0], y_line, s=12, color="0.4", label="training data")
ax.plot(x_plot[:, 0], deterministic, color="C0", label="prediction (dropout off)")
ax.fill_between(
    x_plot[:, 0],
    mc_mean - 2 * mc_std,
    mc_mean + 2 * mc_std,
    color="C1",
    alpha=0.3,
    label="MC dropout: mean ± 2 std",
)
ax.axvspan(0, 10, color="0.9", zorder=0, label="range of the training data")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
show_figure(
    "Monte Carlo dropout on the tutorial's straight-line data: the training points, the "
    "prediction with dropout off, and a shaded band of the spread of repeated predictions"
    " with dropout on, narrowest in the middle of the training data and widening towards "
    "and beyond its edges."
)

# %% [markdown]
# The spread is smallest in the middle of the training data and grows as we move away from
# it, already towards the edges of the data and much more outside them: the thinned networks
# agree where the data pin the line down and disagree when they extrapolate. For a straight
# line we know the right answer: the standard error of the least-squares line has the same
# shape (smallest at the mean of $x$, growing linearly far from it). But the MC spread is two
# and a half to nine times too wide, because its size follows the dropout rate, which we chose to
# regularize, not to calibrate. It also says nothing about the noise in the data (standard
# deviation 2), only about disagreement between sub-networks. Treat MC dropout as a cheap
# warning light for "far from the data", not as a calibrated error bar.
#
# The average of the 300 passes agrees with the single prediction with dropout off, within
# the sampling error of the average. Here that is exact in expectation: the dropout layer
# feeds the linear output layer directly, and section 3 showed that it preserves the mean.
# After further nonlinear layers the dropout-off prediction is only an approximation of the
# average over masks, a good one in practice.
#

# %% [markdown]
# ## Try it: the dropout mask
#
# The figure shows a layer's activations for 6 examples and 12 units, the random keep-mask at
# `rate=0.5` and the output Keras passes on in training: dropped units are 0, kept ones are divided
# by `1 - rate`. In JupyterLab the explorer below has a slider for the rate: the same uniform draws
# are used for every rate, so raising it drops more of the same units, and the kept values grow
# to keep the expected activation unchanged.

# %%
from course_utils.explorer_plots import example_activations, plot_dropout
from course_utils.widgets import dropout_explorer

plot_dropout(example_activations(seed=0), rate=0.5, seed=0)
show_figure(
    "Three heat maps for 6 examples and 12 units: a layer's activations, the random keep-"
    "mask at rate 0.5, and the output in training, where dropped units are zero and kept "
    "ones are scaled up by 1 / (1 - rate)."
)

# %%
dropout_explorer(rate=0.5, seed=0)

# %% [markdown]
# ## Key takeaways
#
# - Dropout zeroes each unit with probability `rate` during training and scales the survivors
#   by $1/(1 - \text{rate})$; the expected activation is unchanged, so at test time nothing is
#   dropped and nothing is rescaled (question 13). Keras's `Dropout` does exactly this, with a
#   fresh mask at every call (exercise 02 has you write it in NumPy).
# - Dropout helps where a network has much more freedom than the data pin down: on 100 moons
#   points it cut the validation loss of a 256-unit network and narrowed the
#   train/validation gap; on the tutorial's straight line it has nothing to remove.
# - The rate is a hyperparameter: too high and the network under-fits (question 15). "0.2 to
#   0.5" is a habit; pick the rate on validation data (question 16).
# - Hidden layers are the usual place (question 14), input dropout with a low rate suits many
#   redundant inputs (the original paper used 0.2 on pixels), and dropout after a regressor's
#   output shrinks every prediction by $1 - \text{rate}$.
# - Keras's training metrics are measured with dropout on; evaluate the training set in
#   inference mode before comparing it with the validation set.
# - Keeping dropout on at prediction time (Monte Carlo dropout) gives a rough, uncalibrated
#   sign of where the model is unsure.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "A Dropout(0.25) layer receives the value 3.0 during training. What can it output?",
            ["0 or 3.0", "0 or 4.0", "0 or 2.25", "always 2.25"],
            answer=1,
            explanation="Inverted dropout keeps a value with probability 0.75 and divides it "
            "by 0.75: 3.0 / 0.75 = 4.0. Otherwise the output is 0.",
        ),
        Question.true_false(
            "At test time, Keras multiplies the outputs of a Dropout layer by (1 - rate).",
            answer=False,
            explanation="The scaling already happened during training (inverted dropout); in "
            "inference mode the layer passes its input through unchanged.",
        ),
        Question(
            "During fit, a network with dropout shows training accuracy 0.88 and validation "
            "accuracy 0.91. What is the most likely reason?",
            [
                "the validation set is easier by chance",
                "the training accuracy is measured with dropout on",
                "the network under-fits and needs a higher dropout rate",
            ],
            answer=1,
            explanation="Keras measures training metrics on the batches while dropout is "
            "active. Evaluate the training set with model.evaluate to compare fairly.",
        ),
        Question(
            "You add Dropout(0.3) after the single output unit of a regression network. "
            "What happens to its predictions?",
            [
                "nothing, dropout is off at test time",
                "they shrink to about 70 % of the right value",
                "they become noisier at test time",
            ],
            answer=1,
            explanation="Minimizing the squared error with the output dropped 30 % of the time "
            "makes the network predict 0.7 times the target; at test time nothing undoes that.",
        ),
    ]
)
