"""The network, losses, backpropagation and training, against the seeds' numbers,
sympy, finite differences and hand computation."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.activations import sigmoid
from nnlib.backprop import backward, loss_and_gradients, numerical_gradients
from nnlib.losses import binary_cross_entropy, cross_entropy, mse, mse_prime
from nnlib.network import forward, init_params, softmax
from nnlib.training import accuracy, sgd_step, train

ONES_221 = [(np.ones((2, 2)), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
PEOPLE_X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])  # Alice, Bob, Charlie, Diana
PEOPLE_Y = np.array([1.0, 0.0, 0.0, 1.0])


def test_221_example_of_the_source():
    # seed 004: every neuron w = (0, 1), b = 0; x = (2, 3) -> 0.7216
    W = np.array([[0.0, 0.0], [1.0, 1.0]])
    params = [(W, np.zeros(2)), (np.array([[0.0], [1.0]]), np.zeros(1))]
    y_hat, cache = forward([2, 3], params)
    assert y_hat.item() == pytest.approx(0.7216325609518421, rel=1e-14)
    np.testing.assert_allclose(cache["H"][1], sigmoid(np.array([[3.0, 3.0]])))


def test_shared_people_table_is_the_sources_shifted_table():
    from nnlib import data
    np.testing.assert_array_equal(data.PEOPLE_X, PEOPLE_X)
    np.testing.assert_array_equal(data.PEOPLE_Y, PEOPLE_Y)


def test_always_zero_predictor_has_mse_one_half():
    assert mse(np.zeros(4), PEOPLE_Y) == 0.5


def test_alice_chain_rule_numbers():
    y_hat, cache = forward(PEOPLE_X[:1], ONES_221)
    h1, o1 = cache["H"][1][0, 0], y_hat.item()
    assert h1 == pytest.approx(0.04742587317756678, rel=1e-14)
    assert o1 == pytest.approx(0.5236951740839997, rel=1e-14)
    grads = backward(cache, PEOPLE_Y[:1], ONES_221)
    assert grads[0][0][0, 0] == pytest.approx(0.02146953526581111, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([("mse", "sigmoid"), ("bce", "sigmoid"), ("ce", "softmax"),
                                                ("mse", "linear")]))
def test_backprop_equals_finite_differences(seed, pairing):
    loss, output = pairing
    rng = np.random.default_rng(seed)
    n_out = 3 if output == "softmax" else 1
    params = init_params((3, 4, n_out), rng, "normal")
    params = [(W, rng.normal(size=b.shape)) for W, b in params]
    X = rng.normal(size=(5, 3))
    y = np.eye(3)[rng.integers(0, 3, 5)] if output == "softmax" else rng.integers(0, 2, (5, 1)).astype(float)
    _, grads = loss_and_gradients(X, y, params, loss=loss, output=output)
    from nnlib.losses import LOSSES
    numeric = numerical_gradients(lambda p: LOSSES[loss](forward(X, p, output=output)[0], y), params)
    for (dW, db), (nW, nb) in zip(grads, numeric):
        np.testing.assert_allclose(dW, nW, atol=1e-7)
        np.testing.assert_allclose(db, nb, atol=1e-7)


def test_backprop_equals_sympy_on_the_221_network():
    x1, x2, y = sp.symbols("x1 x2 y")
    w = sp.symbols("w1:7")
    b = sp.symbols("b1:4")
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    h1, h2 = s(w[0] * x1 + w[1] * x2 + b[0]), s(w[2] * x1 + w[3] * x2 + b[1])
    L = (y - s(w[4] * h1 + w[5] * h2 + b[2])) ** 2
    values = dict(zip(w, [0.3, -0.2, 0.5, 0.1, -0.4, 0.7])) | dict(zip(b, [0.1, -0.1, 0.2]))
    values |= {x1: -2.0, x2: -1.0, y: 1.0}
    params = [(np.array([[0.3, 0.5], [-0.2, 0.1]]), np.array([0.1, -0.1])), (np.array([[-0.4], [0.7]]), np.array([0.2]))]
    _, cache = forward([[-2.0, -1.0]], params)
    (dW1, db1), (dW2, db2) = backward(cache, [1.0], params)
    ours = [dW1[0, 0], dW1[1, 0], dW1[0, 1], dW1[1, 1], dW2[0, 0], dW2[1, 0], db1[0], db1[1], db2[0]]
    exact = [float(sp.diff(L, v).subs(values)) for v in (*w, *b)]
    np.testing.assert_allclose(ours, exact, rtol=1e-12)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 6)),
                  elements=st.floats(-1000, 1000, allow_nan=False)))
def test_softmax_rows_are_probabilities(Z):
    P = softmax(Z)
    assert P.shape == Z.shape and np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(softmax(Z + 7.5), P, atol=1e-12)  # shift does not matter


def test_softmax_of_the_source():
    P = softmax(np.array([np.log(0.98), np.log(0.02)]))
    np.testing.assert_allclose(P, [0.98, 0.02])
    assert cross_entropy(P[None], np.array([[1.0, 0.0]])) == pytest.approx(-np.log(0.98))


def test_losses_by_hand():
    assert mse([0.5, 1.0], [1.0, 1.0]) == 0.125
    np.testing.assert_allclose(mse_prime([0.5, 1.0], [1.0, 1.0]), [-0.5, 0.0])
    assert binary_cross_entropy([0.9], [1.0]) == pytest.approx(-np.log(0.9))
    assert binary_cross_entropy([0.0, 1.0], [0.0, 1.0]) == pytest.approx(0.0, abs=1e-11)


@pytest.mark.parametrize("call, words", [
    (lambda: mse([1, 2], [1, 2, 3]), r"same shape, got \(2,\) and \(3,\)"),
    (lambda: binary_cross_entropy([1.5], [1.0]), "probabilities in"),
    (lambda: forward([1, 2, 3], ONES_221), r"expected X with 2 features.*\(3,\)"),
    (lambda: forward([1, 2], [(np.ones((2, 2)), np.zeros(3))]), r"expected b1 of shape \(2,\)"),
    (lambda: forward([1, 2], [(np.ones((2, 2)), np.zeros(2)), (np.ones((3, 1)), np.zeros(1))]),
     "layer 1 has 2 outputs but W2 expects 3 inputs"),
    (lambda: forward([1, 2], ONES_221, output="tanh"), "expected output one of"),
    (lambda: init_params((2, 2, 1), 0), "np.random.default_rng"),
    (lambda: train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), 0.1, 1, batch_size=9), "batch_size between 1 and 4"),
    (lambda: train(PEOPLE_X, PEOPLE_Y[:3], (2, 2, 1), 0.1, 1), r"expected y of shape \(4, 1\)"),
    (lambda: backward(forward(PEOPLE_X, ONES_221)[1], PEOPLE_Y, ONES_221, loss="ce"), r"\(loss, output\) one of"),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_sgd_step_moves_against_the_gradient():
    params = [(np.array([[1.0]]), np.array([0.5]))]
    new = sgd_step(params, [(np.array([[2.0]]), np.array([-1.0]))], 0.1)
    assert new[0][0][0, 0] == pytest.approx(0.8) and new[0][1][0] == pytest.approx(0.6)
    assert params[0][0][0, 0] == 1.0  # the old parameters are untouched


def test_training_on_the_four_people_learns_and_is_reproducible():
    params, history = train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), lr=0.1, epochs=1000, seed=0, batch_size=1)
    again, history_again = train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), lr=0.1, epochs=1000, seed=0, batch_size=1)
    np.testing.assert_array_equal(history["loss"], history_again["loss"])
    assert history["loss"][-1] < 0.01 < history["loss"][0]
    emily, frank = forward([[-7.0, -3.0], [20.0, 2.0]], params)[0].ravel()
    assert emily > 0.9 and frank < 0.1
    assert accuracy(forward(PEOPLE_X, params)[0], PEOPLE_Y) == 1.0
