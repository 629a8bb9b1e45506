"""Data for the course: MNIST digits and small toy data sets.

Three kinds of data live here:

* ``load_digits()`` -- 10,000 MNIST digits that ship with the course in
  ``data/mnist-10k.npz`` (package data ``nnlib/_data/mnist-10k.npz`` in an installed nnlib).
  Works offline; this is the default for the notebooks.
* ``load_mnist()`` -- the full MNIST (60,000 + 10,000 digits), downloaded on
  demand by ``download_mnist()`` and checked against known SHA-256 hashes.
* ``xor``, ``circles``, ``spirals``, ``regression_1d`` -- tiny seeded data
  sets in one or two dimensions, easy to plot.

Images come as rows of 784 = 28 * 28 pixel values in [0, 1]; to look at one,
use ``X[i].reshape(28, 28)``. Labels are integers 0..9.

Everything that goes wrong with files or the network raises ``DataError``,
whose message says what happened and how to fix it.
"""

import gzip
import hashlib
import http.client
import importlib.resources
import os
import tempfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "DATA_DIR", "DataError", "load_digits",
    "MNIST_FILES", "MNIST_MIRRORS", "download_mnist", "read_idx", "load_mnist",
    "xor", "circles", "spirals", "regression_1d",
]


def _bundled_dir():
    """The folder of the files that ship with nnlib (the 10,000 digits, the trained networks).

    Installed from a wheel or an sdist, they are package data: nnlib/_data/, found with
    importlib.resources. In a checkout of the course (an editable install, or nnlib on the path)
    they live in the repository's data/ folder, which the wheel maps to nnlib/_data/.
    """
    packaged = importlib.resources.files("nnlib") / "_data"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "data"


#: The bundled files: data/ in a checkout of the course, the package data nnlib/_data/ in an
#: installed nnlib. ``DATA_DIR / "mnist-10k.npz"``, ``DATA_DIR / "weights" / "best.npz"``, ...
DATA_DIR = _bundled_dir()


def _data_dir():
    """The folder of the bundled files now (DATA_DIR, which tests may point elsewhere)."""
    return Path(DATA_DIR)


class DataError(RuntimeError):
    """Data is missing or corrupt, or could not be downloaded. The message says how to fix it."""


# ---------------------------------------------------------------------------
# The bundled digits: data/mnist-10k.npz
# ---------------------------------------------------------------------------

BUNDLED_FILE = "mnist-10k.npz"
#: SHA-256 of data/mnist-10k.npz (the same value is written in data/README.md).
BUNDLED_SHA256 = "e3ea2837b0c039a2edf1dd40056f60b5ce792c6a2643dfdc33620c2a0ab391d6"
N_TEST = 2000       # the bundled 10,000 digits are split 8,000 train / 2,000 test
SPLIT_SEED = 0      # seed of the train/test split and of the training order
VALIDATION_SEED = 1  # seed of the validation carve

# Decoded arrays and split indices, keyed by file path, so the file is read once.
_CACHE = {}

_RESTORE_HINT = ("In a checkout of the course, restore it with `git checkout data/mnist-10k.npz` "
                 "or rebuild it with `python3 data/build_bundled.py`; in an installed nnlib, "
                 "reinstall it: `pip install --force-reinstall --no-deps nnlib`.")


def _sha256_file(path):
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_bundled(path):
    """Check the bundled file's hash and return (images uint8 (n, 28, 28), labels uint8 (n,))."""
    if not path.is_file():
        raise DataError(f"The bundled digits file {path} is missing. {_RESTORE_HINT}")
    actual = _sha256_file(path)
    if actual != BUNDLED_SHA256:
        raise DataError(f"The bundled digits file {path} is corrupt or was changed: its SHA-256 "
                        f"is {actual}, expected {BUNDLED_SHA256}. {_RESTORE_HINT}")
    with np.load(path, allow_pickle=False) as archive:
        return archive["images"], archive["labels"]


def _quotas(labels, total):
    """How many examples of each class to take so that `total` are taken in all.

    Proportional to the class sizes (largest-remainder rounding, ties to the
    smaller class label), so a balanced set gives exactly total/classes each.
    """
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * total / counts.sum()
    quota = np.floor(exact).astype(int)
    leftover = total - quota.sum()
    by_remainder = np.argsort(-(exact - quota), kind="stable")
    quota[by_remainder[:leftover]] += 1
    return dict(zip(classes.tolist(), quota.tolist()))


def _stratified_split(labels, n_take, rng):
    """Split positions 0..len(labels)-1 into (kept, taken), stratified by label.

    `taken` holds n_take positions, each class in proportion to its size.
    Both parts are returned in a random order drawn from rng.
    """
    kept, taken = [], []
    for label, quota in _quotas(labels, n_take).items():
        positions = rng.permutation(np.flatnonzero(labels == label))
        taken.append(positions[:quota])
        kept.append(positions[quota:])
    return rng.permutation(np.concatenate(kept)), rng.permutation(np.concatenate(taken))


def _bundled_split():
    """The cached (images, labels, train_positions, test_positions) of the bundled file."""
    path = _data_dir() / BUNDLED_FILE
    key = str(path.resolve())
    if key not in _CACHE:
        images, labels = _read_bundled(path)
        rng = np.random.default_rng(SPLIT_SEED)
        train, test = _stratified_split(labels, N_TEST, rng)
        _CACHE[key] = (images, labels, train, test)
    return _CACHE[key]


def _as_xy(images, labels, positions, dtype):
    """New arrays X (n, 784) scaled to [0, 1] and y (n,) int64 for the given positions."""
    X = images[positions].reshape(len(positions), -1).astype(dtype) / dtype.type(255)
    y = labels[positions].astype(np.int64)
    return X, y


def _float_dtype(dtype):
    """np.dtype(dtype), checked to be a floating-point type."""
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"dtype must be a floating-point type such as np.float64 or "
                         f"np.float32, not {dtype}")
    return dtype


def load_digits(validation=0, dtype=np.float64):
    """Load the 10,000 bundled MNIST digits, split 8,000 train / 2,000 test.

    Returns ``(X_train, y_train), (X_test, y_test)``: X has shape (n, 784)
    with values in [0, 1], y holds int64 labels 0..9. The split is fixed and
    stratified (each digit appears in the test set in proportion to its
    count) and the training examples come in a fixed, shuffled order.

    With ``validation=k`` (0 < k < 8000), k of the training examples are set
    aside, stratified, as a validation set and three pairs are returned:
    ``(X_train, y_train), (X_val, y_val), (X_test, y_test)``.

    Every call returns fresh arrays: changing them does not affect later calls.
    """
    dtype = _float_dtype(dtype)
    if isinstance(validation, bool) or not isinstance(validation, (int, np.integer)):
        raise ValueError(f"validation must be a whole number of examples, not {validation!r}")
    images, labels, train, test = _bundled_split()
    if not 0 <= validation < len(train):
        raise ValueError(f"validation must be between 0 and {len(train) - 1} (it is carved out "
                         f"of the {len(train)} training examples), not {validation}")
    test_xy = _as_xy(images, labels, test, dtype)
    if validation == 0:
        return _as_xy(images, labels, train, dtype), test_xy
    rng = np.random.default_rng(VALIDATION_SEED)
    kept, taken = _stratified_split(labels[train], validation, rng)
    kept.sort()   # keep the training order: `train` is already shuffled
    taken.sort()
    return (_as_xy(images, labels, train[kept], dtype),
            _as_xy(images, labels, train[taken], dtype),
            test_xy)


# ---------------------------------------------------------------------------
# Full MNIST, downloaded on demand
# ---------------------------------------------------------------------------

#: The four files of the full MNIST: name -> (size in bytes, SHA-256).
MNIST_FILES = {
    "train-images-idx3-ubyte.gz":
        (9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "train-labels-idx1-ubyte.gz":
        (28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    "t10k-images-idx3-ubyte.gz":
        (1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    "t10k-labels-idx1-ubyte.gz":
        (4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
}

#: Public mirrors of the files above, tried in this order.
MNIST_MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
]

_CHUNK = 1 << 16


def _default_cache_dir():
    """Where the full MNIST is cached: $NNLIB_DATA_DIR/mnist-full/ if the variable is set (a folder
    an administrator shares on a hub); else data/mnist-full/ in a checkout of the course; else,
    for an installed nnlib (whose package folder may not be writable), the user's cache folder
    ($XDG_CACHE_HOME or ~/.cache)/nnlib/mnist-full/."""
    override = os.environ.get("NNLIB_DATA_DIR")
    if override:
        return Path(override).expanduser() / "mnist-full"
    if (_data_dir() / "build_bundled.py").is_file() and _data_dir().name == "data":
        return _data_dir() / "mnist-full"          # a checkout: the repository's data/ folder
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "nnlib" / "mnist-full"


def _readable_by_all(path):
    """Give a file the mode a plain open() would (0o666 minus the umask, 0o644 as a rule):
    mkstemp makes 0o600 files, which other users of a shared cache could not read."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _is_valid(path, size, sha256):
    """True if path is a file of exactly `size` bytes with the given SHA-256."""
    return path.is_file() and path.stat().st_size == size and _sha256_file(path) == sha256


def _describe(exc):
    """A short description of a download failure, e.g. 'HTTP 404 Not Found'."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def _fetch_to(url, tmp_path, size, sha256, timeout):
    """Download url into tmp_path, checking size and SHA-256. Raises ValueError on a mismatch."""
    request = urllib.request.Request(url, headers={"User-Agent": "nnlib-course"})
    digest = hashlib.sha256()
    received = 0
    with urllib.request.urlopen(request, timeout=timeout) as response, open(tmp_path, "wb") as out:
        while received <= size:  # read at most one byte more than expected
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            received += len(chunk)
            digest.update(chunk)
            out.write(chunk)
    if received != size:
        got = f"more than {size}" if received > size else str(received)
        raise ValueError(f"size mismatch: got {got} bytes, expected {size}")
    if digest.hexdigest() != sha256:
        raise ValueError(f"checksum mismatch: SHA-256 {digest.hexdigest()}, expected {sha256}")


def _download_one(name, size, sha256, cache_dir, mirrors, timeout):
    """Try each mirror in turn until `name` is in cache_dir, verified. Returns the list of failures."""
    failures = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        fd, tmp_name = tempfile.mkstemp(prefix="." + name + ".", suffix=".part", dir=cache_dir)
        os.close(fd)
        try:
            _fetch_to(url, tmp_name, size, sha256, timeout)
            _readable_by_all(tmp_name)
            os.replace(tmp_name, cache_dir / name)
            print(f"downloaded {name} ({size:,} bytes) from {base}")
            return []
        except (OSError, ValueError, http.client.HTTPException) as exc:
            # URLError, HTTPError and timeouts are OSErrors; a cut connection can be an HTTPException
            failures.append(f"{url}: {_describe(exc)}")
        finally:
            Path(tmp_name).unlink(missing_ok=True)
    return failures


def download_mnist(cache_dir=None, mirrors=None, files=None, timeout=30):
    """Download the full MNIST into cache_dir and return that Path.

    The default cache_dir is $NNLIB_DATA_DIR/mnist-full/ when that variable is set, else
    data/mnist-full/ in a checkout of the course, else ~/.cache/nnlib/mnist-full/. Downloaded
    files are readable by other users (mode 0o644 under the usual umask 022), so a copy an
    administrator downloads into a shared NNLIB_DATA_DIR serves every learner.

    Files already in the cache with the right size and SHA-256 are kept; a
    cached file that fails the check is deleted and downloaded again. Each
    file is tried on every mirror in turn and only moved into the cache once
    its size and SHA-256 are right, so the cache never holds a partial file.
    ``files`` (name -> (size, sha256)) defaults to ``MNIST_FILES`` and
    ``mirrors`` (base URLs) to ``MNIST_MIRRORS``.
    """
    cache_dir = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
    mirrors = list(MNIST_MIRRORS if mirrors is None else mirrors)
    files = MNIST_FILES if files is None else files
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"Cannot create the MNIST cache folder {cache_dir} ({exc}). "
                        f"Pass another folder: download_mnist(cache_dir=...).") from exc
    for name, (size, sha256) in files.items():
        target = cache_dir / name
        if _is_valid(target, size, sha256):
            continue
        if target.exists():
            print(f"{target} is incomplete or corrupt; downloading it again")
            target.unlink()
        failures = _download_one(name, size, sha256, cache_dir, mirrors, timeout)
        if failures:
            raise DataError(
                f"The full MNIST could not be downloaded: no mirror gave a valid {name}.\n"
                + "".join(f"  - {failure}\n" for failure in failures)
                + "To continue without it, use the bundled digits: nnlib.data.load_digits().\n"
                f"Or download the files yourself and place them in {cache_dir}: "
                "files placed there by hand are picked up (and checked).")
    return cache_dir


def _idx_error(path, problem):
    return DataError(f"{path} is not a valid IDX file: {problem}. "
                     "Delete it so that it is downloaded again.")


def read_idx(path):
    """Read an IDX file (the MNIST format; gzipped or raw) into a uint8 array.

    The layout: two zero bytes, a type code (0x08 = unsigned byte), the
    number of dimensions, then each dimension as a 4-byte big-endian integer,
    then the data itself.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"Cannot read {path} ({exc}). Download the MNIST files with "
                        "nnlib.data.download_mnist().") from exc
    if raw[:2] == b"\x1f\x8b":   # the gzip signature
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise _idx_error(path, f"its gzip data is truncated or damaged ({exc})") from exc
    if len(raw) < 4:
        raise _idx_error(path, f"only {len(raw)} bytes, expected a 4-byte header")
    if raw[0] != 0 or raw[1] != 0:
        raise _idx_error(path, f"bad magic number 0x{raw[:4].hex()}, expected 0x0000 08 NN")
    if raw[2] != 0x08:
        raise _idx_error(path, f"data type code 0x{raw[2]:02x}, expected 0x08 (unsigned byte)")
    ndim = raw[3]
    header_size = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header_size:
        raise _idx_error(path, f"header for {ndim} dimensions is missing or truncated")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    actual = len(raw) - header_size
    if actual != expected:
        raise _idx_error(path, f"shape {shape} needs {expected} data bytes, found {actual} "
                               "(truncated or damaged)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def _mnist_part(cache_dir, images_name, labels_name, dtype):
    """Read one images/labels pair as (X (n, 784) in [0, 1], y int64)."""
    images = read_idx(cache_dir / images_name)
    labels = read_idx(cache_dir / labels_name)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise _idx_error(cache_dir / images_name, f"shape {images.shape}, expected (n, 28, 28)")
    if labels.shape != (len(images),):
        raise _idx_error(cache_dir / labels_name,
                         f"shape {labels.shape}, expected ({len(images)},) to match the images")
    X = images.reshape(len(images), -1).astype(dtype) / dtype.type(255)
    return X, labels.astype(np.int64)


def load_mnist(cache_dir=None, download=True, dtype=np.float64):
    """Load the full MNIST: ``(X_train, y_train), (X_test, y_test)``, 60,000 and 10,000 digits.

    X has shape (n, 784) with values in [0, 1]; y holds int64 labels 0..9.
    Missing files are downloaded first (see ``download_mnist``) unless
    ``download=False``, in which case a DataError says what is missing.
    """
    dtype = _float_dtype(dtype)
    cache_dir = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
    if download:
        download_mnist(cache_dir)
    else:
        missing = [name for name, (size, sha256) in MNIST_FILES.items()
                   if not _is_valid(cache_dir / name, size, sha256)]
        if missing:
            raise DataError(f"Missing or corrupt in {cache_dir}: {', '.join(missing)}. "
                            "Download them with nnlib.data.download_mnist() (or load_mnist("
                            "download=True)), place them there by hand, or use the bundled "
                            "digits: nnlib.data.load_digits().")
    train = _mnist_part(cache_dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", dtype)
    test = _mnist_part(cache_dir, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", dtype)
    return train, test


# ---------------------------------------------------------------------------
# Toy data sets for pictures in one and two dimensions
# ---------------------------------------------------------------------------

def _check_n(n, minimum=2):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(f"n must be a whole number of points, such as 200, not {n!r}")
    if n < minimum:
        raise ValueError(f"n must be at least {minimum}, not {n}: ask for more points")


def _check_nonnegative(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, such as 0.1, not {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0 (0 means none), not {value}")


def xor(n=200, noise=0.1, seed=0):
    """Points in the square [-1, 1]^2, labelled 1 where x and y have different signs.

    No straight line separates the classes: a model needs a hidden layer.
    Returns X (n, 2) float64 (jittered by Gaussian noise of std ``noise``)
    and y (n,) int64 in {0, 1}.
    """
    _check_n(n)
    _check_nonnegative("noise", noise)
    rng = np.random.default_rng(seed)
    clean = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = ((clean[:, 0] > 0) != (clean[:, 1] > 0)).astype(np.int64)
    X = clean + noise * rng.standard_normal((n, 2))
    return X, y


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two rings: class 0 on the unit circle, class 1 on a circle of radius ``factor``.

    Returns X (n, 2) float64 (with Gaussian noise of std ``noise``) and
    y (n,) int64 in {0, 1}, in shuffled order.
    """
    _check_n(n)
    _check_nonnegative("noise", noise)
    _check_nonnegative("factor", factor)
    if not 0 < factor < 1:
        raise ValueError(f"factor is the inner radius and must be between 0 and 1 "
                         f"(exclusive), such as 0.5, not {factor}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2   # alternate classes: n // 2 or so of each
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += noise * rng.standard_normal((n, 2))
    order = rng.permutation(n)
    return X[order], y[order].astype(np.int64)


def spirals(n=300, noise=0.2, turns=1.5, classes=2, seed=0):
    """Interleaved spiral arms, one per class, winding ``turns`` times around the origin.

    Point i of an arm sits at radius t in (0, 1] and angle 2*pi*turns*t plus
    the arm's offset; ``noise`` is the std of Gaussian noise added to the
    angle (in radians). Returns X (n, 2) float64 and y (n,) int64 in
    0..classes-1, in shuffled order.
    """
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
        raise ValueError(f"classes must be a whole number >= 2, not {classes!r}")
    _check_n(n, minimum=classes)
    _check_nonnegative("noise", noise)
    _check_nonnegative("turns", turns)
    if turns == 0:
        raise ValueError("turns must be > 0, such as 1.5: with 0 turns there is no spiral")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    t = rng.uniform(0.0, 1.0, size=n) * 0.95 + 0.05   # radius in [0.05, 1): avoid the crowded centre
    angle = 2 * np.pi * (turns * t + y / classes) + noise * rng.standard_normal(n)
    X = t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    order = rng.permutation(n)
    return X[order], y[order].astype(np.int64)


def regression_1d(n=100, noise=0.1, seed=0):
    """A 1-D regression problem: y = sin(3x) + noise, for x drawn uniformly from [-1, 1].

    Returns X (n, 1) float64 and y (n,) float64. The points are in random
    order; sort by X[:, 0] before drawing them as a line.
    """
    _check_n(n)
    _check_nonnegative("noise", noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=n)
    y = np.sin(3 * x) + noise * rng.standard_normal(n)
    return x[:, None], y
