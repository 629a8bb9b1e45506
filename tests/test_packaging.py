"""Packaging: the two package lists agree, cover every import, pin nothing exactly, and the core
stays free of matplotlib and ipywidgets.

- environment.yml (conda, and Binder builds from it) and pyproject.toml (pip, `course.py`) list
  the same runtime packages with the same version ranges;
- every package imported by nnlib/ or by a notebook's code cells is listed (directly, or, for a
  short explicit list, as a declared requirement of a listed package: checked, not assumed);
  imports guarded by `try: ... except ImportError` are optional and need not be listed;
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

# Modules used directly that come with a listed package, which declares them as requirements.
# Each entry: distribution -> (listed package that requires it, why we rely on it).
# test_transitive_allow_list_is_true checks the requirement really is declared.
PROVIDED_BY = {
    "pillow": ("matplotlib", "nnlib.widgets turns figures into PNG images; matplotlib itself "
                             "needs Pillow for the same job"),
    "ipython": ("ipywidgets", "IPython.display shows the explorers' output; ipywidgets is built "
                              "on IPython"),
    "traitlets": ("ipywidgets", "widget traits (observe) are traitlets, ipywidgets' own base"),
}
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


def pip_runtime():
    return dict(split_requirement(s) for s in pyproject()["project"]["dependencies"])


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


def test_python_versions_agree():
    conda, _ = environment()
    python = [split_requirement(s)[1] for s in conda if split_requirement(s)[0] == "python"]
    assert python == [pyproject()["project"]["requires-python"].replace(" ", "")]


def test_binder_installs_nnlib_from_the_repository():
    conda, pip = environment()
    assert "pip" in conda, "environment.yml needs `- pip` for its `pip:` section"
    assert pip == ["-e ."], ("environment.yml's pip section should be exactly `- -e .` "
                             "(nnlib from the repository root, dependencies from conda)")
    assert (ROOT / "pyproject.toml").exists() and pyproject()["tool"]["setuptools"]["packages"]


def test_every_nnlib_subpackage_is_packaged():
    # a non-editable install (a wheel) must carry nnlib.widgets and nnlib.exercises too
    import fnmatch
    find = pyproject()["tool"]["setuptools"]["packages"]
    assert isinstance(find, dict) and "find" in find, (
        "use [tool.setuptools.packages.find] (a fixed list misses subpackages)")
    include = find["find"]["include"]
    packages = [".".join(d.relative_to(ROOT).parts) for d in (ROOT / "nnlib").rglob("__init__.py")
                for d in [d.parent]]
    assert "nnlib.widgets" in packages and "nnlib.exercises" in packages
    missing = [pkg for pkg in packages if not any(fnmatch.fnmatch(pkg, pat) for pat in include)]
    assert not missing, f"not packaged by include={include}: {missing}"


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


def imported_modules():
    """{top-level module: [where]} for nnlib/ and the notebooks, stdlib and nnlib left out."""
    found = {}
    sources = [(p.relative_to(ROOT), p.read_text(encoding="utf-8"))
               for p in sorted((ROOT / "nnlib").rglob("*.py"))]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        sources += [(nb.relative_to(ROOT), src) for src in _code_cells(nb)]
    for where, src in sources:
        for name in _imports(src):
            if name in sys.stdlib_module_names or name in ("nnlib", "__future__"):
                continue
            found.setdefault(name, set()).add(str(where))
    return found


def distribution_of(module):
    dists = importlib.metadata.packages_distributions().get(module)
    return canonical(dists[0]) if dists else canonical(module)


def test_every_imported_package_is_listed():
    listed = set(pip_runtime())
    unlisted = {}
    for module, where in imported_modules().items():
        dist = distribution_of(module)
        if dist not in listed and dist not in PROVIDED_BY:
            unlisted[f"{module} (distribution {dist})"] = sorted(where)
    assert not unlisted, ("imported but not in pyproject.toml/environment.yml (add it to both, "
                          f"or to PROVIDED_BY with the reason): {unlisted}")


def test_transitive_allow_list_is_true():
    """Each PROVIDED_BY entry is a declared requirement of a listed package."""
    listed = set(pip_runtime())
    for dist, (provider, why) in PROVIDED_BY.items():
        assert provider in listed, f"{dist} is said to come with {provider}, which is not listed"
        try:
            requires = importlib.metadata.requires(provider) or []
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{provider} is not installed here, so its requirements cannot be read")
        names = {split_requirement(r.split(";")[0])[0] for r in requires if "extra ==" not in r}
        assert dist in names, f"{provider} does not require {dist}: list {dist} yourself ({why})"


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
