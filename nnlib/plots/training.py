"""Training pictures: per-epoch curves, confusion matrices, confident mistakes, weight images,
grid heat maps and hyperparameter sweeps (notebooks 07, 09).
"""
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS, CMAP_DIGIT, CMAP_SEQUENTIAL, CMAP_DIVERGING, color, linestyle


def per_epoch(curves, ylabel="accuracy", title=None, xlabel="epoch", percent=False, ax=None, styles=None):
    """One line per run: curves is a dict label -> values per epoch (epoch 1, 2, ...). A run that
    diverged can end early: its line stops where it stopped and its label says so.
    styles: optionally a dict label -> (colour number, line-style number) in the course's palette,
    e.g. one colour per network and one line style per data set, for every label; by default each
    line gets its own."""
    if styles is not None and set(styles) != set(curves):
        missing, unknown = sorted(set(curves) - set(styles)), sorted(set(styles) - set(curves))
        raise ValueError("styles must give a (colour, line style) pair for every curve and no other label"
                         + (f"; missing: {missing}" if missing else "")
                         + (f"; no such curve: {unknown}" if unknown else ""))
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
    else:
        fig = ax.figure
    scale = 100.0 if percent else 1.0
    for i, (label, values) in enumerate(curves.items()):
        v = np.asarray(values, dtype=float) * scale
        c, ls = styles[label] if styles is not None else (i, i)
        ax.plot(np.arange(1, len(v) + 1), v, color=color(c), ls=linestyle(ls), label=label,
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
    the output activation of the digit it said (its confidence). outputs: net.feedforward(X).

    Softmax outputs (every row sums to 1) are probabilities and are shown as a percentage
    ("p = 97%"); other outputs, such as sigmoids, are not, and are shown as the activation
    itself ("a = 0.99"), so a sigmoid's 0.99 is never read as "99 % sure"."""
    X, y_true, outputs = np.asarray(X, dtype=float), np.asarray(y_true), np.asarray(outputs, dtype=float)
    if outputs.ndim != 2 or len(outputs) != len(X) or len(y_true) != len(X):
        raise ValueError(f"X, y_true and outputs need one row per example: got {len(X)}, {len(y_true)} "
                         f"and outputs of shape {outputs.shape}. Pass outputs=net.feedforward(X).")
    said = outputs.argmax(axis=1)
    confidence = outputs.max(axis=1)
    probabilities = len(outputs) > 0 and bool(np.allclose(outputs.sum(axis=1), 1.0, atol=1e-4))
    shown = (lambda c: f"p = {c:.0%}") if probabilities else (lambda c: f"a = {c:.2f}")
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
        ax.set_title(f"{y_true[i]} → {said[i]}\n{shown(confidence[i])}", fontsize=13, pad=3,
                     color=COLORS["vermillion"])
        for spine in ax.spines.values():
            spine.set(visible=True, color=COLORS["vermillion"], linewidth=2, linestyle="--")
    what = "its probability" if probabilities else "its output activation"
    fig.suptitle(title or f"Confidently wrong: true → the network's answer, and {what}", fontsize=13)
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


def search_points(searches, xlabel, ylabel, title=None, colorbar_label="validation accuracy", fmt="{:.1%}"):
    """Hyperparameter searches side by side on the same axes (both log scale): one panel per search,
    each tried point coloured by its score (one colour scale for all panels, CMAP_SEQUENTIAL; NaN,
    a diverged run, drawn as a grey cross), the best point of each framed and labelled.
    searches: dict label -> (x values, y values, scores)."""
    if not searches:
        raise ValueError("search_points needs at least one search: a dict label -> (x, y, scores).")
    all_scores = np.concatenate([np.asarray(s, dtype=float) for _, _, s in searches.values()])
    finite = all_scores[np.isfinite(all_scores)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0, 1)
    fig, axes = plt.subplots(1, len(searches), figsize=(4.6 * len(searches) + 1.2, 4.2), sharex=True,
                             sharey=True, squeeze=False)
    for ax, (label, (x, y, s)) in zip(axes[0], searches.items()):
        x, y, s = (np.asarray(a, dtype=float) for a in (x, y, s))
        ok = np.isfinite(s)
        sc = ax.scatter(x[ok], y[ok], c=s[ok], cmap=CMAP_SEQUENTIAL, vmin=lo, vmax=hi if hi > lo else lo + 1e-9,
                        s=110, edgecolors="black", linewidths=0.8, zorder=3)
        name = f"{label}: {len(s)} runs"
        if (~ok).any():
            ax.scatter(x[~ok], y[~ok], marker="x", color="0.5", s=80, zorder=3)
            name += f" ({(~ok).sum()} diverged: x)"
        if ok.any():
            b = int(np.nanargmax(s))
            ax.scatter([x[b]], [y[b]], s=330, facecolors="none", edgecolors=COLORS["vermillion"],
                       linewidths=3, zorder=4)
            name += f", best (ringed) {fmt.format(s[b])}"
        ax.set(xscale="log", yscale="log", xlabel=xlabel)
        ax.set_title(name, fontsize=12)
    axes[0, 0].set_ylabel(ylabel)
    fig.colorbar(sc, ax=list(axes[0]), label=colorbar_label)
    if title:
        fig.suptitle(title)
    return fig


def lr_sweep(curves, ylabel="validation accuracy", title=None, percent=True):
    """A score against the learning rate (log x-axis), one line per method, each method's best
    point circled: curves is a dict label -> (learning rates, scores). Shows that each optimiser
    has its own range of good learning rates."""
    if not curves:
        raise ValueError("lr_sweep needs at least one method: a dict label -> (learning rates, scores).")
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    markers = ["o", "s", "^", "D", "v"]
    for i, (label, (etas, scores)) in enumerate(curves.items()):
        etas, scores = np.asarray(etas, dtype=float), np.asarray(scores, dtype=float)
        ax.plot(etas, scores, color=color(i), ls=linestyle(i), marker=markers[i % 5], label=label)
        if np.isfinite(scores).any():
            b = int(np.nanargmax(scores))
            ax.plot([etas[b]], [scores[b]], "o", ms=16, mfc="none", mec=color(i), mew=2.5)
    ax.set(xscale="log", xlabel="learning rate η (log scale)", ylabel=ylabel, title=title)
    if percent:
        ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.legend(fontsize=10)
    return fig
