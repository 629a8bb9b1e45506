"""Notebook 9 (hyperparameters): the momentum explorer's valley and paths, the schedules explorer's
runs, both explorers' compute/update/readout (no browser), and the sweep picture."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nnlib import Network, fit, load_digits, plots  # noqa: E402
from nnlib.train import constant, cosine, exponential, step_decay  # noqa: E402
from nnlib.widgets import momentum as M  # noqa: E402
from nnlib.widgets import schedules as S  # noqa: E402


# ---- the valley and the paths -----------------------------------------------------------------
def test_valley_gradient_matches_finite_differences():
    w, h = np.array([-2.3, 0.7]), 1e-6
    numeric = [(M.valley_cost(*(w + h * e)) - M.valley_cost(*(w - h * e))) / (2 * h) for e in np.eye(2)]
    assert np.allclose(M.valley_gradient(w), numeric, atol=1e-5)
    assert M.valley_cost(0.0, 0.0) == 0


def test_plain_path_is_w_minus_eta_times_gradient():
    path, cost = M.descent_path(0.03, steps=5)
    w = M.START.copy()
    for k in range(1, 6):
        w = w - 0.03 * M.valley_gradient(w)
        assert np.allclose(path[k], w)
    assert np.allclose(cost, M.valley_cost(path[:, 0], path[:, 1]))


def test_momentum_path_follows_the_velocity_equations():
    mu, eta = 0.8, 0.02
    path, _ = M.descent_path(eta, mu, steps=20)
    w, v = M.START.copy(), np.zeros(2)
    for k in range(1, 21):
        v = mu * v - eta * M.valley_gradient(w)      # v <- mu v - eta grad C
        w = w + v                                     # w <- w + v
        assert np.allclose(path[k], w)


def test_nesterov_path_is_the_look_ahead_form_of_the_notebooks_equations():
    """The notebook writes v <- mu v - eta grad C(w + mu v), w <- w + v; nnlib's SGD keeps the
    look-ahead point p = w + mu v as the weights. The two must give the same points."""
    mu, eta = 0.9, 0.02
    path, _ = M.descent_path(eta, mu, nesterov=True, steps=30)
    w, v = M.START.copy(), np.zeros(2)
    for k in range(1, 31):
        v = mu * v - eta * M.valley_gradient(w + mu * v)
        w = w + v
        assert np.allclose(path[k], w + mu * v)


@pytest.mark.parametrize("mu, nesterov", [(0.0, False), (0.5, False), (0.9, False), (0.5, True), (0.9, True)])
def test_eta_limit_separates_converging_from_diverging(mu, nesterov):
    limit = M.eta_limit(mu, nesterov)
    below, cb = M.descent_path(0.95 * limit, mu, nesterov, steps=400)
    above, ca = M.descent_path(1.05 * limit, mu, nesterov, steps=400)
    assert len(below) == 401 and cb[-1] < 1e-3 * cb[0], "just below the limit: converges"
    assert len(above) < 401 or ca[-1] > ca[0], "just above the limit: diverges"


def test_eta_limit_values_and_bad_mu():
    assert M.eta_limit() == pytest.approx(2 / 50)                       # plain: 2 / h2
    assert M.eta_limit(0.9) == pytest.approx(2 * 1.9 / 50)
    assert M.eta_limit(0.9, nesterov=True) == pytest.approx(2 * 1.9 / (2.8 * 50))
    for bad in (1.0, -0.1):
        with pytest.raises(ValueError, match="mu must be in"):
            M.eta_limit(bad)


def test_diverging_path_stops_with_finite_numbers():
    path, cost = M.descent_path(0.05)                # above 2 / h2 = 0.04
    assert len(path) < M.STEPS + 1 and np.all(np.isfinite(path)) and np.all(np.isfinite(cost))
    assert M._status(path, cost).startswith("diverged after")


# ---- the momentum explorer --------------------------------------------------------------------
def test_momentum_compute():
    ex = M.MomentumExplorer()
    r0 = ex.compute(mu=0.0, eta=0.03, method="Nesterov momentum")
    assert r0["method"] == "plain" and not r0["nesterov"]
    assert np.array_equal(r0["path"], r0["plain"]), "mu = 0 is plain gradient descent"
    r = ex.compute(mu=0.7, eta=0.03, method="momentum (heavy ball)")
    assert r["status"] == r["plain_status"] == "converging"
    assert r["cost"][-1] < 1e-3 * r["plain_cost"][-1], "momentum gets much further in 50 steps"
    rn = ex.compute(mu=0.9, eta=0.02, method="Nesterov momentum")
    assert rn["nesterov"] and not np.array_equal(rn["path"], ex.compute(mu=0.9, eta=0.02, method="momentum (heavy ball)")["path"])
    rd = ex.compute(mu=0.5, eta=0.05, method="momentum (heavy ball)")
    assert rd["plain_status"].startswith("diverged") and rd["status"] == "converging"


def test_momentum_update_moves_artists_and_reads_out():
    ex = M.MomentumExplorer(mu=0.7, eta=0.03)
    text, line = ex.readout.value, ex.mom_line.get_xydata().copy()
    assert "μ = 0.70" in text and "η/(1−μ) = 0.1 " in text
    ex.set(mu=0.3)
    r = ex.result
    assert ex.readout.value != text and "μ = 0.30" in ex.readout.value
    assert not np.array_equal(ex.mom_line.get_xydata(), line)
    assert np.allclose(ex.mom_line.get_xydata(), M._visible(r["path"]))
    assert np.allclose(ex.plain_line.get_xydata(), M._visible(r["plain"]))
    assert np.allclose(ex.mom_cost_line.get_ydata(), np.clip(r["cost"], 1e-8, 1e5))
    assert f"C = {r['cost'][-1]:.2g} after {M.STEPS} steps" in ex.readout.value
    png = ex.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_momentum_readout_reports_divergence_with_its_limit():
    ex = M.MomentumExplorer(mu=0.9, eta=0.05)
    text = ex.readout.value
    assert "plain: <b>diverged after" in text and "above 0.040" in text
    assert "its path leaves the picture" in text                  # mu = 0.9 overshoots past w1 = 3.5
    # the whole cost curve is drawn even where the path has left the picture
    assert len(ex.mom_cost_line.get_xdata()) == M.STEPS + 1 > len(ex.mom_line.get_xdata())
    ex.set(method="Nesterov momentum", eta=0.03)
    assert "Nesterov μ = 0.90: <b>diverged" in ex.readout.value and "above 0.027" in ex.readout.value
    ex.set(eta=0.02)
    assert "Nesterov μ = 0.90: C = " in ex.readout.value


def test_momentum_redraw_reuses_its_figure():
    before = plt.get_fignums()
    ex = M.MomentumExplorer()
    n_lines = [len(ax.lines) for ax in ex.fig.axes]
    fig = ex.fig
    for mu in (0.0, 0.5, 0.95):
        ex.set(mu=mu)
    assert ex.fig is fig and [len(ax.lines) for ax in ex.fig.axes] == n_lines
    assert plt.get_fignums() == before, "the explorer never opens pyplot figures"
    assert ex.redraws == 4
    with pytest.raises(ValueError, match="outside the slider's range"):
        ex.set(mu=1.5)


# ---- schedules ----------------------------------------------------------------------------------
def test_make_schedules_are_the_notebooks_schedules():
    made = S.make_schedules(3.0, 12)
    notebook = {"constant": constant(3.0), "step": step_decay(3.0, drop=0.5, every=4),
                "exponential": exponential(3.0, gamma=0.75), "cosine": cosine(3.0, 12)}
    assert list(made) == list(S.NAMES)
    for name in S.NAMES:
        assert [made[name](t) for t in range(12)] == pytest.approx([notebook[name](t) for t in range(12)])
    assert made["step"](3) == 3.0 and made["step"](4) == 1.5 and made["step"](8) == 0.75
    assert made["cosine"](0) == 3.0 and made["cosine"](12) == pytest.approx(0.0)


@pytest.fixture(scope="module")
def runs():
    (X, y), (Xv, yv), _ = load_digits(validation=100)
    return S.schedule_runs(X[:200], y[:200], Xv, yv, eta=1.0, epochs=6, batch_size=20, hidden=5)


def test_schedule_runs_differ_only_in_the_schedule(runs):
    assert set(runs) == set(S.NAMES)
    for r in runs.values():
        assert r["diverged"] is None and len(r["eta"]) == len(r["val_cost"]) == len(r["val_accuracy"]) == 6
    # step halves eta after every 6 // 3 = 2 epochs: until then it is the constant run exactly
    assert runs["step"]["val_cost"][:2] == runs["constant"]["val_cost"][:2]
    assert runs["step"]["val_cost"][2:] != runs["constant"]["val_cost"][2:]
    assert runs["constant"]["eta"] == [1.0] * 6


def test_schedules_explorer_update_and_readout(runs):
    ex = S.SchedulesExplorer(runs, schedule="constant")
    before = plt.get_fignums()
    n_lines = [len(ax.lines) for ax in ex.fig.axes]
    texts = set()
    for name in S.NAMES:
        ex.set(schedule=name)
        r = runs[name]
        assert np.allclose(ex.eta_line.get_ydata(), r["eta"])
        assert np.allclose(ex.cost_line.get_ydata(), r["val_cost"])
        best = int(np.argmin(r["val_cost"]))
        assert ex.best_dot.get_xdata()[0] == best + 1 and ex.best_dot.get_ydata()[0] == r["val_cost"][best]
        text = ex.readout.value
        assert text.startswith(f"{name}:") and f"{r['val_cost'][-1]:.3f}" in text and f"{r['val_accuracy'][-1]:.1%}" in text
        texts.add(text)
    assert len(texts) == 4
    assert [len(ax.lines) for ax in ex.fig.axes] == n_lines and plt.get_fignums() == before
    assert ex.render()[:8] == b"\x89PNG\r\n\x1a\n"


def test_schedules_explorer_reports_a_diverged_run(runs):
    broken = {name: dict(r) for name, r in runs.items()}
    broken["constant"] = dict(runs["constant"], val_cost=runs["constant"]["val_cost"][:2],
                              val_accuracy=runs["constant"]["val_accuracy"][:2],
                              diverged="training diverged in epoch 3: the cost became inf. The learning rate eta=1 is too large")
    ex = S.SchedulesExplorer(broken, schedule="constant")
    assert "diverged in epoch 3" in ex.readout.value and "eta=1" in ex.readout.value
    assert len(ex.best_dot.get_xdata()) == 0 and len(ex.cost_line.get_xdata()) == 2
    ex.set(schedule="cosine")
    assert "cosine:" in ex.readout.value and len(ex.best_dot.get_xdata()) == 1


def test_schedules_explorer_needs_every_schedule(runs):
    with pytest.raises(ValueError, match="runs has no cosine"):
        S.SchedulesExplorer({k: v for k, v in runs.items() if k != "cosine"})
    with pytest.raises(ValueError, match="not one of the choices"):
        S.SchedulesExplorer(runs, schedule="linear")


# ---- the sweep picture ------------------------------------------------------------------------
def test_sweep_curves():
    (X, y), (Xv, yv), _ = load_digits(validation=100)
    hs = {f"η = {eta}": fit(Network([784, 5, 10], seed=0), X[:100], y[:100], epochs=3, batch_size=10,
                            eta=eta, validation=(Xv, yv), progress=False) for eta in (0.1, 1.0)}
    fig = plots.sweep_curves(hs, title="t")
    ax_a, ax_c = fig.axes
    for i, h in enumerate(hs.values()):
        assert np.allclose(ax_a.lines[i].get_ydata(), np.array(h.val_accuracy) * 100)
        assert np.allclose(ax_c.lines[i].get_ydata(), h.train_cost)
        assert ax_a.lines[i].get_linestyle() == ax_c.lines[i].get_linestyle()
    assert ax_a.lines[0].get_linestyle() != ax_a.lines[1].get_linestyle()   # more than colour
    assert ax_c.get_yscale() == "log" and ax_c.get_legend() is None
    assert [t.get_text() for t in ax_a.get_legend().get_texts()] == list(hs)
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one run"):
        plots.sweep_curves({})
    with pytest.raises(ValueError, match="validation="):
        plots.sweep_curves({"no validation": fit(Network([784, 5, 10], seed=0), X[:20], y[:20], epochs=1,
                                                 progress=False)})
