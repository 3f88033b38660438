"""Every rule a content folder must follow beyond its field types, for every file.

`twitchlearn.loading` structures each YAML file into typed models (cattrs: field names,
types, enums) and then runs the rules here. A rule returns `Finding`s: a path to the field
inside the file (`factors.caffeine.thresholds`, `questions[3].tolerance`), what is wrong and
how to fix it. The loader turns the path into a line number from the YAML it read, so every
file gets the same kind of message, `file:line, where, field: problem. Fix: ...`.

The wording rules (no percentages, nothing about the chance of ALS or any disease) run over
every text in every file but sources.yaml, whose titles are quoted as published; the
explorer's files (risk_model.yaml, cases.yaml) also name no disease at all.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from twitchlearn.models import (
    Choice,
    Content,
    Course,
    Figure,
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
)
from twitchlearn.risk import (
    BANDED_INPUTS,
    INPUT_RANGES,
    MEDICINE_WARNING,
    BandedFactor,
    CaseSpec,
    ChoiceFactor,
    Direction,
    Drinks,
    Exercise,
    Hydration,
    Level,
    LevelSpec,
    Medication,
    PresetData,
    RedFlag,
    RedFlags,
    RiskModel,
    Tier,
    WarningSigns,
)

__all__ = [
    "FIGURE_FILE",
    "ID_PATTERN",
    "MAX_READING_GRADE",
    "NON_TEXT_KEYS",
    "Finding",
    "case_findings",
    "cited_sources",
    "course_findings",
    "figure_findings",
    "glossary_findings",
    "guide_findings",
    "join_path",
    "lesson_findings",
    "question_findings",
    "reading_grade",
    "risk_model_findings",
    "source_findings",
    "source_list_findings",
    "uncited_sources",
    "warning_sign_findings",
    "wording_findings",
]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@attrs.frozen
class Finding:
    """One broken rule. `path` is the field as the author reads it ("tolerance"), inside the
    part of the file at `base` ("questions[3]"; "" for the whole file)."""

    path: str
    message: str
    fix: str
    where: str = ""
    base: str = ""


def join_path(base: str, field: str) -> str:
    """`field` inside `base`: "questions[3]" + "tolerance" -> "questions[3].tolerance"."""
    if not base:
        return field
    if not field:
        return base
    return f"{base}{field}" if field.startswith("[") else f"{base}.{field}"


def _empty(text: str) -> bool:
    return not text.strip()


# --- wording ---------------------------------------------------------------------------------

_DISEASE = r"(?:ALS|MND|motor neurone?s?(?: disease)?|amyotrophic|lou gehrig\S*)"
_CHANCE = r"(?:risk|chance|odds|likelihood|probability)s?"
# (pattern, what is wrong, how to fix it); checked on every text of every file.
_COURSE_WORDING: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"%|\bper ?cent\b", re.IGNORECASE),
        "a percentage: the course gives no percentages, least of all of risk",
        "say it in words or as a count, such as 'about 7 in 10 people'",
    ),
    (
        re.compile(
            rf"\b{_CHANCE}\W+(?:\w+\W+){{0,4}}?{_DISEASE}\b|\b{_DISEASE}\W+(?:\w+\W+){{0,2}}?{_CHANCE}\b",
            re.IGNORECASE,
        ),
        "talks about the chance of a disease: the course never gives anyone's risk of ALS "
        "or any other disease",
        "say what the signs are and when to see a GP instead",
    ),
)
# The explorer and its case studies model everyday twitches only: no disease named at all.
_EXPLORER_WORDING: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(rf"\b{_DISEASE}\b|\bdisease risk\b|\brisk of\b", re.IGNORECASE),
        "names a disease or a risk: the explorer is about everyday twitches only",
        "leave disease names out of the explorer; use words such as 'more likely'",
    ),
)
# Keys whose values are ids, codes or addresses, never text a learner reads.
NON_TEXT_KEYS: frozenset[str] = frozenset(
    {
        "id",
        "kind",
        "lesson",
        "sources",
        "url",
        "direction",
        "evidence",
        "question_ids",
        "lessons",
        "file",  # a figure's file name
        # the explorer's settings of a preset or case: enum values
        "hydration",
        "exercise",
        "medications",
        "red_flags",
    }
)


def texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) for every string in a parsed YAML tree that a person reads."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            is_ids = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(item, str) for item in value)
            )
            if is_ids and str(key) in NON_TEXT_KEYS:
                continue
            yield from texts(value, join_path(path, str(key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from texts(item, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


def wording_findings(raw: Any, *, explorer: bool = False) -> Iterator[Finding]:
    """The wording rules over every text of one file (`explorer`: the stricter set too)."""
    rules = _COURSE_WORDING + (_EXPLORER_WORDING if explorer else ())
    for path, text in texts(raw):
        for pattern, message, fix in rules:
            found = pattern.search(text)
            if found:
                yield Finding(path, f"forbidden wording {found.group(0)!r}: {message}", fix)
                break


# --- sources ---------------------------------------------------------------------------------


def source_findings(
    ids: Iterable[str], known: Iterable[str], path: str, *, where: str = "", required: bool = False
) -> Iterator[Finding]:
    ids = tuple(ids)
    known_ids = set(known)
    if required and not ids:
        yield Finding(path, "no source given", "cite at least one id from sources.yaml", where)
    for sid in ids:
        if sid not in known_ids:
            yield Finding(
                path,
                f"unknown source {sid!r}",
                "use an id from sources.yaml, or add the source there",
                where,
            )


def source_list_findings(sources: Iterable[Source]) -> Iterator[Finding]:
    """sources.yaml itself: what each kind of source must give."""
    for index, source in enumerate(sources):
        at = f"sources[{index}]"
        where = f"source {source.id}"
        if _empty(source.title):
            yield Finding(f"{at}.title", "the title is empty", "give the real title", where)
        if source.url and not source.url.startswith(("https://", "http://")):
            yield Finding(
                f"{at}.url",
                f"{source.url!r} is not a web address",
                "give an address that starts with https:// (or http://)",
                where,
            )
        if source.kind is SourceKind.PAPER and (_empty(source.authors) or source.year is None):
            yield Finding(
                at, "a paper needs its authors and year", "add 'authors:' and 'year:'", where
            )
        if source.kind in (SourceKind.WEB, SourceKind.GUIDELINE) and not source.url:
            yield Finding(at, "a web page or guideline needs its address", "add 'url:'", where)


def uncited_sources(content: Content) -> list[str]:
    """Ids in sources.yaml that nothing in the course cites. Not an error for a teacher's
    folder (which may keep the shipped sources.yaml for a few lessons); the shipped course
    has none (a test says so) and `twitchlearn check` lists them."""
    cited = cited_sources(content)
    return [sid for sid in content.course.sources if sid not in cited]


def cited_sources(content: Content) -> set[str]:
    """Every source id the course cites anywhere."""
    ids: set[str] = set()
    for lesson in content.course.lessons:
        ids.update(lesson.sources)
        for section in lesson.sections:
            ids.update(section.sources)
        if lesson.clinician_box is not None:
            ids.update(lesson.clinician_box.sources)
        for question in lesson.questions:
            ids.update(question.sources)
    for term in content.glossary:
        ids.update(term.sources)
    if content.warning_signs is not None:
        for _tier, words in content.warning_signs.tiers():
            ids.update(words.sources)
        ids.update(content.warning_signs.eyelid.sources)
    model = content.risk_model
    if model is not None:
        f = model.factors
        for banded in (f.caffeine, f.sleep, f.stress, f.alcohol):
            ids.update(banded.sources)
        for choice in (f.hydration, f.exercise, f.medications):
            ids.update(choice.sources)
            for option in choice.options:
                ids.update(option.sources or ())
        ids.update(model.drinks.sources)
        ids.update(model.red_flags.sources)
        for item in model.red_flags.items:
            ids.update(item.sources or ())
    return ids


# --- the course ------------------------------------------------------------------------------


def course_findings(
    course: Course, lesson_files: Mapping[str, str]
) -> Iterator[tuple[str, Finding]]:
    """Rules across lessons: (file, finding). `lesson_files` maps lesson ids to files."""
    if MEDICINE_WARNING not in course.disclaimer:
        yield (
            "course.yaml",
            Finding(
                "disclaimer",
                f"the disclaimer does not say {MEDICINE_WARNING!r}",
                "add that sentence word for word",
            ),
        )
    seen_lessons: set[str] = set()
    seen_numbers: set[int] = set()
    seen_questions: dict[str, str] = {}
    for index, lesson in enumerate(course.lessons):
        where = f"lesson {lesson.id}"
        if lesson.id in seen_lessons:
            yield (
                "course.yaml",
                Finding(
                    f"lessons[{index}]",
                    f"two lessons have the id {lesson.id!r}",
                    "give each lesson its own id",
                    where,
                ),
            )
        seen_lessons.add(lesson.id)
        if lesson.number in seen_numbers:
            yield (
                "course.yaml",
                Finding(
                    f"lessons[{index}]",
                    f"two lessons have the number {lesson.number}",
                    "number the lessons 1, 2, 3, ...",
                    where,
                ),
            )
        seen_numbers.add(lesson.number)
        file = lesson_files.get(lesson.id, "course.yaml")
        for q_index, question in enumerate(lesson.questions):
            if question.id in seen_questions:
                yield (
                    file,
                    Finding(
                        "id",
                        f"duplicate question id {question.id!r} (also in lesson "
                        f"{seen_questions[question.id]})",
                        "give every question in the course its own id",
                        f"question {question.id}",
                        base=f"questions[{q_index}]",
                    ),
                )
            seen_questions[question.id] = lesson.id


def lesson_findings(lesson: Lesson, source_ids: Iterable[str]) -> Iterator[Finding]:
    """Rules for one lesson file (its questions included), with paths from the file's top."""
    known = set(source_ids)
    where = f"lesson {lesson.id}"
    if not ID_PATTERN.match(lesson.id):
        yield Finding(
            "id",
            f"lesson id {lesson.id!r} is not a slug",
            "use lower-case letters, digits and dashes",
            where,
        )
    yield from source_findings(lesson.sources, known, "sources", where=where)
    for index, section in enumerate(lesson.sections):
        yield from source_findings(
            section.sources, known, f"sections[{index}].sources", where=where
        )
        if section.figure is not None:
            yield from figure_findings(section.figure, f"sections[{index}].figure", where=where)
    if lesson.clinician_box is not None:
        yield from source_findings(
            lesson.clinician_box.sources, known, "clinician_box.sources", where=where
        )
    for index, question in enumerate(lesson.questions):
        for finding in question_findings(question, known):
            yield attrs.evolve(finding, base=f"questions[{index}]")


# --- figures ---------------------------------------------------------------------------------

# A figure is named by its file in the content folder's figures/: a name, never a path.
FIGURE_FILE = re.compile(r"^[a-z0-9][a-z0-9-]*\.svg$")
# The course's reading level (tests/unit/test_readability.py measures the lessons with
# textstat): what a figure's alt text and caption may score, by `reading_grade`.
MAX_READING_GRADE = 6.0
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019-][A-Za-z0-9]+)*")
_VOWELS = re.compile(r"[aeiouy]+")


def _syllables(word: str) -> int:
    """Syllables in one word, by vowel groups less a silent ending ("tired", "muscle")."""
    w = word.lower().replace("\u2019", "'").split("'")[0]
    if not w.isalpha():
        return 1
    count = len(_VOWELS.findall(w))
    if count > 1 and (
        (w.endswith("e") and not w.endswith(("le", "ee")))
        or (w.endswith("ed") and not w.endswith(("ted", "ded")))
        or (w.endswith("es") and not w.endswith(("ses", "zes", "ces", "ges", "xes", "ches")))
    ):
        count -= 1
    return max(1, count)


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text`: 0.39 x words per sentence + 11.8 x syllables per
    word - 15.59. Pure Python, for the loader (textstat, which the readability test uses, is
    not a dependency of the course). It counts syllables by vowel groups, textstat by
    hyphenation, which finds fewer; on the lessons it scores within a grade below and two
    above textstat (tests/unit/test_figures.py), so it is a little stricter."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    # Sentences as textstat counts them: runs ended by . ! or ?, at least three words each.
    sentences = sum(1 for part in re.split(r"[.!?]+", text) if len(_WORD.findall(part)) > 2)
    per_sentence = len(words) / max(1, sentences)
    per_word = sum(_syllables(word) for word in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59


def figure_findings(figure: Figure, path: str, *, where: str = "") -> Iterator[Finding]:
    """A figure's own fields: a file name in figures/, alt text and a caption in plain words.
    (The loader checks that the file is there, and that the drawing is safe to show.)"""
    if not FIGURE_FILE.match(figure.file):
        yield Finding(
            f"{path}.file",
            f"{figure.file!r} is not the name of a file in the content folder's figures/",
            "give just the file's name, such as motor-unit.svg (lower-case letters, digits "
            "and dashes, ending in .svg), and put the file in figures/",
            where,
        )
    for name, what in (
        ("alt", "say in one or two plain sentences what the picture shows"),
        ("caption", "write a short caption that says what to notice in the picture"),
    ):
        text = getattr(figure, name)
        if _empty(text):
            yield Finding(f"{path}.{name}", f"the {name} text is empty", what, where)
            continue
        grade = reading_grade(text)
        if grade > MAX_READING_GRADE:
            yield Finding(
                f"{path}.{name}",
                f"the {name} text reads at grade {grade:.1f}, above the course's "
                f"{MAX_READING_GRADE:g}",
                "use shorter sentences and plainer words",
                where,
            )


def question_findings(q: Question, source_ids: Iterable[str]) -> Iterator[Finding]:
    where = f"question {q.id}"
    for field, message, fix in _question_rules(q):
        yield Finding(field, message, fix, where)
    yield from source_findings(q.sources, source_ids, "sources", where=where, required=True)


def _question_rules(q: Question) -> Iterator[tuple[str, str, str]]:
    """(field, message, fix) for the rules a question must follow beyond its field types."""
    if not ID_PATTERN.match(q.id):
        yield (
            "id",
            f"question id {q.id!r} is not a slug",
            "use lower-case letters, digits and dashes",
        )
    if _empty(q.explanation):
        yield (
            "explanation",
            "the explanation is empty",
            "explain the right answer in a sentence or two",
        )
    if isinstance(q, SingleChoiceQuestion | MultipleSelectQuestion):
        yield from _choice_rules(q.choices, single=isinstance(q, SingleChoiceQuestion))
    elif isinstance(q, NumericQuestion):
        if q.tolerance <= 0:
            yield (
                "tolerance",
                "the tolerance must be above zero",
                "give how far off an answer may be",
            )
        if q.minimum >= q.maximum:
            yield "minimum", "minimum is not below maximum", "set the range a learner may answer in"
        elif not q.minimum <= q.answer <= q.maximum:
            yield (
                "answer",
                "the answer lies outside minimum..maximum",
                "widen the range or fix the answer",
            )
        if q.step <= 0:
            yield "step", "step must be above zero", "set the input's step, such as 1 or 0.5"
        yield from _tolerance_rules(q)
    elif isinstance(q, MatchingQuestion):
        yield from _matching_rules(q)


# "80 to 100 mg", "80-100", "between 80 and 100": a range that the text calls right.
_RANGE = re.compile(
    r"(?:between\s+)?(\d+(?:\.\d+)?)\s*(?:to|\u2013|-|and)\s*(\d+(?:\.\d+)?)", re.IGNORECASE
)


def _tolerance_rules(q: NumericQuestion) -> Iterator[tuple[str, str, str]]:
    """The tolerance accepts only what the texts call right, and both hints can show."""
    if q.tolerance <= 0 or q.minimum >= q.maximum:
        return  # already reported
    low, high = q.answer - q.tolerance, q.answer + q.tolerance
    if low <= q.minimum:
        yield (
            "tolerance",
            f"every answer below {_fmt(q.answer)} is accepted, so 'feedback_low' can never show",
            "make the tolerance smaller, or lower the minimum",
        )
    if high >= q.maximum:
        yield (
            "tolerance",
            f"every answer above {_fmt(q.answer)} is accepted, so 'feedback_high' can never show",
            "make the tolerance smaller, or raise the maximum",
        )
    said: set[tuple[float, float]] = set()  # a range repeated in three texts: one problem
    for field in ("explanation", "feedback_low", "feedback_high"):
        for found in _RANGE.finditer(getattr(q, field)):
            start, end = sorted((float(found.group(1)), float(found.group(2))))
            if (start, end) in said:
                continue
            said.add((start, end))
            if start <= q.answer <= end and (low < start or high > end):
                yield (
                    "tolerance",
                    f"it accepts {_fmt(low)} to {_fmt(high)}, but the {field} says "
                    f"{found.group(0)!r}",
                    f"accept only {_fmt(start)} to {_fmt(end)}: a tolerance of at most "
                    f"{_fmt(min(q.answer - start, end - q.answer))}",
                )


def _choice_rules(choices: tuple[Choice, ...], *, single: bool) -> Iterator[tuple[str, str, str]]:
    ids = [c.id for c in choices]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        yield (
            "choices",
            f"duplicate choice id(s) {', '.join(duplicates)}",
            "give each choice its own id",
        )
    correct = [c for c in choices if c.correct]
    wrong = [c for c in choices if not c.correct]
    if len(choices) < 2:
        yield "choices", "fewer than two choices", "offer at least two choices"
    if not correct:
        yield "choices", "no choice is marked correct", "mark the right choice with 'correct: true'"
    elif single and len(correct) > 1:
        yield (
            "choices",
            f"{len(correct)} choices are marked correct in a single-choice question",
            "mark exactly one, or make it kind: multiple_select",
        )
    if not single and not wrong:
        yield (
            "choices",
            "every choice is correct, so partial credit cannot work",
            "add at least one wrong choice",
        )
    for index, choice in enumerate(choices):
        if not choice.correct and _empty(choice.feedback):
            yield (
                f"choices[{index}].feedback",
                f"wrong choice {choice.id!r} has no feedback",
                "add 'feedback:' saying why this choice is wrong",
            )


def _matching_rules(q: MatchingQuestion) -> Iterator[tuple[str, str, str]]:
    left = [i.id for i in q.left]
    right = [i.id for i in q.right]
    for name, ids in (("left", left), ("right", right)):
        if len(set(ids)) != len(ids):
            yield name, f"duplicate ids among the {name} items", "give each item its own id"
    if len(left) < 2:
        yield "left", "fewer than two items to match", "add at least two left items"
    for left_id, right_id in q.pairs.items():
        if left_id not in left:
            yield (
                "pairs",
                f"pair for {left_id!r}, which is not a left item",
                "use ids from 'left:' as the keys of 'pairs:'",
            )
        if right_id not in right:
            yield (
                f"pairs.{left_id}",
                f"pair {left_id!r} -> {right_id!r}: {right_id!r} is not a right item",
                "use ids from 'right:' as the values of 'pairs:'",
            )
    for left_id in left:
        if left_id not in q.pairs:
            yield (
                "pairs",
                f"left item {left_id!r} has no pair",
                f"add '{left_id}: <right id>' under 'pairs:'",
            )
        if _empty(q.feedback.get(left_id, "")):
            yield (
                "feedback",
                f"left item {left_id!r} has no feedback",
                f"add '{left_id}: <why>' under 'feedback:'",
            )


# --- the explorer's risk model ---------------------------------------------------------------


def risk_model_findings(model: RiskModel, source_ids: Iterable[str]) -> Iterator[Finding]:
    known = set(source_ids)
    for name in ("about", "disclaimer"):
        if _empty(getattr(model, name)):
            yield Finding(
                name,
                "this text is empty",
                "say plainly that this is a teaching model, not a measurement",
            )
    yield from _level_findings(model.levels)
    if MEDICINE_WARNING not in model.advice.medicine:
        yield Finding(
            "advice.medicine",
            f"the medicine advice does not say {MEDICINE_WARNING!r}",
            "add that sentence word for word",
        )
    f = model.factors
    for name, banded in (
        ("caffeine", f.caffeine),
        ("sleep", f.sleep),
        ("stress", f.stress),
        ("alcohol", f.alcohol),
    ):
        yield from _banded_findings(name, banded, known)
    for name, choice, kind in (
        ("hydration", f.hydration, Hydration),
        ("exercise", f.exercise, Exercise),
        ("medications", f.medications, Medication),
    ):
        yield from _choice_factor_findings(name, choice, [member.value for member in kind], known)
    yield from _drink_findings(model.drinks, known)
    yield from _red_flag_findings(model.red_flags, known)
    yield from _preset_findings(model.presets)


def _rationale(text: str, path: str) -> Iterator[Finding]:
    if _empty(text):
        yield Finding(
            path, "the rationale is empty", "explain in plain words why the factor has these points"
        )


def _level_findings(levels: tuple[LevelSpec, ...]) -> Iterator[Finding]:
    ids = [spec.id for spec in levels]
    expected = [level.value for level in Level]
    if ids != expected:
        yield Finding(
            "levels",
            f"the levels are {ids}",
            "list exactly these levels, in this order: " + ", ".join(expected),
        )
        return
    if levels[0].min_points != 0:
        yield Finding(
            "levels[0].min_points",
            "the first level must start at 0 points",
            "set min_points: 0 on the first level",
        )
    for index in range(1, len(levels)):
        if levels[index].min_points <= levels[index - 1].min_points:
            yield Finding(
                f"levels[{index}].min_points",
                "the levels' min_points do not increase",
                "give each level a higher min_points than the one before",
            )
    for index, spec in enumerate(levels):
        if _empty(spec.label) or _empty(spec.meaning):
            yield Finding(
                f"levels[{index}]",
                "the label or meaning is empty",
                "write a plain-language label and meaning",
            )


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _banded_findings(name: str, factor: BandedFactor, known: set[str]) -> Iterator[Finding]:
    base = f"factors.{name}"
    rng = INPUT_RANGES[BANDED_INPUTS[name]]
    yield from _rationale(factor.rationale, f"{base}.rationale")
    yield from source_findings(factor.sources, known, f"{base}.sources", required=True)
    thresholds = factor.thresholds
    if any(b <= a for a, b in itertools.pairwise(thresholds)):
        yield Finding(
            f"{base}.thresholds",
            f"the thresholds {list(thresholds)} do not increase",
            "list the thresholds from lowest to highest, each higher than the last",
        )
    outside = [t for t in thresholds if not rng.minimum < t <= rng.maximum]
    if outside:
        yield Finding(
            f"{base}.thresholds",
            f"thresholds {outside} lie outside the input range ({rng.describe()})",
            "keep every threshold inside the range",
        )
    if len(factor.points) != len(thresholds) + 1:
        yield Finding(
            f"{base}.points",
            f"{len(factor.points)} points for {len(thresholds)} thresholds",
            "give one more points entry than thresholds (one per band)",
        )
    if len(factor.sentences) != len(factor.points):
        yield Finding(
            f"{base}.sentences",
            f"{len(factor.sentences)} sentences for {len(factor.points)} bands",
            "write one sentence per band",
        )
    if any(p < 0 for p in factor.points):
        yield Finding(f"{base}.points", "negative points", "use 0 or more points")
    pairs = list(itertools.pairwise(factor.points))
    if factor.direction is Direction.HIGHER_IS_MORE:
        wrong = any(b < a for a, b in pairs)
    else:
        wrong = any(b > a for a, b in pairs)
    if wrong:
        yield Finding(
            f"{base}.points",
            f"the points {list(factor.points)} do not follow direction {factor.direction.value}",
            "with higher_is_more points must never fall from band to band; with "
            "lower_is_more they must never rise",
        )
    for index, mark in enumerate(factor.marks):
        if not rng.minimum <= mark.value <= rng.maximum:
            yield Finding(
                f"{base}.marks[{index}].value",
                f"mark {_fmt(mark.value)} lies outside the input range ({rng.describe()})",
                "keep every mark inside the range",
            )


def _choice_factor_findings(
    name: str, factor: ChoiceFactor, expected: list[str], known: set[str]
) -> Iterator[Finding]:
    base = f"factors.{name}"
    yield from _rationale(factor.rationale, f"{base}.rationale")
    yield from source_findings(factor.sources, known, f"{base}.sources", required=True)
    ids = [option.id for option in factor.options]
    if sorted(ids) != sorted(expected):
        yield Finding(
            f"{base}.options",
            f"the options are {ids}",
            "give exactly one option for each of " + ", ".join(expected),
        )
    if factor.max_points is not None and factor.max_points < 0:
        yield Finding(f"{base}.max_points", "max_points is negative", "use 0 or more")
    for index, option in enumerate(factor.options):
        at = f"{base}.options[{index}]"
        if option.points < 0:
            yield Finding(f"{at}.points", "negative points", "use 0 or more points")
        if _empty(option.sentence):
            yield Finding(
                f"{at}.sentence",
                "the sentence is empty",
                "say in one plain sentence what this choice does",
            )
        if option.sources is not None:
            yield from source_findings(option.sources, known, f"{at}.sources", required=True)


def _drink_findings(drinks: Drinks, known: set[str]) -> Iterator[Finding]:
    yield from source_findings(drinks.sources, known, "drinks.sources", required=True)
    ids = [drink.id for drink in drinks.items]
    expected = ["coffee", "tea", "energy_drink", "cola"]
    if sorted(ids) != sorted(expected):
        yield Finding(
            "drinks.items",
            f"the drinks are {ids}",
            "give exactly one entry for each of " + ", ".join(expected),
        )
    for index, drink in enumerate(drinks.items):
        if not drink.mg > 0:
            yield Finding(
                f"drinks.items[{index}].mg",
                "the caffeine per drink must be above 0 mg",
                "give the mg of caffeine in one serving",
            )
        yield from _rationale(drink.rationale, f"drinks.items[{index}].rationale")


# Words that calm: they belong with the routine tier only, never beside real weakness or an
# emergency (a learner must not read "it is probably nothing" next to those signs).
_REASSURING = re.compile(
    r"harmless|nothing (is )?wrong|not mean (that )?something is wrong|no need to worry|"
    r"do(es)? not worry|probably fine",
    re.IGNORECASE,
)


def _red_flag_findings(flags: RedFlags, known: set[str]) -> Iterator[Finding]:
    yield from _rationale(flags.rationale, "red_flags.rationale")
    yield from source_findings(flags.sources, known, "red_flags.sources", required=True)
    ids = [item.id for item in flags.items]
    expected = [flag.value for flag in RedFlag]
    if sorted(ids) != sorted(expected):
        yield Finding(
            "red_flags.items",
            f"the red flags are {ids}",
            "give exactly one item for each of " + ", ".join(expected),
        )
    tiers = {item.tier for item in flags.items}
    for tier in Tier:
        if tier not in tiers:
            yield Finding(
                "red_flags.items",
                f"no warning sign of the {tier.value} tier",
                f"give at least one item 'tier: {tier.value}'",
            )
    for index, item in enumerate(flags.items):
        at = f"red_flags.items[{index}]"
        if _empty(item.advice):
            yield Finding(f"{at}.advice", "the advice is empty", "say what to do about this sign")
        elif item.tier is not Tier.ROUTINE and (found := _REASSURING.search(item.advice)):
            yield Finding(
                f"{at}.advice",
                f"reassuring words ({found.group(0)!r}) beside a sign of the "
                f"{item.tier.value} tier",
                "say what to do and how soon; keep reassurance for the routine tier",
            )
        if item.sources is not None:
            yield from source_findings(item.sources, known, f"{at}.sources", required=True)


def warning_sign_findings(warnings: WarningSigns, source_ids: Iterable[str]) -> Iterator[Finding]:
    """warning_signs.yaml: three tiers in their own words, and the eyelid signs."""
    known = set(source_ids)
    for tier, words in warnings.tiers():
        at = tier.value
        for name in ("title", "action"):
            if _empty(getattr(words, name)):
                yield Finding(f"{at}.{name}", "this text is empty", "write it")
        if not words.signs or any(_empty(sign) for sign in words.signs):
            yield Finding(
                f"{at}.signs", "a sign is missing or empty", "list the signs of this tier"
            )
        yield from source_findings(words.sources, known, f"{at}.sources", required=True)
        if tier is Tier.ROUTINE:
            continue
        if words.reassurance:
            yield Finding(
                f"{at}.reassurance",
                f"the {tier.value} tier has reassurance",
                "remove it: reassurance fits the routine tier only",
            )
        for name, text in (("title", words.title), ("action", words.action)):
            if found := _REASSURING.search(text):
                yield Finding(
                    f"{at}.{name}",
                    f"reassuring words ({found.group(0)!r}) in the {tier.value} tier",
                    "say what to do and how soon; keep reassurance for the routine tier",
                )
    if "999" not in warnings.emergency.action:
        yield Finding(
            "emergency.action",
            "the emergency tier does not say to call 999",
            "say: call 999 (or your local emergency number)",
        )
    if _empty(warnings.routine.reassurance):
        yield Finding(
            "routine.reassurance",
            "the routine tier has no reassurance",
            "say that most people who get checked are told their twitching is harmless",
        )
    eyelid = warnings.eyelid
    if _empty(eyelid.title) or not eyelid.signs:
        yield Finding("eyelid", "the eyelid signs are missing", "give a title and the signs")
    yield from source_findings(eyelid.sources, known, "eyelid.sources", required=True)


def _preset_findings(presets: tuple[PresetData, ...]) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, preset in enumerate(presets):
        at = f"presets[{index}]"
        if not ID_PATTERN.match(preset.id) or preset.id in seen:
            yield Finding(
                f"{at}.id",
                f"preset id {preset.id!r} is not a unique slug",
                "use lower-case letters, digits and dashes, different for each preset",
            )
        seen.add(preset.id)
        bad = preset.factors.first_problem()
        if bad is not None:
            name, message = bad
            yield Finding(
                f"{at}.factors.{name}", message, "change the value to one the explorer accepts"
            )


# --- case studies ----------------------------------------------------------------------------


def case_findings(cases: tuple[CaseSpec, ...], course: Course) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, case in enumerate(cases):
        at = f"cases[{index}]"
        where = f"case {case.id}"
        if not ID_PATTERN.match(case.id) or case.id in seen:
            yield Finding(
                f"{at}.id",
                f"case id {case.id!r} is not a unique slug",
                "use lower-case letters, digits and dashes, different for each case",
                where,
            )
        seen.add(case.id)
        for name in ("title", "story", "prompt", "takeaway"):
            if _empty(getattr(case, name)):
                yield Finding(f"{at}.{name}", "this text is empty", "write it", where)
        bad = case.settings.first_problem()
        if bad is not None:
            name, message = bad
            yield Finding(
                f"{at}.settings.{name}",
                message,
                "change the value to one the explorer accepts",
                where,
            )
        for q_index, qid in enumerate(case.question_ids):
            if qid not in course.questions:
                yield Finding(
                    f"{at}.question_ids[{q_index}]",
                    f"question {qid!r} is not in any lesson of the course",
                    "use the id of a question in a lesson file, or add the question to a lesson",
                    where,
                )
        if len(set(case.question_ids)) != len(case.question_ids):
            yield Finding(
                f"{at}.question_ids", "a question is listed twice", "list each question once", where
            )


# --- the teacher guide and the glossary ------------------------------------------------------


def guide_findings(guide: TeacherGuide, course: Course) -> Iterator[Finding]:
    if not guide.plan:
        yield Finding("plan", "the class plan is empty", "list the steps of a class under 'plan:'")
    for index, step in enumerate(guide.plan):
        if step.minutes <= 0:
            yield Finding(
                f"plan[{index}].minutes",
                "a step must take some minutes",
                "give the minutes, such as 10",
            )
        for name in ("activity", "detail"):
            if _empty(getattr(step, name)):
                yield Finding(f"plan[{index}].{name}", "this text is empty", "write it")
    if _empty(guide.safety_note):
        yield Finding(
            "safety_note",
            "the safety note is empty",
            "say that the course cannot tell what causes anyone's twitches",
        )
    if not guide.disclosure or any(_empty(step) for step in guide.disclosure):
        yield Finding(
            "disclosure",
            "the guide does not say what to do when a learner is worried or distressed",
            "list the steps: speak privately, suggest a GP or school nurse, urgent help",
        )
    if not guide.generic_prompts:
        yield Finding(
            "generic_prompts",
            "no prompts for lessons without their own",
            "list one or two general prompts",
        )
    for index, way in enumerate(guide.ways):
        at = f"ways[{index}]"
        for name in ("title", "suits"):
            if _empty(getattr(way, name)):
                yield Finding(f"{at}.{name}", "this text is empty", "write it")
        if not way.steps:
            yield Finding(f"{at}.steps", "this way has no steps", "list the steps in order")
        for number, setup in enumerate(way.steps):
            if _empty(setup.do):
                yield Finding(
                    f"{at}.steps[{number}].do", "this step says nothing to do", "write it"
                )
    lesson_ids = {lesson.id for lesson in course.lessons}
    for lesson_id, prompts in guide.prompts.items():
        if lesson_id not in lesson_ids:
            yield Finding(
                f"prompts.{lesson_id}",
                f"{lesson_id!r} is not a lesson of the course",
                "use a lesson id from the lesson files, or remove these prompts",
            )
        if not prompts or any(_empty(p) for p in prompts):
            yield Finding(
                f"prompts.{lesson_id}",
                "a prompt is missing or empty",
                "write each prompt as a question",
            )


def glossary_findings(
    terms: tuple[GlossaryTerm, ...], source_ids: Iterable[str]
) -> Iterator[Finding]:
    known = set(source_ids)
    seen: set[str] = set()
    for index, term in enumerate(terms):
        at = f"terms[{index}]"
        folded = term.term.strip().casefold()
        if not folded:
            yield Finding(f"{at}.term", "the term is empty", "write the word being explained")
        elif folded in seen:
            yield Finding(
                f"{at}.term", f"{term.term!r} is explained twice", "keep one entry per term"
            )
        seen.add(folded)
        if _empty(term.meaning):
            yield Finding(
                f"{at}.meaning",
                "the meaning is empty",
                "explain the term in one or two plain sentences",
            )
        yield from source_findings(term.sources, known, f"{at}.sources")
