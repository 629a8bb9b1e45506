"""Exercises of notebook 09 · Hyperparameters.

Every checker tests on inputs the notebook never shows: fresh grids (with NaN cells for diverged
runs, and ties), fresh gradient sequences, fresh schedule lengths.
"""
import math

import numpy as np

from . import Hint, close, exercise


# ---- 09.effective_step: what momentum does to the step size ----------------------------------
def effective_factor(mu):
    """With a steady gradient g, v = -eta g (1 + mu + mu^2 + ...) = -eta g / (1 - mu): the sum of
    a geometric series. (The 1 is the current gradient's own share, mu the last step's, ...)"""
    return 1 / (1 - mu)


@exercise("09.effective_step", solution=effective_factor, mistakes=[
    (lambda mu: 1 + mu, "every earlier step"),
    (lambda mu: mu / (1 - mu), "current"),
    (lambda mu: 1 / mu, "1 - mu"),
    (lambda mu: 10.0, "same for every"),
])
def _check_effective_step(f):
    for mu in (0.9, 0.5, 0.0, 0.99, 0.37, 0.8):
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
        if close(got, f(0.123)) and close(got, f(0.456)):
            raise Hint(f"Your function gives {got!r} for every mu: the same for every momentum. Return a "
                       "formula in mu (it is 10 only for mu = 0.9).")
        raise Hint(f"For mu={mu} expected {effective_factor(mu):g}, got {got!r}. Sum the series "
                   "1 + mu + mu^2 + ...: it is 1 / (1 - mu).")
    return ("1 / (1 - mu): mu = 0.9 makes the steps on a steady slope 10 times longer, so eta = 0.05 "
            "with mu = 0.9 steps like eta = 0.5 without momentum.")


# ---- 09.momentum_step: one step of gradient descent with momentum -----------------------------------
def momentum_step(w, v, grad, eta, mu):
    """v <- mu v - eta grad (keep a share mu of the old velocity, add the new downhill step),
    then w <- w + v: the weights move by the NEW velocity. Returns (w, v)."""
    v = mu * v - eta * grad
    return w + v, v


def _momentum_old_v(w, v, grad, eta, mu):
    return w + v, mu * v - eta * grad           # steps with the velocity of the step before


def _momentum_uphill(w, v, grad, eta, mu):
    v = mu * v + eta * grad
    return w + v, v


def _momentum_no_friction(w, v, grad, eta, mu):
    v = v - eta * grad                          # mu forgotten: every old step kept in full
    return w + v, v


def _momentum_nesterov(w, v, grad, eta, mu):
    v = mu * v - eta * grad
    return w + mu * v - eta * grad, v


def _momentum_plain(w, v, grad, eta, mu):
    return w - eta * grad, v


def _momentum_swapped(w, v, grad, eta, mu):
    v = mu * v - eta * grad
    return v, w + v                             # (v, w) instead of (w, v)


def _momentum_mu_on_grad(w, v, grad, eta, mu):
    v = v - mu * eta * grad                     # mu multiplies the new step, not the old velocity
    return w + v, v


def _momentum_traj(f, steps):
    """Run f from v = 0 through a fixed sequence of gradients; return the weights after each step."""
    w, v, ws = steps["w0"].copy(), np.zeros_like(steps["w0"]), []
    for g in steps["grads"]:
        out = f(w.copy(), v.copy(), g.copy(), steps["eta"], steps["mu"])
        if out is None:
            raise NotImplementedError
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise Hint("Return a pair (w, v): the new weights and the new velocity.")
        w, v = (np.asarray(a, dtype=float) for a in out)
        if w.shape != steps["w0"].shape or v.shape != steps["w0"].shape:
            raise Hint(f"Return w and v shaped like the w you were given, {steps['w0'].shape}; got "
                       f"{w.shape} and {v.shape}.")
        ws.append(w)
    return np.array(ws)


def _momentum_cases():
    rng = np.random.default_rng(9090)
    return [{"w0": rng.standard_normal((3, 4)), "grads": rng.standard_normal((6, 3, 4)), "eta": 0.1, "mu": 0.8},
            {"w0": rng.standard_normal(5), "grads": rng.standard_normal((6, 5)) + 1.0, "eta": 0.03, "mu": 0.95}]


@exercise("09.momentum_step", solution=momentum_step, mistakes=[
    (_momentum_old_v, "new velocity"),
    (_momentum_uphill, "uphill"),
    (_momentum_no_friction, "friction"),
    (_momentum_nesterov, "nesterov"),
    (_momentum_plain, "without momentum"),
    (_momentum_swapped, "(w, v)"),
    (_momentum_mu_on_grad, "old velocity"),
])
def _check_momentum_step(f):
    for case in _momentum_cases():
        got = _momentum_traj(f, case)
        if close(got, _momentum_traj(momentum_step, case)):
            continue
        for wrong, hint in (
                (_momentum_old_v, "You moved w with the old velocity and updated v afterwards: the step "
                                  "lags one gradient behind. First v <- mu*v - eta*grad, then w <- w + v "
                                  "with the new velocity."),
                (_momentum_uphill, "The weights go uphill: the new step must be -eta*grad (downhill), so "
                                   "v <- mu*v - eta*grad."),
                (_momentum_no_friction, "Your velocity keeps every old step in full: the friction is "
                                        "missing. Multiply the old velocity by mu before adding -eta*grad."),
                (_momentum_nesterov, "That is Nesterov's look-ahead step (w + mu*v - eta*grad). Here write "
                                     "the heavy-ball step: w <- w + v with v <- mu*v - eta*grad."),
                (_momentum_plain, "Your weights move exactly as without momentum: the velocity v is not "
                                  "used. v <- mu*v - eta*grad, then w <- w + v."),
                (_momentum_swapped, "Right step, wrong order of the results: return (w, v), the new weights "
                                    "first, then the new velocity."),
                (_momentum_mu_on_grad, "mu multiplies the old velocity (the share of it that is kept), not "
                                       "the new step: v <- mu*v - eta*grad.")):
            if close(got, _momentum_traj(wrong, case)):
                raise Hint(hint)
        raise Hint(f"After a few steps (eta = {case['eta']}, mu = {case['mu']}, starting from v = 0) your "
                   "weights differ from v <- mu*v - eta*grad; w <- w + v.")
    return ("v <- mu*v - eta*grad, w <- w + v: the velocity remembers a share mu of every earlier step. "
            "(The form v <- mu*v + grad, w <- w - eta*v moves the weights the same way.)")


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


# ---- 09.warmup: write a schedule: linear warm-up, then cosine ---------------------------------------
def warmup_cosine(t, eta, T, warmup):
    """Epochs t = 0 .. warmup-1 climb in equal steps to eta: eta * (t + 1) / warmup. The
    remaining T - warmup epochs follow the cosine of the table, restarted at the end of the
    warm-up: its own clock is t - warmup, its length T - warmup, so it starts exactly at eta."""
    if t < warmup:
        return eta * (t + 1) / warmup
    return 0.5 * eta * (1 + math.cos(math.pi * (t - warmup) / (T - warmup)))


def _warm_t_over_w(t, eta, T, warmup):
    return eta * t / warmup if t < warmup else warmup_cosine(t, eta, T, warmup)


def _cos_not_shifted(t, eta, T, warmup):
    return eta * (t + 1) / warmup if t < warmup else 0.5 * eta * (1 + math.cos(math.pi * t / T))


def _cos_wrong_length(t, eta, T, warmup):
    return eta * (t + 1) / warmup if t < warmup else 0.5 * eta * (1 + math.cos(math.pi * (t - warmup) / T))


def _cos_no_half(t, eta, T, warmup):
    return eta * (t + 1) / warmup if t < warmup else eta * math.cos(math.pi * (t - warmup) / (T - warmup))


def _warm_one_too_long(t, eta, T, warmup):
    return eta * (t + 1) / warmup if t <= warmup else warmup_cosine(t, eta, T, warmup)


def _cos_zero_at_T_minus_1(t, eta, T, warmup):
    if t < warmup:
        return eta * (t + 1) / warmup
    return 0.5 * eta * (1 + math.cos(math.pi * min(1.0, (t - warmup) / (T - warmup - 1))))


def _cos_one_late(t, eta, T, warmup):
    if t < warmup:
        return eta * (t + 1) / warmup
    return 0.5 * eta * (1 + math.cos(math.pi * (t - warmup + 1) / (T - warmup + 1)))


def _no_warmup(t, eta, T, warmup):
    return 0.5 * eta * (1 + math.cos(math.pi * t / T))


def _warmup_cases():
    return [(1.0, 20, 4), (0.3, 12, 3), (2.5, 7, 2), (0.05, 30, 5)]


@exercise("09.warmup", solution=warmup_cosine, mistakes=[
    (_warm_t_over_w, "epoch 0"),
    (_cos_not_shifted, "own clock"),
    (_cos_wrong_length, "T - warmup"),
    (_cos_no_half, "1 + cos"),
    (_no_warmup, "warm-up"),
    (_warm_one_too_long, "one epoch too long"),
    (_cos_zero_at_T_minus_1, "one epoch early"),
    (_cos_one_late, "one epoch late"),
])
def _check_warmup(f):
    for eta, T, W in _warmup_cases():
        want = [warmup_cosine(t, eta, T, W) for t in range(T + 1)]
        got = []
        for t in range(T + 1):
            value = f(t, eta, T, W)
            if value is None:
                raise NotImplementedError
            try:
                got.append(float(value))
            except (TypeError, ValueError):
                raise Hint(f"Return one number, the learning rate of epoch t; got {value!r}.") from None
        if close(got, want):
            continue
        for wrong, hint in (
                (_warm_t_over_w, "Your warm-up starts at eta = 0 in epoch 0: that step does nothing (and fit "
                                 "refuses a learning rate of 0). Use eta * (t + 1) / warmup."),
                (_cos_not_shifted, "Right after the warm-up your rate jumps: the cosine must run on its own "
                                   "clock, t - warmup, so that it starts at eta when the warm-up ends."),
                (_cos_wrong_length, "The cosine part is too long: it must reach 0 at t = T, so its length "
                                    "is T - warmup epochs, not T."),
                (_cos_no_half, "The cosine part should glide from eta to 0: 0.5 * eta * (1 + cos(...)). "
                               "Without the 1 + and the 0.5 it ends at -eta."),
                (_no_warmup, "That is the plain cosine of the table: the warm-up is missing. The first "
                             "warmup epochs climb: eta * (t + 1) / warmup."),
                (_warm_one_too_long, "Off by one: your warm-up lasts one epoch too long (t <= warmup) and "
                                     "overshoots eta. The warm-up is the epochs t < warmup: t = 0 .. warmup - 1."),
                (_cos_zero_at_T_minus_1, "Off by one: your cosine reaches 0 one epoch early, at t = T - 1. It "
                                         "runs over T - warmup epochs and reaches 0 at t = T."),
                (_cos_one_late, "Off by one: your cosine starts one epoch late (below eta at t = warmup). "
                                "Its own clock is t - warmup, which is 0 at t = warmup.")):
            if close(got, [wrong(t, eta, T, W) for t in range(T + 1)]):
                raise Hint(hint)
        bad = next(t for t in range(T + 1) if not close(got[t], want[t]))
        raise Hint(f"With eta = {eta}, T = {T}, warmup = {W}: epoch t = {bad} should have "
                   f"{want[bad]:.4g}, yours gives {got[bad]:.4g}.")
    return ("Up in equal steps to eta, then down along half a cosine to 0 at epoch T: small first steps "
            "while the weights are still random, large ones once the direction is clear, small ones to settle.")


# ---- 09.best_cell: read a grid search -------------------------------------------------------------
def best_cell(values, etas, batch_sizes):
    """values[i, j] is the validation accuracy for etas[i] and batch_sizes[j]; NaN marks a run that
    diverged. np.nanargmax skips the NaN cells (np.argmax would pick the first NaN) and gives a
    position in the flattened table; np.unravel_index turns it into (row, column)."""
    i, j = np.unravel_index(np.nanargmax(values), np.shape(values))
    return etas[i], batch_sizes[j]


def _best_nan_unsafe(values, etas, batch_sizes):
    i, j = np.unravel_index(np.argmax(values), np.shape(values))
    return etas[i], batch_sizes[j]


def _best_worst(values, etas, batch_sizes):
    i, j = np.unravel_index(np.nanargmin(values), np.shape(values))
    return etas[i], batch_sizes[j]


def _best_positions(values, etas, batch_sizes):
    return tuple(int(k) for k in np.unravel_index(np.nanargmax(values), np.shape(values)))


def _best_swapped(values, etas, batch_sizes):
    i, j = np.unravel_index(np.nanargmax(values), np.shape(values))
    return batch_sizes[j], etas[i]


def _best_divmod_wrong(values, etas, batch_sizes):
    i, j = divmod(int(np.nanargmax(values)), len(etas))   # divides by the wrong length
    return etas[i % len(etas)], batch_sizes[j % len(batch_sizes)]


def _best_hard_coded(values, etas, batch_sizes):
    return 1.0, 10                                         # the notebook's own grid's winner


def _grid_cases():
    """Fresh grids, never shown in the notebook: other shapes, NaN cells (diverged runs, also one
    before the best cell), a tie for the best, a grid of poor accuracies. Accuracies stay in [0, 1],
    as the exercise says, so a loop started at best = 0 (NaN-safe: NaN > best is False) is right."""
    rng = np.random.default_rng(909)
    cases = []
    for shape in ((3, 4), (4, 3), (2, 5)):
        v = rng.uniform(0.5, 0.9, size=shape).round(3)
        v[0, 0] = np.nan
        v[-1, 0] = np.nan
        cases.append(v)
    tie = rng.uniform(0.5, 0.9, size=(3, 3)).round(3)
    tie[0, 2] = tie[2, 1] = 0.95
    tie[1, 1] = np.nan
    cases.append(tie)
    low = rng.uniform(0.05, 0.3, size=(3, 2)).round(3)   # a poor grid: every accuracy low
    low[1, 0] = np.nan
    cases.append(low)
    etas = [[0.02, 0.2, 2.0, 20.0, 200.0], [0.01, 0.03, 0.1, 0.3, 1.0]]
    sizes = [[8, 32, 128, 512, 2048], [5, 25, 100, 400, 1600]]
    return [(v, etas[k % 2][:v.shape[0]], sizes[k % 2][:v.shape[1]]) for k, v in enumerate(cases)]


@exercise("09.best_cell", solution=best_cell, mistakes=[
    (_best_nan_unsafe, "nan"),
    (_best_worst, "highest"),
    (_best_positions, "positions"),
    (_best_swapped, "order"),
    (_best_divmod_wrong, "unravel"),
    (_best_hard_coded, "this grid"),
])
def _check_best_cell(f):
    for case, (values, etas, sizes) in enumerate(_grid_cases()):
        got = f(values.copy(), list(etas), list(sizes))
        if got is None and case == 0:
            raise NotImplementedError  # the template's `...` body: not attempted yet
        if got is None:
            raise Hint(f"Your function returned None for this grid:\n{values}\nIt must return a pair "
                       "(eta, batch_size) for every grid, also one whose accuracies are all low.")
        try:
            got = tuple(got)
        except TypeError:
            raise Hint(f"Return a pair (eta, batch_size), not {got!r}.") from None
        if len(got) != 2:
            raise Hint(f"Return a pair (eta, batch_size); got {len(got)} values.")
        top = np.nanmax(values)
        winners = [(etas[i], sizes[j]) for i, j in zip(*np.nonzero(values == top))]
        if any(close(got, w) for w in winners):   # a tie: any of the best cells is right
            continue
        cells = {(etas[i], sizes[j]): values[i, j] for i in range(len(etas)) for j in range(len(sizes))}
        hit = next((v for cell, v in cells.items() if close(got, cell)), None)
        if hit is not None and np.isnan(hit):
            raise Hint("You returned a cell marked NaN: a run that diverged. np.argmax treats NaN as the "
                       "largest value; np.nanargmax skips NaN cells.")
        if hit is not None and close(hit, np.nanmin(values)):
            raise Hint("That is the worst cell: for an accuracy you want the highest value (np.nanargmax), "
                       "not the lowest.")
        i, j = np.unravel_index(np.nanargmax(values), values.shape)
        if close(got, (i, j)):
            raise Hint(f"Those are positions in the table (row {i}, column {j}). Return the values: "
                       "etas[row], batch_sizes[column].")
        if close(got, (sizes[j], etas[i])):
            raise Hint("Right cell, wrong order: return (eta, batch_size), rows first.")
        if close(got, (1.0, 10)) and not any(close(w, (1.0, 10)) for w in winners):
            raise Hint("(1.0, 10) is the best cell of the notebook's grid, not of this grid: the check "
                       "hands your function other grids. Compute the answer from `values`.")
        if hit is not None:
            raise Hint("A cell of the table, but not the best one. np.nanargmax gives a position in the "
                       "flattened table; np.unravel_index(k, values.shape) turns it into (row, column): "
                       "dividing by the wrong length picks the wrong cell.")
        raise Hint("Return the pair (etas[row], batch_sizes[column]) of the best cell; np.nanargmax and "
                   "np.unravel_index(k, values.shape) find (row, column).")
    return ("np.nanargmax skips the diverged (NaN) runs, np.unravel_index turns the flat position into "
            "(row, column); with a tie any best cell will do.")
