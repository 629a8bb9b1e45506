"""Regularisation and data pictures: training against validation curves, weight magnitudes,
regularisation sweeps, learning curves (notebooks 10, 11).
"""
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS, color, linestyle


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


def zeros_over_steps(steps, curves, predicted=None, title=None):
    """The fraction of weights that are exactly 0 against the training step (clipped L1).
    curves: dict label -> one fraction per step; predicted: (label, fractions) drawn as a dotted
    black line, e.g. what the pull alone would do to weights that the data never moves."""
    fig, ax = plt.subplots(figsize=(7.5, 4))
    steps = np.asarray(steps)
    for i, (label, frac) in enumerate(curves.items()):
        ax.plot(steps, frac, color=color(i), ls=linestyle(i), lw=2.2, label=label)
    if predicted is not None:
        label, frac = predicted
        ax.plot(steps, frac, color=COLORS["black"], ls=":", lw=2, label=label)
    ax.set(xlabel="step", ylabel="fraction of weights exactly 0", ylim=(0, 1.02), xlim=(0, steps[-1]),
           title=title)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.legend(loc="lower right", fontsize=10)
    return fig


def train_test_learning_curve(sizes, train_error, test_error, train_spread=None, test_spread=None,
                              title=None):
    """Training error (on the n digits a network learnt from) and test error against n (log x-axis,
    linear y-axis in percent, so that an error of 0 can be drawn): the vertical distance between
    them, shaded, is the gap of notebook 10, which closes as n grows. *_spread: (low, high) per
    size, drawn as bands."""
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    n = np.asarray(sizes, dtype=float)
    test_error, train_error = np.asarray(test_error, dtype=float), np.asarray(train_error, dtype=float)
    ax.fill_between(n, train_error, test_error, color="0.85", alpha=0.6, lw=0, label="the gap")
    ax.plot(n, test_error, color=color(1), ls=linestyle(1), marker="s", label="test error (2,000 test digits)")
    ax.plot(n, train_error, color=color(0), ls=linestyle(0), marker="o", label="training error (its own n digits)")
    for spread, i in ((test_spread, 1), (train_spread, 0)):
        if spread is not None:
            lo, hi = (np.asarray(v, dtype=float) for v in spread)
            ax.fill_between(n, lo, hi, color=color(i), alpha=0.25, lw=0)
    ax.set(xscale="log", xlabel="training examples n (log scale)", ylabel="error", ylim=(0, None), title=title)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.legend(loc="upper right", fontsize=10)
    return fig
