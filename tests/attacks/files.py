"""Malformed files and names: what reading, naming and writing must survive without a kernel."""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import TINY, TINY_FULL, Attack, Context, write_notebook


def _raw(content: bytes):
    def plant(folder: Path, ctx: Context) -> None:
        write_notebook(folder, TINY, content)

    return plant


def _nesting_bomb(folder: Path, ctx: Context) -> None:
    write_notebook(folder, TINY, b"[" * 300_000 + b"]" * 300_000)


def _dict_bomb(folder: Path, ctx: Context) -> None:
    depth = 200_000
    write_notebook(
        folder,
        TINY,
        b'{"nbformat": 4, "cells": [' + b'{"a":' * depth + b"1" + b"}" * depth + b"]}",
    )


def _cell_type_dict(folder: Path, ctx: Context) -> None:
    nb = ctx.ex()
    nb["cells"][3]["cell_type"] = {}
    nb["cells"][5]["cell_type"] = ["code"]
    write_notebook(folder, TINY, nb)


def _wrong_cells(folder: Path, ctx: Context) -> None:
    nb = ctx.ex()
    nb["cells"] = [
        1,
        "a cell",
        None,
        [],
        {"cell_type": "code", "source": 5, "metadata": [], "outputs": {}},
        {"cell_type": "code", "source": ["x = 1\n", 2, None], "metadata": {"nbgrader": "yes"}},
        {"cell_type": "markdown"},
        {
            "cell_type": "code",
            "source": {"a": 1},
            "metadata": {"nbgrader": {"grade_id": {"a": 1}}},
        },
    ] + nb["cells"]
    write_notebook(folder, TINY, nb)


def _wrong_metadata(folder: Path, ctx: Context) -> None:
    nb = ctx.ex()
    values = ["yes", [], 7, None, {"grade_id": ["ex99-setup"]}, {"grade_id": 3, "points": "1e9"}]
    for index, cell in enumerate(nb["cells"]):
        meta = cell["metadata"].get("nbgrader")
        if meta and meta.get("grade"):
            meta["points"] = float("nan") if index % 2 else "1000"
            meta["grade"] = "true"
        elif index % 3 == 0:
            cell["metadata"] = values[index % len(values)]
    nb["metadata"] = []
    text = json.dumps(nb, allow_nan=True)  # NaN is not JSON, but Python's json reads it
    write_notebook(folder, TINY, text)


def _wrong_toplevel(folder: Path, ctx: Context) -> None:
    nb = ctx.ex()
    nb["nbformat"] = 4.0
    nb["nbformat_minor"] = "5"
    nb["metadata"] = "none"
    write_notebook(folder, TINY, nb)


def _huge_file(folder: Path, ctx: Context) -> None:
    path = write_notebook(folder, TINY, b'{"cells": [], "pad": "')
    with open(path, "r+b") as handle:
        handle.truncate(60 * 2**20)  # sparse: 60 MiB above the 50 MiB limit, no disk used


def _huge_cell(folder: Path, ctx: Context) -> None:
    nb = ctx.ex()
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "lorem " * 4_000_000})
    write_notebook(folder, TINY, nb)


def _fifo(folder: Path, ctx: Context) -> None:
    folder.mkdir(parents=True)
    os.mkfifo(folder / f"{TINY}.ipynb")


def _dev_zero(folder: Path, ctx: Context) -> None:
    folder.mkdir(parents=True)
    os.symlink("/dev/zero", folder / f"{TINY}.ipynb")


def _symlink_solution(folder: Path, ctx: Context) -> None:
    folder.mkdir(parents=True)
    os.symlink(ctx.solutions_dir / f"{TINY}.ipynb", folder / f"{TINY}.ipynb")


def _symlink_folder(folder: Path, ctx: Context) -> None:
    os.symlink(ctx.solutions_dir, folder)


def _directory_notebook(folder: Path, ctx: Context) -> None:
    (folder / f"{TINY}.ipynb").mkdir(parents=True)
    (folder / f"{TINY}.ipynb" / "cells").write_text("[]")


def _utf16(folder: Path, ctx: Context) -> None:
    write_notebook(folder, TINY, json.dumps(ctx.ex()).encode("utf-16"))


def _stub(folder: Path, ctx: Context) -> None:
    write_notebook(folder, TINY, ctx.ex())


def _solution(folder: Path, ctx: Context) -> None:
    write_notebook(folder, TINY, ctx.sol())


def _formula(folder: Path, ctx: Context) -> None:
    write_notebook(folder, TINY, ctx.ex())
    (folder / "=2+5.ipynb").write_text(json.dumps(ctx.ex()))  # an unknown exercise's name
    (folder / "@SUM(1+1).ipynb").write_text(json.dumps(ctx.ex()))


def _feedback_is_a_folder(name: str):
    def plant(folder: Path, ctx: Context) -> None:
        write_notebook(folder, TINY, ctx.ex())
        for suffix in (".md", ".html"):
            blocked = ctx.out_dir / "feedback" / name / f"{TINY}{suffix}"
            blocked.mkdir(parents=True)
            (blocked / "keep.txt").write_text("a folder where the feedback page should go")

    return plant


def _work_unchanged(outcome) -> list[str]:
    expected = {"solutions", "subs", "out", "cwd"}
    extra = set(os.listdir(outcome.work)) - expected
    return [f"created beside the output folder: {sorted(extra)}"] if extra else []


def attacks() -> list[Attack]:
    m = "malformed"
    return [
        Attack("bomb_json_nesting", m, _nesting_bomb),
        Attack("bomb_dict_nesting", m, _dict_bomb),
        Attack("cell_type_is_a_dict", m, _cell_type_dict),
        Attack("wrong_types_in_cells", m, _wrong_cells),
        Attack("wrong_types_in_metadata", m, _wrong_metadata),
        Attack("wrong_types_at_top_level", m, _wrong_toplevel),
        Attack("huge_file", m, _huge_file),
        Attack("huge_markdown_cell", m, _huge_cell),
        Attack("fifo_named_like_the_notebook", m, _fifo),
        Attack("symlink_to_dev_zero", m, _dev_zero),
        Attack("symlink_to_the_solution", m, _symlink_solution),
        Attack("learner_folder_links_to_solutions", m, _symlink_folder, row_optional=True),
        Attack("notebook_is_a_folder", m, _directory_notebook),
        Attack("utf16_notebook", m, _utf16),
        Attack(
            "name_not_utf8",
            m,
            _solution,
            folder=b"nonutf8-\xff\xfe\xc3(",
            row_tag="nonutf8-",
            earned={TINY: TINY_FULL},
            own_code_is_solution=True,
        ),
        Attack(
            "name_with_control_characters",
            m,
            _stub,
            folder="ctl-\x1b[31m\x07\r\n\tname",
            row_tag="ctl-",
        ),
        Attack(
            "name_with_dotdot_and_backslashes",
            m,
            _stub,
            folder="..\\..\\escaped-name",
            row_tag="escaped-name",
            row_optional=True,
            verify=_work_unchanged,
        ),
        Attack(
            "name_is_a_csv_formula",
            "injection",
            _formula,
            folder='=HYPERLINK("http:\\\\evil.example","csv-formula")',
            row_tag="csv-formula",
        ),
        Attack("name_very_long", m, _stub, folder="long-" + "x" * 245, row_tag="long-xxxx"),
        Attack(
            "folder_at_own_feedback_path",
            m,
            _feedback_is_a_folder("folder_at_own_feedback_path"),
        ),
    ]
