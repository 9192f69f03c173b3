"""Tests for course_utils.selection_plots: the one-standard-error rule and its figures."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from course_utils.selection_plots import (
    one_standard_error_alpha,
    plot_grouped_coefficients,
    plot_validation_curve,
)

# A hand-computed case (errors, lower is better), 4 folds:
#   alpha:      0.01  0.1   1.0   10.0  100.0
#   mean MSE:   2.00  1.10  1.00  1.15  3.00   -> best alpha 1.0 (mean 1.00)
#   std:        0.30  0.20  0.40  0.20  0.30   -> standard error at the best: 0.40 / sqrt(4) = 0.20
# Threshold 1.00 + 0.20 = 1.20: alphas 0.1, 1.0 and 10.0 qualify; the largest is 10.0.
ALPHAS = np.array([0.01, 0.1, 1.0, 10.0, 100.0])
MEAN_MSE = np.array([2.00, 1.10, 1.00, 1.15, 3.00])
STD_MSE = np.array([0.30, 0.20, 0.40, 0.20, 0.30])


def fold_scores(mean, std, n_folds=4):
    """Fold scores with exactly the given mean and (population) standard deviation."""
    pattern = np.array([1.0, -1.0] * (n_folds // 2))
    return np.asarray(mean)[:, None] + np.asarray(std)[:, None] * pattern[None, :]


# ------------------------------------------------------------------ one_standard_error_alpha
def test_one_standard_error_hand_computed_case():
    chosen = one_standard_error_alpha(ALPHAS, MEAN_MSE, STD_MSE, 4, greater_is_better=False)
    assert chosen == 10.0


def test_one_standard_error_uses_standard_error_not_std():
    # With 16 folds the standard error is 0.40 / 4 = 0.10, the threshold 1.10: alpha 10
    # (mean 1.15) no longer qualifies. A rule that used the standard deviation itself
    # (margin 0.40) would still pick 10 whatever the number of folds.
    chosen = one_standard_error_alpha(ALPHAS, MEAN_MSE, STD_MSE, 16, greater_is_better=False)
    assert chosen == 1.0


def test_one_standard_error_scores_where_greater_is_better():
    chosen = one_standard_error_alpha(ALPHAS, -MEAN_MSE, STD_MSE, 4, greater_is_better=True)
    assert chosen == 10.0
    # The wrong direction picks a different alpha: the flag matters.
    assert one_standard_error_alpha(ALPHAS, -MEAN_MSE, STD_MSE, 4, greater_is_better=False) != 10.0


def test_one_standard_error_order_of_alphas_does_not_matter():
    order = np.array([3, 0, 4, 2, 1])
    chosen = one_standard_error_alpha(
        ALPHAS[order], MEAN_MSE[order], STD_MSE[order], 4, greater_is_better=False
    )
    assert chosen == 10.0


def test_one_standard_error_zero_spread_returns_best():
    chosen = one_standard_error_alpha(ALPHAS, MEAN_MSE, np.zeros(5), 5, greater_is_better=False)
    assert chosen == 1.0


def test_one_standard_error_matches_brute_force_on_random_cases():
    rng = np.random.default_rng(0)
    for _ in range(50):
        alphas = np.sort(rng.uniform(0.001, 100, 8))
        mean = rng.uniform(1, 2, 8)
        std = rng.uniform(0, 0.5, 8)
        best = np.argmin(mean)
        limit = mean[best] + std[best] / np.sqrt(5)
        expected = max(a for a, m in zip(alphas, mean, strict=True) if m <= limit)
        assert one_standard_error_alpha(alphas, mean, std, 5, greater_is_better=False) == expected


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"alphas": [0.1, 1.0]}, ValueError, "same length"),
        ({"std_scores": [0.1, -0.2, 0.1, 0.1, 0.1]}, ValueError, "must not be negative"),
        ({"mean_scores": [1.0, np.nan, 1.0, 1.0, 1.0]}, ValueError, "NaN or infinite"),
        ({"alphas": [0.1, 0.1, 1.0, 10.0, 100.0]}, ValueError, "repeated"),
        ({"n_folds": 1}, ValueError, "at least 2"),
        ({"n_folds": 5.0}, TypeError, "whole number"),
        ({"greater_is_better": "no"}, TypeError, "True or False"),
        ({"alphas": [[0.1, 1.0]] * 5}, ValueError, "one-dimensional"),
        ({"alphas": ["a", "b", "c", "d", "e"]}, TypeError, "array of numbers"),
    ],
)
def test_one_standard_error_bad_inputs(kwargs, error, message):
    arguments = {
        "alphas": ALPHAS,
        "mean_scores": MEAN_MSE,
        "std_scores": STD_MSE,
        "n_folds": 4,
        "greater_is_better": False,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        one_standard_error_alpha(**arguments)


def test_one_standard_error_needs_the_direction():
    with pytest.raises(TypeError, match="greater_is_better"):
        one_standard_error_alpha(ALPHAS, MEAN_MSE, STD_MSE, 4)  # type: ignore[call-arg]


# ------------------------------------------------------------------ plot_validation_curve
def test_validation_curve_lines_band_and_log_axis():
    valid = fold_scores(MEAN_MSE, STD_MSE)
    ax = plot_validation_curve(
        ALPHAS, valid, greater_is_better=False, score_name="mean squared error"
    )
    # validation mean, best marker, one-standard-error marker
    assert len(ax.lines) == 3
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 1
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "mean squared error"
    assert "alpha" in ax.get_xlabel()
    np.testing.assert_allclose(ax.lines[0].get_ydata(), MEAN_MSE)
    assert ax.lines[0].get_linestyle() == "--"


def test_validation_curve_marks_best_and_one_standard_error_alphas():
    ax = plot_validation_curve(ALPHAS, fold_scores(MEAN_MSE, STD_MSE), greater_is_better=False)
    best_marker, one_se_marker = ax.lines[1], ax.lines[2]
    assert best_marker.get_xdata()[0] == 1.0
    assert best_marker.get_ydata()[0] == pytest.approx(1.0)
    assert one_se_marker.get_xdata()[0] == 10.0
    assert one_se_marker.get_ydata()[0] == pytest.approx(1.15)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("best alpha = 1" in label for label in labels)
    assert any("one-standard-error alpha = 10" in label for label in labels)


def test_validation_curve_band_is_one_std_wide():
    ax = plot_validation_curve(ALPHAS, fold_scores(MEAN_MSE, STD_MSE), greater_is_better=False)
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx((MEAN_MSE - STD_MSE).min())
    assert band[:, 1].max() == pytest.approx((MEAN_MSE + STD_MSE).max())


def test_validation_curve_with_training_scores_and_without_one_se():
    valid = fold_scores(MEAN_MSE, STD_MSE)
    train = fold_scores(MEAN_MSE / 2, STD_MSE / 2)
    ax = plot_validation_curve(
        ALPHAS, valid, train, greater_is_better=False, mark_one_standard_error=False
    )
    # training mean, validation mean, best marker
    assert len(ax.lines) == 3
    assert len(ax.collections) == 2
    assert ax.lines[0].get_linestyle() == "-"
    assert ax.lines[1].get_linestyle() == "--"


def test_validation_curve_accuracy_best_is_the_maximum_and_unsorted_alphas_work():
    order = np.array([4, 2, 0, 3, 1])
    accuracy = 1.0 - MEAN_MSE / 4
    ax = plot_validation_curve(
        ALPHAS[order], fold_scores(accuracy[order], STD_MSE[order] / 4), greater_is_better=True
    )
    assert ax.lines[1].get_xdata()[0] == 1.0
    assert list(ax.lines[0].get_xdata()) == sorted(ALPHAS)


def test_validation_curve_draws_on_given_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert (
        plot_validation_curve(
            ALPHAS, fold_scores(MEAN_MSE, STD_MSE), greater_is_better=False, ax=ax
        )
        is ax
    )


@pytest.mark.parametrize(
    ("alphas", "valid", "kwargs", "error", "message"),
    [
        ([0.0, 1.0, 2.0, 3.0, 4.0], None, {}, ValueError, "positive numbers"),
        (ALPHAS[:3], None, {}, ValueError, "one row per alpha"),
        (ALPHAS, MEAN_MSE, {}, ValueError, "two-dimensional"),
        (ALPHAS, MEAN_MSE[:, None], {}, ValueError, "at least 2 folds"),
        (ALPHAS, None, {"greater_is_better": 1}, TypeError, "True or False"),
        (ALPHAS, None, {"score_name": 3}, TypeError, "score_name must be a string"),
        (ALPHAS, None, {"ax": "left"}, TypeError, "matplotlib Axes"),
    ],
)
def test_validation_curve_bad_inputs(alphas, valid, kwargs, error, message):
    valid = fold_scores(MEAN_MSE, STD_MSE) if valid is None else valid
    arguments = {"greater_is_better": False, **kwargs}
    with pytest.raises(error, match=message):
        plot_validation_curve(alphas, valid, **arguments)


def test_validation_curve_rejects_training_scores_of_the_wrong_shape():
    valid = fold_scores(MEAN_MSE, STD_MSE)
    with pytest.raises(ValueError, match="train_scores has 2 rows"):
        plot_validation_curve(ALPHAS, valid, valid[:2], greater_is_better=False)


# -------------------------------------------------------------- plot_grouped_coefficients
def test_grouped_coefficients_bars_names_and_true_values():
    coefs = {"Lasso": [1.0, 0.0, 0.0, 0.0, 0.3, 0.0], "Ridge": [0.4, 0.3, 0.3, 0.1, 0.1, 0.0]}
    ax = plot_grouped_coefficients(coefs, 3, true_coef=[0.33] * 3 + [0.0] * 3)
    assert len(ax.containers) == 2
    assert [len(container) for container in ax.containers] == [6, 6]
    heights = [bar.get_height() for bar in ax.containers[0]]
    assert heights == coefs["Lasso"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A1", "A2", "A3", "B1", "B2", "B3"]
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == {"Lasso", "Ridge", "true value"}
    # bars of the two models sit side by side, not on top of each other
    x_lasso = ax.containers[0][0].get_x() + ax.containers[0][0].get_width() / 2
    x_ridge = ax.containers[1][0].get_x() + ax.containers[1][0].get_width() / 2
    assert x_lasso < 0 < x_ridge


def test_grouped_coefficients_custom_label():
    ax = plot_grouped_coefficients({"a": [0.5, 1.0]}, 1, ylabel="share kept")
    assert ax.get_ylabel() == "share kept"


@pytest.mark.parametrize(
    ("coefs", "group_size", "kwargs", "error", "message"),
    [
        ([1.0, 2.0], 1, {}, TypeError, "dict"),
        ({}, 1, {}, TypeError, "non-empty"),
        ({"a": [1.0, 2.0], "b": [1.0]}, 1, {}, ValueError, "same length"),
        ({"a": [1.0, 2.0, 3.0]}, 2, {}, ValueError, "multiple of group_size"),
        ({"a": [1.0, 2.0]}, 0, {}, ValueError, "at least 1"),
        ({"a": [1.0, 2.0]}, 1.5, {}, TypeError, "whole number"),
        ({"a": [1.0, 2.0]}, 1, {"true_coef": [1.0]}, ValueError, "true_coef has 1"),
        ({"a": [1.0, np.inf]}, 1, {}, ValueError, "NaN or infinite"),
    ],
)
def test_grouped_coefficients_bad_inputs(coefs, group_size, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_grouped_coefficients(coefs, group_size, **kwargs)
