"""What every view of the course shares: the stylesheet, page furniture, HTML helpers.

`page_head()` is the first output of every page: the course's one stylesheet
(`course.css`) and its one script (`name_sliders.js`, names for slider handles), so
JupyterLab and Voila learners get the same page. Everything from content or from a learner
is escaped; course links open in the same tab (`SAME_TAB`: JupyterLab gives links without a
target `target="_blank"`, which would start a new kernel for every lesson).
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import Callable, Iterable
from html import escape
from importlib import resources
from typing import Any, Final

import ipywidgets as widgets

from twitchlearn.edition import page_href
from twitchlearn.models import Content, Course, GlossaryTerm
from twitchlearn.site import START_PAGE, pages

__all__ = [
    "FRIENDLY_ERROR",
    "FULL_WIDTH",
    "SAME_TAB",
    "WIDE_LABEL",
    "HtmlBlock",
    "TermExplainer",
    "bullet_list",
    "course_nav",
    "link",
    "log",
    "page_head",
    "safe_callback",
    "source_list",
]

log = logging.getLogger("twitchlearn.ui")
if not log.handlers:
    # ipykernel sends sys.stderr to the page; the real stderr reaches the server's log.
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("[twitchlearn] %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.propagate = False

FRIENDLY_ERROR: Final = (
    "Sorry, something went wrong while checking your answer. Please try again. "
    "If it keeps happening, tell your teacher."
)
SAME_TAB: Final = 'target="_self"'
FULL_WIDTH = widgets.Layout(width="100%")
WIDE_LABEL: Final[dict[str, str]] = {"description_width": "initial"}


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


@functools.cache
def _asset(name: str) -> str:
    return resources.files("twitchlearn.ui").joinpath(name).read_text(encoding="utf-8")


def page_head() -> str:
    """The stylesheet and the accessibility script, once at the top of every page."""
    return f"<style>{_asset('course.css')}</style><script>{_asset('name_sliders.js')}</script>"


def safe_callback(
    action: Callable[..., object], show_error: Callable[[str], None]
) -> Callable[..., None]:
    """Run a widget callback; a learner sees a friendly message, the server log the details."""

    def run(*args: Any) -> None:
        try:
            action(*args)
        except Exception:
            log.exception("error in a widget callback")
            show_error(FRIENDLY_ERROR)

    return run


def link(href: str, text_html: str, *, css_class: str = "") -> str:
    """A course link (same tab). `href` is escaped here; `text_html` must be escaped already."""
    cls = f' class="{css_class}"' if css_class else ""
    href = page_href(href)  # the static edition's pages are .html files
    return f'<a {SAME_TAB} href="{escape(href, quote=True)}"{cls}>{text_html}</a>'


class TermExplainer:
    """Explains each glossary term where it first appears on a page, in brackets after it.

    Case-insensitive, whole words only; later appearances stay plain. One per page, fed the
    page's texts in reading order.
    """

    def __init__(self, terms: Iterable[GlossaryTerm]) -> None:
        self.terms = sorted(terms, key=lambda t: len(t.term), reverse=True)  # "MND" after "MND/ALS"
        self.explained: list[GlossaryTerm] = []

    def html(self, text: str) -> str:
        """`text` escaped, with the first appearance of each unexplained term explained."""
        pending = [t for t in self.terms if t not in self.explained]
        if not pending:
            return escape(text)
        found: list[tuple[int, int, GlossaryTerm]] = []
        taken: list[tuple[int, int]] = []  # spans of terms found, explained here or not
        for term in pending:  # longest first: "motor neurone disease" before "motor neurone"
            match = re.search(rf"(?<!\w){re.escape(term.term)}(?!\w)", text, re.IGNORECASE)
            if match is None or any(a < match.end() and match.start() < b for a, b in taken):
                continue
            taken.append((match.start(), match.end()))
            if _explained_here(text, match.start(), match.end()):
                self.explained.append(term)  # the lesson says it itself: nothing to add
                continue
            found.append((match.start(), match.end(), term))
        out, at = [], 0
        for start, end, term in sorted(found, key=lambda item: item[0]):
            out.append(escape(text[at:start]))
            out.append(
                f'<dfn class="tl-term">{escape(text[start:end])}</dfn>'
                f'<span class="tl-term-meaning"> ({escape(_as_aside(term.meaning))})</span>'
            )
            self.explained.append(term)
            at = end
        out.append(escape(text[at:]))
        return "".join(out)


def _as_aside(meaning: str) -> str:
    """A meaning as it reads in brackets: no closing full stop, a small first letter
    (unless it starts with an abbreviation, such as "NHS")."""
    text = meaning.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def _explained_here(text: str, start: int, end: int) -> bool:
    """Whether the text already explains the word at start..end: it stands in brackets,
    brackets follow it ("motor neurone disease (MND)"), or the text names it ("called X",
    "benign fasciculation syndrome, or BFS")."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    return (
        before.endswith("(")
        or after.startswith("(")
        or re.search(r"(\b(called|call it|call it a|call it an|known as)|, or)\s*$", before, re.I)
        is not None
    )


def bullet_list(items: Iterable[str], css_class: str = "") -> str:
    cls = f' class="{css_class}"' if css_class else ""
    return f"<ul{cls}>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def source_list(course: Course, ids: Iterable[str]) -> str:
    items = []
    for sid in dict.fromkeys(ids):  # keep order, drop repeats
        source = course.sources[sid]
        text = escape(source.citation())
        if source.link:
            url = escape(source.link, quote=True)
            text += f' <a href="{url}" target="_blank" rel="noopener">{url}</a>'
        items.append(f'<li id="source-{escape(sid, quote=True)}">{text}</li>')
    return '<ol class="tl-sources">' + "".join(items) + "</ol>"


def course_nav(content: Content, here: str, query: str) -> str:
    """Home, back and next for a page after the lessons (the explorer, the review page), as
    a lesson's own links give them: "Course home", then the page before and the page after
    this one in course order (`twitchlearn.site.pages`), where there is one."""
    order = pages(content)
    names = [page.name for page in order]
    at = names.index(here)
    links = [link(START_PAGE + query, "Course home")]
    if at > 1:  # the page before the first lesson is the start page: "Course home"
        before = order[at - 1]
        links.append(
            link(before.name + query, f"&larr; Back: {escape(before.title)}", css_class="tl-prev")
        )
    if at + 1 < len(order):
        after = order[at + 1]
        links.append(
            link(after.name + query, f"Next: {escape(after.title)} &rarr;", css_class="tl-next")
        )
    return '<nav class="tl-nav" aria-label="Course">' + "".join(links) + "</nav>"
