"""The lessons' figures as Chromium shows them in the Voila app (issue 12).

On a 320 px wide phone and on a 1280 px screen: the figure fits the column with no
sideways scrolling, every label is at least 14 px and inside the drawing, the drawing is
one image named by the lesson's alt text (role="img"), and the caption is below it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, local_only, open_page
from twitchlearn import load_content
from twitchlearn.models import Figure, Lesson
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

CONTENT = load_content()
FIGURED = [
    (lesson, section.figure)
    for lesson in CONTENT.course.lessons
    for section in lesson.sections
    if section.figure is not None
]
MIN_LABEL_PX = 14

MEASURE = """() => {
    const svg = document.querySelector('figure.tl-figure svg');
    const box = svg.viewBox.baseVal;
    const labels = [...svg.querySelectorAll('text')].map(t => {
        const b = t.getBBox();
        return {
            text: t.textContent,
            px: t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize),
            inside: b.x >= box.x && b.y >= box.y && b.x + b.width <= box.x + box.width
                && b.y + b.height <= box.y + box.height,
        };
    });
    const figure = svg.closest('figure');
    return {
        scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        svgWidth: svg.getBoundingClientRect().width,
        columnWidth: figure.parentElement.getBoundingClientRect().width,
        role: svg.getAttribute('role'),
        name: svg.getAttribute('aria-label'),
        caption: figure.querySelector('figcaption').textContent,
        captionBelow: figure.querySelector('figcaption').getBoundingClientRect().top
            >= svg.getBoundingClientRect().bottom,
        labels,
    };
}"""


@pytest.mark.parametrize(("lesson", "figure"), FIGURED, ids=[f.file for _, f in FIGURED])
def test_a_figure_fits_a_phone_and_a_wide_screen(
    server: VoilaServer, browser: Browser, lesson: Lesson, figure: Figure
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 700})
    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_page(page, f"{server.url}/voila/render/{lesson_page(lesson)}", "figure.tl-figure")
        page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            seen = page.evaluate(MEASURE)
            where = f"{figure.file} at {width} px"
            assert seen["scroll"] <= 0, f"{where}: the page scrolls sideways by {seen['scroll']}"
            assert seen["svgWidth"] <= seen["columnWidth"] + 0.5, where
            assert seen["role"] == "img", where
            assert seen["name"] == figure.alt, where
            assert seen["caption"] == figure.caption, where
            assert seen["captionBelow"], f"{where}: the caption is not below the drawing"
            for label in seen["labels"]:
                assert label["inside"], f"{where}: {label['text']!r} runs out of the drawing"
                assert label["px"] >= MIN_LABEL_PX, f"{where}: {label['text']!r} is {label['px']}"
    finally:
        page.close(run_before_unload=True)
        context.close()
