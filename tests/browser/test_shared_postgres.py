"""A school's set-up: two app servers on two ports (two machines, in a school) share one
PostgreSQL store; a learner on each answers, and one export holds both (issue 13)."""

from __future__ import annotations

import csv
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.postgres import PostgresMissing, PostgresServer, running_postgres
from tests.support.servers import TWITCHLEARN, VoilaServer, open_page
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    try:
        with running_postgres() as server:
            yield server
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)


def test_two_servers_one_store_one_export(
    postgres: PostgresServer,
    tmp_path_factory: pytest.TempPathFactory,
    page: Page,
    tmp_path: Path,
) -> None:
    dsn = postgres.new_database()
    servers = [
        VoilaServer(tmp_path_factory.mktemp(f"school-{n}"), "--class-size", "0", db=dsn)
        for n in (1, 2)
    ]
    learners = [f"School {n} {uuid.uuid4().hex[:4]}" for n in (1, 2)]
    index, question = first_of_kind("true_false")
    try:
        for server, learner in zip(servers, learners, strict=True):
            url = f"{server.url}/voila/render/{lesson_page(FIRST)}"
            open_page(page, f"{url}?learner={quote(learner)}&class=S1", ".tl-quiz .tl-question")
            box = page.locator(".tl-question").nth(index)
            answer_with_keyboard(page, box, question, wrong_answer(question))
            press_button(page, box, "Check answer")
            expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
            expect(page.locator(".tl-who")).to_contain_text(f"Saving your answers as {learner}")
    finally:
        for server in servers:
            server.stop()
    out = tmp_path / "S1.csv"
    done = subprocess.run(
        [TWITCHLEARN, "export", "--db", dsn, "--class", "S1", "--gradebook", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert postgres.password not in done.stdout + done.stderr  # no password in any message
    with out.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert sorted(row["learner"] for row in rows) == sorted(learners)
