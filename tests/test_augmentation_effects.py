"""Effects that notebook 09's augmentation section shows (shifts, rotations and zooms, mixup).

The notebook's cells run here from its jupytext source up to the augmentation table
(``tests/_notebook_source.py``); each test asserts a sentence of the section with the margin
its printed numbers show, and can fail.
"""

from __future__ import annotations

import numpy as np
import pytest
from _notebook_source import run_notebook_source


@pytest.fixture(scope="module")
def nb():
    return run_notebook_source(
        "notebooks/09_early_stopping_and_more.py", until="augmentation_table = pd.DataFrame"
    )


def standard_error(nb, accuracy):
    return np.sqrt(accuracy * (1 - accuracy) / len(nb["X_val"]))


def test_mixup_helps_beyond_the_noise_and_shrinks_the_gap(nb):
    table = nb["augmentation_table"]
    none = table.loc["none (section 1)"]
    mixup = table.loc["mixup, Beta(0.2, 0.2)"]
    assert mixup["val_accuracy"] > none["val_accuracy"] + 2 * standard_error(nb, 0.95)
    assert mixup["gap"] < none["gap"] - 0.01


def test_mixup_classifies_better_but_has_a_higher_validation_loss(nb):
    table = nb["augmentation_table"]
    assert (
        table.loc["mixup, Beta(0.2, 0.2)", "val_loss"] > table.loc["none (section 1)", "val_loss"]
    )


def test_shifts_help_most_and_rotations_and_zooms_stay_within_the_noise(nb):
    table = nb["augmentation_table"]
    base = table.loc["none (section 1)", "val_accuracy"]
    se = standard_error(nb, 0.95)
    assert table.loc["one-pixel shifts", "val_accuracy"] == table["val_accuracy"].max()
    assert table.loc["one-pixel shifts", "val_accuracy"] > base + 2 * se
    assert table.loc["one-pixel shifts", "gap"] < table.loc["none (section 1)", "gap"] / 1.5
    assert abs(table.loc["rotations and zooms", "val_accuracy"] - base) < 1.5 * se


def test_every_augmentation_delays_the_best_epoch(nb):
    table = nb["augmentation_table"]
    base = table.loc["none (section 1)", "best_epoch"]
    assert (table.drop("none (section 1)")["best_epoch"] > base).all()


def test_mixup_blends_images_and_labels_alike(nb):
    images, labels = nb["mix_batch"](nb["X_train"][:32], nb["Y_train"][:32])
    labels = np.asarray(labels)
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-6)
    assert np.mean(labels.max(axis=1) < 0.999) > 0.1  # some targets really are blends
    assert np.asarray(images).shape == (32, 64)
