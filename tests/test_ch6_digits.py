"""Chapter 6, from toy to real: the softmax error term against sympy and finite differences,
the digits and their split, the accuracy the chapter claims, the per-example loop against
the vectorised network, the bad input it refuses, its figures and its notebook as code."""

import io

import nbformat
import numpy as np
import pytest
import sympy as sp
from matplotlib.figure import Figure
from PIL import Image

from conftest import ROOT
from nnlib.data import digits_split
from nnlib.mlp import MLP, History
from nnlib.network import softmax
from nnlib.plotting import smallest_text_px
from nnlib.views.ch6_digits import (EPOCHS, HISTORIES, DigitsTrainingView, digits_run, grid,
                                    snap_lr, snap_power_of_2, table, train_run)
from nnlib.views.ch6_figures import TrainingPlot, confusion_figure, digits_figure, overfitting_figure
from test_ch45_notebooks import FIGURES

NOTEBOOK = ROOT / "book" / "06_digits.ipynb"


# -- the derivative ------------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 3, 4])
def test_softmax_cross_entropy_gradient_is_p_minus_y_by_sympy(k):
    z = sp.symbols(f"z0:{k}", real=True)
    exps = [sp.exp(zj) for zj in z]
    for c in range(k):
        loss = -sp.log(exps[c] / sum(exps))
        for j in range(k):
            p_j = exps[j] / sum(exps)
            assert sp.simplify(sp.diff(loss, z[j]) - (p_j - (1 if j == c else 0))) == 0


def test_softmax_cross_entropy_gradient_by_finite_differences():
    rng = np.random.default_rng(0)
    for _ in range(20):
        z, c = rng.normal(0, 3, size=5), int(rng.integers(5))
        loss = lambda v: -np.log(softmax(v)[c])  # noqa: E731
        h = 1e-6
        numeric = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(5)])
        np.testing.assert_allclose(numeric, softmax(z) - np.eye(5)[c], atol=1e-8)


def test_batch_output_error_is_p_minus_y_over_n():
    """The network's last-layer bias gradient is the column sum of (P − Y)/n."""
    rng = np.random.default_rng(1)
    net = MLP((4, 5, 3), seed=1)
    X, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 2, 1, 0])
    P, _ = net.forward(X)
    _, grads = net.loss_and_gradients(X, y)
    np.testing.assert_allclose(grads[-1][1], ((P - np.eye(3)[y]) / 6).sum(axis=0), rtol=1e-12)


# -- the data ----------------------------------------------------------------------------
def test_digits_split_is_seeded_scaled_and_complete():
    X_train, X_test, y_train, y_test = digits_split()
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert y_train.dtype.kind == "i" and set(np.unique(y_test)) == set(range(10))
    assert X_train.min() == 0 and X_train.max() == 1 and X_test.max() <= 1
    together = np.sort(np.concatenate([np.arange(1437), np.arange(360)]))  # no picture lost
    assert len(together) == 1797
    again = digits_split()
    for a, b in zip(again, (X_train, X_test, y_train, y_test)):
        np.testing.assert_array_equal(a, b)
    X_train[0, 0] = 5  # the caller's arrays are copies
    assert digits_split()[0][0, 0] != 5
    other = digits_split(seed=1)
    assert not np.array_equal(other[3], y_test)
    with pytest.raises(ValueError, match="test_size between 1 and 1796"):
        digits_split(test_size=0)


def test_train_and_test_sets_share_no_picture():
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(0).permutation(1797)
    X_train, X_test, _, _ = digits_split()
    np.testing.assert_array_equal(X_test, digits.data[order[:360]] / 16)
    np.testing.assert_array_equal(X_train, digits.data[order[360:]] / 16)


# -- what the chapter claims --------------------------------------------------------------
@pytest.fixture(scope="module")
def chapter_network():
    X_train, X_test, y_train, y_test = digits_split()
    net = MLP((64, 64, 10), hidden="relu", init="he", seed=0)
    history = net.fit(X_train, y_train, lr=0.5, epochs=30, batch_size=32, X_test=X_test, y_test=y_test)
    return net, history


def test_the_chapters_network_reaches_97_5_percent_on_the_test_set(chapter_network):
    net, history = chapter_network
    X_train, X_test, y_train, y_test = digits_split()
    assert history.test_acc[-1] >= 0.975
    assert net.accuracy(X_test, y_test) == history.test_acc[-1]
    assert history.train_acc[-1] >= history.test_acc[-1]  # the gap the chapter points at
    assert history.test_acc[0] > 0.85  # "after the first epoch it already gets most right"


def test_untrained_loss_is_near_log_10():
    X_train, _, y_train, _ = digits_split()
    assert MLP((64, 64, 10), seed=0).loss(X_train, y_train) == pytest.approx(np.log(10), rel=0.15)


def per_example_training(params, X, y, lr, epochs, batch_size, shuffle_seed=0):
    """Mini-batch SGD one example at a time, a plain Python loop over layers (any depth)."""
    params = [(W.copy(), b.copy()) for W, b in params]
    rng = np.random.default_rng(shuffle_seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for first in range(0, len(X), batch_size):
            rows = order[first:first + batch_size]
            sums = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
            for i in rows:
                hs = [X[i]]
                for W, b in params[:-1]:
                    hs.append(np.maximum(hs[-1] @ W + b, 0))
                z = hs[-1] @ params[-1][0] + params[-1][1]
                delta = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
                delta[y[i]] -= 1
                for layer in range(len(params) - 1, -1, -1):
                    sums[layer][0][...] += np.outer(hs[layer], delta)
                    sums[layer][1][...] += delta
                    delta = (params[layer][0] @ delta) * (hs[layer] > 0)
            params = [(W - lr * dW / len(rows), b - lr * db / len(rows))
                      for (W, b), (dW, db) in zip(params, sums)]
    return params


def test_per_example_loop_gives_the_same_network():
    """Chapter 5's loop, one picture at a time, ends one epoch with fit's weights. (How much
    slower it is, the chapter measures and prints; no test times it.)"""
    X_train, _, y_train, _ = digits_split()
    start = MLP((64, 64, 10), seed=0).params
    looped = per_example_training(start, X_train, y_train, 0.5, 1, 32)
    net = MLP((64, 64, 10), seed=0)
    net.fit(X_train, y_train, lr=0.5, epochs=1, batch_size=32)
    for (W, b), (W2, b2) in zip(looped, net.params):
        np.testing.assert_allclose(W, W2, atol=1e-12)
        np.testing.assert_allclose(b, b2, atol=1e-12)


@pytest.mark.parametrize("change, message", [
    (dict(X=np.zeros((10, 63))), "expected X with 64 features"),
    (dict(y=np.full(10, 10)), r"labels 0\.\.9"),
    (dict(X=np.full((10, 64), np.nan)), "without NaN"),
    (dict(X=np.full((10, 64), np.inf)), "without inf"),
    (dict(X=np.zeros((0, 64)), y=np.zeros(0, dtype=int)), "at least one example"),
    (dict(batch_size=0), "batch_size"),
])
def test_the_chapters_bad_inputs_are_refused(change, message):
    arguments = dict(X=np.zeros((10, 64)), y=np.arange(10), lr=0.5, epochs=1) | change
    with pytest.raises(ValueError, match=message):
        MLP((64, 8, 10)).fit(**arguments)


# -- the slider --------------------------------------------------------------------------
def test_snapping_to_the_grid():
    assert snap_lr(0.3) == snap_lr(0.316227766017) == 0.3162
    assert snap_lr(1e-9) == 0.01 and snap_lr(100) == 3.162
    assert snap_power_of_2(48, 2, 512) == 64 and snap_power_of_2(1000, 2, 512) == 512
    assert snap_power_of_2(15.999999, 4, 1024) == 16


def test_view_shows_fit_s_numbers():
    """A run behind the slider is MLP.fit's history, with the untrained network at epoch 0."""
    run = digits_run(0.1, 16, 64)
    X_train, X_test, y_train, y_test = digits_split()
    net = MLP((64, 16, 10), seed=0)
    assert run["test_acc"][0] == net.accuracy(X_test, y_test)
    history = net.fit(X_train, y_train, 0.1, EPOCHS, batch_size=64, X_test=X_test, y_test=y_test)
    np.testing.assert_array_equal(run["test_acc"][1:], history.test_acc)
    np.testing.assert_array_equal(run["train_loss"][1:], history.loss)
    assert run["steps"][-1] == EPOCHS * 23  # 1,437 pictures in batches of 64: 23 steps an epoch
    view = DigitsTrainingView(lr=0.1, hidden=16, batch=64)
    np.testing.assert_allclose(view.lines["test_acc"].get_ydata(), 100 * run["test_acc"])
    assert f"test accuracy {run['test_acc'][-1]:.1%}" in view.title.get_text()
    assert "16 hidden neurons, batch 64" in view.title.get_text()


def test_the_saved_grid_is_what_the_network_computes():
    """ch6_digits_runs.npz (make digits-table) holds the grid the sliders reach, and its
    runs equal fresh training: the start values and a seeded sample of the grid.

    The sample keeps to η ≤ 0.18: from η ≈ 0.3 on, a few runs in small batches are chaotic
    (a change in the last bit of one product decides which ReLUs die, and the curves part
    by tens of points), so only the table's own machine reproduces them exactly."""
    lrs, hiddens, batches = grid()
    saved = table()
    assert saved["lrs"].tolist() == lrs and saved["hiddens"].tolist() == hiddens
    assert saved["batches"].tolist() == batches
    assert saved["test_acc"].shape == (len(lrs), len(hiddens), len(batches), EPOCHS + 1)
    rng = np.random.default_rng(6)
    sample = [(snap_lr(0.316227766017), 64, 32)] + [
        (lrs[rng.integers(lrs.index(0.1778) + 1)], hiddens[rng.integers(len(hiddens))],
         batches[rng.integers(2, len(batches))]) for _ in range(4)]  # batch ≥ 16: quick
    for lr, hidden, batch in sample:
        fresh, at = train_run(lr, hidden, batch), (lrs.index(lr), hiddens.index(hidden),
                                                    batches.index(batch))
        for name in HISTORIES:
            np.testing.assert_allclose(saved[name][at], fresh[name], rtol=1e-9, equal_nan=True,
                                       err_msg=f"{name} of η = {lr}, {hidden} hidden, batch "
                                               f"{batch}: run make digits-table")


def test_every_slider_combination_is_on_the_grid(monkeypatch):
    """Any setting of the three sliders, however many moved, shows a saved run: nothing
    is trained when a slider moves (training a run takes up to a second)."""
    import nnlib.views.ch6_digits as ch6

    def no_training(*args):
        raise AssertionError(f"a slider move trained a run {args}")

    monkeypatch.setattr(ch6, "train_run", no_training)
    view = DigitsTrainingView(lr=1.0, hidden=8, batch=256)
    view.update(lr=0.01, hidden=512, batch=4)
    assert "0.01, 512 hidden neurons, batch 4" in view.title.get_text()
    for name, slider in view.sliders.items():
        for value in slider.frame_values():
            view.update(**{name: value})


def test_view_says_when_training_broke_down():
    view = DigitsTrainingView(lr=3.1623)
    run = digits_run(snap_lr(3.1623), 64, 32)
    assert run["test_acc"][-1] < 0.2  # every hidden ReLU dead: one answer for every picture
    assert "η = 3.16" in view.title.get_text()


# -- the figures -------------------------------------------------------------------------
def history_of(epochs):
    return History(loss=list(np.geomspace(1, 0.01, epochs)), train_acc=list(np.linspace(0.8, 1, epochs)),
                   test_acc=list(np.linspace(0.7, 0.95, epochs)), test_loss=list(np.geomspace(1, 0.1, epochs)))


def test_training_plot_redraws_after_each_epoch_and_shows_the_last():
    plot = TrainingPlot(epochs=5, title="run: ")
    history = History()
    shown = []
    plot.handle = type("Handle", (), {"update": lambda self, image: shown.append(image)})()
    full = history_of(5)
    for epoch in range(1, 6):
        for name in ("loss", "train_acc", "test_acc", "test_loss"):
            getattr(history, name).append(getattr(full, name)[epoch - 1])
        plot.update(epoch, history)
    assert len(shown) == 5
    np.testing.assert_allclose(plot.lines["test", "acc"].get_ydata(), 100 * np.array(full.test_acc))
    assert plot.status.get_text() == "run: epoch 5 of 5: train accuracy 100.0%, test 95.0%"
    assert Image.open(io.BytesIO(plot.png())).size == (760, 300)
    every_other = TrainingPlot(epochs=5, every=2)
    every_other.handle = plot.handle
    for epoch in range(1, 6):
        every_other.update(epoch, history)
    assert len(shown) == 5 + 3  # epochs 2, 4 and the last


def test_figures_show_their_numbers_and_are_legible():
    matrix = np.diag([5, 6, 7]) + np.array([[0, 2, 0], [0, 0, 0], [1, 0, 0]])
    fig = confusion_figure(matrix)
    shown = sorted(t.get_text() for t in fig.axes[0].texts)
    assert shown == sorted(["5", "6", "7", "2", "1"])
    images = np.random.default_rng(0).random((12, 64))
    grid = digits_figure(images, [f"said {i}\nis {i}" for i in range(12)], ncols=6)
    np.testing.assert_array_equal(grid.axes[7].images[0].get_array(), images[7].reshape(8, 8))
    over = overfitting_figure({"λ = 0": history_of(10), "λ = 0.001": history_of(10)})
    for figure in (fig, grid, over, TrainingPlot(10).fig):
        assert isinstance(figure, Figure)
        assert smallest_text_px(figure) >= 10


@pytest.mark.parametrize("bad, message", [
    (lambda: digits_figure(np.zeros((2, 63)), ["a", "b"]), r"\(n, 64\)"),
    (lambda: digits_figure(np.zeros((2, 64)), ["a"]), "one title per image"),
    (lambda: confusion_figure(np.zeros((3, 2), dtype=int)), "square matrix of counts"),
    (lambda: overfitting_figure({}), "at least one run"),
    (lambda: TrainingPlot(0), "epochs ≥ 1"),
])
def test_figures_refuse_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        bad()


# -- the notebook as code a reader reads ---------------------------------------------------
def notebook_cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def test_notebook_code_fits_the_column_and_figure_cells_are_folded():
    for cell in notebook_cells():
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert all(len(line) <= 88 for line in source.splitlines()), source[:60]
        assert "plt." not in source
        if FIGURES.match(source.strip()):
            assert "hide-input" in cell["metadata"].get("tags", []), source[:60]


def test_notebook_has_the_chapter_s_parts():
    cells = notebook_cells()
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert text.startswith("# 6. ") and "**The question of this chapter:" in text
    for heading in ["## Summary", "## Exercises", "## Common pitfalls"]:
        assert heading in text
    solutions = [c for c in cells if "hide-cell" in c["metadata"].get("tags", [])]
    assert len(solutions) >= 4
    ignored = [c for c in cells if "nbval-ignore-output" in c["metadata"].get("tags", [])]
    assert all("widget()" in "".join(c["source"]) or "speed-up" in "".join(c["source"]) for c in ignored)
    outputs = " ".join("".join(o.get("text", "") for c in cells if c["cell_type"] == "code"
                               for o in c["outputs"]).split())  # wrapped lines joined
    assert "test accuracy 97." in outputs or "test accuracy 98." in outputs or "test accuracy 99." in outputs
    assert "The digit it gets wrong most often is" in outputs
    assert outputs.count("ValueError:") >= 6
    assert "speed-up:" in outputs
