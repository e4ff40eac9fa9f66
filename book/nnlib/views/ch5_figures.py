"""Chapter 5's still figures: walks down a bowl, training curves, decision maps, letters.

Each function returns a matplotlib ``Figure`` made outside pyplot (a notebook
shows it when a cell ends with it); the chapter's cells compute what is drawn
and say what it shows.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..checks import as_float_array
from ..network import forward
from .ch5_sgd import NEW_NAMES, NEW_X, PEOPLE_NAMES, PEOPLE_X, PEOPLE_Y, PLANE_X, PLANE_Y, plane_grid

DPI = 100  # the notebooks' inline figures are saved at 100 dots per inch
FEMALE, MALE = "tab:red", "tab:blue"


def _vector(values, name):
    values = as_float_array(values, name)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"expected {name} as a non-empty vector, got shape {values.shape}")
    return values


def walks_figure(paths, loss, w_range=(-5.0, 11.0), loss_range=(-2.0, 66.0)):
    """One panel per walk: the curve ``loss(w)`` in grey and the walk's points in red.

    paths : dict title → positions w_0, w_1, ... of gradient descent (the first one is
    marked "start"); loss : a function of an array of w.
    """
    if not paths:
        raise ValueError("expected at least one walk in paths, got none")
    fig = Figure(figsize=(7.6, 2.7), dpi=DPI)
    axes = np.atleast_1d(fig.subplots(1, len(paths), sharey=True))
    w_axis = np.linspace(*w_range, 300)
    for ax, (title, path) in zip(axes, paths.items()):
        path = _vector(path, "path")
        ax.plot(w_axis, loss(w_axis), color="grey", lw=1)
        ax.plot(path, loss(path), "-o", color="tab:red", ms=4, lw=1)
        ax.plot(path[:1], loss(path[:1]), "s", color="black", ms=7, label="start")
        ax.set(xlim=w_range, ylim=loss_range)
        ax.set_xlabel("w", fontsize=11)
        ax.set_title(title, fontsize=11)
        ax.tick_params(labelsize=10)
    axes[0].set_ylabel("loss L(w)", fontsize=11)
    axes[0].legend(loc="upper right", fontsize=10)
    fig.tight_layout(pad=0.4)
    return fig


def _plane(ax, params, title):
    """The output of a 2-2-1 network over the weight-height plane, people on top; returns the image."""
    X1, X2, points = plane_grid()
    surface = forward(points, params)[0].reshape(X1.shape)
    image = ax.imshow(surface, origin="lower", extent=(*PLANE_X, *PLANE_Y), cmap="coolwarm", vmin=0,
                      vmax=1, aspect="auto")
    ax.contour(X1, X2, surface, levels=[0.5], colors="black", linewidths=1.5)
    for (x1, x2), label, name in zip(PEOPLE_X, PEOPLE_Y, PEOPLE_NAMES):
        ax.plot(x1, x2, "o", ms=8, color=FEMALE if label else MALE, mec="black")
        ax.annotate(name, (x1, x2), textcoords="offset points", xytext=(5, 4), fontsize=10)
    for (x1, x2), name in zip(NEW_X, NEW_NAMES):
        ax.plot(x1, x2, "*", ms=13, color="white", mec="black")
        ax.annotate(name, (x1, x2), textcoords="offset points", xytext=(5, 4), fontsize=10)
    ax.set_xlabel("weight − 135 (lb)", fontsize=11)
    ax.set_ylabel("height − 66 (in)", fontsize=11)
    ax.set_title(title, fontsize=11)
    ax.tick_params(labelsize=10)
    return image


def people_figure(losses, params, every=10):
    """Left: the loss on the four people every ``every`` epochs (log scale).
    Right: the trained network's output over the weight-height plane, its 0.5 line in black,
    the four people as circles (red F, blue M) and Emily and Frank as white stars."""
    losses = _vector(losses, "losses")
    fig = Figure(figsize=(7.6, 3.1), dpi=DPI)
    ax_loss, ax_plane = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.35]})
    epochs = np.arange(0, len(losses), int(every))
    ax_loss.plot(epochs, losses[epochs], "-", color="tab:purple", marker=".", ms=3)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch", fontsize=11)
    ax_loss.set_ylabel("MSE on the four people", fontsize=11)
    ax_loss.set_title(f"loss every {every} epochs", fontsize=11)
    ax_loss.tick_params(labelsize=10)
    image = _plane(ax_plane, params, f"output after {len(losses) - 1} epochs")
    colorbar = fig.colorbar(image, ax=ax_plane, fraction=0.06, pad=0.03)
    colorbar.set_label("output (1 = F)", fontsize=10)
    colorbar.ax.tick_params(labelsize=10)
    fig.tight_layout(pad=0.4)
    return fig


def batch_figure(runs):
    """The loss of several training runs against epochs (left) and against updates (right).

    runs : dict label → (updates per epoch, losses per epoch (epochs + 1,), dashed?).
    The legend sits under both panels, where it covers no curve.
    """
    if not runs:
        raise ValueError("expected at least one run, got none")
    fig = Figure(figsize=(7.6, 3.9), dpi=DPI)
    ax_epochs, ax_updates = fig.subplots(1, 2, sharey=True)
    for label, (per_epoch, losses, dashed) in runs.items():
        losses = _vector(losses, "losses")
        epochs = np.arange(len(losses))
        style = "--" if dashed else "-"
        ax_epochs.plot(epochs, losses, style, lw=1.6, label=label)
        ax_updates.plot(epochs * int(per_epoch), losses, style, lw=1.6)
    ax_epochs.set_yscale("log")
    ax_updates.set_xscale("log")
    ax_epochs.set_ylabel("MSE on the four people", fontsize=11)
    for ax, xlabel, title in [(ax_epochs, "epoch", "against epochs"),
                              (ax_updates, "number of updates (log scale)", "against updates")]:
        ax.set_xlabel(xlabel, fontsize=11)
        ax.set_title(title, fontsize=11)
        ax.tick_params(labelsize=10)
    fig.tight_layout(pad=0.4, rect=(0, 0.15, 1, 1))
    fig.legend(loc="lower center", ncols=2, fontsize=10, frameon=False)
    return fig


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def xor_figure(nets, histories):
    """Top: each network's output over the square around the four XOR points (red near 1,
    blue near 0), the points coloured by their label. Bottom: each network's loss per epoch.

    nets : dict title → params; histories : dict label → losses per epoch.
    Drawn tall rather than wide, so that it stays legible on a phone.
    """
    if not nets:
        raise ValueError("expected at least one network, got none")
    side = np.linspace(-0.5, 1.5, 100)
    S1, S2 = np.meshgrid(side, side)
    square = np.column_stack([S1.ravel(), S2.ravel()])
    fig = Figure(figsize=(5.4, 5.2), dpi=DPI)
    grid = fig.add_gridspec(2, len(nets), height_ratios=[1.15, 1])
    maps = [fig.add_subplot(grid[0, i]) for i in range(len(nets))]
    for ax, (title, net) in zip(maps, nets.items()):
        image = ax.imshow(forward(square, net)[0].reshape(S1.shape), origin="lower",
                          extent=(-0.5, 1.5, -0.5, 1.5), cmap="coolwarm", vmin=0, vmax=1)
        for (x1, x2), label in zip(XOR_X, XOR_Y):
            ax.plot(x1, x2, "o", ms=10, color=FEMALE if label else MALE, mec="black")
        ax.set_title(title, fontsize=12)
        ax.set_xlabel("$x_1$", fontsize=12)
        ax.tick_params(labelsize=12)
    maps[0].set_ylabel("$x_2$", fontsize=12)
    fig.subplots_adjust(left=0.13, right=0.84, top=0.94, bottom=0.1, hspace=0.5, wspace=0.35)
    top = maps[0].get_position()
    colorbar = fig.colorbar(image, cax=fig.add_axes((0.87, top.y0, 0.03, top.height)))
    colorbar.set_label("output", fontsize=12)
    colorbar.ax.tick_params(labelsize=12)
    ax = fig.add_subplot(grid[1, :])
    for label, losses in histories.items():
        ax.plot(_vector(losses, "losses"), lw=1.8, label=label)
    ax.set_ylim(0, None)
    ax.set_xlabel("epoch", fontsize=12)
    ax.set_ylabel("cross-entropy", fontsize=12)
    ax.set_title("loss on XOR", fontsize=12)
    ax.tick_params(labelsize=12)
    ax.legend(fontsize=12, loc="center right")
    return fig


def letters_figure(letters, names):
    """Each letter's 30 pixels as its 5 × 6 grid, black = 1."""
    letters = as_float_array(letters, "letters")
    if letters.ndim != 2 or letters.shape[1] != 30 or len(letters) != len(names):
        raise ValueError(f"expected letters (n, 30) with one name each, got shape {letters.shape} and "
                         f"{len(names)} names")
    fig = Figure(figsize=(4.8, 1.9), dpi=DPI)
    axes = np.atleast_1d(fig.subplots(1, len(letters)))
    for ax, pixels, name in zip(axes, letters, names):
        ax.imshow(pixels.reshape(5, 6), cmap="Greys", vmin=0, vmax=1)
        ax.set_title(name, fontsize=13)
        ax.set(xticks=[], yticks=[])
    fig.tight_layout(pad=0.4)
    return fig


def noisy_letter_figure(noisy, flipped, outputs, names):
    """Left: a letter with some pixels flipped (framed in red). Right: the network's outputs,
    the largest in green."""
    noisy, outputs = as_float_array(noisy, "noisy"), _vector(outputs, "outputs")
    if noisy.shape != (30,) or len(outputs) != len(names):
        raise ValueError(f"expected a letter of 30 pixels and one output per name, got shapes {noisy.shape} "
                         f"and {outputs.shape}")
    fig = Figure(figsize=(5.6, 2.4), dpi=DPI)
    ax_img, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    ax_img.imshow(noisy.reshape(5, 6), cmap="Greys", vmin=0, vmax=1)
    for i in np.asarray(flipped, int):
        ax_img.add_patch(Rectangle((i % 6 - 0.5, i // 6 - 0.5), 1, 1, fill=False, edgecolor="tab:red", lw=2.5))
    ax_img.set(xticks=[], yticks=[])
    ax_img.set_title(f"{len(flipped)} pixels flipped", fontsize=11)
    best = int(np.argmax(outputs))
    ax_bar.bar(names, outputs, color=["tab:green" if i == best else "tab:grey" for i in range(len(names))])
    ax_bar.set_ylim(0, 1)
    ax_bar.set_ylabel("output", fontsize=11)
    ax_bar.set_title("the network's answer", fontsize=11)
    ax_bar.tick_params(labelsize=11)
    fig.tight_layout(pad=0.4)
    return fig
