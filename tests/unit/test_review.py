"""The Leitner schedule as pure functions, and its properties under any answer sequence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twitchlearn.review import (
    FIRST_BOX,
    INTERVALS,
    LAST_BOX,
    ReviewState,
    is_due,
    next_state,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_intervals_grow_box_by_box() -> None:
    assert list(INTERVALS) == list(range(FIRST_BOX, LAST_BOX + 1))
    assert [INTERVALS[box].days for box in INTERVALS] == [0, 1, 3, 7, 14]


def test_wrong_answer_goes_to_box_1_due_at_once() -> None:
    assert next_state(None, correct=False, answered_at=T0) == ReviewState(box=1, due_at=T0)
    boxed = ReviewState(box=4, due_at=T0 + timedelta(days=3))
    assert next_state(boxed, correct=False, answered_at=T0) == ReviewState(box=1, due_at=T0)


def test_right_answer_to_a_question_never_missed_needs_no_review() -> None:
    assert next_state(None, correct=True, answered_at=T0) is None


@pytest.mark.parametrize(("box", "after"), [(1, 2), (2, 3), (3, 4), (4, 5), (5, 5)])
def test_right_answer_when_due_moves_up_one_box(box: int, after: int) -> None:
    state = ReviewState(box=box, due_at=T0)
    later = T0 + timedelta(hours=5)
    assert next_state(state, correct=True, answered_at=later) == ReviewState(
        box=after, due_at=later + INTERVALS[after]
    )


def test_right_answer_before_due_changes_nothing() -> None:
    state = ReviewState(box=3, due_at=T0 + timedelta(days=3))
    assert next_state(state, correct=True, answered_at=T0 + timedelta(days=2)) == state


def test_is_due_from_the_due_time_on() -> None:
    state = ReviewState(box=2, due_at=T0)
    assert not is_due(state, T0 - timedelta(microseconds=1))
    assert is_due(state, T0)
    assert is_due(state, T0 + timedelta(days=30))


@pytest.mark.parametrize("box", [0, 6, -1])
def test_boxes_outside_1_to_5_are_refused(box: int) -> None:
    with pytest.raises(ValueError, match=r"box is 1\.\.5"):
        ReviewState(box=box, due_at=T0)


def test_naive_times_are_refused() -> None:
    naive = datetime(2025, 3, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        ReviewState(box=1, due_at=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_state(None, correct=False, answered_at=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_due(ReviewState(box=1, due_at=T0), naive)


# Answers: right or wrong, each some time after the one before (or, with clock skew, before).
steps = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=-3_600, max_value=40 * 86_400)),
    max_size=40,
)


@given(steps)
def test_schedule_properties_hold_for_any_answers(answers: list[tuple[bool, int]]) -> None:
    state: ReviewState | None = None
    now = T0
    ever_wrong = False
    for correct, seconds in answers:
        now += timedelta(seconds=seconds)
        before = state
        state = next_state(state, correct=correct, answered_at=now)
        ever_wrong = ever_wrong or not correct
        # Never scheduled unless once wrong; once scheduled, never forgotten.
        assert (state is None) == (not ever_wrong)
        if state is None:
            continue
        assert FIRST_BOX <= state.box <= LAST_BOX
        assert state.due_at >= now  # never due before the answer that set it
        if not correct:
            assert state == ReviewState(box=FIRST_BOX, due_at=now)
        elif before is not None and now < before.due_at:
            assert state == before  # answered early: not a review
        elif before is not None:
            assert state.box == min(before.box + 1, LAST_BOX)
            assert state.due_at == now + INTERVALS[state.box]
