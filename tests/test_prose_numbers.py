"""Prose held to the numbers: a figure quoted in a Markdown cell must be printed by the notebook.

The rule (CONTRIBUTING.md, "Numbers in prose"): every decimal figure with three or more
significant digits in a Markdown cell of ``notebooks/`` or ``solutions/`` must appear in a
text output of the same notebook, either exactly or as that output rounded to the figure's
decimals (the prose may say 12.7 for a printed 12.716, never 12.8). A figure that is not
measured by the notebook (a constant, a value from the literature, a number quoted from
another notebook) carries the marker ``†`` right after it, and a notebook that uses the
marker explains it in a Markdown line that starts with ``†``.

Version numbers (``3.11.7``) and numbers inside words or identifiers (``x0.5``) are not
figures. Scientific notation is compared by value.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "solutions").glob("*.ipynb")
)
MARKER = "†"

# A decimal figure in prose: digits, a decimal point, digits; not part of a version
# number (no further ".digit"), of a word or identifier, or of a longer number.
PROSE_FIGURE = re.compile(r"(?<![\w.])(\d+\.\d+)(?![\w]|\.\d)(\s*†)?")
# Any number in an output, including integers, signs, thousands separators and exponents.
OUTPUT_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


def significant_digits(figure: str) -> int:
    """Significant digits of a decimal figure as written: '0.090' has 2, '12.716' has 5."""
    digits = figure.replace(".", "").lstrip("0")
    return len(digits)


def prose_figures(markdown: str) -> list[tuple[str, bool]]:
    """(figure, marked) for every decimal figure with 3+ significant digits in ``markdown``."""
    found = []
    for match in PROSE_FIGURE.finditer(markdown):
        figure, marker = match.group(1), match.group(2)
        if significant_digits(figure) >= 3:
            found.append((figure, bool(marker)))
    return found


def output_text(cell) -> str:
    """All text a code cell printed or displayed (stream and text/plain, not images)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            text = output.get("text", "")
        else:
            text = output.get("data", {}).get("text/plain", "")
        parts.append(text if isinstance(text, str) else "".join(text))
    return "\n".join(parts)


def printed_values(nb) -> list[Decimal]:
    """Every number in the text outputs of ``nb``, as absolute values."""
    values = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for token in OUTPUT_NUMBER.findall(output_text(cell)):
            try:
                values.append(abs(Decimal(token.replace(",", ""))))
            except ArithmeticError:  # pragma: no cover - the pattern only matches numbers
                continue
    return values


def is_printed(figure: str, values: list[Decimal]) -> bool:
    """True when some printed value equals ``figure`` or rounds to it at its decimals."""
    target = Decimal(figure)
    decimals = len(figure.split(".")[1])
    half_unit = Decimal(5) / Decimal(10) ** (decimals + 1)
    return any(abs(value - target) <= half_unit for value in values)


def source_text(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def problems(nb) -> list[str]:
    """One sentence per figure in the prose that the notebook does not print or mark."""
    values = printed_values(nb)
    markdown = [source_text(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    found, uses_marker = [], False
    for text in markdown:
        for figure, marked in prose_figures(text):
            if marked:
                uses_marker = True
            elif not is_printed(figure, values):
                first_line = text.strip().splitlines()[0][:60]
                found.append(f"{figure} (Markdown cell {first_line!r}) is printed nowhere")
    legend = any(
        line.lstrip().startswith(MARKER) for text in markdown for line in text.splitlines()
    )
    if uses_marker and not legend:
        found.append(f"the notebook marks figures with {MARKER} but no Markdown line explains it")
    return found


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the rule on the course
@pytest.mark.parametrize("path", CHECKED, ids=[p.relative_to(ROOT).as_posix() for p in CHECKED])
def test_every_quoted_figure_is_printed_by_its_notebook(path):
    assert problems(load(path)) == []


# ------------------------------------------------------------------ the checker itself
def notebook(markdown: str, printed: str):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), cell]
    return json.loads(nbformat.writes(nb))


@pytest.fixture
def planted_mismatch():
    """Prose quoting 0.966 where the notebook printed 0.970 (issue 12's capstone example)."""
    return notebook(
        "The baseline matched the best network's validation accuracy (0.966).",
        "best network: validation accuracy 0.970\nbaseline: validation accuracy 0.970\n",
    )


def test_a_planted_mismatch_fails(planted_mismatch):
    found = problems(planted_mismatch)
    assert len(found) == 1
    assert "0.966" in found[0]


def test_the_same_notebook_with_the_printed_figure_passes(planted_mismatch):
    planted_mismatch["cells"][0]["source"] = "The baseline matched it (0.970)."
    assert problems(planted_mismatch) == []


def test_rounding_a_printed_figure_is_allowed_but_rounding_wrongly_is_not():
    assert problems(notebook("A test error of 12.7.", "test MSE 12.716\n")) == []
    assert problems(notebook("A test error of 12.72.", "test MSE 12.716\n")) == []
    assert len(problems(notebook("A test error of 12.8.", "test MSE 12.716\n"))) == 1


def test_signs_separators_and_exponents_in_outputs_are_read():
    printed = "gap -4.349, samples 26,122.5, step 1.25e+01\n"
    assert problems(notebook("Gaps of 4.349, 26122.5 and 12.50.", printed)) == []


def test_few_significant_digits_and_version_numbers_are_not_checked():
    text = "A noise floor of 0.09, a factor of 4.5, scikit-learn 1.9.1 and Python 3.11.7."
    assert problems(notebook(text, "nothing\n")) == []


def test_a_marked_figure_needs_the_legend():
    marked = "Srivastava et al. kept inputs with probability 0.800† (rate 0.2)."
    assert len(problems(notebook(marked, "nothing\n"))) == 1
    legend = marked + "\n\n† quoted from the literature or another notebook, not measured here."
    assert problems(notebook(legend, "nothing\n")) == []


def test_significant_digits_count_trailing_zeros_not_leading_ones():
    assert [significant_digits(f) for f in ("0.090", "12.716", "1.000", "0.05", "16.0")] == [
        2,
        5,
        4,
        1,
        3,
    ]
