"""Warm kernels follow the class (issue 12, fast navigation; `twitchlearn.app.follow`): while
learners are on a page, the page after it keeps one more warm kernel for each of them, so a
class that follows a link together finds every kernel ready, and the ones nobody came for
are shut down after the idle timeout.

Each page keeps one warm kernel of its own here (`--warm-pages 1`). Without following, the
second of two learners who open lesson 1 together got a kernel the pool was still preparing
and waited for it (the server logs "still starting"; seen with `--follow-class 0`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.servers import (
    FIRST_PAGE_TIMEOUT_MS,
    VoilaServer,
    local_only,
    open_page,
    wait_for_log,
)
from twitchlearn import load_course
from twitchlearn.site import START_PAGE, lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
LESSON_1, LESSON_2 = lesson_page(COURSE.lessons[0]), lesson_page(COURSE.lessons[1])
IDLE_SECONDS = 10  # --cull-idle-seconds: how long warm kernels nobody came for are kept


@pytest.fixture(scope="module")
def follow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    app = VoilaServer(
        tmp_path_factory.mktemp("follow"),
        "--class-size",
        "2",
        "--warm-pages",
        "1",
        "--cull-idle-seconds",
        str(IDLE_SECONDS),
    )
    yield app
    app.stop()


def _learner(browser: Browser, url: str) -> Page:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_page(page, url, ".tl-identity input")
    return page


def _handouts(server: VoilaServer, notebook: str) -> list[str]:
    """How each page of `notebook` that took a warm kernel found it: ready, or still starting."""
    pattern = rf"{re.escape(notebook)} got a warm kernel (that was ready|still starting)"
    return re.findall(pattern, server.log())


def test_a_class_that_moves_on_together_finds_its_kernels_ready(
    follow_server: VoilaServer, browser: Browser
) -> None:
    start = f"{follow_server.url}/voila/render/{START_PAGE}"
    learners = [_learner(browser, f"{start}?learner=Follow+{n}&class=F1") for n in (1, 2)]
    # two learners on the start page: lesson 1 keeps its own warm kernel and one for each
    wait_for_log(follow_server, rf"Following the class: 3 warm kernels for {re.escape(LESSON_1)}")
    wait_for_log(
        follow_server, rf"Kernel pool of {re.escape(LESSON_1)} is filled with 3 kernel", timeout=300
    )
    # both follow the first lesson's link at the same moment
    for page in learners:
        page.locator(".tl-lessons a").first.click()
    for page in learners:
        page.wait_for_url(f"**/{LESSON_1}*", timeout=FIRST_PAGE_TIMEOUT_MS)
        page.wait_for_selector(".tl-quiz .tl-question input", timeout=FIRST_PAGE_TIMEOUT_MS)
    assert _handouts(follow_server, LESSON_1) == ["that was ready"] * 2, follow_server.log()

    # now lesson 2 is the page they are likely to open next
    wait_for_log(follow_server, rf"Following the class: 3 warm kernels for {re.escape(LESSON_2)}")
    wait_for_log(
        follow_server, rf"Kernel pool of {re.escape(LESSON_2)} is filled with 3 kernel", timeout=300
    )
    # they close the course instead: after the idle timeout the two extra kernels go
    mark = len(follow_server.log())
    for page in learners:
        page.close(run_before_unload=True)
    wait_for_log(
        follow_server, rf"Following the class: 1 warm kernels for {re.escape(LESSON_2)}", start=mark
    )
    gone = 0
    while gone < 2:
        found = wait_for_log(
            follow_server,
            rf"Shut down (\d+) warm kernels of {re.escape(LESSON_2)} that no learner came for",
            timeout=IDLE_SECONDS * 12,
            start=mark,
        )
        gone += int(found[1])
        mark += found.end()
    assert gone == 2, follow_server.log()
    for page in learners:
        page.context.close()
