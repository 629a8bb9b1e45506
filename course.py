#!/usr/bin/env python3
"""The course's one entry point. Needs nothing but Python 3.10 or newer.

    python3 course.py lab        set up (or refresh) .venv, then open JupyterLab on notebooks/
    python3 course.py test       set up (or refresh) .venv with the test tools, then run every test
    python3 course.py execute    re-run notebooks top to bottom and save their outputs (contributors)
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
    target = f".[{extras}]" if extras else "."
    result = run([PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target])
    if result.returncode != 0:
        die("installing the course's packages failed (see pip's message above). "
            "Check your connection to PyPI, then run this command again.")
    stamp.write_text(f"{want} {extras}\n")


def lab(args):
    ensure_venv()
    os.chdir(NOTEBOOKS)
    jupyter = BIN / ("jupyter.exe" if os.name == "nt" else "jupyter")
    os.execv(str(jupyter), [str(jupyter), "lab", *args])


def test(args):
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


def execute(args):
    """Re-run notebooks top to bottom in a fresh kernel and save them with their outputs."""
    ensure_venv("test")
    env = dict(os.environ, PYTHONHASHSEED="0", NNLIB_EXECUTING="1")
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
