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


@exercise("07.accuracy_from_counts", solution=accuracy_from_counts, mistakes=[
    (lambda c: np.trace(np.asarray(c)) / len(c), "number of classes"),
    (lambda c: np.diagonal(np.asarray(c)) / np.asarray(c).sum(axis=1), "one number"),
    (lambda c: (np.asarray(c).sum() - np.trace(np.asarray(c))) / np.asarray(c).sum(), "error rate"),
    (lambda c: np.trace(np.asarray(c)) / np.asarray(c).sum(axis=0)[0], "all the examples"),
])
def _check_accuracy_from_counts(f):
    for counts in (_COUNTS, np.diag([5, 5, 5]) + 1):
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
        if close(got, trace / len(counts)):
            raise Hint(f"You divided the {trace} right answers by the number of classes ({len(counts)}). "
                       "Divide by the number of examples: the sum of ALL the cells, counts.sum().")
        if close(got, 1 - want):
            raise Hint("That is the error rate: the fraction of mistakes. The right answers are the cells "
                       "on the diagonal (true digit = answer).")
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


@exercise("07.confusion", solution=confusion, mistakes=[
    (_fancy_plus_equals, "np.add.at"),
    (_transposed, "rows"),
    (_only_mistakes, "diagonal"),
])
def _check_confusion(f):
    y_true = np.array([0, 1, 2, 2, 2, 1, 0, 3, 3, 1])
    y_pred = np.array([0, 2, 2, 2, 1, 1, 0, 3, 1, 2])
    want = confusion(y_true, y_pred, 4)
    got = f(y_true.copy(), y_pred.copy(), 4)
    if got is None:
        raise NotImplementedError  # the template's `...` body: not attempted yet
    got = np.asarray(got)
    if got.shape != (4, 4):
        raise Hint(f"With 4 classes the matrix is 4 x 4; yours has shape {got.shape}. Start from "
                   "np.zeros((n_classes, n_classes), dtype=int).")
    if np.array_equal(got, want):
        return "Rows are the true digits, columns the answers; the diagonal holds the right ones."
    if np.array_equal(got, want.T):
        raise Hint("Rows and columns are swapped: counts[i, j] is for TRUE label i (the row) and "
                   "PREDICTED label j (the column).")
    if got.sum() < want.sum() and np.array_equal(got > 0, want > 0):
        raise Hint(f"Your matrix counts {got.sum()} examples, not {len(y_true)}: a pair (true, predicted) "
                   "that occurs several times was counted once. counts[y_true, y_pred] += 1 does that "
                   "(NumPy writes each repeated index once); loop over the pairs, or use "
                   "np.add.at(counts, (y_true, y_pred), 1).")
    off = want.copy()
    np.fill_diagonal(off, 0)
    if np.array_equal(got, off):
        raise Hint("The diagonal is empty: the right answers belong in the matrix too, on the diagonal "
                   "(true label = predicted label).")
    raise Hint("Not the same counts. For each example add 1 to counts[true label, predicted label].")
