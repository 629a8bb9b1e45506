"""Exercises of notebook 09 · Hyperparameters."""
import numpy as np

from . import Hint, close, exercise


# ---- 09.effective_step: what momentum does to the step size ----------------------------------
def effective_factor(mu):
    """With a steady gradient g, v = -eta g (1 + mu + mu^2 + ...) = -eta g / (1 - mu)."""
    return 1 / (1 - mu)


@exercise("09.effective_step", solution=effective_factor, mistakes=[
    (lambda mu: 1 + mu, "every earlier step"),
    (lambda mu: mu / (1 - mu), "current"),
    (lambda mu: 1 / mu, "1 - mu"),
])
def _check_effective_step(f):
    for mu in (0.9, 0.5, 0.0, 0.99):
        got = f(mu)
        if got is None:
            raise NotImplementedError  # the template's `...` body: not attempted yet
        if close(got, effective_factor(mu), rtol=1e-6):
            continue
        if close(got, 1 + mu):
            raise Hint(f"For mu={mu} you added only the last step's share. The velocity keeps a share of "
                       "every earlier step: 1 + mu + mu^2 + mu^3 + ..., a geometric series.")
        if close(got, mu / (1 - mu)):
            raise Hint("You left out the current gradient's own step (the 1 in 1 + mu + mu^2 + ...): at "
                       "mu = 0 the factor must be 1, plain gradient descent.")
        raise Hint(f"For mu={mu} expected {effective_factor(mu):g}, got {got!r}. Sum the series "
                   "1 + mu + mu^2 + ...: it is 1 / (1 - mu).")
    return "1 / (1 - mu): mu = 0.9 makes the steps on a steady slope 10 times longer."


# ---- 09.best_cell: read a grid search -------------------------------------------------------------
def best_cell(values, etas, batch_sizes):
    """values[i, j] is the validation accuracy for etas[i] and batch_sizes[j]: the (eta, batch_size)
    of the highest one."""
    i, j = np.unravel_index(np.nanargmax(values), np.shape(values))
    return etas[i], batch_sizes[j]


def _flat_divmod_wrong(values, etas, batch_sizes):
    i, j = divmod(int(np.argmax(values)), len(etas))  # divides by the wrong length
    return etas[i % len(etas)], batch_sizes[j % len(batch_sizes)]


@exercise("09.best_cell", solution=best_cell, mistakes=[
    (lambda v, e, b: (e[np.unravel_index(np.nanargmin(v), np.shape(v))[0]],
                      b[np.unravel_index(np.nanargmin(v), np.shape(v))[1]]), "highest"),
    (lambda v, e, b: tuple(int(k) for k in np.unravel_index(np.nanargmax(v), np.shape(v))), "values"),
    (lambda v, e, b: (b[np.unravel_index(np.nanargmax(v), np.shape(v))[1]],
                      e[np.unravel_index(np.nanargmax(v), np.shape(v))[0]]), "order"),
    (_flat_divmod_wrong, "unravel"),
])
def _check_best_cell(f):
    etas, sizes = [0.1, 0.3, 1.0], [10, 50, 100, 200]
    values = np.array([[0.80, 0.78, 0.75, 0.70],
                       [0.86, 0.84, 0.81, 0.77],
                       [0.85, 0.87, 0.83, 0.79]])
    want = (1.0, 50)
    got = f(values.copy(), list(etas), list(sizes))
    if got is None:
        raise NotImplementedError  # the template's `...` body: not attempted yet
    try:
        got = tuple(got)
    except TypeError:
        raise Hint(f"Return a pair (eta, batch_size), not {got!r}.") from None
    if len(got) != 2:
        raise Hint(f"Return a pair (eta, batch_size); got {len(got)} values.")
    if close(got, want):
        return "eta = 1.0 with batches of 50: the highest validation accuracy, 87%."
    if close(got, (0.1, 200)):
        raise Hint("That is the worst cell: for an accuracy you want the highest value (np.argmax), "
                   "not the lowest.")
    if close(got, (2, 1)):
        raise Hint("Those are positions in the table (row 2, column 1). Return the values: "
                   "etas[row], batch_sizes[column].")
    if close(got, (50, 1.0)):
        raise Hint("Right cell, wrong order: return (eta, batch_size), rows first.")
    raise Hint("np.argmax gives a position in the flattened table; np.unravel_index(k, values.shape) "
               "turns it into (row, column). Then look the values up: etas[row], batch_sizes[column].")


# ---- 09.step_eta: a step schedule by hand ----------------------------------------------------------
STEP_ETA = 0.5 * 0.5 ** (25 // 10)  # step_decay(0.5, drop=0.5, every=10) at epoch 25: 0.125


@exercise("09.step_eta", solution=STEP_ETA, mistakes=[
    (0.5 * 0.5 ** 2.5, "whole"),
    (0.5 * 0.5 ** 3, "epoch // every"),
    (0.5, "drop"),
])
def _check_step_eta(answer):
    try:
        x = float(answer)
    except (TypeError, ValueError):
        raise Hint(f"Give a number (the learning rate), not {answer!r}.") from None
    if close(x, STEP_ETA):
        return "25 // 10 = 2 halvings: 0.5 x 0.5 x 0.5 = 0.125."
    if close(x, 0.5 * 0.5 ** 2.5):
        raise Hint("The rate drops in whole steps: epoch // every = 25 // 10 = 2 drops, not 2.5.")
    if close(x, 0.5 * 0.5 ** 3):
        raise Hint("Three halvings is one too many: epoch // every rounds down, 25 // 10 = 2.")
    if close(x, 0.5):
        raise Hint("That is the starting rate. Every 10 epochs it is multiplied by drop = 0.5.")
    raise Hint("eta * drop ** (epoch // every) with eta = 0.5, drop = 0.5, every = 10, epoch = 25.")
