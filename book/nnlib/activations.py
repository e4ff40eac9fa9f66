"""Activation functions and their derivatives (Chapter 1, "The neuron").

Every function takes an array of any shape and returns an array of the same
shape. Each derivative takes the *pre-activation* ``z``, never the
activation's output: ``sigmoid_prime(z)`` is dσ/dz at ``z``. (Passing σ(z)
where ``z`` is expected is a classic silent bug; Chapter 4 shows it failing
a gradient check.)
"""

from __future__ import annotations

import numpy as np

from .checks import as_float_array


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow.

    For z ≥ 0 it uses 1 / (1 + e^(−z)); for z < 0 the equal form
    e^z / (1 + e^z). Either way the exponent is never positive, so
    σ(±1000) is exactly 1.0 or 0.0 with no warning.

    z : array_like, any shape.  Returns: array, same shape, values in [0, 1].
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """dσ/dz = σ(z)·(1 − σ(z)), derived with sympy in Chapter 1.

    z : array_like, the pre-activation, any shape.  Returns: same shape, values in [0, 0.25].
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z), the sigmoid's zero-centred cousin (Chapter 1). Same shape, values in [−1, 1]."""
    return np.tanh(as_float_array(z, "z"))


def tanh_prime(z):
    """d tanh/dz = 1 − tanh(z)². Same shape, values in [0, 1]."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    """ReLU(z) = max(0, z) (Chapter 1). Same shape, values ≥ 0."""
    z = as_float_array(z, "z")
    return np.maximum(z, 0.0)


def relu_prime(z):
    """dReLU/dz: 1 where z > 0, else 0 (we take 0 at the kink z = 0). Same shape."""
    z = as_float_array(z, "z")
    return (z > 0).astype(float)


def step(z, threshold: float = 0.0):
    """The perceptron's activation: 1 where z > threshold, else 0 (Chapter 1).

    Its slope is zero everywhere it exists, which is why learning needs a
    smooth activation instead.
    """
    z = as_float_array(z, "z")
    return (z > threshold).astype(float)


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
}
"""Name → (function, derivative), for code that loops over activations."""
