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
