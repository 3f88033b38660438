"""A learner with only a keyboard walks the course (issue 12): Tab, Shift+Tab, Space, Enter and
the arrow keys, no clicks. The start page (a name and a class code, saved), lesson 1's five
question kinds answered and checked, the explorer's caffeine slider, and the review page.

Every stop of the focus on the way must show a focus ring and must not be hidden under the
sticky header or the explorer's live line; after "Check answer" the focus goes to the
feedback, so a screen reader reads the result.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.learner import FIRST, first_of_kind, right_answer, wrong_answer
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, VoilaServer, open_page
from twitchlearn.models import (
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.site import START_PAGE, lesson_page

pytestmark = pytest.mark.browser

KINDS = ("single_choice", "multiple_select", "true_false", "numeric", "matching")

# What has the focus, whether it shows a ring, and whether it is on screen and on top (not
# under the sticky header, the explorer's live line or anything else).
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  // a link that wraps has a box per line: look at its first line
  const r = e.getClientRects()[0] || e.getBoundingClientRect(), s = getComputedStyle(e);
  const name = (e.getAttribute('aria-label') || e.textContent || e.value || e.tagName)
    .trim().slice(0, 50) + ` <${e.tagName.toLowerCase()} ${e.className}>`.slice(0, 80);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = r.top + Math.min(r.height / 2, 10);
  const top = y >= 0 && y < innerHeight ? document.elementFromPoint(x, y) : null;
  const seen = !!top && (top === e || e.contains(top) || top.contains(e));
  const over = top ? `<${top.tagName.toLowerCase()} ${top.className}>`.slice(0, 80) : 'off screen';
  return {name, ring, seen, over};
}"""


def focused(locator: Locator) -> bool:
    return bool(locator.evaluate("e => e === document.activeElement"))


def tab_to(page: Page, target: Locator, *, back: bool = False, limit: int = 80) -> int:
    """Press Tab (Shift+Tab with `back`) until `target` has the focus; every stop on the way
    shows its focus and is not hidden. Returns how many presses it took."""
    stops: list[str] = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info: dict[str, Any] | None = page.evaluate(FOCUS)
        assert info is not None, f"the focus fell off the page after {stops[-3:]}"
        assert info["ring"], f"no focus ring on {info['name']}"
        assert info["seen"], f"{info['name']} has the focus but is hidden under {info['over']}"
        stops.append(info["name"])
        if focused(target):
            return presses
    raise AssertionError(f"{limit} presses never reached the target; the last stops: {stops[-8:]}")


def press_tab(page: Page, target: Locator) -> None:
    """One Tab, and `target` is next in the focus order."""
    assert tab_to(page, target, limit=1) == 1


def choose_radio(page: Page, group: Locator, label: str) -> None:
    """Tab into a radio group (one stop), then the arrow keys to `label` (Space on the first)."""
    radios = group.get_by_role("radio")
    tab_to(page, radios.first)
    names = [(r.evaluate("e => e.parentElement.textContent") or "").strip() for r in radios.all()]
    steps = names.index(label)
    if steps == 0:
        page.keyboard.press("Space")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    expect(group.get_by_role("radio", name=label, exact=True)).to_be_checked()


def answer(page: Page, box: Locator, q: Question, given: object) -> None:
    """Put `given` into the question's controls with Tab, Space, the arrows and typing."""
    if isinstance(q, SingleChoiceQuestion):
        choose_radio(page, box, next(c.text for c in q.choices if c.id == given))
    elif isinstance(q, TrueFalseQuestion):
        choose_radio(page, box, "True" if given else "False")
    elif isinstance(q, MultipleSelectQuestion):
        assert isinstance(given, list)
        boxes = box.get_by_role("checkbox")
        tab_to(page, boxes.first)
        for i in range(boxes.count()):
            if i:
                press_tab(page, boxes.nth(i))
            label = (boxes.nth(i).evaluate("e => e.closest('label').textContent") or "").strip()
            wanted = any(c.text == label and c.id in given for c in q.choices)
            if wanted:
                page.keyboard.press("Space")
            expect(boxes.nth(i)).to_be_checked(checked=wanted)
    elif isinstance(q, NumericQuestion):
        assert isinstance(given, int | float)
        field = box.get_by_role("textbox")
        tab_to(page, field)
        page.keyboard.type(f"{given:g}")
    else:
        assert isinstance(q, MatchingQuestion)
        assert isinstance(given, dict)
        lists = box.locator("select")
        for i, item in enumerate(q.left):
            select = lists.nth(i)
            tab_to(page, select)
            match = next(r.text for r in q.right if r.id == given[item.id])
            options = [o.strip() for o in select.locator("option").all_inner_texts()]
            for _ in range(options.index(match)):
                page.keyboard.press("ArrowDown")
            expect(select.locator("option:checked")).to_have_text(match)


def check(page: Page, box: Locator, verdict: str, *, key: str = "Enter") -> None:
    """Tab to "Check answer", press it: the feedback says `verdict` and has the focus."""
    tab_to(page, box.get_by_role("button", name="Check answer"))
    page.keyboard.press(key)
    feedback = box.locator(".tl-feedback")
    expect(feedback).to_contain_text(verdict)
    expect(feedback).to_be_focused()
    info = page.evaluate(FOCUS)
    assert info is not None
    assert info["ring"], "the feedback has the focus but no focus ring"
    assert info["seen"], f"the feedback has the focus but is hidden under {info['over']}"


def test_a_keyboard_user_walks_the_course(server: VoilaServer, page: Page) -> None:
    name = f"Keys {uuid.uuid4().hex[:6]}"
    page.set_viewport_size({"width": 1280, "height": 800})

    # The start page: name and class code, saved with Enter, then the first lesson's link.
    open_page(page, f"{server.url}/voila/render/{START_PAGE}", ".tl-identity input")
    fields = page.locator(".tl-identity input")
    tab_to(page, fields.nth(0))
    page.keyboard.type(name)
    press_tab(page, fields.nth(1))
    page.keyboard.type("K1")
    press_tab(page, page.get_by_role("button", name="Save my name"))
    page.keyboard.press("Enter")
    expect(page.locator(".tl-greeting")).to_contain_text(f"Hello, {name}!")
    expect(page.locator(".tl-greeting")).to_contain_text("in class K1")
    tab_to(page, page.locator(".tl-lessons a").first)
    page.keyboard.press("Enter")

    # Lesson 1: one question of each kind, in page order; the true/false one answered wrong
    # (it comes back on the review page).
    page.wait_for_selector(".tl-quiz .tl-question .jupyter-button", timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.locator(".tl-who")).to_contain_text(name)
    for index, question in sorted(first_of_kind(kind) for kind in KINDS):
        box = page.locator(".tl-quiz .tl-question").nth(index)
        wrong = question.kind == "true_false"
        answer(page, box, question, wrong_answer(question) if wrong else right_answer(question))
        check(page, box, "Not quite." if wrong else "Correct.")
        # "Try again" is just before the feedback, one Shift+Tab away; the next Tab goes on
        # to the next question
        expect(box.get_by_role("button", name="Try again")).to_be_visible()
        assert tab_to(page, box.get_by_role("button", name="Try again"), back=True) == 1

    # Back up to the header with Shift+Tab (nothing may hide under the sticky header on the
    # way), open the lesson menu and go to the explorer.
    tab_to(page, page.locator("header.tl-site .tl-menu summary"), back=True, limit=150)
    page.keyboard.press("Enter")
    tab_to(page, page.locator(".tl-menu ol").get_by_role("link", name="The twitch explorer"))
    page.keyboard.press("Enter")

    # The explorer: the caffeine slider with the arrow keys; the live line changes, on screen.
    page.wait_for_selector(".js-plotly-plot .trace.bars", timeout=FIRST_PAGE_TIMEOUT_MS)
    live = page.locator(".tl-explorer-live")
    before = live.inner_text()
    caffeine = page.get_by_role("slider", name="Caffeine (mg a day)", exact=True)
    tab_to(page, caffeine)
    for _ in range(40):  # 10 mg a step, to past the first reference amount (250 mg)
        page.keyboard.press("ArrowRight")
    expect(caffeine).to_have_attribute("aria-valuetext", "400 milligrams a day")
    expect(live).not_to_have_text(before)
    expect(live).to_be_in_viewport()
    expect(caffeine).to_be_focused()

    # Back to the page's own links, and "Next: Review what you missed".
    tab_to(page, page.locator(".tl-nav a.tl-next"), back=True)
    expect(page.locator(".tl-nav a.tl-next")).to_contain_text("Review what you missed")
    page.keyboard.press("Enter")

    # The review page: the missed question, answered right, checked with Space.
    page.wait_for_selector(".tl-review .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)
    index, question = first_of_kind("true_false")
    box = page.locator(".tl-review .tl-question").first
    expect(box.locator(".tl-prompt")).to_contain_text(question.prompt)
    answer(page, box, question, right_answer(question))
    check(page, box, "Correct.", key="Space")
    expect(page.locator(".tl-review-count")).to_contain_text("All done for today")
    assert FIRST.questions[index].id == question.id


def test_a_quick_keyboard_learner_is_graded_on_what_the_page_shows(
    server: VoilaServer, page: Page
) -> None:
    """Arrow keys step a list one change at a time, and the browser holds back all but one
    change per widget until the kernel has the one before. "Check answer" pressed straight
    after the last step was graded on an earlier step: "Partly right" next to three right
    matches, in 4 of 8 tries before twitchlearn/ui/sync.py. Here a learner checks at once
    after every last step, five times on one page; each grade must match the page."""
    index, question = first_of_kind("matching")
    assert isinstance(question, MatchingQuestion)
    given = right_answer(question)
    assert isinstance(given, dict)
    open_page(
        page,
        f"{server.url}/voila/render/{lesson_page(FIRST)}",
        ".tl-quiz .tl-question .jupyter-button",
    )
    box = page.locator(".tl-quiz .tl-question").nth(index)
    lists = box.locator("select")
    steps = []  # how far down each list the right match is
    for i, item in enumerate(question.left):
        match = next(r.text for r in question.right if r.id == given[item.id])
        options = [o.strip() for o in lists.nth(i).locator("option").all_inner_texts()]
        steps.append(options.index(match))
    check = box.get_by_role("button", name="Check answer")
    feedback = box.locator(".tl-feedback")
    for attempt in range(5):
        if attempt == 0:  # every list from "Choose a match" down to its match
            for i, down in enumerate(steps):
                lists.nth(i).focus()
                for _ in range(down):
                    page.keyboard.press("ArrowDown")
        else:  # the list furthest down: up to the top and back, all at once
            box.get_by_role("button", name="Try again").focus()
            page.keyboard.press("Enter")
            expect(feedback).to_have_count(0)
            far = max(range(len(steps)), key=lambda i: steps[i])
            expect(lists.nth(far)).to_be_enabled()
            lists.nth(far).focus()
            for key in ["ArrowUp"] * steps[far] + ["ArrowDown"] * steps[far]:
                page.keyboard.press(key)
        check.focus()
        page.keyboard.press("Enter")
        for i, item in enumerate(question.left):  # the page shows the right matches ...
            match = next(r.text for r in question.right if r.id == given[item.id])
            expect(lists.nth(i).locator("option:checked")).to_have_text(match)
        expect(feedback.locator(".tl-verdict")).to_have_text("Correct.")  # ... and says so
