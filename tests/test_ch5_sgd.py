"""Chapter 5: training, the fast training loops behind the sliders, and what the views show."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.activations import sigmoid
from nnlib.network import forward, init_params
from nnlib.training import train, train_fast
from nnlib.views.ch5_sgd import (LETTERS_X, LETTERS_Y, NEW_X, PEOPLE_SEED, PEOPLE_X, PEOPLE_Y, LettersPlateauView,
                                 PeopleTrainingView, first_all_right, letters_run, people_path, people_start,
                                 plateau_length, theta_params)

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def nine(params):
    (W1, b1), (W2, b2) = params
    return np.array([W1[0, 0], W1[1, 0], W1[0, 1], W1[1, 1], W2[0, 0], W2[1, 0], b1[0], b1[1], b2[0]])


# --- train: one hand-written step, frozen biases, the source's result -------------------------

def test_one_step_of_train_is_the_update_rule_by_hand():
    # full batch, one epoch = one step: θ − η·∂L/∂θ with ∂L/∂θ from sympy, independent of nnlib
    start = init_params((2, 2, 1), np.random.default_rng(3))
    params, _ = train(PEOPLE_X, PEOPLE_Y, None, lr=0.5, epochs=1, params=start)
    w = sp.symbols("w1:7")
    b = sp.symbols("b1:4")
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    loss = 0
    for (x1, x2), y in zip(PEOPLE_X.tolist(), PEOPLE_Y.tolist()):
        h1, h2 = s(w[0] * x1 + w[1] * x2 + b[0]), s(w[2] * x1 + w[3] * x2 + b[1])
        loss += (y - s(w[4] * h1 + w[5] * h2 + b[2])) ** 2 / len(PEOPLE_Y)
    theta0 = nine(start)
    values = dict(zip((*w, *b), theta0))
    gradient = np.array([float(sp.diff(loss, v).subs(values)) for v in (*w, *b)])
    np.testing.assert_allclose(nine(params), theta0 - 0.5 * gradient, rtol=1e-10, atol=1e-12)


def test_frozen_biases_stay_put_and_weights_still_learn():
    start = [(W, np.full_like(b, 0.25)) for W, b in init_params((30, 5, 3), np.random.default_rng(1), "normal")]
    params, history = train(LETTERS_X, LETTERS_Y, None, 0.5, 20, seed=1, batch_size=1, params=start,
                            train_biases=False)
    for (W, b), (W0, b0) in zip(params, start):
        np.testing.assert_array_equal(b, b0)
        assert not np.allclose(W, W0)
    assert history["loss"][-1] < history["loss"][0]
    trained, _ = train(LETTERS_X, LETTERS_Y, None, 0.5, 20, seed=1, batch_size=1, params=start)
    assert not np.allclose(trained[0][1], 0.25)  # by default the biases do learn


def test_the_four_people_as_in_the_chapter():
    params, history = train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), lr=0.1, epochs=1000, seed=PEOPLE_SEED, batch_size=1)
    emily, frank = forward(NEW_X, params)[0].ravel()
    assert emily == pytest.approx(0.951, abs=0.01) and frank == pytest.approx(0.039, abs=0.01)
    assert history["loss"][-1] < 0.005 and history["accuracy"][-1] == 1.0


# --- train_fast gives train's numbers --------------------------------------------------------

@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 1000), batch=st.sampled_from([1, 2, 3, None]), loss=st.sampled_from(["mse", "bce"]),
       train_biases=st.booleans(), lr=st.floats(0.01, 3.0))
def test_train_fast_equals_train(seed, batch, loss, train_biases, lr):
    args = (PEOPLE_X / 10, PEOPLE_Y, (2, 3, 1), lr, 5)
    kwargs = dict(seed=seed, batch_size=batch, loss=loss, train_biases=train_biases)
    slow_params, slow = train(*args, **kwargs)
    fast_params, fast = train_fast(*args, **kwargs)
    np.testing.assert_allclose(fast["loss"], slow["loss"], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(fast["accuracy"], slow["accuracy"])
    for (W, b), (V, c) in zip(fast_params, slow_params):
        np.testing.assert_allclose(W, V, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b, c, rtol=1e-12, atol=1e-15)


def test_train_fast_equals_train_with_several_outputs():
    kwargs = dict(seed=4, batch_size=1, init="normal", train_biases=False)
    _, slow = train(LETTERS_X, LETTERS_Y, (30, 5, 3), 0.3, 10, **kwargs)
    _, fast = train_fast(LETTERS_X, LETTERS_Y, (30, 5, 3), 0.3, 10, **kwargs)
    np.testing.assert_allclose(fast["loss"], slow["loss"], rtol=1e-12)
    np.testing.assert_array_equal(fast["accuracy"], slow["accuracy"])


def test_single_neuron_cannot_learn_xor_but_a_hidden_layer_can():
    _, single = train_fast(XOR_X, XOR_Y, (2, 1), 1.0, 500, seed=0, loss="bce")
    assert single["loss"][-1] == pytest.approx(np.log(2), abs=1e-3)
    assert single["accuracy"].max() <= 0.75
    params, hidden = train_fast(XOR_X, XOR_Y, (2, 4, 1), 1.0, 2000, seed=2, init="normal", loss="bce")
    assert hidden["accuracy"][-1] == 1.0
    np.testing.assert_allclose(forward(XOR_X, params)[0].ravel(), XOR_Y, atol=0.05)


@pytest.mark.parametrize("call, words", [
    (lambda: train_fast(PEOPLE_X, PEOPLE_Y, (2, 2, 1), 0.1, 1, loss="ce"), "expected loss 'mse' or 'bce'"),
    (lambda: train_fast(PEOPLE_X, PEOPLE_Y, (2, 2, 1), "fast", 1), "lr to be a real number"),
    (lambda: train_fast(PEOPLE_X, PEOPLE_Y[:3], (2, 2, 1), 0.1, 1), r"expected y of shape \(4, 1\)"),
    (lambda: train_fast(PEOPLE_X, PEOPLE_Y, (2, 2, 1), 0.1, -1), "expected epochs ≥ 0, got -1"),
    (lambda: people_path(0.1, init_params((2, 3, 1), np.random.default_rng(0)), np.zeros((1, 4), int)),
     r"2-2-1 network.*\(2, 3\)"),
    (lambda: people_path(0.1, people_start(0, 1)[0], np.array([[0, 1, 2, 9]])), "indices 0..3"),
    (lambda: people_path(0.1, *people_start(0, 1), y=[1.0, 0.0]), r"shape \(4,\)"),
    (lambda: people_start(0, -2), "expected epochs ≥ 0"),
    (lambda: letters_run(0.1, 0, X=LETTERS_X[:2]), r"same n, got shapes \(2, 30\) and \(3, 3\)"),
    (lambda: theta_params(np.zeros(6)), r"theta of shape \(9,\), got shape \(6,\)"),
    (lambda: letters_run(0.1, 0, loss="bce"), "expected loss 'mse' \\(sigmoid outputs\\) or 'ce'"),
    (lambda: init_params((2, 2, 1), np.random.default_rng(0), "glorot"), "expected init one of"),
    (lambda: plateau_length(np.zeros((2, 2))), "vector"),
    (lambda: first_all_right(np.zeros((2, 2))), "vector"),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


# --- the functions behind the views ------------------------------------------------------------

@pytest.mark.parametrize("lr, seed", [(0.1, PEOPLE_SEED), (2.0, 0), (0.003, 5)])
def test_people_path_equals_train(lr, seed):
    epochs = 30
    start, orders = people_start(seed, epochs)
    thetas, losses = people_path(lr, start, orders)
    params, history = train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), lr, epochs, seed=seed, batch_size=1)
    np.testing.assert_allclose(losses, history["loss"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(thetas[-1], nine(params), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(thetas[0], nine(start))


def test_people_path_survives_huge_steps():
    thetas, losses = people_path(1e4, *people_start(0, 20))
    assert np.all(np.isfinite(thetas)) and np.all((losses >= 0) & (losses <= 1))


def test_theta_params_is_the_nine_numbers_in_order():
    theta = np.arange(1.0, 10.0) / 10
    np.testing.assert_allclose(nine(theta_params(theta)), theta)
    x = np.array([[0.3, -0.2]])
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = theta
    by_hand = sigmoid(w5 * sigmoid(w1 * 0.3 + w2 * -0.2 + b1) + w6 * sigmoid(w3 * 0.3 + w4 * -0.2 + b2) + b3)
    assert forward(x, theta_params(theta))[0].item() == pytest.approx(by_hand, rel=1e-14)


@pytest.mark.parametrize("lr, seed", [(0.1, 0), (1.0, 3), (0.01, 7)])
def test_letters_run_equals_train(lr, seed):
    run = letters_run(lr, seed)
    _, history = train(LETTERS_X, LETTERS_Y, (30, 5, 3), lr, 100, seed=seed, batch_size=1, init="normal",
                       train_biases=False)
    np.testing.assert_allclose(run["loss"], history["loss"], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(run["accuracy"], history["accuracy"])


def test_letters_plateau_as_the_chapter_shows_it():
    history = letters_run(0.1, 0)
    assert plateau_length(history["accuracy"]) >= 40  # a long stretch at two letters of three
    assert first_all_right(history["accuracy"]) == plateau_length(history["accuracy"])
    assert first_all_right(letters_run(0.01, 0)["accuracy"]) is None  # never leaves it in 100 epochs
    assert first_all_right(letters_run(3.0, 0)["accuracy"]) <= 10


def test_plateau_helpers_by_hand():
    accuracy = np.array([1, 1, 2, 2, 2, 3, 3]) / 3
    assert plateau_length(accuracy) == 3 and plateau_length(accuracy, 1 / 3) == 2
    assert first_all_right(accuracy) == 5 and first_all_right(accuracy[:5]) is None


def test_letters_are_5_by_6_and_one_hot():
    assert LETTERS_X.shape == (3, 30) and set(np.unique(LETTERS_X)) == {0.0, 1.0}
    np.testing.assert_array_equal(LETTERS_Y.sum(axis=1), 1)
    assert len({tuple(row) for row in LETTERS_X}) == 3


# --- what the views show -----------------------------------------------------------------------

def test_people_view_shows_the_trained_network():
    view = PeopleTrainingView(lr=0.1, epochs=1000)
    params, history = train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), 0.1, 1000, seed=PEOPLE_SEED, batch_size=1)
    emily, frank = forward(NEW_X, params)[0].ravel()
    assert f"Emily {emily:.3f}" in view.readout.get_text() and f"Frank {frank:.3f}" in view.readout.get_text()
    np.testing.assert_allclose(view.heat.get_array(), forward(view.points, params)[0].reshape(view.X1.shape),
                               atol=1e-12)
    view.update(epochs=0)
    x, y = view.curve.get_data()
    assert len(x) == 1 and y[0] == pytest.approx(history["loss"][0])


def test_people_view_retrains_when_the_learning_rate_moves():
    view = PeopleTrainingView(lr=0.1)
    before = view.heat.get_array().copy()
    view.update(lr=0.002)
    assert 0.002 in view.runs and not np.allclose(view.heat.get_array(), before)


def test_letters_view_shows_both_runs_as_train_makes_them():
    # the reference is the slow, general train(), not letters_run which the view calls
    view = LettersPlateauView(lr=0.1, seed=0)
    kwargs = dict(seed=0, batch_size=1, init="normal", train_biases=False)
    _, mse_run = train(LETTERS_X, LETTERS_Y, (30, 5, 3), 0.1, 100, **kwargs)
    _, ce_run = train(LETTERS_X, LETTERS_Y, (30, 5, 3), 0.1, 100, loss="ce", output="softmax", **kwargs)
    np.testing.assert_allclose(view.acc["mse"].get_ydata(), 100 * mse_run["accuracy"])
    np.testing.assert_allclose(view.acc["ce"].get_ydata(), 100 * ce_run["accuracy"])
    np.testing.assert_allclose(view.loss["mse"].get_ydata(), mse_run["loss"], rtol=1e-12)
    np.testing.assert_allclose(view.loss["ce"].get_ydata(), ce_run["loss"], rtol=1e-12)
    mse_done, ce_done = first_all_right(mse_run["accuracy"]), first_all_right(ce_run["accuracy"])
    assert ce_done < mse_done  # the chapter's claim: cross-entropy leaves the plateau first
    assert view.title.get_text() == (f"η = 0.1, seed 0. All three letters right from: epoch {mse_done} (MSE), "
                                     f"epoch {ce_done} (cross-entropy)")
    labels = [line.get_label() for line in view.ax_acc.get_legend().get_lines()]
    assert labels == ["3 sigmoids + MSE", "softmax + cross-entropy"]
    view.update(lr=0.01)
    assert view.title.get_text().startswith("η = 0.01, seed 0. All three letters right from: never (MSE), ")


@pytest.mark.parametrize("lr, seed", [(0.1, 0), (1.0, 3), (0.01, 7)])
def test_letters_run_with_cross_entropy_equals_train(lr, seed):
    run = letters_run(lr, seed, loss="ce")
    _, history = train(LETTERS_X, LETTERS_Y, (30, 5, 3), lr, 100, seed=seed, batch_size=1, init="normal",
                       train_biases=False, loss="ce", output="softmax")
    np.testing.assert_allclose(run["loss"], history["loss"], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(run["accuracy"], history["accuracy"])


# --- shuffling and initialisation ----------------------------------------------------------------

def test_shuffle_false_walks_the_examples_in_order():
    from nnlib.backprop import loss_and_gradients
    X, Y = LETTERS_X, LETTERS_Y
    start = init_params((30, 4, 3), np.random.default_rng(2))
    params, _ = train(X, Y, None, 0.5, 2, batch_size=1, params=start, shuffle=False)
    by_hand = start
    for _ in range(2):
        for i in range(3):  # A, B, C, in this order, every epoch
            _, grads = loss_and_gradients(X[i:i + 1], Y[i:i + 1], by_hand)
            by_hand = [(W - 0.5 * dW, b - 0.5 * db) for (W, b), (dW, db) in zip(by_hand, grads)]
    for (W, b), (V, c) in zip(params, by_hand):
        np.testing.assert_allclose(W, V, rtol=1e-12)
        np.testing.assert_allclose(b, c, rtol=1e-12)
    shuffled, _ = train(X, Y, None, 0.5, 2, batch_size=1, params=start, seed=1)
    assert not np.allclose(shuffled[0][0], params[0][0])
    fast, _ = train_fast(X, Y, None, 0.5, 2, batch_size=1, params=start, shuffle=False)
    np.testing.assert_allclose(fast[0][0], params[0][0], rtol=1e-12)


@pytest.mark.parametrize("init, variance", [("lecun", lambda i, o: 1 / i), ("xavier", lambda i, o: 2 / (i + o)),
                                            ("he", lambda i, o: 2 / i), ("normal", lambda i, o: 1.0)])
def test_each_initialisation_has_its_named_variance(init, variance):
    (W1, b1), (W2, _) = init_params((400, 100, 300), np.random.default_rng(0), init)
    assert W1.var() == pytest.approx(variance(400, 100), rel=0.03)
    assert W2.var() == pytest.approx(variance(100, 300), rel=0.03)
    assert not b1.any()


def test_lecun_is_the_default_start_of_the_chapter():
    (W1, _), _ = init_params((2, 2, 1), np.random.default_rng(PEOPLE_SEED))
    assert W1[0, 0] == 0.0008698497809753275  # the start printed in Chapter 5
    (V1, _), _ = init_params((2, 2, 1), np.random.default_rng(PEOPLE_SEED), "lecun")
    np.testing.assert_array_equal(W1, V1)
