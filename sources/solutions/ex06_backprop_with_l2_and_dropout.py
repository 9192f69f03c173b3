# %% [markdown]
# # Exercise 06 · Backpropagation with L2 and dropout
#
# **Topics:** He initialization, the forward and backward pass of a network of any depth, the L2 penalty in the loss and in the gradient (Keras's convention), inverted dropout in the backward pass, gradient checking
#
# Notebook 13 wrote one network with exactly two hidden layers, weight by weight. Here you write
# the general version: any list of layer sizes, the L2 penalty exactly as Keras's
# `kernel_regularizer=L2(l2)` adds it, inverted dropout masks in the forward *and* the backward
# pass, and the gradient check that proves the result. Then you train your network with and
# without regularization.
#
# **How to work this notebook.** Fill in each function where it says `# your code here` (delete
# the `raise NotImplementedError` line), then run the check cell below it: it prints one line per
# test case, `passed`, `failed` with what was expected and what came back, or `not attempted yet`.
# The checks test properties any correct answer has (shapes, the loss at points where it is
# known exactly, the slope of your own loss along random directions), not copies of the
# answer. The cells titled *Graded test* are what an autograder scores: each one raises an
# error until your function is right, and may hold more tests when your work is graded. Cells
# that use your functions raise `NotImplementedError` until you have written them.
#
# | Part | Points |
# |---|---:|
# | Task 1 · `init_mlp` | 2 |
# | Task 2 · `mlp_loss_and_gradients` | 4 |
# | Task 3 · `gradient_check` | 2 |
# | Question 1 (written) | 2 |
# | **Total** | **10** |
#
# Runtime: about 5 s (NumPy only; four networks of 4,417 weights and biases are trained for
# 1,000 steps, and one more for 200 steps).

# %% nbgrader={"grade": false, "grade_id": "ex06-setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
from course_utils import setup_notebook

rng = setup_notebook(seed=42)

import numpy as np
import pandas as pd

from course_utils.checks import Case, check_function
from course_utils.data import make_noisy_moons

# %% [markdown]
# ## Task 1 · He initialization (2 points)
#
# Write `init_mlp(layer_sizes, seed)` for a list such as `[2, 16, 16, 1]` (inputs, hidden
# layers, one output unit). It returns a list with one `(W, b)` pair per layer: `W` of shape
# `(n_in, n_out)` drawn from a normal distribution with mean 0 and standard deviation
# $\sqrt{2 / n_{\text{in}}}$ (He initialization, made for ReLU), and `b` of shape `(n_out,)`
# filled with zeros. Use `np.random.default_rng(seed)`, so that the same seed gives the same
# weights. Raise a `ValueError` when `layer_sizes` has fewer than two entries.

# %% nbgrader={"grade": false, "grade_id": "ex06-init", "locked": false, "schema_version": 3, "solution": true, "task": false}
def init_mlp(layer_sizes, seed):
    """He-initialized ``[(W, b), ...]``: ``W ~ N(0, 2 / n_in)`` of shape ``(n_in, n_out)``, ``b = 0``."""
    ### BEGIN SOLUTION
    if len(layer_sizes) < 2:
        raise ValueError("layer_sizes needs at least an input size and an output size.")
    init_rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        W = init_rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        params.append((W, np.zeros(n_out)))
    return params
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex06-init-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
def has_shapes(shapes):
    """A compare function: the result is a list of (W, b) pairs with these shapes, b all 0."""

    def compare(got, _expected):
        if not isinstance(got, list) or len(got) != len(shapes):
            return f"expected a list of {len(shapes)} (W, b) pairs"
        for k, (pair, (w_shape, b_shape)) in enumerate(zip(got, shapes, strict=True)):
            if len(pair) != 2:
                return f"layer {k}: expected a (W, b) pair"
            W, b = (np.asarray(a) for a in pair)
            if W.shape != w_shape or b.shape != b_shape:
                return f"layer {k}: W {W.shape} and b {b.shape}, expected {w_shape} and {b_shape}"
            if np.any(b != 0):
                return f"layer {k}: the biases must start at 0"
        return True

    return compare


def has_he_spread(got, _expected):
    """A compare function: each kernel of 1,000 or more entries has mean about 0 and standard
    deviation within 5 % of sqrt(2 / n_in) (smaller kernels vary too much by chance)."""
    for k, (W, _) in enumerate(got):
        W = np.asarray(W)
        if W.size < 1000:
            continue
        target = np.sqrt(2.0 / W.shape[0])
        if abs(W.std() - target) > 0.05 * target or abs(W.mean()) > 0.1 * target:
            return (
                f"layer {k}: mean {W.mean():.3f}, std {W.std():.3f}; expected 0 and {target:.3f}"
            )
    return True


def same_as_a_second_call(layer_sizes, seed):
    """A compare function: calling init_mlp again with the same arguments gives equal arrays."""

    def compare(got, _expected):
        again = init_mlp(layer_sizes, seed)
        for (W1, b1), (W2, b2) in zip(got, again, strict=True):
            if not (np.array_equal(W1, W2) and np.array_equal(b1, b2)):
                return "a second call with the same seed gave different weights"
        return True

    return compare


check_function(
    init_mlp,
    [
        Case(
            ([2, 16, 16, 1], 0),
            compare=has_shapes([((2, 16), (16,)), ((16, 16), (16,)), ((16, 1), (1,))]),
            label="shapes for [2, 16, 16, 1]",
            hint="one (W, b) pair per pair of neighbouring sizes; W is (n_in, n_out)",
        ),
        Case(
            ([400, 300, 1], 1),
            compare=has_he_spread,
            label="the spread of the weights",
            hint="draw W with standard deviation np.sqrt(2 / n_in)",
        ),
        Case(
            ([3, 5, 1], 7),
            compare=same_as_a_second_call([3, 5, 1], 7),
            label="the same seed gives the same weights",
            hint="use np.random.default_rng(seed), not the global np.random functions",
        ),
        Case(([4], 0), raises=ValueError, label="only one size"),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex06-init-tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Graded test (2 points): raises AssertionError until init_mlp is right.
check_function(
    init_mlp,
    [
        Case(
            ([5, 8, 1], 3),
            compare=has_shapes([((5, 8), (8,)), ((8, 1), (1,))]),
            label="shapes for [5, 8, 1]",
        ),
        Case(([5, 8, 1], 3), compare=same_as_a_second_call([5, 8, 1], 3), label="same seed"),
    ],
    strict=True,
)


### BEGIN HIDDEN TESTS
def differs_from_seed(layer_sizes, other_seed):
    def compare(got, _expected):
        other = init_mlp(layer_sizes, other_seed)
        if all(np.array_equal(W1, W2) for (W1, _), (W2, _) in zip(got, other, strict=True)):
            return "different seeds must give different weights"
        return True

    return compare


check_function(
    init_mlp,
    [
        Case(
            ([3, 7, 6, 5, 1], 0),
            compare=has_shapes([((3, 7), (7,)), ((7, 6), (6,)), ((6, 5), (5,)), ((5, 1), (1,))]),
            label="four layers",
        ),
        Case(([4, 1], 2), compare=has_shapes([((4, 1), (1,))]), label="no hidden layer"),
        Case(([800, 200, 50, 1], 11), compare=has_he_spread, label="spread, deeper"),
        Case(([20, 600, 1], 5), compare=has_he_spread, label="spread, wide"),
        Case(([6, 4, 1], 1), compare=differs_from_seed([6, 4, 1], 2), label="seeds differ"),
        Case(([], 0), raises=ValueError, label="no sizes"),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 · Loss and gradients, with L2 and dropout (4 points)
#
# Write `mlp_loss_and_gradients(params, X, y, l2=0.0, dropout_masks=None)` for `params` as
# `init_mlp` makes them, `X` of shape `(n, n_features)` and 0/1 labels `y` of shape `(n,)`:
#
# * **forward:** every layer but the last computes $A_k = \max(A_{k-1} W_k + b_k, 0)$ (ReLU),
#   starting from $A_0 = X$; when `dropout_masks` is given, $A_k$ is then multiplied by
#   `dropout_masks[k - 1]`, an array of shape `(n, units)` holding 0 (dropped) or
#   $1/(1-\text{rate})$ (kept); the last layer gives one logit per row,
#   $z = A_{L-1} W_L + b_L$, and the probability $p = \sigma(z)$;
# * **loss:** the mean binary cross-entropy over the $n$ rows plus
#   `l2 * sum(np.sum(W**2) for W, b in params)`, exactly what Keras adds for `L2(l2)` on every
#   kernel (no $\frac12$, no $1/n$; biases not penalized). Compute the cross-entropy from the
#   logits, $\log(1 + e^{z}) - y z$, with `np.logaddexp(0, z) - y * z`: it equals
#   $-[y\log p + (1-y)\log(1-p)]$ and stays finite for confident predictions. Return it as a
#   Python `float`;
# * **backward:** the gradient of that loss with respect to every `W` and `b`, as a list of
#   `(dW, db)` pairs shaped like `params`. Start from $\partial \text{loss}/\partial z =
#   (p - y)/n$, go back layer by layer, multiply by the **same** dropout mask on the way back,
#   and add $2\,\text{l2}\,W$ to each kernel's gradient.
#
# A network with no hidden layer (`[n_features, 1]`) is logistic regression; your code should
# handle it too (`dropout_masks` is then `None` or an empty list).

# %% nbgrader={"grade": false, "grade_id": "ex06-loss-grads", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mlp_loss_and_gradients(params, X, y, l2=0.0, dropout_masks=None):
    """Mean binary cross-entropy + ``l2 * sum(W**2)`` and its gradients ``[(dW, db), ...]``."""
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(X)
    activations = [X]
    for k, (W, b) in enumerate(params[:-1]):
        A = np.maximum(activations[-1] @ W + b, 0.0)
        if dropout_masks is not None and len(dropout_masks) > 0:
            A = A * dropout_masks[k]
        activations.append(A)
    W_out, b_out = params[-1]
    z = (activations[-1] @ W_out + b_out)[:, 0]
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + l2 * sum(np.sum(W**2) for W, _ in params)
    delta = ((0.5 * (1.0 + np.tanh(0.5 * z)) - y) / n)[:, None]  # dloss/dz, sigmoid via tanh
    grads = [None] * len(params)
    for k in range(len(params) - 1, -1, -1):
        W, _ = params[k]
        grads[k] = (activations[k].T @ delta + 2.0 * l2 * W, delta.sum(axis=0))
        if k > 0:
            delta = delta @ W.T
            if dropout_masks is not None and len(dropout_masks) > 0:
                delta = delta * dropout_masks[k - 1]
            delta = delta * (activations[k] > 0)
    return float(loss), grads
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex06-loss-grads-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
def small_network(layer_sizes, seed):
    """Random weights and non-zero biases (independent of your init_mlp)."""
    net_rng = np.random.default_rng(seed)
    return [
        (net_rng.normal(0.0, 0.8, size=(a, b)), net_rng.normal(0.0, 0.3, size=b))
        for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)
    ]


def silent_output(params):
    """The same network with the output layer's kernel and bias set to 0: it predicts 0.5."""
    W_out, b_out = params[-1]
    return [*params[:-1], (np.zeros_like(W_out), np.zeros_like(b_out))]


def known_at_half(params, y, l2):
    """A compare function for a network that predicts p = 0.5 for every row.

    Then the cross-entropy is log 2, the penalty is l2 * sum(W**2), every kernel but the last
    has the gradient 2 * l2 * W (nothing flows back through a zero kernel), every bias but the
    last has gradient 0, and the last bias has gradient mean(0.5 - y)."""

    def compare(got, _expected):
        loss, grads = got
        penalty = l2 * sum(np.sum(W**2) for W, _ in params)
        if not isinstance(loss, float):
            return f"loss must be a Python float, got {type(loss).__name__}"
        if not np.isclose(loss, np.log(2.0) + penalty, rtol=1e-9, atol=1e-12):
            return f"loss {loss:.6f}, expected log(2) + penalty = {np.log(2.0) + penalty:.6f}"
        if len(grads) != len(params):
            return f"expected {len(params)} (dW, db) pairs, got {len(grads)}"
        for k, ((dW, db), (W, b)) in enumerate(zip(grads, params, strict=True)):
            if np.shape(dW) != W.shape or np.shape(db) != b.shape:
                return f"layer {k}: gradient shapes {np.shape(dW)}, {np.shape(db)}"
            if k < len(params) - 1:
                if not np.allclose(dW, 2 * l2 * W, atol=1e-12):
                    return f"layer {k}: dW should be 2 * l2 * W here (the penalty's gradient)"
                if not np.allclose(db, 0.0, atol=1e-12):
                    return f"layer {k}: db should be 0 here (no gradient through a zero kernel)"
        if not np.allclose(grads[-1][1], np.mean(0.5 - np.asarray(y, dtype=float)), atol=1e-12):
            return "the output bias's gradient should be mean(p - y) = mean(0.5 - y)"
        return True

    return compare


def matches_slopes(params, X, y, l2=0.0, dropout_masks=None, eps=1e-5):
    """A compare function: your gradients predict how your loss changes.

    For each array (each W and each b) a random direction V is drawn; the slope of your loss
    along V, measured by a central difference, must equal sum(gradient * V)."""

    def compare(got, _expected):
        direction_rng = np.random.default_rng(99)
        for k in range(len(params)):
            for which, name in ((0, "dW"), (1, "db")):
                V = direction_rng.normal(size=np.shape(params[k][which]))
                losses = []
                for sign in (1.0, -1.0):
                    trial = [(W.copy(), b.copy()) for W, b in params]
                    moved = list(trial[k])
                    moved[which] = moved[which] + sign * eps * V
                    trial[k] = tuple(moved)
                    losses.append(mlp_loss_and_gradients(trial, X, y, l2, dropout_masks)[0])
                slope = (losses[0] - losses[1]) / (2 * eps)
                predicted = float(np.sum(np.asarray(got[1][k][which]) * V))
                if not np.isclose(predicted, slope, rtol=1e-5, atol=1e-8):
                    return (
                        f"layer {k}: along a random direction your {name} predicts a slope of "
                        f"{predicted:.6f}, but your loss changes at {slope:.6f}"
                    )
        return True

    return compare


def masks_for(layer_sizes, n, rate, seed):
    mask_rng = np.random.default_rng(seed)
    return [(mask_rng.random((n, units)) >= rate) / (1.0 - rate) for units in layer_sizes[1:-1]]


def same_as_without_masks(params, X, y, l2):
    """A compare function: masks of all ones change nothing."""

    def compare(got, _expected):
        loss, grads = mlp_loss_and_gradients(params, X, y, l2)
        if not np.isclose(got[0], loss, rtol=1e-12):
            return "masks of ones must give the same loss as no masks"
        for (dW, db), (dW2, db2) in zip(got[1], grads, strict=True):
            if not (np.allclose(dW, dW2, rtol=1e-12) and np.allclose(db, db2, rtol=1e-12)):
                return "masks of ones must give the same gradients as no masks"
        return True

    return compare


check_rng = np.random.default_rng(0)
X_small = check_rng.normal(size=(12, 3))
y_small = (check_rng.random(12) < 0.5).astype(float)
sizes_small = [3, 5, 4, 1]
net_small = small_network(sizes_small, seed=1)
masks_small = masks_for(sizes_small, 12, 0.5, seed=2)
check_function(
    mlp_loss_and_gradients,
    [
        Case(
            (silent_output(net_small), X_small, y_small),
            compare=known_at_half(silent_output(net_small), y_small, 0.0),
            label="p = 0.5 everywhere: loss log(2)",
            hint="mean of logaddexp(0, z) - y * z; return float(loss)",
        ),
        Case(
            (silent_output(net_small), X_small, y_small, 0.3),
            compare=known_at_half(silent_output(net_small), y_small, 0.3),
            label="p = 0.5 everywhere, l2 = 0.3",
            hint="add l2 * sum(W**2) over the kernels only (not the biases), and 2 * l2 * W "
            "to each kernel's gradient",
        ),
        Case(
            (net_small, X_small, y_small),
            compare=matches_slopes(net_small, X_small, y_small),
            label="your gradients predict how your loss changes",
            hint="delta starts as (p - y) / n; dW = A_prev.T @ delta; go back with delta @ W.T "
            "and the ReLU derivative (Z > 0)",
        ),
        Case(
            (net_small, X_small, y_small, 0.05, masks_small),
            compare=matches_slopes(net_small, X_small, y_small, 0.05, masks_small),
            label="the same with l2 = 0.05 and dropout masks",
            hint="multiply each hidden layer's ReLU output by its mask, and the gradient "
            "flowing back into that layer by the same mask",
        ),
        Case(
            (net_small, X_small, y_small, 0.05, [np.ones((12, 5)), np.ones((12, 4))]),
            compare=same_as_without_masks(net_small, X_small, y_small, 0.05),
            label="masks of ones change nothing",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex06-loss-grads-tests", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
# Graded test (4 points): raises AssertionError until mlp_loss_and_gradients is right.
X_graded = np.random.default_rng(3).normal(size=(9, 2))
y_graded = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1], dtype=float)
net_graded = small_network([2, 6, 1], seed=4)
check_function(
    mlp_loss_and_gradients,
    [
        Case(
            (silent_output(net_graded), X_graded, y_graded, 0.1),
            compare=known_at_half(silent_output(net_graded), y_graded, 0.1),
            label="p = 0.5 everywhere, l2 = 0.1",
        ),
        Case(
            (net_graded, X_graded, y_graded, 0.02, masks_for([2, 6, 1], 9, 0.5, seed=5)),
            compare=matches_slopes(
                net_graded, X_graded, y_graded, 0.02, masks_for([2, 6, 1], 9, 0.5, seed=5)
            ),
            label="slopes, with L2 and dropout",
        ),
    ],
    strict=True,
)


### BEGIN HIDDEN TESTS
def reference_loss_and_gradients(params, X, y, l2=0.0, masks=None):
    """An independent reference: explicit pre-activations kept, masks applied by index."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    masks = list(masks) if masks is not None else []
    outputs, pre = [X], []
    for k, (W, b) in enumerate(params):
        Z = outputs[-1] @ W + b
        pre.append(Z)
        if k == len(params) - 1:
            break
        H = np.where(Z > 0, Z, 0.0)
        outputs.append(H * masks[k] if masks else H)
    z = pre[-1][:, 0]
    p = 1.0 / (1.0 + np.exp(-z))
    loss = np.mean(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0) - y * z)
    loss += l2 * sum((W * W).sum() for W, _ in params)
    grads = []
    g = (p - y)[:, None] / len(y)
    for k in reversed(range(len(params))):
        W = params[k][0]
        grads.insert(0, (outputs[k].T @ g + 2 * l2 * W, g.sum(axis=0)))
        if k:
            g = g @ W.T
            if masks:
                g = g * masks[k - 1]
            g = g * (pre[k - 1] > 0)
    return float(loss), grads


def hidden_case(layer_sizes, n, l2, rate, seed, label, scale=1.0, as_lists=False):
    case_rng = np.random.default_rng(seed)
    X = case_rng.normal(size=(n, layer_sizes[0])) * scale
    y = (case_rng.random(n) < 0.5).astype(int)
    params = small_network(layer_sizes, seed + 100)
    masks = masks_for(layer_sizes, n, rate, seed + 200) if rate else None
    expected = reference_loss_and_gradients(params, X, y, l2, masks)
    args = (X.tolist(), y.tolist()) if as_lists else (X, y)
    return Case(
        (params, *args, l2, masks),
        expected,
        rtol=1e-7,
        atol=1e-10,
        check_dtype=False,
        label=label,
    )


check_function(
    mlp_loss_and_gradients,
    [
        hidden_case([2, 16, 16, 1], 30, 0.0, 0.0, 10, "[2, 16, 16, 1], no regularization"),
        hidden_case([2, 16, 16, 1], 30, 0.01, 0.0, 11, "[2, 16, 16, 1], L2"),
        hidden_case([2, 16, 16, 1], 30, 0.01, 0.5, 12, "[2, 16, 16, 1], L2 and dropout 0.5"),
        hidden_case([4, 9, 7, 5, 1], 25, 0.003, 0.2, 13, "three hidden layers, dropout 0.2"),
        hidden_case([5, 1], 20, 0.1, 0.0, 14, "no hidden layer (logistic regression)"),
        hidden_case([3, 8, 1], 1, 0.0, 0.5, 15, "a single row"),
        hidden_case([3, 8, 1], 40, 0.0, 0.0, 16, "large inputs (confident logits)", scale=6.0),
        hidden_case([2, 5, 1], 10, 0.02, 0.0, 17, "lists and int labels", as_lists=True),
    ],
    strict=True,
    quiet=True,
)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 · The gradient check (2 points)
#
# Write `gradient_check(params, X, y, l2=0.0, dropout_masks=None, eps=1e-6)`. For every single
# number $\theta$ in `params`, compute the central difference of your loss,
# $(\text{loss}(\theta + \varepsilon) - \text{loss}(\theta - \varepsilon)) / (2\varepsilon)$,
# with everything else (including the masks) held fixed. Then, for every layer, put the
# entries of its `dW` and `db` into one vector $a$ (your analytic gradient) and those of the
# central differences into $g$, compute the relative difference
# $\lVert a - g\rVert / (\lVert a\rVert + \lVert g\rVert)$ (take 0 when both norms are 0), and
# return the **largest** over the layers, as a Python `float`. Notebook 13 put all the weights
# into one vector; layer by layer, a bug in one small layer cannot hide behind the large
# gradients of another. Do not modify `params` (work on copies).
#
# With a correct Task 2 the result is about $10^{-7}$ or smaller; a bug makes it $10^{-3}$ or
# larger. One exception, from notebook 13 (section 4): a pre-activation within $\varepsilon$ of
# ReLU's kink at 0 (zero biases, as `init_mlp` makes them, and a row whose units in a layer
# are all 0, dropped or switched off) makes correct code read like a bug; the checks below use
# non-zero biases.

# %% nbgrader={"grade": false, "grade_id": "ex06-gradient-check", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradient_check(params, X, y, l2=0.0, dropout_masks=None, eps=1e-6):
    """Largest relative difference, layer by layer, between analytic and numerical gradients."""
    ### BEGIN SOLUTION
    _, analytic = mlp_loss_and_gradients(params, X, y, l2, dropout_masks)
    largest = 0.0
    for k in range(len(params)):
        a_parts, g_parts = [], []
        for which in (0, 1):
            array = np.asarray(params[k][which], dtype=float)
            numeric = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                losses = []
                for sign in (1.0, -1.0):
                    trial = [
                        (np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in params
                    ]
                    trial[k][which][index] += sign * eps
                    losses.append(mlp_loss_and_gradients(trial, X, y, l2, dropout_masks)[0])
                numeric[index] = (losses[0] - losses[1]) / (2 * eps)
            a_parts.append(np.ravel(analytic[k][which]))
            g_parts.append(numeric.ravel())
        a, g = np.concatenate(a_parts), np.concatenate(g_parts)
        denominator = np.linalg.norm(a) + np.linalg.norm(g)
        if denominator > 0:
            largest = max(largest, float(np.linalg.norm(a - g) / denominator))
    return largest
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "ex06-gradient-check-check", "locked": true, "schema_version": 3, "solution": false, "task": false}
def is_small_float(got, _expected):
    if not isinstance(got, float):
        return f"return a Python float, got {type(got).__name__}"
    return got < 1e-6 or f"{got:.1e} is too large for a correct gradient (expected below 1e-6)"


def is_clearly_positive(got, _expected):
    if not isinstance(got, float):
        return f"return a Python float, got {type(got).__name__}"
    return got > 1e-4 or (
        f"{got:.1e}: with eps = 0.5 the central differences of a curved loss must differ "
        "visibly from the exact gradient; is eps used?"
    )


check_function(
    gradient_check,
    [
        Case(
            (net_small, X_small, y_small),
            compare=is_small_float,
            label="no regularization",
            hint="with a correct Task 2, central differences agree to about 1e-7 or better",
        ),
        Case(
            (net_small, X_small, y_small, 0.05, masks_small),
            compare=is_small_float,
            label="L2 and fixed dropout masks",
        ),
        Case(
            (net_small, X_small, y_small),
            kwargs={"eps": 0.5},
            compare=is_clearly_positive,
            label="a very large eps is visibly inexact",
            hint="shift each entry by +eps and -eps, divide the difference by 2 * eps",
        ),
    ],
)

# %% nbgrader={"grade": true, "grade_id": "ex06-gradient-check-tests", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Graded test (2 points): raises AssertionError until gradient_check is right.
check_function(
    gradient_check,
    [
        Case((net_graded, X_graded, y_graded, 0.02), compare=is_small_float, label="with L2"),
        Case(
            (net_graded, X_graded, y_graded),
            kwargs={"eps": 0.5},
            compare=is_clearly_positive,
            label="large eps",
        ),
    ],
    strict=True,
)


### BEGIN HIDDEN TESTS
def reference_gradient_check(params, X, y, l2=0.0, masks=None, eps=1e-6):
    _, analytic = reference_loss_and_gradients(params, X, y, l2, masks)
    worst = 0.0
    for k in range(len(params)):
        numeric_layer = []
        for which in (0, 1):
            base = params[k][which]
            numeric = np.zeros(base.shape)
            for index in np.ndindex(base.shape):
                up = [(W.copy(), b.copy()) for W, b in params]
                down = [(W.copy(), b.copy()) for W, b in params]
                up[k][which][index] += eps
                down[k][which][index] -= eps
                numeric[index] = (
                    reference_loss_and_gradients(up, X, y, l2, masks)[0]
                    - reference_loss_and_gradients(down, X, y, l2, masks)[0]
                ) / (2 * eps)
            numeric_layer.append(numeric.ravel())
        a = np.concatenate([analytic[k][0].ravel(), analytic[k][1].ravel()])
        g = np.concatenate(numeric_layer)
        total = np.linalg.norm(a) + np.linalg.norm(g)
        if total > 0:
            worst = max(worst, np.linalg.norm(a - g) / total)
    return float(worst)


hidden_X = np.random.default_rng(21).normal(size=(15, 3))
hidden_y = (np.random.default_rng(22).random(15) < 0.5).astype(float)
hidden_net = small_network([3, 6, 5, 1], seed=23)
hidden_masks = masks_for([3, 6, 5, 1], 15, 0.3, seed=24)
check_function(
    gradient_check,
    [
        Case(
            (hidden_net, hidden_X, hidden_y, 0.01, hidden_masks),
            compare=is_small_float,
            label="deeper, L2 and dropout",
        ),
        Case(
            (small_network([4, 1], 25), hidden_X[:, :2].repeat(2, axis=1), hidden_y),
            compare=is_small_float,
            label="no hidden layer",
        ),
    ]
    + [
        Case(
            (hidden_net, hidden_X, hidden_y, l2, masks),
            reference_gradient_check(hidden_net, hidden_X, hidden_y, l2, masks, eps),
            kwargs={"eps": eps},
            rtol=1e-3,
            atol=1e-9,
            check_dtype=False,
            label=f"the exact definition, eps = {eps}",
        )
        for l2, masks, eps in [(0.0, None, 0.3), (0.01, hidden_masks, 0.1), (0.0, None, 1e-2)]
    ],
    strict=True,
    quiet=True,
)
kept = [(W.copy(), b.copy()) for W, b in hidden_net]
gradient_check(hidden_net, hidden_X, hidden_y)
assert all(
    np.array_equal(W, W0) and np.array_equal(b, b0)
    for (W, b), (W0, b0) in zip(hidden_net, kept, strict=True)
), "gradient_check must not change params"
assert isinstance(gradient_check(hidden_net, hidden_X, hidden_y), float), "return a float"
### END HIDDEN TESTS

# %% [markdown]
# ## Your network at work: L2 and dropout against over-fitting
#
# The two noisy half-moons of notebooks 07 and 13: 100 training points, 500 validation points.
# The cell trains your network `[2, 64, 64, 1]` with full-batch gradient descent (1,000 steps,
# learning rate 1) from the same initial weights, four ways: no regularization, `l2 = 0.0025`
# (notebook 13's $\lambda = 0.5$ in Keras's convention, $\lambda/(2m)$ with $m = 100$; the
# course's [scaling conventions](../docs/scaling-conventions.md) list the others), dropout 0.5
# after both hidden layers (a new mask at every step) and both. The losses in the table are
# measured after training, with dropout off and without the penalty. It raises
# `NotImplementedError` until Tasks 1 and 2 are done.

# %% tags=["raises-exception"]
moons = make_noisy_moons(n_train=100, n_val=500, n_test=500, noise=0.3, seed=42)
sizes = [2, 64, 64, 1]


def cross_entropy_of(params, X, y):
    """Your loss without penalty and without dropout: the cross-entropy alone."""
    return mlp_loss_and_gradients(params, X, y)[0]


def train_network(l2=0.0, rate=0.0, steps=1000, learning_rate=1.0, seed=0):
    params = init_mlp(sizes, seed)
    mask_rng = np.random.default_rng(seed)
    n = len(moons.X_train)
    for _ in range(steps):
        masks = None
        if rate > 0:
            masks = [(mask_rng.random((n, units)) >= rate) / (1.0 - rate) for units in sizes[1:-1]]
        _, grads = mlp_loss_and_gradients(params, moons.X_train, moons.y_train, l2, masks)
        params = [
            (W - learning_rate * dW, b - learning_rate * db)
            for (W, b), (dW, db) in zip(params, grads, strict=True)
        ]
    return params


experiment = {}
for name, l2, rate in [
    ("none", 0.0, 0.0),
    ("L2 0.0025", 0.0025, 0.0),
    ("dropout 0.5", 0.0, 0.5),
    ("L2 + dropout", 0.0025, 0.5),
]:
    trained = train_network(l2, rate)
    train_loss = cross_entropy_of(trained, moons.X_train, moons.y_train)
    val_loss = cross_entropy_of(trained, moons.X_val, moons.y_val)
    experiment[name] = {
        "train_loss": train_loss,
        "val_loss": val_loss,
        "gap": val_loss - train_loss,
        "largest_abs_weight": max(np.abs(W).max() for W, _ in trained),
    }
experiment = pd.DataFrame(experiment).T
print(experiment.round(3))
briefly_trained = train_network(0.0025, steps=200)
check_after_training = gradient_check(
    briefly_trained, moons.X_train[:20], moons.y_train[:20], 0.0025
)
print(f"gradient check after 200 steps with L2, on 20 rows: {check_after_training:.1e}")

# %% [markdown]
# ## Question 1 (2 points)
#
# Read your table. Which settings narrow the gap between training and validation loss, and by
# how much? Using the gradient you wrote, explain (a) why the L2 term keeps the weights small,
# and what the column `largest_abs_weight` shows about it; (b) why the backward pass must use
# the same dropout mask as the forward pass, and why the gradient check must hold the masks
# fixed. Answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "ex06-q1-answer", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# ### BEGIN SOLUTION
# Without regularization the network memorizes the 100 noisy points: training loss 0.057,
# validation loss 0.805, a gap of 0.748. `l2 = 0.0025` shrinks the gap to 0.059 and gives the
# lowest validation loss (0.245); dropout 0.5 alone narrows it to 0.303 (validation loss
# 0.415); both together give 0.068, about what L2 gives alone.
#
# (a) The penalty adds $2\,\text{l2}\,W$ to each kernel's gradient, so every step subtracts
# $2\eta\,\text{l2}\,W$: each weight is pulled towards 0 in proportion to its size, and the data's
# gradient must keep paying for every large weight. The largest weight is 1.540 with L2
# against 2.894 without (0.661 with both), so the network cannot build the sharp,
# large-weight boundaries that wrap around single noisy points.
#
# (b) Dropout computes $A \odot D$; its derivative with respect to $A$ is $D$. A dropped unit
# contributed nothing to the loss for that example, so it must get no gradient for it, and a
# kept unit's gradient is scaled by the same $1/(1-\text{rate})$ as its output. A fresh mask in
# the backward pass would differentiate a different network than the one that produced the
# loss. The gradient check compares two derivatives of one function; with new masks for each
# shifted loss, the loss would change because of the masks, not the shift, and the central
# difference would be meaningless.
# ### END SOLUTION

# %% [markdown]
# ## Key takeaways
#
# * Backpropagation through any number of layers is one loop: start from $(p - y)/n$, turn the
#   gradient of each layer's output into those of its weights ($A^\top\delta$) and of its input
#   ($\delta W^\top$), times the ReLU derivative and the dropout mask (tutorial questions 4 and 9).
# * Keras's `L2(l2)` adds `l2 * sum(W**2)` to the loss and $2\,\text{l2}\,W$ to each kernel's
#   gradient; biases are not penalized.
# * The backward pass uses the forward pass's dropout masks; a gradient check holds them fixed
#   and reads about $10^{-7}$ or less when the code is right.
# * On 100 noisy points, L2 and dropout each narrow the train/validation gap of an over-fitting
#   network; your table says by how much.
