"""A class's results as rows and as CSV files a gradebook can import.

`export_rows(store, course, class_code, policy)` gives, for every learner with an attempt in
the class, one row per question of the course (in course order; 0 points and 0 attempts when
unanswered) and then one total row (question_id "TOTAL"), out of the points the course's
questions are worth (`scoring.question_points`: 1 each). `policy` says which attempt counts
when a question was answered more than once: "first" (the default: after a wrong answer the
page shows the right one), "last" or "best" (highest score, the earliest of equal scores).
Attempts at question ids the course does not have (removed from the content) are not
exported.

`gradebook_rows` gives one row per learner instead (`twitchlearn export --gradebook`): the
questions answered, the points per lesson and in total under `policy`, and the total points
of the first and of the last attempts (the last includes practice after the right answer
was shown). Its figures are the class dashboard's (`teacher.learner_progress`); its header
names each lesson by number and title, with the points it is worth (`gradebook_header`).

Each answered row says which version of the question the counted attempt answered
(`version`): "current", "older" (the question was edited since: the old grade stands, it is
not re-graded) or "unknown" (saved before versions were kept). The total row counts the
older ones ("2 older").

`write_csv(rows, target)` writes them as UTF-8 CSV with a header row. Text that a spreadsheet
would run as a formula (starting with = + - @ or a tab) is prefixed with a single quote.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from datetime import datetime
from typing import Final, TextIO

import attrs

from twitchlearn.attempts import DEFAULT_POLICY, POLICIES, CountedAttempt, Policy, counted
from twitchlearn.models import Course, question_version
from twitchlearn.scoring import format_points, question_points
from twitchlearn.storage import ProgressStore
from twitchlearn.teacher import learner_progress, lesson_points

__all__ = [
    "COLUMNS",
    "GRADEBOOK_START",
    "POLICIES",
    "TOTAL",
    "ExportRow",
    "GradebookRow",
    "Policy",
    "export_rows",
    "gradebook_header",
    "gradebook_rows",
    "version_status",
    "write_csv",
    "write_gradebook_csv",
]

TOTAL: Final = "TOTAL"  # the question_id of each learner's total row
COLUMNS: Final = (
    "learner",
    "class",
    "question_id",
    "lesson",
    "score",
    "max_score",
    "correct",
    "attempts",
    "answered_at",
    "version",
)


@attrs.frozen(kw_only=True)
class ExportRow:
    learner: str
    class_code: str
    question_id: str  # TOTAL on the total row
    lesson: str  # the lesson id; "" on the total row
    score: float
    max_score: float
    correct: int  # 1 or 0; on the total row, the number of questions answered right
    attempts: int  # on the total row, all attempts at the course's questions
    answered_at: datetime | None  # of the attempt counted; the latest on the total row
    version: str = ""  # current, older or unknown; "" unanswered; "N older" on the total row


def export_rows(
    store: ProgressStore,
    course: Course,
    class_code: str,
    policy: Policy = DEFAULT_POLICY,
    *,
    learner: str | None = None,
) -> list[ExportRow]:
    """One row per learner and course question, then the learner's total; see the module doc.
    With `learner`, only that learner's rows (matched folded, as the store matches names):
    what a learner downloads of their own answers."""
    by_learner: dict[str, dict[str, CountedAttempt]] = {}
    for chosen in counted(store.attempts(class_code=class_code, learner=learner), policy):
        by_learner.setdefault(chosen.learner, {})[chosen.question_id] = chosen
    questions = list(course.questions.values())
    rows: list[ExportRow] = []
    for learner in sorted(by_learner, key=lambda name: (name.casefold(), name)):
        mine = by_learner[learner]
        score = max_score = 0.0
        right = attempts = older = 0
        last: datetime | None = None
        for question in questions:
            attempt = mine.get(question.id)
            if attempt is None:
                row = ExportRow(
                    learner=learner,
                    class_code=class_code,
                    question_id=question.id,
                    lesson=question.lesson,
                    score=0.0,
                    max_score=question_points(question),
                    correct=0,
                    attempts=0,
                    answered_at=None,
                )
            else:
                version = version_status(attempt.question_version, question_version(question))
                older += version == "older"
                row = ExportRow(
                    learner=learner,
                    class_code=class_code,
                    question_id=question.id,
                    lesson=question.lesson,
                    score=attempt.score,
                    max_score=attempt.max_score,
                    correct=int(attempt.correct),
                    attempts=attempt.attempts,
                    answered_at=attempt.answered_at,
                    version=version,
                )
                if last is None or attempt.answered_at > last:
                    last = attempt.answered_at
            rows.append(row)
            score += row.score
            max_score += row.max_score
            right += row.correct
            attempts += row.attempts
        rows.append(
            ExportRow(
                learner=learner,
                class_code=class_code,
                question_id=TOTAL,
                lesson="",
                score=score,
                max_score=max_score,
                correct=right,
                attempts=attempts,
                answered_at=last,
                version=f"{older} older" if older else "",
            )
        )
    return rows


# --- one row per learner: the gradebook ------------------------------------------------------

# How a gradebook file's header starts (the rest names the course's lessons): what
# `twitchlearn export` looks for before it writes over an earlier gradebook.
GRADEBOOK_START: Final = ("learner", "class", "questions answered")

_ATTEMPT_WORDS: Final[dict[Policy, str]] = {
    "first": "first attempt",
    "last": "last attempt",
    "best": "best attempt",
}


@attrs.frozen(kw_only=True)
class GradebookRow:
    learner: str
    class_code: str
    answered: int  # questions answered at least once
    lesson_scores: tuple[float, ...]  # points under the policy, per lesson in course order
    score: float  # points under the policy, all lessons
    first_score: float  # points of the first attempts
    last_score: float  # points of the last attempts


def gradebook_rows(
    store: ProgressStore, course: Course, class_code: str, policy: Policy = DEFAULT_POLICY
) -> list[GradebookRow]:
    """One row per learner with an attempt in the class, sorted as the dashboard sorts them."""
    return [
        GradebookRow(
            learner=p.learner,
            class_code=class_code,
            answered=p.answered,
            lesson_scores=p.lesson_scores,
            score=p.score,
            first_score=p.first_score,
            last_score=p.last_score,
        )
        for p in learner_progress(store, course, class_code, policy)
    ]


def _extra_totals(policy: Policy) -> tuple[Policy, ...]:
    """Besides the total under `policy`, the totals of the first and the last attempts."""
    return tuple(p for p in ("first", "last") if p != policy)


def gradebook_header(course: Course, policy: Policy = DEFAULT_POLICY) -> tuple[str, ...]:
    """The gradebook's column names: lessons by number and title, and the points they are
    worth; the totals say which attempt they count."""
    if policy not in POLICIES:
        raise ValueError(f"Unknown policy {policy!r}; use one of {', '.join(map(repr, POLICIES))}.")
    worth = lesson_points(course)
    total = format_points(sum(worth))
    counting = _ATTEMPT_WORDS[policy]
    return (
        *GRADEBOOK_START[:2],
        f"{GRADEBOOK_START[2]} (of {len(course.questions)})",
        *(
            f"Lesson {lesson.number}: {lesson.title} (points out of {format_points(points)}, "
            f"{counting})"
            for lesson, points in zip(course.lessons, worth, strict=True)
        ),
        f"Total points (out of {total}, {counting})",
        *(f"Total points (out of {total}, {_ATTEMPT_WORDS[p]})" for p in _extra_totals(policy)),
    )


def write_gradebook_csv(
    rows: Iterable[GradebookRow],
    course: Course,
    target: str | os.PathLike[str] | TextIO,
    policy: Policy = DEFAULT_POLICY,
) -> None:
    """Write `rows` as CSV under `gradebook_header(course, policy)`, as `write_csv` does."""
    header = gradebook_header(course, policy)
    extra = _extra_totals(policy)

    def write(file: TextIO) -> None:
        writer = csv.writer(file)
        writer.writerow([_text(name) for name in header])
        for row in rows:
            totals = {"first": row.first_score, "last": row.last_score}
            writer.writerow(
                (
                    _text(row.learner),
                    _text(row.class_code),
                    row.answered,
                    *(_number(points) for points in row.lesson_scores),
                    _number(row.score),
                    *(_number(totals[p]) for p in extra),
                )
            )

    if isinstance(target, str | os.PathLike):
        with open(target, "w", encoding="utf-8", newline="") as file:
            write(file)
    else:
        write(target)


def version_status(answered: str, current: str) -> str:
    """Whether an attempt answered the question as it is now: current, older or unknown."""
    if not answered:
        return "unknown"
    return "current" if answered == current else "older"


def write_csv(rows: Iterable[ExportRow], target: str | os.PathLike[str] | TextIO) -> None:
    """Write `rows` as CSV with a header row: to a path (UTF-8) or to an open text file
    (open it with newline="")."""
    if isinstance(target, str | os.PathLike):
        with open(target, "w", encoding="utf-8", newline="") as file:
            _write(rows, file)
    else:
        _write(rows, target)


def _write(rows: Iterable[ExportRow], file: TextIO) -> None:
    writer = csv.writer(file)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            (
                _text(row.learner),
                _text(row.class_code),
                _text(row.question_id),
                _text(row.lesson),
                _number(row.score),
                _number(row.max_score),
                row.correct,
                row.attempts,
                "" if row.answered_at is None else row.answered_at.isoformat(timespec="seconds"),
                row.version,
            )
        )


def _text(value: str) -> str:
    """`value`, made inert if a spreadsheet would read it as a formula (CSV injection)."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
