"""Nothing lost silently (issue 12): a name typed and left is saved without the button, the
browser remembers it across reloads and pages opened without `?learner=`, every lesson says
under which name it saves, and "jess"/"7b" finds what "Jess"/"7B" saved."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, local_only, open_page
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]


def _type_name(page: Page, name: str, class_code: str) -> None:
    page.get_by_label("Your name:").focus()
    page.keyboard.type(name)
    page.keyboard.press("Tab")  # leave the field: no "Save my name"
    page.keyboard.type(class_code)
    page.keyboard.press("Tab")


def _open_first_lesson_from_the_menu(page: Page) -> None:
    page.locator("header.tl-site").get_by_text("Lessons", exact=True).click()
    page.locator(".tl-menu").get_by_role("link", name=f"Lesson 1: {FIRST.title}").click()
    page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)


def test_a_typed_name_is_kept_across_reloads_and_pages(server: VoilaServer, page: Page) -> None:
    name = f"Remember {uuid.uuid4().hex[:6]}"
    open_page(page, server.url + "/", ".tl-identity input")
    _type_name(page, name, "R1")
    expect(page.locator(".tl-greeting")).to_contain_text(f"Hello, {name}!")
    expect(page.locator(".tl-greeting")).to_contain_text("in class R1")  # both are saved

    page.reload(wait_until="commit")
    page.wait_for_selector(".tl-identity input", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.get_by_label("Your name:")).to_have_value(name)
    expect(page.locator(".tl-greeting")).to_contain_text(f"Welcome back, {name}!")

    page.goto(f"{server.url}/voila/render/00_start_here.ipynb", wait_until="commit")
    page.wait_for_selector(".tl-identity input", timeout=FIRST_PAGE_TIMEOUT_MS)
    _open_first_lesson_from_the_menu(page)  # the menu's links carry no name
    expect(page.locator(".tl-who")).to_have_text(
        f"Saving your answers as {name} in class R1. Not you? Change it on the start page."
    )


def test_names_and_class_codes_match_whatever_the_case(
    server: VoilaServer, browser: Browser
) -> None:
    name = f"Case {uuid.uuid4().hex[:6]}"
    index, question = first_of_kind("true_false")
    seen: list[str] = []
    for typed, class_code in ((name, "7B"), (name.upper(), "7b")):
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        context.route("**/*", local_only)
        page = context.new_page()
        page.set_default_timeout(30_000)
        open_page(page, server.url + "/", ".tl-identity input")
        _type_name(page, typed, class_code)
        expect(page.locator(".tl-greeting")).to_contain_text(f"in class {class_code}")
        _open_first_lesson_from_the_menu(page)
        box = page.locator(".tl-question").nth(index)
        if not seen:
            answer_with_keyboard(page, box, question, wrong_answer(question))
            press_button(page, box, "Check answer")
        expect(box.locator(".tl-feedback")).to_contain_text("Not quite")  # saved, or found
        seen.append(page.locator(".tl-who").inner_text())
        context.close()
    assert seen[1].startswith(f"Saving your answers as {name.upper()} in class 7b.")


def test_a_lesson_without_a_name_says_it_saves_nothing(server: VoilaServer, page: Page) -> None:
    open_page(page, f"{server.url}/voila/render/{lesson_page(FIRST)}", ".tl-quiz .tl-question")
    who = page.locator(".tl-who")
    expect(who).to_contain_text("Your answers on this page are not being saved.")
    expect(who.get_by_role("link", name="the start page")).to_be_visible()
