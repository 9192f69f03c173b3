"""course_utils.training: the configuration table, the weight histograms, the light import."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.training import plot_weight_histograms, train_configurations, zero_fraction


@pytest.fixture(scope="module")
def keras():
    from course_utils.notebook import import_keras

    return import_keras()


@pytest.fixture(scope="module")
def tiny_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)).astype("float32")
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype("int32")
    return X[:40], y[:40], X[40:], y[40:]


@pytest.fixture(scope="module")
def build_model(keras):
    def build(units=8, dropout_rate=0.0):
        model = keras.Sequential(
            [
                keras.Input(shape=(3,)),
                keras.layers.Dense(units, activation="relu"),
                keras.layers.Dropout(dropout_rate),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        return model

    return build


CONFIGS = {"small": {"units": 4}, "dropout": {"units": 8, "dropout_rate": 0.5}}


@pytest.fixture(scope="module")
def trained(build_model, tiny_data):
    return train_configurations(CONFIGS, build_model, tiny_data, epochs=4, batch_size=16)


def test_table_has_one_row_per_config_and_the_documented_columns(trained):
    table, histories = trained
    assert list(table.index) == ["small", "dropout"]
    assert table.index.name == "config"
    assert list(table.columns) == [
        "train_accuracy",
        "val_accuracy",
        "best_val_accuracy",
        "best_epoch",
        "gap",
        "epochs",
        "seconds",
    ]
    assert table.attrs["metric"] == "accuracy"
    assert set(histories) == {"small", "dropout"}
    assert (table["epochs"] == 4).all()
    assert (table["seconds"] > 0).all()


def test_table_values_agree_with_the_histories_and_the_models(trained, tiny_data):
    table, histories = trained
    X_train, y_train, X_val, y_val = tiny_data
    for name, history in histories.items():
        val = np.asarray(history.history["val_accuracy"])
        row = table.loc[name]
        assert row["best_val_accuracy"] == pytest.approx(val.max())
        assert row["best_epoch"] == int(np.argmax(val)) + 1
        model = history.model
        assert model.layers[0].units == CONFIGS[name]["units"]
        train_acc = model.evaluate(X_train, y_train, verbose=0, return_dict=True)["accuracy"]
        assert row["train_accuracy"] == pytest.approx(train_acc)
        # Without restored weights, evaluating after training repeats the last validation value.
        assert row["val_accuracy"] == pytest.approx(val[-1])
        assert row["gap"] == pytest.approx(row["train_accuracy"] - row["val_accuracy"])


def test_same_seed_gives_the_same_table(build_model, tiny_data, trained):
    again, _ = train_configurations(CONFIGS, build_model, tiny_data, epochs=4, batch_size=16)
    first = trained[0].drop(columns="seconds")
    assert again.drop(columns="seconds").equals(first)


def test_loss_metric_and_history_values(build_model, tiny_data):
    table, histories = train_configurations(
        {"a": {}}, build_model, tiny_data, epochs=3, metric="loss", evaluate=False
    )
    hist = histories["a"].history
    assert table.loc["a", "train_loss"] == pytest.approx(hist["loss"][-1])
    assert table.loc["a", "best_val_loss"] == pytest.approx(min(hist["val_loss"]))
    assert table.loc["a", "gap"] == pytest.approx(hist["val_loss"][-1] - hist["loss"][-1])


def test_validation_freq_measures_fewer_epochs_and_best_epoch_counts_epochs(
    build_model, tiny_data
):
    table, histories = train_configurations(
        {"a": {}}, build_model, tiny_data, epochs=6, metric="loss", validation_freq=3
    )
    hist = histories["a"].history
    assert len(hist["loss"]) == 6 and len(hist["val_loss"]) == 2  # after epochs 3 and 6
    row = table.loc["a"]
    assert row["epochs"] == 6
    assert row["best_epoch"] == 3 * (int(np.argmin(hist["val_loss"])) + 1)
    assert row["best_val_loss"] == pytest.approx(min(hist["val_loss"]))


def test_callbacks_factory_gives_each_fit_a_fresh_callback(keras, build_model, tiny_data):
    made = []

    def callbacks():
        made.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=1))
        return [made[-1]]

    train_configurations(CONFIGS, build_model, tiny_data, epochs=2, callbacks=callbacks)
    assert len(made) == 2 and made[0] is not made[1]


def test_datasplit_is_accepted():
    from course_utils.data import make_noisy_moons

    split = make_noisy_moons(20, 10, 10, seed=0)
    table, _ = train_configurations({"a": {"units": 2}}, build_model_2d(), split, epochs=1)
    assert table.shape[0] == 1


def build_model_2d():
    from course_utils.notebook import import_keras

    keras = import_keras()

    def build(units=2):
        model = keras.Sequential(
            [keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")]
        )
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
        return model

    return build


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"configs": []}, TypeError, "configs must be a dict"),
        ({"configs": {}}, ValueError, "configs is empty"),
        ({"configs": {"a": 0.5}}, TypeError, "must be a dict of keyword arguments"),
        ({"build_model": "model"}, TypeError, "build_model must be a function"),
        ({"data": (1, 2)}, TypeError, "data must be a course DataSplit"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1"),
        ({"epochs": 2.5}, TypeError, "epochs must be a whole number"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"seed": -1}, ValueError, r"seed must be between 0 and 2\*\*32 - 1, got -1\."),
        ({"callbacks": 3}, TypeError, "callbacks must be None"),
        ({"configs": {"a": {"width": 3}}}, TypeError, "keys of configs match the parameters"),
        ({"metric": "auc"}, ValueError, "metric 'auc' is not tracked"),
        ({"validation_freq": 0}, ValueError, "validation_freq must be at least 1"),
        ({"validation_freq": 2}, ValueError, "larger than epochs=1"),
    ],
)
def test_bad_arguments_raise_clear_errors(build_model, tiny_data, kwargs, error, message):
    arguments = {"configs": {"a": {}}, "build_model": build_model, "data": tiny_data, "epochs": 1}
    arguments.update(kwargs)
    configs = arguments.pop("configs")
    model_fn = arguments.pop("build_model")
    data = arguments.pop("data")
    with pytest.raises(error, match=message):
        train_configurations(configs, model_fn, data, **arguments)


def test_mismatched_lengths_and_uncompiled_models_are_reported(keras, build_model, tiny_data):
    X_train, y_train, X_val, y_val = tiny_data
    with pytest.raises(ValueError, match="training set has 40 inputs but 39 targets"):
        train_configurations(
            {"a": {}}, build_model, (X_train, y_train[:-1], X_val, y_val), epochs=1
        )

    def uncompiled():
        return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])

    with pytest.raises(ValueError, match="not compiled"):
        train_configurations({"a": {}}, uncompiled, tiny_data, epochs=1)


# --------------------------------------------------------------------------- histograms
def test_zero_fraction_counts_exact_and_near_zeros():
    weights = [np.array([[0.0, 1e-4], [0.5, -2e-3]]), np.array([0.0, 3.0])]
    assert zero_fraction(weights) == pytest.approx(2 / 6)
    assert zero_fraction(weights, tol=1e-3) == pytest.approx(3 / 6)
    with pytest.raises(ValueError, match="tol must be at least 0, got -1"):
        zero_fraction(weights, tol=-1.0)
    with pytest.raises(ValueError, match="empty"):
        zero_fraction([])


def test_overlay_histograms_share_bins_and_label_zero_counts():
    rng = np.random.default_rng(0)
    l1 = np.concatenate([np.zeros(30), rng.normal(size=70)])
    l2 = [rng.normal(scale=0.1, size=(5, 10)), rng.normal(scale=0.1, size=50)]
    ax = plot_weight_histograms({"L1": l1, "L2": l2}, bins=20, near_zero_tol=1e-3)
    assert len(ax.patches) == 40  # 20 bars per set, one Axes
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == "L1: 30 of 100 exactly 0, 30 below 0.001"
    assert texts[1].startswith("L2: 0 of 100 exactly 0")
    left_edges_l1 = [p.get_x() for p in ax.patches[:20]]
    left_edges_l2 = [p.get_x() for p in ax.patches[20:]]
    assert left_edges_l1 == pytest.approx(left_edges_l2)


def test_side_by_side_histograms_use_one_panel_per_set():
    axes = plot_weight_histograms(
        {"a": np.arange(5.0), "b": np.zeros(4), "c": [np.ones(2)]}, bins=5, layout="side"
    )
    assert len(axes) == 3
    assert [a.get_title() for a in axes] == ["a", "b", "c"]
    assert all(len(a.patches) == 5 for a in axes)
    assert axes[1].get_legend().get_texts()[0].get_text() == "4 of 4 exactly 0"


def test_histogram_helper_draws_on_a_given_axes_and_rejects_bad_input():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert plot_weight_histograms({"w": np.ones(3)}, ax=ax) is ax
    with pytest.raises(TypeError, match="non-empty dict"):
        plot_weight_histograms([np.ones(3)])
    with pytest.raises(ValueError, match="layout must be"):
        plot_weight_histograms({"w": np.ones(3)}, layout="grid")
    with pytest.raises(ValueError, match="list of 2 Axes"):
        plot_weight_histograms({"a": np.ones(3), "b": np.ones(3)}, layout="side", ax=[ax])
    with pytest.raises(ValueError, match="NaN or infinite"):
        plot_weight_histograms({"w": np.array([1.0, np.nan])})
    with pytest.raises(TypeError, match="array of numbers"):
        plot_weight_histograms({"w": "abc"})
