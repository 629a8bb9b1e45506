"""The chain rule on the smallest network there is: one neuron per layer (notebook 5).

    z^(L) = w^(L) a^(L-1) + b^(L),   a^(L) = sigma(z^(L)),   C_0 = (a^(L) - y)^2

A slider moves the weight w^(L); the picture shows the cost C_0 as a function of that weight,
and the tangent line at the current weight, whose slope is the chain-rule product
    dC_0/dw^(L) = a^(L-1) * sigma'(z^(L)) * 2 (a^(L) - y).
Bars on the right show the three factors and their product.
"""
import numpy as np

from .. import plots
from . import Explorer, slider

W_RANGE = (-4.0, 4.0)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def chain(w, a_prev, b, y):
    """The one-neuron chain, for a weight w (a number or an array of them): (z, a, C_0)."""
    z = w * a_prev + b
    a = sigmoid(z)
    return z, a, (a - y) ** 2


def chain_gradient(w, a_prev, b, y):
    """The three chain-rule factors and dC_0/dw, dC_0/db, dC_0/da^(L-1) (video's C_0, no 1/2)."""
    z, a, cost = chain(w, a_prev, b, y)
    dz_dw, da_dz, dc_da = a_prev, a * (1 - a), 2 * (a - y)
    return {"z": z, "a": a, "cost": cost, "dz_dw": dz_dw, "da_dz": da_dz, "dc_da": dc_da,
            "dc_dw": dz_dw * da_dz * dc_da,     # a^(L-1) sigma'(z) 2(a - y)
            "dc_db": 1.0 * da_dz * dc_da,       # dz/db = 1
            "dc_da_prev": w * da_dz * dc_da}    # dz/da^(L-1) = w^(L)


def finite_difference(f, x, eps=1e-6):
    """(f(x + eps) - f(x - eps)) / (2 eps): the slope of f at x, without any calculus."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


class ChainExplorer(Explorer):
    """Slide the weight w^(L); watch the cost curve, the tangent and the chain-rule factors."""
    figsize = (10.0, 4.2)

    def __init__(self, b=0.0, **values):
        if not np.isfinite(b):
            raise ValueError(f"the bias b must be a finite number; got {b!r}.")
        self.b = float(b)
        self._grid = np.linspace(W_RANGE[0] - 0.5, W_RANGE[1] + 0.5, 181)
        super().__init__(**values)

    def make_controls(self):
        return {"w": slider("weight w(L)", 1.5, *W_RANGE, 0.1, width="320px"),
                "a_prev": slider("input a(L-1)", 0.8, 0.0, 1.0, 0.05, width="320px"),
                "y": slider("target y", 0.2, 0.0, 1.0, 0.05, width="320px")}

    def compute(self, w, a_prev, y):
        g = chain_gradient(w, a_prev, self.b, y)
        _, _, curve = chain(self._grid, a_prev, self.b, y)
        numeric = finite_difference(lambda v: chain(v, a_prev, self.b, y)[2], w)
        return dict(g, w=w, a_prev=a_prev, y=y, curve=curve, numeric=numeric)

    def setup(self, fig):
        ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
        ax.set(xlim=(self._grid[0], self._grid[-1]), ylim=(-0.02, 1.02),
               xlabel="weight $w^{(L)}$", ylabel="cost $C_0$", title="Cost against one weight")
        self.curve, = ax.plot([], [], color=plots.color(0), label="$C_0(w^{(L)})$")
        self.tangent, = ax.plot([], [], color=plots.color(3), linestyle="--",
                                label=r"tangent, slope $\partial C_0/\partial w^{(L)}$")
        self.point, = ax.plot([], [], "o", color=plots.color(3), markersize=9)
        ax.legend(loc="upper left", fontsize=10)
        self.animate(self.curve, self.tangent, self.point)

        labels = ["$\\partial z/\\partial w$\n$= a^{(L-1)}$", "$\\partial a/\\partial z$\n$= \\sigma'(z)$",
                  "$\\partial C_0/\\partial a$\n$= 2(a-y)$", "product\n$\\partial C_0/\\partial w$"]
        self.bars = bx.bar(range(4), [0, 0, 0, 0], color=[plots.color(i) for i in (1, 2, 4, 3)],
                           edgecolor="black", linewidth=1)
        bx.set_xticks(range(4), labels, fontsize=11)
        bx.set(ylim=(-2.2, 2.2), title="The chain-rule factors")
        bx.axhline(0, color="black", linewidth=1)
        self.bar_text = [bx.text(i, 0, "", ha="center", fontsize=11) for i in range(4)]
        self.animate(*self.bars, *self.bar_text)

    def update(self, r):
        self.curve.set_data(self._grid, r["curve"])
        half = 1.5
        ws = np.array([r["w"] - half, r["w"] + half])
        self.tangent.set_data(ws, r["cost"] + r["dc_dw"] * (ws - r["w"]))
        self.point.set_data([r["w"]], [r["cost"]])
        values = [r["dz_dw"], r["da_dz"], r["dc_da"], r["dc_dw"]]
        for bar, text, v in zip(self.bars, self.bar_text, values):
            bar.set_height(v)
            text.set_text(f"{v:.3f}")
            text.set_y(v + (0.08 if v >= 0 else -0.22))
        return (f"z = {r['z']:.2f}, a = σ(z) = {r['a']:.3f}, C<sub>0</sub> = {r['cost']:.3f}. "
                f"Chain rule: {r['dz_dw']:.3f} × {r['da_dz']:.3f} × {r['dc_da']:.3f} = "
                f"<b>{r['dc_dw']:.4f}</b>; finite difference: {r['numeric']:.4f}.")
