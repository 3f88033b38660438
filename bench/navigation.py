"""Page to page: "Next" until the next lesson's first question answers, and what a page fetches.

Two measurements, both in headless Chromium (Playwright's async API) on a real server:

- `next_lesson`: a named learner (`?learner=`) has lesson 1 open and interactive; the clock
  starts when they click the header's "Next" link and stops when lesson 2's first question,
  answered (its first option chosen with the keyboard, "Check answer" pressed), shows its
  feedback. Between runs the bench waits until the server is idle again (the pools refilled),
  as a learner reading lesson 1 gives it time to.
- `page_bytes`: every response's bytes on the wire (Chrome's `encodedDataLength`, headers
  included, through the DevTools protocol) while a page loads until it is interactive, in a
  fresh browser context (empty cache) and then again in the same context (warm cache).
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

from playwright.async_api import Browser, Page

from bench import browser as b
from bench.server import BenchServer
from twitchlearn import load_course
from twitchlearn.site import lesson_page

COURSE = load_course()
LESSON_1 = lesson_page(COURSE.lessons[0])
LESSON_2 = lesson_page(COURSE.lessons[1])
FIRST_QUESTION = ".tl-quiz .tl-question"
FEEDBACK = ".tl-quiz .tl-question .tl-feedback"


async def lesson_interactive(page: Page) -> None:
    """The first question's first option can be chosen (its radio is enabled)."""
    await page.locator(f"{FIRST_QUESTION} input").first.wait_for(timeout=b.LOAD_TIMEOUT_MS)


async def answer_first_question(page: Page) -> None:
    """Choose the first question's first option with the keyboard, press "Check answer",
    and wait for the feedback (right or wrong)."""
    box = page.locator(FIRST_QUESTION).first
    option = box.locator("input").first
    await option.wait_for(timeout=b.LOAD_TIMEOUT_MS)
    await option.focus()
    await page.keyboard.press("Space")
    button = box.get_by_role("button", name="Check answer")
    await button.focus()
    await page.keyboard.press("Enter")
    await box.locator(".tl-feedback").first.wait_for(timeout=b.LOAD_TIMEOUT_MS)


async def next_lesson(browser: Browser, server: BenchServer, count: int) -> dict[str, Any]:
    """`count` runs of lesson 1 -> "Next" -> lesson 2's first question answered."""
    times: list[float] = []
    for run in range(count):
        server.wait_pool_settled()
        context = await b.new_context(browser)
        page = await context.new_page()
        await page.goto(
            f"{server.url}/voila/render/{LESSON_1}?learner=Nav{run}&class=bench",
            wait_until="commit",
            timeout=b.LOAD_TIMEOUT_MS,
        )
        await lesson_interactive(page)
        server.wait_pool_settled()  # lesson 1 took a warm kernel: let its pool refill
        began = time.perf_counter()
        await page.locator("a.tl-next:visible").first.click()
        await page.wait_for_url(f"**/{LESSON_2}*", timeout=b.LOAD_TIMEOUT_MS)
        await answer_first_question(page)
        times.append(time.perf_counter() - began)
        await b.close(page, context)
    return {"seconds": times, "median_s": statistics.median(times)}


async def _load_bytes(page: Page, url: str, ready: b.Interactive) -> dict[str, Any]:
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cached = 0
    elsewhere: list[str] = []

    def sent(event: dict[str, Any]) -> None:
        where = str(event.get("request", {}).get("url", ""))
        if not re.match(r"^(https?|wss?)://127\.0\.0\.1[:/]|^data:", where):
            elsewhere.append(where)

    def finished(event: dict[str, Any]) -> None:
        sizes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def served_from_cache(event: dict[str, Any]) -> None:
        nonlocal cached
        cached += 1

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestServedFromCache", served_from_cache)
    await page.goto(url, wait_until="commit", timeout=b.LOAD_TIMEOUT_MS)
    await ready(page)
    await page.wait_for_load_state("load")
    await cdp.detach()
    return {
        "bytes": sum(sizes.values()),
        "requests": len(sizes),
        "from_cache": cached,
        "not_local": elsewhere,
    }


async def page_bytes(
    browser: Browser, server: BenchServer, notebook: str, ready: b.Interactive
) -> dict[str, Any]:
    """Bytes on the wire for `notebook`: an empty cache, then a warm one (same context).

    The context has no Playwright route (a route turns Chromium's HTTP cache off, and every
    load then fetched everything again); requests to anywhere but 127.0.0.1 are listed in
    `not_local` instead of blocked (this machine reaches no other host anyway)."""
    context = await browser.new_context(viewport={"width": 1100, "height": 900})
    url = f"{server.url}/voila/render/{notebook}"
    page = await context.new_page()
    empty = await _load_bytes(page, url, ready)
    await page.close(run_before_unload=True)
    server.wait_pool_settled()
    page = await context.new_page()
    warm = await _load_bytes(page, url, ready)
    await b.close(page, context)
    return {"empty": empty, "warm": warm}
