"""Quiz views: one per question kind, graded in the kernel.

What reaches the browser before the learner submits is only the prompt and the option
labels; option values (choice ids), the key, the feedback and the explanation stay in the
kernel (ipywidgets sends selection widgets' labels and an index, never their values).

A graded question is locked in the kernel (`QuestionView.locked`) until "Try again": a
disabled button only greys it out in the page, and anyone on the kernel's websocket can
still send its click message. The tracker also grades at most
`twitchlearn.session.CHECKS_PER_MINUTE` answers to one question a minute.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import ipywidgets as widgets

from twitchlearn.errors import AnswerError
from twitchlearn.models import (
    Choice,
    MatchingQuestion,
    MatchItem,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.scoring import RIGHT_FEEDBACK, Grade, points_text
from twitchlearn.session import ProgressTracker
from twitchlearn.shuffle import key_order, shown_order
from twitchlearn.ui.common import FULL_WIDTH, WIDE_LABEL, safe_callback
from twitchlearn.ui.sync import kernel_sync

__all__ = ["QuestionView", "QuizView", "question_view"]

_NOT_CHOSEN = ""  # the value of a matching dropdown before the learner picks


class QuestionView:
    """A question with its input controls, a Check answer button, feedback and Try again."""

    def __init__(
        self, question: Question, tracker: ProgressTracker, number: int, order_key: str = ""
    ) -> None:
        self.question = question
        self.tracker = tracker
        # Options in the order this learner sees them (twitchlearn.shuffle): the same on
        # every visit, different between learners and questions.
        self.choices: tuple[Choice, ...] = ()
        self.rights: tuple[MatchItem, ...] = ()
        if isinstance(question, SingleChoiceQuestion):
            key = next(i for i, c in enumerate(question.choices) if c.correct)
            singles = [q.id for q in tracker.course.questions.values() if q.kind == question.kind]
            slot = singles.index(question.id) if question.id in singles else 0
            order = key_order(order_key, question.id, len(question.choices), key, slot)
            self.choices = tuple(question.choices[i] for i in order)
        elif isinstance(question, MultipleSelectQuestion):
            order = shown_order(order_key, question.id, len(question.choices))
            self.choices = tuple(question.choices[i] for i in order)
        elif isinstance(question, MatchingQuestion):
            order = shown_order(order_key, question.id, len(question.right))
            self.rights = tuple(question.right[i] for i in order)
        self.prompt = widgets.HTML(
            f'<p class="tl-prompt"><strong>Question {number}.</strong> '
            f"{escape(question.prompt)}</p>"
        )
        self.controls: list[widgets.DOMWidget] = self._build_controls()
        self.check = widgets.Button(
            description="Check answer",
            button_style="primary",
            tooltip=f"Check your answer to question {number}",
        )
        self.retry = widgets.Button(
            description="Try again",
            tooltip=f"Answer question {number} again",
            layout=widgets.Layout(display="none"),
        )
        # Empty until the learner submits: the feedback and explanation are not in the page.
        self.feedback = widgets.HTML("", layout=FULL_WIDTH)
        # True from a grade until "Try again", whatever the page says about the buttons.
        self.locked = False
        self.check.on_click(safe_callback(self._on_check, self._show_error))
        kernel_sync()  # its widgets in the page from the start, not made at the first click
        self.retry.on_click(safe_callback(self._on_retry, self._show_error))
        self.widget = widgets.VBox(
            [
                self.prompt,
                *self.controls,
                widgets.HBox([self.check, self.retry]),
                self.feedback,
            ],
            layout=widgets.Layout(margin="0 0 1.5em 0"),
        )
        self.widget.add_class("tl-question")
        self.widget.add_class(f"tl-kind-{question.kind.replace('_', '-')}")
        earlier = tracker.latest(question.id)
        if earlier is not None:
            self._set_answer(tracker.latest_answer(question.id))
            self._show_grade(earlier)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # -- the controls of each kind --------------------------------------------------------

    def _build_controls(self) -> list[widgets.DOMWidget]:
        q = self.question
        if isinstance(q, SingleChoiceQuestion):
            return [
                widgets.RadioButtons(
                    options=[(c.text, c.id) for c in self.choices],
                    value=None,
                    description="Your answer:",
                    layout=FULL_WIDTH,
                    style=WIDE_LABEL,
                )
            ]
        if isinstance(q, TrueFalseQuestion):
            return [
                widgets.RadioButtons(
                    options=[("True", True), ("False", False)],
                    value=None,
                    description="Your answer:",
                    style=WIDE_LABEL,
                )
            ]
        if isinstance(q, MultipleSelectQuestion):
            return [
                widgets.Checkbox(value=False, description=c.text, indent=False, layout=FULL_WIDTH)
                for c in self.choices
            ]
        if isinstance(q, NumericQuestion):
            return [
                widgets.Text(
                    value="",
                    description=f"Your answer ({q.unit}):",
                    placeholder=f"a number from {q.minimum:g} to {q.maximum:g}",
                    continuous_update=False,
                    style=WIDE_LABEL,
                    layout=widgets.Layout(width="28em"),
                )
            ]
        return [
            widgets.Dropdown(
                # A real first option, not value=None: None leaves the <select> with no
                # selected index, and the first arrow key a learner presses is lost on it.
                options=[("Choose a match", _NOT_CHOSEN), *((r.text, r.id) for r in self.rights)],
                value=_NOT_CHOSEN,
                description=left.text,
                style=WIDE_LABEL,
                layout=FULL_WIDTH,
            )
            for left in q.left
        ]

    def read_answer(self) -> object:
        """The answer the controls hold now. Raises AnswerError when there is none yet."""
        q = self.question
        if isinstance(q, SingleChoiceQuestion | TrueFalseQuestion):
            value = self.controls[0].value
            if value is None:
                raise AnswerError("Pick an answer first.")
            return value
        if isinstance(q, MultipleSelectQuestion):
            picked = [c.id for c, box in zip(self.choices, self.controls, strict=True) if box.value]
            if not picked:
                raise AnswerError("Tick at least one option first.")
            return picked
        if isinstance(q, NumericQuestion):
            text = str(self.controls[0].value).strip().replace(",", "")
            if not text:
                raise AnswerError(f"Type a number of {q.unit} first.")
            try:
                number = float(text)
            except ValueError:
                raise AnswerError(f"Type a number, such as {q.minimum + q.step:g}.") from None
            if not math.isfinite(number) or not q.minimum <= number <= q.maximum:
                raise AnswerError(f"Type a number from {q.minimum:g} to {q.maximum:g}.")
            return number
        assert isinstance(q, MatchingQuestion)
        chosen = {left.id: box.value for left, box in zip(q.left, self.controls, strict=True)}
        if _NOT_CHOSEN in chosen.values():
            raise AnswerError("Choose a match for every item first.")
        return chosen

    def _set_answer(self, answer: object) -> None:
        """Put an earlier answer back into the controls (when progress is restored)."""
        q = self.question
        if isinstance(q, SingleChoiceQuestion | TrueFalseQuestion):
            self.controls[0].value = answer
        elif isinstance(q, MultipleSelectQuestion) and isinstance(answer, list | tuple | set):
            for choice, box in zip(self.choices, self.controls, strict=True):
                box.value = choice.id in answer
        elif isinstance(q, NumericQuestion) and isinstance(answer, int | float):
            self.controls[0].value = f"{answer:g}"
        elif isinstance(q, MatchingQuestion) and isinstance(answer, dict):
            for left, box in zip(q.left, self.controls, strict=True):
                box.value = answer.get(left.id, _NOT_CHOSEN)

    # -- events ----------------------------------------------------------------------------

    def _on_check(self, _button: object) -> None:
        # Graded on what the page shows: after the changes the browser still held back.
        kernel_sync().then(safe_callback(self._grade, self._show_error))

    def _grade(self) -> None:
        if self.locked:  # a click on the disabled button, sent by hand, or a second Enter
            return
        try:
            answer = self.read_answer()
            result = self.tracker.submit(self.question.id, answer)
        except AnswerError as exc:
            self._show_error(str(exc))
            return
        self._show_grade(result)

    def _on_retry(self, _button: object) -> None:
        self.locked = False
        for control in self.controls:
            control.disabled = False
        self.feedback.value = ""
        self.retry.layout.display = "none"
        self.check.disabled = False

    def reset(self) -> None:
        """A blank question: no answer in the controls, no feedback (as for a review)."""
        for control in self.controls:
            if isinstance(control, widgets.Checkbox):
                control.value = False
            elif isinstance(control, widgets.Dropdown):
                control.value = _NOT_CHOSEN
            elif isinstance(control, widgets.RadioButtons):
                control.value = None
            else:
                control.value = ""
        self._on_retry(None)

    def _show_error(self, message: str) -> None:
        self.feedback.value = (
            f'<div class="tl-feedback tl-warning" role="alert">{escape(message)}</div>'
        )

    def _show_grade(self, result: Grade) -> None:
        self.locked = True
        for control in self.controls:
            control.disabled = True
        self.check.disabled = True
        # "" and not None: the Pyodide kernel (static edition) drops a None from widget
        # messages, so the button stayed hidden there; "" shows it in both editions.
        self.retry.layout.display = ""
        if result.correct:
            verdict = "Correct."
        elif result.score > 0:
            verdict = f"Partly right: {points_text(result.score, result.max_score)}."
        else:
            verdict = "Not quite."
        notes = "".join(f"<li>{escape(f)}</li>" for f in result.feedback if f != RIGHT_FEEDBACK)
        parts = [
            f'<p class="tl-verdict"><strong>{escape(verdict)}</strong></p>',
            f"<ul>{notes}</ul>" if notes else "",
            ""
            if result.correct
            else f"<p><strong>The right answer:</strong> {escape(result.right_answer)}</p>",
            f'<p class="tl-explanation"><strong>Why:</strong> {escape(result.explanation)}</p>',
        ]
        status = "tl-right" if result.correct else "tl-wrong"
        self.feedback.value = (
            f'<div class="tl-feedback {status}" role="status">{"".join(parts)}</div>'
        )


class QuizView:
    """All questions of a lesson, with a progress bar for the lesson and for the course."""

    def __init__(self, lesson_id: str, tracker: ProgressTracker, order_key: str = "") -> None:
        self.tracker = tracker
        self.lesson = tracker.course.lesson(lesson_id)
        self.lesson_bar = widgets.FloatProgress(
            min=0, max=1, description="This lesson:", style=WIDE_LABEL
        )
        self.course_bar = widgets.FloatProgress(
            min=0, max=1, description="Whole course:", style=WIDE_LABEL
        )
        self.lesson_text = widgets.HTML()
        self.course_text = widgets.HTML()
        self.saving = widgets.HTML()  # says so when answers are not being saved
        self.questions = [
            QuestionView(q, tracker, n, order_key)
            for n, q in enumerate(self.lesson.questions, start=1)
        ]
        self._refresh()
        tracker.on_change(self._refresh)
        bars = widgets.VBox(
            [
                widgets.HBox([self.lesson_bar, self.lesson_text]),
                widgets.HBox([self.course_bar, self.course_text]),
                self.saving,
            ]
        )
        bars.add_class("tl-progress")
        self.widget = widgets.VBox([bars, *(view.widget for view in self.questions)])
        self.widget.add_class("tl-quiz")

    def _refresh(self) -> None:
        lesson = self.tracker.lesson_progress(self.lesson.id)
        course = self.tracker.course_progress()
        self.lesson_bar.value = lesson.fraction
        self.course_bar.value = course.fraction
        self.lesson_text.value = f'<span class="tl-progress-text">{lesson.describe()}</span>'
        self.course_text.value = f'<span class="tl-progress-text">{course.describe()}</span>'
        problem = self.tracker.saving_problem()
        saving = "" if problem is None else f'<p class="tl-not-saving">{escape(problem)}</p>'
        if self.saving.value != saving:  # no widget message when nothing changed
            self.saving.value = saving

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def question_view(question_id: str, tracker: ProgressTracker, number: int = 1) -> QuestionView:
    return QuestionView(tracker.course.questions[question_id], tracker, number)
