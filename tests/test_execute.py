"""course_utils.instructor.execute and bench: running notebooks reproducibly and measuring them."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.instructor import bench, execute


def _write(path, *sources, markdown=None):
    cells = [new_markdown_cell(markdown)] if markdown else []
    cells += [new_code_cell(s) for s in sources]
    nb = new_notebook(cells=cells)
    nbformat.write(nb, path)
    return path


def test_execute_in_place_stores_repeatable_outputs(tmp_path):
    path = _write(
        tmp_path / "demo.ipynb",
        "import os\nprint(os.environ['PYTHONHASHSEED'], hash('course') == hash('course'))",
        "open('written.txt', 'w').write('x')\nprint(sorted(os.listdir('.')))",
        "1 + 1",
    )
    first = execute.execute_in_place(path)
    assert first.ok, first.error
    text_1 = path.read_text()
    second = execute.execute_in_place(path)
    assert second.ok and path.read_text() == text_1
    nb = json.loads(text_1)
    outputs = [c["outputs"] for c in nb["cells"]]
    assert "".join(outputs[0][0]["text"]) == "0 True\n"
    # the kernel runs in the notebook's folder
    assert "written.txt" in "".join(outputs[1][0]["text"])
    assert "".join(outputs[2][0]["data"]["text/plain"]) == "2"
    assert [c["execution_count"] for c in nb["cells"]] == [1, 2, 3]
    assert all("execution" not in c["metadata"] for c in nb["cells"])
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_a_failing_cell_is_reported_and_the_file_left_alone(tmp_path):
    path = _write(tmp_path / "bad.ipynb", "print('before')", "1 / 0", "print('never')")
    before = path.read_text()
    result = execute.execute_in_place(path)
    assert not result.ok
    assert "ZeroDivisionError" in result.error
    assert path.read_text() == before
    cells = result.notebook.cells
    assert cells[0].outputs[0]["text"] == "before\n"
    assert cells[2].outputs == []


def test_allow_errors_runs_every_cell(tmp_path):
    path = _write(tmp_path / "bad.ipynb", "1 / 0", "print('after')")
    result = execute.execute_notebook(path, allow_errors=True)
    assert result.notebook.cells[1].outputs[0]["text"] == "after\n"


def test_widget_model_ids_are_renumbered():
    nb = new_notebook(cells=[new_code_cell("x")])
    view = "application/vnd.jupyter.widget-view+json"
    nb.cells[0].outputs = [
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {view: {"model_id": "f00d", "version_major": 2}},
            }
        ),
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {view: {"model_id": "beef", "version_major": 2}},
            }
        ),
    ]
    execute._normalise(nb)
    ids = [o["data"][view]["model_id"] for o in nb.cells[0].outputs]
    assert ids == ["widget-0001", "widget-0002"]


def test_command_line_reports_missing_files(tmp_path, capsys):
    assert execute.main([str(tmp_path / "nope.ipynb")]) == 1
    assert "no such notebook" in capsys.readouterr().err


def test_measure_notebook_reports_time_and_kernel_memory(tmp_path):
    path = _write(tmp_path / "m.ipynb", "x = bytearray(300 * 1024 * 1024)\nlen(x)")
    row = execute.measure_notebook(path)
    assert row["error"] is None
    assert 0 < row["wall_seconds"] < 120
    assert row["peak_memory_mib"] > 300  # the kernel's 300 MiB allocation is seen
    assert path.read_text().count('"outputs": []') == 1  # the original was not executed


def test_bench_reads_title_and_topics(tmp_path):
    path = _write(
        tmp_path / "07_x.ipynb",
        "1",
        markdown="# 07 · Dropout\n\n**Topics:** masks, rates,\nand sweeps\n\nText.",
    )
    assert bench.notebook_title(path) == ("07 · Dropout", "masks, rates, and sweeps")


def test_syllabus_lists_only_course_notebooks():
    rows = [
        {"notebook": "notebooks/00_welcome.ipynb", "wall_seconds": 2.04, "peak_memory_mib": 150.0},
        {
            "notebook": "solutions/ex01_l2_on_a_new_dataset.ipynb",
            "wall_seconds": 1.0,
            "peak_memory_mib": 1.0,
        },
    ]
    table = bench.syllabus_table(rows)
    lines = table.splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("| [00 · Welcome")
    assert lines[2].endswith("| 2.0 | 150 |")


@pytest.mark.parametrize("value", [float("nan"), None])
def test_bench_formats_missing_numbers(value):
    assert bench._fmt(value) == "n/a"


def test_unchanged_timing_cells_keep_their_stored_output(tmp_path):
    path = _write(
        tmp_path / "t.ipynb",
        "import time",
        "# NBVAL_IGNORE_OUTPUT\n# seconds differ between runs\nprint(time.perf_counter_ns())",
        "print(time.perf_counter_ns())",
    )
    execute.execute_in_place(path)
    first = nbformat.read(path, as_version=4)
    execute.execute_in_place(path)
    second = nbformat.read(path, as_version=4)
    assert first.cells[1].outputs == second.cells[1].outputs  # kept
    assert first.cells[2].outputs != second.cells[2].outputs  # an ordinary cell is re-run
    execute.execute_in_place(path, refresh_timings=True)
    third = nbformat.read(path, as_version=4)
    assert third.cells[1].outputs != second.cells[1].outputs


def test_a_changed_timing_cell_gets_new_output(tmp_path):
    path = _write(tmp_path / "t.ipynb", "# NBVAL_IGNORE_OUTPUT\nprint(1)")
    execute.execute_in_place(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "# NBVAL_IGNORE_OUTPUT\nprint(2)"
    nbformat.write(nb, path)
    execute.execute_in_place(path)
    out = nbformat.read(path, as_version=4).cells[0].outputs[0]
    assert "".join(out["text"]) == "2\n"


def test_consecutive_prints_are_stored_as_one_output(tmp_path):
    path = _write(
        tmp_path / "s.ipynb",
        "import sys, time\nprint('a', flush=True)\ntime.sleep(0.3)\nprint('b')\n"
        "sys.stderr.write('e\\n')\nprint('c')",
    )
    result = execute.execute_notebook(path)
    outputs = result.notebook.cells[0].outputs
    names = [o["name"] for o in outputs]
    assert all(a != b for a, b in zip(names, names[1:], strict=False)), names
    stdout = "".join("".join(o["text"]) for o in outputs if o["name"] == "stdout")
    assert stdout == "a\nb\nc\n"
    merged = execute._merge_streams(
        [
            {"output_type": "stream", "name": "stdout", "text": "a\n"},
            {"output_type": "stream", "name": "stdout", "text": ["b\n", "c\n"]},
            {"output_type": "stream", "name": "stderr", "text": "e\n"},
            {"output_type": "stream", "name": "stdout", "text": "d\n"},
        ]
    )
    assert [(o["name"], o["text"]) for o in merged] == [
        ("stdout", "a\nb\nc\n"),
        ("stderr", "e\n"),
        ("stdout", "d\n"),
    ]
