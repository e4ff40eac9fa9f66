"""Chapter 6's slider: the digit network trained with another learning rate, hidden layer or batch.

Training a run takes from a few hundredths of a second to about half a second,
too long for a slider move. So every run lies on a grid (learning rates a
quarter of a decade apart, hidden sizes and batch sizes powers of 2), is
trained once per Python process and kept in memory; building the view trains
every run along each slider through the start values up front, which is what
a reader reaches by moving one slider at a time. Other combinations are
trained when first asked for.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..data import digits_split
from ..live import Slider, View, figure
from ..mlp import MLP

EPOCHS = 15
SEED = 0
LR_GRID = (0.01, 3.1623, 0.25)        # min, max and step in decades: 0.01, 0.0178, ..., 3.16
HIDDEN_GRID = (2, 512)                # 2, 4, 8, ..., 512 hidden neurons
BATCH_GRID = (4, 1024)                # 4, 8, ..., 1024 examples per step
LR_START, HIDDEN_START, BATCH_START = 0.316227766017, 64, 32  # η = 10^(−1/2)


def snap_lr(lr) -> float:
    """The grid's learning rate nearest ``lr`` (in the exponent): 10^(−2 + k/4)."""
    low, high, step = LR_GRID
    k = round((math.log10(lr) - math.log10(low)) / step)
    k = min(max(k, 0), round((math.log10(high) - math.log10(low)) / step))
    return float(f"{10 ** (math.log10(low) + k * step):.4g}")


def snap_power_of_2(value, low, high) -> int:
    """The power of 2 between ``low`` and ``high`` nearest ``value`` (in the exponent)."""
    return int(min(max(2 ** round(math.log2(value)), low), high))


@lru_cache(maxsize=None)
def digits_run(lr: float, hidden: int, batch_size: int, epochs: int = EPOCHS, seed: int = SEED):
    """Train the 64-``hidden``-10 ReLU network (He start, ``seed``) on the digits of
    :func:`nnlib.data.digits_split` with :meth:`nnlib.mlp.MLP.fit`, and keep the result.

    Returns a dict of arrays (epochs + 1,), index 0 before training: "train_acc",
    "test_acc", "train_loss", "test_loss" (mean cross-entropy), and "steps", the
    number of SGD steps taken by the end of each epoch.
    """
    X_train, X_test, y_train, y_test = digits_split()
    net = MLP((64, int(hidden), 10), hidden="relu", init="he", seed=seed)
    start = (net.accuracy(X_train, y_train), net.accuracy(X_test, y_test),
             net.loss(X_train, y_train), net.loss(X_test, y_test))
    history = net.fit(X_train, y_train, lr, epochs, batch_size=int(batch_size), X_test=X_test,
                      y_test=y_test)
    run = {name: np.array([first, *values]) for name, first, values in zip(
        ("train_acc", "test_acc", "train_loss", "test_loss"), start,
        (history.train_acc, history.test_acc, history.loss, history.test_loss))}
    run["steps"] = np.arange(epochs + 1) * math.ceil(len(X_train) / int(batch_size))
    for values in run.values():
        values.setflags(write=False)  # shared by every view: nobody changes a kept run
    return run


def train_cross():
    """Train every run one slider move away from the start values (kept for the process)."""
    sliders = DigitsTrainingView.sliders
    for lr in sliders["lr"].frame_values():
        digits_run(snap_lr(lr), HIDDEN_START, BATCH_START)
    for hidden in sliders["hidden"].frame_values():
        digits_run(LR_START_SNAPPED, snap_power_of_2(hidden, *HIDDEN_GRID), BATCH_START)
    for batch in sliders["batch"].frame_values():
        digits_run(LR_START_SNAPPED, HIDDEN_START, snap_power_of_2(batch, *BATCH_GRID))


LR_START_SNAPPED = snap_lr(LR_START)


class DigitsTrainingView(View):
    """Left: train and test accuracy per epoch of the digit network. Right: its train and
    test loss. Sliders: learning rate, hidden neurons, batch size."""

    alt = ("Two panels over 15 epochs of training on the handwritten digits. Left: accuracy on the "
           "training set (solid blue) and on the test set (dashed orange), from 0 to 100 %. Right: "
           "the cross-entropy loss of each on a log scale. The title gives the learning rate, the "
           "number of hidden neurons, the batch size, the number of steps and the final test accuracy.")

    sliders = {
        "lr": Slider(LR_GRID[0], LR_GRID[1], LR_START, LR_GRID[2], "learning rate η", log=True),
        "hidden": Slider(HIDDEN_GRID[0], HIDDEN_GRID[1], HIDDEN_START, math.log10(2), "hidden neurons",
                         log=True),
        "batch": Slider(BATCH_GRID[0], BATCH_GRID[1], BATCH_START, math.log10(2), "batch size", log=True),
    }
    LOSS_RANGE = (0.003, 10.0)  # losses outside sit on the edge

    def build(self):
        train_cross()
        self.fig, (self.ax_acc, self.ax_loss) = figure(8.6, 3.5, ncols=2)
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.8, wspace=0.28)
        self.title = self.fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=11.5)
        epochs = np.arange(EPOCHS + 1)
        self.lines = {}
        for ax, kind in [(self.ax_acc, "acc"), (self.ax_loss, "loss")]:
            for part, colour, style in [("train", "tab:blue", "-"), ("test", "tab:orange", "--")]:
                (self.lines[f"{part}_{kind}"],) = ax.plot(epochs, np.ones(len(epochs)), color=colour,
                                                          ls=style, lw=2, label=f"{part} set")
        ax = self.ax_acc
        ax.axhline(100, color="grey", lw=0.6, ls=":")
        ax.set(xlim=(0, EPOCHS), ylim=(0, 103), xlabel="epoch", ylabel="accuracy (%)")
        ax.set_title("digits classified right", fontsize=11)
        ax.legend(loc="lower right", fontsize=10)
        ax = self.ax_loss
        ax.set(xlim=(0, EPOCHS), ylim=self.LOSS_RANGE, yscale="log", xlabel="epoch",
               ylabel="cross-entropy")
        ax.set_title("loss", fontsize=11)
        self.moving = [*self.lines.values(), self.title]

    def settings(self, lr, hidden, batch):
        """The grid point a slider setting stands for: (lr, hidden, batch)."""
        return (snap_lr(lr), snap_power_of_2(hidden, *HIDDEN_GRID), snap_power_of_2(batch, *BATCH_GRID))

    def draw(self, lr, hidden, batch):
        lr, hidden, batch = self.settings(lr, hidden, batch)
        run = digits_run(lr, hidden, batch)
        for part in ("train", "test"):
            self.lines[f"{part}_acc"].set_ydata(100 * run[f"{part}_acc"])
            loss = np.nan_to_num(run[f"{part}_loss"], nan=self.LOSS_RANGE[1], posinf=self.LOSS_RANGE[1])
            self.lines[f"{part}_loss"].set_ydata(np.clip(loss, *self.LOSS_RANGE))
        ending = (f"test accuracy {run['test_acc'][-1]:.1%}" if np.isfinite(run["test_loss"][-1])
                  else "the loss blew up (diverged)")
        self.title.set_text(f"η = {lr:.3g}, {hidden} hidden neurons, batch {batch}: "
                            f"{run['steps'][-1]:,} steps,\n{ending} after {EPOCHS} epochs")
