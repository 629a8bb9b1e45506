"""Interactive explorers: sliders and selectors that redraw a picture.

Every explorer is three separate pieces, so each can be tested alone:
    compute(**values) -> result     pure NumPy, no drawing (cache anything expensive)
    setup(fig)                      build the axes and artists ONCE
    update(result) -> str           move the artists to the new result; return the readout text
Artists registered with `self.animate(artist)` in setup are redrawn alone over a cached
background (blitting), which is what keeps a redraw within a few tens of milliseconds; an update
that changes anything else (axis limits, titles) calls `self.full_redraw()`.
The figure is shown as an ordinary image output (so GitHub, nbviewer and exported HTML show the
default-state picture), and each change re-renders that same output in place. Sliders use
continuous_update=False: dragging redraws once on release, and each arrow-key press once, so a
drag never queues a backlog of stale redraws.
"""
import io
import time

import ipywidgets as widgets
import matplotlib
import numpy as np
from PIL import Image as PILImage
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from IPython.display import Image, display

from .. import plots


class Explorer:
    figsize = (9.0, 4.0)

    def __init__(self, **values):
        plots.use_style()
        self.controls = self.make_controls()
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)}: this explorer has {sorted(self.controls)}.")
        for name, value in values.items():
            self.controls[name].value = value
        with matplotlib.rc_context(plots.STYLE):
            self.fig = Figure(figsize=self.figsize)
            FigureCanvasAgg(self.fig)
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.readout.add_class("nnlib-readout")
        self._handle = None
        self._animated, self._background = [], None
        self.last_seconds = None
        with matplotlib.rc_context(plots.STYLE):
            self.setup(self.fig)
        self.refresh()

    # ---- to be written by each explorer -----------------------------------------------------
    def make_controls(self):
        """A dict name -> ipywidget (sliders with continuous_update=False)."""
        raise NotImplementedError

    def compute(self, **values):
        raise NotImplementedError

    def setup(self, fig):
        raise NotImplementedError

    def update(self, result):
        """Move the artists; return the readout text (HTML allowed)."""
        raise NotImplementedError

    # ---- the machinery ----------------------------------------------------------------------
    @property
    def values(self):
        return {name: w.value for name, w in self.controls.items()}

    def refresh(self, change=None):
        """Recompute and redraw for the controls' current values."""
        start = time.perf_counter()
        with matplotlib.rc_context(plots.STYLE):
            self.result = self.compute(**self.values)
            self.readout.value = self.update(self.result) or ""
            png = self.render()
        if self._handle is not None:
            self._handle.update(Image(data=png, format="png"))
        self.last_seconds = time.perf_counter() - start

    def animate(self, *artists):
        """Mark artists that change on every update: only they are redrawn (blitting)."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def full_redraw(self):
        """Call from update() when something outside the animated artists changed."""
        self._background = None

    def render(self):
        """The figure as PNG bytes: the cached background plus the animated artists."""
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()  # animated artists are left out of this
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            self.fig.draw_artist(artist)
        buf = io.BytesIO()
        PILImage.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def set(self, **values):
        """Change controls from code (as a learner's click would) and redraw once."""
        for name, value in values.items():
            self.controls[name].unobserve(self.refresh, names="value")
            self.controls[name].value = value
            self.controls[name].observe(self.refresh, names="value")
        self.refresh()
        return self

    def show(self):
        box = widgets.VBox([widgets.HBox(list(self.controls.values())), self.readout])
        display(box)
        self._handle = display(Image(data=self.render(), format="png"), display_id=True)
        for w in self.controls.values():
            w.unobserve(self.refresh, names="value")
            w.observe(self.refresh, names="value")

    def _ipython_display_(self):
        self.show()


def slider(description, value, min, max, step, log=False, fmt=None, width="420px"):
    """A slider that updates on release (and on each arrow-key press)."""
    common = dict(description=description, continuous_update=False,
                  style={"description_width": "initial"}, layout=widgets.Layout(width=width))
    if log:
        return widgets.FloatLogSlider(value=value, min=min, max=max, step=step,
                                      readout_format=fmt or ".3g", **common)
    if isinstance(value, int) and isinstance(step, int):
        return widgets.IntSlider(value=value, min=min, max=max, step=step, **common)
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, readout_format=fmt or ".3g", **common)


def selector(description, options, value=None):
    """A drop-down list; options as a list, or a dict label -> value."""
    extra = {} if value is None else {"value": value}
    return widgets.Dropdown(description=description, options=options,
                            style={"description_width": "initial"}, **extra)
