"""The attack suite of ``course-grade`` (issue 10): hostile submissions must earn nothing.

Every attack in ``tests/attacks/`` is one learner folder. The learners are graded in
three batches, one ``course-grade`` run each (``--jobs 2``, short limits):

* ``kernel``: attacks that run in the learner's kernel (hooks, erased sources, patched
  checks, oracles, reading instructor files, network, forging, escaping processes,
  tampering, feedback injection); run a second time to check that resumed records
  were not forged;
* ``grader``: attacks on the grader's own processes (killing the worker or the grader,
  writing into its pipes), kept apart so that a grader they break spoils no other test;
* ``files``: malformed files and names, which never need a kernel to be read.

The victims' exercise is the tiny one of ``tests/fixtures/tiny_exercise`` (ex04's shape,
NumPy only: a kernel costs about a second, not three or four); the attacks that need a real
course exercise (ex03's estimators) use ex03. Each batch also grades control learners (the
solution: full marks; the untouched exercise: 0; one answer right: its points) whose scores
must not move. Then each
attack is its own test: its exact score, no leak of hidden tests or solutions in any
feedback page or table, a row in both tables, and the checks specific to it. Attacks
that only an operating-system sandbox can stop are skipped, loudly, when bubblewrap
cannot run here.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import pickle
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from attacks import (
    CORRECT,
    EX01,
    EX03,
    PARTIAL,
    TINY,
    TINY_DIR,
    UNTOUCHED,
    Attack,
    Context,
    escape,
    files,
    find,
    set_answer,
    text_of,
    verdict,
    write_notebook,
)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
# One marker per test session, the same in every pytest-xdist worker (a batch runs once).
_SESSION = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
RUN = "g2atk" + hashlib.sha256(_SESSION.encode()).hexdigest()[:10]
SECRET_NAME = "COURSE_GRADE_INSTRUCTOR_TOKEN"
SECRET_VALUE = "tok-" + hashlib.sha256(b"secret" + _SESSION.encode()).hexdigest()[:32]
# Generous: on a busy machine the setup cell alone (NumPy, scikit-learn, Matplotlib) can take
# 15 s, and an attack that never ran because its setup timed out proves nothing.
TIMEOUT, TOTAL_TIMEOUT = 60, 120
# Seconds one course-grade run may take before the suite gives up on it (a hung grader).
BATCH_LIMIT = {"kernel": 600, "grader": 240, "files": 240}

ONLY = {"kernel": [TINY[:4], "ex03"], "grader": [TINY[:4]], "files": []}  # files: no --only
BATCHES = {
    "kernel": verdict.attacks() + escape.kernel_attacks(),
    "grader": escape.grader_attacks(),
    "files": files.attacks(),
}
# Every attack costs a sandboxed kernel (about a second of the tiny exercise; ex03's take
# several). ``make unit`` runs the core attacks: every class, the strongest of each, and all the
# cheap file and name attacks (116 s on the shared 2-core machine at load 9, where the same
# attacks on ex04 took 355 s). COURSE_GRADE_ATTACKS=all runs every attack (make test-attacks);
# a list of names (COURSE_GRADE_ATTACKS=hook_do_execute,net_zmq_peers) runs just those, with the
# controls.
EXTENDED = {
    "hook_sys_excepthook",
    "hook_displayhook",
    "hook_run_cell",
    "erase_transform_cell",
    "patch_case",
    "patch_builtins_assertionerror",
    "patch_checks_globals_from_call",
    "oracle_nan",
    "oracle_isinstance_liar",
    "oracle_generator",
    "oracle_huge_return",
    "oracle_giant_array",
    "oracle_object_array",
    "oracle_recursive_return",
    "ex03_set_custom_exc",
    "ex03_lying_estimators",
    "read_walk_up_from_cwd",
    "read_worker_memory",
    "read_home_and_tmp",
    "net_bind_port",
    "forge_stdout_lines",
    "proc_late_tamper",
    "proc_ignore_sigterm",
    "tamper_empty_solution_tests",
    "inject_ansi",
    "inject_grade_id_markup",
}
DEFINED = [attack for batch in BATCHES.values() for attack in batch]
_CHOSEN = os.environ.get("COURSE_GRADE_ATTACKS", "").strip()
if _CHOSEN != "all":
    names = set(filter(None, _CHOSEN.split(","))) if _CHOSEN else None
    BATCHES = {
        k: [a for a in v if (a.name in names if names else a.name not in EXTENDED)]
        for k, v in BATCHES.items()
    }
    BATCHES = {k: v for k, v in BATCHES.items() if v}
ALL = [attack for batch in BATCHES.values() for attack in batch]


def _bwrap_problem() -> str | None:
    """Why bubblewrap cannot run here, or None when it can."""
    if shutil.which("bwrap") is None:
        return "bwrap is not installed (Debian package bubblewrap)"
    try:
        done = subprocess.run(
            ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not start: {exc}"
    if done.returncode != 0:
        return "bwrap fails here: " + done.stderr.decode(errors="replace").strip()[:200]
    return None


BWRAP_PROBLEM = _bwrap_problem()


# --------------------------------------------------------------------------- the suite's sockets


class Listener:
    """A TCP and a UDP socket on 127.0.0.1 that attacks try to reach: they must get nothing."""

    def __init__(self):
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.tcp.settimeout(0.2)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.udp.settimeout(0.2)
        self.received: list[bytes] = []
        self.stop = threading.Event()
        # A port nothing listens on: an attack binds it; the suite must never reach it.
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.bind_port = probe.getsockname()[1]
        probe.close()
        self.reached_bind_port = False
        self.threads = [
            threading.Thread(target=self._tcp, daemon=True),
            threading.Thread(target=self._udp, daemon=True),
            threading.Thread(target=self._probe, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def _tcp(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(1)
            data = b"<connected>"
            try:
                data += conn.recv(65536)
            except OSError:
                pass
            self.received.append(data)
            conn.close()

    def _udp(self):
        while not self.stop.is_set():
            try:
                self.received.append(self.udp.recv(65536))
            except (TimeoutError, OSError):
                continue

    def _probe(self):
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.bind_port), timeout=0.2) as conn:
                    conn.settimeout(1)
                    # the attack's greeting, not some other program that took the port
                    if conn.recv(64).startswith(b"a back door"):
                        self.reached_bind_port = True
            except OSError:
                pass
            time.sleep(0.2)

    def close(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=2)
        self.tcp.close()
        self.udp.close()


# --------------------------------------------------------------------------- running a batch


def tree_digest(folder: Path) -> str:
    """Hash of every entry's path, type, mode and content under ``folder`` (links not followed)."""
    digest = hashlib.sha256()
    if not os.path.lexists(folder):
        return "absent"
    for dirpath, dirnames, filenames in os.walk(os.fsencode(folder)):
        dirnames.sort()
        for name in sorted(filenames) + [d + b"/" for d in dirnames]:
            path = os.path.join(dirpath, name.rstrip(b"/"))
            digest.update(os.path.relpath(path, os.fsencode(folder)) + b"\0")
            st = os.lstat(path)
            digest.update(oct(st.st_mode).encode())
            if os.path.islink(path):
                digest.update(os.readlink(path))
            elif os.path.isfile(path) and st.st_size < 100 * 2**20:
                with open(path, "rb") as handle:
                    digest.update(handle.read())
            else:
                digest.update(str(st.st_size).encode())
    return digest.hexdigest()


def marked_processes() -> list:
    """Processes whose command line carries this run's marker (started by an attack)."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            if (
                RUN in cmd
                and proc.info["status"] != psutil.STATUS_ZOMBIE
                and proc.pid != os.getpid()
            ):
                if "course_utils.grade" not in cmd:  # the grader itself carries the path
                    found.append(proc)
        except psutil.Error:
            continue
    return found


def _kill(procs) -> None:
    import psutil

    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass


@dataclass
class Outcome:
    """Everything a test may look at after a batch."""

    name: str
    work: Path
    out: Path
    run: str = RUN
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    summary: list[dict] = field(default_factory=list)
    grades: list[dict] = field(default_factory=list)
    tables_error: str = ""
    feedback: dict[str, str] = field(default_factory=dict)  # relative path -> text
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    survivors: list[str] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)
    reached_bind_port: bool = False
    resume_summary: list[dict] | None = None
    resume_returncode: int | None = None
    duration: float = 0.0
    extra: dict = field(default_factory=dict)


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        return list(csv.DictReader(handle))


def _command(submissions: Path, solutions: Path, out: Path, only: list[str]) -> list[str]:
    command = [sys.executable, "-m", "course_utils.grade", str(submissions)]
    command += ["--solutions", str(solutions), "--out", str(out), "--jobs", "2"]
    command += ["--timeout", str(TIMEOUT), "--total-timeout", str(TOTAL_TIMEOUT)]
    for name in only:
        command += ["--only", name]
    return command


def _run(command: list[str], cwd: Path, env: dict, limit: float) -> tuple[int | None, str, str]:
    """Run the grader; wait for it, not for its output pipes (a survivor may hold them)."""
    logs = cwd.parent / "logs"
    logs.mkdir(exist_ok=True)
    number = len(list(logs.iterdir())) // 2
    out_path, err_path = logs / f"stdout-{number}.txt", logs / f"stderr-{number}.txt"
    with open(out_path, "wb") as stdout, open(err_path, "wb") as stderr:
        proc = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=stdout, stderr=stderr, start_new_session=True
        )
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
    read = lambda path: path.read_bytes()[:5_000_000].decode("utf-8", "replace")  # noqa: E731
    return code, read(out_path), read(err_path)


# Where each exercise's solution and exercise notebooks live: the tiny exercise is a fixture.
HOMES = {
    TINY: (TINY_DIR / "solutions", TINY_DIR / "exercises"),
    EX03: (SOLUTIONS, EXERCISES),
    EX01: (SOLUTIONS, EXERCISES),
}


def _read(name: str, kind: int) -> dict:
    """The solution (``kind`` 0) or exercise (1) notebook of ``name``."""
    return json.loads((HOMES[name][kind] / f"{name}.ipynb").read_text(encoding="utf-8"))


def _notebooks() -> tuple[dict, dict]:
    return {name: _read(name, 0) for name in HOMES}, {name: _read(name, 1) for name in HOMES}


def _controls(ctx: Context, submissions: Path) -> None:
    write_notebook(submissions / CORRECT, TINY, ctx.sol(TINY))
    write_notebook(submissions / UNTOUCHED, TINY, ctx.ex(TINY))
    sol = ctx.sol(TINY)
    partial = set_answer(
        ctx.ex(TINY),
        "ex99-soft-threshold",
        text_of(sol["cells"][find(sol, "ex99-soft-threshold")]),
    )
    write_notebook(submissions / PARTIAL, TINY, partial)


def _alumnus(out: Path) -> None:
    """Results of an earlier run for a learner who is not in this batch: must stay as they are."""
    base = out / "feedback" / "alumnus"
    base.mkdir(parents=True)
    (base / f"{TINY}.md").write_text("# alumnus: 5 / 8 from an earlier run\n")
    (base / f"{TINY}.html").write_text("<p>alumnus: 5 / 8 from an earlier run</p>\n")
    state = out / ".state" / "alumnus"
    state.mkdir(parents=True)
    (state / f"{TINY}.json").write_text(json.dumps({"learner": "alumnus", "points": 5}))


def _snapshot(watched: dict[str, Path], submissions: Path, solutions: Path) -> dict[str, str]:
    """Digests of the watched folders, of every learner folder and of every solutions entry."""
    digests = {key: tree_digest(path) for key, path in watched.items()}
    for folder, prefix in ((submissions, "subs/"), (solutions, "solutions/")):
        for entry in os.listdir(os.fsencode(folder)):
            path = Path(os.fsdecode(os.path.join(os.fsencode(folder), entry)))
            key = prefix + os.fsdecode(entry).encode("utf-8", "backslashreplace").decode()
            digests[key] = tree_digest(path)
    return digests


def run_batch(name: str, attacks: list[Attack], base: Path, *, resume: bool) -> Outcome:
    work = base / f"{name}-{RUN}"
    work.mkdir(parents=True)
    solutions, submissions, out, cwd = (work / n for n in ("solutions", "subs", "out", "cwd"))
    solutions.mkdir()
    for exercise, (home, _) in HOMES.items():
        shutil.copy(home / f"{exercise}.ipynb", solutions)
    submissions.mkdir()
    cwd.mkdir()
    listener = Listener()
    sols, exs = _notebooks()
    ctx = Context(
        solutions=sols,
        exercises=exs,
        run=RUN,
        port=listener.port,
        bind_port=listener.bind_port,
        secret_name=SECRET_NAME,
        secret_value=SECRET_VALUE,
        solutions_dir=solutions,
        out_dir=out,
    )
    _controls(ctx, submissions)
    _alumnus(out)
    for attack in attacks:
        folder = attack.folder_name
        path = os.path.join(os.fsencode(submissions), os.fsencode(folder))
        attack.plant(Path(os.fsdecode(path)), ctx)
    outcome = Outcome(name, work, out)
    watched = {
        "submissions": submissions,
        "solutions": solutions,
        "cwd": cwd,
        "alumnus-feedback": out / "feedback" / "alumnus",
        "alumnus-state": out / ".state" / "alumnus",
    }
    outcome.before = _snapshot(watched, submissions, solutions)
    env = dict(os.environ)
    env[SECRET_NAME] = SECRET_VALUE
    env.pop("PYTEST_XDIST_WORKER", None)
    started = time.perf_counter()
    command = _command(submissions, solutions, out, ONLY[name])
    outcome.returncode, outcome.stdout, outcome.stderr = _run(command, cwd, env, BATCH_LIMIT[name])
    outcome.duration = time.perf_counter() - started
    time.sleep(1.0)  # let killed processes go
    survivors = marked_processes()
    outcome.survivors = [" ".join(p.cmdline()) for p in survivors if p.is_running()]
    _kill(survivors)
    outcome.after = _snapshot(watched, submissions, solutions)
    try:
        outcome.summary = _read_csv(out / "summary.csv")
        outcome.grades = _read_csv(out / "grades.csv")
    except (OSError, csv.Error) as exc:
        outcome.tables_error = f"{type(exc).__name__}: {exc}"
    feedback = out / "feedback"
    for path in sorted(feedback.rglob("*")) if feedback.is_dir() else []:
        if path.is_file() and not path.is_symlink():
            rel = os.fsencode(path.relative_to(feedback)).decode("utf-8", "backslashreplace")
            outcome.feedback[rel] = path.read_bytes()[:5_000_000].decode("utf-8", "replace")
    if resume and not outcome.tables_error:
        outcome.resume_returncode, _, _ = _run(command, cwd, env, BATCH_LIMIT[name])
        try:
            outcome.resume_summary = _read_csv(out / "summary.csv")
        except (OSError, csv.Error):
            outcome.resume_summary = []
        survivors = marked_processes()
        outcome.survivors += [" ".join(p.cmdline()) for p in survivors if p.is_running()]
        _kill(survivors)
    listener.close()
    outcome.received = list(listener.received)
    outcome.reached_bind_port = listener.reached_bind_port
    return outcome


_OUTCOMES: dict[str, Outcome] = {}


def _once(root: Path, name: str) -> Outcome:
    """Run batch ``name`` once per session, also across pytest-xdist workers (a file lock)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / f"{name}.pickle"
        if not done.exists():
            outcome = run_batch(name, BATCHES[name], root, resume=name == "kernel")
            done.write_bytes(pickle.dumps(outcome))
        return pickle.loads(done.read_bytes())


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    if not (SOLUTIONS / f"{EX03}.ipynb").exists():
        pytest.skip("solutions/ex03 is not written yet")
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / f"attacks-{RUN}"

    def get(name: str) -> Outcome:
        if name not in _OUTCOMES:
            _OUTCOMES[name] = _once(root, name)
        return _OUTCOMES[name]

    yield get
    for path in escape.OUTSIDE_FILES(RUN):
        try:
            os.unlink(path)
        except OSError:
            pass


# --------------------------------------------------------------------------- leak markers


def _hidden_blocks(nb: dict) -> list[str]:
    blocks = []
    for cell in nb["cells"]:
        text = text_of(cell)
        blocks += re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", text, re.S)
    return blocks


def _solution_blocks(nb: dict) -> list[str]:
    blocks = []
    for cell in nb["cells"]:
        blocks += re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", text_of(cell), re.S)
    return blocks


def _code_lines(blocks: list[str], visible: str) -> list[str]:
    """Distinctive lines of code: long, not a comment, not also in the visible part."""
    lines = []
    for block in blocks:
        for line in block.splitlines():
            line = line.strip()
            if len(line) >= 24 and not line.startswith("#") and line not in visible:
                lines.append(line)
    return lines


def _hidden_values() -> list[str]:
    """Texts of the expected values of the tiny exercise's hidden tests, as a leak would print
    them (computed here as its hidden tests compute them: the setup cell's functions)."""
    import numpy as np

    setup = next(c for c in _read(TINY, 0)["cells"] if "def orthogonal_design" in text_of(c))
    names: dict = {}
    exec(text_of(setup), names)
    hidden_z = np.random.default_rng(7).normal(size=(4, 3, 5)) * 3
    reference = np.where(
        hidden_z > 2.0, hidden_z - 2.0, np.where(hidden_z < -2.0, hidden_z + 2.0, 0)
    )
    X_hidden, y_hidden = names["orthogonal_design"](50, 5, seed=11)
    coef = names["lasso_reference"](X_hidden, y_hidden, 0.2)
    texts = []
    for value in list(reference.ravel()) + list(coef):
        if abs(value) > 0.05:
            texts.append(f"{value:.6g}")  # as check messages round
            texts.append(repr(float(value))[:8])  # as NumPy prints, cut
    return sorted(set(texts))


def _leak_markers() -> tuple[list[str], list[str]]:
    """(hidden-test markers, solution-code markers) of the exercises in the batches."""
    hidden, solution = [], []
    for name in (TINY, EX03):
        sol = _read(name, 0)
        visible = "\n".join(text_of(c) for c in _read(name, 1)["cells"])
        hidden += _code_lines(_hidden_blocks(sol), visible)
        solution += _code_lines(_solution_blocks(sol), visible)
    hidden += _hidden_values() + [SECRET_VALUE]
    return hidden, solution


HIDDEN_MARKERS, SOLUTION_MARKERS = _leak_markers()


def _leaks(text: str, *, solution_too: bool) -> list[str]:
    markers = HIDDEN_MARKERS + (SOLUTION_MARKERS if solution_too else [])
    return [m for m in markers if m in text]


# --------------------------------------------------------------------------- rows


def _is_learner(shown: str, attack: Attack) -> bool:
    """The learner as the grader shows it: the folder name, or for odd names its tag inside."""
    return shown == attack.tag if attack.row_tag is None else attack.tag in shown


def _rows(rows: list[dict], attack: Attack) -> list[dict]:
    return [r for r in rows if _is_learner(r.get("learner", ""), attack)]


def _learner_feedback(outcome: Outcome, attack: Attack) -> dict[str, str]:
    return {k: v for k, v in outcome.feedback.items() if _is_learner(k.split("/")[0], attack)}


def _batch_of(attack: Attack) -> str:
    return next(name for name, batch in BATCHES.items() if attack in batch)


def _points(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


# --------------------------------------------------------------------------- per attack


@pytest.mark.parametrize("attack", ALL, ids=[a.name for a in ALL])
def test_attack_earns_nothing_leaks_nothing(outcomes, attack: Attack):
    if attack.sandbox and BWRAP_PROBLEM:
        pytest.skip(
            f"NOT SANDBOXED: {BWRAP_PROBLEM}; only the bubblewrap sandbox stops this attack"
        )
    batch = _batch_of(attack)
    outcome = outcomes(batch)
    assert not outcome.tables_error, f"the batch wrote no tables: {outcome.tables_error}"
    rows = [r for r in _rows(outcome.summary, attack) if r["learner"] != "(average)"]
    if not rows and attack.row_optional:
        shown = outcome.stdout + outcome.stderr
        assert attack.tag in shown, f"{attack.tag!r} was skipped without a warning naming it"
        return
    assert rows, f"no summary.csv row for the learner {attack.tag!r}"
    for row in rows:
        if row["status"] != "ok" and "setup_notebook" in row["message"]:
            pytest.fail(
                f"the attack never ran: its setup cell was stopped ({row['message'][:200]})"
            )
    scored = {r["exercise"]: _points(r["points"]) for r in rows}
    for exercise, points in scored.items():
        expected = attack.earned.get(exercise, 0.0)
        row = next(r for r in rows if r["exercise"] == exercise)
        assert points == expected, (
            f"{attack.name} scored {points} on {exercise} (it earns {expected}): "
            f"status {row['status']!r}, {row['message'][:300]!r}"
        )
    graded = {e for e in HOMES if not ONLY[batch] or e[:4] in ONLY[batch]}
    for exercise in set(attack.earned) & graded:
        assert exercise in scored, f"no summary.csv row for {attack.tag}/{exercise}"
    assert _rows(outcome.grades, attack), f"no grades.csv row for the learner {attack.tag!r}"
    for path, text in _learner_feedback(outcome, attack).items():
        leaked = _leaks(text, solution_too=not attack.own_code_is_solution)
        assert not leaked, f"feedback {path} shows hidden tests or solutions: {leaked[:3]}"
    if attack.verify is not None:
        problems = attack.verify(outcome)
        assert not problems, "; ".join(problems)


# --------------------------------------------------------------------------- per batch


@pytest.fixture(params=list(BATCHES), ids=lambda name: f"batch-{name}")
def batch(request, outcomes):
    return outcomes(request.param)


def test_batch_completes_with_both_tables(batch: Outcome):
    limit = BATCH_LIMIT[batch.name]
    assert batch.returncode is not None, f"course-grade still ran after {limit} s: stopped"
    assert not batch.tables_error, (
        f"no tables ({batch.tables_error}); exit {batch.returncode}: {batch.stderr[-2000:]}"
    )
    assert batch.returncode == 0, f"exit status {batch.returncode}: {batch.stderr[-2000:]}"


def _test_points(grade_id: str | None = None) -> float:
    """Points of the tiny exercise's graded tests in its solution (all of them, or one)."""
    sol = _read(TINY, 0)
    total = 0.0
    for cell in sol["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell["cell_type"] == "code":
            if grade_id is None or meta["grade_id"] == grade_id:
                total += meta["points"]
    return total


def test_controls_score_as_before(batch: Outcome):
    expected = {
        CORRECT: _test_points(),
        UNTOUCHED: 0.0,
        PARTIAL: _test_points("ex99-soft-threshold-tests"),
    }
    got = {
        r["learner"]: _points(r["points"])
        for r in batch.summary
        if r["exercise"] == TINY and r["learner"] in expected
    }
    assert got == expected


def test_every_learner_folder_has_rows(batch: Outcome):
    learners = {r["learner"] for r in batch.summary if r["learner"] != "(average)"}
    attacks = BATCHES[batch.name]
    expected = len([a for a in attacks if not a.row_optional]) + 3
    assert len(learners) >= expected, "fewer summary rows than learner folders"
    missing = [
        a.name
        for a in attacks
        if not a.row_optional and not any(_is_learner(learner, a) for learner in learners)
    ]
    assert not missing, f"learners without a row: {missing}"


def test_no_leak_anywhere(batch: Outcome):
    tables = json.dumps([batch.summary, batch.grades])
    assert not _leaks(tables, solution_too=True)
    own_solution = {a.tag for a in BATCHES[batch.name] if a.own_code_is_solution} | {CORRECT}
    for path, text in batch.feedback.items():
        learner = path.split("/")[0]
        leaked = _leaks(text, solution_too=not any(tag in learner for tag in own_solution))
        assert not leaked, f"{path}: {leaked[:3]}"
    assert SECRET_VALUE not in batch.stdout + batch.stderr


def test_files_outside_the_sandboxes_unchanged(batch: Outcome):
    changed = [k for k in batch.before if batch.before[k] != batch.after[k]]
    assert not changed, f"changed by the batch: {changed}"


def test_no_process_outlives_the_run(batch: Outcome):
    assert not batch.survivors, f"still running after the grader exited: {batch.survivors[:5]}"


def test_nothing_reaches_the_network(batch: Outcome):
    assert not batch.received, f"the suite's socket received {batch.received[:3]}"
    assert not batch.reached_bind_port, "a port opened by a kernel was reachable from outside"


def test_tables_are_safe_for_spreadsheets_and_terminals(batch: Outcome):
    for row in batch.summary + batch.grades:
        for key, value in row.items():
            value = value or ""
            if re.fullmatch(r"-?\d+(\.\d+)?", value):
                continue
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), (
                f"CSV cell {key}={value[:60]!r} would run as a spreadsheet formula"
            )
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value), f"control chars in {value!r}"
    shown = batch.stdout + batch.stderr
    assert "\x1b[" not in shown.replace("\r\x1b[K", ""), "ANSI escapes from learners' data"


def test_resumed_run_reuses_no_forged_record(outcomes):
    if "kernel" not in BATCHES:
        pytest.skip("no kernel batch chosen")
    batch = outcomes("kernel")
    assert batch.resume_summary is not None, "the batch failed; no resumed run"
    first = {(r["learner"], r["exercise"]): r["points"] for r in batch.summary}
    again = {(r["learner"], r["exercise"]): r["points"] for r in batch.resume_summary}
    assert again == first


def test_sandbox_is_reported_when_bwrap_runs(batch: Outcome):
    """Where bwrap runs, every kernel ran in it: ``sandbox=yes``, and no warning says otherwise."""
    if BWRAP_PROBLEM:
        pytest.skip(f"NOT SANDBOXED: {BWRAP_PROBLEM}")
    ran = [r for r in batch.summary if r.get("status") == "ok"]
    assert ran, "no submission ran"
    assert all("sandbox" in r for r in ran), "summary.csv has no sandbox column"
    unsandboxed = sorted({r["learner"] for r in ran if r["sandbox"] != "yes"})
    assert not unsandboxed, f"ran without the sandbox although bwrap works: {unsandboxed[:5]}"
    assert "not sandboxed" not in (batch.stdout + batch.stderr).lower()


def test_suite_has_enough_attacks():
    assert len({a.name for a in DEFINED}) == len(DEFINED), "two attacks with the same name"
    assert not EXTENDED - {a.name for a in DEFINED}, "EXTENDED names an attack that is gone"
    assert len(DEFINED) >= 45
    classes = {
        "ipython-hooks",
        "source-erasure",
        "check-machinery",
        "oracles",
        "instructor-files",
        "network",
        "forging",
        "processes",
        "tampering",
        "malformed",
        "injection",
    }
    assert {a.group for a in DEFINED} == classes
    core = [a for a in DEFINED if a.name not in EXTENDED]
    assert len(core) >= 45 and {a.group for a in core} == classes


def _csv_text(rows: list[dict]) -> str:  # pragma: no cover - debugging aid
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()
