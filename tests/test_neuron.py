"""One neuron, and the errors a reader gets for wrong input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.activations import relu, sigmoid
from nnlib.neuron import neuron

weights = st.floats(-10, 10, allow_nan=False)


def test_source_example():
    # seed 004: w = (0, 1), b = 4, x = (2, 3) gives σ(7)
    assert neuron([2, 3], [0, 1], 4) == pytest.approx(0.9990889488055994, rel=1e-15)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.just(3)), elements=weights),
       hnp.arrays(np.float64, 3, elements=weights), weights)
def test_batch_equals_one_at_a_time(X, w, b):
    batch = neuron(X, w, b)
    assert batch.shape == (len(X),)
    for x, out in zip(X, batch):
        assert neuron(x, w, b) == pytest.approx(out, rel=1e-12, abs=1e-300)
        assert out == pytest.approx(1 / (1 + np.exp(-(x @ w + b))), rel=1e-9, abs=1e-300)


def test_other_activation():
    assert neuron([1, 1], [1, -3], 0, activation=relu) == 0.0
    assert neuron([1, 1], [3, -1], 0, activation=relu) == 2.0


@pytest.mark.parametrize("x, w, b, words", [
    ([1, 2, 3], [0, 1], 4, r"expected x with 2 features.*got shape \(3,\)"),
    ([[1, 2, 3]], [0, 1], 4, r"expected x with 2 features.*got shape \(1, 3\)"),
    (np.zeros((2, 2, 2)), [0, 1], 4, r"got shape \(2, 2, 2\)"),
    ([2, 3], [[0, 1]], 4, r"expected w as a vector"),
    ([2, np.nan], [0, 1], 4, r"expected x without NaN"),
    ([2, 3], [0, 1], np.nan, r"expected b to be a finite number"),
    ([2, 3], [0, 1], [4, 5], r"expected b to be a single number"),
    ([2, 3], [0, 1], "4", r"expected b to be a real number"),
])
def test_bad_input(x, w, b, words):
    with pytest.raises(ValueError, match=words):
        neuron(x, w, b)


def test_sigmoid_default():
    assert neuron([0, 0], [5, 5], 0) == sigmoid(0.0) == 0.5
