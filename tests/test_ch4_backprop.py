"""Chapter 4: the functions behind the backpropagation view, against sympy, finite
differences, the package's forward pass and the worked example of seed 004."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.losses import mse
from nnlib.network import forward
from nnlib.views.ch2_feedforward import params_221
from nnlib.views.ch4_backprop import (GRAD_LIMIT, PEOPLE_X, PEOPLE_Y, BackpropView, as_nine,
                                      losses_after_one_step, nine_gradients, outputs_of_many)

ALICE_X, ALICE_Y = PEOPLE_X[:1], PEOPLE_Y[:1]


def sympy_gradients(theta, X, y):
    """The nine partial derivatives of the mean squared error, differentiated by sympy
    from the fully composed loss, evaluated at theta = (w1..w6, b1, b2, b3)."""
    symbols = sp.symbols("w1:7 b1:4")
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = symbols
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    losses = []
    for (x1, x2), target in zip(X.tolist(), y.tolist()):
        h1, h2 = s(w1 * x1 + w2 * x2 + b1), s(w3 * x1 + w4 * x2 + b2)
        losses.append((target - s(w5 * h1 + w6 * h2 + b3)) ** 2)
    L = sum(losses) / len(losses)
    values = dict(zip(symbols, theta))
    return np.array([float(sp.diff(L, v).subs(values)) for v in symbols])


def test_alice_worked_example():
    loss, grads = nine_gradients(np.ones(6), ALICE_X, ALICE_Y)
    assert grads[0] == pytest.approx(0.02146953526581111, rel=1e-12)  # ∂L/∂w1 of seed 004
    assert loss == pytest.approx((1 - 0.5236951740839997) ** 2, rel=1e-12)


@pytest.mark.parametrize("theta", [
    [1, 1, 1, 1, 1, 1, 0, 0, 0],
    [0.3, -0.2, 0.5, 0.1, -0.4, 0.7, 0.1, -0.1, 0.2],
    [-1.5, 2.0, 0.0, -0.7, 2.5, -3.0, 0.4, 0.0, -0.3],
])
def test_nine_gradients_equal_sympy_on_the_four_people(theta):
    _, grads = nine_gradients(np.array(theta, float))
    np.testing.assert_allclose(grads, sympy_gradients(theta, PEOPLE_X, PEOPLE_Y), rtol=1e-10, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=9, max_size=9))
def test_nine_gradients_equal_finite_differences(theta):
    theta = np.array(theta)
    _, grads = nine_gradients(theta)
    h = 1e-6
    numeric = []
    for k in range(9):
        step = np.zeros(9)
        step[k] = h
        up = mse(forward(PEOPLE_X, params_221(*(theta + step)))[0].ravel(), PEOPLE_Y)
        down = mse(forward(PEOPLE_X, params_221(*(theta - step)))[0].ravel(), PEOPLE_Y)
        numeric.append((up - down) / (2 * h))
    np.testing.assert_allclose(grads, numeric, atol=1e-8)


def test_as_nine_reads_the_numbers_in_order():
    # params_221 places w1..w6, b1..b3; as_nine must read them back in the same order
    assert as_nine(params_221(*range(1, 10))).tolist() == list(range(1, 10))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=9, max_size=9))
def test_outputs_of_many_equal_forward(theta):
    ours = outputs_of_many(np.array([theta]))
    np.testing.assert_allclose(ours[0], forward(PEOPLE_X, params_221(*theta))[0].ravel(), rtol=1e-12)


def test_losses_after_one_step_equal_a_step_by_hand():
    weights = np.array([0.5, -1.0, 2.0, 0.3, -2.0, 1.5])
    lrs = [0.0, 0.1, 10.0, 300.0]
    before, after = losses_after_one_step(weights, lrs)
    theta = np.concatenate([weights, np.zeros(3)])
    _, grads = nine_gradients(theta)
    for lr, loss in zip(lrs, after):
        expected = mse(forward(PEOPLE_X, params_221(*(theta - lr * grads)))[0].ravel(), PEOPLE_Y)
        assert loss == pytest.approx(expected, rel=1e-12)
    assert after[0] == pytest.approx(before)
    assert before == pytest.approx(mse(forward(PEOPLE_X, params_221(*theta))[0].ravel(), PEOPLE_Y))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=6, max_size=6))
def test_a_tiny_step_against_the_gradient_never_raises_the_loss(weights):
    before, (after,) = losses_after_one_step(np.array(weights), [1e-4])
    assert after <= before + 1e-15


def test_the_bar_scale_holds_single_slider_moves_but_a_narrow_band():
    # From the start (all weights 1), moving one weight keeps every bar on the fixed scale,
    # except w1 or w3 between about −0.4 and −0.15, where a hidden neuron leaves saturation
    # for Bob and Charlie and its gradient spikes: those bars are clipped and hatched.
    view = BackpropView()
    assert view.ax_bars.get_ylim() == (-GRAD_LIMIT, GRAD_LIMIT)
    for index in range(6):
        for value in np.linspace(-3, 3, 121):
            weights = np.ones(6)
            weights[index] = value
            _, grads = nine_gradients(weights)
            if np.abs(grads).max() > 0.9 * GRAD_LIMIT:
                assert index in (0, 2) and -0.45 < value < -0.1, (index, value)


def test_view_shows_the_gradients_and_the_step():
    view = BackpropView(lr=30)
    _, grads = nine_gradients(np.ones(6))
    np.testing.assert_allclose([bar.get_height() for bar in view.bars], grads)
    assert [label.get_text() for label in view.labels] == [f"{g:.4f}" for g in grads]
    before, (after,) = losses_after_one_step(np.ones(6), [30.0])
    assert view.readout.get_text() == f"one step with η = 30:\nloss {before:.4f} → {after:.4f}"
    np.testing.assert_allclose(view.dot.get_ydata(), [after])


def test_view_clips_and_marks_bars_off_the_scale():
    weights = dict(w1=-0.3, w2=1.0, w3=1.0, w4=1.0, w5=1.0, w6=1.0)
    _, grads = nine_gradients(np.array(list(weights.values())))
    view = BackpropView(**weights)
    heights = np.array([bar.get_height() for bar in view.bars])
    assert np.all(np.abs(heights) <= 0.9 * GRAD_LIMIT + 1e-12)
    off = np.abs(grads) > 0.9 * GRAD_LIMIT
    assert off.any(), "this setting should have a bar off the scale"
    assert [bar.get_hatch() or "" for bar in view.bars] == ["////" if o else "" for o in off]
    assert [label.get_text() for label in view.labels] == [f"{g:.4f}" if abs(g) >= 5e-5 else "0.0000" for g in grads]


@pytest.mark.parametrize("call, words", [
    (lambda: nine_gradients(np.ones(5)), r"expected weights .* got shape \(5,\)"),
    (lambda: nine_gradients(np.ones(6), np.zeros((4, 3)), PEOPLE_Y), r"expected X with 2 features.*\(4, 3\)"),
    (lambda: nine_gradients(np.ones(6), PEOPLE_X, PEOPLE_Y[:3]), r"shape \(4,\); got shape \(3,\)"),
    (lambda: losses_after_one_step(np.ones(6), [0.1, -1.0]), "learning rates ≥ 0"),
    (lambda: outputs_of_many(np.ones((3, 6))), r"expected thetas of shape \(k, 9\), got shape \(3, 6\)"),
    (lambda: as_nine([(np.ones((2, 2)), np.ones(2))]), "2-2-1 network"),
    (lambda: as_nine([(np.ones((2, 3)), np.ones(3)), (np.ones((3, 1)), np.ones(1))]), r"got \(2, 3\)"),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()
