"""Activation functions sigma(z) and their derivatives sigma'(z).

Each activation is applied elementwise to z = w a + b. `prime(z, a)` is sigma'(z); it is given
a = sigma(z) too, because for sigmoid and tanh the derivative is cheapest written with a.
Softmax is the exception: it mixes a layer's neurons, so it is only allowed as an output layer,
where the cost's delta takes care of it (see costs.py).
"""
import numpy as np


class Activation:
    name = "activation"
    elementwise = True

    def __call__(self, z):
        raise NotImplementedError

    def prime(self, z, a):
        raise NotImplementedError

    def __repr__(self):
        return self.name


class Sigmoid(Activation):
    name = "sigmoid"

    def __call__(self, z):
        """1 / (1 + e^-z), computed in place in one new array (about twice as fast as the
        tanh form 0.5 (1 + tanh(z / 2))). Far below z = ln(tiny) (about -708 in float64, -87
        in float32) e^-z would overflow; sigma(z) there is already about the smallest normal
        number, so z is capped at ln(tiny) first: no value of z gives an overflow warning."""
        z = np.asarray(z)
        if z.ndim == 0:
            return 1.0 / (1.0 + np.exp(-np.maximum(z, _lowest(z.dtype))))
        a = np.maximum(z, _lowest(z.dtype))  # a new array: z itself is left alone
        np.negative(a, out=a)
        np.exp(a, out=a)
        a += 1.0
        return np.reciprocal(a, out=a)

    def prime(self, z, a):
        return a * (1.0 - a)  # sigma'(z) = sigma(z) (1 - sigma(z)), never above 1/4


_LOWEST = {}


def _lowest(dtype):
    """ln of the smallest normal number of z's float type (float64 for integer z)."""
    if dtype not in _LOWEST:
        kind = dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)
        _LOWEST[dtype] = kind.type(np.log(np.finfo(kind).tiny))
    return _LOWEST[dtype]


class Tanh(Activation):
    name = "tanh"

    def __call__(self, z):
        return np.tanh(z)

    def prime(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    name = "relu"

    def __call__(self, z):
        return np.maximum(z, 0.0)

    def prime(self, z, a):
        return (z > 0).astype(z.dtype)


class Identity(Activation):
    name = "identity"

    def __call__(self, z):
        return z

    def prime(self, z, a):
        return np.ones_like(z)


class Softmax(Activation):
    """a_j = e^{z_j} / sum_k e^{z_k}: outputs that are positive and sum to 1 (probabilities)."""
    name = "softmax"
    elementwise = False

    def __call__(self, z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))  # shifting z changes nothing but avoids overflow
        return e / e.sum(axis=-1, keepdims=True)

    def prime(self, z, a):
        raise ValueError("softmax has no elementwise derivative: it can only be an output layer, "
                         "whose delta the cost computes. Use sigmoid, tanh, relu or identity in hidden layers.")


ACTIVATIONS = {cls.name: cls() for cls in (Sigmoid, Tanh, ReLU, Identity, Softmax)}
HIDDEN = ("sigmoid", "tanh", "relu", "identity")
OUTPUT = ("sigmoid", "softmax", "identity", "tanh", "relu")


def get(name, allowed=tuple(ACTIVATIONS), role="activation"):
    """Look up an activation by name, with an error that lists the choices."""
    if isinstance(name, Activation):
        name = name.name
    if name in ACTIVATIONS and name not in allowed:
        why = (": it mixes the neurons of a layer, so it only works as the output layer "
               "(output='softmax')" if name == "softmax" else "")
        raise ValueError(f"{name} cannot be the {role}{why}. Choose one of {', '.join(allowed)}.")
    if name not in allowed:
        raise ValueError(f"unknown {role} {name!r}: choose one of {', '.join(allowed)}.")
    return ACTIVATIONS[name]
