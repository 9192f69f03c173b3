"""The Colab/Binder badges and the Colab set-up cell of every course notebook, from one template.

Each course notebook starts with its title cell, then two cells written by this
module (never by hand):

1. a Markdown cell with an *Open in Colab* and a *Launch Binder* badge for that
   notebook, built from the repository address in ``pyproject.toml``
   (``[project.urls] Repository``);
2. a code cell that, **only on Google Colab** (``"google.colab" in sys.modules``),
   installs ``course_utils`` from that repository with ``pip install --no-deps``:
   Colab already has every package the notebooks import (TensorFlow, Keras,
   NumPy, scikit-learn, matplotlib, pandas, ipywidgets), and ``--no-deps`` keeps
   pip from replacing any of them (or Colab's ipykernel). In JupyterLite
   (Pyodide, ``sys.platform == "emscripten"``) it installs the wheel the website
   serves with ``piplite`` (``deps=False``: Pyodide brings NumPy, scikit-learn and
   matplotlib, and TensorFlow is never asked for). Anywhere else the cell does
   nothing.

Both cells carry the tag ``remove-cell``: the website has its own launch
buttons. Run it on the jupytext sources, then rebuild the notebooks::

    python -m course_utils.instructor.launch_cells sources/notebooks/*.py
    python -m course_utils.instructor.launch_cells --check sources/notebooks/*.py

It inserts the two cells after the first cell, or rewrites them where they are
already (so a changed address or template reaches every notebook).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BADGE_TAG = "launch-badges"
COLAB_TAG = "colab-setup"
# Packages the notebooks need that Colab does not preinstall (none today); they would be
# installed with their own dependencies, everything else with --no-deps.
COLAB_LACKS: tuple[str, ...] = ()

_BADGE_IMAGE = {
    "colab": "https://colab.research.google.com/assets/colab-badge.svg",
    "binder": "https://mybinder.org/badge_logo.svg",
}


def repository_address(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """``[project.urls] Repository`` of pyproject.toml, without a trailing slash."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    address = data.get("project", {}).get("urls", {}).get("Repository", "").rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", address):
        raise ValueError(
            f"pyproject.toml's [project.urls] Repository is {address!r}; it must be the "
            "course's public GitHub address, https://github.com/OWNER/NAME."
        )
    return address


def colab_url(repository: str, notebook: str, branch: str = "main") -> str:
    owner_name = repository.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/{notebook}"


def binder_url(repository: str, notebook: str, branch: str = "main") -> str:
    owner_name = repository.removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/{notebook}"


def badge_markdown(repository: str, notebook: str) -> str:
    """The badge cell's Markdown for ``notebook``, a path like ``notebooks/03_l2_ridge.ipynb``."""
    return (
        f"[![Open In Colab]({_BADGE_IMAGE['colab']})]({colab_url(repository, notebook)}) "
        f"[![Launch Binder]({_BADGE_IMAGE['binder']})]({binder_url(repository, notebook)})"
    )


def colab_code(repository: str) -> str:
    """The Colab set-up cell's code (ruff-formatted, as the notebooks are)."""
    lines = [
        "# On Google Colab or in JupyterLite only: install the course package (they have the",
        "# rest; --no-deps keeps Colab's own packages). Anywhere else this cell does nothing.",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    import subprocess",
        "",
        f'    package = "course_utils @ git+{repository}"',
        '    pip = [sys.executable, "-m", "pip", "install", "--quiet"]',
        '    subprocess.run([*pip, "--no-deps", package], check=True)',
    ]
    if COLAB_LACKS:
        names = ", ".join(f'"{name}"' for name in COLAB_LACKS)
        lines.append(f"    subprocess.run([*pip, {names}], check=True)")
    lines += [
        'elif sys.platform == "emscripten":  # JupyterLite (Pyodide): the wheel the site serves',
        "    import piplite",
        "",
        '    await piplite.install("course_utils", deps=False)',
    ]
    return "\n".join(lines)


def cells_text(repository: str, notebook: str) -> str:
    """The two cells in jupytext percent format (with the blank line that ends each cell)."""
    badge = badge_markdown(repository, notebook)
    return (
        f'# %% [markdown] tags=["{BADGE_TAG}", "remove-cell"]\n'
        f"# {badge}\n"
        "\n"
        f'# %% tags=["{COLAB_TAG}", "remove-cell"]\n'
        f"{colab_code(repository)}\n"
        "\n"
    )


_CELL_START = re.compile(r"^# %%.*$", re.M)


def _notebook_of(source: Path) -> str:
    """``sources/notebooks/NN_x.py`` -> ``notebooks/NN_x.ipynb`` (the path in the repository)."""
    parts = source.resolve().relative_to(ROOT / "sources").with_suffix(".ipynb")
    return parts.as_posix()


def with_launch_cells(text: str, repository: str, notebook: str) -> str:
    """``text`` (a percent-format source) with the two cells right after its first cell."""
    starts = [m.start() for m in _CELL_START.finditer(text)]
    if not starts or not text[starts[0] :].startswith("# %% [markdown]"):
        raise ValueError(f"{notebook}: the source must start with its Markdown title cell.")
    kept = []
    bounds = starts + [len(text)]
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        header = text[start : text.find("\n", start)]
        if BADGE_TAG in header or COLAB_TAG in header:
            continue
        kept.append(text[start:end])
    prefix = text[: starts[0]]
    first, rest = kept[0], kept[1:]
    if not first.endswith("\n\n"):
        first = first.rstrip("\n") + "\n\n"
    return prefix + first + cells_text(repository, notebook) + "".join(rest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, help="sources/notebooks/NN_x.py files")
    parser.add_argument("--check", action="store_true", help="only report sources out of date")
    args = parser.parse_args(argv)
    repository = repository_address()
    stale = []
    for source in args.sources:
        text = source.read_text(encoding="utf-8")
        new = with_launch_cells(text, repository, _notebook_of(source))
        if new != text:
            stale.append(source)
            if not args.check:
                source.write_text(new, encoding="utf-8")
                print(f"updated {source}")
    if args.check and stale:
        print("out of date (run without --check):", *map(str, stale), sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
