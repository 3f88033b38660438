"""A learner's data is theirs, in the server edition: "Download my answers" and "Delete my
answers" on the start page and the review page, in-process with a real store of each
backend (a SQLite file; a real PostgreSQL server).

The browser test (tests/browser/test_my_answers.py) does the same through a real server."""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import ipywidgets as widgets
import pytest

from tests.support.stores import open_backend
from twitchlearn import load_content
from twitchlearn.identity import Learner
from twitchlearn.models import TrueFalseQuestion
from twitchlearn.session import LearnerSession
from twitchlearn.storage import ProgressStore
from twitchlearn.storage.base import FORGET
from twitchlearn.ui import StartPage
from twitchlearn.ui.answers import MyAnswersBox
from twitchlearn.ui.review import ReviewView

CONTENT = load_content()
COURSE = CONTENT.course
TRUE_FALSE = [q for q in COURSE.questions.values() if isinstance(q, TrueFalseQuestion)]


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProgressStore]:
    """A real store of each backend: a SQLite file, and a database on the real PostgreSQL
    server of tests/unit/conftest.py."""
    postgres = request.getfixturevalue("postgres_database") if request.param == "postgres" else None
    with open_backend(request.param, tmp_path, postgres) as store:
        yield store


def answered(store: ProgressStore, learner: Learner, wrong: int = 2) -> LearnerSession:
    """A session of `learner` with `wrong` wrong answers and one right one saved."""
    session = LearnerSession(CONTENT, learner, store)
    for question in TRUE_FALSE[:wrong]:
        session.tracker.submit(question.id, not question.answer)
    session.tracker.submit(TRUE_FALSE[wrong].id, TRUE_FALSE[wrong].answer)
    return session


def box_of(page: StartPage) -> tuple[MyAnswersBox, widgets.VBox]:
    """The start page's download and delete box, in the "Who is learning?" box its cell
    draws."""
    who = page.who_is_learning()
    assert page.answers is not None
    assert page.answers.widget in who.children
    return page.answers, who


def shown(widget: widgets.Widget) -> bool:
    return bool(widget.layout.display != "none")


def csv_rows(status_html: str) -> list[dict[str, str]]:
    """The rows of the file behind the status line's download link."""
    found = re.search(
        r'download="my-answers.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', status_html
    )
    assert found, status_html
    text = base64.b64decode(found.group(1)).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_start_page_offers_a_saving_learner_their_answers(store: ProgressStore) -> None:
    answered(store, Learner("Jess", "7B"))
    answered(store, Learner("Ben", "7B"), wrong=1)
    page = StartPage(LearnerSession(CONTENT, Learner("jess", "7b"), store))
    box, _ = box_of(page)
    assert shown(box.buttons)
    box.download.click()
    rows = csv_rows(box.status.value)
    assert {row["learner"] for row in rows} == {"Jess"}  # as first saved; never Ben's
    assert len(rows) == len(COURSE.questions) + 1
    total = rows[-1]
    assert (total["question_id"], total["correct"], total["attempts"]) == ("TOTAL", "1", "3")


def test_delete_asks_first_then_removes_only_the_learners_answers(store: ProgressStore) -> None:
    answered(store, Learner("Jess", "7B"))
    answered(store, Learner("Ben", "7B"), wrong=1)
    session = LearnerSession(CONTENT, Learner("Jess", "7B"), store)
    session.resume()
    page = StartPage(session)
    box, who = box_of(page)
    box.delete.click()
    assert shown(box.confirm_box)
    assert "every answer saved under the name Jess in class 7B" in box.status.value
    assert len(store.attempts(learner="Jess")) == 3  # nothing deleted before the second click
    box.keep.click()
    assert "kept" in box.status.value
    assert len(store.attempts(learner="Jess")) == 3
    box.delete.click()
    box.confirm.click()
    assert "Done: 3 saved answers of Jess in class 7B deleted" in box.status.value
    assert store.attempts(learner="Jess") == []
    assert store.review_states("Jess", "7B") == {}
    assert len(store.attempts(learner="Ben")) == 2  # another learner's answers are untouched
    (event,) = store.events()
    assert (event.action, event.learner, event.class_code, event.by, event.attempts) == (
        FORGET,
        "Jess",
        "7B",
        "learner",
        3,
    )
    # Nothing of theirs is left: the page forgets the name, the cookie is cleared, the links
    # carry no name, and a later answer is saved under no one.
    assert not session.learner.known
    assert not session.saving
    assert 'class="tl-remember" hidden data-value=""' in box.status.value
    assert "learner=" not in page.lessons().value
    assert not shown(box.buttons)
    fields = [w for w in who.children if isinstance(w, widgets.Text)]
    assert [f.value for f in fields] == ["", ""]
    assert session.tracker.course_progress().answered == 0
    session.tracker.submit(TRUE_FALSE[0].id, TRUE_FALSE[0].answer)
    assert store.attempts(learner="Jess") == []
    assert LearnerSession(CONTENT, Learner("Jess", "7B"), store).resume() == 0


def test_the_box_follows_the_session_learner_not_the_page(store: ProgressStore) -> None:
    """The click names no one: the kernel's session learner is whose answers go."""
    answered(store, Learner("Jess", "7B"))
    anonymous = StartPage(LearnerSession(CONTENT, Learner(""), None))
    box, _ = box_of(anonymous)
    assert not shown(box.buttons)  # nothing saved: nothing to offer
    box.confirm.click()  # a click sent by hand deletes nothing
    assert len(store.attempts()) == 3
    assert store.events() == []


def test_under_a_hub_the_learner_keeps_their_name(store: ProgressStore) -> None:
    learner = Learner("jess", "7B", source="hub", class_from_hub=True)
    answered(store, learner)
    session = LearnerSession(CONTENT, learner, store)
    box, _ = box_of(StartPage(session))
    box.delete.click()
    box.confirm.click()
    assert store.attempts() == []
    assert session.learner.known
    assert session.saving
    assert "saved under your name again" in box.status.value
    assert "tl-remember" not in box.status.value


def test_the_review_page_offers_the_same_and_empties_after_delete(store: ProgressStore) -> None:
    learner = Learner("Jess", "7B")
    answered(store, learner)
    session = LearnerSession(CONTENT, learner, store)
    view = ReviewView(session, now=datetime.now(UTC) + timedelta(minutes=5))
    assert len(view.questions) == 2
    box = view.answers
    assert box is not None
    assert box.widget in view.widget.children
    box.download.click()
    assert len(csv_rows(box.status.value)) == len(COURSE.questions) + 1
    box.delete.click()
    box.confirm.click()
    assert "Done: 3 saved answers of Jess in class 7B deleted" in box.status.value
    assert all(not shown(q.widget) for q in view.questions)
    assert "Nothing to review today" in view.count.value
    assert store.attempts() == []


def test_download_with_nothing_saved_says_so(store: ProgressStore) -> None:
    box, _ = box_of(StartPage(LearnerSession(CONTENT, Learner("New", "7B"), store)))
    assert shown(box.buttons)
    box.download.click()
    assert "nothing to save" in box.status.value
