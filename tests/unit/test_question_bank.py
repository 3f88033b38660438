"""The question bank as a whole: answers that cannot be guessed from where or how long the
right option is, numeric tolerances that agree with their own feedback, enough questions.

The order a learner sees options in comes from `twitchlearn.shuffle.shown_order`, seeded by
the learner and the question; these tests look at the bank as many learners would see it.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from twitchlearn import grade, load_content
from twitchlearn.identity import Learner
from twitchlearn.models import (
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    SingleChoiceQuestion,
)
from twitchlearn.scoring import RIGHT_FEEDBACK
from twitchlearn.shuffle import key_order, shown_order

COURSE = load_content().course
QUESTIONS = list(COURSE.questions.values())
SINGLE = [q for q in QUESTIONS if isinstance(q, SingleChoiceQuestion)]
MULTI = [q for q in QUESTIONS if isinstance(q, MultipleSelectQuestion)]
MATCHING = [q for q in QUESTIONS if isinstance(q, MatchingQuestion)]
NUMERIC = [q for q in QUESTIONS if isinstance(q, NumericQuestion)]
# Learners as the store knows them (name and class), and the anonymous learner.
LEARNERS = ["", *(Learner(f"learner {n}", f"class {n % 7}").order_key for n in range(300))]


def key_positions(key: str) -> Counter[int]:
    """Where the right option of each single-choice question stands, as `key` sees them
    (the order QuestionView shows: twitchlearn.shuffle.key_order)."""
    found: Counter[int] = Counter()
    for slot, q in enumerate(SINGLE):
        right = next(i for i, c in enumerate(q.choices) if c.correct)
        order = key_order(key, q.id, len(q.choices), right, slot)
        assert sorted(order) == list(range(len(q.choices)))
        found[order.index(right)] += 1
    return found


def test_the_key_is_in_no_one_position_for_more_than_half_the_questions() -> None:
    worst = max(max(key_positions(key).values()) for key in LEARNERS)
    assert worst <= len(SINGLE) / 2, (worst, len(SINGLE))


def test_the_view_shows_the_options_in_the_learners_order() -> None:
    from twitchlearn.session import ProgressTracker
    from twitchlearn.ui.quiz import QuestionView

    tracker = ProgressTracker(COURSE)
    key = Learner("Ada", "7B").order_key
    for slot, q in enumerate(SINGLE):
        right = next(i for i, c in enumerate(q.choices) if c.correct)
        expected = [q.choices[i].text for i in key_order(key, q.id, len(q.choices), right, slot)]
        view = QuestionView(q, tracker, 1, key)
        assert [label for label, _ in view.controls[0].options] == expected


def test_as_written_the_key_is_not_always_first() -> None:
    first = sum(1 for q in SINGLE if q.choices[0].correct)
    assert first <= len(SINGLE) / 2, f"the key is written first in {first} of {len(SINGLE)}"


def test_the_key_is_the_longest_option_in_at_most_half_the_questions() -> None:
    longest = [
        q.id
        for q in SINGLE
        if len(next(c for c in q.choices if c.correct).text) >= max(len(c.text) for c in q.choices)
    ]
    assert len(longest) <= len(SINGLE) / 2, f"{len(longest)} of {len(SINGLE)}: {longest}"


def test_multiple_select_does_not_show_the_right_options_first() -> None:
    for key in LEARNERS:
        right_first = 0
        for q in MULTI:
            shown = [q.choices[i] for i in shown_order(key, q.id, len(q.choices))]
            marks = [c.correct for c in shown]
            right_first += marks == sorted(marks, reverse=True)
        assert right_first <= len(MULTI) / 2, (key, right_first, len(MULTI))


def test_matching_does_not_show_the_answers_in_the_items_order() -> None:
    for key in LEARNERS:
        in_order = 0
        for q in MATCHING:
            shown = [q.right[i].id for i in shown_order(key, q.id, len(q.right))]
            in_order += shown == [q.pairs[item.id] for item in q.left]
        assert in_order <= len(MATCHING) / 2, (key, in_order, len(MATCHING))


@given(key=st.text(max_size=30), question=st.text(max_size=30), count=st.integers(0, 12))
def test_shown_order_is_a_permutation_and_the_same_every_time(
    key: str, question: str, count: int
) -> None:
    order = shown_order(key, question, count)
    assert sorted(order) == list(range(count))
    assert shown_order(key, question, count) == order


def test_names_that_differ_only_in_case_see_the_same_order() -> None:
    q = SINGLE[0]
    count = len(q.choices)
    assert shown_order(Learner("Jess", "7B").order_key, q.id, count) == shown_order(
        Learner("jess", "7b").order_key, q.id, count
    )
    orders = {shown_order(key, q.id, count) for key in LEARNERS}
    assert len(orders) > 1  # learners do not all see one order


# --- numeric questions --------------------------------------------------------------------


def _values(q: NumericQuestion) -> list[float]:
    """Every value a learner could type, on the question's step, from minimum to maximum."""
    count = round((q.maximum - q.minimum) / q.step)
    return [q.minimum + n * q.step for n in range(count + 1)]


def test_every_numeric_feedback_branch_can_be_shown() -> None:
    for q in NUMERIC:
        seen = {grade(q, value).feedback[0] for value in _values(q)}
        assert q.feedback_low in seen, f"{q.id}: no answer gets feedback_low"
        assert q.feedback_high in seen, f"{q.id}: no answer gets feedback_high"
        assert RIGHT_FEEDBACK in seen, f"{q.id}: no answer is right"


# --- the size of the bank -----------------------------------------------------------------


def test_every_lesson_has_at_least_six_questions_and_the_course_all_five_kinds() -> None:
    for lesson in COURSE.lessons:
        assert len(lesson.questions) >= 6, lesson.id
    kinds = {q.kind for q in QUESTIONS}
    assert kinds == {"single_choice", "multiple_select", "true_false", "numeric", "matching"}
