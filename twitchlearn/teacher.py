"""What a teacher sees: a class's results and the teacher guide's data. Pure Python, no widgets.

Results (`learner_progress`, `question_difficulty`, `common_wrong_answers`) read one class
from a `ProgressStore`. When a learner answered a question more than once, `policy` says
which attempt counts: "first", "last" or "best" (the highest score, the earliest of equals),
as in `twitchlearn export`. Attempts at question ids the course no longer has are left out.

The guide (`CLASS_PLAN`, `discussion_prompts`, `answer_key`) is for the teacher only: the
answer key must never reach the learners' app, so only notebooks/teacher/ uses it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

import attrs

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
from twitchlearn.scoring import right_answer_text
from twitchlearn.store import POLICIES, Answer, Attempt, Policy, ProgressStore

__all__ = [
    "CLASS_PLAN",
    "EXPORT_COMMAND",
    "KeyEntry",
    "LearnerProgress",
    "PlanStep",
    "QuestionDifficulty",
    "WrongAnswer",
    "answer_key",
    "answer_text",
    "class_codes",
    "common_wrong_answers",
    "counted",
    "discussion_prompts",
    "learner_progress",
    "question_difficulty",
    "wrong_parts",
]

EXPORT_COMMAND: Final = "twitchlearn export --class {code} --out results.csv"


# --- results -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class LearnerProgress:
    """One learner's results in a class, counting one attempt per question."""

    learner: str
    answered: int  # questions answered at least once
    correct: int  # of those, answered right (under the policy)
    score: float  # points, one per question at most
    total_questions: int  # in the course

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


def class_codes(store: ProgressStore) -> list[str]:
    """Every class code with at least one attempt, sorted."""
    return sorted({attempt.class_code for attempt in store.attempts()})


def learner_progress(
    store: ProgressStore, course: Course, class_code: str, policy: Policy
) -> list[LearnerProgress]:
    """One entry per learner with an attempt in the class, sorted by name (case-folded)."""
    mine: dict[str, list[tuple[float, bool]]] = {}
    for chosen in store.counted_attempts(class_code, policy):
        if chosen.question_id in course.questions:
            mine.setdefault(chosen.learner, []).append((chosen.score, chosen.correct))
    total = len(course.questions)
    return [
        LearnerProgress(
            learner=learner,
            answered=len(results),
            correct=sum(1 for _, right in results if right),
            score=sum(score for score, _ in results),
            total_questions=total,
        )
        for learner, results in sorted(mine.items(), key=lambda item: (item[0].casefold(), item[0]))
    ]


def question_difficulty(
    store: ProgressStore, course: Course, class_code: str, policy: Policy
) -> list[QuestionDifficulty]:
    """Every question of the course in course order, with how many answered and got it right."""
    answered: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for chosen in store.counted_attempts(class_code, policy):
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


def counted(attempts: Iterable[Attempt], policy: Policy) -> list[Attempt]:
    """Per learner and question, the attempt that counts under `policy` (as the store's
    `counted_attempts` picks it), in the order the attempts were saved."""
    if policy not in POLICIES:
        raise ValueError(f"Unknown policy {policy!r}; use 'first', 'last' or 'best'.")
    chosen: dict[tuple[str, str], Attempt] = {}
    for attempt in sorted(attempts, key=lambda a: a.id):
        key = (attempt.learner, attempt.question_id)
        held = chosen.get(key)
        if held is None or policy == "last" or (policy == "best" and attempt.score > held.score):
            chosen[key] = attempt
    return sorted(chosen.values(), key=lambda a: a.id)


def common_wrong_answers(
    store: ProgressStore, course: Course, class_code: str, policy: Policy, *, limit: int = 10
) -> list[WrongAnswer]:
    """The wrong answers most learners gave (counting the attempt that counts), most first.

    A multiple-select answer counts each wrong option ticked and each right option left out;
    a matching answer counts each item matched wrongly.
    """
    tally: Counter[tuple[str, str]] = Counter()
    for attempt in counted(store.attempts(class_code=class_code), policy):
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


# --- the teacher guide -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PlanStep:
    minutes: int
    activity: str
    detail: str


CLASS_PLAN: Final[tuple[PlanStep, ...]] = (
    PlanStep(
        minutes=5,
        activity="Introduction",
        detail=(
            "Read the course disclaimer aloud: the course teaches, it does not diagnose. "
            "Anyone worried about their own health should talk to a doctor or nurse."
        ),
    ),
    PlanStep(
        minutes=25,
        activity="Two lessons in pairs",
        detail=(
            "Learners work in pairs through two lessons you choose, taking turns to read "
            "and answering the Check yourself questions together."
        ),
    ),
    PlanStep(
        minutes=10,
        activity="Discussion",
        detail=(
            "Use the discussion prompts of the two lessons. Keep talk general: do not "
            "discuss or guess at anyone's own symptoms."
        ),
    ),
    PlanStep(
        minutes=5,
        activity="Exit quiz",
        detail=(
            "Each learner answers three questions alone. Look at the class dashboard "
            "afterwards to see which questions were hardest."
        ),
    ),
)

_SAFETY: Final = (
    "Remind the class: this course cannot say what causes anyone's twitches. "
    "Do not stop a prescribed medicine without advice from a doctor or pharmacist."
)

_PROMPTS: Final[dict[str, tuple[str, ...]]] = {
    "what-is-twitching": (
        "How would you explain the difference between a twitch, a cramp and a tremor?",
        "Why do you think so many healthy people have twitches at some time?",
    ),
    "causes": (
        "Which everyday things in the lesson can make twitching more likely?",
        "Why should someone talk to a doctor or pharmacist before stopping a medicine?",
    ),
    "symptoms": (
        "Which signs mean it is time to see a doctor, and which are common and harmless?",
        "Why is feeling weak not the same as being weak?",
    ),
    "diagnosis": (
        "What does a doctor usually do first, and why is a normal check reassuring?",
        "Why does not everyone with twitches need a nerve test?",
    ),
    "treatment": (
        "Why does treatment depend on the cause?",
        "What can people try themselves, and when should they ask for help?",
    ),
    "anxiety": (
        "How can worry and twitching feed each other?",
        "What kinds of help for anxiety did the lesson describe?",
    ),
    "prevention": (
        "Which steps have good evidence, and which have little or none?",
        "What does it mean when a study finds no evidence for something?",
    ),
}

_GENERIC_PROMPTS: Final = (
    "What was new or surprising in this lesson?",
    "What would you tell a friend about it, in one sentence?",
)


def discussion_prompts(lesson: Lesson) -> tuple[str, ...]:
    """Plain-language prompts for a class talk about `lesson`, ending with the safety note."""
    return (*_PROMPTS.get(lesson.id, _GENERIC_PROMPTS), _SAFETY)


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
