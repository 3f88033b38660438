"""JupyterHub with PostgreSQL as the class's store, both ways (deploy/jupyterhub/shared and
per_user) with `TWITCHLEARN_DB=postgresql://...` to a real server (tests/support/postgres.py):
three learners log in on the hub's page and answer; their answers reach the one database
under their hub names and their hub group's class, whatever the URL (`?learner=`) or a user
header their browser forged says; one export, as a teacher runs it, lists all three.

Also measured, not asserted (printed; run with -s): each learner's seconds from pressing
"Sign in" to the start page and then to lesson 1's questions drawn, and the memory of what
runs for the class (per user: each learner's server and kernels; shared: the service).
"""

from __future__ import annotations

import csv
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.hub.conftest import LEARNERS, ONE_CLASS
from tests.hub.harness import (
    FORGED,
    FORGED_HEADER,
    HEADER,
    HubServer,
    answer_a_question,
    log_in,
    megabytes,
    memory_by_process,
)
from tests.support.postgres import PostgresServer
from tests.support.servers import TWITCHLEARN
from twitchlearn import load_course
from twitchlearn.site import lesson_page
from twitchlearn.storage import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = load_course().lessons[0]


def course_url(hub: HubServer, user: str) -> str:
    """Lesson 1 where the hub serves it to `user`, with a forged name and class."""
    where = f"/user/{user}" if hub.mode == "per_user" else "/services/twitchlearn"
    return f"{hub.url}{where}/voila/render/{lesson_page(FIRST)}?learner={FORGED}&class=9Z"


def export(hub: HubServer, class_code: str, out: Path) -> subprocess.CompletedProcess[str]:
    """`twitchlearn export --gradebook` as a teacher runs it, against the hub's database."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("TWITCHLEARN_DB", "TWITCHLEARN_CONTENT")
    }
    command = [TWITCHLEARN, "export", "--db", hub.store, "--class", class_code, "--gradebook"]
    return subprocess.run(
        [*command, "--out", str(out)], capture_output=True, text=True, env=env, check=False
    )


def test_three_learners_answers_reach_postgresql_under_their_hub_names(
    postgres_hub: HubServer,
    hub_postgres: PostgresServer,
    new_page: Callable[[], Page],
    tmp_path: Path,
) -> None:
    hub = postgres_hub
    figures: dict[str, dict[str, object]] = {}
    pages = []
    for user in LEARNERS:
        page = new_page()
        pages.append(page)  # kept open: their kernels count in the memory
        page.context.set_extra_http_headers({HEADER: FORGED_HEADER})
        to_start = log_in(page, hub, user)
        expect(page.locator(".tl-greeting")).to_have_text(
            f"You are signed in as {user}. Your answers are saved under this name."
        )
        clock: list[float] = []
        answered = answer_a_question(page, course_url(hub, user), clock)
        figures[user] = {
            "s to start page": round(to_start, 1),
            "s to lesson 1 questions": round(to_start + clock[0], 1),
        }
        if hub.mode == "per_user":
            figures[user]["MB"] = memory_by_process(hub.processes_of(user))

    if hub.mode == "shared":
        service = hub.service_processes()
        print(
            f"\nshared hub, PostgreSQL: {figures}; service {round(megabytes(service))} MB "
            f"with {len(LEARNERS)} lesson pages open: {memory_by_process(service)}"
        )
    else:
        print(f"\nper-user hub, PostgreSQL: {figures}")

    with open_store(hub.store, read_only=True) as store:
        saved = store.attempts()
        classes = store.class_codes()
    assert sorted((a.learner, a.class_code, a.question_id) for a in saved) == [
        (user, ONE_CLASS, answered) for user in LEARNERS
    ]
    assert classes == [ONE_CLASS]  # nothing for the forged class 9Z

    out = tmp_path / "gradebook.csv"
    done = export(hub, ONE_CLASS, out)
    assert done.returncode == 0, done.stderr
    assert "for 3 learners" in done.stdout
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert sorted(row["learner"] for row in rows) == sorted(LEARNERS)
    assert {row["class"] for row in rows} == {ONE_CLASS}

    refused = export(hub, "9Z", tmp_path / "forged.csv")
    assert refused.returncode == 1
    assert repr(ONE_CLASS) in refused.stderr  # it names the class that has answers
    assert hub_postgres.password not in done.stdout + done.stderr + refused.stderr
