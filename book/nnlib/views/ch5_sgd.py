"""Chapter 5's sliders: a network trained live, and the letters' plateau."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.transforms import offset_copy

from ..activations import sigmoid
from ..checks import as_features, as_float_array, as_scalar
from ..data import PEOPLE_NAMES, PEOPLE_X, PEOPLE_Y
from ..live import Slider, View, figure
from ..network import forward, init_params

NEW_NAMES = ("Emily", "Frank")
NEW_X = np.array([[-7.0, -3.0], [20.0, 2.0]])
PEOPLE_SEED = 7  # the start used throughout the chapter; other seeds end near the same place
MAX_EPOCHS = 1000
PLANE_X, PLANE_Y = (-25.0, 35.0), (-10.0, 10.0)  # the weight-height plane shown

# The letters A, B, C on a 5 × 6 grid of pixels (# = 1), one row of the grid per line.
LETTER_NAMES = ("A", "B", "C")
LETTER_ROWS = (
    ("..##..", ".#..#.", "######", "#....#", "#....#"),
    ("#####.", "#....#", "#####.", "#....#", "#####."),
    (".#####", "#.....", "#.....", "#.....", ".#####"),
)
LETTERS_X = np.array([[c == "#" for c in "".join(rows)] for rows in LETTER_ROWS], dtype=float)  # (3, 30)
LETTERS_Y = np.eye(3)  # one-hot: A = (1, 0, 0), B = (0, 1, 0), C = (0, 0, 1)
LETTER_EPOCHS = 100


def _sigmoid(z: float) -> float:
    # the stable form of nnlib.activations.sigmoid, for one Python float
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def people_start(seed=PEOPLE_SEED, epochs=MAX_EPOCHS):
    """The start and the shuffles that ``train((2, 2, 1), seed=seed, batch_size=1)`` uses.

    Returns ``(params, orders)``: 2-2-1 ``params`` drawn with LeCun's variance 1/n_in
    (biases 0) and ``orders`` (epochs, 4), the order of the four people in each epoch.
    """
    epochs = int(epochs)
    if epochs < 0:
        raise ValueError(f"expected epochs ≥ 0, got {epochs}")
    rng = np.random.default_rng(seed)
    params = init_params((2, 2, 1), rng)
    orders = np.array([rng.permutation(4) for _ in range(epochs)], dtype=int).reshape(epochs, 4)
    return params, orders


def people_path(lr, params, orders, X=PEOPLE_X, y=PEOPLE_Y):
    """Per-example gradient descent on the 2-2-1 network with MSE, as ``train(..., batch_size=1)``.

    The nine numbers are plain Python floats, which for a network this small
    is many times faster than NumPy arrays: a thousand epochs fit in a slider move.
    params : [(W1 (2, 2), b1 (2,)), (W2 (2, 1), b2 (1,))]; orders : (epochs, n) rows of example indices.
    Returns ``thetas`` (epochs + 1, 9), the numbers (w1, ..., w6, b1, b2, b3) after each
    epoch (row 0: the start; W1 = [[w1, w3], [w2, w4]]), and ``losses`` (epochs + 1,),
    the MSE over all examples after each epoch.
    """
    lr = as_scalar(lr, "lr")
    X = as_features(X, 2, "X").reshape(-1, 2)
    y = as_float_array(y, "y").reshape(-1)
    if y.shape != (len(X),):
        raise ValueError(f"expected y with one target per example, shape ({len(X)},); got shape {y.shape}")
    (W1, b1), (W2, b2) = params
    if np.shape(W1) != (2, 2) or np.shape(b1) != (2,) or np.shape(W2) != (2, 1) or np.shape(b2) != (1,):
        raise ValueError("expected params of a 2-2-1 network, shapes (2, 2), (2,), (2, 1), (1,); got "
                         f"{np.shape(W1)}, {np.shape(b1)}, {np.shape(W2)}, {np.shape(b2)}")
    orders = np.asarray(orders)
    if orders.ndim != 2 or (orders.size and (orders.min() < 0 or orders.max() >= len(X))):
        raise ValueError(f"expected orders of shape (epochs, n) holding indices 0..{len(X) - 1}, "
                         f"got shape {orders.shape}")
    (w1, w3), (w2, w4) = np.asarray(W1, float).tolist()
    (w5,), (w6,) = np.asarray(W2, float).tolist()
    c1, c2 = np.asarray(b1, float).tolist()
    (c3,) = np.asarray(b2, float).tolist()
    xs, ys, s = X.tolist(), y.tolist(), _sigmoid
    thetas = [(w1, w2, w3, w4, w5, w6, c1, c2, c3)]
    for order in orders.tolist():
        for i in order:
            (x1, x2), t = xs[i], ys[i]
            h1, h2 = s(w1 * x1 + w2 * x2 + c1), s(w3 * x1 + w4 * x2 + c2)
            o = s(w5 * h1 + w6 * h2 + c3)
            d3 = 2.0 * (o - t) * (o * (1.0 - o))  # ∂L/∂z of the output neuron
            d1 = d3 * w5 * (h1 * (1.0 - h1))      # ∂L/∂z of h1 and of h2 (old w5, w6)
            d2 = d3 * w6 * (h2 * (1.0 - h2))
            w5, w6, c3 = w5 - lr * d3 * h1, w6 - lr * d3 * h2, c3 - lr * d3
            w1, w2, c1 = w1 - lr * d1 * x1, w2 - lr * d1 * x2, c1 - lr * d1
            w3, w4, c2 = w3 - lr * d2 * x1, w4 - lr * d2 * x2, c2 - lr * d2
        thetas.append((w1, w2, w3, w4, w5, w6, c1, c2, c3))
    thetas = np.array(thetas)
    # the loss after every epoch, all epochs at once: outputs (epochs + 1, n)
    w1, w2, w3, w4, w5, w6, c1, c2, c3 = (column[:, None] for column in thetas.T)
    x1, x2 = X[:, 0], X[:, 1]
    y_hat = sigmoid(w5 * sigmoid(w1 * x1 + w2 * x2 + c1) + w6 * sigmoid(w3 * x1 + w4 * x2 + c2) + c3)
    return thetas, np.mean((y - y_hat) ** 2, axis=1)


def theta_params(theta):
    """The nine numbers (w1, ..., w6, b1, b2, b3) as 2-2-1 ``params`` for :func:`nnlib.network.forward`."""
    theta = as_float_array(theta, "theta")
    if theta.shape != (9,):
        raise ValueError(f"expected theta of shape (9,), got shape {theta.shape}")
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = theta
    return [(np.array([[w1, w3], [w2, w4]]), np.array([b1, b2])), (np.array([[w5], [w6]]), np.array([b3]))]


def plane_grid(n=100):
    """Points of the weight-height plane shown: (x1, x2) meshes (n, n) and the points (n·n, 2)."""
    X1, X2 = np.meshgrid(np.linspace(*PLANE_X, n), np.linspace(*PLANE_Y, n))
    return X1, X2, np.column_stack([X1.ravel(), X2.ravel()])


class PeopleTrainingView(View):
    """Left: the loss per epoch of the 2-2-1 network trained one person at a time.
    Right: its output over the weight-height plane after the chosen epoch."""

    alt = ("Two panels. Left: the training loss per epoch on a log scale, with a dot at the chosen epoch. "
           "Right: a heat map of the network's output over the weight-height plane, red near 1 (female) and "
           "blue near 0 (male), with the four people as circles and Emily and Frank as stars.")

    sliders = {
        "lr": Slider(0.001, 10.0, 0.1, 0.1, "learning rate η", log=True),
        "epochs": Slider(0, MAX_EPOCHS, MAX_EPOCHS, 10, "epochs", integer=True),
    }
    LOSS_FLOOR = 1e-5  # the loss axis starts here; smaller losses sit on the floor
    # (it ends at 30, above any MSE of outputs in [0, 1], to leave room for the readout)

    def build(self):
        self.start, self.orders = people_start()
        self.runs = {}  # learning rate -> (thetas, losses): moving only the epoch slider is a slice
        self.fig, (self.ax_loss, self.ax_plane) = figure(8.6, 3.4, ncols=2)
        self.fig.subplots_adjust(left=0.09, right=0.9, bottom=0.16, top=0.9, wspace=0.3)
        ax = self.ax_loss
        (self.curve,) = ax.plot([], [], color="tab:purple", lw=1.5)
        (self.now,) = ax.plot([], [], "o", ms=8, color="gold", mec="black", zorder=3)
        self.readout = ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=10,
                               family="monospace", bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
        ax.set(xlim=(0, MAX_EPOCHS), ylim=(self.LOSS_FLOOR, 30.0), yscale="log", xlabel="epoch",
               ylabel="MSE on the four people", title="loss while training")

        ax = self.ax_plane
        self.X1, self.X2, self.points = plane_grid()
        self.heat = ax.imshow(np.zeros_like(self.X1), origin="lower", extent=(*PLANE_X, *PLANE_Y),
                              cmap="coolwarm", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        self.fig.colorbar(self.heat, ax=ax, fraction=0.05, pad=0.02, label="output (1 = F)")
        # The heat map is redrawn on every move, so whatever sits on top of it must be redrawn too.
        on_top = [ax.plot(*PEOPLE_X[PEOPLE_Y == 1].T, "o", ms=8, color="tab:red", mec="black")[0],
                  ax.plot(*PEOPLE_X[PEOPLE_Y == 0].T, "o", ms=8, color="tab:blue", mec="black")[0],
                  ax.plot(*NEW_X.T, "*", ms=13, color="white", mec="black")[0]]
        beside = offset_copy(ax.transData, fig=self.fig, x=5, y=4, units="points")
        for (x1, x2), name in zip([*PEOPLE_X, *NEW_X], PEOPLE_NAMES + NEW_NAMES):
            # a Text with an offset transform draws in half the time of an annotation
            on_top.append(ax.text(x1, x2, name, transform=beside, fontsize=10))
        ax.set(xlim=PLANE_X, ylim=PLANE_Y, xlabel="weight − 135 (lb)", ylabel="height − 66 (in)",
               title="output over the plane")
        self.moving = [self.curve, self.now, self.readout, self.heat, *on_top]

    def run(self, lr):
        """Thetas and losses for every epoch at this learning rate (trained once, then kept)."""
        if lr not in self.runs:
            if len(self.runs) >= 64:
                self.runs.clear()
            self.runs[lr] = people_path(lr, self.start, self.orders)
        return self.runs[lr]

    def draw(self, lr, epochs):
        thetas, losses = self.run(lr)
        t = np.arange(epochs + 1)
        shown = np.maximum(losses[: epochs + 1], self.LOSS_FLOOR)
        self.curve.set_data(t, shown)
        self.now.set_data([epochs], [shown[-1]])
        params = theta_params(thetas[epochs])
        self.heat.set_data(forward(self.points, params)[0].reshape(self.X1.shape))
        emily, frank = forward(NEW_X, params)[0].ravel()
        self.readout.set_text(f"η = {lr:.3g}, epoch {epochs}\nloss  {losses[epochs]:.5f}\n"
                              f"Emily {emily:.3f}\nFrank {frank:.3f}")


def letters_run(lr, seed, epochs=LETTER_EPOCHS, X=LETTERS_X, Y=LETTERS_Y, hidden=5, loss="mse"):
    """Train the letter network: sigmoid hidden layer, no biases, one example at a time, N(0, 1) start.

    ``loss="mse"``: three sigmoid outputs and the mean squared error, the numbers of
    ``train(X, Y, (30, hidden, 3), lr, epochs, seed, batch_size=1, init="normal",
    train_biases=False)``. ``loss="ce"``: a softmax output and cross-entropy, the numbers
    of the same call with ``loss="ce", output="softmax"``. Both in a loop stripped to the
    dozen NumPy operations a step needs, fast enough for a slider.
    X : (n, n_inputs); Y : (n, n_classes) one-hot.
    Returns a dict of "loss" (that loss) and "accuracy" per epoch, each (epochs + 1,).
    """
    lr = as_scalar(lr, "lr")
    if loss not in ("mse", "ce"):
        raise ValueError(f"expected loss 'mse' (sigmoid outputs) or 'ce' (softmax), got {loss!r}")
    X = as_float_array(X, "X")
    Y = as_float_array(Y, "Y")
    if X.ndim != 2 or Y.ndim != 2 or len(X) != len(Y):
        raise ValueError(f"expected X (n, n_inputs) and Y (n, n_classes) with the same n, got shapes "
                         f"{X.shape} and {Y.shape}")
    epochs = int(epochs)
    if epochs < 0:
        raise ValueError(f"expected epochs ≥ 0, got {epochs}")
    rng = np.random.default_rng(int(seed))
    (W1, _), (W2, _) = init_params((X.shape[1], int(hidden), Y.shape[1]), rng, "normal")
    step = lr * 2.0 / Y.shape[1]  # lr times ∂MSE/∂ŷ = 2(ŷ − y)/n_classes for one example
    W1s, W2s = [W1], [W2]
    with np.errstate(over="ignore"):  # exp(-z) = inf for z < -709 gives σ = 0, as it should
        for _ in range(epochs):
            for i in rng.permutation(len(X)).tolist():
                x, y = X[i], Y[i]
                h = 1.0 / (1.0 + np.exp(-(x @ W1)))
                z2 = h @ W2
                if loss == "mse":
                    y_hat = 1.0 / (1.0 + np.exp(-z2))
                    lr_dL_dz2 = step * (y_hat - y) * (y_hat * (1.0 - y_hat))
                else:  # softmax and cross-entropy: ∂L/∂z = ŷ − y (Chapter 3)
                    e = np.exp(z2 - z2.max())
                    lr_dL_dz2 = lr * (e / e.sum() - y)
                lr_dL_dz1 = (W2 @ lr_dL_dz2) * (h * (1.0 - h))
                W2 = W2 - np.outer(h, lr_dL_dz2)
                W1 = W1 - np.outer(x, lr_dL_dz1)
            W1s.append(W1)
            W2s.append(W2)
        # every epoch's outputs on every example at once: (epochs + 1, n, n_classes)
        H = 1.0 / (1.0 + np.exp(-np.einsum("ni,eij->enj", X, np.array(W1s))))
        Z2 = np.einsum("enj,ejk->enk", H, np.array(W2s))
        if loss == "mse":
            Y_hat = 1.0 / (1.0 + np.exp(-Z2))
            losses = np.mean((Y - Y_hat) ** 2, axis=(1, 2))
        else:
            log_p = Z2 - Z2.max(axis=2, keepdims=True)
            log_p = log_p - np.log(np.exp(log_p).sum(axis=2, keepdims=True))
            Y_hat = np.exp(log_p)
            # as nnlib.losses.cross_entropy, which clips the probabilities at 1e-12
            losses = -np.mean(np.sum(Y * np.maximum(log_p, np.log(1e-12)), axis=2), axis=1)
    return {"loss": losses, "accuracy": np.mean(Y_hat.argmax(axis=2) == Y.argmax(axis=1), axis=1)}


def plateau_length(accuracy, level=2 / 3):
    """How many epochs the accuracy history sits at ``level`` (e.g. two letters of three right)."""
    accuracy = as_float_array(accuracy, "accuracy")
    if accuracy.ndim != 1:
        raise ValueError(f"expected accuracy as a vector (epochs + 1,), got shape {accuracy.shape}")
    return int(np.sum(np.isclose(accuracy, level)))


def first_all_right(accuracy):
    """The first epoch after which every example is classified right, or None if none is."""
    accuracy = as_float_array(accuracy, "accuracy")
    if accuracy.ndim != 1:
        raise ValueError(f"expected accuracy as a vector (epochs + 1,), got shape {accuracy.shape}")
    done = np.flatnonzero(accuracy == 1.0)
    return int(done[0]) if done.size else None


RUN_STYLES = {  # the two letter runs side by side: loss -> (label, colour, line style)
    "mse": ("3 sigmoids + MSE", "tab:green", "-"),
    "ce": ("softmax + cross-entropy", "tab:orange", "--"),
}


def when_all_right(accuracy) -> str:
    """"epoch 55" or "never" for :func:`first_all_right` of this accuracy history."""
    done = first_all_right(accuracy)
    return "never" if done is None else f"epoch {done}"


class LettersPlateauView(View):
    """Left: accuracy per epoch of the letter network, trained with three sigmoids and MSE
    and with a softmax and cross-entropy from the same start. Right: each run's loss."""

    alt = ("Two panels. Left: the share of the three letters classified right after each of 100 epochs, "
           "a staircase from one third to one, for two runs from the same start: three sigmoid outputs "
           "with the mean squared error (solid green) and a softmax output with cross-entropy (dashed "
           "orange). Right: each run's loss per epoch on a log scale.")

    sliders = {
        "lr": Slider(0.01, 3.0, 0.1, 0.05, "learning rate η", log=True),
        "seed": Slider(0, 9, 0, 1, "start (seed)", integer=True),
    }
    LOSS_RANGE = (1e-3, 3.0)  # losses below the floor sit on it

    def build(self):
        self.runs = {}  # (lr, seed, loss) -> history
        self.fig, (self.ax_acc, self.ax_loss) = figure(9.0, 3.6, ncols=2)
        self.fig.subplots_adjust(left=0.085, right=0.975, bottom=0.15, top=0.8, wspace=0.3)
        epochs = np.arange(LETTER_EPOCHS + 1)
        self.title = self.fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=12)
        ax = self.ax_acc
        for level in (1 / 3, 2 / 3, 1):
            ax.axhline(100 * level, color="grey", lw=0.6, ls=":")
        self.acc, self.loss = {}, {}
        for loss, (label, colour, style) in RUN_STYLES.items():
            (self.acc[loss],) = ax.step(epochs, np.zeros(len(epochs)), where="post", color=colour, ls=style,
                                        lw=2, label=label)
            (self.loss[loss],) = self.ax_loss.plot(epochs, np.ones(len(epochs)), color=colour, ls=style,
                                                   lw=1.8, label=label)
        ax.set(xlim=(0, LETTER_EPOCHS), ylim=(-3, 105), xlabel="epoch", ylabel="accuracy (%)",
               yticks=[0, 100 / 3, 200 / 3, 100], yticklabels=["0", "33.3", "66.7", "100"])
        ax.set_title("letters right", fontsize=11)
        ax.legend(loc="lower right", fontsize=10)
        ax = self.ax_loss
        ax.set(xlim=(0, LETTER_EPOCHS), ylim=self.LOSS_RANGE, yscale="log", xlabel="epoch",
               ylabel="loss (each run's own)")
        ax.set_title("loss", fontsize=11)
        self.moving = [*self.acc.values(), *self.loss.values(), self.title]

    def run(self, lr, seed, loss):
        """One run's history (trained once, then kept: moving back to a setting is instant)."""
        key = (lr, seed, loss)
        if key not in self.runs:
            if len(self.runs) >= 128:
                self.runs.clear()
            self.runs[key] = letters_run(lr, seed, loss=loss)
        return self.runs[key]

    def draw(self, lr, seed):
        when = {}
        for loss in RUN_STYLES:
            history = self.run(lr, seed, loss)
            self.acc[loss].set_ydata(100 * history["accuracy"])
            self.loss[loss].set_ydata(np.clip(history["loss"], *self.LOSS_RANGE))
            when[loss] = when_all_right(history["accuracy"])
        self.title.set_text(f"η = {lr:.3g}, seed {seed}. All three letters right from: "
                            f"{when['mse']} (MSE), {when['ce']} (cross-entropy)")
