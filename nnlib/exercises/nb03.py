"""Exercises of notebook 03 · Gradient descent."""
from fractions import Fraction

import numpy as np

from . import Hint, close, exercise
from .answers import explained


# ---- 03.gd_step: one step downhill for every parameter array at once ----------------------------
def gd_step(params, grads, eta):
    """One step of gradient descent on a list of parameter arrays (one per layer, like
    net.weights + net.biases): every array moves against its own gradient, eta times its size."""
    return [p - eta * g for p, g in zip(params, grads)]


def _step_case(seed):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (2, 3), (3,), (2,)]          # two weight matrices, two bias vectors
    return [rng.normal(size=s) for s in shapes], [rng.normal(size=s) for s in shapes]


_ETAS = (0.5, 3.0, 0.01)


@exercise("03.gd_step", solution=gd_step, mistakes=[
    (lambda ps, gs, eta: [p + eta * g for p, g in zip(ps, gs)], "uphill"),
    (lambda ps, gs, eta: [p - g for p, g in zip(ps, gs)], "eta"),
    (lambda ps, gs, eta: [-eta * g for g in gs], "new parameters"),
    (lambda ps, gs, eta: [p - g / eta for p, g in zip(ps, gs)], "multiply"),
    (lambda ps, gs, eta: [ps[0] - eta * gs[0]] + list(ps[1:]), "every array"),
    (lambda ps, gs, eta: None, "returns none"),
])
def _check_gd_step(f):
    for seed, eta in enumerate(_ETAS):
        params, grads = _step_case(seed)
        want = gd_step(params, grads, eta)
        got = f([p.copy() for p in params], [g.copy() for g in grads], eta)
        if got is None:
            raise Hint("Your function returns None: end it with `return ...` (the list of new arrays; "
                       "if you changed them in place, return that list).")
        got = list(got)
        if len(got) != len(want):
            raise Hint(f"Return one new array per parameter array: {len(want)} of them, in the same order; "
                       f"you returned {len(got)}.")
        bad = [i for i, (a, b) in enumerate(zip(got, want)) if not close(a, b)]
        if not bad:
            continue
        same = lambda h: all(close(a, h(p, g)) for a, p, g in zip(got, params, grads))
        if same(lambda p, g: p + eta * g):
            raise Hint("That step goes uphill: the gradient points towards steepest ASCENT, so step "
                       "against it, p - eta * g.")
        if same(lambda p, g: p - g):
            raise Hint("You left out the learning rate eta: the step is eta times the gradient.")
        if same(lambda p, g: -eta * g):
            raise Hint("That is the step itself; return the new parameters, each old array plus its step.")
        if same(lambda p, g: p - g / eta):
            raise Hint("Multiply the gradient by eta, do not divide by it.")
        if len(bad) < len(want):
            raise Hint(f"Arrays {bad} (of {len(want)}) are wrong, the others right: step every array in "
                       "the list, each with its own gradient (zip them).")
        raise Hint(f"With eta = {eta}, array 0 should become {np.round(want[0], 3).tolist()}; yours is "
                   f"{np.round(np.asarray(got[0], dtype=float), 3).tolist()}. The rule is p - eta * g for each "
                   "array p and its gradient g.")
    return "p <- p - eta * dC/dp for every array: 13,002 numbers move at once, each against its own slope."


def _number(answer):
    """The learner's answer as a float: a number (0.5, 5e-1, Fraction(1, 2), np.float64) or a string of
    one ('0.5', '1/2', '2/5'); a Hint naming the problem otherwise."""
    if isinstance(answer, bool):
        raise Hint("Answer with one number, like 0.05.")
    try:
        return float(Fraction(answer.strip().replace(" ", "")) if isinstance(answer, str) else answer)
    except (TypeError, ValueError, ZeroDivisionError):
        raise Hint("Answer with one number, like 0.05.") from None


def _positive(x):
    if not np.isfinite(x):
        raise Hint(f"{x} is not a finite number: answer with one number, like 0.05.")
    if x <= 0:
        raise Hint(f"A learning rate is a positive number: with eta = {x:g} the step w - eta * dC/dw does not "
                   "go downhill at all (eta = 0 stands still, a negative eta climbs).")


# ---- 03.critical_eta: when does a step overshoot so far that it diverges? ------------------------
CRITICAL_ETA = explained(0.5, (
    "For C(w) = 2 w^2 the slope is 4 w, so a step gives w - eta * 4 w = (1 - 4 eta) w. It shrinks |w| "
    "while |1 - 4 eta| < 1, i.e. for eta < 2/4 = 0.5; at 0.5 it flips w to -w forever, above it every "
    "step lands further out. (Between 0.25 and 0.5 it zigzags but converges.)"))


@exercise("03.critical_eta", solution=CRITICAL_ETA, mistakes=[
    (0.25, "one step"),
    (1.0, "4 w"),
    (0.2, "c(w) = 2 w^2"),
    (0.49, "still converges"),
    (0.6, "smaller"),
    ("half", "one number"),
    (-0.5, "positive"),
    (0, "positive"),
])
def _check_critical_eta(answer):
    x = _number(answer)
    _positive(x)
    if close(x, CRITICAL_ETA, rtol=1e-6):
        return ("Above eta = 0.5, |1 - 4 eta| > 1: every step lands further from the minimum than "
                "the last, on alternating sides. Between 0.25 and 0.5 it zigzags but converges.")
    if close(x, 0.25, rtol=1e-9):
        raise Hint("At eta = 0.25 one step lands exactly on the minimum (w - 0.25 * 4 w = 0). Larger "
                   "etas overshoot, but they still converge while each step shrinks |w|, i.e. while "
                   "|1 - 4 eta| < 1.")
    if close(x, 1.0, rtol=1e-9):
        raise Hint("2 / 2 uses the 2 of 2 w^2 as the curvature. The slope of C(w) = 2 w^2 is 4 w, so a step "
                   "gives w - eta * 4 w = (1 - 4 eta) w. When does |1 - 4 eta| exceed 1?")
    if close(x, 0.2, rtol=1e-9):
        raise Hint("0.2 is the limit of the notebook's valley (steepest curvature 10). This question is "
                   "about C(w) = 2 w^2, slope 4 w: when does |1 - 4 eta| reach 1?")
    if x < 0.5:
        raise Hint(f"At eta = {x:g} gradient descent still converges: a step multiplies w by "
                   f"(1 - 4 eta) = {1 - 4 * x:g}, which is smaller than 1 in size.")
    raise Hint(f"At eta = {x:g} it does diverge, but it also stops converging at smaller etas: find "
               "the smallest eta where |1 - 4 eta| reaches 1.")


# ---- 03.best_eta: the fastest learning rate for a valley with two curvatures -----------------------
BEST_ETA = explained(0.4, (
    "C = 1/2 s_1^2 + 2 s_2^2 has slopes 1 s_1 and 4 s_2: curvatures lambda = 1 and 4 (not the coefficients "
    "1/2 and 2). A step multiplies the distance along each direction by |1 - eta * lambda|. Raising eta speeds up "
    "the gentle direction (1 - eta * 1 falls) but, past 1/4, slows the steep one (4 eta - 1 grows); the "
    "slower of the two sets the pace, so the best eta makes them equal: 1 - eta = 4 eta - 1, "
    "eta = 2 / (1 + 4) = 0.4, where both shrink by 0.6 per step."))


@exercise("03.best_eta", solution=BEST_ETA, mistakes=[
    (0.5, "stability limit"),
    (0.25, "gentle direction"),
    (1.0, "diverges"),
    (0.45, "slower"),
    (0.3, "slower"),
    (0.8, "coefficients"),
    (-0.4, "positive"),
])
def _check_best_eta(answer):
    x = _number(answer)
    _positive(x)
    factor = lambda e: max(abs(1 - e * 1.0), abs(1 - e * 4.0))
    if close(x, BEST_ETA, rtol=1e-6):
        return "eta = 2 / (lambda_min + lambda_max) = 0.4: both directions shrink by 0.6 per step."
    if close(x, 0.5, rtol=1e-9):
        raise Hint("0.5 = 2 / lambda_max is the stability limit: there the steep direction no longer "
                   "shrinks at all (factor |1 - 0.5 * 4| = 1). The best eta is below it.")
    if close(x, 0.25, rtol=1e-9):
        raise Hint("0.25 = 1 / lambda_max lands the steep direction in one step, but then the gentle "
                   "direction only shrinks by 0.75 per step. A larger eta helps it, at some cost to the steep one.")
    if close(x, 0.8, rtol=1e-9):
        raise Hint("0.8 = 2 / (1/2 + 2) uses the coefficients of s_1^2 and s_2^2 as the curvatures. A direction "
                   "that costs (lambda/2) s^2 has slope lambda s: here lambda = 1 and lambda = 4. (At 0.8 the "
                   "steep direction's factor is |1 - 0.8 * 4| = 2.2: it diverges.)")
    if x >= 0.5:
        raise Hint(f"At eta = {x:g} the steep direction's factor |1 - 4 eta| = {abs(1 - 4 * x):g} is 1 or "
                   "more: it diverges (or never settles). The best eta is below 2 / lambda_max.")
    raise Hint(f"At eta = {x:g} the slower of the two directions shrinks by {factor(x):.3g} per step "
               f"(gentle {abs(1 - x):.3g}, steep {abs(1 - 4 * x):.3g}). Make the two factors equal.")


# ---- 03.steepest_weight: which weight matters most? ------------------------------------------------
def steepest_weight(nabla_w):
    """(l, j, k) of the weight whose partial derivative is largest in size, over all layers."""
    best = max(range(len(nabla_w)), key=lambda l: np.abs(nabla_w[l]).max())
    j, k = np.unravel_index(np.argmax(np.abs(nabla_w[best])), nabla_w[best].shape)
    return (int(best), int(j), int(k))


def _gradients(seed):
    rng = np.random.default_rng(seed)
    g = [rng.normal(0, s, shape) for s, shape in ((0.01, (5, 8)), (0.05, (4, 5)), (0.08, (3, 4)))]
    if seed == 0:   # the largest in size is negative, and not in the last layer, so common slips show
        g[1][2, 3] = -0.9
        g[0][4, 2] = 0.5
    else:           # the largest is in the first layer, in a column beyond the last row's index
        g[0][1, 6] = 0.7
        g[1][3, 0] = -0.6
    return g


def _no_abs(nabla_w):
    best = max(range(len(nabla_w)), key=lambda l: nabla_w[l].max())
    j, k = np.unravel_index(np.argmax(nabla_w[best]), nabla_w[best].shape)
    return (best, int(j), int(k))


def _flat_index(nabla_w):
    best = max(range(len(nabla_w)), key=lambda l: np.abs(nabla_w[l]).max())
    return (best, int(np.argmax(np.abs(nabla_w[best]))), 0)


def _swapped(nabla_w):
    l, j, k = steepest_weight(nabla_w)
    return (l, k, j)


def _last_layer_only(nabla_w):
    g = np.abs(nabla_w[-1])
    j, k = np.unravel_index(np.argmax(g), g.shape)
    return (len(nabla_w) - 1, int(j), int(k))


@exercise("03.steepest_weight", solution=steepest_weight, mistakes=[
    (_no_abs, "size"),
    (_flat_index, "unravel"),
    (_swapped, "row j"),
    (_last_layer_only, "every layer"),
    (lambda g: (1, 2.9, 3), "whole numbers"),
])
def _check_steepest_weight(f):
    for seed in (0, 1):
        g = _gradients(seed)
        got = f([x.copy() for x in g])
        want = steepest_weight(g)
        try:
            raw = [float(v) for v in got]
        except (TypeError, ValueError):
            raise Hint("Return a tuple of three whole numbers (l, j, k): the layer, the row j and the column k.") from None
        if len(raw) != 3:
            raise Hint(f"Return three numbers (l, j, k); you returned {len(raw)}.")
        if any(v != np.floor(v) for v in raw):
            raise Hint(f"Positions are whole numbers; you returned {tuple(got)}. Return (l, j, k) as integers.")
        got = tuple(int(v) for v in raw)
        if got == want:
            continue
        l = want[0]
        if got == _no_abs(g):
            raise Hint("That is the largest POSITIVE derivative. A large negative one matters as much: compare "
                       "the size, np.abs(...).")
        if got[0] == l and got[1] == int(np.argmax(np.abs(g[l]))):
            raise Hint("np.argmax gives a position in the flattened array; np.unravel_index(i, shape) turns it "
                       "into (row j, column k).")
        if got == (want[0], want[2], want[1]):
            raise Hint("Row and column are swapped: w[l] has shape (n_out, n_in), so the first index is the "
                       "row j (the neuron the weight goes into).")
        if got == _last_layer_only(g):
            raise Hint("You searched only the last layer. Compare every layer's largest |dC/dw|: the winner "
                       "can be in any of them.")
        raise Hint(f"Not this one: {got}. Look at every layer's np.abs(nabla_w[l]).max() first, then find "
                   "the position within the winning layer.")
    return ("On the first test gradient w[1][2, 3] has dC/dw = -0.9: nudging it changes the cost most, per "
            "unit of nudge. The sign does not matter for 'how much', only for which way to go.")
