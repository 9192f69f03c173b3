"""Effects that notebook 13 (regularization from scratch) demonstrates, on its own code.

The notebook's code cells are run here from its jupytext source
(``tests/_notebook_source.py``), so the functions and the numbers tested are exactly the
notebook's. An independent reference, TensorFlow's
automatic differentiation, checks the hand-written backward pass. Each test asserts a
direction and a margin that the notebook's printed numbers show, and can fail.
"""

from __future__ import annotations

import numpy as np
import pytest
from _notebook_source import run_notebook_source


@pytest.fixture(scope="module")
def nb():
    return run_notebook_source("notebooks/13_regularization_from_scratch.py")


def test_gradient_check_passes_on_correct_code(nb):
    for kwargs in nb["checks"].values():
        relative = nb["gradient_check"](nb["params_check"], nb["X_check"], nb["y_check"], **kwargs)
        assert relative < 1e-7  # the text: "below 1e-8"; the brief's "about 1e-7 when right"
    assert len(nb["checks"]) == 4


def test_gradient_check_fails_visibly_on_the_planted_bugs(nb):
    assert nb["bug_forgets_mask"] > 1e-2
    assert nb["bug_halves_l2"] > 1e-2


def test_zero_biases_and_dropout_give_a_false_alarm_at_relu_kinks(nb):
    assert nb["silent_rows"] >= 1
    assert nb["false_alarm"] > 1e-3
    assert nb["false_alarm"] > nb["bug_halves_l2"] / 10  # "as large as a planted bug"
    # "the bias gradients of layer 2 are the ones that disagree"
    params, X, y, masks = nb["fresh_twin"], nb["X_check"], nb["y_check"], nb["masks_check"]
    _, cache = nb["forward"](params, X, masks)
    analytic = nb["backward"](params, cache, y)
    eps, worst = 1e-6, {}
    for name, value in params.items():
        errors = []
        for index in np.ndindex(value.shape):
            shifted = {key: array.copy() for key, array in params.items()}
            shifted[name][index] += eps
            plus = nb["cost"](shifted, X, y, 0.0, masks)
            shifted[name][index] -= 2 * eps
            minus = nb["cost"](shifted, X, y, 0.0, masks)
            errors.append(abs((plus - minus) / (2 * eps) - analytic[name][index]))
        worst[name] = max(errors)
    assert worst["b2"] > 1e-3
    assert all(error < 1e-7 for name, error in worst.items() if name != "b2")


def test_backward_matches_automatic_differentiation(nb):
    """An independent reference: TensorFlow's GradientTape on the same cost, with L2 and masks."""
    import tensorflow as tf

    params = nb["params_check"]
    X, y, masks, lam = nb["X_check"], nb["y_check"], nb["masks_check"], 0.7
    variables = {name: tf.Variable(value) for name, value in params.items()}
    with tf.GradientTape() as tape:
        A = tf.convert_to_tensor(X)
        for k in (1, 2):
            A = tf.nn.relu(A @ variables[f"W{k}"] + variables[f"b{k}"]) * masks[k - 1]
        z = tf.reshape(A @ variables["W3"] + variables["b3"], [-1])
        cost = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
        cost += lam / (2 * len(y)) * sum(tf.reduce_sum(variables[f"W{k}"] ** 2) for k in (1, 2, 3))
    reference = tape.gradient(cost, variables)
    _, cache = nb["forward"](params, X, masks)
    grads = nb["backward"](params, cache, y, lam)
    assert float(cost) == pytest.approx(nb["cost"](params, X, y, lam, masks), rel=1e-12)
    for name in params:
        np.testing.assert_allclose(grads[name], reference[name].numpy(), rtol=1e-9, atol=1e-12)


def test_inverted_dropout_keeps_the_mean_and_blocks_gradients_of_dropped_units(nb):
    assert set(np.unique(nb["masks"][0])) == {0.0, 2.0}
    assert abs(nb["A1_dropped"].mean() - nb["A1"].mean()) < 0.05 * nb["A1"].mean()
    assert np.all(nb["one_grads"]["W1"][:, nb["dropped"]] == 0.0)
    assert np.abs(nb["one_grads"]["W1"][:, ~nb["dropped"]]).max() > 0.1


def test_unregularized_network_over_fits_and_l2_and_dropout_narrow_the_gap(nb):
    results = nb["results"]
    none, l2 = results.loc["none"], results.loc[f"L2 (lambda={nb['lam']})"]
    dropout, both = results.loc["dropout 0.5"], results.loc["L2 + dropout"]
    assert none["train_loss"] < 0.1 and none["gap"] > 0.5
    assert l2["gap"] < none["gap"] / 5
    assert dropout["gap"] < none["gap"] * 0.7
    assert both["gap"] < none["gap"] / 5
    assert l2["val_loss"] == results["val_loss"].min()  # "the lowest validation loss of the four"
    assert dropout["gap"] > l2["gap"]  # "less than this lambda does here"
    assert abs(both["gap"] - l2["gap"]) < 0.05  # "adding it to L2 changes little"
    # "lowest at step 175, climbs from there": an early minimum well below the final loss
    assert none["best_step"] < 500 and none["best_val_loss"] < none["val_loss"] / 2
    # "L2 keeps the weights small ... dropout shrinks the weights much less"
    assert l2["sum_W2"] < none["sum_W2"] / 5 and both["sum_W2"] < none["sum_W2"] / 5
    assert dropout["sum_W2"] > 5 * l2["sum_W2"]
    # the figure's caption: the two runs with L2 end with the lowest validation losses
    assert set(results["val_loss"].nsmallest(2).index) == {l2.name, both.name}


def test_keras_twin_reproduces_the_numpy_loss_curve(nb):
    assert nb["keras_factor"] == pytest.approx(nb["lam"] / (2 * nb["m"]))
    assert nb["largest_loss_gap"] < 1e-6  # the table agrees to six decimals
    assert nb["largest_weight_gap"] < 1e-5
    assert nb["val_proba_gap"] < 1e-6
    losses = nb["bridge"]["numpy_loss"]
    assert losses.iloc[-1] < losses.iloc[0] - 0.3  # the curve really moves: not a flat match


def test_the_naive_keras_factor_would_be_a_different_penalty(nb):
    """L2(lambda) instead of L2(lambda / (2 m)) is 2 m = 200 times the penalty."""
    keras = nb["keras"]
    params = nb["params0"]
    naive = sum(float(keras.regularizers.L2(nb["lam"])(params[f"W{k}"])) for k in (1, 2, 3))
    assert naive == pytest.approx(2 * nb["m"] * nb["l2_term"](params, nb["lam"], nb["m"]))
