"""Effects that notebooks 07 (dropout) and 08 (weight penalties) demonstrate, on their data.

The networks below repeat the notebooks' model code; if a notebook changes its
settings, change them here too. Each test can fail: it asserts a direction and
a margin that the notebook's printed numbers show.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data import make_noisy_moons, make_sparse_regression, make_tutorial_linear
from course_utils.training import make_dataset, train_configurations


@pytest.fixture(scope="module")
def keras():
    """Keras seeded with op determinism on, as setup_notebook(seed=42, keras=True) does."""
    import tensorflow as tf

    from course_utils.notebook import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(42)
    tf.config.experimental.enable_op_determinism()
    return keras


# --------------------------------------------------------------------------- notebook 07
@pytest.fixture(scope="module")
def moons():
    return make_noisy_moons(n_train=100, n_val=500, n_test=500, noise=0.3, seed=42)


@pytest.fixture(scope="module")
def moons_runs(keras, moons):
    """Notebook 07, sections 2 and 4: the over-fitting network at three dropout rates."""

    def build_moons_network(dropout_rate=0.0):
        model = keras.Sequential(
            [
                keras.Input(shape=(2,)),
                keras.layers.Dense(256, activation="relu"),
                keras.layers.Dropout(dropout_rate),
                keras.layers.Dense(256, activation="relu"),
                keras.layers.Dropout(dropout_rate),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=0.01),
            loss="binary_crossentropy",
            metrics=["accuracy"],
        )
        return model

    configs = {rate: {"dropout_rate": rate} for rate in (0.0, 0.5, 0.9)}
    table, histories = train_configurations(
        {f"rate {rate}": kwargs for rate, kwargs in configs.items()},
        build_moons_network,
        moons,
        epochs=30,
        batch_size=16,
        metric="loss",
    )
    train_set = make_dataset(moons.X_train, moons.y_train, batch_size=512)
    accuracy = {
        name: history.model.evaluate(train_set, verbose=0, return_dict=True)["accuracy"]
        for name, history in histories.items()
    }
    return table, histories, accuracy


def test_dropout_narrows_the_train_validation_gap_and_lowers_validation_loss(moons_runs):
    table, _, _ = moons_runs
    without, with_dropout = table.loc["rate 0.0"], table.loc["rate 0.5"]
    # The size of the effect depends on the order of the batches (one seed); its direction
    # does not: the training loss runs well below the validation loss without dropout, and
    # dropout more than halves that gap and lowers the validation loss.
    assert without["gap"] > 0.15  # the unregularized network over-fits clearly
    assert without["val_loss"] > without["best_val_loss"] + 0.05  # and gets worse with time
    assert with_dropout["gap"] < without["gap"] / 2
    assert with_dropout["val_loss"] < without["val_loss"]


def test_a_very_high_dropout_rate_under_fits(moons_runs):
    table, _, train_accuracy = moons_runs
    assert train_accuracy["rate 0.9"] < train_accuracy["rate 0.5"]
    assert table.loc["rate 0.9", "train_loss"] > table.loc["rate 0.5", "train_loss"] + 0.05
    assert table.loc["rate 0.9", "val_loss"] > table.loc["rate 0.5", "val_loss"]


def test_keras_training_metrics_are_measured_with_dropout_on(moons_runs, moons):
    _, histories, _ = moons_runs
    history = histories["rate 0.9"]
    reported = history.history["loss"][-1]
    evaluated = history.model.evaluate(
        make_dataset(moons.X_train, moons.y_train, batch_size=512), verbose=0
    )[0]
    assert reported > evaluated  # the handicapped training measurement looks worse
    worse_epochs = np.sum(
        np.array(history.history["loss"]) > np.array(history.history["val_loss"])
    )
    assert worse_epochs > len(history.history["loss"]) // 2


def inverted_dropout(x, rate, rng):
    """Notebook 07's NumPy version."""
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0), keep


def test_hand_written_inverted_dropout_preserves_the_mean():
    rng = np.random.default_rng(42)
    x = rng.uniform(0.5, 1.5, size=(2000, 50))
    for rate in (0.2, 0.5, 0.8):
        out, keep = inverted_dropout(x, rate, rng)
        assert out.mean() == pytest.approx(x.mean(), rel=0.02)
        assert 1 - keep.mean() == pytest.approx(rate, abs=0.01)
        np.testing.assert_allclose(out[keep], x[keep] / (1 - rate))
        assert np.all(out[~keep] == 0)


def test_keras_dropout_matches_the_inverted_scaling(keras):
    rng = np.random.default_rng(42)
    x = rng.uniform(0.5, 1.5, size=(2000, 50)).astype("float32")
    rate = 0.4
    layer = keras.layers.Dropout(rate, seed=0)
    train = np.asarray(layer(x, training=True))
    test = np.asarray(layer(x, training=False))
    kept = train != 0
    np.testing.assert_allclose(train[kept], x[kept] / (1 - rate), rtol=1e-6)
    assert 1 - kept.mean() == pytest.approx(rate, abs=0.01)
    assert train.mean() == pytest.approx(x.mean(), rel=0.02)
    np.testing.assert_array_equal(test, x)


@pytest.fixture(scope="module")
def line_runs(keras):
    """Notebook 07, sections 1, 5 and 7: the tutorial's network on the scaled line."""
    X, y = make_tutorial_linear(n_samples=80, seed=42)
    X_val, y_val = make_tutorial_linear(n_samples=1000, seed=7)
    x_mean, x_std, y_mean, y_std = X.mean(), X.std(), y.mean(), y.std()
    data = (
        (X - x_mean) / x_std,
        (y - y_mean) / y_std,
        (X_val - x_mean) / x_std,
        (y_val - y_mean) / y_std,
    )

    def build_line_network(dropout_rate=0.0, output_dropout_rate=0.0):
        model = keras.Sequential(
            [
                keras.Input(shape=(1,)),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dropout(dropout_rate),
                keras.layers.Dense(1),
                keras.layers.Dropout(output_dropout_rate),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
        return model

    _, histories = train_configurations(
        {"hidden": {"dropout_rate": 0.5}, "output": {"output_dropout_rate": 0.5}},
        build_line_network,
        data,
        epochs=30,
        batch_size=16,
    )
    return histories, data, (x_mean, x_std)


def test_dropout_after_a_regressors_output_shrinks_its_predictions(line_runs):
    histories, data, _ = line_runs
    # Called directly with dropout off, as the notebook does (predict would trace a function).
    predictions = np.asarray(histories["output"].model(data[2], training=False))[:, 0]
    slope = np.polyfit(data[3], predictions, 1)[0]
    assert slope == pytest.approx(0.5, abs=0.1)  # theory: 1 - rate
    hidden = np.asarray(histories["hidden"].model(data[2], training=False))[:, 0]
    hidden_slope = np.polyfit(data[3], hidden, 1)[0]
    # Noise sd 2 on a 3x line over [0, 10]: the best predictor's slope against the noisy
    # targets is 75 / (75 + 4) = 0.95; hidden dropout stays near it, output dropout halves it.
    assert 0.8 < hidden_slope < 1.05
    assert hidden_slope > slope + 0.3


def test_monte_carlo_dropout_spread_grows_away_from_the_data(keras, line_runs):
    histories, _, (x_mean, x_std) = line_runs
    x = ((np.array([[-10.0], [5.0], [20.0]]) - x_mean) / x_std).astype("float32")
    keras.utils.set_random_seed(0)
    passes = np.asarray(histories["hidden"].model(np.tile(x, (300, 1)), training=True))
    spread = passes.reshape(300, -1).std(axis=0)
    assert spread[0] > 5 * spread[1] and spread[2] > 5 * spread[1]


# --------------------------------------------------------------------------- notebook 08
def test_l1_l2_and_l1l2_penalties_by_hand_equal_model_losses(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Dense(
                4, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)
            ),
            keras.layers.Dense(
                3, activation="relu", kernel_regularizer=keras.regularizers.L1(0.02)
            ),
            keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.03)),
        ]
    )
    W1, W2, W3 = (layer.kernel.numpy() for layer in model.layers)
    by_hand = [
        0.01 * np.sum(W1**2),
        0.02 * np.sum(np.abs(W2)),
        0.01 * np.sum(np.abs(W3)) + 0.03 * np.sum(W3**2),
    ]
    np.testing.assert_allclose([float(t) for t in model.losses], by_hand, rtol=1e-6)
    assert float(sum(model.losses)) == pytest.approx(sum(by_hand), rel=1e-6)

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 5)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    model.compile(optimizer="sgd", loss="mse")
    mse = np.mean((model.predict(X, verbose=0) - y) ** 2)
    assert model.evaluate(X, y, batch_size=8, verbose=0) == pytest.approx(
        mse + sum(by_hand), rel=1e-5
    )
    for layer in model.layers:  # biases are not penalized
        layer.bias.assign(np.full(layer.bias.shape, 5.0, dtype="float32"))
    assert float(sum(model.losses)) == pytest.approx(sum(by_hand), rel=1e-6)
    assert keras.regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}


@pytest.fixture(scope="module")
def regression():
    X, y, _ = make_sparse_regression(
        n_samples=100, n_features=10, n_informative=3, noise=1.0, correlation=0.0, seed=42
    )
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype("float32")
    return X, y.astype("float32")


def _linear_model(keras, regularizer=None, optimizer=None):
    model = keras.Sequential(
        [keras.Input(shape=(10,)), keras.layers.Dense(1, kernel_regularizer=regularizer)]
    )
    model.compile(
        optimizer=optimizer or keras.optimizers.SGD(learning_rate=0.1),
        loss="mse",
        steps_per_execution=300,  # as notebook 08: fit's 300 steps in one call
    )
    return model


def _move_after_one_step(model, X, y, coef, intercept):
    model.layers[0].set_weights(
        [np.asarray(coef, dtype="float32")[:, None], np.array([intercept], dtype="float32")]
    )
    before = model.layers[0].kernel.numpy()[:, 0]
    model.train_on_batch(X, y)
    return np.abs(model.layers[0].kernel.numpy()[:, 0] - before)


def test_keras_factor_translates_scikit_learn_alpha(keras, regression):
    from sklearn.linear_model import Lasso, Ridge

    X, y = regression
    n = len(X)
    ridge = Ridge(alpha=10.0).fit(X, y)
    matched = _move_after_one_step(
        _linear_model(keras, keras.regularizers.L2(10.0 / n)), X, y, ridge.coef_, ridge.intercept_
    )
    naive = _move_after_one_step(
        _linear_model(keras, keras.regularizers.L2(10.0)), X, y, ridge.coef_, ridge.intercept_
    )
    assert matched.max() < 1e-5 < 0.1 < naive.max()

    lasso = Lasso(alpha=0.1).fit(X, y)
    move = _move_after_one_step(
        _linear_model(keras, keras.regularizers.L1(0.2)), X, y, lasso.coef_, lasso.intercept_
    )
    zero = lasso.coef_ == 0
    assert zero.any() and (~zero).any()
    assert move[~zero].max() < 1e-5  # the non-zero Lasso weights are a minimum for Keras too
    assert move[zero].max() > 1e-3  # but gradient steps push exact zeros off zero


def _penalty_and_decay(keras, penalty_optimizer, decay_optimizer, f=0.05, learning_rate=0.05):
    keras.utils.set_random_seed(1)
    with_penalty = _linear_model(keras, keras.regularizers.L2(f), penalty_optimizer(learning_rate))
    keras.utils.set_random_seed(1)
    optimizer = decay_optimizer(learning_rate, weight_decay=2 * f)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    return with_penalty, _linear_model(keras, None, optimizer)


def test_l2_penalty_equals_weight_decay_for_sgd_but_not_for_adam(keras, regression):
    from sklearn.linear_model import Ridge

    X, y = regression
    f, learning_rate, n = 0.05, 0.05, len(X)
    ridge = Ridge(alpha=f * n).fit(X, y).coef_

    sgd_penalty, sgd_decay = _penalty_and_decay(keras, keras.optimizers.SGD, keras.optimizers.SGD)
    w0 = sgd_penalty.layers[0].kernel.numpy()[:, 0]
    gradient = -2 / n * X.T @ (y - X @ w0)
    sgd_penalty.train_on_batch(X, y)
    sgd_decay.train_on_batch(X, y)
    w_penalty = sgd_penalty.layers[0].kernel.numpy()[:, 0]
    np.testing.assert_allclose(w_penalty, w0 - learning_rate * (gradient + 2 * f * w0), atol=1e-6)
    np.testing.assert_allclose(w_penalty, sgd_decay.layers[0].kernel.numpy()[:, 0], atol=1e-6)

    adam_penalty, adam_decay = _penalty_and_decay(
        keras, keras.optimizers.Adam, keras.optimizers.AdamW
    )
    for model in (adam_penalty, adam_decay):  # 300 full-batch steps, as notebook 08
        model.fit(make_dataset(X, y, batch_size=n).repeat(300), shuffle=False, verbose=0)
    assert np.abs(adam_penalty.layers[0].kernel.numpy()[:, 0] - ridge).max() < 1e-4
    assert np.abs(adam_decay.layers[0].kernel.numpy()[:, 0] - ridge).max() > 1e-2


def test_a_penalized_bias_makes_the_fit_depend_on_the_origin_of_y():
    X, y = make_tutorial_linear(n_samples=80, seed=42)
    design = np.column_stack([X[:, 0], np.ones(len(X))])

    def fit(targets, penalize_bias, factor=0.5):
        penalty = np.diag([factor, factor if penalize_bias else 0.0])
        return np.linalg.solve(design.T @ design / len(X) + penalty, design.T @ targets / len(X))

    free, free_shifted = fit(y, False), fit(y + 100, False)
    assert free_shifted[0] == pytest.approx(free[0])
    assert free_shifted[1] == pytest.approx(free[1] + 100)
    penalized, penalized_shifted = fit(y, True), fit(y + 100, True)
    assert abs(penalized_shifted[0] - penalized[0]) > 1.0
