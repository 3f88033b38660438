"""The gate's rules without a server: which binds need a key, which Host headers name the
server, which peers are this machine, the cookie, the projector page, the kernel cap's
default. The real servers are in tests/browser/test_gate.py and test_kernel_cap.py."""

from __future__ import annotations

import re

import pytest

from twitchlearn.app.defaults import (
    DEFAULT_CLASS_SIZE,
    MAX_DEFAULT_CLASS_SIZE,
    MIN_MAX_KERNELS,
    default_class_size,
    default_max_kernels,
)
from twitchlearn.app.gate import gate_for, lan_address, needs_key, new_key
from twitchlearn.app.projector import projector_page, qr_svg


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_the_learners_own_machine_needs_no_key(host: str) -> None:
    assert not needs_key(host)
    assert gate_for(host, 8866, "ignored-key").key is None


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.2", "192.168.1.20", "::"])  # noqa: S104
def test_every_other_address_needs_a_key(host: str) -> None:
    assert needs_key(host)
    gate = gate_for(host, 8866)
    assert gate.key is not None
    assert gate.class_link.endswith(f":8866/?key={gate.key}")


def test_a_new_key_is_short_and_fits_in_a_link() -> None:
    keys = {new_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{8,12}", key) for key in keys)


def test_host_headers_that_name_the_server() -> None:
    gate = gate_for("127.0.0.2", 8866, "k" * 10)
    for host in ["127.0.0.1:8866", "localhost:8866", "[::1]:8866", "127.0.0.2:8866", "LOCALHOST"]:
        assert gate.host_allowed(host), host
    for host in [
        "evil.example",
        "evil.example:8866",
        "127.0.0.1:8867",
        "127.0.0.3:8866",
        "localhost.evil.example:8866",
        "127.0.0.1:8866@evil.example",
        "[::1",
        "",
    ]:
        assert not gate.host_allowed(host), host


def test_every_interface_answers_to_the_lan_address_it_prints() -> None:
    gate = gate_for("0.0.0.0", 8866)  # noqa: S104
    lan = lan_address()
    assert gate.public == lan
    assert gate.class_link.startswith(f"http://{lan}:8866/?key=")
    assert gate.host_allowed(f"{lan}:8866")
    assert not gate.host_allowed("0.0.0.0:8866")


def test_keys_are_compared_whole() -> None:
    gate = gate_for("127.0.0.2", 1, "abcdefghij")
    assert gate.key_matches("abcdefghij")
    for wrong in ["", None, "abcdefghi", "abcdefghijk", "ABCDEFGHIJ", "é"]:
        assert not gate.key_matches(wrong)


def test_the_projector_page_is_for_this_machine() -> None:
    gate = gate_for("192.168.1.20", 1, "abcdefghij")
    for peer in ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1", "192.168.1.20"]:
        assert gate.peer_is_local(peer), peer
    for other in ["192.168.1.21", "10.0.0.1", "", None, "not an address"]:
        assert not gate.peer_is_local(other), other


def test_the_cookie_is_http_only_and_same_site_lax() -> None:
    header = gate_for("127.0.0.2", 1, "abcdefghij").cookie_header()
    parts = {part.strip().lower() for part in header.split(";")}
    assert "twitchlearn_key=abcdefghij" in parts
    assert {"httponly", "samesite=lax", "path=/"} <= parts


def test_the_projector_page_escapes_what_it_shows() -> None:
    page = projector_page('http://x/?key=<b>"', '<b>"')
    assert "<b>" not in page.replace("<body>", "")
    assert 'role="img" aria-label="QR code of the class link"' in qr_svg("http://x/")


def test_the_kernel_cap_follows_memory() -> None:
    assert default_max_kernels(2, available_mb=16_000) == 100
    assert default_max_kernels(2, available_mb=100) == MIN_MAX_KERNELS
    assert default_max_kernels(30, available_mb=1_000) == 31  # the warm pools and one page


def test_the_default_class_size_is_a_sixth_of_the_free_memory() -> None:
    # 24 GB / 6 / 80 MB = 50 kernels; 9 go to the other pages, and 30 is the most
    assert default_class_size(9, available_mb=24_000) == MAX_DEFAULT_CLASS_SIZE == 30
    assert default_class_size(9, available_mb=6_000) == 3
    assert default_class_size(9, available_mb=500) == DEFAULT_CLASS_SIZE == 2
    assert default_class_size(0, available_mb=3_000) == 6
    assert default_max_kernels(2) >= MIN_MAX_KERNELS


def test_kernels_reach_a_server_where_it_listens() -> None:
    from twitchlearn.app.server import kernel_reach

    assert kernel_reach("127.0.0.1") == "127.0.0.1"
    assert kernel_reach("0.0.0.0") == "127.0.0.1"  # noqa: S104 (a name, not a bind)
    assert kernel_reach("localhost") == "127.0.0.1"
    assert kernel_reach("127.0.0.2") == "127.0.0.2"
    assert kernel_reach("::") == "::1"


KERNEL = "0f8fad5b-d9cb-469f-a165-70867728950e"
OTHER_KERNEL = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def test_a_query_key_opens_its_own_kernels_route_only() -> None:
    gate = gate_for("127.0.0.1", 8866)
    key = gate.query_key(KERNEL)
    assert gate.query_key_matches(KERNEL, key)
    assert key != gate.query_key(OTHER_KERNEL)
    assert not gate.query_key_matches(OTHER_KERNEL, key)
    for wrong in ["", None, key[:-1], key + "A", key.upper()]:
        assert not gate.query_key_matches(KERNEL, wrong), wrong
    # a path that is not a kernel id as Voila makes them matches nothing, even with its key
    for odd in ["", KERNEL.upper(), f"{KERNEL}/", f"../{KERNEL}", "k-1"]:
        assert not gate.query_key_matches(odd, gate.query_key(odd)), odd


def test_each_start_has_its_own_query_keys_and_never_shows_the_secret() -> None:
    one, two = gate_for("127.0.0.1", 8866), gate_for("127.0.0.1", 8866)
    assert one.query_key(KERNEL) != two.query_key(KERNEL)
    assert not two.query_key_matches(KERNEL, one.query_key(KERNEL))
    assert one.query_secret.hex() not in repr(one)
    assert len(one.query_secret) == 32


def test_the_kernels_and_the_gate_name_the_query_key_alike() -> None:
    from twitchlearn import preheat
    from twitchlearn.app import gate

    assert (preheat.QUERY_KEY_ENV, preheat.QUERY_KEY_HEADER) == (
        gate.QUERY_KEY_ENV,
        gate.QUERY_KEY_HEADER,
    )
