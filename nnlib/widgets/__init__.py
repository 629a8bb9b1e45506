"""Interactive explorers: sliders and selectors that redraw a picture.

Every explorer is three separate pieces, so each can be tested alone:
    compute(**values) -> result     pure NumPy, no drawing (cache anything expensive)
    setup(fig)                      build the axes and artists ONCE
    update(result) -> str           move the artists to the new result; return the readout text
Artists registered with `self.animate(artist)` in setup are redrawn alone over a cached
background (blitting), which is what keeps a redraw within a few tens of milliseconds; an update
that changes anything else (axis limits, titles) calls `self.full_redraw()`.

The figure is shown as an ordinary image output (so GitHub, nbviewer and exported HTML show the
default-state picture), and each change re-renders that same output in place (display_id).
Sliders use continuous_update=False: dragging redraws once on release, and each arrow-key press
once, so a drag never queues a backlog of stale redraws. If a redraw started by a control fails,
the readout says so (in a box with the CSS class `nnlib-error`) instead of the error vanishing
into the kernel's log; from code (`set`) the error is raised as usual.
"""
import html
import io
import math
import re
import time

import ipywidgets as widgets
import matplotlib
import numpy as np
import traitlets
from PIL import Image as PILImage
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from IPython.display import display

from .. import plots


class Explorer:
    figsize = (9.0, 4.0)

    def __init__(self, **values):
        plots.use_style()
        self.controls = self.make_controls()
        self._muted = False
        self._check_values(values)
        self._assign(values)
        with matplotlib.rc_context(plots.STYLE):
            self.fig = Figure(figsize=self.figsize)
            FigureCanvasAgg(self.fig)
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.readout.add_class("nnlib-readout")
        self._handles = []
        self._animated, self._background = [], None
        self.last_seconds = None
        self.redraws = 0
        with matplotlib.rc_context(plots.STYLE):
            self.setup(self.fig)
        self.refresh()
        # A control's change redraws (once); set() mutes this while it changes several at once.
        for w in self.controls.values():
            w.observe(self.refresh, names="value")

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
        """Recompute and redraw for the controls' current values.

        Called with a `change` it is a control's observer: then a failure is shown in the
        readout (a learner's click must not fail silently); called from code, it raises."""
        if change is not None and self._muted:
            return
        try:
            self._redraw()
        except Exception as exc:
            if change is None:
                raise
            self.readout.value = ("<div class='nnlib-error' style='color:#D55E00'><b>This explorer "
                                  f"failed to redraw:</b> {html.escape(type(exc).__name__)}: "
                                  f"{html.escape(str(exc))}</div>")

    def _redraw(self):
        start = time.perf_counter()
        with matplotlib.rc_context(plots.STYLE):
            self.result = self.compute(**self.values)
            self.readout.value = self.update(self.result) or ""
            png = self.render()
        for handle in self._handles:
            handle.update(self._image_bundle(png), raw=True)
        self.redraws += 1
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
        self._check_values(values)
        self._muted = True
        try:
            self._assign(values)
        finally:
            self._muted = False
        self.refresh()
        return self

    def show(self):
        """Display the controls and readout, then the picture (an image output updated in place)."""
        box = widgets.VBox([widgets.HBox(list(self.controls.values()),
                                         layout=widgets.Layout(flex_flow="row wrap")),
                            self.readout])
        bundle = box._repr_mimebundle_()
        # What a reader without a live kernel sees in place of the controls (JupyterLab before a
        # run, GitHub): the settings and the readout as text, not the widgets' Python repr.
        bundle["text/plain"] = self._describe() + "  (run the notebook to move the controls)"
        display(bundle, raw=True)
        self._handles.append(display(self._image_bundle(self.render()), raw=True, display_id=True))

    def _ipython_display_(self):
        self.show()

    # ---- helpers ----------------------------------------------------------------------------
    def _describe(self):
        settings = ", ".join(f"{_label(w, name)} = {_plain(w)}" for name, w in self.controls.items())
        readout = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", self.readout.value))).strip()
        return f"{type(self).__name__}: {settings}" + (f". {readout}" if readout else "")

    def _image_bundle(self, png):
        import base64
        return {"image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": f"<picture: {self._describe()[:300]}>"}

    def _check_values(self, values):
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)}: this explorer has "
                             f"{sorted(self.controls)}. Use one of those names.")
        for name, value in values.items():
            _check_value(name, self.controls[name], value)

    def _assign(self, values):
        for name, value in values.items():
            try:
                self.controls[name].value = value
            except traitlets.TraitError as exc:
                raise ValueError(f"{name}={value!r} is not a valid setting: {exc}") from None


def _label(w, name):
    return (getattr(w, "description", "") or name).strip()


def _plain(w):
    if isinstance(w, (widgets.FloatSlider, widgets.FloatLogSlider)):
        return format(w.value, getattr(w, "readout_format", ".3g") or ".3g")
    if hasattr(w, "label") and isinstance(getattr(w, "label", None), str):
        return w.label  # Dropdown, SelectionSlider: what the learner sees
    return str(w.value)


def _check_value(name, w, value):
    """A clear error instead of ipywidgets' silent clamping or a TraitError."""
    if isinstance(w, (widgets.FloatLogSlider,)):
        lo, hi = w.base ** w.min, w.base ** w.max
    elif isinstance(w, (widgets.IntSlider, widgets.FloatSlider, widgets.BoundedIntText,
                        widgets.BoundedFloatText)):
        lo, hi = w.min, w.max
    elif hasattr(w, "options") and not isinstance(w, widgets.SelectMultiple):
        options = [o[1] if isinstance(o, tuple) else o for o in w.options]
        if not any(value is o or _same(value, o) for o in options):
            shown = ", ".join(repr(o) for o in options[:12]) + (", ..." if len(options) > 12 else "")
            raise ValueError(f"{name}={value!r} is not one of the choices: pick one of {shown}.")
        return
    else:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number between {lo:g} and {hi:g}; got {value!r}.")
    tol = 1e-9 * max(abs(lo), abs(hi), 1.0)
    if not lo - tol <= value <= hi + tol:
        raise ValueError(f"{name}={value!r} is outside the slider's range [{lo:g}, {hi:g}]: "
                         f"choose a value in that range.")


def _same(a, b):
    try:
        return bool(a == b)
    except Exception:
        return False


def slider(description, value, min, max, step, log=False, fmt=None, width="420px"):
    """A slider that updates on release (and on each arrow-key press).

    log=True: a FloatLogSlider, with min and max given as powers of ten (-3, 0 is 0.001 to 1)."""
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
    # ipywidgets 8.0 takes (label, value) pairs but not a dict (8.1 takes both)
    options = list(options.items()) if isinstance(options, dict) else list(options)
    return widgets.Dropdown(description=description, options=options,
                            style={"description_width": "initial"}, **extra)
