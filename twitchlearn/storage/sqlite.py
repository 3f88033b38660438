"""The SQLite backend of the progress store: every attempt at every question, in one file.

The embedded default (`twitchlearn.storage.open_store` picks it for a file path). Several
Voila kernels (separate processes) write to the same file at once: the database runs in WAL
mode, each write is one `BEGIN IMMEDIATE` transaction, and a busy timeout makes a writer wait
for another instead of failing. The schema is versioned with PRAGMA user_version;
`MIGRATIONS` is the ordered list of steps from an empty file to the current version. A step
may call `twitchlearn_fold(text)` (storage.base.folded), which the store gives its
connection: version 4 adds the folded keys that names are matched on.

`check()` runs `PRAGMA integrity_check` and checks the schema, for `twitchlearn doctor`.

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
from typing import Any, Final

from twitchlearn.attempts import Attempt, format_time, parse_time
from twitchlearn.errors import EmptyStore, RateLimited, StoreError
from twitchlearn.review import ReviewState, next_state
from twitchlearn.scoring import Grade
from twitchlearn.storage.base import (
    DB_ENV,
    FORGET,
    MAX_ATTEMPTS_PER_MINUTE,
    RATE_WINDOW,
    ClosingStore,
    Event,
    attempt_filters,
    folded,
    forget_request,
    new_attempt,
)

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
    (
        # Names compare case-insensitively (issue 12): the folded keys, with no default, so
        # an insert that leaves them out fails instead of hiding the attempt. The table is
        # rebuilt (ids kept; AUTOINCREMENT: an id is never used twice, even after `forget`).
        """
        CREATE TABLE attempts_v4 (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            learner     TEXT NOT NULL,           -- as typed
            class_code  TEXT NOT NULL,           -- as typed
            learner_key TEXT NOT NULL,           -- twitchlearn_fold(learner)
            class_key   TEXT NOT NULL,           -- twitchlearn_fold(class_code)
            question_id TEXT NOT NULL,
            answer      TEXT NOT NULL,           -- JSON, see encode_answer
            score       REAL NOT NULL,
            max_score   REAL NOT NULL,
            correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
            answered_at TEXT NOT NULL,           -- UTC, format_time()
            question_version TEXT NOT NULL DEFAULT ''
        )
        """,
        "INSERT INTO attempts_v4 (id, learner, class_code, learner_key, class_key, question_id,"
        " answer, score, max_score, correct, answered_at, question_version)"
        " SELECT id, learner, class_code, twitchlearn_fold(learner), twitchlearn_fold(class_code),"
        " question_id, answer, score, max_score, correct, answered_at, question_version"
        " FROM attempts ORDER BY id",
        "DROP TABLE attempts",
        "ALTER TABLE attempts_v4 RENAME TO attempts",
        # By class, learner and question (every read), and time (the rate limit).
        "CREATE INDEX attempts_by_key ON attempts (class_key, learner_key, question_id,"
        " answered_at)",
        # One schedule per folded learner; two spellings with a schedule for one question
        # keep the lower box (of equal boxes, the earlier due): it comes back soonest.
        """
        CREATE TABLE reviews_v4 (
            learner_key TEXT NOT NULL,
            class_key   TEXT NOT NULL,
            question_id TEXT NOT NULL,
            box         INTEGER NOT NULL CHECK (box BETWEEN 1 AND 5),
            due_at      TEXT NOT NULL,           -- UTC, format_time()
            PRIMARY KEY (learner_key, class_key, question_id)
        ) WITHOUT ROWID
        """,
        "INSERT INTO reviews_v4 (learner_key, class_key, question_id, box, due_at)"
        " SELECT learner_key, class_key, question_id, box, due_at FROM ("
        "  SELECT twitchlearn_fold(learner) AS learner_key,"
        "   twitchlearn_fold(class_code) AS class_key, question_id, box, due_at,"
        "   row_number() OVER (PARTITION BY twitchlearn_fold(learner),"
        "    twitchlearn_fold(class_code), question_id ORDER BY box, due_at) AS n"
        "  FROM reviews) WHERE n = 1",
        "DROP TABLE reviews",
        "ALTER TABLE reviews_v4 RENAME TO reviews",
        # The audit trail (issue 13): who removed whose data, and when.
        """
        CREATE TABLE events (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            action      TEXT NOT NULL,           -- storage.base.FORGET
            learner     TEXT NOT NULL,           -- as given
            class_code  TEXT NOT NULL,
            by_whom     TEXT NOT NULL,           -- "learner" or a teacher's name
            attempts    INTEGER NOT NULL,        -- how many were removed
            at          TEXT NOT NULL            -- UTC, format_time()
        )
        """,
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)

# The columns of each table at SCHEMA_VERSION, for check().
_COLUMNS: Final = {
    "attempts": (
        "id",
        "learner",
        "class_code",
        "learner_key",
        "class_key",
        "question_id",
        "answer",
        "score",
        "max_score",
        "correct",
        "answered_at",
        "question_version",
    ),
    "reviews": ("learner_key", "class_key", "question_id", "box", "due_at"),
    "events": ("id", "action", "learner", "class_code", "by_whom", "attempts", "at"),
}

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


class SQLiteStore(ClosingStore):
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
        db.create_function("twitchlearn_fold", 1, folded, deterministic=True)
        version = self._user_version()  # the first read: fails here on a damaged file
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The progress database {self._where} was written by a newer twitchlearn "
                f"(schema version {version}; this one knows up to {SCHEMA_VERSION}). "
                f"Upgrade twitchlearn, or {_FIX_LOWER}."
            )
        if self.read_only:
            if version < SCHEMA_VERSION:
                if version == 0:
                    raise EmptyStore(f"The progress database {self._where} has nothing saved yet.")
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
                (recent,) = db.execute(
                    "SELECT count(*) FROM attempts WHERE class_key = ? AND learner_key = ?"
                    " AND question_id = ? AND answered_at > ? AND answered_at <= ?",
                    (
                        new.class_key,
                        new.learner_key,
                        new.question_id,
                        format_time(new.answered_at - RATE_WINDOW),
                        new.answered_at_text,
                    ),
                ).fetchone()
                if recent >= MAX_ATTEMPTS_PER_MINUTE:
                    raise RateLimited()
                cursor = db.execute(
                    "INSERT INTO attempts (learner, class_code, learner_key, class_key,"
                    " question_id, answer, score, max_score, correct, answered_at,"
                    " question_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new.learner,
                        new.class_code,
                        new.learner_key,
                        new.class_key,
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
                key = (new.learner_key, new.class_key, new.question_id)
                row = db.execute(
                    "SELECT box, due_at FROM reviews"
                    " WHERE learner_key = ? AND class_key = ? AND question_id = ?",
                    key,
                ).fetchone()
                before = None if row is None else ReviewState(box=row[0], due_at=parse_time(row[1]))
                after = next_state(before, correct=new.correct, answered_at=new.answered_at)
                if after is not None and after != before:
                    db.execute(
                        "INSERT INTO reviews (learner_key, class_key, question_id, box, due_at)"
                        " VALUES (?, ?, ?, ?, ?)"
                        " ON CONFLICT (learner_key, class_key, question_id)"
                        " DO UPDATE SET box = excluded.box, due_at = excluded.due_at",
                        (*key, after.box, format_time(after.due_at)),
                    )
        assert attempt_id is not None
        return new.saved(attempt_id)

    # --- reading -------------------------------------------------------------------------

    def attempts(
        self,
        *,
        learner: str | None = None,
        class_code: str | None = None,
        question_id: str | None = None,
    ) -> list[Attempt]:
        """Saved attempts matching every filter given, in the order they were saved."""
        filters = attempt_filters(learner, class_code, question_id)
        clauses = [f"{column} = ?" for column, _ in filters]
        params = [value for _, value in filters]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading("reading attempts") as db:
            rows = db.execute(_SELECT_ATTEMPTS + where + " ORDER BY id", params).fetchall()
        return [_attempt(row) for row in rows]

    def latest(self, learner: str, class_code: str) -> dict[str, Attempt]:
        """The last saved attempt at each question `learner` answered in `class_code`."""
        with self._reading("reading attempts") as db:
            rows = db.execute(_SELECT_LATEST, (folded(class_code), folded(learner))).fetchall()
        return {row[3]: _attempt(row) for row in rows}

    def review_states(self, learner: str, class_code: str) -> dict[str, ReviewState]:
        """The Leitner box and due time of every question `learner` has got wrong."""
        with self._reading("reading the review schedule") as db:
            rows = db.execute(
                "SELECT question_id, box, due_at FROM reviews"
                " WHERE learner_key = ? AND class_key = ? ORDER BY question_id",
                (folded(learner), folded(class_code)),
            ).fetchall()
        return {qid: ReviewState(box=box, due_at=parse_time(due)) for qid, box, due in rows}

    def due_for_review(self, learner: str, class_code: str, now: datetime) -> list[str]:
        """Question ids due again at `now` (aware), the longest overdue first."""
        with self._reading("reading the review schedule") as db:
            rows = db.execute(
                "SELECT question_id FROM reviews WHERE learner_key = ? AND class_key = ?"
                " AND due_at <= ? ORDER BY due_at, question_id",
                (folded(learner), folded(class_code), format_time(now)),
            ).fetchall()
        return [row[0] for row in rows]

    def class_codes(self) -> list[str]:
        """Every class with at least one attempt, sorted: the first spelling saved of each."""
        with self._reading("reading the classes") as db:
            rows = db.execute(
                "SELECT class_code FROM attempts WHERE id IN"
                " (SELECT min(id) FROM attempts GROUP BY class_key) ORDER BY class_code"
            )
            return [row[0] for row in rows.fetchall()]

    # --- a learner's data is theirs --------------------------------------------------------

    def forget(self, learner: str, class_code: str, *, by: str, now: datetime | None = None) -> int:
        """Delete the attempts and review schedule of `learner` in `class_code`, and record
        who asked, in one transaction. Returns how many attempts were deleted."""
        request = forget_request(learner, class_code, by, now)
        mine = (request.class_key, request.learner_key)
        with self._lock:
            self._check_open()
            with self._transaction("removing a learner's answers") as db:
                removed = db.execute(
                    "DELETE FROM attempts WHERE class_key = ? AND learner_key = ?", mine
                ).rowcount
                db.execute("DELETE FROM reviews WHERE class_key = ? AND learner_key = ?", mine)
                db.execute(
                    "INSERT INTO events (action, learner, class_code, by_whom, attempts, at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (FORGET, learner, class_code, request.by, removed, request.at_text),
                )
        return int(removed)

    def events(self) -> list[Event]:
        """The audit trail, in the order it was recorded."""
        with self._reading("reading the audit trail") as db:
            rows = db.execute(
                "SELECT id, action, learner, class_code, by_whom, attempts, at FROM events"
                " ORDER BY id"
            ).fetchall()
        return [
            Event(
                id=row[0],
                action=row[1],
                learner=row[2],
                class_code=row[3],
                by=row[4],
                attempts=row[5],
                at=parse_time(row[6]),
            )
            for row in rows
        ]

    # --- the damage check ------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems with the file, one plain line each ([] when it is fine): SQLite's own
        integrity check, then the schema version and the tables and their columns."""
        with self._lock:
            self._check_open()
            try:
                return self._problems()
            except sqlite3.Error as exc:
                return [str(_problem(self._where, exc, "checking it"))]

    def _problems(self) -> list[str]:
        db = self._db
        found: list[str] = []
        rows = [str(row[0]) for row in db.execute("PRAGMA integrity_check(20)").fetchall()]
        if rows != ["ok"]:
            more = f", and {len(rows) - 1} more" if len(rows) > 1 else ""
            found.append(
                f"The progress database {self._where} is damaged (SQLite found: "
                f"{' '.join(rows[0].split())}{more}). Some answers may be lost. Stop the app, "
                f"copy the file somewhere safe, then move it aside: twitchlearn will start a "
                f"new one there (the sqlite3 .recover command may save what is left)."
            )
        version = self._user_version()
        if version != SCHEMA_VERSION:
            found.append(
                f"The progress database {self._where} has schema version {version}, not "
                f"{SCHEMA_VERSION}. Open it once with write access so twitchlearn upgrades it."
            )
            return found
        for table, wanted in _COLUMNS.items():
            columns = tuple(
                str(row[1]) for row in db.execute(f"PRAGMA table_info({table})").fetchall()
            )
            missing = [column for column in wanted if column not in columns]
            if missing:
                found.append(
                    f"The progress database {self._where} is not laid out as twitchlearn "
                    f"left it: table {table} "
                    + ("is missing" if not columns else f"lacks {', '.join(missing)}")
                    + ". Another program changed it; move the file aside, or "
                    f"{_FIX_LOWER}."
                )
        return found

    # --- closing -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self._where!r}, read_only={self.read_only})"


_SELECT_ATTEMPTS = (
    "SELECT id, learner, class_code, question_id, answer, score, max_score, correct,"
    " answered_at, question_version FROM attempts"
)
_SELECT_LATEST = (
    "SELECT id, learner, class_code, question_id, answer, score, max_score, correct,"
    " answered_at, question_version FROM attempts WHERE id IN (SELECT max(id) FROM attempts"
    " WHERE class_key = ? AND learner_key = ? GROUP BY question_id) ORDER BY id"
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
