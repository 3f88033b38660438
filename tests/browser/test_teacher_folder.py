"""A teacher's own course folder: `twitchlearn serve --content DIR` serves that course only.

The folder has two lessons, its own title and no explorer. The served pages are written from
it when the server starts, so the start page lists two lessons, the second lesson is the
last, and no page of the shipped course (a third lesson, the explorer) is there.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from ruamel.yaml import YAML

from tests.support.learner import answer_with_keyboard, press_button, right_answer
from tests.support.servers import VoilaServer, open_page
from twitchlearn.loading import CONTENT_DIR, read_content
from twitchlearn.site import EXPLORER_PAGE, lesson_page

pytestmark = pytest.mark.browser

TITLE = "Twitches: our class's own short course"
LESSONS = ["lessons/01_what_is_twitching.yaml", "lessons/03_symptoms.yaml"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("teacher") / "course"
    (root / "lessons").mkdir(parents=True)
    shutil.copy(CONTENT_DIR / "sources.yaml", root / "sources.yaml")
    for relative in LESSONS:
        shutil.copy(CONTENT_DIR / relative, root / relative)
    shutil.copytree(CONTENT_DIR / "figures", root / "figures")  # the lessons' drawings
    yaml = YAML()
    course = yaml.load(CONTENT_DIR / "course.yaml")
    course["title"] = TITLE
    course["lessons"] = LESSONS
    yaml.dump(course, root / "course.yaml")
    return root


@pytest.fixture(scope="module")
def teacher_server(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    app = VoilaServer(
        tmp_path_factory.mktemp("teacher-voila"), "--content", str(folder), "--class-size", "0"
    )
    yield app
    app.stop()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (our own http URL)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_teacher_folder_is_served_and_walked(
    teacher_server: VoilaServer, folder: Path, page: Page
) -> None:
    content = read_content(folder)
    first, second = content.course.lessons
    open_page(page, teacher_server.url + "/", ".tl-lessons")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    links = page.locator(".tl-lessons a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_text(f"Lesson {first.number}: {first.title}")
    expect(links.nth(1)).to_have_text(f"Lesson {second.number}: {second.title}")
    expect(page.locator(".tl-explorer-link")).to_have_count(0)  # no risk_model.yaml

    links.nth(0).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Lesson {first.number}: {first.title}", timeout=120_000
    )
    question = first.questions[0]
    box = page.locator(".tl-question").first
    answer_with_keyboard(page, box, question, right_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-verdict")).to_have_text("Correct.")

    next_link = page.locator("nav a.tl-next")
    expect(next_link).to_have_attribute("href", lesson_page(second))
    next_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Lesson {second.number}: {second.title}", timeout=120_000
    )
    page.wait_for_selector(".tl-what-next")
    expect(page.locator("nav a.tl-next")).to_have_count(0)  # the folder's last lesson
    what_next = page.locator(".tl-what-next")
    expect(what_next).to_contain_text("You have reached the end of the lessons.")
    expect(what_next.get_by_role("link", name="the twitch explorer")).to_have_count(0)


def test_pages_of_the_shipped_course_are_not_there(teacher_server: VoilaServer) -> None:
    shipped = read_content(CONTENT_DIR).course.lessons
    missing = [lesson_page(shipped[1]), EXPLORER_PAGE]  # lesson 2 was left out of the folder
    for name in missing:
        assert status_of(f"{teacher_server.url}/voila/render/{name}") == 404, name
