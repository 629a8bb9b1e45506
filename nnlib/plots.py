"""The course's pictures (matplotlib). The core of nnlib never imports this module.

One style for the whole course: the Okabe-Ito palette (distinguishable with every common form of
colour blindness), line styles that differ as well as colours, and large type and thick lines that
read from the back of a lecture room. Call `use_style()` once at the top of a notebook.
"""
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

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


# ---- pictures of the network (notebooks 1, 2, 4) ----
def _square_side(n):
    side = int(round(np.sqrt(n)))
    return side if side * side == n else None


def _diverging_colors():
    """(positive, negative) colours at the two ends of CMAP_DIVERGING: orange up, purple down."""
    cmap = plt.get_cmap(CMAP_DIVERGING)
    return cmap(0.85), cmap(0.15)


def digits(X, labels=None, ncols=8, predictions=None, title=None):
    """A grid of 28x28 digits (rows of X), each titled with its label (and the network's
    prediction when given: a wrong prediction is drawn in vermillion with a dashed frame)."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[None]
    side = _square_side(X.shape[1]) if X.ndim == 2 else None
    if side is None:
        raise ValueError(f"digits() draws square images, one per row of X, like (n, 784); got shape "
                         f"{X.shape}. Pass X[:16], not one image reshaped to 28x28.")
    n = len(X)
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.25 * ncols, 1.45 * nrows + (0.4 if title else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set(visible=True, color="0.8", linewidth=1)
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(X[i].reshape(side, side), cmap=CMAP_DIGIT, vmin=0, vmax=1)
        text, col = "", COLORS["black"]
        if labels is not None:
            text = f"{labels[i]}"
        if predictions is not None:
            text = f"{text} → {predictions[i]}" if text else f"{predictions[i]}"
            if labels is not None and predictions[i] != labels[i]:
                col = COLORS["vermillion"]
                for spine in ax.spines.values():
                    spine.set(visible=True, color=col, linewidth=3, linestyle="--")
        if text:
            ax.set_title(text, color=col, fontsize=15, pad=3)
    if title:
        fig.suptitle(title)
    return fig


def sigmoid_curve(points=None, zlim=8.0):
    """sigma(z) = 1 / (1 + e^-z) from -zlim to zlim, with some z values marked on it."""
    from .activations import ACTIVATIONS
    sigma = ACTIVATIONS["sigmoid"]
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    z = np.linspace(-zlim, zlim, 401)
    ax.plot(z, sigma(z), color=color(0), label=r"$\sigma(z) = 1/(1+e^{-z})$")
    ax.axhline(0.5, color="0.6", lw=1, ls=":")
    if points is not None:
        pz = np.asarray(points, dtype=float)
        ax.plot(pz, sigma(pz), "o", color=COLORS["vermillion"], ms=10, label="some neurons' z", zorder=3)
    ax.set(xlabel=r"weighted sum $z = w\,a + b$", ylabel=r"activation $a = \sigma(z)$",
           ylim=(-0.05, 1.05), title="The sigmoid squashes any z into (0, 1)")
    ax.legend(loc="upper left")
    return fig


def _neuron_columns(ax, columns, cmap, norms, radius_pts=None, links=True):
    """Draw one column of circles per layer; returns the list of PathCollections (one per column).
    columns: 1-D arrays of values; norms: one matplotlib Normalize per column."""
    ax.set_facecolor("#f0f0f0")
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    tallest = max(len(c) for c in columns)
    size = radius_pts or min(320.0, 5200.0 / tallest)
    ys = [np.linspace(0.5 + (len(c) - 1) / 2, 0.5 - (len(c) - 1) / 2, len(c)) if len(c) > 1
          else np.array([0.5]) for c in columns]
    if links:
        from matplotlib.collections import LineCollection
        for i in range(len(columns) - 1):
            segs = [[(i, y0), (i + 1, y1)] for y0 in ys[i] for y1 in ys[i + 1]]
            # thin, light and not antialiased: visible as structure, and keeps the PNG small
            ax.add_collection(LineCollection(segs, colors="0.84", linewidths=0.6, antialiaseds=False,
                                             zorder=1))
    collections = []
    for i, (values, y) in enumerate(zip(columns, ys)):
        collections.append(ax.scatter(np.full(len(values), i), y, c=np.asarray(values, dtype=float),
                                      cmap=cmap, norm=norms[i], s=size, edgecolors="0.15",
                                      linewidths=1.2, zorder=2))
    ax.set_xlim(-0.5, len(columns) - 0.2)
    ax.set_ylim(0.5 - tallest / 2 - 0.3, 0.5 + tallest / 2 + 0.3)
    return collections, ys


def _layer_names(sizes):
    L = len(sizes)
    names = [f"hidden {i + 1}" for i in range(L - 1)] + ["output"]
    return [f"{name}\n{n} neurons" for name, n in zip(names, sizes)]


def network_activations(activations, labels=None, title=None):
    """The forward pass as in the video: the input image, then one column per layer whose neurons
    light up with their activation (black 0, white 1), and the output's labels and values.

    activations: [a0, a1, ..., aL] for ONE example (net.trace(x)[1]); a0 is drawn as an image
    when it is square (784 = 28x28), as a column otherwise. labels: names of the output neurons
    (default 0, 1, 2, ...). The most active output neuron, the prediction, is ringed."""
    acts = [np.asarray(a, dtype=float) for a in activations]
    if len(acts) < 2 or any(a.ndim != 1 for a in acts):
        raise ValueError("network_activations() draws ONE example: pass the list [a0, a1, ..., aL] of "
                         "1-D activation vectors, e.g. net.trace(x)[1] for a single x (not a batch).")
    side = _square_side(acts[0].size)
    layers = acts[1:] if side else acts
    fig = plt.figure(figsize=(11.0, 6.2))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.0, 2.6 if side else 3.0])
    if side:
        ax_in = fig.add_subplot(grid[0])
        ax_in.imshow(acts[0].reshape(side, side), cmap=CMAP_ACTIVATION, vmin=0, vmax=1)
        ax_in.set(xticks=[], yticks=[], title=f"input\n{acts[0].size} pixels")
        ax_in.grid(False)
        ax = fig.add_subplot(grid[1])
    else:
        ax = fig.add_subplot(grid[:])
    norms = [mpl.colors.Normalize(0, 1)] * len(layers)
    cols, ys = _neuron_columns(ax, layers, CMAP_ACTIVATION, norms)
    out = layers[-1]
    labels = list(range(out.size)) if labels is None else list(labels)
    best = int(np.argmax(out))
    x_out = len(layers) - 1
    for j, (y, value) in enumerate(zip(ys[-1], out)):
        strong = j == best
        ax.text(x_out + 0.14, y, f"{labels[j]}", va="center", ha="left", fontsize=16,
                fontweight="bold" if strong else "normal")
        ax.text(x_out + 0.32, y, f"{value:.2f}", va="center", ha="left", fontsize=12,
                color=COLORS["vermillion"] if strong else "0.25")
    ax.scatter([x_out], [ys[-1][best]], s=cols[-1].get_sizes()[0] * 2.1, facecolors="none",
               edgecolors=COLORS["vermillion"], linewidths=3, zorder=3)
    ax.set_xticks(range(len(layers)), _layer_names([a.size for a in layers]))
    ax.tick_params(axis="x", length=0)
    ax.set_xlim(-0.5, len(layers) - 0.35)
    fig.colorbar(cols[0], ax=ax, shrink=0.6, label="activation", pad=0.01)
    fig.suptitle(title or f"Forward pass: the most active output neuron says {labels[best]}")
    return fig


def output_vs_target(a, y, labels=None, title=None):
    """The network's output a next to the desired output y, one pair of bars per output neuron."""
    a, y = np.asarray(a, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if a.shape != y.shape:
        raise ValueError(f"output a has {a.size} values but target y has {y.size}: give one desired "
                         "value per output neuron (np.eye(10)[label] for a digit label).")
    labels = list(range(a.size)) if labels is None else list(labels)
    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    x = np.arange(a.size)
    ax.bar(x - 0.2, a, width=0.4, color=color(0), label=r"actual output $a^{(L)}$")
    ax.bar(x + 0.2, y, width=0.4, color=color(1), hatch="//", edgecolor=COLORS["black"], linewidth=0.8,
           label=r"desired output $y$")
    ax.hlines(y, x + 0.01, x + 0.39, colors=COLORS["black"], linewidth=2.5)  # desired 0s stay visible
    ax.set_xticks(x, labels)
    ax.set(xlabel="output neuron (digit)", ylabel="activation", ylim=(0, 1.12),
           title=title or "What the network says vs what we want")
    ax.legend(loc="upper right", ncols=2)
    return fig


def cost_vs_activation(a, costs, slopes=None, title=None):
    """Cost functions of ONE output neuron against its activation a, for target y = 1 and y = 0.

    costs: {name: {1: values, 0: values}} (arrays like a); slopes (optional, same layout): drawn
    in a second row, e.g. |dC/dz|, the size of the push gradient descent gives the neuron."""
    a = np.asarray(a, dtype=float)
    rows = 2 if slopes else 1
    fig, axes = plt.subplots(rows, 2, figsize=(11.0, 4.0 * rows), sharex=True, squeeze=False)
    for c, target in enumerate((1, 0)):
        for i, (name, curves) in enumerate(costs.items()):
            axes[0, c].plot(a, curves[target], color=color(i), ls=linestyle(i), label=name)
            if slopes:
                axes[1, c].plot(a, slopes[name][target], color=color(i), ls=linestyle(i), label=name)
        axes[0, c].set(title=f"target y = {target}", ylabel="cost" if c == 0 else None)
        axes[0, c].axvline(target, color="0.5", lw=1, ls=":")
        axes[-1, c].set(xlabel="output activation $a$")
        if slopes:
            axes[1, c].set(ylabel=r"push $|\partial C / \partial z|$" if c == 0 else None)
            axes[1, c].axvline(target, color="0.5", lw=1, ls=":")
    axes[0, 0].legend(loc="upper center")
    if title:
        fig.suptitle(title)
    return fig


def output_nudges(a, y, nudges, labels=None, title=None):
    """Bars of the current output activations, the desired values as black ticks, and an arrow
    per neuron showing its desired nudge (orange up, purple down), as in the video."""
    a, y, d = (np.asarray(v, dtype=float).ravel() for v in (a, y, nudges))
    if not (a.shape == y.shape == d.shape):
        raise ValueError(f"a, y and nudges need one value per output neuron; got {a.size}, {y.size}, {d.size}.")
    labels = list(range(a.size)) if labels is None else list(labels)
    up, down = _diverging_colors()
    fig, ax = plt.subplots(figsize=(9.5, 4.6))
    x = np.arange(a.size)
    ax.bar(x, a, width=0.6, color="0.75", edgecolor="0.3", label=r"activation $a_j$")
    ax.hlines(y, x - 0.38, x + 0.38, colors=COLORS["black"], linewidth=3, label=r"desired $y_j$")
    for j in range(a.size):
        if abs(d[j]) >= 0.03:  # smaller arrows would be all head
            ax.annotate("", xy=(x[j], a[j] + d[j]), xytext=(x[j], a[j]),
                        arrowprops=dict(arrowstyle="-|>,head_width=0.5,head_length=0.8",
                                        color=up if d[j] > 0 else down, lw=4, shrinkA=0, shrinkB=0))
        ax.text(x[j], 1.12, _signed(d[j]), ha="center", fontsize=12, color=up if d[j] > 0 else down)
    ax.plot([], [], color=up, lw=4, label="nudge up")
    ax.plot([], [], color=down, lw=4, label="nudge down")
    ax.set_xticks(x, labels)
    ax.set(xlabel="output neuron (digit)", ylabel="activation", ylim=(-0.02, 1.2), yticks=[0, 0.5, 1],
           title=title or "Desired nudges: toward the target, in proportion to the gap")
    fig.legend(loc="outside lower center", ncols=4, fontsize=12)
    return fig


def _signed(v):
    """+0.85 / -0.75 / 0.00 (never -0.00)."""
    return "0.00" if abs(v) < 0.005 else f"{v:+.2f}"


def network_nudges(image, nudges, labels=None, title=None):
    """The desired nudges of every layer's activations for one example, drawn on the network
    (CMAP_DIVERGING: orange = wants to go up, purple = down). Hidden wishes are much smaller
    than the output's, so each column has its own colour scale, symmetric about 0, and its
    largest wish is printed under it.

    image: the input (784 pixels) or None; nudges: [wishes for a1, ..., wishes for aL]."""
    cols_in = [np.asarray(v, dtype=float).ravel() for v in nudges]
    fig = plt.figure(figsize=(11.0, 6.2))
    side = _square_side(np.size(image)) if image is not None else None
    grid = fig.add_gridspec(1, 2, width_ratios=[1.0, 2.6]) if side else None
    if side:
        ax_in = fig.add_subplot(grid[0])
        ax_in.imshow(np.asarray(image, dtype=float).reshape(side, side), cmap=CMAP_ACTIVATION, vmin=0, vmax=1)
        ax_in.set(xticks=[], yticks=[], title="input\n(fixed: we cannot\nchange the data)")
        ax_in.grid(False)
        ax = fig.add_subplot(grid[1])
    else:
        ax = fig.add_subplot(111)
    scales = [float(np.max(np.abs(v))) or 1.0 for v in cols_in]
    norms = [mpl.colors.Normalize(-s, s) for s in scales]
    cols, ys = _neuron_columns(ax, cols_in, CMAP_DIVERGING, norms)
    out = cols_in[-1]
    labels = list(range(out.size)) if labels is None else list(labels)
    x_out = len(cols_in) - 1
    up, down = _diverging_colors()
    for j, (yy, value) in enumerate(zip(ys[-1], out)):
        ax.text(x_out + 0.14, yy, f"{labels[j]}", va="center", ha="left", fontsize=16)
        ax.text(x_out + 0.32, yy, _signed(value), va="center", ha="left", fontsize=12,
                color=up if value > 0 else down)
    names = _layer_names([v.size for v in cols_in])
    ax.set_xticks(range(len(cols_in)), [f"{n}\nlargest {s:.2g}" for n, s in zip(names, scales)])
    ax.tick_params(axis="x", length=0)
    ax.set_xlim(-0.5, len(cols_in) - 0.3)
    bar = fig.colorbar(mpl.cm.ScalarMappable(mpl.colors.Normalize(-1, 1), CMAP_DIVERGING), ax=ax,
                       shrink=0.6, pad=0.01, ticks=[-1, 0, 1])
    bar.ax.set_yticklabels(["down", "0", "up"])
    bar.set_label("desired nudge (each column's own scale)")
    fig.suptitle(title or "Desired nudges, passed backwards from the output")
    return fig


def wishes_matrix(per_neuron, labels=None, title=None, ylabel="wish of output neuron $j$",
                  xlabel="neuron $k$ of the previous layer", sum_label="sum",
                  colorbar_label="desired nudge of $a_k$"):
    """What each neuron j of a layer wants of each neuron k of the layer before (rows j, columns k),
    and below it their sum: the previous layer's desired nudges. One symmetric diverging scale.
    (Any matrix whose rows add up to something meaningful works: e.g. each example's wishes / n,
    whose sum is the average; set the labels to say so.)"""
    m = np.asarray(per_neuron, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"per_neuron must be a matrix (neurons of this layer x neurons of the previous "
                         f"one), like Wishes.per_neuron[-1]; got shape {m.shape}.")
    total = m.sum(axis=0)
    labels = list(range(m.shape[0])) if labels is None else list(labels)
    fig, (ax, ax_sum) = plt.subplots(2, 1, figsize=(10.0, 6.4), height_ratios=[m.shape[0], 1.6],
                                     sharex=True)
    s = float(max(np.abs(m).max(), np.abs(total).max())) or 1.0
    norm = mpl.colors.Normalize(-s, s)
    im = ax.imshow(m, cmap=CMAP_DIVERGING, norm=norm, aspect="auto")
    ax_sum.imshow(total[None], cmap=CMAP_DIVERGING, norm=norm, aspect="auto")
    for axis in (ax, ax_sum):
        axis.grid(False)
    ax.set_yticks(range(m.shape[0]), labels)
    ax.set(ylabel=ylabel, title=title or "Every output neuron's wish for each neuron of the layer before")
    ax_sum.set_yticks([0], [sum_label])
    ax_sum.set_xticks(range(m.shape[1]))
    ax_sum.set(xlabel=xlabel)
    fig.colorbar(im, ax=[ax, ax_sum], shrink=0.8, pad=0.01, label=colorbar_label)
    return fig


def agreement(x, y, xlabel, ylabel, title=None):
    """A scatter of two computations of the same numbers, with the diagonal y = x: points on it agree."""
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"agreement() compares equal-length arrays; got {x.size} and {y.size} numbers.")
    fig, ax = plt.subplots(figsize=(5.8, 5.4))
    lo, hi = float(min(x.min(), y.min())), float(max(x.max(), y.max()))
    pad = 0.05 * (hi - lo or 1.0)
    ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.5", ls="--", lw=1.5, label="y = x", zorder=1)
    ax.scatter(x, y, s=18, color=color(0), alpha=0.6, label=f"{x.size:,} numbers", zorder=2)
    ax.set(xlabel=xlabel, ylabel=ylabel, xlim=(lo - pad, hi + pad), ylim=(lo - pad, hi + pad),
           title=title or "Two computations, one answer")
    ax.set_aspect("equal")
    ax.legend(loc="upper left")
    return fig


# ---- descent pictures (notebooks 3, 6) ----
def cost_contours(ax, W1, W2, C, levels=14, minimum=None, labels=("$w_1$", "$w_2$")):
    """Draw a 2-D cost surface on `ax` as filled contours (CMAP_SEQUENTIAL, dark = low cost), with
    thin contour lines and the minimum as a star. Levels are spaced geometrically above the lowest
    value, so the valley floor gets as many lines as the steep walls."""
    C = np.asarray(C, dtype=float)
    lo, hi = float(C.min()), float(C.max())
    steps = np.geomspace(1e-3, 1.0, levels) * (hi - lo)
    bounds = np.concatenate([[lo], lo + steps])
    ax.contourf(W1, W2, C, levels=bounds, cmap=CMAP_SEQUENTIAL, extend="max")
    ax.contour(W1, W2, C, levels=bounds[1:], colors="white", linewidths=0.6, alpha=0.5)
    if minimum is not None:
        ax.plot(*minimum, marker="*", ms=16, color=COLORS["yellow"], mec="black", mew=1.2,
                ls="none", zorder=5, label="minimum")
    ax.set(xlabel=labels[0], ylabel=labels[1], xlim=(W1.min(), W1.max()), ylim=(W2.min(), W2.max()))
    ax.grid(False)
    return ax


def path_style(i=0):
    """How descent paths look: vermillion (then other colours) with white-edged markers, so they
    stand out on the dark-to-yellow cost colours."""
    c = [COLORS["vermillion"], "white", COLORS["sky"], COLORS["orange"]][i % 4]
    return dict(color=c, ls=linestyle(i), lw=2.0, marker="o", ms=4, mec="black", mew=0.6)


def descent_paths(surface, panels, title=None):
    """One small picture per learning rate: the cost surface with the path gradient descent took.

    surface: (W1, W2, C, minimum); panels: list of (points (k, 2) already clipped to the picture,
    panel title). Returns the figure."""
    W1, W2, C, minimum = surface
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 3.6), sharey=True)
    for i, (ax, (points, label)) in enumerate(zip(np.atleast_1d(axes), panels)):
        cost_contours(ax, W1, W2, C, minimum=minimum)
        if len(points):
            ax.plot(points[:, 0], points[:, 1], **path_style(0))
            ax.plot(*points[0], marker="s", ms=9, color="white", mec="black", ls="none", zorder=6)
        ax.set_title(label, fontsize=12)
        if i:
            ax.set_ylabel("")
    if title:
        fig.suptitle(title)
    return fig


def curve_descent(w, C, paths, labels, minima=None, title=None, ylabel="cost $C(w)$", legend_loc="lower center"):
    """A 1-D cost curve (w, C) with gradient-descent paths drawn on it: each path is (k,) values
    of w, drawn as dots on the curve (the start as a square, the end as a large dot)."""
    fig, ax = plt.subplots(figsize=(8.0, 4.2))
    ax.plot(w, C, color="0.35", lw=2.0, label=None)
    f = lambda v: np.interp(v, w, C)
    for i, (p, label) in enumerate(zip(paths, labels)):
        p = np.asarray(p, dtype=float)
        ax.plot(p, f(p), color=color(i), ls=linestyle(i), lw=1.5, marker="o", ms=4, label=label)
        ax.plot(p[0], f(p[0]), marker="s", ms=9, color=color(i), mec="black", ls="none")
        ax.plot(p[-1], f(p[-1]), marker="o", ms=12, color=color(i), mec="black", ls="none")
    if minima is not None:
        for m in minima:
            ax.axvline(m, color="0.6", lw=1, ls=":")
    ax.set(xlabel="weight $w$", ylabel=ylabel, xlim=(w.min(), w.max()))
    ax.legend(loc=legend_loc, ncols=2, fontsize=11)
    if title:
        ax.set_title(title)
    return fig


def gradient_ranking(names, values, layer_names, layer_sizes, top=None, title=None):
    """Which weights matter most: a bar chart of the largest |dC/dw| (names, values), and beside
    it the size of the gradient per layer (layer_sizes, e.g. the root-mean-square per layer)."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.4), width_ratios=[2.2, 1])
    values = np.asarray(values, dtype=float)
    y = np.arange(len(values))[::-1]
    ax.barh(y, np.abs(values), color=[color(0) if v > 0 else color(1) for v in values],
            hatch=None, edgecolor="black", linewidth=0.5)
    for yi, v in zip(y, values):
        ax.text(abs(v), yi, " +" if v > 0 else " −", va="center", fontsize=11)
    ax.set_yticks(y, names, fontsize=10)
    ax.set(xlabel=r"$|\partial C / \partial w|$", title=title or "The weights that matter most")
    ax.grid(axis="y", visible=False)
    ax2.bar(np.arange(len(layer_sizes)), layer_sizes, color=[color(i) for i in range(len(layer_sizes))],
            edgecolor="black", linewidth=0.5)
    ax2.set_xticks(np.arange(len(layer_sizes)), layer_names)
    ax2.set(ylabel=r"rms $\partial C / \partial w$", title="per layer")
    return fig


def gradient_image(grad_row, title=None):
    """dC/dw for the 784 weights into one neuron, as a 28 x 28 picture (orange: the cost rises
    if the weight grows, so the step lowers it; purple: the opposite)."""
    g = np.asarray(grad_row, dtype=float).reshape(28, 28)
    s = float(np.abs(g).max()) or 1.0
    fig, ax = plt.subplots(figsize=(4.4, 4.0))
    im = ax.imshow(g, cmap=CMAP_DIVERGING, vmin=-s, vmax=s)
    ax.set_xticks([]), ax.set_yticks([])
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.85, label=r"$\partial C / \partial w$")
    ax.set_title(title or "dC/dw into one hidden neuron")
    return fig


def batch_size_paths(surface, paths, labels, title=None):
    """Mini-batch paths on a 2-D cost surface (left) and the full cost against epochs (right).
    surface: (W1, W2, C, minimum, axis labels); paths: nnlib.landscapes.Path objects."""
    W1, W2, C, minimum, axis_labels = surface
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.4), width_ratios=[1.1, 1])
    cost_contours(ax, W1, W2, C, minimum=minimum, labels=axis_labels)
    for i, (p, label) in enumerate(zip(paths, labels)):
        st = path_style(i)
        if len(p.points) > 60:
            st.update(marker=None, lw=1.2 if i == 0 else 2.0)
        ax.plot(p.points[:, 0], p.points[:, 1], label=label, **st)
        ax2.plot(p.epochs, p.costs, color=color(i), ls=linestyle(i), lw=2.0 if len(p.costs) < 100 else 1.4,
                 marker="o" if len(p.costs) < 30 else None, label=label)
    ax.plot(*paths[0].points[0], marker="s", ms=9, color="white", mec="black", ls="none", zorder=6)
    ax.legend(loc="lower right", fontsize=10, framealpha=0.85, frameon=True)
    ax2.set(xlabel="epochs (passes over the data)", ylabel="cost on all the data", yscale="log")
    ax2.legend(fontsize=11)
    if title:
        fig.suptitle(title)
    return fig


def batch_size_tradeoff(batch_sizes, seconds, costs, accuracies=None, title=None):
    """Time per epoch (left) and the cost reached after the same number of epochs (right) for
    each batch size: the efficiency/accuracy trade-off, measured."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.0))
    m = np.asarray(batch_sizes)
    ax.plot(m, seconds, color=color(0), marker="o", ls=linestyle(0))
    ax.set(xscale="log", yscale="log", xlabel="batch size $m$", ylabel="seconds per epoch",
           title="time per epoch")
    plain = mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax2.plot(m, costs, color=color(1), marker="s", ls=linestyle(1), label="cost")
    ax2.set(xscale="log", xlabel="batch size $m$", ylabel="cost after training", title="cost reached")
    if accuracies is not None:
        ax3 = ax2.twinx()
        ax3.plot(m, np.asarray(accuracies) * 100, color=color(2), marker="^", ls=linestyle(2), label="accuracy")
        ax3.set_ylabel("test accuracy (%)")
        ax3.spines["right"].set_visible(True)
        ax3.grid(False)
        lines = ax2.get_lines() + ax3.get_lines()
        ax2.legend(lines, [l.get_label() for l in lines], loc="center left")
    if title:
        fig.suptitle(title)
    return fig


def downhill_arrows(surface, points, directions, path=None, title=None):
    """The cost surface with the direction -grad C drawn at some points (arrows of equal length:
    only the direction matters here), each crossing the contour lines at a right angle, and
    optionally a descent path. surface: (W1, W2, C, minimum)."""
    W1, W2, C, minimum = surface
    fig, ax = plt.subplots(figsize=(6.6, 5.0))
    cost_contours(ax, W1, W2, C, minimum=minimum)
    P, D = np.asarray(points, dtype=float), np.asarray(directions, dtype=float)
    D = D / np.linalg.norm(D, axis=1, keepdims=True)
    ax.quiver(P[:, 0], P[:, 1], D[:, 0], D[:, 1], color="white", edgecolor="black", linewidth=0.6,
              angles="xy", scale_units="xy", scale=1.5, width=0.011, zorder=4,
              label=r"$-\nabla C$ (downhill)")
    if path is not None:
        ax.plot(path[:, 0], path[:, 1], label="gradient descent", **path_style(0))
        ax.plot(*path[0], marker="s", ms=9, color="white", mec="black", ls="none", zorder=6)
    ax.legend(loc="upper left", fontsize=11, frameon=True, framealpha=0.85)
    ax.set_title(title or "Downhill is across the contour lines")
    return fig


# ---- chain rule and activation pictures (notebooks 5, 8) ----
def chain_diagram(highlight="w", title=None):
    """The one-neuron-per-layer chain as a tree: what each quantity is computed from.

    Computation flows left to right (w, a, b -> z -> a -> C_0); the chain rule walks back from
    C_0. highlight: "w", "b" or "a" picks the path from w^(L), b^(L) or a^(L-1) to C_0 that is
    drawn in colour, with the partial derivative on each link."""
    if highlight not in ("w", "b", "a", None):
        raise ValueError(f"highlight must be 'w', 'b', 'a' or None; got {highlight!r}.")
    nodes = {"w1": (0, 1, "$w^{(L-1)}$"), "a0": (0, 0, "$a^{(L-2)}$"), "b1": (0, -1, "$b^{(L-1)}$"),
             "z1": (1.2, 0, "$z^{(L-1)}$"), "a1": (2.4, 0, "$a^{(L-1)}$"),
             "w2": (2.4, 1, "$w^{(L)}$"), "b2": (2.4, -1, "$b^{(L)}$"),
             "z2": (3.6, 0, "$z^{(L)}$"), "a2": (4.8, 0, "$a^{(L)}$"), "y": (4.8, -1, "$y$"),
             "C": (6.0, 0, "$C_0$")}
    edges = [("w1", "z1"), ("a0", "z1"), ("b1", "z1"), ("z1", "a1"), ("a1", "z2"), ("w2", "z2"),
             ("b2", "z2"), ("z2", "a2"), ("a2", "C"), ("y", "C")]
    start = {"w": "w2", "b": "b2", "a": "a1", None: None}[highlight]
    first = {"w2": r"$\partial z^{(L)} / \partial w^{(L)}$", "b2": r"$\partial z^{(L)} / \partial b^{(L)}$",
             "a1": r"$\partial z^{(L)} / \partial a^{(L-1)}$"}
    path = {(start, "z2"): first.get(start), ("z2", "a2"): r"$\partial a^{(L)} / \partial z^{(L)}$",
            ("a2", "C"): r"$\partial C_0 / \partial a^{(L)}$"} if start else {}
    fig, ax = plt.subplots(figsize=(10, 3.6))
    for u, v in edges:
        (x0, y0, _), (x1, y1, _) = nodes[u], nodes[v]
        on = (u, v) in path
        ax.annotate("", xy=(x1 - 0.32, y1 + (y0 - y1) * 0.0), xytext=(x0 + 0.32, y0),
                    arrowprops=dict(arrowstyle="-|>", lw=3 if on else 1.5, shrinkA=0, shrinkB=0,
                                    color=COLORS["vermillion"] if on else "0.45",
                                    linestyle="-" if on else (0, (4, 2))))
        if on:
            diagonal = y0 != y1
            ax.text((x0 + x1) / 2 + (0.12 if diagonal else 0), (y0 + y1) / 2 + (0 if diagonal else 0.22),
                    path[(u, v)], ha="left" if diagonal else "center", va="center" if diagonal else "bottom",
                    fontsize=14, color=COLORS["vermillion"])
    for key, (x, y, label) in nodes.items():
        on = key == start or any(key in e for e in path)
        ax.text(x, y, label, ha="center", va="center", fontsize=16,
                bbox=dict(boxstyle="round,pad=0.35", lw=2.5 if on else 1.2,
                          fc="#fbe3cc" if on else "white", ec=COLORS["vermillion"] if on else "0.3"))
    ax.set(xlim=(-0.5, 6.5), ylim=(-1.5, 1.9))
    ax.axis("off")
    ax.set_title(title or "What the cost depends on (one neuron per layer)")
    return fig


def activation_pair(z, names, title=None):
    """Activation functions (left) and their derivatives (right), one line style each."""
    from .activations import get  # numpy-only core
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, name in enumerate(names):
        f = get(name)
        a = f(z)
        ax.plot(z, a, color=color(i), linestyle=linestyle(i), label=name)
        bx.plot(z, f.prime(z, a), color=color(i), linestyle=linestyle(i), label=f"{name}'")
    ax.set(xlabel="$z$", ylabel=r"$\sigma(z)$", title="Activation")
    bx.set(xlabel="$z$", ylabel=r"$\sigma'(z)$", title="Its derivative (slope)")
    if "sigmoid" in names:
        bx.axhline(0.25, color="black", linewidth=1, linestyle=":")
        bx.text(z[-1], 0.235, "1/4: the sigmoid's\nlargest slope", fontsize=11, va="top", ha="right")
    ax.legend(loc="upper left")
    bx.legend(loc="center left")
    if title:
        fig.suptitle(title)
    return fig


def products_through_layers(layers, series, ylabel="size of the product", title=None):
    """Products of per-layer factors against the number of layers (log scale).
    series: dict label -> values, one per entry of `layers`."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, (label, values) in enumerate(series.items()):
        ax.plot(layers, values, marker="os^D"[i % 4], color=color(i), linestyle=linestyle(i), label=label)
    ax.set(yscale="log", xlabel="number of layers the gradient passes through", ylabel=ylabel,
           title=title or "Factors below 1 multiply to almost nothing")
    ax.set_xticks(list(layers))
    ax.legend()
    return fig


def grad_rms_grid(runs, activations, inits, title=None):
    """Gradient size per layer as training goes: a grid of panels, one per (activation, init).

    runs[(activation, init)] is History.grad_rms as an array (one row per step, one column per
    layer), or a string (why there is nothing to plot, e.g. the TrainingDiverged message)."""
    fig, axes = plt.subplots(len(activations), len(inits), figsize=(11, 2.7 * len(activations) + 0.6),
                             sharex=True, sharey=True, squeeze=False)
    for r, act in enumerate(activations):
        for c, init in enumerate(inits):
            ax, g = axes[r][c], runs[(act, init)]
            if isinstance(g, str):
                ax.text(0.5, 0.5, "training diverged\n(cost became NaN)", transform=ax.transAxes,
                        ha="center", va="center", color=COLORS["vermillion"], fontsize=12)
            else:
                g = np.asarray(g)
                n = g.shape[1]
                for l in range(n):
                    name = f"layer {l + 1}" + (" (input side)" if l == 0 else " (output)" if l == n - 1 else "")
                    ax.plot(np.arange(1, len(g) + 1), g[:, l], color=color(l), linestyle=linestyle(l),
                            linewidth=1.8, label=name)
            ax.set_yscale("log")
            if r == 0:
                ax.set_title(f"init: {init}")
            if c == 0:
                ax.set_ylabel(f"{act}\n∂C/∂w (rms)")
            if r == len(activations) - 1:
                ax.set_xlabel("step")
    handles, labels = next(((a.get_legend_handles_labels()) for a in axes.flat if a.get_lines()), ([], []))
    if handles:
        fig.legend(handles, labels, loc="outside right center", fontsize=11)
    if title:
        fig.suptitle(title)
    return fig


def saturation_bars(fractions, ylabel="fraction of neurons", title=None):
    """Grouped bars, one group per hidden layer. fractions: dict label -> one value per layer."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    k = len(fractions)
    width = 0.8 / max(k, 1)
    hatches = ["", "//", "..", "xx", "\\\\", "oo"]
    for i, (label, values) in enumerate(fractions.items()):
        x = np.arange(1, len(values) + 1) + (i - (k - 1) / 2) * width
        ax.bar(x, values, width, color=color(i), hatch=hatches[i % len(hatches)], edgecolor="black",
               linewidth=0.8, label=label)
    ax.set(ylim=(0, 1.05), xlabel="hidden layer", ylabel=ylabel, title=title or "Neurons on a flat stretch")
    ax.set_xticks(range(1, max(len(v) for v in fractions.values()) + 1))
    ax.legend(fontsize=10, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


# ---- regularisation and data pictures (notebooks 10, 11) ----
def train_validation_curves(history, best_epoch=None, stopped_epoch=None, title=None):
    """Accuracy (left) and cost (right) per epoch on the training and the validation set, from a
    History made with fit(..., validation=...). best_epoch: mark it (a dot and a dotted line);
    stopped_epoch: where early stopping ended training (shaded from best_epoch to it)."""
    if not history.val_accuracy:
        raise ValueError("this History has no validation curve: train with fit(..., validation=(X_val, y_val)).")
    e = np.arange(1, len(history.val_accuracy) + 1)
    fig, (ax_a, ax_c) = plt.subplots(1, 2, figsize=(11, 4))
    for ax, train, val, name in ((ax_a, history.train_accuracy, history.val_accuracy, "accuracy"),
                                 (ax_c, history.train_cost, history.val_cost, "cost")):
        ax.plot(e[:len(train)], train, color=color(0), ls=linestyle(0), label="training set")
        ax.plot(e, val, color=color(1), ls=linestyle(1), label="validation set")
        if best_epoch is not None:
            ax.axvline(best_epoch, color=COLORS["black"], ls=":", lw=1.5)
            ax.plot([best_epoch], [val[best_epoch - 1]], "o", color=color(1), mec="black", ms=10,
                    label=f"best validation cost (epoch {best_epoch})", zorder=5)
        if stopped_epoch is not None and best_epoch is not None:
            ax.axvspan(best_epoch, stopped_epoch, color="0.8", alpha=0.5, lw=0,
                       label="waited for an improvement (patience), then thrown away")
        ax.set(xlabel="epoch", ylabel=name, xlim=(0.5, e[-1] + 0.5))
    ax_a.legend(loc="lower right", fontsize=10)
    if title:
        fig.suptitle(title)
    return fig


def weight_magnitudes(runs, near_zero=1e-3, floor=1e-8, title=None):
    """Side-by-side histograms of |w| on a log axis, one panel per run; runs: dict label -> weights.
    The green band is |w| < near_zero; each panel's title counts the weights in it."""
    edges = np.logspace(np.log10(floor), 1, 46)
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 3.8), sharey=True, squeeze=False)
    for i, (ax, (label, w)) in enumerate(zip(axes[0], runs.items())):
        a = np.abs(np.ravel(w))
        counts = np.histogram(np.clip(a, floor, edges[-1] * 0.999), bins=edges)[0]
        ax.stairs(counts, edges, fill=True, color=color(i), alpha=0.6)
        ax.stairs(counts, edges, color=color(i), lw=1.5, ls=linestyle(i))
        ax.axvspan(floor * 0.5, near_zero, color=COLORS["green"], alpha=0.12, lw=0)
        ax.axvline(near_zero, color=COLORS["green"], ls=":", lw=1.5)
        small = int(np.sum(a < near_zero))
        ax.set_title(f"{label}\n{small:,} of {a.size:,} below {near_zero:g}", fontsize=13)
        ax.set(xscale="log", xlim=(floor * 0.5, edges[-1]), xlabel="|w| (log scale)")
    axes[0, 0].set_ylabel("number of weights")
    if title:
        fig.suptitle(title)
    return fig


def regularisation_sweep(lambdas, curves, baseline=None, ylabel="validation accuracy", title=None):
    """A measure (e.g. the final validation accuracy) against the strength lambda, log x-axis.
    curves: dict label -> one value per lambda; baseline: the value without regularisation."""
    fig, ax = plt.subplots(figsize=(7, 4))
    markers = ["o", "s", "^", "D"]
    for i, (label, values) in enumerate(curves.items()):
        ax.plot(lambdas, values, color=color(i), ls=linestyle(i), marker=markers[i % 4], label=label)
    if baseline is not None:
        ax.axhline(baseline, color=COLORS["black"], ls=":", lw=1.5, label="no regularisation")
    ax.set(xscale="log", xlabel="λ (log scale)", ylabel=ylabel, title=title)
    ax.legend(fontsize=11)
    return fig


def learning_curve(sizes, accuracy, spread=None, extra=None, fit=None, title=None):
    """Test accuracy against the number of training examples (left, log x-axis) and the error
    rate on a log-log scale (right), where a power law err = c * n^-k is a straight line.
    accuracy: dict label -> one value per size (e.g. "precomputed", "live"); spread: dict label ->
    (low, high) per size, drawn as a band; extra: dict label -> (n, accuracy) single points (full
    MNIST); fit: (c, k) of a power law to draw on the right."""
    fig, (ax_a, ax_e) = plt.subplots(1, 2, figsize=(11, 4.2))
    markers = ["o", "s", "^", "D"]
    for i, (label, acc) in enumerate(accuracy.items()):
        n = np.asarray(sizes[label] if isinstance(sizes, dict) else sizes, dtype=float)
        acc = np.asarray(acc, dtype=float)
        style = dict(color=color(i), ls=linestyle(i), marker=markers[i % 4], label=label)
        ax_a.plot(n, acc, **style)
        ax_e.plot(n, 1 - acc, **style)
        if spread and label in spread:
            lo, hi = (np.asarray(v, dtype=float) for v in spread[label])
            ax_a.fill_between(n, lo, hi, color=color(i), alpha=0.2, lw=0)
            ax_e.fill_between(n, 1 - hi, 1 - lo, color=color(i), alpha=0.2, lw=0)
    for j, (label, (n, acc)) in enumerate((extra or {}).items()):
        style = dict(color=COLORS["vermillion"], marker="*", ms=16, ls="none", mec="black", label=label)
        ax_a.plot([n], [acc], **style)
        ax_e.plot([n], [1 - acc], **style)
    if fit is not None:
        c, k = fit
        all_n = [x for line in ax_e.get_lines() for x in line.get_xdata()]
        n = np.logspace(np.log10(min(all_n) / 1.3), np.log10(max(all_n) * 1.3), 50)
        ax_e.plot(n, c * n ** -k, color=COLORS["black"], ls=":", lw=1.5,
                  label=f"error ≈ {c:.2g} · n^(−{k:.2f})")
    ax_a.set(xscale="log", xlabel="training examples n (log scale)", ylabel="test accuracy")
    ax_e.set(xscale="log", yscale="log", xlabel="training examples n (log scale)",
             ylabel="test error (log scale)")
    ax_a.legend(loc="lower right", fontsize=10)
    ax_e.legend(loc="upper right", fontsize=10)
    if title:
        fig.suptitle(title)
    return fig


def accuracy_curves(histories, title=None):
    """One panel per History (dict label -> History made with validation=...), side by side with
    the same axes: training accuracy (solid) and validation accuracy (dashed) per epoch."""
    k = len(histories)
    fig, axes = plt.subplots(1, k, figsize=(3.8 * k, 3.6), sharey=True, squeeze=False)
    for ax, (label, h) in zip(axes[0], histories.items()):
        e = np.arange(1, len(h.val_accuracy) + 1)
        ax.plot(e[:len(h.train_accuracy)], h.train_accuracy, color=color(0), ls=linestyle(0), label="training")
        ax.plot(e, h.val_accuracy, color=color(1), ls=linestyle(1), label="validation")
        ax.set(title=label, xlabel="epoch", ylim=(0, 1.02))
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    axes[0, 0].set_ylabel("accuracy")
    axes[0, 0].legend(loc="lower right", fontsize=11)
    if title:
        fig.suptitle(title)
    return fig


# ---- training pictures (notebooks 7, 9) ----
def per_epoch(curves, ylabel="accuracy", title=None, xlabel="epoch", percent=False, ax=None):
    """One line per run: curves is a dict label -> values per epoch (epoch 1, 2, ...). A run that
    diverged can end early: its line stops where it stopped and its label says so."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
    else:
        fig = ax.figure
    scale = 100.0 if percent else 1.0
    for i, (label, values) in enumerate(curves.items()):
        v = np.asarray(values, dtype=float) * scale
        ax.plot(np.arange(1, len(v) + 1), v, color=color(i), ls=linestyle(i), label=label,
                marker="o" if len(v) <= 12 else None, markersize=5)
    ax.set(xlabel=xlabel, ylabel=ylabel + (" (%)" if percent else ""), title=title)
    if len(curves) > 1:
        ax.legend(fontsize=11)
    return fig


def confusion_counts(y_true, y_pred, n_classes=10):
    """counts[i, j] = how many examples of true class i were predicted as class j."""
    y_true, y_pred = np.asarray(y_true).astype(np.int64), np.asarray(y_pred).astype(np.int64)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D arrays of labels of the same length; got "
                         f"shapes {y_true.shape} and {y_pred.shape}. Pass labels, e.g. net.predict(X).")
    if len(y_true) and (min(y_true.min(), y_pred.min()) < 0 or max(y_true.max(), y_pred.max()) >= n_classes):
        raise ValueError(f"labels must be 0 to {n_classes - 1}: pass n_classes= the number of classes.")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def confusion_matrix(y_true, y_pred, n_classes=10, title=None):
    """The confusion matrix as a picture: row = true digit, column = the network's answer, every
    cell annotated with its count. The colour shows the mistakes only (the off-diagonal cells):
    the diagonal, the correct answers, would otherwise drown them; it is drawn in white."""
    counts = confusion_counts(y_true, y_pred, n_classes)
    off = counts.astype(float)
    np.fill_diagonal(off, np.nan)
    off[off == 0] = np.nan  # no mistakes there: white, like the diagonal
    fig, ax = plt.subplots(figsize=(7.2, 6.2))
    top = max(np.nanmax(off) if np.isfinite(off).any() else 1.0, 1.0)
    cmap = plt.get_cmap(CMAP_SEQUENTIAL + "_r").copy()
    cmap.set_bad("white")
    im = ax.imshow(off, cmap=cmap, vmin=0, vmax=top)
    im.counts = counts  # the full matrix, diagonal included (for tests and readers)
    for i in range(n_classes):
        for j in range(n_classes):
            c = counts[i, j]
            if c == 0:
                continue
            dark = i != j and c > 0.55 * top
            ax.text(j, i, str(c), ha="center", va="center", fontsize=10 if c < 1000 else 8,
                    fontweight="bold" if i == j else "normal", color="white" if dark else "black")
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.grid(False)
    ax.set(xlabel="the network says", ylabel="true digit",
           title=title or f"{counts.trace():,} of {counts.sum():,} right; colour = mistakes")
    fig.colorbar(im, ax=ax, shrink=0.8, label="wrong answers in this cell")
    return fig


def confident_mistakes(X, y_true, outputs, n=12, ncols=6, title=None):
    """The n wrong answers the network was most sure of: each digit titled 'true → said' and
    the output activation of the digit it said (its confidence). outputs: net.feedforward(X)."""
    X, y_true, outputs = np.asarray(X, dtype=float), np.asarray(y_true), np.asarray(outputs, dtype=float)
    if outputs.ndim != 2 or len(outputs) != len(X) or len(y_true) != len(X):
        raise ValueError(f"X, y_true and outputs need one row per example: got {len(X)}, {len(y_true)} "
                         f"and outputs of shape {outputs.shape}. Pass outputs=net.feedforward(X).")
    said = outputs.argmax(axis=1)
    confidence = outputs.max(axis=1)
    wrong = np.flatnonzero(said != y_true)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:n]
    if len(order) == 0:
        fig, ax = plt.subplots(figsize=(5, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes: every digit is right", ha="center", va="center")
        fig.indices = order
        return fig
    ncols = max(1, min(ncols, len(order)))
    nrows = -(-len(order) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.6 * ncols, 1.95 * nrows + (0.5 if title else 0.1)),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if k >= len(order):
            ax.axis("off")
            continue
        i = order[k]
        ax.imshow(X[i].reshape(28, 28), cmap=CMAP_DIGIT, vmin=0, vmax=1)
        ax.set_title(f"{y_true[i]} → {said[i]}\n{confidence[i]:.0%}", fontsize=13, pad=3,
                     color=COLORS["vermillion"])
        for spine in ax.spines.values():
            spine.set(visible=True, color=COLORS["vermillion"], linewidth=2, linestyle="--")
    fig.suptitle(title or "Confidently wrong: true → the network's answer, and its output activation",
                 fontsize=13)
    fig.indices = order  # which examples are shown (for tests and readers)
    return fig


def weight_images(w, ncols=8, title=None, side=28):
    """Each row of a first-layer weight matrix w (n_neurons, 784) drawn as a 28x28 image: what
    pattern of ink makes that neuron's z = w a + b large. One colour scale for all, symmetric
    around 0: orange pulls z up, purple pulls it down, white is no effect."""
    w = np.asarray(w, dtype=float)
    if w.ndim != 2 or w.shape[1] != side * side:
        raise ValueError(f"w must be a first-layer weight matrix of shape (n_neurons, {side * side}), "
                         f"like net.weights[0]; got shape {w.shape}.")
    n = len(w)
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    limit = float(np.abs(w).max()) or 1.0
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.35 * ncols + 1.0, 1.45 * nrows + 0.5), squeeze=False)
    im = None
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if k >= n:
            ax.axis("off")
            continue
        im = ax.imshow(w[k].reshape(side, side), cmap=CMAP_DIVERGING, vmin=-limit, vmax=limit)
        ax.set_title(f"neuron {k}", fontsize=10, pad=2)
    fig.colorbar(im, ax=axes, shrink=0.8, label="weight")
    if title:
        fig.suptitle(title)
    return fig


def train_vs_validation(histories, metric="cost", title=None):
    """Per run (a dict label -> History made with validation=...): the training curve (thin)
    and the validation curve (thick, same colour and style), to see under- and over-training.
    The epoch with the best validation value is marked with a dot."""
    fig, ax = plt.subplots(figsize=(8, 4.4))
    for i, (label, h) in enumerate(histories.items()):
        train = np.asarray(getattr(h, f"train_{metric}"), dtype=float)
        val = np.asarray(getattr(h, f"val_{metric}"), dtype=float)
        e = np.arange(1, len(val) + 1)
        ax.plot(e, train[:len(e)], color=color(i), ls=linestyle(i), lw=1.3, alpha=0.75,
                label=f"{label}: training")
        ax.plot(e, val, color=color(i), ls=linestyle(i), lw=3, label=f"{label}: validation")
        best = int(np.argmin(val) if metric == "cost" else np.argmax(val))
        ax.plot([e[best]], [val[best]], "o", color=color(i), markersize=9, markeredgecolor="black")
    ax.set(xlabel="epoch", ylabel=metric, title=title)
    ax.legend(fontsize=10)
    return fig


def grid_heatmap(values, row_values, col_values, row_label, col_label, fmt="{:.1%}", best="max",
                 title=None, colorbar_label=None):
    """A grid search as an annotated heat map (CMAP_SEQUENTIAL): values[i, j] for row_values[i]
    and col_values[j]. NaN cells (runs that diverged) are grey and say so; the best cell has a
    thick frame."""
    v = np.asarray(values, dtype=float)
    if v.shape != (len(row_values), len(col_values)):
        raise ValueError(f"values has shape {v.shape} but there are {len(row_values)} row values and "
                         f"{len(col_values)} column values: values[i, j] belongs to row i, column j.")
    fig, ax = plt.subplots(figsize=(1.3 * len(col_values) + 2.8, 0.75 * len(row_values) + 1.8))
    cmap = plt.get_cmap(CMAP_SEQUENTIAL).copy()
    cmap.set_bad("0.85")
    finite = v[np.isfinite(v)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0, 1)
    im = ax.imshow(np.ma.masked_invalid(v), cmap=cmap, vmin=lo, vmax=hi if hi > lo else lo + 1e-9,
                   aspect="auto")
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            if not np.isfinite(v[i, j]):
                ax.text(j, i, "diverged", ha="center", va="center", fontsize=10, color="black")
                continue
            light = (v[i, j] - lo) > 0.6 * (hi - lo)  # cividis is light at the top
            ax.text(j, i, fmt.format(v[i, j]), ha="center", va="center", fontsize=11,
                    color="black" if light else "white")
    if finite.size:
        pick = np.nanargmax if best == "max" else np.nanargmin
        bi, bj = np.unravel_index(pick(v), v.shape)
        ax.add_patch(plt.Rectangle((bj - 0.5, bi - 0.5), 1, 1, fill=False, lw=3.5,
                                   edgecolor=COLORS["vermillion"]))
    ax.set_xticks(range(len(col_values)), [str(c) for c in col_values])
    ax.set_yticks(range(len(row_values)), [str(r) for r in row_values])
    ax.grid(False)
    ax.set(xlabel=col_label, ylabel=row_label, title=title)
    fig.colorbar(im, ax=ax, label=colorbar_label or "")
    return fig


# ---- hyperparameter pictures (notebook 9) ----
def sweep_curves(histories, title=None, cost_log=True):
    """Runs that differ in one hyperparameter, side by side: validation accuracy (left) and training
    cost (right, log scale unless cost_log=False) per epoch. histories: dict label -> History made
    with fit(..., validation=...). Each run has its own colour and line style in both panels."""
    if not histories:
        raise ValueError("sweep_curves needs at least one run: a dict label -> History.")
    missing = [label for label, h in histories.items() if not h.val_accuracy]
    if missing:
        raise ValueError(f"no validation curve for {', '.join(map(str, missing))}: train with "
                         "fit(..., validation=(X_val, y_val)).")
    fig, (ax_a, ax_c) = plt.subplots(1, 2, figsize=(12, 4.2))
    per_epoch({label: h.val_accuracy for label, h in histories.items()},
              ylabel="validation accuracy", percent=True, ax=ax_a)
    per_epoch({label: h.train_cost for label, h in histories.items()}, ylabel="training cost", ax=ax_c)
    if cost_log:
        ax_c.set_yscale("log")
    for ax in (ax_a, ax_c):
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    if ax_c.get_legend() is not None:
        ax_c.get_legend().remove()  # one legend (left) is enough: same colours and styles
    if title:
        fig.suptitle(title)
    return fig
