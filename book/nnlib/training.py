"""Gradient descent on a whole network (Chapter 5, "Stochastic gradient descent").

One epoch walks through the training set once, in shuffled mini-batches;
after each batch every weight takes a step against its gradient:
θ ← θ − η·∂L/∂θ.
"""

from __future__ import annotations

import numpy as np

from .backprop import as_targets, loss_and_gradients
from .checks import as_float_array, as_scalar
from .losses import LOSSES
from .network import check_params, forward, init_params


def sgd_step(params, grads, lr):
    """New parameters θ − lr·∂L/∂θ for every (W, b); the old ones are left as they were."""
    lr = as_scalar(lr, "lr")
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(check_params(params), grads)]


def accuracy(y_hat, y) -> float:
    """Share of examples classified right: output > 0.5 for one output, else the largest output."""
    y_hat, y = np.atleast_2d(as_float_array(y_hat, "y_hat")), as_float_array(y, "y")
    y = as_targets(y, *y_hat.shape) if y.ndim == 1 else y
    if y_hat.shape[1] == 1:
        return float(np.mean((y_hat > 0.5) == (y > 0.5)))
    return float(np.mean(y_hat.argmax(axis=1) == y.argmax(axis=1)))


def train(X, y, sizes, lr, epochs, seed=0, batch_size=None, loss="mse", output="sigmoid",
          init="xavier", params=None):
    """Train a network and record how it went.

    X : (n, n_inputs); y : (n, n_outputs) or (n,) for one output
    sizes : layer sizes such as (2, 2, 1); ignored when ``params`` is given
    batch_size : None for full batch, 1 for one example at a time (stochastic),
    anything between for mini-batches. ``seed`` fixes the start and the shuffling.
    Returns ``(params, history)``, history holding "loss" and "accuracy" per
    epoch, measured on the whole training set after that epoch (index 0 is
    before any training).
    """
    rng = np.random.default_rng(seed)
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"expected X of shape (n, n_inputs), got shape {X.shape}")
    params = init_params(sizes, rng, init) if params is None else check_params(params)
    if X.shape[1] != params[0][0].shape[0]:
        raise ValueError(f"expected X with {params[0][0].shape[0]} features, got shape {X.shape}")
    y = as_targets(y, len(X), params[-1][0].shape[1])
    epochs = int(epochs)
    if epochs < 0:
        raise ValueError(f"expected epochs ≥ 0, got {epochs}")
    batch = len(X) if batch_size is None else int(batch_size)
    if not 1 <= batch <= len(X):
        raise ValueError(f"expected batch_size between 1 and {len(X)} (or None), got {batch_size}")

    def record(history):
        y_hat, _ = forward(X, params, output=output)
        history["loss"].append(LOSSES[loss](y_hat, y))
        history["accuracy"].append(accuracy(y_hat, y))

    history = {"loss": [], "accuracy": []}
    record(history)
    for _ in range(epochs):
        order = rng.permutation(len(X)) if batch < len(X) else np.arange(len(X))
        for start in range(0, len(X), batch):
            rows = order[start:start + batch]
            _, grads = loss_and_gradients(X[rows], y[rows], params, loss=loss, output=output)
            params = sgd_step(params, grads, lr)
        record(history)
    return params, {k: np.array(v) for k, v in history.items()}
