"""Grading on a Dask ``distributed`` cluster: ``course-grade ... --scheduler tcp://HOST:PORT``.

Dask's scheduler and workers are the engine; this module only hands them the
work and takes the results back:

* each submission is one task. The task carries what it needs as plain bytes
  (the submission, and a reference to the exercise's bundle: the solution
  notebook and its data files, one task of its own fetched by each worker); the
  worker runs the same function a local run runs, in the same sandbox, and
  returns the result as plain data (a dict of numbers and strings);
* the client writes each result as a local run does, as soon as it arrives;
* a task's key is derived from the learner, the exercise and the content hash
  of the submission, so the same work is never queued twice; a worker that
  dies is replaced by Dask (the scheduler gives its tasks to another worker,
  up to ``distributed.scheduler.allowed-failures`` times), and the client
  takes each key's result exactly once, whatever ran twice on the workers;
* at most a few tasks per worker thread are in flight, so that neither the
  client nor the scheduler holds a whole cohort's submissions in memory;
* resuming works as locally: the records the client wrote are the state; a
  run that stops (Ctrl-C, a lost scheduler) grades only the rest next time.

The workers need the course environment (``pip install -r requirements-lock.txt``
and the package) and, for the sandbox, bubblewrap; see docs/grading.md for
starting them by hand, on Slurm (dask-jobqueue) and on Kubernetes
(dask-kubernetes).
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = [
    "DaskUnavailable",
    "Task",
    "TaskFailed",
    "exercise_bundle",
    "grade_on_dask",
    "grade_task",
    "run_tasks",
    "task_key",
]

IN_FLIGHT_PER_THREAD = 2
CANCELLED_RETRIES = 3  # a task cancelled by the cluster (lost data) is submitted again
CONNECT_TIMEOUT_S = 30


class DaskUnavailable(ValueError):
    """Dask's ``distributed`` package is missing or the scheduler cannot be reached."""


@dataclass(frozen=True)
class Task:
    """One unit of work: ``func(payload, shared[shared_key])`` on a worker."""

    key: str
    payload: Any
    shared_key: str | None = None


@dataclass(frozen=True)
class TaskFailed:
    """A task whose function raised on every try, or that killed its workers."""

    kind: str
    message: str


def _shared(value: Any) -> Any:
    """A task whose result is ``value``: data the scheduler can compute again if lost."""
    return value


def task_key(*parts: str) -> str:
    """A Dask key for a unit of work: stable for the same parts, different otherwise.

    >>> task_key("ana", "ex04", "abc") == task_key("ana", "ex04", "abc")
    True
    >>> task_key("ana", "ex04", "abc") == task_key("ben", "ex04", "abc")
    False
    """
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"course-grade-{digest[:40]}"


def _client(address: str, timeout_s: float = CONNECT_TIMEOUT_S):
    try:
        from distributed import Client
    except ImportError as exc:  # the instructor extra is not installed
        raise DaskUnavailable(
            "--scheduler needs Dask's distributed package: pip install 'course_utils[instructor]'."
        ) from exc
    try:
        return Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskUnavailable(f"No Dask scheduler answers at {address}: {exc}") from None


def _threads(client) -> int:
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def run_tasks(
    address: str,
    func: Callable[[Any, Any], Any],
    tasks: Iterable[Task],
    *,
    shared: dict[str, Any] | None = None,
    retries: int = 2,
    wait_for_workers: int = 1,
    wait_timeout_s: float = 120.0,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
) -> Iterator[tuple[str, Any]]:
    """Run ``func`` for every task on the cluster at ``address``; yield ``(key, result)``.

    Each key is yielded exactly once, in completion order; a task that failed
    every try yields a :class:`TaskFailed` as its result. ``shared`` values
    (large, common to many tasks) are sent to the workers once. Stopping the
    iteration (or Ctrl-C) cancels what is still queued.
    """
    from distributed import as_completed

    client = _client(address, connect_timeout_s)
    try:
        if wait_for_workers:
            try:
                client.wait_for_workers(wait_for_workers, timeout=wait_timeout_s)
            except TimeoutError:
                raise DaskUnavailable(
                    f"The Dask scheduler at {address} has no worker after {wait_timeout_s:g} s."
                ) from None
        # Shared values are tasks of their own, not scattered data: the scheduler holds
        # them in the task's definition, so when the worker holding one dies it computes
        # it again elsewhere (scattered data lost with a worker cancels its dependents).
        refs = {
            name: client.submit(_shared, value, key=f"course-grade-shared-{uuid.uuid4().hex}")
            for name, value in (shared or {}).items()
        }
        pending = iter(tasks)
        seen: set[str] = set()
        in_flight: dict[Any, Task] = {}
        tries: dict[str, int] = {}
        queue = as_completed([], loop=client.loop, with_results=False)

        def submit(task: Task) -> None:
            ref = refs[task.shared_key] if task.shared_key else None
            future = client.submit(
                func, task.payload, ref, key=task.key, retries=retries, pure=False
            )
            in_flight[future] = task
            queue.add(future)

        def top_up() -> None:
            limit = IN_FLIGHT_PER_THREAD * _threads(client)
            while len(in_flight) < limit:
                task = next(pending, None)
                if task is None:
                    return
                if task.key in seen:  # the same work twice in one run: graded once
                    continue
                seen.add(task.key)
                submit(task)

        top_up()
        while in_flight:
            future = next(queue)
            task = in_flight.pop(future)
            if future.status == "cancelled" and tries.get(task.key, 0) < CANCELLED_RETRIES:
                tries[task.key] = tries.get(task.key, 0) + 1
                future.release()
                submit(task)  # the same key again: still one result for it
                continue
            if future.status == "finished":
                result = future.result()
            elif future.status == "cancelled":
                result = TaskFailed("cancelled", "the cluster cancelled the task")
            else:
                exc = future.exception()
                result = TaskFailed(type(exc).__name__, str(exc)[:400])
            future.release()
            yield task.key, result
            top_up()
    finally:
        client.close()


# --------------------------------------------------------------------------- grading on Dask

MAX_BUNDLE_BYTES = 256 * 2**20  # the solutions' data files sent to every worker
_LOCAL = threading.local()  # on a Dask worker: one grading worker process per thread
_MATERIALISED: dict[str, Path] = {}
_MATERIALISE_LOCK = threading.Lock()
_WORKER_TMP: list[Path] = []


def exercise_bundle(solutions: Path, exercise_path: Path) -> dict:
    """What a Dask worker needs for one exercise: its solution notebook and the data files.

    The data files are the solutions folder without notebooks and hidden files, as a
    local run copies them; symbolic links are not followed.
    """
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(solutions.rglob("*")):
        relative = path.relative_to(solutions)
        if any(p.startswith(".") or p == "__pycache__" for p in relative.parts):
            continue
        if path.is_symlink() or not path.is_file() or path.suffix == ".ipynb":
            continue
        total += path.stat().st_size
        if total > MAX_BUNDLE_BYTES:
            raise ValueError(
                f"The data files in {solutions} pass {MAX_BUNDLE_BYTES // 2**20} MiB: too much "
                "to send to every Dask worker; put large data where the workers can read it."
            )
        files[relative.as_posix()] = path.read_bytes()
    solution = exercise_path.read_bytes()
    digest = hashlib.sha256(solution)
    for name, data in files.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return {
        "filename": exercise_path.name,
        "solution": base64.b64encode(solution).decode("ascii"),
        "files": files,
        "digest": digest.hexdigest(),
    }


def _worker_tmp() -> Path:
    if not _WORKER_TMP:
        folder = Path(tempfile.mkdtemp(prefix="course-grade-dask-"))
        atexit.register(shutil.rmtree, folder, True)
        _WORKER_TMP.append(folder)
    return _WORKER_TMP[0]


def _materialise(bundle: dict) -> Path:
    """The bundle's files in a folder of this worker process, written once per digest."""
    with _MATERIALISE_LOCK:
        folder = _MATERIALISED.get(bundle["digest"])
        if folder is not None and folder.is_dir():
            return folder
        folder = _worker_tmp() / f"solution-{bundle['digest'][:16]}"
        data = folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        for name, content in bundle["files"].items():
            target = data.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        (folder / bundle["filename"]).write_bytes(base64.b64decode(bundle["solution"]))
        _MATERIALISED[bundle["digest"]] = folder
        return folder


def _sandbox_here(wanted: bool) -> bool:
    if not wanted:
        return False
    cached = getattr(_LOCAL, "sandbox", None)
    if cached is None:
        from course_utils.instructor.grading.sandbox import sandbox_available

        cached = _LOCAL.sandbox = sandbox_available()[0]
    return cached


def _threads_here() -> int:
    try:
        from distributed import get_worker

        return int(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return 1


def grade_task(job: dict, bundle: dict) -> dict:
    """Runs on a Dask worker: one submission through a local grading worker process.

    The same code path as a local run (:class:`~.workers.Worker`, the sandbox,
    the limits); the result is plain data, with ``sandbox`` saying whether this
    worker could sandbox the kernel.
    """
    from course_utils.instructor.grading.workers import Worker, thread_limits

    folder = _materialise(bundle)
    sandboxed = _sandbox_here(bool(job.get("sandboxed")))
    job = {
        **job,
        "solution": bundle["solution"],
        "solution_path": str(folder / bundle["filename"]),
        "data_dir": str(folder / "data"),
        "tmp_root": str(_worker_tmp()),
        "sandboxed": sandboxed,
        "env": thread_limits(_threads_here()),
    }
    started = time.perf_counter()
    worker = getattr(_LOCAL, "worker", None)
    if worker is None:
        worker = _LOCAL.worker = Worker(_worker_tmp() / f"worker-{threading.get_ident()}.log")
        atexit.register(worker.kill)
    result = worker.run(job, float(job["limits"]["total_timeout"]))
    result["sandbox"] = "yes" if sandboxed else "no"
    result["grading_seconds"] = round(time.perf_counter() - started, 3)
    return result


def grade_on_dask(
    address: str,
    to_run: list,
    exercises: dict,
    *,
    solutions: Path,
    job_settings: dict,
    on_result: Callable[[Any, dict], None],
) -> None:
    """Grade the items ``to_run`` on the cluster; call ``on_result(item, result)`` once each.

    The client side of ``course-grade --scheduler``: the run writes each result
    as it writes a local one. A submission whose file changed or vanished since
    it was read, or whose task failed on every try, gets a row as locally.
    """
    from course_utils.instructor.grading.run import _job_for
    from course_utils.instructor.grading.scoring import unreadable_result

    shared = {}
    for name in {item.exercise for item in to_run}:
        shared[name] = exercise_bundle(solutions, exercises[name].path)
    by_key: dict[str, Any] = {}
    tasks: list[Task] = []
    settings = {k: v for k, v in job_settings.items() if k != "env"}
    for item in to_run:
        exercise = exercises[item.exercise]
        try:
            job = _job_for(item, exercise, settings, "", "")
        except OSError as exc:
            message = f"The file cannot be read: {exc}."
            on_result(item, unreadable_result(exercise, "invalid-notebook", message))
            continue
        for name in ("solution", "solution_path", "data_dir", "tmp_root"):
            job.pop(name, None)  # the worker fills these in from the shared bundle
        key = task_key(item.learner, item.exercise, item.key)
        by_key[key] = item
        tasks.append(Task(key, job, item.exercise))
    for key, result in run_tasks(address, grade_task, tasks, shared=shared):
        item = by_key.pop(key)
        exercise = exercises[item.exercise]
        if isinstance(result, TaskFailed):
            result = unreadable_result(
                exercise,
                "grader-error",
                f"The Dask task failed on every try ({result.kind}: {result.message}).",
            )
        elif result.get("worker_failed") or "rows" not in result:
            sandbox = result.get("sandbox", "")
            result = unreadable_result(
                exercise, "grader-error", str(result.get("message", ""))[:400]
            )
            result["sandbox"] = sandbox
        on_result(item, result)
