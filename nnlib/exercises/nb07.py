"""Exercises of notebook 07 · Training on MNIST, end to end."""
import numpy as np

from . import Hint, close, exercise


# ---- 07.n_steps: how many gradient steps does training take? --------------------------------
N_STEPS = 8000  # 10 epochs x (8,000 examples / mini-batches of 10) = 10 x 800


@exercise("07.n_steps", solution=N_STEPS, mistakes=[
    (800, "one epoch"),
    (80000, "examples"),
    (10, "epochs"),
])
def _check_n_steps(answer):
    try:
        n = float(answer)
    except (TypeError, ValueError):
        raise Hint(f"Give a number of steps, like 1234, not {answer!r}.") from None
    if n == N_STEPS:
        return "800 mini-batches per epoch, one step each, 10 epochs: 8,000 steps of gradient descent."
    if n == 800:
        raise Hint("800 is the number of steps in one epoch (8,000 / 10). Training ran for 10 epochs.")
    if n == 80000:
        raise Hint("80,000 is the number of examples looked at (8,000 x 10 epochs). One step uses a whole "
                   "mini-batch of 10 examples: divide by the batch size.")
    if n == 10:
        raise Hint("10 is the number of epochs. Each epoch cuts the 8,000 digits into mini-batches of 10 "
                   "and takes one step per mini-batch.")
    raise Hint("Count: examples per epoch / batch size = steps per epoch; times the number of epochs.")


# ---- 07.accuracy_from_counts: read the accuracy off a confusion matrix -----------------------
def accuracy_from_counts(counts):
    """The right answers are on the diagonal; every example is somewhere in the matrix."""
    counts = np.asarray(counts)
    return np.trace(counts) / counts.sum()


_COUNTS = np.array([[50, 2, 0, 1],
                    [3, 40, 5, 0],
                    [0, 4, 60, 2],
                    [1, 0, 3, 29]])


def _balanced_accuracy(c):
    c = np.asarray(c)
    return np.mean(np.diagonal(c) / c.sum(axis=1))


@exercise("07.accuracy_from_counts", solution=accuracy_from_counts, mistakes=[
    (lambda c: np.trace(np.asarray(c)) / len(c), "number of classes"),
    (lambda c: np.diagonal(np.asarray(c)) / np.asarray(c).sum(axis=1), "one number"),
    (lambda c: (np.asarray(c).sum() - np.trace(np.asarray(c))) / np.asarray(c).sum(), "error rate"),
    (lambda c: np.trace(np.asarray(c)) / np.asarray(c).sum(axis=0)[0], "all the examples"),
    (_balanced_accuracy, "mean of the per-class"),
    (lambda c: 100 * np.trace(np.asarray(c)) / np.asarray(c).sum(), "percent"),
])
def _check_accuracy_from_counts(f):
    # unbalanced classes (so the mean of per-class accuracies differs), a perfect and an all-wrong
    # matrix, and two classes only
    cases = (_COUNTS, np.diag([5, 5, 5]) + 1, np.diag([7, 3]), np.array([[0, 4], [6, 0]]),
             np.array([[90, 10], [5, 5]]))
    for counts in cases:
        want, got = accuracy_from_counts(counts), f(counts.copy())
        if got is None:
            raise NotImplementedError  # the template's `...` body: not attempted yet
        if np.ndim(got) != 0:
            raise Hint("Return one number, the fraction of all examples that are right; you returned "
                       f"an array of shape {np.shape(got)} (one value per class: that is each class's "
                       "accuracy, not the overall one).")
        got = float(got)
        if close(got, want):
            continue
        trace, total = np.trace(counts), counts.sum()
        if close(got, 100 * want):
            raise Hint(f"That is a percentage ({got:.4g}); give the fraction, between 0 and 1: {want:.4f}, "
                       "not 100 times it.")
        if close(got, trace / len(counts)):
            raise Hint(f"You divided the {trace} right answers by the number of classes ({len(counts)}). "
                       "Divide by the number of examples: the sum of ALL the cells, counts.sum().")
        if close(got, 1 - want):
            raise Hint("That is the error rate: the fraction of mistakes. The right answers are the cells "
                       "on the diagonal (true digit = answer).")
        if close(got, _balanced_accuracy(counts)):
            raise Hint("That is the mean of the per-class accuracies (each row's diagonal cell over the row). "
                       "It weighs a rare class as much as a common one; the accuracy counts examples: "
                       "all the right answers over all the examples.")
        if got > 1:
            raise Hint(f"An accuracy above 1 ({got:.3g}): you divided by too small a total. Divide the "
                       f"diagonal's sum by all the examples, counts.sum() = {total}.")
        raise Hint(f"Expected {want:.4f}. The right answers are on the diagonal (np.trace); divide by the "
                   "number of all the examples (counts.sum()).")
    return "np.trace(counts) / counts.sum(): the diagonal over everything."


# ---- 07.confusion: build a confusion matrix ---------------------------------------------------
def confusion(y_true, y_pred, n_classes=10):
    """counts[i, j] = number of examples whose true label is i and whose predicted label is j."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[t, p] += 1
    return counts


def _fancy_plus_equals(y_true, y_pred, n_classes=10):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    counts[y_true, y_pred] += 1  # looks right, but a repeated (i, j) pair is counted only once
    return counts


def _transposed(y_true, y_pred, n_classes=10):
    return confusion(y_true, y_pred, n_classes).T


def _only_mistakes(y_true, y_pred, n_classes=10):
    counts = confusion(y_true, y_pred, n_classes)
    np.fill_diagonal(counts, 0)
    return counts


def _sized_by_labels(y_true, y_pred, n_classes=10):
    k = int(max(np.max(y_true), np.max(y_pred))) + 1
    return confusion(y_true, y_pred, k)


@exercise("07.confusion", solution=confusion, mistakes=[
    (_fancy_plus_equals, "np.add.at"),
    (_transposed, "rows"),
    (_only_mistakes, "diagonal"),
    (_sized_by_labels, "n_classes"),
])
def _check_confusion(f):
    y_true = np.array([0, 1, 2, 2, 2, 1, 0, 3, 3, 1])
    y_pred = np.array([0, 2, 2, 2, 1, 1, 0, 3, 1, 2])
    rng = np.random.default_rng(77)
    y_many = rng.integers(0, 6, size=300)
    p_many = np.where(rng.random(300) < 0.7, y_many, rng.integers(0, 6, size=300))
    cases = [(y_true, y_pred, 4),
             (np.array([0, 0, 1, 1]), np.array([1, 0, 1, 1]), 5),     # classes 2-4 never occur
             (y_many, p_many, 6)]
    for yt, yp, k in cases:
        want = confusion(yt, yp, k)
        got = f(yt.copy(), yp.copy(), k)
        if got is None:
            raise NotImplementedError  # the template's `...` body: not attempted yet
        got = np.asarray(got)
        if got.shape != (k, k):
            if got.ndim == 2 and got.shape[0] == got.shape[1] and got.shape[0] < k:
                raise Hint(f"With n_classes = {k} the matrix is {k} x {k}, even if some classes never occur in "
                           f"these labels; yours is {got.shape[0]} x {got.shape[0]} (sized by the largest label?). "
                           "Use the n_classes argument: np.zeros((n_classes, n_classes), dtype=int).")
            raise Hint(f"With {k} classes the matrix is {k} x {k}; yours has shape {got.shape}. Start from "
                       "np.zeros((n_classes, n_classes), dtype=int).")
        if np.array_equal(got, want):
            if got.dtype.kind not in "iu":
                raise Hint(f"The right counts, but as {got.dtype} numbers: counts are whole numbers, and the "
                           "exercise asks for an integer array. np.zeros((n, n)) is float unless you give "
                           "dtype=int (np.histogram2d's counts are floats too: add .astype(int)).")
            continue
        if np.array_equal(got, want.T):
            raise Hint("Rows and columns are swapped: counts[i, j] is for TRUE label i (the row) and "
                       "PREDICTED label j (the column).")
        rows = want.sum(axis=1, keepdims=True)
        if close(got, want / np.where(rows == 0, 1, rows)) or close(got, want / want.sum()):
            raise Hint("Those are fractions (counts divided by a row's or the matrix's sum). The exercise asks for "
                       "the counts themselves: integers, each example adding 1 to one cell.")
        if np.array_equal(got, _fancy_plus_equals(yt, yp, k)):
            raise Hint(f"Your matrix counts {got.sum()} examples, not {len(yt)}: a pair (true, predicted) "
                       "that occurs several times was counted once. counts[y_true, y_pred] += 1 does that "
                       "(NumPy writes each repeated index once); loop over the pairs, or use "
                       "np.add.at(counts, (y_true, y_pred), 1).")
        off = want.copy()
        np.fill_diagonal(off, 0)
        if np.array_equal(got, off):
            raise Hint("The diagonal is empty: the right answers belong in the matrix too, on the diagonal "
                       "(true label = predicted label).")
        if got.sum() != len(yt):
            raise Hint(f"Your matrix counts {got.sum():g} examples, not {len(yt)}: every example adds exactly 1 to "
                       "one cell. Does your loop visit every (true, predicted) pair, each once?")
        raise Hint("Not the same counts. For each example add 1 to counts[true label, predicted label].")
    return "Rows are the true digits, columns the answers; the diagonal holds the right ones."


# ---- 07.softmax: probabilities from the output layer's z, for a whole batch ------------------
def softmax(Z):
    """a_j = e^{z_j} / sum_k e^{z_k} for each row of Z. Subtracting the row's largest z first
    changes nothing (e^{z - m} / sum e^{z - m} = e^{z} / sum e^{z}) but keeps every e^{...} <= 1,
    so z around 1000 does not overflow to inf (and inf / inf = nan)."""
    Z = np.asarray(Z, dtype=float)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_naive(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_columns(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_no_exp(Z):
    return Z / Z.sum(axis=1, keepdims=True)


def _softmax_whole_batch(Z):
    e = np.exp(Z - Z.max())
    return e / e.sum()


def _softmax_global_max(Z):
    e = np.exp(Z - Z.max())
    return e / e.sum(axis=1, keepdims=True)


def _softmax_no_keepdims(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)          # (n, k) / (n,): broadcasts along the wrong axis


def _softmax_in_place(Z):
    Z -= Z.max(axis=1, keepdims=True)  # changes the caller's array
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_sub_min(Z):
    e = np.exp(Z - Z.min(axis=1, keepdims=True))   # the wrong end: exponents up to the row's spread
    return e / e.sum(axis=1, keepdims=True)


# Inputs the notebook never shows. Shapes differ (n != k) except where a square batch is the
# point (it lets a missing keepdims broadcast silently instead of raising).
_rng = np.random.default_rng(707)
_Z_SMALL = np.round(_rng.normal(0, 2, size=(5, 4)), 2)
_Z_SQUARE = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 2.0, 2.0]])
_Z_HUGE = np.array([[1000.0, 1001.0, 999.0, 1000.5], [-3.0, 0.0, 2.0, 1.0]])   # z around 1000
_Z_MIXED = np.array([[1000.0, 998.0, 990.0], [0.0, 1.0, -2.0]])                # rows far apart
_Z_NEG = np.array([[-1000.0, -1002.0, -1001.0]])                                # exp underflows to 0
_Z_SPREAD = np.array([[-1000.0, 1000.0, 0.0, 999.0]])   # one row spread over 2000, its max not first:
# subtracting the row's min, mean or first z (instead of its max) still overflows here
_Z_TOP = np.array([[0.0, 0.0, 1000.0]])   # its median and second-largest z are 0: subtracting either
# (instead of the max) leaves e^1000, which overflows
_Z_ONE_CLASS = np.array([[3.0], [-7.5]])                                        # k = 1: always 1


def _call(f, Z):
    Z_in = Z.copy()
    try:
        got = f(Z_in)
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        raise Hint(f"Your code raised: {e}. The row sums have shape (n,), and (n, k) / (n,) does not line up "
                   "with the rows. Keep the summed axis: e.sum(axis=1, keepdims=True) has shape (n, 1) and "
                   "divides each row by its own sum (or write e.sum(axis=1)[:, None]).") from None
    if got is None:
        raise NotImplementedError  # the template's `...` body: not attempted yet
    changed = not np.array_equal(Z_in, Z)
    return np.asarray(got, dtype=float), changed


@exercise("07.softmax", solution=softmax, mistakes=[
    (_softmax_naive, "subtract"),
    (_softmax_columns, "wrong axis"),
    (_softmax_no_exp, "exp"),
    (_softmax_whole_batch, "each row"),
    (_softmax_global_max, "each row's own"),
    (_softmax_no_keepdims, "keepdims"),
    (_softmax_in_place, "in place"),
    (_softmax_sub_min, "maximum"),
])
def _check_softmax(f):
    # 1. ordinary numbers: is it softmax at all?
    for Z in (_Z_SQUARE, _Z_SMALL):
        got, changed = _call(f, Z)
        want = softmax(Z)
        if got.shape != Z.shape:
            raise Hint(f"For Z of shape {Z.shape} (one example per row) return one probability per entry, "
                       f"shape {Z.shape}; you returned shape {got.shape}.")
        if close(got, want, rtol=1e-6, atol=1e-12):
            continue
        rows_one = close(got.sum(axis=1), np.ones(Z.shape[0]))
        if close(got, _softmax_columns(Z), rtol=1e-6, atol=1e-12) or (
                not rows_one and close(got.sum(axis=0), np.ones(Z.shape[1]))):
            raise Hint("Your columns sum to 1, not your rows: you normalised over the wrong axis. Each row is "
                       "one example; sum over its k outputs with axis=1.")
        if close(got, _softmax_whole_batch(Z), rtol=1e-6, atol=1e-12) or np.isclose(got.sum(), 1.0):
            raise Hint("All the entries together sum to 1, so you divided by the sum over the whole batch. "
                       "Each row is one example: divide each row by its own sum, e.sum(axis=1, keepdims=True).")
        if close(got, _softmax_no_exp(Z), rtol=1e-6, atol=1e-12):
            raise Hint("You divided z by its sum without the exp: then negative z give negative 'probabilities' "
                       "and the row sum can be 0. Exponentiate first: e = np.exp(Z - max), then e / e.sum(...).")
        if close(got, _softmax_no_keepdims(Z), rtol=1e-6, atol=1e-12):
            raise Hint("The row sums have shape (n,), and (n, k) / (n,) divides column j by row j's sum. Keep "
                       "the summed axis: e.sum(axis=1, keepdims=True) has shape (n, 1) and divides each row by "
                       "its own sum (or write e.sum(axis=1)[:, None]).")
        if not rows_one and (close(got, np.exp(Z - Z.max(axis=1, keepdims=True))) or close(got, np.exp(Z))):
            raise Hint("Your rows do not sum to 1: you exponentiated but did not divide. Divide each row by its "
                       "own sum, e / e.sum(axis=1, keepdims=True).")
        if rows_one and np.all((got == 0) | (got == 1)):
            raise Hint("Your rows are 0s with a single 1: a hard max (the one-hot of the largest z). Softmax gives "
                       "every output its share, e^{z_j} / sum_k e^{z_k}, so a z a little below the largest still "
                       "gets a probability a little below the largest.")
        if np.any(got < 0):
            raise Hint("Some of your outputs are negative: probabilities never are. softmax exponentiates z "
                       "first (e^z > 0), then divides by the row's sum.")
        raise Hint(f"For Z = {Z.tolist()} expected {np.round(want, 4).tolist()}, got {np.round(got, 4).tolist()}. "
                   "softmax(z)_j = e^{z_j} / sum_k e^{z_k}, for each row.")
    if changed:
        raise Hint("Right numbers, but your function changed the array it was given (Z -= ... works in "
                   "place). Write Z - Z.max(axis=1, keepdims=True) into a new array: the caller still needs z.")
    # 2. large z: the stable form
    for Z in (_Z_HUGE, _Z_MIXED, _Z_NEG, _Z_SPREAD, _Z_TOP):
        got, _ = _call(f, Z)
        want = softmax(Z)
        if close(got, want, rtol=1e-6, atol=1e-12):
            continue
        if Z is _Z_SPREAD and not np.all(np.isfinite(got)):
            raise Hint(f"For Z = {Z.tolist()} your softmax gives {np.round(got, 4).tolist()}. Subtracting a "
                       "number from each row keeps the result, but only the row's MAXIMUM keeps every exponent "
                       "<= 0: subtract the row's minimum, mean or first z and a row whose z spread over more "
                       "than about 700 still overflows (here e^{1000 - 0} or e^{1000 + 1000}). Use "
                       "Z - Z.max(axis=1, keepdims=True).")
        if Z is _Z_TOP and not np.all(np.isfinite(got)):
            raise Hint(f"For Z = {Z.tolist()} your softmax gives {np.round(got, 4).tolist()}. Subtracting a "
                       "number from each row keeps the result, but only the row's MAXIMUM keeps every exponent "
                       "<= 0: subtract the row's median, its second-largest or any other z and this row still "
                       "gives e^{1000}, which overflows. Use Z - Z.max(axis=1, keepdims=True).")
        if not np.all(np.isfinite(got)):
            bad_global = ~np.isfinite(_softmax_global_max(Z))
            if bad_global.any() and np.array_equal(~np.isfinite(got), bad_global):
                raise Hint("Large z work in one row but not in another: you subtracted the largest z of the whole "
                           "batch. A row whose z are all far below it gets e^{...} = 0 everywhere and 0 / 0 = nan. "
                           "Subtract each row's own maximum: Z.max(axis=1, keepdims=True).")
            raise Hint(f"For z around 1000 your softmax gives {np.round(got, 4).tolist()}: np.exp(1000) overflows "
                       "to inf, and inf / inf is nan. Subtract each row's largest z before the exp "
                       "(Z - Z.max(axis=1, keepdims=True)): the result is the same, and the largest e^{...} is 1.")
        raise Hint(f"Right for small z, but for Z = {Z.tolist()} expected {np.round(want, 4).tolist()}, got "
                   f"{np.round(got, 4).tolist()}. Subtract each row's own maximum before the exp.")
    # 3. one class only: the single output is certain
    got, _ = _call(f, _Z_ONE_CLASS)
    if not close(got, np.ones_like(_Z_ONE_CLASS)):
        raise Hint(f"With a single output (k = 1) each row's only probability must be 1; got {got.ravel().tolist()}.")
    return ("Every row sums to 1, every entry is positive, and subtracting the row's maximum keeps e^{z} "
            "finite for z around 1000 (np.exp(1000) alone is inf).")


# ---- 07.delta_L: the output error of softmax with the log-likelihood cost --------------------
def delta_L(Z, y):
    """delta^L = dC/dz^L = a - y for softmax outputs with C = -ln a_y: a = softmax(z) and y the
    one-hot row of each label. (The softmax's Jacobian and the log's 1/a cancel.)"""
    a = softmax(Z)
    one_hot = np.zeros_like(a)
    one_hot[np.arange(len(a)), np.asarray(y)] = 1.0
    return a - one_hot


def _one_hot(y, k):
    out = np.zeros((len(y), k))
    out[np.arange(len(y)), y] = 1.0
    return out


def _delta_sign(Z, y):
    return -delta_L(Z, y)


def _delta_no_one_hot(Z, y):
    return softmax(Z) - np.asarray(y)[:, None]


def _delta_quadratic(Z, y):
    a = softmax(Z)
    return (a - _one_hot(np.asarray(y), a.shape[1])) * a * (1 - a)   # (a - y) sigma'(z), quadratic cost


def _delta_sigmoid(Z, y):
    a = 1 / (1 + np.exp(-np.asarray(Z, dtype=float)))
    return a - _one_hot(np.asarray(y), a.shape[1])


def _delta_averaged(Z, y):
    return delta_L(Z, y) / len(Z)


def _delta_only_true_class(Z, y):
    a = softmax(Z)
    return -_one_hot(np.asarray(y), a.shape[1]) * (1 - a)


_DZ = np.round(np.random.default_rng(708).normal(0, 1.5, size=(6, 4)), 2)
_DY = np.array([2, 0, 3, 3, 1, 0])


@exercise("07.delta_L", solution=delta_L, mistakes=[
    (_delta_sign, "sign"),
    (_delta_no_one_hot, "one-hot"),
    (_delta_quadratic, "quadratic"),
    (_delta_sigmoid, "softmax"),
    (_delta_averaged, "per example"),
    (_delta_only_true_class, "every output"),
])
def _check_delta_L(f):
    cases = [(_DZ, _DY), (np.array([[1000.0, 0.0, -1000.0]]), np.array([0])),   # sure and right: delta 0
             (np.array([[0.0, 0.0, 0.0, 0.0, 0.0]]), np.array([4])),              # no idea: a = 1/5
             (np.array([[1000.0, 999.0, 998.0], [0.0, 1.0, -1.0]]), np.array([1, 2]))]  # rows 1000 apart
    for Z, y in cases:
        got = f(Z.copy(), y.copy())
        if got is None:
            raise NotImplementedError  # the template's `...` body: not attempted yet
        got = np.asarray(got, dtype=float)
        want = delta_L(Z, y)
        if got.shape != Z.shape:
            raise Hint(f"delta^L has one entry per output neuron and example: shape {Z.shape} for Z of shape "
                       f"{Z.shape}; you returned {got.shape}.")
        if close(got, want, atol=1e-9):
            continue
        k = Z.shape[1]
        if close(got, -want, atol=1e-9):
            raise Hint("Wrong sign: dC/dz^L = a - y, not y - a. The cost -ln a_y falls when a_y rises, so its "
                       "derivative with respect to z_y is negative: a_y - 1.")
        if close(got, softmax(Z) - y[:, None], atol=1e-9):
            raise Hint("You subtracted the label itself (a number like 3) from every output. y here is the one-hot "
                       "row: 1 at the true digit, 0 elsewhere; build it with np.eye(k)[y] (or set one_hot[i, y[i]] = 1).")
        if close(got, _delta_quadratic(Z, y), atol=1e-9):
            raise Hint("That is (a - y) * sigma'(z), the output error of the quadratic cost with an elementwise "
                       "output. With softmax and the log-likelihood C = -ln a_y, the softmax's derivative and "
                       "the log's 1/a cancel exactly: delta^L = a - y, no sigma' factor.")
        if close(got, _delta_sigmoid(Z, y), atol=1e-9):
            raise Hint("You used the sigmoid 1/(1 + e^-z) for a: the outputs here are a softmax (each row's "
                       "e^z divided by the row's sum).")
        if close(got, want / len(Z), atol=1e-12):
            raise Hint(f"You divided by the batch size ({len(Z)}). delta^L is per example, one row each; the "
                       "mean over the batch is taken later, when the rows are combined into nabla_w.")
        if close(got * (1 - _one_hot(y, k)), 0 * got):
            raise Hint("Only the true digit's entry is non-zero in yours. Every output gets an error: a_j - 0 for "
                       "the wrong digits (pushing them down) and a_y - 1 for the right one.")
        if not np.all(np.isfinite(got)):
            raise Hint("For z around 1000 your a is nan or inf: compute the softmax in its stable form "
                       "(subtract each row's own max before the exp; the whole batch's max makes a row whose z "
                       "are all far below it 0 / 0).")
        raise Hint(f"For Z = {Z.tolist()} and y = {y.tolist()} expected {np.round(want, 4).tolist()}. "
                   "delta^L = softmax(Z) - one_hot(y).")
    return ("delta^L = a - y: the error is how far each probability is from its target, the same simple "
            "form as sigmoid outputs with binary cross-entropy, and no sigma' that could vanish.")
