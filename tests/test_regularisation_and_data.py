"""Notebooks 10 and 11: the regularisation study and explorer, the learning-curve script and its
committed output, and the pictures of both notebooks."""
import importlib.util
import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nnlib import Network, fit, load_digits, plots  # noqa: E402
from nnlib.widgets import regularisation as reg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CURVE = ROOT / "data" / "weights" / "learning-curve.json"


@pytest.fixture(scope="module")
def tiny_study():
    """A small, fast study: 200 digits, 3 epochs, 10 hidden neurons."""
    return reg.RegularisationStudy(n_train=200, n_val=100, hidden=10, epochs=3)


@pytest.fixture(scope="module")
def notebook_study():
    """The notebook's study (1,000 digits, 20 epochs) with the runs the notebook's claims rest on."""
    study = reg.RegularisationStudy()
    for kind, lam in (("L2", 0.0), ("L2", 1e-3), ("L1", 1e-3), ("L1", 1e-2), ("L1 clipped", 1e-3)):
        study.run(kind, lam)
    return study


# ---- the study and the explorer ---------------------------------------------------------------
def test_snap_to_the_grid_and_bad_lambdas():
    assert reg.snap(0) == 0.0
    assert reg.snap(1e-3) == pytest.approx(1e-3)
    assert reg.snap(3e-4) == pytest.approx(10 ** -3.5)
    assert reg.snap(1.0) == pytest.approx(1e-2)          # beyond the grid: its end
    for bad in (-1e-3, float("nan"), "big"):
        with pytest.raises(ValueError, match="lambda must be a number >= 0"):
            reg.snap(bad)


def test_study_caches_runs_and_rejects_unknown_kinds(tiny_study):
    a = tiny_study.run("L2", 1e-3)
    assert tiny_study.run("L2", 1.1e-3) is a               # snapped to the same grid point
    assert tiny_study.run("L1", 0) is tiny_study.run("L2", 0)  # lambda = 0 is one run
    with pytest.raises(ValueError, match="choose one of L2, L1"):
        tiny_study.run("L3", 1e-3)
    with pytest.raises(ValueError, match="n_train must be"):
        reg.RegularisationStudy(n_train=0)


def test_compute_changes_with_lambda_and_kind(tiny_study):
    ex = reg.RegularisationExplorer(tiny_study, kind="L2", lam=1e-4)
    results = {}
    for kind in reg.KINDS:
        for lam in (reg.LAMBDAS[0], reg.LAMBDAS[-1]):  # the slider's two ends
            r = ex.compute(kind=kind, lam=lam)
            assert r["diverged"] is None
            assert len(r["train"]) == len(r["val"]) == tiny_study.epochs
            assert r["hist"].sum() == tiny_study.sizes[0] * tiny_study.sizes[1]
            results[kind, lam] = r
    lo, hi = reg.LAMBDAS[0], reg.LAMBDAS[-1]
    for kind in reg.KINDS:  # stronger regularisation: more weights pushed to (nearly) zero
        assert results[kind, hi]["near_zero"] > results[kind, lo]["near_zero"]
        assert not np.array_equal(results[kind, hi]["hist"], results[kind, lo]["hist"])
    assert not np.array_equal(results["L1", hi]["hist"], results["L2", hi]["hist"])


def test_update_moves_artists_and_reads_out(tiny_study):
    ex = reg.RegularisationExplorer(tiny_study)
    ex.set(kind="L1", lam=1e-2)
    r = ex.result
    assert np.allclose(ex.val_line.get_ydata(), r["val"])
    assert np.allclose(ex.train_line.get_ydata(), r["train"])
    assert np.allclose(ex.stairs.get_data().values, np.minimum(r["hist"], ex.ax_w.get_ylim()[1]))
    text = ex.readout.value
    assert "L1, λ = 0.01" in text and f"{r['val'][-1]:.1%}" in text and f"{r['near_zero']:.1%}" in text
    ex.set(kind="L2", lam=1e-4)
    assert "L2, λ = 0.0001" in ex.readout.value and ex.readout.value != text
    png = ex.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_diverging_run_is_reported_not_plotted():
    study = reg.RegularisationStudy(n_train=100, n_val=50, hidden=5, epochs=2, eta=1e6)
    ex = reg.RegularisationExplorer(study, kind="L2", lam=1e-2)
    assert ex.result["diverged"] is not None
    assert "diverged" in ex.readout.value and "eta=" in ex.readout.value
    assert len(ex.val_line.get_xdata()) == 0 and not ex.stairs.get_data().values.any()


def test_record_checks_that_a_run_matches(tiny_study):
    net = Network([784, 7, 10], seed=0)
    with pytest.raises(ValueError, match="does not match the study"):
        tiny_study.record("L2", 0, net, fit(net, tiny_study.X[:20], tiny_study.y[:20], epochs=1, progress=False))


def test_l1_makes_more_weights_near_zero_than_l2(notebook_study):
    """The notebook's claim, on its own runs: at the same strength lambda = 1e-3, L1 switches
    many first-layer weights off (|w| <= eta*lambda = 1e-3), L2 hardly any, and L2 raises
    validation accuracy."""
    none, l2, l1 = (notebook_study.run(k, lam) for k, lam in (("L2", 0), ("L2", 1e-3), ("L1", 1e-3)))
    assert l1["near_zero"] > 0.2
    assert l1["near_zero"] > 10 * max(l2["near_zero"], 1e-3)
    assert np.median(np.abs(l2["weights"])) < np.median(np.abs(none["weights"]))  # L2 shrinks them all
    gap = lambda r: r["history"].train_accuracy[-1] - r["history"].val_accuracy[-1]  # noqa: E731
    assert none["history"].train_accuracy[-1] > 0.97 and gap(none) > 0.1           # it overfits
    assert l2["history"].val_accuracy[-1] > none["history"].val_accuracy[-1] + 0.02
    assert gap(l2) < gap(none)


def test_soft_threshold_and_clipped_l1_steps_by_hand():
    """ClippedL1 as a fit() callback is the proximal step: the plain step on C_0, then every weight
    moved eta*lam towards 0 and stopped there. Checked against three steps by hand."""
    w = np.array([-2.0, -0.004, 0.0, 0.0004, 0.5])
    assert np.allclose(reg.soft_threshold(w, 0.001), [-1.999, -0.003, 0.0, 0.0, 0.499])
    for bad in (0, -1e-3, float("nan"), "1e-3"):
        with pytest.raises(ValueError, match="ClippedL1 needs a strength"):
            reg.ClippedL1(bad)
    (X, y), _ = load_digits()
    X, y = X[:30], y[:30]
    net = Network([784, 6, 10], seed=1)
    by_hand = net.copy()
    lam, eta = 0.02, 0.5
    fit(net, X, y, epochs=1, batch_size=10, eta=eta, shuffle=False, evaluate=False, progress=False,
        callback=reg.ClippedL1(lam))
    for k in range(0, 30, 10):
        nabla_w, nabla_b = by_hand.backprop(X[k:k + 10], y[k:k + 10])
        for l in range(len(by_hand.weights)):
            by_hand.weights[l] = reg.soft_threshold(by_hand.weights[l] - eta * nabla_w[l], eta * lam)
            by_hand.biases[l] = by_hand.biases[l] - eta * nabla_b[l]
    for a, b in zip(net.weights + net.biases, by_hand.weights + by_hand.biases):
        assert np.allclose(a, b, atol=1e-12)
    assert (net.weights[0] == 0).mean() > 0.01 and not (net.biases[0] == 0).any()   # 3 pulls of 0.01


def test_l1_claims_of_notebook_10(notebook_study):
    """Plain L1 never lands on 0 but gathers weights within one pull (eta*lambda) of it, more at a
    larger lambda; clipped L1 puts them at exactly 0; after 1,000 steps at eta*lambda = 0.001 the
    blank pixels' weights at 0 are exactly those that started below 1.0 in size."""
    study = notebook_study
    l1, l1_hi = study.run("L1", 1e-3), study.run("L1", 1e-2)
    clip, l2 = study.run("L1 clipped", 1e-3), study.run("L2", 1e-3)
    assert l1["zero"] == 0 and l2["zero"] == 0 and clip["zero"] > 0.3
    assert l1_hi["near_zero"] > l1["near_zero"] > 10 * l2["near_zero"]
    blank = study.X.max(axis=0) == 0
    w0 = study.network().weights[0][:, blank]
    steps = study.epochs * int(np.ceil(len(study.X) / study.batch_size))
    started_small = np.abs(w0) < steps * study.eta * 1e-3
    # the same weights, but for a few that started within float32 rounding of the threshold
    assert np.mean((clip["weights"][:, blank] == 0) != started_small) < 0.002


def test_readme_strength_convention_matches_backprop():
    """nnlib's l2 is lambda without 1/n: the gradient gains exactly lambda * w, biases none."""
    (X, y), _ = load_digits()
    net = Network([784, 5, 10], seed=0)
    w0, b0 = net.backprop(X[:30], y[:30])
    w1, b1 = net.backprop(X[:30], y[:30], l2=0.1)
    assert all(np.allclose(a - b, 0.1 * w) for a, b, w in zip(w1, w0, net.weights))
    assert all(np.array_equal(a, b) for a, b in zip(b1, b0))


# ---- the learning curve -----------------------------------------------------------------------
def _script():
    spec = importlib.util.spec_from_file_location("learning_curve", ROOT / "scripts" / "learning_curve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_learning_curve_has_its_format():
    curve = json.loads(CURVE.read_text())
    sizes, acc = curve["sizes"], np.array(curve["accuracy"])
    assert sizes == sorted(sizes) and sizes[0] == 100 and sizes[-1] == 8000
    assert acc.shape == (len(sizes), len(curve["seeds"]))
    assert np.all((acc > 0.1) & (acc <= 1))
    assert np.allclose(curve["mean_accuracy"], acc.mean(axis=1), atol=1e-4)
    assert curve["epochs"] == [_script().epochs_for(n) for n in sizes]
    for key in ("hidden", "output", "cost", "init", "batch_size", "eta", "dtype", "steps"):
        assert key in curve["settings"]


def test_every_point_of_the_learning_curve_got_the_same_steps():
    """Notebook 11 says every network trained for the same number of steps: the epochs the
    script ran times the mini-batches per epoch is that number, for every size."""
    curve = json.loads(CURVE.read_text())
    m, steps = curve["settings"]["batch_size"], curve["settings"]["steps"]
    assert curve["steps"] == [e * -(-n // m) for n, e in zip(curve["sizes"], curve["epochs"])]
    assert set(curve["steps"]) == {steps}


def test_training_error_and_the_gap_of_notebook_10():
    """Training accuracy is at least the test accuracy for every run, and the gap closes with data."""
    curve = json.loads(CURVE.read_text())
    test, train = np.array(curve["accuracy"]), np.array(curve["train_accuracy"])
    assert train.shape == test.shape and np.all(train >= test)
    gap = (train - test).mean(axis=1)
    assert gap[0] > 0.2 and gap[-1] < 0.05 and gap[-1] < gap[0] / 4


def test_augmentation_runs_compare_like_with_like():
    """The shifted runs are the n = 1,000 runs again (same seeds, hence same subsets and starting
    weights, same steps) with shifts only."""
    curve = json.loads(CURVE.read_text())
    aug = curve["augmented"]
    assert aug["seeds"] == curve["seeds"] and aug["n"] in curve["sizes"]
    assert aug["epochs"] == curve["epochs"][curve["sizes"].index(aug["n"])]
    assert len(aug["accuracy"]) == len(curve["seeds"])


def test_learning_curve_rises_with_data():
    mean = np.array(json.loads(CURVE.read_text())["mean_accuracy"])
    assert mean[-1] - mean[0] > 0.1                      # 8,000 digits beat 100 by far
    assert np.sum(np.diff(mean) < 0) <= 1                 # monotone, but for at most one wobble
    assert all(mean[i + 2] > mean[i] for i in range(len(mean) - 2))


def test_script_reproduces_the_committed_numbers(tmp_path):
    """A tiny rerun (n = 100, seed 0) writes the same format and the committed accuracy."""
    out = tmp_path / "curve.json"
    _script().main(["--sizes", "100", "--seeds", "0", "--out", str(out)])
    tiny, committed = json.loads(out.read_text()), json.loads(CURVE.read_text())
    assert tiny["sizes"] == [100] and tiny["seeds"] == [0] and len(tiny["accuracy"]) == 1
    assert set(tiny) == set(committed) - {"mnist_60000"}
    assert set(tiny["augmented"]) == set(committed["augmented"])
    assert tiny["settings"] == committed["settings"]
    assert tiny["accuracy"][0][0] == pytest.approx(committed["accuracy"][0][0], abs=0.01)


def test_script_rejects_impossible_sizes():
    with pytest.raises(ValueError, match="a training-set size must be from 1 to 8000"):
        _script().subset(9000, 0, 8000)


# ---- pictures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def history():
    (X, y), (Xv, yv), _ = load_digits(validation=100)
    net = Network([784, 5, 10], seed=0)
    return fit(net, X[:100], y[:100], epochs=4, batch_size=10, eta=1.0, validation=(Xv, yv), progress=False)


def test_train_validation_curves(history):
    fig = plots.train_validation_curves(history, best_epoch=2, stopped_epoch=4)
    ax_a, ax_c = fig.axes
    assert np.allclose(ax_a.lines[0].get_ydata(), history.train_accuracy)
    assert np.allclose(ax_a.lines[1].get_ydata(), history.val_accuracy)
    assert np.allclose(ax_c.lines[1].get_ydata(), history.val_cost)
    assert any("epoch 2" in t.get_text() for t in ax_a.get_legend().get_texts())
    plt.close(fig)
    empty = type(history)()
    with pytest.raises(ValueError, match="validation="):
        plots.train_validation_curves(empty)


def test_weight_magnitudes_counts_near_zero():
    w = np.array([0.0, 1e-5, -5e-4, 0.2, -3.0])
    fig = plots.weight_magnitudes({"a": w, "b": w * 1000})
    assert "3 of 5 below 0.001" in fig.axes[0].get_title()
    assert "1 of 5 below 0.001" in fig.axes[1].get_title()   # only the exact 0 stays small
    plt.close(fig)


def test_regularisation_sweep_and_accuracy_curves(history):
    fig = plots.regularisation_sweep([1e-4, 1e-3], {"L2": [0.8, 0.9], "L1": [0.7, 0.6]}, baseline=0.75)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and list(ax.lines[0].get_ydata()) == [0.8, 0.9]
    assert ax.lines[-1].get_ydata()[0] == 0.75
    plt.close(fig)
    fig = plots.accuracy_curves({"A": history, "B": history, "C": history})
    assert [a.get_title() for a in fig.axes] == ["A", "B", "C"]
    plt.close(fig)


def test_learning_curve_picture():
    fig = plots.learning_curve([100, 1000], {"x": [0.7, 0.9]}, spread={"x": ([0.6, 0.85], [0.75, 0.95])},
                               extra={"plus": (1000, 0.92)}, fit=(1.0, 0.3))
    ax_a, ax_e = fig.axes
    assert ax_a.get_xscale() == "log" and ax_e.get_yscale() == "log"
    assert np.allclose(ax_e.lines[0].get_ydata(), [0.3, 0.1])          # error = 1 - accuracy
    assert ax_a.lines[1].get_ydata()[0] == 0.92
    n, err = ax_e.lines[-1].get_data()
    assert np.allclose(err, 1.0 * n ** -0.3) and n.min() < 100 and n.max() > 1000
    plt.close(fig)


@pytest.mark.parametrize("name", ["09-hyperparameters", "10-regularisation", "11-need-for-data"])
def test_every_figure_of_notebooks_09_to_11_has_alt_text(name):
    """The alt convention: a code cell whose saved outputs hold images carries metadata "alt", one
    description per image, in output order, none of them a stand-in."""
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        images = sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        alt = cell["metadata"].get("alt")
        if images:
            assert isinstance(alt, list) and len(alt) == images, f"{name} cell {i}: {images} images, alt {alt!r}"
            for text in alt:
                assert len(text) > 60 and "PLACEHOLDER" not in text and not text.lower().startswith("image"), \
                    f"{name} cell {i}: alt text {text!r}"
