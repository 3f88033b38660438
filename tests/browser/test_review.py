"""Review what I missed: a question answered wrong in a lesson comes back on the review page."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import (
    answer_with_keyboard,
    first_of_kind,
    press_button,
    right_answer,
    wrong_answer,
)
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, open_page
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]


def test_a_missed_question_comes_back_for_review(server: VoilaServer, page: Page) -> None:
    learner = f"Review {uuid.uuid4().hex[:6]}"
    query = f"?learner={quote(learner)}&class=R1"
    index, question = first_of_kind("true_false")

    open_page(page, f"{server.url}/voila/render/{lesson_page(FIRST)}{query}", ".tl-quiz")
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, wrong_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")  # shown once saved

    open_page(page, f"{server.url}/voila/render/09_review.ipynb{query}", ".tl-review-count")
    expect(page.locator(".tl-review-count")).to_contain_text("1 question to review today")
    expect(page.locator(".tl-review-schedule")).to_contain_text("tomorrow, then in 3 days")
    expect(page.locator(".tl-review-lesson")).to_contain_text(
        f"Lesson {FIRST.number}: {FIRST.title}"
    )
    review = page.locator(".tl-review .tl-question")
    expect(review).to_have_count(1)
    expect(review.locator(".tl-prompt")).to_contain_text(question.prompt)
    expect(review.locator(".tl-feedback")).to_have_count(0)  # a blank question, not the old one

    answer_with_keyboard(page, review, question, right_answer(question))
    press_button(page, review, "Check answer")
    expect(review.locator(".tl-feedback")).to_contain_text("Correct.")
    expect(page.locator(".tl-review-count")).to_contain_text("All done for today")
    assert "Traceback" not in page.inner_text("body")

    # opened again, the page has nothing left for today
    page.reload(wait_until="commit")
    page.wait_for_selector(".tl-review-count", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.locator(".tl-review-count")).to_contain_text("Nothing to review today")
    expect(page.locator(".tl-review .tl-question")).to_have_count(0)
