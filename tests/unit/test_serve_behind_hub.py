"""`twitchlearn serve --behind-hub --base-url PREFIX`: the course's own server as JupyterHub's
shared course service (deploy/jupyterhub/shared; tests/hub runs it under a real hub).

Here a real server, started the way jhsingle-native-proxy starts it, answers the requests
the proxy passes on: the path after the service's prefix, with the hub's own Host header.
It keeps one warm start-page kernel (`--class-size 1 --warm-pages 0`, as the hub's config
passes TWITCHLEARN_SERVICE_CLASS_SIZE on); tests/hub/test_warm_hub.py has warm pages under
a real hub.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import psutil
import pytest

from tests.support.servers import TWITCHLEARN, ServerProcess, free_port
from twitchlearn.app.cli import _behind_hub_problem, build_parser, main
from twitchlearn.app.defaults import DEFAULT_WARM_PAGES
from twitchlearn.app.gate import QUERY_KEY_ENV
from twitchlearn.app.server import (
    HUB_HEADER,
    NOT_THE_PROXY,
    PROXY_KEY_ENV,
    PROXY_KEY_HEADER,
    voila_config,
)
from twitchlearn.identity import HUB_HEADER_ENV
from twitchlearn.site import START_PAGE

PREFIX = "/services/twitchlearn/"
HUB_HOST = "hub.school.example"  # the Host header the proxy passes on from the browser
KEY = "the-proxys-key-for-this-start"  # what course_proxy.py makes and hands the server


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
            PROXY_KEY_ENV: KEY,
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
                "--class-size=1",
                "--warm-pages=0",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self._wait_ready(f"http://127.0.0.1:{self.port}/voila/static/voila.js")

    def _wait_ready(self, ready_url: str, timeout: float = 120) -> None:
        """Poll a static file, with the proxy's key, until the server answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()}")
            try:
                self.get(urlparse(ready_url).path).read()
                return
            except OSError:
                time.sleep(0.2)  # polling a port for readiness, not waiting for time to pass
        raise RuntimeError(f"{self.name} not ready after {timeout} s:\n{self.log()}")

    def get(
        self, path: str, host: str = HUB_HOST, key: str | None = KEY
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=240)
        headers = {"Host": host} | ({PROXY_KEY_HEADER: key} if key is not None else {})
        connection.request("GET", path, headers=headers)
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
    assert "Keeping 1 start-page kernels warm, and 0 for each other page" in behind_hub.log()


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
    # the hub user header, and none of the browser's cookies for the hub (its login's)
    assert hub.VoilaConfiguration.http_header_envs == [HUB_HEADER]
    assert (hub.Voila.base_url, hub.Voila.server_url) == (PREFIX, "/")
    alone = voila_config(port=1, open_browser=False, pool_size=0, cull_idle_seconds=120)
    assert alone.VoilaConfiguration.http_header_envs == ["Cookie"]
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
        (["--behind-hub"], "twitchlearn", "--behind-hub needs the key of the hub's proxy"),
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
    monkeypatch.delenv(PROXY_KEY_ENV, raising=False)
    assert main(["serve", "--no-browser", *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"twitchlearn serve: {message}")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("key", [None, "", "a-key-the-browser-made-up"])
def test_a_request_without_the_proxys_key_is_refused(
    behind_hub: BehindHub, key: str | None
) -> None:
    for path in ("/", f"/voila/render/{START_PAGE}", "/voila/static/voila.js", "/api/kernels"):
        response = behind_hub.get(path, key=key)
        assert response.status == 403
        assert response.read().decode("utf-8") == NOT_THE_PROXY


def test_the_kernels_never_see_the_proxys_key(behind_hub: BehindHub) -> None:
    response = behind_hub.get(f"/voila/render/{START_PAGE}")
    assert response.status == 200
    response.read()  # the page was made: its kernel runs
    server = psutil.Process(behind_hub.process.pid)
    kernels = [p for p in server.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
    assert kernels
    envs = [kernel.environ() for kernel in kernels]
    assert all(PROXY_KEY_ENV not in env for env in envs)
    # A warm kernel holds its own query key instead (twitchlearn.app.gate, rule 5), which is
    # not the proxy's; a kernel started for a page holds none.
    warm = [env for env in envs if env.get("VOILA_PREHEAT") == "True"]
    assert warm  # the warm start-page kernel: a page took it or it waits for one
    keys = [env.get(QUERY_KEY_ENV) for env in warm]
    assert all(keys)
    assert len(set(keys)) == len(keys)
    assert KEY not in keys
    assert all(QUERY_KEY_ENV not in env for env in envs if env.get("VOILA_PREHEAT") != "True")


def test_behind_the_hub_the_warm_pools_are_what_serve_works_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_NAME", "twitchlearn")
    monkeypatch.setenv(PROXY_KEY_ENV, KEY)
    args = build_parser().parse_args(["serve", "--behind-hub"])
    assert _behind_hub_problem(args) is None
    # None: `serve` sizes the start page's pool by the free memory, as without --behind-hub
    assert (args.class_size, args.warm_pages) == (None, DEFAULT_WARM_PAGES)
    given = build_parser().parse_args(["serve", "--behind-hub", "--class-size=3"])
    assert _behind_hub_problem(given) is None
    assert given.class_size == 3
