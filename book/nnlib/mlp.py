"""A vectorised multilayer network trained in mini-batches (Chapter 6, "From toy to real").

The 2-2-1 network of Chapters 2 to 5, grown up: any number of layers,
sigmoid, tanh or ReLU hidden layers, a softmax output with cross-entropy,
and one matrix product per layer for a whole mini-batch of examples.

Conventions, as in :mod:`nnlib.network`: ``X`` is (n, n_features), one
example a row; a layer's ``W`` is (n_in, n_out), ``b`` is (n_out,), and
``Z = X @ W + b``. Labels ``y`` are integers 0..k−1, shape (n,).

Backpropagation for a whole batch, the four equations of Chapter 6
(δ_l = ∂L/∂Z_l, one row per example):

    δ_L = (P − Y) / n                      output error, softmax + cross-entropy
    δ_l = (δ_{l+1} @ W_{l+1}ᵀ) ⊙ f′(Z_l)   error of a hidden layer
    ∂L/∂W_l = H_{l−1}ᵀ @ δ_l (+ λ·W_l)     weights (+ L2 weight decay)
    ∂L/∂b_l = Σ over the batch of δ_l      biases
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import time
from dataclasses import dataclass, field

import numpy as np

from .checks import as_float_array, as_scalar
from .network import init_params

HIDDEN = ("sigmoid", "tanh", "relu")
INITS = ("he", "xavier", "lecun")


# Each hidden activation as f(Z) and f′ written with H = f(Z), which the forward pass
# keeps anyway: σ′ = H(1 − H), tanh′ = 1 − H², ReLU′ = 1 where H > 0 (0 at the kink).
def _sigmoid(Z):
    e = np.exp(-np.abs(Z))  # never overflows
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


_FUNCTIONS = {
    "sigmoid": (_sigmoid, lambda H: H * (1.0 - H)),
    "tanh": (np.tanh, lambda H: 1.0 - H * H),
    "relu": (lambda Z: np.maximum(Z, 0.0), lambda H: H > 0.0),  # True acts as 1
}


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))  # same result, no overflow
    return e / e.sum(axis=1, keepdims=True)


def _one_blas_thread():
    """Matrix products on one thread (threadpoolctl, when installed).

    A network this size multiplies small matrices thousands of times per epoch;
    splitting each product across threads costs more than it saves, and on a
    busy machine much more (measured on two shared cores: training two to three
    times slower, one forward pass over 1,437 digits ten times slower, with
    OpenBLAS's default of two threads).
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - scikit-learn brings it along
            return contextlib.nullcontext()
        _CONTROLLER = ThreadpoolController()  # finds the BLAS libraries once
    return _CONTROLLER.limit(limits=1, user_api="blas")


_CONTROLLER = None


def _single_threaded(method):
    """Run ``method`` with :func:`_one_blas_thread`."""
    @functools.wraps(method)
    def wrapped(*args, **kwargs):
        with _one_blas_thread():
            return method(*args, **kwargs)
    return wrapped


def _whole(value, name: str, low: int) -> int:
    """``value`` as an int ≥ ``low``, or a ValueError naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ValueError(f"expected {name} to be a whole number ≥ {low}, got {value!r}")
    if value < low:
        raise ValueError(f"expected {name} to be a whole number ≥ {low}, got {value}")
    return int(value)


@dataclass
class History:
    """What :meth:`MLP.fit` records, one entry per epoch (after that epoch's steps).

    loss: the training objective on the whole training set (mean cross-entropy
    plus the L2 term); train_acc, test_acc: shares classified right; test_loss:
    mean cross-entropy on the test set; test_* stay empty without a test set.
    epoch_seconds: wall time of each epoch's training steps only.
    """

    loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    epoch_seconds: list = field(default_factory=list)


class MLP:
    """A fully connected network with a softmax output, trained with plain mini-batch SGD.

    sizes : layer sizes, inputs first, e.g. (64, 64, 10): 64 inputs, one hidden
        layer of 64 neurons, 10 classes (at least 2).
    hidden : the hidden layers' activation, "sigmoid", "tanh" or "relu".
    init : the start's spread (see :func:`nnlib.network.init_params`): "he"
        (variance 2/n_in, for ReLU), "xavier" (2/(n_in + n_out)) or "lecun" (1/n_in).
    seed : seeds the random start; biases start at 0.
    """

    def __init__(self, sizes=(64, 64, 10), hidden: str = "relu", init: str = "he", seed: int = 0):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"expected sizes as at least two layer sizes like (64, 64, 10), got {sizes!r}")
        sizes = tuple(_whole(s, "every layer size", 1) for s in sizes)
        if sizes[-1] < 2:
            raise ValueError(f"expected at least 2 classes in the output layer (softmax), got {sizes[-1]}")
        if hidden not in HIDDEN:
            raise ValueError(f"expected hidden one of {HIDDEN}, got {hidden!r}")
        if init not in INITS:
            raise ValueError(f"expected init one of {INITS}, got {init!r}")
        self.sizes, self.hidden, self.init = sizes, hidden, init
        self.seed = _whole(seed, "seed", 0)
        self.params = init_params(sizes, np.random.default_rng(self.seed), init)

    def __repr__(self):
        return f"MLP(sizes={self.sizes}, hidden={self.hidden!r}, init={self.init!r}, seed={self.seed})"

    # -- checks, once per call, before any arithmetic --------------------
    def _features(self, X, name="X") -> np.ndarray:
        X = as_float_array(X, name)
        n_in = self.sizes[0]
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(f"expected {name} with {n_in} features, shape (n, {n_in}); got shape {X.shape}")
        if len(X) == 0:
            raise ValueError(f"expected {name} with at least one example, got an empty array {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError(f"expected {name} without inf, got {int(np.isinf(X).sum())} infinite value(s)")
        return X

    def _labels(self, y, n: int, name="y") -> np.ndarray:
        k = self.sizes[-1]
        array = np.asarray(y)
        if array.dtype == bool or not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
            raise ValueError(f"expected {name} as integer labels 0..{k - 1}, got an array of {array.dtype}")
        if array.shape != (n,):
            raise ValueError(f"expected {name} with one label per example, shape ({n},); got shape {array.shape}")
        if not np.isfinite(array).all() or np.any(array != np.round(array)):
            raise ValueError(f"expected {name} as integer labels 0..{k - 1}, got non-integer values")
        if array.min() < 0 or array.max() > k - 1:
            raise ValueError(f"expected {name} as labels 0..{k - 1} ({k} classes), got values from "
                             f"{array.min():g} to {array.max():g}")
        return array.astype(np.intp)

    def _pair(self, X, y, names=("X", "y")):
        X = self._features(X, names[0])
        return X, self._labels(y, len(X), names[1])

    # -- the network ---------------------------------------------------------
    def _forward(self, X):
        f = _FUNCTIONS[self.hidden][0]
        H, Zs, Hs = X, [], [X]
        last = len(self.params) - 1
        for i, (W, b) in enumerate(self.params):
            Z = H @ W + b
            H = _softmax(Z) if i == last else f(Z)
            Zs.append(Z)
            Hs.append(H)
        return H, {"Z": Zs, "H": Hs}

    @_single_threaded
    def forward(self, X):
        """The batch through every layer: returns ``(P, cache)``.

        P : (n, k) class probabilities, each row summing to 1.
        cache : {"Z": [Z1, ..., ZL], "H": [X, H1, ..., P]}, the values the backward
        pass reads (as :func:`nnlib.network.forward` returns them).
        """
        return self._forward(self._features(X))

    def _objective(self, P, y, l2):
        # mean cross-entropy; log of the probability of the right class, clipped as in nnlib.losses
        ce = -np.mean(np.log(np.maximum(P[np.arange(len(y)), y], 1e-12)))
        if l2:
            ce += 0.5 * l2 * sum(float(np.sum(W * W)) for W, _ in self.params)
        return float(ce)

    def _backward(self, cache, y, l2):
        f_prime = _FUNCTIONS[self.hidden][1]
        Hs, P = cache["H"], cache["H"][-1]
        delta = P.copy()                      # (n, k)
        delta[np.arange(len(y)), y] -= 1.0    # P − Y with Y one-hot
        delta /= len(y)                       # δ_L = (P − Y)/n: the loss is a mean
        grads = []
        for layer in range(len(self.params) - 1, -1, -1):
            W = self.params[layer][0]
            dW = Hs[layer].T @ delta          # (n_in, n_out)
            if l2:
                dW += l2 * W
            grads.append((dW, delta.sum(axis=0)))
            if layer > 0:
                delta = (delta @ W.T) * f_prime(Hs[layer])  # (n, n_in)
        return grads[::-1]

    def _l2(self, l2) -> float:
        l2 = as_scalar(l2, "l2")
        if l2 < 0:
            raise ValueError(f"expected l2 ≥ 0 (the weight decay λ), got {l2}")
        return l2

    @_single_threaded
    def loss(self, X, y, l2=0.0) -> float:
        """Mean cross-entropy of the batch, plus l2/2 · Σ‖W‖² (biases not decayed)."""
        l2 = self._l2(l2)
        X, y = self._pair(X, y)
        return self._objective(self._forward(X)[0], y, l2)

    @_single_threaded
    def loss_and_gradients(self, X, y, l2=0.0):
        """``(loss, grads)``: the loss of :meth:`loss` and its gradient for every (W, b).

        grads : list of (dW, db) with the shapes of ``params``, first layer first.
        """
        l2 = self._l2(l2)
        X, y = self._pair(X, y)
        P, cache = self._forward(X)
        return self._objective(P, y, l2), self._backward(cache, y, l2)

    def predict_proba(self, X) -> np.ndarray:
        """(n, k): the probability of each class for each example."""
        return self.forward(X)[0]

    def predict(self, X) -> np.ndarray:
        """(n,) int: the most probable class of each example."""
        return self.predict_proba(X).argmax(axis=1)

    @_single_threaded
    def accuracy(self, X, y) -> float:
        """The share of examples whose most probable class is their label."""
        X, y = self._pair(X, y)
        return float(np.mean(self._forward(X)[0].argmax(axis=1) == y))

    # -- training -----------------------------------------------------------
    def _step(self, X, Y, lr, l2):
        """One SGD step on the batch (X, Y), unchecked: the inner loop of :meth:`fit`.

        Y holds the batch's labels one-hot, (n, k). The arithmetic of
        :meth:`loss_and_gradients` and θ ← θ − lr·∂L/∂θ, arranged for speed (a
        batch of 32 takes tens of microseconds, most of it NumPy's cost per call):
        results are updated in place, and δ_L is multiplied by lr once, so every
        gradient below comes out already multiplied by lr (each is linear in δ_L).
        """
        f, f_prime = _FUNCTIONS[self.hidden]
        Hs = [X]
        for W, b in self.params[:-1]:
            Z = Hs[-1] @ W
            Z += b
            Hs.append(f(Z))
        W, b = self.params[-1]
        delta = Hs[-1] @ W  # Z_L, turned into P = softmax(Z_L) in place
        delta += b
        delta -= delta.max(axis=1, keepdims=True)
        np.exp(delta, out=delta)
        delta /= delta.sum(axis=1, keepdims=True)
        delta -= Y
        delta *= lr / len(Y)  # lr·δ_L = lr·(P − Y)/n
        for layer in range(len(self.params) - 1, -1, -1):
            W, b = self.params[layer]
            if layer > 0:  # the next δ needs W before its update
                back = delta @ W.T
                back *= f_prime(Hs[layer])
            if l2:
                W *= 1.0 - lr * l2  # weight decay: the λ·W part of the gradient
            W -= Hs[layer].T @ delta
            b -= delta.sum(axis=0)
            if layer > 0:
                delta = back

    @_single_threaded
    def fit(self, X, y, lr, epochs, batch_size=32, l2=0.0, shuffle_seed=0,
            X_test=None, y_test=None, callback=None) -> History:
        """Train with plain mini-batch SGD, no momentum; returns a :class:`History`.

        Each epoch shuffles the examples with a generator seeded by ``shuffle_seed``
        and takes one step θ ← θ − lr·∂L/∂θ per ``batch_size`` examples (the last
        batch may be smaller). ``l2`` is the weight decay λ. After each epoch the
        history records the loss and accuracy on the whole training set (and the
        test set, when given), then calls ``callback(epoch, history)``, epoch
        counting from 1. Every argument is checked before the first step.
        """
        X, y = self._pair(X, y)
        lr = as_scalar(lr, "lr")
        if lr <= 0:
            raise ValueError(f"expected a learning rate lr > 0, got {lr}")
        epochs = _whole(epochs, "epochs", 1)
        batch_size = _whole(batch_size, "batch_size", 1)
        l2 = self._l2(l2)
        shuffle_seed = _whole(shuffle_seed, "shuffle_seed", 0)
        if (X_test is None) != (y_test is None):
            raise ValueError("expected both X_test and y_test, or neither")
        if X_test is not None:
            X_test, y_test = self._pair(X_test, y_test, ("X_test", "y_test"))
        if callback is not None and not callable(callback):
            raise ValueError(f"expected callback to be a function (epoch, history), got {callback!r}")

        self.params = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in self.params]
        rng = np.random.default_rng(shuffle_seed)
        history = History()
        # Too large a learning rate can blow the weights up: the history then shows
        # inf or nan for the loss, without a warning from every step.
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(1, epochs + 1):
                self._epoch(X, y, lr, batch_size, l2, rng, history, X_test, y_test)
                if callback is not None:
                    callback(epoch, history)
        return history

    def _epoch(self, X, y, lr, batch_size, l2, rng, history, X_test, y_test):
        """One pass over (X, y) in shuffled mini-batches, then the history's entries."""
        start = time.perf_counter()
        order = rng.permutation(len(X))
        X, y = X[order], y[order]  # shuffled once: then every batch is a slice, not a copy
        Y = np.zeros((len(y), self.sizes[-1]))
        Y[np.arange(len(y)), y] = 1.0  # one-hot once per epoch, not once per batch
        for first in range(0, len(X), batch_size):
            last = first + batch_size
            self._step(X[first:last], Y[first:last], lr, l2)
        history.epoch_seconds.append(time.perf_counter() - start)
        P = self._forward(X)[0]
        history.loss.append(self._objective(P, y, l2))
        history.train_acc.append(float(np.mean(P.argmax(axis=1) == y)))
        if X_test is not None:
            P_test = self._forward(X_test)[0]
            history.test_loss.append(self._objective(P_test, y_test, 0.0))
            history.test_acc.append(float(np.mean(P_test.argmax(axis=1) == y_test)))
