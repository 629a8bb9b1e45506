"""Data augmentation for the digits: more training examples for free.

A digit moved a pixel or two is still the same digit, so shifting each training image by a small
random amount shows the network "new" examples every epoch and makes it rely less on exactly
where the ink is. Use it with fit():

    from nnlib.augment import shifter
    fit(net, X_train, y_train, epochs=30, batch_size=10, eta=0.5, augment=shifter(2))

Images are rows of 784 = 28 * 28 pixels (one example per row), as load_digits() returns them.
NumPy only; vectorized (no Python loop over the examples).
"""
import functools
import operator

import numpy as np

SIDE = 28            # the digits are SIDE x SIDE images
N_PIXELS = SIDE * SIDE

__all__ = ["translate", "shift_digits", "shifter"]


def _check_images(X):
    x = np.asarray(X)
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(f"images must be numbers, not {x.dtype}.")
    if x.ndim not in (1, 2) or x.shape[-1] != N_PIXELS:
        hint = " Flatten them first: X.reshape(len(X), -1)." if x.ndim == 3 and x.shape[1:] == (SIDE, SIDE) else ""
        raise ValueError(f"images have shape {x.shape}, but shifting needs rows of {N_PIXELS} = "
                         f"{SIDE} x {SIDE} pixels: shape (n_examples, {N_PIXELS}) or ({N_PIXELS},).{hint}")
    return x


def _check_max_shift(max_shift):
    try:
        s = operator.index(max_shift)
    except TypeError:
        s = None
    if s is None or not 0 <= s < SIDE:
        raise ValueError(f"max_shift must be a whole number of pixels from 0 to {SIDE - 1}, like 2; "
                         f"got {max_shift!r}.")
    return s


@functools.lru_cache(maxsize=None)
def _windows(s):
    """Flat pixel indices of every SIDE x SIDE window in a (SIDE + 2s)^2 padded image: row
    i * (2s + 1) + j lists the window whose top-left corner is at row i, column j."""
    width, line, corner = SIDE + 2 * s, np.arange(SIDE), np.arange(2 * s + 1)
    rows = corner[:, None, None, None] + line[None, None, :, None]
    cols = corner[None, :, None, None] + line[None, None, None, :]
    idx = (rows * width + cols).reshape(-1, N_PIXELS)
    idx.flags.writeable = False
    return idx


def translate(X, dx, dy):
    """Move every image dx pixels right and dy pixels down (negative: left / up), filling the
    uncovered border with 0; ink moved past the edge is lost.

    X: (n, 784) or one image (784,). dx, dy: whole numbers, one for all images or one per image.
    Returns a new array of X's shape and dtype: out[i, r, c] = X[i, r - dy, c - dx].
    """
    x = _check_images(X)
    single = x.ndim == 1
    x = x.reshape(-1, SIDE, SIDE)
    n = len(x)
    shifts = []
    for name, d in (("dx", dx), ("dy", dy)):
        d = np.asarray(d)
        if d.ndim > 1 or d.size not in (1, n) or (d.ndim == 1 and d.size != n):
            raise ValueError(f"{name} must be one whole number, or one per image ({n} of them); "
                             f"got shape {d.shape}.")
        shifts.append(np.broadcast_to(d.reshape(-1), (n,)))
        if not np.issubdtype(d.dtype, np.integer):
            raise ValueError(f"{name} must be whole numbers of pixels (integers); got dtype {d.dtype}.")
    dx, dy = shifts
    s = int(max(np.abs(dx).max(initial=0), np.abs(dy).max(initial=0)))
    if s > SIDE:  # a shift of SIDE or more leaves an empty image; no need to pad further
        s, dx, dy = SIDE, np.clip(dx, -SIDE, SIDE), np.clip(dy, -SIDE, SIDE)
    width = SIDE + 2 * s
    padded = np.zeros((n, width, width), dtype=x.dtype)
    padded[:, s:s + SIDE, s:s + SIDE] = x
    which = (s - dy) * (2 * s + 1) + (s - dx)      # each image's window: top-left corner (s-dy, s-dx)
    flat = _windows(s)[which] + (width * width) * np.arange(n)[:, None]
    out = padded.reshape(-1).take(flat)            # one gather for the whole batch
    return out.reshape(N_PIXELS) if single else out.reshape(n, N_PIXELS)


def shift_digits(X, rng, max_shift=2):
    """Shift each image by its own random (dx, dy), each a whole number in [-max_shift, max_shift],
    filling with 0. Returns a new array; X is not changed.

    rng: a numpy Generator (np.random.default_rng(seed)) or a seed: the same rng state gives the
    same shifts. The shifts are drawn as rng.integers(-max_shift, max_shift + 1, size=(n, 2)),
    column 0 is dx, column 1 is dy.
    """
    x = _check_images(X)
    s = _check_max_shift(max_shift)
    rng = np.random.default_rng(rng)
    n = 1 if x.ndim == 1 else len(x)
    shifts = rng.integers(-s, s + 1, size=(n, 2))
    if s == 0:
        return x.copy()
    return translate(x, shifts[:, 0] if x.ndim == 2 else shifts[0, 0],
                     shifts[:, 1] if x.ndim == 2 else shifts[0, 1])


def shifter(max_shift=2):
    """An augment function for fit(..., augment=shifter(2)): (x_batch, rng) -> shifted x_batch."""
    s = _check_max_shift(max_shift)

    def shift(x, rng):
        return shift_digits(x, rng, s)

    shift.__name__ = shift.__qualname__ = f"shifter({s})"
    return shift
