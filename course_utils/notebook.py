"""One call at the top of every notebook: seeds, quiet TensorFlow, display defaults.

>>> from course_utils.notebook import setup_notebook
>>> rng = setup_notebook(seed=42)
>>> float(rng.random()) == float(setup_notebook(seed=42).random())
True
"""

from __future__ import annotations

import contextlib
import os
import random
import sys

import numpy as np

from course_utils._validation import check_flag, check_seed

__all__ = [
    "setup_notebook",
    "quiet_tensorflow",
    "import_keras",
    "check_environment",
    "DEFAULT_SEED",
]

DEFAULT_SEED = 42


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ and Python logging.

    Must run before TensorFlow is imported to silence the start-up lines; it is
    harmless afterwards. Also pins Keras to the TensorFlow backend.
    """
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # C++ INFO, WARNING and ERROR lines
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # no oneDNN notice, exact repeatability
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")


def setup_notebook(seed: int = DEFAULT_SEED, *, keras: bool = False) -> np.random.Generator:
    """Prepare a course notebook and return a seeded NumPy ``Generator``.

    Parameters
    ----------
    seed:
        Seed for Python's ``random``, NumPy's global state and, with
        ``keras=True``, Keras/TensorFlow (``keras.utils.set_random_seed``).
    keras:
        Also import Keras, seed it and turn on TensorFlow's op determinism, so
        that training a network gives the same numbers on every run. Leave it
        ``False`` in notebooks that do not train networks: importing
        TensorFlow costs a few seconds.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``seed``, for the notebook's own random draws.

    Examples
    --------
    >>> rng = setup_notebook(seed=0)
    >>> rng.integers(0, 10, size=3).tolist()
    [8, 6, 5]
    """
    seed = check_seed(seed)
    keras = check_flag("keras", keras)
    quiet_tensorflow()
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - also seed legacy code that uses the global state
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    _set_display_defaults()
    if keras:
        _seed_keras(seed)
    return np.random.default_rng(seed)


def _set_display_defaults() -> None:
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )
    if "pandas" in sys.modules or _has_module("pandas"):
        import pandas as pd

        pd.set_option("display.precision", 4)
        pd.set_option("display.width", 100)


def _has_module(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(name) is not None


@contextlib.contextmanager
def _silenced_stderr_fd():
    """Send file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow's C++ start-up lines (for example the CUDA stub notice on a
    machine without a GPU) are written straight to file descriptor 2 before
    any logging setting is read; Jupyter would show them as red output.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real file descriptor (unusual front ends)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


def import_keras():
    """Import Keras (TensorFlow backend) without TensorFlow's start-up noise and return it."""
    quiet_tensorflow()
    if "tensorflow" not in sys.modules:
        with _silenced_stderr_fd():
            import keras
            import tensorflow as tf
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return keras


def _seed_keras(seed: int) -> None:
    keras = import_keras()
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


COURSE_PACKAGES = (
    "numpy",
    "scikit-learn",
    "matplotlib",
    "pandas",
    "tensorflow",
    "keras",
    "ipywidgets",
    "jupyterlab",
)


def _locked_versions(lock_file) -> dict[str, str]:
    pins = {}
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not line.startswith("#"):
            pins[name.lower().replace("_", "-")] = version
    return pins


def check_environment(lock_file=None) -> list[tuple[str, str, str]]:
    """Print and return the versions of the course's packages, checked against the lock file.

    ``lock_file`` defaults to ``requirements-lock.txt`` at the top of the
    course checkout (the versions the stored notebook outputs were made with).
    Each row is ``(package, installed version, verdict)``; the verdict is
    ``"as locked"``, ``"locked: X"`` (another version, so printed numbers may
    differ slightly) or ``"not installed"``. Nothing is imported: versions come
    from the installed package metadata, so this is fast.
    """
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    if lock_file is None:
        lock_file = Path(__file__).resolve().parents[1] / "requirements-lock.txt"
    lock_file = Path(lock_file)
    pins = _locked_versions(lock_file) if lock_file.is_file() else {}
    rows = [("python", sys.version.split()[0], "")]
    for name in COURSE_PACKAGES:
        try:
            installed = version(name)
        except PackageNotFoundError:
            rows.append((name, "-", "not installed"))
            continue
        locked = pins.get(name)
        if locked is None:
            verdict = "no lock file" if not pins else "not in the lock file"
        else:
            verdict = "as locked" if locked == installed else f"locked: {locked}"
        rows.append((name, installed, verdict))
    for name, installed, verdict in rows:
        print(f"{name:13s} {installed:10s} {verdict}")
    return rows
