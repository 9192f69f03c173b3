"""pytest configuration for nbval runs over notebooks/, solutions/ and exercises/."""


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
