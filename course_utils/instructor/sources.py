"""Text sources of the notebooks: where they live, how a notebook is built from one, sync checks.

Every notebook of ``notebooks/`` and ``solutions/`` has a jupytext
percent-format source under ``sources/`` (``sources/notebooks/NN_topic.py``,
``sources/solutions/exNN_topic.py``; the pairing is declared in
``jupytext.toml``). Authors edit the source; ``make notebooks`` builds the
``.ipynb`` from it and executes it (:mod:`course_utils.instructor.execute`).
Cell metadata (nbgrader's, tags) is kept on the ``# %%`` line of each cell.

Command line::

    python -m course_utils.instructor.sources --check            # exit 1 if out of sync
    python -m course_utils.instructor.sources --from-notebooks   # newer .ipynb -> source

``--from-notebooks`` rewrites the source of each pair whose notebook is newer
than its source and differs from it (``make format`` uses it after ruff has
reformatted the notebooks' code; so does an author who edited a notebook in
Jupyter without the jupytext extension).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ROOT",
    "SOURCE_DIR",
    "PAIRED_DIRS",
    "OUTPUT_METADATA",
    "SyncProblem",
    "source_path",
    "notebook_path",
    "paired_files",
    "read_source",
    "write_source",
    "cell_inputs",
    "compare",
    "check_pairs",
    "main",
]

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIR = "sources"
PAIRED_DIRS = ("notebooks", "solutions")
# Cell metadata written by the executor, not by authors: never in a source, ignored by the check.
OUTPUT_METADATA = frozenset({"measured_source", "execution"})


@dataclass(frozen=True)
class SyncProblem:
    """One way in which a notebook and its source disagree."""

    notebook: Path
    source: Path
    message: str

    def __str__(self) -> str:
        return f"{_rel(self.notebook)} / {_rel(self.source)}: {self.message}"


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def source_path(notebook: str | Path) -> Path:
    """The source of a notebook.

    >>> source_path(ROOT / "notebooks" / "03_l2_ridge.ipynb").relative_to(ROOT).as_posix()
    'sources/notebooks/03_l2_ridge.py'
    """
    notebook = Path(notebook).resolve()
    if notebook.suffix != ".ipynb" or notebook.parent.name not in PAIRED_DIRS:
        raise ValueError(
            f"{notebook}: only the .ipynb files of {', '.join(PAIRED_DIRS)}/ have sources."
        )
    root = notebook.parent.parent
    return root / SOURCE_DIR / notebook.parent.name / f"{notebook.stem}.py"


def notebook_path(source: str | os.PathLike) -> Path:
    """The notebook built from a source.

    >>> notebook_path(ROOT / "sources" / "solutions" / "ex04_x.py").relative_to(ROOT).as_posix()
    'solutions/ex04_x.ipynb'
    """
    source = Path(source).resolve()
    folder = source.parent
    if (
        source.suffix != ".py"
        or folder.name not in PAIRED_DIRS
        or folder.parent.name != SOURCE_DIR
    ):
        raise ValueError(
            f"{source}: a notebook source is a .py file in "
            f"{', '.join(f'{SOURCE_DIR}/{d}/' for d in PAIRED_DIRS)}."
        )
    return folder.parent.parent / folder.name / f"{source.stem}.ipynb"


def paired_files(root: str | Path = ROOT) -> list[tuple[Path, Path]]:
    """Every (notebook, source) pair under ``root``, also those with a half missing."""
    root = Path(root)
    pairs: dict[Path, Path] = {}
    for folder in PAIRED_DIRS:
        for nb in sorted((root / folder).glob("*.ipynb")):
            pairs[nb.resolve()] = source_path(nb)
        for src in sorted((root / SOURCE_DIR / folder).glob("*.py")):
            pairs.setdefault(notebook_path(src), src.resolve())
    return sorted(pairs.items())


def read_source(source: str | os.PathLike) -> Any:
    """The notebook (without outputs) that a percent-format source describes, as nbformat 4.5."""
    import jupytext
    import nbformat

    nb = jupytext.read(Path(source), fmt="py:percent")
    nb.metadata.pop("jupytext", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
    nbformat.validate(nb)
    return nb


# The filters of jupytext.toml, for writing a source without the jupytext command line.
_TEXT_FILTERS = {"notebook_metadata_filter": "-all", "cell_metadata_filter": "-measured_source"}


def write_source(notebook: str | Path, source: str | Path | None = None) -> Path:
    """Write the percent-format source of ``notebook`` (by default at its paired path)."""
    import jupytext
    import nbformat

    nb = nbformat.read(Path(notebook), as_version=4)
    nb.metadata["jupytext"] = dict(_TEXT_FILTERS)
    target = Path(source) if source is not None else source_path(notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(jupytext.writes(nb, fmt="py:percent"), encoding="utf-8")
    return target


def cell_inputs(nb: Any) -> list[tuple[str, str, dict]]:
    """What the source decides about each cell: its type, its source and its metadata."""
    return [
        (
            cell.cell_type,
            cell.source,
            {k: v for k, v in cell.get("metadata", {}).items() if k not in OUTPUT_METADATA},
        )
        for cell in nb.cells
    ]


def compare(notebook: str | Path, source: str | Path) -> list[str]:
    """Differences between the inputs of ``notebook`` and ``source`` (empty when in sync)."""
    import nbformat

    built = cell_inputs(read_source(source))
    stored = cell_inputs(nbformat.read(Path(notebook), as_version=4))
    problems = []
    if len(built) != len(stored):
        problems.append(f"the source has {len(built)} cells, the notebook {len(stored)}")
    for index, (new, old) in enumerate(zip(built, stored, strict=False)):
        for part, what in enumerate(("cell type", "source", "metadata")):
            if new[part] != old[part]:
                problems.append(f"cell {index}: the {what} differs")
                break
        if len(problems) >= 5:
            break
    return problems


def check_pairs(root: str | Path = ROOT) -> list[SyncProblem]:
    """Every problem with the pairs under ``root``: missing halves and differing cells."""
    problems = []
    for nb, src in paired_files(root):
        if not src.is_file():
            problems.append(SyncProblem(nb, src, "the notebook has no source"))
        elif not nb.is_file():
            problems.append(SyncProblem(nb, src, "the source has no notebook (make notebooks)"))
        else:
            problems.extend(SyncProblem(nb, src, m) for m in compare(nb, src))
    return problems


FIX_HINT = (
    "Edit the source, then build its notebook: "
    "python -m course_utils.instructor.execute SOURCE (or make notebooks). "
    "If the .ipynb was edited in Jupyter, `jupytext --sync NOTEBOOK` copies the change "
    "to the source."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.instructor.sources",
        description="Check that every notebook agrees with its jupytext source.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a pair is out of sync")
    parser.add_argument(
        "--from-notebooks",
        action="store_true",
        help="rewrite the source of every notebook that is newer than its source and differs",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.from_notebooks:
        for nb, src in paired_files(args.root):
            newer = nb.is_file() and (
                not src.is_file() or nb.stat().st_mtime > src.stat().st_mtime
            )
            if newer and (not src.is_file() or compare(nb, src)):
                print(f"{_rel(src)}: rewritten from {_rel(nb)}")
                write_source(nb, src)
    problems = check_pairs(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(FIX_HINT, file=sys.stderr)
        return 1
    print(f"{len(paired_files(args.root))} notebooks in sync with their sources.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
