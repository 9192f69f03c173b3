"""Plotting helpers shared by the notebooks.

Convention: every function takes ``ax=None`` (a new figure is made when it is
``None``), draws on the Axes, returns it, and never calls ``plt.show()``.

>>> import numpy as np
>>> from course_utils.plotting import plot_coefficients
>>> ax = plot_coefficients(np.array([1.0, 0.0, -2.0]))
>>> len(ax.patches)
3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from course_utils._validation import check_1d

__all__ = [
    "get_ax",
    "plot_data_and_fit",
    "plot_history",
    "plot_coefficients",
]

TRAIN_STYLE = {"linestyle": "-"}
VALIDATION_STYLE = {"linestyle": "--"}


def get_ax(ax=None):
    """Return ``ax``, or the Axes of a new figure when ``ax`` is ``None``."""
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        _, ax = plt.subplots()
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax


def plot_data_and_fit(X, y, model=None, *, ax=None, n_points: int = 200, label="fit", **line_kw):
    """Scatter one-feature data and, if given, a fitted model's prediction line.

    ``model`` is anything with ``predict`` taking a column of inputs (a fitted
    scikit-learn estimator or pipeline), or a callable ``f(x_column) -> y``.
    The line covers the range of ``X``. Returns the Axes.
    """
    x = check_1d("X", X)
    y = check_1d("y", y)
    if len(x) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(x)} and {len(y)}.")
    ax = get_ax(ax)
    ax.scatter(x, y, s=14, alpha=0.7, label="data")
    if model is not None:
        grid = np.linspace(x.min(), x.max(), n_points)[:, None]
        if hasattr(model, "predict"):
            pred = model.predict(grid)
        elif callable(model):
            pred = model(grid)
        else:
            raise TypeError("model must have a predict method or be a function of x.")
        ax.plot(grid[:, 0], np.ravel(pred), label=label, **line_kw)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return ax


def _history_dict(history) -> Mapping[str, Sequence[float]]:
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        return history.history
    if isinstance(history, Mapping):
        return history
    raise TypeError(
        "history must be the History object returned by model.fit(...) or its .history dict."
    )


def plot_history(
    history,
    metric: str = "loss",
    *,
    ax=None,
    label: str | None = None,
    mark_best: bool = True,
    color=None,
):
    """Training (solid) and validation (dashed) curves of one metric from a Keras fit.

    ``history`` is what ``model.fit`` returns (or its ``.history`` dict).
    With ``mark_best`` the epoch with the best validation value (lowest for a
    loss, highest for an accuracy) is marked with a dot. Epochs are numbered
    from 1 on the x axis. Returns the Axes.
    """
    hist = _history_dict(history)
    if not isinstance(metric, str):
        raise TypeError("metric must be a string such as 'loss' or 'accuracy'.")
    if metric not in hist:
        raise ValueError(f"metric {metric!r} is not in the history; available: {sorted(hist)}.")
    ax = get_ax(ax)
    train = np.asarray(hist[metric], dtype=float)
    epochs = np.arange(1, len(train) + 1)
    prefix = f"{label}: " if label else ""
    (line,) = ax.plot(epochs, train, color=color, label=f"{prefix}training", **TRAIN_STYLE)
    val_key = f"val_{metric}"
    if val_key in hist:
        val = np.asarray(hist[val_key], dtype=float)
        ax.plot(
            epochs[: len(val)],
            val,
            color=line.get_color(),
            label=f"{prefix}validation",
            **VALIDATION_STYLE,
        )
        if mark_best and len(val):
            lower_is_better = "loss" in metric or "error" in metric
            best = int(np.argmin(val) if lower_is_better else np.argmax(val))
            ax.plot(
                epochs[best],
                val[best],
                "o",
                color=line.get_color(),
                label=f"{prefix}best epoch {epochs[best]}",
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend()
    return ax


def plot_coefficients(
    coef,
    *,
    feature_names=None,
    true_coef=None,
    ax=None,
    label=None,
    width: float = 0.8,
    offset: float = 0.0,
):
    """Bar chart of coefficients, optionally with the true coefficients as markers.

    Use ``width`` and ``offset`` to put several models side by side on one
    Axes. Returns the Axes.
    """
    coef = check_1d("coef", coef)
    index = np.arange(len(coef))
    ax = get_ax(ax)
    ax.bar(index + offset, coef, width=width, label=label)
    if true_coef is not None:
        true_coef = check_1d("true_coef", true_coef)
        if len(true_coef) != len(coef):
            raise ValueError(f"true_coef has {len(true_coef)} values but coef has {len(coef)}.")
        ax.plot(index, true_coef, "k_", markersize=14, markeredgewidth=2, label="true value")
    if feature_names is not None:
        names = [str(n) for n in feature_names]
        if len(names) != len(coef):
            raise ValueError(
                f"feature_names has {len(names)} names but coef has {len(coef)} values."
            )
        ax.set_xticks(index, names, rotation=45, ha="right")
    ax.axhline(0.0, color="0.4", linewidth=0.8)
    ax.set_xlabel("feature")
    ax.set_ylabel("coefficient")
    if label is not None or true_coef is not None:
        ax.legend()
    return ax
