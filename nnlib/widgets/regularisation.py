"""Regularisation on a small training set: L2 and L1 at several strengths (notebook 10).

A `RegularisationStudy` trains the same small network on about 1,000 digits once for each
(kind, lambda) on a grid, and keeps every run: per epoch the training and validation accuracy,
and at the end the first layer's weights. Training one run takes about half a second; the
explorer only looks runs up, so a redraw costs a few milliseconds.

The `RegularisationExplorer` shows one run next to the unregularised one (lambda = 0): left the
training and validation accuracy per epoch (the gap between them is the overfitting), right a
histogram of |w| on a log axis, where L2 moves the whole pile of weights to the left (it shrinks
them all) and L1 piles many of them up at (nearly) zero.

nnlib's strengths have no 1/n: the cost is C = C_0 + l2/2 * sum(w^2) + l1 * sum(|w|) with C_0
the mean cost over the batch. (Nielsen writes lambda/(2n) with n the training-set size, so his
lambda is our l2 times n.)

Three kinds: "L2" and "L1" are fit(l2=...) and fit(l1=...). With plain L1 steps a weight never
lands on 0: it jumps across 0 and jitters within eta*lambda of it. "L1 clipped" takes the same
L1 pull but stops each weight at 0 (the proximal or soft-threshold step, `soft_threshold`),
applied after every step of fit by the callback `ClippedL1`; its switched-off weights are exactly
0. So a run's "near zero" counts the weights within one pull, |w| <= eta*lambda, of 0, and "zero"
the weights that are exactly 0 (exact zeros are drawn in the histogram's leftmost bin).
"""
import numpy as np

from .. import Network, TrainingDiverged, fit, plots
from ..train import ClippedL1, soft_threshold  # noqa: F401  (the clipped L1 step lives in the core)
from . import Explorer, selector, slider

KINDS = ("L2", "L1", "L1 clipped")
#: The grid of strengths: half decades from 1e-4 to 1e-2 (the slider's positions).
LAMBDAS = tuple(float(10.0 ** e) for e in np.arange(-4.0, -1.99, 0.5))
NEAR_ZERO = 1e-3   # the fixed threshold of the first-layer pictures: |w| below this is "(nearly) zero"
FLOOR = 1e-8       # |w| smaller than this (exactly 0 included) is drawn in the leftmost bin
BIN_EDGES = np.logspace(np.log10(FLOOR), 1, 46)   # histogram of |w|, 1e-8 .. 10, 5 bins a decade


def snap(lam):
    """The grid strength nearest to lam (on a log scale); 0 stays 0 (no regularisation)."""
    if not (isinstance(lam, (int, float, np.integer, np.floating)) and np.isfinite(lam) and lam >= 0):
        raise ValueError(f"lambda must be a number >= 0, like 1e-3; got {lam!r}.")
    if lam == 0:
        return 0.0
    grid = np.array(LAMBDAS)
    return float(grid[np.argmin(np.abs(np.log10(grid) - np.log10(lam)))])


def abs_histogram(w):
    """Counts of |w| in the bins BIN_EDGES (values below FLOOR go to the first bin)."""
    # in float64 and clipped to the first edge itself: logspace's first edge is not exactly FLOOR
    # in every NumPy, and FLOOR in float32 lies just below it (numpy 1.23 then dropped exact zeros)
    a = np.clip(np.abs(np.ravel(w)).astype(np.float64), BIN_EDGES[0], BIN_EDGES[-1] * 0.999)
    return np.histogram(a, bins=BIN_EDGES)[0]


class RegularisationStudy:
    """One small network trained on n_train digits, with L2 or L1 at each strength on the grid.

    data: ((X_train, y_train), (X_val, y_val)); by default the bundled digits with 1,000 set
    aside for validation (load_digits(validation=1000)), of which the first n_train / n_val are
    used. The network is [784, hidden, 10] with sigmoid neurons, the cross-entropy cost and the
    video's initialisation (w, b ~ N(0, 1)), which overfits a small set clearly.
    run(kind, lam) returns a dict (cached): history, weights (the first layer's w), near_zero
    (the fraction of those with |w| < NEAR_ZERO), hist (abs_histogram of them), diverged (the
    TrainingDiverged message, or None).
    """

    def __init__(self, data=None, n_train=1000, n_val=500, hidden=30, epochs=20, batch_size=20,
                 eta=1.0, init="normal", seed=0, dtype=np.float32):
        if data is None:
            from ..data import load_digits
            train, val, _ = load_digits(validation=1000, dtype=dtype)
            data = (train, val)
        (X, y), (X_val, y_val) = data
        for name, n, have in (("n_train", n_train, len(X)), ("n_val", n_val, len(X_val))):
            if not (isinstance(n, (int, np.integer)) and 1 <= n <= have):
                raise ValueError(f"{name} must be a whole number from 1 to {have} (the examples given); "
                                 f"got {n!r}.")
        self.X, self.y = np.asarray(X[:n_train], dtype=dtype), np.asarray(y[:n_train])
        self.X_val, self.y_val = np.asarray(X_val[:n_val], dtype=dtype), np.asarray(y_val[:n_val])
        self.sizes = [self.X.shape[1], hidden, 10]
        self.epochs, self.batch_size, self.eta = epochs, batch_size, eta
        self.init, self.seed, self.dtype = init, seed, dtype
        self.runs = {}

    def network(self):
        """A fresh network, the same one every time (seeded)."""
        return Network(self.sizes, hidden="sigmoid", output="sigmoid", cost="cross_entropy",
                       init=self.init, seed=self.seed, dtype=self.dtype)

    def fit_options(self, kind="L2", lam=0.0):
        """The keyword arguments of fit() for one run: the same for every run but the strength."""
        if lam == 0:
            strengths = {}
        elif kind == "L1 clipped":
            strengths = {"callback": ClippedL1(lam)}
        else:
            strengths = {"l2": lam} if kind == "L2" else {"l1": lam}
        return dict(epochs=self.epochs, batch_size=self.batch_size, eta=self.eta,
                    validation=(self.X_val, self.y_val), progress=False, seed=self.seed, **strengths)

    def run(self, kind, lam):
        if kind not in KINDS:
            raise ValueError(f"unknown regularisation {kind!r}: choose one of {', '.join(KINDS)}.")
        lam = snap(lam)
        key = ("none", 0.0) if lam == 0 else (kind, lam)
        if key not in self.runs:
            net = self.network()
            diverged = None
            try:
                history = fit(net, self.X, self.y, **self.fit_options(kind, lam))
            except TrainingDiverged as e:
                history, diverged = e.history, str(e)
            self._store(key, net, history, diverged)
        return self.runs[key]

    def record(self, kind, lam, net, history):
        """Keep a run trained outside the study, e.g. in a notebook cell that shows the fit() call:
        it must be this study's network trained with fit(net, X, y, **study.fit_options(kind, lam))."""
        lam = snap(lam)
        if list(net.sizes) != self.sizes or len(history.val_accuracy) != self.epochs:
            raise ValueError(f"this run does not match the study: a {self.sizes} network trained for "
                             f"{self.epochs} epochs with validation; got {net.sizes} and "
                             f"{len(history.val_accuracy)} validated epochs.")
        self._store(("none", 0.0) if lam == 0 else (kind, lam), net, history, None)
        return self

    def _store(self, key, net, history, diverged):
        w = net.weights[0]
        band = self.eta * key[1]   # one L1 pull: plain L1 jitters within this distance of 0
        self.runs[key] = {"kind": key[0], "lam": key[1], "history": history, "diverged": diverged,
                          "weights": w.copy(), "band": band,
                          "near_zero": float(np.mean(np.abs(w) <= band)),
                          "zero": float(np.mean(w == 0)), "hist": abs_histogram(w), "net": net}

    def precompute(self, kinds=KINDS, lambdas=LAMBDAS):
        """Train every run on the grid (and lambda = 0) now, so the explorer never waits."""
        self.run(KINDS[0], 0.0)
        for kind in kinds:
            for lam in lambdas:
                self.run(kind, lam)
        return self

    def table(self):
        """Rows (kind, lambda, final train accuracy, final validation accuracy, fraction of
        first-layer weights with |w| <= eta*lambda, fraction exactly 0) of the runs made so far,
        sorted by kind (in the order of KINDS, "none" last) and lambda."""
        rows = []
        order = {k: i for i, k in enumerate(KINDS + ("none",))}
        for (kind, lam), r in sorted(self.runs.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
            h = r["history"]
            rows.append((kind, lam, h.train_accuracy[-1] if h.train_accuracy else float("nan"),
                         h.val_accuracy[-1] if h.val_accuracy else float("nan"), r["near_zero"], r["zero"]))
        return rows


class RegularisationExplorer(Explorer):
    """Choose L2 or L1 and a strength lambda; see the accuracy curves and the weights' sizes."""
    figsize = (9.6, 3.7)

    def __init__(self, study=None, **values):
        self.study = study if study is not None else RegularisationStudy()
        super().__init__(**values)

    def make_controls(self):
        return {"kind": selector("regularisation", list(KINDS), "L2"),
                "lam": slider("λ", 1e-3, -4, -2, 0.5, log=True, fmt=".2g")}

    def compute(self, kind, lam):
        run = self.study.run(kind, lam)
        base = self.study.run(kind, 0.0)
        h = run["history"]
        n = len(h.val_accuracy)
        best = int(np.argmax(h.val_accuracy)) if n else None
        return {"kind": kind, "lam": run["lam"], "diverged": run["diverged"],
                "epochs": np.arange(1, n + 1), "train": np.array(h.train_accuracy[:n]),
                "val": np.array(h.val_accuracy), "best": best, "hist": run["hist"],
                "near_zero": run["near_zero"], "zero": run["zero"], "band": run["band"],
                "base_near_zero": float(np.mean(np.abs(base["weights"]) <= run["band"])),
                "base_val": base["history"].val_accuracy[-1] if base["history"].val_accuracy else None}

    def setup(self, fig):
        self.ax_acc, self.ax_w = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        base = self.study.run(KINDS[0], 0.0)
        h = base["history"]
        e = np.arange(1, len(h.val_accuracy) + 1)
        ax = self.ax_acc
        ax.plot(e, h.train_accuracy, color=plots.COLORS["black"], lw=1.5, alpha=0.45, ls=":",
                label="training, λ = 0")
        ax.plot(e, h.val_accuracy, color=plots.COLORS["black"], lw=1.5, alpha=0.45, ls="-.",
                label="validation, λ = 0")
        self.train_line, = ax.plot([], [], color=plots.color(0), ls=plots.linestyle(0), label="training, chosen λ")
        self.val_line, = ax.plot([], [], color=plots.color(1), ls=plots.linestyle(1), label="validation, chosen λ")
        self.best_dot, = ax.plot([], [], "o", color=plots.color(1), ms=9, mec="black", label="best validation")
        self.animate(self.train_line, self.val_line, self.best_dot)
        ax.set_xlim(0, self.study.epochs + 1)
        ax.set_ylim(0.5, 1.005)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.legend(loc="lower right", fontsize=10, ncol=2)
        ax = self.ax_w
        ax.stairs(base["hist"], BIN_EDGES, color=plots.COLORS["black"], alpha=0.45, lw=1.5, ls="--",
                  label="λ = 0")
        self.stairs = ax.stairs(np.zeros(len(BIN_EDGES) - 1), BIN_EDGES, fill=True, alpha=0.55,
                                color=plots.color(0), label="chosen λ")
        self.animate(self.stairs)
        from matplotlib.patches import Rectangle
        self.band = Rectangle((FLOOR * 0.5, 0), NEAR_ZERO - FLOOR * 0.5, 1, transform=ax.get_xaxis_transform(),
                              color=plots.COLORS["green"], alpha=0.12, lw=0)
        ax.add_patch(self.band)
        self.band_edge = ax.axvline(NEAR_ZERO, color=plots.COLORS["green"], ls=":", lw=1.5)
        self.band_text = ax.text(NEAR_ZERO * 0.7, 0.97, "|w| ≤ ηλ", transform=ax.get_xaxis_transform(),
                                 ha="right", va="top", fontsize=11, color=plots.COLORS["green"])
        self.animate(self.band, self.band_edge, self.band_text)
        ax.set_xscale("log")
        ax.set_xlim(FLOOR * 0.5, BIN_EDGES[-1])
        ax.set_ylim(0, len(base["weights"].ravel()) * 0.25)
        ax.set_xlabel("|w|, first-layer weights (log scale)")
        ax.set_ylabel("number of weights")
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.88), fontsize=10)

    def update(self, r):
        lam_text = "0" if r["lam"] == 0 else f"{r['lam']:.2g}"
        if r["diverged"]:
            self.train_line.set_data([], [])
            self.val_line.set_data([], [])
            self.best_dot.set_data([], [])
            self.stairs.set_data(np.zeros(len(BIN_EDGES) - 1))
            return f"<b>{r['kind']}, λ = {lam_text}:</b> {r['diverged']}"
        self.train_line.set_data(r["epochs"], r["train"])
        self.val_line.set_data(r["epochs"], r["val"])
        b = r["best"]
        self.best_dot.set_data([r["epochs"][b]], [r["val"][b]])
        lowest = min(r["train"].min(), r["val"].min())
        bottom = 0.5 if lowest > 0.5 else 0.0
        if self.ax_acc.get_ylim()[0] != bottom:
            self.ax_acc.set_ylim(bottom, 1.005)
            self.full_redraw()
        cap = self.ax_w.get_ylim()[1]
        self.stairs.set_data(np.minimum(r["hist"], cap))
        edge = max(r["band"], FLOOR)
        self.band.set_width(edge - FLOOR * 0.5)
        self.band_edge.set_xdata([edge, edge])
        self.band_text.set_x(edge * 0.7)
        gap = r["train"][-1] - r["val"][-1]
        base = "diverged" if r["base_val"] is None else f"{r['base_val']:.1%}"
        return (f"<b>{r['kind']}, λ = {lam_text}</b>: after {len(r['epochs'])} epochs training "
                f"{r['train'][-1]:.1%}, validation {r['val'][-1]:.1%} (gap {gap * 100:.1f} points; "
                f"without regularisation {base}); best validation {r['val'][b]:.1%} "
                f"at epoch {b + 1}. Within one pull of 0 (|w| ≤ ηλ = {r['band']:.2g}): {r['near_zero']:.1%} "
                f"of the first layer's weights (λ = 0: {r['base_near_zero']:.1%}); exactly 0: {r['zero']:.1%}.")
