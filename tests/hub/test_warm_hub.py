"""Warm kernels behind JupyterHub (issue 12, deploy/jupyterhub/shared with
TWITCHLEARN_SERVICE_CLASS_SIZE=1 and TWITCHLEARN_SERVICE_WARM_PAGES=1).

A hub learner's page comes from a kernel that started before anyone asked for it (the
server's log says "Using pre-heated kernel" for that page), and that kernel still learns its
learner from the hub: answers are saved under the hub name and the hub group's class,
whatever `?learner=` or a user header the browser made up says, and the next learner's warm
kernel knows only the next learner. A warm kernel gets in to learn its page's request with
its own query key (twitchlearn.app.gate, rule 5), never with the proxy's key; a direct
connection to the server's loopback port is refused on that route without the kernel's
own key (the proxy's key alone, another kernel's key, both keys together), and a query key
opens no other route.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import time
from collections.abc import Callable

import psutil
import pytest
from playwright.sync_api import Page, expect

from tests.hub.conftest import LEARNERS, class_of
from tests.hub.harness import (
    FORGED,
    FORGED_HEADER,
    HEADER,
    HubServer,
    answer_a_question,
    log_in,
)
from twitchlearn import load_course
from twitchlearn.app.gate import QUERY_KEY_ENV, QUERY_KEY_HEADER, QUERY_REFUSED
from twitchlearn.app.server import PROXY_KEY_ENV, PROXY_KEY_HEADER
from twitchlearn.site import START_PAGE, lesson_page
from twitchlearn.storage.sqlite import SQLiteStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = load_course().lessons[0]
COURSE = "/services/twitchlearn/voila/render"
LESSON = lesson_page(FIRST)
POOL_SECONDS = 300  # a cold 2-core machine shared with other work fills a pool slowly


def _handed_out(hub: HubServer, notebook: str) -> list[str]:
    """The warm kernels Voila handed to pages of `notebook`, in order (its log lines)."""
    return re.findall(rf"Using pre-heated kernel: (\S+) for {re.escape(notebook)}", hub.log())


def _pool_ready(hub: HubServer, notebook: str) -> None:
    """Wait until `notebook`'s pool (one kernel) is full: filled once more than it handed out
    (the first fill, then a refill after each page that took its kernel)."""
    line = re.escape(f"Kernel pool of {notebook} is filled")
    deadline = time.monotonic() + POOL_SECONDS
    while True:
        log = hub.log()
        if len(re.findall(line, log)) > len(_handed_out(hub, notebook)):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"the pool of {notebook} was not refilled in {POOL_SECONDS} s:\n{log}")
        time.sleep(0.5)  # polling the log for a line, not waiting for time to pass


def _forging_page(new_page: Callable[[], Page]) -> Page:
    page = new_page()
    page.context.set_extra_http_headers({HEADER: FORGED_HEADER})
    return page


def test_warm_kernels_learn_each_hub_learner_and_only_theirs(
    warm_hub: HubServer, new_page: Callable[[], Page]
) -> None:
    hub = warm_hub
    first, second = LEARNERS[0], LEARNERS[2]  # alice in 7B, carol in 8C
    forged_lesson = f"{hub.url}{COURSE}/{LESSON}?learner={FORGED}&class=9Z"

    page = _forging_page(new_page)
    log_in(page, hub, first)  # the service starts now: its first page may be a cold one
    assert "Keeping 1 start-page kernels warm, and 1 for each other page" in hub.log()
    _pool_ready(hub, LESSON)
    before = len(_handed_out(hub, LESSON))
    answered = answer_a_question(page, forged_lesson)
    assert len(_handed_out(hub, LESSON)) == before + 1, hub.log()
    expect(page.locator(".tl-who")).to_have_text(
        f"Saving your answers as {first} in class {class_of(first)}."
    )

    # The next learner: the start page and the lesson from warm kernels again, which know
    # only this learner.
    _pool_ready(hub, START_PAGE)
    _pool_ready(hub, LESSON)
    starts = len(_handed_out(hub, START_PAGE))
    other = _forging_page(new_page)
    log_in(other, hub, second)
    assert len(_handed_out(hub, START_PAGE)) == starts + 1, hub.log()
    expect(other.locator(".tl-greeting")).to_have_text(
        f"You are signed in as {second}. Your answers are saved under this name."
    )
    assert answer_a_question(other, forged_lesson) == answered
    assert len(_handed_out(hub, LESSON)) == before + 2, hub.log()
    expect(other.locator(".tl-who")).to_have_text(
        f"Saving your answers as {second} in class {class_of(second)}."
    )

    with SQLiteStore(hub.db, read_only=True) as store:
        saved = store.attempts()
    assert sorted((a.learner, a.class_code, a.question_id) for a in saved) == [
        (first, class_of(first), answered),
        (second, class_of(second), answered),
    ]
    assert "got no request info" not in hub.log()  # every warm kernel learned its page


def _course_server(hub: HubServer) -> psutil.Process:
    """`twitchlearn serve --behind-hub`, as the hub's proxy started it."""
    for process in hub.service_processes():
        words = process.cmdline()
        if "serve" in words and "--behind-hub" in words:
            return process
    raise AssertionError("no course server runs")


def _kernels(server: psutil.Process) -> dict[str, dict[str, str]]:
    """The server's kernels: kernel id (from its connection file) -> its environment."""
    found = {}
    for process in server.children(recursive=True):
        named = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(process.cmdline()))
        if named is not None:
            found[named.group(1)] = process.environ()
    return found


def _upgrade(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """A websocket handshake straight to the server's loopback port: its status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "GET",
        path,
        headers={
            "Host": f"127.0.0.1:{port}",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
            **headers,
        },
    )
    response = connection.getresponse()
    body = "" if response.status == 101 else response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


def test_the_query_route_opens_only_with_the_kernels_own_key(
    warm_hub: HubServer, new_page: Callable[[], Page]
) -> None:
    hub = warm_hub
    page = _forging_page(new_page)
    log_in(page, hub, LEARNERS[1])
    _pool_ready(hub, LESSON)
    answer_a_question(page, f"{hub.url}{COURSE}/{LESSON}")  # kept open: its kernel lives
    server = _course_server(hub)
    port = int(next(w for w in server.cmdline() if w.startswith("--port=")).split("=", 1)[1])
    proxy_key = server.environ()[PROXY_KEY_ENV]  # what the proxy started it with
    kernels = _kernels(server)
    keys = {kernel: env[QUERY_KEY_ENV] for kernel, env in kernels.items() if QUERY_KEY_ENV in env}
    assert keys, "no kernel holds a query key: no warm kernels behind the hub"
    assert len(set(keys.values())) == len(keys)  # one key a kernel
    assert all(PROXY_KEY_ENV not in env for env in kernels.values())
    assert proxy_key not in keys.values()
    # The lesson's kernel, handed to the page above: its query route is done with, so it may
    # be opened here (a waiting warm kernel's route is not: it would take its page's message).
    mine = _handed_out(hub, LESSON)[-1]
    own = keys[mine]
    others = [key for kernel, key in keys.items() if kernel != mine]
    assert others, "no second warm kernel"
    query = f"/voila/query/{mine}"

    for headers in [
        {},
        {PROXY_KEY_HEADER: proxy_key},
        {PROXY_KEY_HEADER: proxy_key, QUERY_KEY_HEADER: own},  # as through the proxy
        {QUERY_KEY_HEADER: others[0]},
        {QUERY_KEY_HEADER: proxy_key},
        {QUERY_KEY_HEADER: own[:-1]},
    ]:
        assert _upgrade(port, query, headers) == (403, QUERY_REFUSED), headers
    assert _upgrade(port, query, {QUERY_KEY_HEADER: own})[0] == 101  # its own key opens it

    for path in [
        "/",
        f"/voila/render/{START_PAGE}",
        "/voila/static/voila.js",
        "/api/kernels",
        f"/api/kernels/{mine}",
        f"/api/kernels/{mine}/channels",
        f"/voila/execution/{mine}",
        f"/voila/query/../render/{START_PAGE}",
    ]:
        for headers in [
            {QUERY_KEY_HEADER: own},
            {QUERY_KEY_HEADER: own, PROXY_KEY_HEADER: proxy_key},
        ]:
            assert _upgrade(port, path, headers) == (403, QUERY_REFUSED), (path, headers)
    # the same route with the proxy's key alone is served: the query key was what refused it
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    plain.request("GET", "/voila/static/voila.js", headers={PROXY_KEY_HEADER: proxy_key})
    assert plain.getresponse().status == 200
    plain.close()
