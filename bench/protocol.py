"""A learner at the protocol level: what the start page's JavaScript does, without a browser.

Checked against a real Chromium page's requests and websocket frames (Playwright,
`page.on("websocket")`, 2026-11-25), the page, once loaded:

1. GETs `/voila/render/00_start_here.ipynb`; the response sets the `_xsrf` and identity
   cookies; the kernel id is in the `jupyter-config-data` script (`"kernelId"`).
2. GETs its scripts and styles (about 60 files from `/voila/static/...`): `assets` below, the
   list a real browser learner fetched, so the server serves what it serves to a browser.
3. GETs `/api/kernels/<id>` (with `X-XSRFToken`), then opens the websocket
   `/api/kernels/<id>/channels?session_id=<uuid>` with subprotocol
   `v1.kernel.websocket.jupyter.org` (binary frames: offsets, channel, header, parent header,
   metadata, content).
4. Sends `kernel_info_request`, then ipywidgets 8's manager opens a `jupyter.widget.control`
   comm (metadata `{"version": "1.0.0"}`), sends `{"method": "request_states"}` on it, and
   closes it once the kernel answers with `update_states`.
5. Typing a name and pressing "Save my name": a `comm_msg` `{"method": "update", "state":
   {"value": name}, "buffer_paths": []}` to the name Text, then `{"method": "custom",
   "content": {"event": "click"}}` to the Button; the kernel answers with an `update` of the
   greeting HTML containing "Hello, <name>".
6. On unload: a beacon POSTs multipart form `_xsrf=<cookie>` to `/voila/api/shutdown/<id>`.

"Interactive" here is the moment both the kernel info reply and the widget states have
arrived: what the page needs before it can draw the name field (the browser then still has to
render it, which this learner does not).
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import Any

import aiohttp
import attrs
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"
CONNECTIONS_PER_HOST = 6  # what Chromium opens to one host, and keeps open (keep-alive)
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]+)"')
TIMEOUT_S = 600.0


def pack(channel: str, header: dict[str, Any], content: dict[str, Any], **extra: Any) -> bytes:
    """A message in the v1 kernel websocket protocol (as @jupyterlab/services sends it)."""
    parts = [
        channel.encode(),
        json.dumps(header, separators=(",", ":")).encode(),
        json.dumps(extra.get("parent_header", {}), separators=(",", ":")).encode(),
        json.dumps(extra.get("metadata", {}), separators=(",", ":")).encode(),
        json.dumps(content, separators=(",", ":")).encode(),
    ]
    # the offset count, then where each part starts and where the last one ends
    offsets = [8 * (len(parts) + 2)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = struct.pack(f"<{len(offsets) + 1}Q", len(offsets), *offsets)
    return head + b"".join(parts)


def unpack(frame: bytes) -> dict[str, Any]:
    """Channel, header, parent header, metadata and content of a v1 frame (buffers dropped)."""
    count = struct.unpack_from("<Q", frame, 0)[0]
    offsets = struct.unpack_from(f"<{count}Q", frame, 8)  # the last is where the last part ends
    parts = [frame[offsets[i] : offsets[i + 1]] for i in range(count - 1)]
    header, parent, metadata, content = (json.loads(p) for p in parts[1:5])
    return {
        "channel": parts[0].decode(),
        "header": header,
        "parent_header": parent,
        "metadata": metadata,
        "content": content,
    }


@attrs.frozen
class Response:
    code: int
    body: bytes


class ProtocolLearner:
    """One learner's page: cookies, kernel id, websocket, the messages the page sends.

    Its HTTP requests go over at most CONNECTIONS_PER_HOST connections kept open, as
    Chromium's do: a start page in Chromium opened 7 connections to the server (6 for HTTP,
    one for the websocket), counted with `ss` (2026-12-02). This learner once opened a new
    connection for each of its 96 requests (tornado's simple client has no keep-alive), so
    a class of protocol learners made the server accept and set up about 14 times the
    connections a class of browsers would. `python -m bench.check_protocol` counts both.
    """

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self._http: aiohttp.ClientSession | None = None
        self.cookies: SimpleCookie = SimpleCookie()
        self.session = str(uuid.uuid4())
        self.kernel_id = ""
        self.ws: WebSocketClientConnection | None = None
        self.states: dict[str, Any] = {}
        self.messages_received = 0
        # Every frame goes here, read or not: tornado's own queue holds one message, and a
        # full queue stops its read loop, so an unread socket stops answering the server's
        # pings (and the server closes it after 90 s). A browser page keeps reading.
        self._inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue()

    # -- http -------------------------------------------------------------------------------

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())

    @property
    def xsrf(self) -> str:
        morsel = self.cookies.get("_xsrf")
        return morsel.value if morsel else ""

    @property
    def http(self) -> aiohttp.ClientSession:
        """The learner's connections (made on first use, inside the running loop)."""
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit_per_host=CONNECTIONS_PER_HOST),
                cookie_jar=aiohttp.DummyCookieJar(),  # the cookies are kept here, as sent
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
                auto_decompress=False,
            )
        return self._http

    async def _fetch(
        self,
        path: str,
        *,
        method: str = "GET",
        body: str | None = None,
        headers: dict[str, str] | None = None,
        raise_error: bool = True,
    ) -> Response:
        sent = {"Cookie": self._cookie_header(), **(headers or {})}
        async with self.http.request(method, self.base + path, headers=sent, data=body) as got:
            data = await got.read()
            for value in got.headers.getall("Set-Cookie", []):
                self.cookies.load(value)
            if raise_error:
                got.raise_for_status()
            return Response(got.status, data)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def open_page(self, path: str, assets: list[str]) -> None:
        page = await self._fetch(path)
        found = KERNEL_ID.search(page.body.decode(errors="replace"))
        if not found:
            raise RuntimeError(f"no kernelId in {path} ({len(page.body)} bytes)")
        self.kernel_id = found.group(1)
        # the page's scripts and styles, CONNECTIONS_PER_HOST at a time (the client's limit)
        await asyncio.gather(*(self._fetch(asset) for asset in assets))

    # -- kernel websocket -------------------------------------------------------------------

    def _header(self, msg_type: str) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return {
            "date": now,
            "msg_id": str(uuid.uuid4()),
            "msg_type": msg_type,
            "session": self.session,
            "username": "",
            "version": "5.2",
        }

    async def send(self, msg_type: str, content: dict[str, Any], **extra: Any) -> str:
        assert self.ws is not None
        header = self._header(msg_type)
        await self.ws.write_message(pack("shell", header, content, **extra), binary=True)
        return str(header["msg_id"])

    async def receive(self) -> dict[str, Any]:
        assert self.ws is not None
        frame = await self._inbox.get()
        if frame is None:
            raise ConnectionError("kernel websocket closed")
        if isinstance(frame, str):
            raise RuntimeError(f"expected a binary v1 frame, got text: {frame[:100]}")
        self.messages_received += 1
        return unpack(frame)

    async def connect(self) -> None:
        """The kernel model, the websocket, kernel info and the widget states."""
        await self._fetch(
            f"/api/kernels/{self.kernel_id}?{int(time.time() * 1000)}",
            headers={"X-XSRFToken": self.xsrf, "Content-Type": "application/json"},
        )
        ws_url = self.base.replace("http", "ws", 1)
        request = HTTPRequest(
            f"{ws_url}/api/kernels/{self.kernel_id}/channels?session_id={self.session}",
            headers={"Cookie": self._cookie_header(), "Origin": self.base},
            request_timeout=TIMEOUT_S,
            connect_timeout=TIMEOUT_S,
        )
        self.ws = await websocket_connect(
            request,
            subprotocols=[SUBPROTOCOL],
            max_message_size=1 << 30,
            on_message_callback=self._inbox.put_nowait,
        )
        info_id = await self.send("kernel_info_request", {})
        control = str(uuid.uuid4())
        await self.send(
            "comm_open",
            {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": "1.0.0"},
        )
        await self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        have_info = False
        while not (have_info and self.states):
            msg = await self.receive()
            kind = msg["header"]["msg_type"]
            if kind == "kernel_info_reply" and msg["parent_header"].get("msg_id") == info_id:
                have_info = True
            elif kind == "comm_msg" and msg["content"].get("comm_id") == control:
                data = msg["content"].get("data", {})
                if data.get("method") == "update_states":
                    self.states = data["states"]
        await self.send("comm_close", {"comm_id": control, "data": {}})

    def model(self, model_name: str, **state: Any) -> str:
        """The id of the first widget model of that kind whose state has those values."""
        for model_id, entry in self.states.items():
            if entry["model_name"] != model_name:
                continue
            if all(entry["state"].get(k) == v for k, v in state.items()):
                return str(model_id)
        raise LookupError(f"no {model_name} with {state} among {len(self.states)} widgets")

    async def save_name(self, name: str) -> None:
        """Type the name, press "Save my name", wait for the greeting."""
        text = self.model("TextModel", description="Your name:")
        button = self.model("ButtonModel", description="Save my name")
        await self.send(
            "comm_msg",
            {
                "comm_id": text,
                "data": {"method": "update", "state": {"value": name}, "buffer_paths": []},
            },
        )
        await self.send(
            "comm_msg",
            {"comm_id": button, "data": {"method": "custom", "content": {"event": "click"}}},
        )
        wanted = f"Hello, {name}"
        while True:
            msg = await self.receive()
            if msg["header"]["msg_type"] != "comm_msg":
                continue
            data = msg["content"].get("data", {})
            value = data.get("state", {}).get("value")
            if data.get("method") == "update" and isinstance(value, str) and wanted in value:
                return

    async def move(self, path: str, assets: list[str]) -> None:
        """Follow a link to another page: this page's kernel goes (as the browser's unload
        beacon makes it), then the next page loads and connects."""
        await self._leave_page()
        self.states = {}
        self.session = str(uuid.uuid4())
        self._inbox = asyncio.Queue()
        await self.open_page(path, assets)
        await self.connect()

    async def leave(self) -> int:
        """Close the websocket and send the unload beacon's shutdown; its HTTP status."""
        status = await self._leave_page()
        await self.close()
        return status

    async def _leave_page(self) -> int:
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        status = 0
        if self.kernel_id:
            boundary = "----ProtocolLearner" + uuid.uuid4().hex[:16]
            body = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="_xsrf"\r\n\r\n'
                f"{self.xsrf}\r\n--{boundary}--\r\n"
            )
            response = await self._fetch(
                f"/voila/api/shutdown/{self.kernel_id}",
                method="POST",
                body=body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Origin": self.base,
                },
                raise_error=False,
            )
            status = response.code
            self.kernel_id = ""
        return status


async def protocol_learner(
    learner: ProtocolLearner,
    path: str,
    name: str,
    gate: asyncio.Event,
    timeout_s: float,
    assets: list[str] | None = None,
) -> dict[str, Any]:
    """The same result shape as the browser's `_learner`; the learner leaves later."""
    await gate.wait()
    began = time.perf_counter()
    result: dict[str, Any] = {"interactive_s": None, "saved_s": None, "error": None}
    try:
        async with asyncio.timeout(timeout_s):
            await learner.open_page(path, assets or [])
            result["page_and_assets_s"] = time.perf_counter() - began
            await learner.connect()
            result["interactive_s"] = time.perf_counter() - began
            await learner.save_name(name)
            result["saved_s"] = time.perf_counter() - began
    except Exception as exc:  # a learner who never got there is a result, not a crash
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        result["error"] = f"{type(exc).__name__}: {first}"
    return result
