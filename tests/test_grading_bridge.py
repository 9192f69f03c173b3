"""Tests run outside the learner's kernel: proxies, plain data, the kernel's tricks."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_utils.instructor.execute import course_kernel_name
from course_utils.instructor.grading.bridge import (
    Bridge,
    Handle,
    KernelStopped,
    LearnerError,
    LearnerFunction,
)
from course_utils.instructor.grading.cellformat import split_test_cell
from course_utils.instructor.grading.learner_kernel import LearnerKernel
from course_utils.instructor.grading.sandbox import sandbox_available
from course_utils.instructor.grading.trusted import HIDDEN_FAILURE, TrustedSide

LEARNER = """
import numpy as np

def double(x):
    return 2 * np.asarray(x, dtype=float)

def scale_in_place(a):
    a *= 3
    return None

def picky(x):
    if x < 0:
        raise ValueError("x must be zero or positive")
    class Custom(Exception):
        pass
    raise Custom("not a builtin")

class Model:
    def __init__(self):
        self.coef_ = np.array([1.0, 2.0])
    def predict(self, X):
        return np.asarray(X) @ self.coef_

def make_model():
    return Model()

def draws(rng):
    return rng.random(2)

def slow():
    import time
    time.sleep(60)

answer = 41

_seen = []

def remember(x):
    if _seen:
        print("seen before:", _seen)
    _seen.append(x)
    return x
"""

ATTACK = """
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
import course_utils.checks as checks
checks.check_function = lambda *a, **k: None
checks.CheckReport.assert_all_passed = lambda self: self
np.isclose = lambda *a, **k: np.array(True)
"""


@pytest.fixture(scope="module")
def side(tmp_path_factory):
    sandboxed = sandbox_available()[0]
    work = tmp_path_factory.mktemp("work")
    bridge_dir = tmp_path_factory.mktemp("bridge")
    kernel = LearnerKernel(
        kernel_name=course_kernel_name(),
        work_dir=work,
        bridge_dir=bridge_dir,
        env={"COURSE_GRADE_BRIDGE": str(bridge_dir)},
        sandboxed=sandboxed,
        memory_limit_mib=4096,
    )
    kernel.start(timeout=120)
    deadline = [time.monotonic() + 60]
    bridge = Bridge(kernel, bridge_dir, deadline=lambda: deadline[0] - time.monotonic())
    bridge.open(120)
    for code in (LEARNER, ATTACK):
        assert kernel.run(code, 120).status == "ok"
    trusted = TrustedSide(bridge)
    trusted.namespace["deadline"] = deadline
    exec(
        "from course_utils.checks import Case, check_function\nimport numpy as np",
        trusted.namespace,
    )
    yield trusted
    kernel.stop()


def run(trusted, source):
    trusted.namespace["deadline"][0] = time.monotonic() + 30
    return trusted.run(split_test_cell(source), "<test>")


def test_a_learner_function_is_called_in_the_kernel_and_returns_plain_data(side):
    result = run(side, "got = double([1, 2])\nassert type(got) is np.ndarray\nassert answer == 41")
    assert result.error is None, result
    assert np.array_equal(side.namespace["got"], [2.0, 4.0])


def test_a_call_is_one_comm_message_and_runs_no_cell(side, monkeypatch):
    channel = side.bridge.kernel.kc.shell_channel
    sent: list[str] = []
    original = channel.send

    def record(msg):
        sent.append(msg["header"]["msg_type"])
        original(msg)

    monkeypatch.setattr(channel, "send", record)
    side.namespace["deadline"][0] = time.monotonic() + 30
    got = LearnerFunction(side.bridge, "double")(4)
    assert got.tolist() == 8.0
    assert sent == ["comm_msg"]  # one round trip, no execute_request (run_cell) for a call


def test_patched_checks_in_the_kernel_change_nothing_here(side):
    # The kernel replaced check_function, assert_all_passed and np.isclose: only its own copies.
    source = "check_function(double, [Case((1.0,), 3.0)], strict=True)"
    result = run(side, source)
    assert result.ename == "AssertionError" and "expected 3" in result.evalue


def test_modified_arguments_come_back_into_the_trusted_arrays(side):
    result = run(side, "a = np.ones(3)\nscale_in_place(a)\nassert a.tolist() == [3.0, 3.0, 3.0]")
    assert result.error is None, result


def test_exceptions_come_back_as_builtin_types_or_a_generic_one(side):
    assert run(side, "picky(-1)").ename == "ValueError"
    result = run(side, "picky(1)")
    assert result.ename == "LearnerError" and "Custom: not a builtin" in result.evalue
    assert issubclass(LearnerError, Exception)


def test_an_object_comes_back_as_a_handle_whose_attributes_are_plain_data(side):
    result = run(side, "m = make_model()\ncoef = m.coef_\npred = m.predict([[1.0, 1.0]])")
    assert result.error is None, result
    assert isinstance(side.namespace["m"], Handle)
    assert side.namespace["pred"].tolist() == [3.0]
    # Comparisons never run in the kernel: a handle equals nothing but itself.
    assert side.namespace["m"].__eq__(side.namespace["coef"]) is NotImplemented


def test_a_generator_argument_advances_as_it_did_in_the_kernel(side):
    source = (
        "r = np.random.default_rng(5)\nfirst = draws(r)\n"
        "assert np.array_equal(first, np.random.default_rng(5).random(2))\n"
        "assert np.array_equal(r.random(2), np.random.default_rng(5).random(4)[2:])"
    )
    assert run(side, source).error is None


def test_hidden_failures_show_neither_code_nor_values(side):
    source = (
        "double(1)\n### BEGIN HIDDEN TESTS\n"
        "assert double(5)[()] == 11.0, 'secret 11'\n### END HIDDEN TESTS"
    )
    result = run(side, source)
    assert result.hidden and result.evalue == HIDDEN_FAILURE
    assert "secret" not in result.output and "11" not in result.output


def test_what_the_learner_prints_after_hidden_tests_is_not_kept(side):
    source = (
        "### BEGIN HIDDEN TESTS\nremember(424242)\n### END HIDDEN TESTS\n"
        "remember(1)\nassert False, 'visible failure'"
    )
    result = run(side, source)
    assert result.ename == "AssertionError" and result.evalue == "visible failure"
    assert "424242" not in result.output


def test_a_call_past_the_time_limit_stops_the_notebook(side):
    side.namespace["deadline"][0] = time.monotonic() + 2
    result = side.run(split_test_cell("slow()"), "<test>")
    assert isinstance(result.stopped, KernelStopped) and result.stopped.status == "timeout"


def test_the_wait_takes_each_message_as_it_comes_on_either_channel(tmp_path, monkeypatch):
    """The shell reply may come after the iopub idle: the wait blocks on both sockets at once,
    so no poll of one channel times out while the other has a message (no 50 ms naps)."""
    import threading
    from types import SimpleNamespace

    import zmq
    from jupyter_client.channels import ZMQSocketChannel
    from jupyter_client.session import Session

    context = zmq.Context()
    session = Session(key=b"")
    channels, kernel_ends = {}, {}
    for name in ("shell", "iopub"):
        grader_end, kernel_end = context.socket(zmq.PAIR), context.socket(zmq.PAIR)
        grader_end.bind(f"inproc://{name}")
        kernel_end.connect(f"inproc://{name}")
        channels[name], kernel_ends[name] = ZMQSocketChannel(grader_end, session), kernel_end
    kernel = LearnerKernel(
        kernel_name="python3",
        work_dir=tmp_path,
        bridge_dir=tmp_path,
        env={},
        sandboxed=False,
        memory_limit_mib=1024,
    )
    kernel.kc = SimpleNamespace(
        shell_channel=channels["shell"],
        iopub_channel=channels["iopub"],
        get_shell_msg=channels["shell"].get_msg,
        get_iopub_msg=channels["iopub"].get_msg,
        execute=lambda *a, **k: "request-1",
    )
    monkeypatch.setattr(kernel, "alive", lambda: True)
    monkeypatch.setattr(LearnerKernel, "LIVENESS_SECONDS", 600.0, raising=False)
    empty_polls = []
    poller_poll, socket_poll = zmq.Poller.poll, zmq.Socket.poll

    def counted_poller(self, *args, **kwargs):
        ready = poller_poll(self, *args, **kwargs)
        empty_polls.extend([] if ready else ["poller"])
        return ready

    def counted_socket(self, *args, **kwargs):
        ready = socket_poll(self, *args, **kwargs)
        empty_polls.extend([] if ready else ["socket"])
        return ready

    monkeypatch.setattr(zmq.Poller, "poll", counted_poller)
    monkeypatch.setattr(zmq.Socket, "poll", counted_socket)
    parent = {"msg_id": "request-1", "msg_type": "execute_request"}
    for msg_type, content in [
        ("status", {"execution_state": "busy"}),
        ("stream", {"name": "stdout", "text": "printed\n"}),
        ("status", {"execution_state": "idle"}),
    ]:
        session.send(kernel_ends["iopub"], msg_type, content, parent=parent)
    reply = threading.Timer(
        0.3,
        lambda: session.send(
            kernel_ends["shell"], "execute_reply", {"status": "ok"}, parent=parent
        ),
    )
    reply.start()
    try:
        result = kernel.run("anything", 30)
    finally:
        reply.join()
        context.destroy(linger=0)
    assert result.status == "ok" and result.output == "printed\n"
    assert empty_polls == []
