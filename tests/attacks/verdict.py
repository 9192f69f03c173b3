"""Attacks on the verdict: IPython hooks, erased sources, patched checks, oracles.

All start from the untouched tiny exercise (``TINY``, ex04's shape; stubs that raise
NotImplementedError), so every point they get is unearned: each must score 0.
"""

from __future__ import annotations

from . import (
    EX03,
    G2_FINISH,
    TINY,
    Attack,
    answers_attack,
    find,
    first_cell_attack,
    insert_after,
    set_answer,
    write_notebook,
)

# --------------------------------------------------------------------------- IPython hooks

HOOKS = {
    "hook_set_custom_exc": """
get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
""",
    "hook_showtraceback": """
from IPython.core.interactiveshell import InteractiveShell
InteractiveShell._showtraceback = lambda self, *args, **kwargs: None
InteractiveShell.showtraceback = lambda self, *args, **kwargs: None
get_ipython()._showtraceback = lambda *args, **kwargs: None
get_ipython().showtraceback = lambda *args, **kwargs: None
""",
    "hook_post_run_cell": """
from IPython.display import clear_output


def _g2_after(result):
    clear_output()
    result.error_in_exec = None
    result.error_before_exec = None


def _g2_before(info):
    clear_output()


get_ipython().events.register("post_run_cell", _g2_after)
get_ipython().events.register("pre_run_cell", _g2_before)
""",
    "hook_sys_excepthook": """
import sys
sys.excepthook = lambda *args: None
get_ipython().excepthook = lambda *args: None
get_ipython().InteractiveTB = type("Quiet", (), {
    "__call__": lambda self, *a, **k: None,
    "structured_traceback": lambda self, *a, **k: [],
    "__getattr__": lambda self, name: (lambda *a, **k: None),
})()
""",
    "hook_displayhook": """
import sys
_g2_shell = get_ipython()


def _g2_display(value):
    print("All tests passed: 8 / 8")


sys.displayhook = _g2_display
_g2_shell.displayhook.__class__.__call__ = lambda self, value=None: _g2_display(value)
_g2_shell.display_pub.publish = lambda *args, **kwargs: None
print("soft_threshold: 1 of 1 cases passed")
""",
    "hook_run_cell": """
from IPython.core.interactiveshell import ExecutionResult, InteractiveShell
_g2_shell = get_ipython()


def _g2_fake_run(self, raw_cell, *args, **kwargs):
    info = type("Info", (), {"raw_cell": raw_cell})()
    result = ExecutionResult(info)
    result.execution_count = self.execution_count
    self.execution_count += 1
    return result


async def _g2_fake_run_async(self, raw_cell, *args, **kwargs):
    return _g2_fake_run(self, raw_cell)


InteractiveShell.run_cell = _g2_fake_run
InteractiveShell.run_cell_async = _g2_fake_run_async
_g2_shell.should_run_async = lambda *args, **kwargs: False
""",
    "hook_do_execute": """
_g2_kernel = get_ipython().kernel


async def _g2_do_execute(code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, **kwargs):
    _g2_kernel.execution_count += 1
    return {"status": "ok", "execution_count": _g2_kernel.execution_count,
            "payload": [], "user_expressions": {}}


_g2_kernel.do_execute = _g2_do_execute
""",
    "erase_input_transformers_post": """
get_ipython().input_transformers_post.append(lambda lines: [])
""",
    "erase_ast_transformers": """
import ast


class _G2Eraser(ast.NodeTransformer):
    def visit_Module(self, node):
        node.body = [ast.Pass()]
        return node


get_ipython().ast_transformers.append(_G2Eraser())
""",
    "erase_transform_cell": """
_g2_shell = get_ipython()
_g2_shell.transform_cell = lambda raw_cell: "pass\\n"
_g2_shell.input_transformer_manager.transform_cell = lambda raw_cell: "pass\\n"
""",
    # ------------------------------------------------------------------ patching the checks
    "patch_check_function": """
def check_function(*args, **kwargs):
    print("soft_threshold: 1 of 1 cases passed")


def check_raises(*args, **kwargs):
    return None
""",
    "patch_case": """
import course_utils.checks as _g2_checks


class Case:
    def __init__(self, *args, **kwargs):
        pass


_g2_real_check = check_function


def check_function(func, cases, **kwargs):
    return _g2_real_check(abs, [_g2_checks.Case((1,), 1)], **kwargs)


_g2_checks.Case = Case
""",
    "patch_checkreport": """
import course_utils.checks as _g2_checks
_g2_checks.CheckReport.assert_all_passed = lambda self: self
_g2_checks.CheckReport.all_passed = property(lambda self: True)
_g2_checks._finish = lambda report, quiet, strict: report
""",
    "patch_np_isclose": """
import numpy as np
_g2_true = lambda *args, **kwargs: np.True_
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(np.asarray(a, dtype=object),
                                                               np.asarray(b, dtype=object)).shape,
                                                  dtype=bool)
np.allclose = _g2_true
np.array_equal = _g2_true
np.array_equiv = _g2_true
import numpy.testing as npt
for _name in dir(npt):
    if _name.startswith("assert_"):
        setattr(npt, _name, lambda *args, **kwargs: None)
# the learner's functions return zeros of the right shape
def soft_threshold(z, threshold):
    return np.zeros(np.shape(z))


def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):
    return np.zeros(np.shape(X)[1] if np.ndim(X) == 2 else 1)
""",
    "patch_builtins_assertionerror": """
import builtins


class _G2Silent(BaseException):
    pass


builtins.AssertionError = _G2Silent
builtins.NotImplementedError = _G2Silent
get_ipython().set_custom_exc((_G2Silent,), lambda *args, **kwargs: None)
""",
    "patch_settrace_jump": """
import sys
import threading


def _g2_local(frame, event, arg):
    if event == "line":
        line = frame.f_code.co_filename and __import__("linecache").getline(
            frame.f_code.co_filename, frame.f_lineno)
        if line.strip().startswith("raise"):
            try:
                frame.f_lineno = frame.f_lineno + 1
            except ValueError:
                pass
    return _g2_local


def _g2_global(frame, event, arg):
    if frame.f_code.co_name in ("assert_all_passed", "_finish", "check_function"):
        return _g2_local
    return None


sys.settrace(_g2_global)
threading.settrace(_g2_global)
""",
    "patch_numpy_reference": """
import numpy as np
# The tests compute their expected values with NumPy in this kernel: make those zeros too.
_g2_zeros = lambda *args, **kwargs: np.zeros(np.shape(args[0]) if args else ())
np.sign = _g2_zeros
np.clip = _g2_zeros
np.where = lambda cond, *args: np.zeros(np.shape(cond))
np.linalg.lstsq = lambda a, b, rcond=None: (np.zeros(np.shape(a)[1]), None, None, None)
# and the exercise's own reference (a function of its setup cell) returns zeros as well
lasso_reference = lambda X, y, alpha: np.zeros(np.shape(X)[1])  # noqa: E731


def soft_threshold(z, threshold):
    if threshold < 0:
        raise ValueError("negative")
    return np.zeros(np.shape(z))


def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):
    if alpha < 0 or np.ndim(X) != 2 or np.shape(y) != (np.shape(X)[0],):
        raise ValueError("bad input")
    return np.zeros(np.shape(X)[1])
""",
    "patch_checks_globals_from_call": """
import sys


def _g2_pass_everything():
    frame = sys._getframe(2)
    for _ in range(6):  # up to the frame of the check machinery, then patch its module
        if frame is None:
            break
        names = frame.f_globals
        if "describe_mismatch" in names:
            names["describe_mismatch"] = lambda *args, **kwargs: None
            names["_run_raises_case"] = lambda func, case, head: names["CaseResult"](
                names["PASSED"], head + ": passed")
        frame = frame.f_back


def soft_threshold(z, threshold):
    _g2_pass_everything()
    return 0.0


def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):
    _g2_pass_everything()
    return 0.0
""",
}

# --------------------------------------------------------------------------- oracles

ORACLE_FUNCS = """
def soft_threshold(z, threshold):
    return g2_oracle((z, threshold))


def lasso_coordinate_descent(X, y, alpha, max_iter=1000, tol=1e-6):
    return g2_oracle((X, y, alpha))
"""

ORACLES = {
    "oracle_inspect_stack": """
import inspect


def g2_oracle(args):
    for info in inspect.stack():
        case = info.frame.f_locals.get("case")
        if case is not None and hasattr(case, "expected"):
            if getattr(case, "raises", None) is not None:
                raise case.raises("as expected")
            return case.expected
    raise NotImplementedError
""",
    "oracle_gc_objects": """
import gc

import numpy as np


def _g2_same(a, b):
    try:
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_g2_same(x, y) for x, y in zip(a, b))
        return np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b)))
    except Exception:
        return False


def g2_oracle(args):
    for obj in gc.get_objects():
        if type(obj).__name__ == "Case" and hasattr(obj, "expected"):
            if _g2_same(tuple(obj.args)[: len(args)], args):
                if obj.raises is not None:
                    raise obj.raises("as expected")
                return obj.expected
    raise NotImplementedError
""",
    "oracle_rewrite_expected": """
import sys

import numpy as np


def g2_oracle(args):
    # Rewrite the case being checked (and every other one) so that zeros are right.
    frame = sys._getframe(1)
    while frame is not None:
        for value in list(frame.f_locals.values()):
            for case in value if isinstance(value, list) else [value]:
                if type(case).__name__ == "Case":
                    try:
                        object.__setattr__(case, "raises", None)
                        object.__setattr__(case, "expected", np.zeros(np.shape(case.args[0])))
                        object.__setattr__(case, "compare", lambda got, expected: None)
                    except Exception:
                        pass
        frame = frame.f_back
    return np.zeros(np.shape(args[0]))
""",
}

LIARS = {
    "oracle_always_equal": """
class _G2Equal:
    shape = property(lambda self: getattr(self, "_shape", ()))
    dtype = float
    ndim = 1
    size = 1
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return False
    def __le__(self, other): return True
    def __gt__(self, other): return False
    def __ge__(self, other): return True
    def __abs__(self): return 0.0
    def __sub__(self, other): return 0.0
    __rsub__ = __sub__
    def __float__(self): return 0.0
    def __bool__(self): return True
    def __len__(self): return 0
    def __iter__(self): return iter(())
    def __array__(self, dtype=None, copy=None):
        raise TypeError("no")
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True
    def __hash__(self): return 0
    def __repr__(self): return "array([... all correct ...])"


def g2_oracle(args):
    return _G2Equal()
""",
    "oracle_nan": """
import numpy as np


def g2_oracle(args):
    shape = np.shape(args[0]) if len(args) == 2 else (np.shape(args[0])[1],)
    return np.full(shape, np.nan)
""",
    "oracle_ndarray_subclass": """
import numpy as np


class _G2Array(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(self), dtype=bool)
    def __ne__(self, other): return np.zeros(np.shape(self), dtype=bool)
    def __sub__(self, other): return np.zeros(np.shape(self))
    __rsub__ = __sub__
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc.__name__ in ("isclose", "equal", "less_equal", "isfinite"):
            return np.ones(np.shape(self), dtype=bool)
        if ufunc.__name__ in ("not_equal", "greater", "isnan"):
            return np.zeros(np.shape(self), dtype=bool)
        if ufunc.__name__ in ("subtract", "absolute"):
            return np.zeros(np.shape(self))
        return super().__array_ufunc__(ufunc, method,
                                       *[np.asarray(i) for i in inputs], **kwargs)


def g2_oracle(args):
    shape = np.shape(args[0]) if len(args) == 2 else (np.shape(args[0])[1],)
    return np.zeros(shape).view(_G2Array)
""",
    "oracle_isinstance_liar": """
import numpy as np


class _G2Liar:
    __class__ = property(lambda self: np.ndarray)
    def __init__(self, shape):
        self.shape, self.dtype, self.ndim = shape, np.dtype(float), len(shape)
    def __eq__(self, other): return np.ones(self.shape, dtype=bool)
    def __ne__(self, other): return np.zeros(self.shape, dtype=bool)
    def __array__(self, dtype=None, copy=None): return np.zeros(self.shape)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs): return np.True_
    def __getattr__(self, name): return lambda *a, **k: True
    def __len__(self): return self.shape[0] if self.shape else 0


def g2_oracle(args):
    shape = np.shape(args[0]) if len(args) == 2 else (np.shape(args[0])[1],)
    return _G2Liar(shape)
""",
    "oracle_generator": """
def g2_oracle(args):
    def numbers():
        while True:
            yield 0.0
    return numbers()
""",
    "oracle_huge_return": """
def g2_oracle(args):
    return [[0.0] * 500 for _ in range(500)]  # 250,000 numbers in 500 lists
""",
    "oracle_giant_array": """
import numpy as np


def g2_oracle(args):
    return np.zeros((5000, 5000))  # 200 MB of plain data for the other side to take in
""",
    "oracle_object_array": """
import numpy as np


class _G2Anything:
    def __eq__(self, other): return True
    def __float__(self): return 0.0


def g2_oracle(args):
    shape = np.shape(args[0]) if len(args) == 2 else (np.shape(args[0])[1],)
    result = np.empty(shape, dtype=object)
    result[...] = _G2Anything()
    return result
""",
    "oracle_recursive_return": """
def g2_oracle(args):
    loop = []
    loop.append(loop)
    loop.append({"self": loop})
    return loop
""",
}


def _hook(code: str):
    return first_cell_attack(code + G2_FINISH)


def _oracle(code: str):
    return answers_attack(
        {"ex99-soft-threshold": code + ORACLE_FUNCS, "ex99-lasso-cd": "pass\n"}, TINY
    )


EX03_ATTACKS = {
    "ex03_set_custom_exc": first_cell_attack(
        "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n", EX03
    ),
    "ex03_oracle_cases": answers_attack(
        {
            "ex03-fit": ORACLES["oracle_gc_objects"]
            + """

def fit_three_regularizers(X_train, y_train, alpha, l1_ratio):
    return g2_oracle((X_train, y_train, alpha, l1_ratio))
""",
            "ex03-compare": """
def compare_regularizers(models, X_test, y_test, true_coef):
    return g2_oracle((models, X_test, y_test, true_coef))
""",
        },
        EX03,
    ),
    "ex03_lying_estimators": answers_attack(
        {
            "ex03-fit": """
import numpy as np


class _G2Coef(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(self), dtype=bool)
    def __sub__(self, other): return np.zeros(np.shape(self))
    __rsub__ = __sub__


class _G2Model:
    def __init__(self, n): self.coef_ = np.zeros(n).view(_G2Coef); self.intercept_ = 0.0
    def __getattr__(self, name): return np.zeros(1).view(_G2Coef)
    def __eq__(self, other): return True
    def get_params(self, deep=True): return {}
    def predict(self, X): return np.zeros(len(X))


def fit_three_regularizers(X_train, y_train, alpha, l1_ratio):
    n = np.shape(X_train)[1]
    return {name: _G2Model(n) for name in ("ridge", "lasso", "elastic_net")}
""",
        },
        EX03,
    ),
}


def _hook_on_partial(folder, ctx) -> None:
    """soft_threshold right, the Lasso a stub, and the exception hook: exactly 3 points."""
    sol = ctx.sol(TINY)
    right = sol["cells"][find(sol, "ex99-soft-threshold")]["source"]
    nb = set_answer(ctx.ex(TINY), "ex99-soft-threshold", right)
    hook = ctx.header() + HOOKS["hook_set_custom_exc"]
    write_notebook(folder, TINY, insert_after(nb, "ex99-lasso-cd", hook))


def attacks() -> list[Attack]:
    found = []
    for name, code in HOOKS.items():
        group = name.split("_")[0]
        found.append(
            Attack(
                name,
                {"hook": "ipython-hooks", "erase": "source-erasure", "patch": "check-machinery"}[
                    group
                ],
                _hook(code),
            )
        )
    found.append(
        Attack(
            "hook_set_custom_exc_on_partial", "ipython-hooks", _hook_on_partial, earned={TINY: 3.0}
        )
    )
    for name, code in {**ORACLES, **LIARS}.items():
        found.append(Attack(name, "oracles", _oracle(code)))
    for name, plant in EX03_ATTACKS.items():
        found.append(
            Attack(
                name,
                "oracles" if "oracle" in name or "lying" in name else "ipython-hooks",
                plant,
                earned={EX03: 0.0},
            )
        )
    return found
