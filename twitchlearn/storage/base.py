"""The storage seam: what every progress store backend provides, and what they share.

`ProgressStore` is the protocol the session, the export and the teacher's views depend on.
Backends (one module each) implement it: `twitchlearn.storage.sqlite` (the embedded
default, one file), `twitchlearn.storage.memory` (nothing kept after the process; the
fallback when a file cannot be used, and what a browser edition starts from). The contract
suite in tests/unit/test_store.py runs against every backend.

Guarantees every backend keeps: each `record` is one transaction (the attempt and its review
schedule together, or neither); attempts come back in the order they were saved, with
increasing ids; names and class codes are data, never code; any failure of the store itself
is a `StoreError` that says what to do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Final, Protocol, Self, runtime_checkable

import attrs

from twitchlearn.attempts import Attempt, encode_answer, format_time, parse_time
from twitchlearn.errors import StoreError
from twitchlearn.review import ReviewState
from twitchlearn.scoring import Grade

__all__ = ["DB_ENV", "NewAttempt", "ProgressStore", "new_attempt"]

# Where the progress store is (a SQLite file's path), when neither --db nor a caller says.
DB_ENV: Final = "TWITCHLEARN_DB"


@runtime_checkable
class ProgressStore(Protocol):
    """Attempts and review schedules of every learner, whatever keeps them."""

    @property
    def persistent(self) -> bool:
        """Whether what is saved outlives this process."""
        ...

    @property
    def location(self) -> str:
        """Where the data lives, for messages to a teacher or a log (never a password)."""
        ...

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
        """Save one attempt and update the question's review schedule, in one transaction."""
        ...

    def attempts(
        self,
        *,
        learner: str | None = None,
        class_code: str | None = None,
        question_id: str | None = None,
    ) -> list[Attempt]:
        """Saved attempts matching every filter given, in the order they were saved."""
        ...

    def latest(self, learner: str, class_code: str) -> dict[str, Attempt]:
        """The last saved attempt at each question `learner` answered in `class_code`."""
        ...

    def review_states(self, learner: str, class_code: str) -> dict[str, ReviewState]:
        """The Leitner box and due time of every question `learner` has got wrong."""
        ...

    def due_for_review(self, learner: str, class_code: str, now: datetime) -> list[str]:
        """Question ids due again at `now` (aware), the longest overdue first."""
        ...

    def class_codes(self) -> list[str]:
        """Every class code with at least one attempt, sorted."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


@attrs.frozen(kw_only=True)
class NewAttempt:
    """An attempt checked and encoded for saving, the same way for every backend."""

    learner: str
    class_code: str
    question_id: str
    answer_json: str
    score: float
    max_score: float
    correct: bool
    answered_at: datetime  # aware UTC, exactly as format_time will write it
    answered_at_text: str
    question_version: str


def new_attempt(
    learner: str,
    class_code: str,
    question_id: str,
    answer: object,
    grade: Grade,
    now: datetime | None,
) -> NewAttempt:
    """Check an attempt before any backend saves it. Raises ValueError, TypeError or
    StoreError (text that cannot be stored)."""
    if grade.question_id != question_id:
        raise ValueError(f"The grade is for question {grade.question_id!r}, not {question_id!r}.")
    for name, text in (
        ("learner", learner),
        ("class code", class_code),
        ("question id", question_id),
    ):
        _check_text(name, text)
    when = format_time(datetime.now(UTC) if now is None else now)
    return NewAttempt(
        learner=learner,
        class_code=class_code,
        question_id=question_id,
        answer_json=encode_answer(answer),
        score=float(grade.score),
        max_score=float(grade.max_score),
        correct=grade.correct,
        answered_at=parse_time(when),
        answered_at_text=when,
        question_version=grade.question_version,
    )


def _check_text(name: str, text: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"The {name} must be text; got {type(text).__name__}.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise StoreError(
            f"The {name} {text!r} cannot be saved: it holds characters that are not valid "
            f"text ({exc.reason}). Type it again."
        ) from exc
