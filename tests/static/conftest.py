"""Fixtures of the static edition's tests: the built site (tools/static/build.py, reused when
its inputs are unchanged), served by `python -m http.server` on a free port of 127.0.0.1, and
one headless Chromium context in which every request outside 127.0.0.1 is blocked and counted.

One context for the whole module, as one learner's browser: the site's files stay in its
cache and its IndexedDB keeps the answers, so a reload must find them there.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Route,
    expect,
)

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "dist" / "static"
LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]")


class StaticSite:
    """dist/static (or another folder) served on 127.0.0.1; `outside` lists every request that
    tried to leave."""

    def __init__(self, folder: Path = SITE, log: Path | None = None) -> None:
        """`log`: where http.server writes its request lines (none by default)."""
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.outside: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                "-b",
                "127.0.0.1",
                "-d",
                str(folder),
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if log is None else log.open("ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:  # polling the server until it answers, not waiting for time to pass
            try:
                # our own server on 127.0.0.1, an http:// address built above
                with urllib.request.urlopen(f"{self.url}/jupyter-lite.json", timeout=5):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.2)

    def page_url(self, name: str) -> str:
        return f"{self.url}/voici/render/{name.removesuffix('.ipynb')}.html"

    def route(self, route: Route) -> None:
        if LOCAL.match(route.request.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def built_site() -> Path:
    """`make static`: build dist/static, or keep it when its inputs are unchanged."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "static" / "build.py")], check=True)
    assert (SITE / "voici" / "render" / "00_start_here.html").exists()
    return SITE


@pytest.fixture(scope="session")
def site(built_site: Path) -> Iterator[StaticSite]:
    served = StaticSite()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def context(browser: Browser, site: StaticSite) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.route("**/*", site.route)
    yield context
    context.close()


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """Each answer is a round trip through Pyodide on a shared machine: expect() waits up to
    90 s here (Playwright's 5 s elsewhere), on the real elements."""
    expect.set_options(timeout=90_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.set_default_timeout(90_000)  # each answer is a round trip through Pyodide
    yield page
    page.close(run_before_unload=True)
