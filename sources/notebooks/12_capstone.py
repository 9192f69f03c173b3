# %% [markdown]
# # 12 · Capstone: choosing a regularizer on real data
#
# **Topics:** a complete regularization study on the breast-cancer data: a baseline network that over-fits; early stopping, L2, L1, dropout and input noise, each at a few strengths; a combination; selection on the validation split only; one final test-set evaluation; a logistic-regression baseline; which regularizer should I use?
#
# This notebook puts the course together the way a study on real data should run. The data:
# scikit-learn's bundled Wisconsin breast-cancer measurements (30 features per tumour, benign
# or malignant). The plan, fixed before looking at any result:
#
# 1. split once into training, validation and test sets; the test set stays locked;
# 2. train a baseline network without regularization and confirm that it over-fits;
# 3. train the same network with each technique at a few strengths, starting every run from
#    the same seed and the same batches;
# 4. choose the configuration with the lowest validation log loss;
# 5. evaluate that one model, once, on the test set.
#
# It is the course's answer to "which regularizer should I use?", with numbers, and it revisits
# tutorial questions 1, 3, 5, 8, 16 and 20 on real data.
# Runtime: about 30 s on a 2-core laptop (TensorFlow's import and thirteen small networks).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/12_capstone.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/12_capstone.ipynb)

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
import tensorflow as tf
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course_utils.data import load_breast_cancer_split
from course_utils.figures import show_figure
from course_utils.plotting import plot_history

# %% [markdown]
# ## 1. The data and the split
#
# 569 tumours. We train on 100 of them, a small study, so that a network with about 74,000
# weights can over-fit visibly; 235 form the validation set that every choice below is made on, and 234
# the test set, opened once at the end. Bigger validation and test sets than usual make each
# estimate less noisy: on 235 samples one misclassified tumour moves the accuracy by 0.004.
#
# The features are standardized with a scaler fitted on the 100 training tumours only, so
# nothing from the validation or test set leaks into training.

# %%
N_TRAIN, N_VAL, N_TEST = 100, 235, 234
split = load_breast_cancer_split(n_train=N_TRAIN, n_val=N_VAL, n_test=N_TEST, seed=42)
X_train, X_val, X_test = split.X_train, split.X_val, split.X_test
y_train, y_val, y_test = (
    y.astype("float32")[:, None] for y in (split.y_train, split.y_val, split.y_test)
)
for name, X, y in (
    ("training", X_train, y_train),
    ("validation", X_val, y_val),
    ("test", X_test, y_test),
):
    print(f"{name:10s} {X.shape[0]:3d} tumours, {X.shape[1]} features, {y.mean():.0%} benign")

# %% [markdown]
# ## 2. A plain scikit-learn baseline for perspective
#
# Before any network: logistic regression, whose only regularizer is an L2 penalty of
# strength $1/C$ on its *summed* log-loss (on the mean log-loss, the form Keras uses, that is
# $1/(2nC)$: see the [scaling conventions](../docs/scaling-conventions.md)). A `Pipeline` (scaler + model) is tuned over $C$ by 5-fold cross-validation on
# the training set alone, scored by log loss. The pipeline starts from the raw features, so
# the scaler is refitted inside every fold. The solver is `newton-cholesky`: with 30 features
# a few Newton steps reach the exact optimum of each fit, in a fraction of the time `lbfgs`
# takes; `lbfgs` at its default tolerance stops short of the optimum for large $C$ (where the
# fit on 80 tumours is nearly separable), which changes the cross-validated scores there.

# %%
raw = load_breast_cancer_split(
    n_train=N_TRAIN, n_val=N_VAL, n_test=N_TEST, seed=42, standardize=False
)
logistic = GridSearchCV(
    make_pipeline(StandardScaler(), LogisticRegression(solver="newton-cholesky")),
    param_grid={"logisticregression__C": np.logspace(-3, 2, 11)},
    cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=42),
    scoring="neg_log_loss",
).fit(raw.X_train, raw.y_train)
logistic_probability = logistic.predict_proba(raw.X_val)[:, 1]
logistic_row = {
    "val_log_loss": log_loss(raw.y_val, logistic_probability),
    "val_accuracy": accuracy_score(raw.y_val, logistic_probability > 0.5),
}
print(f"chosen C = {logistic.best_params_['logisticregression__C']:.3g}")
print(
    f"validation log loss {logistic_row['val_log_loss']:.3f}, "
    f"accuracy {logistic_row['val_accuracy']:.3f}"
)

# %% [markdown]
# ## 3. The network and how every configuration is trained
#
# Two hidden layers of 256 ReLU units, a sigmoid output, Adam. Keyword arguments switch on
# each technique. Besides the training loss, the model tracks the plain binary cross-entropy
# as a metric named `log_loss`: with a weight penalty, Keras's `loss` (and `val_loss`) also
# contains the penalty, which says nothing about the quality of the predictions. Early stopping
# therefore watches `val_log_loss`, the quantity we select by.
#
# The data go to `fit` as seeded `tf.data` pipelines: on data this small, most of an epoch's
# time is fixed overhead, and Keras rebuilds an input pipeline from NumPy arrays at every
# epoch, which costs several times more. For the same reason `train` creates the optimizer's
# and the metrics' variables before calling `fit`, which spares TensorFlow a second tracing of
# the training step for every network, and `compile` gets `steps_per_execution=64`: Keras hands
# TensorFlow up to 64 batches per call (here a whole epoch) instead of one, the same numbers in
# less time.

# %%
MAX_EPOCHS = 80
PATIENCE = 10


def build_model(l2=0.0, l1=0.0, dropout_rate=0.0, noise_stddev=0.0):
    penalty = keras.regularizers.L1L2(l1=l1, l2=l2) if (l1 or l2) else None
    layers = [keras.Input(shape=(30,))]
    if noise_stddev > 0:
        layers.append(keras.layers.GaussianNoise(noise_stddev, seed=2))
    for _ in range(2):
        layers.append(keras.layers.Dense(256, activation="relu", kernel_regularizer=penalty))
        if dropout_rate > 0:
            layers.append(keras.layers.Dropout(dropout_rate, seed=3))
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=2e-3),
        loss="binary_crossentropy",
        metrics=["accuracy", keras.metrics.BinaryCrossentropy(name="log_loss")],
        # one call into TensorFlow runs up to 64 batches (here a whole epoch) instead of one:
        # the same numbers, less time
        steps_per_execution=64,
    )
    return model


def to_dataset(X, y, *, shuffle=False, batch_size=32):
    data = tf.data.Dataset.from_tensor_slices((X, y))
    if shuffle:
        data = data.shuffle(len(X), seed=42)  # a new order each epoch, the same on every run
    return data.batch(batch_size if shuffle else len(X))


def train(*, early_stopping=True, **build_kwargs):
    """Build a freshly seeded model and train it; return the model and its history."""
    keras.utils.set_random_seed(42)
    model = build_model(**build_kwargs)
    # Create Adam's and the metrics' variables before fit: TensorFlow then traces the
    # training step into a graph once instead of twice (the numbers stay the same).
    model.optimizer.build(model.trainable_variables)
    model.evaluate(to_dataset(X_val, y_val), verbose=0)
    callbacks = []
    if early_stopping:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_log_loss",
                mode="min",
                patience=PATIENCE,
                restore_best_weights=True,
            )
        )
    history = model.fit(
        to_dataset(X_train, y_train, shuffle=True),
        validation_data=to_dataset(X_val, y_val),
        epochs=MAX_EPOCHS,
        callbacks=callbacks,
        shuffle=False,  # the pipeline shuffles
        verbose=0,
    )
    return model, history


def summarize(model, history):
    """Inference-mode scores of the returned model (restored weights, dropout and noise off)."""
    train_scores = model.evaluate(to_dataset(X_train, y_train), verbose=0, return_dict=True)
    val_scores = model.evaluate(to_dataset(X_val, y_val), verbose=0, return_dict=True)
    return {
        "val_log_loss": val_scores["log_loss"],
        "val_accuracy": val_scores["accuracy"],
        "train_log_loss": train_scores["log_loss"],
        "train_accuracy": train_scores["accuracy"],
        "epochs": len(history.history["loss"]),
    }


# %% [markdown]
# ## 4. The baseline over-fits
#
# The plain network for a fixed 80 epochs:

# %%
baseline_model, baseline_history = train(early_stopping=False)
baseline = summarize(baseline_model, baseline_history)
val_curve = np.array(baseline_history.history["val_log_loss"])
print(
    f"training log loss   {baseline['train_log_loss']:.4f}, "
    f"accuracy {baseline['train_accuracy']:.3f}"
)
print(
    f"validation log loss {baseline['val_log_loss']:.4f}, accuracy {baseline['val_accuracy']:.3f}"
)
print(f"lowest validation log loss {val_curve.min():.3f} at epoch {val_curve.argmin() + 1}")
print(f"weights and biases: {baseline_model.count_params():,} for {N_TRAIN} training tumours")

fig, ax = plt.subplots(figsize=(7, 4))
plot_history(baseline_history, "log_loss", ax=ax, label="no regularization")
ax.set_ylim(0, 0.4)
ax.set_ylabel("log loss (binary cross-entropy)")
ax.set_title("Baseline: the training loss goes to zero, the validation loss turns up")
show_figure(
    "Training and validation log loss against epoch for the baseline network on the "
    "breast-cancer data: the training loss falls to zero, the validation loss reaches a "
    "minimum within the first ten epochs and then climbs again."
)

# %% [markdown]
# The training set is learned perfectly (log loss near 0, accuracy 1.000) while the validation
# log loss, after a minimum within the first ten epochs, climbs again: the textbook picture of
# over-fitting (question 5). The validation *accuracy* hardly moves; the log loss, which also
# punishes confident mistakes, is the more sensitive yardstick and the one we select by.
#
# ## 5. Every technique, on the same network, data and batches
#
# Early stopping (patience 10, best weights restored) is on in every configuration below: it is
# free and, as the table shows, already a large improvement on its own. Each other technique is
# tried at two or three strengths, 2.5 to 10 times apart (question 16: the right strength is found by
# experiment on validation data):
#
# - L2 and L1 penalties (`kernel_regularizer`) on the kernels of the two hidden layers (the
#   output layer and all biases are left unpenalized), factors $10^{-3}$ to $10^{-1}$ and
#   $10^{-4}$ to $10^{-2}$;
# - dropout after each hidden layer, rates 0.2 and 0.5;
# - Gaussian noise on the standardized inputs, standard deviations 0.3 and 1.0.

# %%
configurations = {
    "early stopping only": {},
    "L2 0.001": {"l2": 1e-3},
    "L2 0.01": {"l2": 1e-2},
    "L2 0.1": {"l2": 1e-1},
    "L1 0.0001": {"l1": 1e-4},
    "L1 0.001": {"l1": 1e-3},
    "L1 0.01": {"l1": 1e-2},
    "dropout 0.2": {"dropout_rate": 0.2},
    "dropout 0.5": {"dropout_rate": 0.5},
    "noise 0.3": {"noise_stddev": 0.3},
    "noise 1.0": {"noise_stddev": 1.0},
}
families = {"early stopping only": "early stopping"}
families.update({name: name.split()[0] for name in configurations if name not in families})
runs = {"no regularization (80 epochs)": (baseline_model, baseline_history)}
for name, kwargs in configurations.items():
    runs[name] = train(early_stopping=True, **kwargs)
table = pd.DataFrame({name: summarize(*run) for name, run in runs.items()}).T
table["epochs"] = table["epochs"].astype(int)
table.index.name = "configuration"
table.round(3)

# %% [markdown]
# ## 6. A combination, chosen on the validation set
#
# Techniques overlap (notebook 09), so a combination is worth a try but must be checked. The
# rule, fixed in advance: combine the best weight penalty (L2 or L1) with the best technique
# that perturbs the training signal instead (dropout or noise), each at the strength that did
# best on its own, again with early stopping. Two penalties together would only be an elastic
# net; two mechanisms that act differently have a better chance to add up.

# %%
family_best = (
    table.drop(index="no regularization (80 epochs)")
    .assign(family=lambda frame: frame.index.map(families))
    .sort_values("val_log_loss")
    .groupby("family", sort=False)
    .head(1)
)
print("best strength per family, by validation log loss:")
print(family_best[["val_log_loss", "val_accuracy"]].round(3).to_string())
first = next(name for name in family_best.index if families[name] in ("L2", "L1"))
second = next(name for name in family_best.index if families[name] in ("dropout", "noise"))
combined_kwargs = {**configurations[first], **configurations[second]}
combined_name = f"{first} + {second}"
runs[combined_name] = train(early_stopping=True, **combined_kwargs)
table.loc[combined_name] = summarize(*runs[combined_name])
table["epochs"] = table["epochs"].astype(int)
print(f"\n{combined_name}:")
print(table.loc[[first, second, combined_name]].round(3).to_string())

# %% [markdown]
# ## 7. Selection on the validation set, and the summary figure
#
# The selected model is the configuration with the lowest validation log loss. The logistic
# regression is shown for perspective. How much is noise? For accuracy, the standard error on
# 235 tumours near 97 % is about 0.011, i.e. two or three tumours; differences of that size
# decide nothing, and neither do log-loss differences in the third decimal.

# %%
selected = table["val_log_loss"].idxmin()
print(f"selected: {selected}")
print(
    table.loc[
        [selected, "early stopping only", "no regularization (80 epochs)"],
        ["val_log_loss", "val_accuracy"],
    ]
    .round(3)
    .to_string()
)
print(
    f"logistic regression: validation log loss {logistic_row['val_log_loss']:.3f}, "
    f"accuracy {logistic_row['val_accuracy']:.3f}"
)
accuracy_error = np.sqrt(0.97 * 0.03 / N_VAL)
print(f"standard error of one validation accuracy near 0.97: {accuracy_error:.3f}")

# %%
order = table.sort_values("val_log_loss").index
colors = ["C3" if name == selected else "C0" for name in order]
positions = np.arange(len(order))
fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(11, 5), sharey=True)
ax_loss.barh(positions, table.loc[order, "val_log_loss"], color=colors)
ax_accuracy.errorbar(
    table.loc[order, "val_accuracy"],
    positions,
    xerr=2 * accuracy_error,
    fmt="none",
    ecolor="0.6",
    capsize=3,
    label="± 2 standard errors",
)
ax_accuracy.scatter(table.loc[order, "val_accuracy"], positions, color=colors, zorder=3)
for ax, column in ((ax_loss, "val_log_loss"), (ax_accuracy, "val_accuracy")):
    ax.axvline(
        table.loc["no regularization (80 epochs)", column],
        color="k",
        linestyle="--",
        label="no regularization",
    )
    ax.axvline(logistic_row[column], color="C1", linestyle=":", label="logistic regression")
ax_loss.set_yticks(positions, order)
ax_loss.invert_yaxis()
ax_loss.set_xlabel("validation log loss (lower is better)")
ax_accuracy.set_xlabel("validation accuracy (higher is better)")
fig.legend(*ax_accuracy.get_legend_handles_labels(), loc="lower center", ncols=3, fontsize=9)
fig.suptitle(f"Validation scores per configuration (red: selected, {selected})")
fig.tight_layout(rect=(0, 0.06, 1, 1))
show_figure(
    "Two dot charts with one row per configuration, validation log loss on the left and "
    "validation accuracy on the right, the selected configuration in red and the "
    "logistic-regression baseline for comparison."
)

# %% [markdown]
# ## 8. One evaluation on the test set
#
# Every number so far came from the validation set, and the validation set was used many
# times: to stop each run, to choose strengths, to choose the combination and to choose the
# winner. The winner's validation score is therefore optimistic: it is the best of thirteen
# noisy measurements. The test set has not influenced any decision, so one evaluation on it
# gives an unbiased estimate of how the chosen model does on new tumours. Evaluating several
# models on it and keeping the best would turn it into a second validation set and bring the
# optimism back, so we evaluate the selected model only, once.

# %%
selected_model = runs[selected][0]
test_scores = selected_model.evaluate(to_dataset(X_test, y_test), verbose=0, return_dict=True)
print(
    f"{selected} on the {N_TEST} test tumours: log loss {test_scores['log_loss']:.3f}, "
    f"accuracy {test_scores['accuracy']:.3f}"
)
print(
    f"(its validation scores: log loss {table.loc[selected, 'val_log_loss']:.3f}, "
    f"accuracy {table.loc[selected, 'val_accuracy']:.3f})"
)

# %% [markdown]
# ## Which regularizer should I use?
#
# The answer this data set gives, read off the table and the figure:
#
# 1. **Start with early stopping.** It costs nothing but a validation set. On its own it cut
#    the validation log loss from 0.184 to 0.146 and the training from 80 epochs to 18, and it
#    is on in every better row.
# 2. **Add a weight penalty and tune its strength over factors of 10.** This is where the
#    biggest gain came from: L2 0.01 reached 0.083. L2 shows the U-shape of a strength sweep:
#    0.099, 0.083, 0.110 for 0.001, 0.01, 0.1. L1 does not, on this grid: 0.091, 0.092, 0.135
#    for 0.0001, 0.001, 0.01 only rise, so its best strength may lie at or below the smallest
#    one tried; a sweep should go on until the curve turns up at both ends. The strongest settings raise the *training* log loss (0.057 for L2 0.1, 0.052 for
#    L1 0.01) and the validation log loss with it: too strong a penalty starts to under-fit
#    (question 20). At their best L1 and L2
#    are within 0.01 of each other; L2 is the natural default on 30 dense, correlated
#    measurements, L1 the choice when you expect many useless inputs (question 3).
# 3. **Input noise and dropout depend on network and data.** Noise with a standard deviation
#    of 1.0 (the features' own spread) did as well as L1 (0.092); dropout helped least (0.125
#    at rate 0.2, and at 0.5 no better than early stopping alone). Elsewhere in the course the
#    ranking was different: on notebook 07's two moons dropout cut the validation loss of a
#    wide network, and on notebook 09's digits label smoothing and one-pixel shifts helped most.
#    Try them at two or three strengths rather than assume.
# 4. **Combine only what the validation set confirms.** L2 0.01 together with noise 1.0 was
#    worse than either alone (0.123): it fit the training set less well (training log loss
#    0.067 against 0.014 and 0.039) and stopped after 17 epochs. Two strengths that are right
#    alone are too much together; a combination needs its strengths tuned jointly, usually
#    weaker. More regularization does not always mean a better model (question 8).
# 5. **Keep a simple baseline in view.** The cross-validated logistic regression reached a
#    validation accuracy of 0.974, one tumour more than the best networks by accuracy (the two
#    L1 ones, 0.970) and two more than the selected L2 0.01 network (0.966), differences well
#    inside the noise of 0.011; its log loss is worse (0.127 against 0.083). Its score is
#    also the more honest one: no decision was made on the validation set for it.
# 6. **Decide on validation data, report on test data once.** The selected model's test log
#    loss (0.100) is higher than its validation log loss (0.083): part of the winner's
#    advantage may have been luck in the selection, as selection on a reused validation set
#    leads one to expect, though a single test set of 234 tumours cannot separate that from its
#    own sampling noise. Differences of a tumour or two
#    are noise; with more compute, repeat the study over several seeds and splits (or use
#    cross-validation) and compare averages.
#
# ## Key takeaways
#
# - A study fixes its plan first: split, baseline, candidates, selection rule, one test
#   evaluation.
# - The validation set chooses; the test set reports, once, on the chosen model only.
# - Select by a sensitive score (log loss), not only by accuracy, and know its noise level.
# - Early stopping first, then a tuned weight penalty; dropout, noise and combinations only as
#   far as validation numbers support them; compare with a well-tuned linear baseline.
# - Tutorial questions revisited with real numbers: 1 and 5 (why regularize, and how to see
#   over-fitting: the baseline's rising validation loss), 3 (L1 or L2), 8 and 20 (more or
#   stronger regularization can make a model worse), 16 (strengths are chosen by experiment on
#   validation data).
