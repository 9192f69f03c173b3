"""Helpers of the website build (docs/site/conf.py), kept apart so tests can import them.

The order of the pages is the README's: the syllabus table lists the notebooks
and the exercise table the exercises. Notebooks or exercises present in the
build but not (yet) in the README come after, in file-name order, so a new
notebook is on the site as soon as it is committed.
"""

from __future__ import annotations

import re
from pathlib import Path

_SYLLABUS = re.compile(r"<!-- syllabus:start -->(.*?)<!-- syllabus:end -->", re.S)
_NOTEBOOK_LINK = re.compile(r"\]\(notebooks/([^)\s]+)\.ipynb\)")
_EXERCISE_NAME = re.compile(r"^\|\s*`(ex\d\d[^`]*)`\s*\|", re.M)


def repository_address(pyproject: dict, override: str | None = None) -> str:
    """The public repository behind the launch buttons: the override, else pyproject's."""
    address = (override or "").strip()
    if not address:
        urls = pyproject.get("project", {}).get("urls", {})
        address = urls.get("Repository", "").strip()
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", address.rstrip("/")):
        raise ValueError(
            f"The repository address {address!r} is not of the form "
            "https://github.com/OWNER/NAME; set [project.urls] Repository in pyproject.toml "
            "or COURSE_REPOSITORY."
        )
    return address.rstrip("/")


def ordered(names_in_readme: list[str], present: list[str]) -> list[str]:
    """README order first (only names that exist), then the rest sorted."""
    seen = [name for name in dict.fromkeys(names_in_readme) if name in present]
    return seen + sorted(set(present) - set(seen))


def notebook_order(readme: str, folder: Path) -> list[str]:
    match = _SYLLABUS.search(readme)
    listed = _NOTEBOOK_LINK.findall(match.group(1)) if match else []
    return ordered(listed, [path.stem for path in folder.glob("*.ipynb")])


def exercise_order(readme: str, folder: Path) -> list[str]:
    section = readme.split("## Exercises", 1)[-1].split("\n## ", 1)[0]
    return ordered(_EXERCISE_NAME.findall(section), [p.stem for p in folder.glob("ex*.ipynb")])


def _toctree(caption: str, folder: str, names: list[str]) -> str:
    entries = "\n".join(f"{folder}/{name}" for name in names)
    return f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n{entries}\n```\n"


def notebook_toctree(readme: str, folder: Path) -> str:
    return _toctree("Notebooks", "notebooks", notebook_order(readme, folder))


def exercise_toctree(readme: str, folder: Path) -> str:
    return _toctree("Exercises", "exercises", exercise_order(readme, folder))


def guide_toctree(folder: Path) -> str:
    """The documents of docs/ (scaling conventions, exercises, grading), by file name."""
    return _toctree("Guides", "docs", sorted(path.stem for path in folder.glob("*.md")))
