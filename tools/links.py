#!/usr/bin/env python3
"""Generate the course's launch links and the README's table of notebooks from ONE setting.

    python3 course.py links            rewrite the generated parts (README.md, notebooks' first cells)
    python3 course.py links --check    change nothing; exit 1 if anything is out of date
    python3 course.py links --docs-only  README.md and docs/instructor-guide.md only
    python3 course.py links --hub URL    set [tool.course] hub = URL in pyproject.toml, then
                                         regenerate (the guide's nbgitpuller links use it)

The setting is the repository's address in pyproject.toml:

    [tool.course]
    repository = "https://github.com/OWNER/REPO"
    branch = "main"
    hub = "https://hub.example.org"     # the class's JupyterHub, for the nbgitpuller links

A fork edits those lines and runs `python3 course.py links`: every Binder link follows.

What it writes, always between marker comments (text outside the markers is never touched):
- README.md: `<!-- launch:start -->` (a Binder badge), `<!-- clone:start -->` (the clone command)
  and `<!-- notebooks:start -->` (the table: number, title, goal, time, launch link), read from
  each notebook's first markdown cell (`# NN · Title`, **What you will learn**, **Time**).
- docs/instructor-guide.md: `<!-- notebooks:start -->` (each notebook, its time, its notes) and
  `<!-- hub:start -->` (each notebook's nbgitpuller link for the hub: one click clones or updates
  the course in a learner's home on that JupyterHub and opens the notebook in JupyterLab).
- each notebooks/NN-name.ipynb: a launch line in the FIRST markdown cell, right under the title.
  Only that cell's `source` changes: outputs, metadata and every other cell stay byte-identical,
  so nbval (which compares outputs) is unaffected. Files are written atomically and only when
  their content changes, so running this twice changes nothing the second time.

Standard library only (it runs under any python3 >= 3.10, before .venv exists).
"""
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_GLOB = "[0-9]*.ipynb"
PLACEHOLDER_OWNER = "PLACEHOLDER-OWNER"
PLACEHOLDER_HUB = "https://hub.example.org"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
BINDER_RE = re.compile(
    r"https://mybinder\.org/v2/gh/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+)/"
    r"(?P<branch>[A-Za-z0-9_./-]+)\?labpath=(?P<labpath>[A-Za-z0-9_.%-]+)")
TITLE_RE = re.compile(r"^#\s+(?P<number>\d{2})\s*·\s*(?P<title>\S.*?)\s*$")
TIME_RE = re.compile(r"time\W*\s*about\s+(?P<minutes>\d+)(?:\s*[-–]\s*(?P<upto>\d+))?\s*min",
                     re.IGNORECASE)


class LinksError(ValueError):
    """A notebook, README or configuration the generator cannot work with."""


# ---------------------------------------------------------------------------- configuration

def read_config(pyproject=None):
    """Return {'repository', 'branch', 'owner', 'repo', 'hub'} from pyproject.toml's [tool.course]."""
    pyproject = Path(pyproject or ROOT / "pyproject.toml")
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib                                   # Python >= 3.11
        table = tomllib.loads(text).get("tool", {}).get("course", {})
    except ModuleNotFoundError:                          # Python 3.10: the table is simple
        table = _simple_toml_table(text, "tool.course")
    repository = str(table.get("repository", "")).rstrip("/")
    branch = str(table.get("branch", "main"))
    match = re.fullmatch(r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?",
                         repository)
    if not match:
        raise LinksError(
            f"{pyproject.name}: [tool.course] repository = {repository!r} is not a GitHub "
            "address. Set it to the course's repository, e.g. "
            'repository = "https://github.com/OWNER/REPO", then run python3 course.py links.')
    if not re.fullmatch(r"[A-Za-z0-9_./-]+", branch):
        raise LinksError(f"{pyproject.name}: [tool.course] branch = {branch!r} is not a branch "
                         'name. Use e.g. branch = "main".')
    hub = check_hub(str(table.get("hub", PLACEHOLDER_HUB)), f"{pyproject.name}: [tool.course] hub")
    return {"repository": f"https://github.com/{match[1]}/{match[2]}", "branch": branch,
            "owner": match[1], "repo": match[2], "hub": hub}


def check_hub(hub, where="--hub"):
    """The hub's address without a trailing slash, or a LinksError saying what is wrong."""
    hub = hub.rstrip("/")
    if not re.fullmatch(r"https?://[A-Za-z0-9_.:-]+(/[A-Za-z0-9_.~-]+)*", hub) or \
            hub.endswith("/hub"):
        raise LinksError(f"{where} = {hub!r} is not a JupyterHub address. Use e.g. "
                         "https://hub.example.edu (the address learners open, without /hub/).")
    return hub


def _simple_toml_table(text, name):
    """`key = "string"` pairs of one [table]: enough for [tool.course] without tomllib."""
    table, inside = {}, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[{name}]"
        elif inside:
            m = re.fullmatch(r'([A-Za-z0-9_-]+)\s*=\s*"([^"]*)"\s*(#.*)?', stripped)
            if m:
                table[m[1]] = m[2]
    return table


def binder_url(config, notebook_relpath):
    """The mybinder.org address that opens one notebook in JupyterLab."""
    labpath = quote(str(notebook_relpath).replace(os.sep, "/"), safe="")
    return (f"https://mybinder.org/v2/gh/{config['owner']}/{config['repo']}/"
            f"{config['branch']}?labpath={labpath}")


def nbgitpuller_url(hub, repository, branch, repo_name, notebook_relpath):
    """The nbgitpuller link that clones (or updates) `repository` into the learner's home on the
    JupyterHub at `hub`, as the folder repo_name, and opens one notebook in JupyterLab."""
    urlpath = f"lab/tree/{repo_name}/{str(notebook_relpath).replace(os.sep, '/')}"
    return (f"{hub.rstrip('/')}/hub/user-redirect/git-pull?repo={quote(repository, safe='')}"
            f"&branch={quote(branch, safe='')}&urlpath={quote(urlpath, safe='')}")


def hub_url(config, notebook_relpath):
    """The course's nbgitpuller link for one notebook on [tool.course] hub."""
    return nbgitpuller_url(config["hub"], config["repository"], config["branch"], config["repo"],
                           notebook_relpath)


NBGITPULLER_RE = re.compile(
    r"(?P<hub>https?://[^\s/]+(?:/[^\s?]*?)?)/hub/user-redirect/git-pull\?repo=(?P<repo>[^&\s]+)"
    r"&branch=(?P<branch>[^&\s]+)&urlpath=(?P<urlpath>[^&\s)]+)")


def set_hub(pyproject, hub):
    """Write hub = "URL" into pyproject.toml's [tool.course] (replacing the line, or adding it)."""
    pyproject = Path(pyproject)
    text = pyproject.read_text(encoding="utf-8")
    start = text.find("[tool.course]")
    if start < 0:
        raise LinksError(f"{pyproject.name} has no [tool.course] table to write hub = into.")
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end + 1
    table = text[start:end]
    line = f'hub = "{hub.rstrip("/")}"'
    if re.search(r"(?m)^hub\s*=.*$", table):
        table = re.sub(r"(?m)^hub\s*=.*$", lambda _: line, table)
    else:
        table = table.rstrip("\n") + "\n" + line + "\n" + ("\n" if end < len(text) else "")
    write_atomic(pyproject, text[:start] + table + text[end:])


# ---------------------------------------------------------------------------- notebooks

def notebook_paths(root=ROOT):
    return sorted((Path(root) / "notebooks").glob(NOTEBOOK_GLOB))


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def first_markdown_index(nb, path="notebook"):
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "markdown":
            return i
    raise LinksError(f"{path}: has no markdown cell. Its first cell must be markdown starting "
                     "with '# NN · Title' (see CONTRIBUTING.md, 'A notebook').")


def notebook_info(path):
    """Title, number, goals and time from a notebook's first markdown cell."""
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = _source(nb["cells"][first_markdown_index(nb, path.name)])
    lines = text.splitlines()
    title = next((TITLE_RE.match(l) for l in lines if TITLE_RE.match(l)), None)
    if title is None:
        raise LinksError(f"{path.name}: the first markdown cell has no title line "
                         "'# NN · Title'. Start the cell with it (see CONTRIBUTING.md).")
    if not path.name.startswith(title["number"]):
        raise LinksError(f"{path.name}: its title says number {title['number']}; make the "
                         "title's number and the file name's agree.")
    goals, in_goals = [], False
    for line in lines:
        if re.search(r"what you will learn", line, re.IGNORECASE):
            in_goals = True
            continue
        if in_goals:
            bullet = re.match(r"\s*[-*]\s+(.*\S)", line)
            if bullet:
                goals.append(bullet[1])
            elif line.strip() and goals:
                break
    time = TIME_RE.search(text)
    return {
        "path": path, "name": path.name, "number": title["number"], "title": title["title"],
        "goals": goals,
        "minutes": int(time["minutes"]) if time else None,
        "minutes_upto": int(time["upto"]) if time and time["upto"] else None,
    }


def launch_block(url):
    return ("<!-- launch:start -->\n"
            f"[Open this notebook on Binder]({url}): it runs in your browser, nothing to install."
            "\n<!-- launch:end -->")


LAUNCH_BLOCK_RE = re.compile(r"<!-- launch:start -->.*?<!-- launch:end -->", re.DOTALL)


def with_launch_block(text, block, name="notebook"):
    """The cell text with its launch block replaced, or inserted under the title line."""
    found = LAUNCH_BLOCK_RE.findall(text)
    if len(found) > 1:
        raise LinksError(f"{name}: more than one launch block in the first markdown cell; "
                         "delete all but one (they are generated).")
    if found:
        return LAUNCH_BLOCK_RE.sub(lambda _: block, text)
    lines = text.split("\n")
    idx = next((i for i, l in enumerate(lines) if TITLE_RE.match(l)), None)
    if idx is None:
        raise LinksError(f"{name}: no '# NN · Title' line to put the launch link under.")
    after = lines[idx + 1:]
    new = lines[:idx + 1] + [""] + block.split("\n")
    if after and after[0].strip():
        new.append("")
    return "\n".join(new + after)


def strip_launch_block(text):
    """The cell text without its launch block (slides do not need it)."""
    out = LAUNCH_BLOCK_RE.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", out)


def _split_source(text):
    """Store a cell's source as nbformat does: a list of lines, each keeping its newline."""
    return text.splitlines(keepends=True)


def update_notebook_text(raw, path, config, root=ROOT):
    """Return the notebook file's new text (== raw if nothing changes)."""
    nb = json.loads(raw)
    i = first_markdown_index(nb, path.name)
    cell = nb["cells"][i]
    old = _source(cell)
    url = binder_url(config, Path(path).resolve().relative_to(Path(root).resolve()))
    new = with_launch_block(old, launch_block(url), path.name)
    if new == old:
        return raw
    cell["source"] = _split_source(new) if isinstance(cell.get("source"), list) else new
    # nbformat's layout (indent 1, keys in the file's own order, which nbformat sorts), so only
    # the changed lines differ in a diff
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- README

def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def _minutes(info):
    if info["minutes"] is None:
        return "?"
    if info["minutes_upto"]:
        return f"{info['minutes']}–{info['minutes_upto']} min"
    return f"{info['minutes']} min"


def notebooks_table(infos, config):
    rows = ["| # | Notebook | What you will learn (first of its goals) | Time | Launch |",
            "| --- | --- | --- | --- | --- |"]
    for info in infos:
        rel = f"notebooks/{info['name']}"
        goal = info["goals"][0].rstrip(";,.:") if info["goals"] else ""
        rows.append(f"| {info['number']} | [{_cell(info['title'])}]({rel}) | {_cell(goal)} | "
                    f"{_minutes(info)} | [![Binder]({BINDER_BADGE})]({binder_url(config, rel)}) |")
    total = sum(i["minutes"] or 0 for i in infos)
    total_upto = sum(i["minutes_upto"] or i["minutes"] or 0 for i in infos)
    if infos:
        hours = lambda m: f"{m} minutes" if m < 120 else f"{m / 60:.1f} hours"
        span = hours(total) if total == total_upto else f"{hours(total)} to {hours(total_upto)}"
        rows.append("")
        rows.append(f"{len(infos)} notebooks, about {span} in all.")
    return "\n".join(rows)


def instructor_index(infos, root=ROOT):
    """The table in docs/instructor-guide.md: each notebook, its time, its instructor notes."""
    rows = ["| # | Notebook | Time | Instructor notes | Slides |",
            "| --- | --- | --- | --- | --- |"]
    for info in infos:
        stem = info["name"][:-len(".ipynb")]
        notes = Path(root) / "docs" / "instructors" / f"{stem}.md"
        notes_cell = f"[{stem}.md](instructors/{stem}.md)" if notes.exists() else \
            "not written yet"
        rows.append(f"| {info['number']} | [{_cell(info['title'])}](../notebooks/{info['name']}) "
                    f"| {_minutes(info)} | {notes_cell} | `slides/{stem}.slides.html` |")
    return "\n".join(rows)


def hub_links(infos, config):
    """The guide's table of nbgitpuller links, one per notebook, for [tool.course] hub."""
    rows = [f"Links for the hub at {config['hub']} and the course at {config['repository']} "
            f"(branch `{config['branch']}`):", "",
            "| # | Notebook | nbgitpuller link (give this to learners) |", "| --- | --- | --- |"]
    for info in infos:
        url = hub_url(config, f"notebooks/{info['name']}")
        rows.append(f"| {info['number']} | {_cell(info['title'])} | <{url}> |")
    return "\n".join(rows)


def readme_blocks(infos, config):
    first = f"notebooks/{infos[0]['name']}" if infos else "notebooks"
    return {
        "launch": f"[![Launch the course on Binder]({BINDER_BADGE})]({binder_url(config, first)})",
        "clone": f"    git clone {config['repository']}.git\n    cd {config['repo']}",
        "notebooks": notebooks_table(infos, config),
    }


def update_readme_text(text, blocks, name="README.md"):
    filename = name
    for block, body in blocks.items():
        pattern = re.compile(rf"(<!-- {block}:start -->\n).*?(\n?<!-- {block}:end -->)",
                             re.DOTALL)
        if len(pattern.findall(text)) != 1:
            raise LinksError(f"{filename} must hold exactly one '<!-- {block}:start -->' ... "
                             f"'<!-- {block}:end -->' pair (the generated {block} block); "
                             "restore the markers.")
        text = pattern.sub(lambda m: m[1] + body + "\n" + m[2].lstrip("\n"), text)
    return text


# ---------------------------------------------------------------------------- writing

def write_atomic(path, text):
    """Replace path's content in one step: a crash never leaves half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def plan(root=ROOT):
    """[(path, old_text, new_text)] for every generated file."""
    root = Path(root)
    config = read_config(root / "pyproject.toml")
    changes = []
    paths = notebook_paths(root)
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        changes.append((path, raw, update_notebook_text(raw, path, config, root)))
    infos = [notebook_info(p) for p in paths]
    readme = root / "README.md"
    raw = readme.read_text(encoding="utf-8")
    changes.append((readme, raw, update_readme_text(raw, readme_blocks(infos, config))))
    guide = root / "docs" / "instructor-guide.md"
    if guide.exists():
        raw = guide.read_text(encoding="utf-8")
        changes.append((guide, raw, update_readme_text(
            raw, {"notebooks": instructor_index(infos, root), "hub": hub_links(infos, config)},
            guide.name)))
    return config, changes


def main(argv=None, root=ROOT):
    argv = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in argv
    try:
        if "--hub" in argv:
            i = argv.index("--hub")
            if i + 1 >= len(argv) or argv[i + 1].startswith("--"):
                raise LinksError("--hub needs the hub's address: python3 course.py links --hub "
                                 "https://hub.example.edu")
            hub = check_hub(argv.pop(i + 1))
            argv.pop(i)
            set_hub(Path(root) / "pyproject.toml", hub)
            print(f"links: [tool.course] hub = {hub!r} written to pyproject.toml")
        config, changes = plan(root)
    except LinksError as e:
        print(f"links: {e}", file=sys.stderr)
        return 2
    stale = [p for p, old, new in changes if old != new]
    if check:
        for p in stale:
            print(f"links: out of date: {p.relative_to(root)}", file=sys.stderr)
        if stale:
            print("links: run python3 course.py links (and commit the result).", file=sys.stderr)
        return 1 if stale else 0
    if "--docs-only" in argv:        # README and the guide only; the notebooks are left alone
        changes = [c for c in changes if c[0].suffix != ".ipynb"]
        stale = [p for p, old, new in changes if old != new]
    for path, old, new in changes:
        if old != new:
            write_atomic(path, new)
            print(f"links: updated {path.relative_to(root)}")
    if not stale:
        print("links: " + ("README.md and the instructor guide are up to date (notebooks not "
                           "checked)" if "--docs-only" in argv else "everything is up to date"))
    if config["owner"] == PLACEHOLDER_OWNER:
        print(f"links: note: the repository address is still the placeholder "
              f"{config['repository']}. Set [tool.course] repository in pyproject.toml to the "
              "real one and run python3 course.py links again.")
    if config["hub"] == PLACEHOLDER_HUB:
        print(f"links: note: the hub address is the placeholder {PLACEHOLDER_HUB}: give your "
              "class's with python3 course.py links --hub https://YOUR-HUB (the nbgitpuller "
              "links in docs/instructor-guide.md follow).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
