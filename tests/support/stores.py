"""Progress stores of every backend for the tests, and the store's benchmark figures.

    BACKENDS                              # "sqlite", "memory", "postgres": the contract suite
    open_backend("sqlite", folder)        # a new, empty store of that kind
    fill(location, 100_000)               # bulk-insert attempts (for the export benchmark)

`python -m tests.support.stores` prints the figures the store's report gives: attempts
written per second by 20 writer processes, and `export_rows` of 100,000 attempts, on SQLite
and on PostgreSQL (a durable server of its own, see tests/support/postgres.py).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from twitchlearn.attempts import encode_answer, format_time
from twitchlearn.scoring import Grade
from twitchlearn.storage import MemoryStore, ProgressStore, open_store
from twitchlearn.storage.base import folded
from twitchlearn.storage.sqlite import SQLiteStore

__all__ = ["BACKENDS", "T0", "WRITER", "fill", "grade", "open_backend", "writers_per_second"]

BACKENDS: Final = ("sqlite", "memory", "postgres")
T0: Final = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
WRITER: Final = Path(__file__).resolve().parents[1] / "unit" / "store_writer.py"


def grade(question_id: str, score: float) -> Grade:
    return Grade(
        question_id=question_id,
        score=score,
        correct=score == 1.0,
        feedback=(),
        explanation="",
        right_answer="",
    )


def open_backend(backend: str, folder: Path, postgres: str | None = None) -> ProgressStore:
    """A store of kind `backend`: "sqlite" a file in `folder`, "postgres" the database at
    `postgres` (a postgresql:// address), "memory" a new MemoryStore."""
    if backend == "sqlite":
        return SQLiteStore(folder / "progress.sqlite3")
    if backend == "postgres":
        assert postgres is not None, "a postgres store needs a database's address"
        return open_store(postgres)
    assert backend == "memory"
    return MemoryStore()


# learner, class_code, learner_key, class_key, question_id, answer, score, max_score,
# correct, answered_at
_Row = tuple[str, str, str, str, str, str, float, float, bool, datetime]


def _rows(count: int, learners: int, questions: int) -> list[_Row]:
    rng = random.Random(1)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows: list[_Row] = []
    for n in range(count):
        score = rng.choice([0.0, 0.5, 1.0])
        learner = f"learner {rng.randrange(learners)}"
        rows.append(
            (
                learner,
                "class-1",
                folded(learner),
                "class-1",
                f"q{rng.randrange(questions):02d}",
                encode_answer(rng.random() < 0.5),
                score,
                1.0,
                score == 1.0,
                start + timedelta(seconds=n),
            )
        )
    return rows


def fill(location: str, count: int, *, learners: int = 300, questions: int = 40) -> None:
    """Bulk-insert `count` attempts at random learners and questions of class-1 into the
    store at `location` (a SQLite path or a postgresql:// address), made by the store itself
    first (its schema, its indexes). Review schedules are not filled."""
    open_store(location).close()
    rows = _rows(count, learners, questions)
    columns = (
        "learner, class_code, learner_key, class_key, question_id, answer, score, max_score,"
        " correct, answered_at"
    )
    if location.startswith(("postgres://", "postgresql://")):
        import psycopg

        with (
            psycopg.connect(location) as db,
            db.cursor() as cursor,
            cursor.copy(f"COPY attempts ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    file = sqlite3.connect(location)
    with file:
        file.executemany(
            f"INSERT INTO attempts ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[:8], int(row[8]), format_time(row[9])) for row in rows],
        )
    file.close()


def writers_per_second(location: str, writers: int = 20, each: int = 100) -> float:
    """`writers` processes (tests/unit/store_writer.py) writing `each` attempts at once to
    the store at `location`: attempts committed per second, from "go" to the last exit."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), location, f"learner-{n:02d}", str(each), "--wait"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.close()
    for proc in procs:
        assert proc.stdout is not None
        proc.stdout.read()
        if proc.wait(timeout=600) != 0:
            raise RuntimeError(f"a writer failed with {proc.returncode}")
    return writers * each / (time.perf_counter() - began)


def _export_seconds(location: str, runs: int = 3) -> float:
    import attrs

    from twitchlearn.export import export_rows
    from twitchlearn.loading import load_course

    # One lesson of 40 questions with the ids fill() uses, as bench/offline.py does.
    lesson = load_course().lessons[0]
    questions = tuple(attrs.evolve(lesson.questions[0], id=f"q{n:02d}") for n in range(40))
    course = attrs.evolve(load_course(), lessons=(attrs.evolve(lesson, questions=questions),))
    times = []
    with open_store(location) as store:
        for _ in range(runs):
            began = time.perf_counter()
            export_rows(store, course, "class-1", "best")
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    from tests.support.postgres import running_postgres

    with tempfile.TemporaryDirectory() as folder, running_postgres(durable=True) as server:
        places = {"sqlite": str(Path(folder) / "w.sqlite3"), "postgres": server.new_database()}
        for name, location in places.items():
            print(f"{name}: 20 writers x 100 attempts: {writers_per_second(location):.0f}/s")
        places = {"sqlite": str(Path(folder) / "e.sqlite3"), "postgres": server.new_database()}
        for name, location in places.items():
            fill(location, 100_000)
            print(f"{name}: export_rows of 100,000 attempts: {_export_seconds(location):.2f} s")


if __name__ == "__main__":
    main()
