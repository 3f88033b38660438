"""The pages of the course: the start page, one page per lesson, and the explorer.

Every lesson notebook follows one outline, each part one call:
overview, what you will learn, the lesson, check yourself, summary, what next, sources.
Each page takes the kernel's learner session (`twitchlearn.session.kernel_session`) unless
it is given one, and its content (lessons, risk model, case studies) from that session.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from twitchlearn.edition import is_static
from twitchlearn.identity import Learner, remember_cookie_value
from twitchlearn.models import Content, Course, Figure, Lesson
from twitchlearn.session import LearnerSession, kernel_session
from twitchlearn.site import EXPLORER_PAGE, REVIEW_PAGE, START_PAGE, lesson_page
from twitchlearn.ui.answers import MyAnswersBox, stop_saving
from twitchlearn.ui.cases import CaseStudiesView
from twitchlearn.ui.common import (
    WIDE_LABEL,
    HtmlBlock,
    TermExplainer,
    bullet_list,
    course_nav,
    link,
    page_head,
    safe_callback,
    source_list,
)
from twitchlearn.ui.explorer import ExplorerView
from twitchlearn.ui.quiz import QuizView
from twitchlearn.ui.selfstudy import SelfStudyView

__all__ = [
    "ExplorerPage",
    "LessonPage",
    "StartPage",
    "clinician_box_html",
    "figure_html",
    "who_html",
]


def _nav(course: Course, lesson: Lesson | None, query: str) -> str:
    links = [link(START_PAGE + query, "Course home")]
    if lesson is not None:
        ids = [item.id for item in course.lessons]
        index = ids.index(lesson.id)
        if index > 0:
            before = course.lessons[index - 1]
            links.append(
                link(
                    lesson_page(before) + query,
                    f"&larr; Back: {escape(before.title)}",
                    css_class="tl-prev",
                )
            )
        following = course.next_lesson(lesson.id)
        if following is not None:
            links.append(
                link(
                    lesson_page(following) + query,
                    f"Next: {escape(following.title)} &rarr;",
                    css_class="tl-next",
                )
            )
    return '<nav class="tl-nav" aria-label="Lessons">' + "".join(links) + "</nav>"


def clinician_box_html(content: Content, lesson: Lesson) -> str:
    """'When to see a clinician': the course's three tiers of warning signs, most urgent
    first, each in its own words; the eyelid signs where the lesson asks for them; then
    what only this lesson adds. "" for a course with neither tiers nor a box."""
    box = lesson.clinician_box
    warnings = content.warning_signs
    if warnings is None and box is None:
        return ""
    title = box.title if box is not None else "When to see a clinician"
    parts = [f'<aside class="tl-clinician" aria-label="{escape(title, quote=True)}">']
    parts.append(f"<h3>{escape(title)}</h3>")
    if warnings is not None:
        for tier, words in warnings.tiers():
            parts.append(
                f'<section class="tl-tier tl-tier-{tier.value}"><h4>{escape(words.title)}</h4>'
                + bullet_list(words.signs)
                + f"<p>{escape(words.action)}"
                + (f" {escape(words.reassurance)}" if words.reassurance else "")
                + "</p></section>"
            )
        if box is not None and box.eyelid:
            eyelid = warnings.eyelid
            parts.append(
                f'<section class="tl-tier tl-eyelid"><h4>{escape(eyelid.title)}</h4>'
                + bullet_list(eyelid.signs)
                + "</section>"
            )
    if box is not None and box.items:
        parts.append(bullet_list(box.items, "tl-clinician-extra"))
    parts.append("</aside>")
    return "".join(parts)


def figure_html(figure: Figure, markup: str) -> str:
    """A section's figure: the drawing inline (its markup as the loader checked and cleaned
    it, `Content.figures`), named for screen readers by the alt text, and its caption."""
    label = escape(figure.alt, quote=True)
    art = markup.replace(
        "<svg", f'<svg class="tl-figure-art" role="img" aria-label="{label}" focusable="false"', 1
    )
    return (
        f'<figure class="tl-figure">{art}<figcaption>{escape(figure.caption)}</figcaption></figure>'
    )


class LessonPage:
    """One lesson, shown part by part from the notebook's cells."""

    def __init__(self, lesson_id: str, session: LearnerSession | None = None) -> None:
        self.session = session or kernel_session()
        self.tracker = self.session.tracker
        self.course = self.session.course
        self.lesson = self.course.lesson(lesson_id)
        self.query = self.session.learner.query()
        # Glossary terms are explained where they first appear: overview, then the sections.
        self.terms = TermExplainer(self.session.content.glossary)

    def header(self) -> HtmlBlock:
        lesson = self.lesson
        return HtmlBlock(
            page_head()
            + '<header class="tl-page">'
            + f"<h1>Lesson {lesson.number}: {escape(lesson.title)}</h1>"
            + _nav(self.course, lesson, self.query)
            + ("" if is_static() else who_html(self.session.learner, self.session.saving))
            + f'<p class="tl-disclaimer">{escape(self.course.disclaimer)}</p></header>'
        )

    def overview(self) -> HtmlBlock:
        return HtmlBlock(f'<p class="tl-overview">{self.terms.html(self.lesson.overview)}</p>')

    def objectives(self) -> HtmlBlock:
        return HtmlBlock(bullet_list(self.lesson.objectives, "tl-objectives"))

    def body(self) -> HtmlBlock:
        parts = []
        for section in self.lesson.sections:
            cites = "; ".join(
                link(f"#source-{s}", escape(self.course.sources[s].title)) for s in section.sources
            )
            figure = section.figure
            markup = self.session.content.figures.get(figure.file, "") if figure else ""
            parts.append(
                f"<section><h3>{escape(section.heading)}</h3>"
                f"<p>{self.terms.html(section.body)}</p>"
                + (figure_html(figure, markup) if figure and markup else "")
                + (f'<p class="tl-cite">Sources: {cites}</p>' if cites else "")
                + "</section>"
            )
        if self.lesson.unknowns:
            parts.append(
                '<aside class="tl-unknowns"><h3>What we do not know yet</h3>'
                + bullet_list(self.lesson.unknowns)
                + "</aside>"
            )
        parts.append(clinician_box_html(self.session.content, self.lesson))
        return HtmlBlock("".join(parts))

    def quiz(self) -> QuizView:
        return QuizView(self.lesson.id, self.tracker, self.session.learner.order_key)

    def summary(self) -> HtmlBlock:
        return HtmlBlock(
            f'<p class="tl-summary">{escape(self.lesson.summary)}</p>'
            + bullet_list(self.lesson.key_points, "tl-key-points")
        )

    def what_next(self) -> HtmlBlock:
        query = self.query
        following = self.course.next_lesson(self.lesson.id)
        if following is None:
            explorer = (
                link(EXPLORER_PAGE + query, "the twitch explorer") + " and its case studies, "
                if self.session.content.has_explorer
                else ""
            )
            text = (
                f"You have reached the end of the lessons. Now try {explorer}"
                + link(REVIEW_PAGE + query, "review what you missed")
                + ", or go back to "
                + link(START_PAGE + query, "the course home")
                + "."
            )
        else:
            text = (
                "Next: "
                + link(
                    lesson_page(following) + query,
                    f"Lesson {following.number}: {escape(following.title)}",
                )
                + f". {escape(following.overview)}"
            )
        return HtmlBlock(f'<p class="tl-what-next">{text}</p>')

    def sources(self) -> HtmlBlock:
        ids = list(self.lesson.sources)
        for section in self.lesson.sections:
            ids.extend(section.sources)
        for question in self.lesson.questions:
            ids.extend(question.sources)
        box = self.lesson.clinician_box
        warnings = self.session.content.warning_signs
        if warnings is not None:  # the warning signs box is on every lesson page
            for _tier, words in warnings.tiers():
                ids.extend(words.sources)
            if box is not None and box.eyelid:
                ids.extend(warnings.eyelid.sources)
        if box is not None:
            ids.extend(box.sources)
        return HtmlBlock(source_list(self.course, ids))


def _remember(learner: Learner) -> str:
    """A hidden marker the course's Voila template turns into the `twitchlearn_learner`
    cookie (an empty value forgets it), so the name survives reloads and pages opened
    without `?learner=` (twitchlearn.identity.remembered_learner reads it back)."""
    value = remember_cookie_value(learner) if learner.known else ""
    return f'<span class="tl-remember" hidden data-value="{escape(value, quote=True)}"></span>'


def _in_class(learner: Learner) -> str:
    return f" in class {escape(learner.class_code)}" if learner.class_code else ""


def who_html(learner: Learner, saving: bool) -> str:
    """Whether this page saves answers, and under which name, in words for the learner."""
    home = link(START_PAGE + learner.query(), "the start page")
    if saving and learner.known:
        where = _in_class(learner)
        change = "" if learner.from_hub else f" Not you? Change it on {home}."
        return (
            f'<p class="tl-who" role="status">Saving your answers as '
            f"<strong>{escape(learner.name)}</strong>{where}.{change}</p>"
        )
    return (
        '<p class="tl-who tl-who-anonymous" role="status">Your answers on this page are '
        f"not being saved. To keep them, type your name on {home}.</p>"
    )


class StartPage:
    """The course home: who is learning, the lessons, the explorer and the review page."""

    def __init__(self, session: LearnerSession | None = None) -> None:
        self.session = session or kernel_session()
        self.course = self.session.course
        self._lessons = widgets.HTML(self._lessons_html())
        self.answers: MyAnswersBox | None = None  # made by who_is_learning (server edition)

    def header(self) -> HtmlBlock:
        return HtmlBlock(
            page_head()
            + f'<header class="tl-page"><h1>{escape(self.course.title)}</h1>'
            + f'<p class="tl-disclaimer">{escape(self.course.disclaimer)}</p></header>'
        )

    def who_is_learning(self) -> widgets.VBox:
        """Name and class code; they travel to every lesson in the links' URLs. The static
        edition has neither: it says it is for self-study and offers the learner's answers."""
        if is_static():
            return SelfStudyView(self.session).widget
        learner = self.session.learner
        name = widgets.Text(
            value=learner.name,
            description="Your name:",
            placeholder="first name or a nickname",
            # Sync when the field is left (or on Enter), so the value is in the kernel before
            # the button's click: typing fast and clicking lost the last characters.
            continuous_update=False,
            style=WIDE_LABEL,
        )
        class_code = widgets.Text(
            value=learner.class_code,
            description="Class code (if your teacher gave one):",
            continuous_update=False,
            style=WIDE_LABEL,
            layout=widgets.Layout(width="30em"),
        )
        start = widgets.Button(description="Save my name", button_style="primary")
        greeting = widgets.HTML()
        if learner.from_hub:  # JupyterHub names the learner: the page cannot change it
            name.disabled = class_code.disabled = start.disabled = True
            if learner.known:
                greeting.value = (
                    f'<p class="tl-greeting" role="status">You are signed in as '
                    f"{escape(learner.name)}. Your answers are saved under this name.</p>"
                )
        if learner.problem:  # a name in the link that is too long: say so, never cut it
            greeting.value = f'<p class="tl-greeting" role="alert">{escape(learner.problem)}</p>'

        def forgotten(_removed: int) -> str:  # the learner deleted their answers
            said = stop_saving(self.session)
            if not self.session.learner.known:
                quiet.append(True)  # emptying the fields is not the learner typing
                name.value = class_code.value = ""
                quiet.clear()
                greeting.value = ""
                answers.show(False)
                self._lessons.value = self._lessons_html()
            return said

        # Download and delete my answers: the session's learner, when answers are saved.
        answers = self.answers = MyAnswersBox(self.session, on_deleted=forgotten)
        answers.show(self.session.saving)
        quiet: list[bool] = []

        def save(_button: object) -> None:
            # The start page saves nothing itself: the name travels in the lesson links.
            if self.session.learner.from_hub or quiet:
                return
            typed = Learner(name.value, class_code.value)
            if typed.problem:
                greeting.value = f'<p class="tl-greeting" role="alert">{escape(typed.problem)}</p>'
                return
            self.session.learner = typed
            answers.show(self.session.saving)
            if self.session.learner.known:
                greeting.value = (
                    f'<p class="tl-greeting" role="status">Hello, '
                    f"{escape(self.session.learner.name)}! Your answers will be saved "
                    f"under this name{_in_class(typed)}. Pick a lesson below.</p>"
                    + _remember(typed)
                )
            else:
                greeting.value = (
                    '<p class="tl-greeting" role="status">Type a name first.</p>' + _remember(typed)
                )
            self._lessons.value = self._lessons_html()

        def show_error(message: str) -> None:
            greeting.value = f'<p role="alert">{escape(message)}</p>'

        start.on_click(safe_callback(save, show_error))
        # A name typed and left (Tab, Enter, or a tap elsewhere) is saved as if the button
        # were pressed: a learner who skipped the button got lessons that saved nothing.
        for field in (name, class_code):
            field.observe(safe_callback(lambda _change: save(None), show_error), names="value")
        if learner.known and not learner.from_hub and not learner.problem:
            greeting.value = (
                f'<p class="tl-greeting" role="status">Welcome back, {escape(learner.name)}! '
                "Your answers are saved under this name. Not you? Type your own name.</p>"
                + _remember(learner)
            )
        box = widgets.VBox([name, class_code, start, greeting, answers.widget])
        box.add_class("tl-identity")
        return box

    def lessons(self) -> widgets.HTML:
        return self._lessons

    def _lessons_html(self) -> str:
        query = self.session.learner.query()
        items = []
        for lesson in self.course.lessons:
            count = len(lesson.questions)
            items.append(
                "<li>"
                + link(
                    lesson_page(lesson) + query, f"Lesson {lesson.number}: {escape(lesson.title)}"
                )
                + f" <span>({count} questions)</span><br>{escape(lesson.overview)}</li>"
            )
        explorer = ""
        if self.session.content.has_explorer:
            explorer = (
                '<p class="tl-explorer-link">'
                + link(EXPLORER_PAGE + query, "Try it: the twitch explorer")
                + ". Move sliders for caffeine, sleep and stress, and see how everyday habits "
                "change how likely ordinary twitches are.</p>"
            )
        review = (
            '<p class="tl-review-link">'
            + link(REVIEW_PAGE + query, "Review what you missed")
            + ". Questions you got wrong come back, spaced out over days, until you know "
            "them.</p>"
        )
        return '<ol class="tl-lessons">' + "".join(items) + "</ol>" + explorer + review


class ExplorerPage:
    """The twitch explorer and, below it, the case studies that set it."""

    def __init__(self, session: LearnerSession | None = None) -> None:
        self.session = session or kernel_session()
        model = self.session.content.risk_model
        if model is None:
            raise LookupError(
                "This course has no explorer: its content folder has no risk_model.yaml."
            )
        self.explorer = ExplorerView(model, self.session.course.sources)

    def header(self) -> HtmlBlock:
        query = self.session.learner.query()
        nav = course_nav(self.session.content, EXPLORER_PAGE, query)
        return HtmlBlock(
            page_head()
            + '<header class="tl-page"><h1>The twitch explorer</h1>'
            + nav
            + ("" if is_static() else who_html(self.session.learner, self.session.saving))
            + f'<p class="tl-disclaimer">{escape(self.session.course.disclaimer)}</p></header>'
        )

    def explorer_view(self) -> ExplorerView:
        return self.explorer

    def cases(self) -> CaseStudiesView | HtmlBlock:
        if not self.session.content.cases:
            return HtmlBlock("")
        return CaseStudiesView(
            self.explorer,
            self.session.content.cases,
            self.session.tracker,
            order_key=self.session.learner.order_key,
        )
