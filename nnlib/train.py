"""Training: stochastic gradient descent on mini-batches, with optional momentum (or RMSProp,
Adam), learning-rate schedules, L2/L1 regularisation, dropout, early stopping and a per-step
callback.

One step:   w <- w - eta * dC/dw,   b <- b - eta * dC/db   (the gradient of one mini-batch)
One epoch:  shuffle the training set, cut it into mini-batches, take one step per batch.
"""
import contextlib
import math
import numbers
import time

import numpy as np


# what to do with a network an earlier run broke (said by fit's errors)
_START_AGAIN = "Start again from a new Network(...), or from a copy (net.copy()) made before that run."


class TrainingDiverged(RuntimeError):
    """The cost became inf or NaN: usually the steps were too large (the message says when it was
    the network or its inputs instead). `.history` holds what ran."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


class History:
    """What happened during training, for printing and plotting.

    Per epoch: epoch, eta, train_cost, train_accuracy, val_cost, val_accuracy (lists).
    Per step: step_cost (the cost of each mini-batch, before its step; empty with
    fit(..., step_cost=False)), and with track=True
    grad_rms (one row per step: the root-mean-square of dC/dw in each layer).
    With track=True, per epoch: act_stats (per layer: mean activation and fraction saturated).
    Timing: seconds (the whole fit), epoch_seconds (each epoch's steps, without the evaluation).
    """

    def __init__(self):
        self.epoch, self.eta = [], []
        self.train_cost, self.train_accuracy, self.val_cost, self.val_accuracy = [], [], [], []
        self.step_cost, self.grad_rms, self.act_stats = [], [], []
        self.epoch_seconds = []  # wall time of each epoch's steps (without the evaluation)
        self.best_epoch, self.stopped_early, self.seconds = None, False, 0.0

    def __repr__(self):
        last = {k: round(v[-1], 4) for k, v in vars(self).items()
                if isinstance(v, list) and v and k.endswith(("cost", "accuracy")) and v[-1] is not None}
        return f"History({len(self.epoch)} epochs, {len(self.step_cost)} steps, last={last})"


# ---- optimizers: SGD (with momentum), and its relatives RMSProp and Adam --------------------
# Every optimizer has the same protocol: step(params, grads, eta, overwrite_grads=False) updates
# the parameter arrays in place, given the gradient g of each; eta is the learning rate (a
# schedule's value of the epoch when fit() calls it). An optimizer keeps its state (velocity,
# running means) between steps and between calls of fit(): give fit() a new one to start afresh.
class SGD:
    """Gradient descent steps, optionally with momentum (a velocity v that remembers past steps):
        plain:     p <- p - eta * g
        momentum:  v <- mu * v - eta * g;   p <- p + v
        Nesterov:  the same v, but p <- p + mu * v - eta * g (a look-ahead at where v is taking us)
    """

    def __init__(self, momentum=0.0, nesterov=False):
        if not (_is_number(momentum) and 0.0 <= momentum < 1.0):
            raise ValueError(f"momentum must be a number in [0, 1), like 0.9; got {momentum!r}. "
                             "At 1 or above the velocity never decays and training runs away.")
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs a momentum above 0, e.g. momentum=0.9.")
        self.mu, self.nesterov, self.velocity = float(momentum), bool(nesterov), None

    def __repr__(self):
        return f"SGD(momentum={self.mu:g}" + (", nesterov=True)" if self.nesterov else ")")

    def step(self, params, grads, eta, overwrite_grads=False, times_eta=False):
        """Update every parameter array in place.

        overwrite_grads=True lets the step use the gradient arrays as scratch space (they end
        up holding eta * g), which saves an allocation and a pass over memory per step. By
        default grads are left unchanged.
        times_eta=True: grads already hold eta * g (fit() asks backprop for that, see
        Network._backprop's scale), so no pass multiplies them."""
        if times_eta:
            self._apply(params, grads)
        elif overwrite_grads:
            for g in grads:
                g *= eta
            self._apply(params, grads)
        else:
            self._apply(params, [eta * g for g in grads])

    def _apply(self, params, eta_grads):
        """The step, given eta * g for every parameter."""
        if not self.mu:
            for p, eta_g in zip(params, eta_grads):
                p -= eta_g                        # p <- p - eta * g
            return
        self.velocity = _state(self.velocity, params, self)
        for p, v, eta_g in zip(params, self.velocity, eta_grads):
            v *= self.mu
            v -= eta_g                            # v <- mu * v - eta * g
            if self.nesterov:
                p += self.mu * v - eta_g          # p <- p + mu * v - eta * g
            else:
                p += v                            # p <- p + v


class RMSProp:
    """Momentum's relative that scales instead of remembering: each parameter's step is divided
    by a running root-mean-square of its own gradient, so steep directions take small steps and
    flat ones large steps (Hinton's lecture 6e). For every parameter p with gradient g:
        s <- rho * s + (1 - rho) * g^2              a running mean of g^2 (s starts at 0)
        p <- p - eta * g / (sqrt(s) + eps)          eps keeps the division finite where s = 0
    A good eta is much smaller than plain SGD's: about 1e-3.
    """

    def __init__(self, rho=0.9, eps=1e-8):
        self.rho = _check_fraction(rho, "rho", "RMSProp", 0.9)
        self.eps = _check_eps(eps, "RMSProp")
        self.s = None

    def __repr__(self):
        return f"RMSProp(rho={self.rho:g}, eps={self.eps:g})"

    def step(self, params, grads, eta, overwrite_grads=False):
        """Update every parameter array in place (grads are never changed; overwrite_grads is
        accepted for the common protocol)."""
        self.s = _state(self.s, params, self)
        for p, g, s in zip(params, grads, self.s):
            s *= self.rho
            s += (1 - self.rho) * g * g               # s <- rho * s + (1 - rho) * g^2
            p -= eta * g / (np.sqrt(s) + self.eps)    # p <- p - eta * g / (sqrt(s) + eps)


class Adam:
    """Momentum and RMSProp together (Kingma & Ba 2015), each running mean corrected for its
    start at zero. For every parameter p with gradient g, at step t = 1, 2, 3, ...:
        m <- beta1 * m + (1 - beta1) * g            a running mean of g: momentum's velocity
        s <- beta2 * s + (1 - beta2) * g^2          a running mean of g^2, as in RMSProp
        m_hat = m / (1 - beta1^t)                   bias correction: m and s start at 0, so
        s_hat = s / (1 - beta2^t)                   early on they are too small by these factors
        p <- p - eta * m_hat / (sqrt(s_hat) + eps)
    (Kingma & Ba call s "v"; here v is momentum's velocity.) A good eta is about 1e-3.
    """

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1 = _check_fraction(beta1, "beta1", "Adam", 0.9)
        self.beta2 = _check_fraction(beta2, "beta2", "Adam", 0.999)
        self.eps = _check_eps(eps, "Adam")
        self.m, self.s, self.t = None, None, 0

    def __repr__(self):
        return f"Adam(beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g})"

    def step(self, params, grads, eta, overwrite_grads=False):
        """Update every parameter array in place (grads are never changed; overwrite_grads is
        accepted for the common protocol)."""
        self.m, self.s = _state(self.m, params, self), _state(self.s, params, self)
        self.t += 1
        for p, g, m, s in zip(params, grads, self.m, self.s):
            m *= self.beta1
            m += (1 - self.beta1) * g                 # m <- beta1 * m + (1 - beta1) * g
            s *= self.beta2
            s += (1 - self.beta2) * g * g             # s <- beta2 * s + (1 - beta2) * g^2
            m_hat = m / (1 - self.beta1 ** self.t)
            s_hat = s / (1 - self.beta2 ** self.t)
            p -= eta * m_hat / (np.sqrt(s_hat) + self.eps)


def _state(state, params, optimizer):
    """An optimizer's per-parameter arrays: zeros shaped like the parameters at the first step,
    then the same arrays, as long as the parameters keep their shapes."""
    if state is None:
        return [np.zeros_like(p) for p in params]
    if [s.shape for s in state] != [p.shape for p in params]:
        raise ValueError(f"this {type(optimizer).__name__} already holds state (running means or a "
                         "velocity) for parameters of other shapes: it belongs to another network. "
                         f"Give each network (and each fresh start) its own, e.g. {type(optimizer).__name__}().")
    return state


def _check_fraction(value, name, where, example):
    if not (_is_number(value) and 0.0 <= value < 1.0):
        raise ValueError(f"{where}'s {name} (how much of the running mean each step keeps) must be a "
                         f"number in [0, 1), like {example}; got {name}={value!r}.")
    return float(value)


def _check_eps(eps, where):
    if not (_is_number(eps) and math.isfinite(eps) and eps > 0):
        raise ValueError(f"{where}'s eps must be a small positive number, like 1e-8 (it keeps the "
                         f"division by sqrt(s) finite); got eps={eps!r}.")
    return float(eps)


def _is_number(x):
    """A real number: int, float or a NumPy scalar such as np.float32(0.9) (not True/False)."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


# ---- learning-rate schedules: functions of the epoch (0, 1, 2, ...) --------------------------
def _check_eta(eta):
    if not (_is_number(eta) and math.isfinite(eta) and eta > 0):
        raise ValueError(f"the learning rate eta must be a positive number, like 0.1 or 3.0; got {eta!r}.")
    return float(eta)


def constant(eta):
    eta = _check_eta(eta)
    return lambda epoch: eta


def step_decay(eta, drop=0.5, every=10):
    """eta * drop^(epoch // every): halve the rate every 10 epochs, say."""
    eta = _check_eta(eta)
    if not 0 < drop <= 1 or every < 1:
        raise ValueError(f"step_decay needs 0 < drop <= 1 and every >= 1; got drop={drop}, every={every}.")
    return lambda epoch: eta * drop ** (epoch // every)


def exponential(eta, gamma=0.95):
    """eta * gamma^epoch: shrink the rate a little every epoch."""
    eta = _check_eta(eta)
    if not 0 < gamma <= 1:
        raise ValueError(f"exponential needs 0 < gamma <= 1; got gamma={gamma}.")
    return lambda epoch: eta * gamma ** epoch


def cosine(eta, epochs, eta_min=0.0):
    """From eta down to eta_min along half a cosine wave over `epochs` epochs."""
    eta = _check_eta(eta)
    if epochs < 1 or not 0 <= eta_min <= eta:
        raise ValueError(f"cosine needs epochs >= 1 and 0 <= eta_min <= eta; got epochs={epochs}, eta_min={eta_min}.")
    return lambda epoch: eta_min + 0.5 * (eta - eta_min) * (1 + math.cos(math.pi * min(epoch, epochs) / epochs))


SCHEDULES = {"constant": constant, "step": step_decay, "exponential": exponential, "cosine": cosine}


# ---- the clipped (proximal) L1 step: a per-step callback for fit -------------------------------
def soft_threshold(w, t):
    """sgn(w) max(|w| - t, 0): every entry moves t towards 0 and stops at 0 (the proximal step of
    t * |w|). Entries with |w| <= t become exactly 0."""
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


class ClippedL1:
    """A fit() callback for L1 with the clipped (proximal) step: fit takes the plain step on C_0
    (call it WITHOUT l1=), then after every step this moves every weight eta*lam towards 0,
    stopping at 0: w <- soft_threshold(w, eta * lam), with eta the step's learning rate. Biases are
    not touched. With record=f, f(net) is stored in .records after every step (for pictures)."""

    def __init__(self, lam, record=None):
        if not (isinstance(lam, (int, float, np.integer, np.floating)) and np.isfinite(lam) and lam > 0):
            raise ValueError(f"ClippedL1 needs a strength lam > 0, like 1e-3; got {lam!r}.")
        self.lam, self.record, self.records = float(lam), record, []

    def __call__(self, net, info):
        t = info["eta"] * self.lam
        for w in net.weights:               # soft_threshold(w, t), in place: fit's optimizer holds these arrays
            size = np.abs(w)
            size -= t
            np.maximum(size, 0, out=size)
            np.copysign(size, w, out=w)
        if self.record is not None:
            self.records.append(self.record(net))
        return False                         # never stops training


# ---- the training loop ------------------------------------------------------------------------
def fit(net, X, y, epochs=10, batch_size=10, eta=0.5, *, momentum=0.0, nesterov=False,
        optimizer=None, l2=0.0, l1=0.0, dropout=0.0, validation=None, patience=None, augment=None,
        shuffle=True, callback=None, track=False, step_cost=True, evaluate=True, progress=True, seed=0):
    """Train `net` in place by mini-batch stochastic gradient descent; return a History.

    eta: the learning rate, or a schedule (a function of the epoch, e.g. cosine(0.5, 30)).
    batch_size: examples per step (None: the whole training set, plain gradient descent).
    momentum, nesterov: plain SGD's settings (see SGD).
    optimizer: instead, an optimizer object such as Adam(), RMSProp() or SGD(momentum=0.9);
        None means SGD(momentum, nesterov). eta stays the learning rate it is given.
    l2, l1: add l2/2 * sum(w^2) + l1 * sum(|w|) to the cost (weight decay; sparsity).
    dropout: during training, drop each hidden neuron with this probability, independently for
        every example of every step, and scale the survivors by 1 / (1 - dropout) (inverted
        dropout; see Network.dropout_masks). Evaluation, predict and cost use the whole network.
        step_cost is then the cost of each step's thinned network.
    validation: (X_val, y_val), measured after every epoch.
    patience: stop when the validation cost has not improved for this many epochs, and
        restore the weights of the best epoch (early stopping).
    augment: a function (x_batch, rng) -> x_batch applied to every mini-batch.
    callback: called as callback(net, info) after every step, with info a dict (epoch, step,
        cost, eta); returning True stops training.
    track: record per-layer gradient and activation statistics (History.grad_rms, act_stats).
    step_cost: record the cost of every mini-batch (History.step_cost). It takes a few NumPy
        calls per step; step_cost=False skips them (then a divergence is noticed at the end of
        its epoch, from the weights, instead of at its step).
    evaluate: measure cost and accuracy on the whole training set after every epoch.
    progress: show a progress bar (tqdm) over the epochs.
    Raises TrainingDiverged when the cost becomes inf or NaN, naming the learning rate (or, when
    the cost overflows before the first step, the network or its inputs); a ValueError for a network
    whose weights are already inf or NaN (an earlier run of it diverged).
    """
    x_all, y_all, val, m, schedule = _checked_data_and_settings(
        net, X, y, epochs, batch_size, eta, l2, l1, dropout, validation, patience, augment, callback,
        step_cost, track, evaluate, shuffle)
    optimizer = _optimizer(optimizer, momentum, nesterov)
    # plain SGD's step is eta * gradient, which backprop can return directly (see its scale);
    # momentum, RMSProp and Adam are given the gradient itself
    times_eta = type(optimizer) is SGD and not optimizer.mu
    how = {"times_eta": True} if times_eta else {"overwrite_grads": True}  # (the grads are ours)
    params = net.weights + net.biases  # the arrays themselves: steps update them in place
    want_cost = step_cost or callback is not None
    rng = np.random.default_rng(seed)
    record = _Record(net, x_all, y_all, val, l2, l1, track, evaluate, patience, step_cost)
    with _progress(epochs, progress) as bar, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs):
            eta_now = _check_eta(schedule(epoch))
            record.start_epoch()
            scale = eta_now if times_eta else 1.0  # plain SGD: backprop returns the step itself
            for step, (x, yb) in enumerate(_mini_batches(x_all, y_all, m, shuffle, rng)):
                if augment is not None:
                    x = _augmented(augment, x, rng)
                masks = net.dropout_masks(len(x), dropout, rng) if dropout else None
                first = epoch == step == 0  # its cost is always checked: is the network sound?
                nabla_w, nabla_b, _, cost = net._backprop(x, yb, l2, l1, masks, want_cost or first, scale)
                record.step(cost, nabla_w, epoch, step, eta_now, scale)  # diverged? into the History
                optimizer.step(params, nabla_w + nabla_b, eta_now, **how)
                if callback is not None and callback(net, {"epoch": epoch, "step": step,
                                                          "cost": cost, "eta": eta_now}):
                    return record.finish()
            record.end_epoch(epoch, eta_now, bar)  # evaluation, validation, progress bar
            if record.stop_early(epoch):
                return record.finish()
    return record.finish()


def _mini_batches(x_all, y_all, m, shuffle, rng):
    """One epoch's mini-batches of m examples (the last one may be smaller): in a fresh random
    order, gathered one batch at a time (no copy of the whole training set), or in order (views)."""
    n = len(x_all)
    if not shuffle:
        for k in range(0, n, m):
            yield x_all[k:k + m], y_all[k:k + m]
        return
    order = rng.permutation(n)
    for k in range(0, n, m):
        batch = order[k:k + m]
        yield x_all.take(batch, axis=0), y_all.take(batch, axis=0)


class _Record:
    """fit()'s bookkeeping: it fills the History step by step and epoch by epoch, notices a
    divergence, and keeps the best epoch's weights for early stopping."""

    def __init__(self, net, x_all, y_all, val, l2, l1, track, evaluate, patience, step_cost):
        self.net, self.x_all, self.y_all, self.val, self.l2, self.l1 = net, x_all, y_all, val, l2, l1
        self.track, self.evaluate, self.patience, self.step_cost = track, evaluate, patience, step_cost
        self.history, self.best, self.best_cost = History(), None, math.inf
        self.start = time.perf_counter()

    def start_epoch(self):
        self.epoch_start, self.grads_rms = time.perf_counter(), []

    def step(self, cost, nabla_w, epoch, step, eta, scale=1.0):
        """After one step's backprop (cost is None when nothing asked for it; nabla_w is scale
        times the gradient)."""
        if cost is not None:
            if not math.isfinite(cost):
                if epoch == step == 0:  # no step of this run taken yet
                    raise TrainingDiverged(
                        f"the cost is already {cost} on the first mini-batch, before any step: not the "
                        f"learning rate's fault (eta={eta:g}). The network's output overflows on these "
                        f"inputs. Did an earlier fit() of it diverge? {_START_AGAIN} Or are the inputs far "
                        f"larger than 0 to 1?", self.history)
                raise TrainingDiverged(
                    f"training diverged in epoch {epoch + 1}, step {step + 1}: the cost became "
                    f"{cost}. The learning rate eta={eta:g} is too large for this network; "
                    f"try a smaller one (e.g. eta={eta / 10:g}).", self.history)
            if self.step_cost:
                self.history.step_cost.append(cost)
        if self.track:
            self.grads_rms.append([float(np.sqrt(np.vdot(g, g) / g.size)) / scale for g in nabla_w])

    def end_epoch(self, epoch, eta, bar):
        h, net = self.history, self.net
        h.epoch_seconds.append(time.perf_counter() - self.epoch_start)
        h.epoch.append(epoch + 1)
        h.eta.append(eta)
        h.grad_rms.extend(self.grads_rms)
        if not self.step_cost and not all(np.isfinite(p).all() for p in net.weights + net.biases):
            raise TrainingDiverged(f"training diverged in epoch {epoch + 1}: the weights became inf or NaN. "
                                   f"The learning rate eta={eta:g} is too large; try eta={eta / 10:g}.", h)
        if self.evaluate:
            h.train_cost.append(net.cost(self.x_all, self.y_all, self.l2, self.l1))
            h.train_accuracy.append(net.accuracy(self.x_all, self.y_all))
            self._finite(h.train_cost[-1], "cost", epoch, eta)
        if self.track:
            h.act_stats.append(layer_stats(net, self.x_all[:500]))
        if self.val is not None:
            h.val_cost.append(net.cost(*self.val, self.l2, self.l1))
            h.val_accuracy.append(net.accuracy(*self.val))
            self._finite(h.val_cost[-1], "validation cost", epoch, eta)
            if h.val_cost[-1] < self.best_cost:
                self.best, self.best_cost, h.best_epoch = net.copy(), h.val_cost[-1], epoch + 1
        if bar is not None:  # this epoch is done: count it before a possible early stop
            bar.update(1)
            if h.train_cost:
                bar.set_postfix(cost=f"{h.train_cost[-1]:.4f}", acc=f"{h.train_accuracy[-1]:.3f}", refresh=False)

    def _finite(self, value, what, epoch, eta):
        if not math.isfinite(value):
            raise TrainingDiverged(f"training diverged in epoch {epoch + 1}: the {what} became {value}. "
                                   f"The learning rate eta={eta:g} is too large; try eta={eta / 10:g}.",
                                   self.history)

    def stop_early(self, epoch):
        """Early stopping: no better validation cost for `patience` epochs. Then back to the
        best epoch's weights."""
        if self.patience is None or epoch + 1 - self.history.best_epoch < self.patience:
            return False
        for p, q in zip(self.net.weights + self.net.biases, self.best.weights + self.best.biases):
            p[...] = q
        self.history.stopped_early = True
        return True

    def finish(self):
        self.history.seconds = time.perf_counter() - self.start
        return self.history


def _checked_data_and_settings(net, X, y, epochs, batch_size, eta, l2, l1, dropout, validation,
                               patience, augment, callback, step_cost, track, evaluate, shuffle):
    """fit()'s arguments checked, before anything is touched: the training data as arrays of the
    network's dtype (labels as one-hot rows), the validation pair likewise (or None), the batch
    size and the learning-rate schedule. Any bad one raises a ValueError saying what to give."""
    x_all = net.check_inputs(X, batch=True)
    y_all = net.targets(y, len(x_all))
    if not all(np.isfinite(p).all() for p in net.weights + net.biases):
        raise ValueError(f"this network's weights or biases are already inf or NaN (did an earlier fit() of it "
                         f"diverge?): no learning rate can train it. {_START_AGAIN}")
    m = len(x_all) if batch_size is None else batch_size
    if not (isinstance(m, (int, np.integer)) and m >= 1):
        raise ValueError(f"batch_size must be a whole number >= 1 (or None for the whole set); got {batch_size!r}.")
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 0):
        raise ValueError(f"epochs must be a whole number >= 0; got {epochs!r}.")
    if patience is not None and validation is None:
        raise ValueError("early stopping (patience=...) watches the validation cost: pass validation=(X_val, y_val).")
    if patience is not None and not (isinstance(patience, (int, np.integer)) and patience >= 1):
        raise ValueError(f"patience must be a whole number of epochs >= 1, like 5; got {patience!r}.")
    if validation is not None and not (isinstance(validation, (tuple, list)) and len(validation) == 2):
        raise ValueError("validation must be a pair (X_val, y_val), e.g. the second pair that "
                         "load_digits(validation=1000) returns.")
    for name, value in (("l2", l2), ("l1", l1)):
        if not (_is_number(value) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} (a regularisation strength) must be a number >= 0, like 1e-4 "
                             f"(0 switches it off); got {name}={value!r}.")
    if not (_is_number(dropout) and 0 <= dropout < 1):
        raise ValueError(f"dropout must be a probability in [0, 1), like 0.5 (0 switches it off); "
                         f"got {dropout!r}. It is the chance that a hidden neuron is dropped.")
    if dropout:
        net.dropout_masks(1, dropout, rng=0)  # refuses a network without a hidden layer
    if augment is not None and not callable(augment):
        raise ValueError(f"augment must be a function (x_batch, rng) -> x_batch, like shifter(2) from "
                         f"nnlib.augment; got {augment!r}.")
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be a function callback(net, info); got {callback!r}.")
    for name, value in (("step_cost", step_cost), ("track", track), ("evaluate", evaluate), ("shuffle", shuffle)):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False; got {name}={value!r}.")
    schedule = eta if callable(eta) else constant(eta)
    val = None
    if validation is not None:
        x_val = net.check_inputs(validation[0], batch=True)
        val = (x_val, net.targets(validation[1], len(x_val)))
    return x_all, y_all, val, m, schedule


def _optimizer(optimizer, momentum, nesterov):
    """The optimizer fit() steps with: SGD(momentum, nesterov) unless one is given."""
    if optimizer is None:
        return SGD(momentum, nesterov)
    if isinstance(momentum, (bool, np.bool_)) or momentum != 0 or nesterov:
        raise ValueError(f"give momentum either to the optimizer or to fit(), not both: with "
                         f"optimizer={optimizer!r}, leave fit's momentum and nesterov alone (write "
                         "optimizer=SGD(momentum=0.9, nesterov=True) for SGD with momentum).")
    if isinstance(optimizer, type):
        raise ValueError(f"optimizer must be an optimizer object, not the class {optimizer.__name__}: "
                         f"write optimizer={optimizer.__name__}() (with brackets).")
    if not callable(getattr(optimizer, "step", None)):
        raise ValueError(f"optimizer must be an object with a step(params, grads, eta) method, like "
                         f"Adam(), RMSProp() or SGD(momentum=0.9); got {optimizer!r}.")
    return optimizer


def _augmented(augment, x, rng):
    out = np.asarray(augment(x, rng), dtype=x.dtype)
    if out.shape != x.shape:
        raise ValueError(f"augment returned a batch of shape {out.shape} for one of shape {x.shape}: "
                         "it must return the same number of examples, each of the same size.")
    return out


def layer_stats(net, x):
    """Per layer: the mean activation, and the fraction of neurons saturated (sigmoid/tanh at
    their flat ends, where sigma' is nearly 0) or dead (ReLU at 0)."""
    z, a = net._trace(x)
    stats = []
    for l, (zl, al) in enumerate(zip(z, a[1:])):
        sigma = net.sigmas[l]
        if sigma.name in ("sigmoid", "tanh"):
            saturated = float(np.mean(np.abs(zl) > 4))  # sigma'(4): 7 % of its peak (tanh: 0.1 %)
        elif sigma.name == "relu":
            saturated = float(np.mean(zl <= 0))
        else:
            saturated = 0.0
        stats.append({"mean": float(al.mean()), "std": float(al.std()), "saturated": saturated})
    return stats


@contextlib.contextmanager
def _progress(epochs, enabled):
    """The progress bar (or None), closed however training ends (see _progress_bar)."""
    bar = _progress_bar(epochs, enabled)
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()


def _progress_bar(epochs, enabled):
    """A progress bar over the epochs (or None when not enabled).

    In a Jupyter kernel (tqdm.auto picks tqdm.notebook) it is a widget, nothing goes to stderr,
    and the bar stays when training ends: green when done or stopped early on purpose, red when
    training failed. Its plain-text stand-in (what a reader without the widget sees: GitHub,
    JupyterLab before the notebook runs) says only how many epochs it counts: no timings and no
    half-drawn bar, so a saved notebook is the same on every run and nbval sees no difference.
    Elsewhere (a terminal, a script, pytest) it is tqdm's text bar on stderr, erased when done.
    """
    if not enabled:
        return None
    from tqdm.auto import tqdm  # imported only when asked for: the core needs just numpy
    if not any(cls.__module__ == "tqdm.notebook" for cls in tqdm.__mro__):
        return tqdm(total=epochs, desc="epochs", unit="epoch", leave=False)
    import sys
    from IPython.display import display
    from tqdm.std import tqdm as text_tqdm

    class NotebookBar(tqdm):
        def __init__(self):
            super().__init__(total=epochs, desc="epochs", unit="epoch", leave=True, display=False)
            bundle = dict(self.container._repr_mimebundle_())
            bundle["text/plain"] = f"[progress bar: {epochs} epoch{'s' * (epochs != 1)}]"
            display(bundle, raw=True)

        def close(self):
            if self.disable:
                return
            if sys.exc_info()[0] is None and self.total and self.n < self.total:
                # stopped early on purpose (patience, callback): not a failure, so not red
                self.set_description("epochs (stopped early)", refresh=False)
                text_tqdm.close(self)
                self.disp(bar_style="success", check_delay=False)
            else:
                super().close()  # green when complete; red when an error ended training

    return NotebookBar()
