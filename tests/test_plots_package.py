"""nnlib.plots is a package grouped by what it draws; notebooks, widgets and scripts call its pictures
as `plots.name(...)`. Every such name must exist on the package, and every picture module must import
what it uses (a name that resolves only in one module breaks the notebook that calls it)."""
import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nnlib import plots  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _names_used():
    sources = [p.read_text() for p in (ROOT / "nnlib").rglob("*.py") if "plots" not in p.parts]
    sources += [p.read_text() for d in ("scripts", "benchmarks", "tools") for p in (ROOT / d).rglob("*.py")]
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        sources += ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
    return sorted({m for s in sources for m in re.findall(r"\bplots\.([A-Za-z_][A-Za-z0-9_]*)", s)})


@pytest.mark.parametrize("name", _names_used())
def test_every_name_the_course_calls_exists(name):
    assert hasattr(plots, name), f"nnlib.plots has no {name!r}: export it from nnlib/plots/__init__.py"


def test_activation_pair_imports_the_core_activations():
    # activation_pair reaches into nnlib.activations (numpy core) from inside nnlib.plots.activations
    fig = plots.activation_pair(np.linspace(-4, 4, 9), ["sigmoid", "tanh", "relu"])
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 3
    plt.close(fig)


def test_per_epoch_styles_give_one_colour_per_network_and_one_line_style_per_set():
    curves = {"net A: test": [0.5, 0.6], "net B: test": [0.4, 0.5],
              "net A: training": [0.6, 0.7], "net B: training": [0.5, 0.6]}
    styles = {"net A: test": (0, 0), "net B: test": (1, 0), "net A: training": (0, 1), "net B: training": (1, 1)}
    fig = plots.per_epoch(curves, styles=styles)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    for label, (c, ls) in styles.items():
        assert matplotlib.colors.same_color(lines[label].get_color(), plots.color(c))
        assert lines[label].get_linestyle() == lines["net A: test" if ls == 0 else "net A: training"].get_linestyle()
    assert lines["net A: test"].get_linestyle() != lines["net A: training"].get_linestyle()
    with pytest.raises(ValueError, match=r"every curve.*missing: \['net B: training'\]"):
        plots.per_epoch(curves, styles={k: v for k, v in styles.items() if k != "net B: training"})
    with pytest.raises(ValueError, match=r"no such curve: \['net C: test'\]"):
        plots.per_epoch(curves, styles={**styles, "net C: test": (2, 0)})  # a typo'd label is not ignored
    default = plots.per_epoch(curves)  # without styles: every line its own colour
    assert len({tuple(matplotlib.colors.to_rgba(line.get_color())) for line in default.axes[0].get_lines()}) == 4
    plt.close("all")
