"""The progress store: one contract every backend keeps, then what only a SQLite file does.

The contract tests take the `store` fixture, which runs each of them against every backend
(ids "sqlite": a SQLiteStore on a new file, "memory": a MemoryStore, "postgres": a
PostgresStore on a new database of a real server, tests/unit/conftest.py). Many processes
writing at once, and a writer killed while writing, run on both persistent backends. The
tests after them are about the file itself: schema, WAL, damage, permissions. The store's
newer duties (names folded, rate limit, forget, check) are in test_store_duties.py, and what
only PostgreSQL does (its schema, its errors, its password) in test_store_postgres.py.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.postgres import PostgresServer
from tests.support.stores import BACKENDS, T0, WRITER, grade, open_backend
from twitchlearn.attempts import decode_answer, encode_answer
from twitchlearn.errors import StoreError
from twitchlearn.review import ReviewState, next_state
from twitchlearn.storage import (
    MemoryStore,
    ProgressStore,
    default_location,
    open_store,
    open_store_or_memory,
)
from twitchlearn.storage.postgres import PostgresStore
from twitchlearn.storage.sqlite import DB_ENV, MIGRATIONS, SCHEMA_VERSION, SQLiteStore

PERSISTENT = ("sqlite", "postgres")


def raw_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows read with a plain sqlite3 connection, not through the store."""
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def store(backend_store: ProgressStore) -> ProgressStore:
    """A new store of every backend in turn (conftest.py): the contract suite."""
    return backend_store


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path / "progress.sqlite3") as opened:
        yield opened


# === the contract: every backend ===========================================================


def test_every_backend_is_a_progress_store(store: ProgressStore) -> None:
    assert isinstance(store, ProgressStore)
    assert isinstance(store.persistent, bool)
    assert store.location


def test_backends_say_whether_and_where_they_keep_answers(
    tmp_path: Path, postgres_server: PostgresServer, postgres_database: str
) -> None:
    path = tmp_path / "progress.sqlite3"
    with SQLiteStore(path) as on_file:
        assert on_file.persistent
        assert on_file.location == str(path)
    with MemoryStore() as in_memory:
        assert not in_memory.persistent
        assert "memory" in in_memory.location
    with PostgresStore(postgres_database) as on_server:
        assert on_server.persistent
        name = postgres_database.rsplit("/", 1)[1]
        assert on_server.location == (
            f"postgresql://postgres:***@127.0.0.1:{postgres_server.port}/{name}"
        )


# --- saving and reading ------------------------------------------------------------------


def test_record_saves_every_field(store: ProgressStore) -> None:
    saved = store.record("Ann", "7B", "coffee-mg", 250, grade("coffee-mg", 1.0), now=T0)
    (again,) = store.attempts()
    assert again == saved
    assert (again.learner, again.class_code, again.question_id) == ("Ann", "7B", "coffee-mg")
    assert again.answer == 250
    assert (again.score, again.max_score, again.correct) == (1.0, 1.0, True)
    assert again.answered_at == T0


def test_time_is_saved_in_utc_from_any_zone(store: ProgressStore) -> None:
    local = datetime(2025, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    attempt = store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=local)
    (saved,) = store.attempts()
    assert saved.answered_at == attempt.answered_at == local
    assert saved.answered_at.utcoffset() == timedelta(0)
    assert attempt.answered_at.utcoffset() == timedelta(0)


def test_naive_time_is_refused(store: ProgressStore) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=datetime(2025, 3, 1))
    assert store.attempts() == []
    with pytest.raises(ValueError, match="timezone-aware"):
        store.due_for_review("Ann", "7B", datetime(2025, 3, 1))


def test_default_time_is_now(store: ProgressStore) -> None:
    before = datetime.now(UTC)
    attempt = store.record("Ann", "7B", "q", "a", grade("q", 0.0))
    assert before - timedelta(microseconds=1) <= attempt.answered_at <= datetime.now(UTC)


def test_grade_for_another_question_is_refused(store: ProgressStore) -> None:
    with pytest.raises(ValueError, match="not 'q2'"):
        store.record("Ann", "7B", "q2", "a", grade("q1", 1.0))
    assert store.attempts() == []
    assert store.review_states("Ann", "7B") == {}


def test_attempts_filters_and_keeps_order(store: ProgressStore) -> None:
    made = [
        store.record(learner, code, qid, "a", grade(qid, 0.0), now=T0 + timedelta(minutes=i))
        for i, (learner, code, qid) in enumerate(
            [
                ("Ann", "7B", "q1"),
                ("Ben", "7B", "q1"),
                ("Ann", "8C", "q2"),
                ("Ann", "7B", "q2"),
                ("Ann", "7B", "q1"),
            ]
        )
    ]
    assert store.attempts() == made
    assert [a.id for a in made] == sorted({a.id for a in made})  # increasing, no repeats
    assert store.attempts(learner="Ann") == [made[0], made[2], made[3], made[4]]
    assert store.attempts(class_code="7B", question_id="q1") == [made[0], made[1], made[4]]
    assert store.attempts(learner="Ann", class_code="7B", question_id="q2") == [made[3]]
    assert store.attempts(learner="Cleo") == []


def test_latest_gives_the_last_attempt_per_question(store: ProgressStore) -> None:
    first = store.record("Ann", "7B", "q1", "a", grade("q1", 0.0), now=T0)
    store.record("Ann", "8C", "q1", "b", grade("q1", 1.0), now=T0 + timedelta(minutes=1))
    second = store.record("Ann", "7B", "q2", True, grade("q2", 1.0), now=T0 + timedelta(minutes=2))
    third = store.record("Ann", "7B", "q1", "c", grade("q1", 1.0), now=T0 + timedelta(minutes=3))
    store.record("Ben", "7B", "q3", "c", grade("q3", 1.0), now=T0 + timedelta(minutes=4))
    latest = store.latest("Ann", "7B")
    assert latest == {"q1": third, "q2": second}
    assert list(latest) == ["q2", "q1"]  # in the order the last attempts were saved
    assert first not in latest.values()
    assert store.latest("Nobody", "7B") == {}


def test_class_codes_are_the_distinct_codes_with_attempts_sorted(store: ProgressStore) -> None:
    assert store.class_codes() == []
    for code in ("8C", "7B", "Zeta", "7B", "", "8C"):
        store.record("Ann", code, "q", "a", grade("q", 0.0), now=T0)
    assert store.class_codes() == ["", "7B", "8C", "Zeta"]
    with pytest.raises(ValueError, match="timezone-aware"):  # a refused attempt adds no class
        store.record("Ann", "9D", "q", "a", grade("q", 0.0), now=datetime(2025, 3, 1))
    assert "9D" not in store.class_codes()


HOSTILE = [
    "Robert'); DROP TABLE attempts;--",
    '" OR 1=1 --',
    "%",
    "_",
    "Zoë Ñúñez 李小龍 🙂",
    "tab\tnew\nline",
    "nul\x00inside",
    "\ufdd0starts with the mark the PostgreSQL backend uses for NUL",
    "back\\slash \\0",
    "",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_free_text_names_are_data_not_code(store: ProgressStore, name: str) -> None:
    store.record("Other", "Other", "q", "a", grade("q", 0.0), now=T0)
    mine = store.record(name, name, "q", "a", grade("q", 0.0), now=T0)
    assert store.attempts(learner=name) == [mine]
    assert store.attempts(class_code=name) == [mine]
    assert store.latest(name, name) == {"q": mine}
    assert list(store.review_states(name, name)) == ["q"]
    assert store.due_for_review(name, name, T0) == ["q"]
    assert name in store.class_codes()
    assert len(store.attempts()) == 2


@pytest.mark.parametrize("field", ["learner", "class code"])
def test_text_that_is_not_unicode_is_refused_clearly(store: ProgressStore, field: str) -> None:
    learner, class_code = ("bad\ud800", "7B") if field == "learner" else ("Ann", "bad\ud800")
    with pytest.raises(StoreError, match=rf"{field} .* cannot be saved"):
        store.record(learner, class_code, "q", "a", grade("q", 0.0))
    assert store.attempts() == []


def test_closed_store_refuses_use(store: ProgressStore) -> None:
    store.close()
    store.close()  # twice is fine
    uses: list[Callable[[], object]] = [
        lambda: store.attempts(),
        lambda: store.record("Ann", "7B", "q", "a", grade("q", 0.0)),
        lambda: store.latest("Ann", "7B"),
        lambda: store.review_states("Ann", "7B"),
        lambda: store.due_for_review("Ann", "7B", T0),
        lambda: store.class_codes(),
        lambda: store.forget("Ann", "7B", by="learner"),
        lambda: store.events(),
        lambda: store.check(),
    ]
    for use in uses:
        with pytest.raises(StoreError, match="closed"):
            use()


# --- answers as JSON -----------------------------------------------------------------------

ids = st.text(min_size=0, max_size=12)
answers = st.one_of(
    st.text(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(ids, max_size=6),
    st.dictionaries(ids, ids, max_size=6),
)


@given(answers)
def test_answers_round_trip_through_json(answer: object) -> None:
    decoded = decode_answer(encode_answer(answer))
    assert decoded == answer
    assert type(decoded) is type(answer)
    json.loads(encode_answer(answer))  # plain JSON that any tool can read


@given(st.sets(ids, max_size=6) | st.frozensets(ids, max_size=6))
def test_sets_are_saved_as_sorted_lists(answer: set[str] | frozenset[str]) -> None:
    assert decode_answer(encode_answer(answer)) == sorted(answer)
    assert encode_answer(answer) == encode_answer(sorted(answer))


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=60, deadline=None)
@given(answer=answers)
def test_answers_round_trip_through_the_store(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresServer,
    backend: str,
    answer: object,
) -> None:
    folder = tmp_path_factory.getbasetemp() / f"round-trip-{backend}"
    folder.mkdir(exist_ok=True)
    database = postgres_server.database("round_trip") if backend == "postgres" else None
    learner = f"Ann {uuid.uuid4()}"  # one file for every example: a learner each, no rate limit
    with open_backend(backend, folder, database) as store:
        saved = store.record(learner, "7B", "q", answer, grade("q", 0.0))
        (again,) = store.attempts(learner=learner, class_code="7B", question_id="q")[-1:]
    assert again.id == saved.id
    assert again.answer == saved.answer == answer
    assert type(again.answer) is type(answer)


@pytest.mark.parametrize(
    "bad",
    [math.nan, math.inf, b"a", None, [1, 2], {"a": 1}, {1: "a"}, [["nested"]], object()],
    ids=repr,
)
def test_things_that_are_not_answers_are_refused(store: ProgressStore, bad: object) -> None:
    with pytest.raises(ValueError, match="Cannot save"):
        encode_answer(bad)
    with pytest.raises(ValueError, match="Cannot save"):
        store.record("Ann", "7B", "q", bad, grade("q", 0.0))
    assert store.attempts() == []
    assert store.review_states("Ann", "7B") == {}


@pytest.mark.parametrize("text", ["[1, 2]", '{"a": 1}', "null", "[[]]"])
def test_decoding_refuses_json_that_is_no_answer(text: str) -> None:
    with pytest.raises(ValueError, match="Not a saved answer"):
        decode_answer(text)


# --- the review schedule, kept in the store ------------------------------------------------


def test_wrong_answers_come_back_on_the_leitner_schedule(store: ProgressStore) -> None:
    store.record("Ann", "7B", "right", "a", grade("right", 1.0), now=T0)
    store.record("Ann", "7B", "wrong", "b", grade("wrong", 0.0), now=T0)
    store.record("Ann", "7B", "half", ["a"], grade("half", 0.5), now=T0 + timedelta(hours=1))
    assert store.due_for_review("Ann", "7B", T0) == ["wrong"]
    assert store.due_for_review("Ann", "7B", T0 + timedelta(hours=2)) == ["wrong", "half"]
    assert store.due_for_review("Ann", "8C", T0 + timedelta(hours=2)) == []
    assert store.due_for_review("Ben", "7B", T0 + timedelta(hours=2)) == []

    # Right in review: box 2, due a day later.
    later = T0 + timedelta(hours=3)
    store.record("Ann", "7B", "wrong", "a", grade("wrong", 1.0), now=later)
    state = store.review_states("Ann", "7B")["wrong"]
    assert (state.box, state.due_at) == (2, later + timedelta(days=1))
    assert store.due_for_review("Ann", "7B", later) == ["half"]
    assert store.due_for_review("Ann", "7B", later + timedelta(days=1)) == ["half", "wrong"]

    # Right again before it is due: not a review, nothing moves.
    store.record("Ann", "7B", "wrong", "a", grade("wrong", 1.0), now=later + timedelta(hours=1))
    assert store.review_states("Ann", "7B")["wrong"] == state

    # Wrong again: back to box 1.
    store.record("Ann", "7B", "wrong", "c", grade("wrong", 0.0), now=later + timedelta(days=2))
    assert store.review_states("Ann", "7B")["wrong"].box == 1
    assert "right" not in store.review_states("Ann", "7B")
    assert list(store.review_states("Ann", "7B")) == ["half", "wrong"]  # sorted by question id


# --- opening a store by location -----------------------------------------------------------


def test_open_store_picks_the_backend_from_the_location(
    tmp_path: Path, postgres_database: str
) -> None:
    with open_store("memory:") as in_memory:
        assert isinstance(in_memory, MemoryStore)
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as on_file:
        assert isinstance(on_file, SQLiteStore)
        assert on_file.location == str(path)
    with open_store(str(path), read_only=True) as reading:
        assert isinstance(reading, SQLiteStore)
        assert reading.read_only
    for scheme in ("postgresql://", "postgres://"):
        address = postgres_database.replace("postgresql://", scheme)
        with open_store(address) as on_server:
            assert isinstance(on_server, PostgresStore)
            assert not on_server.read_only
            on_server.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
        with open_store(address, read_only=True) as reading_server:
            assert isinstance(reading_server, PostgresStore)
            assert reading_server.read_only
    with open_store(postgres_database) as again:
        assert len(again.attempts()) == 2  # both addresses reached the same database


def test_open_store_raises_when_the_file_cannot_be_used(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="damaged") as caught:
        open_store(path)
    assert str(path) in str(caught.value)


NO_PSYCOPG = """
import sys
sys.modules["psycopg"] = None  # as if psycopg were not installed: importing it fails
import twitchlearn.export, twitchlearn.session, twitchlearn.storage, twitchlearn.teacher
from twitchlearn.errors import StoreError
from twitchlearn.storage import open_store, open_store_or_memory
with open_store("memory:") as store:
    store.record
try:
    open_store("postgresql://teacher:s3cret@db.example/class")
except StoreError as exc:
    print("refused:", exc)
store, problem = open_store_or_memory("postgres://teacher:s3cret@db.example/class")
print("fallback:", type(store).__name__, problem)
"""


def test_without_psycopg_a_server_address_is_refused_clearly() -> None:
    done = subprocess.run(
        [sys.executable, "-c", NO_PSYCOPG], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    refused, fallback = done.stdout.splitlines()
    assert refused.startswith("refused: PostgreSQL support is not installed")
    assert "pip install 'twitchlearn[postgres]'" in refused
    assert DB_ENV in refused
    assert fallback.startswith("fallback: MemoryStore PostgreSQL support is not installed")
    assert "s3cret" not in done.stdout + done.stderr


def _garbage_file(folder: Path) -> Path:
    path = folder / "progress.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    return path


def _under_a_file(folder: Path) -> Path:
    (folder / "not-a-folder").write_text("I am a file")
    return folder / "not-a-folder" / "progress.sqlite3"


def _a_directory(folder: Path) -> Path:
    return folder


@pytest.mark.parametrize(
    ("unusable", "says"),
    [(_garbage_file, "damaged"), (_under_a_file, "is a file"), (_a_directory, "cannot be opened")],
    ids=["garbage-file", "parent-is-a-file", "directory"],
)
def test_open_store_or_memory_falls_back_to_memory_and_says_why(
    tmp_path: Path, unusable: Callable[[Path], Path], says: str
) -> None:
    path = unusable(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the reason is returned, not warned
        store, problem = open_store_or_memory(path)
    with store:
        assert isinstance(store, MemoryStore)
        assert not store.persistent
        assert problem is not None
        assert str(path) in problem
        assert says in problem
        # The lessons still work: answers are kept for the session.
        attempt = store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
        assert store.latest("Ann", "7B") == {"q": attempt}
        assert store.due_for_review("Ann", "7B", T0) == ["q"]
    if before is not None:
        assert path.read_bytes() == before  # the unusable file is left as it was


def test_open_store_or_memory_uses_the_file_when_it_can(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    store, problem = open_store_or_memory(path)
    with store:
        assert problem is None
        assert isinstance(store, SQLiteStore)
        assert store.persistent
        store.record("Ann", "7B", "q", "a", grade("q", 0.0))
    assert raw_rows(path, "SELECT count(*) FROM attempts") == [(1,)]


def test_open_store_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env" / f"{uuid.uuid4()}.sqlite3"
    monkeypatch.setenv(DB_ENV, str(path))
    with open_store() as store:
        assert store.location == str(path)
        store.record("Ann", "7B", "q", "a", grade("q", 0.0))
    fallback_free, problem = open_store_or_memory()
    with fallback_free:
        assert problem is None
        assert fallback_free.location == str(path)
        assert len(fallback_free.attempts()) == 1


# --- where the file is ---------------------------------------------------------------------


def test_default_location_prefers_the_environment_variable(tmp_path: Path) -> None:
    env = {DB_ENV: f"  {tmp_path / 'x.sqlite3'} ", "XDG_DATA_HOME": "/elsewhere"}
    location = default_location(env)
    assert isinstance(location, str)
    assert location == str(tmp_path / "x.sqlite3")


def test_default_location_passes_other_locations_through() -> None:
    assert default_location({DB_ENV: "memory:"}) == "memory:"


def test_default_location_uses_xdg_data_home() -> None:
    env = {"XDG_DATA_HOME": "/data/home", DB_ENV: "  "}
    assert default_location(env) == str(Path("/data/home/twitchlearn/progress.sqlite3"))


@pytest.mark.parametrize("xdg", [None, "", "relative/path"])
def test_default_location_falls_back_to_local_share(xdg: str | None) -> None:
    env = {} if xdg is None else {"XDG_DATA_HOME": xdg}
    expected = Path.home() / ".local" / "share" / "twitchlearn" / "progress.sqlite3"
    assert default_location(env) == str(expected)


def test_default_location_reads_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "from-env.sqlite3"))
    assert default_location() == str(tmp_path / "from-env.sqlite3")


# === SQLite only: the file ==================================================================


def test_a_new_connection_reads_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with SQLiteStore(path) as store:
        saved = store.record("Ann", "7B", "coffee-mg", 250, grade("coffee-mg", 1.0), now=T0)
    with SQLiteStore(path) as store:  # a new connection reads what the first one saved
        (again,) = store.attempts()
    assert again == saved
    assert raw_rows(path, "SELECT learner, answer, answered_at FROM attempts") == [
        ("Ann", "250", "2025-03-01T12:00:00.000000Z")
    ]


# --- schema --------------------------------------------------------------------------------


def test_new_file_has_current_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "progress.sqlite3"
    SQLiteStore(path).close()
    assert raw_rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw_rows(path, "PRAGMA journal_mode") == [("wal",)]
    tables = {row[0] for row in raw_rows(path, "SELECT name FROM sqlite_master")}
    assert {"attempts", "reviews"} <= tables


def test_busy_timeout_is_set(sqlite_store: SQLiteStore) -> None:
    # A store that did not wait would fail the many-writers test; this says why.
    with sqlite_store._reading("test") as db:
        assert db.execute("PRAGMA busy_timeout").fetchone() == (10_000,)


def test_empty_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.touch()
    with SQLiteStore(path) as store:
        store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    assert raw_rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw_rows(path, "SELECT learner, answer FROM attempts") == [("Ann", '"a"')]


def test_version_1_file_is_upgraded_and_keeps_its_attempts(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with sqlite3.connect(path) as db:
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO attempts (learner, class_code, question_id, answer, score, max_score,"
            " correct, answered_at) VALUES ('Ann', '7B', 'q', '[\"a\",\"b\"]', 0.5, 1.0, 0,"
            " '2025-03-01T12:00:00.000000Z')"
        )
    db.close()
    with SQLiteStore(path) as store:
        (old,) = store.attempts()
        assert old.answer == ["a", "b"]
        assert old.answered_at == T0
        assert old.question_version == ""  # saved before versions were kept
        store.record("Ann", "7B", "q", ["a"], grade("q", 1.0), now=T0 + timedelta(days=1))
        assert store.review_states("Ann", "7B") == {}  # the review table exists and works
    assert raw_rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_file_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match=r"newer twitchlearn.*Upgrade twitchlearn"):
        SQLiteStore(path)


# --- many processes at once ----------------------------------------------------------------


def start_writer(
    path: Path | str, learner: str, count: int, *, wait: bool
) -> subprocess.Popen[str]:
    args = [sys.executable, str(WRITER), str(path), learner, str(count)]
    return subprocess.Popen(
        [*args, "--wait"] if wait else args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def expected_answer(learner: str, seq: int) -> dict[str, str]:
    return {"seq": str(seq), "learner": learner, "pad": "x" * 300}


def persistent_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty place for a persistent backend: a SQLite file that does not exist yet,
    or a new PostgreSQL database."""
    if backend == "postgres":
        location: str = request.getfixturevalue("postgres_database")
        return location
    return str(tmp_path / "shared.sqlite3")


def open_location(location: str) -> ProgressStore:
    return open_store(location)


@pytest.mark.parametrize("backend", PERSISTENT)
def test_twenty_processes_writing_at_once_lose_nothing(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    # Created by the writers themselves, all at once (the file, or the tables).
    path = persistent_location(backend, tmp_path, request)
    learners = [f"learner-{n:02d}" for n in range(20)]
    writers = [start_writer(path, learner, 100, wait=True) for learner in learners]
    try:
        for writer in writers:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready", writer.stderr
        for writer in writers:  # all open: now let them write together
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.close()
        failures = []
        for writer in writers:
            assert writer.stdout is not None
            assert writer.stderr is not None
            writer.stdout.read()  # a few hundred bytes each: never fills a pipe
            err = writer.stderr.read()
            if writer.wait(timeout=120) != 0:
                failures.append(err)
        assert failures == []
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
    with open_location(path) as store:
        saved = store.attempts()
        assert store.check() == []
    assert len(saved) == 2000
    assert [a.id for a in saved] == sorted({a.id for a in saved})
    assert Counter(a.learner for a in saved) == dict.fromkeys(learners, 100)
    for learner in learners:
        mine = [a for a in saved if a.learner == learner]
        assert [a.answer for a in mine] == [expected_answer(learner, s) for s in range(100)]
    # Ids and writes interleaved: the writers really overlapped.
    order = [a.learner for a in saved]
    assert sum(1 for a, b in itertools.pairwise(order) if a != b) > 19


@pytest.mark.parametrize("backend", PERSISTENT)
def test_writer_killed_mid_write_leaves_whole_attempts(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    path = persistent_location(backend, tmp_path, request)
    learner = "Killed"
    committed = 0  # attempts the writers reported as committed, over all three
    for stop_after in (30, 55, 80):  # three writers in turn, each killed while writing
        writer = start_writer(path, learner, 1_000_000, wait=False)
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
            for _line in writer.stdout:
                committed += 1
                if committed >= stop_after:
                    break
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
        assert writer.returncode == -signal.SIGKILL
    if backend == "sqlite":
        assert raw_rows(Path(path), "PRAGMA integrity_check") == [("ok",)]
    with open_location(path) as store:
        assert store.check() == []
        saved = store.attempts()
        states = store.review_states(learner, "class-1")
    rows = [(a.learner, a.class_code, a.question_id, a.answer_json, a.score) for a in saved]
    # Every attempt reported as committed is there (more may have committed before the kill).
    assert len(rows) >= committed
    # Each attempt and its review schedule were one transaction: the schedule is the one the
    # saved attempts give, never one of an attempt that was lost.
    expected: dict[str, ReviewState] = {}
    for attempt in saved:
        after = next_state(
            expected.get(attempt.question_id),
            correct=attempt.correct,
            answered_at=attempt.answered_at,
        )
        if after is not None:
            expected[attempt.question_id] = after
    assert states == dict(sorted(expected.items()))
    seen: Counter[int] = Counter()
    for row_learner, class_code, question_id, answer, score in rows:
        assert isinstance(answer, str)
        decoded = json.loads(answer)  # whole JSON, never a torn write
        seq = int(decoded["seq"])
        assert decoded == expected_answer(learner, seq)
        assert (row_learner, class_code, question_id) == (learner, "class-1", f"q{seq % 7}")
        assert score == (1.0 if seq % 2 == 0 else 0.0)
        seen[seq] += 1
    # Each writer restarted at seq 0, so seq n appears once per writer that got that far.
    counts = [seen[s] for s in range(max(seen) + 1)]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == len(rows)
    with open_location(path) as store:  # and the store opens and writes again
        store.record(learner, "class-1", "q0", "a", grade("q0", 1.0))


# --- files that cannot be used -------------------------------------------------------------


def test_garbage_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(StoreError, match=r"damaged or is not a twitchlearn database") as caught:
        SQLiteStore(path)
    message = str(caught.value)
    assert str(path) in message
    assert DB_ENV in message
    assert "Move the file aside" in message


def test_file_damaged_after_the_header_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with SQLiteStore(path) as store:
        for n in range(300):
            store.record(f"L{n}", "7B", "q", "x" * 200, grade("q", 0.0), now=T0)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page : len(data)] = os.urandom(len(data) - page)  # every page but the first
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=rf"{path.name} is damaged"):  # noqa: PT012
        store = SQLiteStore(path)
        store.attempts()
        store.record("Ann", "7B", "q", "a", grade("q", 0.0))


def test_read_only_store_refuses_writes_clearly(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with SQLiteStore(path) as store:
        kept = store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    with SQLiteStore(path, read_only=True) as store:
        assert store.attempts() == [kept]  # reading works
        with pytest.raises(StoreError, match=r"is read-only .* Make the file") as caught:
            store.record("Ann", "7B", "q", "b", grade("q", 1.0))
        assert str(path) in str(caught.value)
        assert DB_ENV in str(caught.value)
        assert store.attempts() == [kept]
    assert raw_rows(path, "SELECT count(*) FROM attempts") == [(1,)]


def test_read_only_missing_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite3"
    with pytest.raises(StoreError, match="cannot be opened"):
        SQLiteStore(path, read_only=True)
    assert not path.exists()


def test_parent_that_is_a_file_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("I am a file")
    path = blocker / "progress.sqlite3"
    with pytest.raises(StoreError, match=r"not-a-folder is a file, not a folder") as caught:
        SQLiteStore(path)
    assert DB_ENV in str(caught.value)
    assert blocker.read_text() == "I am a file"


def test_directory_as_database_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot be opened or written"):
        SQLiteStore(tmp_path)


# --- the review schedule, kept in the file -------------------------------------------------


def test_review_schedule_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with SQLiteStore(path) as store:
        store.record("Ann", "7B", "q", "b", grade("q", 0.0), now=T0)
        store.record("Ann", "7B", "q", "a", grade("q", 1.0), now=T0 + timedelta(minutes=1))
    with SQLiteStore(path) as store:
        assert store.review_states("Ann", "7B")["q"].box == 2
        assert store.due_for_review("Ann", "7B", T0 + timedelta(days=1)) == []
        assert store.due_for_review("Ann", "7B", T0 + timedelta(days=1, minutes=1)) == ["q"]
