"""The teacher's live class view on real servers (issue 13): it shows a learner's answer
without a reload, with the gradebook's points; without the teacher key it is a refusal with
no learner's data, on 127.0.0.1 too; on a class server the access key alone is not enough.
"""

from __future__ import annotations

import csv
import http.client
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import (
    COURSE,
    FIRST,
    answer_with_keyboard,
    first_of_kind,
    press_button,
    right_answer,
    wrong_answer,
)
from tests.support.servers import TWITCHLEARN, VoilaServer, open_page
from twitchlearn.scoring import grade
from twitchlearn.site import CLASS_VIEW_PAGE, lesson_page
from twitchlearn.storage.sqlite import SQLiteStore
from twitchlearn.teacher import question_label

pytestmark = pytest.mark.browser

TEACHER_KEY = "Teacher-Key_2026"
ACCESS_KEY = "Class-Key_2026"
CLASS_HOST = "127.0.0.2"
REFUSED = "This page is for the teacher"
ASK = "Ask your teacher for the class link"
VIEW = f"/voila/render/{CLASS_VIEW_PAGE}"


@pytest.fixture(scope="module")
def teacher_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    app = VoilaServer(
        tmp_path_factory.mktemp("teacher"), "--class-size", "0", "--teacher-key", TEACHER_KEY
    )
    yield app
    app.stop()


def _get(host: str, port: int, path: str, cookie: str | None = None) -> tuple[int, str]:
    """One raw HTTP GET, the path sent as written (no cookies unless given, no redirects)."""
    connection = http.client.HTTPConnection(host, port, timeout=240)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        if cookie:
            connection.putheader("Cookie", cookie)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _save(server: VoilaServer, learner: str, class_code: str) -> None:
    """A learner's wrong answer, saved in the server's own SQLite file."""
    question = FIRST.questions[0]
    answer = wrong_answer(question)
    with SQLiteStore(server.db) as store:
        store.record(learner, class_code, question.id, answer, grade(question, answer))


def test_the_class_view_shows_an_answer_as_it_arrives_without_a_reload(
    teacher_server: VoilaServer, new_page: Callable[[], Page], tmp_path: Path
) -> None:
    server = teacher_server
    code = f"CV{uuid.uuid4().hex[:4]}"
    learner = f"<b>Kim</b> {uuid.uuid4().hex[:4]}"
    assert f"Class view (for you only, do not show it): {server.url}{VIEW}?teacher=" in (
        server.log()
    )
    teacher = new_page()
    open_page(teacher, f"{server.url}{VIEW}?teacher={TEACHER_KEY}&class={code}", ".tl-classview")
    expect(teacher.locator(".tl-classview")).to_contain_text(
        f"No answers saved yet for class {code}"
    )
    teacher.evaluate("window.tlNotReloaded = true")

    pupil = new_page()
    url = f"{server.url}/voila/render/{lesson_page(FIRST)}?learner={quote(learner)}&class={code}"
    open_page(pupil, url, ".tl-quiz .tl-question")
    index, question = first_of_kind("true_false")
    box = pupil.locator(".tl-question").nth(index)
    answer_with_keyboard(pupil, box, question, wrong_answer(question))
    press_button(pupil, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")

    working = teacher.locator(".tl-working tbody tr")
    expect(working).to_have_count(1, timeout=60_000)
    expect(working.first.locator("td").first).to_have_text(learner)  # as text, not HTML
    label = question_label(COURSE, question.id)
    expect(working.first).to_contain_text(label)
    progress = teacher.locator(".tl-progress-table tbody tr")
    expect(progress).to_have_count(1)
    expect(progress.first.locator("td").nth(1)).to_have_text(
        f"0 points, 1 of {len(FIRST.questions)} done"
    )
    expect(teacher.locator(".tl-hardest")).to_contain_text(label)
    expect(teacher.locator(".tl-wrong-answers")).to_contain_text(label)
    assert teacher.locator(".tl-classview b").count() == 0

    # A second answer, right this time: the view follows, and its total is the gradebook's.
    index2, question2 = first_of_kind("single_choice")
    box2 = pupil.locator(".tl-question").nth(index2)
    answer_with_keyboard(pupil, box2, question2, right_answer(question2))
    press_button(pupil, box2, "Check answer")
    expect(progress.first.locator("td").nth(1)).to_have_text(
        f"1 point, 2 of {len(FIRST.questions)} done", timeout=60_000
    )
    total = progress.first.locator("td").last
    out = tmp_path / "gradebook.csv"
    export = [TWITCHLEARN, "export", "--db", str(server.db), "--class", code, "--gradebook"]
    subprocess.run([*export, "--out", str(out)], check=True, capture_output=True)
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    header, row = rows[0], rows[1]
    points = next(i for i, h in enumerate(header) if h.startswith("Total points"))
    assert row[0] == learner
    expect(total).to_have_text(row[points])
    assert teacher.evaluate("window.tlNotReloaded") is True, "the class view was reloaded"


def test_without_the_teacher_key_the_class_view_is_refused_on_127_0_0_1(
    teacher_server: VoilaServer, new_page: Callable[[], Page]
) -> None:
    server = teacher_server
    secret = f"Secret Sam {uuid.uuid4().hex[:4]}"
    _save(server, secret, "R1")
    encoded = "".join(f"%{ord(c):02X}" for c in "class_view")
    for path in (
        VIEW,
        f"{VIEW}?class=R1",
        f"{VIEW}?teacher=not-the-key",
        f"{VIEW}?teacher={TEACHER_KEY.lower()}",
        f"{VIEW}?key={TEACHER_KEY}",
        f"/voila/render/{encoded}.ipynb",
        f"/voila/render/{quote(encoded)}.ipynb",
        f"/voila/render/./{CLASS_VIEW_PAGE}",
    ):
        status, body = _get("127.0.0.1", server.port, path)
        assert status == 403, (path, status)
        assert REFUSED in body, (path, body[:300])
        assert secret not in body
    # A learner's browser, as a learner would try it
    page = new_page()
    page.goto(f"{server.url}{VIEW}?class=R1")
    expect(page.get_by_role("heading", name=REFUSED)).to_be_visible()
    assert secret not in (page.text_content("body") or "")
    # Voila's own listings do not name it
    for listing in ("/voila/tree", "/voila/api/contents/"):
        status, body = _get("127.0.0.1", server.port, listing)
        assert status == 200, listing
        assert "class_view" not in body, listing
    # The learners' pages do not link to it
    open_page(page, f"{server.url}/", ".tl-lessons a")
    assert CLASS_VIEW_PAGE not in page.content()


@pytest.fixture(scope="module")
def class_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    app = VoilaServer(
        tmp_path_factory.mktemp("class-teacher"),
        "--class-size",
        "0",
        "--teacher-key",
        TEACHER_KEY,
        host=CLASS_HOST,
        access_key=ACCESS_KEY,
    )
    yield app
    app.stop()


def test_on_a_class_server_the_access_key_alone_is_not_enough(class_server: VoilaServer) -> None:
    server = class_server
    secret = f"Secret Sue {uuid.uuid4().hex[:4]}"
    _save(server, secret, "K1")
    port = server.port
    link = f"http://{CLASS_HOST}:{port}{VIEW}?key={ACCESS_KEY}&teacher={TEACHER_KEY}"
    assert f"Class view (for you only, do not show it): {link}" in server.log()
    refused = {
        f"{VIEW}?key={ACCESS_KEY}": REFUSED,
        f"{VIEW}?key={ACCESS_KEY}&class=K1": REFUSED,
        f"{VIEW}?teacher={TEACHER_KEY}": ASK,  # the teacher key alone: not the class's key
    }
    for path, says in refused.items():
        status, body = _get(CLASS_HOST, port, path)
        assert (status, says in body, secret in body) == (403, True, False), (path, body[:300])
    # the learners' cookie is not the teacher's key either
    status, body = _get(CLASS_HOST, port, VIEW, cookie=f"twitchlearn_key={ACCESS_KEY}")
    assert (status, REFUSED in body, secret in body) == (403, True, False)
    # the projector page never shows the teacher key
    status, body = _get(CLASS_HOST, port, f"/projector?key={ACCESS_KEY}")
    assert status == 200
    assert ACCESS_KEY in body
    assert TEACHER_KEY not in body
    # both keys: the class view
    status, body = _get(CLASS_HOST, port, f"{VIEW}?key={ACCESS_KEY}&teacher={TEACHER_KEY}")
    assert status == 200, body[:300]
    assert "Class view" in body
