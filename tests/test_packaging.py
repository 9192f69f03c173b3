"""The project's packaging: one set of dependencies, a light import, two audiences kept apart."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _environment_packages() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"^  - ([A-Za-z0-9_.\-]+)", line)
        if match and match.group(1) not in {"python", "pip"}:
            names.add(_name(match.group(1)))
    return names


def test_python_floor_is_the_same_everywhere():
    # The lock (NumPy 2.4, pandas 3.1, SciPy 1.17) needs Python 3.11: every file says so.
    assert _pyproject()["project"]["requires-python"] == ">=3.11"
    assert _pyproject()["tool"]["ruff"]["target-version"] == "py311"
    assert re.search(r"^  - python=3\.11$", (ROOT / "environment.yml").read_text(), re.M)
    readme = (ROOT / "README.md").read_text()
    assert "You need Python 3.11 or newer" in readme
    assert re.findall(r"Python 3\.(\d+) or newer", readme) == ["11"]
    makefile = (ROOT / "Makefile").read_text()
    assert "sys.version_info < (3, 11)" in makefile
    assert sys.version_info >= (3, 11)


def test_environment_yml_and_pyproject_name_the_same_packages():
    project = _pyproject()["project"]
    declared = {_name(r) for r in project["dependencies"]}
    declared |= {_name(r) for r in project["optional-dependencies"]["test"]}
    assert _environment_packages() == declared


def test_environment_yml_installs_the_package_itself():
    text = (ROOT / "environment.yml").read_text()
    assert "conda-forge" in text
    assert "python=3.11" in text
    assert re.search(r"^\s+- -e \.$", text, re.M)


def test_dependency_ranges_have_lower_and_upper_bounds():
    project = _pyproject()["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    for requirement in requirements:
        assert ">=" in requirement and "<" in requirement.replace("<=", ""), requirement
        assert "==" not in requirement, requirement


def test_lock_file_pins_every_dependency_exactly():
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[_name(name)] = version
    project = _pyproject()["project"]
    needed = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        needed |= {_name(r) for r in extra}
    assert needed <= set(pins), needed - set(pins)


def test_import_is_light_and_does_not_import_tensorflow():
    code = (
        "import sys, course_utils, course_utils.data, course_utils.notebook; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_learner_modules_never_import_the_instructor_side():
    for path in (ROOT / "course_utils").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert "instructor" not in name, f"{path.name} imports {name}"


def test_unknown_attribute_gives_a_clear_error():
    import course_utils

    try:
        course_utils.does_not_exist  # noqa: B018
    except AttributeError as exc:
        assert "does_not_exist" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
