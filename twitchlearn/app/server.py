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
- `--class-size N` keeps N kernels warm for the start page (default 2), so a
  class of N arriving at once each gets one. Voila then starts a replacement for every kernel
  handed out, all at once, and those took the CPU from the learners' pages (a class of 30:
  p95 21 s against 5 s, docs/performance.md); `--refill-at-once K`
  (`PoolSafeKernelManager.refill_at_once`, default 1) prepares only K (kernel started,
  notebook run) at a time.
- Pages that draw no chart (notebook metadata `twitchlearn.charts: false`) do not load
  plotly's renderer extension, 4.7 MB of the 9.6 MB of JavaScript every Voila page fetched.
- Kernels talk to the server over Unix sockets (`ipc`), not TCP: about 30 kernels starting
  together sometimes died with "ZMQError: Address already in use" (two kernels given the
  same free port).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets import Integer
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from twitchlearn.app import notebooks
from twitchlearn.app.defaults import (
    DEFAULT_CLASS_SIZE,
    DEFAULT_CULL_IDLE_SECONDS,
    DEFAULT_CULL_INTERVAL_SECONDS,
    DEFAULT_PORT,
    DEFAULT_REFILL_AT_ONCE,
)
from twitchlearn.loading import CONTENT_ENV, load_content
from twitchlearn.site import START_PAGE

__all__ = [
    "PoolSafeKernelManager",
    "TwitchlearnVoila",
    "chart_free_notebooks",
    "cull_interval",
    "plotly_only_where_charts",
    "run",
    "voila_config",
]


class PoolSafeKernelManager(AsyncMappingKernelManager):
    """Culls idle kernels, except warm pool kernels and kernels a page has not reached yet.

    Voila's pool wrapper (a subclass of this class) already spares kernels while they sit in
    the pool, but a kernel handed to a page keeps the last activity of when the pool prepared
    it, and has no connection until the browser has loaded the page's scripts: a culling pass
    in that window removed it. Here such a kernel gets a full idle timeout, counted from the
    first pass that sees it out of the pool, to connect.
    """

    refill_at_once = Integer(
        DEFAULT_REFILL_AT_ONCE,
        config=True,
        help="Pool kernels prepared at the same time (0: no limit, Voila's way). Voila starts "
        "a replacement for every kernel it hands out, so a class of 30 arriving at once starts "
        "30 kernels at once, competing for the CPU with the pages being served.",
    )

    def __init__(self, **kwargs: Any) -> None:
        # Set before Voila's pool wrapper (our subclass) starts the first fill in its __init__.
        self._refill_slots: asyncio.Semaphore | None = None
        voila_initialize = getattr(self, "_initialize", None)
        if voila_initialize is not None:
            # an instance attribute shadows the wrapper's method, which its fills call
            self._initialize = self._gated(voila_initialize)
        super().__init__(**kwargs)
        self._waiting_since: dict[str, datetime] = {}
        self._connected_once: set[str] = set()

    def _gated(
        self, voila_initialize: Callable[..., Awaitable[dict[str, Any]]]
    ) -> Callable[..., Awaitable[dict[str, Any]]]:
        """Voila's pool preparation of one kernel (start it, run the notebook), with at most
        `refill_at_once` preparations running; a slot is held until the notebook has run."""

        async def initialize(
            notebook_path: str, kernel_id: str | None = None, **kwargs: Any
        ) -> dict[str, Any]:
            if kernel_id is not None or self.refill_at_once <= 0:  # a restart, or no limit
                return await voila_initialize(notebook_path, kernel_id, **kwargs)
            if self._refill_slots is None:
                self._refill_slots = asyncio.Semaphore(self.refill_at_once)
            async with self._refill_slots:
                content = await voila_initialize(notebook_path, None, **kwargs)
                with contextlib.suppress(Exception):  # the page shows a failed run as usual
                    await asyncio.shield(content["task"])
                return content

        return initialize

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
        await super().shutdown_kernel(kernel_id, *args, **kwargs)


class _PageHandler(TornadoVoilaHandler):  # type: ignore[misc]
    """Voila's page handler, plus the `_xsrf` cookie its unload beacon needs."""

    async def get(self, path: str | None = None) -> None:
        _ = self.xsrf_token  # reading it sets the cookie
        await super().get(path=path)

    def should_use_rendered_notebook(self, *args: Any) -> bool:
        # A warm pool kernel ran the notebook before this request, so it never saw the
        # URL's `?learner=...&class=...`; a page that names its learner gets a fresh kernel
        # (which Voila starts with the query string in QUERY_STRING).
        if {"learner", "class"} & set(self.request.arguments):
            return False
        return bool(super().should_use_rendered_notebook(*args))


class TwitchlearnVoila(Voila):  # type: ignore[misc]
    """Voila serving the course: `/` is the start page; pages can shut their kernels down."""

    name = "twitchlearn"

    def init_handlers(self) -> list[Any]:
        handlers: list[Any] = []
        for handler in super().init_handlers():
            if len(handler) >= 2 and handler[1] is TornadoVoilaHandler:
                handler = (handler[0], _PageHandler, *handler[2:])
            handlers.append(handler)
        start = url_path_join(self.server_url, "voila/render", START_PAGE)
        home = (url_path_join(self.server_url, "/?"), tornado.web.RedirectHandler, {"url": start})
        return [home, *handlers]


PLOTLY_EXTENSION = "jupyterlab-plotly"


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
    refill_at_once: int = DEFAULT_REFILL_AT_ONCE,
    chart_free: frozenset[str] = frozenset(),
) -> Config:
    """The production settings: set here, not left to whoever starts the server."""
    c = Config()
    # No voila.json or voila.py from the working folder or the user's Jupyter paths: Voila
    # reads them after this config and lets them win (a voila.json in the folder where the
    # server started once made it listen on 0.0.0.0, and a voila.py ran its code).
    c.Voila.config_file_paths = []
    c.Voila.ip = "127.0.0.1"  # `--ip` is ignored by Voila 0.5; the trait is not
    c.Voila.port = port
    c.Voila.open_browser = open_browser
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.page_config_hook = plotly_only_where_charts(chart_free)
    c.VoilaConfiguration.multi_kernel_manager_class = "twitchlearn.app.server.PoolSafeKernelManager"
    if pool_size > 0:
        c.VoilaConfiguration.preheat_kernel = True
        c.VoilaConfiguration.default_pool_size = 0
        c.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": 0},
            START_PAGE: {"pool_size": pool_size},
        }
    c.PoolSafeKernelManager.refill_at_once = refill_at_once
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
    refill_at_once: int = DEFAULT_REFILL_AT_ONCE,
    notebooks_dir: Path | None = None,
    extra_args: Sequence[str] = (),
) -> None:
    """Serve the course in `content` (see `content_dir`) until interrupted (SIGINT, SIGTERM).

    `notebooks_dir` serves a folder of notebooks as they are instead of writing the course's
    pages (the benchmark's one-label baseline uses it).
    """
    loaded = load_content(content)
    os.environ[CONTENT_ENV] = str(loaded.root)  # the kernels read the same folder
    with tempfile.TemporaryDirectory(prefix="twitchlearn-app-") as tmp:
        app_dir = Path(tmp)
        if notebooks_dir is None:
            notebooks.write(loaded, app_dir)
        else:
            for path in sorted(notebooks_dir.glob("*.ipynb")):
                (app_dir / path.name).write_bytes(path.read_bytes())
        config = voila_config(
            port=port,
            open_browser=open_browser,
            pool_size=pool_size,
            cull_idle_seconds=cull_idle_seconds,
            refill_at_once=refill_at_once,
            chart_free=chart_free_notebooks(app_dir),
        )
        TwitchlearnVoila.launch_instance(argv=[str(app_dir), *extra_args], config=config)
