"""Exercises of notebook 02 · The cost function."""
import numpy as np

from . import Hint, close, exercise
from .answers import explained


# ---- 02.cost: nnlib's cost of one example -----------------------------------------------------
def cost(a, y):
    """nnlib's quadratic cost of one example, C = 1/2 ||a - y||^2 = 1/2 sum_j (a_j - y_j)^2
    (half the video's C_0, which has no 1/2)."""
    return 0.5 * np.sum((a - y) ** 2)


_COST_CASES = [
    (np.array([0.1, 0.8, 0.3, 0.05]), np.array([0.0, 1.0, 0.0, 0.0])),
    (np.array([0.9, 0.2, 0.6, 0.7, 0.1]), np.array([0.0, 0.0, 0.0, 1.0, 0.0])),
    (np.array([0.5, 0.5]), np.array([0.5, 0.5])),            # exactly right: cost 0
]


@exercise("02.cost", solution=cost, mistakes=[
    (lambda a, y: np.sum((a - y) ** 2), "video's c_0"),
    (lambda a, y: 0.5 * np.sum(a - y) ** 2, "square each"),
    (lambda a, y: 0.5 * np.mean((a - y) ** 2), "mean"),
    (lambda a, y: 0.5 * np.sum(np.abs(a - y)), "absolute"),
    (lambda a, y: (a - y) ** 2 / 2, "one number"),
    (lambda a, y: np.linalg.norm(a - y) / 2, "not its square"),
])
def _check_cost(f):
    for a, y in _COST_CASES:
        want = cost(a, y)
        got = f(a.copy(), y.copy())
        if np.ndim(got) != 0:
            raise Hint(f"The cost of one example is ONE number; you returned shape {np.shape(got)}. "
                       "Add the squared differences up: np.sum(...).")
        if close(got, want):
            continue
        d = a - y
        if close(got, 2 * want):
            raise Hint("That is the video's C_0 = sum_j (a_j - y_j)^2, twice nnlib's cost: nnlib (like Nielsen) "
                       "puts 1/2 in front, C = 1/2 sum_j (a_j - y_j)^2.")
        if close(got, 0.5 * np.sum(d) ** 2) or close(got, np.sum(d) ** 2):
            raise Hint("You squared the sum. Square each difference first, then add them: "
                       "0.5 * np.sum((a - y) ** 2). Otherwise errors of opposite sign cancel.")
        if close(got, 0.5 * np.mean(d ** 2)) or close(got, np.mean(d ** 2)):
            raise Hint("That is the mean over the output neurons. The cost of one example sums over them; "
                       "the averaging comes later, over training examples.")
        if close(got, 0.5 * np.linalg.norm(d)) or close(got, np.linalg.norm(d)):
            raise Hint("That is (half) the length ||a - y||, not its square: np.linalg.norm takes the square root "
                       "of the sum of squares. The cost is 1/2 ||a - y||^2: square the norm, or skip the root, "
                       "0.5 * np.sum((a - y) ** 2).")
        if close(got, 0.5 * np.sum(np.abs(d))) or close(got, np.sum(np.abs(d))):
            raise Hint("That adds the absolute differences. The quadratic cost adds their squares: (a_j - y_j) ** 2.")
        raise Hint(f"For a = {a}, y = {y} the cost is {want:.4f}; you returned {float(got):.4f}. "
                   "Subtract, square each difference, add them up, halve.")
    return f"C = 1/2 ||a - y||^2 = {cost(*_COST_CASES[0]):.4f} for a = {_COST_CASES[0][0]}, y = {_COST_CASES[0][1]}."


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


def _costs():
    y = np.eye(10)[LABEL]
    return 0.5 * np.sum((OUTPUT_A - y) ** 2), 0.5 * np.sum((OUTPUT_B - y) ** 2)


@exercise("02.lower_cost", solution=explained("B", (
    "The cost adds up every output neuron's squared gap, not only the label's. A's neuron 3 is closer "
    "(gap 0.1 vs 0.3), but its nine wrong neurons at 0.5 add 9 x 0.25 / 2 = 1.125; B's nine at 0.05 add "
    "only 9 x 0.0025 / 2, so C(A) = 1.13 and C(B) = 0.056.")), mistakes=[
    ("A", "nine"),
    ("both", "'A' or 'B'"),
    ("C", "'A' or 'B'"),
])
def _check_lower_cost(answer):
    if not isinstance(answer, str) or answer.strip().upper() not in ("A", "B"):
        raise Hint(f"Answer with the string 'A' or 'B' (got {answer!r}).")
    ca, cb = _costs()
    if answer.strip().upper() == "A":
        raise Hint(f"A's neuron 3 is brighter (0.9 vs 0.7), but the cost counts every neuron: A's nine "
                   f"wrong neurons at 0.5 add 9 x 0.25 / 2. C(A) = {ca:.2f}, C(B) = {cb:.3f}.")
    return f"C(A) = {ca:.2f}, C(B) = {cb:.3f} (the video's C_0 is twice each): B is sure about what the digit is NOT."
