"""A small fully connected network, layer by layer (Chapter 2, "Feedforward").

Conventions, as in the chapters: a batch of examples is a matrix ``X`` of
shape (n, n_inputs), one example a row. A layer with weights ``W`` of shape
(n_in, n_out) and biases ``b`` of shape (n_out,) computes ``Z = X·W + b``
and ``H = activation(Z)``. ``params`` is a list of ``(W, b)``, first layer
first.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .checks import as_features, as_float_array

OUTPUTS = ("sigmoid", "softmax", "linear")


def softmax(Z):
    """Row-wise softmax: exp(z_k) / Σ_j exp(z_j), stable for large z (Chapter 2).

    Z : (k,) or (n, k).  Returns: same shape, each row positive and summing to 1.
    """
    Z = as_float_array(Z, "Z")
    if Z.ndim not in (1, 2):
        raise ValueError(f"expected Z of shape (k,) or (n, k), got shape {Z.shape}")
    shifted = Z - Z.max(axis=-1, keepdims=True)  # same result, no overflow
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def check_params(params) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return ``params`` as float arrays after checking the layers fit together."""
    if not isinstance(params, (list, tuple)) or not params:
        raise ValueError("expected params as a non-empty list of (W, b) pairs, one per layer")
    checked = []
    for i, layer in enumerate(params, start=1):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise ValueError(f"expected layer {i} as a pair (W{i}, b{i}), got {type(layer).__name__}")
        W, b = as_float_array(layer[0], f"W{i}"), as_float_array(layer[1], f"b{i}")
        if W.ndim != 2:
            raise ValueError(f"expected W{i} of shape (n_in, n_out), got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"expected b{i} of shape ({W.shape[1]},) to match W{i} {W.shape}, got shape {b.shape}")
        if checked and checked[-1][0].shape[1] != W.shape[0]:
            raise ValueError(
                f"layer {i - 1} has {checked[-1][0].shape[1]} outputs but W{i} expects {W.shape[0]} inputs"
            )
        checked.append((W, b))
    return checked


def init_params(sizes, rng, init: str = "lecun"):
    """Random weights and zero biases for layer sizes like (2, 2, 1) (Chapter 5).

    ``init`` names the spread of each layer's weights, all drawn from a normal
    distribution with mean 0 and this variance:

    - ``"lecun"``: 1/n_in (LeCun), suited to sigmoid and tanh;
    - ``"xavier"``: 2/(n_in + n_out) (Xavier Glorot's), also for sigmoid and tanh;
    - ``"he"``: 2/n_in (Kaiming He's), suited to ReLU;
    - ``"normal"``: 1, whatever the layer's size.

    ``rng`` is a ``np.random.Generator`` (seed it: ``np.random.default_rng(0)``).
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"expected rng = np.random.default_rng(seed), got {type(rng).__name__}")
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"expected at least two positive layer sizes, got {sizes}")
    variances = {
        "lecun": lambda n_in, n_out: 1 / n_in,
        "xavier": lambda n_in, n_out: 2 / (n_in + n_out),
        "he": lambda n_in, n_out: 2 / n_in,
        "normal": lambda n_in, n_out: 1.0,
    }
    if init not in variances:
        raise ValueError(f"expected init one of {sorted(variances)}, got {init!r}")
    return [(rng.normal(0.0, np.sqrt(variances[init](n_in, n_out)), size=(n_in, n_out)), np.zeros(n_out))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def forward(X, params, activation=sigmoid, output: str = "sigmoid"):
    """Run the batch ``X`` through every layer (Chapter 2).

    X : (n, n_inputs) or one example (n_inputs,)
    activation : the hidden layers' activation; ``output`` the last layer's
    ("sigmoid", "softmax" or "linear").
    Returns ``y_hat`` (n, n_outputs) and a cache ``{"Z": [Z1, ...], "H": [X, H1, ...]}``
    that backpropagation (Chapter 4) reads; ``H[-1]`` is ``y_hat``.
    """
    params = check_params(params)
    if output not in OUTPUTS:
        raise ValueError(f"expected output one of {OUTPUTS}, got {output!r}")
    X = as_features(X, params[0][0].shape[0], "X")
    H = X.reshape(1, -1) if X.ndim == 1 else X
    cache = {"Z": [], "H": [H]}
    for i, (W, b) in enumerate(params, start=1):
        Z = H @ W + b
        if i < len(params):
            H = activation(Z)
        else:
            H = {"sigmoid": sigmoid, "softmax": softmax, "linear": lambda z: z}[output](Z)
        cache["Z"].append(Z)
        cache["H"].append(H)
    return H, cache


def _frozen(values) -> np.ndarray:
    array = np.array(values, dtype=float)
    array.setflags(write=False)  # a chapter that wants to change them makes a copy first
    return array


# The apple-ripeness network of Chapters 2 to 4: Chapter 2 chooses these
# weights (the source's own matrices are lost) and shows every number they
# give; Chapter 3 measures their loss and Chapter 4 takes one training step
# from them. Untrained, they put this ripe apple just on the wrong side of 0.5.
APPLE_X = _frozen([[0.8, 0.2]])
"""One apple, (1, 2): colour 0.8, hardness 0.2 (Chapter 2 chooses the apple network)."""
APPLE_Y = _frozen([[1.0]])
"""Its label, (1, 1): 1 means ripe; an output above 0.5 reads as ripe."""
APPLE_W1 = _frozen([[0.9, 0.6], [-0.5, 0.3]])
"""Input → hidden weights, (2, 2): row i is input x_i, column j is hidden neuron h_j (Chapter 2)."""
APPLE_W2 = _frozen([[-0.8], [0.8]])
"""Hidden → output weights, (2, 1) (Chapter 2)."""
APPLE_B1 = _frozen([0.0, 0.0])
"""Hidden biases, (2,): zero, as the source uses no biases (Chapter 2)."""
APPLE_B2 = _frozen([0.0])
"""Output bias, (1,): zero (Chapter 2)."""
