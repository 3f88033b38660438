"""`twitchlearn doctor`: a teacher's one command for "is the progress store all right?"
(issue 15, item 2). It names what is damaged and what to do, and never writes to the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.damage import damaged_database
from twitchlearn.app.cli import main
from twitchlearn.scoring import Grade
from twitchlearn.storage.sqlite import SQLiteStore


def test_a_sound_store_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "progress.sqlite3"
    with SQLiteStore(db) as store:
        grade = Grade(
            question_id="q", score=1.0, correct=True, feedback=(), explanation="", right_answer=""
        )
        store.record("Ann", "7B", "q", "a", grade)
    assert main(["doctor", "--db", str(db)]) == 0
    assert capsys.readouterr().out == f"OK: the progress store {db} is sound\n"


def test_a_damaged_store_is_named_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = damaged_database(tmp_path / "progress.sqlite3", "Ann", "7B", "q")
    before = db.read_bytes()
    assert main(["doctor", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("twitchlearn doctor: The progress database")
    assert "is damaged" in err
    assert "copy the file somewhere safe" in err
    assert "Traceback" not in err
    assert db.read_bytes() == before  # the check never writes


def test_a_missing_store_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    assert main(["doctor", "--db", str(missing)]) == 1
    assert capsys.readouterr().err == f"twitchlearn doctor: no progress database at {missing}\n"
    assert not missing.exists()


def test_a_new_empty_postgres_database_is_ok(
    postgres_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # a teacher checks the shared database before the class: nothing saved yet is not a fault
    assert main(["doctor", "--db", postgres_database]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: The progress database ")
    assert "has nothing saved yet" in out


def test_an_empty_sqlite_file_is_ok_and_left_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "progress.sqlite3"
    db.touch()
    assert main(["doctor", "--db", str(db)]) == 0
    assert "has nothing saved yet" in capsys.readouterr().out
    assert db.read_bytes() == b""
