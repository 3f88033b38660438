"""The learners' notebooks, written from a loaded content folder: a few lines a cell.

`twitchlearn serve` writes them for the course it serves when it starts, so a teacher's
folder with two lessons serves exactly two lesson pages. The copies in the repository's
notebooks/ (for JupyterLab) are the shipped course's, written by `twitchlearn notebooks
notebooks/`; tests/notebooks/test_notebooks.py fails when they differ from this.

Every lesson notebook has the one outline: overview, what you will learn, the lesson, check
yourself, summary, what next, sources.

`write(..., class_view=True)` adds the teacher's live class view (`site.CLASS_VIEW_PAGE`,
`twitchlearn.ui.classview`): `twitchlearn serve` always does; `twitchlearn notebooks
--class-view` does for a hub. It is not in `build()`, so notebooks/ (for JupyterLab) has none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from twitchlearn.models import Content, Lesson
from twitchlearn.site import CLASS_VIEW_PAGE, Page, pages

__all__ = ["OUTLINE", "build", "class_view_notebook", "site_metadata", "write"]

OUTLINE = (
    ("Overview", "page.overview()"),
    ("What you will learn", "page.objectives()"),
    ("The lesson", "page.body()"),
    ("Check yourself", "page.quiz()"),
    ("Summary", "page.summary()"),
    ("What next", "page.what_next()"),
    ("Sources", "page.sources()"),
)

_METADATA: dict[str, Any] = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def site_metadata(content: Content, page: Page) -> dict[str, Any]:
    """What the course's Voila template needs to draw a page's header: the course title,
    where this page is ("Lesson 2 of 7") and the menu of every page, this one marked."""
    everything = pages(content)
    lessons = [p for p in everything if p.kind == "lesson"]
    if page.kind == "lesson":
        where = f"Lesson {lessons.index(page) + 1} of {len(lessons)}"
    else:
        where = {"start": "Start here", "explorer": "Explorer", "review": "Review"}[page.kind]
    return {
        # The header has room for the course's short name: "Muscle twitching", not the subtitle.
        "course": content.course.title.split(":")[0].strip(),
        "where": where,
        "menu": [
            {
                "href": p.name,
                "label": "Start here" if p.kind == "start" else p.title,
                "current": p == page,
            }
            for p in everything
        ],
    }


def _notebook(content: Content, page: Page, cells: list[Any], *, charts: bool = False) -> Any:
    # `charts`: whether the page draws plotly charts. `twitchlearn serve` leaves plotly's
    # renderer (4.7 MB of JavaScript) out of the pages that say false. `title`: what the
    # browser tab and the page heading say. `site`: the header of the Voila template.
    metadata = {
        **_METADATA,
        "title": page.title,
        "twitchlearn": {"charts": charts, "site": site_metadata(content, page)},
    }
    nb = new_notebook(cells=cells, metadata=metadata)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"  # stable ids keep the files identical between builds
    return nb


def _lesson(content: Content, page: Page, lesson: Lesson) -> Any:
    cells = [
        new_code_cell(
            "from twitchlearn.ui import LessonPage\n\n"
            f"page = LessonPage({lesson.id!r})\npage.header()"
        )
    ]
    for heading, call in OUTLINE:
        cells += [new_markdown_cell(f"## {heading}"), new_code_cell(call)]
    return _notebook(content, page, cells)


def _start(content: Content, page: Page) -> Any:
    return _notebook(
        content,
        page,
        [
            new_code_cell(
                "from twitchlearn.ui import StartPage\n\npage = StartPage()\npage.header()"
            ),
            new_markdown_cell("## Who is learning?"),
            new_code_cell("page.who_is_learning()"),
            new_markdown_cell("## The lessons"),
            new_code_cell("page.lessons()"),
        ],
    )


def _explorer(content: Content, page: Page) -> Any:
    return _notebook(
        content,
        page,
        [
            new_code_cell(
                "from twitchlearn.ui import ExplorerPage\n\npage = ExplorerPage()\npage.header()"
            ),
            new_code_cell("page.explorer_view()"),
            new_code_cell("page.cases()"),
        ],
        charts=True,
    )


def _review(content: Content, page: Page) -> Any:
    return _notebook(
        content, page, [new_code_cell("from twitchlearn.ui import ReviewView\n\nReviewView()")]
    )


def build(content: Content) -> dict[str, str]:
    """File name -> notebook JSON, for every page of `content` (`twitchlearn.site.pages`)."""
    lessons = {lesson.id: lesson for lesson in content.course.lessons}
    books: dict[str, Any] = {}
    for page in pages(content):
        if page.kind == "start":
            books[page.name] = _start(content, page)
        elif page.kind == "lesson":
            books[page.name] = _lesson(content, page, lessons[page.lesson_id])
        elif page.kind == "explorer":
            books[page.name] = _explorer(content, page)
        else:
            books[page.name] = _review(content, page)
    return {name: nbformat.writes(nb) + "\n" for name, nb in books.items()}


def class_view_notebook(content: Content) -> str:
    """The teacher's class view page as notebook JSON: no menu (it is no learner's page)."""
    metadata = {
        **_METADATA,
        "title": "Class view",
        "twitchlearn": {
            "charts": False,
            "wide": True,
            "site": {
                "course": content.course.title.split(":")[0].strip(),
                "where": "Class view, for the teacher",
            },
        },
    }
    code = "from twitchlearn.ui.classview import class_view_page\n\nclass_view_page()"
    nb = new_notebook(cells=[new_code_cell(code)], metadata=metadata)
    nb.cells[0]["id"] = "cell-0"
    text: str = nbformat.writes(nb)
    return text + "\n"


def write(content: Content, folder: Path, *, class_view: bool = False) -> list[Path]:
    """Write every page of `content` into `folder` (made if missing), and with `class_view`
    the teacher's class view; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    books = build(content)
    if class_view:
        books[CLASS_VIEW_PAGE] = class_view_notebook(content)
    written = []
    for name, text in books.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
