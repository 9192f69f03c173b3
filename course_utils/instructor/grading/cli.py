"""Stage 9: the ``course-grade`` command line.

``course-grade SUBMISSIONS [options]`` grades a batch (docs/grading.md).
``course-grade collect ...`` and ``course-grade export ...`` hand over to the
cohort tools ``course_utils.instructor.grading.collect`` and ``...export``
when they are installed. Exit status: 0 when the batch completed (whatever
the scores), 1 when the grader itself failed on a submission, 2 for a usage
problem, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from course_utils.instructor.grading.reports import summary_table
from course_utils.instructor.grading.run import (
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    grade_submissions,
)
from course_utils.instructor.grading.runner import DEFAULT_MEMORY_LIMIT_MIB

__all__ = ["main", "SUBCOMMANDS"]

SUBCOMMANDS = ("collect", "export")


def _subcommand(name: str, argv: list[str]) -> int | None:
    """Run ``course-grade collect|export`` if that module exists (None when it does not)."""
    try:
        module = importlib.import_module(f"course_utils.instructor.grading.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"course_utils.instructor.grading.{name}":
            return None
        raise
    return int(module.main(argv) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course-grade",
        description="Grade learners' exercise notebooks against the solutions: restore the "
        "tests, run each notebook in a fresh sandboxed kernel and the tests outside it, "
        "write grades and feedback.",
        epilog="SUBMISSIONS holds one folder per learner with the learner's notebooks under "
        "their exercise file names, e.g. SUBMISSIONS/alice/ex04_lasso_from_scratch.ipynb. "
        "See docs/grading.md.",
    )
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    parser.add_argument(
        "--solutions",
        type=Path,
        default=Path("solutions"),
        help="folder of solution notebooks (default: solutions)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("grades"), help="output folder (default: grades)"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        help="notebooks graded in parallel, one kernel each (default: 1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"limit per cell in seconds (default: {DEFAULT_TIMEOUT})",
    )
    parser.add_argument(
        "--total-timeout",
        type=float,
        default=DEFAULT_TOTAL_TIMEOUT,
        help="limit per notebook in seconds, kernel start included "
        f"(default: {DEFAULT_TOTAL_TIMEOUT})",
    )
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=DEFAULT_MEMORY_LIMIT_MIB,
        help=f"memory limit per kernel in MiB (default: {DEFAULT_MEMORY_LIMIT_MIB})",
    )
    parser.add_argument(
        "--force", action="store_true", help="regrade submissions already graded and unchanged"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="EXERCISE",
        help="grade only this exercise (name or prefix like ex04; repeatable)",
    )
    parser.add_argument("--kernel", default=None, help="kernel name (default: the course kernel)")
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run kernels without the bubblewrap sandbox (only for trusted submissions)",
    )
    parser.add_argument(
        "--instructor-feedback",
        action="store_true",
        help="feedback pages show the messages and output of hidden tests (not for learners)",
    )
    parser.add_argument(
        "--roster",
        type=Path,
        metavar="ROSTER.csv",
        help="the class list: its learners without a folder are graded missing (docs/grading.md)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="grade on this Dask cluster instead of local workers (docs/grading.md)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    """The ``course-grade`` command. Returns 0, 1 when the grader itself failed, 2 on bad usage."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        code = _subcommand(argv[0], argv[1:])
        if code is not None:
            return code
    args = _parser().parse_args(argv)
    try:
        run = grade_submissions(
            args.submissions,
            solutions=args.solutions,
            out=args.out,
            jobs=args.jobs,
            timeout=args.timeout,
            total_timeout=args.total_timeout,
            force=args.force,
            only=args.only,
            kernel_name=args.kernel,
            memory_limit_mib=args.memory_limit,
            quiet=args.quiet,
            sandbox=False if args.no_sandbox else None,
            instructor_feedback=args.instructor_feedback,
            scheduler=args.scheduler,
            roster=args.roster,
        )
    except ValueError as exc:
        print(f"course-grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "\ncourse-grade: interrupted; run the same command again to resume.", file=sys.stderr
        )
        return 130
    for warning in run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not run.sandboxed:
        banner = (
            f"WARNING: NOT SANDBOXED ({run.sandbox_problem}): the learners' kernels ran "
            "without the operating-system sandbox, with your user's files and network; "
            "summary.csv says sandbox=no."
        )
        print(banner, file=sys.stderr)
        print(banner)
    print(summary_table(run.records))
    print(
        f"\n{run.graded} graded, {run.skipped} unchanged and skipped (use --force to "
        f"regrade). Results in {run.out}/grades.csv, {run.out}/summary.csv and "
        f"{run.out}/feedback/."
    )
    return 1 if run.grader_errors else 0


if __name__ == "__main__":
    sys.exit(main())
