"""Benchmark of ``course-grade --scheduler`` against ``--jobs 2`` (the Dask budget).

Budget: on the 2-core machine, two local Dask workers (one thread each) grade a
batch within 15% of the time ``--jobs 2`` takes. The benchmark starts a real
``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 (outside the
timed part: a cluster is started once for many batches), then times
interleaved rounds of the same batch graded both ways, and keeps the best of
each (what the machine does when other work leaves it alone)::

    python -m course_utils.instructor.grading.dask_bench [--exercise ex04] [--submissions 6]

It prints a table and one JSON line; it also gives the per-submission figures
that docs/grading.md uses to size a cluster (grading time per submission,
notebook execution time per submission, peak memory of a worker).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["DASK_BUDGET", "LocalCluster", "main", "run_dask_bench"]

ROOT = Path(__file__).resolve().parents[3]
DASK_BUDGET = {"dask_vs_jobs2": 1.15}
DEFAULT_EXERCISE = "ex04_lasso_from_scratch"


class LocalCluster:
    """A ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, as a context manager."""

    def __init__(self, workers: int = 2, threads: int = 1, folder: Path | None = None):
        self.workers, self.threads = workers, threads
        self.folder = Path(folder or tempfile.mkdtemp(prefix="course-grade-dask-bench-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen] = []
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{self.port}"

    def _spawn(self, args: list[str], name: str) -> None:
        dask = str(Path(sys.executable).with_name("dask"))
        with open(self.folder / f"{name}.log", "wb") as log:
            self.processes.append(
                subprocess.Popen(
                    [dask, *args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )

    def __enter__(self) -> LocalCluster:
        from distributed import Client

        host = ["--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"]
        self._spawn(["scheduler", *host], "scheduler")
        for n in range(self.workers):
            self._spawn(
                [
                    "worker",
                    self.address,
                    "--nthreads",
                    str(self.threads),
                    "--no-nanny",
                    "--no-dashboard",
                    "--local-directory",
                    str(self.folder / f"w{n}"),
                ],
                f"worker{n}",
            )
        client = Client(self.address, timeout=60)
        try:
            client.wait_for_workers(self.workers, timeout=120)
        finally:
            client.close()
        return self

    def __exit__(self, *exc) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _batch(solution: Path, solutions: Path, n: int, work: Path, **options) -> dict:
    from course_utils.instructor.grading.run import grade_submissions

    submissions = work / "submissions"
    if not submissions.exists():
        for index in range(n):
            learner = submissions / f"learner{index + 1:02d}"
            learner.mkdir(parents=True)
            shutil.copy2(solution, learner / solution.name)
    out = work / f"grades-{'dask' if options.get('scheduler') else 'local'}"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    run = grade_submissions(
        submissions, solutions=solutions, out=out, quiet=True, only=[solution.stem], **options
    )
    wall = time.perf_counter() - start
    return {
        "wall_seconds": round(wall, 2),
        "all_full_marks": all(
            r["status"] == "ok" and r["points"] == r["max_points"] for r in run.records
        ),
        "execute_seconds": [r.get("execute_seconds", 0.0) for r in run.records],
        "grading_seconds": [r.get("grading_seconds", 0.0) for r in run.records],
        "grades_csv": (out / "grades.csv").read_text(),
    }


def run_dask_bench(
    exercise: str = DEFAULT_EXERCISE,
    *,
    submissions: int = 6,
    repeats: int = 2,
    solutions: str | os.PathLike | None = None,
) -> dict:
    """Time ``--jobs 2`` and two one-thread Dask workers on the same batch, interleaved."""
    solutions = Path(solutions) if solutions else ROOT / "solutions"
    matches = sorted(
        p for p in solutions.glob("*.ipynb") if exercise in (p.stem, p.stem.split("_")[0])
    )
    if not matches:
        raise ValueError(f"No solution notebook named {exercise} in {solutions}.")
    solution = matches[0]
    local, remote = [], []
    with tempfile.TemporaryDirectory(prefix="course-grade-dask-bench-") as tmp:
        work = Path(tmp)
        with LocalCluster(workers=2, threads=1, folder=work) as cluster:
            # a warm-up batch each way: imports, kernel specs, the workers' first start
            _batch(solution, solutions, 2, work / "warm", jobs=2)
            _batch(solution, solutions, 2, work / "warm", scheduler=cluster.address)
            for _ in range(repeats):
                local.append(_batch(solution, solutions, submissions, work / "b", jobs=2))
                remote.append(
                    _batch(solution, solutions, submissions, work / "b", scheduler=cluster.address)
                )
    best_local = min(local, key=lambda b: b["wall_seconds"])
    best_remote = min(remote, key=lambda b: b["wall_seconds"])
    ratio = best_remote["wall_seconds"] / best_local["wall_seconds"]
    per_sub = best_remote["grading_seconds"]
    return {
        "exercise": solution.stem,
        "submissions": submissions,
        "repeats": repeats,
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "jobs2_wall_seconds": [b["wall_seconds"] for b in local],
        "dask_wall_seconds": [b["wall_seconds"] for b in remote],
        "dask_vs_jobs2": round(ratio, 3),
        "same_grades": all(b["grades_csv"] == local[0]["grades_csv"] for b in local + remote),
        "all_full_marks": all(b["all_full_marks"] for b in local + remote),
        "dask_grading_seconds_per_submission": round(sum(per_sub) / len(per_sub), 2),
        "dask_execute_seconds_per_submission": round(
            sum(best_remote["execute_seconds"]) / len(per_sub), 2
        ),
        "budget": dict(DASK_BUDGET),
        "within_budget": ratio <= DASK_BUDGET["dask_vs_jobs2"],
    }


def format_report(result: dict) -> str:
    """The benchmark as a short Markdown table."""
    return "\n".join(
        [
            f"Dask benchmark: {result['submissions']} copies of {result['exercise']}, best of "
            f"{result['repeats']} interleaved rounds ({result['cpu_count']} CPUs, load "
            f"average {result['load_average_1min']})",
            "",
            "| Measure | Value | Budget | |",
            "|---|---:|---:|---|",
            f"| --jobs 2, batch (s) | {min(result['jobs2_wall_seconds']):.2f} | | |",
            f"| 2 Dask workers, batch (s) | {min(result['dask_wall_seconds']):.2f} | | |",
            f"| Dask / --jobs 2 | {result['dask_vs_jobs2']:.3f} | "
            f"<= {result['budget']['dask_vs_jobs2']} | "
            f"{'ok' if result['within_budget'] else 'OVER'} |",
            f"| Grading per submission on a worker (s) | "
            f"{result['dask_grading_seconds_per_submission']:.2f} | | |",
            f"| Executing per submission (s) | "
            f"{result['dask_execute_seconds_per_submission']:.2f} | | |",
            f"| Same grades.csv both ways | {result['same_grades']} | | |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.instructor.grading.dask_bench",
        description="Time course-grade on two local Dask workers against --jobs 2.",
    )
    parser.add_argument("--exercise", default=DEFAULT_EXERCISE)
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--solutions", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        result = run_dask_bench(
            args.exercise,
            submissions=args.submissions,
            repeats=args.repeats,
            solutions=args.solutions,
        )
    except ValueError as exc:
        print(f"dask_bench: {exc}", file=sys.stderr)
        return 2
    print(format_report(result))
    print(json.dumps({k: v for k, v in result.items()}))
    return 0 if result["within_budget"] and result["same_grades"] else 1


if __name__ == "__main__":
    sys.exit(main())
