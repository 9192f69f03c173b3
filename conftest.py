"""pytest configuration for nbval runs over notebooks/, solutions/ and exercises/."""

from nbval.kernel import RunningKernel


def pytest_collectstart(collector):
    """Leave out of nbval's comparison the outputs that are not part of the lesson.

    * ``stderr``: under pytest, TensorFlow's C++ start-up lines reach stderr
      differently than in JupyterLab; the notebooks themselves print no warnings
      (checked by tests/test_notebooks_clean.py).
    * widget views: their model ids are new objects in every kernel.
    """
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += (
            "stderr",
            "application/vnd.jupyter.widget-view+json",
        )


def _execute_cell_input(self, cell_input, allow_stdin=None):
    """Run a cell the way JupyterLab does, with ``store_history=True``.

    nbval 0.11 sends cells with ``store_history=False``. IPython decides
    whether a trailing ``;`` hides a cell's value by looking at the last cell
    in its history, so without history the ``;`` at the end of plotting cells
    is ignored and values such as ``Text(0.5, 1.0, 'title')`` appear under
    pytest but not in JupyterLab or ``make notebooks``.
    """
    return self.kc.execute(
        cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
    )


RunningKernel.execute_cell_input = _execute_cell_input
