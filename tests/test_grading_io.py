"""Reading hostile submission folders, authenticated resume records, escaped outputs."""

from __future__ import annotations

import json
import os
import stat

import pytest

from course_utils.instructor.grading import reports, state
from course_utils.instructor.grading.submissions import (
    MAX_SUBMISSION_BYTES,
    clean_name,
    discover,
    read_submission,
)

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ({**NOTEBOOK, "cells": [{"cell_type": {}, "source": ""}]}, "no valid cell_type"),
        ({**NOTEBOOK, "cells": [{"cell_type": "code", "source": {"a": 1}}]}, "not text"),
        ({**NOTEBOOK, "cells": [{"cell_type": "code", "source": "", "metadata": []}]}, "metadata"),
        ({**NOTEBOOK, "cells": ["not a cell"]}, "not a JSON object"),
        (
            {
                **NOTEBOOK,
                "metadata": {
                    "x": [
                        [
                            [
                                [
                                    [
                                        [
                                            [
                                                [
                                                    [
                                                        [
                                                            [
                                                                [
                                                                    [
                                                                        [
                                                                            [
                                                                                [
                                                                                    [
                                                                                        [
                                                                                            [
                                                                                                [
                                                                                                    [
                                                                                                        [
                                                                                                            [
                                                                                                                [
                                                                                                                    [
                                                                                                                        [
                                                                                                                            [
                                                                                                                                [
                                                                                                                                    [
                                                                                                                                        [
                                                                                                                                            [
                                                                                                                                                [
                                                                                                                                                    [
                                                                                                                                                        [
                                                                                                                                                            [
                                                                                                                                                                [
                                                                                                                                                                    [
                                                                                                                                                                        [
                                                                                                                                                                            [
                                                                                                                                                                                [
                                                                                                                                                                                    [
                                                                                                                                                                                        [
                                                                                                                                                                                            [
                                                                                                                                                                                                [
                                                                                                                                                                                                    [
                                                                                                                                                                                                        [
                                                                                                                                                                                                            [
                                                                                                                                                                                                                [
                                                                                                                                                                                                                    [
                                                                                                                                                                                                                        [
                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                                                                                []
                                                                                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                ]
                                                                                                                                                                                                            ]
                                                                                                                                                                                                        ]
                                                                                                                                                                                                    ]
                                                                                                                                                                                                ]
                                                                                                                                                                                            ]
                                                                                                                                                                                        ]
                                                                                                                                                                                    ]
                                                                                                                                                                                ]
                                                                                                                                                                            ]
                                                                                                                                                                        ]
                                                                                                                                                                    ]
                                                                                                                                                                ]
                                                                                                                                                            ]
                                                                                                                                                        ]
                                                                                                                                                    ]
                                                                                                                                                ]
                                                                                                                                            ]
                                                                                                                                        ]
                                                                                                                                    ]
                                                                                                                                ]
                                                                                                                            ]
                                                                                                                        ]
                                                                                                                    ]
                                                                                                                ]
                                                                                                            ]
                                                                                                        ]
                                                                                                    ]
                                                                                                ]
                                                                                            ]
                                                                                        ]
                                                                                    ]
                                                                                ]
                                                                            ]
                                                                        ]
                                                                    ]
                                                                ]
                                                            ]
                                                        ]
                                                    ]
                                                ]
                                            ]
                                        ]
                                    ]
                                ]
                            ]
                        ]
                    ]
                },
            },
            "nested too deeply",
        ),
    ],
)
def test_damaged_notebooks_are_invalid(tmp_path, content, words):
    result = read_submission(_write(tmp_path / "nb.ipynb", content))
    assert (result.status, result.notebook) == ("invalid-notebook", None)
    assert words in result.message


def test_a_json_nesting_bomb_is_a_status_not_a_crash(tmp_path):
    bomb = b'{"nbformat": 4, "cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert read_submission(_write(tmp_path / "nb.ipynb", bomb)).status == "invalid-notebook"


def test_links_fifos_and_huge_files_are_not_read(tmp_path):
    target = _write(tmp_path / "real.ipynb", NOTEBOOK)
    os.symlink(target, tmp_path / "link.ipynb")
    assert "symbolic link" in read_submission(tmp_path / "link.ipynb").message
    os.mkfifo(tmp_path / "fifo.ipynb")  # opening it for reading must not block
    assert read_submission(tmp_path / "fifo.ipynb").status == "invalid-notebook"
    with open(tmp_path / "huge.ipynb", "wb") as handle:
        handle.truncate(MAX_SUBMISSION_BYTES + 1)  # sparse: no disk used
    assert read_submission(tmp_path / "huge.ipynb").status == "too-large"


def test_clean_name_removes_control_characters_and_marks_changed_names():
    assert clean_name("ana") == "ana"
    shown = clean_name("ev\x1b[31mil\n")
    assert "\x1b" not in shown and "\n" not in shown and shown.startswith("ev?[31mil?")
    undecodable = os.fsdecode(b"caf\xe9")
    assert clean_name(undecodable).startswith("caf\ufffd [")


def test_discover_handles_any_folder_name_and_warns_about_skipped_folders(tmp_path):
    subs = tmp_path / "subs"
    _write(subs / "ana" / "ex01_a.ipynb", NOTEBOOK)
    odd = os.path.join(os.fsencode(subs), b"b\xffn")
    os.makedirs(odd)
    _write(subs / os.fsdecode(b"b\xffn") / "ex01_a.ipynb", NOTEBOOK)
    (subs / ".hidden").mkdir()
    os.symlink(subs / "ana", subs / "alias")

    def unknown(message):
        return {"message": message}

    items, warnings = discover(subs, ["ex01_a"], ["ex01_a"], tmp_path / "out", unknown)
    assert sorted(i.shown for i in items)[0] == "ana"
    assert any(i.shown.startswith("b\ufffdn [") and i.path for i in items)
    assert any("alias" in w and "symbolic link" in w for w in warnings)
    assert any(".hidden" in w for w in warnings)


def test_records_are_authenticated_and_bound_to_their_learner(tmp_path, monkeypatch):
    monkeypatch.setenv(state.KEY_ENV, str(tmp_path / "keys" / "key"))
    key = state.load_key()
    assert stat.S_IMODE(os.stat(tmp_path / "keys" / "key").st_mode) == 0o600
    assert state.load_key() == key
    record = {"points": 3.0, "key": "abc"}
    text = state.seal(key, state.identity("ana", "ex01"), record)
    assert state.unseal(key, state.identity("ana", "ex01"), text.encode()) == record
    assert state.unseal(key, state.identity("ben", "ex01"), text.encode()) is None
    forged = json.loads(text)
    forged["record"]["points"] = 8.0
    assert state.unseal(key, state.identity("ana", "ex01"), json.dumps(forged).encode()) is None
    assert state.unseal(b"another key" * 4, state.identity("ana", "ex01"), text.encode()) is None


def test_csv_cells_cannot_run_as_formulas():
    assert reports.csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert reports.csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert reports.csv_cell("-3.5") == "-3.5"  # a number stays a number
    assert reports.csv_cell("a\x1b[2Jb\x07") == "ab"


def test_markdown_feedback_escapes_learner_text_like_the_html_page():
    record = {
        "learner": "<img src=x onerror=alert(1)>",
        "exercise": "ex01",
        "points": 0.0,
        "max_points": 1.0,
        "status": "ok",
        "message": "",
        "rows": [
            {
                "grade_id": "t",
                "points": 0.0,
                "max_points": 1.0,
                "status": "failed",
                "message": "[click](javascript:alert(1)) | <b>",
                "output": "```\n<script>alert(1)</script>\n````",
            }
        ],
        "notes": ["<iframe>"],
        "cell_errors": [],
    }
    md = reports.feedback_markdown(record)
    assert "<img" not in md and "<iframe>" not in md and "<b>" not in md
    assert "\\[click\\]" in md and "\\|" in md
    assert "`````text" in md  # the fence is longer than any backtick run in the output
    page = reports.feedback_html(record)
    assert "<img" not in page and "<script>" not in page
