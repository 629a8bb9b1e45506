"""Cost landscapes and the paths gradient descent takes across them (notebooks 3 and 6).

NumPy only, no drawing: the explorers in nnlib.widgets.descent and the pictures in nnlib.plots
call these, and tests/test_descent.py checks them directly.

    one step of gradient descent:   w <- w - eta * dC/dw

* `Bowl`: a 2-D quadratic cost C(w) = 1/2 (w - w*)^T H (w - w*), an elongated, tilted valley.
  Along a direction of curvature lam the step multiplies the distance to the minimum by
  (1 - eta * lam): gradient descent converges only when eta < 2 / lam_max.
* `Curve`: a 1-D cost; `parabola(...)` and the two-valley `double_well()` (local minima).
* `Neuron`: a REAL two-parameter model, one neuron a = sigma(w x + b) with the quadratic cost
  C = 1/2 mean (a - y)^2 over a data set: its gradient on a mini-batch is the genuine, noisy
  estimate that stochastic gradient descent follows.
* `gradient_descent(...)` and `minibatch_descent(...)` return a `Path`; a run whose cost becomes
  inf/NaN or runs away is stopped and reported (`path.diverged`, `path.message`), never returned
  as garbage numbers.
"""
import math

import numpy as np

from .activations import ACTIVATIONS


class Path:
    """Where gradient descent went.

    points:  (k + 1, d) the parameters before the first step and after each step
    costs:   (k + 1,) the (full) cost at each of those points
    eta:     the learning rate
    diverged, message: whether the run was stopped because the cost ran away, and why
    For mini-batch runs also: batch_costs (k,) the cost of each step's mini-batch before its
    step, epochs (k + 1,) the epochs done at each point (fractional inside an epoch), and
    batch_size, steps_per_epoch.
    """

    def __init__(self, points, costs, eta, diverged=False, message=""):
        self.points = np.asarray(points, dtype=float)
        self.costs = np.asarray(costs, dtype=float)
        self.eta, self.diverged, self.message = float(eta), bool(diverged), message
        self.batch_costs = self.epochs = None
        self.batch_size = self.steps_per_epoch = None

    @property
    def steps(self):
        """The number of steps taken (before any divergence stopped the run)."""
        return len(self.points) - 1

    @property
    def final_cost(self):
        return float(self.costs[-1])

    def __repr__(self):
        state = "diverged" if self.diverged else f"final cost {self.final_cost:.4g}"
        return f"Path(eta={self.eta:g}, {self.steps} steps, {state})"


def _check_eta(eta):
    if isinstance(eta, bool) or not isinstance(eta, (int, float, np.integer, np.floating)) \
            or not math.isfinite(eta) or eta <= 0:
        raise ValueError(f"the learning rate eta must be a positive number, like 0.1; got {eta!r}.")
    return float(eta)


def _check_count(name, value, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}.")
    return int(value)


def _scalar(c):
    """A cost as a float (a 1-D curve gives it back as an array of one number)."""
    return float(np.asarray(c, dtype=float).reshape(-1)[0])


def _diverged_message(where, cost, eta):
    return (f"gradient descent diverged at {where}: the cost became {cost:.3g}. The learning "
            f"rate eta={eta:g} is too large for this cost; try a smaller one (e.g. eta={eta / 10:g}).")


def _ran_away(cost, start_cost, blowup):
    """inf/NaN, or `blowup` times above where it started: the steps overshoot more every time."""
    return not math.isfinite(cost) or cost > blowup * max(start_cost, 1e-12)


def gradient_descent(cost, gradient, w0, eta, steps=50, blowup=1e3):
    """Take `steps` steps of w <- w - eta * gradient(w) from w0; return the Path.

    cost(w) and gradient(w) take the parameters as an array of shape (d,) (or a number for a
    1-D cost). The run stops early, with path.diverged set and path.message saying so, when the
    cost becomes inf/NaN or grows above `blowup` times its starting value.
    """
    eta = _check_eta(eta)
    steps = _check_count("steps", steps)
    w = np.array(w0, dtype=float).reshape(-1)
    points, costs = [w.copy()], [_scalar(cost(w))]
    if not math.isfinite(costs[0]):
        raise ValueError(f"the cost at the starting point {w0!r} is {costs[0]}: start somewhere the cost is finite.")
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            w = w - eta * np.asarray(gradient(w), dtype=float).reshape(-1)
            c = _scalar(cost(w))
            if _ran_away(c, costs[0], blowup) or not np.all(np.isfinite(w)):
                path = Path(points, costs, eta, True, _diverged_message(f"step {k}", c, eta))
                if np.all(np.isfinite(w)) and math.isfinite(c):
                    path.points = np.vstack([path.points, w])  # the step that ran away: drawable
                    path.costs = np.append(path.costs, c)
                return path
            points.append(w.copy())
            costs.append(c)
    return Path(points, costs, eta)


def describe(path, tol=0.02):
    """One word for what a path did:
    'diverged'     the cost ran away (path.diverged);
    'converged'    the last step is under `tol` of the longest: the slope has all but vanished;
    'oscillating'  not converged, and most steps reverse the direction of the one before;
    'crawling'     not converged, still going steadily downhill: more steps or a larger eta.
    """
    if path.diverged:
        return "diverged"
    steps = np.diff(path.points, axis=0)
    if len(steps) == 0:
        return "crawling"
    length = np.sqrt(np.sum(steps ** 2, axis=1))
    if length[-1] <= tol * max(length.max(), 1e-300):
        return "converged"
    reversals = np.mean(np.sum(steps[1:] * steps[:-1], axis=1) < 0) if len(steps) > 1 else 0.0
    return "oscillating" if reversals > 0.5 else "crawling"


def zigzags(path, first=10):
    """True when, within the `first` steps, some coordinate's step flips sign at least twice:
    the path overshoots the valley floor and comes back, even if it converges in the end."""
    steps = np.diff(path.points, axis=0)[:first]
    flips = np.sum(steps[1:] * steps[:-1] < 0, axis=0)
    return len(steps) > 2 and bool(flips.max() >= 2)


# ---- the costs ---------------------------------------------------------------------------------
class Bowl:
    """C(w) = 1/2 (w - w*)^T H (w - w*): a quadratic valley with curvatures `curvatures` along
    axes turned by `angle` degrees. H's largest curvature lam_max sets the critical learning
    rate 2 / lam_max above which gradient descent diverges."""

    def __init__(self, curvatures=(1.0, 10.0), angle=30.0, minimum=(1.0, 0.5),
                 start=(-2.2, -0.4), xlim=(-3.0, 4.0), ylim=(-2.5, 3.0)):
        lam = np.asarray(curvatures, dtype=float)
        if lam.shape != (2,) or not np.all(lam > 0):
            raise ValueError(f"curvatures must be two positive numbers, like (1, 10); got {curvatures!r}.")
        t = np.deg2rad(angle)
        self.axes = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])  # columns: directions
        self.curvatures = lam
        self.H = self.axes @ np.diag(lam) @ self.axes.T
        self.minimum = np.asarray(minimum, dtype=float)
        self.start = np.asarray(start, dtype=float)
        self.xlim, self.ylim = tuple(xlim), tuple(ylim)

    @property
    def critical_eta(self):
        """Gradient descent converges for eta < 2 / lam_max and diverges above."""
        return 2.0 / float(self.curvatures.max())

    @property
    def best_eta(self):
        """The fastest learning rate, 2 / (lam_min + lam_max): it makes the gentle and the steep
        direction shrink by the same factor (lam_max - lam_min) / (lam_max + lam_min) per step."""
        return 2.0 / float(self.curvatures.min() + self.curvatures.max())

    def rate(self, eta):
        """How much one step multiplies the distance to the minimum, in the slowest direction:
        max over the curvatures lam of |1 - eta lam| (below 1: converges; the smaller, the faster)."""
        return float(np.max(np.abs(1.0 - float(eta) * self.curvatures)))

    def cost(self, w):
        """C at w of shape (..., 2): works on a single point or on a whole grid."""
        d = np.asarray(w, dtype=float) - self.minimum
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.H, d)

    def gradient(self, w):
        return (np.asarray(w, dtype=float) - self.minimum) @ self.H

    def steep_slice(self):
        """The 1-D cost along the steepest direction through the minimum: the parabola that
        breaks first when eta grows (C(s) = lam_max/2 * s^2 with s the distance along it)."""
        lam = float(self.curvatures.max())
        s0 = float((self.start - self.minimum) @ self.axes[:, int(np.argmax(self.curvatures))])
        return parabola(curvature=lam, minimum=0.0, start=s0, xlim=(-2.2 * abs(s0), 2.2 * abs(s0)))


class Curve:
    """A 1-D cost C(w) with its derivative, a drawing range and a default start."""

    def __init__(self, cost, gradient, start, xlim, name="C(w)"):
        self._cost, self._gradient = cost, gradient
        self.start, self.xlim, self.name = float(start), tuple(xlim), name

    def cost(self, w):
        return self._cost(np.asarray(w, dtype=float))

    def gradient(self, w):
        return self._gradient(np.asarray(w, dtype=float))


def parabola(curvature=10.0, minimum=0.0, start=1.0, xlim=(-2.0, 2.0)):
    """C(w) = curvature/2 * (w - minimum)^2: diverges for eta > 2 / curvature."""
    k, m = float(curvature), float(minimum)
    return Curve(lambda w: 0.5 * k * (w - m) ** 2, lambda w: k * (w - m), start, xlim,
                 f"C(w) = {k:g}/2 (w - {m:g})²" if m else f"C(w) = {k:g}/2 w²")


def double_well():
    """A non-convex 1-D cost with a deep valley (left, w ~ -2.35) and a shallower one (right,
    w ~ 2.1): C(w) = w^4/20 - w^2/2 + w/4 + 2. Where you start decides where you end."""
    return Curve(lambda w: w ** 4 / 20 - w ** 2 / 2 + w / 4 + 2.0,
                 lambda w: w ** 3 / 5 - w + 0.25, start=0.5, xlim=(-3.2, 3.2),
                 name="C(w) = w⁴/20 − w²/2 + w/4 + 2")


def local_minima(curve):
    """The w where a 1-D curve has a local minimum (from the roots of a cubic-or-smooth
    gradient, found on a fine grid and polished by bisection)."""
    w = np.linspace(*curve.xlim, 4001)
    g = curve.gradient(w)
    found = []
    for i in np.flatnonzero((g[:-1] < 0) & (g[1:] >= 0)):
        lo, hi = w[i], w[i + 1]
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if curve.gradient(mid) < 0 else (lo, mid)
        found.append(0.5 * (lo + hi))
    return np.array(found)


def grid(cost, xlim, ylim, n=120):
    """The cost on an n x n grid: returns (W1, W2, C), ready for contour plots."""
    W1, W2 = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    return W1, W2, cost(np.stack([W1, W2], axis=-1))


def clip_to_box(points, xlim, ylim):
    """The part of a path (k, 2) inside the box, up to where it first leaves it; the last point
    is then the crossing with the box's edge, so a diverging path is drawn to the picture's
    border and no further."""
    p = np.asarray(points, dtype=float)
    (x0, x1), (y0, y1) = xlim, ylim
    inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1) & np.all(np.isfinite(p), axis=1)
    if inside.all():
        return p
    k = int(np.argmin(inside))  # the first point outside
    if k == 0:
        return p[:0]
    a, b = p[k - 1], p[k]
    if not np.all(np.isfinite(b)):
        return p[:k]
    d = b - a
    t = 1.0
    for lo, hi, i in ((x0, x1, 0), (y0, y1, 1)):
        if d[i] > 0:
            t = min(t, (hi - a[i]) / d[i])
        elif d[i] < 0:
            t = min(t, (lo - a[i]) / d[i])
    return np.vstack([p[:k], a + max(t, 0.0) * d])


# ---- a real two-parameter model ----------------------------------------------------------------
class Neuron:
    """One neuron a = sigma(w x + b) fitted to data (x, y) with C = 1/2 mean (a - y)^2.

    The same model as Network([1, 1], output=activation) with the quadratic cost, written out so
    the cost can be evaluated on a whole grid of (w, b) at once. Parameters are p = (w, b).
    """

    def __init__(self, x, y, activation="identity", start=(-2.0, 2.0), xlim=(-3.0, 4.0), ylim=(-2.5, 3.0)):
        x, y = np.asarray(x, dtype=float).reshape(-1), np.asarray(y, dtype=float).reshape(-1)
        if len(x) != len(y) or len(x) < 1:
            raise ValueError(f"x and y must hold one number per example and as many of each; got {len(x)} and {len(y)}.")
        if activation not in ("identity", "sigmoid", "tanh"):
            raise ValueError(f"activation must be 'identity', 'sigmoid' or 'tanh'; got {activation!r}.")
        self.x, self.y, self.sigma = x, y, ACTIVATIONS[activation]
        self.start = np.asarray(start, dtype=float)
        self.xlim, self.ylim = tuple(xlim), tuple(ylim)

    @property
    def n(self):
        return len(self.x)

    def cost(self, p, idx=None):
        """The mean cost over the examples (or over the mini-batch `idx`) at p of shape (..., 2)."""
        p = np.asarray(p, dtype=float)
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        a = self.sigma(p[..., :1] * x + p[..., 1:])
        return 0.5 * np.mean((a - y) ** 2, axis=-1)

    def gradient(self, p, idx=None):
        """(dC/dw, dC/db) of the mean cost over the examples (or the mini-batch `idx`):
        delta = (a - y) sigma'(z) per example, dC/dw = mean(delta x), dC/db = mean(delta)."""
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        w, b = p
        z = w * x + b
        a = self.sigma(z)
        delta = (a - y) * self.sigma.prime(z, a)
        return np.array([np.mean(delta * x), np.mean(delta)])

    def gradients(self, P, idx=None):
        """The gradient at many parameter points at once: P of shape (k, 2) -> (k, 2)."""
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        P = np.asarray(P, dtype=float)
        z = P[:, :1] * x + P[:, 1:]
        a = self.sigma(z)
        delta = (a - y) * self.sigma.prime(z, a)
        return np.stack([np.mean(delta * x, axis=-1), np.mean(delta, axis=-1)], axis=-1)

    def best(self, steps=5000, eta=None):
        """The minimum of the full cost (by many full-batch steps; exact for the linear neuron)."""
        if self.sigma.name == "identity":
            A = np.column_stack([self.x, np.ones(self.n)])
            return np.linalg.lstsq(A, self.y, rcond=None)[0]
        path = gradient_descent(self.cost, self.gradient, self.start, eta or 1.0, steps)
        return path.points[-1]


def steps_per_epoch(n, batch_size):
    """Mini-batches in one pass over n examples: ceil(n / m), the last one possibly smaller."""
    n, m = _check_count("n", n, 1), _check_count("batch_size", batch_size, 1)
    return -(-n // m)


def minibatch_descent(model, eta, batch_size, epochs=3, start=None, seed=0, blowup=1e3):
    """Mini-batch gradient descent on `model` (a Neuron, or anything with cost(p, idx) and
    gradient(p, idx) and n): every epoch shuffles the examples (seeded), cuts them into batches of
    `batch_size` (the last one smaller if n is not a multiple), and takes one step per batch with
    that batch's gradient. batch_size >= n is full-batch gradient descent.

    Returns a Path whose costs are the FULL cost at every point, with batch_costs (the cost of
    each step's own batch, which is all a step ever sees) and epochs (passes over the data done).
    """
    eta = _check_eta(eta)
    epochs = _check_count("epochs", epochs)
    m = _check_count("batch_size", batch_size, 1)
    n = model.n
    per_epoch = steps_per_epoch(n, min(m, n))
    rng = np.random.default_rng(seed)
    p = np.array(model.start if start is None else start, dtype=float)
    points, costs, batch_costs, done = [p.copy()], [float(model.cost(p))], [], [0.0]
    diverged, message = False, ""
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            order = rng.permutation(n) if m < n else np.arange(n)
            for step, k in enumerate(range(0, n, m)):
                idx = np.sort(order[k:k + m])  # which examples, in a fixed order: full batch is exact
                batch_costs.append(float(model.cost(p, idx)))
                p = p - eta * model.gradient(p, idx)
                c = float(model.cost(p))
                if _ran_away(c, costs[0], blowup) or not np.all(np.isfinite(p)):
                    diverged = True
                    message = _diverged_message(f"epoch {epoch + 1}, step {step + 1}", c, eta)
                    break
                points.append(p.copy())
                costs.append(c)
                done.append(epoch + (step + 1) / per_epoch)
            if diverged:
                batch_costs.pop()
                break
    path = Path(points, costs, eta, diverged, message)
    path.batch_costs, path.epochs = np.array(batch_costs), np.array(done)
    path.batch_size, path.steps_per_epoch = m, per_epoch
    return path


# ---- a fair comparison: each batch size at its own good learning rate ---------------------------
ETA_GRID = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0)


def _sweep_final_costs(model, etas, batch_size, epochs, seed, blowup=1e3):
    """minibatch_descent's final full cost for every eta at once (the same shuffles and steps,
    one run per eta, vectorised over eta; inf where that run diverged)."""
    n, m = model.n, batch_size
    rng = np.random.default_rng(seed)
    P = np.tile(np.asarray(model.start, dtype=float), (len(etas), 1))
    eta = np.asarray(etas, dtype=float)[:, None]
    c0 = float(model.cost(model.start))
    alive = np.ones(len(etas), dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n) if m < n else np.arange(n)
            for k in range(0, n, m):
                idx = np.sort(order[k:k + m])
                P = np.where(alive[:, None], P - eta * model.gradients(P, idx), P)
                c = model.cost(P)
                alive &= np.isfinite(c) & (c <= blowup * max(c0, 1e-12)) & np.all(np.isfinite(P), axis=1)
    return np.where(alive, model.cost(P), np.inf)


def eta_sweep(model, batch_size, epochs=3, etas=ETA_GRID, seeds=(0, 1, 2)):
    """The full cost after `epochs` passes of mini-batch descent with `batch_size` (the runs of
    minibatch_descent), for every eta in `etas`, averaged over the shuffles `seeds` (inf where any
    run diverged). Returns {eta: mean final cost}."""
    if len(etas) == 0 or len(seeds) == 0:
        raise ValueError("eta_sweep needs at least one learning rate in etas and one seed in seeds.")
    etas = [_check_eta(e) for e in etas]
    m, epochs = _check_count("batch_size", batch_size, 1), _check_count("epochs", epochs)
    if hasattr(model, "gradients"):
        runs = np.array([_sweep_final_costs(model, etas, m, epochs, s) for s in seeds])
    else:  # any model with cost(p, idx), gradient(p, idx) and n: one run at a time
        runs = np.array([[math.inf if p.diverged else p.final_cost for p in
                          (minibatch_descent(model, e, m, epochs, seed=s) for e in etas)] for s in seeds])
    return {e: float(c) for e, c in zip(etas, runs.mean(axis=0))}


def best_eta(model, batch_size, epochs=3, etas=ETA_GRID, seeds=(0, 1, 2)):
    """The eta of `etas` whose runs end lowest on average after `epochs` epochs (see eta_sweep):
    the batch size's own good learning rate for that budget of examples. Ties go to the smaller eta."""
    table = eta_sweep(model, batch_size, epochs, etas, seeds)
    return min(table, key=lambda eta: (table[eta], eta))


def gradient_spread(model, p, batch_size, draws=300, seed=0):
    """`draws` mini-batch gradients at p, each from `batch_size` examples drawn at random without
    replacement (as inside an epoch). Returns (gradients (draws, 2), the full gradient (2,)).

    Every example is equally likely to be in a batch, so the mean of a batch's gradient is the full
    gradient: an unbiased estimate. Its spread around it shrinks like 1 / sqrt(m) (times
    sqrt((n - m) / (n - 1)), the correction for drawing without replacement from n examples)."""
    m = _check_count("batch_size", batch_size, 1)
    if m > model.n:
        raise ValueError(f"batch_size must be at most the {model.n} examples; got {m}.")
    rng = np.random.default_rng(seed)
    grads = np.array([model.gradient(p, rng.choice(model.n, size=m, replace=False)) for _ in range(draws)])
    return grads, model.gradient(p)
