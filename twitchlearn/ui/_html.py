"""Static course text as HTML. Everything from content or from a learner is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from twitchlearn.models import Course, Lesson

__all__ = ["HtmlBlock", "bullet_list", "notebook_name", "source_list"]


class HtmlBlock:
    """Rich output without a widget: Jupyter and Voila render `_repr_html_` as static HTML.

    Static text costs no widget comm messages, so it is in the page as soon as it loads.
    """

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # what a plain-text frontend shows
        return f"HtmlBlock({len(self.html)} characters of HTML)"


def bullet_list(items: Iterable[str], css_class: str = "") -> str:
    cls = f' class="{css_class}"' if css_class else ""
    return f"<ul{cls}>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def notebook_name(lesson: Lesson) -> str:
    """The notebook file of a lesson: its number and id, as in 02_causes.ipynb."""
    return f"{lesson.number:02d}_{lesson.id.replace('-', '_')}.ipynb"


def source_list(course: Course, ids: Iterable[str]) -> str:
    items = []
    for sid in dict.fromkeys(ids):  # keep order, drop repeats
        source = course.sources[sid]
        text = escape(source.citation())
        if source.url:
            url = escape(source.url, quote=True)
            text += f' <a href="{url}" target="_blank" rel="noopener">{url}</a>'
        items.append(f'<li id="source-{escape(sid, quote=True)}">{text}</li>')
    return '<ol class="tl-sources">' + "".join(items) + "</ol>"
