"""Grading: each kind right and wrong, refused answers, and properties over made-up questions."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from twitchlearn.errors import AnswerError
from twitchlearn.models import (
    Choice,
    Course,
    MatchingQuestion,
    MatchItem,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.rules import question_findings  # the loader's own rules for a question
from twitchlearn.scoring import MAX_SCORE, Grade, grade, grade_answer

# --- fixed questions -----------------------------------------------------------------------

COMMON: dict[str, Any] = {
    "lesson": "lesson-one",
    "prompt": "A prompt?",
    "explanation": "Why the key is right.",
    "sources": ("nhs-twitches",),
}

SINGLE = SingleChoiceQuestion(
    id="single",
    choices=(
        Choice(id="a", text="Alpha", correct=True),
        Choice(id="b", text="Beta", feedback="Beta is a cramp."),
        Choice(id="c", text="Gamma", feedback="Gamma is a tremor."),
    ),
    **COMMON,
)
MULTI = MultipleSelectQuestion(
    id="multi",
    choices=(
        Choice(id="a", text="Alpha", correct=True),
        Choice(id="b", text="Beta", correct=True),
        Choice(id="c", text="Gamma", feedback="Gamma is wrong."),
        Choice(id="d", text="Delta", feedback="Delta is wrong."),
    ),
    **COMMON,
)
TRUE_FALSE = TrueFalseQuestion(id="tf", answer=True, feedback="It is true.", **COMMON)
NUMERIC = NumericQuestion(
    id="num",
    answer=95.0,
    tolerance=25.0,
    unit="mg",
    minimum=0.0,
    maximum=1000.0,
    feedback_low="More than that.",
    feedback_high="Less than that.",
    **COMMON,
)
MATCHING = MatchingQuestion(
    id="match",
    left=(MatchItem(id="twitch", text="Twitch"), MatchItem(id="cramp", text="Cramp")),
    right=(MatchItem(id="flicker", text="Flicker"), MatchItem(id="tight", text="Tight")),
    pairs={"twitch": "flicker", "cramp": "tight"},
    feedback={"twitch": "A twitch is brief.", "cramp": "A cramp hurts."},
    **COMMON,
)


@pytest.mark.parametrize("question", [SINGLE, MULTI, TRUE_FALSE, NUMERIC, MATCHING])
def test_fixed_questions_follow_the_loader_rules(question: Question) -> None:
    assert list(question_findings(question, question.sources)) == []


def assert_right(result: Grade) -> None:
    assert result.score == MAX_SCORE
    assert result.correct
    assert result.feedback == ("Right.",)


def test_single_choice_right_and_wrong() -> None:
    assert_right(grade(SINGLE, "a"))
    wrong = grade(SINGLE, "c")
    assert (wrong.score, wrong.correct, wrong.feedback) == (0.0, False, ("Gamma is a tremor.",))
    assert wrong.right_answer == "Alpha"
    assert wrong.explanation == "Why the key is right."


def test_multiple_select_right_partial_and_wrong() -> None:
    assert_right(grade(MULTI, {"a", "b"}))
    assert_right(grade(MULTI, ["b", "a", "a"]))  # any collection; repeats count once
    half = grade(MULTI, ["a"])
    assert (half.score, half.correct) == (0.5, False)
    assert half.feedback == ("You missed 1 right option.",)
    mixed = grade(MULTI, ("a", "b", "c"))
    assert mixed.score == 0.5
    assert mixed.feedback == ("Gamma is wrong.",)
    everything = grade(MULTI, ["a", "b", "c", "d"])
    assert everything.score == 0.0
    assert everything.feedback == ("Gamma is wrong.", "Delta is wrong.")
    nothing = grade(MULTI, [])
    assert nothing.score == 0.0
    assert nothing.feedback == ("You missed 2 right options.",)
    assert grade(MULTI, ["c"]).score == 0.0  # never below zero
    assert half.right_answer == "Alpha; Beta"


def test_true_false_right_and_wrong() -> None:
    assert_right(grade(TRUE_FALSE, True))
    wrong = grade(TRUE_FALSE, False)
    assert (wrong.score, wrong.correct, wrong.feedback) == (0.0, False, ("It is true.",))
    assert wrong.right_answer == "True"


def test_numeric_right_low_and_high() -> None:
    assert_right(grade(NUMERIC, 95))
    assert_right(grade(NUMERIC, 70.0))  # the edge of the tolerance counts
    assert_right(grade(NUMERIC, 120))
    low = grade(NUMERIC, 69.5)
    assert (low.score, low.correct, low.feedback) == (0.0, False, ("More than that.",))
    high = grade(NUMERIC, 500)
    assert high.feedback == ("Less than that.",)
    assert high.right_answer == "95 mg (answers within 25 mg count as right)"


def test_matching_right_partial_and_wrong() -> None:
    assert_right(grade(MATCHING, {"twitch": "flicker", "cramp": "tight"}))
    half = grade(MATCHING, {"twitch": "flicker", "cramp": "flicker"})
    assert (half.score, half.correct, half.feedback) == (0.5, False, ("A cramp hurts.",))
    partial = grade(MATCHING, {"cramp": "tight"})  # an unmatched item counts as wrong
    assert (partial.score, partial.feedback) == (0.5, ("A twitch is brief.",))
    swapped = grade(MATCHING, {"twitch": "tight", "cramp": "flicker"})
    assert swapped.score == 0.0
    assert swapped.feedback == ("A twitch is brief.", "A cramp hurts.")
    assert swapped.right_answer == "Twitch → Flicker; Cramp → Tight"


# --- grade_answer ---------------------------------------------------------------------------


def test_grade_answer_finds_the_question(small_course: Course) -> None:
    question = next(q for q in small_course.questions.values() if q.kind == "true_false")
    assert isinstance(question, TrueFalseQuestion)
    result = grade_answer(question.id, question.answer, course=small_course)
    assert result.correct
    assert result.question_id == question.id


def test_grade_answer_unknown_question_id(small_course: Course) -> None:
    with pytest.raises(AnswerError, match=r"There is no question 'no-such-q' in the course"):
        grade_answer("no-such-q", "a", course=small_course)


# --- refused answers ----------------------------------------------------------------------


REFUSED: list[tuple[Question, Any, str]] = [
    (SINGLE, 1, r"Question 'single' takes the id of one choice \('a', 'b', 'c'\); got int 1"),
    (SINGLE, ["a"], r"takes the id of one choice .*got list \['a'\]"),
    (SINGLE, None, r"takes the id of one choice .*got NoneType None"),
    (SINGLE, "z", r"Question 'single' has no choice 'z'; pick one of 'a', 'b', 'c'"),
    (SINGLE, "A", r"has no choice 'A'"),
    (MULTI, "ab", r"Question 'multi' takes a list of choice ids .*got str 'ab'"),
    (MULTI, b"a", r"takes a list of choice ids .*got bytes"),
    (MULTI, {"a": True}, r"takes a list of choice ids .*got dict"),
    (MULTI, 3, r"takes a list of choice ids .*got int 3"),
    (MULTI, ["a", "z"], r"Question 'multi' has no choice 'z'; pick from 'a', 'b', 'c', 'd'"),
    (MULTI, ["a", 1], r"has no choice 1"),
    (MULTI, [["a"]], r"has no choice \['a'\]"),
    (TRUE_FALSE, "true", r"Question 'tf' takes True or False; got str 'true'"),
    (TRUE_FALSE, 1, r"takes True or False; got int 1"),
    (NUMERIC, "95", r"Question 'num' takes a number of mg; got str '95'"),
    (NUMERIC, True, r"takes a number of mg; got bool True"),
    (NUMERIC, None, r"takes a number of mg; got NoneType"),
    (NUMERIC, math.nan, r"takes a number of mg; nan is not one"),
    (NUMERIC, math.inf, r"takes a number of mg; inf is not one"),
    (NUMERIC, -math.inf, r"takes a number of mg; -inf is not one"),
    (NUMERIC, -1, r"Question 'num': give a number from 0 to 1000 mg; got -1"),
    (NUMERIC, 1000.5, r"give a number from 0 to 1000 mg; got 1000\.5"),
    (NUMERIC, 10**400, r"give a number from 0 to 1000 mg"),
    (MATCHING, ["flicker", "tight"], r"Question 'match' takes a mapping .*got list"),
    (MATCHING, "twitch", r"takes a mapping of each item to its match.*got str"),
    (MATCHING, {"spasm": "flicker"}, r"Question 'match' has no item 'spasm' to match"),
    (MATCHING, {"twitch": "wobble"}, r"'wobble' is not one of the matches \['flicker',"),
    (MATCHING, {"twitch": 1}, r"1 is not one of the matches"),
    (MATCHING, {"twitch": ["flicker"]}, r"\['flicker'\] is not one of the matches"),
]


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    REFUSED,
    ids=[f"{q.kind}-{type(a).__name__}-{i}" for i, (q, a, _) in enumerate(REFUSED)],
)
def test_answers_of_the_wrong_form_are_refused(
    question: Question, answer: Any, message: str
) -> None:
    with pytest.raises(AnswerError, match=message):
        grade(question, answer)


# --- strategies: questions that follow the loader's rules -----------------------------------

ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,6}", fullmatch=True)
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(str.strip)
common = st.fixed_dictionaries(
    {"id": ids, "lesson": ids, "prompt": texts, "explanation": texts, "sources": st.just(("s",))}
)


def make_choices(
    choice_ids: list[str], correct: Iterable[int], feedback: str
) -> tuple[Choice, ...]:
    right = set(correct)
    return tuple(
        Choice(
            id=cid,
            text=f"Option {cid}",
            correct=i in right,
            feedback="" if i in right else feedback,
        )
        for i, cid in enumerate(choice_ids)
    )


@st.composite
def single_choice_questions(draw: st.DrawFn) -> SingleChoiceQuestion:
    choice_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    key = draw(st.integers(0, len(choice_ids) - 1))
    return SingleChoiceQuestion(
        choices=make_choices(choice_ids, [key], draw(texts)), **draw(common)
    )


@st.composite
def multiple_select_questions(draw: st.DrawFn) -> MultipleSelectQuestion:
    choice_ids = draw(st.lists(ids, min_size=2, max_size=7, unique=True))
    flags = draw(
        st.lists(st.booleans(), min_size=len(choice_ids), max_size=len(choice_ids)).filter(
            lambda f: any(f) and not all(f)
        )
    )
    correct = [i for i, flag in enumerate(flags) if flag]
    return MultipleSelectQuestion(
        choices=make_choices(choice_ids, correct, draw(texts)), **draw(common)
    )


# Numbers on a grid of quarters: exact in binary, so "within the tolerance" has one meaning.
QUARTER = 0.25


@st.composite
def numeric_questions(draw: st.DrawFn) -> NumericQuestion:
    # As the loader's rules require: both feedback branches can show, so the tolerance
    # stops short of the minimum and the maximum.
    low = draw(st.integers(-4000, 4000))
    high = draw(st.integers(low + 4, low + 8000))
    answer = draw(st.integers(low + 2, high - 2))
    tolerance = draw(st.integers(1, min(400, answer - low - 1, high - answer - 1)))
    return NumericQuestion(
        answer=answer * QUARTER,
        tolerance=tolerance * QUARTER,
        unit="mg",
        minimum=low * QUARTER,
        maximum=high * QUARTER,
        feedback_low="Too low.",
        feedback_high="Too high.",
        **draw(common),
    )


@st.composite
def matching_questions(draw: st.DrawFn) -> MatchingQuestion:
    left_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    right_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    pairs = {left: draw(st.sampled_from(right_ids)) for left in left_ids}
    return MatchingQuestion(
        left=tuple(MatchItem(id=i, text=f"Left {i}") for i in left_ids),
        right=tuple(MatchItem(id=i, text=f"Right {i}") for i in right_ids),
        pairs=pairs,
        feedback={left: f"Not {left}." for left in left_ids},
        **draw(common),
    )


@st.composite
def true_false_questions(draw: st.DrawFn) -> TrueFalseQuestion:
    return TrueFalseQuestion(answer=draw(st.booleans()), feedback=draw(texts), **draw(common))


any_question = st.one_of(
    single_choice_questions(),
    multiple_select_questions(),
    true_false_questions(),
    numeric_questions(),
    matching_questions(),
)


def key_of(question: Question) -> Any:
    if isinstance(question, SingleChoiceQuestion):
        return next(c.id for c in question.choices if c.correct)
    if isinstance(question, MultipleSelectQuestion):
        return frozenset(c.id for c in question.choices if c.correct)
    if isinstance(question, MatchingQuestion):
        return dict(question.pairs)
    return question.answer


@st.composite
def question_and_answer(draw: st.DrawFn) -> tuple[Question, Any]:
    q = draw(any_question)
    answer: Any
    if isinstance(q, SingleChoiceQuestion):
        answer = draw(st.sampled_from([c.id for c in q.choices]))
    elif isinstance(q, MultipleSelectQuestion):
        answer = draw(st.lists(st.sampled_from([c.id for c in q.choices])))
    elif isinstance(q, TrueFalseQuestion):
        answer = draw(st.booleans())
    elif isinstance(q, NumericQuestion):
        answer = draw(st.integers(round(q.minimum / QUARTER), round(q.maximum / QUARTER))) * QUARTER
    else:
        right_ids = [item.id for item in q.right]
        answer = draw(
            st.dictionaries(
                st.sampled_from([item.id for item in q.left]), st.sampled_from(right_ids)
            )
        )
    return q, draw(st.one_of(st.just(answer), st.just(key_of(q))))


def is_key(question: Question, answer: Any) -> bool:
    if isinstance(question, MultipleSelectQuestion):
        return frozenset(answer) == key_of(question)
    if isinstance(question, NumericQuestion):
        return abs(answer - question.answer) <= question.tolerance
    return bool(answer == key_of(question))


# --- properties -------------------------------------------------------------------------------


@settings(deadline=None)
@given(any_question)
def test_generated_questions_follow_the_loader_rules(question: Question) -> None:
    assert list(question_findings(question, question.sources)) == []


@settings(deadline=None)
@given(question_and_answer())
def test_score_is_within_bounds_and_full_marks_iff_the_key(case: tuple[Question, Any]) -> None:
    question, answer = case
    result = grade(question, answer)
    assert 0.0 <= result.score <= result.max_score == MAX_SCORE
    assert result.correct == (result.score == result.max_score)
    assert result.correct == is_key(question, answer), (answer, key_of(question), result)
    assert result.feedback, "every grade says something"
    assert result.question_id == question.id


@settings(deadline=None)
@given(multiple_select_questions(), st.data())
def test_multiple_select_partial_credit(
    question: MultipleSelectQuestion, data: st.DataObject
) -> None:
    every = [c.id for c in question.choices]
    assert grade(question, every).score == 0.0, "ticking everything must not earn credit"
    key = key_of(question)
    full = grade(question, key).score
    picked = data.draw(st.sets(st.sampled_from(every)))
    score = grade(question, picked).score
    assert score <= full
    right = [c.id for c in question.choices if c.correct]
    wrong = [c.id for c in question.choices if not c.correct]
    expected = max(
        Fraction(0),
        Fraction(len(picked & key), len(right)) - Fraction(len(picked - key), len(wrong)),
    )
    assert score == float(expected)
    # Adding a right option never lowers the score; adding a wrong one never raises it.
    for cid in right:
        assert grade(question, picked | {cid}).score >= score
    for cid in wrong:
        assert grade(question, picked | {cid}).score <= score


@settings(deadline=None)
@given(numeric_questions(), st.data())
def test_numeric_within_tolerance_iff_correct(
    question: NumericQuestion, data: st.DataObject
) -> None:
    steps = data.draw(
        st.integers(round(question.minimum / QUARTER), round(question.maximum / QUARTER))
    )
    value = steps * QUARTER
    result = grade(question, value)
    within = abs(Fraction(value) - Fraction(question.answer)) <= Fraction(question.tolerance)
    assert result.correct == within
    assert result.score == (1.0 if within else 0.0)
    if not within:
        expected = question.feedback_low if value < question.answer else question.feedback_high
        assert result.feedback == (expected,)
    if value.is_integer():  # an int answer is graded like the same float
        assert grade(question, int(value)) == result


@settings(deadline=None)
@given(numeric_questions(), st.floats(allow_nan=False, allow_infinity=False))
def test_numeric_any_float_in_range_is_graded_outside_refused(
    question: NumericQuestion, value: float
) -> None:
    if question.minimum <= value <= question.maximum:
        result = grade(question, value)
        if abs(Fraction(value) - Fraction(question.answer)) <= Fraction(question.tolerance):
            assert result.correct
        assert result.score in (0.0, 1.0)
    else:
        with pytest.raises(AnswerError, match="give a number from"):
            grade(question, value)


@settings(deadline=None)
@given(matching_questions(), st.data())
def test_matching_score_is_the_share_matched(
    question: MatchingQuestion, data: st.DataObject
) -> None:
    left = [item.id for item in question.left]
    right = [item.id for item in question.right]
    answer = data.draw(st.dictionaries(st.sampled_from(left), st.sampled_from(right)))
    result = grade(question, answer)
    matched = [i for i in left if answer.get(i) == question.pairs[i]]
    assert result.score == float(Fraction(len(matched), len(left)))
    assert result.correct == (answer == question.pairs)
    wrong_feedback = tuple(question.feedback[i] for i in left if i not in matched)
    assert result.feedback == (wrong_feedback or ("Right.",))


@settings(deadline=None)
@given(single_choice_questions(), st.text(max_size=8))
def test_single_choice_unknown_ids_are_refused(question: SingleChoiceQuestion, answer: str) -> None:
    assume(answer not in {c.id for c in question.choices})
    with pytest.raises(AnswerError, match="has no choice"):
        grade(question, answer)
