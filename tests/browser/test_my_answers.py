"""A learner's data is theirs, on a real server: a named learner answers, downloads their
answers from the start page (the file's rows are checked), deletes them after confirming,
reloads and sees no progress; another learner's answers are untouched."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.servers import VoilaServer, open_page
from twitchlearn import grade, load_course
from twitchlearn.site import START_PAGE, lesson_page
from twitchlearn.storage.base import FORGET
from twitchlearn.storage.sqlite import SQLiteStore

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]


def test_a_learner_downloads_then_deletes_their_answers(
    server: VoilaServer, page: Page, tmp_path: Path
) -> None:
    name = f"Mine {uuid.uuid4().hex[:6]}"
    other = f"Other {uuid.uuid4().hex[:6]}"
    query = f"?learner={quote(name)}&class=D1"
    index, question = first_of_kind("true_false")
    with SQLiteStore(server.db) as store:  # another learner of the same class
        answer = wrong_answer(question)
        store.record(other, "D1", question.id, answer, grade(question, answer))

    lesson_url = f"{server.url}/voila/render/{lesson_page(FIRST)}{query}"
    open_page(page, lesson_url, ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, wrong_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
    total = len(FIRST.questions)
    expect(page.locator(".tl-progress-text").first).to_contain_text(f"1 of {total} answered")

    open_page(page, f"{server.url}/voila/render/{START_PAGE}{query}", ".tl-my-answers button")
    mine = page.locator(".tl-my-answers")
    press_button(page, mine, "Download my answers")
    link = mine.get_by_role("link", name="save my-answers.csv")
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename == "my-answers.csv"
    saved = tmp_path / "my-answers.csv"
    download.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8", newline="")))
    assert {row["learner"] for row in rows} == {name}  # only theirs, never the other's
    assert len(rows) == len(COURSE.questions) + 1
    answered = [row for row in rows if row["attempts"] != "0" and row["question_id"] != "TOTAL"]
    assert [(r["question_id"], r["correct"], r["attempts"]) for r in answered] == [
        (question.id, "0", "1")
    ]
    assert rows[-1]["question_id"] == "TOTAL"

    press_button(page, mine, "Delete my answers")
    status = mine.locator("[role=status]")
    expect(status).to_contain_text(f"every answer saved under the name {name} in class D1")
    press_button(page, mine, "Yes, delete my answers")
    expect(status).to_contain_text(f"Done: 1 saved answer of {name} in class D1 deleted")
    expect(mine.get_by_role("button", name="Download my answers")).to_be_hidden()
    expect(page.get_by_label("Your name:")).to_have_value("")

    open_page(page, lesson_url, ".tl-quiz .tl-question")  # the link still names them
    expect(page.locator(".tl-who")).to_contain_text(f"Saving your answers as {name}")
    expect(page.locator(".tl-progress-text").first).to_contain_text(f"0 of {total} answered")
    box = page.locator(".tl-question").nth(index)
    expect(box.get_by_role("button", name="Check answer")).to_be_visible()
    expect(box).not_to_contain_text("Not quite")  # no earlier answer comes back

    with SQLiteStore(server.db) as store:
        assert store.attempts(learner=name) == []
        assert store.review_states(name, "D1") == {}
        assert len(store.attempts(learner=other)) == 1  # untouched
        events = [e for e in store.events() if e.learner == name]
    assert [(e.action, e.class_code, e.by, e.attempts) for e in events] == [
        (FORGET, "D1", "learner", 1)
    ]
