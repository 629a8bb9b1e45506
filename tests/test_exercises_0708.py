"""Exercises of notebooks 07 and 08: every right form passes, every typical mistake fails with the
hint that names it, and the checkers use inputs the notebooks never show (incl. edge cases).
(tests/test_exercises.py checks every exercise's registered solution and mistakes; this file adds
the other right forms and the mistakes that are easier to write as functions here.)"""
import numpy as np
import pytest

from nnlib.exercises import check, nb07, nb08

from exercise_helpers import fails_with, passes


# ---- 07.softmax ---------------------------------------------------------------------------------
def _softmax_sub_max_index(Z):
    m = Z.max(axis=1)[:, None]
    e = np.exp(Z - m)
    return e / e.sum(axis=1)[:, None]


def _softmax_loop(Z):
    rows = []
    for z in Z:
        e = np.exp(z - max(z))
        rows.append(e / sum(e))
    return np.array(rows)


def _softmax_logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return np.exp(Z - lse)


def _softmax_transpose(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (e.T / e.sum(axis=1)).T


def _softmax_einsum(Z):
    e = np.exp(Z - np.amax(Z, axis=-1, keepdims=True))
    return np.einsum("ij,i->ij", e, 1 / e.sum(axis=-1))


@pytest.mark.parametrize("f", [nb07.softmax, _softmax_sub_max_index, _softmax_loop, _softmax_logsumexp,
                               _softmax_transpose, _softmax_einsum])
def test_softmax_right_forms(f):
    passes("07.softmax", f)


def test_softmax_scipy_if_present():
    special = pytest.importorskip("scipy.special", reason="scipy is not a dependency of the course")
    passes("07.softmax", lambda Z: special.softmax(Z, axis=1))


def _naive_sum_no_keepdims_square(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


def _float32_naive(Z):
    e = np.exp(Z.astype(np.float32))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("f, hint", [
    (nb07._softmax_naive, "subtract each row's largest z"),
    (_float32_naive, "overflow"),
    (nb07._softmax_columns, "wrong axis"),
    (nb07._softmax_no_exp, "without the exp"),
    (lambda Z: np.abs(Z) / np.abs(Z).sum(axis=1, keepdims=True), "exp"),
    (nb07._softmax_whole_batch, "whole batch"),
    (nb07._softmax_global_max, "each row's own maximum"),
    (nb07._softmax_no_keepdims, "keepdims"),
    (lambda Z: (lambda e: e / e.sum(axis=1))(np.exp(Z - Z.max(axis=1, keepdims=True)))[:, :Z.shape[1]], "keepdims"),
    (nb07._softmax_in_place, "in place"),
    (lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True)), "did not divide"),
    (lambda Z: np.eye(Z.shape[1])[Z.argmax(axis=1)], "hard max"),       # not softmax
    (lambda Z: nb07.softmax(Z)[:, 0], "shape"),
    # a shift by something other than the row's max: right for z around 1000 with a small spread,
    # but it overflows for a row spread over 2000 (the old checker accepted all three)
    (nb07._softmax_sub_min, "only the row's maximum"),
    (lambda Z: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(Z - Z.mean(axis=1, keepdims=True))),
     "only the row's maximum"),
    (lambda Z: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(Z - Z[:, :1])), "only the row's maximum"),
    # the row's median or its second-largest z: right on every row above, overflow on [0, 0, 1000]
    (lambda Z: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(Z - np.median(Z, axis=1, keepdims=True))),
     "only the row's maximum"),
    (lambda Z: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(Z - np.sort(Z, axis=1)[:, -2:-1])),
     "only the row's maximum"),
])
def test_softmax_mistakes(f, hint):
    fails_with("07.softmax", f, hint)


def test_softmax_checker_uses_large_z_and_unseen_inputs():
    assert np.max(nb07._Z_HUGE) >= 1000 and np.min(nb07._Z_NEG) <= -1000
    assert nb07._Z_ONE_CLASS.shape[1] == 1                                # edge case: one class


def test_softmax_unattempted():
    def template(Z):
        ...
    assert check("07.softmax", template).status == "todo"


# ---- 07.delta_L -----------------------------------------------------------------------------------
def _delta_eye(Z, y):
    return nb07.softmax(Z) - np.eye(Z.shape[1])[y]


def _delta_loop(Z, y):
    out = []
    for z, label in zip(Z, y):
        e = np.exp(z - z.max())
        a = e / e.sum()
        a[label] -= 1
        out.append(a)
    return np.array(out)


def _delta_nnlib(Z, y):
    from nnlib.activations import ACTIVATIONS
    a = ACTIVATIONS["softmax"](Z)
    one_hot = np.zeros_like(a)
    one_hot[np.arange(len(y)), y] = 1
    return a - one_hot


@pytest.mark.parametrize("f", [nb07.delta_L, _delta_eye, _delta_loop, _delta_nnlib])
def test_delta_right_forms(f):
    passes("07.delta_L", f)


def _delta_naive_softmax(Z, y):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]


def _delta_softmax_jacobian_quadratic(Z, y):
    a = nb07.softmax(Z)
    g = a - np.eye(Z.shape[1])[y]
    return a * (g - (g * a).sum(axis=1, keepdims=True))      # quadratic cost through the softmax


@pytest.mark.parametrize("f, hint", [
    (nb07._delta_sign, "sign"),
    (nb07._delta_no_one_hot, "one-hot"),
    (nb07._delta_quadratic, "quadratic"),
    (nb07._delta_sigmoid, "sigmoid"),
    (nb07._delta_averaged, "batch size"),
    (nb07._delta_only_true_class, "every output"),
    (_delta_naive_softmax, "stable form"),
    (_delta_softmax_jacobian_quadratic, "expected"),
    (lambda Z, y: nb07.softmax(Z), "expected"),
    (lambda Z, y: _delta_eye(Z, y).sum(axis=0), "shape"),
    # a softmax that subtracts the whole batch's maximum: 0 / 0 in a row far below it
    (lambda Z, y: (lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(Z - Z.max())) - np.eye(Z.shape[1])[y],
     "each row's own max"),
])
def test_delta_mistakes(f, hint):
    fails_with("07.delta_L", f, hint)


def test_delta_matches_nnlib_backprop():
    """The checker's reference is the output error nnlib's backprop uses (softmax + cross_entropy)."""
    from nnlib import Network
    net = Network([3, 4], output="softmax", cost="cross_entropy", seed=2)
    X = np.random.default_rng(3).normal(size=(5, 3))
    y = np.array([0, 3, 1, 1, 2])
    z, _ = net.trace(X)
    _, _, deltas = net.backprop(X, y, return_deltas=True)
    np.testing.assert_allclose(deltas[-1], nb07.delta_L(z[-1], y), atol=1e-12)


# ---- 07.accuracy_from_counts, 07.confusion, 07.n_steps ----------------------------------------------
@pytest.mark.parametrize("f", [nb07.accuracy_from_counts, lambda c: np.diag(c).sum() / np.sum(c),
                               lambda c: sum(c[i][i] for i in range(len(c))) / sum(map(sum, c))])
def test_accuracy_right_forms(f):
    passes("07.accuracy_from_counts", f)


def test_accuracy_mistakes():
    fails_with("07.accuracy_from_counts", nb07._balanced_accuracy, "per-class accuracies")
    fails_with("07.accuracy_from_counts", lambda c: 100 * np.trace(c) / np.sum(c), "percentage")
    fails_with("07.accuracy_from_counts", lambda c: np.trace(c) / len(c), "number of classes")


def _confusion_add_at(y_true, y_pred, n_classes=10):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _confusion_bincount(y_true, y_pred, n_classes=10):
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes ** 2).reshape(n_classes, n_classes)


@pytest.mark.parametrize("f", [nb07.confusion, _confusion_add_at, _confusion_bincount])
def test_confusion_right_forms(f):
    passes("07.confusion", f)


def _confusion_float_zeros(y_true, y_pred, n_classes=10):
    counts = np.zeros((n_classes, n_classes))     # float: the dtype=int was forgotten
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _confusion_histogram2d(y_true, y_pred, n_classes=10):
    return np.histogram2d(y_true, y_pred, bins=n_classes, range=[[0, n_classes], [0, n_classes]])[0]


@pytest.mark.parametrize("f", [_confusion_float_zeros, _confusion_histogram2d])
def test_confusion_right_counts_as_floats_are_refused_naming_the_integer_array(f):
    fails_with("07.confusion", f, "integer array")


def test_confusion_mistakes():
    fails_with("07.confusion", nb07._fancy_plus_equals, "np.add.at")
    fails_with("07.confusion", nb07._sized_by_labels, "n_classes")
    fails_with("07.confusion", nb07._transposed, "swapped")


@pytest.mark.parametrize("answer", [8000, 8000.0, "8000", np.int64(8000), 8e3])
def test_n_steps_right_forms(answer):
    passes("07.n_steps", answer)


@pytest.mark.parametrize("answer, hint", [(800, "one epoch"), (80000, "examples"), (10, "epochs"),
                                          ("many", "number"), (7999, "count")])
def test_n_steps_mistakes(answer, hint):
    fails_with("07.n_steps", answer, hint)


# ---- 08 ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("f", [nb08.tanh_prime, lambda z: 1 / np.cosh(z) ** 2,
                               lambda z: 1 - np.tanh(z) * np.tanh(z), lambda z: (1 - np.tanh(z)) * (1 + np.tanh(z))])
def test_tanh_prime_right_forms(f):
    passes("08.tanh_prime", f)


@pytest.mark.parametrize("f, hint", [
    (lambda z: 1 - z ** 2, "square tanh(z), not z"),
    (lambda z: np.tanh(z) * (1 - np.tanh(z)), "sigmoid"),
    (lambda z: 1 - np.tanh(z), "square"),
    (lambda z: 1 - np.tanh(z ** 2), "outside"),
    (lambda z: [1 - np.tanh(v) ** 2 for v in np.ravel(z)], "shape"),
    (lambda z: np.exp(z) * 0 + np.nan, "nan"),
])
def test_tanh_prime_mistakes(f, hint):
    fails_with("08.tanh_prime", f, hint)


@pytest.mark.parametrize("answer", [0.25 ** 6, 1 / 4096, 2.44e-4, 2.4e-4, np.float32(1) / 4096, (1 / 4) ** 6])
def test_quarter_right_forms(answer):
    passes("08.quarter", answer)


# The old 08.quarter asked which activation's slope never exceeds 1/4, printed in the table just above
# it: the answer "sigmoid" was on screen, and is now a mistake (a name, not the factor).
@pytest.mark.parametrize("answer, hint", [(0.25, "one layer"), (1.5, "power 6"), (4096, "1/4096"),
                                          (0.25 ** 7, "output layer"), (0.25 ** 5, "layer 1"),
                                          (1, "tanh and relu"), ("sigmoid", "give a number"),
                                          (0.01, "6 hidden layers")])
def test_quarter_mistakes(answer, hint):
    fails_with("08.quarter", answer, hint)


@pytest.mark.parametrize("f", [nb08.he_std, lambda n: (2 / n) ** 0.5, lambda n: np.sqrt(2) / np.sqrt(n),
                               lambda n: np.sqrt(2.0 / float(n))])
def test_he_std_right_forms(f):
    passes("08.he_std", f)


@pytest.mark.parametrize("f, hint", [
    (lambda n: 2 / n, "variance"),
    (lambda n: np.sqrt(1 / n), "scaled"),
    (lambda n: 1.0, "about 9"),
    (lambda n: np.sqrt(n / 2), "upside down"),
    (lambda n: np.sqrt(2) / n, "whole fraction"),
    (lambda n: np.sqrt(2 / 784), "every layer"),
    (lambda n: np.full(3, np.sqrt(2 / n)), "one number"),
])
def test_he_std_mistakes(f, hint):
    fails_with("08.he_std", f, hint)


def test_he_std_hint_agrees_with_the_notebook():
    """Notebook 08 says z in the first layer has a spread of about 9 with N(0, 1) weights; the hint
    for the 'normal' mistake must quote the same number, measured here on the bundled digits."""
    from nnlib.data import load_digits
    (X, _), _ = load_digits()
    spread = np.sqrt(784 * np.mean(X[:1000] ** 2))
    assert round(spread) == 9
    assert "about 9" in check("08.he_std", lambda n: 1.0).message


# Hints the old checker misnamed: it blamed `counts[y_true, y_pred] += 1` for any matrix with too few
# examples and the right non-zero cells (a loop that skips the last pair, a row-normalised matrix).
def _confusion_skips_last(y_true, y_pred, n_classes=10):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    for i in range(len(y_true) - 1):
        counts[y_true[i], y_pred[i]] += 1
    return counts


def _confusion_row_fractions(y_true, y_pred, n_classes=10):
    counts = nb07.confusion(y_true, y_pred, n_classes).astype(float)
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)


@pytest.mark.parametrize("f, hint, not_hint", [
    (_confusion_skips_last, "every (true, predicted) pair", "np.add.at"),
    (_confusion_row_fractions, "fractions", "np.add.at"),
    (nb07._fancy_plus_equals, "np.add.at", "fractions"),
])
def test_confusion_hints_name_the_real_mistake(f, hint, not_hint):
    fails_with("07.confusion", f, hint)
    assert not_hint.lower() not in check("07.confusion", f).message.lower()
