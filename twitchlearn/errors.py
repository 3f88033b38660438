"""Every error twitchlearn raises on purpose, in one tree.

    TwitchlearnError
     ├── ContentError      a course file is broken; says the file, the id, the field and the fix
     ├── AnswerError       an answer cannot be graded (wrong type, unknown choice, NaN, range)
     │    └── TooManyChecks  one question was checked too often in the last minute
     ├── RiskInputError    a value given to the risk explorer's model is not usable
     └── StoreError        the progress store cannot be opened or written
          └── RateLimited  too many attempts at one question in the last minute; not saved

Messages are written for the person who can fix the problem: a teacher editing YAML,
a learner typing an answer, a maintainer setting up a server.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
    "AnswerError",
    "ContentError",
    "ContentProblem",
    "EmptyStore",
    "RateLimited",
    "RiskInputError",
    "StoreError",
    "TooManyChecks",
    "TwitchlearnError",
    "TwitchlearnWarning",
]


class TwitchlearnError(Exception):
    """Base class of every error twitchlearn raises on purpose."""


class TwitchlearnWarning(UserWarning):
    """Something works, but not as well as it should (for example progress is not being saved)."""


@attrs.frozen
class ContentProblem:
    """One thing wrong with one course file, and how to fix it."""

    file: str
    message: str
    fix: str
    where: str = ""  # "lesson causes" or "question causes-caffeine-dose"
    field: str = ""
    line: int | None = None  # 1-based, when the YAML parser could tell

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [location]
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field '{self.field}'")
        return f"{', '.join(parts)}: {self.message}. Fix: {self.fix}"


class ContentError(TwitchlearnError):
    """The course content (YAML) is invalid. Holds every problem found, not just the first."""

    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        header = (
            "1 problem in the course content"
            if count == 1
            else f"{count} problems in the course content"
        )
        super().__init__(header + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class AnswerError(TwitchlearnError, ValueError):
    """An answer cannot be graded. The message says what kind of answer the question takes."""


class TooManyChecks(AnswerError):
    """The kernel refused to grade: the learner checked this question's answer too often in
    the last minute (`twitchlearn.session.CHECKS_PER_MINUTE`). Nothing was graded or saved."""


class RiskInputError(TwitchlearnError, ValueError):
    """A value for the risk explorer is missing, not a number, or outside its allowed range."""


class StoreError(TwitchlearnError):
    """The progress store cannot be used. Lessons still work; progress is not saved."""


class EmptyStore(StoreError):
    """A store opened read-only has no course tables yet: nothing was ever saved in it (the
    first writer creates them). Nothing is wrong with it."""


class RateLimited(StoreError):
    """The store refused an attempt: this learner saved too many at this question in the last
    minute (`twitchlearn.storage.base.MAX_ATTEMPTS_PER_MINUTE`). Nothing was saved."""

    def __init__(
        self,
        message: str = (
            "You have answered this question many times in the last minute, so this answer "
            "was not saved. Wait a minute, then try again."
        ),
    ) -> None:
        super().__init__(message)
