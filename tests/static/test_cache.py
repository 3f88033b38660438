"""The static edition's service worker (tools/static/cache-first.js in front of JupyterLite's
service-worker.js, as built into dist/static): the site's files come from the browser's cache
after their first load, a new build is never served from an old build's cache, and the
learner's files (everything under api/) are never cached.

No Pyodide here: a small site of three files and the built service worker, so each step is
one fetch. Playwright's routing (which blocks and counts requests that leave 127.0.0.1) turns
the browser's HTTP cache off, so whatever comes back unchanged came from the worker's cache.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Page

from tests.static.conftest import LOCAL, StaticSite

pytestmark = [pytest.mark.browser]

BUILD_FILE = "twitchlearn-build.txt"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cache</title>
<script>navigator.serviceWorker.register("service-worker.js?enableCache=false")</script>
</head><body><p>cache</p></body></html>
"""


class Site:
    """A folder that stands for one build of the site, changed by the test like a server's."""

    def __init__(self, folder: Path, built: Path) -> None:
        self.folder = folder
        self.worker = (built / "service-worker.js").read_text(encoding="utf-8")
        self.build_id = (built / BUILD_FILE).read_text(encoding="utf-8").strip()
        assert f'TL_BUILD = "{self.build_id}"' in self.worker
        self.write("page.html", PAGE)
        self.write("jupyter-lite.json", "{}")  # what StaticSite asks for to see it is up
        self.deploy(self.build_id, "first build")

    def write(self, path: str, text: str) -> None:
        file = self.folder / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")

    def deploy(self, build_id: str, wheel: str) -> None:
        """A build: its service worker, its id and a file of it (a wheel, say).

        The new worker's file is dated two seconds after the old one's, as any real deploy is
        later than the one before. The browser checks its worker with If-Modified-Since, and
        http.server compares whole seconds: two deploys inside one second got 304 for every
        check, and the old worker stayed forever. That made this test fail now and then (CI,
        2026-12-01 and 12-02), and the failure was reproduced by giving both files one mtime.
        """
        worker = self.worker.replace(f'TL_BUILD = "{self.build_id}"', f'TL_BUILD = "{build_id}"')
        file = self.folder / "service-worker.js"
        before = file.stat().st_mtime if file.exists() else None
        self.write("service-worker.js", worker)
        if before is not None:
            os.utime(file, (before + 2, before + 2))
        self.write(BUILD_FILE, build_id + "\n")
        self.write("static/pyodide/course.whl", wheel)


@pytest.fixture
def small_site(built_site: Path, tmp_path: Path) -> Iterator[tuple[Site, StaticSite]]:
    site = Site(tmp_path / "site", built_site)
    served = StaticSite(site.folder, log=tmp_path / "server.log")
    yield site, served
    served.stop()


def fetched(page: Page, path: str) -> str:
    text: str = page.evaluate("p => fetch(p).then(r => r.text())", path)
    return text


def until_true(page: Page, script: str, arg: object = None) -> None:
    """Poll `script` (which may return a promise) until it gives true, for 30 s at most.
    Not page.wait_for_function: it takes a promise for true without waiting for it (seen
    2026-12-02: `() => Promise.resolve(false)` returned at once), so until_kept waited for
    nothing."""
    deadline = time.monotonic() + 30
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true in 30 s: {script}")
        time.sleep(0.1)  # polling the page, not waiting for time to pass


def until_kept(page: Page, path: str, build_id: str) -> None:
    """Wait until the worker's copy of `path` is in its cache. The worker hands the page the
    network's response and stores a copy after that (event.waitUntil), so on a busy machine
    the page's next request can come before the copy is stored; the run of tests/static of
    2026-12-02 06:10 failed that way ("changed on the server" where "first build" was meant)."""
    until_true(
        page,
        "([p, id]) => caches.open('twitchlearn-' + id).then(c => c.match(p)).then(r => !!r)",
        [path, build_id],
    )


def caches(page: Page) -> list[str]:
    names: list[str] = page.evaluate("async () => (await caches.keys()).sort()")
    return names


class WorkerVersions:
    """Chromium's own account of the site's service worker versions (the DevTools protocol's
    ServiceWorker domain): whether each is running, its state, and how many pages it
    controls; and the one step the browser's idle timer would take, which DevTools blocks
    (`stop_the_outgoing`)."""

    def __init__(self, page: Page) -> None:
        self.versions: dict[str, dict[str, object]] = {}
        self.stopped: list[str] = []
        self.session = page.context.new_cdp_session(page)
        self.session.on("ServiceWorker.workerVersionUpdated", self._updated)
        self.session.send("ServiceWorker.enable")

    def _updated(self, event: dict[str, list[dict[str, object]]]) -> None:
        for version in event["versions"]:
            self.versions[str(version["versionId"])] = version

    def stop_the_outgoing(self) -> None:
        """Stop the active version while a newer one waits (`ServiceWorker.stopWorker`), as
        the browser stops a worker that has been idle for 30 s when no DevTools is attached."""
        statuses = {str(v.get("status")) for v in self.versions.values()}
        if "installed" not in statuses:
            return
        for key, version in sorted(self.versions.items()):
            if version.get("status") == "activated" and version.get("runningStatus") == "running":
                self.session.send("ServiceWorker.stopWorker", {"versionId": key})
                self.stopped.append(key)

    def __str__(self) -> str:
        described = []
        for key, version in sorted(self.versions.items()):
            clients = version.get("controlledClients")
            described.append(
                f"version {key}: {version.get('status')}, {version.get('runningStatus')},"
                f" controls {len(clients) if isinstance(clients, list) else 0}"
            )
        stopped = f" (stopped through DevTools: {', '.join(self.stopped)})" if self.stopped else ""
        return "; ".join(described) + stopped


def workers_state(context: BrowserContext, page: Page, log: Path) -> str:
    """What the browser and the server say of the workers, for a failure's message."""
    seen = []
    for worker in context.service_workers:
        try:
            seen.append(
                worker.evaluate(
                    "() => [typeof TL_BUILD === 'undefined' ? null : TL_BUILD,"
                    " self.serviceWorker ? self.serviceWorker.state : null,"
                    " ['installing', 'waiting', 'active'].map(k => self.registration[k] &&"
                    " self.registration[k].state)]"
                )
            )
        except Error as error:
            seen.append(f"stopped: {error.message[:80]}")
    registration = page.evaluate(
        "() => navigator.serviceWorker.getRegistration().then(r => r ? ['installing',"
        " 'waiting', 'active'].map(k => r[k] && r[k].state) : null)"
    )
    checks = [line for line in log.read_text(encoding="utf-8").splitlines() if "service-" in line]
    return f"workers {seen}; the page's registration {registration}; server {checks[-6:]}"


# How long the new worker may wait behind the old one before the test stops the old one. In
# the 179 of 192 scratch runs of 2026-12-03 that needed no help, the whole flow from the first
# page load to the takeover took 0.5 to 6 s.
IDLE_STOP_AFTER = 10.0


def until_active(
    context: BrowserContext,
    page: Page,
    build_id: str,
    log: Path | None,
    versions: WorkerVersions,
) -> None:
    """Wait until the worker of `build_id` is the site's active one (each try asks the
    workers themselves; a worker being installed is not there yet). The page asks the
    browser to look for the new worker again every few seconds, as well as its own check after
    each navigation.

    If the new worker still waits after IDLE_STOP_AFTER seconds, the old one is stopped
    through DevTools, once. Why: Playwright attaches DevTools to every service worker, and
    Chromium does not stop a worker as idle while DevTools is attached
    (service_worker_version.cc, OnRequestTermination). When it can, Chromium asks the
    outgoing worker to go idle at once so the waiting one can take over; when it cannot, it
    only starts a five-minute timer (service_worker_registration.cc, kMaxLameDuckTime). A
    learner's browser (no DevTools) stops that worker after 30 s idle, or when the 5 min are
    up. Under Playwright it runs on, and the new worker waited: 13 of 192 scratch runs of
    this flow on 2026-12-03, with Playwright's routing on or off and with its network events
    for workers off (PLAYWRIGHT_DISABLE_SERVICE_WORKER_NETWORK), so neither of those is the
    cause. In the 3 such runs where the old worker was then stopped, the new one took over
    within 0.11 s and the next page load worked. The same flow under chromedriver, with no
    DevTools on the workers, never stuck (0 of 150, 2026-12-02). That Chromium took the
    five-minute path in those runs is read from its source, not seen. The stop only does what
    the browser's idle timer would: the new worker must still take over, and the old cache go,
    as the rest of the test checks."""
    deadline = time.monotonic() + 90
    idle_stop_at = time.monotonic() + IDLE_STOP_AFTER
    asked = 0.0
    while time.monotonic() < deadline:
        if time.monotonic() - asked > 5:
            asked = time.monotonic()
            # Also a request through the worker: it starts the active worker if the browser
            # had stopped it as idle, and a stopped worker is not in context.service_workers.
            page.evaluate(
                "() => navigator.serviceWorker.getRegistration()"
                ".then(r => r && r.update()).catch(() => undefined)"
                ".then(() => fetch('jupyter-lite.json')).catch(() => undefined)"
            )
        for worker in context.service_workers:
            try:
                if worker.evaluate(
                    "id => typeof TL_BUILD !== 'undefined' && TL_BUILD === id &&"
                    " self.registration.active !== null &&"
                    " self.registration.installing === null && self.registration.waiting === null",
                    build_id,
                ):
                    return
            except Error:  # a worker that stopped while asked
                continue
        if not versions.stopped and time.monotonic() > idle_stop_at:
            versions.stop_the_outgoing()
        time.sleep(0.2)  # polling the workers' state, not waiting for time to pass
    state = workers_state(context, page, log) if log is not None else ""
    state += f"; Chromium: {versions}"
    raise AssertionError(f"the worker of build {build_id} never became the active one; {state}")


def test_files_come_from_the_cache_and_a_new_build_replaces_them(
    browser: Browser, small_site: tuple[Site, StaticSite]
) -> None:
    site, served = small_site
    context = browser.new_context()
    context.route("**/*", served.route)
    page = context.new_page()
    versions = WorkerVersions(page)
    try:
        page.goto(f"{served.url}/page.html")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert fetched(page, "static/pyodide/course.whl") == "first build"
        until_kept(page, "static/pyodide/course.whl", site.build_id)
        site.write("static/pyodide/course.whl", "changed on the server, same build")
        # cache-first: the file kept from its first load
        assert fetched(page, "static/pyodide/course.whl") == "first build"
        assert caches(page) == ["precache", f"twitchlearn-{site.build_id}"]

        # a new build on the server: the next page load gets it, not the old cache's copy
        new_id = "0123456789abcdef"
        site.deploy(new_id, "second build")
        page.reload()
        assert fetched(page, "static/pyodide/course.whl") == "second build"
        # the new worker (its script differs) takes over and leaves only its own cache
        until_active(context, page, new_id, served.log, versions)
        page.reload()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert fetched(page, "static/pyodide/course.whl") == "second build"
        until_kept(page, "static/pyodide/course.whl", new_id)
        site.write("static/pyodide/course.whl", "changed again, same build")
        assert fetched(page, "static/pyodide/course.whl") == "second build"
        assert caches(page) == ["precache", f"twitchlearn-{new_id}"]
        assert served.outside == []
    finally:
        context.close()


def test_the_learners_files_are_never_cached(
    browser: Browser, small_site: tuple[Site, StaticSite]
) -> None:
    site, served = small_site
    site.write("api/contents/answers.json", '{"answers": 1}')
    context = browser.new_context()
    context.route("**/*", served.route)
    page = context.new_page()
    try:
        page.goto(f"{served.url}/page.html")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert fetched(page, "api/contents/answers.json") == '{"answers": 1}'
        site.write("api/contents/answers.json", '{"answers": 2}')
        assert fetched(page, "api/contents/answers.json") == '{"answers": 2}'
        assert fetched(page, "static/pyodide/course.whl") == "first build"
        until_kept(page, "static/pyodide/course.whl", site.build_id)  # this one is kept
        kept: list[str] = page.evaluate(
            "async () => { const out = [];"
            " for (const k of await caches.keys()) {"
            "   for (const r of await (await caches.open(k)).keys()) out.push(r.url); }"
            " return out; }"
        )
        assert kept
        assert not [url for url in kept if "/api/" in url], kept
    finally:
        context.close()


def test_a_new_build_is_not_taken_from_the_browsers_own_http_cache(
    browser: Browser, small_site: tuple[Site, StaticSite]
) -> None:
    """The worker's own requests go through the browser's HTTP cache (Playwright's routing
    covers only the page's). A file last changed a month ago may be kept there for days
    without asking the server (heuristic freshness: a tenth of its age, from Last-Modified),
    as a host's Cache-Control keeps it for its max-age. After a deploy, the old build's copy
    must not come back from there, nor be stored as the new build's.

    No routing here: it turns the HTTP cache off for the page (DevTools' cache switch), and
    with it this test passed while a learner's browser got the old file. Requests that leave
    127.0.0.1 are still counted, from the context's request events."""
    site, served = small_site
    wheel = site.folder / "static" / "pyodide" / "course.whl"
    month_ago = time.time() - 30 * 24 * 3600
    os.utime(wheel, (month_ago, month_ago))
    context = browser.new_context()
    outside: list[str] = []
    context.on("request", lambda r: None if LOCAL.match(r.url) else outside.append(r.url))
    page = context.new_page()
    try:
        page.goto(f"{served.url}/page.html")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert fetched(page, "static/pyodide/course.whl") == "first build"
        until_kept(page, "static/pyodide/course.whl", site.build_id)
        site.deploy("0123456789abcdef", "second build")
        page.reload()
        assert fetched(page, "static/pyodide/course.whl") == "second build"
        assert outside == []
    finally:
        context.close()


def test_a_worker_started_again_checks_its_build(
    browser: Browser, small_site: tuple[Site, StaticSite]
) -> None:
    """The browser stops an idle worker and starts it for the next request with its variables
    new; the start checks the build, as a page load does. Here the server names another build
    while the worker's script stays (so no new worker comes to take over), the worker is
    stopped (DevTools' ServiceWorker.stopAllWorkers), and a request that is not a page load
    starts it again: the old build's cache must go and the server's file come through."""
    site, served = small_site
    context = browser.new_context()
    context.route("**/*", served.route)
    page = context.new_page()
    try:
        page.goto(f"{served.url}/page.html")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        assert fetched(page, "static/pyodide/course.whl") == "first build"
        until_kept(page, "static/pyodide/course.whl", site.build_id)
        site.write(BUILD_FILE, "fedcba9876543210\n")
        site.write("static/pyodide/course.whl", "the server's file now")
        devtools = context.new_cdp_session(page)
        devtools.send("ServiceWorker.enable")
        devtools.send("ServiceWorker.stopAllWorkers")
        fetched(page, "jupyter-lite.json")  # starts the worker again
        until_true(page, "id => caches.has('twitchlearn-' + id).then(kept => !kept)", site.build_id)
        assert fetched(page, "static/pyodide/course.whl") == "the server's file now"
        assert served.outside == []
    finally:
        context.close()
