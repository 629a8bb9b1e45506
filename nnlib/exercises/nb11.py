"""Exercises of notebook 11 · The need for data."""
import numpy as np

from . import Hint, close, exercise


def _power_law_cases():
    """Noisy learning curves that the notebook never shows: errors scattered around c n^-k by a
    few percent (as the seeds scatter real ones), sizes not in order. Only a least-squares fit
    through all the points in log-log gives the reference answer; two points do not."""
    rng = np.random.default_rng(1111)
    cases = []
    for c, k, sizes in ((2.0, 0.4, [100, 300, 1000, 3000, 10000, 30000]),
                        (0.8, 0.25, [50, 100, 200, 400, 800, 1600, 3200, 6400]),
                        (5.0, 0.6, [1000, 2000, 5000, 10000, 20000])):
        n = np.array(sizes, dtype=float)
        err = c * n ** -k * np.exp(0.08 * rng.standard_normal(len(n)))
        order = rng.permutation(len(n))
        cases.append((n[order], err[order]))
    return cases


# ---- 11.power_law: fit err = c * n^-k on a log-log scale --------------------------------------
def fit_power_law(n, err):
    """log(err) = log(c) - k log(n) is a straight line in (log n, log err): fit it by least squares
    through ALL the points with np.polyfit on the logs (slope -k, intercept log c). Two points
    would do for exact data; real learning curves scatter, and least squares averages it out."""
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


def _two_endpoints(n, err):
    i, j = int(np.argmin(n)), int(np.argmax(n))
    k = -(np.log(err[j]) - np.log(err[i])) / (np.log(n[j]) - np.log(n[i]))
    return float(err[i] * n[i] ** k), float(k)


def _first_last(n, err):
    k = -(np.log(err[-1]) - np.log(err[0])) / (np.log(n[-1]) - np.log(n[0]))
    return float(err[0] * n[0] ** k), float(k)


def _two_inner(n, err):
    o = np.argsort(n)
    i, j = o[1], o[-2]
    k = -(np.log(err[j]) - np.log(err[i])) / (np.log(n[j]) - np.log(n[i]))
    return float(err[i] * n[i] ** k), float(k)


def _c_not_exp(n, err):
    slope, intercept = np.polyfit(np.log(n), np.log(err), 1)
    return float(intercept), float(-slope)


def _semi_log(n, err):
    slope, intercept = np.polyfit(n, np.log(err), 1)
    return float(np.exp(intercept)), float(-slope)


@exercise("11.power_law", solution=fit_power_law, mistakes=[
    (_slope_not_k, "minus"),
    (_no_logs, "log of both"),
    (_mixed_logs, "same base"),
    (_two_endpoints, "two points"),
    (_first_last, "two points"),
    (_semi_log, "log of both"),
    (_two_inner, "two points"),
    (_c_not_exp, "np.exp"),
])
def _check_power_law(f):
    for n, err in _power_law_cases():
        got = f(n.copy(), err.copy())
        if got is None:
            raise NotImplementedError  # the template's `...`: not attempted yet
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            raise Hint("Return two numbers, (c, k).")
        try:
            c, k = (float(v) for v in got)
        except (TypeError, ValueError):
            raise Hint(f"Return two numbers, (c, k); got {got!r}.") from None
        c_want, k_want = fit_power_law(n, err)
        if close(c, c_want, rtol=1e-4) and close(k, k_want, rtol=1e-4):
            continue
        if close(k, -k_want, rtol=1e-4):
            raise Hint("k comes out negative: the error falls, so the slope of log err against log n is "
                       "-k. Return minus the slope.")
        if close(k, k_want, rtol=1e-4) and close(c, np.exp(np.log10(c_want)), rtol=1e-4):
            raise Hint("k is right, c is not: you fitted log10 but undid it with exp. Use the same base "
                       "both ways (np.log with np.exp, or np.log10 with 10 ** ...).")
        ln, le = np.log(n), np.log(err)
        pair_slopes = [-(le[j] - le[i]) / (ln[j] - ln[i])
                       for i in range(len(n)) for j in range(i + 1, len(n))]
        if close(k, k_want, rtol=1e-4) and close(c, np.log(c_want), rtol=1e-4):
            raise Hint("k is right, c is not: the intercept of the line is log c, so c = np.exp(intercept).")
        if any(close(k, k2, rtol=1e-3) for k2 in pair_slopes):
                raise Hint("Your k goes through two points only. Real learning curves scatter (seeds, "
                           "which digits), so two points give a slope that depends on their noise: fit "
                           "a least-squares line through all the points, np.polyfit(np.log(n), "
                           "np.log(err), 1).")
        if not close(k, k_want, rtol=0.05):
            raise Hint("A power law err = c n^-k is a straight line only after taking the log of both n and "
                       "err: fit np.log(err) against np.log(n) with np.polyfit(..., 1).")
        raise Hint(f"On these noisy points the least-squares line in log-log gives (c, k) = "
                   f"({c_want:.4g}, {k_want:.4g}); got ({c:.4g}, {k:.4g}).")
    return ("A least-squares line through all the points on log-log axes: log err = log c - k log n.")


# ---- 11.halve: how many more labels to halve the error --------------------------------------
def factor_to_halve(k):
    """c (f n)^-k = c n^-k / 2  <=>  f^-k = 1/2  <=>  f = 2^(1/k). The smaller k (the flatter the
    curve), the more data it takes."""
    return 2.0 ** (1.0 / k)


@exercise("11.halve", solution=factor_to_halve, mistakes=[
    (lambda k: 2.0, "only if k = 1"),
    (lambda k: 2.0 ** k, "1/k"),
    (lambda k: 2.0 / k, "power"),
    (lambda k: 8.9, "every k"),
])
def _check_halve(f):
    for k in (0.5, 0.25, 1.0, 0.37, 0.71):
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
        if close(got, f(0.123)):
            raise Hint(f"Your function gives {got!r} for every k: write the factor as a formula in k.")
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
    ("shift, small rotation, thicker, noise", "list of names"),
])
def _check_label_preserving(answer):
    if isinstance(answer, str):
        raise Hint(f"Give a list of names, e.g. [\"shift\", ...], not one string {answer!r}: a string "
                   "would be read letter by letter.")
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
