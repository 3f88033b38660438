"""The teacher's views: the class dashboard and the teacher guide (notebooks/teacher/ only).

The computations are in `twitchlearn.teacher`; this module only draws them. Every text from
the content or from a learner (names above all) is escaped, in HTML and in chart labels
(plotly reads a little HTML in labels, so they are escaped too).

The first attempt counts unless the teacher chooses otherwise (`attempts.DEFAULT_POLICY`).
The table per learner gives the points of the attempts that count and, beside them, of the
first and the last attempts, the same figures as `twitchlearn export --gradebook`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from html import escape
from typing import Any, Final

import ipywidgets as widgets
import plotly.graph_objects as go
import plotly.io as pio

from twitchlearn.attempts import DEFAULT_POLICY, POLICIES, Policy
from twitchlearn.errors import StoreError
from twitchlearn.loading import load_content
from twitchlearn.models import Content, Course
from twitchlearn.scoring import format_points
from twitchlearn.storage import default_location, open_store
from twitchlearn.teacher import (
    EXPORT_COMMAND,
    GRADEBOOK_COMMAND,
    LearnerProgress,
    QuestionDifficulty,
    WrongAnswer,
    answer_key,
    common_wrong_answers,
    learner_progress,
    lesson_points,
    question_difficulty,
)
from twitchlearn.ui.chart import chart_output
from twitchlearn.ui.common import WIDE_LABEL, HtmlBlock, bullet_list, page_head, safe_callback

__all__ = [
    "CLASS_ENV",
    "ClassDashboard",
    "guide_answer_key",
    "guide_objectives",
    "guide_plan",
    "guide_prompts",
    "guide_ways",
]

CLASS_ENV: Final = "TWITCHLEARN_CLASS"  # the class code the dashboard starts with

_POLICY_LABELS: Final[dict[Policy, str]] = {
    "first": "First attempt",
    "last": "Last attempt",
    "best": "Best attempt",
}
_CHART_LAYOUT: Final[dict[str, Any]] = {
    "template": "plotly_white",
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
}


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f'<table class="tl-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _chart(fig: go.Figure, text: str) -> dict[str, Any]:
    """`fig` as an output of an Output widget (`twitchlearn.ui.chart`), with plotly's
    toolbar: a teacher may want to save a chart as a picture."""
    figure = json.loads(pio.to_json(fig, validate=False))
    figure["config"] = {"displayModeBar": True}
    return chart_output(figure, text)


def _points(progress: LearnerProgress, policy: Policy, column: Policy) -> float:
    """A learner's points counting the attempts of `column` (`policy`: the ones that count)."""
    if column == policy:
        return progress.score
    return progress.first_score if column == "first" else progress.last_score


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the class dashboard -----------------------------------------------------------------


class ClassDashboard:
    """A class code box, a choice of which attempt counts, and three views that follow them."""

    def __init__(
        self,
        course: Course,
        db_location: str | os.PathLike[str],
        *,
        class_code: str = "",
        policy: Policy = DEFAULT_POLICY,
    ) -> None:
        self.course = course
        self.db_location = os.fspath(db_location)
        self.class_code = widgets.Text(
            value=class_code,
            description="Class code",
            placeholder="for example 9B",
            continuous_update=False,
            style=WIDE_LABEL,
        )
        self.policy = widgets.Dropdown(
            options=[(_POLICY_LABELS[p], p) for p in POLICIES],
            value=policy,
            description="Which attempt counts",
            style=WIDE_LABEL,
        )
        self.status = widgets.HTML()
        self.controls = widgets.VBox([widgets.HBox([self.class_code, self.policy]), self.status])
        self.progress_view = widgets.Output()
        self.difficulty_view = widgets.Output()
        self.wrong_view = widgets.Output()
        self.export_view = widgets.HTML()
        update = safe_callback(lambda _change: self.refresh(), self._show_error)
        self.class_code.observe(update, names="value")
        self.policy.observe(update, names="value")
        self.refresh()

    @classmethod
    def from_environment(cls) -> ClassDashboard:
        """The store at TWITCHLEARN_DB (or the default path), class code from TWITCHLEARN_CLASS."""
        return cls(
            load_content().course,
            default_location(),
            class_code=os.environ.get(CLASS_ENV, "").strip(),
        )

    def _show_error(self, message: str) -> None:
        self.status.value = f'<p class="tl-feedback tl-wrong">{escape(message)}</p>'

    def refresh(self) -> None:
        code = self.class_code.value.strip()
        policy: Policy = self.policy.value
        book = GRADEBOOK_COMMAND.format(code=code or "CODE")
        command = EXPORT_COMMAND.format(code=code or "CODE")
        choice = "" if policy == DEFAULT_POLICY else f" --policy {policy}"
        self.export_view.value = (
            "<p>To take these results to a gradebook (one row per learner: points per "
            "lesson and in total), run in a terminal:</p>"
            f"<pre>{escape(book + choice)}</pre>"
            "<p>For one row per learner and question:</p>"
            f"<pre>{escape(command + choice)}</pre>"
            "<p>The first attempt at each question counts; add <code>--policy last</code> "
            "or <code>best</code> to count another.</p>"
        )
        for view in (self.progress_view, self.difficulty_view, self.wrong_view):
            view.outputs = ()
        if not code:
            self.status.value = "<p>Type your class code to see its results.</p>"
            return
        try:
            with open_store(self.db_location, read_only=True) as store:
                progress = learner_progress(store, self.course, code, policy)
                difficulty = question_difficulty(store, self.course, code, policy)
                wrong = common_wrong_answers(store, self.course, code, policy)
        except StoreError as exc:
            self._show_error(f"The results cannot be read. {exc}")
            return
        if not progress:
            self.status.value = (
                f"<p>No answers saved yet for class <strong>{escape(code)}</strong>.</p>"
            )
            return
        self.status.value = (
            f"<p>Class <strong>{escape(code)}</strong>: {len(progress)} learner(s); "
            f"counting each learner's {escape(_POLICY_LABELS[policy].lower())}.</p>"
        )
        self._draw_progress(progress, policy)
        self._draw_difficulty([d for d in difficulty if d.answered])
        self._draw_wrong(wrong)

    def _draw_progress(self, progress: Sequence[LearnerProgress], policy: Policy) -> None:
        names = [escape(p.learner) for p in progress]
        total = len(self.course.questions)
        fig = go.Figure(
            [
                go.Bar(name="Right", y=names, x=[p.correct for p in progress], orientation="h"),
                go.Bar(
                    name="Answered, not right",
                    y=names,
                    x=[p.answered - p.correct for p in progress],
                    orientation="h",
                ),
            ]
        )
        fig.update_layout(
            title=f"Questions answered, out of {total}",
            barmode="stack",
            height=120 + 28 * len(names),
            yaxis={"autorange": "reversed"},
            **_CHART_LAYOUT,
        )
        worth = format_points(sum(lesson_points(self.course)))
        # The points of the attempts that count, then of the first and the last attempts
        # (without repeating the one that counts).
        others: tuple[Policy, ...] = ("first", "last")
        columns = [policy, *(p for p in others if p != policy)]
        headers = [
            "Learner",
            "Answered",
            f"Right ({_POLICY_LABELS[policy].lower()})",
            *(f"Points, {_POLICY_LABELS[p].lower()} (out of {worth})" for p in columns),
        ]
        rows = [
            (
                p.learner,
                f"{p.answered} of {p.total_questions}",
                p.correct,
                *(format_points(_points(p, policy, column)) for column in columns),
            )
            for p in progress
        ]
        self.progress_view.outputs += (
            _chart(fig, "Questions answered per learner (table below)."),
        )
        self.progress_view.append_display_data(HtmlBlock(_table(headers, rows)))

    def _draw_difficulty(self, difficulty: Sequence[QuestionDifficulty]) -> None:
        hardest = sorted(difficulty, key=lambda d: (d.share_correct, -d.answered))
        fig = go.Figure(
            go.Bar(
                x=[escape(d.label or d.question_id) for d in hardest],
                y=[round(100 * d.share_correct) for d in hardest],
                customdata=[escape(_short(d.prompt, 90)) for d in hardest],
                hovertemplate="%{x}<br>%{customdata}<br>%{y}% right<extra></extra>",
            )
        )
        fig.update_layout(
            title="Share of learners right, hardest question first",
            yaxis={"title": "% right", "range": [0, 100]},
            height=380,
            **_CHART_LAYOUT,
        )
        self.difficulty_view.outputs += (
            _chart(fig, "Share of learners right per question, hardest first."),
        )

    def _draw_wrong(self, wrong: Sequence[WrongAnswer]) -> None:
        if not wrong:
            self.wrong_view.append_display_data(HtmlBlock("<p>No wrong answers counted.</p>"))
            return
        labels = [escape(f"{w.label or w.question_id}: {_short(w.answer, 50)}") for w in wrong]
        fig = go.Figure(go.Bar(y=labels, x=[w.count for w in wrong], orientation="h"))
        fig.update_layout(
            title="Most-chosen wrong answers (number of learners)",
            yaxis={"autorange": "reversed"},
            height=120 + 28 * len(labels),
            **_CHART_LAYOUT,
        )
        rows = [(w.count, f"{w.label}: {w.prompt}", w.answer) for w in wrong]
        self.wrong_view.outputs += (_chart(fig, "Most-chosen wrong answers (table below)."),)
        self.wrong_view.append_display_data(
            HtmlBlock(_table(("Learners", "Question", "Wrong answer"), rows))
        )


# --- the teacher guide -------------------------------------------------------------------


def guide_plan(content: Content | None = None) -> HtmlBlock:
    """The class plan (teacher_guide.yaml), with the course disclaimer to read at the start."""
    content = load_content() if content is None else content
    disclaimer = (
        '<p><strong>Disclaimer to read aloud:</strong></p><blockquote class="tl-disclaimer">'
        + escape(content.course.disclaimer)
        + "</blockquote>"
    )
    if content.guide is None:
        return HtmlBlock(page_head() + "<p>This course has no class plan.</p>" + disclaimer)
    plan = content.guide.plan
    total = sum(step.minutes for step in plan)
    rows = [(f"{step.minutes} min", step.activity, step.detail) for step in plan]
    return HtmlBlock(
        page_head()
        + f"<p>A plan for one class of {total} minutes.</p>"
        + _table(("Time", "Activity", "What to do"), rows)
        + disclaimer
        + '<aside class="tl-clinician"><h3>If a learner is worried or distressed</h3>'
        + bullet_list(content.guide.disclosure)
        + "</aside>"
    )


def guide_ways(content: Content | None = None) -> HtmlBlock:
    """How to run a class, each way (teacher_guide.yaml `ways`): whom it suits, then the
    steps in order, each with the command to type."""
    content = load_content() if content is None else content
    ways = () if content.guide is None else content.guide.ways
    if not ways:
        return HtmlBlock("<p>This course's guide does not say how to run a class.</p>")
    parts = []
    for number, way in enumerate(ways, start=1):
        steps = "".join(
            f"<li><p>{escape(step.do)}</p>"
            + (f"<pre><code>{escape(step.command)}</code></pre>" if step.command else "")
            + "</li>"
            for step in way.steps
        )
        parts.append(
            f'<section class="tl-way"><h3>{number}. {escape(way.title)}</h3>'
            f"<p><em>For:</em> {escape(way.suits)}</p><ol>{steps}</ol></section>"
        )
    return HtmlBlock(page_head() + "".join(parts))


def guide_objectives(content: Content | None = None) -> HtmlBlock:
    """What learners should be able to do after each lesson."""
    course = (load_content() if content is None else content).course
    parts = [
        f"<h3>{lesson.number}. {escape(lesson.title)}</h3>" + bullet_list(lesson.objectives)
        for lesson in course.lessons
    ]
    return HtmlBlock("".join(parts))


def guide_prompts(content: Content | None = None) -> HtmlBlock:
    """Discussion prompts per lesson, each list ending with the safety note."""
    content = load_content() if content is None else content
    if content.guide is None:
        return HtmlBlock("<p>This course has no discussion prompts.</p>")
    guide = content.guide
    parts = [
        f"<h3>{lesson.number}. {escape(lesson.title)}</h3>" + bullet_list(guide.prompts_for(lesson))
        for lesson in content.course.lessons
    ]
    return HtmlBlock("".join(parts))


def guide_answer_key(content: Content | None = None) -> HtmlBlock:
    """Every question with its right answer and explanation. For the teacher only."""
    course = (load_content() if content is None else content).course
    parts: list[str] = []
    lesson_number = None
    for entry in answer_key(course):
        if entry.lesson_number != lesson_number:
            lesson_number = entry.lesson_number
            parts.append(f"<h3>{entry.lesson_number}. {escape(entry.lesson_title)}</h3>")
        parts.append(
            f'<div class="tl-key" id="key-{escape(entry.question_id, quote=True)}">'
            f"<p><strong>Question {entry.number}.</strong> {escape(entry.prompt)}</p>"
            f"<p><strong>Answer:</strong> {escape(entry.right_answer)}</p>"
            f"<p><em>Why:</em> {escape(entry.explanation)}</p></div>"
        )
    return HtmlBlock("".join(parts))
