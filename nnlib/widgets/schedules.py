"""Learning-rate schedules (notebook 9): pick a schedule, see eta against epoch and the training it gives.

A schedule is a function of the epoch that returns the learning rate (nnlib.train):

    constant     eta_t = eta
    step         eta_t = eta * 0.5^(t // every)            halve it every few epochs
    exponential  eta_t = eta * gamma^t                      shrink it a little every epoch
    cosine       eta_t = eta_min + (eta - eta_min)(1 + cos(pi t / T)) / 2   glide down to eta_min

Training is slow, so the explorer never trains: `schedule_runs()` trains the same network once per
schedule (same seed, same data, same mini-batches) and the explorer only looks the runs up.
"""
import numpy as np

from .. import plots
from ..network import Network
from ..train import TrainingDiverged, constant, cosine, exponential, fit, step_decay
from . import Explorer, selector

NAMES = ("constant", "step", "exponential", "cosine")


def make_schedules(eta, epochs):
    """The four schedules of the notebook, all starting at eta: name -> function of the epoch."""
    return {"constant": constant(eta),
            "step": step_decay(eta, drop=0.5, every=max(1, epochs // 3)),
            "exponential": exponential(eta, gamma=0.75),
            "cosine": cosine(eta, epochs)}


def schedule_runs(X, y, X_val, y_val, eta=1.0, epochs=12, batch_size=20, hidden=30, seed=0, dtype=None):
    """Train Network([n_in, hidden, 10], softmax output, cross-entropy) once per schedule.

    Returns name -> dict(eta=[...], train_cost=[...], val_cost=[...], val_accuracy=[...],
    diverged=None or the TrainingDiverged message). Every run starts from the same weights and
    sees the same mini-batches: only the schedule differs. dtype: the networks' floating-point
    type; by default that of X (float32 digits train about twice as fast), float64 otherwise."""
    if dtype is None:
        dtype = np.asarray(X).dtype if np.issubdtype(np.asarray(X).dtype, np.floating) else np.float64
    runs = {}
    for name, schedule in make_schedules(eta, epochs).items():
        net = Network([np.shape(X)[1], hidden, 10], hidden="sigmoid", output="softmax",
                      cost="cross_entropy", init="scaled", seed=seed, dtype=dtype)
        diverged = None
        try:
            h = fit(net, X, y, epochs=epochs, batch_size=batch_size, eta=schedule,
                    validation=(X_val, y_val), progress=False, seed=seed)
        except TrainingDiverged as e:
            h, diverged = e.history, str(e)
        runs[name] = {"eta": [schedule(t) for t in range(epochs)], "train_cost": list(h.train_cost),
                      "val_cost": list(h.val_cost), "val_accuracy": list(h.val_accuracy),
                      "diverged": diverged}
    return runs


class SchedulesExplorer(Explorer):
    """Choose a schedule: left, eta per epoch; right, the validation cost per epoch it gave.
    The other schedules stay in the picture, faint, for comparison."""
    figsize = (10.5, 4.0)

    def __init__(self, runs, **values):
        missing = [n for n in NAMES if n not in runs]
        if missing:
            raise ValueError(f"runs has no {', '.join(missing)}: make them with schedule_runs(...).")
        self.runs = runs
        self.epochs = len(runs["constant"]["eta"])
        super().__init__(**values)

    def make_controls(self):
        return {"schedule": selector("schedule", list(NAMES), "cosine")}

    def compute(self, schedule):
        r = self.runs[schedule]
        n = len(r["val_cost"])
        return {"schedule": schedule, "epochs": np.arange(1, self.epochs + 1), "eta": np.asarray(r["eta"]),
                "val_epochs": np.arange(1, n + 1), "val_cost": np.asarray(r["val_cost"]),
                "val_accuracy": np.asarray(r["val_accuracy"]), "train_cost": np.asarray(r["train_cost"]),
                "diverged": r["diverged"]}

    def setup(self, fig):
        ax, bx = fig.subplots(1, 2)
        e = np.arange(1, self.epochs + 1)
        top_eta = max(max(r["eta"]) for r in self.runs.values())
        costs = np.concatenate([r["val_cost"] for r in self.runs.values() if r["val_cost"]])
        for name in NAMES:
            r = self.runs[name]
            ax.plot(e, r["eta"], color="0.75", lw=1.2)
            bx.plot(np.arange(1, len(r["val_cost"]) + 1), r["val_cost"], color="0.75", lw=1.2)
        ax.set(xlim=(0.5, self.epochs + 0.5), ylim=(0, 1.08 * top_eta), xlabel="epoch",
               ylabel="learning rate η", title="the schedule")
        bx.set(xlim=(0.5, self.epochs + 0.5), xlabel="epoch", ylabel="validation cost",
               title="the training it gives")
        if costs.size:
            lo, hi = costs.min(), np.percentile(costs, 90)
            bx.set_ylim(lo - 0.1 * (hi - lo), hi + 0.25 * (hi - lo))
        self.eta_line, = ax.plot([], [], color=plots.color(3), ls=plots.linestyle(0), lw=3, marker="o", markersize=5)
        self.cost_line, = bx.plot([], [], color=plots.color(3), ls=plots.linestyle(0), lw=3, marker="o", markersize=5)
        self.best_dot, = bx.plot([], [], "*", color=plots.COLORS["black"], markersize=14)
        self.animate(self.eta_line, self.cost_line, self.best_dot)

    def update(self, r):
        self.eta_line.set_data(r["epochs"], r["eta"])
        self.cost_line.set_data(r["val_epochs"], r["val_cost"])
        if r["diverged"]:
            self.best_dot.set_data([], [])
            return f"<b>{r['schedule']}: {r['diverged']}</b>"
        best = int(np.argmin(r["val_cost"]))
        self.best_dot.set_data([r["val_epochs"][best]], [r["val_cost"][best]])
        return (f"{r['schedule']}: η from {r['eta'][0]:.3g} to {r['eta'][-1]:.3g}; after {len(r['val_cost'])} "
                f"epochs validation cost {r['val_cost'][-1]:.3f} (lowest {r['val_cost'][best]:.3f}, epoch "
                f"{best + 1}), validation accuracy {r['val_accuracy'][-1]:.1%}, training cost "
                f"{r['train_cost'][-1]:.3f}.")
