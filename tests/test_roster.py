"""The roster CSV: columns found by name, every problem reported with its line."""

from __future__ import annotations

import json

import pytest

from course_utils.instructor.grading.roster import Learner, check_folder_name, read_roster


def _write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_columns_by_name_in_any_order_with_aliases(tmp_path):
    path = _write(
        tmp_path,
        "\ufeffEmail Address,Name,SIS User ID,ID,Learner,Section,extra\n"
        'ana@example.org,"Lopez, Ana",S-1,48213,ana,A1,ignored\n'
        "ben@example.org,Ben Okafor,,48214,ben,,\n",
    )
    roster = read_roster(path)
    assert [r.learner for r in roster] == ["ana", "ben"]
    ana = roster.by_learner["ana"]
    assert (ana.id, ana.name, ana.email, ana.sis_id, ana.section) == (
        "48213",
        "Lopez, Ana",
        "ana@example.org",
        "S-1",
        "A1",
    )
    assert roster.by_id["48214"].learner == "ben"
    assert roster.by_email["ana@example.org"].learner == "ana"
    assert len(roster) == 2


def test_semicolon_separated_file_from_a_european_spreadsheet(tmp_path):
    path = _write(tmp_path, "learner;id;name;email\nana;1;Ana Lopez;ana@x.org\n")
    assert read_roster(path).by_learner["ana"].name == "Ana Lopez"


def test_missing_columns_are_named(tmp_path):
    path = _write(tmp_path, "folder,name\nana,Ana\n")
    with pytest.raises(ValueError, match="has no column id, email") as info:
        read_roster(path)
    assert "'folder', 'name'" in str(info.value)


def test_every_row_problem_is_listed_with_its_line(tmp_path):
    path = _write(
        tmp_path,
        "learner,id,name,email\n"
        "ana,1,Ana,ana@x.org\n"
        "ana,2,Ana again,ana2@x.org\n"  # duplicate learner
        "ben,1,Ben,ben@x.org\n"  # duplicate id
        "carl,3,Carl,ANA@x.org\n"  # duplicate e-mail (case does not matter)
        "../etc,4,Evil,evil@x.org\n"  # not a folder name
        ".hidden,5,Hidden,h@x.org\n"  # the grader ignores hidden folders
        "dan,6,Dan,not-an-email\n"
        "eve,7,Eve,eve@x.org,surplus\n",  # too many cells
    )
    with pytest.raises(ValueError) as info:
        read_roster(path)
    message = str(info.value)
    assert "has 7 problem(s)" in message
    for expected in (
        "line 3: the learner 'ana' is already on line 2",
        "line 4: the id '1' is already on line 2",
        "line 5: the email 'ANA@x.org' is already on line 2",
        "line 6: the learner '../etc' contains a path separator",
        "line 7: the learner '.hidden' starts with a dot",
        "line 8: 'not-an-email' is not an e-mail address",
        "line 9: 5 cells for 4 columns",
    ):
        assert expected in message


def test_not_utf8_empty_and_missing_files(tmp_path):
    with pytest.raises(ValueError, match="is not UTF-8 text"):
        read_roster(_write(tmp_path, "learner,id,name,email\nzoë,1,Zoë,z@x.org\n", "latin-1"))
    with pytest.raises(ValueError, match="is empty"):
        read_roster(_write(tmp_path, ""))
    with pytest.raises(ValueError, match="lists no learner"):
        read_roster(_write(tmp_path, "learner,id,name,email\n\n"))
    with pytest.raises(ValueError, match="does not exist"):
        read_roster(tmp_path / "nowhere.csv")


def test_control_characters_are_not_echoed(tmp_path):
    path = _write(tmp_path, "learner,id,name,email\nbad\x1b[31m,1,X,x@x.org\n")
    with pytest.raises(ValueError) as info:
        read_roster(path)
    assert "\x1b" not in str(info.value) and "contains a control character" in str(info.value)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "is empty"),
        (" ana", "starts or ends with a space"),
        ("a/b", "contains a path separator"),
        ("a\\b", "contains a path separator"),
        ("..", "is . or .."),
        ("__pycache__", "starts with a dot or two underscores"),
        ("x" * 201, "is longer than 200 bytes"),
    ],
)
def test_folder_name_rules(name, reason):
    assert reason in check_folder_name(name)


def test_names_split_for_exports():
    assert Learner("a", name="Lopez, Ana").split_name() == ("Ana", "Lopez")
    assert Learner("a", name="Ana").split_name() == ("Ana", "")
    assert Learner("a", name="x", first_name="Ana", last_name="L").split_name() == ("Ana", "L")


def _solution_notebook() -> str:
    meta = {"grade": True, "grade_id": "t1", "locked": True, "schema_version": 3}
    meta.update(solution=False, task=False, points=1)
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "outputs": [],
            "metadata": {"nbgrader": meta},
            "source": "assert True",
        }
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_run_with_a_roster_grades_absent_learners_missing_and_names_strangers(tmp_path):
    from course_utils.instructor.grading.run import grade_submissions

    solutions = tmp_path / "solutions"
    solutions.mkdir()
    (solutions / "rs01_roster.ipynb").write_text(_solution_notebook())
    submissions = tmp_path / "submissions"
    (submissions / "zed").mkdir(parents=True)  # a folder, not on the roster, nothing in it
    roster = _write(tmp_path, "learner,id,name,email\nana,1,Ana,a@x.org\nben,2,Ben,b@x.org\n")
    kwargs = {"solutions": solutions, "quiet": True}
    run = grade_submissions(submissions, out=tmp_path / "with", roster=roster, **kwargs)
    assert sorted((r["learner"], r["status"]) for r in run.records) == [
        ("ana", "missing"),
        ("ben", "missing"),
        ("zed", "missing"),
    ]
    assert any(
        "1 submission folder(s) are not on the roster" in w and "zed" in w for w in run.warnings
    )
    summary = (tmp_path / "with" / "grades.csv").read_text()
    assert "ana,rs01_roster,t1,0,1,missing" in summary
    # without a roster: as before, only the folders
    plain = grade_submissions(submissions, out=tmp_path / "without", **kwargs)
    assert [(r["learner"], r["status"]) for r in plain.records] == [("zed", "missing")]
    assert not plain.warnings
    with pytest.raises(ValueError, match="has no column"):
        grade_submissions(
            submissions, out=tmp_path / "bad", roster=solutions / "rs01_roster.ipynb", **kwargs
        )
