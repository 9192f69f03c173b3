"""One submission from plain inputs to a plain result: read, assemble, execute, score.

:func:`grade_bytes` takes the submission's bytes, the solution notebook's bytes,
the folder of data files and the limits, and returns a JSON-ready dict; it
never raises for a problem of the submission. The grading workers call it
for every submission, and a distributed scheduler can ship it as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from course_utils.instructor.grading.assemble import assemble_notebook, cell_roles
from course_utils.instructor.grading.runner import Limits, execute_assembled
from course_utils.instructor.grading.scoring import score, unreadable_result
from course_utils.instructor.grading.solutions import load_exercise_bytes
from course_utils.instructor.grading.submissions import parse_submission

__all__ = ["grade_bytes"]


def grade_bytes(
    submission: bytes,
    solution: bytes,
    solution_path: str,
    *,
    data_dir: str | None,
    limits: dict,
    kernel_name: str,
    env: dict[str, str] | None = None,
    sandboxed: bool = True,
    tmp_root: str | None = None,
    instructor: bool = False,
) -> dict:
    """The scored result of one submission (``status``, ``rows``, ``points``, notes...)."""
    exercise = load_exercise_bytes(solution, Path(solution_path))
    parsed = parse_submission(submission)
    if parsed.status != "ok" or parsed.notebook is None:
        return unreadable_result(exercise, parsed.status, parsed.message)
    assembled = assemble_notebook(parsed.notebook, exercise)
    roles = cell_roles(assembled, exercise)
    execution = execute_assembled(
        assembled,
        exercise,
        roles,
        limits=Limits(**limits),
        kernel_name=kernel_name,
        support_dir=data_dir,
        env=env,
        sandboxed=sandboxed,
        tmp_root=tmp_root,
        instructor=instructor,
    )
    result = score(exercise, assembled, execution)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    return result
