"""What only the PostgreSQL backend does: its schema, its errors, and its password, which
never appears in a message, a log line or `location`. A real server (tests/unit/conftest.py);
each test has a database of its own. The contract suite (test_store.py, test_store_duties.py)
runs against it too.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import psycopg
import pytest

from tests.support.postgres import PostgresServer, running_postgres
from tests.support.stores import T0, grade
from twitchlearn.errors import EmptyStore, StoreError
from twitchlearn.storage import DB_ENV, MemoryStore, open_store, open_store_or_memory
from twitchlearn.storage.postgres import SCHEMA_VERSION, PostgresStore, masked_location


def sql(location: str, query: str, *params: object) -> list[tuple[object, ...]]:
    """Rows read with a plain psycopg connection, not through the store."""
    with psycopg.connect(location, autocommit=True) as db:
        cursor = db.execute(query, params or None)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def everything_said(exc: BaseException) -> str:
    """The message, its repr and the traceback as a log would print it."""
    return "\n".join([str(exc), repr(exc), *traceback.format_exception(exc)])


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record of every logger, psycopg's debug lines included."""
    with caplog.at_level(logging.DEBUG):
        yield caplog


def assert_never_said(secret: str, logs: pytest.LogCaptureFixture, *texts: str) -> None:
    assert len(secret) >= 8  # long enough not to appear by chance
    for text in texts:
        assert secret not in text
    for record in logs.records:
        assert secret not in record.getMessage()
        assert secret not in logs.text


# --- the schema ----------------------------------------------------------------------------


def test_new_database_gets_the_current_schema(postgres_database: str) -> None:
    with PostgresStore(postgres_database) as store:
        saved = store.record("Ann", "7B", "q", 250, grade("q", 1.0), now=T0)
    assert sql(postgres_database, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    tables = {
        row[0]
        for row in sql(
            postgres_database,
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
        )
    }
    assert tables == {"attempts", "reviews", "events", "schema_version"}
    # Stored as typed, in columns any tool can read: a time with its zone, JSON, a boolean.
    assert sql(
        postgres_database,
        "SELECT id, learner, learner_key, class_key, answer, correct, answered_at FROM attempts",
    ) == [(saved.id, "Ann", "ann", "7b", "250", True, T0)]
    with PostgresStore(postgres_database) as again:  # a second open finds it ready
        assert again.attempts() == [saved]


def test_text_the_server_cannot_hold_is_kept_exactly(postgres_database: str) -> None:
    names = ["nul\x00inside", "\ufdd0mark", "plain Ann"]
    with PostgresStore(postgres_database) as store:
        for name in names:
            store.record(name, name, "q", "a", grade("q", 0.0), now=T0)
        assert [a.learner for a in store.attempts()] == names
        assert store.class_codes() == sorted(names)
        store.forget("nul\x00inside", "nul\x00inside", by="bad\x00teacher")
        assert [(e.learner, e.by) for e in store.events()] == [("nul\x00inside", "bad\x00teacher")]
    stored = [row[0] for row in sql(postgres_database, "SELECT learner FROM attempts ORDER BY id")]
    assert stored == ['\ufdd0"\\ufdd0mark"', "plain Ann"]  # only the odd one is wrapped


def test_database_of_a_newer_version_is_refused(postgres_database: str) -> None:
    PostgresStore(postgres_database).close()
    sql(postgres_database, "UPDATE schema_version SET version = version + 1")
    with pytest.raises(StoreError, match=r"newer twitchlearn.*Upgrade twitchlearn"):
        PostgresStore(postgres_database)


def test_read_only_store_neither_creates_nor_writes(postgres_database: str) -> None:
    with pytest.raises(EmptyStore, match="has nothing saved yet"):
        PostgresStore(postgres_database, read_only=True)
    assert sql(postgres_database, "SELECT to_regclass('attempts')") == [(None,)]
    with PostgresStore(postgres_database) as store:
        kept = store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    with PostgresStore(postgres_database, read_only=True) as reading:
        assert reading.attempts() == [kept]
        assert reading.check() == []
        with pytest.raises(StoreError, match=r"is opened read-only .* Open it without") as caught:
            reading.record("Ann", "7B", "q", "b", grade("q", 1.0), now=T0 + timedelta(hours=1))
        assert "\n" not in str(caught.value)
        assert reading.attempts() == [kept]


def test_check_names_tables_someone_removed(postgres_database: str) -> None:
    with PostgresStore(postgres_database) as store:
        assert store.check() == []
        sql(postgres_database, "DROP TABLE events")
        (problem,) = store.check()
    assert problem.startswith(f"The progress database {store.location} lacks the tables events")


# --- a server that is down, lost, or says no -----------------------------------------------


def test_a_server_that_is_not_running_gives_a_clear_error(
    postgres_server: PostgresServer, logs: pytest.LogCaptureFixture
) -> None:
    with running_postgres() as stopped_later:
        address = stopped_later.dsn()
    # That server is stopped now: nothing listens on its port.
    with pytest.raises(StoreError) as caught:
        open_store(address)
    message = str(caught.value)
    assert message.startswith(
        f"Cannot reach the PostgreSQL server for postgresql://postgres:***@127.0.0.1:"
        f"{stopped_later.port}/postgres ("
    )
    assert "Check that the server is running" in message
    assert DB_ENV in message
    assert "\n" not in message
    assert_never_said(stopped_later.password, logs, everything_said(caught.value))


def test_a_wrong_password_gives_a_clear_error_and_is_never_shown(
    postgres_server: PostgresServer, postgres_database: str, logs: pytest.LogCaptureFixture
) -> None:
    wrong = "not-the-password-4711"
    address = postgres_database.replace(postgres_server.password, wrong)
    with pytest.raises(StoreError, match="refused the user name or password of postgres") as caught:
        open_store(address)
    assert "Put the right user and password" in str(caught.value)
    fallback, problem = open_store_or_memory(address)
    assert isinstance(fallback, MemoryStore)
    assert problem is not None
    assert_never_said(wrong, logs, everything_said(caught.value), problem, masked_location(address))
    assert_never_said(postgres_server.password, logs, everything_said(caught.value), problem)


def test_a_missing_database_gives_a_clear_error(
    postgres_server: PostgresServer, logs: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(
        StoreError, match=r"does not exist on its server .*\(createdb nowhere\)"
    ) as caught:
        open_store(postgres_server.dsn("nowhere"))
    assert_never_said(postgres_server.password, logs, everything_said(caught.value))


def test_an_address_that_cannot_be_read_is_not_repeated(logs: pytest.LogCaptureFixture) -> None:
    secret = "s3cret-in-a-bad-address"  # noqa: S105 (a made-up password, for the test)
    for address in (
        f"postgresql://teacher:{secret}@db.example/class extra",
        f"postgresql://teacher:{secret}@db.example/class?nonsense=1",
    ):
        with pytest.raises(
            StoreError, match=r"cannot be read\. Write it as postgresql://"
        ) as caught:
            open_store(address)
        assert_never_said(secret, logs, everything_said(caught.value))


def test_location_never_shows_the_password(postgres_server: PostgresServer) -> None:
    assert masked_location("postgresql://teacher:pa55word!@db.school:5433/course") == (
        "postgresql://teacher:***@db.school:5433/course"
    )
    assert masked_location("postgres://db.school/course") == "postgresql://db.school/course"
    assert masked_location("postgresql://teacher@db.school/course?password=pa55word!") == (
        "postgresql://teacher:***@db.school/course"
    )
    with PostgresStore(postgres_server.database("masked")) as store:
        assert postgres_server.password not in store.location + repr(store)
        assert "***" in store.location


def test_a_role_with_an_odd_password_and_no_rights(
    postgres_server: PostgresServer, postgres_database: str, logs: pytest.LogCaptureFixture
) -> None:
    odd = "p@ss:w/rd %41 'quoted'"  # every character an address must escape
    name = postgres_database.rsplit("/", 1)[1]
    admin = postgres_server.dsn()
    sql(admin, "DROP ROLE IF EXISTS teacher")
    sql(admin, "DROP ROLE IF EXISTS visitor")
    escaped = odd.replace("'", "''")
    sql(admin, f"CREATE ROLE teacher LOGIN PASSWORD '{escaped}'")
    sql(admin, "CREATE ROLE visitor LOGIN PASSWORD 'visitor-password'")
    sql(admin, f'ALTER DATABASE "{name}" OWNER TO teacher')
    try:
        port = postgres_server.port
        teacher = f"postgresql://teacher:{quote(odd, safe='')}@127.0.0.1:{port}/{name}"
        with open_store(teacher) as store:  # the owner may create the tables
            store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
            assert store.location == f"postgresql://teacher:***@127.0.0.1:{port}/{name}"
        visitor = f"postgresql://visitor:visitor-password@127.0.0.1:{port}/{name}"
        with pytest.raises(StoreError) as caught:
            open_store(visitor)
        message = str(caught.value)
        assert message.startswith("The PostgreSQL user of postgresql://visitor:***@")
        assert "Ask the database's owner to grant" in message
        assert_never_said("visitor-password", logs, everything_said(caught.value))
        assert quote(odd, safe="") not in logs.text
        assert odd not in logs.text
    finally:
        sql(admin, f'ALTER DATABASE "{name}" OWNER TO postgres')


def test_a_lost_connection_fails_once_then_connects_again(
    postgres_server: PostgresServer, postgres_database: str
) -> None:
    name = postgres_database.rsplit("/", 1)[1]
    with PostgresStore(postgres_database) as store:
        first = store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
        killed = sql(
            postgres_server.dsn(),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND application_name = 'twitchlearn'",
            name,
        )
        assert killed == [(True,)]
        with pytest.raises(StoreError, match="Lost the connection to the PostgreSQL server"):
            store.attempts()
        assert store.attempts() == [first]  # connected again
        store.record("Ann", "7B", "q", "b", grade("q", 1.0), now=T0 + timedelta(minutes=1))
        assert len(store.attempts()) == 2


def test_check_says_when_the_server_went_away(logs: pytest.LogCaptureFixture) -> None:
    with running_postgres() as server:
        store = PostgresStore(server.new_database())
    with store:  # its server is stopped now: the connection it had is gone
        (lost,) = store.check()
        assert lost.startswith("Lost the connection to the PostgreSQL server for postgresql://")
        with pytest.raises(StoreError, match="Cannot reach the PostgreSQL server"):
            store.attempts()  # it tries to connect again
        (problem,) = store.check()
        assert problem.startswith(
            "Cannot reach the PostgreSQL server for postgresql://postgres:***@"
        )
        assert "Check that the server is running" in problem
    assert_never_said(server.password, logs, lost)
    assert_never_said(server.password, logs, problem)
