"""Grading on Dask with real parts: ``dask scheduler`` and ``dask worker`` processes on localhost.

The engine tests run a small function of this module on the workers; the
grading tests grade a folder with ``--scheduler`` and compare with a local run.
One test kills a worker while it runs a task and checks that every result
still arrives exactly once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from course_utils.instructor.grading.dask_engine import (  # noqa: E402
    DaskUnavailable,
    Task,
    TaskFailed,
    run_tasks,
    task_key,
)

DASK = str(Path(sys.executable).with_name("dask"))
HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A scheduler and workers as separate processes, stopped by :meth:`stop`."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}

    def _start(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [DASK, *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # the scheduler and the workers import this module to run _work
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(HERE)},
        )
        log.close()
        self.processes.append(process)
        return process

    def start(self, workers: int = 2) -> Cluster:
        self._start(
            ["scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
            "scheduler",
        )
        for index in range(workers):
            name = f"w{index + 1}"
            self.workers[name] = self._start(
                [
                    "worker",
                    self.address,
                    "--name",
                    name,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--death-timeout",
                    "60",
                    "--local-directory",
                    str(self.tmp / name),
                ],
                name,
            )
        client = distributed.Client(self.address, timeout=60)
        try:
            client.wait_for_workers(workers, timeout=90)
        finally:
            client.close()
        return self

    def kill(self, name: str) -> None:
        os.killpg(self.workers[name].pid, signal.SIGKILL)
        self.workers[name].wait(10)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def _cluster(tmp: Path):
    running = Cluster(tmp).start(workers=2)
    yield running
    running.stop()
    assert all(p.poll() is not None for p in running.processes), "a Dask process outlived the test"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Shared by the tests that leave the workers alive."""
    yield from _cluster(tmp_path_factory.mktemp("cluster"))


@pytest.fixture
def fresh_cluster(tmp_path):
    """For a test that kills a worker."""
    yield from _cluster(tmp_path)


def _work(payload: dict, shared: dict | None) -> dict:
    """Runs on a worker: logs its start and end, sleeps, returns plain data."""
    log = Path(payload["log"])
    with open(log, "a") as handle:
        handle.write(f"start {payload['n']} {os.getpid()}\n")
    time.sleep(payload["seconds"])
    if payload.get("fail"):
        raise RuntimeError("this task always fails")
    with open(log, "a") as handle:
        handle.write(f"end {payload['n']} {os.getpid()}\n")
    return {"n": payload["n"], "square": payload["n"] ** 2, "base": (shared or {}).get("base")}


def _tasks(log: Path, count: int, seconds: float, shared: str | None = None) -> list[Task]:
    return [
        Task(task_key("learner", str(n)), {"n": n, "log": str(log), "seconds": seconds}, shared)
        for n in range(count)
    ]


def test_each_result_once_with_shared_data(cluster, tmp_path):
    log = tmp_path / "work.log"
    tasks = _tasks(log, 6, 0.05, shared="common")
    tasks.append(tasks[0])  # the same work twice in one batch is done once
    results = list(run_tasks(cluster.address, _work, tasks, shared={"common": {"base": 7}}))
    assert sorted(key for key, _ in results) == sorted({t.key for t in tasks})
    assert sorted(r["square"] for _, r in results) == [n * n for n in range(6)]
    assert {r["base"] for _, r in results} == {7}
    pids = {line.split()[2] for line in log.read_text().splitlines()}
    assert len(pids) == 2, "both workers took work"


def test_a_worker_killed_mid_batch_loses_no_result_and_duplicates_none(fresh_cluster, tmp_path):
    cluster = fresh_cluster
    log = tmp_path / "work.log"
    tasks = _tasks(log, 10, 0.6)
    victim = str(cluster.workers["w1"].pid)
    seen: list[str] = []
    killed = False
    for key, result in run_tasks(cluster.address, _work, tasks):
        seen.append(key)
        assert not isinstance(result, TaskFailed), result
        if not killed and len(seen) >= 2:
            # wait until the victim has started a task it has not finished, then kill it
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                lines = log.read_text().splitlines()
                started = {
                    ln.split()[1] for ln in lines if ln.startswith("start") and victim in ln
                }
                ended = {ln.split()[1] for ln in lines if ln.startswith("end") and victim in ln}
                if started - ended:
                    break
                time.sleep(0.02)
            interrupted = started - ended
            cluster.kill("w1")
            killed = True
    assert killed and interrupted, "the worker was killed in the middle of a task"
    assert sorted(seen) == sorted(t.key for t in tasks)  # every result, each exactly once
    lines = log.read_text().splitlines()
    for n in interrupted:  # the interrupted task ran again elsewhere and finished there
        assert any(ln.startswith(f"end {n} ") for ln in lines)


def test_a_task_that_always_fails_becomes_a_failure_not_a_crash(cluster, tmp_path):
    payload = {"n": 1, "log": str(tmp_path / "w.log"), "seconds": 0, "fail": True}
    results = list(run_tasks(cluster.address, _work, [Task("k-fail", payload)], retries=1))
    assert len(results) == 1
    key, result = results[0]
    assert key == "k-fail" and isinstance(result, TaskFailed)
    assert result.kind == "RuntimeError" and "always fails" in result.message
    # the function ran twice: the first try and one retry
    assert (tmp_path / "w.log").read_text().count("start") == 2


def test_no_scheduler_is_a_clear_error():
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(DaskUnavailable, match="No Dask scheduler answers"):
        list(run_tasks(address, _work, [], wait_for_workers=0, connect_timeout_s=2))
