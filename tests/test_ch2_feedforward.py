"""Chapter 2: the 2-2-1 network behind the sliders, the apple weights, softmax against
two sigmoids, and the derivative of the whole network with respect to w1."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import colormaps

from nnlib.activations import sigmoid, sigmoid_prime
from nnlib.backprop import backward
from nnlib.network import (APPLE_B1, APPLE_B2, APPLE_W1, APPLE_W2, APPLE_X, APPLE_Y, forward)
from nnlib.neuron import neuron
from nnlib.views.ch2_feedforward import (APPLE_WEIGHTS, NEGATIVE, POSITIVE, NetworkView, NudgingView,
                                         SoftmaxView, edge_style, network_values, nudge_slopes, nudging_path,
                                         params_221, text_color, two_class_outputs)

SOURCE = dict(w1=0, w2=1, w3=0, w4=1, w5=0, w6=1, b1=0, b2=0, b3=0)  # seed 004: every neuron w = (0, 1), b = 0
APPLE = dict(w1=0.9, w2=-0.5, w3=0.6, w4=0.3, w5=-0.8, w6=0.8, b1=0, b2=0, b3=0)
finite = st.floats(-4, 4, allow_nan=False)


def by_neurons(x1, x2, w1, w2, w3, w4, w5, w6, b1, b2, b3):
    """The 2-2-1 network written one neuron at a time, with Chapter 1's neuron."""
    h1 = neuron([x1, x2], [w1, w2], b1)
    h2 = neuron([x1, x2], [w3, w4], b2)
    return h1, h2, neuron([h1, h2], [w5, w6], b3)


def test_source_example_gives_07216():
    out = network_values(2.0, 3.0, **SOURCE)
    assert out["y_hat"] == pytest.approx(0.7216325609518421, rel=1e-14)
    np.testing.assert_allclose(out["h"], sigmoid(np.array([3.0, 3.0])))
    np.testing.assert_allclose(out["z1"], [3.0, 3.0])


@settings(max_examples=50, deadline=None)
@given(st.lists(finite, min_size=11, max_size=11))
def test_matrix_layout_equals_neuron_by_neuron(numbers):
    x1, x2, *rest = numbers
    values = dict(zip(["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"], rest))
    h1, h2, o1 = by_neurons(x1, x2, **values)
    out = network_values(x1, x2, **values)
    np.testing.assert_allclose(out["h"], [h1, h2], rtol=1e-12)
    assert out["y_hat"] == pytest.approx(o1, rel=1e-12)


def test_params_221_puts_each_neurons_weights_in_a_column():
    (W1, b1), (W2, b2) = params_221(1, 2, 3, 4, 5, 6, 7, 8, 9)
    np.testing.assert_array_equal(W1, [[1, 3], [2, 4]])  # column j = weights into h_j
    np.testing.assert_array_equal(W2, [[5], [6]])
    np.testing.assert_array_equal(b1, [7, 8])
    np.testing.assert_array_equal(b2, [9])


def test_apple_constants():
    assert APPLE_X.shape == (1, 2) and APPLE_Y.shape == (1, 1)
    assert APPLE_W1.shape == (2, 2) and APPLE_W2.shape == (2, 1)
    np.testing.assert_array_equal(APPLE_X, [[0.8, 0.2]])
    np.testing.assert_array_equal(APPLE_Y, [[1.0]])
    np.testing.assert_array_equal(APPLE_B1, [0, 0])
    np.testing.assert_array_equal(APPLE_B2, [0])
    for constant in (APPLE_X, APPLE_Y, APPLE_W1, APPLE_W2, APPLE_B1, APPLE_B2):
        with pytest.raises(ValueError, match="read-only"):
            constant[...] = 0  # shared by Chapters 2 to 4: nobody may change them in place


def test_apple_forward_pass_by_hand_and_just_wrong():
    y_hat, cache = forward(APPLE_X, [(APPLE_W1, APPLE_B1), (APPLE_W2, APPLE_B2)])
    z_h1 = 0.8 * APPLE_W1[0, 0] + 0.2 * APPLE_W1[1, 0]
    z_h2 = 0.8 * APPLE_W1[0, 1] + 0.2 * APPLE_W1[1, 1]
    z_o = APPLE_W2[0, 0] / (1 + np.exp(-z_h1)) + APPLE_W2[1, 0] / (1 + np.exp(-z_h2))
    np.testing.assert_allclose(cache["Z"][0], [[z_h1, z_h2]])
    assert y_hat.item() == pytest.approx(1 / (1 + np.exp(-z_o)), rel=1e-14)
    assert 0.49 < y_hat.item() < 0.5  # the untrained network calls the ripe apple unripe, barely
    assert network_values(0.8, 0.2, **APPLE)["y_hat"] == pytest.approx(y_hat.item(), rel=1e-14)


def test_one_step_on_the_apple_crosses_one_half():
    # what Chapter 4 shows: one step with η = 0.1 on the mean squared error, weights only
    params = [(APPLE_W1, APPLE_B1), (APPLE_W2, APPLE_B2)]
    y_hat, cache = forward(APPLE_X, params)
    (dW1, _), (dW2, _) = backward(cache, APPLE_Y, params)
    after, _ = forward(APPLE_X, [(APPLE_W1 - 0.1 * dW1, APPLE_B1), (APPLE_W2 - 0.1 * dW2, APPLE_B2)])
    assert y_hat.item() < 0.5 < after.item()


def test_two_linear_layers_are_one():
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)), rng.normal(size=1)
    X = rng.normal(size=(50, 2))
    linear, _ = forward(X, [(W1, b1), (W2, b2)], activation=lambda z: z, output="linear")
    np.testing.assert_allclose(linear, X @ (W1 @ W2) + (b1 @ W2 + b2), atol=1e-12)


def test_edge_style():
    assert edge_style(2.0) == (pytest.approx(0.6 + 3.2), POSITIVE)
    assert edge_style(-2.0) == (pytest.approx(0.6 + 3.2), NEGATIVE)
    assert edge_style(0.0)[1] not in (POSITIVE, NEGATIVE)
    widths = [edge_style(w)[0] for w in np.linspace(0, 10, 21)]
    assert widths == sorted(widths) and max(widths) == 9.0  # grows with |w|, capped


def test_text_color_contrasts():
    assert text_color((1.0, 1.0, 1.0, 1.0)) == "black"
    assert text_color((0.0, 0.0, 0.3, 1.0)) == "white"


def test_network_view_draws_the_values():
    view = NetworkView(**APPLE, x1=0.8, x2=0.2)
    out = network_values(0.8, 0.2, **APPLE)
    assert view.readout.get_text() == f"ŷ = {out['y_hat']:.4f}"
    diagram = view.diagram
    for name in ("w1", "w2", "w3", "w4", "w5", "w6"):
        width, color = edge_style(APPLE[name])
        assert diagram.edges[name].get_linewidth() == pytest.approx(width)
        assert diagram.edges[name].get_color() == color
        assert diagram.weight_labels[name].get_text() == f"{name} = {APPLE[name]:.1f}"
    for name, value in (("h1", out["h"][0]), ("h2", out["h"][1]), ("o", out["y_hat"])):
        np.testing.assert_allclose(diagram.nodes[name].get_markerfacecolor(), colormaps["coolwarm"](value))
        assert diagram.values[name].get_text() == f"{diagram.NAMES[name]}\n{value:.2f}"
    assert diagram.notes["h1"].get_text() == f"b1 = 0.0\nz = {out['z1'][0]:.2f}"


@pytest.mark.parametrize("values", [APPLE, SOURCE | dict(w1=2.0, w5=3.0, b1=-1.0), SOURCE])
def test_network_view_heat_map_is_the_network_over_the_plane(values):
    # Read the map back pixel by pixel: row i is x2, column j is x1, from (−5, −5) at the lower left.
    # At points off the diagonal x1 = x2 a transposed map (x1 and x2 swapped) shows another number.
    view = NetworkView(**values, x1=0.0, x2=0.0)
    heat = view.heat.get_array()
    left, right, bottom, top = view.heat.get_extent()
    assert view.heat.origin == "lower" and (left, right, bottom, top) == (-5, 5, -5, 5)
    grid = np.linspace(-5, 5, heat.shape[0])
    differs = 0
    for row, col in [(3, 50), (50, 3), (10, 40), (45, 12), (0, 59), (59, 0), (30, 7)]:
        x1, x2 = grid[col], grid[row]
        h1, h2, by_hand = by_neurons(x1, x2, **values)  # an independent forward pass
        assert heat[row, col] == pytest.approx(by_hand, abs=1e-12)
        differs += abs(by_neurons(x2, x1, **values)[2] - by_hand) > 1e-3
    if values is not SOURCE:
        assert differs >= 3  # these points tell a map from its transpose


def test_softmax_two_classes_is_sigmoid_of_the_gap():
    out = two_class_outputs(np.log(0.98), np.log(0.02))
    np.testing.assert_allclose(out["softmax"], [0.98, 0.02])
    np.testing.assert_allclose(out["sigmoids"], sigmoid(np.log([0.98, 0.02])))


@given(finite, finite, finite)
def test_softmax_properties(z1, z2, c):
    out = two_class_outputs(z1, z2)
    assert out["softmax"].sum() == pytest.approx(1.0)
    assert out["softmax"][0] == pytest.approx(float(sigmoid(z1 - z2)), abs=1e-12)
    np.testing.assert_allclose(two_class_outputs(z1 + c, z2 + c)["softmax"], out["softmax"], atol=1e-12)


def test_softmax_view_shift_moves_only_the_sigmoids():
    view = SoftmaxView(z1=1.0, z2=-1.0, c=0.0)
    soft = [bar.get_height() for bar in view.soft_bars]
    sig = [bar.get_height() for bar in view.sig_bars]
    view.update(c=3.0)
    np.testing.assert_allclose([bar.get_height() for bar in view.soft_bars], soft, atol=1e-12)
    assert [bar.get_height() for bar in view.sig_bars] != pytest.approx(sig)
    np.testing.assert_allclose(sig, sigmoid(np.array([1.0, -1.0])))


def test_derivative_wrt_w1_matches_sympy_and_finite_difference():
    x1, x2 = sp.symbols("x1 x2")
    w = sp.symbols("w1:7")
    b = sp.symbols("b1:4")
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    y_hat = s(w[4] * s(w[0] * x1 + w[1] * x2 + b[0]) + w[5] * s(w[2] * x1 + w[3] * x2 + b[1]) + b[2])
    exact = sp.lambdify((x1, x2, *w, *b), sp.diff(y_hat, w[0]), "numpy")
    rng = np.random.default_rng(4)
    for _ in range(20):
        v = rng.normal(0, 1.5, 11)
        values = dict(zip(["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"], v[2:]))
        out = network_values(v[0], v[1], **values)
        by_hand = sigmoid_prime(out["z2"]) * values["w5"] * sigmoid_prime(out["z1"][0]) * v[0]
        h = 1e-6
        up = network_values(v[0], v[1], **(values | {"w1": values["w1"] + h}))["y_hat"]
        down = network_values(v[0], v[1], **(values | {"w1": values["w1"] - h}))["y_hat"]
        assert by_hand == pytest.approx(exact(*v), abs=1e-14)
        assert by_hand == pytest.approx((up - down) / (2 * h), abs=1e-9)


@pytest.mark.parametrize("call, words", [
    (lambda: params_221(1, 2, 3, 4, 5, "six"), "expected w6 to be a real number"),
    (lambda: params_221(1, 2, 3, 4, 5, [6, 7]), r"expected w6 to be a single number, got shape \(2,\)"),
    (lambda: network_values(0, 0, **SOURCE | {"w7": 1}), r"expected the parameters \[.*\], got \[.*'w7'"),
    (lambda: network_values(0, 0, w1=1), r"expected the parameters \['b1'"),
    (lambda: network_values("x", 0, **SOURCE), "expected x1 to be a real number"),
    (lambda: edge_style(np.inf), "expected w to be a finite number"),
    (lambda: two_class_outputs(1.0, None), "expected z2 to be a real number"),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


# -- learning by nudging -------------------------------------------------------------------------
def apple_slopes_by_chain_rule(w):
    """∂ŷ/∂w1..∂ŷ/∂w6 of the apple network (no biases), by the chain rule written out by hand."""
    x1, x2 = 0.8, 0.2
    z_h1, z_h2 = w[0] * x1 + w[1] * x2, w[2] * x1 + w[3] * x2
    h1, h2 = 1 / (1 + np.exp(-z_h1)), 1 / (1 + np.exp(-z_h2))
    y_hat = 1 / (1 + np.exp(-(w[4] * h1 + w[5] * h2)))
    d_out = y_hat * (1 - y_hat)  # σ′(z_o1)
    d_h1, d_h2 = d_out * w[4] * h1 * (1 - h1), d_out * w[5] * h2 * (1 - h2)
    return np.array([d_h1 * x1, d_h1 * x2, d_h2 * x1, d_h2 * x2, d_out * h1, d_out * h2]), y_hat


def test_apple_weights_are_the_package_constants():
    assert [APPLE_WEIGHTS[n] for n in ("w1", "w3", "w2", "w4")] == list(APPLE_W1.ravel())
    assert [APPLE_WEIGHTS["w5"], APPLE_WEIGHTS["w6"]] == list(APPLE_W2.ravel())


def test_nudge_slopes_equal_the_chain_rule_and_cost_two_passes_per_weight():
    slopes, passes = nudge_slopes(APPLE_WEIGHTS)
    exact, _ = apple_slopes_by_chain_rule(np.array(list(APPLE_WEIGHTS.values())))
    np.testing.assert_allclose([slopes[n] for n in ("w1", "w2", "w3", "w4", "w5", "w6")], exact, atol=1e-9)
    assert passes == 2 * 6


@pytest.mark.parametrize("lr", [0.01, 1.0, 10.0])
def test_nudging_path_takes_the_steps_by_hand(lr):
    W, y_hat, passes = nudging_path(lr, 3)
    w = np.array([APPLE_WEIGHTS[n] for n in ("w1", "w2", "w3", "w4", "w5", "w6")])
    for step in range(4):
        slopes, out = apple_slopes_by_chain_rule(w)
        np.testing.assert_allclose(W[step], w, atol=1e-8)
        assert y_hat[step] == pytest.approx(out, abs=1e-10)
        assert passes[step] == 12 * step
        w = w + lr * slopes  # uphill in ŷ: the apple is ripe


def test_one_nudging_step_with_lr_1_calls_the_apple_ripe():
    _, y_hat, _ = nudging_path(1.0, 1)
    assert y_hat[0] < 0.5 < y_hat[1]


def test_nudging_view_shows_the_path():
    view = NudgingView(lr=1.0, steps=5)
    W, y_hat, passes = nudging_path(1.0, 5)
    np.testing.assert_allclose(view.curve.get_ydata(), y_hat)
    np.testing.assert_allclose(view.curve.get_xdata(), np.arange(6))
    np.testing.assert_allclose([bar.get_height() for bar in view.bars], W[-1])
    assert view.w_title.get_text() == f"the six weights: {passes[-1]} forward passes"
    assert view.out_title.get_text() == f"ŷ {y_hat[0]:.3f} → {y_hat[-1]:.3f} after 5 steps"
    view.update(lr=0.01)  # the learning-rate slider alone changes the picture
    assert view.curve.get_ydata()[-1] == pytest.approx(nudging_path(0.01, 5)[1][-1])
    assert view.curve.get_ydata()[-1] < y_hat[-1]
    view.update(steps=0)
    assert len(view.curve.get_ydata()) == 1
    np.testing.assert_allclose([bar.get_height() for bar in view.bars], list(APPLE_WEIGHTS.values()))


@pytest.mark.parametrize("call, words", [
    (lambda: nudging_path(-1.0, 3), "positive learning rate lr, got -1.0"),
    (lambda: nudging_path(1.0, 1.5), "whole number"),
    (lambda: nudge_slopes({"w1": 1.0}), r"expected the weights \['w1', 'w2'"),
])
def test_nudging_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()
