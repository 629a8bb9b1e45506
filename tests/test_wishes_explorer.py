"""Notebook 04's WishesExplorer: compute, update and readout, called directly (no browser)."""
import numpy as np
import pytest

from nnlib import Network, fit, load_digits
from nnlib.nudges import wishes
from nnlib.widgets.wishes import WishesExplorer, neuron_wishes


@pytest.fixture(scope="module")
def setup():
    (X, y), _ = load_digits()
    net = Network([784, 16, 16, 10], seed=0)
    fit(net, X[:2000], y[:2000], epochs=1, batch_size=10, eta=3.0, progress=False, seed=0)
    return net, X[:60], y[:60]


def test_neuron_wishes_are_the_story_of_nnlib_nudges(setup):
    net, X, y = setup
    for example, j in [(0, 0), (3, 7), (17, int(y[17]))]:
        r = neuron_wishes(net, X[example], int(y[example]), j)
        W = wishes(net, X[example], int(y[example]))
        assert r["wish_z"] == pytest.approx(W.z[-1][j])
        np.testing.assert_allclose(r["wish_w"], W.weights[-1][j])
        np.testing.assert_allclose(r["wish_a"], W.per_neuron[-1][j])
        # the push on z is the nudge weighted by the sensitivity sigma'(z) = a (1 - a)
        assert r["wish_z"] == pytest.approx(r["nudge"] * r["a_j"] * (1 - r["a_j"]))


def test_minus_the_gradient_of_the_last_weights(setup):
    net, X, y = setup
    nabla_w, nabla_b = net.backprop(X[5:6], y[5:6])
    r = neuron_wishes(net, X[5], int(y[5]), 4)
    np.testing.assert_allclose(r["wish_w"], -nabla_w[-1][4])
    assert r["wish_z"] == pytest.approx(-nabla_b[-1][4])


def test_explorer_updates_readout_and_picture(setup):
    net, X, y = setup
    ex = WishesExplorer(net, X, y, example=3, neuron=int(y[3]))
    first_png, first_text = ex.render(), ex.readout.value
    assert f"Output neuron {int(y[3])}" in first_text and "target 1" in first_text
    ex.set(neuron=(int(y[3]) + 1) % 10)
    assert ex.readout.value != first_text and "target 0" in ex.readout.value
    assert ex.render() != first_png
    assert ex.last_seconds is not None and ex.redraws == 2


def test_signs_follow_the_wish(setup):
    """Bars for the weights all share the sign of the push on z (a_k >= 0); for a neuron whose
    target is 1 the push is upward, for one that should be 0 it is downward."""
    net, X, y = setup
    ex = WishesExplorer(net, X, y)
    for example in range(5):
        label = int(y[example])
        ex.set(example=example, neuron=label)
        assert np.all(ex.result["wish_w"] >= 0) and ex.result["wish_z"] > 0
        ex.set(neuron=(label + 1) % 10)
        assert np.all(ex.result["wish_w"] <= 0) and ex.result["wish_z"] < 0


def test_fixed_scale_covers_every_choice(setup):
    net, X, y = setup
    ex = WishesExplorer(net, X, y)
    biggest_w = max(np.abs(neuron_wishes(net, X[i], int(y[i]), j)["wish_w"]).max()
                    for i in range(len(X)) for j in range(10))
    assert biggest_w <= ex._scale_w * (1 + 1e-12)


def test_bad_inputs_name_the_problem(setup):
    net, X, y = setup
    with pytest.raises(ValueError, match="labels|label"):
        WishesExplorer(net, X, y[:-1])
    with pytest.raises(ValueError, match="quadratic"):
        WishesExplorer(Network([784, 16, 10], cost="cross_entropy", seed=0), X, y)
    with pytest.raises(ValueError, match="network too"):
        WishesExplorer(X=X, y=y)
    ex = WishesExplorer(net, X, y)
    with pytest.raises(ValueError, match="outside"):
        ex.set(example=len(X))
