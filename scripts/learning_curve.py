"""The learning curve of notebook 11: test and training accuracy against the number of training
examples, and what random shifts are worth, like with like.

    python3 scripts/learning_curve.py                  # writes data/weights/learning-curve.json
    python3 scripts/learning_curve.py --sizes 100 200 --seeds 0 --out /tmp/curve.json   # a quick one
    python3 scripts/learning_curve.py --mnist          # adds 60,000 (full MNIST, downloaded first)

For every size n and seed s: take the first n digits of the bundled training split (8,000) in
the order np.random.default_rng(s).permutation(8000), train a fresh [784, 30, 10] network
(sigmoid hidden layer, softmax output, cross-entropy, "scaled" initialisation, seed s) by
mini-batch SGD (batch 20, eta 0.5) for the SAME number of steps whatever n: 4,000 (epochs_for(n)
epochs of ceil(n / 20) steps: 800 epochs for n = 100, 10 for n = 8,000; the JSON records the
steps each run got). Measure its accuracy on the 2,000 bundled test digits and on the n digits it
trained on (its training accuracy: the gap between the two is notebook 10's overfitting).
Then the augmentation runs: n = 1,000 again, for the same seeds, the same subsets, starting
weights and steps, with every mini-batch shifted by up to one pixel (nnlib.augment.shifter(1)),
so that plain and augmented differ only in the shifts.

Everything is seeded: the same command writes the same numbers on the same machine. It takes
about a minute here (2 cores shared with other work; its own time is written to the JSON).
(The --mnist run is measured on MNIST's own 10,000 test digits: the bundled digits come from
MNIST's training set.)

Notebook 11 reads the JSON and reruns some runs live with the same settings.
"""
import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnlib import Network, fit  # noqa: E402
from nnlib.augment import shifter  # noqa: E402
from nnlib.data import load_digits, load_mnist  # noqa: E402

SIZES = [100, 200, 500, 1000, 2000, 4000, 8000]
SEEDS = [0, 1, 2]
SETTINGS = {"hidden": 30, "hidden_activation": "sigmoid", "output": "softmax", "cost": "cross_entropy",
            "init": "scaled", "batch_size": 20, "eta": 0.5, "steps": 4000, "dtype": "float32"}
AUGMENT = {"n": 1000, "shift": 1}
OUT = ROOT / "data" / "weights" / "learning-curve.json"


def epochs_for(n, settings=SETTINGS):
    """Epochs for n examples: enough for settings["steps"] steps (exactly that many when the
    number of mini-batches per epoch, ceil(n / batch_size), divides it, as for every size here)."""
    return int(math.ceil(settings["steps"] / steps_per_epoch(n, settings)))


def steps_per_epoch(n, settings=SETTINGS):
    return math.ceil(n / settings["batch_size"])


def subset(n, seed, n_available):
    """Positions of the n training examples used with this seed."""
    if not 1 <= n <= n_available:
        raise ValueError(f"a training-set size must be from 1 to {n_available}; got {n}.")
    return np.random.default_rng(seed).permutation(n_available)[:n]


def train_one(X, y, X_test, y_test, n, seed, settings=SETTINGS, augment=None):
    """Train on n examples (seeded subset); return (test accuracy, training accuracy, seconds)."""
    idx = subset(n, seed, len(X))
    s = settings
    net = Network([X.shape[1], s["hidden"], 10], hidden=s["hidden_activation"], output=s["output"],
                  cost=s["cost"], init=s["init"], seed=seed, dtype=np.dtype(s["dtype"]))
    start = time.perf_counter()
    fit(net, X[idx], y[idx], epochs=epochs_for(n, s), batch_size=s["batch_size"], eta=s["eta"],
        augment=augment, evaluate=False, progress=False, seed=seed)
    return net.accuracy(X_test, y_test), net.accuracy(X[idx], y[idx]), time.perf_counter() - start


def learning_curve(sizes=SIZES, seeds=SEEDS, mnist=False, verbose=True):
    """The whole experiment as a dict (what the JSON file holds)."""
    begin = time.perf_counter()
    dtype = np.dtype(SETTINGS["dtype"])
    (X, y), (X_test, y_test) = load_digits(dtype=dtype)
    accuracy, train_accuracy = [], []
    for n in sizes:
        row, train_row = [], []
        for seed in seeds:
            acc, train_acc, seconds = train_one(X, y, X_test, y_test, n, seed)
            row.append(round(float(acc), 4))
            train_row.append(round(float(train_acc), 4))
            if verbose:
                print(f"n = {n:>5}, seed {seed}: {epochs_for(n):>3} epochs, test accuracy {acc:.2%}, "
                      f"training accuracy {train_acc:.2%} ({seconds:.1f} s)", flush=True)
        accuracy.append(row)
        train_accuracy.append(train_row)
    augmented, augmented_train = [], []
    for seed in seeds:
        acc, train_acc, seconds = train_one(X, y, X_test, y_test, AUGMENT["n"], seed,
                                            augment=shifter(AUGMENT["shift"]))
        augmented.append(round(float(acc), 4))
        augmented_train.append(round(float(train_acc), 4))
        if verbose:
            print(f"n = {AUGMENT['n']}, seed {seed}, shifts up to {AUGMENT['shift']} pixel: test accuracy "
                  f"{acc:.2%} ({seconds:.1f} s)", flush=True)
    result = {
        "description": "Test accuracy (2,000 bundled test digits) and training accuracy (on its own n "
                       "digits) of a [784, 30, 10] network trained on n digits of the bundled training "
                       "split, every run for the same number of steps; one column per seed. Written by "
                       "scripts/learning_curve.py.",
        "sizes": list(sizes), "seeds": list(seeds), "epochs": [epochs_for(n) for n in sizes],
        "steps": [epochs_for(n) * steps_per_epoch(n) for n in sizes],
        "settings": SETTINGS, "subset": "np.random.default_rng(seed).permutation(8000)[:n]",
        "test_set": "bundled digits, load_digits() test split (2,000)",
        "accuracy": accuracy, "mean_accuracy": [round(float(np.mean(r)), 4) for r in accuracy],
        "train_accuracy": train_accuracy,
        "augmented": {"n": AUGMENT["n"], "shift": AUGMENT["shift"], "seeds": list(seeds),
                      "epochs": epochs_for(AUGMENT["n"]),
                      "description": "the same runs as n = 1,000 (same seeds, subsets, starting weights, "
                                     "steps), every mini-batch shifted by nnlib.augment.shifter(shift)",
                      "accuracy": augmented, "train_accuracy": augmented_train},
    }
    if mnist:
        (Xm, ym), (Xm_test, ym_test) = load_mnist(dtype=dtype)
        acc, train_acc, seconds = train_one(Xm, ym, Xm_test, ym_test, len(Xm), seeds[0])
        result["mnist_60000"] = {
            "n": len(Xm), "seed": seeds[0], "epochs": epochs_for(len(Xm)), "accuracy": round(float(acc), 4),
            "test_set": "MNIST's official test set (10,000): the bundled digits most likely come from "
                        "MNIST's training set (data/README.md), so they cannot test a network trained on it."}
        if verbose:
            print(f"n = {len(Xm)} (full MNIST): accuracy on MNIST's test set {acc:.2%} ({seconds:.1f} s)")
    result["seconds"] = round(time.perf_counter() - begin, 1)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--mnist", action="store_true", help="add a run on the full MNIST (downloads it)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    result = learning_curve(args.sizes, args.seeds, args.mnist)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=1) + "\n")
    tmp.replace(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
