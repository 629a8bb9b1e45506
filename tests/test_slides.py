"""The slide decks (`python3 course.py slides`) work with no network when shown.

Builds every notebook's deck into a temporary folder with tools/slides.py and checks that no deck
loads anything from the network (src/href of scripts, styles, images; URLs in scripts and CSS),
that every local file a deck refers to is there, and, where Chromium is installed, opens a deck
in a browser whose every http(s) request is refused and checks it still shows slides, typeset
equations and widgets. Skips (saying why) where npm is missing: the assets come from npm.
"""
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
import slides  # noqa: E402
import links  # noqa: E402

NOTEBOOKS = links.notebook_paths(ROOT)
PNG_1PX = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJ"
           "RU5ErkJggg==")


def test_scanner_tells_loads_from_links():
    html = """<html><head>
    <script src="https://cdn.example.org/a.js"></script>
    <link rel="stylesheet" href="//cdn.example.org/b.css">
    <link rel="stylesheet" href="_assets/local.css">
    <style>/* @import url('https://fonts.example.org/commented'); */
      @import url("https://fonts.example.org/c.css"); .x { background: url(https://e.org/d.png) }</style>
    <script>
      // see https://github.com/hakimel/reveal.js#configuration  (a comment: no load)
      var renderer = 'https://unpkg.com/e.js';
      require(["_assets/reveal.js/dist/reveal.js"]);
    </script></head>
    <body><img src="https://e.org/f.png"><img src="data:image/png;base64,AAAA">
    <a href="https://www.3blue1brown.com/">a link is not a load</a>
    <div style="background-image: url('https://e.org/g.png')"></div></body></html>"""
    remote, local, anchors = slides.scan_html(html)
    found = " ".join(remote)
    for url in ("cdn.example.org/a.js", "//cdn.example.org/b.css", "fonts.example.org/c.css",
                "e.org/d.png", "unpkg.com/e.js", "e.org/f.png", "e.org/g.png"):
        assert url in found, url
    assert "commented" not in found and "hakimel" not in found and "3blue1brown" not in found
    assert len(remote) == 7, remote
    assert "_assets/local.css" in local and "_assets/reveal.js/dist/reveal.js" in local
    assert anchors == ["https://www.3blue1brown.com/"]


# ---------------------------------------------------------------------------- building

SAMPLE = {
    "cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {"slideshow": {"slide_type": "slide"}},
         "source": "# 98 · A sample deck\n\n<!-- launch:start -->\n[Open this notebook on Binder]"
                   "(https://mybinder.org/v2/gh/o/r/main?labpath=notebooks%2F98-sample.ipynb)\n"
                   "<!-- launch:end -->\n\n**What you will learn**\n- a thing\n\n"
                   "**Time**: about 5 minutes"},
        {"cell_type": "markdown", "id": "b", "metadata": {"slideshow": {"slide_type": "slide"}},
         "source": "The layer: $a^{(L)} = \\sigma(w^{(L)} a^{(L-1)} + b^{(L)})$\n\n"
                   "$$C_0 = \\sum_j (a_j^{(L)} - y_j)^2$$"},
        {"cell_type": "code", "execution_count": 1, "id": "c",
         "metadata": {"slideshow": {"slide_type": "fragment"}}, "source": "picture()",
         "outputs": [{"output_type": "display_data", "metadata": {},
                      "data": {"image/png": PNG_1PX, "text/plain": "<Figure>"}}]},
        {"cell_type": "markdown", "id": "d", "metadata": {"slideshow": {"slide_type": "notes"}},
         "source": "Ask the room what a nudge does."},
        {"cell_type": "markdown", "id": "e", "metadata": {"slideshow": {"slide_type": "slide"}},
         "source": "**Next**: [99 · The end](99-the-end.ipynb)"},
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every notebook's deck plus a sample deck, built into one temporary folder."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the slides' assets (reveal.js, MathJax, ...) come "
                    "from npm at build time. Install Node.js to run these tests.")
    try:
        slides.ensure_node_modules()
    except slides.SlidesError as e:
        pytest.skip(f"the slide assets could not be installed (no network to the npm "
                    f"registry?): {str(e)[:500]}")
    tmp = tmp_path_factory.mktemp("slides")
    sample = tmp / "nb" / "98-sample.ipynb"
    sample.parent.mkdir()
    sample.write_text(json.dumps(SAMPLE))
    out = tmp / "out"
    result = slides.build(NOTEBOOKS + [sample], out)
    return out, {path.name: deck for path, deck, _, _ in result}


def test_every_deck_loads_nothing_from_the_network(built):
    out, decks = built
    assert len(decks) == len(NOTEBOOKS) + 1
    for name, deck in decks.items():
        assert slides.offline_problems(deck) == [], name
    # the copied style sheets do not fetch fonts or images from the network either
    for css in (out / slides.ASSETS).rglob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", css.read_text(errors="replace"), flags=re.DOTALL)
        assert not slides.CSS_REMOTE.findall(text), css


def test_sample_deck_content(built):
    out, decks = built
    html = decks["98-sample.ipynb"].read_text()
    assert "mybinder.org" not in html, "the launch line belongs to notebooks, not to decks"
    assert 'href="99-the-end.slides.html"' in html, "links to notebooks should open their decks"
    assert "<title>98 · A sample deck slides</title>" in html
    assert html.count('<section') >= 3
    assert 'class="notes"' in html or "<aside class=\"notes\">" in html
    index = (out / "index.html").read_text()
    assert 'href="98-sample.slides.html"' in index and "98 · A sample deck" in index
    assert not slides.scan_html(index)[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_a_slide_type(path):
    """CONTRIBUTING: every cell sets metadata.slideshow.slide_type (else it joins the slide
    before it, and decks turn into walls of text)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    missing = [i for i, c in enumerate(nb["cells"])
               if "slide_type" not in c.get("metadata", {}).get("slideshow", {})]
    assert not missing, f"{path.name}: cells {missing} have no metadata.slideshow.slide_type"


def test_a_deck_works_in_a_browser_with_the_network_cut(built):
    import browser_helpers as bh
    why = bh.unavailable()
    if why:
        pytest.skip(why)
    out, decks = built
    # the real deck with the most widgets shows the most (equations, pictures, widgets)
    def widget_count(name):
        path = ROOT / "notebooks" / name
        return len(json.loads(path.read_text()).get("metadata", {}).get("widgets", {})
                   .get("application/vnd.jupyter.widget-state+json", {}).get("state", {})) \
            if path.exists() else -1
    name = max(decks, key=widget_count)
    has_widgets = widget_count(name) > 0
    source = ROOT / "notebooks" / name
    nb = json.loads(source.read_text()) if source.exists() else SAMPLE
    has_math = any("$" in links._source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    requests = []

    def refuse_network(route):
        if route.request.url.startswith(("http://", "https://")):
            requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    from playwright.sync_api import sync_playwright
    errors = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=bh.chromium_path(), headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            page.route("**/*", refuse_network)
            page.goto(decks[name].as_uri())
            page.wait_for_selector(".reveal.ready", state="attached", timeout=30000)
            page.wait_for_function(
                "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                " && MathJax.Hub.queue.running === 0", timeout=30000)
            math = page.evaluate("document.querySelectorAll('.mjx-chtml, .MathJax_CHTML').length")
            if has_widgets:
                page.wait_for_selector(".jupyter-widgets", state="attached", timeout=30000)
            text = page.evaluate("document.body.innerText")
            shot = ROOT / "artifacts" / "slides" / f"{Path(name).stem}-first.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert requests == [], f"{name}: the deck asked the network for {requests}"
    assert math > 0 or not has_math, f"{name}: no typeset equations (MathJax did not run)"
    assert "Error displaying widget" not in text
    assert not [e for e in errors if "favicon" not in e], errors
