"""The learner session in one kernel: who, where answers go, resume, and saving problems."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.support.learner import right_answer
from twitchlearn import grade, load_content
from twitchlearn.identity import Learner
from twitchlearn.models import TrueFalseQuestion
from twitchlearn.session import LearnerSession, ProgressTracker
from twitchlearn.storage.memory import MemoryStore
from twitchlearn.storage.sqlite import SQLiteStore

CONTENT = load_content()
COURSE = CONTENT.course
QUESTION = next(q for q in COURSE.questions.values() if isinstance(q, TrueFalseQuestion))


def test_saved_answers_come_back_in_a_new_session(tmp_path: Path) -> None:
    learner = Learner("Ada", "7B")
    with SQLiteStore(tmp_path / "p.sqlite3") as store:
        first = LearnerSession(CONTENT, learner, store)
        first.tracker.submit(QUESTION.id, not QUESTION.answer)
        again = LearnerSession(CONTENT, learner, store)
        assert again.resume() == 1
    restored = again.tracker.latest(QUESTION.id)
    assert restored is not None
    assert not restored.correct
    assert again.tracker.lesson_progress(QUESTION.lesson).answered == 1


def test_a_store_that_cannot_write_is_reported_and_the_lesson_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    SQLiteStore(path).close()
    with SQLiteStore(path, read_only=True) as store:
        session = LearnerSession(CONTENT, Learner("Ada"), store)
        assert session.saving_problem() is None
        result = session.tracker.submit(QUESTION.id, QUESTION.answer)
    assert result.correct
    assert session.tracker.latest(QUESTION.id) == result
    assert session.saving_problem() == "Your answers are not being saved right now."


def test_the_not_saved_notice_goes_once_the_store_works_again(tmp_path: Path) -> None:
    """The notice must not stay after the database recovers (issue 15): the next answer
    that is saved clears it."""
    path = tmp_path / "p.sqlite3"
    SQLiteStore(path).close()
    with SQLiteStore(path, read_only=True) as broken, SQLiteStore(path) as working:
        session = LearnerSession(CONTENT, Learner("Ada"), broken)
        session.tracker.submit(QUESTION.id, QUESTION.answer)
        assert session.saving_problem() == "Your answers are not being saved right now."
        session.store = working  # the disk is writable again
        other = next(q for q in COURSE.questions.values() if q.id != QUESTION.id)
        session.tracker.submit(other.id, right_answer(other))
        assert session.saving_problem() is None
        assert [a.question_id for a in working.attempts(learner="Ada")] == [other.id]


def test_the_learner_sees_plain_words_and_the_log_gets_the_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    environ = {"QUERY_STRING": "learner=Ada&class=7B"}
    with caplog.at_level(logging.WARNING, logger="twitchlearn.session"):
        session = LearnerSession.start(CONTENT, environ, str(blocker / "p.sqlite3"))
    assert isinstance(session.store, MemoryStore)
    problem = session.saving_problem()
    assert problem == "Your answers will not be kept after this visit."
    assert str(blocker) not in problem
    assert str(blocker) in caplog.text


def test_start_names_the_learner_from_the_url_and_resumes(tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite3")
    environ = {"QUERY_STRING": "learner=Ada&class=7B"}
    first = LearnerSession.start(CONTENT, environ, db)
    assert first.saving
    assert first.learner == Learner("Ada", "7B")
    first.tracker.submit(QUESTION.id, QUESTION.answer)
    again = LearnerSession.start(CONTENT, environ, db)
    assert again.tracker.latest(QUESTION.id) == grade(QUESTION, QUESTION.answer)


def test_an_anonymous_session_saves_nothing_and_reports_nothing(tmp_path: Path) -> None:
    session = LearnerSession.start(CONTENT, {}, str(tmp_path / "p.sqlite3"))
    assert not session.saving
    assert session.store is None
    session.tracker.submit(QUESTION.id, QUESTION.answer)
    assert session.saving_problem() is None
    assert not (tmp_path / "p.sqlite3").exists()


def test_a_tracker_without_a_sink_grades_only() -> None:
    tracker = ProgressTracker(COURSE)
    tracker.submit(QUESTION.id, QUESTION.answer)
    assert tracker.saving_problem() is None
    assert tracker.latest(QUESTION.id) == grade(QUESTION, QUESTION.answer)


def test_an_answer_to_an_edited_question_is_not_regraded_on_resume(tmp_path: Path) -> None:
    import attrs

    from twitchlearn.models import Content

    learner = Learner("Ada", "7B")
    with SQLiteStore(tmp_path / "p.sqlite3") as store:
        LearnerSession(CONTENT, learner, store).tracker.submit(QUESTION.id, QUESTION.answer)
        edited = attrs.evolve(QUESTION, answer=not QUESTION.answer, prompt="Edited?")
        lesson = CONTENT.course.lesson(QUESTION.lesson)
        lessons = tuple(
            attrs.evolve(
                item,
                questions=tuple(edited if q.id == QUESTION.id else q for q in item.questions),
            )
            if item.id == lesson.id
            else item
            for item in CONTENT.course.lessons
        )
        course = attrs.evolve(CONTENT.course, lessons=lessons)
        changed: Content = attrs.evolve(CONTENT, course=course)
        again = LearnerSession(changed, learner, store)
        assert again.resume() == 0  # the old answer would now grade wrong: it is not put back
        assert again.tracker.latest(QUESTION.id) is None
        same = LearnerSession(CONTENT, learner, store)
        assert same.resume() == 1
        (saved,) = store.attempts(learner="Ada")
        assert saved.question_version == grade(QUESTION, QUESTION.answer).question_version


def test_progress_lines_write_points_as_people_do() -> None:
    from twitchlearn.session import LessonProgress

    assert LessonProgress(0, 12, 0.0).describe() == "0 of 12 answered"
    assert LessonProgress(3, 12, 7 / 3, 3.0).describe() == "3 of 12 answered, 2.3 of 3 points"
    assert LessonProgress(1, 12, 1.0, 1.0).describe() == "1 of 12 answered, 1 of 1 point"
    tracker = ProgressTracker(COURSE)
    tracker.submit(QUESTION.id, QUESTION.answer)
    line = tracker.course_progress().describe()
    assert line == f"1 of {len(COURSE.questions)} answered, 1 of 1 point"
