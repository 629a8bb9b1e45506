"""Gradient size per layer in a deep network, for each activation and initialisation (notebook 8).

A `DepthStudy` trains small deep networks on a few digits (fit(..., track=True)) and keeps every
run it has made, keyed by (activation, init, depth): training a combination once is a fraction
of a second, looking it up again is free. The `DepthExplorer` shows one run: the size (root mean
square) of dC/dw in each layer at the start and at the end of training, and the training curve.
Pass the notebook's study to the explorer so runs made for the notebook's pictures are reused.
"""
import numpy as np

from .. import Network, TrainingDiverged, fit, plots
from ..activations import HIDDEN
from ..network import INITS
from . import Explorer, selector, slider

ACTIVATIONS = ("sigmoid", "tanh", "relu")
MAX_DEPTH = 10
FLOOR = 1e-9  # gradients smaller than this are drawn at the bottom edge of the picture


class DepthStudy:
    """Deep networks [n_inputs, width x depth, 10] trained on the first n_train digits.

    Every network has a softmax output with the cross-entropy cost, so the output layer learns
    the same way whatever the hidden activation: differences come from the hidden layers.
    run(activation, init, depth) returns a dict with the History (or the TrainingDiverged
    message) and the trained network ("net"; None if training diverged); runs are cached, so
    asking again costs nothing.
    """

    def __init__(self, X=None, y=None, n_train=1000, width=30, epochs=3, batch_size=20, eta=0.1, seed=0):
        if X is None or y is None:
            from ..data import load_digits
            (X, y), _ = load_digits()
        X, y = np.asarray(X), np.asarray(y)
        if not (isinstance(n_train, int) and 1 <= n_train <= len(X)):
            raise ValueError(f"n_train must be a whole number from 1 to {len(X)} (the examples given); "
                             f"got {n_train!r}.")
        if not (isinstance(width, int) and width >= 1):
            raise ValueError(f"width (neurons per hidden layer) must be a whole number >= 1; got {width!r}.")
        self.X, self.y = X[:n_train], y[:n_train]
        self.width, self.epochs, self.batch_size, self.eta, self.seed = width, epochs, batch_size, eta, seed
        self.runs = {}

    @property
    def steps(self):
        return self.epochs * -(-len(self.X) // self.batch_size)

    def run(self, activation, init, depth):
        if activation not in HIDDEN:
            raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(HIDDEN)}.")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITS)}.")
        if not (isinstance(depth, (int, np.integer)) and depth >= 1):
            raise ValueError(f"depth (the number of hidden layers) must be a whole number >= 1; got {depth!r}.")
        key = (activation, init, int(depth))
        if key not in self.runs:
            sizes = [self.X.shape[1]] + [self.width] * int(depth) + [10]
            net = Network(sizes, hidden=activation, output="softmax", cost="cross_entropy",
                          init=init, seed=self.seed)
            try:
                history = fit(net, self.X, self.y, epochs=self.epochs, batch_size=self.batch_size,
                              eta=self.eta, track=True, progress=False, seed=self.seed)
                self.runs[key] = {"history": history, "diverged": None,
                                  "grad_rms": np.array(history.grad_rms), "net": net}
            except TrainingDiverged as e:
                self.runs[key] = {"history": e.history, "diverged": str(e), "grad_rms": None, "net": None}
        return self.runs[key]

    def precompute(self, activations=ACTIVATIONS, inits=INITS, depths=range(1, MAX_DEPTH + 1)):
        """Train every combination the explorer offers now (90 small runs by default), so that
        moving a control only looks a run up."""
        for activation in activations:
            for init in inits:
                for depth in depths:
                    self.run(activation, init, depth)
        return self


def smooth(values, k=5):
    """Running mean over k steps (shorter at the start), to calm the noise of single batches."""
    values = np.asarray(values, dtype=float)
    c = np.cumsum(np.insert(values, 0, 0.0))
    i = np.arange(1, len(values) + 1)
    lo = np.maximum(i - k, 0)
    return (c[i] - c[lo]) / (i - lo)


class DepthExplorer(Explorer):
    """Choose an activation, an initialisation and a depth; see the gradient size per layer."""
    figsize = (10.0, 4.2)

    def __init__(self, study=None, **values):
        self.study = study if study is not None else DepthStudy()
        super().__init__(**values)
        # Explorer.set() un-observes each control before changing it, which a Dropdown refuses
        # when nothing observes it yet (before show()): observe from the start.
        for w in self.controls.values():
            w.observe(self.refresh, names="value")

    def make_controls(self):
        return {"activation": selector("activation", list(ACTIVATIONS), "sigmoid"),
                "init": selector("init", list(INITS), "scaled"),
                "depth": slider("hidden layers", 6, 1, MAX_DEPTH, 1, width="320px")}

    def compute(self, activation, init, depth):
        run = self.study.run(activation, init, depth)
        out = {"activation": activation, "init": init, "depth": depth, "diverged": run["diverged"]}
        if run["diverged"] is None:
            g = run["grad_rms"]
            k = max(1, min(10, len(g) // 4))  # average over the first and the last k steps
            h = run["history"]
            out.update(first=np.maximum(g[:k].mean(axis=0), FLOOR), last=np.maximum(g[-k:].mean(axis=0), FLOOR),
                       cost=smooth(h.step_cost), accuracy=h.train_accuracy[-1],
                       saturated=[s["saturated"] for s in h.act_stats[-1][:-1]])
        return out

    def setup(self, fig):
        ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        ax.set(yscale="log", xlim=(0.5, MAX_DEPTH + 1.5), ylim=(FLOOR / 2, 10),
               xlabel="layer (input side → output)", ylabel="size of ∂C/∂w (rms)",
               title="Gradient size per layer")
        ax.set_xticks(range(1, MAX_DEPTH + 2))
        self.first, = ax.plot([], [], marker="o", color=plots.color(0), linestyle=plots.linestyle(0), label="first steps")
        self.last, = ax.plot([], [], marker="s", color=plots.color(1), linestyle=plots.linestyle(1), label="last steps")
        ax.legend(loc="upper left", fontsize=10)
        self.message = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=13,
                               color=plots.COLORS["vermillion"])
        steps = self.study.steps
        bx.set(xlim=(0, steps), ylim=(0, 4), xlabel="step", ylabel="cost (running mean)",
               title="Training curve")
        bx.axhline(np.log(10), color="black", linewidth=1, linestyle=":")
        bx.text(steps, np.log(10) + 0.08, "guessing (ln 10)", ha="right", fontsize=10)
        self.curve, = bx.plot([], [], color=plots.color(2))
        self.animate(self.first, self.last, self.message, self.curve)

    def update(self, r):
        name = f"{r['activation']}, {r['init']} init, {r['depth']} hidden layer{'s' if r['depth'] > 1 else ''}"
        if r["diverged"] is not None:
            for line in (self.first, self.last, self.curve):
                line.set_data([], [])
            self.message.set_text("training diverged:\nnothing to plot")
            return f"<b>{name}</b>: {r['diverged']}"
        layers = np.arange(1, len(r["first"]) + 1)
        self.first.set_data(layers, r["first"])
        self.last.set_data(layers, r["last"])
        self.message.set_text("")
        self.curve.set_data(np.arange(1, len(r["cost"]) + 1), np.minimum(r["cost"], 3.99))
        ratio = r["first"][0] / r["first"][-1]
        sat = max(r["saturated"]) if r["saturated"] else 0.0
        flat = "off (z ≤ 0)" if r["activation"] == "relu" else "saturated (|z| > 4)"
        return (f"<b>{name}</b>: at the start, layer 1's gradient is {ratio:.1e} × the output layer's; "
                f"accuracy after {self.study.steps} steps {r['accuracy']:.1%}; "
                f"at most {sat:.0%} of a hidden layer's neurons {flat}.")
