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
from ..plotting import at_least

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
    filled by their activation (blue near 0, red near 1) with their name and
    value printed inside; inputs filled by their value on the same colours
    over [−5, 5]. Next to each hidden and output neuron its bias and z.
    """

    POSITIONS = {"x1": (0.0, 0.7), "x2": (0.0, -0.7), "h1": (1.0, 0.7), "h2": (1.0, -0.7), "o": (2.0, 0.0)}
    EDGES = {"w1": ("x1", "h1"), "w2": ("x2", "h1"), "w3": ("x1", "h2"), "w4": ("x2", "h2"),
             "w5": ("h1", "o"), "w6": ("h2", "o")}
    LABEL_AT = {"w1": 0.5, "w2": 0.27, "w3": 0.27, "w4": 0.5, "w5": 0.5, "w6": 0.5}  # where on the edge
    # bias and z: under h1, over h2 (inside the diagram, clear of the layer names), under ŷ
    NOTE_AT = {"h1": (-0.3, "top"), "h2": (0.3, "bottom"), "o": (-0.3, "top")}
    FONT = 12  # points; the figures that hold a diagram are narrow enough for a phone to read it
    NAMES = {"x1": "x₁", "x2": "x₂", "h1": "h₁", "h2": "h₂", "o": "ŷ"}

    def __init__(self, ax, marker_size: float = 44, font: float = FONT):
        self.ax = ax
        self.font = font
        self.input_norm = Normalize(*PLANE)
        self.edges, self.weight_labels = {}, {}
        for name, (start, end) in self.EDGES.items():
            (xa, ya), (xb, yb) = self.POSITIONS[start], self.POSITIONS[end]
            (self.edges[name],) = ax.plot([xa, xb], [ya, yb], solid_capstyle="butt", zorder=1)
            t = self.LABEL_AT[name]
            self.weight_labels[name] = ax.text(xa + t * (xb - xa), ya + t * (yb - ya), "", ha="center",
                                               va="center", fontsize=font - 1, zorder=4,
                                               bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none"))
        self.nodes, self.values, self.notes = {}, {}, {}
        for name, (x, y) in self.POSITIONS.items():
            (self.nodes[name],) = ax.plot([x], [y], "o", ms=marker_size, mec="black", mew=1.2, zorder=3)
            self.values[name] = ax.text(x, y, "", ha="center", va="center", fontsize=font, zorder=5,
                                        linespacing=1.05)
            if name in self.NOTE_AT:
                dy, va = self.NOTE_AT[name]
                self.notes[name] = ax.text(x, y + dy, "", ha="center", va=va, fontsize=font - 1, zorder=5,
                                           linespacing=1.15)
        for x, layer in ((0.0, "input"), (1.0, "hidden"), (2.0, "output")):
            ax.text(x, -1.25, layer, ha="center", va="bottom", fontsize=font - 1, color="0.35")
        ax.set(xlim=(-0.3, 2.45), ylim=(-1.27, 1.2))
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
            self.values[name].set_text(f"{self.NAMES[name]}\n{value:.1f}")
        for name, z, h, b in (("h1", out["z1"][0], out["h"][0], weights_and_biases["b1"]),
                              ("h2", out["z1"][1], out["h"][1], weights_and_biases["b2"]),
                              ("o", out["z2"], out["y_hat"], weights_and_biases["b3"])):
            self._fill(name, h)
            self.values[name].set_text(f"{self.NAMES[name]}\n{h:.2f}")
            bias = {"h1": "b1", "h2": "b2", "o": "b3"}[name]
            self.notes[name].set_text(f"{bias} = {b:.1f}\nz = {z:.2f}")
        return out


class NetworkView(View):
    """Above: the 2-2-1 network with every weight, bias and activation drawn.
    Below: its output ŷ over the input plane, with the chosen input marked."""

    alt = ("Two panels. Above: a 2-2-1 network diagram; each edge is drawn wider for a larger weight, red "
           "for positive and blue for negative, and each neuron is filled by its activation, blue near 0 "
           "and red near 1, with its name and value printed inside and its bias and z beside it. Below: a "
           "heat map of the network's output over the input plane with the chosen input marked by a yellow dot.")

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
        # Diagram above, map below: a narrow figure, so that a phone shows its text readably.
        # 90 dpi: 558 px wide, which the page stretches to 684 px. At 110 dpi (unstretched) a move
        # took half as long again: the PNG's palette and encoding cost grows with every pixel.
        self.fig = figure(6.2, 5.45, ncols=1, dpi=90)[0]
        self.fig.clear()
        ax_net = self.fig.add_axes((0.0, 0.52, 1.0, 0.48))
        ax_map = self.fig.add_axes((0.18, 0.115, 0.52, 0.33))
        self.diagram = NetworkDiagram(ax_net, font=14, marker_size=48)
        grid = np.linspace(*PLANE, 60)
        X1, X2 = np.meshgrid(grid, grid)  # row i: x2 = grid[i]; column j: x1 = grid[j]
        self.grid = np.column_stack([X1.ravel(), X2.ravel()])
        self.heat = ax_map.imshow(np.zeros_like(X1), origin="lower", extent=(*PLANE, *PLANE), cmap=CMAP,
                                  vmin=0, vmax=1, aspect="auto", interpolation="bilinear")
        cax = self.fig.add_axes((0.73, 0.115, 0.03, 0.33))
        self.fig.colorbar(self.heat, cax=cax, label="output ŷ")
        (self.point,) = ax_map.plot([], [], "o", ms=11, color="yellow", mec="black", zorder=3)
        ax_map.set(xlim=PLANE, ylim=PLANE, xlabel="input x₁", ylabel="input x₂", xticks=range(-4, 5, 2),
                   yticks=range(-4, 5, 2))
        ax_map.set_title("ŷ over the input plane", fontsize=14)
        self.readout = ax_net.text(2.0, 0.33, "", ha="center", va="bottom", fontsize=13)
        self.moving = [*self.diagram.artists(), self.heat, self.point, self.readout]
        at_least(self.fig, 13)

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
        at_least(self.fig, 10)

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


# -- learning by nudging: the apple network, one finite difference per weight -------------------
APPLE_INPUT = (0.8, 0.2)  # colour and hardness of Chapter 2's ripe apple (label 1)
APPLE_WEIGHTS = dict(w1=0.9, w2=-0.5, w3=0.6, w4=0.3, w5=-0.8, w6=0.8)  # APPLE_W1, APPLE_W2 entry by entry
NO_BIASES = dict(b1=0.0, b2=0.0, b3=0.0)  # the apple network has none
NUDGE = 1e-4  # h of the central difference


def _apple_outputs(W, x1, x2):
    """ŷ of the apple network (no biases) for each row w1..w6 of W (m, 6): one forward pass per row."""
    h1 = sigmoid(W[:, 0] * x1 + W[:, 1] * x2)
    h2 = sigmoid(W[:, 2] * x1 + W[:, 3] * x2)
    return sigmoid(W[:, 4] * h1 + W[:, 5] * h2)


def nudge_slopes(weights, x1=APPLE_INPUT[0], x2=APPLE_INPUT[1], h=NUDGE):
    """Slope ∂ŷ/∂w of every weight by a central difference: two forward passes per weight.

    weights : dict w1..w6 (the biases stay 0). Returns (slopes, passes): a dict
    name → (ŷ(w + h) − ŷ(w − h)) / 2h and the number of forward passes it took.
    """
    if set(weights) != set(WEIGHT_NAMES):
        raise ValueError(f"expected the weights {list(WEIGHT_NAMES)}, got {sorted(weights)}")
    w = np.array([as_scalar(weights[name], name) for name in WEIGHT_NAMES])
    nudges = h * np.eye(len(w))
    # 12 forward passes, run side by side: row k is w with weight k nudged up (then down)
    outputs = _apple_outputs(np.vstack([w + nudges, w - nudges]), x1, x2)
    up, down = outputs[: len(w)], outputs[len(w):]
    slopes = dict(zip(WEIGHT_NAMES, (up - down) / (2 * h)))
    return slopes, len(outputs)


def nudging_path(lr, steps, start=APPLE_WEIGHTS):
    """The apple network after 0, 1, ..., ``steps`` nudging steps w ← w + lr·∂ŷ/∂w.

    Each step measures every weight's slope with :func:`nudge_slopes` and
    moves all six weights at once, uphill in ŷ (the apple is ripe: label 1).
    Returns W (steps+1, 6) in the order w1..w6, y_hat (steps+1,) and
    passes (steps+1,), the forward passes spent on slopes so far.
    """
    lr = as_scalar(lr, "lr")
    if lr <= 0:
        raise ValueError(f"expected a positive learning rate lr, got {lr}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"expected steps as a whole number ≥ 0, got {steps}")
    weights = {name: as_scalar(start[name], name) for name in WEIGHT_NAMES}
    W, y_hat, passes = [list(weights.values())], [], [0]
    for _ in range(int(steps)):
        y_hat.append(network_values(*APPLE_INPUT, **weights, **NO_BIASES)["y_hat"])
        slopes, cost = nudge_slopes(weights)
        weights = {name: w + lr * slopes[name] for name, w in weights.items()}
        W.append(list(weights.values()))
        passes.append(passes[-1] + cost)
    y_hat.append(network_values(*APPLE_INPUT, **weights, **NO_BIASES)["y_hat"])
    return np.array(W), np.array(y_hat), np.array(passes)


class NudgingView(View):
    """Left: the apple network's output ŷ after each nudging step. Right: the six weights at
    the start and after the chosen number of steps, with the forward passes it cost."""

    alt = ("Two panels. Left: the apple network's output after each learning-by-nudging step, a line "
           "of dots rising from just under 0.5 toward the label 1, with a dotted line at 0.5. Right: "
           "the six weights w1 to w6 as bars, grey at the start and coloured after the chosen number "
           "of steps, with the number of forward passes the steps cost in the title.")

    sliders = {
        "lr": Slider(0.01, 10.0, 1.0, 0.05, "learning rate η", log=True),
        "steps": Slider(0, 20, 1, 1, "steps", integer=True),
    }

    def build(self):
        self.fig, (ax_out, ax_w) = figure(8.4, 3.5, ncols=2)
        self.fig.subplots_adjust(left=0.09, right=0.98, bottom=0.15, top=0.87, wspace=0.3)
        steps_max = int(self.sliders["steps"].max)
        ax_out.axhline(0.5, color="grey", ls=":", lw=1)
        ax_out.text(steps_max, 0.51, "ripe above 0.5", ha="right", va="bottom", color="grey")
        (self.curve,) = ax_out.plot([], [], "-o", color="tab:purple", ms=4, lw=1.3)
        self.out_title = ax_out.set_title("")
        ax_out.set(xlim=(-0.5, steps_max + 0.5), ylim=(0.4, 1.02), xlabel="step", ylabel="output ŷ",
                   xticks=range(0, steps_max + 1, 5))

        places = np.arange(len(WEIGHT_NAMES))
        start = [APPLE_WEIGHTS[name] for name in WEIGHT_NAMES]
        ax_w.bar(places - 0.2, start, width=0.4, color="0.75", label="start")
        self.bars = ax_w.bar(places + 0.2, start, width=0.4, color="tab:purple", label="now")
        self.w_title = ax_w.set_title("")
        ax_w.axhline(0, color="black", lw=0.6)
        # fixed limits that hold the weights after every setting of the sliders
        every = np.concatenate([nudging_path(rate, steps_max)[0] for rate in self.sliders["lr"].values(9)])
        low, high = min(every.min(), 0), max(every.max(), 0)
        pad = 0.08 * (high - low)
        ax_w.set(xticks=places, xticklabels=WEIGHT_NAMES, ylim=(low - pad, high + pad), ylabel="weight")
        ax_w.legend(loc="upper left", ncols=2)
        self.moving = [self.curve, self.out_title, *self.bars, self.w_title]
        at_least(self.fig, 10.5)

    def draw(self, lr, steps):
        W, y_hat, passes = nudging_path(lr, steps)
        self.curve.set_data(np.arange(len(y_hat)), y_hat)
        self.out_title.set_text(f"ŷ {y_hat[0]:.3f} → {y_hat[-1]:.3f} after {steps} step{'' if steps == 1 else 's'}")
        for bar, w in zip(self.bars, W[-1]):
            bar.set_height(w)
        self.w_title.set_text(f"the six weights: {passes[-1]} forward passes")
