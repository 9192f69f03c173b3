"""Every notebook agrees with its jupytext source (cell types, sources, metadata; not outputs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from course_utils.instructor import sources
from course_utils.instructor.sources import (
    ROOT,
    check_pairs,
    notebook_path,
    paired_files,
    read_source,
    source_path,
)

PAIRS = paired_files()


def test_every_course_notebook_has_a_source():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "solutions").glob("*.ipynb")
    )
    assert len(notebooks) >= 18
    assert {nb.resolve() for nb in notebooks} <= {nb for nb, _ in PAIRS}
    missing = [str(src) for _, src in PAIRS if not src.is_file()]
    assert not missing, f"notebooks without a source: {missing}"


@pytest.mark.parametrize("notebook, source", PAIRS, ids=[nb.stem for nb, _ in PAIRS])
def test_notebook_in_sync_with_its_source(notebook, source):
    assert source.is_file(), f"{notebook.name} has no source {source}"
    assert notebook.is_file(), f"{source.name} has no notebook yet: {sources.FIX_HINT}"
    problems = sources.compare(notebook, source)
    assert not problems, f"{notebook.name}: {problems}. {sources.FIX_HINT}"


def test_nbgrader_metadata_lives_in_the_solution_sources():
    source = ROOT / "sources" / "solutions" / "ex04_lasso_from_scratch.py"
    text = source.read_text(encoding="utf-8")
    assert '# %% nbgrader={"grade": false, "grade_id": "ex04-soft-threshold"' in text
    graded = [c for c in read_source(source).cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded and all(c.metadata["nbgrader"]["schema_version"] == 3 for c in graded)


def test_paths_map_both_ways():
    nb = ROOT / "notebooks" / "03_l2_ridge.ipynb"
    assert source_path(nb) == ROOT / "sources" / "notebooks" / "03_l2_ridge.py"
    assert notebook_path(source_path(nb)) == nb
    with pytest.raises(ValueError, match="only the .ipynb files"):
        source_path(ROOT / "exercises" / "ex04_lasso_from_scratch.ipynb")
    with pytest.raises(ValueError, match="a notebook source is a .py file"):
        notebook_path(ROOT / "course_utils" / "data.py")


# ------------------------------------------------------------- planted mismatches
@pytest.fixture
def copy_of_pairs(tmp_path):
    """A scratch tree with one lesson and one solution, each with its source."""
    for folder, name in (("notebooks", "03_l2_ridge"), ("solutions", "ex04_lasso_from_scratch")):
        (tmp_path / folder).mkdir()
        (tmp_path / "sources" / folder).mkdir(parents=True)
        shutil.copy(ROOT / folder / f"{name}.ipynb", tmp_path / folder)
        # the source written from the notebook (the committed one may be mid-edit)
        sources.write_source(
            tmp_path / folder / f"{name}.ipynb", tmp_path / "sources" / folder / f"{name}.py"
        )
    assert check_pairs(tmp_path) == []
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_changed_word_of_prose_is_reported(copy_of_pairs):
    source = copy_of_pairs / "sources" / "notebooks" / "03_l2_ridge.py"
    _edit(source, "# # 03", "# # 03 (draft)")
    problems = check_pairs(copy_of_pairs)
    assert [p.message for p in problems] == ["cell 0: the source differs"]
    assert problems[0].notebook.name == "03_l2_ridge.ipynb"
    assert sources.main(["--root", str(copy_of_pairs)]) == 1


def test_changed_code_in_the_notebook_is_reported(copy_of_pairs):
    path = copy_of_pairs / "notebooks" / "03_l2_ridge.ipynb"
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[index].source += "\nprint('edited in Jupyter')"
    nbformat.write(nb, path)
    assert [p.message for p in check_pairs(copy_of_pairs)] == [f"cell {index}: the source differs"]


def test_changed_nbgrader_metadata_is_reported(copy_of_pairs):
    source = copy_of_pairs / "sources" / "solutions" / "ex04_lasso_from_scratch.py"
    _edit(source, '"grade_id": "ex04-soft-threshold"', '"grade_id": "ex04-renamed"')
    problems = check_pairs(copy_of_pairs)
    assert len(problems) == 1 and problems[0].message.endswith("the metadata differs")


def test_a_deleted_cell_and_a_missing_source_are_reported(copy_of_pairs):
    path = copy_of_pairs / "notebooks" / "03_l2_ridge.ipynb"
    nb = nbformat.read(path, as_version=4)
    count = len(nb.cells)
    del nb.cells[-1]
    nbformat.write(nb, path)
    (copy_of_pairs / "sources" / "solutions" / "ex04_lasso_from_scratch.py").unlink()
    messages = sorted(p.message for p in check_pairs(copy_of_pairs))
    assert messages == [
        "the notebook has no source",
        f"the source has {count} cells, the notebook {count - 1}",
    ]


def test_outputs_are_not_compared(copy_of_pairs):
    path = copy_of_pairs / "notebooks" / "03_l2_ridge.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, path)
    assert check_pairs(copy_of_pairs) == []
    assert sources.main(["--root", str(copy_of_pairs)]) == 0


def test_written_sources_are_the_committed_ones(tmp_path):
    for notebook, source in PAIRS[:3] + PAIRS[-2:]:
        if notebook.is_file() and not sources.compare(notebook, source):
            written = sources.write_source(notebook, tmp_path / source.name)
            assert written.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_from_notebooks_copies_a_newer_notebook_into_its_source_only(copy_of_pairs):
    import os

    path = copy_of_pairs / "notebooks" / "03_l2_ridge.ipynb"
    source = copy_of_pairs / "sources" / "notebooks" / "03_l2_ridge.py"
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[index].source += "\nx = 1  # reformatted in Jupyter"
    nbformat.write(nb, path)
    os.utime(source, (1, 1))  # the notebook is newer
    solution_source = copy_of_pairs / "sources" / "solutions" / "ex04_lasso_from_scratch.py"
    _edit(solution_source, "# # Exercise 04", "# # Exercise 04 (edited)")  # the source is newer
    assert sources.main(["--from-notebooks", "--root", str(copy_of_pairs)]) == 1
    assert "x = 1  # reformatted in Jupyter" in source.read_text(encoding="utf-8")
    assert "(edited)" in solution_source.read_text(encoding="utf-8")
    assert [p.notebook.name for p in check_pairs(copy_of_pairs)] == [
        "ex04_lasso_from_scratch.ipynb"
    ]


# ------------------------------------------------------------- building from a source
def test_a_notebook_is_built_from_its_source_repeatably(tmp_path):
    from course_utils.instructor import execute

    source = tmp_path / "sources" / "notebooks" / "01_demo.py"
    source.parent.mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    source.write_text(
        "# %% [markdown]\n# # 01 · Demo\n\n"
        "# %%\nimport os\nprint(os.path.basename(os.getcwd()))\n\n"
        '# %% tags=["keep"]\n1 + 1\n',
        encoding="utf-8",
    )
    assert execute.main([str(source)]) == 0
    notebook = tmp_path / "notebooks" / "01_demo.ipynb"
    first = notebook.read_bytes()
    nb = nbformat.reads(first.decode(), as_version=4)
    assert [c.id for c in nb.cells] == ["cell-000", "cell-001", "cell-002"]
    assert nb.cells[1].outputs[0]["text"] == "notebooks\n"  # run in the notebook's folder
    assert nb.cells[2].metadata == {"tags": ["keep"]}
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "2"
    assert nb.metadata["kernelspec"]["name"] == "python3" and "jupytext" not in nb.metadata
    assert check_pairs(tmp_path) == []
    # the .ipynb path builds from the source too, and an unchanged source changes nothing
    assert execute.main([str(notebook)]) == 0
    assert notebook.read_bytes() == first
