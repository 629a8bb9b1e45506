"""Tests for nnlib.train: fit(), SGD with momentum, schedules, History, early stopping,
regularisation, divergence and bad settings. (RuntimeWarnings are errors in this test suite.)"""
import math

import numpy as np
import pytest

from nnlib import Network, TrainingDiverged, fit, load_digits
from nnlib.train import SGD, constant, cosine, exponential, step_decay, layer_stats

QUIET = dict(progress=False)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def toy(n=25, n_in=3, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_in))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) if n_out == 2 else rng.integers(0, n_out, n)
    return X, y


class BatchRecorder:
    """An augment function that changes nothing but records every batch it is given."""

    def __init__(self):
        self.batches = []

    def __call__(self, x, rng):
        self.batches.append(x.copy())
        return x


# ---- it learns ---------------------------------------------------------------------------------
def test_learns_digits_from_chance_to_over_85_percent(digits):
    (X, y), (X_test, y_test) = digits
    net = Network([784, 30, 10], init="scaled", output="softmax", cost="cross_entropy", seed=0)
    before = net.accuracy(X_test, y_test)
    assert 0.03 < before < 0.2  # chance is 10 %
    h = fit(net, X, y, epochs=2, batch_size=10, eta=0.5, evaluate=False, **QUIET)
    after = net.accuracy(X_test, y_test)
    assert after > 0.85, after
    assert len(h.step_cost) == 2 * 800
    assert np.mean(h.step_cost[-100:]) < 0.5 * np.mean(h.step_cost[:100])


def test_learns_xor_with_a_hidden_layer():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", cost="cross_entropy", init="scaled", seed=1)
    fit(net, X, y, epochs=2000, batch_size=None, eta=1.0, **QUIET)
    assert net.accuracy(X, y) == 1.0


# ---- batches, shuffling, History ---------------------------------------------------------------
def test_last_partial_batch_is_used():
    X, y = toy(n=25)
    rec = BatchRecorder()
    h = fit(Network([3, 2], seed=0), X, y, epochs=2, batch_size=10, eta=0.1, augment=rec, **QUIET)
    assert [len(b) for b in rec.batches] == [10, 10, 5, 10, 10, 5]
    assert len(h.step_cost) == 6
    for epoch in (rec.batches[:3], rec.batches[3:]):  # every example exactly once per epoch
        seen = np.concatenate(epoch)
        assert sorted(map(tuple, seen)) == sorted(map(tuple, X))


def test_batch_size_none_is_full_batch_gradient_descent():
    X, y = toy(n=25)
    rec = BatchRecorder()
    net = Network([3, 2], seed=0)
    start = net.copy()
    h = fit(net, X, y, epochs=3, batch_size=None, eta=0.1, augment=rec, **QUIET)
    assert [len(b) for b in rec.batches] == [25, 25, 25] and len(h.step_cost) == 3
    # one step of full-batch descent, by hand (the order of the examples does not matter)
    nabla_w, nabla_b = start.backprop(X, y)
    one = Network([3, 2], seed=0)
    fit(one, X, y, epochs=1, batch_size=None, eta=0.1, **QUIET)
    np.testing.assert_allclose(one.weights[0], start.weights[0] - 0.1 * nabla_w[0], rtol=1e-12)
    np.testing.assert_allclose(one.biases[0], start.biases[0] - 0.1 * nabla_b[0], rtol=1e-12)


def test_shuffles_every_epoch_reproducibly():
    X, y = toy(n=30)
    rec1, rec2, rec3 = BatchRecorder(), BatchRecorder(), BatchRecorder()
    h1 = fit(Network([3, 2], seed=0), X, y, epochs=3, batch_size=10, eta=0.1, augment=rec1, seed=5, **QUIET)
    h2 = fit(Network([3, 2], seed=0), X, y, epochs=3, batch_size=10, eta=0.1, augment=rec2, seed=5, **QUIET)
    h3 = fit(Network([3, 2], seed=0), X, y, epochs=3, batch_size=10, eta=0.1, augment=rec3, seed=6, **QUIET)
    assert h1.step_cost == h2.step_cost and h1.train_cost == h2.train_cost
    assert h1.step_cost != h3.step_cost
    for a, b in zip(rec1.batches, rec2.batches):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(rec1.batches[0], rec1.batches[3])   # a new order each epoch
    assert not np.array_equal(rec1.batches[0], rec3.batches[0])    # another seed, another order
    assert not np.array_equal(rec1.batches[0], X[:10])             # shuffled at all


def test_shuffle_false_keeps_the_order():
    X, y = toy(n=20)
    rec = BatchRecorder()
    fit(Network([3, 2], seed=0), X, y, epochs=2, batch_size=10, eta=0.1, augment=rec, shuffle=False, **QUIET)
    for b, k in zip(rec.batches, [0, 10, 0, 10]):
        np.testing.assert_array_equal(b, X[k:k + 10])


def test_history_contents():
    X, y = toy(n=40)
    Xv, yv = toy(n=15, seed=1)
    net = Network([3, 4, 2], seed=0)
    h = fit(net, X, y, epochs=4, batch_size=16, eta=step_decay(0.4, 0.5, 2), validation=(Xv, yv), **QUIET)
    assert h.epoch == [1, 2, 3, 4]
    assert h.eta == [0.4, 0.4, 0.2, 0.2]
    assert len(h.train_cost) == len(h.train_accuracy) == len(h.val_cost) == len(h.val_accuracy) == 4
    assert len(h.step_cost) == 4 * 3 and len(h.epoch_seconds) == 4
    assert h.train_cost[-1] == pytest.approx(net.cost(X, y)) and h.train_accuracy[-1] == net.accuracy(X, y)
    assert h.val_cost[-1] == pytest.approx(net.cost(Xv, yv)) and h.val_accuracy[-1] == net.accuracy(Xv, yv)
    assert all(0 <= a <= 1 for a in h.train_accuracy + h.val_accuracy)
    assert h.best_epoch in h.epoch and not h.stopped_early
    assert h.seconds > 0 and all(s > 0 for s in h.epoch_seconds)
    assert h.grad_rms == [] and h.act_stats == []
    assert "4 epochs, 12 steps" in repr(h)


def test_step_cost_is_the_batch_cost_before_the_step():
    X, y = toy(n=12)
    net = Network([3, 2], seed=0)
    expected = net.cost(X, y)
    h = fit(net, X, y, epochs=1, batch_size=None, eta=0.1, **QUIET)
    assert h.step_cost[0] == pytest.approx(expected, rel=1e-12)


def test_evaluate_false_skips_the_epoch_measurements():
    X, y = toy()
    h = fit(Network([3, 2], seed=0), X, y, epochs=2, batch_size=5, eta=0.1, evaluate=False, **QUIET)
    assert h.train_cost == [] and h.train_accuracy == [] and h.epoch == [1, 2]


def test_zero_epochs_changes_nothing():
    X, y = toy()
    net = Network([3, 2], seed=0)
    w = net.weights[0].copy()
    h = fit(net, X, y, epochs=0, **QUIET)
    np.testing.assert_array_equal(net.weights[0], w)
    assert h.epoch == [] and h.step_cost == []


def test_progress_bar_runs(capsys):
    pytest.importorskip("tqdm", reason="tqdm draws the progress bar; without it progress=True cannot be tested")
    X, y = toy()
    h = fit(Network([3, 2], seed=0), X, y, epochs=2, batch_size=5, eta=0.1, progress=True)
    assert h.epoch == [1, 2]


def test_step_cost_false_records_no_costs_and_takes_the_same_steps():
    X, y = toy(n=25)
    a, b = Network([3, 4, 2], seed=0), Network([3, 4, 2], seed=0)
    ha = fit(a, X, y, epochs=3, batch_size=10, eta=0.3, **QUIET)
    hb = fit(b, X, y, epochs=3, batch_size=10, eta=0.3, step_cost=False, **QUIET)
    assert len(ha.step_cost) == 9 and hb.step_cost == []
    assert hb.train_cost == ha.train_cost and hb.epoch == ha.epoch  # the epochs' measurements stay
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(p, q)


def test_step_cost_false_notices_a_divergence_at_the_end_of_its_epoch():
    X, y = toy(n=40, n_out=3)
    net = Network([3, 8, 3], hidden="relu", output="identity", init="he", seed=0)
    with pytest.raises(TrainingDiverged, match=r"diverged in epoch \d+: the (weights|cost) became .*eta=1e\+06"):
        fit(net, X * 100, y, epochs=50, batch_size=10, eta=1e6, step_cost=False, **QUIET)
    net = Network([3, 8, 3], hidden="relu", output="identity", init="he", seed=0)  # a new one: that one is broken
    with pytest.raises(TrainingDiverged, match=r"diverged in epoch \d+: the weights became inf or NaN"):
        fit(net, X * 100, y, epochs=50, batch_size=10, eta=1e6, step_cost=False, evaluate=False, **QUIET)


def test_a_callback_gets_the_cost_even_with_step_cost_false():
    X, y = toy(n=20)
    seen = []
    h = fit(Network([3, 2], seed=0), X, y, epochs=1, batch_size=10, eta=0.1, step_cost=False,
            callback=lambda net, info: seen.append(info["cost"]), **QUIET)
    ref = fit(Network([3, 2], seed=0), X, y, epochs=1, batch_size=10, eta=0.1, **QUIET)
    assert h.step_cost == [] and seen == ref.step_cost


@pytest.mark.parametrize("name", ["step_cost", "track", "evaluate", "shuffle"])
def test_switches_must_be_true_or_false(name):
    X, y = toy()
    with pytest.raises(ValueError, match=f"{name} must be True or False; got {name}='no'"):
        fit(Network([3, 2], seed=0), X, y, **{name: "no"}, **QUIET)


# ---- callback -----------------------------------------------------------------------------------
def test_callback_receives_info_and_can_stop():
    X, y = toy(n=25)
    seen = []

    def callback(net, info):
        assert isinstance(net, Network)
        seen.append(dict(info))
        return info["epoch"] == 1 and info["step"] == 1  # stop at the 2nd step of the 2nd epoch

    h = fit(Network([3, 2], seed=0), X, y, epochs=5, batch_size=10, eta=cosine(0.3, 5), callback=callback, **QUIET)
    assert [(i["epoch"], i["step"]) for i in seen] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert set(seen[0]) == {"epoch", "step", "cost", "eta"}
    assert [i["cost"] for i in seen] == h.step_cost
    assert seen[0]["eta"] == 0.3 and seen[-1]["eta"] == pytest.approx(cosine(0.3, 5)(1))
    assert h.epoch == [1]  # the second epoch never finished


# ---- divergence -------------------------------------------------------------------------------
def test_huge_eta_raises_training_diverged_naming_eta():
    X, y = toy(n=40, n_out=3)
    net = Network([3, 8, 3], hidden="relu", output="identity", init="he", seed=0)
    with pytest.raises(TrainingDiverged) as e:
        fit(net, X * 100, y, epochs=50, batch_size=10, eta=1e6, **QUIET)
    msg = str(e.value)
    assert "eta=1e+06" in msg and "too large" in msg and "smaller" in msg
    assert isinstance(e.value.history.step_cost, list) and len(e.value.history.step_cost) >= 1
    assert all(math.isfinite(c) for c in e.value.history.step_cost)  # only the finite costs
    assert isinstance(e.value, RuntimeError)


def test_a_network_broken_by_an_earlier_divergence_is_refused_not_blamed_on_the_new_eta():
    """After TrainingDiverged the network's weights are huge or inf/NaN. Training it again with a
    small, good eta must not report 'eta=0.01 is too large': no eta can help, and fit says so."""
    X, y = toy(n=40, n_out=3)
    net = Network([3, 8, 3], hidden="relu", output="identity", init="he", seed=0)
    with pytest.raises(TrainingDiverged):
        fit(net, X * 100, y, epochs=50, batch_size=10, eta=1e6, **QUIET)
    # the run stopped at the step whose cost overflowed: its weights are huge but still finite;
    # the first mini-batch's cost is checked even when no step cost is recorded
    for step_cost in (True, False):
        with pytest.raises(TrainingDiverged, match=r"already (inf|nan) on the first mini-batch, before any step: "
                                                   r"not the learning rate's fault \(eta=0.01\).*earlier fit\(\)"
                                                   r".*new Network"):
            fit(net.copy(), X * 100, y, epochs=1, batch_size=10, eta=0.01, step_cost=step_cost, **QUIET)
    # with step_cost=False the run goes on to the end of its epoch: then the weights are inf or NaN
    net = Network([3, 8, 3], hidden="relu", output="identity", init="he", seed=0)
    with pytest.raises(TrainingDiverged):
        fit(net, X * 100, y, epochs=50, batch_size=10, eta=1e6, step_cost=False, **QUIET)
    assert not all(np.isfinite(p).all() for p in net.weights + net.biases)
    before = [p.copy() for p in net.weights + net.biases]
    for step_cost in (True, False):
        with pytest.raises(ValueError, match=r"already inf or NaN .*earlier fit\(\).*new\s+Network"):
            fit(net, X, y, epochs=1, batch_size=10, eta=0.01, step_cost=step_cost, **QUIET)
    assert all(np.array_equal(p, q, equal_nan=True) for p, q in zip(net.weights + net.biases, before))


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_huge_steps_with_cross_entropy_stay_finite_and_quiet(output):
    """eta = 1e8 throws the weights far out and the outputs saturate at exactly 0 or 1: the cost
    stays finite (cross-entropy clips a before its log) and no RuntimeWarning (an error in these
    tests, see pyproject.toml) is raised along the way."""
    X, y = toy(n=40)
    net = Network([3, 8, 2], output=output, cost="cross_entropy", seed=0)
    h = fit(net, X * 1e3, y, epochs=20, batch_size=5, eta=1e8, **QUIET)
    assert max(float(np.abs(w).max()) for w in net.weights) > 1e4  # the steps really were huge
    assert all(math.isfinite(c) for c in h.step_cost + h.train_cost)


def test_numpy_scalars_are_fine_as_settings():
    X, y = toy()
    h = fit(Network([3, 2], seed=0), X, y, epochs=1, batch_size=np.int64(5), eta=np.int64(1),
            momentum=np.float32(0.9), l2=np.float32(1e-4), **QUIET)
    assert h.eta == [1.0]
    with pytest.raises(ValueError, match="momentum must be a number"):
        fit(Network([3, 2], seed=0), X, y, momentum=True, **QUIET)


# ---- momentum and Nesterov against hand-computed updates --------------------------------------
def tiny_problem():
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7], [2.0, 1.0]])
    Y = np.array([[0.5], [-1.0], [0.2], [1.5]])
    return X, Y


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.5, True), (0.9, True)])
def test_momentum_and_nesterov_equal_hand_computed_updates(momentum, nesterov):
    X, Y = tiny_problem()
    eta, steps = 0.05, 4
    net = Network([2, 3, 1], hidden="tanh", output="identity", init="scaled", seed=2)
    ref = net.copy()
    fit(net, X, Y, epochs=steps, batch_size=None, eta=eta, momentum=momentum, nesterov=nesterov,
        shuffle=False, **QUIET)
    params = ref.weights + ref.biases
    v = [np.zeros_like(p) for p in params]
    for _ in range(steps):
        nabla_w, nabla_b = ref.backprop(X, Y)
        for i, (p, g) in enumerate(zip(params, nabla_w + nabla_b)):
            v[i] = momentum * v[i] - eta * g
            if nesterov:
                p += momentum * v[i] - eta * g
            else:
                p += v[i]
    for got, want in zip(net.weights + net.biases, params):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_sgd_step_leaves_gradients_unchanged_and_reuses_velocity():
    p = [np.array([1.0, 2.0])]
    g = [np.array([0.5, -1.0])]
    opt = SGD(momentum=0.5)
    opt.step(p, g, 0.1)
    np.testing.assert_array_equal(g[0], [0.5, -1.0])
    np.testing.assert_allclose(p[0], [0.95, 2.1])
    opt.step(p, g, 0.1)  # v = 0.5 * (-0.05, 0.1) - (0.05, -0.1) = (-0.075, 0.15)
    np.testing.assert_allclose(p[0], [0.875, 2.25])


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.7, False), (0.7, True)])
def test_sgd_overwrite_grads_gives_the_same_step(momentum, nesterov):
    rng = np.random.default_rng(0)
    p1 = [rng.standard_normal((3, 4)), rng.standard_normal(3)]
    p2 = [p.copy() for p in p1]
    a, b = SGD(momentum, nesterov), SGD(momentum, nesterov)
    for _ in range(3):
        g = [rng.standard_normal((3, 4)), rng.standard_normal(3)]
        g_copy = [x.copy() for x in g]
        a.step(p1, g_copy, 0.2)
        b.step(p2, g, 0.2, overwrite_grads=True)
        for x, y in zip(g, g_copy):
            np.testing.assert_allclose(x, 0.2 * y)  # the gradients were used as scratch
    for x, y in zip(p1, p2):
        np.testing.assert_allclose(x, y, rtol=1e-14)


def test_momentum_speeds_up_a_long_valley():
    X, Y = tiny_problem()
    costs = {}
    for mu in (0.0, 0.9):
        net = Network([2, 1], output="identity", seed=0)
        h = fit(net, X, Y, epochs=30, batch_size=None, eta=0.02, momentum=mu, **QUIET)
        costs[mu] = h.train_cost[-1]
    assert costs[0.9] < costs[0.0]


# ---- schedules ---------------------------------------------------------------------------------
def test_schedules_give_the_right_values():
    assert [constant(0.3)(e) for e in (0, 5, 100)] == [0.3, 0.3, 0.3]
    s = step_decay(1.0, drop=0.5, every=10)
    assert [s(e) for e in (0, 9, 10, 19, 20, 35)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.125]
    x = exponential(2.0, gamma=0.9)
    assert x(0) == 2.0 and x(3) == pytest.approx(2.0 * 0.9 ** 3)
    c = cosine(1.0, 10, eta_min=0.1)
    assert c(0) == pytest.approx(1.0) and c(5) == pytest.approx(0.55) and c(10) == pytest.approx(0.1)
    assert c(20) == pytest.approx(0.1)  # stays at the bottom after the end
    assert c(2) == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 0.2)))
    assert all(c(e) >= c(e + 1) for e in range(12))


def test_fit_follows_the_schedule():
    X, y = toy()
    h = fit(Network([3, 2], seed=0), X, y, epochs=4, batch_size=5, eta=exponential(0.5, 0.5), **QUIET)
    assert h.eta == [0.5, 0.25, 0.125, 0.0625]


@pytest.mark.parametrize("make,words", [
    (lambda: step_decay(1.0, drop=0), "0 < drop <= 1"),
    (lambda: step_decay(1.0, every=0), "every >= 1"),
    (lambda: exponential(1.0, gamma=1.5), "0 < gamma <= 1"),
    (lambda: cosine(1.0, 0), "epochs >= 1"),
    (lambda: cosine(1.0, 10, eta_min=2.0), "eta_min <= eta"),
    (lambda: constant(-1.0), "positive number"),
])
def test_bad_schedule_settings(make, words):
    with pytest.raises(ValueError, match=re_escape(words)):
        make()


def re_escape(s):
    import re
    return re.escape(s)


def test_a_schedule_that_returns_a_bad_rate():
    X, y = toy()
    with pytest.raises(ValueError, match="learning rate eta must be a positive number"):
        fit(Network([3, 2], seed=0), X, y, epochs=3, eta=lambda epoch: 0.1 - 0.1 * epoch, **QUIET)


# ---- early stopping ----------------------------------------------------------------------------
def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = toy(n=40)
    y_val = 1 - y  # the same inputs with the opposite labels: learning the training set hurts here
    net = Network([3, 6, 2], init="scaled", seed=0)
    snapshots = {}

    def remember(net, info):
        snapshots[info["epoch"] + 1] = [w.copy() for w in net.weights + net.biases]

    h = fit(net, X, y, epochs=50, batch_size=10, eta=0.5, validation=(X, y_val), patience=3,
            callback=remember, **QUIET)
    assert h.stopped_early
    assert len(h.epoch) == h.best_epoch + 3 < 50
    assert h.val_cost[h.best_epoch - 1] == min(h.val_cost)
    for got, want in zip(net.weights + net.biases, snapshots[h.best_epoch]):
        np.testing.assert_array_equal(got, want)   # the best epoch's weights are back
    assert net.cost(X, y_val) == pytest.approx(h.val_cost[h.best_epoch - 1], rel=1e-12)


@pytest.mark.parametrize("patience", [None, 3])
def test_progress_bar_counts_every_epoch_trained(monkeypatch, patience):
    """The bar ends at the number of epochs trained, also when early stopping ends training
    (it used to stop one short: fit returned before counting the stopping epoch)."""
    tqdm_auto = pytest.importorskip("tqdm.auto", reason="tqdm draws the progress bar")
    bars = []

    class RecordingBar(tqdm_auto.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm_auto, "tqdm", RecordingBar)
    X, y = toy(n=40)
    h = fit(Network([3, 6, 2], init="scaled", seed=0), X, y, epochs=12, batch_size=10, eta=0.5,
            validation=(X, 1 - y), patience=patience, progress=True)
    assert len(bars) == 1 and bars[0].total == 12
    assert h.stopped_early == (patience is not None)
    assert bars[0].n == len(h.epoch) == (h.best_epoch + 3 if patience else 12)


@pytest.mark.parametrize("patience", [None, 2])
def test_a_diverged_validation_cost_raises_training_diverged(patience):
    """One huge last step: the steps' costs were finite, but the validation cost is inf. That
    used to return silently (or, with patience, fail with a TypeError)."""
    X = np.array([[1.0], [2.0]])
    net = Network([1, 1], output="identity", seed=0)
    with pytest.raises(TrainingDiverged, match=r"validation cost became inf.*eta=1e\+300"):
        fit(net, X, X, epochs=1, batch_size=None, eta=1e300, evaluate=False, validation=(X, X),
            patience=patience, **QUIET)


def test_no_early_stop_without_patience():
    X, y = toy(n=40)
    h = fit(Network([3, 6, 2], seed=0), X, y, epochs=8, batch_size=10, eta=0.5,
            validation=(X, 1 - y), **QUIET)
    assert len(h.epoch) == 8 and not h.stopped_early


# ---- regularisation ----------------------------------------------------------------------------
def test_l2_shrinks_weights(digits):
    (X, y), _ = digits
    X, y = X[:1000], y[:1000]
    norms = {}
    for l2 in (0.0, 1e-2):
        net = Network([784, 20, 10], init="scaled", seed=0)
        fit(net, X, y, epochs=3, batch_size=20, eta=0.5, l2=l2, evaluate=False, **QUIET)
        norms[l2] = sum(float(np.sum(w ** 2)) for w in net.weights)
    assert norms[1e-2] < 0.5 * norms[0.0]


def test_l1_drives_many_weights_to_nearly_zero(digits):
    (X, y), _ = digits
    X, y = X[:1000], y[:1000]
    small = {}
    for l1 in (0.0, 1e-3):
        net = Network([784, 10], output="softmax", cost="cross_entropy", init="scaled", seed=0)
        fit(net, X, y, epochs=5, batch_size=10, eta=0.5, l1=l1, evaluate=False, **QUIET)
        small[l1] = float(np.mean(np.abs(net.weights[0]) < 1e-3))
    # eta * l1 = 5e-4 per step: untouched pixels (the border) end within one step of 0
    assert small[1e-3] > 0.4 and small[1e-3] > 10 * small[0.0]


def test_regularised_training_matches_hand_steps():
    X, Y = tiny_problem()
    net = Network([2, 1], output="identity", seed=3)
    ref = net.copy()
    fit(net, X, Y, epochs=2, batch_size=None, eta=0.1, l2=0.3, l1=0.02, shuffle=False, **QUIET)
    for _ in range(2):
        nabla_w, nabla_b = ref.backprop(X, Y)
        ref.weights[0] -= 0.1 * (nabla_w[0] + 0.3 * ref.weights[0] + 0.02 * np.sign(ref.weights[0]))
        ref.biases[0] -= 0.1 * nabla_b[0]   # biases are not regularised
    np.testing.assert_allclose(net.weights[0], ref.weights[0], rtol=1e-12)
    np.testing.assert_allclose(net.biases[0], ref.biases[0], rtol=1e-12)


# ---- tracking ---------------------------------------------------------------------------------
def test_track_records_gradient_rms_per_step_and_activation_stats_per_epoch():
    X, y = toy(n=30)
    net = Network([3, 5, 4, 2], hidden="relu", init="he", seed=0)
    h = fit(net, X, y, epochs=3, batch_size=10, eta=0.1, track=True, **QUIET)
    assert len(h.grad_rms) == 9 and all(len(row) == 3 for row in h.grad_rms)
    assert all(g >= 0 and math.isfinite(g) for row in h.grad_rms for g in row)
    assert len(h.act_stats) == 3 and all(len(s) == 3 for s in h.act_stats)
    assert set(h.act_stats[0][0]) == {"mean", "std", "saturated"}
    assert all(0 <= layer["saturated"] <= 1 for s in h.act_stats for layer in s)
    # the first step's rms equals the rms of backprop's gradient at the start, on the same batch
    first = Network([3, 5, 4, 2], hidden="relu", init="he", seed=0)
    rec = BatchRecorder()
    fit(first.copy(), X, y, epochs=1, batch_size=10, eta=0.1, augment=rec, **QUIET)
    idx = [int(np.flatnonzero((X == row).all(axis=1))[0]) for row in rec.batches[0]]
    nabla_w, _ = first.backprop(X[idx], y[idx])
    np.testing.assert_allclose(h.grad_rms[0], [np.sqrt(np.mean(g ** 2)) for g in nabla_w], rtol=1e-12)


@pytest.mark.parametrize("optimizer", [None, "adam", "momentum"])
def test_track_records_the_true_gradient_whatever_the_optimizer(optimizer):
    """fit asks backprop for eta * g when it steps with SGD: grad_rms must still be g's."""
    from nnlib import Adam
    X, y = toy(n=10)
    net = Network([3, 4, 2], seed=0)
    start = net.copy()
    opt = {"adam": Adam(), "momentum": SGD(momentum=0.9), None: None}[optimizer]
    h = fit(net, X, y, epochs=1, batch_size=None, eta=0.7, optimizer=opt, track=True, **QUIET)
    nabla_w, _ = start.backprop(X, y)
    np.testing.assert_allclose(h.grad_rms[0], [np.sqrt(np.mean(g ** 2)) for g in nabla_w], rtol=1e-12)


def test_layer_stats_saturation():
    net = Network([2, 3, 1], hidden="sigmoid", seed=0)
    net.weights[0][:] = 100.0  # every hidden neuron far out on the flat part
    stats = layer_stats(net, np.ones((4, 2)))
    assert stats[0]["saturated"] == 1.0
    relu = Network([2, 3, 1], hidden="relu", seed=0)
    relu.weights[0][:] = -1.0
    relu.biases[0][:] = -1.0
    assert layer_stats(relu, np.ones((4, 2)))[0]["saturated"] == 1.0  # all dead


# ---- bad settings: clear ValueErrors -----------------------------------------------------------
@pytest.mark.parametrize("kw,words", [
    ({"eta": -0.1}, ["learning rate eta", "positive", "-0.1"]),
    ({"eta": 0}, ["learning rate eta", "positive"]),
    ({"eta": float("nan")}, ["learning rate eta", "positive", "nan"]),
    ({"eta": float("inf")}, ["learning rate eta"]),
    ({"eta": "fast"}, ["learning rate eta"]),
    ({"momentum": 1.0}, ["momentum", "[0, 1)", "0.9"]),
    ({"momentum": -0.5}, ["momentum", "[0, 1)"]),
    ({"nesterov": True}, ["nesterov=True needs a momentum", "momentum=0.9"]),
    ({"batch_size": 0}, ["batch_size", "whole number >= 1", "None"]),
    ({"batch_size": 2.5}, ["batch_size", "whole number"]),
    ({"epochs": -1}, ["epochs", ">= 0"]),
    ({"patience": 3}, ["patience", "validation=(X_val, y_val)"]),
    ({"l2": -1e-3}, ["l2", ">= 0"]),
    ({"l1": -1.0}, ["l1", ">= 0"]),
    ({"l2": float("nan")}, ["l2", "number >= 0"]),
    ({"augment": "shift"}, ["augment must be a function", "shifter"]),
    ({"callback": 3}, ["callback must be a function"]),
    ({"validation": np.zeros((3, 3))}, ["validation must be a pair", "(X_val, y_val)"]),
])
def test_bad_settings(kw, words):
    X, y = toy()
    net = Network([3, 2], seed=0)
    before = net.weights[0].copy()
    with pytest.raises(ValueError) as e:
        fit(net, X, y, **{"epochs": 2, "eta": 0.1, **kw}, **QUIET)
    for w in words:
        assert w in str(e.value), (w, str(e.value))
    np.testing.assert_array_equal(net.weights[0], before)  # refused before touching the network


def test_bad_patience_and_bad_augment_output():
    X, y = toy()
    with pytest.raises(ValueError, match="patience must be a whole number"):
        fit(Network([3, 2]), X, y, validation=(X, y), patience=0, **QUIET)
    with pytest.raises(ValueError, match=r"augment returned a batch of shape \(5, 2\)"):
        fit(Network([3, 2]), X, y, batch_size=5, augment=lambda x, rng: x[:, :2], **QUIET)


def test_bad_data_is_refused_by_fit():
    X, y = toy()
    with pytest.raises(ValueError, match="NaN or infinity"):
        fit(Network([3, 2]), np.where(X > 1, np.nan, X), y, **QUIET)
    with pytest.raises(ValueError, match="25 examples but 24 targets"):
        fit(Network([3, 2]), X, y[:-1], **QUIET)
    with pytest.raises(ValueError, match="labels must be whole numbers from 0 to 1"):
        fit(Network([3, 2]), X, y + 1, **QUIET)
    with pytest.raises(ValueError, match=r"inputs have shape \(3, 4\)"):
        fit(Network([3, 2]), X, y, validation=(np.zeros((3, 4)), [0, 1, 0]), **QUIET)
