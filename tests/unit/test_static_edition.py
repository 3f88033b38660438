"""The static edition without a browser: what its Python may import, the decisions the kernel
takes at run time (twitchlearn.edition), and the start page's self-study box.

The bundle is the contract: the Pyodide lock that tools/static/build.py writes holds Pyodide's
own pure packages (LOCK_ROOTS and their dependencies) and EXTRA; every third-party package a
module of the core or the ui imports must be one of them, or the page fails in the browser
with ModuleNotFoundError. The browser tests (tests/static/) check the built lock itself.
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import io
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.stores import grade
from twitchlearn import _purity
from twitchlearn.edition import STATIC_STORE, is_static, page_href, session_source
from twitchlearn.loading import load_content
from twitchlearn.session import LearnerSession
from twitchlearn.storage.browser import BrowserStore

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "twitchlearn"
STATIC = {"TWITCHLEARN_EDITION": "static"}
# Modules Pyodide's standard library does not have (it ships them as separate packages).
NOT_IN_PYODIDE_STDLIB = frozenset({"sqlite3", "_sqlite3", "ssl", "lzma", "_hashlib", "tkinter"})


def build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("static_build", ROOT / "tools/static/build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _module_files() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


# Never imported in the static edition: the server-only backends, and the SQLite one (chosen
# only for a file path; the static edition's store is "browser:").
NOT_IN_BROWSER = frozenset({*_purity.SERVER_ONLY, "twitchlearn.storage.sqlite"})


def browser_modules() -> dict[str, Path]:
    """Module name -> file of every module the static edition's pages can import: what the
    notebooks import (`twitchlearn.ui`), and everything of twitchlearn that imports."""
    files = _module_files()
    todo, found = ["twitchlearn", "twitchlearn.ui"], {}
    while todo:
        name = todo.pop()
        if name in found or name in NOT_IN_BROWSER or name not in files:
            continue
        found[name] = files[name]
        tree = ast.parse(files[name].read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                todo += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                todo += [a.name for a in node.names]
    assert not any(_purity.is_app_module(m) for m in found), "the app is not in the browser"
    return found


def top_level_imports(path: Path) -> dict[str, bool]:
    """Top-level import name -> whether it is imported at module level (not in a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    at_top: dict[str, bool] = {}
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    inner = {id(node) for f in functions for node in ast.walk(f)}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            at_top[top] = at_top.get(top, False) or id(node) not in inner
    return at_top


def test_the_bundle_holds_every_package_the_browser_modules_import() -> None:
    build = build_module()
    bundle = {canonical(n) for n in [*build.EXTRA, *build.LOCK_ROOTS, build.COURSE]}
    missing = []
    for module, path in browser_modules().items():
        for name in top_level_imports(path):
            if name in sys.stdlib_module_names or name == "twitchlearn" or name == "__future__":
                continue
            dist = _purity.ALLOWED_THIRD_PARTY.get(name, name)
            if canonical(dist) not in bundle:
                missing.append(f"{module} imports {name} ({dist}), which the bundle lacks")
    assert missing == []


def test_the_browser_modules_import_no_missing_stdlib_module_when_loaded() -> None:
    problems = [
        f"{module} imports {name} at module level"
        for module, path in browser_modules().items()
        for name, at_top in top_level_imports(path).items()
        if at_top and name in NOT_IN_PYODIDE_STDLIB
    ]
    assert problems == []


def test_the_checker_sees_a_package_the_bundle_lacks(tmp_path: Path) -> None:
    """The check above can fail: plotly is allowed by the purity list but not bundled."""
    build = build_module()
    bundle = {canonical(n) for n in [*build.EXTRA, *build.LOCK_ROOTS]}
    source = tmp_path / "chart.py"
    source.write_text("import plotly.graph_objects as go\n", encoding="utf-8")
    (name,) = top_level_imports(source)
    assert canonical(_purity.ALLOWED_THIRD_PARTY[name]) not in bundle


# === decisions the kernel takes at run time ====================================================


def test_the_edition_is_the_server_one_unless_told() -> None:
    assert not is_static({})
    assert is_static(STATIC)
    assert session_source({}) == (None, None)
    environ, location = session_source(STATIC)
    assert location == STATIC_STORE
    assert environ is not None
    assert "learner=" in environ["QUERY_STRING"]


@pytest.mark.parametrize(
    ("href", "static"),
    [
        ("02_causes.ipynb?learner=Jess&class=7B", "02_causes.html"),
        ("00_start_here.ipynb", "00_start_here.html"),
        ("09_review.ipynb#top", "09_review.html#top"),
        ("#source-nhs", "#source-nhs"),
        ("https://www.nhs.uk/a.ipynb", "https://www.nhs.uk/a.ipynb"),
    ],
)
def test_links_between_pages_are_html_files_in_the_static_edition(href: str, static: str) -> None:
    assert page_href(href, {}) == href
    assert page_href(href, STATIC) == static


def test_the_static_session_saves_in_the_browser_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ, _location = session_source(STATIC)
    session = LearnerSession.start(load_content(), environ, f"browser:{tmp_path / 'a.jsonl'}")
    assert session.saving
    assert isinstance(session.store, BrowserStore)


# === the start page's self-study box =========================================================


@pytest.fixture
def static_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LearnerSession:
    monkeypatch.setenv("TWITCHLEARN_EDITION", "static")
    environ, _location = session_source()
    return LearnerSession.start(load_content(), environ, f"browser:{tmp_path / 'a.jsonl'}")


def test_the_start_page_says_self_study_and_asks_no_name(static_session: LearnerSession) -> None:
    from twitchlearn.ui import StartPage

    box = StartPage(static_session).who_is_learning()
    texts = " ".join(getattr(w, "value", "") or "" for w in box.children)
    assert "studying on your own" in texts
    descriptions = _descriptions(box)
    assert "Download my answers" in descriptions
    assert "Delete my answers" in descriptions
    assert not any("Class code" in d or "Your name" in d for d in descriptions)
    lessons = StartPage(static_session).lessons().value
    assert 'href="01_what_is_twitching.html"' in lessons
    assert ".ipynb" not in lessons


def _descriptions(widget: object) -> list[str]:
    found = [getattr(widget, "description", "")]
    for child in getattr(widget, "children", ()):
        found += _descriptions(child)
    return [d for d in found if d]


def test_download_gives_the_learners_results_as_the_export_writes_them(
    static_session: LearnerSession,
) -> None:
    from twitchlearn.ui.selfstudy import SelfStudyView

    view = SelfStudyView(static_session)
    view.download.click()
    assert "nothing to save" in view.status.value
    question = next(iter(static_session.course.questions))
    assert static_session.store is not None
    static_session.store.record(
        "me", "", question, "x", grade(question, 0.0), now=datetime(2026, 1, 1, tzinfo=UTC)
    )
    rows = list(csv.DictReader(io.StringIO(view.answers_csv())))
    assert rows[0]["learner"] == "me"
    assert {r["question_id"] for r in rows} >= {question, "TOTAL"}
    view.download.click()
    assert 'download="my-answers.csv"' in view.status.value


def test_delete_asks_first_then_removes_every_answer(static_session: LearnerSession) -> None:
    from twitchlearn.ui.selfstudy import SelfStudyView

    store = static_session.store
    assert isinstance(store, BrowserStore)
    question = next(iter(static_session.course.questions))
    store.record("me", "", question, "x", grade(question, 0.0))
    view = SelfStudyView(static_session)
    view.delete.click()
    assert view.confirm_box.layout.display == "flex"
    assert len(store.attempts()) == 1  # nothing deleted before the second click
    view.keep.click()
    assert len(store.attempts()) == 1
    view.delete.click()
    view.confirm.click()
    assert store.attempts() == []
    assert "1 saved answer deleted" in view.status.value
    assert BrowserStore(store.path).attempts() == []
