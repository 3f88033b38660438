"""`jhsingle-native-proxy`, with the websocket origin check it had before tornado 6.6.

jhsingle-native-proxy 0.8.3 checks the `Origin` of every websocket itself, calling tornado's
`WebSocketHandler.check_origin`. Up to tornado 6.5 that accepted a page's own origin (the
`Origin` header's host is the `Host` header). Tornado 6.6 changed it to accept only the
`trusted_origins` application setting, which the proxy never sets, so every kernel
websocket got 403 and the course's widgets never answered (found by tests/hub/test_shared.py).
This restores the old rule, and only that: the same origin, nothing else.

It also proves to the course's server that a request came through it: at start it makes a
random key, hands it to the server it starts (`TWITCHLEARN_PROXY_KEY`, in the environment,
which `twitchlearn serve --behind-hub` takes out before any kernel starts) and sets it in the
`X-Twitchlearn-Proxy-Key` header of every request and websocket it passes on (replacing one
the browser sent). The server refuses a request without it, so another program on the
machine (or a web page in a browser there, by DNS rebinding) that finds the server's port
cannot send a made-up user header.

Run it as the proxy itself: `python course_proxy.py --forward-user-info ... twitchlearn serve
...`.
"""

from __future__ import annotations

import os
import secrets
import sys
from typing import Any
from urllib.parse import urlparse

from jhsingle_native_proxy import proxyhandlers
from jhsingle_native_proxy.main import run


def same_origin(self: proxyhandlers.ProxyHandler, origin: str) -> bool:
    """The page that opens the websocket is served from the host the websocket goes to."""
    host = self.request.headers.get("Host", "")
    return bool(host) and urlparse(origin).netloc.lower() == host.lower()


proxyhandlers.ProxyHandler.check_origin = same_origin

KEY_ENV = "TWITCHLEARN_PROXY_KEY"  # twitchlearn.app.server.PROXY_KEY_ENV
KEY_HEADER = "X-Twitchlearn-Proxy-Key"  # twitchlearn.app.server.PROXY_KEY_HEADER
_filter = proxyhandlers.ProxyHandler._filter_headers_and_query


def with_key(self: proxyhandlers.ProxyHandler, headers: Any, query_args: Any) -> Any:
    """The proxy's own header filter (user header), then this proxy's key (replacing any the
    browser sent: tornado's headers are case-insensitive and `[]=` replaces)."""
    headers, query_args = _filter(self, headers, query_args)
    headers[KEY_HEADER] = os.environ[KEY_ENV]
    return headers, query_args


proxyhandlers.ProxyHandler._filter_headers_and_query = with_key

if __name__ == "__main__":
    os.environ[KEY_ENV] = secrets.token_urlsafe(32)  # the server it starts inherits it
    sys.exit(run())
