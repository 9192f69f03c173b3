"""The learner's side of the bridge: runs inside the learner's (sandboxed) kernel.

The trusted grader asks the kernel, one request at a time and only while the
kernel is idle, to call a learner function, fetch an attribute, or describe
names. Each request is a file ``req-N.json`` in the bridge folder; the grader
sends the kernel a Jupyter comm message ``{"n": N}`` on the comm opened by
:func:`register` (no cell runs: IPython's ``run_cell`` is skipped), and the
comm's handler calls ``serve(N)``, which writes the answer to ``rep-N.json``.
Executing ``serve(N)`` as code does the same. Learner code
can replace or break everything here; the trusted side assumes it does, reads
answers as plain data with :mod:`course_utils.instructor.grading.codec`, and
fails the test when no valid answer comes. Nothing in this module decides a
grade.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import numpy as np

from course_utils.instructor.grading import codec

__all__ = ["serve", "register", "BRIDGE_DIR_ENV", "COMM_TARGET"]

BRIDGE_DIR_ENV = "COURSE_GRADE_BRIDGE"
COMM_TARGET = "course_grade_bridge"
_objects: dict[int, Any] = {}
MESSAGE_CHARS = 1000


def _user_namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _handle(value: Any) -> dict:
    key = id(value)
    _objects[key] = value
    return {
        "t": "handle",
        "id": key,
        "type": type(value).__name__[:80],
        "callable": callable(value),
    }


def _resolve(data: dict) -> Any:
    key = data.get("id")
    if key not in _objects:
        raise LookupError("the object is no longer available")
    return _objects[key]


def _exception(exc: BaseException) -> dict:
    names = [cls.__name__ for cls in type(exc).__mro__][:20]
    message = str(exc)
    return {
        "ok": False,
        "type": type(exc).__name__[:80],
        "mro": names,
        "message": message[:MESSAGE_CHARS],
        "traceback": "".join(traceback.format_exception_only(type(exc), exc))[-MESSAGE_CHARS:],
    }


def _snapshot(args: Any) -> list:
    out = []
    for path, value in codec.walk_arrays(args):
        if isinstance(value, np.ndarray):
            out.append((path, value, value.copy()))
        else:
            out.append((path, value, value.bit_generator.state))
    return out


def _changed(snapshot: list) -> list:
    changed = []
    for path, value, before in snapshot:
        if isinstance(value, np.ndarray):
            same = value.shape == before.shape and np.array_equal(value, before, equal_nan=True)
        else:
            same = value.bit_generator.state == before
        if not same:
            changed.append([codec.encode(list(path)), codec.encode(value)])
    return changed


def _describe(names: list) -> dict:
    namespace = _user_namespace()
    found = {}
    for name in names:
        if not isinstance(name, str) or name not in namespace:
            continue
        value = namespace[name]
        if callable(value) and not isinstance(value, type):
            found[name] = {"kind": "callable"}
        else:
            try:
                found[name] = {"kind": "value", "value": codec.encode(value, _handle)}
            except codec.CodecError:
                found[name] = {"kind": "callable" if callable(value) else "opaque"}
    return {"ok": True, "names": found}


def _target(request: dict) -> Any:
    if "name" in request:
        namespace = _user_namespace()
        if request["name"] not in namespace:
            raise NameError(f"name {request['name']!r} is not defined")
        return namespace[request["name"]]
    return _resolve(request["handle"])


def _answer(request: dict) -> dict:
    op = request.get("op")
    if op == "describe":
        return _describe(request.get("names", []))
    if op == "forget":
        _objects.clear()
        return {"ok": True}
    target = _target(request)
    if op == "call":
        args = codec.decode(request.get("args", []), _resolve)
        kwargs = codec.decode(request.get("kwargs", {"t": "dict", "v": []}), _resolve)
        snapshot = _snapshot((args, kwargs))
        result = target(*args, **kwargs)
        return {
            "ok": True,
            "value": codec.encode(result, _handle),
            "mutated": _changed(snapshot),
        }
    if op == "getattr":
        return {"ok": True, "value": codec.encode(getattr(target, request["attr"]), _handle)}
    if op == "getitem":
        key = codec.decode(request.get("key"), _resolve)
        return {"ok": True, "value": codec.encode(target[key], _handle)}
    if op == "len":
        return {"ok": True, "value": int(len(target))}
    if op == "list":
        return {"ok": True, "value": codec.encode(list(target), _handle)}
    raise ValueError(f"unknown request {op!r}")


def serve(number: int) -> None:
    """Answer the request ``req-<number>.json`` of the bridge folder in ``rep-<number>.json``."""
    folder = os.environ.get(BRIDGE_DIR_ENV, "")
    with open(os.path.join(folder, f"req-{int(number)}.json"), encoding="utf-8") as handle:
        text = handle.read()
    try:
        import json

        answer = _answer(json.loads(text))
    except BaseException as exc:  # noqa: BLE001 - every learner error is an answer
        if isinstance(exc, KeyboardInterrupt):
            raise
        answer = _exception(exc)
    try:
        import json

        payload = json.dumps(answer, allow_nan=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        payload = json.dumps(_exception(exc))
    target = os.path.join(folder, f"rep-{int(number)}.json")
    with open(target + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(payload)
    os.replace(target + ".tmp", target)


def _on_comm_msg(msg: dict) -> None:
    data = (msg.get("content") or {}).get("data") or {}
    serve(int(data["n"]))


def _on_comm_open(comm: Any, msg: dict) -> None:
    comm.on_msg(_on_comm_msg)
    comm.send({"ready": True})


def register() -> None:
    """Accept the grader's bridge comm (target :data:`COMM_TARGET`) in this kernel."""
    from IPython import get_ipython

    get_ipython().kernel.comm_manager.register_target(COMM_TARGET, _on_comm_open)
