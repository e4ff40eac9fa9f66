"""The machinery behind every slider in the book (no chapter explains it; no need to read it).

A :class:`View` owns one matplotlib figure. Its :meth:`View.update` takes
slider values, changes the figure's artists *in place* (``set_data``,
``set_offsets``, ``set_text``) and never makes a new figure, so a move feels
instant. :meth:`View.widget` wires ipywidgets sliders to ``update`` and shows
the figure as a PNG in an ``ipywidgets.Image``; in the static HTML book the
saved PNG and the sliders are still there.

Tests and the benchmark call ``update`` and ``png`` directly, for every
view subclass listed in :data:`VIEWS`.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .checks import as_scalar

VIEWS: list[type["View"]] = []
"""Every View subclass, in the order chapters define them (for tests and the benchmark)."""


@dataclass(frozen=True)
class Slider:
    """One control: its range, step and starting value.

    ``log=True`` makes a logarithmic slider (for learning rates); then
    ``min``/``max`` are the values themselves, not their exponents.
    ``integer=True`` makes an integer slider.
    """

    min: float
    max: float
    value: float
    step: float = 0.1
    label: str = ""
    log: bool = False
    integer: bool = False
    readout: str = ""
    """The readout's number format, if not the default (".3g" for a log slider, ".2f"
    otherwise): ".0f" shows whole sizes on a log slider as 64, where ".3g" shows 64.0."""

    def values(self, n: int) -> list[float]:
        """``n`` values spread over the range (log-spaced for a log slider)."""
        if n < 2:
            return [self.value]
        if self.log:
            lo, hi = math.log10(self.min), math.log10(self.max)
            out = [10 ** (lo + (hi - lo) * i / (n - 1)) for i in range(n)]
        else:
            out = [self.min + (self.max - self.min) * i / (n - 1) for i in range(n)]
        out = [min(max(v, self.min), self.max) for v in out]  # no rounding past the ends
        return [round(v) for v in out] if self.integer else out

    def frame_values(self, n: int = 11) -> list[float]:
        """About ``n`` values the static HTML book draws a picture for, start value included.

        Each lies on the slider's own grid (``min`` plus a whole number of
        steps; for a log slider, in the exponent), so the page can set the
        slider exactly to the value whose picture it shows.
        """
        if self.log:
            lo = math.log10(self.min)
            exponents = [lo + round((math.log10(v) - lo) / self.step) * self.step for v in self.values(n)]
            grid = [10 ** e for e in exponents]
        else:
            grid = [self.min + round((v - self.min) / self.step) * self.step for v in self.values(n)]
        grid = [min(max(v, self.min), self.max) for v in grid + [self.value]]
        grid = [int(round(v)) if self.integer else float(f"{v:.12g}") for v in grid]
        return sorted(set(grid))


class View:
    """A figure driven by sliders. Subclasses define:

    * ``sliders``: a dict name → :class:`Slider`;
    * ``build()``: make ``self.fig`` and the artists ``draw`` will change;
    * ``draw(**values)``: change those artists for the given slider values;
    * ``self.moving``: the artists ``draw`` changes. Everything else (axes,
      ticks, labels, fixed curves) is drawn once and kept as a bitmap, so a
      slider move redraws only what moved. A ``draw`` that changes something
      outside ``moving`` (axis limits, say) calls :meth:`redraw_all`.
    """

    sliders: dict[str, Slider] = {}
    alt = ""
    """What the figure shows, in a sentence, for a reader who cannot see it."""
    dpi = 80

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.sliders:
            VIEWS.append(cls)

    def __init__(self, **values):
        self.values = {name: s.value for name, s in self.sliders.items()}
        self.values.update(self._checked(values))
        self.moving = []
        self._background = None
        self.build()
        for artist in self.moving:
            artist.set_animated(True)  # left out of the kept bitmap
        self.draw(**self.values)

    # -- to be written by each view ------------------------------------
    def build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def draw(self, **values) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared --------------------------------------------------------
    def _checked(self, values: dict) -> dict:
        out = {}
        for name, value in values.items():
            if name not in self.sliders:
                raise ValueError(
                    f"{type(self).__name__} has no slider {name!r}; expected one of {sorted(self.sliders)}"
                )
            spec = self.sliders[name]
            number = as_scalar(value, name)
            if not spec.min <= number <= spec.max:
                raise ValueError(f"expected {name} between {spec.min} and {spec.max}, got {number}")
            out[name] = int(round(number)) if spec.integer else number
        return out

    def update(self, **values) -> None:
        """Set some slider values and redraw the figure in place."""
        self.values.update(self._checked(values))
        self.draw(**self.values)

    def redraw_all(self) -> None:
        """Forget the kept bitmap: the next :meth:`png` draws the whole figure."""
        self._background = None

    def png(self) -> bytes:
        """The figure as PNG bytes, exactly what the notebook shows.

        Restores the kept bitmap of the still parts, draws the moving
        artists on it and encodes the pixels with a 256-colour palette
        (smaller and several times faster to encode than full colour).
        """
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.moving:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]
        image = Image.fromarray(np.ascontiguousarray(rgb)).quantize(256, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def widget(self):
        """Sliders above the figure, live in Jupyter (and saved in the HTML book)."""
        import html

        import ipywidgets as widgets

        image = widgets.Image(value=self.png(), format="png")
        controls = []
        for name, spec in self.sliders.items():
            common = dict(description=spec.label or name, value=self.values[name],
                          continuous_update=True, style={"description_width": "initial"},
                          layout=widgets.Layout(width="32%", min_width="270px"))
            if spec.log:
                control = widgets.FloatLogSlider(base=10, min=math.log10(spec.min), max=math.log10(spec.max),
                                                 step=spec.step, readout_format=spec.readout or ".3g",
                                                 **common)
            elif spec.integer:
                control = widgets.IntSlider(min=int(spec.min), max=int(spec.max), step=int(spec.step), **common)
            else:
                control = widgets.FloatSlider(min=spec.min, max=spec.max, step=spec.step,
                                              readout_format=spec.readout or ".2f", **common)

            def on_change(change, name=name, spec=spec):
                # a log slider can land a hair outside its range through rounding
                value = min(max(change["new"], spec.min), spec.max)
                self.update(**{name: value})
                image.value = self.png()

            control.observe(on_change, names="value")
            controls.append(control)
        # What the figure shows, for readers who cannot see it: the view's ``alt``, else its
        # docstring. An Image widget has no alt (and a tooltip breaks its view), so the text
        # rides in a hidden HTML child that the HTML book copies into the <img>'s alt.
        alt = getattr(self, "alt", "") or " ".join((type(self).__doc__ or "").split())
        described = widgets.HTML(value=html.escape(alt), layout=widgets.Layout(display="none"))
        described.add_class("nnfs-alt")
        # Which view and start values these are: the HTML book's build draws the pictures along
        # each slider from it, so that the page can show them without a kernel.
        frames = widgets.HTML(value=html.escape(json.dumps(self.frames_spec())),
                              layout=widgets.Layout(display="none"))
        frames.add_class("nnfs-frames")
        box = widgets.VBox([widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap")), image,
                            described, frames])
        box.view = self  # lets a curious reader reach the figure's state
        return box

    def frames_spec(self) -> dict:
        """The view's class and slider values, enough to draw its pictures again elsewhere."""
        values = {name: (int(v) if self.sliders[name].integer else float(v)) for name, v in self.values.items()}
        spec = {"view": f"{type(self).__module__}:{type(self).__qualname__}", "values": values}
        return {**spec, "key": frames_key(spec)}


def frames_key(spec: dict) -> str:
    """A short name for a view and its start values (the folder its pictures go to)."""
    text = json.dumps({"view": spec["view"], "values": spec["values"]}, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def view_class(spec: dict) -> type[View]:
    """The View subclass a :meth:`View.frames_spec` names ("module:Class")."""
    module, _, qualname = spec["view"].partition(":")
    cls = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and issubclass(cls, View)):
        raise ValueError(f"expected 'module:ViewClass' naming a View subclass, got {spec['view']!r}")
    return cls


def render_frames(spec: dict, n: int = 11):
    """The pictures of a view along each slider, the other sliders at their start values.

    ``spec`` is what :meth:`View.frames_spec` gives. Yields ``(name, value,
    png)`` for every slider ``name`` and every value of
    :meth:`Slider.frame_values` except its start value; the start picture
    comes first as ``(None, None, png)``. The static HTML book draws these at build time.
    """
    cls = view_class(spec)
    view = cls(**spec["values"])
    start = dict(view.values)
    yield None, None, view.png()
    for name, slider in cls.sliders.items():
        for value in slider.frame_values(n):
            if value != start[name]:  # the start picture stands for it
                view.update(**{name: value})
                yield name, value, view.png()
        view.update(**{name: start[name]})


def figure(width: float, height: float, ncols: int = 1, dpi: int = View.dpi, **kwargs):
    """A figure of modest size (inches) with ``ncols`` panels, outside pyplot.

    Outside pyplot, so the notebook does not also show it as a static image
    and nothing piles up in pyplot's list of open figures. Lay it out with
    ``fig.subplots_adjust`` once; ``constrained_layout`` would re-solve the
    layout for every PNG.
    """
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols, **kwargs)
    return fig, axes
