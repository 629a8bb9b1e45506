"""Sphinx configuration of the course's website (used by tools/book/make_book.py, `course.py book`).

The sources are staged by make_book.py (NNBOOK_STAGE); nothing here reaches the network: notebooks
are not executed, MathJax is the local copy in _mathjax/ (from npm), and the theme's assets are
the ones its Python package ships.
"""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
STAGE = Path(os.environ.get("NNBOOK_STAGE", "."))
REPOSITORY = os.environ.get("NNBOOK_REPOSITORY", "https://github.com/PLACEHOLDER-OWNER/backprop-course")
BRANCH = os.environ.get("NNBOOK_BRANCH", "main")

project = "How neural networks learn: backpropagation, hands on"
author = "the course's authors"
copyright = "the course's authors (MIT licence)"
language = "en"
extensions = ["myst_nb", "nnbook_ext"]
root_doc = "index"
exclude_patterns = ["_extra", "**.ipynb_checkpoints"]

# notebooks: shown with the outputs they were committed with, never executed here
nb_execution_mode = "off"
nb_output_folder = str(STAGE.parent / "book-jupyter_execute")   # under build/, not the cwd
nb_output_stderr = "remove"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# MathJax 3 from the npm registry, copied next to the pages by make_book.py
mathjax_path = "../_mathjax/tex-chtml.js"
mathjax3_config = {"options": {"enableMenu": True}}
html_extra_path = [str(STAGE / "_extra")]

_owner, _repo = REPOSITORY.rstrip("/").split("/")[-2:]
_notebooks = sorted(p.name for p in (STAGE / "notebooks").glob("[0-9]*.ipynb"))
html_context = {"binder_base": f"https://mybinder.org/v2/gh/{_owner}/{_repo}/{BRANCH}?labpath=",
                "first_notebook": _notebooks[0] if _notebooks else ""}
templates_path = [str(HERE / "templates")]

html_theme = "sphinx_book_theme"
html_title = "Backpropagation, hands on"
html_static_path = [str(HERE / "static")]
html_css_files = ["nnbook.css"]
html_js_files = ["nnbook.js"]
html_copy_source = False
html_show_sourcelink = False
html_show_search_summary = False   # the summaries are fetched, which file:// pages cannot do
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "navigation_with_keys": False,
    "footer_content_items": ["nnbook-launch.html", "copyright.html"],
}
