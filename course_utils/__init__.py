"""Companion package of the course *Regularization in Neural Networks*.

The package holds the scaffolding that the notebooks share, so that the
notebooks themselves can show what a learner should learn (the model code,
the Keras layers, the scikit-learn estimator calls).

Learner-facing modules (imported from the notebooks):

* :mod:`course_utils.notebook`  - notebook set-up: seeds, quiet TensorFlow, display defaults
* :mod:`course_utils.data`      - data generators with known ground truth
* :mod:`course_utils.plotting`  - shared plots: data and fit, training histories, coefficients
* :mod:`course_utils.figures`   - show a figure with its text alternative (alt text and caption)
* :mod:`course_utils.linear_plots`    - paths, complexity and learning curves, L1/L2 geometry
* :mod:`course_utils.selection_plots` - validation curves with bands, the one-standard-error rule
* :mod:`course_utils.training`  - Keras configurations trained into one table; weight histograms
* :mod:`course_utils.numpy_mlp` - a small NumPy network (L2, inverted dropout) for fast experiments
* :mod:`course_utils.widgets`   - interactive explorers (alpha, dropout rate, regularization path)
* :mod:`course_utils.quiz`      - short quizzes with immediate answers
* :mod:`course_utils.checks`    - instant feedback for the exercises

Plotting helpers take ``ax=None``, draw on it and return the Axes; none calls ``plt.show()``.

Instructor tooling lives in :mod:`course_utils.instructor` and is never
imported by the learner-facing modules.

Importing the package is cheap: submodules load on first use and TensorFlow
is only imported by code that trains a network.

>>> import course_utils
>>> course_utils.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Learner-facing submodules, loaded lazily on first attribute access so that
# ``import course_utils`` stays well under the 0.3 s import budget.
_SUBMODULES = (
    "checks",
    "data",
    "explorer_plots",
    "figures",
    "linear_plots",
    "notebook",
    "numpy_mlp",
    "plotting",
    "quiz",
    "selection_plots",
    "training",
    "widgets",
)

__all__ = ["__version__", "setup_notebook", *_SUBMODULES]

if TYPE_CHECKING:  # pragma: no cover
    from course_utils.notebook import setup_notebook


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"course_utils.{name}")
    if name == "setup_notebook":
        from course_utils.notebook import setup_notebook

        return setup_notebook
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
