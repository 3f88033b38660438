"""The storage seam: what every progress store backend provides, and what they share.

`ProgressStore` is the protocol the session, the export and the teacher's views depend on.
The contract suite in tests/unit/test_store.py runs against every backend.

Backends (one module each) implement it: `twitchlearn.storage.sqlite` (the embedded
default, one file), `twitchlearn.storage.postgres` (a PostgreSQL server, for a school's
server; needs the `postgres` extra), `twitchlearn.storage.memory` (nothing kept after the
process; the fallback when a file cannot be used, and what a browser edition starts from).

Guarantees every backend keeps: each `record` is one transaction (the attempt and its review
schedule together, or neither); attempts come back in the order they were saved, with
increasing ids (never reused); names and class codes are data, never code; any failure of
the store itself is a `StoreError` that says what to do.

Duties every backend shares (the contract suite checks each one on each backend):

- Names compare case-insensitively: a learner and a class code are stored as typed and
  matched on their folded keys (`folded`: NFC, then casefold, then NFC), so "Jess" in "7B"
  and "jess" in "7b" are one learner with one review schedule. `class_codes()` gives one
  spelling per class: the first one saved.
- No absurd rates: `record` raises `RateLimited` (saving nothing) when the learner already
  saved `MAX_ATTEMPTS_PER_MINUTE` attempts at the question in the 60 s before `now`.
- A learner's data is theirs: `forget` deletes a learner's attempts and review schedule, and
  records who asked (an `Event`, in the same transaction); `events()` is that audit trail.
- A damage check: `check()` lists problems with the store in plain words ([] when fine).
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Final, NamedTuple, Protocol, Self, runtime_checkable

import attrs

from twitchlearn.attempts import Attempt, encode_answer, format_time, parse_time
from twitchlearn.errors import StoreError
from twitchlearn.review import ReviewState
from twitchlearn.scoring import Grade

__all__ = [
    "DB_ENV",
    "FORGET",
    "MAX_ATTEMPTS_PER_MINUTE",
    "RATE_WINDOW",
    "ClosingStore",
    "Event",
    "ForgetRequest",
    "NewAttempt",
    "ProgressStore",
    "attempt_filters",
    "folded",
    "forget_request",
    "new_attempt",
]

# Where the progress store is (a SQLite file's path, or a postgresql:// address), when
# neither --db nor a caller says.
DB_ENV: Final = "TWITCHLEARN_DB"

# At most this many attempts by one learner at one question in any RATE_WINDOW (60 s): a
# person answering, reading the feedback and trying again makes a few a minute; more than
# one every two seconds is a script or a stuck key, and would fill the store (issue 15).
MAX_ATTEMPTS_PER_MINUTE: Final = 30
RATE_WINDOW: Final = timedelta(seconds=60)

# Event.action of `forget`: a learner's attempts and review schedule were deleted.
FORGET: Final = "forget"


def folded(text: str) -> str:
    """The key a name or class code is matched on: NFC, casefold, NFC ("Jess" and "jess",
    "7B" and "7b", "Zoe\u0308" and "Zoë" share one). Stored beside the name as typed."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


class Event(NamedTuple):
    """One entry of the audit trail: who removed whose data, and when."""

    id: int  # increases in the order events were recorded
    action: str  # FORGET
    learner: str  # as given to the call
    class_code: str
    by: str  # "learner" (their own request) or the teacher's name
    attempts: int  # how many attempts were removed
    at: datetime  # aware, UTC


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
        """Every class with at least one attempt, sorted: one spelling per class (the
        first one saved)."""
        ...

    def forget(self, learner: str, class_code: str, *, by: str, now: datetime | None = None) -> int:
        """Delete every attempt and the review schedule of `learner` in `class_code` (matched
        folded) and record an Event by `by` ("learner" or a teacher's name), in one
        transaction. Returns how many attempts were deleted."""
        ...

    def events(self) -> list[Event]:
        """The audit trail, in the order it was recorded."""
        ...

    def check(self) -> list[str]:
        """Problems with the store, one plain line each, saying what to do ([] when fine)."""
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
    learner_key: str  # folded(learner)
    class_key: str  # folded(class_code)
    question_id: str
    answer_json: str
    score: float
    max_score: float
    correct: bool
    answered_at: datetime  # aware UTC, exactly as format_time will write it
    answered_at_text: str
    question_version: str

    def saved(self, attempt_id: int) -> Attempt:
        """This attempt as the store gives it back, once saved with id `attempt_id`."""
        return Attempt(
            id=attempt_id,
            learner=self.learner,
            class_code=self.class_code,
            question_id=self.question_id,
            answer_json=self.answer_json,
            score=self.score,
            max_score=self.max_score,
            correct=self.correct,
            answered_at=self.answered_at,
            question_version=self.question_version,
        )


def attempt_filters(
    learner: str | None, class_code: str | None, question_id: str | None
) -> list[tuple[str, str]]:
    """The (column, value) pairs an `attempts(...)` query filters on, names folded as the
    SQL backends store them; a filter not given is left out."""
    wanted = (
        ("class_key", None if class_code is None else folded(class_code)),
        ("learner_key", None if learner is None else folded(learner)),
        ("question_id", question_id),
    )
    return [(column, value) for column, value in wanted if value is not None]


class ClosingStore:
    """What every backend does as a context manager: `with open_store(...) as store:`
    closes it on leaving. Backends inherit it and define `close`."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


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
        learner_key=folded(learner),
        class_key=folded(class_code),
        question_id=question_id,
        answer_json=encode_answer(answer),
        score=float(grade.score),
        max_score=float(grade.max_score),
        correct=grade.correct,
        answered_at=parse_time(when),
        answered_at_text=when,
        question_version=grade.question_version,
    )


class ForgetRequest(NamedTuple):
    """A `forget` call, checked: whose data (folded keys), who asked, and when (aware UTC)."""

    learner_key: str
    class_key: str
    by: str
    at: datetime
    at_text: str  # format_time(at)


def forget_request(learner: str, class_code: str, by: str, now: datetime | None) -> ForgetRequest:
    """Check a `forget` call before any backend runs it. Raises ValueError, TypeError or
    StoreError (text that cannot be stored)."""
    for name, text in (
        ("learner", learner),
        ("class code", class_code),
        ("name of who asked", by),
    ):
        _check_text(name, text)
    if not by.strip():
        raise ValueError('Say who asked to remove the data: "learner" or the teacher\'s name.')
    when = format_time(datetime.now(UTC) if now is None else now)
    return ForgetRequest(folded(learner), folded(class_code), by, parse_time(when), when)


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
