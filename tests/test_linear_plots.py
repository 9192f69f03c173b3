"""course_utils.linear_plots: what is drawn, axis scales and labels, clear errors."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.linear_model import lasso_path

from course_utils import linear_plots as lp

ALPHAS = np.logspace(-2, 2, 9)
COEFS = np.outer(1.0 / (1.0 + ALPHAS), [3.0, -1.0, 0.5])  # 9 alphas x 3 features


# ------------------------------------------------------------------ regularization path
def test_path_draws_one_line_per_feature_plus_zero_line_on_a_log_axis():
    _, ax = plt.subplots()
    returned = lp.plot_regularization_path(ALPHAS, COEFS, ax=ax)
    assert returned is ax
    assert len(ax.lines) == 3 + 1
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "alpha (log scale)" and ax.get_ylabel() == "coefficient"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), ALPHAS)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), COEFS[:, 1])
    assert ax.get_legend() is None  # no names, nothing highlighted


def test_path_sorts_alphas_and_accepts_lasso_path_layout():
    order = np.arange(len(ALPHAS))[::-1]
    ax = lp.plot_regularization_path(ALPHAS[order], COEFS[order].T)  # (features, alphas)
    assert len(ax.lines) == 4
    np.testing.assert_allclose(ax.lines[0].get_xdata(), ALPHAS)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), COEFS[:, 0])

    X = np.random.default_rng(0).standard_normal((30, 4))
    alphas, coefs, _ = lasso_path(X, X @ [1.0, 0.0, -2.0, 0.5], alphas=np.logspace(-2, 0, 12))
    ax = lp.plot_regularization_path(alphas, coefs)
    assert len(ax.lines) == 4 + 1


def test_path_highlight_names_and_marked_alpha():
    ax = lp.plot_regularization_path(
        ALPHAS, COEFS, feature_names=["a", "b", "c"], highlight=["c", 0], mark_alpha=1.0
    )
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["a", "c", "alpha = 1"]
    assert ax.lines[1].get_color() == "0.7"  # "b" is drawn in grey
    assert len(ax.lines) == 3 + 2  # features, zero line, vertical line at alpha


def test_path_rejects_bad_input_with_clear_messages():
    with pytest.raises(ValueError, match="positive numbers to be drawn on a log scale"):
        lp.plot_regularization_path([0.0, 1.0], [[1.0], [0.5]])
    with pytest.raises(ValueError, match="one row per alpha"):
        lp.plot_regularization_path(ALPHAS, np.ones((4, 5)))
    with pytest.raises(ValueError, match="two-dimensional"):
        lp.plot_regularization_path(ALPHAS, np.ones((9, 3, 2)))
    with pytest.raises(ValueError, match="feature_names has 2 names but coefs has 3 features"):
        lp.plot_regularization_path(ALPHAS, COEFS, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="not in feature_names"):
        lp.plot_regularization_path(ALPHAS, COEFS, feature_names=["a", "b", "c"], highlight="z")
    with pytest.raises(ValueError, match="out of range for 3 features"):
        lp.plot_regularization_path(ALPHAS, COEFS, highlight=[3])
    with pytest.raises(TypeError, match="indices or feature names"):
        lp.plot_regularization_path(ALPHAS, COEFS, highlight=[1.5])
    with pytest.raises(TypeError, match="coefs must be an array of numbers"):
        lp.plot_regularization_path(ALPHAS, "big")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        lp.plot_regularization_path(ALPHAS, COEFS, ax="left")


# ------------------------------------------------------------------- complexity curve
def test_complexity_curve_train_solid_validation_dashed_best_marked():
    ax = lp.plot_complexity_curve(
        [1, 2, 3, 4], [1.0, 0.5, 0.2, 0.1], [1.2, 0.6, 0.4, 2.0], xlabel="degree", reference=0.1
    )
    train, val, reference, best = ax.lines
    assert train.get_linestyle() == "-" and val.get_linestyle() == "--"
    assert reference.get_linestyle() == ":"
    assert best.get_xdata()[0] == 3 and best.get_ydata()[0] == 0.4
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[-1] == "best validation: degree = 3"
    assert "noise floor (0.1)" in labels
    assert ax.get_xlabel() == "degree" and ax.get_ylabel() == "mean squared error"
    assert ax.get_xscale() == "linear" and ax.get_yscale() == "linear"


def test_complexity_curve_log_axes_and_no_best_marker():
    ax = lp.plot_complexity_curve(
        ALPHAS,
        np.linspace(1, 2, 9),
        np.linspace(3, 2, 9),
        xlabel="alpha",
        log_x=True,
        log_y=True,
        mark_best=False,
    )
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.lines) == 2


def test_complexity_curve_rejects_bad_input():
    with pytest.raises(ValueError, match="same length, got 3, 2 and 3"):
        lp.plot_complexity_curve([1, 2, 3], [1, 2], [1, 2, 3], xlabel="degree")
    with pytest.raises(TypeError, match="xlabel must be a non-empty string"):
        lp.plot_complexity_curve([1, 2], [1, 2], [1, 2], xlabel="")
    with pytest.raises(ValueError, match="positive numbers to be drawn on a log scale"):
        lp.plot_complexity_curve([0, 1], [1, 2], [1, 2], xlabel="alpha", log_x=True)
    with pytest.raises(ValueError, match="errors must be positive"):
        lp.plot_complexity_curve([1, 2], [0, 2], [1, 2], xlabel="degree", log_y=True)
    with pytest.raises(ValueError, match="val_error contains NaN"):
        lp.plot_complexity_curve([1, 2], [1, 2], [1, np.nan], xlabel="degree")
    with pytest.raises(TypeError, match="log_x must be True or False"):
        lp.plot_complexity_curve([1, 2], [1, 2], [1, 2], xlabel="degree", log_x="yes")


# ---------------------------------------------------------------------- learning curve
def test_learning_curve_means_over_folds_with_std_bands():
    sizes = [10, 20, 40]
    train = np.array([[1.0, 3.0], [2.0, 2.0], [2.0, 4.0]])
    val = np.array([[5.0, 7.0], [4.0, 4.0], [3.0, 3.0]])
    ax = lp.plot_learning_curve(sizes, train, val, ylabel="mean squared error", reference=1.0)
    train_line, val_line, reference = ax.lines
    np.testing.assert_allclose(train_line.get_ydata(), [2.0, 2.0, 3.0])
    np.testing.assert_allclose(val_line.get_ydata(), [6.0, 4.0, 3.0])
    assert val_line.get_linestyle() == "--" and reference.get_linestyle() == ":"
    assert len(ax.collections) == 2  # one band per curve
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(1.0) and band[:, 1].max() == pytest.approx(4.0)
    assert ax.get_xlabel() == "training-set size" and ax.get_ylabel() == "mean squared error"


def test_learning_curve_one_dimensional_scores_have_no_band():
    ax = lp.plot_learning_curve([10, 20], [1.0, 1.1], [2.0, 1.5])
    assert len(ax.lines) == 2 and len(ax.collections) == 0
    ax = lp.plot_learning_curve([10, 20], [[1.0, 2.0]] * 2, [[2.0, 3.0]] * 2, show_std=False)
    assert len(ax.collections) == 0


def test_learning_curve_rejects_bad_input():
    with pytest.raises(ValueError, match="val_scores has 2 rows but there are 3"):
        lp.plot_learning_curve([10, 20, 30], np.ones((3, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="1-D .* or 2-D"):
        lp.plot_learning_curve([10, 20], np.ones((2, 2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="train_sizes must hold positive numbers"):
        lp.plot_learning_curve([0, 20], [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(TypeError, match="show_std must be True or False"):
        lp.plot_learning_curve([10, 20], [1.0, 1.0], [1.0, 1.0], show_std=1)


# ------------------------------------------------------------------- L1 / L2 geometry
def test_l1_solution_is_a_corner_and_l2_solution_is_not():
    w1 = lp.constrained_solution("l1")
    w2 = lp.constrained_solution("l2")
    np.testing.assert_array_equal(w1, [1.0, 0.0])
    assert np.linalg.norm(w2) == pytest.approx(1.0, abs=1e-9)
    assert np.all(w2 != 0)


def test_l2_solution_satisfies_the_lagrange_condition():
    matrix = np.array([[2.0, 0.5], [0.5, 1.0]])
    center = np.array([1.5, 2.0])
    w = lp.constrained_solution("l2", center=center, radius=0.8, curvature=matrix)
    gradient = matrix @ (w - center)
    # At the optimum on the circle, the loss gradient points straight at the origin.
    cross = gradient[0] * w[1] - gradient[1] * w[0]
    assert cross == pytest.approx(0.0, abs=1e-9)
    assert np.linalg.norm(w) == pytest.approx(0.8, abs=1e-9)


def test_solution_inside_the_region_is_least_squares():
    np.testing.assert_allclose(lp.constrained_solution("l1", center=(0.3, -0.2)), [0.3, -0.2])
    np.testing.assert_allclose(lp.constrained_solution("l2", center=(0.3, -0.2)), [0.3, -0.2])


def test_l1_solution_matches_a_brute_force_search():
    center, matrix = np.array([0.9, 1.4]), np.array([[1.0, -0.4], [-0.4, 2.0]])
    w = lp.constrained_solution("l1", center=center, radius=1.2, curvature=matrix)
    grid = np.linspace(-1.2, 1.2, 481)
    g1, g2 = np.meshgrid(grid, grid)
    points = np.stack([g1.ravel(), g2.ravel()], axis=1)
    points = points[np.abs(points).sum(axis=1) <= 1.2 + 1e-12]
    d = points - center
    best = points[np.argmin(np.einsum("ij,jk,ik->i", d, matrix, d))]
    np.testing.assert_allclose(w, best, atol=0.01)


@pytest.mark.parametrize(("kind", "patch"), [("l1", "Polygon"), ("l2", "Circle")])
def test_geometry_figure_draws_region_contours_and_solution(kind, patch):
    _, ax = plt.subplots()
    returned = lp.plot_constraint_geometry(kind, ax=ax)
    assert returned is ax
    assert [type(p).__name__ for p in ax.patches] == [patch]
    assert len(ax.collections) == 2  # dashed contours, touching contour
    markers = [line for line in ax.lines if line.get_marker() in ("x", "o")]
    assert len(markers) == 2
    solution = lp.constrained_solution(kind)
    np.testing.assert_allclose(markers[1].get_xydata()[0], solution)
    assert ax.get_xlabel() == "w1" and ax.get_ylabel() == "w2"
    assert ax.get_aspect() == 1.0
    assert ax.get_title().startswith(f"{kind.upper()} constraint")


def test_geometry_rejects_bad_input():
    with pytest.raises(ValueError, match="kind must be one of 'l1', 'l2', got 'l3'"):
        lp.plot_constraint_geometry("l3")
    with pytest.raises(ValueError, match="radius must be a positive number, got 0"):
        lp.constrained_solution("l1", radius=0)
    with pytest.raises(ValueError, match="center must hold two numbers"):
        lp.constrained_solution("l2", center=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="symmetric positive definite"):
        lp.constrained_solution("l2", curvature=[[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match="2x2 matrix"):
        lp.constrained_solution("l2", curvature=np.eye(3))
    with pytest.raises(TypeError, match="radius must be a number, got str"):
        lp.constrained_solution("l2", radius="1")
    with pytest.raises(ValueError, match="n_contours must be at least 1"):
        lp.plot_constraint_geometry("l1", n_contours=0)
