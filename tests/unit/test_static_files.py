"""twitchlearn.app.static_files: Voila's static handlers that look a path up once and keep
the bytes, on a real tornado server over real folders.

The server runs on an event loop of its own, in a thread of its own: a loop that an earlier
test left running in the main thread stops tornado's test case from running its own (CI,
2026-12-02), and the requests here are plain urllib ones, as from any client.
"""

from __future__ import annotations

import asyncio
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web

from twitchlearn.app.static_files import FoundFiles, KnownMultiStatic


@attrs.define
class Served:
    """`/static/` over two folders, as Voila's `/voila/static/` is, with a cache of its own."""

    first: Path
    second: Path
    found: FoundFiles
    port: int

    def get(self, path: str, **headers: str) -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/static/{path}", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (ours)
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[int], Served]]:
    stops: list[Callable[[], None]] = []

    def start(max_bytes: int = 1 << 20) -> Served:
        first, second = tmp_path / "first", tmp_path / "second"
        first.mkdir()
        second.mkdir()
        found = FoundFiles(max_bytes)

        class Handler(KnownMultiStatic):
            pass

        Handler.found = found
        app = tornado.web.Application(
            [(r"/static/(.*)", Handler, {"paths": [str(first), str(second)]})]
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        port = int(sockets[0].getsockname()[1])
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        up = threading.Event()

        async def run() -> None:
            server = tornado.httpserver.HTTPServer(app)
            server.add_sockets(sockets)
            up.set()
            await stop.wait()
            server.stop()

        thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
        thread.start()
        assert up.wait(30), "the test server did not start"

        def halt() -> None:
            loop.call_soon_threadsafe(stop.set)
            thread.join(30)
            loop.close()

        stops.append(halt)
        return Served(first, second, found, port)

    yield start
    for halt in stops:
        halt()


def test_a_file_is_served_the_same_again_and_changes_are_seen(
    serve: Callable[[int], Served],
) -> None:
    site = serve(1 << 20)
    file = site.second / "voila.js"
    file.write_bytes(b"one")
    assert site.get("voila.js") == (200, b"one")
    assert site.get("voila.js") == (200, b"one")  # looked up and read once
    assert site.found._held == 3
    file.write_bytes(b"changed")  # another size: read again
    assert site.get("voila.js") == (200, b"changed")
    os.utime(file, ns=(1, 1))
    file.write_bytes(b"CHANGED")  # the same size, another mtime
    assert site.get("voila.js") == (200, b"CHANGED")
    file.unlink()
    # gone: looked up again and not found (Voila's handler answers 403 for a file in none of
    # its folders, as it did before this cache)
    assert site.get("voila.js")[0] == 403
    (site.first / "voila.js").write_bytes(b"back")
    assert site.get("voila.js") == (200, b"back")


def test_a_symlink_out_of_the_folders_is_refused_every_time(
    serve: Callable[[int], Served], tmp_path: Path
) -> None:
    site = serve(1 << 20)
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"secret")
    (site.second / "link.js").symlink_to(outside)
    for _ in range(2):
        code, body = site.get("link.js")
        assert code == 403
        assert b"secret" not in body


def test_ranges_are_cut_from_the_kept_bytes(serve: Callable[[int], Served]) -> None:
    site = serve(1 << 20)
    (site.first / "big.js").write_bytes(b"0123456789")
    assert site.get("big.js") == (200, b"0123456789")
    assert site.get("big.js", Range="bytes=2-4") == (206, b"234")
    assert site.get("big.js", Range="bytes=-3") == (206, b"789")


def test_files_over_the_bound_are_served_but_not_kept(serve: Callable[[int], Served]) -> None:
    site = serve(5)
    (site.first / "a.js").write_bytes(b"1234")
    (site.first / "b.js").write_bytes(b"123456")
    for _ in range(2):
        assert site.get("a.js") == (200, b"1234")
        assert site.get("b.js") == (200, b"123456")
    assert site.found._held == 4
