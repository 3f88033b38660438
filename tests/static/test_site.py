"""The static edition in headless Chromium, offline: the built site (dist/static) served by a
plain static server on 127.0.0.1, Python running in the page under Pyodide, and every request
outside 127.0.0.1 blocked and counted (it must stay 0).

The tests run in order in one browser context, as one learner: the start page; one question of
each kind answered wrong then right; a reload that keeps those answers; the review page
offering the question left wrong; the explorer's slider redrawing the chart. A cold Pyodide on
a loaded 2-core machine takes minutes for the first page: the waits are long, on real elements.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.static.conftest import StaticSite
from tests.support.learner import (
    CAFFEINE,
    FIRST,
    answer_with_keyboard,
    bar_shapes,
    first_of_kind,
    press_button,
    right_answer,
    wrong_answer,
)
from twitchlearn.loading import load_content
from twitchlearn.models import SingleChoiceQuestion
from twitchlearn.scoring import grade
from twitchlearn.site import EXPLORER_PAGE, REVIEW_PAGE, START_PAGE, lesson_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KINDS = ["single_choice", "multiple_select", "true_false", "numeric", "matching"]
CONTENT = load_content()
FIRST_PAGE_MS = 420_000
LEFT_WRONG = next(  # a question answered wrong and left so: the review page must offer it
    (i, q)
    for i, q in enumerate(FIRST.questions)
    if isinstance(q, SingleChoiceQuestion) and i != first_of_kind("single_choice")[0]
)


def open_page(page: Page, site: StaticSite, name: str, ready: str) -> None:
    page.goto(site.page_url(name), wait_until="commit", timeout=FIRST_PAGE_MS)
    page.wait_for_selector(ready, timeout=FIRST_PAGE_MS)


def test_the_bundle_is_what_the_lock_says(site: StaticSite) -> None:
    from tests.support.servers import ROOT

    lock = json.loads((ROOT / "dist/static/static/pyodide/pyodide-lock.json").read_text())
    packages = lock["packages"]
    for name in ("twitchlearn", "ipywidgets", "attrs", "cattrs", "ruamel-yaml", "ipython"):
        assert name in packages
        assert (ROOT / "dist/static/static/pyodide" / packages[name]["file_name"]).exists()
    config = json.loads((ROOT / "dist/static/jupyter-lite.json").read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    assert kernel["pyodideUrl"].startswith("./")
    assert kernel["disablePyPIFallback"] is True


def test_the_start_page_is_for_self_study(site: StaticSite, page: Page) -> None:
    open_page(page, site, START_PAGE, ".tl-self-study")
    body = page.locator("body")
    expect(body).to_contain_text("for studying on your own")
    expect(body).to_contain_text(CONTENT.course.disclaimer)  # the server edition's words
    expect(page.get_by_role("button", name="Download my answers")).to_be_visible()
    expect(page.get_by_role("button", name="Delete my answers")).to_be_visible()
    assert page.get_by_label("Class code (if your teacher gave one):").count() == 0
    assert page.get_by_label("Your name:").count() == 0
    expect(page.locator(".tl-lessons a").first).to_have_attribute(
        "href", lesson_page(FIRST).replace(".ipynb", ".html")
    )
    assert site.outside == []


def test_each_kind_wrong_then_right(site: StaticSite, page: Page) -> None:
    open_page(page, site, lesson_page(FIRST), ".tl-quiz .tl-question")
    progress = page.locator(".tl-progress-text").first
    answered = 0
    for kind in KINDS:
        index, q = first_of_kind(kind)
        box = page.locator(".tl-question").nth(index)
        answer_with_keyboard(page, box, q, wrong_answer(q))
        press_button(page, box, "Check answer")
        feedback = box.locator(".tl-feedback")
        result = grade(q, wrong_answer(q))
        expect(feedback).to_contain_text("Partly right" if result.score > 0 else "Not quite")
        answered += 1
        expect(progress).to_contain_text(f"{answered} of {len(FIRST.questions)} answered")
        press_button(page, box, "Try again")
        expect(feedback).to_have_count(0)
        answer_with_keyboard(page, box, q, right_answer(q))
        press_button(page, box, "Check answer")
        expect(feedback).to_contain_text("Correct.")
    index, q = LEFT_WRONG
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, q, wrong_answer(q))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text("Not quite")
    expect(progress).to_contain_text(f"{answered + 1} of {len(FIRST.questions)} answered")
    # the warning signs, as on the server edition's lesson pages
    expect(page.locator(".tl-clinician")).to_be_visible()
    assert "Traceback" not in page.inner_text("body")
    assert site.outside == []


def test_a_reload_keeps_the_answers(site: StaticSite, page: Page) -> None:
    open_page(page, site, lesson_page(FIRST), ".tl-quiz .tl-question")
    total = len(FIRST.questions)
    expect(page.locator(".tl-progress-text").first).to_contain_text(
        f"{len(KINDS) + 1} of {total} answered"
    )
    index, _q = first_of_kind("numeric")
    expect(page.locator(".tl-question").nth(index).locator(".tl-feedback")).to_contain_text(
        "Correct."
    )
    page.reload(wait_until="commit")
    page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_MS)
    expect(page.locator(".tl-progress-text").first).to_contain_text(
        f"{len(KINDS) + 1} of {total} answered"
    )
    assert site.outside == []


def test_the_review_page_offers_the_missed_question(site: StaticSite, page: Page) -> None:
    open_page(page, site, REVIEW_PAGE, ".tl-review-count")
    _index, q = LEFT_WRONG
    expect(page.locator(".tl-review-count")).to_contain_text("1 question")
    expect(page.locator(".tl-question")).to_contain_text(q.prompt)
    assert site.outside == []


def test_the_explorer_slider_changes_the_chart(site: StaticSite, page: Page) -> None:
    open_page(page, site, EXPLORER_PAGE, f"{CAFFEINE} .noUi-handle")
    # attached, not visible: a bar of zero width is drawn as a path of no area
    page.wait_for_selector(
        ".js-plotly-plot .trace.bars .point path", state="attached", timeout=FIRST_PAGE_MS
    )
    before = bar_shapes(page)
    handle = page.locator(f"{CAFFEINE} .noUi-handle")
    readout = page.locator(f"{CAFFEINE} .widget-readout")
    handle.focus()
    value = readout.inner_text()
    for _ in range(6):
        page.keyboard.press("PageUp")
    expect(readout).not_to_have_text(value)
    page.wait_for_function(
        "before => JSON.stringify([...document.querySelectorAll("
        "'.js-plotly-plot .trace.bars .point path')].map(e => e.getAttribute('d')))"
        " !== JSON.stringify(before)",
        arg=before,
        timeout=90_000,
    )  # fails (times out) if the bars never change; read again, they may be mid-redraw
    assert site.outside == []


def test_no_request_left_127_0_0_1(site: StaticSite) -> None:
    assert site.outside == [], site.outside
