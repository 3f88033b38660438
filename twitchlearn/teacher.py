"""What a teacher sees of a class: results computed from the progress store. No widgets.

`learner_progress`, `question_difficulty` and `common_wrong_answers` read one class from a
`ProgressStore`. When a learner answered a question more than once, `policy` says which
attempt counts ("first", the default, "last" or "best"), through
`twitchlearn.attempts.counted`, as in `twitchlearn export`. Each learner's progress also has
the points of their first attempts and of their last ones (practice after a wrong answer,
when the right one was shown), whatever the policy. Attempts at question ids the course no
longer has are left out.

The teacher guide's plan, prompts and safety note are content (teacher_guide.yaml, in
`Content.guide`); `answer_key` lists every question with its right answer. The answer key
must never reach the learners' app, so only notebooks/teacher/ uses it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final

import attrs

from twitchlearn.attempts import DEFAULT_POLICY, Answer, Attempt, CountedAttempt, Policy, counted
from twitchlearn.models import (
    Course,
    Lesson,
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.scoring import question_points, right_answer_text
from twitchlearn.storage import ProgressStore

__all__ = [
    "EXPORT_COMMAND",
    "GRADEBOOK_COMMAND",
    "KeyEntry",
    "LearnerProgress",
    "QuestionDifficulty",
    "WrongAnswer",
    "answer_key",
    "answer_text",
    "common_wrong_answers",
    "learner_progress",
    "lesson_points",
    "question_difficulty",
    "wrong_parts",
]

EXPORT_COMMAND: Final = "twitchlearn export --class {code} --out results.csv"
GRADEBOOK_COMMAND: Final = "twitchlearn export --class {code} --gradebook --out gradebook.csv"


# --- results -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class LearnerProgress:
    """One learner's results in a class, counting one attempt per question."""

    learner: str
    answered: int  # questions answered at least once
    correct: int  # of those, answered right (under the policy)
    score: float  # points under the policy (each question: scoring.question_points)
    total_questions: int  # in the course
    total_points: float = 0.0  # what the course's questions are worth together
    first_score: float = 0.0  # points counting each question's first attempt
    last_score: float = 0.0  # points counting each question's last attempt
    lesson_scores: tuple[float, ...] = ()  # points under the policy, per lesson in order

    @property
    def share_done(self) -> float:
        return self.answered / self.total_questions if self.total_questions else 0.0

    @property
    def share_correct(self) -> float:
        """Right answers as a share of the questions answered (0 when none)."""
        return self.correct / self.answered if self.answered else 0.0


@attrs.frozen(kw_only=True)
class QuestionDifficulty:
    """How a class did on one question: the lower share_correct, the harder it was."""

    question_id: str
    lesson: str
    prompt: str
    answered: int  # learners who answered it
    correct: int  # of those, right (under the policy)

    @property
    def share_correct(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@attrs.frozen(kw_only=True)
class WrongAnswer:
    """A wrong answer (or wrong part of one) and how many learners gave it."""

    question_id: str
    prompt: str
    answer: str  # plain text, as a learner saw it; not HTML
    count: int


def _counted(store: ProgressStore, class_code: str, policy: Policy) -> list[CountedAttempt]:
    return counted(store.attempts(class_code=class_code), policy)


def lesson_points(course: Course) -> tuple[float, ...]:
    """What each lesson's questions are worth together, in course order."""
    return tuple(sum(question_points(q) for q in lesson.questions) for lesson in course.lessons)


def _points(chosen: list[CountedAttempt], course: Course) -> dict[str, float]:
    """Per learner, the points of `chosen` at the course's questions."""
    points: dict[str, float] = {}
    for attempt in chosen:
        if attempt.question_id in course.questions:
            points[attempt.learner] = points.get(attempt.learner, 0.0) + attempt.score
    return points


def learner_progress(
    store: ProgressStore, course: Course, class_code: str, policy: Policy = DEFAULT_POLICY
) -> list[LearnerProgress]:
    """One entry per learner with an attempt in the class, sorted by name (case-folded)."""
    attempts: list[Attempt] = store.attempts(class_code=class_code)
    lesson_index = {lesson.id: n for n, lesson in enumerate(course.lessons)}
    mine: dict[str, list[CountedAttempt]] = {}
    for chosen in counted(attempts, policy):
        if chosen.question_id in course.questions:
            mine.setdefault(chosen.learner, []).append(chosen)
    first = _points(counted(attempts, "first"), course)
    last = _points(counted(attempts, "last"), course)
    total_points = sum(lesson_points(course))
    progress = []
    for learner, results in sorted(mine.items(), key=lambda item: (item[0].casefold(), item[0])):
        by_lesson = [0.0] * len(course.lessons)
        for result in results:
            by_lesson[lesson_index[course.questions[result.question_id].lesson]] += result.score
        progress.append(
            LearnerProgress(
                learner=learner,
                answered=len(results),
                correct=sum(1 for result in results if result.correct),
                score=sum(result.score for result in results),
                total_questions=len(course.questions),
                total_points=total_points,
                first_score=first.get(learner, 0.0),
                last_score=last.get(learner, 0.0),
                lesson_scores=tuple(by_lesson),
            )
        )
    return progress


def question_difficulty(
    store: ProgressStore, course: Course, class_code: str, policy: Policy = DEFAULT_POLICY
) -> list[QuestionDifficulty]:
    """Every question of the course in course order, with how many answered and got it right."""
    answered: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for chosen in _counted(store, class_code, policy):
        answered[chosen.question_id] += 1
        right[chosen.question_id] += int(chosen.correct)
    return [
        QuestionDifficulty(
            question_id=question.id,
            lesson=question.lesson,
            prompt=question.prompt,
            answered=answered[question.id],
            correct=right[question.id],
        )
        for question in course.questions.values()
    ]


def common_wrong_answers(
    store: ProgressStore,
    course: Course,
    class_code: str,
    policy: Policy = DEFAULT_POLICY,
    *,
    limit: int = 10,
) -> list[WrongAnswer]:
    """The wrong answers most learners gave (counting the attempt that counts), most first.

    A multiple-select answer counts each wrong option ticked and each right option left out;
    a matching answer counts each item matched wrongly.
    """
    tally: Counter[tuple[str, str]] = Counter()
    for attempt in _counted(store, class_code, policy):
        question = course.questions.get(attempt.question_id)
        if question is None or attempt.correct:
            continue
        for text in dict.fromkeys(wrong_parts(question, attempt.answer)):
            tally[(question.id, text)] += 1
    order = {qid: index for index, qid in enumerate(course.questions)}
    ranked = sorted(tally.items(), key=lambda item: (-item[1], order[item[0][0]], item[0][1]))
    return [
        WrongAnswer(question_id=qid, prompt=course.questions[qid].prompt, answer=text, count=count)
        for (qid, text), count in ranked[:limit]
    ]


def wrong_parts(question: Question, answer: Answer) -> list[str]:
    """The wrong parts of a saved answer to `question`, as plain text."""
    if isinstance(question, SingleChoiceQuestion):
        return [answer_text(question, answer)]
    if isinstance(question, MultipleSelectQuestion):
        picked = set(answer) if isinstance(answer, list) else set()
        parts = [c.text for c in question.choices if c.id in picked and not c.correct]
        parts += [
            f"Left out: {c.text}" for c in question.choices if c.correct and c.id not in picked
        ]
        return parts
    if isinstance(question, MatchingQuestion) and isinstance(answer, dict):
        left = {item.id: item.text for item in question.left}
        right = {item.id: item.text for item in question.right}
        return [
            f"{left[lid]} → {right.get(answer[lid], answer[lid]) if lid in answer else '(none)'}"
            for lid in left
            if answer.get(lid) != question.pairs[lid]
        ]
    return [answer_text(question, answer)]


def answer_text(question: Question, answer: Answer) -> str:
    """A saved answer as plain text: choice ids become the choices' text."""
    if isinstance(question, SingleChoiceQuestion | MultipleSelectQuestion):
        texts = {c.id: c.text for c in question.choices}
        ids = answer if isinstance(answer, list) else [str(answer)]
        return "; ".join(texts.get(i, i) for i in ids)
    if isinstance(question, TrueFalseQuestion) and isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(question, NumericQuestion) and isinstance(answer, int | float):
        return f"{answer:g} {question.unit}"
    if isinstance(question, MatchingQuestion) and isinstance(answer, dict):
        left = {item.id: item.text for item in question.left}
        right = {item.id: item.text for item in question.right}
        return "; ".join(f"{left.get(k, k)} → {right.get(v, v)}" for k, v in sorted(answer.items()))
    return str(answer)


# --- the answer key ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class KeyEntry:
    lesson_number: int
    lesson_title: str
    number: int  # the question's number within its lesson, as learners see it
    question_id: str
    prompt: str
    right_answer: str
    explanation: str


def answer_key(course: Course, lessons: Sequence[Lesson] | None = None) -> list[KeyEntry]:
    """Every question of `lessons` (default: all), with its right answer and explanation."""
    return [
        KeyEntry(
            lesson_number=lesson.number,
            lesson_title=lesson.title,
            number=number,
            question_id=question.id,
            prompt=question.prompt,
            right_answer=right_answer_text(question),
            explanation=question.explanation,
        )
        for lesson in (course.lessons if lessons is None else lessons)
        for number, question in enumerate(lesson.questions, start=1)
    ]
