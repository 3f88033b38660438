"""The PostgreSQL backend of the progress store: for a school's server, where many Voila
kernels (or a JupyterHub's users) write at once and a teacher wants one database to back up.

    store = open_store("postgresql://teacher:PASSWORD@db.school/twitchlearn")   # or postgres://

Needs psycopg 3 (the `postgres` extra: `pip install 'twitchlearn[postgres]'`). Server-only,
like `sqlite3`, which Pyodide lacks: `twitchlearn.storage.open_store` imports this module
only for a postgresql:// address, and nothing else imports it (twitchlearn/_purity.py,
SERVER_ONLY).

The same guarantees as the SQLite file (storage/base.py): each `record` and `forget` is one
transaction; a learner's writes are serialised by a transaction-level advisory lock on their
folded name and class, so the rate limit and the review schedule never race, and their
attempts get increasing ids in the order they were saved (ids come from an identity column
and are never reused). Many processes may write at once. The schema is versioned in the
`schema_version` table; `MIGRATIONS` is the ordered list of steps, applied under an advisory
lock so that many processes opening a new database at once create it once.

The password never appears in `location`, a message or an error: `location` is the address
with the password shown as ***, and every error says what to do in one line (server not
running, wrong user or password, missing database, connection lost).

PostgreSQL text cannot hold the NUL character, which the other backends store; text holding
it (or starting with U+FDD0, a Unicode noncharacter) is stored as U+FDD0 followed by its JSON
form. Every other name is stored exactly as typed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any, Final

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from twitchlearn.attempts import Attempt
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

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "PostgresStore", "masked_location"]

# Step i takes the schema from version i to version i + 1. Append; never edit a released step.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """
        CREATE TABLE attempts (
            id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            learner     TEXT NOT NULL,                 -- as typed
            class_code  TEXT NOT NULL,                 -- as typed
            learner_key TEXT COLLATE "C" NOT NULL,     -- storage.base.folded(learner)
            class_key   TEXT COLLATE "C" NOT NULL,     -- storage.base.folded(class_code)
            question_id TEXT COLLATE "C" NOT NULL,
            answer      TEXT NOT NULL,                 -- JSON, see encode_answer
            score       DOUBLE PRECISION NOT NULL,
            max_score   DOUBLE PRECISION NOT NULL,
            correct     BOOLEAN NOT NULL,
            answered_at TIMESTAMPTZ NOT NULL,
            question_version TEXT NOT NULL DEFAULT ''
        )
        """,
        # By class, learner and question (every read), and time (the rate limit).
        "CREATE INDEX attempts_by_key ON attempts (class_key, learner_key, question_id,"
        " answered_at)",
        """
        CREATE TABLE reviews (
            learner_key TEXT COLLATE "C" NOT NULL,
            class_key   TEXT COLLATE "C" NOT NULL,
            question_id TEXT COLLATE "C" NOT NULL,
            box         SMALLINT NOT NULL CHECK (box BETWEEN 1 AND 5),
            due_at      TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (learner_key, class_key, question_id)
        )
        """,
        # The audit trail (issue 13): who removed whose data, and when.
        """
        CREATE TABLE events (
            id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            action      TEXT NOT NULL,                 -- storage.base.FORGET
            learner     TEXT NOT NULL,                 -- as given
            class_code  TEXT NOT NULL,
            by_whom     TEXT NOT NULL,                 -- "learner" or a teacher's name
            attempts    INTEGER NOT NULL,              -- how many were removed
            at          TIMESTAMPTZ NOT NULL
        )
        """,
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)
_TABLES: Final = ("attempts", "reviews", "events", "schema_version")

# pg_advisory_xact_lock(_LOCKS, n): n = 0 for the schema, else a learner's hash.
_LOCKS: Final = 0x74776C6E  # "twln"
_MARK: Final = "\ufdd0"
_FIX: Final = f"check {DB_ENV} (or --db), or set it to the path of a SQLite file"


def _put(text: str) -> str:
    """`text` as stored: itself, unless it holds NUL or starts with the mark (module doc)."""
    if "\x00" in text or text.startswith(_MARK):
        return _MARK + json.dumps(text)
    return text


def _get(text: str) -> str:
    if text.startswith(_MARK):
        value = json.loads(text[1:])
        assert isinstance(value, str)
        return value
    return text


def _learner_lock(learner_key: str, class_key: str) -> int:
    digest = hashlib.blake2b(f"{learner_key}\x00{class_key}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True) or 1  # 0 is the schema's


def masked_location(conninfo: str) -> str:
    """The address `conninfo` (a postgresql:// URL or key=value string) to show in messages:
    user, host, port and database, with any password shown as ***. Raises StoreError."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.Error:
        # The parser's message quotes the address, password and all: never pass it on.
        raise StoreError(
            f"The PostgreSQL address in {DB_ENV} (or --db) cannot be read. Write it as "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE (with %-escapes for special "
            "characters), or set it to the path of a SQLite file."
        ) from None
    return _describe(params)


def _describe(params: dict[str, Any]) -> str:
    user = str(params.get("user", ""))
    secret = ":***" if params.get("password") else ""
    host = str(params.get("host") or params.get("hostaddr") or "")
    port = str(params.get("port", ""))
    where = host + (f":{port}" if port else "")
    login = f"{user}{secret}@" if user or secret else ""
    return f"postgresql://{login}{where}/{params.get('dbname', '')}"


class PostgresStore(ClosingStore):
    """Attempts and review schedules in a PostgreSQL database. Use as a context manager or
    close(). `read_only=True` never writes (writes raise StoreError). `connect_timeout` is
    how long, in seconds, to wait for the server when connecting (unless the address says)."""

    persistent = True

    def __init__(
        self, conninfo: str, *, read_only: bool = False, connect_timeout: int = 10
    ) -> None:
        self.read_only = read_only
        self._where = masked_location(conninfo)
        self._params = conninfo_to_dict(conninfo)
        self._secret = str(self._params.get("password") or "")
        self._conninfo = conninfo
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._closed = False
        self._db = self._connect()
        try:
            self._setup()
        except psycopg.Error as exc:
            self._db.close()
            raise self._problem(exc, "opening it") from None
        except BaseException:
            self._db.close()
            raise

    @property
    def location(self) -> str:
        return self._where

    # --- connecting ------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        extra: dict[str, Any] = {}
        if "connect_timeout" not in self._params:
            extra["connect_timeout"] = self._connect_timeout
        if "application_name" not in self._params:
            extra["application_name"] = "twitchlearn"
        try:
            db = psycopg.connect(self._conninfo, autocommit=True, **extra)
        except psycopg.Error as exc:
            raise self._cannot_connect(exc) from None
        try:
            db.execute("SET TIME ZONE 'UTC'")
            if self.read_only:
                db.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            db.close()
            raise self._problem(exc, "connecting") from None
        return db

    def _detail(self, exc: BaseException) -> str:
        """The library's message on one line, without the password (it never should hold
        it; this makes sure)."""
        text = " ".join(str(exc).split())
        if self._secret:
            text = text.replace(self._secret, "***")
        return text[:300]

    def _cannot_connect(self, exc: psycopg.Error) -> StoreError:
        detail = self._detail(exc)
        lowered = detail.lower()
        user = self._params.get("user", "")
        if (
            "password" in lowered
            or "authentication failed" in lowered
            or ("role" in lowered and "does not exist" in lowered)
        ):
            message = (
                f"The PostgreSQL server for {self._where} refused the user name or password"
                f"{f' of {user}' if user else ''} ({detail}). Put the right user and password "
                f"in {DB_ENV} (or --db), or set it to the path of a SQLite file."
            )
        elif "database" in lowered and "does not exist" in lowered:
            message = (
                f"The database of {self._where} does not exist on its server ({detail}). "
                f"Create it (createdb {self._params.get('dbname', 'NAME')}), or {_FIX}."
            )
        else:
            message = (
                f"Cannot reach the PostgreSQL server for {self._where} ({detail}). Check that "
                f"the server is running and that the host and port are right, or {_FIX}."
            )
        return StoreError(message)

    def _problem(self, exc: psycopg.Error, doing: str) -> StoreError:
        """A StoreError saying what happened while `doing`, and what to do."""
        detail = self._detail(exc)
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            message = (
                f"The progress store {self._where} is opened read-only ({detail}), so "
                f"progress cannot be saved. Open it without read-only, or {_FIX}."
            )
        elif isinstance(exc, pg_errors.InsufficientPrivilege):
            message = (
                f"The PostgreSQL user of {self._where} may not do this while {doing} "
                f"({detail}). Ask the database's owner to grant that user the twitchlearn "
                f"tables, or {_FIX}."
            )
        elif isinstance(exc, psycopg.OperationalError) or self._broken():
            message = (
                f"Lost the connection to the PostgreSQL server for {self._where} while "
                f"{doing} ({detail}). Check that the server is running; twitchlearn connects "
                f"again on the next try."
            )
        else:
            message = (
                f"The PostgreSQL progress store {self._where} failed while {doing} "
                f"({detail}). Try again; if it keeps happening, {_FIX}."
            )
        return StoreError(message)

    def _broken(self) -> bool:
        db = getattr(self, "_db", None)  # not there yet while the first connection is set up
        return db is not None and bool(db.broken)

    # --- the schema ------------------------------------------------------------------------

    def _version(self, db: psycopg.Connection[tuple[Any, ...]]) -> int:
        (exists,) = _one(db.execute("SELECT to_regclass('schema_version') IS NOT NULL"))
        if not exists:
            return 0
        row = db.execute("SELECT version FROM schema_version").fetchone()
        return 0 if row is None else int(row[0])

    def _setup(self) -> None:
        db = self._db
        version = self._version(db)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The progress database {self._where} was written by a newer twitchlearn "
                f"(schema version {version}; this one knows up to {SCHEMA_VERSION}). "
                f"Upgrade twitchlearn, or {_FIX}."
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            if version == 0:
                raise EmptyStore(f"The progress database {self._where} has nothing saved yet.")
            raise StoreError(
                f"The progress database {self._where} is opened read-only but needs "
                f"upgrading from schema version {version} to {SCHEMA_VERSION}. Open it once "
                f"with write access, or {_FIX}."
            )
        with db.transaction():
            # Many processes may open a new database at once: one creates the tables.
            db.execute("SELECT pg_advisory_xact_lock(%s, 0)", (_LOCKS,))
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                db.execute("INSERT INTO schema_version (version) VALUES (0)")
            for step in range(0 if row is None else int(row[0]), SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    db.execute(statement)
                db.execute("UPDATE schema_version SET version = %s", (step + 1,))

    # --- using the connection --------------------------------------------------------------

    @contextmanager
    def _using(self, doing: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        """The connection (again, if the last one was lost), under the lock; errors of the
        library become StoreError."""
        with self._lock:
            if self._closed:
                raise StoreError(f"The progress store {self._where} is closed.")
            if self._db.closed or self._db.broken:
                with suppress(psycopg.Error):
                    self._db.close()
                self._db = self._connect()
            try:
                yield self._db
            except psycopg.Error as exc:
                raise self._problem(exc, doing) from exc

    # --- writing ---------------------------------------------------------------------------

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
        key = (_put(new.learner_key), _put(new.class_key), _put(new.question_id))
        with self._using("saving an answer") as db, db.transaction():
            db.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                (_LOCKS, _learner_lock(new.learner_key, new.class_key)),
            )
            (recent,) = _one(
                db.execute(
                    "SELECT count(*) FROM attempts WHERE learner_key = %s AND class_key = %s"
                    " AND question_id = %s AND answered_at > %s AND answered_at <= %s",
                    (*key, new.answered_at - RATE_WINDOW, new.answered_at),
                )
            )
            if recent >= MAX_ATTEMPTS_PER_MINUTE:
                raise RateLimited()
            (attempt_id,) = _one(
                db.execute(
                    "INSERT INTO attempts (learner, class_code, learner_key, class_key,"
                    " question_id, answer, score, max_score, correct, answered_at,"
                    " question_version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " RETURNING id",
                    (
                        _put(new.learner),
                        _put(new.class_code),
                        *key,
                        new.answer_json,
                        new.score,
                        new.max_score,
                        new.correct,
                        new.answered_at,
                        new.question_version,
                    ),
                )
            )
            row = db.execute(
                "SELECT box, due_at FROM reviews"
                " WHERE learner_key = %s AND class_key = %s AND question_id = %s",
                key,
            ).fetchone()
            before = None if row is None else ReviewState(box=row[0], due_at=row[1])
            after = next_state(before, correct=new.correct, answered_at=new.answered_at)
            if after is not None and after != before:
                db.execute(
                    "INSERT INTO reviews (learner_key, class_key, question_id, box, due_at)"
                    " VALUES (%s, %s, %s, %s, %s)"
                    " ON CONFLICT (learner_key, class_key, question_id)"
                    " DO UPDATE SET box = excluded.box, due_at = excluded.due_at",
                    (*key, after.box, after.due_at),
                )
        return new.saved(int(attempt_id))

    # --- reading ---------------------------------------------------------------------------

    def attempts(
        self,
        *,
        learner: str | None = None,
        class_code: str | None = None,
        question_id: str | None = None,
    ) -> list[Attempt]:
        """Saved attempts matching every filter given, in the order they were saved."""
        filters = attempt_filters(learner, class_code, question_id)
        clauses = [f"{column} = %s" for column, _ in filters]
        params = [_put(value) for _, value in filters]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._using("reading attempts") as db:
            cursor = db.cursor(binary=True)
            rows = cursor.execute(_SELECT_ATTEMPTS + where + " ORDER BY id", params).fetchall()
        return [_attempt(row) for row in rows]

    def latest(self, learner: str, class_code: str) -> dict[str, Attempt]:
        """The last saved attempt at each question `learner` answered in `class_code`."""
        with self._using("reading attempts") as db:
            rows = db.execute(
                _SELECT_LATEST, (_put(folded(class_code)), _put(folded(learner)))
            ).fetchall()
        return {attempt.question_id: attempt for attempt in map(_attempt, rows)}

    def review_states(self, learner: str, class_code: str) -> dict[str, ReviewState]:
        """The Leitner box and due time of every question `learner` has got wrong."""
        with self._using("reading the review schedule") as db:
            rows = db.execute(
                "SELECT question_id, box, due_at FROM reviews"
                " WHERE learner_key = %s AND class_key = %s",
                (_put(folded(learner)), _put(folded(class_code))),
            ).fetchall()
        states = sorted((_get(qid), box, due) for qid, box, due in rows)
        return {qid: ReviewState(box=box, due_at=due) for qid, box, due in states}

    def due_for_review(self, learner: str, class_code: str, now: datetime) -> list[str]:
        """Question ids due again at `now` (aware), the longest overdue first."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"Times given to the store must be timezone-aware; got {now!r}.")
        with self._using("reading the review schedule") as db:
            rows = db.execute(
                "SELECT due_at, question_id FROM reviews WHERE learner_key = %s"
                " AND class_key = %s AND due_at <= %s",
                (_put(folded(learner)), _put(folded(class_code)), now),
            ).fetchall()
        return [qid for _, qid in sorted((due, _get(qid)) for due, qid in rows)]

    def class_codes(self) -> list[str]:
        """Every class with at least one attempt, sorted: the first spelling saved of each."""
        with self._using("reading the classes") as db:
            rows = db.execute(
                "SELECT DISTINCT ON (class_key) class_code FROM attempts ORDER BY class_key, id"
            ).fetchall()
        return sorted(_get(row[0]) for row in rows)

    # --- a learner's data is theirs --------------------------------------------------------

    def forget(self, learner: str, class_code: str, *, by: str, now: datetime | None = None) -> int:
        """Delete the attempts and review schedule of `learner` in `class_code`, and record
        who asked, in one transaction. Returns how many attempts were deleted."""
        request = forget_request(learner, class_code, by, now)
        mine = (_put(request.learner_key), _put(request.class_key))
        with self._using("removing a learner's answers") as db, db.transaction():
            db.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                (_LOCKS, _learner_lock(request.learner_key, request.class_key)),
            )
            removed = db.execute(
                "DELETE FROM attempts WHERE learner_key = %s AND class_key = %s", mine
            ).rowcount
            db.execute("DELETE FROM reviews WHERE learner_key = %s AND class_key = %s", mine)
            db.execute(
                "INSERT INTO events (action, learner, class_code, by_whom, attempts, at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (FORGET, _put(learner), _put(class_code), _put(request.by), removed, request.at),
            )
        return int(removed)

    def events(self) -> list[Event]:
        """The audit trail, in the order it was recorded."""
        with self._using("reading the audit trail") as db:
            rows = db.execute(
                "SELECT id, action, learner, class_code, by_whom, attempts, at FROM events"
                " ORDER BY id"
            ).fetchall()
        return [
            Event(
                id=int(row[0]),
                action=row[1],
                learner=_get(row[2]),
                class_code=_get(row[3]),
                by=_get(row[4]),
                attempts=int(row[5]),
                at=row[6],
            )
            for row in rows
        ]

    # --- the damage check ------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems, one plain line each ([] when fine): the server answers, the schema is
        at this version and its tables are there."""
        if self._closed:
            raise StoreError(f"The progress store {self._where} is closed.")
        try:
            with self._using("checking it") as db:
                version = self._version(db)
                missing = [
                    table
                    for table in _TABLES
                    if not _one(db.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)))[0]
                ]
        except StoreError as exc:  # cannot connect, or the connection was lost
            return [str(exc)]
        found = []
        if version != SCHEMA_VERSION:
            found.append(
                f"The progress database {self._where} has schema version {version}, not "
                f"{SCHEMA_VERSION}. Open it once with write access so twitchlearn upgrades it."
            )
        if missing:
            found.append(
                f"The progress database {self._where} lacks the tables {', '.join(missing)}: "
                f"someone removed them. Restore the database from a backup, or {_FIX}."
            )
        return found

    # --- closing ---------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self._where!r}, read_only={self.read_only})"


def _one(cursor: psycopg.Cursor[tuple[Any, ...]]) -> tuple[Any, ...]:
    row = cursor.fetchone()
    assert row is not None  # an aggregate or RETURNING always gives a row
    return row


_COLUMNS = (
    "id, learner, class_code, question_id, answer, score, max_score, correct, answered_at,"
    " question_version"
)
_SELECT_ATTEMPTS = f"SELECT {_COLUMNS} FROM attempts"  # noqa: S608 (constant column names)
_SELECT_LATEST = (
    f"SELECT * FROM (SELECT DISTINCT ON (question_id) {_COLUMNS} FROM attempts"  # noqa: S608
    " WHERE class_key = %s AND learner_key = %s ORDER BY question_id, id DESC) AS last"
    " ORDER BY id"
)


def _attempt(row: tuple[Any, ...]) -> Attempt:
    # The schema's column types say what each value is; times come back in UTC.
    (attempt_id, learner, class_code, question_id, answer, score, max_score, correct, when, v) = row
    return Attempt(
        id=int(attempt_id),
        learner=_get(learner),
        class_code=_get(class_code),
        question_id=_get(question_id),
        answer_json=answer,
        score=score,
        max_score=max_score,
        correct=correct,
        answered_at=when if when.tzinfo is UTC else when.astimezone(UTC),
        question_version=v,
    )
