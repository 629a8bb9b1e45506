"""The exercises of notebooks 09, 10 and 11: every right form passes, every listed mistake fails with
its hint, and the answers that used to game the checkers (a hard-coded cell, a NaN-unsafe argmax,
a two-point power law) now fail."""
import math

import numpy as np
import pytest

from nnlib import cosine, exercises

from exercise_helpers import fails_with, passes

exercises._load_all()
NAMES = sorted(n for n in exercises.REGISTRY if n[:2] in ("09", "10", "11"))


def test_the_new_exercises_are_registered():
    assert {"09.momentum_step", "09.warmup", "10.l1_prox", "10.early_stop"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_listed_mistake_gets_its_hint(name):
    mistakes = exercises.REGISTRY[name].mistakes
    assert len(mistakes) >= 2
    for answer, hint in mistakes:
        fails_with(name, answer, hint)


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_passes(name):
    passes(name, exercises.REGISTRY[name].solution)


# ---- 09 ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("f", [
    lambda mu: 1 / (1 - mu),
    lambda mu: sum(mu ** k for k in range(20000)),
    lambda mu: np.float32(1) / (np.float32(1) - np.float32(mu)) if mu < 0.95 else 1 / (1 - mu),
])
def test_effective_step_right_forms(f):
    passes("09.effective_step", f)


def _momentum_in_place(w, v, grad, eta, mu):
    v *= mu
    v -= eta * grad
    w += v
    return w, v


def _momentum_torch_style(w, v, grad, eta, mu):
    v = mu * v + grad          # velocity in units of the gradient (PyTorch's convention)
    return w - eta * v, v


@pytest.mark.parametrize("f", [exercises.REGISTRY["09.momentum_step"].solution, _momentum_in_place,
                               _momentum_torch_style])
def test_momentum_step_right_forms(f):
    passes("09.momentum_step", f)


def _warmup_with_nnlib(t, eta, T, warmup):
    return eta * (t + 1) / warmup if t < warmup else cosine(eta, T - warmup)(t - warmup)


def _warmup_numpy(t, eta, T, warmup):
    s = np.clip((t - warmup) / (T - warmup), 0, 1)
    return float(np.where(t < warmup, eta * (t + 1) / warmup, eta * (1 + np.cos(np.pi * s)) / 2))


@pytest.mark.parametrize("f", [exercises.REGISTRY["09.warmup"].solution, _warmup_with_nnlib, _warmup_numpy])
def test_warmup_right_forms(f):
    passes("09.warmup", f)


def _best_loop(values, etas, batch_sizes):
    best, cell = -math.inf, None
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if not math.isnan(v) and v > best:
                best, cell = v, (etas[i], batch_sizes[j])
    return cell


def _best_last_of_ties(values, etas, batch_sizes):
    v = np.where(np.isnan(values), -np.inf, values)
    k = len(v.ravel()) - 1 - int(np.argmax(v.ravel()[::-1]))
    i, j = divmod(k, v.shape[1])
    return etas[i], batch_sizes[j]


def _best_masked(values, etas, batch_sizes):
    i, j = np.argwhere(values == np.nanmax(values))[0]
    return [etas[i], batch_sizes[j]]


@pytest.mark.parametrize("f", [exercises.REGISTRY["09.best_cell"].solution, _best_loop, _best_last_of_ties,
                               _best_masked])
def test_best_cell_right_forms(f):
    passes("09.best_cell", f)


def test_best_cell_cannot_be_gamed():
    """The old checker used one fixed grid without NaN: a hard-coded answer and np.argmax passed."""
    fails_with("09.best_cell", lambda v, e, b: (1.0, 50), "")   # the old grid's answer
    fails_with("09.best_cell", lambda v, e, b: (1.0, 10), "not of this grid")   # the notebook's answer

    def nan_unsafe(values, etas, batch_sizes):
        i, j = np.unravel_index(np.argmax(values), values.shape)
        return etas[i], batch_sizes[j]
    fails_with("09.best_cell", nan_unsafe, "NaN")


# ---- 10 ----------------------------------------------------------------------------------------------
def _l2_in_place(nabla_w, nabla_b, weights, biases, lam):
    for nw, w in zip(nabla_w, weights):
        nw += lam * w
    return nabla_w, nabla_b


@pytest.mark.parametrize("f", [exercises.REGISTRY["10.l2_gradient"].solution, _l2_in_place,
                               lambda nw, nb, w, b, lam: ([g + lam * x for g, x in zip(nw, w)], nb)])
def test_l2_gradient_right_forms(f):
    passes("10.l2_gradient", f)


@pytest.mark.parametrize("f", [
    exercises.REGISTRY["10.l1_step"].solution,
    lambda w, g, eta, lam: w - eta * (g + lam * np.sign(w)),
    lambda w, g, eta, lam: w - eta * g - eta * lam * np.where(w > 0, 1.0, np.where(w < 0, -1.0, 0.0)),
])
def test_l1_step_right_forms(f):
    passes("10.l1_step", f)


def _prox_sign_change(w, g, eta, lam):
    u = w - eta * g
    new = u - eta * lam * np.sign(u)
    new[np.sign(new) != np.sign(u)] = 0.0       # clipped where the pull would cross 0
    return new


@pytest.mark.parametrize("f", [
    exercises.REGISTRY["10.l1_prox"].solution,
    lambda w, g, eta, lam: (w - eta * g) - np.clip(w - eta * g, -eta * lam, eta * lam),
    _prox_sign_change,
])
def test_l1_prox_right_forms(f):
    passes("10.l1_prox", f)


def test_l1_step_names_the_proximal_step():
    """The clipped step is a good step but not this exercise's: the hint says so (no generic "Not yet")."""
    fails_with("10.l1_step", exercises.REGISTRY["10.l1_prox"].solution, "proximal")


def _es_numpy(val_costs, patience):
    c = np.asarray(val_costs)
    best_so_far = np.minimum.accumulate(c)
    new_best = np.r_[True, best_so_far[1:] < best_so_far[:-1]]
    last_best = np.maximum.accumulate(np.where(new_best, np.arange(1, len(c) + 1), 0))
    stops = np.nonzero(np.arange(1, len(c) + 1) - last_best >= patience)[0]
    stop = int(stops[0]) + 1 if len(stops) else len(c)
    return np.int64(last_best[stop - 1]), np.int64(stop)


@pytest.mark.parametrize("f", [exercises.REGISTRY["10.early_stop"].solution, _es_numpy])
def test_early_stop_right_forms(f):
    passes("10.early_stop", f)


def test_early_stop_agrees_with_fit():
    """The exercise's rule is fit's rule: fit(patience=p) stops where early_stopping says."""
    from nnlib import Network, fit
    from nnlib.data import circles
    X, y = circles(n=200, seed=3)
    net = Network([2, 30, 2], hidden="sigmoid", output="softmax", cost="cross_entropy", seed=0)
    full = fit(net.copy(), X[:100], y[:100], epochs=40, batch_size=10, eta=3.0,
               validation=(X[100:], y[100:]), progress=False)
    early = fit(net.copy(), X[:100], y[:100], epochs=40, batch_size=10, eta=3.0,
                validation=(X[100:], y[100:]), patience=3, progress=False)
    best, stop = exercises.REGISTRY["10.early_stop"].solution(full.val_cost, 3)
    assert early.stopped_early and stop < 40
    assert (early.best_epoch, len(early.epoch)) == (best, stop)


def test_overfits_accepts_spellings():
    for a in ("B", "b", " 'B' "):
        passes("10.overfits", a)


# ---- 11 ----------------------------------------------------------------------------------------------
def _power_law_log10(n, err):
    slope, intercept = np.polyfit(np.log10(n), np.log10(err), 1)
    return 10 ** intercept, -slope


def _power_law_lstsq(n, err):
    A = np.column_stack([np.ones(len(n)), np.log(n)])
    (log_c, slope), *_ = np.linalg.lstsq(A, np.log(err), rcond=None)
    return [np.exp(log_c), -slope]


@pytest.mark.parametrize("f", [exercises.REGISTRY["11.power_law"].solution, _power_law_log10, _power_law_lstsq])
def test_power_law_right_forms(f):
    passes("11.power_law", f)


def test_power_law_cannot_be_gamed_by_two_points():
    def endpoints(n, err):           # exact on noise-free data: the old checker accepted it
        k = -np.log(err[-1] / err[0]) / np.log(n[-1] / n[0])
        return err[0] * n[0] ** k, k
    fails_with("11.power_law", endpoints, "two points")


@pytest.mark.parametrize("f", [lambda k: 2 ** (1 / k), lambda k: np.exp(np.log(2) / k)])
def test_halve_right_forms(f):
    passes("11.halve", f)


def test_label_preserving_any_order_and_case():
    passes("11.label_preserving", ["Noise", "thicker", "small rotation", "shift"])
    passes("11.label_preserving", ("shift", "small rotation", "thicker", "noise"))


# ---- added by the review: right forms that used to be refused, mistakes that used to get no name ------
def _best_loop_from_zero(values, etas, batch_sizes):
    """A loop started at best = 0 is right for accuracies (and NaN-safe: NaN > best is False); the
    old checker handed it a grid of negative values, where it returned None: "not attempted yet"."""
    best, cell = 0.0, None
    for i, eta in enumerate(etas):
        for j, m in enumerate(batch_sizes):
            if values[i][j] > best:
                best, cell = values[i][j], (eta, m)
    return cell


def _best_nan_to_num(values, etas, batch_sizes):
    i, j = np.unravel_index(np.argmax(np.nan_to_num(values, nan=0.0)), values.shape)
    return etas[i], batch_sizes[j]


@pytest.mark.parametrize("f", [_best_loop_from_zero, _best_nan_to_num])
def test_best_cell_accepts_forms_right_for_accuracies(f):
    passes("09.best_cell", f)


def test_best_cell_none_on_a_later_grid_is_wrong_not_unattempted():
    def none_for_low_grids(values, etas, batch_sizes):
        if np.nanmax(values) < 0.5:
            return None
        return exercises.REGISTRY["09.best_cell"].solution(values, etas, batch_sizes)
    fails_with("09.best_cell", none_for_low_grids, "returned None")


def test_l1_prox_clip_form_passes():
    passes("10.l1_prox", lambda w, g, eta, lam: (w - eta * g) - np.clip(w - eta * g, -eta * lam, eta * lam))


def test_early_stop_counter_form_passes():
    def counter(val_costs, patience):
        best, best_cost, wait = 0, float("inf"), 0
        for epoch, cost in enumerate(val_costs, start=1):
            if cost < best_cost:
                best, best_cost, wait = epoch, cost, 0
            else:
                wait += 1
                if wait >= patience:
                    return best, epoch
        return best, len(val_costs)
    passes("10.early_stop", counter)


def test_power_law_any_two_points_are_named():
    def inner(n, err):               # two points, but not the end points
        o = np.argsort(n)
        i, j = o[2], o[-2]
        k = -np.log(err[j] / err[i]) / np.log(n[j] / n[i])
        return err[i] * n[i] ** k, k
    fails_with("11.power_law", inner, "two points")
