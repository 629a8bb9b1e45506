"""Shared by the exercise tests: a right answer must pass, a typical mistake must fail with its hint."""
from nnlib.exercises import check


def passes(name, answer):
    feedback = check(name, answer)
    assert feedback.passed, f"{name}: a right answer was refused: {feedback}"


def fails_with(name, answer, hint):
    feedback = check(name, answer)
    assert feedback.status == "wrong", f"{name}: the wrong answer passed: {feedback}"
    assert hint.lower() in feedback.message.lower(), f"{name}: expected a hint about {hint!r}, got {feedback}"
