"""The trusted side of the bridge: proxies that call into the learner's kernel.

A test runs in the trusted process, never in the learner's kernel. Each name
the test uses that the learner defines is replaced by a proxy:

* a learner function becomes a :class:`LearnerFunction`: calling it sends the
  arguments (plain data, :mod:`course_utils.instructor.grading.codec`) to the
  kernel, which calls the function while nothing else runs there, and brings
  back the result as plain data, arrays the call modified, or the exception it
  raised (re-raised here as the builtin exception of the same name, or as
  :class:`LearnerError`);
* a learner value is fetched once as plain data;
* an object that is not plain data comes back as a :class:`Handle`, whose
  attributes, items, length and calls are fetched the same way.

Each request is one round trip: a file with the request, one Jupyter comm
message that makes the kernel's comm handler answer it (no cell runs, IPython's
``run_cell`` is skipped), the kernel's idle status, a file with the answer.
The comm handler runs in the learner's kernel and the learner's code can
replace it: its answer is read as untrusted plain data like any other.

A learner's code that breaks the bridge (no answer, an unreadable answer)
makes the call raise :class:`BridgeError`, so the test fails. A kernel that
dies or runs out of time raises :class:`KernelStopped`, a ``BaseException``
that test code does not catch: the notebook stops with that status.
"""

from __future__ import annotations

import builtins
import json
import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.instructor.grading import codec
from course_utils.instructor.grading.kernel_side import COMM_TARGET
from course_utils.instructor.grading.learner_kernel import CellRun, LearnerKernel

__all__ = [
    "Bridge",
    "BridgeError",
    "Handle",
    "KernelStopped",
    "LearnerError",
    "LearnerFunction",
]

MAX_ANSWER_BYTES = 256 * 2**20
_BOOT = "__import__('course_utils.instructor.grading.kernel_side', fromlist=['_']).register()"


class KernelStopped(BaseException):
    """The learner's kernel died or a call ran past the time limit: the notebook stops."""

    def __init__(self, status: str, run: CellRun | None = None):
        super().__init__(status)
        self.status = status
        self.run = run


class BridgeError(Exception):
    """The learner's kernel gave no valid answer (its code broke the bridge)."""


class LearnerError(Exception):
    """An exception raised by the learner's code whose type is not a builtin exception."""


def _exception_from(answer: dict) -> Exception:
    names = answer.get("mro")
    names = [n for n in names if isinstance(n, str)] if isinstance(names, list) else []
    message = str(answer.get("message", ""))[:1000]
    type_name = str(answer.get("type", "Exception"))[:80]
    for name in names:
        cls = getattr(builtins, name, None)
        if (
            isinstance(cls, type)
            and issubclass(cls, Exception)
            and cls.__module__ == "builtins"
            and cls is not Exception
        ):
            try:
                exc = cls(message)
            except Exception:  # noqa: BLE001 - exceptions needing other arguments
                continue
            return exc
    return LearnerError(f"{type_name}: {message}" if message else type_name)


class Bridge:
    """Requests to the kernel side (:mod:`.kernel_side`) through files in the bridge folder."""

    def __init__(self, kernel: LearnerKernel, folder: Path, *, deadline: Callable[[], float]):
        self.kernel = kernel
        self.folder = Path(folder)
        self.deadline = deadline  # seconds left for the current cell
        self.count = 0
        self.output: list[str] = []  # what the learner's code printed during the calls
        self.capture = True
        self.comm_id: str | None = None

    def open(self, timeout: float) -> None:
        """Load the kernel side and open the bridge's comm; RuntimeError if the kernel cannot.

        Called before any learner code runs in the kernel.
        """
        boot = self.kernel.run(_BOOT, timeout, store_history=False)
        if boot.status != "ok":
            raise RuntimeError(f"the kernel could not load the grader's bridge ({boot.ename})")
        comm_id = uuid.uuid4().hex
        replies: list[object] = []
        opened = self.kernel.send_comm(
            "comm_open",
            {"comm_id": comm_id, "target_name": COMM_TARGET, "data": {}},
            timeout,
            on_comm=lambda content: replies.append(content.get("data")),
        )
        if opened.status != "ok" or {"ready": True} not in replies:
            raise RuntimeError("the kernel did not open the grader's bridge")
        self.comm_id = comm_id

    def _read_answer(self, path: Path) -> bytes:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            raise BridgeError("the learner's kernel gave no answer") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise BridgeError("the learner's kernel answer is not a file")
            if info.st_size > MAX_ANSWER_BYTES:
                raise BridgeError("the learner's kernel answer is too large")
            chunks, size = [], 0
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise BridgeError("the learner's kernel answer is too large")
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
            try:
                path.unlink()
            except OSError:
                pass

    def request(self, payload: dict) -> dict:
        """Send one request and return the kernel's answer (a dict, ``ok`` true or false)."""
        self.count += 1
        number = self.count
        request_path = self.folder / f"req-{number}.json"
        answer_path = self.folder / f"rep-{number}.json"
        try:
            answer_path.unlink()
        except OSError:
            pass
        request_path.write_text(json.dumps(payload, allow_nan=True), encoding="utf-8")
        left = self.deadline()
        if left <= 0:
            raise KernelStopped("timeout")
        if self.comm_id is None:
            raise BridgeError("the bridge to the learner's kernel is not open")
        run = self.kernel.send_comm(
            "comm_msg",
            {"comm_id": self.comm_id, "data": {"n": number}},
            left,
            on_output=self.output.append if self.capture else None,
        )
        try:
            request_path.unlink()
        except OSError:
            pass
        if run.status in {"timeout", "dead", "output-limit"}:
            raise KernelStopped(run.status, run)
        raw = self._read_answer(answer_path)
        try:
            answer = json.loads(raw)
        except (ValueError, RecursionError, UnicodeError):
            raise BridgeError("the learner's kernel answer is not valid JSON") from None
        if not isinstance(answer, dict):
            raise BridgeError("the learner's kernel answer is not an object")
        return answer

    def _value(self, answer: dict) -> Any:
        if answer.get("ok") is not True:
            raise _exception_from(answer)
        try:
            return codec.decode(answer.get("value"), self._handle, codec.Limits())
        except (codec.CodecError, RecursionError) as exc:
            raise BridgeError(f"the learner's code returned something unreadable: {exc}") from None

    def _handle(self, data: dict) -> Handle:
        key = data.get("id")
        if type(key) is not int:
            raise codec.CodecError("a handle needs a number")
        return Handle(
            self, key, str(data.get("type", "object"))[:80], data.get("callable") is True
        )

    def encode_argument(self, value: Any) -> Any:
        def handle(obj: Any) -> dict:
            if isinstance(obj, Handle) and obj._bridge is self:
                return {"t": "handle", "id": obj._id}
            raise codec.CodecError(
                f"a {type(obj).__name__} cannot be sent to the learner's code (not plain data)"
            )

        return codec.encode(value, handle)

    def call(self, target: dict, args: tuple, kwargs: dict) -> Any:
        try:
            encoded_args = self.encode_argument(list(args))
            encoded_kwargs = self.encode_argument(dict(kwargs))
        except codec.CodecError as exc:
            raise TypeError(str(exc)) from None
        answer = self.request(
            {"op": "call", **target, "args": encoded_args, "kwargs": encoded_kwargs}
        )
        value = self._value(answer)
        self._copy_back(answer.get("mutated"), (list(args), dict(kwargs)))
        return value

    def _copy_back(self, mutated: Any, originals: tuple) -> None:
        """Arrays and generators the learner's call modified: the same change here."""
        if not isinstance(mutated, list):
            return
        for entry in mutated[:1000]:
            try:
                path = codec.decode(entry[0], None, codec.Limits(max_items=100))
                new = codec.decode(entry[1], None, codec.Limits())
                target: Any = originals
                for key in path:
                    target = target[key]
            except (codec.CodecError, LookupError, TypeError, IndexError, RecursionError):
                continue
            if (
                isinstance(target, np.ndarray)
                and isinstance(new, np.ndarray)
                and target.shape == new.shape
                and target.flags.writeable
            ):
                try:
                    np.copyto(target, new, casting="same_kind")
                except (TypeError, ValueError):
                    pass
            elif isinstance(target, np.random.Generator) and isinstance(new, np.random.Generator):
                try:
                    target.bit_generator.state = new.bit_generator.state
                except (TypeError, ValueError, KeyError):
                    pass

    def describe(self, names: list[str]) -> dict[str, Any]:
        """Which of ``names`` the learner's namespace defines: a proxy or a value for each."""
        if not names:
            return {}
        answer = self.request({"op": "describe", "names": sorted(names)})
        if answer.get("ok") is not True or not isinstance(answer.get("names"), dict):
            raise BridgeError("the learner's kernel did not list its names")
        found: dict[str, Any] = {}
        for name, info in answer["names"].items():
            if name not in names or not isinstance(info, dict):
                continue
            if info.get("kind") in {"callable", "opaque"}:
                found[name] = LearnerFunction(self, name)
            elif info.get("kind") == "value":
                try:
                    found[name] = codec.decode(info.get("value"), self._handle, codec.Limits())
                except (codec.CodecError, RecursionError):
                    found[name] = LearnerFunction(self, name)
        return found


class LearnerFunction:
    """A name in the learner's namespace, looked up and called in the kernel at call time."""

    def __init__(self, bridge: Bridge, name: str):
        self._bridge = bridge
        self.__name__ = name
        self.__qualname__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._bridge.call({"name": self.__name__}, args, kwargs)

    def __repr__(self) -> str:
        return f"<learner function {self.__name__}>"

    def __deepcopy__(self, memo: dict) -> LearnerFunction:
        return self


class Handle:
    """An object that lives in the learner's kernel; only plain data crosses over."""

    def __init__(self, bridge: Bridge, key: int, type_name: str, is_callable: bool):
        self._bridge = bridge
        self._id = key
        self._type = type_name
        self._callable = is_callable

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        answer = self._bridge.request({"op": "getattr", "handle": self._ref(), "attr": name})
        return self._bridge._value(answer)

    def _ref(self) -> dict:
        return {"t": "handle", "id": self._id}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self._callable:
            raise TypeError(f"'{self._type}' object is not callable")
        return self._bridge.call({"handle": self._ref()}, args, kwargs)

    def __getitem__(self, key: Any) -> Any:
        try:
            encoded = self._bridge.encode_argument(key)
        except codec.CodecError as exc:
            raise TypeError(str(exc)) from None
        answer = self._bridge.request({"op": "getitem", "handle": self._ref(), "key": encoded})
        return self._bridge._value(answer)

    def __len__(self) -> int:
        value = self._bridge._value(self._bridge.request({"op": "len", "handle": self._ref()}))
        if type(value) is not int or value < 0:
            raise TypeError("the learner's object has no valid length")
        return value

    def __iter__(self) -> Any:
        value = self._bridge._value(self._bridge.request({"op": "list", "handle": self._ref()}))
        if not isinstance(value, list):
            raise TypeError("the learner's object cannot be iterated")
        return iter(value)

    def __repr__(self) -> str:
        return f"<learner {self._type} object>"

    def __deepcopy__(self, memo: dict) -> Handle:
        return self
