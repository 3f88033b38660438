"""Waits on a page's layout, for the browser tests that measure boxes or run axe-core."""

from __future__ import annotations

from playwright.sync_api import Page

# The widgets' and the charts' boxes, joined: equal strings mean nothing was laid out again.
_STILL_FOR_MS = """ms => {
    const boxes = [...document.querySelectorAll(
        '.jp-OutputArea-output, .widget-box, .js-plotly-plot')]
        .map(e => { const r = e.getBoundingClientRect(); return r.width + 'x' + r.height; })
        .join();
    const now = performance.now(), last = window.__tlBoxes;
    if (!last || last.boxes !== boxes) window.__tlBoxes = { boxes, since: now };
    return now - window.__tlBoxes.since >= ms;
}"""


def until_laid_out(page: Page, still_ms: int = 500) -> None:
    """Wait until the widgets' and the charts' boxes have stayed the same for `still_ms`.

    After a resize or a first draw, ipywidgets and plotly lay themselves out again a little
    later, and a check made before that reads the old layout: CI runs read the start page laid
    out for the old width at 320 px, and axe-core saw the explorer's chart as a scrollable
    region mid-relayout (the server edition at e0fdab1, the static edition on 2026-12-02).
    """
    page.evaluate("() => { delete window.__tlBoxes; }")
    page.wait_for_function(_STILL_FOR_MS, arg=still_ms, polling=100)
