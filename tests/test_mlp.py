"""Chapter 6's vectorised network (nnlib.mlp) against finite differences, the Chapter 2 to 4
network, hand computation and its own contract (book/nnlib/mlp.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.activations import ACTIVATIONS
from nnlib.backprop import backward, numerical_gradients
from nnlib.mlp import MLP, History
from nnlib.network import forward


def relative_error(a, b) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖) over every number of two lists of (dW, db)."""
    a = np.concatenate([x.ravel() for pair in a for x in pair])
    b = np.concatenate([x.ravel() for pair in b for x in pair])
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def random_case(seed, sizes, hidden, n=5):
    rng = np.random.default_rng(seed)
    net = MLP(sizes, hidden=hidden, init="xavier", seed=seed)
    net.params = [(W, rng.normal(0.0, 0.5, size=b.shape)) for W, b in net.params]
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], n)
    return net, X, y


def finite_differences(net, X, y, l2):
    def loss_of(params):
        net.params = params
        return net.loss(X, y, l2=l2)

    kept = net.params
    try:
        return numerical_gradients(loss_of, kept, h=1e-6)
    finally:
        net.params = kept


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=3).flatmap(
        lambda hidden: st.tuples(st.integers(1, 5), st.integers(2, 4)).map(
            lambda ends: (ends[0], *hidden, ends[1]))),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu"]),
    l2=st.sampled_from([0.0, 0.1]),
)
def test_gradients_match_central_finite_differences(seed, sizes, hidden, l2):
    net, X, y = random_case(seed, sizes, hidden)
    loss, grads = net.loss_and_gradients(X, y, l2=l2)
    assert loss == pytest.approx(net.loss(X, y, l2=l2), rel=1e-15)
    assert [(dW.shape, db.shape) for dW, db in grads] == [(W.shape, b.shape) for W, b in net.params]
    numeric = finite_differences(net, X, y, l2)
    assert relative_error(grads, numeric) < 1e-6


def test_no_hidden_layer_is_softmax_regression():
    net, X, y = random_case(3, (4, 3), "relu")
    _, grads = net.loss_and_gradients(X, y)
    assert relative_error(grads, finite_differences(net, X, y, 0.0)) < 1e-6


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_same_numbers_as_the_chapter_2_to_4_network(hidden):
    """forward and backward of nnlib.network/backprop (softmax + cross-entropy) give the same."""
    net, X, y = random_case(1, (3, 4, 5, 3), hidden, n=6)
    P, cache = net.forward(X)
    f, f_prime = ACTIVATIONS[hidden]
    P_ref, cache_ref = forward(X, net.params, activation=f, output="softmax")
    np.testing.assert_allclose(P, P_ref, rtol=1e-13)
    for ours, theirs in zip(cache["Z"], cache_ref["Z"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13)
    Y = np.eye(3)[y]
    ref = backward(cache_ref, Y, net.params, loss="ce", output="softmax", activation_prime=f_prime)
    _, grads = net.loss_and_gradients(X, y)
    assert relative_error(grads, ref) < 1e-12


def test_loss_by_hand():
    """One example, zero weights: every class has probability 1/k, the loss is log k."""
    net = MLP((2, 3, 4), seed=0)
    net.params = [(np.zeros_like(W), np.zeros_like(b)) for W, b in net.params]
    assert net.loss([[1.0, 2.0]], [3]) == pytest.approx(np.log(4), rel=1e-15)
    np.testing.assert_allclose(net.predict_proba([[1.0, 2.0]]), [[0.25] * 4])
    net.params[0] = (np.ones((2, 3)), np.zeros(3))
    # L2 adds λ/2 · Σ w² = 0.5 · 0.1 · 6 on top
    assert net.loss([[1.0, 2.0]], [3], l2=0.1) == pytest.approx(np.log(4) + 0.3, rel=1e-14)


def test_init_spreads_and_zero_biases():
    for init, variance in [("he", 2 / 400), ("lecun", 1 / 400), ("xavier", 2 / 600)]:
        (W, b), _ = MLP((400, 200, 10), hidden="tanh", init=init, seed=0).params
        assert W.shape == (400, 200) and not b.any()
        assert W.var() == pytest.approx(variance, rel=0.02)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_one_step_is_lr_times_the_gradient(hidden):
    """fit's own lean loop takes the step that loss_and_gradients computes."""
    net, X, y = random_case(7, (3, 4, 5, 3), hidden, n=4)
    _, grads = net.loss_and_gradients(X, y, l2=0.05)
    before = [(W.copy(), b.copy()) for W, b in net.params]
    net.fit(X, y, lr=0.5, epochs=1, batch_size=4, l2=0.05)  # one batch of all four: one step
    for (W, b), (W0, b0), (dW, db) in zip(net.params, before, grads):
        np.testing.assert_allclose(W, W0 - 0.5 * dW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b, b0 - 0.5 * db, rtol=1e-12, atol=1e-15)


def test_fit_learns_a_separable_problem_and_records_history():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 0] > 1)
    net = MLP((2, 16, 3), seed=0)
    seen = []
    history = net.fit(X[:150], y[:150], lr=0.5, epochs=40, batch_size=16, X_test=X[150:], y_test=y[150:],
                      callback=lambda epoch, h: seen.append((epoch, len(h.loss))))
    assert isinstance(history, History)
    assert seen == [(e, e) for e in range(1, 41)]
    for name in ["loss", "train_acc", "test_acc", "test_loss", "epoch_seconds"]:
        assert len(getattr(history, name)) == 40, name
    assert history.loss[-1] < history.loss[0] and history.test_acc[-1] > 0.9
    assert history.train_acc[-1] == net.accuracy(X[:150], y[:150])
    assert history.loss[-1] == pytest.approx(net.loss(X[:150], y[:150]), rel=1e-12)
    assert all(s > 0 for s in history.epoch_seconds)
    assert net.predict(X).dtype.kind == "i" and net.predict(X).shape == (200,)


def test_no_test_set_leaves_test_history_empty():
    X, y = np.eye(3), np.arange(3)
    history = MLP((3, 2, 3)).fit(X, y, lr=0.1, epochs=2)
    assert history.test_acc == [] and history.test_loss == [] and len(history.loss) == 2


def test_seeded_runs_are_identical_and_seeds_differ():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(50, 4)), rng.integers(0, 3, 50)

    def run(seed, shuffle_seed):
        net = MLP((4, 8, 3), seed=seed)
        history = net.fit(X, y, lr=0.2, epochs=5, batch_size=7, shuffle_seed=shuffle_seed)
        return net.params, history.loss

    params, losses = run(0, 0)
    params2, losses2 = run(0, 0)
    assert losses == losses2
    for (W, b), (W2, b2) in zip(params, params2):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    assert run(1, 0)[1] != losses  # another start
    assert run(0, 1)[1] != losses  # another order of the examples
    np.testing.assert_array_equal(MLP((4, 8, 3), seed=3).params[0][0], MLP((4, 8, 3), seed=3).params[0][0])


def test_fit_does_not_change_arrays_it_was_given():
    net = MLP((3, 4, 3), seed=0)
    W0 = net.params[0][0]
    kept = W0.copy()
    net.fit(np.eye(3), np.arange(3), lr=1.0, epochs=3)
    np.testing.assert_array_equal(W0, kept)
    assert not np.array_equal(net.params[0][0], kept)


def test_huge_learning_rate_gives_a_non_finite_loss_without_warnings():
    net = MLP((3, 8, 3), seed=0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)) * 100
    history = net.fit(X, rng.integers(0, 3, 30), lr=1e6, epochs=3, batch_size=5)
    assert len(history.loss) == 3


GOOD_X, GOOD_Y = np.zeros((4, 3)), np.array([0, 1, 2, 1])


@pytest.mark.parametrize("change, message", [
    (dict(X=np.zeros((4, 5))), r"expected X with 3 features, shape \(n, 3\); got shape \(4, 5\)"),
    (dict(X=np.zeros(3)), r"expected X with 3 features.*got shape \(3,\)"),
    (dict(X=np.zeros((0, 3)), y=np.array([], dtype=int)), "at least one example"),
    (dict(X=np.array([[np.nan, 0, 0]] * 4)), "without NaN"),
    (dict(X=np.array([[np.inf, 0, 0]] * 4)), "without inf"),
    (dict(y=np.array([0, 1, 3, 1])), r"labels 0\.\.2 \(3 classes\), got values from 0 to 3"),
    (dict(y=np.array([0, -1, 2, 1])), r"labels 0\.\.2"),
    (dict(y=np.array([0, 1.5, 2, 1])), "non-integer"),
    (dict(y=np.array([0, np.nan, 2, 1])), "non-integer"),
    (dict(y=np.array(["a", "b", "c", "d"])), "integer labels"),
    (dict(y=np.array([0, 1, 2])), r"one label per example, shape \(4,\); got shape \(3,\)"),
    (dict(y=np.eye(3)[[0, 1, 2, 1]]), r"shape \(4,\); got shape \(4, 3\)"),
    (dict(batch_size=0), "batch_size to be a whole number ≥ 1, got 0"),
    (dict(batch_size=2.5), "batch_size to be a whole number"),
    (dict(lr=0.0), "lr > 0"),
    (dict(lr=-1), "lr > 0"),
    (dict(lr=np.inf), "finite"),
    (dict(epochs=0), "epochs to be a whole number ≥ 1, got 0"),
    (dict(l2=-0.1), "l2 ≥ 0"),
    (dict(X_test=np.zeros((2, 3))), "both X_test and y_test"),
    (dict(X_test=np.zeros((2, 4)), y_test=np.array([0, 1])), "expected X_test with 3 features"),
    (dict(X_test=np.zeros((2, 3)), y_test=np.array([0, 7])), "expected y_test as labels"),
    (dict(callback=3), "callback to be a function"),
])
def test_bad_input_fails_before_any_step(change, message):
    net = MLP((3, 4, 3), seed=0)
    start = [(W.copy(), b.copy()) for W, b in net.params]
    arguments = dict(X=GOOD_X, y=GOOD_Y, lr=0.1, epochs=1) | change
    with pytest.raises(ValueError, match=message):
        net.fit(**arguments)
    for (W, b), (W0, b0) in zip(net.params, start):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(sizes=(3,)), "at least two layer sizes"),
    (dict(sizes=(3, 0, 3)), "every layer size"),
    (dict(sizes=(3, 4, 1)), "at least 2 classes"),
    (dict(sizes=(3, 2.5, 3)), "every layer size"),
    (dict(sizes="64"), "at least two layer sizes"),
    (dict(hidden="softmax"), "hidden one of"),
    (dict(init="normal"), "init one of"),
    (dict(seed=-1), "seed"),
])
def test_bad_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**({"sizes": (3, 4, 3)} | kwargs))


def test_bad_input_to_predict_and_accuracy():
    net = MLP((3, 4, 3), seed=0)
    with pytest.raises(ValueError, match="expected X with 3 features"):
        net.predict(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="labels 0..2"):
        net.accuracy(np.zeros((2, 3)), [0, 5])
    with pytest.raises(ValueError, match="without NaN"):
        net.predict_proba([[0.0, np.nan, 1.0]])
