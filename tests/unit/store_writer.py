"""A separate process that records attempts, for the multi-process tests in test_store.py.

    python store_writer.py DB LEARNER COUNT [--wait]

DB is a SQLite file's path or a postgresql:// address (any location open_store takes).

Attempt i (0-based) is at question "q<i % 7>", with the answer {"seq": "<i>", "learner":
LEARNER, "pad": <300 x's>}, score 1.0 when i is even (right) else 0.0. Prints "ready" once
the store is open; with --wait it then waits for a line on stdin before writing, so that
many writers start together. Prints "wrote <i>" after attempt i is committed.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from twitchlearn.scoring import Grade
from twitchlearn.storage import ProgressStore, open_store
from twitchlearn.storage.sqlite import SQLiteStore

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
PAD = "x" * 300


def expected_answer(learner: str, seq: int) -> dict[str, str]:
    return {"seq": str(seq), "learner": learner, "pad": PAD}


def main(argv: list[str]) -> int:
    location, learner, count = argv[0], argv[1], int(argv[2])
    store: ProgressStore = (
        open_store(location) if "://" in location else SQLiteStore(location, timeout=30.0)
    )
    with store:
        print("ready", flush=True)
        if "--wait" in argv:
            sys.stdin.readline()
        for seq in range(count):
            right = seq % 2 == 0
            question_id = f"q{seq % 7}"
            grade = Grade(
                question_id=question_id,
                score=1.0 if right else 0.0,
                correct=right,
                feedback=(),
                explanation="",
                right_answer="",
            )
            store.record(
                learner,
                "class-1",
                question_id,
                expected_answer(learner, seq),
                grade,
                now=START + timedelta(minutes=seq),
            )
            print(f"wrote {seq}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
