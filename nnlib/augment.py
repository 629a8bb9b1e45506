"""Data augmentation for the digits: more training examples for free.

A digit moved a pixel or two is still the same digit, so shifting each training image by a small
random amount shows the network "new" examples every epoch and makes it rely less on exactly
where the ink is. Use it with fit():

    from nnlib.augment import shifter
    fit(net, X_train, y_train, epochs=30, batch_size=10, eta=0.5, augment=shifter(2))

The same holds for a digit turned by a few degrees, made a little larger or smaller, or gently
bent (an elastic distortion, Simard et al. 2003): distorter() draws all of these per image.

    from nnlib.augment import distorter
    fit(net, X_train, y_train, ..., augment=distorter(degrees=10, scale=0.1, shift=2, elastic=1.5))

Images are rows of 784 = 28 * 28 pixels (one example per row), as load_digits() returns them.
NumPy only; vectorized (no Python loop over the examples).
"""
import functools
import operator

import numpy as np

SIDE = 28            # the digits are SIDE x SIDE images
N_PIXELS = SIDE * SIDE

__all__ = ["translate", "shift_digits", "shifter", "warp", "affine_grid", "elastic_field",
           "distort", "distorter"]


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


# ---- smooth distortions: rotations, scaling, elastic bending (bilinear resampling) ----------------
_CENTRE = (SIDE - 1) / 2   # the image's centre, between pixels 13 and 14


def _check_number(name, value, low=0.0, high=None):
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    v = float(value) if ok else None
    if v is None or not np.isfinite(v) or v < low or (high is not None and v > high):
        bounds = f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"
        raise ValueError(f"{name} must be a number {bounds}; got {value!r}.")
    return v


def warp(X, rows, cols):
    """Resample every image at the given (fractional) source positions, bilinearly.

    X: (n, 784) or one image (784,). rows, cols: arrays of shape (n, 28, 28) (or (28, 28) for one
    image): out[i, r, c] = X[i] read at row rows[i, r, c], column cols[i, r, c], interpolating
    between the four nearest pixels; outside the image counts as 0 (blank paper).
    warp(X, r, c) with whole-number r = R - dy, c = C - dx is translate(X, dx, dy).
    """
    x = _check_images(X)
    single = x.ndim == 1
    x = x.reshape(-1, SIDE, SIDE)
    n = len(x)
    rows, cols = np.asarray(rows, dtype=np.float64), np.asarray(cols, dtype=np.float64)
    want = (SIDE, SIDE) if single else (n, SIDE, SIDE)
    if rows.shape != want or cols.shape != want:
        raise ValueError(f"rows and cols must have shape {want} (one source position per output pixel); "
                         f"got {rows.shape} and {cols.shape}.")
    rows, cols = rows.reshape(n, SIDE, SIDE), cols.reshape(n, SIDE, SIDE)
    width = SIDE + 2                                   # one blank pixel of border all round
    padded = np.zeros((n, width, width), dtype=x.dtype)
    padded[:, 1:-1, 1:-1] = x
    r = np.clip(rows, -1.0, SIDE) + 1                  # positions in the padded image, kept on it
    c = np.clip(cols, -1.0, SIDE) + 1
    r0 = np.minimum(np.floor(r).astype(np.intp), width - 2)
    c0 = np.minimum(np.floor(c).astype(np.intp), width - 2)
    fr, fc = (r - r0).astype(x.dtype), (c - c0).astype(x.dtype)
    base = (r0 * width + c0) + (width * width) * np.arange(n)[:, None, None]
    flat = padded.reshape(-1)
    top = flat.take(base) * (1 - fc) + flat.take(base + 1) * fc
    bottom = flat.take(base + width) * (1 - fc) + flat.take(base + width + 1) * fc
    out = top * (1 - fr) + bottom * fr
    return out.reshape(N_PIXELS) if single else out.reshape(n, N_PIXELS)


def affine_grid(degrees, scale=1.0, dx=0.0, dy=0.0):
    """Source positions (rows, cols), each (n, 28, 28), that turn each image by `degrees`
    (anticlockwise as seen on screen), magnify it by `scale` about the centre, then move it
    dx pixels right and dy down. Arguments: one number each, or one per image (same length)."""
    theta, s, dx, dy = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=np.float64))
                                            for v in (np.deg2rad(degrees), scale, dx, dy)))
    if np.any(s <= 0):
        raise ValueError(f"scale must be positive (1 keeps the size); got {s.min():g}.")
    if theta.ndim != 1:
        raise ValueError("degrees, scale, dx and dy must be numbers or 1-D arrays (one value per image).")
    # Output pixel (R, C) shows the source point found by undoing the move, the scaling and the turn:
    # with u = (C - centre - dx) / s and v = (R - centre - dy) / s (right of and below the centre),
    # cols = centre + cos * u - sin * v and rows = centre + sin * u + cos * v. Written as two small
    # matrix products over the flat pixel grid (one row of coefficients per image).
    cos, sin = np.cos(theta) / s, np.sin(theta) / s
    u0, v0 = _CENTRE + dx, _CENTRE + dy
    c_coef = np.stack([cos, -sin, _CENTRE - cos * u0 + sin * v0], axis=1)   # times (C, R, 1)
    r_coef = np.stack([sin, cos, _CENTRE - sin * u0 - cos * v0], axis=1)
    grid = _pixel_grid()
    shape = (len(theta), SIDE, SIDE)
    return (r_coef @ grid).reshape(shape), (c_coef @ grid).reshape(shape)


@functools.lru_cache(maxsize=None)
def _pixel_grid():
    """(3, 784): the column C, the row R and 1 for every pixel, in the images' flat order."""
    R, C = np.mgrid[0:SIDE, 0:SIDE].astype(np.float64)
    grid = np.stack([C.ravel(), R.ravel(), np.ones(N_PIXELS)])
    grid.flags.writeable = False
    return grid


@functools.lru_cache(maxsize=None)
def _blur_matrix(sigma):
    """A (SIDE, SIDE) matrix G: G @ f blurs each column of f with a Gaussian of width sigma."""
    i = np.arange(SIDE)
    g = np.exp(-0.5 * ((i[:, None] - i[None, :]) / sigma) ** 2)
    g /= g.sum(axis=1, keepdims=True)
    g.flags.writeable = False
    return g


def elastic_field(n, rng, alpha=1.5, sigma=4.0):
    """Random smooth displacements (d_rows, d_cols), each (n, 28, 28), in pixels: white noise
    blurred by a Gaussian of width sigma pixels, then scaled so that the typical (root mean square)
    displacement is alpha pixels. Small alpha and large sigma: a gentle bend of the strokes."""
    alpha = _check_number("alpha (the elastic displacement, in pixels)", alpha, 0.0, 10.0)
    sigma = _check_number("sigma (the elastic smoothness, in pixels)", sigma, 0.5, 28.0)
    rng = np.random.default_rng(rng)
    G = _blur_matrix(sigma)
    noise = rng.standard_normal((2 * n, SIDE, SIDE))
    # blur along each row (one matrix product for all images), then along each column
    field = (noise.reshape(-1, SIDE) @ G.T).reshape(2 * n, SIDE, SIDE).transpose(0, 2, 1)
    field = (field.reshape(-1, SIDE) @ G.T).reshape(2 * n, SIDE, SIDE).transpose(0, 2, 1)
    rms = np.sqrt((field ** 2).mean(axis=(1, 2), keepdims=True)) + 1e-12
    field = (alpha / rms) * field
    return field[:n], field[n:]


def distort(X, rng, degrees=10.0, scale=0.1, shift=2.0, elastic=0.0, sigma=4.0):
    """Each image turned by a random angle in [-degrees, degrees], scaled by a random factor in
    [1 - scale, 1 + scale], moved by a random (dx, dy) in [-shift, shift]^2 pixels (fractions
    allowed) and, if elastic > 0, bent by a smooth random field of typical size `elastic` pixels.
    Bilinear resampling; blank paper comes in at the borders. Returns a new array; X is unchanged.
    rng: a numpy Generator or a seed (the same state gives the same distortions)."""
    x = _check_images(X)
    degrees = _check_number("degrees", degrees, 0.0, 180.0)
    scale = _check_number("scale (the largest relative change of size)", scale, 0.0, 0.9)
    shift = _check_number("shift (pixels)", shift, 0.0, SIDE - 1)
    elastic = _check_number("elastic (pixels)", elastic, 0.0, 10.0)
    sigma = _check_number("sigma (the elastic smoothness, in pixels)", sigma, 0.5, 28.0)
    rng = np.random.default_rng(rng)
    single = x.ndim == 1
    n = 1 if single else len(x)
    u = rng.uniform(-1.0, 1.0, size=(4, n))
    rows, cols = affine_grid(degrees * u[0], 1 + scale * u[1], shift * u[2], shift * u[3])
    if elastic > 0:
        d_rows, d_cols = elastic_field(n, rng, elastic, sigma)
        rows, cols = rows + d_rows, cols + d_cols
    out = warp(x.reshape(n, N_PIXELS), rows, cols)
    return out.reshape(N_PIXELS) if single else out


def distorter(degrees=10.0, scale=0.1, shift=2.0, elastic=0.0, sigma=4.0):
    """An augment function for fit(..., augment=distorter(...)): (x_batch, rng) -> distorted batch."""
    settings = dict(degrees=degrees, scale=scale, shift=shift, elastic=elastic, sigma=sigma)
    distort(np.zeros(N_PIXELS), 0, **settings)         # bad settings fail now, not in the middle of fit

    def distortion(x, rng):
        return distort(x, rng, **settings)

    name = f"distorter(degrees={degrees:g}, scale={scale:g}, shift={shift:g}, elastic={elastic:g}, sigma={sigma:g})"
    distortion.__name__ = distortion.__qualname__ = name
    return distortion
