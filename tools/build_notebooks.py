"""Write the learners' notebooks from the course: one outline, a few lines a cell.

Run `python tools/build_notebooks.py` after adding or renaming a lesson;
tests/notebooks/test_notebooks.py fails when the committed notebooks differ from this.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from twitchlearn.loading import load_course
from twitchlearn.models import Lesson
from twitchlearn.ui._html import notebook_name

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

OUTLINE = (
    ("Overview", "page.overview()"),
    ("What you will learn", "page.objectives()"),
    ("The lesson", "page.body()"),
    ("Check yourself", "page.quiz()"),
    ("Summary", "page.summary()"),
    ("What next", "page.what_next()"),
    ("Sources", "page.sources()"),
)

METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def _notebook(cells: list[nbformat.NotebookNode], *, charts: bool = False) -> nbformat.NotebookNode:
    # `charts`: whether the page draws plotly charts. `twitchlearn serve` leaves plotly's
    # renderer (4.7 MB of JavaScript) out of the pages that say false.
    nb = new_notebook(cells=cells, metadata={**METADATA, "twitchlearn": {"charts": charts}})
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"  # stable ids keep the files identical between builds
    return nb


def lesson_notebook(lesson: Lesson) -> nbformat.NotebookNode:
    cells = [
        new_code_cell(
            "from twitchlearn.ui import LessonPage\n\n"
            f"page = LessonPage({lesson.id!r})\npage.header()"
        )
    ]
    for heading, call in OUTLINE:
        cells += [new_markdown_cell(f"## {heading}"), new_code_cell(call)]
    return _notebook(cells)


def start_notebook() -> nbformat.NotebookNode:
    return _notebook(
        [
            new_code_cell(
                "from twitchlearn.ui import StartPage\n\npage = StartPage()\npage.header()"
            ),
            new_markdown_cell("## Who is learning?"),
            new_code_cell("page.who_is_learning()"),
            new_markdown_cell("## The lessons"),
            new_code_cell("page.lessons()"),
        ]
    )


def explorer_notebook() -> nbformat.NotebookNode:
    return _notebook(
        [
            new_code_cell(
                "from twitchlearn.ui.cases import CaseStudiesView\n"
                "from twitchlearn.ui.explorer import ExplorerView\n\n"
                "explorer = ExplorerView()\nexplorer"
            ),
            new_markdown_cell("## Case studies"),
            new_code_cell("CaseStudiesView(explorer)"),
        ],
        charts=True,
    )


def review_notebook() -> nbformat.NotebookNode:
    return _notebook(
        [new_code_cell("from twitchlearn.ui.review import ReviewView\n\nReviewView()")]
    )


def build() -> dict[str, str]:
    """File name -> notebook JSON, for every learner notebook."""
    course = load_course()
    books = {"00_start_here.ipynb": start_notebook()}
    for lesson in course.lessons:
        books[notebook_name(lesson)] = lesson_notebook(lesson)
    books["08_explorer.ipynb"] = explorer_notebook()
    books["09_review.ipynb"] = review_notebook()
    return {name: nbformat.writes(nb) + "\n" for name, nb in books.items()}


def main() -> int:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, text in build().items():
        (NOTEBOOKS / name).write_text(text, encoding="utf-8")
        print(f"wrote notebooks/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
