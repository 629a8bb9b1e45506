"""A fully connected network, its forward pass and backpropagation.

Notation (the same as the notebooks):
    layer l has weights w[l] of shape (n_out, n_in) and biases b[l] of shape (n_out,)
    z[l] = w[l] a[l] + b[l]          the weighted input of layer l
    a[l+1] = sigma(z[l])             its activation; a[0] is the input x
A batch X holds one example per row, shape (n_examples, n_inputs), so in code a layer reads
`z = a @ w.T + b`: that is z = w a + b for every row at once (and for a single 1-D x too).
"""
import numbers
import operator
import os
import tempfile
import zipfile

import numpy as np

from . import activations, costs

INITS = ("normal", "scaled", "he")


class Network:
    def __init__(self, sizes, hidden="sigmoid", output="sigmoid", cost="quadratic",
                 init="normal", seed=None, dtype=np.float64):
        """sizes: neurons per layer, input first, e.g. [784, 16, 16, 10].

        init: "normal"  w ~ N(0, 1), b ~ N(0, 1)        (Nielsen's network.py; the video names no distribution)
              "scaled"  w ~ N(0, 1/n_in), b ~ N(0, 1)   (keeps z small, so neurons do not saturate)
              "he"      w ~ N(0, 2/n_in), b = 0          (for ReLU)
        seed: two networks made with the same seed start identical.
        """
        self.sizes = _check_sizes(sizes)
        self.hidden = activations.get(hidden, activations.HIDDEN, "hidden activation")
        self.output = activations.get(output, activations.OUTPUT, "output activation")
        self.cost_fn = costs.get(cost)
        self.cost_fn.check(self.output)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITS)}.")
        self.init, self.dtype = init, np.dtype(dtype)
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            scale = {"normal": 1.0, "scaled": np.sqrt(1 / n_in), "he": np.sqrt(2 / n_in)}[init]
            self.weights.append((scale * rng.standard_normal((n_out, n_in))).astype(self.dtype))
            b = rng.standard_normal(n_out) if init != "he" else np.zeros(n_out)
            self.biases.append(b.astype(self.dtype))

    # ---- the forward pass -------------------------------------------------------------------
    @property
    def sigmas(self):
        """The activation function of each layer: hidden ones, then the output one."""
        return [self.hidden] * (len(self.weights) - 1) + [self.output]

    def feedforward(self, X):
        """The network's output for a batch X (n, n_inputs), or for one example x (n_inputs,)."""
        return self._feedforward(self.check_inputs(X))

    def _feedforward(self, a):
        for w, b, sigma in zip(self.weights, self.biases, self.sigmas):
            a = sigma(a @ w.T + b)
        return a

    def trace(self, X):
        """The forward pass, keeping every layer: returns (z, a) with z[l] = w[l] a[l] + b[l],
        a[l+1] = sigma(z[l]) and a[0] = X. Lists of length L and L + 1."""
        return self._trace(self.check_inputs(X))

    def _trace(self, x):
        z, a = [], [x]
        for w, b, sigma in zip(self.weights, self.biases, self.sigmas):
            z.append(a[-1] @ w.T + b)
            a.append(sigma(z[-1]))
        return z, a

    # ---- dropout: a thinned network for one step ------------------------------------------
    def dropout_masks(self, n, p, rng=None):
        """Inverted-dropout masks for a batch of n examples: one array (n, neurons) per hidden
        layer, each entry 0 (the neuron is dropped for that example, with probability p) or
        1 / (1 - p) (it stays, scaled up so that each neuron's expected activation is unchanged).
        rng: a np.random.Generator or a seed."""
        if not (isinstance(p, numbers.Real) and not isinstance(p, (bool, np.bool_)) and 0 <= p < 1):
            raise ValueError(f"dropout must be a probability in [0, 1), like 0.5 (0 switches it off); "
                             f"got {p!r}. It is the chance that a hidden neuron is dropped.")
        if len(self.sizes) < 3:
            raise ValueError(f"dropout drops hidden neurons, and the network {self.sizes} has no hidden "
                             "layer: add one (e.g. Network([n_in, 30, n_out])) or leave dropout at 0.")
        rng = np.random.default_rng(rng)
        keep = self.dtype.type(1 / (1 - p))
        return [(rng.random((n, size)) >= p) * keep for size in self.sizes[1:-1]]

    def _trace_dropout(self, x, masks):
        """The forward pass of the thinned network: each hidden layer's activation a[l+1] =
        sigma(z[l]) is multiplied by its mask before the next layer sees it. Returns (z, a, seen):
        a as in _trace (sigma(z), unmasked), seen[l] the input layer l really got (seen[0] = x,
        seen[l] = a[l] * mask, seen[L] = the output)."""
        z, a, seen = [], [x], [x]
        for l, (w, b, sigma) in enumerate(zip(self.weights, self.biases, self.sigmas)):
            z.append(seen[-1] @ w.T + b)
            a.append(sigma(z[-1]))
            seen.append(a[-1] * masks[l] if l < len(masks) else a[-1])
        return z, a, seen

    def _check_masks(self, masks, n):
        hidden = self.sizes[1:-1]
        want = ", ".join(f"({n}, {s})" for s in hidden)
        if not isinstance(masks, (list, tuple)) or len(masks) != len(hidden):
            raise ValueError(f"dropout_masks must be a list of {len(hidden)} arrays, one per hidden layer, "
                             f"of shapes {want or 'none: this network has no hidden layer'}; "
                             "make them with net.dropout_masks(len(X), p, rng).")
        out = []
        for l, (m, s) in enumerate(zip(masks, hidden)):
            m = np.asarray(m, dtype=self.dtype)
            if m.shape != (n, s) or not np.all(np.isfinite(m)):
                raise ValueError(f"dropout mask {l} has shape {m.shape} (or holds NaN/inf), but hidden "
                                 f"layer {l + 1} needs ({n}, {s}): one row per example, one entry per "
                                 "neuron. Make the masks with net.dropout_masks(len(X), p, rng).")
            out.append(m)
        return out

    # ---- backpropagation --------------------------------------------------------------------
    def backprop(self, X, y, l2=0.0, l1=0.0, return_deltas=False, dropout_masks=None):
        """Gradient of the mean cost over the batch: (nabla_w, nabla_b), shaped like weights and
        biases; with return_deltas=True also every layer's delta (one row per example).
        dropout_masks: the gradient of the thinned network those masks make (see
        dropout_masks()); cost(X, y, dropout_masks=...) is that network's cost."""
        x, y = self.check_inputs(X, batch=True), self.targets(y, len(X))
        masks = None if dropout_masks is None else self._check_masks(dropout_masks, len(x))
        nabla_w, nabla_b, delta, _ = self._backprop(x, y, l2, l1, masks)
        return (nabla_w, nabla_b, delta) if return_deltas else (nabla_w, nabla_b)

    def _backprop(self, x, y, l2=0.0, l1=0.0, masks=None, with_cost=True, scale=1.0):
        """The four equations of backpropagation, vectorized over the batch. Also returns the
        batch's cost, which the forward pass gives for free (None with with_cost=False).
        masks: dropout (see _trace_dropout).
        scale: every gradient (and delta) comes out multiplied by it. fit() passes eta for plain
        SGD, whose step is eta * gradient: multiplying the small delta^L once is cheaper than
        multiplying every big gradient array afterwards."""
        if masks is None:
            z, a = self._trace(x)
        else:
            z, a, seen = self._trace_dropout(x, masks)
        w, L = self.weights, len(self.weights)
        n = len(x)  # the batch size: BP3 and BP4 average over the examples of the batch
        delta = [None] * L
        delta[-1] = self.cost_fn.delta(z[-1], a[-1], y, self.output)                  # (BP1)
        if scale != 1:
            delta[-1] *= scale  # BP2, BP3 and BP4 are linear in delta: they all inherit the factor
        for l in range(L - 2, -1, -1):
            delta[l] = (delta[l + 1] @ w[l + 1]) * self.hidden.prime(z[l], a[l + 1])  # (BP2)
            if masks is not None:
                delta[l] *= masks[l]  # (dropout) a dropped neuron passes no error back
        if masks is not None:
            a = seen  # (dropout) BP4 takes what each layer was given: the thinned activations
        nabla_b = [d.sum(axis=0) / n for d in delta]                                   # (BP3)
        nabla_w = [(d.T / n) @ a_in for d, a_in in zip(delta, a)]                      # (BP4)
        # (dividing the small delta by n, not the big product, saves a pass over the weights)
        if l2 or l1:
            for nw, wl in zip(nabla_w, w):  # in place: these arrays are ours
                if l2:
                    nw += (scale * l2) * wl
                if l1:
                    nw += (scale * l1) * np.sign(wl)
        if not with_cost:
            return nabla_w, nabla_b, delta, None
        cost = self.cost_fn.value(a[-1], y, self.output)
        return nabla_w, nabla_b, delta, (cost + self.penalty(l2, l1) if l2 or l1 else cost)

    # ---- cost and evaluation ----------------------------------------------------------------
    def cost(self, X, y, l2=0.0, l1=0.0, dropout_masks=None):
        """Mean cost over the examples, plus l2/2 * sum(w^2) + l1 * sum(|w|) if asked.
        dropout_masks: the cost of the thinned network those masks make (see dropout_masks())."""
        x = self.check_inputs(X, batch=True)
        if dropout_masks is None:
            a = self._feedforward(x)
        else:
            a = self._trace_dropout(x, self._check_masks(dropout_masks, len(x)))[2][-1]
        return float(self.cost_fn.value(a, self.targets(y, len(a)), self.output) + self.penalty(l2, l1))

    def penalty(self, l2=0.0, l1=0.0):
        """The regularisation term: l2/2 * sum of squared weights + l1 * sum of |weights|."""
        if not (l2 >= 0 and l1 >= 0 and np.isfinite(l2) and np.isfinite(l1)):
            raise ValueError(f"regularisation strengths must be >= 0 (finite numbers like 1e-4; 0 "
                             f"switches them off); got l2={l2}, l1={l1}.")
        # np.vdot(w, w) is sum(w * w) without a temporary array: this runs at every step
        return (0.5 * l2 * sum(float(np.vdot(w, w)) for w in self.weights) if l2 else 0.0) + \
               (l1 * sum(float(np.abs(w).sum()) for w in self.weights) if l1 else 0.0)

    def predict(self, X):
        """Predicted labels: the most active output neuron (or output > 0.5 for a single output)."""
        return self._labels(self.feedforward(X))

    def _labels(self, a):
        return (a[..., 0] > 0.5).astype(np.int64) if self.sizes[-1] == 1 else a.argmax(axis=-1)

    def accuracy(self, X, y):
        """The fraction of examples whose predicted label is the true one."""
        x, y = self.check_inputs(X, batch=True), np.asarray(y)
        self.targets(y, len(x))  # validates the labels (and their number)
        labels = y.argmax(axis=1) if y.ndim == 2 and self.sizes[-1] > 1 else y.reshape(len(x))
        return float(np.mean(self._labels(self._feedforward(x)) == labels))

    @property
    def n_params(self):
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def copy(self):
        other = object.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.weights = [w.copy() for w in self.weights]
        other.biases = [b.copy() for b in self.biases]
        return other

    def __repr__(self):
        return (f"Network({self.sizes}, hidden={self.hidden.name!r}, output={self.output.name!r}, "
                f"cost={self.cost_fn.name!r})  # {self.n_params:,} parameters")

    # ---- checking what comes in -------------------------------------------------------------
    def check_inputs(self, X, batch=False):
        """X as an array of this network's dtype, or a ValueError that says what is wrong."""
        try:
            x = np.asarray(X, dtype=self.dtype)
        except (TypeError, ValueError) as e:
            raise ValueError(f"inputs must be numbers ({e}): convert them first, e.g. "
                             "np.asarray(X, dtype=float), and make every row the same length.") from None
        n_in = self.sizes[0]
        if x.ndim not in ((2,) if batch else (1, 2)) or x.shape[-1] != n_in:
            want = f"(n_examples, {n_in})" + ("" if batch else f" or ({n_in},)")
            hint = " Flatten images first: X.reshape(len(X), -1)." if x.ndim > 2 else ""
            raise ValueError(f"inputs have shape {x.shape}, but this network needs {want}: "
                             f"one example per row, {n_in} numbers each.{hint}")
        if not np.all(np.isfinite(x)):
            raise ValueError("inputs contain NaN or infinity: clean or drop those examples first "
                             "(np.isfinite(X).all(axis=1) finds the good rows).")
        return x

    def targets(self, y, n):
        """Targets as rows of desired outputs: integer labels become one-hot rows."""
        y = np.asarray(y)
        n_out = self.sizes[-1]
        if y.ndim == 0 or len(y) != n:
            raise ValueError(f"got {n} examples but {y.size if y.ndim == 0 else len(y)} targets: "
                             "give one label (or one row of desired outputs) per example.")
        if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
            raise ValueError(f"targets must be numbers, not {y.dtype}: give integer labels 0..{n_out - 1} "
                             f"(e.g. np.asarray(y, dtype=int)) or rows of desired outputs.")
        if not np.all(np.isfinite(y)):
            raise ValueError("targets contain NaN or infinity: fix or drop those examples.")
        if (y.ndim == 2 and y.shape[1] == n_out) or (y.ndim == 1 and n_out == 1):
            rows = y.astype(self.dtype, copy=False).reshape(n, n_out)
            if self.cost_fn.name == "cross_entropy" and ((rows < 0) | (rows > 1)).any():
                raise ValueError("cross-entropy needs desired outputs between 0 and 1 (probabilities); "
                                 f"these range from {rows.min():g} to {rows.max():g}. Give labels 0/1, "
                                 "or use cost='quadratic' for other targets.")
            return rows
        if y.ndim == 1:
            bad = (y != np.round(y)) | (y < 0) | (y >= n_out)
            if bad.any():
                i = int(np.argmax(bad))
                raise ValueError(f"labels must be whole numbers from 0 to {n_out - 1} (the network has "
                                 f"{n_out} outputs); label {y[i].item()!r} at index {i} is not. Check the "
                                 f"labels, or give the network as many outputs as there are classes.")
            one_hot = np.zeros((n, n_out), dtype=self.dtype)
            one_hot[np.arange(n), y.astype(np.int64)] = 1.0
            return one_hot
        raise ValueError(f"targets have shape {y.shape}: give labels of shape ({n},) or desired "
                         f"outputs of shape ({n}, {n_out}).")

    # ---- saving and loading (.npz, no pickle) -----------------------------------------------
    def save(self, path):
        """Write the network to a .npz file (atomically: a crash never leaves half a file)."""
        path = os.fspath(path)
        if os.path.isdir(path):
            raise IsADirectoryError(f"cannot save to {path}: it is a folder. Give a file name inside it, "
                                    f"e.g. net.save({os.path.join(path, 'net.npz')!r}).")
        arrays = {f"w{l}": w for l, w in enumerate(self.weights)}
        arrays.update({f"b{l}": b for l, b in enumerate(self.biases)})
        meta = np.array([self.hidden.name, self.output.name, self.cost_fn.name, self.init, self.dtype.name])
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"cannot save to {path}: the folder {folder} does not exist. "
                                    "Create it first: os.makedirs(folder, exist_ok=True).")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".nnlib-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, sizes=np.array(self.sizes), meta=meta, **arrays)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private (0600): give it a new file's mode
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path):
        """Read a network written by save()."""
        try:
            with np.load(path, allow_pickle=False) as f:
                sizes = [int(s) for s in f["sizes"]]
                hidden, output, cost, init, *dtype = (str(s) for s in f["meta"])  # older files: no dtype
                net = cls(sizes, hidden=hidden, output=output, cost=cost, init=init, seed=0,
                          dtype=dtype[0] if dtype else np.float64)
                for l in range(len(sizes) - 1):
                    w, b = f[f"w{l}"], f[f"b{l}"]
                    if w.shape != net.weights[l].shape or b.shape != net.biases[l].shape:
                        raise ValueError(f"layer {l} has shapes {w.shape}, {b.shape}")
                    net.weights[l], net.biases[l] = w.astype(net.dtype), b.astype(net.dtype)
        except FileNotFoundError:
            raise FileNotFoundError(f"no saved network at {path}: check the path, or train and "
                                    "save one with net.save(path).") from None
        except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
            raise ValueError(f"{path} is not a network saved by nnlib ({e}): re-create it with "
                             "net.save(path).") from None
        return net


def _umask():
    """The process's umask (os.umask can only be read by setting it, so set it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_sizes(sizes):
    try:
        ok = not any(isinstance(s, (bool, np.bool_)) for s in sizes)
        sizes = [operator.index(s) for s in sizes]
        ok = ok and len(sizes) >= 2 and all(s >= 1 for s in sizes)
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"sizes must list at least two layer sizes (input and output), each a "
                         f"whole number >= 1, e.g. Network([784, 16, 16, 10]); got {sizes!r}.")
    return sizes
