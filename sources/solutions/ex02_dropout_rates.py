# %% [markdown]
# # Exercise 02 · Dropout rates
#
# **Topics:** inverted dropout from scratch, dropout masks, rescaling by 1/(1 - rate), dropout rate experiment, under-fitting from too much dropout
#
# The tutorial's second practice exercise: experiment with different dropout rates and see how
# they affect performance. First you write dropout itself in NumPy, the way Keras' `Dropout`
# layer applies it during training, so that you know exactly what the rate means (tutorial
# questions 4 and 13). Then you train the same small network on handwritten digits with several
# rates and compare training and validation accuracy (questions 15 and 16).
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
# | Task 1 · `inverted_dropout` | 3 |
# | Task 2 · `dropout_rate_experiment` | 3 |
# | Question 1 (written) | 2 |
# | **Total** | **8** |
#
# Runtime: about 15 s on a 2-core laptop (a few tiny networks for the checks, four small ones
# for the experiment).

# %% nbgrader={"grade": false, "grade_id": "ex02-setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
from course_utils import setup_notebook

rng = setup_notebook(seed=42, keras=True)

import keras
import matplotlib.pyplot as plt
import numpy as np

from course_utils.checks import Case, check_function, describe_mismatch
from course_utils.data import load_digits_split
from course_utils.figures import show_figure
from course_utils.training import make_dataset


# %% [markdown]
# ## Task 1 · Inverted dropout (3 points)
#
# During training, a dropout layer with rate $p$ sets each activation to 0 with probability $p$,
# independently, and multiplies the activations it keeps by $1/(1-p)$. The rescaling keeps the
# expected value of every activation unchanged, so at test time the layer can simply pass its
# input through (this is *inverted* dropout, what Keras does).
#
# Write `inverted_dropout(activations, rate, rng)` returning `(output, mask)`:
#
# * `mask` has the shape of `activations` and holds `1.0` for kept and `0.0` for dropped units;
#   draw it with the NumPy generator `rng` (for example `rng.random(shape) >= rate`), never with
#   `np.random.*` directly, so that the same seed gives the same mask;
# * `output = activations * mask / (1 - rate)`;
# * raise a `ValueError` unless `0 <= rate < 1` (a rate of 1 would drop everything and divide by 0).

# %% nbgrader={"grade": false, "grade_id": "ex02-dropout", "locked": false, "schema_version": 3, "solution": true, "task": false}
def inverted_dropout(activations, rate, rng):
    """Apply inverted dropout with the given rate; return ``(output, mask)``."""
    ### BEGIN SOLUTION
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be at least 0 and below 1, got {rate}.")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, such as np.random.default_rng(0).")
    activations = np.asarray(activations, dtype=float)
    mask = (rng.random(activations.shape) >= rate).astype(float)
    return activations * mask / (1.0 - rate), mask
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex02-dropout-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
def dropout_properties(activations, rate, max_gap=None):
    """A compare function: shapes, a 0/1 mask, kept units scaled by 1 / (1 - rate).

    With ``max_gap``, the fraction of dropped units must also be within ``max_gap`` of ``rate``.
    """
    activations = np.asarray(activations, dtype=float)

    def compare(got, expected):
        if not isinstance(got, tuple) or len(got) != 2:
            return "return a tuple (output, mask)"
        output, mask = np.asarray(got[0]), np.asarray(got[1])
        if output.shape != activations.shape or mask.shape != activations.shape:
            return (
                f"output and mask must have shape {activations.shape}, "
                f"got {output.shape} and {mask.shape}"
            )
        if not np.isin(mask, (0.0, 1.0)).all():
            return "the mask must hold only 0.0 and 1.0"
        if not np.allclose(output, activations * mask / (1.0 - rate)):
            return "output must equal activations * mask / (1 - rate)"
        dropped = 1.0 - mask.mean()
        if max_gap is not None and abs(dropped - rate) > max_gap:
            return f"{dropped:.1%} of the units were dropped, expected about {rate:.0%}"
        return True

    return compare


def same_mask_for_same_seed(got, expected):
    """Call inverted_dropout again with an identical generator: the mask must not change."""
    again = inverted_dropout(np.ones((6, 8)), 0.5, np.random.default_rng(7))[1]
    other = inverted_dropout(np.ones((6, 8)), 0.5, np.random.default_rng(8))[1]
    if not np.array_equal(np.asarray(got[1]), np.asarray(again)):
        return "two generators with the same seed gave different masks: draw only from rng"
    if np.array_equal(np.asarray(again), np.asarray(other)):
        return "different seeds gave the same mask: draw the mask from rng"
    return True


example = np.arange(1.0, 21.0).reshape(4, 5)
check_function(
    inverted_dropout,
    [
        Case(
            (example, 0.5, np.random.default_rng(0)),
            compare=dropout_properties(example, 0.5),
            label="shapes, a 0/1 mask, kept units doubled",
            hint="mask = (rng.random(shape) >= rate) as floats; output = activations * mask / (1 - rate)",
        ),
        Case(
            (example, 0.0, np.random.default_rng(0)),
            (example, np.ones((4, 5))),
            check_dtype=False,
            label="rate 0 keeps everything unchanged",
        ),
        Case(
            (np.ones((100, 100)), 0.3, np.random.default_rng(1)),
            compare=dropout_properties(np.ones((100, 100)), 0.3, max_gap=0.02),
            label="about 30 % dropped out of 10,000 units",
            hint="a unit is dropped with probability rate",
        ),
        Case(
            (np.ones((6, 8)), 0.5, np.random.default_rng(7)),
            compare=same_mask_for_same_seed,
            label="the generator decides the mask",
            hint="use rng.random(...), not np.random.random(...)",
        ),
        Case((example, 1.0, np.random.default_rng(0)), raises=ValueError, label="rate 1"),
        Case((example, -0.1, np.random.default_rng(0)), raises=ValueError, label="rate -0.1"),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex02-dropout-tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Graded test (3 points): raises AssertionError until inverted_dropout is right.
graded_activations = np.linspace(-2.0, 2.0, 60).reshape(12, 5)
check_function(
    inverted_dropout,
    [
        Case(
            (graded_activations, 0.2, np.random.default_rng(3)),
            compare=dropout_properties(graded_activations, 0.2),
            label="rate 0.2",
        )
    ],
    strict=True,
)
### BEGIN HIDDEN TESTS
cube = np.random.default_rng(11).normal(size=(20, 30, 40))
keras_output = keras.layers.Dropout(0.25, seed=1)(
    np.ones((50, 40), dtype="float32"), training=True
)
keras_kept_values = np.unique(np.asarray(keras_output)[np.asarray(keras_output) != 0])
check_function(
    inverted_dropout,
    [
        Case(
            (cube, 0.9, np.random.default_rng(5)),
            compare=dropout_properties(cube, 0.9, max_gap=0.01),
            label="a 3-D array, rate 0.9",
        ),
        Case(
            (np.ones((1, 4000)), 0.5, np.random.default_rng(6)),
            compare=dropout_properties(np.ones((1, 4000)), 0.5, max_gap=0.03),
            label="a single sample",
        ),
        Case(
            ([[1.0, 2.0], [3.0, 4.0]], 0.4, np.random.default_rng(2)),
            compare=dropout_properties([[1.0, 2.0], [3.0, 4.0]], 0.4),
            label="a nested list",
        ),
        Case(
            (np.ones((50, 40)), 0.25, np.random.default_rng(4)),
            compare=lambda got, expected: np.allclose(
                np.unique(np.asarray(got[0])[np.asarray(got[0]) != 0]), keras_kept_values
            ),
            label="kept units scaled exactly as keras.layers.Dropout scales them",
        ),
        Case((cube, 1.5, np.random.default_rng(0)), raises=ValueError, label="rate 1.5"),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# Why the rescaling? The cell below drops units from the same activations 2,000 times: the average
# output matches the input for every rate, so the next layer sees inputs of the same size during
# training and at test time, when dropout is off. It raises `NotImplementedError` until
# `inverted_dropout` is written.

# %% tags=["raises-exception"]
activations_demo = np.array([0.5, 1.0, 2.0, 4.0])
rows = [f"input:            {activations_demo}"]
for rate in (0.2, 0.5, 0.8):
    demo_rng = np.random.default_rng(0)
    outputs = np.array(
        [inverted_dropout(activations_demo, rate, demo_rng)[0] for _ in range(2000)]
    )
    rows.append(
        f"rate {rate}: mean output {outputs.mean(axis=0).round(2)}, "
        f"fraction of units kept {(outputs != 0).mean():.2f}"
    )
print("\n".join(rows))


# %% [markdown]
# ## Task 2 · The dropout rate experiment (3 points)
#
# Write `dropout_rate_experiment(rates, X_train, y_train, X_val, y_val, epochs, seed)`. For each
# rate, in the given order:
#
# 1. call `keras.utils.set_random_seed(seed)`, then build
#    `keras.Sequential([keras.Input(shape=(n_features,)), Dense(128, relu), Dropout(rate),
#    Dense(128, relu), Dropout(rate), Dense(n_classes, softmax)])` where `n_classes` is
#    `int(y_train.max()) + 1`;
# 2. compile with `optimizer="adam"`, `loss="sparse_categorical_crossentropy"`,
#    `metrics=["accuracy"]`, then call `model.optimizer.build(model.trainable_variables)`:
#    Adam's variables exist from then on, so TensorFlow traces the training step once instead
#    of twice (a start-up cost only, the numbers do not change);
# 3. `fit` for `epochs` epochs on `make_dataset(X_train, y_train, batch_size=32,
#    shuffle_seed=seed)` with `shuffle=False` and `verbose=0`. `make_dataset` (from
#    `course_utils.training`) turns the arrays into a `tf.data` pipeline that reshuffles the
#    training set at every epoch, the same orders on every run; Keras trains a network this small
#    several times faster from it than from the arrays. No validation during training: only the
#    final accuracies are needed;
# 4. record the **final** accuracies as Python floats, both from `model.evaluate` after training:
#    `"train_accuracy"` on `make_dataset(X_train, y_train, batch_size=512)`, `"val_accuracy"` on
#    `make_dataset(X_val, y_val, batch_size=512)` (with `verbose=0`; the accuracy in the training
#    history is measured *with* dropout active, which would penalize high rates unfairly).
#
# Return a dict mapping each rate, as a `float`, to
# `{"train_accuracy": ..., "val_accuracy": ...}`.

# %% nbgrader={"grade": false, "grade_id": "ex02-experiment", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dropout_rate_experiment(rates, X_train, y_train, X_val, y_val, epochs, seed):
    """Final train and validation accuracy of the same small MLP for each dropout rate."""
    ### BEGIN SOLUTION
    n_features = X_train.shape[1]
    n_classes = int(np.max(y_train)) + 1
    results = {}
    for rate in rates:
        keras.utils.set_random_seed(seed)
        model = keras.Sequential(
            [
                keras.Input(shape=(n_features,)),
                keras.layers.Dense(128, activation="relu"),
                keras.layers.Dropout(rate),
                keras.layers.Dense(128, activation="relu"),
                keras.layers.Dropout(rate),
                keras.layers.Dense(n_classes, activation="softmax"),
            ]
        )
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        model.optimizer.build(model.trainable_variables)  # traced once, not twice
        model.fit(
            make_dataset(X_train, y_train, batch_size=32, shuffle_seed=seed),
            epochs=epochs,
            shuffle=False,  # the dataset reshuffles at every epoch
            verbose=0,
        )
        _, train_accuracy = model.evaluate(
            make_dataset(X_train, y_train, batch_size=512), verbose=0
        )
        _, val_accuracy = model.evaluate(make_dataset(X_val, y_val, batch_size=512), verbose=0)
        results[float(rate)] = {
            "train_accuracy": float(train_accuracy),
            "val_accuracy": float(val_accuracy),
        }
    return results
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex02-experiment-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
digits = load_digits_split(n_train=150, n_val=300, n_test=300, seed=42)
tiny = (digits.X_train[:64], digits.y_train[:64], digits.X_val[:64], digits.y_val[:64])


def experiment_structure(rates):
    """A compare function: one entry per rate (as a float), two accuracies in [0, 1] each."""

    def compare(got, expected):
        if not isinstance(got, dict):
            return f"return a dict, got {type(got).__name__}"
        if list(got) != [float(r) for r in rates]:
            return f"expected the keys {[float(r) for r in rates]}, got {list(got)}"
        for rate, values in got.items():
            if not isinstance(values, dict) or set(values) != {"train_accuracy", "val_accuracy"}:
                return f"got[{rate}] must be a dict with keys 'train_accuracy' and 'val_accuracy'"
            for key, value in values.items():
                if type(value) is not float or not 0.0 <= value <= 1.0:
                    return f"got[{rate}][{key!r}] must be a float between 0 and 1, got {value!r}"
        return True

    return compare


check_function(
    dropout_rate_experiment,
    [
        Case(
            ((0.5,), *tiny, 1, 0),
            compare=experiment_structure((0.5,)),
            label="one rate, 64 samples, 1 epoch: the shape of the result",
            hint="keys are the rates as floats; values are dicts with two float accuracies",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex02-experiment-tests", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Graded test (3 points): raises AssertionError until dropout_rate_experiment is right.
check_function(
    dropout_rate_experiment,
    [
        Case(
            ([0.0, 0.5], *tiny, 3, 1),
            # The specified network on the 64 `tiny` images, 3 epochs, seed 1. Accuracies on 64
            # images are multiples of 1/64; atol allows one image of difference.
            {
                0.0: {"train_accuracy": 16 / 64, "val_accuracy": 9 / 64},
                0.5: {"train_accuracy": 13 / 64, "val_accuracy": 9 / 64},
            },
            atol=0.016,
            label="two rates: the values of the specified experiment",
        )
    ],
    strict=True,
)


### BEGIN HIDDEN TESTS
check_function(
    dropout_rate_experiment,
    [
        Case(
            ([0], *tiny, 3, 5),
            # The reference solution on the same 64 images, 3 epochs, seed 5 (another seed than
            # above), with the integer rate 0 (its key must be the float 0.0).
            {0.0: {"train_accuracy": 26 / 64, "val_accuracy": 16 / 64}},
            compare=lambda got, expected: (
                "the keys must be the rates as floats (float(rate))"
                if not isinstance(got, dict) or any(type(key) is not float for key in got)
                else describe_mismatch(got, expected, atol=0.016) or True
            ),
            label="the specified network, another seed, an integer rate",
        ),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# ## The experiment
#
# 150 training images of handwritten digits (8 x 8 pixels) are few enough for the network to
# learn them by heart; 300 validation images measure how well it generalizes. The cell trains it
# for 40 epochs with four dropout rates and plots the final accuracies. It raises
# `NotImplementedError` until your function is written. Dropout slows down fitting the training
# set, so a longer training budget would change the numbers, most for the high rates; what you
# see is the ranking for 40 epochs.

# %% tags=["raises-exception"]
rates = (0.0, 0.2, 0.5, 0.8)
results = dropout_rate_experiment(
    rates, digits.X_train, digits.y_train, digits.X_val, digits.y_val, epochs=40, seed=42
)
print("rate  train accuracy  validation accuracy  gap")
for rate, accuracies in results.items():
    train_accuracy, val_accuracy = accuracies["train_accuracy"], accuracies["val_accuracy"]
    print(
        f"{rate:4.1f}  {train_accuracy:14.3f}  {val_accuracy:19.3f}  {train_accuracy - val_accuracy:5.3f}"
    )

fig, ax = plt.subplots()
ax.plot(rates, [results[r]["train_accuracy"] for r in rates], "o-", label="training")
ax.plot(rates, [results[r]["val_accuracy"] for r in rates], "s--", label="validation")
ax.set_xlabel("dropout rate")
ax.set_ylabel("final accuracy")
ax.set_title("Same network, 150 training digits, 40 epochs")
ax.legend()
show_figure(
    "Final training and validation accuracy against the dropout rate for the same network"
    " on 150 training digits: the training accuracy falls as the rate grows, the "
    "validation accuracy stays level up to rate 0.5 and drops at 0.8."
)

# %% [markdown]
# ## Question 1 (2 points)
#
# Which rate gives the best validation accuracy here, and how does the gap between training and
# validation accuracy change with the rate? What happens at a rate of 0.8, and why? Relate your
# answer to the tutorial's advice to use rates between 0.2 and 0.5. Answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "ex02-q1-answer", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# The best validation accuracy comes with rate 0.2 (0.930), but rates 0.0, 0.2 and 0.5 (0.927,
# 0.930, 0.920) differ by at most 3 of the 300 validation images: a difference this small could
# change with another seed or split, and only repeating the experiment would settle it.
#
# The gap between training and validation accuracy narrows as the rate grows from 0 to 0.5, but
# only a little: 0.073 without dropout (training accuracy 1.000, the network learns its 150 images
# by heart), 0.070 at 0.2, 0.067 at 0.5, where the training accuracy drops to 0.987. Dropout makes
# memorizing individual images harder, which is its regularizing effect; with this network and
# 40 epochs it is small, and it does not raise the validation accuracy.
#
# At 0.8 the network under-fits: with 80 % of its hidden units switched off at every step it
# cannot even fit the training set (training accuracy 0.873), and the validation accuracy falls to
# 0.807 (tutorial question 15). The tutorial's range of 0.2 to 0.5 is a safe default here, but the
# best rate has to be measured on validation data for each network, data set and training budget
# (question 16).
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
#
# * Dropout with rate $p$ zeroes each unit with probability $p$ and scales the survivors by
#   $1/(1-p)$, so the expected activation is unchanged and nothing needs rescaling at test time
#   (tutorial questions 4 and 13).
# * The rate is a regularization strength, like `alpha`: read its effect from the gap between
#   the training accuracy, measured with dropout off, and the validation accuracy, and from the
#   training accuracy itself, which tells you when the network no longer fits (question 15).
# * The best rate depends on the network, the data and the training budget: measure it on
#   validation data as done here (question 16).
