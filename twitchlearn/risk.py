"""The risk explorer's teaching model: everyday triggers in, an ordinal level out.

This is an illustrative model, not a measurement: no study gives dose-response figures for
any factor and everyday twitching. Each factor gives whole points, set in
`content/risk_model.yaml` together with a written rationale, an evidence grade and source
ids; the total picks one of four `Level`s. The model never outputs a percentage and never
says anything about the chance of a disease.

A separate red-flag checklist (weakness, muscle wasting, trouble speaking or swallowing,
twitching for more than two weeks, twitching that spreads) always overrides the level: the
assessment then carries `see_clinician=True` and an `override_message` in the NHS
"See a GP if" style, and a view shows that instead of the level.

    factors = RiskFactors(caffeine_mg=caffeine_from_drinks(coffee=5), sleep_hours=5, stress=8)
    result = assess(factors)
    result.headline            # the level label, or the override message
    result.contributions       # per factor: points, sentence, evidence grade, sources

`load_model()` reads the shipped model once per process; `read_model(path)` reads any copy
without caching (raises ContentError naming the file, field and line). `presets()` and
`cases()` return the named settings and the case studies, checked like any RiskFactors;
`check_cases(course)` checks that every case's questions are in the course.
"""

from __future__ import annotations

import bisect
import enum
import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs

from twitchlearn.errors import ContentError, ContentProblem, RiskInputError
from twitchlearn.loading import CONTENT_DIR, load_data_file
from twitchlearn.models import Course, Source

__all__ = [
    "CASES_FILE",
    "INPUT_RANGES",
    "MODEL_FILE",
    "Assessment",
    "CaseStudy",
    "Contribution",
    "Drink",
    "Evidence",
    "Exercise",
    "Hydration",
    "InputRange",
    "Level",
    "Medication",
    "Preset",
    "RedFlag",
    "RiskFactors",
    "RiskModel",
    "assess",
    "caffeine_from_drinks",
    "cases",
    "check_cases",
    "drinks",
    "load_model",
    "presets",
    "read_cases",
    "read_model",
]

MODEL_FILE = CONTENT_DIR / "risk_model.yaml"
CASES_FILE = CONTENT_DIR / "cases.yaml"
SOURCES_FILE = CONTENT_DIR / "sources.yaml"

MEDICINE_WARNING = "Do not stop a prescribed medicine without advice."

# Wording the model must never output: percentages, and anything about the chance of ALS/MND.
_FORBIDDEN_CASED = re.compile(r"%|\bALS\b|\bMND\b")
_FORBIDDEN_ANY_CASE = re.compile(
    r"motor neuron|amyotrophic|lou gehrig|disease risk|risk of", re.IGNORECASE
)
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_E = TypeVar("_E", bound=enum.StrEnum)


# --- inputs ----------------------------------------------------------------------------------


class Level(enum.StrEnum):
    """How likely everyday twitches are, compared with usual. Ordered from least to most."""

    LESS_LIKELY = "less_likely"
    ABOUT_TYPICAL = "about_typical"
    MORE_LIKELY = "more_likely"
    MUCH_MORE_LIKELY = "much_more_likely"

    @property
    def rank(self) -> int:
        """0 for LESS_LIKELY up to 3 for MUCH_MORE_LIKELY."""
        return list(Level).index(self)


class Hydration(enum.StrEnum):
    """How much someone drinks. Only the two extremes count in the model."""

    VERY_LOW = "very_low"
    NORMAL = "normal"
    VERY_HIGH = "very_high"


class Exercise(enum.StrEnum):
    """Exercise in the last 24 hours. Not monotonic: only a hard session adds points."""

    NONE = "none"
    MODERATE = "moderate"
    HARD = "hard"


class Medication(enum.StrEnum):
    ASTHMA_RELIEVER = "asthma_reliever"
    CORTICOSTEROID = "corticosteroid"
    DIURETIC = "diuretic"
    STIMULANT = "stimulant"


class RedFlag(enum.StrEnum):
    """Checklist items that replace the level with advice to see a GP."""

    WEAKNESS = "weakness"
    MUSCLE_WASTING = "muscle_wasting"
    SPEECH_OR_SWALLOWING = "speech_or_swallowing"
    OVER_TWO_WEEKS = "over_two_weeks"
    SPREADING = "spreading"


class Evidence(enum.StrEnum):
    """How good the evidence behind a factor is, strongest first."""

    GUIDELINE = "guideline"
    EXPERT_OPINION = "expert_opinion"
    CASE_REPORTS = "case_reports"
    NO_DIRECT_EVIDENCE = "no_direct_evidence"

    @property
    def label(self) -> str:
        return _EVIDENCE_LABELS[self]


_EVIDENCE_LABELS = {
    Evidence.GUIDELINE: "Health guides (such as the NHS) list it; no study gives amounts",
    Evidence.EXPERT_OPINION: "Expert opinion",
    Evidence.CASE_REPORTS: "Case reports only",
    Evidence.NO_DIRECT_EVIDENCE: "No direct evidence",
}


@attrs.frozen
class InputRange:
    """The values one numeric input accepts, for validation and for a view's slider."""

    label: str
    minimum: float
    maximum: float
    unit: str  # after the range in messages: "from 0 to 1200 mg a day"
    shown_as: str = "{} "  # a value in words; "{}" is the number

    def describe(self) -> str:
        return f"a number from {_fmt(self.minimum)} to {_fmt(self.maximum)} {self.unit}"

    def show(self, value: float) -> str:
        return self.shown_as.format(_fmt(round(value, 1)))


INPUT_RANGES: dict[str, InputRange] = {
    "caffeine_mg": InputRange("Caffeine", 0, 1200, "mg a day", "{} mg a day"),
    "sleep_hours": InputRange("Sleep", 0, 14, "hours a night", "{} hours a night"),
    "stress": InputRange(
        "Stress or anxiety", 0, 10, "(0 = no stress, 10 = the worst)", "{} out of 10"
    ),
    "alcohol_drinks": InputRange("Alcohol", 0, 20, "drinks a day", "{} drinks a day"),
}
_DRINK_RANGE = InputRange("Drinks", 0, 20, "a day", "{} a day")
_BANDED_INPUT = {
    "caffeine": "caffeine_mg",
    "sleep": "sleep_hours",
    "stress": "stress",
    "alcohol": "alcohol_drinks",
}


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _check_number(value: object, rng: InputRange) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RiskInputError(f"{rng.label} must be {rng.describe()}; got {value!r}")
    number = float(value)
    if not rng.minimum <= number <= rng.maximum:  # also refuses NaN and the infinities
        raise RiskInputError(f"{rng.label} must be {rng.describe()}; got {_fmt(number)}")
    return number


def _number_validator(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    _check_number(value, INPUT_RANGES[attribute.name])


def _choice(kind: type[_E], what: str, value: object) -> _E:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    allowed = ", ".join(repr(member.value) for member in kind)
    raise RiskInputError(f"{what} must be one of {allowed}; got {value!r}")


def _choices(kind: type[_E], what: str, value: object) -> frozenset[_E]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        allowed = ", ".join(repr(member.value) for member in kind)
        raise RiskInputError(
            f"{what} must be a collection (such as a list) of {allowed}; got {value!r}"
        )
    return frozenset(_choice(kind, f"each of {what}", item) for item in value)


def _to_hydration(value: Hydration | str) -> Hydration:
    return _choice(Hydration, "Hydration", value)


def _to_exercise(value: Exercise | str) -> Exercise:
    return _choice(Exercise, "Exercise", value)


def _to_medications(value: Iterable[Medication | str]) -> frozenset[Medication]:
    return _choices(Medication, "medications", value)


def _to_red_flags(value: Iterable[RedFlag | str]) -> frozenset[RedFlag]:
    return _choices(RedFlag, "red flags", value)


@attrs.frozen(kw_only=True)
class RiskFactors:
    """One person's settings in the explorer. Checked on construction (RiskInputError).

    Numbers must be finite and within `INPUT_RANGES`; choices may be given as the enum or its
    string value ("hard", ["diuretic"]).
    """

    caffeine_mg: float = attrs.field(default=0.0, validator=_number_validator)
    sleep_hours: float = attrs.field(default=8.0, validator=_number_validator)
    hydration: Hydration = attrs.field(default=Hydration.NORMAL, converter=_to_hydration)
    stress: float = attrs.field(default=0.0, validator=_number_validator)
    exercise: Exercise = attrs.field(default=Exercise.NONE, converter=_to_exercise)
    alcohol_drinks: float = attrs.field(default=0.0, validator=_number_validator)
    medications: frozenset[Medication] = attrs.field(default=frozenset(), converter=_to_medications)
    red_flags: frozenset[RedFlag] = attrs.field(default=frozenset(), converter=_to_red_flags)


# --- the model file ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Mark:
    """A labelled reference value on a slider (such as 400 mg caffeine, the FDA figure)."""

    value: float
    label: str


@attrs.frozen(kw_only=True)
class BandedFactor:
    """A numeric factor: `thresholds` split the range into bands, one `points` entry each."""

    label: str
    direction: str  # "higher_is_more" or "lower_is_more"
    thresholds: tuple[float, ...]
    points: tuple[int, ...]
    sentences: tuple[str, ...]
    marks: tuple[Mark, ...] = ()
    evidence: str
    sources: tuple[str, ...]
    rationale: str

    def band(self, value: float) -> int:
        return bisect.bisect_right(self.thresholds, value)


@attrs.frozen(kw_only=True)
class Option:
    """One choice of a categorical factor; evidence and sources default to the factor's."""

    id: str
    label: str
    points: int
    sentence: str
    evidence: str | None = None
    sources: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class ChoiceFactor:
    label: str
    evidence: str
    sources: tuple[str, ...]
    rationale: str
    options: tuple[Option, ...]
    max_points: int | None = None

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)  # unreachable for a validated model


@attrs.frozen(kw_only=True)
class Factors:
    caffeine: BandedFactor
    sleep: BandedFactor
    stress: BandedFactor
    alcohol: BandedFactor
    hydration: ChoiceFactor
    exercise: ChoiceFactor
    medications: ChoiceFactor


@attrs.frozen(kw_only=True)
class LevelSpec:
    id: str
    label: str
    min_points: int
    meaning: str


@attrs.frozen(kw_only=True)
class Advice:
    general: str
    see_gp_if: str
    medicine: str
    override: str


@attrs.frozen(kw_only=True)
class Drink:
    """Caffeine in one serving of a drink: the middle of the FDA's range."""

    id: str
    label: str
    mg: float
    rationale: str


@attrs.frozen(kw_only=True)
class Drinks:
    sources: tuple[str, ...]
    items: tuple[Drink, ...]


@attrs.frozen(kw_only=True)
class RedFlagSpec:
    id: str
    label: str
    advice: str
    sources: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class RedFlags:
    evidence: str
    sources: tuple[str, ...]
    rationale: str
    items: tuple[RedFlagSpec, ...]


@attrs.frozen(kw_only=True)
class FactorSettings:
    """RiskFactors as written in YAML (presets, case studies), before they are checked."""

    caffeine_mg: float = 0.0
    sleep_hours: float = 8.0
    hydration: str = "normal"
    stress: float = 0.0
    exercise: str = "none"
    alcohol_drinks: float = 0.0
    medications: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()

    def first_problem(self) -> tuple[str, str] | None:
        """(field name, message) of the first value RiskFactors refuses, or None."""
        for field in attrs.fields(FactorSettings):
            try:
                RiskFactors(**{field.name: getattr(self, field.name)})
            except RiskInputError as exc:
                return field.name, str(exc)
        return None

    def to_factors(self) -> RiskFactors:
        return RiskFactors(
            caffeine_mg=self.caffeine_mg,
            sleep_hours=self.sleep_hours,
            hydration=self.hydration,
            stress=self.stress,
            exercise=self.exercise,
            alcohol_drinks=self.alcohol_drinks,
            medications=self.medications,
            red_flags=self.red_flags,
        )


@attrs.frozen(kw_only=True)
class PresetData:
    id: str
    label: str
    description: str
    factors: FactorSettings


@attrs.frozen(kw_only=True)
class RiskModel:
    """Everything in risk_model.yaml, validated. Use `load_model()` or `read_model(path)`."""

    about: str
    disclaimer: str
    levels: tuple[LevelSpec, ...]
    advice: Advice
    factors: Factors
    drinks: Drinks
    red_flags: RedFlags
    presets: tuple[PresetData, ...] = ()

    def level_spec(self, level: Level) -> LevelSpec:
        return self.levels[level.rank]

    def red_flag(self, flag: RedFlag) -> RedFlagSpec:
        return next(item for item in self.red_flags.items if item.id == flag.value)


@attrs.frozen(kw_only=True)
class _SourcesFile:
    sources: tuple[Source, ...]


def load_model(path: str | Path | None = None) -> RiskModel:
    """The model in `path` (default: the shipped risk_model.yaml), validated once and cached."""
    return _load_model_cached(str(Path(MODEL_FILE if path is None else path).resolve()))


@functools.cache
def _load_model_cached(resolved: str) -> RiskModel:
    return read_model(resolved)


def read_model(path: str | Path, *, sources_path: str | Path | None = None) -> RiskModel:
    """Read and validate a model file, without caching. Raises ContentError.

    Source ids are checked against `sources_path`; by default the sources.yaml beside the
    model file, or the shipped one when there is none.
    """
    path = Path(path)
    if sources_path is None:
        beside = path.parent / "sources.yaml"
        sources_path = beside if beside.is_file() else SOURCES_FILE
    source_ids = {s.id for s in load_data_file(sources_path, _SourcesFile).sources}
    model = load_data_file(path, RiskModel)
    text = path.read_text(encoding="utf-8")
    problems = list(_ModelChecker(path.name, text, source_ids).check(model))
    if problems:
        raise ContentError(problems)
    return model


# --- validation of the model file ----------------------------------------------------------


def _line_of(text: str, tokens: Iterable[str]) -> int | None:
    """1-based line of the last of `tokens` found in order, each at the start of a line.

    Tokens are keys ("factors:") or list-item ids ("id: exam-week"); good enough to point a
    content author at the right place in the files this module reads.
    """
    lines = text.splitlines()
    found: int | None = None
    start = 0
    for token in tokens:
        for index in range(start, len(lines)):
            stripped = lines[index].strip()
            stripped = stripped.removeprefix("- ").strip()
            if stripped.startswith(token):
                found, start = index + 1, index + 1
                break
        else:
            return found
    return found


class _ModelChecker:
    def __init__(self, file: str, text: str, source_ids: set[str]) -> None:
        self.file = file
        self.text = text
        self.source_ids = source_ids

    def problem(
        self, message: str, fix: str, field: str, tokens: Iterable[str], where: str = ""
    ) -> ContentProblem:
        return ContentProblem(
            file=self.file,
            message=message,
            fix=fix,
            where=where,
            field=field,
            line=_line_of(self.text, tokens),
        )

    def check(self, model: RiskModel) -> Iterator[ContentProblem]:
        yield from self.check_wording()
        for name, text_field in (("about", model.about), ("disclaimer", model.disclaimer)):
            if not text_field.strip():
                yield self.problem(
                    "this text is empty",
                    "say plainly that this is a teaching model, not a measurement",
                    name,
                    [f"{name}:"],
                )
        yield from self.check_levels(model.levels)
        if MEDICINE_WARNING not in model.advice.medicine:
            yield self.problem(
                f"the medicine advice does not say {MEDICINE_WARNING!r}",
                "add that sentence word for word",
                "advice.medicine",
                ["advice:", "medicine:"],
            )
        for name, banded in (
            ("caffeine", model.factors.caffeine),
            ("sleep", model.factors.sleep),
            ("stress", model.factors.stress),
            ("alcohol", model.factors.alcohol),
        ):
            yield from self.check_banded(name, banded)
        for name, choice, kind in (
            ("hydration", model.factors.hydration, Hydration),
            ("exercise", model.factors.exercise, Exercise),
            ("medications", model.factors.medications, Medication),
        ):
            yield from self.check_choice(name, choice, kind)
        yield from self.check_drinks(model.drinks)
        yield from self.check_red_flags(model.red_flags)
        yield from self.check_presets(model.presets)

    def check_wording(self) -> Iterator[ContentProblem]:
        for number, line in enumerate(self.text.splitlines(), start=1):
            match = _FORBIDDEN_CASED.search(line) or _FORBIDDEN_ANY_CASE.search(line)
            if match:
                yield ContentProblem(
                    file=self.file,
                    message=f"forbidden wording {match.group(0)!r}: the explorer gives no "
                    "percentages and says nothing about the chance of any disease",
                    fix="use words (such as 'more likely'); leave out disease names",
                    line=number,
                )

    def check_evidence(self, grade: str, field: str, tokens: list[str]) -> Iterator[ContentProblem]:
        if grade not in {e.value for e in Evidence}:
            yield self.problem(
                f"unknown evidence grade {grade!r}",
                "use one of " + ", ".join(e.value for e in Evidence),
                field,
                tokens,
            )

    def check_sources(
        self, ids: tuple[str, ...], field: str, tokens: list[str], *, required: bool = True
    ) -> Iterator[ContentProblem]:
        if required and not ids:
            yield self.problem(
                "no source given", "cite at least one id from sources.yaml", field, tokens
            )
        for sid in ids:
            if sid not in self.source_ids:
                yield self.problem(
                    f"unknown source {sid!r}",
                    "use an id from sources.yaml, or add the source there",
                    field,
                    tokens,
                )

    def check_rationale(self, text: str, field: str, tokens: list[str]) -> Iterator[ContentProblem]:
        if not text.strip():
            yield self.problem(
                "the rationale is empty",
                "explain in plain words why the factor has these points",
                field,
                tokens,
            )

    def check_levels(self, levels: tuple[LevelSpec, ...]) -> Iterator[ContentProblem]:
        ids = [spec.id for spec in levels]
        expected = [level.value for level in Level]
        if ids != expected:
            yield self.problem(
                f"the levels are {ids}",
                "list exactly these levels, in this order: " + ", ".join(expected),
                "levels",
                ["levels:"],
            )
            return
        if levels[0].min_points != 0:
            yield self.problem(
                "the first level must start at 0 points",
                "set min_points: 0 on the first level",
                "levels[0].min_points",
                ["levels:", f"id: {levels[0].id}", "min_points:"],
            )
        for index in range(1, len(levels)):
            if levels[index].min_points <= levels[index - 1].min_points:
                yield self.problem(
                    "the levels' min_points do not increase",
                    "give each level a higher min_points than the one before",
                    f"levels[{index}].min_points",
                    ["levels:", f"id: {levels[index].id}", "min_points:"],
                )
        for index, spec in enumerate(levels):
            if not spec.label.strip() or not spec.meaning.strip():
                yield self.problem(
                    "the label or meaning is empty",
                    "write a plain-language label and meaning",
                    f"levels[{index}]",
                    ["levels:", f"id: {spec.id}"],
                )

    def check_banded(self, name: str, factor: BandedFactor) -> Iterator[ContentProblem]:
        base = f"factors.{name}"
        at = ["factors:", f"{name}:"]
        rng = INPUT_RANGES[_BANDED_INPUT[name]]
        yield from self.check_rationale(factor.rationale, f"{base}.rationale", [*at, "rationale:"])
        yield from self.check_evidence(factor.evidence, f"{base}.evidence", [*at, "evidence:"])
        yield from self.check_sources(factor.sources, f"{base}.sources", [*at, "sources:"])
        thresholds = factor.thresholds
        if any(b <= a for a, b in itertools.pairwise(thresholds)):
            yield self.problem(
                f"the thresholds {list(thresholds)} do not increase",
                "list the thresholds from lowest to highest, each higher than the last",
                f"{base}.thresholds",
                [*at, "thresholds:"],
            )
        outside = [t for t in thresholds if not rng.minimum < t <= rng.maximum]
        if outside:
            yield self.problem(
                f"thresholds {outside} lie outside the input range ({rng.describe()})",
                "keep every threshold inside the range",
                f"{base}.thresholds",
                [*at, "thresholds:"],
            )
        if len(factor.points) != len(thresholds) + 1:
            yield self.problem(
                f"{len(factor.points)} points for {len(thresholds)} thresholds",
                "give one more points entry than thresholds (one per band)",
                f"{base}.points",
                [*at, "points:"],
            )
        if len(factor.sentences) != len(factor.points):
            yield self.problem(
                f"{len(factor.sentences)} sentences for {len(factor.points)} bands",
                "write one sentence per band",
                f"{base}.sentences",
                [*at, "sentences:"],
            )
        if any(p < 0 for p in factor.points):
            yield self.problem(
                "negative points", "use 0 or more points", f"{base}.points", [*at, "points:"]
            )
        pairs = list(itertools.pairwise(factor.points))
        if factor.direction == "higher_is_more":
            wrong = any(b < a for a, b in pairs)
        elif factor.direction == "lower_is_more":
            wrong = any(b > a for a, b in pairs)
        else:
            yield self.problem(
                f"unknown direction {factor.direction!r}",
                "use higher_is_more or lower_is_more",
                f"{base}.direction",
                [*at, "direction:"],
            )
            wrong = False
        if wrong:
            yield self.problem(
                f"the points {list(factor.points)} do not follow direction {factor.direction}",
                "with higher_is_more points must never fall from band to band; with "
                "lower_is_more they must never rise",
                f"{base}.points",
                [*at, "points:"],
            )
        for mark in factor.marks:
            if not rng.minimum <= mark.value <= rng.maximum:
                yield self.problem(
                    f"mark {_fmt(mark.value)} lies outside the input range ({rng.describe()})",
                    "keep every mark inside the range",
                    f"{base}.marks",
                    [*at, "marks:"],
                )

    def check_choice(
        self, name: str, factor: ChoiceFactor, kind: type[enum.StrEnum]
    ) -> Iterator[ContentProblem]:
        base = f"factors.{name}"
        at = ["factors:", f"{name}:"]
        yield from self.check_rationale(factor.rationale, f"{base}.rationale", [*at, "rationale:"])
        yield from self.check_evidence(factor.evidence, f"{base}.evidence", [*at, "evidence:"])
        yield from self.check_sources(factor.sources, f"{base}.sources", [*at, "sources:"])
        ids = [option.id for option in factor.options]
        expected = [member.value for member in kind]
        if sorted(ids) != sorted(expected):
            yield self.problem(
                f"the options are {ids}",
                "give exactly one option for each of " + ", ".join(expected),
                f"{base}.options",
                [*at, "options:"],
            )
        if factor.max_points is not None and factor.max_points < 0:
            yield self.problem(
                "max_points is negative",
                "use 0 or more",
                f"{base}.max_points",
                [*at, "max_points:"],
            )
        for index, option in enumerate(factor.options):
            field = f"{base}.options[{index}]"
            tokens = [*at, "options:", f"id: {option.id}"]
            if option.points < 0:
                yield self.problem(
                    "negative points", "use 0 or more points", f"{field}.points", tokens
                )
            if not option.sentence.strip():
                yield self.problem(
                    "the sentence is empty",
                    "say in one plain sentence what this choice does",
                    f"{field}.sentence",
                    tokens,
                )
            if option.evidence is not None:
                yield from self.check_evidence(option.evidence, f"{field}.evidence", tokens)
            if option.sources is not None:
                yield from self.check_sources(option.sources, f"{field}.sources", tokens)

    def check_drinks(self, drinks_: Drinks) -> Iterator[ContentProblem]:
        yield from self.check_sources(drinks_.sources, "drinks.sources", ["drinks:", "sources:"])
        ids = [drink.id for drink in drinks_.items]
        expected = ["coffee", "tea", "energy_drink", "cola"]
        if sorted(ids) != sorted(expected):
            yield self.problem(
                f"the drinks are {ids}",
                "give exactly one entry for each of " + ", ".join(expected),
                "drinks.items",
                ["drinks:", "items:"],
            )
        for index, drink in enumerate(drinks_.items):
            tokens = ["drinks:", "items:", f"id: {drink.id}"]
            if not drink.mg > 0:
                yield self.problem(
                    "the caffeine per drink must be above 0 mg",
                    "give the mg of caffeine in one serving",
                    f"drinks.items[{index}].mg",
                    tokens,
                )
            yield from self.check_rationale(
                drink.rationale, f"drinks.items[{index}].rationale", tokens
            )

    def check_red_flags(self, flags: RedFlags) -> Iterator[ContentProblem]:
        at = ["red_flags:"]
        yield from self.check_rationale(flags.rationale, "red_flags.rationale", [*at, "rationale:"])
        yield from self.check_evidence(flags.evidence, "red_flags.evidence", [*at, "evidence:"])
        yield from self.check_sources(flags.sources, "red_flags.sources", [*at, "sources:"])
        ids = [item.id for item in flags.items]
        expected = [flag.value for flag in RedFlag]
        if sorted(ids) != sorted(expected):
            yield self.problem(
                f"the red flags are {ids}",
                "give exactly one item for each of " + ", ".join(expected),
                "red_flags.items",
                [*at, "items:"],
            )
        for index, item in enumerate(flags.items):
            tokens = [*at, "items:", f"id: {item.id}"]
            if not item.advice.startswith("See a GP if"):
                yield self.problem(
                    "the advice does not start with 'See a GP if'",
                    "word it in the NHS style: 'See a GP if ...'",
                    f"red_flags.items[{index}].advice",
                    tokens,
                )
            if item.sources is not None:
                yield from self.check_sources(
                    item.sources, f"red_flags.items[{index}].sources", tokens
                )

    def check_presets(self, presets_: tuple[PresetData, ...]) -> Iterator[ContentProblem]:
        seen: set[str] = set()
        for index, preset in enumerate(presets_):
            field = f"presets[{index}]"
            tokens = ["presets:", f"id: {preset.id}"]
            if not _ID_PATTERN.match(preset.id) or preset.id in seen:
                yield self.problem(
                    f"preset id {preset.id!r} is not a unique slug",
                    "use lower-case letters, digits and dashes, different for each preset",
                    f"{field}.id",
                    tokens,
                )
            seen.add(preset.id)
            bad = preset.factors.first_problem()
            if bad is not None:
                name, message = bad
                yield self.problem(
                    message,
                    "change the value to one the explorer accepts",
                    f"{field}.factors.{name}",
                    [*tokens, "factors:", f"{name}:"],
                )


# --- the assessment ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Contribution:
    """What one factor adds: its points, a plain sentence, and how good the evidence is."""

    factor: str  # "caffeine", "sleep", "hydration", "stress", "exercise", "alcohol", "medications"
    label: str
    value: str  # the input in words, such as "450 mg a day" or "Diuretic ("water tablet")"
    points: int
    sentence: str
    evidence: Evidence
    evidence_label: str
    sources: tuple[str, ...]
    rationale: str

    def texts(self) -> tuple[str, ...]:
        return (self.label, self.value, self.sentence, self.evidence_label, self.rationale)


@attrs.frozen(kw_only=True)
class Assessment:
    """The model's answer for one RiskFactors.

    When `see_clinician` is true a view must show `override_message` instead of the level
    (`headline` does this); the level is still computed, for teaching only.
    """

    level: Level
    level_label: str
    level_meaning: str
    points: int
    contributions: tuple[Contribution, ...]
    see_clinician: bool
    override_message: str | None
    red_flags: tuple[RedFlag, ...]
    red_flag_advice: tuple[str, ...]
    advice: str
    about: str
    disclaimer: str

    @property
    def headline(self) -> str:
        """What to show first: the override message when there is one, else the level."""
        if self.override_message is not None:
            return self.override_message
        return self.level_label

    def contribution(self, factor: str) -> Contribution:
        for item in self.contributions:
            if item.factor == factor:
                return item
        known = ", ".join(item.factor for item in self.contributions)
        raise KeyError(f"No factor {factor!r}; the factors are: {known}")

    def texts(self) -> tuple[str, ...]:
        """Every string a learner can be shown from this assessment."""
        parts = [self.level_label, self.level_meaning, self.advice, self.about, self.disclaimer]
        parts.extend(self.red_flag_advice)
        if self.override_message is not None:
            parts.append(self.override_message)
        for item in self.contributions:
            parts.extend(item.texts())
        return tuple(parts)


def assess(factors: RiskFactors, model: RiskModel | None = None) -> Assessment:
    """The level, per-factor contributions and advice for `factors` (default: shipped model)."""
    if not isinstance(factors, RiskFactors):
        raise RiskInputError(
            f"assess() takes a RiskFactors, such as RiskFactors(caffeine_mg=200); "
            f"got {type(factors).__name__}"
        )
    model = load_model() if model is None else model
    spec = model.factors
    contributions = (
        _banded("caffeine", spec.caffeine, factors.caffeine_mg),
        _banded("sleep", spec.sleep, factors.sleep_hours),
        _chosen("hydration", spec.hydration, factors.hydration),
        _banded("stress", spec.stress, factors.stress),
        _chosen("exercise", spec.exercise, factors.exercise),
        _banded("alcohol", spec.alcohol, factors.alcohol_drinks),
        _medicines(spec.medications, factors.medications, model.advice),
    )
    total = sum(item.points for item in contributions)
    level = Level.LESS_LIKELY
    for candidate, level_spec in zip(Level, model.levels, strict=True):
        if total >= level_spec.min_points:
            level = candidate
    flags = tuple(flag for flag in RedFlag if flag in factors.red_flags)
    flag_advice = tuple(model.red_flag(flag).advice for flag in flags)
    override = " ".join((model.advice.override, *flag_advice)) if flags else None
    advice = (
        override if override is not None else f"{model.advice.general} {model.advice.see_gp_if}"
    )
    chosen = model.level_spec(level)
    return Assessment(
        level=level,
        level_label=chosen.label,
        level_meaning=chosen.meaning,
        points=total,
        contributions=contributions,
        see_clinician=bool(flags),
        override_message=override,
        red_flags=flags,
        red_flag_advice=flag_advice,
        advice=advice,
        about=model.about,
        disclaimer=model.disclaimer,
    )


def _banded(name: str, factor: BandedFactor, value: float) -> Contribution:
    rng = INPUT_RANGES[_BANDED_INPUT[name]]
    band = factor.band(value)
    evidence = Evidence(factor.evidence)
    return Contribution(
        factor=name,
        label=factor.label,
        value=rng.show(value),
        points=factor.points[band],
        sentence=factor.sentences[band],
        evidence=evidence,
        evidence_label=evidence.label,
        sources=factor.sources,
        rationale=factor.rationale,
    )


def _chosen(name: str, factor: ChoiceFactor, value: enum.StrEnum) -> Contribution:
    option = factor.option(value.value)
    evidence = Evidence(option.evidence or factor.evidence)
    return Contribution(
        factor=name,
        label=factor.label,
        value=option.label,
        points=option.points,
        sentence=option.sentence,
        evidence=evidence,
        evidence_label=evidence.label,
        sources=option.sources or factor.sources,
        rationale=factor.rationale,
    )


def _medicines(factor: ChoiceFactor, taken: frozenset[Medication], advice: Advice) -> Contribution:
    options = [factor.option(m.value) for m in Medication if m in taken]
    points = sum(option.points for option in options)
    if factor.max_points is not None:
        points = min(points, factor.max_points)
    if len(options) == 1 and options[0].evidence is not None:
        evidence = Evidence(options[0].evidence)
    else:
        evidence = Evidence(factor.evidence)
    sources: list[str] = []
    for option in options:
        for sid in option.sources or factor.sources:
            if sid not in sources:
                sources.append(sid)
    if not options:
        sources = list(factor.sources)
        sentence = "None of the listed medicines."
    else:
        sentence = " ".join(option.sentence for option in options)
    return Contribution(
        factor="medications",
        label=factor.label,
        value=", ".join(option.label for option in options) or "None",
        points=points,
        sentence=f"{sentence} {advice.medicine}",
        evidence=evidence,
        evidence_label=evidence.label,
        sources=tuple(sources),
        rationale=factor.rationale,
    )


# --- drinks, presets, case studies ---------------------------------------------------------


def drinks(model: RiskModel | None = None) -> tuple[Drink, ...]:
    """The caffeine figure used for each drink, with its label and rationale."""
    return (load_model() if model is None else model).drinks.items


def caffeine_from_drinks(
    *,
    coffee: float = 0,
    tea: float = 0,
    energy_drink: float = 0,
    cola: float = 0,
    model: RiskModel | None = None,
) -> float:
    """Caffeine in mg a day from drink counts a day (see `drinks()` for the figures).

    Each count must be a number from 0 to 20; raises RiskInputError otherwise, or when the
    total is above the explorer's caffeine maximum.
    """
    counts = {"coffee": coffee, "tea": tea, "energy_drink": energy_drink, "cola": cola}
    figures = {drink.id: drink.mg for drink in drinks(model)}
    total = 0.0
    for name, count in counts.items():
        rng = attrs.evolve(_DRINK_RANGE, label=f"Drinks of {name.replace('_', ' ')}")
        total += _check_number(count, rng) * figures[name]
    limit = INPUT_RANGES["caffeine_mg"]
    if total > limit.maximum:
        raise RiskInputError(
            f"These drinks add up to about {_fmt(round(total))} mg of caffeine a day, more than "
            f"the explorer's maximum of {_fmt(limit.maximum)} {limit.unit}"
        )
    return total


@attrs.frozen(kw_only=True)
class Preset:
    """Named explorer settings, such as 'Exam week'."""

    id: str
    label: str
    description: str
    factors: RiskFactors


def presets(model: RiskModel | None = None) -> dict[str, Preset]:
    """The model's presets by id, in file order."""
    model = load_model() if model is None else model
    return {
        p.id: Preset(
            id=p.id, label=p.label, description=p.description, factors=p.factors.to_factors()
        )
        for p in model.presets
    }


@attrs.frozen(kw_only=True)
class CaseStudy:
    """A short scenario: the learner predicts, then sets the explorer to `factors`."""

    id: str
    title: str
    story: str
    factors: RiskFactors
    prompt: str
    takeaway: str
    question_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class _CaseData:
    id: str
    title: str
    story: str
    settings: FactorSettings
    prompt: str
    takeaway: str
    question_ids: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class _CasesFile:
    cases: tuple[_CaseData, ...]


def cases(path: str | Path | None = None) -> tuple[CaseStudy, ...]:
    """The case studies in `path` (default: the shipped cases.yaml), validated and cached."""
    return _cases_cached(str(Path(CASES_FILE if path is None else path).resolve()))


@functools.cache
def _cases_cached(resolved: str) -> tuple[CaseStudy, ...]:
    return read_cases(resolved)


def read_cases(path: str | Path) -> tuple[CaseStudy, ...]:
    """Read and validate a case-study file, without caching. Raises ContentError."""
    path = Path(path)
    data = load_data_file(path, _CasesFile)
    text = path.read_text(encoding="utf-8")
    problems: list[ContentProblem] = []
    result: list[CaseStudy] = []
    seen: set[str] = set()

    def problem(message: str, fix: str, field: str, case_id: str, key: str) -> None:
        problems.append(
            ContentProblem(
                file=path.name,
                message=message,
                fix=fix,
                where=f"case {case_id}",
                field=field,
                line=_line_of(
                    text,
                    [
                        "cases:",
                        f"id: {case_id}",
                        *(["settings:"] if "settings." in field else []),
                        key,
                    ],
                ),
            )
        )

    for index, case in enumerate(data.cases):
        if not _ID_PATTERN.match(case.id) or case.id in seen:
            problem(
                f"case id {case.id!r} is not a unique slug",
                "use lower-case letters, digits and dashes, different for each case",
                f"cases[{index}].id",
                case.id,
                "id:",
            )
        seen.add(case.id)
        for name in ("title", "story", "prompt", "takeaway"):
            if not getattr(case, name).strip():
                problem(
                    "this text is empty", "write it", f"cases[{index}].{name}", case.id, f"{name}:"
                )
        for name in ("story", "prompt", "takeaway", "title"):
            match = _FORBIDDEN_CASED.search(getattr(case, name)) or _FORBIDDEN_ANY_CASE.search(
                getattr(case, name)
            )
            if match:
                problem(
                    f"forbidden wording {match.group(0)!r}",
                    "no percentages and nothing about the chance of any disease",
                    f"cases[{index}].{name}",
                    case.id,
                    f"{name}:",
                )
        bad = case.settings.first_problem()
        if bad is not None:
            name, message = bad
            problem(
                message,
                "change the value to one the explorer accepts",
                f"cases[{index}].settings.{name}",
                case.id,
                f"{name}:",
            )
            continue
        factors = case.settings.to_factors()
        result.append(
            CaseStudy(
                id=case.id,
                title=case.title,
                story=case.story,
                factors=factors,
                prompt=case.prompt,
                takeaway=case.takeaway,
                question_ids=case.question_ids,
            )
        )
    if problems:
        raise ContentError(problems)
    return tuple(result)


def check_cases(course: Course, path: str | Path | None = None) -> None:
    """Raise ContentError unless every case's `question_ids` name a question of `course`.

    `path` is the case-study file (default: the shipped cases.yaml). The questions live in
    the lessons (course.questions holds only lesson questions), so a found id belongs to one.
    """
    path = Path(CASES_FILE if path is None else path)
    text = path.read_text(encoding="utf-8")
    problems: list[ContentProblem] = []
    for index, case in enumerate(cases(path)):
        for qid in case.question_ids:
            if qid not in course.questions:
                problems.append(
                    ContentProblem(
                        file=path.name,
                        message=f"question {qid!r} is not in any lesson of the course",
                        fix="use the id of a question in a lesson file, or add the question "
                        "to a lesson",
                        where=f"case {case.id}",
                        field=f"cases[{index}].question_ids",
                        line=_line_of(text, ["cases:", f"id: {case.id}", "question_ids:"]),
                    )
                )
        if len(set(case.question_ids)) != len(case.question_ids):
            problems.append(
                ContentProblem(
                    file=path.name,
                    message="a question is listed twice",
                    fix="list each question once",
                    where=f"case {case.id}",
                    field=f"cases[{index}].question_ids",
                    line=_line_of(text, ["cases:", f"id: {case.id}", "question_ids:"]),
                )
            )
    if problems:
        raise ContentError(problems)
