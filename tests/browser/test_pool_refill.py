"""`--refill-at-once`: after a class takes the warm kernels, the pool prepares their
replacements a few at a time instead of all at once (which competes with the pages)."""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, open_page, wait_for_log

pytestmark = pytest.mark.browser

CLASS = 3
START_URL = "/voila/render/00_start_here.ipynb"
FILLED = "is filled with"
STARTED = "Kernel started:"


def fills(log: str) -> int:
    return log.count(FILLED)


def most_prepared_at_once(log: str) -> int:
    """After the first fill: the most pool kernels started and not yet ready at one time (each
    replacement logs "Kernel started" when it starts and "is filled with" when its notebook
    has run)."""
    after_first_fill = log.split(FILLED, 1)[1]
    preparing = most = 0
    for line in after_first_fill.splitlines()[1:]:
        if STARTED in line:
            preparing += 1
            most = max(most, preparing)
        elif FILLED in line:
            preparing -= 1
    return most


def open_start_page(url: str) -> str:
    with urllib.request.urlopen(url + START_URL, timeout=120) as response:  # noqa: S310 (our own http URL)
        return str(response.read().decode())


@pytest.fixture(params=[1, 0], ids=["one-at-a-time", "voila-all-at-once"])
def class_server(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[VoilaServer, int]]:
    """A server for a class of `CLASS`, and its `--refill-at-once`."""
    limit = int(request.param)
    app = VoilaServer(tmp_path, "--class-size", str(CLASS), "--refill-at-once", str(limit))
    yield app, limit
    app.stop()


def test_a_class_takes_the_pool_and_the_refill_respects_the_limit(
    class_server: tuple[VoilaServer, int], page: Page
) -> None:
    server, limit = class_server
    wait_for_log(server, FILLED, timeout=180)
    assert fills(server.log()) == 1
    with ThreadPoolExecutor(CLASS) as pool:
        pages = list(pool.map(open_start_page, [server.url] * CLASS))
    kernel_ids = set()
    for html in pages:
        found = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
        assert found, "a start page without a kernel id"
        kernel_ids.add(found[1])
    assert len(kernel_ids) == CLASS, "each learner of the class gets a kernel of its own"
    assert server.log().count("Using pre-heated kernel") == CLASS

    deadline = time.monotonic() + 240
    while fills(server.log()) < 1 + CLASS:
        assert time.monotonic() < deadline, f"pool not refilled:\n{server.log()}"
        time.sleep(0.5)
    most = most_prepared_at_once(server.log())
    if limit:
        assert most == limit, f"{most} pool kernels prepared at once, limit {limit}"
    else:  # Voila's way starts replacements as kernels are handed out: the measure sees it
        assert most > 1, "Voila's own refill should overlap here; is the log measure broken?"

    # a learner arriving after the refill gets a warm kernel and a working page
    open_page(page, server.url + START_URL, ".tl-identity input")
    page.locator(".tl-identity input").first.wait_for(timeout=FIRST_PAGE_TIMEOUT_MS)
    assert "Traceback" not in server.log()


def test_a_refill_waits_until_the_arriving_pages_have_connected(
    tmp_path: Path, new_page: Callable[[], Page]
) -> None:
    """Two learners take the two warm kernels at once: the pool's first replacement starts
    only after both pages have opened their websockets (`refill_wait`), not while their
    scripts are still loading."""
    server = VoilaServer(tmp_path, "--class-size", "2")
    try:
        wait_for_log(server, FILLED, timeout=180)
        mark = len(server.log())
        pages = [new_page() for _ in range(2)]
        for page in pages:
            page.goto(server.url + START_URL, wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS)
        for page in pages:
            page.wait_for_selector(".tl-identity input", timeout=FIRST_PAGE_TIMEOUT_MS)
        wait_for_log(server, STARTED, timeout=120, start=mark)  # the first replacement
        log = server.log()[mark:]
        assert log.count("got a warm kernel that was ready") == 2, log
        connected = [m.start() for m in re.finditer(r"Connecting to kernel ", log)]
        assert len(connected) >= 2, log
        assert max(connected[:2]) < log.index(STARTED), (
            f"a replacement started before the pages connected:\n{log}"
        )
        assert "Pool refill waited" in log[: log.index(STARTED)], log
    finally:
        server.stop()
