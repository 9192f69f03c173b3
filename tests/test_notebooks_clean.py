"""Static checks of every committed notebook: structure, stored outputs, no warnings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
BAD_OUTPUT = re.compile(r"Warning:|WARNING|Traceback \(most recent call last\)|DeprecationWarning")


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def test_the_course_notebooks_are_numbered_from_00():
    numbers = [p.name[:2] for p in COURSE]
    assert numbers[:2] == ["00", "01"]
    assert numbers == sorted(set(numbers)), "duplicate or unordered notebook numbers"


@pytest.mark.parametrize("path", COURSE + SOLUTIONS, ids=_ids(COURSE + SOLUTIONS))
def test_executed_by_the_project_with_clean_outputs(path):
    nb = _load(path)
    code = _code(nb)
    assert code, "a notebook without code"
    assert all(c["execution_count"] is not None for c in code), "run `make notebooks`"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "outputs not from one top-to-bottom run"
    for cell in code:
        for output in cell["outputs"]:
            text = json.dumps(output)
            assert not BAD_OUTPUT.search(text), f"warning or traceback in output: {text[:200]}"
            if output["output_type"] == "stream":
                assert output["name"] == "stdout", (
                    f"stderr output: {''.join(output['text'])[:200]}"
                )
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", COURSE, ids=_ids(COURSE))
def test_course_notebook_structure(path):
    nb = _load(path)
    first = "".join(nb["cells"][0]["source"])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert re.match(rf"# {path.name[:2]} · \S", first), "first line must be '# NN · Title'"
    assert "**Topics:**" in first
    # The Colab set-up cell (course_utils.instructor.launch_cells) may come first.
    code = [c for c in _code(nb) if "colab-setup" not in c.get("metadata", {}).get("tags", [])]
    setup = "".join(code[0]["source"])
    assert "setup_notebook(seed=" in setup, "the first code cell sets up the notebook"
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "## Key takeaways" in markdown
    sources = "\n".join("".join(c["source"]) for c in _code(nb))
    assert "tensorflow.keras" not in sources, "Keras 3: import keras, not tensorflow.keras"


@pytest.mark.parametrize("path", EXERCISES, ids=_ids(EXERCISES))
def test_exercises_carry_no_outputs(path):
    for cell in _code(_load(path)):
        assert cell["outputs"] == [] and cell["execution_count"] is None
