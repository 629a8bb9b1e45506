"""Packaging: the two package lists agree, cover every import, pin nothing exactly, and the core
stays free of matplotlib and ipywidgets.

- environment.yml (conda, and Binder builds from it) and pyproject.toml (pip, `course.py`) list
  the same runtime packages (pyproject: the core dependencies plus the plots, widgets, course and
  hub extras) with the same version ranges; environment.yml pins Python as `python=3.X`, the form
  repo2docker (Binder) reads, and README.md names that version;
- each part of nnlib needs only what it imports: the core's imports are its dependencies,
  nnlib.plots' are covered by the `plots` extra, nnlib.widgets' by `widgets`, and the notebooks'
  by `course` (no package is required that nothing imports, none imported that is not declared);
  imports guarded by `try: ... except ImportError` are optional and need not be listed;
- the package list names every nnlib subpackage, and a wheel built from the sdist, installed into
  a fresh venv, finds the bundled digits and the best network and trains from outside the
  repository (test_installed_wheel_works_outside_the_repository);
- no exact `==` pins (they break learners' installs);
- nnlib's core (everything but nnlib.plots and nnlib.widgets) imports neither matplotlib nor
  ipywidgets, checked in a fresh interpreter.
"""
import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
try:
    import tomllib
except ModuleNotFoundError:                                   # Python 3.10
    tomllib = None

# The extras that make up the runtime, each with the part of the course whose imports it covers
# (an extra includes the ones before it: widgets needs plots, the course needs both).
RUNTIME_EXTRAS = ("plots", "widgets", "course", "hub")
FORBIDDEN_IN_CORE = ("matplotlib", "ipywidgets", "IPython", "PIL")
NOT_CORE = ("nnlib.plots", "nnlib.widgets")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def split_requirement(text):
    m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*", text)
    assert m, f"cannot read the requirement {text!r}"
    return canonical(m[1]), re.sub(r"\s+", "", m[3])


# ---------------------------------------------------------------------------- the two lists

def parse_environment_simple(text):
    """environment.yml's `dependencies`, without PyYAML: ([conda specs], [pip lines])."""
    conda, pip, section, in_pip = [], [], None, False
    for raw in text.splitlines():
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            section = line.split(":")[0].strip()
            in_pip = False
            continue
        if section != "dependencies":
            continue
        item = re.match(r"\s*-\s+(.*)", line)
        if not item:
            raise ValueError(f"environment.yml: cannot read {raw!r}")
        value = item[1].strip().strip("'\"")
        if value == "pip:":
            in_pip, pip_indent = True, indent
        elif in_pip and indent > pip_indent:
            pip.append(value)
        else:
            in_pip = False
            conda.append(value)
    return conda, pip


def environment():
    text = (ROOT / "environment.yml").read_text()
    try:
        import yaml
    except ImportError:
        return parse_environment_simple(text)
    conda, pip = [], []
    for dep in yaml.safe_load(text)["dependencies"]:
        if isinstance(dep, dict):
            pip += [str(x) for x in dep.get("pip", [])]
        else:
            conda.append(str(dep))
    return conda, pip


def pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    if tomllib is None:
        pytest.skip("Python 3.10 without tomllib: pyproject.toml cannot be read here")
    return tomllib.loads(text)


def conda_runtime():
    conda, _ = environment()
    return dict(split_requirement(s) for s in conda
                if split_requirement(s)[0] not in ("python", "pip"))


def requirements(*extras):
    """{distribution: version range} of the core dependencies plus the given extras (an extra's
    `nnlib[...]` line, which pulls in another extra, is expanded)."""
    project = pyproject()["project"]
    specs, todo, seen = list(project["dependencies"]), list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for spec in project["optional-dependencies"][extra]:
            m = re.fullmatch(r"nnlib\[([\w,\s-]+)\]", spec.strip())
            if m:
                todo += [e.strip() for e in m[1].split(",")]
            else:
                specs.append(spec)
    return dict(split_requirement(s) for s in specs)


def pip_runtime():
    return requirements(*RUNTIME_EXTRAS)


def test_simple_environment_reader_agrees_with_pyyaml():
    yaml = pytest.importorskip("yaml", reason="PyYAML not installed: nothing to compare with")
    assert yaml  # the fallback parser must read the file the way PyYAML does
    assert parse_environment_simple((ROOT / "environment.yml").read_text()) == environment()


def test_environment_and_pyproject_list_the_same_runtime_packages():
    conda, pip = conda_runtime(), pip_runtime()
    only_conda = sorted(set(conda) - set(pip))
    only_pip = sorted(set(pip) - set(conda))
    assert not only_conda and not only_pip, (
        f"only in environment.yml: {only_conda}; only in pyproject.toml: {only_pip}. "
        "List every runtime package in both files.")
    differ = {n: (conda[n], pip[n]) for n in conda if conda[n] != pip[n]}
    assert not differ, f"version ranges differ (environment.yml, pyproject.toml): {differ}"


def binder_python():
    """The Python version environment.yml pins, in the one form repo2docker reads: python=3.X."""
    conda, _ = environment()
    python = [s.replace(" ", "") for s in conda if split_requirement(s)[0] == "python"]
    assert len(python) == 1, f"environment.yml should list python once, not {python}"
    m = re.fullmatch(r"python=(3\.\d+)", python[0])
    assert m, (f"environment.yml has {python[0]!r}: repo2docker (Binder) reads only an exact "
               "minor version such as `python=3.11`; anything else and it builds its own default")
    return m[1]


def test_environment_pins_the_python_binder_builds():
    version = binder_python()
    lowest = pyproject()["project"]["requires-python"].replace(" ", "")
    m = re.fullmatch(r">=(3)\.(\d+)", lowest)
    assert m, f"requires-python should be a lower bound such as >=3.10, not {lowest!r}"
    assert int(version.split(".")[1]) >= int(m[2]), \
        f"Binder's python={version} is below requires-python {lowest}"


def test_readme_says_which_python_binder_builds():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"Binder\s+builds\s+Python\s+{re.escape(binder_python())}\b", readme), \
        f"README.md should say that Binder builds Python {binder_python()} (environment.yml)"


def test_binder_installs_nnlib_from_the_repository():
    conda, pip = environment()
    assert "pip" in conda, "environment.yml needs `- pip` for its `pip:` section"
    assert pip == ["."], ("environment.yml's pip section should be exactly `- .` (nnlib from "
                          "the repository root, dependencies from conda; not editable, so that it "
                          "still works where a hub mounts the learners' homes over the image's "
                          "copy of the repository)")
    assert (ROOT / "pyproject.toml").exists() and pyproject()["tool"]["setuptools"]["packages"]


def test_every_nnlib_subpackage_is_packaged():
    """A non-editable install (a wheel) must carry every subpackage. The list is explicit because
    it also maps the repository's data/ folder to the package data nnlib._data (setuptools'
    `find` cannot), so a new subpackage must be added to it: this test says so."""
    setuptools = pyproject()["tool"]["setuptools"]
    listed = setuptools["packages"]
    assert isinstance(listed, list), "[tool.setuptools] packages should be an explicit list"
    on_disk = sorted(".".join(d.parent.relative_to(ROOT).parts)
                     for d in (ROOT / "nnlib").rglob("__init__.py"))
    assert "nnlib.widgets" in on_disk and "nnlib.exercises" in on_disk
    missing = [pkg for pkg in on_disk if pkg not in listed]
    assert not missing, (f"not packaged: {missing}. Add them to [tool.setuptools] packages in "
                         "pyproject.toml, or a wheel will lack them")
    assert sorted(set(listed) - {"nnlib._data"}) == on_disk, \
        f"packages lists what is not on disk: {sorted(set(listed) - set(on_disk) - {'nnlib._data'})}"
    assert setuptools["package-dir"] == {"nnlib._data": "data"}
    for pattern in setuptools["package-data"]["nnlib._data"]:
        assert list((ROOT / "data").glob(pattern)), f"package-data {pattern!r} matches no file in data/"


def test_no_exact_pins():
    conda, pip = environment()
    project = pyproject()["project"]
    specs = conda + pip + project["dependencies"] + [
        r for extra in project.get("optional-dependencies", {}).values() for r in extra]
    pinned = [s for s in specs if re.search(r"(?<![<>!~])==|===", s)]
    assert not pinned, f"exact pins break learners' installs; use ranges: {pinned}"


# ---------------------------------------------------------------------------- imports

def _code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            src = cell["source"]
            yield "".join(src) if isinstance(src, list) else src


def _imports(source):
    """Top-level names of absolute imports in Python source (IPython magics and shell lines
    are dropped first)."""
    lines = [l for l in source.splitlines() if not l.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return {m.split(".")[0] for m in re.findall(r"^\s*(?:import|from)\s+([\w.]+)",
                                                    source, re.M)}
    # An import inside `try: ... except ImportError:` is optional (the notebook runs without it,
    # e.g. "PyTorch is not installed: skipped"), so it is not a dependency.
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                h.type is None or any(isinstance(n, ast.Name) and n.id in ("ImportError",
                                                                          "ModuleNotFoundError")
                                      for n in ast.walk(h.type))
                for h in node.handlers):
            optional |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def part_of(relpath):
    """Which part of the course a source file belongs to: 'core', 'plots', 'widgets' or 'course'
    (the notebooks)."""
    parts = Path(relpath).parts
    if parts[0] == "notebooks":
        return "course"
    name = ".".join(Path(relpath).with_suffix("").parts)
    for part in ("plots", "widgets"):
        if name == f"nnlib.{part}" or name.startswith(f"nnlib.{part}."):
            return part
    return "core"


def imported_modules(part=None):
    """{top-level module: [where]} for nnlib/ and the notebooks (or one part of them: 'core',
    'plots', 'widgets', 'course'), stdlib and nnlib left out."""
    found = {}
    sources = [(p.relative_to(ROOT), p.read_text(encoding="utf-8"))
               for p in sorted((ROOT / "nnlib").rglob("*.py"))]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        sources += [(nb.relative_to(ROOT), src) for src in _code_cells(nb)]
    if part is not None:
        sources = [(where, src) for where, src in sources if part_of(where) == part]
    for where, src in sources:
        for name in _imports(src):
            if name in sys.stdlib_module_names or name in ("nnlib", "__future__"):
                continue
            found.setdefault(name, set()).add(str(where))
    return found


def distribution_of(module):
    dists = importlib.metadata.packages_distributions().get(module)
    return canonical(dists[0]) if dists else canonical(module)


# Each part of nnlib and what it may import: the core its dependencies, each extra what it adds.
PARTS = {"core": (), "plots": ("plots",), "widgets": ("widgets",), "course": ("course",)}


# Imports on a path that only runs where the package is already there, each with the reason.
ONLY_WHERE_PRESENT = {
    ("nnlib/train.py", "IPython"): "fit()'s progress bar imports IPython.display only after "
                                   "tqdm.auto picked tqdm.notebook, i.e. inside a Jupyter kernel "
                                   "(tqdm.notebook itself imports IPython)",
}


@pytest.mark.parametrize("part", PARTS)
def test_each_part_imports_only_what_it_declares(part):
    declared = set(requirements(*PARTS[part]))
    undeclared = {}
    for module, where in imported_modules(part).items():
        where = {w for w in where if (w, module) not in ONLY_WHERE_PRESENT}
        dist = distribution_of(module)
        if where and dist not in declared:
            undeclared[f"{module} (distribution {dist})"] = sorted(where)
    extra = f"the `{part}` extra" if PARTS[part] else "the core dependencies"
    assert not undeclared, (f"imported by the {part} but not in {extra} of pyproject.toml "
                            f"(nor environment.yml): {undeclared}")


def test_every_declared_package_is_imported():
    """No requirement that nothing imports (jupyterlab and nbgitpuller excepted: they are
    applications the course runs, not libraries it imports)."""
    imported = {distribution_of(m) for m in imported_modules()}
    applications = {"jupyterlab", "nbgitpuller"}
    unused = sorted(set(pip_runtime()) - imported - applications)
    assert not unused, f"declared in pyproject.toml but imported nowhere: {unused}"


# ---------------------------------------------------------------------------- the core

def core_modules():
    names = []
    for path in sorted((ROOT / "nnlib").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if not any(name == n or name.startswith(n + ".") for n in NOT_CORE):
            names.append(name)
    return names


def test_core_modules_are_found():
    core = core_modules()
    for expected in ("nnlib", "nnlib.network", "nnlib.activations", "nnlib.costs", "nnlib.train",
                     "nnlib.gradcheck", "nnlib.data"):
        assert expected in core
    assert "nnlib.plots" not in core and not any(n.startswith("nnlib.widgets") for n in core)


def test_core_imports_neither_matplotlib_nor_ipywidgets():
    """Import each core module in a fresh interpreter; name the first one that pulls in a
    forbidden package."""
    script = f"""
import importlib, json, sys
forbidden = {FORBIDDEN_IN_CORE!r}
def loaded():
    return sorted(m for m in sys.modules if m.split('.')[0] in forbidden)
culprits = {{}}
for name in {core_modules()!r}:
    before = set(loaded())
    importlib.import_module(name)
    new = [m for m in loaded() if m not in before]
    if new:
        culprits[name] = new[:5]
print(json.dumps(culprits))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stderr[-2000:]
    culprits = json.loads(result.stdout.strip().splitlines()[-1])
    assert not culprits, (f"core modules import plotting/widget packages: {culprits}. "
                          "Move that code to nnlib.plots or nnlib.widgets.")


# ---------------------------------------------------------------------------- an installed nnlib

INSTALLED_CHECK = r"""
import json, sys
from pathlib import Path
import numpy as np
import nnlib
from nnlib import Network, fit, load_digits
from nnlib.data import DATA_DIR
(X, y), (X_test, y_test) = load_digits()
net = Network([784, 30, 10], seed=0)
before = net.cost(X[:500], y[:500])
fit(net, X[:500], y[:500], epochs=1, batch_size=10, eta=0.5, evaluate=False)
best = Network.load(DATA_DIR / "weights" / "best.npz")
print(json.dumps({"nnlib": nnlib.__file__, "data_dir": str(DATA_DIR), "n_train": len(X),
                  "before": before, "after": net.cost(X[:500], y[:500]),
                  "best_accuracy": best.accuracy(X_test, y_test),
                  "curve": (DATA_DIR / "weights" / "learning-curve.json").is_file(),
                  "matplotlib": "matplotlib" in sys.modules}))
"""


def test_installed_wheel_works_outside_the_repository(tmp_path):
    """Build the sdist, install it (pip builds the wheel from it) into a fresh venv with only the
    core dependencies, and from a folder outside the repository load the bundled digits, take a
    training step with fit() and load the best network: the files come from the package."""
    sdist_dir = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta as b; "
                               "print(b.build_sdist(sys.argv[1]))", str(sdist_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    sdist = sdist_dir / build.stdout.strip().splitlines()[-1]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q",
                              "--disable-pip-version-check", str(sdist)],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NNLIB_DATA_DIR")}
    result = subprocess.run([str(python), "-c", INSTALLED_CHECK], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    got = json.loads(result.stdout.strip().splitlines()[-1])
    site = str(venv.resolve())
    assert got["nnlib"].startswith(site) and got["data_dir"].startswith(site), got
    assert Path(got["data_dir"]).name == "_data"
    assert got["n_train"] == 8000 and got["curve"]
    assert got["after"] < got["before"], got              # one epoch of training lowered the cost
    assert got["best_accuracy"] > 0.9, got
    assert not got["matplotlib"], "the core pulled in matplotlib"
