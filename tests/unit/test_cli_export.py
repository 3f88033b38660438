"""`twitchlearn export` on a real SQLite file, through the installed console script."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from twitchlearn import grade, load_course
from twitchlearn.storage.sqlite import SQLiteStore

TWITCHLEARN = str(Path(sys.executable).parent / "twitchlearn")
MODES = [(), ("--gradebook",)]  # the per-attempt file, and the gradebook (a row per learner)
MODE_IDS = ["per-attempt", "gradebook"]


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


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_export_never_writes_over_the_database(tmp_path: Path, mode: tuple[str, ...]) -> None:
    db = _class_db(tmp_path)
    before = db.read_bytes()
    for extra in ((), ("--force",)):
        _one_plain_line(_export(db, db, *mode, *extra), "is the progress database")
    assert db.read_bytes() == before
    with SQLiteStore(db, read_only=True) as store:
        assert store.class_codes() == ["-2+3", "7B"]


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_export_needs_force_for_an_earlier_export_and_never_writes_over_other_files(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    db = _class_db(tmp_path)
    out = tmp_path / "results.csv"
    assert _export(db, out, *mode).returncode == 0
    _one_plain_line(_export(db, out, *mode), "exists; add --force")
    assert _export(db, out, *mode, "--force").returncode == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("my lesson notes\n", encoding="utf-8")
    _one_plain_line(_export(db, notes, *mode, "--force"), "is not an earlier export")
    assert notes.read_text(encoding="utf-8") == "my lesson notes\n"
    roster = tmp_path / "roster.csv"  # a teacher's own file that starts like an export
    roster.write_text("learner,class,email\nAda,7B,ada@example.org\n", encoding="utf-8")
    _one_plain_line(_export(db, roster, *mode, "--force"), "is not an earlier export")
    assert roster.read_text(encoding="utf-8").startswith("learner,class,email\n")


def test_either_export_may_be_written_over_the_other_with_force(tmp_path: Path) -> None:
    db = _class_db(tmp_path)
    out = tmp_path / "results.csv"
    assert _export(db, out, "--gradebook").returncode == 0
    assert _export(db, out, "--force").returncode == 0
    assert out.read_text(encoding="utf-8").startswith("learner,class,question_id,")
    assert _export(db, out, "--gradebook", "--force").returncode == 0
    assert out.read_text(encoding="utf-8").startswith("learner,class,questions answered (of ")


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_export_to_a_place_it_cannot_write_is_one_plain_line(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    db = _class_db(tmp_path)
    _one_plain_line(_export(db, tmp_path / "missing" / "r.csv", *mode), "does not exist")
    _one_plain_line(_export(db, tmp_path, *mode), "is a folder")
    _one_plain_line(_export(db, "/dev/full", *mode), "/dev/full")
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_an_unknown_class_is_an_error_that_lists_the_known_ones(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    db = _class_db(tmp_path)
    out = tmp_path / "r.csv"
    done = subprocess.run(
        [TWITCHLEARN, "export", "--class", "7C", "--db", str(db), "--out", str(out), *mode],
        capture_output=True,
        text=True,
        check=False,
    )
    _one_plain_line(done, "no answers saved for class '7C'", "'-2+3', '7B'")
    assert not out.exists()


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_a_class_code_that_starts_with_a_dash(tmp_path: Path, mode: tuple[str, ...]) -> None:
    db = _class_db(tmp_path)
    out = tmp_path / "r.csv"
    done = subprocess.run(
        [TWITCHLEARN, "export", "--class", "-2+3", "--db", str(db), "--out", str(out), *mode],
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


# --- the first attempt counts by default; the gradebook ------------------------------------


def _wrong_then_right_db(tmp_path: Path) -> Path:
    """Ada: the first question wrong, then right (the page showed the key); Bo: right."""
    course = load_course()
    question = next(iter(course.questions.values()))
    wrong = next(c.id for c in question.choices if not c.correct)  # type: ignore[union-attr]
    right = next(c.id for c in question.choices if c.correct)  # type: ignore[union-attr]
    db = tmp_path / "progress.sqlite3"
    with SQLiteStore(db) as store:
        store.record("Ada", "7B", question.id, wrong, grade(question, wrong))
        store.record("Ada", "7B", question.id, right, grade(question, right))
        store.record("Bo", "7B", question.id, right, grade(question, right))
    return db


def test_by_default_the_first_attempt_counts(tmp_path: Path) -> None:
    db = _wrong_then_right_db(tmp_path)
    out = tmp_path / "results.csv"
    done = _export(db, out)
    assert done.returncode == 0, done.stderr
    assert "first attempt" in done.stdout
    totals = {
        row["learner"]: row
        for row in csv.DictReader(out.open(encoding="utf-8"))
        if row["question_id"] == "TOTAL"
    }
    assert (totals["Ada"]["score"], totals["Ada"]["attempts"]) == ("0", "2")
    assert totals["Bo"]["score"] == "1"
    assert totals["Ada"]["max_score"] == str(len(load_course().questions))  # out of points
    assert _export(db, out, "--force", "--policy", "best").returncode == 0
    best = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["question_id"] == "TOTAL"]
    assert best[0]["score"] == "1"


def test_gradebook_has_one_row_per_learner_named_by_lesson(tmp_path: Path) -> None:
    course = load_course()
    db = _wrong_then_right_db(tmp_path)
    out = tmp_path / "gradebook.csv"
    done = _export(db, out, "--gradebook")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote a gradebook row each for 2 learners of class '7B'")
    with out.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    total = len(course.questions)
    lessons = [f"Lesson {lesson.number}: {lesson.title} (" for lesson in course.lessons]
    assert header[:3] == ["learner", "class", f"questions answered (of {total})"]
    assert [h[: len(start)] for h, start in zip(header[3:], lessons, strict=False)] == lessons
    assert header[-2:] == [
        f"Total points (out of {total}, first attempt)",
        f"Total points (out of {total}, last attempt)",
    ]
    assert not any(q in ",".join(header) for q in course.questions)  # no internal ids
    by_learner = {row[0]: row for row in rows}
    assert len(rows) == 2
    assert by_learner["Ada"][2] == "1"
    assert by_learner["Ada"][3:] == ["0"] * len(course.lessons) + ["0", "1"]
    assert by_learner["Bo"][3:] == ["1"] + ["0"] * (len(course.lessons) - 1) + ["1", "1"]


def test_help_names_the_gradebook_and_the_default(tmp_path: Path) -> None:
    done = subprocess.run(
        [TWITCHLEARN, "export", "--help"], capture_output=True, text=True, check=True
    )
    text = " ".join(done.stdout.split())
    assert "--gradebook" in text
    assert "first (the default" in text
