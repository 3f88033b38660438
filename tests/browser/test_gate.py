"""The server's gate, on real servers: a class server wants its key (issue 13), every server
refuses a foreign Host header (issue 15, DNS rebinding), and the projector page's QR code is
the class link.

The class server listens on 127.0.0.2: in the loopback range, so the test needs no network,
but not 127.0.0.1, so it needs a key (the rule: only 127.0.0.1, ::1 and localhost are "this
machine, no key").
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import blocking_violations
from tests.support.learner import COURSE
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, only_to, open_page
from twitchlearn.site import START_PAGE

pytestmark = pytest.mark.browser

CLASS_HOST = "127.0.0.2"
KEY = "Class-Key_2026"
EVIL = "evil.example"
ASK = "Ask your teacher for the class link"


@pytest.fixture(scope="module")
def class_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    app = VoilaServer(
        tmp_path_factory.mktemp("class"),
        "--class-size",
        "0",
        host=CLASS_HOST,
        access_key=KEY,
    )
    yield app
    app.stop()


@pytest.fixture
def class_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route("**/*", only_to(CLASS_HOST))
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    page.close(run_before_unload=True)
    context.close()


def _get(host: str, port: int, path: str, host_header: str | None = None) -> tuple[int, str]:
    """One raw HTTP GET (no cookies, no redirects), read to the end."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        headers = {"Host": host_header} if host_header else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _websocket_status(url: str, host_header: str | None = None) -> int:
    """The status a websocket upgrade gets: 101 when it opened."""
    try:
        ws = websocket.create_connection(url, timeout=30, host=host_header)
    except websocket.WebSocketBadStatusException as exc:
        return int(exc.status_code)
    ws.close()
    return 101


def _kernel_id(html: str) -> str:
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
    assert found, "no kernelId in the page"
    return found.group(1)


def test_without_the_key_a_learner_is_sent_to_the_teacher(class_server: VoilaServer) -> None:
    server = class_server
    start = f"/voila/render/{START_PAGE}"
    for path in ("/", start, f"{start}?learner=ada&class=7B", "/voila/static/voila.js"):
        status, body = _get(CLASS_HOST, server.port, path)
        assert status == 403, (path, status)
        assert ASK in body, (path, body[:300])
    status, body = _get(CLASS_HOST, server.port, f"{start}?key=not-the-key")
    assert (status, ASK in body) == (403, True)
    # a kernel's websocket too (any id: the gate answers before Voila looks it up)
    channels = f"ws://{CLASS_HOST}:{server.port}/api/kernels/{'0' * 8}-0000-0000-0000-{'0' * 12}"
    assert _websocket_status(channels + "/channels") == 403
    assert "Kernel started" not in server.log(), "a request without the key started a kernel"


def test_the_class_link_opens_the_course_and_its_lessons(
    class_server: VoilaServer, class_page: Page
) -> None:
    server = class_server
    page = class_page
    link = f"{server.url}/{server.key_query}"
    assert f"Class link (give it to your learners): {link}" in server.log()
    open_page(page, link, ".tl-identity input")
    expect(page.locator(".tl-lessons a")).to_have_count(len(COURSE.lessons))
    cookie = next(c for c in page.context.cookies() if c["name"] == "twitchlearn_key")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    # A lesson from the start page's links: no key in its URL, the cookie lets it in.
    lesson = page.locator(".tl-lessons a").first
    href = lesson.get_attribute("href") or ""
    assert "key=" not in href, href
    with page.expect_navigation(wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS):
        lesson.click()
    page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Check answer").first).to_be_visible()
    assert ASK not in (page.text_content("body") or "")


def test_the_projector_page_shows_the_class_link_and_its_qr_code(
    class_server: VoilaServer, class_page: Page
) -> None:
    server = class_server
    page = class_page
    link = f"{server.url}/{server.key_query}"
    page.goto(f"{server.url}/projector")  # from this machine: no key needed
    expect(page.locator(".link")).to_have_text(link)
    expect(page.get_by_role("img", name="QR code of the class link")).to_be_visible()
    results = Axe().run(page)
    problems = blocking_violations(results.response)
    assert not problems, "\n".join(problems)
    # The QR code as Chromium draws it, decoded (this Chromium has no BarcodeDetector).
    drawn = page.evaluate(
        """async () => {
            const svg = document.querySelector('.qr svg');
            const text = new XMLSerializer().serializeToString(svg);
            const image = new Image();
            image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(
                text.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" '));
            await image.decode();
            const canvas = document.createElement('canvas');
            canvas.width = image.naturalWidth;
            canvas.height = image.naturalHeight;
            const context = canvas.getContext('2d');
            context.drawImage(image, 0, 0);
            const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
            const gray = [];
            for (let i = 0; i < rgba.length; i += 4) gray.push(rgba[i + 3] < 128 ? 255 : rgba[i]);
            return {width: canvas.width, height: canvas.height, gray};
        }"""
    )
    pixels = memoryview(bytes(drawn["gray"])).cast("B", (drawn["height"], drawn["width"]))
    codes = zxingcpp.read_barcodes(pixels)
    assert [code.text for code in codes] == [link]


def test_a_foreign_host_header_is_refused(server: VoilaServer, tmp_path: Path) -> None:
    """DNS rebinding: a page on evil.example, whose name now points at 127.0.0.1, reaches
    the server with `Host: evil.example`. Plain requests and websockets alike."""
    port = server.port
    for host in (f"{EVIL}:{port}", EVIL, f"127.0.0.1.{EVIL}:{port}", f"localhost:{port + 1}"):
        status, body = _get("127.0.0.1", port, "/voila/static/voila.js", host_header=host)
        assert status == 403, (host, status, body[:200])
        assert "<" not in body, "a plain-text refusal"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert _get("127.0.0.1", port, "/voila/static/voila.js", host_header=host)[0] == 200
    status, html = _get("127.0.0.1", port, f"/voila/render/{START_PAGE}")
    assert status == 200
    kernel = _kernel_id(html)
    channels = f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels"
    assert _websocket_status(channels, host_header=f"{EVIL}:{port}") == 403
    assert _websocket_status(channels) == 101
    status, _ = _get("127.0.0.1", port, f"/voila/api/shutdown/{kernel}", host_header=EVIL)
    assert status == 403


def test_the_class_server_refuses_a_foreign_host_even_with_the_key(
    class_server: VoilaServer,
) -> None:
    port = class_server.port
    path = f"/voila/static/voila.js{class_server.key_query}"
    assert _get(CLASS_HOST, port, path)[0] == 200
    assert _get(CLASS_HOST, port, path, host_header=f"{EVIL}:{port}")[0] == 403
    assert _get(CLASS_HOST, port, path, host_header=f"127.0.0.3:{port}")[0] == 403


def test_template_paths_outside_a_template_are_not_found(server: VoilaServer) -> None:
    """Voila answered these with a 500 (a failed split or assert in its handler)."""
    paths = [
        "/voila/templates/../../../../etc/passwd",
        "/voila/templates/lab/static/../../../../../etc/passwd",
        "/voila/templates/lab/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/voila/templates/..%2f..%2f..%2fetc%2fpasswd",
        "/voila/templates/lab",
        "/voila/templates/lab/static/",
        "/voila/templates/no-such-template/static/x.js",
        "/voila/templates/lab/other/x.js",
    ]
    statuses = {}
    for path in paths:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.putrequest("GET", path, skip_accept_encoding=True)  # the path as written
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        connection.close()
        statuses[path] = response.status
    assert set(statuses.values()) <= {403, 404}, json.dumps(statuses, indent=1)
    assert _get("127.0.0.1", server.port, "/voila/templates/lab/static/voila.js")[0] == 200
