"""Stage 8: the batch. Every learner crossed with every exercise, graded, resumed, tabled.

:func:`grade_submissions` reads the solutions, discovers the submissions,
reuses authenticated records of unchanged submissions, hands the rest to
``jobs`` grading workers (:mod:`.workers`), writes each result (feedback,
then its record) as soon as it comes, and always ends with both tables, also
after an error in one submission or Ctrl-C.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from course_utils.instructor.grading import reports, state
from course_utils.instructor.grading.runner import DEFAULT_MEMORY_LIMIT_MIB
from course_utils.instructor.grading.sandbox import sandbox_available
from course_utils.instructor.grading.scoring import unreadable_result
from course_utils.instructor.grading.solutions import Exercise, load_exercises
from course_utils.instructor.grading.submissions import Item, discover, read_bytes, read_submission
from course_utils.instructor.grading.workers import Worker, thread_limits

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "GRADER_VERSION",
    "GradeRun",
    "grade_submissions",
    "item_key",
]

GRADER_VERSION = "2"
DEFAULT_TIMEOUT = 60  # seconds per cell
DEFAULT_TOTAL_TIMEOUT = 300  # seconds per notebook, kernel start included
TABLES_EVERY_SECONDS = 10


@dataclass
class GradeRun:
    """What :func:`grade_submissions` did."""

    records: list[dict]
    graded: int
    skipped: int
    out: Path
    warnings: list[str]
    sandboxed: bool = True
    sandbox_problem: str = ""

    @property
    def grader_errors(self) -> int:
        return sum(r["status"] == "grader-error" for r in self.records)


def item_key(item: Item, exercise: Exercise, settings: dict) -> str:
    """What a stored result depends on: submission, solution, limits, grader version."""
    item.solution_digest = exercise.digest
    blob = json.dumps(
        {
            "submission": item.submission.digest if item.submission else "",
            "solution": exercise.digest,
            "grader": GRADER_VERSION,
            **settings,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _feedback_base(out: Path, learner: str, exercise: str) -> Path:
    return out / "feedback" / learner / exercise


def _finish(item: Item, result: dict, out: Path, key: bytes, *, write_state: bool) -> dict:
    record = {
        "learner": item.shown,
        "exercise": item.exercise,
        "key": item.key,
        "submission_digest": item.submission.digest if item.submission else "",
        "solution_digest": item.solution_digest,
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **result,
    }
    started = time.perf_counter()
    base = _feedback_base(out, item.learner, item.exercise)
    try:
        reports.atomic_write(base.with_suffix(".md"), reports.feedback_markdown(record))
        reports.atomic_write(base.with_suffix(".html"), reports.feedback_html(record))
        if "grading_seconds" in record:  # the time spent writing counts as grading time
            record["grading_seconds"] = round(
                record["grading_seconds"] + time.perf_counter() - started, 3
            )
        if write_state:  # last: a record only exists once its feedback does
            path = state.state_path(out, item.learner, item.exercise)
            reports.atomic_write(
                path, state.seal(key, state.identity(item.learner, item.exercise), record)
            )
    except (OSError, ValueError) as exc:
        record["status"] = "write-error"
        detail = getattr(exc, "strerror", None) or type(exc).__name__
        record["message"] = (
            f"The feedback could not be written ({detail}); the score stands, the "
            "submission will be graded again next time."
        )
    return record


def _load_state(out: Path, key: bytes, item: Item, *, same_limits: bool = True) -> dict | None:
    """The stored result of ``item`` if it is authentic and still valid, else None."""
    record = state.load_record(key, out, item.learner, item.exercise)
    if record is None or item.submission is None:
        return None
    base = _feedback_base(out, item.learner, item.exercise)
    same = record.get("key") == item.key or (
        not same_limits
        and record.get("submission_digest") == item.submission.digest
        and record.get("solution_digest") == item.solution_digest
    )
    if (
        not same
        or not base.with_suffix(".md").is_file()
        or not base.with_suffix(".html").is_file()
    ):
        return None
    return record


def _select(exercises: dict[str, Exercise], only: list[str] | None) -> list[str]:
    if not only:
        return list(exercises)
    selected: list[str] = []
    for name in only:
        stem = Path(name).stem
        matches = [e for e in exercises if e == stem or e.split("_")[0] == stem]
        if not matches:
            raise ValueError(
                f"--only {name}: no such exercise; the solutions are " + ", ".join(exercises) + "."
            )
        selected += [m for m in matches if m not in selected]
    return selected


def _missing_message(item: Item, submissions: Path) -> str:
    text = (
        f"No {item.exercise}.ipynb was handed in (expected "
        f"{submissions.name}/{item.shown}/{item.exercise}.ipynb)."
    )
    if item.misnamed:
        text += f" {item.misnamed} looks like it: rename it and grade again."
    return text


def grade_submissions(
    submissions: str | os.PathLike,
    *,
    solutions: str | os.PathLike = "solutions",
    out: str | os.PathLike = "grades",
    jobs: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
    force: bool = False,
    only: list[str] | None = None,
    kernel_name: str | None = None,
    memory_limit_mib: float = DEFAULT_MEMORY_LIMIT_MIB,
    quiet: bool = False,
    sandbox: bool | None = None,
    instructor_feedback: bool = False,
    scheduler: str | None = None,
    roster: str | os.PathLike | None = None,
) -> GradeRun:
    """Grade every learner folder of ``submissions``; write the CSVs and feedback to ``out``.

    ``sandbox`` None runs kernels in bubblewrap when it can run here, False never.
    ``scheduler`` (``tcp://HOST:PORT``) grades on that Dask cluster instead of
    local workers (:mod:`.dask_engine`); the results are written the same way.
    ``roster`` (a CSV, :mod:`.roster`): its learners without a folder are
    ``missing``, folders not on it are named in a warning.
    Raises ``ValueError`` for a problem with the command itself (no such
    folder, no solutions, an unknown ``--only`` name); problems with single
    submissions never raise, they become rows.
    """
    submissions, solutions, out = Path(submissions), Path(solutions), Path(out)
    if not submissions.is_dir():
        raise ValueError(f"The submissions folder {submissions} does not exist.")
    if not solutions.is_dir():
        raise ValueError(f"The solutions folder {solutions} does not exist.")
    if jobs < 1:
        raise ValueError("--jobs must be at least 1.")
    if timeout <= 0 or total_timeout <= 0:
        raise ValueError("The time limits must be positive numbers of seconds.")
    exercises = load_exercises(solutions)
    if not exercises:
        raise ValueError(f"The solutions folder {solutions} holds no notebooks.")
    selected = _select(exercises, only)
    sandboxed, problem = (False, "--no-sandbox") if sandbox is False else sandbox_available()
    items, warnings = discover(
        submissions,
        list(exercises),
        list(exercises),
        out,
        lambda message: unreadable_result(None, "unknown-exercise", message),
    )
    if roster is not None:
        from course_utils.instructor.grading.roster import apply_roster, read_roster

        items, more = apply_roster(items, read_roster(roster), list(exercises))
        warnings += more
    settings = {
        "timeout": timeout,
        "total_timeout": total_timeout,
        "memory_limit_mib": memory_limit_mib,
        "kernel": kernel_name or "",
        "sandbox": sandboxed,
        "instructor_feedback": instructor_feedback,
    }
    key = state.load_key()
    records: dict[tuple[str, str], dict] = {}
    immediate: list[Item] = []  # rows without execution: unknown, missing, unreadable
    to_run: list[Item] = []
    skipped = 0
    for item in items:
        exercise = exercises.get(item.exercise)
        if exercise is None:  # a file named after no exercise
            if not only:
                immediate.append(item)
            continue
        if item.path is None:
            item.record = unreadable_result(
                exercise, "missing", _missing_message(item, submissions)
            )
        else:
            item.submission = read_submission(item.path)
            if item.submission.status != "ok":
                item.record = unreadable_result(
                    exercise, item.submission.status, item.submission.message
                )
            item.submission.notebook = None  # read again by the worker's job
        item.key = item_key(item, exercise, settings)
        if item.exercise not in selected:
            # Not graded in this run; its result still counts if it is up to date.
            if item.record is None:
                cached = _load_state(out, key, item, same_limits=False)
                if cached is not None:
                    records[(item.learner, item.exercise)] = cached
            continue
        if item.record is not None:
            immediate.append(item)
            continue
        cached = None if force else _load_state(out, key, item)
        if cached is not None:
            records[(item.learner, item.exercise)] = cached
            skipped += 1
            continue
        to_run.append(item)

    progress = reports.Progress(len(immediate) + len(to_run), quiet=quiet)
    for item in immediate:
        record = _finish(item, {**(item.record or {}), "sandbox": ""}, out, key, write_state=False)
        records[(item.learner, item.exercise)] = record
        progress.update(f"{item.shown}/{item.exercise}", reports.verdict(record))
    reports.write_tables(out, records)

    job_settings = {
        "limits": {
            "timeout": timeout,
            "total_timeout": total_timeout,
            "memory_limit_mib": memory_limit_mib,
        },
        "kernel": kernel_name,
        "env": thread_limits(jobs),
        "sandboxed": sandboxed,
        "instructor": instructor_feedback,
    }
    try:
        if to_run and scheduler:
            from course_utils.instructor.grading.dask_engine import grade_on_dask

            def written(item: Item, result: dict) -> None:
                record = _finish(
                    item, result, out, key, write_state=result["status"] != "grader-error"
                )
                records[(item.learner, item.exercise)] = record
                progress.update(f"{item.shown}/{item.exercise}", reports.verdict(record))

            grade_on_dask(
                scheduler,
                to_run,
                exercises,
                solutions=solutions,
                job_settings=job_settings,
                on_result=written,
            )
        elif to_run:
            _grade_all(
                to_run,
                exercises,
                records,
                progress,
                out=out,
                key=key,
                jobs=jobs,
                solutions=solutions,
                job_settings=job_settings,
                total_timeout=total_timeout,
            )
    finally:
        reports.write_tables(out, records)
    ordered = [records[k] for k in sorted(records)]
    return GradeRun(ordered, len(to_run), skipped, out, warnings, sandboxed, problem)


def _job_for(item: Item, exercise: Exercise, settings: dict, data_dir: str, tmp_root: str) -> dict:
    raw, status, message = read_bytes(item.path) if item.path else (None, "missing", "")
    if raw is None or item.submission is None:
        raise OSError(message or "the file could not be read again")
    if hashlib.sha256(raw).hexdigest() != item.submission.digest:
        raise OSError("the file changed while the batch ran")
    return {
        "submission": base64.b64encode(raw).decode("ascii"),
        "solution": base64.b64encode(exercise.path.read_bytes()).decode("ascii"),
        "solution_path": str(exercise.path),
        "data_dir": data_dir,
        "tmp_root": tmp_root,
        **settings,
    }


def _grade_all(
    to_run: list[Item],
    exercises: dict[str, Exercise],
    records: dict,
    progress: reports.Progress,
    *,
    out: Path,
    key: bytes,
    jobs: int,
    solutions: Path,
    job_settings: dict,
    total_timeout: float,
) -> None:
    log_dir = out / ".state"
    log_dir.mkdir(parents=True, exist_ok=True)
    for old_log in log_dir.glob("worker-*.log"):
        old_log.unlink()
    # Every temporary folder of this run lives under one folder that the run deletes
    # at the end, even when a worker was killed before cleaning up after itself.
    run_tmp = tempfile.mkdtemp(prefix="course-grade-run-")
    pending: queue.Queue = queue.Queue()
    for item in to_run:
        pending.put(item)
    done: queue.Queue = queue.Queue()
    # The trusted side (each worker) shares the CPUs like the kernels do.
    workers = [
        Worker(log_dir / f"worker-{n}.log", env=job_settings["env"])
        for n in range(min(jobs, len(to_run)))
    ]
    stop = threading.Event()
    sandbox_word = "yes" if job_settings["sandboxed"] else "no"

    def drive(worker: Worker) -> None:
        try:
            try:
                worker.start()  # start early; run() retries and reports a failure
            except OSError:
                pass
            while not stop.is_set():
                try:
                    item = pending.get_nowait()
                except queue.Empty:
                    return
                exercise = exercises[item.exercise]
                started = time.perf_counter()
                try:
                    job = _job_for(item, exercise, job_settings, str(solutions), run_tmp)
                    result = worker.run(job, total_timeout)
                    if result.get("worker_failed") or "rows" not in result:
                        result = unreadable_result(
                            exercise, "grader-error", str(result.get("message", ""))[:400]
                        )
                except OSError as exc:
                    result = unreadable_result(
                        exercise, "invalid-notebook", f"The file cannot be read: {exc}."
                    )
                except Exception as exc:  # noqa: BLE001 - a bug in the grader
                    result = unreadable_result(
                        exercise, "grader-error", f"{type(exc).__name__}: {exc}"
                    )
                result["sandbox"] = sandbox_word
                result["grading_seconds"] = round(time.perf_counter() - started, 3)
                done.put((item, result))
        finally:
            worker.close()

    threads = [threading.Thread(target=drive, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    try:
        last_tables = time.monotonic()
        for _ in range(len(to_run)):
            item, result = done.get()
            record = _finish(
                item, result, out, key, write_state=result["status"] != "grader-error"
            )
            records[(item.learner, item.exercise)] = record
            progress.update(f"{item.shown}/{item.exercise}", reports.verdict(record))
            if time.monotonic() - last_tables > TABLES_EVERY_SECONDS:
                # Tables so far: even a run that is killed leaves both tables behind.
                reports.write_tables(out, records)
                last_tables = time.monotonic()
        for thread in threads:
            thread.join()
    except BaseException:  # Ctrl-C or a failure to write: stop the workers, keep results
        stop.set()
        for worker in workers:
            worker.kill()
        raise
    finally:
        shutil.rmtree(run_tmp, ignore_errors=True)
