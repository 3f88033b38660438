"""Attempts as the core knows them: what is saved, how answers are written, which one counts.

Every progress store backend (`twitchlearn.storage`) saves `Attempt`s with answers encoded
by `encode_answer` and times written by `format_time`, and every reader that needs "the
attempt that counts" (the export, the teacher's views) asks `counted()`, the one
implementation of the attempt policies:

    first   the learner's first attempt at the question (the default: DEFAULT_POLICY)
    last    the most recent attempt
    best    the highest score; of equal scores, the earliest

The first attempt counts unless a teacher asks otherwise: after a wrong answer the page
shows the right one and "Try again" takes it, so under "best" every learner who tries again
reaches full marks. Later attempts are practice; they are saved, and the teacher's views
show the last attempt's points beside the first's.

Answers are saved as JSON: a choice id (str), a list of choice ids (multiple select; a set is
saved sorted), a bool, a number, or an object of left id -> right id (matching).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import Final, Literal, NamedTuple, TypeAlias

from twitchlearn.identity import fold_key

__all__ = [
    "DEFAULT_POLICY",
    "POLICIES",
    "Answer",
    "Attempt",
    "CountedAttempt",
    "Policy",
    "counted",
    "decode_answer",
    "encode_answer",
    "format_time",
    "parse_time",
]

# A decoded answer. Multiple select answers come back as a list of choice ids.
Answer: TypeAlias = str | bool | int | float | list[str] | dict[str, str]

# Which attempt counts, when a learner answered a question more than once.
Policy: TypeAlias = Literal["first", "last", "best"]
POLICIES: Final[tuple[Policy, ...]] = ("first", "last", "best")
DEFAULT_POLICY: Final[Policy] = "first"  # see the module doc: the key is shown after a try


class Attempt(NamedTuple):
    """One answer to one question, as saved.

    A named tuple, not an attrs class: an export reads 100,000 of these, and a tuple is made
    several times faster. The answer stays as the JSON text the store holds (`answer_json`,
    from `encode_answer`) until something reads `answer`.
    """

    id: int  # increases in the order attempts were saved
    learner: str
    class_code: str
    question_id: str
    answer_json: str
    score: float
    max_score: float
    correct: bool
    answered_at: datetime  # timezone-aware, UTC
    question_version: str = ""  # the version of the question answered ("" before 2026-12)

    @property
    def answer(self) -> Answer:
        return decode_answer(self.answer_json)


class CountedAttempt(NamedTuple):
    """The attempt that counts for one learner and question, and how many attempts there were."""

    learner: str
    question_id: str
    score: float
    max_score: float
    correct: bool
    attempts: int
    answered_at: datetime
    answer_json: str
    question_version: str = ""

    @property
    def answer(self) -> Answer:
        return decode_answer(self.answer_json)


def counted(attempts: Iterable[Attempt], policy: Policy) -> list[CountedAttempt]:
    """Per learner and question, the attempt that counts under `policy` and how many there
    were; ordered by learner, then question id.

    Spellings of one name ("Jess" and "jess") are one learner, as the store matches them
    (`twitchlearn.identity.fold_key`); the learner is shown as first spelled."""
    if policy not in POLICIES:
        raise ValueError(f"Unknown policy {policy!r}; use one of {', '.join(map(repr, POLICIES))}.")
    chosen: dict[tuple[str, str], Attempt] = {}
    count: dict[tuple[str, str], int] = {}
    spelled: dict[str, str] = {}  # folded name -> the first spelling saved
    folds: dict[str, str] = {}  # each spelling folded once, not once an attempt
    for attempt in sorted(attempts, key=lambda a: a.id):
        folded = folds.get(attempt.learner)
        if folded is None:
            folded = folds[attempt.learner] = fold_key(attempt.learner)
        name = spelled.setdefault(folded, attempt.learner)
        if name != attempt.learner:
            attempt = attempt._replace(learner=name)
        key = (name, attempt.question_id)
        count[key] = count.get(key, 0) + 1
        held = chosen.get(key)
        if held is None or policy == "last" or (policy == "best" and attempt.score > held.score):
            chosen[key] = attempt
    return [
        CountedAttempt(
            learner=attempt.learner,
            question_id=attempt.question_id,
            score=attempt.score,
            max_score=attempt.max_score,
            correct=attempt.correct,
            attempts=count[key],
            answered_at=attempt.answered_at,
            answer_json=attempt.answer_json,
            question_version=attempt.question_version,
        )
        for key, attempt in sorted(chosen.items())
    ]


# --- answers as JSON ---------------------------------------------------------------------


def encode_answer(answer: object) -> str:
    """The JSON text saved for `answer`. Raises ValueError for anything that is not an answer."""
    return json.dumps(_plain(answer), allow_nan=False, sort_keys=True, separators=(",", ":"))


def decode_answer(text: str) -> Answer:
    """The answer saved as `text` by `encode_answer` (a set comes back as a sorted list)."""
    value: object = json.loads(text)
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [str(item) for item in value]
    if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
        return {str(key): str(item) for key, item in value.items()}
    raise ValueError(f"Not a saved answer: {text[:200]!r}")


def _plain(answer: object) -> Answer:
    if isinstance(answer, str | bool):
        return answer
    if isinstance(answer, int | float):
        if not math.isfinite(answer):
            raise ValueError(f"Cannot save the answer {answer!r}: it is not a finite number.")
        return answer
    if isinstance(answer, Mapping):
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in answer.items()):
            raise ValueError(f"Cannot save the answer {answer!r}: keys and values must be ids.")
        return dict(answer)
    if isinstance(answer, Collection) and not isinstance(answer, bytes):
        if not all(isinstance(item, str) for item in answer):
            raise ValueError(f"Cannot save the answer {answer!r}: it must hold choice ids.")
        if isinstance(answer, set | frozenset):
            return sorted(answer)
        return list(answer)
    raise ValueError(f"Cannot save an answer of type {type(answer).__name__}: {answer!r}.")


# --- times -------------------------------------------------------------------------------


def format_time(moment: datetime) -> str:
    """`moment` (aware) as fixed-width UTC text that sorts in time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"Times saved in the store must be timezone-aware; got {moment!r}.")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)
