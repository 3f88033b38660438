"""How a test learner answers: the right and a wrong answer to any question, typed with the
keyboard as a learner would. Shared by the browser tests."""

from __future__ import annotations

import time

from playwright.sync_api import Locator, Page, expect

from twitchlearn import load_course
from twitchlearn.models import (
    Lesson,
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

COURSE = load_course()
FIRST = COURSE.lessons[0]


def first_of_kind(kind: str, lesson: Lesson = FIRST) -> tuple[int, Question]:
    for index, question in enumerate(lesson.questions):
        if question.kind == kind:
            return index, question
    raise AssertionError(f"lesson {lesson.id} has no {kind} question")


def right_answer(q: Question) -> object:
    if isinstance(q, SingleChoiceQuestion):
        return next(c.id for c in q.choices if c.correct)
    if isinstance(q, MultipleSelectQuestion):
        return [c.id for c in q.choices if c.correct]
    if isinstance(q, TrueFalseQuestion):
        return q.answer
    if isinstance(q, NumericQuestion):
        return q.answer
    assert isinstance(q, MatchingQuestion)
    return dict(q.pairs)


def wrong_answer(q: Question) -> object:
    if isinstance(q, SingleChoiceQuestion):
        return next(c.id for c in q.choices if not c.correct)
    if isinstance(q, MultipleSelectQuestion):
        return [next(c.id for c in q.choices if not c.correct)]
    if isinstance(q, TrueFalseQuestion):
        return not q.answer
    if isinstance(q, NumericQuestion):
        off = q.tolerance + q.step
        return q.answer + off if q.answer + off <= q.maximum else q.answer - off
    assert isinstance(q, MatchingQuestion)
    rights = [q.pairs[item.id] for item in q.left]
    return {item.id: rights[(i + 1) % len(rights)] for i, item in enumerate(q.left)}


def answer_with_keyboard(page: Page, box: Locator, q: Question, answer: object) -> None:
    """Put `answer` into the question's controls using focus and key presses."""
    if isinstance(q, SingleChoiceQuestion):
        box.get_by_role("radio", name=_choice_text(q, answer), exact=True).focus()
        page.keyboard.press("Space")
    elif isinstance(q, MultipleSelectQuestion):
        assert isinstance(answer, list)
        for choice in q.choices:  # Try again keeps the last ticks: set each box as wanted
            box_ = box.get_by_role("checkbox", name=choice.text, exact=True)
            if box_.is_checked() != (choice.id in answer):
                box_.focus()
                page.keyboard.press("Space")
                expect(box_).to_be_checked(checked=choice.id in answer)
    elif isinstance(q, TrueFalseQuestion):
        box.get_by_role("radio", name="True" if answer else "False", exact=True).focus()
        page.keyboard.press("Space")
    elif isinstance(q, NumericQuestion):
        assert isinstance(answer, int | float)
        field = box.get_by_role("textbox")
        field.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{answer:g}")
        page.keyboard.press("Enter")
    else:
        assert isinstance(q, MatchingQuestion)
        assert isinstance(answer, dict)
        texts = {item.id: item.text for item in q.right}
        for item in q.left:
            # One change a list. Stepping with the arrow keys once lost the last step in the
            # grade (a product fault, fixed by twitchlearn/ui/sync.py): test_keyboard.py
            # steps the lists on purpose.
            box.get_by_label(item.text, exact=True).select_option(label=texts[answer[item.id]])


def _choice_text(q: SingleChoiceQuestion, choice_id: object) -> str:
    return next(c.text for c in q.choices if c.id == choice_id)


def press_button(page: Page, box: Locator, name: str) -> None:
    box.get_by_role("button", name=name).focus()
    page.keyboard.press("Enter")


# --- the explorer ----------------------------------------------------------------------------

BARS = ".js-plotly-plot .trace.bars .point path"
SUMMARY = ".tl-explorer-summary"
CAFFEINE = ".tl-caffeine"


def bar_shapes(page: Page) -> list[str]:
    shapes: list[str] = page.eval_on_selector_all(BARS, "els => els.map(e => e.getAttribute('d'))")
    return shapes


def caffeine_past_first_mark(page: Page) -> tuple[int, float]:
    """Caffeine with the keyboard: PageUp on the handle until past the first reference
    amount (250 mg). Returns the value reached and when its key was pressed."""
    readout = page.locator(f"{CAFFEINE} .widget-readout")
    handle = page.locator(f"{CAFFEINE} .noUi-handle")
    expect(handle).to_have_attribute("role", "slider")
    handle.focus()
    pressed = time.perf_counter()
    for _ in range(40):
        value = readout.inner_text()
        if int(value) >= 250:
            break
        pressed = time.perf_counter()
        page.keyboard.press("PageUp")
        expect(readout).not_to_have_text(value)
    caffeine = int(readout.inner_text())
    assert caffeine >= 250
    return caffeine, pressed
