"""The static edition's store (twitchlearn.storage.browser), on a real folder standing in for
JupyterLite's /drive.

First the store contract: every test of tests/unit/test_store.py and test_store_duties.py that
takes only the `store` fixture runs here again against a BrowserStore (they are imported, so
pytest collects them in this module with this module's `store`). Then what only a file on the
browser's drive must do: keep answers, scores, the review schedule and the audit trail when
the page is opened again (a new store on the same file, as a reload or a browser restart
gives), delete a learner's answers from the file itself, and survive a damaged line.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.stores import T0, grade
from tests.unit import test_store, test_store_duties
from twitchlearn.errors import StoreError
from twitchlearn.storage import ProgressStore, open_store
from twitchlearn.storage.browser import BrowserStore


def _contract_tests() -> dict[str, Callable[..., Any]]:
    """The contract tests of the store suites whose only fixture is `store`."""
    found: dict[str, Callable[..., Any]] = {}
    for module in (test_store, test_store_duties):
        for name, function in vars(module).items():
            if not name.startswith("test_") or not callable(function):
                continue
            marks = getattr(function, "pytestmark", [])
            given = {
                arg.strip()
                for mark in marks
                if mark.name == "parametrize"
                for arg in (
                    mark.args[0].split(",") if isinstance(mark.args[0], str) else mark.args[0]
                )
            }
            params = set(inspect.signature(function).parameters)
            if "store" in params and params - given == {"store"}:
                found[name] = function
    return found


CONTRACT = _contract_tests()
globals().update(CONTRACT)  # collected here, with the `store` below


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ProgressStore]:
    with BrowserStore(tmp_path / "drive" / "twitchlearn-answers.jsonl") as opened:
        yield opened


def test_the_contract_suite_is_here() -> None:
    """A guard: if the suites were renamed, the contract would silently stop running here."""
    assert len(CONTRACT) >= 20, sorted(CONTRACT)
    assert "test_record_saves_every_field" in CONTRACT
    assert "test_forget_removes_a_learners_attempts_and_schedule" in CONTRACT


# === what a file on the browser's drive must do =============================================


def reopen(path: Path) -> BrowserStore:
    return BrowserStore(path)


def test_open_store_picks_the_browser_backend(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    with open_store(f"browser:{path}") as opened:
        assert isinstance(opened, BrowserStore)
        assert opened.persistent
        assert str(path) in opened.location


def test_a_reload_keeps_answers_scores_and_the_review_schedule(tmp_path: Path) -> None:
    path = tmp_path / "drive" / "answers.jsonl"
    with BrowserStore(path) as first:
        first.record("me", "", "q1", "coffee", grade("q1", 0.0), now=T0)
        first.record("me", "", "q2", ["a", "b"], grade("q2", 1.0), now=T0 + timedelta(seconds=5))
        first.record("me", "", "q1", "tea", grade("q1", 1.0), now=T0 + timedelta(seconds=9))
        before = (first.attempts(), first.review_states("me", ""))
    with reopen(path) as second:
        assert second.attempts() == before[0]
        assert second.review_states("me", "") == before[1]
        assert second.latest("me", "")["q1"].answer == "tea"
        assert second.due_for_review("me", "", T0 + timedelta(days=30)) == ["q1"]
        assert second.check() == []


def test_forget_deletes_the_answers_from_the_file_itself(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    with BrowserStore(path) as opened:
        opened.record("me", "", "q1", "a-secret-answer", grade("q1", 0.0), now=T0)
        opened.record("you", "", "q1", "kept", grade("q1", 1.0), now=T0)
        assert opened.forget("me", "", by="learner", now=T0 + timedelta(minutes=1)) == 1
    text = path.read_text(encoding="utf-8")
    assert "a-secret-answer" not in text
    with reopen(path) as again:
        assert [a.learner for a in again.attempts()] == ["you"]
        assert again.review_states("me", "") == {}
        (event,) = again.events()
        assert (event.learner, event.by, event.attempts) == ("me", "learner", 1)


def test_a_damaged_line_is_left_out_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    with BrowserStore(path) as opened:
        opened.record("me", "", "q1", "a", grade("q1", 1.0), now=T0)
        opened.record("me", "", "q2", "b", grade("q2", 1.0), now=T0)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n" + lines[1][:20] + "\n", encoding="utf-8")  # cut short
    with reopen(path) as again:
        assert [a.question_id for a in again.attempts()] == ["q1"]
        (problem,) = again.check()
        assert "could not be read" in problem
        again.record("me", "", "q2", "b", grade("q2", 1.0), now=T0 + timedelta(minutes=1))
    with reopen(path) as third:
        assert [a.question_id for a in third.attempts()] == ["q1", "q2"]


def test_each_attempt_is_one_line_of_json(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    with BrowserStore(path) as opened:
        opened.record("Zoë", "", "q1", {"left": "right"}, grade("q1", 0.5), now=T0)
    (line,) = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(line)
    assert row["learner"] == "Zoë"
    assert row["answered_at"].startswith("2025-03-01T12:00:00")


def test_a_folder_in_the_way_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.mkdir()
    with pytest.raises(StoreError, match="cannot be read"):
        BrowserStore(path)
