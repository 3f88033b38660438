"""Fixtures of the store's tests: a store of every backend, and a real PostgreSQL server.

`backend_store` is a new, empty store of each backend in turn (tests/support/stores.py
BACKENDS): the contract suite. `postgres_server` starts one server for the whole run, on
first use (tests that never ask for it start nothing); `postgres_database` gives each test a
new, empty database. Without PostgreSQL's binaries the tests fail and say to run
`make test`, which installs them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import PostgresServer, postgres_for_fixture
from tests.support.stores import BACKENDS, open_backend
from twitchlearn.storage import ProgressStore


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from postgres_for_fixture()


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """The address (postgresql://...) of a new, empty database of its own, dropped after."""
    name = f"t_{uuid.uuid4().hex}"
    location = postgres_server.new_database(name)
    yield location
    postgres_server.drop_database(name)


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProgressStore]:
    """A new store of every backend in turn: the contract suite."""
    postgres = request.getfixturevalue("postgres_database") if request.param == "postgres" else None
    with open_backend(request.param, tmp_path, postgres) as opened:
        yield opened
