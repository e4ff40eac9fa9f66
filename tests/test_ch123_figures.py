"""The figures of Chapters 1 to 3, read back from their artists.

nbval never compares a saved PNG, so each still figure and each slider view
is checked here for *what it shows* (the curves, the heat map, the numbers
in the diagram) against an independent computation, and for text a reader
can read: at least 10 px where the page shows it (a 1280 px window gives the
column 688 px, a widget 684 px; a 390 px phone about 354 px).
"""

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from conftest import ROOT  # noqa: E402
from nnlib import plotting  # noqa: E402
from nnlib.activations import relu, sigmoid, sigmoid_prime, tanh, tanh_prime  # noqa: E402
from nnlib.views.ch1_neuron import NeuronLearningView, NeuronView  # noqa: E402
from nnlib.views.ch2_feedforward import NetworkView, NudgingView, SoftmaxView, network_values  # noqa: E402
from nnlib.views.ch3_loss import (  # noqa: E402
    HEIGHT_X, HEIGHT_Y, LossLandscapeView, clip_path, descent_path,
)

WIDGET_PX = {1280: 684, 390: 354}  # how wide the page shows a widget's image, measured in Chromium
PHONE_COLUMN_PX = 358  # how wide a 390 px phone shows a still figure
SOURCE = dict(w1=0, w2=1, w3=0, w4=1, w5=0, w6=1, b1=0, b2=0, b3=0)
APPLE = dict(w1=0.9, w2=-0.5, w3=0.6, w4=0.3, w5=-0.8, w6=0.8, b1=0, b2=0, b3=0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lines_of(ax):
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 2]


# -- Chapter 1 -------------------------------------------------------------------------------
def test_activation_figure_draws_each_function_over_its_slope():
    z = np.linspace(-6, 6, 601)
    curves = [("sigmoid σ(z)", sigmoid, sigmoid_prime), ("tanh(z)", tanh, tanh_prime),
              ("ReLU(z)", relu, lambda t: (t > 0).astype(float))]
    fig = plotting.activation_figure(curves, z)
    axes = np.array(fig.axes).reshape(2, 3)
    for col, (title, f, f_prime) in enumerate(curves):
        top, bottom = axes[0, col], axes[1, col]
        assert top.get_title() == title and bottom.get_title() == "its slope"
        function_line, step_line = lines_of(top)
        np.testing.assert_allclose(function_line.get_ydata(), f(z))
        np.testing.assert_array_equal(step_line.get_ydata(), (z > 0).astype(float))
        (slope_line,) = lines_of(bottom)
        np.testing.assert_allclose(slope_line.get_ydata(), f_prime(z))
        assert max(slope_line.get_ydata()) == pytest.approx({0: 0.25, 1: 1.0, 2: 1.0}[col], abs=1e-3)
    assert plotting.smallest_text_px(fig) >= 10


# -- Chapter 2 -------------------------------------------------------------------------------
@pytest.mark.parametrize("x1, x2, values", [(2.0, 3.0, SOURCE), (0.8, 0.2, APPLE)], ids=["source", "apple"])
def test_network_figure_shows_every_number(x1, x2, values):
    fig = plotting.network_figure(x1, x2, title="t", **values)
    out = network_values(x1, x2, **values)
    diagram = fig.diagram
    shown = {name: diagram.values[name].get_text().split("\n")[1] for name in diagram.values}
    assert shown == {"x1": f"{x1:.1f}", "x2": f"{x2:.1f}", "h1": f"{out['h'][0]:.2f}",
                     "h2": f"{out['h'][1]:.2f}", "o": f"{out['y_hat']:.2f}"}
    for name in ("w1", "w2", "w3", "w4", "w5", "w6"):
        assert diagram.weight_labels[name].get_text() == f"{name} = {values[name]:.1f}"
    assert diagram.notes["o"].get_text() == f"b3 = 0.0\nz = {out['z2']:.2f}"
    # readable in the column at 1280 px and on a phone
    assert plotting.smallest_text_px(fig) >= 10
    assert plotting.smallest_text_px(fig, PHONE_COLUMN_PX) >= 10


def test_hidden_sigmoid_figure_puts_x1_across_and_x2_up():
    # an output that depends on x1 only, then on x2 only: a transposed image swaps them
    axis = np.linspace(-3, 3, 61)
    G1, G2 = np.meshgrid(axis, axis)
    fig = plotting.hidden_sigmoid_figure({"x1 only": sigmoid(3 * G1), "x2 only": sigmoid(3 * G2)})
    images = [a for ax in fig.axes[:2] for a in ax.get_children() if isinstance(a, AxesImage)]
    for image, f in zip(images, (lambda a, b: sigmoid(3 * a), lambda a, b: sigmoid(3 * b))):
        data, (left, right, bottom, top) = image.get_array(), image.get_extent()
        assert image.origin == "lower" and (left, right, bottom, top) == (-3, 3, -3, 3)
        for x1, x2 in [(2.5, -2.0), (-1.0, 2.8), (0.3, -0.3)]:
            col = int(round((x1 - left) / (right - left) * (data.shape[1] - 1)))
            row = int(round((x2 - bottom) / (top - bottom) * (data.shape[0] - 1)))
            assert data[row, col] == pytest.approx(float(f(axis[col], axis[row])))
            assert abs(axis[col] - x1) < 0.06 and abs(axis[row] - x2) < 0.06
    assert plotting.smallest_text_px(fig) >= 10


def test_hidden_sigmoid_figure_of_the_chapter_matches_a_forward_pass_by_hand():
    Wa, ba = np.array([[3.0, 0.0], [0.0, 3.0]]), np.array([-1.5, -1.5])
    Wb, bb = np.array([[6.0], [6.0]]), np.array([-9.0])
    axis = np.linspace(-3, 3, 201)
    G1, G2 = np.meshgrid(axis, axis)
    plane = np.column_stack([G1.ravel(), G2.ravel()])
    with_sigmoid = sigmoid(sigmoid(plane @ Wa + ba) @ Wb + bb).reshape(G1.shape)
    fig = plotting.hidden_sigmoid_figure({"with": with_sigmoid})
    (image,) = [a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)]
    # the corner the network cuts out: both inputs large, and not one of them alone
    for (x1, x2), fires in [((2.5, 2.5), True), ((2.5, -2.5), False), ((-2.5, 2.5), False)]:
        row, col = np.argmin(abs(axis - x2)), np.argmin(abs(axis - x1))
        h = sigmoid(np.array([3 * x1 - 1.5, 3 * x2 - 1.5]))
        by_hand = float(sigmoid(6 * h[0] + 6 * h[1] - 9))
        assert image.get_array()[row, col] == pytest.approx(by_hand, abs=0.02)
        assert (by_hand > 0.5) == fires


# -- Chapter 3 -------------------------------------------------------------------------------
def test_loss_push_figure_draws_both_losses():
    z = np.linspace(-10, 5, 301)
    y_hat = sigmoid(z)
    push_bce, push_mse = y_hat - 1, 2 * (y_hat - 1) * y_hat * (1 - y_hat)
    train = np.linspace(0, 1, 50), np.linspace(0, 0.5, 50)
    fig = plotting.loss_push_figure(z, push_bce, push_mse, *train)
    ax_slope, ax_train = fig.axes
    assert ax_slope.get_yscale() == "log"
    bce_line, mse_line = lines_of(ax_slope)
    np.testing.assert_allclose(bce_line.get_ydata(), np.abs(push_bce))
    np.testing.assert_allclose(mse_line.get_ydata(), np.abs(push_mse))
    assert [t.get_text() for t in ax_slope.get_legend().get_texts()] == ["cross-entropy", "squared error"]
    shown = [line.get_ydata() for line in lines_of(ax_train)]
    np.testing.assert_allclose(shown[0], train[0])
    np.testing.assert_allclose(shown[1], train[1])
    assert plotting.smallest_text_px(fig) >= 10


def test_learning_rate_figure_draws_each_path():
    rates = [0.01, 0.1, 0.3, 0.4]
    fig = plotting.learning_rate_figure((-1.0, 3.0), rates, HEIGHT_X, HEIGHT_Y)
    for ax, rate in zip(fig.axes, rates):
        assert ax.get_title() == f"η = {rate}"
        points, _ = descent_path(-1.0, 3.0, rate, 20, HEIGHT_X, HEIGHT_Y)
        inside, exit_point, _ = clip_path(points)
        path = [line for line in ax.get_lines() if line.get_color() == "tab:purple"]
        assert len(path) == 1
        np.testing.assert_allclose(np.column_stack(path[0].get_data()), inside)
        crosses = [line for line in ax.get_lines() if line.get_marker() == "X"]
        assert len(crosses) == (exit_point is not None)
    (path,) = [line for line in fig.axes[3].get_lines() if line.get_color() == "tab:purple"]
    assert len(path.get_xdata()) < 21  # η = 0.4 leaves the picture before its 20th step
    assert plotting.smallest_text_px(fig) >= 10


# -- the slider views: readable text -----------------------------------------------------------
@pytest.mark.parametrize("View", [NeuronView, NeuronLearningView, NetworkView, SoftmaxView, NudgingView,
                                  LossLandscapeView], ids=lambda V: V.__name__)
def test_view_text_is_at_least_10_px_at_1280(View):
    assert plotting.smallest_text_px(View().fig, WIDGET_PX[1280]) >= 10


def test_network_view_is_readable_on_a_phone():
    assert plotting.smallest_text_px(NetworkView().fig, WIDGET_PX[390]) >= 10


# -- the chapters' code ------------------------------------------------------------------------
@pytest.mark.parametrize("chapter", ["01_neuron", "02_feedforward", "03_loss"])
def test_code_lines_fit_the_page(chapter):
    cells = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    long = [line for c in cells if c["cell_type"] == "code"
            for line in "".join(c["source"]).splitlines() if len(line) > 88]
    assert not long, long


@pytest.mark.parametrize("chapter", ["01_neuron", "02_feedforward", "03_loss"])
def test_every_still_figure_is_described(chapter):
    cells = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    for c in cells:
        if c["cell_type"] == "code" and any("image/png" in o.get("data", {}) for o in c["outputs"]):
            alt = c["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 40, f"cell {c['id']} shows a figure without alt text"
