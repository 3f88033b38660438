"""`python -m bench.check_protocol`: does the protocol learner send what a browser sends?

Starts a real server, records a Chromium page's websocket frames and requests (Playwright)
while it saves a name, does the same with `bench.protocol.ProtocolLearner`, and compares the
messages each sent, with ids (message, comm, session, kernel) replaced by their roles.
Prints both sequences and exits 1 when they differ.

It also counts the TCP connections each opens to the server while its start page loads and
connects (`ss`; the protocol learner fetching the files the browser did), on a server with no
warm kernels (a warm kernel opens connections of its own to the server): the server's work
for each connection is part of what a class costs it, so the learner must not open more.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import WebSocket, async_playwright

from bench import browser as b
from bench.protocol import ProtocolLearner, unpack
from bench.server import BenchServer

NAME = "Zoe"
PATH = f"/voila/render/{b.START}"


def client_ports(server_port: int) -> set[str]:
    """The client end (address:port) of every TCP connection to the server that `ss` lists,
    open or just closed (TIME-WAIT lasts a minute, longer than this check)."""
    out = subprocess.run(["ss", "-tanH"], capture_output=True, text=True, check=True).stdout
    ports = set()
    for fields in (line.split() for line in out.splitlines()):
        if len(fields) < 5 or fields[0] == "LISTEN":
            continue
        local, peer = fields[3], fields[4]
        if peer.endswith(f":{server_port}"):
            ports.add(local)
        elif local.endswith(f":{server_port}"):
            ports.add(peer)
    return ports


async def connections(tmp: Path) -> tuple[int, int, int]:
    """Connections a Chromium start page and a protocol learner open until interactive; the
    number of files each fetched."""
    server = BenchServer(tmp, "--class-size", "0", "--warm-pages", "0")
    try:
        async with async_playwright() as pw:
            browser = await b.launch(pw)
            before = client_ports(server.port)
            context = await b.new_context(browser)
            page = await context.new_page()
            files: list[str] = []
            page.on(
                "request",
                lambda r: (
                    files.append(r.url[len(server.url) :])
                    if r.method == "GET" and "/api/" not in r.url and "/render/" not in r.url
                    else None
                ),
            )
            await page.goto(server.url + PATH, wait_until="commit", timeout=b.LOAD_TIMEOUT_MS)
            await b.start_interactive(page)
            by_browser = client_ports(server.port) - before
            await b.close(page, context)
            await browser.close()
        before = client_ports(server.port)
        learner = ProtocolLearner(server.url)
        await learner.open_page(PATH, files)
        await learner.connect()
        by_learner = client_ports(server.port) - before
        await learner.leave()
    finally:
        server.stop()
    return len(by_browser), len(by_learner), len(files)


def normalized(messages: list[dict[str, Any]], kernel_id: str) -> list[str]:
    """Each sent message as text, with ids replaced by what they name."""
    roles: dict[str, str] = {}
    out = []
    for msg in messages:
        text = repr(
            (
                msg["channel"],
                msg["header"]["msg_type"],
                sorted(msg["header"]),
                msg["header"]["version"],
                msg["parent_header"],
                msg["metadata"],
                msg["content"],
            )
        )
        comm = msg["content"].get("comm_id")
        if comm and comm not in roles:
            roles[comm] = f"<comm {len(roles)}>"
        for value, role in [*roles.items(), (kernel_id, "<kernel>")]:
            text = text.replace(value, role)
        out.append(text)
    return out


async def browser_frames(server: BenchServer) -> tuple[list[dict[str, Any]], list[str], str]:
    sent: list[dict[str, Any]] = []
    requests: list[str] = []
    async with async_playwright() as pw:
        browser = await b.launch(pw)
        context = await b.new_context(browser)
        page = await context.new_page()

        def on_websocket(ws: WebSocket) -> None:
            ws.on(
                "framesent",
                lambda payload: (
                    sent.append(unpack(payload)) if isinstance(payload, bytes) else None
                ),
            )

        page.on("websocket", on_websocket)
        page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
        await page.goto(server.url + PATH, wait_until="commit", timeout=b.LOAD_TIMEOUT_MS)
        await b.start_interactive(page, NAME[0])
        kernel_id = await page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
        await b.save_name(page, NAME)
        await b.close(page, context)
        await browser.close()
    return sent, requests, str(kernel_id)


async def protocol_frames(server: BenchServer) -> tuple[list[dict[str, Any]], int, str]:
    learner = ProtocolLearner(server.url)
    sent: list[dict[str, Any]] = []
    original = learner.send

    async def recording(msg_type: str, content: dict[str, Any], **extra: Any) -> str:
        msg_id = await original(msg_type, content, **extra)
        sent.append(
            {
                "channel": "shell",
                "header": {**learner._header(msg_type), "msg_id": msg_id},
                "parent_header": extra.get("parent_header", {}),
                "metadata": extra.get("metadata", {}),
                "content": content,
            }
        )
        return msg_id

    learner.send = recording  # type: ignore[method-assign]
    await learner.open_page(PATH, [])
    await learner.connect()
    await learner.save_name(NAME)
    kernel_id = learner.kernel_id  # (leaving forgets it)
    status = await learner.leave()
    return sent, status, kernel_id


async def main() -> int:
    with tempfile.TemporaryDirectory(prefix="twitchlearn-check-") as tmp:
        server = BenchServer(Path(tmp), "--class-size", "2")
        try:
            server.wait_pool_fills(0)
            browser_sent, requests, browser_kernel = await browser_frames(server)
            proto_sent, status, proto_kernel = await protocol_frames(server)
            await asyncio.sleep(2)
            log = server.log()
        finally:
            server.stop()
        by_browser, by_learner, files = await connections(Path(tmp))
    wanted = normalized(browser_sent, browser_kernel)
    got = normalized(proto_sent, proto_kernel)
    print("browser sent:", *wanted, sep="\n  ")
    print("protocol learner sent:", *got, sep="\n  ")
    print("browser's API requests:", *[r for r in requests if "/api/" in r], sep="\n  ")
    print(f"protocol learner's shutdown: HTTP {status}")
    print(
        f"connections to the server until interactive: browser {by_browser}, protocol "
        f"learner {by_learner} ({files} files each)"
    )
    problems = [line for line in log.splitlines() if "ERROR" in line or "Traceback" in line]
    print("server log errors:", *problems or ["none"], sep="\n  ")
    fewer = by_learner <= by_browser
    same = wanted == got and status == 204 and not problems and fewer
    print("SAME" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
