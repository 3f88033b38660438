"""The in-memory backend: a progress store that lasts as long as the process.

Pure Python (no sqlite3, which Pyodide does not have): the fallback when a database cannot
be used, the store of tests that need no file, and the base of a browser edition's store.
"""

from __future__ import annotations

import threading
from datetime import datetime
from types import TracebackType

from twitchlearn.attempts import Attempt
from twitchlearn.errors import StoreError
from twitchlearn.review import ReviewState, next_state
from twitchlearn.scoring import Grade
from twitchlearn.storage.base import new_attempt

__all__ = ["MemoryStore"]


class MemoryStore:
    """Attempts and review schedules in this process only; nothing is written anywhere."""

    persistent = False

    def __init__(self) -> None:
        self._attempts: list[Attempt] = []
        self._reviews: dict[tuple[str, str, str], ReviewState] = {}
        self._lock = threading.Lock()
        self._closed = False

    @property
    def location(self) -> str:
        return "memory (kept until the app stops)"

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The progress store in {self.location} is closed.")

    def record(
        self,
        learner: str,
        class_code: str,
        question_id: str,
        answer: object,
        grade: Grade,
        *,
        now: datetime | None = None,
    ) -> Attempt:
        new = new_attempt(learner, class_code, question_id, answer, grade, now)
        with self._lock:
            self._check_open()
            attempt = Attempt(
                id=len(self._attempts) + 1,
                learner=new.learner,
                class_code=new.class_code,
                question_id=new.question_id,
                answer_json=new.answer_json,
                score=new.score,
                max_score=new.max_score,
                correct=new.correct,
                answered_at=new.answered_at,
                question_version=new.question_version,
            )
            key = (new.learner, new.class_code, new.question_id)
            after = next_state(
                self._reviews.get(key), correct=new.correct, answered_at=new.answered_at
            )
            self._attempts.append(attempt)
            if after is not None:
                self._reviews[key] = after
        return attempt

    def attempts(
        self,
        *,
        learner: str | None = None,
        class_code: str | None = None,
        question_id: str | None = None,
    ) -> list[Attempt]:
        with self._lock:
            self._check_open()
            return [
                a
                for a in self._attempts
                if (learner is None or a.learner == learner)
                and (class_code is None or a.class_code == class_code)
                and (question_id is None or a.question_id == question_id)
            ]

    def latest(self, learner: str, class_code: str) -> dict[str, Attempt]:
        found: dict[str, Attempt] = {}
        for attempt in self.attempts(learner=learner, class_code=class_code):
            found.pop(attempt.question_id, None)  # keep the dict in the order of the last ones
            found[attempt.question_id] = attempt
        return found

    def review_states(self, learner: str, class_code: str) -> dict[str, ReviewState]:
        with self._lock:
            self._check_open()
            mine = {
                qid: state
                for (name, code, qid), state in self._reviews.items()
                if name == learner and code == class_code
            }
        return dict(sorted(mine.items()))

    def due_for_review(self, learner: str, class_code: str, now: datetime) -> list[str]:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"Times given to the store must be timezone-aware; got {now!r}.")
        due = [
            (s.due_at, qid)
            for qid, s in self.review_states(learner, class_code).items()
            if s.due_at <= now
        ]
        return [qid for _, qid in sorted(due)]

    def class_codes(self) -> list[str]:
        return sorted({a.class_code for a in self.attempts()})

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._attempts)} attempts)"
