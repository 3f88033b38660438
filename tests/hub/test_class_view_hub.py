"""The teacher's live class view under JupyterHub, one shared Voila (issue 13): a hub user in
the teacher group sees a learner's answer; a learner gets the refusal and no one's data,
even with a forged user header that says they are an admin, or a teacher key in the URL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.hub.conftest import LEARNERS, TEACHER, class_of
from tests.hub.harness import FORGED_HEADER, HEADER, HubServer, answer_a_question, log_in
from twitchlearn import load_course
from twitchlearn.site import CLASS_VIEW_PAGE, lesson_page
from twitchlearn.teacher import question_label

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSE = "/services/twitchlearn/voila/render"
REFUSED = "This page is for the teacher."


def test_only_the_teacher_group_sees_the_class(
    shared_hub: HubServer, new_page: Callable[[], Page]
) -> None:
    hub = shared_hub
    learner, other = LEARNERS[0], LEARNERS[1]
    assert class_of(learner) == class_of(TEACHER) == class_of(other)
    pupil = new_page()
    log_in(pupil, hub, learner)
    course = load_course()
    answered = answer_a_question(pupil, f"{hub.url}{COURSE}/{lesson_page(course.lessons[0])}")

    nosy = new_page()
    nosy.context.set_extra_http_headers({HEADER: FORGED_HEADER})  # "admin": the proxy drops it
    log_in(nosy, hub, other)
    nosy.goto(f"{hub.url}{COURSE}/{CLASS_VIEW_PAGE}?teacher=guess&class={class_of(learner)}")
    nosy.wait_for_selector(f"text={REFUSED}", timeout=240_000)
    assert learner not in (nosy.text_content("body") or "")

    teacher = new_page()
    log_in(teacher, hub, TEACHER)
    teacher.goto(f"{hub.url}{COURSE}/{CLASS_VIEW_PAGE}?class={class_of(learner)}")
    rows = teacher.locator(".tl-progress-table tbody tr")
    expect(rows).to_have_count(1, timeout=240_000)
    expect(rows.first.locator("td").first).to_have_text(learner)
    expect(teacher.locator(".tl-working")).to_contain_text(question_label(course, answered))
