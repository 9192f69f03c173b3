"""``course-grade collect``: turn an LMS bulk download into the submissions layout.

::

    course-grade collect submissions.zip --from canvas --into submissions/
    course-grade collect moodle.zip --from moodle --into submissions/ --roster roster.csv

Canvas's "Download Submissions" zip is flat, one file per learner and file,
named ``<name>_<user id>_<submission id>_<original name>``, with ``LATE`` (or
``late``) after the name for late work: ``lopezana_LATE_48213_990011_ex04.ipynb``.
Moodle's "Download all submissions" zip has one folder per learner,
``<Full Name>_<id>_assignsubmission_file_/<original name>`` (or, with folders
turned off, the same prefix in front of each file name).

Each notebook goes to ``INTO/<learner>/<exercise>.ipynb``: the learner folder is
the roster's ``learner`` for the LMS id (``--roster``), else ``<name>_<id>``; the
exercise is matched as the grader does (names ignoring case; Canvas's ``-1``
suffix of a re-uploaded file is dropped). A notebook whose name matches no
exercise keeps its own name, so that the grader reports it with a suggestion.
``INTO/collect-manifest.csv`` lists every entry of the download with its
learner, LMS id, late flag and what happened to it; every entry that was not
collected is also printed. Nothing is silently dropped.

The download is treated as hostile: nothing in it is executed, extracted by
its own path or followed. Entries with absolute paths, ``..``, drive letters or
backslashes, symbolic links and other special files, names that are not UTF-8,
files over 50 MiB (declared size; zipfile enforces it while reading) and more
than 200,000 entries are refused and reported. Output names are built from
sanitized parts only; files are written atomically and never through a link.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import os
import re
import stat
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from course_utils.instructor.grading.roster import Roster, check_folder_name, read_roster

__all__ = [
    "CollectReport",
    "Entry",
    "collect",
    "main",
    "match_exercise",
    "parse_canvas_name",
    "parse_moodle_path",
]

MAX_FILE_BYTES = 50 * 1024 * 1024  # the grader refuses larger notebooks too
MAX_MEMBERS = 200_000
DEFAULT_MAX_TOTAL_MIB = 8192
MANIFEST = "collect-manifest.csv"
MANIFEST_COLUMNS = [
    "learner",
    "lms_id",
    "name",
    "exercise",
    "file",
    "late",
    "submission_id",
    "status",
    "message",
    "entry",
]
_CANVAS = re.compile(
    r"^(?P<slug>[^_/]+?)_(?:(?P<late>LATE|late)_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<orig>.+)$"
)
_MOODLE = re.compile(
    r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$"
)
_COPY_SUFFIX = re.compile(r"(?:-\d+| \(\d+\))$")  # Canvas's ex04-1, a browser's "ex04 (1)"
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Entry:
    """One entry of the download and what became of it."""

    entry: str  # the name in the zip, printable
    status: str = "collected"
    message: str = ""
    learner: str = ""
    lms_id: str = ""
    name: str = ""
    exercise: str = ""
    file: str = ""  # written, relative to INTO
    late: bool | None = None
    submission_id: str = ""
    original: str = ""
    _info: zipfile.ZipInfo | None = field(default=None, repr=False, compare=False)


@dataclass
class CollectReport:
    """What :func:`collect` did."""

    entries: list[Entry]
    into: Path
    manifest: Path

    @property
    def collected(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "collected"]

    @property
    def problems(self) -> list[Entry]:
        """Entries not collected, hidden and system entries (``__MACOSX``) aside."""
        return [e for e in self.entries if e.status not in ("collected", "folder", "ignored")]

    @property
    def ignored(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "ignored"]

    @property
    def learners(self) -> list[str]:
        return sorted({e.learner for e in self.collected})


def _printable(text: str) -> str:
    return "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in text)


def _safe_part(text: str, fallback: str = "learner") -> str:
    """A folder or file name built from ``text``: letters, digits, ``-``, ``_``, ``.``."""
    text = unicodedata.normalize("NFC", text)
    out = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)
    out = re.sub(r"_+", "_", out).strip("._-")[:80]
    return out or fallback


def _neutral(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "|", "%"):
        return "'" + text
    return text


def parse_canvas_name(name: str) -> dict | None:
    """The parts of a Canvas submission file name, or None.

    >>> parse_canvas_name("lopezana_LATE_48213_990011_ex04_lasso.ipynb")["late"]
    True
    >>> parse_canvas_name("lopezana_48213_990011_ex04_lasso.ipynb")["original"]
    'ex04_lasso.ipynb'
    >>> parse_canvas_name("ex04_lasso.ipynb") is None
    True
    """
    match = _CANVAS.match(name)
    if not match:
        return None
    return {
        "name": match["slug"],
        "lms_id": match["uid"],
        "submission_id": match["sid"],
        "original": match["orig"],
        "late": match["late"] is not None,
    }


def parse_moodle_path(parts: tuple[str, ...]) -> dict | None:
    """The parts of a Moodle download path (folder or flat layout), or None.

    >>> parse_moodle_path(("Ana Lopez_48213_assignsubmission_file_", "ex04.ipynb"))["name"]
    'Ana Lopez'
    >>> parse_moodle_path(("Ana Lopez_48213_assignsubmission_file_ex04.ipynb",))["original"]
    'ex04.ipynb'
    """
    match = _MOODLE.match(parts[0])
    if not match:
        return None
    if len(parts) > 1:
        if match["rest"]:
            return None
        original = parts[-1]
    else:
        original = match["rest"]
    if not original:
        return None
    return {
        "name": match["name"],
        "lms_id": match["id"],
        "plugin": match["plugin"],
        "original": original,
        "late": None,
        "submission_id": "",
    }


def match_exercise(filename: str, exercises: list[str]) -> tuple[str | None, str | None]:
    """(exercise, None) when ``filename`` is an exercise's notebook, else (None, suggestion).

    >>> names = ["ex04_lasso_from_scratch", "ex05_penalties_and_early_stopping"]
    >>> match_exercise("EX04_Lasso_From_Scratch-1.ipynb", names)
    ('ex04_lasso_from_scratch', None)
    >>> match_exercise("ex5_penalties.ipynb", names)
    (None, 'ex05_penalties_and_early_stopping')
    """
    stem = filename[: -len(".ipynb")] if filename.lower().endswith(".ipynb") else filename
    lower = {name.lower(): name for name in exercises}
    for candidate in (stem, _COPY_SUFFIX.sub("", stem)):
        if candidate.lower() in lower:
            return lower[candidate.lower()], None
    number = re.match(r"(?i)ex[_ -]?0*(\d+)", stem)
    if number:
        same = [n for n in exercises if re.match(rf"ex0*{number.group(1)}(_|$)", n)]
        if len(same) == 1:
            return None, same[0]
    close = difflib.get_close_matches(stem, exercises, n=1, cutoff=0.6)
    return None, (close[0] if close else None)


def _entry_name(info: zipfile.ZipInfo) -> str | None:
    """The entry's name as text, or None when its bytes are not UTF-8."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _unsafe(name: str) -> str | None:
    if "\0" in name:
        return "a NUL character in its name"
    if name.startswith("/") or name.startswith("\\") or _DRIVE.match(name):
        return "an absolute path"
    if "\\" in name:
        return "a backslash in its path"
    if any(part == ".." for part in name.split("/")):
        return "'..' in its path (it would land outside the target folder)"
    return None


def _exercises_in(solutions: Path) -> list[str]:
    if not solutions.is_dir():
        raise ValueError(f"The solutions folder {solutions} does not exist.")
    names = sorted(p.stem for p in solutions.glob("*.ipynb") if not p.name.startswith((".", "__")))
    if not names:
        raise ValueError(f"No solution notebooks (*.ipynb) in {solutions}.")
    return names


def _classify(
    info: zipfile.ZipInfo, lms: str, exercises: list[str], roster: Roster | None
) -> Entry:
    text = _entry_name(info)
    if text is None:
        entry = Entry(_printable(ascii(info.filename)))
        entry.status, entry.message = "bad-name", "its name is not UTF-8 text; not collected"
        return entry
    entry = Entry(_printable(text), _info=info)
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.is_dir() or kind == stat.S_IFDIR:
        entry.status = "folder"
        return entry
    why = _unsafe(text)
    if why:
        entry.status, entry.message = "unsafe-path", f"{why}; not collected"
        return entry
    if kind == stat.S_IFLNK:
        entry.status, entry.message = "symlink", "a symbolic link; not followed, not collected"
        return entry
    if kind not in (0, stat.S_IFREG):
        entry.status, entry.message = "special-file", "not a regular file; not collected"
        return entry
    parts = tuple(p for p in PurePosixPath(text).parts if p)
    if any(p.startswith((".", "__MACOSX")) for p in parts):
        entry.status, entry.message = "ignored", "a hidden or system entry; not collected"
        return entry
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        entry.status, entry.message = "bad-name", "a control character in its name; not collected"
        return entry
    if lms == "canvas":
        parsed = parse_canvas_name(parts[-1])
        expected = "<name>_<user id>_<submission id>_<file name>"
    else:
        parsed = parse_moodle_path(parts)
        expected = "<Full Name>_<id>_assignsubmission_file_/<file name>"
    if parsed is None:
        entry.status = "odd-name"
        entry.message = f"not named as {lms.title()} names submissions ({expected}); not collected"
        return entry
    entry.lms_id = parsed["lms_id"]
    entry.name = parsed["name"]
    entry.late = parsed["late"]
    entry.submission_id = parsed["submission_id"]
    entry.original = parsed["original"]
    person = roster.by_id.get(entry.lms_id) if roster is not None else None
    if person is not None:
        entry.learner = person.learner
    else:
        entry.learner = _safe_part(f"{entry.name}_{entry.lms_id}")
        if check_folder_name(entry.learner):
            entry.learner = f"learner_{entry.lms_id}"
    if parsed.get("plugin", "file") != "file" or not entry.original.lower().endswith(".ipynb"):
        entry.status = "not-a-notebook"
        entry.message = f"{_printable(entry.original)!r} is not a notebook; not collected"
        return entry
    if info.file_size > MAX_FILE_BYTES:
        entry.status = "too-large"
        entry.message = f"{info.file_size:,} bytes, over the 50 MiB limit; not collected"
        return entry
    exercise, suggestion = match_exercise(entry.original, exercises)
    if exercise:
        entry.exercise = exercise
        entry.file = f"{entry.learner}/{exercise}.ipynb"
    else:
        stem = _safe_part(entry.original[: -len(".ipynb")], fallback="notebook")
        entry.file = f"{entry.learner}/{stem}.ipynb"
        entry.message = (
            f"no exercise is named {_printable(entry.original)!r}"
            + (f"; did you mean {suggestion}.ipynb?" if suggestion else "")
            + " Collected under its own name: the grader reports it as unknown-exercise."
        )
    if roster is not None and person is None:
        note = f"LMS id {entry.lms_id} is not on the roster; collected as {entry.learner}"
        entry.message = f"{note}. {entry.message}".strip()
    return entry


def _pick_duplicates(entries: list[Entry]) -> None:
    """Keep one file per target (latest submission, then the name without a copy suffix)."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.status == "collected":
            groups.setdefault(entry.file.lower(), []).append(entry)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(
            key=lambda e: (
                -int(e.submission_id or 0),
                bool(_COPY_SUFFIX.search(e.original[: -len(".ipynb")])),
                e.entry,
            )
        )
        kept = group[0]
        for other in group[1:]:
            other.status = "duplicate"
            other.message = (
                f"a second file for {other.file}; kept {kept.entry!r} instead. "
                "Check which one the learner meant."
            )
            other.file = ""


def _write_file(into: Path, relative: str, data: bytes) -> None:
    learner, filename = relative.split("/")
    folder = into / learner
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        os.mkdir(folder, 0o755)
    else:
        if not stat.S_ISDIR(info.st_mode):
            raise OSError(f"{folder} exists and is not a folder (a link or a file)")
    fd, tmp = tempfile.mkstemp(prefix=".collect.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / filename)  # replaces a link at the target, never follows it
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_manifest(path: Path, entries: list[Entry]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        if entry.status == "folder":
            continue
        row = asdict(entry)
        row["late"] = "" if entry.late is None else ("yes" if entry.late else "no")
        writer.writerow({c: _neutral(row[c]) for c in MANIFEST_COLUMNS})
    fd, tmp = tempfile.mkstemp(prefix=".manifest.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def collect(
    download: str | os.PathLike,
    lms: str,
    into: str | os.PathLike,
    *,
    solutions: str | os.PathLike = "solutions",
    roster: Roster | str | os.PathLike | None = None,
    max_total_mib: float = DEFAULT_MAX_TOTAL_MIB,
) -> CollectReport:
    """Read the LMS download ``download`` and write the submissions folder ``into``."""
    if lms not in ("canvas", "moodle"):
        raise ValueError(f"Unknown LMS {lms!r}: use canvas or moodle.")
    download, into = Path(download), Path(into)
    exercises = _exercises_in(Path(solutions))
    if roster is not None and not isinstance(roster, Roster):
        roster = read_roster(roster)
    if not download.is_file():
        raise ValueError(f"The download {download} does not exist or is not a file.")
    if into.is_symlink() or (into.exists() and not into.is_dir()):
        raise ValueError(f"{into} exists and is not a folder.")
    try:
        archive = zipfile.ZipFile(download)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{download} is not a readable zip file ({exc}).") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ValueError(
                f"{download} has {len(infos):,} entries, more than {MAX_MEMBERS:,}: refused "
                "(a zip bomb, or several downloads in one?)."
            )
        entries = [_classify(info, lms, exercises, roster) for info in infos]
        _pick_duplicates(entries)
        budget = int(max_total_mib * 1024 * 1024)
        into.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            if entry.status != "collected":
                continue
            info = entry._info
            if info is None:  # only entries that were classified by their ZipInfo get here
                continue
            if info.file_size > budget:
                entry.status = "too-large"
                entry.message = (
                    f"the download passed --max-total-mib {max_total_mib:g}; not collected"
                )
                entry.file = ""
                continue
            try:
                with archive.open(info) as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                RuntimeError,
                NotImplementedError,
            ) as exc:
                entry.status, entry.message = (
                    "corrupt",
                    f"unreadable in the zip ({exc}); not collected",
                )
                entry.file = ""
                continue
            if len(data) > MAX_FILE_BYTES:
                entry.status, entry.message = "too-large", "over the 50 MiB limit; not collected"
                entry.file = ""
                continue
            budget -= len(data)
            try:
                _write_file(into, entry.file, data)
            except OSError as exc:
                entry.status, entry.message = "write-error", f"{exc}; not collected"
                entry.file = ""
    manifest = into / MANIFEST
    _write_manifest(manifest, entries)
    return CollectReport(entries, into, manifest)


def main(argv: list[str] | None = None) -> int:
    """``course-grade collect``: 0 when all was collected, 1 with problems, 2 on bad usage."""
    parser = argparse.ArgumentParser(
        prog="course-grade collect",
        description="Turn a Canvas or Moodle bulk download of submissions into the folder "
        "layout course-grade reads: INTO/<learner>/<exercise>.ipynb.",
        epilog="Every entry of the download is listed in INTO/collect-manifest.csv with its "
        "learner, LMS id and late flag. See docs/grading.md.",
    )
    parser.add_argument("download", type=Path, metavar="DOWNLOAD.zip")
    parser.add_argument("--from", dest="lms", required=True, choices=["canvas", "moodle"])
    parser.add_argument("--into", type=Path, required=True, metavar="SUBMISSIONS")
    parser.add_argument(
        "--solutions", type=Path, default=Path("solutions"), help="default: solutions"
    )
    parser.add_argument("--roster", type=Path, help="name learner folders after the roster")
    parser.add_argument(
        "--max-total-mib",
        type=float,
        default=DEFAULT_MAX_TOTAL_MIB,
        help=f"most data written in all (default: {DEFAULT_MAX_TOTAL_MIB} MiB)",
    )
    args = parser.parse_args(argv)
    try:
        report = collect(
            args.download,
            args.lms,
            args.into,
            solutions=args.solutions,
            roster=args.roster,
            max_total_mib=args.max_total_mib,
        )
    except ValueError as exc:
        print(f"course-grade collect: {exc}", file=sys.stderr)
        return 2
    late = sum(bool(e.late) for e in report.collected)
    unknown = [e for e in report.collected if not e.exercise]
    for entry in report.problems + unknown:
        print(f"{entry.status}: {entry.entry}: {entry.message}", file=sys.stderr)
    print(
        f"{len(report.collected)} notebooks of {len(report.learners)} learners collected into "
        f"{report.into}/ ({late} late, {len(unknown)} with an unknown name); "
        f"{len(report.problems)} entries not collected, {len(report.ignored)} hidden or system "
        f"entries ignored. Every entry is listed in "
        f"{report.manifest}."
    )
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
