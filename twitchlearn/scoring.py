"""Grade a learner's answer. Runs in the kernel; the browser never holds the key.

Answers by question kind:

    single_choice    the id of one choice                     "b"
    multiple_select  a collection of choice ids                {"a", "c"}
    true_false       a bool                                    False
    numeric          an int or float within minimum..maximum   250
    matching         a mapping of left ids to right ids        {"caffeine": "cut-down"}

Every question is worth 1 point. Multiple select earns the share of right options picked
minus the share of wrong options picked (never below 0), so ticking everything scores 0.
Matching earns the share of items matched right.

Points are written for people by `format_points` (and `points_text`, "2.3 of 3 points"):
whole numbers with no decimals, a part-point with one decimal that never reads as a whole
number. Files for machines (the CSV export) keep full numbers.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from fractions import Fraction

import attrs

from twitchlearn.errors import AnswerError
from twitchlearn.loading import load_course
from twitchlearn.models import (
    Course,
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    question_version,
)

__all__ = [
    "MAX_SCORE",
    "RIGHT_FEEDBACK",
    "Grade",
    "format_points",
    "grade",
    "grade_answer",
    "points_text",
    "question_points",
    "right_answer_text",
]

MAX_SCORE = 1.0


def question_points(question: Question) -> float:
    """What `question` is worth: the most a grade of it can score (every question: 1)."""
    del question  # every question is worth the same today; the one place to change that
    return MAX_SCORE


# Sums of part-points (thirds, quarters) land a hair away from whole numbers in floating
# point: 1/3 + 1/3 + 1/3 may be 0.9999999999999999. Closer than this to a whole number is it.
_WHOLE = 1e-9


def format_points(value: float) -> str:
    """Points as people write them: "2" for whole numbers, one decimal for a part-point
    ("2.3"). A part-point never looks whole: 2.96 is "2.9", not "3.0" (full marks), and
    0.04 is "0.1", not "0" (nothing right); otherwise it is rounded to the nearest tenth."""
    if not math.isfinite(value):
        raise ValueError(f"Points must be a finite number, not {value!r}.")
    whole = round(value)
    if abs(value - whole) <= _WHOLE:
        return str(whole)
    size = abs(value)
    floor = math.floor(size)
    tenths = min(max(round((size - floor) * 10), 1), 9)  # 1..9: never .0
    return f"{'-' if value < 0 else ''}{floor}.{tenths}"


def points_text(score: float, out_of: float) -> str:
    """A score out of a maximum in words: "2 of 3 points", "0.5 of 1 point"."""
    unit = "point" if format_points(out_of) == "1" else "points"
    return f"{format_points(score)} of {format_points(out_of)} {unit}"


@attrs.frozen(kw_only=True)
class Grade:
    question_id: str
    score: float
    max_score: float = MAX_SCORE
    correct: bool  # full marks: the answer is the key
    feedback: tuple[str, ...]  # about the answer that was given
    explanation: str
    right_answer: str  # revealed only after an answer was submitted
    question_version: str = ""  # models.question_version of the question graded


def grade_answer(question_id: str, answer: object, *, course: Course | None = None) -> Grade:
    """Grade `answer` to the question `question_id` of `course` (default: the shipped course)."""
    course = load_course() if course is None else course
    try:
        question = course.questions[question_id]
    except KeyError:
        raise AnswerError(
            f"There is no question {question_id!r} in the course; check the question id."
        ) from None
    return grade(question, answer)


def grade(question: Question, answer: object) -> Grade:
    """Grade `answer` to `question`. Raises AnswerError when the answer has the wrong form."""
    if isinstance(question, SingleChoiceQuestion):
        score, feedback = _grade_single(question, answer)
    elif isinstance(question, MultipleSelectQuestion):
        score, feedback = _grade_multiple(question, answer)
    elif isinstance(question, TrueFalseQuestion):
        score, feedback = _grade_true_false(question, answer)
    elif isinstance(question, NumericQuestion):
        score, feedback = _grade_numeric(question, answer)
    else:
        score, feedback = _grade_matching(question, answer)
    return Grade(
        question_id=question.id,
        score=float(score),
        correct=score == 1,
        feedback=feedback,
        explanation=question.explanation,
        right_answer=right_answer_text(question),
        question_version=question_version(question),
    )


def right_answer_text(question: Question) -> str:
    if isinstance(question, SingleChoiceQuestion | MultipleSelectQuestion):
        return "; ".join(c.text for c in question.choices if c.correct)
    if isinstance(question, TrueFalseQuestion):
        return "True" if question.answer else "False"
    if isinstance(question, NumericQuestion):
        return (
            f"{question.answer:g} {question.unit} "
            f"(answers within {question.tolerance:g} {question.unit} count as right)"
        )
    right = {item.id: item.text for item in question.right}
    return "; ".join(f"{item.text} → {right[question.pairs[item.id]]}" for item in question.left)


RIGHT_FEEDBACK = "Right."  # the feedback of a fully right answer


def _choice_ids(question: SingleChoiceQuestion | MultipleSelectQuestion) -> str:
    return ", ".join(repr(c.id) for c in question.choices)


def _grade_single(q: SingleChoiceQuestion, answer: object) -> tuple[Fraction, tuple[str, ...]]:
    if not isinstance(answer, str):
        raise AnswerError(
            f"Question {q.id!r} takes the id of one choice ({_choice_ids(q)}); "
            f"got {type(answer).__name__} {answer!r}."
        )
    by_id = {c.id: c for c in q.choices}
    if answer not in by_id:
        raise AnswerError(
            f"Question {q.id!r} has no choice {answer!r}; pick one of {_choice_ids(q)}."
        )
    choice = by_id[answer]
    return (Fraction(1), (RIGHT_FEEDBACK,)) if choice.correct else (Fraction(0), (choice.feedback,))


def _grade_multiple(q: MultipleSelectQuestion, answer: object) -> tuple[Fraction, tuple[str, ...]]:
    if isinstance(answer, str | bytes | Mapping) or not isinstance(answer, Collection):
        raise AnswerError(
            f"Question {q.id!r} takes a list of choice ids (any of {_choice_ids(q)}); "
            f"got {type(answer).__name__} {answer!r}."
        )
    picked = set()
    for item in answer:
        if not isinstance(item, str) or item not in {c.id for c in q.choices}:
            raise AnswerError(
                f"Question {q.id!r} has no choice {item!r}; pick from {_choice_ids(q)}."
            )
        picked.add(item)
    right = [c for c in q.choices if c.correct]
    wrong = [c for c in q.choices if not c.correct]
    hits = sum(1 for c in right if c.id in picked)
    false_picks = [c for c in wrong if c.id in picked]
    score = max(Fraction(0), Fraction(hits, len(right)) - Fraction(len(false_picks), len(wrong)))
    feedback = [c.feedback for c in false_picks]
    missed = len(right) - hits
    if missed:
        feedback.append(f"You missed {missed} right option{'s' if missed > 1 else ''}.")
    return score, tuple(feedback) or (RIGHT_FEEDBACK,)


def _grade_true_false(q: TrueFalseQuestion, answer: object) -> tuple[Fraction, tuple[str, ...]]:
    if not isinstance(answer, bool):
        raise AnswerError(
            f"Question {q.id!r} takes True or False; got {type(answer).__name__} {answer!r}."
        )
    return (Fraction(1), (RIGHT_FEEDBACK,)) if answer == q.answer else (Fraction(0), (q.feedback,))


def _grade_numeric(q: NumericQuestion, answer: object) -> tuple[Fraction, tuple[str, ...]]:
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        raise AnswerError(
            f"Question {q.id!r} takes a number of {q.unit}; got {type(answer).__name__} {answer!r}."
        )
    try:
        value = float(answer)
    except OverflowError:  # an int too large for a float is out of range too
        raise AnswerError(
            f"Question {q.id!r}: give a number from {q.minimum:g} to {q.maximum:g} {q.unit}; "
            f"got {answer!r}."
        ) from None
    if not math.isfinite(value):
        raise AnswerError(f"Question {q.id!r} takes a number of {q.unit}; {answer!r} is not one.")
    if not q.minimum <= value <= q.maximum:
        raise AnswerError(
            f"Question {q.id!r}: give a number from {q.minimum:g} to {q.maximum:g} {q.unit}; "
            f"got {value:g}."
        )
    if abs(value - q.answer) <= q.tolerance:
        return Fraction(1), (RIGHT_FEEDBACK,)
    return Fraction(0), (q.feedback_low if value < q.answer else q.feedback_high,)


def _grade_matching(q: MatchingQuestion, answer: object) -> tuple[Fraction, tuple[str, ...]]:
    left_ids = [item.id for item in q.left]
    right_ids = {item.id for item in q.right}
    if not isinstance(answer, Mapping):
        raise AnswerError(
            f"Question {q.id!r} takes a mapping of each item to its match, "
            f"such as {{{left_ids[0]!r}: <right id>}}; got {type(answer).__name__}."
        )
    for key, value in answer.items():
        if key not in left_ids:
            raise AnswerError(f"Question {q.id!r} has no item {key!r} to match; items: {left_ids}.")
        if not isinstance(value, str) or value not in right_ids:
            raise AnswerError(
                f"Question {q.id!r}: {value!r} is not one of the matches {sorted(right_ids)}."
            )
    right_count = sum(1 for left in left_ids if answer.get(left) == q.pairs[left])
    feedback = tuple(q.feedback[left] for left in left_ids if answer.get(left) != q.pairs[left])
    return Fraction(right_count, len(left_ids)), feedback or (RIGHT_FEEDBACK,)
