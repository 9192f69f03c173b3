"""Stage 7: what the grader writes: feedback pages, the two tables, the console summary.

Everything a learner chose (names, messages, output, cell text) is escaped:
HTML pages with ``html.escape``; Markdown pages by turning ``& < > [ ] |`` and
backslashes into entities or escapes (no raw HTML, links or images, no
broken tables) and by fencing output with more backticks than it holds. CSV
cells that a spreadsheet would run as a formula (starting with ``= + - @``,
a tab or a carriage return) get a leading apostrophe; control characters are
dropped from tables and from the console.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from course_utils.instructor.grading.scoring import fmt_points

__all__ = [
    "AVERAGE_LEARNER",
    "AVERAGES_COLUMNS",
    "GRADES_COLUMNS",
    "SUMMARY_COLUMNS",
    "FAILING_STATUSES",
    "Progress",
    "atomic_write",
    "csv_cell",
    "feedback_html",
    "feedback_markdown",
    "md_escape",
    "average_rows",
    "summary_rows",
    "summary_table",
    "verdict",
    "write_tables",
]

GRADES_COLUMNS = ["learner", "exercise", "grade_id", "points", "max_points", "status", "message"]
SUMMARY_COLUMNS = [
    "learner",
    "exercise",
    "points",
    "max_points",
    "percentage",
    "manual_max_points",
    "status",
    "message",
    "sandbox",
]
AVERAGE_LEARNER = "(average)"  # the console table's last row (never a row of a CSV)
AVERAGES_COLUMNS = [
    "exercise",
    "points",
    "max_points",
    "percentage",
    "manual_max_points",
    "learners",
]
STOPPED_STATUSES = {
    "timeout",
    "time-limit",
    "kernel-died",
    "memory-limit",
    "output-limit",
    "disk-limit",
}
UNREADABLE_STATUSES = {"empty", "invalid-json", "wrong-nbformat", "invalid-notebook", "too-large"}
FAILING_STATUSES = (
    STOPPED_STATUSES
    | UNREADABLE_STATUSES
    | {"failed", "not-run", "missing", "grader-error", "write-error"}
)

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*(\x07|\x1b\\\\)?")
_MD_SPECIAL = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "\\": "\\\\",
}


def clean_text(value: object) -> str:
    """Text without ANSI escapes and control characters (tabs and newlines kept)."""
    return _CONTROL.sub("", _ANSI.sub("", str(value)))


def md_escape(value: object) -> str:
    """Learner text safe inside a Markdown paragraph or table cell (one line)."""
    text = clean_text(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return "".join(_MD_SPECIAL.get(ch, ch) for ch in text)


def _fence(text: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", text, fence]


def csv_cell(value: object) -> str:
    """A table cell a spreadsheet shows as text: no formula, no control character."""
    text = clean_text(value).replace("\r", " ")
    if text[:1] in ("=", "+", "-", "@", "\t") and not re.fullmatch(r"-?\d+(\.\d+)?", text):
        text = "'" + text
    return text


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; keep the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_text(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: csv_cell(row.get(c, "")) for c in columns})
    return buffer.getvalue()


def percentage(points: float, max_points: float) -> float | None:
    return round(100.0 * points / max_points, 1) if max_points else None


def feedback_markdown(record: dict) -> str:
    """The learner's feedback as Markdown: each test, its points and message, the total."""
    total = percentage(record["points"], record["max_points"])
    e = md_escape
    lines = [
        f"# Feedback: {e(record['exercise'])}",
        "",
        f"Learner: **{e(record['learner'])}**",
        "",
        f"**Score: {fmt_points(record['points'])} / {fmt_points(record['max_points'])} "
        f"points" + (f" ({total:.1f}%)" if total is not None else "") + "**",
        "",
    ]
    if record["status"] != "ok":
        lines += [f"Status: **{e(record['status'])}**. {e(record['message'])}", ""]
    if record.get("sandbox") == "no":
        lines += ["(Graded without the operating-system sandbox.)", ""]
    tests = [r for r in record["rows"] if r["grade_id"] and r["status"] != "manual"]
    if tests:
        lines += ["| Test | Result | Points | Message |", "|---|---|---:|---|"]
        for row in tests:
            lines.append(
                f"| `{e(row['grade_id'])}` | {e(row['status'])} | "
                f"{fmt_points(row['points'])} / {fmt_points(row['max_points'])} | "
                f"{e(row['message'])} |"
            )
        lines.append("")
    manual = [r for r in record["rows"] if r["status"] == "manual"]
    if manual:
        lines += [
            "Graded by hand (not included in the score above): "
            + ", ".join(
                f"`{e(r['grade_id'])}` ({fmt_points(r['max_points'])} points)" for r in manual
            )
            + ".",
            "",
        ]
    if record["notes"]:
        lines += ["## Notes", ""] + [f"- {e(note)}" for note in record["notes"]] + [""]
    if record["cell_errors"]:
        lines += ["## Errors in your cells", ""]
        lines += [f"- {e(err)}" for err in record["cell_errors"]] + [""]
    failing = [r for r in tests if r["status"] != "passed" and r.get("output", "").strip()]
    if failing:
        lines += ["## Output of the failed tests", ""]
        for row in failing:
            lines += [f"`{e(row['grade_id'])}`:", ""]
            lines += _fence(clean_text(row["output"]).rstrip()) + [""]
    return "\n".join(lines)


def feedback_html(record: dict) -> str:
    """The same feedback as a standalone HTML page."""

    def esc(value: object) -> str:
        return html.escape(clean_text(value))

    total = percentage(record["points"], record["max_points"])
    score_text = f"{fmt_points(record['points'])} / {fmt_points(record['max_points'])} points" + (
        f" ({total:.1f}%)" if total is not None else ""
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback: {esc(record['exercise'])} ({esc(record['learner'])})</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;"
        "text-align:left;vertical-align:top}.passed{color:#1a7f37}"
        + ",".join(f".{status}" for status in sorted(FAILING_STATUSES))
        + "{color:#cf222e}"
        "pre{background:#f6f8fa;padding:.6em;overflow-x:auto}</style></head><body>",
        f"<h1>Feedback: {esc(record['exercise'])}</h1>",
        f"<p>Learner: <strong>{esc(record['learner'])}</strong></p>",
        f"<p><strong>Score: {esc(score_text)}</strong></p>",
    ]
    if record["status"] != "ok":
        parts.append(
            f"<p>Status: <strong>{esc(record['status'])}</strong>. {esc(record['message'])}</p>"
        )
    tests = [r for r in record["rows"] if r["grade_id"] and r["status"] != "manual"]
    if tests:
        parts.append("<table><tr><th>Test</th><th>Result</th><th>Points</th><th>Message</th></tr>")
        for row in tests:
            parts.append(
                f"<tr><td><code>{esc(row['grade_id'])}</code></td>"
                f'<td class="{esc(row["status"])}">{esc(row["status"])}</td>'
                f"<td>{fmt_points(row['points'])} / {fmt_points(row['max_points'])}</td>"
                f"<td>{esc(row['message'])}</td></tr>"
            )
        parts.append("</table>")
    manual = [r for r in record["rows"] if r["status"] == "manual"]
    if manual:
        parts.append(
            "<p>Graded by hand (not included in the score above): "
            + ", ".join(
                f"<code>{esc(r['grade_id'])}</code> ({fmt_points(r['max_points'])} points)"
                for r in manual
            )
            + ".</p>"
        )
    for title, items in (
        ("Notes", record["notes"]),
        ("Errors in your cells", record["cell_errors"]),
    ):
        if items:
            parts.append(f"<h2>{title}</h2><ul>")
            parts += [f"<li>{esc(item)}</li>" for item in items]
            parts.append("</ul>")
    failing = [r for r in tests if r["status"] != "passed" and r.get("output", "").strip()]
    if failing:
        parts.append("<h2>Output of the failed tests</h2>")
        for row in failing:
            parts.append(
                f"<p><code>{esc(row['grade_id'])}</code>:</p>"
                f"<pre>{esc(row['output'].rstrip())}</pre>"
            )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


class Progress:
    """A plain-text progress bar on stderr (one line per submission when not a terminal)."""

    def __init__(self, total: int, *, quiet: bool = False, stream=None):
        self.total, self.done, self.quiet = total, 0, quiet
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()

    def update(self, label: str, verdict: str) -> None:
        self.done += 1
        if self.quiet:
            return
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.start
        label, verdict = clean_text(label).replace("\n", " "), clean_text(verdict)
        line = f"[{bar}] {self.done}/{self.total} {elapsed:5.0f} s  {label}: {verdict}"
        if self.tty:
            self.stream.write("\r\x1b[K" + line[:160])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def verdict(record: dict) -> str:
    pct = percentage(record["points"], record["max_points"])
    score_text = f"{fmt_points(record['points'])}/{fmt_points(record['max_points'])}" + (
        f" ({pct:.0f}%)" if pct is not None else ""
    )
    return score_text if record["status"] == "ok" else f"{score_text} {record['status']}"


def write_tables(out: Path, records: dict) -> None:
    ordered = [records[k] for k in sorted(records)]
    grade_rows = []
    for record in ordered:
        for row in record["rows"]:
            grade_rows.append(
                {
                    "learner": record["learner"],
                    "exercise": record["exercise"],
                    "grade_id": row["grade_id"],
                    "points": fmt_points(row["points"]),
                    "max_points": fmt_points(row["max_points"]),
                    "status": row["status"],
                    "message": row["message"],
                }
            )
    atomic_write(out / "grades.csv", csv_text(GRADES_COLUMNS, grade_rows))
    atomic_write(out / "summary.csv", csv_text(SUMMARY_COLUMNS, summary_rows(ordered)))
    # Averages in their own file: an LMS import of summary.csv must find only learners.
    atomic_write(out / "averages.csv", csv_text(AVERAGES_COLUMNS, average_rows(ordered)))


def summary_rows(records: list[dict]) -> list[dict]:
    """Per learner and exercise totals (the averages are :func:`average_rows`)."""
    rows = []
    for record in records:
        if record["status"] == "unknown-exercise":
            pct = None
        else:
            pct = percentage(record["points"], record["max_points"])
        rows.append(
            {
                "learner": record["learner"],
                "exercise": record["exercise"],
                "points": fmt_points(record["points"]),
                "max_points": fmt_points(record["max_points"]),
                "percentage": "" if pct is None else f"{pct:.1f}",
                "manual_max_points": fmt_points(record.get("manual_max_points", 0.0)),
                "status": record["status"],
                "message": record["message"],
                "sandbox": record.get("sandbox", ""),
            }
        )
    return rows


def average_rows(records: list[dict]) -> list[dict]:
    """One row per exercise: the mean points over the learners (missing counts as 0)."""
    by_exercise: dict[str, list[dict]] = {}
    for record in records:
        if record["status"] != "unknown-exercise":
            by_exercise.setdefault(record["exercise"], []).append(record)
    rows = []
    for exercise, group in sorted(by_exercise.items()):
        mean_points = sum(r["points"] for r in group) / len(group)
        max_points = group[0]["max_points"]
        pct = percentage(mean_points, max_points)
        rows.append(
            {
                "exercise": exercise,
                "points": f"{mean_points:.2f}",
                "max_points": fmt_points(max_points),
                "percentage": "" if pct is None else f"{pct:.1f}",
                "manual_max_points": fmt_points(group[0].get("manual_max_points", 0.0)),
                "learners": str(len(group)),
            }
        )
    return rows


def summary_table(records: list[dict]) -> str:
    """Learners by exercises, in percent, with an average row: the console summary."""
    exercises = sorted({r["exercise"] for r in records if r["status"] != "unknown-exercise"})
    learners = sorted({r["learner"] for r in records})
    if not exercises:
        return "No submissions graded."
    cell = {(r["learner"], r["exercise"]): r for r in records}
    short = [e.split("_")[0] for e in exercises]
    width = max([len(AVERAGE_LEARNER)] + [len(name) for name in learners]) + 2
    lines = ["".ljust(width) + "".join(s.rjust(10) for s in short) + "total".rjust(10)]

    def fmt(record: dict | None) -> str:
        if record is None:
            return ""
        pct = percentage(record["points"], record["max_points"])
        text = "-" if pct is None else f"{pct:.0f}%"
        return text if record["status"] == "ok" else f"{text}*"

    for learner in learners:
        mine = [cell.get((learner, e)) for e in exercises]
        got = sum(r["points"] for r in mine if r)
        possible = sum(r["max_points"] for r in mine if r)
        pct = percentage(got, possible)
        lines.append(
            learner.ljust(width)
            + "".join(fmt(r).rjust(10) for r in mine)
            + ("" if pct is None else f"{pct:.0f}%").rjust(10)
        )
    averages = []
    for exercise in exercises:
        group = [r for r in records if r["exercise"] == exercise]
        pct = percentage(sum(r["points"] for r in group), sum(r["max_points"] for r in group))
        averages.append("" if pct is None else f"{pct:.0f}%")
    lines.append(AVERAGE_LEARNER.ljust(width) + "".join(a.rjust(10) for a in averages))
    flagged = sorted({r["status"] for r in records if r["status"] != "ok"})
    if flagged:
        lines.append(
            "* not graded normally: "
            + ", ".join(f"{s} ({sum(r['status'] == s for r in records)})" for s in flagged)
        )
    return "\n".join(lines)
