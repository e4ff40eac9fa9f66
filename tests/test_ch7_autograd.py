"""Chapter 7's engine, nnlib.autograd: every gradient against an independent reference.

Random expressions built by hypothesis are differentiated by the engine, by sympy
and by central finite differences; the chapter's own checks (σ′(7), Alice's nine
gradients, a digits network against the vectorised backward pass) are repeated
here; every bad input must fail with a message naming the problem.
"""

import json
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from nnlib import autograd
from nnlib.autograd import Value, Values, topological_order
from nnlib.data import digits_split
from nnlib.mlp import MLP
from nnlib.views.ch1_neuron import NeuronView
from nnlib.views.ch4_backprop import nine_gradients
from nnlib.views.ch7 import ALICE_START, ALICE_X, ALICE_Y, AutogradView, alice_loss, graph_figure, layout

# -- random expressions: (engine, sympy) built side by side -----------------------------------
X_S, Y_S = sp.symbols("x y", real=True)

UNARY = {  # each keeps its argument inside its domain, whatever the argument is
    "exp": (lambda a: (a.tanh() * 2).exp(), lambda a: sp.exp(sp.tanh(a) * 2)),
    "log": (lambda a: (a * a + 0.5).log(), lambda a: sp.log(a * a + sp.Rational(1, 2))),
    "tanh": (Value.tanh, sp.tanh),
    "sigmoid": (Value.sigmoid, lambda a: 1 / (1 + sp.exp(-a))),
    "square": (lambda a: a**2, lambda a: a**2),
    "cube": (lambda a: a**3, lambda a: a**3),
    "root": (lambda a: (a * a + 1) ** 0.5, lambda a: sp.sqrt(a * a + 1)),
    "neg": (lambda a: -a, lambda a: -a),
}
BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: a + b),
    "−": (lambda a, b: a - b, lambda a, b: a - b),
    "×": (lambda a, b: a * b, lambda a, b: a * b),
    "÷": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
}


def leaves():
    return st.one_of(st.sampled_from(["x", "y"]),
                     st.floats(-2, 2, allow_nan=False).map(lambda c: ("const", round(c, 3))))


def trees(depth):
    if depth == 0:
        return leaves()
    sub = trees(depth - 1)
    return st.one_of(leaves(),
                     st.tuples(st.sampled_from(sorted(UNARY)), sub),
                     st.tuples(st.sampled_from(sorted(BINARY)), sub, sub))


def build(tree, x, y, x_s, y_s):
    """The expression ``tree`` twice: on Values x, y and on sympy symbols x_s, y_s."""
    if tree == "x":
        return x, x_s
    if tree == "y":
        return y, y_s
    if tree[0] == "const":
        return Value(tree[1]), sp.Float(tree[1])
    if tree[0] in UNARY:
        engine_op, sympy_op = UNARY[tree[0]]
        a, a_s = build(tree[1], x, y, x_s, y_s)
        return engine_op(a), sympy_op(a_s)
    engine_op, sympy_op = BINARY[tree[0]]
    (a, a_s), (b, b_s) = build(tree[1], x, y, x_s, y_s), build(tree[2], x, y, x_s, y_s)
    return engine_op(a, b), sympy_op(a_s, b_s)


def engine_value(tree, x0, y0):
    return build(tree, Value(x0), Value(y0), X_S, Y_S)[0].data


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(trees(3), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_random_expressions_agree_with_sympy_and_finite_differences(tree, x0, y0):
    x, y = Value(x0), Value(y0)
    out, out_s = build(tree, x, y, X_S, Y_S)
    if isinstance(out, Value):
        out.backward()
    at = {X_S: x0, Y_S: y0}
    for leaf, symbol, name in ((x, X_S, "x"), (y, Y_S, "y")):
        exact = float(sp.diff(out_s, symbol).subs(at)) if out_s.has(symbol) else 0.0
        assert leaf.grad == pytest.approx(exact, rel=1e-9, abs=1e-9), (tree, name)
        h = 1e-6
        up = engine_value(tree, x0 + h, y0) if name == "x" else engine_value(tree, x0, y0 + h)
        down = engine_value(tree, x0 - h, y0) if name == "x" else engine_value(tree, x0, y0 - h)
        assert leaf.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-5), (tree, name)


@given(st.floats(-3, 3).filter(lambda v: abs(v) > 1e-3))
def test_relu_slope_is_one_or_zero(v):
    x = Value(v)
    x.relu().backward()
    assert x.grad == (1.0 if v > 0 else 0.0)


# -- each operation's local derivative, against sympy ---------------------------------------
A_S, B_S = sp.symbols("a b", real=True)
OPERATIONS = [
    (lambda a, b: a + b, A_S + B_S), (lambda a, b: a - b, A_S - B_S), (lambda a, b: a * b, A_S * B_S),
    (lambda a, b: a / b, A_S / B_S), (lambda a, b: a**3, A_S**3), (lambda a, b: a**-2, A_S**-2),
    (lambda a, b: a**0.5, sp.sqrt(A_S)), (lambda a, b: a.exp(), sp.exp(A_S)), (lambda a, b: a.log(), sp.log(A_S)),
    (lambda a, b: a.tanh(), sp.tanh(A_S)), (lambda a, b: a.sigmoid(), 1 / (1 + sp.exp(-A_S))),
    (lambda a, b: 2 - a, 2 - A_S), (lambda a, b: 2 / a, 2 / A_S), (lambda a, b: -a, -A_S),
]


@pytest.mark.parametrize("k", range(len(OPERATIONS)))
@pytest.mark.parametrize("a, b", [(0.7, 1.9), (2.5, -0.4)])
def test_local_derivatives_are_sympys(k, a, b):
    operation, formula = OPERATIONS[k]
    a_value, b_value = Value(a), Value(b)
    out = operation(a_value, b_value)
    at = {A_S: a, B_S: b}
    assert out.data == pytest.approx(float(formula.subs(at)), rel=1e-12)
    checked = 0
    for child, local in zip(out.inputs, out.local_grads):
        for leaf, symbol in ((a_value, A_S), (b_value, B_S)):
            if child is leaf:
                assert local == pytest.approx(float(sp.diff(formula, symbol).subs(at)), rel=1e-12)
                checked += 1
    assert checked == len(formula.free_symbols)


def test_sigmoid_is_stable_far_out():
    assert Value(-800.0).sigmoid().data == 0.0 and Value(800.0).sigmoid().data == 1.0


# -- the chapter's checks -------------------------------------------------------------------
def test_sigma_prime_at_7_equals_sympys():
    start = {name: Value(s.value) for name, s in NeuronView.sliders.items()}
    z = start["w1"] * start["x1"] + start["w2"] * start["x2"] + start["b"]
    assert z.data == 7.0
    z.sigmoid().backward()
    z_s = sp.symbols("z")
    exact = float(sp.diff(1 / (1 + sp.exp(-z_s)), z_s).subs(z_s, 7))
    assert z.grad == pytest.approx(exact, rel=1e-14)


def test_alice_nine_gradients_equal_chapter_4s():
    L, leaves = alice_loss(*ALICE_X, ALICE_Y, **ALICE_START)
    L.backward()
    _, by_hand = nine_gradients(list(ALICE_START.values()), ALICE_X, [ALICE_Y])
    engine = np.array([leaves[name].grad for name in ALICE_START])
    np.testing.assert_allclose(engine, by_hand, rtol=0, atol=1e-12)
    assert leaves["w1"].grad == pytest.approx(0.021470, abs=5e-7)  # the number Chapter 4 prints


def test_digits_network_gradients_equal_the_vectorised_backward_pass():
    X_train, _, y_train, _ = digits_split()
    X, y = X_train[10:13], y_train[10:13]
    for hidden in ("relu", "tanh"):
        net = MLP(sizes=(64, 8, 10), hidden=hidden, init="he", seed=3)
        params = autograd.parameters(net.params)
        losses = [autograd.cross_entropy(autograd.forward(x, params, hidden, "linear"), int(c))
                  for x, c in zip(X, y)]
        loss = autograd.add_all(losses) / len(losses)
        loss.backward()
        vectorised_loss, grads = net.loss_and_gradients(X, y)
        assert loss.data == pytest.approx(vectorised_loss, abs=1e-12)
        for ours, theirs in zip(autograd.gradients(params), grads):
            for a, b in zip(ours, theirs):
                np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


def test_a_value_used_twice_collects_both_shares():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    a, b = Value(2.0), Value(-3.0)
    (a * b + a).backward()
    assert (a.grad, b.grad) == (-2.0, 2.0)


def test_a_deep_graph_needs_no_recursion():
    x = Value(0.5)
    out = x
    for _ in range(5000):  # deeper than Python's recursion limit
        out = out * 1.0 + 0.0
    out.backward()
    assert x.grad == 1.0
    order = topological_order(out)
    assert order[0] is x and order[-1] is out and len(order) == 1 + 4 * 5000  # 4 Values per line


def test_topological_order_puts_inputs_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    position = {id(v): i for i, v in enumerate(order)}
    for node in order:
        assert all(position[id(child)] < position[id(node)] for child in node.inputs)
    assert len(order) == len({id(v) for v in order}) == 5


def test_zero_grad_allows_a_second_backward():
    x = Value(1.5)
    out = (x * x).tanh()
    out.backward()
    first = x.grad
    out.zero_grad()
    assert x.grad == 0.0
    out.backward()
    assert x.grad == first


def test_numpy_numbers_on_either_side():
    x = Value(2.0)
    for out in (np.float64(3.0) * x, np.float64(3.0) + x, np.float64(3.0) - x, np.float64(3.0) / x):
        assert isinstance(out, Value)


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize("action, error, message", [
    (lambda: Value(2.0) + "3", TypeError, "expected the other operand to be a number or a Value, got str"),
    (lambda: Value(None), TypeError, "expected the data of a Value to be a number"),
    (lambda: Value(True), TypeError, "got bool"),
    (lambda: Value([1.0, 2.0]), TypeError, "got list"),
    (lambda: Value(np.array([1.0, 2.0])), TypeError, r"one number \(a Value is a scalar\).*shape \(2,\)"),
    (lambda: Value(float("nan")), ValueError, "finite number, got nan"),
    (lambda: Value(0.0).log(), ValueError, r"log of a non-positive value: log\(0\)"),
    (lambda: Value(-2.0).log(), ValueError, r"log of a non-positive value: log\(-2\)"),
    (lambda: Value(1.0) / 0, ZeroDivisionError, "division by a Value equal to 0"),
    (lambda: Value(-2.0) ** 0.5, ValueError, "not a real number"),
    (lambda: Value(0.0) ** -1, ValueError, "no finite derivative at 0"),
    (lambda: Value(2.0) ** Value(2.0), TypeError, "takes a number y, not a Value"),
    (lambda: Value(800.0).exp(), ValueError, "overflows"),
    (lambda: Values([Value(1.0), Value(2.0)]).backward(), ValueError, "backward\\(\\) needs one number, the loss"),
    (lambda: autograd.add_all([]), ValueError, "at least one Value"),
])
def test_bad_input_fails_with_a_message_naming_the_problem(action, error, message):
    with pytest.raises(error, match=message):
        action()


def test_backward_twice_without_reset_is_refused():
    x = Value(2.0)
    out = x * x
    out.backward()
    with pytest.raises(RuntimeError, match=r"already holds gradients.*call zero_grad\(\) first"):
        out.backward()
    assert x.grad == 4.0  # the refused call changed nothing


def test_layer_outputs_refuse_backward_and_wrong_sizes():
    params = autograd.parameters([(np.ones((2, 3)), np.zeros(3))])
    with pytest.raises(ValueError, match="expected 2 inputs for this layer, got 3"):
        autograd.forward([1.0, 2.0, 3.0], params)
    outputs = autograd.forward([1.0, 2.0], params)
    assert isinstance(outputs, Values) and outputs.data.shape == (3,)
    with pytest.raises(ValueError, match="these are 3 Values"):
        outputs.backward()
    with pytest.raises(ValueError, match=r"expected layer 1 as W \(n_in, n_out\) and b \(n_out,\)"):
        autograd.parameters([(np.ones((2, 3)), np.zeros(2))])
    with pytest.raises(ValueError, match="expected activation one of"):
        autograd.forward([1.0, 2.0], params, hidden="softsign", output="softsign")
    for label in (3, -1, 1.5, True):
        with pytest.raises(ValueError, match="expected label to be a class number 0 to 2"):
            autograd.cross_entropy(outputs, label)


# -- the drawings -----------------------------------------------------------------------------
def test_graph_figure_shows_every_value_and_gradient():
    L, leaves = alice_loss(*ALICE_X, ALICE_Y, **ALICE_START)
    L.backward()
    fig = graph_figure(L)
    drawing = fig.drawing
    order = topological_order(L)
    assert [t.get_text() for t in drawing.values] == [f"{v.data:.4f}" for v in order]
    assert drawing.grads[order.index(leaves["w1"])].get_text() == f"{leaves['w1'].grad:+.4f}"
    assert drawing.grads[-1].get_text() == "+1.0000"  # ∂L/∂L


def test_layout_puts_each_value_right_of_its_inputs_and_apart():
    L, _ = alice_loss(*ALICE_X, ALICE_Y, **ALICE_START)
    places = layout(L)
    for node in topological_order(L):
        for child in node.inputs:
            assert places[id(child)][0] < places[id(node)][0]
    spots = list(places.values())
    assert len(set(spots)) == len(spots), "two Values drawn at the same place"
    for column in {x for x, _ in spots}:
        rows = sorted(y for x, y in spots if x == column)
        assert all(b - a >= 1 - 1e-9 for a, b in zip(rows, rows[1:]))


@pytest.mark.parametrize("x1, w1, w5", [(-2.0, 1.0, 1.0), (0.0, -1.5, 2.0), (3.0, 2.5, -3.0)])
def test_view_shows_the_gradients_of_chapter_4(x1, w1, w5):
    view = AutogradView(x1=x1, w1=w1, w5=w5)
    theta = {**ALICE_START, "w1": w1, "w5": w5}
    _, nine = nine_gradients(list(theta.values()), [x1, ALICE_X[1]], [ALICE_Y])
    L, leaves = AutogradView.loss(x1, w1, w5)
    order = topological_order(L)
    shown = {name: view.drawing.grads[order.index(leaves[name])].get_text() for name in ALICE_START}
    for name, g in zip(ALICE_START, nine):
        assert float(shown[name]) == pytest.approx(g, abs=5e-5), name
    assert f"L = {L.data:.4f}" in view.title.get_text()


# -- the notebook as code a reader reads ------------------------------------------------------
def test_chapter_7_code_lines_fit_the_column():
    cells = json.loads((ROOT / "book" / "07_autograd.ipynb").read_text(encoding="utf-8"))["cells"]
    long = [line for c in cells if c["cell_type"] == "code"
            for line in "".join(c["source"]).splitlines() if len(line) > 88]
    assert not long, long
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and re.match(r"^graph_figure\(", source.strip()):
            assert "hide-input" in cell["metadata"].get("tags", []), source
        assert "plt." not in source


def test_module_docstrings_name_the_chapter():
    import nnlib.views.ch7

    assert "Chapter 7" in autograd.__doc__ and "Chapter 7" in nnlib.views.ch7.__doc__


def graph_numbers(root: Value) -> list[float]:
    """Every value and gradient drawn on ``root``'s graph (after ``root.backward()``)."""
    return [number for node in topological_order(root) for number in (node.data, node.grad)]


def test_still_graph_descriptions_quote_the_numbers_drawn():
    """A still graph's alt text (read by screen readers, and translated in ui.po) quotes
    values and gradients; each decimal it quotes is one the engine computes for that graph."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    f = a * b + a
    f.backward()
    start = {name: slider.value for name, slider in NeuronView.sliders.items()}
    w1, w2, bias, x1, x2 = (Value(start[n], label=n) for n in ["w1", "w2", "b", "x1", "x2"])
    out = (w1 * x1 + w2 * x2 + bias).sigmoid()
    out.backward()
    L, _ = alice_loss(ALICE_X[0], ALICE_X[1], ALICE_Y, **ALICE_START)
    L.backward()
    graphs = {"f = a times b plus a": f, "Chapter 1's neuron": out, "Alice's 2-2-1 network": L}
    cells = json.loads((ROOT / "book" / "07_autograd.ipynb").read_text(encoding="utf-8"))["cells"]
    alts = [c["metadata"]["mystnb"]["image"]["alt"] for c in cells
            if "graph_figure(" in "".join(c["source"]) and "mystnb" in c["metadata"]]
    assert len(alts) == len(graphs), alts
    for key, root in graphs.items():
        (alt,) = [text for text in alts if key in text]
        numbers = graph_numbers(root)
        quoted = re.findall(r"-?\d+\.\d+|(?<![\w.])-?\d+(?![\w.])", alt.replace("2-2-1", ""))
        assert quoted, alt
        for text in quoted:
            digits = len(text.split(".")[1]) if "." in text else 0
            assert any(abs(round(n, digits) - float(text)) < 10 ** -(digits + 3) for n in numbers), (
                f"{key}: the description says {text}, which is no value or gradient of the graph")
