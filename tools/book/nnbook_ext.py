"""Sphinx extension for the course's website: each figure's alt text from its cell's metadata.

A code cell whose saved outputs hold images carries metadata "alt": [one string per image, in
output order] (see CONTRIBUTING.md). myst-nb wraps each code cell in a container that keeps the
cell's index and metadata; here the images inside it get those strings as their alt text, in
order. An image without a string gets the classes `nnbook-noalt nnbook-cell-<index>` (and keeps
docutils' default alt, its file name), so that the tests can say which cell lacks one.
"""
from docutils import nodes


def apply_alt(app, doctree):
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        metadata = cell.get("cell_metadata") or {}
        alts = metadata.get("alt") or []
        if isinstance(alts, str):
            alts = [alts]
        index = cell.get("cell_index")
        for k, image in enumerate(cell.findall(nodes.image)):
            text = alts[k] if k < len(alts) and isinstance(alts[k], str) else ""
            if text.strip():
                image["alt"] = text.strip()
            else:
                image["classes"] += ["nnbook-noalt", f"nnbook-cell-{index}"]


def setup(app):
    app.connect("doctree-read", apply_alt)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
