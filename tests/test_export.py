"""``course-grade export``: files checked against the published import formats.

* Canvas gradebook import (Canvas's ``GradebookImporter``): the header starts with
  ``Student`` and ``ID``; with ``SIS User ID`` and ``SIS Login ID`` in columns 3-4
  the fifth column must be ``Section``; the learner columns end there and every
  further column is an assignment, ``Title (id)`` for an existing one; a row whose
  first cell contains ``Points Possible`` gives the points; an empty cell changes
  nothing; trailing ``Current Score``/``Final Score``... columns are dropped.
* Moodle grade import from CSV: a header row, one identifier column mapped to a user
  field (e-mail address or ID number), one numeric column per grade item.
* nbgrader ``export`` (its ``CsvExportPlugin``): the columns ``assignment, duedate,
  timestamp, student_id, last_name, first_name, email, raw_score,
  late_submission_penalty, score, max_score``, one row per assignment and student,
  0 for a student who handed nothing in, ``score = max(0, raw_score - penalty)``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from course_utils.instructor.grading.export import export, load_gradebook, main

EX04, EX05 = "ex04_lasso_from_scratch", "ex05_penalties_and_early_stopping"
GRADES_HEADER = "learner,exercise,grade_id,points,max_points,status,message\n"


def _grades(tmp_path: Path) -> Path:
    folder = tmp_path / "grades"
    folder.mkdir()
    (folder / "grades.csv").write_text(
        GRADES_HEADER
        + f"ana,{EX04},t1,2,2,passed,\n"
        + f"ana,{EX04},t2,0,3,failed,AssertionError: no\n"
        + f"ana,{EX04},m1,,4,manual,Graded by hand.\n"
        + f"ana,{EX05},u1,5,5,passed,\n"
        + f"ben,{EX04},t1,0,2,missing,Not handed in.\n"
        + f"ben,{EX04},t2,0,3,missing,Not handed in.\n"
        + f"ben,{EX04},m1,,4,manual,Graded by hand.\n"
        + f"ben,{EX05},u1,2.5,5,passed,\n"
        + "ben,ex5_typo,,0,0,unknown-exercise,No exercise is named ex5_typo\n"
        + f"zed,{EX04},t1,2,2,passed,\n"
        + f"zed,{EX04},t2,3,3,passed,\n"
        + f"zed,{EX04},m1,,4,manual,Graded by hand.\n"
        + f"zed,{EX05},u1,0,5,timeout,\n",
        encoding="utf-8",
    )
    # today's summary.csv carries (average) rows among the learners: never read as a learner
    (folder / "summary.csv").write_text(
        "learner,exercise,points,max_points,percentage,manual_max_points,status,message\n"
        f"(average),{EX04},1,5,20.0,4,,average over 3 learners\n"
    )
    return folder


def _roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(
        "learner,id,name,email,sis_id,section\n"
        'ana,48213,"Lopez, Ana",ana@example.org,S-1,A1\n'
        'ben,48214,"=HYPERLINK(""http://evil"")",+ben@example.org,S-2,A1\n'
        "cleo,48215,Cleo Park,cleo@example.org,S-3,A2\n",  # on the roster, nothing graded
        encoding="utf-8",
    )
    return path


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _canvas_import(rows: list[list[str]]) -> dict:
    """What Canvas's gradebook importer reads from ``rows`` (its published rules)."""
    header = rows[0]
    assert len(header) > 3 and re.search("Student", header[0]) and re.search("ID", header[1])
    student_columns = 3
    if re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns += 2
    assert re.search("Section", header[student_columns - 1]), "no Section column"
    titles = header[student_columns:]
    assert not re.search("Current Score|Final Score|Final Grade", titles[-1])
    assignments = []
    for title in titles:
        match = re.match(r"^(.*) \((\d+)\)$", title)
        assignments.append((match[1], match[2]) if match else (title, None))
    points, students = None, {}
    for row in rows[1:]:
        if re.search("Points Possible", row[0]):
            points = [float(x) for x in row[student_columns:]]
            continue
        assert row[1].isdigit(), "Canvas matches learners by their numeric ID first"
        grades = row[student_columns:]
        assert all(g == "" or float(g) >= 0 for g in grades)
        students[row[1]] = {"name": row[0], "section": row[4], "grades": grades}
    return {"assignments": assignments, "points": points, "students": students}


def test_canvas_file_follows_the_gradebook_import_format(tmp_path):
    out = tmp_path / "canvas.csv"
    book = export(
        _grades(tmp_path),
        "canvas",
        out,
        roster=_roster(tmp_path),
        columns={"ex04": "Lasso from scratch (4521)"},
    )
    rows = _read(out)
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Lasso from scratch (4521)",
        EX05,
    ]
    seen = _canvas_import(rows)
    assert seen["assignments"] == [("Lasso from scratch", "4521"), (EX05, None)]
    assert seen["points"] == [5.0, 5.0]  # hand-graded answers are not included here
    assert seen["students"]["48213"] == {
        "name": "Lopez, Ana",
        "section": "A1",
        "grades": ["2", "5"],
    }
    assert seen["students"]["48214"]["grades"] == ["0", "2.5"]
    assert seen["students"]["48215"]["grades"] == ["0", "0"]  # on the roster, nothing handed in
    # the learner-controlled name a spreadsheet would run is text
    assert seen["students"]["48214"]["name"] == '\'=HYPERLINK("http://evil")'
    # zed is not on the roster: reported and left out, since Canvas could not identify him
    assert set(seen["students"]) == {"48213", "48214", "48215"}
    assert any("zed" in w and "not on the roster" in w for w in book.warnings)
    assert any("graded by hand" in w for w in book.warnings)
    # averages live in their own file, never among the learners
    assert not any("average" in cell.lower() for row in rows for cell in row)
    averages = _read(tmp_path / "canvas-averages.csv")
    assert averages[0][:3] == ["exercise", "title", "max_points"]
    ex04 = next(r for r in averages if r[0] == EX04)
    # mean over ana 2, ben 0 (missing), cleo 0 (nothing at all), zed 5; two handed in
    assert ex04[2:] == ["5", "1.75", "35.0", "4", "2"]


def test_moodle_file_has_one_identifier_column_and_one_column_per_grade_item(tmp_path):
    grades, roster = _grades(tmp_path), _roster(tmp_path)
    export(grades, "moodle", tmp_path / "moodle.csv", roster=roster)
    rows = _read(tmp_path / "moodle.csv")
    assert rows[0] == ["Email address", EX04, EX05]
    identifiers = [r[0] for r in rows[1:]]
    assert len(set(identifiers)) == len(identifiers) and all("@" in i for i in identifiers)
    assert rows[1:] == [
        ["ana@example.org", "2", "5"],
        ["'+ben@example.org", "0", "2.5"],
        ["cleo@example.org", "0", "0"],
    ]
    for row in rows[1:]:
        assert all(float(cell) >= 0 for cell in row[1:])
    export(grades, "moodle", tmp_path / "m2.csv", roster=roster, moodle_id="idnumber")
    assert [r[0] for r in _read(tmp_path / "m2.csv")] == ["ID number", "S-1", "S-2", "S-3"]


def test_nbgrader_file_has_the_columns_of_nbgrader_export(tmp_path):
    export(_grades(tmp_path), "nbgrader", tmp_path / "nb.csv", roster=_roster(tmp_path))
    rows = _read(tmp_path / "nb.csv")
    assert rows[0] == [
        "assignment",
        "duedate",
        "timestamp",
        "student_id",
        "last_name",
        "first_name",
        "email",
        "raw_score",
        "late_submission_penalty",
        "score",
        "max_score",
    ]
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    # one row per assignment and student, assignments outermost, as nbgrader writes them
    assert [(r["assignment"], r["student_id"]) for r in records] == [
        (ex, who) for ex in (EX04, EX05) for who in ("ana", "ben", "cleo", "zed")
    ]
    ana = records[0]
    assert (ana["last_name"], ana["first_name"], ana["email"]) == (
        "Lopez",
        "Ana",
        "ana@example.org",
    )
    for record in records:
        raw, penalty = float(record["raw_score"]), float(record["late_submission_penalty"])
        assert float(record["score"]) == max(0.0, raw - penalty)
        assert float(record["max_score"]) == 5.0
    cleo = next(r for r in records if r["student_id"] == "cleo")
    assert (cleo["raw_score"], cleo["score"], cleo["timestamp"]) == ("0.0", "0.0", "")
    assert next(r for r in records if r["student_id"] == "zed")["raw_score"] == "5.0"


def test_wide_csv_without_roster(tmp_path):
    export(_grades(tmp_path), "csv", tmp_path / "wide.csv")
    rows = _read(tmp_path / "wide.csv")
    assert rows[0] == ["learner", "id", "name", "email", "sis_id", EX04, EX05, "total"]
    assert [r[0] for r in rows[1:]] == ["ana", "ben", "zed"]
    assert rows[1][5:] == ["2", "5", "7"]
    assert rows[2][5:] == ["0", "2.5", "2.5"]


def test_hand_graded_points_from_the_instructor_file(tmp_path):
    grades = _grades(tmp_path)
    template = tmp_path / "manual.csv"
    book = export(grades, "manual", template)
    assert not any("graded by hand" in w for w in book.warnings)
    rows = _read(template)
    assert rows[0] == ["learner", "exercise", "grade_id", "max_points", "points", "comment"]
    # one row per hand-graded answer of a handed-in submission (ben's ex04 is missing)
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        ("ana", EX04, "m1", "4"),
        ("zed", EX04, "m1", "4"),
    ]
    rows[1][4] = "3.5"  # the instructor grades ana, not yet zed
    with open(template, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    book = export(grades, "csv", tmp_path / "wide.csv", manual=template)
    wide = {r[0]: r for r in _read(tmp_path / "wide.csv")}
    assert wide["ana"][5:] == ["5.5", "5", "10.5"]
    assert wide["ben"][5:] == ["0", "2.5", "2.5"]  # nothing handed in: 0, no hand grading needed
    assert wide["zed"][5:] == ["", "0", ""]  # not graded by hand yet: left empty
    assert any(
        "1 submission(s) have hand-graded answers without points" in w for w in book.warnings
    )
    export(grades, "canvas", tmp_path / "c.csv", roster=_roster(tmp_path), manual=template)
    assert _canvas_import(_read(tmp_path / "c.csv"))["points"] == [9.0, 5.0]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"ana,{EX04},m1,5,", "5 points is outside 0 to 4"),
        (f"ana,{EX04},t1,1,", "no hand-graded answer 't1'"),
        (f"nobody,{EX04},m1,1,", "no hand-graded answer 'm1' for 'nobody'"),
        (f"ana,{EX04},m1,lots,", "'lots' is not a number"),
        (f"ana,{EX04},m1,nan,", "is not a finite number"),
    ],
)
def test_bad_hand_grading_rows_are_refused_with_their_line(tmp_path, row, message):
    manual = tmp_path / "manual.csv"
    manual.write_text("learner,exercise,grade_id,points,comment\n" + row + "\n")
    with pytest.raises(ValueError, match="line 2") as info:
        load_gradebook(_grades(tmp_path), manual=manual)
    assert message in str(info.value)


def test_lms_formats_need_identifiers(tmp_path):
    grades = _grades(tmp_path)
    with pytest.raises(ValueError, match="needs --roster"):
        export(grades, "canvas", tmp_path / "c.csv")
    roster = tmp_path / "r.csv"
    roster.write_text("learner,id,name,email\nana,,Ana,\nben,2,Ben,\n")
    with pytest.raises(ValueError, match="no email for 'ana', 'ben'"):
        export(grades, "moodle", tmp_path / "m.csv", roster=roster)
    with pytest.raises(ValueError, match="no id or sis_id or login for 'ana'"):
        export(grades, "canvas", tmp_path / "c.csv", roster=roster)
    with pytest.raises(ValueError, match="Canvas reserves"):
        export(
            grades,
            "canvas",
            tmp_path / "c.csv",
            roster=_roster(tmp_path),
            columns={"ex05": "Final Score"},
        )
    with pytest.raises(ValueError, match="is not one exercise"):
        export(grades, "csv", tmp_path / "w.csv", columns={"ex09": "x"})


def test_command_line(tmp_path, capsys):
    grades = _grades(tmp_path)
    out = tmp_path / "canvas.csv"
    code = main(
        [str(grades), "--to", "canvas", "--roster", str(_roster(tmp_path)), "--out", str(out)]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "4 learners, 2 exercises written" in captured.out
    assert "canvas-averages.csv" in captured.out
    assert "not on the roster" in captured.err
    assert main([str(tmp_path / "nowhere"), "--to", "csv", "--out", str(out)]) == 2
    assert "grades.csv does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(grades), "--to", "csv", "--out", str(out), "--column", "ex04"])
