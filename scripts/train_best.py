#!/usr/bin/env python3
"""Train the course's best digit network (notebook 7) and save it to data/weights/.

    python3 scripts/train_best.py            # train the chosen configuration, save best.npz + best.json
    python3 scripts/train_best.py --search   # compare the candidates on a validation carve first
    python3 scripts/train_best.py --search --fresh   # ... training even those already in search.json

Honest model selection, in three steps, fixed (rule and candidates, commit 3db083a) before any new
candidate below was measured on the test digits (one of them, round 2's choice, already had been):
1. --search trains every configuration in CANDIDATES twice, each time on 7,000 of the 8,000 bundled
   training digits, and measures it on the other 1,000: first carve load_digits(validation=1000),
   second carve second_carve(), disjoint from the first. That is 2,000 validation digits per
   candidate; the test split is not touched. Only candidates whose final training (on 8,000 digits:
   8/7 of a search run's work) is expected to take at most SEARCH_BUDGET_SECONDS of CPU time can win
   (a margin below the 120 s budget, for a busier machine). The best mean accuracy over the two
   carves wins; a tie goes to the cheaper candidate. The results go to data/weights/search.json.
2. The winner is trained again, from the same seeds, on all 8,000 training digits.
3. Its accuracy on the 2,000 test digits is measured once, after training, and written with its
   settings, the validation table and the training time to data/weights/best.json; the network
   goes to data/weights/best.npz.
Without --search, step 1 is read from data/weights/search.json (or the default CHOSEN is used if
that file does not exist yet). EARLIER_SELECTIONS records the earlier rounds, whose test scores were
seen before this protocol was written.

The candidates: ensembles of k networks with one hidden layer of ReLUs (He initialisation), a
softmax output with the log-likelihood cost, mini-batches of 32, momentum 0.9, a cosine schedule, a
little L2, and augmentation: each training digit, each time it is used, turned by up to 10 degrees,
resized by up to 10 % and shifted by up to 2 pixels (distorter), in some candidates also bent by an
elastic distortion or trained with dropout. The members differ only in their seeds. An ensemble of one-hidden-layer networks that averages their output z (before the softmax)
IS one wider network: the hidden layers side by side, each member's output weights divided by k.
So the ensemble is saved as a single Network, and notebook 7 loads it with Network.load.

Time: the machine is shared with other work, so the wall-clock time of a run depends on the load.
The budget is checked on the CPU time of the training process (one BLAS thread: on an idle machine
its wall-clock time); both times and the load average are recorded.

Everything is seeded: the same NumPy gives the same weights. BLAS is limited to one thread
(set before NumPy is imported): these matrices are small, and on a shared 2-core machine the
threads mostly wait for each other (measured: 3 epochs in 0.7 s with 1 thread, 7.5 s with 2 under load).
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnlib import Network, cosine, fit, load_digits  # noqa: E402
from nnlib.augment import distorter, shifter  # noqa: E402

WEIGHTS = ROOT / "data" / "weights"
SEED = 0
BUDGET_SECONDS = 120  # the final training must fit in two minutes on the course's 2-core machine
SEARCH_BUDGET_SECONDS = 110  # the search's expected final CPU time must leave this margin below it
DTYPE = np.float32    # twice as fast as float64 here, and accurate enough for SGD
N_TRAIN, N_SEARCH = 8000, 7000

# Shared by every candidate.
BASE = dict(hidden=512, members=1, epochs=60, batch_size=32, eta=0.1, momentum=0.9, l2=1e-4,
            shift=2, degrees=0, scale=0.0, elastic=0.0, dropout=0.0)
TURNS = dict(degrees=10, scale=0.1)   # turned by up to 10 degrees, resized by up to 10 %
# Round 3 (see EARLIER_SELECTIONS): each candidate was planned to spend about the same CPU time
# (80-100 s on 8,000 digits on a quiet machine; the search then expected 89-112 s) in a different
# way: more members, wider members, more epochs, richer augmentation, dropout.
CANDIDATES = {
    "3 x 512, turns + sizes + shifts, 60 epochs (round 2's choice)": dict(TURNS, members=3),
    "4 x 512, turns + sizes + shifts, 50 epochs": dict(TURNS, members=4, epochs=50),
    "5 x 384, turns + sizes + shifts, 45 epochs": dict(TURNS, members=5, hidden=384, epochs=45),
    "6 x 256, turns + sizes + shifts, 60 epochs": dict(TURNS, members=6, hidden=256),
    "3 x 512, turns + sizes + shifts + elastic, 45 epochs": dict(TURNS, members=3, epochs=45, elastic=1.5),
    "4 x 512, turns + sizes + shifts, dropout 0.2, 45 epochs": dict(TURNS, members=4, epochs=45, dropout=0.2),
}
# An honest record of every earlier final run with these data: the test split was measured for each,
# so the candidates and the rule above were written after seeing the test accuracies listed here.
EARLIER_SELECTIONS = [
    {"round": 1,
     "candidates": "512 hidden, one network or an ensemble of three: shifts 2; turns + sizes + shifts; "
                   "the same + elastic; the same + dropout 0.2; ensembles of 3 for 30 and 60 epochs; "
                   "rule: best accuracy on the one validation carve, a tie to the cheaper candidate",
     "chosen": "512, turns + sizes + shifts, dropout 0.2", "val_accuracy": 0.985, "test_accuracy": 0.9775,
     "what_followed": "below the course's 98 % target. The two ingredients that had gained most on "
                      "validation (dropout and an ensemble of three, +0.5 points each) were combined into "
                      "one more candidate (3 x 512 with dropout 0.2, 30 epochs each, validation 98.3 %), "
                      "which did not change the choice."},
    {"round": 2,
     "candidates": "the same seven; new rule: candidates within 0.2 points of the best on the first carve "
                   "are measured again on a second, disjoint carve, and the best mean of the two wins",
     "chosen": "3 x 512 ensemble, turns + sizes + shifts, 60 epochs each",
     "val_accuracy": 0.984, "val_accuracy_2": 0.984, "test_accuracy": 0.9825,
     "what_followed": "the rule had been changed after seeing a test score (round 1), so 98.25 % was a "
                      "little optimistic; the training took 120.1 s of CPU time on a loaded machine, at "
                      "the budget. So round 3 (the candidates and rule above) was fixed in the script "
                      "before any of its candidates was measured on the test digits: every candidate on "
                      "both carves, the best mean wins, and a CPU-time margin below the budget. Round 2's "
                      "choice is one of round 3's candidates, with its test score already known."},
]
CHOSEN = "3 x 512, turns + sizes + shifts, 60 epochs (round 2's choice)"  # used only without search.json


def config(name):
    return dict(BASE, **CANDIDATES[name])


def augmenter(cfg):
    if cfg["degrees"] or cfg["scale"] or cfg["elastic"]:
        return distorter(degrees=cfg["degrees"], scale=cfg["scale"], shift=cfg["shift"], elastic=cfg["elastic"])
    return shifter(cfg["shift"]) if cfg["shift"] else None


def build(cfg, seed):
    return Network([784, cfg["hidden"], 10], hidden="relu", output="softmax", cost="cross_entropy",
                   init="he", seed=seed, dtype=DTYPE)


def combine(nets):
    """k networks 784-h-10 -> one network 784-(k h)-10 whose output z is the mean of theirs:
    z = (1/k) sum_i (w2_i a_i + b2_i), with a_i = relu(w1_i x + b1_i) side by side."""
    if len(nets) == 1:
        return nets[0]
    k, first = len(nets), nets[0]
    wide = Network([first.sizes[0], sum(n.sizes[1] for n in nets), first.sizes[-1]], hidden="relu",
                   output="softmax", cost="cross_entropy", init="he", seed=0, dtype=DTYPE)
    wide.weights[0] = np.concatenate([n.weights[0] for n in nets], axis=0)
    wide.biases[0] = np.concatenate([n.biases[0] for n in nets])
    wide.weights[1] = (np.concatenate([n.weights[1] for n in nets], axis=1) / k).astype(DTYPE)
    wide.biases[1] = np.mean([n.biases[1] for n in nets], axis=0).astype(DTYPE)
    return wide


def train(cfg, X, y, seed=SEED, progress=False):
    """Train cfg["members"] fresh networks (seeds seed, seed + 1, ...) on (X, y); return the
    combined network, its CPU seconds and wall-clock seconds, and the members."""
    members = []
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(cfg["members"]):
        net = build(cfg, seed + i)
        fit(net, X, y, epochs=cfg["epochs"], batch_size=cfg["batch_size"],
            eta=cosine(cfg["eta"], cfg["epochs"]), momentum=cfg["momentum"], l2=cfg["l2"],
            dropout=cfg["dropout"], augment=augmenter(cfg), evaluate=False, step_cost=False,
            progress=progress, seed=seed + i)
        members.append(net)
    net = combine(members)
    return net, time.process_time() - cpu, time.perf_counter() - wall, members


def load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def second_carve():
    """A second validation carve, disjoint from the first: 1,000 of the first carve's 7,000 training
    digits, stratified by digit (seed 2); training on the other 7,000 (those 6,000 plus the first
    carve's 1,000 validation digits). Still only training digits: the test split is not used."""
    from nnlib.data import _stratified_split
    (X, y), (X_val, y_val), _ = load_digits(validation=N_TRAIN - N_SEARCH, dtype=DTYPE)
    kept, taken = _stratified_split(y, N_TRAIN - N_SEARCH, np.random.default_rng(2))
    X2 = np.concatenate([X[kept], X_val])
    y2 = np.concatenate([y[kept], y_val])
    return (X2, y2), (X[taken], y[taken])


def _previous_rows(fresh):
    """Rows of an earlier search.json, keyed by their exact configuration: training is seeded and
    deterministic, so a configuration measured before gives the same numbers again."""
    path = WEIGHTS / "search.json"
    if fresh or not path.exists():
        return {}
    rows = json.loads(path.read_text()).get("candidates", [])
    return {json.dumps(r["config"], sort_keys=True): r for r in rows
            if "cpu_seconds_2" in r and "expected_final_cpu_seconds" in r}


def search(fresh=False):
    """Step 1: every candidate on both validation carves. Writes and returns search.json's content.
    A candidate whose exact configuration is already in search.json (with both carves) is not
    trained again (its row is kept, marked "reused"), unless fresh=True (--fresh)."""
    carves = [load_digits(validation=N_TRAIN - N_SEARCH, dtype=DTYPE)[:2], second_carve()]
    previous = _previous_rows(fresh)
    rows = []
    for name in CANDIDATES:
        cfg = config(name)
        old = previous.get(json.dumps(cfg, sort_keys=True))
        if old is not None:
            row = dict(old, name=name, reused=True)
            print(f"{name:58s} validation {row['val_accuracy']:.1%} / {row['val_accuracy_2']:.1%}  "
                  "(from search.json: the same seeded configuration)", flush=True)
        else:
            row = {"name": name, "config": cfg}
            for carve, ((X, y), (X_val, y_val)) in enumerate(carves, start=1):
                load = load_average()
                net, cpu, wall, members = train(cfg, X, y)
                tag = "" if carve == 1 else "_2"
                row.update({f"val_accuracy{tag}": round(net.accuracy(X_val, y_val), 4),
                            f"cpu_seconds{tag}": round(cpu, 1), f"wall_seconds{tag}": round(wall, 1),
                            f"load_average{tag}": load})
                if len(members) > 1:
                    row[f"member_val_accuracies{tag}"] = [round(m.accuracy(X_val, y_val), 4) for m in members]
                print(f"{name:58s} carve {carve}: validation {row['val_accuracy' + tag]:.1%}  {cpu:5.1f} s CPU "
                      f"({wall:5.1f} s wall, load {load})", flush=True)
            row["val_accuracy_mean"] = round((row["val_accuracy"] + row["val_accuracy_2"]) / 2, 5)
            row["expected_final_cpu_seconds"] = round(
                (row["cpu_seconds"] + row["cpu_seconds_2"]) / 2 * N_TRAIN / N_SEARCH, 1)
        rows.append(row)
    best = choose(rows)
    result = {"chosen": best["name"],
              "validation": "two disjoint carves of the 8,000 training digits, 1,000 validation digits each "
                            "(load_digits(validation=1000), then second_carve()), each candidate trained "
                            "on the other 7,000; the test digits are not used",
              "rule": RULE,
              "noise": "one validation digit is 0.05 points of the mean over 2,000; with about 98 % right, the "
                       "standard error of that mean is about 0.3 points, less for the difference between two "
                       "candidates measured on the same digits",
              "earlier_selections": EARLIER_SELECTIONS,
              "candidates": rows}
    _write_json(WEIGHTS / "search.json", result)
    print(f"chosen on validation: {best['name']} ({best['val_accuracy_mean']:.2%}, mean of the two carves)")
    return result


RULE = (f"every candidate is trained and measured on two disjoint validation carves (2,000 validation "
        f"digits); among those expected to train on 8,000 digits in <= {SEARCH_BUDGET_SECONDS} s of CPU "
        f"time (the mean of the two search runs times 8/7; the budget is {BUDGET_SECONDS} s), the best "
        f"mean accuracy of the two carves wins; a tie goes to the cheaper one")


def choose(rows):
    """The rule (RULE) applied to search rows: validation numbers and CPU times only."""
    fits = [r for r in rows if r["expected_final_cpu_seconds"] <= SEARCH_BUDGET_SECONDS]
    if not fits:
        raise SystemExit(f"no candidate is expected to train in {SEARCH_BUDGET_SECONDS} s of CPU time: "
                         "make the candidates cheaper (fewer members or epochs), or search on a quieter machine.")
    return max(fits, key=lambda r: (r["val_accuracy_mean"], -r["expected_final_cpu_seconds"]))


def train_best(chosen):
    """Steps 2 and 3: train the chosen configuration on all 8,000 digits; test once; save."""
    cfg = config(chosen)
    (X, y), (X_test, y_test) = load_digits(dtype=DTYPE)
    load_before = load_average()
    net, cpu, wall, members = train(cfg, X, y, progress=False)
    path = WEIGHTS / "best.npz"
    net.save(path)
    saved = Network.load(path)  # measure what the notebook will load, exactly
    acc = saved.accuracy(X_test, y_test)
    search_file = WEIGHTS / "search.json"
    validation = None
    if search_file.exists():
        found = json.loads(search_file.read_text())
        validation = {r["name"]: {k: r[k] for k in ("val_accuracy", "val_accuracy_2", "val_accuracy_mean") if k in r}
                      for r in found["candidates"]}
    info = {"name": chosen, "config": cfg, "sizes": net.sizes, "members": cfg["members"],
            "hidden": "relu", "output": "softmax", "cost": "cross_entropy", "init": "he",
            "dtype": np.dtype(DTYPE).name, "seeds": [SEED + i for i in range(cfg["members"])],
            "train_examples": len(X), "test_examples": len(X_test),
            "validation_accuracy": validation.get(chosen) if validation else None,
            "selection_rule": found["rule"] if validation else None,
            "validation_table": validation,
            "test_accuracy": round(acc, 4), "test_errors": int(round((1 - acc) * len(X_test))),
            "cpu_seconds": round(cpu, 1), "wall_seconds": round(wall, 1), "seconds": round(cpu, 1),
            "budget_seconds": BUDGET_SECONDS, "within_budget": cpu <= BUDGET_SECONDS,
            "protocol_commit": _protocol_commit(),
            "load_average_before": load_before, "load_average_after": load_average(),
            "cpu_count": os.cpu_count(), "numpy": np.__version__, "python": platform.python_version(),
            "earlier_selections": EARLIER_SELECTIONS,
            "weights_file": "data/weights/best.npz",
            "sha256_of_weights": hashlib.sha256(path.read_bytes()).hexdigest(),
            "made_by": "python3 scripts/train_best.py"}
    _write_json(WEIGHTS / "best.json", info)
    print(f"RESULT run=best acc={acc:.4f} cpu_seconds={cpu:.1f} wall_seconds={wall:.1f} load={load_before}")
    return info


def _protocol_commit():
    """The last commit that changed this script (its candidates and rule), or None outside git: it
    dates the protocol, which must come before the test measurement best.json records."""
    import subprocess
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%H %cI", "--", "scripts/train_best.py"], cwd=ROOT,
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--search", action="store_true", help="choose on the validation carve first")
    parser.add_argument("--fresh", action="store_true",
                        help="with --search: train every candidate again, even those already in search.json")
    args = parser.parse_args(argv)
    if args.search:
        chosen = search(fresh=args.fresh)["chosen"]
    elif (WEIGHTS / "search.json").exists():
        chosen = json.loads((WEIGHTS / "search.json").read_text())["chosen"]
    else:
        chosen = CHOSEN
    if chosen not in CANDIDATES:
        raise SystemExit(f"search.json chose {chosen!r}, which is not in CANDIDATES any more: "
                         "run with --search to choose again.")
    train_best(chosen)


if __name__ == "__main__":
    main()
