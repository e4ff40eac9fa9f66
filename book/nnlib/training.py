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


def _prepare(X, y, sizes, epochs, seed, batch_size, init, params):
    """Check a training call's input once; return (rng, X, y, params, epochs, batch).

    The generator ``rng`` has already drawn the start (when ``params`` is None),
    so the caller's next draws are the shuffles, as in :func:`train`.
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
    return rng, X, y, params, epochs, batch


def train(X, y, sizes, lr, epochs, seed=0, batch_size=None, loss="mse", output="sigmoid",
          init="lecun", params=None, train_biases=True, shuffle=True):
    """Train a network and record how it went.

    X : (n, n_inputs); y : (n, n_outputs) or (n,) for one output
    sizes : layer sizes such as (2, 2, 1); ignored when ``params`` is given
    batch_size : None for full batch, 1 for one example at a time (stochastic),
    anything between for mini-batches. ``seed`` fixes the start and the shuffling.
    ``init`` names the start's spread (see :func:`nnlib.network.init_params`).
    ``shuffle=False`` walks the examples in the order given, every epoch (Chapter 5
    shows why that is a bad idea when they are sorted by class).
    Returns ``(params, history)``, history holding "loss" and "accuracy" per
    epoch, measured on the whole training set after that epoch (index 0 is
    before any training). ``train_biases=False`` keeps every bias at its start
    value (zero unless ``params`` says otherwise): a network "without biases".
    """
    rng, X, y, params, epochs, batch = _prepare(X, y, sizes, epochs, seed, batch_size, init, params)

    def record(history):
        y_hat, _ = forward(X, params, output=output)
        history["loss"].append(LOSSES[loss](y_hat, y))
        history["accuracy"].append(accuracy(y_hat, y))

    history = {"loss": [], "accuracy": []}
    record(history)
    for _ in range(epochs):
        order = rng.permutation(len(X)) if shuffle and batch < len(X) else np.arange(len(X))
        for start in range(0, len(X), batch):
            rows = order[start:start + batch]
            _, grads = loss_and_gradients(X[rows], y[rows], params, loss=loss, output=output)
            if not train_biases:
                grads = [(dW, np.zeros_like(db)) for dW, db in grads]
            params = sgd_step(params, grads, lr)
        record(history)
    return params, {k: np.array(v) for k, v in history.items()}


def _sigmoid(z):
    # nnlib.activations.sigmoid without its input check: the check costs more than
    # the sum itself on a 2-2-1 network, and train_fast checks its input once.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def train_fast(X, y, sizes, lr, epochs, seed=0, batch_size=None, loss="mse", init="lecun",
               params=None, train_biases=True, shuffle=True):
    """:func:`train` for sigmoid networks, several times faster: same arguments, same numbers.

    It checks its input once and then runs the loop of :func:`train` in plain
    NumPy, for sigmoid hidden layers and a sigmoid output with ``loss`` "mse"
    or "bce" (the pairings of Chapter 5). Use it for long runs and sweeps.
    Returns ``(params, history)`` as :func:`train` does.
    """
    if loss not in ("mse", "bce"):
        raise ValueError(f"expected loss 'mse' or 'bce' (sigmoid output), got {loss!r}")
    lr = as_scalar(lr, "lr")
    rng, X, y, params, epochs, batch = _prepare(X, y, sizes, epochs, seed, batch_size, init, params)
    Ws = [W.copy() for W, _ in params]
    bs = [b.copy() for _, b in params]
    n = len(X)
    history = {"loss": np.empty(epochs + 1), "accuracy": np.empty(epochs + 1)}

    def record(epoch):
        H = X
        for W, b in zip(Ws, bs):
            H = _sigmoid(H @ W + b)
        if loss == "mse":
            history["loss"][epoch] = np.mean((y - H) ** 2)
        else:
            p = np.clip(H, 1e-12, 1 - 1e-12)  # as nnlib.losses.binary_cross_entropy
            history["loss"][epoch] = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if H.shape[1] == 1:
            history["accuracy"][epoch] = np.mean((H > 0.5) == (y > 0.5))
        else:
            history["accuracy"][epoch] = np.mean(H.argmax(axis=1) == y.argmax(axis=1))

    record(0)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n) if shuffle and batch < n else np.arange(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            Hs = [X[rows]]
            for W, b in zip(Ws, bs):
                Hs.append(_sigmoid(Hs[-1] @ W + b))
            y_hat, target = Hs[-1], y[rows]
            # δ = ∂L/∂Z of the output layer; σ′(Z) = ŷ(1 − ŷ) cancels for cross-entropy
            if loss == "mse":
                delta = 2.0 * (y_hat - target) / target.size * (y_hat * (1.0 - y_hat))
            else:
                delta = (y_hat - target) / target.size
            for layer in range(len(Ws) - 1, -1, -1):
                dW, db = Hs[layer].T @ delta, delta.sum(axis=0)
                if layer > 0:
                    H = Hs[layer]
                    delta = (delta @ Ws[layer].T) * (H * (1.0 - H))
                Ws[layer] = Ws[layer] - lr * dW
                if train_biases:
                    bs[layer] = bs[layer] - lr * db
        record(epoch)
    return list(zip(Ws, bs)), history
