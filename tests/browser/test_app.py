"""The course app as a learner uses it: real Voila, real Chromium, keyboard and clicks."""

from __future__ import annotations

import html
import json

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import (
    COURSE,
    FIRST,
    answer_with_keyboard,
    first_of_kind,
    press_button,
    right_answer,
    wrong_answer,
)
from tests.support.servers import VoilaServer, open_page
from twitchlearn.models import (
    SingleChoiceQuestion,
)
from twitchlearn.scoring import grade
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

KINDS = ["single_choice", "multiple_select", "true_false", "numeric", "matching"]


def lesson_url(server: VoilaServer, index: int = 0) -> str:
    return f"{server.url}/voila/render/{lesson_page(COURSE.lessons[index])}"


def test_root_opens_the_start_page_with_every_lesson(server: VoilaServer, page: Page) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    open_page(page, server.url + "/", ".tl-lessons")
    # A page without charts does not fetch plotly's renderer (4.7 MB); the explorer does
    # (tests/browser/test_explorer.py checks its chart is drawn).
    assert any("/voila/static/" in url for url in fetched), fetched[:5]
    assert not [url for url in fetched if "jupyterlab-plotly" in url]
    assert page.url.endswith("/voila/render/00_start_here.ipynb")
    links = page.locator(".tl-lessons a")
    expect(links).to_have_count(len(COURSE.lessons))
    for lesson, link in zip(COURSE.lessons, links.all(), strict=True):
        expect(link).to_contain_text(lesson.title)
    # each lesson is one click away
    links.first.click()
    page.wait_for_selector(".tl-quiz .tl-question", timeout=120_000)
    expect(page.locator("h1")).to_contain_text(FIRST.title)


def test_next_and_back_between_lessons(server: VoilaServer, page: Page) -> None:
    open_page(page, lesson_url(server, 1), ".tl-nav")
    nav = page.locator(".tl-nav")
    expect(nav.locator("a.tl-prev")).to_contain_text(COURSE.lessons[0].title)
    expect(nav.locator("a.tl-next")).to_contain_text(COURSE.lessons[2].title)
    expect(nav.locator("a.tl-next")).to_have_attribute("href", lesson_page(COURSE.lessons[2]))


def test_source_code_is_not_shown(server: VoilaServer, page: Page) -> None:
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    html = page.content()
    assert "LessonPage(" not in html
    assert "from twitchlearn" not in html


@pytest.mark.parametrize("kind", KINDS)
def test_answer_wrong_then_right_with_the_keyboard(
    server: VoilaServer, page: Page, kind: str
) -> None:
    index, q = first_of_kind(kind)
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    progress = page.locator(".tl-progress-text").first
    expect(progress).to_contain_text(f"0 of {len(FIRST.questions)} answered")

    wrong = wrong_answer(q)
    answer_with_keyboard(page, box, q, wrong)
    press_button(page, box, "Check answer")
    feedback = box.locator(".tl-feedback")
    expect(feedback).to_be_visible()
    result = grade(q, wrong)
    assert not result.correct
    expect(feedback).to_contain_text("Partly right" if result.score > 0 else "Not quite")
    for note in result.feedback:
        expect(feedback).to_contain_text(note)
    expect(feedback).to_contain_text(q.explanation)
    expect(progress).to_contain_text(f"1 of {len(FIRST.questions)} answered")

    press_button(page, box, "Try again")
    expect(feedback).to_have_count(0)  # the feedback is gone, not just hidden
    answer_with_keyboard(page, box, q, right_answer(q))
    press_button(page, box, "Check answer")
    expect(feedback).to_contain_text("Correct.")
    expect(progress).to_contain_text(f"1 of {len(FIRST.questions)} answered, 1 of 1 point")
    assert "Traceback" not in page.inner_text("body")


def test_an_unusable_answer_gets_a_plain_message(server: VoilaServer, page: Page) -> None:
    index, _ = first_of_kind("numeric")
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    press_button(page, box, "Check answer")  # nothing typed yet
    expect(box.locator(".tl-warning")).to_contain_text("Type a number")
    field = box.get_by_role("textbox")
    field.focus()
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-warning")).to_contain_text("Type a number, such as")
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "Error" not in body


def _forms(text: str) -> list[str]:
    """`text` as it would stand in page text, in HTML source, or inside a JSON message."""
    return [
        text,
        html.escape(text),
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
    ]


def test_answer_key_stays_in_the_kernel_until_submission(server: VoilaServer, page: Page) -> None:
    frames: list[str] = []

    def watch(ws: object) -> None:
        for event in ("framereceived", "framesent"):
            ws.on(  # type: ignore[attr-defined]
                event,
                lambda payload: frames.append(
                    payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
                ),
            )

    page.on("websocket", watch)
    index, q = first_of_kind("single_choice")
    assert isinstance(q, SingleChoiceQuestion)
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    expect(box.get_by_role("button", name="Check answer")).to_be_enabled()

    # Whole texts: parts of an explanation may repeat the lesson, which is fine.
    secrets = [q.explanation] + [c.feedback for c in q.choices if not c.correct]
    before = page.content() + "\n".join(frames)
    assert frames, "saw no websocket traffic: the check would prove nothing"
    for secret in secrets:
        for form in _forms(secret):
            assert form not in before, f"{secret!r} reached the browser before submission"
    # The option values (which one is correct) are not sent either: only labels and an index.
    assert '"correct"' not in before

    wrong = wrong_answer(q)
    answer_with_keyboard(page, box, q, wrong)
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text(q.explanation)
    after = page.content() + "\n".join(frames)
    assert any(form in after for form in _forms(q.explanation))


def test_the_last_lesson_leads_to_the_explorer_and_the_review(
    server: VoilaServer, page: Page
) -> None:
    open_page(page, lesson_url(server, len(COURSE.lessons) - 1), ".tl-what-next")
    what_next = page.locator(".tl-what-next")
    expect(what_next.get_by_role("link", name="the twitch explorer")).to_have_attribute(
        "href", "08_explorer.ipynb"
    )
    expect(what_next.get_by_role("link", name="review what you missed")).to_have_attribute(
        "href", "09_review.ipynb"
    )
