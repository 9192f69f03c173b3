"""Stored figures are reproducible: make notebooks twice leaves the PNG outputs unchanged."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import numpy as np

from course_utils.instructor.execute import (
    FIGURE_LEVELS,
    FIGURE_PIXEL_FRACTION,
    execute_notebook,
    keep_same_figures,
    same_picture,
)


def _png(y, *, label="validation loss", dpi=80) -> str:
    fig, ax = plt.subplots(figsize=(4, 3), dpi=dpi)
    ax.plot(np.arange(len(y)), y, label=label)
    ax.set_ylim(0, 1.2)
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


CURVE = 0.2 + 0.8 * np.exp(-np.linspace(0, 4, 30))


def test_a_sub_pixel_change_is_the_same_picture():
    # 1e-5 in data units is 1/500 of a pixel here: what another CPU's rounding does to a curve.
    old, new = _png(CURVE), _png(CURVE + 1e-5)
    assert old != new  # the bytes differ ...
    assert same_picture(old, new)  # ... the picture does not


def test_a_moved_curve_or_a_new_label_is_a_new_picture():
    old = _png(CURVE)
    assert not same_picture(old, _png(CURVE + 0.02))  # about 4 pixels up
    assert not same_picture(old, _png(CURVE, label="training loss"))
    assert not same_picture(old, _png(CURVE, dpi=100))  # another size


def _notebook(source: str, png: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png})]
    return nbformat.v4.new_notebook(cells=[cell])


def test_keep_same_figures_keeps_the_stored_bytes_only_for_the_same_picture_and_source():
    stored = _notebook("plot()", _png(CURVE))
    rerun = _notebook("plot()", _png(CURVE + 1e-5))
    assert keep_same_figures(stored, rerun) == 1
    assert (
        rerun.cells[0].outputs[0].data["image/png"] == stored.cells[0].outputs[0].data["image/png"]
    )

    moved = _notebook("plot()", _png(CURVE + 0.02))
    assert keep_same_figures(stored, moved) == 0
    assert (
        moved.cells[0].outputs[0].data["image/png"] != stored.cells[0].outputs[0].data["image/png"]
    )

    edited = _notebook("plot(); # edited", _png(CURVE + 1e-5))
    assert keep_same_figures(stored, edited) == 0


def test_tolerance_is_a_few_levels_on_a_few_pixels():
    assert 1 <= FIGURE_LEVELS <= 32
    assert 0 < FIGURE_PIXEL_FRACTION <= 0.02


PLOTTING_CELL = """\
from course_utils import setup_notebook
rng = setup_notebook(seed=42)
import matplotlib.pyplot as plt
x = rng.normal(size=200)
fig, ax = plt.subplots()
ax.hist(x, bins=20, label="200 draws")
ax.plot(sorted(x), sorted(x), label="a line")
ax.set_title("same bytes on every run")
ax.legend();
"""


def test_a_plotting_notebook_gives_the_same_png_bytes_twice():
    # The cause ruled out here: nothing in the PNG depends on the run (no date or version text
    # that changes, the same fonts), so on one machine make notebooks twice changes nothing.
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PLOTTING_CELL)])
    images = []
    for _ in range(2):
        result = execute_notebook(nb)
        assert result.ok, result.error
        outputs = result.notebook.cells[0].outputs
        images.append(
            [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
        )
    assert len(images[0]) == 1
    assert images[0] == images[1]
