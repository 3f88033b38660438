"""The course as typed, immutable data: what `load_content()` returns.

The YAML files of a content folder are structured into these classes by
`twitchlearn.loading`; field names here are the keys a content author writes.
`Content` is the whole folder: the course (lessons, questions, sources), and the optional
parts beside it (the explorer's risk model and case studies, the glossary, the teacher
guide).
"""

from __future__ import annotations

import enum
import hashlib
import json
from pathlib import Path
from typing import Literal, TypeAlias

import attrs

from twitchlearn.risk import CaseStudy, RiskModel, WarningSigns

__all__ = [
    "Choice",
    "ClassWay",
    "ClinicianBox",
    "Content",
    "Course",
    "Figure",
    "GlossaryTerm",
    "Lesson",
    "MatchItem",
    "MatchingQuestion",
    "MultipleSelectQuestion",
    "NumericQuestion",
    "PlanStep",
    "Question",
    "QuestionKind",
    "Section",
    "SetupStep",
    "SingleChoiceQuestion",
    "Source",
    "SourceKind",
    "TeacherGuide",
    "TrueFalseQuestion",
    "question_version",
]

QuestionKind: TypeAlias = Literal[
    "single_choice", "multiple_select", "true_false", "numeric", "matching"
]


class SourceKind(enum.StrEnum):
    """What a source is, which decides what a citation of it must give."""

    PAPER = "paper"  # a journal article: authors, year, journal, and a DOI or PMID
    WEB = "web"  # a web page: organisation, URL, and when it was reviewed or read
    GUIDELINE = "guideline"  # a published guideline (NICE, ...): organisation, year, URL
    BOOK = "book"  # a book or manual: authors or organisation, year


@attrs.frozen(kw_only=True)
class Source:
    """A reference that claims in the course are traced to. Learners see its title."""

    id: str
    kind: SourceKind
    title: str
    publisher: str  # the journal, or the organisation that publishes the page
    authors: str = ""  # "Reed DM, Kurland LT"; "" for an organisation's page
    year: int | None = None
    volume: str = ""  # "9:363-367" for a paper
    doi: str = ""
    pmid: str = ""
    url: str = ""
    reviewed: str = ""  # when the page says it was last reviewed (YYYY-MM-DD or YYYY-MM)
    accessed: str = ""  # when the course's authors last read it (YYYY-MM-DD)

    def citation(self) -> str:
        """The reference as a reader sees it, without the address (shown as a link)."""
        who = f"{self.authors}. " if self.authors else ""
        year = f" ({self.year})" if self.year is not None else ""
        where = self.publisher + (f" {self.volume}" if self.volume else "")
        parts = [f"{who}{self.title}{year}. {where}."]
        if self.doi:
            parts.append(f"doi:{self.doi}.")
        elif self.pmid:
            parts.append(f"PMID {self.pmid}.")
        if self.reviewed:
            parts.append(f"Page last reviewed {self.reviewed}.")
        elif self.accessed:
            parts.append(f"Read {self.accessed}.")
        return " ".join(parts)

    @property
    def link(self) -> str:
        """Where a reader can find it: the URL, else the DOI's address, else PubMed's."""
        if self.url:
            return self.url
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return ""


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


def question_version(question: Question) -> str:
    """A short hash of everything in `question` (its text, options, key, feedback). A saved
    attempt keeps the version it answered, so an edited question never re-grades old
    answers silently (twitchlearn.attempts, the export and the teacher views say so)."""
    known = _VERSIONS.get(id(question))
    if known is not None and known[0] is question:
        return known[1]
    text = json.dumps(attrs.asdict(question), sort_keys=True, ensure_ascii=False, default=str)
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    _VERSIONS[id(question)] = (question, version)  # questions are frozen: worked out once
    return version


_VERSIONS: dict[int, tuple[Question, str]] = {}


@attrs.frozen(kw_only=True)
class Figure:
    """A picture drawn for the course, shown in its section: an SVG file in the content
    folder's figures/ (`file` is its name there, such as "motor-unit.svg"). `alt` says in
    plain words what the picture shows, for people who cannot see it; `caption` sits below
    it for everyone. The loader checks the drawing is safe to put in a page (no scripts, no
    outside links) and keeps its cleaned markup in `Content.figures`."""

    file: str
    alt: str
    caption: str


@attrs.frozen(kw_only=True)
class Section:
    heading: str
    body: str
    sources: tuple[str, ...] = ()
    figure: Figure | None = None


@attrs.frozen(kw_only=True)
class ClinicianBox:
    """'When to see a clinician': advice that always stands out from the lesson.

    The page shows the course's three tiers of warning signs (warning_signs.yaml) in every
    lesson; `eyelid` adds the eyelid signs, and `items` what only this lesson adds.
    """

    title: str = "When to see a clinician"
    items: tuple[str, ...] = ()
    eyelid: bool = False
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

    def question_text(self) -> str:
        """Everything a learner reads in the lesson's questions, for readability checks:
        prompts, options and their feedback, units, matching items, explanations."""
        parts: list[str] = []
        for q in self.questions:
            parts.append(q.prompt)
            if isinstance(q, SingleChoiceQuestion | MultipleSelectQuestion):
                for choice in q.choices:
                    parts.extend(t for t in (choice.text, choice.feedback) if t)
            elif isinstance(q, TrueFalseQuestion):
                parts.append(q.feedback)
            elif isinstance(q, NumericQuestion):
                parts.extend((q.feedback_low, q.feedback_high))
            else:
                parts.extend(item.text for item in (*q.left, *q.right))
                parts.extend(q.feedback.values())
            parts.append(q.explanation)
        return "\n".join(parts)

    def text(self) -> str:
        """All prose a learner reads in the lesson body, for readability checks."""
        parts = [self.overview, *self.objectives]
        for section in self.sections:
            parts.append(section.body)
            if section.figure is not None:  # read out (alt) or read below it (caption)
                parts.extend((section.figure.alt, section.figure.caption))
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


@attrs.frozen(kw_only=True)
class GlossaryTerm:
    """A word a learner meets, explained in plain language (glossary.yaml)."""

    term: str
    meaning: str
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class PlanStep:
    """One part of a class session in the teacher guide."""

    minutes: int
    activity: str
    detail: str


@attrs.frozen(kw_only=True)
class SetupStep:
    """One step of running a class one way: what to do, and what to type, if anything."""

    do: str
    command: str = ""  # typed in a terminal, in the course's folder unless it says otherwise


@attrs.frozen(kw_only=True)
class ClassWay:
    """One way to run a class (one machine; JupyterHub; JupyterHub and PostgreSQL): whom it
    suits, then its steps in order."""

    title: str
    suits: str
    steps: tuple[SetupStep, ...]


@attrs.frozen(kw_only=True)
class TeacherGuide:
    """teacher_guide.yaml: the class plan, discussion prompts and the safety note.

    For teachers only (notebooks/teacher/); `prompts` maps lesson ids to their prompts, and
    a lesson without any gets `generic_prompts`.
    """

    plan: tuple[PlanStep, ...]
    safety_note: str
    # What to do when a learner says they have worrying symptoms or seems distressed.
    disclosure: tuple[str, ...]
    generic_prompts: tuple[str, ...]
    prompts: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    # How to run a class, step by step, each way the course can be served.
    ways: tuple[ClassWay, ...] = ()

    def prompts_for(self, lesson: Lesson) -> tuple[str, ...]:
        """Prompts for a class talk about `lesson`, ending with the safety note."""
        return (*self.prompts.get(lesson.id, self.generic_prompts), self.safety_note)


@attrs.frozen(kw_only=True)
class Content:
    """A whole content folder, checked as one: what `twitchlearn.loading.load_content` returns.

    Only the course (course.yaml, sources.yaml, the lessons) is required. Without
    risk_model.yaml there is no explorer (and so no case studies), and the explorer needs
    warning_signs.yaml (the three tiers every lesson shows); without teacher_guide.yaml the
    teacher guide shows only the answer key.
    """

    root: Path
    course: Course
    risk_model: RiskModel | None = None
    cases: tuple[CaseStudy, ...] = ()
    glossary: tuple[GlossaryTerm, ...] = ()
    guide: TeacherGuide | None = None
    warning_signs: WarningSigns | None = None
    # The checked, cleaned SVG markup of every figure the lessons show, by file name.
    figures: dict[str, str] = attrs.field(factory=dict)

    @property
    def has_explorer(self) -> bool:
        return self.risk_model is not None
