"""The static edition after the browser is closed and opened again on the same profile (a
real Chromium profile folder, `launch_persistent_context`): the answers are still there (the
drive is IndexedDB, kept on disk), and the site's files come from the service worker's cache
(Cache Storage, kept on disk too), never the learner's answers.

Two Chromium processes of their own, one after the other, started by the run's one Playwright.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.static.conftest import StaticSite
from tests.static.test_site import FIRST_PAGE_MS, open_page
from tests.support.learner import (
    FIRST,
    answer_with_keyboard,
    first_of_kind,
    press_button,
    right_answer,
)
from tests.support.servers import CHROMIUM, CHROMIUM_ARGS
from twitchlearn.site import lesson_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KEPT = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""


def launch(playwright: Playwright, profile: Path, site: StaticSite) -> tuple[BrowserContext, Page]:
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport={"width": 1100, "height": 900},
    )
    context.route("**/*", site.route)
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(90_000)
    return context, page


def test_answers_survive_closing_the_browser(
    playwright_instance: Playwright, site: StaticSite, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    index, q = first_of_kind("single_choice")
    total = len(FIRST.questions)

    context, page = launch(playwright_instance, profile, site)
    try:
        open_page(page, site, lesson_page(FIRST), ".tl-quiz .tl-question")
        box = page.locator(".tl-question").nth(index)
        answer_with_keyboard(page, box, q, right_answer(q))
        press_button(page, box, "Check answer")
        expect(box.locator(".tl-feedback")).to_contain_text("Correct.", timeout=FIRST_PAGE_MS)
        expect(page.locator(".tl-progress-text").first).to_contain_text(f"1 of {total} answered")
    finally:
        context.close()  # the whole browser: its process ends

    context, page = launch(playwright_instance, profile, site)
    try:
        open_page(page, site, lesson_page(FIRST), ".tl-quiz .tl-question")
        expect(page.locator(".tl-progress-text").first).to_contain_text(
            f"1 of {total} answered", timeout=FIRST_PAGE_MS
        )
        box = page.locator(".tl-question").nth(index)
        expect(box.locator(".tl-feedback")).to_contain_text("Correct.")
        # the second start came from the worker's cache: Pyodide, the course's wheel
        assert page.evaluate("() => navigator.serviceWorker.controller !== null")
        kept: list[str] = page.evaluate(KEPT)
        names = {url.split("?")[0].rsplit("/", 1)[-1] for url in kept}
        assert "pyodide.asm.wasm" in names, sorted(names)
        assert any(n.startswith("twitchlearn-") and n.endswith(".whl") for n in names), names
        assert not [url for url in kept if "/api/" in url]
    finally:
        context.close()
    assert site.outside == []
