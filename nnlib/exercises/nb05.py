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


_SAME_FOR_EVERY_INPUT = (
    "Your function returns the same number for other inputs too: it reads the notebook's variables "
    "(a, da_dz, dC_da, ...) instead of its own arguments. Compute z and a inside the function, from "
    "the numbers it is given.")


def _compare(f, want_fn, variants):
    """Run f on every case; if it misses, find which typical variant it matches and raise its hint."""
    first = None
    for w, a_prev, b, y in _CASES:
        got = f(w, a_prev, b, y)
        if np.ndim(got) != 0:
            raise Hint(f"Return one number (a derivative of one cost by one parameter); got shape {np.shape(got)}.")
        if first is None:
            first = (got, want_fn(w, a_prev, b, y))
        elif close(got, first[0]) and not close(first[1], want_fn(w, a_prev, b, y)):
            raise Hint(_SAME_FOR_EVERY_INPUT)
        if close(got, want_fn(w, a_prev, b, y)):
            continue
        for variant, hint in variants:
            if close(got, variant(*_parts(w, a_prev, b, y), w, a_prev)):
                raise Hint(hint)
        if close(got, want_fn(w, a_prev, b, y), rtol=2e-2, atol=1e-4):
            raise Hint(f"Close ({float(got):.6g} against {float(want_fn(w, a_prev, b, y)):.6g}) but not equal: "
                       "is something rounded? Return the exact product, unrounded.")
        raise Hint(f"For w={w}, a(L-1)={a_prev}, b={b}, y={y} your answer {float(got):.4f} is off. "
                   "Write the three links: dz/d(parameter), then da/dz = sigma'(z), then dC_0/da = 2(a - y), "
                   "and multiply them.")


@exercise("05.dc_db", solution=dc_db, mistakes=[
    (lambda w, a_prev, b, y: 2 * (1 / (1 + np.exp(-(w * a_prev + b))) - y), "sigma'(z)"),
    (lambda w, a_prev, b, y: dc_db(w, a_prev, b, y) / 2, "factor 2"),
    (lambda w, a_prev, b, y: a_prev * dc_db(w, a_prev, b, y), "dz/db = 1"),
    (lambda w, a_prev, b, y: round(float(dc_db(w, a_prev, b, y)), 3), "rounded"),
    (lambda w, a_prev, b, y: -dc_db(w, a_prev, b, y), "wrong sign"),
    (lambda w, a_prev, b, y: 2 * (1 / (1 + np.exp(-(w * a_prev + b))) - y) / (1 + np.exp(-(w * a_prev + b))),
     "sigma(z) = a where its slope belongs"),
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
        (lambda z, a, s, d, w, ap: -s * d, "Right size, wrong sign: dC_0/da = 2(a - y), not 2(y - a) (the cost "
                                          "grows when a moves away from y)."),
        (lambda z, a, s, d, w, ap: a * d, "You used sigma(z) = a where its slope belongs: da/dz = sigma'(z) = "
                                         "a (1 - a), not a."),
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
    (lambda w, a_prev, b, y: round(float(dc_da_prev(w, a_prev, b, y)), 2), "rounded"),
    (lambda w, a_prev, b, y: -dc_da_prev(w, a_prev, b, y), "wrong sign"),
])
def _check_dc_da_prev(f):
    _compare(f, dc_da_prev, [
        (lambda z, a, s, d, w, ap: ap * s * d, "That is dC_0/dw. Here the thing that moves is a(L-1), and "
                                              "z = w a(L-1) + b changes by w^(L) per unit of a(L-1): dz/da(L-1) = w^(L)."),
        (lambda z, a, s, d, w, ap: s * d, "You left out dz/da(L-1) = w^(L): the weight sets how strongly the "
                                         "previous neuron pushes z."),
        (lambda z, a, s, d, w, ap: w * d, "You left out the middle link da/dz = sigma'(z) = a (1 - a)."),
        (lambda z, a, s, d, w, ap: w * s * d / 2, "You lost the factor 2 of d(a - y)^2/da = 2(a - y)."),
        (lambda z, a, s, d, w, ap: -w * s * d, "Right size, wrong sign: dC_0/da = 2(a - y), not 2(y - a)."),
        (lambda z, a, s, d, w, ap: w * a * d, "You used sigma(z) = a where its slope belongs: da/dz = sigma'(z) = "
                                             "a (1 - a), not a."),
    ])
    return "dC_0/da(L-1) = w * sigma'(z) * 2(a - y): the chain goes on from here into layer L-1."


# ---- 05.five_slopes: how small the product of sigmoid slopes gets ------------------------------
def five_slopes():
    """sigma'(z) = sigma(z)(1 - sigma(z)) is largest at z = 0, where it is 1/2 x 1/2 = 1/4. Each layer
    the error passes back through multiplies it by one such slope (the chain rule multiplies), so
    five layers give at best (1/4)^5 = 1/1024, about a thousandth."""
    return 0.25 ** 5


@exercise("05.five_slopes", solution=five_slopes, mistakes=[
    (0.25 * 5, "multiply"),
    (0.5 ** 5, "1/4"),
    (1.0, "1/4"),
    (0.001, "rounded"),
    (1024, "below 1"),
])
def _check_five_slopes(answer):
    if callable(answer):
        answer = answer()
    if isinstance(answer, bool):
        raise Hint(f"Give a number, like 0.1; got {answer!r}.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise Hint(f"Give a number, like 0.1 or a fraction like 1/3; got {answer!r}.") from None
    if close(value, 0.25 ** 5):
        return (f"(1/4)^5 = 1/1024 = {0.25 ** 5:.7f}: about a thousandth, and that is the best case, with "
                "every z at 0 (and the weights ignored).")
    if close(value, 0.25 * 5):
        raise Hint("The factors multiply (the chain rule is a product), they do not add: 1/4 times itself 5 times.")
    if close(value, 0.5 ** 5) or close(value, 1.0):
        raise Hint("sigma'(z) = sigma(z)(1 - sigma(z)) is largest at z = 0, where it is 0.5 * 0.5 = 1/4, "
                   "not 1/2 or 1. Use 1/4 for each of the 5 layers.")
    if close(value, 4.0 ** 5):
        raise Hint("That is how many times SMALLER the gradient gets. The question asks for the factor it is "
                   "multiplied by, a number below 1: its reciprocal.")
    if close(value, 0.25 ** 5, rtol=0.05):
        raise Hint(f"{value:g} is (1/4)^5 rounded: give it exactly, e.g. as (1/4)**5 or 1/1024.")
    raise Hint(f"{value:g} is not it. Each of the 5 layers contributes at most sigma'(z) = 1/4; multiply.")


# ---- 05.dc_dw_prev: one layer further back, by hand ---------------------------------------------
#   a^(L-2) --w^(L-1), b^(L-1)--> z^(L-1) -> a^(L-1) --w^(L), b^(L)--> z^(L) -> a^(L) -> C_0
def dc_dw_prev(a_prev2, w_prev, b_prev, w, b, y):
    """dC_0/dw^(L-1): the chain one link at a time, from the weight to the cost.

    dz^(L-1)/dw^(L-1) = a^(L-2)           the weight multiplies the activation it carries
    da^(L-1)/dz^(L-1) = sigma'(z^(L-1))   the slope of layer L-1's sigmoid
    dC_0/da^(L-1)     = w^(L) sigma'(z^(L)) 2 (a^(L) - y)   what 05.dc_da_prev computed
    Multiply them: the last factor is the one layer L hands back, which is why it is BACKpropagation."""
    z_prev = w_prev * a_prev2 + b_prev
    a_prev = 1 / (1 + np.exp(-z_prev))
    z = w * a_prev + b
    a = 1 / (1 + np.exp(-z))
    dc_da_prev = w * a * (1 - a) * 2 * (a - y)          # handed back by layer L
    return a_prev2 * a_prev * (1 - a_prev) * dc_da_prev


_CASES2 = [(0.9, 1.2, 0.3, 1.5, 0.0, 0.2), (0.4, -2.0, 0.5, -1.3, 0.4, 1.0),
           (1.0, 0.7, -1.0, 2.5, -0.5, 0.0), (0.25, 3.0, 0.0, -0.8, 1.0, 0.7)]


def _parts2(a2, wp, bp, w, b, y):
    a1 = 1 / (1 + np.exp(-(wp * a2 + bp)))
    a = 1 / (1 + np.exp(-(w * a1 + b)))
    return dict(a2=a2, a1=a1, s1=a1 * (1 - a1), w=w, wp=wp, s=a * (1 - a), d=2 * (a - y))


_DW_PREV_VARIANTS = [
    (lambda p: p["a2"] * p["s1"] * p["s"] * p["d"],
     "You left out the link dz^(L)/da^(L-1) = w^(L): the change of a^(L-1) reaches z^(L) "
     "multiplied by the weight w^(L)."),
    (lambda p: p["a2"] * p["w"] * p["s"] * p["d"],
     "You left out sigma'(z^(L-1)) = a^(L-1)(1 - a^(L-1)): the weight w^(L-1) moves z^(L-1), and z^(L-1) "
     "reaches a^(L-1) only through layer L-1's sigmoid."),
    (lambda p: p["a2"] * p["s1"] * p["w"] * p["d"],
     "You left out sigma'(z^(L)), the slope of the LAST sigmoid: the chain passes through both sigmoids."),
    (lambda p: p["a1"] * p["s1"] * p["w"] * p["s"] * p["d"],
     "The first link is dz^(L-1)/dw^(L-1) = a^(L-2), the activation the weight w^(L-1) carries, not a^(L-1) "
     "(layer L-1's own output)."),
    (lambda p: p["a1"] * p["s"] * p["d"],
     "That is dC_0/dw^(L), the last layer's weight. Go one layer further back: w^(L-1) -> z^(L-1) -> a^(L-1) "
     "-> z^(L) -> a^(L) -> C_0, five links."),
    (lambda p: p["a2"] * p["s1"] * p["w"] * p["s"] * p["d"] / 2,
     "You lost the factor 2 of dC_0/da = 2(a - y) (the video's C_0 has no 1/2)."),
    (lambda p: -p["a2"] * p["s1"] * p["w"] * p["s"] * p["d"],
     "Right size, wrong sign: dC_0/da = 2(a - y), not 2(y - a)."),
    (lambda p: p["wp"] * p["s1"] * p["w"] * p["s"] * p["d"],
     "The first link is dz^(L-1)/dw^(L-1) = a^(L-2), the activation the weight carries, not the weight "
     "w^(L-1) itself (z^(L-1) = w^(L-1) a^(L-2) + b^(L-1))."),
    (lambda p: p["s1"] * p["w"] * p["s"] * p["d"],
     "That is dC_0/db^(L-1), the bias's derivative: for the weight the first link is dz^(L-1)/dw^(L-1) = "
     "a^(L-2), not 1."),
]


@exercise("05.dc_dw_prev", solution=dc_dw_prev, mistakes=[
    (lambda a2, wp, bp, w, b, y: dc_dw_prev(a2, wp, bp, w, b, y) / w, "w^(L)"),
    (lambda a2, wp, bp, w, b, y: _DW_PREV_VARIANTS[1][0](_parts2(a2, wp, bp, w, b, y)), "sigma'(z^(L-1))"),
    (lambda a2, wp, bp, w, b, y: _DW_PREV_VARIANTS[3][0](_parts2(a2, wp, bp, w, b, y)), "a^(L-2)"),
    (lambda a2, wp, bp, w, b, y: _DW_PREV_VARIANTS[4][0](_parts2(a2, wp, bp, w, b, y)), "further back"),
    (lambda a2, wp, bp, w, b, y: round(float(dc_dw_prev(a2, wp, bp, w, b, y)), 3), "rounded"),
    (lambda a2, wp, bp, w, b, y: dc_dw_prev(a2, wp, bp, w, b, y) * wp / a2, "not the weight"),
    (lambda a2, wp, bp, w, b, y: dc_dw_prev(a2, wp, bp, w, b, y) / a2, "dC_0/db^(L-1)"),
])
def _check_dc_dw_prev(f):
    first = None
    for case in _CASES2:
        got = f(*case)
        if np.ndim(got) != 0:
            raise Hint(f"Return one number, dC_0/dw^(L-1); got shape {np.shape(got)}.")
        want = dc_dw_prev(*case)
        if first is None:
            first = (got, want)
        elif close(got, first[0]) and not close(first[1], want):
            raise Hint(_SAME_FOR_EVERY_INPUT)
        if close(got, want):
            continue
        p = _parts2(*case)
        for variant, hint in _DW_PREV_VARIANTS:
            if close(got, variant(p)):
                raise Hint(hint)
        if close(got, want, rtol=2e-2, atol=1e-4):
            raise Hint(f"Close ({float(got):.6g} against {want:.6g}) but not equal: is something rounded? "
                       "Return the exact product, unrounded.")
        raise Hint(f"For a(L-2)={case[0]}, w(L-1)={case[1]}, b(L-1)={case[2]}, w(L)={case[3]}, b(L)={case[4]}, "
                   f"y={case[5]} your answer {float(got):.4f} is off. Write the five links: a(L-2), "
                   "sigma'(z(L-1)), w(L), sigma'(z(L)), 2(a(L) - y), and multiply them.")
    return ("dC_0/dw(L-1) = a(L-2) sigma'(z(L-1)) x [w(L) sigma'(z(L)) 2(a(L) - y)]: the bracket is "
            "dC_0/da(L-1), handed back by layer L.")


# ---- 05.backprop: the learner's own backward pass -----------------------------------------------
def backprop(weights, biases, X, Y):
    """The gradient of the MEAN cost C = 1/2 ||a - y||^2 over the batch, for a sigmoid network.
    Rows are examples, so every equation of the notebook is written for all rows at once."""
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    # forward pass, keeping every z and a: a[0] = X, z[l] = w[l] a[l] + b[l], a[l+1] = sigma(z[l])
    a, z = [X], []
    for w, b in zip(weights, biases):
        z.append(a[-1] @ w.T + b)        # z = w a + b for every row at once: (n, n_out)
        a.append(sigmoid(z[-1]))
    L, n = len(weights), len(X)
    delta = [None] * L                   # row i of delta[l]: dC/dz[l] of example i's own cost
    # (BP1) dC/da = a - y (nnlib's 1/2 cancels the 2), times the slope sigma'(z) = a (1 - a)
    delta[-1] = (a[-1] - Y) * a[-1] * (1 - a[-1])
    # (BP2) back through the weights: (w^T delta) for each row is delta @ w; times the slope of
    # layer l, whose output is a[l + 1]. w[l + 1] is the layer AFTER l, the one delta[l + 1] came out of.
    for l in range(L - 2, -1, -1):
        delta[l] = (delta[l + 1] @ weights[l + 1]) * a[l + 1] * (1 - a[l + 1])
    # (BP3) dC/db = delta, averaged over the n examples (the cost is the MEAN over the batch)
    nabla_b = [d.mean(axis=0) for d in delta]
    # (BP4) dC/dw_jk = a_k delta_j: delta[l] pairs with a[l], the activation that FEEDS layer l.
    # d.T @ a_in sums delta_j a_k over the examples: (n_out, n) @ (n, n_in) = (n_out, n_in); divide by n.
    nabla_w = [d.T @ a_in / n for d, a_in in zip(delta, a)]
    return nabla_w, nabla_b


def _variant(weights, biases, X, Y, bp1_prime=True, bp2_prime=True, transpose=False, mean=True,
             factor=1.0, w_next=True, prime_own=True, a_feeds=True, forward_transpose=False,
             prime_in=False, a_before=False, sigma_as_prime=False):
    """The gradient a typical mistake gives (all flags at their defaults: the right gradient).
    Needs square layers for the mistakes that mix up shapes."""
    s = lambda v: 1 / (1 + np.exp(-v))
    a, z = [X], []
    for w, b in zip(weights, biases):
        z.append(a[-1] @ (w if forward_transpose else w.T) + b)
        a.append(s(z[-1]))
    L, n = len(weights), len(X)
    delta = [None] * L
    prime = lambda v: v * (1 - v)
    bare = lambda v: v                      # sigma itself where its slope belongs
    slope1 = bare if sigma_as_prime in (True, "BP1") else prime
    slope = bare if sigma_as_prime in (True, "BP2") else prime
    delta[-1] = factor * (a[-1] - Y) * (slope1(a[-1]) if bp1_prime else 1.0)
    for l in range(L - 2, -1, -1):
        w = weights[l + 1] if w_next else weights[l]
        back = delta[l + 1] @ (w.T if transpose else w)
        own = a[l] if prime_in else (a[l + 1] if prime_own else a[l + 2])
        delta[l] = back * (slope(own) if bp2_prime else 1.0)
    k = n if mean else 1
    nabla_b = [d.sum(axis=0) / k for d in delta]
    feeds = lambda l: a[l - 1] if a_before else (a[l] if a_feeds else a[l + 1])   # a[-1]: Python wraps
    nabla_w = [d.T @ feeds(l) / k for l, d in enumerate(delta)]
    return nabla_w, nabla_b


_BP_MISTAKES = [
    (dict(bp2_prime=False),
     "sigma' is missing from BP2: delta^(l) = (w^(l+1)^T delta^(l+1)) * sigma'(z^(l)). Going back through "
     "a layer also goes back through its sigmoid, so multiply by a[l+1] * (1 - a[l+1])."),
    (dict(bp1_prime=False),
     "sigma'(z^(L)) is missing from BP1: delta^(L) = (a - y) * sigma'(z^(L)), because delta is dC/dz, and z "
     "reaches the cost through the output sigmoid."),
    (dict(transpose=True),
     "BP2 uses w where its transpose belongs: the error flows BACK from the n_out neurons to the n_in "
     "neurons, so it is w^T delta (for rows: delta @ w, shape (n, n_in)), not w delta (delta @ w.T)."),
    (dict(forward_transpose=True),
     "The forward pass uses the transpose: z = w a + b for each row is a @ w.T + b (w has shape (n_out, n_in))."),
    (dict(mean=False),
     "Your gradient is n times too big: it SUMS over the batch. nnlib's cost is the MEAN over the n "
     "examples, so BP3 and BP4 divide by n (d.mean(axis=0), d.T @ a / n)."),
    (dict(factor=2.0),
     "Your gradient is twice nnlib's: that is the video's C_0 = sum (a - y)^2, whose derivative is 2(a - y). "
     "nnlib's cost is 1/2 ||a - y||^2, so BP1 has (a - y), no 2."),
    (dict(factor=2.0, mean=False),
     "Your gradient is 2n times too big: the video's C_0 (factor 2: use (a - y), not 2(a - y)) AND a sum over "
     "the batch instead of the mean (divide by n)."),
    (dict(w_next=False),
     "Layer indices off by one in BP2: delta[l] comes from delta[l + 1] through weights[l + 1] (the layer "
     "that delta[l + 1] belongs to), not weights[l]."),
    (dict(prime_own=False),
     "Layer indices off by one in BP2: the slope belongs to layer l itself, sigma'(z[l]) = a[l+1] (1 - a[l+1]) "
     "(a[l + 1] is layer l's OUTPUT, since a[0] = X), not a[l + 2]."),
    (dict(prime_in=True),
     "Layer indices off by one in BP2: the slope is sigma'(z[l]) = a[l+1] (1 - a[l+1]), not a[l] (1 - a[l]). "
     "In the video's numbering a^(l) = sigma(z^(l)), but in code a[0] = X, so layer l's output is a[l + 1] "
     "and a[l] is its INPUT."),
    (dict(a_before=True),
     "Layer indices off by one in BP4: nabla_w[l] pairs delta[l] with a[l], the activation that FEEDS layer l "
     "(a[0] = X), not a[l - 1]. The video's a^(l-1) is a[l] in code, because code counts a from the input."),
    (dict(sigma_as_prime=True),
     "You used sigma(z) = a where its slope belongs, in BP1 and BP2: sigma'(z) = a (1 - a), not a."),
    (dict(sigma_as_prime="BP2"),
     "You used sigma(z) = a where its slope belongs in BP2: the slope of layer l is sigma'(z[l]) = "
     "a[l+1] (1 - a[l+1]), not a[l+1]."),
    (dict(sigma_as_prime="BP1"),
     "You used sigma(z) = a where its slope belongs in BP1: delta^(L) = (a - y) * a (1 - a), not (a - y) * a."),
    (dict(factor=-1.0),
     "Every number has the wrong sign: BP1 is (a - y) * sigma'(z), not (y - a) * sigma'(z). The gradient "
     "points UP the cost; gradient descent then steps against it (the SGD loop below subtracts eta * nabla)."),
    (dict(factor=0.5),
     "Your gradient is half nnlib's: nnlib's 1/2 in C = 1/2 ||a - y||^2 already cancels the 2 of the "
     "square, so BP1 is (a - y) * sigma'(z), with no further 1/2."),
    (dict(a_feeds=False),
     "Layer indices off by one in BP4: nabla_w[l] pairs delta[l] with the activation that FEEDS layer l, "
     "a[l] (a[0] = X), not with its output a[l + 1]."),
]

# Networks the checker tries, drawn fresh at every check: (sizes, batch size). The first is square
# everywhere (so every mistake runs and can be recognised); the others are not (so transposes show).
_BP_SHAPES = [([4, 4, 4, 4], 3), ([5, 3, 2], 1), ([3, 6, 4, 2], 5), ([4, 7, 3, 5, 2], 4), ([6, 2, 3], 8)]


def _bp_case(sizes, n, rng):
    weights = [rng.standard_normal((m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.standard_normal(m) for m in sizes[1:]]
    X = rng.random((n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    return weights, biases, X, Y


def _bp_truth(weights, biases, X, Y):
    """nnlib's own Network.backprop on these weights: the numbers the learner must match."""
    from ..network import Network
    net = Network([weights[0].shape[1]] + [w.shape[0] for w in weights], seed=0)
    net.weights = [w.copy() for w in weights]
    net.biases = [b.copy() for b in biases]
    return net.backprop(X, Y)


def _where(exc):
    """'line N: code' of the innermost frame of the learner's code, if Python knows it."""
    import traceback
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(
        ("exercises/nb05.py", "exercises\\nb05.py"))]
    if not frames:
        return ""
    f = frames[-1]
    return f" (at line {f.lineno}: {f.line.strip()})" if f.line else f" (at line {f.lineno})"


def _describe(sizes, n):
    return f"a network with sizes {sizes} ({len(sizes) - 2} hidden layer{'s' if len(sizes) > 3 else ''}) and a batch of {n}"


def _call(f, case):
    weights, biases, X, Y = case
    return f([w.copy() for w in weights], [b.copy() for b in biases], X.copy(), Y.copy())


def _as_arrays(part, name, want, where):
    """The learner's nabla_w or nabla_b as a list of float arrays, or a Hint naming the problem."""
    if part is None or part is Ellipsis:
        raise NotImplementedError
    if isinstance(part, np.ndarray) and part.dtype != object:
        raise Hint(f"{name} must be a list with one array per layer ({len(want)} here), not one array "
                   f"of shape {part.shape}.")
    try:
        items = list(part)
    except TypeError:
        raise Hint(f"{name} must be a list (or tuple) of arrays, one per layer; got {type(part).__name__}.") from None
    if any(v is None or v is Ellipsis for v in items):
        raise NotImplementedError
    if len(items) != len(want):
        raise Hint(f"{name} has {len(items)} arrays but {where} has {len(want)} layers: one gradient per "
                   "weight matrix / bias vector.")
    out = []
    for l, (v, w) in enumerate(zip(items, want)):
        try:
            v = np.asarray(v)
            if v.dtype == object or not (np.issubdtype(v.dtype, np.floating) or np.issubdtype(v.dtype, np.integer)):
                raise TypeError
        except (TypeError, ValueError):
            raise Hint(f"{name}[{l}] is not an array of numbers (got {type(items[l]).__name__}).") from None
        if v.dtype == np.float16:
            raise Hint(f"{name}[{l}] is float16: too coarse to compare. Compute in float64 (or float32).")
        if v.shape == w.shape and not np.all(np.isfinite(v)):
            raise Hint(f"{name}[{l}] contains NaN or infinity ({where}): look for a division by zero or an "
                       "overflow, e.g. np.exp of a large number (1 / (1 + np.exp(-z)) is safe).")
        if v.shape != w.shape:
            extra = ""
            if v.shape == w.shape[::-1] and v.ndim == 2:
                extra = " That is the transpose: for rows, delta.T @ a_in has shape (n_out, n_in)."
            elif name == "nabla_b" and v.ndim == 2:
                extra = (" A bias gradient is one number per neuron: average the rows of delta over the "
                         "batch (axis=0).")
            elif name == "nabla_w" and v.ndim == 3:
                extra = " That keeps one matrix per example: average them over the batch."
            raise Hint(f"{name}[{l}] has shape {v.shape}, but it must have the shape of "
                       f"{'weights' if name == 'nabla_w' else 'biases'}[{l}], {w.shape} ({where}).{extra}")
        out.append(v)
    return out


def _listed(part):
    """A returned generator or map as a list (read once, here); anything else unchanged."""
    if part is None or part is Ellipsis or isinstance(part, (list, tuple, np.ndarray)):
        return part
    try:
        return list(part)
    except TypeError:
        return part


def _shapes(part):
    """The shapes of the arrays in a returned list, or None if it is not a list of arrays."""
    try:
        return [np.shape(v) for v in part]
    except Exception:
        return None


def _tol(arrays):
    lowest = min((np.finfo(v.dtype).eps if np.issubdtype(v.dtype, np.floating) else 0.0) for v in arrays)
    return 1e-6 if lowest < 1e-10 else 2e-4  # float64 (or better), else float32


def _same(got, want, tol):
    return all(np.all(np.isfinite(g)) and
               np.linalg.norm(np.asarray(g, float) - w) <= tol * np.linalg.norm(w) + 1e-12
               for g, w in zip(got, want))


@exercise("05.backprop", solution=backprop, mistakes=[
    (lambda W, B, X, Y: _variant(W, B, X, Y, bp2_prime=False), "BP2"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, transpose=True), "transpose"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, mean=False), "mean"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, factor=2.0), "C_0"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, a_feeds=False), "off by one"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, w_next=False), "off by one"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, prime_in=True), "a[l+1] (1 - a[l+1]), not a[l]"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, a_before=True), "not a[l - 1]"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, sigma_as_prime=True), "sigma(z) = a where its slope belongs"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, factor=-1.0), "wrong sign"),
    (lambda W, B, X, Y: _variant(W, B, X, Y, factor=0.5), "half nnlib's"),
    (lambda W, B, X, Y: tuple(reversed(backprop(W, B, X, Y))), "swapped"),
])
def _check_backprop(f):
    if not callable(f):
        raise Hint("Pass your function itself: check(\"05.backprop\", backprop), without calling it.")
    rng = np.random.default_rng()   # fresh networks at every check
    # First run every network and check what comes back (types, shapes: non-square layers show a
    # transpose), then compare the numbers, the square network first (where every mistake runs).
    runs = []
    for sizes, n in _BP_SHAPES:
        case = _bp_case(sizes, n, rng)
        where = _describe(sizes, n)
        try:
            result = _call(f, case)
        except NotImplementedError:
            raise
        except Exception as exc:
            raise Hint(_crash_hint(f, exc, where, rng)) from None
        if result is None or result is Ellipsis:
            raise NotImplementedError
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Hint(f"Return two lists, (nabla_w, nabla_b); got {type(result).__name__}"
                       f"{f' of length {len(result)}' if isinstance(result, (tuple, list)) else ''}.")
        result = [_listed(part) for part in result]   # a generator can be read only once
        want_w, want_b = _bp_truth(*case)
        if _shapes(result[0]) == [b.shape for b in want_b] and _shapes(result[1]) == [w.shape for w in want_w]:
            raise Hint("Your two lists come back swapped: return (nabla_w, nabla_b), the weights' gradients "
                       f"first (here shapes {[w.shape for w in want_w]}), then the biases' ({[b.shape for b in want_b]}).")
        try:
            got_w = _as_arrays(result[0], "nabla_w", want_w, where)
            got_b = _as_arrays(result[1], "nabla_b", want_b, where)
        except Hint as hint:
            mistake = _square_match(f, rng)
            raise Hint(f"{hint} On square layers your code runs and gives what this mistake gives: {mistake}"
                       if mistake else str(hint)) from None
        runs.append((case, where, got_w, got_b, want_w, want_b))
    for case, where, got_w, got_b, want_w, want_b in runs:
        tol = _tol(got_w + got_b)
        if not _same(got_w + got_b, want_w + want_b, tol):
            raise Hint(_diagnose(case, got_w, got_b, want_w, want_b, tol, where))
    return ("Your backprop gives nnlib's gradient on every network tried (1 to 3 hidden layers, square and "
            "non-square, batches of 1 to 8): you have written backpropagation.")


def _diagnose(case, got_w, got_b, want_w, want_b, tol, where):
    if case[0][0].shape[0] == case[0][0].shape[1] and all(w.shape[0] == w.shape[1] for w in case[0]):
        variants = [(_variant(*case, **flags), hint) for flags, hint in _BP_MISTAKES]
        for (vw, vb), hint in variants:
            if _same(got_w + got_b, vw + vb, tol):
                return hint
        if _same([g.T for g in got_w], want_w, tol):
            return ("nabla_w is transposed: nabla_w[l] must have the shape of weights[l], (n_out, n_in), "
                    "so BP4 is delta.T @ a_in (for rows), not a_in.T @ delta.")
        for (vw, vb), hint in variants:
            if _same(got_w, want_w, tol) and _same(got_b, vb, tol):
                return "nabla_w is right, nabla_b is not: " + hint
            if _same(got_b, want_b, tol) and _same(got_w, vw, tol):
                return "nabla_b is right, nabla_w is not: " + hint
    for name, got, want in (("nabla_w", got_w, want_w), ("nabla_b", got_b, want_b)):
        for l, (g, w) in enumerate(zip(got, want)):
            if not _same([g], [w], tol):
                rel = np.linalg.norm(np.asarray(g, float) - w) / (np.linalg.norm(w) or 1.0)
                rounded = " Close but not equal: is something rounded?" if rel < 1e-2 else ""
                return (f"On {where}, {name}[{l}] differs from nnlib's (relative error {rel:.1e}; the other "
                        f"layers: {'right' if all(_same([gg], [ww], tol) for gg, ww in zip(got, want) if gg is not g) else 'also off'})."
                        f"{rounded} Check BP1 to BP4 for that layer; `solution(\"05.backprop\")` explains each line.")
    return f"On {where} your gradient differs from nnlib's."


def _square_match(f, rng):
    """Run f on a network with square layers, where the mistakes that mix up shapes still run;
    return the hint of the typical mistake whose gradient it gives, or None."""
    square = _bp_case([4, 4, 4, 4], 3, rng)
    try:
        result = _call(f, square)
        got_w = _as_arrays(result[0], "nabla_w", square[0], "")
        got_b = _as_arrays(result[1], "nabla_b", square[1], "")
    except Exception:
        return None
    tol = _tol(got_w + got_b)
    for flags, hint in _BP_MISTAKES:
        vw, vb = _variant(*square, **flags)
        if _same(got_w + got_b, vw + vb, tol):
            return hint
    return None


def _crash_hint(f, exc, where, rng):
    msg = f"Your backprop raised {type(exc).__name__}: {exc}{_where(exc)} on {where}."
    # Does it run on a square network? Then compare it with the mistakes that only crash on
    # non-square layers (a transpose, a layer index off by one).
    mistake = _square_match(f, rng)
    if mistake:
        return f"{msg} On square layers it runs, and gives what this mistake gives: {mistake}"
    if isinstance(exc, ValueError) and "matmul" in str(exc):
        msg += (" A matrix product got shapes that do not fit: write the shape of every array next to "
                "the line (X is (n, n_in), weights[l] is (n_out, n_in), delta[l] is (n, n_out)).")
    elif "NoneType" in str(exc):
        msg += (" Some delta[l] is still None: the BP2 loop must fill every layer down to the first, "
                "for l in range(L - 2, -1, -1) (the stop, -1, is excluded, so the last l is 0).")
    elif isinstance(exc, IndexError):
        msg += (" A list index went past the end: the network has len(weights) layers, delta[-1] is the "
                "output layer's error, and a has one more entry than weights (a[0] = X).")
    return msg
