"""Kernels come and go as they should: culling spares a preheated pool; a closed tab frees
its kernel."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support.learner import COURSE
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, open_page, wait_for_log
from twitchlearn.app.server import cull_interval
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

CULL_SECONDS = 20
POOL_SIZE = 2
LEARNERS = 3
MAIN_SCRIPT = re.compile(r"/voila/static/voila\.js")
BROKEN_PAGE = re.compile(r"Kernel does not exist|never reached|Culling '\w+' kernel")


@pytest.fixture
def culling_server(tmp_path: Path) -> Iterator[VoilaServer]:
    app = VoilaServer(
        tmp_path, "--class-size", str(POOL_SIZE), "--cull-idle-seconds", str(CULL_SECONDS)
    )
    yield app
    app.stop()


def kernel_id(page: Page) -> str:
    config = json.loads(page.locator("#jupyter-config-data").text_content() or "{}")
    found = config.get("kernelId")
    assert isinstance(found, str), f"no kernelId in the page config: {config}"
    assert found, f"an empty kernelId in the page config: {config}"
    return found


def wait_for_widgets(page: Page, server: VoilaServer) -> None:
    """Wait for the start page's widgets; stop early when the log says the page is broken."""
    deadline = time.monotonic() + FIRST_PAGE_TIMEOUT_MS / 1000
    while True:
        try:
            page.wait_for_selector(".tl-identity input", timeout=1_000)
            return
        except PlaywrightTimeoutError:
            broken = BROKEN_PAGE.search(server.log())
            assert not broken, f"{broken.group(0)!r} in the server log:\n{server.log()}"
            assert time.monotonic() < deadline, "the start page never showed its widgets"


def test_learners_arriving_after_a_long_quiet_spell_get_working_pages(
    culling_server: VoilaServer, new_page: Callable[[], Page]
) -> None:
    """The failure seen with preheating plus culling: a pool idle past the cull timeout."""
    server = culling_server
    interval = cull_interval(CULL_SECONDS)
    filled = wait_for_log(server, r"Kernel pool of \S+ is filled with", timeout=180)
    # Wait for time itself, as the server sees it: the culler logs each pass with how long the
    # pool kernels have been idle. Two passes after the pool kernels were idle longer than the
    # timeout plus an interval: each would have culled them without the pool protection.
    quiet = CULL_SECONDS + interval
    idle_pass = (
        rf"Cull pass: \d+ kernels, {POOL_SIZE} warm in the pool \(idle up to (\d+) s, spared\)"
    )
    seen = 0
    start = filled.end()
    while seen < 2:
        found = wait_for_log(server, idle_pass, timeout=quiet + 3 * interval + 30, start=start)
        start += found.end()
        if int(found.group(1)) > quiet:
            seen += 1
    assert not BROKEN_PAGE.search(server.log()), server.log()

    kernels: list[str] = []
    held: list[Route] = []
    for learner in range(LEARNERS):  # one after another, as a class trickles in
        page = new_page()
        if learner == 0:
            # A slow browser: its main script (which connects to the kernel) arrives only
            # after two more culling passes, so the kernel it was handed sits unconnected
            # through them. Released on log lines, not after a time.
            page.route(MAIN_SCRIPT, lambda route: held.append(route))
            page.goto(server.url + "/", wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS)
            handed = wait_for_log(server, r"Using pre-heated kernel", timeout=60, page=page)
            mark = handed.end()
            for _ in range(2):
                passed = wait_for_log(server, r"Cull pass: ", 3 * interval + 10, mark, page)
                mark += passed.end()
            assert held, "the page never asked for its main script"
            for route in held:
                route.continue_()
        else:
            page.goto(server.url + "/", wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS)
        wait_for_widgets(page, server)
        expect(page.locator(".tl-identity input").first).to_be_visible()
        expect(page.locator(".tl-lessons a")).to_have_count(len(COURSE.lessons))
        kernels.append(kernel_id(page))
    assert len(set(kernels)) == LEARNERS, kernels

    log = server.log()
    assert log.count("Using pre-heated kernel") >= LEARNERS - 1, "the pool was not used"
    assert not BROKEN_PAGE.search(log), log
    # The pages' kernels are alive and connected: one more pass culls none of them.
    after = len(log)
    wait_for_log(server, r"Cull pass: ", timeout=3 * interval + 10, start=after)
    wait_for_log(server, r"Cull pass: ", timeout=3 * interval + 10, start=len(server.log()))
    assert not BROKEN_PAGE.search(server.log()), server.log()[after:]
    for kid in kernels:
        assert f"Kernel shutdown: {kid}" not in server.log()


def test_a_closed_tab_frees_its_kernel(server: VoilaServer, new_page: Callable[[], Page]) -> None:
    page = new_page()
    url = f"{server.url}/voila/render/{lesson_page(COURSE.lessons[0])}"
    open_page(page, url, ".tl-quiz .tl-question")
    kid = kernel_id(page)
    assert f"Kernel shutdown: {kid}" not in server.log()
    before = len(server.log())
    page.close(run_before_unload=True)
    wait_for_log(server, rf"Kernel shutdown: {re.escape(kid)}", timeout=20, start=before)
    # (from `before`: other tests on this server send refused shutdowns on purpose)
    after = server.log()[before:]
    assert not re.search(r"403 \w+ /voila/api/shutdown", after), after
