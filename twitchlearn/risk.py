"""The risk explorer's teaching model: everyday triggers in, an ordinal level out.

This is an illustrative model, not a measurement: no study gives dose-response figures for
any factor and everyday twitching. Each factor gives whole points, set in the content
folder's `risk_model.yaml` together with a written rationale, an evidence grade and source
ids; the total picks one of four `Level`s. The model never outputs a percentage and never
says anything about the chance of a disease.

A separate checklist of warning signs always overrides the level. Each sign belongs to one of
three tiers (`Tier`): emergency (weakness, a drooping face, slurred speech, or trouble
breathing or swallowing that comes on suddenly: call 999), soon (real weakness, a muscle
getting thinner, trouble speaking or swallowing: see a GP within days) and routine (twitching
for more than 2 weeks or in more than one place: see a GP). The assessment then carries
`see_clinician=True`, the most urgent `tier` ticked and an `override_message` in that tier's
own words (`WarningSigns`, from warning_signs.yaml), and a view shows that instead of the
level.

    model = load_content().risk_model        # twitchlearn.loading: read and checked there
    factors = RiskFactors(caffeine_mg=caffeine_from_drinks(model, coffee=5), stress=8)
    result = assess(factors, model)
    result.headline            # the level label, or the override message
    result.contributions       # per factor: points, sentence, evidence grade, sources

This module holds the types and the arithmetic only. Reading the YAML and every rule a
model file must follow (line numbers, source ids, wording) live in `twitchlearn.loading` and
`twitchlearn.rules`, the same for every file of the course.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable
from typing import TypeVar

import attrs

from twitchlearn.errors import RiskInputError

__all__ = [
    "BANDED_INPUTS",
    "INPUT_RANGES",
    "MEDICINE_WARNING",
    "Advice",
    "Assessment",
    "BandedFactor",
    "CaseSpec",
    "CaseStudy",
    "CasesFile",
    "ChoiceFactor",
    "Contribution",
    "Direction",
    "Drink",
    "Drinks",
    "Evidence",
    "Exercise",
    "EyelidSigns",
    "FactorSettings",
    "Factors",
    "Hydration",
    "InputRange",
    "Level",
    "LevelSpec",
    "Mark",
    "Medication",
    "Option",
    "Preset",
    "PresetData",
    "RedFlag",
    "RedFlagSpec",
    "RedFlags",
    "RiskFactors",
    "RiskModel",
    "Tier",
    "WarningSigns",
    "WarningTier",
    "assess",
    "caffeine_from_drinks",
    "presets",
]

MEDICINE_WARNING = "Do not stop a prescribed medicine without advice."

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
    """Checklist items that replace the level with advice to get checked (see `Tier`)."""

    SUDDEN_ONSET = "sudden_onset"
    WEAKNESS = "weakness"
    MUSCLE_WASTING = "muscle_wasting"
    SPEECH_OR_SWALLOWING = "speech_or_swallowing"
    OVER_TWO_WEEKS = "over_two_weeks"
    MORE_THAN_ONE_PLACE = "more_than_one_place"


class Tier(enum.StrEnum):
    """How urgent a warning sign is, most urgent first."""

    EMERGENCY = "emergency"  # call 999
    SOON = "soon"  # see a GP within days
    ROUTINE = "routine"  # see a GP

    @property
    def rank(self) -> int:
        """0 for EMERGENCY (the most urgent) up to 2 for ROUTINE."""
        return list(Tier).index(self)


class Direction(enum.StrEnum):
    """Which way a banded factor's points go as its value rises."""

    HIGHER_IS_MORE = "higher_is_more"
    LOWER_IS_MORE = "lower_is_more"


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
    Evidence.GUIDELINE: (
        "Listed by health websites such as the NHS (expert advice); no study gives amounts"
    ),
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
    # UK units, the measure of the UK low-risk guideline (14 a week): 1 unit is half a pint
    # of ordinary beer or a single measure of spirits.
    "alcohol_units": InputRange("Alcohol", 0, 70, "UK units a week", "{} units a week"),
}
_DRINK_RANGE = InputRange("Drinks", 0, 20, "a day", "{} a day")
# Which RiskFactors field each banded factor of the model file reads.
BANDED_INPUTS: dict[str, str] = {
    "caffeine": "caffeine_mg",
    "sleep": "sleep_hours",
    "stress": "stress",
    "alcohol": "alcohol_units",
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
    alcohol_units: float = attrs.field(default=0.0, validator=_number_validator)
    medications: frozenset[Medication] = attrs.field(default=frozenset(), converter=_to_medications)
    red_flags: frozenset[RedFlag] = attrs.field(default=frozenset(), converter=_to_red_flags)


# --- the model file (structured by twitchlearn.loading) -----------------------------------


@attrs.frozen(kw_only=True)
class Mark:
    """A labelled reference value on a slider (such as 400 mg caffeine, the FDA figure)."""

    value: float
    label: str


@attrs.frozen(kw_only=True)
class BandedFactor:
    """A numeric factor: `thresholds` split the range into bands, one `points` entry each."""

    label: str
    direction: Direction
    thresholds: tuple[float, ...]
    points: tuple[int, ...]
    sentences: tuple[str, ...]
    marks: tuple[Mark, ...] = ()
    evidence: Evidence
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
    evidence: Evidence | None = None
    sources: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class ChoiceFactor:
    label: str
    evidence: Evidence
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
    tier: Tier
    advice: str  # about this sign, said after the tier's own words
    sources: tuple[str, ...] | None = None


@attrs.frozen(kw_only=True)
class RedFlags:
    evidence: Evidence
    sources: tuple[str, ...]
    rationale: str
    items: tuple[RedFlagSpec, ...]


@attrs.frozen(kw_only=True)
class WarningTier:
    """One tier of warning signs, in its own words (warning_signs.yaml)."""

    title: str  # "Call 999 now"
    action: str  # what to do, in a sentence or two
    signs: tuple[str, ...]
    reassurance: str = ""  # only the routine tier has one
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class EyelidSigns:
    """Warning signs for a twitching eyelid, shown where eyelid twitches come up."""

    title: str
    signs: tuple[str, ...]
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class WarningSigns:
    """The three tiers of warning signs that every page uses, and the eyelid signs."""

    emergency: WarningTier
    soon: WarningTier
    routine: WarningTier
    eyelid: EyelidSigns

    def tier(self, tier: Tier) -> WarningTier:
        return {Tier.EMERGENCY: self.emergency, Tier.SOON: self.soon, Tier.ROUTINE: self.routine}[
            tier
        ]

    def tiers(self) -> tuple[tuple[Tier, WarningTier], ...]:
        """Every tier, the most urgent first."""
        return tuple((tier, self.tier(tier)) for tier in Tier)

    def message(self, tier: Tier) -> str:
        """What to do for `tier`: its title and action, and the reassurance where it fits."""
        words = self.tier(tier)
        parts = [f"{words.title}.", words.action]
        if words.reassurance:
            parts.append(words.reassurance)
        return " ".join(parts)


@attrs.frozen(kw_only=True)
class FactorSettings:
    """RiskFactors as written in YAML (presets, case studies), before they are checked."""

    caffeine_mg: float = 0.0
    sleep_hours: float = 8.0
    hydration: str = "normal"
    stress: float = 0.0
    exercise: str = "none"
    alcohol_units: float = 0.0
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
            alcohol_units=self.alcohol_units,
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
    """Everything in risk_model.yaml, validated by `twitchlearn.loading.load_content`."""

    about: str
    disclaimer: str
    levels: tuple[LevelSpec, ...]
    advice: Advice
    factors: Factors
    drinks: Drinks
    red_flags: RedFlags
    presets: tuple[PresetData, ...] = ()
    # The tiers' own words: warning_signs.yaml beside the model, attached by the loader.
    warning_signs: WarningSigns | None = None

    def level_spec(self, level: Level) -> LevelSpec:
        return self.levels[level.rank]

    def red_flag(self, flag: RedFlag) -> RedFlagSpec:
        return next(item for item in self.red_flags.items if item.id == flag.value)


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

    When `see_clinician` is true a view must show `override_message` (the words of `tier`,
    the most urgent tier ticked) instead of the level (`headline` does this); the level is
    still computed, for teaching only.
    """

    level: Level
    level_label: str
    level_meaning: str
    points: int
    contributions: tuple[Contribution, ...]
    see_clinician: bool
    tier: Tier | None
    override_title: str | None  # the tier's title, such as "Call 999 now"
    override_message: str | None  # the title, then what to do
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


def assess(factors: RiskFactors, model: RiskModel) -> Assessment:
    """The level, per-factor contributions and advice for `factors` under `model`."""
    if not isinstance(factors, RiskFactors):
        raise RiskInputError(
            f"assess() takes a RiskFactors, such as RiskFactors(caffeine_mg=200); "
            f"got {type(factors).__name__}"
        )
    spec = model.factors
    contributions = (
        _banded("caffeine", spec.caffeine, factors.caffeine_mg),
        _banded("sleep", spec.sleep, factors.sleep_hours),
        _chosen("hydration", spec.hydration, factors.hydration),
        _banded("stress", spec.stress, factors.stress),
        _chosen("exercise", spec.exercise, factors.exercise),
        _banded("alcohol", spec.alcohol, factors.alcohol_units),
        _medicines(spec.medications, factors.medications, model.advice),
    )
    total = sum(item.points for item in contributions)
    level = Level.LESS_LIKELY
    for candidate, level_spec in zip(Level, model.levels, strict=True):
        if total >= level_spec.min_points:
            level = candidate
    flags = tuple(flag for flag in RedFlag if flag in factors.red_flags)
    specs = [model.red_flag(flag) for flag in flags]
    flag_advice = tuple(spec.advice for spec in specs)
    tier = min((spec.tier for spec in specs), key=lambda t: t.rank, default=None)
    override = override_title = None
    if tier is not None:
        if model.warning_signs is None:
            raise RiskInputError(
                "This risk model has no warning_signs.yaml beside it, so it cannot say what "
                "to do about a warning sign; load it with twitchlearn.loading.load_content"
            )
        # The tier's own words, then what each sign of that tier adds.
        same_tier = [spec.advice for spec in specs if spec.tier is tier]
        override = " ".join((model.warning_signs.message(tier), *same_tier))
        override_title = model.warning_signs.tier(tier).title
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
        tier=tier,
        override_title=override_title,
        override_message=override,
        red_flags=flags,
        red_flag_advice=flag_advice,
        advice=advice,
        about=model.about,
        disclaimer=model.disclaimer,
    )


def _banded(name: str, factor: BandedFactor, value: float) -> Contribution:
    rng = INPUT_RANGES[BANDED_INPUTS[name]]
    band = factor.band(value)
    evidence = factor.evidence
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
    evidence = option.evidence or factor.evidence
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
    only = options[0].evidence if len(options) == 1 else None
    evidence = only or factor.evidence
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


def caffeine_from_drinks(
    model: RiskModel,
    *,
    coffee: float = 0,
    tea: float = 0,
    energy_drink: float = 0,
    cola: float = 0,
) -> float:
    """Caffeine in mg a day from drink counts a day (`model.drinks` has the figures).

    Each count must be a number from 0 to 20; raises RiskInputError otherwise, or when the
    total is above the explorer's caffeine maximum.
    """
    counts = {"coffee": coffee, "tea": tea, "energy_drink": energy_drink, "cola": cola}
    figures = {drink.id: drink.mg for drink in model.drinks.items}
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


def presets(model: RiskModel) -> dict[str, Preset]:
    """The model's presets by id, in file order."""
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
class CaseSpec:
    """One case as written in cases.yaml, before its settings are checked."""

    id: str
    title: str
    story: str
    settings: FactorSettings
    prompt: str
    takeaway: str
    question_ids: tuple[str, ...] = ()

    def to_case(self) -> CaseStudy:
        return CaseStudy(
            id=self.id,
            title=self.title,
            story=self.story,
            factors=self.settings.to_factors(),
            prompt=self.prompt,
            takeaway=self.takeaway,
            question_ids=self.question_ids,
        )


@attrs.frozen(kw_only=True)
class CasesFile:
    cases: tuple[CaseSpec, ...]
