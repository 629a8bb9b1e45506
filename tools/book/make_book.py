#!/usr/bin/env python3
"""Build the course's website: python3 course.py book

    python3 course.py book                      notebooks/, README.md, docs/  ->  site/
    python3 course.py book --out DIR            somewhere else
    python3 course.py book --notebooks DIR      build from another copy of the notebooks
    python3 course.py book --no-frames          skip the kernel-free explorers (faster drafts)

Open site/index.html (file://, no server needed) or serve the folder with any static server.

What it does, without re-executing any notebook:
1. stages a Sphinx project in build/book-src/: README.md as the home page (with a sidebar of
   the eleven notebooks and the instructor guide), the notebooks with their saved outputs, the
   instructor guide (docs/). Links to repository files that are not pages (CONTRIBUTING.md,
   LICENSE, ...) point at the repository; remote images (the Binder badge) become text links.
2. pre-renders the explorers (tools/book/explorers.py): for each explorer cell, every setting
   the live controls offer, drawn by the explorer's own code, when they fit the frame budget;
   the cell's outputs on the page become a real <input type="range"> / <select> with label
   and readout that swaps the pictures. Other explorers keep their saved picture and a note
   that the live version runs in JupyterLab or on Binder. Frames are cached in
   build/book-frames/ (keyed by the notebook, nnlib's source and matplotlib's version).
3. runs Sphinx (myst-nb, sphinx-book-theme; nb_execution_mode "off") with MathJax 3 from the
   npm registry (tools/book/package-lock.json, `npm ci` once into tools/book/node_modules),
   copied into the site: no CDN when the site is read.
4. checks the result: every page is scanned for anything it would load from the network
   (the build fails if it finds one), and the figures are counted.

Alt text: each code cell whose outputs hold images carries metadata "alt": [one string per
image, in order]; the site uses it (tools/book/nnbook_ext.py). Cells without it are listed.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(HERE))
import links  # noqa: E402
import slides  # noqa: E402  (the offline scanner)
import explorers  # noqa: E402

NODE_MODULES = HERE / "node_modules"
MATHJAX_COPIES = [  # (from node_modules/mathjax/es5, into SITE/_mathjax)
    "tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "a11y", "ui", "sre",
    "adaptors", "../LICENSE",
]
EXPLORER_DIR = "explorers"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class BookError(RuntimeError):
    """Something the build cannot do; the message says how to fix it."""


# ---------------------------------------------------------------------------- npm assets

def ensure_node_modules():
    """`npm ci` MathJax and axe-core into tools/book/node_modules (once per lock file)."""
    slides.npm_ci(HERE, "The website takes MathJax (and the tests axe-core)", "python3 course.py book",
                  BookError)


def copy_mathjax(extra):
    src = NODE_MODULES / "mathjax" / "es5"
    for rel in MATHJAX_COPIES:
        s = (src / rel).resolve()
        d = extra / "_mathjax" / Path(rel).name if rel.startswith("..") else extra / "_mathjax" / rel
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d)
        else:
            shutil.copy2(s, d)


# ---------------------------------------------------------------------------- staging

MD_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")


def rewrite_markdown(text, page_rel, pages, config):
    """Links to files that are not pages go to the repository; remote images become links."""
    base = Path(page_rel).parent

    def fix(m):
        bang, label, url = m[1], m[2], m[3]
        if bang and re.match(r"(?:https?:)?//", url):
            return f"{label}" if label.startswith("[") else f"[{label}]({url})"
        if re.match(r"[a-z]+:|#|/", url):
            return m[0]
        path, _, anchor = url.partition("#")
        target = os.path.normpath(base / path).replace(os.sep, "/")
        if target == "README.md":      # the home page
            rel = os.path.relpath("index.md", base).replace(os.sep, "/")
            return f"{bang}[{label}]({rel}{'#' + anchor if anchor else ''})"
        if target in pages:
            return m[0]
        kind = "tree" if (ROOT / target).is_dir() else "blob"
        return (f"{bang}[{label}]({config['repository']}/{kind}/{config['branch']}/{target}"
                f"{'#' + anchor if anchor else ''})")

    # a badge inside a link: [![alt](remote image)](target) -> [alt](target)
    text = re.sub(r"\[!\[([^\]]*)\]\((?:https?:)?//[^)]+\)\]\(([^)]+)\)", r"[\1](\2)", text)
    return MD_LINK.sub(fix, text)


def explorer_html(entry, cell, alts, binder):
    """The page's kernel-free explorer: controls, readout, picture, note and its data."""
    import html as h
    key = entry["key"]
    frames = entry["frames"]
    start = frames[entry["saved_frame"]]
    base = f"../{EXPLORER_DIR}/{key}/"
    author_alt = alts[0] if alts else None
    parts = [f'<div class="nnbook-explorer" id="{key}" data-base="{base}">',
             f'<div class="nnbook-controls" role="group" aria-label="Settings of the explorer">']
    for c_index, c in enumerate(entry["controls"]):
        cid = f"{key}-{c['name']}"
        k = start["index"][c_index]
        if c["kind"] == "range":
            parts.append(
                f'<div class="nnbook-control"><label for="{cid}">{h.escape(c["label"])}</label>'
                f'<input type="range" id="{cid}" data-control="{c_index}" min="0" '
                f'max="{len(c["labels"]) - 1}" step="1" value="{k}" '
                f'aria-valuetext="{h.escape(c["labels"][k])}">'
                f'<output id="{cid}-value" for="{cid}">{h.escape(c["labels"][k])}</output></div>')
        else:
            options = "".join(f'<option value="{j}"{" selected" if j == k else ""}>'
                              f'{h.escape(lab)}</option>' for j, lab in enumerate(c["labels"]))
            parts.append(f'<div class="nnbook-control"><label for="{cid}">{h.escape(c["label"])}'
                         f'</label><select id="{cid}" data-control="{c_index}">{options}</select></div>')
    parts.append("</div>")
    parts.append(f'<div class="nnbook-readout" id="{key}-readout" aria-live="polite">'
                 f'{start["readout"]}</div>')
    data = {"sizes": [len(c["labels"]) for c in entry["controls"]],
            "labels": [c["labels"] for c in entry["controls"]],
            "names": [c["label"] for c in entry["controls"]],
            "start": entry["saved_frame"], "authorAlt": author_alt,
            "frames": [[f["src"], f["readout"]] for f in frames]}
    alt = author_alt or frame_alt(entry, start)
    noalt = "" if author_alt else f" nnbook-noalt nnbook-cell-{entry['cell']}"
    parts.append(f'<img class="nnbook-frame{noalt}" src="{base}{start["src"]}" '
                 f'alt="{h.escape(alt)}" aria-describedby="{key}-readout">')
    parts.append(
        f'<p class="nnbook-note">Each position of the controls shows the picture that the '
        f'notebook\'s explorer draws for it ({len(frames)} settings, drawn by nnlib when this page '
        f'was built): no Python runs here. To change the code behind it, run the notebook in '
        f'JupyterLab (<code>python3 course.py lab</code>) or <a href="{h.escape(binder)}">on '
        f'Binder</a>.</p>')
    blob = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    parts.append(f'<script type="application/json" class="nnbook-data">{blob}</script></div>')
    return "".join(parts)


def frame_alt(entry, frame):
    settings = ", ".join(f"{c['label']} = {c['labels'][k]}"
                         for c, k in zip(entry["controls"], frame["index"]))
    return f"The explorer's picture for {settings}."


def static_explorer_note(entry, binder):
    import html as h
    why = entry.get("reason", "")
    names = ", ".join(c["label"] for c in entry.get("controls") or [])
    controls = f" (controls: {h.escape(names)})" if names else ""
    return (f'<p class="nnbook-note nnbook-live-only">This explorer{controls} is live only in '
            f'JupyterLab: run the notebook with <code>python3 course.py lab</code> or '
            f'<a href="{h.escape(binder)}">open it on Binder</a>. Here is its picture for the '
            f'setting the notebook saved. <span class="nnbook-why">(Not pre-rendered for this '
            f'page: {h.escape(why)}.)</span></p>')


def stage_notebook(src, dst, entries, config):
    nb = json.loads(Path(src).read_text(encoding="utf-8"))
    nb["metadata"].pop("widgets", None)          # saved widget state would pull a CDN manager
    binder = links.binder_url(config, f"notebooks/{Path(src).name}")
    by_cell = {e["cell"]: e for e in entries}
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "markdown":
            cell["source"] = rewrite_markdown(links._source(cell), "notebooks/x.ipynb",
                                              PAGES, config)
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        if i in by_cell:
            e = by_cell[i]
            alts = cell.get("metadata", {}).get("alt") or []
            if e.get("frames"):
                cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                                    "data": {"text/html": explorer_html(e, cell, alts, binder),
                                             "text/plain": "explorer"}}]
                # the picture is the explorer's: its alt is used by explorer_html
                cell["metadata"]["nnbook_explorer"] = True
                continue
            note = {"output_type": "display_data", "metadata": {},
                    "data": {"text/html": static_explorer_note(e, binder), "text/plain": "note"}}
            cell["outputs"] = [note] + [o for o in outputs if WIDGET_VIEW not in o.get("data", {})]
        else:
            for o in outputs:
                if WIDGET_VIEW in o.get("data", {}):   # e.g. a progress bar: its text instead
                    o["data"].pop(WIDGET_VIEW)
            cell["outputs"] = [o for o in outputs if o.get("output_type") != "display_data"
                               or o.get("data")]
    Path(dst).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


PAGES = set()


def toctree(caption, entries, hidden=True):
    lines = ["", "```{toctree}", f":caption: {caption}", ":maxdepth: 1"]
    if hidden:
        lines.append(":hidden:")
    lines += ["", *entries, "```", ""]
    return "\n".join(lines)


def stage(stage_dir, notebooks_dir, manifest, config):
    """Write the Sphinx project's sources into stage_dir."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    (stage_dir / "notebooks").mkdir(parents=True)
    nb_paths = sorted(Path(notebooks_dir).glob(links.NOTEBOOK_GLOB))
    if not nb_paths:
        raise BookError(f"no notebooks NN-name.ipynb in {notebooks_dir}")
    guide = ROOT / "docs" / "instructor-guide.md"
    notes = sorted((ROOT / "docs" / "instructors").glob("*.md"))
    PAGES.clear()
    PAGES.update({"README.md", "docs/instructor-guide.md"}
                 | {f"notebooks/{p.name}" for p in nb_paths}
                 | {f"docs/instructors/{p.name}" for p in notes})
    readme = rewrite_markdown((ROOT / "README.md").read_text(encoding="utf-8"), "README.md",
                              PAGES, config)
    readme += toctree("The notebooks", [f"notebooks/{p.stem}" for p in nb_paths])
    readme += toctree("For instructors", ["docs/instructor-guide"])
    (stage_dir / "index.md").write_text(readme, encoding="utf-8")
    (stage_dir / "docs" / "instructors").mkdir(parents=True)
    text = rewrite_markdown(guide.read_text(encoding="utf-8"), "docs/instructor-guide.md", PAGES,
                            config)
    text += toctree("Notes per notebook", [f"instructors/{p.stem}" for p in notes])
    (stage_dir / "docs" / "instructor-guide.md").write_text(text, encoding="utf-8")
    for p in notes:
        (stage_dir / "docs" / "instructors" / p.name).write_text(
            rewrite_markdown(p.read_text(encoding="utf-8"), f"docs/instructors/{p.name}", PAGES,
                             config), encoding="utf-8")
    by_nb = {}
    for e in manifest:
        by_nb.setdefault(e["notebook"], []).append(e)
    for p in nb_paths:
        stage_notebook(p, stage_dir / "notebooks" / p.name, by_nb.get(p.name, []), config)
    return nb_paths


# ---------------------------------------------------------------------------- frames

def frames_for(nb_paths, cache_root, no_frames=False):
    """The explorers' manifest, with frames rendered (or taken from the cache) per notebook."""
    import matplotlib
    manifest, to_render = [], []
    code = explorers.source_hash() + matplotlib.__version__
    for p in nb_paths:
        raw = p.read_bytes()
        if b"Explorer(" not in raw:
            continue
        key = hashlib.sha256(raw + code.encode()).hexdigest()[:16]
        d = cache_root / f"{p.stem}-{key}"
        if (d / "manifest.json").exists():
            manifest.append((p, d))
        else:
            to_render.append((p, d))
            manifest.append((p, d))
    if no_frames:
        return [dict(e, frames=None, reason="the build was asked for no frames (--no-frames)")
                for p, d in manifest if (d / "manifest.json").exists()
                for e in json.loads((d / "manifest.json").read_text())]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    procs = []
    for p, d in to_render:
        tmp = d.with_name(d.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        procs.append((p, d, tmp, subprocess.Popen(
            [sys.executable, str(HERE / "explorers.py"), str(p), "--out", str(tmp)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)))
        # two at a time: the machine has two cores
        while sum(pr.poll() is None for *_, pr in procs) >= 2:
            time.sleep(0.1)
    for p, d, tmp, proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise BookError(f"pre-rendering the explorers of {p.name} failed:\n{err[-3000:]}")
        shutil.rmtree(d, ignore_errors=True)
        os.replace(tmp, d)
    out = []
    for p, d in manifest:
        for e in json.loads((d / "manifest.json").read_text()):
            e["dir"] = str(d / e["key"])
            out.append(e)
    return out


# ---------------------------------------------------------------------------- building

def build(out, notebooks_dir=None, no_frames=False, quiet=False):
    """Build the site into `out`; return a report dict (times, sizes, explorers, alt gaps)."""
    t0 = time.perf_counter()
    out = Path(out).resolve()
    notebooks_dir = Path(notebooks_dir or ROOT / "notebooks").resolve()
    work = ROOT / "build"
    stage_dir, cache = work / "book-src", work / "book-frames"
    cache.mkdir(parents=True, exist_ok=True)
    config = links.read_config()
    ensure_node_modules()
    nb_paths = sorted(notebooks_dir.glob(links.NOTEBOOK_GLOB))
    t_frames = time.perf_counter()
    manifest = frames_for(nb_paths, cache, no_frames)
    t_frames = time.perf_counter() - t_frames
    stage(stage_dir, notebooks_dir, manifest, config)
    extra = stage_dir / "_extra"
    copy_mathjax(extra)
    for e in manifest:
        if e.get("frames"):
            shutil.copytree(e["dir"], extra / EXPLORER_DIR / e["key"])
    (extra / ".nojekyll").write_text("")      # GitHub Pages: serve _static/ as it is
    t_sphinx = time.perf_counter()
    tmp_out = Path(tempfile.mkdtemp(prefix=".book-", dir=out.parent if out.parent.exists() else None))
    env = dict(os.environ, NNBOOK_STAGE=str(stage_dir), NNBOOK_REPOSITORY=config["repository"],
               NNBOOK_BRANCH=config["branch"])
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(HERE), "-q", "-j", "1",
           "-d", str(work / "book-doctrees"), str(stage_dir), str(tmp_out)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    warnings = [l for l in result.stderr.splitlines() if l.strip()]
    if result.returncode != 0:
        shutil.rmtree(tmp_out, ignore_errors=True)
        raise BookError("Sphinx failed:\n" + result.stderr[-4000:])
    t_sphinx = time.perf_counter() - t_sphinx
    polish_html(tmp_out)
    problems = offline_problems(tmp_out)
    if problems:
        shutil.rmtree(tmp_out, ignore_errors=True)
        raise BookError("the site would load from the network:\n  " + "\n  ".join(problems[:30]))
    if out.exists():
        shutil.rmtree(out)
    os.replace(tmp_out, out)
    report = {
        "seconds": time.perf_counter() - t0, "frames_seconds": t_frames, "sphinx_seconds": t_sphinx,
        "bytes": sum(f.stat().st_size for f in out.rglob("*") if f.is_file()),
        "pages": len([p for p in out.rglob("*.html")
                      if p.relative_to(out).parts[0] not in ("_static", "_mathjax")]),
        "explorers": [{k: e.get(k) for k in ("notebook", "cell", "class", "total", "reason",
                                              "pixel_difference")}
                      | {"frames": len(e["frames"]) if e.get("frames") else 0} for e in manifest],
        "missing_alt": missing_alt(nb_paths), "warnings": warnings, "out": str(out),
    }
    return report


SUMMARY = re.compile(r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">(?P<title>[^<]*)</a>'
                     r'<details[^>]*>)<summary>')
SEARCH_BUTTON = re.compile(r'(<button class="[^"]*search-button-field[^"]*"[^>]*?) aria-label="Search"')


def polish_html(site):
    """Two accessibility fixes to the theme's markup (axe-core: serious), on every page:
    the sidebar's expand/collapse toggles get a name ("Show the pages of Instructor guide"), and
    the search button's name becomes its visible text ("Search Ctrl+K") instead of a shorter
    aria-label that does not contain it (WCAG 2.5.3, label in name)."""
    for page in Path(site).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = SUMMARY.sub(lambda m: f'{m[1]}<summary><span class="visually-hidden">Show the pages '
                                    f'of {m["title"]}</span>', text)
        new = SEARCH_BUTTON.sub(r"\1", new)
        if new != text:
            page.write_text(new, encoding="utf-8")


def missing_alt(nb_paths):
    """[(notebook, cell index, images, alt strings)] for cells whose alt metadata is not one
    string per image output."""
    gaps = []
    for p in nb_paths:
        nb = json.loads(p.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            n = sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
            alts = cell.get("metadata", {}).get("alt") or []
            good = [a for a in alts if isinstance(a, str) and a.strip()]
            if n and len(good) < n:
                gaps.append((p.name, i, n, len(good)))
    return gaps


def offline_problems(site):
    """Remote loads in any page or stylesheet, and local references to missing files."""
    problems = []
    for page in sorted(Path(site).rglob("*.html")):
        if page.relative_to(site).parts[0] in ("_static", "_mathjax"):
            continue       # the theme's template fragments, not pages
        remote, local, _ = slides.scan_html(page.read_text(encoding="utf-8"))
        problems += [f"{page.relative_to(site)}: {r}" for r in remote]
        for ref in local:
            path = re.split(r"[?#]", ref)[0]
            if path and not (page.parent / path).exists():
                problems.append(f"{page.relative_to(site)}: refers to a missing file {ref}")
    for css in sorted(Path(site).rglob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        problems += [f"{css.relative_to(site)}: {u}" for u in slides.CSS_REMOTE.findall(text)]
    return problems


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    opts = {"--out": str(ROOT / "site"), "--notebooks": None}
    for name in list(opts):
        if name in argv:
            i = argv.index(name)
            opts[name] = argv[i + 1]
            del argv[i:i + 2]
    no_frames = "--no-frames" in argv
    try:
        r = build(opts["--out"], opts["--notebooks"], no_frames)
    except (BookError, links.LinksError) as e:
        print(f"book: {e}", file=sys.stderr)
        return 1
    for w in r["warnings"]:
        print(f"book: sphinx: {w}")
    live = [e for e in r["explorers"] if e["frames"]]
    for e in r["explorers"]:
        what = (f"kernel-free, {e['frames']} frames" if e["frames"]
                else f"saved picture only: {e['reason']}")
        print(f"book: {e['notebook']} cell {e['cell']} {e['class']}: {what}")
    if r["missing_alt"]:
        print(f"book: {len(r['missing_alt'])} cells with images lack alt text (cell metadata "
              '"alt": [one string per image]):')
        for name, i, n, have in r["missing_alt"]:
            print(f"    {name} cell {i}: {n} image(s), {have} alt string(s)")
    print(f"book: {r['pages']} pages, {r['bytes'] / 1e6:.1f} MB, {len(live)} kernel-free "
          f"explorers, in {r['seconds']:.0f} s (frames {r['frames_seconds']:.0f} s, Sphinx "
          f"{r['sphinx_seconds']:.0f} s); open {Path(r['out']) / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
