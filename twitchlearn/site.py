"""The pages of the course and their file names: the one place that spells them.

Each page is a notebook, in JupyterLab (notebooks/) and in the Voila app (written from the
content when the server starts, `twitchlearn.app.notebooks`). Links between pages, the
notebook generator and the server all take the names from here.

    pages(content)          # every page of a content folder, in menu order
    lesson_page(lesson)     # "02_causes.ipynb"
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

from twitchlearn.models import Content, Lesson

__all__ = [
    "CLASS_VIEW_PAGE",
    "EXPLORER_PAGE",
    "REVIEW_PAGE",
    "START_PAGE",
    "Page",
    "lesson_page",
    "pages",
]

START_PAGE: Final = "00_start_here.ipynb"
EXPLORER_PAGE: Final = "08_explorer.ipynb"
REVIEW_PAGE: Final = "09_review.ipynb"
# The teacher's live class view: not one of `pages()`, so no learner's page links to it.
CLASS_VIEW_PAGE: Final = "class_view.ipynb"

PageKind = Literal["start", "lesson", "explorer", "review"]


@attrs.frozen
class Page:
    """One page of the course: its notebook file, what it is, and its title."""

    name: str
    kind: PageKind
    title: str
    lesson_id: str = ""


def lesson_page(lesson: Lesson) -> str:
    """The notebook of a lesson: its number and id, as in 02_causes.ipynb."""
    return f"{lesson.number:02d}_{lesson.id.replace('-', '_')}.ipynb"


def pages(content: Content) -> tuple[Page, ...]:
    """Every page the course has: the start page, the lessons, the explorer (when the
    content has a risk model) and the review page."""
    found = [Page(START_PAGE, "start", content.course.title)]
    found += [
        Page(lesson_page(lesson), "lesson", f"Lesson {lesson.number}: {lesson.title}", lesson.id)
        for lesson in content.course.lessons
    ]
    if content.has_explorer:
        found.append(Page(EXPLORER_PAGE, "explorer", "The twitch explorer"))
    found.append(Page(REVIEW_PAGE, "review", "Review what you missed"))
    return tuple(found)
