"""course_utils.widgets and course_utils.explorer_plots, driven from code (no browser)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import explorer_plots
from course_utils.data import make_nonlinear_1d, make_sparse_regression
from course_utils.explorer_plots import (
    apply_dropout,
    example_activations,
    fit_penalized_polynomial,
    plot_alpha_fit,
    plot_dropout,
    plot_path_at_alpha,
    regularization_path,
)
from course_utils.widgets import alpha_explorer, dropout_explorer, path_explorer


@pytest.fixture(scope="module")
def data_1d():
    return make_nonlinear_1d(30, seed=0)


# ------------------------------------------------------------ pure functions: alpha
def test_fit_matches_a_scikit_learn_pipeline_built_by_hand(data_1d):
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    X, y = data_1d
    fit = fit_penalized_polynomial(X, y, alpha=0.1, model="ridge", degree=5)
    reference = make_pipeline(
        PolynomialFeatures(5, include_bias=False), StandardScaler(), Ridge(alpha=0.1)
    ).fit(X, y)
    np.testing.assert_allclose(fit.coef, reference[-1].coef_)
    assert fit.train_mse == pytest.approx(np.mean((y - reference.predict(X)) ** 2))
    assert fit.converged


def test_stronger_alpha_shrinks_ridge_and_zeroes_lasso(data_1d):
    X, y = data_1d
    norms = [np.linalg.norm(fit_penalized_polynomial(X, y, a).coef) for a in (1e-3, 1e-1, 10)]
    assert norms[0] > norms[1] > norms[2]
    nonzero = [fit_penalized_polynomial(X, y, a, model="lasso").n_nonzero for a in (1e-4, 1e-2)]
    assert nonzero[0] > nonzero[1] >= 1
    assert fit_penalized_polynomial(X, y, 10.0, model="lasso").n_nonzero == 0


def test_lasso_converges_over_the_whole_slider_range(data_1d):
    X, y = data_1d
    low, high = explorer_plots.ALPHA_RANGE
    for model in ("lasso", "elasticnet"):
        for alpha in (low, np.sqrt(low * high), high):
            assert fit_penalized_polynomial(X, y, alpha, model=model).converged


def test_plot_alpha_fit_draws_fit_and_bars(data_1d):
    X, y = data_1d
    ax_fit, ax_coef = plot_alpha_fit(X, y, 0.01, model="lasso", true_function=np.sin)
    labels = [line.get_label() for line in ax_fit.lines]
    assert labels == ["true curve", "fit"]
    fit = fit_penalized_polynomial(X, y, 0.01, model="lasso")
    heights = [p.get_height() for p in ax_coef.patches]
    np.testing.assert_allclose(heights, fit.coef)
    assert ax_fit.get_title().startswith("Lasso, alpha = 0.01: train MSE")
    assert ax_coef.get_title() == (
        f"{fit.n_nonzero} of 9 coefficients non-zero, largest |w| {np.abs(fit.coef).max():.3g}"
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"alpha": 0.0}, ValueError, "alpha must be a positive number"),
        ({"alpha": "big"}, TypeError, "alpha must be a number"),
        ({"model": "svm"}, ValueError, "model must be one of"),
        ({"degree": 0}, ValueError, "degree must be at least 1"),
        ({"l1_ratio": 1.5}, ValueError, "l1_ratio must be between 0 and 1, got 1.5"),
    ],
)
def test_alpha_fit_validates(data_1d, kwargs, error, message):
    X, y = data_1d
    args = {"alpha": 1.0, "model": "ridge", "degree": 9, "l1_ratio": 0.5}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        fit_penalized_polynomial(X, y, **args)


def test_alpha_fit_checks_shapes():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2 values"):
        fit_penalized_polynomial(np.ones((3, 1)), np.ones(2), 1.0)
    with pytest.raises(ValueError, match="single feature"):
        fit_penalized_polynomial(np.ones((5, 2)), np.ones(5), 1.0)


def test_model_names_are_forgiving():
    assert explorer_plots.model_key("Elastic Net") == "elasticnet"
    assert explorer_plots.model_key("LASSO") == "lasso"


# ---------------------------------------------------------- pure functions: dropout
def test_dropout_rescales_kept_values_and_zeroes_the_rest():
    activations = example_activations(seed=1)
    keep, output = apply_dropout(activations, 0.25, seed=3)
    np.testing.assert_allclose(output[keep], activations[keep] / 0.75)
    assert np.all(output[~keep] == 0)


def test_dropout_keeps_the_mean_on_average():
    activations = np.ones((200, 500))
    _, output = apply_dropout(activations, 0.4, seed=0)
    assert output.mean() == pytest.approx(1.0, abs=0.01)
    keep, _ = apply_dropout(activations, 0.4, seed=0)
    assert keep.mean() == pytest.approx(0.6, abs=0.01)


def test_dropout_masks_are_nested_across_rates_and_reproducible():
    activations = example_activations()
    keep_low, _ = apply_dropout(activations, 0.2, seed=5)
    keep_high, _ = apply_dropout(activations, 0.6, seed=5)
    assert np.all(keep_low | ~keep_high)  # every unit kept at 0.6 is kept at 0.2
    np.testing.assert_array_equal(keep_low, apply_dropout(activations, 0.2, seed=5)[0])
    assert np.all(apply_dropout(activations, 0.0, seed=5)[0])


@pytest.mark.parametrize(
    ("rate", "error", "message"),
    [
        (1.0, ValueError, "rate must be at least 0 and below 1, got 1."),
        (-0.1, ValueError, "rate must be at least 0 and below 1, got -0.1."),
        (None, TypeError, "rate must be a number"),
    ],
)
def test_dropout_rate_is_validated(rate, error, message):
    with pytest.raises(error, match=message):
        apply_dropout(np.ones(3), rate)


def test_plot_dropout_titles_carry_the_numbers():
    activations = example_activations(seed=0)
    keep, output = apply_dropout(activations, 0.5, seed=0)
    axes = plot_dropout(activations, 0.5, seed=0)
    dropped = int((~keep).sum())
    assert axes[1].get_title() == f"mask: {dropped} of {keep.size} dropped (rate 0.50)"
    assert f"mean {output.mean():.3f}" in axes[2].get_title()
    np.testing.assert_allclose(axes[2].images[0].get_array(), output)


def test_plot_dropout_needs_three_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="axes must hold 3"):
        plot_dropout(np.ones((2, 2)), 0.5, axes=ax)


# ------------------------------------------------------------- pure functions: path
def test_lasso_path_matches_lasso_fits():
    from sklearn.linear_model import Lasso
    from sklearn.preprocessing import StandardScaler

    X, y, _ = make_sparse_regression(50, 6, 2, seed=0)
    alphas, coefs = regularization_path(X, y, model="lasso", alphas=[0.01, 0.1, 1.0])
    Xs = StandardScaler().fit_transform(X)
    for alpha, row in zip(alphas, coefs, strict=True):
        reference = Lasso(alpha=alpha, tol=1e-8, max_iter=100_000).fit(Xs, y).coef_
        np.testing.assert_allclose(row, reference, atol=1e-4)


def test_ridge_path_shrinks_monotonically():
    X, y, _ = make_sparse_regression(50, 6, 2, seed=0)
    alphas, coefs = regularization_path(X, y, model="ridge")
    norms = np.linalg.norm(coefs, axis=1)
    assert np.all(np.diff(alphas) > 0)
    assert np.all(np.diff(norms) < 0)


def test_path_marks_the_alpha_and_interpolates_the_dots():
    alphas = np.logspace(-2, 2, 5)
    coefs = np.outer(1 / (1 + alphas), [1.0, -2.0, 0.0])
    ax = plot_path_at_alpha(alphas, coefs, 0.1, true_coef=[1.0, -2.0, 0.0])
    dots = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(np.asarray(dots)[:, 1], coefs[1])
    assert ax.get_title() == "alpha = 0.1: 2 of 3 coefficients non-zero"
    assert any(line.get_label() == "alpha = 0.1" for line in ax.lines)


def test_path_checks_its_inputs():
    with pytest.raises(ValueError, match="one row per alpha"):
        plot_path_at_alpha([0.1, 1.0], np.ones((3, 2)), 0.5)
    with pytest.raises(ValueError, match="true_coef has 1 values"):
        plot_path_at_alpha([0.1, 1.0], np.ones((2, 2)), 0.5, true_coef=[1.0])


# ------------------------------------------------------------------- the explorers
def test_alpha_slider_changes_curve_bars_and_image(data_1d):
    X, y = data_1d
    explorer = alpha_explorer(X, y, alpha=1e-3)
    curve, bars, image = explorer.fitted_curve(), explorer.coefficients(), explorer.png()
    assert image.startswith(b"\x89PNG")
    explorer.slider.value = 10.0
    assert explorer.n_draws == 2
    assert not np.allclose(explorer.fitted_curve(), curve)
    assert np.abs(explorer.coefficients()).sum() < np.abs(bars).sum()
    assert explorer.png() != image
    reference = fit_penalized_polynomial(X, y, 10.0, model="ridge")
    np.testing.assert_allclose(explorer.coefficients(), reference.coef)


def test_alpha_explorer_model_choice_redraws(data_1d):
    X, y = data_1d
    explorer = alpha_explorer(X, y, alpha=0.01)
    explorer.model_selector.value = "lasso"
    reference = fit_penalized_polynomial(X, y, 0.01, model="lasso")
    np.testing.assert_allclose(explorer.coefficients(), reference.coef)
    assert explorer.axes[0].get_title().startswith("Lasso")
    assert repr(explorer) == "AlphaExplorer(model='lasso', alpha=0.01)"


def test_alpha_slider_is_logarithmic_over_the_documented_range():
    import ipywidgets

    explorer = alpha_explorer()
    assert isinstance(explorer.slider, ipywidgets.FloatLogSlider)
    assert (explorer.slider.min, explorer.slider.max) == (-4, 2)
    assert [name for name, _ in explorer.model_selector.options] == [
        "Ridge",
        "Lasso",
        "Elastic Net",
    ]
    assert [ln.get_label() for ln in explorer.axes[0].lines] == ["true curve", "fit"]


def test_alpha_explorer_validates():
    with pytest.raises(ValueError, match="between 0.0001 and 100"):
        alpha_explorer(alpha=1e3)
    with pytest.raises(ValueError, match="both X and y"):
        alpha_explorer(np.ones((5, 1)))


def test_dropout_slider_drops_more_units_and_rescales():
    explorer = dropout_explorer(rate=0.1)
    output = explorer.output().copy()
    kept = explorer.mask().sum()
    explorer.slider.value = 0.7
    assert explorer.mask().sum() < kept
    assert not np.allclose(explorer.output(), output)
    _, expected = apply_dropout(example_activations(seed=0), 0.7, seed=0)
    np.testing.assert_allclose(explorer.output(), expected)
    image = explorer.png()
    explorer.seed_picker.value = 1
    assert explorer.png() != image
    assert repr(explorer) == "DropoutExplorer(dropout_rate=0.70, seed=1)"


def test_dropout_explorer_validates():
    with pytest.raises(ValueError, match="rate must be between 0 and 0.9, got 0.95"):
        dropout_explorer(rate=0.95)


def test_path_slider_moves_the_marker_and_the_dots():
    explorer = path_explorer(alpha=0.01)
    dots = explorer.marked_coefficients().copy()
    assert explorer.marked_alpha() == pytest.approx(0.01)
    explorer.slider.value = 1.0
    assert explorer.marked_alpha() == pytest.approx(1.0)
    assert np.abs(explorer.marked_coefficients()).sum() < np.abs(dots).sum()
    explorer.model_selector.value = "ridge"
    assert set(explorer.paths) == {"lasso", "ridge"}
    assert explorer.axes[0].get_title().startswith("Ridge: alpha = 1")


def test_explorers_display_as_widgets_with_a_stable_text_fallback():
    for explorer in (alpha_explorer(), dropout_explorer(), path_explorer()):
        bundle = explorer._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert bundle["text/plain"].endswith(": interactive in JupyterLab.")
        assert "0x" not in bundle["text/plain"]


def test_explorer_figures_are_not_managed_by_pyplot():
    import matplotlib.pyplot as plt

    plt.close("all")
    alpha_explorer()
    assert plt.get_fignums() == []
