"""Chapter 7's figures: a graph of Values with each node's value and gradient, and its slider.

:class:`GraphDrawing` lays out any small graph of :class:`nnlib.autograd.Value`
(inputs on the left, the output on the right) and writes each node's value in
black above it and its gradient in red below it. :func:`graph_figure` draws one
still figure with it; :class:`AutogradView` redraws Alice's network (Chapter 4)
as a slider moves one input or weight.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from ..autograd import Value, topological_order
from ..checks import as_scalar
from ..data import PEOPLE_X, PEOPLE_Y
from ..live import Slider, View, figure
from .ch2_feedforward import BIAS_NAMES, WEIGHT_NAMES
from .ch4_backprop import BackpropView

DPI = 100  # the notebooks' still figures are saved at 100 dots per inch
RED = "tab:red"
ALICE_X, ALICE_Y = PEOPLE_X[0], PEOPLE_Y[0]
"""Alice, the first of the four people (Chapter 3): her two inputs and her target."""
ALICE_START = {**{name: BackpropView.sliders[name].value for name in WEIGHT_NAMES},
               **dict.fromkeys(BIAS_NAMES, 0.0)}
"""Chapter 4's starting point: every weight at its slider's start (1) and every bias 0."""


def alice_loss(x1, x2, y, w1, w2, w3, w4, w5, w6, b1, b2, b3):
    """Alice's squared error (y − ŷ)² for the 2-2-1 network of Chapter 4, built from Values.

    Every argument becomes a labelled leaf Value. Returns ``(L, leaves)``,
    ``leaves`` a dict name → Value (x1, x2, y, w1 … b3), for ``L.backward()``.
    """
    given = dict(x1=x1, x2=x2, y=y, w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, w6=w6, b1=b1, b2=b2, b3=b3)
    v = {name: Value(as_scalar(number, name), label=name) for name, number in given.items()}
    h1 = (v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b1"]).sigmoid()
    h2 = (v["w3"] * v["x1"] + v["w4"] * v["x2"] + v["b2"]).sigmoid()
    y_hat = (v["w5"] * h1 + v["w6"] * h2 + v["b3"]).sigmoid()
    h1.label, h2.label, y_hat.label = "h1", "h2", "ŷ"
    L = (v["y"] - y_hat) ** 2
    L.label = "L"
    return L, v


def layout(root: Value) -> dict[int, tuple[float, float]]:
    """Where to draw each Value of ``root``'s graph: ``id(value) → (column, row)``.

    A Value's column is one more than its inputs' largest; an input sits one
    column before the first Value that uses it. Rows are filled from the
    output back: each Value near the mean row of the Values that use it,
    one row apart at least, in the order the operations list their inputs.
    """
    order = topological_order(root)
    users: dict[int, list[tuple[Value, int]]] = {id(n): [] for n in order}
    column = {}
    for node in order:
        for k, child in enumerate(node.inputs):
            users[id(child)].append((node, k))
        column[id(node)] = 1 + max((column[id(c)] for c in node.inputs), default=-1)
    for node in order:
        if not node.inputs and users[id(node)]:
            column[id(node)] = min(column[id(u)] for u, _ in users[id(node)]) - 1
    row = {id(root): 0.0}
    for c in range(column[id(root)] - 1, -1, -1):
        nodes = [n for n in order if column[id(n)] == c]
        wish = {id(n): (np.mean([row[id(u)] for u, _ in users[id(n)]]), users[id(n)][0][1]) for n in nodes}
        nodes.sort(key=lambda n: wish[id(n)])
        rows = []
        for n in nodes:
            rows.append(wish[id(n)][0] if not rows else max(wish[id(n)][0], rows[-1] + 1.0))
        shift = np.mean([wish[id(n)][0] - r for n, r in zip(nodes, rows)])
        row.update({id(n): r + shift for n, r in zip(nodes, rows)})
    return {id(n): (float(column[id(n)]), row[id(n)]) for n in order}


def node_name(node: Value) -> str:
    """What a node shows inside: its label as maths (w1 → w₁), else its operation, else its number."""
    if node.label:
        head, tail = node.label[0], node.label[1:]
        return f"${head}_{{{tail}}}$" if tail.isdigit() else node.label
    return node.op or f"{node.data:g}"


class GraphDrawing:
    """``root``'s graph drawn on ``ax``: the structure once, the numbers by :meth:`show`.

    Leaves (inputs, weights, biases, constants) are grey squares, operations
    white circles; above each node its value (black), below it its gradient
    ∂(output)/∂(node) in red. ``highlight`` names leaves to fill in gold.
    """

    def __init__(self, ax, root: Value, font: float = 10, size: float = 19, highlight=()):
        self.ax, self.places = ax, layout(root)
        order = topological_order(root)
        columns = max(x for x, _ in self.places.values()) + 1
        rows = [y for _, y in self.places.values()]
        for node in order:
            xb, yb = self.places[id(node)]
            for child in node.inputs:
                xa, ya = self.places[id(child)]
                ax.annotate("", xy=(xb, yb), xytext=(xa, ya), zorder=1, arrowprops=dict(
                    arrowstyle="-|>", color="0.55", lw=1.0, shrinkA=size / 2, shrinkB=size / 2,
                    mutation_scale=9))
        self.values, self.grads, self.leaves = [], [], []
        for node in order:
            x, y = self.places[id(node)]
            leaf = not node.inputs
            self.leaves.append(node.label if leaf else None)
            name = node_name(node) if leaf or not node.label else node.op
            wide = 1.3 if len(name) > 2 and not name.startswith("$") else 1.0  # exp, log, tanh, **2
            fill = "gold" if node.label in highlight else ("0.9" if leaf else "white")
            ax.plot(x, y, "s" if leaf else "o", ms=size * wide, mfc=fill, mec="black", mew=1.0, zorder=2)
            ax.text(x, y, name, ha="center", va="center", fontsize=font * (0.9 if wide > 1 else 1), zorder=3)
            gap = size * wide / 2 + 1  # points from the node's centre to its texts
            for texts, dy, va, color in ((self.values, gap, "bottom", "black"), (self.grads, -gap, "top", RED)):
                shift = ax.transData + ScaledTranslation(0, dy / 72, ax.figure.dpi_scale_trans)
                texts.append(ax.text(x, y, "", transform=shift, ha="center", va=va, fontsize=font,
                                     color=color, zorder=3))
        ax.set(xlim=(-0.6, columns - 0.4), ylim=(max(rows) + 0.7, min(rows) - 0.7))
        ax.set_axis_off()

    def artists(self, fixed=()):
        """The texts :meth:`show` changes, except the values of the leaves named in ``fixed``."""
        return [*(t for t, leaf in zip(self.values, self.leaves) if leaf is None or leaf not in fixed),
                *self.grads]

    def show(self, root: Value, digits: int = 4):
        """Write the values and gradients of ``root``'s graph (the same structure as drawn)."""
        order = topological_order(root)
        if len(order) != len(self.values):
            raise ValueError(f"expected a graph of {len(self.values)} Values as drawn, got {len(order)}")
        for node, value, grad in zip(order, self.values, self.grads):
            value.set_text(f"{node.data:.{digits}f}")
            small = abs(node.grad) < 0.5 * 10.0**-digits  # would print as ±0.0000
            grad.set_text(f"{0:.{digits}f}" if small else f"{node.grad:+.{digits}f}")


def graph_figure(root: Value, width: float = 6.8, height: float = 4.6, title: str = "", highlight=(),
                 digits: int = 4):
    """A still figure of ``root``'s graph, values in black and gradients in red (call backward first),
    each with ``digits`` decimals."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0.0, 0.0, 1.0, 0.9 if title else 1.0))
    drawing = GraphDrawing(ax, root, font=9, size=17, highlight=highlight)
    drawing.show(root, digits)
    if title:
        fig.suptitle(title, fontsize=10, y=0.99)
    fig.drawing = drawing  # what the figure shows, for the tests
    return fig


class AutogradView(View):
    """Alice's network as a graph of Values: drag her input x₁ or the weight w₁ or w₅, and every
    value (black, the forward pass) and every gradient ∂L/∂value (red, the backward pass) is redone."""

    alt = ("A computational graph of Alice's 2-2-1 network, inputs and weights on the left as squares, "
           "operations as circles, the loss on the right. Above every node its value, below it in red the "
           "derivative of the loss with respect to it; the three nodes the sliders move (x1, w1 and w5) are "
           "gold. A title gives the output and the loss.")

    sliders = {
        "x1": Slider(-3.0, 3.0, float(ALICE_X[0]), 0.1, "Alice's input x₁"),
        "w1": Slider(-3.0, 3.0, ALICE_START["w1"], 0.1, "weight w₁"),
        "w5": Slider(-3.0, 3.0, ALICE_START["w5"], 0.1, "weight w₅"),
    }

    def build(self):
        self.fig, ax = figure(9.6, 5.4)
        self.fig.subplots_adjust(left=0.0, right=1.0, bottom=0.0, top=0.92)
        L, _ = self.loss(**self.values)
        self.drawing = GraphDrawing(ax, L, font=10, highlight=tuple(self.sliders))
        self.title = self.fig.suptitle("", fontsize=11, y=0.975)
        # a leaf's value changes only when its slider moves: the others are drawn once
        fixed = [leaf for leaf in self.drawing.leaves if leaf and leaf not in self.sliders]
        self.moving = [*self.drawing.artists(fixed), self.title]

    @staticmethod
    def loss(x1, w1, w5):
        L, leaves = alice_loss(x1, ALICE_X[1], ALICE_Y, **{**ALICE_START, "w1": w1, "w5": w5})
        L.backward()
        return L, leaves

    def draw(self, x1, w1, w5):
        L, leaves = self.loss(x1, w1, w5)
        self.drawing.show(L)
        y_hat = L.inputs[0].inputs[1].data  # L = (y − ŷ)²
        self.title.set_text(f"black: values, forward    red: ∂L/∂value, backward    "
                            f"ŷ = {y_hat:.4f}, L = {L.data:.4f}")
