"""Exercises of notebook 06 · Stochastic gradient descent."""
import numpy as np

from . import Hint, exercise
from .answers import explained


# ---- 06.steps_per_epoch -------------------------------------------------------------------------
def steps_per_epoch(n, m):
    """Mini-batches (= steps) in one pass over n examples with batch size m: the last batch may be
    smaller, and it still counts."""
    return -(-n // m)  # ceil(n / m) in whole numbers


_COUNT_CASES = [(200, 10), (8000, 10), (200, 30), (8000, 64), (7, 7), (5, 8), (1000, 1), (210, 100), (1001, 10)]


@exercise("06.steps_per_epoch", solution=steps_per_epoch, mistakes=[
    (lambda n, m: n // m, "last"),
    (lambda n, m: n / m, "whole number"),
    (lambda n, m: n // m + 1, "exactly"),
    (lambda n, m: round(n / m), "round up"),
])
def _check_steps_per_epoch(f):
    for n, m in _COUNT_CASES:
        got, want = f(n, m), steps_per_epoch(n, m)
        if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
            raise Hint(f"For n={n}, m={m} you returned {got!r}: return one whole number of steps.")
        if got != np.floor(got):
            raise Hint(f"For n={n}, m={m} you returned {got}: a number of steps is a whole number "
                       "(round up: the last, smaller batch is a whole step).")
        if got == want:
            continue
        if got == n // m and n % m:
            raise Hint(f"For n={n}, m={m}: {n} = {n // m} * {m} + {n % m}, and those last {n % m} "
                       "examples make one more, smaller batch. Do not forget the last partial batch: round up, never down.")
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
STEPS_FOR_BUDGET = explained(2400, (
    "One step per mini-batch: 8,000 / 10 = 800 steps per epoch (10 divides 8,000, so no partial batch), "
    "and 3 epochs take 3 x 800 = 2,400 steps, for the same 24,000 examples that full-batch descent "
    "spends on 3 steps."))


def whole_number(answer, what="a number of steps"):
    """The answer as an int if it is a whole number (2400, 2400.0, np.int64(2400), '2400'); a Hint
    naming the problem otherwise (2400.9 is not rounded or truncated into a pass)."""
    if isinstance(answer, bool):
        raise Hint(f"Answer with one whole number, not {answer!r}.")
    try:
        x = float(answer.strip().replace(",", "").replace("_", "") if isinstance(answer, str) else answer)
    except (TypeError, ValueError):
        raise Hint("Answer with one whole number.") from None
    if not np.isfinite(x) or x != np.floor(x):
        raise Hint(f"{answer!r} is not a whole number, and {what} is: no fractions of a step.")
    return int(x)


@exercise("06.steps_for_budget", solution=STEPS_FOR_BUDGET, mistakes=[
    (800, "three epochs"),
    (3, "per mini-batch"),
    (24000, "examples"),
    (2403, "divides"),
    (2400.9, "whole number"),
    (2399.5, "whole number"),
])
def _check_steps_for_budget(answer):
    x = whole_number(answer)
    if x == STEPS_FOR_BUDGET:
        return "2400 steps for the same 24,000 examples that full-batch descent spends on 3 steps."
    if x == 800:
        raise Hint("800 is one epoch; the question asks for three epochs.")
    if x == 3:
        raise Hint("3 is the number of steps of full-batch descent. With mini-batches there is one step "
                   "per mini-batch: 8000 / 10 per epoch.")
    if x == 24000:
        raise Hint("24,000 is the number of examples seen. Each step uses 10 of them.")
    if x in (2401, 2403):
        raise Hint("10 divides 8,000 exactly: there is no partial batch at the end of an epoch to add.")
    raise Hint("Steps per epoch = 8000 / 10; times the number of epochs.")
