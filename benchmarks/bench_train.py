"""How fast does nnlib train, and how well? A script, not a test:

    .venv/bin/python benchmarks/bench_train.py            # everything, several minutes
    .venv/bin/python benchmarks/bench_train.py --quick    # speed only, fewer epochs
    .venv/bin/python benchmarks/bench_train.py --shift    # also a run with shifted digits
    .venv/bin/python benchmarks/bench_train.py --parts    # also where one step's time goes (PART),
                                                          # and the part that does not grow with size (FIXED)
    .venv/bin/python benchmarks/bench_train.py --rounds 3 # the speed table 3 times (medians)
    .venv/bin/python benchmarks/bench_train.py --wall     # wall-clock times instead of CPU times

Speed, on the bundled digits (8,000 training examples), median seconds per epoch:
  impl=nnlib  fit() as a learner calls it: fit(..., evaluate=False, progress=False), which
              records History.step_cost (the cost of every mini-batch)
  impl=nocost the same with step_cost=False: the difference is what that history costs
  impl=fused  the same algorithm hand-fused for speed (below): sigmoid and quadratic cost only,
              every operation in place, no checks, no cost, no history. Not a library, a
              yardstick: plain NumPy written for speed by hand.
  impl=plain  the same algorithm vectorised over the batch as a learner writes it after notebook
              05 (Nielsen's backprop with matrices instead of the loop over examples): nothing
              fused, sigmoid as 1 / (1 + exp(-z)), the step as w -= (eta / m) * nabla_w; no cost
              (so nocost/plain is the like-for-like ratio)
  impl=floor  the epoch's matrix products alone: the same matmuls with the same shapes per
              batch, nothing else -- no activation, no cost, no update. No implementation of
              this algorithm in NumPy can be faster than this.
  impl=loop   the same algorithm as a per-example loop, Nielsen's way (below; float64, batch 10)
  impl=torch  the same network in idiomatic PyTorch (nn.Sequential, MSELoss, optim.SGD), CPU,
              one thread, batch 10 -- only when torch is installed (it is not a dependency)
All implementations take turns epoch by epoch (interleaved), so that a busy spell on a shared
machine hits them alike, and the clock is the process's CPU time (--wall: wall time), which
other users of the machine disturb much less; CHECK lines show that they compute the same weights.
Targets (issue 13), one TARGET line each, for 784-30-10 and 784-16-16-10, float64 and float32:
  nnlib/fused <= 1.1 at batch 10 and 32, <= 1.0 at batch 128; torch/nnlib >= 5 at batch 10.
  (Older ones, still printed: loop/nnlib >= 7 and nnlib/floor <= 1.6 at batch 10.) RATIO lines
  also give nnlib/plain: against what a learner writes, not against the hand-fused yardstick.

Full MNIST (60,000 digits), seconds per epoch of fit() for 784-30-10 and 784-100-10: measured
when the data is in data/mnist-full/ (nnlib.download_mnist() puts it there; this script never
downloads), otherwise a SKIP line says why. A row labelled synthetic60k times 60,000 rows made
from the bundled digits (each shifted by up to 2 pixels): the same shapes, so about the same time.

Accuracy, on the bundled test split (2,000 digits):
  run=nielsen  784-30-10, sigmoid, quadratic cost, N(0, 1) init, eta 3.0, batch 10, 30 epochs
               (Nielsen's network.py): target >= 91 %
  run=better   784-100-10, sigmoid + cross-entropy, scaled init, eta 0.5, l2 1e-4, batch 10,
               30 epochs: target >= 95 %

BLAS threads: these matrices are small (at most 128 x 784), where a second OpenBLAS thread
costs more in synchronisation than it gains, and the machine is shared; so this script pins
OMP/OPENBLAS/MKL threads to 1 before importing NumPy (override with BENCH_THREADS=2).
"""
import os
import sys

THREADS = os.environ.get("BENCH_THREADS", "1")
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = THREADS

import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nnlib import Network, fit, load_digits  # noqa: E402
from nnlib.augment import shifter  # noqa: E402


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


# ---- impl=loop: Nielsen's per-example backpropagation, written plainly ---------------------------
def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def loop_backprop(weights, biases, x, y):
    """One example: x (n_in, 1), y (n_out, 1) columns; quadratic cost, sigmoid everywhere."""
    nabla_w = [np.zeros(w.shape) for w in weights]
    nabla_b = [np.zeros(b.shape) for b in biases]
    activation, activations, zs = x, [x], []
    for w, b in zip(weights, biases):
        z = w @ activation + b
        zs.append(z)
        activation = sigmoid(z)
        activations.append(activation)
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = delta @ activations[-2].T
    for l in range(2, len(weights) + 1):
        delta = (weights[-l + 1].T @ delta) * sigmoid_prime(zs[-l])
        nabla_b[-l] = delta
        nabla_w[-l] = delta @ activations[-l - 1].T
    return nabla_w, nabla_b


def loop_epoch(weights, biases, X, Y, batch_size, eta, rng):
    """One epoch of mini-batch SGD, one example at a time (weights/biases updated in place)."""
    order = rng.permutation(len(X))
    for k in range(0, len(X), batch_size):
        batch = order[k:k + batch_size]
        nabla_w = [np.zeros(w.shape) for w in weights]
        nabla_b = [np.zeros(b.shape) for b in biases]
        for i in batch:
            x, y = X[i].reshape(-1, 1), Y[i].reshape(-1, 1)
            delta_nabla_w, delta_nabla_b = loop_backprop(weights, biases, x, y)
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
        for w, nw in zip(weights, nabla_w):
            w -= (eta / len(batch)) * nw
        for b, nb in zip(biases, nabla_b):
            b -= (eta / len(batch)) * nb


# ---- impl=plain: the same algorithm vectorised over the batch, as a learner writes it after 05 --
def plain_epoch(weights, biases, X, Y, batch_size, eta, rng):
    """One epoch of mini-batch SGD, the whole batch at once (rows are examples), written plainly:
    Nielsen's backprop with the loop over examples replaced by matrices and his update
    w -= (eta / m) * nabla_w, nothing fused by hand (but sigma'(z) taken from a = sigma(z), not
    recomputed). Updates in place. (Notebook 05's own answer divides nabla_w by m, then steps
    w -= eta * nabla_w: one more pass over each weight array, a little slower than this.)"""
    order = rng.permutation(len(X))
    for k in range(0, len(X), batch_size):
        batch = order[k:k + batch_size]
        x, y = X[batch], Y[batch]
        activations, zs = [x], []
        for w, b in zip(weights, biases):
            zs.append(activations[-1] @ w.T + b)
            activations.append(1.0 / (1.0 + np.exp(-zs[-1])))
        nabla_w, nabla_b = [None] * len(weights), [None] * len(weights)
        delta = (activations[-1] - y) * activations[-1] * (1 - activations[-1])
        nabla_w[-1], nabla_b[-1] = delta.T @ activations[-2], delta.sum(axis=0)
        for l in range(2, len(weights) + 1):
            delta = (delta @ weights[-l + 1]) * activations[-l] * (1 - activations[-l])
            nabla_w[-l], nabla_b[-l] = delta.T @ activations[-l - 1], delta.sum(axis=0)
        for w, nw in zip(weights, nabla_w):
            w -= (eta / len(x)) * nw
        for b, nb in zip(biases, nabla_b):
            b -= (eta / len(x)) * nb


# ---- impl=fused: the same algorithm with every NumPy call that can be saved saved --------------
def fused_epoch(weights, biases, X, Y, batch_size, eta, rng):
    """One epoch of mini-batch SGD (sigmoid, quadratic cost), in place, nothing but the step."""
    order = rng.permutation(len(X))
    for k in range(0, len(X), batch_size):
        batch = order[k:k + batch_size]
        fused_step(weights, biases, X.take(batch, axis=0), Y.take(batch, axis=0), eta)


def fused_step(weights, biases, x, y, eta):
    a = [x]
    for w, b in zip(weights, biases):
        z = a[-1] @ w.T
        z += b
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        a.append(np.reciprocal(z, out=z))          # a = sigma(z), in z's memory
    delta = a[-1] - y
    delta *= a[-1] * (1.0 - a[-1])
    delta *= eta / len(x)                          # eta / m rides on the small delta
    for l in range(len(weights) - 1, -1, -1):
        if l > 0:
            back = delta @ weights[l]
            back *= a[l] * (1.0 - a[l])
        weights[l] -= delta.T @ a[l]
        biases[l] -= delta.sum(axis=0)
        if l > 0:
            delta = back


# ---- impl=floor: the matrix products of one epoch, nothing else -----------------------------------
def floor_epoch(weights, X, batch_size):
    """Per batch, the products backprop needs: forward a @ w.T, backward delta @ w (BP2) and
    delta.T @ a (BP4), with the same shapes. The values are stand-ins (the forward products
    themselves), since only the time counts."""
    L = len(weights)
    for k in range(0, len(X), batch_size):
        a = [X[k:k + batch_size]]
        for w in weights:
            a.append(a[-1] @ w.T)
        delta = a[-1]
        for l in range(L - 1, -1, -1):
            _ = delta.T @ a[l]                 # nabla_w (BP4)
            if l > 0:
                delta = delta @ weights[l]     # back one layer (BP2), shape of a[l]


# ---- impl=torch: the same network in idiomatic PyTorch (optional) --------------------------------
def torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(int(THREADS))
    return torch


def torch_model(torch, weights, biases, eta):
    """nn.Sequential of Linear + Sigmoid layers starting from the given weights, MSELoss (summed,
    then halved and divided by the batch size: nnlib's cost 1/2 ||a - y||^2 averaged over the
    examples, so the same steps) and optim.SGD(lr=eta)."""
    dtype = torch.float64 if weights[0].dtype == np.float64 else torch.float32
    layers = []
    for w, b in zip(weights, biases):
        linear = torch.nn.Linear(w.shape[1], w.shape[0]).to(dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    return model, torch.nn.MSELoss(reduction="sum"), torch.optim.SGD(model.parameters(), lr=eta)


def torch_epoch(torch, model, loss_fn, optimizer, X, Y, batch_size, rng):
    order = torch.from_numpy(rng.permutation(len(X)))
    for k in range(0, len(X), batch_size):
        idx = order[k:k + batch_size]
        x, y = X[idx], Y[idx]
        optimizer.zero_grad()
        loss = 0.5 * loss_fn(model(x), y) / len(x)
        loss.backward()
        optimizer.step()


def torch_params(model):
    linears = [m for m in model if hasattr(m, "weight")]
    return ([m.weight.detach().numpy() for m in linears], [m.bias.detach().numpy() for m in linears])


# ---- measuring ---------------------------------------------------------------------------------
# The clock: CPU time of this process (time.process_time) by default, because on a machine shared
# with other busy processes the wall clock also counts the time the process waited for a core;
# --wall switches to wall time (time.perf_counter).
CLOCK = time.perf_counter if "--wall" in sys.argv else time.process_time


def epoch_times(run_one_epoch, epochs):
    times = []
    for e in range(epochs):
        t = CLOCK()
        run_one_epoch(e)
        times.append(CLOCK() - t)
    return times


def fit_epoch_time(net, X, y, batch, seed, eta=3.0, **kw):
    """One epoch of fit(), without fit's one-off checks of the whole data set: fit(epochs=1)
    minus fit(epochs=0) (which makes all the checks and no step), on CLOCK."""
    t0 = CLOCK()
    fit(net, X, y, epochs=1, batch_size=batch, eta=eta, evaluate=False, progress=False, seed=seed, **kw)
    t1 = CLOCK()
    fit(net, X, y, epochs=0, batch_size=batch, eta=eta, evaluate=False, progress=False, seed=seed, **kw)
    return (t1 - t0) - (CLOCK() - t1)


def name(sizes):
    return "-".join(map(str, sizes))


def result(impl, sizes, batch, dtype, times, **extra):
    """One RESULT line: the median epoch time (and the fastest epoch, less disturbed by other
    users of a shared machine)."""
    more = "".join(f" {k}={v}" for k, v in extra.items())
    print(f"RESULT impl={impl} sizes={name(sizes)} batch={batch} dtype={np.dtype(dtype).name} "
          f"clock={CLOCK.__name__} epoch_s={statistics.median(times):.4f} min_s={min(times):.4f}{more} "
          f"load={load_average():.2f}", flush=True)
    return statistics.median(times)


def speed(sizes, batch, dtype, epochs, data, with_loop, torch):
    """The implementations take turns, one epoch each (see check_same_algorithm for their
    agreement); see fit_epoch_time for nnlib's."""
    (X, y), (X_test, y_test) = data
    X = X.astype(dtype)
    net = Network(sizes, hidden="sigmoid", output="sigmoid", cost="quadratic", init="normal", seed=0,
                  dtype=dtype)
    nocost = net.copy()
    Y = np.eye(sizes[-1], dtype=dtype)[y]
    wl = [w.copy().astype(np.float64) for w in net.weights]
    bl = [b.reshape(-1, 1).astype(np.float64) for b in net.biases]
    wf, bf = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    wp, bp = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    shuffles, fused_rng, plain_rng, loop_rng, torch_rng = (np.random.default_rng(0) for _ in range(5))
    impls = (["nnlib", "nocost", "fused", "plain", "floor"] + ["loop"] * with_loop
             + ["torch"] * (torch is not None))
    times = {k: [] for k in impls}
    if torch is not None:
        model, loss_fn, opt = torch_model(torch, net.weights, net.biases, 3.0)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    runs = {
        "nnlib": lambda e, seed: fit_epoch_time(net, X, y, batch, seed),
        "nocost": lambda e, seed: fit_epoch_time(nocost, X, y, batch, seed, step_cost=False),
        "fused": lambda e, seed: epoch_times(lambda _: fused_epoch(wf, bf, X, Y, batch, 3.0, fused_rng), 1)[0],
        "plain": lambda e, seed: epoch_times(lambda _: plain_epoch(wp, bp, X, Y, batch, 3.0, plain_rng), 1)[0],
        "floor": lambda e, seed: epoch_times(lambda _: floor_epoch(net.weights, X, batch), 1)[0],
        "loop": lambda e, seed: epoch_times(lambda _: loop_epoch(wl, bl, X.astype(np.float64), Y, batch, 3.0,
                                                                 loop_rng), 1)[0],
        "torch": lambda e, seed: epoch_times(lambda _: torch_epoch(torch, model, loss_fn, opt, Xt, Yt, batch,
                                                                   torch_rng), 1)[0],
    }
    for e in range(epochs):
        seed = shuffles.integers(2**32)
        # a different order every epoch: who runs first (after the others have filled the caches
        # and the memory allocator) changes, so no implementation always gets the same place
        for k in impls[e % len(impls):] + impls[:e % len(impls)]:
            if k == "loop" and e >= max(3, epochs // 2):  # the loop is slow: fewer epochs
                continue
            times[k].append(runs[k](e, seed))
    med = {k: result(k, sizes, batch, dtype, v, **({"acc": f"{net.accuracy(X_test, y_test):.3f}"}
                                                    if k == "nnlib" else {}))
           for k, v in times.items()}
    print(f"RATIO sizes={name(sizes)} batch={batch} dtype={np.dtype(dtype).name} "
          f"nnlib/fused={med['nnlib'] / med['fused']:.3f} nocost/fused={med['nocost'] / med['fused']:.3f} "
          f"step_cost share={(med['nnlib'] - med['nocost']) / med['nnlib']:+.1%} "
          f"nnlib/plain={med['nnlib'] / med['plain']:.3f} nocost/plain={med['nocost'] / med['plain']:.3f} "
          f"nnlib/floor={med['nnlib'] / med['floor']:.2f} fused/floor={med['fused'] / med['floor']:.2f}"
          + (f" loop/nnlib={med['loop'] / med['nnlib']:.1f}" if with_loop else "")
          + (f" torch/nnlib={med['torch'] / med['nnlib']:.2f}" if torch is not None else ""), flush=True)
    bound = 1.0 if batch >= 128 else 1.1
    targets = [target("nnlib/fused", "<=", bound, sizes, batch, dtype, med["nnlib"] / med["fused"])]
    if batch == 10 and dtype == np.float64:
        targets.append(target("nnlib/floor", "<=", 1.6, sizes, batch, dtype, med["nnlib"] / med["floor"]))
    if with_loop:
        targets.append(target("loop/nnlib", ">=", 7, sizes, batch, dtype, med["loop"] / med["nnlib"]))
    if torch is not None and batch == 10:
        targets.append(target("torch/nnlib", ">=", 5, sizes, batch, dtype, med["torch"] / med["nnlib"]))
    return targets, med


def target(what, relation, bound, sizes, batch, dtype, ratio):
    """One TARGET line (the ratio of median epoch times against the issue's target)."""
    ok = ratio <= bound if relation == "<=" else ratio >= bound
    return (f"TARGET {what}{relation}{bound:g} batch={batch} sizes={name(sizes)} dtype={np.dtype(dtype).name} "
            f"ratio={ratio:.3f} ok={'yes' if ok else 'no'}")


def check_same_algorithm(data, torch):
    """One epoch of each implementation from the same start with the same shuffles: the weights
    must agree up to rounding, or the speed comparison compares different things."""
    (X, y), _ = data
    for sizes, batch, dtype in [([784, 30, 10], 10, np.float64), ([784, 16, 16, 10], 10, np.float64),
                                ([784, 30, 10], 128, np.float64), ([784, 30, 10], 32, np.float32),
                                ([784, 16, 16, 10], 32, np.float32)]:
        Xd, tol = X.astype(dtype), (1e-6 if dtype == np.float64 else 1e-3)
        net = Network(sizes, seed=0, dtype=dtype)
        Y = np.eye(sizes[-1], dtype=dtype)[y]
        others = {k: ([w.copy() for w in net.weights], [b.copy() for b in net.biases]) for k in ("fused", "plain")}
        if dtype == np.float64 and batch == 10:
            others["loop"] = ([w.copy() for w in net.weights], [b.reshape(-1, 1).copy() for b in net.biases])
        if torch is not None:
            model, loss_fn, opt = torch_model(torch, net.weights, net.biases, 3.0)
        fit(net, Xd, y, epochs=1, batch_size=batch, eta=3.0, evaluate=False, progress=False, seed=0)
        fused_epoch(*others["fused"], Xd, Y, batch, 3.0, np.random.default_rng(0))
        plain_epoch(*others["plain"], Xd, Y, batch, 3.0, np.random.default_rng(0))
        if "loop" in others:
            loop_epoch(*others["loop"], Xd, Y, batch, 3.0, np.random.default_rng(0))
            others["loop"] = (others["loop"][0], b_flat(others["loop"][1]))
        if torch is not None:
            torch_epoch(torch, model, loss_fn, opt, torch.from_numpy(Xd), torch.from_numpy(Y), batch,
                        np.random.default_rng(0))
            others["torch"] = torch_params(model)
        for impl, (ws, bs) in others.items():
            diff = max(float(np.abs(p - q).max()) for p, q in zip(net.weights + net.biases, ws + bs))
            print(f"CHECK {impl}==nnlib sizes={name(sizes)} batch={batch} dtype={np.dtype(dtype).name} one "
                  f"epoch: max |difference in a parameter| = {diff:.1e} {'ok' if diff < tol else 'DIFFERENT'}",
                  flush=True)


def b_flat(biases):
    return [b.ravel() for b in biases]


def breakdown(data, sizes=(784, 30, 10), batch=10, dtype=np.float64):
    """Where one training step's time goes (microseconds, on one fixed batch; the parts take turns,
    see fastest_taking_turns): the whole step of fused and of nnlib as fit() takes it, then the
    NumPy calls nnlib makes beyond fused's and the pieces of fit's bookkeeping, one by one."""
    import timeit
    from nnlib.train import SGD, _Record
    (X, y), _ = data
    X = X.astype(dtype)
    net = Network(list(sizes), seed=0, dtype=dtype)
    Y = net.targets(y, len(y))
    idx = np.random.default_rng(0).permutation(len(X))[:batch]
    x, yb = X.take(idx, axis=0), Y.take(idx, axis=0)
    z, a = net._trace(x)
    nabla_w, nabla_b, delta, _ = net._backprop(x, yb)
    eta = 1e-20  # steps this small leave the network as it is
    opt, params = SGD(), net.weights + net.biases
    wf, bf = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    record = _Record(net, X, Y, None, 0.0, 0.0, False, False, None, True)
    record.start_epoch()

    def nnlib_step(with_cost=True):  # as fit() takes a plain SGD step (see fit's times_eta)
        xb, ybb = X.take(idx, axis=0), Y.take(idx, axis=0)
        nw, nb, _, cost = net._backprop(xb, ybb, 0.0, 0.0, None, with_cost, eta)
        record.step(cost, nw, 0, 0, eta, eta)
        opt.step(params, nw + nb, eta, times_eta=True)

    def one_fused_step():
        fused_step(wf, bf, X.take(idx, axis=0), Y.take(idx, axis=0), eta)

    n_layers = len(net.weights)
    parts = {
        "fused: one whole step": one_fused_step,
        "nnlib: one whole step as fit() takes it (step_cost on)": nnlib_step,
        "nnlib: one whole step, step_cost=False": lambda: nnlib_step(False),
        "  of which _backprop (with the cost, scale=eta)": lambda: net._backprop(x, yb, 0.0, 0.0, None, True, eta),
        "  of which the SGD step (p -= eta g, all parameters; eta g from _backprop)":
            lambda: opt.step(params, nabla_w + nabla_b, eta, times_eta=True),
        "  of which the bookkeeping (cost finite? append it)": lambda: record.step(0.5, nabla_w, 0, 0, eta, eta),
        "  eta * g as a pass over the gradients (momentum, Adam: not in plain SGD's step any more)":
            lambda: [g.__imul__(1.0) for g in nabla_w + nabla_b],
        "  step_cost: the batch's cost (not in fused)": lambda: net.cost_fn.value(a[-1], yb, net.output),
        f"  sigmoid's cap np.maximum(z, ln tiny), {n_layers} layers (not in fused)":
            lambda: [np.maximum(zl, -700.0) for zl in z],
        f"  BP3 and BP4's / n, {n_layers} layers (fused scales delta once)":
            lambda: [(s / float(batch), d.T / float(batch)) for s, d in zip(nabla_b, delta)],
        "  matmuls alone (forward, BP2, BP4)": lambda: ([a[l] @ w.T for l, w in enumerate(net.weights)],
                                                        [delta[l + 1] @ net.weights[l + 1] for l in range(n_layers - 1)],
                                                        [d.T @ al for d, al in zip(delta, a)]),
        f"  one small NumPy call (a {batch} x {sizes[1]} array times 2)": lambda: z[0] * 2.0,
    }
    best = fastest_taking_turns({what: lambda f=f: timeit.timeit(f, number=2000, timer=CLOCK) / 2000 * 1e6
                                 for what, f in parts.items()}, rounds=7)
    for what, us in best.items():
        print(f"PART sizes={name(sizes)} batch={batch} dtype={np.dtype(dtype).name} {what}: {us:.1f} us",
              flush=True)


def fastest_taking_turns(measures, rounds):
    """Each measure (a function returning one timing) run `rounds` times, the measures taking turns
    so that a busy spell of the machine hits them alike; each one's fastest timing."""
    best = dict.fromkeys(measures, float("inf"))
    for _ in range(rounds):
        for what, measure in measures.items():
            best[what] = min(best[what], measure())
    return best


def fixed_cost(rows=2000):
    """The part of a step's time that does not grow with the sizes: one epoch of fit() (as the
    speed table takes it: fit_epoch_time, step_cost on and off) and of fused_epoch at mini-batch 1
    on 2-2-2 and 2-2-2-2 networks, where the arithmetic is next to nothing and what is left is the
    NumPy calls (each has a fixed cost, see the PART "one small NumPy call") and the Python around
    them; divided by the number of steps. The difference is what nnlib's structure adds to every
    step: the activation, cost and optimizer objects, fit's loop and bookkeeping, and the NumPy
    calls fused saves (the / n of BP3 and BP4, the cap, the cost). At real sizes those extra calls
    work on bigger arrays, so this is a lower bound of nnlib's extra time per step."""
    rng = np.random.default_rng(0)
    x, labels = rng.random((rows, 2)), rng.integers(0, 2, rows)
    for sizes in ([2, 2, 2], [2, 2, 2, 2]):
        net, nocost = Network(sizes, seed=0), Network(sizes, seed=0)
        wf, bf = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
        Y, fused_rng, eta = net.targets(labels, rows), np.random.default_rng(0), 1e-20  # steps leave the nets be
        epochs = {"fused": lambda: epoch_times(lambda _: fused_epoch(wf, bf, x, Y, 1, eta, fused_rng), 1)[0],
                  "nnlib (step_cost on)": lambda: fit_epoch_time(net, x, labels, 1, 0, eta=eta),
                  "nnlib, step_cost=False": lambda: fit_epoch_time(nocost, x, labels, 1, 0, eta=eta,
                                                                   step_cost=False)}
        best = fastest_taking_turns({what: lambda f=f: f() / rows * 1e6 for what, f in epochs.items()},
                                    rounds=9)
        print(f"FIXED sizes={name(sizes)} batch=1 " + " ".join(f"{k}: {v:.1f} us;" for k, v in best.items())
              + f" nnlib - fused: {best['nnlib (step_cost on)'] - best['fused']:.1f} us per step", flush=True)


def full_mnist_epochs(epochs):
    """Seconds per epoch of fit() on 60,000 digits: full MNIST if it is on disk (never downloaded
    here), and 60,000 synthetic rows (the bundled digits, shifted) either way."""
    from nnlib.augment import shift_digits
    from nnlib.data import DataError, load_mnist
    sets = {}
    try:
        (X, y), _ = load_mnist(download=False)
        sets["mnist60k"] = (X, y)
    except DataError as e:
        print(f"SKIP full MNIST: not on disk ({str(e).splitlines()[0]}); this script does not download it "
              "(run nnlib.download_mnist() where there is internet). The synthetic60k rows below have the "
              "same shapes.", flush=True)
    (X, y), _ = load_digits()
    rng = np.random.default_rng(0)
    reps = -(-60000 // len(X))
    sets["synthetic60k"] = (np.concatenate([shift_digits(X, rng, 2) for _ in range(reps)])[:60000],
                            np.tile(y, reps)[:60000])
    for label, (X, y) in sets.items():
        for sizes in ([784, 30, 10], [784, 100, 10]):
            net = Network(sizes, seed=0)
            h = fit(net, X, y, epochs=epochs, batch_size=10, eta=3.0, evaluate=False, progress=False, seed=0)
            print(f"RESULT run={label} sizes={name(sizes)} batch=10 dtype=float64 rows={len(X)} "
                  f"epoch_s={statistics.median(h.epoch_seconds):.2f} min_s={min(h.epoch_seconds):.2f} "
                  f"epochs={epochs} load={load_average():.2f}", flush=True)


def accuracy_run(name_, data, sizes, epochs, batch, eta, target=None, **kw):
    (X, y), (X_test, y_test) = data
    opts = {k: kw.pop(k) for k in ("hidden", "output", "cost", "init") if k in kw}
    net = Network(sizes, seed=0, **opts)
    t = time.perf_counter()
    h = fit(net, X, y, epochs=epochs, batch_size=batch, eta=eta, evaluate=False, progress=False, seed=0, **kw)
    seconds = time.perf_counter() - t
    acc = net.accuracy(X_test, y_test)
    desc = " ".join(f"{k}={v}" for k, v in {**opts, **kw}.items() if not callable(v))
    extra = " ".join(f"{k}={getattr(v, '__name__', v)}" for k, v in kw.items() if callable(v))
    print(f"RESULT run={name_} sizes={name(sizes)} {desc} {extra} epochs={epochs} batch={batch} "
          f"eta={eta} acc={acc:.4f} seconds={seconds:.1f} epoch_s={statistics.median(h.epoch_seconds):.3f} "
          f"load={load_average():.2f}" + ("" if target is None else
          f" target>={target} {'met' if acc >= target else 'MISSED'}"), flush=True)
    return acc


def main():
    quick = "--quick" in sys.argv
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 1
    data = load_digits()
    torch = torch_or_none()
    print(f"# numpy {np.__version__}, BLAS threads={THREADS}, cpus={os.cpu_count()}, "
          f"load at start={load_average():.2f}", flush=True)
    if torch is None:
        print("SKIP impl=torch: PyTorch is not installed (optional; it is no dependency of nnlib)", flush=True)
    check_same_algorithm(data, torch)
    if "--parts" in sys.argv:
        fixed_cost()
        for batch in (10, 128):
            for sizes in ((784, 30, 10), (784, 16, 16, 10)):
                for dtype in (np.float64, np.float32):
                    breakdown(data, sizes, batch, dtype)
    epochs = 3 if quick else 9
    runs = [(sizes, batch, dtype) for dtype in (np.float64, np.float32)
            for sizes in ([784, 30, 10], [784, 16, 16, 10]) for batch in (10, 32, 128)]
    ratios = {}
    for r in range(rounds):
        targets = []
        for sizes, batch, dtype in runs:
            t, med = speed(sizes, batch, dtype, epochs, data, batch == 10 and dtype == np.float64, torch)
            targets += t
            ratios.setdefault((name(sizes), batch, np.dtype(dtype).name), []).append(med["nnlib"] / med["fused"])
        print("\n".join(targets), flush=True)  # the speed targets together, one line each
        print(f"# round {r + 1}: speed targets met: {sum(t.endswith('ok=yes') for t in targets)} of {len(targets)} "
              f"(load now {load_average():.2f}; on a busy machine ratios move: re-run to confirm)", flush=True)
    if rounds > 1:
        for (sizes, batch, dtype), rs in ratios.items():
            print(f"MEDIAN nnlib/fused sizes={sizes} batch={batch} dtype={dtype} over {rounds} rounds: "
                  f"{statistics.median(rs):.3f} (rounds: {' '.join(f'{x:.3f}' for x in rs)})", flush=True)
    if quick:
        return
    full_mnist_epochs(epochs=2)
    accuracy_run("nielsen", data, [784, 30, 10], epochs=30, batch=10, eta=3.0, target=0.91,
                 hidden="sigmoid", output="sigmoid", cost="quadratic", init="normal")
    accuracy_run("better", data, [784, 100, 10], epochs=30, batch=10, eta=0.5, target=0.95,
                 hidden="sigmoid", output="sigmoid", cost="cross_entropy", init="scaled", l2=1e-4)
    if "--shift" in sys.argv:  # the same plus random 1-pixel shifts of every batch (nnlib.augment)
        accuracy_run("better_shift", data, [784, 100, 10], epochs=30, batch=10, eta=0.5,
                     hidden="sigmoid", output="sigmoid", cost="cross_entropy", init="scaled", l2=1e-4,
                     augment=shifter(1))


if __name__ == "__main__":
    main()
