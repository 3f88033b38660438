"""Pages driven in headless Chromium (Playwright's async API): loads, slider, a class."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import psutil
from playwright.async_api import Browser, BrowserContext, Page, Playwright, Route

from bench.protocol import ProtocolLearner, protocol_learner
from bench.server import BenchServer, cpu_seconds
from tests.support.servers import CHROMIUM, CHROMIUM_ARGS

LOAD_TIMEOUT_MS = 180_000
START = "00_start_here.ipynb"
EXPLORER = "08_explorer.ipynb"
FLOOR_SLIDER = "slider.ipynb"
BARS = ".js-plotly-plot .trace.bars .point path"
CAFFEINE = ".tl-caffeine"
NAME_INPUT = ".tl-identity input"

Interactive = Callable[[Page], Awaitable[None]]


async def _local_only(route: Route) -> None:
    if re.match(r"^(https?|wss?)://127\.0\.0\.1[:/]", route.request.url):
        await route.continue_()
    else:
        await route.abort()


async def launch(playwright: Playwright) -> Browser:
    """Headless Chromium with the browser tests' settings."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def new_context(browser: Browser) -> BrowserContext:
    context = await browser.new_context(viewport={"width": 1100, "height": 900})
    await context.route("**/*", _local_only)
    return context


async def close(page: Page, context: BrowserContext) -> None:
    await page.close(run_before_unload=True)
    await asyncio.sleep(1)  # let the unload beacon (kernel shutdown) leave before the context
    await context.close()


# -- what "interactive" means for each page ---------------------------------------------------


async def start_interactive(page: Page, letter: str = "x") -> None:
    """The name field is enabled and a typed character shows in it."""
    await page.wait_for_function(
        "sel => { const e = document.querySelector(sel); return e && !e.disabled; }",
        arg=NAME_INPUT,
        timeout=LOAD_TIMEOUT_MS,
        polling="raf",
    )
    field = page.locator(NAME_INPUT).first
    await field.focus()
    await page.keyboard.type(letter)
    await page.wait_for_function(
        "([sel, v]) => document.querySelector(sel).value.endsWith(v)",
        arg=[NAME_INPUT, letter],
        polling="raf",
    )


async def _slider_responds(page: Page, slider: str, readout: str) -> None:
    handle = page.locator(f"{slider} .noUi-handle").first
    await handle.wait_for(timeout=LOAD_TIMEOUT_MS)
    shown = page.locator(readout).first
    before = await shown.inner_text()
    await handle.focus()
    await page.keyboard.press("ArrowRight")
    await page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[readout, before],
        polling="raf",
        timeout=LOAD_TIMEOUT_MS,
    )


async def explorer_interactive(page: Page) -> None:
    """The caffeine handle responds to ArrowRight: its readout changes."""
    await _slider_responds(page, CAFFEINE, f"{CAFFEINE} .widget-readout")


async def review_interactive(page: Page) -> None:
    """The review page's message (what there is to review, or why nothing) shows."""
    await page.locator(".tl-review .tl-review-message").first.wait_for(timeout=LOAD_TIMEOUT_MS)


async def floor_interactive(page: Page) -> None:
    """The one label shows."""
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.widget-label')]"
        ".some(e => e.innerText.trim() === 'ready')",
        polling="raf",
        timeout=LOAD_TIMEOUT_MS,
    )


# -- fresh loads ------------------------------------------------------------------------------


async def fresh_loads(
    browser: Browser,
    server: BenchServer,
    notebook: str,
    interactive: Interactive,
    count: int,
    *,
    pooled: bool,
) -> dict[str, Any]:
    """Time to interactive of `count` fresh loads; RSS of each load's new kernel."""
    times: list[float] = []
    kernel_rss: list[int] = []
    pool_waits: list[float] = []
    if pooled:
        settled = server.wait_pool_settled()  # every page's pool filled
        pool_waits.append(-1.0 if settled is None else settled)
    baseline = len(server.kernels())
    for _ in range(count):
        fills = server.pool_fills()
        server.wait_kernels_at_most(baseline)
        before = {k.pid for k in server.kernels()}
        context = await new_context(browser)
        page = await context.new_page()
        began = time.perf_counter()
        await page.goto(
            f"{server.url}/voila/render/{notebook}", wait_until="commit", timeout=LOAD_TIMEOUT_MS
        )
        await interactive(page)
        times.append(time.perf_counter() - began)
        new = [k for k in server.kernels() if k.pid not in before]
        if pooled:
            # the page got a pool kernel (an old pid); the new pid is its replacement
            new = []
        for kernel in new:
            with contextlib.suppress(psutil.Error):
                kernel_rss.append(int(kernel.memory_info().rss))
        await close(page, context)
        if pooled:
            pool_waits.append(server.wait_pool_fills(fills))  # refilled before the next load
    return {
        "seconds": times,
        "median_s": statistics.median(times),
        "kernel_rss": kernel_rss,
        "pool_wait_s": pool_waits,
    }


async def page_kernel_rss(
    browser: Browser, server: BenchServer, notebook: str, interactive: Interactive
) -> int:
    """Open `notebook` on a server without a pool; RSS of the kernel its page got."""
    server.wait_kernels_at_most(0)
    before = {k.pid for k in server.kernels()}  # kernels of closed pages that linger
    context = await new_context(browser)
    page = await context.new_page()
    await page.goto(
        f"{server.url}/voila/render/{notebook}", wait_until="commit", timeout=LOAD_TIMEOUT_MS
    )
    await interactive(page)
    await asyncio.sleep(2)
    rss = sum(int(k.memory_info().rss) for k in server.kernels() if k.pid not in before)
    await close(page, context)
    return rss


# -- slider to chart --------------------------------------------------------------------------


async def _press_until(page: Page, readout: str, key: str, target: int) -> None:
    shown = page.locator(readout).first
    for _ in range(400):
        value = int(float(await shown.inner_text()))
        if value == target:
            return
        before = await shown.inner_text()
        await page.keyboard.press(key)
        await page.wait_for_function(
            "([sel, old]) => document.querySelector(sel).innerText !== old",
            arg=[readout, before],
            polling="raf",
        )
    raise RuntimeError(f"slider never reached {target}")


_SHAPES = "sel => JSON.stringify([...document.querySelectorAll(sel)].map(e => e.getAttribute('d')))"


async def slider_to_chart(browser: Browser, server: BenchServer, moves: int) -> list[float]:
    """ArrowRight across the 250 mg caffeine threshold until the bars' shapes change."""
    context = await new_context(browser)
    page = await context.new_page()
    await page.goto(
        f"{server.url}/voila/render/{EXPLORER}", wait_until="commit", timeout=LOAD_TIMEOUT_MS
    )
    await explorer_interactive(page)
    await page.wait_for_selector(BARS, state="attached", timeout=LOAD_TIMEOUT_MS)
    readout = f"{CAFFEINE} .widget-readout"
    await page.locator(f"{CAFFEINE} .noUi-handle").first.focus()
    await _press_until(page, readout, "ArrowRight", 240)
    times = []
    for _ in range(moves):
        for key in ("ArrowRight", "ArrowLeft"):  # 240 -> 250 (timed), back to 240
            before = await page.evaluate(_SHAPES, BARS)
            began = time.perf_counter()
            await page.keyboard.press(key)
            await page.wait_for_function(
                f"([sel, old]) => ({_SHAPES})(sel) !== old", arg=[BARS, before], polling="raf"
            )
            if key == "ArrowRight":
                times.append(time.perf_counter() - began)
    await close(page, context)
    return times


async def slider_to_label(browser: Browser, server: BenchServer, moves: int) -> list[float]:
    """The floor: a bare IntSlider whose observer updates a Label."""
    context = await new_context(browser)
    page = await context.new_page()
    await page.goto(
        f"{server.url}/voila/render/{FLOOR_SLIDER}", wait_until="commit", timeout=LOAD_TIMEOUT_MS
    )
    await _slider_responds(page, ".tl-floor-slider", ".tl-floor-slider .widget-readout")
    label = ".tl-floor-label"
    times = []
    for _ in range(moves):
        for key in ("ArrowRight", "ArrowLeft"):
            before = await page.locator(label).inner_text()
            began = time.perf_counter()
            await page.keyboard.press(key)
            await page.wait_for_function(
                "([sel, old]) => document.querySelector(sel).innerText !== old",
                arg=[label, before],
                polling="raf",
            )
            if key == "ArrowRight":
                times.append(time.perf_counter() - began)
    await close(page, context)
    return times


# -- a class arriving at once -----------------------------------------------------------------


def _generator_cpu_seconds(server: BenchServer) -> float:
    """CPU time of this process and its children (the Playwright driver and Chromium),
    without the server's process tree (also our child)."""
    me = psutil.Process(os.getpid())
    skip = {server.ps.pid} | {p.pid for p in server.ps.children(recursive=True)}
    return cpu_seconds(p for p in [me, *me.children(recursive=True)] if p.pid not in skip)


async def save_name(page: Page, name: str) -> None:
    """After `start_interactive(page, name[0])`: type the rest of the name, press "Save my
    name" with the keyboard and wait for the greeting."""
    await page.keyboard.type(name[1:])
    await page.get_by_role("button", name="Save my name").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "n => { const g = document.querySelector('.tl-greeting');"
        " return g && g.innerText.includes('Hello, ' + n); }",
        arg=name,
        polling=100,
        timeout=LOAD_TIMEOUT_MS,
    )


async def _learner(
    page: Page, url: str, name: str, gate: asyncio.Event, timeout_s: float
) -> dict[str, Any]:
    await gate.wait()
    began = time.perf_counter()
    result: dict[str, Any] = {"interactive_s": None, "saved_s": None, "error": None}
    try:
        async with asyncio.timeout(timeout_s):
            await page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
            await start_interactive(page, name[0])
            result["interactive_s"] = time.perf_counter() - began
            await save_name(page, name)
            result["saved_s"] = time.perf_counter() - began
    except Exception as exc:  # a learner who never got there is a result, not a crash
        result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


async def start_page_assets(browser: Browser, server: BenchServer) -> list[str]:
    """The scripts and styles a real start page fetches from the server (paths), for the
    protocol learners to fetch as well."""
    context = await new_context(browser)
    page = await context.new_page()
    seen: list[str] = []
    prefix = server.url

    def note(url: str) -> None:
        path = url[len(prefix) :]
        if url.startswith(prefix) and "/api/" not in path and "/voila/render/" not in path:
            seen.append(path)

    page.on("request", lambda request: note(request.url) if request.method == "GET" else None)
    await page.goto(
        f"{server.url}/voila/render/{START}", wait_until="commit", timeout=LOAD_TIMEOUT_MS
    )
    await start_interactive(page)
    await close(page, context)
    return list(dict.fromkeys(seen))


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r["interactive_s"] for r in results if r["interactive_s"] is not None]
    saved = [r["saved_s"] for r in results if r["saved_s"] is not None]
    return {
        "count": len(results),
        "interactive_s": done,
        "interactive_p50_s": statistics.median(done) if done else None,
        "interactive_p95_s": percentile(done, 0.95) if done else None,
        "saved_s": saved,
        "saved_p95_s": percentile(saved, 0.95) if saved else None,
        "errors": [r["error"] for r in results if r["error"]],
        # protocol learners: until the page and its scripts had arrived (the rest: websocket,
        # kernel info and widget states)
        "page_and_assets_s": [r["page_and_assets_s"] for r in results if "page_and_assets_s" in r],
    }


async def a_class(
    browser: Browser,
    server: BenchServer,
    size: int,
    *,
    pool_size: int,
    generator: str = "mixed",
    assets: list[str] | None = None,
    linger_s: float = 60,
    timeout_s: float = 600,
) -> dict[str, Any]:
    """`size` learners open the start page at the same moment, type a name and save it.

    `generator`: "browser", every learner a Chromium page; "protocol", every learner a
    `bench.protocol.ProtocolLearner`; "mixed", `size - 1` protocol learners and one Chromium
    page in the same crowd (the figure anchored to a real browser).
    """
    browsers = {"browser": size, "protocol": 0, "mixed": 1}[generator]
    pool_wait = server.wait_pool_settled() if pool_size else 0.0
    kernels_before = len(server.kernels())
    contexts = [await new_context(browser) for _ in range(browsers)]
    pages = [await context.new_page() for context in contexts]
    page_errors: list[str] = []
    for page in pages:
        page.on("pageerror", lambda exc: page_errors.append(str(exc)[:200]))
    gate = asyncio.Event()
    path = f"/voila/render/{START}"
    url = f"{server.url}{path}"
    tasks = [
        asyncio.create_task(_learner(page, url, f"Learner{n:02d}", gate, timeout_s))
        for n, page in enumerate(pages)
    ]
    learners = [ProtocolLearner(server.url) for _ in range(size - browsers)]
    tasks += [
        asyncio.create_task(
            protocol_learner(learner, path, f"Proto{n:02d}", gate, timeout_s, assets)
        )
        for n, learner in enumerate(learners)
    ]
    own0 = sum(psutil.Process().cpu_times()[:2])  # this process: the protocol learners
    voila0 = sum(server.ps.cpu_times()[:2])  # the Voila process alone, without its kernels
    gen_cpu0, server_cpu0, wall0 = (
        _generator_cpu_seconds(server),
        server.cpu_seconds(),
        time.monotonic(),
    )
    host0 = psutil.cpu_times()
    gate.set()
    results = await asyncio.gather(*tasks)
    wall = time.monotonic() - wall0
    gen_cpu = _generator_cpu_seconds(server) - gen_cpu0
    own_cpu = sum(psutil.Process().cpu_times()[:2]) - own0
    voila_cpu = sum(server.ps.cpu_times()[:2]) - voila0
    server_cpu = server.cpu_seconds() - server_cpu0
    host1 = psutil.cpu_times()
    host_busy = (sum(host1) - host1.idle - host1.iowait) - (sum(host0) - host0.idle - host0.iowait)
    kernels_peak = len(server.kernels())
    # everyone leaves: tabs close (their unload beacon shuts the kernel down), and protocol
    # learners close their websocket and send the same shutdown
    shutdowns = await asyncio.gather(*(learner.leave() for learner in learners))
    for page, context in zip(pages, contexts, strict=True):
        await page.close(run_before_unload=True)
        del context
    await asyncio.sleep(2)
    for context in contexts:
        await context.close()
    await asyncio.sleep(linger_s)
    kernels_after = len(server.kernels())
    cores = psutil.cpu_count() or 1
    everyone = _summary(results)
    return {
        "size": size,
        "generator": generator,
        **{k: everyone[k] for k in ("interactive_s", "interactive_p50_s", "interactive_p95_s")},
        "all_interactive_s": max(everyone["interactive_s"])
        if len(everyone["interactive_s"]) == size
        else None,
        "saved_p95_s": everyone["saved_p95_s"],
        "errors": everyone["errors"],
        "browser": _summary(results[:browsers]),
        "protocol": _summary(results[browsers:]),
        "shutdown_statuses": sorted(set(shutdowns)),
        "page_errors": page_errors,
        "wall_s": wall,
        "generator_cpu_s": gen_cpu,
        "server_cpu_s": server_cpu,
        "bench_process_cpu_s": own_cpu,
        "voila_process_cpu_s": voila_cpu,
        "host_busy_cpu_s": host_busy,
        "generator_share_of_machine": gen_cpu / (wall * cores),
        "server_share_of_machine": server_cpu / (wall * cores),
        "kernels_before": kernels_before,
        "kernels_peak": kernels_peak,
        "kernels_after_linger": kernels_after,
        "linger_s": linger_s,
        "pool_size": pool_size,
        "pool_refill_wait_s": pool_wait,
    }


# -- a class moving on together ----------------------------------------------------------------


async def _browser_moves(
    page: Page, lesson: str, gate: asyncio.Event, timeout_s: float
) -> dict[str, Any]:
    """On the start page: follow its first lesson's link when the gate opens, until the
    lesson's first question can be answered."""
    await gate.wait()
    began = time.perf_counter()
    result: dict[str, Any] = {"interactive_s": None, "error": None}
    try:
        async with asyncio.timeout(timeout_s):
            await page.locator(".tl-lessons a:visible").first.click()
            await page.wait_for_url(f"**/{lesson}*", timeout=LOAD_TIMEOUT_MS)
            await page.locator(".tl-quiz .tl-question input").first.wait_for(
                timeout=LOAD_TIMEOUT_MS
            )
            result["interactive_s"] = time.perf_counter() - began
    except Exception as exc:  # a learner who never got there is a result, not a crash
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        result["error"] = f"{type(exc).__name__}: {first}"
        result["page_text"] = await page.inner_text("body")
    return result


async def _protocol_moves(
    learner: ProtocolLearner, path: str, gate: asyncio.Event, timeout_s: float
) -> dict[str, Any]:
    await gate.wait()
    began = time.perf_counter()
    result: dict[str, Any] = {"interactive_s": None, "error": None}
    try:
        async with asyncio.timeout(timeout_s):
            # The scripts come from the browser's cache on a second page: none fetched.
            await learner.move(path, [])
            result["interactive_s"] = time.perf_counter() - began
    except Exception as exc:  # a learner who never got there is a result, not a crash
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        result["error"] = f"{type(exc).__name__}: {first}"
    return result


async def a_class_moves(
    browser: Browser,
    server: BenchServer,
    size: int,
    lesson: str,
    *,
    browsers: int = 1,
    assets: list[str] | None = None,
    timeout_s: float = 600,
) -> dict[str, Any]:
    """`size` learners (`browsers` of them Chromium pages, the rest protocol learners) open
    the start page and save their names; when the server is idle again (the teacher talks
    while the pools refill), all follow the start page's link to `lesson` at the same
    moment. Measured: from that moment until the lesson answers (Chromium: its first
    question's options can be chosen; protocol: kernel info and widget states arrived)."""
    contexts = [await new_context(browser) for _ in range(browsers)]
    pages = [await context.new_page() for context in contexts]
    arrive = asyncio.Event()
    url = f"{server.url}/voila/render/{START}"
    tasks = [
        asyncio.create_task(_learner(page, url, f"Mover{n:02d}", arrive, timeout_s))
        for n, page in enumerate(pages)
    ]
    learners = [ProtocolLearner(server.url) for _ in range(size - browsers)]
    tasks += [
        asyncio.create_task(
            protocol_learner(
                learner, f"/voila/render/{START}", f"Moverp{n:02d}", arrive, timeout_s, assets
            )
        )
        for n, learner in enumerate(learners)
    ]
    arrive.set()
    arrived = await asyncio.gather(*tasks)
    settle_began = time.monotonic()
    server.wait_pool_settled(timeout=600)
    settled_s = time.monotonic() - settle_began
    kernels_before = len(server.kernels())
    go = asyncio.Event()
    moves = [asyncio.create_task(_browser_moves(page, lesson, go, timeout_s)) for page in pages]
    moves += [
        asyncio.create_task(_protocol_moves(learner, f"/voila/render/{lesson}", go, timeout_s))
        for learner in learners
    ]
    wall0 = time.monotonic()
    go.set()
    results = await asyncio.gather(*moves)
    wall = time.monotonic() - wall0
    kernels_peak = len(server.kernels())
    await asyncio.gather(*(learner.leave() for learner in learners))
    for page, context in zip(pages, contexts, strict=True):
        await close(page, context)
    done = [r["interactive_s"] for r in results if r["interactive_s"] is not None]
    return {
        "size": size,
        "lesson": lesson,
        "arrive_errors": [r["error"] for r in arrived if r["error"]],
        "settled_s": settled_s,
        "interactive_s": done,
        "interactive_p50_s": statistics.median(done) if done else None,
        "interactive_p95_s": percentile(done, 0.95) if done else None,
        "browser_s": [r["interactive_s"] for r in results[:browsers]],
        "protocol_s": [r["interactive_s"] for r in results[browsers:]],
        "errors": [r["error"] for r in results if r["error"]],
        "browser_page_text": [r.get("page_text") for r in results[:browsers]],
        "wall_s": wall,
        "kernels_before": kernels_before,
        "kernels_peak": kernels_peak,
    }
