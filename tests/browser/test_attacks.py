"""Attacks that held in the security review (issue 15), kept as tests against a real server.

- A path-traversal sweep: 998 requests, each a way of writing "../" under each of Voila's
  routes, aimed at files a stranger must never read (the system's password file, the
  server's environment, the progress database, the project's own files). None may be served,
  and none may make the server fail (a 500 is a crash inside the server, not a refusal).
- A kernel message sweep: a raw websocket client connected to a page's kernel sends every
  message type that is not a widget's comm message (execute_request and the rest). None may
  run code or answer; kernel_info (which Voila's page needs) still answers, so the channel
  was live while the others were ignored.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import websocket  # websocket-client, installed with jupyter_server

from tests.support.servers import ROOT, VoilaServer
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()

ROUTES = (
    "/",
    "/voila/",
    "/voila/render/",
    "/voila/files/",
    "/voila/static/",
    "/voila/templates/",
    "/voila/templates/lab/static/",
    "/voila/tree/",
    "/static/",
    "/files/",
    "/api/contents/",
)
DOT_DOTS = (
    "../",
    "..%2f",
    "%2e%2e/",
    "%2e%2e%2f",
    "..%5c",
    "%252e%252e%252f",
    "....//",
    "..;/",
    ".%2e/",
)
DEPTHS = (3, 8)
# (path from /, what its content shows when it leaks); the database is added per server.
TARGETS = (
    ("etc/passwd", "root:x:0:0"),
    ("proc/self/environ", "TWITCHLEARN_DB="),
    (str((ROOT / "pyproject.toml").relative_to("/")), "[project]"),
    (str((ROOT / "twitchlearn" / "content" / "course.yaml").relative_to("/")), "lessons:"),
)
DATABASE = "the progress database"
ABSOLUTE = (
    "/voila/files//etc/passwd",
    "/voila/render//etc/passwd",
    "/voila/static//etc/passwd",
    "/voila/templates//etc/passwd",
    "/files//etc/passwd",
    "/voila/files/%2fetc%2fpasswd",
    "/voila/render/%2fetc%2fpasswd",
    "/voila/templates/%2fetc%2fpasswd",
)
SWEEP = [
    (route + dots * depth, target)
    for route, dots, depth, target in itertools.product(
        ROUTES, DOT_DOTS, DEPTHS, [*(t for t, _ in TARGETS), DATABASE]
    )
] + [(path, "etc/passwd") for path in ABSOLUTE]
assert len(SWEEP) == 998


@pytest.fixture(scope="module")
def connection(server: VoilaServer) -> Iterator[http.client.HTTPConnection]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    yield conn
    conn.close()


@pytest.mark.parametrize(("prefix", "target"), SWEEP)
def test_no_traversal_reads_a_file(
    server: VoilaServer, connection: http.client.HTTPConnection, prefix: str, target: str
) -> None:
    if target == DATABASE:
        path, marker = str(server.db.relative_to("/")), "SQLite format 3"
    else:
        path, marker = target, dict(TARGETS).get(target, "root:x:0:0")
    request = prefix + path if not prefix.endswith(("passwd",)) else prefix
    connection.request("GET", request)  # sent as written: no client cleans up the dots
    response = connection.getresponse()
    body = response.read()
    assert response.status != 500, f"{request} crashed the server (500)"
    assert marker.encode() not in body, f"{request} served {target} ({response.status})"


def _message(msg_type: str, content: dict[str, Any], channel: str) -> str:
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "session": uuid.uuid4().hex,
                "username": "attacker",
                "date": datetime.now(UTC).isoformat(),
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": channel,
        }
    )


def _kernel_of_page(server: VoilaServer, url: str) -> str:
    """Open a page the way a browser would (it starts the page's kernel) and read its id."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=240)
    try:
        conn.request("GET", url)
        html = conn.getresponse().read().decode()
    finally:
        conn.close()
    found = re.search(r'"kernelId": "([0-9a-f-]{36})"', html)
    assert found, "no kernel id in the page"
    return found.group(1)


def test_only_comm_messages_reach_a_pages_kernel(server: VoilaServer, tmp_path: Path) -> None:
    learner = urllib.parse.quote(f"Sweep {uuid.uuid4().hex[:6]}")
    kernel = _kernel_of_page(
        server, f"/voila/render/{lesson_page(COURSE.lessons[0])}?learner={learner}&class=S1"
    )
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('code ran')"
    blocked = [
        ("execute_request", {"code": code, "silent": False, "store_history": True}, "shell"),
        ("inspect_request", {"code": "open", "cursor_pos": 4, "detail_level": 1}, "shell"),
        ("complete_request", {"code": "import o", "cursor_pos": 8}, "shell"),
        (
            "history_request",
            {"output": True, "raw": True, "hist_access_type": "tail", "n": 9},
            "shell",
        ),
        ("is_complete_request", {"code": code}, "shell"),
        ("execute_request", {"code": code, "silent": True}, "control"),
        ("debug_request", {"command": "initialize", "seq": 1, "type": "request"}, "control"),
        ("interrupt_request", {}, "control"),
        ("usage_request", {}, "control"),
        ("input_reply", {"value": code}, "stdin"),
        ("apply_request", {}, "shell"),
    ]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?session_id={uuid.uuid4()}",
        timeout=60,
    )
    try:
        for msg_type, content, channel in blocked:
            ws.send(_message(msg_type, content, channel))
        ws.send(_message("kernel_info_request", {}, "shell"))
        replies: list[str] = []
        while "kernel_info_reply" not in replies:
            reply = json.loads(ws.recv())
            replies.append(reply["header"]["msg_type"])
    finally:
        ws.close()
    answered = {t for t in replies if t.endswith("_reply")} - {"kernel_info_reply"}
    assert not answered, f"the kernel answered {sorted(answered)}"
    assert "execute_result" not in replies
    assert "execute_input" not in replies
    assert not marker.exists(), "code sent by a websocket client ran in the kernel"


def test_a_websocket_from_another_site_is_refused(server: VoilaServer) -> None:
    """A page on another site cannot open a kernel's websocket in a learner's browser (the
    browser sends that site's Origin); the course's own origin can."""
    learner = urllib.parse.quote(f"Origin {uuid.uuid4().hex[:6]}")
    kernel = _kernel_of_page(
        server, f"/voila/render/{lesson_page(COURSE.lessons[0])}?learner={learner}&class=S1"
    )
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?session_id={uuid.uuid4()}"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, timeout=60, origin="http://evil.example")
    assert refused.value.status_code == 403
    own = websocket.create_connection(url, timeout=60, origin=f"http://127.0.0.1:{server.port}")
    own.close()
