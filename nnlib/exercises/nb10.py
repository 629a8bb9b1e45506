"""Exercises of notebook 10 · Regularisation and overfitting.

The checkers hand the learner's code fresh inputs that the notebook never shows: other layer
shapes, weights at and near 0 (where L1's steps are delicate), validation curves with ties.
"""
import numpy as np

from ..train import soft_threshold
from . import Hint, close, exercise


def _layers(seed, sizes):
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    B = [rng.standard_normal(n_out) for n_out in sizes[1:]]
    NW = [rng.standard_normal(w.shape) for w in W]
    NB = [rng.standard_normal(b.shape) for b in B]
    return NW, NB, W, B


_L2_CASES = [(_layers(10, [4, 3, 2]), 0.1), (_layers(11, [5, 6, 4, 3]), 0.003)]


# ---- 10.l2_gradient: the gradient of the L2-regularised cost --------------------------------------
def l2_gradient(nabla_w, nabla_b, weights, biases, lam):
    """dC/dw = dC_0/dw + lam * w for every weight (the derivative of lam/2 w^2: the 2 cancels the
    1/2); the biases are not in the penalty, so dC/db = dC_0/db."""
    return [nw + lam * w for nw, w in zip(nabla_w, weights)], [nb.copy() for nb in nabla_b]


def _l2_on_biases_too(nabla_w, nabla_b, weights, biases, lam):
    return [nw + lam * w for nw, w in zip(nabla_w, weights)], [nb + lam * b for nb, b in zip(nabla_b, biases)]


def _l2_half(nabla_w, nabla_b, weights, biases, lam):
    return [nw + lam / 2 * w for nw, w in zip(nabla_w, weights)], list(nabla_b)


def _l2_squared(nabla_w, nabla_b, weights, biases, lam):
    return [nw + lam * w ** 2 for nw, w in zip(nabla_w, weights)], list(nabla_b)


def _l2_first_layer_only(nabla_w, nabla_b, weights, biases, lam):
    return [nabla_w[0] + lam * weights[0]] + list(nabla_w[1:]), list(nabla_b)


@exercise("10.l2_gradient", solution=l2_gradient, mistakes=[
    (_l2_on_biases_too, "biases"),
    (_l2_half, "1/2"),
    (_l2_squared, "derivative"),
    (lambda nw, nb, w, b, lam: (list(nw), list(nb)), "add"),
    (_l2_first_layer_only, "every layer"),
])
def _check_l2_gradient(f):
    for (NW, NB, W, B), lam in _L2_CASES:
        got = f([a.copy() for a in NW], [a.copy() for a in NB], [a.copy() for a in W],
                [a.copy() for a in B], lam)
        if got is None:
            raise NotImplementedError  # the template's `...`: not attempted yet
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            raise Hint("Return two lists, (nabla_w, nabla_b), shaped like the ones you were given.")
        got_w, got_b = got
        if len(got_w) != len(W) or len(got_b) != len(B):
            raise Hint(f"Return one array per layer: {len(W)} for the weights and {len(B)} for the biases "
                       "(the check also tries a network with more layers).")
        if any(np.shape(g) != w.shape for g, w in zip(got_w, W)) or \
                any(np.shape(g) != b.shape for g, b in zip(got_b, B)):
            raise Hint("Each returned array must have the shape of the gradient it replaces.")
        want_w, want_b = l2_gradient(NW, NB, W, B, lam)
        w_ok = all(close(g, w) for g, w in zip(got_w, want_w))
        b_ok = all(close(g, w) for g, w in zip(got_b, want_b))
        if w_ok and b_ok:
            continue
        if w_ok and all(close(g, nb + lam * b) for g, nb, b in zip(got_b, NB, B)):
            raise Hint("The biases are not regularised: the penalty λ/2 Σw² sums over weights only, so "
                       "dC/db = dC_0/db. (A large bias does not make the network overfit.)")
        if all(close(g, nw) for g, nw in zip(got_w, NW)):
            raise Hint("The weights' gradients are unchanged: add the penalty's gradient λ·w to each dC_0/dw.")
        if all(close(g, nw + lam / 2 * w) for g, nw, w in zip(got_w, NW, W)):
            raise Hint("The derivative of λ/2 · w² is λ·w: the 2 from the square cancels the 1/2. "
                       "(That 1/2 is there just for that.)")
        if all(close(g, nw + lam * w ** 2) for g, nw, w in zip(got_w, NW, W)):
            raise Hint("You added the penalty itself, λw², not its derivative. d/dw (λ/2 · w²) = λ·w.")
        if all(close(g, nw - lam * w) for g, nw, w in zip(got_w, NW, W)):
            raise Hint("Check the sign: the penalty grows with |w|, so its gradient λ·w points away from 0 "
                       "and the step (minus the gradient) pulls the weight back towards 0.")
        if close(got_w[0], want_w[0]):
            raise Hint("The first layer is right, a later one is not: the sum Σw² runs over every layer's "
                       "weights, so every layer gets + λ·w.")
        raise Hint("Each layer's weight gradient should be nabla_w[l] + lam * weights[l]; the bias "
                   "gradients stay as they are.")
    return "dC/dw = dC_0/dw + λw in every layer, and the biases keep their plain gradient."


# ---- 10.l1_step: one gradient step on the L1-regularised cost --------------------------------------
def l1_step(w, nabla_C0, eta, lam):
    """w <- w - eta * lam * sgn(w) - eta * dC_0/dw: the derivative of lam |w| is lam sgn(w), so every
    weight moves by the same eta*lam towards 0, big or small. (np.sign(0) = 0: a weight at exactly
    0 gets no pull.)"""
    return w - eta * lam * np.sign(w) - eta * nabla_C0


def l1_prox_step(w, nabla_C0, eta, lam):
    """First the usual step on C_0, then L1's pull eta*lam towards 0, clipped at 0: a weight that
    would cross 0 stops there (the proximal, or soft-threshold, step). Weights closer to 0 than
    eta*lam after the data step become exactly 0, so they stay switched off instead of jumping
    from +0.0004 to -0.0006 and back as the plain step makes them."""
    return soft_threshold(w - eta * nabla_C0, eta * lam)


def _l1_cases():
    rng = np.random.default_rng(1010)
    w = np.concatenate([rng.standard_normal(8), [0.0, 0.004, -0.003, 0.0004, -2.5, 3.0]])
    g = np.concatenate([rng.standard_normal(8), [0.0, 0.0, 0.001, -0.0002, 0.3, -0.1]])
    return [(w, g, 0.5, 0.02), (w.reshape(2, 7)[::-1].copy(), g.reshape(2, 7)[::-1].copy(), 1.0, 0.003)]


def _l1_common_mistakes(got, w, g, eta, lam, prox_hint):
    """Hints shared by both L1 exercises; returns a hint or None."""
    for wrong, hint in (
            (lambda: (1 - eta * lam) * w - eta * g,
             "That is L2's weight decay, which shrinks w in proportion to its size. L1's penalty λ|w| has "
             "the gradient λ·sgn(w): a constant size, whatever |w| is (np.sign)."),
            (lambda: w - eta * lam * np.abs(w) - eta * g,
             "The derivative of |w| is sgn(w) (+1 or -1; np.sign), not |w|."),
            (lambda: w - lam * np.sign(w) - eta * g,
             "The learning rate eta multiplies the whole gradient, the penalty's part λ·sgn(w) too: the "
             "pull is η·λ per step."),
            (lambda: w + eta * lam * np.sign(w) - eta * g,
             "Check the sign: the step should move each weight towards 0, so subtract η·λ·sgn(w)."),
            (lambda: w - eta * lam * np.sign(w),
             "The data's gradient is missing: the step is -η·nabla_C0 plus L1's pull -η·λ·sgn(w)."),
            (lambda: w - eta * lam * np.where(w >= 0, 1.0, -1.0) - eta * g,
             "Nearly: at w = 0 exactly, sgn(0) = 0 (np.sign(0) is 0), so a weight at 0 gets no pull; "
             "yours pulls it to -η·λ. Use np.sign(w)."),
            (lambda: l1_prox_step(w, g, eta, lam), prox_hint)):
        if close(got, wrong()):
            return hint
    return None


@exercise("10.l1_step", solution=l1_step, mistakes=[
    (lambda w, g, eta, lam: (1 - eta * lam) * w - eta * g, "L2"),
    (lambda w, g, eta, lam: w - eta * lam * np.abs(w) - eta * g, "sgn"),
    (lambda w, g, eta, lam: w - lam * np.sign(w) - eta * g, "eta"),
    (lambda w, g, eta, lam: w + eta * lam * np.sign(w) - eta * g, "towards 0"),
    (lambda w, g, eta, lam: w - eta * lam * np.sign(w), "data's gradient"),
    (lambda w, g, eta, lam: w - eta * lam * np.where(w >= 0, 1.0, -1.0) - eta * g, "sgn(0) = 0"),
    (l1_prox_step, "clipped"),
])
def _check_l1_step(f):
    for w, g, eta, lam in _l1_cases():
        got = f(w.copy(), g.copy(), eta, lam)
        if got is None:
            raise NotImplementedError  # the template's `...`: not attempted yet
        if np.shape(got) != w.shape:
            raise Hint(f"Return the new weights, an array shaped like w {w.shape}; got shape {np.shape(got)}.")
        if close(got, l1_step(w, g, eta, lam)):
            continue
        hint = _l1_common_mistakes(
            got, w, g, eta, lam,
            "That is the clipped (proximal) step, which stops a weight at 0 instead of letting it cross: "
            "a good step, and the next exercise. Here write the plain gradient step, the one fit(l1=...) "
            "takes: w - eta*lam*np.sign(w) - eta*nabla_C0 (a weight at 0.004 with η·λ = 0.01 goes to -0.006).")
        if hint:
            raise Hint(hint)
        bad = int(np.argmax(~np.isclose(np.ravel(got), np.ravel(l1_step(w, g, eta, lam)))))
        raise Hint(f"For w = {np.ravel(w)[bad]:.4g}, nabla_C0 = {np.ravel(g)[bad]:.4g}, η = {eta}, λ = {lam} "
                   f"expected {np.ravel(l1_step(w, g, eta, lam))[bad]:.4g}, got {np.ravel(got)[bad]:.4g}: "
                   "w - η·λ·sgn(w) - η·nabla_C0.")
    return ("Every weight moves by the same η·λ towards 0, big or small: small weights reach 0 (and, "
            "with this plain step, jump across it), big ones hardly notice.")


# ---- 10.l1_prox: the clipped (proximal) L1 step ------------------------------------------------------
def _prox_hard_threshold(w, g, eta, lam):
    u = w - eta * g
    return np.where(np.abs(u) <= eta * lam, 0.0, u)


def _prox_wrong_threshold(w, g, eta, lam):
    return soft_threshold(w - eta * g, lam)


def _prox_shrink_first(w, g, eta, lam):
    return soft_threshold(w, eta * lam) - eta * g


def _prox_zero_positive_only(w, g, eta, lam):
    return np.maximum(w - eta * g - eta * lam, 0.0)


@exercise("10.l1_prox", solution=l1_prox_step, mistakes=[
    (l1_step, "across 0"),
    (_prox_hard_threshold, "hard threshold"),
    (_prox_wrong_threshold, "η·λ"),
    (_prox_shrink_first, "after"),
    (_prox_zero_positive_only, "negative"),
])
def _check_l1_prox(f):
    for w, g, eta, lam in _l1_cases():
        got = f(w.copy(), g.copy(), eta, lam)
        if got is None:
            raise NotImplementedError
        if np.shape(got) != w.shape:
            raise Hint(f"Return the new weights, an array shaped like w {w.shape}; got shape {np.shape(got)}.")
        want = l1_prox_step(w, g, eta, lam)
        if close(got, want):
            continue
        if close(got, l1_step(w, g, eta, lam)):
            raise Hint("That is the plain L1 step of the exercise above: a weight near 0 jumps across 0 "
                       "(0.004 - 0.01 = -0.006). Clip: after the data step, move each weight by η·λ "
                       "towards 0, but stop at 0: np.sign(u) * np.maximum(np.abs(u) - eta*lam, 0).")
        for wrong, hint in (
                (_prox_hard_threshold, "You set the small weights to 0 but left the others as they were: a "
                                       "hard threshold. Every weight is still pulled by η·λ towards 0; only "
                                       "the pull stops at 0."),
                (_prox_wrong_threshold, "The pull per step is η·λ (the learning rate times the strength), "
                                        "not λ."),
                (_prox_shrink_first, "Take the data step first, u = w - eta*nabla_C0, and shrink u after "
                                     "it: otherwise the data step moves weights that were just set to 0."),
                (_prox_zero_positive_only, "Your step also clips negative weights to 0: np.maximum(u - η·λ, 0) "
                                           "only works for positive u. Shrink |u| and keep the sign: "
                                           "np.sign(u) * np.maximum(np.abs(u) - eta*lam, 0).")):
            if close(got, wrong(w, g, eta, lam)):
                raise Hint(hint)
        hint = _l1_common_mistakes(got, w, g, eta, lam, "")
        if hint:
            raise Hint(hint + " And then stop the pull at 0.")
        bad = int(np.argmax(~np.isclose(np.ravel(got), np.ravel(want))))
        raise Hint(f"For w = {np.ravel(w)[bad]:.4g}, nabla_C0 = {np.ravel(g)[bad]:.4g}, η = {eta}, λ = {lam} "
                   f"expected {np.ravel(want)[bad]:.4g}, got {np.ravel(got)[bad]:.4g}. u = w - η·nabla_C0, "
                   "then sgn(u)·max(|u| - η·λ, 0).")
    return ("After the data step every weight moves η·λ towards 0 and stops there: the weights that the "
            "data does not hold away from 0 become exactly 0 and stay there.")


# ---- 10.early_stop: when does early stopping stop, and which weights does it keep? --------------------
def early_stopping(val_costs, patience):
    """Epochs count from 1, as in fit. The best epoch is the first one with the lowest validation
    cost so far (a tie is no improvement); training stops after `patience` epochs without a new
    best, or at the last epoch. Only the epochs up to the stop are seen: a lower cost later never
    happens."""
    best_cost, best = float("inf"), 0
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best_cost, best = cost, epoch
        if epoch - best >= patience:
            return best, epoch
    return best, len(val_costs)


def _es_zero_based(val_costs, patience):
    best, stop = early_stopping(val_costs, patience)
    return best - 1, stop - 1


def _es_first_rise(val_costs, patience):
    for epoch in range(2, len(val_costs) + 1):
        if val_costs[epoch - 1] > val_costs[epoch - 2]:
            return epoch - 1, epoch
    return len(val_costs), len(val_costs)


def _es_global_min(val_costs, patience):
    best = int(np.argmin(val_costs)) + 1
    return best, min(len(val_costs), best + patience)


def _es_ties_improve(val_costs, patience):
    best_cost, best = float("inf"), 0
    for epoch, cost in enumerate(val_costs, start=1):
        if cost <= best_cost:
            best_cost, best = cost, epoch
        if epoch - best >= patience:
            return best, epoch
    return best, len(val_costs)


def _es_one_late(val_costs, patience):
    best_cost, best = float("inf"), 0
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best_cost, best = cost, epoch
        if epoch - best > patience:                 # waits patience + 1 epochs
            return best, epoch
    return best, len(val_costs)


def _es_one_early(val_costs, patience):
    best_cost, best = float("inf"), 0
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best_cost, best = cost, epoch
        if epoch - best >= patience - 1 and epoch > best:   # waits patience - 1 epochs
            return best, epoch
    return best, len(val_costs)


def _es_max(val_costs, patience):
    return early_stopping([-c for c in val_costs], patience)


def _es_cases():
    rng = np.random.default_rng(1011)
    base = 1 / np.arange(1, 31) + 0.01 * np.arange(30) + 0.02 * rng.standard_normal(30)
    return [
        ([0.9, 0.7, 0.6, 0.62, 0.55, 0.58, 0.59, 0.6, 0.61, 0.5, 0.7, 0.8, 0.9, 0.95], 3),  # dips, then a late best
        ([0.8, 0.6, 0.5, 0.5, 0.51, 0.5, 0.52, 0.53, 0.49, 0.6], 4),                          # ties with the best
        ([0.9, 0.8, 0.7, 0.6, 0.5], 2),                                                        # never stops early
        (list(np.round(base, 3)), 5),
    ]


@exercise("10.early_stop", solution=early_stopping, mistakes=[
    (_es_zero_based, "from 1"),
    (_es_first_rise, "patience"),
    (_es_global_min, "future"),
    (_es_ties_improve, "tie"),
    (_es_max, "lowest"),
    (_es_one_late, "one epoch too late"),
    (_es_one_early, "one epoch too early"),
])
def _check_early_stop(f):
    for costs, patience in _es_cases():
        got = f(list(costs), patience)
        if got is None:
            raise NotImplementedError
        try:
            best, stop = (int(v) for v in got)
        except (TypeError, ValueError):
            raise Hint(f"Return a pair of epoch numbers (best_epoch, stopped_epoch); got {got!r}.") from None
        want = early_stopping(costs, patience)
        if (best, stop) == want:
            continue
        for wrong, hint in (
                (_es_zero_based, "Off by one: count epochs from 1, as fit and History do (the first epoch is "
                                 "epoch 1)."),
                (_es_max, "The best epoch has the lowest validation cost, not the highest (a cost, not an "
                          "accuracy)."),
                (_es_first_rise, "You stop at the first rise of the cost: that ignores the patience. A "
                                 "noisy curve rises now and then; stop only after `patience` epochs without "
                                 "a new best."),
                (_es_ties_improve, "A tie with the best cost is not an improvement: keep the first epoch "
                                   "that reached it (fit compares with <), or a flat curve never stops."),
                (_es_one_late, "Off by one: you stop one epoch too late, after patience + 1 epochs without "
                               "a new best. With best epoch 5 and patience 3, epochs 6, 7 and 8 bring nothing "
                               "new: stop at 8 (epoch - best >= patience)."),
                (_es_one_early, "Off by one: you stop one epoch too early, after patience - 1 epochs without "
                                "a new best. With best epoch 5 and patience 3, wait through epochs 6, 7 and 8: "
                                "stop at 8 (epoch - best >= patience)."),
                (_es_global_min, "You looked into the future: the lowest cost of the whole list may come "
                                 "after training has already stopped. Walk through the epochs in order and "
                                 "stop as soon as `patience` epochs bring no new best.")):
            if (best, stop) == tuple(wrong(list(costs), patience)):
                raise Hint(hint)
        raise Hint(f"For the validation costs {list(costs)} with patience {patience}: expected (best, "
                   f"stopped) = {want}, got {(best, stop)}.")
    return ("Keep the first epoch with the lowest cost so far, stop when `patience` epochs have passed "
            "without a new one, and restore that epoch's weights.")


# ---- 10.overfits: which run overfits? --------------------------------------------------------------
@exercise("10.overfits", solution="B", mistakes=[
    ("A", "both"), ("C", "too strong"), ("A, B", "one letter"),
])
def _check_overfits(answer):
    a = str(answer).strip().upper().strip("'\". ")
    if a == "B":
        return ("B: training accuracy reaches ~100 % while validation stays far below; the gap is "
                "what the network learnt about these 1,000 digits only.")
    if a == "A":
        raise Hint("In A training and validation accuracy rise and stay close together: both curves "
                   "say the same thing, so the network generalises what it learns. Look for a big gap.")
    if a == "C":
        raise Hint("In C both curves are low: the network cannot even fit its training set. That is "
                   "underfitting (here: regularisation too strong), the opposite problem.")
    if len(a) > 1:
        raise Hint("Give one letter: the run whose training and validation curves are furthest apart.")
    raise Hint("Answer with one letter, 'A', 'B' or 'C'.")
