"""The risk explorer's teaching model: levels, monotonicity, red flags and their tiers, inputs,
content files."""

from __future__ import annotations

import itertools
import math
import re
import shutil
from html import escape
from pathlib import Path

import attrs
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from twitchlearn.errors import ContentError, ContentProblem, RiskInputError
from twitchlearn.loading import CONTENT_DIR, load_content, read_content
from twitchlearn.models import ClinicianBox, Lesson
from twitchlearn.risk import (
    INPUT_RANGES,
    Assessment,
    CaseStudy,
    Evidence,
    Exercise,
    Hydration,
    Level,
    Medication,
    RedFlag,
    RiskFactors,
    RiskModel,
    Tier,
    assess,
    caffeine_from_drinks,
    presets,
)
from twitchlearn.ui.pages import clinician_box_html

_SHIPPED = load_content()
assert _SHIPPED.risk_model is not None, "the shipped course has an explorer"
MODEL: RiskModel = _SHIPPED.risk_model
assert MODEL.warning_signs is not None, "the loader attaches warning_signs.yaml to the model"
WARNINGS = MODEL.warning_signs
CASES = _SHIPPED.cases
MODEL_FILE = CONTENT_DIR / "risk_model.yaml"
CASES_FILE = CONTENT_DIR / "cases.yaml"
WARNINGS_FILE = CONTENT_DIR / "warning_signs.yaml"
MEDICINE_WARNING = "Do not stop a prescribed medicine without advice."

# Written independently of risk.py's own check, so a slip in either is caught.
FORBIDDEN = [
    re.compile(r"%"),
    re.compile(r"\bALS\b"),
    re.compile(r"\bMND\b"),
    re.compile(r"motor neuron", re.IGNORECASE),
    re.compile(r"amyotrophic", re.IGNORECASE),
    re.compile(r"lou gehrig", re.IGNORECASE),
    # "The UK low-risk guideline" (14 units of alcohol a week) is the name of a guideline,
    # not a chance of anything; any other "risk" is refused.
    re.compile(r"(?<!low-)\brisk\b", re.IGNORECASE),
    re.compile(r"per ?cent", re.IGNORECASE),
]


def forbidden_in(text: str) -> list[str]:
    return [m.group(0) for pattern in FORBIDDEN for m in pattern.finditer(text)]


def _floats(name: str) -> st.SearchStrategy[float]:
    rng = INPUT_RANGES[name]
    return st.floats(min_value=rng.minimum, max_value=rng.maximum, allow_nan=False)


factors_st = st.builds(
    RiskFactors,
    caffeine_mg=_floats("caffeine_mg"),
    sleep_hours=_floats("sleep_hours"),
    hydration=st.sampled_from(Hydration),
    stress=_floats("stress"),
    exercise=st.sampled_from(Exercise),
    alcohol_units=_floats("alcohol_units"),
    medications=st.frozensets(st.sampled_from(Medication)),
    red_flags=st.frozensets(st.sampled_from(RedFlag)),
)
no_flags_st = factors_st.map(lambda f: _evolve(f, red_flags=frozenset()))


def _evolve(factors: RiskFactors, **changes: object) -> RiskFactors:
    values = {
        "caffeine_mg": factors.caffeine_mg,
        "sleep_hours": factors.sleep_hours,
        "hydration": factors.hydration,
        "stress": factors.stress,
        "exercise": factors.exercise,
        "alcohol_units": factors.alcohol_units,
        "medications": factors.medications,
        "red_flags": factors.red_flags,
    }
    values.update(changes)
    return RiskFactors(**values)  # type: ignore[arg-type]


# --- the assessment ------------------------------------------------------------------------


@given(factors_st)
def test_level_is_always_one_of_the_enum_values_and_matches_the_points(
    factors: RiskFactors,
) -> None:
    result = assess(factors, MODEL)
    assert isinstance(result, Assessment)
    assert type(result.level) is Level
    assert result.points == sum(c.points for c in result.contributions)
    cut_offs = [spec.min_points for spec in MODEL.levels]
    expected = max(i for i, start in enumerate(cut_offs) if result.points >= start)
    assert result.level is list(Level)[expected]
    assert result.level_label == MODEL.levels[expected].label


@pytest.mark.parametrize(
    ("factors", "level"),
    [
        (RiskFactors(), Level.LESS_LIKELY),
        (RiskFactors(caffeine_mg=200, stress=5), Level.ABOUT_TYPICAL),
        (RiskFactors(exercise="hard", hydration="very_low"), Level.MORE_LIKELY),
        (RiskFactors(caffeine_mg=450, sleep_hours=5, stress=8), Level.MUCH_MORE_LIKELY),
        (RiskFactors(caffeine_mg=1000, stress=4), Level.MUCH_MORE_LIKELY),
    ],
)
def test_examples_land_on_the_documented_level(factors: RiskFactors, level: Level) -> None:
    assert assess(factors, MODEL).level is level


def test_every_factor_has_a_contribution_with_evidence_and_known_sources() -> None:
    known = {s["id"] for s in _sources()}
    result = assess(RiskFactors(medications=[Medication.DIURETIC]), MODEL)
    assert [c.factor for c in result.contributions] == [
        "caffeine",
        "sleep",
        "hydration",
        "stress",
        "exercise",
        "alcohol",
        "medications",
    ]
    for item in result.contributions:
        assert isinstance(item.evidence, Evidence)
        assert item.evidence_label == item.evidence.label
        assert item.sources
        assert set(item.sources) <= known
        assert item.sentence.strip()
        assert item.rationale.strip()


def _sources() -> list[dict[str, object]]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((CONTENT_DIR / "sources.yaml").read_text(encoding="utf-8"))
    return list(data["sources"])


@pytest.mark.parametrize("field", ["caffeine_mg", "alcohol_units", "stress"])
@settings(max_examples=150)
@given(base=no_flags_st, a=st.floats(0, 1), b=st.floats(0, 1))
def test_more_caffeine_alcohol_or_stress_never_lowers_the_level(
    field: str, base: RiskFactors, a: float, b: float
) -> None:
    rng = INPUT_RANGES[field]
    low, high = sorted((a, b))
    at_low = assess(
        _evolve(base, **{field: rng.minimum + low * (rng.maximum - rng.minimum)}), MODEL
    )
    at_high = assess(
        _evolve(base, **{field: rng.minimum + high * (rng.maximum - rng.minimum)}), MODEL
    )
    assert at_high.points >= at_low.points
    assert at_high.level.rank >= at_low.level.rank


@given(base=no_flags_st, a=_floats("sleep_hours"), b=_floats("sleep_hours"))
def test_less_sleep_never_lowers_the_level(base: RiskFactors, a: float, b: float) -> None:
    short, long = sorted((a, b))
    assert (
        assess(_evolve(base, sleep_hours=short), MODEL).points
        >= assess(_evolve(base, sleep_hours=long), MODEL).points
    )


def test_the_published_caffeine_marks_are_where_the_points_step_up() -> None:
    points = [
        assess(RiskFactors(caffeine_mg=mg), MODEL).contribution("caffeine").points
        for mg in (0, 249, 250, 399, 400, 999, 1000, 1200)
    ]
    assert points == [0, 0, 1, 1, 2, 2, 4, 4]


@given(no_flags_st)
def test_exercise_is_not_monotonic_moderate_adds_nothing_a_hard_session_adds(
    base: RiskFactors,
) -> None:
    none = assess(_evolve(base, exercise=Exercise.NONE), MODEL)
    moderate = assess(_evolve(base, exercise=Exercise.MODERATE), MODEL)
    hard = assess(_evolve(base, exercise=Exercise.HARD), MODEL)
    assert moderate.points == none.points
    assert moderate.level is none.level
    assert moderate.contribution("exercise").evidence is Evidence.NO_DIRECT_EVIDENCE
    assert hard.contribution("exercise").points > 0
    assert hard.points == none.points + hard.contribution("exercise").points
    assert hard.level.rank >= none.level.rank


@given(no_flags_st)
def test_hydration_matters_only_at_the_extremes(base: RiskFactors) -> None:
    normal = assess(_evolve(base, hydration=Hydration.NORMAL), MODEL).contribution("hydration")
    assert normal.points == 0
    for extreme in (Hydration.VERY_LOW, Hydration.VERY_HIGH):
        item = assess(_evolve(base, hydration=extreme), MODEL).contribution("hydration")
        assert item.points > 0
        assert item.evidence is Evidence.NO_DIRECT_EVIDENCE


def test_asthma_reliever_is_about_tremor_and_adds_no_points() -> None:
    item = assess(RiskFactors(medications=["asthma_reliever"]), MODEL).contribution("medications")
    assert item.points == 0
    assert "tremor" in item.sentence
    assert "2 to 4 in every 100" in item.sentence
    assert "cazzola-2012" in item.sources


@given(st.frozensets(st.sampled_from(Medication)))
def test_medicine_contribution_always_says_do_not_stop_a_prescribed_medicine(
    medications: frozenset[Medication],
) -> None:
    item = assess(RiskFactors(medications=medications), MODEL).contribution("medications")
    assert MEDICINE_WARNING in item.sentence
    assert 0 <= item.points <= 2


# Each warning sign's tier, written out here so a slip in risk_model.yaml is caught.
TIER_OF = {
    RedFlag.SUDDEN_ONSET: Tier.EMERGENCY,
    RedFlag.WEAKNESS: Tier.SOON,
    RedFlag.MUSCLE_WASTING: Tier.SOON,
    RedFlag.SPEECH_OR_SWALLOWING: Tier.SOON,
    RedFlag.OVER_TWO_WEEKS: Tier.ROUTINE,
    RedFlag.MORE_THAN_ONE_PLACE: Tier.ROUTINE,
}
flag_sets_st = st.frozensets(st.sampled_from(RedFlag), min_size=1)


def _expected_override(flags: frozenset[RedFlag]) -> tuple[Tier, str]:
    """The most urgent tier of `flags`, and its words then the advice of each of its signs."""
    tier = min((TIER_OF[flag] for flag in flags), key=lambda t: t.rank)
    same_tier = [MODEL.red_flag(f).advice for f in RedFlag if f in flags and TIER_OF[f] is tier]
    return tier, " ".join((WARNINGS.message(tier), *same_tier))


def test_each_red_flag_has_its_tier_in_the_model() -> None:
    assert {item.id: item.tier for item in MODEL.red_flags.items} == {
        flag.value: tier for flag, tier in TIER_OF.items()
    }
    assert [tier.rank for tier in Tier] == [0, 1, 2]
    assert list(Tier) == [Tier.EMERGENCY, Tier.SOON, Tier.ROUTINE]


@pytest.mark.parametrize("flag", list(RedFlag), ids=lambda f: f.value)
def test_each_red_flag_alone_gives_its_tiers_override(flag: RedFlag) -> None:
    result = assess(RiskFactors(red_flags=[flag]), MODEL)
    tier = TIER_OF[flag]
    advice = MODEL.red_flag(flag).advice
    assert result.see_clinician is True
    assert result.tier is tier
    assert result.override_message == f"{WARNINGS.message(tier)} {advice}"
    assert result.override_message.startswith(f"{WARNINGS.tier(tier).title}.")
    assert WARNINGS.tier(tier).action in result.override_message
    assert result.red_flags == (flag,)
    assert result.red_flag_advice == (advice,)
    assert not advice.startswith("See a GP if")  # the tier's words say what to do first


def test_each_tiers_message_is_its_title_action_and_only_routine_reassurance() -> None:
    for tier, words in WARNINGS.tiers():
        expected = f"{words.title}. {words.action}"
        if tier is Tier.ROUTINE:
            assert words.reassurance.strip()
            expected += f" {words.reassurance}"
        else:
            assert words.reassurance == ""
        assert WARNINGS.message(tier) == expected
    assert [tier for tier, _ in WARNINGS.tiers()] == list(Tier)
    assert WARNINGS.tier(Tier.EMERGENCY).title == "Call 999 now"
    assert WARNINGS.tier(Tier.SOON).title == "See a GP within the next few days"
    assert WARNINGS.tier(Tier.ROUTINE).title == "See a GP"


@given(factors_st, flag_sets_st)
def test_any_red_flag_overrides_the_level_whatever_the_other_inputs(
    factors: RiskFactors, flags: frozenset[RedFlag]
) -> None:
    result = assess(_evolve(factors, red_flags=flags), MODEL)
    assert result.see_clinician is True
    assert result.override_message is not None
    assert result.headline == result.override_message
    assert result.advice == result.override_message
    assert set(result.red_flags) == flags
    assert result.red_flag_advice == tuple(MODEL.red_flag(f).advice for f in result.red_flags)


@settings(max_examples=200)
@given(factors_st, flag_sets_st)
def test_the_most_urgent_tier_ticked_wins(factors: RiskFactors, flags: frozenset[RedFlag]) -> None:
    result = assess(_evolve(factors, red_flags=flags), MODEL)
    tier, message = _expected_override(flags)
    assert result.tier is tier
    assert result.tier.rank == min(TIER_OF[flag].rank for flag in flags)
    assert result.override_message == message
    # The words of a less urgent tier ticked beside it are not said.
    for other, words in WARNINGS.tiers():
        if other is not tier:
            assert words.action not in message
    for flag in flags:
        if TIER_OF[flag] is not tier:
            assert MODEL.red_flag(flag).advice not in message


@settings(max_examples=200)
@given(
    factors_st,
    flag_sets_st.filter(lambda flags: any(TIER_OF[f] is not Tier.ROUTINE for f in flags)),
)
def test_soon_and_emergency_overrides_never_reassure_and_the_emergency_one_says_999(
    factors: RiskFactors, flags: frozenset[RedFlag]
) -> None:
    result = assess(_evolve(factors, red_flags=flags), MODEL)
    assert result.tier in (Tier.SOON, Tier.EMERGENCY)
    assert result.override_message is not None
    assert "harmless" not in result.override_message.lower()
    assert WARNINGS.routine.reassurance not in result.override_message
    if RedFlag.SUDDEN_ONSET in flags:
        assert result.tier is Tier.EMERGENCY
        assert "999" in result.override_message
        assert result.override_message.startswith("Call 999 now.")
    else:
        assert result.tier is Tier.SOON
        assert "999" not in result.override_message


def test_only_the_routine_override_reassures() -> None:
    routine = assess(RiskFactors(red_flags=[RedFlag.OVER_TWO_WEEKS]), MODEL)
    assert routine.tier is Tier.ROUTINE
    assert routine.override_message is not None
    assert "harmless" in routine.override_message
    for flag in (RedFlag.SUDDEN_ONSET, RedFlag.WEAKNESS, RedFlag.MUSCLE_WASTING):
        for name in ("label", "advice"):
            assert "harmless" not in getattr(MODEL.red_flag(flag), name).lower()


def test_a_model_without_warning_signs_cannot_say_what_to_do_about_a_flag() -> None:
    bare = attrs.evolve(MODEL, warning_signs=None)
    assert assess(RiskFactors(stress=5), bare).tier is None  # the level needs no tiers
    with pytest.raises(RiskInputError, match=r"no warning_signs\.yaml"):
        assess(RiskFactors(red_flags=[RedFlag.WEAKNESS]), bare)


@given(no_flags_st)
def test_without_red_flags_the_level_is_shown(factors: RiskFactors) -> None:
    result = assess(factors, MODEL)
    assert result.see_clinician is False
    assert result.tier is None
    assert result.override_message is None
    assert result.headline == result.level_label
    assert "See a GP if" in result.advice


@settings(max_examples=200)
@given(factors_st)
def test_no_output_string_has_a_percent_or_disease_wording(factors: RiskFactors) -> None:
    result = assess(factors, MODEL)
    texts = result.texts()
    assert result.level_label in texts
    for text in texts:
        assert forbidden_in(text) == [], text


def test_nothing_the_model_can_show_has_a_percent_or_disease_wording() -> None:
    model = MODEL
    texts = [model.about, model.disclaimer]
    texts += [t for spec in model.levels for t in (spec.label, spec.meaning)]
    texts += [
        model.advice.general,
        model.advice.see_gp_if,
        model.advice.medicine,
    ]
    for name in ("caffeine", "sleep", "stress", "alcohol"):
        banded = getattr(model.factors, name)
        texts += [banded.label, banded.rationale, *banded.sentences]
        texts += [mark.label for mark in banded.marks]
    for name in ("hydration", "exercise", "medications"):
        choice = getattr(model.factors, name)
        texts += [choice.label, choice.rationale]
        texts += [t for option in choice.options for t in (option.label, option.sentence)]
    texts += [t for d in model.drinks.items for t in (d.label, d.rationale)]
    texts += [model.red_flags.rationale]
    texts += [t for item in model.red_flags.items for t in (item.label, item.advice)]
    texts += [t for p in model.presets for t in (p.label, p.description)]
    texts += [e.label for e in Evidence]
    for _tier, words in WARNINGS.tiers():
        texts += [words.title, words.action, *words.signs]
        texts += [words.reassurance] if words.reassurance else []
    texts += [WARNINGS.eyelid.title, *WARNINGS.eyelid.signs]
    texts += [t for c in CASES for t in (c.title, c.story, c.prompt, c.takeaway)]
    assert len(texts) > 60
    for text in texts:
        assert forbidden_in(text) == [], text


@pytest.mark.parametrize(
    ("path", "min_lines"), [(MODEL_FILE, 50), (CASES_FILE, 50), (WARNINGS_FILE, 30)]
)
def test_the_yaml_files_have_no_percent_or_disease_wording(path: Path, min_lines: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert "%" not in text
    # Comments may name the module (risk.py); source ids such as nhs-mnd-symptoms are lower
    # case and are not shown as text. Everything else is scanned.
    data_lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert len(data_lines) > min_lines
    assert forbidden_in("\n".join(data_lines)) == []


# --- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"caffeine_mg": -1}, r"Caffeine must be a number from 0 to 1200 mg a day; got -1"),
        ({"caffeine_mg": 1201}, r"from 0 to 1200 mg a day; got 1201"),
        ({"caffeine_mg": math.nan}, r"from 0 to 1200 mg a day; got nan"),
        ({"caffeine_mg": math.inf}, r"from 0 to 1200 mg a day; got inf"),
        ({"caffeine_mg": "200"}, r"Caffeine must be a number from 0 to 1200 mg a day"),
        ({"sleep_hours": -0.5}, r"Sleep must be a number from 0 to 14 hours a night"),
        ({"sleep_hours": 25}, r"from 0 to 14 hours a night; got 25"),
        ({"stress": 11}, r"Stress or anxiety must be a number from 0 to 10"),
        ({"stress": -math.inf}, r"from 0 to 10 \(0 = no stress, 10 = the worst\); got -inf"),
        ({"alcohol_units": True}, r"Alcohol must be a number from 0 to 70 UK units a week"),
        ({"alcohol_units": 71}, r"from 0 to 70 UK units a week; got 71"),
        ({"hydration": "dry"}, r"Hydration must be one of 'very_low', 'normal', 'very_high'"),
        ({"exercise": "extreme"}, r"Exercise must be one of 'none', 'moderate', 'hard'"),
        ({"medications": "diuretic"}, r"medications must be a collection"),
        ({"medications": ["aspirin"]}, r"each of medications must be one of .*'diuretic'"),
        ({"red_flags": ["itching"]}, r"each of red flags must be one of .*'weakness'"),
    ],
)
def test_bad_input_raises_risk_input_error_saying_the_range(
    changes: dict[str, object], match: str
) -> None:
    with pytest.raises(RiskInputError, match=match):
        RiskFactors(**changes)  # type: ignore[arg-type]


@given(st.data())
def test_any_non_finite_or_out_of_range_number_is_refused(data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(sorted(INPUT_RANGES)))
    rng = INPUT_RANGES[field]
    value = data.draw(
        st.one_of(
            st.sampled_from([math.nan, math.inf, -math.inf]),
            st.floats(max_value=rng.minimum, exclude_max=True, allow_infinity=False),
            st.floats(min_value=rng.maximum, exclude_min=True, allow_infinity=False),
        )
    )
    with pytest.raises(RiskInputError, match=re.escape(rng.describe())):
        RiskFactors(**{field: value})  # type: ignore[arg-type]


def test_assess_refuses_something_that_is_not_risk_factors() -> None:
    with pytest.raises(RiskInputError, match="assess\\(\\) takes a RiskFactors"):
        assess({"caffeine_mg": 100}, MODEL)  # type: ignore[arg-type]


# --- drinks --------------------------------------------------------------------------------


def test_drink_figures_are_the_nhs_uk_figures() -> None:
    # The NHS's figures for a mug of instant coffee, a mug of tea, a 250 ml can of energy
    # drink and a can of cola, as people in the UK drink them.
    nhs = {"coffee": 100, "tea": 75, "energy_drink": 80, "cola": 40}
    figures = {d.id: d.mg for d in MODEL.drinks.items}
    assert figures == nhs
    labels = {d.id: d.label for d in MODEL.drinks.items}
    assert "instant coffee" in labels["coffee"]
    assert "250 ml" in labels["energy_drink"]
    assert "nhs-pregnancy-foods" in MODEL.drinks.sources
    for drink in MODEL.drinks.items:
        assert "NHS" in drink.rationale
        assert "oz" not in drink.label  # UK mugs and cans, not US cups


def test_caffeine_from_drinks_adds_up_the_counts() -> None:
    assert caffeine_from_drinks(MODEL) == 0
    assert caffeine_from_drinks(MODEL, coffee=5) == 500
    assert (
        caffeine_from_drinks(MODEL, coffee=1, tea=2, energy_drink=1, cola=3) == 100 + 150 + 80 + 120
    )
    assert caffeine_from_drinks(MODEL, tea=1.5) == 112.5


@pytest.mark.parametrize(
    ("counts", "match"),
    [
        ({"coffee": -1}, r"Drinks of coffee must be a number from 0 to 20 a day; got -1"),
        ({"tea": math.nan}, r"Drinks of tea must be a number from 0 to 20 a day; got nan"),
        ({"cola": math.inf}, r"Drinks of cola must be a number from 0 to 20"),
        ({"energy_drink": 21}, r"Drinks of energy drink must be a number from 0 to 20"),
        ({"energy_drink": 16}, r"add up to about 1280 mg .* maximum of 1200 mg a day"),
    ],
)
def test_caffeine_from_drinks_refuses_bad_counts(counts: dict[str, float], match: str) -> None:
    with pytest.raises(RiskInputError, match=match):
        caffeine_from_drinks(MODEL, **counts)


# --- presets and cases ---------------------------------------------------------------------


def test_presets_load_as_valid_risk_factors() -> None:
    found = presets(MODEL)
    assert {"calm-week", "exam-week", "after-marathon", "new-asthma-inhaler"} <= set(found)
    for key, preset in found.items():
        assert preset.id == key
        assert isinstance(preset.factors, RiskFactors)
        assert preset.label.strip()
        assert preset.description.strip()
    assert assess(found["calm-week"].factors, MODEL).level is Level.LESS_LIKELY
    assert assess(found["exam-week"].factors, MODEL).level is Level.MUCH_MORE_LIKELY
    assert found["after-marathon"].factors.exercise is Exercise.HARD
    assert Medication.ASTHMA_RELIEVER in found["new-asthma-inhaler"].factors.medications


def test_cases_load_are_valid_and_cover_the_scenarios() -> None:
    loaded = CASES
    assert len(loaded) >= 5
    ids = [c.id for c in loaded]
    assert len(set(ids)) == len(ids)
    assert {
        "exam-week-coffee",
        "after-marathon",
        "new-asthma-inhaler",
        "weak-hand",
        "eyelid-after-poor-sleep",
    } <= set(ids)
    for case in loaded:
        assert isinstance(case.factors, RiskFactors)
        assert isinstance(case.question_ids, tuple)
        assert case.prompt.strip()
        assert case.takeaway.strip()


def test_the_weak_hand_case_shows_the_clinician_override() -> None:
    by_id = {c.id: c for c in CASES}
    result = assess(by_id["weak-hand"].factors, MODEL)
    assert result.see_clinician
    assert RedFlag.WEAKNESS in result.red_flags
    # Weakness (soon) wins over twitching for more than 2 weeks (routine).
    assert result.tier is Tier.SOON
    assert result.override_message is not None
    assert result.override_message.startswith(WARNINGS.message(Tier.SOON))
    assert "harmless" not in result.override_message
    # And no other case does: they teach the level.
    others = [c.id for c in CASES if c.id != "weak-hand" and assess(c.factors, MODEL).see_clinician]
    assert others == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_text_reads_at_grade_8_or_below(case: CaseStudy) -> None:
    for text in (case.story, case.prompt, case.takeaway):
        assert textstat.flesch_kincaid_grade(text) <= 8, text


def test_shipped_content_is_cached() -> None:
    assert load_content() is load_content()
    assert load_content(CONTENT_DIR) is load_content()
    assert load_content().risk_model is MODEL


# --- broken copies of the content files ----------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    """A copy of the whole shipped content folder, to break one file of."""
    folder = tmp_path / "c"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the content folder with `old` replaced by `new` (once) in file `name`."""
    folder = _copy(tmp_path)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's anchor {old!r} is no longer in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _broken_model(tmp_path: Path, old: str, new: str) -> Path:
    return _broken(tmp_path, "risk_model.yaml", old, new)


def _broken_cases(tmp_path: Path, old: str, new: str) -> Path:
    return _broken(tmp_path, "cases.yaml", old, new)


def _line_with(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _problem(caught: pytest.ExceptionInfo[ContentError], field: str) -> ContentProblem:
    return next(p for p in caught.value.problems if p.field == field)


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "fix", "line_after"),
    [
        (
            "thresholds: [250, 400, 1000]",
            "thresholds: [250, 1000, 400]",
            "factors.caffeine.thresholds",
            "do not increase",
            "list the thresholds from lowest to highest",
            ["thresholds: [250, 1000, 400]"],
        ),
        (
            "sources: [nhs-twitches, medlineplus-twitching, dsm-caffeine, fda-caffeine, "
            "nhs-pregnancy-foods]",
            "sources: [nhs-twitches, no-such-source]",
            "factors.caffeine.sources",
            "unknown source 'no-such-source'",
            "use an id from sources.yaml",
            ["sources: [nhs-twitches, no-such-source]"],
        ),
        (
            "    points: [2, 1, 0]",
            "    points: [0, 1, 2]",
            "factors.sleep.points",
            "do not follow direction lower_is_more",
            "with lower_is_more they must never rise",
            ["  sleep:", "points:"],
        ),
        (
            "    min_points: 3",
            "    min_points: 1",
            "levels[2].min_points",
            "do not increase",
            "give each level a higher min_points than the one before",
            ["id: more_likely", "min_points:"],
        ),
        (
            "    evidence: no_direct_evidence\n    sources: [miller-2010",
            "    evidence: strong\n    sources: [miller-2010",
            "factors.hydration.evidence",
            "'strong' is not one of the allowed values",
            "use one of guideline, expert_opinion, case_reports, no_direct_evidence",
            ["evidence: strong"],
        ),
        (
            "Do not stop a prescribed medicine without advice.\n\nfactors:",
            "Keep taking it.\n\nfactors:",
            "advice.medicine",
            "does not say",
            "add that sentence word for word",
            ["advice:", "medicine:"],
        ),
        (
            "advice: Weakness you can notice, such as a weak grip or tripping over, needs a check.",
            "advice: Weakness you can notice needs a check, but most people are told it is "
            "harmless.",
            "red_flags.items[1].advice",
            "reassuring words ('harmless') beside a sign of the soon tier",
            "keep reassurance for the routine tier",
            ["id: weakness", "advice:"],
        ),
        (
            "advice: Do not wait to see if it gets better.",
            "advice: Do not worry, this is probably fine.",
            "red_flags.items[0].advice",
            "reassuring words ('Do not worry')",
            "say what to do and how soon",
            ["id: sudden_onset", "advice:"],
        ),
        (
            "advice: Trouble speaking or swallowing needs a check.",
            'advice: " "',
            "red_flags.items[3].advice",
            "the advice is empty",
            "say what to do about this sign",
            ["id: speech_or_swallowing", "advice:"],
        ),
        (
            "      tier: emergency\n",
            "      tier: soon\n",
            "red_flags.items",
            "no warning sign of the emergency tier",
            "give at least one item 'tier: emergency'",
            ["red_flags:", "items:"],
        ),
        (
            "      tier: routine\n      advice: A twitch",
            "      tier: urgent\n      advice: A twitch",
            "red_flags.items[4].tier",
            "'urgent' is not one of the allowed values",
            "use one of emergency, soon, routine",
            ["tier: urgent"],
        ),
        (
            "      stress: 8\n  - id: after-marathon",
            "      stress: 12\n  - id: after-marathon",
            "presets[1].factors.stress",
            "Stress or anxiety must be a number from 0 to 10",
            "change the value to one the explorer accepts",
            ["id: exam-week", "stress: 12"],
        ),
        (
            "      - id: diuretic",
            "      - id: laxative",
            "factors.medications.options",
            "the options are",
            "give exactly one option for each of asthma_reliever, corticosteroid, diuretic",
            ["  medications:", "options:"],
        ),
    ],
)
def test_broken_model_copy_raises_content_error_naming_file_line_field_and_fix(
    tmp_path: Path,
    old: str,
    new: str,
    field: str,
    message: str,
    fix: str,
    line_after: list[str],
) -> None:
    folder = _broken_model(tmp_path, old, new)
    with pytest.raises(ContentError, match=re.escape(message)) as caught:
        read_content(folder)
    problem = _problem(caught, field)
    assert problem.file == "risk_model.yaml"
    assert message in problem.message
    assert fix in problem.fix
    line = _line_after(folder / "risk_model.yaml", line_after)
    assert problem.line == line
    assert f"risk_model.yaml:{line}" in str(caught.value)
    assert f"field '{field}'" in str(caught.value)
    assert f"Fix: {problem.fix}" in str(caught.value)


def _line_after(path: Path, needles: list[str]) -> int:
    """The line of the last needle, each searched for after the one before."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0
    for needle in needles:
        start = next(i for i in range(start, len(lines)) if needle in lines[i]) + 1
    return start


def test_missing_rationale_is_named_with_its_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "risk_model.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"\n    rationale: >-\n      The NHS lists tiredness.*?\n\n", text, re.S)
    assert block is not None
    path.write_text(text.replace(block.group(0), "\n\n"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"field 'factors\.sleep\.rationale'") as caught:
        read_content(folder)
    problem = _problem(caught, "factors.sleep.rationale")
    assert problem.file == "risk_model.yaml"
    assert "required field is missing" in problem.message
    assert "add 'rationale:'" in problem.fix
    # The deepest part of the path that is still there: the sleep factor.
    assert problem.line == _line_after(path, ["factors:", "  sleep:"])
    assert f"risk_model.yaml:{problem.line}" in str(caught.value)


def test_empty_rationale_is_refused(tmp_path: Path) -> None:
    folder = _broken_model(
        tmp_path / "leftover",
        "    rationale: >-\n      The NHS lists alcohol",
        '    rationale: ""\n    unused: >-\n      The NHS lists alcohol',
    )
    # The leftover text is now an unknown field.
    with pytest.raises(ContentError, match=r"unknown field\(s\) unused") as caught:
        read_content(folder)
    problem = _problem(caught, "factors.alcohol")
    assert problem.file == "risk_model.yaml"
    assert "allowed fields are:" in problem.fix
    assert problem.line == _line_after(folder / "risk_model.yaml", ["factors:", "  alcohol:"])

    clean = _copy(tmp_path / "clean")
    path = clean / "risk_model.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"    rationale: >-\n      The NHS lists alcohol.*?\n\n", text, re.S)
    assert block is not None
    path.write_text(text.replace(block.group(0), '    rationale: " "\n\n'), encoding="utf-8")
    with pytest.raises(ContentError, match=r"field 'factors\.alcohol\.rationale'.*empty") as caught:
        read_content(clean)
    problem = _problem(caught, "factors.alcohol.rationale")
    assert problem.line == _line_with(path, 'rationale: " "')
    assert "explain" in problem.fix


def test_percent_in_the_model_file_is_refused(tmp_path: Path) -> None:
    folder = _broken_model(tmp_path, "about 2 to 4 in every 100", "2-4%")
    with pytest.raises(
        ContentError, match=r"risk_model\.yaml:\d+, field '[^']+': forbidden wording '%'"
    ) as caught:
        read_content(folder)
    (problem,) = caught.value.problems
    assert problem.field == "factors.medications.options[0].sentence"
    assert "in 10 people" in problem.fix


def test_about_naming_a_disease_risk_as_a_percentage_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "risk_model.yaml"
    text = path.read_text(encoding="utf-8")
    about = re.search(r"^about: >-\n(?:  .*\n)+", text, re.M)
    assert about is not None, "risk_model.yaml no longer starts its 'about' as a block"
    broken = text.replace(about.group(0), "about: Your ALS risk is 5%\n", 1)
    path.write_text(broken, encoding="utf-8")
    # The line number, worked out from the text written.
    line = broken[: broken.index("about: Your ALS risk is 5%")].count("\n") + 1
    with pytest.raises(ContentError) as caught:
        read_content(folder)
    (problem,) = caught.value.problems
    assert problem.file == "risk_model.yaml"
    assert problem.line == line
    assert problem.field == "about"
    assert "forbidden wording" in problem.message
    assert "%" in problem.message
    assert f"risk_model.yaml:{line}, field 'about': forbidden wording" in str(caught.value)
    # Without the percentage, the chance of the disease is still refused.
    path.write_text(broken.replace("5%", "high"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_content(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("risk_model.yaml", line, "about")
    assert "forbidden wording 'ALS risk'" in problem.message


def test_unknown_evidence_grade_lists_the_allowed_values(tmp_path: Path) -> None:
    folder = _broken_model(tmp_path, "    evidence: guideline\n", "    evidence: anecdote\n")
    with pytest.raises(ContentError) as caught:
        read_content(folder)
    (problem,) = caught.value.problems
    assert problem.file == "risk_model.yaml"
    assert problem.field == "factors.caffeine.evidence"
    assert problem.message == "'anecdote' is not one of the allowed values"
    for grade in Evidence:
        assert grade.value in problem.fix
    assert problem.fix == "use one of " + ", ".join(grade.value for grade in Evidence)
    line = _line_with(folder / "risk_model.yaml", "evidence: anecdote")
    assert problem.line == line
    assert (
        f"risk_model.yaml:{line}, field 'factors.caffeine.evidence': 'anecdote' is not one of "
        "the allowed values. Fix: use one of guideline, expert_opinion" in str(caught.value)
    )


def test_a_case_naming_a_question_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    old = "question_ids: [case-maya-triggers, case-maya-cups]"
    new = "question_ids: [case-maya-triggers, case-no-such-question]"
    folder = _broken_cases(tmp_path, old, new)
    text = (folder / "cases.yaml").read_text(encoding="utf-8")
    line = text[: text.index(new)].count("\n") + 1
    with pytest.raises(ContentError) as caught:
        read_content(folder)
    (problem,) = caught.value.problems
    assert problem.file == "cases.yaml"
    assert problem.field == "cases[0].question_ids[1]"
    assert problem.where == "case exam-week-coffee"
    assert problem.line == line
    assert "'case-no-such-question' is not in any lesson" in problem.message
    assert "add the question to a lesson" in problem.fix
    assert f"cases.yaml:{line}, case exam-week-coffee, field 'cases[0].question_ids[1]'" in str(
        caught.value
    )


def test_model_source_ids_are_checked_against_the_folders_sources_file(tmp_path: Path) -> None:
    cited = (
        "sources: [nhs-twitches, medlineplus-twitching, dsm-caffeine, fda-caffeine, "
        "nhs-pregnancy-foods]"
    )
    # fda-caffeine stays cited by the drinks, so only the new id is a problem.
    with_new = (
        "sources: [nhs-twitches, medlineplus-twitching, dsm-caffeine, my-new-source, "
        "nhs-pregnancy-foods]"
    )
    folder = _broken_model(tmp_path, cited, with_new)
    # The folder's sources.yaml does not have the new source yet.
    with pytest.raises(ContentError, match="unknown source 'my-new-source'") as caught:
        read_content(folder)
    problem = _problem(caught, "factors.caffeine.sources")
    assert problem.file == "risk_model.yaml"
    assert problem.line == _line_with(folder / "risk_model.yaml", with_new)
    # Added to the folder's sources.yaml, the same model reads fine.
    sources = folder / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8")
        + "\n  - id: my-new-source\n    kind: web\n    publisher: NHS\n"
        "    title: Muscle twitches\n    url: https://www.nhs.uk/\n",
        encoding="utf-8",
    )
    model = read_content(folder).risk_model
    assert model is not None
    assert "my-new-source" in model.factors.caffeine.sources


def test_an_unchanged_copy_reads_fine(tmp_path: Path) -> None:
    content = read_content(_copy(tmp_path))
    assert content.risk_model == MODEL
    assert content.cases == CASES


def test_broken_cases_copy_names_file_line_and_field(tmp_path: Path) -> None:
    folder = _broken_cases(tmp_path, "      stress: 8\n", "      stress: 12\n")
    with pytest.raises(ContentError) as caught:
        read_content(folder)
    message = str(caught.value)
    problem = _problem(caught, "cases[0].settings.stress")
    assert problem.file == "cases.yaml"
    assert "Stress or anxiety must be a number from 0 to 10" in problem.message
    assert problem.fix == "change the value to one the explorer accepts"
    assert problem.line == _line_with(folder / "cases.yaml", "stress: 12")
    assert f"cases.yaml:{problem.line}" in message
    assert "field 'cases[0].settings.stress'" in message
    assert "Stress or anxiety must be a number from 0 to 10" in message


def test_cases_with_an_unknown_field_or_duplicate_id_are_refused(tmp_path: Path) -> None:
    folder = _broken_cases(tmp_path / "dup", "id: after-marathon", "id: exam-week-coffee")
    with pytest.raises(
        ContentError, match="case id 'exam-week-coffee' is not a unique slug"
    ) as caught:
        read_content(folder)
    problem = _problem(caught, "cases[1].id")
    assert problem.file == "cases.yaml"
    assert problem.line == _line_after(folder / "cases.yaml", ["id: exam-week-coffee"] * 2)
    assert "different for each case" in problem.fix

    folder = _broken_cases(tmp_path / "field", "    question_ids: [", "    questions: [")
    with pytest.raises(ContentError, match=r"unknown field\(s\) questions") as caught:
        read_content(folder)
    problem = _problem(caught, "cases[0]")
    assert problem.file == "cases.yaml"
    assert problem.line == _line_with(folder / "cases.yaml", "  - id: exam-week-coffee")
    assert "question_ids" in problem.fix


def test_the_shipped_files_pass_the_strict_reader() -> None:
    # The same strict reader the course uses, uncached: the shipped files pass it.
    content = read_content(CONTENT_DIR)
    assert isinstance(content.risk_model, RiskModel)
    assert content.cases
    assert all(isinstance(case, CaseStudy) for case in content.cases)


def test_levels_and_red_flags_in_the_file_match_the_enums() -> None:
    model = MODEL
    assert [spec.id for spec in model.levels] == [level.value for level in Level]
    starts = [spec.min_points for spec in model.levels]
    assert starts[0] == 0
    assert all(b > a for a, b in itertools.pairwise(starts))
    assert {item.id for item in model.red_flags.items} == {flag.value for flag in RedFlag}
    assert {item.tier for item in model.red_flags.items} == set(Tier)


def test_the_level_labels_and_caffeine_and_alcohol_words() -> None:
    assert MODEL.level_spec(Level.LESS_LIKELY).label == "Fewer triggers than in a typical week"
    caffeine = MODEL.factors.caffeine
    under, at_250, at_400, at_1000 = caffeine.sentences
    assert "everyday amount" in under
    # 250 mg is a dose taken at once in the definition of intoxication, not a daily total.
    assert "all at once" in at_250
    assert "Teenagers" in at_400
    assert "pregnancy" in at_400
    assert "200 mg" in at_400
    assert "fast or uneven heartbeat" in at_1000
    assert "GP or pharmacist" in at_1000
    assert [m.value for m in caffeine.marks] == [250, 400, 1000]
    assert "at once" in caffeine.marks[0].label
    alcohol = MODEL.factors.alcohol
    assert alcohol.thresholds == (15, 35)
    assert "14 units a week" in alcohol.sentences[0]
    assert "half a pint" in alcohol.sentences[0]
    assert [m.value for m in alcohol.marks] == [14]
    assert INPUT_RANGES["alcohol_units"].describe() == "a number from 0 to 70 UK units a week"
    points = [
        assess(RiskFactors(alcohol_units=units), MODEL).contribution("alcohol").points
        for units in (0, 14, 15, 34, 35, 70)
    ]
    assert points == [0, 0, 1, 1, 2, 2]
    assert presets(MODEL)["big-night-out"].factors.alcohol_units == 28


# --- warning_signs.yaml --------------------------------------------------------------------


def _broken_warnings(tmp_path: Path, old: str, new: str) -> Path:
    return _broken(tmp_path, "warning_signs.yaml", old, new)


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "fix", "line_after"),
    [
        (
            "    treated.\n  signs:\n",
            "    treated.\n"
            "  reassurance: Most people who get checked are told it is harmless.\n"
            "  signs:\n",
            "soon.reassurance",
            "the soon tier has reassurance",
            "remove it: reassurance fits the routine tier only",
            ["soon:", "reassurance:"],
        ),
        (
            "Call 999, or your local emergency number, straight away.",
            "Call an ambulance straight away.",
            "emergency.action",
            "the emergency tier does not say to call 999",
            "call 999 (or your local emergency number)",
            ["emergency:", "action:"],
        ),
        (
            "  title: See a GP within the next few days\n",
            "  title: See a GP within the next few days, no need to worry\n",
            "soon.title",
            "reassuring words ('no need to worry') in the soon tier",
            "keep reassurance for the routine tier",
            ["soon:", "title:"],
        ),
    ],
)
def test_broken_warning_signs_copy_names_file_line_field_and_fix(
    tmp_path: Path,
    old: str,
    new: str,
    field: str,
    message: str,
    fix: str,
    line_after: list[str],
) -> None:
    folder = _broken_warnings(tmp_path, old, new)
    with pytest.raises(ContentError, match=re.escape(message)) as caught:
        read_content(folder)
    problem = _problem(caught, field)
    assert problem.file == "warning_signs.yaml"
    assert message in problem.message
    assert fix in problem.fix
    line = _line_after(folder / "warning_signs.yaml", line_after)
    assert problem.line == line
    assert f"warning_signs.yaml:{line}, field '{field}': {problem.message}" in str(caught.value)
    assert f"Fix: {problem.fix}" in str(caught.value)


def test_a_risk_model_without_warning_signs_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "warning_signs.yaml").unlink()
    with pytest.raises(ContentError, match=r"no warning_signs\.yaml") as caught:
        read_content(folder)
    problem = _problem(caught, "red_flags")
    assert problem.file == "risk_model.yaml"
    assert "warning signs need the words of their tiers" in problem.message
    assert "add warning_signs.yaml" in problem.fix
    line = _line_with(folder / "risk_model.yaml", "red_flags:")
    assert problem.line == line
    assert f"risk_model.yaml:{line}, field 'red_flags'" in str(caught.value)
    assert f"Fix: {problem.fix}" in str(caught.value)


def test_the_shipped_warning_signs_are_attached_to_the_model_and_the_content() -> None:
    assert _SHIPPED.warning_signs == WARNINGS
    assert "999" in WARNINGS.emergency.action
    for tier in (Tier.EMERGENCY, Tier.SOON):
        words = WARNINGS.tier(tier)
        for text in (words.title, words.action, *words.signs):
            assert "harmless" not in text.lower(), text
    assert "harmless" in WARNINGS.routine.reassurance
    assert WARNINGS.eyelid.signs


# --- the tiers in every lesson's "When to see a clinician" box ------------------------------

LESSONS = _SHIPPED.course.lessons
_SECTION = re.compile(r'<section class="tl-tier tl-tier-(\w+)"><h4>(.*?)</h4>(.*?)</section>', re.S)


def _tier_sections(html: str) -> list[tuple[str, str, str]]:
    """(tier, title, body) of each tier's section, in page order."""
    return _SECTION.findall(html)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lessons_box_shows_the_three_tiers_most_urgent_first(lesson: Lesson) -> None:
    html = clinician_box_html(_SHIPPED, lesson)
    sections = _tier_sections(html)
    assert [tier for tier, _title, _body in sections] == ["emergency", "soon", "routine"]
    titles = [WARNINGS.tier(tier).title for tier in Tier]
    assert [title for _tier, title, _body in sections] == [escape(t) for t in titles]
    assert [html.index(f"<h4>{escape(t)}</h4>") for t in titles] == sorted(
        html.index(f"<h4>{escape(t)}</h4>") for t in titles
    )
    for tier, _title, body in sections:
        words = WARNINGS.tier(Tier(tier))
        assert escape(words.action) in body
        for sign in words.signs:
            assert escape(sign) in body
    assert "999" in sections[0][2]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_harmless_is_said_only_in_the_routine_section(lesson: Lesson) -> None:
    html = clinician_box_html(_SHIPPED, lesson)
    sections = {tier: body for tier, _title, body in _tier_sections(html)}
    assert "harmless" in sections["routine"]
    assert escape(WARNINGS.routine.reassurance) in sections["routine"]
    assert "harmless" not in sections["emergency"].lower()
    assert "harmless" not in sections["soon"].lower()
    # Nowhere else in the box either, the lesson's own items included.
    rest = _SECTION.sub(lambda m: "" if m.group(1) == "routine" else m.group(0), html)
    assert "harmless" not in rest.lower(), f"{lesson.id}: 'harmless' outside the routine tier"


def _with_box(lesson: Lesson, *, items: tuple[str, ...], eyelid: bool = False) -> Lesson:
    """`lesson` with its clinician box given these items and eyelid (a default box if none)."""
    box = lesson.clinician_box if lesson.clinician_box is not None else ClinicianBox()
    return attrs.evolve(lesson, clinician_box=attrs.evolve(box, items=items, eyelid=eyelid))


# Built from a shipped lesson, so the test does not depend on which lessons ask for them.
EXTRA = ("Something only this lesson adds.",)


@pytest.mark.parametrize("eyelid", [False, True])
def test_a_lesson_with_eyelid_true_shows_the_eyelid_signs(eyelid: bool) -> None:
    lesson = _with_box(LESSONS[0], eyelid=eyelid, items=EXTRA)
    html = clinician_box_html(_SHIPPED, lesson)
    assert [tier for tier, _t, _b in _tier_sections(html)] == ["emergency", "soon", "routine"]
    if not eyelid:
        assert "tl-eyelid" not in html
        assert escape(WARNINGS.eyelid.title) not in html
        for sign in WARNINGS.eyelid.signs:
            assert escape(sign) not in html
        return
    assert '<section class="tl-tier tl-eyelid">' in html
    assert f"<h4>{escape(WARNINGS.eyelid.title)}</h4>" in html
    eyelid_at = html.index("tl-eyelid")
    for sign in WARNINGS.eyelid.signs:
        assert escape(sign) in html[eyelid_at:]
    # After the three tiers, before what only this lesson adds.
    assert html.index("tl-tier-routine") < eyelid_at < html.index("tl-clinician-extra")
    assert "harmless" not in html[eyelid_at:].lower()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_shipped_lessons_show_the_eyelid_signs_where_their_box_asks(lesson: Lesson) -> None:
    html = clinician_box_html(_SHIPPED, lesson)
    asks = lesson.clinician_box is not None and lesson.clinician_box.eyelid
    assert ("tl-eyelid" in html) is asks
    assert (escape(WARNINGS.eyelid.title) in html) is asks


def test_the_box_ends_with_the_lessons_own_items_and_every_lesson_gets_one() -> None:
    lesson = _with_box(LESSONS[0], items=EXTRA)
    assert lesson.clinician_box is not None
    html = clinician_box_html(_SHIPPED, lesson)
    assert html.startswith('<aside class="tl-clinician"')
    assert f"<h3>{escape(lesson.clinician_box.title)}</h3>" in html
    extra = html.index("tl-clinician-extra")
    assert extra > html.index("tl-tier-routine")
    assert escape(EXTRA[0]) in html[extra:]
    assert html.endswith("</aside>")
    # A lesson without a box of its own still shows the three tiers.
    bare = attrs.evolve(lesson, clinician_box=None)
    html = clinician_box_html(_SHIPPED, bare)
    assert [tier for tier, _t, _b in _tier_sections(html)] == ["emergency", "soon", "routine"]
    assert "<h3>When to see a clinician</h3>" in html
    assert "tl-clinician-extra" not in html
