"""twitchlearn.app.static_files: Voila's static handlers that look a path up once and keep
the bytes, on a real tornado server over real folders (tornado.testing)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import tornado.web
from tornado.testing import AsyncHTTPTestCase

from twitchlearn.app.static_files import FoundFiles, KnownMultiStatic


class StaticFiles(AsyncHTTPTestCase):
    """`/static/` over two folders, as Voila's `/voila/static/` is, with a cache of its own."""

    max_bytes = 1 << 20

    def get_app(self) -> tornado.web.Application:
        base = Path(self.tmp.name)  # made in setUp, before tornado's setUp asks for the app
        self.first, self.second = base / "first", base / "second"
        self.first.mkdir()
        self.second.mkdir()
        found = FoundFiles(self.max_bytes)
        self.found = found

        class Handler(KnownMultiStatic):
            pass

        Handler.found = found
        paths = [str(self.first), str(self.second)]
        return tornado.web.Application([(r"/static/(.*)", Handler, {"paths": paths})])

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        self.tmp.cleanup()

    def get(self, path: str, **headers: Any) -> tuple[int, bytes]:
        response = self.fetch(f"/static/{path}", headers=headers or None)
        return response.code, response.body


class TestLookups(StaticFiles):
    def test_a_file_is_served_the_same_again_and_changes_are_seen(self) -> None:
        file = self.second / "voila.js"
        file.write_bytes(b"one")
        assert self.get("voila.js") == (200, b"one")
        assert self.get("voila.js") == (200, b"one")  # looked up and read once
        file.write_bytes(b"changed")  # another size: read again
        assert self.get("voila.js") == (200, b"changed")
        os.utime(file, ns=(1, 1))
        file.write_bytes(b"CHANGED")  # the same size, another mtime
        assert self.get("voila.js") == (200, b"CHANGED")
        file.unlink()
        # gone: looked up again and not found (Voila's handler answers 403 for a file in
        # none of its folders, as it did before this cache)
        assert self.get("voila.js")[0] == 403
        (self.first / "voila.js").write_bytes(b"back")
        assert self.get("voila.js") == (200, b"back")

    def test_a_symlink_out_of_the_folders_is_refused_every_time(self) -> None:
        outside = Path(self.tmp.name) / "secret.txt"
        outside.write_bytes(b"secret")
        (self.second / "link.js").symlink_to(outside)
        for _ in range(2):
            code, body = self.get("link.js")
            assert code == 403
            assert b"secret" not in body

    def test_ranges_are_cut_from_the_kept_bytes(self) -> None:
        (self.first / "big.js").write_bytes(b"0123456789")
        assert self.get("big.js") == (200, b"0123456789")
        assert self.get("big.js", Range="bytes=2-4") == (206, b"234")
        assert self.get("big.js", Range="bytes=-3") == (206, b"789")


class TestBound(StaticFiles):
    max_bytes = 5

    def test_files_over_the_bound_are_served_but_not_kept(self) -> None:
        (self.first / "a.js").write_bytes(b"1234")
        (self.first / "b.js").write_bytes(b"123456")
        for _ in range(2):
            assert self.get("a.js") == (200, b"1234")
            assert self.get("b.js") == (200, b"123456")
        assert self.found._held == 4
