"""Figures for the linear-model notebooks: paths, complexity, learning curves, geometry.

Convention: every function takes ``ax=None`` (a new figure is made when it is
``None``), draws on the Axes, returns it, and never calls ``plt.show()``.

* :func:`plot_regularization_path` - coefficients against alpha (log x axis)
* :func:`plot_complexity_curve`    - training and validation error against model complexity
* :func:`plot_learning_curve`      - training and validation score against training-set size
* :func:`plot_constraint_geometry` - the L1 or L2 constraint region with the loss contours
* :func:`constrained_solution`     - the point that figure marks, as numbers

>>> import numpy as np
>>> from course_utils.linear_plots import plot_regularization_path
>>> alphas = np.logspace(-2, 2, 5)
>>> coefs = np.outer(1 / (1 + alphas), [1.0, -2.0, 0.5])  # 5 alphas x 3 features
>>> ax = plot_regularization_path(alphas, coefs)
>>> len(ax.lines), ax.get_xscale()
(4, 'log')
"""

from __future__ import annotations

import numpy as np

from course_utils._validation import (
    check_choice,
    check_finite_1d,
    check_flag,
    check_number,
    check_positive_1d,
    check_whole_number,
)
from course_utils.plotting import TRAIN_STYLE, VALIDATION_STYLE, get_ax

__all__ = [
    "plot_regularization_path",
    "plot_complexity_curve",
    "plot_learning_curve",
    "plot_constraint_geometry",
    "constrained_solution",
]


# ------------------------------------------------------------------ regularization path
def plot_regularization_path(
    alphas,
    coefs,
    *,
    feature_names=None,
    highlight=None,
    mark_alpha=None,
    ax=None,
):
    """Coefficients against the regularization strength alpha, alpha on a log axis.

    Parameters
    ----------
    alphas:
        Positive strengths, one per row of ``coefs`` (any order).
    coefs:
        Coefficients with shape ``(n_alphas, n_features)``: one row per alpha.
        The layout ``(n_features, n_alphas)`` returned by
        :func:`sklearn.linear_model.lasso_path` is recognized and transposed
        when the two sizes differ.
    feature_names:
        Names for the legend (one per feature). Without names and without
        ``highlight`` no legend is drawn.
    highlight:
        Indices (or names, when ``feature_names`` is given) of features to
        draw in colour with a legend entry; the other features are drawn as
        thin grey lines. ``None`` colours every feature.
    mark_alpha:
        Optional alpha (for example the one chosen by validation) marked with
        a vertical dotted line.
    ax:
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes, holding one line per feature, a horizontal line at zero and,
        with ``mark_alpha``, a vertical line.

    Examples
    --------
    >>> ax = plot_regularization_path([0.1, 1.0, 10.0], [[2.0, 1.0], [1.0, 0.5], [0.1, 0.0]],
    ...                               feature_names=["a", "b"], highlight=["a"])
    >>> [line.get_label() for line in ax.lines[:2]]
    ['a', '_b']
    """
    alphas = check_positive_1d("alphas", alphas)
    try:
        coefs = np.asarray(coefs, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("coefs must be an array of numbers.") from None
    if coefs.ndim == 1:
        coefs = coefs[:, None]
    if coefs.ndim != 2:
        raise ValueError(
            f"coefs must be two-dimensional (one row per alpha), got shape {coefs.shape}."
        )
    if coefs.shape[0] != len(alphas):
        if coefs.shape[1] == len(alphas):
            coefs = coefs.T
        else:
            raise ValueError(
                f"coefs has shape {coefs.shape} but there are {len(alphas)} alphas; "
                "it needs one row per alpha."
            )
    n_features = coefs.shape[1]
    names = None
    if feature_names is not None:
        names = [str(name) for name in feature_names]
        if len(names) != n_features:
            raise ValueError(
                f"feature_names has {len(names)} names but coefs has {n_features} features."
            )
    chosen = _highlight_indices(highlight, names, n_features)
    order = np.argsort(alphas)
    ax = get_ax(ax)
    colours = iter(f"C{i % 10}" for i in range(n_features))
    for j in range(n_features):
        name = names[j] if names is not None else f"feature {j}"
        if chosen is None or j in chosen:
            ax.plot(alphas[order], coefs[order, j], color=next(colours), linewidth=1.8, label=name)
        else:
            ax.plot(alphas[order], coefs[order, j], color="0.7", linewidth=0.9, label=f"_{name}")
    ax.axhline(0.0, color="0.3", linewidth=0.8, label="_zero")
    if mark_alpha is not None:
        mark = check_positive_1d("mark_alpha", [mark_alpha])[0]
        ax.axvline(mark, color="k", linestyle=":", linewidth=1.2, label=f"alpha = {mark:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("coefficient")
    if names is not None or chosen is not None or mark_alpha is not None:
        ax.legend(fontsize="small")
    return ax


def _highlight_indices(highlight, names, n_features):
    if highlight is None:
        return None
    if isinstance(highlight, (str, int, np.integer)):
        highlight = [highlight]
    chosen = set()
    for item in highlight:
        if isinstance(item, str):
            if names is None or item not in names:
                raise ValueError(
                    f"highlight names feature {item!r}, which is not in feature_names."
                )
            chosen.add(names.index(item))
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not 0 <= item < n_features:
                raise ValueError(
                    f"highlight index {item} is out of range for {n_features} features."
                )
            chosen.add(int(item))
        else:
            raise TypeError("highlight must hold feature indices or feature names.")
    return chosen


# -------------------------------------------------------------------- complexity curve
def plot_complexity_curve(
    complexity,
    train_error,
    val_error,
    *,
    xlabel: str,
    ylabel: str = "mean squared error",
    log_x: bool = False,
    log_y: bool = False,
    mark_best: bool = True,
    reference: float | None = None,
    reference_label: str = "noise floor",
    ax=None,
):
    """Training (solid) and validation (dashed) error against model complexity.

    ``complexity`` is what varies from model to model: a polynomial degree, an
    alpha, a number of units. With ``mark_best`` the lowest validation error
    is marked with a dot and named in the legend. ``reference`` draws a
    horizontal dotted line, for example the noise floor ``noise**2`` that no
    model can beat on fresh data. Use ``log_x=True`` for alphas and
    ``log_y=True`` when the worst errors dwarf the best. Returns the Axes.

    >>> ax = plot_complexity_curve([1, 2, 3], [1.0, 0.5, 0.2], [1.1, 0.6, 0.9], xlabel="degree")
    >>> ax.get_legend().get_texts()[-1].get_text()
    'best validation: degree = 2'
    """
    if not isinstance(xlabel, str) or not xlabel:
        raise TypeError("xlabel must be a non-empty string such as 'polynomial degree'.")
    check_flag("log_x", log_x)
    check_flag("log_y", log_y)
    check_flag("mark_best", mark_best)
    x = (
        check_positive_1d("complexity", complexity)
        if log_x
        else check_finite_1d("complexity", complexity)
    )
    train = check_finite_1d("train_error", train_error)
    val = check_finite_1d("val_error", val_error)
    if not len(x) == len(train) == len(val):
        raise ValueError(
            "complexity, train_error and val_error must have the same length, got "
            f"{len(x)}, {len(train)} and {len(val)}."
        )
    if log_y and (np.any(train <= 0) or np.any(val <= 0)):
        raise ValueError("errors must be positive to be drawn with log_y=True.")
    ax = get_ax(ax)
    (line,) = ax.plot(x, train, marker=".", label="training", **TRAIN_STYLE)
    ax.plot(x, val, marker=".", label="validation", **VALIDATION_STYLE)
    if reference is not None:
        ref = check_finite_1d("reference", [reference])[0]
        ax.axhline(ref, color="0.4", linestyle=":", label=f"{reference_label} ({ref:.3g})")
    if mark_best:
        best = int(np.argmin(val))
        ax.plot(
            x[best],
            val[best],
            "o",
            color="k",
            markersize=7,
            label=f"best validation: {xlabel} = {x[best]:.3g}",
        )
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


# ---------------------------------------------------------------------- learning curve
def _scores_2d(name: str, scores, n: int) -> np.ndarray:
    try:
        arr = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers.") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (one value per size) or 2-D (sizes x folds), "
            f"got shape {arr.shape}."
        )
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} rows but there are {n} training-set sizes.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


def plot_learning_curve(
    train_sizes,
    train_scores,
    val_scores,
    *,
    ylabel: str = "score",
    show_std: bool = True,
    reference: float | None = None,
    reference_label: str = "noise floor",
    ax=None,
):
    """Training (solid) and validation (dashed) score against the training-set size.

    Scores are 1-D (one value per size) or 2-D with one column per
    cross-validation fold, as :func:`sklearn.model_selection.learning_curve`
    returns them; 2-D scores are drawn as the mean over folds with a band of
    plus/minus one standard deviation (``show_std``). scikit-learn reports
    errors as negative scores (``"neg_mean_squared_error"``): pass
    ``-train_scores`` and ``-val_scores`` with ``ylabel="mean squared error"``
    to draw errors. ``reference`` draws a horizontal dotted line. Returns the Axes.

    >>> ax = plot_learning_curve([10, 20, 40], [[1.0, 1.2], [1.1, 1.2], [1.2, 1.2]],
    ...                          [[3.0, 2.0], [2.0, 1.8], [1.5, 1.4]])
    >>> len(ax.lines), len(ax.collections)
    (2, 2)
    """
    check_flag("show_std", show_std)
    sizes = check_positive_1d("train_sizes", train_sizes)
    train = _scores_2d("train_scores", train_scores, len(sizes))
    val = _scores_2d("val_scores", val_scores, len(sizes))
    ax = get_ax(ax)
    for scores, label, style in (
        (train, "training", TRAIN_STYLE),
        (val, "validation", VALIDATION_STYLE),
    ):
        mean = scores.mean(axis=1)
        (line,) = ax.plot(sizes, mean, marker=".", label=label, **style)
        if show_std and scores.shape[1] > 1:
            std = scores.std(axis=1)
            ax.fill_between(
                sizes, mean - std, mean + std, color=line.get_color(), alpha=0.2, linewidth=0
            )
    if reference is not None:
        ref = check_finite_1d("reference", [reference])[0]
        ax.axhline(ref, color="0.4", linestyle=":", label=f"{reference_label} ({ref:.3g})")
    ax.set_xlabel("training-set size")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


# -------------------------------------------------------------------- L1 / L2 geometry
_KINDS = ("l1", "l2")


def _check_kind(kind) -> str:
    return check_choice("kind", kind, _KINDS)


def _check_geometry(center, radius, curvature):
    center = check_finite_1d("center", center)
    if center.shape != (2,):
        raise ValueError(f"center must hold two numbers (w1, w2), got {len(center)}.")
    radius = check_number("radius", radius, low=0, low_open=True)
    try:
        matrix = np.asarray(curvature, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("curvature must be a 2x2 array of numbers.") from None
    if matrix.shape != (2, 2):
        raise ValueError(f"curvature must be a 2x2 matrix, got shape {matrix.shape}.")
    if not np.allclose(matrix, matrix.T) or np.linalg.eigvalsh(matrix).min() <= 0:
        raise ValueError(
            "curvature must be symmetric positive definite (like X.T @ X), so that the "
            "loss contours are ellipses."
        )
    return center, radius, matrix


def constrained_solution(
    kind="l1", *, center=(2.0, 0.6), radius=1.0, curvature=((1.0, 0.3), (0.3, 0.6))
):
    """The point of the L1 or L2 ball of size ``radius`` with the lowest quadratic loss.

    The loss is ``(w - center) @ curvature @ (w - center)``: a least-squares
    loss whose unconstrained minimum (the ordinary least-squares solution) is
    ``center``. The L1 ball is ``|w1| + |w2| <= radius``, the L2 ball
    ``w1**2 + w2**2 <= radius**2``. When ``center`` lies inside the ball it is
    the answer. Otherwise the answer lies on the boundary: for L2 it is found
    by bisection on the Lagrange multiplier, for L1 by a fine search along
    the four edges, whose corners (where one coefficient is exactly zero)
    are included exactly.

    >>> constrained_solution("l1", center=(2.0, 0.6), radius=1.0).tolist()
    [1.0, 0.0]
    """
    _check_kind(kind)
    center, radius, matrix = _check_geometry(center, radius, curvature)

    def loss(w):
        d = w - center
        return np.einsum("...i,ij,...j->...", d, matrix, d)

    if kind == "l2":
        if np.linalg.norm(center) <= radius:
            return center.copy()
        low, high = 0.0, 1.0
        solve = lambda lam: np.linalg.solve(matrix + lam * np.eye(2), matrix @ center)  # noqa: E731
        while np.linalg.norm(solve(high)) > radius:
            high *= 2.0
        for _ in range(200):
            mid = 0.5 * (low + high)
            if np.linalg.norm(solve(mid)) > radius:
                low = mid
            else:
                high = mid
        return solve(high)
    if np.abs(center).sum() <= radius:
        return center.copy()
    t = np.linspace(0.0, 1.0, 20001)[:, None]
    corners = radius * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [1.0, 0.0]])
    points = np.concatenate(
        [(1 - t) * a + t * b for a, b in zip(corners[:-1], corners[1:], strict=True)]
    )
    best = points[int(np.argmin(loss(points)))]
    return best + 0.0  # turn -0.0 into 0.0


def plot_constraint_geometry(
    kind="l1",
    *,
    center=(2.0, 0.6),
    radius=1.0,
    curvature=((1.0, 0.3), (0.3, 0.6)),
    n_contours: int = 6,
    ax=None,
):
    """The L1 (diamond) or L2 (disc) constraint region with the loss contours touching it.

    Draws the region ``|w1| + |w2| <= radius`` (``kind="l1"``) or
    ``w1**2 + w2**2 <= radius**2`` (``kind="l2"``) shaded, elliptic contours of
    the least-squares loss ``(w - center) @ curvature @ (w - center)`` around its
    unconstrained minimum ``center`` (marked ``x``, "least squares"), the
    contour that touches the region (solid) and the constrained solution
    (a dot; see :func:`constrained_solution`). With L1 the first contact is
    usually a corner, where one coefficient is exactly zero; with L2 it is a
    point of the round boundary where neither is. Returns the Axes, with equal
    aspect and axes labelled ``w1`` and ``w2``.

    >>> ax = plot_constraint_geometry("l2")
    >>> ax.get_title()
    'L2 constraint: solution w = (0.93, 0.37)'
    """
    _check_kind(kind)
    center, radius, matrix = _check_geometry(center, radius, curvature)
    n_contours = check_whole_number("n_contours", n_contours, minimum=1)
    from matplotlib.patches import Circle, Patch, Polygon

    solution = constrained_solution(kind, center=center, radius=radius, curvature=matrix)
    d = solution - center
    touching = float(d @ matrix @ d)
    ax = get_ax(ax)
    region: Patch
    if kind == "l1":
        region = Polygon(radius * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]]), closed=True)
    else:
        region = Circle((0.0, 0.0), radius)
    region.set(
        facecolor="C0",
        alpha=0.25,
        edgecolor="C0",
        linewidth=1.5,
        label=f"{kind.upper()} region (size {radius:g})",
    )
    ax.add_patch(region)
    span = max(np.abs(center).max() + 1.5 * np.sqrt(max(touching, 1e-12)), 1.6 * radius)
    grid = np.linspace(-span, span, 301)
    w1, w2 = np.meshgrid(grid, grid)
    points = np.stack([w1 - center[0], w2 - center[1]], axis=-1)
    loss = np.einsum("...i,ij,...j->...", points, matrix, points)
    if touching > 0:
        levels = touching * np.linspace(0.15, 2.5, n_contours) ** 2
        ax.contour(
            w1, w2, loss, levels=np.sort(levels), colors="0.55", linewidths=0.8, linestyles="--"
        )
        ax.contour(w1, w2, loss, levels=[touching], colors="C3", linewidths=1.5)
    ax.plot(*center, "x", color="k", markersize=8, label="least squares (no penalty)")
    ax.plot(
        *solution,
        "o",
        color="C3",
        markersize=7,
        label=f"solution ({solution[0]:.2f}, {solution[1]:.2f})",
    )
    ax.axhline(0.0, color="0.3", linewidth=0.6)
    ax.axvline(0.0, color="0.3", linewidth=0.6)
    ax.set_xlim(-span, span)
    ax.set_ylim(-span, span)
    ax.set_aspect("equal")
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_title(f"{kind.upper()} constraint: solution w = ({solution[0]:.2f}, {solution[1]:.2f})")
    ax.legend(loc="lower left", fontsize="small")
    return ax
