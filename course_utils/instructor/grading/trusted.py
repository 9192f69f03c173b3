"""The trusted side: the solution's locked and test cells, run outside the learner's kernel.

:class:`TrustedSide` holds one fresh namespace per submission and runs the
solution's locked cells (setup, data, visible checks) and its graded test
cells in notebook order, with Python's ``exec`` in the grading worker, a
process that never executes learner code. Before each cell, the names the
cell reads that it does not define itself and that the trusted namespace does
not hold are looked up in the learner's kernel through the
:class:`~course_utils.instructor.grading.bridge.Bridge`: a function becomes a
proxy, a value is fetched as plain data. A test cell passes when its
execution here finished without an exception; its output decides nothing.

A test cell runs part by part (:func:`~.cellformat.split_test_cell`): when a
hidden part fails, the report names the exception type only, and the output
of hidden parts is dropped, so that neither hidden code nor hidden expected
values reach the feedback (``instructor=True`` keeps them). What the learner's
code prints is kept only until the first hidden part has run (it may have
kept the hidden inputs).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import symtable
import traceback
from dataclasses import dataclass, field
from typing import Any

from course_utils.instructor.grading.bridge import Bridge, KernelStopped
from course_utils.instructor.grading.cellformat import Segment

__all__ = ["TrustedRun", "TrustedSide", "free_names", "HIDDEN_FAILURE"]

HIDDEN_FAILURE = "a hidden test failed (hidden tests are not shown)"
_BUILTINS = set(dir(builtins))


def free_names(source: str) -> set[str]:
    """Global names ``source`` reads (in any of its scopes) that its module level never binds.

    Builtins are left out. Raises ``SyntaxError`` for code that does not compile.
    """
    table = symtable.symtable(source, "<cell>", "exec")
    bound = {
        s.get_name()
        for s in table.get_symbols()
        if s.is_assigned() or s.is_imported() or s.is_namespace()
    }
    wanted: set[str] = set()
    stack = [table]
    while stack:
        scope = stack.pop()
        stack.extend(scope.get_children())
        for symbol in scope.get_symbols():
            if not symbol.is_referenced():
                continue
            if scope.get_type() == "module" or symbol.is_global():
                wanted.add(symbol.get_name())
            elif scope.get_type() == "class" and not (symbol.is_assigned() or symbol.is_local()):
                wanted.add(symbol.get_name())
    return wanted - bound - _BUILTINS


@dataclass
class TrustedRun:
    """One trusted cell: whether it raised, and what it printed (visible parts only)."""

    ename: str = ""
    evalue: str = ""
    output: str = ""
    hidden: bool = False  # the error was raised in a hidden part
    stopped: KernelStopped | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def error(self) -> dict | None:
        return {"ename": self.ename, "evalue": self.evalue} if self.ename else None


def _last_expression_printed(tree: ast.Module) -> ast.Module:
    """Like a notebook cell: a final expression's value is shown (unless it is None)."""
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        call = ast.parse("__course_show__(None)").body[0]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        call.value.args = [tree.body[-1].value]
        tree.body[-1] = ast.copy_location(call, tree.body[-1])
        ast.fix_missing_locations(tree)
    return tree


def _show(value: Any) -> None:
    if value is not None:
        print(repr(value))


class TrustedSide:
    """The namespace of one submission's trusted execution, and the bridge it reads names from."""

    def __init__(self, bridge: Bridge, *, instructor: bool = False, cwd: str | None = None):
        self.bridge = bridge
        self.instructor = instructor
        self.cwd = cwd  # a private copy of the data files, out of the kernel's reach
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.learner_bound: set[str] = set()
        # Once a hidden part has called the learner's code, that code may keep the hidden
        # inputs and print them later: from then on what it prints is not kept.
        self.hidden_ran = False

    def _bind_learner_names(self, source: str) -> None:
        try:
            wanted = free_names(source)
        except SyntaxError:
            return
        ask = {n for n in wanted if n not in self.namespace or n in self.learner_bound}
        if not ask:
            return
        found = self.bridge.describe(sorted(ask))
        for name in ask:
            if name in found:
                self.namespace[name] = found[name]
                self.learner_bound.add(name)
            elif name in self.learner_bound:
                self.namespace.pop(name, None)
                self.learner_bound.discard(name)

    def _exec(self, source: str, label: str, first_line: int, show: bool) -> None:
        tree = ast.parse("\n" * (first_line - 1) + source, filename=label)
        if show:
            tree = _last_expression_printed(tree)
        self.namespace["__course_show__"] = _show
        previous = os.getcwd()
        if self.cwd:
            os.chdir(self.cwd)
        try:
            exec(compile(tree, label, "exec"), self.namespace)  # noqa: S102 - the solution's code
        finally:
            os.chdir(previous)

    def run(self, segments: list[Segment], label: str, *, keep_output: bool = True) -> TrustedRun:
        """Run the parts of one trusted cell in order; stop at the first exception."""
        result = TrustedRun()
        visible_output: list[str] = []
        for segment in segments:
            hidden = segment.hidden and not self.instructor
            buffer = io.StringIO()
            self.bridge.output = []
            self.bridge.capture = keep_output and not hidden and not self.hidden_ran
            self.hidden_ran = self.hidden_ran or hidden
            try:
                self._bind_learner_names(segment.source)
                with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                    self._exec(segment.source, label, segment.first_line, show=not hidden)
            except KernelStopped as stop:
                result.stopped = stop
                result.hidden = hidden
                break
            except Exception as exc:  # noqa: BLE001 - a failing test is a result
                result.hidden = hidden
                result.ename = type(exc).__name__
                if hidden:
                    result.evalue = HIDDEN_FAILURE
                else:
                    result.evalue = str(exc)
                    buffer.write("".join(traceback.format_exception_only(type(exc), exc)))
                if not hidden:
                    visible_output.append("".join(self.bridge.output) + buffer.getvalue())
                break
            finally:
                self.namespace.pop("__course_show__", None)
            if not hidden:
                visible_output.append("".join(self.bridge.output) + buffer.getvalue())
        self.bridge.output = []
        self.bridge.capture = True
        result.output = "".join(visible_output) if keep_output else ""
        return result

    def forget_learner_objects(self) -> None:
        """Let the kernel drop the objects it keeps for handles (best effort)."""
        try:
            self.bridge.request({"op": "forget"})
        except Exception:  # noqa: BLE001
            pass
