"""Which edition of the course this kernel runs, decided when it runs.

The server edition (Voila, JupyterLab) and the static edition (Voici: the same pages as a
static website whose Python runs in the browser under Pyodide) share every page and every
module. What differs is decided here, in the kernel, never by a second set of notebooks:

- the static edition is for self-study: the answer key is in the browser, so there are no
  class codes, no names to type and no teacher views; one learner per browser;
- its answers are kept in the browser (`STATIC_STORE`, a file on JupyterLite's drive,
  which the browser keeps in IndexedDB);
- its pages are HTML files (`00_start_here.html`), so links between pages say so.

`TWITCHLEARN_EDITION=static` makes an ordinary Python behave as the static edition (tests).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "EDITION_ENV",
    "SELF_STUDY_LEARNER",
    "STATIC_STORE",
    "is_static",
    "page_href",
    "session_source",
]

EDITION_ENV: Final = "TWITCHLEARN_EDITION"
# JupyterLite mounts the browser's drive at /drive (the kernel's working folder). Not
# ".jsonl": JupyterLite reads any file whose extension contains "json" as one JSON document,
# and a JSON-lines file is not one (the first answer failed with a JSON parse error).
STATIC_STORE: Final = "browser:/drive/twitchlearn-answers.txt"
# The one learner of a browser in the static edition (no names are typed there).
SELF_STUDY_LEARNER: Final = "me"


def is_static(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this is the static edition: Python in the browser, or the variable says so."""
    env = os.environ if environ is None else environ
    return sys.platform == "emscripten" or env.get(EDITION_ENV, "") == "static"


def session_source(
    environ: Mapping[str, str] | None = None,
) -> tuple[Mapping[str, str] | None, str | None]:
    """(environment, store location) a kernel's session starts from: (None, None) for the
    server edition (its own environment, TWITCHLEARN_DB); the self-study learner and the
    browser's store for the static edition."""
    if not is_static(environ):
        return None, None
    return {"QUERY_STRING": f"learner={SELF_STUDY_LEARNER}"}, STATIC_STORE


def page_href(href: str, environ: Mapping[str, str] | None = None) -> str:
    """A link to a page of the course as this edition needs it: unchanged on a server; in
    the static edition `02_causes.ipynb?learner=...` becomes `02_causes.html` (Voici's
    pages are HTML files, and nothing needs the learner in the URL there)."""
    if not is_static(environ):
        return href
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".ipynb"):
        return href
    path = parts.path.removesuffix(".ipynb") + ".html"
    return urlunsplit(("", "", path, "", parts.fragment))
