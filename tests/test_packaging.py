"""The project's packaging: one set of dependencies, a light import, two audiences kept apart."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SELF = "course-utils"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements(*extras: str) -> list[str]:
    """The core dependencies and the given extras, self-references (course_utils[x]) expanded."""
    project = _pyproject()["project"]
    requirements, todo, seen = list(project["dependencies"]), list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in project["optional-dependencies"][extra]:
            if _name(requirement) == SELF:
                todo += re.search(r"\[(.*)\]", requirement).group(1).split(",")
            else:
                requirements.append(requirement)
    return requirements


def _all_requirements() -> list[str]:
    return _requirements(*_pyproject()["project"]["optional-dependencies"])


def _environment_packages() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"^  - ([A-Za-z0-9_.\-]+)", line)
        if match and match.group(1) not in {"python", "pip"}:
            names.add(_name(match.group(1)))
    return names


def _installed_closure(requirements) -> set[str]:
    """Distribution names the requirements pull in, following the installed packages' metadata."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    seen, todo = set(), [(Requirement(r), ()) for r in requirements]
    while todo:
        requirement, _ = todo.pop()
        name = _name(requirement.name)
        key = (name, tuple(sorted(requirement.extras)))
        if key in seen:
            continue
        seen.add(key)
        try:
            dependencies = requires(name) or []
        except PackageNotFoundError:
            continue  # only needed on another platform or Python
        for text in dependencies:
            dependency = Requirement(text)
            environments = [{"extra": e} for e in ("", *requirement.extras)]
            if dependency.marker is None or any(
                dependency.marker.evaluate(env) for env in environments
            ):
                todo.append((dependency, ()))
    return {name for name, _ in seen}


def _top_level_imports(code: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            lines += [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


#: Modules of JupyterLite's in-browser Python (Pyodide), imported only when running there.
LITE = {"piplite", "micropip", "pyodide", "js", "pyodide_js"}


def _undeclared(imports: set[str], requirements) -> set[str]:
    from importlib.metadata import packages_distributions

    provided_by = packages_distributions()
    available = _installed_closure(requirements)
    missing = set()
    declared = {_name(r) for r in requirements}
    for module in imports - set(sys.stdlib_module_names) - {"course_utils", "__future__"} - LITE:
        if module not in provided_by:  # not installed here: declared under its own name?
            if _name(module) not in declared:
                missing.add(module)
            continue
        if not {_name(d) for d in provided_by[module]} & available:
            missing.add(module)
    return missing


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


def test_learners_install_only_what_the_notebooks_and_learner_modules_import():
    imports = set()
    for path in (ROOT / "course_utils").glob("*.py"):
        imports |= _top_level_imports(path.read_text())
    for folder in ("notebooks", "solutions", "exercises"):
        for path in (ROOT / folder).glob("*.ipynb"):
            imports |= _top_level_imports(_notebook_code(path))
    for path in (ROOT / "sources").rglob("*.py"):  # the notebooks' jupytext sources
        imports |= _top_level_imports(path.read_text())
    assert {"keras", "sklearn", "ipywidgets"} <= imports  # the scan did read the course
    assert _undeclared(imports, _requirements()) == set()
    # ... and nothing more: no instructor, maintainer or JupyterLab package comes with them
    # (psutil is not in the list: IPython, which ipywidgets needs, depends on it anyway).
    core = _installed_closure(_requirements())
    assert core & {"jupyterlab", "ipykernel", "nbclient", "nbformat", "pytest", "ruff"} == set()


def test_the_instructor_extra_covers_the_instructor_tools():
    imports = set()
    for path in (ROOT / "course_utils" / "instructor").rglob("*.py"):
        imports |= _top_level_imports(path.read_text())
    assert {"nbclient", "psutil"} <= imports
    assert _undeclared(imports, _requirements("instructor")) == set()


def test_the_test_extras_cover_the_tests():
    imports = set()
    for path in (ROOT / "tests").rglob("*.py"):
        imports |= _top_level_imports(path.read_text())
    imports |= _top_level_imports((ROOT / "conftest.py").read_text())
    local = {"tests", "conftest"} | {path.stem for path in (ROOT / "tests").rglob("*.py")}
    local |= {path.name for path in (ROOT / "tests").rglob("*") if path.is_dir()}
    assert _undeclared(imports - local, _requirements("test", "browser")) == set()


def test_undeclared_imports_are_detected():
    assert _undeclared({"nbclient", "numpy"}, _requirements()) == {"nbclient"}


def test_environment_yml_and_pyproject_name_the_same_packages():
    declared = {_name(r) for r in _requirements("lab", "instructor", "test")}
    assert _environment_packages() == declared


def test_environment_yml_installs_the_package_itself():
    text = (ROOT / "environment.yml").read_text()
    assert "conda-forge" in text
    assert "python=3.11" in text
    assert re.search(r"^\s+- -e \.$", text, re.M)


def test_dependency_ranges_have_lower_and_upper_bounds():
    for requirement in _all_requirements():
        assert ">=" in requirement and "<" in requirement.replace("<=", ""), requirement
        assert "==" not in requirement, requirement


def test_lock_file_pins_every_dependency_exactly():
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[_name(name)] = version
    needed = {_name(r) for r in _all_requirements()}
    assert needed <= set(pins), needed - set(pins)


def test_importing_the_learner_modules_does_not_import_tensorflow():
    """Only code that trains a network imports Keras (notebooks import it themselves)."""
    modules = sorted(f"course_utils.{p.stem}" for p in (ROOT / "course_utils").glob("[a-z]*.py"))
    assert {"course_utils.training", "course_utils.widgets", "course_utils.data"} <= set(modules)
    code = (
        f"import sys, course_utils, {', '.join(modules)}; "
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
