"""Sphinx configuration of the course website (``make site``).

The notebooks are rendered with their stored outputs (myst-nb, execution off):
the website shows exactly what ``make notebooks`` committed. ``make site``
copies ``notebooks/`` and ``exercises/`` (never ``solutions/``) and this
folder's pages into ``build/site-src`` and builds ``build/site``.

The repository address behind the Colab and Binder buttons comes from
``[project.urls] Repository`` in pyproject.toml, or from the environment
variable ``COURSE_REPOSITORY`` (``make site COURSE_REPOSITORY=https://github.com/you/fork``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from course_site import (  # noqa: E402
    exercise_toctree,
    guide_toctree,
    notebook_toctree,
    repository_address,
)

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
REPOSITORY = repository_address(PYPROJECT, os.environ.get("COURSE_REPOSITORY"))
BRANCH = os.environ.get("COURSE_BRANCH", "main")

project = "Regularization in Neural Networks"
author = "The Regularization in Neural Networks course authors"
copyright = f"2026, {author}. Text and figures CC BY 4.0, code MIT"  # noqa: A001

extensions = ["myst_nb", "sphinx.ext.mathjax"]
root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

# ---------------------------------------------------------------- notebooks
nb_execution_mode = "off"  # stored outputs only: the site never runs a notebook
nb_merge_streams = True
# Widgets need a live kernel; on the website they show their text form (the
# explorers and quizzes print a sentence saying so).
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
]
nb_ipywidgets_js = {}  # no widget manager loaded from a CDN
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
# docs/*.md are written for GitHub, where a page may start at "##".
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# ---------------------------------------------------------------- math, offline
# MathJax 2.7 from the jupyter-server-mathjax wheel (copied into _static/mathjax after the
# build), so pages typeset formulas without reaching a CDN. The wheel has the HTML-CSS output
# with the STIX-Web fonts only, as the classic Jupyter Notebook used it.
myst_update_mathjax = False  # it would write a MathJax 3 configuration
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "HTML-CSS": {
        "availableFonts": [],
        "preferredFont": None,
        "webFont": "STIX-Web",
        "imageFont": None,
        # MathJax's never-loading "blank" font points at about:blank, which Chrome reports as
        # a console error; a local() source that does not exist fails the same way, silently.
        "styles": {
            "@font-face": {"font-family": "MathJax_Blank", "src": "local('MathJax_Blank')"}
        },
    },
    # The MathML copy each formula carries for screen readers asks for TeX web fonts that the
    # wheel lacks; local() sources that do not exist let the browser fall back without a 404.
    "NativeMML": {
        "styles": {
            f"@font-face /*{number}*/": {"font-family": family, "src": f"local('{family}')"}
            for number, family in enumerate(
                ["Caligraphic", "Caligraphic", "AMS", "Script", "Fraktur", "Fraktur"], start=1
            )
            for family in [f"MathJax_{family}-WEB"]
        }
    },
    # MyST marks each page "mathjax_ignore" and its formulas "math" (for MathJax 3); the same
    # rule in MathJax 2's words:
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "ignoreClass": "tex2jax_ignore|mathjax_ignore",
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
    },
    "menuSettings": {"zoom": "None"},
    "MathMenu": {"showRenderer": False},
}

# ---------------------------------------------------------------- theme
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = True  # the .ipynb download button serves _sources/...
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "announcement": "",
}
html_context = {"default_mode": "light"}


def _image_alt_from_output_metadata():
    """Give each stored figure the text alternative its output carries (course_utils.figures).

    myst-nb reads only width and height from an output's ``metadata["image/png"]``; the
    course puts the figure's description there as ``alt``, and this makes it the ``alt`` of
    the ``<img>``.
    """
    from myst_nb.core.render import NbElementRenderer

    render_image = NbElementRenderer.render_image

    def with_alt(self, data):
        nodes = render_image(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        if alt:
            for node in nodes:
                node["alt"] = str(alt)
        return nodes

    NbElementRenderer.render_image = with_alt


_image_alt_from_output_metadata()


def _copy_guides(app):
    """The documents of docs/ (the notebooks link to them) become pages of the site too."""
    target = Path(app.srcdir) / "docs"
    target.mkdir(exist_ok=True)
    for guide in sorted((ROOT / "docs").glob("*.md")):
        shutil.copyfile(guide, target / guide.name)


def _inject_toctrees(app, docname, source):
    """Append the notebook and exercise tables of contents to the home page."""
    if docname != root_doc:
        return
    srcdir = Path(app.srcdir)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source[0] += "\n\n" + notebook_toctree(readme, srcdir / "notebooks")
    source[0] += "\n\n" + exercise_toctree(readme, srcdir / "exercises")
    source[0] += "\n\n" + guide_toctree(srcdir / "docs")


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import jupyter_server_mathjax

    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = Path(app.outdir) / "_static" / "mathjax"
    if not target.is_dir():
        shutil.copytree(static, target)


# ---------------------------------------------------------------- JupyterLite
# The notebooks that need no TensorFlow run in the browser (Pyodide) from build/site/lite/, with
# course_utils as a pure-Python wheel (their set-up cell installs it with piplite, deps=False,
# so its TensorFlow requirement is never looked at). COURSE_SITE_LITE=0 skips this part.
LITE_NOTEBOOKS = [
    "notebooks/02_overfitting_and_underfitting.ipynb",
    "notebooks/03_l2_ridge.ipynb",
    "notebooks/04_l1_lasso.ipynb",
    "notebooks/05_elastic_net.ipynb",
    "notebooks/06_choosing_regularization_strength.ipynb",
    "exercises/ex01_l2_on_a_new_dataset.ipynb",
    "exercises/ex03_elastic_net_vs_l1_l2.ipynb",
    "exercises/ex04_lasso_from_scratch.ipynb",
]


def _copy_joined(source: Path, target: Path) -> None:
    """Copy a notebook with its multi-line strings joined, as a Jupyter server serves it.

    On disk nbformat may store a text as a list of lines; JupyterLab's server joins them
    before the browser sees the notebook, JupyterLite does not, and its table of contents
    then fails on Markdown outputs (the figures' captions).
    """
    import json

    import nbformat

    # nbformat's reader joins the lines (its writer would split them again)
    notebook = nbformat.reads(source.read_text(encoding="utf-8"), as_version=4)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _build_lite(app, exception):
    if exception is not None or os.environ.get("COURSE_SITE_LITE", "1") == "0":
        return
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        contents = scratch / "contents"
        contents.mkdir()
        for name in LITE_NOTEBOOKS:
            _copy_joined(Path(app.srcdir) / name, contents / Path(name).name)
        quiet = ["--quiet", "--disable-pip-version-check"]
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", *quiet, "--no-deps", "--no-build-isolation"]
            + ["--wheel-dir", str(scratch / "wheels"), str(ROOT)],
            check=True,
        )
        subprocess.run(
            [sys.executable, "-m", "jupyterlite_core", "build", "--contents", str(contents)]
            + ["--piplite-wheels", str(scratch / "wheels")]
            + ["--output-dir", str(Path(app.outdir) / "lite")],
            cwd=scratch,
            check=True,
            stdout=subprocess.DEVNULL,
            # it suggests an optional archive library on stderr; the build does not need it
            env={**os.environ, "PYTHONWARNINGS": "ignore::UserWarning"},
        )


def setup(app):
    app.connect("builder-inited", _copy_guides)
    app.connect("source-read", _inject_toctrees)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _build_lite)
    return {"parallel_read_safe": True}
