"""Exercises of notebook 11 · The need for data."""
import numpy as np

from . import Hint, close, exercise

_N = np.array([100.0, 300.0, 1000.0, 3000.0, 10000.0])
_C, _K = 2.0, 0.4
_ERR = _C * _N ** -_K


# ---- 11.power_law: fit err = c * n^-k on a log-log scale --------------------------------------
def fit_power_law(n, err):
    """log(err) = log(c) - k log(n) is a straight line: fit it with np.polyfit on the logs."""
    slope, intercept = np.polyfit(np.log(n), np.log(err), 1)
    return float(np.exp(intercept)), float(-slope)


def _slope_not_k(n, err):
    slope, intercept = np.polyfit(np.log(n), np.log(err), 1)
    return float(np.exp(intercept)), float(slope)


def _no_logs(n, err):
    slope, intercept = np.polyfit(n, err, 1)
    return float(intercept), float(-slope)


def _mixed_logs(n, err):
    slope, intercept = np.polyfit(np.log10(n), np.log10(err), 1)
    return float(np.exp(intercept)), float(-slope)


@exercise("11.power_law", solution=fit_power_law, mistakes=[
    (_slope_not_k, "minus"),
    (_no_logs, "log"),
    (_mixed_logs, "same base"),
])
def _check_power_law(f):
    got = f(_N.copy(), _ERR.copy())
    if got is None:
        raise NotImplementedError  # the template's `...`: not attempted yet
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise Hint("Return two numbers, (c, k).")
    c, k = (float(v) for v in got)
    if close(c, _C, rtol=1e-4) and close(k, _K, rtol=1e-4):
        return "A straight line on log-log axes: log err = log c - k log n."
    if close(k, -_K, rtol=1e-4):
        raise Hint("k comes out negative: the error falls, so the slope of log err against log n is "
                   "-k. Return minus the slope.")
    if close(k, _K, rtol=1e-4) and close(c, np.exp(np.log10(_C)), rtol=1e-4):
        raise Hint("k is right, c is not: you fitted log10 but undid it with exp. Use the same base "
                   "both ways (np.log with np.exp, or np.log10 with 10 ** ...).")
    if not close(k, _K, rtol=0.05):
        raise Hint("A power law err = c n^-k is a straight line only after taking the log of both n and "
                   "err: fit np.log(err) against np.log(n) with np.polyfit(..., 1).")
    raise Hint(f"For err = {_C} n^-{_K} expected (c, k) = ({_C}, {_K}); got ({c:.3g}, {k:.3g}).")


# ---- 11.halve: how many more labels to halve the error --------------------------------------
def factor_to_halve(k):
    """c (f n)^-k = c n^-k / 2  <=>  f^-k = 1/2  <=>  f = 2^(1/k)."""
    return 2.0 ** (1.0 / k)


@exercise("11.halve", solution=factor_to_halve, mistakes=[
    (lambda k: 2.0, "only if k = 1"),
    (lambda k: 2.0 ** k, "1/k"),
    (lambda k: 2.0 / k, "power"),
])
def _check_halve(f):
    for k in (0.5, 0.25, 1.0):
        got = f(k)
        if got is None:
            raise NotImplementedError
        if close(got, factor_to_halve(k)):
            continue
        if close(got, 2.0):
            raise Hint("Twice the data halves the error only if k = 1. Solve c (f n)^-k = (c n^-k) / 2 "
                       "for f: f^-k = 1/2.")
        if close(got, 2.0 ** k):
            raise Hint("Nearly: f^-k = 1/2 gives f^k = 2, so f = 2^(1/k), not 2^k (for k = 0.5 that is "
                       "4 times the data, not 1.4).")
        if close(got, 2.0 / k):
            raise Hint("The factor is a power of 2, not a ratio: f^k = 2, so f = 2 ** (1 / k).")
        raise Hint(f"For k = {k} expected {factor_to_halve(k):.3g} times the data; got {got!r}.")
    return ("f = 2^(1/k): with k = 0.5 you need 4 times the data to halve the error; with k = 0.25, "
            "16 times.")


# ---- 11.label_preserving: which changes keep the label --------------------------------------
CHANGES = ("shift", "small rotation", "half turn", "mirror", "thicker", "noise")
_KEEP = {"shift", "small rotation", "thicker", "noise"}


@exercise("11.label_preserving", solution=sorted(_KEEP), mistakes=[
    (sorted(_KEEP | {"half turn"}), "6"),
    (sorted(_KEEP | {"mirror"}), "mirror"),
    (["shift"], "slant"),
    (sorted(_KEEP | {"colour"}), "not one of"),
])
def _check_label_preserving(answer):
    chosen = {str(a).strip().lower() for a in answer}
    unknown = chosen - set(CHANGES)
    if unknown:
        raise Hint(f"{sorted(unknown)} is not one of the changes: choose from {list(CHANGES)}.")
    if "half turn" in chosen:
        raise Hint("Turn a 6 upside down and it is a 9 (and a 9 a 6): a half turn can change the label.")
    if "mirror" in chosen:
        raise Hint("A mirrored 2, 3, 4, 5 or 7 is not a digit anyone writes: mirror images are not "
                   "examples of the same label (fine for photos of cats, not for digits).")
    missing = _KEEP - chosen
    if "small rotation" in missing:
        raise Hint("People write with a slant: a digit rotated by a few degrees is still the same digit.")
    if missing:
        raise Hint(f"Some changes that keep the label are missing: a digit that is {' or '.join(sorted(missing))} "
                   "is still the same digit.")
    return "Shifts, small rotations, thicker strokes and a little noise: new images, same label."
