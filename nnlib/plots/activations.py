"""Chain-rule and activation pictures: the chain diagram, activation functions and their
slopes, products through layers, gradient sizes and saturation (notebooks 05, 08).
"""
import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS, color, linestyle


def chain_diagram(highlight="w", title=None):
    """The one-neuron-per-layer chain as a tree: what each quantity is computed from.

    Computation flows left to right (w, a, b -> z -> a -> C_0); the chain rule walks back from
    C_0. highlight: "w", "b" or "a" picks the path from w^(L), b^(L) or a^(L-1) to C_0 that is
    drawn in colour, with the partial derivative on each link; "w_prev" the path from w^(L-1),
    one layer further back."""
    if highlight not in ("w", "b", "a", "w_prev", None):
        raise ValueError(f"highlight must be 'w', 'b', 'a', 'w_prev' or None; got {highlight!r}.")
    nodes = {"w1": (0, 1, "$w^{(L-1)}$"), "a0": (0, 0, "$a^{(L-2)}$"), "b1": (0, -1, "$b^{(L-1)}$"),
             "z1": (1.2, 0, "$z^{(L-1)}$"), "a1": (2.4, 0, "$a^{(L-1)}$"),
             # w^(L) and b^(L) right above and below z^(L): their arrows come in vertically and
             # clear the label of the link a^(L-1) -> z^(L)
             "w2": (3.6, 1, "$w^{(L)}$"), "b2": (3.6, -1, "$b^{(L)}$"),
             "z2": (3.6, 0, "$z^{(L)}$"), "a2": (4.8, 0, "$a^{(L)}$"), "y": (4.8, -1, "$y$"),
             "C": (6.0, 0, "$C_0$")}
    edges = [("w1", "z1"), ("a0", "z1"), ("b1", "z1"), ("z1", "a1"), ("a1", "z2"), ("w2", "z2"),
             ("b2", "z2"), ("z2", "a2"), ("a2", "C"), ("y", "C")]
    start = {"w": "w2", "b": "b2", "a": "a1", "w_prev": "w1", None: None}[highlight]
    first = {"w2": r"$\partial z^{(L)} / \partial w^{(L)}$", "b2": r"$\partial z^{(L)} / \partial b^{(L)}$",
             "a1": r"$\partial z^{(L)} / \partial a^{(L-1)}$"}
    path = {(start, "z2"): first.get(start), ("z2", "a2"): r"$\partial a^{(L)} / \partial z^{(L)}$",
            ("a2", "C"): r"$\partial C_0 / \partial a^{(L)}$"} if start else {}
    if start == "w1":
        path = {("w1", "z1"): r"$\frac{\partial z^{(L-1)}}{\partial w^{(L-1)}}$",
                ("z1", "a1"): r"$\frac{\partial a^{(L-1)}}{\partial z^{(L-1)}}$",
                ("a1", "z2"): r"$\frac{\partial z^{(L)}}{\partial a^{(L-1)}}$",
                ("z2", "a2"): r"$\frac{\partial a^{(L)}}{\partial z^{(L)}}$",
                ("a2", "C"): r"$\frac{\partial C_0}{\partial a^{(L)}}$"}
    fig, ax = plt.subplots(figsize=(10, 3.6))
    for u, v in edges:
        (x0, y0, _), (x1, y1, _) = nodes[u], nodes[v]
        on = (u, v) in path
        steep = abs(x1 - x0) < 0.8          # a node drawn right above or below its target
        head = (x1, y1 + 0.28 * np.sign(y0 - y1)) if steep else (x1 - 0.32, y1)
        tail = (x0, y0 - 0.28 * np.sign(y0 - y1)) if steep else (x0 + 0.32, y0)
        ax.annotate("", xy=head, xytext=tail,
                    arrowprops=dict(arrowstyle="-|>", lw=3 if on else 1.5, shrinkA=0, shrinkB=0,
                                    color=COLORS["vermillion"] if on else "0.45",
                                    linestyle="-" if on else (0, (4, 2))))
        if on:
            diagonal = y0 != y1
            if steep:                          # beside the (vertical) arrow, on its left
                ax.text((head[0] + tail[0]) / 2 - 0.08, (y0 + y1) / 2, path[(u, v)], ha="right",
                        va="center", fontsize=14, color=COLORS["vermillion"])
            else:
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
    from ..activations import get  # numpy-only core
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


def cost_per_step(costs, guess=None, k=5, title=None, ylabel="training cost (mini-batch)"):
    """The cost of every training step, one line per run: costs is a dict label -> one value per
    step (History.step_cost), drawn as a running mean over k steps. guess: a cost to mark with a
    dashed line, e.g. ln 10 = 2.30, what a softmax output that spreads its bets evenly pays."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for i, (label, values) in enumerate(costs.items()):
        values = np.asarray(values, dtype=float)
        mean = np.convolve(values, np.ones(k), "full")[:len(values)] / np.minimum(np.arange(1, len(values) + 1), k)
        ax.plot(np.arange(1, len(values) + 1), mean, color=color(i), linestyle=linestyle(i), linewidth=2,
                label=label)
    if guess is not None:
        ax.axhline(guess, color="0.35", linestyle=(0, (2, 2)), linewidth=1.5,
                   label=f"guessing: every digit 1/10 (cost {guess:.2f})")
    ax.set(xlabel="step", ylabel=ylabel, title=title or "Training cost at every step", ylim=(0, None))
    ax.legend(fontsize=10, loc="upper right")
    return fig
