"""Review what I missed: the questions a learner got wrong that are due again today.

The progress store keeps a Leitner schedule (see twitchlearn.review) for every question a
learner got wrong; the learner's session says which are due now. This page shows them,
grouped by lesson, each with the ordinary `QuestionView`. Answers go through the session's
tracker, so they are saved and move the question along the boxes: a right answer sends it
away for a while, a wrong one keeps it here.

    ReviewView()            # in a notebook cell (09_review.ipynb)

`now` is the clock: a timezone-aware datetime (a fixed moment), a function returning one,
or None for the real time. Tests pass one; the store times its own writes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

import ipywidgets as widgets

from twitchlearn.errors import StoreError
from twitchlearn.models import Lesson, Question
from twitchlearn.review import INTERVALS, LAST_BOX
from twitchlearn.session import LearnerSession, kernel_session
from twitchlearn.site import REVIEW_PAGE, START_PAGE, lesson_page
from twitchlearn.ui.answers import MyAnswersBox, stop_saving
from twitchlearn.ui.common import course_nav, link, page_head
from twitchlearn.ui.quiz import QuestionView

__all__ = ["ReviewView", "schedule_in_words"]

Clock = Callable[[], datetime]

ANONYMOUS = "Type your name on the start page so we can keep track of what to review."
NOT_SAVED = (
    "Your answers are not being saved, so there is nothing to review here. "
    "Open this page from the start page after typing your name."
)
NOTHING_DUE = (
    "Nothing to review today. Well done! Questions you get wrong in the lessons "
    "will come back here."
)
ALL_DONE = "All done for today. Well done!"
STORE_FAILED = (
    "Sorry, the list of questions to review cannot be read right now. "
    "Please try again later. If it keeps happening, tell your teacher."
)


def _wait_words(wait: timedelta) -> str:
    days = wait.days
    if days <= 0:
        return "straight away"
    if days == 1:
        return "tomorrow"
    if days % 7 == 0:
        weeks = days // 7
        return "in a week" if weeks == 1 else f"in {_small_number(weeks)} weeks"
    return f"in {days} days"


def _small_number(n: int) -> str:
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n] if 0 <= n < len(words) else str(n)


def schedule_in_words() -> str:
    """The Leitner schedule of twitchlearn.review, as a sentence or three for learners."""
    waits = [_wait_words(INTERVALS[box]) for box in sorted(INTERVALS) if box > 1]
    *steps, last = waits
    spaced = ", then ".join([*steps, last])
    return (
        "Questions you missed come back here to try again. Each time you get one right, "
        f"it comes back later: {spaced}, and after that every "
        f"{_wait_words(INTERVALS[LAST_BOX]).removeprefix('in ')}. "
        "If you get it wrong again, it starts over. That way you spend your time on what "
        "you have not learned yet."
    )


def _count_words(n: int, *, left: bool) -> str:
    noun = "question" if n == 1 else "questions"
    return f"{n} {noun} {'left ' if left else ''}to review today"


def _later(wait: timedelta) -> str:
    if wait <= timedelta(days=1):
        return "within a day"
    return f"in {math.ceil(wait / timedelta(days=1))} days"


class ReviewView:
    """The questions due for review, by lesson. Display it or use `.widget`."""

    def __init__(
        self,
        session: LearnerSession | None = None,
        now: datetime | Clock | None = None,
    ) -> None:
        self.session = session or kernel_session()
        self.tracker = self.session.tracker
        self.course = self.session.course
        self._clock: Clock = _clock(now)
        learner = self.session.learner
        self.query = learner.query()
        self.questions: list[QuestionView] = []
        self._listed: list[widgets.Widget] = []  # the lessons' headings and questions shown
        # Download and delete my answers: for a learner whose answers are saved.
        self.answers: MyAnswersBox | None = None
        self.due: list[str] = []  # question ids due when the page opened, as shown
        self.count = widgets.HTML()  # how many are left today; updated after each answer
        self.count.add_class("tl-review-count")
        self.saving = widgets.HTML()  # says so when answers are not being saved
        self.message = widgets.HTML()  # the friendly message when there is no list
        parts: list[widgets.Widget] = [widgets.HTML(self._header())]
        if not learner.known:
            self.message.value = self._note(
                "tl-review-anonymous",
                f"{escape(ANONYMOUS)} " + link(START_PAGE, "Go to the start page") + ".",
            )
            parts.append(self.message)
        elif not self.session.saving:
            self.message.value = self._note("tl-review-not-saved", escape(NOT_SAVED))
            parts.append(self.message)
        else:
            parts += [self.saving, self.count]
            try:
                self.due = self._due_now()
            except StoreError:
                self.message.value = self._note("tl-review-error", escape(STORE_FAILED))
                parts.append(self.message)
            else:
                self._listed = self._lessons()
                parts += self._listed
            self.answers = MyAnswersBox(self.session, on_deleted=self._deleted)
            parts.append(self.answers.widget)
            self._refresh()
            # The tracker saves an attempt before it tells its listeners, so the store's
            # schedule has moved by the time the count is read again.
            self.tracker.on_change(self._refresh)
        # The course's stylesheet and page script as an output, not inside the header's HTML
        # widget: a widget's HTML runs no script, so this page had no radio groups and no
        # focus on the feedback (tests/browser/test_keyboard.py).
        head = widgets.Output()
        head.outputs = (
            {"output_type": "display_data", "data": {"text/html": page_head()}, "metadata": {}},
        )
        self.widget = widgets.VBox([*parts, head])
        self.widget.add_class("tl-review")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # -- parts ----------------------------------------------------------------------------

    def _header(self) -> str:
        learner = self.session.learner
        who = ""
        if learner.known:
            who = f'<p class="tl-review-who">For {escape(learner.name)}'
            if learner.class_code:
                who += f" (class {escape(learner.class_code)})"
            who += "</p>"
        nav = course_nav(self.session.content, REVIEW_PAGE, self.query)
        return (
            '<header class="tl-page"><h1>Review what you missed</h1>'
            + nav
            + who
            + f'<p class="tl-review-schedule">{escape(schedule_in_words())}</p>'
            + f'<p class="tl-disclaimer">{escape(self.course.disclaimer)}</p></header>'
        )

    @staticmethod
    def _note(css_class: str, html: str) -> str:
        return f'<p class="tl-review-message {css_class}" role="status">{html}</p>'

    def _lessons(self) -> list[widgets.Widget]:
        """A heading per lesson (in course order), then its due questions (longest overdue
        first), numbered through the page."""
        by_lesson: dict[str, list[Question]] = {}
        for qid in self.due:
            question = self.course.questions[qid]
            by_lesson.setdefault(question.lesson, []).append(question)
        parts: list[widgets.Widget] = []
        number = 0
        for lesson in self.course.lessons:
            questions = by_lesson.get(lesson.id, [])
            if not questions:
                continue
            heading = widgets.HTML(self._lesson_heading(lesson))
            heading.add_class("tl-review-lesson")
            parts.append(heading)
            for question in questions:
                number += 1
                view = QuestionView(question, self.tracker, number, self.session.learner.order_key)
                view.reset()  # the tracker may have put back the earlier wrong answer
                self.questions.append(view)
                parts.append(view.widget)
        return parts

    def _lesson_heading(self, lesson: Lesson) -> str:
        return (
            f"<h2>Lesson {lesson.number}: {escape(lesson.title)}</h2>"
            "<p>" + link(lesson_page(lesson) + self.query, "Read the lesson again") + "</p>"
        )

    # -- the schedule -----------------------------------------------------------------------

    def _due_now(self) -> list[str]:
        """Ids of the questions due now that the course still has, longest overdue first."""
        return self.session.due_for_review(self._clock())

    def due_now(self) -> list[str]:
        """The questions due now, read from the store again ([] when nothing is saved)."""
        return self._due_now()

    def _next_due(self) -> datetime | None:
        now = self._clock()
        later = [s.due_at for s in self.session.review_states().values() if s.due_at > now]
        return min(later, default=None)

    def _refresh(self) -> None:
        problem = self.tracker.saving_problem()
        saving = "" if problem is None else f'<p class="tl-not-saving">{escape(problem)}</p>'
        if self.saving.value != saving:
            self.saving.value = saving
        try:
            left = self._due_now()
        except StoreError:
            self.count.value = self._note("tl-review-error", escape(STORE_FAILED))
            return
        shown = set(self.due)
        remaining = [qid for qid in left if qid in shown]
        if remaining:
            text = escape(_count_words(len(remaining), left=len(remaining) < len(self.due)))
        else:
            text = escape(ALL_DONE if self.due else NOTHING_DUE)
            upcoming = self._next_due()
            if upcoming is not None:
                text += (
                    f" The next question to review comes back {_later(upcoming - self._clock())}."
                )
        count = f'<p class="tl-review-message" role="status">{text}</p>'
        if self.count.value != count:
            self.count.value = count

    def _deleted(self, _removed: int) -> str:
        """The learner deleted their answers: nothing of theirs is left to review."""
        said = stop_saving(self.session)
        for part in self._listed:
            part.layout.display = "none"
        self.due = []
        if self.answers is not None and not self.session.learner.known:
            self.answers.show(False)
        self._refresh()
        return said

    def _show_error(self, message: str) -> None:
        self.count.value = self._note("tl-warning", escape(message))


def _clock(now: datetime | Clock | None) -> Clock:
    if now is None:
        return lambda: datetime.now(UTC)
    if isinstance(now, datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"The review clock must be timezone-aware; got {now!r}.")
        moment = now
        return lambda: moment
    return now
