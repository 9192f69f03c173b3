"""Run a notebook's jupytext source in-process and return its namespace (for effect tests).

The effect tests of notebooks 13 and 14 assert on the notebooks' own functions and numbers.
Global state the notebook's set-up cell changes (matplotlib settings and backend, NumPy print
options and global random state) is restored afterwards, and figures are closed.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _close_without_rendering(description=None, fig=None) -> None:
    """``show_figure`` without the PNG: checks the text alternative, then closes the figure."""
    import matplotlib.pyplot as plt

    from course_utils.figures import check_alt_text, describe_figure

    fig = plt.gcf() if fig is None else fig
    check_alt_text(describe_figure(fig) if description is None else description)
    plt.close(fig)


def run_notebook_source(
    relative_path: str, until: str | None = None, *, render_figures: bool = True
) -> dict:
    """Execute the code cells of ``sources/<relative_path>``; return the resulting namespace.

    A cell tagged ``colab-setup`` (package installation on Colab or JupyterLite) is skipped.
    With ``until``, execution stops after the first code cell whose source contains it.
    With ``render_figures=False``, ``show_figure`` checks its sentence and closes the figure
    without encoding a PNG (the figure cells still run; nbval renders them)."""
    import jupytext
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    import pandas as pd

    import course_utils.figures

    path = ROOT / "sources" / relative_path
    notebook = jupytext.read(path)
    namespace: dict = {"__name__": "__notebook__"}
    saved_print = np.get_printoptions()
    saved_state = np.random.get_state()  # noqa: NPY002 - setup_notebook seeds the global state
    saved_show = course_utils.figures.show_figure
    if not render_figures:
        course_utils.figures.show_figure = _close_without_rendering
    with mpl.rc_context(), pd.option_context("display.precision", 6):
        backend = plt.get_backend()
        plt.switch_backend("Agg")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                for cell in notebook.cells:
                    tags = cell.metadata.get("tags", [])
                    if cell.cell_type == "code" and "colab-setup" not in tags:
                        exec(compile(cell.source, str(path), "exec"), namespace)
                        if until is not None and until in cell.source:
                            break
        finally:
            course_utils.figures.show_figure = saved_show
            plt.close("all")
            plt.switch_backend(backend)
            np.set_printoptions(**saved_print)
            np.random.set_state(saved_state)  # noqa: NPY002
    return namespace
