"""A warm kernel learns which request it serves: Voila's preheated kernels, made fast.

`twitchlearn serve` keeps warm kernels for every page (`--class-size` for the start page,
`--warm-pages` for each of the others): each one started, imported the course and is waiting
before anyone asked for its page. Such a kernel was started before the request, so it cannot
know who the learner is (the `?learner=` query, the learner cookie, the hub user header).
Voila sends those to it when it hands the kernel to a page, through its own websocket
(`/voila/query/<kernel id>`, `RequestInfoSocketHandler`), and `request_environment()` waits
for that message and puts its variables in `os.environ`, where
`twitchlearn.identity.learner_from_environment` reads them.

That websocket wants the kernel's own query key (`twitchlearn.app.gate`, rule 5), which the
server put in this kernel's environment (`QUERY_KEY_ENV`) when it started it: it is sent in
a header (`QUERY_KEY_HEADER`, not in the URL, so no log has it) and taken out of
`os.environ` once used, so nothing the kernel runs later finds it there. The key opens this
kernel's query route and nothing else; behind JupyterHub it is how a warm kernel gets in
without the proxy's key, which no kernel holds.

`twitchlearn.session.kernel_session` calls it before it looks at the environment, and only in
a kernel Voila marked as preheated (`VOILA_PREHEAT=True`); everywhere else (JupyterLab, a
fresh Voila kernel, the static edition) it returns at once and imports nothing.

Server only (`twitchlearn._purity.SERVER_ONLY`): it imports tornado, which ipykernel runs on,
and is imported lazily. Voila has the same helper (`voila.utils.wait_for_request`), but
importing `voila.utils` takes a kernel about 1,000 modules and seconds; this module uses only
tornado's websocket client.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import MutableMapping

import tornado.httpclient
import tornado.websocket

__all__ = ["PREHEAT_ENV", "QUERY_KEY_ENV", "QUERY_KEY_HEADER", "query_url", "request_environment"]

log = logging.getLogger(__name__)

PREHEAT_ENV = "VOILA_PREHEAT"
# twitchlearn.app.gate's names (not imported: a kernel needs no server code for two strings)
QUERY_KEY_ENV = "TWITCHLEARN_QUERY_KEY"
QUERY_KEY_HEADER = "X-Twitchlearn-Query-Key"
# Seconds to reach the server's query websocket. The wait for the message itself has no
# limit: a warm kernel waits in the pool until a page takes it, however long that is.
CONNECT_SECONDS = 30.0


def query_url(environ: MutableMapping[str, str]) -> str | None:
    """Where this kernel's request info comes from (as `voila.utils.wait_for_request` builds
    it), or None when this is not a preheated Voila kernel."""
    if environ.get(PREHEAT_ENV) != "True":
        return None
    kernel_id = environ.get("VOILA_KERNEL_ID")
    port = environ.get("VOILA_APP_PORT")
    if not kernel_id or not port:
        return None
    protocol = environ.get("VOILA_WS_PROTOCOL", "ws")
    host = environ.get("VOILA_APP_IP", "127.0.0.1")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    base = environ.get("VOILA_WS_BASE_URL", environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{kernel_id}"


async def _receive(url: str, key: str) -> str | None:
    request = tornado.httpclient.HTTPRequest(
        url, headers={QUERY_KEY_HEADER: key}, connect_timeout=CONNECT_SECONDS
    )
    connection = await tornado.websocket.websocket_connect(request)
    try:
        message = await connection.read_message()
    finally:
        connection.close()
    return message if isinstance(message, str) else None


def request_environment(environ: MutableMapping[str, str] | None = None) -> bool:
    """In a warm Voila kernel: wait until a page takes this kernel, then put that page's
    request variables (QUERY_STRING, HTTP_COOKIE, the hub user header...) in `environ`
    (default: `os.environ`). Returns whether it did; False at once outside a warm kernel.

    Runs the websocket in a thread of its own with its own event loop, because the kernel's
    loop is busy running the cell that called this. A server that cannot be reached leaves
    the environment as it was (the learner is then anonymous, which the page says) and logs
    why.
    """
    env = os.environ if environ is None else environ
    url = query_url(env)
    if url is None:
        return False
    key = env.pop(QUERY_KEY_ENV, "")  # used once, here: out of the environment from now on
    got: list[str | None] = []
    problem: list[BaseException] = []

    def wait() -> None:
        try:
            got.append(asyncio.run(_receive(url, key)))
        except Exception as exc:  # logged below; the page goes on anonymous
            problem.append(exc)

    thread = threading.Thread(target=wait, name="twitchlearn-preheat", daemon=True)
    thread.start()
    thread.join()
    text = got[0] if got else None
    if text is None:
        log.warning("a warm kernel got no request info from %s: %s", url, problem or "no text")
        env[PREHEAT_ENV] = "False"
        return False
    try:
        payload = json.loads(text)
    except ValueError:
        log.warning("a warm kernel got request info that is not JSON from %s", url)
        payload = {}
    if isinstance(payload, dict):
        for key, value in payload.items():
            if isinstance(key, str) and isinstance(value, str):
                env[key] = value
    env[PREHEAT_ENV] = "False"  # once: this kernel now serves its page
    return True
