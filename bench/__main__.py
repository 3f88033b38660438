"""`python -m bench`: speed and memory of the course against floors measured in the same run.

    .venv/bin/python -m bench                    # full run (about 20 minutes on 2 cores)
    .venv/bin/python -m bench --quick            # 5 loads, 10 slider moves, a class of 10
    .venv/bin/python -m bench --class-sizes 10,20,30 --loads 7
    .venv/bin/python -m bench --class-only       # only a class arriving at once
    .venv/bin/python -m bench --offline-only     # only imports, grading, export (~1 minute)

A class of N is N-1 protocol learners (`bench/protocol.py`: the page's requests and kernel
websocket messages, no rendering) and one real Chromium page in the same crowd: 30 Chromium
pages would take most of 2 cores themselves. `--class-generator browser` is the old
all-Chromium class. Each class runs on the shipped settings and on `--class-size <largest>`.

Writes bench/results.json and prints a table. Every figure is shown as measured and as a ratio
to its floor (a one-label notebook, a bare slider, an ipywidgets-only kernel...). Timings are
never pass/fail here: the targets are compared in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from playwright.async_api import Browser, async_playwright

from bench import browser as b
from bench import navigation as nav
from bench import offline
from bench.server import BenchServer
from twitchlearn.attempts import POLICIES

ROOT = Path(__file__).resolve().parent.parent
FLOOR_DIR = ROOT / "bench" / "floor"
RESULTS = ROOT / "bench" / "results.json"
RESULTS_CLASS = ROOT / "bench" / "results-class.json"
MB = 1024 * 1024


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def pages(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"failures": {}}
    try:
        await _pages(args, tmp, out)
    except Exception as exc:  # keep what was measured; say what failed
        log(f"FAILED: {type(exc).__name__}: {exc}")
        out["failures"]["pages"] = f"{type(exc).__name__}: {str(exc)[:500]}"
    return out


async def _pages(args: argparse.Namespace, tmp: Path, out: dict[str, Any]) -> None:
    async with async_playwright() as pw:
        browser = await b.launch(pw)
        floor_args = ("--notebooks", str(FLOOR_DIR))

        # 1-3. the floors: a one-label page, a bare slider, an ipywidgets-only kernel
        for pool in (0, args.pool):
            log(f"floor server, pool {pool}")
            server = BenchServer(tmp, *floor_args, "--class-size", str(pool), "--warm-pages", "0")
            try:
                out[f"floor_pool{pool}"] = await b.fresh_loads(
                    browser, server, b.START, b.floor_interactive, args.loads, pooled=pool > 0
                )
                if pool == 0:
                    log("floor slider")
                    out["floor_slider_s"] = await b.slider_to_label(browser, server, args.moves)
                    out["floor_kernel_rss"] = await b.page_kernel_rss(
                        browser, server, b.START, b.floor_interactive
                    )
                    out["floor_server_rss"] = server.rss()
                else:
                    log("floor bytes")
                    out["floor_bytes"] = await nav.page_bytes(
                        browser, server, b.START, b.floor_interactive
                    )
            finally:
                server.stop()

        # 1-3. the course; `pool` warm kernels for the start page and for every other page
        for pool in (0, args.pool):
            log(f"course server, pool {pool}")
            server = BenchServer(tmp, "--class-size", str(pool), "--warm-pages", str(pool))
            try:
                if args.navigation_only:
                    await _navigation(browser, server, pool, args, out)
                    continue
                for name, notebook, ready in (
                    ("start", b.START, b.start_interactive),
                    ("explorer", b.EXPLORER, b.explorer_interactive),
                ):
                    log(f"  {name} x {args.loads}")
                    out[f"{name}_pool{pool}"] = await b.fresh_loads(
                        browser, server, notebook, ready, args.loads, pooled=pool > 0
                    )
                if pool == 0:
                    log("slider to chart")
                    out["chart_slider_s"] = await b.slider_to_chart(browser, server, args.moves)
                    out["start_kernel_rss"] = await b.page_kernel_rss(
                        browser, server, b.START, b.start_interactive
                    )
                    out["explorer_kernel_rss"] = await b.page_kernel_rss(
                        browser, server, b.EXPLORER, b.explorer_interactive
                    )
                    out["course_server_rss"] = server.rss()
                await _navigation(browser, server, pool, args, out)
            finally:
                server.stop()

        if not args.navigation_only:
            await _class_part(browser, args, tmp, out)
        await browser.close()


NAVIGATION_PAGES = (
    ("start", b.START, b.start_interactive),
    ("lesson", nav.LESSON_1, nav.lesson_interactive),
    ("explorer", b.EXPLORER, b.explorer_interactive),
    ("review", "09_review.ipynb", b.review_interactive),
)


async def _navigation(
    browser: Browser, server: BenchServer, pool: int, args: argparse.Namespace, out: dict[str, Any]
) -> None:
    """Lesson 1 -> "Next" -> lesson 2 answered; with warm pages, each page's bytes too."""
    log(f"  next lesson x {args.loads}")
    out[f"next_lesson_pool{pool}"] = await nav.next_lesson(browser, server, args.loads)
    if pool:
        for name, notebook, ready in NAVIGATION_PAGES:
            log(f"  bytes of {name}")
            out[f"bytes_{name}"] = await nav.page_bytes(browser, server, notebook, ready)


async def classes(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Only the class measurement (`--class-only`)."""
    out: dict[str, Any] = {"failures": {}}
    try:
        async with async_playwright() as pw:
            browser = await b.launch(pw)
            await _class_part(browser, args, tmp, out)
            await browser.close()
    except Exception as exc:  # keep what was measured; say what failed
        log(f"FAILED: {type(exc).__name__}: {exc}")
        out["failures"]["classes"] = f"{type(exc).__name__}: {str(exc)[:500]}"
    return out


def class_server_args(config: str, args: argparse.Namespace) -> tuple[list[str], int]:
    """The class server's arguments and start-page pool size for a `--class-servers` entry:
    `shipped` or `class-size`, optionally `-refillK` (`--refill-at-once K`) and `-followK`
    (`--follow-class K`)."""
    found = re.fullmatch(r"(shipped|class-size)(?:-refill(\d+))?(?:-follow(\d+))?", config)
    if not found:
        raise ValueError(
            f"unknown class server {config!r} (shipped, class-size, ...-refillK, ...-followK)"
        )
    if found[1] == "shipped":  # no flags: the defaults (the start page's pool sized by memory)
        server_args, pool = [], 0
    else:
        largest = max(args.class_sizes)
        server_args, pool = ["--class-size", str(largest)], largest
    if found[2] is not None:
        server_args += ["--refill-at-once", found[2]]
    if found[3] is not None:
        server_args += ["--follow-class", found[3]]
    return server_args, pool


async def _class_part(
    browser: Browser, args: argparse.Namespace, tmp: Path, out: dict[str, Any]
) -> None:
    """4. A class arriving at once: for each class server, single learners alone (protocol
    and browser, 3 each), then each class size."""
    out["class_runs"] = []
    if not args.class_sizes:
        return
    gen = args.class_generator
    for config in args.class_servers:
        server_args, pool = class_server_args(config, args)
        log(f"class server {config}: {' '.join(server_args)}; generator {gen}")
        run: dict[str, Any] = {"config": config, "server_args": server_args, "pool_size": pool}
        out["class_runs"].append(run)
        server = BenchServer(tmp, *server_args)
        try:
            pool = server.class_size()
            run["pool_size"] = pool
            if pool:
                server.wait_pool_settled(timeout=600)  # every page's pool full
            assets = await b.start_page_assets(browser, server) if gen == "mixed" else []
            run["assets"] = len(assets)
            for kind in ("protocol", "browser") if gen == "mixed" else ("browser",):
                times = []
                for _ in range(3):
                    one = await b.a_class(
                        browser,
                        server,
                        1,
                        pool_size=pool,
                        generator=kind,
                        assets=assets,
                        linger_s=3,
                    )
                    times.extend(one["interactive_s"])
                    if one["errors"]:
                        run.setdefault("single_errors", []).extend(one["errors"])
                run[f"single_{kind}_s"] = times
                log(f"  one {kind} learner alone: {[round(t, 2) for t in times]}")
            run["classes"] = []
            for size in args.class_sizes:
                log(f"  class of {size}")
                c = await b.a_class(
                    browser,
                    server,
                    size,
                    pool_size=pool,
                    generator=gen,
                    assets=assets,
                    linger_s=args.linger,
                    timeout_s=args.class_timeout,
                )
                run["classes"].append(c)
                log(
                    f"    p50/p95 {c['interactive_p50_s']}/{c['interactive_p95_s']}, "
                    f"browser {c['browser']['interactive_s']}, errors {len(c['errors'])}, "
                    f"kernels {c['kernels_before']}/{c['kernels_peak']}/"
                    f"{c['kernels_after_linger']}, gen/server "
                    f"{c['generator_share_of_machine']:.0%}/{c['server_share_of_machine']:.0%}"
                )
            if args.class_moves:
                await _class_moves(browser, server, run, args, assets)
            run["log_errors"] = [
                line
                for line in server.log().splitlines()
                if " E " in line[:30] or "ERROR" in line or "Traceback" in line or "404 " in line
            ][-20:]
        finally:
            server.stop()


async def _class_moves(
    browser: Browser,
    server: BenchServer,
    run: dict[str, Any],
    args: argparse.Namespace,
    assets: list[str],
) -> None:
    """A class on the start page follows its link to lesson 1 at the same moment; one
    learner alone making the same move (protocol and Chromium, 3 each) is the baseline."""
    for kind in ("protocol", "browser"):
        times: list[float] = []
        for _ in range(3):
            one = await b.a_class_moves(
                browser, server, 1, nav.LESSON_1, browsers=int(kind == "browser"), assets=assets
            )
            times.extend(one["interactive_s"])
        run[f"moves_single_{kind}_s"] = times
        log(f"  one {kind} learner alone to lesson 1: {[round(t, 2) for t in times]}")
    log(f"  a class of {args.class_moves} on the start page moves to lesson 1 at once")
    m = await b.a_class_moves(
        browser,
        server,
        args.class_moves,
        nav.LESSON_1,
        assets=assets,
        timeout_s=args.class_timeout,
    )
    run["moves"] = m
    log(
        f"    p50/p95 {m['interactive_p50_s']}/{m['interactive_p95_s']}, browser "
        f"{m['browser_s']}, errors {len(m['errors'])}, kernels {m['kernels_before']}/"
        f"{m['kernels_peak']}, settled after {m['settled_s']:.0f} s"
    )


def moves_rows(run: dict[str, Any], where: str) -> list[Row]:
    m = run.get("moves")  # (not in runs before 2026-12-01, fourth session)
    if not m:
        return []
    med = statistics.median
    one_p = med(run["moves_single_protocol_s"]) if run.get("moves_single_protocol_s") else None
    one_b = med(run["moves_single_browser_s"]) if run.get("moves_single_browser_s") else None
    n = m["size"]
    b_time = m["browser_s"][0] if m["browser_s"] else None
    protocol = [t for t in m["protocol_s"] if t is not None]
    p50 = statistics.median(protocol) if protocol else None
    p95 = b.percentile(protocol, 0.95) if protocol else None
    return [
        (f"{where}: one protocol learner alone, start -> lesson 1", f"{_p(one_p)} s", "1.00x", ""),
        (f"{where}: one browser learner alone, start -> lesson 1", f"{_p(one_b)} s", "1.00x", ""),
        (
            f"Class of {n} moves to lesson 1: protocol p50 / p95"
            " (ratio: to one browser learner alone)",
            f"{_p(p50)} / {_p(p95)} s",
            f"{ratio(p50, one_b)} / {ratio(p95, one_b)}",
            "",
        ),
        (
            f"Class of {n} moves to lesson 1: the browser learner",
            f"{_p(b_time)} s",
            ratio(b_time, one_b),
            "",
        ),
        (
            f"Class of {n} moves: answered / errors / kernels before, peak",
            f"{len(m['interactive_s'])}/{n} / {len(m['errors'])} / "
            f"{m['kernels_before']}, {m['kernels_peak']}",
            f"settled {m['settled_s']:.0f} s",
            "",
        ),
    ]


def ratio(value: float | None, floor: float | None) -> str:
    if value is None or not floor:
        return "-"
    return f"{value / floor:.2f}x"


Row = tuple[str, str, str, str]


def other_share(c: dict[str, Any]) -> float:
    """The machine's busy CPU that was neither the generator nor the server (other work)."""
    cores = psutil.cpu_count() or 1
    other = c["host_busy_cpu_s"] - c["generator_cpu_s"] - c["server_cpu_s"]
    return float(max(0.0, other) / (c["wall_s"] * cores))


def _p(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def class_rows(r: dict[str, Any], args: argparse.Namespace) -> list[Row]:
    if "class_runs" not in r:  # a run without the class part
        return []
    rows: list[Row] = []
    med = statistics.median
    for run in r["class_runs"]:
        where = f"{run['config']} ({' '.join(run['server_args'])})"
        one_p = med(run["single_protocol_s"]) if run.get("single_protocol_s") else None
        one_b = med(run["single_browser_s"]) if run.get("single_browser_s") else None
        if one_p is not None:
            rows.append((f"{where}: one protocol learner alone", f"{one_p:.2f} s", "1.00x", ""))
        if one_b is not None:
            rows.append((f"{where}: one browser learner alone", f"{one_b:.2f} s", "1.00x", ""))
        for c in run.get("classes", []):
            n = c["size"]
            gen = c.get("generator", "browser")
            target = "p95 <= 4x" if n >= 30 else ""
            if gen == "mixed":
                pr, br = c["protocol"], c["browser"]
                rows.append(
                    (
                        # against one browser learner alone, as the target reads: a
                        # protocol learner alone (no page to draw) is the server's part only
                        f"Class of {n}: {pr['count']} protocol p50 / p95 interactive"
                        " (ratio: to one browser learner alone)",
                        f"{_p(pr['interactive_p50_s'])} / {_p(pr['interactive_p95_s'])} s",
                        f"{ratio(pr['interactive_p50_s'], one_b)} / "
                        f"{ratio(pr['interactive_p95_s'], one_b)}",
                        target,
                    )
                )
                b_time = br["interactive_s"][0] if br["interactive_s"] else None
                rows.append(
                    (
                        f"Class of {n}: the browser learner interactive",
                        f"{_p(b_time)} s",
                        ratio(b_time, one_b),
                        target and "<= 4x",
                    )
                )
            else:
                rows.append(
                    (
                        f"Class of {n} (all browsers): p50 / p95 interactive",
                        f"{_p(c['interactive_p50_s'])} / {_p(c['interactive_p95_s'])} s",
                        f"{ratio(c['interactive_p50_s'], one_b)} / "
                        f"{ratio(c['interactive_p95_s'], one_b)}",
                        target,
                    )
                )
            rows.append(
                (
                    f"Class of {n}: interactive / saved / errors",
                    f"{len(c['interactive_s'])}/{n} / "
                    f"{len(c['protocol']['saved_s']) + len(c['browser']['saved_s'])}/{n} / "
                    f"{len(c['errors'])}",
                    f"saved p95 {_p(c['saved_p95_s'])} s",
                    "all, 0 errors",
                )
            )
            rows.append(
                (
                    f"Class of {n}: kernels before/peak/+{c['linger_s']:.0f}s",
                    f"{c['kernels_before']}/{c['kernels_peak']}/{c['kernels_after_linger']}",
                    f"pool {c['pool_size']}",
                    "freed",
                )
            )
            rows.append(
                (
                    f"Class of {n}: CPU share gen/server/other",
                    f"{c['generator_share_of_machine']:.0%} / {c['server_share_of_machine']:.0%}"
                    f" / {other_share(c):.0%}",
                    f"wall {c['wall_s']:.0f} s",
                    "",
                )
            )
        rows.extend(moves_rows(run, where))
    return rows


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def navigation_rows(r: dict[str, Any], p: int, floor_s: float) -> list[Row]:
    """Lesson to lesson, before (every lesson a cold kernel) and with warm pages; bytes."""
    rows: list[Row] = []
    for pool, label, target in ((0, "no warm pages", ""), (p, f"{p} warm a page", "<= 1.3x")):
        found = r.get(f"next_lesson_pool{pool}")
        if found:
            rows.append(
                (
                    f'"Next" until lesson 2 answers, {label}',
                    f"{found['median_s']:.2f} s",
                    ratio(found["median_s"], floor_s),
                    target,
                )
            )
    floor = r.get("floor_bytes")
    if floor:
        for cache in ("empty", "warm"):
            f = floor[cache]
            rows.append(
                (
                    f"Floor page bytes, {cache} cache",
                    f"{_mb(f['bytes'])} / {f['requests']} req",
                    "1.00x",
                    "floor",
                )
            )
    for name, _, _ in NAVIGATION_PAGES:
        got = r.get(f"bytes_{name}")
        if not got:
            continue
        for cache in ("empty", "warm"):
            g = got[cache]
            rows.append(
                (
                    f"{name.capitalize()} page bytes, {cache} cache",
                    f"{_mb(g['bytes'])} / {g['requests']} req",
                    ratio(g["bytes"], floor[cache]["bytes"]) if floor else "-",
                    "",
                )
            )
    return rows


def render(rows: list[Row]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    head = ("Figure", "Measured", "Ratio", "Target")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), sep, *(line(row) for row in rows)])


def offline_rows(o: dict[str, Any]) -> list[Row]:
    """The figures measured without a server (`bench.offline`)."""
    rows: list[Row] = []
    rows.append(("python -c pass", f"{o['python_bare_s'] * 1000:.0f} ms", "1.00x", "floor"))
    rows.append(
        (
            "import twitchlearn (wall, fresh)",
            f"{o['import_twitchlearn_wall_s'] * 1000:.0f} ms",
            ratio(o["import_twitchlearn_wall_s"], o["python_bare_s"]),
            "",
        )
    )
    rows.append(
        ("import ipywidgets", f"{o['import_ipywidgets_s'] * 1000:.0f} ms", "1.00x", "floor")
    )
    for key, label in (
        ("import_twitchlearn_ui_s", "import twitchlearn.ui"),
        ("import_twitchlearn_ui_explorer_s", "import twitchlearn.ui.explorer"),
    ):
        rows.append((label, f"{o[key] * 1000:.0f} ms", ratio(o[key], o["import_ipywidgets_s"]), ""))
    rows.append(("load_course() (fresh process)", f"{o['load_course_s'] * 1000:.0f} ms", "-", ""))
    g = o["grading"]
    rows.append(
        (
            "grade() x 100,000",
            f"{g['grade_100k_s']:.2f} s",
            f"{ratio(g['grade_100k_s'], g['loop_100k_s'])} of a bare loop",
            "",
        )
    )
    e = o["export"]
    rows.append(
        ("Floor: sqlite3 read 100,000 rows", f"{e['sqlite_read_all_s']:.2f} s", "1.00x", "")
    )
    for policy in POLICIES:
        v = e[f"export_{policy}_s"]
        exported = e.get(f"export_{policy}_rows")  # (not in runs before 2026-11-26)
        rows.append(
            (
                f"Export 100,000 attempts ({policy}"
                + (f", {exported:,} rows)" if exported else ")"),
                f"{v:.2f} s",
                ratio(v, e["sqlite_read_all_s"]),
                "< 2 s",
            )
        )
    st = o.get("stores")  # (not in runs before 2026-12-01)
    if st:
        for name in ("sqlite", "postgres"):
            rows.append(
                (
                    f"{name}: 20 writers x 100 attempts",
                    f"{st[f'{name}_writes_per_s']:.0f}/s",
                    "1.00x" if name == "sqlite" else f"{st['postgres_to_sqlite_writes']:.2f}x",
                    "",
                )
            )
        for name in ("sqlite", "postgres"):
            rows.append(
                (
                    f"{name}: export_rows of {st['export_attempts']:,} attempts (best)",
                    f"{st[f'{name}_export_s']:.2f} s",
                    "1.00x" if name == "sqlite" else f"{st['postgres_to_sqlite_export']:.2f}x",
                    "",
                )
            )
    return rows


def table(r: dict[str, Any], args: argparse.Namespace) -> str:
    if args.class_only:
        return render(class_rows(r, args))
    if args.offline_only:
        return render(offline_rows(r["offline"]))
    rows: list[Row] = []
    med = statistics.median
    p = args.pool
    fl0, flp = r["floor_pool0"]["median_s"], r[f"floor_pool{p}"]["median_s"]
    rows.append(("Floor page (one label), cold", f"{fl0:.2f} s", "1.00x", "floor"))
    rows.append((f"Floor page, pool {p}", f"{flp:.2f} s", "1.00x", "floor"))
    rows.extend(navigation_rows(r, p, flp))
    if args.navigation_only:
        return render(rows)
    for name, label in (("start", "Start page"), ("explorer", "Explorer")):
        cold = r[f"{name}_pool0"]["median_s"]
        warm = r[f"{name}_pool{p}"]["median_s"]
        rows.append((f"{label} to interactive, cold", f"{cold:.2f} s", ratio(cold, fl0), ""))
        target = "<= 1.3x" if name == "start" else ""
        rows.append(
            (f"{label} to interactive, pool {p}", f"{warm:.2f} s", ratio(warm, flp), target)
        )
    fs, cs = med(r["floor_slider_s"]), med(r["chart_slider_s"])
    rows.append(("Floor: slider to label", f"{fs * 1000:.0f} ms", "1.00x", "floor"))
    rows.append(("Slider to chart", f"{cs * 1000:.0f} ms", ratio(cs, fs), "<= 1.5x"))
    # each cold load's own new kernel, measured when its page became interactive
    fk = med(r["floor_pool0"]["kernel_rss"])
    rows.append(("Floor kernel RSS (ipywidgets only)", f"{fk / MB:.0f} MB", "1.00x", "floor"))
    for key, label, target in (
        ("start_pool0", "Start page kernel RSS", "<= 1.3x"),
        ("explorer_pool0", "Explorer kernel RSS", "<= 1.3x"),
    ):
        rss = med(r[key]["kernel_rss"])
        rows.append((label, f"{rss / MB:.0f} MB", ratio(rss, fk), target))
    fsr = r["floor_server_rss"]
    rows.append(("Floor server RSS", f"{fsr / MB:.0f} MB", "1.00x", "floor"))
    csr = r["course_server_rss"]
    rows.append(("Course server RSS (after loads)", f"{csr / MB:.0f} MB", ratio(csr, fsr), ""))
    rows.extend(class_rows(r, args))
    rows.extend(offline_rows(r["offline"]))
    return render(rows)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 loads, 10 moves, a class of 10")
    parser.add_argument("--loads", type=int, default=5, help="fresh loads per page (default 5)")
    parser.add_argument("--moves", type=int, default=20, help="slider moves (default 20)")
    parser.add_argument(
        "--class-sizes",
        default="10,20,30",
        help="learners arriving at once, comma separated; empty for none (default 10,20,30)",
    )
    parser.add_argument(
        "--pool", type=int, default=1, help="--class-size of the preheated runs (default 1)"
    )
    parser.add_argument(
        "--navigation-only",
        action="store_true",
        help="only the floors' page loads, lesson-to-lesson navigation and page bytes",
    )
    parser.add_argument(
        "--linger", type=float, default=60, help="seconds after a class leaves to count kernels"
    )
    parser.add_argument(
        "--table-only", action="store_true", help="print the table of bench/results.json again"
    )
    parser.add_argument(
        "--class-only",
        action="store_true",
        help="only the class measurement (writes bench/results-class.json)",
    )
    parser.add_argument(
        "--offline-only",
        action="store_true",
        help="only the figures without a server (imports, grade(), export of 100,000 "
        "attempts): prints them and writes no results file",
    )
    parser.add_argument(
        "--static-only",
        action="store_true",
        help="only the static edition's figures (bench/static.py; builds both sites if needed)",
    )
    parser.add_argument(
        "--class-generator",
        choices=["mixed", "browser"],
        default="mixed",
        help="mixed: N-1 protocol learners and one Chromium page (default); "
        "browser: N Chromium pages (the generator saturates 2 cores)",
    )
    parser.add_argument(
        "--class-timeout",
        type=float,
        default=240,
        help="seconds a learner of a class may take before it counts as an error (default 240)",
    )
    parser.add_argument(
        "--class-moves",
        type=int,
        default=None,
        help="after the classes, this many learners on the start page follow its link to "
        "lesson 1 at once (default: the largest class; 0: not measured)",
    )
    parser.add_argument(
        "--class-servers",
        default="shipped,class-size",
        help="class servers, comma separated: shipped (--class-size of --class-pool), "
        "class-size (--class-size <largest class>), either with -refillK "
        "(--refill-at-once K) and -followK (--follow-class K); default shipped,class-size",
    )
    args = parser.parse_args(argv)
    args.class_servers = [c.strip() for c in args.class_servers.split(",") if c.strip()]
    if args.quick:
        args.loads, args.moves, args.class_sizes = 5, 10, "10"
    args.class_sizes = [int(n) for n in args.class_sizes.split(",") if n.strip()]
    if args.class_moves is None:
        args.class_moves = max(args.class_sizes, default=0)
    return args


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # run the `finally` blocks that stop the servers


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    args = parse(argv)
    results_path = RESULTS_CLASS if args.class_only else RESULTS
    if args.table_only:
        saved = json.loads(results_path.read_text())
        for key in ("pool", "navigation_only"):
            setattr(args, key, saved["settings"].get(key, False))
        print(f"{saved['command']}, {saved['date']}, {saved['machine']}")
        print(table(saved, args))
        return 0
    began = time.monotonic()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])]),
        "machine": {
            "cpus": psutil.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "loadavg_at_start": os.getloadavg(),
        },
        "settings": {k: v for k, v in vars(args).items()},
    }
    if args.offline_only:
        log("offline figures")
        results["offline"] = offline.figures()
        print(json.dumps(results, indent=1, default=str))
        print(table(results, args))
        return 0
    if args.static_only:
        from bench import static

        results["static"] = static.run(args.loads)
        print(json.dumps(results, indent=1, default=str))
        print(static.table(results["static"]))
        return 0
    if args.class_only:
        with tempfile.TemporaryDirectory(prefix="twitchlearn-bench-") as tmp:
            results.update(asyncio.run(classes(args, Path(tmp))))
    else:
        o = None
        if not args.navigation_only:
            log("offline figures")
            o = offline.figures()
        with tempfile.TemporaryDirectory(prefix="twitchlearn-bench-") as tmp:
            results.update(asyncio.run(pages(args, Path(tmp))))
        results["offline"] = o
    results["total_s"] = time.monotonic() - began
    results["machine"]["loadavg_at_end"] = os.getloadavg()
    results_path.write_text(json.dumps(results, indent=1, default=str))
    print(f"\npython -m bench, {results['date']}, {results['machine']}")
    print("(load averages include other work on this machine; the floors share it)")
    try:
        print(table(results, args))
    except (KeyError, TypeError, statistics.StatisticsError) as exc:
        print(f"Table incomplete ({type(exc).__name__}: {exc}); failures: {results['failures']}")
        return 1
    if results["failures"]:
        print(f"Failures: {results['failures']}")
        return 1
    print(f"\n{results_path.relative_to(ROOT)} written; run took {results['total_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
