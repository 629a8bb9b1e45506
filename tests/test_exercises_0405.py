"""Notebooks 04 and 05: the exercises' checkers, mistake by mistake, and the claims the notebooks
make about what the learner's code will do.

05.backprop is tested with learner-style implementations written here (not the checker's own
reference variants): each typical mistake must be caught with a hint that names it, and every
correct way of writing backprop (vectorised over rows, a loop over examples, einsum, the column
formulation, tuples, float32) must pass.
"""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from nnlib import Network, load_digits
from nnlib.exercises import check, get
from nnlib.exercises import nb04, nb05
from nnlib.gradcheck import numerical_gradient

REPO = Path(__file__).resolve().parent.parent
NB05 = REPO / "notebooks" / "05-chain-rule.ipynb"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---- a learner's backprop, with the typical mistakes as switches --------------------------------
def learner_backprop(weights, biases, X, Y, mistake=None):
    """Backprop as a learner fills in the notebook's skeleton; `mistake` injects one error."""
    a, z = [X], []
    for w, b in zip(weights, biases):
        z.append(a[-1] @ w.T + b)
        a.append(sigmoid(z[-1]))
    L, n = len(weights), len(X)
    delta = [None] * L
    gap = {"video C0": 2 * (a[-1] - Y), "y - a in BP1": Y - a[-1],
           "an extra 1/2 in BP1": 0.5 * (a[-1] - Y)}.get(mistake, a[-1] - Y)
    if mistake == "no sigma' in BP1":
        delta[-1] = gap
    elif mistake == "sigma for sigma' in BP1":
        delta[-1] = gap * a[-1]
    else:
        delta[-1] = gap * a[-1] * (1 - a[-1])
    for l in range(L - 2, 0 if mistake == "BP2 loop stops before layer 0" else -1, -1):
        if mistake == "no sigma' in BP2":
            delta[l] = delta[l + 1] @ weights[l + 1]
        elif mistake == "w instead of w^T":
            delta[l] = (delta[l + 1] @ weights[l + 1].T) * a[l + 1] * (1 - a[l + 1])
        elif mistake == "weights[l] in BP2":
            delta[l] = (delta[l + 1] @ weights[l]) * a[l + 1] * (1 - a[l + 1])
        elif mistake == "slope of the wrong layer":
            delta[l] = (delta[l + 1] @ weights[l + 1]) * a[l + 2] * (1 - a[l + 2])
        elif mistake == "slope a[l] (the video's a^(l) read as code)":
            delta[l] = (delta[l + 1] @ weights[l + 1]) * a[l] * (1 - a[l])
        elif mistake == "sigma for sigma' in BP2":
            delta[l] = (delta[l + 1] @ weights[l + 1]) * a[l + 1]
        else:
            delta[l] = (delta[l + 1] @ weights[l + 1]) * a[l + 1] * (1 - a[l + 1])
    if mistake == "sum over the batch":
        return [d.T @ a_in for d, a_in in zip(delta, a)], [d.sum(axis=0) for d in delta]
    if mistake == "a[l - 1] in BP4 (the video's a^(l-1) read as code)":
        return [d.T @ a[l - 1] / n for l, d in enumerate(delta)], [d.mean(axis=0) for d in delta]
    if mistake == "returns (nabla_b, nabla_w)":
        return [d.mean(axis=0) for d in delta], [d.T @ a_in / n for d, a_in in zip(delta, a)]
    if mistake == "output activation in BP4":
        return [d.T @ a[l + 1] / n for l, d in enumerate(delta)], [d.mean(axis=0) for d in delta]
    if mistake == "nabla_w transposed":
        return [a_in.T @ d / n for d, a_in in zip(delta, a)], [d.mean(axis=0) for d in delta]
    if mistake == "nabla_b kept 2-D":
        return [d.T @ a_in / n for d, a_in in zip(delta, a)], [d.mean(axis=0, keepdims=True) for d in delta]
    if mistake == "nabla_b per example":
        return [d.T @ a_in / n for d, a_in in zip(delta, a)], list(delta)
    if mistake == "only nabla_w":
        return [d.T @ a_in / n for d, a_in in zip(delta, a)]
    if mistake == "mean of nabla_b only summed":
        return [d.T @ a_in / n for d, a_in in zip(delta, a)], [d.sum(axis=0) for d in delta]
    return [d.T @ a_in / n for d, a_in in zip(delta, a)], [d.mean(axis=0) for d in delta]


MISTAKES = {  # mistake -> fragments its hint must contain (case-insensitive)
    "no sigma' in BP2": ["sigma'", "BP2"],
    "no sigma' in BP1": ["sigma'", "BP1"],
    "w instead of w^T": ["transpose"],
    "sum over the batch": ["sum", "mean"],
    "video C0": ["C_0", "1/2"],
    "weights[l] in BP2": ["off by one", "BP2", "weights[l + 1]"],
    "slope of the wrong layer": ["off by one", "BP2", "a[l+1]"],
    "output activation in BP4": ["off by one", "BP4", "feeds"],
    "nabla_w transposed": ["nabla_w[", "shape", "transpose"],
    "nabla_b kept 2-D": ["nabla_b[", "shape", "axis=0"],
    "nabla_b per example": ["nabla_b[", "shape", "average"],
    "only nabla_w": ["(nabla_w, nabla_b)"],
    "mean of nabla_b only summed": ["nabla_w is right", "nabla_b", "mean"],
    "y - a in BP1": ["wrong sign", "(a - y)"],
    "an extra 1/2 in BP1": ["half nnlib's", "1/2"],
    "sigma for sigma' in BP1": ["sigma(z) = a where its slope belongs", "BP1"],
    "sigma for sigma' in BP2": ["sigma(z) = a where its slope belongs", "BP2"],
    "slope a[l] (the video's a^(l) read as code)": ["off by one", "BP2", "a[l+1] (1 - a[l+1])", "input"],
    "a[l - 1] in BP4 (the video's a^(l-1) read as code)": ["off by one", "BP4", "feeds", "not a[l - 1]"],
    "returns (nabla_b, nabla_w)": ["swapped", "(nabla_w, nabla_b)"],
    "BP2 loop stops before layer 0": ["still None", "range(L - 2, -1, -1)"],
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_backprop_mistake_is_caught_and_named(mistake):
    f = lambda W, B, X, Y: learner_backprop(W, B, X, Y, mistake=mistake)
    for _ in range(3):  # fresh random networks at every check: the diagnosis must not be luck
        feedback = check("05.backprop", f)
        assert feedback.status == "wrong", f"{mistake!r} passed the check"
        for fragment in MISTAKES[mistake]:
            assert fragment.lower() in feedback.message.lower(), \
                f"{mistake!r}: the hint should mention {fragment!r}: {feedback.message}"


def test_wrong_shape_hint_says_which_array_and_both_shapes():
    f = lambda W, B, X, Y: learner_backprop(W, B, X, Y, mistake="nabla_w transposed")
    message = check("05.backprop", f).message
    assert re.search(r"nabla_w\[\d\] has shape \(\d+, \d+\), but it must have the shape of weights\[\d\], \(\d+, \d+\)",
                     message), message


def hard_coded_two_hidden_layers(weights, biases, X, Y):
    """Works for [n_in, h1, h2, n_out] only: indexes weights[2] directly."""
    a1 = sigmoid(X @ weights[0].T + biases[0])
    a2 = sigmoid(a1 @ weights[1].T + biases[1])
    a3 = sigmoid(a2 @ weights[2].T + biases[2])
    d3 = (a3 - Y) * a3 * (1 - a3)
    d2 = (d3 @ weights[2]) * a2 * (1 - a2)
    d1 = (d2 @ weights[1]) * a1 * (1 - a1)
    n = len(X)
    return [d1.T @ X / n, d2.T @ a1 / n, d3.T @ a2 / n], [d1.mean(0), d2.mean(0), d3.mean(0)]


def test_an_exception_in_the_learners_code_is_reported_with_the_network_it_failed_on():
    feedback = check("05.backprop", hard_coded_two_hidden_layers)
    assert feedback.status == "wrong"
    assert "raised IndexError" in feedback.message
    assert "1 hidden layer" in feedback.message and "sizes [" in feedback.message
    assert "line" in feedback.message  # where in the learner's code


def test_a_transpose_that_crashes_on_non_square_layers_is_still_named():
    """Column-formulation learner who writes w @ delta for BP2: on square layers it runs (and is
    matched), on non-square ones numpy raises; the hint names the transpose either way."""
    def columns_wrong(weights, biases, X, Y):
        a, z = [X.T], []
        for w, b in zip(weights, biases):
            z.append(w @ a[-1] + b[:, None])
            a.append(sigmoid(z[-1]))
        n = X.shape[0]
        delta = [None] * len(weights)
        delta[-1] = (a[-1] - Y.T) * a[-1] * (1 - a[-1])
        for l in range(len(weights) - 2, -1, -1):
            delta[l] = (weights[l + 1] @ delta[l + 1]) * a[l + 1] * (1 - a[l + 1])   # needs .T
        return [d @ a_in.T / n for d, a_in in zip(delta, a)], [d.mean(axis=1) for d in delta]

    feedback = check("05.backprop", columns_wrong)
    assert feedback.status == "wrong" and "transpose" in feedback.message.lower(), feedback.message


# ---- correct ways of writing it -----------------------------------------------------------------
def loop_then_mean(weights, biases, X, Y):
    """One example at a time (1-D vectors), then the mean over the batch."""
    sums_w = [np.zeros_like(w) for w in weights]
    sums_b = [np.zeros_like(b) for b in biases]
    for x, y in zip(X, Y):
        a = [x]
        for w, b in zip(weights, biases):
            a.append(sigmoid(w @ a[-1] + b))
        delta = (a[-1] - y) * a[-1] * (1 - a[-1])
        for l in range(len(weights) - 1, -1, -1):
            sums_w[l] += np.outer(delta, a[l])
            sums_b[l] += delta
            if l:
                delta = (weights[l].T @ delta) * a[l] * (1 - a[l])
    return [s / len(X) for s in sums_w], [s / len(X) for s in sums_b]


def with_einsum(weights, biases, X, Y):
    a = [X]
    for w, b in zip(weights, biases):
        a.append(sigmoid(np.einsum("jk,nk->nj", w, a[-1]) + b))
    delta = (a[-1] - Y) * a[-1] * (1 - a[-1])
    nabla_w, nabla_b = [], []
    for l in range(len(weights) - 1, -1, -1):
        nabla_w.insert(0, np.einsum("nj,nk->jk", delta, a[l]) / len(X))
        nabla_b.insert(0, delta.mean(axis=0))
        delta = np.einsum("nj,jk->nk", delta, weights[l]) * a[l] * (1 - a[l])
    return tuple(nabla_w), tuple(nabla_b)


def column_formulation(weights, biases, X, Y):
    """Examples as columns (Nielsen's style), the sigmoid's slope from z, a tuple returned."""
    a, zs = [X.T], []
    for w, b in zip(weights, biases):
        zs.append(w @ a[-1] + b[:, None])
        a.append(sigmoid(zs[-1]))
    prime = lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2
    n = X.shape[0]
    delta = [None] * len(weights)
    delta[-1] = (a[-1] - Y.T) * prime(zs[-1])
    for l in range(len(weights) - 2, -1, -1):
        delta[l] = (weights[l + 1].T @ delta[l + 1]) * prime(zs[l])
    return tuple(d @ a_in.T / n for d, a_in in zip(delta, a)), tuple(d.sum(axis=1) / n for d in delta)


def in_float32(weights, biases, X, Y):
    nabla_w, nabla_b = nb05.backprop([w.astype(np.float32) for w in weights],
                                     [b.astype(np.float32) for b in biases],
                                     X.astype(np.float32), Y.astype(np.float32))
    return nabla_w, nabla_b


def as_generators(weights, biases, X, Y):
    """Returns generators (map, a generator expression), which can be read only once."""
    nabla_w, nabla_b = nb05.backprop(weights, biases, X, Y)
    return (g for g in nabla_w), map(np.asarray, nabla_b)


def with_sigmoid_prime_of_z(weights, biases, X, Y):
    """The slope from z (sigmoid(z) * (1 - sigmoid(z))), columns via explicit transposes, and the
    per-example outer products averaged with np.mean."""
    a, z = [X], []
    for w, b in zip(weights, biases):
        z.append(a[-1] @ w.T + b)
        a.append(sigmoid(z[-1]))
    prime = lambda v: sigmoid(v) * (1 - sigmoid(v))
    delta = [None] * len(weights)
    delta[-1] = (a[-1] - Y) * prime(z[-1])
    for l in reversed(range(len(weights) - 1)):
        delta[l] = (weights[l + 1].T @ delta[l + 1].T).T * prime(z[l])
    return ([np.mean([np.outer(d[i], a_in[i]) for i in range(len(X))], axis=0) for d, a_in in zip(delta, a)],
            [d.sum(axis=0) / len(X) for d in delta])


@pytest.mark.parametrize("f", [nb05.backprop, loop_then_mean, with_einsum, column_formulation, in_float32,
                               learner_backprop, as_generators, with_sigmoid_prime_of_z],
                         ids=["reference", "loop then mean", "einsum", "columns", "float32", "learner",
                              "generators", "prime of z"])
def test_every_correct_backprop_passes(f):
    for _ in range(3):
        feedback = check("05.backprop", f)
        assert feedback.passed, f"{f.__name__}: {feedback}"


def test_the_reference_is_nnlibs_backprop_and_finite_differences():
    rng = np.random.default_rng(5)
    for sizes, n in [([3, 5, 2], 1), ([4, 6, 3, 5, 2], 4), ([2, 3, 3, 3, 2], 7)]:
        weights, biases, X, Y = nb05._bp_case(sizes, n, rng)
        got_w, got_b = nb05.backprop(weights, biases, X, Y)
        want_w, want_b = nb05._bp_truth(weights, biases, X, Y)
        for g, w in zip(got_w + got_b, want_w + want_b):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)
        net = Network(sizes, seed=0)
        net.weights, net.biases = weights, biases
        for g, p in zip(got_w + got_b, weights + biases):
            np.testing.assert_allclose(g, numerical_gradient(lambda: net.cost(X, Y), p), rtol=1e-5, atol=1e-9)


def test_the_unfilled_template_is_not_attempted():
    """The notebook's skeleton (forward pass written, BP1..BP4 as ...) says 'not attempted'."""
    cells = json.loads(NB05.read_text())["cells"]
    template = next("".join(c["source"]) for c in cells
                    if c["cell_type"] == "code" and "".join(c["source"]).startswith("def backprop("))
    assert "(BP1)" in template and "(BP4)" in template and template.count("= ...") == 4
    namespace = {"np": np, "sigmoid": sigmoid}
    exec(template, namespace)
    assert check("05.backprop", namespace["backprop"]).status == "todo"


def test_backprop_solution_explains_its_lines():
    source = get("05.backprop").solution.__doc__ + open(nb05.__file__).read()
    for word in ("(BP1)", "(BP2)", "(BP3)", "(BP4)", "MEAN", "FEEDS"):
        assert word in source


# ---- the notebook's claims about training and timing ---------------------------------------------
def text_of(cell):
    return "".join("".join(o.get("text", "")) for o in cell["outputs"])


def notebook_cell(marker):
    cells = json.loads(NB05.read_text())["cells"]
    found = [c for c in cells if c["cell_type"] == "code" and marker in "".join(c["source"])]
    assert len(found) == 1, marker
    return found[0]


def test_the_notebooks_sgd_loop_with_a_correct_backprop_reaches_90_percent():
    """The loop exactly as written in notebook 05, run with the reference backprop: the notebook
    promises more than 90 % on the test digits."""
    namespace = {"np": np, "Network": Network, "load_digits": load_digits}
    exec("".join(notebook_cell("def sgd(backprop")["source"]), namespace)
    net = namespace["sgd"](nb05.backprop)
    _, (X_test, y_test) = load_digits()
    assert net.accuracy(X_test, y_test) > 0.90


def test_the_training_cell_refuses_to_train_before_the_check_passes():
    out = text_of(notebook_cell('feedback = check("05.backprop"'))
    assert "Nothing trained yet" in out and "accuracy" not in out


def test_printed_times_are_caught_by_the_nbval_sanitizer():
    cfg = (REPO / "tests" / "nbval-sanitize.cfg").read_text().splitlines()
    pairs = [(cfg[i].split(": ", 1)[1], cfg[i + 1].split(": ", 1)[1])
             for i in range(len(cfg) - 1) if cfg[i].startswith("regex:")]
    out = text_of(notebook_cell("def one_evaluation_of_central_differences"))
    assert out.count("per step") == 2
    for pattern, replacement in pairs:
        out = re.sub(pattern, replacement, out)
    assert out.count("TIME-PER-UNIT") == 2, out


# ---- 05.dc_dw_prev, 05.five_slopes -------------------------------------------------------------
@pytest.mark.parametrize("case", nb05._CASES2 + [(0.3, -0.4, 2.0, 0.9, -1.5, 0.6)])
def test_dc_dw_prev_reference_matches_finite_differences(case):
    a2, wp, bp, w, b, y = case
    cost = lambda v: (sigmoid(w * sigmoid(v * a2 + bp) + b) - y) ** 2
    eps = 1e-6
    assert nb05.dc_dw_prev(*case) == pytest.approx((cost(wp + eps) - cost(wp - eps)) / (2 * eps), abs=1e-8)


def test_dc_dw_prev_accepts_other_correct_forms():
    def with_exp(a2, wp, bp, w, b, y):
        z1 = wp * a2 + bp
        z2 = w * (1 / (1 + np.exp(-z1))) + b
        s = lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2
        return float(a2 * s(z1) * w * s(z2) * 2 * (1 / (1 + np.exp(-z2)) - y))
    assert check("05.dc_dw_prev", with_exp).passed


@pytest.mark.parametrize("answer", [0.25 ** 5, 1 / 1024, np.float32(1 / 1024), lambda: (1 / 4) ** 5, 9.765625e-4])
def test_five_slopes_accepts_every_exact_form(answer):
    assert check("05.five_slopes", answer).passed


@pytest.mark.parametrize("answer, hint", [(0.001, "rounded"), (0.00098, "rounded"), (1024, "below 1"),
                                          (True, "number"), ("a lot", "number")])
def test_five_slopes_rejects_rounded_and_reciprocal(answer, hint):
    feedback = check("05.five_slopes", answer)
    assert feedback.status == "wrong" and hint in feedback.message.lower()


# ---- 04 ------------------------------------------------------------------------------------------
def test_output_nudge_accepts_lists_and_rejects_a_one_hot_only_formula():
    assert check("04.output_nudge", lambda a, y: list(y - a)).passed
    one_hot_only = lambda a, y: np.where(y == 1, 1 - a, -a)
    feedback = check("04.output_nudge", one_hot_only)
    assert feedback.status == "wrong" and "one-hot" in feedback.message


@pytest.mark.parametrize("answer", [1, np.int64(1), 1.0])
def test_strongest_weight_accepts_the_index_in_any_integer_form(answer):
    assert check("04.strongest_weight", answer).passed


@pytest.mark.parametrize("answer", [True, 1.5, "1", 7])
def test_strongest_weight_rejects_non_indices(answer):
    assert check("04.strongest_weight", answer).status == "wrong"


def test_strongest_weight_message_is_not_the_hebbian_slogan():
    message = check("04.strongest_weight", 1).message
    assert "fire together" not in message and "brightest" in message
    assert nb04.A_PREV.argmax() == 1


def test_scaled_weights_are_why_the_loop_starts_small():
    """Notebook 05: 'with N(0, 1) weights this network learns more slowly' in the same budget."""
    namespace = {"np": np, "Network": Network, "load_digits": load_digits}
    source = "".join(notebook_cell("def sgd(backprop")["source"])
    assert 'init="scaled"' in source
    exec(source.replace('init="scaled", ', ""), namespace)
    _, (X_test, y_test) = load_digits()
    assert namespace["sgd"](nb05.backprop).accuracy(X_test, y_test) < 0.90


# ---- the notebooks' figures carry alt text; the new chain picture ----------------------------------
@pytest.mark.parametrize("name", ["04-backprop-intuition", "05-chain-rule"])
def test_every_figure_has_one_alt_text_per_image(name):
    cells = json.loads((REPO / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    for i, c in enumerate(cells):
        if c["cell_type"] != "code":
            continue
        images = sum("image/png" in o.get("data", {}) for o in c["outputs"])
        alt = c["metadata"].get("alt", [])
        assert len(alt) == images, f"{name} cell {i}: {images} images, {len(alt)} alt texts"
        assert all(len(a) > 40 and "image" not in a.lower().split()[:2] for a in alt), (name, i, alt)


def test_chain_diagram_one_layer_further_back():
    import matplotlib
    matplotlib.use("Agg")
    from nnlib import plots
    fig = plots.chain_diagram("w_prev")
    coloured = [t for t in fig.axes[0].texts if t.get_text().startswith("$\\frac")]
    assert len(coloured) == 5  # the five links from w^(L-1) to C_0
    with pytest.raises(ValueError, match="w_prev"):
        plots.chain_diagram("x")


# ---- the small exercises: mistakes found in review, each caught with its hint -----------------
def _sig(z):
    return 1 / (1 + np.exp(-z))


SMALL_MISTAKES = [
    ("05.dc_db", lambda w, ap, b, y: _sig(w * ap + b) * (1 - _sig(w * ap + b)) * 2 * (y - _sig(w * ap + b)), "wrong sign"),
    ("05.dc_db", lambda w, ap, b, y: _sig(w * ap + b) * 2 * (_sig(w * ap + b) - y), "sigma(z) = a where its slope belongs"),
    ("05.dc_da_prev", lambda w, ap, b, y: w * _sig(w * ap + b) * (1 - _sig(w * ap + b)) * 2 * (y - _sig(w * ap + b)), "wrong sign"),
    ("05.dc_da_prev", lambda w, ap, b, y: w * _sig(w * ap + b) * 2 * (_sig(w * ap + b) - y), "sigma(z) = a where its slope belongs"),
    ("05.dc_dw_prev", lambda a2, wp, bp, w, b, y: nb05.dc_dw_prev(a2, wp, bp, w, b, y) * wp / a2, "not the weight"),
    ("05.dc_dw_prev", lambda a2, wp, bp, w, b, y: nb05.dc_dw_prev(a2, wp, bp, w, b, y) / a2, "dC_0/db^(L-1)"),
    ("04.output_nudge", lambda a, y: (y - a) * a * (1 - a), "push on z"),
]


@pytest.mark.parametrize("name, f, fragment", SMALL_MISTAKES, ids=[f"{n}: {h}" for n, _, h in SMALL_MISTAKES])
def test_small_exercise_mistakes_found_in_review_are_named(name, f, fragment):
    feedback = check(name, f)
    assert feedback.status == "wrong" and fragment.lower() in feedback.message.lower(), feedback.message


SMALL_RIGHT = [
    ("05.dc_db", lambda w, ap, b, y: (lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)(w * ap + b) * 2 * (_sig(w * ap + b) - y)),
    ("05.dc_db", lambda w, ap, b, y: np.float32(nb05.dc_db(w, ap, b, y))),
    ("05.dc_da_prev", lambda w, ap, b, y: 2 * w * (_sig(w * ap + b) - y) * _sig(w * ap + b) * _sig(-(w * ap + b))),
    ("04.output_nudge", lambda a, y: [yj - aj for aj, yj in zip(a, y)]),
    ("04.output_nudge", lambda a, y: -(a - y)),
]


@pytest.mark.parametrize("name, f", SMALL_RIGHT, ids=[f"{n} #{i}" for i, (n, _) in enumerate(SMALL_RIGHT)])
def test_small_exercises_accept_other_correct_forms(name, f):
    assert check(name, f).passed


@pytest.mark.parametrize("highlight", ["w", "b", "a", "w_prev"])
def test_chain_diagram_link_labels_cross_no_arrow(highlight):
    """Review: the grey arrow from w^(L) ran through the label of the link a^(L-1) -> z^(L) (in the
    'a' and 'w_prev' pictures). No coloured link label may touch any arrow's line."""
    import matplotlib
    matplotlib.use("Agg")
    from nnlib import plots
    fig = plots.chain_diagram(highlight)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    labels = [t for t in ax.texts if t.get_text().startswith("$\\") and getattr(t, "arrow_patch", None) is None]
    assert labels
    for label in labels:
        box = label.get_window_extent(renderer)
        for arrow in arrows:   # sample the straight line from tail to head, in display coordinates
            tail, head = ax.transData.transform([arrow.xyann, arrow.xy])
            points = tail + np.linspace(0, 1, 400)[:, None] * (head - tail)
            inside = ((points[:, 0] > box.x0) & (points[:, 0] < box.x1) &
                      (points[:, 1] > box.y0) & (points[:, 1] < box.y1))
            assert not inside.any(), f"{label.get_text()} is crossed by the arrow {arrow.xyann} -> {arrow.xy}"


def test_an_answer_that_reads_the_notebooks_variables_is_named():
    """Review: a learner who writes `return da_dz * dC_da` (the notebook's globals for w = 1.5,
    a(L-1) = 0.8) is right on the notebook's numbers and wrong elsewhere; the hint must say why."""
    a = _sig(1.5 * 0.8)
    da_dz, dC_da = a * (1 - a), 2 * (a - 0.2)
    for name, f in [("05.dc_db", lambda w, a_prev, b, y: da_dz * dC_da),
                    ("05.dc_da_prev", lambda w, a_prev, b, y: 1.5 * da_dz * dC_da),
                    ("05.dc_dw_prev", lambda a2, wp, bp, w, b, y: nb05.dc_dw_prev(0.9, 1.2, 0.3, 1.5, 0.0, 0.2))]:
        feedback = check(name, f)
        assert feedback.status == "wrong" and "notebook's variables" in feedback.message, (name, feedback.message)
