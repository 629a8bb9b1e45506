"""`python3 course.py execute --check`: a fresh run of a notebook, compared with its saved text outputs
after nbval's sanitizers, without writing the notebook. Tried on a tiny notebook made here."""
import io
import json
import runpy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
course = runpy.run_path(str(ROOT / "course.py"), run_name="course_for_tests")


def stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


@pytest.fixture
def tiny(tmp_path):
    cells = [
        nbformat.v4.new_markdown_cell("# a tiny notebook"),
        nbformat.v4.new_code_cell("print(6 * 7)", outputs=[stream("42\n")]),                  # unchanged
        nbformat.v4.new_code_cell("print('cost 0.25')", outputs=[stream("cost 0.52\n")]),    # changed
        nbformat.v4.new_code_cell("print('12 ms per epoch')", outputs=[stream("87 ms per epoch\n")]),  # sanitized
        nbformat.v4.new_code_cell("6 * 7", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "42"}, execution_count=4)]),             # unchanged result
    ]
    ignored = nbformat.v4.new_code_cell("print('anything')", outputs=[stream("else\n")])
    ignored.metadata["tags"] = ["nbval-ignore-output"]
    cells.append(ignored)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_sanitizers_are_read_like_nbval():
    pairs = course["read_sanitizers"]()
    assert len(pairs) >= 2
    regex, replace = pairs[0]
    assert regex.sub(replace, "7 ms per epoch") == regex.sub(replace, "10.5 ms per epoch")


def test_check_lists_the_changed_output_only_and_saves_nothing(tiny):
    before = tiny.read_bytes()
    out = io.StringIO()
    status = course["check_outputs"]([str(tiny)], python=sys.executable, out=out)
    report = out.getvalue()
    assert status == 1, report
    assert "tiny.ipynb: 1 cell with changed output" in report, report
    assert "cell 2: print('cost 0.25')" in report
    assert "-cost 0.52" in report and "+cost 0.25" in report, "a short diff: committed, then fresh"
    for unchanged in ("cell 1:", "cell 3:", "cell 4:", "cell 5:"):
        assert unchanged not in report, report
    assert tiny.read_bytes() == before, "--check never writes the notebook"


def test_check_passes_when_nothing_changed(tiny):
    nb = json.loads(tiny.read_text())
    nb["cells"][2]["outputs"][0]["text"] = "cost 0.25\n"
    tiny.write_text(json.dumps(nb))
    out = io.StringIO()
    assert course["check_outputs"]([str(tiny)], python=sys.executable, out=out) == 0, out.getvalue()
    assert "every text output as committed" in out.getvalue()


def test_changed_outputs_compares_cells_without_running():
    old = {"cells": [{"cell_type": "code", "source": "x", "metadata": {}, "outputs": [stream("1\n")]}]}
    new = {"cells": [{"cell_type": "code", "source": "x", "metadata": {}, "outputs": [stream("2\n")]}]}
    changes = course["changed_outputs"](old, new, [])
    assert [c[0] for c in changes] == [0] and "-1" in changes[0][2] and "+2" in changes[0][2]
    assert course["changed_outputs"](old, old, []) == []
    assert "cells" in course["changed_outputs"](old, {"cells": []}, [])[0][2][0]
