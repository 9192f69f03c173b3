"""Effects that notebook 14 (why regularization works) demonstrates, on its own code.

The notebook's code cells run here from its jupytext source (``tests/_notebook_source.py``);
each test asserts what a sentence of the notebook claims, with the margin its printed
numbers show, and can fail. Where a claim rests on a formula, the formula is checked
independently too.
"""

from __future__ import annotations

import numpy as np
import pytest
from _notebook_source import run_notebook_source
from sklearn.linear_model import Ridge


@pytest.fixture(scope="module")
def nb():
    return run_notebook_source("notebooks/14_why_regularization_works.py", render_figures=False)


# ----------------------------------------------------------------------- 1. capacity
def test_small_networks_under_fit_and_large_ones_over_fit(nb):
    capacity = nb["capacity"]  # means over the seeds
    best = nb["best_width"]
    assert len(nb["capacity_seeds"]) == 3
    assert 2 <= best <= 4  # the turn is at a few units per layer, not at either end
    assert capacity.loc[1, "train_loss"] > 0.25  # one unit per layer cannot fit the data
    assert np.all(np.diff(capacity["train_loss"].to_numpy()) <= 1e-3)  # training loss falls
    # "widths 2 to 4 within 0.02 of each other", a broad minimum
    assert capacity.loc[[2, 3, 4], "val_loss"].max() - capacity.loc[best, "val_loss"] < 0.02
    # "each seed has its best width somewhere else in that range"
    per_seed = set(nb["best_per_seed"].values())
    assert len(per_seed) > 1 and per_seed <= {2, 3, 4}
    # "one of its three initializations never learns at all": log 2 on validation
    assert np.isclose(nb["val_by_seed"].loc[1].max(), np.log(2), atol=1e-3)
    wide = capacity.loc[capacity.index >= 6]
    assert (wide["val_loss"] > capacity.loc[best, "val_loss"] + 0.1).all()
    assert capacity.loc[16:, "val_loss"].min() > 1.0  # "stays above 1 from width 16 on"
    assert capacity.loc[[64, 128], "train_loss"].max() < 0.001  # "memorized completely"
    assert capacity.loc[64, "gap"] > 5 * capacity.loc[best, "gap"]
    assert capacity.loc[32:, "gap"].max() - capacity.loc[32:, "gap"].min() < 0.1  # "levels off"


# ----------------------------------------------------------------------- 2. priors
def test_gaussian_map_is_ridge_with_alpha_sigma2_over_tau2(nb):
    X, y, sigma = nb["X_reg"], nb["y_reg"], nb["sigma"]
    for alpha in (0.1, 1.0, 10.0, 100.0):
        tau = np.sqrt(sigma**2 / alpha)
        w_map = nb["most_probable"](nb["gaussian_log_posterior"], tau=tau)
        w_ridge = Ridge(alpha=alpha, fit_intercept=False).fit(X, y).coef_
        np.testing.assert_allclose(w_map, w_ridge, atol=1e-6)
    # the check is not automatic: a prior three times wider misses Ridge(alpha=10) clearly
    wider = nb["most_probable"](nb["gaussian_log_posterior"], tau=3 * np.sqrt(sigma**2 / 10.0))
    assert np.abs(wider - Ridge(alpha=10.0, fit_intercept=False).fit(X, y).coef_).max() > 0.1


def test_lasso_is_the_laplace_map(nb):
    assert nb["improved"] == 0
    assert np.all(np.asarray(nb["grid_argmax"]) == 0.0)
    assert np.sum(nb["w_lasso"] == 0) >= 2  # there are exact zeros to explain
    # the check is not automatic: with b = sigma^2 / alpha (forgetting n) it fails
    b_wrong = nb["sigma"] ** 2 / nb["alpha_lasso"]
    X, y = nb["X_reg"], nb["y_reg"]

    def log_post(W):
        W = np.atleast_2d(W)
        return nb["stats"].norm.logpdf(y, loc=W @ X.T).sum(axis=1) + nb["stats"].laplace.logpdf(
            W, scale=b_wrong
        ).sum(axis=1)

    shifts = np.random.default_rng(1).normal(scale=0.01, size=(2000, len(nb["w_lasso"])))
    assert np.sum(log_post(nb["w_lasso"] + shifts) > log_post(nb["w_lasso"])[0]) > 0


# ----------------------------------------------------------------------- 3. early stopping
def test_gradient_descent_iterates_follow_the_ridge_path(nb):
    effective = nb["effective"]
    assert effective["distance_to_path"].max() < 0.02
    alphas = effective["closest_alpha"].to_numpy()
    assert np.all(np.diff(alphas) < 0)  # more steps, weaker effective penalty
    assert alphas[0] > 100 * alphas[-1]


def test_effective_alpha_follows_n_over_eta_t_only_at_first(nb):
    ratio = nb["effective"]["ratio"]
    assert 0.6 < ratio.loc[1] <= 1.0 and 0.6 < ratio.loc[2] <= 1.0
    assert ratio.loc[20:].max() < 0.2
    # the spectral formulas behind it: for small eta * mu * t both fractions agree
    eta, n, mu, t = 0.001, 100, 0.5, 10
    gd = 1 - (1 - eta * mu) ** t
    ridge = mu / (mu + (n / (eta * t)) / n)
    assert gd == pytest.approx(ridge, rel=0.01)


# ----------------------------------------------------------------------- 4. dropout ensemble
def test_weight_scaling_is_the_normalized_geometric_mean_for_one_layer(nb):
    assert len(nb["masks"]) == 2 ** nb["d"]
    np.testing.assert_allclose(nb["weight_scaled"], nb["normalized_geometric"], atol=1e-12)
    assert np.abs(nb["weight_scaled"] - nb["arithmetic"]).max() > 0.05


def test_dropout_and_bagging_beat_the_single_network(nb):
    table = nb["ensemble"]
    single = table.loc["single network, no dropout", "val_loss"]
    for name in table.index.drop(["single network, no dropout", "one bagged member (mean of 8)"]):
        assert table.loc[name, "val_loss"] < single / 2, name
    mc = [table.loc[f"dropout 0.5, MC average of {k}", "val_loss"] for k in (1, 10, 100, 1000)]
    assert mc == sorted(mc, reverse=True)  # more masks, lower loss


def test_weight_scaling_matches_mc_accuracy_but_not_its_cross_entropy(nb):
    table = nb["ensemble"]
    scaled = table.loc["dropout 0.5, weight scaling"]
    mc = table.loc["dropout 0.5, MC average of 1000"]
    assert abs(scaled["val_acc"] - mc["val_acc"]) <= 0.01
    assert scaled["val_loss"] > 1.5 * mc["val_loss"]
    assert table.loc["dropout 0.5, MC average of 1", "val_loss"] < scaled["val_loss"]


def test_bagging_average_is_much_better_than_its_members(nb):
    table = nb["ensemble"]
    member = table.loc["one bagged member (mean of 8)", "val_loss"]
    average = table.loc["bagging, average of 8", "val_loss"]
    assert average < member / 2
    assert average < table.loc["single network, no dropout", "val_loss"] / 2
    assert len(nb["bagged_members"]) == 8
