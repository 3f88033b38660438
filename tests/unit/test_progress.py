"""The learner session in one kernel: grades, resume from the store, and saving problems."""

from __future__ import annotations

from pathlib import Path

from twitchlearn import grade, load_course
from twitchlearn.identity import Learner
from twitchlearn.models import TrueFalseQuestion
from twitchlearn.progress import ProgressTracker, StoreSink, resume
from twitchlearn.store import ProgressStore

COURSE = load_course()
QUESTION = next(q for q in COURSE.questions.values() if isinstance(q, TrueFalseQuestion))


def test_saved_answers_come_back_in_a_new_session(tmp_path: Path) -> None:
    learner = Learner("Ada", "7B")
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        first = ProgressTracker(COURSE, StoreSink(store, learner))
        first.submit(QUESTION.id, not QUESTION.answer)
        again = ProgressTracker(COURSE)
        assert resume(again, store, learner) == 1
    restored = again.latest(QUESTION.id)
    assert restored is not None
    assert not restored.correct
    assert again.lesson_progress(QUESTION.lesson).answered == 1


def test_a_store_that_cannot_write_is_reported_and_the_lesson_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    ProgressStore(path).close()
    with ProgressStore(path, read_only=True) as store:
        tracker = ProgressTracker(COURSE, StoreSink(store, Learner("Ada")))
        assert tracker.saving_problem() is None
        result = tracker.submit(QUESTION.id, QUESTION.answer)
    assert result.correct
    assert tracker.latest(QUESTION.id) == result
    problem = tracker.saving_problem()
    assert problem is not None
    assert problem.startswith("Your answers are not being saved.")


def test_an_anonymous_session_saves_nothing_and_reports_nothing() -> None:
    tracker = ProgressTracker(COURSE)
    tracker.submit(QUESTION.id, QUESTION.answer)
    assert tracker.saving_problem() is None
    assert tracker.latest(QUESTION.id) == grade(QUESTION, QUESTION.answer)
