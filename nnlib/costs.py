"""Cost functions C(a, y) and the output error delta^L = dC/dz^L.

`value(a, y)` is the cost averaged over the examples (the rows) of a batch.
`delta(z, a, y, output)` is backprop's first equation, one row per example (not yet averaged):
    delta^L = grad_a C  (*)  sigma'(z^L)
"""
import numpy as np

TINY = 1e-12  # keeps log() finite when an output saturates at exactly 0 or 1


def _clip_open(a):
    """a clipped into the open interval (0, 1) of its own dtype: in float32, 1 - 1e-12 rounds to
    1.0, so the upper bound is 1 - eps of the dtype (log(1 - a) stays finite for a saturated a)."""
    eps = max(TINY, float(np.finfo(a.dtype).eps)) if a.dtype.kind == "f" else TINY
    return np.clip(a, TINY, 1 - eps)


def output_delta(grad_a, z, a, output):
    """delta = grad_a C (*) sigma'(z) for elementwise outputs; the softmax Jacobian otherwise."""
    if output.elementwise:
        return grad_a * output.prime(z, a)
    return a * (grad_a - (grad_a * a).sum(axis=1, keepdims=True))  # softmax: J^T grad_a


class Quadratic:
    """C = 1/2 ||a - y||^2: half the squared distance between output and target."""
    name = "quadratic"

    def value(self, a, y, output=None):
        e = (a - y).ravel()
        return 0.5 * float(e @ e) / len(a)  # e @ e = sum of squares, without a temporary array

    def delta(self, z, a, y, output):
        return output_delta(a - y, z, a, output)

    def check(self, output):
        pass


class CrossEntropy:
    """Binary cross-entropy for sigmoid outputs, log-likelihood for softmax outputs.

    sigmoid: C = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)]
    softmax: C = -sum_j y_j ln a_j
    For both, sigma'(z) cancels and delta^L = a - y: no learning slowdown when outputs saturate.
    """
    name = "cross_entropy"

    def value(self, a, y, output):
        a = _clip_open(a)
        if output.name == "softmax":
            return -float(np.vdot(y, np.log(a))) / len(a)
        return -float(np.vdot(y, np.log(a)) + np.vdot(1 - y, np.log(1 - a))) / len(a)

    def delta(self, z, a, y, output):
        return a - y

    def check(self, output):
        if output.name not in ("sigmoid", "softmax"):
            raise ValueError(f"cross_entropy needs a sigmoid or softmax output layer, not {output.name}: "
                             "use output='sigmoid' or output='softmax', or cost='quadratic'.")


COSTS = {cls.name: cls() for cls in (Quadratic, CrossEntropy)}


def get(name):
    if not isinstance(name, str):
        name = getattr(name, "name", name)
    if name not in COSTS:
        raise ValueError(f"unknown cost {name!r}: choose one of {', '.join(COSTS)}.")
    return COSTS[name]
