"""The course as a standalone Voila web app, with production settings.

Not part of the core or the ui: this module runs the server and imports Voila and
jupyter_server, which the browser edition of the course never loads.

What it changes in Voila 0.5, and why:
- It serves the pages of one content folder (`twitchlearn.loading.content_dir`): the
  notebooks are written from the loaded content into a temporary folder when the server
  starts (`twitchlearn.app.notebooks`), and the kernels get the same folder through
  TWITCHLEARN_CONTENT. Voila's root holds nothing else: no teacher notebooks, no files.
- It reads no voila.json or voila.py: not from the folder it starts in, not from the user's
  Jupyter paths. The settings here are the settings.
- `/` opens the start page instead of a file list.
- The page handler sets the `_xsrf` cookie. Voila's page sends it with the shutdown beacon
  when a tab closes; without the cookie the beacon gets 403 and the kernel lives on.
- `PoolSafeKernelManager` culls idle kernels but spares warm pool kernels, and gives a
  kernel handed to a page a full idle timeout to connect. Culling them broke pages
  ("404 Kernel does not exist") when a preheated pool had sat idle past the timeout. It logs
  one "Cull pass: ..." line a pass (every quarter of the timeout, at most 30 s).
- Warm kernels for every page: `--class-size N` for the start page (default: what a sixth of
  the free memory holds, from 2 up to 30, `defaults.default_class_size`), so a class of N
  arriving at once each gets one, and `--warm-pages K` (default 1) for each other page, so
  "Next" opens a lesson whose kernel has already started and imported the course. A warm
  kernel learns its page's request (query, learner cookie, hub user) when a page takes it
  (`twitchlearn.preheat`, through Voila's `/voila/query/<kernel>` websocket, which only this
  machine may open). Voila starts a replacement for every kernel handed out, all at once,
  and those took the CPU from the learners' pages (a class of 30: p95 21 s against 5 s,
  docs/performance.md); `--refill-at-once K` (`PoolSafeKernelManager.refill_at_once`,
  default 1) prepares only K (kernel started, course imported) at a time, start page first.
  Warm kernels follow the class (`--follow-class`, `twitchlearn.app.follow`): the page after
  one that learners are on keeps one more warm kernel for each of them, so a class opening
  the next lesson together does not wait for the pool to prepare kernels one by one.
- Pages that draw no chart (notebook metadata `twitchlearn.charts: false`) do not load
  plotly's renderer extension, 4.7 MB of the 9.6 MB of JavaScript every Voila page fetched.
- Kernels talk to the server over Unix sockets (`ipc`), not TCP: about 30 kernels starting
  together sometimes died with "ZMQError: Address already in use" (two kernels given the
  same free port).
- Every request passes the gate first (`twitchlearn.app.gate`): a Host header that names
  another server gets 403 (DNS rebinding); a server on an address other than 127.0.0.1, ::1
  or localhost (`--host`) wants the class's access key. Voila sets `allow_remote_access`,
  which turns jupyter_server's own Host check off, and that check (in `JupyterHandler`) would
  miss Voila's static file handlers and allows only loopback addresses, not a LAN address;
  so the gate wraps the tornado application's `find_handler`, in front of every handler.
  `/projector` shows the class link and its QR code (`twitchlearn.app.projector`).
- The teacher's live class view (`twitchlearn.site.CLASS_VIEW_PAGE`, `twitchlearn.ui.classview`)
  is one more page, linked from no learner's page, behind the teacher key on every host
  (`--teacher-key`, or a new one each start; printed, never on the projector page). The
  kernels get the key in TWITCHLEARN_TEACHER_KEY, so the page's kernel checks it too.
- Kernel cap (`--max-kernels`): a page request when the kernels in use (pages and the warm
  pool) reach it gets a 503 "The course is busy" page with Retry-After, and starts none.
  A kernel whose client hung up before its page was sent is shut down at once; a page that
  was sent has `--connect-seconds` to open its websocket (see `PoolSafeKernelManager`).
- Lab extension files whose names carry a content hash are sent with a year-long
  `Cache-Control: immutable` (`_Headers`), so a page after the first loads them from the
  browser's cache instead of asking for each again.
- Template static files: a path that is not `<template>/static/<file>` is a 404, not the
  500 that Voila's handler gave traversal attempts.
- Kernel stderr and tracebacks are logged, not sent to the page (`twitchlearn.app.channels`).
- Voila tries no other port when the one asked for is taken (it did, and the printed link
  was then wrong): the server stops with Voila's message instead.
- Behind JupyterHub (`--behind-hub`, deploy/jupyterhub/shared): the course is one
  hub-managed service behind `jhsingle-native-proxy --forward-user-info`, which logs learners
  in through the hub and passes Voila the path after the service's prefix (`--base-url`: the
  pages' links name it, the handlers listen at `/`). Each page's kernel gets the proxy's
  user header (`HUB_HEADER`) as HTTP_X_CDSDASHBOARDS_JH_USER (twitchlearn.identity). The
  server listens on loopback only (the proxy is its only client, and it replaces a user
  header the browser sent); every request must carry the proxy's key (`PROXY_KEY_HEADER`,
  the key the proxy put in PROXY_KEY_ENV when it started this server; see
  deploy/jupyterhub/shared/course_proxy.py), else a plain 403; the Host check is off,
  since the proxy passes on the hub's own Host header; no projector page; kernels get no
  cookies. Warm kernels work there as on one machine: the query websocket wants each warm
  kernel's own query key (`Gate.query_key`, in that kernel's environment only), not the
  proxy's key, which no kernel holds, and nothing else opens with a query key.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import json
import os
import re
import secrets
import socket
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import jinja2
import tornado.httputil
import tornado.ioloop
import tornado.web
from jupyter_server._tz import utcnow
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets import Dict, Float, Integer
from traitlets.config import Config
from voila import notebook_renderer
from voila.app import Voila
from voila.exporter import VoilaExporter
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from twitchlearn import site
from twitchlearn.app import notebooks
from twitchlearn.app.defaults import (
    DEFAULT_CLASS_SIZE,
    DEFAULT_CONNECT_SECONDS,
    DEFAULT_CULL_IDLE_SECONDS,
    DEFAULT_CULL_INTERVAL_SECONDS,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_REFILL_AT_ONCE,
    DEFAULT_REFILL_QUIET_SECONDS,
    DEFAULT_WARM_PAGES,
    REFILL_HOLD_MOST_SECONDS,
)
from twitchlearn.app.follow import next_pages, pool_targets
from twitchlearn.app.gate import (
    BUSY_PAGE,
    COOKIE,
    HOST_REFUSED,
    KEY_PAGE,
    PROJECTOR_PATH,
    QUERY_KEY_ENV,
    QUERY_KEY_HEADER,
    QUERY_REFUSED,
    TEACHER_PAGE,
    Gate,
    gate_for,
    is_teacher_path,
    needs_key,
    url_host,
)
from twitchlearn.app.projector import projector_page
from twitchlearn.app.static_files import KnownFileFind, KnownMultiStatic, KnownTemplateFiles
from twitchlearn.identity import TEACHER_KEY_ENV, TEACHER_PARAM
from twitchlearn.loading import CONTENT_ENV, load_content
from twitchlearn.site import CLASS_VIEW_PAGE, START_PAGE

__all__ = [
    "PoolSafeKernelManager",
    "TwitchlearnVoila",
    "chart_free_notebooks",
    "cull_interval",
    "kernel_reach",
    "plotly_only_where_charts",
    "run",
    "voila_config",
]

# The user header jhsingle-native-proxy --forward-user-info sets (the hub user as JSON).
HUB_HEADER = "X-CDSDASHBOARDS-JH-USER"
# Behind the hub, the proxy proves each request is its own with this header and key.
PROXY_KEY_HEADER = "X-Twitchlearn-Proxy-Key"
PROXY_KEY_ENV = "TWITCHLEARN_PROXY_KEY"
NOT_THE_PROXY = "Only JupyterHub's proxy may open this server. Open the course from the hub."
BUSY_RETRY_SECONDS = 10  # the busy page's Retry-After
IOPUB_SECONDS = 60  # a cell's output may come this long after its reply (`voila_config`)
CLIENT_CHECK_SECONDS = 0.5  # how often a page being made checks that its client is there


@attrs.define
class _PageKernel:
    """What one page request did with kernels: shared (through `_PAGE`) between the page
    handler and the kernel manager, which starts or hands out the kernel deep inside Voila."""

    notebook: str = ""  # the page asked for (Voila's notebook path, as its pools name it)
    fresh: bool = False  # the page starts a kernel of its own (not a warm one from the pool)
    claimed: bool = False  # holds one of the `max_kernels` places until its kernel exists
    kernel_id: str | None = None
    gone: bool = False  # the client hung up before the page was sent


# Set by the page handler in its own request task, read by the kernel manager's calls that
# Voila awaits in that task (a task copies the context it was created in: pool refills that a
# page request causes see the record too, but never as `fresh`).
_PAGE: ContextVar[_PageKernel | None] = ContextVar("twitchlearn_page", default=None)

# Warm kernels that have run their notebook up to `twitchlearn.preheat.request_environment`
# and wait there for a page (they opened the query websocket): kernel id -> set when it did.
_WAITING: dict[str, asyncio.Event] = {}


def _waiting(kernel_id: str) -> asyncio.Event:
    return _WAITING.setdefault(kernel_id, asyncio.Event())


class _RequestInfo(RequestInfoSocketHandler):  # type: ignore[misc]
    """Voila's query websocket, on which a warm kernel waits for its page's request (the
    learner cookie and the query string among it): only this machine may open it, with the
    kernel's own query key (`Gate.query_key`; the gate checks it first, and lets it through
    without the class or proxy key for that reason), and the pool learns that the kernel got
    that far."""

    def prepare(self) -> None:
        gate: Gate = self.settings["twitchlearn_gate"]
        kernel_id = str(self.path_kwargs.get("kernel_id", ""))
        given = self.request.headers.get(QUERY_KEY_HEADER)
        if not (
            gate.peer_is_local(self.request.remote_ip) and gate.query_key_matches(kernel_id, given)
        ):
            raise tornado.web.HTTPError(403)

    def open(self, kernel_id: str) -> None:
        super().open(kernel_id)
        _waiting(kernel_id).set()


def refill_wait(
    now: float, *, began: float, last_handout: float, arriving: bool, quiet: float, most: float
) -> float:
    """Seconds a pool refill is still to wait (0: start now), for `PoolSafeKernelManager`.

    A class arriving at once takes the warm kernels within a second or two, and then its pages
    still have their scripts to fetch and their websockets to open, on the same CPU that
    preparing a replacement kernel (about a CPU-second) would take. So a refill waits while a
    page handed a kernel has not connected (`arriving`, which also covers page requests still
    waiting for a kernel) and until `quiet` seconds have passed since the last hand-out, but
    never more than `most` seconds from when it began to wait (`began`): a page that never
    connects holds no refill for long. While pages are arriving, the answer is the time to
    look again unless a connection comes first.
    """
    left = most - (now - began)
    if left <= 0:
        return 0.0
    if arriving:
        return min(left, quiet) if quiet > 0 else 0.0
    return max(0.0, min(left, quiet - (now - last_handout)))


class _Slots:
    """At most `size` preparations at a time, the start page's before the others'."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._queue: list[tuple[int, int, asyncio.Future[None]]] = []
        self._count = 0

    async def acquire(self, first: bool) -> None:
        if self._free > 0 and not self._queue:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._count += 1
        heapq.heappush(self._queue, (0 if first else 1, self._count, future))
        try:
            await future  # the slot is handed over by release()
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # handed over just as this waiter was cancelled: pass it on
            raise

    def release(self) -> None:
        while self._queue:
            _, _, future = heapq.heappop(self._queue)
            if not future.done():
                future.set_result(None)
                return
        self._free += 1


class PoolSafeKernelManager(AsyncMappingKernelManager):
    """Culls idle kernels, except warm pool kernels and kernels a page has not reached yet;
    caps the live kernels; frees the kernels of pages that never connect.

    Voila's pool wrapper (a subclass of this class) already spares kernels while they sit in
    the pool, but a kernel handed to a page keeps the last activity of when the pool prepared
    it, and has no connection until the browser has loaded the page's scripts: a culling pass
    in that window removed it. Here such a kernel gets a full idle timeout, counted from the
    first pass that sees it out of the pool, to connect.

    The cap (`max_kernels`): a page request is refused (the page handler sends the busy page)
    when the kernels in use reach it. In use: the page kernels, live or starting, plus the
    warm pool counted at its full size (a page that takes a warm kernel makes the pool start
    a replacement), plus the page requests that passed the check and have no kernel yet.

    Pages that never connect: when the client hangs up before its page was sent, its kernel is
    shut down at once (or as soon as it has started); when the page was sent, its kernel must
    get a websocket within `connect_seconds`, or it is shut down.
    """

    refill_at_once = Integer(
        DEFAULT_REFILL_AT_ONCE,
        config=True,
        help="Pool kernels prepared at the same time (0: no limit, Voila's way). Voila starts "
        "a replacement for every kernel it hands out, so a class of 30 arriving at once starts "
        "30 kernels at once, competing for the CPU with the pages being served.",
    )
    refill_quiet_seconds = Float(
        DEFAULT_REFILL_QUIET_SECONDS,
        config=True,
        help="With refill_at_once > 0: a pool refill waits until the pages just handed a warm "
        "kernel have connected and no page has been handed one for this long (at most "
        f"{REFILL_HOLD_MOST_SECONDS} s), so a class arriving at once is served before the "
        "pool prepares their replacements. 0: refill at once.",
    )
    max_kernels = Integer(
        0,
        config=True,
        help="Kernels in use (pages and the warm pool) at most; a page request over it gets "
        "the busy page. 0: no cap.",
    )
    connect_seconds = Integer(
        DEFAULT_CONNECT_SECONDS,
        config=True,
        help="Seconds a page's kernel has, after the page was sent, to get its websocket; "
        "then it is shut down. 0: wait for the culler.",
    )
    follow_class = Integer(
        0,
        config=True,
        help="Warm kernels a page adds, at most, for the learners on the page before it "
        "(twitchlearn.app.follow). 0: each page keeps only its own.",
    )
    next_pages = Dict(
        config=True, help="Each page's next page in course order (twitchlearn.app.follow)."
    )

    def __init__(self, **kwargs: Any) -> None:
        # Set before Voila's pool wrapper (our subclass) starts the first fill in its __init__.
        self._refill_slots: _Slots | None = None
        # pages handed a warm kernel and not connected yet: kernel id -> when (loop time)
        self._arriving: dict[str, float] = {}
        self._last_handout = float("-inf")
        self._arrival_news = asyncio.Event()  # a page connected, or its kernel went
        self._calm: asyncio.Future[None] | None = None
        self._warm: set[str] = set()  # started for the pool, not handed to a page yet
        self._warm_starting = 0
        self._claims = 0
        self._shutdowns: set[asyncio.Future[None]] = set()
        voila_initialize = getattr(self, "_initialize", None)
        if voila_initialize is not None:
            # an instance attribute shadows the wrapper's method, which its fills call
            self._initialize = self._gated(voila_initialize)
        voila_rendered = getattr(self, "get_rendered_notebook", None)
        if voila_rendered is not None:
            self.get_rendered_notebook = self._handed_out(voila_rendered)
        super().__init__(**kwargs)
        self._waiting_since: dict[str, datetime] = {}
        self._connected_once: set[str] = set()
        self._learners_on: dict[str, str] = {}  # page kernel id -> its page, for following
        self._own_sizes: dict[str, int] | None = None  # each page's own warm kernels
        self._surplus_since: dict[str, datetime] = {}
        self._stopping = False

    def _gated(
        self, voila_initialize: Callable[..., Awaitable[dict[str, Any]]]
    ) -> Callable[..., Awaitable[dict[str, Any]]]:
        """Voila's pool preparation of one kernel (start it, run the notebook up to where it
        waits for its page), with at most `refill_at_once` preparations running, the start
        page's first; a slot is held until the notebook has run or waits for its page."""

        async def initialize(
            notebook_path: str, kernel_id: str | None = None, **kwargs: Any
        ) -> dict[str, Any]:
            if kernel_id is not None or self.refill_at_once <= 0:  # a restart, or no limit
                return await voila_initialize(notebook_path, kernel_id, **kwargs)
            if self._refill_slots is None:
                self._refill_slots = _Slots(self.refill_at_once)
            await self._after_arrivals()
            await self._refill_slots.acquire(first=notebook_path == START_PAGE)
            try:
                content = await voila_initialize(notebook_path, None, **kwargs)
                waiting = asyncio.ensure_future(_waiting(content["kernel_id"]).wait())
                with contextlib.suppress(Exception):  # the page shows a failed run as usual
                    await asyncio.wait(
                        {waiting, asyncio.shield(content["task"])},
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                waiting.cancel()
                return content
            finally:
                self._refill_slots.release()

        return initialize

    async def _after_arrivals(self) -> None:
        """Wait, before a pool refill, until the pages just handed a kernel have connected
        and no page has been handed one for `refill_quiet_seconds` (`refill_wait`). One task
        does the waiting for every refill that asks."""
        if self.refill_quiet_seconds <= 0:
            return
        if self._calm is None or self._calm.done():
            self._calm = asyncio.ensure_future(self._until_calm())
        await asyncio.shield(self._calm)

    async def _until_calm(self) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        while True:
            arriving = [t for k, t in self._arriving.items() if k in self._kernels]
            wait = refill_wait(
                loop.time(),
                began=began,
                last_handout=self._last_handout,
                arriving=bool(arriving) or self._claims > 0,
                quiet=self.refill_quiet_seconds,
                most=REFILL_HOLD_MOST_SECONDS,
            )
            if wait <= 0:
                break
            self._arrival_news.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrival_news.wait(), wait)
        if loop.time() - began >= 0.05:
            self.log.info("Pool refill waited %.1f s for the arriving pages", loop.time() - began)

    def _handed_out(
        self, voila_rendered: Callable[..., Awaitable[tuple[Any, Any, str]]]
    ) -> Callable[..., Awaitable[tuple[Any, Any, str]]]:
        """Voila's hand-out of a warm kernel to a page: the kernel becomes the page's."""

        async def get_rendered_notebook(*args: Any, **kwargs: Any) -> tuple[Any, Any, str]:
            notebook = kwargs.get("notebook_name", args[0] if args else None)
            pools: dict[str, list[asyncio.Future[Any]]] = getattr(self, "_pools", {})
            waiting = pools.get(notebook) if isinstance(notebook, str) else None
            ready = bool(waiting) and waiting[0].done()  # type: ignore[index]
            result = await voila_rendered(*args, **kwargs)
            kernel_id = result[2]
            # One line a page: whether the warm kernel was ready, or still being prepared
            # (the page waited for it); the following test and an operator read it.
            self.log.info(
                "%s got a warm kernel %s", notebook, "that was ready" if ready else "still starting"
            )
            self._warm.discard(kernel_id)
            page = _PAGE.get()
            if page is not None:
                self._page_has(page, kernel_id)
            return result

        return get_rendered_notebook

    # -- the cap --------------------------------------------------------------------------

    def _configured(self, notebook: str) -> int:
        """The warm kernels `notebook`'s pool is to hold now (Voila's `kernel_pools_config`)."""
        pools: dict[str, dict[str, Any]] = getattr(self, "kernel_pools_config", {}) or {}
        default = pools.get("default", {})
        return int(pools.get(notebook, default).get("pool_size", default.get("pool_size", 0)))

    def _pool_size(self) -> int:
        """The warm kernels of every page's pool at its full size."""
        return sum(self._configured(notebook) for notebook in getattr(self, "_pools", {}))

    def kernels_in_use(self) -> int:
        """Page kernels (live or starting) + the warm pool at its full size + claims."""
        live = set(self._kernels) | set(getattr(self, "_pending_kernels", {}))
        warm = len(self._warm & live) + self._warm_starting
        pages = max(0, len(live - self._warm) - self._warm_starting)
        return pages + max(self._pool_size(), warm) + self._claims

    def claim_page(self, page: _PageKernel) -> bool:
        """Whether a page request may have a kernel; if so, it holds a place until it has."""
        if self.max_kernels > 0 and self.kernels_in_use() >= self.max_kernels:
            return False
        page.claimed = True
        self._claims += 1
        return True

    def release_claim(self, page: _PageKernel) -> None:
        if page.claimed:
            page.claimed = False
            self._claims -= 1

    def _with_query_key(self, kwargs: dict[str, Any]) -> None:
        """A warm kernel's id, chosen here, and its query key in its environment (only its
        own: `Gate.query_key`), so it can learn its page's request (`twitchlearn.preheat`).
        A fresh kernel gets no key."""
        env = dict(kwargs.get("env") or {})
        env.pop(QUERY_KEY_ENV, None)
        gate = getattr(self.parent, "gate", None)
        if env.get("VOILA_PREHEAT") == "True" and isinstance(gate, Gate):
            kernel_id = kwargs.get("kernel_id") or self.new_kernel_id()
            kwargs["kernel_id"] = kernel_id
            env[QUERY_KEY_ENV] = gate.query_key(kernel_id)
        kwargs["env"] = env

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        self._with_query_key(kwargs)
        env = kwargs.get("env") or {}
        warm = env.get("VOILA_PREHEAT") == "True"
        page = _PAGE.get()
        mine = page if page is not None and page.fresh and not warm else None
        if mine is not None:
            # From here the starting kernel counts as a page kernel (jupyter_client lists it
            # as pending before it first yields), so the claim is no longer needed.
            self.release_claim(mine)
        if warm:
            self._warm_starting += 1
        try:
            kernel_id: str = await super().start_kernel(*args, **kwargs)
        finally:
            if warm:
                self._warm_starting -= 1
        if warm:
            self._warm.add(kernel_id)
        if mine is not None and mine.kernel_id is None:
            self._page_has(mine, kernel_id)
        return kernel_id

    # -- pages that never connect ---------------------------------------------------------

    def _page_has(self, page: _PageKernel, kernel_id: str) -> None:
        page.kernel_id = kernel_id
        self._arriving[kernel_id] = self._last_handout = asyncio.get_running_loop().time()
        self.release_claim(page)
        if self.follow_class > 0 and page.notebook in self.next_pages:
            self._learners_on[kernel_id] = page.notebook
            self._follow()
        if page.gone:
            self.page_abandoned(page)

    def page_abandoned(self, page: _PageKernel) -> None:
        """The client hung up before its page was sent: free its kernel now (or once it has
        started: `_page_has`)."""
        page.gone = True
        self.release_claim(page)
        kernel_id = page.kernel_id
        if kernel_id is not None and kernel_id in self._kernels:
            self.log.info("Page closed before it was sent: shutting down kernel %s", kernel_id)
            self._shutdown_soon(kernel_id)

    def page_sent(self, page: _PageKernel) -> None:
        """The page was sent: its kernel has `connect_seconds` to get a websocket."""
        kernel_id = page.kernel_id
        if kernel_id is None or self.connect_seconds <= 0:
            return
        loop = asyncio.get_event_loop()
        loop.call_later(self.connect_seconds, self._unless_connected, kernel_id)

    def _unless_connected(self, kernel_id: str) -> None:
        if kernel_id not in self._kernels or kernel_id in self._connected_once:
            return
        if self._kernel_connections.get(kernel_id, 0):
            return
        self.log.info(
            "Kernel %s: its page did not connect within %d s; shutting it down",
            kernel_id,
            self.connect_seconds,
        )
        self._shutdown_soon(kernel_id)

    def _shutdown_soon(self, kernel_id: str) -> None:
        task = asyncio.ensure_future(self._shutdown_quietly(kernel_id))
        self._shutdowns.add(task)  # a reference until it is done (asyncio keeps a weak one)
        task.add_done_callback(self._shutdowns.discard)

    async def _shutdown_quietly(self, kernel_id: str) -> None:
        with contextlib.suppress(KeyError, RuntimeError):  # already gone
            if kernel_id in self._kernels:
                await self.shutdown_kernel(kernel_id, now=True)

    def notify_connect(self, kernel_id: str) -> None:
        self._connected_once.add(kernel_id)
        if self._arriving.pop(kernel_id, None) is not None:
            self._arrival_news.set()
        super().notify_connect(kernel_id)

    # -- following the class (twitchlearn.app.follow) ------------------------------------

    def _own(self) -> dict[str, int]:
        """Each page's own warm kernels, as configured at the start."""
        if self._own_sizes is None:
            pages = set(self.next_pages) | set(self.next_pages.values())
            self._own_sizes = {page: self._configured(page) for page in pages}
        return self._own_sizes

    def _follow(self) -> None:
        """Set each page's pool to its own warm kernels plus one for each learner on the
        page before it, and start what is missing; what is too many goes in `_trim`."""
        if self._stopping:
            return
        own = self._own()
        room = None
        if self.max_kernels > 0:  # one place is always left for a page request
            followers = self._pool_size() - sum(own.values())
            room = self.max_kernels - 1 - (self.kernels_in_use() - followers)
        targets = pool_targets(self._learners_on, self.next_pages, own, self.follow_class, room)
        # Voila's pool wrapper (our subclass) has these; it reads the sizes at every fill.
        pools: dict[str, list[Any]] = getattr(self, "_pools", {})
        sizes: dict[str, dict[str, Any]] = getattr(self, "kernel_pools_config", {})
        fill: Callable[..., None] | None = getattr(self, "fill_if_needed", None)
        for page, target in targets.items():
            if target == self._configured(page):
                continue
            sizes[page] = {**sizes.get(page, sizes.get("default", {})), "pool_size": target}
            self.log.info("Following the class: %d warm kernels for %s", target, page)
            if fill is not None and target > len(pools.get(page, ())):
                fill(delay=0, notebook_name=page)

    def _trim(self) -> None:
        """Warm kernels over a pool's size for a whole idle timeout (the learners they were
        for went elsewhere) are shut down, as idle kernels are."""
        now = utcnow()
        pools: dict[str, list[asyncio.Future[Any]]] = getattr(self, "_pools", {})
        for page, pool in pools.items():
            surplus = len(pool) - self._configured(page)
            if surplus <= 0:
                self._surplus_since.pop(page, None)
                continue
            since = self._surplus_since.setdefault(page, now)
            if now - since < timedelta(seconds=self.cull_idle_timeout):
                continue
            ready = [t for t in pool if t.done() and not t.cancelled() and t.exception() is None]
            extra = ready[len(ready) - min(surplus, len(ready)) :]
            for task in extra:
                pool.remove(task)  # out of the pool first: no page can take it now
                self._shutdown_soon(task.result()["kernel_id"])
            self._surplus_since.pop(page, None)
            if extra:  # (the surplus may all be still starting: then the next pass)
                self.log.info(
                    "Shut down %d warm kernels of %s that no learner came for", len(extra), page
                )

    # -- culling --------------------------------------------------------------------------

    def _pool_kernels(self) -> dict[str, datetime]:
        """Warm kernels in Voila's pools, with their last activity."""
        found: dict[str, datetime] = {}
        pools: dict[str, list[Any]] = getattr(self, "_pools", {})
        for pool in pools.values():
            for task in pool:
                ready = task.done() and not task.cancelled() and task.exception() is None
                kernel_id = task.result().get("kernel_id") if ready else None
                if kernel_id in self._kernels:
                    found[kernel_id] = getattr(self._kernels[kernel_id], "last_activity", utcnow())
        return found

    async def cull_kernels(self) -> None:
        self._trim()
        pooled = self._pool_kernels()
        for kernel_id in pooled:
            # In the pool: the clock for "handed out, not connected" starts when it leaves.
            self._waiting_since.pop(kernel_id, None)
        await super().cull_kernels()
        now = utcnow()
        oldest = max((int((now - seen).total_seconds()) for seen in pooled.values()), default=0)
        waiting = [k for k in self._waiting_since if k in self._kernels]
        # One line a pass, so an operator (and the culling test) can see the culler at work.
        self.log.info(
            "Cull pass: %d kernels, %d warm in the pool (idle up to %d s, spared), "
            "%d waiting for their page",
            len(self._kernels),
            len(pooled),
            oldest,
            len(waiting),
        )

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if kernel_id in self._pool_kernels():
            return  # warm and waiting for a learner: idle on purpose
        if self._kernel_connections.get(kernel_id, 0):
            self._connected_once.add(kernel_id)
            self._waiting_since.pop(kernel_id, None)
        elif kernel_id not in self._connected_once:
            # Handed to a page (or just started) but not connected yet: its last activity may
            # be from when the pool prepared it. Count idleness from when the culler first saw
            # it out of the pool.
            first_seen = self._waiting_since.setdefault(kernel_id, utcnow())
            if utcnow() - first_seen < timedelta(seconds=self.cull_idle_timeout):
                return
        await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        self._waiting_since.pop(kernel_id, None)
        self._connected_once.discard(kernel_id)
        if self._arriving.pop(kernel_id, None) is not None:
            self._arrival_news.set()
        self._warm.discard(kernel_id)
        if self._learners_on.pop(kernel_id, None) is not None:
            self._follow()
        _WAITING.pop(kernel_id, None)
        RequestInfoSocketHandler._cache.pop(kernel_id, None)  # the request's cookies, too
        await super().shutdown_kernel(kernel_id, *args, **kwargs)

    async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
        self._stopping = True  # the server stops: no warm kernel follows anyone now
        if self._calm is not None:
            self._calm.cancel()
        await super().shutdown_all(*args, **kwargs)


def _send_page(handler: tornado.web.RequestHandler, status: int, body: str) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(body)


class _PageHandler(TornadoVoilaHandler):  # type: ignore[misc]
    """Voila's page handler, plus the `_xsrf` cookie its unload beacon needs, the kernel cap,
    and the kernel of a page whose client hung up freed at once."""

    _page: _PageKernel | None = None

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        _ = self.xsrf_token  # reading it sets the cookie
        manager = self.kernel_manager
        page = _PageKernel(notebook=(path or "").lstrip("/"))
        if isinstance(manager, PoolSafeKernelManager) and not manager.claim_page(page):
            self.log.warning("Busy: %d kernels in use; refused %s", manager.max_kernels, path)
            self.set_header("Retry-After", str(BUSY_RETRY_SECONDS))
            _send_page(self, 503, BUSY_PAGE)
            return
        self._page = page
        _PAGE.set(page)
        watcher = asyncio.ensure_future(self._watch_client(page))
        try:
            # TornadoVoilaHandler.get, stopping when the client has gone
            async for html in self.get_generator(path=path):
                if page.gone:
                    break
                self.write(html)
                self.flush()
        finally:
            watcher.cancel()
            if isinstance(manager, PoolSafeKernelManager):
                manager.release_claim(page)

    async def _watch_client(self, page: _PageKernel) -> None:
        """Notice a client that hung up while the page is still being made. Tornado learns it
        only when a write fails, and Voila writes nothing while a kernel starts; a peek at the
        socket (it reads nothing) sees the end of the stream."""
        stream = getattr(self.request.connection, "stream", None)
        sock = getattr(stream, "socket", None)
        while sock is not None and not page.gone:
            await asyncio.sleep(CLIENT_CHECK_SECONDS)
            try:
                data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                self._client_gone()
                return

    def _client_gone(self) -> None:
        page = self._page
        manager = self.kernel_manager
        if page is not None and not page.gone and isinstance(manager, PoolSafeKernelManager):
            manager.page_abandoned(page)

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if not self._finished:
            self._client_gone()

    def on_finish(self) -> None:
        super().on_finish()
        page = self._page
        manager = self.kernel_manager
        if page is not None and not page.gone and isinstance(manager, PoolSafeKernelManager):
            manager.page_sent(page)

    def should_use_rendered_notebook(self, *args: Any) -> bool:
        # A warm kernel learns this request's query and cookies when it is handed over
        # (`twitchlearn.preheat`), so `?learner=` and the learner cookie need no fresh kernel.
        use = bool(super().should_use_rendered_notebook(*args))
        if self._page is not None:
            self._page.fresh = not use
        return use


class _TemplateFiles(KnownTemplateFiles):
    """Voila's template static files, with a 404 (not a 500 from a failed assert or split)
    for a path that is not `<template>/static/<file>`, such as a traversal attempt."""

    def parse_url_path(self, url_path: str) -> str:
        parts = os.path.normpath(url_path).split(os.path.sep)
        if (
            len(parts) < 3
            or parts[1] != "static"
            or not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*", parts[0])
            or ".." in parts
        ):
            raise tornado.web.HTTPError(404)
        try:
            return str(super().parse_url_path(url_path))
        except (ValueError, AssertionError, OSError) as exc:
            raise tornado.web.HTTPError(404) from exc

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        try:
            found: str | None = super().validate_absolute_path(root, absolute_path)
        except (ValueError, AssertionError, OSError) as exc:  # no root for that template
            raise tornado.web.HTTPError(404) from exc
        return found


class _Refusal(tornado.web.RequestHandler):
    """The answer to a request the gate stops: any method, one status, one short body."""

    def initialize(self, status: int, body: str, content_type: str) -> None:
        self._status = status
        self._body = body
        self._content_type = content_type

    def prepare(self) -> None:
        self.set_status(self._status)
        self.set_header("Content-Type", self._content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(self._body)

    def check_xsrf_cookie(self) -> None:
        """A refusal changes nothing, so it needs no xsrf token."""


class _ProjectorHandler(tornado.web.RequestHandler):
    """The projector page (see `twitchlearn.app.projector`)."""

    def initialize(self, gate: Gate) -> None:
        self._gate = gate

    def get(self) -> None:
        _send_page(self, 200, projector_page(self._gate.class_link, self._gate.key))


# A lab extension's build outputs carry a hash of their content in their names
# (`remoteEntry.c8c9eed2cdefdeac.js`, `121.5c5a442bc10a67ee.js`): the same name is the same
# bytes, so the browser may keep them without asking again.
_HASHED_ASSET = re.compile(r"/voila/labextensions/.+[./][0-9a-f]{16,}\.(?:js|css|woff2?|svg)")
IMMUTABLE = "public, max-age=31536000, immutable"


class _Headers(tornado.web.OutputTransform):
    """Two headers the server adds to what Voila sends:

    - the access-key cookie, on the answer to a request that brought a valid `?key=` (the
      gate marks such requests), so later requests from its pages need no key;
    - a year-long `Cache-Control: immutable` on hashed lab-extension files (`_HASHED_ASSET`).
      jupyter server sends them with `no-cache`, so every page asked for each of its 90-odd
      scripts again (a 304 each, after a round trip). Files without a hash keep theirs.
    """

    def __init__(self, request: tornado.httputil.HTTPServerRequest) -> None:
        self._cookie: str | None = getattr(request, "twitchlearn_cookie", None)
        self._hashed = bool(_HASHED_ASSET.search(request.path))

    def transform_first_chunk(
        self,
        status_code: int,
        headers: tornado.httputil.HTTPHeaders,
        chunk: bytes,
        finishing: bool,
    ) -> tuple[int, tornado.httputil.HTTPHeaders, bytes]:
        if self._cookie is not None:
            headers.add("Set-Cookie", self._cookie)
        if self._hashed and status_code in (200, 304):
            headers["Cache-Control"] = IMMUTABLE
        return status_code, headers, chunk


class _GatedApplication(tornado.web.Application):
    """Voila's tornado application behind the gate (`twitchlearn.app.gate`): every request,
    websockets and static files included, is checked before any handler runs."""

    def find_handler(
        self, request: tornado.httputil.HTTPServerRequest, **kwargs: Any
    ) -> tornado.web._HandlerDelegate:
        gate: Gate = self.settings["twitchlearn_gate"]
        proxy_key: str | None = self.settings.get("twitchlearn_proxy_key")
        query_path: str = self.settings["twitchlearn_query_path"]
        if request.path.startswith(query_path):
            # A warm kernel of this server, waiting for its page (`_RequestInfo`): its own
            # query key from this machine, never through the hub's proxy (whose key is on
            # every request it passes on), whatever other key it has.
            kernel_id = request.path[len(query_path) :]
            if (
                gate.host_allowed(request.host)
                and gate.peer_is_local(request.remote_ip)
                and PROXY_KEY_HEADER not in request.headers
                and gate.query_key_matches(kernel_id, request.headers.get(QUERY_KEY_HEADER))
            ):
                return super().find_handler(request, **kwargs)
            return self._refuse(request, 403, QUERY_REFUSED, "text/plain; charset=utf-8")
        if QUERY_KEY_HEADER in request.headers:  # a query key opens the query route only
            return self._refuse(request, 403, QUERY_REFUSED, "text/plain; charset=utf-8")
        if proxy_key is not None:  # behind the hub: the proxy's key, and no Host check
            given = request.headers.get(PROXY_KEY_HEADER, "")
            if not secrets.compare_digest(given.encode(), proxy_key.encode()):
                return self._refuse(request, 403, NOT_THE_PROXY, "text/plain; charset=utf-8")
        elif not gate.host_allowed(request.host):
            return self._refuse(request, 403, HOST_REFUSED, "text/plain; charset=utf-8")
        if gate.key is not None:
            given = request.query_arguments.get("key", [b""])[-1].decode("utf-8", "replace")
            cookie = request.cookies.get(COOKIE)
            if gate.key_matches(given):
                if cookie is None or not gate.key_matches(cookie.value):
                    request.twitchlearn_cookie = gate.cookie_header()  # type: ignore[attr-defined]
            elif not (
                (cookie is not None and gate.key_matches(cookie.value))
                or (request.path == PROJECTOR_PATH and gate.peer_is_local(request.remote_ip))
            ):
                return self._refuse(request, 403, KEY_PAGE, "text/html; charset=utf-8")
        # Behind the hub there is no teacher key: the page's kernel lets in only hub admins
        # and the teacher group (`identity.teacher_allowed`), from the user header the proxy
        # sets.
        if is_teacher_path(request.path) and proxy_key is None:
            teacher = request.query_arguments.get(TEACHER_PARAM, [b""])[-1]
            if not gate.teacher_matches(teacher.decode("utf-8", "replace")):
                return self._refuse(request, 403, TEACHER_PAGE, "text/html; charset=utf-8")
        return super().find_handler(request, **kwargs)

    def _refuse(
        self, request: tornado.httputil.HTTPServerRequest, status: int, body: str, kind: str
    ) -> tornado.web._HandlerDelegate:
        target = {"status": status, "body": body, "content_type": kind}
        return self.get_handler_delegate(request, _Refusal, target)


class TwitchlearnVoila(Voila):  # type: ignore[misc]
    """Voila serving the course: `/` is the start page; pages can shut their kernels down;
    the gate (`twitchlearn.app.gate`) in front of every request."""

    name = "twitchlearn"
    gate: Gate | None = None  # set by `run` before the app starts
    behind_hub = False  # set by `run`: a JupyterHub service (see the module docstring)
    proxy_key: str | None = None  # set by `run` behind the hub: the proxy's key

    def init_handlers(self) -> list[Any]:
        handlers: list[Any] = []
        for handler in super().init_handlers():
            if len(handler) >= 2 and handler[1] is TornadoVoilaHandler:
                handler = (handler[0], _PageHandler, *handler[2:])
            elif len(handler) >= 2 and handler[1] is TemplateStaticFileHandler:
                handler = (handler[0], _TemplateFiles, *handler[2:])
            elif len(handler) >= 2 and handler[1] is MultiStaticFileHandler:
                handler = (handler[0], KnownMultiStatic, *handler[2:])
            elif len(handler) >= 2 and handler[1] is FileFindHandler:
                handler = (handler[0], KnownFileFind, *handler[2:])
            elif len(handler) >= 2 and handler[1] is RequestInfoSocketHandler:
                handler = (handler[0], _RequestInfo, *handler[2:])
            handlers.append(handler)
        start = url_path_join(self.base_url, "voila/render", START_PAGE)  # what the browser asks
        home = (url_path_join(self.server_url, "/?"), tornado.web.RedirectHandler, {"url": start})
        if self.behind_hub:  # the hub's login is the way in: no class link to show
            return [home, *handlers]
        projector = (PROJECTOR_PATH, _ProjectorHandler, {"gate": self._gate()})
        return [home, projector, *handlers]

    def _gate(self) -> Gate:
        if self.gate is None:
            self.gate = gate_for(self.ip, self.port)
        return self.gate

    def start(self) -> None:
        """Voila's start, with the application behind the gate, and the addresses printed
        once the server listens."""
        # Voila's renderer makes its exporter by this name, for every page (no config for it)
        notebook_renderer.VoilaExporter = _Exporter
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        self.log.info("Storing connection files in %s.", self.connection_dir)
        self.log.info("Serving static files from %s.", self.static_root)
        settings = self.init_settings()
        self.app = _GatedApplication(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.transforms.append(_Headers)
        self.app.add_handlers(".*$", self.init_handlers())
        tornado.ioloop.IOLoop.current().add_callback(self._announce)
        self.listen()

    def _announce(self) -> None:
        gate = self._gate()
        print(f"Listening on {url_host(self.ip)}:{self.port}", flush=True)
        if self.behind_hub:
            print(f"Serving JupyterHub's proxy at {self.base_url}", flush=True)
            return
        if gate.key is not None:
            print(f"Class link (give it to your learners): {gate.class_link}", flush=True)
        print(f"Projector page (open it on this computer): {gate.projector_link}", flush=True)
        print(f"Class view (for you only, do not show it): {gate.teacher_link}", flush=True)

    def init_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = super().init_settings()
        settings["twitchlearn_gate"] = self._gate()
        settings["twitchlearn_query_path"] = url_path_join(self.server_url, "voila/query/")
        settings["twitchlearn_proxy_key"] = self.proxy_key if self.behind_hub else None
        return settings


# The course's Voila template, shipped inside the package (see pyproject's package-data).
TEMPLATE = "twitchlearn"
SHARE = Path(__file__).with_name("share")

PLOTLY_EXTENSION = "jupyterlab-plotly"


class _CompiledTemplates(jinja2.BytecodeCache):
    """The page templates, compiled once for the server's life.

    Voila makes a new exporter, and so a new Jinja environment, for every page it renders
    (and for every warm kernel it prepares), and each new environment compiled the page's
    templates again: in a class of 30 arriving at once, 168 compilations took about a sixth
    of the server's main thread (cProfile, docs/performance.md). Jinja's bytecode cache is
    its own answer: the code is kept by template and checked against the template's source,
    so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _CompiledTemplates()


class _Exporter(VoilaExporter):  # type: ignore[misc]
    """Voila's exporter, its templates compiled once (`_CompiledTemplates`)."""

    def _create_environment(self) -> jinja2.Environment:
        environment: jinja2.Environment = super()._create_environment()
        environment.bytecode_cache = _TEMPLATES
        return environment


def chart_free_notebooks(app_dir: Path) -> frozenset[str]:
    """Notebooks in `app_dir` whose metadata says they draw no chart (`twitchlearn.charts`
    false). A notebook that does not say keeps every extension."""
    names = set()
    for path in app_dir.glob("*.ipynb"):
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        if metadata.get("twitchlearn", {}).get("charts") is False:
            names.add(path.name)
    return frozenset(names)


def plotly_only_where_charts(chart_free: frozenset[str]) -> Callable[..., dict[str, Any]]:
    """Voila's `page_config_hook`: leave the plotly renderer out of pages without charts.

    Voila loads every installed extension on every page, so each lesson and the start page
    fetched and parsed plotly.js (4.7 MB) for nothing; the explorer still gets it as a static
    file (revalidated with a 304 and no body after the first time).
    """

    def hook(page_config: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if Path(str(kwargs.get("notebook_path") or "")).name in chart_free:
            page_config["federated_extensions"] = [
                ext
                for ext in page_config.get("federated_extensions", [])
                if ext.get("name") != PLOTLY_EXTENSION
            ]
        return page_config

    return hook


def kernel_reach(host: str) -> str:
    """The address this machine's kernels use to reach a server bound to `host`: the bound
    address itself, or 127.0.0.1 for a wildcard or `localhost`."""
    if host in {"", "0.0.0.0", "localhost"}:  # noqa: S104 (a name, not a bind)
        return "127.0.0.1"
    return "::1" if host == "::" else host


def cull_interval(cull_idle_seconds: int) -> int:
    """Seconds between culling passes: a quarter of the timeout, from 1 s up to 30 s.

    A kernel goes at most one interval after its timeout, so short timeouts (the culling
    test uses 20 s) need short intervals for the test to see several passes in a minute.
    """
    return max(1, min(DEFAULT_CULL_INTERVAL_SECONDS, cull_idle_seconds // 4))


def voila_config(
    *,
    port: int,
    open_browser: bool,
    pool_size: int,
    cull_idle_seconds: int,
    warm_pages: int = DEFAULT_WARM_PAGES,
    refill_at_once: int = DEFAULT_REFILL_AT_ONCE,
    chart_free: frozenset[str] = frozenset(),
    host: str = DEFAULT_HOST,
    max_kernels: int = 0,
    connect_seconds: int = DEFAULT_CONNECT_SECONDS,
    base_url: str = "/",
    behind_hub: bool = False,
    follow_class: int = 0,
    order: Sequence[str] = (),
) -> Config:
    """The production settings: set here, not left to whoever starts the server.

    `base_url`: the path the browser sees the course under, when a proxy in front passes on
    only the rest of the path (jhsingle-native-proxy). `behind_hub`: kernels also get the
    hub user header (see the module docstring; `run` checks the rest)."""
    c = Config()
    # No voila.json or voila.py from the working folder or the user's Jupyter paths: Voila
    # reads them after this config and lets them win (a voila.json in the folder where the
    # server started once made it listen on 0.0.0.0, and a voila.py ran its code).
    c.Voila.config_file_paths = []
    c.Voila.ip = host  # `--ip` is ignored by Voila 0.5; the trait is not
    c.Voila.port = port
    c.Voila.port_retries = 0  # the printed links name this port: no other one
    if base_url.strip("/"):
        c.Voila.base_url = f"/{base_url.strip('/')}/"  # the pages' links and scripts
        c.Voila.server_url = "/"  # the handlers: the proxy strips the prefix
    c.Voila.kernel_websocket_connection_class = "twitchlearn.app.channels.QuietChannelsConnection"
    c.Voila.open_browser = open_browser
    c.VoilaConfiguration.strip_sources = True
    # The course's own template (app/share/voila/templates/twitchlearn; found through
    # JUPYTER_PATH, see `run`): header, lesson menu, readable type, plain loading words.
    c.VoilaConfiguration.template = TEMPLATE
    # Each page's kernel gets the request's cookies as HTTP_COOKIE: the learner the browser
    # remembers (twitchlearn.identity.remembered_learner) reaches pages opened without a query.
    # Behind the hub it gets the hub user header instead, and no cookies: the hub user is the
    # learner there, and the browser's cookies for the hub (its login among them) have no
    # business in a kernel, or in what a warm kernel is sent (`_RequestInfo`).
    c.VoilaConfiguration.http_header_envs = [HUB_HEADER] if behind_hub else ["Cookie"]
    c.VoilaConfiguration.show_tracebacks = False
    # How long Voila waits, after a cell's reply, for the rest of its output (nbclient's
    # default is 4 s). On 2 cores, with ten warm lesson kernels building their widgets at the
    # same moment, a cell's output came later than that: Voila logged "Timeout waiting for
    # IOPub output" and sent the page without the cell's widgets, a lesson with no quiz and
    # no error (seen in the bench's class that moves on together).
    c.VoilaExecutor.iopub_timeout = IOPUB_SECONDS
    # The teacher's class view is in no listing of Voila's (/voila/tree, /voila/api/contents).
    c.ContentsManager.hide_globs = [
        "__pycache__",
        "*.pyc",
        "*.pyo",
        ".DS_Store",
        "*~",
        CLASS_VIEW_PAGE,
    ]
    c.VoilaConfiguration.page_config_hook = plotly_only_where_charts(chart_free)
    c.VoilaConfiguration.multi_kernel_manager_class = "twitchlearn.app.server.PoolSafeKernelManager"
    if pool_size > 0 or warm_pages > 0:
        c.VoilaConfiguration.preheat_kernel = True
        c.VoilaConfiguration.default_pool_size = 0
        c.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": warm_pages},
            START_PAGE: {"pool_size": pool_size},
            # The teacher's page is opened now and then, by one person: no kernel waits for it.
            CLASS_VIEW_PAGE: {"pool_size": 0},
        }
    c.PoolSafeKernelManager.refill_at_once = refill_at_once
    c.PoolSafeKernelManager.max_kernels = max_kernels
    c.PoolSafeKernelManager.connect_seconds = connect_seconds
    if pool_size > 0 or warm_pages > 0:
        c.PoolSafeKernelManager.follow_class = follow_class
        c.PoolSafeKernelManager.next_pages = next_pages(order)
    # No TCP ports to race for when many kernels start at once (see the module docstring).
    c.KernelManager.transport = "ipc"
    c.MappingKernelManager.cull_idle_timeout = cull_idle_seconds
    c.MappingKernelManager.cull_interval = cull_interval(cull_idle_seconds)
    return c


def run(
    *,
    content: str | os.PathLike[str] | None = None,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    pool_size: int = DEFAULT_CLASS_SIZE,
    cull_idle_seconds: int = DEFAULT_CULL_IDLE_SECONDS,
    warm_pages: int = DEFAULT_WARM_PAGES,
    refill_at_once: int = DEFAULT_REFILL_AT_ONCE,
    notebooks_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    host: str = DEFAULT_HOST,
    access_key: str | None = None,
    max_kernels: int = 0,
    connect_seconds: int = DEFAULT_CONNECT_SECONDS,
    base_url: str = "/",
    behind_hub: bool = False,
    teacher_key: str | None = None,
    follow_class: int = 0,
) -> None:
    """Serve the course in `content` (see `content_dir`) until interrupted (SIGINT, SIGTERM).

    `notebooks_dir` serves a folder of notebooks as they are instead of writing the course's
    pages (the benchmark's one-label baseline uses it). On a `host` that needs a key
    (`twitchlearn.app.gate.needs_key`), `access_key` is the class's key, or a new one.
    `behind_hub`: a JupyterHub service behind its proxy (see the module docstring); only on
    a loopback `host`, with the proxy's key in PROXY_KEY_ENV.
    `teacher_key` opens the class view (default: a new one). `follow_class`: warm kernels a
    page adds, at most, for the learners on the page before it (`twitchlearn.app.follow`).
    """
    # The proxy's key, out of the environment before any kernel could inherit it.
    proxy_key = os.environ.pop(PROXY_KEY_ENV, "") or None
    # Query keys go to each warm kernel as it starts (`Gate.query_key`), never to them all.
    os.environ.pop(QUERY_KEY_ENV, None)
    if behind_hub and (needs_key(host) or proxy_key is None):
        raise ValueError("behind the hub: loopback only, and the proxy's key")
    loaded = load_content(content)
    os.environ[CONTENT_ENV] = str(loaded.root)  # the kernels read the same folder
    # Where a warm kernel reaches this server to learn its page's request (twitchlearn.preheat)
    os.environ["VOILA_APP_IP"] = kernel_reach(host)
    # Voila looks for templates under <jupyter path>/voila/templates/: put the course's first.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(SHARE), os.environ.get("JUPYTER_PATH", "")) if p
    )
    with tempfile.TemporaryDirectory(prefix="twitchlearn-app-") as tmp:
        app_dir = Path(tmp)
        if notebooks_dir is None:
            notebooks.write(loaded, app_dir, class_view=True)
        else:
            for path in sorted(notebooks_dir.glob("*.ipynb")):
                (app_dir / path.name).write_bytes(path.read_bytes())
        config = voila_config(
            port=port,
            open_browser=open_browser,
            pool_size=pool_size,
            cull_idle_seconds=cull_idle_seconds,
            warm_pages=warm_pages,
            refill_at_once=refill_at_once,
            chart_free=chart_free_notebooks(app_dir),
            host=host,
            max_kernels=max_kernels,
            connect_seconds=connect_seconds,
            base_url=base_url,
            behind_hub=behind_hub,
            follow_class=follow_class,
            order=[page.name for page in site.pages(loaded)] if notebooks_dir is None else (),
        )
        gate = gate_for(host, port, access_key, teacher_key)
        os.environ[TEACHER_KEY_ENV] = gate.teacher_key or ""  # the class view's kernel checks it
        TwitchlearnVoila.gate = gate
        TwitchlearnVoila.behind_hub = behind_hub
        TwitchlearnVoila.proxy_key = proxy_key
        TwitchlearnVoila.launch_instance(argv=[str(app_dir), *extra_args], config=config)
