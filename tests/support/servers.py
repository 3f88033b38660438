"""The test harness's real parts: a `twitchlearn serve` on a free port, Chromium's settings.

Shared by the browser tests (tests/browser/conftest.py) and `make bench` (bench/server.py),
so there is one way to start, wait for and stop the app.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from playwright.sync_api import Page, Route

ROOT = Path(__file__).resolve().parents[2]
TWITCHLEARN = str(Path(sys.executable).parent / "twitchlearn")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A cold 2-core machine can take most of a minute to start a kernel and import plotly, and
# several minutes for the explorer page (six case studies) when other work shares it.
FIRST_PAGE_TIMEOUT_MS = 240_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """A server a subclass started as `process`, in its own process group, logging to
    `log_path`: wait until it serves, read its log, stop it."""

    name = "server"
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes]

    def _wait_ready(self, ready_url: str, timeout: float = 120) -> None:
        """Poll `ready_url` (a static file or an API that starts no kernel)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2):  # noqa: S310 (our own http URL)
                    return
            except OSError:
                time.sleep(0.2)  # polling a port for readiness, not waiting for time to pass
        raise RuntimeError(f"{self.name} not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


class VoilaServer(ServerProcess):
    """`twitchlearn serve` in its own process group, with its log kept for assertions."""

    name = "Voila"

    def __init__(
        self,
        tmp: Path,
        *args: str,
        db: Path | str | None = None,
        cwd: Path | None = None,
        host: str | None = None,
        access_key: str | None = None,
        lean: bool = True,
    ) -> None:
        """With `host` (`--host`), `url` names that address; with `access_key`
        (`--access-key`), `key_query` is "?key=..." and readiness is polled with it.
        `lean`: `--class-size 2 --warm-pages 0` unless `args` say otherwise; without it, the
        shipped defaults (the bench measures those)."""
        self.port = free_port()
        self.url = f"http://{host or '127.0.0.1'}:{self.port}"
        self.key_query = f"?key={access_key}" if access_key else ""
        # Lean unless a test asks: the shipped defaults size the warm pools by this machine's
        # memory (up to 30 start-page kernels), which a test server does not need.
        if lean and "--class-size" not in args:
            args = ("--class-size", "2", *args)
        if lean and "--warm-pages" not in args:
            args = ("--warm-pages", "0", *args)
        if host is not None:
            args = ("--host", host, *args)
        if access_key is not None:
            args = ("--access-key", access_key, *args)
        self.log_path = tmp / f"voila-{self.port}.log"
        self.db = db or tmp / f"progress-{self.port}.sqlite3"
        env = {
            **os.environ,
            # Never read this machine's own Jupyter config or progress database.
            "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
            "TWITCHLEARN_DB": str(self.db),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("TWITCHLEARN_CONTENT", None)  # the course is what `args` say (--content)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [TWITCHLEARN, "serve", "--no-browser", "--port", str(self.port), *args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        # A static file: asking for a notebook would start a kernel.
        self._wait_ready(f"{self.url}/voila/static/voila.js{self.key_query}")


def only_to(host: str) -> Callable[[Route], None]:
    """A Playwright route handler: requests to `host` go on, every other one fails."""
    allowed = re.compile(rf"^(https?|wss?)://{re.escape(host)}[:/]")

    def route_handler(route: Route) -> None:
        if allowed.match(route.request.url):
            route.continue_()
        else:
            route.abort()

    return route_handler


local_only = only_to("127.0.0.1")


def wait_for_log(
    server: VoilaServer,
    pattern: str,
    timeout: float = 30,
    start: int = 0,
    page: Page | None = None,
) -> re.Match[str]:
    """Poll the server log (from character `start`) until `pattern` matches; fail if not.

    With `page`, Playwright's events (route handlers and the like) are served while polling.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = re.search(pattern, server.log()[start:])
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no {pattern!r} in the server log after {timeout} s")
        # polling a file for a condition, not waiting for time to pass
        if page is None:
            time.sleep(0.2)
        else:
            page.wait_for_timeout(200)


def open_page(page: Page, url: str, ready_selector: str) -> None:
    """Navigate and wait for a real element of the course, never a fixed sleep."""
    page.goto(url, wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS)
    page.wait_for_selector(ready_selector, timeout=FIRST_PAGE_TIMEOUT_MS)
