"""Who is learning: from JupyterHub, from the page's URL, or typed on the start page.

Three ways, strongest first (`learner_from_environment` picks one; SECURITY.md says how
strong each is):

- **Under JupyterHub, one server per learner** (deploy/jupyterhub/per_user): the kernel
  runs in the learner's own single-user server and sees JUPYTERHUB_USER. The learner *is*
  that hub user; `?learner=` in the URL changes nothing. The hub's config may also hand the
  user's groups and admin flag to the server as JSON in TWITCHLEARN_HUB_USER (see
  `HUB_USER_ENV`); it counts only when its name is the JUPYTERHUB_USER.
- **Under JupyterHub, one shared Voila** (deploy/jupyterhub/shared): Voila runs behind
  `jhsingle-native-proxy --forward-user-info`, which puts the logged-in hub user, as JSON
  `{"kind", "name", "admin", "groups"}`, in the `X-CDSDASHBOARDS-JH-USER` header (and
  replaces a header the browser forged); Voila hands it to the kernel as
  HTTP_X_CDSDASHBOARDS_JH_USER (`VoilaConfiguration.http_header_envs`). The learner is that
  name. In this mode the kernel also sees JUPYTERHUB_SERVICE_NAME (the hub set it for the
  service), so a missing or broken header makes the learner anonymous, never the URL's.
- **On one machine** (`twitchlearn serve`): Voila starts a fresh kernel for every page, so
  the learner's name and class code travel in the URL (`?learner=...&class=...`), which
  Voila hands to the kernel as QUERY_STRING.

Under a hub, the hub's groups can name the class: a group called `class-7B` (the prefix is
TWITCHLEARN_CLASS_GROUP_PREFIX, default "class-") puts its members in class "7B", and the
URL's `?class=` is then ignored. A learner in several such groups is in the one the URL
names if it is one of them, else the first in alphabetical order. Without such a group the
URL's `?class=` is used. Hub admins, and members of the group TWITCHLEARN_TEACHER_GROUP
(default "teachers"), are teachers (`Learner.is_teacher`).

Who may see the class (`teacher_allowed`, for the live class view): under a hub, a teacher
as above; on one machine, a page whose URL carries `?teacher=` with the teacher key that
`twitchlearn serve` made and put in TWITCHLEARN_TEACHER_KEY for its kernels. Anywhere else,
no one: the view fails closed.

Names cannot lie (`check_name`): every name and class code is put in Unicode NFC, loses its
control and invisible characters (categories Cc and Cf: NUL, right-to-left overrides,
zero-width spaces and joiners; also lone surrogates and the Hangul filler letters), has its
runs of spaces made one, and is never cut: a name longer than `MAX_LENGTH` is refused with a
message that says so. Names that differ only in case are one learner: `fold_key` ("Jess" and
"jess" share a key), which the store matches on. Names are shown escaped and stored with
parameterised SQL.
"""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from http.cookies import CookieError, SimpleCookie
from typing import Final, Literal
from urllib.parse import parse_qs, quote, unquote, urlencode

import attrs

__all__ = [
    "CLASS_PREFIX_ENV",
    "COOKIE_ENV",
    "COOKIE_NAME",
    "DEFAULT_CLASS_PREFIX",
    "DEFAULT_TEACHER_GROUP",
    "HUB_HEADER_ENV",
    "HUB_USER_ENV",
    "MAX_LENGTH",
    "TEACHER_GROUP_ENV",
    "TEACHER_KEY_ENV",
    "TEACHER_PARAM",
    "CheckedName",
    "HubUser",
    "Learner",
    "check_name",
    "clean_text",
    "fold_key",
    "hub_user_json",
    "learner_from_environment",
    "remember_cookie_value",
    "remembered_learner",
    "teacher_allowed",
    "under_hub",
]

MAX_LENGTH: Final = 60

# What the shared Voila hands the kernel: the header jhsingle-native-proxy sets.
HUB_HEADER_ENV: Final = "HTTP_X_CDSDASHBOARDS_JH_USER"
# What the per-user hub config hands the single-user server (deploy/jupyterhub/per_user).
HUB_USER_ENV: Final = "TWITCHLEARN_HUB_USER"
CLASS_PREFIX_ENV: Final = "TWITCHLEARN_CLASS_GROUP_PREFIX"
TEACHER_GROUP_ENV: Final = "TWITCHLEARN_TEACHER_GROUP"
DEFAULT_CLASS_PREFIX: Final = "class-"
DEFAULT_TEACHER_GROUP: Final = "teachers"
# The teacher key of `twitchlearn serve`, which the server hands its kernels in this variable;
# the class view's URL carries it as `?teacher=KEY`.
TEACHER_KEY_ENV: Final = "TWITCHLEARN_TEACHER_KEY"
TEACHER_PARAM: Final = "teacher"
# Set in every process the hub starts (a single-user server, a managed service): under a
# hub the URL never names the learner, even when the hub's user did not reach the kernel.
_HUB_MARKERS: Final = ("JUPYTERHUB_USER", "JUPYTERHUB_SERVICE_NAME", HUB_HEADER_ENV)

# Letters that draw nothing and are not in category Cf: the Hangul fillers.
_INVISIBLE_LETTERS: Final = frozenset("\u115f\u1160\u3164\uffa0")
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs"})

Source = Literal["typed", "url", "hub"]  # typed on the start page, in the URL, from the hub


def _keep(char: str) -> str:
    """The character as it is, " " for any kind of space or line break, "" when dropped."""
    if char.isspace():
        return " "  # tabs, line breaks, no-break and other wide spaces: one ordinary space
    if char in _INVISIBLE_LETTERS or unicodedata.category(char) in _DROPPED_CATEGORIES:
        return ""
    return char


def clean_text(text: str) -> str:
    """`text` in NFC, without control or invisible characters, its spaces collapsed to one
    and trimmed. Never cut: see `check_name` for the length."""
    kept = "".join(_keep(char) for char in unicodedata.normalize("NFC", text))
    # Dropping a character can bring a letter and its accent together: normalise again.
    return unicodedata.normalize("NFC", " ".join(kept.split()))


def fold_key(text: str) -> str:
    """What two spellings of one name have in common: clean, NFC and case-folded ("Jess"
    and "jess", "STRASSE" and "straße" share a key). The store matches names on it."""
    return unicodedata.normalize("NFC", clean_text(text).casefold())


@attrs.frozen
class CheckedName:
    """A name (or class code) made clean, and why it cannot be used (None: it can)."""

    text: str
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_name(text: str, what: str = "name") -> CheckedName:
    """`text` cleaned (`clean_text`), with a message for the learner when it is longer than
    MAX_LENGTH characters: it is never cut without a word. `what`: "name" or "class code"."""
    clean = clean_text(text)
    if len(clean) > MAX_LENGTH:
        return CheckedName(
            clean,
            f"Your {what} has {len(clean)} letters. It can have up to {MAX_LENGTH}. "
            f"Type a shorter {what}.",
        )
    return CheckedName(clean)


@attrs.frozen
class HubUser:
    """The JupyterHub user, as the hub describes it (`{"name", "admin", "groups"}`)."""

    name: str
    admin: bool = False
    groups: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, text: str) -> HubUser | None:
        """The user in `text` (the header's JSON), or None when it names no user."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("kind", "user") != "user":
            return None
        name = data.get("name")
        groups = data.get("groups") or []
        if not isinstance(name, str) or not name or not isinstance(groups, list):
            return None
        return cls(name, data.get("admin") is True, tuple(g for g in groups if isinstance(g, str)))


def hub_user_json(name: str, admin: bool, groups: Iterable[str]) -> str:
    """The JSON `HubUser.from_json` reads, in the shape of the proxy's header (the per-user
    hub config puts it in TWITCHLEARN_HUB_USER)."""
    return json.dumps({"kind": "user", "name": name, "admin": admin, "groups": sorted(groups)})


@attrs.frozen
class Learner:
    """Who is learning. `name` and `class_code` are cleaned as they are set (`clean_text`)
    and never cut: a learner whose name or class code is too long is not `known` (nothing is
    saved under a name that is not the one typed) and `problem` says why."""

    name: str = attrs.field(converter=clean_text)
    class_code: str = attrs.field(default="", converter=clean_text)
    is_teacher: bool = attrs.field(default=False, kw_only=True)
    # Where the name came from, and whether the class came from a hub group (then the URL's
    # `?class=` cannot change it). Not part of equality: the same person, however named.
    source: Source = attrs.field(default="typed", kw_only=True, eq=False)
    class_from_hub: bool = attrs.field(default=False, kw_only=True, eq=False)

    @property
    def problem(self) -> str | None:
        """Why this name or class code cannot be used, in words for the learner, or None."""
        return check_name(self.name).problem or check_name(self.class_code, "class code").problem

    @property
    def known(self) -> bool:
        return bool(self.name) and self.problem is None

    @property
    def from_hub(self) -> bool:
        """Named by JupyterHub: the start page cannot change the name."""
        return self.source == "hub"

    @property
    def key(self) -> str:
        """The name as the store matches it: NFC and case-folded (`fold_key`)."""
        return fold_key(self.name)

    @property
    def class_key(self) -> str:
        return fold_key(self.class_code)

    @property
    def order_key(self) -> str:
        """What seeds the order of a question's options for this learner: name and class
        code, compared case-insensitively ("" for anyone anonymous)."""
        return f"{self.key}\n{self.class_key}" if self.known else ""

    def query(self) -> str:
        """`?learner=...&class=...` for links to the next page, or "" when anonymous. Under
        a hub the name is the hub's, so only a class code the hub did not give travels."""
        if not self.known:
            return ""
        if self.from_hub:
            if self.class_from_hub or not self.class_code:
                return ""
            return "?" + urlencode({"class": self.class_code})
        return "?" + urlencode({"learner": self.name, "class": self.class_code})


# The browser remembers who is learning in this cookie (set by the course's Voila template
# when the start page greets a learner), and `twitchlearn serve` hands the request's Cookie
# header to each page's kernel as HTTP_COOKIE: a page opened without `?learner=` (a
# bookmark, the header's menu, a reload of the start page) still knows the learner.
COOKIE_NAME: Final = "twitchlearn_learner"
COOKIE_ENV: Final = "HTTP_COOKIE"


def remembered_learner(cookie_header: str) -> Learner | None:
    """The learner named by the `twitchlearn_learner` cookie in a Cookie header (its value
    is `learner=...&class=...`, URL-encoded), or None. A cookie is typed text like the URL:
    it gets the same cleaning and the same limits."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return None
    morsel = cookies.get(COOKIE_NAME)
    if morsel is None:
        return None
    fields = parse_qs(unquote(morsel.value))
    name = fields.get("learner", [""])[0]
    if not name:
        return None
    return Learner(name, fields.get("class", [""])[0], source="url")


def remember_cookie_value(learner: Learner) -> str:
    """The cookie value that names `learner` (what `remembered_learner` reads back)."""
    return quote(urlencode({"learner": learner.name, "class": learner.class_code}))


def under_hub(environ: Mapping[str, str]) -> bool:
    """Whether this process was started by JupyterHub (or serves its users)."""
    return any(environ.get(marker) for marker in _HUB_MARKERS)


def _hub_user(env: Mapping[str, str]) -> HubUser | None:
    """The hub user this kernel serves, or None (under a hub: an anonymous visitor)."""
    per_user = env.get("JUPYTERHUB_USER", "")
    if per_user:
        described = HubUser.from_json(env.get(HUB_USER_ENV, ""))
        if described is not None and described.name == per_user:
            return described
        return HubUser(per_user)
    return HubUser.from_json(env.get(HUB_HEADER_ENV, ""))


def _hub_class(user: HubUser, wanted: str, prefix: str) -> str | None:
    """The class a hub group names (see the module docstring), or None."""
    if not prefix:
        return None
    classes = sorted(g[len(prefix) :] for g in user.groups if g.startswith(prefix))
    classes = [code for code in classes if clean_text(code)]
    if not classes:
        return None
    wanted_key = fold_key(wanted)
    return next((code for code in classes if fold_key(code) == wanted_key), classes[0])


def learner_from_environment(environ: Mapping[str, str] | None = None) -> Learner:
    """The JupyterHub user if there is one, else `learner` and `class` from the URL.

    Under a hub the URL never names the learner: with no hub user in the environment the
    learner is anonymous."""
    env = os.environ if environ is None else environ
    params = parse_qs(env.get("QUERY_STRING", ""))
    url_class = params.get("class", [""])[0]
    if not under_hub(env):
        if "learner" in params:
            return Learner(params["learner"][0], url_class, source="url")
        remembered = remembered_learner(env.get(COOKIE_ENV, ""))
        if remembered is not None:
            return remembered
        return Learner("", url_class, source="url")
    user = _hub_user(env)
    if user is None:
        return Learner("", source="hub")
    teacher_group = env.get(TEACHER_GROUP_ENV, DEFAULT_TEACHER_GROUP)
    teacher = user.admin or (bool(teacher_group) and teacher_group in user.groups)
    hub_class = _hub_class(user, url_class, env.get(CLASS_PREFIX_ENV, DEFAULT_CLASS_PREFIX))
    return Learner(
        user.name,
        url_class if hub_class is None else hub_class,
        source="hub",
        is_teacher=teacher,
        class_from_hub=hub_class is not None,
    )


def teacher_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the page this kernel serves may show a class's results (see the module
    docstring): a hub teacher under a hub; else the URL's `?teacher=` equal to
    TEACHER_KEY_ENV (compared in constant time); else False."""
    env = os.environ if environ is None else environ
    if under_hub(env):
        return learner_from_environment(env).is_teacher
    key = env.get(TEACHER_KEY_ENV, "")
    if not key:
        return False
    given = parse_qs(env.get("QUERY_STRING", "")).get(TEACHER_PARAM, [""])[-1]
    return bool(given) and secrets.compare_digest(given.encode(), key.encode())
