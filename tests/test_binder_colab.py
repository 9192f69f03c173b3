"""Binder and Colab: the Binder files follow pyproject.toml; the Colab cell acts only on Colab."""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from course_utils.instructor import launch_cells

tomllib = pytest.importorskip("tomllib")  # standard library from Python 3.11

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
TOOLS = {"pytest", "nbval", "pytest-xdist", "ruff", "playwright", "sphinx", "myst-nb", "jupytext"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.strip()[len(_name(requirement)) :].replace(" ", "")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _binder_packages() -> dict[str, str]:
    text = (BINDER / "environment.yml").read_text(encoding="utf-8")
    packages = {}
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"^  - ([A-Za-z0-9_.\-]+)(\S*)\s*$", line)
        if match and match.group(1) not in {"python", "pip"}:
            packages[match.group(1).lower().replace("_", "-")] = match.group(2)
    return packages


def test_binder_environment_has_the_runtime_packages_with_pyproject_ranges():
    project = _pyproject()["project"]
    runtime = list(project["dependencies"]) + list(project["optional-dependencies"]["lab"])
    expected = {_name(r): _spec(r) for r in runtime}
    assert _binder_packages() == expected, (
        "binder/environment.yml must list pyproject.toml's dependencies and `lab` extra with "
        "the same ranges: change it together with pyproject.toml"
    )


def test_binder_environment_is_cacheable_and_tool_free():
    text = (BINDER / "environment.yml").read_text(encoding="utf-8")
    assert not TOOLS & set(_binder_packages()), "test, lint or site tools in the Binder image"
    # Anything that reads the repository (pip: -e .) would make repo2docker rebuild the whole
    # environment on every commit; the package is installed by postBuild instead.
    assert "pip:" not in text and "-e ." not in text
    assert re.search(r"^  - python=3\.1\d$", text, re.M)


def test_postbuild_installs_the_course_package_without_its_dependencies():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    mode = subprocess.run(
        ["git", "ls-files", "-s", "binder/postBuild"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    if mode:  # tracked: git must record the executable bit, or Binder gets a plain file
        assert mode[0] == "100755", mode
    commands = [
        line
        for line in post_build.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert "set -euo pipefail" in commands
    installs = [line for line in commands if "pip install" in line]
    assert len(installs) == 1, installs
    words = installs[0].split()
    assert "--no-deps" in words and words[-1] == "." and "-e" not in words


def _run_cell(code: str) -> None:
    """Run a cell's code as IPython does, top-level ``await`` included."""
    compiled = compile(code, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(compiled, {})
    if inspect.iscoroutine(result):
        asyncio.run(result)


def test_the_colab_cell_does_nothing_outside_colab(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append(args))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    before = set(sys.modules)
    _run_cell(launch_cells.colab_code(launch_cells.repository_address()))
    assert calls == []
    assert set(sys.modules) - before == set(), "the cell imported something outside Colab"


def test_the_colab_cell_installs_only_the_course_package_on_colab(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    repository = launch_cells.repository_address()
    _run_cell(launch_cells.colab_code(repository))
    assert calls == [
        (
            (
                [
                    sys.executable,
                    *("-m", "pip", "install", "--quiet", "--no-deps"),
                    f"course_utils @ git+{repository}",
                ],
            ),
            {"check": True},
        )
    ]
    assert _pyproject()["project"]["name"] == "course_utils"


def test_in_jupyterlite_the_cell_installs_the_served_wheel_without_dependencies(monkeypatch):
    calls = []

    async def install(*args, **kwargs):
        calls.append((args, kwargs))

    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("pip run in Pyodide"))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setitem(sys.modules, "piplite", types.SimpleNamespace(install=install))
    monkeypatch.setattr(sys, "platform", "emscripten")
    _run_cell(launch_cells.colab_code(launch_cells.repository_address()))
    assert calls == [(("course_utils",), {"deps": False})]


def test_repository_address_comes_from_pyproject_and_is_checked(tmp_path):
    assert launch_cells.repository_address() == _pyproject()["project"]["urls"]["Repository"]
    bad = tmp_path / "pyproject.toml"
    bad.write_text('[project.urls]\nRepository = "git@github.com:a/b.git"\n')
    with pytest.raises(ValueError, match="https://github.com/OWNER/NAME"):
        launch_cells.repository_address(bad)


def test_badges_link_to_the_notebook_on_colab_and_binder():
    badge = launch_cells.badge_markdown("https://github.com/a/b", "notebooks/03_l2_ridge.ipynb")
    assert (
        "](https://colab.research.google.com/github/a/b/blob/main/notebooks/03_l2_ridge.ipynb)"
        in badge
    )
    assert (
        "](https://mybinder.org/v2/gh/a/b/main?urlpath=lab/tree/notebooks/03_l2_ridge.ipynb)"
        in badge
    )


def test_inserting_the_cells_is_idempotent_and_keeps_the_title_first():
    source = "# %% [markdown]\n# # 99 · Title\n\n# %%\nx = 1\n"
    once = launch_cells.with_launch_cells(source, "https://github.com/a/b", "notebooks/99_t.ipynb")
    assert once.startswith("# %% [markdown]\n# # 99 · Title\n\n# %% [markdown] tags=")
    assert once.endswith("# %%\nx = 1\n")
    assert (
        launch_cells.with_launch_cells(once, "https://github.com/a/b", "notebooks/99_t.ipynb")
        == once
    )
    with pytest.raises(ValueError, match="Markdown title cell"):
        launch_cells.with_launch_cells("# %%\nx = 1\n", "https://github.com/a/b", "n.ipynb")


COURSE = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", COURSE, ids=[p.name for p in COURSE])
def test_every_course_notebook_starts_with_the_badges_and_the_colab_cell(path):
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    repository = launch_cells.repository_address()
    badge, colab = nb["cells"][1], nb["cells"][2]
    assert badge["cell_type"] == "markdown", "run python -m course_utils.instructor.launch_cells"
    assert "".join(badge["source"]) == launch_cells.badge_markdown(
        repository, f"notebooks/{path.name}"
    )
    assert colab["cell_type"] == "code"
    assert "".join(colab["source"]) == launch_cells.colab_code(repository)
    assert colab["outputs"] == [], "the set-up cell must print nothing outside Colab"
    for cell in (badge, colab):
        assert "remove-cell" in cell["metadata"].get("tags", []), "the website hides them"


def test_the_sources_carry_the_current_template(capsys):
    sources = sorted((ROOT / "sources" / "notebooks").glob("*.py"))
    assert sources, "no jupytext sources"
    assert launch_cells.main(["--check", *map(str, sources)]) == 0, capsys.readouterr().out
