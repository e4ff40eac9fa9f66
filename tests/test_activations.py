"""Activations and their derivatives, against independent references:
sympy's symbolic derivative, a central finite difference, and hand values."""

import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.activations import ACTIVATIONS, relu, relu_prime, sigmoid, sigmoid_prime, step, tanh, tanh_prime

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
arrays = hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite)
moderate = st.floats(min_value=-30, max_value=30, allow_nan=False)


@given(arrays)
def test_shape_is_kept(z):
    for f, f_prime in ACTIVATIONS.values():
        assert f(z).shape == z.shape
        assert f_prime(z).shape == z.shape


@given(arrays)
def test_ranges(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning at any input
        s, t, r = sigmoid(z), tanh(z), relu(z)
        ds = sigmoid_prime(z)
    assert np.all((0 <= s) & (s <= 1))
    assert np.all((-1 <= t) & (t <= 1))
    assert np.all(r >= 0)
    assert np.all((0 <= ds) & (ds <= 0.25))


@given(arrays)
def test_sigmoid_symmetry(z):
    # σ(−z) = 1 − σ(z), to rounding
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


def test_sigmoid_is_stable_at_extreme_inputs():
    z = np.array([-1000.0, -745.0, -50.0, 0.0, 50.0, 745.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
        ds = sigmoid_prime(z)
    assert not np.isnan(s).any() and not np.isnan(ds).any()
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert ds[0] == 0.0 and ds[-1] == 0.0 and ds[3] == 0.25


def test_sigmoid_of_seven_matches_the_source():
    # seed 004: the neuron w = (0, 1), b = 4 at x = (2, 3) computes σ(7)
    assert sigmoid(7.0) == pytest.approx(0.9990889488055994, rel=1e-15)


@settings(max_examples=200)
@given(moderate)
def test_derivatives_match_central_difference(z):
    h = 1e-5
    for name, (f, f_prime) in ACTIVATIONS.items():
        if name == "relu" and abs(z) < 2 * h:
            continue  # no derivative at the kink
        numeric = (f(z + h) - f(z - h)) / (2 * h)
        assert f_prime(z) == pytest.approx(numeric, abs=1e-7), name


def test_derivatives_match_sympy():
    z = sp.symbols("z", real=True)
    references = {
        "sigmoid": sp.diff(1 / (1 + sp.exp(-z)), z),
        "tanh": sp.diff(sp.tanh(z), z),
    }
    grid = np.linspace(-20, 20, 401)
    for name, expression in references.items():
        exact = sp.lambdify(z, expression, "numpy")(grid)
        np.testing.assert_allclose(ACTIVATIONS[name][1](grid), exact, rtol=1e-12, atol=1e-15)


def test_relu_and_step_by_hand():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu_prime(z), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(step(z), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(step(np.array([4.0, 5.0, 6.0]), threshold=5), [0.0, 0.0, 1.0])
    assert tanh_prime(0.0) == 1.0 and math.isclose(float(tanh(1.0)), math.tanh(1.0))


@pytest.mark.parametrize("bad, words", [
    (np.array([0.0, np.nan]), "without NaN"),
    ("seven", "number"),
    ([1, "a"], "numbers"),
    ([[1.0, 2.0], [3.0]], "rectangular"),
    (np.array([1 + 2j]), "real"),
])
def test_bad_input_is_named(bad, words):
    for f, f_prime in ACTIVATIONS.values():
        for function in (f, f_prime):
            with pytest.raises(ValueError, match=words):
                function(bad)
