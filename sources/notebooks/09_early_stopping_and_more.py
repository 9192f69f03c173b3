# %% [markdown]
# # 09 · Early stopping and more
#
# **Topics:** `EarlyStopping` with `restore_best_weights` against a fixed long run; Gaussian noise on the inputs; data augmentation by one-pixel shifts, small rotations, zooms and mixup; batch normalization's side effect; label smoothing; combining techniques; what regularization does to training time
#
# Weight penalties and dropout (notebooks 07 and 08) are not the only tools. This notebook
# trains the same small network on 300 handwritten digits with five further techniques,
# one at a time and combined, and compares them in one table on the same validation set.
#
# Answers tutorial questions 9 (how to regularize a neural network: the full list, with the
# Keras line for each) and 17 (does regularization affect training time? The tutorial's
# reason is wrong; the numbers below show why).
# Runtime: about 30 s on a 2-core laptop (TensorFlow's import and nine small networks).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/09_early_stopping_and_more.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/09_early_stopping_and_more.ipynb)

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

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from course_utils.data import load_digits_split
from course_utils.figures import show_figure
from course_utils.plotting import plot_history

# %% [markdown]
# ## The task: 300 training digits, 1,000 validation digits
#
# scikit-learn's 8x8 digits, 300 images to train on (30 per class) and 1,000 to validate on.
# A larger validation set than usual makes the comparison sharper: with 1,000 images, one
# percentage point of accuracy is 10 images. The remaining 497 images form a test set that
# this notebook never touches (notebook 12 shows the final test evaluation).
#
# All models use one-hot targets and `CategoricalCrossentropy`, because label smoothing
# (below) needs one-hot targets and the table should compare like with like.

# %%
split = load_digits_split(n_train=300, n_val=1000, n_test=497, seed=42)
X_train, X_val = split.X_train, split.X_val
Y_train = keras.utils.to_categorical(split.y_train, num_classes=10)
Y_val = keras.utils.to_categorical(split.y_val, num_classes=10)
print(f"training inputs {X_train.shape}, one-hot targets {Y_train.shape}")
print(
    f"validation inputs {X_val.shape}; pixel values in [{X_train.min():.0f}, {X_train.max():.0f}]"
)

# %% [markdown]
# One model-building function covers every technique in this notebook. Each keyword switches
# one technique on (`augmentation` takes the image layers of section 3; mixup, which changes
# the input pipeline, is a keyword of `train`); with the defaults it builds the plain network
# (two hidden layers of 128 ReLU units, about 26,000 weights for 300 images: it will over-fit).
#
# The data go to `fit` as `tf.data` pipelines. On data this small, the time per epoch is
# mostly fixed overhead, and Keras rebuilds an input pipeline from NumPy arrays at every
# epoch, which costs several times more than the training steps themselves. A fresh,
# seeded pipeline per run also makes every run repeat exactly.

# %%
FIXED_EPOCHS = 40  # the run without early stopping (section 1)
MAX_EPOCHS = 80  # the most any early-stopped run may take
PATIENCE = 10
BATCHES_PER_EPOCH = 10  # 300 training images in batches of 32 (the last one has 12)


def one_pixel_shifts():
    """Random shifts of up to one pixel (section 3), only while training."""
    return keras.layers.RandomTranslation(
        height_factor=1 / 8,
        width_factor=1 / 8,
        fill_mode="constant",
        interpolation="nearest",
        seed=1,
    )


def build_model(
    noise_stddev=0.0, shift=False, augmentation=(), batch_norm=False, label_smoothing=0.0
):
    layers = [keras.Input(shape=(64,))]
    augmentation = [one_pixel_shifts()] if shift else list(augmentation)
    if augmentation:  # layers that change the 8x8 images, only while training (section 3)
        layers += [keras.layers.Reshape((8, 8, 1)), *augmentation, keras.layers.Flatten()]
    if noise_stddev > 0:  # Gaussian noise on the pixels, only while training
        layers.append(keras.layers.GaussianNoise(noise_stddev, seed=2))
    for _ in range(2):
        if batch_norm:  # normalize with the mini-batch's statistics, then ReLU
            layers += [
                keras.layers.Dense(128),
                keras.layers.BatchNormalization(),
                keras.layers.Activation("relu"),
            ]
        else:
            layers.append(keras.layers.Dense(128, activation="relu"))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=5e-3),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        metrics=["accuracy"],
        # One call into TensorFlow per epoch instead of one per batch: the same numbers, faster.
        # Never more than the batches of an epoch when the data repeat (mixup, below).
        steps_per_execution=BATCHES_PER_EPOCH,
    )
    return model


def to_dataset(X, Y, *, shuffle=False, batch_size=32):
    data = tf.data.Dataset.from_tensor_slices((X, Y))
    if shuffle:
        data = data.shuffle(len(X), seed=42)  # a new order each epoch, the same on every run
    return data.batch(batch_size if shuffle else len(X))


class EpochTimer(keras.callbacks.Callback):
    """Record the wall-clock seconds of every epoch (for question 17)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def train(*, early_stopping=True, mixup=False, **build_kwargs):
    """Build a freshly seeded model and train it; return the model, its history and timer."""
    keras.utils.set_random_seed(42)
    model = build_model(**build_kwargs)
    # Create Adam's and the metrics' variables before fit: TensorFlow then traces the
    # training step into a graph once instead of twice (the numbers stay the same).
    model.optimizer.build(model.trainable_variables)
    model.evaluate(to_dataset(X_val, Y_val), verbose=0)
    data = to_dataset(X_train, Y_train, shuffle=True)
    steps_per_epoch = None  # one pass through the pipeline
    if mixup:  # blend pairs of training images and their labels (section 3)
        # fit rebuilds a pipeline at every epoch, and one with a mixup step costs about 40 ms
        # to rebuild: build it once, endless, and tell fit how many batches make an epoch.
        data = data.map(mix_batch).repeat()
        steps_per_epoch = BATCHES_PER_EPOCH
    timer = EpochTimer()
    callbacks = [timer]
    if early_stopping:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=PATIENCE, restore_best_weights=True
            )
        )
    history = model.fit(
        data,
        validation_data=to_dataset(X_val, Y_val),
        epochs=MAX_EPOCHS if early_stopping else FIXED_EPOCHS,
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
        shuffle=False,  # the pipeline shuffles
        verbose=0,
    )
    return model, history, timer


# %% [markdown]
# ## 1. Early stopping against a fixed long run
#
# First the plain network for a fixed 40 epochs, then the same network, same seed, same
# batches, with `EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)`.
# The callback watches the validation loss after every epoch; after 10 epochs without a new
# minimum it stops training and puts back the weights of the best epoch.

# %%
fixed_model, fixed_history, fixed_timer = train(early_stopping=False)
stopped_model, stopped_history, stopped_timer = train(early_stopping=True)

print(f"weights and biases: {fixed_model.count_params():,} for {len(X_train)} training images")
fixed_val_loss = np.array(fixed_history.history["val_loss"])
stopped_val_loss = np.array(stopped_history.history["val_loss"])
best_epoch = int(np.argmin(fixed_val_loss)) + 1
print(
    f"fixed run:   {len(fixed_val_loss)} epochs, lowest validation loss "
    f"{fixed_val_loss.min():.3f} at epoch {best_epoch}, final {fixed_val_loss[-1]:.3f}"
)
print(
    f"early stop:  {len(stopped_val_loss)} epochs "
    f"(best epoch {int(np.argmin(stopped_val_loss)) + 1} + patience {PATIENCE})"
)
print(f"epochs saved: {len(fixed_val_loss) - len(stopped_val_loss)} of {FIXED_EPOCHS}")
same = np.max(np.abs(stopped_val_loss - fixed_val_loss[: len(stopped_val_loss)]))
print(f"largest difference between the two curves over the shared epochs: {same:.1e}")

# %% [markdown]
# With the same seed and the same batches the two runs are the same run up to the stopping
# point (the curves differ by exactly zero): early stopping is a snapshot of the long run,
# taken at the epoch the validation set liked best. The long run's validation loss climbs
# from its minimum while its training loss keeps falling towards zero: the network becomes
# more and more confident on images it has memorized.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
plot_history(fixed_history, "loss", ax=ax, label=f"fixed {FIXED_EPOCHS} epochs", color="C0")
ax.axvline(len(stopped_val_loss), color="C3", linestyle=":", label="early stopping stops here")
ax.set_ylim(0, 0.5)
ax.set_title("The plain network: validation loss rises after its minimum")
ax.legend()
show_figure(
    "Training and validation loss against epoch for the plain digits network trained for "
    "the fixed number of epochs, with a dotted vertical line where early stopping stops: "
    "the validation loss reaches its minimum and then rises while the training loss keeps"
    " falling towards zero."
)

# %% [markdown]
# ### `restore_best_weights=True` puts back the best epoch's weights
#
# Without `restore_best_weights`, the model would keep the weights of the last epoch it ran,
# 10 epochs past the best one. With it, evaluating the stopped model must give the minimum of
# its validation-loss history. We check that, and compare with the last epoch's value and with
# the fixed run's final weights:

# %%
restored = stopped_model.evaluate(to_dataset(X_val, Y_val), verbose=0, return_dict=True)
final = fixed_model.evaluate(to_dataset(X_val, Y_val), verbose=0, return_dict=True)
print(f"minimum of the history's val_loss:       {stopped_val_loss.min():.4f}")
print(
    f"evaluate(stopped model) after restoring: {restored['loss']:.4f}"
    f"  (accuracy {restored['accuracy']:.3f})"
)
print(f"val_loss at the last epoch it ran:       {stopped_val_loss[-1]:.4f}")
print(
    f"fixed run after {FIXED_EPOCHS} epochs:            {final['loss']:.4f}"
    f"  (accuracy {final['accuracy']:.3f})"
)

# %% [markdown]
# The restored model's validation loss equals the history's minimum to four decimals: the
# callback kept a copy of the weights from the best epoch and loaded them at the end; the
# last epoch's weights would have been worse (0.179).
#
# Note what early stopping optimizes: the monitored quantity, here the validation *loss*.
# The fixed run's loss is 11 % higher (0.1739 against 0.1560), yet its accuracy is not lower
# (0.950 against 0.939: 11 images out of 1,000, less than two standard errors, the noise
# estimated in section 6). Over-confident predictions raise the loss long before they change
# which class wins. Monitor `"val_accuracy"` (with `mode="max"`) if accuracy is what you will
# report; the loss is the smoother, more sensitive signal and the usual choice. Either way
# early stopping delivers the same quality, within the noise, after about half the epochs of
# this fixed run, and the longer a fixed run, the larger the saving. What that means in
# seconds on your machine is measured in the section on question 17.

# %% [markdown]
# ## 2. Gaussian noise on the inputs
#
# `keras.layers.GaussianNoise(stddev)` adds fresh noise $\mathcal{N}(0, \text{stddev}^2)$ to
# its input at every training step and does nothing at inference: every epoch the network
# sees slightly different images, so it cannot memorize exact pixel values. For a linear model
# with squared loss, training with input noise of variance $\sigma^2$ is, on average, the same
# as adding the L2 penalty $\sigma^2 \lVert w\rVert_2^2$ to the mean squared error, since
# $E[(y - w^\top(x + \varepsilon))^2] = (y - w^\top x)^2 + \sigma^2\lVert w\rVert_2^2$
# (Bishop, 1995). Here with a standard deviation of 0.3 (pixels lie in
# [0, 1]):

# %%
noise_layer = keras.layers.GaussianNoise(0.3, seed=0)
images = X_train[:200]
noisy = keras.ops.convert_to_numpy(noise_layer(images, training=True))
clean = keras.ops.convert_to_numpy(noise_layer(images, training=False))
print(
    f"training=True:  added noise has mean {np.mean(noisy - images):+.3f}, "
    f"standard deviation {np.std(noisy - images):.3f}"
)
print(f"training=False: output equals input: {np.array_equal(clean, images)}")

# %% [markdown]
# ## 3. Data augmentation: shift the digits by one pixel
#
# A digit moved by one pixel is still the same digit. `keras.layers.RandomTranslation` on
# the image reshaped to 8x8 shifts each training image by a random amount of up to one
# pixel (a factor of 1/8 of the height and width; `interpolation="nearest"` keeps whole
# pixels, `fill_mode="constant"` fills the border with zeros). Like the noise layer, it acts
# only during training. The top row shows five training digits, the bottom row what one pass
# through the layer makes of them:

# %%
shift_layer = keras.layers.RandomTranslation(
    1 / 8, 1 / 8, fill_mode="constant", interpolation="nearest", seed=3
)
originals = X_train[:5].reshape(-1, 8, 8, 1)
shifted = keras.ops.convert_to_numpy(shift_layer(originals, training=True))
fig, axes = plt.subplots(2, 5, figsize=(7, 3))
for column in range(5):
    axes[0, column].imshow(originals[column, :, :, 0], cmap="gray_r")
    axes[1, column].imshow(shifted[column, :, :, 0], cmap="gray_r")
    axes[0, column].set_title(f"digit {split.y_train[column]}")
for axis in axes.ravel():
    axis.set_xticks([])
    axis.set_yticks([])
    axis.grid(False)
axes[0, 0].set_ylabel("original")
axes[1, 0].set_ylabel("shifted")
show_figure(
    "Five handwritten 8x8 digits in the top row and, below each, the same digit after the"
    " random translation layer, moved by up to one pixel with a blank border filled in."
)
print(f"pixels changed by the shift: {np.mean(shifted != originals):.0%}")

# %% [markdown]
# ### Beyond shifts: rotations, zooms and mixup
#
# A one-pixel shift is only one of the changes a digit survives. Three more, each applied
# afresh to every training batch:
#
# * **small rotations and zooms**, one after the other in one row:
#   `keras.layers.RandomRotation(10 / 360)` turns each image by a random angle of up to 10
#   degrees either way (the factor is a fraction of a full turn), then
#   `keras.layers.RandomZoom(0.15)` zooms in or out by up to 15 % (zooming in is a random crop
#   scaled back to 8x8 pixels);
# * **mixup** (Zhang et al., 2018): each training image is replaced by a blend
#   $\lambda x_i + (1-\lambda) x_j$ of two images, and its target by the same blend of their
#   one-hot labels, with $\lambda$ drawn from a Beta(0.2, 0.2) distribution (mostly close to 0
#   or 1: a digit with a faint second digit over it). `keras.layers.MixUp` does this to whole
#   batches, so it goes into the input pipeline rather than into the model.
#
# The plain network of this notebook is trained with each of them, with the same seed and
# early stopping as in section 1 and, except for mixup's pipeline (built once and repeated,
# see `train`), the same batches; they are compared with section 1's run and with the shifts
# (trained here once; section 6's table reuses that run).

# %%
mixup_layer = keras.layers.MixUp(alpha=0.2, seed=6)


def mix_batch(images, labels):
    """Mixup on one batch of flat images and one-hot labels."""
    mixed = mixup_layer({"images": tf.reshape(images, (-1, 8, 8, 1)), "labels": labels})
    return tf.reshape(mixed["images"], (-1, 64)), mixed["labels"]


def augmentation_row(model, history):
    train_scores = model.evaluate(to_dataset(X_train, Y_train), verbose=0, return_dict=True)
    val_scores = model.evaluate(to_dataset(X_val, Y_val), verbose=0, return_dict=True)
    return {
        "val_accuracy": val_scores["accuracy"],
        "train_accuracy": train_scores["accuracy"],
        "gap": train_scores["accuracy"] - val_scores["accuracy"],
        "val_loss": val_scores["loss"],
        "best_epoch": int(np.argmin(history.history["val_loss"])) + 1,
        "epochs": len(history.history["val_loss"]),
    }


augmentations = {
    "one-pixel shifts": {"shift": True},
    "rotations and zooms": {
        "augmentation": [
            keras.layers.RandomRotation(10 / 360, fill_mode="constant", seed=4),
            keras.layers.RandomZoom(0.15, 0.15, fill_mode="constant", seed=5),
        ]
    },
    "mixup, Beta(0.2, 0.2)": {"mixup": True},
}
augmentation_table = {"none (section 1)": augmentation_row(stopped_model, stopped_history)}
augmented_runs = {}  # name: (model, history, timer); section 6 reuses the shifted run
for name, kwargs in augmentations.items():
    augmented_runs[name] = train(early_stopping=True, **kwargs)
    augmentation_table[name] = augmentation_row(*augmented_runs[name][:2])
augmentation_table = pd.DataFrame(augmentation_table).T
augmentation_table[["best_epoch", "epochs"]] = augmentation_table[["best_epoch", "epochs"]].astype(
    int
)
augmentation_table.index.name = "augmentation"
print(augmentation_table.round(3))

# %%
sample = X_train[:5]
views = {
    "original": sample,
    "rotated": augmentations["rotations and zooms"]["augmentation"][0](
        sample.reshape(-1, 8, 8, 1), training=True
    ),
    "zoomed": augmentations["rotations and zooms"]["augmentation"][1](
        sample.reshape(-1, 8, 8, 1), training=True
    ),
    "mixup": mix_batch(X_train[:32], Y_train[:32])[0][:5],
}
fig, axes = plt.subplots(len(views), 5, figsize=(7, 5.6))
for row, (label, images) in enumerate(views.items()):
    images = keras.ops.convert_to_numpy(images).reshape(-1, 8, 8)
    for column in range(5):
        axes[row, column].imshow(images[column], cmap="gray_r")
        axes[row, column].set_xticks([])
        axes[row, column].set_yticks([])
        axes[row, column].grid(False)
    axes[row, 0].set_ylabel(label)
show_figure(
    "Five training digits in the top row and, in the rows below, the same digits after one"
    " random rotation of up to 10 degrees, one random zoom of up to 15 percent, and mixup,"
    " where each digit is blended with another training digit."
)

# %% [markdown]
# What matters in the table is the validation accuracy, and how it compares with the noise of
# a 1,000-image validation set (one standard error is about 0.008, section 6):
#
# * **One-pixel shifts** help most in this run: 0.962 against 0.939 without augmentation
#   (about three standard errors), and they halve the gap (0.031 against 0.061).
# * **Mixup** comes close, 0.957, more than two standard errors above no augmentation, with
#   the gap down to 0.043. Its validation *loss* is higher, 0.164 against 0.156, although it
#   classifies better: trained on blended targets, the network learns to give less confident
#   probabilities, and the cross-entropy on clean labels punishes that. Read the accuracy for
#   mixup, or calibrate its probabilities before using them as such.
# * **Rotations and zooms** together (0.946) stay within about one standard error of no
#   augmentation: on 8x8 digits that are already centred and scaled the same way, these
#   changes teach the network little it did not know. An augmentation helps when it creates
#   the variation that the validation images really have.
# * Every augmentation lets training run longer before early stopping ends it (more epochs to
#   the best one): the task has become harder to memorize.
#
# This is one seeded run. With four other seeds, tried while writing this notebook, mixup
# stayed ahead of no augmentation every time (though not always by two standard errors), the
# rotations and zooms never clearly helped, and the shifts clearly helped on only one of
# the four: close rows trade places from seed to seed.

# %% [markdown]
# ## 4. Batch normalization
#
# `BatchNormalization` normalizes each unit with the mean and variance of the current
# mini-batch while training (and with running averages at inference). Its purpose is faster,
# more stable optimization. Its regularizing effect is a side effect: each image's activations
# depend a little on which 31 other images share its batch, which is a mild form of noise.
# The literature reports it as small and data-dependent, so we measure it rather than assume it.
#
# ## 5. Label smoothing
#
# Cross-entropy with one-hot targets keeps pushing the correct class's probability towards 1,
# so the logits grow without bound on a training set the network can memorize. Label smoothing
# with $\varepsilon = 0.1$ replaces the target by $(1 - \varepsilon)\,y + \varepsilon / K$
# with $K = 10$ classes: 0.91 for the right class and 0.01 for each other class. A prediction
# can then no longer win by being infinitely sure. Keras does the replacement inside the loss:

# %%
epsilon, n_classes = 0.1, 10
y_true = Y_train[:1]
smoothed = (1 - epsilon) * y_true + epsilon / n_classes
print(f"one-hot target:  {y_true[0]}")
print(f"smoothed target: {smoothed[0]}")

y_pred = np.full((1, 10), 0.02, dtype="float32")
y_pred[0, split.y_train[0]] = 0.82
keras_loss = keras.losses.CategoricalCrossentropy(label_smoothing=epsilon)(y_true, y_pred)
by_hand = -np.sum(smoothed * np.log(y_pred))
print(f"Keras loss with label_smoothing=0.1: {float(keras_loss):.4f}; by hand: {by_hand:.4f}")
best_possible = -np.sum(smoothed * np.log(smoothed))
print(f"lowest possible loss (predict the smoothed target itself): {best_possible:.4f}")

# %% [markdown]
# The smoothed loss cannot go below 0.50 (the entropy of the smoothed target), so its values
# are not comparable with the plain cross-entropy of the other models. The table below
# therefore compares accuracies.
#
# ## 6. One table: every technique on the same task
#
# Every configuration starts from the same seed, sees the same batches and trains with the
# same early stopping (patience 10, best weights restored, at most 80 epochs), except the
# first row, the fixed 40-epoch run from section 1. Noise strength 0.3 and one-pixel shifts
# are reasonable first guesses, not tuned values.
#
# Columns: validation accuracy and training accuracy of the model that training returns
# (evaluated in inference mode), their gap (training minus validation; large means
# over-fitting), the epoch with the lowest validation loss, the epochs actually run, and the
# number of weights (trainable or not) in the model.

# %%
configurations = {
    "Gaussian noise 0.3": {"noise_stddev": 0.3},
    "one-pixel shifts": {"shift": True},
    "batch normalization": {"batch_norm": True},
    "label smoothing 0.1": {"label_smoothing": 0.1},
    "noise + shifts + smoothing": {"noise_stddev": 0.3, "shift": True, "label_smoothing": 0.1},
}
runs = {
    f"none, fixed {FIXED_EPOCHS} epochs": (fixed_model, fixed_history, fixed_timer),
    "early stopping only": (stopped_model, stopped_history, stopped_timer),
}
for name, kwargs in configurations.items():
    if kwargs == augmentations.get(name):  # trained in section 3 already: the same run
        runs[name] = augmented_runs[name]
    else:
        runs[name] = train(early_stopping=True, **kwargs)


def summarize(model, history):
    row = augmentation_row(model, history)  # the scores of section 6, without the loss
    del row["val_loss"]
    return {**row, "parameters": model.count_params()}


table = pd.DataFrame(
    {name: summarize(model, history) for name, (model, history, _) in runs.items()}
).T
table[["best_epoch", "epochs", "parameters"]] = table[
    ["best_epoch", "epochs", "parameters"]
].astype(int)
table.index.name = "technique"
table.round(3)

# %% [markdown]
# How large must a difference be before it means something? With 1,000 validation images and
# an accuracy near 0.95, the standard error of one accuracy is $\sqrt{0.95 \cdot 0.05 / 1000}
# \approx 0.007$; differences below about 0.015 could come from which images happen to be in
# the validation set, and another seed would reorder such rows.

# %%
baseline_accuracy = table.loc["early stopping only", "val_accuracy"]
standard_error = np.sqrt(baseline_accuracy * (1 - baseline_accuracy) / len(X_val))
print(f"standard error of one validation accuracy: {standard_error:.3f}")
improvement = (table["val_accuracy"] - baseline_accuracy).drop("early stopping only")
print("change in validation accuracy against early stopping only:")
print(improvement.round(3).to_string())

# %%
fig, (ax_accuracy, ax_epochs) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
names = list(table.index)
positions = np.arange(len(names))
ax_accuracy.errorbar(
    table["val_accuracy"],
    positions,
    xerr=2 * standard_error,
    fmt="o",
    color="C0",
    capsize=3,
    label="validation accuracy ± 2 standard errors",
)
ax_accuracy.axvline(
    baseline_accuracy, color="k", linestyle="--", linewidth=1, label="early stopping only"
)
ax_accuracy.set_yticks(positions, names)
ax_accuracy.invert_yaxis()
ax_accuracy.set_xlabel("validation accuracy")
ax_accuracy.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=8)
ax_epochs.barh(positions, table["best_epoch"], color="C2", label="epoch of lowest validation loss")
ax_epochs.barh(
    positions,
    table["epochs"] - table["best_epoch"],
    left=table["best_epoch"],
    color="0.8",
    label="epochs run after it",
)
ax_epochs.set_xlabel("epochs")
ax_epochs.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=8, ncols=2)
fig.suptitle("Same network, same data, one technique at a time")
fig.tight_layout()
show_figure(
    "Two horizontal bar charts, one bar per technique: left, the validation accuracy of "
    "each configuration with the fixed run's accuracy marked; right, the epoch of the "
    "lowest validation loss and the number of epochs trained."
)

# %% [markdown]
# What the numbers say on this task (read them with the standard error in mind):
#
# - **Early stopping** alone matches the fixed run's accuracy within the noise (the difference,
#   0.011, is under two standard errors) after 21 epochs instead of 40, at no cost except a
#   validation set.
# - **Label smoothing, one-pixel shifts and Gaussian noise** each add 1.7 to 2.6 points of
#   validation accuracy to early stopping (two to three standard errors) and shrink the gap
#   from 0.061 to between 0.031 and 0.037. Label smoothing, one line in the loss, does best.
# - **Batch normalization** adds about one point, within the noise: on this network and data
#   its regularizing effect is small, as expected for a side effect.
# - **Combining** noise, shifts and smoothing does *not* add up: the combined model is no
#   better than early stopping alone, and its training accuracy drops to 0.970. Its gap is the
#   smallest, but because the model now fits the training set less well, not because it
#   generalizes better: three techniques at strengths chosen one at a time add up to too
#   much, and the network starts to under-fit. Strengths must be tuned together.
#
# With more compute you would repeat each row over several seeds and splits and report the
# mean and spread, and tune each strength (noise level, shift size, $\varepsilon$) on the
# validation set.
#
# ## Question 17: does regularization affect training time?
#
# The tutorial answers yes, "because it adds complexity to the model". That reason is wrong.
# The `parameters` column shows it: noise, shifts and label smoothing add no weights at all
# (nor do L2 penalties or dropout), and batch normalization adds 1,024 numbers to 26,122,
# half of them running averages that are never trained. The work per step barely changes
# either: an L2 penalty is one sum of squares, noise and dropout one random draw per unit,
# label smoothing one line in the loss. What changes is the **number of epochs**:
#
# - techniques that inject randomness (noise, shifts, dropout) or soften the targets make each
#   step's signal noisier or weaker, so the network needs **more epochs** to reach its best
#   validation loss (second column of the figure);
# - early stopping **saves** epochs: it ends training soon after the best epoch instead of
#   running a fixed budget.
#
# So regularization changes training time through the number of epochs, in both directions.
# The timer measured every epoch. The median leaves out the first epoch, in which TensorFlow
# traces the model into a graph. The seconds depend on the machine and on what else runs on
# it, so the tests do not compare this cell; the milliseconds per epoch stay within a small
# factor of each other, while the number of epochs varies from 21 to 62:

# %%
# NBVAL_IGNORE_OUTPUT
# (nbval skips this cell's output: wall-clock seconds differ between machines and runs)
timing = pd.DataFrame(
    {
        "epochs": table["epochs"],
        "median_ms_per_epoch": {
            name: 1000 * np.median(run[2].seconds) for name, run in runs.items()
        },
        "total_seconds": {name: sum(run[2].seconds) for name, run in runs.items()},
    }
)
timing.round(1)

# %% [markdown]
# ## Question 9: how do I regularize a neural network?
#
# The tutorial names dropout and L2. The full toolbox, each with its Keras 3 line:
#
# | technique | Keras 3 | notebook |
# |---|---|---|
# | L2 / L1 weight penalty | `Dense(..., kernel_regularizer=keras.regularizers.L2(1e-4))` | 08 |
# | decoupled weight decay | `keras.optimizers.AdamW(weight_decay=1e-4)` | 08 |
# | max-norm constraint | `Dense(..., kernel_constraint=keras.constraints.MaxNorm(3))` | 08 |
# | dropout | `keras.layers.Dropout(0.5)` | 07 |
# | early stopping | `keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)` | 09 |
# | input noise | `keras.layers.GaussianNoise(0.3)` | 09 |
# | data augmentation | `keras.layers.RandomTranslation(...)`, `RandomFlip`, `RandomRotation` | 09 |
# | label smoothing | `keras.losses.CategoricalCrossentropy(label_smoothing=0.1)` | 09 |
# | batch normalization (side effect) | `keras.layers.BatchNormalization()` | 09 |
# | a smaller network, more data | fewer units or layers; collect or synthesize data | 02 |
#
# Which one to choose, and in which combination, is decided on a validation set; notebook 12
# does that on real data.
#
# ## Key takeaways
#
# - `EarlyStopping(monitor="val_loss", patience=..., restore_best_weights=True)` returns the
#   weights of the epoch with the lowest validation loss; training stops `patience` epochs after
#   it. Without `restore_best_weights` you keep the last, worse weights. Here it needed 21 of
#   40 epochs for the same accuracy, within the noise.
# - Gaussian noise and random shifts change the training inputs at every step and do nothing
#   at inference; label smoothing softens the targets so the network cannot win by growing
#   its confidence without bound.
# - Batch normalization regularizes only as a side effect (about one point here, within the
#   noise); measure it instead of relying on it.
# - Techniques overlap: stacking three at their single-technique strengths narrowed the gap by
#   under-fitting and gained nothing; tune combined strengths together.
# - A difference in validation accuracy means little until it exceeds about two standard
#   errors ($\approx 0.015$ for 1,000 images near 95 %).
# - Regularization changes training time through the number of epochs: noise and smoothing
#   need more epochs to reach their best, early stopping saves epochs; the cost per step is
#   almost unchanged (question 17). Question 9's toolbox is the table above.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "EarlyStopping(monitor='val_loss', patience=10, restore_best_weights=True) stops "
            "after epoch 35. Which weights does the model hold afterwards?",
            ["those of epoch 35", "those of epoch 25", "those of epoch 10", "the initial weights"],
            answer=1,
            explanation="Training stops once 10 epochs in a row bring no new minimum, so the "
            "best epoch was 35 - 10 = 25, and restore_best_weights loads its weights.",
        ),
        Question.true_false(
            "GaussianNoise and RandomTranslation also change the inputs when you call "
            "model.predict.",
            answer=False,
            explanation="Both layers act only when training=True; predict and evaluate run "
            "them with training=False, where they pass inputs through unchanged.",
        ),
        Question(
            "With label_smoothing=0.1 and 10 classes, what is the target for the correct class?",
            ["1.0", "0.9", "0.91", "0.99"],
            answer=2,
            explanation="(1 - 0.1) * 1 + 0.1 / 10 = 0.91; each other class gets 0.01.",
        ),
        Question(
            "Why can a regularized network take longer to train?",
            [
                "its penalty adds parameters to the model",
                "it needs more epochs to reach its best validation loss",
                "Keras computes the penalty with a slower optimizer",
            ],
            answer=1,
            explanation="The cost per step barely changes; noise, dropout and smoothing slow "
            "convergence, so the best epoch comes later. Early stopping, in turn, saves epochs.",
        ),
    ]
)
