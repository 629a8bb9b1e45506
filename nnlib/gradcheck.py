"""Checking backpropagation against the definition of a derivative.

dC/dp is approximately (C(p + eps) - C(p - eps)) / (2 eps)  (a central difference), one
parameter at a time. Slow (two forward passes per parameter) but independent of backprop, so the
two agreeing is strong evidence that backprop is right.
"""
import numpy as np


def numerical_gradient(f, p, eps=1e-5):
    """Central differences of the function f() with respect to every entry of the array p."""
    grad = np.zeros_like(p, dtype=np.float64)
    for i in np.ndindex(p.shape):
        old = p[i]
        p[i] = old + eps
        up = f()
        p[i] = old - eps
        down = f()
        p[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """||analytic - numeric|| / (||analytic|| + ||numeric||): 0 when they agree exactly."""
    diff = np.linalg.norm(analytic - numeric)
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else float(diff / scale)


def gradcheck(net, X, y, l2=0.0, l1=0.0, eps=1e-5, dropout_masks=None):
    """The largest relative error between backprop's gradient and central differences, over
    every weight matrix and bias vector of `net`. Below about 1e-7 (in float64) means agreement.
    dropout_masks: check the thinned network those masks make (net.dropout_masks(len(X), p)):
    backprop's gradient against differences of that same network's cost."""
    if net.dtype != np.float64:
        raise ValueError("gradcheck needs a float64 network (dtype=np.float64): in float32 the "
                         "finite differences are too coarse to compare.")
    nabla_w, nabla_b = net.backprop(X, y, l2=l2, l1=l1, dropout_masks=dropout_masks)
    cost = lambda: net.cost(X, y, l2=l2, l1=l1, dropout_masks=dropout_masks)
    errors = [relative_error(g, numerical_gradient(cost, p, eps))
              for g, p in zip(nabla_w + nabla_b, net.weights + net.biases)]
    return max(errors)
