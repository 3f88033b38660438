"""The quiz in the kernel, without a browser: a locked question grades nothing, however many
"Check answer" messages arrive, and a flood of checks meets a per-question limit.

The clicks are sent as the browser sends them: a widget comm message
`{"method": "custom", "content": {"event": "click"}}` handled by the button's comm, which is
what any client on the kernel's websocket can send, disabled button or not.
"""

from __future__ import annotations

import re

from twitchlearn import load_content
from twitchlearn.models import MultipleSelectQuestion, TrueFalseQuestion
from twitchlearn.scoring import Grade, grade
from twitchlearn.session import CHECKS_PER_MINUTE, ProgressTracker
from twitchlearn.ui.quiz import QuestionView

COURSE = load_content().course
TRUE_FALSE = next(q for q in COURSE.questions.values() if isinstance(q, TrueFalseQuestion))


class CountingSink:
    """An AttemptSink that keeps every attempt the tracker hands it."""

    def __init__(self) -> None:
        self.saved: list[tuple[str, object, Grade]] = []

    def save(self, question_id: str, answer: object, grade: Grade) -> None:
        self.saved.append((question_id, answer, grade))

    def saving_problem(self) -> str | None:
        return None


class Clock:
    """A clock the test moves by hand (the tracker's limit counts checks per minute)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def click(button: object) -> None:
    """A click as it comes from the browser: a custom message on the button's comm."""
    message = {
        "content": {"data": {"method": "custom", "content": {"event": "click"}}},
        "buffers": [],
    }
    button.comm.handle_msg(message)  # type: ignore[attr-defined]


def answered_view(clock: Clock | None = None) -> tuple[QuestionView, CountingSink]:
    sink = CountingSink()
    tracker = (
        ProgressTracker(COURSE, sink) if clock is None else ProgressTracker(COURSE, sink, clock)
    )
    view = QuestionView(TRUE_FALSE, tracker, 1)
    view.controls[0].value = not TRUE_FALSE.answer
    return view, sink


def test_a_locked_question_ignores_2000_forged_clicks() -> None:
    view, sink = answered_view()
    click(view.check)
    assert len(sink.saved) == 1
    shown = view.feedback.value
    assert "Not quite." in shown
    assert view.check.disabled
    view.controls[0].value = TRUE_FALSE.answer  # a forged update of the radio buttons, too
    for _ in range(2000):
        click(view.check)
    assert len(sink.saved) == 1  # locked until "Try again": nothing more graded or saved
    assert view.feedback.value == shown  # the grade that was shown is still shown


def test_a_question_answered_on_an_earlier_visit_is_locked() -> None:
    sink = CountingSink()
    tracker = ProgressTracker(COURSE, sink)
    wrong = not TRUE_FALSE.answer
    tracker.restore(TRUE_FALSE.id, wrong, grade(TRUE_FALSE, wrong))
    view = QuestionView(TRUE_FALSE, tracker, 1)
    for _ in range(2000):
        click(view.check)
    assert sink.saved == []
    click(view.retry)
    view.controls[0].value = TRUE_FALSE.answer
    click(view.check)
    assert len(sink.saved) == 1
    assert "Correct." in view.feedback.value


def test_try_again_and_check_2000_times_meets_the_limit() -> None:
    clock = Clock()
    view, sink = answered_view(clock)
    for _ in range(2000):
        click(view.check)
        click(view.retry)
        view.controls[0].value = TRUE_FALSE.answer
    assert len(sink.saved) == CHECKS_PER_MINUTE
    click(view.check)  # what the learner sees when the limit stops a check
    assert len(sink.saved) == CHECKS_PER_MINUTE
    assert "Slow down: wait a moment before you check this answer again." in view.feedback.value
    assert 'role="alert"' in view.feedback.value
    assert not view.check.disabled  # the learner can check again once the minute is over
    clock.now += 61
    click(view.check)
    assert len(sink.saved) == CHECKS_PER_MINUTE + 1
    assert "Correct." in view.feedback.value


def test_the_limit_is_per_question_and_counts_only_the_last_minute() -> None:
    clock = Clock()
    sink = CountingSink()
    tracker = ProgressTracker(COURSE, sink, clock)
    for _ in range(CHECKS_PER_MINUTE):
        tracker.submit(TRUE_FALSE.id, TRUE_FALSE.answer)
        clock.now += 1
    view = QuestionView(TRUE_FALSE, tracker, 1)
    click(view.retry)
    view.controls[0].value = TRUE_FALSE.answer
    click(view.check)
    assert len(sink.saved) == CHECKS_PER_MINUTE
    assert "Slow down" in view.feedback.value
    other = next(
        q
        for q in COURSE.questions.values()
        if isinstance(q, TrueFalseQuestion) and q.id != TRUE_FALSE.id
    )
    tracker.submit(other.id, other.answer)  # another question is not held back by this one
    assert len(sink.saved) == CHECKS_PER_MINUTE + 1
    clock.now += 60 - CHECKS_PER_MINUTE + 1  # the first check is now more than a minute old
    click(view.check)
    assert len(sink.saved) == CHECKS_PER_MINUTE + 2
    assert "Correct." in view.feedback.value


def test_a_part_score_is_written_as_people_write_it() -> None:
    multi = next(
        q
        for q in COURSE.questions.values()
        if isinstance(q, MultipleSelectQuestion) and sum(c.correct for c in q.choices) == 3
    )
    view = QuestionView(multi, ProgressTracker(COURSE), 1)
    one_right = next(c.id for c in view.choices if c.correct)
    for choice, box in zip(view.choices, view.controls, strict=True):
        box.value = choice.id == one_right  # 1 of 3 right options, no wrong one: 1/3 point
    click(view.check)
    text = view.feedback.value
    assert "Partly right: 0.3 of 1 point." in text, text
    assert not re.search(r"\d\.\d\d", text)  # never 0.33 or 0.333333
