"""Exercises of notebook 08 · Activation functions and vanishing gradients."""
import numpy as np

from . import Hint, close, exercise

_Z = np.array([-3.0, -1.0, -0.2, 0.0, 0.5, 2.0])


# ---- 08.tanh_prime ---------------------------------------------------------------------------
def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2."""
    return 1 - np.tanh(z) ** 2


@exercise("08.tanh_prime", solution=tanh_prime, mistakes=[
    (lambda z: 1 - z ** 2, "tanh(z)"),
    (lambda z: np.tanh(z) * (1 - np.tanh(z)), "sigmoid"),
    (lambda z: 1 - np.tanh(z), "square"),
])
def _check_tanh_prime(f):
    got = f(_Z.copy())
    if np.shape(got) != _Z.shape:
        raise Hint(f"Work on a whole array at once (np.tanh works elementwise); got shape {np.shape(got)} "
                   f"for an input of shape {_Z.shape}.")
    if close(got, tanh_prime(_Z)):
        return "tanh'(z) = 1 - tanh(z)^2: 1 at z = 0, four times the sigmoid's best."
    if close(got, 1 - _Z ** 2):
        raise Hint("Square tanh(z), not z: tanh'(z) = 1 - tanh(z)^2. (1 - z^2 even goes negative.)")
    if close(got, np.tanh(_Z) * (1 - np.tanh(_Z))):
        raise Hint("That is the sigmoid's pattern a(1 - a). For tanh the derivative is 1 - a^2 with a = tanh(z).")
    if close(got, 1 - np.tanh(_Z)):
        raise Hint("Nearly: square tanh(z) before subtracting: 1 - tanh(z)**2.")
    raise Hint("Not yet. Hint: tanh'(z) = 1 - tanh(z)^2; check it is 1 at z = 0 and near 0 for large |z|.")


# ---- 08.quarter: which derivative never exceeds 1/4 --------------------------------------------
@exercise("08.quarter", solution="sigmoid", mistakes=[
    ("tanh", "tanh'(0) = 1"),
    ("relu", "1 for every z > 0"),
    ("identity", "always 1"),
])
def _check_quarter(answer):
    name = str(answer).strip().lower()
    if name == "sigmoid":
        return "sigma'(z) = sigma(z)(1 - sigma(z)) <= 1/4, reached at z = 0 only."
    if name == "tanh":
        raise Hint("tanh'(0) = 1 - tanh(0)^2 = 1: tanh passes gradients through at full size near 0.")
    if name == "relu":
        raise Hint("ReLU's slope is 1 for every z > 0 (and 0 for z < 0): never a fraction in between.")
    if name in ("identity", "linear"):
        raise Hint("The identity's slope is always 1.")
    raise Hint(f"{answer!r} is not one of the activations here: answer 'sigmoid', 'tanh' or 'relu'.")


# ---- 08.he_std: the spread of He initialisation -------------------------------------------------
def he_std(n_in):
    """He initialisation draws w ~ N(0, 2/n_in): standard deviation sqrt(2 / n_in)."""
    return np.sqrt(2 / n_in)


@exercise("08.he_std", solution=he_std, mistakes=[
    (lambda n_in: 2 / n_in, "square root"),
    (lambda n_in: np.sqrt(1 / n_in), "scaled"),
    (lambda n_in: 1.0, "normal"),
])
def _check_he_std(f):
    for n in (784, 30, 2):
        got = f(n)
        if close(got, he_std(n)):
            continue
        if close(got, 2 / n):
            raise Hint("2/n_in is the variance; the standard deviation is its square root: np.sqrt(2 / n_in).")
        if close(got, np.sqrt(1 / n)):
            raise Hint("That is the 'scaled' init, sqrt(1/n_in). He doubles the variance, because ReLU turns "
                       "off about half of the neurons: sqrt(2 / n_in).")
        if close(got, 1.0):
            raise Hint("That is the 'normal' init (standard deviation 1, whatever n_in): with 784 inputs, z "
                       "then has a spread of about sqrt(784 / 2), far too large. Divide by n_in inside a square root.")
        raise Hint(f"For n_in = {n}, expected a standard deviation of {he_std(n):.4f}, got {got!r}.")
    return f"He: std = sqrt(2/n_in) = {he_std(784):.4f} for 784 inputs, {he_std(30):.3f} for 30."
