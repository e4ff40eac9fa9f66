"""Chapter 2's sliders: a 2-2-1 network you can see, and softmax against two sigmoids.

The nine parameters of the 2-2-1 network are named as in Chapter 2:
h1 = σ(w1·x1 + w2·x2 + b1), h2 = σ(w3·x1 + w4·x2 + b2),
ŷ = σ(w5·h1 + w6·h2 + b3). In matrix form W1 = [[w1, w3], [w2, w4]]
(row i is input x_i, column j is hidden neuron h_j) and W2 = [[w5], [w6]].
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from ..activations import sigmoid
from ..checks import as_scalar
from ..live import Slider, View, figure
from ..network import forward, softmax

WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6")
BIAS_NAMES = ("b1", "b2", "b3")
PLANE = (-5.0, 5.0)  # the input plane of the heat map, for x1 and x2 alike
POSITIVE, NEGATIVE = "#d62728", "#1f77b4"  # edge colours: red for w > 0, blue for w < 0
CMAP = colormaps["coolwarm"]


def params_221(w1, w2, w3, w4, w5, w6, b1=0.0, b2=0.0, b3=0.0):
    """The nine numbers of a 2-2-1 network as ``[(W1, b1), (W2, b2)]`` for :func:`nnlib.network.forward`.

    W1 is (2, 2) with column j holding hidden neuron h_j's two weights:
    W1 = [[w1, w3], [w2, w4]]; b1 = (b1, b2); W2 = [[w5], [w6]]; b2 = (b3,).
    """
    w = [as_scalar(v, name) for v, name in zip((w1, w2, w3, w4, w5, w6), WEIGHT_NAMES)]
    b = [as_scalar(v, name) for v, name in zip((b1, b2, b3), BIAS_NAMES)]
    W1 = np.array([[w[0], w[2]], [w[1], w[3]]])
    W2 = np.array([[w[4]], [w[5]]])
    return [(W1, np.array(b[:2])), (W2, np.array(b[2:]))]


def network_values(x1, x2, **weights_and_biases):
    """Every number the diagram shows for one input: a dict with
    ``z1`` (2,), ``h`` (2,), ``z2`` (a float) and ``y_hat`` (a float).

    ``weights_and_biases`` are w1..w6 and b1..b3 as in :func:`params_221`.
    """
    expected = set(WEIGHT_NAMES + BIAS_NAMES)
    if set(weights_and_biases) != expected:
        raise ValueError(f"expected the parameters {sorted(expected)}, got {sorted(weights_and_biases)}")
    y_hat, cache = forward([as_scalar(x1, "x1"), as_scalar(x2, "x2")], params_221(**weights_and_biases))
    return {"z1": cache["Z"][0][0], "h": cache["H"][1][0], "z2": float(cache["Z"][1][0, 0]),
            "y_hat": float(y_hat[0, 0])}


def edge_style(w, max_width: float = 9.0):
    """Line width and colour of an edge of weight ``w``: wider for larger |w|, red if w > 0, blue if w < 0."""
    w = as_scalar(w, "w")
    width = min(0.6 + 1.6 * abs(w), max_width)
    if w > 0:
        return width, POSITIVE
    if w < 0:
        return width, NEGATIVE
    return width, "0.75"  # a zero weight: a thin grey line


def text_color(fill) -> str:
    """Black or white, whichever reads better on the RGBA colour ``fill``."""
    r, g, b = fill[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


class NetworkDiagram:
    """A 2-2-1 network drawn on ``ax``, updated in place by :meth:`show`.

    Edges: width by |weight|, red for positive, blue for negative. Neurons:
    filled by their activation (blue near 0, red near 1) with the value
    printed inside; inputs filled by their value on the same colours over
    [−5, 5]. Under each neuron its bias and z.
    """

    POSITIONS = {"x1": (0.0, 0.6), "x2": (0.0, -0.6), "h1": (1.0, 0.6), "h2": (1.0, -0.6), "o": (2.0, 0.0)}
    EDGES = {"w1": ("x1", "h1"), "w2": ("x2", "h1"), "w3": ("x1", "h2"), "w4": ("x2", "h2"),
             "w5": ("h1", "o"), "w6": ("h2", "o")}
    LABEL_AT = {"w1": 0.5, "w2": 0.25, "w3": 0.25, "w4": 0.5, "w5": 0.5, "w6": 0.5}  # where on the edge
    FONT = 10  # points; at least 9-10 pt at the page's scale, whatever the figure
    NAMES = {"x1": "x₁", "x2": "x₂", "h1": "h₁", "h2": "h₂", "o": "ŷ"}

    def __init__(self, ax, marker_size: float = 36):
        self.ax = ax
        self.input_norm = Normalize(*PLANE)
        self.edges, self.weight_labels = {}, {}
        for name, (start, end) in self.EDGES.items():
            (xa, ya), (xb, yb) = self.POSITIONS[start], self.POSITIONS[end]
            (self.edges[name],) = ax.plot([xa, xb], [ya, yb], solid_capstyle="butt", zorder=1)
            t = self.LABEL_AT[name]
            self.weight_labels[name] = ax.text(xa + t * (xb - xa), ya + t * (yb - ya), "", ha="center",
                                               va="center", fontsize=self.FONT - 0.5, zorder=4,
                                               bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none"))
        self.nodes, self.values, self.notes = {}, {}, {}
        for name, (x, y) in self.POSITIONS.items():
            (self.nodes[name],) = ax.plot([x], [y], "o", ms=marker_size, mec="black", mew=1.2, zorder=3)
            self.values[name] = ax.text(x, y, "", ha="center", va="center", fontsize=self.FONT, zorder=5)
            ax.text(x, y + 0.3, self.NAMES[name], ha="center", va="bottom", fontsize=self.FONT + 1, zorder=5)
            if name.startswith(("h", "o")):
                self.notes[name] = ax.text(x, y - 0.3, "", ha="center", va="top", fontsize=self.FONT - 0.5,
                                           zorder=5)
        for x, layer in ((0.0, "input layer"), (1.0, "hidden layer"), (2.0, "output layer")):
            ax.text(x, -1.3, layer, ha="center", va="bottom", fontsize=self.FONT - 0.5, color="0.35")
        ax.text(2.0, -0.78, "red edge: w > 0\nblue edge: w < 0\nfill: 0 blue … 1 red",
                ha="center", va="top", fontsize=self.FONT - 1, color="0.35", linespacing=1.1)
        ax.set(xlim=(-0.35, 2.45), ylim=(-1.32, 1.05))
        ax.set_axis_off()

    def artists(self):
        """Everything :meth:`show` changes."""
        return [*self.edges.values(), *self.weight_labels.values(), *self.nodes.values(),
                *self.values.values(), *self.notes.values()]

    def _fill(self, name, value, norm=None):
        fill = CMAP(norm(value) if norm else value)
        self.nodes[name].set_markerfacecolor(fill)
        self.values[name].set_color(text_color(fill))

    def show(self, x1, x2, **weights_and_biases):
        """Draw the network for input (x1, x2) and parameters w1..w6, b1..b3; returns :func:`network_values`."""
        out = network_values(x1, x2, **weights_and_biases)
        for name, line in self.edges.items():
            w = weights_and_biases[name]
            width, color = edge_style(w)
            line.set_linewidth(width)
            line.set_color(color)
            self.weight_labels[name].set_text(f"{name} = {w:.1f}")
        for name, value in (("x1", x1), ("x2", x2)):
            self._fill(name, value, self.input_norm)
            self.values[name].set_text(f"{value:.2f}")
        for name, z, h, b in (("h1", out["z1"][0], out["h"][0], weights_and_biases["b1"]),
                              ("h2", out["z1"][1], out["h"][1], weights_and_biases["b2"]),
                              ("o", out["z2"], out["y_hat"], weights_and_biases["b3"])):
            self._fill(name, h)
            self.values[name].set_text(f"{h:.3f}")
            bias = {"h1": "b1", "h2": "b2", "o": "b3"}[name]
            self.notes[name].set_text(f"{bias} = {b:.1f}\nz = {z:.2f}")
        return out


class NetworkView(View):
    """Left: the 2-2-1 network with every weight, bias and activation drawn.
    Right: its output ŷ over the input plane, with the chosen input marked."""

    alt = ("Two panels. Left: a 2-2-1 network diagram; each edge is drawn wider for a larger weight, red "
           "for positive and blue for negative, and each neuron is filled by its activation, blue near 0 "
           "and red near 1, with the value printed inside and its bias and z below. Right: a heat map of "
           "the network's output over the input plane with the chosen input marked by a yellow dot.")

    sliders = {
        **{name: Slider(-5, 5, value, 0.1, f"w{name[1]}: {link}") for name, value, link in (
            ("w1", 0.0, "x₁→h₁"), ("w2", 1.0, "x₂→h₁"), ("w3", 0.0, "x₁→h₂"),
            ("w4", 1.0, "x₂→h₂"), ("w5", 0.0, "h₁→ŷ"), ("w6", 1.0, "h₂→ŷ"))},
        "b1": Slider(-5, 5, 0.0, 0.1, "b1 (h₁)"),
        "b2": Slider(-5, 5, 0.0, 0.1, "b2 (h₂)"),
        "b3": Slider(-5, 5, 0.0, 0.1, "b3 (ŷ)"),
        "x1": Slider(-5, 5, 2.0, 0.1, "input x₁"),
        "x2": Slider(-5, 5, 3.0, 0.1, "input x₂"),
    }

    def build(self):
        self.fig = figure(9.0, 3.6, ncols=1)[0]
        self.fig.clear()
        ax_net = self.fig.add_axes((0.0, 0.01, 0.58, 0.98))
        ax_map = self.fig.add_axes((0.655, 0.15, 0.25, 0.74))
        self.diagram = NetworkDiagram(ax_net)
        grid = np.linspace(*PLANE, 60)
        X1, X2 = np.meshgrid(grid, grid)
        self.grid = np.column_stack([X1.ravel(), X2.ravel()])
        self.heat = ax_map.imshow(np.zeros_like(X1), origin="lower", extent=(*PLANE, *PLANE), cmap=CMAP,
                                  vmin=0, vmax=1, aspect="auto", interpolation="bilinear")
        self.fig.colorbar(self.heat, ax=ax_map, fraction=0.06, pad=0.03, label="output ŷ")
        (self.point,) = ax_map.plot([], [], "o", ms=9, color="yellow", mec="black", zorder=3)
        ax_map.set(xlim=PLANE, ylim=PLANE, xlabel="input x₁", ylabel="input x₂", xticks=range(-4, 5, 2),
                   yticks=range(-4, 5, 2))
        ax_map.set_title("ŷ over the input plane", fontsize=11)
        self.readout = ax_net.text(2.0, 1.0, "", ha="center", va="top", fontsize=11, family="monospace")
        self.moving = [*self.diagram.artists(), self.heat, self.point, self.readout]

    def draw(self, x1, x2, **weights_and_biases):
        out = self.diagram.show(x1, x2, **weights_and_biases)
        y_hat, _ = forward(self.grid, params_221(**weights_and_biases))
        self.heat.set_data(y_hat.reshape(self.heat.get_array().shape))
        self.point.set_data([x1], [x2])
        self.readout.set_text(f"ŷ = {out['y_hat']:.4f}")


def two_class_outputs(z1, z2):
    """Softmax of the logits (z1, z2) next to two independent sigmoids σ(z1), σ(z2).

    Returns a dict with ``softmax`` (2,), summing to 1, and ``sigmoids`` (2,), whose sum can be anything in (0, 2).
    """
    z = np.array([as_scalar(z1, "z1"), as_scalar(z2, "z2")])
    return {"softmax": softmax(z), "sigmoids": sigmoid(z)}


class SoftmaxView(View):
    """Left: two classes' probabilities from softmax, and from two separate sigmoids.
    Right: p1 against z1 with z2 held: softmax's p1 is σ(z1 − z2)."""

    alt = ("Two panels. Left: bars for class 1 and class 2, softmax probabilities in one colour and two "
           "independent sigmoid outputs in another, with the sum of each pair printed. Right: the softmax "
           "probability of class 1 as z1 varies with z2 held, a sigmoid curve shifted to z1 = z2, next to "
           "the plain sigmoid of z1, with the current z1 marked on both.")

    sliders = {
        "z1": Slider(-6, 6, 0.0, 0.1, "logit z₁ (class 1)"),
        "z2": Slider(-6, 6, -3.9, 0.1, "logit z₂ (class 2)"),
        "c": Slider(-4, 4, 0.0, 0.1, "add c to both"),
    }

    def build(self):
        self.fig, (ax_bars, ax_curve) = figure(9.0, 3.4, ncols=2)
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.87, wspace=0.28)
        places = np.arange(2)
        self.soft_bars = ax_bars.bar(places - 0.18, [0, 0], width=0.34, color="tab:purple", label="softmax")
        self.sig_bars = ax_bars.bar(places + 0.18, [0, 0], width=0.34, color="tab:green", label="two sigmoids")
        self.bar_labels = [ax_bars.text(x, 0, "", ha="center", va="bottom", fontsize=9)
                           for x in (-0.18, 0.82, 0.18, 1.18)]
        self.sums = ax_bars.text(0.5, 1.2, "", ha="center", va="top", fontsize=9, family="monospace")
        ax_bars.set(xticks=places, xticklabels=["class 1", "class 2"], ylim=(0, 1.25), ylabel="probability",
                    xlim=(-0.6, 1.6), title="two classes' outputs")
        ax_bars.axhline(1.0, color="grey", lw=0.8, ls=":")
        ax_bars.legend(loc="center right", fontsize=9)

        z = np.linspace(-10, 10, 200)
        self.z = z
        (self.sig_curve,) = ax_curve.plot(z, sigmoid(z), color="tab:green", lw=1.5, label="σ(z₁) alone")
        (self.soft_curve,) = ax_curve.plot([], [], color="tab:purple", lw=2, label="softmax p₁ = σ(z₁ − z₂)")
        (self.sig_dot,) = ax_curve.plot([], [], "o", color="tab:green", ms=8, mec="black")
        (self.soft_dot,) = ax_curve.plot([], [], "o", color="tab:purple", ms=8, mec="black")
        ax_curve.set(xlim=(-10, 10), ylim=(-0.05, 1.05), xlabel="z₁ (after adding c)", ylabel="p₁",
                     title="class 1's probability as z₁ moves")
        ax_curve.legend(loc="upper left", fontsize=9)
        self.moving = [*self.soft_bars, *self.sig_bars, *self.bar_labels, self.sums, self.soft_curve,
                       self.sig_dot, self.soft_dot]

    def draw(self, z1, z2, c):
        z1, z2 = z1 + c, z2 + c
        out = two_class_outputs(z1, z2)
        for bars, values in ((self.soft_bars, out["softmax"]), (self.sig_bars, out["sigmoids"])):
            for bar, v in zip(bars, values):
                bar.set_height(v)
        for label, v in zip(self.bar_labels, [*out["softmax"], *out["sigmoids"]]):
            label.set_y(v + 0.01)
            label.set_text(f"{v:.3f}")
        self.sums.set_text(f"softmax sum = {out['softmax'].sum():.3f}   sigmoids sum = {out['sigmoids'].sum():.3f}")
        self.soft_curve.set_data(self.z, sigmoid(self.z - z2))
        shown = float(np.clip(z1, -10, 10))
        self.sig_dot.set_data([shown], [out["sigmoids"][0]])
        self.soft_dot.set_data([shown], [out["softmax"][0]])
