"""A tiny scalar automatic-differentiation engine (Chapter 7, "Automatic differentiation").

A :class:`Value` holds one number. Every operation on Values makes a new
Value that remembers its inputs and the *local derivative* of its result
with respect to each input (``c = a * b`` records ``∂c/∂a = b`` and
``∂c/∂b = a``). :meth:`Value.backward` then walks the graph from the output
back to the inputs in reverse topological order and applies the chain rule:
each input's gradient grows by (local derivative) × (gradient of the result).

The second half builds a layered network from Values, the same network as
:mod:`nnlib.network` (Chapter 2) and :mod:`nnlib.mlp` (Chapter 6), one
number at a time, so that Chapter 7 can compare its gradients with theirs.

    >>> x = Value(3.0)
    >>> y = x * x + x
    >>> y.backward()
    >>> x.grad          # dy/dx = 2x + 1
    7.0
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _number(value, what: str) -> float:
    """``value`` as a finite float, or an error that says what arrived instead."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"expected {what} to be a number or a Value, got {type(value).__name__} {value!r}")
    if isinstance(value, np.ndarray):
        if value.shape != ():
            raise TypeError(f"expected {what} to be one number (a Value is a scalar), got an array of shape "
                            f"{value.shape}: make one Value per entry")
        return _number(value.item(), what)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"expected {what} to be a finite number, got {value}")
    return value


class Value:
    """One number, the operations that made it, and the gradient of the output with respect to it.

    data : the number (a float).  grad : ∂(output)/∂(this value), filled in by
    :meth:`backward` (0.0 until then).  inputs : the Values this one was
    computed from.  local_grads : ∂(this value)/∂(each input), in the same order.
    op : the operation's name (for the drawings).  label : an optional name.
    """

    __array_ufunc__ = None  # numpy_number + Value: let Value's own __radd__ answer, not NumPy

    def __init__(self, data, inputs=(), local_grads=(), op: str = "", label: str = ""):
        self.data = _number(data, "the data of a Value")
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self.local_grads = tuple(local_grads)
        self.op = op
        self.label = label

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # -- operations: compute the value, record each input and its local derivative ------
    def __add__(self, other):
        other = as_value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __sub__(self, other):
        other = as_value(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0), "−")

    def __mul__(self, other):
        other = as_value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "×")

    def __truediv__(self, other):
        other = as_value(other)
        if other.data == 0:
            raise ZeroDivisionError(f"division by a Value equal to 0 ({self.data:g} / 0)")
        a, b = self.data, other.data
        return Value(a / b, (self, other), (1 / b, -a / b**2), "÷")

    def __pow__(self, k):
        if isinstance(k, Value):
            raise TypeError("x ** y takes a number y, not a Value; write (y * x.log()).exp() for x > 0")
        k, a = _number(k, "the exponent"), self.data
        if a < 0 and not k.is_integer():
            raise ValueError(f"{a:g} ** {k:g} is not a real number: a negative base needs a whole exponent")
        if a == 0 and k < 1:
            raise ValueError(f"0 ** {k:g} has no finite derivative at 0 (k·0^(k−1)); expected k ≥ 1")
        return Value(a**k, (self,), (k * a ** (k - 1),), f"**{k:g}")

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):  # 2 + x, and sum() which starts from 0
        return self + other

    def __rsub__(self, other):  # 2 − x
        return as_value(other) - self

    def __rmul__(self, other):  # 2 × x
        return self * other

    def __rtruediv__(self, other):  # 2 ÷ x
        return as_value(other) / self

    def exp(self):
        if self.data > 709.0:  # e^709.8 is the largest float
            raise ValueError(f"exp({self.data:g}) overflows a float (largest about e^709)")
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log of a non-positive value: log({self.data:g}) is undefined; expected a number > 0")
        return Value(math.log(self.data), (self,), (1 / self.data,), "log")

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,), "tanh")

    def sigmoid(self):
        z = self.data
        s = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))  # no overflow
        return Value(s, (self,), (s * (1 - s),), "σ")

    def relu(self):
        return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,), "ReLU")

    # -- the backward pass -----------------------------------------------------------------
    def backward(self):
        """Fill in ``grad`` of every Value this one was computed from: ∂self/∂(that Value).

        Refuses to run on a graph that already holds gradients (an earlier
        ``backward()``, here or on a graph sharing Values with this one): they
        would add up. Call :meth:`zero_grad` first.
        """
        order = topological_order(self)
        dirty = [node for node in order if node.grad != 0]
        if dirty:
            raise RuntimeError(f"backward() on a graph that already holds gradients ({len(dirty)} Values have "
                               "grad ≠ 0, from an earlier backward()); call zero_grad() first, or they add up")
        self.grad = 1.0  # ∂self/∂self
        for node in reversed(order):  # every Value before the Values it was computed from
            for child, local in zip(node.inputs, node.local_grads):
                child.grad += local * node.grad  # += : a Value used twice collects both shares

    def zero_grad(self):
        """Set ``grad`` to 0 for this Value and every Value it was computed from."""
        for node in topological_order(self):
            node.grad = 0.0


def as_value(x) -> Value:
    """``x`` itself if it is a Value, else a new Value holding the number ``x``."""
    return x if isinstance(x, Value) else Value(_number(x, "the other operand"))


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each after all of its inputs; ``root`` comes last.

    Depth-first, with an explicit stack instead of recursion, so that a graph
    thousands of operations deep does not hit Python's recursion limit.
    """
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))  # comes back here after its inputs
            stack.extend((child, False) for child in reversed(node.inputs) if id(child) not in seen)
    return order


class Values(list):
    """A list of Values, such as the outputs of a layer. It has no gradient of its own."""

    def backward(self):
        raise ValueError(f"backward() needs one number, the loss; these are {len(self)} Values. "
                         "Reduce them to one Value first, e.g. sum(values) or a loss function")

    @property
    def data(self) -> np.ndarray:
        return np.array([v.data for v in self])


# -- a layered network, one number at a time -------------------------------------------------
def add_all(values) -> Value:
    """values[0] + values[1] + …, like ``sum`` but without sum's starting 0 (one node fewer)."""
    values = list(values)
    if not values:
        raise ValueError("expected at least one Value to add up, got none")
    total = as_value(values[0])
    for v in values[1:]:
        total = total + v
    return total


ACTIVATIONS = {"sigmoid": Value.sigmoid, "tanh": Value.tanh, "relu": Value.relu, "linear": lambda v: v}


def parameters(params, names=("W", "b")) -> list[tuple[list[list[Value]], list[Value]]]:
    """A network's ``[(W, b), ...]`` (NumPy, as :mod:`nnlib.network`) as Values, labelled W1[0,0]…."""
    out = []
    for layer, (W, b) in enumerate(params, start=1):
        W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(f"expected layer {layer} as W (n_in, n_out) and b (n_out,), got shapes {W.shape}, "
                             f"{b.shape}")
        W_values = [[Value(W[i, j], label=f"{names[0]}{layer}[{i},{j}]") for j in range(W.shape[1])]
                    for i in range(W.shape[0])]
        out.append((W_values, [Value(b[j], label=f"{names[1]}{layer}[{j}]") for j in range(len(b))]))
    return out


def dense(x, W, b, activation: str = "sigmoid") -> Values:
    """One layer: h_j = activation(Σ_i x_i·W[i][j] + b_j), for inputs ``x`` (Values or numbers)."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"expected activation one of {sorted(ACTIVATIONS)}, got {activation!r}")
    if len(x) != len(W):
        raise ValueError(f"expected {len(W)} inputs for this layer, got {len(x)}")
    f = ACTIVATIONS[activation]
    return Values(f(add_all([row[j] * x_i for x_i, row in zip(x, W)]) + b[j]) for j in range(len(b)))


def forward(x, params, hidden: str = "sigmoid", output: str = "sigmoid") -> Values:
    """Run one example ``x`` through every layer; ``params`` from :func:`parameters`."""
    x = [as_value(v) for v in x]  # one leaf per input, however many weights use it
    for number, (W, b) in enumerate(params, start=1):
        x = dense(x, W, b, output if number == len(params) else hidden)
    return x


def cross_entropy(logits, label: int) -> Value:
    """−log softmax(logits)[label], computed as log Σ_k e^(z_k − m) − (z_label − m) with m = max z_k.

    Subtracting the constant m changes nothing but keeps every exponent ≤ 0 (Chapter 2's softmax).
    """
    if isinstance(label, (bool, np.bool_)) or not isinstance(label, (numbers.Integral, np.integer)) \
            or not 0 <= label < len(logits):
        raise ValueError(f"expected label to be a class number 0 to {len(logits) - 1}, got {label!r}")
    m = max(z.data for z in logits)
    return add_all([(z - m).exp() for z in logits]).log() - (logits[label] - m)


def gradients(params) -> list[tuple[np.ndarray, np.ndarray]]:
    """The ``grad`` of every parameter Value as ``[(dW, db), ...]``, NumPy arrays shaped like the params."""
    return [(np.array([[w.grad for w in row] for row in W]), np.array([v.grad for v in b])) for W, b in params]
