"""A Leitner review schedule: questions a learner got wrong come back, spaced out.

Pure functions only; `twitchlearn.store` keeps one `ReviewState` per learner, class and
question in its `reviews` table and applies `next_state` to every recorded attempt.

    box   1      2      3      4      5
    wait  0 d    1 d    3 d    7 d    14 d   (from the answer that put the question there)

- A wrong answer (anything short of full marks) puts the question in box 1, due at once.
- A right answer to a question that is due moves it up one box (box 5 stays in box 5).
- A right answer before the question is due changes nothing: it was not a review.
- A question never answered wrongly has no state and is never reviewed.

Times are timezone-aware datetimes passed in by the caller (an injectable clock).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

__all__ = [
    "FIRST_BOX",
    "INTERVALS",
    "LAST_BOX",
    "ReviewState",
    "is_due",
    "next_state",
]

FIRST_BOX = 1
LAST_BOX = 5
# Wait before a question in each box is due again.
INTERVALS: dict[int, timedelta] = {
    1: timedelta(days=0),
    2: timedelta(days=1),
    3: timedelta(days=3),
    4: timedelta(days=7),
    5: timedelta(days=14),
}


def _check_box(_instance: object, _attribute: object, value: int) -> None:
    if not FIRST_BOX <= value <= LAST_BOX:
        raise ValueError(f"A Leitner box is {FIRST_BOX}..{LAST_BOX}; got {value!r}.")


def _check_aware(_instance: object, _attribute: object, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"Review times must be timezone-aware; got {value!r}.")


@attrs.frozen(kw_only=True)
class ReviewState:
    """Where one question stands for one learner: its box and when it is next due."""

    box: int = attrs.field(validator=_check_box)
    due_at: datetime = attrs.field(validator=_check_aware)


def next_state(
    state: ReviewState | None, *, correct: bool, answered_at: datetime
) -> ReviewState | None:
    """The schedule after an answer given at `answered_at` (aware). None: nothing to review."""
    _check_aware(None, None, answered_at)
    if not correct:
        return ReviewState(box=FIRST_BOX, due_at=answered_at + INTERVALS[FIRST_BOX])
    if state is None:
        return None
    if answered_at < state.due_at:
        return state
    box = min(state.box + 1, LAST_BOX)
    return ReviewState(box=box, due_at=answered_at + INTERVALS[box])


def is_due(state: ReviewState, now: datetime) -> bool:
    """Whether the question should be asked again at `now` (aware)."""
    _check_aware(None, None, now)
    return now >= state.due_at
