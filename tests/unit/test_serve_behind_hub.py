"""`twitchlearn serve --behind-hub --base-url PREFIX`: the course's own server as JupyterHub's
shared course service (deploy/jupyterhub/shared; tests/hub runs it under a real hub).

Here a real server, started the way jhsingle-native-proxy starts it, answers the requests
the proxy passes on: the path after the service's prefix, with the hub's own Host header.
"""

from __future__ import annotations

import http.client
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import TWITCHLEARN, ServerProcess, free_port
from twitchlearn.app.cli import main
from twitchlearn.app.server import HUB_HEADER, voila_config
from twitchlearn.identity import HUB_HEADER_ENV
from twitchlearn.site import START_PAGE

PREFIX = "/services/twitchlearn/"
HUB_HOST = "hub.school.example"  # the Host header the proxy passes on from the browser


class BehindHub(ServerProcess):
    """`twitchlearn serve --behind-hub`, as the hub's proxy starts it."""

    name = "twitchlearn serve --behind-hub"

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.log_path = tmp / f"serve-{self.port}.log"
        self._log = self.log_path.open("wb")
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
            "TWITCHLEARN_DB": str(tmp / "progress.sqlite3"),
            "JUPYTERHUB_SERVICE_NAME": "twitchlearn",  # the hub sets it for its services
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("TWITCHLEARN_CONTENT", None)
        self.process = subprocess.Popen(
            [
                TWITCHLEARN,
                "serve",
                "--behind-hub",
                f"--base-url={PREFIX}",
                f"--port={self.port}",
                "--no-browser",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self._wait_ready(f"http://127.0.0.1:{self.port}/voila/static/voila.js")

    def get(self, path: str, host: str = HUB_HOST) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=240)
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse()


@pytest.fixture(scope="module")
def behind_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BehindHub]:
    server = BehindHub(tmp_path_factory.mktemp("behind-hub"))
    yield server
    server.stop()


def test_the_home_sends_the_browser_to_the_start_page_under_the_hubs_prefix(
    behind_hub: BehindHub,
) -> None:
    response = behind_hub.get("/")
    assert response.status == 301  # RedirectHandler: permanent
    assert response.getheader("Location") == f"{PREFIX}voila/render/{START_PAGE}"


def test_a_page_names_the_prefix_and_the_hubs_host_is_served(behind_hub: BehindHub) -> None:
    response = behind_hub.get(f"/voila/render/{START_PAGE}")
    body = response.read().decode("utf-8")
    assert response.status == 200
    assert f'data-base-url="{PREFIX}voila/"' in body
    assert f'"baseUrl": "{PREFIX}"' in body or f'"baseUrl":"{PREFIX}"' in body


def test_there_is_no_projector_page_behind_the_hub(behind_hub: BehindHub) -> None:
    assert behind_hub.get("/projector").status == 404
    assert "Projector page" not in behind_hub.log()
    assert f"Serving JupyterHub's proxy at {PREFIX}" in behind_hub.log()
    assert "Keeping 0 start-page kernels warm" in behind_hub.log()


def test_only_behind_the_hub_do_kernels_get_the_user_header() -> None:
    assert HUB_HEADER_ENV.removeprefix("HTTP_").replace("_", "-") == HUB_HEADER
    hub = voila_config(
        port=1,
        open_browser=False,
        pool_size=0,
        cull_idle_seconds=120,
        base_url="/services/twitchlearn",
        behind_hub=True,
    )
    assert HUB_HEADER in hub.VoilaConfiguration.http_header_envs
    assert (hub.Voila.base_url, hub.Voila.server_url) == (PREFIX, "/")
    alone = voila_config(port=1, open_browser=False, pool_size=0, cull_idle_seconds=120)
    assert HUB_HEADER not in alone.VoilaConfiguration.http_header_envs
    assert "base_url" not in alone.Voila  # Voila's own default: "/"


@pytest.mark.parametrize(
    ("argv", "service", "message"),
    [
        (
            ["--behind-hub", "--host", "0.0.0.0"],  # noqa: S104 (refused, never bound)
            "twitchlearn",
            "--behind-hub listens on 127.0.0.1 only",
        ),
        (["--behind-hub"], None, "--behind-hub is for a JupyterHub service"),
        (["--base-url", "services/x"], None, "--base-url must be a path"),
        (["--base-url", "/a//b/"], None, "--base-url must be a path"),
    ],
)
def test_serve_refuses_what_would_let_a_browser_name_the_learner(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    service: str | None,
    message: str,
) -> None:
    if service is None:
        monkeypatch.delenv("JUPYTERHUB_SERVICE_NAME", raising=False)
    else:
        monkeypatch.setenv("JUPYTERHUB_SERVICE_NAME", service)
    assert main(["serve", "--no-browser", *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"twitchlearn serve: {message}")
    assert len(err.strip().splitlines()) == 1
