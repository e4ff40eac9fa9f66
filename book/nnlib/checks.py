"""Input checks shared by every public function of :mod:`nnlib`.

A reader who passes the wrong thing should learn *what* was expected and
*what* arrived, not meet a NumPy broadcasting error three calls deep.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(value, name: str = "x") -> np.ndarray:
    """Return ``value`` as a float array, rejecting NaN and non-numbers.

    Parameters
    ----------
    value : array_like of real numbers, any shape
    name : the argument's name, used in the error message

    Raises
    ------
    ValueError
        if ``value`` is not numeric, is complex, or contains NaN.
    """
    if isinstance(value, (str, bytes)):
        raise ValueError(f"expected {name} to be a number or an array of numbers, got {value!r}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged lists and the like
        raise ValueError(f"expected {name} to be a number or a rectangular array of numbers: {error}") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"expected {name} to hold numbers, got an array of {array.dtype}")
    if np.iscomplexobj(array):
        raise ValueError(f"expected {name} to hold real numbers, got complex values")
    array = array.astype(float)
    if np.isnan(array).any():
        raise ValueError(f"expected {name} without NaN, got {int(np.isnan(array).sum())} NaN value(s)")
    return array


def as_features(value, n_features: int, name: str = "x") -> np.ndarray:
    """Return ``value`` as one example ``(n_features,)`` or a batch ``(n, n_features)``.

    Raises a ``ValueError`` naming the expected and the given shape when the
    last axis is not ``n_features`` long or the array has more than 2 axes.
    """
    array = as_float_array(value, name)
    if array.ndim not in (1, 2) or array.shape[-1] != n_features:
        raise ValueError(
            f"expected {name} with {n_features} features, shape ({n_features},) or (n, {n_features}); "
            f"got shape {array.shape}"
        )
    return array


def as_scalar(value, name: str) -> float:
    """Return ``value`` as a finite Python float or raise a ``ValueError``."""
    if isinstance(value, (list, tuple, np.ndarray)):
        shape = np.shape(value)
        if shape != ():
            raise ValueError(f"expected {name} to be a single number, got shape {shape}")
        value = np.asarray(value).item()
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.generic)) or isinstance(value, np.bool_):
        raise ValueError(f"expected {name} to be a real number, got {value!r}")
    array = np.asarray(value, dtype=float)
    if array.shape != ():
        raise ValueError(f"expected {name} to be a single number, got shape {array.shape}")
    number = float(array)
    if not np.isfinite(number):
        raise ValueError(f"expected {name} to be a finite number, got {number}")
    return number
