"""Shared fixtures: a small, valid content folder that tests may break on purpose, and the
one Playwright and headless Chromium of the whole run.

Playwright's sync API runs an event loop for as long as it is started: a second
`sync_playwright()` in the same process fails ("Playwright Sync API inside the asyncio
loop"). So there is one, here, for tests/browser, tests/hub and tests/static alike."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from ruamel.yaml import YAML

from tests.support.servers import CHROMIUM, CHROMIUM_ARGS
from twitchlearn.loading import CONTENT_DIR, read_content
from twitchlearn.models import Course

LESSON_01 = "lessons/01_what_is_twitching.yaml"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A copy of the shipped course with lesson 01 only and no explorer, cases or teacher
    guide (a test that breaks a file must not depend on the rest)."""
    folder = tmp_path / "content"
    (folder / "lessons").mkdir(parents=True)
    shutil.copy(CONTENT_DIR / "sources.yaml", folder / "sources.yaml")
    shutil.copy(CONTENT_DIR / LESSON_01, folder / LESSON_01)
    shutil.copytree(CONTENT_DIR / "figures", folder / "figures")  # the lesson's drawings
    yaml = YAML()
    course = yaml.load(CONTENT_DIR / "course.yaml")
    course["lessons"] = [LESSON_01]
    yaml.dump(course, folder / "course.yaml")
    return folder


@pytest.fixture
def small_course(content_dir: Path) -> Course:
    return read_content(content_dir).course


@pytest.fixture(autouse=True, scope="session")
def content_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Checked content folders are cached per user (twitchlearn.loading); the tests, and the
    servers and kernels they start, keep theirs in a folder of their own."""
    folder = tmp_path_factory.mktemp("content-cache")
    os.environ["TWITCHLEARN_CACHE"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
