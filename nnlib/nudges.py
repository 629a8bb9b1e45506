"""Backpropagation the intuitive way: every neuron's wishes, summed and passed backwards.

This module computes, neuron by neuron and with plain loops, what 3Blue1Brown's video describes
in words, so that a notebook can set it side by side with `Network.backprop` (vectorised, the
four equations) and show that the two agree.

For one training example (x, y) and the cost C = 1/2 ||a^(L) - y||^2 (nnlib's quadratic cost):

  * the output layer wants each activation nudged by  -(a_j - y_j)  (= -dC/da_j): up when it is
    too low, down when it is too high, in proportion to how far off it is;
  * neuron j can only change its activation through z_j, and z_j moves a_j with sensitivity
    sigma'(z_j): a push on z_j is only sigma'(z_j) as effective on a_j (a saturated neuron barely
    responds). The push that the cost's slope asks of z_j is therefore  wish_z_j = wish_a_j * sigma'(z_j)
    (the chain rule: dC/dz_j = dC/da_j * da_j/dz_j), not the wish for a_j divided by anything;
  * the three ways to follow that push:
      the bias        b_j     by  wish_z_j                 (one for one)
      each weight     w_jk    by  wish_z_j * a_k           (the largest changes join the brightest
                                                            previous neurons to the neurons we most
                                                            want to change, which may be dim now: a
                                                            loose cousin of "fire together, wire
                                                            together", driven by the error, not by
                                                            joint activity)
      each previous   a_k     by  wish_z_j * w_jk          (more through stronger connections)
  * every neuron j of a layer has its own wish for a_k; adding them up gives the previous layer's
    wishes, and the same reasoning repeats one layer further back.

The wishes are the negative gradient of this example's cost, and their average over a batch is
the negative gradient of the batch's mean cost, which is what gradient descent steps along.
Only NumPy is imported here.
"""
import numpy as np


class Wishes:
    """What one example wants of every parameter and activation of a network.

    For layer l (0 = first weight layer), all with the shapes of the network's arrays:
        activations[l]  wishes for a[l+1], the layer's output activations   (n_out,)
        z[l]            wishes for z[l] = wishes for the biases b[l]          (n_out,)
        biases[l]       the same numbers as z[l]                              (n_out,)
        weights[l]      wishes for w[l]                                       (n_out, n_in)
        per_neuron[l]   what each neuron j of layer l wants of each activation a_k feeding it:
                        per_neuron[l][j, k] = z[l][j] * w[l][j, k]; summing over j gives
                        activations[l - 1] (the previous layer's wishes)      (n_out, n_in)
    """

    def __init__(self, activations, z, weights, per_neuron):
        self.activations, self.z, self.weights, self.per_neuron = activations, z, weights, per_neuron
        self.biases = z

    def __repr__(self):
        sizes = [w.shape for w in self.weights]
        return f"Wishes(layers with weight shapes {sizes})"


def output_nudges(a, y):
    """The desired nudges of the output activations: -(a_j - y_j), that is y_j - a_j.

    For nnlib's quadratic cost C = 1/2 sum_j (a_j - y_j)^2 this is exactly -dC/da_j. (The video's
    C_0 = sum_j (a_j - y_j)^2 has no 1/2, so its -dC_0/da_j is twice as large: the same direction.)
    """
    a, y = np.asarray(a, dtype=float), np.asarray(y, dtype=float)
    if a.shape != y.shape:
        raise ValueError(f"the output a has shape {a.shape} but the target y has shape {y.shape}: "
                         "give one desired value per output neuron (a one-hot row for a label).")
    return y - a


def _check_network(net):
    if net.cost_fn.name != "quadratic":
        raise ValueError(f"the intuitive wishes follow the video's quadratic cost, but this network uses "
                         f"{net.cost_fn.name!r}: make the network with cost='quadratic'.")
    if not all(s.elementwise for s in net.sigmas):
        raise ValueError("the intuitive wishes need an activation applied to each neuron on its own; "
                         "softmax mixes the outputs: use output='sigmoid'.")


def _one_example(net, x, y):
    x = net.check_inputs(x)
    if x.ndim != 1:
        raise ValueError(f"wishes() takes ONE example, a vector of {net.sizes[0]} numbers; got shape "
                         f"{x.shape}. For a batch use average_wishes(net, X, y).")
    y = np.asarray(y)
    target = net.targets(y.reshape(1, -1) if y.ndim == 1 and y.size > 1 else y.reshape(1), 1)[0]
    return x, target


def wishes(net, x, y):
    """The wishes of ONE example (x, y label or desired output row), neuron by neuron.

    Written with explicit loops over the neurons on purpose: it is the video's story, not the
    vectorised backprop, and the notebook checks that the two give the same numbers.
    """
    _check_network(net)
    x, y = _one_example(net, x, y)
    z, a = net.trace(x)                        # z[l], a[l]; a[0] = x
    L = len(net.weights)
    wish_a = output_nudges(a[-1], y)           # what the output layer wants
    acts, zs, ws, per = [None] * L, [None] * L, [None] * L, [None] * L
    for l in range(L - 1, -1, -1):
        w, a_prev = net.weights[l], a[l]
        sigma = net.sigmas[l]
        slope = sigma.prime(z[l], a[l + 1])    # sigma'(z_j): how much a_j moves per unit of z_j
        n_out, n_in = w.shape
        wish_z = np.zeros(n_out)
        wish_w = np.zeros((n_out, n_in))
        wants = np.zeros((n_out, n_in))        # wants[j, k]: neuron j's wish for a_k
        for j in range(n_out):
            wish_z[j] = wish_a[j] * slope[j]
            wish_w[j] = wish_z[j] * a_prev     # brighter a_k -> bigger change of w_jk
            wants[j] = wish_z[j] * w[j]        # stronger w_jk -> bigger wish for a_k
        acts[l], zs[l], ws[l], per[l] = wish_a, wish_z, wish_w, wants
        wish_a = wants.sum(axis=0)             # add up every neuron's wishes: the previous layer's
    return Wishes(acts, zs, ws, per)


def average_wishes(net, X, y):
    """The wishes of every example in a batch, averaged: (weights, biases) lists.

    Equal to minus the gradient of the batch's mean cost, -net.backprop(X, y)."""
    X = net.check_inputs(X, batch=True)
    Y = net.targets(y, len(X))
    sum_w = [np.zeros_like(w) for w in net.weights]
    sum_b = [np.zeros_like(b) for b in net.biases]
    for x, target in zip(X, Y):
        wish = wishes(net, x, target)
        for l in range(len(sum_w)):
            sum_w[l] += wish.weights[l]
            sum_b[l] += wish.biases[l]
    return [s / len(X) for s in sum_w], [s / len(X) for s in sum_b]
