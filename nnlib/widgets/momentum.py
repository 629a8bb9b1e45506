"""Momentum on an ill-conditioned valley (notebook 9).

The cost is a long, narrow valley: shallow along w1, steep across it (w2),

    C(w1, w2) = 1/2 (h1 w1^2 + h2 w2^2),   with h1 = 1 and h2 = 50 (a condition number of 50).

Plain gradient descent must keep eta below 2/h2 = 0.04 or it bounces out across the valley, and
with such a small eta it creeps along the floor: each step shrinks w1 only by the factor (1 - eta h1).
Momentum keeps a velocity v that remembers past steps,

    v <- mu v - eta grad C,    w <- w + v,

so the steady pull along the floor adds up: there the step grows to about eta / (1 - mu) times the
gradient (10 times for mu = 0.9). Across the valley the gradient flips sign at every bounce, so the
velocity does not build up there; the bounces die away by a factor of about sqrt(mu) per step,
which is why too much momentum swings for a long time. Momentum also raises the largest stable
learning rate in the steep direction from 2/h2 to 2(1 + mu)/h2; Nesterov's look-ahead damps the
swings along the floor better but lowers that limit to 2(1 + mu)/((1 + 2 mu) h2) (`eta_limit`).
The paths are computed by nnlib.train.SGD, the very optimizer that fit() uses.
"""
import numpy as np

from .. import plots
from ..train import SGD
from . import Explorer, selector, slider

H = np.array([1.0, 50.0])       # the valley's curvature along w1 and across it (w2)
START = np.array([-9.0, 2.0])   # where both runs start
STEPS = 50
XLIM, YLIM = (-10.5, 3.5), (-3.0, 3.0)
METHODS = {"momentum (heavy ball)": False, "Nesterov momentum": True}


def valley_cost(w1, w2):
    """C(w1, w2) = 1/2 (h1 w1^2 + h2 w2^2); works on numbers and on arrays (a grid)."""
    return 0.5 * (H[0] * np.asarray(w1) ** 2 + H[1] * np.asarray(w2) ** 2)


def valley_gradient(w):
    """grad C = (h1 w1, h2 w2)."""
    return H * w


def eta_limit(mu=0.0, nesterov=False, h=H[1]):
    """The largest learning rate that does not diverge along a direction of curvature h:
    2/h for plain gradient descent, 2(1 + mu)/h with momentum, 2(1 + mu)/((1 + 2 mu) h) with
    Nesterov momentum (from the eigenvalues of one step's linear map on a quadratic)."""
    if not 0 <= mu < 1:
        raise ValueError(f"mu must be in [0, 1), like 0.9; got {mu!r}.")
    return 2 * (1 + mu) / (((1 + 2 * mu) if nesterov else 1) * h)


def descent_path(eta, mu=0.0, nesterov=False, steps=STEPS, start=START):
    """The points w_0, w_1, ..., w_steps of SGD (with momentum mu) on the valley, shape (steps+1, 2),
    and the cost at each point. Stops early (shorter arrays) when the cost blows up past 1e6
    times its start: a diverging run is not followed off to infinity."""
    w = np.array(start, dtype=float)
    opt = SGD(momentum=mu, nesterov=nesterov) if mu > 0 else SGD()
    path = [w.copy()]
    limit = 1e6 * valley_cost(*w)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.step([w], [valley_gradient(w)], eta)
            if not np.all(np.isfinite(w)) or valley_cost(*w) > limit:
                break
            path.append(w.copy())
    path = np.array(path)
    return path, valley_cost(path[:, 0], path[:, 1])


def _status(path, cost, steps=STEPS):
    """'converging', or a sentence saying how the run went wrong."""
    if len(path) < steps + 1:
        return f"diverged after {len(path) - 1} steps"
    if cost[-1] > cost[0]:
        return "diverging (the cost grows)"
    return "converging"


def _visible(path):
    """The path up to its first point outside the picture (the rest is not drawn)."""
    inside = (path[:, 0] >= XLIM[0]) & (path[:, 0] <= XLIM[1]) & (path[:, 1] >= YLIM[0]) & (path[:, 1] <= YLIM[1])
    out = np.flatnonzero(~inside)
    return path if len(out) == 0 else path[:out[0] + 1]


class MomentumExplorer(Explorer):
    """Slide mu (and eta): the path of plain gradient descent and of momentum, side by side."""
    figsize = (10.5, 4.1)

    def make_controls(self):
        return {"mu": slider("momentum μ", 0.7, 0.0, 0.99, 0.01, fmt=".2f", width="300px"),
                "eta": slider("learning rate η", 0.03, 0.005, 0.05, 0.001, fmt=".3f", width="300px"),
                "method": selector("kind", list(METHODS), "momentum (heavy ball)")}

    def compute(self, mu, eta, method):
        nesterov = METHODS[method] and mu > 0
        plain, plain_cost = descent_path(eta)
        path, cost = descent_path(eta, mu, nesterov)
        return {"mu": mu, "eta": eta, "method": method if mu > 0 else "plain", "nesterov": nesterov,
                "plain": plain, "plain_cost": plain_cost, "plain_status": _status(plain, plain_cost),
                "path": path, "cost": cost, "status": _status(path, cost)}

    def setup(self, fig):
        ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
        g1, g2 = np.linspace(*XLIM, 200), np.linspace(*YLIM, 120)
        W1, W2 = np.meshgrid(g1, g2)
        levels = np.geomspace(0.05, valley_cost(XLIM[0], YLIM[1]), 12)
        ax.contour(W1, W2, valley_cost(W1, W2), levels=levels, cmap=plots.CMAP_SEQUENTIAL, linewidths=1)
        ax.plot([0], [0], "*", color=plots.COLORS["black"], markersize=14, label="minimum")
        ax.plot([START[0]], [START[1]], "s", color=plots.COLORS["black"], markersize=7)
        ax.set(xlim=XLIM, ylim=YLIM, xlabel="$w_1$ (shallow: along the valley)",
               ylabel="$w_2$ (steep)", title=f"{STEPS} steps on a narrow valley")
        ax.grid(False)
        self.plain_line, = ax.plot([], [], color=plots.color(0), ls=plots.linestyle(1), lw=1.8,
                                   marker="o", markersize=3, label="plain gradient descent")
        self.mom_line, = ax.plot([], [], color=plots.color(3), ls=plots.linestyle(0), lw=2.2,
                                 marker="o", markersize=3, label="with momentum")
        ax.legend(loc="lower right", fontsize=10, framealpha=0.9, frameon=True)
        bx.set(yscale="log", xlim=(0, STEPS), ylim=(1e-8, 1e5), xlabel="step",
               ylabel="cost $C$", title="cost per step")
        self.plain_cost_line, = bx.plot([], [], color=plots.color(0), ls=plots.linestyle(1), lw=2)
        self.mom_cost_line, = bx.plot([], [], color=plots.color(3), ls=plots.linestyle(0), lw=2.5)
        self.animate(self.plain_line, self.mom_line, self.plain_cost_line, self.mom_cost_line)

    def update(self, r):
        left = []
        for line, cline, path, cost in ((self.plain_line, self.plain_cost_line, r["plain"], r["plain_cost"]),
                                        (self.mom_line, self.mom_cost_line, r["path"], r["cost"])):
            shown = _visible(path)
            line.set_data(shown[:, 0], shown[:, 1])
            left.append(len(shown) < len(path))
            cline.set_data(np.arange(len(cost)), np.clip(cost, 1e-8, 1e5))
        name = "Nesterov" if r["nesterov"] else "momentum"

        def say(status, cost, mu, nesterov, leaves):
            if status == "converging":
                text = f"C = {cost[-1]:.2g} after {STEPS} steps"
                return text + (" (its path leaves the picture)" if leaves else "")
            limit = eta_limit(mu, nesterov)
            return (f"<b>{status}</b> (η = {r['eta']:.3f} is above {limit:.3f}, the largest stable η "
                    f"across the valley{'' if mu == 0 else f' with μ = {mu:.2f}'})")

        same = " (μ = 0 is plain gradient descent)" if r["mu"] == 0 else ""
        return (f"plain: {say(r['plain_status'], r['plain_cost'], 0.0, False, left[0])}; "
                f"{name} μ = {r['mu']:.2f}: {say(r['status'], r['cost'], r['mu'], r['nesterov'], left[1])}{same}. "
                f"On the valley floor momentum's step is η/(1−μ) = {r['eta'] / (1 - r['mu']):.3g} "
                f"times the gradient (plain: η = {r['eta']:.3g}).")
