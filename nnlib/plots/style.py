"""The course's one plot style: palette, line styles, colour maps and rcParams.

One style for the whole course: the Okabe-Ito palette (distinguishable with every common form of
colour blindness), line styles that differ as well as colours, and large type and thick lines that
read from the back of a lecture room. Call `use_style()` once at the top of a notebook.
"""
import matplotlib as mpl

# Okabe & Ito (2008), "Color Universal Design": safe for protanopia, deuteranopia and tritanopia.
COLORS = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
}
CYCLE = [COLORS[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1))]
CMAP_DIGIT = "gray_r"      # ink on paper: 0 is white, 1 is black
CMAP_ACTIVATION = "gray"   # as in the video: a neuron lights up (white) when its activation is 1
CMAP_SEQUENTIAL = "cividis"  # perceptually uniform and colour-blind safe (cost surfaces, heat maps)
CMAP_DIVERGING = "PuOr_r"  # signed quantities (weights, nudges): orange positive, purple negative

STYLE = {
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "legend.fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "image.cmap": CMAP_SEQUENTIAL,
    "legend.frameon": False,
    "figure.autolayout": False,
    "figure.constrained_layout.use": True,
}


def use_style():
    """Apply the course's plot style to every figure drawn from now on."""
    mpl.rcParams.update(STYLE)


def color(i):
    """The i-th colour of the course's palette (cycles)."""
    return CYCLE[i % len(CYCLE)]


def linestyle(i):
    """The i-th line style: pair it with color(i) so lines differ in more than colour."""
    return LINESTYLES[i % len(LINESTYLES)]
