"""Hostile submissions for ``course-grade`` (issue 10): what an attacking learner hands in.

Each :class:`Attack` plants one submission in its learner folder. Most start from the
untouched exercise (stub answers), so that the only points they could get are
unearned ones; a few start from the solution where the attack is about something
else than points (forging other learners' records, tampering, escaping clean-up).

The attack code that runs in the learner's kernel finds everything itself, as a
real learner would (the grader's command line in ``/proc``, the repository through
``course_utils.__file__``, ...). The only help it gets is the ``G2`` dictionary at the
top of its cell: the run's marker string (so that the suite can find the processes
it started and never touches another grader running on the same machine), the
ports of the suite's listening sockets, the names of the victim learners and of the
exercise they hand in (which any learner knows).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# The victims' exercise: tests/fixtures/tiny_exercise, the shape of ex04 (soft_threshold for 3
# points, lasso_coordinate_descent for 5, a written question) with NumPy only, so that each
# sandboxed kernel costs about a second instead of ex04's three or four (scikit-learn, Matplotlib).
TINY = "ex99_tiny_lasso"
TINY_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_exercise"
EX03 = "ex03_elastic_net_vs_l1_l2"
EX01 = "ex01_l2_on_a_new_dataset"
TINY_FULL = 8.0  # autograded points of the tiny exercise
EX03_FULL = 6.0

# Learners every batch holds: their scores tell whether an attack spoiled others' grades.
CORRECT = "control-correct"
UNTOUCHED = "control-untouched"
PARTIAL = "control-partial"  # soft_threshold right, the Lasso a stub: 3 points


@dataclass
class Context:
    """What a builder may use: the notebooks, and the suite's markers and ports."""

    solutions: dict[str, dict]  # exercise -> solution notebook
    exercises: dict[str, dict]  # exercise -> untouched exercise notebook
    run: str  # marker string of this run, e.g. "g2atk1a2b3c4d"
    port: int  # TCP and UDP listener of the suite on 127.0.0.1: must receive nothing
    bind_port: int  # a port an attack listens on: the suite must not reach it
    secret_name: str  # an environment variable of the grader that kernels must not see
    secret_value: str
    solutions_dir: Path  # the suite's copy of the solutions (for symlink attacks only)
    out_dir: Path

    def sol(self, exercise: str = TINY) -> dict:
        return copy.deepcopy(self.solutions[exercise])

    def ex(self, exercise: str = TINY) -> dict:
        return copy.deepcopy(self.exercises[exercise])

    def header(self) -> str:
        g2 = {
            "run": self.run,
            "port": self.port,
            "bind_port": self.bind_port,
            "victims": [CORRECT, UNTOUCHED, PARTIAL],
            "secret_name": self.secret_name,
            "exercise": TINY,
        }
        return f"G2 = {json.dumps(g2)!r}\nimport json as _g2_json\nG2 = _g2_json.loads(G2)\n"


@dataclass
class Attack:
    """One hostile submission.

    ``plant(folder, ctx)`` writes the learner folder's content. ``earned`` is what the
    submission may score per exercise (exactly); ``sandbox`` says that only the OS
    sandbox can stop it (skipped, loudly, where bubblewrap cannot run).
    ``verify(outcome)`` returns a list of problems for checks specific to the attack.
    """

    name: str
    group: str
    plant: Callable[[Path, Context], None]
    earned: dict[str, float] = field(default_factory=lambda: {TINY: 0.0})
    sandbox: bool = False
    folder: str | bytes | None = None  # learner folder name (default: name)
    row_tag: str | None = None  # substring that finds the learner's rows (odd names)
    verify: Callable[[object], list[str]] | None = None
    own_code_is_solution: bool = False  # the learner's own cells hold the solution's code
    row_optional: bool = False  # the grader may skip the folder, naming it in a warning
    note: str = ""

    @property
    def folder_name(self) -> str | bytes:
        return self.folder if self.folder is not None else self.name

    @property
    def tag(self) -> str:
        return self.row_tag or self.name


# --------------------------------------------------------------------------- notebook surgery


def text_of(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def find(nb: dict, grade_id: str) -> int:
    for index, cell in enumerate(nb["cells"]):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def code_cell(source: str, metadata: dict | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": metadata or {},
        "outputs": [],
        "source": source,
    }


def insert_after(nb: dict, grade_id: str, source: str, metadata: dict | None = None) -> dict:
    """A learner's own cell right after the cell ``grade_id``."""
    nb = copy.deepcopy(nb)
    nb["cells"].insert(find(nb, grade_id) + 1, code_cell(source, metadata))
    return nb


def set_answer(nb: dict, grade_id: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    nb["cells"][find(nb, grade_id)]["source"] = source
    return nb


def write_notebook(folder: Path, exercise: str, nb: dict | bytes | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{exercise}.ipynb"
    if isinstance(nb, bytes):
        path.write_bytes(nb)
    elif isinstance(nb, str):
        path.write_text(nb, encoding="utf-8")
    else:
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def first_cell_attack(code: str, exercise: str = TINY, *, on_solution: bool = False):
    """A builder: the exercise (or solution) with ``code`` in a cell after the first answer."""
    first_answer = {TINY: "ex99-soft-threshold", EX03: "ex03-fit", EX01: "ex01-ridge"}[exercise]

    def plant(folder: Path, ctx: Context) -> None:
        nb = ctx.sol(exercise) if on_solution else ctx.ex(exercise)
        source = ctx.header() + PRELUDE + "\n" + code
        write_notebook(folder, exercise, insert_after(nb, first_answer, source))

    return plant


def answers_attack(answers: dict[str, str], exercise: str = TINY, *, prelude: str = ""):
    """A builder: the exercise with its answer cells replaced (the functions themselves attack)."""

    def plant(folder: Path, ctx: Context) -> None:
        nb = ctx.ex(exercise)
        for number, (grade_id, source) in enumerate(answers.items()):
            head = ctx.header() + PRELUDE + "\n" + prelude + "\n" if number == 0 else ""
            nb = set_answer(nb, grade_id, head + source)
        write_notebook(folder, exercise, nb)

    return plant


# Helpers every attack cell gets: how a learner finds the grader and its folders.
PRELUDE = r'''
import os as _os, sys as _sys, json as _json, re as _re


def g2_proc_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return [part.decode("utf-8", "replace") for part in handle.read().split(b"\0") if part]
    except OSError:
        return []


def g2_ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def g2_ancestors():
    chain, pid = [], g2_ppid(_os.getpid())
    while pid > 1 and len(chain) < 50:
        chain.append(pid)
        pid = g2_ppid(pid)
    return chain


def g2_is_grader(cmd):
    return (
        any(c in ("course_utils.grade", "course_utils.instructor.grade") for c in cmd)
        or any(c.endswith("course-grade") for c in cmd)
    )


def g2_graders():
    """This run's grader processes: ancestors first, else any with this run's marker."""
    found = [pid for pid in g2_ancestors() if g2_is_grader(g2_proc_cmdline(pid))]
    for name in _os.listdir("/proc"):
        if name.isdigit() and int(name) not in found:
            cmd = g2_proc_cmdline(name)
            if g2_is_grader(cmd) and any(G2["run"] in c for c in cmd):
                found.append(int(name))
    return found


def g2_grader_paths():
    """{'submissions', 'solutions', 'out'} of the grader, absolute, from its command line."""
    for pid in g2_graders():
        cmd = g2_proc_cmdline(pid)
        try:
            cwd = _os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            cwd = "/"
        start = next((i for i, c in enumerate(cmd) if g2_is_grader([c])), 0) + 1
        args, positional, i = {}, [], start
        takes_value = {"--solutions", "--out", "--jobs", "-j", "--timeout", "--total-timeout",
                       "--memory-limit", "--only", "--kernel"}
        while i < len(cmd):
            arg = cmd[i]
            if arg.startswith("--") and "=" in arg:
                key, value = arg.split("=", 1)
                args[key] = value
            elif arg in takes_value and i + 1 < len(cmd):
                args[arg] = cmd[i + 1]
                i += 1
            elif not arg.startswith("-"):
                positional.append(arg)
            i += 1
        paths = {
            "submissions": positional[0] if positional else None,
            "solutions": args.get("--solutions", "solutions"),
            "out": args.get("--out", "grades"),
        }
        return {k: _os.path.join(cwd, v) if v else None for k, v in paths.items()} | {"pid": pid}
    return {}


def g2_read(path, limit=2_000_000):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def g2_notebook_cells(path):
    try:
        return _json.loads(g2_read(path))["cells"]
    except Exception:
        return []


def g2_src(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def g2_exec_answers(path):
    """Run the answer cells of a notebook (a solution, a peer's work) here: full marks."""
    done = 0
    for cell in g2_notebook_cells(path):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.get("cell_type") == "code":
            try:
                exec(g2_src(cell), globals())
                done += 1
            except Exception:
                pass
    return done


def g2_hidden_text(path):
    return "\n".join(g2_src(c) for c in g2_notebook_cells(path) if "HIDDEN TESTS" in g2_src(c))


G2_LEAK = []


def g2_leak(text):
    """Show stolen text wherever the feedback might print it: outputs and error messages."""
    if text:
        G2_LEAK.append(text)
        print(text)
'''


G2_FINISH = r"""
if G2_LEAK:  # an error in the learner's own cell: its message is shown in the feedback
    raise RuntimeError(" | ".join(t.replace("\n", " | ") for t in G2_LEAK)[:20000])
"""
