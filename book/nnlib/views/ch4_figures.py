"""Chapter 4's still figures: loss slices with their tangents, and the computational graph.

Each function returns a matplotlib ``Figure`` made outside pyplot (a notebook
shows it when a cell ends with it) and computes what it draws from the nine
numbers of the 2-2-1 network, so the chapter's cells stay about the maths.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..checks import as_features, as_float_array, as_scalar
from .ch4_backprop import PARAM_NAMES, nine_gradients, outputs_of_many

DPI = 100  # the notebooks' inline figures are saved at 100 dots per inch
RED = "tab:red"


def _theta(theta):
    theta = as_float_array(theta, "theta")
    if theta.shape != (9,):
        raise ValueError(f"expected theta = (w1, ..., w6, b1, b2, b3), shape (9,); got shape {theta.shape}")
    return theta


def _example(x, y):
    x = as_features(x, 2, "x").reshape(-1)
    if x.shape != (2,):
        raise ValueError(f"expected one example x = (x1, x2), got shape {x.shape}")
    return x, as_scalar(y, "y")


def slice_slopes(theta, x, y, names=("w1", "w5", "b3"), h=1e-6):
    """The central-difference slope of one example's squared error along each named number."""
    theta, (x, y) = _theta(theta), _example(x, y)
    slopes = []
    for name in names:
        step = np.zeros(9)
        step[PARAM_NAMES.index(name)] = h
        up, down = outputs_of_many(np.array([theta + step, theta - step]), x[None])[:, 0]
        slopes.append(((y - up) ** 2 - (y - down) ** 2) / (2 * h))
    return np.array(slopes)


def loss_slices(theta, x, y, names=("w1", "w5", "b3"), half_width=4.0):
    """One panel per named number: the example's loss (y − ŷ)² as that number moves
    and the others stay at ``theta`` (w1..w6, b1..b3), with the tangent line at ``theta``.

    The panel's title gives the tangent's slope, a central finite difference.
    """
    theta, (x, y) = _theta(theta), _example(x, y)
    unknown = [n for n in names if n not in PARAM_NAMES]
    if unknown:
        raise ValueError(f"expected names among {PARAM_NAMES}, got {unknown}")
    slopes = slice_slopes(theta, x, y, names)
    fig = Figure(figsize=(7.4, 2.9), dpi=DPI)
    axes = fig.subplots(1, len(names), sharey=True)
    axes = np.atleast_1d(axes)
    loss = float((y - outputs_of_many(theta[None], x[None])[0, 0]) ** 2)
    for ax, name, slope in zip(axes, names, slopes):
        k = PARAM_NAMES.index(name)
        values = theta[k] + np.linspace(-half_width, half_width, 201)
        thetas = np.repeat(theta[None], len(values), axis=0)
        thetas[:, k] = values
        losses = (y - outputs_of_many(thetas, x[None])[:, 0]) ** 2
        ax.plot(values, losses, color="tab:blue", lw=1.8, label="loss")
        ax.plot(values, loss + slope * (values - theta[k]), color="tab:orange", ls="--", lw=1.5,
                label="tangent")
        ax.plot([theta[k]], [loss], "o", color="black")
        ax.set_xlabel(f"${name[0]}_{name[1]}$", fontsize=12)
        ax.set_title(f"∂L/∂{name} = {slope:.4f}", fontsize=11)
        ax.set_ylim(0, 1)
        ax.tick_params(labelsize=10)
    axes[0].set_ylabel("Alice's loss L", fontsize=11)
    axes[0].legend(loc="upper left", fontsize=10)
    fig.tight_layout(pad=0.4)
    return fig


# Where the graph puts each value (data units), and its edges: (from, to, name of the number).
GRAPH_PLACES = {"x1": (0.0, 1.0), "x2": (0.0, 0.0), "b1": (0.75, 1.55), "b2": (0.75, -0.55),
                "h1": (1.6, 1.0), "h2": (1.6, 0.0), "b3": (2.45, 1.15), "o1": (3.2, 0.5), "L": (4.3, 0.5)}
GRAPH_EDGES = (("x1", "h1", "w1"), ("x2", "h1", "w2"), ("x1", "h2", "w3"), ("x2", "h2", "w4"),
               ("h1", "o1", "w5"), ("h2", "o1", "w6"), ("b1", "h1", "b1"), ("b2", "h2", "b2"),
               ("b3", "o1", "b3"))
# where along each edge its label sits (0 = start, 1 = end), chosen so that no two labels meet
_LABEL_AT = {"w1": 0.5, "w2": 0.36, "w3": 0.36, "w4": 0.5, "w5": 0.45, "w6": 0.45,
             "b1": 0.0, "b2": 0.0, "b3": 0.0}


def graph_values(theta, x, y):
    """Every number the computational graph shows, for one example ``x`` = (x1, x2), target ``y``.

    Returns ``(forward_values, deltas, grads)``: the value of each node (x1, x2, h1, h2, o1, L),
    the error term δ = ∂L/∂z of h1, h2 and o1, and the nine derivatives by name.
    The loss is the example's squared error (y − ŷ)².
    """
    theta, (x, y) = _theta(theta), _example(x, y)
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = theta
    h1 = 1 / (1 + np.exp(-(w1 * x[0] + w2 * x[1] + b1)))
    h2 = 1 / (1 + np.exp(-(w3 * x[0] + w4 * x[1] + b2)))
    y_hat = float(outputs_of_many(theta[None], x[None])[0, 0])
    loss, nine = nine_gradients(theta, x[None], [y])
    grads = dict(zip(PARAM_NAMES, nine))
    forward_values = {"x1": x[0], "x2": x[1], "h1": h1, "h2": h2, "o1": y_hat, "L": loss}
    deltas = {"h1": grads["b1"], "h2": grads["b2"], "o1": grads["b3"]}  # ∂L/∂b = δ of its neuron
    return forward_values, deltas, grads


def computational_graph(theta, x, y):
    """The 2-2-1 network on one example as a computational graph.

    Circles are the values of the forward pass (black, beneath each), squares the
    biases; red: each neuron's error term δ (under its value), each weight's and bias's
    derivative ∂L/∂θ (on its arrow), and ∂L/∂ŷ above the loss.
    """
    forward_values, deltas, grads = graph_values(theta, x, y)
    y_value = _example(x, y)[1]
    y_hat = forward_values["o1"]
    fig = Figure(figsize=(7.6, 4.0), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 0.9))
    place = GRAPH_PLACES
    arrow = dict(arrowstyle="-|>", color="grey", lw=1.2, shrinkA=17, shrinkB=17, mutation_scale=12)
    for start, end, name in GRAPH_EDGES:
        (xa, ya), (xb, yb) = place[start], place[end]
        ax.annotate("", xy=(xb, yb), xytext=(xa, ya), arrowprops=arrow)
        if name.startswith("b"):
            continue  # a bias's derivative is written beside its square
        t = _LABEL_AT[name]
        ax.text(xa + t * (xb - xa), ya + t * (yb - ya), f"{name}: {grads[name]:+.4f}", color=RED,
                fontsize=10.5, ha="center", va="center", bbox=dict(fc="white", ec="none", pad=0.6))
    ax.annotate("", xy=place["L"], xytext=place["o1"], arrowprops=arrow)
    for node in ("x1", "x2", "h1", "h2", "o1", "L"):
        xn, yn = place[node]
        ax.plot(xn, yn, "o", ms=30, mfc="white", mec="black", zorder=3)
        label = "$L$" if node == "L" else f"${node[0]}_{node[1]}$"
        ax.text(xn, yn, label, ha="center", va="center", fontsize=13, zorder=4)
        ax.text(xn, yn - 0.19, f"{forward_values[node]:.4f}", ha="center", va="top", fontsize=11)
        if node in deltas:
            ax.text(xn, yn - 0.36, f"δ = {deltas[node]:+.4f}", ha="center", va="top", fontsize=11,
                    color=RED)
    for name in ("b1", "b2", "b3"):
        xn, yn = place[name]
        ax.plot(xn, yn, "s", ms=24, mfc="0.93", mec="black", zorder=3)
        ax.text(xn, yn, f"${name[0]}_{name[1]}$", ha="center", va="center", fontsize=12, zorder=4)
        ax.text(xn - 0.2, yn, f"∂L/∂{name}\n{grads[name]:+.4f}", ha="right", va="center", fontsize=10.5,
                color=RED, linespacing=1.1)
    xl, yl = place["L"]
    ax.text(xl, yl + 0.2, f"∂L/∂ŷ\n{-2 * (y_value - y_hat):+.4f}", ha="center", va="bottom", fontsize=11,
            color=RED, linespacing=1.1)
    ax.set(xlim=(-0.35, 4.65), ylim=(-0.85, 1.75))
    ax.axis("off")
    fig.suptitle("forward values (black) and backward derivatives (red)", fontsize=12, y=0.985)
    return fig
