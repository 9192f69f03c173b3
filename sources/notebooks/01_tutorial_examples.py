# %% [markdown]
# # 01 · The tutorial's three examples, run and read honestly
#
# **Topics:** the tutorial's Ridge, Lasso and dropout examples with their exact settings; reading the numbers; why the dropout network fails and what fixes it
#
# The seed tutorial of this course shows three short examples: a Ridge regression (`alpha=1.0`), a
# Lasso regression (`alpha=0.1`) and a small Keras network with dropout. It prints their errors as
# "(some value)". This notebook runs all three with the same models and settings, seeded, so the
# numbers are real, and then asks what the numbers say.
#
# The data is the tutorial's: 100 points with $x$ uniform on $[0, 10)$ and
# $y = 3x + 2 + \varepsilon$, $\varepsilon \sim \mathcal{N}(0, 2^2)$, split 80/20 with
# `random_state=42`. Because we know the noise, we know the best any model can do on fresh data:
# a mean squared error (MSE) of $2^2 = 4$.
#
# Answers tutorial questions 4, 8, 9 and 13 in part; later notebooks go deeper.
# Runtime: about 15 s on a 2-core laptop (most of it is importing TensorFlow).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/01_tutorial_examples.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/01_tutorial_examples.ipynb)

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
import numpy as np
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.data import TUTORIAL_NOISE_SD, make_tutorial_linear
from course_utils.figures import show_figure
from course_utils.plotting import plot_data_and_fit, plot_history
from course_utils.training import make_dataset

# %%
X, y = make_tutorial_linear(n_samples=100, seed=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
noise_floor = TUTORIAL_NOISE_SD**2
print(
    f"train: {X_train.shape}, test: {X_test.shape}, best achievable test MSE ~ {noise_floor:.1f}"
)

# %% [markdown]
# ## Example 1: Ridge (L2) with `alpha=1.0`
#
# We fit the tutorial's Ridge model and, next to it, an ordinary least-squares fit with no penalty
# at all. If the penalty mattered here, the two would differ.

# %%
ridge = Ridge(alpha=1.0).fit(X_train, y_train)
ols = LinearRegression().fit(X_train, y_train)

for name, model in [("Ridge(alpha=1.0)", ridge), ("LinearRegression", ols)]:
    test_mse = mean_squared_error(y_test, model.predict(X_test))
    print(
        f"{name:17s} slope {model.coef_[0]:.4f}  intercept {model.intercept_:.4f}  "
        f"test MSE {test_mse:.3f}"
    )

# %%
ax = plot_data_and_fit(X_train, y_train, ridge, label="Ridge(alpha=1.0)")
ax.plot([0, 10], [2, 32], "k:", label="true line y = 3x + 2")
ax.set_title("Tutorial example 1: one feature, 80 training points")
ax.legend()
show_figure(
    "Scatter of the 80 training points of the tutorial's first example with the fitted "
    "Ridge line and the true line y = 3x + 2 dotted: the two lines lie almost on top of "
    "each other."
)

# %% [markdown]
# **Reading the numbers.** The test MSE is close to the noise floor of 4, and Ridge's slope differs
# from the unpenalized slope by about 0.005. Why so little: with one feature, Ridge multiplies
# the least-squares slope by $S / (S + \alpha)$, where $S = \sum_i (x_i - \bar x)^2$ is summed
# over the 80 training points and runs to several hundred here (notebook 03 computes it), so
# $\alpha = 1$ is a fraction of a percent of it. A single, clearly useful feature and 80 points
# leave nothing to over-fit, so there is nothing for regularization to fix. The example shows how
# to *call* Ridge, not what regularization *does*; notebooks 02 and 03 build data where it matters.
#
# ## Example 2: Lasso (L1) with `alpha=0.1`

# %%
lasso = Lasso(alpha=0.1).fit(X_train, y_train)
lasso_mse = mean_squared_error(y_test, lasso.predict(X_test))
print(f"Lasso(alpha=0.1)  slope {lasso.coef_[0]:.4f}  test MSE {lasso_mse:.3f}")
print(f"coefficients set to zero: {int(np.sum(lasso.coef_ == 0))} of {lasso.coef_.size}")


# %% [markdown]
# The tutorial says Lasso "performs feature selection". With one informative feature there is
# nothing to select: the coefficient stays far from zero and the error matches the other two
# models. Lasso zeroes a coefficient only when the feature's fit to what the other features
# leave unexplained, $|x_j^\top r| / n$, is at most alpha; notebook 04 shows this on data with
# many useless features.
#
# ## Example 3: the dropout network, exactly as in the tutorial
#
# Same architecture and training settings as the tutorial: `Dense(64, relu) -> Dropout(0.5) ->
# Dense(1)`, Adam, MSE loss, 10 epochs, batch size 10, 20 % of the training set held out for
# validation. One change of form, none of substance: Keras 3 declares the input with
# `keras.Input(shape=...)`; passing `input_shape=` to `Dense`, as the tutorial does, triggers a
# warning (notebook 10 shows it).
#
# The tutorial says this layer "sets a fraction of input units to 0" and that "50% of the nodes
# in the hidden layer" are dropped. More precisely: a `Dropout` layer acts on *its own* inputs,
# which here are the 64 outputs of the hidden `Dense` layer, not the network's input feature;
# during training it zeroes each of them independently with probability 0.5, with a fresh random
# draw for every example at every step (so about half of them, different ones each time, not a
# fixed half); it multiplies the ones it keeps by $1/(1 - 0.5) = 2$, so that their expected value
# is unchanged; and at prediction time it does nothing at all. Notebook 07 measures each of these
# properties on Keras's layer.

# %%
def build_tutorial_network(dropout_rate=0.5, optimizer="adam", steps_per_execution=1):
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dropout(dropout_rate),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizer, loss="mse", steps_per_execution=steps_per_execution)
    # Adam's variables created now rather than inside the first training step, so that
    # TensorFlow traces that step once instead of twice (a start-up cost only)
    model.optimizer.build(model.trainable_variables)
    return model


keras.utils.set_random_seed(42)
tutorial_net = build_tutorial_network(dropout_rate=0.5)
history = tutorial_net.fit(
    X_train, y_train, epochs=10, batch_size=10, validation_split=0.2, verbose=0
)
print(f"validation MSE after 10 epochs: {history.history['val_loss'][-1]:.1f}")
print(f"variance of y_train (MSE of always predicting the mean): {y_train.var():.1f}")

# %% [markdown]
# **Reading the numbers.** A validation MSE of several hundred is far *worse* than predicting the
# average of `y` for every input. The network has not over-fitted; it has barely started learning.
# Three reasons, none of them about dropout:
#
# 1. **Too few updates.** 64 training rows in batches of 10 give 7 gradient steps per epoch, so 70
#    steps in all, at Adam's default learning rate of 0.001. The weights start small (Keras's
#    default Glorot-uniform initialization, zero biases) and need to reach values that produce
#    outputs of 2 to 32.
# 2. **Unscaled target.** The targets are in the tens, the network's initial outputs near zero:
#    the first job is simply to learn the scale.
# 3. **A linear, one-feature problem.** A straight line has two parameters; the network has 193.
#    There is no over-fitting to prevent, so dropout can only add noise.
#
# Does dropout cause the failure? Train the same network without it:

# %%
keras.utils.set_random_seed(42)
no_dropout_net = build_tutorial_network(dropout_rate=0.0)
history_no_dropout = no_dropout_net.fit(
    X_train, y_train, epochs=10, batch_size=10, validation_split=0.2, verbose=0
)
print(
    f"validation MSE after 10 epochs, no dropout: {history_no_dropout.history['val_loss'][-1]:.1f}"
)

# %% [markdown]
# Without dropout the result is just as poor: the training budget, not the regularizer, is the
# problem.
#
# ## The fix: scale, then give the optimizer enough steps
#
# We standardize $x$ and $y$ with statistics of the training rows only, raise the learning rate
# to 0.01 and train for 50 epochs. Predictions are transformed back to the original units before
# computing errors, so the numbers compare directly with the ones above.
#
# The validation rows stay the same: `validation_split=0.2` holds out the *last* 16 of the 80
# training rows, and so do we. But the rows now reach `fit` as a `tf.data` pipeline
# (`make_dataset`, shuffled anew at every epoch with a fixed seed) instead of NumPy arrays:
# for a network this small Keras spends more time cutting arrays into batches than computing,
# and the pipeline trains the same network several times faster (notebook 07 says more).

# %%
x_scaler = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()
X_train_s, X_test_s = x_scaler.transform(X_train), x_scaler.transform(X_test)
y_train_s = (y_train - y_mean) / y_std


n_fit = int(0.8 * len(X_train_s))  # the 64 rows that validation_split=0.2 trains on


def train_scaled(dropout_rate):
    keras.utils.set_random_seed(42)
    model = build_tutorial_network(
        dropout_rate,
        keras.optimizers.Adam(learning_rate=0.01),
        # up to 64 batches (here a whole epoch) per call into TensorFlow instead of one: the
        # same numbers; it pays for these 50 epochs, not for the 10 short ones above
        steps_per_execution=64,
    )
    history = model.fit(
        make_dataset(X_train_s[:n_fit], y_train_s[:n_fit], batch_size=10, shuffle_seed=42),
        validation_data=make_dataset(X_train_s[n_fit:], y_train_s[n_fit:], batch_size=16),
        epochs=50,
        shuffle=False,  # the dataset shuffles
        verbose=0,
    )
    # training=False: the network as it predicts, dropout off (what model.predict does)
    predictions = np.asarray(model(X_test_s, training=False))[:, 0] * y_std + y_mean
    return model, history, mean_squared_error(y_test, predictions)


results = {}
for dropout_rate in (0.5, 0.0):
    model, hist, test_mse = train_scaled(dropout_rate)
    results[dropout_rate] = (model, hist, test_mse)
    val_mse = hist.history["val_loss"][-1] * y_std**2
    print(
        f"dropout {dropout_rate:.1f}: validation MSE {val_mse:.2f}  test MSE {test_mse:.3f}  "
        f"(noise floor {noise_floor:.0f}, least squares {mean_squared_error(y_test, ols.predict(X_test)):.3f})"
    )

# %%
ax = plot_history(results[0.5][1], label="dropout 0.5")
plot_history(results[0.0][1], label="no dropout", ax=ax)
ax.set_ylabel("MSE (standardized units)")
ax.set_title("Scaled data, learning rate 0.01")
show_figure(
    "Training and validation loss against epoch on the scaled data, for the network with "
    "dropout 0.5 and without dropout: both fall quickly to a low level within a few dozen"
    " epochs, the dropout training curve noisier."
)

# %% [markdown]
# With scaled data the network gets close to the noise floor within a few dozen epochs, with or
# without dropout. Dropout makes the training curve noisier and does not help on the test set: a problem
# with one input and a straight-line answer has no spare capacity to regularize. Read the small
# differences with care: the test set holds 20 points and the validation split 16, so test MSEs
# that differ by less than about 1 are within sampling noise (a test MSE below the noise floor of
# 4 is luck of the draw, not a model beating the noise). Larger held-out sets or cross-validation
# (notebook 06) give steadier numbers.
#
# ## Key takeaways
#
# - Run the tutorial's code and the numbers tell a different story from its prose: Ridge with
#   `alpha=1.0` and Lasso with `alpha=0.1` change nothing on one informative feature, and the
#   dropout network's validation MSE of several hundred is an under-fit, not a success.
# - Compare every regularized model with an unregularized baseline and with the best achievable
#   error; without them a single MSE means little.
# - Before reaching for dropout or a penalty, make sure the model can fit at all: scale inputs and
#   targets, and train long enough (questions 8 and 20: regularizing a network that has not yet
#   learned to fit its training data cannot help it).
# - Regularization is not only "a penalty added to the loss", as the tutorial defines it: dropout,
#   early stopping and data augmentation add no penalty, and they regularize too (notebooks 07 and
#   09).
# - Dropout is switched off at prediction time (question 13): the test predictions above call
#   the network with `training=False`, as `model.predict` does, and so run it without dropout.
#   Notebook 07 shows how and why.
# - Regularization pays off when a model has more freedom than the data can pin down: many
#   features, few samples, or a flexible model. Notebooks 02-09 build exactly those cases.
