"""Exercises of notebook 05 · The chain rule."""
import numpy as np

from . import Hint, close, exercise

_CASES = [(1.5, 0.8, 0.0, 0.2), (-2.0, 0.3, 1.0, 1.0), (0.7, 0.6, -0.5, 0.0), (3.0, 0.9, 0.2, 0.4)]


def _parts(w, a_prev, b, y):
    z = w * a_prev + b
    a = 1 / (1 + np.exp(-z))
    return z, a, a * (1 - a), 2 * (a - y)


# ---- 05.dc_db: the chain rule for the bias ------------------------------------------------------
def dc_db(w, a_prev, b, y):
    """dC_0/db^(L) = dz/db * da/dz * dC_0/da = 1 * sigma'(z) * 2 (a - y)."""
    z = w * a_prev + b
    a = 1 / (1 + np.exp(-z))
    return a * (1 - a) * 2 * (a - y)


def _compare(f, want_fn, variants):
    """Run f on every case; if it misses, find which typical variant it matches and raise its hint."""
    for w, a_prev, b, y in _CASES:
        got = f(w, a_prev, b, y)
        if np.ndim(got) != 0:
            raise Hint(f"Return one number (a derivative of one cost by one parameter); got shape {np.shape(got)}.")
        if close(got, want_fn(w, a_prev, b, y)):
            continue
        for variant, hint in variants:
            if close(got, variant(*_parts(w, a_prev, b, y), w, a_prev)):
                raise Hint(hint)
        raise Hint(f"For w={w}, a(L-1)={a_prev}, b={b}, y={y} your answer {float(got):.4f} is off. "
                   "Write the three links: dz/d(parameter), then da/dz = sigma'(z), then dC_0/da = 2(a - y), "
                   "and multiply them.")


@exercise("05.dc_db", solution=dc_db, mistakes=[
    (lambda w, a_prev, b, y: 2 * (1 / (1 + np.exp(-(w * a_prev + b))) - y), "sigma'(z)"),
    (lambda w, a_prev, b, y: dc_db(w, a_prev, b, y) / 2, "factor 2"),
    (lambda w, a_prev, b, y: a_prev * dc_db(w, a_prev, b, y), "dz/db = 1"),
])
def _check_dc_db(f):
    _compare(f, dc_db, [
        (lambda z, a, s, d, w, ap: d, "You left out the middle link da/dz = sigma'(z) = a (1 - a): the bias "
                                     "moves z, and z reaches the cost only through the sigmoid."),
        (lambda z, a, s, d, w, ap: s * d / 2, "You lost the factor 2: the derivative of (a - y)^2 is 2(a - y) "
                                             "(nnlib's cost has a 1/2 that cancels it; the video's C_0 does not)."),
        (lambda z, a, s, d, w, ap: ap * s * d, "That is dC_0/dw, with the factor a(L-1). For the bias, "
                                              "z = w a + b changes one for one with b: dz/db = 1."),
        (lambda z, a, s, d, w, ap: w * s * d, "That multiplies by w, which is dz/da(L-1). For the bias, dz/db = 1."),
    ])
    return "dC_0/db = sigma'(z) * 2(a - y): the same as dC_0/dw without the factor a(L-1)."


# ---- 05.dc_da_prev: how much the previous neuron matters ---------------------------------------
def dc_da_prev(w, a_prev, b, y):
    """dC_0/da^(L-1) = dz/da^(L-1) * da/dz * dC_0/da = w^(L) * sigma'(z) * 2 (a - y)."""
    z = w * a_prev + b
    a = 1 / (1 + np.exp(-z))
    return w * a * (1 - a) * 2 * (a - y)


@exercise("05.dc_da_prev", solution=dc_da_prev, mistakes=[
    (lambda w, a_prev, b, y: a_prev * dc_db(w, a_prev, b, y), "w^(L)"),
    (lambda w, a_prev, b, y: w * 2 * (1 / (1 + np.exp(-(w * a_prev + b))) - y), "sigma'(z)"),
    (lambda w, a_prev, b, y: dc_db(w, a_prev, b, y), "w^(L)"),
])
def _check_dc_da_prev(f):
    _compare(f, dc_da_prev, [
        (lambda z, a, s, d, w, ap: ap * s * d, "That is dC_0/dw. Here the thing that moves is a(L-1), and "
                                              "z = w a(L-1) + b changes by w^(L) per unit of a(L-1): dz/da(L-1) = w^(L)."),
        (lambda z, a, s, d, w, ap: s * d, "You left out dz/da(L-1) = w^(L): the weight sets how strongly the "
                                         "previous neuron pushes z."),
        (lambda z, a, s, d, w, ap: w * d, "You left out the middle link da/dz = sigma'(z) = a (1 - a)."),
        (lambda z, a, s, d, w, ap: w * s * d / 2, "You lost the factor 2 of d(a - y)^2/da = 2(a - y)."),
    ])
    return "dC_0/da(L-1) = w * sigma'(z) * 2(a - y): the chain goes on from here into layer L-1."


# ---- 05.five_slopes: how small the product of sigmoid slopes gets ------------------------------
def five_slopes():
    """At best each sigmoid layer multiplies the gradient by sigma'(z) <= 1/4."""
    return 0.25 ** 5


@exercise("05.five_slopes", solution=five_slopes(), mistakes=[
    (0.25 * 5, "multiply"),
    (0.5 ** 5, "1/4"),
    (1.0, "1/4"),
])
def _check_five_slopes(answer):
    if callable(answer):
        answer = answer()
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise Hint(f"Give a number, like 0.1; got {answer!r}.") from None
    if close(value, 0.25 ** 5):
        return f"(1/4)^5 = {0.25 ** 5:.5f}: about a thousandth, and that is the best case."
    if close(value, 0.25 * 5):
        raise Hint("The factors multiply (the chain rule is a product), they do not add: 1/4 times itself 5 times.")
    if close(value, 0.5 ** 5) or close(value, 1.0):
        raise Hint("sigma'(z) = sigma(z)(1 - sigma(z)) is largest at z = 0, where it is 0.5 * 0.5 = 1/4, "
                   "not 1/2 or 1. Use 1/4 for each of the 5 layers.")
    raise Hint(f"{value:g} is not it. Each of the 5 layers contributes at most sigma'(z) = 1/4; multiply.")
