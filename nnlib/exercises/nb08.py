"""Exercises of notebook 08 · Activation functions and vanishing gradients."""
import numpy as np

from . import Hint, close, exercise

_Z = np.array([-3.0, -1.0, -0.2, 0.0, 0.5, 2.0])
_Z_GRID = np.array([[-0.7, 1.3, 0.0], [2.5, -4.0, 0.25]])      # a 2-D array: the shape must be kept
_Z_FAR = np.array([-400.0, -25.0, 25.0, 400.0])                  # the flat ends: the slope is 0


# ---- 08.tanh_prime ---------------------------------------------------------------------------
def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2."""
    return 1 - np.tanh(z) ** 2


@exercise("08.tanh_prime", solution=tanh_prime, mistakes=[
    (lambda z: 1 - z ** 2, "tanh(z)"),
    (lambda z: np.tanh(z) * (1 - np.tanh(z)), "sigmoid"),
    (lambda z: 1 - np.tanh(z), "square"),
    (lambda z: 1 - np.tanh(z ** 2), "square tanh(z)"),
    (lambda z: np.array([1 - np.tanh(v) ** 2 for v in np.ravel(z)]), "shape"),
])
def _check_tanh_prime(f):
    for Z in (_Z, _Z_GRID, _Z_FAR):
        got = f(Z.copy())
        if got is None:
            raise NotImplementedError  # the template's body: not attempted yet
        if np.shape(got) != Z.shape:
            raise Hint(f"Work on a whole array at once and keep its shape (np.tanh works elementwise); got shape "
                       f"{np.shape(got)} for an input of shape {Z.shape}.")
        if close(got, tanh_prime(Z), atol=1e-12):
            continue
        if close(got, 1 - Z ** 2):
            raise Hint("Square tanh(z), not z: tanh'(z) = 1 - tanh(z)^2. (1 - z^2 even goes negative.)")
        if close(got, np.tanh(Z) * (1 - np.tanh(Z))):
            raise Hint("That is the sigmoid's pattern a(1 - a). For tanh the derivative is 1 - a^2 with a = tanh(z).")
        if close(got, 1 - np.tanh(Z)):
            raise Hint("Nearly: square tanh(z) before subtracting: 1 - tanh(z)**2.")
        if close(got, 1 - np.tanh(Z ** 2)):
            raise Hint("The square belongs outside: square tanh(z), 1 - np.tanh(z)**2, not tanh(z**2).")
        if not np.all(np.isfinite(got)):
            raise Hint("For large |z| (like 400) your formula gives nan or inf. 1 - np.tanh(z)**2 stays finite "
                       "(np.tanh(400) is exactly 1.0); formulas through np.exp(z) or np.cosh(z) overflow there.")
        raise Hint("Not yet. Hint: tanh'(z) = 1 - tanh(z)^2; check it is 1 at z = 0 and near 0 for large |z|.")
    return "tanh'(z) = 1 - tanh(z)^2: 1 at z = 0, four times the sigmoid's best, and 0 on the flat ends."


# ---- 08.quarter: the most the sigmoid's slopes can let through 6 hidden layers -----------------
QUARTER_6 = 0.25 ** 6   # BP2 multiplies by sigma'(z^l) once for each of the 6 hidden layers; each <= 1/4


@exercise("08.quarter", solution=QUARTER_6, mistakes=[
    (0.25, "one layer"),
    (1.5, "power"),
    (4096, "how many times smaller"),
    (0.25 ** 7, "output layer"),
    (0.25 ** 5, "layer 1"),
    (1.0, "tanh"),
    ("sigmoid", "a number"),
])
def _check_quarter(answer):
    if isinstance(answer, str) or answer is None:
        raise Hint(f"Give a number, the factor (like 0.5 for 'halved'), not {answer!r}.")
    try:
        x = float(answer)
    except (TypeError, ValueError):
        raise Hint(f"Give a number, the factor (like 0.5 for 'halved'), not {answer!r}.") from None
    if close(x, QUARTER_6, rtol=0.02):
        return ("(1/4)^6 = 1/4096, about 2.4e-4: even if every sigmoid neuron sat at z = 0, its steepest point, "
                "the slopes alone would shrink layer 1's error 4,096-fold. With scaled or He weights the table below "
                "shows an even smaller ratio (most neurons sit off-centre, where the slope is below 1/4, and layer "
                "1 reads mostly-blank pixels); with N(0, 1) weights the large weights make up for part of it.")
    if close(x, 0.25):
        raise Hint("1/4 is one layer's factor. The error passes through 6 hidden layers, and BP2 multiplies "
                   "by sigma' at each of them: multiply 1/4 by itself 6 times.")
    if close(x, 1.5):
        raise Hint("1/4 x 6 adds the layers up; BP2 MULTIPLIES by sigma' at every layer, so the factors compound: "
                   "raise 1/4 to the power 6.")
    if close(x, 4096):
        raise Hint("4,096 is how many times smaller the error gets; the factor it is multiplied by is 1/4096.")
    if close(x, 0.25 ** 7):
        raise Hint("(1/4)^7 also counts the output layer: its error is a - y (softmax with the log-likelihood), "
                   "no sigmoid slope. Only the 6 hidden layers multiply by sigma'.")
    if close(x, 0.25 ** 5):
        raise Hint("(1/4)^5 leaves one out: layer 1's own error delta^(1) is multiplied by sigma'(z^(1)) too, "
                   "so all 6 hidden layers count.")
    if close(x, 1.0):
        raise Hint("1 is the largest slope of tanh and ReLU; the sigmoid's slope sigma(z)(1 - sigma(z)) is at most "
                   "1/4, at z = 0.")
    raise Hint(f"{x!r} is not it. Each hidden layer multiplies the error by a slope of at most 1/4 (the table); "
               "there are 6 hidden layers between the output and layer 1.")


# ---- 08.he_std: the spread of He initialisation -------------------------------------------------
def he_std(n_in):
    """He initialisation draws w ~ N(0, 2/n_in): standard deviation sqrt(2 / n_in)."""
    return np.sqrt(2 / n_in)


@exercise("08.he_std", solution=he_std, mistakes=[
    (lambda n_in: 2 / n_in, "square root"),
    (lambda n_in: np.sqrt(1 / n_in), "scaled"),
    (lambda n_in: 1.0, "normal"),
    (lambda n_in: np.sqrt(n_in / 2), "upside down"),
    (lambda n_in: np.sqrt(2) / n_in, "whole fraction"),
    (lambda n_in: np.sqrt(2 / 784), "every layer"),
])
def _check_he_std(f):
    for n in (50, 7, 1, 784, 1000):          # 784 and 1000 last: a constant sqrt(2/784) passes 784 only
        got = f(n)
        if got is None:
            raise NotImplementedError  # the template's body: not attempted yet
        if np.ndim(got) != 0:
            raise Hint(f"Return one number, the standard deviation for a layer with n_in inputs; you returned "
                       f"an array of shape {np.shape(got)}.")
        if close(got, he_std(n)):
            continue
        if close(got, 2 / n):
            raise Hint("2/n_in is the variance; the standard deviation is its square root: np.sqrt(2 / n_in).")
        if close(got, np.sqrt(1 / n)):
            raise Hint("That is the 'scaled' init, sqrt(1/n_in). He doubles the variance, because ReLU turns "
                       "off about half of the neurons: sqrt(2 / n_in).")
        if close(got, 1.0):
            raise Hint("That is the 'normal' init (standard deviation 1, whatever n_in): with 784 pixel inputs, "
                       "z then has a spread of about 9 (the notebook's sqrt(784 * mean x^2)), far too large. "
                       "Divide by n_in inside a square root.")
        if close(got, np.sqrt(n / 2)):
            raise Hint("Upside down: more inputs must mean SMALLER weights (z adds up n_in terms), so n_in goes "
                       "in the denominator: np.sqrt(2 / n_in).")
        if close(got, np.sqrt(2) / n):
            raise Hint("The square root must cover the whole fraction: sqrt(2 / n_in), not sqrt(2) / n_in "
                       "(the variance 2/n_in shrinks like 1/n_in, so the spread like 1/sqrt(n_in)).")
        if close(got, np.sqrt(2 / 784)):
            raise Hint("The value for 784 inputs only: every layer has its own n_in (30 for the hidden layers "
                       "here). Use the argument: np.sqrt(2 / n_in).")
        raise Hint(f"For n_in = {n}, expected a standard deviation of {he_std(n):.4f}, got {got!r}.")
    return (f"He: std = sqrt(2/n_in) = {he_std(784):.4f} for 784 inputs, {he_std(30):.3f} for 30: z keeps "
            "about the size of its inputs, layer after layer.")
