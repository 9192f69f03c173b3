"""course-grade: defensive reading, restored tests, sandboxed execution, scores and outputs.

Two grading runs are shared by the tests (each runs once per session, even
under pytest-xdist, through a file lock):

* ``synthetic``: a tiny exercise with no heavy imports, graded with short
  limits: the mechanisms (hidden tests, tampering, timeouts, kernel deaths,
  ``sys.exit``, file vandalism, output floods, broken files, cell surgery);
* ``fixtures``: submissions built at test time from exercise notebooks made the way the
  course makes them: the mechanisms (partial answers, tampered tests, an infinite loop, a
  kernel crash, cell surgery, a flood of output, broken files) on the purpose-made tiny
  exercise of ``tests/fixtures/tiny_exercise`` (ex04's shape, NumPy only, short limits), and
  what only a real exercise shows (a partial answer, the untouched exercise and tampered
  tests of the real ``ex04``: its real tests restored and scored) on the real one. Kernel
  deaths are the tiny exercise's ``kernel_crash`` and the synthetic ``os_exit`` and
  ``os_kill``; TensorFlow kernels run in ``test_grade_solutions.py`` (ex01, ex02, ex05, ex06).

Every solution handed in as a submission (100%) is graded in ``test_grade_solutions.py``.
"""

from __future__ import annotations

import copy
import csv
import fcntl
import hashlib
import json
import os
import pickle
import re
from pathlib import Path

import pytest

from course_utils.instructor import grade
from course_utils.instructor.grade import (
    assemble_notebook,
    feedback_html,
    feedback_markdown,
    load_exercise,
    read_submission,
    score,
    stub_source,
    summary_rows,
)
from course_utils.instructor.grading.reports import average_rows

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
EX04 = "ex04_lasso_from_scratch"
EX05 = "ex05_penalties_and_early_stopping"
TINY = "ex99_tiny_lasso"
TINY_DIR = ROOT / "tests" / "fixtures" / "tiny_exercise"


# --------------------------------------------------------------------------- builders


def _cell(
    cell_type,
    source,
    grade_id=None,
    *,
    grade=False,
    solution=False,
    locked=False,
    points=None,
    tags=None,
):
    cell = {"cell_type": cell_type, "metadata": {}, "source": source}
    if cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    if grade_id is not None:
        meta = {
            "grade": grade,
            "grade_id": grade_id,
            "locked": locked,
            "schema_version": 3,
            "solution": solution,
            "task": False,
        }
        if points is not None:
            meta["points"] = points
        cell["metadata"]["nbgrader"] = meta
    if tags:
        cell["metadata"]["tags"] = tags
    return cell


def _notebook(cells):
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


SYN = "syn01_basics"
SYN_ADD = "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION\n"
SYN_SQUARE = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\n"


def synthetic_solution() -> dict:
    """A small exercise in nbgrader's format: two functions, visible and hidden tests."""
    return _notebook(
        [
            _cell("markdown", "# Syn 01 · Basics", "intro", locked=True),
            _cell(
                "code",
                "import os\nimport sys\nimport time\n\nDATA = open('data.txt').read()",
                "setup",
                locked=True,
            ),
            _cell("code", SYN_ADD, "add", solution=True),
            _cell(
                "code",
                "assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert add(-1, 1) == 0\n"
                "### END HIDDEN TESTS",
                "add-tests",
                grade=True,
                locked=True,
                points=2,
            ),
            _cell("code", SYN_SQUARE, "square", solution=True),
            _cell(
                "code",
                "assert square(3) == 9, 'square(3) should be 9'\n"
                "### BEGIN HIDDEN TESTS\nassert square(-2) == 4, 'square(-2) should be 4'\n"
                "### END HIDDEN TESTS",
                "square-tests",
                grade=True,
                locked=True,
                points=3,
            ),
            _cell(
                "markdown",
                "### BEGIN SOLUTION\nSquares grow fast.\n### END SOLUTION",
                "q1",
                grade=True,
                solution=True,
                points=1,
            ),
        ]
    )


def as_exercise(solution: dict) -> dict:
    """What a learner receives: answers stubbed, hidden tests removed (like make exercises)."""
    nb = copy.deepcopy(solution)
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if meta.get("solution"):
            cell["source"] = stub_source(source, cell["cell_type"])
        elif meta.get("grade"):
            cell["source"] = re.sub(
                r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", source, flags=re.S
            )
    return nb


def find(nb: dict, grade_id: str) -> int:
    for index, cell in enumerate(nb["cells"]):
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def with_source(nb: dict, grade_id: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    nb["cells"][find(nb, grade_id)]["source"] = source
    return nb


def text_of(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def append_to(nb: dict, grade_id: str, code: str) -> dict:
    nb = copy.deepcopy(nb)
    cell = nb["cells"][find(nb, grade_id)]
    cell["source"] = text_of(cell).rstrip("\n") + "\n\n" + code
    return nb


def tree_digest(folder: Path) -> str:
    """Hash of every file's path, mode and content under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(oct(path.stat().st_mode).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, (bytes, str)):
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    else:
        path.write_text(json.dumps(content, indent=1))


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- shared runs


def _shared_root(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _once(tmp_path_factory, name: str, build):
    """Run ``build(folder)`` once per session across xdist workers; return its result."""
    root = _shared_root(tmp_path_factory) / f"grade-{name}"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / "result.pickle"
        if not done.exists():
            result = build(root / "work")
            done.write_bytes(pickle.dumps(result))
        return pickle.loads(done.read_bytes())


def _records(run) -> dict:
    return {(r["learner"], r["exercise"]): r for r in run.records}


# --- synthetic run

SYN_TIMEOUT = 6
SYN_TOTAL = 25


def _synthetic_submissions() -> dict[str, dict[str, object]]:
    sol = synthetic_solution()
    ex = as_exercise(sol)
    name = f"{SYN}.ipynb"
    subs = {
        "correct": {name: sol},
        "untouched": {name: ex},
        "wrong": {name: with_source(sol, "square", "def square(x):\n    return 2 * x\n")},
        "visible_only": {
            name: with_source(sol, "square", "def square(x):\n    return 9 if x == 3 else 0\n")
        },
        "tampered": {name: _tampered(ex)},
        "sleeper": {name: append_to(sol, "square", "time.sleep(10_000)")},
        "slow": {name: _slow(sol)},
        "os_exit": {name: append_to(sol, "square", "os._exit(1)")},
        "os_kill": {
            name: append_to(sol, "square", "import signal\nos.kill(os.getpid(), signal.SIGKILL)")
        },
        "sys_exit": {name: append_to(sol, "square", "sys.exit(3)")},
        "vandal": {name: append_to(sol, "add", VANDAL)},
        "spawner": {name: append_to(sol, "add", SPAWNER)},
        "stderr": {  # stderr and warnings inside the tests cost nothing
            name: with_source(
                sol,
                "add",
                "import warnings\n\n\ndef add(a, b):\n"
                "    print('library noise', file=sys.stderr)\n"
                "    warnings.warn('a library warning', stacklevel=2)\n"
                "    return a + b\n",
            )
        },
        "fd_writer": {  # bytes straight to the kernel's inherited stdout and stderr
            name: append_to(
                sol,
                "add",
                "os.write(1, b'{\"status\": \"ok\"}\\n' * 1000)\nos.write(2, b'noise\\n' * 1000)",
            )
        },
        "flood": {
            name: append_to(
                sol, "add", "print('x' * 3_000_000)\nfor i in range(20_000):\n    print('line', i)"
            )
        },
        "restructured": {name: _restructured(sol)},
        "no_square": {name: _without(sol, "square")},
        "empty": {name: b""},
        "blank": {name: b"  \n"},
        "invalid_json": {name: json.dumps(sol)[:300]},
        "binary": {name: b"\x89PNG\r\n\x1a\n\x00\x00"},
        "nbformat3": {name: {"nbformat": 3, "nbformat_minor": 0, "worksheets": []}},
        "misnamed": {"syn1_basic.ipynb": sol},
        "nothing": {},
    }
    return subs


VANDAL = """
import shutil
from pathlib import Path
for path in Path('.').iterdir():
    if path.is_file():
        path.unlink()
    else:
        shutil.rmtree(path)
Path('vandal.txt').write_text('was here')
Path('../escaped_to_parent.txt').write_text('still inside the temporary folder')
os.makedirs('deep/deeper', exist_ok=True)
"""


SPAWNER_SECONDS = "611.25"  # an unusual duration: the test finds these processes by it
SPAWNER = f"""
import subprocess
import time
for new_session in (False, True):
    subprocess.Popen(['sleep', '{SPAWNER_SECONDS}'], start_new_session=new_session)
time.sleep(1.0)  # long enough for the test's watcher (every 0.1 s) to see them
"""


class _SpawnWatcher:
    """Notes, while a run goes on, every process the spawner submission started."""

    def __init__(self):
        import threading

        self.seen: set[int] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        while not self.stop.wait(0.1):
            self.seen.update(p.pid for p in _spawned_processes())

    def close(self) -> list[int]:
        self.stop.set()
        self.thread.join()
        return sorted(self.seen)


def _spawned_processes() -> list:
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        try:
            if proc.info["cmdline"] == ["sleep", SPAWNER_SECONDS] and (
                proc.info["status"] != psutil.STATUS_ZOMBIE
            ):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def _tampered(ex: dict) -> dict:
    nb = copy.deepcopy(ex)
    for grade_id in ("add-tests", "square-tests"):
        cell = nb["cells"][find(nb, grade_id)]
        cell["source"] = "pass  # tests removed"
        cell["metadata"]["nbgrader"].update(points=100, grade=False, locked=False)
    return nb


def _slow(sol: dict) -> dict:
    nb = copy.deepcopy(sol)
    index = find(nb, "add-tests") + 1
    for _ in range(12):
        nb["cells"].insert(index, _cell("code", "time.sleep(3)"))
    return nb


def _restructured(sol: dict) -> dict:
    """Test deleted, test duplicated, answers swapped, an answer retyped, a cell added."""
    nb = copy.deepcopy(sol)
    cells = nb["cells"]
    add_cell = cells[find(nb, "add")]
    square_cell = cells[find(nb, "square")]
    add_cell["cell_type"] = "markdown"
    add_cell.pop("outputs", None)
    add_cell.pop("execution_count", None)
    square_tests = copy.deepcopy(cells[find(nb, "square-tests")])
    del cells[find(nb, "add-tests")]
    i, j = find(nb, "add"), find(nb, "square")
    cells[i], cells[j] = square_cell, add_cell
    cells.append(square_tests)
    cells.append(_cell("code", "print('my own experiment', add(2, 2))"))
    return nb


def _without(sol: dict, grade_id: str) -> dict:
    nb = copy.deepcopy(sol)
    del nb["cells"][find(nb, grade_id)]
    return nb


def _build_synthetic(work: Path):
    solutions = work / "solutions"
    write(solutions / f"{SYN}.ipynb", synthetic_solution())
    write(solutions / "data.txt", "support file\n")
    submissions = work / "submissions"
    submissions.mkdir(parents=True)
    for learner, files in _synthetic_submissions().items():
        (submissions / learner).mkdir()
        for filename, content in files.items():
            write(submissions / learner / filename, content)
    runner = work / "cwd"
    runner.mkdir()
    before = {p: tree_digest(p) for p in (submissions, solutions, runner)}
    old = os.getcwd()
    os.chdir(runner)
    watcher = _SpawnWatcher()  # the processes the spawner submission starts
    try:
        run = grade.grade_submissions(
            submissions,
            solutions=solutions,
            out=work / "grades",
            jobs=2,
            timeout=SYN_TIMEOUT,
            total_timeout=SYN_TOTAL,
            quiet=True,
        )
    finally:
        os.chdir(old)
        spawned = watcher.close()
    after = {p: tree_digest(p) for p in (submissions, solutions, runner)}
    import psutil

    leftover = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)]
    alive = [p.pid for p in _spawned_processes()]
    return {
        "run": run,
        "work": work,
        "unchanged": before == after,
        "leftover": leftover,
        "spawned": spawned,
        "spawned_alive": alive,
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return _once(tmp_path_factory, "synthetic", _build_synthetic)


# --- real exercise fixtures


def _real(name: str, solutions: Path, exercises: Path = EXERCISES) -> tuple[dict, dict]:
    sol = json.loads((solutions / f"{name}.ipynb").read_text())
    path = exercises / f"{name}.ipynb"
    ex = json.loads(path.read_text()) if path.exists() else as_exercise(sol)
    return sol, ex


def _answers(nb: dict) -> list[str]:
    return [
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb["cells"]
        if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"
    ]


def _tests(nb: dict) -> list[tuple[str, float]]:
    return [
        (c["metadata"]["nbgrader"]["grade_id"], c["metadata"]["nbgrader"]["points"])
        for c in nb["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade")
        and not c["metadata"]["nbgrader"].get("solution")
        and c["cell_type"] == "code"
    ]


def _points_before(nb: dict, grade_id: str) -> float:
    limit = find(nb, grade_id)
    return sum(p for g, p in _tests(nb) if find(nb, g) < limit)


def _lasso_fixtures(
    name: str, solutions: Path, exercises: Path
) -> dict[str, tuple[dict | bytes | str, float, str]]:
    """learner -> (notebook or raw content, expected points, expected status) for ex04 or the
    tiny exercise (the same shape: soft_threshold, then lasso_coordinate_descent)."""
    sol, ex = _real(name, solutions, exercises)
    total = sum(p for _, p in _tests(sol))
    first, second = _answers(sol)[:2]
    second_cell = text_of(sol["cells"][find(sol, second)])
    wrong_lasso = (
        second_cell.split("### BEGIN SOLUTION")[0].rstrip(" ")
        + "    return np.zeros(np.asarray(X).shape[1])\n"
    )
    tampered = copy.deepcopy(ex)
    for grade_id, _ in _tests(sol):
        cell = tampered["cells"][find(tampered, grade_id)]
        cell["source"] = "pass"
        cell["metadata"]["nbgrader"]["points"] = 1000
    surgery = copy.deepcopy(sol)
    first_test = _tests(sol)[0][0]
    duplicate_answer = copy.deepcopy(surgery["cells"][find(surgery, second)])
    duplicate_setup = copy.deepcopy(surgery["cells"][1])
    del surgery["cells"][find(surgery, first_test)]
    surgery["cells"].insert(3, duplicate_setup)
    surgery["cells"].append(duplicate_answer)
    flood = append_to(
        sol, first, "print('=' * 2_000_000)\nfor i in range(30_000):\n    print('progress', i)"
    )
    return {
        "correct": (sol, total, "ok"),
        "partial": (with_source(sol, second, wrong_lasso), _points_before(sol, second), "ok"),
        "untouched": (ex, 0, "ok"),
        "tampered": (tampered, 0, "ok"),
        "infinite_loop": (
            append_to(sol, second, "while True:\n    pass"),
            _points_before(sol, second),
            "timeout",
        ),
        "kernel_crash": (
            append_to(sol, second, "import os\nos._exit(1)"),
            _points_before(sol, second),
            "kernel-died",
        ),
        "invalid_json": (json.dumps(sol)[:-200], 0, "invalid-json"),
        "empty_file": (b"", 0, "empty"),
        "deleted_and_duplicated": (surgery, total, "ok"),
        "huge_output": (flood, total, "ok"),
    }


FIXTURE_TIMEOUT = 40
FIXTURE_TOTAL = 180
# The tiny exercise's slowest cell imports NumPy (well under a second when idle): 10 s per cell
# leaves a loaded machine a wide margin, and the infinite loop costs 10 s instead of 40.
TINY_TIMEOUT = 10
TINY_TOTAL = 60
# Two kernels, one per worker: a partial answer (the real tests restored and scored) and the
# untouched exercise with its tests tampered with (0). Every other case: the tiny exercise.
REAL_EX04 = ("partial", "tampered")


def _snapshot_solutions(work: Path, names: list[str]) -> Path:
    """A private copy of the solutions: other authors may edit solutions/ meanwhile."""
    import shutil

    solutions = work / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns(".*"))
    for path in solutions.glob("*.ipynb"):
        if path.stem not in names:
            path.unlink()
    return solutions


def _grade_fixtures(work: Path, solutions: Path, fixtures: dict, **limits) -> dict:
    """Grade ``{exercise: {learner: (content, points, status)}}``; what the tests look at."""
    submissions = work / "submissions"
    expected = {}
    for exercise, learners in fixtures.items():
        for learner, (content, points, status) in learners.items():
            write(submissions / learner / f"{exercise}.ipynb", content)
            expected[(learner, exercise)] = (points, status)
    before = tree_digest(submissions)
    solutions_before = tree_digest(solutions)
    run = grade.grade_submissions(
        submissions, solutions=solutions, out=work / "grades", jobs=2, quiet=True, **limits
    )
    unchanged = tree_digest(submissions) == before and tree_digest(solutions) == solutions_before
    return {"records": _records(run), "expected": expected, "unchanged": unchanged}


def _build_fixtures(work: Path):
    import shutil

    real = work / "real"
    solutions = _snapshot_solutions(real, [EX04])
    ex04 = _lasso_fixtures(EX04, solutions, EXERCISES)
    runs = {
        "real": _grade_fixtures(
            real,
            solutions,
            {EX04: {k: ex04[k] for k in REAL_EX04}},
            timeout=FIXTURE_TIMEOUT,
            total_timeout=FIXTURE_TOTAL,
        )
    }
    tiny = work / "tiny"
    (tiny / "solutions").mkdir(parents=True)
    shutil.copy(TINY_DIR / "solutions" / f"{TINY}.ipynb", tiny / "solutions")
    fixtures = _lasso_fixtures(TINY, tiny / "solutions", TINY_DIR / "exercises")
    runs["tiny"] = _grade_fixtures(
        tiny, tiny / "solutions", {TINY: fixtures}, timeout=TINY_TIMEOUT, total_timeout=TINY_TOTAL
    )
    return {"runs": runs, "work": work}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    if not (SOLUTIONS / f"{EX04}.ipynb").exists():
        pytest.skip("solutions/ex04 is not written yet")
    return _once(tmp_path_factory, "fixtures", _build_fixtures)


# --------------------------------------------------------------------------- unit: reading


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"", "empty", "empty"),
        (b"\n \n", "empty", "empty"),
        (b'{"cells": [', "invalid-json", "not valid JSON"),
        (b"\xff\xfe\x00binary", "invalid-json", "not text"),
        (b"[1, 2]", "invalid-notebook", "not a notebook"),
        (b'{"nbformat": 3, "worksheets": []}', "wrong-nbformat", "nbformat 3"),
        (b'{"cells": []}', "wrong-nbformat", "no nbformat field"),
        (b'{"nbformat": 4, "cells": {}}', "invalid-notebook", "no list of cells"),
    ],
)
def test_read_submission_turns_every_broken_file_into_a_status(tmp_path, content, status, words):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content)
    result = read_submission(path)
    assert result.notebook is None
    assert result.status == status
    assert words in result.message


def test_read_submission_accepts_a_notebook_with_a_bom_and_list_sources(tmp_path):
    path = tmp_path / "nb.ipynb"
    nb = synthetic_solution()
    nb["cells"][2]["source"] = SYN_ADD.splitlines(keepends=True)
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(nb).encode())
    result = read_submission(path)
    assert result.status == "ok"
    assert result.digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_load_exercise_classifies_cells_and_counts_points(tmp_path):
    write(tmp_path / f"{SYN}.ipynb", synthetic_solution())
    exercise = load_exercise(tmp_path / f"{SYN}.ipynb")
    kinds = [(c.grade_id, c.kind) for c in exercise.cells]
    assert kinds == [
        ("intro", "locked"),
        ("setup", "locked"),
        ("add", "answer"),
        ("add-tests", "test"),
        ("square", "answer"),
        ("square-tests", "test"),
        ("q1", "manual"),
    ]
    assert exercise.max_points == 5
    assert exercise.manual_max_points == 1


def test_load_exercise_rejects_duplicate_grade_ids(tmp_path):
    nb = synthetic_solution()
    nb["cells"].append(copy.deepcopy(nb["cells"][3]))
    write(tmp_path / "bad.ipynb", nb)
    with pytest.raises(ValueError, match="Two cells .* grade_id 'add-tests'"):
        load_exercise(tmp_path / "bad.ipynb")


def test_stub_source_keeps_the_signature_and_raises():
    # The same stub as make exercises writes (one cell format for both: issue 10).
    stub = stub_source(SYN_ADD)
    assert stub.splitlines() == [
        "def add(a, b):",
        "    # your code here",
        '    raise NotImplementedError("Replace this line with your implementation of add.")',
    ]
    assert stub_source("x = 1").splitlines()[-1] == (
        'raise NotImplementedError("Replace this line with your code.")'
    )
    assert stub_source("anything", "markdown") == "YOUR ANSWER HERE"


# --------------------------------------------------------------------------- unit: assembling


def _exercise(tmp_path) -> grade.Exercise:
    write(tmp_path / f"{SYN}.ipynb", synthetic_solution())
    return load_exercise(tmp_path / f"{SYN}.ipynb")


def _sources(assembled) -> list[str]:
    return [c["source"] for c in assembled.notebook["cells"]]


def _visible(assembled) -> list[dict]:
    """The assembled cells without the grader's marker cells."""
    return [c for c in assembled.notebook["cells"] if not grade._is_marker(c)]


def test_assemble_puts_a_marker_after_each_code_cell(tmp_path):
    cells = assemble_notebook(synthetic_solution(), _exercise(tmp_path)).notebook["cells"]
    for cell, after in zip(cells, cells[1:] + [None], strict=True):
        if cell["cell_type"] == "code" and not grade._is_marker(cell):
            assert after is not None and grade._is_marker(after)
            assert after["source"] == grade.MARKER_SOURCE


def test_assemble_restores_tests_with_their_hidden_part_and_ignores_tampering(tmp_path):
    exercise = _exercise(tmp_path)
    assembled = assemble_notebook(_tampered(as_exercise(synthetic_solution())), exercise)
    sources = _sources(assembled)
    tests = [sources[assembled.test_cells[g]] for g in ("add-tests", "square-tests")]
    assert "assert add(-1, 1) == 0" in tests[0]  # the hidden test is back
    assert "square(-2) == 4" in tests[1]
    assert not any("tests removed" in s for s in sources)
    meta = assembled.notebook["cells"][assembled.test_cells["add-tests"]]["metadata"]["nbgrader"]
    assert meta["points"] == 2  # the solution's metadata, not the tampered one
    assert any("`add-tests` had been edited" in note for note in assembled.notes)


def test_assemble_exercise_as_handed_out_needs_no_notes(tmp_path):
    assembled = assemble_notebook(as_exercise(synthetic_solution()), _exercise(tmp_path))
    assert assembled.notes == []
    assert "raise NotImplementedError" in _visible(assembled)[2]["source"]


def test_assemble_repairs_deleted_duplicated_moved_and_retyped_cells(tmp_path):
    assembled = assemble_notebook(_restructured(synthetic_solution()), _exercise(tmp_path))
    sources = [c["source"] for c in _visible(assembled)]
    kinds = [c["cell_type"] for c in _visible(assembled)]
    # The solution's order, the retyped answer back to code, one copy of each test,
    # and the learner's own cell after the cell it followed.
    assert sources[2].startswith("def add") and kinds[2] == "code"
    assert sources[4].startswith("def square")
    assert sum("square(3) == 9" in s for s in sources) == 1
    assert sources[-1].startswith("print('my own experiment'")
    notes = " ".join(assembled.notes)
    assert "`add-tests` was missing" in notes
    assert "`add` had been changed to markdown; it was graded as a code cell" in notes
    assert "`square-tests` appears 2 times" in notes
    assert "moved" in notes


def test_assemble_grades_a_deleted_answer_as_not_attempted(tmp_path):
    assembled = assemble_notebook(_without(synthetic_solution(), "square"), _exercise(tmp_path))
    assert "raise NotImplementedError" in _visible(assembled)[4]["source"]
    assert any("`square` was missing" in note for note in assembled.notes)


def test_assemble_keeps_cells_added_by_the_learner_in_place(tmp_path):
    nb = synthetic_solution()
    nb["cells"].insert(3, _cell("code", "helper = 41"))
    nb["cells"].insert(0, _cell("code", "print('first')"))
    sources = [c["source"] for c in _visible(assemble_notebook(nb, _exercise(tmp_path)))]
    assert sources[0] == "print('first')"
    assert sources.index("helper = 41") == sources.index(SYN_ADD) + 1


# --------------------------------------------------------------------------- unit: scoring


def _report(executed=True, error=None):
    return {"executed": executed, "error": error, "output": "", "output_chars": 0}


def test_score_counts_points_of_tests_that_ran_cleanly(tmp_path):
    exercise = _exercise(tmp_path)
    assembled = assemble_notebook(synthetic_solution(), exercise)
    cells = [_report() if c["cell_type"] == "code" else None for c in assembled.notebook["cells"]]
    cells[assembled.test_cells["square-tests"]] = _report(
        error={"ename": "AssertionError", "evalue": "square(3) should be 9"}
    )
    result = score(
        exercise, assembled, {"status": "ok", "message": "", "cells": cells, "executed": True}
    )
    assert result["points"] == 2 and result["max_points"] == 5
    rows = {r["grade_id"]: r for r in result["rows"]}
    assert rows["add-tests"]["status"] == "passed"
    assert rows["square-tests"]["message"] == "AssertionError: square(3) should be 9"
    assert rows["q1"]["status"] == "manual" and rows["q1"]["points"] is None


def test_score_of_a_stopped_notebook_keeps_what_was_earned(tmp_path):
    exercise = _exercise(tmp_path)
    assembled = assemble_notebook(synthetic_solution(), exercise)
    # The square answer cell started and never ended.
    stop = next(i for i, g in assembled.answer_cells.items() if g == "square")
    cells = [
        (_report() if i <= stop else _report(executed=False)) if c["cell_type"] == "code" else None
        for i, c in enumerate(assembled.notebook["cells"])
    ]
    result = score(
        exercise,
        assembled,
        {"status": "kernel-died", "message": "The kernel died.", "cells": cells, "executed": True},
    )
    rows = {r["grade_id"]: r for r in result["rows"]}
    assert result["points"] == 2
    assert rows["square-tests"]["status"] == "not-run"
    assert "your answer cell `square`" in rows["square-tests"]["message"]
    assert "stopped in your answer cell `square`" in result["message"]


def test_score_blames_the_next_cell_when_its_start_was_never_reported(tmp_path):
    # The kernel died right after starting the square cell: only the marker after
    # the add tests reported its start. The add tests finished and keep their points.
    exercise = _exercise(tmp_path)
    assembled = assemble_notebook(synthetic_solution(), exercise)
    marker = assembled.test_cells["add-tests"] + 1
    cells = [
        (_report() if i <= marker else _report(executed=False))
        if c["cell_type"] == "code"
        else None
        for i, c in enumerate(assembled.notebook["cells"])
    ]
    result = score(
        exercise,
        assembled,
        {"status": "kernel-died", "message": "The kernel died.", "cells": cells, "executed": True},
    )
    assert result["points"] == 2
    assert "stopped in your answer cell `square`" in result["message"]


# --------------------------------------------------------------------------- unit: outputs


def _record(**changes):
    record = {
        "learner": "ana<b>",
        "exercise": SYN,
        "points": 2.0,
        "max_points": 5.0,
        "manual_max_points": 1.0,
        "status": "ok",
        "message": "",
        "rows": [
            {
                "grade_id": "add-tests",
                "points": 2.0,
                "max_points": 2.0,
                "status": "passed",
                "message": "",
                "output": "",
            },
            {
                "grade_id": "square-tests",
                "points": 0.0,
                "max_points": 3.0,
                "status": "failed",
                "message": "AssertionError: 1 | 2 <x>",
                "output": "expected <9>",
            },
            {
                "grade_id": "q1",
                "points": None,
                "max_points": 1.0,
                "status": "manual",
                "message": "Graded by hand.",
                "output": "",
            },
        ],
        "notes": ["A note."],
        "cell_errors": [],
    }
    record.update(changes)
    return record


def test_feedback_lists_each_test_with_points_message_and_total():
    md = feedback_markdown(_record())
    assert "**Score: 2 / 5 points (40.0%)**" in md
    # Learner text is escaped in Markdown as in HTML: no raw HTML, links or table breaks.
    assert "| `square-tests` | failed | 0 / 3 | AssertionError: 1 \\| 2 &lt;x&gt; |" in md
    assert "`q1` (1 points)" in md and "- A note." in md
    assert "```text\nexpected <9>\n```" in md  # output in a fence, shown as it was
    page = feedback_html(_record())
    assert "ana&lt;b&gt;" in page and "1 | 2 &lt;x&gt;" in page and "<x>" not in page
    assert page.startswith("<!DOCTYPE html>")


def test_summary_rows_have_totals_percentages_and_an_average_per_exercise():
    records = [
        _record(learner="a"),
        _record(learner="b", points=5.0),
        _record(learner="a", exercise="other", points=1.0, max_points=4.0),
    ]
    rows = summary_rows(records)
    assert [r["percentage"] for r in rows] == ["40.0", "100.0", "25.0"]  # learners only
    average = average_rows(records)
    assert [(r["exercise"], r["points"], r["percentage"], r["learners"]) for r in average] == [
        ("other", "1.00", "25.0", "1"),
        (SYN, "3.50", "70.0", "2"),
    ]


def test_main_reports_usage_problems_with_exit_status_2(tmp_path, capsys):
    assert grade.main([str(tmp_path / "nowhere"), "--solutions", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    write(tmp_path / "solutions" / f"{SYN}.ipynb", synthetic_solution())
    (tmp_path / "subs").mkdir()
    assert (
        grade.main(
            [str(tmp_path / "subs"), "--solutions", str(tmp_path / "solutions"), "--only", "ex99"]
        )
        == 2
    )
    assert "--only ex99: no such exercise" in capsys.readouterr().err


def test_closest_exercise_suggests_by_number_or_spelling():
    names = [EX04, EX05]
    assert grade._closest_exercise("ex4_lasso", names) == [EX04]
    assert grade._closest_exercise("Ex_05 copy", names) == [EX05]
    assert grade._closest_exercise("ex04_laso_from_scratch", names) == [EX04]
    assert grade._closest_exercise("homework", names) == []


# --------------------------------------------------------------------------- synthetic run

SYN_EXPECTED = {
    # learner: (points, status, words in the feedback)
    "correct": (5, "ok", []),
    "untouched": (0, "ok", ["NotImplementedError"]),
    "wrong": (2, "ok", ["square(3) should be 9"]),
    # Only the hidden test fails; its message stays hidden (issue 10).
    "visible_only": (2, "ok", ["a hidden test failed"]),
    "tampered": (0, "ok", ["had been edited"]),
    "sleeper": (
        2,
        "timeout",
        [f"limit of {SYN_TIMEOUT} s per cell", "stopped in your answer cell `square`"],
    ),
    "slow": (2, "time-limit", [f"total limit of {SYN_TOTAL} s"]),
    "os_exit": (2, "kernel-died", ["kernel died"]),
    "os_kill": (2, "kernel-died", ["kernel died"]),
    "sys_exit": (5, "ok", ["raised SystemExit"]),
    "vandal": (5, "ok", []),
    "spawner": (5, "ok", []),
    "stderr": (5, "ok", []),
    "fd_writer": (5, "ok", []),
    "flood": (5, "ok", ["characters of output"]),
    "restructured": (5, "ok", ["was missing", "changed to markdown", "appears 2 times"]),
    "no_square": (2, "ok", ["`square` was missing"]),
    "empty": (0, "empty", ["empty"]),
    "blank": (0, "empty", ["empty"]),
    "invalid_json": (0, "invalid-json", ["not valid JSON"]),
    "binary": (0, "invalid-json", ["not text"]),
    "nbformat3": (0, "wrong-nbformat", ["nbformat 3"]),
    "nothing": (0, "missing", ["No syn01_basics.ipynb was handed in"]),
    "misnamed": (0, "missing", ["syn1_basic.ipynb looks like it"]),
}


@pytest.mark.parametrize("learner", sorted(SYN_EXPECTED))
def test_synthetic_submission_gets_its_expected_score_and_status(synthetic, learner):
    points, status, words = SYN_EXPECTED[learner]
    record = _records(synthetic["run"])[(learner, SYN)]
    assert (record["points"], record["status"]) == (points, status), record
    feedback = (synthetic["work"] / "grades" / "feedback" / learner / f"{SYN}.md").read_text()
    for word in words:
        assert word in feedback, (word, feedback)
    assert "square(-2)" not in feedback  # no hidden test code or message


def test_synthetic_misnamed_file_is_reported_with_a_suggestion(synthetic):
    record = _records(synthetic["run"])[("misnamed", "syn1_basic")]
    assert record["status"] == "unknown-exercise"
    assert "did you mean syn01_basics.ipynb?" in record["message"]


def test_grading_leaves_submissions_solutions_and_cwd_untouched(synthetic):
    assert synthetic["unchanged"]
    work = synthetic["work"]
    assert not list(work.rglob("vandal.txt"))
    assert not list(work.rglob("escaped_to_parent.txt"))
    assert (work / "solutions" / "data.txt").read_text() == "support file\n"


def test_no_kernel_or_temporary_folder_outlives_the_run(synthetic):
    import tempfile

    assert synthetic["leftover"] == []  # no worker, kernel or child of a kernel
    # Processes a submission started, even in a session of their own, are gone too.
    assert len(synthetic["spawned"]) == 2
    assert synthetic["spawned_alive"] == []
    leftovers = list(Path(tempfile.gettempdir()).glob("course-grade-*/**/vandal.txt"))
    assert leftovers == []


def test_flooded_output_is_truncated_in_what_is_stored(synthetic):
    work = synthetic["work"]
    state = work / "grades" / ".state" / "flood" / f"{SYN}.json"
    feedback = work / "grades" / "feedback" / "flood" / f"{SYN}.md"
    assert state.stat().st_size < 20_000
    assert feedback.stat().st_size < 20_000


def test_grades_csv_has_one_row_per_learner_exercise_and_test(synthetic):
    rows = read_csv(synthetic["work"] / "grades" / "grades.csv")
    assert list(rows[0]) == grade.GRADES_COLUMNS
    correct = [r for r in rows if r["learner"] == "correct"]
    assert [(r["grade_id"], r["points"], r["max_points"], r["status"]) for r in correct] == [
        ("add-tests", "2", "2", "passed"),
        ("square-tests", "3", "3", "passed"),
        ("q1", "", "1", "manual"),
    ]
    sleeper = {r["grade_id"]: r for r in rows if r["learner"] == "sleeper"}
    assert sleeper["square-tests"]["status"] == "not-run"
    empty = [r for r in rows if r["learner"] == "empty" and r["grade_id"] != "q1"]
    assert {r["status"] for r in empty} == {"empty"} and len(empty) == 2


def test_summary_csv_has_totals_and_the_exercise_average(synthetic):
    rows = read_csv(synthetic["work"] / "grades" / "summary.csv")
    assert list(rows[0]) == grade.SUMMARY_COLUMNS
    by_learner = {(r["learner"], r["exercise"]): r for r in rows}
    assert by_learner[("wrong", SYN)]["percentage"] == "40.0"
    assert "(average)" not in {r["learner"] for r in rows}  # averages have their own file
    averages = {r["exercise"]: r for r in read_csv(synthetic["work"] / "grades" / "averages.csv")}
    graded = [r for r in rows if r["exercise"] == SYN]
    mean = sum(float(r["points"]) for r in graded) / len(graded)
    assert float(averages[SYN]["points"]) == pytest.approx(mean, abs=0.01)
    assert averages[SYN]["learners"] == str(len(graded))


def test_feedback_exists_as_markdown_and_html_for_every_learner(synthetic):
    feedback = synthetic["work"] / "grades" / "feedback"
    for learner in SYN_EXPECTED:
        name = "syn1_basic" if learner == "misnamed" else SYN
        assert (feedback / learner / f"{name}.md").is_file()
        assert (feedback / learner / f"{name}.html").is_file()


def test_rerun_skips_unchanged_submissions_and_force_regrades(synthetic, tmp_path):
    import shutil

    work = tmp_path / "copy"
    shutil.copytree(synthetic["work"], work)
    for learner in (work / "submissions").iterdir():  # keep three learners
        if learner.name not in {"correct", "wrong", "untouched"}:
            shutil.rmtree(learner)
    args = dict(
        solutions=work / "solutions",
        out=work / "grades",
        jobs=2,
        timeout=SYN_TIMEOUT,
        total_timeout=SYN_TOTAL,
        quiet=True,
    )
    first = _records(synthetic["run"])
    again = grade.grade_submissions(work / "submissions", **args)
    assert (again.graded, again.skipped) == (0, 3)
    assert _records(again) == {
        k: v for k, v in first.items() if k[0] in {"correct", "wrong", "untouched"}
    }
    rows = read_csv(work / "grades" / "grades.csv")
    assert {r["learner"] for r in rows} == {"correct", "wrong", "untouched"}
    # A changed submission and a lost result (an interrupted run) are graded again.
    write(work / "submissions" / "wrong" / f"{SYN}.ipynb", synthetic_solution())
    (work / "grades" / ".state" / "untouched" / f"{SYN}.json").unlink()
    resumed = grade.grade_submissions(work / "submissions", **args)
    assert (resumed.graded, resumed.skipped) == (2, 1)
    assert _records(resumed)[("wrong", SYN)]["points"] == 5
    forced = grade.grade_submissions(work / "submissions", **{**args, "force": True})
    assert (forced.graded, forced.skipped) == (3, 0)
    # --only another exercise, with other limits: the results of the first one stay.
    write(work / "solutions" / "syn02_more.ipynb", synthetic_solution())
    write(work / "submissions" / "correct" / "syn02_more.ipynb", synthetic_solution())
    only = grade.grade_submissions(
        work / "submissions", **{**args, "timeout": SYN_TIMEOUT + 1, "only": ["syn02"]}
    )
    assert only.graded == 1
    statuses = {k: r["status"] for k, r in _records(only).items()}
    assert statuses == {
        ("correct", SYN): "ok",
        ("wrong", SYN): "ok",
        ("untouched", SYN): "ok",
        ("correct", "syn02_more"): "ok",
        ("wrong", "syn02_more"): "missing",
        ("untouched", "syn02_more"): "missing",
    }


def test_results_are_stale_when_the_solution_or_the_limits_change(tmp_path):
    exercise = _exercise(tmp_path)
    item = grade.Item("ana", SYN, None, submission=grade.Submission({}, digest="abc"))
    key = grade._item_key(item, exercise, {"timeout": 60})
    assert grade._item_key(item, exercise, {"timeout": 60}) == key
    assert grade._item_key(item, exercise, {"timeout": 30}) != key
    exercise.digest = "changed"
    assert grade._item_key(item, exercise, {"timeout": 60}) != key


# --------------------------------------------------------------------------- real exercises


@pytest.mark.parametrize("run", ["real", "tiny"])
def test_real_fixture_submissions_get_their_expected_score_and_status(fixtures, run):
    records, expected = fixtures["runs"][run]["records"], fixtures["runs"][run]["expected"]
    got = {key: (records[key]["points"], records[key]["status"]) for key in expected}
    assert got == expected


def test_real_fixture_feedback_explains_what_happened(fixtures):
    def text(learner, exercise=TINY):
        run = "tiny" if exercise == TINY else "real"
        feedback = fixtures["work"] / run / "grades" / "feedback"
        return (feedback / learner / f"{exercise}.md").read_text()

    for exercise in (EX04, TINY):
        assert "AssertionError" in text("partial", exercise)
        assert "had been edited" in text("tampered", exercise)
    assert "per cell" in text("infinite_loop")
    assert "kernel died" in text("kernel_crash")
    assert "was missing" in text("deleted_and_duplicated")
    assert "appears 2 times" in text("deleted_and_duplicated")
    assert "characters of output" in text("huge_output")
    assert len(text("huge_output")) < 20_000


def test_real_fixture_grading_never_modifies_submissions_or_solutions(fixtures):
    assert fixtures["runs"]["real"]["unchanged"] and fixtures["runs"]["tiny"]["unchanged"]


def test_tiny_exercise_is_built_from_its_source_as_the_course_builds_exercises():
    """The fixture's solution matches its jupytext source, its exercise is what
    ``course_utils.instructor.exercises`` writes from that solution, and it needs no
    scikit-learn or Matplotlib (the reason it exists)."""
    from course_utils.instructor import exercises, sources

    solution = TINY_DIR / "solutions" / f"{TINY}.ipynb"
    assert sources.compare(solution, TINY_DIR / "sources" / "solutions" / f"{TINY}.py") == []
    generated = exercises.generate(TINY_DIR / "solutions", TINY_DIR / "exercises", check=True)
    assert set(generated.values()) == {"unchanged"}
    code = " ".join(text_of(c) for c in json.loads(solution.read_text())["cells"])
    assert "sklearn" not in code and "matplotlib" not in code and "setup_notebook" not in code


def test_summary_table_shows_percentages_flags_and_averages():
    records = [
        _record(learner="ana"),
        _record(learner="ben", points=0.0, status="missing", message="No file."),
    ]
    table = grade.summary_table(records)
    lines = table.splitlines()
    assert lines[0].split() == ["syn01", "total"]
    assert lines[1].split() == ["ana", "40%", "40%"]
    assert lines[2].split() == ["ben", "0%*", "0%"]
    assert lines[3].split() == ["(average)", "20%"]
    assert lines[4] == "* not graded normally: missing (1)"


def test_progress_prints_one_plain_line_per_submission_off_a_terminal():
    import io

    stream = io.StringIO()
    progress = grade._Progress(2, stream=stream)
    progress.update("ana/ex04", "8/8 (100%)")
    progress.update("ben/ex04", "3/8 (38%) timeout")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("[############------------] 1/2")
    assert lines[1].endswith("ben/ex04: 3/8 (38%) timeout")


@pytest.mark.parametrize("module", ["course_utils.grade", "course_utils.instructor.grade"])
def test_command_runs_as_a_module(module):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "SUBMISSIONS" in out.stdout and "--total-timeout" in out.stdout


def test_folder_size_guard_counts_bytes_and_entries(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "big.bin").write_bytes(b"x" * 5000)
    (tmp_path / "small.txt").write_bytes(b"y" * 100)
    assert not grade._folder_exceeds(tmp_path, 6000)
    assert grade._folder_exceeds(tmp_path, 5000)
    assert grade._folder_exceeds(tmp_path, 10**9, max_entries=2)


def test_grading_bench_reports_both_budgets(tmp_path):
    from course_utils.instructor import grade_bench

    write(tmp_path / f"{SYN}.ipynb", synthetic_solution())
    write(tmp_path / "data.txt", "support file\n")
    result = grade_bench.run_grading_bench("syn01", submissions=2, repeats=1, solutions=tmp_path)
    assert result["exercise"] == SYN and result["all_full_marks"]
    assert result["jobs1"]["submissions"] == result["jobs2"]["submissions"] == 2
    assert set(result["within_budget"]) == {"overhead_seconds", "jobs2_speedup"}
    batch = result["jobs1"]
    expected = (batch["wall_seconds"] - sum(batch["execute_seconds"])) / 2
    assert result["overhead_seconds"] == pytest.approx(expected, abs=0.02)
    vs_alone = batch["wall_seconds"] / 2 - result["alone_best_seconds"]
    assert result["overhead_vs_alone_seconds"] == pytest.approx(vs_alone, abs=0.02)
    assert "Overhead per submission" in grade_bench.format_report(result)
    with pytest.raises(ValueError, match="even number"):
        grade_bench.run_grading_bench("syn01", submissions=3, solutions=tmp_path)
