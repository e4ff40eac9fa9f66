"""Chapter 3's slider: the loss as a landscape over two weights, and where gradient steps go on it."""

from __future__ import annotations

import numpy as np

from ..checks import as_float_array, as_scalar
from ..data import PEOPLE_NAMES, PEOPLE_RAW, PEOPLE_SHIFT, PEOPLE_Y  # noqa: F401  (the chapter's table)
from ..live import Slider, View, figure
from ..losses import mse, mse_prime
from ..plotting import at_least


# The landscape's task: predict height (inches above 66) from weight (tens of pounds above 135)
# with one linear neuron y_hat = w·x + b. Tens of pounds put both weights on a similar scale,
# so the valley is an ellipse rather than a narrow trench.
HEIGHT_X = (PEOPLE_RAW[:, 0] - PEOPLE_SHIFT[0]) / 10
HEIGHT_Y = PEOPLE_RAW[:, 1] - PEOPLE_SHIFT[1]

W_RANGE = (-2.0, 8.0)  # the view's fixed axes: slope w across, bias b up
B_RANGE = (-6.0, 4.0)
STEPS = 20


def _data(x, y):
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    if x.ndim != 1 or y.shape != x.shape or x.size == 0:
        raise ValueError(f"expected x and y as vectors of the same length, got shapes {x.shape} and {y.shape}")
    return x, y


def line_loss(w, b, x=HEIGHT_X, y=HEIGHT_Y):
    """MSE of the linear neuron y_hat = w·x + b on the examples (x, y).

    w, b : numbers, or arrays of one shape (a grid of weights).
    x, y : (n,) inputs and targets.  Returns a float, or an array of the shape of w.
    """
    x, y = _data(x, y)
    w, b = as_float_array(w, "w"), as_float_array(b, "b")
    if w.shape != b.shape:
        raise ValueError(f"expected w and b of the same shape, got {w.shape} and {b.shape}")
    y_hat = w[..., None] * x + b[..., None]  # one row of n outputs per (w, b)
    loss = np.mean((y_hat - y) ** 2, axis=-1)
    return float(loss) if loss.ndim == 0 else loss


def line_gradient(w, b, x=HEIGHT_X, y=HEIGHT_Y):
    """(∂L/∂w, ∂L/∂b) of :func:`line_loss` at one point: dL/dy_hat = 2(y_hat − y)/n, times x for w."""
    x, y = _data(x, y)
    w, b = as_scalar(w, "w"), as_scalar(b, "b")
    dL_dy_hat = mse_prime(w * x + b, y)
    return float(dL_dy_hat @ x), float(dL_dy_hat.sum())


def descent_path(w, b, lr, steps=STEPS, x=HEIGHT_X, y=HEIGHT_Y):
    """Points and losses of ``steps`` gradient steps (w, b) ← (w, b) − lr·∇L from (w, b).

    Returns ``points`` (steps+1, 2), row 0 the start, and ``losses`` (steps+1,).
    A too-large ``lr`` makes the numbers grow without bound; they stay finite
    for the view's slider range.
    """
    x, y = _data(x, y)
    lr = as_scalar(lr, "lr")
    if lr <= 0:
        raise ValueError(f"expected a positive learning rate lr, got {lr}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"expected steps as a whole number ≥ 0, got {steps}")
    point = np.array([as_scalar(w, "w"), as_scalar(b, "b")])
    points, losses = [point], [mse(point[0] * x + point[1], y)]
    for _ in range(int(steps)):
        point = point - lr * np.array(line_gradient(*point, x, y))
        points.append(point)
        losses.append(mse(point[0] * x + point[1], y))
    return np.array(points), np.array(losses)


def best_line(x=HEIGHT_X, y=HEIGHT_Y):
    """The bottom of the valley: the (w, b) of least MSE, by least squares, and its loss."""
    x, y = _data(x, y)
    A = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(w), float(b), line_loss(w, b, x, y)


def clip_path(points, xlim=W_RANGE, ylim=B_RANGE):
    """The part of a path inside the box, for drawing on fixed axes.

    points : (m, 2). Returns (inside, exit, k): ``inside`` the points up to the
    first one outside the box, followed by the place where the path crosses the
    box's edge; ``exit`` that crossing (None if the path stays inside) and ``k``
    the index of the first point outside (None if none).
    """
    points = as_float_array(points, "points")
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"expected points of shape (m, 2), got shape {points.shape}")
    lo, hi = np.array([xlim[0], ylim[0]]), np.array([xlim[1], ylim[1]])
    outside = np.any((points < lo) | (points > hi), axis=1)
    if not outside.any():
        return points, None, None
    k = int(np.argmax(outside))
    if k == 0:
        return points[:0], None, 0
    a, d = points[k - 1], points[k] - points[k - 1]
    # largest t in [0, 1] keeping a + t·d inside the box, checked on each axis the point leaves by
    # (there d is at least as long as the way to the edge, so the ratio lies in [0, 1])
    t = 1.0
    for axis in range(2):
        if points[k, axis] > hi[axis]:
            t = min(t, (hi[axis] - a[axis]) / d[axis])
        elif points[k, axis] < lo[axis]:
            t = min(t, (lo[axis] - a[axis]) / d[axis])
    edge = a + t * d
    return np.vstack([points[:k], edge]), edge, k


class LossLandscapeView(View):
    """Left: contours of the loss over the slope w and bias b of one linear neuron, a start
    point and the next 20 gradient steps. Right: the loss after each of those steps."""

    alt = ("Two panels. Left: contour lines of the loss over two weights, an elliptical valley with a "
           "star at its lowest point, a white square at the chosen start and a purple path of the next "
           "20 gradient steps, with a red cross where the path leaves the picture. Right: the loss after "
           "each step on a logarithmic scale, with a dashed line at the lowest possible loss.")

    sliders = {
        "w_a": Slider(*W_RANGE, -1.0, 0.1, "start w (slope)"),
        "w_b": Slider(*B_RANGE, 3.0, 0.1, "start b (bias)"),
        "lr": Slider(0.001, 1.0, 0.1, 0.02, "learning rate η", log=True),  # 0.1 = 10^(−3 + 100·0.02)
    }

    def build(self):
        self.fig, (self.ax_map, self.ax_loss) = figure(9.0, 3.6, ncols=2)
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
        w_best, b_best, self.loss_min = best_line()

        ax = self.ax_map
        W, B = np.meshgrid(np.linspace(*W_RANGE, 100), np.linspace(*B_RANGE, 100))
        L = line_loss(W, B)
        levels = np.geomspace(self.loss_min * 1.25, L.max(), 12)
        ax.contourf(W, B, L, levels=np.concatenate([[0], levels]), cmap="Greens_r", alpha=0.45)
        ax.contour(W, B, L, levels=levels, colors="darkgreen", linewidths=0.6)
        (self.best,) = ax.plot([w_best], [b_best], "*", ms=13, color="gold", mec="black", label="lowest loss")
        (self.path,) = ax.plot([], [], "-o", color="tab:purple", ms=3, lw=1.3, label="20 steps")
        (self.start,) = ax.plot([], [], "s", ms=8, color="white", mec="black", label="start")
        (self.exit,) = ax.plot([], [], "X", ms=11, color="tab:red", mec="black", label="leaves the view",
                             clip_on=False)  # on the edge: drawn whole
        ax.set(xlim=W_RANGE, ylim=B_RANGE, xlabel="w (inches per 10 lb)", ylabel="b (inches)",
               title="loss landscape L(w, b)")
        ax.legend(loc="lower left", fontsize=10, framealpha=0.85, handletextpad=0.3, borderaxespad=0.3,
                  labelspacing=0.25)

        ax = self.ax_loss
        ax.axhline(self.loss_min, color="grey", ls="--", lw=1)
        ax.text(0.5, self.loss_min * 0.85, "lowest possible", ha="left", va="top", fontsize=10, color="grey")
        (self.curve,) = ax.plot([], [], "-o", color="tab:purple", ms=3, lw=1.3)
        self.readout = ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=10,
                               family="monospace", bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
        ax.set_yscale("log")
        ax.set_xticks(range(0, STEPS + 1, 5))
        ax.set(xlim=(-0.5, STEPS + 0.5), ylim=(self.loss_min / 2, 1e4), xlabel="step", ylabel="loss (MSE)",
               title="loss after each step")
        # the star moves never, but is listed after the path so the path does not hide it
        self.moving = [self.path, self.start, self.exit, self.best, self.curve, self.readout]
        at_least(self.fig, 10)

    def draw(self, w_a, w_b, lr):
        points, losses = descent_path(w_a, w_b, lr)
        inside, edge, k = clip_path(points)
        self.path.set_data(inside[:, 0], inside[:, 1])
        self.start.set_data([w_a], [w_b])
        self.exit.set_data(([edge[0]], [edge[1]]) if edge is not None else ([], []))
        shown = np.minimum(losses, 1e6)  # far above the axes: drawn off the top, not overflowing
        self.curve.set_data(np.arange(len(losses)), shown)
        text = f"η = {lr:.3g}\nloss {losses[0]:.3g} → {losses[-1]:.3g}"
        if k is not None:
            text += f"\nleft the view at step {k}"
        self.readout.set_text(text)
