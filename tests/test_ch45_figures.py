"""Chapters 4 and 5: every still figure and view, read back from its artists.

nbval never compares the saved PNGs, so a figure could change silently. Each
test here draws a figure and checks what it shows (line data, image arrays,
texts, colours, where the legend sits) against a computation that does not
go through the figure's own code: sympy, a forward pass written out, a walk
by hand, the slow general ``train``. Every figure's smallest text is also
checked to be at least 10 px high where the book's column shows it.
"""

import matplotlib.colors as mcolors
import numpy as np
import pytest
import sympy as sp
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.text import Text

from nnlib.network import forward, init_params
from nnlib.training import train, train_fast
from nnlib.views.ch2_feedforward import params_221
from nnlib.views.ch4_backprop import BackpropView
from nnlib.views.ch4_figures import GRAPH_PLACES, computational_graph, loss_slices
from nnlib.views.ch5_figures import (XOR_X, XOR_Y, batch_figure, letters_figure, noisy_letter_figure,
                                     people_figure, walks_figure, xor_figure)
from nnlib.views.ch5_sgd import (LETTER_NAMES, LETTERS_X, NEW_X, PEOPLE_SEED, PEOPLE_X, PEOPLE_Y,
                                 LettersPlateauView, PeopleTrainingView, plane_grid)

ALICE_X, ALICE_Y = (-2.0, -1.0), 1.0
ONES = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0.0])
COLUMN_PX = 688  # the widest a chapter page shows an output image at 1280 px (measured in Chromium)
NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def by_hand(theta, X):
    """The 2-2-1 network's output, written out neuron by neuron (no nnlib)."""
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = theta
    X = np.atleast_2d(X)
    h1 = sigmoid(w1 * X[:, 0] + w2 * X[:, 1] + b1)
    h2 = sigmoid(w3 * X[:, 0] + w4 * X[:, 1] + b2)
    return sigmoid(w5 * h1 + w6 * h2 + b3)


def sympy_gradients(theta, x, y):
    """The nine partial derivatives of (y − ŷ)² for one example, by sympy."""
    symbols = sp.symbols("w1:7 b1:4")
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = symbols
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    h1, h2 = s(w1 * x[0] + w2 * x[1] + b1), s(w3 * x[0] + w4 * x[1] + b2)
    loss = (y - s(w5 * h1 + w6 * h2 + b3)) ** 2
    values = dict(zip(symbols, theta))
    return {name: float(sp.diff(loss, v).subs(values)) for name, v in zip(NAMES, symbols)}


def texts(fig):
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def smallest_text_px(fig):
    """The smallest text's height in CSS pixels where the page shows the figure:
    font size (pt) · dpi/72, scaled down when the figure is wider than the column."""
    width_px = fig.get_figwidth() * fig.dpi
    shown = min(width_px, COLUMN_PX) / width_px
    return min(t.get_fontsize() for t in texts(fig)) * fig.dpi / 72 * shown


def rgb(colour):
    return mcolors.to_rgb(colour)


# --- Chapter 4 ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def alice_grads():
    return sympy_gradients(ONES, ALICE_X, ALICE_Y)


def test_loss_slices_show_the_loss_and_a_tangent_with_the_true_slope(alice_grads):
    fig = loss_slices(ONES, ALICE_X, ALICE_Y)
    loss_at_start = (ALICE_Y - by_hand(ONES, ALICE_X)[0]) ** 2
    for ax, name in zip(fig.axes, ("w1", "w5", "b3")):
        k = NAMES.index(name)
        curve, tangent, dot = ax.get_lines()
        values, losses = curve.get_data()
        thetas = np.repeat(ONES[None], len(values), axis=0)
        thetas[:, k] = values
        expected = [(ALICE_Y - by_hand(t, ALICE_X)[0]) ** 2 for t in thetas]
        np.testing.assert_allclose(losses, expected, rtol=1e-12)
        tx, ty = tangent.get_data()
        slope = np.polyfit(tx, ty, 1)[0]
        assert slope == pytest.approx(alice_grads[name], abs=1e-7)
        assert dot.get_xydata().tolist() == [[ONES[k], pytest.approx(loss_at_start)]]
        assert ax.get_title() == f"∂L/∂{name} = {alice_grads[name]:.4f}"


def test_computational_graph_writes_every_number_in_its_place(alice_grads):
    fig = computational_graph(ONES, ALICE_X, ALICE_Y)
    (ax,) = fig.axes
    shown = {t.get_text(): t.get_position() for t in texts(fig)}
    h = sigmoid(-3.0)
    y_hat = by_hand(ONES, ALICE_X)[0]
    for value in (-2.0, -1.0, h, h, y_hat, (ALICE_Y - y_hat) ** 2):
        assert f"{value:.4f}" in shown
    # every weight's derivative sits on the arrow of that weight
    arrows = {(a.xyann, a.xy) for a in ax.texts if hasattr(a, "xyann")}
    edges = {"w1": ("x1", "h1"), "w2": ("x2", "h1"), "w3": ("x1", "h2"), "w4": ("x2", "h2"),
             "w5": ("h1", "o1"), "w6": ("h2", "o1")}
    for name, (start, end) in edges.items():
        label = f"{name}: {alice_grads[name]:+.4f}"
        assert label in shown, label
        (xa, ya), (xb, yb) = GRAPH_PLACES[start], GRAPH_PLACES[end]
        assert ((xa, ya), (xb, yb)) in arrows
        px, py = shown[label]
        cross = (xb - xa) * (py - ya) - (yb - ya) * (px - xa)
        assert abs(cross) < 1e-9 and min(xa, xb) < px < max(xa, xb), f"{label} is off its arrow"
    # the three biases: squares with arrows into their neurons, and their derivatives
    for bias, neuron in (("b1", "h1"), ("b2", "h2"), ("b3", "o1")):
        assert f"${bias[0]}_{bias[1]}$" in shown
        assert (GRAPH_PLACES[bias], GRAPH_PLACES[neuron]) in arrows
        assert f"∂L/∂{bias}\n{alice_grads[bias]:+.4f}" in shown
        assert f"δ = {alice_grads[bias]:+.4f}" in shown  # δ of a neuron = ∂L/∂ of its bias
    squares = [line for line in ax.get_lines() if line.get_marker() == "s"]
    assert len(squares) == 3
    assert f"∂L/∂ŷ\n{-2 * (ALICE_Y - y_hat):+.4f}" in shown


def test_computational_graph_puts_each_number_by_its_own_node():
    # a setting where no two neurons share a value, so a swap shows
    theta = np.array([0.5, -1.0, 1.5, 0.3, -0.7, 1.2, 0.1, -0.2, 0.3])
    x, y = (1.0, -0.5), 0.0
    grads = sympy_gradients(theta, x, y)
    fig = computational_graph(theta, x, y)
    shown = {t.get_text(): t.get_position() for t in texts(fig)}
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = theta
    values = {"h1": sigmoid(w1 * x[0] + w2 * x[1] + b1), "h2": sigmoid(w3 * x[0] + w4 * x[1] + b2),
              "o1": by_hand(theta, x)[0]}
    for (node, value), bias in zip(values.items(), ("b1", "b2", "b3")):
        nx, ny = GRAPH_PLACES[node]
        vx, vy = shown[f"{value:.4f}"]
        dx, dy = shown[f"δ = {grads[bias]:+.4f}"]  # δ of a neuron = ∂L/∂ of its bias
        assert vx == dx == nx and dy < vy < ny, f"{node}: value or δ not under it"
        bx, by = GRAPH_PLACES[bias]
        tx, ty = shown[f"∂L/∂{bias}\n{grads[bias]:+.4f}"]
        assert ty == by and bx - 0.5 < tx < bx, f"{bias}: derivative not beside its square"
    for name in ("w1", "w2", "w3", "w4", "w5", "w6"):
        assert f"{name}: {grads[name]:+.4f}" in shown


def test_backprop_view_bars_against_sympy():
    view = BackpropView()
    reference = np.mean([list(sympy_gradients(ONES, x, y).values()) for x, y in zip(PEOPLE_X, PEOPLE_Y)],
                        axis=0)
    np.testing.assert_allclose([bar.get_height() for bar in view.bars], reference, atol=1e-12)
    assert [rgb(bar.get_facecolor()) for bar in view.bars] == [
        rgb("tab:red") if g > 0 else rgb("tab:blue") for g in reference]


# --- Chapter 5 ---------------------------------------------------------------------------------

def test_walks_figure_draws_each_walk_on_its_bowl():
    paths = {}
    for title, lr in [("small", 0.02), ("right", 0.3), ("large", 1.02)]:
        w, path = -1.0, [-1.0]
        for _ in range(10):
            w = w - lr * 2 * (w - 3)
            path.append(w)
        paths[title] = path
    fig = walks_figure({k: np.array(v) for k, v in paths.items()}, lambda w: (w - 3.0) ** 2)
    for ax, (title, path) in zip(fig.axes, paths.items()):
        bowl, walk, start = ax.get_lines()
        x, y = bowl.get_data()
        np.testing.assert_allclose(y, (x - 3) ** 2)
        np.testing.assert_allclose(walk.get_xdata(), path)
        np.testing.assert_allclose(walk.get_ydata(), (np.array(path) - 3) ** 2)
        assert start.get_xydata().tolist() == [[-1.0, 16.0]]
        assert ax.get_title() == title


@pytest.fixture(scope="module")
def people_run():
    return train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), 0.1, 1000, seed=PEOPLE_SEED, batch_size=1)


def theta_of(params):
    (W1, b1), (W2, b2) = params
    return np.array([W1[0, 0], W1[1, 0], W1[0, 1], W1[1, 1], W2[0, 0], W2[1, 0], b1[0], b1[1], b2[0]])


def test_people_figure_shows_the_loss_and_the_plane(people_run):
    params, history = people_run
    fig = people_figure(history["loss"], params)
    ax_loss, ax_plane = fig.axes[:2]
    epochs, losses = ax_loss.get_lines()[0].get_data()
    np.testing.assert_array_equal(epochs, np.arange(0, 1001, 10))
    np.testing.assert_allclose(losses, history["loss"][::10])
    (image,) = [a for a in ax_plane.get_children() if isinstance(a, AxesImage)]
    X1, X2, points = plane_grid()
    # row i of the image is height X2[i], column j is weight X1[j]: a transpose fails here
    np.testing.assert_allclose(image.get_array(), by_hand(theta_of(params), points).reshape(X1.shape),
                               atol=1e-12)
    people = [line for line in ax_plane.get_lines() if line.get_marker() == "o"]
    for line, (x1, x2), label in zip(people, PEOPLE_X, PEOPLE_Y):
        assert line.get_xydata().tolist() == [[x1, x2]]
        assert rgb(line.get_color()) == rgb("tab:red" if label else "tab:blue")
    stars = [line.get_xydata()[0].tolist() for line in ax_plane.get_lines() if line.get_marker() == "*"]
    assert stars == NEW_X.tolist()


def test_batch_figure_legend_covers_no_curve():
    runs = {}
    for label, batch, lr in [("batch 1", 1, 0.1), ("batch 2", 2, 0.1), ("full", 4, 0.4)]:
        _, history = train_fast(PEOPLE_X, PEOPLE_Y, (2, 2, 1), lr, 50, seed=PEOPLE_SEED, batch_size=batch)
        runs[label] = (4 // batch, history["loss"], lr == 0.4)
    fig = batch_figure(runs)
    ax_epochs, ax_updates = fig.axes
    for line, (per_epoch, losses, dashed) in zip(ax_updates.get_lines(), runs.values()):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(51) * per_epoch)
        np.testing.assert_allclose(line.get_ydata(), losses)
        assert (line.get_linestyle() == "--") == dashed
    fig.canvas.draw()
    legend = fig.legends[0].get_window_extent()
    for ax in fig.axes:
        assert not legend.overlaps(ax.get_window_extent()), "the legend covers a panel"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(runs)


def test_xor_figure_maps_each_network_and_its_loss():
    single, single_history = train_fast(XOR_X, XOR_Y, (2, 1), 1.0, 300, seed=0, loss="bce")
    net, net_history = train_fast(XOR_X, XOR_Y, (2, 4, 1), 1.0, 300, seed=2, init="normal", loss="bce")
    fig = xor_figure({"one neuron": single, "2-4-1": net}, {"one": single_history["loss"],
                                                            "net": net_history["loss"]})
    maps = [ax for ax in fig.axes if ax.get_title() in ("one neuron", "2-4-1")]
    side = np.linspace(-0.5, 1.5, 100)
    S1, S2 = np.meshgrid(side, side)
    for ax, params in zip(maps, (single, net)):
        (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
        H = np.column_stack([S1.ravel(), S2.ravel()])
        for W, b in params:  # the forward pass written out
            H = sigmoid(H @ W + b)
        np.testing.assert_allclose(image.get_array(), H.reshape(S1.shape), atol=1e-12)
        points = ax.get_lines()
        assert [rgb(p.get_color()) for p in points] == [rgb("tab:red" if t else "tab:blue") for t in XOR_Y]
    (loss_ax,) = [ax for ax in fig.axes if ax.get_title() == "loss on XOR"]
    for line, losses in zip(loss_ax.get_lines(), (single_history["loss"], net_history["loss"])):
        np.testing.assert_allclose(line.get_ydata(), losses)


def test_letters_and_noisy_letter_figures():
    fig = letters_figure(LETTERS_X, LETTER_NAMES)
    rows = {"A": "..##..", "B": "#####.", "C": ".#####"}  # each letter's top row, from Chapter 5's grid
    for ax, name in zip(fig.axes, LETTER_NAMES):
        (image,) = ax.get_images()
        assert ax.get_title() == name and image.get_array().shape == (5, 6)
        assert "".join("#" if p else "." for p in image.get_array()[0]) == rows[name]
    noisy = LETTERS_X[1].copy()
    noisy[[0, 13]] = 1 - noisy[[0, 13]]
    outputs = np.array([0.2, 0.7, 0.4])
    fig = noisy_letter_figure(noisy, [0, 13], outputs, LETTER_NAMES)
    ax_img, ax_bar = fig.axes
    frames = sorted(tuple(p.get_xy()) for p in ax_img.patches)
    assert frames == [(-0.5, -0.5), (0.5, 1.5)]  # pixel 0 is (row 0, col 0); 13 is (row 2, col 1)
    np.testing.assert_allclose([bar.get_height() for bar in ax_bar.patches], outputs)
    assert [rgb(bar.get_facecolor()) for bar in ax_bar.patches] == [rgb("tab:grey"), rgb("tab:green"),
                                                                     rgb("tab:grey")]


def test_people_view_heat_map_is_not_transposed():
    view = PeopleTrainingView(lr=0.1, epochs=1000)
    params, _ = train(PEOPLE_X, PEOPLE_Y, (2, 2, 1), 0.1, 1000, seed=PEOPLE_SEED, batch_size=1)
    X1, X2, points = plane_grid()
    np.testing.assert_allclose(view.heat.get_array(), by_hand(theta_of(params), points).reshape(X1.shape),
                               atol=1e-12)


# --- legible everywhere ------------------------------------------------------------------------

def all_figures():
    params = init_params((2, 2, 1), np.random.default_rng(0))
    losses = np.linspace(1, 0.1, 101)
    xor_net = init_params((2, 4, 1), np.random.default_rng(0))
    yield "loss_slices", loss_slices(ONES, ALICE_X, ALICE_Y)
    yield "computational_graph", computational_graph(ONES, ALICE_X, ALICE_Y)
    yield "walks", walks_figure({"a": [0.0, 1.0], "b": [2.0, 3.0]}, lambda w: w ** 2)
    yield "people", people_figure(losses, params)
    yield "batch", batch_figure({"a": (1, losses, False), "b": (4, losses, True)})
    yield "xor", xor_figure({"a": xor_net, "b": xor_net}, {"a": losses})
    yield "letters", letters_figure(LETTERS_X, LETTER_NAMES)
    yield "noisy", noisy_letter_figure(LETTERS_X[0], [1], [0.1, 0.5, 0.2], LETTER_NAMES)
    for View in (BackpropView, PeopleTrainingView, LettersPlateauView):
        yield View.__name__, View().fig


@pytest.mark.parametrize("name, fig", list(all_figures()), ids=lambda v: v if isinstance(v, str) else "")
def test_smallest_text_is_at_least_10_px_in_the_column(name, fig):
    assert isinstance(fig, Figure)
    fig.canvas.draw()  # tick labels exist only once drawn
    assert smallest_text_px(fig) >= 10, f"{name}: smallest text {smallest_text_px(fig):.1f} px"


def test_figures_are_not_made_with_pyplot():
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    list(all_figures())
    assert plt.get_fignums() == before  # nothing piles up in pyplot's list of figures
