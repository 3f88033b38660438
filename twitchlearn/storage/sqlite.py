"""The SQLite backend of the progress store: every attempt at every question, in one file.

The embedded default (`twitchlearn.storage.open_store` picks it for a file path). Several
Voila kernels (separate processes) write to the same file at once: the database runs in WAL
mode, each write is one `BEGIN IMMEDIATE` transaction, and a busy timeout makes a writer wait
for another instead of failing. The schema is versioned with PRAGMA user_version;
`MIGRATIONS` is the ordered list of steps from an empty file to the current version.

Anything that goes wrong with the file (damaged, not a database, read-only, folder missing,
locked for too long, disk full) raises `StoreError` with the path and what to do.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from twitchlearn.attempts import Attempt, format_time, parse_time
from twitchlearn.errors import StoreError
from twitchlearn.review import ReviewState, next_state
from twitchlearn.scoring import Grade
from twitchlearn.storage.base import DB_ENV, new_attempt

__all__ = ["DB_ENV", "MIGRATIONS", "SCHEMA_VERSION", "SQLiteStore"]


# Step i takes the schema from version i to version i + 1. Append; never edit a released step.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """
        CREATE TABLE attempts (
            id          INTEGER PRIMARY KEY,
            learner     TEXT NOT NULL,
            class_code  TEXT NOT NULL,
            question_id TEXT NOT NULL,
            answer      TEXT NOT NULL,           -- JSON, see encode_answer
            score       REAL NOT NULL,
            max_score   REAL NOT NULL,
            correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
            answered_at TEXT NOT NULL            -- UTC, format_time()
        )
        """,
        "CREATE INDEX attempts_by_class ON attempts (class_code, learner, question_id, score)",
    ),
    (
        """
        CREATE TABLE reviews (
            learner     TEXT NOT NULL,
            class_code  TEXT NOT NULL,
            question_id TEXT NOT NULL,
            box         INTEGER NOT NULL CHECK (box BETWEEN 1 AND 5),
            due_at      TEXT NOT NULL,           -- UTC, format_time()
            PRIMARY KEY (learner, class_code, question_id)
        ) WITHOUT ROWID
        """,
    ),
    (
        # The version (models.question_version) of the question an attempt answered; ''
        # for attempts saved before versions were kept.
        "ALTER TABLE attempts ADD COLUMN question_version TEXT NOT NULL DEFAULT ''",
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)

_MEMORY = ":memory:"

# --- the store ---------------------------------------------------------------------------

_FIX = f"Set {DB_ENV} (or --db) to the path of a file in a folder you can write to"
_FIX_LOWER = _FIX[0].lower() + _FIX[1:]


def _problem(path: str, exc: BaseException, doing: str) -> StoreError:
    """A StoreError saying what happened to the file at `path`, and what to do."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    detail = str(exc)
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        message = (
            f"The progress database {path} is damaged or is not a twitchlearn database "
            f"({detail}). Progress cannot be saved. Move the file aside (keep it; it may be "
            f"recoverable with the sqlite3 .recover command) and twitchlearn will start a new "
            f"one there, or {_FIX_LOWER}."
        )
    elif code.startswith("SQLITE_READONLY"):
        message = (
            f"The progress database {path} is read-only ({detail}), so progress cannot be "
            f"saved. Make the file and its folder writable, or {_FIX_LOWER}."
        )
    elif code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        message = (
            f"The progress database {path} stayed locked by another process for too long "
            f"({detail}) while {doing}. Try again; if it keeps happening, check that no "
            f"program holds the file open, or {_FIX_LOWER}."
        )
    elif code.startswith("SQLITE_FULL"):
        message = (
            f"The disk holding the progress database {path} is full ({detail}). "
            f"Free some space, or {_FIX_LOWER} on another disk."
        )
    elif code.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM", "SQLITE_AUTH")):
        message = (
            f"The progress database {path} cannot be opened or written ({detail}). "
            f"Check that its folder exists and is writable, or {_FIX_LOWER}."
        )
    else:
        message = (
            f"The progress database {path} failed while {doing} ({detail}). "
            f"{_FIX} to use a different file."
        )
    return StoreError(message)


class SQLiteStore:
    """Attempts and review schedules in one SQLite file. Use as a context manager or close().

    `read_only=True` opens an existing file without ever writing to it (writes raise
    StoreError). `timeout` is how long, in seconds, a write waits for other writers.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, read_only: bool = False, timeout: float = 10.0
    ) -> None:
        self.read_only = read_only
        self._closed = False
        self._lock = threading.Lock()
        raw = os.fspath(path)
        self.persistent = raw != _MEMORY
        self.path = Path(raw).expanduser().absolute() if self.persistent else None
        where = str(self.path) if self.path is not None else _MEMORY
        self._where = where
        if self.path is not None and not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                blocker = next((p for p in self.path.parents if p.is_file()), None)
                reason = (
                    f"{blocker} is a file, not a folder"
                    if blocker is not None
                    else f"{exc.strerror or exc}: {exc.filename or self.path.parent}"
                )
                raise StoreError(
                    f"The folder for the progress database {where} cannot be created "
                    f"({reason}), so progress cannot be saved. {_FIX}."
                ) from exc
        if self.path is None:
            uri = "file::memory:"
        else:
            mode = "ro" if read_only else "rwc"
            uri = f"{self.path.as_uri()}?mode={mode}"
        try:
            self._db = sqlite3.connect(
                uri,
                uri=True,
                timeout=timeout,
                isolation_level=None,  # autocommit; transactions are explicit BEGIN IMMEDIATE
                check_same_thread=False,  # guarded by self._lock
            )
        except sqlite3.Error as exc:
            raise _problem(where, exc, "opening it") from exc
        try:
            self._setup(timeout)
        except sqlite3.Error as exc:
            self._db.close()
            raise _problem(where, exc, "opening it") from exc
        except StoreError:
            self._db.close()
            raise

    @property
    def location(self) -> str:
        return self._where

    def _setup(self, timeout: float) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        version = self._user_version()  # the first read: fails here on a damaged file
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The progress database {self._where} was written by a newer twitchlearn "
                f"(schema version {version}; this one knows up to {SCHEMA_VERSION}). "
                f"Upgrade twitchlearn, or {_FIX_LOWER}."
            )
        if self.read_only:
            if version < SCHEMA_VERSION:
                raise StoreError(
                    f"The progress database {self._where} is opened read-only but needs "
                    f"upgrading from schema version {version} to {SCHEMA_VERSION}. Open it once "
                    f"with write access, or {_FIX_LOWER}."
                )
            return
        if self.persistent:
            # Persistent in the file; every connection after the first finds WAL already set.
            db.execute("PRAGMA journal_mode = WAL")
            # With WAL, NORMAL never corrupts the file; a power cut may lose the last commits.
            db.execute("PRAGMA synchronous = NORMAL")
        if version < SCHEMA_VERSION:
            with self._transaction("upgrading its schema"):
                # Another process may have upgraded it while this one waited for the lock.
                for step in range(self._user_version(), SCHEMA_VERSION):
                    for statement in MIGRATIONS[step]:
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {step + 1}")

    def _user_version(self) -> int:
        row = self._db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    @contextmanager
    def _transaction(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any error, sqlite errors become StoreError."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _problem(self._where, exc, doing) from exc
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                with suppress(sqlite3.Error):  # the original error says more
                    db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _problem(self._where, exc, doing) from exc
            raise

    @contextmanager
    def _reading(self, doing: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._check_open()
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise _problem(self._where, exc, doing) from exc

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The progress store {self._where} is closed.")

    # --- writing -------------------------------------------------------------------------

    def record(
        self,
        learner: str,
        class_code: str,
        question_id: str,
        answer: object,
        grade: Grade,
        *,
        now: datetime | None = None,
    ) -> Attempt:
        """Save one attempt (and update the question's review schedule) in one transaction."""
        new = new_attempt(learner, class_code, question_id, answer, grade, now)
        with self._lock:
            self._check_open()
            with self._transaction("saving an answer") as db:
                cursor = db.execute(
                    "INSERT INTO attempts (learner, class_code, question_id, answer, score,"
                    " max_score, correct, answered_at, question_version)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new.learner,
                        new.class_code,
                        new.question_id,
                        new.answer_json,
                        new.score,
                        new.max_score,
                        int(new.correct),
                        new.answered_at_text,
                        new.question_version,
                    ),
                )
                attempt_id = cursor.lastrowid
                key = (new.learner, new.class_code, new.question_id)
                row = db.execute(
                    "SELECT box, due_at FROM reviews"
                    " WHERE learner = ? AND class_code = ? AND question_id = ?",
                    key,
                ).fetchone()
                before = None if row is None else ReviewState(box=row[0], due_at=parse_time(row[1]))
                after = next_state(before, correct=new.correct, answered_at=new.answered_at)
                if after is not None and after != before:
                    db.execute(
                        "INSERT INTO reviews (learner, class_code, question_id, box, due_at)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (learner, class_code, question_id)"
                        " DO UPDATE SET box = excluded.box, due_at = excluded.due_at",
                        (*key, after.box, format_time(after.due_at)),
                    )
        assert attempt_id is not None
        return Attempt(
            id=attempt_id,
            learner=new.learner,
            class_code=new.class_code,
            question_id=new.question_id,
            answer_json=new.answer_json,
            score=new.score,
            max_score=new.max_score,
            correct=new.correct,
            answered_at=new.answered_at,
            question_version=new.question_version,
        )

    # --- reading -------------------------------------------------------------------------

    def attempts(
        self,
        *,
        learner: str | None = None,
        class_code: str | None = None,
        question_id: str | None = None,
    ) -> list[Attempt]:
        """Saved attempts matching every filter given, in the order they were saved."""
        clauses: list[str] = []
        params: list[str] = []
        for column, value in (
            ("learner", learner),
            ("class_code", class_code),
            ("question_id", question_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading("reading attempts") as db:
            rows = db.execute(_SELECT_ATTEMPTS + where + " ORDER BY id", params).fetchall()
        return [_attempt(row) for row in rows]

    def latest(self, learner: str, class_code: str) -> dict[str, Attempt]:
        """The last saved attempt at each question `learner` answered in `class_code`."""
        with self._reading("reading attempts") as db:
            rows = db.execute(_SELECT_LATEST, (learner, class_code)).fetchall()
        return {row[3]: _attempt(row) for row in rows}

    def review_states(self, learner: str, class_code: str) -> dict[str, ReviewState]:
        """The Leitner box and due time of every question `learner` has got wrong."""
        with self._reading("reading the review schedule") as db:
            rows = db.execute(
                "SELECT question_id, box, due_at FROM reviews"
                " WHERE learner = ? AND class_code = ? ORDER BY question_id",
                (learner, class_code),
            ).fetchall()
        return {qid: ReviewState(box=box, due_at=parse_time(due)) for qid, box, due in rows}

    def due_for_review(self, learner: str, class_code: str, now: datetime) -> list[str]:
        """Question ids due again at `now` (aware), the longest overdue first."""
        with self._reading("reading the review schedule") as db:
            rows = db.execute(
                "SELECT question_id FROM reviews WHERE learner = ? AND class_code = ?"
                " AND due_at <= ? ORDER BY due_at, question_id",
                (learner, class_code, format_time(now)),
            ).fetchall()
        return [row[0] for row in rows]

    def class_codes(self) -> list[str]:
        """Every class code with at least one attempt, sorted."""
        with self._reading("reading the classes") as db:
            rows = db.execute("SELECT DISTINCT class_code FROM attempts ORDER BY class_code")
            return [row[0] for row in rows.fetchall()]

    # --- closing -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self._where!r}, read_only={self.read_only})"


_SELECT_ATTEMPTS = (
    "SELECT id, learner, class_code, question_id, answer, score, max_score, correct,"
    " answered_at, question_version FROM attempts"
)
_SELECT_LATEST = (
    "SELECT id, learner, class_code, question_id, answer, score, max_score, correct,"
    " answered_at, question_version FROM attempts WHERE id IN (SELECT max(id) FROM attempts"
    " WHERE learner = ? AND class_code = ? GROUP BY question_id) ORDER BY id"
)


def _attempt(row: tuple[Any, ...]) -> Attempt:
    # The schema's column types (TEXT, REAL, INTEGER NOT NULL) say what each value is.
    (
        attempt_id,
        learner,
        class_code,
        question_id,
        answer,
        score,
        max_score,
        correct,
        when,
        version,
    ) = row
    return Attempt(
        id=attempt_id,
        learner=learner,
        class_code=class_code,
        question_id=question_id,
        answer_json=answer,
        score=score,
        max_score=max_score,
        correct=bool(correct),
        answered_at=parse_time(when),
        question_version=version,
    )
