"""What one output neuron wants of the layer before it, for one training example (notebook 4).

Pick an example and an output neuron j. With nnlib's cost C = 1/2 sum_j (a_j - y_j)^2:

    nudge of a_j        y_j - a_j                    (= -dC/da_j)
    wish for z_j        (y_j - a_j) sigma'(z_j)      (= -dC/dz_j; a push on z_j is only sigma'(z_j)
                                                      as effective on a_j), also the wish for b_j
    wish for w_jk       wish_z_j * a_k               (bright previous neurons: big changes)
    wish for a_k        wish_z_j * w_jk              (through strong connections: big wishes)

The picture: the digit, then neuron j's wishes for its 16 weights (with the previous activations
a_k under them) and for the 16 previous activations (with the weights w_jk under them). Every bar
keeps one fixed scale for all examples and neurons, so a neuron that is nearly right visibly
barely speaks; the readout gives the numbers.
"""
import numpy as np
from matplotlib.collections import PolyCollection

from .. import plots
from ..plots.network import _diverging_colors
from . import Explorer, selector, slider


def default_network():
    """The network of notebook 4: 784-16-16-10 (seed 0) after one epoch of SGD, and the first 200
    training digits. Used when the explorer is built without arguments."""
    from ..data import load_digits
    from ..network import Network
    from ..train import fit
    (X, y), _ = load_digits()
    net = Network([784, 16, 16, 10], seed=0)
    fit(net, X, y, epochs=1, batch_size=10, eta=3.0, progress=False, seed=0)
    return net, X[:200], y[:200]


def neuron_wishes(net, x, label, j):
    """One example's output neuron j: its state and its wishes for the last weight layer.
    Returns a dict; wish_w[k] = wish_z * a_k and wish_a[k] = wish_z * w_jk."""
    z, a = net.trace(x)
    out, a_prev = a[-1], a[-2]
    y = np.zeros(out.size)
    y[label] = 1.0
    slope = out[j] * (1 - out[j])                 # sigma'(z_j), written with a_j = sigma(z_j)
    nudge = y[j] - out[j]                          # the nudge neuron j wants of its activation
    wish_z = nudge * slope                         # ... of z_j, and of its bias b_j
    w_j = net.weights[-1][j]
    return {"a_j": float(out[j]), "y_j": float(y[j]), "slope": float(slope), "nudge": float(nudge),
            "wish_z": float(wish_z), "a_prev": a_prev, "w_j": w_j,
            "wish_w": wish_z * a_prev, "wish_a": wish_z * w_j,
            "prediction": int(np.argmax(out)), "output": out}


class WishesExplorer(Explorer):
    """Choose an example and an output neuron; see its wishes for the previous layer."""
    figsize = (10.0, 4.2)

    def __init__(self, net=None, X=None, y=None, **values):
        if net is None:
            if X is not None or y is not None:
                raise ValueError("give the network too: WishesExplorer(net, X, y), or nothing at all "
                                 "for notebook 4's network and digits.")
            net, X, y = default_network()
        if X is None or y is None:
            raise ValueError("give the examples and their labels: WishesExplorer(net, X, y).")
        if net.cost_fn.name != "quadratic" or net.output.name != "sigmoid" or len(net.sizes) < 3:
            raise ValueError("the wishes explorer follows notebook 4: a sigmoid network with the quadratic "
                             "cost and at least one hidden layer, e.g. Network([784, 16, 16, 10]).")
        X = net.check_inputs(X, batch=True)
        y = np.asarray(y)
        if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer) or \
                y.min() < 0 or y.max() >= net.sizes[-1]:
            raise ValueError(f"y must hold one integer label 0..{net.sizes[-1] - 1} per example "
                             f"(shape ({len(X)},)); got shape {y.shape}, dtype {y.dtype}.")
        self.net, self.X, self.y = net, X, y
        # One fixed scale per panel: the largest wish over every example and output neuron here.
        _, a = net.trace(X)
        out, a_prev = a[-1], a[-2]
        wish_z = (np.eye(net.sizes[-1])[y] - out) * out * (1 - out)              # (n, n_out)
        self._scale_w = float(np.abs(wish_z).max() * np.abs(a_prev).max()) or 1.0
        self._scale_a = float(np.abs(wish_z).max() * np.abs(net.weights[-1]).max()) or 1.0
        self._w_max = float(np.abs(net.weights[-1]).max()) or 1.0
        super().__init__(**values)

    def make_controls(self):
        n_out = self.net.sizes[-1]
        return {"example": slider("example", 0, 0, len(self.X) - 1, 1, width="360px"),
                "neuron": selector("output neuron j", [(str(j), j) for j in range(n_out)], value=0)}

    def compute(self, example, neuron):
        r = neuron_wishes(self.net, self.X[example], int(self.y[example]), neuron)
        r.update(example=example, neuron=neuron, label=int(self.y[example]), image=self.X[example])
        return r

    def setup(self, fig):
        n_prev = self.net.sizes[-2]
        grid = fig.add_gridspec(2, 3, width_ratios=[0.75, 1, 1], height_ratios=[4, 1])
        ax_img = fig.add_subplot(grid[:, 0])
        side = int(round(np.sqrt(self.net.sizes[0])))
        if side * side == self.net.sizes[0]:
            self.img = ax_img.imshow(np.zeros((side, side)), cmap=plots.CMAP_ACTIVATION, vmin=0, vmax=1)
            self.animate(self.img)
        else:
            self.img = None
        ax_img.set(xticks=[], yticks=[], title="the example")
        ax_img.grid(False)
        for spine in ax_img.spines.values():
            spine.set_visible(False)
        self.img_text = ax_img.text(0.5, -0.06, "", transform=ax_img.transAxes, ha="center", va="top",
                                    fontsize=12)
        self.animate(self.img_text)

        k = np.arange(n_prev)
        self.up, self.down = _diverging_colors()
        panels = []
        for col, (title, scale, strip_label) in enumerate(
                [("wishes for the weights $w_{jk}$", self._scale_w, "$a_k$"),
                 ("wishes for the activations $a_k$", self._scale_a, "$w_{jk}$")], start=1):
            ax = fig.add_subplot(grid[0, col])
            # one collection of rectangles, not 16 patches: one artist to redraw per panel
            bars = PolyCollection(self._bar_verts(np.zeros(n_prev)), facecolors=[self.up],
                                  edgecolors="black", linewidths=0.8)
            ax.add_collection(bars)
            ax.axhline(0, color="black", linewidth=1)
            ax.set(xlim=(-0.6, n_prev - 0.4), ylim=(-1.05 * scale, 1.05 * scale))
            ax.set_title(title, fontsize=13)
            ax.set_xticks(k, [])
            ax.set_ylabel("wish (down < 0 < up)" if col == 1 else "")
            strip_ax = fig.add_subplot(grid[1, col], sharex=ax)
            if col == 1:
                strip = strip_ax.imshow(np.zeros((1, n_prev)), cmap=plots.CMAP_ACTIVATION, vmin=0, vmax=1,
                                        aspect="auto", extent=(-0.5, n_prev - 0.5, 0, 1))
            else:
                strip = strip_ax.imshow(np.zeros((1, n_prev)), cmap=plots.CMAP_DIVERGING,
                                        vmin=-self._w_max, vmax=self._w_max, aspect="auto",
                                        extent=(-0.5, n_prev - 0.5, 0, 1))
            strip_ax.set_yticks([0.5], [strip_label])
            strip_ax.set_xticks(k[::3], [str(v) for v in k[::3]])
            strip_ax.set_xlabel("hidden neuron $k$ (last hidden layer)", fontsize=12)
            strip_ax.grid(False)
            for spine in strip_ax.spines.values():
                spine.set_visible(True)   # a frame, so white cells (a = 1) still show
            self.animate(bars, strip)
            panels.append((bars, strip))
        (self.bars_w, self.strip_a), (self.bars_a, self.strip_w) = panels

    @staticmethod
    def _bar_verts(values, width=0.8):
        return [[(k - width / 2, 0), (k - width / 2, v), (k + width / 2, v), (k + width / 2, 0)]
                for k, v in enumerate(values)]

    def update(self, r):
        if self.img is not None:
            side = self.img.get_array().shape[0]
            self.img.set_data(r["image"].reshape(side, side))
        self.img_text.set_text(f"a {r['label']}, read as {r['prediction']}")
        for bars, values in ((self.bars_w, r["wish_w"]), (self.bars_a, r["wish_a"])):
            bars.set_verts(self._bar_verts(values))
            bars.set_facecolors([self.up if v >= 0 else self.down for v in values])
        self.strip_a.set_data(r["a_prev"][None])
        self.strip_w.set_data(r["w_j"][None])
        kw = int(np.argmax(np.abs(r["wish_w"])))
        ka = int(np.argmax(np.abs(r["wish_a"])))
        j, direction = r["neuron"], "up" if r["nudge"] > 0 else "down"
        return (f"Example {r['example']} (a {r['label']}, read as {r['prediction']}). Output neuron {j}: "
                f"a = {r['a_j']:.2f}, target {r['y_j']:g}, so it wants to go {direction} by y − a = "
                f"{r['nudge']:+.2f}; σ'(z) = {r['slope']:.3f}, so its wish for z (and for its bias) is "
                f"<b>{r['wish_z']:+.4f}</b>. Biggest weight wish: w<sub>{j},{kw}</sub> "
                f"({r['wish_w'][kw]:+.4f}, a<sub>{kw}</sub> = {r['a_prev'][kw]:.2f}); biggest activation "
                f"wish: a<sub>{ka}</sub> ({r['wish_a'][ka]:+.4f}, w<sub>{j},{ka}</sub> = {r['w_j'][ka]:+.2f}).")
