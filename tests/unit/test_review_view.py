"""The review page in-process: a real SQLite store, a learner session, an injected clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from twitchlearn import load_content
from twitchlearn.identity import Learner
from twitchlearn.models import SingleChoiceQuestion, TrueFalseQuestion
from twitchlearn.review import INTERVALS
from twitchlearn.session import LearnerSession
from twitchlearn.storage import ProgressStore
from twitchlearn.storage.sqlite import SQLiteStore
from twitchlearn.ui.review import ANONYMOUS, NOT_SAVED, NOTHING_DUE, ReviewView, schedule_in_words

CONTENT = load_content()
COURSE = CONTENT.course
TRUE_FALSE = next(q for q in COURSE.questions.values() if isinstance(q, TrueFalseQuestion))
SINGLE = next(
    q
    for q in COURSE.questions.values()
    if isinstance(q, SingleChoiceQuestion) and q.lesson != TRUE_FALSE.lesson
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ProgressStore]:
    with SQLiteStore(tmp_path / "progress.sqlite3") as store:
        yield store


def session_for(store: ProgressStore | None, learner: Learner) -> LearnerSession:
    return LearnerSession(CONTENT, learner, store)


def text_of(view: ReviewView) -> str:
    """All the HTML the page shows outside the question widgets."""
    parts = [view.widget.children[0].value, view.count.value, view.saving.value]
    return "".join([*parts, view.message.value])


def soon() -> datetime:
    """A moment just after every answer given so far (the store times its own writes)."""
    return datetime.now(UTC) + timedelta(minutes=5)


def test_a_wrong_answer_is_offered_for_review(store: ProgressStore) -> None:
    learner = Learner("Ada", "R1")
    lesson_tracker = session_for(store, learner).tracker
    lesson_tracker.submit(TRUE_FALSE.id, not TRUE_FALSE.answer)
    lesson_tracker.submit(SINGLE.id, next(c.id for c in SINGLE.choices if c.correct))

    view = ReviewView(session_for(store, learner), now=soon())
    assert view.due == [TRUE_FALSE.id]
    assert [q.question.id for q in view.questions] == [TRUE_FALSE.id]
    page = text_of(view)
    assert "1 question to review today" in page
    lesson = COURSE.lesson(TRUE_FALSE.lesson)
    headings = [w.value for w in view.widget.children if "tl-review-lesson" in w._dom_classes]
    assert len(headings) == 1
    assert f"Lesson {lesson.number}: {lesson.title}" in headings[0]
    assert "Questions you missed come back" in page
    # the page starts from a blank question, not the wrong answer the tracker may hold
    question = view.questions[0]
    assert question.controls[0].value is None
    assert question.feedback.value == ""
    assert not question.check.disabled


def test_a_right_answer_moves_the_question_out_of_todays_list(store: ProgressStore) -> None:
    learner = Learner("Ada", "R1")
    session_for(store, learner).tracker.submit(TRUE_FALSE.id, not TRUE_FALSE.answer)
    now = soon()
    session = session_for(store, learner)
    tracker = session.tracker
    view = ReviewView(session, now=now)
    question = view.questions[0]

    question.controls[0].value = not TRUE_FALSE.answer  # wrong again: it stays
    question.check.click()
    assert "Not quite" in question.feedback.value
    assert view.due_now() == [TRUE_FALSE.id]
    assert "1 question to review today" in view.count.value

    question.retry.click()
    question.controls[0].value = TRUE_FALSE.answer
    question.check.click()
    assert "Correct." in question.feedback.value
    assert view.due_now() == []
    assert "All done for today" in view.count.value
    assert "within a day" in view.count.value
    assert store.review_states("Ada", "R1")[TRUE_FALSE.id].box == 2
    assert tracker.latest(TRUE_FALSE.id) is not None  # the answer went through the tracker

    assert ReviewView(session_for(store, learner), now=now).questions == []
    # and it comes back tomorrow
    later = ReviewView(session_for(store, learner), now=now + INTERVALS[2])
    assert later.due == [TRUE_FALSE.id]


def test_nothing_due_gets_a_friendly_message(store: ProgressStore) -> None:
    view = ReviewView(session_for(store, Learner("Ada", "R1")), now=soon())
    assert view.questions == []
    assert NOTHING_DUE in text_of(view)


def test_another_class_or_learner_is_not_mixed_in(store: ProgressStore) -> None:
    session_for(store, Learner("Ada", "R1")).tracker.submit(TRUE_FALSE.id, not TRUE_FALSE.answer)
    assert ReviewView(session_for(store, Learner("Ada", "R2")), now=soon()).due == []
    assert ReviewView(session_for(store, Learner("Bo", "R1")), now=soon()).due == []


def test_an_anonymous_learner_is_sent_to_the_start_page() -> None:
    view = ReviewView(session_for(None, Learner("")), now=soon())
    page = text_of(view)
    assert ANONYMOUS in page
    assert '<a target="_self" href="00_start_here.ipynb">' in page
    assert view.questions == []


def test_a_known_learner_whose_answers_are_not_saved_is_told_so() -> None:
    assert NOT_SAVED in text_of(ReviewView(session_for(None, Learner("Ada")), now=soon()))


def test_a_store_that_cannot_save_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    SQLiteStore(path).close()
    with SQLiteStore(path, read_only=True) as store:
        session = session_for(store, Learner("Ada"))
        session.tracker.submit(TRUE_FALSE.id, not TRUE_FALSE.answer)  # cannot be saved
        view = ReviewView(session, now=soon())
    assert "Your answers are not being saved" in view.saving.value
    assert NOTHING_DUE in view.count.value


def test_a_name_with_html_is_escaped(store: ProgressStore) -> None:
    name = "<img src=x onerror=alert(1)>"
    learner = Learner(name, "<b>R1</b>")
    session_for(store, learner).tracker.submit(TRUE_FALSE.id, not TRUE_FALSE.answer)
    view = ReviewView(session_for(store, learner), now=soon())
    assert view.due == [TRUE_FALSE.id]
    page = text_of(view)
    assert "<img" not in page
    assert "<b>R1" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # links carry the learner URL-encoded and attribute-escaped
    assert "?learner=%3Cimg+src%3Dx+onerror%3Dalert%281%29%3E&amp;class=%3Cb%3ER1" in page


def test_the_schedule_in_words_follows_the_intervals() -> None:
    words = schedule_in_words()
    assert "tomorrow, then in 3 days, then in a week, then in two weeks" in words
    assert "every two weeks" in words
    assert INTERVALS[2] == timedelta(days=1)


def test_a_naive_clock_is_refused(store: ProgressStore) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ReviewView(session_for(store, Learner("Ada")), now=datetime(2024, 1, 1))


def test_the_review_and_explorer_pages_link_home_back_and_next(store: ProgressStore) -> None:
    """Like a lesson's links: "Course home", then the pages before and after in course
    order (the last lesson, the explorer, the review page), keeping who is learning."""
    from twitchlearn.site import EXPLORER_PAGE, lesson_page
    from twitchlearn.ui.pages import ExplorerPage

    learner = Learner("Ada", "R1")
    query = learner.query().replace("&", "&amp;")  # as it is in an href
    review = ReviewView(session_for(store, learner), now=soon()).widget.children[0].value
    nav = review[review.index('<nav class="tl-nav"') : review.index("</nav>")]
    assert f'href="00_start_here.ipynb{query}">Course home</a>' in nav
    assert f'href="{EXPLORER_PAGE}{query}" class="tl-prev">&larr; Back: The twitch explorer' in nav
    assert "tl-next" not in nav  # the review page is the last page

    explorer = ExplorerPage(session_for(store, learner)).header().html
    nav = explorer[explorer.index('<nav class="tl-nav"') : explorer.index("</nav>")]
    last = COURSE.lessons[-1]
    assert "Course home</a>" in nav
    assert (
        f'href="{lesson_page(last)}{query}" class="tl-prev">&larr; Back: Lesson {last.number}'
        in nav
    )
    assert f'href="09_review.ipynb{query}" class="tl-next">Next: Review what you missed' in nav
