"""Chapter 1's sliders: what one neuron computes, and how it learns."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, sigmoid_prime
from ..checks import as_features, as_float_array
from ..live import Slider, View, figure
from ..plotting import at_least

PLANE = (-5.0, 5.0)  # the input plane shown, for x1 and x2 alike


def line_in_box(w1, w2, b, lo=PLANE[0], hi=PLANE[1]):
    """End points of the line w1·x1 + w2·x2 + b = 0 inside the square [lo, hi]²,
    as ([x1a, x1b], [x2a, x2b]); empty lists when it misses the square or w = 0."""
    points = []
    if abs(w2) > 1e-12:  # crossings of the left and right edges
        for x1 in (lo, hi):
            x2 = -(w1 * x1 + b) / w2
            if lo <= x2 <= hi:
                points.append((x1, x2))
    if abs(w1) > 1e-12:  # crossings of the bottom and top edges
        for x2 in (lo, hi):
            x1 = -(w2 * x2 + b) / w1
            if lo <= x1 <= hi:
                points.append((x1, x2))
    if len(points) < 2:
        return [], []
    points.sort()
    (a1, a2), (b1, b2) = points[0], points[-1]
    return [a1, b1], [a2, b2]


class NeuronView(View):
    """Left: the neuron's output σ(w1·x1 + w2·x2 + b) over the input plane, with
    its 0.5 line and one chosen input. Right: the same input's z on the sigmoid."""

    alt = ("Two panels. Left: a heat map of one sigmoid neuron's output over the input plane, "
           "red near 1 and blue near 0, with a black line where the output is 0.5 and a yellow dot "
           "at the chosen input. Right: the sigmoid curve with the chosen input's z marked on it.")

    sliders = {
        "w1": Slider(-5, 5, 0.0, 0.1, "w₁"),
        "w2": Slider(-5, 5, 1.0, 0.1, "w₂"),
        "b": Slider(-10, 10, 4.0, 0.1, "b"),
        "x1": Slider(-5, 5, 2.0, 0.1, "input x₁"),
        "x2": Slider(-5, 5, 3.0, 0.1, "input x₂"),
    }

    def build(self):
        self.fig, (self.ax_plane, self.ax_curve) = figure(8.4, 3.4, ncols=2)
        self.fig.subplots_adjust(left=0.07, right=0.97, bottom=0.16, top=0.88, wspace=0.32)
        grid = np.linspace(*PLANE, 120)
        self.X1, self.X2 = np.meshgrid(grid, grid)
        ax = self.ax_plane
        self.heat = ax.imshow(np.zeros_like(self.X1), origin="lower", extent=(*PLANE, *PLANE),
                              cmap="coolwarm", vmin=0, vmax=1, aspect="auto")
        self.fig.colorbar(self.heat, ax=ax, fraction=0.05, pad=0.02, label="output σ(z)")
        (self.boundary,) = ax.plot([], [], color="black", lw=2, label="σ(z) = 0.5")
        (self.point,) = ax.plot([], [], "o", ms=9, color="yellow", mec="black", zorder=3, label="chosen input")
        ax.set(xlim=PLANE, ylim=PLANE, xlabel="input x₁", ylabel="input x₂", title="output over the input plane")
        ax.legend(loc="lower left", fontsize=8, framealpha=0.8)

        ax = self.ax_curve
        z = np.linspace(-12, 12, 300)
        ax.plot(z, sigmoid(z), color="tab:blue", label="σ(z)")
        ax.plot(z, (z > 0).astype(float), color="grey", ls="--", lw=1, label="step (perceptron)")
        (self.dot,) = ax.plot([], [], "o", ms=9, color="yellow", mec="black", zorder=3)
        self.readout = ax.text(0.03, 0.95, "", transform=ax.transAxes, va="top", fontsize=10, family="monospace")
        ax.set(xlim=(-12, 12), ylim=(-0.05, 1.05), xlabel="z = w·x + b", ylabel="output",
               title="the chosen input on the sigmoid")
        ax.legend(loc="lower right", fontsize=8)
        self.moving = [self.heat, self.boundary, self.point, self.dot, self.readout]
        at_least(self.fig, 10)  # 11 px or more where the page shows the figure 684 px wide

    def draw(self, w1, w2, b, x1, x2):
        self.heat.set_data(sigmoid(w1 * self.X1 + w2 * self.X2 + b))
        self.boundary.set_data(*line_in_box(w1, w2, b))
        self.point.set_data([x1], [x2])
        z = w1 * x1 + w2 * x2 + b
        shown = float(np.clip(z, -12, 12))  # keep the dot on the axes; the text gives the true z
        y = float(sigmoid(z))
        self.dot.set_data([shown], [y])
        self.readout.set_text(f"z = {z:.2f}\nσ(z) = {y:.4f}")


# Six labelled points: label 1 up and to the left, label 0 down and to the right.
LEARN_X = np.array([[-3.0, 1.0], [-1.0, 2.0], [1.5, 2.5], [2.0, 0.0], [-2.0, -2.0], [3.0, 1.0]])
LEARN_Y = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
LEARN_START = (np.array([1.0, -1.0]), 0.0)  # a start that gets five of the six points wrong


def learning_path(lr, steps, X=LEARN_X, y=LEARN_Y, start=LEARN_START):
    """Weights, biases and outputs after 0, 1, ..., ``steps`` nudges of one sigmoid neuron.

    Each nudge is w ← w + lr·mean[(y − ŷ)·σ′(z)·x] and b ← b + lr·mean[(y − ŷ)·σ′(z)]:
    move each weight in proportion to the error, to the neuron's slope
    σ′(z) there, and to the input that weight multiplies, averaged over the
    examples.

    X : (n, 2) inputs, y : (n,) labels 0 or 1.
    Returns W (steps+1, 2), B (steps+1,), Y_hat (steps+1, n).
    """
    X, y = as_features(X, 2, "X"), as_float_array(y, "y")
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"expected X of shape (n, 2) and y of shape (n,), got {X.shape} and {y.shape}")
    w, b = np.array(start[0], dtype=float), float(start[1])
    W, B, Y_hat = [w.copy()], [b], []
    for _ in range(steps):
        z = X @ w + b
        y_hat = sigmoid(z)
        Y_hat.append(y_hat)
        push = (y - y_hat) * sigmoid_prime(z)  # (n,): how much, and which way, each example pulls
        w = w + lr * push @ X / len(y)
        b = b + lr * push.mean()
        W.append(w.copy())
        B.append(b)
    Y_hat.append(sigmoid(X @ w + b))
    return np.array(W), np.array(B), np.array(Y_hat)


class NeuronLearningView(View):
    """One sigmoid neuron nudged toward six labelled points.

    Left: the points and the neuron's 0.5 line now. Middle: the path of
    (w1, w2), one dot per step. Right: each point's output, step by step."""

    alt = ("Three panels. Left: six labelled points and the neuron's 0.5 line after the chosen number "
           "of learning steps. Middle: the path of the two weights, one dot per step. Right: each "
           "point's output over the steps, red lines for label 1 and blue for label 0.")

    sliders = {
        "lr": Slider(0.01, 30.0, 1.0, 0.05, "learning rate η", log=True),
        "steps": Slider(0, 60, 20, 1, "steps", integer=True),
    }

    def build(self):
        self.fig, (self.ax_data, self.ax_path, self.ax_out) = figure(9.6, 3.6, ncols=3)
        self.fig.subplots_adjust(left=0.06, right=0.98, bottom=0.17, top=0.86, wspace=0.34)
        colors = np.where(LEARN_Y == 1, "tab:red", "tab:blue")
        ax = self.ax_data
        ax.scatter(*LEARN_X.T, c=colors, s=50, edgecolor="black", zorder=3)
        (self.line_now,) = ax.plot([], [], color="black", lw=2)
        self.title = ax.set_title("")
        ax.set(xlim=PLANE, ylim=PLANE, xlabel="x₁", ylabel="x₂")
        ax.text(0.02, 0.02, "red: label 1   blue: label 0", transform=ax.transAxes, fontsize=8)

        ax = self.ax_path
        (self.path,) = ax.plot([], [], "-o", color="tab:purple", ms=3, lw=1)
        self.path_start = ax.scatter([LEARN_START[0][0]], [LEARN_START[0][1]], s=60, marker="s",
                                     color="white", edgecolor="black", zorder=3, label="start")
        (self.path_end,) = ax.plot([], [], "*", ms=12, color="gold", mec="black", zorder=3, label="now")
        # Fixed limits that hold every path the sliders can make, so the axes never redraw.
        lr, steps = self.sliders["lr"], self.sliders["steps"]
        every_w = np.concatenate([learning_path(rate, int(steps.max))[0] for rate in lr.values(25)])
        lo, hi = every_w.min(axis=0) - 0.5, every_w.max(axis=0) + 0.5
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="w₁", ylabel="w₂", title="where the weights move")
        ax.legend(loc="upper left", fontsize=8)

        ax = self.ax_out
        self.out_lines = [ax.plot([], [], color=c, lw=1.5)[0] for c in colors]
        ax.axhline(0.5, color="grey", ls=":", lw=1)
        ax.set(xlim=(0, self.sliders["steps"].max), ylim=(-0.03, 1.03), xlabel="step", ylabel="output ŷ",
               title="each point's output")
        self.moving = [self.line_now, self.title, self.path, self.path_end, *self.out_lines]
        at_least(self.fig, 11)  # 10.9 px or more where the page shows the figure 684 px wide

    def draw(self, lr, steps):
        W, B, Y_hat = learning_path(lr, steps)
        w, b = W[-1], B[-1]
        self.line_now.set_data(*line_in_box(w[0], w[1], b))
        wrong = int(np.sum((Y_hat[-1] > 0.5) != (LEARN_Y == 1)))
        self.title.set_text(f"after {steps} steps: {wrong} of {len(LEARN_Y)} wrong")

        self.path.set_data(W[:, 0], W[:, 1])
        self.path_end.set_data([W[-1, 0]], [W[-1, 1]])

        t = np.arange(steps + 1)
        for line, outputs in zip(self.out_lines, Y_hat.T):
            line.set_data(t, outputs)
