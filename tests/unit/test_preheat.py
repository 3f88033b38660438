"""`twitchlearn.preheat`: a warm kernel waits for its page's request on a real websocket.

The server side here is a real tornado websocket server on a free port of 127.0.0.1, in a
thread, sending what Voila's `RequestInfoSocketHandler` sends (one JSON text message); the
warm kernels' side is run as `kernel_session` runs it, with the environment it changes.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest
import tornado.web
import tornado.websocket
from hypothesis import given
from hypothesis import strategies as st

from tests.support.servers import free_port
from twitchlearn.preheat import (
    PREHEAT_ENV,
    QUERY_KEY_ENV,
    QUERY_KEY_HEADER,
    query_url,
    request_environment,
)

WARM = {PREHEAT_ENV: "True", "VOILA_KERNEL_ID": "k-1", "VOILA_APP_PORT": "8866"}


def test_the_url_is_voilas_query_socket_for_this_kernel() -> None:
    assert query_url(dict(WARM)) == "ws://127.0.0.1:8866/voila/query/k-1"
    assert (
        query_url({**WARM, "VOILA_APP_IP": "127.0.0.2", "VOILA_SERVER_URL": "/services/c/"})
        == "ws://127.0.0.2:8866/services/c/voila/query/k-1"
    )
    assert query_url({**WARM, "VOILA_APP_IP": "::1"}) == "ws://[::1]:8866/voila/query/k-1"


@given(st.dictionaries(st.sampled_from(sorted(WARM)), st.text(max_size=8)))
def test_only_a_warm_voila_kernel_waits(environ: dict[str, str]) -> None:
    url = query_url(dict(environ))
    warm = (
        environ.get(PREHEAT_ENV) == "True"
        and bool(environ.get("VOILA_KERNEL_ID"))
        and bool(environ.get("VOILA_APP_PORT"))
    )
    assert (url is not None) == warm
    if not warm:
        assert request_environment(dict(environ)) is False  # returns at once


class _Voila:
    """What Voila's query websocket does: send one request's info to the kernel that asks."""

    def __init__(self, payload: object) -> None:
        self.port = free_port()
        self.asked: list[str] = []
        self.keys: list[str | None] = []  # the query key header of each connection
        self.urls: list[str] = []
        self.payload = payload
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        assert self._ready.wait(30)

    def _serve(self) -> None:
        voila = self

        class Query(tornado.websocket.WebSocketHandler):
            def open(self, kernel_id: str) -> None:
                voila.asked.append(kernel_id)
                voila.keys.append(self.request.headers.get(QUERY_KEY_HEADER))
                voila.urls.append(self.request.uri or "")
                self.write_message(json.dumps(voila.payload))

        async def main() -> None:
            app = tornado.web.Application([(r"/voila/query/(.*)", Query)])
            server = app.listen(self.port, address="127.0.0.1")
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            await self._stop.wait()
            server.stop()

        asyncio.run(main())

    def close(self) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@pytest.fixture
def voila() -> Iterator[_Voila]:
    server = _Voila({"QUERY_STRING": "learner=Jess&class=7B", "HTTP_COOKIE": "a=b"})
    yield server
    server.close()


def test_a_warm_kernel_takes_its_pages_request(voila: _Voila) -> None:
    environ = {**WARM, "VOILA_APP_PORT": str(voila.port)}
    assert request_environment(environ) is True
    assert voila.asked == ["k-1"]
    assert environ["QUERY_STRING"] == "learner=Jess&class=7B"
    assert environ["HTTP_COOKIE"] == "a=b"
    assert environ[PREHEAT_ENV] == "False"  # once: a second page session does not wait
    assert request_environment(environ) is False
    assert voila.asked == ["k-1"]


def test_only_text_values_reach_the_environment() -> None:
    server = _Voila({"QUERY_STRING": "learner=Al", "BAD": 3, "ALSO": None})
    try:
        environ = {**WARM, "VOILA_APP_PORT": str(server.port)}
        assert request_environment(environ) is True
        assert environ["QUERY_STRING"] == "learner=Al"
        assert "BAD" not in environ
        assert "ALSO" not in environ
    finally:
        server.close()


def test_no_server_leaves_the_kernel_anonymous(caplog: pytest.LogCaptureFixture) -> None:
    environ = {**WARM, "VOILA_APP_PORT": str(free_port())}  # nothing listens there
    assert request_environment(environ) is False
    assert "QUERY_STRING" not in environ
    assert environ[PREHEAT_ENV] == "False"
    assert "got no request info" in caplog.text


def test_the_kernels_query_key_goes_in_a_header_once_and_leaves_the_environment(
    voila: _Voila,
) -> None:
    environ = {**WARM, "VOILA_APP_PORT": str(voila.port), QUERY_KEY_ENV: "this-kernels-key"}
    assert request_environment(environ) is True
    assert voila.keys == ["this-kernels-key"]
    assert all("this-kernels-key" not in url for url in voila.urls)  # not in the URL, nor logs
    assert QUERY_KEY_ENV not in environ  # nothing the kernel runs later finds it
    assert environ["QUERY_STRING"] == "learner=Jess&class=7B"
