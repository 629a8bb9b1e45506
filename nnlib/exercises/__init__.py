"""Exercises with instant feedback.

In a notebook:
    def sigmoid(z):
        ...  # your code here
    check("01.sigmoid", sigmoid)      # says right, or wrong with a hint that points at the mistake
    solution("01.sigmoid")            # prints the reference solution, when you want it

An exercise is a checker function registered with @exercise: it receives the learner's answer and
raises Hint("...") when the answer is wrong. Each notebook's exercises live in their own module
(nb01.py, nb02.py, ...). tests/test_exercises.py proves that every reference solution passes and
that every listed typical mistake fails with its intended hint.
"""
import importlib
import inspect
import pkgutil
import textwrap

import numpy as np

REGISTRY = {}


class Hint(Exception):
    """Raised by a checker: the answer is wrong, and the message says where to look."""


class Exercise:
    def __init__(self, name, checker, solution, mistakes):
        self.name, self.checker, self.solution, self.mistakes = name, checker, solution, mistakes


def exercise(name, solution, mistakes=()):
    """Register a checker. solution: the reference answer. mistakes: (answer, hint fragment)
    pairs, typical wrong answers and a piece of the hint each must get."""
    def register(checker):
        REGISTRY[name] = Exercise(name, checker, solution, list(mistakes))
        return checker
    return register


class Feedback:
    """What check() returns: shown as one line of text under the cell."""

    def __init__(self, status, message):
        self.status, self.message = status, message  # status: "right", "wrong" or "todo"

    @property
    def passed(self):
        return self.status == "right"

    def __bool__(self):
        return self.passed

    def __repr__(self):
        mark = {"right": "✔ Right!", "wrong": "✘ Not yet.", "todo": "… Not attempted yet."}[self.status]
        return f"{mark} {self.message}".strip()


def _load_all():
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def get(name):
    if name not in REGISTRY:
        _load_all()
    if name not in REGISTRY:
        raise KeyError(f"no exercise called {name!r}; the exercises are: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


def _unattempted(answer):
    return answer is None or answer is Ellipsis


def check(name, answer):
    """Check an answer; never raises for a wrong or unfinished answer, so a top-to-bottom run
    of the notebook always completes."""
    ex = get(name)
    if _unattempted(answer):
        return Feedback("todo", "Write your answer above, run that cell, then run this one again.")
    try:
        with np.errstate(all="ignore"):
            message = ex.checker(answer)
    except NotImplementedError:
        return Feedback("todo", "Replace the `...` or `raise NotImplementedError` with your code, then run both cells again.")
    except Hint as hint:
        return Feedback("wrong", str(hint))
    except Exception as e:  # the learner's code crashed: say so plainly
        return Feedback("wrong", f"Your code raised {type(e).__name__}: {e}")
    return Feedback("right", message or "")


def solution(name):
    """Print the reference solution of an exercise."""
    sol = get(name).solution
    if callable(sol):
        print(textwrap.dedent(inspect.getsource(sol)))
    else:
        print(repr(sol))


def close(a, b, rtol=1e-6, atol=1e-9):
    """True when two arrays (or numbers) have the same shape and agree to the tolerance."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))
