"""Loss functions: how wrong the network is, as one number (Chapter 3, "Loss").

``y_hat`` is the network's output and ``y`` the target, both of shape (n,)
or (n, k). Each loss is a mean over the batch, so its size does not depend
on how many examples there are.
"""

from __future__ import annotations

import numpy as np

from .checks import as_float_array

EPS = 1e-12  # keeps log() finite when an output is exactly 0 or 1


def _pair(y_hat, y):
    y_hat, y = as_float_array(y_hat, "y_hat"), as_float_array(y, "y")
    if y_hat.shape != y.shape:
        raise ValueError(f"expected y_hat and y of the same shape, got {y_hat.shape} and {y.shape}")
    if y.size == 0:
        raise ValueError("expected at least one example, got an empty array")
    return y_hat, y


def mse(y_hat, y) -> float:
    """Mean squared error, mean((y − ŷ)²) over every entry."""
    y_hat, y = _pair(y_hat, y)
    return float(np.mean((y - y_hat) ** 2))


def mse_prime(y_hat, y):
    """∂MSE/∂ŷ = 2(ŷ − y)/N, same shape as ``y_hat`` (N = number of entries)."""
    y_hat, y = _pair(y_hat, y)
    return 2.0 * (y_hat - y) / y.size


def _probabilities(p, name):
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"expected {name} to be probabilities in [0, 1], got values from {p.min():.3g} to {p.max():.3g}")


def binary_cross_entropy(y_hat, y) -> float:
    """−mean(y·log ŷ + (1 − y)·log(1 − ŷ)), for one sigmoid output per example."""
    y_hat, y = _pair(y_hat, y)
    _probabilities(y_hat, "y_hat")
    _probabilities(y, "y")
    p = np.clip(y_hat, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_cross_entropy_prime(y_hat, y):
    """∂BCE/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)) / N. Times σ′(z) = ŷ(1 − ŷ) this leaves (ŷ − y)/N."""
    y_hat, y = _pair(y_hat, y)
    p = np.clip(y_hat, EPS, 1 - EPS)
    return (p - y) / (p * (1 - p)) / y.size


def cross_entropy(P, Y) -> float:
    """Categorical cross-entropy, −mean over examples of Σ_k Y_k·log P_k.

    P : (n, k) softmax outputs, each row summing to 1; Y : (n, k) one-hot targets.
    """
    P, Y = _pair(P, Y)
    _probabilities(P, "P")
    P, Y = np.atleast_2d(P), np.atleast_2d(Y)
    return float(-np.mean(np.sum(Y * np.log(np.clip(P, EPS, 1.0)), axis=-1)))


LOSSES = {"mse": mse, "bce": binary_cross_entropy, "ce": cross_entropy}
"""Name → loss function, for code that takes the loss by name."""
