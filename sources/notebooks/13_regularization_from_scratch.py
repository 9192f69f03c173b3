# %% [markdown]
# # 13 · Regularization from scratch: a network, its gradients, L2 and dropout in NumPy
#
# **Topics:** a network with two hidden layers written in NumPy (forward pass, cross-entropy,
# backward pass); the L2 term in the cost *and* in the gradient; inverted dropout forward and
# backward with the same cached mask; gradient checking by central differences (and how it
# catches a planted bug); training with and without L2 and dropout; the bridge to Keras: the
# same initial weights give the same loss curve as `kernel_regularizer=L2(...)`, and the
# textbook's $\frac{\lambda}{2m}\sum\lVert W\rVert^2$ translated into Keras's factor
#
# Notebooks 07 and 08 used regularizers as one argument of a Keras layer. Here nothing is
# hidden: every number the network computes is a line of NumPy you can read, and every
# gradient is checked against the definition of a derivative. At the end, Keras reproduces
# our loss curve to the printed digits, so the one-argument version means exactly what we
# wrote by hand.
#
# **Tutorial questions answered:** 9 (how to add regularization to a network: by hand, in the
# cost and in the gradient) and 4 (what dropout does, down to the backward pass); in part 13
# (why nothing changes at test time with inverted dropout).
#
# **Runtime:** about 10 s on a 2-core laptop (importing TensorFlow, four NumPy trainings of
# 1,000 steps and 50 Keras steps).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/13_regularization_from_scratch.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/13_regularization_from_scratch.ipynb)

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

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from course_utils.data import make_noisy_moons
from course_utils.figures import show_figure

# %% [markdown]
# ## 1. The network and its forward pass
#
# The data are notebook 07's two noisy half-moons: 100 training points, 500 validation points,
# labels 0 and 1. The network has two hidden layers of 64 ReLU units and one sigmoid output,
# 4,417 weights and biases for 100 points: enough to memorize the noise.
#
# With $m$ rows in $X$ (one row per example), the forward pass is
#
# $$Z_1 = X W_1 + b_1,\quad A_1 = \max(Z_1, 0),\quad Z_2 = A_1 W_2 + b_2,\quad
# A_2 = \max(Z_2, 0),\quad z_3 = A_2 W_3 + b_3,\quad p = \sigma(z_3).$$
#
# The weights start with He initialization: $W_k \sim \mathcal N(0, 2/n_{\text{in}})$, biases at
# 0, which keeps the size of the activations roughly constant from layer to layer with ReLU.

# %%
moons = make_noisy_moons(n_train=100, n_val=500, n_test=500, noise=0.3, seed=42)
X, y = moons.X_train, moons.y_train.astype(float)
X_val, y_val = moons.X_val, moons.y_val.astype(float)
m = len(X)
HIDDEN = 64


def init_network(n_in=2, n_hidden=HIDDEN, seed=0):
    """He-initialized weights W1, W2, W3 (shape fan-in x fan-out) and zero biases b1, b2, b3."""
    init_rng = np.random.default_rng(seed)
    sizes = [n_in, n_hidden, n_hidden, 1]
    params = {}
    for k in (1, 2, 3):
        fan_in, fan_out = sizes[k - 1], sizes[k]
        params[f"W{k}"] = init_rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params[f"b{k}"] = np.zeros(fan_out)
    return params


def relu(z):
    return np.maximum(z, 0.0)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow for large |z|


def forward(params, X, masks=None):
    """Output logits z3 and a cache of what the backward pass needs.

    masks: None, or two arrays (one per hidden layer) of 0 and 1 / (1 - rate)."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    if masks is not None:
        A1 = A1 * masks[0]
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = relu(Z2)
    if masks is not None:
        A2 = A2 * masks[1]
    z3 = (A2 @ params["W3"] + params["b3"])[:, 0]
    return z3, (X, Z1, A1, Z2, A2, z3, masks)


params0 = init_network(seed=0)
z3, _ = forward(params0, X)
print({name: value.shape for name, value in params0.items()})
print(f"{sum(value.size for value in params0.values())} numbers to learn, {m} training points")
print(f"first five predicted probabilities: {np.round(sigmoid(z3[:5]), 3)}")

# %% [markdown]
# ## 2. The cost, with the L2 term
#
# The cost is the mean binary cross-entropy plus the L2 penalty in the convention of Andrew
# Ng's Deep Learning Specialization, which this notebook calls the textbook's (Goodfellow et
# al., section 7.1.1, write $\frac{\alpha}{2}w^\top w$ next to a mean loss instead, that is
# $\alpha = \lambda/m$; the course's [scaling conventions](../docs/scaling-conventions.md)
# convert every form):
#
# $$J = \underbrace{-\frac1m\sum_{i=1}^m \big[y_i\log p_i + (1-y_i)\log(1-p_i)\big]}_{
# \text{cross-entropy}} \;+\; \underbrace{\frac{\lambda}{2m}\big(\lVert W_1\rVert^2 +
# \lVert W_2\rVert^2 + \lVert W_3\rVert^2\big)}_{\text{L2 term}}$$
#
# where $\lVert W\rVert^2$ is the sum of the squared entries. Biases are not penalized
# (notebook 08, section 3, shows why). The cross-entropy is computed from the logit $z$:
# $-[y\log\sigma(z) + (1-y)\log(1-\sigma(z))] = \log(1+e^{z}) - yz$, which `np.logaddexp`
# evaluates without ever taking the log of an exact 0.

# %%
def cross_entropy(z3, y):
    """Mean binary cross-entropy of the logits z3 for 0/1 labels y."""
    return float(np.mean(np.logaddexp(0.0, z3) - y * z3))


def l2_term(params, lam, m):
    """The textbook penalty lam / (2 m) * (sum of squared kernel entries); biases excluded."""
    return lam / (2 * m) * sum(np.sum(params[f"W{k}"] ** 2) for k in (1, 2, 3))


def cost(params, X, y, lam=0.0, masks=None):
    z3, _ = forward(params, X, masks)
    return cross_entropy(z3, y) + l2_term(params, lam, len(y))


lam = 0.5
print(f"cross-entropy at the initial weights: {cost(params0, X, y):.4f}")
print(f"L2 term with lambda = {lam}:           {l2_term(params0, lam, m):.4f}")
print(f"cost J:                               {cost(params0, X, y, lam):.4f}")

# %% [markdown]
# ## 3. The backward pass, with the L2 gradient and the dropout mask
#
# Backpropagation applies the chain rule from the output back to the input. For a sigmoid
# output with cross-entropy the first step is remarkably simple, $\partial J/\partial z_3 =
# (p - y)/m$; then each layer turns the gradient of its output into the gradients of its
# weights and of its input:
#
# $$\frac{\partial J}{\partial W_k} = A_{k-1}^\top\,\delta_k + \frac{\lambda}{m}W_k,\qquad
# \frac{\partial J}{\partial b_k} = \textstyle\sum_{\text{rows}}\delta_k,\qquad
# \delta_{k-1} = (\delta_k W_k^\top)\odot D_{k-1}\odot \mathbb 1[Z_{k-1} > 0]$$
#
# with $\delta_k = \partial J/\partial Z_k$, $A_0 = X$, and $A_{k-1}$ the layer's output
# *after* its dropout mask $D_{k-1}$ (what the next layer actually received; without dropout
# $D = 1$).
#
# The L2 term adds $\frac{\lambda}{m}W_k$ to each kernel's gradient (the derivative of
# $\frac{\lambda}{2m}w^2$ is $\frac{\lambda}{m}w$): at every step each weight is pulled towards
# zero in proportion to its size, which is why L2 is also called *weight decay*.
#
# **Inverted dropout** multiplies a hidden layer's output by a mask $D$ of zeros (dropped
# units, probability `rate`) and $1/(1-\text{rate})$ (kept units, scaled up so that the
# expected output is unchanged). The layer's output is $A\odot D$, so its gradient is the
# incoming gradient times **the same** $D$: a dropped unit passed nothing forward and gets
# nothing back. That is why the forward pass keeps the masks in its cache.

# %%
def backward(params, cache, y, lam=0.0):
    """Gradients of the cost J with respect to every entry of params (same keys, same shapes)."""
    X, Z1, A1, Z2, A2, z3, masks = cache
    m = len(y)
    grads = {}
    delta3 = ((sigmoid(z3) - y) / m)[:, None]  # dJ/dz3, shape (m, 1)
    grads["W3"] = A2.T @ delta3 + lam / m * params["W3"]
    grads["b3"] = delta3.sum(axis=0)
    dA2 = delta3 @ params["W3"].T
    if masks is not None:
        dA2 = dA2 * masks[1]  # the same mask as in the forward pass
    delta2 = dA2 * (Z2 > 0)  # ReLU lets the gradient through where its input was positive
    grads["W2"] = A1.T @ delta2 + lam / m * params["W2"]
    grads["b2"] = delta2.sum(axis=0)
    dA1 = delta2 @ params["W2"].T
    if masks is not None:
        dA1 = dA1 * masks[0]
    delta1 = dA1 * (Z1 > 0)
    grads["W1"] = X.T @ delta1 + lam / m * params["W1"]
    grads["b1"] = delta1.sum(axis=0)
    return grads


def dropout_masks(n_rows, rate, mask_rng, units=(HIDDEN, HIDDEN)):
    """One inverted-dropout mask per hidden layer: 0 with probability rate, else 1 / (1 - rate)."""
    keep = 1.0 - rate
    return [(mask_rng.random((n_rows, n_units)) < keep) / keep for n_units in units]


masks = dropout_masks(m, 0.5, np.random.default_rng(1))
_, cache = forward(params0, X)
_, cache_dropout = forward(params0, X, masks)
A1, A1_dropped = cache[2], cache_dropout[2]
print(
    f"mask values: {np.unique(masks[0])}, fraction of zeros {np.mean(masks[0] == 0):.3f} "
    f"of {masks[0].size} units ({m} rows x {HIDDEN})"
)
print(
    f"mean hidden activation without dropout {A1.mean():.4f}, with the mask {A1_dropped.mean():.4f}"
)
one_mask = dropout_masks(1, 0.5, np.random.default_rng(3))
_, one_cache = forward(params0, X[:1], one_mask)
one_grads = backward(params0, one_cache, y[:1])
dropped = one_mask[0][0] == 0
print(
    f"one example, {dropped.sum()} of {HIDDEN} units of layer 1 dropped: largest gradient of "
    f"their incoming weights {np.abs(one_grads['W1'][:, dropped]).max():.1f}, "
    f"of the kept units' {np.abs(one_grads['W1'][:, ~dropped]).max():.3f}"
)

# %% [markdown]
# The mask keeps the mean activation close to its value without dropout (the difference is
# the randomness of one mask over 6,400 units), exactly what the $1/(1-\text{rate})$ scaling
# is for, and the weights into a dropped unit get no gradient from that example. At
# prediction time no mask is applied and nothing needs rescaling: this is why Keras's
# `Dropout` layer does nothing at inference.
#
# ## 4. The gradient check
#
# A backward pass can be wrong and still let the loss go down, so the most direct test is
# the definition of the derivative. For every single weight $\theta$ we compute the central
# difference
#
# $$\frac{J(\theta + \varepsilon) - J(\theta - \varepsilon)}{2\varepsilon},
# \qquad \varepsilon = 10^{-6},$$
#
# whose truncation error shrinks like $\varepsilon^2$ (rounding error grows like
# $10^{-16}/\varepsilon$ instead; $\varepsilon = 10^{-6}$ keeps both small in float64), and
# compare the two gradient vectors (all weights in one vector) by their relative difference
# $\lVert g_{\text{backprop}} - g_{\text{numeric}}\rVert /
# (\lVert g_{\text{backprop}}\rVert + \lVert g_{\text{numeric}}\rVert)$. Around $10^{-7}$ or
# below means the backward pass is right; $10^{-3}$ or above means a bug. With dropout the
# check must hold the masks fixed: $J$ is then an ordinary function of the weights.
#
# The check costs two forward passes per weight, so it runs on a small twin of the network
# (10 units per hidden layer, 151 weights, biases set to small random values as after some
# training) and 20 of the training points: the code is the same, and the formulas do not
# depend on the sizes.

# %%
def gradient_check(params, X, y, lam=0.0, masks=None, eps=1e-6, backward=backward):
    """Relative difference between backward()'s gradient and central differences of cost()."""
    params = {name: value.copy() for name, value in params.items()}
    _, cache = forward(params, X, masks)
    analytic = backward(params, cache, y, lam)
    numeric = {}
    for name, value in params.items():
        gradient = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + eps
            cost_plus = cost(params, X, y, lam, masks)
            value[index] = original - eps
            cost_minus = cost(params, X, y, lam, masks)
            value[index] = original
            gradient[index] = (cost_plus - cost_minus) / (2 * eps)
        numeric[name] = gradient
    g_a = np.concatenate([analytic[name].ravel() for name in params])
    g_n = np.concatenate([numeric[name].ravel() for name in params])
    return float(np.linalg.norm(g_a - g_n) / (np.linalg.norm(g_a) + np.linalg.norm(g_n)))


params_check = init_network(n_hidden=10, seed=0)
for k in (1, 2, 3):  # trained biases are not 0; see the caution below for why this matters
    params_check[f"b{k}"] = np.random.default_rng(k).normal(
        0.0, 0.1, size=params_check[f"b{k}"].shape
    )
X_check, y_check = X[:20], y[:20]
masks_check = dropout_masks(20, 0.5, np.random.default_rng(2), units=(10, 10))
print(f"the twin: {sum(value.size for value in params_check.values())} weights and biases")
checks = {
    "no penalty, no dropout": {},
    f"L2, lambda = {lam}": {"lam": lam},
    "dropout 0.5 (fixed masks)": {"masks": masks_check},
    "L2 and dropout": {"lam": lam, "masks": masks_check},
}
for name, kwargs in checks.items():
    difference = gradient_check(params_check, X_check, y_check, **kwargs)
    print(f"{name:28s} relative difference {difference:.1e}")

# %% [markdown]
# All four relative differences are below $10^{-8}$: the backward pass is right, with and
# without the penalty and the masks. Now two bugs of the kind that are easy to
# make, planted on purpose: a backward pass that forgets the dropout mask on the way back, and
# one that differentiates $\frac{\lambda}{2m}w^2$ as $\frac{\lambda}{2m}w$ (the factor 2
# dropped). Neither raises an error, and a training loop would run with either.

# %%
def backward_forgets_mask(params, cache, y, lam=0.0):
    """Bug: the forward pass used the masks, the backward pass ignores them."""
    return backward(params, cache[:-1] + (None,), y, lam)


def backward_halves_l2(params, cache, y, lam=0.0):
    """Bug: the L2 part of each kernel's gradient is lam / (2 m) * W instead of lam / m * W."""
    grads = backward(params, cache, y, lam)
    for k in (1, 2, 3):
        grads[f"W{k}"] -= lam / (2 * len(y)) * params[f"W{k}"]
    return grads


bug_forgets_mask = gradient_check(
    params_check, X_check, y_check, masks=masks_check, backward=backward_forgets_mask
)
bug_halves_l2 = gradient_check(
    params_check, X_check, y_check, lam=lam, backward=backward_halves_l2
)
print(f"bug: mask forgotten in backward   relative difference {bug_forgets_mask:.1e}")
print(f"bug: L2 gradient halved           relative difference {bug_halves_l2:.1e}")

# %% [markdown]
# The check fails loudly on both: relative differences of the order of $10^{-2}$ to
# $10^{-1}$, some $10^8$ times larger than those of the correct code.
#
# One caution: ReLU has a kink at 0, and if some $Z$ sits within $\varepsilon$ of 0 the
# central difference straddles it, so the check can read worse than the code is. With random
# inputs this is rare, with one exception: biases at exactly 0 (as initialized) and a row
# whose units in a layer are all zero (dropped or switched off by ReLU). The next layer's $Z$
# is then exactly 0 for that row. The same correct code, checked on the freshly initialized
# twin with its zero biases:

# %%
fresh_twin = init_network(n_hidden=10, seed=0)
_, fresh_cache = forward(fresh_twin, X_check, masks_check)
silent_rows = int(np.sum(np.all(fresh_cache[2] == 0, axis=1)))
false_alarm = gradient_check(fresh_twin, X_check, y_check, masks=masks_check)
print(f"rows whose 10 units of layer 1 are all 0: {silent_rows} of {len(X_check)}")
print(f"correct code, zero biases, dropout: relative difference {false_alarm:.1e}")

# %% [markdown]
# A false alarm as large as a planted bug, caused by the kink and not by the code (the bias
# gradients of layer 2 are the ones that disagree): this is why the check above uses
# non-zero biases. If a check fails, look at where the disagreeing weights are and try other
# rows before hunting a bug.
#
# ## 5. Training with and without L2 and dropout
#
# Full-batch gradient descent, 1,000 steps with learning rate 1, from the same initial
# weights, four ways: no regularization, L2 with $\lambda = 0.5$, dropout 0.5 after both
# hidden layers (a new mask at every step), and both. The losses are recorded every 25 steps
# without dropout and without the penalty, so that all four are measured the same way.

# %%
def train(params, X, y, lam=0.0, rate=0.0, steps=1000, learning_rate=1.0, seed=0, every=25):
    params = {name: value.copy() for name, value in params.items()}
    mask_rng = np.random.default_rng(seed)
    curves = {"step": [], "train": [], "val": []}
    for step in range(1, steps + 1):
        masks = dropout_masks(len(X), rate, mask_rng) if rate > 0 else None
        _, cache = forward(params, X, masks)
        grads = backward(params, cache, y, lam)
        for name in params:
            params[name] -= learning_rate * grads[name]
        if step % every == 0:
            curves["step"].append(step)
            curves["train"].append(cost(params, X, y))
            curves["val"].append(cost(params, X_val, y_val))
    return params, curves


def accuracy(params, X, y):
    return float(np.mean((forward(params, X)[0] > 0) == (y == 1)))


settings = {
    "none": {},
    f"L2 (lambda={lam})": {"lam": lam},
    "dropout 0.5": {"rate": 0.5},
    "L2 + dropout": {"lam": lam, "rate": 0.5},
}
runs = {name: train(params0, X, y, **kwargs) for name, kwargs in settings.items()}
results = pd.DataFrame(
    {
        name: {
            "train_loss": curves["train"][-1],
            "val_loss": curves["val"][-1],
            "gap": curves["val"][-1] - curves["train"][-1],
            "train_acc": accuracy(params, X, y),
            "val_acc": accuracy(params, X_val, y_val),
            "best_val_loss": min(curves["val"]),
            "best_step": curves["step"][int(np.argmin(curves["val"]))],
            "sum_W2": sum(np.sum(params[f"W{k}"] ** 2) for k in (1, 2, 3)),
        }
        for name, (params, curves) in runs.items()
    }
).T
results.index.name = "regularization"
results["best_step"] = results["best_step"].astype(int)
print(results.round(3).to_string())

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
for i, (name, (_, curves)) in enumerate(runs.items()):
    axes[0].plot(curves["step"], curves["train"], color=f"C{i}", label=name)
    axes[1].plot(curves["step"], curves["val"], color=f"C{i}", label=name)
axes[0].set_title("training cross-entropy")
axes[1].set_title("validation cross-entropy")
for ax in axes:
    ax.set_xlabel("gradient step")
axes[0].set_ylabel("loss")
axes[1].legend()
axes[1].set_ylim(0, 1.2)
show_figure(
    "Training cross-entropy on the left and validation cross-entropy on the right against"
    " the gradient step, for the NumPy network without regularization, with L2, with "
    "dropout and with both: without regularization the training loss heads towards zero "
    "while the validation loss climbs after an early minimum; the two runs with L2 end "
    "with the lowest validation losses."
)

# %% [markdown]
# Without regularization the network drives its training loss towards zero while the
# validation loss, lowest (0.296) at step 175, climbs from there to 0.805: it memorizes the
# noisy points (stopping at the best step is early stopping, notebook 09). The L2 term keeps
# the weights small, a sum of squares of 33.9 against 415.5 without it; it gives up some
# training fit and closes most of the gap, with the lowest final validation loss of the four. Dropout
# narrows the gap too, but less than this $\lambda$ does here, and it shrinks the weights much
# less (342.6); adding it to L2 changes little. Which one is best is a question for the
# validation set (notebook 06), not a rule.
#
# ## 6. The bridge to Keras
#
# Keras's `kernel_regularizer=keras.regularizers.L2(f)` adds $f\sum w^2$ to the mean loss of
# every batch (notebook 08). Matching the textbook cost term for term,
#
# $$\frac{\lambda}{2m}\sum w^2 = f\sum w^2 \quad\Longleftrightarrow\quad f = \frac{\lambda}{2m},$$
#
# so $\lambda = 0.5$ on $m = 100$ training points is `L2(0.0025)`. Two more conditions make the
# two implementations comparable step by step: the **same initial weights** (we copy ours into
# the Keras layers, rounded to float32, Keras's precision) and the **same steps**: plain `SGD`
# with the same learning rate on one batch holding all $m$ rows. `train_on_batch` takes
# exactly one such step and returns the loss it measured before the step (cross-entropy plus
# penalty); it is what `fit(..., batch_size=m)` does in each epoch, without the per-epoch
# overhead. Keras's losses must then equal ours.

# %%
keras_factor = lam / (2 * m)
print(f"textbook lambda = {lam}, m = {m}  ->  keras.regularizers.L2({keras_factor})")
print(
    f"penalty at the initial weights: ours {l2_term(params0, lam, m):.6f}, Keras "
    f"{sum(float(keras.regularizers.L2(keras_factor)(params0[f'W{k}'])) for k in (1, 2, 3)):.6f}"
)

params32 = {name: value.astype("float32").astype(float) for name, value in params0.items()}
bridge_steps, bridge_learning_rate = 50, 1.0


def build_keras_twin(factor):
    """Our network in Keras, L2(factor) on every kernel, starting from params32."""
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(
                HIDDEN, activation="relu", kernel_regularizer=keras.regularizers.L2(factor)
            ),
            keras.layers.Dense(
                HIDDEN, activation="relu", kernel_regularizer=keras.regularizers.L2(factor)
            ),
            keras.layers.Dense(
                1, activation="sigmoid", kernel_regularizer=keras.regularizers.L2(factor)
            ),
        ]
    )
    for k, layer in enumerate(model.layers, start=1):
        layer.set_weights([params32[f"W{k}"], params32[f"b{k}"]])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=bridge_learning_rate),
        loss="binary_crossentropy",
    )
    return model


twin = build_keras_twin(keras_factor)
X32, y32 = X.astype("float32"), y.astype("float32")
keras_losses = [float(twin.train_on_batch(X32, y32)) for _ in range(bridge_steps)]

numpy_params = {name: value.copy() for name, value in params32.items()}
numpy_losses = []
for _ in range(bridge_steps):
    _, cache = forward(numpy_params, X)
    numpy_losses.append(cost(numpy_params, X, y, lam))
    grads = backward(numpy_params, cache, y, lam)
    for name in numpy_params:
        numpy_params[name] -= bridge_learning_rate * grads[name]

bridge = pd.DataFrame(
    {"numpy_loss": numpy_losses, "keras_loss": keras_losses},
    index=pd.RangeIndex(1, bridge_steps + 1, name="step"),
)
bridge["difference"] = bridge["keras_loss"] - bridge["numpy_loss"]
print(bridge.loc[[1, 2, 5, 10, 20, 50]].to_string(float_format="{:.6f}".format))
largest_loss_gap = bridge["difference"].abs().max()
largest_weight_gap = max(
    np.abs(layer.kernel.numpy() - numpy_params[f"W{k}"]).max()
    for k, layer in enumerate(twin.layers, start=1)
)
val_proba_gap = np.abs(
    twin.predict_on_batch(X_val.astype("float32"))[:, 0] - sigmoid(forward(numpy_params, X_val)[0])
).max()
print(f"largest loss difference over the {bridge_steps} steps: {largest_loss_gap:.0e}")
print(f"largest difference between the final kernels:     {largest_weight_gap:.0e}")
print(f"largest difference of validation probabilities:   {val_proba_gap:.0e}")

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.plot(bridge.index, bridge["numpy_loss"], label="NumPy (float64)")
ax.plot(bridge.index, bridge["keras_loss"], "o", ms=4, mfc="none", label="Keras L2(0.0025), SGD")
ax.set_xlabel("full-batch gradient step")
ax.set_ylabel("cross-entropy + L2 term")
ax.set_title("Same weights, same steps: the curves coincide")
ax.legend()
show_figure(
    "Loss against the full-batch gradient step for the NumPy network and for the Keras "
    "network with L2(0.0025) and SGD from the same weights: the Keras points lie exactly "
    "on the NumPy curve."
)

# %% [markdown]
# The two implementations agree to six decimals at every step, the final weights and the
# predictions on the validation points too; what remains is float32 rounding (Keras computes
# in float32, our NumPy code in float64). So
# `kernel_regularizer=L2(f)` is exactly our L2 term with $\lambda = 2mf$: a Keras factor
# carried over to a data set of a different size means a different $\lambda$, and a textbook
# $\lambda$ must be divided by $2m$ before it goes into Keras. Every library has its own scale:
# scikit-learn's `MLPClassifier(alpha=...)` divides its L2 term by the number of samples, as
# its documentation says, and adds $\frac{\alpha}{2m}\sum w^2$ to the mean log-loss, so its
# `alpha` *is* this $\lambda$; `Ridge`'s `alpha` is on yet another scale (notebook 08,
# section 2; all of them in the [scaling conventions](../docs/scaling-conventions.md)).
#
# With dropout the two cannot be compared step by step, because Keras draws its own masks; but
# Keras applies the same rule we wrote, zeros and $1/(1-\text{rate})$ (notebook 07 checks its
# masks), and its backward pass multiplies by the same mask, which section 4 just verified for
# ours.

# %% [markdown]
# ## Key takeaways
#
# - An L2 penalty lives in two places: $\frac{\lambda}{2m}\sum\lVert W\rVert^2$ in the cost and
#   $\frac{\lambda}{m}W$ in each kernel's gradient; biases are left out (question 9).
# - Inverted dropout multiplies a layer's output by a mask of 0 and $1/(1-\text{rate})$ in the
#   forward pass and its gradient by **the same mask** in the backward pass; at prediction time
#   it does nothing (questions 4 and 13).
# - A gradient check by central differences reads about $10^{-7}$ or below when the backward
#   pass is right and fails by orders of magnitude on a forgotten mask or a missing factor 2;
#   hold the dropout masks fixed while checking, and keep pre-activations away from ReLU's kink
#   at 0 (non-zero biases), or the correct code reads like a bug.
# - On 100 noisy points the unregularized network memorizes the noise; L2 and dropout shrink
#   the train/validation gap (the table in section 5 has the numbers).
# - Keras's `L2(f)` is the textbook term with $f = \lambda/(2m)$: with the same initial
#   weights and full-batch `SGD`, Keras and NumPy give the same loss curve to six decimals.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "The cost has the L2 term lambda / (2m) * sum(W**2). What does it add to the "
            "gradient of a kernel W?",
            ["lambda / (2m) * W", "lambda / m * W", "lambda * W", "nothing: it is a constant"],
            answer=1,
            explanation="The derivative of lambda / (2m) * w**2 is lambda / m * w; the 1/2 "
            "cancels the 2 of the square.",
        ),
        Question(
            "In the backward pass through an inverted-dropout layer, the incoming gradient is "
            "multiplied by ...",
            [
                "a fresh random mask",
                "the same mask as in the forward pass",
                "1 - rate",
                "nothing: dropout has no gradient",
            ],
            answer=1,
            explanation="The layer computes A * D, so its derivative with respect to A is D: "
            "the mask of the forward pass, kept in the cache.",
        ),
        Question(
            "A gradient check returns a relative difference of 3e-2. What do you conclude?",
            [
                "The backward pass is right; 3e-2 is rounding error",
                "The backward pass very likely has a bug",
                "epsilon must be increased to 1e-2",
            ],
            answer=1,
            explanation="A correct backward pass in float64 agrees to about 1e-7 or better; "
            "3e-2 is far outside that. Check one layer at a time to find the bug.",
        ),
        Question(
            "A textbook uses lambda = 2 with the lambda / (2m) convention on m = 400 samples. "
            "Which Keras regularizer is the same penalty?",
            ["L2(2)", "L2(0.005)", "L2(0.0025)", "L2(1)"],
            answer=2,
            explanation="f = lambda / (2m) = 2 / 800 = 0.0025.",
        ),
    ]
)
