"""`twitchlearn export` on a real SQLite file, through the installed console script."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from twitchlearn import grade, load_course
from twitchlearn.storage.sqlite import SQLiteStore

TWITCHLEARN = str(Path(sys.executable).parent / "twitchlearn")


def test_export_writes_one_row_per_learner_and_question_plus_totals(tmp_path: Path) -> None:
    course = load_course()
    question = next(iter(course.questions.values()))
    db = tmp_path / "progress.sqlite3"
    with SQLiteStore(db) as store:
        for learner in ("Ada", "<b>Bo</b>"):
            answer = next(c.id for c in question.choices if not c.correct)  # type: ignore[union-attr]
            store.record(learner, "7B", question.id, answer, grade(question, answer))
        store.record("Other", "8C", question.id, answer, grade(question, answer))
    out = tmp_path / "results.csv"
    done = subprocess.run(
        [TWITCHLEARN, "export", "--class", "7B", "--out", str(out), "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    learners = {row["learner"] for row in rows}
    assert learners == {"Ada", "<b>Bo</b>"}
    assert len(rows) == 2 * (len(course.questions) + 1)
    totals = [row for row in rows if row["question_id"] == "TOTAL"]
    assert len(totals) == 2
    assert "for 2 learners" in done.stdout


def test_export_without_a_database_says_where_it_looked(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    done = subprocess.run(
        [
            TWITCHLEARN,
            "export",
            "--class",
            "7B",
            "--out",
            str(tmp_path / "x.csv"),
            "--db",
            str(missing),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert str(missing) in done.stderr


# --- an export never destroys anything, and says plainly why it did not write -------------


def _class_db(tmp_path: Path) -> Path:
    course = load_course()
    question = next(iter(course.questions.values()))
    db = tmp_path / "progress.sqlite3"
    answer = next(c.id for c in question.choices if c.correct)  # type: ignore[union-attr]
    with SQLiteStore(db) as store:
        store.record("Ada", "7B", question.id, answer, grade(question, answer))
        store.record("Cy", "-2+3", question.id, answer, grade(question, answer))
    return db


def _export(db: Path, out: Path | str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TWITCHLEARN, "export", "--class", "7B", "--db", str(db), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _one_plain_line(done: subprocess.CompletedProcess[str], *needed: str) -> None:
    assert done.returncode == 1, done
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("twitchlearn export: ")
    assert "Traceback" not in done.stderr
    for text in needed:
        assert text in lines[0], (text, lines[0])


def test_export_never_writes_over_the_database(tmp_path: Path) -> None:
    db = _class_db(tmp_path)
    before = db.read_bytes()
    for extra in ((), ("--force",)):
        _one_plain_line(_export(db, db, *extra), "is the progress database")
    assert db.read_bytes() == before
    with SQLiteStore(db, read_only=True) as store:
        assert store.class_codes() == ["-2+3", "7B"]


def test_export_needs_force_for_an_earlier_export_and_never_writes_over_other_files(
    tmp_path: Path,
) -> None:
    db = _class_db(tmp_path)
    out = tmp_path / "results.csv"
    assert _export(db, out).returncode == 0
    _one_plain_line(_export(db, out), "exists; add --force")
    assert _export(db, out, "--force").returncode == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("my lesson notes\n", encoding="utf-8")
    _one_plain_line(_export(db, notes, "--force"), "is not an earlier export")
    assert notes.read_text(encoding="utf-8") == "my lesson notes\n"


def test_export_to_a_place_it_cannot_write_is_one_plain_line(tmp_path: Path) -> None:
    db = _class_db(tmp_path)
    _one_plain_line(_export(db, tmp_path / "missing" / "r.csv"), "does not exist")
    _one_plain_line(_export(db, tmp_path), "is a folder")
    _one_plain_line(_export(db, "/dev/full"), "/dev/full")
    assert not list(tmp_path.glob(".*.partial"))


def test_an_unknown_class_is_an_error_that_lists_the_known_ones(tmp_path: Path) -> None:
    db = _class_db(tmp_path)
    out = tmp_path / "r.csv"
    done = subprocess.run(
        [TWITCHLEARN, "export", "--class", "7C", "--db", str(db), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    _one_plain_line(done, "no answers saved for class '7C'", "'-2+3', '7B'")
    assert not out.exists()


def test_a_class_code_that_starts_with_a_dash(tmp_path: Path) -> None:
    db = _class_db(tmp_path)
    out = tmp_path / "r.csv"
    done = subprocess.run(
        [TWITCHLEARN, "export", "--class", "-2+3", "--db", str(db), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "class '-2+3'" in done.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {row["class"] for row in rows} == {
        "'-2+3"
    }  # a leading dash is made inert for spreadsheets
