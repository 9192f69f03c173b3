"""The bubblewrap sandbox of learners' kernels: what it binds, and what a process inside sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.instructor.grading.sandbox import SandboxSpec, sandbox_available, sandbox_command

ROOT = Path(__file__).resolve().parents[1]


def _binds(command: list[str]) -> tuple[list[str], list[str]]:
    read_only, writable = [], []
    for flag, source in zip(command, command[1:], strict=False):
        if flag == "--ro-bind":
            read_only.append(source)
        elif flag == "--bind":
            writable.append(source)
    return read_only, writable


def test_the_command_unshares_everything_and_binds_only_what_a_kernel_needs(tmp_path):
    spec = SandboxSpec(work_dir=tmp_path / "work", bridge_dir=tmp_path / "bridge")
    command = sandbox_command(["python", "-c", "pass"], spec)
    for flag in ("--unshare-all", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in command
    read_only, writable = _binds(command)
    assert writable == [str(tmp_path / "work"), str(tmp_path / "bridge")]
    for path in read_only:
        assert not Path(path).resolve().is_relative_to(ROOT / "solutions")
        assert Path(path).resolve() != ROOT  # never the whole repository
        assert not str(path).startswith(str(Path.home()) + "/.local/state")
    assert command[-3:] == ["python", "-c", "pass"]


PROBE = """
import json, os, socket
seen = {"pid": os.getpid(), "env": sorted(os.environ), "root": sorted(os.listdir("/"))}
seen["solutions"] = os.path.exists(%r)
seen["key"] = os.path.exists(%r)
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    seen["net"] = "connected"
except OSError as exc:
    seen["net"] = type(exc).__name__
seen["procs"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print(json.dumps(seen))
"""


@pytest.mark.skipif(not sandbox_available()[0], reason="NOT SANDBOXED: bwrap cannot run here")
def test_a_process_in_the_sandbox_sees_no_solutions_secrets_network_or_processes(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "bridge").mkdir()
    spec = SandboxSpec(work_dir=tmp_path / "work", bridge_dir=tmp_path / "bridge")
    from course_utils.instructor.grading.state import key_path

    key_path().parent.mkdir(parents=True, exist_ok=True)
    code = PROBE % (str(ROOT / "solutions"), str(key_path().parent))
    command = sandbox_command([sys.executable, "-c", code], spec)
    env = {**os.environ, "COURSE_GRADE_SECRET_FOR_TEST": "s3cret"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["solutions"] is False
    assert seen["key"] is False  # the folder of the records' key
    assert "COURSE_GRADE_SECRET_FOR_TEST" not in seen["env"]
    assert seen["net"] != "connected"
    assert max(seen["procs"]) < 10  # its own PID namespace: a handful of processes
    assert seen["pid"] < 10


@pytest.mark.skipif(not sandbox_available()[0], reason="bwrap cannot run here")
def test_a_python_environment_under_the_hosts_tmp_is_visible_in_the_sandbox(tmp_path):
    """A clone in /tmp (as CI may make) keeps .venv there: the private /tmp must not hide it."""
    fake_prefix = Path("/tmp") / f"course-grade-test-{os.getpid()}"
    fake_prefix.mkdir(exist_ok=True)
    try:
        (fake_prefix / "marker.txt").write_text("visible", encoding="utf-8")
        spec = SandboxSpec(
            work_dir=tmp_path, bridge_dir=tmp_path, extra_read_only=[str(fake_prefix)]
        )
        command = sandbox_command(["cat", str(fake_prefix / "marker.txt")], spec)
        done = subprocess.run(command, capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert done.stdout.decode() == "visible"
    finally:
        (fake_prefix / "marker.txt").unlink(missing_ok=True)
        fake_prefix.rmdir()
