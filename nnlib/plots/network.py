"""Pictures of the network and of digits: activations, outputs against targets, costs,
nudges and wishes (notebooks 01, 02, 04).
"""
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS, CMAP_DIGIT, CMAP_ACTIVATION, CMAP_DIVERGING, color, linestyle


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
    from ..activations import ACTIVATIONS
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
