"""Read the course from YAML, validate all of it, and return typed models.

A content folder holds:

    course.yaml     title, disclaimer, and the lesson files in course order
    sources.yaml    every reference the course cites, by id
    lessons/*.yaml  one lesson each, with its questions

`load_course()` reads the shipped course once per process and caches it.
`read_course(folder)` reads any folder (a teacher's own copy) without caching.
Both raise `ContentError` listing every problem found, each with file, line, id, field and fix.
"""

from __future__ import annotations

import functools
import math
import os
import re
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from twitchlearn.errors import ContentError, ContentProblem
from twitchlearn.models import (
    Choice,
    Course,
    Lesson,
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    Source,
    TrueFalseQuestion,
)

__all__ = ["CONTENT_DIR", "QUESTION_CLASSES", "load_course", "load_data_file", "read_course"]

CONTENT_DIR = Path(__file__).parent / "content"

QUESTION_CLASSES: dict[str, type[Question]] = {
    "single_choice": SingleChoiceQuestion,
    "multiple_select": MultipleSelectQuestion,
    "true_false": TrueFalseQuestion,
    "numeric": NumericQuestion,
    "matching": MatchingQuestion,
}

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_T = TypeVar("_T")


def load_course(directory: str | Path | None = None) -> Course:
    """The course in `directory`, validated once and cached.

    Default: the folder in the TWITCHLEARN_CONTENT environment variable when it is set
    (a teacher's own copy), else the shipped course.
    """
    if directory is None:
        directory = os.environ.get("TWITCHLEARN_CONTENT") or CONTENT_DIR
    path = Path(directory)
    return _load_cached(str(path.resolve()))


@functools.cache
def _load_cached(resolved: str) -> Course:
    return read_course(resolved)


def load_data_file(path: str | Path, cls: type[_T]) -> _T:
    """Read one YAML file of the content folder into `cls`, as strictly as the course itself.

    For data beside the lessons (such as the risk explorer's model). Raises ContentError.
    """
    path = Path(path)
    reader = _CourseReader(path.parent)
    raw = reader.read_yaml(path.name)
    result = None if raw is None else reader.structure(raw, cls, path.name, "")
    if reader.problems or result is None:
        raise ContentError(reader.problems)
    return result


def read_course(directory: str | Path) -> Course:
    """Read and validate a content folder. Raises ContentError with every problem found."""
    reader = _CourseReader(Path(directory))
    course = reader.read()
    if reader.problems or course is None:
        raise ContentError(reader.problems)
    return course


# --- strict structuring -------------------------------------------------------------------
# cattrs' defaults call str()/bool()/int() on whatever the YAML holds, so "no" would become
# True and 12 would become "12". A content author deserves to hear about such slips instead.


def _strict(expected: type, *accepted: type) -> Any:
    names = {str: "text", bool: "true or false", int: "a whole number", float: "a number"}

    def structure(value: Any, _type: Any) -> Any:
        if isinstance(value, bool) and expected is not bool:
            raise TypeError(f"expected {names[expected]}, got {value!r}")
        if not isinstance(value, accepted):
            raise TypeError(f"expected {names[expected]}, got {value!r}")
        if expected is float:
            number = float(typing.cast(float, value))
            if not math.isfinite(number):
                raise TypeError(f"expected a finite number, got {value!r}")
            return number
        return expected(value)

    return structure


_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_structure_hook(str, _strict(str, str))
_converter.register_structure_hook(bool, _strict(bool, bool))
_converter.register_structure_hook(int, _strict(int, int))
_converter.register_structure_hook(float, _strict(float, int, float))


def _describe(exc: BaseException, path: str) -> tuple[str, str]:
    """(message, fix) for one leaf error from cattrs at `path` (such as 'choices[2].text')."""
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(sorted(a.name for a in exc.cl.__attrs_attrs__))  # type: ignore[attr-defined]
        extra = ", ".join(sorted(exc.extra_fields))
        return f"unknown field(s) {extra}", f"remove or rename them; allowed fields are: {allowed}"
    if isinstance(exc, KeyError):
        name = path.rsplit(".", 1)[-1] or str(exc)
        return "this required field is missing", f"add '{name}:' with a value"
    if isinstance(exc, TypeError) and str(exc).startswith("expected"):
        return str(exc), "write the value in the form expected"
    return f"invalid value ({exc})", "check the value against the other files of this kind"


def _leaf_errors(exc: BaseException, path: str) -> Iterator[tuple[str, BaseException]]:
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            yield from _leaf_errors(inner, f"{path}[{note.index}]")
        for inner in without:
            yield from _leaf_errors(inner, path)
    elif isinstance(exc, ClassValidationError):
        with_notes_c, without_c = exc.group_exceptions()
        for inner, attr_note in with_notes_c:
            yield from _leaf_errors(inner, f"{path}.{attr_note.name}" if path else attr_note.name)
        for inner in without_c:
            yield from _leaf_errors(inner, path)
    elif isinstance(exc, BaseExceptionGroup):
        for member in exc.exceptions:
            yield from _leaf_errors(member, path)
    else:
        yield path, exc


def _line_of(node: Any, key: str | None = None) -> int | None:
    """1-based line of `node` (or of `key` inside it) in its YAML file, when known."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is not None and isinstance(node, Mapping) and key in node:
            return int(lc.key(key)[0]) + 1
        return int(lc.line) + 1
    except (AttributeError, KeyError, TypeError):
        return None


class _CourseReader:
    """Collects problems while reading, so a teacher sees all of them in one run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[ContentProblem] = []
        self.source_ids: set[str] = set()
        self.lesson_files: dict[str, str] = {}  # lesson id -> file, for messages

    def problem(
        self,
        file: str,
        message: str,
        fix: str,
        *,
        where: str = "",
        field: str = "",
        node: Any = None,
        key: str | None = None,
    ) -> None:
        self.problems.append(
            ContentProblem(
                file=file,
                message=message,
                fix=fix,
                where=where,
                field=field,
                line=_line_of(node, key) if node is not None else None,
            )
        )

    # -- files --------------------------------------------------------------------------

    def read_yaml(self, relative: str) -> Any:
        path = self.root / relative
        if not path.is_file():
            self.problem(relative, f"file not found in {self.root}", "create it or fix the name")
            return None
        try:
            return YAML(typ="rt").load(path.read_text(encoding="utf-8"))
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.problems.append(
                ContentProblem(
                    file=relative,
                    message=f"not valid YAML: {exc.problem or exc.context}",
                    fix="fix the YAML syntax at that line (indentation, a missing colon, "
                    "or a repeated key)",
                    line=None if mark is None else mark.line + 1,
                )
            )
        except (YAMLError, UnicodeDecodeError) as exc:
            self.problem(relative, f"not valid YAML: {exc}", "save the file as UTF-8 YAML")
        return None

    def structure(self, data: Any, cls: type[_T], file: str, where: str) -> _T | None:
        if not isinstance(data, Mapping):
            self.problem(
                file,
                f"expected a mapping of fields, found {type(data).__name__}",
                "write 'field: value' lines",
                where=where,
                node=data,
            )
            return None
        try:
            return _converter.structure(data, cls)
        except (ClassValidationError, IterableValidationError) as exc:
            for path, leaf in _leaf_errors(exc, ""):
                message, fix = _describe(leaf, path)
                top = path.split(".")[0].split("[")[0] if path else None
                self.problem(
                    file, message, fix, where=where, field=path, node=data, key=top or None
                )
            return None

    # -- the course -----------------------------------------------------------------------

    def read(self) -> Course | None:
        if not self.root.is_dir():
            self.problem(str(self.root), "content folder not found", "give the path of a folder")
            return None
        sources = self.read_sources()
        self.source_ids = set(sources)
        raw = self.read_yaml("course.yaml")
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.problem(
                "course.yaml", "expected a mapping", "see the shipped course.yaml", node=raw
            )
            return None
        lesson_files = raw.get("lessons")
        if not isinstance(lesson_files, list) or not lesson_files:
            self.problem(
                "course.yaml",
                "no lessons listed",
                "list the lesson files in course order under 'lessons:'",
                field="lessons",
                node=raw,
                key="lessons",
            )
            lesson_files = []
        lessons = [lesson for f in lesson_files if (lesson := self.read_lesson(str(f)))]
        self.check_unique_lessons(lessons)
        header = {k: v for k, v in raw.items() if k != "lessons"}
        for key in sorted(set(header) - {"title", "disclaimer"}):
            self.problem(
                "course.yaml",
                f"unknown field(s) {key}",
                "remove or rename it; allowed fields are: disclaimer, lessons, title",
                field=str(key),
                node=raw,
                key=str(key),
            )
        if not isinstance(header.get("disclaimer"), str) or not header["disclaimer"].strip():
            self.problem(
                "course.yaml",
                "the disclaimer is missing or empty",
                "add 'disclaimer:' with a short plain-language disclaimer",
                field="disclaimer",
                node=raw,
            )
        if not isinstance(header.get("title"), str):
            self.problem("course.yaml", "the title is missing", "add 'title:'", field="title")
        if self.problems:
            return None
        return Course(
            title=header["title"],
            disclaimer=header["disclaimer"],
            lessons=tuple(lessons),
            sources=sources,
        )

    def read_sources(self) -> dict[str, Source]:
        raw = self.read_yaml("sources.yaml")
        if raw is None:
            return {}
        entries = raw.get("sources") if isinstance(raw, Mapping) else None
        if not isinstance(entries, list):
            self.problem(
                "sources.yaml", "no 'sources:' list", "list each source under 'sources:'", node=raw
            )
            return {}
        sources: dict[str, Source] = {}
        for entry in entries:
            sid = entry.get("id", "?") if isinstance(entry, Mapping) else "?"
            source = self.structure(entry, Source, "sources.yaml", f"source {sid}")
            if source is None:
                continue
            if source.id in sources:
                self.problem(
                    "sources.yaml",
                    f"duplicate source id {source.id!r}",
                    "give each source its own id",
                    where=f"source {source.id}",
                    field="id",
                    node=entry,
                    key="id",
                )
            sources[source.id] = source
        return sources

    def check_sources(
        self, ids: tuple[str, ...], file: str, where: str, field: str, node: Any
    ) -> None:
        for sid in ids:
            if sid not in self.source_ids:
                self.problem(
                    file,
                    f"unknown source {sid!r}",
                    "use an id from sources.yaml, or add the source there",
                    where=where,
                    field=field,
                    node=node,
                    key=field,
                )

    def read_lesson(self, relative: str) -> Lesson | None:
        raw = self.read_yaml(relative)
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.problem(relative, "expected a mapping of lesson fields", "see a shipped lesson")
            return None
        lesson_id = str(raw.get("id", "?"))
        where = f"lesson {lesson_id}"
        raw_questions = raw.get("questions", [])
        header = _CommentedDict({k: v for k, v in raw.items() if k != "questions"}, raw)
        lesson = self.structure(header, Lesson, relative, where)
        if lesson is None:
            return None
        self.lesson_files.setdefault(lesson.id, relative)
        if not _ID_PATTERN.match(lesson.id):
            self.problem(
                relative,
                f"lesson id {lesson.id!r} is not a slug",
                "use lower-case letters, digits and dashes",
                where=where,
                field="id",
                node=raw,
                key="id",
            )
        self.check_sources(lesson.sources, relative, where, "sources", raw)
        for index, section in enumerate(lesson.sections):
            self.check_sources(section.sources, relative, where, f"sections[{index}].sources", raw)
        if lesson.clinician_box is not None:
            self.check_sources(lesson.clinician_box.sources, relative, where, "clinician_box", raw)
        if not isinstance(raw_questions, list):
            self.problem(
                relative,
                "'questions' is not a list",
                "write one '- id: ...' per question",
                where=where,
                field="questions",
                node=raw,
                key="questions",
            )
            raw_questions = []
        questions = [
            q for item in raw_questions if (q := self.read_question(item, lesson.id, relative))
        ]
        return Lesson(**{**attrs.asdict(lesson, recurse=False), "questions": tuple(questions)})

    def read_question(self, raw: Any, lesson_id: str, file: str) -> Question | None:
        if not isinstance(raw, Mapping):
            self.problem(
                file,
                "a question must be a mapping",
                "start it with '- id: ...'",
                where=f"lesson {lesson_id}",
                field="questions",
                node=raw,
            )
            return None
        qid = str(raw.get("id", "?"))
        where = f"question {qid}"
        kind = raw.get("kind")
        cls = QUESTION_CLASSES.get(str(kind))
        if cls is None:
            self.problem(
                file,
                f"unknown or missing kind {kind!r}",
                "set 'kind:' to one of " + ", ".join(QUESTION_CLASSES),
                where=where,
                field="kind",
                node=raw,
                key="kind",
            )
            return None
        data = dict(raw)
        given_lesson = data.setdefault("lesson", lesson_id)
        if given_lesson != lesson_id:
            self.problem(
                file,
                f"says it belongs to lesson {given_lesson!r} but sits in lesson {lesson_id!r}",
                "remove 'lesson:' (the file decides) or move the question",
                where=where,
                field="lesson",
                node=raw,
                key="lesson",
            )
            return None
        question = self.structure(_CommentedDict(data, raw), cls, file, where)
        if question is None:
            return None
        for message, fix, field in _question_problems(question):
            self.problem(file, message, fix, where=where, field=field, node=raw, key=field or None)
        self.check_sources(question.sources, file, where, "sources", raw)
        return question

    def check_unique_lessons(self, lessons: list[Lesson]) -> None:
        seen_lessons: dict[str, Lesson] = {}
        seen_numbers: set[int] = set()
        seen_questions: dict[str, str] = {}
        for lesson in lessons:
            if lesson.id in seen_lessons:
                self.problem(
                    "course.yaml",
                    f"two lessons have the id {lesson.id!r}",
                    "give each lesson its own id",
                    where=f"lesson {lesson.id}",
                    field="id",
                )
            seen_lessons[lesson.id] = lesson
            if lesson.number in seen_numbers:
                self.problem(
                    "course.yaml",
                    f"two lessons have the number {lesson.number}",
                    "number the lessons 1, 2, 3, ...",
                    where=f"lesson {lesson.id}",
                    field="number",
                )
            seen_numbers.add(lesson.number)
            for question in lesson.questions:
                if question.id in seen_questions:
                    self.problem(
                        self.lesson_files.get(lesson.id, f"lesson {lesson.id}"),
                        f"duplicate question id {question.id!r} (also in lesson "
                        f"{seen_questions[question.id]})",
                        "give every question in the course its own id",
                        where=f"question {question.id}",
                        field="id",
                    )
                seen_questions[question.id] = lesson.id


class _CommentedDict(dict[str, Any]):
    """A plain dict (with the lesson filled in) that keeps the YAML node for line numbers."""

    def __init__(self, data: dict[str, Any], node: Any) -> None:
        super().__init__(data)
        self.lc = getattr(node, "lc", None)


def _question_problems(q: Question) -> Iterator[tuple[str, str, str]]:
    """Rules a well-formed question must follow beyond its field types: (message, fix, field)."""
    if not _ID_PATTERN.match(q.id):
        yield (
            f"question id {q.id!r} is not a slug",
            "use lower-case letters, digits and dashes",
            "id",
        )
    if not q.sources:
        yield "no source given", "cite at least one id from sources.yaml", "sources"
    if not q.explanation.strip():
        yield (
            "the explanation is empty",
            "explain the right answer in a sentence or two",
            "explanation",
        )
    if isinstance(q, SingleChoiceQuestion | MultipleSelectQuestion):
        yield from _choice_problems(q.choices, single=isinstance(q, SingleChoiceQuestion))
    elif isinstance(q, NumericQuestion):
        if q.tolerance <= 0:
            yield (
                "the tolerance must be above zero",
                "give how far off an answer may be",
                "tolerance",
            )
        if q.minimum >= q.maximum:
            yield "minimum is not below maximum", "set the range a learner may answer in", "minimum"
        elif not q.minimum <= q.answer <= q.maximum:
            yield (
                "the answer lies outside minimum..maximum",
                "widen the range or fix the answer",
                "answer",
            )
        if q.step <= 0:
            yield "step must be above zero", "set the input's step, such as 1 or 0.5", "step"
    elif isinstance(q, MatchingQuestion):
        yield from _matching_problems(q)


def _choice_problems(
    choices: tuple[Choice, ...], *, single: bool
) -> Iterator[tuple[str, str, str]]:
    ids = [c.id for c in choices]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        yield (
            f"duplicate choice id(s) {', '.join(duplicates)}",
            "give each choice its own id",
            "choices",
        )
    correct = [c for c in choices if c.correct]
    wrong = [c for c in choices if not c.correct]
    if len(choices) < 2:
        yield "fewer than two choices", "offer at least two choices", "choices"
    if not correct:
        yield "no choice is marked correct", "mark the right choice with 'correct: true'", "choices"
    elif single and len(correct) > 1:
        yield (
            f"{len(correct)} choices are marked correct in a single-choice question",
            "mark exactly one, or make it kind: multiple_select",
            "choices",
        )
    if not single and not wrong:
        yield (
            "every choice is correct, so partial credit cannot work",
            "add at least one wrong choice",
            "choices",
        )
    for choice in wrong:
        if not choice.feedback.strip():
            yield (
                f"wrong choice {choice.id!r} has no feedback",
                "add 'feedback:' saying why this choice is wrong",
                "choices",
            )


def _matching_problems(q: MatchingQuestion) -> Iterator[tuple[str, str, str]]:
    left = [i.id for i in q.left]
    right = [i.id for i in q.right]
    for name, ids in (("left", left), ("right", right)):
        if len(set(ids)) != len(ids):
            yield f"duplicate ids among the {name} items", "give each item its own id", name
    if len(left) < 2:
        yield "fewer than two items to match", "add at least two left items", "left"
    for left_id, right_id in q.pairs.items():
        if left_id not in left:
            yield (
                f"pair for {left_id!r}, which is not a left item",
                "use ids from 'left:' as the keys of 'pairs:'",
                "pairs",
            )
        if right_id not in right:
            yield (
                f"pair {left_id!r} -> {right_id!r}: {right_id!r} is not a right item",
                "use ids from 'right:' as the values of 'pairs:'",
                "pairs",
            )
    for left_id in left:
        if left_id not in q.pairs:
            yield (
                f"left item {left_id!r} has no pair",
                f"add '{left_id}: <right id>' under 'pairs:'",
                "pairs",
            )
        if not q.feedback.get(left_id, "").strip():
            yield (
                f"left item {left_id!r} has no feedback",
                f"add '{left_id}: <why>' under 'feedback:'",
                "feedback",
            )
