#!/usr/bin/env python3
"""The course's one entry point. Needs nothing but Python 3.10 or newer.

    python3 course.py lab        set up (or refresh) .venv, then open JupyterLab on notebooks/
    python3 course.py test       set up (or refresh) .venv with the test tools, then run every test
    python3 course.py test --lowest   the unit tests and notebooks at the lowest declared versions
    python3 course.py execute    re-run notebooks top to bottom and save their outputs (contributors);
                                 execute --check re-runs them without saving and lists changed outputs
    python3 course.py bench      run the benchmarks and print their figures
    python3 course.py links      regenerate the Binder launch links from pyproject.toml (contributors)
    python3 course.py slides     build offline reveal.js slide decks into slides/ (instructors)
    python3 course.py book       build the course's website into site/ (offline; needs npm once)

Set-up is idempotent: .venv is created once and reinstalled only when pyproject.toml changes,
so after the first run `lab` works without network (an instructor on bad wifi).
"""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
NOTEBOOKS = ROOT / "notebooks"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
PYTEST_ARGS = [
    "tests", "notebooks",
    "--nbval", "--nbval-current-env",
    "--nbval-sanitize-with", "tests/nbval-sanitize.cfg",
    "-p", "no:cacheprovider",
]


def die(message):
    print(f"course.py: {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd, **kwargs):
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=kwargs.pop("cwd", ROOT), **kwargs)


def ensure_venv(extras=""):
    """Create .venv if missing; (re)install the course when pyproject.toml or the extras changed."""
    if sys.version_info < (3, 10):
        die(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}. "
            "Install a newer python3 and run this command with it.")
    if not PYTHON.exists():
        print(f"Creating the course's virtual environment in {VENV} ...", flush=True)
        result = run([sys.executable, "-m", "venv", VENV])
        if result.returncode != 0:
            die("could not create .venv. On Debian/Ubuntu install the venv module: "
                "sudo apt-get install python3-venv, then run this command again.")
    # The stamp records what was installed: pyproject.toml's hash and the extras. Nothing is
    # reinstalled while it still covers what is asked, so set-up works offline after the first time.
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".course-installed"
    have_hash, _, have_extras = (stamp.read_text().strip() if stamp.exists() else "").partition(" ")
    if have_hash == want and (not extras or extras in have_extras.split(",")):
        return
    if have_hash == want:
        extras = ",".join(e for e in (have_extras, extras) if e)
    # the whole course (JupyterLab, nbgitpuller for hub links) on top of nnlib's own requirements
    target = f".[{','.join(['course', 'hub', *filter(None, extras.split(','))])}]"
    result = run([PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target])
    if result.returncode != 0:
        die("installing the course's packages failed (see pip's message above). "
            "Check your connection to PyPI, then run this command again.")
    stamp.write_text(f"{want} {extras}\n")


def lab(args):
    ensure_venv()
    os.chdir(NOTEBOOKS)
    jupyter = BIN / ("jupyter.exe" if os.name == "nt" else "jupyter")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        # containers and Codespaces run as root, where Jupyter refuses to start without this
        print("course.py: running as root (a container?), so JupyterLab gets --allow-root", flush=True)
        args = ["--allow-root", *args]
    os.execv(str(jupyter), [str(jupyter), "lab", *args])


def test(args):
    if args[:1] == ["--lowest"]:
        # a venv of its own (.venv-lowest) with the lowest declared versions: tools/lowest.py
        result = run([sys.executable, ROOT / "tools" / "lowest.py", *args[1:]])
        sys.exit(result.returncode)
    ensure_venv("test")
    ensure_venv("docs")   # tests/test_book.py builds the website
    result = run([PYTHON, "-m", "pytest", *PYTEST_ARGS, *args])
    sys.exit(result.returncode)


def notebook_paths(args):
    paths = [Path(a).resolve() for a in args] or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        die("no such notebook: " + ", ".join(missing))
    return paths


def problems_in_outputs(path):
    """Errors or warnings in a notebook's saved outputs: they must never be committed."""
    found = []
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: error {out.get('ename')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"cell {i}: stderr: {''.join(out['text'])[:200]!r}")
    return found


EXECUTE_ENV = {"PYTHONHASHSEED": "0", "NNLIB_EXECUTING": "1"}


def execute(args):
    """Re-run notebooks top to bottom in a fresh kernel and save them with their outputs.
    With --check: re-run them without saving, and list the text outputs that changed."""
    ensure_venv("test")
    if "--check" in args:
        sys.exit(check_outputs([a for a in args if a != "--check"]))
    env = dict(os.environ, **EXECUTE_ENV)
    failed = []
    for path in notebook_paths(args):
        result = run([PYTHON, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                      "--inplace", "--ExecutePreprocessor.timeout=300",
                      "--ExecutePreprocessor.record_timing=False", path], env=env)
        problems = problems_in_outputs(path) if result.returncode == 0 else ["execution failed"]
        if problems:
            failed.append(path.name)
            print(f"{path.name}: " + "; ".join(problems), file=sys.stderr)
    if failed:
        die("fix these notebooks before committing them: " + ", ".join(failed))


# ---- execute --check: which saved text outputs would a fresh run change? -------------------------
# Self-contained: it re-runs each notebook into a temporary directory (the committed file is never
# written), then compares the text outputs cell by cell after nbval's sanitizers, as nbval would.
SANITIZE_CFG = ROOT / "tests" / "nbval-sanitize.cfg"
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}


def read_sanitizers(path=SANITIZE_CFG):
    """The (regex, replacement) pairs of an nbval sanitize file, in file order, read the way nbval
    reads them: each `regex: ...` line followed by its `replace: ...` line."""
    import re
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", Path(path).read_text(), flags=re.MULTILINE)
    return [(re.compile(regex), replace) for regex, replace in pairs]


def text_outputs(cell, sanitizers):
    """A code cell's text outputs (streams, and the text/plain of results and displays), joined
    in output order, sanitized. Images and widget views are not text: nbval skips them too."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            text = "".join(out.get("text", ""))
        elif "text/plain" in out.get("data", {}):
            text = "".join(out["data"]["text/plain"]) + "\n"
        elif out.get("output_type") == "error":
            text = f"{out.get('ename')}: {out.get('evalue')}\n"
        else:
            continue
        for regex, replace in sanitizers:
            text = regex.sub(replace, text)
        parts.append(text)
    return "".join(parts)


def changed_outputs(committed, fresh, sanitizers, context=1):
    """[(cell number, first source line, diff lines)] for every code cell whose sanitized text output
    differs between two versions of a notebook (dicts). Cells tagged nbval-ignore-output or
    nbval-skip are left out, as nbval leaves them out."""
    import difflib
    old_cells, new_cells = committed["cells"], fresh["cells"]
    if len(old_cells) != len(new_cells):
        return [(None, "", [f"the notebook has {len(old_cells)} cells but the run produced {len(new_cells)}"])]
    changes = []
    for i, (old, new) in enumerate(zip(old_cells, new_cells)):
        if old.get("cell_type") != "code" or IGNORE_TAGS & set(old.get("metadata", {}).get("tags", [])):
            continue
        a, b = text_outputs(old, sanitizers), text_outputs(new, sanitizers)
        if a != b:
            diff = [line.rstrip("\n") for line in difflib.unified_diff(
                a.splitlines(True), b.splitlines(True), "committed", "fresh run", n=context, lineterm="\n")][2:]
            first = "".join(old.get("source", "")).strip().splitlines()[:1]
            changes.append((i, first[0] if first else "", diff[:12] + (["  ..."] if len(diff) > 12 else [])))
    return changes


def check_outputs(args, python=None, out=None):
    """Re-run each notebook into a temporary directory (same kernel environment as execute) and
    print every text output that changed against the committed one. Returns the exit status:
    0 when nothing changed, 1 when something did (or a run failed)."""
    import tempfile
    out = out or sys.stdout
    python = python or PYTHON
    sanitizers = read_sanitizers()
    env = dict(os.environ, **EXECUTE_ENV)
    status = 0
    for path in notebook_paths(args):
        with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
            # The kernel runs in the notebook's own folder (as execute runs it); only the output
            # file goes to the temporary directory.
            result = subprocess.run(
                [str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                 "--output-dir", tmp, "--output", path.name, "--ExecutePreprocessor.timeout=300",
                 "--ExecutePreprocessor.record_timing=False", str(path)],
                cwd=ROOT, env=env, capture_output=True, text=True)
            fresh_path = Path(tmp) / path.name
            if result.returncode != 0 or not fresh_path.exists():
                print(f"{path.name}: the run failed:\n{result.stderr[-2000:]}", file=out)
                status = 1
                continue
            changes = changed_outputs(json.loads(path.read_text()), json.loads(fresh_path.read_text()),
                                      sanitizers)
        if not changes:
            print(f"{path.name}: every text output as committed", file=out)
            continue
        status = 1
        print(f"{path.name}: {len(changes)} cell{'s' * (len(changes) != 1)} with changed output", file=out)
        for i, first, diff in changes:
            print(f"  cell {i}: {first[:70]}" if i is not None else "  " + diff[0], file=out)
            for line in (diff if i is not None else []):
                print(f"      {line}", file=out)
    return status


def bench(args):
    ensure_venv("test")
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        result = run([PYTHON, script, *args])
        if result.returncode != 0:
            sys.exit(result.returncode)


def links(args):
    """Regenerate the launch links (README, notebooks) from pyproject.toml's [tool.course]."""
    result = run([sys.executable, ROOT / "tools" / "links.py", *args])
    sys.exit(result.returncode)


def slides(args):
    """Build offline reveal.js slide decks of the notebooks into slides/ (needs npm once)."""
    ensure_venv("test")
    result = run([PYTHON, ROOT / "tools" / "slides.py", *args])
    sys.exit(result.returncode)


def book(args):
    """Build the website (README as home page, the notebooks, the instructor guide) into site/."""
    ensure_venv("docs")
    result = run([PYTHON, ROOT / "tools" / "book" / "make_book.py", *args])
    sys.exit(result.returncode)


COMMANDS = {"lab": lab, "test": test, "execute": execute, "bench": bench,
            "links": links, "slides": slides, "book": book}

if __name__ == "__main__":
    # One BLAS thread: the course's matrices are small, and on a 2-core machine a multithreaded BLAS
    # measured 3-25x slower (threads fight each other and the kernel). Everything started from here
    # (JupyterLab's kernels, tests, notebook execution, benchmarks) inherits this; set them to override.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    COMMANDS[sys.argv[1]](sys.argv[2:])
