"""A learner who sends "Check answer" by hand 2000 times stores no extra attempt (issue 15,
item 6): the kernel refuses to grade a locked question, whoever sends the click.

The click is the page's own: the test captures the widget message Chromium sends when the
learner presses the button, then replays it from a raw websocket client on the same kernel.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
import websocket  # websocket-client, installed with jupyter_server
from playwright.sync_api import Page, WebSocket, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, wrong_answer
from tests.support.servers import VoilaServer, open_page
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]
CLICKS = 2000


def _parts(frame: str | bytes) -> dict[str, Any] | None:
    """A kernel message sent by the page, in either websocket protocol (JSON text, or v1
    binary: a count, offsets, then channel, header, parent header, metadata, content)."""
    if isinstance(frame, str):
        message: dict[str, Any] = json.loads(frame)
        return message
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    offsets.append(len(frame))
    pieces = [frame[offsets[i] : offsets[i + 1]].decode() for i in range(min(count, 5))]
    if len(pieces) < 5:
        return None
    return {
        "channel": pieces[0],
        "header": json.loads(pieces[1]),
        "content": json.loads(pieces[4]),
    }


def _click_message(comm_id: str, data: dict[str, Any]) -> str:
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": "comm_msg",
                "session": uuid.uuid4().hex,
                "username": "flood",
                "date": datetime.now(UTC).isoformat(),
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": {"comm_id": comm_id, "data": data},
            "channel": "shell",
        }
    )


def test_2000_sent_clicks_store_no_more_attempts(server: VoilaServer, page: Page) -> None:
    learner = f"Flood {uuid.uuid4().hex[:6]}"
    sent: list[str | bytes] = []

    def watch(ws: WebSocket) -> None:
        if "/channels" in ws.url:
            ws.on("framesent", lambda payload: sent.append(payload))

    page.on("websocket", watch)
    url = f"{server.url}/voila/render/{lesson_page(FIRST)}?learner={quote(learner)}&class=F1"
    open_page(page, url, ".tl-quiz .tl-question")
    index, question = first_of_kind("true_false")
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, wrong_answer(question))
    sent.clear()
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")

    clicks = [
        m
        for m in map(_parts, sent)
        if m is not None
        and m["header"].get("msg_type") == "comm_msg"
        and m["content"].get("data", {}).get("content", {}).get("event") == "click"
    ]
    assert len(clicks) == 1, "the page's click message was not seen"
    comm_id = clicks[0]["content"]["comm_id"]
    data = clicks[0]["content"]["data"]

    kernel = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?session_id={uuid.uuid4()}",
        timeout=120,
    )
    try:
        for _ in range(CLICKS):
            ws.send(_click_message(comm_id, data))
        info = _click_message(comm_id, data).replace('"comm_msg"', '"kernel_info_request"')
        ws.send(info)  # answered after every click before it: the kernel has seen them all
        while json.loads(ws.recv())["header"]["msg_type"] != "kernel_info_reply":
            pass
    finally:
        ws.close()

    with sqlite3.connect(server.db) as db:
        (saved,) = db.execute(
            "SELECT count(*) FROM attempts WHERE learner = ? AND question_id = ?",
            (learner, question.id),
        ).fetchone()
    db.close()
    assert saved == 1, f"{saved} attempts stored for one real click and {CLICKS} sent ones"
