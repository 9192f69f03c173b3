"""Interactive explorers: move a slider, watch the fit, the mask or the path change.

Each explorer is a thin layer of ipywidgets over a plain plotting function of
:mod:`course_utils.explorer_plots`: the slider calls the function again and the
new figure replaces the old one in an ``Image`` widget. So the same figure can
be drawn without a front end (call the plotting function; notebooks do this
for a static version that reads well on GitHub), and tests can drive an
explorer from code: set ``explorer.slider.value`` and read ``explorer.axes``.

* :func:`alpha_explorer` - log-scale alpha slider and a Ridge / Lasso / Elastic Net
  choice; the polynomial fit and its coefficient bars update together
* :func:`dropout_explorer` - dropout-rate slider over a layer's activations:
  the random mask and the rescaled values
* :func:`path_explorer` - the regularization path with the current alpha marked

In a notebook, end a cell with the explorer to display it::

    from course_utils.widgets import alpha_explorer
    alpha_explorer()          # default data: make_nonlinear_1d(30, seed=0)

>>> explorer = alpha_explorer(alpha=1e-3)
>>> before = explorer.fitted_curve().copy()
>>> explorer.slider.value = 10.0
>>> bool((explorer.fitted_curve() != before).any())
True
"""

from __future__ import annotations

import io

import numpy as np

from course_utils import explorer_plots as plots
from course_utils._validation import check_callable, check_number, check_xy

__all__ = [
    "Explorer",
    "AlphaExplorer",
    "DropoutExplorer",
    "PathExplorer",
    "alpha_explorer",
    "dropout_explorer",
    "path_explorer",
]

_MODEL_OPTIONS = [(name, key) for key, name in plots.MODEL_NAMES.items()]


class Explorer:
    """Common part of the explorers: a matplotlib figure shown as a PNG in an ``Image`` widget.

    Attributes
    ----------
    figure:
        The :class:`matplotlib.figure.Figure` (not managed by pyplot, so it is
        never shown twice and never leaks).
    axes:
        The figure's Axes, redrawn by :meth:`update`.
    image:
        The ``ipywidgets.Image`` holding the PNG of the figure.
    box:
        The widget to display (controls above the image).
    n_draws:
        How many times the figure has been drawn.
    """

    _name = "Explorer"
    _figsize = (9.0, 3.4)
    _n_axes = 1

    def __init__(self, controls):
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=self._figsize, dpi=80, layout="constrained")
        self.axes = list(np.ravel(self.figure.subplots(1, self._n_axes, squeeze=False)))
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.box = widgets.VBox([widgets.HBox(controls), self.image])
        self.box.add_class("course-explorer")
        self.n_draws = 0
        self.update()

    def _add_alpha_controls(self, alpha: float, low: float, high: float, model: str) -> None:
        """Build the box with an alpha slider and a model choice, both redrawing the figure."""
        import ipywidgets as widgets

        self.slider, self.model_selector = _alpha_controls(widgets, alpha, low, high, model)
        Explorer.__init__(self, [self.slider, self.model_selector])
        self.slider.observe(self.update, names="value")
        self.model_selector.observe(self.update, names="value")

    def _draw(self) -> None:  # pragma: no cover - each explorer draws its own figure
        raise NotImplementedError

    def update(self, *_args) -> None:
        """Redraw the figure for the current control values and refresh the image."""
        for ax in self.axes:
            ax.clear()
        self._draw()
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        if self.n_draws == 0:
            # Keep the margins that constrained layout found on the first draw: later
            # redraws skip the layout pass (it costs as much as the drawing itself).
            self.figure.set_layout_engine("none")
        self.image.value = buffer.getvalue()
        self.n_draws += 1

    def png(self) -> bytes:
        """The current figure as PNG bytes (what the ``Image`` widget shows)."""
        return bytes(self.image.value)

    def _state(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{self._name}({self._state()})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{self!r}: interactive in JupyterLab."
        return bundle


# ------------------------------------------------------------------ alpha explorer
def _alpha_controls(widgets, alpha: float, low: float, high: float, model: str):
    """A log-scale alpha slider over ``[low, high]`` and a Ridge / Lasso / Elastic Net choice."""
    slider = widgets.FloatLogSlider(
        value=alpha,
        base=10,
        min=np.log10(low),
        max=np.log10(high),
        step=0.1,
        description="alpha",
        readout_format=".2e",
        continuous_update=False,
        layout=widgets.Layout(width="420px"),
    )
    selector = widgets.ToggleButtons(options=_MODEL_OPTIONS, value=model, description="model")
    selector.style.button_width = "90px"
    return slider, selector


class AlphaExplorer(Explorer):
    """Polynomial fit under a Ridge / Lasso / Elastic Net penalty; see :func:`alpha_explorer`.

    Controls: ``slider`` (``FloatLogSlider`` for alpha) and ``model_selector``
    (``ToggleButtons``: ``"ridge"``, ``"lasso"``, ``"elasticnet"``).
    ``axes[0]`` holds the fit, ``axes[1]`` the coefficient bars.
    """

    _name = "AlphaExplorer"
    _n_axes = 2

    def __init__(self, X, y, *, model, alpha, degree, l1_ratio, true_function):

        self.X, self.y = check_xy(X, y, min_samples=3, one_feature=True)
        low, high = plots.ALPHA_RANGE
        alpha = check_number("alpha", alpha, low=low, high=high)
        model = plots.model_key(model)
        plots.make_penalized_model(model, alpha, degree=degree, l1_ratio=l1_ratio)  # validates
        check_callable("true_function", true_function, optional=True)
        self.degree, self.l1_ratio, self.true_function = degree, l1_ratio, true_function
        self._add_alpha_controls(alpha, low, high, model)

    def _draw(self) -> None:
        plots.plot_alpha_fit(
            self.X,
            self.y,
            self.slider.value,
            model=self.model_selector.value,
            degree=self.degree,
            l1_ratio=self.l1_ratio,
            true_function=self.true_function,
            axes=self.axes,
        )

    def fitted_curve(self) -> np.ndarray:
        """The y values of the drawn fit (the line labelled ``"fit"``)."""
        (line,) = [ln for ln in self.axes[0].lines if ln.get_label() == "fit"]
        return np.asarray(line.get_ydata(), dtype=float)

    def coefficients(self) -> np.ndarray:
        """The heights of the drawn coefficient bars."""
        return np.array([patch.get_height() for patch in self.axes[1].patches])

    def _state(self) -> str:
        return (
            f"model={self.model_selector.value!r}, alpha={plots.format_alpha(self.slider.value)}"
        )


def alpha_explorer(
    X=None,
    y=None,
    *,
    model: str = "ridge",
    alpha: float = 1e-3,
    degree: int = 9,
    l1_ratio: float = 0.5,
    true_function=None,
) -> AlphaExplorer:
    """Slider for alpha (log scale, 1e-4 to 1e2) and a choice of Ridge / Lasso / Elastic Net.

    Fits a degree-``degree`` polynomial (features standardized) to one-feature
    data and redraws the fitted curve and its coefficients whenever alpha or
    the model changes. Without ``X``/``y`` it uses
    ``make_nonlinear_1d(30, seed=0)`` and draws its true curve.
    The static version is :func:`course_utils.explorer_plots.plot_alpha_fit`.
    """
    if (X is None) != (y is None):
        raise ValueError("Pass both X and y, or neither (for the course's default data).")
    if X is None:
        from course_utils.data import make_nonlinear_1d, true_function_1d

        X, y = make_nonlinear_1d(30, seed=0)
        if true_function is None:
            true_function = true_function_1d
    return AlphaExplorer(
        X,
        y,
        model=model,
        alpha=alpha,
        degree=degree,
        l1_ratio=l1_ratio,
        true_function=true_function,
    )


# ---------------------------------------------------------------- dropout explorer
class DropoutExplorer(Explorer):
    """Dropout mask and rescaled activations; see :func:`dropout_explorer`.

    Controls: ``slider`` (``FloatSlider`` for the rate, 0 to 0.9) and
    ``seed_picker`` (``BoundedIntText``: a new seed draws a new mask).
    ``axes`` are (activations, mask, output).
    """

    _name = "DropoutExplorer"
    _figsize = (10.0, 3.0)
    _n_axes = 3

    def __init__(self, activations, *, rate, seed):
        import ipywidgets as widgets

        plots.apply_dropout(activations, rate, seed=seed)  # validates the arguments
        rate = check_number("rate", rate, low=0, high=0.9)  # the explorer's slider range
        self.activations = np.asarray(activations, dtype=float)
        self.slider = widgets.FloatSlider(
            value=rate,
            min=0.0,
            max=0.9,
            step=0.05,
            description="dropout_rate",
            readout_format=".2f",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.seed_picker = widgets.BoundedIntText(
            value=seed,
            min=0,
            max=2**31 - 1,
            description="seed",
            layout=widgets.Layout(width="160px"),
        )
        super().__init__([self.slider, self.seed_picker])
        self.slider.observe(self.update, names="value")
        self.seed_picker.observe(self.update, names="value")

    def _draw(self) -> None:
        plots.plot_dropout(
            self.activations, self.slider.value, seed=self.seed_picker.value, axes=self.axes
        )

    def output(self) -> np.ndarray:
        """The drawn output (rescaled kept activations) as an array."""
        return np.asarray(self.axes[2].images[0].get_array(), dtype=float)

    def mask(self) -> np.ndarray:
        """The drawn keep-mask (1 kept, 0 dropped)."""
        return np.asarray(self.axes[1].images[0].get_array(), dtype=float)

    def _state(self) -> str:
        return f"dropout_rate={self.slider.value:.2f}, seed={self.seed_picker.value}"


def dropout_explorer(activations=None, *, rate: float = 0.5, seed: int = 0) -> DropoutExplorer:
    """Slider for the dropout rate over a layer's activations (NumPy only, seeded).

    Shows the activations, the random keep-mask (the same uniform draws for
    every rate, so raising the rate drops more of the same units) and the
    output, where kept values are divided by ``1 - rate`` as Keras does in
    training. Without ``activations`` it uses
    :func:`course_utils.explorer_plots.example_activations` (6 examples x 12 units).
    The static version is :func:`course_utils.explorer_plots.plot_dropout`.
    """
    if activations is None:
        activations = plots.example_activations(seed=0)
    return DropoutExplorer(activations, rate=rate, seed=seed)


# ------------------------------------------------------------- path explorer
class PathExplorer(Explorer):
    """Regularization path with the current alpha marked; see :func:`path_explorer`.

    Controls: ``slider`` (``FloatLogSlider``, 1e-3 to 1e4) and ``model_selector``.
    Paths are computed once per model and cached in ``paths``.
    """

    _name = "PathExplorer"
    _figsize = (7.0, 3.8)
    _n_axes = 1

    def __init__(self, X, y, *, model, alpha, l1_ratio, feature_names, true_coef):

        self.X, self.y = check_xy(X, y, min_samples=3)
        model = plots.model_key(model)
        alpha = check_number("alpha", alpha, low=1e-3, high=1e4)
        self.l1_ratio = check_number("l1_ratio", l1_ratio, low=0, high=1)
        self.feature_names, self.true_coef = feature_names, true_coef
        self.paths: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._add_alpha_controls(alpha, 1e-3, 1e4, model)

    def path(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """``(alphas, coefs)`` of ``model`` on the explorer's data (computed once)."""
        model = plots.model_key(model)
        if model not in self.paths:
            self.paths[model] = plots.regularization_path(
                self.X,
                self.y,
                model=model,
                l1_ratio=self.l1_ratio,
                alphas=np.logspace(-3, 4, 71),
            )
        return self.paths[model]

    def _draw(self) -> None:
        alphas, coefs = self.path(self.model_selector.value)
        ax = plots.plot_path_at_alpha(
            alphas,
            coefs,
            self.slider.value,
            feature_names=self.feature_names,
            true_coef=self.true_coef,
            ax=self.axes[0],
        )
        ax.set_title(
            f"{plots.MODEL_NAMES[self.model_selector.value]}: {ax.get_title()}", fontsize="medium"
        )

    def marked_coefficients(self) -> np.ndarray:
        """The coefficients drawn as dots at the current alpha."""
        dots = [c for c in self.axes[0].collections if c.get_label() == "at alpha"]
        return np.asarray(dots[0].get_offsets(), dtype=float)[:, 1]

    def marked_alpha(self) -> float:
        """The x position of the vertical alpha marker."""
        (line,) = [ln for ln in self.axes[0].lines if ln.get_label().startswith("alpha =")]
        return float(np.asarray(line.get_xdata())[0])

    def _state(self) -> str:
        return (
            f"model={self.model_selector.value!r}, alpha={plots.format_alpha(self.slider.value)}"
        )


def path_explorer(
    X=None,
    y=None,
    *,
    model: str = "lasso",
    alpha: float = 0.1,
    l1_ratio: float = 0.5,
    feature_names=None,
    true_coef=None,
) -> PathExplorer:
    """Slider for alpha over the whole regularization path (log scale, 1e-3 to 1e4).

    Features are standardized before fitting. Without ``X``/``y`` it uses
    ``make_sparse_regression(60, 8, 3, noise=1.0, correlation=0.5, seed=0)``
    and marks the true coefficients. The static version is
    :func:`course_utils.explorer_plots.plot_path_at_alpha`.
    """
    if (X is None) != (y is None):
        raise ValueError("Pass both X and y, or neither (for the course's default data).")
    if X is None:
        from course_utils.data import make_sparse_regression

        X, y, coef = make_sparse_regression(60, 8, 3, noise=1.0, correlation=0.5, seed=0)
        if true_coef is None:
            true_coef = coef * X.std(axis=0)  # on the scale of standardized features
    return PathExplorer(
        X,
        y,
        model=model,
        alpha=alpha,
        l1_ratio=l1_ratio,
        feature_names=feature_names,
        true_coef=true_coef,
    )
