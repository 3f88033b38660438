"""The server's production settings cannot be changed by a config file left in a folder.

Voila reads voila.json and voila.py from the folder it starts in and from the user's Jupyter
paths, after the settings it was given, and lets them win. `twitchlearn serve` reads none.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.support.servers import VoilaServer

pytestmark = pytest.mark.browser

EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (what a config file left in a folder asks for)


def test_a_voila_config_in_the_working_folder_changes_nothing(tmp_path: Path) -> None:
    here = tmp_path / "start-here"
    here.mkdir()
    marker = tmp_path / "voila-py-ran"
    (here / "voila.json").write_text(
        json.dumps(
            {"Voila": {"ip": EVERY_INTERFACE}, "VoilaConfiguration": {"show_tracebacks": True}}
        )
    )
    (here / "voila.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    config_dir = tmp_path / "jupyter-config"  # the server's own JUPYTER_CONFIG_DIR
    config_dir.mkdir()
    (config_dir / "voila.json").write_text(json.dumps({"Voila": {"ip": EVERY_INTERFACE}}))
    server = VoilaServer(tmp_path, "--class-size", "0", cwd=here)
    try:
        assert not marker.exists(), "the voila.py in the working folder ran"
        listening = _listening_addresses(server.port)
        assert listening == {"127.0.0.1"}, listening
        log = server.log()
        assert EVERY_INTERFACE not in log
        assert f"http://127.0.0.1:{server.port}/" in log
    finally:
        server.stop()


def _listening_addresses(port: int) -> set[str]:
    """The local addresses on which something listens on TCP `port` (from /proc/net/tcp)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, _remote, state = line.split()[1:4]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            if len(address) == 8:
                raw = bytes.fromhex(address)[::-1]
                found.add(socket.inet_ntop(socket.AF_INET, raw))
            else:
                found.add("ipv6:" + address)
    return found
