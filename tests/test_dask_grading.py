"""Grading on Dask with real parts: ``dask scheduler`` and ``dask worker`` processes on localhost.

The engine tests run a small function of this module on the workers; the
grading tests grade a folder with ``--scheduler`` and compare with a local run.
One test kills a worker while it runs a task and checks that every result
still arrives exactly once.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import threading
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


# ----------------------------------------------------------------- grading on the cluster

EXERCISE = "dk01_sums"


def _cell(kind: str, source: str, grade_id: str, **meta) -> dict:
    cell = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    cell["metadata"]["nbgrader"] = {
        "grade": meta.get("grade", False),
        "grade_id": grade_id,
        "locked": meta.get("locked", False),
        "schema_version": 3,
        "solution": meta.get("solution", False),
        "task": False,
        **({"points": meta["points"]} if "points" in meta else {}),
    }
    return cell


def _exercise(answer: str) -> dict:
    """A small nbgrader exercise whose locked cell reads a data file of the solutions folder."""
    return {
        "cells": [
            _cell("code", "OFFSET = int(open('offset.txt').read())", "setup", locked=True),
            _cell("code", answer, "total", solution=True),
            _cell(
                "code",
                "assert total([1, 2]) == 3 + OFFSET\nassert total([]) == OFFSET",
                "total-tests",
                grade=True,
                locked=True,
                points=2,
            ),
            _cell(
                "code",
                "assert total([5]) == 5 + OFFSET",
                "more-tests",
                grade=True,
                locked=True,
                points=1,
            ),
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


RIGHT = (
    "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs) + OFFSET\n    ### END SOLUTION\n"
)
WRONG = "def total(xs):\n    return sum(xs)\n"
SLOW = "import time\ntime.sleep({s})\n\ndef total(xs):\n    return sum(xs) + OFFSET\n"


SECOND = "dk02_products"
PRODUCT = "def product(xs):\n    ### BEGIN SOLUTION\n    out = 1\n    for x in xs:\n"
PRODUCT += "        out *= x\n    return out\n    ### END SOLUTION\n"


def _second() -> dict:
    """Another exercise, so that each task must get its own exercise's solution."""
    cells = [
        _cell("code", PRODUCT, "product", solution=True),
        _cell(
            "code",
            "assert product([2, 3]) == 6",
            "product-tests",
            grade=True,
            locked=True,
            points=4,
        ),
    ]
    return {**_exercise(RIGHT), "cells": cells}


def _batch(root: Path, learners: dict[str, str | None]) -> tuple[Path, Path]:
    solutions, submissions = root / "solutions", root / "submissions"
    solutions.mkdir(parents=True)
    (solutions / "offset.txt").write_text("10")  # a data file: must reach the workers
    (solutions / f"{EXERCISE}.ipynb").write_text(json.dumps(_exercise(RIGHT)))
    (solutions / f"{SECOND}.ipynb").write_text(json.dumps(_second()))
    for learner, answer in learners.items():
        folder = submissions / learner
        folder.mkdir(parents=True)
        if answer is not None:
            (folder / f"{EXERCISE}.ipynb").write_text(json.dumps(_exercise(answer)))
            (folder / f"{SECOND}.ipynb").write_text(json.dumps(_second()))
    return solutions, submissions


def _grade(submissions: Path, solutions: Path, out: Path, **options):
    from course_utils.instructor.grading.run import grade_submissions

    return grade_submissions(
        submissions, solutions=solutions, out=out, quiet=True, timeout=30, **options
    )


def test_grading_on_dask_writes_what_a_local_run_writes_and_resumes(cluster, tmp_path):
    learners = {"ana": RIGHT, "ben": WRONG, "cleo": SLOW.format(s=0), "dan": None}
    solutions, submissions = _batch(tmp_path, learners)
    local = _grade(submissions, solutions, tmp_path / "local", jobs=2)
    remote = _grade(submissions, solutions, tmp_path / "dask", scheduler=cluster.address)
    assert remote.graded == local.graded == 6
    grades = (tmp_path / "dask" / "grades.csv").read_text()
    assert grades == (tmp_path / "local" / "grades.csv").read_text()
    points = {(r["learner"], r["exercise"]): (r["status"], r["points"]) for r in remote.records}
    assert points == {
        ("ana", EXERCISE): ("ok", 3.0),
        ("ben", EXERCISE): ("ok", 0.0),
        ("cleo", EXERCISE): ("ok", 3.0),
        ("dan", EXERCISE): ("missing", 0.0),
        **{(who, SECOND): ("ok", 4.0) for who in ("ana", "ben", "cleo")},
        ("dan", SECOND): ("missing", 0.0),
    }
    for learner in ("ana", "ben", "cleo"):
        assert (tmp_path / "dask" / "feedback" / learner / f"{EXERCISE}.html").is_file()
    # resume: the records the client wrote make the next run grade nothing
    again = _grade(submissions, solutions, tmp_path / "dask", scheduler=cluster.address)
    assert (again.graded, again.skipped) == (0, 6)
    assert (tmp_path / "dask" / "grades.csv").read_text() == grades


def test_a_worker_killed_while_grading_loses_and_doubles_no_submission(fresh_cluster, tmp_path):
    cluster = fresh_cluster
    learners = {f"l{n}": SLOW.format(s=2) if n % 2 else RIGHT for n in range(4)}
    solutions, submissions = _batch(tmp_path, learners)
    watcher = distributed.Client(cluster.address, timeout=30)
    victim = next(
        address
        for address, info in watcher.scheduler_info()["workers"].items()
        if info["name"] == "w1"
    )
    killed = threading.Event()

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if watcher.processing().get(victim):
                time.sleep(1.0)  # well inside the task
                cluster.kill("w1")
                killed.set()
                return
            time.sleep(0.1)

    thread = threading.Thread(target=kill_when_busy, daemon=True)
    thread.start()
    try:
        run = _grade(submissions, solutions, tmp_path / "out", scheduler=cluster.address)
    finally:
        thread.join(130)
        watcher.close()
    assert killed.is_set(), "the worker was killed during the batch"
    assert run.graded == 8
    got = sorted((r["learner"], r["exercise"], r["status"], r["points"]) for r in run.records)
    problems = [
        (r["learner"], r["exercise"], r["message"]) for r in run.records if r["status"] != "ok"
    ]
    assert got == [
        (f"l{n}", exercise, "ok", points)
        for n in range(4)
        for exercise, points in ((EXERCISE, 3.0), (SECOND, 4.0))
    ], problems
    rows = list(csv.DictReader(open(tmp_path / "out" / "grades.csv", encoding="utf-8")))
    keys = [(r["learner"], r["grade_id"]) for r in rows]
    assert len(keys) == len(set(keys)) == 12  # every test of every learner, exactly once
