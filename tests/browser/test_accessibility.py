"""Accessibility details axe cannot see by itself: slider names, the loading message, and
the filter of third-party findings. axe on every page is in test_pages.py."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import COURSE
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, open_page
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}

# Violations that come from Voila, JupyterLab, ipywidgets or plotly, not from our markup.
# (rule id, a CSS selector axe reports for the offending node, why it is not ours)
THIRD_PARTY: list[tuple[str, str, str]] = [
    # ipywidgets' unnamed slider handles (aria-input-field-name) were here; every page now
    # names them (twitchlearn/ui/name_sliders.js, in `page_head()`), checked by
    # test_sliders_are_named_after_their_labels here and in test_jupyterlab.py.
]

PAGES = {
    "start": ("/voila/render/00_start_here.ipynb", ".tl-identity input"),
    "lesson": (f"/voila/render/{lesson_page(COURSE.lessons[0])}", ".tl-quiz .tl-question"),
    "explorer": ("/voila/render/08_explorer.ipynb", ".js-plotly-plot"),
}


def _allowed(rule: str, target: str) -> bool:
    return any(rule == r and selector in target for r, selector, _ in THIRD_PARTY)


def blocking_violations(response: dict[str, Any]) -> list[str]:
    found = []
    for violation in response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(json.dumps(t) for t in node["target"])
            if not _allowed(violation["id"], target):
                found.append(
                    f"{violation['id']} ({violation['impact']}): {target}\n"
                    f"    {node['html'][:300]}\n    {node.get('failureSummary', '')}"
                )
    return found


def test_sliders_are_named_after_their_labels(server: VoilaServer, page: Page) -> None:
    open_page(page, server.url + PAGES["explorer"][0], ".widget-slider .noUi-handle")
    boxes = page.locator(".widget-slider").all()
    assert boxes, "no sliders on the explorer page"
    for box in boxes:
        label = (box.locator(".widget-label").text_content() or "").strip()
        expect(box.get_by_role("slider", name=label, exact=True)).to_have_count(1)


def test_sliders_say_their_value_with_its_unit(server: VoilaServer, page: Page) -> None:
    """A screen reader says "0 milligrams a day", not "0", and follows the value."""
    open_page(page, server.url + PAGES["explorer"][0], ".widget-slider .noUi-handle")
    caffeine = page.get_by_role("slider", name="Caffeine (mg a day)", exact=True)
    expect(caffeine).to_have_attribute("aria-valuetext", "0 milligrams a day")
    stress = page.get_by_role("slider", name="Stress or anxiety (0 to 10)", exact=True)
    expect(stress).to_have_attribute("aria-valuetext", "0 out of 10")
    caffeine.focus()
    page.keyboard.press("ArrowRight")
    expect(caffeine).not_to_have_attribute("aria-valuetext", "0 milligrams a day")
    expect(caffeine).to_have_attribute("aria-valuetext", re.compile(r"^\d+ milligrams a day$"))


def test_the_allow_list_only_excuses_what_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The filter itself: a listed node passes, the same rule elsewhere does not."""
    monkeypatch.setattr(
        sys.modules[__name__],
        "THIRD_PARTY",
        [("aria-input-field-name", "div[aria-valuemax=", "an example")],
    )
    slider = {
        "id": "aria-input-field-name",
        "impact": "serious",
        "nodes": [{"target": ['div[aria-valuemax="20.0"]'], "html": "<div>"}],
    }
    ours = {
        "id": "aria-input-field-name",
        "impact": "serious",
        "nodes": [{"target": [".tl-quiz > div"], "html": "<div>"}],
    }
    minor = {"id": "region", "impact": "moderate", "nodes": [{"target": ["h2"], "html": ""}]}
    assert blocking_violations({"violations": [slider, minor]}) == []
    assert len(blocking_violations({"violations": [slider, ours]})) == 1


def test_a_learner_sees_a_loading_message_while_a_lesson_runs(
    server: VoilaServer, page: Page
) -> None:
    """The course's template says what is coming in plain words, with a bar, instead of
    Voila's "Executing 3 of 5", until the cells have run."""
    lesson = COURSE.lessons[1]
    url = f"{server.url}/voila/render/{lesson_page(lesson)}"
    page.goto(url, wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS)
    loading = page.locator("#loading")
    expect(loading).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(loading.get_by_role("heading")).to_have_text(
        f"Getting Lesson {lesson.number}: {lesson.title} ready"
    )
    expect(page.locator("#loading_text")).not_to_have_text(re.compile(r"Executing|Running"))
    expect(loading.get_by_role("progressbar")).to_have_count(1)
    page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(loading).to_be_hidden()
