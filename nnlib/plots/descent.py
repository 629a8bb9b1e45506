"""Descent pictures: cost contours, paths of gradient descent, gradient rankings, the
batch-size trade-off (notebooks 03, 06).
"""
import matplotlib as mpl
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS, CMAP_SEQUENTIAL, CMAP_DIVERGING, color, linestyle


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


# ---- batch sizes: one colour (and line style) per batch size, in every picture of notebook 06 ---
BATCH_COLORS = {1: COLORS["vermillion"], 2: COLORS["purple"], 5: COLORS["orange"], 10: COLORS["blue"],
                20: COLORS["green"], 50: COLORS["sky"], 100: COLORS["yellow"]}
BATCH_LINESTYLES = {1: "-", 2: (0, (3, 1, 1, 1)), 5: "-.", 10: (0, (5, 1)), 20: ":", 50: (0, (1, 1)),
                    100: (0, (6, 2, 1, 2))}
FULL_BATCH_COLOR = COLORS["black"]


def _batch_key(m):
    """The batch size of the table nearest to m on a log scale (the table covers 1 to 100)."""
    keys = np.array(sorted(BATCH_COLORS))
    return int(keys[np.argmin(np.abs(np.log(keys) - np.log(max(float(m), 1.0))))])


def batch_color(m, n=None):
    """THE colour of batch size m in every picture and explorer of notebook 06: a fixed mapping
    (1 vermillion, 2 purple, 5 orange, 10 blue, 20 green, 50 sky, 100 yellow), and the full batch
    (m >= n, when n is given) black. Other sizes take the colour of the nearest size on a log scale."""
    if n is not None and m >= n:
        return FULL_BATCH_COLOR
    return BATCH_COLORS[_batch_key(m)]


def batch_style(m, n=None, on_map=False):
    """Line style for batch size m (colour from batch_color, a line style of its own, and on a cost
    map a thin outline so every colour, black and blue included, stands out on dark and light)."""
    c = batch_color(m, n)
    ls = "--" if n is not None and m >= n else BATCH_LINESTYLES[_batch_key(m)]
    style = dict(color=c, ls=ls)
    dark = c in (FULL_BATCH_COLOR, COLORS["blue"], COLORS["purple"])
    if on_map or c == COLORS["yellow"]:
        edge = "white" if dark and on_map else "black"
        style["path_effects"] = [pe.Stroke(linewidth=3.6, foreground=edge, alpha=0.8), pe.Normal()]
    return style


def batch_size_paths(surface, paths, labels, title=None, n=None):
    """Mini-batch paths on a 2-D cost surface (left) and the full cost against the examples
    processed, the work done (right): one colour per batch size (batch_color), the same in both panels.
    surface: (W1, W2, C, minimum, axis labels); paths: nnlib.landscapes.Path objects (with
    batch_size); n: the number of examples (the full batch is drawn black)."""
    W1, W2, C, minimum, axis_labels = surface
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.4), width_ratios=[1.1, 1])
    cost_contours(ax, W1, W2, C, minimum=minimum, labels=axis_labels)
    for p, label in zip(paths, labels):
        m = p.batch_size
        many = len(p.points) > 60
        ax.plot(p.points[:, 0], p.points[:, 1], label=label, lw=1.3 if many else 2.0,
                marker=None if many else "o", ms=4, mec="black", mew=0.5, **batch_style(m, n, on_map=True))
        examples = p.epochs * (n if n is not None else 1)
        ax2.plot(examples, p.costs, lw=2.0 if len(p.costs) < 100 else 1.5,
                 marker="o" if len(p.costs) < 30 else None, label=label, **batch_style(m, n))
    ax.plot(*paths[0].points[0], marker="s", ms=9, color="white", mec="black", ls="none", zorder=6)
    ax.legend(loc="lower right", fontsize=10, framealpha=0.85, frameon=True)
    ax2.set(xlabel="examples processed (gradients of one example)" if n is not None else "epochs",
            ylabel="cost on all the data", yscale="log")
    ax2.legend(fontsize=11)
    if title:
        fig.suptitle(title)
    return fig


def minibatch_gradients(samples, full, n=None, sigma=None, title=None):
    """How noisy a mini-batch gradient is. Left: many mini-batch gradients (dC/dw, dC/db) for a few
    batch sizes, scattered around the full gradient (the star); right: their spread (rms distance
    from the full gradient) against m, on log axes, with the line spread(1) / sqrt(m) and, given sigma
    (the spread of single examples' gradients) and n, the prediction sigma / sqrt(m) * sqrt((n - m) / (n - 1))
    for batches drawn without replacement. samples: {m: array (draws, 2)}; full: the full gradient (2,)."""
    full = np.asarray(full, dtype=float)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.4), width_ratios=[1.2, 1])
    sizes = sorted(samples)
    spread = []
    for m in sizes:
        g = np.asarray(samples[m], dtype=float)
        st = batch_style(m, n)
        ax.scatter(g[:, 0], g[:, 1], s=10, alpha=0.45, color=st["color"], label=f"m = {m}", zorder=2)
        mean = g.mean(axis=0)
        ax.plot(*mean, marker="X", ms=10, color=st["color"], mec="black", ls="none", zorder=4)
        spread.append(float(np.sqrt(np.mean(np.sum((g - full) ** 2, axis=1)))))
    ax.plot(*full, marker="*", ms=18, color=COLORS["yellow"], mec="black", mew=1.2, ls="none", zorder=5,
            label="full gradient")
    ax.set(xlabel=r"$\partial C / \partial w$", ylabel=r"$\partial C / \partial b$",
           title="mini-batch gradients (X: their mean)")
    ax.legend(loc="best", fontsize=10, frameon=True, framealpha=0.85)
    ms = np.asarray(sizes, dtype=float)
    ax2.plot(ms, spread[0] / np.sqrt(ms / ms[0]), color="0.45", ls="--", lw=1.5,
             label=r"$\propto 1/\sqrt{m}$")
    if sigma is not None and n is not None:
        mm = np.geomspace(ms.min(), ms.max(), 50)
        ax2.plot(mm, sigma / np.sqrt(mm) * np.sqrt((n - mm) / (n - 1)), color="0.2", ls=":", lw=2.0,
                 label=r"$\frac{\sigma}{\sqrt{m}}\sqrt{\frac{n-m}{n-1}}$")
    for m, s in zip(sizes, spread):
        ax2.plot(m, s, marker="o", ms=10, color=batch_color(m, n), mec="black", ls="none")
    ax2.set(xscale="log", yscale="log", xlabel="batch size $m$", ylabel="spread (rms distance)",
            title="spread around the full gradient")
    ax2.set_xlim(ms.min() / 1.5, ms.max() * 1.5)
    ax2.set_ylim(min(spread) / 1.6, max(spread) * 1.6)
    _plain_log_ticks(ax2.xaxis, ms)
    _plain_log_ticks(ax2.yaxis, spread)
    ax2.legend(fontsize=11)
    if title:
        fig.suptitle(title)
    return fig


def _plain_log_ticks(axis, values):
    """Log-axis ticks at 1-2-5 numbers spanning `values`, written plainly (0.02, not 2x10^-2),
    and no minor tick labels: they are what overlapped."""
    values = np.asarray(values, dtype=float)
    lo, hi = values.min(), values.max()
    cands = [k * 10.0 ** e for e in range(-6, 7) for k in (1, 2, 5)]
    ticks = [t for t in cands if lo / 1.6 <= t <= hi * 1.6] or [lo, hi]
    if len(ticks) > 7:  # more than two decades: powers of ten only
        ticks = [t for t in ticks if np.isclose(np.log10(t), round(np.log10(t)))] or ticks
    axis.set_major_locator(mpl.ticker.FixedLocator(ticks))
    axis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(mpl.ticker.NullFormatter())


def batch_size_tradeoff(batch_sizes, seconds, costs, accuracies=None, title=None):
    """Time per epoch (left) and the cost reached after the same number of epochs (right) for
    each batch size: the efficiency/accuracy trade-off, measured. Log axes carry plain major tick
    labels only (the batch sizes themselves on x), so no labels overlap."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.0))
    m = np.asarray(batch_sizes)
    ms = np.asarray(seconds, dtype=float) * 1000
    ax.plot(m, ms, color=color(0), marker="o", ls=linestyle(0))
    ax.set(xscale="log", yscale="log", xlabel="batch size $m$", ylabel="milliseconds per epoch",
           title="time per epoch")
    _plain_log_ticks(ax.yaxis, ms)
    ax2.plot(m, costs, color=color(1), marker="s", ls=linestyle(1), label="cost")
    ax2.set(xscale="log", xlabel="batch size $m$", ylabel="cost after training", title="cost reached")
    for a in (ax, ax2):
        a.xaxis.set_major_locator(mpl.ticker.FixedLocator(m))
        a.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v / 1000:g}k" if v >= 1000 else f"{v:g}"))
        a.xaxis.set_minor_locator(mpl.ticker.NullLocator())
        a.tick_params(axis="x", labelsize=10)
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
