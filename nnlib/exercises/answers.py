"""Reference answers that carry their reasoning: `solution(name)` of a conceptual or numeric
exercise prints the answer AND why, in a sentence or two, not just what.

    explained("B", "A's nine wrong neurons at 0.5 cost 9 x 0.25 ...")

returns a str (or int, float) equal to the answer, so `check(name, solution)` still passes, whose
repr is the answer followed by the reason.
"""


def explained(value, why):
    """`value` (a str, int or float) that prints as the value, then 'Why: <why>'."""
    base = type(value)
    if base not in (str, int, float):
        raise TypeError(f"explained() takes a str, int or float answer; got {base.__name__}.")

    def __repr__(self):
        return f"{base.__repr__(self)}\n\nWhy: {self.why}"

    cls = type(f"Explained{base.__name__.capitalize()}", (base,), {"why": why, "__repr__": __repr__})
    return cls(value)
