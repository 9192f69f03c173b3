"""Execute a notebook in a fresh kernel: the one place that runs notebooks for the project.

``make notebooks`` (re-executing the committed notebooks in place), ``make
bench`` (timing them) and the grader all call :func:`execute_notebook`.

Command line::

    python -m course_utils.instructor.execute sources/notebooks/03_l2_ridge.py    # build + run
    python -m course_utils.instructor.execute notebooks/03_l2_ridge.ipynb          # the same
    python -m course_utils.instructor.execute --measure notebooks/00_welcome.ipynb  # time only

A notebook of ``notebooks/`` or ``solutions/`` is built from its jupytext
source (``sources/``, see :mod:`course_utils.instructor.sources`): the cells
come from the source, then they are executed and the ``.ipynb`` is written
with their outputs. A notebook without a source is executed in place.

The stored result is reproducible: a fixed hash seed for the kernel, no timing
metadata, and widget model ids renumbered in order of appearance.

Cells whose output is measured time (their first line is the nbval marker
``# NBVAL_IGNORE_OUTPUT``) are run like every other cell, but when their source
is unchanged the stored output of the previous execution is kept, so that
``make notebooks`` leaves ``git status`` clean. ``--refresh-timings`` stores the
new measurements instead (do that on the reference machine, with nothing else
running, when the code behind a timing changes).

Figures are kept the same way: a re-executed PNG that shows the same picture as
the stored one up to sub-pixel rounding (:func:`same_picture`) keeps the stored
bytes. On one machine every run gives the same bytes; on another CPU the last
bits of trained weights can differ, which changes a few antialiased pixels by
a level or two without changing any printed number.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from course_utils._constants import ANSI_ESCAPE, NOTEBOOK_KERNELSPEC, WIDGET_MIME

__all__ = [
    "COURSE_KERNEL",
    "CELL_TIMEOUT",
    "ExecutionResult",
    "course_kernel_name",
    "execute_notebook",
    "execute_in_place",
    "build_from_source",
    "keep_measurements",
    "keep_same_figures",
    "same_picture",
    "measure_notebook",
    "main",
]

COURSE_KERNEL = "regularization-course"
CELL_TIMEOUT = 300  # seconds per cell
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


@dataclass
class ExecutionResult:
    """What :func:`execute_notebook` did: the executed notebook and how it went."""

    notebook: object
    wall_seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def course_kernel_name() -> str:
    """The course kernel if it is registered, otherwise the current Python's ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        names = KernelSpecManager().find_kernel_specs()
    except Exception:  # pragma: no cover - broken Jupyter paths
        names = {}
    return COURSE_KERNEL if COURSE_KERNEL in names else "python3"


def kernel_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(KERNEL_ENV)
    if extra:
        env.update(extra)
    return env


def _merge_streams(outputs: list) -> list:
    """Join consecutive stream outputs of the same name (how they split depends on timing)."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    return merged


def _normalise(nb) -> None:
    """Make the stored notebook byte-for-byte repeatable."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(NOTEBOOK_KERNELSPEC)
    ids: dict[str, str] = {}
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        if cell.get("outputs"):
            cell["outputs"] = _merge_streams(cell["outputs"])
        if "id" in cell:
            cell["id"] = f"cell-{index:03d}"
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_MIME)
            if view and "model_id" in view:
                mid = view["model_id"]
                ids.setdefault(mid, f"widget-{len(ids) + 1:04d}")
                view["model_id"] = ids[mid]


def execute_notebook(
    nb,
    *,
    cwd: str | os.PathLike | None = None,
    kernel_name: str | None = None,
    timeout: int = CELL_TIMEOUT,
    allow_errors: bool = False,
    extra_env: dict[str, str] | None = None,
    normalise: bool = True,
) -> ExecutionResult:
    """Run every cell of ``nb`` (a path or a ``NotebookNode``) in a fresh kernel.

    The notebook is not modified on disk; the executed copy is returned in the
    result. ``cwd`` is the kernel's working directory (by default the
    notebook's folder, or the current folder for an in-memory notebook). A
    cell error stops execution unless ``allow_errors``; the error text is kept
    in ``result.error`` and the cells run so far keep their outputs.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    if isinstance(nb, (str, os.PathLike)):
        path = Path(nb)
        if cwd is None:
            cwd = path.parent
        nb = nbformat.read(path, as_version=4)
    else:
        nb = copy.deepcopy(nb)
    cwd = str(cwd or os.getcwd())
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name or course_kernel_name(),
        resources={"metadata": {"path": cwd}},
        allow_errors=allow_errors,
        record_timing=False,
        store_widget_state=False,
    )
    error = None
    start = time.perf_counter()
    try:
        client.execute(env=kernel_environment(extra_env))
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    wall = time.perf_counter() - start
    if normalise:
        _normalise(nb)
    return ExecutionResult(notebook=nb, wall_seconds=wall, error=error)


IGNORE_MARKER = "# NBVAL_IGNORE_OUTPUT"


def _is_measurement_cell(cell) -> bool:
    lines = cell.get("source", "").splitlines()
    return cell.get("cell_type") == "code" and bool(lines) and lines[0].strip() == IGNORE_MARKER


def _source_digest(cell) -> str:
    import hashlib

    return hashlib.sha256(cell.get("source", "").encode("utf-8")).hexdigest()[:16]


def keep_measurements(old_nb, new_nb) -> int:
    """Carry stored outputs of unchanged ``# NBVAL_IGNORE_OUTPUT`` cells over from ``old_nb``.

    Every measurement cell of ``new_nb`` gets ``metadata["measured_source"]``,
    a digest of the source that produced its outputs. A cell of ``old_nb`` at
    the same position whose digest matches the new cell's source keeps its
    outputs. Returns the number of cells whose previous outputs were kept.
    """
    kept = 0
    same_shape = len(old_nb.cells) == len(new_nb.cells)
    for index, new in enumerate(new_nb.cells):
        if not _is_measurement_cell(new):
            continue
        digest = _source_digest(new)
        old = old_nb.cells[index] if same_shape else None
        if (
            old is not None
            and old.get("metadata", {}).get("measured_source") == digest
            and old.get("outputs")
        ):
            new["outputs"] = copy.deepcopy(old["outputs"])
            kept += 1
        new.metadata["measured_source"] = digest
    return kept


#: A re-executed figure that differs from the stored one by at most this many intensity levels
#: (of 255) per channel, on at most this fraction of its pixels, is the same picture: the stored
#: PNG is kept. Training in float32 is repeatable on one machine, but another CPU can change the
#: last bits of the weights (TensorFlow's CPU kernels), which moves a curve or a decision
#: boundary by a fraction of a pixel and changes a few antialiased pixels by one or two levels.
#: A real change (a moved curve, a new label) changes pixels by far more.
FIGURE_LEVELS = 16
FIGURE_PIXEL_FRACTION = 0.01


def _png_pixels(data: str):
    import base64
    import io

    import matplotlib.image as mpimg

    return mpimg.imread(io.BytesIO(base64.b64decode(data)), format="png")


def same_picture(old_png: str, new_png: str) -> bool:
    """Whether two base64 PNGs show the same picture up to sub-pixel rounding (see above)."""
    import numpy as np

    if old_png == new_png:
        return True
    old, new = _png_pixels(old_png), _png_pixels(new_png)
    if old.shape != new.shape:
        return False
    levels = np.abs(old.astype(float) - new.astype(float)).max(axis=-1) * 255
    changed = levels > 0.5
    return bool(levels.max() <= FIGURE_LEVELS and changed.mean() <= FIGURE_PIXEL_FRACTION)


def keep_same_figures(old_nb, new_nb) -> int:
    """Give ``new_nb`` the stored PNG of every figure that shows the same picture as before.

    Only cells at the same position with the same source are compared, output by output.
    Returns the number of figures whose stored bytes were kept.
    """
    kept = 0
    if len(old_nb.cells) != len(new_nb.cells):
        return 0
    for old, new in zip(old_nb.cells, new_nb.cells, strict=True):
        if old.get("source") != new.get("source"):
            continue
        old_outputs, new_outputs = old.get("outputs", []), new.get("outputs", [])
        if len(old_outputs) != len(new_outputs):
            continue
        for old_out, new_out in zip(old_outputs, new_outputs, strict=True):
            old_png = old_out.get("data", {}).get("image/png")
            new_png = new_out.get("data", {}).get("image/png")
            if old_png and new_png and old_png != new_png and same_picture(old_png, new_png):
                new_out["data"]["image/png"] = old_png
                kept += 1
    return kept


def execute_in_place(
    path: str | os.PathLike, *, refresh_timings: bool = False, **kwargs
) -> ExecutionResult:
    """Execute the notebook at ``path`` and write it back with its new outputs.

    The file is only replaced when every cell ran (cells tagged
    ``raises-exception`` may raise). Unless ``refresh_timings``, unchanged
    measurement cells keep their stored outputs (see the module docstring).
    Returns the result.
    """
    import nbformat

    path = Path(path)
    old = nbformat.read(path, as_version=4)
    result = execute_notebook(path, **kwargs)
    if result.ok:
        keep_measurements(nbformat.v4.new_notebook() if refresh_timings else old, result.notebook)
        keep_same_figures(old, result.notebook)
        _write(result.notebook, path)
    return result


def build_from_source(
    source: str | os.PathLike, *, refresh_timings: bool = False, **kwargs
) -> ExecutionResult:
    """Build the notebook paired with ``source`` from it, execute it and write it.

    The cells (sources and metadata) come from the jupytext source; the
    outputs from a fresh execution, in the notebook's folder. As in
    :func:`execute_in_place`, the ``.ipynb`` is only written when every cell
    ran, and unchanged measurement cells keep the outputs stored in it.
    """
    import nbformat

    from course_utils.instructor.sources import notebook_path, read_source

    target = notebook_path(source)
    nb = read_source(source)
    kwargs.setdefault("cwd", target.parent)
    result = execute_notebook(nb, **kwargs)
    if result.ok:
        stored = nbformat.read(target, as_version=4) if target.is_file() else None
        keep_measurements(
            stored if stored is not None and not refresh_timings else nbformat.v4.new_notebook(),
            result.notebook,
        )
        if stored is not None:
            keep_same_figures(stored, result.notebook)
        _write(result.notebook, target)
    return result


def _write(nb, path: Path) -> None:
    import nbformat

    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)


def _paired_source(path: Path) -> Path | None:
    """The jupytext source that builds ``path`` (itself if it is one), or None."""
    from course_utils.instructor.sources import source_path

    if path.suffix == ".py":
        return path
    try:
        source = source_path(path)
    except ValueError:
        return None
    return source if source.is_file() else None


def measure_notebook(path: str | os.PathLike, *, kernel_name: str | None = None) -> dict:
    """Execute a copy of the notebook in a scratch folder; return its wall time and peak memory.

    Runs in a child process so that the peak resident memory of the kernel
    (the largest child process this measurement waited for) is not mixed with
    other kernels.
    """
    import subprocess

    cmd = [sys.executable, "-m", "course_utils.instructor.execute", "--measure", str(path)]
    if kernel_name:
        cmd += ["--kernel", kernel_name]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {
            "notebook": str(path),
            "wall_seconds": float("nan"),
            "peak_memory_mib": float("nan"),
            "error": (proc.stderr.strip().splitlines() or ["failed"])[-1],
        }
    return json.loads(lines[-1])


def _measure_here(path: Path, kernel_name: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        # Copy the notebook's folder so relative paths behave as in the course.
        work = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        result = execute_notebook(work / path.name, kernel_name=kernel_name)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return {
        "notebook": str(path),
        "wall_seconds": round(result.wall_seconds, 2),
        "peak_memory_mib": round(peak_kib / 1024, 1),
        "error": _first_line(result.error),
    }


def _first_line(text: str | None) -> str | None:
    if not text:
        return None
    text = ANSI_ESCAPE.sub("", text)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1][:200] if lines else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.instructor.execute",
        description="Execute notebooks in a fresh kernel and store their outputs in place.",
    )
    parser.add_argument(
        "notebooks", nargs="+", type=Path, help="notebooks (.ipynb) or their sources (.py)"
    )
    parser.add_argument("--kernel", default=None, help="kernel name (default: the course kernel)")
    parser.add_argument(
        "--refresh-timings",
        action="store_true",
        help="store new outputs also for unchanged '# NBVAL_IGNORE_OUTPUT' (timing) cells",
    )
    parser.add_argument(
        "--measure",
        action="store_true",
        help="execute a scratch copy and print wall time and peak memory as JSON",
    )
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        if not path.is_file():
            print(f"{path}: no such notebook", file=sys.stderr)
            status = 1
            continue
        if args.measure:
            if path.suffix == ".py":
                from course_utils.instructor.sources import notebook_path

                path = notebook_path(path)
            print(json.dumps(_measure_here(path, args.kernel)))
            continue
        source = _paired_source(path)
        if source is not None:
            result = build_from_source(
                source, kernel_name=args.kernel, refresh_timings=args.refresh_timings
            )
        else:
            result = execute_in_place(
                path, kernel_name=args.kernel, refresh_timings=args.refresh_timings
            )
        verdict = "ok" if result.ok else f"FAILED ({_first_line(result.error)})"
        print(f"{path}: {result.wall_seconds:6.1f} s  {verdict}", flush=True)
        if not result.ok:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
