"""A real PostgreSQL server for the tests and the benchmark: started on a free port on
127.0.0.1 in a temporary folder, one fresh database per test, stopped when done.

    with running_postgres() as server:             # the benchmark, a script
        location = server.new_database()           # postgresql://postgres:...@127.0.0.1:PORT/t_...
        with open_store(location) as store: ...

The tests use the `postgres_server` fixture (tests/unit/conftest.py), which starts one server
for the whole run. Debian's packages put the binaries in /usr/lib/postgresql/<major>/bin;
`make test` installs them (`make postgresql`). `initdb` and `postgres` refuse to run as root,
so as root (CI, these machines) they run as the `postgres` user through `runuser`, in a
folder that user owns. The superuser has a password (scram-sha-256, also on 127.0.0.1), so
the tests of wrong credentials meet a real password check.

`durable=False` (the tests) turns fsync off: nothing here must survive a power cut, and the
tests are faster. The benchmark passes `durable=True` to measure the settings a school uses.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

__all__ = [
    "INSTALL_HINT",
    "PostgresMissing",
    "PostgresServer",
    "postgres_bin",
    "running_postgres",
]

PG_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = (
    "PostgreSQL is not installed on this machine (no /usr/lib/postgresql/*/bin/initdb), and "
    "the store's tests need a real server. Run `make test`, which installs it "
    "(or `make postgresql`)."
)


class PostgresMissing(RuntimeError):
    """No PostgreSQL binaries on this machine."""


def postgres_bin(root: Path = PG_ROOT) -> Path:
    """The bin folder of the newest PostgreSQL major installed. Raises PostgresMissing."""
    found = [
        path.parent
        for path in root.glob("*/bin/initdb")
        if path.parent.parent.name.isdigit() and os.access(path, os.X_OK)
    ]
    if not found:
        raise PostgresMissing(INSTALL_HINT)
    return max(found, key=lambda folder: int(folder.parent.name))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, on 127.0.0.1 and a free port."""

    user = "postgres"
    host = "127.0.0.1"

    def __init__(self, *, durable: bool = False) -> None:
        self.bin = postgres_bin()
        self.durable = durable
        self.password = secrets.token_urlsafe(18)
        self.folder = Path(tempfile.mkdtemp(prefix="twitchlearn-pg-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "postgres.log"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        self._running = False

    # -- running the binaries --------------------------------------------------------------

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=self.folder, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{tool} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{self.log()}"
            )
        return done

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> None:
        if self._as_root:
            shutil.chown(self.folder, user=self.user)
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self._as_root:
            shutil.chown(password_file, user=self.user)
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            self.user,
            "--pwfile",
            str(password_file),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        password_file.unlink()
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-c port={self.port}",
            f"-c unix_socket_directories={self.folder}",
            "-c max_connections=100",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log_path),
            "--options",
            " ".join(options),
            "--wait",
            "--timeout",
            "120",
            "start",
        )
        self._running = True

    def stop(self) -> None:
        try:
            if self._running:
                self._run("pg_ctl", "--pgdata", str(self.data), "--mode", "fast", "--wait", "stop")
                self._running = False
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- addresses and databases -----------------------------------------------------------

    def dsn(self, database: str = "postgres", *, password: str | None = None) -> str:
        """A postgresql:// address of `database` (with this server's password, or `password`)."""
        secret = self.password if password is None else password
        return (
            f"postgresql://{self.user}:{quote(secret, safe='')}@{self.host}:{self.port}/"
            f"{quote(database, safe='')}"
        )

    def _admin(self, sql: str) -> None:
        import psycopg  # the tests' dependency; imported only when a server is used

        with psycopg.connect(self.dsn(), autocommit=True) as admin:
            admin.execute(sql)

    def new_database(self, name: str | None = None) -> str:
        """Create a new, empty database (named `name`, or a random name); its address."""
        name = name or f"t_{uuid.uuid4().hex}"
        # FILE_COPY (PostgreSQL 15 and later) copies the small template's files at once: five
        # times faster here than logging every block (WAL_LOG, the default).
        strategy = " STRATEGY FILE_COPY" if int(self.bin.parent.name) >= 15 else ""
        self._admin(f'CREATE DATABASE "{name}"{strategy}')
        return self.dsn(name)

    def database(self, name: str) -> str:
        """The address of database `name`, created if it is not there yet."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if found.fetchone() is None:
                return self.new_database(name)
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_postgres(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A started PostgreSQL server, stopped (and its folder removed) on leaving."""
    server = PostgresServer(durable=durable)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def postgres_for_fixture() -> Iterator[PostgresServer]:
    """A fixture's running server (`yield from postgres_for_fixture()`): when PostgreSQL is
    not installed, the test fails saying how to install it, without a traceback."""
    try:
        server = PostgresServer()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        server.start()
        yield server
    finally:
        server.stop()
