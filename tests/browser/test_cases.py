"""The case studies under the twitch explorer, in Chromium on the real server, by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.learner import answer_with_keyboard, press_button, right_answer, wrong_answer
from tests.support.servers import ROOT, VoilaServer, open_page
from twitchlearn import load_content
from twitchlearn.risk import RedFlag, RiskModel, Tier
from twitchlearn.site import EXPLORER_PAGE
from twitchlearn.ui.cases import expected_prediction, predictions

pytestmark = pytest.mark.browser

CONTENT = load_content()
_MODEL = CONTENT.risk_model
assert _MODEL is not None
MODEL: RiskModel = _MODEL
assert MODEL.warning_signs is not None
WARNINGS = MODEL.warning_signs
NOTEBOOK = EXPLORER_PAGE
SUMMARY = ".tl-explorer-summary"
LABELS = {value: label for label, value in predictions(MODEL)}


@pytest.fixture
def explorer_url(server: VoilaServer) -> str:
    if not (ROOT / "notebooks" / NOTEBOOK).exists():
        pytest.fail(f"notebooks/{NOTEBOOK} is missing")
    return f"{server.url}/voila/render/{NOTEBOOK}"


def predict(page: Page, card: Locator, value: str) -> None:
    radio = card.get_by_role("radio", name=LABELS[value], exact=True)
    radio.focus()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()


def test_weak_hand_case_with_the_keyboard(page: Page, explorer_url: str) -> None:
    case = next(c for c in CONTENT.cases if c.id == "weak-hand")
    assert expected_prediction(case, MODEL) == Tier.SOON.value
    open_page(page, explorer_url, f".tl-case-{case.id} .tl-question")
    expect(page.locator(".tl-case")).to_have_count(len(CONTENT.cases))
    summary = page.locator(SUMMARY)
    expect(summary.locator(".tl-level")).to_have_count(1)  # the defaults: a level, no override
    card = page.locator(f".tl-case-{case.id}")
    expect(card.locator(".tl-case-title")).to_have_text(case.title)

    # Set the explorer to the case: the most urgent warning sign (weakness: within days)
    # replaces the level, in its tier's words.
    press_button(page, card, "Set the explorer to this case")
    override = page.locator(f'{SUMMARY} .tl-override[role="alert"]')
    expect(override).to_contain_text(WARNINGS.soon.title)
    expect(override).to_contain_text(WARNINGS.soon.action)
    expect(override).to_have_class("tl-override tl-tier-soon")
    expect(override).not_to_contain_text("harmless")
    expect(summary.locator(".tl-level")).to_have_count(0)
    weakness = MODEL.red_flag(RedFlag.WEAKNESS).label
    expect(page.get_by_role("checkbox", name=weakness, exact=True)).to_be_checked()
    expect(page.locator(".tl-caffeine .widget-readout")).to_have_text(
        str(round(case.factors.caffeine_mg))
    )
    expect(card.locator(".tl-case-status")).to_contain_text(case.title)

    # A wrong prediction, then the right one.
    prediction = card.locator(".tl-prediction")
    expect(prediction).to_have_count(0)
    predict(page, card, "about_typical")
    press_button(page, card, "Check my prediction")
    expect(prediction).to_contain_text("Not quite.")
    expect(prediction).to_contain_text("warning sign replaces the level")
    predict(page, card, Tier.ROUTINE.value)
    press_button(page, card, "Check my prediction")
    expect(prediction).to_contain_text("Not quite.")
    expect(prediction).to_contain_text("It is more urgent than you predicted.")
    predict(page, card, Tier.SOON.value)
    press_button(page, card, "Check my prediction")
    expect(prediction).to_contain_text("Right.")
    expect(prediction).to_contain_text(f"The explorer shows “{WARNINGS.soon.title}”.")
    expect(prediction).to_contain_text(case.takeaway)

    # The case's question, graded in the kernel through the quiz engine.
    question = CONTENT.course.questions[case.question_ids[0]]
    box = card.locator(".tl-question").first
    answer_with_keyboard(page, box, question, wrong_answer(question))
    press_button(page, box, "Check answer")
    feedback = box.locator(".tl-feedback")
    expect(feedback).to_contain_text("Not quite")
    expect(feedback).to_contain_text(question.explanation)
    press_button(page, box, "Try again")
    expect(feedback).to_have_count(0)  # the kernel has enabled the controls again
    answer_with_keyboard(page, box, question, right_answer(question))
    press_button(page, box, "Check answer")
    expect(feedback).to_contain_text("Correct.")
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "%" not in summary.inner_text()
