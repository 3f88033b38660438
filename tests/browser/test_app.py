"""The course app as a learner uses it: real Voila, real Chromium, keyboard and clicks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from twitchlearn import load_course
from twitchlearn.models import (
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.scoring import grade
from twitchlearn.ui._html import notebook_name

from .conftest import VoilaServer, open_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]
KINDS = ["single_choice", "multiple_select", "true_false", "numeric", "matching"]


def first_of_kind(kind: str) -> tuple[int, Question]:
    for index, question in enumerate(FIRST.questions):
        if question.kind == kind:
            return index, question
    raise AssertionError(f"lesson {FIRST.id} has no {kind} question")


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
    if isinstance(q, SingleChoiceQuestion | MultipleSelectQuestion):
        picked = [answer] if isinstance(answer, str) else list(answer)  # type: ignore[call-overload]
        role = "radio" if isinstance(q, SingleChoiceQuestion) else "checkbox"
        for choice in q.choices:
            if choice.id in picked:
                box.get_by_role(role, name=choice.text, exact=True).focus()
                page.keyboard.press("Space")
    elif isinstance(q, TrueFalseQuestion):
        box.get_by_role("radio", name="True" if answer else "False", exact=True).focus()
        page.keyboard.press("Space")
    elif isinstance(q, NumericQuestion):
        field = box.get_by_role("textbox")
        field.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{answer:g}")  # type: ignore[str-format]
        page.keyboard.press("Enter")
    else:
        assert isinstance(q, MatchingQuestion)
        assert isinstance(answer, dict)
        texts = {item.id: item.text for item in q.right}
        options = [None, *(item.id for item in q.right)]
        for item in q.left:
            select = box.get_by_label(item.text, exact=True)
            select.focus()
            # Arrow keys step through a closed <select>; first back to "Choose a match".
            for _ in options:
                page.keyboard.press("ArrowUp")
            for _ in range(options.index(answer[item.id])):
                page.keyboard.press("ArrowDown")
            expect(select).to_have_value(re.compile(".*"))
            assert select.evaluate("s => s.options[s.selectedIndex].text") == texts[answer[item.id]]


def press_button(page: Page, box: Locator, name: str) -> None:
    box.get_by_role("button", name=name).focus()
    page.keyboard.press("Enter")


def lesson_url(server: VoilaServer, index: int = 0) -> str:
    return f"{server.url}/voila/render/{notebook_name(COURSE.lessons[index])}"


def test_root_opens_the_start_page_with_every_lesson(server: VoilaServer, page: Page) -> None:
    open_page(page, server.url + "/", ".tl-lessons")
    assert page.url.endswith("/voila/render/00_start_here.ipynb")
    links = page.locator(".tl-lessons a")
    expect(links).to_have_count(len(COURSE.lessons))
    for lesson, link in zip(COURSE.lessons, links.all(), strict=True):
        expect(link).to_contain_text(lesson.title)
    # each lesson is one click away
    links.first.click()
    page.wait_for_selector(".tl-quiz .tl-question", timeout=120_000)
    expect(page.locator("h1")).to_contain_text(FIRST.title)


def test_next_and_back_between_lessons(server: VoilaServer, page: Page) -> None:
    open_page(page, lesson_url(server, 1), ".tl-nav")
    nav = page.locator(".tl-nav")
    expect(nav.locator("a[rel=prev]")).to_contain_text(COURSE.lessons[0].title)
    expect(nav.locator("a[rel=next]")).to_contain_text(COURSE.lessons[2].title)
    expect(nav.locator("a[rel=next]")).to_have_attribute("href", notebook_name(COURSE.lessons[2]))


def test_source_code_is_not_shown(server: VoilaServer, page: Page) -> None:
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    html = page.content()
    assert "LessonPage(" not in html
    assert "from twitchlearn" not in html


@pytest.mark.parametrize("kind", KINDS)
def test_answer_wrong_then_right_with_the_keyboard(
    server: VoilaServer, page: Page, kind: str
) -> None:
    index, q = first_of_kind(kind)
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    progress = page.locator(".tl-progress-text").first
    expect(progress).to_contain_text(f"0 of {len(FIRST.questions)} answered")

    wrong = wrong_answer(q)
    answer_with_keyboard(page, box, q, wrong)
    press_button(page, box, "Check answer")
    feedback = box.locator(".tl-feedback")
    expect(feedback).to_be_visible()
    result = grade(q, wrong)
    assert not result.correct
    expect(feedback).to_contain_text("Partly right" if result.score > 0 else "Not quite")
    for note in result.feedback:
        expect(feedback).to_contain_text(note)
    expect(feedback).to_contain_text(q.explanation)
    expect(progress).to_contain_text(f"1 of {len(FIRST.questions)} answered")

    press_button(page, box, "Try again")
    expect(feedback).to_be_empty()
    answer_with_keyboard(page, box, q, right_answer(q))
    press_button(page, box, "Check answer")
    expect(feedback).to_contain_text("Correct.")
    expect(progress).to_contain_text(f"1 of {len(FIRST.questions)} answered, 1 points")
    assert "Traceback" not in page.inner_text("body")


def test_an_unusable_answer_gets_a_plain_message(server: VoilaServer, page: Page) -> None:
    index, _ = first_of_kind("numeric")
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    press_button(page, box, "Check answer")  # nothing typed yet
    expect(box.locator(".tl-warning")).to_contain_text("Type a number")
    field = box.get_by_role("textbox")
    field.focus()
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-warning")).to_contain_text("Type a number, such as")
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "Error" not in body


def _ascii_run(text: str) -> str:
    """The longest run of plain letters, digits and spaces: the same in HTML, JSON and text."""
    runs = re.findall(r"[A-Za-z0-9 ]+", text)
    return max(runs, key=len).strip()


def test_answer_key_stays_in_the_kernel_until_submission(server: VoilaServer, page: Page) -> None:
    frames: list[str] = []

    def watch(ws: object) -> None:
        for event in ("framereceived", "framesent"):
            ws.on(  # type: ignore[attr-defined]
                event,
                lambda payload: frames.append(
                    payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
                ),
            )

    page.on("websocket", watch)
    index, q = first_of_kind("single_choice")
    assert isinstance(q, SingleChoiceQuestion)
    open_page(page, lesson_url(server), ".tl-quiz .tl-question")
    box = page.locator(".tl-question").nth(index)
    expect(box.get_by_role("button", name="Check answer")).to_be_enabled()

    secrets = [_ascii_run(q.explanation)] + [
        _ascii_run(c.feedback) for c in q.choices if not c.correct
    ]
    before = page.content() + "\n".join(frames)
    assert frames, "saw no websocket traffic: the check would prove nothing"
    for secret in secrets:
        assert len(secret) >= 12, secret
        assert secret not in before, f"{secret!r} reached the browser before submission"
    # The option values (which one is correct) are not sent either: only labels and an index.
    assert '"correct"' not in before

    wrong = wrong_answer(q)
    answer_with_keyboard(page, box, q, wrong)
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_contain_text(q.explanation)
    after = page.content() + "\n".join(frames)
    assert secrets[0] in after
