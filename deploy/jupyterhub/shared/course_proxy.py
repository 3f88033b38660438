"""`jhsingle-native-proxy`, with the websocket origin check it had before tornado 6.6.

jhsingle-native-proxy 0.8.3 checks the `Origin` of every websocket itself, calling tornado's
`WebSocketHandler.check_origin`. Up to tornado 6.5 that accepted a page's own origin (the
`Origin` header's host is the `Host` header). Tornado 6.6 changed it to accept only the
`trusted_origins` application setting, which the proxy never sets, so every kernel
websocket got 403 and the course's widgets never answered (found by tests/hub/test_shared.py).
This restores the old rule, and only that: the same origin, nothing else.

Run it as the proxy itself: `python course_proxy.py --forward-user-info ... voila ...`.
"""

from __future__ import annotations

import sys
from urllib.parse import urlparse

from jhsingle_native_proxy import proxyhandlers
from jhsingle_native_proxy.main import run


def same_origin(self: proxyhandlers.ProxyHandler, origin: str) -> bool:
    """The page that opens the websocket is served from the host the websocket goes to."""
    host = self.request.headers.get("Host", "")
    return bool(host) and urlparse(origin).netloc.lower() == host.lower()


proxyhandlers.ProxyHandler.check_origin = same_origin

if __name__ == "__main__":
    sys.exit(run())
