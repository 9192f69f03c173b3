"""Unit tests of course_utils.numpy_mlp: gradients against automatic differentiation and
finite differences, the training loop against a hand-written step, predictions, errors."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.numpy_mlp import (
    accuracy,
    count_weights,
    init_params,
    log_loss,
    loss_and_gradients,
    predict_proba,
    train_mlp,
)


def random_problem(sizes, n=15, seed=0):
    rng = np.random.default_rng(seed)
    params = [
        (rng.normal(size=(a, b)), rng.normal(scale=0.3, size=b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    X = rng.normal(size=(n, sizes[0]))
    y = (rng.random(n) < 0.5).astype(float)
    masks = [(rng.random((n, u)) >= 0.5) / 0.5 for u in sizes[1:-1]]
    return params, X, y, masks


def test_init_params_shapes_spread_and_seed():
    params = init_params([300, 200, 1], seed=1)
    assert [(W.shape, b.shape) for W, b in params] == [((300, 200), (200,)), ((200, 1), (1,))]
    assert params[0][0].std() == pytest.approx(np.sqrt(2 / 300), rel=0.03)
    assert all(np.all(b == 0) for _, b in params)
    np.testing.assert_array_equal(init_params([3, 4, 1], 5)[0][0], init_params([3, 4, 1], 5)[0][0])
    assert not np.array_equal(init_params([3, 4, 1], 5)[0][0], init_params([3, 4, 1], 6)[0][0])


def test_count_weights_closed_form():
    assert count_weights([2, 16, 16, 1]) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1
    assert count_weights([5, 1]) == 6


@pytest.mark.parametrize("sizes", [[3, 6, 4, 1], [4, 1], [2, 5, 1]])
def test_gradients_match_tensorflow(sizes):
    import tensorflow as tf

    params, X, y, masks = random_problem(sizes)
    l2 = 0.03
    variables = [(tf.Variable(W), tf.Variable(b)) for W, b in params]
    with tf.GradientTape() as tape:
        A = tf.convert_to_tensor(X)
        for k, (W, b) in enumerate(variables[:-1]):
            A = tf.nn.relu(A @ W + b) * masks[k]
        z = tf.reshape(A @ variables[-1][0] + variables[-1][1], [-1])
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
        loss += l2 * sum(tf.reduce_sum(W**2) for W, _ in variables)
    reference = tape.gradient(loss, [v for pair in variables for v in pair])
    ours_loss, ours = loss_and_gradients(params, X, y, l2=l2, masks=masks or None)
    assert ours_loss == pytest.approx(float(loss), rel=1e-12)
    for mine, theirs in zip([g for pair in ours for g in pair], reference, strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_gradients_match_central_differences():
    params, X, y, masks = random_problem([2, 4, 3, 1], seed=3)
    _, grads = loss_and_gradients(params, X, y, l2=0.1, masks=masks)
    eps = 1e-6
    for k in range(len(params)):
        for which in (0, 1):
            for index in np.ndindex(params[k][which].shape):
                shifted = []
                for sign in (1, -1):
                    trial = [(W.copy(), b.copy()) for W, b in params]
                    trial[k][which][index] += sign * eps
                    shifted.append(loss_and_gradients(trial, X, y, l2=0.1, masks=masks)[0])
                numeric = (shifted[0] - shifted[1]) / (2 * eps)
                assert grads[k][which][index] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_loss_stays_finite_for_confident_networks():
    params, X, y, _ = random_problem([3, 5, 1])
    big = [(100 * W, 100 * b) for W, b in params]
    loss, _ = loss_and_gradients(big, X, y)
    assert np.isfinite(loss) and loss > 1.0


def test_one_sgd_step_is_a_gradient_step():
    params, X, y, _ = random_problem([2, 5, 1])
    _, grads = loss_and_gradients(params, X, y, l2=0.01)
    net = train_mlp(
        [2, 5, 1], X, y, steps=1, learning_rate=0.3, optimizer="sgd", l2=0.01, init=params
    )
    for (W, b), (W0, b0), (dW, db) in zip(net.params, params, grads, strict=True):
        np.testing.assert_allclose(W, W0 - 0.3 * dW)
        np.testing.assert_allclose(b, b0 - 0.3 * db)
    assert params[0][0] is not net.params[0][0]  # init was copied, not trained in place


def test_first_adam_step_moves_every_weight_by_the_learning_rate():
    params, X, y, _ = random_problem([2, 5, 1])
    _, grads = loss_and_gradients(params, X, y)
    net = train_mlp([2, 5, 1], X, y, steps=1, learning_rate=0.01, init=params)
    step = net.params[0][0] - params[0][0]
    np.testing.assert_allclose(step, -0.01 * np.sign(grads[0][0]), rtol=1e-4)


def test_training_learns_xor_reproducibly_and_records_curves():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    runs = [
        train_mlp(
            [2, 8, 1],
            X,
            y,
            steps=300,
            learning_rate=0.05,
            seed=0,
            record_every=100,
            validation_data=(X, y),
        )
        for _ in range(2)
    ]
    assert accuracy(y, predict_proba(runs[0].params, X)) == 1.0
    np.testing.assert_array_equal(runs[0].params[0][0], runs[1].params[0][0])
    assert runs[0].steps == [100, 200, 300]
    assert runs[0].train_loss == runs[0].val_loss
    assert runs[0].train_loss[-1] < runs[0].train_loss[0]


def test_rows_train_on_a_subset_and_dropout_changes_training():
    params, X, y, _ = random_problem([2, 6, 1], n=20)
    subset = train_mlp(
        [2, 6, 1], X, y, steps=5, learning_rate=0.1, rows=np.arange(10), init=params
    )
    direct = train_mlp([2, 6, 1], X[:10], y[:10], steps=5, learning_rate=0.1, init=params)
    np.testing.assert_allclose(subset.params[0][0], direct.params[0][0])
    dropped = train_mlp([2, 6, 1], X, y, steps=5, learning_rate=0.1, dropout_rate=0.5, init=params)
    plain = train_mlp([2, 6, 1], X, y, steps=5, learning_rate=0.1, init=params)
    assert not np.allclose(dropped.params[0][0], plain.params[0][0])


def test_predict_proba_weight_scaling_and_monte_carlo():
    params, X, _, _ = random_problem([3, 50, 1], n=10)
    params = [(0.2 * W, b) for W, b in params]  # moderate logits
    scaled = predict_proba(params, X)
    assert np.all((scaled > 0) & (scaled < 1))
    mc = predict_proba(params, X, dropout_rate=0.5, n_masks=4000, seed=0)
    again = predict_proba(params, X, dropout_rate=0.5, n_masks=4000, seed=0)
    np.testing.assert_array_equal(mc, again)
    assert not np.allclose(mc, scaled, atol=1e-3)  # averaging masks is not weight scaling
    one_layer = [(np.array([[1.0], [-2.0], [0.5]]), np.array([0.1]))]
    manual = 1 / (1 + np.exp(-(X @ one_layer[0][0][:, 0] + 0.1)))
    np.testing.assert_allclose(predict_proba(one_layer, X), manual)


def test_log_loss_and_accuracy():
    assert log_loss([1, 0], [0.5, 0.5]) == pytest.approx(np.log(2))
    assert np.isfinite(log_loss([1, 0], [0.0, 1.0]))
    assert accuracy([1, 0, 1], [0.9, 0.2, 0.4]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="same shape"):
        log_loss([1, 0], [0.5])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: init_params([3]), ValueError, "at least an input size"),
        (lambda: init_params([3, 4, 2]), ValueError, "one sigmoid output"),
        (lambda: init_params([3, 0, 1]), ValueError, "at least 1"),
        (lambda: init_params(5), TypeError, "list of whole numbers"),
        (
            lambda: train_mlp([2, 1], np.ones((3, 3)), np.ones(3), steps=1, learning_rate=0.1),
            ValueError,
            "3 features",
        ),
        (
            lambda: train_mlp([2, 1], np.ones((3, 2)), np.ones(2), steps=1, learning_rate=0.1),
            ValueError,
            "one 0/1 label per row",
        ),
        (
            lambda: train_mlp(
                [2, 1], np.ones((3, 2)), np.ones(3), steps=1, learning_rate=0.1, dropout_rate=1.0
            ),
            ValueError,
            "below 1",
        ),
        (
            lambda: train_mlp(
                [2, 1],
                np.ones((3, 2)),
                np.ones(3),
                steps=1,
                learning_rate=0.1,
                optimizer="rmsprop",
            ),
            ValueError,
            "one of 'adam', 'sgd'",
        ),
        (
            lambda: predict_proba(init_params([2, 1]), np.ones((2, 2)), n_masks=3),
            ValueError,
            "give the dropout_rate",
        ),
        (lambda: predict_proba(init_params([2, 1]), np.ones(2)), ValueError, "2-D"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
