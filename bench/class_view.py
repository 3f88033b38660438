"""What one poll of the teacher's live class view costs (issue 13), on a class of 30 learners
with 79 answers each (2,370 attempts), in SQLite and, when this machine has it, PostgreSQL.

    .venv/bin/python -m bench.class_view [--polls 50]

A poll is `ClassView.refresh()`: one read of the class's attempts, the figures
(`teacher.class_snapshot`; only "working now" when no attempt was added or removed) and the
widgets' HTML. The view polls every `twitchlearn.ui.classview.POLL_SECONDS`. Wall time and
this process's CPU time are both given: on a loaded machine the CPU time is the steadier
figure (for PostgreSQL it leaves out the database server's own work). Not part of `make
test`: it measures, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.learner import right_answer, wrong_answer
from twitchlearn.loading import load_content
from twitchlearn.scoring import grade
from twitchlearn.storage import open_store
from twitchlearn.ui.classview import POLL_SECONDS, ClassView

LEARNERS = 30
ANSWERS = 79
CLASS = "7B"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def fill(location: str) -> datetime:
    """30 learners x 79 answers (one in four wrong), 3 s apart per learner; the last time."""
    course = load_content().course
    questions = list(course.questions.values())[:ANSWERS]
    last = START
    with open_store(location) as store:
        for n in range(LEARNERS):
            for k, question in enumerate(questions):
                answer = wrong_answer(question) if (n + k) % 4 == 0 else right_answer(question)
                last = START + timedelta(seconds=3 * k, milliseconds=n)
                store.record(
                    f"Learner {n:02d}",
                    CLASS,
                    question.id,
                    answer,
                    grade(question, answer),
                    now=last,
                )
    return last


def _poll(view: ClassView) -> tuple[float, float]:
    """One poll: (wall seconds, this process's CPU seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    view.refresh()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(location: str, polls: int) -> dict[str, float]:
    """Median wall and CPU milliseconds of a poll when nothing changed, and of a poll after
    a new answer (every figure worked out again)."""
    course = load_content().course
    now = fill(location) + timedelta(minutes=1)
    view = ClassView(course, location, class_code=CLASS, clock=lambda: now)
    view.refresh()  # the first poll opens the store
    same = [_poll(view) for _ in range(polls)]
    question = next(iter(course.questions.values()))
    answer = wrong_answer(question)
    changed = []
    with open_store(location) as store:
        for n in range(polls):
            moment = now + timedelta(seconds=3 * n)
            store.record(
                "Late Learner", CLASS, question.id, answer, grade(question, answer), now=moment
            )
            changed.append(_poll(view))
    view.close()
    return {
        "same_wall": 1000 * statistics.median(w for w, _ in same),
        "same_cpu": 1000 * statistics.median(c for _, c in same),
        "new_wall": 1000 * statistics.median(w for w, _ in changed),
        "new_cpu": 1000 * statistics.median(c for _, c in changed),
    }


@contextmanager
def postgres() -> Iterator[str | None]:
    try:
        from tests.support.postgres import PostgresMissing, running_postgres
    except ImportError:
        yield None
        return
    try:
        with running_postgres() as server:
            yield server.new_database()
    except PostgresMissing:
        yield None


def report(name: str, f: dict[str, float]) -> None:
    print(
        f"{name:10} a poll, nothing new: {f['same_wall']:6.1f} ms ({f['same_cpu']:5.1f} ms CPU);"
        f" after a new answer: {f['new_wall']:6.1f} ms ({f['new_cpu']:5.1f} ms CPU);"
        f" one poll every {POLL_SECONDS:g} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--polls", type=int, default=50)
    args = parser.parse_args()
    print(f"A class of {LEARNERS} learners x {ANSWERS} answers = {LEARNERS * ANSWERS} attempts")
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", measure(str(Path(tmp) / "progress.sqlite3"), args.polls))
    with postgres() as location:
        if location is None:
            print("PostgreSQL: not installed here (make postgresql)")
        else:
            report("PostgreSQL", measure(location, args.polls))


if __name__ == "__main__":
    main()
