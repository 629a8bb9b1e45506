"""Notebooks 5 and 8: the chain rule on one neuron per layer (against finite differences),
nnlib.source (the backprop equations shown from the library's own code), and the two explorers
(compute, update and readout, called directly)."""
import numpy as np
import pytest

from nnlib import Network, gradcheck, source
from nnlib.widgets.chain import ChainExplorer, chain, chain_gradient, finite_difference
from nnlib.network import INITS
from nnlib.widgets.depth import ACTIVATIONS, MAX_DEPTH, DepthExplorer, DepthStudy, smooth

BP = ("(BP1)", "(BP2)", "(BP3)", "(BP4)")


# ---- the chain rule, one neuron per layer ------------------------------------------------------
@pytest.mark.parametrize("w, a_prev, b, y", [(1.5, 0.8, 0.0, 0.2), (-3.0, 0.3, 1.0, 1.0),
                                              (4.0, 1.0, -2.0, 0.0), (0.0, 0.0, 0.5, 0.7)])
def test_chain_rule_matches_finite_differences(w, a_prev, b, y):
    g = chain_gradient(w, a_prev, b, y)
    cost = lambda w_, a_, b_: chain(w_, a_, b_, y)[2]
    assert g["dc_dw"] == pytest.approx(finite_difference(lambda v: cost(v, a_prev, b), w), abs=1e-8)
    assert g["dc_db"] == pytest.approx(finite_difference(lambda v: cost(w, a_prev, v), b), abs=1e-8)
    assert g["dc_da_prev"] == pytest.approx(finite_difference(lambda v: cost(w, v, b), a_prev), abs=1e-8)
    assert g["dc_dw"] == pytest.approx(g["dz_dw"] * g["da_dz"] * g["dc_da"])


def test_chain_agrees_with_nnlib_backprop():
    """nnlib's quadratic cost has a 1/2 the video's C_0 does not: its gradient is half of ours."""
    net = Network([1, 1], cost="quadratic", seed=3)
    w, b, a_prev, y = float(net.weights[0][0, 0]), float(net.biases[0][0]), 0.6, 0.1
    nabla_w, nabla_b = net.backprop(np.array([[a_prev]]), np.array([[y]]))
    g = chain_gradient(w, a_prev, b, y)
    assert nabla_w[0][0, 0] == pytest.approx(g["dc_dw"] / 2)
    assert nabla_b[0][0] == pytest.approx(g["dc_db"] / 2)


def test_gradcheck_on_a_small_network():
    rng = np.random.default_rng(0)
    net = Network([4, 3, 3, 2], seed=0)
    assert gradcheck(net, rng.random((5, 4)), rng.integers(0, 2, 5)) < 1e-7


def test_sigmoid_slope_never_exceeds_a_quarter():
    z = np.linspace(-10, 10, 2001)
    slope = chain_gradient(1.0, 1.0, z - 1.0, 0.0)["da_dz"]  # z = w a + b = z
    assert slope.max() == pytest.approx(0.25) and slope.min() > 0


# ---- nnlib.source ------------------------------------------------------------------------------
def test_source_finds_the_four_backprop_lines():
    lines = {m: source.marked_lines(Network._backprop, m) for m in BP}
    assert all(len(v) == 1 for v in lines.values()), lines
    assert "delta[-1]" in lines["(BP1)"][0] and "cost_fn.delta" in lines["(BP1)"][0]
    assert "delta[l + 1] @ w[l + 1]" in lines["(BP2)"][0] and "prime" in lines["(BP2)"][0]
    assert "nabla_b" in lines["(BP3)"][0]
    assert "nabla_w" in lines["(BP4)"][0] and "a_in" in lines["(BP4)"][0]
    assert all(not line.startswith(" ") for v in lines.values() for line in v)  # dedented


def test_source_context_and_line_numbers():
    block = source.marked_lines(Network._backprop, "(BP2)", before=1, with_numbers=True)
    assert block[0][1].startswith("for l in range(")
    assert block[1][0] == block[0][0] + 1
    import inspect
    file_lines = open(inspect.getsourcefile(Network)).read().splitlines()
    assert "# (BP2)" in file_lines[block[1][0] - 1]  # numbers are the file's own line numbers


def test_source_missing_marker_fails_clearly():
    with pytest.raises(ValueError, match=r"no comment containing '\(BP5\)'.*Network._backprop.*Put the comment"):
        source.marked_lines(Network._backprop, "(BP5)")
    with pytest.raises(ValueError, match="non-empty string"):
        source.marked_lines(Network._backprop, "")
    with pytest.raises(ValueError, match="cannot read the source"):
        source.marked_lines(len, "(BP1)")
    with pytest.raises(ValueError, match="at least one marker"):
        source.show(Network._backprop)


def test_markers_only_count_in_comments():
    def f():
        s = "# (XX1) in a string is not a marker"
        t = 1  # (XX1) the real one
        return s, t

    assert source.marked_lines(f, "(XX1)") == ["t = 1  # (XX1) the real one"]
    with pytest.raises(ValueError):
        source.marked_lines(f, "(XX2)")


def test_show_prints_each_block(capsys):
    source.show(Network._backprop, *BP)
    out = capsys.readouterr().out
    assert all(m in out for m in BP) and out.count("\n\n") == 3


# ---- the chain explorer ------------------------------------------------------------------------
def test_chain_explorer_compute_and_readout_follow_the_slider():
    e = ChainExplorer()
    r1 = e.compute(w=1.0, a_prev=0.8, y=0.2)
    r2 = e.compute(w=-2.0, a_prev=0.8, y=0.2)
    assert r1["dc_dw"] != r2["dc_dw"] and r1["cost"] != r2["cost"]
    assert r1["dc_dw"] == pytest.approx(r1["numeric"], abs=1e-7)
    e.set(w=1.0)
    text1 = e.readout.value
    e.set(w=-2.0)
    assert e.readout.value != text1 and "finite difference" in e.readout.value
    assert e.tangent.get_xdata()[0] == pytest.approx(-2.0 - 1.5)
    assert e.point.get_ydata()[0] == pytest.approx(r2["cost"])
    assert e.bars[3].get_height() == pytest.approx(r2["dc_dw"])


@pytest.mark.parametrize("values", [dict(w=-4.0, a_prev=0.0, y=0.0), dict(w=4.0, a_prev=1.0, y=1.0),
                                    dict(w=4.0, a_prev=1.0, y=0.0), dict(w=-4.0, a_prev=1.0, y=1.0)])
def test_chain_explorer_extreme_ends(values):
    e = ChainExplorer().set(**values)
    r = e.result
    assert np.isfinite(r["curve"]).all() and np.isfinite(r["dc_dw"])
    assert 0 <= r["cost"] <= 1 and e.readout.value
    if values["a_prev"] == 0.0:
        assert r["dc_dw"] == 0.0  # an input of 0: the weight has no effect at all
    png = e.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_chain_explorer_rejects_bad_settings():
    with pytest.raises(ValueError, match="unknown setting"):
        ChainExplorer(weight=1.0)
    with pytest.raises(ValueError, match="finite"):
        ChainExplorer(b=float("nan"))


# ---- the depth explorer ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def study():
    rng = np.random.default_rng(0)  # a tiny synthetic task: fast, and enough to compare layers
    X = rng.random((120, 20))
    y = (X[:, :10].sum(axis=1) > 5).astype(int) + 2 * (X[:, 10:].sum(axis=1) > 5).astype(int)
    return DepthStudy(X, y, n_train=120, width=8, epochs=2, batch_size=20, eta=0.1)


def test_depth_study_runs_are_cached(study):
    run = study.run("sigmoid", "scaled", 3)
    assert run["grad_rms"].shape == (study.steps, 4)
    assert study.run("sigmoid", "scaled", 3) is run
    assert len(study.runs) >= 1


def test_depth_study_precompute_trains_every_combination_the_explorer_offers(study):
    small = DepthStudy(study.X, study.y, n_train=40, width=4, epochs=1, batch_size=20, eta=0.1)
    assert small.precompute() is small
    offered = {(a, i, d) for a in ACTIVATIONS for i in INITS for d in range(1, MAX_DEPTH + 1)}
    assert set(small.runs) == offered
    e = DepthExplorer(study=small)
    before = dict(small.runs)
    e.set(activation="relu", init="he", depth=MAX_DEPTH)
    assert small.runs == before and "relu" in e.readout.value  # looked up, nothing trained


def test_depth_study_sigmoid_gradients_shrink_toward_the_input(study):
    g = study.run("sigmoid", "scaled", 5)["grad_rms"][:3].mean(axis=0)
    hidden = g[1:]  # layer 1 sees the raw inputs, not sigmoid outputs: leave it out
    assert np.all(np.diff(hidden) > 0), f"expected growing gradients toward the output, got {g}"


@pytest.fixture(scope="module")
def diverging(study):
    """Linear hidden layers and a huge learning rate: the weights blow up within a few steps."""
    return DepthStudy(study.X, study.y, n_train=len(study.X), width=8, epochs=1, batch_size=20, eta=100.0)


def test_depth_study_reports_divergence(diverging):
    run = diverging.run("identity", "normal", 4)
    assert run["diverged"] and "learning rate" in run["diverged"] and run["grad_rms"] is None


def test_depth_study_rejects_bad_input(study):
    with pytest.raises(ValueError, match="unknown activation"):
        study.run("swish", "he", 3)
    with pytest.raises(ValueError, match="unknown init"):
        study.run("relu", "xavier", 3)
    with pytest.raises(ValueError, match="depth"):
        study.run("relu", "he", 0)
    with pytest.raises(ValueError, match="n_train"):
        DepthStudy(study.X, study.y, n_train=10_000)


def test_depth_explorer_follows_its_controls(study):
    e = DepthExplorer(study=study, depth=3)
    assert ("sigmoid", "scaled", 3) in study.runs  # the default is computed at construction
    text = e.readout.value
    assert "sigmoid" in text and "3 hidden layers" in text
    e.set(activation="relu", init="he")
    assert "relu" in e.readout.value and e.readout.value != text
    assert len(e.first.get_xdata()) == 4
    e.set(depth=1)
    assert len(e.first.get_xdata()) == 2 and "1 hidden layer:" in e.readout.value.replace("</b>", "")
    e.set(depth=10)
    assert len(e.first.get_xdata()) == 11
    assert np.all(np.asarray(e.first.get_ydata()) > 0)  # drawable on the log scale


def test_depth_explorer_cached_redraw_reuses_the_run(study):
    e = DepthExplorer(study=study, depth=2)
    e.set(activation="tanh")
    run = study.runs[("tanh", "scaled", 2)]
    e.set(activation="sigmoid")
    e.set(activation="tanh")
    assert study.runs[("tanh", "scaled", 2)] is run and e.last_seconds is not None


def test_depth_explorer_shows_divergence_in_the_readout(diverging):
    e = DepthExplorer(study=diverging, depth=4)
    assert len(e.first.get_xdata()) == 5
    text = e.update(e.compute(activation="identity", init="normal", depth=4))  # not in the menu
    assert "diverged" in text and "learning rate" in text
    assert len(e.first.get_xdata()) == 0 and "diverged" in e.message.get_text()
    e.set(activation="tanh")
    assert "diverged" not in e.readout.value and e.message.get_text() == ""


def test_smooth_is_a_running_mean():
    assert np.allclose(smooth([1, 3, 5, 7], k=2), [1, 2, 4, 6])
