"""Every notebook in a real browser: JupyterLab (from the project's .venv) and headless Chromium.

For each notebook: open it (the saved outputs must display without widget errors), Run All,
wait until the kernel is idle, and fail on error outputs, anything on stderr, "Error displaying
widget", an explorer's failed redraw, an open dialog, or a browser console error. Then move every
slider one step with the keyboard (and pick the next option of every drop-down): its own readout,
the explorer's readout (.nnlib-readout) and its picture must all change. A screenshot of each
notebook goes to artifacts/screenshots/. A small notebook generated here checks the explorer base
itself (sliders, a drop-down, a drag, a failing redraw, a progress bar) before the course's own.

One server and one browser serve this file's tests (module scope: both are gone before other
test files run); notebooks run one after another. The notebooks on disk are never modified
(autosave is off; the test checks their bytes). Where Chromium or Playwright is missing, these
tests are skipped and say why.
"""
import hashlib
import re
from pathlib import Path

import pytest

import browser_helpers as bh

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
SCREENSHOTS = REPO / "artifacts" / "screenshots"
SELFTEST_DIR = REPO / "artifacts" / "browser-selftest"  # git-ignored, inside the server's root
LEARNING_RATE = re.compile(r"learning rate|\u03b7|\beta\b", re.I)
BATCH_SIZE = re.compile(r"batch", re.I)
# Sliders a notebook must have, by the start of its file name, and what they must be about.
REQUIRED = {"03": [("learning-rate", LEARNING_RATE)], "06": [("batch-size", BATCH_SIZE)]}

REASON = bh.unavailable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser tests skipped: {REASON}")


# Module scope, not session: a started sync Playwright keeps an asyncio loop marked as running in
# this thread until it stops, so a second sync_playwright() later in the same pytest run (the
# slides test) failed with "using Playwright Sync API inside the asyncio loop", and anything else
# that asks for the running loop (jupyter_client under nbval) would see it too. Browser and server
# therefore stop as soon as this file's tests are done.
@pytest.fixture(scope="module")
def lab():
    server = bh.LabServer(root=REPO)
    server.start()
    try:
        yield server
    finally:
        server.stop()  # deletes every session (their kernels stop), then the server, by its PID


@pytest.fixture(scope="module")
def browser():
    with bh.Browser() as b:
        yield b


@pytest.fixture
def page(lab, browser):
    """A fresh page for one notebook; afterwards the page closes and its kernel is shut down."""
    p = browser.new_page()
    try:
        yield p
    finally:
        browser.close_page(p)
        lab.shutdown_kernels()


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_controls(page, relpath, required=()):
    """Move every slider and drop-down once; return a list of problems (empty when all is well)."""
    problems, moved = [], []
    controls = bh.list_controls(page)
    for control in controls:
        before, after, seconds = bh.poke(page, control)
        name = f"{control['kind']} {control['description']!r}"
        if after is None:
            problems.append(f"{name}: disappeared from the page after it was moved")
            continue
        if before["value"] == after["value"]:
            problems.append(f"{name}: did not move (value stayed {before['value']!r})")
            continue
        changed = []
        if control["kind"] == "slider" and before["readout"] == after["readout"]:
            problems.append(f"{name}: its own readout stayed {before['readout']!r}")
        if before["explorer"] is None:
            if before["outputs"] == after["outputs"]:
                problems.append(f"{name}: nothing in its cell's outputs changed")
        else:
            if before["explorer"] == after["explorer"]:
                problems.append(f"{name}: the explorer's readout did not change "
                                f"(stayed {before['explorer'][:120]!r})")
            if before["img"] is None:
                problems.append(f"{name}: no picture found next to the explorer")
            elif before["img"] == after["img"]:
                problems.append(f"{name}: the picture did not change (waited {bh.POKE_TIMEOUT} s)")
            else:
                changed.append("picture")
        moved.append((control, before, after, seconds))
    for label, pattern in required:
        matching = [c for c, *_ in moved if c["kind"] == "slider" and pattern.search(c["description"])]
        if not matching:
            problems.append(f"no {label} slider found (looked for a slider described by "
                            f"{pattern.pattern!r}; found: {[c['description'] for c in controls]})")
    return problems, moved


def run_notebook_in_browser(page, lab, relpath, shot, required=()):
    """Open, check the saved state, Run All, check, move every control; return (problems, moved)."""
    bh.open_notebook(page, lab, relpath)
    page.wait_for_timeout(500)
    problems = [f"as saved (before running): {p}" for p in bh.page_problems(page)]
    bh.run_all(page)
    problems += [f"after Run All: {p}" for p in bh.page_problems(page)]
    unfinished = bh.unexecuted_cells(page)
    if unfinished:
        problems.append(f"after Run All, {unfinished} code cell(s) had not run (an error stops Run All)")
    control_problems, moved = check_controls(page, relpath, required)
    problems += control_problems
    problems += [f"after moving the controls: {p}" for p in bh.page_problems(page)]
    bh.show_first_explorer(page)
    bh.screenshot(page, shot)
    problems += page.nnlib_console_errors
    return problems, moved


# ---- the explorer base, in a notebook generated here --------------------------------------------
SELFTEST_CODE = '''import numpy as np
from nnlib import widgets
from nnlib.widgets import Explorer

class Wave(Explorer):
    figsize = (6, 3)
    def make_controls(self):
        return {"freq": widgets.slider("frequency", 1.0, 0.5, 3.0, 0.5),
                "n": widgets.slider("points", 50, 10, 200, 10),
                "amp": widgets.slider("amplitude", 0.8, 0.0, 1.0, 0.05),
                "eta": widgets.slider("learning rate \u03b7", 0.1, -3, 0, 0.5, log=True),
                "kind": widgets.selector("kind", ["sin", "cos", "broken"])}
    def compute(self, freq, n, amp, eta, kind):
        if kind == "broken":
            raise ArithmeticError("a deliberate failure")
        x = np.linspace(0, 2 * np.pi, n)
        return x, amp * getattr(np, kind)(freq * x) * (1 + eta)
    def setup(self, fig):
        self.ax = fig.add_subplot()
        self.ax.set(xlim=(0, 2 * np.pi), ylim=(-2.2, 2.2))
        self.line, = self.ax.plot([], [])
        self.animate(self.line)
    def update(self, result):
        self.line.set_data(*result)
        v = self.values
        return (f"{v['kind']}: frequency {v['freq']:g}, {v['n']} points, amplitude {v['amp']:.2f}, "
                f"\u03b7 = {v['eta']:.3g}, redraw {self.redraws + 1}")
'''
SELFTEST_CELLS = [
    ("markdown", "# The explorer base in JupyterLab", []),
    ("code", SELFTEST_CODE, []),
    ("code", "Wave()", ["nbval-ignore-output"]),
    ("code", "from nnlib import Network, fit\nfrom nnlib.data import xor\nX, y = xor()\n"
             "h = fit(Network([2, 3, 1], seed=0), X, y, epochs=5, batch_size=20, eta=1.0)",
     ["nbval-ignore-output"]),
]


@pytest.fixture(scope="module")
def selftest_notebook():
    nbformat = pytest.importorskip("nbformat")
    cells = []
    for kind, source, tags in SELFTEST_CELLS:
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        cells.append(make(source, metadata={"tags": tags} if tags else {}))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    SELFTEST_DIR.mkdir(parents=True, exist_ok=True)
    path = SELFTEST_DIR / "explorer-base.ipynb"
    nbformat.write(nb, path)
    return path


def redraw_count(text):
    return int(re.search(r"redraw (\d+)", text).group(1))


def test_explorer_base_in_jupyterlab(page, lab, selftest_notebook):
    relpath = selftest_notebook.relative_to(REPO).as_posix()
    bh.open_notebook(page, lab, relpath)
    bh.run_all(page)
    assert bh.page_problems(page) == []
    assert bh.unexecuted_cells(page) == 0
    bar = page.locator(".widget-hprogress .progress-bar")
    assert bar.count() == 1, "fit's progress bar is not a widget"
    assert "progress-bar-success" in bar.get_attribute("class")  # green: training finished
    controls = {c["description"]: c for c in bh.list_controls(page)}
    assert list(controls) == ["frequency", "points", "amplitude", "learning rate \u03b7", "kind"]
    start = bh.control_state(page, controls["frequency"]["index"])
    assert start["img"].startswith("data:image/png;base64,") and redraw_count(start["explorer"]) == 1

    # every slider step and the drop-down: readouts and picture change, one redraw each
    # (amplitude: 0.8 -> 0.85, a move that noUiSlider's one-decimal aria-valuenow does not show)
    for description in ("frequency", "points", "amplitude", "learning rate \u03b7"):
        before, after, seconds = bh.poke(page, controls[description])
        assert after["value"] != before["value"] and after["readout"] != before["readout"], description
        assert after["img"] != before["img"] and seconds is not None, description
        assert redraw_count(after["explorer"]) == redraw_count(before["explorer"]) + 1, description
    assert bh.control_state(page, controls["amplitude"]["index"])["value"] == pytest.approx(0.85)
    before, after, _ = bh.poke(page, controls["kind"])
    assert after["value"] == "cos" and after["explorer"].startswith("cos:") and after["img"] != before["img"]

    # a drag across the whole slider redraws once, on release: no backlog of stale pictures
    before = bh.control_state(page, controls["frequency"]["index"])
    bh.drag_slider(page, controls["frequency"], fraction_from=0.0, fraction_to=1.0, steps=25)
    after = bh.control_state(page, controls["frequency"]["index"])
    assert after["value"] == after["max"] and after["img"] != before["img"]
    assert redraw_count(after["explorer"]) == redraw_count(before["explorer"]) + 1
    # at its maximum, a slider is moved with ArrowLeft (ArrowRight would do nothing)
    before, after, _ = bh.poke(page, controls["frequency"])
    assert (before["value"], after["value"]) == (3.0, 2.5) and after["img"] != before["img"]

    # a redraw that fails is reported in the readout, where the learner is looking
    before, after, _ = bh.poke(page, controls["kind"])
    assert after["value"] == "broken"
    problems = bh.page_problems(page)
    assert len(problems) == 1 and "deliberate failure" in problems[0], problems
    assert page.nnlib_console_errors == []
    bh.screenshot(page, SCREENSHOTS / "explorer-base.png")


# ---- the course's notebooks ---------------------------------------------------------------------
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_in_jupyterlab(page, lab, path):
    before = digest(path)
    relpath = path.relative_to(REPO).as_posix()
    required = REQUIRED.get(path.name[:2], [])
    problems, moved = run_notebook_in_browser(page, lab, relpath, SCREENSHOTS / f"{path.stem}.png",
                                              required)
    assert digest(path) == before, f"{path.name} was modified on disk by the browser test"
    assert not problems, f"{path.name} in JupyterLab:\n  " + "\n  ".join(problems)
