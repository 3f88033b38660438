"""The course as typed, immutable data: what `load_course()` returns.

The YAML files under `twitchlearn/content/` are structured into these classes by
`twitchlearn.loading`; field names here are the keys a content author writes.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

__all__ = [
    "Choice",
    "ClinicianBox",
    "Course",
    "Lesson",
    "MatchItem",
    "MatchingQuestion",
    "MultipleSelectQuestion",
    "NumericQuestion",
    "Question",
    "QuestionKind",
    "Section",
    "SingleChoiceQuestion",
    "Source",
    "TrueFalseQuestion",
]

QuestionKind: TypeAlias = Literal[
    "single_choice", "multiple_select", "true_false", "numeric", "matching"
]


@attrs.frozen(kw_only=True)
class Source:
    """A reference that claims in the course are traced to."""

    id: str
    title: str
    publisher: str
    year: int | None = None
    url: str | None = None

    def citation(self) -> str:
        year = f" ({self.year})" if self.year is not None else ""
        return f"{self.publisher}{year}. {self.title}."


@attrs.frozen(kw_only=True)
class Choice:
    """One option of a single-choice or multiple-select question."""

    id: str
    text: str
    correct: bool = False
    # Shown when a learner picks this choice and it is wrong (required for wrong choices).
    feedback: str = ""


@attrs.frozen(kw_only=True)
class MatchItem:
    id: str
    text: str


@attrs.frozen(kw_only=True)
class _QuestionBase:
    id: str
    lesson: str
    prompt: str
    explanation: str
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True)
class SingleChoiceQuestion(_QuestionBase):
    kind: Literal["single_choice"] = "single_choice"
    choices: tuple[Choice, ...]


@attrs.frozen(kw_only=True)
class MultipleSelectQuestion(_QuestionBase):
    """Pick every true option. Partial credit: share of right picks minus share of wrong picks."""

    kind: Literal["multiple_select"] = "multiple_select"
    choices: tuple[Choice, ...]


@attrs.frozen(kw_only=True)
class TrueFalseQuestion(_QuestionBase):
    kind: Literal["true_false"] = "true_false"
    answer: bool
    # Shown when the learner gives the wrong answer.
    feedback: str


@attrs.frozen(kw_only=True)
class NumericQuestion(_QuestionBase):
    """An estimate: right within `tolerance` of `answer`; refused outside minimum..maximum."""

    kind: Literal["numeric"] = "numeric"
    answer: float
    tolerance: float
    unit: str
    minimum: float
    maximum: float
    step: float = 1.0
    feedback_low: str
    feedback_high: str


@attrs.frozen(kw_only=True)
class MatchingQuestion(_QuestionBase):
    """Match each left item to one right item. `pairs` maps left ids to right ids."""

    kind: Literal["matching"] = "matching"
    left: tuple[MatchItem, ...]
    right: tuple[MatchItem, ...]
    pairs: dict[str, str]
    # Per left id: shown when that item is matched wrongly.
    feedback: dict[str, str]


Question: TypeAlias = (
    SingleChoiceQuestion
    | MultipleSelectQuestion
    | TrueFalseQuestion
    | NumericQuestion
    | MatchingQuestion
)


@attrs.frozen(kw_only=True)
class Section:
    heading: str
    body: str
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ClinicianBox:
    """'When to see a clinician': advice that always stands out from the lesson."""

    title: str = "When to see a clinician"
    items: tuple[str, ...]
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Lesson:
    id: str
    number: int
    title: str
    overview: str
    objectives: tuple[str, ...]
    sections: tuple[Section, ...]
    key_points: tuple[str, ...]
    summary: str
    unknowns: tuple[str, ...] = ()  # what science does not know yet, said plainly
    clinician_box: ClinicianBox | None = None
    sources: tuple[str, ...]
    questions: tuple[Question, ...] = ()

    def text(self) -> str:
        """All prose a learner reads in the lesson body, for readability checks."""
        parts = [self.overview, *self.objectives]
        for section in self.sections:
            parts.append(section.body)
        parts.extend(self.key_points)
        parts.append(self.summary)
        parts.extend(self.unknowns)
        return "\n".join(parts)


@attrs.frozen(kw_only=True)
class Course:
    title: str
    disclaimer: str
    lessons: tuple[Lesson, ...]
    sources: dict[str, Source]
    questions: dict[str, Question] = attrs.field(init=False)

    @questions.default
    def _index_questions(self) -> dict[str, Question]:
        return {q.id: q for lesson in self.lessons for q in lesson.questions}

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        known = ", ".join(lesson.id for lesson in self.lessons)
        raise KeyError(f"No lesson {lesson_id!r}; the lessons are: {known}")

    def next_lesson(self, lesson_id: str) -> Lesson | None:
        ids = [lesson.id for lesson in self.lessons]
        index = ids.index(lesson_id)
        return self.lessons[index + 1] if index + 1 < len(ids) else None
