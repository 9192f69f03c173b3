"""``course-grade collect``: LMS bulk downloads, built here the way Canvas and Moodle build them.

Canvas's "Download Submissions" zip is flat, ``<name>_<user id>_<submission id>_<file>``
with ``LATE``/``late`` after the name for late work; Moodle's "Download all submissions"
has one folder per learner, ``<Full Name>_<id>_assignsubmission_file_/``. The hostile
entries (zip-slip paths, links, bombs, non-UTF-8 names, formula names) must never write
outside the target folder and must all be reported.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from course_utils.instructor.grading import collect as collect_mod
from course_utils.instructor.grading.collect import collect, main, match_exercise

EX04 = "ex04_lasso_from_scratch"
EX05 = "ex05_penalties_and_early_stopping"


def _nb(tag: str) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [], "t": tag})


@pytest.fixture
def solutions(tmp_path: Path) -> Path:
    folder = tmp_path / "solutions"
    folder.mkdir()
    for name in (EX04, EX05):
        (folder / f"{name}.ipynb").write_text("{}")
    return folder


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def _manifest(into: Path) -> list[dict]:
    with open(into / "collect-manifest.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the mode is in the high 16 bits
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def test_canvas_download_lands_in_learner_folders_with_late_flags(tmp_path, solutions):
    download = _zip(
        tmp_path / "canvas.zip",
        [
            (f"lopezana_48213_990011_{EX04}.ipynb", _nb("ana-04")),
            (f"okaforben_LATE_48214_990012_{EX05}.ipynb", _nb("ben-05")),
            # a re-uploaded file gets Canvas's -1 suffix; case does not matter
            ("okaforben_late_48214_990012_EX04_Lasso_From_Scratch-1.ipynb", _nb("ben-04")),
        ],
    )
    report = collect(download, "canvas", tmp_path / "subs", solutions=solutions)
    subs = tmp_path / "subs"
    assert (subs / "lopezana_48213" / f"{EX04}.ipynb").read_text() == _nb("ana-04")
    assert (subs / "okaforben_48214" / f"{EX05}.ipynb").read_text() == _nb("ben-05")
    assert (subs / "okaforben_48214" / f"{EX04}.ipynb").read_text() == _nb("ben-04")
    assert report.problems == []
    rows = {(r["learner"], r["exercise"]): r for r in _manifest(subs)}
    assert rows[("lopezana_48213", EX04)]["late"] == "no"
    assert rows[("okaforben_48214", EX05)]["late"] == "yes"
    assert rows[("okaforben_48214", EX04)]["late"] == "yes"
    assert rows[("okaforben_48214", EX05)]["lms_id"] == "48214"
    assert rows[("okaforben_48214", EX05)]["submission_id"] == "990012"


def test_canvas_duplicates_unknown_names_and_other_files_are_reported(tmp_path, solutions):
    download = _zip(
        tmp_path / "canvas.zip",
        [
            (f"lopezana_48213_990011_{EX04}-1.ipynb", _nb("copy")),
            (f"lopezana_48213_990011_{EX04}.ipynb", _nb("original")),
            ("lopezana_48213_990011_ex5_penalties.ipynb", _nb("misnamed")),
            ("lopezana_48213_990011_notes.txt", b"hello"),
            ("random.ipynb", _nb("who")),
            ("__MACOSX/._lopezana_48213_990011_x.ipynb", b"\0"),
        ],
    )
    report = collect(download, "canvas", tmp_path / "subs", solutions=solutions)
    subs = tmp_path / "subs"
    # one of the two copies is kept (the one without the copy suffix), the other reported
    assert (subs / "lopezana_48213" / f"{EX04}.ipynb").read_text() == _nb("original")
    statuses = {e.entry: e.status for e in report.entries}
    assert statuses[f"lopezana_48213_990011_{EX04}-1.ipynb"] == "duplicate"
    assert statuses["lopezana_48213_990011_notes.txt"] == "not-a-notebook"
    assert statuses["random.ipynb"] == "odd-name"
    assert statuses["__MACOSX/._lopezana_48213_990011_x.ipynb"] == "ignored"
    # an unknown name is kept under its own name, with the grader's kind of suggestion
    misnamed = next(e for e in report.entries if e.original == "ex5_penalties.ipynb")
    assert misnamed.status == "collected" and misnamed.exercise == ""
    assert f"did you mean {EX05}.ipynb" in misnamed.message
    assert (subs / "lopezana_48213" / "ex5_penalties.ipynb").read_text() == _nb("misnamed")
    # every entry of the download is in the manifest: nothing silently dropped
    assert len(_manifest(subs)) == 6
    assert {e.status for e in report.problems} == {"duplicate", "not-a-notebook", "odd-name"}


def _patch_bytes(path: Path, old: bytes, new: bytes) -> None:
    raw = path.read_bytes()
    assert raw.count(old) >= 2 and len(old) == len(new)  # local header and central directory
    path.write_bytes(raw.replace(old, new))


def test_hostile_canvas_entries_never_leave_the_target_folder(tmp_path, solutions):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("keep")
    bomb = b"\0" * (collect_mod.MAX_FILE_BYTES + 1)
    download = _zip(
        tmp_path / "canvas.zip",
        [
            (f"../evil_1_2_{EX04}.ipynb", _nb("slip")),
            (f"../../outside/evil_1_2_{EX04}.ipynb", _nb("slip")),
            (f"/tmp/abs_1_2_{EX04}.ipynb", _nb("abs")),
            (f"C:/win_1_2_{EX04}.ipynb", _nb("drive")),
            (f"a\\..\\..\\back_1_2_{EX04}.ipynb", _nb("backslash")),
            (_symlink_info(f"linker_3_4_{EX04}.ipynb"), str(outside / "secret.txt").encode()),
            (f"bomber_5_6_{EX04}.ipynb", bomb),
            (f"cafX_7_8_{EX04}.ipynb", _nb("latin-1 name")),
            (f"=2+3_9_10_{EX04}.ipynb", _nb("formula")),
            (f"ctrl\x1b[2J_11_12_{EX04}.ipynb", _nb("escape")),
        ],
    )
    _patch_bytes(download, b"cafX_7_8", b"caf\xe9_7_8")  # bytes that are not UTF-8
    subs = tmp_path / "subs"
    report = collect(download, "canvas", subs, solutions=solutions)
    statuses = {e.entry: e.status for e in report.entries}
    assert statuses[f"../evil_1_2_{EX04}.ipynb"] == "unsafe-path"
    assert statuses[f"../../outside/evil_1_2_{EX04}.ipynb"] == "unsafe-path"
    assert statuses[f"/tmp/abs_1_2_{EX04}.ipynb"] == "unsafe-path"
    assert statuses[f"C:/win_1_2_{EX04}.ipynb"] == "unsafe-path"
    assert statuses[f"a\\..\\..\\back_1_2_{EX04}.ipynb"] == "unsafe-path"
    assert statuses[f"linker_3_4_{EX04}.ipynb"] == "symlink"
    assert statuses[f"bomber_5_6_{EX04}.ipynb"] == "too-large"
    assert statuses[f"ctrl?[2J_11_12_{EX04}.ipynb"] == "bad-name"
    assert [e.status for e in report.entries if "caf" in e.entry] == ["bad-name"]
    # only the formula-named learner is collected, under a sanitized folder name
    assert _tree(subs) == {"collect-manifest.csv", "2_3_9", f"2_3_9/{EX04}.ipynb"}
    assert _tree(outside) == {"secret.txt"} and (outside / "secret.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "canvas.zip",
        "outside",
        "solutions",
        "subs",
    ]
    assert not any(p.is_symlink() for p in subs.rglob("*"))
    # the manifest neutralises the learner-chosen name a spreadsheet would run
    formula = next(r for r in _manifest(subs) if r["learner"] == "2_3_9")
    assert formula["name"] == "'=2+3"
    assert all(r["entry"].isprintable() for r in _manifest(subs))
    assert len(report.problems) == 9


def test_a_corrupt_member_is_reported_and_the_rest_collected(tmp_path, solutions):
    path = tmp_path / "canvas.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"lopezana_48213_990011_{EX04}.ipynb", b'{"cells": "AAAA"}')
        archive.writestr(f"okaforben_48214_990012_{EX04}.ipynb", _nb("ben"))
    _patch_bytes_once(path, b'"AAAA"', b'"AAAB"')
    report = collect(path, "canvas", tmp_path / "subs", solutions=solutions)
    assert [e.status for e in report.entries] == ["corrupt", "collected"]
    assert not (tmp_path / "subs" / "lopezana_48213").exists()


def _patch_bytes_once(path: Path, old: bytes, new: bytes) -> None:
    raw = path.read_bytes()
    assert raw.count(old) == 1
    path.write_bytes(raw.replace(old, new))


def test_existing_links_in_the_target_are_replaced_or_refused_never_followed(tmp_path, solutions):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.ipynb").write_text("victim")
    subs = tmp_path / "subs"
    (subs / "lopezana_48213").mkdir(parents=True)
    (subs / "lopezana_48213" / f"{EX04}.ipynb").symlink_to(outside / "victim.ipynb")
    (subs / "okaforben_48214").symlink_to(outside, target_is_directory=True)
    download = _zip(
        tmp_path / "canvas.zip",
        [
            (f"lopezana_48213_990011_{EX04}.ipynb", _nb("ana")),
            (f"okaforben_48214_990012_{EX04}.ipynb", _nb("ben")),
        ],
    )
    report = collect(download, "canvas", subs, solutions=solutions)
    target = subs / "lopezana_48213" / f"{EX04}.ipynb"
    assert not target.is_symlink() and target.read_text() == _nb("ana")
    assert (outside / "victim.ipynb").read_text() == "victim"
    assert _tree(outside) == {"victim.ipynb"}
    assert [e.status for e in report.entries] == ["collected", "write-error"]


def test_too_many_entries_are_refused(tmp_path, solutions, monkeypatch):
    monkeypatch.setattr(collect_mod, "MAX_MEMBERS", 10)
    download = _zip(tmp_path / "many.zip", [(f"x{i}_1_2_a.ipynb", b"{}") for i in range(11)])
    with pytest.raises(ValueError, match="11 entries, more than 10"):
        collect(download, "canvas", tmp_path / "subs", solutions=solutions)
    assert not (tmp_path / "subs").exists()


def test_total_size_limit_stops_collecting_and_reports(tmp_path, solutions):
    download = _zip(
        tmp_path / "canvas.zip",
        [(f"l{i}_{i}_9_{EX04}.ipynb", b"x" * 600_000) for i in range(3)],
    )
    report = collect(download, "canvas", tmp_path / "subs", solutions=solutions, max_total_mib=1)
    assert [e.status for e in report.entries] == ["collected", "too-large", "too-large"]


def _moodle_zip(path: Path) -> Path:
    return _zip(
        path,
        [
            ("Ana Lopez_48213_assignsubmission_file_/", b""),
            (f"Ana Lopez_48213_assignsubmission_file_/{EX04}.ipynb", _nb("ana-04")),
            ("Ana Lopez_48213_assignsubmission_onlinetext_onlinetext.html", b"<p>hi</p>"),
            (f"Zoë Ångström_48215_assignsubmission_file_/work/{EX05}.ipynb", _nb("zoe-05")),
            (f"Ben Okafor_48214_assignsubmission_file_{EX04}.ipynb", _nb("ben-04")),
            (f"Carl Unlisted_50000_assignsubmission_file_/{EX04}.ipynb", _nb("carl")),
        ],
    )


def test_moodle_download_folders_and_flat_names(tmp_path, solutions):
    download = _moodle_zip(tmp_path / "moodle.zip")
    report = collect(download, "moodle", tmp_path / "subs", solutions=solutions)
    subs = tmp_path / "subs"
    assert (subs / "Ana_Lopez_48213" / f"{EX04}.ipynb").read_text() == _nb("ana-04")
    assert (subs / "Zoë_Ångström_48215" / f"{EX05}.ipynb").read_text() == _nb("zoe-05")
    assert (subs / "Ben_Okafor_48214" / f"{EX04}.ipynb").read_text() == _nb("ben-04")
    assert [e.status for e in report.problems] == ["not-a-notebook"]
    names = {r["learner"]: r["name"] for r in _manifest(subs)}
    assert names["Zoë_Ångström_48215"] == "Zoë Ångström"
    assert all(r["late"] == "" for r in _manifest(subs))  # Moodle's names carry no late flag


def test_moodle_with_roster_uses_roster_folders_and_reports_strangers(tmp_path, solutions):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "learner,id,name,email\n"
        "ana,48213,Ana Lopez,ana@example.org\n"
        "ben,48214,Ben Okafor,ben@example.org\n"
        "zoe,48215,Zoë Ångström,zoe@example.org\n",
        encoding="utf-8",
    )
    download = _moodle_zip(tmp_path / "moodle.zip")
    report = collect(download, "moodle", tmp_path / "subs", solutions=solutions, roster=roster)
    assert report.learners == ["Carl_Unlisted_50000", "ana", "ben", "zoe"]
    carl = next(e for e in report.entries if e.lms_id == "50000")
    assert "50000 is not on the roster" in carl.message


def test_command_line_exit_codes_and_report(tmp_path, solutions, capsys):
    download = _zip(
        tmp_path / "canvas.zip",
        [
            (f"lopezana_LATE_48213_990011_{EX04}.ipynb", _nb("a")),
            (f"../evil_1_2_{EX04}.ipynb", _nb("slip")),
        ],
    )
    args = [str(download), "--from", "canvas", "--into", str(tmp_path / "subs")]
    assert main(args + ["--solutions", str(solutions)]) == 1
    out, err = capsys.readouterr()
    assert "1 notebooks of 1 learners collected" in out and "(1 late" in out
    assert "unsafe-path: ../evil_1_2_" in err
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    bad = [str(tmp_path / "bad.zip"), "--from", "canvas", "--into", str(tmp_path / "s2")]
    assert main(bad + ["--solutions", str(solutions)]) == 2
    assert "is not a readable zip file" in capsys.readouterr().err
    assert main(args + ["--solutions", str(tmp_path / "nowhere")]) == 2


def test_matching_follows_the_grader():
    names = [EX04, EX05]
    assert match_exercise(f"{EX04.upper()}.ipynb", names) == (EX04, None)
    assert match_exercise(f"{EX04} (1).ipynb", names) == (EX04, None)
    assert match_exercise("ex4.ipynb", names) == (None, EX04)
    assert match_exercise("homework.ipynb", names) == (None, None)


def test_download_written_by_python_zipfile_for_utf8_names_round_trips(tmp_path, solutions):
    # a UTF-8 name with the zip's UTF-8 flag set (what Moodle writes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"José Nuñez_7_assignsubmission_file_/{EX04}.ipynb", _nb("j"))
    raw = buffer.getvalue()
    (tmp_path / "m.zip").write_bytes(raw)
    report = collect(tmp_path / "m.zip", "moodle", tmp_path / "subs", solutions=solutions)
    assert report.learners == ["José_Nuñez_7"]
    assert os.listdir(tmp_path / "subs" / "José_Nuñez_7") == [f"{EX04}.ipynb"]
