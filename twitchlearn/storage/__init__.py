"""Where learners' progress is kept: one protocol, one module per backend.

    store = open_store()                      # TWITCHLEARN_DB, else the per-user SQLite file
    store = open_store("/srv/class.sqlite3")  # a SQLite file
    store = open_store("postgresql://teacher:PASSWORD@db.school/course")  # or postgres://
    store = open_store("memory:")             # nothing kept after the process

`open_store_or_memory()` never fails: when the store cannot be used it returns a
`MemoryStore` and the reason, so the lessons still work and say that answers are not kept.
Backends are imported only when chosen: `sqlite3` is not there in Pyodide, and psycopg (for
PostgreSQL, the `postgres` extra) only on a server that uses it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from twitchlearn.errors import StoreError
from twitchlearn.storage.base import DB_ENV, ProgressStore
from twitchlearn.storage.memory import MemoryStore

__all__ = [
    "DB_ENV",
    "MEMORY",
    "MemoryStore",
    "ProgressStore",
    "default_location",
    "open_store",
    "open_store_or_memory",
]

MEMORY: Final = "memory:"


def default_location(environ: Mapping[str, str] | None = None) -> str:
    """TWITCHLEARN_DB if set, else the per-user SQLite file (XDG_DATA_HOME or ~/.local/share)."""
    env = os.environ if environ is None else environ
    explicit = env.get(DB_ENV, "").strip()
    if explicit:
        return explicit
    data_home = env.get("XDG_DATA_HOME", "").strip()
    # The XDG spec says to ignore a relative XDG_DATA_HOME.
    base = Path(data_home) if data_home and Path(data_home).is_absolute() else None
    if base is None:
        base = Path.home() / ".local" / "share"
    return str(base / "twitchlearn" / "progress.sqlite3")


def open_store(
    location: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> ProgressStore:
    """The store at `location` (default: `default_location()`). Raises StoreError."""
    where = default_location() if location is None else os.fspath(location)
    if where == MEMORY:
        return MemoryStore()
    if where.startswith("browser:"):  # the static edition: a file on the browser's drive
        from twitchlearn.storage.browser import BrowserStore

        return BrowserStore(where.removeprefix("browser:"))
    if where.startswith(("postgres://", "postgresql://")):
        try:
            from twitchlearn.storage.postgres import PostgresStore
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("psycopg"):
                raise
            raise StoreError(
                "PostgreSQL support is not installed (the psycopg package is missing). "
                "Install it with: pip install 'twitchlearn[postgres]'; or set "
                f"{DB_ENV} (or --db) to the path of a SQLite file."
            ) from None
        return PostgresStore(where, read_only=read_only)
    from twitchlearn.storage.sqlite import SQLiteStore

    return SQLiteStore(where, read_only=read_only)


def open_store_or_memory(
    location: str | os.PathLike[str] | None = None,
) -> tuple[ProgressStore, str | None]:
    """The store at `location`, or a MemoryStore and why the real one cannot be used."""
    try:
        return open_store(location), None
    except StoreError as exc:
        return MemoryStore(), str(exc)
