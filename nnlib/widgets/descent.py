"""Explorers for gradient descent (notebook 3) and mini-batch descent (notebook 6).

    LearningRateExplorer()   a log slider for eta: the path on a 1-D slice and on a 2-D bowl,
                             and the cost against steps; too small crawls, too large zigzags,
                             larger still diverges (and the readout says so).
    BatchSizeExplorer()      a slider for the mini-batch size m (and the epochs): the path of a
                             real one-neuron model on its 2-D cost surface, next to its training
                             curve per step and per example processed, each m at its own good
                             learning rate (a small seeded sweep). Every path is computed once, up front.

The numbers come from nnlib.landscapes (pure NumPy, tested without widgets).
"""
import html

import ipywidgets as widgets
import matplotlib.patheffects as pe
import numpy as np

from . import Explorer, slider
from .. import landscapes, plots
from ..data import regression_1d

VERDICT = {
    "converged": "converged",
    "crawling": "crawling: still far from the bottom — a larger eta would get there sooner",
    "oscillating": "bouncing from wall to wall across the valley and hardly getting lower — eta is nearly too large",
}


def _error(text):
    return f"<span style='color:{plots.COLORS['vermillion']}'><b>{html.escape(text)}</b></span>"


class LearningRateExplorer(Explorer):
    """Gradient descent w <- w - eta dC/dw on a tilted quadratic bowl, for the eta on the slider."""
    figsize = (11.0, 3.7)
    dpi = 80  # fewer pixels: each redraw re-encodes the whole PNG, and that is most of its cost

    def __init__(self, steps=50, bowl=None, **values):
        self.bowl = bowl or landscapes.Bowl()
        self.curve = self.bowl.steep_slice()
        self.n_steps = steps
        self._cache = {}
        self._grid = landscapes.grid(self.bowl.cost, self.bowl.xlim, self.bowl.ylim, 150)
        super().__init__(**values)

    def make_controls(self):
        return {"eta": slider("learning rate η", 0.1, -3, 0, 0.1, log=True, fmt=".3g")}

    def compute(self, eta):
        eta = float(eta)
        if eta not in self._cache:
            b, c = self.bowl, self.curve
            path = landscapes.gradient_descent(b.cost, b.gradient, b.start, eta, self.n_steps)
            slice_path = landscapes.gradient_descent(c.cost, c.gradient, c.start, eta, self.n_steps)
            self._cache[eta] = {
                "eta": eta, "path": path, "slice": slice_path,
                "drawn": landscapes.clip_to_box(path.points, b.xlim, b.ylim),
                "drawn_slice": landscapes.clip_to_box(
                    np.column_stack([slice_path.points[:, 0], slice_path.costs]), c.xlim, self._slice_ylim),
                "verdict": landscapes.describe(path),
            }
        return self._cache[eta]

    @property
    def _slice_ylim(self):
        return (0.0, 1.6 * float(self.curve.cost(self.curve.start)))

    def setup(self, fig):
        fig.set_dpi(self.dpi)
        ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1, 1.25, 1])
        c = self.curve
        s = np.linspace(*c.xlim, 300)
        ax1.plot(s, c.cost(s), color="0.35", lw=2)
        ax1.set(xlim=c.xlim, ylim=self._slice_ylim, xlabel="position $s$ across the valley",
                ylabel="cost $C$", title="steepest direction (1-D)")
        W1, W2, C = self._grid
        plots.cost_contours(ax2, W1, W2, C, minimum=self.bowl.minimum)
        ax2.set_title("the 2-D cost surface")
        ax2.plot(*self.bowl.start, marker="s", ms=9, color="white", mec="black", ls="none", zorder=6)
        c0 = float(self.bowl.cost(self.bowl.start))
        ax3.set(xlim=(0, self.n_steps), ylim=(1e-9 * c0, 1e3 * c0), yscale="log",
                xlabel="step", ylabel="cost $C$", title="cost after each step")
        ax3.axhline(c0, color="0.5", lw=1, ls=":")
        style = plots.path_style(0)
        self.slice_line, = ax1.plot([], [], **style)
        self.path_line, = ax2.plot([], [], **style)
        self.cost_line, = ax3.plot([], [], color=plots.color(0), marker="o", ms=3)
        self.animate(self.slice_line, self.path_line, self.cost_line)

    def update(self, r):
        self.slice_line.set_data(r["drawn_slice"][:, 0], r["drawn_slice"][:, 1])
        self.path_line.set_data(r["drawn"][:, 0], r["drawn"][:, 1])
        path = r["path"]
        c0 = path.costs[0]
        self.cost_line.set_data(np.arange(len(path.costs)), np.clip(path.costs, 1e-10 * c0, 1e4 * c0))
        return self.readout_text(r)

    def readout_text(self, r):
        path = r["path"]
        b = self.bowl
        head = (f"<b>η = {r['eta']:.3g}</b> (each step multiplies the distance by {b.rate(r['eta']):.3g} in the slowest "
                f"direction; fastest at 2/(λ<sub>min</sub>+λ<sub>max</sub>) = {b.best_eta:.3g}, diverges above "
                f"2/λ<sub>max</sub> = {b.critical_eta:.3g}): ")
        if path.diverged:
            return head + _error(path.message)
        verdict = VERDICT[r["verdict"]]
        if r["verdict"] == "converged" and landscapes.zigzags(path):
            verdict += ", zigzagging across the valley on the way"
        return head + (f"{verdict}. After {path.steps} steps the cost is {path.final_cost:.3g} "
                       f"(it started at {path.costs[0]:.3g}).")


def batch_slider(options, value):
    """A slider over a fixed list of batch sizes (updates on release, like widgets.slider)."""
    return widgets.SelectionSlider(description="batch size m", options=list(options), value=value,
                                   continuous_update=False, style={"description_width": "initial"},
                                   layout=widgets.Layout(width="420px"))


def toy_neuron(n=200, seed=0):
    """The real two-parameter model of notebook 6: a linear neuron a = w x + b (identity
    activation, quadratic cost) fitted to nnlib.data.regression_1d(n) points."""
    x, y = regression_1d(n=n, seed=seed)
    return landscapes.Neuron(x[:, 0], y, activation="identity", start=(-2.0, 2.0),
                             xlim=(-2.6, 2.4), ylim=(-1.5, 2.5))


_TUNED = {}


def tuned_etas(model, batch_sizes, epochs=3, etas=landscapes.ETA_GRID, seeds=(0, 1, 2)):
    """{m: the best eta of the grid for batch size m}: landscapes.best_eta for a budget of `epochs`
    epochs (the same number of examples for every m), averaged over three shuffles. Cached per
    data set, so building the explorer again (tests, the website's frames) does not sweep again."""
    key = (model.x.tobytes(), model.y.tobytes(), tuple(model.start), model.sigma.name, int(epochs),
           tuple(etas), tuple(seeds))
    cache = _TUNED.setdefault(key, {})
    for m in batch_sizes:
        if m not in cache:
            cache[m] = landscapes.best_eta(model, m, epochs, etas, seeds)
    return {m: cache[m] for m in batch_sizes}


class BatchSizeExplorer(Explorer):
    """Mini-batch gradient descent on a real one-neuron model: the batch size on a slider, each
    batch size at its own good learning rate (eta=None, the default: the best of a small seeded
    sweep for a budget of `tune_epochs` epochs), or all at one eta (eta=0.1, say)."""
    figsize = (11.0, 4.3)
    dpi = 80
    BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200)

    def __init__(self, model=None, eta=None, max_epochs=10, seed=0, tune_epochs=3, **values):
        self.model = model or toy_neuron()
        self.max_epochs, self.seed = int(max_epochs), seed
        self.batch_sizes = tuple(m for m in self.BATCH_SIZES if m < self.model.n) + (self.model.n,)
        self.tuned = eta is None
        self.etas = (tuned_etas(self.model, self.batch_sizes, tune_epochs) if self.tuned
                     else {m: float(eta) for m in self.batch_sizes})
        self.eta = None if self.tuned else float(eta)
        # Every batch size's path for the most epochs, once: a shorter run is a prefix of it.
        self.paths = {m: landscapes.minibatch_descent(self.model, self.etas[m], m, self.max_epochs, seed=seed)
                      for m in self.batch_sizes}
        m = self.model
        self._grid = landscapes.grid(m.cost, m.xlim, m.ylim, 120)
        self.best = m.best()
        self.best_cost = float(m.cost(self.best))
        super().__init__(**values)

    def make_controls(self):
        return {"batch_size": batch_slider(self.batch_sizes, 10),
                "epochs": slider("epochs", 3, 1, self.max_epochs, 1)}

    def compute(self, batch_size, epochs):
        full = self.paths[batch_size]
        k = min(epochs * full.steps_per_epoch, full.steps)  # steps in `epochs` passes
        ref = self.paths[self.model.n]
        return {"batch_size": batch_size, "epochs": epochs, "steps": k, "eta": self.etas[batch_size],
                "points": full.points[:k + 1], "costs": full.costs[:k + 1], "done": full.epochs[:k + 1],
                "batch_costs": full.batch_costs[:k], "diverged": full.diverged and k >= full.steps,
                "message": full.message, "per_epoch": full.steps_per_epoch,
                "ref_points": ref.points[:epochs + 1], "ref_costs": ref.costs[:epochs + 1]}

    def setup(self, fig):
        fig.set_dpi(self.dpi)
        n = self.model.n
        gs = fig.add_gridspec(2, 2, width_ratios=[1.05, 1])
        ax = fig.add_subplot(gs[:, 0])
        W1, W2, C = self._grid
        plots.cost_contours(ax, W1, W2, C, minimum=self.best, labels=("weight $w$", "bias $b$"))
        ax.plot(*self.model.start, marker="s", ms=9, color="white", mec="black", ls="none", zorder=6)
        ax.set_title("path on the cost surface")
        ax_step = fig.add_subplot(gs[0, 1])
        ax_epoch = fig.add_subplot(gs[1, 1], sharey=ax_step)
        c0 = float(self.model.cost(self.model.start))
        top, low = 2.5 * c0, 0.5 * self.best_cost  # one example's cost can be ~0: those dots fall below
        most_steps = max(p.steps for p in self.paths.values())
        ax_step.set(xscale="log", yscale="log", xlim=(0.8, 1.3 * most_steps), ylim=(low, top),
                    ylabel="cost", title="training curve")
        ax_step.set_xlabel("steps taken", labelpad=1)
        ax_epoch.set(xlim=(0, self.max_epochs * n), xlabel="examples processed (= epochs × n)", ylabel="cost")
        for a in (ax_step, ax_epoch):
            a.axhline(self.best_cost, color="0.4", lw=1, ls=":")
        # One colour per batch size (plots.batch_color), the same in every panel and in the notebook.
        ref_map = dict(plots.batch_style(n, n, on_map=True), lw=1.8)
        ref = dict(plots.batch_style(n, n), lw=1.8)
        self.ref_path, = ax.plot([], [], marker="o", ms=4, label=f"full batch (m = n = {n})", **ref_map)
        self.path_line, = ax.plot([], [], lw=1.3)       # the path (outlined, see update) ...
        self.path_dots, = ax.plot([], [], ls="none", marker="o", ms=3, mec="black", mew=0.4)  # ... its steps
        self.end_dot, = ax.plot([], [], marker="o", ms=9, mec="white", ls="none")
        ax.legend(loc="lower right", fontsize=10, frameon=True, framealpha=0.85)
        # the slider's batch size, in its own colour (a legend entry could not change colour)
        self.label = ax.text(0.03, 0.03, "", transform=ax.transAxes, va="bottom", ha="left", fontsize=12,
                             color="white")
        self.ref_step, = ax_step.plot([], [], marker="o", ms=4, **ref)
        self.batch_dots, = ax_step.plot([], [], ls="none", marker=".", ms=3, alpha=0.45,
                                        color="0.5", label="cost of each step's batch")
        self.step_line, = ax_step.plot([], [], lw=1.8, color="0.3", label="cost on all data")
        ax_step.legend(loc="upper right", fontsize=9)
        self.ref_epoch, = ax_epoch.plot([], [], marker="o", ms=4, **ref)
        self.epoch_line, = ax_epoch.plot([], [], lw=1.8)
        self.epoch_marks, = ax_epoch.plot([], [], ls="none", marker="D", ms=6, mec="black", mew=0.6)
        self.animate(self.ref_path, self.path_line, self.path_dots, self.end_dot, self.ref_step, self.batch_dots,
                     self.step_line, self.ref_epoch, self.epoch_line, self.epoch_marks, self.label)

    def update(self, r):
        p, k, m, n = r["points"], r["steps"], r["batch_size"], self.model.n
        c = plots.batch_color(m, n)
        self.path_line.set_path_effects(plots.batch_style(m, n, on_map=True)["path_effects"])
        self.label.set_text(f"m = {m}, η = {r['eta']:g}")
        self.path_dots.set_color(c)
        on_white = plots.batch_style(m, n).get("path_effects", [])
        self.step_line.set_path_effects(on_white)
        self.epoch_line.set_path_effects(on_white)
        for line in (self.path_line, self.step_line, self.epoch_line):
            line.set_color(c)
        ls = plots.batch_style(m, n)["ls"]
        self.step_line.set_linestyle(ls)
        self.epoch_line.set_linestyle(ls)
        self.end_dot.set_color(c)
        self.end_dot.set_markeredgecolor("white" if m >= n else "black")
        self.epoch_marks.set_color(c)
        self.path_line.set_data(p[:, 0], p[:, 1])
        self.path_dots.set_data(p[:, 0] if k <= 60 else [], p[:, 1] if k <= 60 else [])
        self.end_dot.set_data([p[-1, 0]], [p[-1, 1]])
        self.ref_path.set_data(r["ref_points"][:, 0], r["ref_points"][:, 1])
        steps = np.arange(len(r["costs"]))
        self.step_line.set_data(steps[1:], r["costs"][1:])
        self.batch_dots.set_data(steps[1:], r["batch_costs"])
        self.ref_step.set_data(np.arange(1, len(r["ref_costs"])), r["ref_costs"][1:])
        self.epoch_line.set_data(r["done"] * n, r["costs"])
        ends = np.arange(0, len(r["costs"]), r["per_epoch"])
        self.epoch_marks.set_data(r["done"][ends] * n, r["costs"][ends])
        self.ref_epoch.set_data(np.arange(len(r["ref_costs"])) * n, r["ref_costs"])
        return self.readout_text(r)

    def readout_text(self, r):
        m, n, E = r["batch_size"], self.model.n, r["epochs"]
        eta = (f"η = {r['eta']:g}, its own best" if self.tuned else f"η = {r['eta']:g}")
        if r["diverged"]:
            return f"<b>m = {m}</b> ({eta}): " + _error(r["message"])
        kind = ("full batch: plain gradient descent, one careful step per epoch" if m >= n else
                "one example per step: stochastic gradient descent in the strict sense" if m == 1 else
                f"{r['per_epoch']} mini-batches per epoch" + (f", the last one {n - (r['per_epoch'] - 1) * m} examples"
                                                               if n % m else ""))
        ref_eta = self.etas[n]
        return (f"<b>m = {m}</b>, {eta} ({kind}). {E} epoch{'s' * (E != 1)} = {r['steps']} steps, "
                f"{E * n} examples processed: cost {r['costs'][-1]:.3f} (full batch, η = {ref_eta:g}, after the same "
                f"examples: {r['ref_costs'][-1]:.3f}; the best possible: {self.best_cost:.3f}).")
