"""Stage 5: points per test from the execution reports.

A graded test earns its points when its trusted execution finished without an
exception (:mod:`.runner` records that; output never decides); otherwise 0,
with the error's type and first line for the feedback. A notebook that
stopped keeps the points earned before, and the test it stopped in gets the
reason. Hand-graded answers are listed as ``manual``.
"""

from __future__ import annotations

from course_utils.instructor.grading.assemble import Assembled, is_marker
from course_utils.instructor.grading.solutions import Exercise

__all__ = ["fmt_points", "score", "unreadable_result", "MESSAGE_CHARS", "FLOOD_NOTE_CHARS"]

MESSAGE_CHARS = 400  # error message kept per test
FLOOD_NOTE_CHARS = 100_000  # output above this is mentioned in the feedback
OUTPUT_EXCERPT_CHARS = 1500


def fmt_points(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if float(value) != int(value) else str(int(value))


def _error_text(error: dict) -> str:
    evalue = error["evalue"].strip().splitlines()
    first = evalue[0] if evalue else ""
    text = f"{error['ename']}: {first}" if first else error["ename"]
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 3] + "..."


def _describe_cell(assembled: Assembled, index: int, *, lower: bool = False) -> str:
    """How the feedback names a cell: by grade_id, or by its first line of code."""
    if index in assembled.answer_cells:
        text = f"Your answer cell `{assembled.answer_cells[index]}`"
    elif index in assembled.test_cells.values():
        grade_id = next(g for g, i in assembled.test_cells.items() if i == index)
        text = f"The test cell `{grade_id}`"
    else:
        lines = [ln.strip() for ln in assembled.notebook["cells"][index]["source"].splitlines()]
        first = next((ln for ln in lines if ln and not ln.startswith("#")), "")
        first = first if len(first) <= 60 else first[:57] + "..."
        text = f"The cell starting `{first}`" if first else f"Cell {index + 1}"
    return text[0].lower() + text[1:] if lower else text


def score(exercise: Exercise, assembled: Assembled, execution: dict) -> dict:
    """Points per test from an execution report: a test earns its points if it ran cleanly."""
    cells = execution.get("cells") or []
    stopped = execution["status"] != "ok"
    stop_index = None
    if stopped:
        # Cells run in order and a cell gets its execution count when it starts.
        # If the last cell that started is a marker, the cell before it finished
        # and the notebook stopped in the next cell, before its start was reported.
        nb_cells = assembled.notebook["cells"]
        started = [i for i, report in enumerate(cells) if report and report["executed"]]
        last = started[-1] if started else -1
        if last >= 0 and not is_marker(nb_cells[last]):
            stop_index = last
        else:
            stop_index = next(
                (
                    i
                    for i in range(last + 1, len(nb_cells))
                    if nb_cells[i]["cell_type"] == "code"
                    and nb_cells[i]["source"].strip()
                    and not is_marker(nb_cells[i])
                ),
                None,
            )
    rows: list[dict] = []
    for sol in exercise.tests:
        index = assembled.test_cells[sol.gid]
        report = cells[index] if index < len(cells) else None
        row = {
            "grade_id": sol.grade_id,
            "max_points": sol.points,
            "points": 0.0,
            "output": report["output"] if report else "",
        }
        if not sol.source.strip():  # an empty test cell cannot fail
            row.update(status="passed", message="", points=sol.points)
        elif stopped and index == stop_index:
            row.update(status=execution["status"], message=execution["message"])
        elif report and report["error"]:
            row.update(status="failed", message=_error_text(report["error"]))
        elif report and report["executed"]:
            row.update(status="passed", message="", points=sol.points)
        elif stopped and stop_index is not None and execution["executed"]:
            where = _describe_cell(assembled, stop_index, lower=True)
            row.update(
                status="not-run",
                message=f"Not run: the notebook stopped earlier, in {where}. "
                + execution["message"],
            )
        else:
            row.update(status="not-run", message="Not run: " + execution["message"])
        rows.append(row)
    for sol in exercise.manual:
        rows.append(
            {
                "grade_id": sol.grade_id,
                "max_points": sol.points,
                "points": None,
                "status": "manual",
                "message": "Graded by hand.",
                "output": "",
            }
        )

    notes = list(assembled.notes)
    errors = []
    tests = set(assembled.test_cells.values())
    # Once hidden tests have called the learner's code, that code may have kept their
    # inputs and may print them in its own errors: later errors show their type only.
    hidden_after = min(
        (assembled.test_cells[c.gid] for c in exercise.tests if c.has_hidden),
        default=None,
    )
    for index, report in enumerate(cells):
        if report is None:
            continue
        where = _describe_cell(assembled, index)
        if report["error"] and index not in tests and index != stop_index:
            if hidden_after is not None and index > hidden_after:
                ename = str(report["error"].get("ename", "Error"))[:80]
                errors.append(
                    f"{where} raised {ename} (its message is not shown: it ran after "
                    "hidden tests)."
                )
            else:
                errors.append(f"{where} raised {_error_text(report['error']).rstrip('.')}.")
        if report["output_chars"] > FLOOD_NOTE_CHARS:
            notes.append(
                f"{where} printed {report['output_chars']:,} characters of output; the "
                f"feedback keeps at most the last {OUTPUT_EXCERPT_CHARS:,} of a cell."
            )
    message = execution["message"]
    if stopped and stop_index is not None and execution["executed"]:
        message += f" It stopped in {_describe_cell(assembled, stop_index, lower=True)}."
    points = float(sum(r["points"] or 0.0 for r in rows if r["status"] != "manual"))
    return {
        "status": execution["status"],
        "message": message,
        "rows": rows,
        "points": points,
        "max_points": exercise.max_points,
        "manual_max_points": exercise.manual_max_points,
        "notes": notes,
        "cell_errors": errors[:10],
        "execute_seconds": execution.get("execute_seconds", 0.0),
    }


def unreadable_result(exercise: Exercise | None, status: str, message: str) -> dict:
    rows = []
    if exercise is None:
        rows.append(
            {
                "grade_id": "",
                "points": 0.0,
                "max_points": 0.0,
                "status": status,
                "message": message,
                "output": "",
            }
        )
    else:
        for sol in exercise.tests:
            rows.append(
                {
                    "grade_id": sol.grade_id,
                    "points": 0.0,
                    "max_points": sol.points,
                    "status": status,
                    "message": message,
                    "output": "",
                }
            )
        for sol in exercise.manual:
            rows.append(
                {
                    "grade_id": sol.grade_id,
                    "points": None,
                    "max_points": sol.points,
                    "status": "manual",
                    "message": "Graded by hand.",
                    "output": "",
                }
            )
    return {
        "status": status,
        "message": message,
        "rows": rows,
        "points": 0.0,
        "max_points": exercise.max_points if exercise else 0.0,
        "manual_max_points": exercise.manual_max_points if exercise else 0.0,
        "notes": [],
        "cell_errors": [],
        "execute_seconds": 0.0,
    }
