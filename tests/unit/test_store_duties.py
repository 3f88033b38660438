"""The store's newer duties, on every backend (the `backend_store` fixture of conftest.py):
names compare case-insensitively (issue 12), absurd rates are refused (issue 15), a
learner's data can be removed with an audit trail (issue 13), and a damage check (issue 15).
Then what only a SQLite file does for them: the schema 3 -> 4 migration, `check()` on a
damaged or altered file.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.damage import damaged_database
from tests.support.stores import T0, grade
from twitchlearn.errors import RateLimited, StoreError
from twitchlearn.storage import ProgressStore
from twitchlearn.storage.base import FORGET, MAX_ATTEMPTS_PER_MINUTE, RATE_WINDOW, folded
from twitchlearn.storage.sqlite import MIGRATIONS, SCHEMA_VERSION, SQLiteStore


@pytest.fixture
def store(backend_store: ProgressStore) -> ProgressStore:
    return backend_store


def raw_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(sql).fetchall()
    db.close()
    return rows


# === names compare case-insensitively =====================================================


@given(st.text(max_size=20))
def test_folding_is_stable_and_ignores_composition(text: str) -> None:
    key = folded(text)
    assert folded(key) == key
    assert unicodedata.is_normalized("NFC", key)
    assert folded(unicodedata.normalize("NFD", text)) == key


def test_folded_keys_of_spellings_of_one_name() -> None:
    assert folded("Jess") == folded("jess") == folded("JESS")
    assert folded("7B") == folded("7b")
    assert folded("Zo\u00eb") == folded("Zoe\u0308")  # composed and decomposed
    assert folded("STRASSE") == folded("straße")
    assert folded("Jess") != folded("Jesse")


def test_spellings_of_one_learner_are_one_learner(store: ProgressStore) -> None:
    first = store.record("Jess", "7B", "q1", "a", grade("q1", 0.0), now=T0)
    second = store.record("jess", "7b", "q1", "b", grade("q1", 1.0), now=T0 + timedelta(hours=1))
    other = store.record("Jesse", "7B", "q1", "c", grade("q1", 0.0), now=T0)
    for learner, class_code in [("Jess", "7B"), ("jess", "7b"), ("JESS", "7B"), ("jEsS", "7b")]:
        assert store.attempts(learner=learner, class_code=class_code) == [first, second]
        assert store.latest(learner, class_code) == {"q1": second}
    # Stored as typed: each attempt keeps the spelling it was saved with.
    assert [a.learner for a in store.attempts(learner="JESS")] == ["Jess", "jess"]
    assert [a.class_code for a in store.attempts(class_code="7b")] == ["7B", "7b", "7B"]
    assert store.attempts(learner="Jesse") == [other]
    # One review schedule: wrong as "Jess" (box 1, due at once), right as "jess" (box 2).
    state = store.review_states("JESS", "7b")["q1"]
    assert (state.box, state.due_at) == (2, T0 + timedelta(hours=1, days=1))
    assert store.due_for_review("Jess", "7B", T0 + timedelta(hours=2)) == []
    assert store.due_for_review("jess", "7b", T0 + timedelta(days=2)) == ["q1"]
    assert store.review_states("Jesse", "7B")["q1"].box == 1


def test_composed_and_decomposed_names_are_one_learner(store: ProgressStore) -> None:
    composed = store.record("Zo\u00eb", "Cla\u00dfe", "q", "a", grade("q", 0.0), now=T0)
    decomposed = store.record("ZOE\u0308", "CLASSE", "q", "b", grade("q", 0.0), now=T0)
    assert store.attempts(learner="zoe\u0308", class_code="classe") == [composed, decomposed]
    assert list(store.review_states("Zo\u00eb", "classe")) == ["q"]
    assert store.class_codes() == ["Cla\u00dfe"]


def test_class_codes_give_the_first_spelling_of_each_class(store: ProgressStore) -> None:
    for learner, code in [("Ann", "7b"), ("Ben", "7B"), ("Cy", "8C"), ("Di", "8c"), ("Ed", "7B")]:
        store.record(learner, code, "q", "a", grade("q", 0.0), now=T0)
    assert store.class_codes() == ["7b", "8C"]
    assert len(store.attempts(class_code="7B")) == 3


def test_question_ids_are_not_folded(store: ProgressStore) -> None:
    store.record("Ann", "7B", "Q1", "a", grade("Q1", 0.0), now=T0)
    store.record("Ann", "7B", "q1", "a", grade("q1", 0.0), now=T0)
    assert len(store.attempts(question_id="q1")) == 1
    assert list(store.review_states("Ann", "7B")) == ["Q1", "q1"]


# === absurd rates are refused =============================================================


def test_absurd_rates_are_refused_then_accepted_after_a_minute(store: ProgressStore) -> None:
    refused = 0
    for n in range(2000):  # a script, two seconds long: one attempt every millisecond
        try:
            store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0 + timedelta(milliseconds=n))
        except RateLimited:
            refused += 1
    saved = store.attempts(learner="Ann", class_code="7B", question_id="q")
    assert len(saved) == MAX_ATTEMPTS_PER_MINUTE
    assert refused == 2000 - MAX_ATTEMPTS_PER_MINUTE
    last = saved[-1].answered_at
    assert last == T0 + timedelta(milliseconds=MAX_ATTEMPTS_PER_MINUTE - 1)

    # Other questions, learners and classes are not held up; another spelling is.
    store.record("Ann", "7B", "other", "a", grade("other", 0.0), now=T0)
    store.record("Ben", "7B", "q", "a", grade("q", 0.0), now=T0)
    store.record("Ann", "8C", "q", "a", grade("q", 0.0), now=T0)
    with pytest.raises(RateLimited):
        store.record("ANN", "7b", "q", "a", grade("q", 0.0), now=T0 + timedelta(seconds=1))

    # The window is the 60 s before `now`: at T0 + 60 s the first attempt (at T0) has left it.
    with pytest.raises(RateLimited):
        store.record("Ann", "7B", "q", "a", grade("q", 1.0), now=T0 + RATE_WINDOW / 2)
    almost = T0 + RATE_WINDOW - timedelta(microseconds=1)
    with pytest.raises(RateLimited):
        store.record("Ann", "7B", "q", "a", grade("q", 1.0), now=almost)
    accepted = store.record("Ann", "7B", "q", "a", grade("q", 1.0), now=T0 + RATE_WINDOW)
    assert store.attempts(learner="Ann", class_code="7B", question_id="q")[-1] == accepted
    with pytest.raises(RateLimited):  # and that one filled the window again
        store.record("Ann", "7B", "q", "a", grade("q", 1.0), now=T0 + RATE_WINDOW)
    for n in range(2, MAX_ATTEMPTS_PER_MINUTE + 5):  # a minute later, all of them are back
        store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0 + timedelta(minutes=n))


def test_a_refused_attempt_changes_nothing(store: ProgressStore) -> None:
    for n in range(MAX_ATTEMPTS_PER_MINUTE):
        store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0 + timedelta(seconds=n))
    before = (store.attempts(), store.review_states("Ann", "7B"))
    with pytest.raises(RateLimited) as caught:
        store.record("Ann", "7B", "q", "a", grade("q", 1.0), now=T0 + timedelta(seconds=40))
    assert (store.attempts(), store.review_states("Ann", "7B")) == before
    assert isinstance(caught.value, StoreError)  # the lesson goes on, as for any store failure
    message = str(caught.value)
    assert "\n" not in message
    assert "Wait a minute, then try again" in message


# === a learner's data is theirs ===========================================================


def test_forget_removes_a_learners_attempts_and_schedule(store: ProgressStore) -> None:
    kept = [
        store.record("Ann", "8C", "q1", "a", grade("q1", 0.0), now=T0),  # her other class
        store.record("Ben", "7B", "q1", "a", grade("q1", 0.0), now=T0),  # her classmate
    ]
    store.record("Ann", "7B", "q1", "a", grade("q1", 0.0), now=T0)
    store.record("ann", "7b", "q2", "a", grade("q2", 0.0), now=T0)
    store.record("ANN", "7B", "q3", "a", grade("q3", 1.0), now=T0)
    assert store.forget("Ann", "7B", by="learner", now=T0 + timedelta(days=1)) == 3
    assert store.attempts() == kept
    assert store.attempts(learner="ann", class_code="7b") == []
    assert store.latest("Ann", "7B") == {}
    assert store.review_states("Ann", "7B") == {}
    assert store.due_for_review("Ann", "7B", T0 + timedelta(days=9)) == []
    assert list(store.review_states("Ann", "8C")) == ["q1"]
    assert list(store.review_states("Ben", "7B")) == ["q1"]
    (event,) = store.events()
    assert event.action == FORGET
    assert (event.learner, event.class_code, event.by, event.attempts) == (
        "Ann",
        "7B",
        "learner",
        3,
    )
    assert event.at == T0 + timedelta(days=1)
    assert event.at.utcoffset() == timedelta(0)


def test_events_are_an_audit_trail_in_order(store: ProgressStore) -> None:
    assert store.events() == []
    store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    store.record("Ben", "7B", "q", "a", grade("q", 0.0), now=T0)
    assert store.forget("Ann", "7B", by="Ms Patel", now=T0 + timedelta(hours=1)) == 1
    assert store.forget("Nobody", "7B", by="Ms Patel", now=T0 + timedelta(hours=2)) == 0
    assert store.forget("ben", "7b", by="learner", now=T0 + timedelta(hours=3)) == 1
    events = store.events()
    assert [(e.learner, e.by, e.attempts) for e in events] == [
        ("Ann", "Ms Patel", 1),
        ("Nobody", "Ms Patel", 0),
        ("ben", "learner", 1),
    ]
    assert [e.id for e in events] == sorted({e.id for e in events})
    assert [e.at for e in events] == [T0 + timedelta(hours=h) for h in (1, 2, 3)]
    assert store.attempts() == []
    assert store.class_codes() == []


def test_forget_says_who_asked(store: ProgressStore) -> None:
    store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    for nobody in ("", "   "):
        with pytest.raises(ValueError, match="Say who asked"):
            store.forget("Ann", "7B", by=nobody)
    with pytest.raises(StoreError, match="cannot be saved"):
        store.forget("Ann", "7B", by="bad\ud800")
    with pytest.raises(ValueError, match="timezone-aware"):
        store.forget("Ann", "7B", by="learner", now=T0.replace(tzinfo=None))
    assert len(store.attempts()) == 1
    assert store.events() == []


def test_ids_are_never_used_twice(store: ProgressStore) -> None:
    store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    last = store.record("Ben", "7B", "q", "a", grade("q", 0.0), now=T0)
    store.forget("Ben", "7B", by="learner")
    after = store.record("Cy", "7B", "q", "a", grade("q", 0.0), now=T0)
    assert after.id > last.id


def test_the_learner_can_start_again_after_forget(store: ProgressStore) -> None:
    for n in range(MAX_ATTEMPTS_PER_MINUTE):
        store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0 + timedelta(seconds=n))
    store.forget("Ann", "7B", by="learner")
    again = store.record("Ann", "7B", "q", "a", grade("q", 1.0), now=T0 + timedelta(seconds=40))
    assert store.attempts(learner="Ann") == [again]
    assert store.review_states("Ann", "7B") == {}  # right at once: nothing to review


# === the damage check =====================================================================


def test_a_sound_store_has_no_problems(store: ProgressStore) -> None:
    assert store.check() == []
    store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    store.forget("Ann", "7B", by="learner")
    assert store.check() == []


# === SQLite only: the file ================================================================


def version_3_file(path: Path) -> Path:
    """A file as twitchlearn left it before names were folded (schema version 3)."""
    with sqlite3.connect(path) as db:
        for step in MIGRATIONS[:3]:
            for statement in step:
                db.execute(statement)
        db.execute("PRAGMA user_version = 3")
        rows = [
            (1, "Jess", "7B", "q1", 0.0, 0, "2025-03-01T12:00:00.000000Z"),
            (2, "jess", "7b", "q1", 1.0, 1, "2025-03-01T13:00:00.000000Z"),
            (3, "Ben", "7b", "q1", 0.0, 0, "2025-03-01T13:30:00.000000Z"),
            (5, "JESS", "7B", "q2", 0.0, 0, "2025-03-01T14:00:00.000000Z"),  # 4 was deleted
        ]
        db.executemany(
            "INSERT INTO attempts (id, learner, class_code, question_id, answer, score,"
            " max_score, correct, answered_at, question_version)"
            " VALUES (?, ?, ?, ?, '\"a\"', ?, 1.0, ?, ?, 'v1')",
            rows,
        )
        # Two spellings, each with a schedule for q1 (the old store kept them apart).
        db.executemany(
            "INSERT INTO reviews (learner, class_code, question_id, box, due_at) VALUES"
            " (?, ?, ?, ?, ?)",
            [
                ("Jess", "7B", "q1", 3, "2025-03-05T12:00:00.000000Z"),
                ("jess", "7b", "q1", 2, "2025-03-02T13:00:00.000000Z"),
                ("JESS", "7B", "q2", 1, "2025-03-01T14:00:00.000000Z"),
                ("Ben", "7b", "q1", 1, "2025-03-01T13:30:00.000000Z"),
            ],
        )
    db.close()
    return path


def test_version_3_file_is_migrated_to_folded_keys(tmp_path: Path) -> None:
    path = version_3_file(tmp_path / "progress.sqlite3")
    with SQLiteStore(path) as store:
        assert [a.id for a in store.attempts(learner="jess", class_code="7B")] == [1, 2, 5]
        assert [a.learner for a in store.attempts(learner="JESS")] == ["Jess", "jess", "JESS"]
        assert store.attempts()[0].question_version == "v1"
        assert store.class_codes() == ["7B"]  # the first spelling saved
        states = store.review_states("Jess", "7b")
        assert {q: s.box for q, s in states.items()} == {"q1": 2, "q2": 1}  # the lower box
        assert store.review_states("ben", "7B")["q1"].box == 1
        assert store.check() == []
        new = store.record("jess", "7B", "q3", "a", grade("q3", 0.0), now=T0)
        assert new.id == 6  # after the highest id, as before
        assert store.forget("Ben", "7B", by="Ms Patel") == 1
    assert raw_rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw_rows(path, "SELECT learner, learner_key, class_key FROM attempts WHERE id = 2") == [
        ("jess", "jess", "7b")
    ]
    tables = {row[0] for row in raw_rows(path, "SELECT name FROM sqlite_master")}
    assert {"attempts", "reviews", "events"} <= tables
    assert not {"attempts_v4", "reviews_v4"} & tables
    assert raw_rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_an_insert_without_the_keys_is_refused(tmp_path: Path) -> None:
    # A tool that writes attempts the old way fails loudly instead of hiding them.
    path = tmp_path / "progress.sqlite3"
    SQLiteStore(path).close()
    with pytest.raises(sqlite3.IntegrityError, match=r"NOT NULL.*learner_key"):  # noqa: SIM117
        with sqlite3.connect(path) as db:
            db.execute(
                "INSERT INTO attempts (learner, class_code, question_id, answer, score,"
                " max_score, correct, answered_at) VALUES ('Ann', '7B', 'q', '1', 0, 1, 0, 'x')"
            )
    db.close()


def test_check_finds_a_damaged_file(tmp_path: Path) -> None:
    path = damaged_database(tmp_path / "progress.sqlite3", "Ann", "7B", "q")
    with SQLiteStore(path) as store:  # the header and the schema are whole: it opens
        problems = store.check()
    assert problems, "a file with overwritten pages passed the check"
    first = problems[0]
    assert first.startswith(f"The progress database {path} is damaged (SQLite found: ")
    assert "move it aside" in first
    assert all("\n" not in problem for problem in problems)


def test_check_finds_a_table_another_program_removed(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE events")
        db.execute("ALTER TABLE reviews DROP COLUMN due_at")
    db.close()
    with SQLiteStore(path, read_only=True) as store:
        problems = store.check()
    assert problems == [
        f"The progress database {path} is not laid out as twitchlearn left it: table reviews"
        " lacks due_at. Another program changed it; move the file aside, or set TWITCHLEARN_DB"
        " (or --db) to the path of a file in a folder you can write to.",
        f"The progress database {path} is not laid out as twitchlearn left it: table events"
        " is missing. Another program changed it; move the file aside, or set TWITCHLEARN_DB"
        " (or --db) to the path of a file in a folder you can write to.",
    ]


def test_check_of_a_sound_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with SQLiteStore(path) as store:
        store.record("Ann", "7B", "q", "a", grade("q", 0.0), now=T0)
    with SQLiteStore(path, read_only=True) as store:
        assert store.check() == []
