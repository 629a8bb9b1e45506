"""Tests for nnlib.network: backpropagation against finite differences and against an
independent per-example implementation; shapes; bad input; saving and loading."""
import itertools
import os
import re
import stat

import numpy as np
import pytest

from nnlib import Network, fit, gradcheck
from nnlib.gradcheck import numerical_gradient, relative_error

HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
OUTPUT = ["sigmoid", "softmax", "identity"]
COST = ["quadratic", "cross_entropy"]
DEPTH = [1, 2, 3]


def small_net(hidden, output, cost, depth, seed=0):
    return Network([4] + [5] * depth + [3], hidden=hidden, output=output, cost=cost,
                   init="scaled", seed=seed)


def small_data(output, n=6, seed=1):
    """A handful of random examples; one-hot-able labels for sigmoid/softmax outputs, real
    targets for an identity output (regression)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    y = rng.standard_normal((n, 3)) if output == "identity" else rng.integers(0, 3, n)
    return X, y


# ---- gradient check: every activation x output x cost x depth ---------------------------------
COMBOS = list(itertools.product(HIDDEN, OUTPUT, COST, DEPTH))


@pytest.mark.parametrize("hidden,output,cost,depth", COMBOS,
                         ids=[f"{h}-{o}-{c}-depth{d}" for h, o, c, d in COMBOS])
def test_gradcheck(hidden, output, cost, depth):
    if cost == "cross_entropy" and output == "identity":
        with pytest.raises(ValueError, match=r"cross_entropy needs a sigmoid or softmax output.*quadratic"):
            small_net(hidden, output, cost, depth)
        return
    net = small_net(hidden, output, cost, depth)
    X, y = small_data(output)
    assert gradcheck(net, X, y) < 1e-7


REG_COMBOS = [(h, o, c) for h, o, c in itertools.product(HIDDEN, OUTPUT, COST)
              if not (c == "cross_entropy" and o == "identity")]


@pytest.mark.parametrize("hidden,output,cost", REG_COMBOS, ids=["-".join(c) for c in REG_COMBOS])
@pytest.mark.parametrize("l2,l1", [(0.1, 0.0), (0.0, 0.05), (0.1, 0.05)], ids=["l2", "l1", "l2+l1"])
def test_gradcheck_regularised(hidden, output, cost, l2, l1):
    net = small_net(hidden, output, cost, depth=2)
    X, y = small_data(output)
    assert gradcheck(net, X, y, l2=l2, l1=l1) < 1e-7


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    """The check itself must be able to fail: break BP4 by a factor and see it noticed."""
    net = small_net("sigmoid", "sigmoid", "quadratic", 1)
    X, y = small_data("sigmoid")
    right = net.backprop
    monkeypatch.setattr(net, "backprop", lambda *a, **k: (
        [1.01 * g for g in right(*a, **k)[0]], right(*a, **k)[1]))
    assert gradcheck(net, X, y) > 1e-3


def test_numerical_gradient_of_known_function():
    p = np.array([1.0, -2.0, 0.5])
    g = numerical_gradient(lambda: float(np.sum(p ** 3)), p)
    np.testing.assert_allclose(g, 3 * p ** 2, rtol=1e-8)
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_gradcheck_refuses_float32():
    net = Network([4, 3], dtype=np.float32, seed=0)
    with pytest.raises(ValueError, match="float64"):
        gradcheck(net, np.zeros((2, 4)), [0, 1])


# ---- an independent implementation: one example at a time, written plainly -------------------
def plain_sigma(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "identity":
        return z.copy()
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    raise AssertionError(name)


def plain_sigma_prime(name, z):
    """The Jacobian da/dz as a matrix (diagonal for elementwise activations)."""
    a = plain_sigma(name, z).ravel()
    if name == "sigmoid":
        return np.diag(a * (1 - a))
    if name == "tanh":
        return np.diag(1 - a ** 2)
    if name == "relu":
        return np.diag((z.ravel() > 0).astype(float))
    if name == "identity":
        return np.eye(len(a))
    if name == "softmax":
        return np.diag(a) - np.outer(a, a)
    raise AssertionError(name)


def plain_grad_cost(cost, output, a, y):
    """dC/da for one example (a column), straight from the cost's formula."""
    if cost == "quadratic":          # C = 1/2 sum (a - y)^2
        return a - y
    if output == "softmax":          # C = -sum y ln a
        return -y / a
    return -y / a + (1 - y) / (1 - a)  # C = -sum [y ln a + (1 - y) ln (1 - a)]


def plain_backprop(weights, biases, hidden, output, cost, x, y):
    """Nielsen-style backprop for ONE example: x and y are columns. Every step is a matrix
    product with the Jacobian, the chain rule as written on paper."""
    sigmas = [hidden] * (len(weights) - 1) + [output]
    activation, activations, zs = x, [x], []
    for w, b, s in zip(weights, biases, sigmas):
        z = w @ activation + b
        zs.append(z)
        activation = plain_sigma(s, z)
        activations.append(activation)
    nabla_w = [None] * len(weights)
    nabla_b = [None] * len(weights)
    dC_da = plain_grad_cost(cost, output, activations[-1], y)
    for l in range(len(weights) - 1, -1, -1):
        delta = plain_sigma_prime(sigmas[l], zs[l]).T @ dC_da   # dC/dz of layer l
        nabla_b[l] = delta
        nabla_w[l] = delta @ activations[l].T
        dC_da = weights[l].T @ delta                             # dC/da of the layer below
    return nabla_w, nabla_b


def plain_batch_gradient(net, X, Y, l2=0.0, l1=0.0):
    """Sum the per-example gradients, then average; add the regularisation term."""
    weights = [w.copy() for w in net.weights]
    biases = [b.reshape(-1, 1).copy() for b in net.biases]
    sum_w = [np.zeros_like(w) for w in weights]
    sum_b = [np.zeros_like(b) for b in biases]
    for x, y in zip(X, Y):
        gw, gb = plain_backprop(weights, biases, net.hidden.name, net.output.name, net.cost_fn.name,
                                x.reshape(-1, 1), y.reshape(-1, 1))
        sum_w = [s + g for s, g in zip(sum_w, gw)]
        sum_b = [s + g for s, g in zip(sum_b, gb)]
    n = len(X)
    grad_w = [s / n + l2 * w + l1 * np.sign(w) for s, w in zip(sum_w, weights)]
    grad_b = [s.ravel() / n for s in sum_b]
    return grad_w, grad_b


def assert_same_gradient(got, want, tol=1e-10):
    for g, w in zip(got, want):
        assert g.shape == w.shape
        scale = max(1.0, float(np.abs(w).max()))
        assert float(np.abs(g - w).max()) / scale < tol


INDEPENDENT = [("sigmoid", "sigmoid", "quadratic"), ("sigmoid", "sigmoid", "cross_entropy"),
               ("tanh", "softmax", "cross_entropy"), ("relu", "softmax", "quadratic"),
               ("identity", "identity", "quadratic"), ("tanh", "sigmoid", "quadratic"),
               ("relu", "identity", "quadratic")]


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("hidden,output,cost", INDEPENDENT, ids=["-".join(c) for c in INDEPENDENT])
def test_vectorized_equals_independent_per_example_loop(hidden, output, cost, depth):
    net = small_net(hidden, output, cost, depth, seed=3)
    X, y = small_data(output, n=7, seed=4)
    Y = net.targets(y, len(X))
    for l2, l1 in [(0.0, 0.0), (0.2, 0.03)]:
        nabla_w, nabla_b = net.backprop(X, y, l2=l2, l1=l1)
        want_w, want_b = plain_batch_gradient(net, X, Y, l2=l2, l1=l1)
        assert_same_gradient(nabla_w, want_w)
        assert_same_gradient(nabla_b, want_b)


def test_independent_loop_on_digits_sized_net():
    """The 3Blue1Brown network shape (784-16-16-10), a few real-looking inputs."""
    net = Network([784, 16, 16, 10], seed=5)
    rng = np.random.default_rng(6)
    X = rng.random((5, 784))
    y = np.array([3, 1, 4, 1, 5])
    want_w, want_b = plain_batch_gradient(net, X, net.targets(y, 5))
    nabla_w, nabla_b = net.backprop(X, y)
    assert_same_gradient(nabla_w, want_w)
    assert_same_gradient(nabla_b, want_b)


@pytest.mark.parametrize("hidden,output,cost", INDEPENDENT, ids=["-".join(c) for c in INDEPENDENT])
def test_vectorized_equals_mean_of_one_example_batches(hidden, output, cost):
    net = small_net(hidden, output, cost, 2, seed=7)
    X, y = small_data(output, n=8, seed=8)
    nabla_w, nabla_b = net.backprop(X, y)
    singles = [net.backprop(X[i:i + 1], y[i:i + 1]) for i in range(len(X))]
    mean_w = [np.mean([s[0][l] for s in singles], axis=0) for l in range(len(nabla_w))]
    mean_b = [np.mean([s[1][l] for s in singles], axis=0) for l in range(len(nabla_b))]
    assert_same_gradient(nabla_w, mean_w)
    assert_same_gradient(nabla_b, mean_b)


@pytest.mark.parametrize("hidden,output,cost", INDEPENDENT, ids=["-".join(c) for c in INDEPENDENT])
def test_against_torch_autograd(hidden, output, cost):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is optional: this comparison runs only where torch is installed "
                        "(the finite-difference and per-example checks above cover the same ground).")
    net = small_net(hidden, output, cost, 2, seed=9)
    X, y = small_data(output, n=6, seed=10)
    Y = torch.tensor(net.targets(y, len(X)))
    ws = [torch.tensor(w, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
           "identity": lambda z: z, "softmax": lambda z: torch.softmax(z, dim=1)}
    a = torch.tensor(X)
    for l, (w, b) in enumerate(zip(ws, bs)):
        a = fns[hidden if l < len(ws) - 1 else output](a @ w.T + b)
    if cost == "quadratic":
        C = 0.5 * ((a - Y) ** 2).sum() / len(X)
    elif output == "softmax":
        C = -(Y * torch.log(a)).sum() / len(X)
    else:
        C = -(Y * torch.log(a) + (1 - Y) * torch.log(1 - a)).sum() / len(X)
    C.backward()
    nabla_w, nabla_b = net.backprop(X, y)
    assert_same_gradient(nabla_w, [w.grad.numpy() for w in ws])
    assert_same_gradient(nabla_b, [b.grad.numpy() for b in bs])


# ---- the four equations, one by one --------------------------------------------------------
def test_deltas_are_dC_dz():
    """delta[l] (one row per example) is the derivative of the example's cost by z[l]."""
    net = small_net("tanh", "sigmoid", "quadratic", 2, seed=11)
    X, y = small_data("sigmoid", n=3, seed=12)
    _, _, delta = net.backprop(X, y, return_deltas=True)
    Y = net.targets(y, 3)
    z, _ = net.trace(X)
    eps = 1e-6
    for l in range(len(z)):
        for j in range(z[l].shape[1]):
            for i in range(3):  # nudge z[l][i, j] and run the rest of the network
                def cost_with(dz):
                    a = z[l][i].copy()
                    a[j] += dz
                    a = net.sigmas[l](a)
                    for w, b, s in zip(net.weights[l + 1:], net.biases[l + 1:], net.sigmas[l + 1:]):
                        a = s(a @ w.T + b)
                    return 0.5 * np.sum((a - Y[i]) ** 2)
                numeric = (cost_with(eps) - cost_with(-eps)) / (2 * eps)
                assert abs(delta[l][i, j] - numeric) < 1e-8


# ---- shapes, seeds, single examples --------------------------------------------------------
def test_shapes_of_parameters_trace_and_deltas():
    net = Network([6, 5, 4, 3], seed=0)
    assert [w.shape for w in net.weights] == [(5, 6), (4, 5), (3, 4)]
    assert [b.shape for b in net.biases] == [(5,), (4,), (3,)]
    X = np.random.default_rng(0).random((7, 6))
    z, a = net.trace(X)
    assert len(z) == 3 and len(a) == 4
    assert [zl.shape for zl in z] == [(7, 5), (7, 4), (7, 3)]
    assert [al.shape for al in a] == [(7, 6), (7, 5), (7, 4), (7, 3)]
    np.testing.assert_array_equal(a[0], X)
    np.testing.assert_allclose(z[0], X @ net.weights[0].T + net.biases[0])
    nabla_w, nabla_b, delta = net.backprop(X, np.arange(7) % 3, return_deltas=True)
    assert [g.shape for g in nabla_w] == [w.shape for w in net.weights]
    assert [g.shape for g in nabla_b] == [b.shape for b in net.biases]
    assert [d.shape for d in delta] == [(7, 5), (7, 4), (7, 3)]
    assert all(g.dtype == np.float64 for g in nabla_w + nabla_b)


def test_the_video_network_has_13002_parameters():
    net = Network([784, 16, 16, 10])
    assert net.n_params == 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10 == 13_002
    assert "13,002 parameters" in repr(net)


def test_init_scales():
    big = Network([400, 300, 10], init="normal", seed=0)
    scaled = Network([400, 300, 10], init="scaled", seed=0)
    he = Network([400, 300, 10], init="he", seed=0)
    assert abs(big.weights[0].std() - 1.0) < 0.01
    assert abs(scaled.weights[0].std() - np.sqrt(1 / 400)) < 0.001
    assert abs(he.weights[0].std() - np.sqrt(2 / 400)) < 0.001
    assert np.all(he.biases[0] == 0) and big.biases[0].std() > 0.5


def test_seed_makes_networks_identical_and_different_seeds_differ():
    a, b, c = Network([5, 4, 3], seed=42), Network([5, 4, 3], seed=42), Network([5, 4, 3], seed=43)
    for l in range(2):
        np.testing.assert_array_equal(a.weights[l], b.weights[l])
        np.testing.assert_array_equal(a.biases[l], b.biases[l])
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_single_1d_example():
    net = Network([4, 5, 3], seed=0)
    X = np.random.default_rng(0).random((3, 4))
    out = net.feedforward(X[1])
    assert out.shape == (3,)
    np.testing.assert_allclose(out, net.feedforward(X)[1])
    assert net.predict(X[1]) == net.predict(X)[1]
    assert np.ndim(net.predict(X[1])) == 0
    z, a = net.trace(X[1])
    assert z[0].shape == (5,) and a[-1].shape == (3,)


def test_single_output_network_predicts_by_threshold():
    net = Network([2, 3, 1], seed=0)
    X = np.random.default_rng(1).random((10, 2))
    np.testing.assert_array_equal(net.predict(X), (net.feedforward(X)[:, 0] > 0.5).astype(int))
    y = net.predict(X)
    assert net.accuracy(X, y) == 1.0


def test_accuracy_with_labels_and_one_hot_rows():
    net = Network([4, 5, 3], seed=0)
    X = np.random.default_rng(2).random((12, 4))
    p = net.predict(X)
    assert net.accuracy(X, p) == 1.0
    assert net.accuracy(X, np.eye(3)[p]) == 1.0
    assert net.accuracy(X, (p + 1) % 3) == 0.0


def test_cost_and_penalty_values():
    net = Network([3, 2], output="identity", seed=0)
    X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    Y = np.zeros((2, 2))
    a = net.feedforward(X)
    assert net.cost(X, Y) == pytest.approx(0.5 * np.sum(a ** 2) / 2)
    w = net.weights[0]
    assert net.cost(X, Y, l2=0.3) == pytest.approx(net.cost(X, Y) + 0.15 * np.sum(w ** 2))
    assert net.cost(X, Y, l1=0.2) == pytest.approx(net.cost(X, Y) + 0.2 * np.abs(w).sum())


def test_sigmoid_does_not_overflow_and_softmax_sums_to_one():
    net = Network([2, 3], output="softmax", seed=0)
    out = net.feedforward(np.array([[1e4, -1e4], [-800.0, 800.0]]))  # no RuntimeWarning (errors here)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    sig = Network([2, 3], seed=0).feedforward(np.array([[1e4, -1e4]]))
    assert np.all((sig >= 0) & (sig <= 1))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_exact_and_quiet_for_any_z(dtype):
    """sigma(z) = 1 / (1 + e^-z) to rounding, for z from -1000 to 1000 (e^1000 overflows: no
    RuntimeWarning may come out, they are errors here), in z's own float type, z left alone."""
    from math import exp, log
    sigma = Network([1, 1]).output
    z = np.array([-1000, -750, -700, -100, -80, -30, -1, 0, 1, 30, 100, 750, 1000], dtype=dtype)
    z_before = z.copy()
    a = sigma(z)
    assert a.dtype == dtype and np.array_equal(z, z_before)
    cap = log(np.finfo(dtype).tiny)  # z below this is capped: sigma there is about the smallest normal
    free = z > cap
    want = [1.0 / (1.0 + exp(-v)) for v in z[free].astype(float)]
    np.testing.assert_allclose(a[free], want, rtol=4 * np.finfo(dtype).eps, atol=0)
    np.testing.assert_allclose(a[~free], np.finfo(dtype).tiny, rtol=1e-5)
    assert 0 < a.min() and a.max() == 1.0 and not np.any(a[:-1] > a[1:])  # never decreasing
    assert sigma(0) == 0.5 and sigma(np.array(1000.0)) == 1.0  # scalars and 0-d arrays too
    assert 0 < sigma(-1000) == sigma(-2000) < 1e-300
    np.testing.assert_allclose(sigma(np.arange(-3, 4)), 1 / (1 + np.exp(-np.arange(-3.0, 4))), rtol=1e-15)


def test_copy_is_independent():
    net = Network([3, 2], seed=0)
    other = net.copy()
    other.weights[0][0, 0] += 1.0
    assert net.weights[0][0, 0] != other.weights[0][0, 0]


def test_float32_network():
    net = Network([4, 3], dtype=np.float32, seed=0)
    assert net.weights[0].dtype == np.float32
    nabla_w, _ = net.backprop(np.ones((2, 4)), [0, 1])
    assert nabla_w[0].dtype == np.float32


# ---- bad input: a ValueError that names the problem and the fix -----------------------------
@pytest.fixture
def net():
    return Network([4, 5, 3], seed=0)


@pytest.mark.parametrize("X,words", [
    (np.zeros((2, 5)), [r"shape \(2, 5\)", r"\(n_examples, 4\)", "one example per row"]),
    (np.zeros(3), [r"shape \(3,\)", r"\(4,\)"]),
    (np.zeros((2, 2, 2)), ["shape", "Flatten", "reshape"]),
    (np.zeros((2, 2, 4)), ["shape", "Flatten"]),
    (np.zeros(()), ["shape"]),
])
def test_wrong_input_shape(net, X, words):
    with pytest.raises(ValueError) as e:
        net.feedforward(X)
    for w in words:
        assert re.search(w, str(e.value)), (w, str(e.value))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_inputs(net, bad):
    X = np.zeros((3, 4))
    X[1, 2] = bad
    for call in (lambda: net.feedforward(X), lambda: net.backprop(X, [0, 1, 2]),
                 lambda: net.cost(X, [0, 1, 2]), lambda: net.predict(X)):
        with pytest.raises(ValueError, match=r"NaN or infinity.*(clean|drop)"):
            call()


def test_non_numeric_inputs(net):
    with pytest.raises(ValueError, match=r"numbers.*np.asarray"):
        net.feedforward([["a", "b", "c", "d"]])
    with pytest.raises(ValueError, match=r"numbers.*same length"):
        net.feedforward([[1, 2, 3, 4], [1, 2]])


@pytest.mark.parametrize("y,words", [
    ([0, 1, 3], ["0 to 2", "label 3", "index 2", "outputs"]),
    ([0, -1, 2], ["0 to 2", "label -1", "index 1"]),
    ([0, 1.5, 2], ["whole numbers", "1.5"]),
    ([0, 1, np.nan], ["NaN", "drop"]),
    ([0, 1], ["3 examples but 2 targets", "one label"]),
    ([0, 1, 2, 0], ["3 examples but 4 targets"]),
    (np.zeros((3, 2)), ["shape (3, 2)", "(3,)", "(3, 3)"]),
    (np.array(["a", "b", "c"]), ["numbers", "dtype=int"]),
    (np.int64(1), ["targets", "one label"]),
])
def test_bad_targets(net, y, words):
    X = np.zeros((3, 4))
    for call in (lambda: net.backprop(X, y), lambda: net.cost(X, y), lambda: net.accuracy(X, y)):
        with pytest.raises(ValueError) as e:
            call()
        for w in words:
            assert w in str(e.value), (w, str(e.value))


def test_labels_outside_0_to_9_on_digit_net():
    net = Network([784, 10], seed=0)
    with pytest.raises(ValueError, match=r"0 to 9.*label 10"):
        net.backprop(np.zeros((2, 784)), [3, 10])


@pytest.mark.parametrize("sizes", [[784], [], [784, 0, 10], [784, -3], [784, 16.0, 10], [784, "16", 10],
                                   784, None])
def test_bad_sizes(sizes):
    with pytest.raises(ValueError, match=r"at least two layer sizes.*whole number >= 1.*Network\(\[784, 16, 16, 10\]\)"):
        Network(sizes)


def test_numpy_integer_sizes_are_fine():
    assert Network(np.array([4, 3, 2])).sizes == [4, 3, 2]


@pytest.mark.parametrize("kw,words", [
    ({"hidden": "sigmoidd"}, ["unknown hidden activation 'sigmoidd'", "choose one of", "relu"]),
    ({"output": "tanhh"}, ["unknown output activation", "softmax"]),
    ({"cost": "mse"}, ["unknown cost 'mse'", "quadratic, cross_entropy"]),
    ({"init": "xavier"}, ["unknown init 'xavier'", "normal, scaled, he"]),
    ({"hidden": "softmax"}, ["softmax cannot be the hidden activation", "output layer",
                             "output='softmax'", "sigmoid, tanh, relu, identity"]),
    ({"output": "identity", "cost": "cross_entropy"}, ["cross_entropy needs a sigmoid or softmax",
                                                       "cost='quadratic'"]),
])
def test_bad_names(kw, words):
    with pytest.raises(ValueError) as e:
        Network([4, 3, 2], **kw)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_negative_regularisation(net):
    with pytest.raises(ValueError, match=r"must be >= 0"):
        net.cost(np.zeros((1, 4)), [0], l2=-1)


@pytest.mark.parametrize("kw", [{"l2": float("nan")}, {"l1": float("inf")}])
def test_regularisation_that_is_not_a_finite_number(net, kw):
    X = np.zeros((1, 4))
    for call in (lambda: net.cost(X, [0], **kw), lambda: net.backprop(X, [0], **kw)):
        with pytest.raises(ValueError, match=r"must be >= 0 \(finite numbers"):
            call()


@pytest.mark.parametrize("sizes,y", [([3, 1], [0.0, 7.0]), ([3, 1], [-1, 1]),
                                     ([3, 2], [[0.0, 1.0], [0.5, 1.5]])])
def test_cross_entropy_needs_targets_between_0_and_1(sizes, y):
    net = Network(sizes, cost="cross_entropy", seed=0)
    X = np.zeros((2, 3))
    for call in (lambda: net.cost(X, y), lambda: net.backprop(X, y), lambda: fit(net, X, y, progress=False)):
        with pytest.raises(ValueError, match=r"between 0 and 1.*cost='quadratic'"):
            call()
    Network(sizes, cost="quadratic", seed=0).cost(X, y)  # the quadratic cost takes any targets


def test_bool_sizes_are_refused():
    with pytest.raises(ValueError, match="at least two layer sizes"):
        Network([True, 2])


# ---- save and load ---------------------------------------------------------------------------
def test_save_load_round_trip(tmp_path):
    net = Network([6, 5, 4], hidden="tanh", output="softmax", cost="cross_entropy", init="scaled", seed=3)
    path = tmp_path / "net.npz"
    net.save(path)
    back = Network.load(path)
    X = np.random.default_rng(0).random((5, 6))
    np.testing.assert_array_equal(back.feedforward(X), net.feedforward(X))
    assert (back.sizes, back.hidden.name, back.output.name, back.cost_fn.name, back.init) == \
           ([6, 5, 4], "tanh", "softmax", "cross_entropy", "scaled")
    for w1, w2 in zip(net.weights + net.biases, back.weights + back.biases):
        np.testing.assert_array_equal(w1, w2)
    assert sorted(os.listdir(tmp_path)) == ["net.npz"]  # no temporary files left
    with np.load(path, allow_pickle=False) as f:       # plain arrays, no pickle
        assert set(f.files) == {"sizes", "meta", "w0", "w1", "b0", "b1"}
    Network.load(str(path))                              # str paths work too


def test_save_load_keeps_the_dtype(tmp_path):
    net = Network([6, 5, 4], seed=3, dtype=np.float32)
    net.save(tmp_path / "net32.npz")
    back = Network.load(tmp_path / "net32.npz")
    assert back.dtype == np.float32 and all(w.dtype == np.float32 for w in back.weights + back.biases)
    np.testing.assert_array_equal(back.weights[0], net.weights[0])


def test_save_overwrites_atomically(tmp_path):
    path = tmp_path / "net.npz"
    Network([3, 2], seed=0).save(path)
    Network([3, 4, 2], seed=1).save(path)
    assert Network.load(path).sizes == [3, 4, 2]
    assert os.listdir(tmp_path) == ["net.npz"]


def test_failed_save_leaves_nothing_behind(tmp_path, monkeypatch):
    net = Network([3, 2], seed=0)
    good = tmp_path / "good.npz"
    net.save(good)
    before = good.read_bytes()

    def broken_savez(*args, **kwargs):
        raise OSError("disk full (simulated)")
    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        Network([3, 5, 2], seed=1).save(good)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["good.npz"]
    assert good.read_bytes() == before  # the old file is untouched
    (tmp_path / "adir").mkdir()
    with pytest.raises(OSError):
        net.save(tmp_path / "adir")     # a folder in the way: os.replace fails
    assert sorted(os.listdir(tmp_path)) == ["adir", "good.npz"]


def test_save_into_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist.*makedirs"):
        Network([3, 2]).save(tmp_path / "nope" / "net.npz")


def test_save_to_an_existing_folder_is_refused_up_front(tmp_path):
    net = Network([3, 2], seed=0)
    with pytest.raises(IsADirectoryError) as e:
        net.save(tmp_path)
    assert "is a folder" in str(e.value) and repr(os.path.join(str(tmp_path), "net.npz")) in str(e.value)
    assert os.listdir(tmp_path) == []  # no temporary file left behind
    net.save(tmp_path / "net.npz")  # the name the message suggests works
    assert Network.load(tmp_path / "net.npz").sizes == [3, 2]


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no saved network.*net.save"):
        Network.load(tmp_path / "missing.npz")


@pytest.mark.parametrize("content", ["garbage", "truncated", "not_npz_keys", "bad_shapes", "pickle"])
def test_load_corrupt_file(tmp_path, content):
    path = tmp_path / "net.npz"
    if content == "garbage":
        path.write_bytes(b"this is not a network at all" * 10)
    elif content == "truncated":
        Network([30, 20, 10], seed=0).save(path)
        path.write_bytes(path.read_bytes()[:300])
    elif content == "not_npz_keys":
        np.savez(path, x=np.zeros(3))
    elif content == "bad_shapes":
        np.savez(path, sizes=np.array([3, 2]), meta=np.array(["sigmoid", "sigmoid", "quadratic", "normal"]),
                 w0=np.zeros((3, 3)), b0=np.zeros(2))
    else:
        with open(path, "wb") as f:
            np.save(f, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=r"is not a network saved by nnlib.*net.save"):
        Network.load(path)


def test_backprop_equations_are_one_marked_line_each():
    """Notebooks show the four equations by their markers (nnlib.source): each marker must sit
    on exactly one line of Network._backprop, and that line must compute what it names."""
    import inspect
    lines = inspect.getsource(Network._backprop).splitlines()
    for marker, words in [("# (BP1)", ["delta[-1] =", "cost_fn.delta"]),
                          ("# (BP2)", ["delta[l] =", "@ w[l + 1]", "prime"]),
                          ("# (BP3)", ["nabla_b =", "sum"]),
                          ("# (BP4)", ["nabla_w =", "@ a_in"])]:
        hits = [line for line in lines if marker in line]
        assert len(hits) == 1, marker
        assert all(w in hits[0] for w in words), hits[0]


def test_cross_entropy_of_saturated_float32_outputs_is_finite():
    # In float32, 1 - 1e-12 rounds to 1.0: a clip at 1 - 1e-12 let a = 1 through, log(1 - a) = -inf,
    # and 0 * -inf = NaN for the outputs whose target is 0 (a dropout run of notebook 10 met this).
    from nnlib.costs import get
    from nnlib.activations import get as activation
    a = np.array([[1.0, 0.0, 1.0]], dtype=np.float32)
    y = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
    c = get("cross_entropy").value(a, y, activation("sigmoid"))
    assert np.isfinite(c) and c > 10  # the one confident mistake costs a lot, but a finite lot
    assert get("cross_entropy").value(a[:, :2], y[:, :2], activation("sigmoid")) < 1e-5


@pytest.mark.parametrize("l2,l1,dropout", [(0.0, 0.0, False), (0.3, 0.02, False), (0.1, 0.0, True)])
def test_scale_gives_that_multiple_of_the_gradient(l2, l1, dropout):
    """fit's plain SGD asks _backprop for eta * gradient (scale=eta, applied to delta^L once):
    the same as the gradient times eta, regularisation and dropout included, and the cost is the
    batch's cost either way."""
    rng = np.random.default_rng(0)
    net = Network([5, 4, 3, 2], hidden="tanh", output="sigmoid", cost="cross_entropy", init="scaled", seed=1)
    x, y = rng.standard_normal((6, 5)), net.targets(rng.integers(0, 2, 6), 6)
    masks = net.dropout_masks(6, 0.5, rng=2) if dropout else None
    gw, gb, _, cost = net._backprop(x, y, l2, l1, masks)
    sw, sb, _, scost = net._backprop(x, y, l2, l1, masks, True, 0.37)
    assert scost == cost
    for g, s in zip(gw + gb, sw + sb):
        np.testing.assert_allclose(s, 0.37 * g, rtol=1e-12, atol=1e-15)


@pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")
def test_a_saved_file_gets_a_new_files_mode_not_a_private_temporary_one(tmp_path):
    """save() writes through a temporary file (mkstemp, mode 0600) and renames it: the result must
    have the mode any new file gets (0666 minus the umask), readable by a classroom's other users."""
    mask = os.umask(0o022)
    try:
        Network([3, 2], seed=0).save(tmp_path / "net.npz")
        (tmp_path / "plain.txt").write_text("x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "net.npz").stat().st_mode) == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == 0o644
