"""Warm kernels for every page (issue 12, fast navigation): a page opened from another gets a
kernel that started before anyone asked for it, and that kernel still learns who the learner
is, from the learner cookie or `?learner=`, once the page takes it (`twitchlearn.preheat`).

The server is a class server (127.0.0.2 with a key, as in test_gate.py), so the gate is in
force: the warm kernels reach the server's query websocket without the class key because
they run on this machine, and a learner still needs the key.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.servers import (
    FIRST_PAGE_TIMEOUT_MS,
    VoilaServer,
    only_to,
    open_page,
    wait_for_log,
)
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST, SECOND = COURSE.lessons[0], COURSE.lessons[1]
CLASS_HOST = "127.0.0.2"
KEY = "Warm-Pages_2026"


@pytest.fixture(scope="module")
def warm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    app = VoilaServer(
        tmp_path_factory.mktemp("warm"),
        "--class-size",
        "1",
        "--warm-pages",
        "1",
        host=CLASS_HOST,
        access_key=KEY,
    )
    yield app
    app.stop()


def _pool_filled(server: VoilaServer, notebook: str, times: int = 1) -> None:
    """Wait until the log says `notebook`'s pool was filled `times` times: the first fill,
    then one a refill after each page that took a warm kernel."""
    line = re.escape(f"Kernel pool of {notebook} is filled")
    wait_for_log(server, "(?s)" + ".*".join([line] * times), timeout=300)


def _handed_out(server: VoilaServer, notebook: str) -> int:
    return len(re.findall(rf"Using pre-heated kernel: \S+ for {re.escape(notebook)}", server.log()))


def _learner_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route("**/*", only_to(CLASS_HOST))
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _attempts(server: VoilaServer) -> list[tuple[str, str, str]]:
    with sqlite3.connect(server.db) as db:
        rows = db.execute("SELECT learner, class_code, question_id FROM attempts").fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def test_a_warm_lesson_kernel_learns_the_remembered_learner(
    warm_server: VoilaServer, browser: Browser
) -> None:
    page = _learner_page(browser)
    open_page(page, f"{warm_server.url}/{warm_server.key_query}", ".tl-identity input")
    page.get_by_label("Your name:").focus()
    page.keyboard.type("Warm Jess")
    page.keyboard.press("Tab")
    page.keyboard.type("7B")
    page.keyboard.press("Tab")
    expect(page.locator(".tl-greeting")).to_contain_text("in class 7B")

    _pool_filled(warm_server, lesson_page(FIRST))
    before = _handed_out(warm_server, lesson_page(FIRST))
    # The menu's links carry no name: the learner cookie says who it is.
    page.locator("header.tl-site").get_by_text("Lessons", exact=True).click()
    page.locator(".tl-menu").get_by_role("link", name=f"Lesson 1: {FIRST.title}").click()
    page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.locator(".tl-who")).to_have_text(
        "Saving your answers as Warm Jess in class 7B. Not you? Change it on the start page."
    )
    assert _handed_out(warm_server, lesson_page(FIRST)) == before + 1, warm_server.log()

    index, question = first_of_kind("true_false")
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, wrong_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
    assert ("Warm Jess", "7B", question.id) in _attempts(warm_server)
    page.context.close()


def test_a_warm_kernel_learns_the_learner_in_the_link(
    warm_server: VoilaServer, browser: Browser
) -> None:
    page = _learner_page(browser)
    _pool_filled(warm_server, lesson_page(SECOND))
    before = _handed_out(warm_server, lesson_page(SECOND))
    url = (
        f"{warm_server.url}/voila/render/{lesson_page(SECOND)}?learner=Warm+Sam&class=8C&key={KEY}"
    )
    open_page(page, url, ".tl-quiz .tl-question")
    expect(page.locator(".tl-who")).to_contain_text("Saving your answers as Warm Sam in class 8C.")
    assert _handed_out(warm_server, lesson_page(SECOND)) == before + 1, warm_server.log()
    # and the next learner of that page finds a warm kernel again, which knows nobody yet
    _pool_filled(warm_server, lesson_page(SECOND), times=before + 2)
    other = _learner_page(browser)
    open_page(
        other,
        f"{warm_server.url}/voila/render/{lesson_page(SECOND)}?key={KEY}",
        ".tl-quiz .tl-question",
    )
    expect(other.locator(".tl-who")).to_contain_text("not being saved")
    assert _handed_out(warm_server, lesson_page(SECOND)) == before + 2, warm_server.log()
    page.context.close()
    other.context.close()
