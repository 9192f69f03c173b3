"""course_utils.quiz: answer checking, the static text, the interactive widgets."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from course_utils.quiz import Question, check_answer, format_quiz, quiz_widget, show_quiz


def _mc():
    return Question(
        "Which penalty can set weights exactly to zero?",
        ["L2", "L1", "Dropout"],
        answer=1,
        explanation="The L1 penalty has a corner at zero.",
    )


def _multi():
    return Question(
        "Which of these are regularizers?",
        ["Dropout", "A larger learning rate", "Weight decay"],
        answer={0, 2},
        explanation="Dropout and weight decay both limit what the network can fit.",
    )


def _tf():
    return Question.true_false(
        "Dropout is active at inference.",
        answer=False,
        explanation="Keras runs dropout only with training=True.",
    )


# ------------------------------------------------------------------ check_answer
def test_right_and_wrong_single_choice():
    assert check_answer(_mc(), 1) == (True, "Correct. The L1 penalty has a corner at zero.")
    correct, feedback = check_answer(_mc(), 2)
    assert not correct
    assert feedback.startswith("Not quite. The answer is 2) L1.")
    assert feedback.endswith("The L1 penalty has a corner at zero.")


def test_choice_by_option_text():
    assert check_answer(_mc(), "L1")[0]
    assert not check_answer(_mc(), "L2")[0]


def test_true_false_accepts_bools_and_indices():
    question = _tf()
    assert question.options == ("True", "False")
    assert question.answer == 1
    assert check_answer(question, False)[0]
    assert not check_answer(question, True)[0]
    assert check_answer(question, 1)[0]
    assert "The answer is 2) False." in check_answer(question, 0)[1]


def test_true_answer_maps_to_first_option():
    question = Question.true_false("L2 shrinks weights.", answer=True, explanation="It does.")
    assert question.answer == 0
    assert check_answer(question, True) == (True, "Correct. It does.")


def test_several_correct_options_need_all_and_only_them():
    question = _multi()
    assert question.multiple
    assert check_answer(question, {0, 2})[0]
    assert check_answer(question, ["Dropout", "Weight decay"])[0]
    assert not check_answer(question, {0})[0]
    assert not check_answer(question, {0, 1, 2})[0]
    assert "The correct options are 1) Dropout, 3) Weight decay." in check_answer(question, 1)[1]


def test_bool_is_not_an_index_for_ordinary_questions():
    with pytest.raises(TypeError, match="index of an option"):
        check_answer(_mc(), True)


@pytest.mark.parametrize(
    ("choice", "error", "message"),
    [
        (None, ValueError, "Choose an option"),
        (3, ValueError, "out of range: the question has 3 options"),
        (-1, ValueError, "out of range"),
        ("L3", ValueError, "is not one of the options"),
        (1.0, TypeError, "whole number"),
        ({1}, TypeError, "one correct option"),
    ],
)
def test_bad_choices_get_clear_errors(choice, error, message):
    with pytest.raises(error, match=message):
        check_answer(_mc(), choice)


def test_check_answer_needs_a_question():
    with pytest.raises(TypeError, match="question must be a Question"):
        check_answer("Which?", 0)


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"answer": 3}, ValueError, "answer 3 is out of range: the question has 3 options"),
        ({"answer": -1}, ValueError, "out of range"),
        ({"answer": True}, TypeError, "true_false"),
        ({"answer": [0, 1]}, TypeError, "set of indices"),
        ({"answer": set()}, ValueError, "at least one correct option"),
        ({"answer": {0, 5}}, ValueError, "out of range"),
        ({"answer": "b"}, TypeError, "index of an option"),
        ({"options": ["only one"]}, ValueError, "at least two options"),
        ({"options": "abc"}, TypeError, "list of answer texts"),
        ({"options": ["a", "a", "b"]}, ValueError, "all be different"),
        ({"options": ["a", 2, "c"]}, TypeError, "option 1 must be a string"),
        ({"options": ["a", " ", "c"]}, ValueError, "option 1 must not be empty"),
        ({"text": ""}, ValueError, "text must not be empty"),
        ({"explanation": None}, TypeError, "explanation must be a string"),
    ],
)
def test_bad_questions_get_clear_errors(kwargs, error, message):
    args = {"text": "Which?", "options": ["a", "b", "c"], "answer": 0, "explanation": "why"}
    args.update(kwargs)
    with pytest.raises(error, match=re.escape(message)):
        Question(**args)


def test_true_false_needs_a_bool():
    with pytest.raises(TypeError, match="True or False"):
        Question.true_false("Statement", answer=1, explanation="why")


def test_repr_is_stable_and_has_no_address():
    text = repr(_mc())
    assert text == "Question('Which penalty can set weights exactly to zero?', 3 options)"
    assert "0x" not in repr(_tf())


def test_questions_compare_by_content():
    assert _mc() == _mc()
    assert _mc() != _tf()


# ------------------------------------------------------------------ static text
def test_static_text_numbers_questions_and_options_and_hides_answers():
    text = format_quiz([_mc(), _tf(), _multi()], title="Penalties")
    assert text.splitlines()[:6] == [
        "Quiz: Penalties",
        "1. Which penalty can set weights exactly to zero?",
        "   1) L2",
        "   2) L1",
        "   3) Dropout",
        "2. True or false: Dropout is active at inference.",
    ]
    assert "3. Which of these are regularizers? (choose all that apply)" in text
    for question in (_mc(), _tf(), _multi()):
        assert question.explanation not in text
    assert "Correct" not in text and "answer is" not in text
    assert "0x" not in text


def test_show_quiz_prints_the_static_text_outside_a_kernel(capsys):
    assert show_quiz([_mc()], title="L1") is None
    assert capsys.readouterr().out == format_quiz([_mc()], title="L1") + "\n"


def test_show_quiz_is_deterministic(capsys):
    show_quiz([_mc(), _tf()])
    first = capsys.readouterr().out
    show_quiz([_mc(), _tf()])
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    ("questions", "error", "message"),
    [
        ([], ValueError, "at least one question"),
        (["Which?"], TypeError, "Item 1 of the quiz is a str"),
        ("Which?", TypeError, "list of Question objects"),
    ],
)
def test_show_quiz_validates_its_input(questions, error, message):
    with pytest.raises(error, match=message):
        show_quiz(questions)


def test_a_single_question_is_accepted():
    assert format_quiz(_mc()).splitlines()[1].startswith("1. Which penalty")


# ------------------------------------------------------------------ widgets
def test_widget_check_button_shows_feedback_with_explanation():
    import ipywidgets as widgets

    view = quiz_widget([_mc(), _tf()], title="Check")
    assert isinstance(view.selectors[0], widgets.RadioButtons)
    assert isinstance(view.selectors[1], widgets.ToggleButtons)
    assert view.feedback[0].value == ""
    view.buttons[0].click()
    assert "Choose an option first" in view.feedback[0].value
    view.selectors[0].value = 1
    view.buttons[0].click()
    assert "Correct." in view.feedback[0].value
    assert "corner at zero" in view.feedback[0].value
    view.selectors[1].value = 0
    assert view.check(1) == check_answer(_tf(), 0)
    assert "Not quite." in view.feedback[1].value


def test_widget_for_several_correct_options_uses_checkboxes():
    view = quiz_widget([_multi()])
    boxes = view.selectors[0].children
    assert [b.description for b in boxes] == ["Dropout", "A larger learning rate", "Weight decay"]
    boxes[0].value = True
    assert view.check(0)[0] is False
    boxes[2].value = True
    assert view.check(0)[0] is True


def test_widget_feedback_escapes_html():
    question = Question("Is 1 < 2?", ["yes <b>", "no"], 0, "Because <script>.")
    view = quiz_widget([question])
    view.selectors[0].value = 0
    view.check(0)
    assert "<script>" not in view.feedback[0].value
    assert "&lt;script&gt;" in view.feedback[0].value


def test_widget_bundle_has_a_readable_text_fallback():
    bundle = quiz_widget([_mc()])._repr_mimebundle_()
    assert bundle["text/plain"] == "Interactive quiz (shown in JupyterLab)."
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_importing_quiz_is_light():
    code = (
        "import sys, course_utils.quiz; "
        "print(*(m in sys.modules for m in ('tensorflow', 'keras', 'sklearn', 'ipywidgets')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False", "False"]
