"""`twitchlearn forget`: a teacher resets or removes a learner, through the installed console
script, on a real SQLite file and on a real PostgreSQL server (tests/unit/conftest.py)."""

from __future__ import annotations

import getpass
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.learner import right_answer, wrong_answer
from twitchlearn import grade, load_course
from twitchlearn.storage import open_store
from twitchlearn.storage.base import FORGET

TWITCHLEARN = str(Path(sys.executable).parent / "twitchlearn")
COURSE = load_course()
QUESTIONS = list(COURSE.questions.values())[:12]


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The location of a store holding 12 answers of Jess in 7B, 2 of Ben in 7B and 1 of
    Jess in 8C (another class: another learner)."""
    if request.param == "postgres":
        location = str(request.getfixturevalue("postgres_database"))
    else:
        location = str(tmp_path / "progress.sqlite3")
    with open_store(location) as store:
        for question in QUESTIONS:
            answer = wrong_answer(question)
            store.record("Jess", "7B", question.id, answer, grade(question, answer))
        for question in QUESTIONS[:2]:
            answer = right_answer(question)
            store.record("Ben", "7B", question.id, answer, grade(question, answer))
        answer = wrong_answer(QUESTIONS[0])
        store.record("Jess", "8C", QUESTIONS[0].id, answer, grade(QUESTIONS[0], answer))
    return location


def forget(db: str, *args: str, reply: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TWITCHLEARN, "forget", "--db", db, *args],
        input=reply,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def counts(db: str) -> dict[tuple[str, str], int]:
    with open_store(db) as store:
        found: dict[tuple[str, str], int] = {}
        for attempt in store.attempts():
            key = (attempt.learner, attempt.class_code)
            found[key] = found.get(key, 0) + 1
        return found


def test_forget_removes_one_learner_and_records_who_did_it(db: str) -> None:
    done = forget(db, "--class", "7b", "--learner", "JESS", "--yes")  # matched folded
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Removed 12 answers of Jess in 7B, and their review list")
    assert counts(db) == {("Ben", "7B"): 2, ("Jess", "8C"): 1}
    with open_store(db) as store:
        assert store.review_states("Jess", "7B") == {}
        assert store.review_states("Jess", "8C") != {}
        (event,) = store.events()
    by = f"teacher ({getpass.getuser()})"
    assert (event.action, event.learner, event.class_code, event.by, event.attempts) == (
        FORGET,
        "Jess",
        "7B",
        by,
        12,
    )
    assert f"recorded as done by {by}" in done.stdout
    assert db.split("@")[0] not in done.stdout + done.stderr  # no password, no address


def test_forget_asks_first_and_only_yes_goes_on(db: str) -> None:
    for reply in ("no\n", "\n", None):  # None: no input at all (end of file)
        done = forget(db, "--class", "7B", "--learner", "Jess", reply=reply or "")
        assert done.returncode == 1
        assert "Remove 12 answers of Jess in 7B, and their review list?" in done.stdout
        assert done.stderr == (
            "twitchlearn forget: nothing removed: the 12 answers of Jess in 7B are kept\n"
        )
    assert counts(db)[("Jess", "7B")] == 12
    with open_store(db) as store:
        assert store.events() == []
    done = forget(db, "--class", "7B", "--learner", "Jess", reply="yes\n")
    assert done.returncode == 0, done.stderr
    assert ("Jess", "7B") not in counts(db)


def test_forget_by_a_named_teacher(db: str) -> None:
    done = forget(db, "--class", "7B", "--learner", "ben", "--yes", "--by", "Ms Patel")
    assert done.returncode == 0, done.stderr
    assert "Removed 2 answers of Ben in 7B" in done.stdout
    with open_store(db) as store:
        assert [event.by for event in store.events()] == ["Ms Patel"]
    refused = forget(db, "--class", "7B", "--learner", "Jess", "--yes", "--by", "Learner")
    assert refused.returncode == 1
    assert "'learner' is kept for a learner" in refused.stderr
    assert counts(db)[("Jess", "7B")] == 12


@pytest.mark.parametrize(
    ("class_code", "learner", "says"),
    [
        ("7B", "Jes", "no answers saved for 'Jes' in class 7B; did you mean 'Jess'?"),
        (
            "7b",
            "Zed",
            "no answers saved for 'Zed' in class 7B; the learners with answers in "
            "7B are: 'Ben', 'Jess'",
        ),
        ("9Z", "Jess", "no answers saved for class '9Z'; the classes with answers are: '7B', '8C'"),
    ],
)
def test_a_name_that_matches_no_one_is_one_plain_line(
    db: str, class_code: str, learner: str, says: str
) -> None:
    done = forget(db, "--class", class_code, "--learner", learner, "--yes")
    assert done.returncode == 1
    assert done.stderr == f"twitchlearn forget: {says}\n"
    assert sum(counts(db).values()) == 15
    with open_store(db) as store:
        assert store.events() == []


def test_forget_without_a_database_says_where_it_looked(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    done = forget(str(missing), "--class", "7B", "--learner", "Jess", "--yes")
    assert done.returncode == 1
    assert done.stderr == f"twitchlearn forget: no progress database at {missing}\n"
    assert not missing.exists()


def test_history_lists_every_removal_by_teacher_and_learner(db: str) -> None:
    empty = forget(db, "--history")
    assert (empty.returncode, empty.stdout) == (0, "No answers have been removed\n")
    assert (
        forget(db, "--class", "7B", "--learner", "Ben", "--yes", "--by", "Ms Patel").returncode == 0
    )
    with open_store(db) as store:  # what "Delete my answers" does (tests/unit/test_my_answers.py)
        assert store.forget("Jess", "8C", by="learner") == 1
    done = forget(db, "--history")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(" UTC: 2 answers of Ben in 7B removed, asked by Ms Patel")
    assert lines[1].endswith(" UTC: 1 answer of Jess in 8C removed, asked by learner")
    only = forget(db, "--history", "--class", "8c")
    assert only.stdout.splitlines() == lines[1:]
    assert counts(db)[("Jess", "7B")] == 12  # --history removes nothing


def test_forget_needs_the_learner(db: str) -> None:
    done = forget(db, "--class", "7B")
    assert done.returncode == 1
    assert done.stderr == (
        "twitchlearn forget: give the learner: --class CODE --learner NAME (or --history)\n"
    )
