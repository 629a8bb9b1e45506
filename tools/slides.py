#!/usr/bin/env python3
"""Build reveal.js slide decks of the notebooks that need no network when shown.

    python3 course.py slides                         every notebooks/NN-name.ipynb -> slides/
    python3 course.py slides notebooks/03-*.ipynb    only some
    python3 course.py slides --out DIR               somewhere else
    python3 course.py slides --measure               also list slides taller than the deck
                                                     (needs Chromium; they scroll when shown)

Open slides/index.html (or any slides/NN-name.slides.html) in a browser: Space / arrows to move,
S for the speaker view (the notebooks' `notes` cells), F for full screen, Esc for the overview.

How it stays offline: nbconvert's slide template loads reveal.js, require.js, jQuery, MathJax and
the widget renderer from CDNs by default. Here every one of those URLs points at a copy in
slides/_assets/, taken from the npm packages pinned in tools/reveal/package-lock.json (installed
with `npm ci` into tools/reveal/node_modules: network and npm are needed once, at build time).
A small template override (tools/reveal/templates/course-reveal) removes the one CDN reference
the options cannot change (mermaid). After building, every deck is scanned: a deck that would
load anything from the network, or refer to a local file that is not there, fails the build.

The launch (Binder) line of each notebook's first cell is left out of the decks. Cells whose
`metadata.slideshow.slide_type` is missing continue the previous slide; the build reports them.
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
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import links  # noqa: E402  (notebook titles and the launch block)

KIT = ROOT / "tools" / "reveal"
NODE_MODULES = KIT / "node_modules"
TEMPLATES = KIT / "templates"
ASSETS = "_assets"

# What the decks use, copied from node_modules into OUT/_assets: (source, target, ignored names)
ASSET_COPIES = [
    ("reveal.js/dist", "reveal.js/dist", ["*.map", "*.esm.js", "theme"]),
    # only the theme the decks use: the others fetch web fonts from Google
    ("reveal.js/dist/theme/white.css", "reveal.js/dist/theme/white.css", []),
    ("reveal.js/dist/theme/fonts/source-sans-pro", "reveal.js/dist/theme/fonts/source-sans-pro",
     []),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes", ["*.map", "*.esm.js"]),
    ("reveal.js/LICENSE", "reveal.js/LICENSE", []),
    ("requirejs/require.js", "require.js", []),
    ("jquery/dist/jquery.min.js", "jquery.min.js", []),
    ("jquery/LICENSE.txt", "jquery.LICENSE.txt", []),
    ("mathjax/MathJax.js", "mathjax/MathJax.js", []),
    ("mathjax/LICENSE", "mathjax/LICENSE", []),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js", []),
    ("mathjax/config/Safe.js", "mathjax/config/Safe.js", []),
    ("mathjax/extensions", "mathjax/extensions", []),
    ("mathjax/localization", "mathjax/localization", []),
    ("mathjax/fonts/HTML-CSS/TeX", "mathjax/fonts/HTML-CSS/TeX", []),
    # output jax without the optional fonts (the TeX fonts are the ones MathJax uses here)
    ("mathjax/jax", "mathjax/jax", ["Asana-Math", "Gyre-Pagella", "Gyre-Termes", "Latin-Modern",
                                    "Neo-Euler", "STIX-Web", "STIX"]),
    ("@jupyter-widgets/html-manager/dist", "html-manager",
     ["*.map", "embed.js", "embed.js.LICENSE.txt", "libembed-amd.js"]),
    ("@jupyter-widgets/html-manager/package.json", "html-manager/package.json", []),
]
ASSET_URLS = {
    "reveal_url_prefix": f"{ASSETS}/reveal.js",
    "require_js_url": f"{ASSETS}/require.js",
    "jquery_url": f"{ASSETS}/jquery.min.js",
    "mathjax_url": f"{ASSETS}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": f"{ASSETS}/html-manager/embed-amd.js",
}


NOTEBOOK_LINK = re.compile(r"\]\((?:\./)?(\d{2}-[A-Za-z0-9_-]+)\.ipynb(#[^)]*)?\)")


class SlidesError(RuntimeError):
    """Something the slide build cannot do; the message says how to fix it."""


# ---------------------------------------------------------------------------- assets

def _sha(path, *extra):
    h = hashlib.sha256(Path(path).read_bytes())
    for e in extra:
        h.update(json.dumps(e).encode())
    return h.hexdigest()


def npm_ci(folder, assets, command, error):
    """`npm ci` the pinned packages of `folder` (its package-lock.json) into folder/node_modules, once
    per lock file (a stamp records the lock's hash). `assets` says what they are for the messages,
    `command` is what to run again; failures raise `error` with the fix."""
    folder = Path(folder)
    stamp = folder / "node_modules" / ".course-lock-sha256"
    want = _sha(folder / "package-lock.json")
    if stamp.exists() and stamp.read_text().strip() == want:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise error(f"npm was not found. {assets} from npm at build time: install Node.js (it includes "
                    f"npm), e.g. `sudo apt-get install npm` or from https://nodejs.org, then run "
                    f"{command} again.")
    print(f"{command.split()[-1]}: installing the assets with npm ci (once) ...", flush=True)
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                            cwd=folder, capture_output=True, text=True)
    if result.returncode != 0:
        raise error(f"`npm ci` failed in {folder.relative_to(ROOT)} (it needs network the first time):\n"
                    + result.stderr[-2000:]
                    + "\nCheck your connection to the npm registry and try again.")
    stamp.write_text(want + "\n")


def ensure_node_modules():
    """`npm ci` the pinned asset packages into tools/reveal/node_modules (once per lock file)."""
    npm_ci(KIT, "The slides take reveal.js, MathJax and friends", "python3 course.py slides", SlidesError)


def copy_assets(out):
    """Copy the assets next to the decks (OUT/_assets), replacing an out-of-date copy whole."""
    target = Path(out) / ASSETS
    stamp = target / ".course-assets-sha256"
    want = _sha(KIT / "package-lock.json", ASSET_COPIES, ASSET_URLS)
    if stamp.exists() and stamp.read_text().strip() == want:
        return
    tmp = Path(tempfile.mkdtemp(prefix=".assets-", dir=out))
    try:
        for src, dst, ignore in ASSET_COPIES:
            s, d = NODE_MODULES / src, tmp / dst
            if not s.exists():
                raise SlidesError(f"{s} is missing from node_modules; delete tools/reveal/"
                                  "node_modules and run python3 course.py slides again.")
            d.parent.mkdir(parents=True, exist_ok=True)
            if s.is_dir():
                shutil.copytree(s, d, ignore=shutil.ignore_patterns(*ignore))
            else:
                shutil.copy2(s, d)
        (tmp / ".course-assets-sha256").write_text(want + "\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


# ---------------------------------------------------------------------------- offline check

REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
QUOTED_REMOTE = re.compile(r"""["'`]\s*((?:https?:)?//[^"'`\s]+)""", re.IGNORECASE)
CSS_REMOTE = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])((?:https?:)?//[^"')\s]+)""",
                        re.IGNORECASE)
JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\w\\])//[^\n]*", re.DOTALL)
LOADING_ATTRS = {"src", "data", "poster", "srcset", "action", "formaction", "background",
                 "xlink:href"}


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.remote, self.local, self.anchors, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            loads = name in LOADING_ATTRS or (name == "href" and tag != "a")
            if loads and REMOTE.match(value):
                self.remote.append(f"<{tag} {name}={value!r}>")
            elif loads and not value.startswith(("data:", "#", "javascript:", "blob:")):
                self.local.append(value)
            elif name == "href" and tag == "a" and REMOTE.match(value):
                self.anchors.append(value)
            if name == "style":
                self.remote += [f"<{tag} style=...{u}>" for u in CSS_REMOTE.findall(value)]
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            code = JS_COMMENT.sub("", data)
            self.remote += [f"<script> ...{u}" for u in QUOTED_REMOTE.findall(code)]
            self.local += re.findall(rf"""["']({ASSETS}/[^"'?#\s]+)""", code)
        elif self._in == "style":
            css = re.sub(r"/\*.*?\*/", "", data, flags=re.DOTALL)
            self.remote += [f"<style> ...{u}" for u in CSS_REMOTE.findall(css)]


def scan_html(html):
    """(remote loads, local references, remote hyperlinks) of one HTML page.

    A remote load is anything the page would fetch from the network when shown: src/href of
    elements other than <a>, URLs in scripts (outside comments) and in CSS. Hyperlinks (<a href>)
    are not loads: the page works offline; following one needs network, as it should.
    """
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.remote, scanner.local, scanner.anchors


def offline_problems(deck):
    """What would stop a built deck from working offline: remote loads, missing local files."""
    deck = Path(deck)
    remote, local, _ = scan_html(deck.read_text(encoding="utf-8"))
    problems = [f"loads from the network: {r}" for r in remote]
    for ref in local:
        path = re.split(r"[?#]", ref)[0]
        if not (deck.parent / path).exists():
            problems.append(f"refers to a missing file: {ref}")
    return problems


# ---------------------------------------------------------------------------- building

def make_exporter():
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import Preprocessor
    from traitlets.config import Config

    class StripLaunchBlock(Preprocessor):
        """Leave the Binder launch line out (it is for readers, not a lecture); point links to
        other notebooks at their decks."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "markdown":
                if "<!-- launch:start -->" in cell.source:
                    cell.source = links.strip_launch_block(cell.source)
                # links to the other notebooks ("Next: ...") go to their decks
                cell.source = NOTEBOOK_LINK.sub(r"](\1.slides.html\2)", cell.source)
            elif cell.cell_type == "code":
                # alt text: the cell's metadata "alt" (one string per image output, in order)
                # goes where the template reads it (the output's image/png metadata)
                alts = iter(cell.metadata.get("alt") or [])
                for out in cell.get("outputs", []):
                    if "image/png" in out.get("data", {}):
                        alt = next(alts, None)
                        if isinstance(alt, str) and alt.strip():
                            out.setdefault("metadata", {}).setdefault("image/png", {})["alt"] = alt
            return cell, resources

    c = Config()
    for name, url in ASSET_URLS.items():
        setattr(c.SlidesExporter, name, url)
    c.SlidesExporter.mermaid_js_url = ""               # not used: the template drops mermaid
    c.SlidesExporter.reveal_theme = "white"            # no web fonts, high contrast
    c.SlidesExporter.reveal_scroll = False             # the template's CSS scrolls long slides
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    c.SlidesExporter.template_name = "course-reveal"
    c.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    exporter = SlidesExporter(config=c)
    exporter.register_preprocessor(StripLaunchBlock(), enabled=True)
    return exporter


def slide_report(nb):
    """Counts that show a deck's flow: slides, unmarked cells, the longest slide."""
    types = [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb.cells]
    missing = sum(t is None for t in types)
    slides, current, longest = 0, 0, 0
    for cell, t in zip(nb.cells, types):
        if t in ("skip", "notes"):
            continue
        if t in ("slide", "subslide") or slides == 0:
            slides += 1
            current = 0
        images = sum(1 for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))
        current += 1 + images
        longest = max(longest, current)
    return {"cells": len(types), "unmarked": missing, "slides": slides, "longest": longest}


def write_text_atomic(path, text):
    fd, tmp = tempfile.mkstemp(prefix=f".{Path(path).name}.", dir=Path(path).parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def copy_local_files(nb_dir, deck, out):
    """Images a notebook's markdown refers to by relative path go next to the deck too."""
    _, local, _ = scan_html(deck.read_text(encoding="utf-8"))
    for ref in local:
        rel = re.split(r"[?#]", ref)[0]
        if rel.startswith(ASSETS) or (out / rel).exists():
            continue
        src = (nb_dir / rel).resolve()
        if src.is_file() and nb_dir.resolve() in src.parents:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out / rel)


def build(paths, out):
    """Build one deck per notebook into out; return [(path, deck, report, seconds)]."""
    import nbformat
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ensure_node_modules()
    copy_assets(out)
    exporter = make_exporter()
    built = []
    for path in paths:
        start = time.perf_counter()
        info = links.notebook_info(path)
        nb = nbformat.read(path, as_version=4)
        report = slide_report(nb)
        nb.metadata["title"] = f"{info['number']} · {info['title']}"
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": path.stem, "path": str(path.parent)}})
        deck = out / f"{path.stem}.slides.html"
        write_text_atomic(deck, body)
        copy_local_files(path.parent, deck, out)
        problems = offline_problems(deck)
        if problems:
            raise SlidesError(f"{deck.name} would not work offline:\n  " + "\n  ".join(problems))
        built.append((path, deck, dict(report, **info), time.perf_counter() - start))
    write_index(out, {deck.name: info for _, deck, info, _ in built})
    return built


def write_index(out, known=None):
    """slides/index.html: the list of decks, with titles and times, and the keys to know."""
    import html
    rows = []
    for deck in sorted(Path(out).glob("[0-9]*.slides.html")):
        nb = ROOT / "notebooks" / deck.name.replace(".slides.html", ".ipynb")
        info = (known or {}).get(deck.name) or (links.notebook_info(nb) if nb.exists() else None)
        title = f"{info['number']} · {info['title']}" if info else deck.stem
        minutes = f"{info['minutes']} min" if info and info["minutes"] else ""
        rows.append(f'<li><a href="{html.escape(deck.name)}">{html.escape(title)}</a>'
                    f' <span class="time">{minutes}</span></li>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Backpropagation course: slides</title>
<style>
body {{ font-family: sans-serif; font-size: 24px; max-width: 40em; margin: 2em auto;
       line-height: 1.5; color: #111; }}
a {{ color: #0072B2; }} .time {{ color: #555; }} kbd {{ border: 1px solid #999;
       border-radius: 4px; padding: 0 .3em; font-size: .9em; }}
</style></head>
<body>
<h1>Backpropagation course: slides</h1>
<ol style="list-style: none; padding: 0">
{chr(10).join(rows)}
</ol>
<p><kbd>Space</kbd> / arrows: next, previous. <kbd>S</kbd>: speaker view with the notes.
<kbd>F</kbd>: full screen. <kbd>Esc</kbd>: overview. <kbd>?</kbd>: all keys.</p>
<p>Everything here works without network. Built by <code>python3 course.py slides</code>.</p>
</body></html>
"""
    write_text_atomic(Path(out) / "index.html", page)


def measure(decks, limit=700):
    """Open each deck in headless Chromium (network refused) and list the slides taller than the
    deck (960x700, all fragments shown): they scroll on the projector, so split them (subslide)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import browser_helpers as bh
    why = bh.unavailable()
    if why:
        raise SlidesError(f"--measure needs a browser: {why}")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright
    js_slide = r"""(() => {
        const s = document.querySelector('.reveal .slides > section.present > section.present');
        const t = s.querySelector('h1, h2, h3');
        return [s.scrollHeight, (t ? t.textContent : s.textContent).trim().replace('\u00b6', '')
                .split('\n')[0].slice(0, 50)]; })()"""
    js_typeset = """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue
        && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0"""
    js_present = """([h, v]) => {
        const s = document.querySelectorAll('.reveal .slides > section')[h];
        const sub = s && s.querySelectorAll(':scope > section')[v];
        return !!(sub && s.classList.contains('present') && sub.classList.contains('present'));
    }"""
    report = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=bh.chromium_path(), headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 960, "height": 700})
            page.route("**/*", lambda r: r.abort() if r.request.url.startswith(("http:", "https:"))
                       else r.continue_())
            for deck in decks:
                page.goto(Path(deck).as_uri())
                page.wait_for_selector(".reveal.ready", state="attached", timeout=30000)
                # heights change while MathJax typesets: measure once it has finished (a fixed
                # wait was too short on a busy machine, so the same slide measured differently)
                try:
                    page.wait_for_function(js_typeset, timeout=60000)
                except PlaywrightTimeout:
                    raise SlidesError(f"{Path(deck).name}: MathJax did not finish typesetting "
                                      "within 60 s, so the slide heights would be wrong. Check "
                                      "that the deck shows equations in a browser, rebuild it "
                                      "(python3 course.py slides) and measure again.") from None
                counts = page.evaluate("""[...document.querySelectorAll('.reveal .slides > section')]
                    .map(s => Math.max(1, s.querySelectorAll(':scope > section').length))""")
                tall, number = [], 0
                for h, nv in enumerate(counts):
                    for v in range(nv):
                        number += 1
                        page.evaluate(f"location.hash = '#/{h}/{v}'")
                        page.wait_for_function(js_present, arg=[h, v], timeout=10000)
                        height, title = page.evaluate(js_slide)
                        if height > limit:
                            tall.append((number, height, title))
                report[Path(deck).name] = (number, tall)
        finally:
            browser.close()
    return report


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    out = ROOT / "slides"
    if "--out" in argv:
        i = argv.index("--out")
        out = Path(argv[i + 1]).resolve()
        del argv[i:i + 2]
    paths = [Path(a).resolve() for a in argv if a != "--measure"] or links.notebook_paths(ROOT)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print("slides: no such notebook: " + ", ".join(missing), file=sys.stderr)
        return 2
    if not paths:
        print("slides: no notebooks/NN-name.ipynb to build", file=sys.stderr)
        return 2
    do_measure = "--measure" in argv
    paths = [p for p in paths if p.name != "--measure"]
    start = time.perf_counter()
    try:
        built = build(paths, out)
    except (SlidesError, links.LinksError) as e:
        print(f"slides: {e}", file=sys.stderr)
        return 1
    for path, deck, r, seconds in built:
        note = f"; {r['unmarked']} of {r['cells']} cells have no slide_type" if r["unmarked"] else ""
        print(f"slides: {deck.relative_to(out.parent) if out.parent in deck.parents else deck}"
              f"  {r['slides']} slides, longest {r['longest']} blocks{note}  ({seconds:.1f} s)")
    print(f"slides: {len(built)} decks in {time.perf_counter() - start:.1f} s; "
          f"open {out / 'index.html'}")
    if do_measure:
        try:
            report = measure([deck for _, deck, _, _ in built])
        except SlidesError as e:
            print(f"slides: {e}", file=sys.stderr)
            return 1
        for name, (number, tall) in report.items():
            print(f"slides: {name}: {len(tall)} of {number} slides taller than the deck"
                  + "".join(f"\n    #{n} ({h} px) {t}" for n, h, t in tall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
