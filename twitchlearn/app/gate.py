"""Who may reach the server: the Host check, the class's access key, and the pages that say no.

Not part of the core or the ui (no Voila here either: the server wraps these rules around its
tornado application, see `twitchlearn.app.server`).

The rules, checked on every request before any handler runs (pages, static files, the
kernel API and websockets alike):

1. **Host.** The `Host` header must name an address the server serves: `127.0.0.1`,
   `localhost`, `[::1]`, and with `--host` the bound address (or, for `0.0.0.0`, the LAN
   address the server printed); with a port, the server's port. Anything else gets a plain
   text 403. This stops DNS rebinding: a web page on `evil.example` whose name an attacker
   points at 127.0.0.1 sends `Host: evil.example`.
2. **Access key.** Listening on `127.0.0.1`, `::1` or `localhost` needs no key (the
   learner's own machine). Any other address, `0.0.0.0` and the rest of 127.0.0.0/8 included,
   needs the class's key: `?key=...` in the URL (the class link), or the cookie that a
   keyed request set (HttpOnly, SameSite=Lax), so a lesson opened from the start page's
   links needs no key in its URL. A request without it gets a short HTML page ("Ask your
   teacher for the class link", 403) and starts no kernel. Keys are compared with
   `secrets.compare_digest`.
3. **Projector page** (`/projector`): shows the class link and its QR code, so it is for the
   machine itself (a peer address in 127.0.0.0/8, `::1`, or the server's own address) or a
   request with the key. It never shows the teacher key.
4. **Teacher key.** The class view (`twitchlearn.site.CLASS_VIEW_PAGE`: every learner's
   results) wants `?teacher=KEY` on every host, 127.0.0.1 included: learners at a shared lab
   computer open the course on 127.0.0.1 too. Any request whose path, percent-decoded, names
   the page gets `TEACHER_PAGE` (403) without it, and starts no kernel. The page's kernel
   checks the key again (`twitchlearn.identity.teacher_allowed`).
5. **Query keys** (`Gate.query_key`). A warm kernel learns its page's request on Voila's
   `/voila/query/<kernel id>` websocket (`twitchlearn.preheat`). That route wants the
   kernel's own query key in the `QUERY_KEY_HEADER` header: an HMAC-SHA256 of the kernel id
   under a secret the gate makes at each start and never hands out, so the key of one kernel
   opens that kernel's route and no other. The server gives each warm kernel its key in its
   environment (`QUERY_KEY_ENV`) when it starts it; a fresh (cold) kernel gets none. A query
   key opens nothing else (a request with the header on any other route is refused), and
   neither the class key nor the hub proxy's key opens the query route. This is what lets
   warm kernels work behind the hub, where every other request needs the proxy's key, which
   the kernels must never hold.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import ipaddress
import re
import secrets
import socket
from http.cookies import SimpleCookie
from pathlib import PurePosixPath
from urllib.parse import unquote

import attrs

from twitchlearn.identity import TEACHER_PARAM
from twitchlearn.site import CLASS_VIEW_PAGE

__all__ = [
    "BUSY_PAGE",
    "COOKIE",
    "HOST_REFUSED",
    "KEY_PAGE",
    "LOCAL_HOSTS",
    "PROJECTOR_PATH",
    "QUERY_KEY_ENV",
    "QUERY_KEY_HEADER",
    "QUERY_REFUSED",
    "TEACHER_PAGE",
    "Gate",
    "gate_for",
    "is_teacher_path",
    "lan_address",
    "needs_key",
    "new_key",
    "url_host",
]

# Bind addresses that mean "this machine only": no access key.
LOCAL_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "::1", "localhost"})
# Host header names that always mean this machine (with the server's port).
_LOOPBACK_NAMES: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})
COOKIE = "twitchlearn_key"
PROJECTOR_PATH = "/projector"
# 8 random bytes: 11 characters of [A-Za-z0-9_-], short enough to type from a board.
_KEY_BYTES = 8
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (names, not a bind)
# A warm kernel's key to its own query route (rule 5): in its environment, sent in a header
# (a header, not the URL, so it stays out of access logs).
QUERY_KEY_ENV = "TWITCHLEARN_QUERY_KEY"
QUERY_KEY_HEADER = "X-Twitchlearn-Query-Key"
_QUERY_SECRET_BYTES = 32
_KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def new_key() -> str:
    """A fresh access key for a class (secrets.token_urlsafe)."""
    return secrets.token_urlsafe(_KEY_BYTES)


def needs_key(host: str) -> bool:
    """Whether serving on `host` needs an access key: every address but 127.0.0.1, ::1 and
    localhost (the rest of 127.0.0.0/8 too: the rule is a short list, not a guess)."""
    return host not in LOCAL_HOSTS


def lan_address() -> str:
    """This machine's address on its network, as other machines would reach it (the address
    of the interface with the default route), or 127.0.0.1 when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: a UDP connect sends no packet
            found = str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"
    return found if found not in _WILDCARDS else "127.0.0.1"


def url_host(address: str) -> str:
    """An address as it goes in a URL: IPv6 in brackets."""
    return f"[{address}]" if ":" in address else address


@attrs.frozen
class Gate:
    """The rules for one server: where it listens, what Host names it answers to, its key."""

    port: int
    public: str  # the address in the class link (the bound address, or the LAN address)
    hosts: frozenset[str]  # Host names accepted, without brackets or port
    own_addresses: frozenset[str]  # peer addresses that are this machine
    key: str | None  # None: no key needed (a loopback bind)
    teacher_key: str | None = None  # None: no class view (the gate refuses its path)
    # The secret of this start's query keys (rule 5); never printed, never in an environment.
    query_secret: bytes = attrs.field(
        factory=lambda: secrets.token_bytes(_QUERY_SECRET_BYTES), repr=False
    )

    @property
    def class_link(self) -> str:
        query = f"?key={self.key}" if self.key else ""
        return f"http://{url_host(self.public)}:{self.port}/{query}"

    @property
    def teacher_link(self) -> str:
        """The class view's link: the access key (if any) and the teacher key."""
        access = f"key={self.key}&" if self.key else ""
        return (
            f"http://{url_host(self.public)}:{self.port}/voila/render/{CLASS_VIEW_PAGE}"
            f"?{access}{TEACHER_PARAM}={self.teacher_key or ''}"
        )

    def teacher_matches(self, given: str | None) -> bool:
        if self.teacher_key is None or not given:
            return False
        return secrets.compare_digest(given.encode(), self.teacher_key.encode())

    @property
    def projector_link(self) -> str:
        return f"http://{url_host(self.public)}:{self.port}{PROJECTOR_PATH}"

    def host_allowed(self, host_header: str) -> bool:
        """Whether a request's Host header names this server (see the module docstring)."""
        found = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]*)(?::(\d+))?", host_header.strip().lower())
        if found is None:
            return False
        name, port = found.group(1), found.group(2)
        if name.startswith("["):
            name = name[1:-1]
        if port is not None and int(port) != self.port:
            return False
        return name in self.hosts

    def key_matches(self, given: str | None) -> bool:
        if self.key is None:
            return True
        if not given:
            return False
        return secrets.compare_digest(given.encode(), self.key.encode())

    def peer_is_local(self, remote_ip: str | None) -> bool:
        """Whether a request comes from this machine (for the projector page)."""
        if not remote_ip:
            return False
        try:
            address = ipaddress.ip_address(remote_ip.split("%")[0])
        except ValueError:
            return False
        mapped = getattr(address, "ipv4_mapped", None)
        return bool(
            address.is_loopback
            or (mapped is not None and mapped.is_loopback)
            or str(address) in self.own_addresses
        )

    def query_key(self, kernel_id: str) -> str:
        """The key that opens `kernel_id`'s query route, and only that one (rule 5)."""
        digest = hmac.new(self.query_secret, kernel_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def query_key_matches(self, kernel_id: str, given: str | None) -> bool:
        """Whether `given` is the query key of `kernel_id` (a kernel id as Voila makes them:
        a lowercase UUID; anything else matches nothing)."""
        if not given or not _KERNEL_ID.fullmatch(kernel_id):
            return False
        return secrets.compare_digest(given.encode(), self.query_key(kernel_id).encode())

    def cookie_header(self) -> str:
        """The Set-Cookie value a keyed request gets: the key, HttpOnly, SameSite=Lax."""
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE] = self.key or ""
        morsel = cookie[COOKIE]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        return morsel.OutputString()


def is_teacher_path(path: str) -> bool:
    """Whether a request path reaches the class view: its name (without `.ipynb`, any case)
    in the path once percent-decoding changes nothing more."""
    decoded = path
    for _ in range(10):
        again = unquote(decoded)
        if again == decoded:
            break
        decoded = again
    stem = PurePosixPath(CLASS_VIEW_PAGE).stem.lower()
    return stem in decoded.lower()


def gate_for(host: str, port: int, key: str | None = None, teacher_key: str | None = None) -> Gate:
    """The gate of a server bound to `host`:`port`. A bind that needs a key gets `key`, or a
    new one; a loopback bind ignores `key` (nothing to guard on the learner's own machine).
    Every server gets `teacher_key`, or a new one, for the class view."""
    public = lan_address() if host in _WILDCARDS else host
    hosts = set(_LOOPBACK_NAMES)
    own = set()
    if host not in LOCAL_HOSTS:
        hosts.add(public.lower())
        own.add(public)
        if host not in _WILDCARDS:
            hosts.add(host.lower())
            own.add(host)
    return Gate(
        port=port,
        public=public if host != "localhost" else "127.0.0.1",
        hosts=frozenset(hosts),
        own_addresses=frozenset(own),
        key=(key or new_key()) if needs_key(host) else None,
        teacher_key=teacher_key or new_key(),
    )


def _page(title: str, lines: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;font-size:1.25rem;line-height:1.5;"
        "max-width:36rem;margin:3rem auto;padding:0 1rem;color:#111;background:#fff}</style>\n"
        f"</head><body><main><h1>{html.escape(title)}</h1>\n{body}\n</main></body></html>\n"
    )


KEY_PAGE = _page(
    "Ask your teacher for the class link",
    [
        "This course is open to one class.",
        "Ask your teacher for the class link, then open it on this device.",
    ],
)
BUSY_PAGE = _page(
    "The course is busy",
    ["The course is busy. Try again in a moment."],
)
TEACHER_PAGE = _page(
    "This page is for the teacher",
    [
        "It shows the class's results, so it needs the teacher's own link.",
        "Teacher: open the class view link that twitchlearn serve printed on your computer.",
    ],
)
QUERY_REFUSED = "This address is for the course's own kernels.\n"
HOST_REFUSED = (
    "This server does not answer to that address. Open the course by the link your teacher "
    "gave you.\n"
)
