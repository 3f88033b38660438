"""Fixtures of the browser tests: one real Voila server, and pages of the one headless
Chromium (tests/conftest.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from tests.support.servers import VoilaServer, local_only


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    app = VoilaServer(tmp_path_factory.mktemp("voila"), "--class-size", "1", "--warm-pages", "1")
    yield app
    app.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    page.close(run_before_unload=True)
    context.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Make pages, each in its own context (a learner of its own); all closed at the end."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        context.route("**/*", local_only)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield make
    for context in contexts:
        for open_one in context.pages:
            with contextlib.suppress(PlaywrightError):  # a test may have closed it already
                open_one.close(run_before_unload=True)
        context.close()
