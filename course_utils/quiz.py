"""Short quizzes that answer immediately: multiple choice and true/false.

A quiz is a list of :class:`Question` objects. :func:`check_answer` is a plain
function (no front end needed) that says whether a choice is right and why.
:func:`show_quiz` prints a text version of the questions (numbered, without
the answers, identical on every run, so the notebook reads well on GitHub) and,
in a Jupyter kernel, shows the interactive version: options, a *Check* button
and the explanation once the learner has answered.

>>> from course_utils.quiz import Question, check_answer
>>> q = Question("Which penalty can set weights exactly to zero?",
...              ["L2 (ridge)", "L1 (lasso)", "Dropout"], answer=1,
...              explanation="The L1 penalty has a corner at zero.")
>>> check_answer(q, 1)
(True, 'Correct. The L1 penalty has a corner at zero.')
>>> check_answer(q, 0)[0]
False
>>> tf = Question.true_false("Dropout is active at inference.", answer=False,
...                         explanation="Keras turns dropout off when training=False.")
>>> check_answer(tf, False)[0]
True
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterable, Sequence

from course_utils._constants import WIDGET_MIME
from course_utils._validation import check_flag, check_text

__all__ = ["Question", "check_answer", "format_quiz", "quiz_widget", "show_quiz", "QuizWidget"]

_STATIC_NOTE = "(Run the notebook in JupyterLab to answer; the explanation appears after 'Check'.)"


def _is_index(value) -> bool:
    import numbers

    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class Question:
    """One quiz question.

    Parameters
    ----------
    text:
        The question (or, for true/false, the statement).
    options:
        Two or more distinct answer texts.
    answer:
        Index (from 0) of the correct option, or a set of indices when several
        options are correct (the learner then ticks all that apply).
    explanation:
        Why the answer is right; shown after the learner answers.
    """

    __slots__ = ("text", "options", "answer", "explanation", "is_true_false")

    def __init__(self, text: str, options: Sequence[str], answer, explanation: str):
        self.text = check_text("text", text)
        if isinstance(options, str) or not isinstance(options, Sequence):
            raise TypeError(
                "options must be a list of answer texts, for example ['yes', 'no'], "
                f"got {type(options).__name__}."
            )
        options = tuple(options)
        if len(options) < 2:
            raise ValueError(f"A question needs at least two options, got {len(options)}.")
        for position, option in enumerate(options):
            check_text(f"option {position}", option)
        if len(set(options)) != len(options):
            raise ValueError("The options of a question must all be different.")
        self.options = options
        self.answer = _check_answer_spec(answer, len(options))
        self.explanation = check_text("explanation", explanation)
        self.is_true_false = False

    @classmethod
    def true_false(cls, text: str, answer: bool, explanation: str) -> Question:
        """A statement the learner marks as true or false (``answer`` is a bool)."""
        check_flag("answer of a true/false question", answer)
        question = cls(text, ["True", "False"], 0 if answer else 1, explanation)
        question.is_true_false = True
        return question

    @property
    def multiple(self) -> bool:
        """Whether several options are correct (answer is a set of indices)."""
        return isinstance(self.answer, frozenset)

    def correct_options(self) -> list[str]:
        """The texts of the correct options, in order."""
        indices = sorted(self.answer) if self.multiple else [self.answer]
        return [self.options[i] for i in indices]

    def __repr__(self) -> str:
        kind = "true/false" if self.is_true_false else f"{len(self.options)} options"
        text = self.text if len(self.text) <= 50 else self.text[:47] + "..."
        return f"Question({text!r}, {kind})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Question):
            return NotImplemented
        return (self.text, self.options, self.answer, self.explanation) == (
            other.text,
            other.options,
            other.answer,
            other.explanation,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-looking value object: not hashable


def _check_answer_spec(answer, n_options: int):
    if isinstance(answer, (set, frozenset)):
        if not answer:
            raise ValueError("answer must name at least one correct option.")
        for index in answer:
            _check_index("answer", index, n_options)
        return frozenset(int(i) for i in answer)
    if isinstance(answer, bool):
        raise TypeError(
            "answer must be the index of the correct option (0 for the first); "
            "use Question.true_false for a true/false question."
        )
    if isinstance(answer, (list, tuple)):
        raise TypeError(
            "answer must be one index, or a set of indices such as {0, 2} when several "
            f"options are correct, got a {type(answer).__name__}."
        )
    return _check_index("answer", answer, n_options)


def _check_index(name: str, index, n_options: int) -> int:
    if not _is_index(index):
        raise TypeError(
            f"{name} must be the index of an option (a whole number from 0), got {index!r}."
        )
    if not 0 <= index < n_options:
        raise ValueError(
            f"{name} {index} is out of range: the question has {n_options} options, "
            f"numbered 0 to {n_options - 1}."
        )
    return int(index)


def _label(question: Question, index: int) -> str:
    return f"{index + 1}) {question.options[index]}"


def _normalise_choice(question: Question, choice):
    """Turn a learner's choice into an index, or a frozenset of indices."""
    if choice is None:
        raise ValueError("Choose an option before checking the answer.")
    if question.is_true_false and isinstance(choice, bool):
        return 0 if choice else 1
    if isinstance(choice, str):
        if choice not in question.options:
            raise ValueError(f"{choice!r} is not one of the options: {list(question.options)}.")
        choice = question.options.index(choice)
    if question.multiple:
        if _is_index(choice):
            choice = {choice}
        if not isinstance(choice, Iterable):
            raise TypeError("choice must be the set of indices of the options you picked.")
        picked = set()
        for item in choice:
            if isinstance(item, str):
                if item not in question.options:
                    raise ValueError(
                        f"{item!r} is not one of the options: {list(question.options)}."
                    )
                item = question.options.index(item)
            picked.add(_check_index("choice", item, len(question.options)))
        return frozenset(picked)
    if isinstance(choice, (set, frozenset, list, tuple)):
        raise TypeError("This question has one correct option: choose a single index.")
    return _check_index("choice", choice, len(question.options))


def check_answer(question: Question, choice) -> tuple[bool, str]:
    """Check a learner's ``choice`` and return ``(correct, feedback)``.

    ``choice`` is the index of the chosen option (from 0), the option's text,
    ``True``/``False`` for a true/false question, or a set of indices for a
    question with several correct options. The feedback starts with
    ``"Correct."`` or ``"Not quite."``, names the right answer when the choice
    was wrong, and ends with the explanation.
    """
    if not isinstance(question, Question):
        raise TypeError(f"question must be a Question, got {type(question).__name__}.")
    picked = _normalise_choice(question, choice)
    correct = picked == question.answer
    if correct:
        return True, f"Correct. {question.explanation}"
    if question.multiple:
        right = ", ".join(_label(question, i) for i in sorted(question.answer))
        return False, f"Not quite. The correct options are {right}. {question.explanation}"
    return False, (
        f"Not quite. The answer is {_label(question, question.answer)}. {question.explanation}"
    )


def _check_questions(questions) -> list[Question]:
    if isinstance(questions, Question):
        questions = [questions]
    if isinstance(questions, str) or not isinstance(questions, Iterable):
        raise TypeError("questions must be a list of Question objects.")
    questions = list(questions)
    if not questions:
        raise ValueError("A quiz needs at least one question.")
    for position, question in enumerate(questions, start=1):
        if not isinstance(question, Question):
            raise TypeError(
                f"Item {position} of the quiz is a {type(question).__name__}, not a Question."
            )
    return questions


def format_quiz(questions, *, title: str | None = None) -> str:
    """The quiz as plain text: questions and options numbered, no answers.

    >>> print(format_quiz([Question.true_false("L2 shrinks weights.", True, "It does.")]))
    Quiz
    1. True or false: L2 shrinks weights.
       1) True
       2) False
    (Run the notebook in JupyterLab to answer; the explanation appears after 'Check'.)
    """
    questions = _check_questions(questions)
    if title is not None:
        title = check_text("title", title)
    lines = [f"Quiz: {title}" if title else "Quiz"]
    for number, question in enumerate(questions, start=1):
        text = f"True or false: {question.text}" if question.is_true_false else question.text
        if question.multiple:
            text += " (choose all that apply)"
        lines.append(f"{number}. {text}")
        lines.extend(f"   {_label(question, i)}" for i in range(len(question.options)))
    lines.append(_STATIC_NOTE)
    return "\n".join(lines)


class QuizWidget:
    """The interactive quiz: one block of widgets per question.

    Attributes: ``box`` (the top-level ``VBox``), ``selectors`` (one per
    question: ``RadioButtons``/``ToggleButtons`` whose ``value`` is the chosen
    index, or a ``VBox`` of ``Checkbox`` for several correct options),
    ``buttons`` (the *Check* buttons) and ``feedback`` (``HTML`` widgets).
    :meth:`check` presses a question's *Check* button from code.
    """

    def __init__(self, questions, *, title: str | None = None):
        import ipywidgets as widgets

        self.questions = _check_questions(questions)
        self.selectors, self.buttons, self.feedback, blocks = [], [], [], []
        if title is not None:
            title = check_text("title", title)
            blocks.append(widgets.HTML(f"<h4>Quiz: {html.escape(title)}</h4>"))
        for number, question in enumerate(self.questions, start=1):
            heading = widgets.HTML(f"<b>{number}. {html.escape(_display_text(question))}</b>")
            selector = _selector(widgets, question)
            button = widgets.Button(description="Check", button_style="primary")
            feedback = widgets.HTML("")
            button.on_click(lambda _button, i=number - 1: self.check(i))
            self.selectors.append(selector)
            self.buttons.append(button)
            self.feedback.append(feedback)
            blocks.append(widgets.VBox([heading, selector, widgets.HBox([button]), feedback]))
        self.box = widgets.VBox(blocks)

    def choice(self, index: int):
        """The learner's current choice for question ``index`` (None when nothing chosen)."""
        selector = self.selectors[index]
        if self.questions[index].multiple:
            picked = {i for i, box in enumerate(selector.children) if box.value}
            return picked or None
        return selector.value

    def check(self, index: int) -> tuple[bool, str] | None:
        """Check question ``index`` as its *Check* button does; return what check_answer says."""
        question = self.questions[index]
        choice = self.choice(index)
        if choice is None:
            self.feedback[index].value = "<i>Choose an option first.</i>"
            return None
        correct, text = check_answer(question, choice)
        colour = "#1a7f37" if correct else "#b35900"
        self.feedback[index].value = f'<span style="color:{colour}">{html.escape(text)}</span>'
        return correct, text

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Interactive quiz (shown in JupyterLab)."
        return bundle


def _display_text(question: Question) -> str:
    text = f"True or false: {question.text}" if question.is_true_false else question.text
    return text + (" (choose all that apply)" if question.multiple else "")


def _selector(widgets, question: Question):
    labels = [(option, i) for i, option in enumerate(question.options)]
    if question.multiple:
        return widgets.VBox(
            [widgets.Checkbox(value=False, description=o, indent=False) for o in question.options]
        )
    if question.is_true_false:
        return widgets.ToggleButtons(options=labels, value=None)
    return widgets.RadioButtons(
        options=labels, value=None, layout=widgets.Layout(width="max-content")
    )


def quiz_widget(questions, *, title: str | None = None) -> QuizWidget:
    """Build the interactive quiz without displaying it (tests and :func:`show_quiz` use it)."""
    return QuizWidget(questions, title=title)


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    from IPython import get_ipython

    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def show_quiz(questions, *, title: str | None = None) -> None:
    """Print the quiz as text and, in a Jupyter kernel, display the interactive version.

    The printed text numbers the questions and options and never shows the
    answers; it is the same on every run. Returns ``None`` so that a notebook
    cell ending with ``show_quiz(...)`` prints nothing else.
    """
    text = format_quiz(questions, title=title)
    print(text)
    if _in_kernel():
        from IPython.display import display

        widget = QuizWidget(questions, title=title)
        bundle = widget._repr_mimebundle_()
        if WIDGET_MIME in bundle:
            display(bundle, raw=True)
