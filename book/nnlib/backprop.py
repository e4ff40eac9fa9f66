"""Backpropagation: every weight's share of the loss (Chapter 4, "Backpropagation").

Start from the error term of the output layer, δ_L = ∂L/∂Z_L, then walk
back one layer at a time: δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ σ′(Z_l). Each layer's
gradients are ∂L/∂W_l = H_{l−1}ᵀ·δ_l and ∂L/∂b_l = Σ over the batch of δ_l.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid_prime
from .checks import as_float_array
from .losses import LOSSES, mse_prime
from .network import check_params, forward

# Which output layer each loss is paired with, and the output error term δ_L = ∂L/∂Z_L.
PAIRINGS = {
    ("mse", "sigmoid"): lambda Z, y_hat, y: mse_prime(y_hat, y) * sigmoid_prime(Z),
    ("mse", "linear"): lambda Z, y_hat, y: mse_prime(y_hat, y),
    ("bce", "sigmoid"): lambda Z, y_hat, y: (y_hat - y) / y.size,  # σ′ cancels (Chapter 3)
    ("ce", "softmax"): lambda Z, y_hat, y: (y_hat - y) / len(y),
}


def as_targets(y, n_examples: int, n_outputs: int) -> np.ndarray:
    """Targets as (n, n_outputs); a vector (n,) is taken as one output per example."""
    y = as_float_array(y, "y")
    if y.ndim == 1 and n_outputs == 1:
        y = y.reshape(-1, 1)
    if y.shape != (n_examples, n_outputs):
        raise ValueError(f"expected y of shape ({n_examples}, {n_outputs}), got shape {y.shape}")
    return y


def backward(cache, y, params, loss: str = "mse", output: str = "sigmoid", activation_prime=sigmoid_prime):
    """Gradients of the loss with respect to every weight and bias.

    cache : from :func:`nnlib.network.forward` on the same ``params``
    y : targets, (n, n_outputs) or (n,) for one output
    Returns a list of ``(dW, db)`` with the shapes of ``params``.
    """
    params = check_params(params)
    if (loss, output) not in PAIRINGS:
        raise ValueError(f"expected (loss, output) one of {sorted(PAIRINGS)}, got {(loss, output)}")
    Zs, Hs = cache["Z"], cache["H"]
    y_hat = Hs[-1]
    y = as_targets(y, *y_hat.shape)
    delta = PAIRINGS[(loss, output)](Zs[-1], y_hat, y)
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((Hs[layer].T @ delta, delta.sum(axis=0)))
        if layer > 0:
            delta = (delta @ params[layer][0].T) * activation_prime(Zs[layer - 1])
    return grads[::-1]


def loss_and_gradients(X, y, params, loss: str = "mse", output: str = "sigmoid"):
    """Forward pass, loss and backward pass in one call: returns (loss, grads)."""
    y_hat, cache = forward(X, params, output=output)
    y = as_targets(y, *y_hat.shape)
    return LOSSES[loss](y_hat, y), backward(cache, y, params, loss=loss, output=output)


def numerical_gradients(loss_of_params, params, h: float = 1e-6):
    """Central finite differences (L(θ + h) − L(θ − h)) / 2h for every parameter.

    loss_of_params : a function params → float. Slow (two forward passes per
    number) but independent of backpropagation: the gradient check of Chapter 4.
    """
    params = [(W.copy(), b.copy()) for W, b in check_params(params)]
    grads = []
    for W, b in params:
        pair = []
        for array in (W, b):
            g = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                keep = array[index]
                array[index] = keep + h
                up = loss_of_params(params)
                array[index] = keep - h
                down = loss_of_params(params)
                array[index] = keep
                g[index] = (up - down) / (2 * h)
            pair.append(g)
        grads.append(tuple(pair))
    return grads
