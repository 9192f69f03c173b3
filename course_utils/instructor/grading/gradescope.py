"""A Gradescope autograder bundle that runs ``course-grade`` unchanged.

::

    python -m course_utils.instructor.grading.gradescope build --out autograder.zip

writes a zip to upload as a Gradescope "programming assignment" autograder
(choose an Ubuntu 24.04 base image: the course needs Python 3.11 or newer):

* ``setup.sh`` installs Python's venv, bubblewrap and the course environment
  from the lock (``course/requirements-lock.txt``), then the package itself,
  and registers the course kernel, as ``make setup`` does;
* ``run_autograder`` grades the files in ``/autograder/submission`` (the
  learner's notebooks, in any subfolder) against ``solutions/`` with
  ``course-grade`` and writes ``/autograder/results/results.json``: one test
  per autograded test cell (``name``, ``score``, ``max_score``, ``output``,
  ``visibility``), the total ``score``, and the learner's feedback page as the
  top-level ``output``. Answers graded by hand are left to Gradescope's own
  manual grading and named in the output.

The learner-facing text is the feedback the grader writes for learners (no
hidden test code, no expected values of hidden tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["build_bundle", "main", "results_for", "run_autograder"]

ROOT = Path(__file__).resolve().parents[3]
LEARNER = "learner"
SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/venv
PY=/autograder/venv/bin/python
$PY -m pip install --quiet -r /autograder/source/course/requirements-lock.txt
$PY -m pip install --quiet --no-deps /autograder/source/course
$PY -m ipykernel install --sys-prefix --name regularization-course \\
    --display-name "Python 3 (regularization course)"
"""
RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes /autograder/results/results.json.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${COURSE_GRADE_PYTHON:-$ROOT/venv/bin/python}"
exec "$PYTHON" -m course_utils.instructor.grading.gradescope run --root "$ROOT"
"""
_PACKAGE_FILES = ("pyproject.toml", "README.md", "requirements-lock.txt", "LICENSE")


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_bundle(
    out: str | os.PathLike,
    *,
    solutions: str | os.PathLike | None = None,
    project: str | os.PathLike | None = None,
) -> list[str]:
    """Write the autograder zip to ``out``; return the names it holds."""
    solutions = Path(solutions) if solutions else ROOT / "solutions"
    project = Path(project) if project else ROOT
    notebooks = sorted(solutions.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"No solution notebooks in {solutions}.")
    with zipfile.ZipFile(out, "w") as archive:
        _add(archive, "setup.sh", SETUP_SH.encode(), executable=True)
        _add(archive, "run_autograder", RUN_AUTOGRADER.encode(), executable=True)
        for path in sorted(solutions.rglob("*")):
            relative = path.relative_to(solutions)
            if path.is_symlink() or not path.is_file():
                continue
            if any(p.startswith(".") or p == "__pycache__" for p in relative.parts):
                continue
            _add(archive, f"solutions/{relative.as_posix()}", path.read_bytes())
        for name in _PACKAGE_FILES:
            if (project / name).is_file():
                _add(archive, f"course/{name}", (project / name).read_bytes())
        for path in sorted((project / "course_utils").rglob("*.py")):
            name = path.relative_to(project).as_posix()
            if "__pycache__" not in name:
                _add(archive, f"course/{name}", path.read_bytes())
        names = archive.namelist()
    return names


def _copy_submission(source: Path, target: Path) -> list[str]:
    """The learner's notebooks (regular files, any subfolder, links not followed)."""
    notes = []
    target.mkdir(parents=True)
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.suffix.lower() != ".ipynb":
            continue
        if any(p.startswith(".") for p in path.relative_to(source).parts):
            continue
        destination = target / path.name
        if destination.exists():
            notes.append(f"Two files named {path.name}; only the first was graded.")
            continue
        shutil.copyfile(path, destination, follow_symlinks=False)
    return notes


def results_for(records: list[dict], feedback: str, notes: list[str]) -> dict:
    """Gradescope's results.json from the grader's records for one learner."""
    tests, manual = [], []
    for record in sorted(records, key=lambda r: r["exercise"]):
        for row in record["rows"]:
            if row["status"] == "manual":
                manual.append(f"{record['exercise']}: {row['grade_id']}")
                continue
            if not row["grade_id"]:  # a file named after no exercise
                notes.append(row["message"])
                continue
            tests.append(
                {
                    "name": f"{record['exercise']}: {row['grade_id']}",
                    "score": float(row["points"] or 0.0),
                    "max_score": float(row["max_points"]),
                    "output": row["status"],
                    "visibility": "visible",
                }
            )
    if manual:
        notes.append("Graded by hand in Gradescope: " + ", ".join(manual) + ".")
    output = "\n\n".join([*notes, feedback]).strip()
    return {
        "score": round(sum(t["score"] for t in tests), 6),
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def run_autograder(root: str | os.PathLike = "/autograder") -> dict:
    """Grade ``root/submission`` with ``root/source/solutions``; write ``results/results.json``."""
    from course_utils.instructor.grading.run import grade_submissions

    root = Path(root)
    solutions = root / "source" / "solutions"
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-grade-gradescope-") as tmp:
        submissions = Path(tmp) / "submissions"
        notes = _copy_submission(root / "submission", submissions / LEARNER)
        run = grade_submissions(
            submissions, solutions=solutions, out=Path(tmp) / "out", quiet=True
        )
        pages = sorted((Path(tmp) / "out" / "feedback" / LEARNER).glob("*.md"))
        feedback = "\n\n".join(page.read_text(encoding="utf-8") for page in pages)
        if not run.sandboxed:
            notes.append(f"Not sandboxed ({run.sandbox_problem}).")
        results = results_for(run.records, feedback, notes)
    text = json.dumps(results, indent=1)
    (results_dir / "results.json").write_text(text, encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.instructor.grading.gradescope",
        description="Build a Gradescope autograder bundle, or run it (inside Gradescope).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="write the autograder zip")
    build.add_argument("--out", type=Path, default=Path("autograder.zip"))
    build.add_argument("--solutions", type=Path, default=None)
    run = commands.add_parser("run", help="grade /autograder/submission (run_autograder)")
    run.add_argument("--root", type=Path, default=Path("/autograder"))
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            names = build_bundle(args.out, solutions=args.solutions)
            print(
                f"{args.out}: {len(names)} files (setup.sh, run_autograder, solutions/, course/)."
            )
        else:
            results = run_autograder(args.root)
            print(f"{len(results['tests'])} tests, score {results['score']:g}.")
    except ValueError as exc:
        print(f"gradescope: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
