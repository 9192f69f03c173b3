# %% [markdown]
# # 11 · The tutorial's 20 questions, answered and checked
#
# **Topics:** all 20 of the tutorial's questions as quiz items with the course's answers; which of the tutorial's answers are right, incomplete, misleading or wrong; experiments for the disputed ones: L2 and correlated features, dropout at test time, dropout in the input layer and dropout rates, training time with L2 against dropout, regularization for small against large data sets, PCA and regularization
#
# The seed tutorial closes with 20 common questions and one-paragraph answers. Most answers are
# right; some are incomplete, four are misleading enough to lead a learner astray and two are
# wrong (one of them right that training can take longer, wrong about why). This notebook takes each question in turn: first a quiz so you can answer it yourself,
# then the course's answer, a verdict on the tutorial's answer and a link to the notebook that
# demonstrates it. Where the course disagrees with the tutorial, a small experiment here shows
# why.
#
# Answers tutorial questions 1 to 20.
# Runtime: about 12 s on a 2-core laptop (TensorFlow's import and four small networks).
#
# **The tutorial's answers at a glance**
#
# | Q | topic | verdict on the tutorial's answer | shown in |
# |---|---|---|---|
# | 1 | why regularize | right | [02](02_overfitting_and_underfitting.ipynb) |
# | 2 | L1 against L2 | **misleading**: L2 does not "distribute error"; it shrinks weights and spreads them over correlated features | here, [03](03_l2_ridge.ipynb), [04](04_l1_lasso.ipynb) |
# | 3 | choosing L1 or L2 | right, incomplete | [04](04_l1_lasso.ipynb), [05](05_elastic_net.ipynb) |
# | 4 | what dropout is | right, incomplete (survivors are rescaled) | [07](07_dropout.ipynb) |
# | 5 | spotting over-fitting | right | [02](02_overfitting_and_underfitting.ipynb) |
# | 6 | any model? | right but vague | [02](02_overfitting_and_underfitting.ipynb), [06](06_choosing_regularization_strength.ipynb) |
# | 7 | the role of alpha | **incomplete**: the same number means different strengths in different libraries | [10](10_pitfalls_and_troubleshooting.ipynb), [08](08_weight_penalties_in_keras.ipynb) |
# | 8 | always better? | right | [10](10_pitfalls_and_troubleshooting.ipynb) |
# | 9 | in neural networks | right (but the tutorial's own code triggers a Keras 3 warning) | [08](08_weight_penalties_in_keras.ipynb), [09](09_early_stopping_and_more.ipynb), [10](10_pitfalls_and_troubleshooting.ipynb) |
# | 10 | only deep learning? | right | [03](03_l2_ridge.ipynb) |
# | 11 | L1 and L2 together | right | [05](05_elastic_net.ipynb), [08](08_weight_penalties_in_keras.ipynb) |
# | 12 | Elastic Net | right, incomplete | [05](05_elastic_net.ipynb) |
# | 13 | dropout at test time | right, **incomplete**: nothing is rescaled at test time because Keras rescales during training | here, [07](07_dropout.ipynb) |
# | 14 | dropout in every layer | **misleading**: fair as a description of common practice, wrong as a rule: input dropout (rate 0.2) is part of the original method | here, [07](07_dropout.ipynb) |
# | 15 | rate too high | right | here, [07](07_dropout.ipynb) |
# | 16 | choosing the rate | **misleading**: 0.2-0.5 is a starting grid for wide hidden layers, not a rule | here, [07](07_dropout.ipynb) |
# | 17 | training time | **wrong reason**: regularization adds no complexity; it changes the number of epochs, not the cost of one | here |
# | 18 | small data sets | **wrong**: regularization matters *more* for small data sets | here, [02](02_overfitting_and_underfitting.ipynb) |
# | 19 | unsupervised learning | **misleading**: PCA is not "regularized to prevent over-fitting"; keeping few components acts like a regularizer | here |
# | 20 | too strong | right | [10](10_pitfalls_and_troubleshooting.ipynb), [12](12_capstone.ipynb) |

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/11_questions_and_answers.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/11_questions_and_answers.ipynb)

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

rng = setup_notebook(seed=42, keras=True)

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.linear_model import Lasso, LinearRegression, Ridge, RidgeCV
from sklearn.metrics import mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from course_utils.data import (
    load_digits_split,
    make_nonlinear_1d,
    make_sparse_regression,
)
from course_utils.figures import show_figure
from course_utils.quiz import Question, show_quiz
from course_utils.training import make_dataset

# %% [markdown]
# ## Questions 1-5: why, what and how to tell
#
# Answer first, then read on.

# %%
show_quiz(
    [
        Question(
            "Why do we need regularization? (Q1)",
            [
                "To make training faster",
                "To stop a flexible model from fitting the noise in its training data, so it "
                "does better on new data",
                "To raise the training accuracy",
            ],
            answer=1,
            explanation="A penalty, dropout or early stopping gives up a little fit on the "
            "training data (bias) for much less sensitivity to its noise (variance).",
        ),
        Question(
            "Two features are exact copies of each other. What do L2 (Ridge) and L1 "
            "(Lasso) do with their weights? (Q2)",
            [
                "Both split the weight equally",
                "L2 splits the weight equally; L1 puts it on one copy",
                "L1 splits the weight equally; L2 puts it on one copy",
            ],
            answer=1,
            explanation="The L2 penalty of (w, w) is smaller than that of (2w, 0), so L2 "
            "spreads weight; the L1 penalty is the same for every split, and coordinate "
            "descent leaves the weight on one copy.",
        ),
        Question(
            "You expect most of 500 features to be irrelevant. Which penalty is the "
            "natural first try? (Q3)",
            ["L1 (Lasso) or Elastic Net", "L2 (Ridge)", "No penalty"],
            answer=0,
            explanation="L1 sets many coefficients exactly to zero. With strongly correlated "
            "features its choice among them is unstable; Elastic Net is then safer.",
        ),
        Question.true_false(
            "During training, Keras's Dropout layer sets some activations to zero and "
            "leaves the others unchanged. (Q4)",
            answer=False,
            explanation="It divides the surviving activations by 1 - rate, so the expected "
            "output equals the input (inverted dropout).",
        ),
        Question(
            "Training error 0.05, validation error 0.40, noise level 0.09. What is the "
            "diagnosis? (Q5)",
            ["Under-fitting", "Over-fitting", "Nothing is wrong"],
            answer=1,
            explanation="Training error below the noise level and a validation error far "
            "above it: the model fits noise.",
        ),
    ],
    title="tutorial questions 1-5",
)

# %% [markdown]
# ### Q1. Why do we need regularization?
# **Course's answer:** a model flexible enough to fit the signal is usually flexible enough to
# fit the noise too. Regularization limits that flexibility (a penalty on the weights, dropout,
# early stopping, fewer features), trading a little bias for a large cut in variance, so that
# the error on new data goes down. **Tutorial: right**, but its opening definition of
# regularization as "adding a penalty to the loss function" is too narrow: regularization is any
# change to how a model is trained that aims to lower its error on new data rather than on its
# training data (Goodfellow et al., 2016, chapter 7), and dropout, early stopping and data
# augmentation add no penalty at all. Demonstrated in
# [notebook 02](02_overfitting_and_underfitting.ipynb).
#
# ### Q2. What's the difference between L1 and L2 regularization?
# **Course's answer:** L1 adds $\alpha\sum_j |w_j|$ and sets some weights exactly to zero
# (feature selection); L2 adds $\alpha\sum_j w_j^2$ and shrinks every weight towards zero
# without reaching it. **Tutorial: half right, half misleading.** Its L1 half is right. "L2
# tends to distribute error across all terms" is loose: L2 does not act on errors at all. It
# shrinks weights, and among correlated features it *spreads the weight*. Two exact copies of
# one feature show the difference:

# %%
x_signal = rng.normal(size=(200, 1))
y_copies = 3.0 * x_signal[:, 0] + rng.normal(0.0, 0.5, 200)
X_copies = np.hstack([x_signal, x_signal])  # the same feature twice
print(f"Ridge(alpha=1.0):  weights {Ridge(alpha=1.0).fit(X_copies, y_copies).coef_.round(3)}")
print(f"Lasso(alpha=0.05): weights {Lasso(alpha=0.05).fit(X_copies, y_copies).coef_.round(3)}")

# %% [markdown]
# Ridge gives each copy half of the total weight of about 3; Lasso puts all of it on one copy.
# On independent, standardized features the two also shrink differently: Ridge divides every
# least-squares weight by the same factor, Lasso subtracts a constant and stops at zero
# (notebooks [03](03_l2_ridge.ipynb) and [04](04_l1_lasso.ipynb) derive both).
#
# ### Q3. How do I choose between L1 and L2?
# **Course's answer:** by validation error, with the tutorial's rule as a prior: L1 (or
# Elastic Net) when you expect few relevant features, L2 otherwise. Add that Lasso picks one
# feature of a correlated group somewhat arbitrarily, so its selection is unstable; Elastic Net
# fixes that. **Tutorial: right, incomplete.** See [notebook 04](04_l1_lasso.ipynb) and
# [notebook 05](05_elastic_net.ipynb).
#
# ### Q4. What is dropout?
# **Course's answer:** during training, each unit's output is set to zero with probability
# `rate`, a new draw at every step, and the surviving outputs are divided by `1 - rate`. The
# network cannot rely on any single unit. At prediction time nothing is dropped.
# **Tutorial: right, incomplete** (the rescaling matters; see Q13). Its Example 3 text needs the
# same correction: the layer drops its own inputs (there, the hidden layer's 64 outputs), each
# independently, so "50% of the nodes" is an average over a fresh draw at every step, not a
# fixed half (the ten ones under Q13 lose 3, not 5). See [notebook 01](01_tutorial_examples.ipynb)
# and [notebook 07](07_dropout.ipynb).
#
# ### Q5. How do I know if my model is overfitting?
# **Course's answer:** compare the training error with the validation error *and* with the
# best achievable error. A large gap with a validation error far above the noise level means
# over-fitting; learning curves (error against training-set size or epochs) show it best.
# **Tutorial: right.** See [notebook 02](02_overfitting_and_underfitting.ipynb).

# %% [markdown]
# ## Questions 6-10: where and how to regularize

# %%
show_quiz(
    [
        Question(
            "A decision tree over-fits. What is its regularization? (Q6)",
            [
                "An L2 penalty on its leaves",
                "Limits on its growth, such as max_depth or min_samples_leaf",
                "Trees cannot be regularized",
            ],
            answer=1,
            explanation="Every flexible model has a knob that limits its flexibility; for "
            "trees it is their size, for k-nearest neighbours the number k.",
        ),
        Question.true_false(
            "Ridge(alpha=1.0), Lasso(alpha=1.0) and a Keras L2(1.0) regularizer penalize "
            "a model equally strongly. (Q7)",
            answer=False,
            explanation="Ridge adds alpha*sum(w^2) to a summed loss, Lasso adds alpha*sum|w| "
            "to half a mean loss, Keras adds factor*sum(w^2) to a mean loss: different "
            "scales (notebook 10).",
        ),
        Question(
            "A straight line under-fits a curved signal: training and validation errors are "
            "both far above the noise level. What can a penalty do for it? (Q8)",
            [
                "Add the curvature the line lacks",
                "At best trim some variance on a small sample; it cannot remove the bias",
                "Lower its training error",
            ],
            answer=1,
            explanation="A penalty removes flexibility. On 20 points it lowered a line's "
            "validation error (notebook 02), on 30 it raised it (notebook 10); neither brought "
            "it near a flexible model. Give the model more capacity first.",
        ),
        Question(
            "Which of these regularize a Keras network? (Q9)",
            [
                "kernel_regularizer=keras.regularizers.L2(1e-4)",
                "keras.layers.Dropout(0.3)",
                "keras.callbacks.EarlyStopping(restore_best_weights=True)",
                "A larger learning rate",
            ],
            answer={0, 1, 2},
            explanation="Penalties, dropout and early stopping are the three workhorses "
            "(notebooks 07-09); a larger learning rate is an optimization setting.",
        ),
        Question.true_false(
            "Regularization was invented for deep learning. (Q10)",
            answer=False,
            explanation="Ridge regression dates from 1970 and the Lasso from 1996; the same "
            "penalties are now used in networks.",
        ),
    ],
    title="tutorial questions 6-10",
)

# %% [markdown]
# ### Q6. Can regularization be used with any model?
# **Course's answer:** the idea applies to every model that can over-fit, but the knob
# differs: weight penalties for linear models and networks, `C` for support vector machines,
# depth and leaf size for trees, `k` for nearest neighbours, the number of components in PCA
# (Q19). **Tutorial: right but vague** ("check the documentation"). See
# [notebook 02](02_overfitting_and_underfitting.ipynb) and
# [notebook 06](06_choosing_regularization_strength.ipynb).
#
# ### Q7. What is the role of the alpha parameter in regularization?
# **Course's answer:** alpha sets the penalty's strength, larger is stronger, but the same
# number means different strengths in different places: scikit-learn's Ridge adds it to a
# *summed* squared error (so its effect weakens as the data set grows), Lasso to *half the
# mean*, `LogisticRegression` uses its inverse `C`, and a Keras factor is added to a mean loss.
# Choose it by validation on a log scale. **Tutorial: incomplete.** See
# [notebook 10](10_pitfalls_and_troubleshooting.ipynb) (pitfall 3) and
# [notebook 08](08_weight_penalties_in_keras.ipynb).
#
# ### Q8. Does regularization always improve model performance?
# **Course's answer:** no. It helps a model that over-fits. A model that under-fits because it
# lacks capacity cannot get that capacity from a penalty: on
# [notebook 10](10_pitfalls_and_troubleshooting.ipynb)'s 30 points (pitfall 5) a straight line
# gets worse with every increase of alpha. Even such a model has some variance on a small sample,
# though, and a penalty can trim it: on [notebook 02](02_overfitting_and_underfitting.ipynb)'s 20
# points a moderate alpha *lowered* the line's validation error, yet left it far above a cubic's.
# **Tutorial: right**, and rightly hedged ("might make it worse"): measure, do not assume.
#
# ### Q9. How do I implement regularization in neural networks?
# **Course's answer:** `kernel_regularizer=keras.regularizers.L2(...)` (or `L1`, `L1L2`) on a
# layer, `keras.layers.Dropout(rate)` between layers, `keras.callbacks.EarlyStopping` on the
# validation loss, and data-side methods such as augmentation and input noise. Start models
# with `keras.Input(shape=...)`: the tutorial's `input_shape=` argument triggers a warning in
# Keras 3. **Tutorial: right.** See [notebook 08](08_weight_penalties_in_keras.ipynb),
# [notebook 09](09_early_stopping_and_more.ipynb) and
# [notebook 10](10_pitfalls_and_troubleshooting.ipynb) (pitfall 8).
#
# ### Q10. Is regularization only for deep learning?
# **Course's answer:** no: ridge regression, the Lasso, regularized logistic regression and
# support vector machines all predate deep learning. **Tutorial: right.** See
# [notebook 03](03_l2_ridge.ipynb).

# %% [markdown]
# ## Questions 11-16: combining penalties and using dropout

# %%
show_quiz(
    [
        Question.true_false(
            "You can put an L1 and an L2 penalty on the same weights. (Q11)",
            answer=True,
            explanation="That is Elastic Net in scikit-learn and keras.regularizers.L1L2 in "
            "Keras.",
        ),
        Question(
            "Where does Elastic Net beat the Lasso most clearly? (Q12)",
            [
                "When groups of relevant features are strongly correlated",
                "When all features are independent",
                "When there is a single feature",
            ],
            answer=0,
            explanation="Its L2 part keeps correlated relevant features together (the "
            "grouping effect) instead of picking one of them.",
        ),
        Question(
            "A Keras Dropout(0.5) layer receives the value 1.0 at prediction time "
            "(model.predict). What does it output? (Q13)",
            ["0.0 or 2.0, at random", "0.5", "1.0"],
            answer=2,
            explanation="At prediction time dropout does nothing; the rescaling by "
            "1/(1 - rate) already happened during training.",
        ),
        Question.true_false(
            "Dropout should never be applied to the input layer. (Q14)",
            answer=False,
            explanation="The original dropout papers drop 20% of the inputs (rate 0.2) and "
            "50% of the hidden units; only the output layer is left alone.",
        ),
        Question(
            "With dropout rate 0.8 on a small hidden layer, what do you expect? (Q15)",
            [
                "Over-fitting",
                "Under-fitting: the training accuracy drops",
                "No effect",
            ],
            answer=1,
            explanation="Four units in five are dropped at every step: the network fits its "
            "training data less well (measured with dropout off) and its validation loss "
            "rises, even where the validation accuracy holds up.",
        ),
        Question(
            "How should you pick a dropout rate for a new network? (Q16)",
            [
                "Always use 0.5",
                "Try a few rates (for example 0.1, 0.2, 0.5) and keep the best by validation loss",
                "Use the rate that gives the highest training accuracy",
            ],
            answer=1,
            explanation="The best rate depends on the layer's width and the amount of data; "
            "the highest training accuracy is always at rate 0.",
        ),
    ],
    title="tutorial questions 11-16",
)

# %% [markdown]
# ### Q11. Can I use both L1 and L2 regularization together?
# **Course's answer:** yes: Elastic Net (`ElasticNet(alpha, l1_ratio)`) in scikit-learn,
# `keras.regularizers.L1L2(l1=..., l2=...)` in Keras. **Tutorial: right.** See
# [notebook 05](05_elastic_net.ipynb) and [notebook 08](08_weight_penalties_in_keras.ipynb).
#
# ### Q12. What is Elastic Net?
# **Course's answer:** a penalty that mixes L1 and L2 (`l1_ratio` sets the mix). It keeps the
# Lasso's zeros and, thanks to its L2 part, keeps correlated relevant features together rather
# than choosing one at random. **Tutorial: right, incomplete.** See
# [notebook 05](05_elastic_net.ipynb).
#
# ### Q13. How does dropout work during testing?
# **Course's answer:** it is switched off: every unit is used and *nothing is rescaled*,
# because Keras already divided the surviving activations by `1 - rate` during training. (The
# original paper instead multiplied the weights by the keep probability at test time; the
# next layer receives the same expected input either way.) **Tutorial: right, incomplete:** "all neurons are used" without the
# scaling would make every activation larger at test time than during training. A Keras
# `Dropout(0.5)` layer applied to ten ones:

# %%
dropout_layer = keras.layers.Dropout(0.5, seed=0)
ones = np.ones((1, 10), dtype="float32")
print("training=True: ", np.asarray(dropout_layer(ones, training=True))[0])
print("training=False:", np.asarray(dropout_layer(ones, training=False))[0])
many = np.asarray(dropout_layer(np.ones((1000, 100), dtype="float32"), training=True))
print(f"mean over 100,000 values with training=True: {many.mean():.3f}")

# %% [markdown]
# During training the kept values become 2.0 and the mean stays at about 1; at test time the
# layer passes its input through unchanged. [Notebook 07](07_dropout.ipynb) checks every part of
# this on 100,000 values, and [notebook 10](10_pitfalls_and_troubleshooting.ipynb) (pitfall 6)
# shows what goes wrong if dropout stays on at inference.
#
# ### Q14-Q16: an experiment with dropout rates
#
# One small network (64 pixel inputs, 128 hidden units, 10 classes) on 300 training images
# of handwritten digits, trained for 20 epochs (Adam, batches of 32) from the same seed and on
# the same sequence of shuffled batches, with four dropout settings: none, hidden 0.5, hidden
# 0.8, and input 0.2 with hidden 0.5. Each run records the CPU time of every epoch. The
# training accuracy is shown twice: measured after training with dropout off, like the
# validation accuracy, and as Keras logs it during the last epoch, with dropout on (notebook 07,
# section 6, explains the difference; only the first compares fairly). Runs are compared on the
# validation cross-entropy, tracked as a metric of its own: if you add an L2 penalty
# (`build_digits(l2_factor=...)`), the loss Keras reports includes the penalty and the metric
# does not.

# %%
digits = load_digits_split(n_train=300, n_val=500, n_test=500, seed=0)


class EpochTimer(keras.callbacks.Callback):
    """Record the CPU time of every epoch (less disturbed by other programs than wall time)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.process_time() - self._start)


def build_digits(input_rate=0.0, hidden_rate=0.0, l2_factor=0.0):
    layers = [keras.Input(shape=(64,))]
    if input_rate:
        layers.append(keras.layers.Dropout(input_rate))
    penalty = keras.regularizers.L2(l2_factor) if l2_factor else None
    layers.append(keras.layers.Dense(128, activation="relu", kernel_regularizer=penalty))
    if hidden_rate:
        layers.append(keras.layers.Dropout(hidden_rate))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.005),
        loss="sparse_categorical_crossentropy",
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            # With an L2 penalty the loss Keras reports includes it; compare on the plain
            # cross-entropy.
            keras.metrics.SparseCategoricalCrossentropy(name="crossentropy"),
        ],
    )
    # A start-up cost only: with Adam's state (and the metrics' above) created now rather than
    # inside the first training step, Keras traces that step once instead of twice.
    model.optimizer.build(model.trainable_variables)
    return model


def train_digits(epochs=20, **settings):
    keras.utils.set_random_seed(0)
    model = build_digits(**settings)
    timer = EpochTimer()
    history = model.fit(
        # tf.data pipelines (make_dataset): the training set reshuffled at every epoch, the
        # same orders on every run; 2-3 times faster than handing fit the arrays
        make_dataset(digits.X_train, digits.y_train, batch_size=32, shuffle_seed=0),
        epochs=epochs,
        shuffle=False,  # the dataset shuffles
        validation_data=make_dataset(digits.X_val, digits.y_val, batch_size=512),
        callbacks=[timer],
        verbose=0,
    )
    return model, history.history, timer.seconds


settings = {
    "no regularization": {},
    "hidden dropout 0.5": {"hidden_rate": 0.5},
    "hidden dropout 0.8": {"hidden_rate": 0.8},
    "input 0.2 + hidden 0.5": {"input_rate": 0.2, "hidden_rate": 0.5},
}
runs = {name: train_digits(**kwargs) for name, kwargs in settings.items()}
table = pd.DataFrame(
    [
        {
            "setting": name,
            # Keras logs the training accuracy on the batches, with dropout *on* (notebook 07,
            # section 6); evaluate measures it like the validation accuracy, with dropout off.
            "train accuracy (dropout off)": model.evaluate(
                make_dataset(digits.X_train, digits.y_train, batch_size=512),
                verbose=0,
                return_dict=True,
            )["accuracy"],
            "train accuracy (Keras log, dropout on)": h["accuracy"][-1],
            "validation accuracy": h["val_accuracy"][-1],
            "best validation cross-entropy": min(h["val_crossentropy"]),
            "epoch of best": int(np.argmin(h["val_crossentropy"])) + 1,
            "parameters": model.count_params(),
        }
        for name, (model, h, _) in runs.items()
    ]
).set_index("setting")
table.round(3)

# %% [markdown]
# ### Q14. Can dropout be used in all layers?
# **Course's answer:** in the hidden layers, yes, and in the **input layer** too, at a lower
# rate: the original dropout method (Srivastava et al., 2014, and Hinton et al., 2012, on
# MNIST) drops 20% of the input pixels and 50% of the hidden units. A dropped input is lost to
# the network unless other inputs carry the same information (neighbouring pixels do; two moons
# coordinates do not, notebook 07), so the input rate stays low. Never after the output layer:
# it would randomly zero the predictions themselves (and shrink them, notebook 07). For
# convolutional and recurrent layers, variants such as spatial dropout work better.
# **Tutorial: misleading.** "Typically ... not in input layers" describes common practice
# fairly, but read as a rule it is wrong about input layers. In the
# table above, adding input dropout 0.2 to hidden dropout 0.5 lowers the training accuracy,
# measured with dropout off, from 0.993 to 0.960 (Keras's log, taken with dropout on,
# exaggerates the drop: 0.957 to 0.857), and on this small problem
# it does not pay: the best validation cross-entropy rises from 0.175 to 0.210 (the validation
# accuracy hardly moves, 0.942 and 0.946). Whether input
# dropout helps depends on the data and on how long you train; the original experiments
# trained for hundreds of epochs on 60,000 images. So "not in input layers" is not a rule:
# input dropout is a setting to tune, at a low rate.
# [Notebook 07](07_dropout.ipynb) compares input, hidden and output dropout in detail.
#
# ### Q15. What happens if I set the dropout rate too high?
# **Course's answer:** the network under-fits, and it shows in the loss before the accuracy.
# At rate 0.8 the best validation cross-entropy (0.315) is the worst of all the runs, almost
# twice that without dropout (0.167), and the training set is fitted less well (0.960 measured
# with dropout off, against 1.000 without dropout), yet the validation *accuracy* hardly moves
# (0.936 against 0.942): after 20 epochs the predictions are mostly less sure of the right
# class, only a few more are wrong. Measure with dropout off: Keras's logged training accuracy
# (0.787) is taken with dropout on and exaggerates the drop. **Tutorial: right.**
#
# ### Q16. How do I choose the right dropout rate?
# **Course's answer:** treat 0.1-0.2 for inputs and 0.2-0.5 for hidden layers as a starting
# grid, not a rule, and choose by validation loss. The best rate grows with the layer's width
# and shrinks with the amount of data: a narrow layer cannot afford to lose half its units, and
# the original paper even recommends *widening* a layer by $1/(1-\text{rate})$ when adding
# dropout. A held-out validation set is usually enough for networks; full cross-validation
# multiplies the training cost. **Tutorial: misleading** when "common values" are read as safe
# defaults. In the table, hidden rates 0 and 0.5 end close to each other after 20 epochs (best
# validation cross-entropy 0.167 and 0.175), while 0.8 is clearly too much (0.315): the best rate
# depends on the network, the data and the training length. [Notebook 07](07_dropout.ipynb) trains longer and shows where dropout pays.

# %% [markdown]
# ## Questions 17-20: training time, data size, unsupervised learning, too much

# %%
show_quiz(
    [
        Question(
            "Why can a network with dropout take longer to train than one without? (Q17)",
            [
                "Dropout adds parameters to the model",
                "Each epoch costs much more",
                "The noisy updates need more epochs to reach the same validation loss",
            ],
            answer=2,
            explanation="Dropout and weight penalties add no parameters and little cost per "
            "step; what changes is how many epochs training needs.",
        ),
        Question(
            "For which training set does regularization matter most? (Q18)",
            ["50 examples", "50,000 examples", "It matters equally for both"],
            answer=0,
            explanation="With few examples a flexible model fits their noise; as data grows, "
            "the data themselves constrain the model and the benefit of a penalty shrinks.",
        ),
        Question.true_false(
            "Keeping only the first few principal components can act like a regularizer. (Q19)",
            answer=True,
            explanation="Principal component regression drops the low-variance directions "
            "entirely; ridge shrinks them smoothly. Both reduce variance.",
        ),
        Question(
            "Which sign says that regularization is too strong? (Q20)",
            [
                "Training error far below validation error",
                "Training and validation errors both high, close to each other",
                "Validation error slightly below training error",
            ],
            answer=1,
            explanation="Too strong a penalty under-fits: the model cannot even fit its "
            "training data.",
        ),
    ],
    title="tutorial questions 17-20",
)

# %% [markdown]
# ### Q17. Does regularization affect training time?
# **Course's answer:** a little per step, sometimes a lot in epochs, and never because of
# "complexity": a weight penalty or a dropout layer adds **no parameters** (the `parameters`
# column above is identical, 9,610, for every run, and the same network built with an L2
# penalty has as many). The L2 penalty adds one sum of squared weights per step; dropout adds
# one random mask. What can change is the number of epochs needed to reach a given validation
# loss: dropout's noisy gradients typically need more epochs, and early stopping (notebook 09)
# can make a regularized run *shorter* than an unregularized one. **Tutorial: right that it
# can take longer, wrong about why.** From the runs above, the epochs that the network without
# and with hidden dropout 0.5 needed to reach a validation cross-entropy of 0.20:

# %%
target_loss = 0.20


def first_epoch_below(history, target):
    below = np.flatnonzero(np.asarray(history["val_crossentropy"]) <= target)
    return int(below[0]) + 1 if below.size else None


compared = ["no regularization", "hidden dropout 0.5"]
for name in compared:
    model, h, _ = runs[name]
    print(
        f"{name:<22} parameters {model.count_params():,}   "
        f"epochs to validation cross-entropy {target_loss}: {first_epoch_below(h, target_loss)}"
    )
print(f"{'L2 1e-3 (built only)':<22} parameters {build_digits(l2_factor=1e-3).count_params():,}")

# %%
# NBVAL_IGNORE_OUTPUT
# CPU seconds differ from run to run and machine to machine; nbval skips this cell.
for name in compared:
    _, h, seconds = runs[name]
    epochs = first_epoch_below(h, target_loss)
    per_epoch = np.median(seconds[1:])  # the first epoch includes graph tracing
    to_target = sum(seconds[:epochs])
    print(
        f"{name:<22} {per_epoch * 1000:6.1f} ms CPU per epoch   {to_target:5.2f} s CPU to the target"
    )

# %% [markdown]
# The CPU cost of one epoch is of the same order for both (in repeated executions they
# differed by at most about a quarter, and which run was faster changed from one execution to
# the next). The
# number of epochs to the target differs more: dropout needed 15 epochs against 11 without it.
# That number, not the model's size, decides the training time.
#
# ### Q18. Is regularization necessary for small datasets?
# **Course's answer:** it matters *more* for small data sets, not less. With few examples a
# flexible model fits their noise; as the data set grows, the data pin the model down and the
# benefit of a penalty shrinks towards zero. **Tutorial: wrong** ("more critical for large
# datasets"). The experiment: a degree-9 polynomial fitted to $n$ noisy points of
# $\sin(2\pi x)$, without a penalty and with Ridge whose alpha is chosen by leave-one-out
# cross-validation (`RidgeCV`), for $n$ from 12 to 320, each repeated on 20 independent data
# sets and scored on 2,000 fresh points. The noise variance, the best possible error, is 0.09.

# %%
X_fresh, y_fresh = make_nonlinear_1d(2000, noise=0.3, seed=999)
sizes = [12, 20, 40, 80, 160, 320]
alpha_grid = np.logspace(-8, 2, 21)
errors = {
    "no penalty": np.zeros((len(sizes), 20)),
    "ridge (alpha by CV)": np.zeros((len(sizes), 20)),
}
for i, n in enumerate(sizes):
    for repeat in range(20):
        X_small, y_small = make_nonlinear_1d(n, noise=0.3, seed=repeat)
        # The same features for both models: degree-9 powers, standardized on this sample
        features = make_pipeline(PolynomialFeatures(9, include_bias=False), StandardScaler())
        Z_small = features.fit_transform(X_small)
        Z_fresh = features.transform(X_fresh)
        for name, estimator in [
            ("no penalty", LinearRegression()),
            ("ridge (alpha by CV)", RidgeCV(alphas=alpha_grid)),
        ]:
            estimator.fit(Z_small, y_small)
            errors[name][i, repeat] = mean_squared_error(y_fresh, estimator.predict(Z_fresh))

summary = pd.DataFrame(
    {
        "n": sizes,
        "median MSE, no penalty": np.median(errors["no penalty"], axis=1),
        "median MSE, ridge": np.median(errors["ridge (alpha by CV)"], axis=1),
    }
).set_index("n")
summary["no penalty / ridge"] = summary["median MSE, no penalty"] / summary["median MSE, ridge"]
summary.round(3)

# %%
fig, ax = plt.subplots()
for name, style in [("no penalty", "-"), ("ridge (alpha by CV)", "--")]:
    ax.plot(sizes, np.median(errors[name], axis=1), linestyle=style, marker="o", label=name)
ax.axhline(0.09, color="0.4", linestyle=":", label="noise variance (best possible)")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xticks(sizes, [str(n) for n in sizes])
ax.minorticks_off()
ax.set_xlabel("training-set size")
ax.set_ylabel("median test MSE (log scale)")
ax.set_title("Regularization pays most on small data sets")
ax.legend()
show_figure(
    "Median test mean squared error against training-set size, both on log scales, for a "
    "degree-9 polynomial without a penalty and with Ridge whose alpha is chosen by cross-"
    "validation, and a dotted line at the noise variance: on small training sets the "
    "unpenalized error is far above Ridge's, and the two curves meet as the training set "
    "grows."
)

# %% [markdown]
# With 12 points, the unpenalized polynomial's median error is several times the ridge error;
# with 320 points the two differ by about one percent. The penalty matters most exactly where
# the tutorial says it matters least. Networks follow the same logic: more data constrains a
# model the way a penalty does, and data augmentation works by enlarging the effective data
# set (notebook 09).
#
# ### Q19. Can regularization be applied to unsupervised learning?
# **Course's answer:** yes, for example weight decay and sparsity penalties in autoencoders,
# or the L1 penalty of sparse PCA. But plain **PCA is not "regularized to prevent
# over-fitting"**: it has no penalty; it is an exact eigen-decomposition of the data's
# covariance. What *acts* like a regularizer is keeping only the first $k$ components: in
# principal component regression (PCR), a regression on the top $k$ components, the
# low-variance directions are dropped completely, whereas ridge regression shrinks each
# direction $j$ smoothly by the factor $d_j^2 / (d_j^2 + \alpha)$, where $d_j$ is its singular
# value. **Tutorial: misleading.** Numbers on 50 training points with 30 strongly correlated
# features (AR(1) correlation 0.9), all of them relevant, tested on 200 fresh points:

# %%
X_pcr, y_pcr, _ = make_sparse_regression(250, 30, 30, noise=5.0, correlation=0.9, seed=3)
X_pcr_train, y_pcr_train = X_pcr[:50], y_pcr[:50]
X_pcr_test, y_pcr_test = X_pcr[50:], y_pcr[50:]
rows = []
for k in (1, 3, 5, 10, 20, 30):
    pcr = make_pipeline(StandardScaler(), PCA(n_components=k), LinearRegression())
    pcr.fit(X_pcr_train, y_pcr_train)
    rows.append(
        {
            "model": f"PCR, {k} components",
            "test MSE": mean_squared_error(y_pcr_test, pcr.predict(X_pcr_test)),
        }
    )
for alpha in (1.0, 10.0, 100.0):
    ridge = make_pipeline(StandardScaler(), Ridge(alpha=alpha)).fit(X_pcr_train, y_pcr_train)
    rows.append(
        {
            "model": f"ridge, alpha {alpha:g}",
            "test MSE": mean_squared_error(y_pcr_test, ridge.predict(X_pcr_test)),
        }
    )
pd.DataFrame(rows).set_index("model").round(2)

# %% [markdown]
# With all 30 components PCR *is* ordinary least squares. Dropping components lowers the test
# error, down to a minimum around 10 components: truncation regularizes. Ridge's smooth
# shrinkage does a little better here than PCR's all-or-nothing cut, and more than ten
# components begin to fit noise again. The shrinkage factors make the kinship explicit:

# %%
d = np.linalg.svd(StandardScaler().fit_transform(X_pcr_train), compute_uv=False)
factors = pd.DataFrame(
    {
        "singular value": d,
        "ridge factor (alpha 10)": d**2 / (d**2 + 10.0),
        "PCR factor (10 components)": (np.arange(len(d)) < 10).astype(float),
    },
    index=pd.RangeIndex(1, len(d) + 1, name="direction"),
)
factors.iloc[[0, 1, 4, 9, 10, 19, 29]].round(3)

# %% [markdown]
# Both keep the strong directions almost untouched and suppress the weak ones; PCR does it with
# a hard step, ridge with a smooth ramp. For PCA on its own, the number of components plays the
# role of the regularization strength, and it is chosen the same way: on held-out data.
#
# ### Q20. What are some signs that my regularization is too strong?
# **Course's answer:** training and validation errors are both high and close to each other,
# and the training error sits well above the noise level (or the best model you know); with
# Lasso, almost all coefficients are zero; with dropout, the validation loss rises and the
# training set, measured with dropout off, is fitted less well (rate 0.8 above; Keras's own log
# of the training accuracy, taken with dropout on, makes the drop look larger than it is). Lower the strength and check that the validation error improves.
# **Tutorial: right.** See [notebook 10](10_pitfalls_and_troubleshooting.ipynb) (pitfall 4)
# and [notebook 12](12_capstone.ipynb).

# %% [markdown]
# ## Key takeaways
#
# - 12 of the tutorial's 20 answers are right as they stand or need only a detail; the course
#   corrects these: Q2 (L2 spreads *weight*, not error), Q7 (alpha's scale differs between
#   libraries), Q13 (dropout rescales during training, so nothing is rescaled at test time),
#   Q14 (input dropout at rate 0.2 is part of the original method), Q16 (0.2-0.5 is a starting
#   grid), Q17 (training time changes through the number of epochs, not "complexity"), Q18
#   (regularization matters *more* for small data sets) and Q19 (PCA is not regularized;
#   truncation acts like a regularizer).
# - The experiments behind the corrections are small enough to rerun: change the seeds, the
#   data sizes or the rates and see which conclusions hold.
# - Every answer links to the notebook that demonstrates it; the table at the top is the map.
