"""Stage 4: execute one assembled notebook, the learner's cells in the kernel, the tests here.

:func:`execute_assembled` runs the cells in notebook order:

* learner cells (answers, cells the learner added) run in the learner's
  kernel (sandboxed, see :mod:`.sandbox`); the kernel's reply status says
  whether they raised;
* locked cells run in the kernel (the learner's code may need their names)
  and then on the trusted side (:mod:`.trusted`), which needs them too;
* test cells run on the trusted side only, while the kernel is idle, with the
  learner's names reached through the bridge (:mod:`.bridge`).

It returns one small report per cell (ran or not, first error, the end of
its output) and why execution stopped, if it did. A watchdog thread stops the
kernel at the total time limit, the memory limit, or when the kernel's
writable folder grows past the disk limit; killing the sandbox kills every
process started in it (its own PID namespace).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from course_utils.instructor.grading.assemble import Assembled
from course_utils.instructor.grading.bridge import Bridge
from course_utils.instructor.grading.learner_kernel import CellRun, LearnerKernel
from course_utils.instructor.grading.solutions import Exercise
from course_utils.instructor.grading.trusted import TrustedSide

__all__ = ["Limits", "Watchdog", "execute_assembled", "folder_exceeds", "kill_tree"]

DEFAULT_MEMORY_LIMIT_MIB = 4096
DISK_LIMIT_MIB = 1024
KERNEL_START_SECONDS = 120


class Limits:
    """The limits of one notebook's execution."""

    def __init__(
        self,
        timeout: float = 60,
        total_timeout: float = 300,
        memory_limit_mib: float = DEFAULT_MEMORY_LIMIT_MIB,
        disk_limit_mib: float = DISK_LIMIT_MIB,
    ):
        self.timeout = float(timeout)
        self.total_timeout = float(total_timeout)
        self.memory_limit_mib = float(memory_limit_mib)
        self.disk_limit_mib = float(disk_limit_mib)


def kill_tree(pid: int | None = None, *, include_self: bool = False) -> int:
    """Kill every descendant process of ``pid`` (default: this process); return how many."""
    import psutil

    try:
        root = psutil.Process(pid)
        victims = root.children(recursive=True)
    except psutil.Error:
        return 0
    if include_self:
        victims.append(root)
    for proc in victims:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=5)
    return len(victims)


def folder_exceeds(folder: Path, limit: int, max_entries: int = 20_000) -> bool:
    """Whether the files under ``folder`` hold more than ``limit`` bytes (or too many entries)."""
    total, entries = 0, 0
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as scan:
                for entry in scan:
                    entries += 1
                    if entries > max_entries:
                        return True
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            total += entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        continue
                    if total > limit:
                        return True
        except OSError:
            continue
    return False


class Watchdog(threading.Thread):
    """Stops the kernel (every child of this process) when a limit of the whole notebook is hit."""

    def __init__(self, limits: Limits, folders: list[Path]):
        super().__init__(daemon=True)
        import psutil

        self.limits = limits
        self.folders = folders
        self.me = psutil.Process()
        self.stopped = threading.Event()
        self.status: str | None = None
        self.message = ""

    def run(self) -> None:
        import psutil

        deadline = time.monotonic() + self.limits.total_timeout
        memory = self.limits.memory_limit_mib * 2**20
        ticks = 0
        while not self.stopped.wait(0.25):
            ticks += 1
            if time.monotonic() > deadline:
                self._fire(
                    "time-limit",
                    f"The notebook ran longer than the total limit of "
                    f"{self.limits.total_timeout:g} s and was stopped.",
                )
                return
            try:
                kernel_rss = sum(p.memory_info().rss for p in self.me.children(recursive=True))
            except psutil.Error:
                continue
            if kernel_rss > memory:
                self._fire(
                    "memory-limit",
                    f"The notebook used more than {self.limits.memory_limit_mib:.0f} MiB of "
                    "memory and was stopped.",
                )
                return
            if ticks % 4 == 0 and any(
                folder_exceeds(f, int(self.limits.disk_limit_mib * 2**20)) for f in self.folders
            ):
                self._fire(
                    "disk-limit",
                    f"The notebook wrote more than {self.limits.disk_limit_mib:.0f} MiB of "
                    "files and was stopped.",
                )
                return

    def _fire(self, status: str, message: str) -> None:
        self.status, self.message = status, message
        kill_tree()

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def _report(run: CellRun | None, *, executed: bool = True) -> dict:
    error = None
    if run is not None and run.status == "error":
        error = {"ename": run.ename or "Error", "evalue": run.evalue}
    return {
        "executed": executed,
        "error": error,
        "output": run.output if run is not None else "",
        "output_chars": run.output_chars if run is not None else 0,
    }


_STOP_MESSAGES = {
    "timeout": "A cell ran longer than the limit of {timeout:g} s per cell and was stopped.",
    "dead": "The kernel died (the code exited Python, crashed, or was killed) and "
    "the notebook stopped.",
    "output-limit": "The notebook printed more output than the grader keeps and was stopped.",
}
_STOP_STATUS = {"timeout": "timeout", "dead": "kernel-died", "output-limit": "output-limit"}


def _copy_data(support_dir: str | None, work: Path) -> None:
    """The exercises' data files (the solutions folder without notebooks and hidden files)."""
    if support_dir and Path(support_dir).is_dir():
        shutil.copytree(
            support_dir,
            work,
            ignore=shutil.ignore_patterns("*.ipynb", ".*", "__pycache__"),
            symlinks=False,
            dirs_exist_ok=True,
        )
    work.mkdir(parents=True, exist_ok=True)


def execute_assembled(
    assembled: Assembled,
    exercise: Exercise,
    roles: list[str],
    *,
    limits: Limits,
    kernel_name: str,
    support_dir: str | None,
    env: dict[str, str] | None = None,
    sandboxed: bool = True,
    tmp_root: str | None = None,
    instructor: bool = False,
) -> dict:
    """Run ``assembled``; return ``status``, ``message``, ``execute_seconds`` and per-cell reports.

    Call it in a process of its own (the grading worker): the watchdog kills
    every child process of the caller when a limit is reached.
    """
    tmp = Path(tempfile.mkdtemp(prefix="course-grade-", dir=tmp_root))
    cells_nb = assembled.notebook["cells"]
    reports: list[dict | None] = [
        _report(None, executed=False) if c["cell_type"] == "code" else None for c in cells_nb
    ]
    status, message, wall = "ok", "", 0.0
    kernel: LearnerKernel | None = None
    watchdog: Watchdog | None = None
    start = time.perf_counter()
    try:
        work, bridge_dir, private = tmp / "work", tmp / "bridge", tmp / "trusted"
        _copy_data(support_dir, work)
        _copy_data(support_dir, private)
        bridge_dir.mkdir()
        kernel_env = {**(env or {}), "COURSE_GRADE_BRIDGE": str(bridge_dir)}
        kernel = LearnerKernel(
            kernel_name=kernel_name,
            work_dir=work,
            bridge_dir=bridge_dir,
            env=kernel_env,
            sandboxed=sandboxed,
            memory_limit_mib=limits.memory_limit_mib,
        )
        watchdog = Watchdog(limits, [work, bridge_dir])
        watchdog.start()
        cell_deadline = [0.0]
        bridge = Bridge(kernel, bridge_dir, deadline=lambda: cell_deadline[0] - time.monotonic())
        trusted = TrustedSide(bridge, instructor=instructor, cwd=str(private))
        try:
            kernel.start(timeout=min(KERNEL_START_SECONDS, limits.total_timeout))
            bridge.open(limits.timeout)
        except Exception as exc:  # noqa: BLE001 - no kernel: every test is not run
            status = "kernel-died"
            message = f"The notebook could not run: {str(exc).splitlines()[0][:200]}"
            return _result(status, message, 0.0, reports, executed=False, watchdog=watchdog)
        last_finished = True
        for index, cell in enumerate(cells_nb):
            role = roles[index]
            if role == "skip":
                continue
            if role == "marker":
                reports[index] = _report(None, executed=last_finished)
                continue
            source = cell["source"]
            cell_deadline[0] = time.monotonic() + limits.timeout
            stop: str | None = None
            if role in {"learner", "locked"}:
                if not source.strip():
                    reports[index] = _report(CellRun("ok"))
                    continue
                run = kernel.run(source, limits.timeout)
                reports[index] = _report(run)
                if not run.finished:
                    stop = run.status
            if stop is None and role in {"locked", "test"}:
                sol = exercise.by_id.get(
                    assembled.locked_cells.get(index)
                    or next((g for g, i in assembled.test_cells.items() if i == index), "")
                )
                segments = sol.segments() if sol is not None else []
                outcome = trusted.run(
                    segments,
                    f"<{role} cell {sol.grade_id if sol else index}>",
                    keep_output=role == "test",
                )
                if outcome.stopped is not None:
                    stop = outcome.stopped.status
                    if role == "test":
                        reports[index] = _report(outcome.stopped.run)
                elif role == "test":
                    reports[index] = {
                        "executed": True,
                        "error": outcome.error,
                        "output": outcome.output[-1500:],
                        "output_chars": len(outcome.output),
                        "hidden_failure": outcome.hidden and outcome.error is not None,
                    }
            if stop is not None:
                last_finished = False
                if watchdog.status:
                    status, message = watchdog.status, watchdog.message
                else:
                    status = _STOP_STATUS.get(stop, "kernel-died")
                    message = _STOP_MESSAGES.get(stop, _STOP_MESSAGES["dead"]).format(
                        timeout=limits.timeout
                    )
                break
        else:
            trusted.forget_learner_objects()
    finally:
        wall = time.perf_counter() - start
        if watchdog is not None:
            watchdog.stop()
        if kernel is not None:
            kernel.stop()
        kill_tree()  # whatever the kernel left behind (outside a sandbox)
        shutil.rmtree(tmp, ignore_errors=True)
    if watchdog is not None and watchdog.status and status == "ok":
        status, message = watchdog.status, watchdog.message
    return _result(status, message, wall, reports, executed=True, watchdog=None)


def _result(
    status: str,
    message: str,
    wall: float,
    reports: list[dict | None],
    *,
    executed: bool,
    watchdog: Watchdog | None,
) -> dict:
    if watchdog is not None and watchdog.status:
        status, message = watchdog.status, watchdog.message
    return {
        "status": status,
        "message": message,
        "execute_seconds": round(wall, 3),
        "cells": reports,
        "executed": executed,
    }
