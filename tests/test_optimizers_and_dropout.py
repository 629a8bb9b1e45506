"""Tests for RMSProp and Adam (against steps computed by hand, element by element, in plain
Python) and for dropout (its masks, backprop of the thinned network against finite differences
of that network's cost, and fit(..., dropout=p)). (RuntimeWarnings are errors in this suite.)"""
import itertools
import math

import numpy as np
import pytest

from nnlib import SGD, Adam, Network, RMSProp, fit, gradcheck, load_digits
from nnlib.train import step_decay

QUIET = dict(progress=False)

P0 = [1.0, -2.0, 0.5]                       # three parameters
GRADS = [[0.5, -1.0, 0.0], [0.1, 0.3, -2.0], [-0.2, 0.4, 1e-3]]  # the gradients of three steps


def as_arrays(values):
    return [np.array(values[:2]), np.array(values[2:])]  # two parameter arrays, shapes (2,), (1,)


# ---- RMSProp and Adam against the equations, computed independently ---------------------------
def rmsprop_by_hand(eta, rho, eps):
    p, s = list(P0), [0.0] * 3
    for g in GRADS:
        for i in range(3):
            s[i] = rho * s[i] + (1 - rho) * g[i] ** 2
            p[i] = p[i] - eta * g[i] / (math.sqrt(s[i]) + eps)
    return p


def adam_by_hand(eta, beta1, beta2, eps):
    p, m, v = list(P0), [0.0] * 3, [0.0] * 3
    for t, g in enumerate(GRADS, start=1):
        for i in range(3):
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] ** 2
            m_hat, v_hat = m[i] / (1 - beta1 ** t), v[i] / (1 - beta2 ** t)
            p[i] = p[i] - eta * m_hat / (math.sqrt(v_hat) + eps)
    return p


def run(optimizer, eta, overwrite_grads=False):
    params = as_arrays(P0)
    for g in GRADS:
        grads = as_arrays(g)
        copy = [x.copy() for x in grads]
        optimizer.step(params, grads, eta, overwrite_grads=overwrite_grads)
        if not overwrite_grads:
            for a, b in zip(grads, copy):
                np.testing.assert_array_equal(a, b)  # the gradients are left alone
    return np.concatenate(params)


@pytest.mark.parametrize("rho,eps", [(0.9, 1e-8), (0.5, 1e-3), (0.0, 1e-8)])
@pytest.mark.parametrize("overwrite", [False, True])
def test_rmsprop_equals_three_steps_by_hand(rho, eps, overwrite):
    np.testing.assert_allclose(run(RMSProp(rho=rho, eps=eps), 0.01, overwrite),
                               rmsprop_by_hand(0.01, rho, eps), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("beta1,beta2,eps", [(0.9, 0.999, 1e-8), (0.5, 0.8, 1e-2), (0.0, 0.9, 1e-8)])
@pytest.mark.parametrize("overwrite", [False, True])
def test_adam_equals_three_steps_by_hand(beta1, beta2, eps, overwrite):
    np.testing.assert_allclose(run(Adam(beta1=beta1, beta2=beta2, eps=eps), 0.01, overwrite),
                               adam_by_hand(0.01, beta1, beta2, eps), rtol=1e-13, atol=1e-15)


def test_adam_first_step_is_eta_in_every_direction():
    """With the bias correction, step 1 moves each parameter by eta * g / |g| (the sign): the
    uncorrected means would be 10x and 30x too small there, and the step about 3x too small."""
    params = as_arrays(P0)
    Adam().step(params, as_arrays([0.5, -1.0, 3.0]), 0.1)
    np.testing.assert_allclose(np.concatenate(params), [0.9, -1.9, 0.4], rtol=1e-6)


def test_optimizers_keep_float32_and_state_shapes():
    for opt in (RMSProp(), Adam(), SGD(momentum=0.9)):
        p = [np.ones((3, 2), dtype=np.float32)]
        opt.step(p, [np.full((3, 2), 0.5, dtype=np.float32)], 0.1)
        assert p[0].dtype == np.float32
        with pytest.raises(ValueError, match=r"already holds state.*another network.*\(\)"):
            opt.step([np.ones((4, 2))], [np.ones((4, 2))], 0.1)


def tiny_problem():
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7], [2.0, 1.0]])
    Y = np.array([[0.5], [-1.0], [0.2], [1.5]])
    return X, Y


@pytest.mark.parametrize("name", ["rmsprop", "adam"])
def test_fit_with_an_optimizer_equals_its_steps_by_hand(name):
    X, Y = tiny_problem()
    eta, steps, rho, b1, b2, eps = 0.01, 3, 0.9, 0.9, 0.999, 1e-8
    net = Network([2, 3, 1], hidden="tanh", output="identity", init="scaled", seed=2)
    ref = net.copy()
    opt = RMSProp() if name == "rmsprop" else Adam()
    fit(net, X, Y, epochs=steps, batch_size=None, eta=eta, optimizer=opt, shuffle=False, **QUIET)
    params = ref.weights + ref.biases
    m = [np.zeros_like(p) for p in params]
    s = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        nabla_w, nabla_b = ref.backprop(X, Y)
        for i, g in enumerate(nabla_w + nabla_b):
            if name == "rmsprop":
                s[i] = rho * s[i] + (1 - rho) * g ** 2
                params[i] -= eta * g / (np.sqrt(s[i]) + eps)
            else:
                m[i] = b1 * m[i] + (1 - b1) * g
                s[i] = b2 * s[i] + (1 - b2) * g ** 2
                params[i] -= eta * (m[i] / (1 - b1 ** t)) / (np.sqrt(s[i] / (1 - b2 ** t)) + eps)
    for got, want in zip(net.weights + net.biases, params):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_an_optimizer_keeps_its_state_between_fits_and_follows_the_schedule():
    X, Y = tiny_problem()
    once, twice = (Network([2, 3, 1], output="identity", seed=1) for _ in range(2))
    h = fit(once, X, Y, epochs=4, batch_size=2, eta=step_decay(0.01, 0.5, 2), optimizer=Adam(),
            shuffle=False, **QUIET)
    assert h.eta == [0.01, 0.01, 0.005, 0.005]
    adam = Adam()
    fit(twice, X, Y, epochs=2, batch_size=2, eta=0.01, optimizer=adam, shuffle=False, **QUIET)
    assert adam.t == 4  # two epochs of two steps
    fit(twice, X, Y, epochs=2, batch_size=2, eta=0.005, optimizer=adam, shuffle=False, **QUIET)
    for a, b in zip(once.weights + once.biases, twice.weights + twice.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.fixture(scope="module")
def digits_subset():
    (X, y), _ = load_digits()
    return X[:1000], y[:1000]


@pytest.mark.parametrize("make,eta", [
    (lambda: None, 3.0), (SGD, 3.0), (lambda: SGD(momentum=0.9), 0.3),
    (lambda: SGD(momentum=0.9, nesterov=True), 0.3), (RMSProp, 3e-3), (Adam, 1e-2)],
    ids=["default", "sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_fit_with_each_optimizer_reduces_the_cost(digits_subset, make, eta):
    X, y = digits_subset
    net = Network([784, 30, 10], seed=0)
    before = net.cost(X, y)
    h = fit(net, X, y, epochs=3, batch_size=10, eta=eta, optimizer=make(), **QUIET)
    assert h.train_cost[-1] < 0.25 * before, (before, h.train_cost)  # 1.6 at the start
    assert h.train_cost[-1] < 0.8 * h.train_cost[0] and h.train_accuracy[-1] > 0.45  # chance: 0.1


def test_optimizer_none_is_sgd_from_momentum_and_nesterov():
    X, Y = tiny_problem()
    a, b = (Network([2, 3, 1], output="identity", seed=1) for _ in range(2))
    fit(a, X, Y, epochs=3, batch_size=2, eta=0.05, momentum=0.9, nesterov=True, **QUIET)
    fit(b, X, Y, epochs=3, batch_size=2, eta=0.05, optimizer=SGD(0.9, nesterov=True), **QUIET)
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("make,words", [
    (lambda: RMSProp(rho=1.0), ["RMSProp's rho", "[0, 1)", "0.9", "rho=1.0"]),
    (lambda: RMSProp(rho=-0.1), ["rho", "[0, 1)"]),
    (lambda: RMSProp(eps=0), ["eps", "positive", "1e-8"]),
    (lambda: Adam(beta1=1.0), ["Adam's beta1", "[0, 1)", "0.9"]),
    (lambda: Adam(beta2=1.5), ["Adam's beta2", "[0, 1)", "0.999"]),
    (lambda: Adam(beta2="high"), ["beta2", "number"]),
    (lambda: Adam(eps=float("nan")), ["eps", "positive"]),
    (lambda: Adam(beta1=True), ["beta1", "number"]),
])
def test_bad_optimizer_settings(make, words):
    with pytest.raises(ValueError) as e:
        make()
    for w in words:
        assert w in str(e.value), (w, str(e.value))


@pytest.mark.parametrize("kw,words", [
    ({"optimizer": Adam(), "momentum": 0.9}, ["momentum either to the optimizer or to fit()", "SGD(momentum=0.9"]),
    ({"optimizer": SGD(), "nesterov": True}, ["not both", "nesterov"]),
    ({"optimizer": Adam}, ["not the class Adam", "optimizer=Adam()"]),
    ({"optimizer": "adam"}, ["step(params, grads, eta)", "Adam()", "'adam'"]),
    ({"dropout": 1.0}, ["dropout", "[0, 1)", "0.5"]),
    ({"dropout": -0.2}, ["dropout", "[0, 1)"]),
    ({"dropout": "0.5"}, ["dropout", "probability"]),
    ({"dropout": None}, ["dropout", "probability", "0 switches it off"]),
    ({"dropout": True}, ["dropout", "probability"]),
    ({"dropout": float("nan")}, ["dropout", "[0, 1)"]),
])
def test_bad_optimizer_and_dropout_arguments_to_fit(kw, words):
    X, Y = tiny_problem()
    net = Network([2, 3, 1], output="identity", seed=0)
    before = net.weights[0].copy()
    with pytest.raises(ValueError) as e:
        fit(net, X, Y, epochs=1, eta=0.1, **kw, **QUIET)
    for w in words:
        assert w in str(e.value), (w, str(e.value))
    np.testing.assert_array_equal(net.weights[0], before)  # refused before any step


def test_dropout_needs_a_hidden_layer():
    X, Y = tiny_problem()
    with pytest.raises(ValueError, match=r"no hidden layer.*Network\(\[n_in, 30, n_out\]\).*dropout at 0"):
        fit(Network([2, 1], output="identity"), X, Y, dropout=0.5, **QUIET)


# ---- dropout masks -----------------------------------------------------------------------------
def test_dropout_masks_drop_with_probability_p_and_scale_survivors():
    net = Network([5, 400, 300, 2], seed=0, dtype=np.float32)
    masks = net.dropout_masks(50, 0.3, rng=1)
    assert [m.shape for m in masks] == [(50, 400), (50, 300)]
    for m in masks:
        assert m.dtype == np.float32
        assert set(np.unique(m)) == {np.float32(0), np.float32(1 / 0.7)}
        assert np.mean(m == 0) == pytest.approx(0.3, abs=0.02)
        assert m.mean() == pytest.approx(1.0, abs=0.03)  # inverted dropout: expected activation kept
    again = net.dropout_masks(50, 0.3, rng=1)
    assert all(np.array_equal(a, b) for a, b in zip(masks, again))  # seeded
    assert all(np.all(m == 1) for m in net.dropout_masks(7, 0.0, rng=0))


# ---- backprop of the thinned network: gradient check -------------------------------------------
COMBOS = [(h, o, c, d) for h, o, c, d in itertools.product(
    ["sigmoid", "tanh", "relu"], ["sigmoid", "softmax", "identity"], ["quadratic", "cross_entropy"], [1, 2, 3])
    if not (c == "cross_entropy" and o == "identity")]


@pytest.mark.parametrize("hidden,output,cost,depth", COMBOS, ids=["-".join(map(str, c)) for c in COMBOS])
def test_gradcheck_with_dropout_masks(hidden, output, cost, depth):
    net = Network([4] + [6] * depth + [3], hidden=hidden, output=output, cost=cost, init="scaled", seed=0)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((8, 4))
    y = rng.standard_normal((8, 3)) if output == "identity" else rng.integers(0, 3, 8)
    masks = net.dropout_masks(len(X), 0.4, rng=2)
    assert gradcheck(net, X, y, dropout_masks=masks) < 1e-7
    assert gradcheck(net, X, y, l2=0.1, l1=0.05, dropout_masks=masks) < 1e-7


def test_the_dropout_gradient_check_can_fail():
    """Masks change the gradient, and the check notices a backprop that ignores them."""
    net = Network([4, 6, 6, 3], init="scaled", seed=0)
    X, y = np.random.default_rng(1).standard_normal((8, 4)), np.arange(8) % 3
    masks = net.dropout_masks(len(X), 0.5, rng=2)
    thinned, whole = net.backprop(X, y, dropout_masks=masks)[0], net.backprop(X, y)[0]
    assert all(np.abs(a - b).max() > 1e-3 for a, b in zip(thinned, whole))
    assert net.cost(X, y, dropout_masks=masks) != pytest.approx(net.cost(X, y))
    ignoring = net.copy()
    ignoring.backprop = lambda X, y, l2=0, l1=0, dropout_masks=None: net.backprop(X, y, l2, l1)
    assert gradcheck(ignoring, X, y, dropout_masks=masks) > 1e-3


def test_masks_of_ones_change_nothing_and_a_dropped_neuron_gets_no_gradient():
    net = Network([4, 5, 3], seed=0)
    X, y = np.random.default_rng(1).standard_normal((6, 4)), np.arange(6) % 3
    ones = [np.ones((6, 5))]
    for a, b in zip(net.backprop(X, y, dropout_masks=ones), net.backprop(X, y)):
        for p, q in zip(a, b):
            np.testing.assert_allclose(p, q, rtol=1e-14)
    # neuron 2 dropped for every example: its incoming and outgoing weights get no gradient
    mask = np.full((6, 5), 2.0)
    mask[:, 2] = 0
    nabla_w, nabla_b = net.backprop(X, y, dropout_masks=[mask])
    assert np.all(nabla_w[0][2] == 0) and nabla_b[0][2] == 0 and np.all(nabla_w[1][:, 2] == 0)


@pytest.mark.parametrize("masks,words", [
    (None, None),
    ("half", ["list of 1 arrays", "(6, 5)", "net.dropout_masks(len(X), p, rng)"]),
    ([np.ones((6, 5)), np.ones((6, 5))], ["list of 1 arrays"]),
    ([np.ones((5, 5))], ["mask 0 has shape (5, 5)", "(6, 5)", "one row per example"]),
    ([np.full((6, 5), np.nan)], ["NaN"]),
])
def test_bad_dropout_masks(masks, words):
    net = Network([4, 5, 3], seed=0)
    X, y = np.zeros((6, 4)), np.arange(6) % 3
    if words is None:
        net.backprop(X, y, dropout_masks=masks)
        return
    for call in (net.backprop, net.cost):
        with pytest.raises(ValueError) as e:
            call(X, y, dropout_masks=masks)
        for w in words:
            assert w in str(e.value), (w, str(e.value))


# ---- fit(..., dropout=p) -----------------------------------------------------------------------
def test_fit_with_dropout_takes_the_thinned_networks_steps_seeded_by_fit():
    """batch_size=None, shuffle=False: fit's generator (seed 5) makes only the masks, one set
    per step, in order; each step is plain SGD on the thinned network's gradient."""
    X = np.random.default_rng(0).standard_normal((12, 3))
    y = np.arange(12) % 2
    net = Network([3, 5, 4, 2], seed=0)
    ref = net.copy()
    h = fit(net, X, y, epochs=3, batch_size=None, eta=0.5, dropout=0.3, shuffle=False, seed=5, **QUIET)
    rng = np.random.default_rng(5)
    costs = []
    for _ in range(3):
        masks = ref.dropout_masks(len(X), 0.3, rng)
        costs.append(ref.cost(X, y, dropout_masks=masks))
        nabla_w, nabla_b = ref.backprop(X, y, dropout_masks=masks)
        for p, g in zip(ref.weights + ref.biases, nabla_w + nabla_b):
            p -= 0.5 * g
    for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_allclose(p, q, rtol=1e-12)
    np.testing.assert_allclose(h.step_cost, costs, rtol=1e-12)  # the thinned networks' costs
    assert h.train_cost[-1] == pytest.approx(net.cost(X, y))  # evaluated without dropout


def test_fit_with_dropout_learns_and_is_reproducible(digits_subset):
    X, y = digits_subset
    runs = []
    for seed in (0, 0, 1):
        net = Network([784, 30, 10], seed=0)
        h = fit(net, X, y, epochs=3, batch_size=10, eta=3.0, dropout=0.2, seed=seed, **QUIET)
        runs.append(net)
    assert h.train_accuracy[-1] > 0.45 and h.train_cost[-1] < 0.8 * h.train_cost[0]  # chance: 0.1
    assert np.array_equal(runs[0].weights[0], runs[1].weights[0])        # same seed, same masks
    assert not np.array_equal(runs[0].weights[0], runs[2].weights[0])    # another seed, others
    assert net.predict(X[:5]).tolist() == net.predict(X[:5]).tolist()   # predict: no dropout


def test_dropout_zero_is_no_dropout():
    X, y = np.random.default_rng(0).standard_normal((20, 3)), np.arange(20) % 2
    a, b = Network([3, 5, 2], seed=0), Network([3, 5, 2], seed=0)
    ha = fit(a, X, y, epochs=2, batch_size=5, eta=0.5, **QUIET)
    hb = fit(b, X, y, epochs=2, batch_size=5, eta=0.5, dropout=0.0, **QUIET)
    assert ha.step_cost == hb.step_cost
    assert all(np.array_equal(p, q) for p, q in zip(a.weights, b.weights))
