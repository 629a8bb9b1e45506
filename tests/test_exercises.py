"""Every exercise: its reference solution passes, its typical mistakes fail with the intended hint,
and an unattempted answer neither passes nor breaks the notebook."""
import json
import re
from pathlib import Path

import pytest

from nnlib import exercises
from nnlib.exercises import Feedback, check

exercises._load_all()
NAMES = sorted(exercises.REGISTRY)
NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9]*.ipynb"))
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d\.[\w.-]+)["']""")


def checks_in(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    return [m for c in cells if c["cell_type"] == "code" for m in CHECK_CALL.findall("".join(c["source"]))]


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes(name):
    feedback = check(name, exercises.REGISTRY[name].solution)
    assert feedback.passed, f"{name}: the reference solution fails: {feedback}"


@pytest.mark.parametrize("name", NAMES)
def test_typical_mistakes_get_their_hint(name):
    mistakes = exercises.REGISTRY[name].mistakes
    assert len(mistakes) >= 2, f"{name}: list at least two typical mistakes with their hints"
    for answer, hint in mistakes:
        feedback = check(name, answer)
        assert feedback.status == "wrong", f"{name}: the mistake {answer!r} was not caught"
        assert hint.lower() in feedback.message.lower(), \
            f"{name}: expected the hint to mention {hint!r}, got {feedback.message!r}"


@pytest.mark.parametrize("name", NAMES)
def test_unattempted_is_not_an_error(name):
    def unfinished(*args, **kwargs):
        raise NotImplementedError

    for answer in (None, ..., unfinished):
        feedback = check(name, answer)
        assert feedback.status in ("todo", "wrong") and not feedback.passed
    assert check(name, None).status == "todo"


def test_feedback_reads_as_one_line():
    assert repr(Feedback("right", "well done")).startswith("✔ Right!")
    assert repr(Feedback("wrong", "look at the sign")).startswith("✘ Not yet.")
    assert "\n" not in repr(Feedback("todo", "write your answer"))


def test_unknown_exercise_names_the_choices():
    with pytest.raises(KeyError, match="the exercises are"):
        exercises.get("99.nothing")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_has_two_registered_exercises(notebook):
    names = checks_in(notebook)
    assert len(set(names)) >= 2, f"{notebook.name}: needs at least two exercises with check(...)"
    missing = [n for n in names if n not in exercises.REGISTRY]
    assert not missing, f"{notebook.name} checks exercises that are not registered: {missing}"
    prefix = notebook.name[:2] + "."
    assert all(n.startswith(prefix) for n in names), f"{notebook.name}: exercise names start with {prefix!r}"


def test_every_exercise_is_used_in_its_notebook():
    used = {n for nb in NOTEBOOKS for n in checks_in(nb)}
    numbers = {nb.name[:2] for nb in NOTEBOOKS}
    orphans = [n for n in NAMES if n[:2] in numbers and n not in used]
    assert not orphans, f"registered but used in no notebook: {orphans}"
