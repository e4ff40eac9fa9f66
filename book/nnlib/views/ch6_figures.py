"""Chapter 6's still figures: digits, a live training plot, overfitting, the confusion matrix.

Each function returns a matplotlib ``Figure`` made outside pyplot (a notebook
shows it when a cell ends with it); the chapter's cells compute what is drawn
and say what it shows. :class:`TrainingPlot` is the one moving picture: a
loss and accuracy plot that redraws itself after every epoch while a network
trains, in place, so the notebook keeps one picture rather than a wall of prints.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..checks import as_float_array

DPI = 100  # the notebooks' inline figures are saved at 100 dots per inch


def _images(images, name="images"):
    images = as_float_array(images, name)
    if images.ndim != 2 or images.shape[1] != 64 or len(images) == 0:
        raise ValueError(f"expected {name} as (n, 64), one 8 × 8 digit a row, got shape {images.shape}")
    return images


def digits_figure(images, titles, ncols=10, title_colours=None):
    """The digits as 8 × 8 grey pictures (black ink on white), ``ncols`` to a row, each titled.

    images : (n, 64) pixels from 0 (blank) to 1 (ink); titles : n strings.
    """
    images = _images(images)
    if len(titles) != len(images):
        raise ValueError(f"expected one title per image, got {len(titles)} titles for {len(images)} images")
    ncols = min(int(ncols), len(images))
    nrows = -(-len(images) // ncols)
    lines = max(str(t).count("\n") + 1 for t in titles)
    fig = Figure(figsize=(0.68 * ncols, (0.68 + 0.2 * lines) * nrows + 0.1), dpi=DPI)
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    colours = title_colours or ["black"] * len(images)
    for ax in axes:
        ax.set_axis_off()
    for ax, pixels, title, colour in zip(axes, images, titles, colours):
        ax.imshow(pixels.reshape(8, 8), cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(str(title), fontsize=10, color=colour, pad=2, linespacing=1.0)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - 0.25 * lines / (0.68 + 0.2 * lines) / nrows,
                        wspace=0.15, hspace=0.25 * lines + 0.1)
    return fig


class TrainingPlot:
    """Train and test accuracy (left) and loss (right) per epoch, redrawn after every epoch.

    Pass :meth:`update` to :meth:`nnlib.mlp.MLP.fit` as its ``callback``; in a notebook
    :meth:`show` first displays the picture, and every update replaces it in place.
    epochs : the x axis' length; title : above both panels; every : redraw the picture
    every that many epochs (and after the last), to spend the time on training.
    """

    def __init__(self, epochs: int, title: str = "", every: int = 1):
        self.epochs, self.every = int(epochs), int(every)
        if self.epochs < 1 or self.every < 1:
            raise ValueError(f"expected epochs ≥ 1 and every ≥ 1, got {epochs} and {every}")
        self.fig = Figure(figsize=(7.6, 3.0), dpi=DPI)
        self.ax_acc, self.ax_loss = self.fig.subplots(1, 2)
        self.lines = {}
        for ax, kind in [(self.ax_acc, "acc"), (self.ax_loss, "loss")]:
            for part, colour, style in [("train", "tab:blue", "-"), ("test", "tab:orange", "--")]:
                (self.lines[part, kind],) = ax.plot([], [], color=colour, ls=style, lw=2, marker=".",
                                                    ms=5, label=f"{part} set")
            ax.set_xlim(0.5, self.epochs + 0.5)
            ax.set_xlabel("epoch", fontsize=11)
            ax.tick_params(labelsize=10)
        self.ax_acc.set_ylabel("accuracy (%)", fontsize=11)
        self.ax_loss.set_ylabel("cross-entropy", fontsize=11)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(0.01, 3.0)  # until the first epoch sets them
        self.ax_acc.set_ylim(0, 100.5)
        self.ax_acc.legend(loc="lower right", fontsize=10)
        self.status = self.fig.suptitle(title, fontsize=11)
        self.title = title
        self.handle = None
        self.fig.tight_layout(pad=0.5)

    def draw(self, history) -> None:
        """Put ``history`` (a :class:`nnlib.mlp.History`) on the two panels."""
        epochs = np.arange(1, len(history.loss) + 1)
        if len(epochs) == 0:
            return
        curves = {("train", "acc"): 100 * np.array(history.train_acc), ("train", "loss"): history.loss,
                  ("test", "acc"): 100 * np.array(history.test_acc), ("test", "loss"): history.test_loss}
        for key, values in curves.items():
            self.lines[key].set_data(epochs[: len(values)], values)
        accuracies = np.concatenate([curves["train", "acc"], curves["test", "acc"]])
        low = max(0.0, min(90.0, np.floor(accuracies.min() / 10) * 10))
        self.ax_acc.set_ylim(low, 100.5)
        losses = np.concatenate([np.asarray(history.loss), np.asarray(history.test_loss)])
        losses = losses[np.isfinite(losses) & (losses > 0)]
        if losses.size:
            self.ax_loss.set_ylim(losses.min() / 1.5, losses.max() * 1.5)
        test = f", test {history.test_acc[-1]:.1%}" if history.test_acc else ""
        self.status.set_text(f"{self.title}epoch {len(epochs)} of {self.epochs}: "
                             f"train accuracy {history.train_acc[-1]:.1%}{test}")

    def png(self) -> bytes:
        """The picture as PNG bytes, drawn and encoded quickly (256 colours) for a live update."""
        canvas = FigureCanvasAgg(self.fig)
        canvas.draw()
        rgb = np.ascontiguousarray(np.asarray(canvas.buffer_rgba())[..., :3])
        image = Image.fromarray(rgb).quantize(256, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def show(self) -> None:
        """Display the picture in the notebook; later updates redraw it in place."""
        from IPython.display import Image as IPythonImage
        from IPython.display import display

        self.handle = display(IPythonImage(self.png()), display_id=True)

    def update(self, epoch, history) -> None:
        """The ``callback`` for :meth:`nnlib.mlp.MLP.fit`: redraw after this epoch."""
        self.draw(history)
        if self.handle is not None and (epoch % self.every == 0 or epoch == self.epochs):
            from IPython.display import Image as IPythonImage

            self.handle.update(IPythonImage(self.png()))


def overfitting_figure(runs):
    """Train and test accuracy (left) and test loss (right) per epoch for several runs.

    runs : dict label → :class:`nnlib.mlp.History` trained with a test set; each run
    gets its own colour, solid for the training set and dashed for the test set.
    """
    if not runs:
        raise ValueError("expected at least one run, got none")
    fig = Figure(figsize=(7.6, 3.3), dpi=DPI)
    ax_acc, ax_loss = fig.subplots(1, 2)
    colours = ["tab:red", "tab:green", "tab:purple", "tab:brown"]
    for (label, history), colour in zip(runs.items(), colours):
        epochs = np.arange(1, len(history.train_acc) + 1)
        ax_acc.plot(epochs, 100 * np.array(history.train_acc), color=colour, lw=1.6)
        ax_acc.plot(epochs, 100 * np.array(history.test_acc), color=colour, lw=1.6, ls="--")
        ax_loss.plot(epochs, history.test_loss, color=colour, lw=1.8, label=label)
    ax_acc.set_ylim(80, 100.5)
    ax_acc.set_ylabel("accuracy (%)", fontsize=11)
    ax_acc.set_title("solid: training set, dashed: test set", fontsize=11)
    ax_loss.set_ylabel("cross-entropy on the test set", fontsize=11)
    ax_loss.set_title("test loss", fontsize=11)
    ax_loss.legend(fontsize=10, loc="upper right")
    for ax in (ax_acc, ax_loss):
        ax.set_xlabel("epoch", fontsize=11)
        ax.tick_params(labelsize=10)
    fig.tight_layout(pad=0.5)
    return fig


def confusion_figure(matrix, title="test set"):
    """The confusion matrix as a grid of counts: row = true digit, column = predicted digit.

    The diagonal (right answers) is drawn in grey, every mistake in red.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or not np.issubdtype(matrix.dtype, np.integer):
        raise ValueError(f"expected a square matrix of counts, got shape {matrix.shape} of {matrix.dtype}")
    k = len(matrix)
    fig = Figure(figsize=(4.6, 4.3), dpi=DPI)
    ax = fig.subplots()
    mistakes = np.where(np.eye(k, dtype=bool), 0, matrix)
    shade = np.where(np.eye(k, dtype=bool), 0.25, np.minimum(mistakes / max(mistakes.max(), 1), 1) * 0.9)
    colours = np.where(np.eye(k, dtype=bool)[..., None], [0.85, 0.85, 0.85],
                       1 - shade[..., None] * np.array([0.0, 0.8, 0.8]))
    ax.imshow(colours, interpolation="nearest")
    for i in range(k):
        for j in range(k):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=10,
                        fontweight="bold" if i != j else "normal")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted digit", fontsize=11)
    ax.set_ylabel("true digit", fontsize=11)
    ax.set_title(title, fontsize=11)
    ax.tick_params(labelsize=10, length=0)
    fig.tight_layout(pad=0.5)
    return fig
