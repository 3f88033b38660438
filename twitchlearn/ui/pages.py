"""The pages of the course: the start page and one page per lesson.

Every notebook follows one outline, each part one call:
overview, what you will learn, the lesson, check yourself, summary, what next, sources.
"""

from __future__ import annotations

import logging
import warnings
from html import escape

import ipywidgets as widgets

from twitchlearn.errors import TwitchlearnWarning
from twitchlearn.identity import Learner, learner_from_environment
from twitchlearn.loading import load_course
from twitchlearn.models import Course, Lesson
from twitchlearn.progress import ProgressTracker, StoreSink, resume
from twitchlearn.store import open_store
from twitchlearn.ui._html import HtmlBlock, bullet_list, notebook_name, source_list
from twitchlearn.ui.quiz import _WIDE_LABEL, QuizView, safe_callback

__all__ = ["LessonPage", "StartPage", "session"]

log = logging.getLogger("twitchlearn.ui")

START_NOTEBOOK = "00_start_here.ipynb"

_STYLE = """
<style>
.tl-page h1 { font-size: 1.8em; margin: 0.2em 0; }
.tl-nav { display: flex; gap: 1.5em; margin: 0.5em 0 1em 0; flex-wrap: wrap; }
.tl-nav a, .tl-lessons a { font-weight: 600; }
.tl-disclaimer { border-left: 4px solid #555; padding: 0.4em 0.8em; background: #f4f4f4; }
.tl-clinician { border: 2px solid #8a1c1c; border-radius: 6px; padding: 0.6em 1em; margin: 1em 0; }
.tl-clinician h3 { color: #8a1c1c; margin-top: 0.2em; }
.tl-unknowns { border-left: 4px solid #1f5f99; padding: 0.2em 0.8em; }
.tl-feedback { padding: 0.4em 0.8em; border-radius: 4px; }
.tl-right { border-left: 4px solid #1b7a3a; background: #eef7f0; }
.tl-wrong { border-left: 4px solid #b34700; background: #fdf3ec; }
.tl-warning { border-left: 4px solid #8a6d00; background: #fff8e1; }
.tl-question .widget-radio-box label, .tl-question .widget-checkbox label { white-space: normal; }
.tl-question .widget-label { white-space: normal; }
</style>
"""

# JupyterLab's HTML renderer gives every link without a target `target="_blank"`, so each
# lesson would open in a new tab with a new kernel. Course links say where they open.
SAME_TAB = 'target="_self"'

_SESSION: ProgressTracker | None = None


def session(course: Course | None = None) -> ProgressTracker:
    """This kernel's learner session: one learner per kernel, as Voila and JupyterLab give.

    A known learner (JupyterHub user, or `?learner=` in the URL) has answers saved in the
    progress store and sees them again on reload; an anonymous one is not saved.
    """
    global _SESSION  # one learner per kernel
    if _SESSION is None:
        tracker = ProgressTracker(course or load_course())
        tracker.learner = learner_from_environment()
        if tracker.learner.known:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", TwitchlearnWarning)
                store = open_store()
            for warning in caught:
                log.warning("%s", warning.message)
            tracker.sink = StoreSink(store, tracker.learner)
            resume(tracker, store, tracker.learner)
        _SESSION = tracker
    return _SESSION


def _nav(course: Course, lesson: Lesson | None, query: str) -> str:
    links = [f'<a {SAME_TAB} href="{START_NOTEBOOK}{query}">Course home</a>']
    if lesson is not None:
        ids = [item.id for item in course.lessons]
        index = ids.index(lesson.id)
        if index > 0:
            before = course.lessons[index - 1]
            links.append(
                f'<a {SAME_TAB} href="{notebook_name(before)}{query}" class="tl-prev">&larr; Back: '
                f"{escape(before.title)}</a>"
            )
        following = course.next_lesson(lesson.id)
        if following is not None:
            links.append(
                f'<a {SAME_TAB} href="{notebook_name(following)}{query}" class="tl-next">Next: '
                f"{escape(following.title)} &rarr;</a>"
            )
    return '<nav class="tl-nav" aria-label="Lessons">' + "".join(links) + "</nav>"


class LessonPage:
    """One lesson, shown part by part from the notebook's cells."""

    def __init__(self, lesson_id: str, tracker: ProgressTracker | None = None) -> None:
        self.tracker = tracker or session()
        self.course = self.tracker.course
        self.lesson = self.course.lesson(lesson_id)
        self.query = escape(self.tracker.learner.query(), quote=True)

    def header(self) -> HtmlBlock:
        lesson = self.lesson
        return HtmlBlock(
            _STYLE
            + '<header class="tl-page">'
            + f"<h1>Lesson {lesson.number}: {escape(lesson.title)}</h1>"
            + _nav(self.course, lesson, self.query)
            + f'<p class="tl-disclaimer">{escape(self.course.disclaimer)}</p></header>'
        )

    def overview(self) -> HtmlBlock:
        return HtmlBlock(f'<p class="tl-overview">{escape(self.lesson.overview)}</p>')

    def objectives(self) -> HtmlBlock:
        return HtmlBlock(bullet_list(self.lesson.objectives, "tl-objectives"))

    def body(self) -> HtmlBlock:
        parts = []
        for section in self.lesson.sections:
            cites = ", ".join(
                f'<a {SAME_TAB} href="#source-{escape(s, quote=True)}">{escape(s)}</a>'
                for s in section.sources
            )
            parts.append(
                f"<section><h3>{escape(section.heading)}</h3><p>{escape(section.body)}</p>"
                + (f'<p class="tl-cite">Sources: {cites}</p>' if cites else "")
                + "</section>"
            )
        if self.lesson.unknowns:
            parts.append(
                '<aside class="tl-unknowns"><h3>What we do not know yet</h3>'
                + bullet_list(self.lesson.unknowns)
                + "</aside>"
            )
        box = self.lesson.clinician_box
        if box is not None:
            parts.append(
                f'<aside class="tl-clinician" role="note"><h3>{escape(box.title)}</h3>'
                + bullet_list(box.items)
                + "</aside>"
            )
        return HtmlBlock("".join(parts))

    def quiz(self) -> QuizView:
        return QuizView(self.lesson.id, self.tracker)

    def summary(self) -> HtmlBlock:
        return HtmlBlock(
            f'<p class="tl-summary">{escape(self.lesson.summary)}</p>'
            + bullet_list(self.lesson.key_points, "tl-key-points")
        )

    def what_next(self) -> HtmlBlock:
        query = self.query
        following = self.course.next_lesson(self.lesson.id)
        if following is None:
            text = (
                "You have reached the end of the lessons. Now put them together in "
                f'<a {SAME_TAB} href="{EXPLORER_NOTEBOOK}{query}">the twitch explorer</a> '
                "and its case studies, "
                f'<a {SAME_TAB} href="{REVIEW_NOTEBOOK}{query}">review what you missed</a>, '
                f'or go back to <a {SAME_TAB} href="{START_NOTEBOOK}{query}">the course home</a>.'
            )
        else:
            text = (
                f'Next: <a {SAME_TAB} href="{notebook_name(following)}{query}">'
                f"Lesson {following.number}: {escape(following.title)}</a>. "
                f"{escape(following.overview)}"
            )
        return HtmlBlock(f'<p class="tl-what-next">{text}</p>')

    def sources(self) -> HtmlBlock:
        ids = list(self.lesson.sources)
        for section in self.lesson.sections:
            ids.extend(section.sources)
        for question in self.lesson.questions:
            ids.extend(question.sources)
        return HtmlBlock(source_list(self.course, ids))


EXPLORER_NOTEBOOK = "08_explorer.ipynb"
REVIEW_NOTEBOOK = "09_review.ipynb"


class StartPage:
    """The course home: who is learning, the lessons, and the explorer."""

    def __init__(self, tracker: ProgressTracker | None = None) -> None:
        self.tracker = tracker or session()
        self.course = self.tracker.course
        self._lessons = widgets.HTML(self._lessons_html())

    def header(self) -> HtmlBlock:
        return HtmlBlock(
            _STYLE
            + f'<header class="tl-page"><h1>{escape(self.course.title)}</h1>'
            + f'<p class="tl-disclaimer">{escape(self.course.disclaimer)}</p></header>'
        )

    def who_is_learning(self) -> widgets.VBox:
        """Name and class code; they travel to every lesson in the links' URLs."""
        learner = self.tracker.learner
        name = widgets.Text(
            value=learner.name,
            description="Your name:",
            placeholder="first name or a nickname",
            # Sync when the field is left (or on Enter), so the value is in the kernel before
            # the button's click: typing fast and clicking lost the last characters.
            continuous_update=False,
            style=_WIDE_LABEL,
        )
        class_code = widgets.Text(
            value=learner.class_code,
            description="Class code (if your teacher gave one):",
            continuous_update=False,
            style=_WIDE_LABEL,
            layout=widgets.Layout(width="30em"),
        )
        start = widgets.Button(description="Save my name", button_style="primary")
        greeting = widgets.HTML()

        def save(_button: object) -> None:
            self.tracker.learner = Learner(name.value, class_code.value)
            if self.tracker.learner.known:
                greeting.value = (
                    f'<p class="tl-greeting" role="status">Hello, '
                    f"{escape(self.tracker.learner.name)}! Your answers will be saved "
                    "under this name. Pick a lesson below.</p>"
                )
            else:
                greeting.value = '<p class="tl-greeting" role="status">Type a name first.</p>'
            self._lessons.value = self._lessons_html()

        def show_error(message: str) -> None:
            greeting.value = f'<p role="alert">{escape(message)}</p>'

        start.on_click(safe_callback(save, show_error))
        box = widgets.VBox([name, class_code, start, greeting])
        box.add_class("tl-identity")
        return box

    def lessons(self) -> widgets.HTML:
        return self._lessons

    def _lessons_html(self) -> str:
        query = escape(self.tracker.learner.query(), quote=True)
        items = []
        for lesson in self.course.lessons:
            count = len(lesson.questions)
            items.append(
                f'<li><a {SAME_TAB} href="{notebook_name(lesson)}{query}">Lesson {lesson.number}: '
                f"{escape(lesson.title)}</a> <span>({count} questions)</span><br>"
                f"{escape(lesson.overview)}</li>"
            )
        explorer = (
            f'<p class="tl-explorer-link"><a {SAME_TAB} href="{EXPLORER_NOTEBOOK}{query}">'
            "Try it: the twitch explorer</a>. Move sliders for caffeine, sleep and stress, "
            "and see how everyday habits change how likely ordinary twitches are.</p>"
        )
        review = (
            f'<p class="tl-review-link"><a {SAME_TAB} href="{REVIEW_NOTEBOOK}{query}">'
            "Review what you missed</a>. Questions you got wrong come back, spaced out over "
            "days, until you know them.</p>"
        )
        return '<ol class="tl-lessons">' + "".join(items) + "</ol>" + explorer + review
