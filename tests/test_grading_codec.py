"""The plain-data wire format between the grader and a learner's kernel (grading/codec.py)."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest

from course_utils.instructor.grading import codec


def roundtrip(value):
    return codec.loads(codec.dumps(value))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -0.0,
        float("inf"),
        "text",
        np.float64(2.5),
        np.int64(3),
        np.bool_(True),
        np.array(1.5),
        np.arange(6.0).reshape(2, 3),
        np.array([True, False]),
        np.array(["a", "bc"]),
        (1, [2.0, (3,)]),
        {1.0: {"train": 0.5}, "k": [np.ones(2)]},
        {frozenset({1, 2}): {3}},
    ],
)
def test_plain_values_come_back_with_their_exact_types(value):
    got = roundtrip(value)
    assert type(got) is type(value)
    if isinstance(value, np.ndarray):
        assert got.dtype == value.dtype and np.array_equal(got, value)
    elif isinstance(value, float) and value != value:  # pragma: no cover - NaN
        assert got != got
    else:
        assert repr(got) == repr(value)


def test_a_generator_travels_by_state_and_draws_the_same_numbers():
    rng = np.random.default_rng(7)
    rng.random(3)
    copy = roundtrip(rng)
    assert np.array_equal(copy.random(5), rng.random(5))


def test_a_fitted_estimator_travels_as_its_class_and_attributes():
    from sklearn.linear_model import Lasso

    X = np.random.default_rng(0).normal(size=(20, 3))
    model = Lasso(alpha=0.1).fit(X, X @ [1.0, 0.0, 2.0])
    copy = roundtrip(model)
    assert type(copy) is Lasso
    assert np.array_equal(copy.coef_, model.coef_)
    assert np.allclose(copy.predict(X), model.predict(X))


def test_an_object_that_is_not_plain_data_needs_a_handle():
    class Thing:
        pass

    with pytest.raises(codec.CodecError, match="Thing object is not plain data"):
        codec.encode(Thing())
    assert codec.encode(Thing(), handle=lambda obj: {"t": "handle", "id": 1})["t"] == "handle"


def _npy(array, allow_pickle=False) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize(
    ("wire", "words"),
    [
        ({"t": "nd", "v": _npy(np.array([object()]), allow_pickle=True)}, "could not be read"),
        ({"t": "est", "cls": "os:system", "v": {"t": "dict", "v": []}}, "scikit-learn"),
        ({"t": "est", "cls": "sklearn.utils:Bunch", "v": {"t": "dict", "v": []}}, "not a"),
        ({"t": "est", "cls": "sklearn.linear_model:Lasso", "v": []}, "dict of identifiers"),
        ({"t": "rng", "v": {"t": "dict", "v": [["bit_generator", "Evil"]]}}, "bit generator"),
        ({"t": "dict", "v": [[[1], 2]]}, "not hashable"),
        ({"t": "pickle", "v": "gASV"}, "unknown tag"),
        ({"key": "a learner dict sent as a JSON object"}, "unknown tag"),
        ({"t": "np", "v": _npy(np.ones(2))}, "0-d"),
    ],
)
def test_decoding_refuses_what_is_not_plain_data(wire, words):
    with pytest.raises(codec.CodecError, match=words):
        codec.loads(json.dumps(wire))


def test_decoding_refuses_nesting_bombs_and_floods():
    with pytest.raises(codec.CodecError):
        codec.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(codec.CodecError, match="nested more than"):
        codec.loads("[" * (codec.MAX_DEPTH + 5) + "]" * (codec.MAX_DEPTH + 5))
    with pytest.raises(codec.CodecError, match="items"):
        codec.loads(json.dumps(list(range(1000))), limits=codec.Limits(max_items=100))


def test_walk_arrays_finds_arrays_in_nested_arguments():
    W, b = np.ones((2, 2)), np.zeros(2)
    found = dict(codec.walk_arrays(([(W, b)], {"rng": np.random.default_rng(0)})))
    assert found[(0, 0, 0)] is W and found[(0, 0, 1)] is b
    assert isinstance(found[(1, "rng")], np.random.Generator)
