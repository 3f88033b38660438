"""JupyterHub, one server per learner (deploy/jupyterhub/per_user): learners log in on the
hub's page, land on the course, and their answers are saved under their hub names, whatever
the URL or a forged header says. Another learner's server answers 403; a visitor who has
not logged in is sent to the login page.

Also measured, not asserted: each learner's time from pressing "Sign in" to a usable start
page, and the memory of their single-user server and kernels (printed; run with -s).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.hub.conftest import LEARNERS, class_of
from tests.hub.harness import (
    FORGED,
    FORGED_HEADER,
    HEADER,
    HubServer,
    answer_a_question,
    log_in,
    megabytes,
)
from twitchlearn import load_course
from twitchlearn.site import START_PAGE, lesson_page
from twitchlearn.storage.sqlite import SQLiteStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSE = load_course()
FIRST = COURSE.lessons[0]


def rss_mb(hub: HubServer, user: str) -> float:
    return megabytes(hub.processes_of(user))


def test_learners_answer_under_their_hub_names_whatever_the_url_says(
    per_user_hub: HubServer, new_page: Callable[[], Page]
) -> None:
    hub = per_user_hub
    figures = {}
    for user in LEARNERS:
        page = new_page()
        # A forged user header and a forged name in the URL: neither may count.
        page.context.set_extra_http_headers({HEADER: FORGED_HEADER})
        seconds = log_in(page, hub, user)
        assert urlparse(page.url).path == f"/user/{user}/voila/render/{START_PAGE}"
        identity = page.locator(".tl-identity")
        expect(identity.locator(".tl-greeting")).to_have_text(
            f"You are signed in as {user}. Your answers are saved under this name."
        )
        expect(page.get_by_label("Your name:")).to_be_disabled()
        expect(page.get_by_label("Your name:")).to_have_value(user)
        # The class comes from the hub group; the links carry no name.
        expect(page.locator(".tl-lessons a").first).to_have_attribute("href", lesson_page(FIRST))

        answered = answer_a_question(
            page,
            f"{hub.url}/user/{user}/voila/render/{lesson_page(FIRST)}?learner={FORGED}&class=9Z",
        )
        figures[user] = {"seconds to start page": round(seconds, 1), "MB": round(rss_mb(hub, user))}

    print(f"\nper-user hub, each learner: {figures}")
    with SQLiteStore(hub.db, read_only=True) as store:
        saved = store.attempts()
    assert sorted((a.learner, a.class_code, a.question_id) for a in saved) == [
        (user, class_of(user), answered) for user in LEARNERS
    ]
    assert all(a.correct for a in saved)


def test_one_learner_gets_403_on_another_learners_server(
    per_user_hub: HubServer, new_page: Callable[[], Page]
) -> None:
    alice, bob = new_page(), new_page()
    log_in(alice, per_user_hub, "alice")  # alice's server runs
    log_in(bob, per_user_hub, "bob")
    response = bob.goto(f"{per_user_hub.url}/user/alice/voila/render/{START_PAGE}")
    assert response is not None
    assert response.status == 403
    expect(bob.locator(".tl-identity")).to_have_count(0)


def test_an_anonymous_visitor_is_sent_to_the_login_page(
    per_user_hub: HubServer, page: Page
) -> None:
    page.goto(f"{per_user_hub.url}/user/alice/voila/render/{START_PAGE}?learner=alice")
    assert urlparse(page.url).path == "/hub/login"
    expect(page.locator("#username_input")).to_be_visible()
    expect(page.locator(".tl-identity")).to_have_count(0)
