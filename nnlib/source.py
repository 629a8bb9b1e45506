"""Show lines of nnlib's own source, so a notebook can put an equation beside the line that
computes it, read from the library itself: if the code changes, the notebook shows the change.

Lines are found by a marker written in a comment, e.g. `# (BP1)` in Network._backprop:

    from nnlib import Network, source
    source.marked_lines(Network._backprop, "(BP1)")   # ['delta[-1] = ...  # (BP1)']
    source.show(Network._backprop, "(BP1)", "(BP2)")   # prints them, one block per marker

Only markers inside comments count (a marker in a string or docstring does not), and a marker
that is missing raises a ValueError naming it, so a renamed or deleted marker fails loudly.
Standard library only.
"""
import inspect
import io
import textwrap
import tokenize

__all__ = ["marked_lines", "show", "markers_in"]


def _source(obj):
    """(lines, first line number, file name) of a function, method, class or module."""
    try:
        lines, start = inspect.getsourcelines(obj)
        path = inspect.getsourcefile(obj) or "?"
    except (TypeError, OSError) as e:
        raise ValueError(f"cannot read the source of {obj!r} ({e}): pass a function, method, class "
                         "or module written in Python, e.g. Network._backprop.") from None
    return lines, max(start, 1), path


def _comments(lines):
    """{index of line: comment text} for every comment in the block of source lines."""
    text = textwrap.dedent("".join(lines))
    found = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                found[tok.start[0] - 1] = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):  # pragma: no cover - odd source
        for i, line in enumerate(lines):
            if "#" in line:
                found[i] = line[line.index("#"):]
    return found


def markers_in(obj, prefix="("):
    """Every comment in obj's source, as a list of (line index within obj, comment text)."""
    lines, _, _ = _source(obj)
    return [(i, c) for i, c in sorted(_comments(lines).items()) if prefix in c]


def marked_lines(obj, marker, before=0, with_numbers=False, tidy=True):
    """The source lines of `obj` whose comment contains `marker`, dedented, as a list of str.

    before: also give this many lines above each marked line (e.g. the loop it sits in).
    tidy: close up the spaces that align a trailing comment with its neighbours in the file.
    with_numbers: give (line number in the file, text) pairs instead of plain text.
    Raises ValueError when no comment in obj carries the marker."""
    if not isinstance(marker, str) or not marker.strip():
        raise ValueError(f"marker must be a non-empty string like '(BP1)'; got {marker!r}.")
    if not (isinstance(before, int) and before >= 0):
        raise ValueError(f"before must be a whole number >= 0; got {before!r}.")
    lines, start, path = _source(obj)
    comments = _comments(lines)
    hits = [i for i, comment in sorted(comments.items()) if marker in comment]
    if not hits:
        name = getattr(obj, "__qualname__", getattr(obj, "__name__", repr(obj)))
        raise ValueError(f"no comment containing {marker!r} in the source of {name} ({path}): "
                         f"the marker was renamed or deleted. Put the comment `# {marker}` back on "
                         f"the line that computes it, or change the notebook to the new marker. (If the file was "
                         f"edited after it was imported, restart the kernel: the line numbers moved.)")
    wanted = sorted({j for i in hits for j in range(max(0, i - before), i + 1)})
    block = textwrap.dedent("".join(lines[j] for j in wanted)).splitlines()
    if tidy:
        for k, j in enumerate(wanted):
            comment = comments.get(j)
            code = block[k][:-len(comment)] if comment and block[k].endswith(comment) else None
            if code and code.strip():
                block[k] = code.rstrip() + "  " + comment
    if with_numbers:
        return [(start + j, text) for j, text in zip(wanted, block)]
    return block


def show(obj, *markers, before=0):
    """Print the lines of obj's source marked by each marker, one block per marker."""
    if not markers:
        raise ValueError("name at least one marker, e.g. show(Network._backprop, '(BP1)').")
    blocks = []
    for marker in markers:
        blocks.append("\n".join(marked_lines(obj, marker, before=before)))
    print("\n\n".join(blocks))
