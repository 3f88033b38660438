"""Fixtures of the hub tests: the course's pages, a real JupyterHub, real headless Chromium.

The page fixtures are tests/browser's (a context a learner), in the run's one browser
(tests/conftest.py).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import new_page, page
from tests.hub.harness import HubServer
from tests.support.postgres import PostgresServer, postgres_for_fixture
from tests.support.servers import TWITCHLEARN, free_port

__all__ = ["new_page", "page"]

LEARNERS = ("alice", "bob", "carol")
TEACHER = "tess"
GROUPS = {"class-7B": ["alice", "bob", TEACHER], "class-8C": ["carol"], "teachers": [TEACHER]}


def class_of(user: str) -> str:
    """The class a user's hub group names."""
    return next(
        g.removeprefix("class-") for g, who in GROUPS.items() if "class-" in g and user in who
    )


@pytest.fixture(scope="session")
def course_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course's pages and the class view, written as a site would before starting the hub."""
    folder = tmp_path_factory.mktemp("course") / "notebooks"
    subprocess.run(
        [TWITCHLEARN, "notebooks", str(folder), "--class-view"], check=True, capture_output=True
    )
    return folder


@pytest.fixture(scope="module")
def per_user_hub(
    tmp_path_factory: pytest.TempPathFactory, course_notebooks: Path
) -> Iterator[HubServer]:
    hub = HubServer(
        tmp_path_factory.mktemp("hub-per-user"),
        "per_user",
        users=[*LEARNERS, TEACHER],
        groups=GROUPS,
        environ={"TWITCHLEARN_NOTEBOOKS": str(course_notebooks)},
    )
    yield hub
    hub.stop()


OUTSIDER = "dave"  # a hub user in no class: the shared course is not theirs
# The shared course's warm pools (deploy/jupyterhub/shared: TWITCHLEARN_SERVICE_CLASS_SIZE and
# _WARM_PAGES). Without them `twitchlearn serve` sizes them by this machine's memory (up to
# 30 start-page kernels); these hubs start every page's kernel cold, as a server on one
# machine does without warm pools, and `warm_hub` keeps a few warm.
COLD = {"TWITCHLEARN_SERVICE_CLASS_SIZE": "0", "TWITCHLEARN_SERVICE_WARM_PAGES": "0"}
WARM = {"TWITCHLEARN_SERVICE_CLASS_SIZE": "1", "TWITCHLEARN_SERVICE_WARM_PAGES": "1"}


def _shared(folder: Path, notebooks: Path, users: list[str], pools: dict[str, str]) -> HubServer:
    """The shared course (deploy/jupyterhub/shared) for `users`, with these warm pools.
    jhsingle-native-proxy starts the course's server at a logged-in user's first request."""
    return HubServer(
        folder,
        "shared",
        users=users,
        groups=GROUPS,
        environ={
            "TWITCHLEARN_NOTEBOOKS": str(notebooks),
            "TWITCHLEARN_SERVICE_PORT": str(free_port()),
            "TWITCHLEARN_SERVICE_GROUPS": ",".join(sorted(GROUPS)),
            **pools,
        },
    )


@pytest.fixture(scope="module")
def shared_hub(
    tmp_path_factory: pytest.TempPathFactory, course_notebooks: Path
) -> Iterator[HubServer]:
    users = [*LEARNERS, TEACHER, OUTSIDER]
    hub = _shared(tmp_path_factory.mktemp("hub-shared"), course_notebooks, users, COLD)
    yield hub
    hub.stop()


@pytest.fixture(scope="module")
def warm_hub(
    tmp_path_factory: pytest.TempPathFactory, course_notebooks: Path
) -> Iterator[HubServer]:
    """The shared course with warm kernels: one for the start page, one for each other page."""
    users = [*LEARNERS, TEACHER]
    hub = _shared(tmp_path_factory.mktemp("hub-warm"), course_notebooks, users, WARM)
    yield hub
    hub.stop()


# The PostgreSQL hubs: all three learners in one class, so one export lists them all.
ONE_CLASS = "9A"
ONE_CLASS_GROUPS = {f"class-{ONE_CLASS}": [*LEARNERS], "teachers": [TEACHER]}


@pytest.fixture(scope="module")
def hub_postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server (tests/support/postgres.py) for the hubs' answers."""
    yield from postgres_for_fixture()


@pytest.fixture(scope="module", params=["shared", "per_user"])
def postgres_hub(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    course_notebooks: Path,
    hub_postgres: PostgresServer,
) -> Iterator[HubServer]:
    """A hub of either way whose course saves answers in a new PostgreSQL database."""
    mode: str = request.param
    hub = HubServer(
        tmp_path_factory.mktemp(f"hub-{mode}-postgres"),
        mode,
        users=[*LEARNERS, TEACHER],
        groups=ONE_CLASS_GROUPS,
        environ={
            "TWITCHLEARN_NOTEBOOKS": str(course_notebooks),
            "TWITCHLEARN_SERVICE_PORT": str(free_port()),
            "TWITCHLEARN_DB": hub_postgres.new_database(),
            **COLD,
        },
    )
    hub.mode = mode
    yield hub
    hub.stop()
