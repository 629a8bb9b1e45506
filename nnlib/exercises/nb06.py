"""Exercises of notebook 06 · Stochastic gradient descent."""
import numpy as np

from . import Hint, exercise


# ---- 06.steps_per_epoch -------------------------------------------------------------------------
def steps_per_epoch(n, m):
    """Mini-batches (= steps) in one pass over n examples with batch size m: the last batch may be
    smaller, and it still counts."""
    return -(-n // m)  # ceil(n / m) in whole numbers


_COUNT_CASES = [(200, 10), (8000, 10), (200, 30), (8000, 64), (7, 7), (5, 8), (1000, 1)]


@exercise("06.steps_per_epoch", solution=steps_per_epoch, mistakes=[
    (lambda n, m: n // m, "last"),
    (lambda n, m: n / m, "whole number"),
    (lambda n, m: n // m + 1, "exactly"),
])
def _check_steps_per_epoch(f):
    for n, m in _COUNT_CASES:
        got, want = f(n, m), steps_per_epoch(n, m)
        if isinstance(got, (float, np.floating)) and got != int(got):
            raise Hint(f"For n={n}, m={m} you returned {got}: a number of steps is a whole number.")
        if got == want:
            continue
        if got == n // m and n % m:
            raise Hint(f"For n={n}, m={m}: {n} = {n // m} * {m} + {n % m}, and those last {n % m} "
                       "examples make one more, smaller batch. Do not forget the last partial batch.")
        if got == n // m + 1 and n % m == 0:
            raise Hint(f"For n={n}, m={m} the batches divide the examples exactly: there is no "
                       "partial batch left over.")
        raise Hint(f"For n={n}, m={m} an epoch takes {want} steps; you returned {got}.")
    return "ceil(n / m): 200 examples in batches of 30 take 7 steps, the last one with only 20 examples."


# ---- 06.minibatches -------------------------------------------------------------------------------
def minibatches(order, m):
    """Cut a shuffled order of example indices into consecutive batches of m (the last may be smaller)."""
    return [order[k:k + m] for k in range(0, len(order), m)]


@exercise("06.minibatches", solution=minibatches, mistakes=[
    (lambda order, m: [order[k:k + m] for k in range(0, len(order) - m + 1, m)], "last"),
    (lambda order, m: [np.arange(len(order))[k:k + m] for k in range(0, len(order), m)], "given (shuffled) order"),
    (lambda order, m: [order[k:k + m] for k in range(0, len(order), 1)], "overlap"),
])
def _check_minibatches(f):
    rng = np.random.default_rng(0)
    for n, m in ((23, 5), (20, 5), (6, 10)):
        order = rng.permutation(n)
        got = f(order.copy(), m)
        want = minibatches(order, m)
        try:
            got = [np.asarray(b).tolist() for b in got]
        except TypeError:
            raise Hint("Return a list of batches, each an array (or list) of example indices.") from None
        if got == [b.tolist() for b in want]:
            continue
        flat = [i for b in got for i in b]
        if len(flat) > n:
            raise Hint("Your batches overlap: some examples are used twice in one epoch. Step by m, "
                       "range(0, n, m).")
        if len(flat) < n and flat == order[:len(flat)].tolist():
            raise Hint(f"With n={n}, m={m} you dropped the last {n - len(flat)} examples: keep the last, "
                       "smaller batch.")
        if sorted(flat) == list(range(n)) and flat != order.tolist() and flat == sorted(flat):
            raise Hint("Take the examples in the given (shuffled) order, order[k:k + m], not 0, 1, 2, ...: "
                       "the shuffle is what makes each batch a fair random sample.")
        raise Hint(f"For order={order.tolist()} and m={m} the batches are {[b.tolist() for b in want]}; you "
                   f"returned {got}.")
    return "One epoch = every example once, in a fresh random order, m at a time."


# ---- 06.steps_for_budget ---------------------------------------------------------------------------
STEPS_FOR_BUDGET = 2400  # 3 epochs of 8000 examples in batches of 10: 3 * 800


@exercise("06.steps_for_budget", solution=STEPS_FOR_BUDGET, mistakes=[
    (800, "three epochs"),
    (3, "per mini-batch"),
    (24000, "examples"),
])
def _check_steps_for_budget(answer):
    try:
        x = int(answer)
    except (TypeError, ValueError):
        raise Hint("Answer with one whole number.") from None
    if x == STEPS_FOR_BUDGET:
        return "2400 steps for the same 24,000 examples that full-batch descent spends on 3 steps."
    if x == 800:
        raise Hint("800 is one epoch; the question asks for three epochs.")
    if x == 3:
        raise Hint("3 is the number of steps of full-batch descent. With mini-batches there is one step "
                   "per mini-batch: 8000 / 10 per epoch.")
    if x == 24000:
        raise Hint("24,000 is the number of examples seen. Each step uses 10 of them.")
    raise Hint("Steps per epoch = 8000 / 10; times the number of epochs.")
