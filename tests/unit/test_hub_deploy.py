"""The JupyterHub configs in deploy/jupyterhub, read as JupyterHub reads them, agree with the
course: its start page, its identity rules, and the proxy's origin fix. (tests/hub runs them
with a real hub and browser.)"""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from twitchlearn.identity import HUB_HEADER_ENV, HUB_USER_ENV, learner_from_environment
from twitchlearn.site import START_PAGE

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub"


def load(mode: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = DEPLOY / mode / "jupyterhub_config.py"
    config: Config = PyFileConfigLoader(path.name, str(path.parent)).load_config()
    return config


def spawner(name: str, admin: bool, groups: list[str]) -> Any:
    user = SimpleNamespace(name=name, admin=admin, groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user)


def test_per_user_lands_on_the_start_page_and_hands_over_the_hub_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = load("per_user", monkeypatch, TWITCHLEARN_NOTEBOOKS="/srv/course")
    assert c.Spawner.default_url == f"/voila/render/{START_PAGE}"
    assert c.Spawner.notebook_dir == "/srv/course"
    described = c.Spawner.environment[HUB_USER_ENV](
        spawner("tess", False, ["teachers", "class-7B"])
    )
    learner = learner_from_environment(
        {"JUPYTERHUB_USER": "tess", HUB_USER_ENV: described, "QUERY_STRING": "learner=x&class=9"}
    )
    assert (learner.name, learner.class_code, learner.is_teacher) == ("tess", "7B", True)


def test_shared_lands_on_the_start_page_with_the_user_header_for_the_kernels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = load(
        "shared",
        monkeypatch,
        TWITCHLEARN_NOTEBOOKS="/srv/course",
        TWITCHLEARN_SERVICE_PORT="10555",
        TWITCHLEARN_SERVICE_GROUPS="class-7B,teachers",
    )
    (service,) = c.JupyterHub.services
    assert c.JupyterHub.default_url == f"/services/{service['name']}/voila/render/{START_PAGE}"
    assert service["url"] == "http://127.0.0.1:10555"
    command = service["command"]
    assert command[1].endswith("course_proxy.py")
    assert "--forward-user-info" in command
    # The course's own server, as the hub's service: the header to the kernels, the prefix.
    serve = command.index("serve")
    assert command[serve - 1].endswith("twitchlearn")
    assert {"{--}behind-hub", "{--}base-url={base_url}/", "{--}port={port}"} <= set(command)
    (role,) = c.JupyterHub.load_roles
    assert role["groups"] == ["class-7B", "teachers"]
    assert role["scopes"] == [f"access:services!service={service['name']}"]


def course_proxy() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "course_proxy", DEPLOY / "shared" / "course_proxy.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("https://Hub.School.example", "hub.school.example", True),
        ("http://evil.example", "hub.school.example", False),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
        ("http://hub.school.example", "", False),
    ],
)
def test_the_proxy_takes_websockets_from_its_own_pages_only(
    origin: str, host: str, allowed: bool
) -> None:
    module = course_proxy()
    handler = SimpleNamespace(request=SimpleNamespace(headers={"Host": host} if host else {}))
    assert module.same_origin(handler, origin) is allowed
    assert module.proxyhandlers.ProxyHandler.check_origin is module.same_origin


def test_the_hub_user_json_is_what_the_proxy_sends() -> None:
    # jhsingle-native-proxy sends exactly these keys (proxyhandlers._filter_headers_and_query).
    sent = json.dumps({"kind": "user", "name": "carol", "admin": False, "groups": ["class-8C"]})
    learner = learner_from_environment({HUB_HEADER_ENV: sent})
    assert (learner.name, learner.class_code) == ("carol", "8C")


def test_the_proxy_sends_its_key_and_the_real_user_whatever_the_browser_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tornado.httputil import HTTPHeaders

    from twitchlearn.app.server import HUB_HEADER, PROXY_KEY_ENV, PROXY_KEY_HEADER

    module = course_proxy()
    assert (module.KEY_ENV, module.KEY_HEADER) == (PROXY_KEY_ENV, PROXY_KEY_HEADER)
    monkeypatch.setenv(PROXY_KEY_ENV, "the-real-key")
    carol = {"kind": "user", "name": "carol", "admin": False, "groups": ["class-8C"]}
    handler = SimpleNamespace(
        forward_user_info=True,
        query_user_info=False,
        _hub_auth_user_cache={**carol, "token": "never forwarded"},
        log=logging.getLogger("test"),
    )
    forged = HTTPHeaders({"Host": "hub.example"})
    forged.add(PROXY_KEY_HEADER.lower(), "a-made-up-key")
    forged.add(PROXY_KEY_HEADER, "another")
    forged.add(HUB_HEADER.lower(), json.dumps({**carol, "name": "mallory", "admin": True}))
    headers, _query = module.proxyhandlers.ProxyHandler._filter_headers_and_query(
        handler, forged, {}
    )
    assert headers.get_list(PROXY_KEY_HEADER) == ["the-real-key"]
    assert [json.loads(v) for v in headers.get_list(HUB_HEADER)] == [carol]


def test_shared_passes_the_warm_pool_sizes_on_only_when_the_hub_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("TWITCHLEARN_SERVICE_CLASS_SIZE", "TWITCHLEARN_SERVICE_WARM_PAGES"):
        monkeypatch.delenv(name, raising=False)
    (service,) = load("shared", monkeypatch).JupyterHub.services
    # nothing said: `twitchlearn serve`'s own defaults (sized by the free memory)
    assert not [w for w in service["command"] if w.startswith(("{--}class-size", "{--}warm"))]
    (service,) = load(
        "shared",
        monkeypatch,
        TWITCHLEARN_SERVICE_CLASS_SIZE="12",
        TWITCHLEARN_SERVICE_WARM_PAGES="0",
    ).JupyterHub.services
    assert service["command"][-2:] == ["{--}class-size=12", "{--}warm-pages=0"]
