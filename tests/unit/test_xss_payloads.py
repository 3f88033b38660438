"""Whatever a learner types is shown as text on every page that shows it (issue 15's held
attacks, kept as a test): a list of the usual XSS payloads as names and class codes, through
the start page, a lesson, the review page, the teacher's tables, the live class view and the
export."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

from twitchlearn.export import export_rows, write_csv
from twitchlearn.identity import Learner
from twitchlearn.loading import load_content
from twitchlearn.session import LearnerSession
from twitchlearn.storage.sqlite import SQLiteStore
from twitchlearn.ui.classview import ClassView
from twitchlearn.ui.common import page_head
from twitchlearn.ui.dashboard import ClassDashboard
from twitchlearn.ui.pages import LessonPage, StartPage
from twitchlearn.ui.review import ReviewView

CONTENT = load_content()
FIRST = CONTENT.course.lessons[0]

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<math><mglyph><style><img src=x onerror="alert(1)">',
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}<b>bold</b>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"onmouseover="alert(1)',
]


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _assert_inert(html: str) -> None:
    parser = _Tags()
    parser.feed(html.replace(page_head(), ""))  # the course's own style and script
    for tag, attrs in parser.found:
        assert tag not in {"script", "iframe", "svg", "img", "input", "video", "body", "math"}, (
            tag,
            html[:300],
        )
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)


def _html_of(widget: object) -> str:
    """The HTML a widget tree shows (the `value` of every HTML widget in it)."""
    parts: list[str] = []
    stack = [widget]
    while stack:
        item = stack.pop()
        value = getattr(item, "value", None)
        if isinstance(value, str) and type(item).__name__ in {"HTML", "HTMLMath"}:
            parts.append(value)
        for output in getattr(item, "outputs", ()):  # an Output widget's display data
            parts.append(str(output.get("data", {}).get("text/html", "")))
        stack.extend(getattr(item, "children", ()))
    return "\n".join(parts)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_typed_name_and_class_are_text_on_every_page(payload: str, tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    with SQLiteStore(db) as store:
        session = LearnerSession(CONTENT, Learner(payload, payload), store)
        start = StartPage(session)
        box = start.who_is_learning()
        box.children[0].value = payload
        box.children[1].value = payload
        box.children[2].click()  # "Save my name": the greeting and the lesson links
        _assert_inert(_html_of(box) + start.lessons().value)

        lesson = LessonPage(FIRST.id, session)
        _assert_inert(lesson.header().html)

        question = FIRST.questions[0]
        session.tracker.submit(question.id, _an_answer(question))
        _assert_inert(_html_of(ReviewView(session).widget))

        (class_code,) = store.class_codes()  # as the store keeps it
        dashboard = ClassDashboard(CONTENT.course, db, class_code=class_code)
        views = [dashboard.controls, dashboard.progress_view, dashboard.difficulty_view]
        shown = "\n".join(_html_of(view) for view in [*views, dashboard.wrong_view])
        assert "answered" in shown.lower()  # the class was found: the tables are there
        _assert_inert(shown)

        live = ClassView(CONTENT.course, db, class_code=class_code)
        live.refresh()
        shown = _html_of(live.widget)
        assert "done" in shown  # the class was found: its progress table is there
        _assert_inert(shown)
        live.close()

        out = io.StringIO()
        write_csv(export_rows(store, CONTENT.course, class_code, "first"), out)
    for row in csv.reader(io.StringIO(out.getvalue())):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell  # no spreadsheet formulas


def _an_answer(question: object) -> object:
    from tests.support.learner import wrong_answer

    return wrong_answer(question)  # type: ignore[arg-type]
