"""Exercises of notebook 02 · The cost function."""
import numpy as np

from . import Hint, close, exercise


# ---- 02.cost: the video's cost of one example ------------------------------------------------
def cost(a, y):
    """C_0 = sum_j (a_j - y_j)^2, the video's cost of one example (no 1/2)."""
    return np.sum((a - y) ** 2)


_A = np.array([0.1, 0.8, 0.3, 0.05])
_Y = np.array([0.0, 1.0, 0.0, 0.0])


@exercise("02.cost", solution=cost, mistakes=[
    (lambda a, y: 0.5 * np.sum((a - y) ** 2), "1/2"),
    (lambda a, y: np.sum(a - y) ** 2, "square each"),
    (lambda a, y: np.mean((a - y) ** 2), "sum"),
    (lambda a, y: np.sum(np.abs(a - y)), "square"),
])
def _check_cost(f):
    want = cost(_A, _Y)
    got = f(_A.copy(), _Y.copy())
    if np.ndim(got) != 0:
        raise Hint(f"The cost of one example is ONE number; you returned shape {np.shape(got)}. "
                   "Add the squared differences up: np.sum(...).")
    if close(got, want):
        return f"C_0 = {want:.4f} for a = {_A}, y = {_Y}."
    if close(got, 0.5 * want):
        raise Hint("That is nnlib's cost, with the 1/2 in front. The video's C_0 has no 1/2: "
                   "sum_j (a_j - y_j)^2.")
    if close(got, np.sum(_A - _Y) ** 2):
        raise Hint("You squared the sum. Square each difference first, then add them: "
                   "np.sum((a - y) ** 2). Otherwise errors of opposite sign cancel.")
    if close(got, np.mean((_A - _Y) ** 2)):
        raise Hint("That is the mean over the output neurons. C_0 is the sum over them; the averaging "
                   "comes later, over training examples.")
    if close(got, np.sum(np.abs(_A - _Y))):
        raise Hint("That adds the absolute differences. C_0 adds their squares: (a_j - y_j) ** 2.")
    raise Hint("Not C_0 = sum_j (a_j - y_j)^2: subtract, square each difference, add them up.")


# ---- 02.one_hot: the desired output for a label ---------------------------------------------
def one_hot(label):
    """The desired output for a digit: 1 on the neuron of that digit, 0 on the nine others."""
    y = np.zeros(10)
    y[label] = 1.0
    return y


@exercise("02.one_hot", solution=one_hot, mistakes=[
    (lambda label: np.eye(10)[label - 1], "0"),
    (lambda label: np.eye(9)[label - 1] if label else np.zeros(9), "10"),
    (lambda label: np.ones(10) - np.eye(10)[label], "only"),
    (lambda label: label, "vector"),
])
def _check_one_hot(f):
    for label in (3, 0, 9, 7):
        got = f(label)
        if np.ndim(got) == 0:
            raise Hint("The desired output is a vector with one number per output neuron (10 of them), "
                       f"not the label itself; you returned {got!r}.")
        got = np.asarray(got, dtype=float)
        if got.shape != (10,):
            raise Hint(f"The desired output needs 10 numbers, one per output neuron (digits 0 to 9); "
                       f"yours has shape {got.shape}.")
        if close(got, one_hot(label)):
            continue
        if close(got, 1 - one_hot(label)):
            raise Hint(f"For label {label} you lit every neuron but {label}: it should be the other way "
                       "round, only the label's neuron at 1.")
        if label > 0 and close(got, one_hot(label - 1)):
            raise Hint(f"For label {label} you lit neuron {label - 1}: the digits start at 0, so digit d is "
                       "neuron d (index d), with no -1.")
        raise Hint(f"For label {label} expected 1 at index {label} and 0 everywhere else; got {got}.")
    return "np.eye(10)[label] does the same in one line."


# ---- 02.lower_cost: which output costs less? -----------------------------------------------
LABEL = 3
OUTPUT_A = np.array([0.5, 0.5, 0.5, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
OUTPUT_B = np.array([0.05, 0.05, 0.05, 0.7, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05])


@exercise("02.lower_cost", solution="B", mistakes=[
    ("A", "nine"),
    ("both", "'A' or 'B'"),
])
def _check_lower_cost(answer):
    if not isinstance(answer, str) or answer.strip().upper() not in ("A", "B"):
        raise Hint(f"Answer with the string 'A' or 'B' (got {answer!r}).")
    y = np.eye(10)[LABEL]
    ca, cb = np.sum((OUTPUT_A - y) ** 2), np.sum((OUTPUT_B - y) ** 2)
    if answer.strip().upper() == "A":
        raise Hint(f"A's neuron 3 is brighter (0.9 vs 0.7), but the cost counts every neuron: A's nine "
                   f"wrong neurons at 0.5 add 9 x 0.25. C_0(A) = {ca:.2f}, C_0(B) = {cb:.2f}.")
    return f"C_0(A) = {ca:.2f}, C_0(B) = {cb:.4f}: B is sure about what the digit is NOT."
