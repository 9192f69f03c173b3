"""Choosing a regularization strength: validation curves, the one-standard-error rule, groups.

Convention: every plotting function takes ``ax=None`` (a new figure is made when
it is ``None``), draws on the Axes, returns it, and never calls ``plt.show()``.

* :func:`one_standard_error_alpha` - the largest alpha whose mean score is within
  one standard error of the best (a pure function, no plotting)
* :func:`plot_validation_curve`    - mean score across folds with a band of one
  standard deviation, log x axis, best and one-standard-error alphas marked
* :func:`plot_grouped_coefficients` - several models' coefficients side by side,
  with the groups of correlated features shaded

The score arrays have the layout that
:func:`sklearn.model_selection.validation_curve` returns: one row per alpha,
one column per fold.

>>> import numpy as np
>>> from course_utils.selection_plots import one_standard_error_alpha
>>> alphas = [0.01, 0.1, 1.0, 10.0]
>>> mean_mse = [1.00, 0.90, 0.95, 1.50]   # best at alpha = 0.1
>>> std_mse = [0.20, 0.20, 0.20, 0.20]    # standard error 0.2 / sqrt(4) = 0.1
>>> one_standard_error_alpha(alphas, mean_mse, std_mse, n_folds=4, greater_is_better=False)
1.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from course_utils._validation import (
    check_finite_1d,
    check_flag,
    check_positive_1d,
    check_whole_number,
)
from course_utils.plotting import get_ax

__all__ = [
    "one_standard_error_alpha",
    "plot_validation_curve",
    "plot_grouped_coefficients",
]


# --------------------------------------------------------------------------- checks
def _fold_scores(name: str, scores, n_alphas: int) -> np.ndarray:
    try:
        arr = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers.") from None
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be two-dimensional (one row per alpha, one column per fold), "
            f"got shape {arr.shape}."
        )
    if arr.shape[0] != n_alphas:
        raise ValueError(
            f"{name} has {arr.shape[0]} rows but there are {n_alphas} alphas; "
            "it needs one row per alpha (the layout validation_curve returns)."
        )
    if arr.shape[1] < 2:
        raise ValueError(f"{name} needs scores from at least 2 folds, got {arr.shape[1]}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


# ------------------------------------------------------------ one-standard-error rule
def one_standard_error_alpha(alphas, mean_scores, std_scores, n_folds, *, greater_is_better):
    """The largest alpha whose mean score is within one standard error of the best.

    The one-standard-error rule prefers the simplest model that cross-validation
    cannot tell apart from the best one. With ``K`` folds, the standard error of
    a mean fold score is ``std / sqrt(K)``; the rule takes the best mean score,
    moves one standard error (of the best alpha) towards "worse", and returns
    the largest alpha whose mean score is still on the good side of that
    threshold. "Largest alpha" means "strongest penalty", so ``alphas`` must be
    a strength (Ridge's or Lasso's ``alpha``), not an inverse strength such as
    ``LogisticRegression``'s ``C`` (pass ``1 / C`` for that).

    Parameters
    ----------
    alphas:
        Regularization strengths, any order, no repeats.
    mean_scores, std_scores:
        Mean and standard deviation across folds for each alpha (for example
        ``scores.mean(axis=1)`` and ``scores.std(axis=1)`` of the array that
        :func:`sklearn.model_selection.validation_curve` returns).
    n_folds:
        Number of folds the scores come from (at least 2).
    greater_is_better:
        ``True`` for scores such as R^2 or scikit-learn's negated errors,
        ``False`` for errors such as the mean squared error. Required, because
        guessing it wrong silently picks the worst model.

    Returns
    -------
    float
        The chosen alpha (one of ``alphas``); never smaller than the best alpha's.

    Examples
    --------
    >>> one_standard_error_alpha([0.1, 1.0, 10.0], [0.80, 0.82, 0.70], [0.05, 0.04, 0.05],
    ...                          n_folds=4, greater_is_better=True)
    1.0
    """
    alphas = check_finite_1d("alphas", alphas)
    mean_scores = check_finite_1d("mean_scores", mean_scores)
    std_scores = check_finite_1d("std_scores", std_scores)
    if not (len(alphas) == len(mean_scores) == len(std_scores)):
        raise ValueError(
            "alphas, mean_scores and std_scores must have the same length, got "
            f"{len(alphas)}, {len(mean_scores)} and {len(std_scores)}."
        )
    if len(np.unique(alphas)) != len(alphas):
        raise ValueError("alphas contains repeated values; give each alpha once.")
    if np.any(std_scores < 0):
        raise ValueError("std_scores must not be negative: they are standard deviations.")
    n_folds = check_whole_number("n_folds", n_folds, minimum=2)
    check_flag("greater_is_better", greater_is_better)

    sign = 1.0 if greater_is_better else -1.0
    goodness = sign * mean_scores  # larger is better from here on
    best = int(np.argmax(goodness))
    standard_error = std_scores[best] / np.sqrt(n_folds)
    # A small tolerance keeps alphas whose score ties the threshold exactly.
    threshold = goodness[best] - standard_error - 1e-12 * max(1.0, abs(goodness[best]))
    within = goodness >= threshold
    return float(np.max(alphas[within]))


# ------------------------------------------------------------------ validation curve
def plot_validation_curve(
    alphas,
    valid_scores,
    train_scores=None,
    *,
    greater_is_better: bool,
    score_name: str = "score",
    param_name: str = "alpha",
    mark_one_standard_error: bool = True,
    ax=None,
):
    """Mean validation score against alpha, with a band of one standard deviation.

    Parameters
    ----------
    alphas:
        Positive regularization strengths, one per row of the score arrays.
    valid_scores, train_scores:
        Arrays of shape ``(n_alphas, n_folds)``, as returned by
        :func:`sklearn.model_selection.validation_curve`. ``train_scores`` is
        optional; when given it is drawn as a solid line with its own band
        (validation is dashed, as everywhere in the course).
    greater_is_better:
        ``False`` for errors (the best alpha has the lowest mean), ``True``
        for scores such as R^2 or accuracy.
    score_name:
        Label of the y axis, for example ``"mean squared error"``.
    param_name:
        Label of the x axis.
    mark_one_standard_error:
        Also mark the alpha chosen by :func:`one_standard_error_alpha`.
    ax:
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes, with lines in this order: (training mean,) validation mean,
        best-alpha marker, (one-standard-error marker); and one shaded band
        (a ``PolyCollection``) per curve.

    Examples
    --------
    >>> import numpy as np
    >>> alphas = np.logspace(-2, 2, 5)
    >>> valid = np.array([[3.0, 3.2], [2.0, 2.4], [1.5, 1.7], [1.6, 1.8], [4.0, 4.4]])
    >>> ax = plot_validation_curve(alphas, valid, greater_is_better=False)
    >>> len(ax.lines), len(ax.collections), ax.get_xscale()
    (3, 1, 'log')
    """
    alphas = check_positive_1d("alphas", alphas)
    valid = _fold_scores("valid_scores", valid_scores, len(alphas))
    train = (
        None if train_scores is None else _fold_scores("train_scores", train_scores, len(alphas))
    )
    check_flag("greater_is_better", greater_is_better)
    check_flag("mark_one_standard_error", mark_one_standard_error)
    for name, value in (("score_name", score_name), ("param_name", param_name)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {type(value).__name__}.")

    order = np.argsort(alphas)
    alphas = alphas[order]
    ax = get_ax(ax)
    if train is not None:
        train = train[order]
        mean, std = train.mean(axis=1), train.std(axis=1)
        (line,) = ax.plot(alphas, mean, linestyle="-", label="training (mean over folds)")
        ax.fill_between(
            alphas, mean - std, mean + std, color=line.get_color(), alpha=0.15, linewidth=0
        )
    valid = valid[order]
    mean, std = valid.mean(axis=1), valid.std(axis=1)
    (line,) = ax.plot(alphas, mean, linestyle="--", label="validation (mean over folds)")
    colour = line.get_color()
    ax.fill_between(
        alphas,
        mean - std,
        mean + std,
        color=colour,
        alpha=0.2,
        linewidth=0,
        label="validation ± 1 std across folds",
    )
    best = int(np.argmax(mean) if greater_is_better else np.argmin(mean))
    ax.plot(
        alphas[best],
        mean[best],
        "o",
        color="k",
        markersize=8,
        label=f"best {param_name} = {alphas[best]:.3g}",
    )
    if mark_one_standard_error:
        chosen = one_standard_error_alpha(
            alphas, mean, std, valid.shape[1], greater_is_better=greater_is_better
        )
        j = int(np.flatnonzero(alphas == chosen)[0])
        ax.plot(
            alphas[j],
            mean[j],
            "s",
            color="C3",
            markersize=8,
            markerfacecolor="none",
            markeredgewidth=2,
            label=f"one-standard-error {param_name} = {chosen:.3g}",
        )
    ax.set_xscale("log")
    ax.set_xlabel(f"{param_name} (log scale)")
    ax.set_ylabel(score_name)
    ax.legend(fontsize="small")
    return ax


# --------------------------------------------------------------- grouped coefficients
def plot_grouped_coefficients(
    coefs: Mapping,
    group_size: int,
    *,
    true_coef=None,
    ylabel: str = "coefficient",
    ax=None,
):
    """Several models' coefficients side by side, groups of correlated features shaded.

    Features are assumed to come group by group (as
    :func:`course_utils.data.make_correlated_groups` orders them): feature ``j``
    belongs to group ``j // group_size``. Groups are named A, B, C, ... and
    their members A1, A2, ...; every other group gets a grey background so a
    learner sees at a glance which bars belong together.

    Parameters
    ----------
    coefs:
        A mapping from a model's name to its coefficient vector (all the same
        length, a multiple of ``group_size``). Any per-feature number works,
        for example how often each feature was selected.
    group_size:
        Number of features per group.
    true_coef:
        Optional true coefficients, drawn as black dashes.
    ylabel:
        Label of the y axis.
    ax:
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per model (``ax.containers``, in the order of
        ``coefs``), each with one bar per feature.

    Examples
    --------
    >>> ax = plot_grouped_coefficients({"lasso": [1.0, 0.0, 0.0, 0.5],
    ...                                 "ridge": [0.5, 0.5, 0.2, 0.2]}, group_size=2)
    >>> len(ax.containers), [t.get_text() for t in ax.get_xticklabels()]
    (2, ['A1', 'A2', 'B1', 'B2'])
    """
    if not isinstance(coefs, Mapping) or len(coefs) == 0:
        raise TypeError(
            "coefs must be a non-empty dict mapping a model's name to its coefficients, "
            "for example {'lasso': lasso.coef_}."
        )
    group_size = check_whole_number("group_size", group_size, minimum=1)
    if not isinstance(ylabel, str):
        raise TypeError(f"ylabel must be a string, got {type(ylabel).__name__}.")
    arrays = {
        str(name): check_finite_1d(f"coefs[{name!r}]", values) for name, values in coefs.items()
    }
    lengths = {len(values) for values in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(
            f"all coefficient vectors must have the same length, got {sorted(lengths)}."
        )
    n_features = lengths.pop()
    if n_features % group_size:
        raise ValueError(
            f"{n_features} features cannot be split into groups of {group_size}; "
            "the number of features must be a multiple of group_size."
        )
    n_groups = n_features // group_size
    if n_groups > 26:
        raise ValueError(f"at most 26 groups can be named A-Z, got {n_groups}.")
    names = [f"{chr(65 + j // group_size)}{j % group_size + 1}" for j in range(n_features)]

    ax = get_ax(ax)
    index = np.arange(n_features)
    for g in range(1, n_groups, 2):
        start = g * group_size - 0.5
        ax.axvspan(start, start + group_size, color="0.92", zorder=0, label="_group")
    n_models = len(arrays)
    width = 0.8 / n_models
    for k, (name, values) in enumerate(arrays.items()):
        offset = (k - (n_models - 1) / 2) * width
        ax.bar(index + offset, values, width=width, label=name, zorder=2)
    if true_coef is not None:
        true_coef = check_finite_1d("true_coef", true_coef)
        if len(true_coef) != n_features:
            raise ValueError(f"true_coef has {len(true_coef)} values but coefs have {n_features}.")
        ax.plot(
            index, true_coef, "k_", markersize=12, markeredgewidth=2, label="true value", zorder=3
        )
    ax.axhline(0.0, color="0.4", linewidth=0.8, label="_zero")
    ax.set_xticks(index, names)
    ax.set_xlim(-0.5, n_features - 0.5)
    ax.set_xlabel("feature (letter = group of correlated features)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return ax
