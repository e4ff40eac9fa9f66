"""One neuron: a weighted sum plus a bias, passed through an activation (Chapter 1)."""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .checks import as_features, as_float_array, as_scalar


def neuron(x, w, b, activation=sigmoid):
    """Output of one neuron, activation(x · w + b).

    x : (n_inputs,) for one example or (n, n_inputs) for a batch
    w : (n_inputs,) weights
    b : number, the bias
    Returns a float for one example, an array (n,) for a batch.
    """
    w = as_float_array(w, "w")
    if w.ndim != 1:
        raise ValueError(f"expected w as a vector of weights, shape (n_inputs,), got shape {w.shape}")
    x = as_features(x, len(w), "x")
    z = x @ w + as_scalar(b, "b")
    out = activation(z)
    return float(out) if np.ndim(out) == 0 else out
