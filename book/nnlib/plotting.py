"""The still figures of Chapters 1 to 3 (no chapter explains this code; each says what its figure shows).

Each function draws one figure of a chapter and returns it; the chapter's
cell shows it with ``plt.show()``. What a figure *computes* is written out in
the chapter first; these functions only lay it out. Every figure is at most
:data:`PAGE_INCHES` wide, so the book's column (about 690 px at a 1280 px
window) shows it at its natural size, and no text is smaller than
:data:`MIN_POINTS` (12.5 px on the page).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.text import Text

PAGE_INCHES = 6.8
"""Widest still figure: 680 px at the notebook's 100 dpi, inside the page column."""
MIN_POINTS = 9.0
"""Smallest text in a still figure, in points."""
COLUMN_PX = 688
"""Width of the book's text column at a 1280 px window, measured in the built page."""


# -- reading what a figure shows (for the tests, and for a curious reader) ------------------
def texts(fig) -> list[Text]:
    """Every visible, non-empty text of ``fig``: titles, labels, tick labels, legends, notes."""
    fig.canvas.draw()  # makes the tick labels
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
            and t.get_figure() is not None]


def smallest_text_px(fig, shown_px: float | None = None) -> float:
    """Height in page pixels of the smallest text of ``fig`` when the page shows it ``shown_px`` wide.

    A font of s points is s·dpi/72 pixels in the PNG, and the page scales the
    PNG by shown / natural width. ``shown_px`` defaults to the natural width,
    capped at the column (:data:`COLUMN_PX`): how the book shows a still figure.
    """
    natural = fig.get_figwidth() * fig.dpi
    shown = min(natural, COLUMN_PX) if shown_px is None else shown_px
    return min(t.get_fontsize() for t in texts(fig)) * fig.dpi / 72 * shown / natural


def at_least(fig, points: float = MIN_POINTS):
    """Raise every text of ``fig`` (tick labels included) to at least ``points``."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            size = max(points, axis.get_ticklabels()[0].get_fontsize()) if axis.get_ticklabels() else points
            ax.tick_params(axis="x" if axis is ax.xaxis else "y", labelsize=size)
    for text in fig.findobj(Text):
        if text.get_fontsize() < points:
            text.set_fontsize(points)
    return fig


# -- Chapter 1 -------------------------------------------------------------------------------
def activation_figure(curves, z):
    """Chapter 1: each activation (top row) over its slope (bottom row), the step dashed behind.

    curves : a list of (title, f, f_prime); z : (m,) the points to draw at.
    """
    fig, axes = plt.subplots(2, len(curves), figsize=(PAGE_INCHES, 4.6), sharex=True)
    step = (z > 0).astype(float)
    for col, (name, f, f_prime) in enumerate(curves):
        top, bottom = axes[0, col], axes[1, col]
        top.plot(z, f(z), color="tab:blue", label=name)
        top.plot(z, step, color="grey", ls="--", lw=1, label="step")
        top.set_title(name, fontsize=11)
        bottom.plot(z, f_prime(z), color="tab:orange", label="slope")
        bottom.set_title("its slope", fontsize=11)
        bottom.set_xlabel("z")
        for ax in (top, bottom):
            ax.axhline(0, color="black", lw=0.5)
            ax.axvline(0, color="black", lw=0.5)
    axes[0, 0].legend(loc="upper left", fontsize=MIN_POINTS, handlelength=1.2)
    fig.tight_layout()
    return at_least(fig)


# -- Chapter 2 -------------------------------------------------------------------------------
def network_figure(x1, x2, title="", **weights_and_biases):
    """Chapter 2: the 2-2-1 network for one input, every weight and activation drawn.

    Narrow (5 inches) with large text, so that a phone shows it readably.
    """
    from .views.ch2_feedforward import NetworkDiagram

    fig, ax = plt.subplots(figsize=(5.0, 3.3))
    fig.subplots_adjust(left=0.0, right=1.0, bottom=0.0, top=0.9 if title else 1.0)
    diagram = NetworkDiagram(ax, font=12, marker_size=40)
    diagram.show(x1, x2, **weights_and_biases)
    if title:
        ax.set_title(title, fontsize=12)
    fig.diagram = diagram  # what the figure shows, for the tests
    return at_least(fig, 11)


def hidden_sigmoid_figure(outputs, extent=(-3.0, 3.0)):
    """Chapter 2: the output over the input plane, one panel per network, 0.5 line in black.

    outputs : dict title → (m, m) array of outputs on a square grid over ``extent``
    (row i is x₂, column j is x₁, as ``np.meshgrid`` lays them out).
    """
    fig, axes = plt.subplots(1, len(outputs), figsize=(PAGE_INCHES, 3.3), sharey=True)
    fig.subplots_adjust(left=0.09, right=0.86, bottom=0.16, top=0.88, wspace=0.12)
    axis = np.linspace(*extent, next(iter(outputs.values())).shape[0])
    G1, G2 = np.meshgrid(axis, axis)
    for ax, (title, out) in zip(np.atleast_1d(axes), outputs.items()):
        image = ax.imshow(out, origin="lower", extent=(*extent, *extent), cmap="coolwarm", vmin=0, vmax=1)
        ax.contour(G1, G2, out, levels=[0.5], colors="black", linewidths=2)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("x₁")
    np.atleast_1d(axes)[0].set_ylabel("x₂")
    cax = fig.add_axes((0.88, 0.16, 0.025, 0.72))
    fig.colorbar(image, cax=cax, label="output ŷ")
    return at_least(fig)


# -- Chapter 3 -------------------------------------------------------------------------------
def loss_push_figure(z, push_bce, push_mse, outputs_bce, outputs_mse):
    """Chapter 3: left, |∂L/∂z| of each loss against z (target 1, log scale); right, the output
    of a one-weight neuron over the training steps for each loss."""
    fig, (ax_slope, ax_train) = plt.subplots(1, 2, figsize=(PAGE_INCHES, 3.4))
    ax_slope.semilogy(z, np.abs(push_bce), color="tab:blue", label="cross-entropy")
    ax_slope.semilogy(z, np.abs(push_mse), color="tab:orange", label="squared error")
    ax_slope.axvspan(z.min(), -4, color="grey", alpha=0.15)
    ax_slope.text(z.min() + 0.3, 2e-3, "confident\nand wrong", fontsize=MIN_POINTS)
    ax_slope.set(xlabel="z (target y = 1)", ylabel="|∂L/∂z|", ylim=(1e-4, 3))
    ax_slope.set_title("how hard each loss pushes z", fontsize=11)
    ax_slope.legend(loc="lower right", fontsize=MIN_POINTS)
    ax_train.plot(outputs_bce, color="tab:blue", label="cross-entropy")
    ax_train.plot(outputs_mse, color="tab:orange", label="squared error")
    ax_train.axhline(0.5, color="grey", ls=":", lw=1)
    ax_train.set(xlabel="training step", ylabel="output ŷ", ylim=(-0.03, 1.03))
    ax_train.set_title("one neuron from w = −6", fontsize=11)
    ax_train.legend(loc="center right", fontsize=MIN_POINTS)
    fig.tight_layout()
    return at_least(fig)


def learning_rate_figure(start, rates, x, y, steps=20):
    """Chapter 3: ``steps`` gradient steps from ``start`` for each learning rate, one panel each,
    on the contour lines of the loss landscape; the star is the lowest point."""
    from .views.ch3_loss import B_RANGE, W_RANGE, best_line, clip_path, descent_path, line_loss

    W, B = np.meshgrid(np.linspace(*W_RANGE, 100), np.linspace(*B_RANGE, 100))
    L = line_loss(W, B, x, y)
    w_best, b_best, loss_best = best_line(x, y)
    levels = np.geomspace(loss_best * 1.25, L.max(), 12)
    fig, axes = plt.subplots(2, 2, figsize=(6.4, 5.8), sharex=True, sharey=True)
    for ax, rate in zip(axes.ravel(), rates):
        points, _ = descent_path(*start, rate, steps, x, y)
        inside, exit_point, _ = clip_path(points, W_RANGE, B_RANGE)  # stop at the picture's edge
        ax.contour(W, B, L, levels=levels, colors="darkgreen", linewidths=0.6)
        ax.plot(inside[:, 0], inside[:, 1], "-o", color="tab:purple", ms=3, lw=1.2)
        if exit_point is not None:
            ax.plot(*exit_point, "X", ms=10, color="tab:red", mec="black", clip_on=False)
        ax.plot(*start, "s", ms=7, color="white", mec="black")
        ax.plot(w_best, b_best, "*", ms=12, color="gold", mec="black")
        ax.set(xlim=W_RANGE, ylim=B_RANGE)
        ax.set_title(f"η = {rate}", fontsize=11)
    for ax in axes[1]:
        ax.set_xlabel("w (inches per 10 lb)")
    for ax in axes[:, 0]:
        ax.set_ylabel("b (inches)")
    fig.tight_layout()
    return at_least(fig)
