"""Kernel-free explorers for the website: every setting's picture, pre-rendered at build time.

An explorer cell is a code cell whose source calls one of nnlib.widgets' Explorer classes (found by
the class name in the parsed source, so no tag is needed) and whose saved outputs hold the
widget and its picture. For each one this module

1. rebuilds the explorer as the notebook does: it takes the notebook's own top-level statements
   that the explorer's arguments depend on (a backward slice: `model = toy_neuron()`,
   `study = DepthStudy(...)`, the data the runs need, ...), runs just those in a fresh namespace,
   then evaluates the explorer call from the cell;
2. lists every setting the live controls offer (each slider position, each drop-down choice);
   if all their combinations fit the frame budget, it draws each one with the explorer's own
   compute() / update() / render() (what a slider move runs in JupyterLab) and keeps the PNG
   and the readout;
3. checks the rebuild against the notebook: the frame for the saved setting must describe
   itself exactly as the saved picture does (its text/plain: settings and readout numbers) and
   match it pixel for pixel (within a small tolerance). A mismatch means the notebook changed
   in a way the slice did not capture: the page then shows the saved picture only, and the
   build says why.

Standalone use (what the build runs in a subprocess):
    python tools/book/explorers.py NOTEBOOK... --out DIR     -> DIR/<stem>-cell<N>/*.png + manifest.json
"""
import ast
import base64
import hashlib
import html
import io
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

MAX_FRAMES = 400          # per explorer: more combinations than this are not pre-rendered
MAX_BYTES = 12_000_000    # per explorer, estimated from the first frames
PIXEL_TOLERANCE = 2.0     # mean absolute difference (0-255) allowed against the saved picture


# ---------------------------------------------------------------------------- finding the cells

def explorer_classes():
    """name -> class for every Explorer subclass in nnlib.widgets' modules."""
    import importlib
    import pkgutil
    import nnlib.widgets as w
    for info in pkgutil.iter_modules(w.__path__):
        importlib.import_module(f"nnlib.widgets.{info.name}")
    found, todo = {}, [w.Explorer]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found[sub.__name__] = sub
            todo.append(sub)
    return found


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _python(src):
    """Cell source without IPython magics / shell lines, so that ast can parse it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in src.splitlines())


def _call_name(node):
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def find_explorer_calls(nb, names):
    """[(cell index, class name, ast.Call)] for the cells that construct an explorer and saved
    a widget (the live controls) in their outputs."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        if not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs):
            continue
        try:
            tree = ast.parse(_python(_source(cell)))
        except SyntaxError:
            continue
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _call_name(n) in names]
        if calls:
            found.append((i, _call_name(calls[0]), calls[0]))
    return found


def saved_picture(cell):
    """(PNG bytes, its text/plain) of the first image the cell saved, or (None, None)."""
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if "image/png" in data:
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            png = data["image/png"]
            png = "".join(png) if isinstance(png, list) else png
            return base64.b64decode(png), text
    return None, None


# ---------------------------------------------------------------------------- the slice

def _names(node, ctx):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _base(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def statement_defs(stmt):
    """Names a top-level statement may (re)bind or change: assignments, imports, defs, loops, and
    the objects whose attributes/items it sets or whose methods it calls (they may mutate)."""
    defs = set()
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    defs |= _names(stmt, ast.Store)
    for n in ast.walk(stmt):
        if isinstance(n, (ast.Attribute, ast.Subscript)) and isinstance(n.ctx, ast.Store):
            defs.add(_base(n))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            defs.add(_base(n.func.value))
    defs.discard(None)
    return defs


def statement_uses(stmt):
    uses = _names(stmt, ast.Load)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        uses |= {d.id for d in ast.walk(stmt) if isinstance(d, ast.Name)}
    return uses


def backward_slice(nb, cell_index, call):
    """The source of the notebook's top-level statements (before the explorer call) that the
    call's arguments depend on, in notebook order; imports are always kept."""
    stmts = []
    for i, cell in enumerate(nb["cells"][:cell_index + 1]):
        if cell.get("cell_type") != "code":
            continue
        src = _python(_source(cell))
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for stmt in tree.body:
            if i == cell_index and stmt.lineno >= call.lineno:
                break
            stmts.append((i, stmt, ast.get_source_segment(src, stmt)))
    needed = _names(call, ast.Load)
    keep = []
    for i, stmt, text in reversed(stmts):
        is_import = isinstance(stmt, (ast.Import, ast.ImportFrom))
        defs = statement_defs(stmt)
        if is_import or defs & needed:
            keep.append((i, text))
            if not is_import:
                # a plain `name = ...` replaces the value: earlier definitions are not needed
                if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
                    needed -= {t.id for t in stmt.targets}
                needed |= statement_uses(stmt)
    keep.reverse()
    return keep


# ---------------------------------------------------------------------------- settings

def control_settings(name, w):
    """[(value, label)] for every position the live control offers, and its kind."""
    import ipywidgets as widgets
    label = (getattr(w, "description", "") or name).strip()
    if isinstance(w, widgets.FloatLogSlider):
        n = int(round((w.max - w.min) / w.step))
        fmt = w.readout_format or ".3g"
        values = [float(w.base ** (w.min + k * w.step)) for k in range(n + 1)]
        return "range", label, [(v, format(v, fmt)) for v in values]
    if isinstance(w, widgets.FloatSlider):
        n = int(round((w.max - w.min) / w.step))
        fmt = w.readout_format or ".3g"
        values = [round(w.min + k * w.step, 12) for k in range(n + 1)]
        return "range", label, [(v, format(v, fmt)) for v in values]
    if isinstance(w, widgets.IntSlider):
        return "range", label, [(v, str(v)) for v in range(w.min, w.max + 1, w.step)]
    if isinstance(w, widgets.SelectionSlider):
        return "range", label, [(v, lab) for lab, v in zip(w._options_labels, w._options_values)]
    if isinstance(w, (widgets.Dropdown, widgets.Select, widgets.RadioButtons, widgets.ToggleButtons)):
        return "select", label, [(v, lab) for lab, v in zip(w._options_labels, w._options_values)]
    raise TypeError(f"control {name!r} ({type(w).__name__}) has no list of settings")


def _index_of(settings, value):
    for k, (v, _) in enumerate(settings):
        if v == value or (isinstance(v, float) and isinstance(value, (int, float))
                          and abs(v - value) <= 1e-9 * max(1.0, abs(v))):
            return k
    return 0


def _plain(text):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text or ""))).strip()


def optimise_png(png):
    from PIL import Image
    im = Image.open(io.BytesIO(png))
    buf = io.BytesIO()
    # zlib level 6: within 2 % of optimize=True at a fifth of its time (measured here)
    im.convert("RGB").save(buf, format="png", compress_level=6)
    return buf.getvalue()


def pixel_difference(png_a, png_b):
    import numpy as np
    from PIL import Image
    a = np.asarray(Image.open(io.BytesIO(png_a)).convert("RGB"), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(png_b)).convert("RGB"), dtype=float)
    if a.shape != b.shape:
        return float("inf")
    return float(np.abs(a - b).mean())


# ---------------------------------------------------------------------------- rendering

def build_explorer(nb, cell_index, call):
    """Run the slice, then the explorer call: the explorer as the notebook made it."""
    import matplotlib
    matplotlib.use("Agg")
    namespace = {"__name__": "__nnbook__"}
    for i, text in backward_slice(nb, cell_index, call):
        exec(compile(text, f"<notebook cell {i}>", "exec"), namespace)
    src = ast.unparse(call)
    return eval(compile(src, f"<notebook cell {cell_index}>", "eval"), namespace), src


def render_frames(explorer, out_dir, max_frames=MAX_FRAMES, max_bytes=MAX_BYTES):
    """Draw every combination of settings; return the manifest entry (or a reason not to)."""
    import itertools
    import matplotlib
    from nnlib import plots

    controls = []
    for name, w in explorer.controls.items():
        kind, label, settings = control_settings(name, w)
        controls.append({"name": name, "kind": kind, "label": label,
                         "labels": [lab for _, lab in settings], "values": [v for v, _ in settings],
                         "start": _index_of(settings, w.value)})
    total = 1
    for c in controls:
        total *= len(c["values"])
    summary = ", ".join(f"{c['label']} ({len(c['values'])})" for c in controls)
    if total > max_frames:
        return {"frames": None, "controls": controls, "total": total,
                "reason": f"{total:,} combinations of settings ({summary}): more than the {max_frames} "
                          "frames a page may hold"}
    captured = {}
    original_render = explorer.render

    def capture():
        png = original_render()
        captured["png"] = png
        return png

    explorer.render = capture
    out_dir.mkdir(parents=True, exist_ok=True)
    frames, size = [], 0
    for n, combo in enumerate(itertools.product(*[range(len(c["values"])) for c in controls])):
        values = {c["name"]: c["values"][k] for c, k in zip(controls, combo)}
        with matplotlib.rc_context(plots.STYLE):
            explorer.set(**values)          # the explorer's own compute, update and render
        png = optimise_png(captured["png"])
        name = "f" + "-".join(str(k) for k in combo) + ".png"
        (out_dir / name).write_bytes(png)
        size += len(png)
        frames.append({"src": name, "readout": explorer.readout.value or "",
                       "describe": explorer._describe(), "index": list(combo)})
        if n == 4 and size / 5 * total > max_bytes:
            return {"frames": None, "controls": controls, "total": total,
                    "reason": f"{total} frames of about {size / 5 / 1e3:.0f} kB would take "
                              f"{size / 5 * total / 1e6:.0f} MB, more than {max_bytes / 1e6:.0f} MB"}
    explorer.render = original_render
    return {"frames": frames, "controls": controls, "total": total, "bytes": size}


def process_notebook(path, out_root):
    """Every explorer cell of one notebook: [manifest entries]."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    classes = explorer_classes()
    entries = []
    for cell_index, cls, call in find_explorer_calls(nb, classes):
        start = time.perf_counter()
        key = f"{Path(path).stem}-cell{cell_index}"
        entry = {"notebook": Path(path).name, "cell": cell_index, "class": cls, "key": key,
                 "call": ast.unparse(call)}
        saved_png, saved_text = saved_picture(nb["cells"][cell_index])
        try:
            explorer, _ = build_explorer(nb, cell_index, call)
            entry.update(render_frames(explorer, Path(out_root) / key))
        except Exception as exc:  # the page falls back to the saved picture; the build says why
            entry.update(frames=None, reason=f"could not rebuild it: {type(exc).__name__}: {exc}")
        if entry.get("frames"):
            entry.update(verify(entry, saved_png, saved_text, Path(out_root) / key))
        entry["seconds"] = round(time.perf_counter() - start, 2)
        entries.append(entry)
    return entries


def verify(entry, saved_png, saved_text, out_dir):
    """The frame whose description equals the saved picture's, and how its pixels compare."""
    if saved_png is None:
        return {"frames": None, "reason": "the cell saved no picture to compare the frames with"}
    want = re.sub(r"^<picture: |>$", "", saved_text.strip())
    for k, f in enumerate(entry["frames"]):
        if f["describe"][:300] == want:
            diff = pixel_difference(saved_png, (out_dir / f["src"]).read_bytes())
            if diff > PIXEL_TOLERANCE:
                return {"frames": None, "reason": f"the frame for the saved setting differs from the "
                                                  f"saved picture (mean pixel difference {diff:.2f})"}
            return {"saved_frame": k, "pixel_difference": round(diff, 3)}
    return {"frames": None,
            "reason": "no pre-rendered frame describes itself as the saved picture does "
                      f"({want[:160]!r}): the notebook builds the explorer from something the "
                      "build did not reproduce"}


def main(argv):
    out = Path(argv[argv.index("--out") + 1])
    paths = [a for a in argv if a.endswith(".ipynb")]
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for p in paths:
        entries += process_notebook(p, out)
    for e in entries:
        for f in e.get("frames") or []:
            f.pop("describe", None)
    (out / "manifest.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1))
    return 0


def source_hash():
    """What the frames depend on: nnlib's source and this file (the notebooks are hashed apart)."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "nnlib").rglob("*.py")) + [Path(__file__)]:
        h.update(p.read_bytes())
    return h.hexdigest()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
