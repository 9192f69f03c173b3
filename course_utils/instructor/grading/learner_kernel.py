"""The learner's kernel, driven one cell at a time (sandboxed when bwrap can run).

:class:`LearnerKernel` starts a Jupyter kernel whose ZMQ sockets are Unix
sockets in the bridge folder (``transport="ipc"``), inside the bubblewrap
sandbox of :mod:`course_utils.instructor.grading.sandbox` unless sandboxing is
off. :meth:`LearnerKernel.run` executes one piece of code and reports the
kernel's *reply status* (``ok`` or ``error``, with the error's name and
message), the end of its output, or that the cell timed out or the kernel died.
Nothing the kernel sends is evaluated: messages are JSON, read by
jupyter_client, size-limited by ZMQ.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

from course_utils.instructor.execute import KERNEL_ENV
from course_utils.instructor.grading.sandbox import SandboxSpec, sandbox_command

__all__ = ["CellRun", "LearnerKernel", "OUTPUT_EXCERPT_CHARS", "MAX_MESSAGE_BYTES"]

OUTPUT_EXCERPT_CHARS = 1500
MAX_MESSAGE_BYTES = 64 * 2**20  # a larger ZMQ message from the kernel drops its connection
MAX_OUTPUT_CHARS = 1024 * 2**20  # a cell printing more than this stops the notebook
_PASSED_WITHOUT_SANDBOX = {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT", "TZ"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class CellRun:
    """How one execution went: ``status`` is ok, error, timeout, dead or output-limit."""

    status: str
    ename: str = ""
    evalue: str = ""
    output: str = ""
    output_chars: int = 0

    @property
    def finished(self) -> bool:
        return self.status in {"ok", "error"}


class _Tail:
    """The last characters of a stream of text, and how many there were."""

    def __init__(self, limit: int = OUTPUT_EXCERPT_CHARS):
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def add(self, text: str) -> None:
        self.total += len(text)
        self.parts.append(text[-self.limit :])
        self.kept += min(len(text), self.limit)
        while self.parts and self.kept - len(self.parts[0]) >= self.limit:
            self.kept -= len(self.parts.pop(0))

    def text(self) -> str:
        joined = _ANSI.sub("", "".join(self.parts))
        if self.total > len(joined):
            cut = self.total - min(len(joined), self.limit)
            return f"[... {cut:,} characters cut ...]\n" + joined[-self.limit :]
        return joined


class _SandboxedKernelManager(KernelManager):
    """A KernelManager whose kernel command runs inside bwrap."""

    sandbox_spec: SandboxSpec | None = None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if self.sandbox_spec is None:
            return cmd
        return sandbox_command(cmd, self.sandbox_spec)


def _text_of(content: dict) -> str:
    data = content.get("data")
    plain = data.get("text/plain", "") if isinstance(data, dict) else ""
    if isinstance(plain, list):
        plain = "".join(str(p) for p in plain)
    return str(plain) + "\n"


def _copy_font_list(folder: Path) -> None:
    """The grader's matplotlib font list, so that a fresh HOME does not rebuild it (seconds)."""
    try:
        import shutil

        import matplotlib

        folder.mkdir(parents=True, exist_ok=True)
        for font_list in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copyfile(font_list, folder / font_list.name)
    except Exception:  # noqa: BLE001 - only a speed-up
        pass


class LearnerKernel:
    """One learner kernel: start, run code cell by cell, stop (killing everything it started)."""

    LIVENESS_SECONDS = 0.5  # how often a wait checks that the kernel process still lives

    def __init__(
        self,
        *,
        kernel_name: str,
        work_dir: Path,
        bridge_dir: Path,
        env: dict[str, str],
        sandboxed: bool,
        memory_limit_mib: float,
    ):
        self.work_dir = Path(work_dir)
        self.bridge_dir = Path(bridge_dir)
        self.sandboxed = sandboxed
        km = _SandboxedKernelManager(
            kernel_name=kernel_name,
            transport="ipc",
            ip=str(self.bridge_dir / "kernel"),
            connection_file=str(self.bridge_dir / "kernel.json"),
        )
        kernel_env = {**KERNEL_ENV, **env}
        if sandboxed:
            km.sandbox_spec = SandboxSpec(
                work_dir=self.work_dir,
                bridge_dir=self.bridge_dir,
                env=kernel_env,
                memory_limit_mib=memory_limit_mib,
            )
            self.launch_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            # Without the sandbox the kernel still gets a clean environment: none of the
            # grader's variables (tokens, paths), only what a kernel needs.
            kept = {k: v for k, v in os.environ.items() if k in _PASSED_WITHOUT_SANDBOX}
            self.launch_env = {
                **kept,
                **kernel_env,
                "HOME": str(self.work_dir),
                "TMPDIR": str(self.work_dir / ".tmp"),
                "MPLCONFIGDIR": str(self.work_dir / ".cache" / "matplotlib"),
            }
        self.cwd = str(self.work_dir)  # bwrap changes to /home/learner inside
        self.km = km
        self.kc: Any = None

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def start(self, timeout: float) -> None:
        """Start the kernel and wait until it answers (raises RuntimeError otherwise)."""
        import zmq

        (self.work_dir / ".tmp").mkdir(parents=True, exist_ok=True)
        if not self.sandboxed:  # the sandbox binds the font list read-only instead
            _copy_font_list(self.work_dir / ".cache" / "matplotlib")
        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.km.context = context
        self.km.start_kernel(cwd=self.cwd, env=self.launch_env)
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=timeout)
        except RuntimeError as exc:
            raise RuntimeError(f"the kernel did not start: {exc}") from None

    def alive(self) -> bool:
        try:
            return bool(self.km.is_alive())
        except Exception:  # noqa: BLE001
            return False

    def run(
        self,
        code: str,
        timeout: float,
        *,
        store_history: bool = True,
        on_output: Any = None,
    ) -> CellRun:
        """Execute ``code`` and wait for the kernel to become idle again (or die, or time out)."""
        if not self.alive():
            return CellRun("dead")
        try:
            msg_id = self.kc.execute(
                code, store_history=store_history, allow_stdin=False, stop_on_error=False
            )
        except Exception:  # noqa: BLE001 - the channel is gone
            return CellRun("dead")
        return self._wait(msg_id, timeout, reply_expected=True, on_output=on_output)

    def send_comm(
        self,
        msg_type: str,
        content: dict,
        timeout: float,
        *,
        on_output: Any = None,
        on_comm: Any = None,
    ) -> CellRun:
        """Send a ``comm_open`` or ``comm_msg`` and wait until the kernel has handled it.

        No cell runs: the kernel hands the message to the comm's handler and
        then reports idle (a comm message gets no shell reply). ``on_comm``
        receives the content of every comm message the kernel sends back while
        handling it. ``ok`` only means that the kernel became idle again.
        """
        if not self.alive():
            return CellRun("dead")
        try:
            msg = self.kc.session.msg(msg_type, content)
            self.kc.shell_channel.send(msg)
        except Exception:  # noqa: BLE001 - the channel is gone
            return CellRun("dead")
        return self._wait(
            msg["header"]["msg_id"],
            timeout,
            reply_expected=False,
            on_output=on_output,
            on_comm=on_comm,
        )

    def _wait(
        self,
        msg_id: str,
        timeout: float,
        *,
        reply_expected: bool,
        on_output: Any = None,
        on_comm: Any = None,
    ) -> CellRun:
        """Read the kernel's messages about ``msg_id`` until it is idle (and replied).

        One ``zmq.Poller`` watches the shell and the iopub socket, so every
        message is read as soon as it arrives, whichever channel it comes on;
        the poll wakes up on its own only for the liveness check
        (:attr:`LIVENESS_SECONDS`) and the deadline.
        """
        import zmq

        tail = _Tail()
        shell, iopub = self.kc.shell_channel, self.kc.iopub_channel
        poller = zmq.Poller()
        poller.register(shell.socket, zmq.POLLIN)
        poller.register(iopub.socket, zmq.POLLIN)
        deadline = time.monotonic() + timeout
        next_check = time.monotonic() + self.LIVENESS_SECONDS
        reply: dict | None = None if reply_expected else {"status": "ok"}
        idle = False
        while not (idle and reply is not None):
            now = time.monotonic()
            if now > deadline:
                return CellRun("timeout", output=tail.text(), output_chars=tail.total)
            if now >= next_check:
                next_check = now + self.LIVENESS_SECONDS
                if not self.alive():
                    return CellRun("dead", output=tail.text(), output_chars=tail.total)
            wait_ms = max(0.0, min(deadline, next_check) - now) * 1000
            try:
                ready = dict(poller.poll(int(wait_ms) + 1))
                shell_msg = shell._recv() if shell.socket in ready else None
                iopub_msg = iopub._recv() if iopub.socket in ready else None
            except Exception:  # noqa: BLE001 - a closed socket, an unreadable message
                return CellRun("dead", output=tail.text(), output_chars=tail.total)
            if (
                reply is None
                and shell_msg is not None
                and shell_msg.get("parent_header", {}).get("msg_id") == msg_id
            ):
                reply = shell_msg.get("content", {})
            if iopub_msg is None or iopub_msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = iopub_msg.get("msg_type")
            content = iopub_msg.get("content") or {}
            if kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "stream":
                text = str(content.get("text", ""))
                tail.add(text)
                if on_output is not None:
                    on_output(text)
            elif kind in {"execute_result", "display_data"}:
                tail.add(_text_of(content))
            elif kind == "error":
                tail.add(f"{content.get('ename', 'Error')}: {content.get('evalue', '')}\n")
            elif kind == "comm_msg" and on_comm is not None:
                on_comm(content)
            if tail.total > MAX_OUTPUT_CHARS:
                return CellRun("output-limit", output=tail.text(), output_chars=tail.total)
        status = reply.get("status") if isinstance(reply, dict) else None
        if status == "ok":
            return CellRun("ok", output=tail.text(), output_chars=tail.total)
        ename = str(reply.get("ename", "Error")) if isinstance(reply, dict) else "Error"
        evalue = str(reply.get("evalue", "")) if isinstance(reply, dict) else ""
        return CellRun(
            "error",
            ename=_ANSI.sub("", ename)[:200],
            evalue=_ANSI.sub("", evalue)[:2000],
            output=tail.text(),
            output_chars=tail.total,
        )

    def stop(self) -> None:
        """Stop the kernel at once; the sandbox's PID namespace takes its processes with it."""
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:  # noqa: BLE001
            pass
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            pass
        try:
            self.km.cleanup_resources()
        except Exception:  # noqa: BLE001
            pass
        context = getattr(self.km, "context", None)
        if context is not None:
            try:
                context.destroy(linger=0)
            except Exception:  # noqa: BLE001
                pass
