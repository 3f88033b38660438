"""JupyterHub, one shared Voila for the class (deploy/jupyterhub/shared): learners log in on
the hub's page and land on the course at /services/twitchlearn/; the hub user comes to each
kernel in the proxy's header, and their answers are saved under their hub names, whatever
the URL or a header their browser forged says. A hub user in no class gets 403; a visitor
who has not logged in is sent to the login page.

Also measured, not asserted: time from "Sign in" to a usable start page per learner, and the
memory of the shared service (proxy, Voila and the kernels open at the end; printed, -s).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.hub.conftest import LEARNERS, OUTSIDER, class_of
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

FIRST = load_course().lessons[0]
COURSE = "/services/twitchlearn/voila/render"


def test_learners_answer_under_their_hub_names_whatever_the_url_says(
    shared_hub: HubServer, new_page: Callable[[], Page]
) -> None:
    hub = shared_hub
    figures = {}
    pages = []
    for user in LEARNERS:
        page = new_page()
        pages.append(page)  # kept open: their kernels count in the service's memory
        page.context.set_extra_http_headers({HEADER: FORGED_HEADER})
        seconds = log_in(page, hub, user)
        assert urlparse(page.url).path == f"{COURSE}/{START_PAGE}"
        expect(page.locator(".tl-greeting")).to_have_text(
            f"You are signed in as {user}. Your answers are saved under this name."
        )
        expect(page.get_by_label("Your name:")).to_be_disabled()
        expect(page.locator(".tl-lessons a").first).to_have_attribute("href", lesson_page(FIRST))
        answered = answer_a_question(
            page, f"{hub.url}{COURSE}/{lesson_page(FIRST)}?learner={FORGED}&class=9Z"
        )
        figures[user] = round(seconds, 1)

    service = hub.service_processes()
    # The course's own server answered them, not a bare Voila (deploy/jupyterhub/shared).
    assert any(" serve --behind-hub " in f" {' '.join(p.cmdline())} " for p in service)
    print(
        f"\nshared hub: seconds to start page {figures}; service "
        f"{round(megabytes(service))} MB in {len(service)} processes with {len(LEARNERS)} "
        "lesson pages open"
    )
    with SQLiteStore(hub.db, read_only=True) as store:
        saved = store.attempts()
    assert sorted((a.learner, a.class_code, a.question_id) for a in saved) == [
        (user, class_of(user), answered) for user in LEARNERS
    ]


def test_a_hub_user_in_no_class_gets_403(shared_hub: HubServer, page: Page) -> None:
    log_in(page, shared_hub, OUTSIDER, ready=None)
    response = page.goto(f"{shared_hub.url}{COURSE}/{START_PAGE}")
    assert response is not None
    assert response.status == 403
    expect(page.locator(".tl-identity")).to_have_count(0)


def test_an_anonymous_visitor_is_sent_to_the_login_page(shared_hub: HubServer, page: Page) -> None:
    page.goto(f"{shared_hub.url}{COURSE}/{START_PAGE}?learner=alice")
    assert urlparse(page.url).path == "/hub/login"
    expect(page.locator("#username_input")).to_be_visible()
