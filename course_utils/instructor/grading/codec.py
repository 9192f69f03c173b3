"""Plain data between the trusted grader and a learner's kernel: no pickle, no ``eval``.

Both sides use this module: the trusted side to send a call's arguments and to
read what comes back, the learner's kernel (which may have tampered with its
copy: the trusted side never relies on what the kernel does, only on what it
decodes here itself) to do the opposite.

The wire format is JSON. Every JSON object on the wire is a tagged value
``{"t": TAG, ...}``; learner dictionaries are sent as lists of pairs, so a key
can never be taken for a tag:

* ``None``, booleans, integers, floats (NaN and infinities included) and
  strings are JSON values;
* lists are JSON arrays; ``tuple``, ``dict``, ``set`` and ``frozenset`` are tagged;
* NumPy arrays and NumPy scalars travel as ``np.save`` bytes (base64) and are
  read back with ``np.load(allow_pickle=False)``; only boolean, integer,
  floating, complex and fixed-width text dtypes are accepted;
* a ``numpy.random.Generator`` travels as its bit generator's name and state;
* a scikit-learn estimator travels as its class (a class of a ``sklearn``
  module, imported on the receiving side) and its attributes, themselves
  plain data;
* anything else coming from the learner's kernel is a *handle*: a number
  that names the object in the kernel, whose attributes and methods are
  fetched the same way (:mod:`course_utils.instructor.grading.bridge`).

:func:`decode` enforces limits on nesting depth, number of items and bytes.
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "CodecError",
    "Limits",
    "encode",
    "decode",
    "dumps",
    "loads",
    "walk_arrays",
    "MAX_DEPTH",
]

MAX_DEPTH = 64
MAX_ITEMS = 1_000_000
MAX_BYTES = 256 * 2**20
_ARRAY_KINDS = set("biufcU")
_RNG_NAMES = {"PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"}


class CodecError(ValueError):
    """A value cannot be sent as plain data, or what came back is not plain data."""


class Limits:
    """Counters of one decoding: items seen and array bytes read."""

    def __init__(self, max_items: int = MAX_ITEMS, max_bytes: int = MAX_BYTES):
        self.items = 0
        self.bytes = 0
        self.max_items = max_items
        self.max_bytes = max_bytes

    def count(self, items: int = 1, nbytes: int = 0) -> None:
        self.items += items
        self.bytes += nbytes
        if self.items > self.max_items:
            raise CodecError(f"more than {self.max_items:,} items")
        if self.bytes > self.max_bytes:
            raise CodecError(f"more than {self.max_bytes // 2**20} MiB of array data")


# --------------------------------------------------------------------------- encoding


def _array_bytes(array: np.ndarray) -> str:
    if array.dtype.kind not in _ARRAY_KINDS or array.dtype.fields is not None:
        raise CodecError(f"an array of dtype {array.dtype} is not plain data")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _is_estimator(value: Any) -> bool:
    module = type(value).__module__ or ""
    if not (module == "sklearn" or module.startswith("sklearn.")):
        return False
    try:
        from sklearn.base import BaseEstimator
    except ImportError:  # pragma: no cover - scikit-learn is part of the course
        return False
    return isinstance(value, BaseEstimator)


def encode(
    value: Any,
    handle: Callable[[Any], dict] | None = None,
    depth: int = 0,
) -> Any:
    """``value`` as JSON-ready plain data; ``handle(obj)`` encodes what is not plain data.

    Without ``handle``, a value that is not plain data raises :class:`CodecError`.
    """
    if depth > MAX_DEPTH:
        raise CodecError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind in _ARRAY_KINDS and value.dtype.fields is None:
            return {"t": "nd", "v": _array_bytes(value)}
    elif isinstance(value, np.generic):
        array = np.asarray(value)
        if array.dtype.kind in _ARRAY_KINDS:
            return {"t": "np", "v": _array_bytes(array)}
    elif type(value) is list:
        return [encode(item, handle, depth + 1) for item in value]
    elif type(value) is tuple:
        return {"t": "tuple", "v": [encode(item, handle, depth + 1) for item in value]}
    elif type(value) is dict:
        return {
            "t": "dict",
            "v": [
                [encode(k, handle, depth + 1), encode(v, handle, depth + 1)]
                for k, v in value.items()
            ],
        }
    elif type(value) in (set, frozenset):
        tag = "set" if type(value) is set else "frozenset"
        return {"t": tag, "v": [encode(item, handle, depth + 1) for item in value]}
    elif isinstance(value, np.random.Generator):
        state = value.bit_generator.state
        return {"t": "rng", "v": encode(state, None, depth + 1)}
    elif _is_estimator(value):
        try:
            attributes = encode(dict(vars(value)), None, depth + 1)
        except CodecError:
            attributes = None
        if attributes is not None:
            cls = type(value)
            return {"t": "est", "cls": f"{cls.__module__}:{cls.__qualname__}", "v": attributes}
    if handle is None:
        raise CodecError(f"a {type(value).__name__} object is not plain data")
    return handle(value)


def dumps(value: Any, handle: Callable[[Any], dict] | None = None) -> str:
    """``value`` encoded as a JSON text."""
    return json.dumps(encode(value, handle), allow_nan=True, separators=(",", ":"))


# --------------------------------------------------------------------------- decoding


def _load_array(text: Any, limits: Limits) -> np.ndarray:
    if not isinstance(text, str):
        raise CodecError("an array must be base64 text")
    limits.count(nbytes=len(text) * 3 // 4)
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, TypeError, OSError, EOFError, UnicodeError) as exc:
        raise CodecError(f"an array could not be read: {exc}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in _ARRAY_KINDS:
        raise CodecError("an array of a dtype that is not plain data")
    if array.dtype.fields is not None:
        raise CodecError("an array with fields is not plain data")
    return array


def _import_estimator_class(path: Any) -> type:
    if not isinstance(path, str) or path.count(":") != 1:
        raise CodecError("an estimator class must be 'module:Class'")
    module_name, qualname = path.split(":")
    if not (module_name == "sklearn" or module_name.startswith("sklearn.")):
        raise CodecError("only scikit-learn estimators travel by value")
    if not qualname.isidentifier() or not all(p.isidentifier() for p in module_name.split(".")):
        raise CodecError("an estimator class name must be an identifier")
    from sklearn.base import BaseEstimator

    try:
        cls = getattr(importlib.import_module(module_name), qualname)
    except (ImportError, AttributeError):
        raise CodecError(f"no estimator class {path}") from None
    if not (isinstance(cls, type) and issubclass(cls, BaseEstimator)):
        raise CodecError(f"{path} is not a scikit-learn estimator class")
    return cls


def decode(
    data: Any,
    handle: Callable[[dict], Any] | None = None,
    limits: Limits | None = None,
    depth: int = 0,
) -> Any:
    """The value encoded in ``data`` (parsed JSON); ``handle(tagged)`` rebuilds handles.

    Raises :class:`CodecError` for anything that is not in the wire format.
    """
    limits = limits or Limits()
    limits.count()
    if depth > MAX_DEPTH:
        raise CodecError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if data is None or isinstance(data, (bool, str)):
        return data
    if type(data) is int:
        return data
    if type(data) is float:
        return data
    if type(data) is list:
        return [decode(item, handle, limits, depth + 1) for item in data]
    if type(data) is not dict:
        raise CodecError(f"unexpected {type(data).__name__} on the wire")
    tag = data.get("t")
    items = data.get("v")
    if tag in ("nd", "np"):
        array = _load_array(items, limits)
        if tag == "np":
            if array.ndim != 0:
                raise CodecError("a NumPy scalar must be a 0-d array")
            return array[()]
        return array
    if tag in ("tuple", "set", "frozenset", "dict"):
        if type(items) is not list:
            raise CodecError(f"a {tag} must hold a list")
        if tag == "dict":
            out = {}
            for pair in items:
                if type(pair) is not list or len(pair) != 2:
                    raise CodecError("a dict item must be a [key, value] pair")
                key = decode(pair[0], handle, limits, depth + 1)
                try:
                    out[key] = decode(pair[1], handle, limits, depth + 1)
                except TypeError:
                    raise CodecError("a dict key is not hashable") from None
            return out
        values = [decode(item, handle, limits, depth + 1) for item in items]
        if tag == "tuple":
            return tuple(values)
        try:
            return set(values) if tag == "set" else frozenset(values)
        except TypeError:
            raise CodecError("a set item is not hashable") from None
    if tag == "rng":
        state = decode(items, None, limits, depth + 1)
        if not isinstance(state, dict) or state.get("bit_generator") not in _RNG_NAMES:
            raise CodecError("a random generator needs a known bit generator")
        bit_generator = getattr(np.random, str(state["bit_generator"]))()
        try:
            bit_generator.state = state
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise CodecError(f"a random generator state is invalid: {exc}") from None
        return np.random.Generator(bit_generator)
    if tag == "est":
        cls = _import_estimator_class(data.get("cls"))
        attributes = decode(items, None, limits, depth + 1)
        if not isinstance(attributes, dict) or not all(
            isinstance(k, str) and k.isidentifier() and not k.startswith("__") for k in attributes
        ):
            raise CodecError("estimator attributes must be a dict of identifiers")
        estimator: Any = object.__new__(cls)
        estimator.__dict__.update(attributes)
        return estimator
    if tag == "handle" and handle is not None:
        return handle(data)
    raise CodecError(f"unknown tag {str(tag)[:40]!r} on the wire")


def loads(
    text: str | bytes,
    handle: Callable[[dict], Any] | None = None,
    limits: Limits | None = None,
) -> Any:
    """Parse and decode a JSON text written by :func:`dumps` (or by a hostile kernel)."""
    limits = limits or Limits()
    if len(text) > limits.max_bytes * 2:
        raise CodecError("the answer is too large")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError, UnicodeError) as exc:
        raise CodecError(f"not valid JSON: {str(exc)[:200]}") from None
    try:
        return decode(data, handle, limits)
    except RecursionError:
        raise CodecError("nested too deeply") from None


def walk_arrays(value: Any, path: tuple = (), depth: int = 0):
    """``(path, array_or_generator)`` for every array and generator inside lists, tuples, dicts.

    Paths are tuples of list indices and dict keys (keys that are plain strings
    or integers only): used to send back arguments a call modified.
    """
    if depth > MAX_DEPTH:
        return
    if isinstance(value, (np.ndarray, np.random.Generator)):
        yield path, value
    elif type(value) in (list, tuple):
        for index, item in enumerate(value):
            yield from walk_arrays(item, (*path, index), depth + 1)
    elif type(value) is dict:
        for key, item in value.items():
            if type(key) in (str, int):
                yield from walk_arrays(item, (*path, key), depth + 1)


def is_finite_number(value: Any) -> bool:
    """Whether ``value`` is an int or a finite float (for messages)."""
    return type(value) is int or (type(value) is float and math.isfinite(value))
