"""A small multilayer perceptron in NumPy, for experiments that train many networks quickly.

Notebook 13 writes this network by hand (forward pass, loss, backward pass,
L2 and inverted dropout); this module packs the same computation so that
notebook 14 can train dozens of such networks in seconds, without TensorFlow:
ReLU hidden layers, one sigmoid output unit, the mean binary cross-entropy
plus ``l2 * sum(W**2)`` over every kernel (Keras's ``L2(l2)``; biases are not
penalized), inverted dropout after each hidden layer, He initialization, and
full-batch (or mini-batch) training with Adam or plain gradient descent.

Every random draw (initial weights, dropout masks, mini-batches) comes from a
``seed``, so the same call gives the same network. Training and prediction run
with a single BLAS thread: for matrices this small, extra threads only wait for
each other (on a busy 2-core machine they multiplied the CPU time by about ten).

>>> import numpy as np
>>> from course_utils.numpy_mlp import init_params, predict_proba, train_mlp
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> y = np.array([0, 1, 1, 0])                       # XOR: needs a hidden layer
>>> net = train_mlp([2, 8, 1], X, y, steps=300, learning_rate=0.05, seed=0)
>>> predict_proba(net.params, X).round().astype(int).tolist()
[0, 1, 1, 0]
>>> [W.shape for W, b in init_params([2, 8, 1], seed=0)]
[(2, 8), (8, 1)]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from course_utils._validation import (
    check_choice,
    check_number,
    check_seed,
    check_whole_number,
)

__all__ = [
    "Trained",
    "init_params",
    "count_weights",
    "loss_and_gradients",
    "train_mlp",
    "predict_proba",
    "log_loss",
    "accuracy",
]

_EPS = 1e-12  # keeps log() finite for probabilities of exactly 0 or 1


# --------------------------------------------------------------------------- checks
def _layer_sizes(layer_sizes) -> list[int]:
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError("layer_sizes must be a list of whole numbers, e.g. [2, 16, 1].") from None
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least an input size and an output size.")
    sizes = [check_whole_number(f"layer_sizes[{i}]", s, minimum=1) for i, s in enumerate(sizes)]
    if sizes[-1] != 1:
        raise ValueError(f"the network has one sigmoid output unit: end with 1, not {sizes[-1]}.")
    return sizes


def _data(X, y=None):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (samples x features), got shape {X.shape}.")
    if y is None:
        return X
    y = np.asarray(y, dtype=float)
    if y.shape != (len(X),):
        raise ValueError(f"y must hold one 0/1 label per row of X ({len(X)}), got {y.shape}.")
    return X, y


def _rate(dropout_rate) -> float:
    return check_number("dropout_rate", dropout_rate, low=0.0, high=1.0, high_open=True)


@functools.cache
def _blas_controller():
    """threadpoolctl's view of the loaded BLAS libraries, built once (NumPy's is loaded by now).

    Building it scans every loaded library, several milliseconds, which ``threadpool_limits``
    would repeat on every call."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread(func):
    """Run ``func`` with one BLAS thread (threadpoolctl ships with scikit-learn)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _blas_controller().limit(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- network
def init_params(layer_sizes, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """He-initialized ``[(W, b), ...]``: ``W ~ N(0, 2 / n_in)`` of shape ``(n_in, n_out)``.

    Biases start at 0."""
    sizes = _layer_sizes(layer_sizes)
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def count_weights(layer_sizes) -> int:
    """Number of trainable numbers (kernels and biases) of a network of these sizes.

    >>> count_weights([2, 16, 16, 1])
    337
    """
    sizes = _layer_sizes(layer_sizes)
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)))


def _forward(params, X, masks):
    activations = [X]
    for k, (W, b) in enumerate(params[:-1]):
        A = np.maximum(activations[-1] @ W + b, 0.0)
        if masks is not None:
            A = A * masks[k]
        activations.append(A)
    W, b = params[-1]
    logits = (activations[-1] @ W + b)[:, 0]
    return activations, logits


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|


def loss_and_gradients(params, X, y, *, l2: float = 0.0, masks=None):
    """Mean binary cross-entropy + ``l2 * sum(W**2)`` and its gradients ``[(dW, db), ...]``.

    ``masks`` is ``None`` or one array per hidden layer, shape ``(n, units)``,
    holding 0 or ``1 / (1 - rate)``, multiplied into that layer's ReLU output.
    """
    X, y = _data(X, y)
    activations, logits = _forward(params, X, masks)
    # log(1 + exp(z)) - y z, written to stay finite for large |z|
    data_loss = np.mean(np.logaddexp(0.0, logits) - y * logits)
    loss = float(data_loss + l2 * sum(np.sum(W**2) for W, _ in params))
    return loss, _backward(params, activations, logits, y, l2, masks)


def _backward(params, activations, logits, y, l2, masks):
    """The gradients ``[(dW, db), ...]`` of the loss, from the forward pass's values."""
    n = len(y)
    delta = ((_sigmoid(logits) - y) / n)[:, None]
    grads = []
    for k in range(len(params) - 1, -1, -1):
        W, _ = params[k]
        A = activations[k]
        dW = A.T @ delta
        if l2:  # (adding a zero penalty gradient would change no number)
            dW = dW + 2.0 * l2 * W
        grads.append((dW, delta.sum(axis=0)))
        if k > 0:
            delta = delta @ W.T
            if masks is not None:
                delta = delta * masks[k - 1]
            delta = delta * (activations[k] > 0)
    return grads[::-1]


def _draw_masks(params, n, rate, rng):
    if rate == 0.0:
        return None
    keep = 1.0 - rate
    return [(rng.random((n, W.shape[1])) < keep) / keep for W, _ in params[:-1]]


@_one_blas_thread
def predict_proba(params, X, *, dropout_rate: float = 0.0, n_masks: int = 0, seed: int = 0):
    """Probability of class 1 for each row of ``X``.

    With ``n_masks=0`` (default) dropout is off: inverted dropout already
    scaled the kept units during training, so this is the *weight scaling*
    rule. With ``n_masks > 0`` the probabilities of ``n_masks`` networks with
    random dropout masks (rate ``dropout_rate``) are averaged: Monte Carlo
    dropout.
    """
    X = _data(X)
    rate = _rate(dropout_rate)
    n_masks = check_whole_number("n_masks", n_masks, minimum=0)
    seed = check_seed(seed)
    if n_masks == 0:
        return _sigmoid(_forward(params, X, None)[1])
    if rate == 0.0:
        raise ValueError("n_masks > 0 averages dropout masks: give the dropout_rate used.")
    rng = np.random.default_rng(seed)
    total = np.zeros(len(X))
    for _ in range(n_masks):
        total += _sigmoid(_forward(params, X, _draw_masks(params, len(X), rate, rng))[1])
    return total / n_masks


def log_loss(y, proba) -> float:
    """Mean binary cross-entropy of probabilities ``proba`` for 0/1 labels ``y``."""
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(proba, dtype=float), _EPS, 1.0 - _EPS)
    if y.shape != p.shape:
        raise ValueError(f"y and proba must have the same shape, got {y.shape} and {p.shape}.")
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def accuracy(y, proba) -> float:
    """Fraction of rows where ``proba > 0.5`` matches the 0/1 label."""
    y = np.asarray(y)
    p = np.asarray(proba)
    if y.shape != p.shape:
        raise ValueError(f"y and proba must have the same shape, got {y.shape} and {p.shape}.")
    return float(np.mean((p > 0.5) == (y == 1)))


# --------------------------------------------------------------------------- training
def _flat_views(arrays):
    """A flat copy of ``arrays`` and ``[(W, b), ...]`` views into it, in the same shapes."""
    flat = np.concatenate([np.ravel(a) for a in arrays]).astype(float)
    views, offset = [], 0
    for a in arrays:
        views.append(flat[offset : offset + a.size].reshape(a.shape))
        offset += a.size
    return flat, list(zip(views[::2], views[1::2], strict=True))


@dataclass
class Trained:
    """A trained network: its ``params`` and the loss curves recorded during training."""

    params: list
    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


@_one_blas_thread
def train_mlp(
    layer_sizes,
    X,
    y,
    *,
    steps: int,
    learning_rate: float,
    l2: float = 0.0,
    dropout_rate: float = 0.0,
    optimizer: str = "adam",
    batch_size: int | None = None,
    validation_data=None,
    record_every: int = 0,
    rows=None,
    seed: int = 0,
    init=None,
) -> Trained:
    """Train a network of ``layer_sizes`` on ``(X, y)``; return a :class:`Trained`.

    Parameters
    ----------
    steps, learning_rate:
        Number of gradient steps and their size.
    l2, dropout_rate:
        ``l2 * sum(W**2)`` added to the loss; inverted dropout after every hidden layer.
    optimizer:
        ``"adam"`` (Keras's defaults: beta 0.9 and 0.999, epsilon 1e-7) or ``"sgd"``.
    batch_size:
        ``None`` for full-batch steps, otherwise random mini-batches of that size.
    validation_data, record_every:
        With ``record_every > 0``, the loss without dropout and penalty on the
        training data (and on ``validation_data = (X_val, y_val)``) is recorded
        every ``record_every`` steps, and after the last one.
    rows:
        Row indices to train on (a bootstrap sample for bagging); default all rows.
    seed:
        Seeds the initial weights (unless ``init`` is given), masks and batches.
    init:
        Initial ``[(W, b), ...]`` to start from (copied), instead of He initialization.
    """
    X, y = _data(X, y)
    sizes = _layer_sizes(layer_sizes)
    if X.shape[1] != sizes[0]:
        raise ValueError(f"X has {X.shape[1]} features but layer_sizes starts with {sizes[0]}.")
    rate = _rate(dropout_rate)
    check_choice("optimizer", optimizer, ("adam", "sgd"))
    steps = check_whole_number("steps", steps, minimum=1)
    learning_rate = check_number("learning_rate", learning_rate, low=0.0, low_open=True)
    l2 = check_number("l2", l2, low=0.0)
    seed = check_seed(seed)
    if batch_size is not None:
        batch_size = check_whole_number("batch_size", batch_size, minimum=1)
    if rows is not None:
        rows = np.asarray(rows, dtype=int)
        X, y = X[rows], y[rows]
    rng = np.random.default_rng(seed)
    start = init_params(sizes, seed) if init is None else init
    # Every kernel and bias is a view into one flat vector, and so is every gradient: the
    # optimizer then updates all of them with a few whole-vector operations per step instead
    # of a few per array (the same arithmetic element by element, so the same numbers).
    weights, params = _flat_views([p for pair in start for p in pair])
    grad_vector, grad_views = _flat_views([p for pair in start for p in pair])
    m = np.zeros_like(weights)
    v = np.zeros_like(weights)
    trained = Trained(params=params)

    def record(step):
        trained.steps.append(step)
        trained.train_loss.append(log_loss(y, predict_proba(params, X)))
        if validation_data is not None:
            X_val, y_val = validation_data
            trained.val_loss.append(log_loss(y_val, predict_proba(params, X_val)))

    n = len(X)
    for step in range(1, steps + 1):
        if batch_size is None or batch_size >= n:
            Xb, yb = X, y
        else:
            batch = rng.choice(n, size=batch_size, replace=False)
            Xb, yb = X[batch], y[batch]
        masks = _draw_masks(params, len(Xb), rate, rng)
        activations, logits = _forward(params, Xb, masks)
        grads = _backward(params, activations, logits, yb, l2, masks)
        for (dW, db), (gW, gb) in zip(grads, grad_views, strict=True):
            gW[...] = dW
            gb[...] = db
        g = grad_vector
        if optimizer == "sgd":
            weights -= learning_rate * g
        else:
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            m_hat = m / (1.0 - 0.9**step)
            v_hat = v / (1.0 - 0.999**step)
            weights -= learning_rate * m_hat / (np.sqrt(v_hat) + 1e-7)
        if record_every and (step % record_every == 0 or step == steps):
            record(step)
    return trained
