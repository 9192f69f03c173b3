"""The operating-system sandbox of a learner's kernel: bubblewrap (``bwrap``).

Each kernel runs under ``bwrap`` with:

* every namespace unshared (``--unshare-all``): no network, its own PID, IPC
  and UTS namespaces, so it sees no process of the grader;
* ``--die-with-parent`` and ``--new-session``; a clean environment
  (``--clearenv`` and a few variables);
* read-only views of the system (``/usr``, the libraries, a few files of
  ``/etc``), of the Python environment (the virtual environment and the
  interpreter it was made from) and of the ``course_utils`` package; nothing
  else of the file system: no solutions, no other submission, no output
  folder, no home folder;
* one writable folder, ``/home/learner`` (its working directory, ``HOME`` and
  ``TMPDIR``), holding copies of the exercises' data files, watched for size;
  a small private ``/tmp``; and the bridge folder holding the kernel's Unix
  sockets (``transport="ipc"``: a TCP port inside an unshared network cannot be
  reached from outside) and the bridge's request and answer files;
* resource limits set with ``prlimit``: address space, file size, number of
  processes (the last one is not enforced for root), no core files.

Where bwrap cannot run (not installed, not Linux, user namespaces disabled),
:func:`sandbox_available` says why and the grader runs kernels unsandboxed.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "HOME",
    "SandboxSpec",
    "sandbox_available",
    "sandbox_command",
    "read_only_roots",
]

HOME = "/home/learner"
TMP_SIZE = 64 * 2**20
_ETC = [
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/hosts",
    "/etc/mime.types",
]
_SYSTEM = ["/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin"]


@dataclass
class SandboxSpec:
    """What one sandboxed kernel may see: its writable folder and its bridge folder."""

    work_dir: Path  # host folder mounted as /home/learner
    bridge_dir: Path  # host folder mounted at the same path (Unix sockets, bridge files)
    env: dict[str, str] = field(default_factory=dict)
    memory_limit_mib: float = 4096
    file_size_mib: float = 1024
    max_processes: int = 256
    extra_read_only: list[str] = field(default_factory=list)


def _package_roots() -> list[str]:
    """Where Python and ``course_utils`` live: what a kernel must read."""
    import course_utils

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots.add(str(Path(course_utils.__file__).resolve().parent))
    return sorted(roots)


def read_only_roots(extra: list[str] | None = None) -> list[str]:
    """The host paths bound read-only into a sandbox (those that exist), parents first."""
    paths = [p for p in _SYSTEM + _ETC if os.path.lexists(p)]
    paths += _package_roots() + list(extra or [])
    seen: list[str] = []
    for path in paths:
        if path and path not in seen and os.path.exists(path):
            seen.append(path)
    return seen


def _mpl_cache_binds() -> list[str]:
    """The grader's matplotlib font list, read-only, so a kernel does not rebuild it (seconds)."""
    try:
        import matplotlib

        cache = Path(matplotlib.get_cachedir())
    except Exception:  # noqa: BLE001 - no matplotlib: nothing to share
        return []
    args = []
    for font_list in sorted(cache.glob("fontlist-*.json")):
        args += ["--ro-bind", str(font_list), f"{HOME}/.cache/matplotlib/{font_list.name}"]
    return args


def sandbox_command(command: list[str], spec: SandboxSpec) -> list[str]:
    """``command`` wrapped in ``prlimit`` and ``bwrap`` as described in the module docstring."""
    bwrap = shutil.which("bwrap") or "bwrap"
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    # The private /tmp comes first: a Python environment or a bridge folder that lives under
    # the host's /tmp (a clone in /tmp, CI) is then bound on top of it instead of hidden by it.
    args += ["--size", str(TMP_SIZE), "--tmpfs", "/tmp"]
    for path in read_only_roots(spec.extra_read_only):
        args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev"]
    if os.path.isdir("/sys/devices/system/cpu"):
        args += ["--ro-bind", "/sys/devices/system/cpu", "/sys/devices/system/cpu"]
    args += ["--bind", str(spec.work_dir), HOME]
    args += ["--bind", str(spec.bridge_dir), str(spec.bridge_dir)]
    args += _mpl_cache_binds()
    args += ["--chdir", HOME]
    env = {
        "HOME": HOME,
        "TMPDIR": f"{HOME}/.tmp",
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "MPLCONFIGDIR": f"{HOME}/.cache/matplotlib",
        **spec.env,
    }
    for name, value in sorted(env.items()):
        args += ["--setenv", name, value]
    memory = int(max(spec.memory_limit_mib * 2, spec.memory_limit_mib + 6144) * 2**20)
    limits = [
        f"--as={memory}",
        f"--fsize={int(spec.file_size_mib * 2**20)}",
        f"--nproc={spec.max_processes}",
        "--core=0",
    ]
    prlimit = shutil.which("prlimit")
    prefix = [prlimit, *limits, "--"] if prlimit else []
    return prefix + args + ["--", *command]


@functools.lru_cache(maxsize=1)
def sandbox_available() -> tuple[bool, str]:
    """``(True, "")`` when bwrap can start a sandbox here, else ``(False, why)``."""
    if not sys.platform.startswith("linux"):
        return False, f"bubblewrap needs Linux (this is {sys.platform})"
    if shutil.which("bwrap") is None:
        return False, "bwrap is not installed (Debian package bubblewrap)"
    probe = Path(os.environ.get("TMPDIR", "/tmp"))
    spec = SandboxSpec(work_dir=probe, bridge_dir=probe)
    command = sandbox_command([sys.executable, "-I", "-S", "-c", "pass"], spec)
    try:
        done = subprocess.run(command, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap could not start: {exc}"
    if done.returncode != 0:
        text = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return False, "bwrap could not start: " + (text[-1] if text else f"exit {done.returncode}")
    return True, ""
