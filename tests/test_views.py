"""Every interactive figure in the book, driven the way a learner drives it.

For each view: every slider is moved across its whole range; each move must
change the figure in place (same figure, same artists, no new ones) and give
a PNG; a value off the slider's range is refused with a clear error.
Chapter-specific checks below compare what a view shows with an
independent computation.
"""

import io

import numpy as np
import pytest
from PIL import Image

import nnlib.views  # noqa: F401  (imports every chapter's views)
from nnlib.activations import sigmoid
from nnlib.live import VIEWS
from nnlib.views.ch1_neuron import LEARN_X, LEARN_Y, NeuronLearningView, NeuronView, learning_path, line_in_box


def artists(fig):
    return [a for ax in fig.axes for a in ax.get_children()]


@pytest.mark.parametrize("View", VIEWS, ids=lambda V: V.__name__)
def test_every_slider_across_its_range(View):
    view = View()
    fig, before = view.fig, artists(view.fig)
    first = view.png()
    changed = False
    for name, slider in View.sliders.items():
        for value in slider.values(7):
            view.update(**{name: value})
            picture = view.png()
            changed |= picture != first
        view.update(**{name: slider.value})
    assert view.fig is fig and artists(view.fig) == before, "a slider move must not make new artists"
    assert changed, "no slider changed the picture"
    width, height = Image.open(io.BytesIO(first)).size
    assert 300 <= width <= 1000 and 150 <= height <= 600  # a modest figure, legible in the page


@pytest.mark.parametrize("View", VIEWS, ids=lambda V: V.__name__)
def test_out_of_range_and_unknown_sliders_are_refused(View):
    view = View()
    name, slider = next(iter(View.sliders.items()))
    with pytest.raises(ValueError, match=f"expected {name} between"):
        view.update(**{name: slider.max + 1})
    with pytest.raises(ValueError, match="has no slider 'nonsense'"):
        view.update(nonsense=1)
    with pytest.raises(ValueError, match="real number"):
        view.update(**{name: "high"})


@pytest.mark.parametrize("View", VIEWS, ids=lambda V: V.__name__)
def test_widget_moves_the_picture(View):
    view = View()
    box = view.widget()
    sliders = box.children[0].children
    image = box.children[1]
    assert [s.description for s in sliders] == [s.label or n for n, s in View.sliders.items()]
    start = image.value
    slider = sliders[0]
    slider.value = slider.max if slider.value != slider.max else slider.min
    assert image.value != start


def test_neuron_view_shows_the_source_example():
    view = NeuronView(w1=0, w2=1, b=4, x1=2, x2=3)
    assert view.readout.get_text() == f"z = 7.00\nσ(z) = {sigmoid(7.0):.4f}"
    heat = view.heat.get_array()
    np.testing.assert_allclose(heat, sigmoid(view.X2 + 4))


@pytest.mark.parametrize("w1, w2, b", [(1, 2, 0.5), (0, 1, 4), (3, 0, -2), (-1, 1, 0)])
def test_decision_line_is_where_output_is_one_half(w1, w2, b):
    x1, x2 = line_in_box(w1, w2, b)
    assert len(x1) == 2
    np.testing.assert_allclose(sigmoid(w1 * np.array(x1) + w2 * np.array(x2) + b), 0.5)


def test_decision_line_missing_when_outside_or_no_weights():
    assert line_in_box(0, 0, 1) == ([], [])
    assert line_in_box(0, 1, 40) == ([], [])  # x2 = −40 lies outside the picture


def test_learning_path_matches_a_step_by_hand():
    W, B, Y_hat = learning_path(0.5, 1)
    w0, b0 = W[0], B[0]
    z = LEARN_X @ w0 + b0
    y_hat = 1 / (1 + np.exp(-z))
    grad_w = ((LEARN_Y - y_hat) * y_hat * (1 - y_hat)) @ LEARN_X / len(LEARN_Y)
    np.testing.assert_allclose(W[1], w0 + 0.5 * grad_w)
    np.testing.assert_allclose(Y_hat[0], y_hat)


def test_learning_view_counts_mistakes():
    view = NeuronLearningView(lr=3, steps=60)
    assert view.title.get_text() == "after 60 steps: 0 of 6 wrong"
    view.update(lr=0.01, steps=0)
    assert view.title.get_text() == "after 0 steps: 5 of 6 wrong"


def test_learning_path_rejects_bad_data():
    with pytest.raises(ValueError, match="expected X with 2 features"):
        learning_path(0.1, 3, X=np.zeros((4, 3)), y=np.zeros(4))
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        learning_path(0.1, 3, X=np.zeros((4, 2)), y=np.zeros(3))
