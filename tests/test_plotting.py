"""course_utils.plotting: what is drawn, the ax convention and clear errors."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from course_utils import plotting


def test_get_ax_makes_or_returns_axes():
    ax = plotting.get_ax()
    _, other = plt.subplots()
    assert plotting.get_ax(other) is other
    assert ax is not other
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None"):
        plotting.get_ax("left")


def test_plot_data_and_fit_draws_points_and_prediction_line():
    X = np.linspace(0, 10, 20)[:, None]
    y = 3 * X[:, 0] + 2
    model = LinearRegression().fit(X, y)
    _, ax = plt.subplots()
    returned = plotting.plot_data_and_fit(X, y, model, ax=ax, n_points=50)
    assert returned is ax
    assert len(ax.collections) == 1 and len(ax.lines) == 1
    xs, ys = ax.lines[0].get_data()
    assert len(xs) == 50
    np.testing.assert_allclose(ys, 3 * xs + 2)
    assert ax.get_xlabel() == "x"


def test_plot_data_and_fit_accepts_a_function_and_checks_lengths():
    X = np.arange(5.0)
    ax = plotting.plot_data_and_fit(X, X**2, lambda g: g[:, 0] ** 2)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), ax.lines[0].get_xdata() ** 2)
    with pytest.raises(ValueError, match="same length"):
        plotting.plot_data_and_fit(X, X[:3])
    with pytest.raises(TypeError, match="predict method"):
        plotting.plot_data_and_fit(X, X, model=3)
    with pytest.raises(ValueError, match="one-dimensional"):
        plotting.plot_data_and_fit(np.ones((3, 2)), np.ones(3))


class FakeHistory:
    def __init__(self, history):
        self.history = history


def test_plot_history_train_solid_validation_dashed_best_epoch_marked():
    hist = FakeHistory({"loss": [3.0, 2.0, 1.0, 0.5], "val_loss": [3.5, 2.5, 2.8, 3.0]})
    ax = plotting.plot_history(hist)
    train, val, best = ax.lines
    assert train.get_linestyle() == "-" and val.get_linestyle() == "--"
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])
    assert best.get_xdata()[0] == 2 and best.get_ydata()[0] == 2.5
    assert "best epoch 2" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_history_accuracy_marks_the_highest_value_and_shares_colour():
    hist = {"accuracy": [0.5, 0.9], "val_accuracy": [0.6, 0.55]}
    ax = plotting.plot_history(hist, "accuracy", label="net")
    train, val, best = ax.lines
    assert best.get_xdata()[0] == 1
    assert train.get_color() == val.get_color() == best.get_color()
    assert ax.get_legend().get_texts()[0].get_text() == "net: training"


def test_plot_history_errors():
    with pytest.raises(ValueError, match="available: \\['loss'\\]"):
        plotting.plot_history({"loss": [1.0]}, "accuracy")
    with pytest.raises(TypeError, match="History object"):
        plotting.plot_history([1, 2, 3])


def test_plot_coefficients_bars_true_values_and_names():
    ax = plotting.plot_coefficients(
        [1.0, 0.0, -2.0], true_coef=[1.0, 0.5, -2.0], feature_names=["a", "b", "c"]
    )
    heights = [p.get_height() for p in ax.patches]
    assert heights == [1.0, 0.0, -2.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 0.5, -2.0])
    with pytest.raises(ValueError, match="true_coef has 2 values but coef has 3"):
        plotting.plot_coefficients([1, 2, 3], true_coef=[1, 2])
    with pytest.raises(ValueError, match="feature_names has 1 names"):
        plotting.plot_coefficients([1, 2], feature_names=["x"])
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_coefficients([])


def test_helpers_never_call_show(monkeypatch):
    def fail(*_, **__):
        raise AssertionError("plt.show() called")

    monkeypatch.setattr(plt, "show", fail)
    plotting.plot_coefficients([1.0])
    plotting.plot_history({"loss": [1.0], "val_loss": [1.0]})
    plotting.plot_data_and_fit([1.0, 2.0], [1.0, 2.0])
