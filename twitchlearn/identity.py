"""Who is learning: from JupyterHub, from the page's URL, or typed on the start page.

Voila starts a fresh kernel for every page, so the learner's name and class code travel
in the URL (`?learner=...&class=...`), which Voila hands to the kernel as QUERY_STRING.
Names are free text from users: they are only ever shown escaped and stored with
parameterised SQL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

import attrs

__all__ = ["MAX_LENGTH", "Learner", "learner_from_environment"]

MAX_LENGTH = 60


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_LENGTH]


@attrs.frozen
class Learner:
    name: str = attrs.field(converter=_clean)
    class_code: str = attrs.field(default="", converter=_clean)

    @property
    def known(self) -> bool:
        return bool(self.name)

    @property
    def order_key(self) -> str:
        """What seeds the order of a question's options for this learner: name and class
        code, compared case-insensitively ("" for anyone anonymous)."""
        return f"{self.name.casefold()}\n{self.class_code.casefold()}" if self.known else ""

    def query(self) -> str:
        """`?learner=...&class=...` for links to the next page, or "" when anonymous."""
        if not self.known:
            return ""
        return "?" + urlencode({"learner": self.name, "class": self.class_code})


def learner_from_environment(environ: Mapping[str, str] | None = None) -> Learner:
    """The JupyterHub user if there is one, else `learner` and `class` from the URL."""
    env = os.environ if environ is None else environ
    params = parse_qs(env.get("QUERY_STRING", ""))
    class_code = params.get("class", [""])[0]
    hub_user = env.get("JUPYTERHUB_USER", "")
    if hub_user:
        return Learner(hub_user, class_code)
    return Learner(params.get("learner", [""])[0], class_code)
