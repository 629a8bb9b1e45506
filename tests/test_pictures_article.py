"""The pictures of notebooks 01, 02 and 04 (nnlib.plots) draw the data they are given, and the
intuitive 'wishes' of nnlib.nudges are the negative gradient that Network.backprop computes."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from nnlib import Network, plots  # noqa: E402
from nnlib.nudges import average_wishes, output_nudges, wishes  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    plots.use_style()
    yield
    plt.close("all")


def neuron_columns(ax):
    """The scatter collections that _neuron_columns draws (filled circles with a colour array)."""
    return [c for c in ax.collections if isinstance(c, PathCollection) and c.get_array() is not None]


def rng_digits(n, seed=0):
    return np.random.default_rng(seed).random((n, 784))


# ---- digits ----------------------------------------------------------------------------------
def test_digits_draws_each_image_with_its_label():
    X = rng_digits(10)
    fig = plots.digits(X, labels=list(range(10)), ncols=4)
    axes = fig.axes
    assert len(axes) == 12  # 3 rows x 4 columns, two left empty
    shown = [ax for ax in axes if ax.images]
    assert len(shown) == 10
    for i, ax in enumerate(shown):
        assert np.array_equal(ax.images[0].get_array(), X[i].reshape(28, 28))
        assert ax.get_title() == str(i)
    assert all(not ax.axison for ax in axes[10:])


def test_digits_marks_wrong_predictions():
    X = rng_digits(3)
    fig = plots.digits(X, labels=[1, 2, 3], predictions=[1, 5, 3])
    titles = [ax.title for ax in fig.axes]
    assert [t.get_text() for t in titles] == ["1 → 1", "2 → 5", "3 → 3"]
    assert matplotlib.colors.same_color(titles[1].get_color(), plots.COLORS["vermillion"])
    assert not matplotlib.colors.same_color(titles[0].get_color(), plots.COLORS["vermillion"])


def test_digits_rejects_non_square_rows():
    with pytest.raises(ValueError, match="one per row"):
        plots.digits(np.zeros((28, 28)))


# ---- sigmoid ---------------------------------------------------------------------------------
def test_sigmoid_curve_is_the_sigmoid_and_marks_the_points():
    fig = plots.sigmoid_curve(points=[-2.0, 0.0, 3.0])
    ax = fig.axes[0]
    curve = ax.lines[0]
    z, a = curve.get_data()
    assert np.allclose(a, 1 / (1 + np.exp(-z)))
    marks = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(marks) == 1
    assert np.allclose(marks[0].get_xdata(), [-2, 0, 3])
    assert np.allclose(marks[0].get_ydata(), 1 / (1 + np.exp(-np.array([-2.0, 0.0, 3.0]))))


# ---- the forward pass --------------------------------------------------------------------------
def test_network_activations_lights_each_neuron_with_its_activation():
    net = Network([784, 16, 16, 10], seed=1)
    x = rng_digits(1)[0]
    _, a = net.trace(x)
    fig = plots.network_activations(a)
    ax_in, ax = fig.axes[0], fig.axes[1]
    assert np.array_equal(ax_in.images[0].get_array(), x.reshape(28, 28))
    cols = neuron_columns(ax)
    assert [len(c.get_offsets()) for c in cols] == [16, 16, 10]
    for col, values in zip(cols, a[1:]):
        assert np.allclose(col.get_array(), values)
        assert (col.norm.vmin, col.norm.vmax) == (0, 1)
    # the prediction is ringed: an unfilled circle at the most active output neuron
    rings = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_array() is None]
    assert len(rings) == 1
    best = int(np.argmax(a[-1]))
    assert np.allclose(rings[0].get_offsets()[0], cols[-1].get_offsets()[best])
    texts = [t.get_text() for t in ax.texts]
    assert [str(d) for d in range(10)] == texts[0::2]
    assert texts[1::2] == [f"{v:.2f}" for v in a[-1]]
    assert str(best) in fig._suptitle.get_text()


def test_network_activations_without_an_image_draws_every_layer_as_a_column():
    a = [np.array([0.0, 1.0, 0.5]), np.array([0.2, 0.8]), np.array([0.9])]
    fig = plots.network_activations(a, labels=["yes"])
    cols = neuron_columns(fig.axes[0])
    assert [len(c.get_offsets()) for c in cols] == [3, 2, 1]


def test_network_activations_rejects_a_batch():
    with pytest.raises(ValueError, match="ONE example"):
        plots.network_activations([np.zeros((2, 784)), np.zeros((2, 10))])


# ---- the cost --------------------------------------------------------------------------------
def test_output_vs_target_bars_are_the_output_and_the_target():
    a = np.linspace(0.05, 0.95, 10)
    y = np.eye(10)[3]
    fig = plots.output_vs_target(a, y)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 20
    assert np.allclose([b.get_height() for b in bars[:10]], a)
    assert np.allclose([b.get_height() for b in bars[10:]], y)
    # the desired values are also drawn as ticks, so that desired 0s are visible
    ticks = ax.collections[0].get_segments()
    assert np.allclose([s[0][1] for s in ticks], y)
    assert len(ax.get_legend().get_texts()) == 2
    with pytest.raises(ValueError, match="one desired"):
        plots.output_vs_target(a, np.eye(9)[3])


def test_cost_vs_activation_draws_every_curve_in_its_panel():
    a = np.linspace(0.01, 0.99, 50)
    costs = {"quadratic": {1: (a - 1) ** 2, 0: a ** 2}, "cross-entropy": {1: -np.log(a), 0: -np.log(1 - a)}}
    slopes = {"quadratic": {1: a + 1, 0: a + 2}, "cross-entropy": {1: a + 3, 0: a + 4}}
    fig = plots.cost_vs_activation(a, costs, slopes)
    assert len(fig.axes) == 4
    top_left, top_right, bottom_left, bottom_right = fig.axes
    assert np.allclose(top_left.lines[0].get_ydata(), (a - 1) ** 2)
    assert np.allclose(top_right.lines[1].get_ydata(), -np.log(1 - a))
    assert np.allclose(bottom_left.lines[1].get_ydata(), a + 3)
    assert np.allclose(bottom_right.lines[0].get_ydata(), a + 2)
    # the two costs differ in line style, not only in colour
    assert top_left.lines[0].get_linestyle() != top_left.lines[1].get_linestyle()
    assert len(plots.cost_vs_activation(a, costs).axes) == 2


# ---- the nudges ------------------------------------------------------------------------------
def test_output_nudges_draws_an_arrow_per_visible_nudge():
    a = np.array([0.1, 0.8, 0.5, 0.2])
    y = np.array([0.0, 0.0, 1.0, 0.2])
    d = y - a
    fig = plots.output_nudges(a, y, d)
    ax = fig.axes[0]
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 3  # neuron 3 is on target: no arrow
    for arrow, j in zip(arrows, [0, 1, 2]):
        assert np.allclose(arrow.xy, (j, a[j] + d[j]))
        assert np.allclose(arrow.xyann, (j, a[j]))
    values = [t.get_text() for t in ax.texts if getattr(t, "arrow_patch", None) is None]
    assert values == ["-0.10", "-0.80", "+0.50", "0.00"]
    assert np.allclose([p.get_height() for p in ax.patches if isinstance(p, Rectangle)][:4], a)


def test_network_nudges_colours_each_column_on_its_own_symmetric_scale():
    nudges = [np.linspace(-0.01, 0.03, 16), np.linspace(-0.2, 0.1, 16), np.array([0.5, -0.9, 0.0])]
    fig = plots.network_nudges(rng_digits(1)[0], nudges)
    ax = fig.axes[1]
    cols = neuron_columns(ax)
    assert [len(c.get_offsets()) for c in cols] == [16, 16, 3]
    for col, v in zip(cols, nudges):
        assert np.allclose(col.get_array(), v)
        assert np.isclose(col.norm.vmax, np.abs(v).max()) and np.isclose(col.norm.vmin, -np.abs(v).max())
        assert col.get_cmap().name == plots.CMAP_DIVERGING
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "largest 0.03" in ticks[0] and "largest 0.9" in ticks[2]


def test_wishes_matrix_shows_every_wish_and_their_sum():
    m = np.arange(12.0).reshape(3, 4) - 5
    fig = plots.wishes_matrix(m)
    ax, ax_sum = fig.axes[0], fig.axes[1]
    assert np.array_equal(ax.images[0].get_array(), m)
    assert np.array_equal(ax_sum.images[0].get_array(), m.sum(axis=0)[None])
    s = max(np.abs(m).max(), np.abs(m.sum(axis=0)).max())
    assert ax.images[0].norm.vmin == -s and ax.images[0].norm.vmax == s
    with pytest.raises(ValueError, match="matrix"):
        plots.wishes_matrix(np.zeros(4))


def test_agreement_scatters_the_pairs_over_the_diagonal():
    x = np.array([0.0, 1.0, -2.0])
    fig = plots.agreement(x, 2 * x, "first", "second")
    ax = fig.axes[0]
    assert np.allclose(ax.collections[0].get_offsets(), np.c_[x, 2 * x])
    diag = ax.lines[0]
    assert np.allclose(diag.get_xdata(), diag.get_ydata())
    assert ax.get_xlabel() == "first" and ax.get_ylabel() == "second"
    with pytest.raises(ValueError, match="equal-length"):
        plots.agreement(x, x[:2], "a", "b")


# ---- nnlib.nudges: the video's story gives backprop's numbers --------------------------------
@pytest.mark.parametrize("sizes,hidden", [([784, 16, 16, 10], "sigmoid"), ([5, 4, 3], "tanh"),
                                          ([3, 6, 2, 4, 2], "relu")])
def test_one_examples_wishes_are_minus_its_gradient(sizes, hidden):
    rng = np.random.default_rng(3)
    net = Network(sizes, hidden=hidden, seed=2)
    x = rng.random(sizes[0])
    label = sizes[-1] - 1
    wish = wishes(net, x, label)
    nabla_w, nabla_b, delta = net.backprop(x[None], [label], return_deltas=True)
    for l in range(len(sizes) - 1):
        assert np.allclose(wish.weights[l], -nabla_w[l])
        assert np.allclose(wish.biases[l], -nabla_b[l])
        assert np.allclose(wish.z[l], -delta[l][0])
        # the previous layer's wishes are the column sums of what each neuron wants of it
        if l > 0:
            assert np.allclose(wish.per_neuron[l].sum(axis=0), wish.activations[l - 1])
    _, a = net.trace(x)
    assert np.allclose(wish.activations[-1], np.eye(sizes[-1])[label] - a[-1])


def test_a_desired_output_row_works_like_its_label():
    net = Network([6, 5, 3], seed=0)
    x = np.linspace(0, 1, 6)
    by_label, by_row = wishes(net, x, 1), wishes(net, x, np.array([0.0, 1.0, 0.0]))
    assert all(np.allclose(p, q) for p, q in zip(by_label.weights, by_row.weights))


def test_averaged_wishes_are_minus_the_batch_gradient():
    rng = np.random.default_rng(0)
    net = Network([8, 5, 4], seed=1)
    X, y = rng.random((7, 8)), rng.integers(0, 4, 7)
    mean_w, mean_b = average_wishes(net, X, y)
    nabla_w, nabla_b = net.backprop(X, y)
    assert all(np.allclose(m, -g) for m, g in zip(mean_w, nabla_w))
    assert all(np.allclose(m, -g) for m, g in zip(mean_b, nabla_b))
    # and it is not just any single example's wishes
    assert not np.allclose(mean_w[0], wishes(net, X[0], y[0]).weights[0])


def test_wishes_say_what_they_need():
    with pytest.raises(ValueError, match="cost='quadratic'"):
        wishes(Network([4, 3], cost="cross_entropy"), np.zeros(4), 0)
    with pytest.raises(ValueError, match="output='sigmoid'"):
        wishes(Network([4, 3], output="softmax"), np.zeros(4), 0)
    with pytest.raises(ValueError, match="average_wishes"):
        wishes(Network([4, 3]), np.zeros((2, 4)), 0)
    with pytest.raises(ValueError, match="one desired value"):
        output_nudges(np.zeros(3), np.zeros(4))
