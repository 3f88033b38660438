"""The explorer view in-process, without a browser: controls in, chart data and summary out."""

from __future__ import annotations

import json
import subprocess
import sys
from html import escape
from typing import Any

import attrs
import pytest

from twitchlearn.loading import load_content
from twitchlearn.risk import (
    Hydration,
    Medication,
    RedFlag,
    RiskFactors,
    RiskModel,
    Tier,
    assess,
    presets,
)
from twitchlearn.ui import explorer as explorer_module
from twitchlearn.ui.chart import PLOTLY_MIME
from twitchlearn.ui.common import FRIENDLY_ERROR
from twitchlearn.ui.explorer import EVIDENCE_COLOURS, ExplorerView

_CONTENT = load_content()
_MODEL = _CONTENT.risk_model
assert _MODEL is not None, "the shipped course has an explorer"
MODEL: RiskModel = _MODEL
assert MODEL.warning_signs is not None, "the loader attaches the tiers of warning signs"
WARNINGS = MODEL.warning_signs


def shows_tier(summary: str, tier: Tier) -> bool:
    """Whether the explorer's summary shows `tier`'s title as its heading and its words."""
    words = WARNINGS.tier(tier)
    return (
        f'<h3 class="tl-override-title">{escape(words.title)}</h3>' in summary
        and escape(words.action) in summary
    )


SOURCES = _CONTENT.course.sources


@pytest.fixture
def view() -> ExplorerView:
    return ExplorerView(MODEL, SOURCES)


def widgets_in(widget: Any) -> list[Any]:
    """Every widget of a layout, depth first."""
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += widgets_in(child)
    return found


def sent(view: ExplorerView) -> dict[str, Any]:
    """The figure the chart's Output widget holds: what the browser's plotly.js draws."""
    (output,) = view.chart.widget.outputs
    figure: dict[str, Any] = output["data"][PLOTLY_MIME]
    return figure


def bar(view: ExplorerView) -> dict[str, Any]:
    trace: dict[str, Any] = sent(view)["data"][0]
    return trace


def bars(view: ExplorerView) -> dict[str, int]:
    return dict(zip(bar(view)["y"], bar(view)["x"], strict=True))


def test_starts_at_the_defaults(view: ExplorerView) -> None:
    assert view.factors() == RiskFactors()
    expected = assess(RiskFactors(), MODEL)
    assert bar(view)["x"] == [c.points for c in expected.contributions]
    assert expected.level_label in view.summary.value
    assert "tl-override" not in view.summary.value
    assert "Fewer triggers than in a typical week" in view.summary.value
    assert sent(view)["layout"]["title"]["text"] == "What each factor adds (points)"
    assert bar(view)["type"] == "bar"


def test_slider_changes_chart_and_summary(view: ExplorerView) -> None:
    before_summary, before_bars = view.summary.value, bars(view)
    view.caffeine.value = 1000
    after = bars(view)
    assert after != before_bars
    assert (
        after["Caffeine"]
        == assess(RiskFactors(caffeine_mg=1000), MODEL).contribution("caffeine").points
    )
    assert view.summary.value != before_summary
    caffeine = assess(RiskFactors(caffeine_mg=1000), MODEL).contribution("caffeine")
    assert "1000 mg" in view.summary.value
    assert caffeine.evidence_label in view.summary.value
    for source in caffeine.sources:
        assert escape(SOURCES[source].title) in view.summary.value
    assert bar(view)["text"][0] == f"{caffeine.points} points"


def test_every_control_reaches_the_model(view: ExplorerView) -> None:
    view.sleep.value = 4.5
    view.stress.value = 9
    view.alcohol.value = 40
    view.hydration.value = Hydration.VERY_LOW
    view.exercise.value = "hard"
    view.medications[Medication.DIURETIC].value = True
    expected = RiskFactors(
        sleep_hours=4.5,
        stress=9,
        alcohol_units=40,
        hydration="very_low",
        exercise="hard",
        medications=["diuretic"],
    )
    assert view.factors() == expected
    result = assess(expected, MODEL)
    assert bar(view)["x"] == [c.points for c in result.contributions]
    assert result.level_label in view.summary.value
    colours = bar(view)["marker"]["color"]
    assert colours == [EVIDENCE_COLOURS[c.evidence] for c in result.contributions]


def test_red_flag_overrides_the_level(view: ExplorerView) -> None:
    view.apply_preset("exam-week")
    level_label = assess(presets(MODEL)["exam-week"].factors, MODEL).level_label
    assert level_label in view.summary.value
    view.red_flags[RedFlag.WEAKNESS].value = True
    summary = view.summary.value
    assert '<div class="tl-override tl-tier-soon" role="alert">' in summary
    assert shows_tier(summary, Tier.SOON)
    assert escape(MODEL.red_flag(RedFlag.WEAKNESS).advice) in summary
    assert "harmless" not in summary.split("</div>")[0]
    assert level_label not in summary  # never the level beside the override
    # A sign of a more urgent tier wins; one of a less urgent tier changes nothing.
    view.red_flags[RedFlag.MORE_THAN_ONE_PLACE].value = True
    assert 'class="tl-override tl-tier-soon"' in view.summary.value
    view.red_flags[RedFlag.SUDDEN_ONSET].value = True
    summary = view.summary.value
    assert '<div class="tl-override tl-tier-emergency" role="alert">' in summary
    assert shows_tier(summary, Tier.EMERGENCY)
    assert "999" in summary
    view.red_flags[RedFlag.SUDDEN_ONSET].value = False
    view.red_flags[RedFlag.WEAKNESS].value = False
    summary = view.summary.value
    assert '<div class="tl-override tl-tier-routine" role="alert">' in summary
    assert shows_tier(summary, Tier.ROUTINE)
    assert "harmless" in summary
    view.red_flags[RedFlag.MORE_THAN_ONE_PLACE].value = False
    assert "tl-override" not in view.summary.value
    assert level_label in view.summary.value


@pytest.mark.parametrize("flag", list(RedFlag), ids=lambda f: f.value)
def test_each_red_flag_shows_its_tiers_words(view: ExplorerView, flag: RedFlag) -> None:
    view.red_flags[flag].value = True
    result = assess(RiskFactors(red_flags=[flag]), MODEL)
    assert result.tier is MODEL.red_flag(flag).tier
    assert result.override_message is not None
    summary = view.summary.value
    assert f'<div class="tl-override tl-tier-{result.tier.value}" role="alert">' in summary
    assert result.tier is not None
    assert shows_tier(summary, result.tier)
    assert summary.count('role="alert"') == 1


def test_the_summary_names_source_titles_and_no_source_ids(view: ExplorerView) -> None:
    everything = RiskFactors(
        caffeine_mg=1200,
        sleep_hours=3,
        stress=10,
        alcohol_units=70,
        hydration="very_low",
        exercise="hard",
        medications=list(Medication),
    )
    for flags in ([], [RedFlag.WEAKNESS]):
        view.set_factors(attrs.evolve(everything, red_flags=flags))
        summary = view.summary.value
        result = assess(view.factors(), MODEL)
        adding = [c for c in result.contributions if c.points > 0]
        assert len(adding) >= 5
        for item in adding:
            titles = "; ".join(SOURCES[sid].title for sid in item.sources)
            assert f"Sources: {escape(titles)}." in summary
        for sid in SOURCES:
            assert sid not in summary, sid
    # Without the course's sources the view names none (it never falls back to the ids).
    bare = ExplorerView(MODEL)
    bare.set_factors(everything)
    assert "Sources:" not in bare.summary.value
    for sid in SOURCES:
        assert sid not in bare.summary.value


def test_the_alcohol_slider_is_uk_units_a_week_and_explains_a_unit(view: ExplorerView) -> None:
    assert (view.alcohol.min, view.alcohol.max, view.alcohol.step) == (0, 70, 1)
    assert view.alcohol.description == "Alcohol (UK units a week)"
    assert view.alcohol.value == 0
    shown = [w for w in widgets_in(view.widget) if w is view.alcohol_marks]
    assert shown, "the explanation of a unit is not on the page"
    marks = view.alcohol_marks.value
    assert "A unit is half a pint of ordinary beer or a single measure of spirits." in marks
    for mark in MODEL.factors.alcohol.marks:
        assert escape(mark.label) in marks
    assert "14 units a week" in marks
    view.alcohol.value = 70
    assert view.factors().alcohol_units == 70
    assert "Alcohol (70 units a week)" in view.summary.value
    view.alcohol.value = 20
    assert bars(view)["Alcohol"] == 1
    view.alcohol.value = 14
    assert bars(view)["Alcohol"] == 0


def test_the_caffeine_marks_are_on_the_page(view: ExplorerView) -> None:
    assert view.caffeine_marks in widgets_in(view.widget)
    for mark in MODEL.factors.caffeine.marks:
        assert escape(mark.label) in view.caffeine_marks.value
    assert "at once" in view.caffeine_marks.value


@pytest.mark.parametrize("preset_id", list(presets(MODEL)))
def test_preset_sets_every_control_and_updates_once(view: ExplorerView, preset_id: str) -> None:
    preset = presets(MODEL)[preset_id]
    view.red_flags[RedFlag.MORE_THAN_ONE_PLACE].value = True  # a preset clears the checklist too
    before = view.updates
    view.preset_buttons[preset_id].click()
    assert view.factors() == preset.factors
    assert view.updates == before + 1
    result = assess(preset.factors, MODEL)
    assert bar(view)["x"] == [c.points for c in result.contributions]
    assert result.headline in view.summary.value


def test_start_again_resets(view: ExplorerView) -> None:
    view.apply_preset("big-night-out")
    view.reset_button.click()
    assert view.factors() == RiskFactors()


def test_no_percentages_in_anything_shown(view: ExplorerView) -> None:
    settings = [p.factors for p in presets(MODEL).values()]
    settings.append(
        RiskFactors(
            caffeine_mg=1200,
            sleep_hours=0,
            stress=10,
            alcohol_units=70,
            hydration="very_high",
            exercise="hard",
            medications=list(Medication),
            red_flags=list(RedFlag),
        )
    )
    for factors in settings:
        view.set_factors(factors)
        shown = [view.summary.value, view.about.value, view.legend.value]
        shown += [*bar(view)["text"], *bar(view)["hovertext"], view.chart.text]
        shown.append(sent(view)["layout"]["title"]["text"])
        for text in shown:
            assert "%" not in text


def test_about_and_disclaimer_are_shown(view: ExplorerView) -> None:
    model = MODEL
    assert "teaching model" in view.about.value
    assert "not medical advice" in view.about.value
    assert model.disclaimer.split(".")[0] in view.about.value


def test_error_in_a_callback_shows_a_friendly_message(
    view: ExplorerView, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(explorer_module, "assess", broken)
    view.stress.value = 5
    assert FRIENDLY_ERROR in view.error.value
    assert "boom" not in view.error.value
    monkeypatch.undo()
    view.stress.value = 6
    assert view.error.value == ""


def test_renders_as_a_widget(view: ExplorerView) -> None:
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_red_flag_retitles_the_chart(view: ExplorerView) -> None:
    view.red_flags[RedFlag.SPEECH_OR_SWALLOWING].value = True
    title = sent(view)["layout"]["title"]["text"]
    assert title.startswith("Warning sign ticked")
    assert "<br>" in title  # too long for one line on a phone: plotly does not wrap
    assert view.chart.text.startswith(title.replace("<br>", " "))


def test_each_redraw_sends_one_small_figure(view: ExplorerView) -> None:
    draws = view.chart.draws
    view.stress.value = 8
    assert view.chart.draws == draws + 1
    assert len(view.chart.widget.outputs) == 1  # replaced, not appended
    size = len(json.dumps(view.chart.widget.outputs[0]))
    # The figure alone (a FigureWidget sent about 5 MB of plotly.js with its state).
    assert size < 8_000, size
    output = view.chart.widget.outputs[0]
    caffeine = assess(view.factors(), MODEL).contribution("caffeine")
    assert f"Caffeine: {caffeine.points} point" in output["data"]["text/plain"]


def test_the_explorer_never_imports_plotly() -> None:
    """A learner's kernel stays light and the view runs under Pyodide: plotly.js draws the
    chart in the browser, the kernel sends plain JSON."""
    code = (
        "import sys\n"
        "from twitchlearn.loading import load_content\n"
        "from twitchlearn.session import LearnerSession\n"
        "from twitchlearn.ui.pages import ExplorerPage\n"
        "page = ExplorerPage(LearnerSession(load_content()))\n"
        "page.explorer_view(), page.cases()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'plotly', 'anywidget'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
