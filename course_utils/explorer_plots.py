"""The figures behind the interactive explorers, as plain functions (no front end needed).

:mod:`course_utils.widgets` wraps each of these in sliders; the notebooks also
call them directly, so that a static version of every explorer shows on GitHub
and in nbval runs.

* :func:`fit_penalized_polynomial` / :func:`plot_alpha_fit` - a polynomial fit
  under a Ridge, Lasso or Elastic Net penalty, with its coefficient bars
* :func:`apply_dropout` / :func:`plot_dropout` - a dropout mask on a layer's
  activations and the rescaled values (inverted dropout, as Keras does it)
* :func:`regularization_path` / :func:`plot_path_at_alpha` - every coefficient
  against alpha, with the current alpha marked

Plotting functions take ``ax=None`` (or ``axes=None`` for figures with several
panels), draw, return what they drew on and never call ``plt.show()``.

>>> from course_utils.data import make_nonlinear_1d
>>> X, y = make_nonlinear_1d(30, seed=0)
>>> fit = fit_penalized_polynomial(X, y, alpha=0.01, model="lasso")
>>> fit.n_nonzero < fit.coef.size
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils._validation import (
    check_1d,
    check_callable,
    check_choice,
    check_number,
    check_seed,
    check_text,
    check_whole_number,
    check_xy,
)
from course_utils.plotting import get_ax, plot_coefficients

__all__ = [
    "MODEL_NAMES",
    "model_key",
    "ALPHA_RANGE",
    "format_alpha",
    "PenalizedFit",
    "make_penalized_model",
    "fit_penalized_polynomial",
    "plot_alpha_fit",
    "example_activations",
    "apply_dropout",
    "plot_dropout",
    "regularization_path",
    "plot_path_at_alpha",
]

#: Display names of the penalized linear models the explorers offer.
MODEL_NAMES = {"ridge": "Ridge", "lasso": "Lasso", "elasticnet": "Elastic Net"}
#: The alpha range of the explorers' sliders (the Lasso solver converges over all of it
#: on the course's polynomial data).
ALPHA_RANGE = (1e-4, 1e2)
_MAX_ITER = 200_000


def format_alpha(alpha: float) -> str:
    """Alpha with three significant digits, without exponent notation.

    >>> [format_alpha(a) for a in (1000.0, 25.1189, 0.001, 1e-4)]
    ['1000', '25.1', '0.001', '0.0001']
    """
    return np.format_float_positional(
        float(alpha), precision=3, unique=True, fractional=False, trim="-"
    )


# --------------------------------------------------------------------------- checks
def model_key(model) -> str:
    """The key of :data:`MODEL_NAMES` for a model name as a learner may type it.

    >>> model_key("Elastic Net"), model_key("LASSO")
    ('elasticnet', 'lasso')
    """
    key = check_text("model", model).lower().replace(" ", "").replace("_", "").replace("-", "")
    if key not in MODEL_NAMES:
        check_choice("model", model, tuple(MODEL_NAMES))  # raises, naming the choices
    return key


def _axes_list(axes, n: int, figsize):
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, n, figsize=figsize, layout="constrained")
    axes = list(np.ravel(axes)) if not hasattr(axes, "plot") else [axes]
    if len(axes) != n:
        raise ValueError(f"axes must hold {n} matplotlib Axes, got {len(axes)}.")
    for ax in axes:
        get_ax(ax)  # type check with the course's message
    return axes


# ------------------------------------------------------------------ alpha explorer
def make_penalized_model(
    model: str = "ridge", alpha: float = 1.0, *, degree: int = 9, l1_ratio: float = 0.5
):
    """An unfitted pipeline: polynomial features, standard scaling, a penalized linear model.

    ``model`` is ``"ridge"``, ``"lasso"`` or ``"elasticnet"``; ``l1_ratio`` is
    only used by Elastic Net. Scaling comes before the penalty so that every
    power of x is penalized on the same footing.
    """
    from sklearn.linear_model import ElasticNet, Lasso, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    model = model_key(model)
    alpha = check_number("alpha", alpha, low=0, low_open=True)
    degree = check_whole_number("degree", degree, minimum=1)
    l1_ratio = check_number("l1_ratio", l1_ratio, low=0, high=1)
    if model == "ridge":
        estimator = Ridge(alpha=alpha)
    elif model == "lasso":
        estimator = Lasso(alpha=alpha, max_iter=_MAX_ITER, random_state=0)
    else:
        estimator = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, max_iter=_MAX_ITER, random_state=0)
    return make_pipeline(
        PolynomialFeatures(degree, include_bias=False), StandardScaler(), estimator
    )


@dataclass
class PenalizedFit:
    """What :func:`fit_penalized_polynomial` returns."""

    pipeline: Any  # a fitted scikit-learn Pipeline
    coef: np.ndarray
    train_mse: float
    converged: bool
    model: str
    alpha: float

    @property
    def n_nonzero(self) -> int:
        """How many coefficients are not exactly zero."""
        return int(np.count_nonzero(self.coef))


def fit_penalized_polynomial(
    X, y, alpha: float, *, model: str = "ridge", degree: int = 9, l1_ratio: float = 0.5
) -> PenalizedFit:
    """Fit :func:`make_penalized_model` to one-feature data and return a :class:`PenalizedFit`.

    If the Lasso / Elastic Net solver stops before converging, ``converged`` is
    ``False`` (and the figure says so) instead of a warning being printed.
    """
    from sklearn.exceptions import ConvergenceWarning

    X, y = check_xy(X, y, min_samples=3, one_feature=True)
    pipeline = make_penalized_model(model, alpha, degree=degree, l1_ratio=l1_ratio)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        pipeline.fit(X, y)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    for w in caught:  # hand any other warning on unchanged
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    residual = y - pipeline.predict(X)
    return PenalizedFit(
        pipeline=pipeline,
        coef=np.asarray(pipeline[-1].coef_, dtype=float).copy(),
        train_mse=float(np.mean(residual**2)),
        converged=converged,
        model=model_key(model),
        alpha=float(alpha),
    )


def plot_alpha_fit(
    X,
    y,
    alpha: float,
    *,
    model: str = "ridge",
    degree: int = 9,
    l1_ratio: float = 0.5,
    true_function=None,
    axes=None,
):
    """Left: data, the penalized polynomial fit (and the true curve). Right: its coefficients.

    Parameters
    ----------
    X, y:
        One-feature data, for example from :func:`course_utils.data.make_nonlinear_1d`.
    alpha:
        Penalty strength (scikit-learn's ``alpha`` of the chosen model).
    model:
        ``"ridge"``, ``"lasso"`` or ``"elasticnet"``.
    degree, l1_ratio:
        Polynomial degree; Elastic Net's mix of L1 and L2.
    true_function:
        Optional callable drawn as a dashed grey reference curve.
    axes:
        Two Axes (fit, coefficients); a new 1 x 2 figure when ``None``.

    Returns
    -------
    list of two Axes
        The fitted curve is the Line2D labelled ``"fit"`` on the first Axes.

    Examples
    --------
    >>> from course_utils.data import make_nonlinear_1d
    >>> X, y = make_nonlinear_1d(30, seed=0)
    >>> ax_fit, ax_coef = plot_alpha_fit(X, y, alpha=1.0)
    >>> [line.get_label() for line in ax_fit.lines]
    ['fit']
    >>> len(ax_coef.patches)
    9
    """
    X, y = check_xy(X, y, min_samples=3)
    check_callable("true_function", true_function, optional=True)
    fit = fit_penalized_polynomial(X, y, alpha, model=model, degree=degree, l1_ratio=l1_ratio)
    ax_fit, ax_coef = _axes_list(axes, 2, (9.0, 3.4))
    grid = np.linspace(X[:, 0].min(), X[:, 0].max(), 200)
    ax_fit.scatter(X[:, 0], y, s=18, color="0.25", label="data", zorder=3)
    if true_function is not None:
        ax_fit.plot(grid, true_function(grid), color="0.55", linestyle="--", label="true curve")
    ax_fit.plot(grid, fit.pipeline.predict(grid[:, None]), color="C0", linewidth=2, label="fit")
    span = float(y.max() - y.min()) or 1.0
    ax_fit.set_ylim(y.min() - 0.5 * span, y.max() + 0.5 * span)
    ax_fit.set_xlabel("x")
    ax_fit.set_ylabel("y")
    note = "" if fit.converged else " (solver did not converge)"
    ax_fit.set_title(
        f"{MODEL_NAMES[fit.model]}, alpha = {format_alpha(fit.alpha)}: "
        f"train MSE {fit.train_mse:.3f}{note}",
        fontsize="medium",
    )
    ax_fit.legend(fontsize="small", loc="upper right")
    names = [f"x^{p}" for p in range(1, len(fit.coef) + 1)]
    plot_coefficients(fit.coef, feature_names=names, ax=ax_coef)
    limit = max(1.0, 1.15 * float(np.abs(fit.coef).max()))
    ax_coef.set_ylim(-limit, limit)
    ax_coef.set_xlabel("polynomial feature (standardized)")
    ax_coef.set_title(
        f"{fit.n_nonzero} of {len(fit.coef)} coefficients non-zero, "
        f"largest |w| {np.abs(fit.coef).max():.3g}",
        fontsize="medium",
    )
    return [ax_fit, ax_coef]


# ---------------------------------------------------------------- dropout explorer
def example_activations(n_examples: int = 6, n_units: int = 12, *, seed: int = 0) -> np.ndarray:
    """Non-negative activations of a hidden layer (ReLU of normal draws), ``n_examples x n_units``.

    >>> example_activations(2, 3, seed=0).shape
    (2, 3)
    """
    n_examples = check_whole_number("n_examples", n_examples, minimum=1)
    n_units = check_whole_number("n_units", n_units, minimum=1)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    return np.maximum(rng.normal(0.5, 1.0, size=(n_examples, n_units)), 0.0)


def apply_dropout(activations, rate: float, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout as Keras applies it in training: returns ``(keep_mask, output)``.

    Each value is kept when a uniform draw is at least ``rate``; kept values
    are divided by ``1 - rate`` so that the expected output equals the input.
    The draws depend only on ``seed`` and the shape, so a larger rate drops a
    superset of the units a smaller rate drops.

    >>> mask, out = apply_dropout(np.ones((2, 4)), 0.5, seed=0)
    >>> sorted(set(out.ravel().tolist()) - {0.0})
    [2.0]
    """
    try:
        activations = np.asarray(activations, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("activations must be an array of numbers.") from None
    if activations.ndim not in (1, 2) or activations.size == 0:
        raise ValueError(
            f"activations must be a non-empty 1-D or 2-D array, got shape {activations.shape}."
        )
    rate = check_number("rate", rate, low=0, high=1, high_open=True)
    seed = check_seed(seed)
    draws = np.random.default_rng(seed).random(activations.shape)
    keep = draws >= rate
    output = np.where(keep, activations / (1.0 - rate), 0.0)
    return keep, output


def plot_dropout(activations, rate: float, *, seed: int = 0, axes=None):
    """Three heat maps: the activations, the dropout mask, the rescaled output.

    Rows are examples, columns are units. Activations and output share one
    colour scale, so the surviving units visibly brighten by ``1 / (1 - rate)``.
    Returns the three Axes; each title carries the numbers (means, units dropped).

    >>> axes = plot_dropout(example_activations(seed=0), 0.5, seed=0)
    >>> [len(ax.images) for ax in axes]
    [1, 1, 1]
    """
    keep, output = apply_dropout(activations, rate, seed=seed)
    activations = np.asarray(activations, dtype=float)
    if activations.ndim == 1:
        activations, keep, output = activations[None], keep[None], output[None]
    rate = float(rate)
    ax_in, ax_mask, ax_out = _axes_list(axes, 3, (10.0, 3.0))
    scale = max(float(np.abs(activations).max()), float(np.abs(output).max()), 1e-12)
    low = min(0.0, float(activations.min()), float(output.min()))
    kw = {"cmap": "viridis", "vmin": low, "vmax": scale, "aspect": "auto"}
    ax_in.imshow(activations, **kw)
    ax_in.set_title(f"activations (mean {activations.mean():.3f})", fontsize="medium")
    ax_mask.imshow(keep.astype(float), cmap="gray", vmin=0.0, vmax=1.0, aspect="auto")
    dropped = int(keep.size - keep.sum())
    ax_mask.set_title(
        f"mask: {dropped} of {keep.size} dropped (rate {rate:.2f})", fontsize="medium"
    )
    ax_out.imshow(output, **kw)
    ax_out.set_title(
        f"output = kept / {1.0 - rate:.2f} (mean {output.mean():.3f})", fontsize="medium"
    )
    for ax in (ax_in, ax_mask, ax_out):
        ax.set_xlabel("unit")
        ax.set_ylabel("example")
        ax.grid(False)
        ax.set_xticks([])
        ax.set_yticks([])
    return [ax_in, ax_mask, ax_out]


# ------------------------------------------------------------ regularization path
def regularization_path(X, y, *, model: str = "lasso", alphas=None, l1_ratio: float = 0.5):
    """Coefficients of a penalized linear model for every alpha: ``(alphas, coefs)``.

    ``coefs`` has one row per alpha (sorted increasing). Features are
    standardized first; by default 60 alphas from 1e-3 to 1e4. Ridge is fitted
    alpha by alpha; Lasso and Elastic Net use scikit-learn's coordinate-descent
    path with warm starts.

    >>> from course_utils.data import make_sparse_regression
    >>> X, y, coef = make_sparse_regression(50, 6, 2, seed=0)
    >>> alphas, coefs = regularization_path(X, y, model="lasso")
    >>> coefs.shape, bool(np.all(coefs[-1] == 0))
    ((60, 6), True)
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Ridge, enet_path
    from sklearn.preprocessing import StandardScaler

    X, y = check_xy(X, y, min_samples=3)
    model = model_key(model)
    l1_ratio = check_number("l1_ratio", l1_ratio, low=0, high=1)
    if alphas is None:
        alphas = np.logspace(-3, 4, 60)
    alphas = np.sort(check_1d("alphas", alphas))
    if not np.all(np.isfinite(alphas)) or np.any(alphas <= 0):
        raise ValueError("alphas must all be positive numbers.")
    Xs = StandardScaler().fit_transform(X)
    yc = y - y.mean()
    if model == "ridge":
        coefs = np.array([Ridge(alpha=a).fit(Xs, yc).coef_ for a in alphas])
    else:
        ratio = 1.0 if model == "lasso" else l1_ratio
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            _, path, _ = enet_path(
                Xs, yc, l1_ratio=ratio, alphas=alphas[::-1], max_iter=_MAX_ITER, tol=1e-6
            )
        coefs = path.T[::-1]
    return alphas, np.asarray(coefs, dtype=float)


def plot_path_at_alpha(
    alphas, coefs, alpha: float, *, feature_names=None, true_coef=None, ax=None
):
    """The regularization path with the current ``alpha`` marked and its coefficients dotted.

    ``alphas``/``coefs`` come from :func:`regularization_path` (one row per
    alpha). The values at ``alpha`` are interpolated on the log-alpha axis and
    drawn as dots (the collection labelled ``"at alpha"``). ``true_coef`` adds
    the true values as short black ticks at the left (unpenalized) end; when
    some of them are zero, only the truly informative features are coloured.
    The legend sits to the right of the Axes. Returns the Axes.

    >>> alphas = np.logspace(-2, 2, 5)
    >>> ax = plot_path_at_alpha(alphas, np.outer(1 / (1 + alphas), [1.0, -2.0]), 1.0)
    >>> ax.collections[-1].get_offsets().tolist()
    [[1.0, 0.5], [1.0, -1.0]]
    """
    from course_utils.linear_plots import plot_regularization_path

    alpha = check_number("alpha", alpha, low=0, low_open=True)
    alphas = check_1d("alphas", alphas)
    try:
        coefs = np.asarray(coefs, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("coefs must be an array of numbers.") from None
    if coefs.ndim != 2 or coefs.shape[0] != len(alphas):
        raise ValueError(
            f"coefs must have one row per alpha ({len(alphas)} rows), got shape {coefs.shape}."
        )
    highlight = None
    if true_coef is not None:
        true_coef = check_1d("true_coef", true_coef)
        if len(true_coef) != coefs.shape[1]:
            raise ValueError(
                f"true_coef has {len(true_coef)} values but the path has {coefs.shape[1]} "
                "features."
            )
        if np.any(true_coef == 0) and np.any(true_coef != 0):
            highlight = [int(j) for j in np.flatnonzero(true_coef)]
    ax = plot_regularization_path(
        alphas,
        coefs,
        feature_names=feature_names,
        highlight=highlight,
        mark_alpha=alpha,
        ax=get_ax(ax),
    )
    order = np.argsort(alphas)
    log_a = np.log10(alphas[order])
    at = np.array(
        [np.interp(np.log10(alpha), log_a, coefs[order, j]) for j in range(coefs.shape[1])]
    )
    ax.scatter(np.full(at.shape, alpha), at, s=28, color="k", zorder=4, label="at alpha")
    if true_coef is not None:
        ax.plot(
            np.full(true_coef.shape, alphas.min()),
            true_coef,
            "k_",
            markersize=12,
            markeredgewidth=2,
            label="true value",
            clip_on=False,
        )
    n_nonzero = int(np.count_nonzero(np.abs(at) > 1e-10))
    ax.set_title(
        f"alpha = {format_alpha(alpha)}: {n_nonzero} of {len(at)} coefficients non-zero",
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
