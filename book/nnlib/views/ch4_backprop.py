"""Chapter 4's slider: all nine gradients of the 2-2-1 network, and the loss after one step."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..backprop import loss_and_gradients
from ..checks import as_features, as_float_array
from ..data import PEOPLE_X, PEOPLE_Y
from ..live import Slider, View, figure
from .ch2_feedforward import params_221

PARAM_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")
GRAD_LIMIT = 0.3  # the bar chart's fixed y-range is ±GRAD_LIMIT; taller bars are clipped and hatched
LR_RANGE = (0.1, 1000.0)


def as_nine(grads) -> np.ndarray:
    """The nine numbers of a 2-2-1 network's ``[(dW1, db1), (dW2, db2)]`` in the order w1..w6, b1, b2, b3."""
    if len(grads) != 2:
        raise ValueError(f"expected gradients of a 2-2-1 network, [(dW1, db1), (dW2, db2)]; got {len(grads)} layers")
    (dW1, db1), (dW2, db2) = [(as_float_array(dW, "dW"), as_float_array(db, "db")) for dW, db in grads]
    if dW1.shape != (2, 2) or db1.shape != (2,) or dW2.shape != (2, 1) or db2.shape != (1,):
        raise ValueError(f"expected shapes (2, 2), (2,), (2, 1), (1,); got {dW1.shape}, {db1.shape}, "
                         f"{dW2.shape}, {db2.shape}")
    return np.array([dW1[0, 0], dW1[1, 0], dW1[0, 1], dW1[1, 1], dW2[0, 0], dW2[1, 0], db1[0], db1[1], db2[0]])


def _data(X, y):
    X = as_features(X, 2, "X")
    X = X.reshape(1, 2) if X.ndim == 1 else X
    y = as_float_array(y, "y").reshape(-1)
    if y.shape != (len(X),):
        raise ValueError(f"expected y with one target per example, shape ({len(X)},); got shape {y.shape}")
    return X, y


def nine_gradients(weights, X=PEOPLE_X, y=PEOPLE_Y):
    """Loss (MSE) and its nine partial derivatives for the 2-2-1 network with ``weights`` = (w1, ..., w6)
    and biases 0 (or ``weights`` = all nine numbers), on examples X (n, 2) with targets y (n,).

    Returns ``(loss, gradients)``, gradients an array (9,) in the order w1..w6, b1, b2, b3.
    """
    X, y = _data(X, y)
    weights = as_float_array(weights, "weights")
    if weights.shape not in ((6,), (9,)):
        raise ValueError(f"expected weights (w1, ..., w6) or all nine numbers, got shape {weights.shape}")
    loss, grads = loss_and_gradients(X, y, params_221(*weights))
    return loss, as_nine(grads)


def outputs_of_many(thetas, X=PEOPLE_X):
    """Outputs ŷ of the 2-2-1 network for many settings of its nine numbers at once.

    thetas : (k, 9) rows (w1, ..., w6, b1, b2, b3); X : (n, 2).  Returns (k, n).
    The same sums as :func:`nnlib.network.forward`, written per neuron so that k
    networks run in one NumPy expression.
    """
    thetas = as_float_array(thetas, "thetas")
    if thetas.ndim != 2 or thetas.shape[1] != 9:
        raise ValueError(f"expected thetas of shape (k, 9), got shape {thetas.shape}")
    X = as_features(X, 2, "X").reshape(-1, 2)
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = (column[:, None] for column in thetas.T)
    x1, x2 = X[:, 0], X[:, 1]
    h1 = sigmoid(w1 * x1 + w2 * x2 + b1)
    h2 = sigmoid(w3 * x1 + w4 * x2 + b2)
    return sigmoid(w5 * h1 + w6 * h2 + b3)


def losses_after_one_step(weights, lrs, X=PEOPLE_X, y=PEOPLE_Y):
    """Loss before, and the loss after one gradient step θ ← θ − η·∂L/∂θ for each η in ``lrs``.

    weights : (w1, ..., w6) with biases 0, or all nine numbers; lrs : (k,) learning rates.
    Every one of the nine numbers takes its step. Returns ``(loss_before, losses_after (k,))``.
    """
    X, y = _data(X, y)
    weights = as_float_array(weights, "weights")
    theta = np.concatenate([weights, np.zeros(9 - len(weights))]) if weights.shape == (6,) else weights
    loss, grads = nine_gradients(theta, X, y)
    lrs = as_float_array(lrs, "lrs")
    if lrs.ndim != 1 or np.any(lrs < 0):
        raise ValueError(f"expected lrs as a vector of learning rates ≥ 0, got shape {lrs.shape}")
    y_hat = outputs_of_many(theta - lrs[:, None] * grads, X)
    return loss, np.mean((y_hat - y) ** 2, axis=1)


class BackpropView(View):
    """Left: the nine gradients ∂L/∂w1 ... ∂L/∂b3 of the 2-2-1 network on the four people, as bars.
    Right: the loss after one step θ ← θ − η·∂L/∂θ, against η, with the chosen η marked."""

    alt = ("Two panels. Left: a bar chart of the nine partial derivatives of the loss, one bar for each of "
           "the six weights and three biases, red for positive and blue for negative, with its value printed "
           "on it. Right: the loss after one gradient step plotted against the learning rate on a log scale, "
           "a dashed line at the loss before the step and a dot at the chosen learning rate.")

    sliders = {
        **{f"w{i}": Slider(-3.0, 3.0, 1.0, 0.1, f"w{'₁₂₃₄₅₆'[i - 1]}") for i in range(1, 7)},
        "lr": Slider(*LR_RANGE, 10.0, 0.1, "learning rate η", log=True),
    }

    def build(self):
        self.fig, (self.ax_bars, self.ax_step) = figure(9.0, 3.6, ncols=2, gridspec_kw={"width_ratios": [2.5, 1]})
        self.fig.subplots_adjust(left=0.07, right=0.985, bottom=0.22, top=0.86, wspace=0.2)
        ax = self.ax_bars
        positions = np.arange(len(PARAM_NAMES))
        self.bars = ax.bar(positions, np.zeros(len(PARAM_NAMES)), width=0.65, edgecolor="black", linewidth=0.6)
        self.labels = [ax.text(i, 0, "", ha="center", fontsize=10) for i in positions]
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(5.5, color="grey", lw=0.6, ls=":")
        ax.set_xticks(positions, [f"${n[0]}_{n[1]}$" for n in PARAM_NAMES], fontsize=11)
        ax.set(xlim=(-0.6, len(PARAM_NAMES) - 0.4), ylim=(-GRAD_LIMIT, GRAD_LIMIT), ylabel="∂L/∂θ")
        ax.set_title("the nine gradients on the four people", fontsize=11)
        ax.set_xlabel("red: > 0, a step lowers it;  blue: < 0, a step raises it\n"
                      "hatched: off the scale (its true value is printed)", fontsize=10, color="0.3")

        ax = self.ax_step
        self.lr_grid = np.geomspace(*LR_RANGE, 81)
        (self.curve,) = ax.plot([], [], color="tab:purple", lw=1.8, label="loss after one step")
        self.before = ax.axhline(0, color="black", ls="--", lw=1, label="loss before")
        (self.dot,) = ax.plot([], [], "o", ms=9, color="gold", mec="black", zorder=3)
        self.readout = ax.set_title("", fontsize=10)
        ax.set(xscale="log", xlim=LR_RANGE, ylim=(0, 1.02), xlabel="learning rate η", ylabel="loss (MSE)")
        ax.legend(loc="upper left", fontsize=10)
        self.moving = [*self.bars, *self.labels, self.curve, self.before, self.dot, self.readout]

    def draw(self, w1, w2, w3, w4, w5, w6, lr):
        theta = np.array([w1, w2, w3, w4, w5, w6, 0.0, 0.0, 0.0])
        loss, grads = nine_gradients(theta)
        clip = 0.9 * GRAD_LIMIT
        for bar, label, i, g in zip(self.bars, self.labels, range(9), grads):
            shown = float(np.clip(g, -clip, clip))
            bar.set_height(shown)
            bar.set_color("tab:red" if g > 0 else "tab:blue")
            bar.set_edgecolor("black")
            bar.set_hatch("////" if abs(g) > clip else "")
            up = shown >= 0
            label.set_position((i, shown + (0.006 if up else -0.006)))
            label.set_verticalalignment("bottom" if up else "top")
            label.set_text(f"{g:.4f}" if abs(g) >= 5e-5 else "0.0000")  # never "-0.0000"

        # losses_after_one_step, without computing the gradients a second time
        lrs = np.append(self.lr_grid, lr)
        after = np.mean((outputs_of_many(theta - lrs[:, None] * grads) - PEOPLE_Y) ** 2, axis=1)
        self.curve.set_data(self.lr_grid, after[:-1])
        self.before.set_ydata([loss, loss])
        self.dot.set_data([lr], [after[-1]])
        self.readout.set_text(f"one step with η = {lr:.3g}:\nloss {loss:.4f} → {after[-1]:.4f}")
