"""Grading workers: one long-lived process per parallel job, restarted when it dies or hangs.

A worker reads one JSON job per line and answers one JSON result per line,
on private copies of its standard input and output; file descriptors 0, 1
and 2, which kernels would inherit, point to the null device. Each job is a
call of :func:`course_utils.instructor.grading.single.grade_bytes`. The worker
is the trusted side of grading (it runs the solutions' tests) and never runs
learner code: the learner's kernel is a sandboxed child process. The parent
kills a worker that stays silent past the total limit of a notebook.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["Worker", "worker_main", "thread_limits", "WORKER_GRACE_SECONDS"]

WORKER_GRACE_SECONDS = 60  # the parent kills a worker silent this long after the total limit


def thread_limits(jobs: int) -> dict[str, str]:
    """Environment that shares the CPUs between ``jobs`` parallel kernels (BLAS, OpenMP).

    Empty for one job. TensorFlow's own thread pools are left alone: their size
    can change the last digits of a training run.
    """
    if jobs <= 1:
        return {}
    threads = str(max(1, (os.cpu_count() or 1) // jobs))
    return {
        name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }


def _become_subreaper() -> None:
    """On Linux, adopt the orphans of unsandboxed kernels, so that the clean-up after each
    notebook also kills processes a submission started and left behind."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def failure(message: str) -> dict:
    """The result of a job the worker could not do (the parent turns it into a row)."""
    return {"status": "grader-error", "message": message, "worker_failed": True}


def _run_job(job: dict, default_kernel: str) -> dict:
    from course_utils.instructor.grading.single import grade_bytes

    return grade_bytes(
        base64.b64decode(job["submission"]),
        base64.b64decode(job["solution"]),
        job["solution_path"],
        data_dir=job.get("data_dir"),
        limits=job["limits"],
        kernel_name=job.get("kernel") or default_kernel,
        env=job.get("env"),
        sandboxed=bool(job.get("sandboxed")),
        tmp_root=job.get("tmp_root"),
        instructor=bool(job.get("instructor")),
    )


def worker_main() -> None:
    """The worker's main loop (``python -c "...; worker_main()"``)."""
    proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    log = os.dup(2)
    os.dup2(null, 2)
    sys.stderr = os.fdopen(log, "w", encoding="utf-8", buffering=1)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    os.environ.setdefault("MPLBACKEND", "Agg")
    _become_subreaper()
    import jupyter_client  # noqa: F401  (import once, before the first job)
    import numpy  # noqa: F401
    import psutil  # noqa: F401

    from course_utils.instructor.execute import course_kernel_name
    from course_utils.instructor.grading import single  # noqa: F401

    default_kernel = course_kernel_name()
    proto_out.write(json.dumps({"ready": True}) + "\n")
    proto_out.flush()
    for line in proto_in:
        if not line.strip():
            continue
        try:
            result = _run_job(json.loads(line), default_kernel)
        except Exception as exc:  # noqa: BLE001 - a bug in the grader, reported per job
            result = failure(f"{type(exc).__name__}: {exc}")
        proto_out.write(json.dumps(result) + "\n")
        proto_out.flush()


class Worker:
    """One grading worker process, restarted when it dies or hangs."""

    def __init__(self, log_path: Path | None, env: dict[str, str] | None = None):
        self.log_path = log_path
        self.env = env  # added to the worker's environment (the BLAS thread limits)
        self.proc: subprocess.Popen | None = None
        self.ready = False

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        log: Any = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        code = "from course_utils.instructor.grading.workers import worker_main; worker_main()"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            start_new_session=True,
            env={**os.environ, **self.env} if self.env else None,
        )
        self.ready = False
        if log is not subprocess.DEVNULL:
            log.close()

    def _read(self, timeout: float) -> dict | None:
        assert self.proc is not None and self.proc.stdout is not None
        timer = threading.Timer(timeout, self.kill)
        timer.start()
        try:
            line = self.proc.stdout.readline()
        except (OSError, ValueError):
            line = ""
        finally:
            timer.cancel()
        if not line:
            self.kill()
            return None
        try:
            value = json.loads(line)
        except ValueError:
            self.kill()
            return None
        return value if isinstance(value, dict) else None

    def run(self, job: dict, total_timeout: float) -> dict:
        self.start()
        assert self.proc is not None and self.proc.stdin is not None
        if not self.ready:
            if self._read(300) is None:
                return failure(f"The grading worker could not start; see {self.log_path}.")
            self.ready = True
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            self.kill()
            return failure("The grading worker stopped unexpectedly.")
        result = self._read(total_timeout + WORKER_GRACE_SECONDS)
        if result is None:
            return failure("The grading worker stopped answering and was restarted.")
        return result

    def kill(self) -> None:
        from course_utils.instructor.grading.runner import kill_tree

        proc = self.proc
        if proc is not None and proc.poll() is None:
            kill_tree(proc.pid, include_self=True)
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
            proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()
