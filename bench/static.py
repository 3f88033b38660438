"""The static edition's figures for `make bench`: load times against a one-label floor, size.

    .venv/bin/python -m bench --static-only --loads 3   # only these figures
    .venv/bin/python -m bench.static --loads 3          # the same, on its own

Both sites are built by tools/static/build.py (the floor: bench/floor/00_start_here.ipynb, one
`ipywidgets.Label("ready")`, with the course's own lite folder: the same Pyodide, lock and
packages loaded when the kernel starts) and served by `python -m http.server` on 127.0.0.1.
For each of `loads` fresh browser profiles, three loads of the same page:

- cold: an empty cache, until the first question's "Check answer" gives feedback (the floor:
  until its label shows);
- reload: the same tab reloaded (the browser's cache and the service worker kept);
- visit: the tab closed and the page opened again in a new tab of the same profile.

Each answered question is a different one (answers are kept, so a kept one would show its
feedback at once). No request is routed through Playwright (routing turns the browser's HTTP
cache off); requests outside 127.0.0.1 fail in the resolver (`--host-resolver-rules`) and are
counted. Each figure is the median, with its ratio to the floor's figure of the same kind, and
how many of the course's responses came from the service worker's cache and how many from
the server, per load. Each load also counts the browser's CPU seconds (all its processes,
from /proc: a figure a busy machine hurts less than the wall time), and the table gives the
machine's load average.

    .venv/bin/python -m bench.static --site build/static-old --floor-site build/static-floor-old
        # an older build, to compare (copies of dist/static and build/static-floor)
    .venv/bin/python -m bench.static --profile   # where one load's time goes (PROFILE_JS)
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Response,
    async_playwright,
)

from tests.support.servers import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parent.parent


def _static_build() -> Any:
    """tools/static/build.py (a script, not a package), loaded from its path."""
    spec = importlib.util.spec_from_file_location("static_build", ROOT / "tools/static/build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["static_build"] = module
    spec.loader.exec_module(module)
    return module


static_build = _static_build()

TIMEOUT_MS = 600_000
LESSON = "01_what_is_twitching"
FLOOR = "00_start_here"
# (question index in lesson 1, the radio to press): one new question per load of a profile
QUESTIONS = {"cold": (0, None), "reload": (2, "True"), "visit": (3, "True")}
LOCAL = re.compile(r"^(https?|wss?|blob|data):(//127\.0\.0\.1[:/])?")
MB = 1e6


class Served:
    """A folder served by `python -m http.server` on a free port of 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(folder),
             str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:  # poll until it answers
            try:
                with urllib.request.urlopen(f"{self.url}/jupyter-lite.json", timeout=5):  # noqa: S310
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.2)

    def page(self, name: str) -> str:
        return f"{self.url}/voici/render/{name}.html"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def site_size(folder: Path) -> dict[str, Any]:
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != static_build.STAMP_NAME]
    return {"mb": round(sum(p.stat().st_size for p in files) / MB, 1), "files": len(files)}


# Marks this run's browser process among the machine's (Chromium ignores unknown switches).
MARK = f"--twitchlearn-bench={os.getpid()}-{time.time_ns()}"
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


async def launch(playwright: Playwright) -> Browser:
    """Headless Chromium that cannot resolve any name but 127.0.0.1 (nothing is routed)."""
    rules = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    return await playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, rules, MARK]
    )


def browser_ticks() -> dict[int, int]:
    """CPU clock ticks (user + system) so far of each process of this run's browser: the
    browser process (found by MARK) and its descendants (renderers, with the kernel's web
    worker; the network and GPU processes). Empty where /proc is not Linux's."""
    procs: dict[int, tuple[int, int]] = {}
    root = None
    for entry in os.listdir("/proc") if os.path.isdir("/proc/self") else []:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if root is None and MARK.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                root = int(entry)
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        procs[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree: dict[int, int] = {}
    todo = [] if root is None else [root]
    while todo:
        pid = todo.pop()
        tree[pid] = procs[pid][1]
        todo.extend(child for child, (ppid, _) in procs.items() if ppid == pid)
    return tree


def cpu_seconds(before: dict[int, int], after: dict[int, int]) -> float:
    """The browser's CPU seconds between two `browser_ticks()`: every process alive at the
    end, less what it had used before (a process that ended in between is not counted)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / TICKS


async def _answered(page: Page, index: int, radio: str | None) -> None:
    box = page.locator(".tl-question").nth(index)
    if radio is None:
        choice = box.get_by_role("radio").first
    else:
        choice = box.get_by_role("radio", name=radio, exact=True)
    await choice.wait_for(timeout=TIMEOUT_MS)
    await choice.focus()
    await page.keyboard.press("Space")
    button = box.get_by_role("button", name="Check answer")
    await button.focus()
    await page.keyboard.press("Enter")
    await box.locator(".tl-feedback").wait_for(timeout=TIMEOUT_MS)


async def _label(page: Page) -> None:
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.widget-label')]"
        ".some(e => e.innerText.trim() === 'ready')",
        polling="raf",
        timeout=TIMEOUT_MS,
    )


async def profile_loads(browser: Browser, site: Served, *, floor: bool) -> dict[str, float]:
    """cold, reload and visit (seconds) in one fresh profile."""
    context: BrowserContext = await browser.new_context(viewport={"width": 1100, "height": 900})
    outside: list[str] = []
    context.on("request", lambda r: None if LOCAL.match(r.url) else outside.append(r.url))
    served = {"worker": 0, "network": 0}

    def count(response: Response) -> None:
        served["worker" if response.from_service_worker else "network"] += 1

    context.on("response", count)
    url = site.page(FLOOR if floor else LESSON)
    out: dict[str, float] = {}
    try:
        page = await context.new_page()
        for kind, (index, radio) in QUESTIONS.items():
            served.update(worker=0, network=0)
            if kind == "visit":
                await page.close()
                page = await context.new_page()
            ticks = browser_ticks()
            began = time.perf_counter()
            if kind == "reload":
                await page.reload(wait_until="commit", timeout=TIMEOUT_MS)
            else:
                await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            await (_label(page) if floor else _answered(page, index, radio))
            out[kind] = time.perf_counter() - began
            out[f"{kind}_cpu"] = cpu_seconds(ticks, browser_ticks())
            out[f"{kind}_from_worker"] = float(served["worker"])
            out[f"{kind}_from_network"] = float(served["network"])
        out["controlled"] = float(
            await page.evaluate("() => navigator.serviceWorker.controller !== null")
        )
        await page.close()
    finally:
        await context.close()
    out["outside"] = float(len(outside))
    return out


async def figures(
    playwright: Playwright,
    loads: int = 3,
    course: Path | None = None,
    floor: Path | None = None,
) -> dict[str, Any]:
    """Build (or reuse) both sites, serve them, and time `loads` profiles of each; `course`
    and `floor`, when given, are sites built before (an older build, to compare)."""
    course = course or static_build.build()
    floor = floor or static_build.build_floor()
    result: dict[str, Any] = {"size": site_size(course), "floor_size": site_size(floor)}
    result["load_average"] = [os.getloadavg()[0]]
    browser = await launch(playwright)
    try:
        for name, folder in (("floor", floor), ("course", course)):
            served = Served(folder)
            try:
                runs = []
                for n in range(loads):
                    runs.append(await profile_loads(browser, served, floor=name == "floor"))
                    print(f"[static] {name} {n + 1}/{loads}: {runs[-1]}", file=sys.stderr)
                result[name] = runs
            finally:
                served.stop()
            result["load_average"].append(os.getloadavg()[0])
    finally:
        await browser.close()
    for kind in QUESTIONS:
        course_s = statistics.median(r[kind] for r in result["course"])
        floor_s = statistics.median(r[kind] for r in result["floor"])
        result[f"{kind}_s"] = course_s
        result[f"floor_{kind}_s"] = floor_s
        result[f"{kind}_ratio"] = course_s / floor_s
        result[f"{kind}_cpu"] = statistics.median(r[f"{kind}_cpu"] for r in result["course"])
        result[f"floor_{kind}_cpu"] = statistics.median(r[f"{kind}_cpu"] for r in result["floor"])
    for kind in QUESTIONS:
        for source in ("worker", "network"):
            key = f"{kind}_from_{source}"
            result[key] = int(statistics.median(r[key] for r in result["course"]))
    result["outside"] = int(sum(r["outside"] for r in result["course"] + result["floor"]))
    return result


# --profile: where a load's time goes. A copy of the site whose kernel loads Pyodide through
# this wrapper (pyodideUrl points at it; the kernel calls `loadPyodide` as usual), which logs
# a timestamp at each step of the kernel's start and around each cell.
PROFILE_JS = r"""
"use strict";
function tlMark(what) { console.log(`[tlprof] ${Date.now()} ${what}`); }
self.loadPyodide = async function (options) {
  tlMark("kernel worker asks for Pyodide");
  importScripts(options.indexURL + "pyodide.js");
  const packages = options.packages || [];
  const py = await self.loadPyodide({ ...options, packages: [] });
  tlMark("Pyodide started (wasm, Python, standard library)");
  await py.loadPackage(packages, { messageCallback: () => undefined });
  tlMark("packages unpacked: " + packages.join(" "));
  const run = py.runPythonAsync.bind(py);
  py.runPythonAsync = async (code, more) => {
    const what = code.trim().split("\n")[0].trim().slice(0, 60);
    const result = await run(code, more);
    tlMark("kernel step done: " + what);
    if (code.includes("import pyodide_kernel")) {
      await run(`
import time, js, pyodide_kernel
_tl_kernel = pyodide_kernel.kernel_instance
_tl_run = _tl_kernel.run
async def _tl_timed(code):
    result = await _tl_run(code)
    js.console.log(f"[tlprof] {int(time.time() * 1000)} cell done: {code.splitlines()[0][:50]}")
    return result
_tl_kernel.run = _tl_timed
`);
    }
    return result;
  };
  return py;
};
"""


def profile_site(site: Path, into: Path) -> Path:
    """A copy of `site` in `into` whose kernel loads Pyodide through PROFILE_JS."""
    shutil.copytree(site, into)
    (into / "static" / "pyodide" / "tl-profile.js").write_text(PROFILE_JS, encoding="utf-8")
    for path in [*into.rglob("jupyter-lite.json"), *into.glob("voici/render/*.html")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("pyodide/pyodide.js", "pyodide/tl-profile.js"), "utf-8")
    return into


async def profile(playwright: Playwright, site: Path) -> list[str]:
    """Lines: each step of lesson 1's first load and later visit, seconds from the start."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        served = Served(profile_site(site, Path(tmp) / "site"))
        browser = await launch(playwright)
        try:
            context = await browser.new_context(viewport={"width": 1100, "height": 900})
            marks: list[str] = []
            context.on("console", lambda m: marks.append(m.text) if "[tlprof]" in m.text else None)
            page = await context.new_page()
            for kind in ("cold", "visit"):
                marks.clear()
                if kind == "visit":
                    await page.close()
                    page = await context.new_page()
                ticks = browser_ticks()
                began = time.time()
                await page.goto(served.page(LESSON), wait_until="commit", timeout=TIMEOUT_MS)
                await _answered(page, *QUESTIONS[kind])
                ended = time.time()
                load = os.getloadavg()[0]
                cpu = cpu_seconds(ticks, browser_ticks())
                lines.append(
                    f"{kind}: {ended - began:.1f} s, browser CPU {cpu:.1f} s, load {load:.1f}"
                )
                last = began
                for mark in marks:
                    stamp, what = mark.removeprefix("[tlprof] ").split(" ", 1)
                    at = int(stamp) / 1000
                    lines.append(f"  {at - began:6.1f} s (+{at - last:5.1f})  {what}")
                    last = at
                lines.append(
                    f"  {ended - began:6.1f} s (+{ended - last:5.1f})  first question's feedback"
                )
        finally:
            await browser.close()
            served.stop()
    return lines


def table(r: dict[str, Any]) -> str:
    """The static edition's rows, as measured and as ratios to the one-label floor."""
    lines = [
        "static edition (Voici, python -m http.server)   course    floor    ratio",
    ]
    names = {
        "cold": "first load, empty cache",
        "reload": "reload, same tab",
        "visit": "later visit, new tab",
    }
    for kind, label in names.items():
        lines.append(
            f"  {label:<44} {r[f'{kind}_s']:6.1f} s {r[f'floor_{kind}_s']:6.1f} s"
            f" {r[f'{kind}_ratio']:6.2f}"
        )
    lines.append(
        "  the browser's CPU seconds for it (all its processes; less hurt by a busy machine):"
    )
    for kind, label in names.items():
        lines.append(
            f"  {label:<44} {r[f'{kind}_cpu']:6.1f} s {r[f'floor_{kind}_cpu']:6.1f} s"
            f" {r[f'{kind}_cpu'] / max(r[f'floor_{kind}_cpu'], 0.01):6.2f}"
        )
    lines.append(
        "  load average (1 min) at the start, after the floor, after the course: "
        + ", ".join(f"{x:.1f}" for x in r["load_average"])
    )
    lines.append(
        "  responses from the service worker's cache / from the server (course, median): "
        + ", ".join(
            f"{kind} {r[f'{kind}_from_worker']}/{r[f'{kind}_from_network']}" for kind in names
        )
    )
    size, floor = r["size"], r["floor_size"]
    lines.append(
        f"  site size: {size['mb']} MB in {size['files']} files (floor site: {floor['mb']} MB,"
        f" {floor['files']} files)"
    )
    lines.append(f"  requests outside 127.0.0.1: {r['outside']}")
    return "\n".join(lines)


async def _run(loads: int, course: Path | None, floor: Path | None) -> dict[str, Any]:
    async with async_playwright() as pw:
        return await figures(pw, loads, course, floor)


async def _profile(site: Path) -> list[str]:
    async with async_playwright() as pw:
        return await profile(pw, site)


def run(loads: int = 3, course: Path | None = None, floor: Path | None = None) -> dict[str, Any]:
    """The figures, with a Playwright of their own (for bench/__main__.py)."""
    return asyncio.run(_run(loads, course, floor))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3, help="fresh profiles per site")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--site", type=Path, help="a course site built before (not built now)")
    parser.add_argument("--floor-site", type=Path, help="its floor site, built the same way")
    parser.add_argument(
        "--profile", action="store_true", help="only where one load's time goes (PROFILE_JS)"
    )
    args = parser.parse_args(argv)
    if args.profile:
        print("\n".join(asyncio.run(_profile(args.site or static_build.build()))))
        return 0
    result = run(args.loads, args.site, args.floor_site)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
