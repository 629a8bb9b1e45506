"""Tests for nnlib.augment: shifting digits by whole pixels."""
import numpy as np
import pytest

from nnlib.augment import shift_digits, shifter, translate


def blob_images(n, seed=0):
    """Random 'digits' whose ink lies in the centre (rows/cols 4..23), so shifts of up to 4
    pixels never clip it."""
    rng = np.random.default_rng(seed)
    img = np.zeros((n, 28, 28))
    img[:, 4:24, 4:24] = rng.random((n, 20, 20))
    return img.reshape(n, 784)


def test_shapes_dtype_and_new_array():
    X = blob_images(7)
    out = shift_digits(X, np.random.default_rng(0))
    assert out.shape == X.shape and out.dtype == X.dtype
    assert out is not X and not np.shares_memory(out, X)
    X32 = X.astype(np.float32)
    assert shift_digits(X32, np.random.default_rng(0)).dtype == np.float32
    assert shift_digits(X[0], np.random.default_rng(0)).shape == (784,)   # one image, 1-D
    assert shift_digits(X[:0], np.random.default_rng(0)).shape == (0, 784)


def test_input_is_not_modified():
    X = blob_images(5)
    before = X.copy()
    shift_digits(X, np.random.default_rng(1), max_shift=3)
    np.testing.assert_array_equal(X, before)


def test_pixel_mass_preserved_when_not_clipped():
    X = blob_images(50)
    out = shift_digits(X, np.random.default_rng(2), max_shift=4)
    np.testing.assert_allclose(out.sum(axis=1), X.sum(axis=1), rtol=1e-12)
    assert not np.array_equal(out, X)  # something moved


def test_clipped_ink_is_lost_and_fill_is_zero():
    X = np.zeros((1, 784))
    X[0, 27 * 28 + 27] = 1.0            # bottom-right corner pixel
    out = translate(X, 1, 0)            # moved right: off the image
    assert out.sum() == 0.0
    full = np.ones((1, 784))
    out = translate(full, -2, 1).reshape(28, 28)
    assert np.all(out[0, :] == 0) and np.all(out[:, 26:] == 0)   # new border rows/cols are 0
    assert np.all(out[1:, :26] == 1)


def test_explicit_one_pixel_shift_moves_known_pixel():
    X = np.zeros((2, 784))
    X[0, 10 * 28 + 12] = 1.0   # row 10, col 12
    X[1, 5 * 28 + 7] = 0.5     # row 5, col 7
    out = translate(X, dx=np.array([1, 0]), dy=np.array([0, -1])).reshape(2, 28, 28)
    assert out[0, 10, 13] == 1.0 and out[0].sum() == 1.0    # one pixel right
    assert out[1, 4, 7] == 0.5 and out[1].sum() == 0.5      # one pixel up
    # the same through shift_digits, with the shifts it draws reproduced by hand
    rng = np.random.default_rng(3)
    drawn = np.random.default_rng(3).integers(-1, 2, size=(2, 2))
    np.testing.assert_array_equal(shift_digits(X, rng, max_shift=1),
                                  translate(X, drawn[:, 0], drawn[:, 1]))


def test_translate_matches_np_roll_on_centred_ink():
    X = blob_images(6, seed=4)
    for dx, dy in [(2, 0), (0, -3), (-1, 1), (3, 2)]:
        want = np.roll(X.reshape(6, 28, 28), (dy, dx), axis=(1, 2)).reshape(6, 784)
        np.testing.assert_array_equal(translate(X, dx, dy), want)


def test_each_example_gets_its_own_shift_within_range():
    X = blob_images(400, seed=5)
    out = shift_digits(X, np.random.default_rng(6), max_shift=2).reshape(-1, 28, 28)
    img = X.reshape(-1, 28, 28)
    found = set()
    for i in range(len(X)):
        hits = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)
                if np.array_equal(np.roll(img[i], (dy, dx), axis=(0, 1)), out[i])]
        assert len(hits) == 1
        found.add(hits[0])
    assert len(found) == 25  # all 5 x 5 shifts occur among 400 examples


def test_rng_determinism():
    X = blob_images(20)
    a = shift_digits(X, np.random.default_rng(7))
    b = shift_digits(X, np.random.default_rng(7))
    c = shift_digits(X, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(shift_digits(X, 7), a)   # a seed works too


def test_max_shift_zero_is_a_copy():
    X = blob_images(3)
    out = shift_digits(X, np.random.default_rng(0), max_shift=0)
    np.testing.assert_array_equal(out, X)
    assert not np.shares_memory(out, X)


def test_shifter_for_fit():
    f = shifter(2)
    X = blob_images(10)
    np.testing.assert_array_equal(f(X, np.random.default_rng(9)),
                                  shift_digits(X, np.random.default_rng(9), 2))
    assert "shifter(2)" in repr(f)


def test_shifter_trains_with_fit():
    from nnlib import Network, fit
    X = blob_images(40)
    y = np.arange(40) % 10
    net = Network([784, 5, 10], seed=0)
    h = fit(net, X, y, epochs=1, batch_size=10, eta=0.1, augment=shifter(1), progress=False)
    assert len(h.step_cost) == 4


@pytest.mark.parametrize("shape", [(5, 783), (5, 28, 28), (784, 2), (2, 3, 784)])
def test_wrong_shapes_raise(shape):
    with pytest.raises(ValueError, match=r"784") as e:
        shift_digits(np.zeros(shape), np.random.default_rng(0))
    if shape == (5, 28, 28):
        assert "reshape" in str(e.value)


@pytest.mark.parametrize("bad", [-1, 28, 1.5, "2", None])
def test_bad_max_shift_raises(bad):
    with pytest.raises(ValueError, match=r"max_shift.*whole number"):
        shift_digits(np.zeros((2, 784)), np.random.default_rng(0), max_shift=bad)
    with pytest.raises(ValueError, match=r"max_shift"):
        shifter(bad)


def test_non_numeric_images_and_shifts_raise():
    with pytest.raises(ValueError, match="numbers"):
        shift_digits(np.array([["a"] * 784]), np.random.default_rng(0))
    with pytest.raises(ValueError, match="integers"):
        translate(np.zeros((1, 784)), 0.5, 0)
    with pytest.raises(ValueError, match=r"dx must be one whole number, or one per image \(5 of them\)"):
        translate(np.zeros((5, 784)), np.array([1, 2, 3]), 0)
    with pytest.raises(ValueError, match="dy must be one whole number"):
        translate(np.zeros((1, 784)), 0, np.array([1, 2]))


# ---- smooth distortions: warp, affine_grid, elastic_field, distort, distorter ------------------
from nnlib.augment import affine_grid, distort, distorter, elastic_field, warp  # noqa: E402


def test_warp_identity_and_whole_pixel_moves_equal_translate():
    X = blob_images(6, seed=3)
    rows, cols = affine_grid(np.zeros(6))
    np.testing.assert_allclose(warp(X, rows, cols), X, atol=1e-12)
    for dx, dy in [(3, -2), (-1, 4), (0, 1)]:
        rows, cols = affine_grid(0.0, 1.0, dx, dy)
        rows, cols = np.repeat(rows, 6, axis=0), np.repeat(cols, 6, axis=0)
        np.testing.assert_allclose(warp(X, rows, cols), translate(X, dx, dy), atol=1e-12)


def test_quarter_turn_is_rot90_and_four_make_a_circle():
    X = blob_images(4, seed=4)
    rows, cols = affine_grid(np.full(4, 90.0))
    turned = warp(X, rows, cols)
    np.testing.assert_allclose(turned.reshape(-1, 28, 28), np.rot90(X.reshape(-1, 28, 28), 1, axes=(1, 2)),
                               atol=1e-9)
    back = X
    for _ in range(4):
        back = warp(back, rows, cols)
    np.testing.assert_allclose(back, X, atol=1e-9)


def test_half_pixel_move_averages_neighbours():
    img = np.zeros((28, 28))
    img[10, 10] = 1.0
    rows, cols = affine_grid(0.0, 1.0, 0.5, 0.0)            # half a pixel to the right
    out = warp(img.ravel(), rows[0], cols[0]).reshape(28, 28)
    assert out[10, 10] == pytest.approx(0.5) and out[10, 11] == pytest.approx(0.5)
    assert out.sum() == pytest.approx(1.0)


def test_scaling_about_the_centre_and_blank_borders():
    X = np.ones((1, 784))
    rows, cols = affine_grid(0.0, 0.5)                        # half size: a border of blank paper
    small = warp(X, rows, cols).reshape(28, 28)
    assert small[0, 0] == 0 and small[13, 13] == pytest.approx(1.0)
    assert np.allclose(small, small[::-1, ::-1])             # symmetric about the centre
    with pytest.raises(ValueError, match="scale must be positive"):
        affine_grid(0.0, 0.0)


def test_small_turns_keep_most_of_the_ink_in_place():
    (X, _), _ = __import__("nnlib").load_digits()
    X = X[:50]
    out = distort(X, 0, degrees=10, scale=0.1, shift=0)
    assert out.shape == X.shape and out.dtype == X.dtype
    corr = [np.corrcoef(a, b)[0, 1] for a, b in zip(X, out)]
    assert min(corr) > 0.5 and not np.allclose(out, X)       # moved, but still the same digit
    np.testing.assert_allclose(out.sum(axis=1), X.sum(axis=1), rtol=0.25)


def test_distort_is_seeded_and_leaves_input_alone():
    X = blob_images(8, seed=5)
    before = X.copy()
    a = distort(X, np.random.default_rng(9), elastic=1.5)
    b = distort(X, np.random.default_rng(9), elastic=1.5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(X, before)
    assert not np.array_equal(a, distort(X, np.random.default_rng(10), elastic=1.5))
    assert distort(X[0], 0).shape == (784,)
    assert distort(X.astype(np.float32), 0).dtype == np.float32
    np.testing.assert_allclose(distort(X, 0, degrees=0, scale=0, shift=0), X, atol=1e-12)


def test_elastic_field_size_and_smoothness():
    d_rows, d_cols = elastic_field(200, 0, alpha=1.5, sigma=4.0)
    assert d_rows.shape == d_cols.shape == (200, 28, 28)
    assert np.sqrt(np.mean(d_rows ** 2)) == pytest.approx(1.5, rel=1e-6)
    # smooth: neighbouring pixels move almost together (white noise would give correlation 0)
    r = np.corrcoef(d_rows[:, :, :-1].ravel(), d_rows[:, :, 1:].ravel())[0, 1]
    assert r > 0.9
    zero_rows, _ = elastic_field(3, 0, alpha=0.0)
    assert np.all(zero_rows == 0)


def test_distorter_for_fit_and_bad_settings():
    from nnlib import Network, fit
    aug = distorter(degrees=10, scale=0.1, shift=2, elastic=1.0)
    assert "distorter" in aug.__name__
    X = blob_images(40, seed=6)
    y = np.arange(40) % 10
    net = Network([784, 8, 10], hidden="relu", output="softmax", cost="cross_entropy", init="he", seed=0)
    fit(net, X, y, epochs=1, batch_size=10, eta=0.1, augment=aug, progress=False)
    for bad in (dict(degrees=-1), dict(scale=1.5), dict(shift="2"), dict(elastic=float("nan")),
                dict(sigma=0), dict(degrees=True)):
        with pytest.raises(ValueError):
            distorter(**bad)
    with pytest.raises(ValueError, match="rows and cols must have shape"):
        warp(X[:2], np.zeros((3, 28, 28)), np.zeros((3, 28, 28)))
    with pytest.raises(ValueError, match="784"):
        distort(np.zeros((2, 28, 28)), 0)
