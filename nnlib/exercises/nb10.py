"""Exercises of notebook 10 · Regularisation and overfitting."""
import numpy as np

from . import Hint, close, exercise

_rng = np.random.default_rng(10)
_W = [_rng.standard_normal((3, 4)), _rng.standard_normal((2, 3))]
_B = [_rng.standard_normal(3), _rng.standard_normal(2)]
_NW = [_rng.standard_normal((3, 4)), _rng.standard_normal((2, 3))]
_NB = [_rng.standard_normal(3), _rng.standard_normal(2)]
_LAM = 0.1


# ---- 10.l2_gradient: the gradient of the L2-regularised cost --------------------------------------
def l2_gradient(nabla_w, nabla_b, weights, biases, lam):
    """dC/dw = dC_0/dw + lam * w for every weight; biases are not regularised: dC/db = dC_0/db."""
    return [nw + lam * w for nw, w in zip(nabla_w, weights)], [nb.copy() for nb in nabla_b]


def _l2_on_biases_too(nabla_w, nabla_b, weights, biases, lam):
    return [nw + lam * w for nw, w in zip(nabla_w, weights)], [nb + lam * b for nb, b in zip(nabla_b, biases)]


def _l2_half(nabla_w, nabla_b, weights, biases, lam):
    return [nw + lam / 2 * w for nw, w in zip(nabla_w, weights)], list(nabla_b)


def _l2_squared(nabla_w, nabla_b, weights, biases, lam):
    return [nw + lam * w ** 2 for nw, w in zip(nabla_w, weights)], list(nabla_b)


@exercise("10.l2_gradient", solution=l2_gradient, mistakes=[
    (_l2_on_biases_too, "biases"),
    (_l2_half, "1/2"),
    (_l2_squared, "derivative"),
    (lambda nw, nb, w, b, lam: (list(nw), list(nb)), "add"),
])
def _check_l2_gradient(f):
    args = ([a.copy() for a in _NW], [a.copy() for a in _NB], [a.copy() for a in _W],
            [a.copy() for a in _B], _LAM)
    got = f(*args)
    if got is None:
        raise NotImplementedError  # the template's `...`: not attempted yet
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise Hint("Return two lists, (nabla_w, nabla_b), shaped like the ones you were given.")
    got_w, got_b = got
    if len(got_w) != len(_W) or len(got_b) != len(_B):
        raise Hint(f"Return one array per layer: {len(_W)} for the weights and {len(_B)} for the biases.")
    want_w, want_b = l2_gradient(_NW, _NB, _W, _B, _LAM)
    w_ok = all(close(g, w) for g, w in zip(got_w, want_w))
    b_ok = all(close(g, w) for g, w in zip(got_b, want_b))
    if w_ok and b_ok:
        return "dC/dw = dC_0/dw + λw, and the biases keep their plain gradient."
    if w_ok and all(close(g, nb + _LAM * b) for g, nb, b in zip(got_b, _NB, _B)):
        raise Hint("The biases are not regularised: the penalty λ/2 Σw² sums over weights only, so "
                   "dC/db = dC_0/db. (A large bias does not make the network overfit.)")
    if all(close(g, nw) for g, nw in zip(got_w, _NW)):
        raise Hint("The weights' gradients are unchanged: add the penalty's gradient λ·w to each dC_0/dw.")
    if all(close(g, nw + _LAM / 2 * w) for g, nw, w in zip(got_w, _NW, _W)):
        raise Hint("The derivative of λ/2 · w² is λ·w: the 2 from the square cancels the 1/2. "
                   "(That 1/2 is there just for that.)")
    if all(close(g, nw + _LAM * w ** 2) for g, nw, w in zip(got_w, _NW, _W)):
        raise Hint("You added the penalty itself, λw², not its derivative. d/dw (λ/2 · w²) = λ·w.")
    if all(close(g, nw - _LAM * w) for g, nw, w in zip(got_w, _NW, _W)):
        raise Hint("Check the sign: the penalty grows with |w|, so its gradient λ·w points away from 0 "
                   "and the step (minus the gradient) pulls the weight back towards 0.")
    raise Hint("Not yet. Each layer's weight gradient should be nabla_w[l] + lam * weights[l]; "
               "the bias gradients stay as they are.")


# ---- 10.l1_step: one gradient step on the L1-regularised cost --------------------------------------
def l1_step(w, nabla_C0, eta, lam):
    """w <- w - eta * lam * sgn(w) - eta * dC_0/dw: a constant move of eta*lam towards 0."""
    return w - eta * lam * np.sign(w) - eta * nabla_C0


_W1 = np.array([-2.0, -0.3, 0.0, 0.004, 0.5, 3.0])
_G1 = np.array([0.1, -0.2, 0.0, 0.0, 0.3, -0.1])


@exercise("10.l1_step", solution=l1_step, mistakes=[
    (lambda w, g, eta, lam: (1 - eta * lam) * w - eta * g, "L2"),
    (lambda w, g, eta, lam: w - eta * lam * np.abs(w) - eta * g, "sgn"),
    (lambda w, g, eta, lam: w - lam * np.sign(w) - eta * g, "eta"),
    (lambda w, g, eta, lam: w + eta * lam * np.sign(w) - eta * g, "towards 0"),
])
def _check_l1_step(f):
    eta, lam = 0.5, 0.02
    got = f(_W1.copy(), _G1.copy(), eta, lam)
    if got is None:
        raise NotImplementedError  # the template's `...`: not attempted yet
    if np.shape(got) != _W1.shape:
        raise Hint(f"Return the new weights, an array shaped like w {_W1.shape}; got shape {np.shape(got)}.")
    if close(got, l1_step(_W1, _G1, eta, lam)):
        return ("Every weight moves by the same η·λ = 0.01 towards 0, big or small: small weights reach 0, "
                "big ones hardly notice.")
    if close(got, (1 - eta * lam) * _W1 - eta * _G1):
        raise Hint("That is L2's weight decay, which shrinks w in proportion to its size. L1's penalty "
                   "λ|w| has the gradient λ·sgn(w): a constant size, whatever |w| is (np.sign).")
    if close(got, _W1 - eta * lam * np.abs(_W1) - eta * _G1):
        raise Hint("The derivative of |w| is sgn(w) (+1 or -1; np.sign), not |w|.")
    if close(got, _W1 - lam * np.sign(_W1) - eta * _G1):
        raise Hint("The learning rate eta multiplies the whole gradient, the penalty's part λ·sgn(w) too.")
    if close(got, _W1 + eta * lam * np.sign(_W1) - eta * _G1):
        raise Hint("Check the sign: the step should move each weight towards 0, so subtract η·λ·sgn(w).")
    raise Hint("Not yet: w_new = w - eta * lam * np.sign(w) - eta * nabla_C0.")


# ---- 10.overfits: which run overfits? --------------------------------------------------------------
@exercise("10.overfits", solution="B", mistakes=[
    ("A", "both"), ("C", "too strong"), ("A, B", "one letter"),
])
def _check_overfits(answer):
    a = str(answer).strip().upper().strip("'\". ")
    if a == "B":
        return ("B: training accuracy reaches ~100 % while validation stays far below; the gap is "
                "what the network learnt about these 1,000 digits only.")
    if a == "A":
        raise Hint("In A training and validation accuracy rise and stay close together: both curves "
                   "say the same thing, so the network generalises what it learns. Look for a big gap.")
    if a == "C":
        raise Hint("In C both curves are low: the network cannot even fit its training set. That is "
                   "underfitting (here: regularisation too strong), the opposite problem.")
    if len(a) > 1:
        raise Hint("Give one letter: the run whose training and validation curves are furthest apart.")
    raise Hint("Answer with one letter, 'A', 'B' or 'C'.")
