#!/usr/bin/env python3
"""The course at the LOWEST versions it declares: proof that each lower bound is true.

    python3 course.py test --lowest         (or: python3 tools/lowest.py)

Reads the lower bounds (`>=X`) of nnlib's dependencies and of its plots, widgets, course and hub
extras from pyproject.toml, creates .venv-lowest/ (once), installs exactly those versions there
(`name==X` as pip constraints, binary wheels only; what they depend on in turn is the newest
that fits, as `uv --resolution lowest-direct` would choose), checks that pip really installed
them, then runs the unit tests and executes every notebook (pytest --nbval-lax: every cell must
run without an error; text outputs may differ from the saved ones where a library prints
differently). The browser, slide and hub tests are left out: they test other tools, not these
versions. Exits non-zero when anything fails.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-lowest"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
EXTRAS = ("plots", "widgets", "course", "hub")
TEST_TOOLS = ("pytest", "nbval", "nbconvert")       # the test tools at their newest
# left out: the browser, slide, hub and website tests check tools (Chromium, reveal.js, JupyterHub,
# Sphinx), not the runtime lower bounds, and the website's build tools are not installed here
LEFT_OUT = ("tests/test_browser.py", "tests/test_slides.py", "tests/test_hub.py", "tests/test_book.py")


def lower_bounds(pyproject=ROOT / "pyproject.toml"):
    """{distribution: lowest version} of every runtime requirement (core and EXTRAS)."""
    try:
        import tomllib
    except ModuleNotFoundError:
        sys.exit("tools/lowest.py needs Python 3.11 or newer (tomllib) to read pyproject.toml")
    project = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in EXTRAS:
        specs += [s for s in project["optional-dependencies"][extra] if not s.startswith("nnlib[")]
    bounds = {}
    for spec in specs:
        m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*(.*)", spec)
        low = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", m[2])
        if not low:
            sys.exit(f"{spec!r} in pyproject.toml has no lower bound (>=X): give it one")
        bounds[m[1].lower()] = low[1]
    return bounds


def same_version(a, b):
    """3.7 and 3.7.0 are the same release (PEP 440 pads with zeros)."""
    def key(v):
        parts = [int(p) for p in v.split(".")]
        while parts and parts[-1] == 0:
            parts.pop()
        return parts
    return key(a) == key(b)


def run(cmd, **kwargs):
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs)


def main(args):
    bounds = lower_bounds()
    constraints = VENV / "lowest-constraints.txt"
    wanted = "".join(f"{name}=={version}\n" for name, version in sorted(bounds.items()))
    if not PYTHON.exists():
        if run([sys.executable, "-m", "venv", VENV]).returncode != 0:
            sys.exit("could not create .venv-lowest (on Debian/Ubuntu: apt-get install python3-venv)")
    if not constraints.exists() or constraints.read_text() != wanted:
        constraints.write_text(wanted)
        result = run([PYTHON, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                      "--only-binary=:all:", "-c", constraints, "-e", f".[{','.join(EXTRAS)}]",
                      *TEST_TOOLS])
        if result.returncode != 0:
            constraints.unlink()
            sys.exit("installing the lowest versions failed (see pip above): a lower bound that "
                     "cannot be installed here is not a true lower bound")
    check = ("import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in "
             + repr(sorted(bounds)) + "}))")
    installed = json.loads(subprocess.run([str(PYTHON), "-c", check], capture_output=True,
                                          text=True, check=True).stdout)
    print("lowest versions installed:")
    for name in sorted(bounds):
        print(f"  {name:12} {installed[name]:10} (pyproject.toml: >={bounds[name]})")
    wrong = {n: installed[n] for n in bounds if not same_version(installed[n], bounds[n])}
    if wrong:
        sys.exit(f"pip installed other versions than the lower bounds: {wrong}")
    env = dict(os.environ, PYTHONHASHSEED="0")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    ignore = [f"--ignore={p}" for p in LEFT_OUT]
    unit = run([PYTHON, "-m", "pytest", "tests", *ignore, "-q", "-p", "no:cacheprovider", *args],
               env=env)
    notebooks = run([PYTHON, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "notebooks",
                     "-q", "-p", "no:cacheprovider", *args], env=env)
    failed = [name for name, r in (("unit tests", unit), ("notebooks", notebooks)) if r.returncode]
    if failed:
        sys.exit("at the lowest versions, these failed: " + ", ".join(failed))
    print("lowest versions: the unit tests pass and every notebook runs without an error")


if __name__ == "__main__":
    main(sys.argv[1:])
