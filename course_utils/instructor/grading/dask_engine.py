"""Grading on a Dask ``distributed`` cluster: ``course-grade ... --scheduler tcp://HOST:PORT``.

Dask's scheduler and workers are the engine; this module only hands them the
work and takes the results back:

* each submission is one task. The task carries what it needs as plain bytes
  (the submission, and a reference to the exercise's bundle: the solution
  notebook and its data files, sent to the workers once with ``scatter``); the
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

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["DaskUnavailable", "Task", "TaskFailed", "run_tasks", "task_key"]

IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT_S = 30


class DaskUnavailable(RuntimeError):
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
        scattered = {}
        for name, value in (shared or {}).items():
            scattered[name] = client.scatter(value, broadcast=True, hash=False)
        pending = iter(tasks)
        seen: set[str] = set()
        in_flight: dict[Any, str] = {}
        queue = as_completed([], loop=client.loop, with_results=False)

        def top_up() -> None:
            limit = IN_FLIGHT_PER_THREAD * _threads(client)
            while len(in_flight) < limit:
                task = next(pending, None)
                if task is None:
                    return
                if task.key in seen:  # the same work twice in one run: graded once
                    continue
                seen.add(task.key)
                ref = scattered[task.shared_key] if task.shared_key else None
                future = client.submit(
                    func, task.payload, ref, key=task.key, retries=retries, pure=False
                )
                in_flight[future] = task.key
                queue.add(future)

        top_up()
        while in_flight:
            future = next(queue)
            key = in_flight.pop(future)
            if future.status == "finished":
                result = future.result()
            elif future.status == "cancelled":
                result = TaskFailed("cancelled", "the cluster cancelled the task")
            else:
                exc = future.exception()
                result = TaskFailed(type(exc).__name__, str(exc)[:400])
            future.release()
            yield key, result
            top_up()
    finally:
        client.close()
