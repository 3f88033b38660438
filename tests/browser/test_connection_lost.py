"""When a page loses its kernel or the server, the learner is told and offered a reload; after
the reload the answers they checked are back (issue 12, "nothing lost silently").

Before the course's template, "Check answer" did nothing at all once the kernel was gone.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import psutil
import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, open_page
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """A server of this module's own: the last test stops it."""
    app = VoilaServer(tmp_path_factory.mktemp("lost"), "--class-size", "0")
    yield app
    app.stop()


def _kernel_process(page: Page) -> psutil.Process:
    kernel_id = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    for process in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in process.info["cmdline"] or ()):
            return process
    raise AssertionError(f"no process for kernel {kernel_id}")


def _answer_one(page: Page, url: str) -> int:
    open_page(page, url, ".tl-quiz .tl-question")
    index, question = first_of_kind("true_false")
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, wrong_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
    return index


def test_a_dead_kernel_shows_a_banner_and_a_reload_brings_the_answers_back(
    own_server: VoilaServer, page: Page
) -> None:
    learner = quote(f"Lost {uuid.uuid4().hex[:6]}")
    url = f"{own_server.url}/voila/render/{lesson_page(FIRST)}?learner={learner}&class=L1"
    index = _answer_one(page, url)
    banner = page.get_by_role("alert").filter(has_text="stopped working")
    expect(banner).to_have_count(0)

    _kernel_process(page).send_signal(signal.SIGKILL)
    expect(banner).to_be_visible(timeout=60_000)
    expect(banner).to_contain_text("Reload the page")
    reload = banner.get_by_role("button", name="Reload the page")
    reload.focus()
    with page.expect_navigation(wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS):
        page.keyboard.press("Enter")
    page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)
    box = page.locator(".tl-question").nth(index)
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")  # saved, and back
    expect(page.get_by_role("alert").filter(has_text="stopped working")).to_have_count(0)


def test_a_stopped_server_shows_a_banner(own_server: VoilaServer, page: Page) -> None:
    learner = quote(f"Stop {uuid.uuid4().hex[:6]}")
    _answer_one(page, f"{own_server.url}/voila/render/{lesson_page(FIRST)}?learner={learner}")
    own_server.stop()
    banner = page.get_by_role("alert").filter(has_text="connection to the course was lost")
    expect(banner).to_be_visible(timeout=60_000)
    expect(banner.get_by_role("button", name="Reload the page")).to_be_visible()
