# %% [markdown]
# # 00 · Welcome to *Regularization in Neural Networks*
#
# **Topics:** how the course works, an environment check, the map of notebooks and exercises
#
# This course teaches regularization from ridge regression to dropout, by experiment.
# *Regularization* is any change to how a model is trained that aims to lower its error on new
# data rather than on its training data (Goodfellow, Bengio and Courville, *Deep Learning*,
# 2016, chapter 7). The course's source tutorial defines it as "adding a penalty to the loss":
# that is one kind (Ridge, Lasso, `kernel_regularizer`), but dropout, early stopping, input
# noise and data augmentation add no penalty at all, and all of them are in this course.
# Every claim comes with a small,
# seeded experiment whose numbers you can re-run on a laptop: no GPU, no internet, each notebook
# in well under a minute.
#
# **Who it is for.** You know some Python and NumPy and have fitted a model with scikit-learn or
# Keras before. No prior knowledge of regularization is needed.
#
# **How it works.**
#
# 1. Read the notebooks in order and run every cell (Shift+Enter). Change a number and run again:
#    the seeds make every run repeatable, so a different result comes from your change.
# 2. Each notebook names the questions of the original beginner tutorial it answers, and ends
#    with key takeaways and a short quiz.
# 3. After the matching notebooks, open the exercise in `exercises/`. Write the functions where
#    it says `# your code here`; the check cell below each one tells you at once whether it is
#    right, and why not.
#
# Runtime: about 2 s.

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/00_welcome.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/00_welcome.ipynb)

# %% tags=["colab-setup", "remove-cell"]
# On Google Colab or in JupyterLite only: install the course package (they have the
# rest; --no-deps keeps Colab's own packages). Anywhere else this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "course_utils @ git+https://github.com/regularization-course/regularization-in-neural-networks"
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", package], check=True)
elif sys.platform == "emscripten":  # JupyterLite (Pyodide): the wheel the site serves
    import piplite

    await piplite.install("course_utils", deps=False)

# %%
from course_utils import setup_notebook

rng = setup_notebook(seed=42)

# %% [markdown]
# ## Environment check
#
# The versions below should read "as locked": those are the versions the stored outputs of every
# notebook were made with. Other versions usually work, but printed numbers can differ in the
# last digits.

# %%
from course_utils.notebook import check_environment

check_environment();

# %% [markdown]
# Does this machine have a GPU? The course never needs one; Keras uses one when it is there.
# (The answer depends on your machine, so this cell's output is not compared by the tests.)

# %%
# NBVAL_IGNORE_OUTPUT
# (the answer differs from machine to machine)
import os

gpu_devices = (
    [d for d in os.listdir("/dev") if d.startswith("nvidia")] if os.path.isdir("/dev") else []
)
print("GPU devices found:", len(gpu_devices) or "none, the course runs on the CPU")

# %% [markdown]
# ## The map
#
# | # | Notebook | What you will see |
# |---|---|---|
# | 01 | [The tutorial's three examples](01_tutorial_examples.ipynb) | The beginner tutorial's Ridge, Lasso and dropout examples run as written, and what their numbers really say |
# | 02 | [Over-fitting and under-fitting](02_overfitting_and_underfitting.ipynb) | Polynomial fits, the U-shaped validation curve, learning curves, diagnosis from numbers |
# | 03 | [L2 and Ridge](03_l2_ridge.ipynb) | The closed form by hand, shrinkage paths, the best alpha, why to standardize |
# | 04 | [L1 and Lasso](04_l1_lasso.ipynb) | Exact zeros, the Lasso path, support recovery, L1/L2 geometry, soft-thresholding |
# | 05 | [Elastic Net](05_elastic_net.ipynb) | Correlated features: Lasso picks one, Ridge spreads, Elastic Net keeps the group |
# | 06 | [Choosing the strength](06_choosing_regularization_strength.ipynb) | Cross-validation, the one-standard-error rule, the test-set leak |
# | 07 | [Dropout](07_dropout.ipynb) | Dropout in NumPy and Keras, rate sweeps, where it goes, Monte Carlo dropout |
# | 08 | [Weight penalties in Keras](08_weight_penalties_in_keras.ipynb) | What `kernel_regularizer` adds to the loss, L1 vs L2 weights, weight decay, max-norm |
# | 09 | [Early stopping and more](09_early_stopping_and_more.ipynb) | Early stopping, noise, augmentation, batch norm, label smoothing, combinations |
# | 10 | [Pitfalls and troubleshooting](10_pitfalls_and_troubleshooting.ipynb) | Each classic mistake shown failing, then fixed |
# | 11 | [Questions and answers](11_questions_and_answers.ipynb) | The tutorial's 20 questions, answered and, where needed, corrected |
# | 12 | [Capstone](12_capstone.ipynb) | A full study on real data: which regularizer should I use? |
#
# Exercises (in `../exercises/`, with instant feedback; solutions for instructors in `../solutions/`):
#
# | Exercise | After notebook | You write |
# |---|---|---|
# | `ex01_l2_on_a_new_dataset` | 03, 06 | Ridge's closed form, a validation curve, the best alpha (diabetes data) |
# | `ex02_dropout_rates` | 07 | Inverted dropout in NumPy and a dropout-rate experiment in Keras |
# | `ex03_elastic_net_vs_l1_l2` | 05, 06 | Ridge, Lasso and Elastic Net on correlated sparse data, first at one shared alpha, then each tuned by cross-validation |
# | `ex04_lasso_from_scratch` | 04 | Soft-thresholding and coordinate descent for the Lasso |
# | `ex05_penalties_and_early_stopping` | 08, 09 | Keras' L2 penalty and its gradient, the early-stopping epoch |
#
# ## Conventions used throughout
#
# - The first code cell of every notebook calls `setup_notebook(seed=42)`. It seeds Python, NumPy
#   and (in the neural-network notebooks) Keras, and keeps TensorFlow's start-up messages quiet.
# - Helpers for data and plots come from the course package `course_utils`; the model code you
#   are here to learn is always written out in the notebook.
# - Mean squared error is abbreviated MSE; "validation" data is held out for choosing settings,
#   "test" data only for the final report.
# - Penalty strengths are scaled differently in every library (`Ridge`'s `alpha` is not
#   `Lasso`'s, and neither is a Keras factor): [the scaling conventions](../docs/scaling-conventions.md)
#   write each penalty out and convert between them in one table.
#
# ## Key takeaways
#
# - Work in order, run every cell, change numbers and re-run: the seeds make that a fair experiment.
# - Every exercise gives feedback as you go; the course's tests re-run the experiments behind its
#   claims and check that every figure quoted in the text is one a notebook prints.
