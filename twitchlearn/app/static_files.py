"""Voila's static files (its scripts, the lab extensions, the template's files), served with
less work for each request.

A page's scripts and styles are about 95 requests (5 MB) on an empty cache, and for a class
arriving at once they are served by the server's one thread, in series with the pages and
the kernel messages. Profiled (docs/performance.md, 2026-12-02), each request spent most of
its time finding the same file again: `MultiStaticFileHandler` tries each static folder with
`os.path.exists`, Voila's template handler gathers the template's folders (reading each
template's conf.json) twice a request, and tornado resolves symlinks with `realpath`. Then it
read the file from disk in 64 KB pieces.

Here, a handler remembers where it found each path (the same installed files every time) and
the bytes of files it has served, up to `MAX_BYTES` in all. Nothing is trusted blindly:
- every request still stats the file: one that has gone is looked up again (a 404 as before),
  and one that changed (its size or mtime) is read again;
- only lookups that passed tornado's checks (inside the root, symlinks inside an allowed
  folder, a regular file) are remembered, so a path is never served that was refused once.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Generator
from typing import Any, ClassVar

import tornado.web
from jupyter_server.base.handlers import FileFindHandler
from voila.paths import collect_static_paths
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

__all__ = ["MAX_BYTES", "FoundFiles", "KnownFileFind", "KnownMultiStatic", "KnownTemplateFiles"]

# a lesson page fetches about 5 MB on an empty cache, the explorer 9.8 MB, mostly the same files
MAX_BYTES = 64 * 1024 * 1024
MAX_FILE_BYTES = 8 * 1024 * 1024  # a larger file is read from disk each time, as before


class FoundFiles:
    """Where each (handler, path) was found, and the bytes of files read, shared by the
    handlers of one process (tornado serves from one thread; the lock is for safety)."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._where: dict[tuple[Any, ...], tuple[str, str]] = {}
        self._bytes: dict[str, tuple[int, int, bytes]] = {}  # path -> (mtime_ns, size, data)
        self._held = 0

    def where(self, key: tuple[Any, ...]) -> tuple[str, str] | None:
        """(root, resolved path) of an earlier lookup, if the file is still a file there."""
        with self._lock:
            found = self._where.get(key)
        if found is not None and not os.path.isfile(found[1]):
            with self._lock:
                self._where.pop(key, None)
            return None
        return found

    def remember(self, key: tuple[Any, ...], root: str, resolved: str) -> None:
        with self._lock:
            self._where[key] = (root, resolved)

    def content(self, path: str) -> bytes | None:
        """The file's bytes: kept ones if its size and mtime are unchanged, else read now
        (and kept, while there is room). None for a file too large to keep."""
        st = os.stat(path)
        with self._lock:
            kept = self._bytes.get(path)
        if kept is not None and kept[0] == st.st_mtime_ns and kept[1] == st.st_size:
            return kept[2]
        if st.st_size > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as file:
            data = file.read()
        with self._lock:
            old = self._bytes.pop(path, None)
            self._held -= len(old[2]) if old else 0
            if self._held + len(data) <= self.max_bytes:
                self._bytes[path] = (st.st_mtime_ns, st.st_size, data)
                self._held += len(data)
        return data


FOUND = FoundFiles()


class _Known(tornado.web.StaticFileHandler):
    """The lookup of `get` (`get_absolute_path`, then `validate_absolute_path`) done once a
    path, and the file's bytes from `FOUND`."""

    found: ClassVar[FoundFiles] = FOUND
    _lookup: tuple[Any, ...] = ()
    _hit: tuple[str, str] | None = None

    def get_absolute_path(self, root: str, path: str) -> str:  # type: ignore[override]
        roots = getattr(self, "roots", None)  # the handlers with several folders
        self._lookup = (type(self).__name__, root, tuple(roots) if roots else (), path)
        self._hit = self.found.where(self._lookup)
        if self._hit is not None:
            self.root = self._hit[0]
            return self._hit[1]
        return str(super().get_absolute_path(root, path))  # (a classmethod in tornado)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        if self._hit is not None:
            return self._hit[1]
        resolved: str | None = super().validate_absolute_path(root, absolute_path)
        if resolved is not None and self._lookup and os.path.isfile(resolved):
            self.found.remember(self._lookup, self.root, resolved)
        return resolved

    @classmethod
    def get_content(
        cls, abspath: str, start: int | None = None, end: int | None = None
    ) -> Generator[bytes, None, None]:
        data = cls.found.content(abspath)
        if data is None:
            yield from super().get_content(abspath, start, end)
            return
        yield data[start or 0 : end if end is not None else len(data)]


class KnownMultiStatic(_Known, MultiStaticFileHandler):  # type: ignore[misc]
    """`/voila/static/`: Voila's scripts (75 of the start page's requests)."""


class KnownFileFind(_Known, FileFindHandler):  # type: ignore[misc]
    """`/voila/labextensions/`: the widgets', plotly's and Voila's lab extensions."""


@functools.cache
def _template_folders(template: str) -> tuple[str, ...]:
    """A template's static folders, its parents' included (Voila reads each conf.json)."""
    return tuple(collect_static_paths(["voila", "nbconvert"], template))


class KnownTemplateFiles(_Known, TemplateStaticFileHandler):  # type: ignore[misc]
    """`/voila/templates/<template>/static/`: the template's styles and scripts. The caller
    has checked that the path is `<template>/static/<file>`."""

    def parse_url_path(self, url_path: str) -> str:
        # Voila's, with the template's folders found once
        self.roots = list(_template_folders(url_path.split("/", 1)[0]))
        return str(tornado.web.StaticFileHandler.parse_url_path(self, url_path))
