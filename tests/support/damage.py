"""A progress database damaged the way a failing disk damages one: a valid header and
schema, unreadable pages further on. Shared by the store, CLI and browser tests."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from twitchlearn.scoring import Grade
from twitchlearn.storage.sqlite import SQLiteStore

PAGE = 4096


def damaged_database(path: Path, learner: str, class_code: str, question_id: str) -> Path:
    """Write 400 other learners' attempts and one of `learner`'s, then overwrite the second
    half of the file's pages with random bytes. The file still opens (page 1 holds the header
    and the schema); reading the attempts fails with "database disk image is malformed"."""
    wrong = Grade(
        question_id=question_id,
        score=0.0,
        correct=False,
        feedback=(),
        explanation="",
        right_answer="",
    )
    with SQLiteStore(path) as store:
        for n in range(400):
            store.record(f"Other {n}", class_code, question_id, "x" * 300, wrong)
        store.record(learner, class_code, question_id, "x", wrong)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    for number in range(pages // 2, pages):
        data[number * PAGE : (number + 1) * PAGE] = os.urandom(PAGE)
    path.write_bytes(bytes(data))
    return path
