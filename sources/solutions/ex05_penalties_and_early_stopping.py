# %% [markdown]
# # Exercise 05 · Weight penalties and early stopping, by hand
#
# **Topics:** L2 penalty, its gradient (weight decay), Keras regularizers, early stopping, patience, min_delta, restore_best_weights
#
# Keras hides two regularizers behind one argument each: `kernel_regularizer=keras.regularizers.L2(factor)`
# adds a term to the loss, and `keras.callbacks.EarlyStopping(...)` decides when training stops
# and which weights you keep. You write both computations yourself and check them against Keras:
# the penalty and its gradient (tutorial question 9: regularization inside a network), and the
# exact rule of early stopping, including `patience` and `min_delta`.
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
# | Task 1 · `l2_penalty` | 2 |
# | Task 2 · `l2_penalty_gradient` | 2 |
# | Task 3 · `early_stopping_epoch` | 4 |
# | Question 1 (written) | 2 |
# | **Total** | **10** |
#
# Runtime: about 8 s on a laptop (one small network is trained).

# %% nbgrader={"grade": false, "grade_id": "ex05-setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
from course_utils import setup_notebook

rng = setup_notebook(seed=42, keras=True)

import keras
import numpy as np

from course_utils.checks import Case, check_function
from course_utils.data import make_noisy_moons
from course_utils.figures import show_figure
from course_utils.plotting import plot_history
from course_utils.training import make_dataset


# %% [markdown]
# ## Task 1 · The L2 penalty (2 points)
#
# A layer built with `kernel_regularizer=keras.regularizers.L2(factor)` adds
# $\text{factor} \cdot \sum_i w_i^2$ over its kernel's entries to the training loss (no
# $\tfrac12$, no division by the number of samples). Write `l2_penalty(weights, factor)` for a
# **list** of weight arrays (for example the kernels of several layers): the sum of the penalties
# of all arrays, as a Python `float`. Raise a `ValueError` when `factor` is negative.

# %% nbgrader={"grade": false, "grade_id": "ex05-l2-penalty", "locked": false, "schema_version": 3, "solution": true, "task": false}
def l2_penalty(weights, factor):
    """The L2 penalty ``factor * sum(w ** 2)`` summed over a list of weight arrays, as a float."""
    ### BEGIN SOLUTION
    if factor < 0:
        raise ValueError(f"factor must be zero or positive, got {factor}.")
    return float(factor * sum(np.sum(np.square(np.asarray(w, dtype=float))) for w in weights))
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex05-l2-penalty-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
weights_example = [
    np.array([[0.5, -1.0], [2.0, 0.0]]),
    np.array([0.1, -0.2, 0.3]),
]


def keras_l2(weights, factor):
    """What keras.regularizers.L2(factor) adds, summed over the arrays."""
    regularizer = keras.regularizers.L2(factor)
    return sum(float(regularizer(keras.ops.convert_to_tensor(w))) for w in weights)


check_function(
    l2_penalty,
    [
        Case(
            (weights_example, 0.01),
            keras_l2(weights_example, 0.01),
            rtol=1e-5,
            label="two arrays, factor 0.01",
            hint="square every entry of every array, add them all up, multiply by factor",
        ),
        Case(([np.ones((3, 4))], 0.5), 6.0, label="one array of ones"),
        Case((weights_example, 0.0), 0.0, label="factor 0"),
        Case(([], 0.1), 0.0, label="an empty list"),
        Case((weights_example, -0.1), raises=ValueError, label="a negative factor"),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex05-l2-penalty-tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Graded test (2 points): raises AssertionError until l2_penalty is right.
layer_weights = [np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.arange(5.0)]
check_function(
    l2_penalty,
    [Case((layer_weights, 0.003), keras_l2(layer_weights, 0.003), rtol=1e-5, label="vs Keras")],
    strict=True,
)
### BEGIN HIDDEN TESTS
keras.utils.set_random_seed(0)
hidden_model = keras.Sequential(
    [
        keras.Input(shape=(5,)),
        keras.layers.Dense(4, kernel_regularizer=keras.regularizers.L2(0.02)),
        keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(0.02)),
    ]
)
hidden_model(np.zeros((1, 5), dtype="float32"))
hidden_kernels = [layer.kernel.numpy() for layer in hidden_model.layers]
check_function(
    l2_penalty,
    [
        Case(
            (hidden_kernels, 0.02),
            float(sum(float(loss) for loss in hidden_model.losses)),
            rtol=1e-5,
            label="the losses a Keras model adds",
        ),
        Case(([np.array(3.0)], 1.0), 9.0, label="a 0-d array"),
        Case((([1.0, 2.0], [[3.0]]), 2.0), 28.0, label="nested lists in a tuple"),
        Case(([np.ones(4)], -1e-9), raises=ValueError, label="a tiny negative factor"),
    ],
    strict=True,
    quiet=True,
)
assert isinstance(l2_penalty([np.ones(2)], 0.5), float), "l2_penalty must return a Python float"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 · Its gradient: weight decay (2 points)
#
# The gradient of $\text{factor} \cdot \sum_i w_i^2$ with respect to each weight is
# $2 \cdot \text{factor} \cdot w_i$. Write `l2_penalty_gradient(weights, factor)` returning a list
# with one array per weight array, each with the shape of its array. Raise a `ValueError` when
# `factor` is negative.

# %% nbgrader={"grade": false, "grade_id": "ex05-l2-gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def l2_penalty_gradient(weights, factor):
    """Gradient of ``l2_penalty(weights, factor)``: a list of ``2 * factor * w`` arrays."""
    ### BEGIN SOLUTION
    if factor < 0:
        raise ValueError(f"factor must be zero or positive, got {factor}.")
    return [2.0 * factor * np.asarray(w, dtype=float) for w in weights]
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex05-l2-gradient-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
check_function(
    l2_penalty_gradient,
    [
        Case(
            (weights_example, 0.01),
            [2 * 0.01 * w for w in weights_example],
            label="two arrays, factor 0.01",
            hint="differentiate factor * w**2 with respect to w",
        ),
        Case(
            ([np.ones((2, 3))], 0.5),
            [np.ones((2, 3))],
            label="shape kept",
            hint="return a list with one array per input array, same shapes",
        ),
        Case(([], 0.1), [], label="an empty list"),
        Case((weights_example, -0.1), raises=ValueError, label="a negative factor"),
    ],
)


# %% nbgrader={"grade": true, "grade_id": "ex05-l2-gradient-tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Graded test (2 points): raises AssertionError until l2_penalty_gradient is right.
def numerical_gradient(weights, factor, step=1e-6):
    """Central finite differences of the reference penalty, entry by entry."""
    gradients = []
    for index, w in enumerate(weights):
        gradient = np.zeros_like(w, dtype=float)
        for position in np.ndindex(w.shape):
            shifted_up = [np.array(v, dtype=float) for v in weights]
            shifted_down = [np.array(v, dtype=float) for v in weights]
            shifted_up[index][position] += step
            shifted_down[index][position] -= step
            difference = keras_l2(shifted_up, factor) - keras_l2(shifted_down, factor)
            gradient[position] = difference / (2 * step)
        gradients.append(gradient)
    return gradients


small_weights = [np.array([[0.3, -0.7]]), np.array([1.5])]
check_function(
    l2_penalty_gradient,
    [
        Case(
            (small_weights, 0.05),
            numerical_gradient(small_weights, 0.05, step=1e-3),
            atol=1e-4,
            label="finite differences of Keras' own penalty",
        )
    ],
    strict=True,
)
### BEGIN HIDDEN TESTS
hidden_weights = [np.random.default_rng(5).normal(size=(3, 2)), np.array([0.25, -4.0])]
check_function(
    l2_penalty_gradient,
    [
        Case(
            (hidden_weights, 0.1),
            numerical_gradient(hidden_weights, 0.1, step=1e-3),
            atol=1e-3,
            label="finite differences of Keras' penalty",
        ),
        Case(((np.array(2.0),), 0.25), [np.array(1.0)], label="a 0-d array in a tuple"),
        Case(([np.ones(3)], 0.0), [np.zeros(3)], label="factor 0"),
        Case(([np.ones(3)], -0.5), raises=ValueError, label="a negative factor"),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# The gradient explains the other name of the L2 penalty, **weight decay**: one plain gradient
# step with learning rate $\eta$ on the penalty alone multiplies every weight by the same number,
# $w \leftarrow w - \eta \cdot 2\,\text{factor}\, w = (1 - 2\eta\,\text{factor})\,w$. Large and
# small weights shrink by the same fraction; none becomes exactly zero. That is plain gradient
# descent, though: with momentum the penalty's gradient is carried into later steps, and Adam,
# which the network below trains with, divides each weight's gradient by its own running size, so
# there an L2 penalty and decoupled weight decay (`AdamW`) are different regularizers (notebook
# 08, section 5).

# %% tags=["raises-exception"]
learning_rate, factor = 0.1, 0.01
before = weights_example
gradients = l2_penalty_gradient(before, factor)
after = [w - learning_rate * g for w, g in zip(before, gradients, strict=True)]
penalties = l2_penalty(before, factor), l2_penalty(after, factor)
for w_before, w_after in zip(before, after, strict=True):
    print(f"before: {w_before.ravel()}  after: {w_after.ravel()}")
print(f"every weight is multiplied by {1 - 2 * learning_rate * factor:.3f}")
print(f"penalty before {penalties[0]:.6f}, after {penalties[1]:.6f}")


# %% [markdown]
# ## Task 3 · Which epoch does early stopping keep? (4 points)
#
# `keras.callbacks.EarlyStopping(monitor="val_loss", patience=p, min_delta=d,
# restore_best_weights=True)` follows this rule after every epoch (epochs counted from 0):
#
# * the loss of epoch 0 is the first *best*;
# * a later epoch **improves** when its loss is lower than the best by **more than** `min_delta`
#   (`loss + min_delta < best`); it becomes the best and the count of epochs without
#   improvement restarts at 0;
# * otherwise the count goes up by one, and training stops at this epoch once the count
#   reaches `patience`;
# * when training stops, or when the losses run out, the weights of the best epoch are restored.
#
# Write `early_stopping_epoch(val_losses, patience, min_delta=0.0)` returning that best epoch as
# an `int`. Raise a `ValueError` for an empty list, a negative `patience` or a negative
# `min_delta`.

# %% nbgrader={"grade": false, "grade_id": "ex05-early-stopping", "locked": false, "schema_version": 3, "solution": true, "task": false}
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    """The 0-based epoch whose weights EarlyStopping(restore_best_weights=True) keeps."""
    ### BEGIN SOLUTION
    if len(val_losses) == 0:
        raise ValueError("val_losses is empty: there is no epoch to choose.")
    if patience < 0:
        raise ValueError(f"patience must be zero or positive, got {patience}.")
    if min_delta < 0:
        raise ValueError(f"min_delta must be zero or positive, got {min_delta}.")
    best_loss, best_epoch, epochs_without_improvement = None, 0, 0
    for epoch, loss in enumerate(val_losses):
        if best_loss is None or loss + min_delta < best_loss:
            best_loss, best_epoch, epochs_without_improvement = loss, epoch, 0
            continue
        epochs_without_improvement += 1
        if epochs_without_improvement >= patience:
            break
    return int(best_epoch)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex05-early-stopping-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
check_function(
    early_stopping_epoch,
    [
        Case(
            ([1.0, 0.8, 0.6, 0.7, 0.65, 0.9, 0.5], 2),
            2,
            label="patience 2 stops before the late drop",
            hint="training stops at epoch 4, so the 0.5 at epoch 6 is never seen",
        ),
        Case(
            ([1.0, 0.8, 0.6, 0.7, 0.65, 0.9, 0.5], 4),
            6,
            label="patience 4 waits long enough",
        ),
        Case(
            ([1.0, 0.9, 0.95, 0.8], 0),
            1,
            label="patience 0 stops at the first epoch without improvement",
        ),
        Case(
            ([1.0, 0.75, 0.625, 0.5], 3, 0.25),
            2,
            label="min_delta 0.25: epochs 1 and 3 do not improve enough",
            hint="an epoch improves only when loss + min_delta < best",
        ),
        Case(([0.5, 0.5, 0.5], 5), 0, label="equal losses are no improvement"),
        Case(([0.7], 3), 0, label="a single epoch"),
        Case(([], 3), raises=ValueError, label="no epochs"),
        Case(([1.0, 0.9], -1), raises=ValueError, label="a negative patience"),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex05-early-stopping-tests", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
# Graded test (4 points): raises AssertionError until early_stopping_epoch is right.
check_function(
    early_stopping_epoch,
    [
        Case(([2.0, 1.5, 1.25, 1.5, 1.0, 1.75, 1.875, 2.0], 2), 4, label="patience 2"),
        Case(([2.0, 1.5, 1.25, 1.5, 1.0, 1.75, 1.875, 2.0], 2, 0.5), 2, label="min_delta 0.5"),
    ],
    strict=True,
)
### BEGIN HIDDEN TESTS
stopping_model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])


def keras_best_epoch(val_losses, patience, min_delta=0.0):
    """Drive the real Keras callback through a list of losses (no training needed)."""
    callback = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, min_delta=min_delta, restore_best_weights=True
    )
    callback.set_model(stopping_model)
    stopping_model.stop_training = False
    callback.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if stopping_model.stop_training:
            break
    return int(callback.best_epoch)


hidden_rng = np.random.default_rng(2024)
hidden_cases = []
for _ in range(25):
    # Multiples of 1/64 are exact in float32, so Keras and Python compare the same numbers.
    losses = (hidden_rng.integers(0, 64, size=int(hidden_rng.integers(1, 16))) / 64).tolist()
    patience = int(hidden_rng.integers(0, 5))
    min_delta = float(hidden_rng.choice([0.0, 1 / 32, 1 / 8]))
    hidden_cases.append(
        Case(
            (losses, patience, min_delta),
            keras_best_epoch(losses, patience, min_delta),
            compare="equal",
            label=f"random losses, patience {patience}, min_delta {min_delta}",
        )
    )
hidden_cases += [
    Case(((0.5, 0.25, 0.125), 0), 2, compare="equal", label="a tuple, always improving"),
    Case((np.array([0.5, 0.75, 0.25]), 1), 0, compare="equal", label="an array, patience 1"),
    Case(([1.0, 0.9], 1, -0.1), raises=ValueError, label="a negative min_delta"),
]
check_function(early_stopping_epoch, hidden_cases, strict=True, quiet=True)
assert type(early_stopping_epoch([0.5, 0.25], 1)) is int, "return a Python int"
### END HIDDEN TESTS

# %% [markdown]
# ## Your functions against a real training run
#
# A small network with an L2 penalty on both hidden layers trains on 100 noisy two-moons points
# with early stopping (`patience=20`); the plot shows its loss curves.

# %%
moons = make_noisy_moons(100, 300, 300, noise=0.3, seed=42)
penalty_factor = 1e-3
keras.utils.set_random_seed(42)
model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(
            64, activation="relu", kernel_regularizer=keras.regularizers.L2(penalty_factor)
        ),
        keras.layers.Dense(
            64, activation="relu", kernel_regularizer=keras.regularizers.L2(penalty_factor)
        ),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy")
# Adam's variables created now rather than inside the first training step, so that TensorFlow
# traces that step once instead of twice (a start-up cost only; the same numbers)
model.optimizer.build(model.trainable_variables)
stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)
# make_dataset: the arrays as tf.data pipelines, which Keras trains from several times faster
# than from NumPy arrays (one batch of all 100 points: full-batch steps, nothing to shuffle).
history = model.fit(
    make_dataset(moons.X_train, moons.y_train, batch_size=100),
    validation_data=make_dataset(moons.X_val, moons.y_val, batch_size=300),
    epochs=300,
    callbacks=[stopper],
    shuffle=False,  # a dataset is not shuffled by fit (and one batch needs no shuffling)
    verbose=0,
)
ax = plot_history(history, metric="loss")
ax.set_title("Early stopping keeps the epoch with the lowest validation loss")
show_figure(
    "Training and validation loss against epoch for the small network with an L2 penalty"
    " trained with early stopping on the noisy two moons: the training loss keeps falling,"
    " the validation loss falls to a minimum and the run stops some epochs after it."
)

# %% [markdown]
# The next cell compares the callback's choice with your `early_stopping_epoch` on the recorded
# validation losses, and your `l2_penalty` of the trained kernels with the penalty Keras adds to
# the loss (`model.losses`). Because training is deterministic, the recorded losses also tell
# which epoch other settings would have kept: a run with a smaller `patience` would have recorded
# the same losses up to the point where it stopped. The cell raises `NotImplementedError` until
# your functions exist.

# %% tags=["raises-exception"]
val_losses = history.history["val_loss"]
best = stopper.best_epoch
kernels = [layer.kernel.numpy() for layer in model.layers[:2]]
keras_penalty = sum(float(loss) for loss in model.losses)
rows = [
    f"training ran {len(val_losses)} epochs (of at most 300)",
    f"Keras restored the weights of epoch {best} (epoch {best + 1} on the plot, which counts from 1)",
    f"early_stopping_epoch says epoch      {early_stopping_epoch(val_losses, patience=20)}",
    f"validation loss at epoch {best}: {val_losses[best]:.4f}, at the last epoch: {val_losses[-1]:.4f}",
]
for patience, min_delta in [(5, 0.0), (10, 0.0), (20, 0.0), (20, 0.01)]:
    kept = early_stopping_epoch(val_losses, patience, min_delta)
    rows.append(
        f"patience {patience:>2}, min_delta {min_delta:<4}: keeps epoch {kept:>2}, "
        f"validation loss {val_losses[kept]:.4f}"
    )
rows.append(f"Keras' penalty term (model.losses): {keras_penalty:.6f}")
rows.append(f"l2_penalty of the two kernels:      {l2_penalty(kernels, penalty_factor):.6f}")
print("\n".join(rows))

# %% [markdown]
# ## Question 1 (2 points)
#
# In the run above, how many epochs did training last after the epoch whose weights were kept,
# and why? What would you lose with `restore_best_weights=False`? Finally, what does a larger
# `min_delta` change on a noisy, slowly decreasing validation curve, and how would you choose
# `patience` there? Answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "ex05-q1-answer", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# Training ran 79 epochs (0 to 78), that is 20 epochs after epoch 58, exactly `patience`: none of
# those 20 epochs brought the validation loss below its best, 0.2998, so the callback stopped.
# With `restore_best_weights=False` the model would keep the weights of the last epoch (validation
# loss 0.3014). Here that costs little because the curve is flat after its minimum; on a curve that
# rises after its minimum, the last weights are worse by all the over-fitting of the extra epochs.
#
# A larger `min_delta` ignores small improvements: with `min_delta=0.01` the callback keeps epoch
# 56 (0.3018), not the lowest loss, and on a slowly decreasing curve it stops sooner. `patience`
# must outlast the bumps of a noisy curve: with `patience=5` training stops in the bump after
# epoch 8 and keeps a validation loss of 0.4031, while `patience=10` already waits long enough to
# reach 0.2998. Choose `patience` longer than the longest bump you expect, at the price of that
# many extra epochs of compute.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
#
# * `keras.regularizers.L2(factor)` adds exactly `factor * sum(w**2)` per kernel to the loss; its
#   gradient is `2 * factor * w`. Under plain gradient descent (no momentum) that shrinks every
#   weight by the same fraction at each step, weight decay with `weight_decay = 2 * factor`, and
#   no weight becomes exactly zero (tutorial question 9); under Adam, as in the network above,
#   the penalty's gradient is rescaled weight by weight and weight decay is a different thing
#   (notebook 08).
# * Early stopping keeps the epoch with the lowest validation loss *seen before it stopped*:
#   `patience` decides how long it waits for a new best, `min_delta` how much better a new best must
#   be. Without `restore_best_weights=True` you keep the last, worse, weights.
# * `patience` trades compute for safety: too small a value can stop in a bump of a noisy
#   validation curve, a larger one costs that many more epochs (questions 5 and 20).
