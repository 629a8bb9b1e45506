"""Exercises of notebook 03 · Gradient descent."""
import numpy as np

from . import Hint, close, exercise


# ---- 03.gd_step: one step downhill --------------------------------------------------------------
def gd_step(w, dC_dw, eta):
    """One step of gradient descent: move against the gradient, eta times its size."""
    return w - eta * dC_dw


_STEP_CASES = [
    (np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1, 2.0]), 0.5),
    (np.array([[0.2, 0.4], [-1.0, 3.0]]), np.array([[1.0, -1.0], [0.0, 0.5]]), 3.0),
    (2.0, -4.0, 0.1),
]


@exercise("03.gd_step", solution=gd_step, mistakes=[
    (lambda w, g, eta: w + eta * g, "uphill"),
    (lambda w, g, eta: w - g, "eta"),
    (lambda w, g, eta: -eta * g, "new weights"),
    (lambda w, g, eta: w - g / eta, "multiply"),
])
def _check_gd_step(f):
    for w, g, eta in _STEP_CASES:
        w_before = np.copy(w)
        got = f(np.copy(w) if np.ndim(w) else w, np.copy(g) if np.ndim(g) else g, eta)
        want = gd_step(w_before, g, eta)
        if got is None:
            raise Hint("Your function returns None: end it with `return ...` (the new weights).")
        if close(got, want):
            continue
        if close(got, w_before + eta * np.asarray(g)):
            raise Hint("That step goes uphill: the gradient points towards steepest ASCENT, so step "
                       "against it, w - eta * dC/dw.")
        if close(got, w_before - np.asarray(g)):
            raise Hint("You left out the learning rate eta: the step is eta times the gradient.")
        if close(got, -eta * np.asarray(g)):
            raise Hint("That is the step itself; return the new weights, the old w plus the step.")
        if eta != 1 and close(got, w_before - np.asarray(g) / eta):
            raise Hint("Multiply the gradient by eta, do not divide by it.")
        raise Hint(f"For w={w_before!r}, dC/dw={g!r}, eta={eta} the new weights are {want!r}; you "
                   f"returned {got!r}. The rule is w <- w - eta * dC/dw, element by element.")
    return "w <- w - eta * dC/dw: every weight moves against its own slope, in proportion to it."


# ---- 03.critical_eta: when does a step overshoot so far that it diverges? ------------------------
CRITICAL_ETA = 0.2  # C(w) = 5 w^2, dC/dw = 10 w: a step multiplies w by (1 - 10 eta)


@exercise("03.critical_eta", solution=CRITICAL_ETA, mistakes=[
    (0.1, "one step"),
    (0.4, "10 w"),
    (2.0, "10 w"),
    (1.0, "10 w"),
])
def _check_critical_eta(answer):
    try:
        x = float(answer)
    except (TypeError, ValueError):
        raise Hint("Answer with one number, like 0.05.") from None
    if close(x, CRITICAL_ETA, rtol=1e-3):
        return ("Above eta = 0.2, |1 - 10 eta| > 1: every step lands further from the minimum than "
                "the last, on alternating sides. Between 0.1 and 0.2 it zigzags but converges.")
    if close(x, 0.1, rtol=1e-3):
        raise Hint("At eta = 0.1 one step lands exactly on the minimum (w - 0.1 * 10 w = 0). Larger "
                   "etas overshoot, but they still converge while each step shrinks |w|, i.e. while "
                   "|1 - 10 eta| < 1.")
    if close(x, 0.4, rtol=1e-3) or close(x, 2.0, rtol=1e-3) or close(x, 1.0, rtol=1e-3):
        raise Hint("Use the slope of this cost: dC/dw = 10 w, so a step gives w - eta * 10 w = (1 - 10 eta) w. "
                   "When does |1 - 10 eta| exceed 1?")
    if x < 0.2:
        raise Hint(f"At eta = {x:g} gradient descent still converges: a step multiplies w by "
                   f"(1 - 10 eta) = {1 - 10 * x:g}, which is smaller than 1 in size. Try the slider.")
    raise Hint(f"At eta = {x:g} it does diverge, but it also diverges for somewhat smaller etas: find "
               "where |1 - 10 eta| crosses 1.")


# ---- 03.steepest_weight: which weight matters most? ------------------------------------------------
def steepest_weight(nabla_w):
    """(l, j, k) of the weight whose partial derivative is largest in size, over all layers."""
    best = max(range(len(nabla_w)), key=lambda l: np.abs(nabla_w[l]).max())
    j, k = np.unravel_index(np.argmax(np.abs(nabla_w[best])), nabla_w[best].shape)
    return (int(best), int(j), int(k))


def _gradients(seed):
    rng = np.random.default_rng(seed)
    g = [rng.normal(0, s, shape) for s, shape in ((0.01, (5, 8)), (0.05, (4, 5)), (0.08, (3, 4)))]
    # the largest in size is negative, and not in the last layer, so common slips show
    g[1][2, 3] = -0.9
    g[2][0, 1] = 0.5
    return g


@exercise("03.steepest_weight", solution=steepest_weight, mistakes=[
    (lambda g: (2, 0, 1), "size"),
    (lambda g: (1, 13, 0), "unravel"),
    (lambda g: (1, 3, 2), "row j"),
])
def _check_steepest_weight(f):
    g = _gradients(0)
    got = f([x.copy() for x in g])
    want = steepest_weight(g)
    try:
        got = tuple(int(v) for v in got)
    except (TypeError, ValueError):
        raise Hint("Return a tuple of three whole numbers (l, j, k): the layer, the row j and the column k.") from None
    if got == want:
        return ("w[1][2, 3] has dC/dw = -0.9: nudging it changes the cost most, per unit of nudge. "
                "The sign does not matter for 'how much', only for which way to go.")
    if len(got) != 3:
        raise Hint("Return three numbers (l, j, k).")
    if got == (2, 0, 1):
        raise Hint("That is the largest POSITIVE derivative. A large negative one matters as much: compare "
                   "the size, np.abs(...).")
    if got[0] == 1 and got[1] == 13:
        raise Hint("np.argmax gives a position in the flattened array; np.unravel_index(i, shape) turns it "
                   "into (row j, column k).")
    if got == (1, 3, 2):
        raise Hint("Row and column are swapped: w[l] has shape (n_out, n_in), so the first index is the "
                   "row j (the neuron the weight goes into).")
    raise Hint(f"Not this one: {got}. Look at every layer's np.abs(nabla_w[l]).max() first, then find "
               "the position within the winning layer.")
