"""``make bench``: time every notebook in a fresh kernel and check the course budgets.

Writes ``benchmarks/notebooks.csv`` (notebook, wall seconds, peak kernel
memory) and ``benchmarks/README.md`` (the same as a Markdown table, plus the
import time of ``course_utils``), refreshes the syllabus table in the README
between its markers, and prints which budgets are exceeded (issue 15: every
notebook and solution at most 15 s, notebooks 00-12 at most 90 s together;
issue 10: grading overhead and speed-up). Exceeding a budget is reported, not
fatal.

    python -m course_utils.instructor.bench [--skip-readme] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import statistics
import subprocess
import sys
from pathlib import Path

from course_utils.instructor.execute import measure_notebook

__all__ = ["BUDGETS", "notebook_title", "time_import", "syllabus_table", "main"]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIRS = ("notebooks", "solutions", "exercises")
BUDGETS = {
    "import_seconds": 0.3,
    "notebook_seconds": 15.0,  # every notebook and solution (issue 15)
    "course_seconds": 90.0,  # notebooks 00-12 together (issue 15)
    "notebook_memory_mib": 2048.0,
}
COURSE_NOTEBOOKS = range(13)  # notebooks/00_* to notebooks/12_*: the course proper
SYLLABUS_START = "<!-- syllabus:start -->"
SYLLABUS_END = "<!-- syllabus:end -->"


def notebook_title(path: Path) -> tuple[str, str]:
    """(title, topics): the first Markdown cell's heading and its ``**Topics:**`` paragraph."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell.get("source", []))
        lines = source.splitlines()
        title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
        topics: list[str] = []
        for line in lines:
            if line.startswith("**Topics:**"):
                topics.append(line.split(":**", 1)[1].strip())
            elif topics and line.strip():
                topics.append(line.strip())  # the paragraph goes on
            elif topics:
                break
        return title, " ".join(topics)
    return Path(path).stem, ""


def time_import(repeats: int = 7) -> dict:
    """Median wall time of ``import course_utils`` in fresh interpreters, and whether TF loaded."""
    code = (
        "import sys, time; t = time.perf_counter(); import course_utils; "
        "print(time.perf_counter() - t, 'tensorflow' in sys.modules)"
    )
    times, tf_loaded = [], False
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        times.append(float(out[0]))
        tf_loaded |= out[1] == "True"
    return {"import_seconds": statistics.median(times), "tensorflow_imported": tf_loaded}


def _fmt(value: float | str | None, digits: int = 1) -> str:
    return (
        "n/a"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.{digits}f}")
    )


def syllabus_table(rows: list[dict]) -> str:
    """The README's syllabus: one row per course notebook with its measured runtime."""
    lines = ["| Notebook | Topics | Runtime (s) | Peak memory (MiB) |", "|---|---|---:|---:|"]
    for row in rows:
        path = Path(row["notebook"])
        if path.parent.name != "notebooks":
            continue
        title, topics = notebook_title(ROOT / path)
        lines.append(
            f"| [{title or path.stem}]({path.as_posix()}) | {topics} | "
            f"{_fmt(row['wall_seconds'])} | {_fmt(row['peak_memory_mib'], 0)} |"
        )
    return "\n".join(lines)


def course_total(rows: list[dict]) -> tuple[float, int]:
    """Seconds of notebooks 00-12 together, and how many of the 13 were measured."""
    total, count = 0.0, 0
    for row in rows:
        path = Path(row["notebook"])
        number = path.name[:2]
        if path.parent.name == "notebooks" and number.isdigit():
            if int(number) in COURSE_NOTEBOOKS:
                total += float(row["wall_seconds"])
                count += 1
    return total, count


def _update_readme(table: str) -> bool:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(SYLLABUS_START) + ".*?" + re.escape(SYLLABUS_END), re.S)
    if not pattern.search(text):
        return False
    new = pattern.sub(lambda _: f"{SYLLABUS_START}\n{table}\n{SYLLABUS_END}", text)
    readme.write_text(new, encoding="utf-8")
    return True


def _course_budget(rows: list[dict], exceeded: list[str]) -> list[str]:
    """Notebooks 00-12 together against their budget (checked once all 13 are measured)."""
    total, counted = course_total(rows)
    if not counted:
        return []
    whole_course = counted == len(COURSE_NOTEBOOKS)
    line = f"Notebooks 00-12 in total: {_fmt(total)} s" + (
        "" if whole_course else f" ({counted} of {len(COURSE_NOTEBOOKS)} measured)"
    )
    print(line)
    if whole_course and not total <= BUDGETS["course_seconds"]:
        exceeded.append(
            f"notebooks 00-12: {total:.1f} s in total > {BUDGETS['course_seconds']:.0f} s"
        )
    return ["", line + "."]


def _dask_budget(exceeded: list[str]) -> list[str]:
    """course-grade --scheduler: two local Dask workers against --jobs 2; the README lines."""
    from course_utils.instructor.grading import dask_bench

    print("\nDask benchmark (two local Dask workers against --jobs 2):", flush=True)
    result = dask_bench.run_dask_bench()
    report = dask_bench.format_report(result)
    print(report, flush=True)
    if not result["within_budget"]:
        exceeded.append(
            f"grading on two Dask workers takes {result['dask_vs_jobs2']:.2f} times "
            f"--jobs 2 > {result['budget']['dask_vs_jobs2']}"
        )
    return ["## Grading on Dask", "", "```", report, "```", ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.instructor.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    parser.add_argument("--skip-readme", action="store_true")
    parser.add_argument(
        "--readme-only",
        action="store_true",
        help="only rewrite the README syllabus from the last benchmarks/notebooks.csv",
    )
    parser.add_argument("--skip-grading", action="store_true", help="skip the grading benchmark")
    args = parser.parse_args(argv)

    if args.readme_only:
        with open(args.out / "notebooks.csv", encoding="utf-8") as fh:
            rows = [
                {
                    **r,
                    "wall_seconds": float(r["wall_seconds"]),
                    "peak_memory_mib": float(r["peak_memory_mib"]),
                }
                for r in csv.DictReader(fh)
            ]
        _update_readme(syllabus_table(rows))
        return 0

    paths = args.notebooks or [
        p for d in NOTEBOOK_DIRS for p in sorted((ROOT / d).glob("*.ipynb"))
    ]
    rows, exceeded = [], []
    for path in paths:
        path = Path(path).resolve()
        row = measure_notebook(path)
        row["notebook"] = path.relative_to(ROOT).as_posix()
        rows.append(row)
        flag = ""
        if row.get("error"):
            flag = f"  ERROR: {row['error']}"
        print(
            f"{row['notebook']:55s} {_fmt(row['wall_seconds']):>7s} s "
            f"{_fmt(row['peak_memory_mib'], 0):>6s} MiB{flag}",
            flush=True,
        )
        if row["wall_seconds"] > BUDGETS["notebook_seconds"]:
            exceeded.append(
                f"{row['notebook']}: {row['wall_seconds']:.1f} s > "
                f"{BUDGETS['notebook_seconds']:.0f} s"
            )
        if row["peak_memory_mib"] > BUDGETS["notebook_memory_mib"]:
            exceeded.append(
                f"{row['notebook']}: {row['peak_memory_mib']:.0f} MiB > "
                f"{BUDGETS['notebook_memory_mib']:.0f} MiB"
            )

    course_md = _course_budget(rows, exceeded)

    imp = time_import()
    print(
        f"import course_utils: {imp['import_seconds']:.3f} s (median of 7), "
        f"TensorFlow imported: {imp['tensorflow_imported']}"
    )
    if imp["import_seconds"] > BUDGETS["import_seconds"]:
        exceeded.append(f"import course_utils: {imp['import_seconds']:.3f} s > 0.3 s")
    if imp["tensorflow_imported"]:
        exceeded.append("import course_utils imports TensorFlow")

    grading = None
    if not args.notebooks and not args.skip_grading:
        from course_utils.instructor.grade_bench import format_report, run_grading_bench

        print("\nGrading benchmark (course-grade on copies of an exercise solution):", flush=True)
        grading = run_grading_bench()
        print(format_report(grading), flush=True)
        budgets, within = grading["budgets"], grading["within_budget"]
        if not within["overhead_seconds"]:
            exceeded.append(
                f"grading overhead {grading['overhead_vs_alone_seconds']:.2f} s per submission "
                f"(over the notebook alone) > {budgets['overhead_seconds']} s"
            )
        if not within["jobs2_speedup"]:
            exceeded.append(
                f"grading --jobs 2 speed-up {grading['jobs2_speedup']:.2f}x < "
                f"{budgets['jobs2_speedup']}x"
            )

    dask_md = _dask_budget(exceeded) if grading is not None else []

    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "notebooks.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["notebook", "wall_seconds", "peak_memory_mib", "error"])
        writer.writeheader()
        writer.writerows(rows)
    md = [
        "# Benchmarks",
        "",
        "Written by `make bench`: each notebook executed in a fresh kernel.",
        "",
        "| Notebook | Wall (s) | Peak kernel memory (MiB) |",
        "|---|---:|---:|",
    ]
    md += [
        f"| {r['notebook']} | {_fmt(r['wall_seconds'])} | {_fmt(r['peak_memory_mib'], 0)} |"
        for r in rows
    ]
    md += course_md
    md += [
        "",
        f"`import course_utils`: {imp['import_seconds']:.3f} s (median of 7 fresh "
        f"interpreters); TensorFlow imported: {imp['tensorflow_imported']}.",
        "",
        "Budgets: " + ", ".join(f"{k} {v:g}" for k, v in BUDGETS.items()) + ".",
        "",
    ]
    if grading is not None:
        md += ["## Grading", "", "```", format_report(grading), "```", ""]
    md += dask_md
    md += ["Exceeded: " + ("none." if not exceeded else "")] + [f"- {e}" for e in exceeded]
    (args.out / "README.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    if not args.skip_readme and not args.notebooks:
        _update_readme(syllabus_table(rows))

    print("\nBudgets exceeded:" if exceeded else "\nAll budgets met.")
    for line in exceeded:
        print("  -", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
