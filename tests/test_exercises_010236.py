"""The exercises of notebooks 01, 02, 03 and 06, one by one: every correct form of the answer passes,
and every typical mistake (those registered with the exercise and more) fails with a hint that names
it. Rounded, truncated or hard-coded answers do not slip through. (tests/test_exercises.py checks
the registry as a whole.)"""
import math
from fractions import Fraction

import numpy as np
import pytest

from nnlib import exercises
from nnlib.exercises import check, solution

exercises._load_all()
OURS = sorted(n for n in exercises.REGISTRY if n[:3] in ("01.", "02.", "03.", "06."))


def sigmoid_stable(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def one_hot_loop(label):
    return np.array([1.0 if j == label else 0.0 for j in range(10)])


def gd_step_in_place(params, grads, eta):
    for p, g in zip(params, grads):
        p -= eta * g
    return params


def steepest_by_concatenation(nabla_w):
    flat = np.concatenate([np.abs(g).ravel() for g in nabla_w])
    i = int(np.argmax(flat))
    for l, g in enumerate(nabla_w):
        if i < g.size:
            j, k = np.unravel_index(i, g.shape)
            return l, j, k
        i -= g.size


def minibatches_split(order, m):
    return np.array_split(order, range(m, len(order), m))


RIGHT = {
    "01.sigmoid": [lambda z: 1 / (1 + np.exp(-z)), sigmoid_stable, lambda z: np.exp(z) / (np.exp(z) + 1),
                   lambda z: 0.5 * (1 + np.tanh(np.asarray(z) / 2))],
    "01.layer_z": [lambda w, a, b: w @ a + b, lambda w, a, b: np.dot(w, a) + b,
                   lambda w, a, b: (w * a).sum(axis=1) + b, lambda w, a, b: np.einsum("jk,k->j", w, a) + b,
                   lambda w, a, b: a @ w.T + b],
    "01.n_params": [lambda s: sum(a * b + b for a, b in zip(s[:-1], s[1:])),
                    lambda s: int(np.dot(s[:-1], s[1:]) + np.sum(s[1:])),
                    lambda s: float(sum(a * b + b for a, b in zip(s[:-1], s[1:])))],
    "02.one_hot": [lambda label: np.eye(10)[label], one_hot_loop, lambda label: (np.arange(10) == label).astype(float),
                   lambda label: [1 if j == label else 0 for j in range(10)]],
    "02.cost": [lambda a, y: 0.5 * np.sum((a - y) ** 2), lambda a, y: np.linalg.norm(a - y) ** 2 / 2,
                lambda a, y: 0.5 * (a - y) @ (a - y), lambda a, y: sum((ai - yi) ** 2 for ai, yi in zip(a, y)) / 2],
    "02.lower_cost": ["B", "b", " B ", "B\n"],
    "03.gd_step": [lambda ps, gs, eta: [p - eta * g for p, g in zip(ps, gs)], gd_step_in_place,
                   lambda ps, gs, eta: tuple(np.subtract(p, np.multiply(eta, g)) for p, g in zip(ps, gs))],
    "03.critical_eta": [0.5, 1 / 2, 2 / 4, Fraction(1, 2), np.float64(0.5), "0.5", 5e-1, "1/2", " 2 / 4 ", "5e-1"],
    "03.best_eta": [0.4, 2 / 5, 2 / (1 + 4), Fraction(2, 5), np.float32(0.4).item(), "0.4", 4e-1, "2/5", "0.40"],
    "03.steepest_weight": [exercises.REGISTRY["03.steepest_weight"].solution, steepest_by_concatenation,
                           lambda g: np.array(steepest_by_concatenation(g))],
    "06.minibatches": [lambda order, m: [order[k:k + m] for k in range(0, len(order), m)], minibatches_split,
                       lambda order, m: [list(order[k:k + m]) for k in range(0, len(order), m)]],
    "06.steps_per_epoch": [lambda n, m: -(-n // m), lambda n, m: math.ceil(n / m), lambda n, m: (n + m - 1) // m,
                           lambda n, m: int(np.ceil(n / m)), lambda n, m: np.ceil(n / m), lambda n, m: len(range(0, n, m))],
    "06.steps_for_budget": [2400, 2400.0, np.int64(2400), "2400", 3 * 8000 // 10, 2.4e3, "2,400", "2_400", Fraction(2400)],
}

# Mistakes beyond the registered ones (each with the fragment its hint must contain).
MORE_MISTAKES = {
    "01.sigmoid": [(lambda z: np.tanh(z), "0.5"), (lambda z: 1 / (1 + math.exp(-z)), "array")],
    "01.layer_z": [(lambda w, a, b: w @ a - b, "for each output neuron j"),
                   # right on the 2 x 3 layer only: a hard-coded z, and a product that transposes a square w
                   (lambda w, a, b: np.array([-1.3, 1.3]), "nothing fixed in advance"),
                   (lambda w, a, b: (a @ w if w.shape[0] == w.shape[1] else w @ a) + b, "transpose"),
                   (lambda w, a, b: (w @ a + b).sum(), "one number for each output neuron")],
    "01.n_params": [(lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])) + 0.5, "not"),
                    (lambda s: sum(a * b + a for a, b in zip(s[:-1], s[1:])), "every layer but the output")],
    "02.one_hot": [(lambda label: np.eye(11)[label], "10 numbers"), (lambda label: np.eye(10)[9 - label], "expected 1 at index")],
    "02.cost": [(lambda a, y: 0.5 * np.sum((a - y) ** 2) + 0.01, "for a ="), (lambda a, y: 0.5 * np.sum(a ** 2 - y ** 2), "for a ="),
                (lambda a, y: np.linalg.norm(a - y), "not its square")],
    "02.lower_cost": [(1, "'a' or 'b'"), (None, "")],
    "03.gd_step": [(lambda ps, gs, eta: [p - eta * g for p, g in zip(ps[:-1], gs[:-1])], "one new array per parameter array")],
    "03.critical_eta": [(0.5001, "it does diverge"), (0.4999, "still converges"), (0.1, "still converges"), (True, "one number"),
                        ("0.5.", "one number"), ("1/0", "one number"), (float("nan"), "one number"), (-1e-3, "positive")],
    "03.best_eta": [(0.4001, "make the two factors equal"), (0.39, "make the two factors equal"),
                    (2 / 11, "make the two factors equal"), (0.6, "diverges"), (0, "positive"),
                    (Fraction(4, 5), "coefficients"), ("4/5", "coefficients"), ("2/3", "diverges")],
    "03.steepest_weight": [(lambda g: (1, 2), "three numbers"), (lambda g: None, "three whole numbers")],
    "06.minibatches": [(lambda order, m: [order[k:k + m] for k in range(0, len(order), m)][:-1], "dropped")],
    "06.steps_per_epoch": [(lambda n, m: n // m + (n % m > m // 2), "round up"), (lambda n, m: str(-(-n // m)), "whole number")],
    "06.steps_for_budget": [(2400.5, "whole number"), (2399, "8000 / 10"), ("2400.9", "whole number"), (float("nan"), "whole number"),
                            ("2,400.9", "whole number")],
}

CASES = [(n, f) for n in OURS for f in RIGHT.get(n, [])]
MISTAKES = [(n, a, h) for n in OURS for a, h in exercises.REGISTRY[n].mistakes + MORE_MISTAKES.get(n, [])]


def test_every_exercise_of_these_notebooks_is_covered():
    assert set(OURS) == set(RIGHT), f"right forms missing for {set(OURS) ^ set(RIGHT)}"
    assert set(MORE_MISTAKES) <= set(OURS)
    assert "03.best_eta" in OURS


@pytest.mark.parametrize("name,answer", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_each_right_form_passes(name, answer):
    feedback = check(name, answer)
    assert feedback.passed, f"{name}: the correct answer {answer!r} was rejected: {feedback}"


@pytest.mark.parametrize("name,answer,hint", MISTAKES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(MISTAKES)])
def test_each_mistake_fails_with_its_hint(name, answer, hint):
    feedback = check(name, answer)
    if answer is None:
        assert feedback.status == "todo"
        return
    assert feedback.status == "wrong", f"{name}: the mistake {answer!r} passed"
    assert hint.lower() in feedback.message.lower(), f"{name}: hint should name {hint!r}: {feedback.message!r}"


def test_rounded_or_truncated_numbers_do_not_pass():
    for name, right in (("06.steps_for_budget", 2400), ("03.critical_eta", 0.5), ("03.best_eta", 0.4)):
        for wrong in (right + 0.9, right - 0.4, right * 1.001):
            assert not check(name, wrong).passed, (name, wrong)
    assert not check("06.steps_per_epoch", lambda n, m: n / m).passed
    assert not check("03.steepest_weight", lambda g: (1.0, 2.0, 3.5)).passed


def test_hard_coded_answers_of_the_first_case_do_not_pass():
    first = exercises.REGISTRY["03.steepest_weight"].solution(exercises.nb03._gradients(0))
    assert not check("03.steepest_weight", lambda g: first).passed
    first_z = exercises.nb01.layer_z(exercises.nb01._W, exercises.nb01._A, exercises.nb01._B)
    assert check("01.layer_z", lambda w, a, b: w @ a + b).message.endswith(f"{np.round(first_z, 3)}")
    assert not check("01.layer_z", lambda w, a, b: first_z.copy()).passed   # the z the success message shows


@pytest.mark.parametrize("name", ["02.lower_cost", "03.critical_eta", "03.best_eta", "06.steps_for_budget"])
def test_solution_of_a_conceptual_question_explains_why(name, capsys):
    solution(name)
    text = capsys.readouterr().out
    assert "Why:" in text and len(text.split("Why:")[1].split()) >= 15, text


def test_solution_of_a_function_exercise_shows_code_with_its_reasoning(capsys):
    for name in ("01.sigmoid", "01.layer_z", "01.n_params", "02.one_hot", "02.cost", "03.gd_step",
                 "03.steepest_weight", "06.minibatches", "06.steps_per_epoch"):
        solution(name)
        text = capsys.readouterr().out
        assert "def " in text and '"""' in text, name
