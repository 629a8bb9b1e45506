"""Exercises of notebook 01 · The network."""
import numpy as np

from . import Hint, close, exercise


# ---- 01.n_params: count a network's weights and biases -------------------------------------
def n_params(sizes):
    """Weights: n_in * n_out between each pair of layers; biases: one per neuron after the input."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


@exercise("01.n_params", solution=n_params, mistakes=[
    (lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])), "own bias"),
    (lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes), "no bias"),
    (lambda sizes: sum(sizes), "weights"),
])
def _check_n_params(f):
    for sizes in ([2, 3, 1], [784, 16, 16, 10], [4, 5], [3, 7, 7, 7, 2]):
        want, got = n_params(sizes), f(list(sizes))
        if got == want:
            continue
        weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        if got == weights:
            raise Hint(f"For sizes {sizes} you counted only the weights ({weights}): every neuron after "
                       "the input layer also has its own bias.")
        if got == weights + sum(sizes):
            raise Hint(f"For sizes {sizes} you gave the input layer biases too: the input neurons are the "
                       f"pixels themselves, with no bias; only the {sum(sizes[1:])} neurons after it have one.")
        if got == weights + sum(sizes[:-1]):
            raise Hint(f"For sizes {sizes} you gave a bias to every layer but the output: it is the other way "
                       f"round. A bias belongs to each neuron that HAS inputs, the {sum(sizes[1:])} neurons after "
                       "the input layer (the outputs too), not to the pixels.")
        if got == sum(sizes):
            raise Hint(f"For sizes {sizes} you counted neurons, not parameters: the weights are the "
                       "connections, n_in * n_out between each pair of neighbouring layers.")
        raise Hint(f"For sizes {sizes} the answer is not {got!r}. Per layer: a weight matrix of shape "
                   "(n_out, n_in) and a bias vector of n_out numbers; add them up.")
    return f"{n_params([784, 16, 16, 10]):,} parameters for the digit network."


# ---- 01.sigmoid -------------------------------------------------------------------------------
def sigmoid(z):
    """sigma(z) = 1 / (1 + e^(-z)): e^(-z) is huge for very negative z (sigma near 0) and tiny for large
    z (sigma near 1). np.exp, unlike math.exp, works on a whole array at once, one z per neuron."""
    return 1 / (1 + np.exp(-z))


@exercise("01.sigmoid", solution=sigmoid, mistakes=[
    (lambda z: 1 / (1 + np.exp(z)), "minus"),
    (lambda z: 1 / (1 - np.exp(-z)), "plus"),
    (lambda z: np.exp(-z) / (1 + np.exp(-z)), "minus"),
    (lambda z: 1 / (1 + np.exp(-float(z))), "array"),
])
def _check_sigmoid(f):
    if not close(f(0.0), 0.5):
        raise Hint(f"sigmoid(0) should be 0.5 (halfway), not {float(f(0.0)):g}. Check the denominator: "
                   "1 plus e^(-z).")
    if close(f(2.0), 1 / (1 + np.exp(2.0))):
        raise Hint("Your curve falls instead of rising: large z must give an activation near 1. "
                   "Check the minus sign in the exponent: e^(-z).")
    if not close(f(2.0), sigmoid(2.0)):
        raise Hint("sigmoid(2) is wrong: the formula is 1 / (1 + e^(-z)), with a plus in the denominator "
                   "and a minus in the exponent.")
    z = np.array([-3.0, 0.0, 1.0, 4.0])
    try:
        got = f(z)
    except TypeError:
        raise Hint("It works for one number but not for an array: use np.exp (not math.exp or float), "
                   "which works elementwise on a whole layer at once.") from None
    if not close(got, sigmoid(z)):
        raise Hint("Right for single numbers but not for an array: apply the formula elementwise with np.exp.")
    return "sigma(z) = 1 / (1 + e^-z): squashes every real number into (0, 1)."


# ---- 01.layer_z: the weighted input of a tiny layer ------------------------------------------
def layer_z(w, a, b):
    """z = w a + b: w is (n_out, n_in), a is (n_in,), b is (n_out,)."""
    return w @ a + b


_W = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
_A = np.array([0.2, 0.9, 0.4])
_B = np.array([0.1, -1.0])
# A second, square layer (not the one the success message shows): a @ w runs without an error
# there, so a transposed product is caught by its values and named.
_W2 = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [-2.0, 0.7, 1.0]])
_A2 = np.array([0.6, 0.1, 0.8])
_B2 = np.array([-0.5, 0.3, 0.0])


@exercise("01.layer_z", solution=layer_z, mistakes=[
    (lambda w, a, b: w @ a, "bias"),
    (lambda w, a, b: 1 / (1 + np.exp(-(w @ a + b))), "before"),
    (lambda w, a, b: a @ w + b, "w @ a"),
    (lambda w, a, b: (w * a).sum() + b, "each output neuron"),
])
def _check_layer_z(f):
    want = layer_z(_W, _A, _B)
    try:
        got = np.asarray(f(_W.copy(), _A.copy(), _B.copy()), dtype=float)
    except ValueError as e:
        raise Hint(f"numpy refused the shapes ({e}). w has shape (n_out, n_in) = {_W.shape} and a has "
                   f"{_A.shape}: multiply w @ a (rows of w against a), not a @ w.") from None
    if close(got, want):
        _check_square_layer(f)
        return f"z = w a + b = {np.round(want, 3)}"
    if close(got, _W @ _A):
        raise Hint("Almost: that is w a. Add the bias b, one number per output neuron.")
    if close(got, 1 / (1 + np.exp(-want))):
        raise Hint("That is the activation sigma(z). z is the weighted sum BEFORE the sigmoid: w @ a + b.")
    if got.shape != want.shape:
        raise Hint(f"z should hold one number for each output neuron, shape {want.shape}; yours has shape "
                   f"{got.shape}. Each row of w gives one neuron's weighted sum: w @ a + b.")
    raise Hint("Not z = w a + b. For each output neuron j: z_j = sum_k w_jk a_k + b_j, which is w @ a + b.")


def _check_square_layer(f):
    """The same rule on a square 3 x 3 layer, where a transposed product gives numbers, not an error."""
    want = layer_z(_W2, _A2, _B2)
    got = np.asarray(f(_W2.copy(), _A2.copy(), _B2.copy()), dtype=float)
    if close(got, want):
        return
    if close(got, _W2.T @ _A2 + _B2):
        raise Hint("On a square 3 x 3 layer your z is w.T a + b: the transpose. Row j of w holds the weights "
                   "INTO neuron j, so z = w @ a + b (a @ w multiplies by the columns instead).")
    raise Hint("Right on the 3-input, 2-output layer but not on a square 3 x 3 one: compute w @ a + b from "
               "the arrays you are given, with nothing fixed in advance.")
