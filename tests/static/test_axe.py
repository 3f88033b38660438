"""axe-core on the static edition: WCAG 2.0, 2.1 and 2.2 A and AA, every impact, on the start
page, a lesson and the explorer, at a desktop's width (1280 px) and a phone's (390 px). The
same check as the server edition's (tests/browser/test_pages.py), on the pages Voici builds.

Each page is opened once (a Pyodide kernel each, in one context) and looked at in both widths;
the explorer is reloaded at each width, as plotly sizes a chart when it first draws it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

from tests.browser.test_pages import WCAG, _violations
from tests.static.conftest import StaticSite
from tests.static.test_site import FIRST_PAGE_MS, open_page
from tests.support.layout import until_laid_out
from tests.support.learner import FIRST
from twitchlearn.site import EXPLORER_PAGE, START_PAGE, lesson_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
PAGES = {
    "start": (START_PAGE, ".tl-self-study"),
    "lesson": (lesson_page(FIRST), ".tl-quiz .tl-question .jupyter-button"),
    "explorer": (EXPLORER_PAGE, ".js-plotly-plot .trace.bars"),
}


@pytest.fixture(scope="module")
def opened(context: BrowserContext, site: StaticSite) -> Iterator[dict[str, Page]]:
    pages: dict[str, Page] = {}

    class Opened(dict[str, Page]):
        def __missing__(self, name: str) -> Page:
            notebook, ready = PAGES[name]
            page = context.new_page()
            page.set_default_timeout(90_000)
            open_page(page, site, notebook, ready)
            self[name] = page
            return page

    yield Opened(pages)
    for page in pages.values():
        page.close()


def _at(page: Page, width: str, name: str) -> Page:
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})
    page.wait_for_function(f"() => document.documentElement.clientWidth === {w}")
    if name == "explorer":
        page.reload(wait_until="commit")
        page.wait_for_selector(PAGES[name][1], timeout=FIRST_PAGE_MS)
    until_laid_out(page)  # plotly sizes the chart again after its first draw
    return page


# The explorer included: its plotly box no longer scrolls (the layout fixes of issue 12), so
# axe's scrollable-region-focusable rule, a strict xfail here before, passes too.
NAMES = list(PAGES)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", NAMES)
def test_axe_finds_no_wcag_a_or_aa_violation(
    opened: dict[str, Page], site: StaticSite, name: str, width: str
) -> None:
    page = _at(opened[name], width, name)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    problems = _violations(results.response)
    assert not problems, "\n".join(problems)
    checked = {rule["id"] for rule in results.response["passes"]}
    assert "button-name" in checked, "axe saw no buttons: did it run?"
    if name != "explorer":  # axe leaves the explorer's contrast incomplete: test_pages.py
        assert "color-contrast" in checked, "axe checked no text contrast: did the page render?"
    assert site.outside == []
