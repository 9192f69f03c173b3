"""course_utils.notebook: seeding, quiet TensorFlow, display defaults, environment check."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from course_utils.notebook import check_environment, setup_notebook


def test_same_seed_same_numbers_everywhere():
    rng = setup_notebook(seed=5)
    a = (random.random(), np.random.rand(), rng.random())  # noqa: NPY002
    rng = setup_notebook(seed=5)
    b = (random.random(), np.random.rand(), rng.random())  # noqa: NPY002
    assert a == b
    assert os.environ["PYTHONHASHSEED"] == "5"
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_display_defaults():
    import matplotlib as mpl

    setup_notebook(seed=0)
    assert mpl.rcParams["axes.grid"] is True
    assert np.get_printoptions()["precision"] == 4


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [(1.5, TypeError, "whole number"), (-1, ValueError, "between 0"), (True, TypeError, "whole")],
)
def test_bad_seeds(seed, error, message):
    with pytest.raises(error, match=message):
        setup_notebook(seed=seed)


def test_keras_flag_must_be_boolean():
    with pytest.raises(TypeError, match="keras must be True or False"):
        setup_notebook(seed=0, keras="yes")


def test_keras_seeding_is_repeatable_and_quiet():
    code = (
        "from course_utils.notebook import setup_notebook\n"
        "setup_notebook(seed=3, keras=True)\n"
        "import keras\n"
        "a = keras.random.uniform((3,)).numpy().tolist()\n"
        "setup_notebook(seed=3, keras=True)\n"
        "b = keras.random.uniform((3,)).numpy().tolist()\n"
        "print(a == b)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "KERAS"))}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split() == ["True"]
    assert "cuda" not in out.stderr.lower() and "oneDNN" not in out.stderr


def test_check_environment_compares_with_the_lock_file(tmp_path, capsys):
    from importlib.metadata import version

    lock = tmp_path / "lock.txt"
    lock.write_text(f"numpy=={version('numpy')}\nkeras==0.0.1\n")
    rows = {name: verdict for name, _, verdict in check_environment(lock)}
    assert rows["numpy"] == "as locked"
    assert rows["keras"] == "locked: 0.0.1"
    assert rows["pandas"] == "not in the lock file"
    assert "numpy" in capsys.readouterr().out
    rows = {name: verdict for name, _, verdict in check_environment(tmp_path / "missing.txt")}
    assert rows["numpy"] == "no lock file"
