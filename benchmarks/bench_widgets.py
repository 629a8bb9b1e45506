"""How fast do the explorers answer a learner? A script, not a test:

    .venv/bin/python benchmarks/bench_widgets.py               # in-process, every explorer (< 1 min)
    .venv/bin/python benchmarks/bench_widgets.py --browser     # also JupyterLab + headless Chromium
    .venv/bin/python benchmarks/bench_widgets.py --browser --notebooks 03 06 --presses 20

Targets (issue #5): in-process redraw per interactive (compute + draw) median <= 50 ms; in the
browser, key press to updated plot median <= 250 ms.

In-process (bench=widget): every Explorer subclass in nnlib/widgets/ (found by importing each
module, not from a list) is built with its defaults, then each control is moved through up to
--values of its settings (a slider's grid from min to max, every option of a drop-down), one at a
time from the default state, as a learner's click does it (setting the widget's value fires the
explorer's own observer). Each move is timed from the assignment to its return: compute, update,
the real draw (Agg canvas or blit over the cached background), the PNG encode, and the base64
image bundle the notebook would receive (a stand-in display handle takes it). Each control runs
twice over the same settings:
  phase=first  the first visit of each setting: includes whatever the explorer computes on
               demand and caches
  phase=again  the same settings again: what a learner moving back and forth sees
A move that fails, or does not redraw exactly once, is an error (exit status 1), not a time.
Explorers that their notebook builds with data or a precomputed study get it from BUILDERS
below, built as the notebook builds it (the precompute cell's time is printed as an INFO line:
the learner waits for it once, in a cell that says so); an explorer with required arguments and
no builder is reported as an error.

Browser (bench=widget-browser, with --browser): JupyterLab and headless Chromium started exactly
as tests/browser_helpers.py does (its LabServer and Browser; the server is stopped by its PID at
the end, also on failure or Ctrl-C). Each notebook with an explorer is opened, Run All, then each
slider gets --presses arrow-key presses (right until its maximum, then left) and each drop-down as
many changes of option. The time from the key press (a capturing keydown listener in the page) to
the picture's src changing in the DOM (a MutationObserver), both read from performance.now() in
the page, is one sample; a press whose picture never changed counts in missed=.

BLAS threads are pinned to 1 before NumPy is imported (override with BENCH_THREADS=2), as in
bench_train.py. Other jobs on a shared machine make these figures noisy: run twice, compare.
"""
import os
import sys

THREADS = os.environ.get("BENCH_THREADS", "1")
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS
os.environ.setdefault("MPLBACKEND", "Agg")

import argparse  # noqa: E402
import importlib  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import pkgutil  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import ipywidgets  # noqa: E402

import nnlib.widgets  # noqa: E402
from nnlib.widgets import Explorer  # noqa: E402

TARGET_MS = 50
BROWSER_TARGET_MS = 250


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


# ---- building the explorers ----------------------------------------------------------------------
def _schedules():
    """SchedulesExplorer needs training runs: schedule_runs as notebook 9 calls it (eta 3.0, 12
    epochs, batch 20), on 500 of its 2,000 digits to keep this script quick; the picture has the
    same 4 x 12 points either way."""
    from nnlib import load_digits
    from nnlib.widgets.schedules import SchedulesExplorer, schedule_runs
    (X, y), (X_val, y_val), _ = load_digits(validation=1000)
    return SchedulesExplorer(schedule_runs(X[:500], y[:500], X_val, y_val, eta=3.0, epochs=12, batch_size=20))


def _depth():
    """DepthExplorer as notebook 8 builds it: its study, with every run precomputed there."""
    from nnlib.widgets.depth import DepthExplorer, DepthStudy
    return DepthExplorer(study=timed("DepthStudy.precompute()",
                                     DepthStudy(n_train=1000, width=30, epochs=3, batch_size=20, eta=0.1).precompute))


def _regularisation():
    """RegularisationExplorer as notebook 10 builds it: after study.precompute() (its own data)."""
    from nnlib.widgets.regularisation import RegularisationExplorer, RegularisationStudy
    return RegularisationExplorer(timed("RegularisationStudy.precompute()", RegularisationStudy().precompute),
                                  kind="L2", lam=1e-3)


def timed(name, work):
    """work(), with an INFO line: the notebook's own precompute cell, which the learner waits for once."""
    t = time.perf_counter()
    result = work()
    print(f"INFO bench=widget precompute={name} seconds={time.perf_counter() - t:.1f} (a notebook cell, once)",
          flush=True)
    return result


BUILDERS = {"SchedulesExplorer": _schedules, "DepthExplorer": _depth,
            "RegularisationExplorer": _regularisation}


def discover():
    """Every Explorer subclass defined in a module of nnlib.widgets, in module order."""
    found = []
    for info in sorted(pkgutil.iter_modules(nnlib.widgets.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"nnlib.widgets.{info.name}")
        classes = [c for _, c in inspect.getmembers(module, inspect.isclass)
                   if issubclass(c, Explorer) and c is not Explorer and c.__module__ == module.__name__]
        found += sorted(classes, key=lambda c: inspect.getsourcelines(c)[1])
    return found


def required_arguments(cls):
    return [p.name for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
            if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def build(cls):
    if cls.__name__ in BUILDERS:
        return BUILDERS[cls.__name__]()
    missing = required_arguments(cls)
    if missing:
        raise TypeError(f"{cls.__name__} needs {', '.join(missing)}: add a builder for it to "
                        f"BUILDERS in {Path(__file__).name}")
    return cls()


class Sink:
    """Stands in for the notebook's display handle: receives the image bundle (PNG as base64)."""

    def __init__(self):
        self.updates = 0

    def update(self, bundle, raw=False):
        self.updates += 1
        self.last = bundle


# ---- in-process ----------------------------------------------------------------------------------
def settings(widget, limit):
    """Up to `limit` settings of a control, in order: a slider's grid (evenly thinned), or every
    option of a drop-down or selection slider."""
    if isinstance(widget, ipywidgets.FloatLogSlider):
        k = int(round((widget.max - widget.min) / widget.step))
        grid = [widget.base ** round(widget.min + i * widget.step, 12) for i in range(k + 1)]
    elif isinstance(widget, (ipywidgets.IntSlider, ipywidgets.FloatSlider)):
        k = int(round((widget.max - widget.min) / widget.step))
        grid = [widget.min + i * widget.step for i in range(k + 1)]
        grid = [int(v) for v in grid] if isinstance(widget, ipywidgets.IntSlider) else [round(v, 12) for v in grid]
    elif hasattr(widget, "options"):
        grid = [o[1] if isinstance(o, tuple) else o for o in widget.options]
    else:
        raise TypeError(f"do not know how to move a {type(widget).__name__}")
    if len(grid) > limit:
        grid = [grid[i] for i in np.unique(np.round(np.linspace(0, len(grid) - 1, limit)).astype(int))]
    return grid


def summary(times_ms, target):
    median = float(np.median(times_ms))
    return (f"median_ms={median:.1f} p90_ms={np.percentile(times_ms, 90):.1f} max_ms={max(times_ms):.1f} "
            f"target_ms={target} ok={'yes' if median <= target else 'no'}")


def bench_explorer(cls, limit):
    """RESULT lines for one explorer; returns the number of errors."""
    name = cls.__name__
    t = time.perf_counter()
    try:
        ex = build(cls)
    except Exception as exc:
        print(f"ERROR bench=widget explorer={name} building it failed: {type(exc).__name__}: {exc}", flush=True)
        return 1
    build_ms = 1000 * (time.perf_counter() - t)
    print(f"INFO bench=widget explorer={name} build_ms={build_ms:.0f} (as its notebook builds it, first picture included)",
          flush=True)
    sink = Sink()
    ex._handles.append(sink)  # what Explorer.show() registers: each redraw sends it the image
    defaults = ex.values
    errors = 0
    for control, widget in ex.controls.items():
        values = [v for v in settings(widget, limit) if not _same(v, defaults[control])]
        for phase in ("first", "again"):
            times = []
            for value in values:
                redraws, updates = ex.redraws, sink.updates
                start = time.perf_counter()
                widget.value = value  # the explorer's observer redraws, as on a learner's click
                times.append(1000 * (time.perf_counter() - start))
                failed = "nnlib-error" in ex.readout.value
                if failed or ex.redraws != redraws + 1 or sink.updates != updates + 1:
                    why = (re.sub(r"<[^>]+>", "", ex.readout.value) if failed else
                           f"{ex.redraws - redraws} redraws and {sink.updates - updates} pictures, not 1")
                    print(f"ERROR bench=widget explorer={name} control={control} value={value!r}: {why}",
                          flush=True)
                    errors += 1
            ex.set(**{control: defaults[control]})  # back to the default before the next control
            if times:
                print(f"RESULT bench=widget explorer={name} control={control} phase={phase} n={len(times)} "
                      f"{summary(times, TARGET_MS)} load={load_average():.2f}", flush=True)
    return errors


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
        except (TypeError, ValueError):
            return False
    return a == b


# ---- in the browser ------------------------------------------------------------------------------
def notebooks_with_explorers(prefixes):
    """Notebooks whose code builds an explorer (or uses ipywidgets), optionally only those whose
    names start with one of `prefixes`."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        if prefixes and not any(path.name.startswith(p) for p in prefixes):
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if re.search(r"Explorer\(|ipywidgets|\binteract\b", code):
            found.append(path)
    return found


def bench_browser(paths, presses):
    sys.path.insert(0, str(ROOT / "tests"))
    import browser_helpers as bh
    why = bh.unavailable()
    if why:
        print(f"ERROR bench=widget-browser cannot run: {why}", flush=True)
        return 1
    errors = 0
    with bh.LabServer(root=ROOT) as lab, bh.Browser() as browser:
        for path in paths:
            notebook = path.name[:2]
            page = browser.new_page()
            try:
                t = time.perf_counter()
                bh.open_notebook(page, lab, path.relative_to(ROOT).as_posix())
                bh.run_all(page)
                print(f"INFO bench=widget-browser notebook={notebook} open_and_run_all_s="
                      f"{time.perf_counter() - t:.1f}", flush=True)
                problems = bh.page_problems(page)
                for control in bh.list_controls(page):
                    times, missed, key = [], 0, "ArrowRight"
                    for _ in range(presses):
                        if control["kind"] == "slider":
                            state = bh.control_state(page, control["index"])
                            if state["value"] >= state["max"]:
                                key = "ArrowLeft"
                            elif state["value"] <= state["min"]:
                                key = "ArrowRight"
                        _, _, seconds = bh.poke(page, control, key=key)
                        if seconds is None:
                            missed += 1
                        else:
                            times.append(1000 * seconds)
                    label = control["description"].replace(" ", "_") or f"#{control['index']}"
                    if times:
                        print(f"RESULT bench=widget-browser notebook={notebook} control={label} "
                              f"kind={control['kind']} n={len(times)} missed={missed} "
                              f"{summary(times, BROWSER_TARGET_MS)} load={load_average():.2f}", flush=True)
                    else:
                        print(f"ERROR bench=widget-browser notebook={notebook} control={label}: the picture "
                              f"never changed in {presses} presses", flush=True)
                        errors += 1
                problems += bh.page_problems(page) + page.nnlib_console_errors
                for problem in dict.fromkeys(problems):
                    print(f"ERROR bench=widget-browser notebook={notebook} {problem}", flush=True)
                errors += len(set(problems))
            finally:
                browser.close_page(page)
                lab.shutdown_kernels()
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, default=20, metavar="N",
                        help="settings per control in-process (default 20)")
    parser.add_argument("--browser", action="store_true", help="also measure in JupyterLab + Chromium")
    parser.add_argument("--notebooks", nargs="+", default=[], metavar="NN",
                        help="with --browser: only these notebooks (by number, e.g. 03 06)")
    parser.add_argument("--presses", type=int, default=10, metavar="N",
                        help="with --browser: key presses per control (default 10)")
    parser.add_argument("--only", nargs="+", default=[], metavar="CLASS",
                        help="in-process: only these explorers (class names)")
    # `course.py bench ARGS` passes the same ARGS to every benchmark script.
    args, foreign = parser.parse_known_args()
    if foreign:
        print(f"INFO bench_widgets ignores arguments meant for other benchmarks: {' '.join(foreign)}")
    # A SIGTERM unwinds like Ctrl-C, so the JupyterLab server is stopped (by its PID) on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    print(f"INFO bench=widget threads={THREADS} load={load_average():.2f}", flush=True)
    errors = 0
    classes = discover()
    unknown = set(args.only) - {c.__name__ for c in classes}
    if unknown:
        parser.error(f"no explorer named {', '.join(sorted(unknown))}; found: "
                     f"{', '.join(c.__name__ for c in classes)}")
    for cls in classes:
        if not args.only or cls.__name__ in args.only:
            errors += bench_explorer(cls, args.values)
    if args.browser:
        paths = notebooks_with_explorers(args.notebooks)
        if not paths:
            parser.error(f"no notebook with an explorer matches {args.notebooks}")
        errors += bench_browser(paths, args.presses)
    if errors:
        print(f"bench_widgets: {errors} error(s), see the ERROR lines", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
