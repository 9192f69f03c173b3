"""Train several Keras configurations the same way and compare them in one table.

The model code stays in the notebook: you write a ``build_model(**kwargs)``
function that returns a *compiled* Keras model, and this module only repeats
the chores around it (seeding before each build, fitting with validation data,
timing, collecting the numbers into a :class:`pandas.DataFrame`).

:func:`make_dataset` turns arrays into the ``tf.data`` pipeline that
:func:`train_configurations` feeds to ``fit``: for networks as small as the
course's, Keras spends most of a step slicing NumPy arrays, and a dataset
built once trains the same model 2-3 times faster.

Importing this module does not import TensorFlow; it is imported the first
time :func:`make_dataset` or :func:`train_configurations` runs.

>>> import numpy as np
>>> from course_utils.training import zero_fraction
>>> zero_fraction(np.array([0.0, 0.5, -1e-4, 2.0]), tol=1e-3)
0.5

Typical use in a notebook (not run here because it trains networks)::

    def build_model(dropout_rate=0.0):
        model = keras.Sequential([
            keras.Input(shape=(64,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(dropout_rate),
            keras.layers.Dense(10, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    table, histories = train_configurations(
        {"no dropout": {}, "dropout 0.5": {"dropout_rate": 0.5}},
        build_model, load_digits_split(seed=42), epochs=50)
    print(table.drop(columns="seconds").round(3))
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from course_utils._validation import (
    check_choice,
    check_flag,
    check_number,
    check_seed,
    check_whole_number,
)

__all__ = [
    "make_dataset",
    "train_configurations",
    "plot_weight_histograms",
    "zero_fraction",
    "TABLE_COLUMNS",
]

#: Columns of the table returned by :func:`train_configurations`; ``{m}`` is the metric name.
TABLE_COLUMNS = (
    "train_{m}",
    "val_{m}",
    "best_val_{m}",
    "best_epoch",
    "gap",
    "epochs",
    "seconds",
)

_LOWER_IS_BETTER_WORDS = ("loss", "error", "mse", "mae", "crossentropy")


def _lower_is_better(metric: str) -> bool:
    return any(word in metric for word in _LOWER_IS_BETTER_WORDS)


# --------------------------------------------------------------------------- checks
def _check_configs(configs) -> dict[str, dict]:
    if not isinstance(configs, Mapping):
        raise TypeError(
            "configs must be a dict mapping a configuration name to the keyword arguments of "
            f"build_model, for example {{'no dropout': {{}}, 'dropout 0.5': "
            f"{{'dropout_rate': 0.5}}}}; got {type(configs).__name__}."
        )
    if not configs:
        raise ValueError("configs is empty: give at least one configuration to train.")
    checked = {}
    for name, kwargs in configs.items():
        if not isinstance(name, str):
            raise TypeError(f"configuration names must be strings, got {name!r}.")
        if not isinstance(kwargs, Mapping):
            raise TypeError(
                f"configs[{name!r}] must be a dict of keyword arguments for build_model "
                f"(use {{}} for none), got {type(kwargs).__name__}."
            )
        checked[name] = dict(kwargs)
    return checked


def _check_data(data):
    if (
        not isinstance(data, Sequence)
        or isinstance(data, (str, bytes))
        or len(data)
        not in (
            4,
            6,
        )
    ):
        raise TypeError(
            "data must be a course DataSplit or a tuple (X_train, y_train, X_val, y_val)."
        )
    X_train, y_train, X_val, y_val = (np.asarray(a) for a in tuple(data)[:4])
    for part, X, y in (("training", X_train, y_train), ("validation", X_val, y_val)):
        if X.ndim == 0 or len(X) == 0:
            raise ValueError(f"the {part} inputs are empty.")
        if len(X) != len(y):
            raise ValueError(
                f"the {part} set has {len(X)} inputs but {len(y)} targets; they must match."
            )
    return X_train, y_train, X_val, y_val


def _check_callbacks(callbacks):
    if callbacks is None or callable(callbacks):
        return callbacks
    if isinstance(callbacks, Sequence) and not isinstance(callbacks, (str, bytes)):
        return list(callbacks)
    raise TypeError(
        "callbacks must be None, a list of Keras callbacks, or a function that returns a "
        "fresh list for each configuration."
    )


# --------------------------------------------------------------------------- training
def make_dataset(X, y, *, batch_size: int = 32, shuffle_seed: int | None = None):
    """A ``tf.data.Dataset`` of ``(X, y)`` batches, for ``fit``, ``evaluate`` or ``predict``.

    Keras also accepts the NumPy arrays themselves, but then cuts them into
    batches again at every epoch, and for a small network that bookkeeping
    costs more than the arithmetic. The same training from a dataset takes
    2-3 times less time (measured on notebook 07's network).

    Parameters
    ----------
    X, y:
        Inputs and targets of the same length. Floating-point arrays become
        float32 (what Keras would do with them); integer labels are kept.
    batch_size:
        Examples per batch.
    shuffle_seed:
        ``None`` keeps the order (for evaluation). A seed shuffles the examples
        into a new order at every epoch, the same sequence of orders on every
        run; pass ``shuffle=False`` to ``fit``, the dataset already shuffles.
        Build a new dataset for each model you train, so that each starts
        from the first of those orders.

    >>> batches = make_dataset(np.zeros((5, 2)), np.arange(5), batch_size=2)  # doctest: +SKIP
    >>> [len(y) for _, y in batches]  # doctest: +SKIP
    [2, 2, 1]
    """
    batch_size = check_whole_number("batch_size", batch_size, minimum=1)
    if shuffle_seed is not None:
        shuffle_seed = check_seed(shuffle_seed, "shuffle_seed")
    X, y = (_as_keras_array(a) for a in (X, y))
    if X.ndim == 0 or len(X) == 0:
        raise ValueError("X is empty: give at least one example.")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)} targets; they must match.")

    from course_utils.notebook import import_keras

    import_keras()  # TensorFlow without its start-up noise
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((X, y))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(X), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size)


def _as_keras_array(values) -> np.ndarray:
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.floating):
        return array.astype(np.float32)
    return array


def train_configurations(
    configs,
    build_model: Callable,
    data,
    *,
    epochs: int,
    batch_size: int = 32,
    seed: int = 42,
    callbacks=None,
    metric: str | None = None,
    evaluate: bool = True,
    validation_freq: int = 1,
):
    """Build, train and compare several configurations of one model-building function.

    Parameters
    ----------
    configs:
        ``{name: kwargs}``; each configuration is built with ``build_model(**kwargs)``.
    build_model:
        Your function returning a *compiled* Keras model.
    data:
        A course :class:`~course_utils.data.DataSplit` or ``(X_train, y_train, X_val, y_val)``.
        Only the training and validation parts are used: the test set stays untouched.
    epochs, batch_size:
        Passed to ``model.fit`` (always with validation data, ``verbose=0``).
        The data go in as :func:`make_dataset` pipelines: the training set
        shuffled anew at every epoch (seeded with ``seed``), validation and
        evaluation in batches of at least 512 samples (the numbers are the
        same up to rounding, and come much faster).
    seed:
        ``keras.utils.set_random_seed(seed)`` runs before each build, so every
        configuration starts from the same random state (same initial weights
        whenever the architectures match) and sees its training examples in
        the same sequence of shuffled orders.
    callbacks:
        ``None``, a list of callbacks shared by all fits, or a function
        returning a fresh list for each configuration (use this for callbacks
        that keep state, such as ``EarlyStopping``).
    metric:
        The metric the table reports; by default ``"accuracy"`` when the model
        tracks it, otherwise ``"loss"``.
    evaluate:
        With ``True`` (default) ``train_{m}`` and ``val_{m}`` come from
        ``model.evaluate`` after training, in inference mode (dropout off,
        restored best weights if a callback restored them). With ``False`` they
        are the last epoch's values from the history (the training value then
        was measured with dropout on, during the epoch).
    validation_freq:
        Passed to ``fit``: measure the validation set after every
        ``validation_freq``-th epoch only (default: after every epoch). When no
        validation curve is needed, ``validation_freq=epochs`` measures it once,
        at the end, and saves that time at every other epoch. The history's
        ``val_*`` lists then hold one value per measured epoch; ``best_epoch``
        still counts epochs.

    Returns
    -------
    (pandas.DataFrame, dict)
        The table has one row per configuration (index ``config``) and the
        columns ``train_{m}``, ``val_{m}``, ``best_val_{m}`` (best validation
        value over the epochs), ``best_epoch`` (1-based), ``gap`` (how much
        better the training value is than the validation value: ``train -
        val`` for accuracies, ``val - train`` for losses; positive means
        over-fitting), ``epochs`` (epochs actually run) and ``seconds`` (wall
        time of build and fit; drop it before printing for deterministic
        output). The dict maps each name to the ``History`` returned by
        ``fit``; ``histories[name].model`` is the trained model.
    """
    configs = _check_configs(configs)
    if not callable(build_model):
        raise TypeError("build_model must be a function that returns a compiled Keras model.")
    X_train, y_train, X_val, y_val = _check_data(data)
    epochs = check_whole_number("epochs", epochs, minimum=1)
    batch_size = check_whole_number("batch_size", batch_size, minimum=1)
    seed = check_seed(seed)
    callbacks = _check_callbacks(callbacks)
    if metric is not None and not isinstance(metric, str):
        raise TypeError("metric must be None or a metric name such as 'accuracy' or 'loss'.")
    evaluate = check_flag("evaluate", evaluate)
    validation_freq = check_whole_number("validation_freq", validation_freq, minimum=1)
    if validation_freq > epochs:
        raise ValueError(
            f"validation_freq={validation_freq} is larger than epochs={epochs}: the validation "
            "set would never be measured. Use at most validation_freq=epochs."
        )

    import pandas as pd

    from course_utils.notebook import import_keras

    keras = import_keras()
    # Evaluation has no gradient step: large batches give the same numbers, much faster.
    eval_batch_size = max(batch_size, 512)
    rows, histories = {}, {}
    for name, kwargs in configs.items():
        keras.utils.set_random_seed(seed)
        start = time.perf_counter()
        try:
            model = build_model(**kwargs)
        except TypeError as error:
            raise TypeError(
                f"build_model(**configs[{name!r}]) failed: {error}. Check that the keys of "
                "configs match the parameters of build_model."
            ) from error
        if not hasattr(model, "fit") or not hasattr(model, "evaluate"):
            raise TypeError(
                f"build_model must return a Keras model, got {type(model).__name__} for {name!r}."
            )
        if getattr(model, "compiled", True) is False:
            raise ValueError(
                f"the model built for {name!r} is not compiled: call model.compile(...) "
                "inside build_model before returning it."
            )
        fit_callbacks = callbacks() if callable(callbacks) else callbacks
        validation = make_dataset(X_val, y_val, batch_size=eval_batch_size)
        # The optimizer's and the metrics' variables created before fit: otherwise Keras
        # creates them while TensorFlow traces the first training step, which it then
        # traces a second time (about 0.3 s per model; the results are the same).
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and not getattr(optimizer, "built", True):
            optimizer.build(model.trainable_variables)
        model.evaluate(validation, verbose=0)
        history = model.fit(
            make_dataset(X_train, y_train, batch_size=batch_size, shuffle_seed=seed),
            validation_data=validation,
            epochs=epochs,
            validation_freq=validation_freq,
            callbacks=fit_callbacks,
            shuffle=False,  # the dataset shuffles
            verbose=0,
        )
        seconds = time.perf_counter() - start
        hist = history.history
        m = metric
        if m is None:
            m = "accuracy" if "accuracy" in hist else "loss"
        if m not in hist or f"val_{m}" not in hist:
            available = sorted(k for k in hist if not k.startswith("val_"))
            raise ValueError(
                f"metric {m!r} is not tracked by the model built for {name!r}; "
                f"available: {available}. Add it to metrics=[...] in model.compile."
            )
        val_curve = np.asarray(hist[f"val_{m}"], dtype=float)
        lower = _lower_is_better(m)
        best = int(np.argmin(val_curve) if lower else np.argmax(val_curve))
        if evaluate:
            train_value = model.evaluate(
                make_dataset(X_train, y_train, batch_size=eval_batch_size),
                verbose=0,
                return_dict=True,
            )[m]
            val_value = model.evaluate(
                make_dataset(X_val, y_val, batch_size=eval_batch_size),
                verbose=0,
                return_dict=True,
            )[m]
        else:
            train_value = hist[m][-1]
            val_value = hist[f"val_{m}"][-1]
        train_value, val_value = float(train_value), float(val_value)
        rows[name] = {
            f"train_{m}": train_value,
            f"val_{m}": val_value,
            f"best_val_{m}": float(val_curve[best]),
            "best_epoch": (best + 1) * validation_freq,
            "gap": (val_value - train_value) if lower else (train_value - val_value),
            "epochs": len(hist[m]),
            "seconds": seconds,
        }
        histories[name] = history
    metrics_used = {next(iter(row)).removeprefix("train_") for row in rows.values()}
    if len(metrics_used) > 1:
        raise ValueError(
            f"the configurations report different metrics {sorted(metrics_used)}: pass "
            "metric=... explicitly so that the table compares like with like."
        )
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "config"
    table["best_epoch"] = table["best_epoch"].astype(int)
    table["epochs"] = table["epochs"].astype(int)
    table.attrs["metric"] = metrics_used.pop()
    return table, histories


# --------------------------------------------------------------------------- weights
def _flatten_weights(name: str, weights) -> np.ndarray:
    if isinstance(weights, (list, tuple)):
        if not weights:
            raise ValueError(f"the weights of {name!r} are an empty list.")
        try:
            parts = [np.ravel(np.asarray(w, dtype=float)) for w in weights]
        except (TypeError, ValueError):
            raise TypeError(f"the weights of {name!r} must be arrays of numbers.") from None
        flat = np.concatenate(parts)
    else:
        try:
            flat = np.ravel(np.asarray(weights, dtype=float))
        except (TypeError, ValueError):
            raise TypeError(f"the weights of {name!r} must be an array of numbers.") from None
    if flat.size == 0:
        raise ValueError(f"the weights of {name!r} are empty.")
    if not np.all(np.isfinite(flat)):
        raise ValueError(f"the weights of {name!r} contain NaN or infinite values.")
    return flat


def zero_fraction(weights, tol: float = 0.0) -> float:
    """Fraction of weights with ``|w| <= tol`` (``tol=0`` counts exact zeros).

    ``weights`` is an array or a list of arrays (for example one kernel per layer).

    >>> zero_fraction([np.zeros(3), np.ones(1)])
    0.75
    """
    tol = check_number("tol", tol, low=0)
    flat = _flatten_weights("weights", weights)
    return float(np.mean(np.abs(flat) <= tol))


def plot_weight_histograms(
    weights_by_name,
    *,
    bins=60,
    ax=None,
    layout: str = "overlay",
    near_zero_tol: float | None = None,
    log: bool = False,
):
    """Histograms of several sets of weights, with the count of exact zeros in the legend.

    Parameters
    ----------
    weights_by_name:
        ``{name: weights}``, each an array or a list of arrays (for example
        ``[layer.kernel.numpy() for layer in model.layers if hasattr(layer, "kernel")]``).
    bins:
        Number of bins (or bin edges); the edges are shared by all sets so that
        the bars can be compared.
    ax:
        With ``layout="overlay"``: one Axes (or ``None`` for a new figure).
        With ``layout="side"``: a sequence of Axes, one per set (or ``None``).
    layout:
        ``"overlay"`` (semi-transparent histograms on one Axes, the legend names
        each set) or ``"side"`` (one panel per set titled with its name, same
        bin edges).
    near_zero_tol:
        Also count, in the legend, the weights with ``|w| < near_zero_tol``.
    log:
        Logarithmic count axis (shows the few large weights next to a tall peak).

    Returns
    -------
    The Axes (``"overlay"``) or the array of Axes (``"side"``).

    >>> ax = plot_weight_histograms({"L1": np.array([0.0, 0.0, 1.0])}, bins=4)
    >>> len(ax.patches), ax.get_legend().get_texts()[0].get_text()
    (4, 'L1: 2 of 3 exactly 0')
    """
    if not isinstance(weights_by_name, Mapping) or not weights_by_name:
        raise TypeError(
            "weights_by_name must be a non-empty dict mapping a name to an array of weights "
            "(or a list of arrays)."
        )
    check_choice("layout", layout, ("overlay", "side"))
    if near_zero_tol is not None:
        near_zero_tol = check_number("near_zero_tol", near_zero_tol, low=0, low_open=True)
    log = check_flag("log", log)
    flats = {str(name): _flatten_weights(str(name), w) for name, w in weights_by_name.items()}
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer, Sequence, np.ndarray)):
        raise TypeError("bins must be a number of bins or a sequence of bin edges.")
    if isinstance(bins, (int, np.integer)) and bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}.")
    edges = np.histogram_bin_edges(np.concatenate(list(flats.values())), bins=bins)

    from course_utils.plotting import get_ax

    if layout == "overlay":
        axes = [get_ax(ax)] * len(flats)
    else:
        if ax is None:
            import matplotlib.pyplot as plt

            _, created = plt.subplots(
                1,
                len(flats),
                figsize=(3.8 * len(flats), 3.4),
                sharex=True,
                squeeze=False,
                layout="constrained",
            )
            ax = created[0]
        if isinstance(ax, np.ndarray):
            ax = list(ax.ravel())
        if not isinstance(ax, Sequence) or len(ax) != len(flats):
            raise ValueError(
                f"with layout='side', ax must be None or a list of {len(flats)} Axes "
                "(one per set of weights)."
            )
        axes = [get_ax(a) for a in ax]

    alpha = 0.55 if layout == "overlay" and len(flats) > 1 else 0.85
    for (name, flat), axis in zip(flats.items(), axes, strict=True):
        n_zero = int(np.sum(flat == 0.0))
        # Side by side, the panel's title names the set; overlaid, the legend must.
        label = f"{n_zero} of {flat.size} exactly 0"
        if layout == "overlay":
            label = f"{name}: {label}"
        if near_zero_tol is not None:
            n_near = int(np.sum(np.abs(flat) < near_zero_tol))
            separator = ", " if layout == "overlay" else "\n"
            label += f"{separator}{n_near} below {near_zero_tol:g}"
        axis.hist(flat, bins=edges, alpha=alpha, label=label, log=log)
        axis.set_xlabel("weight value")
        axis.set_ylabel("count")
        axis.legend(fontsize="small")
    if layout == "overlay":
        return axes[0]
    for axis, name in zip(axes, flats, strict=True):
        axis.set_title(name)
    return np.asarray(axes, dtype=object)
