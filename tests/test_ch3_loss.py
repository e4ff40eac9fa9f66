"""Chapter 3 (loss): the functions behind the loss-landscape view, the chapter's derivatives and
its numbers, each against an independent reference (hand values from seed 004, sympy, finite
differences, least squares, the eigenvalues of the Hessian)."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.activations import sigmoid, sigmoid_prime
from nnlib.losses import binary_cross_entropy, binary_cross_entropy_prime, cross_entropy, mse, mse_prime
from nnlib.backprop import PAIRINGS, backward
from nnlib.network import forward, softmax
from nnlib.views.ch3_loss import (
    B_RANGE, HEIGHT_X, HEIGHT_Y, PEOPLE_RAW, PEOPLE_SHIFT, PEOPLE_Y, W_RANGE, LossLandscapeView, best_line,
    clip_path, descent_path, line_gradient, line_loss,
)


def test_people_table_is_the_sources():
    # seed 004: Alice (−2, −1) F, Bob (25, 6) M, Charlie (17, 4) M, Diana (−15, −6) F
    np.testing.assert_array_equal(PEOPLE_RAW - PEOPLE_SHIFT, [[-2, -1], [25, 6], [17, 4], [-15, -6]])
    np.testing.assert_array_equal(PEOPLE_Y, [1, 0, 0, 1])
    assert mse(np.zeros(4), PEOPLE_Y) == 0.5  # the always-0 predictor


def test_line_loss_by_hand():
    # w = 0, b = 0 predicts 0 for everyone: the loss is the mean squared height offset
    assert line_loss(0.0, 0.0) == pytest.approx(np.mean(HEIGHT_Y ** 2))
    assert line_loss(1.0, 2.0, x=[1.0, 2.0], y=[3.0, 3.0]) == pytest.approx((0 + 1) / 2)


def test_line_loss_on_a_grid_matches_point_by_point():
    W, B = np.meshgrid([-1.0, 0.5, 3.0], [-2.0, 0.0])
    grid = line_loss(W, B)
    assert grid.shape == W.shape
    for index in np.ndindex(W.shape):
        assert grid[index] == pytest.approx(mse(W[index] * HEIGHT_X + B[index], HEIGHT_Y))


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 10), st.floats(-8, 6))
def test_line_gradient_equals_finite_differences(w, b):
    h = 1e-6
    dw = (line_loss(w + h, b) - line_loss(w - h, b)) / (2 * h)
    db = (line_loss(w, b + h) - line_loss(w, b - h)) / (2 * h)
    np.testing.assert_allclose(line_gradient(w, b), (dw, db), rtol=1e-6, atol=1e-6)


def test_line_gradient_equals_sympy():
    w, b = sp.symbols("w b")
    L = sum((w * sp.Float(x) + b - sp.Float(y)) ** 2 for x, y in zip(HEIGHT_X, HEIGHT_Y)) / len(HEIGHT_X)
    at = {w: 0.7, b: -2.5}
    exact = [float(sp.diff(L, v).subs(at)) for v in (w, b)]
    np.testing.assert_allclose(line_gradient(0.7, -2.5), exact, rtol=1e-12)


def test_best_line_is_where_the_gradient_vanishes():
    w, b, loss = best_line()
    np.testing.assert_allclose(line_gradient(w, b), (0.0, 0.0), atol=1e-12)
    slope, intercept = np.polyfit(HEIGHT_X, HEIGHT_Y, 1)
    assert (w, b) == pytest.approx((slope, intercept))
    assert loss == pytest.approx(line_loss(w, b))


def test_descent_path_takes_the_steps_by_hand():
    points, losses = descent_path(-1.0, 3.0, 0.1, steps=2)
    first = np.array([-1.0, 3.0]) - 0.1 * np.array(line_gradient(-1.0, 3.0))
    second = first - 0.1 * np.array(line_gradient(*first))
    np.testing.assert_allclose(points, [[-1.0, 3.0], first, second])
    np.testing.assert_allclose(losses, [line_loss(*p) for p in points])


def test_learning_rate_threshold_is_two_over_the_largest_curvature():
    # For a quadratic loss, gradient descent converges exactly when lr < 2 / λ_max(Hessian).
    A = np.column_stack([HEIGHT_X, np.ones(4)])
    lr_max = 2 / np.linalg.eigvalsh(2 * A.T @ A / len(A)).max()
    _, _, loss_min = best_line()
    below = descent_path(-1.0, 3.0, 0.95 * lr_max, steps=400)[1]
    above = descent_path(-1.0, 3.0, 1.05 * lr_max, steps=400)[1]
    assert below[-1] == pytest.approx(loss_min, rel=1e-6)
    assert above[-1] > 1e3 * above[0]


def test_view_shows_divergence_and_convergence():
    view = LossLandscapeView(w_a=-1.0, w_b=3.0, lr=1.0)
    assert "left the view at step" in view.readout.get_text()
    assert len(view.exit.get_xdata()) == 1
    view.update(lr=0.25)
    assert "left the view" not in view.readout.get_text()
    assert len(view.exit.get_xdata()) == 0
    w_end, b_end = view.path.get_xdata()[-1], view.path.get_ydata()[-1]
    w_best, b_best, _ = best_line()
    assert (w_end, b_end) == pytest.approx((w_best, b_best), abs=0.01)


def test_clip_path_stops_at_the_edge():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [9.0, 1.0], [0.0, 0.0]])
    inside, edge, k = clip_path(points, xlim=(-2, 8), ylim=(-6, 4))
    assert k == 2
    np.testing.assert_allclose(edge, [8.0, 1.0])
    np.testing.assert_allclose(inside, [[0, 0], [1, 1], [8, 1]])
    inside, edge, k = clip_path(points[:2])
    assert edge is None and k is None and len(inside) == 2


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_clip_path_never_leaves_the_box(x, y):
    inside, _, _ = clip_path(np.array([[0.0, 0.0], [x, y]]))
    assert np.all(inside[:, 0] >= W_RANGE[0] - 1e-9) and np.all(inside[:, 0] <= W_RANGE[1] + 1e-9)
    assert np.all(inside[:, 1] >= B_RANGE[0] - 1e-9) and np.all(inside[:, 1] <= B_RANGE[1] + 1e-9)


# -- the chapter's derivatives: ∂L/∂z after a sigmoid -----------------------------------------
z_sym, y_sym = sp.symbols("z y", real=True)
SIGMA = 1 / (1 + sp.exp(-z_sym))


@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
def test_dL_dz_of_mse_and_bce_equal_sympy(target):
    z = np.linspace(-8, 8, 81)
    y_hat, y = sigmoid(z), np.full_like(z, target)
    n = z.size  # the package's losses are means: each entry carries 1/n
    exact_mse = sp.lambdify(z_sym, sp.diff((target - SIGMA) ** 2, z_sym))(z)
    exact_bce = sp.lambdify(z_sym, sp.diff(-(target * sp.log(SIGMA) + (1 - target) * sp.log(1 - SIGMA)), z_sym))(z)
    np.testing.assert_allclose(n * mse_prime(y_hat, y) * sigmoid_prime(z), exact_mse, atol=1e-12)
    np.testing.assert_allclose(n * binary_cross_entropy_prime(y_hat, y) * sigmoid_prime(z), exact_bce, atol=1e-9)


def test_bce_after_sigmoid_simplifies_to_y_hat_minus_y():
    L = -(y_sym * sp.log(SIGMA) + (1 - y_sym) * sp.log(1 - SIGMA))
    dL_dz = sp.diff(L, z_sym)
    assert sp.simplify(dL_dz - (SIGMA - y_sym)) == 0
    L_mse = (y_sym - SIGMA) ** 2
    assert sp.simplify(sp.diff(L_mse, z_sym) - 2 * (SIGMA - y_sym) * SIGMA * (1 - SIGMA)) == 0


@pytest.mark.parametrize("loss, L", [
    ("bce", -(y_sym * sp.log(SIGMA) + (1 - y_sym) * sp.log(1 - SIGMA))),
    ("mse", (y_sym - SIGMA) ** 2),
])
def test_package_error_terms_after_a_sigmoid_equal_sympy(loss, L):
    # The error term δ = ∂L/∂z that backpropagation starts from (nnlib.backprop.PAIRINGS), for a
    # batch of 9 outputs: each entry carries the mean's 1/N. Against sympy's derivative of one example.
    exact = sp.lambdify((z_sym, y_sym), sp.diff(L, z_sym), "numpy")
    Z = np.linspace(-7, 7, 9).reshape(9, 1)
    for target in (0.0, 1.0, 0.3):
        y = np.full_like(Z, target)
        delta = PAIRINGS[(loss, "sigmoid")](Z, sigmoid(Z), y)
        np.testing.assert_allclose(delta * y.size, exact(Z, target), atol=1e-12)
    # and through backward(): the output layer's gradient of a one-layer network is X^T·δ
    X, W, b = np.eye(9)[:, :2] + Z, np.array([[0.3], [-0.2]]), np.array([0.1])
    _, cache = forward(X, [(W, b)])
    Z_out = X @ W + b
    (dW, db), = backward(cache, np.ones((9, 1)), [(W, b)], loss=loss)
    np.testing.assert_allclose(db, exact(Z_out, 1.0).sum() / 9, atol=1e-12)


def test_saturated_wrong_output_mse_gradient_is_tiny_bce_is_not():
    z, y = np.array([-6.0]), np.array([1.0])
    y_hat = sigmoid(z)
    mse_grad = mse_prime(y_hat, y) * sigmoid_prime(z)
    bce_grad = binary_cross_entropy_prime(y_hat, y) * sigmoid_prime(z)
    assert abs(mse_grad[0]) < 0.01 and bce_grad[0] == pytest.approx(y_hat[0] - 1.0)


def test_softmax_example_of_the_source():
    P = softmax(np.array([np.log(49.0), 0.0]))
    np.testing.assert_allclose(P, [0.98, 0.02])
    assert cross_entropy(P[None], np.array([[1.0, 0.0]])) == pytest.approx(-np.log(0.98))
    # with two classes, categorical CE on (p, 1 − p) is binary CE on p
    assert cross_entropy(P[None], np.array([[1.0, 0.0]])) == pytest.approx(binary_cross_entropy([0.98], [1.0]))


@pytest.mark.parametrize("call, words", [
    (lambda: line_loss(1.0, 0.0, x=[1.0, 2.0], y=[1.0]), r"same length, got shapes \(2,\) and \(1,\)"),
    (lambda: line_loss(np.zeros(3), np.zeros(2)), r"w and b of the same shape, got \(3,\) and \(2,\)"),
    (lambda: descent_path(0.0, 0.0, -0.1), "positive learning rate lr, got -0.1"),
    (lambda: descent_path(0.0, 0.0, 0.1, steps=2.5), "whole number"),
    (lambda: line_gradient([1.0, 2.0], 0.0), r"w to be a single number, got shape \(2,\)"),
    (lambda: clip_path(np.zeros(3)), r"points of shape \(m, 2\), got shape \(3,\)"),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()
