"""The twitch explorer on the real server in Chromium, used with the keyboard."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import BARS, CAFFEINE, SUMMARY, bar_shapes, caffeine_past_first_mark
from tests.support.servers import ROOT, VoilaServer, open_page
from twitchlearn import load_content
from twitchlearn.risk import RedFlag, RiskFactors, RiskModel, assess, presets
from twitchlearn.site import EXPLORER_PAGE

pytestmark = pytest.mark.browser

CONTENT = load_content()
_MODEL = CONTENT.risk_model
assert _MODEL is not None
MODEL: RiskModel = _MODEL
assert MODEL.warning_signs is not None
WARNINGS = MODEL.warning_signs
SOURCES = CONTENT.course.sources
NOTEBOOK = EXPLORER_PAGE


@pytest.fixture
def explorer_url(server: VoilaServer) -> str:
    if not (ROOT / "notebooks" / NOTEBOOK).exists():
        pytest.fail(f"notebooks/{NOTEBOOK} is missing: it must hold `ExplorerView()`")
    return f"{server.url}/voila/render/{NOTEBOOK}"


def test_keyboard_slider_red_flag_and_preset(page: Page, explorer_url: str) -> None:
    open_page(page, explorer_url, f"{SUMMARY} .tl-level")
    page.wait_for_selector(BARS, state="attached")  # at the defaults every bar is 0 wide
    # Drawn at its full size: plotly's `responsive` setting once drew it 0 px high.
    chart = page.locator(".tl-explorer-chart .main-svg").first
    size = chart.bounding_box()
    assert size is not None
    assert size["height"] >= 300, size
    assert size["width"] >= 300, size
    expect(page.locator(".tl-explorer-chart .gtitle")).to_have_text(
        "What each factor adds (points)"
    )
    summary = page.locator(SUMMARY)
    expect(summary).to_contain_text(assess(RiskFactors(), MODEL).level_label)
    expect(page.locator(".tl-explorer-about")).to_contain_text("not medical advice")
    shapes_before = bar_shapes(page)
    summary_before = summary.inner_text()

    caffeine, started = caffeine_past_first_mark(page)
    readout = page.locator(f"{CAFFEINE} .widget-readout")
    page.wait_for_function(
        """([bars, summary, before, text]) => {
            const now = [...document.querySelectorAll(bars)].map(e => e.getAttribute('d'));
            const shown = document.querySelector(summary).innerText;
            return JSON.stringify(now) !== JSON.stringify(before) && shown !== text;
        }""",
        arg=[BARS, SUMMARY, shapes_before, summary_before],
    )
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"\nlast key press to chart and summary changed: {elapsed_ms:.0f} ms")
    expect(summary).to_contain_text(f"Caffeine ({caffeine} mg a day)")
    # Each factor's sources by their titles, never their ids.
    item = assess(RiskFactors(caffeine_mg=caffeine), MODEL).contribution("caffeine")
    for sid in item.sources:
        expect(summary).to_contain_text(SOURCES[sid].title)
    assert not [sid for sid in SOURCES if sid in summary.inner_text()]
    # The alcohol slider is UK units a week, with what a unit is beside it.
    expect(page.locator(".tl-alcohol")).to_contain_text("Alcohol (UK units a week)")
    expect(page.get_by_text("A unit is half a pint of ordinary beer")).to_be_visible()
    expect(page.locator(".js-plotly-plot .trace.bars text").first).not_to_have_text("0 points")

    # A warning sign ticked with the keyboard replaces the level with its tier's words.
    label = MODEL.red_flag(RedFlag.WEAKNESS).label
    box = page.get_by_role("checkbox", name=label, exact=True)
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    override = page.locator(f'{SUMMARY} .tl-override[role="alert"]')
    expect(override).to_have_class("tl-override tl-tier-soon")
    expect(override).to_contain_text(WARNINGS.soon.title)
    expect(override).not_to_contain_text("harmless")
    expect(page.locator(f"{SUMMARY} .tl-level")).to_have_count(0)
    expect(page.locator(".tl-explorer-chart .gtitle")).to_contain_text("Warning sign ticked")
    # A sudden sign too: the most urgent tier wins, and says 999.
    sudden = page.get_by_role(
        "checkbox", name=MODEL.red_flag(RedFlag.SUDDEN_ONSET).label, exact=True
    )
    sudden.focus()
    page.keyboard.press("Space")
    expect(sudden).to_be_checked()
    expect(override).to_have_class("tl-override tl-tier-emergency")
    expect(override).to_contain_text(WARNINGS.emergency.title)
    expect(override).to_contain_text("999")

    # An example sets every control (and clears the checklist).
    preset = presets(MODEL)["exam-week"]
    button = page.get_by_role("button", name=preset.label, exact=True)
    button.focus()
    page.keyboard.press("Enter")
    expect(readout).to_have_text(str(round(preset.factors.caffeine_mg)))
    expect(page.locator(".tl-sleep .widget-readout")).to_have_text(
        f"{preset.factors.sleep_hours:.1f}"
    )
    expect(page.locator(".tl-stress .widget-readout")).to_have_text(
        str(round(preset.factors.stress))
    )
    expect(box).not_to_be_checked()
    expect(sudden).not_to_be_checked()
    expect(override).to_have_count(0)
    expect(page.locator(f"{SUMMARY} .tl-level")).to_have_text(
        assess(preset.factors, MODEL).level_label
    )
    assert "%" not in summary.inner_text()
