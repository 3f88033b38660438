"""Progress survives a reload, and whatever a learner types is shown as text."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.servers import VoilaServer, open_page
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]


def test_answers_are_still_there_after_a_reload(server: VoilaServer, page: Page) -> None:
    learner = f"Reload {uuid.uuid4().hex[:6]}"
    url = f"{server.url}/voila/render/{lesson_page(FIRST)}?learner={quote(learner)}&class=T1"
    index, question = first_of_kind("true_false")
    open_page(page, url, ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, wrong_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
    progress = page.locator(".tl-progress-text").first
    expect(progress).to_contain_text(f"1 of {len(FIRST.questions)} answered")

    page.reload(wait_until="commit")
    page.wait_for_selector(".tl-quiz .tl-question", timeout=120_000)
    box = page.locator(".tl-question").nth(index)
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
    expect(box.get_by_role("button", name="Try again")).to_be_visible()
    expect(page.locator(".tl-progress-text").first).to_contain_text(
        f"1 of {len(FIRST.questions)} answered"
    )
    # links to the next lesson keep the learner, so the next page saves too
    expect(page.locator("a.tl-next")).to_have_attribute(
        "href",
        f"{lesson_page(COURSE.lessons[1])}?learner={quote(learner).replace('%20', '+')}&class=T1",
    )


def test_a_name_with_html_is_shown_as_text(server: VoilaServer, page: Page) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    name = "<img src=x onerror=alert(1)>"
    open_page(page, server.url + "/", ".tl-identity input")
    field = page.get_by_label("Your name:")
    field.focus()
    page.keyboard.type(name)
    press_button(page, page.locator(".tl-identity"), "Save my name")
    greeting = page.locator(".tl-greeting")
    expect(greeting).to_contain_text(f"Hello, {name}!")
    assert greeting.locator("img").count() == 0
    link = page.locator(".tl-lessons a").first
    expect(link).to_have_attribute(
        "href", f"{lesson_page(FIRST)}?learner=%3Cimg+src%3Dx+onerror%3Dalert%281%29%3E&class="
    )
    assert dialogs == []


def test_the_start_page_keeps_the_learner_named_in_its_url(server: VoilaServer, page: Page) -> None:
    # The session server preheats the start page; a URL naming the learner must still reach
    # the kernel, so that "Course home" from a lesson keeps who is learning.
    learner = f"Home {uuid.uuid4().hex[:6]}"
    open_page(
        page,
        f"{server.url}/voila/render/00_start_here.ipynb?learner={quote(learner)}&class=H1",
        ".tl-identity input",
    )
    expect(page.get_by_label("Your name:")).to_have_value(learner)
    expect(page.locator(".tl-lessons a").first).to_have_attribute(
        "href", f"{lesson_page(FIRST)}?learner={quote(learner).replace('%20', '+')}&class=H1"
    )
