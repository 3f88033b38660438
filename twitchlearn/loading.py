"""Read a whole content folder from YAML, check all of it, and return one typed `Content`.

A content folder holds:

    course.yaml         title, disclaimer, and the lesson files in course order   (required)
    sources.yaml        every reference the course cites, by id                   (required)
    lessons/*.yaml      one lesson each, with its questions                       (required)
    warning_signs.yaml  the three tiers of warning signs every lesson shows       (optional)
    risk_model.yaml     the twitch explorer's teaching model (needs the above)    (optional)
    cases.yaml          case studies for the explorer (needs risk_model.yaml)     (optional)
    glossary.yaml       plain-language meanings of the words learners meet        (optional)
    teacher_guide.yaml  the class plan, discussion prompts and safety note        (optional)
    figures/*.svg       the drawings a lesson's sections name (`figure: {file: ...}`);
                        each is checked and cleaned by `twitchlearn.svg`

Every file goes the same way: ruamel.yaml reads it (keeping line numbers), cattrs
structures it strictly into the models (no "yes" for true, no unknown fields, enums by
value), then the rules of `twitchlearn.rules` run, the wording rules over every text. Each
problem names its file, line, id, field and fix; `ContentError` holds all of them, so an
author sees every problem in one run.

Which folder: `content_dir()` says, the same for the lessons, the explorer, the teacher
guide, `twitchlearn check` and the pages `twitchlearn serve` writes: the folder given, else
the TWITCHLEARN_CONTENT environment variable, else the course shipped in the package.

    content = load_content()          # cached per folder, for pages and kernels
    content = read_content(folder)    # uncached, for `twitchlearn check` and tests
"""

from __future__ import annotations

import contextlib
import enum
import functools
import hashlib
import math
import os
import pickle
import re
import typing
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from twitchlearn import rules
from twitchlearn.errors import ContentError, ContentProblem
from twitchlearn.models import (
    Content,
    Course,
    GlossaryTerm,
    Lesson,
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    Source,
    SourceKind,
    TeacherGuide,
    TrueFalseQuestion,
)
from twitchlearn.risk import (
    CasesFile,
    CaseStudy,
    Direction,
    Evidence,
    RiskModel,
    Tier,
    WarningSigns,
)
from twitchlearn.svg import MAX_SVG_BYTES, check_svg

__all__ = [
    "CONTENT_DIR",
    "CONTENT_ENV",
    "QUESTION_CLASSES",
    "content_dir",
    "load_content",
    "load_course",
    "read_content",
]

CONTENT_DIR: Final = Path(__file__).parent / "content"
CONTENT_ENV: Final = "TWITCHLEARN_CONTENT"

COURSE_FILE: Final = "course.yaml"
SOURCES_FILE: Final = "sources.yaml"
RISK_MODEL_FILE: Final = "risk_model.yaml"
CASES_FILE: Final = "cases.yaml"
GLOSSARY_FILE: Final = "glossary.yaml"
GUIDE_FILE: Final = "teacher_guide.yaml"
WARNINGS_FILE: Final = "warning_signs.yaml"
FIGURES_DIR: Final = "figures"

QUESTION_CLASSES: dict[str, type[Question]] = {
    "single_choice": SingleChoiceQuestion,
    "multiple_select": MultipleSelectQuestion,
    "true_false": TrueFalseQuestion,
    "numeric": NumericQuestion,
    "matching": MatchingQuestion,
}

_T = TypeVar("_T")

# Limits that keep a broken or hostile file from taking the loader down: a lesson is a few
# kilobytes and a few levels deep. Aliases (&a / *a) are refused: expanded, a 12 KB file of
# nested aliases made gigabytes of data.
MAX_FILE_BYTES: Final = 1_000_000
MAX_DEPTH: Final = 40


def content_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """The content folder: `directory`, else TWITCHLEARN_CONTENT, else the shipped course."""
    if directory is not None and str(directory):
        return Path(directory)
    from_env = os.environ.get(CONTENT_ENV, "").strip()
    return Path(from_env) if from_env else CONTENT_DIR


def load_content(directory: str | os.PathLike[str] | None = None) -> Content:
    """The content folder (see `content_dir`), read and checked once per process."""
    return _load_cached(str(content_dir(directory).resolve()))


def load_course(directory: str | os.PathLike[str] | None = None) -> Course:
    """The course (lessons, questions, sources) of `load_content(directory)`."""
    return load_content(directory).course


@functools.cache
def _load_cached(resolved: str) -> Content:
    """Read once per process; across processes (each Voila page is a new kernel) a checked
    folder is kept as a pickle in the user's cache, keyed by the bytes of every YAML file
    and of the code that reads them, so any change to either reads the folder again."""
    root = Path(resolved)
    shipped = _preparsed(root)
    if shipped is not None:
        return shipped
    cache = _cache_file(root)
    if cache is not None:
        try:
            cached = pickle.loads(cache.read_bytes())  # noqa: S301 (our own cache, per user)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            cached = None
        if isinstance(cached, Content):
            return cached
    content = read_content(root)
    if cache is not None:
        with contextlib.suppress(OSError):  # no cache, or a read-only one: just slower
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(f".{os.getpid()}.partial")
            partial.write_bytes(pickle.dumps(content))
            os.replace(partial, cache)
    return content


CACHE_ENV: Final = "TWITCHLEARN_CACHE"

# The checked course, pickled by the static edition's build into its copy of the package
# (tools/static/build.py; never in the source tree): Pyodide in the browser then skips
# reading and checking the YAML (about 2 s of a page's CPU there; docs/performance.md).
PREPARSED_FILE: Final = "_content.pickle"
PREPARSED: Final = Path(__file__).with_name(PREPARSED_FILE)


def content_digest(root: Path) -> str:
    """sha256 over the names and bytes of the YAML and SVG files of the folder `root`."""
    digest = hashlib.sha256()
    files = sorted(root.rglob("*.yaml")) + sorted((root / FIGURES_DIR).glob("*.svg"))
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def preparsed_bytes(root: Path = CONTENT_DIR) -> bytes:
    """What the static build ships as PREPARSED_FILE: (content_digest, the checked Content)."""
    return pickle.dumps((content_digest(root), read_content(root)))


def _preparsed(root: Path, shipped: Path = PREPARSED, course: Path = CONTENT_DIR) -> Content | None:
    """The checked course in `shipped`, if `root` is the shipped `course` and its files are
    still the ones it was made from; else None (the server edition: there is no such file)."""
    if root != course.resolve() or not shipped.is_file():
        return None
    try:
        made_from, content = pickle.loads(shipped.read_bytes())  # noqa: S301 (ours, in the package)
        if made_from != content_digest(root) or not isinstance(content, Content):
            return None
    except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None
    return content


def _cache_file(root: Path) -> Path | None:
    """Where the checked copy of `root` is kept, or None (TWITCHLEARN_CACHE=off)."""
    where = os.environ.get(CACHE_ENV, "").strip()
    if where == "off":
        return None
    if not where:
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        home = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
        where = str(home / "twitchlearn")
    digest = hashlib.sha256(str(root).encode())
    code = Path(__file__).parent
    try:
        files = sorted(root.rglob("*.yaml")) + sorted((root / FIGURES_DIR).glob("*.svg"))
        files += [code / f for f in _CODE_FILES]
        for path in files:
            digest.update(
                str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode()
            )
            digest.update(path.read_bytes())
    except OSError:
        return None
    return Path(where) / f"content-{digest.hexdigest()[:24]}.pickle"


# The modules whose code decides what a folder reads as: a change to any reads it again.
_CODE_FILES: Final = ("loading.py", "rules.py", "models.py", "risk.py", "errors.py", "svg.py")


def read_content(directory: str | os.PathLike[str]) -> Content:
    """Read and check a content folder, without caching. Raises ContentError."""
    reader = _Reader(Path(directory))
    content = reader.read()
    if reader.problems or content is None:
        raise ContentError(reader.problems)
    return content


# --- strict structuring -------------------------------------------------------------------
# cattrs' defaults call str()/bool()/int() on whatever the YAML holds, so "no" would become
# True and 12 would become "12". A content author deserves to hear about such slips instead.


class _ChoiceError(TypeError):
    """A value that must be one of a fixed set (an enum) is not."""

    def __init__(self, allowed: list[str], value: object) -> None:
        self.allowed = allowed
        super().__init__(f"{value!r} is not one of the allowed values")


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


def _enum_hook(kind: type[enum.Enum]) -> Any:
    allowed = [str(member.value) for member in kind]

    def structure(value: Any, _type: Any) -> Any:
        if isinstance(value, str) and value in allowed:
            return kind(value)
        raise _ChoiceError(allowed, value)

    return structure


_converter = cattrs.Converter(forbid_extra_keys=True)


# By exact type, not singledispatch: a str hook would also catch the StrEnums.
_converter.register_structure_hook(str, _strict(str, str))
_converter.register_structure_hook(bool, _strict(bool, bool))
_converter.register_structure_hook(int, _strict(int, int))
_converter.register_structure_hook(float, _strict(float, int, float))
# The enums of the models, each by its own class: the str hook above would catch them (they
# are StrEnums), and cattrs' own says "not a valid Direction" without saying what is.
for _kind in (Direction, Evidence, SourceKind, Tier):
    _converter.register_structure_hook(_kind, _enum_hook(_kind))


def _describe(exc: BaseException, path: str) -> tuple[str, str]:
    """(message, fix) for one leaf error from cattrs at `path` (such as 'choices[2].text')."""
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(sorted(a.name for a in attrs.fields(exc.cl)))
        extra = ", ".join(sorted(exc.extra_fields))
        return f"unknown field(s) {extra}", f"remove or rename them; allowed fields are: {allowed}"
    if isinstance(exc, KeyError):
        name = path.rsplit(".", 1)[-1] or str(exc)
        return "this required field is missing", f"add '{name}:' with a value"
    if isinstance(exc, _ChoiceError):
        return str(exc), "use one of " + ", ".join(exc.allowed)
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


# --- line numbers --------------------------------------------------------------------------

_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def line_at(root: Any, path: str) -> int | None:
    """1-based line of the field at `path` ("factors.caffeine.points", "questions[2].id")
    in a tree read by ruamel.yaml: the deepest part of the path that exists."""
    node = root
    line = _own_line(root)
    for index, key in _PATH_PART.findall(path):
        lc = getattr(node, "lc", None)
        try:
            if index and isinstance(node, list) and int(index) < len(node):
                found = lc.item(int(index))[0] if lc is not None else None
                node = node[int(index)]
            elif key and isinstance(node, Mapping) and key in node:
                found = lc.key(key)[0] if lc is not None else None
                node = node[key]
            else:
                break
        except (AttributeError, KeyError, TypeError, IndexError):
            break
        if found is not None:
            line = int(found) + 1
    return line


def _own_line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    try:
        return None if lc is None else int(lc.line) + 1
    except (AttributeError, TypeError):
        return None


# --- files whose whole content is one model -------------------------------------------------


@attrs.frozen(kw_only=True)
class _SourcesFile:
    sources: tuple[Source, ...]


@attrs.frozen(kw_only=True)
class _GlossaryFile:
    terms: tuple[GlossaryTerm, ...]


@attrs.frozen(kw_only=True)
class _CourseFile:
    title: str
    disclaimer: str
    lessons: tuple[str, ...]


class _Reader:
    """Collects problems while reading, so a teacher sees all of them in one run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[ContentProblem] = []
        self.raw: dict[str, Any] = {}  # file -> its parsed YAML, for line numbers
        self.figures: dict[str, str] = {}  # figure file name -> its checked, cleaned markup
        self.figures_read: set[str] = set()  # each figure file is checked once

    # -- reporting ------------------------------------------------------------------------

    def problem(
        self,
        file: str,
        message: str,
        fix: str,
        *,
        where: str = "",
        field: str = "",
        line: int | None = None,
        base: str = "",
    ) -> None:
        if line is None and file in self.raw:
            line = line_at(self.raw[file], rules.join_path(base, field))
        self.problems.append(
            ContentProblem(file=file, message=message, fix=fix, where=where, field=field, line=line)
        )

    def report(self, file: str, findings: Iterable[rules.Finding]) -> None:
        for finding in findings:
            self.problem(
                file,
                finding.message,
                finding.fix,
                where=finding.where,
                field=finding.path,
                base=finding.base,
            )

    # -- files ----------------------------------------------------------------------------

    def read_yaml(self, relative: str, *, required: bool = True) -> Any:
        path = self.root / relative
        if not path.is_file():
            if required:
                self.problem(
                    relative, f"file not found in {self.root}", "create it or fix the name"
                )
            return None
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.problem(
                    relative,
                    f"the file is {size:,} bytes, more than a course file should be "
                    f"({MAX_FILE_BYTES:,})",
                    "split it, or check that it is the right file",
                )
                return None
            text = path.read_text(encoding="utf-8")
            try:
                data = YAML(typ="rt").load(text)
            except RecursionError:  # the reader itself recurses, level by level
                self._too_deep(relative, None)
                return None
            if not self.plain_yaml(relative, data):
                return None
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.problem(
                relative,
                f"not valid YAML: {exc.problem or exc.context}",
                "fix the YAML syntax at that line (indentation, a missing colon, "
                "or a repeated key)",
                line=None if mark is None else mark.line + 1,
            )
            return None
        except (YAMLError, UnicodeDecodeError, OSError) as exc:
            self.problem(relative, f"not readable as YAML: {exc}", "save the file as UTF-8 YAML")
            return None
        if data is None:
            self.problem(
                relative, "the file is empty", "write its fields, as in the shipped course"
            )
            return None
        self.raw[relative] = data
        return data

    def plain_yaml(self, relative: str, data: Any) -> bool:
        """Whether `data` (as read) uses no aliases and nests no deeper than MAX_DEPTH.
        An alias is a container reached twice: ruamel.yaml shares it rather than copying,
        so it costs nothing to read, but everything that walks the data would expand it."""
        seen: set[int] = set()
        stack: list[tuple[Any, int]] = [(data, 1)]
        while stack:
            node, depth = stack.pop()
            if not isinstance(node, Mapping | list):
                continue
            if id(node) in seen:
                self.problem(
                    relative,
                    "YAML anchors and aliases (& and *) are not used in course files",
                    "write the value out in full where it is needed",
                    line=_own_line(node),
                )
                return False
            seen.add(id(node))
            if depth > MAX_DEPTH:
                self._too_deep(relative, _own_line(node))
                return False
            children = node.values() if isinstance(node, Mapping) else node
            stack.extend((child, depth + 1) for child in children)
        return True

    def _too_deep(self, relative: str, line: int | None) -> None:
        self.problem(
            relative,
            f"the data is nested more than {MAX_DEPTH} levels deep",
            "check the indentation: course files are a few levels deep",
            line=line,
        )

    def structure(
        self, data: Any, cls: type[_T], file: str, *, where: str = "", base: str = ""
    ) -> _T | None:
        if not isinstance(data, Mapping):
            self.problem(
                file,
                f"expected a mapping of fields, found {type(data).__name__}",
                "write 'field: value' lines",
                where=where,
                base=base,
            )
            return None
        try:
            return _converter.structure(data, cls)
        except (ClassValidationError, IterableValidationError) as exc:
            for path, leaf in _leaf_errors(exc, ""):
                message, fix = _describe(leaf, path)
                self.problem(file, message, fix, where=where, field=path, base=base)
            return None

    def read_model(self, relative: str, cls: type[_T], *, required: bool = True) -> _T | None:
        raw = self.read_yaml(relative, required=required)
        return None if raw is None else self.structure(raw, cls, relative)

    def check_wording(self, file: str, *, explorer: bool = False) -> None:
        if file in self.raw:
            self.report(file, rules.wording_findings(self.raw[file], explorer=explorer))

    # -- the folder -----------------------------------------------------------------------

    def read(self) -> Content | None:
        if not self.root.is_dir():
            self.problem(str(self.root), "content folder not found", "give the path of a folder")
            return None
        sources = self.read_sources()
        course = self.read_course(sources)
        # Read on when the course is broken, so the author sees every problem in one run;
        # the case studies and the guide name lessons and questions, so they need the course.
        warnings = self.read_warning_signs(set(sources))
        risk_model = self.read_risk_model(set(sources), warnings)
        glossary = self.read_glossary(set(sources))
        if course is None:
            return None
        cases = self.read_cases(course, risk_model)
        guide = self.read_guide(course)
        if self.problems:
            return None
        content = Content(
            root=self.root.resolve(),
            course=course,
            risk_model=risk_model,
            cases=cases,
            glossary=glossary,
            guide=guide,
            warning_signs=warnings,
            figures=self.figures,
        )
        return content

    def read_sources(self) -> dict[str, Source]:
        # No wording rules here: a source's title is the real title of the paper or page,
        # quoted as it was published ("Three percent hypohydration ...").
        data = self.read_model(SOURCES_FILE, _SourcesFile)
        if data is not None:
            self.report(SOURCES_FILE, rules.source_list_findings(data.sources))
        sources: dict[str, Source] = {}
        for index, source in enumerate(() if data is None else data.sources):
            if source.id in sources:
                self.problem(
                    SOURCES_FILE,
                    f"duplicate source id {source.id!r}",
                    "give each source its own id",
                    where=f"source {source.id}",
                    field=f"sources[{index}].id",
                )
            sources[source.id] = source
        return sources

    def read_course(self, sources: dict[str, Source]) -> Course | None:
        header = self.read_model(COURSE_FILE, _CourseFile)
        self.check_wording(COURSE_FILE)
        if header is None:
            return None
        if not header.lessons:
            self.problem(
                COURSE_FILE,
                "no lessons listed",
                "list the lesson files in course order under 'lessons:'",
                field="lessons",
            )
        if not header.disclaimer.strip():
            self.problem(
                COURSE_FILE,
                "the disclaimer is empty",
                "write a short plain-language disclaimer",
                field="disclaimer",
            )
        lessons: list[Lesson] = []
        lesson_files: dict[str, str] = {}
        for index, relative in enumerate(header.lessons):
            if not self.inside(relative, f"lessons[{index}]"):
                continue
            lesson = self.read_lesson(relative, set(sources))
            if lesson is not None:
                lessons.append(lesson)
                lesson_files.setdefault(lesson.id, relative)
        if self.problems:
            return None
        course = Course(
            title=header.title,
            disclaimer=header.disclaimer,
            lessons=tuple(lessons),
            sources=sources,
        )
        for file, finding in rules.course_findings(course, lesson_files):
            self.report(file, [finding])
        return None if self.problems else course

    def inside(self, relative: str, field: str) -> bool:
        """Whether a file named in course.yaml stays inside the content folder."""
        parts = PurePosixPath(relative).parts
        if relative.startswith(("/", "\\")) or ".." in parts or not relative.endswith(".yaml"):
            self.problem(
                COURSE_FILE,
                f"{relative!r} is not a YAML file inside the content folder",
                "name lesson files relative to the folder, such as lessons/01_intro.yaml",
                field=field,
            )
            return False
        return True

    def read_lesson(self, relative: str, source_ids: set[str]) -> Lesson | None:
        raw = self.read_yaml(relative)
        self.check_wording(relative)
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.problem(relative, "expected a mapping of lesson fields", "see a shipped lesson")
            return None
        where = f"lesson {raw.get('id', '?')}"
        raw_questions = raw.get("questions", [])
        header = self.structure(
            {k: v for k, v in raw.items() if k != "questions"}, Lesson, relative, where=where
        )
        if not isinstance(raw_questions, list):
            self.problem(
                relative,
                "'questions' is not a list",
                "write one '- id: ...' per question",
                where=where,
                field="questions",
            )
            raw_questions = []
        if header is None:
            return None
        questions = [
            question
            for index, item in enumerate(raw_questions)
            if (question := self.read_question(item, header.id, relative, index)) is not None
        ]
        lesson = attrs.evolve(header, questions=tuple(questions))
        self.report(relative, rules.lesson_findings(lesson, source_ids))
        self.read_figures(relative, lesson)
        return lesson

    def read_figures(self, relative: str, lesson: Lesson) -> None:
        """Each figure the lesson's sections name: a file in figures/ (not a link out of
        it), safe to put in a page. Problems in a drawing name the SVG file and its line."""
        folder = self.root / FIGURES_DIR
        for index, section in enumerate(lesson.sections):
            figure = section.figure
            if figure is None or not rules.FIGURE_FILE.match(figure.file):
                continue  # a bad name is a finding of rules.figure_findings
            field = f"sections[{index}].figure.file"
            where = f"lesson {lesson.id}"
            path = folder / figure.file
            if not path.is_file():
                self.problem(
                    relative,
                    f"the figure {figure.file!r} is not in {FIGURES_DIR}/ of the content folder",
                    f"put the SVG file in {FIGURES_DIR}/ (copy it with the lesson), or fix "
                    "the name",
                    where=where,
                    field=field,
                )
                continue
            if not path.resolve().is_relative_to(folder.resolve()):
                self.problem(
                    relative,
                    f"the figure {figure.file!r} is a link to a file outside {FIGURES_DIR}/",
                    f"put the SVG file itself in {FIGURES_DIR}/, not a link to it",
                    where=where,
                    field=field,
                )
                continue
            if figure.file in self.figures_read:
                continue
            self.figures_read.add(figure.file)
            self.read_svg(f"{FIGURES_DIR}/{figure.file}", figure.file, path)

    def read_svg(self, shown: str, name: str, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_SVG_BYTES:
                self.problem(
                    shown,
                    f"the file is more than {MAX_SVG_BYTES:,} bytes, more than a drawn "
                    "figure needs",
                    "simplify the drawing, or check that it is the right file",
                )
                return
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(shown, f"not readable as SVG: {exc}", "save the file as UTF-8 SVG")
            return
        checked = check_svg(text)
        for found in checked.problems:
            self.problem(shown, found.message, found.fix, where=f"figure {name}", line=found.line)
        if not checked.problems:
            self.figures[name] = checked.markup

    def read_question(self, raw: Any, lesson_id: str, file: str, index: int) -> Question | None:
        base = f"questions[{index}]"
        if not isinstance(raw, Mapping):
            self.problem(
                file,
                "a question must be a mapping",
                "start it with '- id: ...'",
                where=f"lesson {lesson_id}",
                base=base,
            )
            return None
        where = f"question {raw.get('id', '?')}"
        kind = raw.get("kind")
        cls = QUESTION_CLASSES.get(str(kind))
        if cls is None:
            self.problem(
                file,
                f"unknown or missing kind {kind!r}",
                "set 'kind:' to one of " + ", ".join(QUESTION_CLASSES),
                where=where,
                field="kind",
                base=base,
            )
            return None
        given = raw.get("lesson", lesson_id)
        if given != lesson_id:
            self.problem(
                file,
                f"says it belongs to lesson {given!r} but sits in lesson {lesson_id!r}",
                "remove 'lesson:' (the file decides) or move the question",
                where=where,
                field="lesson",
                base=base,
            )
            return None
        return self.structure({**raw, "lesson": lesson_id}, cls, file, where=where, base=base)

    def read_warning_signs(self, source_ids: set[str]) -> WarningSigns | None:
        warnings = self.read_model(WARNINGS_FILE, WarningSigns, required=False)
        self.check_wording(WARNINGS_FILE)
        if warnings is not None:
            self.report(WARNINGS_FILE, rules.warning_sign_findings(warnings, source_ids))
        return warnings

    def read_risk_model(
        self, source_ids: set[str], warnings: WarningSigns | None
    ) -> RiskModel | None:
        model = self.read_model(RISK_MODEL_FILE, RiskModel, required=False)
        self.check_wording(RISK_MODEL_FILE, explorer=True)
        if model is None:
            return None
        self.report(RISK_MODEL_FILE, rules.risk_model_findings(model, source_ids))
        if warnings is None:
            if not (self.root / WARNINGS_FILE).exists():
                self.problem(
                    RISK_MODEL_FILE,
                    "the explorer's warning signs need the words of their tiers, and this "
                    "folder has no warning_signs.yaml",
                    "add warning_signs.yaml (copy the shipped one)",
                    field="red_flags",
                )
            return None
        return attrs.evolve(model, warning_signs=warnings)

    def read_cases(self, course: Course, model: RiskModel | None) -> tuple[CaseStudy, ...]:
        data = self.read_model(CASES_FILE, CasesFile, required=False)
        self.check_wording(CASES_FILE, explorer=True)
        if data is None:
            return ()
        if not (self.root / RISK_MODEL_FILE).exists():
            self.problem(
                CASES_FILE,
                "case studies drive the explorer, and this folder has no risk_model.yaml",
                "add risk_model.yaml (copy the shipped one), or remove cases.yaml",
            )
            return ()
        findings = list(rules.case_findings(data.cases, course))
        self.report(CASES_FILE, findings)
        return () if findings else tuple(spec.to_case() for spec in data.cases)

    def read_glossary(self, source_ids: set[str]) -> tuple[GlossaryTerm, ...]:
        data = self.read_model(GLOSSARY_FILE, _GlossaryFile, required=False)
        self.check_wording(GLOSSARY_FILE)
        if data is None:
            return ()
        self.report(GLOSSARY_FILE, rules.glossary_findings(data.terms, source_ids))
        return data.terms

    def read_guide(self, course: Course) -> TeacherGuide | None:
        guide = self.read_model(GUIDE_FILE, TeacherGuide, required=False)
        self.check_wording(GUIDE_FILE)
        if guide is not None:
            self.report(GUIDE_FILE, rules.guide_findings(guide, course))
        return guide
