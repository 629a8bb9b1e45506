"""nnlib: a small NumPy neural-network library for learning how backpropagation works.

    from nnlib import Network, fit, load_digits
    (X_train, y_train), (X_test, y_test) = load_digits()
    net = Network([784, 16, 16, 10], seed=0)
    history = fit(net, X_train, y_train, epochs=10, batch_size=10, eta=3.0)
    net.accuracy(X_test, y_test)

The core (network, activations, costs, train, gradcheck, data) needs only NumPy.
Pictures live in nnlib.plots (matplotlib) and sliders in nnlib.widgets (ipywidgets).
"""
from .network import Network
from .train import fit, History, TrainingDiverged, ClippedL1, SGD, RMSProp, Adam, constant, step_decay, exponential, cosine
from .gradcheck import gradcheck
from .data import load_digits, load_mnist, download_mnist, DataError

__version__ = "0.1.0"

