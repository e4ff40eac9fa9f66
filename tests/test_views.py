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
from nnlib.live import VIEWS, frames_key, render_frames
from nnlib.views.ch1_neuron import LEARN_X, LEARN_Y, NeuronLearningView, NeuronView, learning_path, line_in_box


def artists(fig):
    return [a for ax in fig.axes for a in ax.get_children()]


# Sliders that may leave the picture as it is, and why (none so far: every slider draws something).
MAY_NOT_CHANGE: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("View", VIEWS, ids=lambda V: V.__name__)
def test_every_slider_across_its_range(View):
    view = View()
    fig, before = view.fig, artists(view.fig)
    first = view.png()
    unchanged = []
    for name, slider in View.sliders.items():
        changed = False
        for value in slider.values(7):
            view.update(**{name: value})
            changed |= view.png() != first
        view.update(**{name: slider.value})
        if not changed and (View.__name__, name) not in MAY_NOT_CHANGE:
            unchanged.append(name)
    assert view.fig is fig and artists(view.fig) == before, "a slider move must not make new artists"
    assert not unchanged, f"these sliders never change the picture across their range: {unchanged}"
    assert view.png() == first, "back at the start values, the picture must be the start picture"
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


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("View", VIEWS, ids=lambda V: V.__name__)
def test_widget_moves_the_picture(View):
    """Every slider of the widget, moved through ipywidgets, draws what a fresh view draws there."""
    view = View()
    box = view.widget()
    sliders = box.children[0].children
    image = box.children[1]
    assert [s.description for s in sliders] == [s.label or n for n, s in View.sliders.items()]
    start = image.value
    for control, (name, spec) in zip(sliders, View.sliders.items()):
        value = next(v for v in reversed(spec.values(5)) if abs(v - spec.value) > 1e-9)
        control.value = value
        assert image.value != start, f"moving {name} did not change the picture"
        expected = View(**{name: min(max(control.value, spec.min), spec.max)}).png()
        np.testing.assert_array_equal(pixels(image.value), pixels(expected),
                                      err_msg=f"moving {name} drew another slider's picture")
        control.value = spec.value
        np.testing.assert_array_equal(pixels(image.value), pixels(start), err_msg=f"{name} back at its start")


@pytest.mark.parametrize("View", VIEWS, ids=lambda V: V.__name__)
def test_static_frames_are_the_views_pictures(View):
    """The pictures the HTML book shows without a kernel: one per frame value, each what the view draws."""
    spec = View().frames_spec()
    assert frames_key(spec) == spec["key"]
    frames = list(render_frames(spec, 5))
    assert frames[0][0] is None
    np.testing.assert_array_equal(pixels(frames[0][2]), pixels(View().png()))
    expected = [(name, v) for name, s in View.sliders.items() for v in s.frame_values(5) if v != s.value]
    assert [(name, value) for name, value, _ in frames[1:]] == expected
    for name, value, png in frames[1:][::4]:  # a sample: each is a fresh view's picture at that value
        np.testing.assert_array_equal(pixels(png), pixels(View(**{name: value}).png()), err_msg=f"{name}={value}")


@pytest.mark.parametrize("View", VIEWS, ids=lambda V: V.__name__)
def test_frame_values_lie_on_the_slider(View):
    for name, s in View.sliders.items():
        values = s.frame_values()
        assert 9 <= len(values) <= 13 and values == sorted(values), (name, values)
        assert s.value in values and values[0] >= s.min and values[-1] <= s.max
        assert values[0] == pytest.approx(s.min) and values[-1] == pytest.approx(s.max, rel=0.1)
        for v in values:  # on the slider's own grid (its exponent's for a log slider), or its start
            steps = ((np.log10(v) - np.log10(s.min)) if s.log else (v - s.min)) / s.step
            assert v == s.value or v == s.max or abs(steps - round(steps)) < 1e-6, (name, v)


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
    push = (LEARN_Y - y_hat) * y_hat * (1 - y_hat)
    np.testing.assert_allclose(W[1], w0 + 0.5 * push @ LEARN_X / len(LEARN_Y))
    np.testing.assert_allclose(B[1], b0 + 0.5 * push.sum() / len(LEARN_Y))
    assert B[1] != B[0]  # this step moves the bias, so a wrong sign or a missing update shows
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
