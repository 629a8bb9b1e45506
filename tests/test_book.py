"""The course's website (`python3 course.py book`): built offline, complete, accessible.

The site is built once per test session (tools/book/make_book.py, into a temporary folder) from the
committed notebooks, or from $NNBOOK_NOTEBOOKS if set (e.g. a copy with extra metadata). Then:
- without a browser: every notebook has a page, with a Binder launch link, in the sidebar, with
  previous/next; nothing on any page would load from the network; the size is within 50 MB;
- in headless Chromium (Playwright, /usr/bin/chromium) where every request that is not for a
  local file is refused and counted: the maths is typeset by MathJax, no image is broken and
  each has alt text (not a file name; the message names the notebook and cell that lack it),
  the sliders of notebooks 03 and 06 change the picture when moved with the keyboard, the
  search finds pages offline, axe-core (from npm) finds no critical or serious violation on
  any page, and no request left the machine.
Skips (saying why) only where npm (the build's MathJax and the test's axe-core) or Chromium /
Playwright is missing.
"""
import json
import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tools" / "book"))
sys.path.insert(0, str(ROOT / "tests"))
import make_book as book  # noqa: E402
import explorers  # noqa: E402
import links  # noqa: E402

NOTEBOOKS = Path(os.environ.get("NNBOOK_NOTEBOOKS") or ROOT / "notebooks")
NB_PATHS = sorted(NOTEBOOKS.glob(links.NOTEBOOK_GLOB))
ARTIFACTS = ROOT / "artifacts"
SIZE_LIMIT = 50_000_000


# ---------------------------------------------------------------------------- pure parts

def test_rewrite_markdown_keeps_pages_and_points_other_files_at_the_repository():
    config = {"repository": "https://github.com/o/r", "branch": "main"}
    pages = {"README.md", "notebooks/03-x.ipynb", "docs/instructor-guide.md"}
    text = ("[![Launch](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/o/r/main)"
            " [nb](notebooks/03-x.ipynb) [guide](docs/instructor-guide.md#a) [c](CONTRIBUTING.md)"
            " [web](https://example.org) ![pic](https://example.org/p.png) [top](#x)")
    out = book.rewrite_markdown(text, "README.md", pages, config)
    assert "badge_logo" not in out and "[Launch](https://mybinder.org/v2/gh/o/r/main)" in out
    assert "[nb](notebooks/03-x.ipynb)" in out and "[guide](docs/instructor-guide.md#a)" in out
    assert "[c](https://github.com/o/r/blob/main/CONTRIBUTING.md)" in out
    assert "[web](https://example.org)" in out and "[top](#x)" in out
    assert "![pic]" not in out and "[pic](https://example.org/p.png)" in out
    back = book.rewrite_markdown("[home](../README.md#set-up)", "notebooks/03-x.ipynb", pages, config)
    assert back == "[home](../index.md#set-up)"


SLICE_NB = {"cells": [
    {"cell_type": "code", "source": "import numpy as np\nfrom nnlib import plots\n%matplotlib inline"},
    {"cell_type": "code", "source": "x = 1\ny = 2\nz = x + 100\nprint(y)"},
    {"cell_type": "code", "source": "data = {}\nfor k in range(3):\n    data[k] = k * z\nunused = 5"},
    {"cell_type": "code", "source": "model = make(data)\nmodel.tune(y)\nmodel = other(model)"},
    {"cell_type": "code", "source": "w = 3\nSomeExplorer(model=model, eta=0.1)"},
]}


def test_backward_slice_keeps_what_the_explorer_needs_and_nothing_else():
    import ast
    cell = SLICE_NB["cells"][4]["source"]
    call = next(n for n in ast.walk(ast.parse(cell)) if isinstance(n, ast.Call))
    kept = [text for _, text in explorers.backward_slice(SLICE_NB, 4, call)]
    assert kept == ["import numpy as np", "from nnlib import plots", "x = 1", "y = 2",
                    "z = x + 100", "data = {}", "for k in range(3):\n    data[k] = k * z",
                    "model = make(data)", "model.tune(y)", "model = other(model)"], kept


def test_explorer_cells_are_found_by_class_name():
    classes = explorers.explorer_classes()
    assert {"LearningRateExplorer", "BatchSizeExplorer"} <= set(classes)
    found = {}
    for p in NB_PATHS:
        nb = json.loads(p.read_text(encoding="utf-8"))
        for i, name, _ in explorers.find_explorer_calls(nb, classes):
            found.setdefault(p.name[:2], []).append(name)
    assert "LearningRateExplorer" in found.get("03", []), found
    assert "BatchSizeExplorer" in found.get("06", []), found


# ---------------------------------------------------------------------------- the build

@pytest.fixture(scope="session")
def site(tmp_path_factory):
    if shutil.which("npm") is None and not (book.NODE_MODULES / ".course-lock-sha256").exists():
        pytest.skip("npm is missing: the website's MathJax and the tests' axe-core come from the "
                    "npm registry (install Node.js with npm, e.g. `apt-get install npm`)")
    out = tmp_path_factory.mktemp("book") / "site"
    report = book.build(out, NOTEBOOKS)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "book-build.json").write_text(json.dumps(
        {k: v for k, v in report.items() if k != "warnings"}, indent=1, default=str))
    return out, report


def notebook_page(out, path):
    return out / "notebooks" / f"{path.stem}.html"


def test_each_notebook_has_a_page_in_the_sidebar_with_previous_next_and_binder(site):
    out, report = site
    assert len(NB_PATHS) == 11, [p.name for p in NB_PATHS]
    config = links.read_config()
    for i, p in enumerate(NB_PATHS):
        page = notebook_page(out, p)
        assert page.exists(), f"no page for {p.name}"
        text = page.read_text(encoding="utf-8")
        info = links.notebook_info(p)
        assert info["title"].split()[0] in text, f"{page.name}: its title is not on the page"
        sidebar = re.search(r'<nav class="[^"]*bd-docs-nav.*?</nav>', text, re.S)
        assert sidebar, f"{page.name}: no sidebar"
        for other in NB_PATHS:
            assert f"{other.stem}.html" in sidebar[0], f"{page.name}: {other.name} not in the sidebar"
        binder = links.binder_url(config, f"notebooks/{p.name}")
        assert binder.replace("&", "&amp;") in text or binder in text, f"{page.name}: no Binder link"
        prev = re.search(r'<a class="left-prev"\s+href="([^"]+)"', text)
        nxt = re.search(r'<a class="right-next"\s+href="([^"]+)"', text)
        want_prev = f"{NB_PATHS[i - 1].stem}.html" if i else "../index.html"
        assert prev and prev[1] == want_prev, f"{page.name}: previous is {prev and prev[1]}"
        if i + 1 < len(NB_PATHS):
            assert nxt and nxt[1] == f"{NB_PATHS[i + 1].stem}.html", f"{page.name}: next is {nxt and nxt[1]}"
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "instructor-guide.html" in home
    assert (out / "docs" / "instructor-guide.html").exists()
    no_binder = [p.relative_to(out).as_posix() for p in all_pages(out)
                 if "https://mybinder.org/v2/gh/" not in p.read_text(encoding="utf-8")]
    assert not no_binder, f"pages without a Binder launch link: {no_binder}"


def test_the_site_loads_nothing_from_the_network_and_fits_the_size_budget(site):
    out, report = site
    assert book.offline_problems(out) == []
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    assert size <= SIZE_LIMIT, f"the site is {size / 1e6:.1f} MB, over {SIZE_LIMIT / 1e6:.0f} MB"
    assert (out / "_mathjax" / "tex-chtml.js").exists()


def test_explorers_of_03_and_06_are_kernel_free(site):
    out, report = site
    live = {e["notebook"][:2]: e for e in report["explorers"] if e["frames"]}
    assert "03" in live and "06" in live, report["explorers"]
    # every setting the live controls offer (today: eta on a log slider 10^-3 .. 1 in steps of
    # 0.1, 31 positions; 8 batch sizes x 10 epochs, 80 combinations)
    for number in ("03", "06"):
        assert live[number]["frames"] == live[number]["total"] > 1, live[number]
    for e in report["explorers"]:
        assert e["frames"] or e["reason"], e


# ---------------------------------------------------------------------------- in a browser

AXE = book.NODE_MODULES / "axe-core" / "axe.min.js"
FILE_NAME = re.compile(r"(^|/)[^/\s]+\.(png|jpe?g|gif|svg|webp)$", re.I)


@pytest.fixture(scope="module")
def browser(site):
    import browser_helpers as bh
    why = bh.unavailable()
    if why:
        pytest.skip(why)
    remote = []
    with bh.Browser(1280, 900) as b:
        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:", "blob:", "about:", "http://127.0.0.1:")):
                return r.continue_()
            remote.append(url)          # refused, and counted
            return r.abort()
        b.context.route("**/*", route)
        b.remote = remote
        yield b


def open_page(browser, path):
    page = browser.new_page()
    page.goto(Path(path).as_uri())
    page.wait_for_load_state("load")
    # MathJax 3 typesets after load: wait until it says it has finished
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    return page


def all_pages(out):
    return sorted(p for p in out.rglob("*.html")
                  if p.relative_to(out).parts[0] not in ("_static", "_mathjax"))


JS_IMAGES = """() => [...document.querySelectorAll('main img, article img, img')].map(im => ({
    src: im.getAttribute('src'), alt: im.getAttribute('alt'), ok: im.complete && im.naturalWidth > 0,
    cls: im.className}))"""


JS_AXE = """async () => { const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                    'best-practice']}});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.length, where: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"""


JS_AXE_DARK = """async () => { const r = await axe.run(document, {
    runOnly: {type: 'rule', values: ['color-contrast']}});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.length, where: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"""


@pytest.fixture(scope="module")
def visits(site, browser):
    """Every page opened once: its maths, its images and axe-core's violations."""
    out, _ = site
    found = {}
    for path in all_pages(out):
        rel = path.relative_to(out).as_posix()
        page = open_page(browser, path)
        try:
            v = {"math": page.evaluate("document.querySelectorAll('mjx-container').length"),
                 "math_errors": page.evaluate("document.querySelectorAll('mjx-merror').length"),
                 "tex_left": page.evaluate(r"""[...document.querySelectorAll('.math')].filter(
                     el => !el.querySelector('mjx-container')).length""")}
            page.wait_for_function("() => [...document.images].every(im => im.complete)",
                                   timeout=20000)
            v["images"] = page.evaluate(JS_IMAGES)
            v["console"] = [e for e in page.nnlib_console_errors if "theme mode" not in e]
            page.add_script_tag(path=str(AXE))
            v["axe"] = page.evaluate(JS_AXE)
            # the theme's dark mode too (a reader's choice, kept by the theme): contrast only
            page.evaluate("document.documentElement.dataset.theme = 'dark'")
            page.wait_for_timeout(600)    # the theme's colours change with a transition
            v["axe"] += [dict(x, id=x["id"] + " (dark mode)") for x in page.evaluate(JS_AXE_DARK)]
        finally:
            browser.close_page(page)
        found[rel] = v
    return found


def test_maths_renders(visits):
    bad = [f"{rel}: {v['math']} typeset, {v['math_errors']} errors, {v['tex_left']} left as TeX"
           for rel, v in visits.items()
           if (rel.startswith("notebooks/") and v["math"] == 0) or v["math_errors"] or v["tex_left"]]
    assert not bad, "maths not rendered: " + "; ".join(bad)


def test_pages_show_no_console_error(visits):
    bad = {rel: v["console"] for rel, v in visits.items() if v["console"]}
    assert not bad, bad


def test_no_image_is_broken(visits):
    broken = [f"{rel}: {im['src']}" for rel, v in visits.items() for im in v["images"] if not im["ok"]]
    assert not broken, "broken images: " + "; ".join(broken)


def test_every_image_has_alt_text(visits):
    missing = []
    for rel, v in visits.items():
        for im in v["images"]:
            alt, cls = (im["alt"] or "").strip(), im["cls"] or ""
            if not alt or FILE_NAME.search(alt) or "nnbook-noalt" in cls:
                cell = re.search(r"nnbook-cell-(\d+)", cls)
                where = f"{Path(rel).stem}.ipynb cell {cell[1]}" if cell else rel
                missing.append(f"{where}: alt={alt!r} ({im['src']})")
    assert not missing, (
        f"{len(missing)} images without alt text. Give each code cell whose outputs hold images "
        'the metadata "alt": [one string per image, in order] (CONTRIBUTING.md):\n  '
        + "\n  ".join(missing))


def test_axe_finds_no_critical_or_serious_violation(visits):
    counts, bad = Counter(), []
    for rel, v in visits.items():
        for x in v["axe"]:
            counts[x["impact"]] += x["nodes"]
            if x["impact"] in ("critical", "serious"):
                bad.append(f"{rel}: {x['impact']} {x['id']} ({x['help']}) x{x['nodes']} at {x['where']}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "book-axe.json").write_text(json.dumps(
        {"counts": dict(counts), "pages": {rel: v["axe"] for rel, v in visits.items()}}, indent=1))
    assert not bad, "axe-core violations:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("number", ["03", "06"])
def test_sliders_change_the_picture_from_the_keyboard(site, browser, number):
    out, _ = site
    path = notebook_page(out, next(p for p in NB_PATHS if p.name.startswith(number)))
    page = open_page(browser, path)
    try:
        explorer = page.locator(".nnbook-explorer.nnbook-ready").first
        ranges = explorer.locator('input[type="range"]')
        assert ranges.count() >= 1, f"{path.name}: no range input in the explorer"
        for k in range(ranges.count()):
            slider = ranges.nth(k)
            sid = slider.get_attribute("id")
            label = explorer.locator(f'label[for="{sid}"]')
            assert label.count() == 1 and label.inner_text().strip(), f"{sid}: no label"
            state = lambda: page.evaluate("""(id) => { const el = document.getElementById(id);
                const root = el.closest('.nnbook-explorer'); const im = root.querySelector('img.nnbook-frame');
                return {value: el.value, max: el.max, text: el.getAttribute('aria-valuetext'),
                        out: root.querySelector(`output[for="${id}"]`).textContent,
                        src: im.getAttribute('src'), alt: im.alt, loaded: im.complete && im.naturalWidth > 0,
                        readout: root.querySelector('.nnbook-readout').textContent}; }""", sid)
            before = state()
            slider.focus()
            key = "ArrowLeft" if before["value"] == before["max"] else "ArrowRight"
            page.keyboard.press(key)
            page.wait_for_function("(id) => { const im = document.getElementById(id).closest("
                                   "'.nnbook-explorer').querySelector('img.nnbook-frame');"
                                   " return im.complete && im.naturalWidth > 0; }", arg=sid)
            after = state()
            assert after["value"] != before["value"], f"{sid}: {key} did not move the slider"
            assert after["src"] != before["src"], f"{sid}: the picture did not change"
            assert after["loaded"], f"{sid}: the new picture did not load ({after['src']})"
            assert after["out"] == after["text"] != before["text"], (before, after)
            assert after["readout"] != before["readout"], f"{sid}: the readout did not change"
            assert after["alt"].strip(), f"{sid}: the new picture has no alt text"
    finally:
        browser.close_page(page)


def test_search_works_offline(site, browser):
    out, _ = site
    page = browser.new_page()
    try:
        page.goto((out / "search.html").as_uri() + "?q=backpropagation")
        page.wait_for_function("() => document.querySelectorAll('#search-results li, "
                               "ul.search li').length > 0", timeout=30000)
        hits = page.evaluate("[...document.querySelectorAll('ul.search li a')].map(a => a.href)")
        assert any("notebooks/" in h for h in hits), hits
    finally:
        browser.close_page(page)


def test_the_site_works_from_a_static_server(site, browser):
    """The same pages served over HTTP (Python's http.server on 127.0.0.1): maths, pictures, slider."""
    import functools
    import http.server
    import threading
    out, _ = site
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    page = browser.new_page()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        page.goto(f"{base}/notebooks/{next(p for p in NB_PATHS if p.name.startswith('03')).stem}.html")
        page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
        assert page.evaluate("document.querySelectorAll('mjx-container').length") > 0
        page.wait_for_function("() => [...document.images].every(im => im.complete)", timeout=20000)
        assert all(page.evaluate("[...document.images].map(im => im.naturalWidth > 0)"))
        slider = page.locator('.nnbook-explorer input[type="range"]').first
        src = page.locator(".nnbook-explorer img.nnbook-frame").first.get_attribute("src")
        slider.focus()
        page.keyboard.press("ArrowLeft")
        assert page.locator(".nnbook-explorer img.nnbook-frame").first.get_attribute("src") != src
        page.goto(f"{base}/search.html?q=gradient")
        page.wait_for_function("() => document.querySelectorAll('ul.search li').length > 0",
                               timeout=30000)
    finally:
        browser.close_page(page)
        server.shutdown()
        server.server_close()


def test_no_request_left_the_machine(site, browser):
    """Every request the pages above made was for a local file (the others were refused)."""
    assert browser.remote == [], f"requests that would have left the machine: {browser.remote[:20]}"
