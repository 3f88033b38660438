"""A learner's progress through the course in one kernel: grades, counts, listeners.

Pure core (no widgets). The ui subscribes with `on_change`; the optional store
(see twitchlearn.store) makes progress survive a page reload.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import attrs

from twitchlearn.errors import AnswerError, StoreError
from twitchlearn.identity import Learner
from twitchlearn.models import Course
from twitchlearn.scoring import Grade, grade
from twitchlearn.store import ProgressStore

__all__ = ["AttemptSink", "LessonProgress", "ProgressTracker", "StoreSink", "resume"]

log = logging.getLogger(__name__)


class AttemptSink(Protocol):
    """Where attempts are saved: the progress store, or nothing."""

    problem: str | None  # why attempts are not being saved, or None

    def save(self, question_id: str, answer: object, grade: Grade) -> None: ...


@attrs.frozen
class LessonProgress:
    answered: int
    total: int
    score: float  # sum of the latest grades' scores

    @property
    def fraction(self) -> float:
        return self.answered / self.total if self.total else 0.0

    def describe(self) -> str:
        return f"{self.answered} of {self.total} answered, {self.score:g} points"


class ProgressTracker:
    """Grades answers and keeps each question's latest grade."""

    def __init__(self, course: Course, sink: AttemptSink | None = None) -> None:
        self.course = course
        self.sink = sink
        self.learner = Learner("")  # anonymous until the page says who is learning
        self._latest: dict[str, Grade] = {}
        self._answers: dict[str, object] = {}
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def submit(self, question_id: str, answer: object) -> Grade:
        """Grade and remember an answer. Raises AnswerError for an answer of the wrong form."""
        result = grade(self.course.questions[question_id], answer)
        if self.sink is not None:  # saved first, so listeners see the store up to date
            self.sink.save(question_id, answer, result)
        self.restore(question_id, answer, result)
        return result

    def restore(self, question_id: str, answer: object, result: Grade) -> None:
        """Take a grade given earlier (such as from the store) without saving it again."""
        self._latest[question_id] = result
        self._answers[question_id] = answer
        for callback in self._listeners:
            callback()

    def saving_problem(self) -> str | None:
        """Why this learner's answers are not being saved, in words for the learner."""
        return None if self.sink is None else self.sink.problem

    def latest(self, question_id: str) -> Grade | None:
        return self._latest.get(question_id)

    def latest_answer(self, question_id: str) -> object:
        return self._answers.get(question_id)

    def lesson_progress(self, lesson_id: str) -> LessonProgress:
        ids = [q.id for q in self.course.lesson(lesson_id).questions]
        return self._progress(ids)

    def course_progress(self) -> LessonProgress:
        return self._progress(list(self.course.questions))

    def _progress(self, ids: list[str]) -> LessonProgress:
        grades = [self._latest[i] for i in ids if i in self._latest]
        return LessonProgress(
            answered=len(grades), total=len(ids), score=sum(g.score for g in grades)
        )


class StoreSink:
    """Saves each attempt in the progress store; a failing store never stops the lesson."""

    def __init__(self, store: ProgressStore, learner: Learner) -> None:
        self.store = store
        self.learner = learner
        self.problem: str | None = (
            None
            if store.not_saving is None
            else f"Your answers will not be kept after this visit. {store.not_saving}"
        )

    def save(self, question_id: str, answer: object, grade: Grade) -> None:
        try:
            self.store.record(
                self.learner.name, self.learner.class_code, question_id, answer, grade
            )
        except StoreError as exc:
            log.warning("progress not saved: %s", exc)
            self.problem = f"Your answers are not being saved. {exc}"


def resume(tracker: ProgressTracker, store: ProgressStore, learner: Learner) -> int:
    """Show the learner's saved answers again (graded against today's course). Returns how many."""
    restored = 0
    for question_id, attempt in store.latest(learner.name, learner.class_code).items():
        question = tracker.course.questions.get(question_id)
        if question is None:
            continue  # the course no longer has this question
        try:
            result = grade(question, attempt.answer)
        except AnswerError:
            continue  # the question changed so much that the old answer no longer fits
        tracker.restore(question_id, attempt.answer, result)
        restored += 1
    return restored
