"""Time the class export of 100,000 stored attempts (not a test; prints the figures).

    .venv/bin/python tests/unit/bench_export.py

500 learners x 20 questions x 10 attempts, all in one class, bulk-inserted into a real file
made by ProgressStore; then export_rows() and write_csv() are timed for each policy.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from twitchlearn.export import export_rows, write_csv
from twitchlearn.models import Course, Lesson, TrueFalseQuestion
from twitchlearn.store import ProgressStore, encode_answer, format_time

LEARNERS, QUESTIONS, REPEATS = 500, 20, 10


def course() -> Course:
    questions = tuple(
        TrueFalseQuestion(
            id=f"q{n:02d}",
            lesson="l1",
            prompt="?",
            explanation="",
            sources=(),
            answer=True,
            feedback="",
        )
        for n in range(QUESTIONS)
    )
    lesson = Lesson(
        id="l1",
        number=1,
        title="l1",
        overview="",
        objectives=(),
        sections=(),
        key_points=(),
        summary="",
        sources=(),
        questions=questions,
    )
    return Course(title="bench", disclaimer="", lessons=(lesson,), sources={})


def main() -> None:
    rng = random.Random(1)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        ProgressStore(path).close()
        rows = []
        for n in range(LEARNERS * QUESTIONS * REPEATS):
            score = rng.choice([0.0, 0.5, 1.0])
            rows.append(
                (
                    f"learner {rng.randrange(LEARNERS)}",
                    "class-1",
                    f"q{rng.randrange(QUESTIONS):02d}",
                    encode_answer(rng.random() < 0.5),
                    score,
                    1.0,
                    int(score == 1.0),
                    format_time(start + timedelta(seconds=n)),
                )
            )
        with sqlite3.connect(path) as db:
            db.executemany(
                "INSERT INTO attempts (learner, class_code, question_id, answer, score,"
                " max_score, correct, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        db.close()
        the_course = course()
        with ProgressStore(path) as store:
            for policy in ("first", "last", "best"):
                times = []
                for _ in range(5):
                    began = time.perf_counter()
                    exported = export_rows(store, the_course, "class-1", policy)
                    write_csv(exported, Path(folder) / "out.csv")
                    times.append(time.perf_counter() - began)
                print(
                    f"{policy:5}: {len(rows)} attempts -> {len(exported)} rows, export_rows +"
                    f" write_csv: median {statistics.median(times):.3f} s,"
                    f" min {min(times):.3f} s, max {max(times):.3f} s"
                )


if __name__ == "__main__":
    main()
