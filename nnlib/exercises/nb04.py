"""Exercises of notebook 04 · Backpropagation, the intuition."""
import numpy as np

from . import Hint, close, exercise


# ---- 04.output_nudge: what the output layer wants -------------------------------------------
def output_nudge(a, y):
    """The desired nudge of each output activation for nnlib's cost 1/2 sum (a_j - y_j)^2:
    -dC/da_j = y_j - a_j (toward the target, in proportion to the gap)."""
    return y - a


_A = np.array([0.2, 0.9, 0.05, 0.6])
_Y = np.array([0.0, 0.0, 1.0, 0.0])
_A2 = np.array([0.35, 0.5, 0.99])     # a second case: one neuron exactly on target,
_Y2 = np.array([0.8, 0.5, 0.0])       # targets that are not one-hot


@exercise("04.output_nudge", solution=output_nudge, mistakes=[
    (lambda a, y: a - y, "sign"),
    (lambda a, y: 2 * (y - a), "1/2"),
    (lambda a, y: np.sign(y - a), "proportion"),
    (lambda a, y: -(a - y) ** 2, "square"),
    (lambda a, y: np.round(y - a, 1), "rounded"),
    (lambda a, y: (y - a) * a * (1 - a), "push on z"),
])
def _check_output_nudge(f):
    want = output_nudge(_A, _Y)
    got = np.asarray(f(_A.copy(), _Y.copy()), dtype=float)
    if got.shape != want.shape:
        raise Hint(f"One nudge per output neuron: shape {want.shape}, not {got.shape}.")
    if close(got, want):
        got2 = np.asarray(f(_A2.copy(), _Y2.copy()), dtype=float)
        if not close(got2, output_nudge(_A2, _Y2)):
            raise Hint(f"Right on one case but not on a = {_A2.tolist()}, y = {_Y2.tolist()} (got "
                       f"{np.round(got2, 3).tolist()}): the nudge must be y - a for any targets, not only one-hot ones.")
        return f"nudges {np.round(want, 2)}: the third neuron (target 1) wants up the most."
    if close(got, -want):
        raise Hint("Wrong sign: an activation that is too high (a > y) must be nudged DOWN. "
                   "The nudge is -(a - y) = y - a.")
    if close(got, 2 * want):
        raise Hint("Right direction, twice too long: that is the video's C_0 without the 1/2. "
                   "nnlib's cost is 1/2 sum (a_j - y_j)^2, whose 1/2 cancels the 2: y - a.")
    if close(got, np.sign(want)):
        raise Hint("Right directions, but every nudge has the same size. The nudge is in proportion "
                   "to how far off the activation is: y - a.")
    if close(got, want * _A * (1 - _A)):
        raise Hint("That multiplies by sigma'(z) = a (1 - a): it is the push on z (the wish for the bias), "
                   "one step further. The question asks for the nudge of the activation a itself: y - a.")
    if close(got, -(_A - _Y) ** 2) or close(got, (_A - _Y) ** 2):
        raise Hint("That squares the gap (the cost itself). The nudge is the slope's negative, "
                   "-(a - y): no square.")
    if close(got, want, rtol=0.2, atol=0.06):
        raise Hint("Close but not equal: is something rounded? Return the exact nudges, unrounded.")
    raise Hint("The desired nudge of a_j is -(a_j - y_j): up when a_j is below its target, down "
               "when above, in proportion to the gap.")


# ---- 04.strongest_weight: which weight into neuron j should grow most? ---------------------
A_PREV = np.array([0.1, 0.95, 0.0, 0.4, 0.7])   # activations of the previous layer
W_J = np.array([2.5, 0.3, -1.0, 0.8, -0.2])     # the weights into neuron j


def strongest_weight():
    """The wish for w_jk is (neuron j's push on z_j) x a_k: the same push for every k, times the
    activation the weight carries. So the weight from the BRIGHTEST previous neuron moves most:
    a_prev = [0.1, 0.95, 0.0, 0.4, 0.7] gives k = 1. The weight's own size does not enter
    (w_j0 = 2.5 is the largest weight, but it carries a dim a_0 = 0.1), and w_j2 carries a_2 = 0:
    changing it changes nothing."""
    return int(np.argmax(A_PREV))


@exercise("04.strongest_weight", solution=strongest_weight, mistakes=[
    (0, "already"),
    (2, "dark"),
    (4, "brightest"),
])
def _check_strongest_weight(k):
    if callable(k):
        k = k()
    if isinstance(k, (float, np.floating)) and float(k).is_integer():
        k = int(k)  # 1.0 is the index 1
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < len(A_PREV):
        raise Hint(f"Answer with an index from 0 to {len(A_PREV) - 1} (got {k!r}).")
    best = int(np.argmax(A_PREV))
    if k == best:
        return (f"The wish for w_jk is (neuron j's push on z_j) x a_k, the same push for every k, so the "
                f"brightest previous neuron, k = {best} (a = {A_PREV[best]}), gets the biggest change. The "
                "size of the weight itself does not enter.")
    if k == int(np.argmax(W_J)):
        raise Hint(f"w_j{k} is already the largest weight, but its neuron is dim (a = {A_PREV[k]}): "
                   "changing a weight changes z_j by (change) x a_k. Look at the activations.")
    if A_PREV[k] == 0:
        raise Hint(f"Neuron {k} is dark (a = 0): its weight has no effect on z_j at all, so changing it "
                   "cannot help. Look for the brightest previous neuron.")
    raise Hint(f"Neuron {k} has a = {A_PREV[k]}; a change of w_jk changes z_j by (change) x a_k, so pick "
               "the brightest previous neuron.")


# ---- 04.bias_signs: which way should each output bias go? ----------------------------------
BIAS_A = np.array([0.9, 0.1, 0.6, 0.3])  # output activations
BIAS_Y = np.array([0.0, 1.0, 1.0, 0.0])  # desired outputs


def bias_signs():
    """dC/db_j = (a_j - y_j) sigma'(z_j) and sigma' > 0, so gradient descent moves each bias with the
    sign of y_j - a_j: up where the activation is below its target, down where it is above. Neuron 2
    (a = 0.6, target 1) is partly right but still below its target: up. So [-1, 1, 1, -1]."""
    return [int(v) for v in np.sign(BIAS_Y - BIAS_A)]


@exercise("04.bias_signs", solution=bias_signs, mistakes=[
    ([1, -1, -1, 1], "opposite"),
    ([-1, 1, 1, 1], "neuron 3"),
    ([-1, 1, 0, -1], "neuron 2"),
])
def _check_bias_signs(signs):
    if callable(signs):
        signs = signs()
    try:
        got = np.asarray(signs, dtype=float)
    except (TypeError, ValueError):
        raise Hint("Answer with a list of four signs, like [1, -1, 1, 1].") from None
    want = np.sign(BIAS_Y - BIAS_A)
    if got.shape != want.shape:
        raise Hint(f"Four output neurons, four signs (got {got.size}).")
    if close(np.sign(got), want):
        return ("The bias nudge has the sign of y - a (sigma' is always positive): raise b where the "
                "activation is too low, lower it where too high.")
    if close(np.sign(got), -want):
        raise Hint("Every sign is the opposite: a bigger bias raises the activation, so raise the bias "
                   "where a is BELOW its target.")
    j = int(np.argmax(np.sign(got) != want))
    raise Hint(f"Look at neuron {j}: a = {BIAS_A[j]}, target {BIAS_Y[j]:g}. It is too "
               f"{'high' if BIAS_A[j] > BIAS_Y[j] else 'low'}, so its bias should go "
               f"{'down' if BIAS_A[j] > BIAS_Y[j] else 'up'}; even a neuron that is partly right still "
               "wants to move all the way to its target.")
