"""The teacher's live class view: who is working now, progress per learner and lesson, the
hardest questions and the most-chosen wrong answers, kept up to date while it is open.

Served by `twitchlearn serve` as its own page (`twitchlearn.site.CLASS_VIEW_PAGE`, written by
`twitchlearn.app.notebooks` and linked from no learner's page). `class_view_page()` is the
page's one cell. It shows learners' data only to a teacher (`identity.teacher_allowed`):
under JupyterHub a hub admin or a member of the teacher group; on one machine a page whose
URL carries the teacher key the server printed. Anyone else gets `REFUSED` and no data.

Live: `ClassView.start()` runs a task on the kernel's asyncio loop that reads the store every
`POLL_SECONDS` (`teacher.class_snapshot`: one read of the class's attempts) and sets the
widgets' HTML. A widget whose HTML did not change sends nothing, so an idle class costs the
page no messages. The figures are `twitchlearn.teacher`'s, the same as `twitchlearn export
--gradebook` (first attempts count unless the teacher chooses otherwise).

Every text from a learner (names, class codes) or from the content is escaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Final
from urllib.parse import parse_qs

import ipywidgets as widgets

from twitchlearn.attempts import DEFAULT_POLICY, POLICIES, Policy
from twitchlearn.errors import StoreError
from twitchlearn.identity import teacher_allowed
from twitchlearn.loading import load_content
from twitchlearn.models import Course
from twitchlearn.scoring import format_points
from twitchlearn.storage import ProgressStore, default_location, open_store
from twitchlearn.teacher import (
    GRADEBOOK_COMMAND,
    WORKING_WINDOW,
    ClassSnapshot,
    class_snapshot,
    lesson_points,
)
from twitchlearn.ui.common import WIDE_LABEL, HtmlBlock, log, page_head

__all__ = ["POLL_SECONDS", "REFUSED", "ClassView", "class_view_page"]

POLL_SECONDS: Final = 3.0
REFUSED: Final = (
    "<p><strong>This page is for the teacher.</strong> Open it with the class view link "
    "that <code>twitchlearn serve</code> printed, or log in to the hub as a teacher.</p>"
)
_POLICY_WORDS: Final[dict[Policy, str]] = {
    "first": "First attempt",
    "last": "Last attempt",
    "best": "Best attempt",
}
_STYLE: Final = (
    "<style>.tl-classview table{border-collapse:collapse;margin:0.4em 0 1em 0}"
    ".tl-classview th,.tl-classview td{border:1px solid #bbb;padding:0.25em 0.5em;"
    "text-align:left;vertical-align:top}.tl-classview th{background:#f2f2f2}"
    ".tl-classview-scroll{overflow-x:auto;max-width:100%}</style>"
)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], css: str) -> str:
    """A table of plain texts, every cell escaped, in a box that scrolls sideways."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f'<div class="tl-classview-scroll"><table class="{css}">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _points(value: float) -> str:
    text = format_points(value)
    return f"{text} point" if text == "1" else f"{text} points"


def _ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "less than a minute ago"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''} ago"


class ClassView:
    """One class's live view: a class choice, a choice of which attempt counts, four views.

    `refresh()` reads the store once and redraws; `start()` keeps calling it (see the module
    docstring). `clock` gives "now" (aware); tests may pass their own.
    """

    def __init__(
        self,
        course: Course,
        location: str | os.PathLike[str],
        *,
        class_code: str = "",
        policy: Policy = DEFAULT_POLICY,
        poll_seconds: float = POLL_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.course = course
        self.location = os.fspath(location)
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._store: ProgressStore | None = None
        self._snapshot: ClassSnapshot | None = None  # the last one drawn
        self._task: asyncio.Task[None] | None = None
        self.last_poll_seconds = 0.0  # what the last refresh took (read, compute, draw)
        self.class_code = widgets.Dropdown(
            options=[class_code] if class_code else [],
            value=class_code or None,
            description="Class",
            style=WIDE_LABEL,
        )
        self.policy = widgets.Dropdown(
            options=[(_POLICY_WORDS[p], p) for p in POLICIES],
            value=policy,
            description="Which attempt counts",
            style=WIDE_LABEL,
            layout=widgets.Layout(width="20em"),
        )
        self.status = widgets.HTML()
        self.working = widgets.HTML()
        self.progress = widgets.HTML()
        self.hardest = widgets.HTML()
        self.wrong = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.class_code, self.policy]),
                self.status,
                self.working,
                self.progress,
                self.hardest,
                self.wrong,
            ]
        )
        self.widget.add_class("tl-classview")
        self._quiet = False  # True while the view itself changes the class list
        self.class_code.observe(self._chosen, names="value")
        self.policy.observe(self._chosen, names="value")

    def _chosen(self, _change: object) -> None:
        if not self._quiet:
            self._safe_refresh()

    # --- reading -------------------------------------------------------------------------

    def _open(self) -> ProgressStore | None:
        """The store, read-only; None while a SQLite file is not there yet (no learner has
        answered): the view never makes the file, and looks again at the next poll."""
        if self._store is None:
            where = self.location
            if ":" not in where.split("/", 1)[0] and not Path(where).expanduser().exists():
                return None
            self._store = open_store(where, read_only=True)
        return self._store

    def _drop_store(self) -> None:
        if self._store is not None:
            with contextlib.suppress(Exception):
                self._store.close()
        self._store = None

    def close(self) -> None:
        """Stop refreshing and close the store."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._drop_store()

    def refresh(self) -> None:
        """Read the store once and redraw what changed."""
        started = time.perf_counter()
        try:
            store = self._open()
            self._offer([] if store is None else store.class_codes())
            code = self.class_code.value or ""
            if store is None or not code:
                where = f" for class <strong>{escape(code)}</strong>" if code else ""
                self._clear(f"<p>No answers saved yet{where}. This page fills in as they come.</p>")
                return
            snapshot = class_snapshot(
                store, self.course, code, self.clock(), self.policy.value, previous=self._snapshot
            )
        except StoreError as exc:
            self._drop_store()  # try again at the next poll
            self._clear(f'<p class="tl-feedback tl-wrong">{escape(str(exc))}</p>')
            return
        finally:
            self.last_poll_seconds = time.perf_counter() - started
        self._snapshot = snapshot
        self._draw(snapshot)
        self.last_poll_seconds = time.perf_counter() - started

    def _safe_refresh(self) -> None:
        try:
            self.refresh()
        except Exception:
            log.exception("the class view could not refresh")
            self._clear("<p>The class view could not be brought up to date. It tries again.</p>")

    def _offer(self, codes: list[str]) -> None:
        """Keep the class list up to date; keep the chosen class, or choose the first."""
        chosen = self.class_code.value
        options = list(codes)
        if chosen and chosen not in options:
            options.insert(0, chosen)
        wanted = chosen if chosen else (options[0] if options else None)
        if list(self.class_code.options) == options and self.class_code.value == wanted:
            return
        self._quiet = True
        try:
            self.class_code.options = options
            self.class_code.value = wanted
        finally:
            self._quiet = False

    def _clear(self, message: str) -> None:
        self.status.value = message
        for view in (self.working, self.progress, self.hardest, self.wrong):
            view.value = ""

    # --- drawing -------------------------------------------------------------------------

    def _draw(self, snap: ClassSnapshot) -> None:
        now = self.clock()
        code = escape(snap.class_code)
        policy: Policy = self.policy.value
        if not snap.progress:
            self._clear(
                f"<p>No answers saved yet for class <strong>{code}</strong>. "
                "This page fills in as they come.</p>"
            )
            return
        book = GRADEBOOK_COMMAND.format(code=snap.class_code)
        choice = "" if policy == DEFAULT_POLICY else f" --policy {policy}"
        self.status.value = (
            f"<p>Class <strong>{code}</strong>: {len(snap.progress)} learner(s), "
            f"{snap.attempts} answer(s) saved; counting each learner's "
            f"{escape(_POLICY_WORDS[policy].lower())}. This page updates by itself every "
            f"few seconds. The same points as <code>{escape(book + choice)}</code>.</p>"
        )
        minutes = int(WORKING_WINDOW.total_seconds() // 60)
        if snap.working:
            rows = [
                (w.learner, _ago(w.last_answer, now), w.question, str(w.answers))
                for w in snap.working
            ]
            working = _table(
                ("Learner", "Last answer", "Question", f"Answers in {minutes} minutes"),
                rows,
                "tl-working",
            )
        else:
            working = "<p>No one has answered in the last few minutes.</p>"
        self.working.value = f"<h2>Working now</h2>{working}"
        worth = lesson_points(self.course)
        headers = [
            "Learner",
            *(
                f"Lesson {lesson.number} ({format_points(of)} points)"
                for lesson, of in zip(self.course.lessons, worth, strict=True)
            ),
            f"Total (out of {format_points(sum(worth))})",
        ]
        rows_p = [
            (
                p.learner,
                *(
                    f"{_points(score)}, {done} of {len(lesson.questions)} done"
                    if done
                    else "not started"
                    for score, done, lesson in zip(
                        p.lesson_scores, p.lesson_answered, self.course.lessons, strict=True
                    )
                ),
                format_points(p.score),
            )
            for p in snap.progress
        ]
        self.progress.value = "<h2>Progress per lesson</h2>" + _table(
            headers, rows_p, "tl-progress-table"
        )
        if snap.hardest:
            rows_h = [
                (d.label, d.prompt, f"{d.correct} of {d.answered} right") for d in snap.hardest
            ]
            hardest = _table(("Question", "It asks", "Learners"), rows_h, "tl-hardest")
        else:
            hardest = "<p>No question answered yet.</p>"
        self.hardest.value = f"<h2>Hardest questions</h2>{hardest}"
        if snap.wrong:
            rows_w = [(w.label, w.answer, str(w.count)) for w in snap.wrong]
            wrong = _table(("Question", "Wrong answer", "Learners"), rows_w, "tl-wrong-answers")
        else:
            wrong = "<p>No wrong answers yet.</p>"
        self.wrong.value = f"<h2>Most chosen wrong answers</h2>{wrong}"

    # --- staying up to date --------------------------------------------------------------

    def start(self) -> None:
        """Refresh now, then every `poll_seconds` on the running asyncio loop (the kernel's);
        without a running loop (a plain script), only now."""
        self._safe_refresh()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._task is None:
            self._task = loop.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            self._safe_refresh()


def class_view_page(environ: dict[str, str] | None = None) -> object:
    """The class view page's one cell: the live view for a teacher, `REFUSED` for anyone
    else (see the module docstring). The class comes from the URL's `?class=` if given."""
    env = dict(os.environ) if environ is None else environ
    if not teacher_allowed(env):
        return HtmlBlock(page_head() + REFUSED)
    wanted = parse_qs(env.get("QUERY_STRING", "")).get("class", [""])[0].strip()
    view = ClassView(load_content().course, default_location(env), class_code=wanted)
    view.start()
    return widgets.VBox([widgets.HTML(page_head() + _STYLE), view.widget])
