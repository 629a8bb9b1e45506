"""The explorer base class (nnlib.widgets.Explorer) on its own, with a tiny explorer, and the
training progress bar. The same explorer runs in a real JupyterLab in tests/test_browser.py."""
import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from nnlib import widgets
from nnlib.widgets import Explorer, selector, slider


class Wave(Explorer):
    """y = amp * f(freq * x): one animated line, and a title that changes only with the kind."""
    figsize = (4.0, 2.5)

    def make_controls(self):
        return {"freq": slider("frequency", 1.0, 0.5, 3.0, 0.5),
                "amp": slider("amplitude", 1, 1, 3, 1),
                "eta": slider("learning rate η", 0.1, -3, 0, 0.5, log=True),
                "kind": selector("kind", ["sin", "cos"])}

    def compute(self, freq, amp, eta, kind):
        if kind == "cos" and freq == 3.0 and amp == 3:
            raise ArithmeticError("a made-up failure, to see where it is reported")
        x = np.linspace(0, 2 * np.pi, 100)
        return {"x": x, "y": amp * getattr(np, kind)(freq * x), "kind": kind}

    def setup(self, fig):
        self.ax = fig.add_subplot()
        self.ax.set(xlim=(0, 2 * np.pi), ylim=(-3.2, 3.2), title="sin")
        self.line, = self.ax.plot([], [])
        self.animate(self.line)
        self.updates = 0

    def update(self, r):
        self.updates += 1
        self.line.set_data(r["x"], r["y"])
        if self.ax.get_title() != r["kind"]:
            self.ax.set_title(r["kind"])  # outside the animated artists: needs the full redraw
            self.full_redraw()
        v = self.values
        return f"<b>{r['kind']}</b>: frequency {v['freq']:g}, amplitude {v['amp']}, η = {v['eta']:.3g}"


def pixels(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)))


def test_starts_with_a_readout_a_picture_and_a_time():
    e = Wave()
    assert e.readout.value.startswith("<b>sin</b>: frequency 1, amplitude 1")
    assert "nnlib-readout" in e.readout._dom_classes
    assert e.last_seconds is not None and e.last_seconds > 0
    assert e.redraws == 1 and e.result["kind"] == "sin"
    assert pixels(e.render()).shape == (250, 400, 4)  # figsize (4, 2.5) at 100 dpi


def test_set_changes_readout_and_picture_and_redraws_once():
    e = Wave()
    text, png = e.readout.value, e.render()
    assert e.set(freq=2.0, amp=3) is e
    assert e.redraws == 2  # two controls changed, one redraw
    assert e.readout.value != text and "frequency 2, amplitude 3" in e.readout.value
    assert not np.array_equal(pixels(e.render()), pixels(png))
    assert e.values == {"freq": 2.0, "amp": 3, "eta": pytest.approx(0.1), "kind": "sin"}


def test_a_control_change_redraws_once_as_a_click_would():
    e = Wave()
    e.controls["freq"].value = 2.5
    assert e.redraws == 2 and "frequency 2.5" in e.readout.value
    e.controls["kind"].value = "cos"  # a Dropdown: observed from the start, no ValueError
    assert e.redraws == 3 and e.readout.value.startswith("<b>cos</b>")


def test_blitting_draws_only_the_animated_artists_and_matches_a_full_draw(monkeypatch):
    e = Wave()
    draws = []
    original = e.fig.canvas.draw
    monkeypatch.setattr(e.fig.canvas, "draw", lambda: (draws.append(1), original())[1])
    e.set(freq=2.0)
    assert draws == []  # only the line moved: the cached background was reused
    blitted = pixels(e.render())
    fresh = Wave(freq=2.0)  # drawn from scratch
    assert np.array_equal(blitted, pixels(fresh.render()))


def test_full_redraw_redraws_the_background(monkeypatch):
    e = Wave()
    draws = []
    original = e.fig.canvas.draw
    monkeypatch.setattr(e.fig.canvas, "draw", lambda: (draws.append(1), original())[1])
    e.set(kind="cos")  # the title changes: update() asks for a full redraw
    assert draws == [1] and e.ax.get_title() == "cos"
    assert np.array_equal(pixels(e.render()), pixels(Wave(kind="cos").render()))
    e.set(freq=1.5)  # the title stays: back to blitting
    assert draws == [1]


def test_log_slider_takes_and_reports_the_value_not_the_exponent():
    e = Wave(eta=0.01)
    assert e.values["eta"] == pytest.approx(0.01) and "η = 0.01" in e.readout.value


@pytest.mark.parametrize("values, words", [
    ({"frequency": 2.0}, ["unknown setting", "'frequency'", "amp", "eta", "freq", "kind"]),
    ({"freq": 9.0}, ["freq=9.0", "outside", "[0.5, 3]"]),
    ({"eta": 5.0}, ["eta=5.0", "outside", "[0.001, 1]"]),
    ({"amp": float("nan")}, ["amp", "finite number"]),
    ({"freq": "2"}, ["freq", "finite number"]),
    ({"kind": "tan"}, ["kind='tan'", "'sin', 'cos'"]),
])
def test_bad_settings_raise_a_clear_value_error(values, words):
    for make in (lambda: Wave(**values), lambda: Wave().set(**values)):
        with pytest.raises(ValueError) as info:
            make()
        assert all(w in str(info.value) for w in words), str(info.value)


def test_a_bad_setting_leaves_the_explorer_unchanged():
    e = Wave()
    with pytest.raises(ValueError):
        e.set(freq=2.0, kind="tan")
    assert e.values["freq"] == 1.0 and e.redraws == 1


def test_a_failing_redraw_raises_from_code_but_shows_in_the_readout_from_a_control():
    e = Wave(freq=3.0, amp=3)
    with pytest.raises(ArithmeticError):
        e.set(kind="cos")
    e = Wave(freq=3.0, amp=3)
    e.controls["kind"].value = "cos"  # as the learner's click: must not vanish into a log
    assert "nnlib-error" in e.readout.value and "made-up failure" in e.readout.value
    e.controls["amp"].value = 2  # a good setting again: the readout recovers
    assert "nnlib-error" not in e.readout.value and e.readout.value.startswith("<b>cos</b>")


def test_text_stand_ins_describe_the_settings():
    e = Wave(freq=2.0)
    text = e._describe()
    assert text.startswith("Wave: frequency = 2, amplitude = 1, learning rate η = 0.1, kind = sin")
    assert "<b>" not in text and "sin: frequency 2" in text
    bundle = e._image_bundle(e.render())
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert bundle["text/plain"].startswith("<picture: Wave: frequency = 2")


def test_slider_and_selector_helpers():
    s = slider("n", 3, 1, 9, 2)
    assert isinstance(s, widgets.widgets.IntSlider) and s.continuous_update is False
    f = slider("x", 0.5, 0.0, 1.0, 0.1)
    assert isinstance(f, widgets.widgets.FloatSlider) and f.continuous_update is False
    g = slider("eta", 0.1, -3, 0, 0.1, log=True)
    assert isinstance(g, widgets.widgets.FloatLogSlider) and g.continuous_update is False
    d = selector("kind", {"sine": "sin", "cosine": "cos"}, "cos")
    assert d.value == "cos" and d.label == "cosine"


# ---- in a real kernel: what a saved notebook holds (static readers) ------------------------------
NOTEBOOK_CELLS = [
    "import sys\nsys.path.insert(0, {tests!r})\nfrom test_widgets_base import Wave",
    "Wave(freq=2.0)",
    "from nnlib import Network, fit\nfrom nnlib.data import xor\nX, y = xor()\n"
    "net = Network([2, 3, 1], seed=0)\nh = fit(net, X, y, epochs=3, batch_size=20, eta=1.0)",
    "net = Network([2, 3, 1], seed=0)\n"
    "h = fit(net, X, y, epochs=20, batch_size=20, eta=1.0, validation=(X, y), patience=1)",
]


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory):
    """A small notebook run top to bottom by nbclient, as `course.py execute` runs the course's."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from pathlib import Path
    tests = str(Path(__file__).resolve().parent)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.format(tests=tests))
                                         for c in NOTEBOOK_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path_factory.mktemp("nb") / "explorer.ipynb"
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    return nb, path


def test_a_saved_notebook_holds_the_default_picture_and_readable_text(executed_notebook):
    nb, _ = executed_notebook
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data", "display_data"]
    controls, picture = outputs
    assert "application/vnd.jupyter.widget-view+json" in controls.data
    assert controls.data["text/plain"].startswith("Wave: frequency = 2, amplitude = 1")
    assert "run the notebook" in controls.data["text/plain"]
    png = base64.b64decode(picture.data["image/png"])
    assert np.array_equal(pixels(png), pixels(Wave(freq=2.0).render()))  # the default state, drawn
    assert picture.data["text/plain"].startswith("<picture: Wave: frequency = 2")
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert controls.data["application/vnd.jupyter.widget-view+json"]["model_id"] in state


def test_exported_html_shows_the_default_picture(executed_notebook):
    nbconvert = pytest.importorskip("nbconvert")
    nb, _ = executed_notebook
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    png = base64.b64encode(base64.b64decode(nb.cells[1].outputs[1].data["image/png"])).decode()
    assert f'src="data:image/png;base64,{png}"' in body and "jp-RenderedImage" in body


def test_progress_bars_in_a_kernel_are_widgets_with_steady_text_and_no_stderr(executed_notebook):
    nb, _ = executed_notebook
    for cell, epochs in ((nb.cells[2], 3), (nb.cells[3], 20)):
        assert [o.output_type for o in cell.outputs] == ["display_data"], cell.outputs
        data = cell.outputs[0].data
        assert "application/vnd.jupyter.widget-view+json" in data
        assert data["text/plain"] == f"[progress bar: {epochs} epochs]"  # no timings: nbval-safe
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    bars = [s["state"] for s in state.values() if s["model_name"] == "FloatProgressModel"]
    done, early = sorted(bars, key=lambda s: s["max"])
    assert done["value"] == done["max"] == 3 and done["bar_style"] == "success"
    assert early["value"] < early["max"] == 20
    assert early["bar_style"] == "success"  # stopping early on purpose is not shown as a failure


def test_progress_bar_elsewhere_is_text_on_stderr(capsys):
    from nnlib import Network, fit
    from nnlib.data import xor
    X, y = xor()
    fit(Network([2, 3, 1], seed=0), X, y, epochs=2, batch_size=50, eta=1.0)
    out, err = capsys.readouterr()
    assert out == "" and "epochs" in err
    fit(Network([2, 3, 1], seed=0), X, y, epochs=2, batch_size=50, eta=1.0, progress=False)
    assert capsys.readouterr() == ("", "")


def test_progress_bar_in_a_kernel_turns_red_when_training_diverges(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    code = ("from nnlib import Network, fit, TrainingDiverged\nfrom nnlib.data import regression_1d\n"
            "X, y = regression_1d()\nnet = Network([1, 8, 1], output='identity', seed=0)\n"
            "try:\n    fit(net, X, y, epochs=5, batch_size=10, eta=1e5)\n"
            "except TrainingDiverged as e:\n    print('diverged')")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data", "stream"]
    assert outputs[1].name == "stdout" and outputs[1].text == "diverged\n"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    (bar,) = [s["state"] for s in state.values() if s["model_name"] == "FloatProgressModel"]
    assert bar["bar_style"] == "danger" and bar["value"] < bar["max"]
