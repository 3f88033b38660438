"""The in-memory backend: a progress store that lasts as long as the process.

Pure Python (no sqlite3, which Pyodide does not have): the fallback when a database cannot
be used, the store of tests that need no file, and the base of a browser edition's store.
It keeps the same duties as the other backends (storage/base.py): names matched folded, the
rate limit, `forget` with its audit trail, and `check()` (always fine: nothing can be damaged).
"""

from __future__ import annotations

import bisect
import threading
from datetime import datetime

from twitchlearn.attempts import Attempt
from twitchlearn.errors import RateLimited, StoreError
from twitchlearn.review import ReviewState, next_state
from twitchlearn.scoring import Grade
from twitchlearn.storage.base import (
    FORGET,
    MAX_ATTEMPTS_PER_MINUTE,
    RATE_WINDOW,
    ClosingStore,
    Event,
    folded,
    forget_request,
    new_attempt,
)

__all__ = ["MemoryStore"]

# (folded learner, folded class code, question id)
_Key = tuple[str, str, str]


class MemoryStore(ClosingStore):
    """Attempts and review schedules in this process only; nothing is written anywhere."""

    persistent = False

    def __init__(self) -> None:
        self._attempts: list[Attempt] = []
        self._keys: list[tuple[str, str]] = []  # (learner key, class key) of each attempt
        self._reviews: dict[_Key, ReviewState] = {}
        self._times: dict[_Key, list[datetime]] = {}  # answer times, sorted: the rate limit
        self._events: list[Event] = []
        self._next_id = 1
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
        key = (new.learner_key, new.class_key, new.question_id)
        with self._lock:
            self._check_open()
            times = self._times.setdefault(key, [])
            recent = bisect.bisect_right(times, new.answered_at) - bisect.bisect_right(
                times, new.answered_at - RATE_WINDOW
            )
            if recent >= MAX_ATTEMPTS_PER_MINUTE:
                raise RateLimited()
            attempt = new.saved(self._next_id)
            after = next_state(
                self._reviews.get(key), correct=new.correct, answered_at=new.answered_at
            )
            self._next_id += 1
            self._attempts.append(attempt)
            self._keys.append((new.learner_key, new.class_key))
            bisect.insort(times, new.answered_at)
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
        learner_key = None if learner is None else folded(learner)
        class_key = None if class_code is None else folded(class_code)
        with self._lock:
            self._check_open()
            return [
                a
                for a, (lk, ck) in zip(self._attempts, self._keys, strict=True)
                if (learner_key is None or lk == learner_key)
                and (class_key is None or ck == class_key)
                and (question_id is None or a.question_id == question_id)
            ]

    def latest(self, learner: str, class_code: str) -> dict[str, Attempt]:
        found: dict[str, Attempt] = {}
        for attempt in self.attempts(learner=learner, class_code=class_code):
            found.pop(attempt.question_id, None)  # keep the dict in the order of the last ones
            found[attempt.question_id] = attempt
        return found

    def review_states(self, learner: str, class_code: str) -> dict[str, ReviewState]:
        learner_key, class_key = folded(learner), folded(class_code)
        with self._lock:
            self._check_open()
            mine = {
                qid: state
                for (lk, ck, qid), state in self._reviews.items()
                if lk == learner_key and ck == class_key
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
        with self._lock:
            self._check_open()
            first: dict[str, str] = {}
            for attempt, (_, class_key) in zip(self._attempts, self._keys, strict=True):
                first.setdefault(class_key, attempt.class_code)
        return sorted(first.values())

    # --- a learner's data is theirs --------------------------------------------------------

    def forget(self, learner: str, class_code: str, *, by: str, now: datetime | None = None) -> int:
        request = forget_request(learner, class_code, by, now)
        mine = (request.learner_key, request.class_key)
        with self._lock:
            self._check_open()
            kept = [(a, k) for a, k in zip(self._attempts, self._keys, strict=True) if k != mine]
            removed = len(self._attempts) - len(kept)
            self._attempts = [a for a, _ in kept]
            self._keys = [k for _, k in kept]
            for key in [key for key in self._reviews if key[:2] == mine]:
                del self._reviews[key]
            for key in [key for key in self._times if key[:2] == mine]:
                del self._times[key]
            self._events.append(
                Event(
                    id=len(self._events) + 1,
                    action=FORGET,
                    learner=learner,
                    class_code=class_code,
                    by=request.by,
                    attempts=removed,
                    at=request.at,
                )
            )
        return removed

    def events(self) -> list[Event]:
        with self._lock:
            self._check_open()
            return list(self._events)

    def check(self) -> list[str]:
        with self._lock:
            self._check_open()
        return []

    def close(self) -> None:
        self._closed = True

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._attempts)} attempts)"
