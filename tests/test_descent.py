"""Gradient descent and mini-batch descent: nnlib.landscapes (no widgets), the learning-rate and
batch-size explorers' compute/update/readout (no browser), and the exercises of notebooks 3 and 6."""
import matplotlib
import numpy as np
import pytest

from nnlib import Network, landscapes as L
from nnlib.data import regression_1d
from nnlib.exercises import check


# ---- landscapes ---------------------------------------------------------------------------------
@pytest.fixture
def bowl():
    return L.Bowl()


def test_bowl_gradient_matches_finite_differences(bowl):
    w, h = np.array([0.3, -1.2]), 1e-6
    numeric = [(bowl.cost(w + h * e) - bowl.cost(w - h * e)) / (2 * h) for e in np.eye(2)]
    assert np.allclose(bowl.gradient(w), numeric, atol=1e-6)
    assert bowl.cost(bowl.minimum) == 0
    assert bowl.critical_eta == pytest.approx(0.2)


def test_good_eta_descends_to_the_minimum(bowl):
    path = L.gradient_descent(bowl.cost, bowl.gradient, bowl.start, eta=0.1, steps=100)
    assert not path.diverged and path.message == ""
    assert np.all(np.diff(path.costs) <= 0), "with a good eta every step lowers the cost"
    assert np.allclose(path.points[-1], bowl.minimum, atol=1e-3)
    assert path.steps == 100 and path.points.shape == (101, 2) and path.costs.shape == (101,)
    assert L.describe(path) == "converged"


def test_one_step_is_w_minus_eta_times_gradient(bowl):
    path = L.gradient_descent(bowl.cost, bowl.gradient, bowl.start, eta=0.05, steps=1)
    assert np.allclose(path.points[1], bowl.start - 0.05 * bowl.gradient(bowl.start))


@pytest.mark.parametrize("eta", [0.21, 0.251, 0.5, 1.0, 10.0, 1e6])
def test_too_large_eta_diverges_and_is_reported(bowl, eta):
    path = L.gradient_descent(bowl.cost, bowl.gradient, bowl.start, eta=eta, steps=200)
    assert path.diverged and L.describe(path) == "diverged"
    assert f"eta={eta:g}" in path.message and "too large" in path.message and "diverged" in path.message
    assert path.steps < 200, "the run stops when the cost runs away"
    assert np.all(np.isfinite(path.points)) and np.all(np.isfinite(path.costs)), "no garbage returned"


def test_regimes_of_the_learning_rate(bowl):
    def run(eta):
        return L.gradient_descent(bowl.cost, bowl.gradient, bowl.start, eta, 50)
    assert L.describe(run(0.001)) == "crawling"
    assert L.describe(run(0.1)) == "converged" and not L.zigzags(run(0.1))
    assert L.describe(run(0.158)) == "converged" and L.zigzags(run(0.158))
    assert L.describe(run(0.1995)) == "oscillating"
    assert L.describe(run(0.2512)) == "diverged"


def test_divergence_at_the_first_step_from_inf():
    curve = L.Curve(lambda w: np.exp(np.abs(w) * 1000.0), lambda w: 1000.0 * np.sign(w) * np.exp(np.abs(w) * 1000.0),
                    start=0.5, xlim=(-1, 1))
    path = L.gradient_descent(curve.cost, curve.gradient, 0.5, eta=1.0, steps=5)
    assert path.diverged and "inf" in path.message and path.steps == 0


def test_bad_arguments_are_named():
    b = L.Bowl()
    for eta in (0, -0.1, float("nan"), "0.1", None):
        with pytest.raises(ValueError, match="eta must be a positive number"):
            L.gradient_descent(b.cost, b.gradient, b.start, eta)
    with pytest.raises(ValueError, match="steps must be a whole number"):
        L.gradient_descent(b.cost, b.gradient, b.start, 0.1, steps=2.5)
    with pytest.raises(ValueError, match="curvatures"):
        L.Bowl(curvatures=(1, -1))
    with pytest.raises(ValueError, match="batch_size must be a whole number >= 1"):
        L.minibatch_descent(toy(), 0.1, 0)


def test_the_1d_slice_breaks_at_the_same_eta_as_the_bowl(bowl):
    c = bowl.steep_slice()
    ok = L.gradient_descent(c.cost, c.gradient, c.start, 0.19, 200)
    bad = L.gradient_descent(c.cost, c.gradient, c.start, 0.21, 200)
    assert not ok.diverged and abs(ok.points[-1, 0]) < 1e-3
    assert bad.diverged


def test_local_minima_the_start_decides():
    c = L.double_well()
    minima = L.local_minima(c)
    assert len(minima) == 2 and minima[0] < 0 < minima[1]
    assert np.allclose(c.gradient(minima), 0, atol=1e-9)
    assert c.cost(minima[0]) < c.cost(minima[1]), "the left valley is the deeper one"
    ends = [L.gradient_descent(c.cost, c.gradient, s, 0.1, 300).points[-1, 0] for s in (-3.0, -0.5, 0.5, 3.0)]
    assert np.allclose(ends, [minima[0], minima[0], minima[1], minima[1]], atol=1e-4)


def test_clip_to_box_stops_at_the_edge():
    p = np.array([[0, 0], [1, 1], [3, 1], [1e300, 0]], dtype=float)
    clipped = L.clip_to_box(p, (-2, 2), (-2, 2))
    assert np.allclose(clipped, [[0, 0], [1, 1], [2, 1]])
    inside = np.array([[0.0, 0.0], [0.5, -0.5]])
    assert np.array_equal(L.clip_to_box(inside, (-1, 1), (-1, 1)), inside)
    assert len(L.clip_to_box(np.array([[5.0, 5.0]]), (-1, 1), (-1, 1))) == 0


# ---- the real two-parameter model and mini-batches ----------------------------------------------
def toy(activation="identity", n=200):
    x, y = regression_1d(n=n, seed=0)
    return L.Neuron(x[:, 0], y if activation == "identity" else (y > 0).astype(float), activation=activation)


@pytest.mark.parametrize("activation", ["identity", "sigmoid"])
def test_neuron_gradient_is_backprop_of_a_one_neuron_network(activation):
    model = toy(activation)
    net = Network([1, 1], output=activation, cost="quadratic", seed=0)
    w, b = 0.7, -0.3
    net.weights[0][...] = w
    net.biases[0][...] = b
    nabla_w, nabla_b = net.backprop(model.x[:, None], model.y)
    assert np.allclose(model.gradient(np.array([w, b])), [nabla_w[0][0, 0], nabla_b[0][0]])
    assert model.cost(np.array([w, b])) == pytest.approx(net.cost(model.x[:, None], model.y))
    idx = np.array([3, 17, 42])
    nabla_w, nabla_b = net.backprop(model.x[idx, None], model.y[idx])
    assert np.allclose(model.gradient(np.array([w, b]), idx), [nabla_w[0][0, 0], nabla_b[0][0]])


def test_cost_on_a_grid_matches_pointwise():
    model = toy()
    W1, W2, C = L.grid(model.cost, model.xlim, model.ylim, 7)
    assert C.shape == (7, 7)
    assert C[3, 5] == pytest.approx(model.cost(np.array([W1[3, 5], W2[3, 5]])))


def test_batch_size_n_is_exactly_full_batch_gradient_descent():
    model = toy()
    mini = L.minibatch_descent(model, 0.1, batch_size=model.n, epochs=5, seed=3)
    full = L.gradient_descent(model.cost, model.gradient, model.start, 0.1, steps=5)
    assert np.array_equal(mini.points, full.points) and np.array_equal(mini.costs, full.costs)
    assert np.array_equal(L.minibatch_descent(model, 0.1, batch_size=10 * model.n, epochs=5).points, full.points)


def test_minibatch_steps_epochs_and_batch_costs():
    model = toy()  # n = 200
    path = L.minibatch_descent(model, 0.1, batch_size=30, epochs=2, seed=0)
    assert path.steps_per_epoch == 7 and path.steps == 14, "200 = 6 * 30 + 20: seven batches per epoch"
    assert len(path.batch_costs) == 14 and len(path.epochs) == 15
    assert path.epochs[0] == 0 and path.epochs[7] == pytest.approx(1.0) and path.epochs[-1] == pytest.approx(2.0)
    # the first batch's cost is the cost of some 30 examples at the start, not of all of them
    assert path.batch_costs[0] != pytest.approx(path.costs[0])


def test_minibatch_noise_is_genuine_and_seeded():
    model = toy()
    a = L.minibatch_descent(model, 0.1, 10, epochs=3, seed=0)
    b = L.minibatch_descent(model, 0.1, 10, epochs=3, seed=0)
    c = L.minibatch_descent(model, 0.1, 10, epochs=3, seed=1)
    assert np.array_equal(a.points, b.points), "same seed, same path"
    assert not np.allclose(a.points, c.points), "another shuffle, another path"
    # every step follows its own batch's gradient: steps are not along the full gradient
    full_dir = -model.gradient(a.points[0])
    step = a.points[1] - a.points[0]
    cosine = step @ full_dir / np.linalg.norm(step) / np.linalg.norm(full_dir)
    assert cosine < 0.9999


def test_small_batches_get_further_per_example_seen():
    model = toy()
    costs = {m: L.minibatch_descent(model, 0.1, m, epochs=3).final_cost for m in (1, 10, 200)}
    assert costs[1] < costs[10] < costs[200]
    best = model.cost(model.best())
    assert costs[1] < 1.1 * best


def test_minibatch_divergence_is_reported():
    path = L.minibatch_descent(toy(), 50.0, 10, epochs=3)
    assert path.diverged and "eta=50" in path.message and "epoch 1, step" in path.message
    assert np.all(np.isfinite(path.points)) and len(path.batch_costs) == path.steps


@pytest.mark.parametrize("m", [1, 7, 200])
def test_eta_sweep_is_minibatch_descent_for_every_eta(m):
    model = toy()
    etas = (0.02, 0.5, 1.5, 2.0)
    table = L.eta_sweep(model, m, epochs=2, etas=etas, seeds=(0, 4))
    for eta in etas:
        runs = [L.minibatch_descent(model, eta, m, 2, seed=s) for s in (0, 4)]
        want = np.inf if any(p.diverged for p in runs) else np.mean([p.final_cost for p in runs])
        assert table[eta] == pytest.approx(want, rel=1e-12), (m, eta)


def test_the_full_batch_is_stable_up_to_two_over_lambda_max():
    model = toy()
    lam = np.linalg.eigvalsh(np.cov(np.vstack([model.x, np.ones(model.n)]), bias=True)
                             + np.outer([model.x.mean(), 1], [model.x.mean(), 1]))
    assert 2 / lam.max() == pytest.approx(1.98, abs=0.01)
    assert L.best_eta(model, model.n, epochs=3) == 1.5
    assert not L.minibatch_descent(model, 1.9, model.n, epochs=50).diverged
    assert L.minibatch_descent(model, 2.1, model.n, epochs=50).diverged


def test_minibatch_gradient_is_unbiased_and_its_spread_shrinks_like_one_over_sqrt_m():
    model = toy()
    per_example = np.array([model.gradient(model.start, [i]) for i in range(model.n)])
    full = model.gradient(model.start)
    assert np.allclose(per_example.mean(axis=0), full)
    sigma = np.sqrt(np.mean(np.sum((per_example - full) ** 2, axis=1)))
    for m in (1, 10, 50):
        g, f = L.gradient_spread(model, model.start, m, draws=2000, seed=1)
        assert np.allclose(f, full)
        spread = np.sqrt(np.mean(np.sum((g - full) ** 2, axis=1)))
        theory = sigma / np.sqrt(m) * np.sqrt((model.n - m) / (model.n - 1))
        assert spread == pytest.approx(theory, rel=0.06), m
        assert np.linalg.norm(g.mean(axis=0) - full) < 4 * theory / np.sqrt(2000)


@pytest.mark.parametrize("n,m,steps", [(200, 1, 200), (200, 10, 20), (200, 30, 7), (200, 200, 1), (200, 500, 1), (7, 2, 4)])
def test_steps_per_epoch_counts_the_last_partial_batch(n, m, steps):
    assert L.steps_per_epoch(n, m) == steps


# ---- explorers ------------------------------------------------------------------------------------
def test_learning_rate_explorer_compute_update_readout():
    from nnlib.widgets.descent import LearningRateExplorer
    e = LearningRateExplorer()
    assert "converged" in e.readout.value and "η = 0.1" in e.readout.value  # the default teaches: it works
    path_before = e.path_line.get_xydata().copy()
    readouts = {}
    for eta in (0.001, 0.1, 0.158, 0.1995, 0.2512):
        e.set(eta=eta)
        readouts[eta] = e.readout.value
    assert "crawling" in readouts[0.001]
    assert "zigzag" in readouts[0.158]
    assert "bouncing" in readouts[0.1995]
    assert "diverged" in readouts[0.2512] and "eta=0.251" in readouts[0.2512] and "too large" in readouts[0.2512]
    assert not np.array_equal(e.path_line.get_xydata(), path_before), "the plot changes with the slider"
    # the diverging path is drawn only up to the picture's edge, no garbage
    drawn = e.path_line.get_xydata()
    (x0, x1), (y0, y1) = e.bowl.xlim, e.bowl.ylim
    assert np.all(np.isfinite(drawn))
    assert np.all((drawn[:, 0] >= x0 - 1e-9) & (drawn[:, 0] <= x1 + 1e-9) & (drawn[:, 1] >= y0 - 1e-9) & (drawn[:, 1] <= y1 + 1e-9))
    r = e.compute(eta=0.5)
    assert r["path"].diverged and r["verdict"] == "diverged"


def test_learning_rate_explorer_extreme_slider_ends():
    from nnlib.widgets.descent import LearningRateExplorer
    e = LearningRateExplorer()
    for value in (e.controls["eta"].min, e.controls["eta"].max):
        e.set(eta=10 ** value)
        assert e.readout.value and isinstance(e.render(), bytes)
    assert "diverged" in e.readout.value


def test_batch_size_explorer_compute_update_readout():
    from nnlib.widgets.descent import BatchSizeExplorer
    e = BatchSizeExplorer()
    n = e.model.n
    assert e.controls["batch_size"].options[-1] == n
    e.set(batch_size=n, epochs=3)
    full = e.readout.value
    assert "full batch" in full and "3 steps" in full
    line_full = e.path_line.get_xydata().copy()
    e.set(batch_size=1, epochs=3)
    assert "600 steps" in e.readout.value and "strict sense" in e.readout.value
    assert len(e.path_line.get_xydata()) == 601 and not np.array_equal(e.path_line.get_xydata(), line_full)
    e.set(batch_size=50, epochs=2)
    assert "4 mini-batches per epoch" in e.readout.value
    r = e.compute(batch_size=20, epochs=4)
    assert r["steps"] == 40 and len(r["batch_costs"]) == 40 and r["done"][-1] == pytest.approx(4.0)
    # the explorer's numbers are nnlib.landscapes' numbers
    direct = L.minibatch_descent(e.model, e.etas[20], 20, epochs=4, seed=0)
    assert np.array_equal(r["points"], direct.points)


def test_batch_size_explorer_runs_each_batch_size_at_its_own_tuned_eta():
    from nnlib.widgets.descent import BatchSizeExplorer
    e = BatchSizeExplorer()
    for m in (1, 10, e.model.n):
        assert e.etas[m] == L.best_eta(e.model, m, epochs=3), m
        assert e.paths[m].eta == e.etas[m]
    assert e.etas[1] < e.etas[10] < e.etas[e.model.n], "small batches need small steps"
    e.set(batch_size=10, epochs=3)
    assert f"η = {e.etas[10]:g}, its own best" in e.readout.value and "examples processed" in e.readout.value
    same = BatchSizeExplorer(eta=0.1, max_epochs=3)
    assert set(same.etas.values()) == {0.1} and "its own best" not in same.readout.value


def test_batch_size_explorer_one_colour_per_batch_size():
    from nnlib import plots
    from nnlib.widgets.descent import BatchSizeExplorer
    e = BatchSizeExplorer(max_epochs=3)
    for m in (1, 10, 50, e.model.n):
        e.set(batch_size=m, epochs=2)
        want = plots.batch_color(m, e.model.n)
        for line in (e.path_line, e.step_line, e.epoch_line):
            assert matplotlib.colors.same_color(line.get_color(), want), (m, line)
    assert matplotlib.colors.same_color(e.ref_path.get_color(), plots.batch_color(e.model.n, e.model.n))


def test_batch_size_explorer_extreme_slider_ends():
    from nnlib.widgets.descent import BatchSizeExplorer
    e = BatchSizeExplorer()
    for m in (1, e.model.n):
        for epochs in (1, e.max_epochs):
            e.set(batch_size=m, epochs=epochs)
            assert e.readout.value and isinstance(e.render(), bytes)


def test_batch_size_explorer_reports_divergence():
    from nnlib.widgets.descent import BatchSizeExplorer
    e = BatchSizeExplorer(eta=50.0, max_epochs=2)
    e.set(batch_size=1, epochs=2)
    assert "diverged" in e.readout.value and "eta=50" in e.readout.value


# ---- exercises --------------------------------------------------------------------------------------
def test_notebook_3_and_6_exercises_accept_their_solutions():
    from nnlib import exercises
    exercises._load_all()
    names = [n for n in exercises.REGISTRY if n[:3] in ("03.", "06.")]
    assert len([n for n in names if n.startswith("03.")]) >= 2
    assert len([n for n in names if n.startswith("06.")]) >= 2
    for name in names:
        assert check(name, exercises.REGISTRY[name].solution).passed, name


def test_the_best_eta_of_a_quadratic_valley_is_two_over_the_sum_of_curvatures(bowl):
    assert bowl.best_eta == pytest.approx(2 / 11)
    etas = np.linspace(0.01, 0.199, 400)
    rates = [bowl.rate(e) for e in etas]
    assert etas[int(np.argmin(rates))] == pytest.approx(bowl.best_eta, abs=1e-3)
    assert bowl.rate(bowl.best_eta) == pytest.approx(9 / 11)
    assert bowl.rate(0.1) == pytest.approx(0.9) and bowl.rate(0.19) == pytest.approx(0.9)
    end = {e: L.gradient_descent(bowl.cost, bowl.gradient, bowl.start, e, 50).final_cost for e in (0.1, bowl.best_eta, 0.19)}
    assert end[bowl.best_eta] < 1e-3 * min(end[0.1], end[0.19]), "the best eta ends far lower than 0.1 or 0.19"


def test_notebook_6_claims_about_the_explorer_at_its_defaults():
    """What notebook 06 says about the batch-size explorer at its defaults (each m at its own eta)."""
    from nnlib.widgets.descent import BatchSizeExplorer
    e = BatchSizeExplorer()
    n, best = e.model.n, e.best_cost
    cost = lambda m, E: float(e.compute(batch_size=m, epochs=E)["costs"][-1])
    assert e.etas[n] == 1.5 and e.etas[10] == 0.2 and e.etas[1] == 0.02
    assert round(cost(10, 3), 3) == round(best, 3) == 0.096 and round(cost(n, 3), 3) == 0.138
    assert round(cost(n, 10), 3) == 0.096 and cost(n, 5) > cost(n, 10)
    assert all(0.13 <= cost(m, 1) <= 0.20 for m in (1, 2, 5, 10, 20, 50))
    assert round(cost(100, 1), 2) == 0.20 and round(cost(n, 1), 2) == 0.83
    assert all(cost(m, 2) <= 0.1015 for m in (1, 2, 5, 10, 20, 50))
    per_step = {m: e.paths[m].costs[1:4] for m in e.batch_sizes}
    assert all(np.all(per_step[m] > per_step[n]) for m in (1, 2, 5, 10, 20, 50)), "per step the full batch leads"
    assert per_step[100][1] < per_step[n][1], "m = 100 edges ahead from its second step"


def test_batch_size_pictures_use_one_colour_per_batch_size():
    import matplotlib.pyplot as plt
    from nnlib import plots
    plots.use_style()
    model = toy()
    paths = [L.minibatch_descent(model, eta, m, epochs=2) for m, eta in ((1, 0.02), (10, 0.2), (200, 1.5))]
    surface = (*L.grid(model.cost, model.xlim, model.ylim, 20), model.best(), ("w", "b"))
    fig = plots.batch_size_paths(surface, paths, ["a", "b", "c"], n=model.n)
    pick = lambda ax: [l for l in ax.get_lines() if l.get_label() in ("a", "b", "c")]
    left, right = pick(fig.axes[0]), pick(fig.axes[1])
    assert len(left) == len(right) == 3
    for p, l1, l2 in zip(paths, left, right):
        want = plots.batch_color(p.batch_size, model.n)
        assert matplotlib.colors.same_color(l1.get_color(), want) and matplotlib.colors.same_color(l2.get_color(), want)
    assert np.allclose(right[0].get_xdata(), paths[0].epochs * model.n), "x axis: examples processed"
    assert len({plots.batch_color(m) for m in (1, 2, 5, 10, 20, 50, 100)} | {plots.batch_color(200, 200)}) == 8
    plt.close(fig)
    fig = plots.batch_size_tradeoff([1, 3, 10, 30, 100, 300, 1000, 2000], [0.3, 0.1, 0.04, 0.02, 0.015, 0.014, 0.011, 0.019],
                                    [0.25, 0.25, 0.27, 0.33, 0.42, 0.45, 0.49, 0.9], [0.6] * 8)
    fig.canvas.draw()
    for ax in fig.axes[:2]:
        for axis in (ax.xaxis, ax.yaxis):
            assert all(not t.get_text() for t in axis.get_minorticklabels()), "no minor tick labels to overlap"
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["1", "3", "10", "30", "100", "300", "1k", "2k"], labels
    plt.close(fig)
