"""What a teacher sees of a class: results computed from the progress store. No widgets.

`learner_progress`, `question_difficulty` and `common_wrong_answers` read one class from a
`ProgressStore`. When a learner answered a question more than once, `policy` says which
attempt counts ("first", the default, "last" or "best"), through
`twitchlearn.attempts.counted`, as in `twitchlearn export`. Each learner's progress also has
the points of their first attempts and of their last ones (practice after a wrong answer,
when the right one was shown), whatever the policy. Attempts at question ids the course no
longer has are left out.

The live class view (`twitchlearn.ui.classview`) asks `class_snapshot` every few seconds:
one read of the store, and from it the same progress (so the same scores as `twitchlearn
export --gradebook`), who is working now (`working_now`: an answer in the last
`WORKING_WINDOW`), the hardest questions and the most-chosen wrong answers, each question
named as learners see it (`question_label`: "Lesson 3, question 2"), never by its id.

The teacher guide's plan, prompts and safety note are content (teacher_guide.yaml, in
`Content.guide`); `answer_key` lists every question with its right answer. The answer key
must never reach the learners' app, so only notebooks/teacher/ uses it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Final

import attrs

from twitchlearn.attempts import DEFAULT_POLICY, Answer, Attempt, CountedAttempt, Policy, counted
from twitchlearn.identity import fold_key
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
    "WORKING_WINDOW",
    "ClassSnapshot",
    "KeyEntry",
    "LearnerProgress",
    "QuestionDifficulty",
    "WorkingLearner",
    "WrongAnswer",
    "answer_key",
    "answer_text",
    "class_snapshot",
    "common_wrong_answers",
    "hardest_questions",
    "learner_progress",
    "lesson_points",
    "question_difficulty",
    "question_label",
    "working_now",
    "wrong_parts",
]

EXPORT_COMMAND: Final = "twitchlearn export --class {code} --out results.csv"
GRADEBOOK_COMMAND: Final = "twitchlearn export --class {code} --gradebook --out gradebook.csv"
# "Working now": a learner with an answer saved this long ago or less.
WORKING_WINDOW: Final = timedelta(minutes=5)


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
    lesson_answered: tuple[int, ...] = ()  # questions answered, per lesson in order

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
    label: str = ""  # as learners see it: "Lesson 3, question 2" (`question_label`)

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
    label: str = ""  # the question as learners see it: "Lesson 3, question 2"


@attrs.frozen(kw_only=True)
class WorkingLearner:
    """A learner who saved an answer in the last few minutes (`working_now`)."""

    learner: str  # as first spelled, as in `learner_progress`
    last_answer: datetime  # aware, UTC
    answers: int  # answers saved in the window
    question: str  # the question of the last answer, as learners see it


@attrs.frozen(kw_only=True)
class ClassSnapshot:
    """Everything the live class view shows of one class, from one read of the store."""

    class_code: str
    attempts: int  # attempts saved in the class, every one counted
    policy: Policy = DEFAULT_POLICY
    newest: int = 0  # the id of the newest attempt (0: none); with `attempts`, what changed
    progress: tuple[LearnerProgress, ...]
    working: tuple[WorkingLearner, ...]
    hardest: tuple[QuestionDifficulty, ...]
    wrong: tuple[WrongAnswer, ...]


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
    return _progress(attempts, counted(attempts, policy), policy, course)


def _progress(
    attempts: list[Attempt], chosen: list[CountedAttempt], policy: Policy, course: Course
) -> list[LearnerProgress]:
    """`learner_progress` from the class's attempts and the ones that count (`chosen`,
    under `policy`)."""
    lesson_index = {lesson.id: n for n, lesson in enumerate(course.lessons)}
    mine: dict[str, list[CountedAttempt]] = {}
    for one in chosen:
        if one.question_id in course.questions:
            mine.setdefault(one.learner, []).append(one)
    first = _points(chosen if policy == "first" else counted(attempts, "first"), course)
    last = _points(chosen if policy == "last" else counted(attempts, "last"), course)
    total_points = sum(lesson_points(course))
    progress = []
    for learner, results in sorted(mine.items(), key=lambda item: (item[0].casefold(), item[0])):
        by_lesson = [0.0] * len(course.lessons)
        answered = [0] * len(course.lessons)
        for result in results:
            index = lesson_index[course.questions[result.question_id].lesson]
            by_lesson[index] += result.score
            answered[index] += 1
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
                lesson_answered=tuple(answered),
            )
        )
    return progress


def question_difficulty(
    store: ProgressStore, course: Course, class_code: str, policy: Policy = DEFAULT_POLICY
) -> list[QuestionDifficulty]:
    """Every question of the course in course order, with how many answered and got it right."""
    return _difficulty(_counted(store, class_code, policy), course)


def _difficulty(chosen: Iterable[CountedAttempt], course: Course) -> list[QuestionDifficulty]:
    answered: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for one in chosen:
        answered[one.question_id] += 1
        right[one.question_id] += int(one.correct)
    labels = _labels(course)
    return [
        QuestionDifficulty(
            question_id=question.id,
            lesson=question.lesson,
            prompt=question.prompt,
            answered=answered[question.id],
            correct=right[question.id],
            label=labels[question.id],
        )
        for question in course.questions.values()
    ]


def hardest_questions(
    difficulty: Iterable[QuestionDifficulty], *, limit: int = 5
) -> list[QuestionDifficulty]:
    """The answered questions with the smallest share right, hardest first; of equal shares,
    the one more learners answered, then course order."""
    answered = [(n, d) for n, d in enumerate(difficulty) if d.answered]
    ranked = sorted(answered, key=lambda item: (item[1].share_correct, -item[1].answered, item[0]))
    return [d for _, d in ranked[: max(limit, 0)]]


def _labels(course: Course) -> dict[str, str]:
    return {
        question.id: f"Lesson {lesson.number}, question {number}"
        for lesson in course.lessons
        for number, question in enumerate(lesson.questions, start=1)
    }


def question_label(course: Course, question_id: str) -> str:
    """A question as learners see it: "Lesson 3, question 2" (its lesson's number and its
    place in that lesson). A question the course no longer has: "A removed question"."""
    return _labels(course).get(question_id, "A removed question")


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
    return _wrong(_counted(store, class_code, policy), course, limit)


def _wrong(chosen: Iterable[CountedAttempt], course: Course, limit: int) -> list[WrongAnswer]:
    tally: Counter[tuple[str, str]] = Counter()
    for attempt in chosen:
        question = course.questions.get(attempt.question_id)
        if question is None or attempt.correct:
            continue
        for text in dict.fromkeys(wrong_parts(question, attempt.answer)):
            tally[(question.id, text)] += 1
    order = {qid: index for index, qid in enumerate(course.questions)}
    ranked = sorted(tally.items(), key=lambda item: (-item[1], order[item[0][0]], item[0][1]))
    labels = _labels(course)
    return [
        WrongAnswer(
            question_id=qid,
            prompt=course.questions[qid].prompt,
            answer=text,
            count=count,
            label=labels[qid],
        )
        for (qid, text), count in ranked[: max(limit, 0)]
    ]


def working_now(
    attempts: Iterable[Attempt], course: Course, now: datetime, window: timedelta = WORKING_WINDOW
) -> list[WorkingLearner]:
    """The learners with an answer saved in the `window` before `now` (a time after `now`,
    from a clock a little ahead, counts too), the most recent first.

    Spellings of one name are one learner, shown as first spelled (as `counted` does)."""
    since = now - window
    spelled: dict[str, str] = {}
    folds: dict[str, str] = {}  # each spelling folded once, not once an attempt
    last: dict[str, Attempt] = {}
    count: Counter[str] = Counter()
    for attempt in sorted(attempts, key=lambda a: a.id):
        folded = folds.get(attempt.learner)
        if folded is None:
            folded = folds[attempt.learner] = fold_key(attempt.learner)
        spelled.setdefault(folded, attempt.learner)
        if attempt.answered_at > since:
            count[folded] += 1
            held = last.get(folded)
            if held is None or attempt.answered_at >= held.answered_at:
                last[folded] = attempt
    labels = _labels(course)
    working = [
        WorkingLearner(
            learner=spelled[folded],
            last_answer=attempt.answered_at,
            answers=count[folded],
            question=labels.get(attempt.question_id, "A removed question"),
        )
        for folded, attempt in last.items()
    ]
    working.sort(key=lambda w: (-w.last_answer.timestamp(), w.learner.casefold(), w.learner))
    return working


def class_snapshot(
    store: ProgressStore,
    course: Course,
    class_code: str,
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
    *,
    window: timedelta = WORKING_WINDOW,
    limit: int = 5,
    previous: ClassSnapshot | None = None,
) -> ClassSnapshot:
    """What the live class view shows of `class_code`, from one read of the store: the same
    figures as `learner_progress`, `question_difficulty` (its `limit` hardest) and
    `common_wrong_answers`, and who is working now.

    With `previous` (the last snapshot of the same class and policy) and the same attempts
    (as many, the same newest id: ids only grow, so an attempt added or removed changes
    one of them), only who is working now is worked out again."""
    attempts = store.attempts(class_code=class_code)
    newest = max((a.id for a in attempts), default=0)
    working = tuple(working_now(attempts, course, now, window))
    if (
        previous is not None
        and (previous.class_code, previous.policy) == (class_code, policy)
        and (previous.attempts, previous.newest) == (len(attempts), newest)
    ):
        return attrs.evolve(previous, working=working)
    chosen = counted(attempts, policy)
    return ClassSnapshot(
        class_code=class_code,
        attempts=len(attempts),
        policy=policy,
        newest=newest,
        progress=tuple(_progress(attempts, chosen, policy, course)),
        working=working,
        hardest=tuple(hardest_questions(_difficulty(chosen, course), limit=limit)),
        wrong=tuple(_wrong(chosen, course, limit)),
    )


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
