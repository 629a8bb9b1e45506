"""Every notebook follows the course's anatomy and is committed as a clean, in-order execution.
(nbval, run by the same test command, re-executes them and compares the outputs.)"""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9]*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def test_the_course_has_its_notebooks():
    assert len(NOTEBOOKS) >= 6, "the article's six notebooks at least"
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1)), f"numbered 01, 02, ... without gaps: {numbers}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_opens_with_title_goals_and_time(path):
    first = cells(path)[0]
    assert first["cell_type"] == "markdown"
    text = source(first)
    assert re.match(rf"#\s*{path.name[:2]}\s*·\s*\S", text), "first line: '# NN · Title'"
    assert "What you will learn" in text
    assert re.search(r"Time\**:?\**\s*about \d+ minutes", text), "an honest time estimate: 'Time: about N minutes'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_ends_with_summary_and_link_to_next(path):
    markdown = [source(c) for c in cells(path) if c["cell_type"] == "markdown"]
    assert any("Summary" in m for m in markdown[-3:]), "a Summary near the end"
    nxt = path.parent.glob(f"{int(path.name[:2]) + 1:02d}-*.ipynb")
    nxt = next(nxt, None)
    if nxt is not None:
        assert any(f"]({nxt.name})" in m for m in markdown[-3:]), f"a link to the next notebook, {nxt.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_has_slide_metadata(path):
    bad = [i for i, c in enumerate(cells(path))
           if c.get("metadata", {}).get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not bad, f"cells without metadata.slideshow.slide_type: {bad[:10]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_as_one_clean_top_to_bottom_run(path):
    code = [c for c in cells(path) if c["cell_type"] == "code" and source(c).strip()]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), \
        "outputs must come from one fresh top-to-bottom run: python3 course.py execute " + path.name
    for c in code:
        for out in c.get("outputs", []):
            assert out["output_type"] != "error", f"a traceback is committed: {source(c)[:80]!r}"
            assert out.get("name") != "stderr", f"stderr/warnings are committed: {''.join(out['text'])[:200]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_widget_cells_are_tagged_for_nbval(path):
    for c in cells(path):
        if any(WIDGET_MIME in out.get("data", {}) for out in c.get("outputs", [])):
            assert "nbval-ignore-output" in c.get("metadata", {}).get("tags", []), \
                f"a widget cell needs the tag nbval-ignore-output: {source(c)[:80]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_has_pictures(path):
    images = sum("image/png" in out.get("data", {}) for c in cells(path) for out in c.get("outputs", []))
    assert images >= 2, "a picture wherever a picture beats words: at least two per notebook"
