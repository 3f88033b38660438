"""A progress database with bad pages never takes a lesson down (issue 15, item 2).

The file opens (its header and schema are fine) but reading the learner's attempts fails.
The learner must still get the lesson and the review page, answer questions, and read a
plain notice; the server's file path and admin instructions stay in the server log.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.support.damage import damaged_database
from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.servers import VoilaServer, open_page
from twitchlearn import load_course
from twitchlearn.site import REVIEW_PAGE, lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]
LEARNER = "Ann Damaged"


@pytest.fixture(scope="module")
def damaged_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    tmp = tmp_path_factory.mktemp("damaged")
    _, question = first_of_kind("true_false")
    db = damaged_database(tmp / "progress.sqlite3", LEARNER, "7B", question.id)
    app = VoilaServer(tmp, "--class-size", "0", db=db)
    yield app
    app.stop()


def _url(server: VoilaServer, notebook: str) -> str:
    return f"{server.url}/voila/render/{notebook}?learner={quote(LEARNER)}&class=7B"


def _no_internals(page: Page, db: Path) -> None:
    text = page.locator("body").inner_text()
    for leak in (str(db), "Traceback", "TWITCHLEARN_DB", "malformed", "Error"):
        assert leak not in text, f"the learner's page shows {leak!r}"


def test_a_lesson_still_works_on_a_damaged_database(
    damaged_server: VoilaServer, page: Page
) -> None:
    open_page(page, _url(damaged_server, lesson_page(FIRST)), ".tl-quiz .tl-question")
    expect(page.get_by_role("heading", level=1)).to_contain_text(FIRST.title)
    expect(page.locator(".tl-not-saving").first).to_contain_text("not being saved")
    index, question = first_of_kind("true_false")
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, wrong_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
    _no_internals(page, damaged_server.db)
    assert "saved answers could not be read" in damaged_server.log()
    assert str(damaged_server.db) in damaged_server.log()  # the operator gets the details


def test_the_review_page_still_opens_on_a_damaged_database(
    damaged_server: VoilaServer, page: Page
) -> None:
    open_page(page, _url(damaged_server, REVIEW_PAGE), ".tl-review-message")
    expect(page.locator(".tl-review-message").first).to_be_visible()
    _no_internals(page, damaged_server.db)
