"""The explorer view in-process, without a browser: controls in, chart data and summary out."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from twitchlearn.loading import load_content
from twitchlearn.risk import (
    Hydration,
    Medication,
    RedFlag,
    RiskFactors,
    RiskModel,
    assess,
    presets,
)
from twitchlearn.ui import explorer as explorer_module
from twitchlearn.ui.chart import PLOTLY_MIME
from twitchlearn.ui.common import FRIENDLY_ERROR
from twitchlearn.ui.explorer import EVIDENCE_COLOURS, ExplorerView

_MODEL = load_content().risk_model
assert _MODEL is not None, "the shipped course has an explorer"
MODEL: RiskModel = _MODEL


@pytest.fixture
def view() -> ExplorerView:
    return ExplorerView(MODEL)


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
        assert source in view.summary.value
    assert bar(view)["text"][0] == f"{caffeine.points} points"


def test_every_control_reaches_the_model(view: ExplorerView) -> None:
    view.sleep.value = 4.5
    view.stress.value = 9
    view.alcohol.value = 7
    view.hydration.value = Hydration.VERY_LOW
    view.exercise.value = "hard"
    view.medications[Medication.DIURETIC].value = True
    expected = RiskFactors(
        sleep_hours=4.5,
        stress=9,
        alcohol_drinks=7,
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
    assert 'class="tl-override" role="alert"' in summary
    assert "See a GP about your twitching" in summary
    assert level_label not in summary  # never the level beside the override
    view.red_flags[RedFlag.WEAKNESS].value = False
    assert "tl-override" not in view.summary.value
    assert level_label in view.summary.value


@pytest.mark.parametrize("preset_id", list(presets(MODEL)))
def test_preset_sets_every_control_and_updates_once(view: ExplorerView, preset_id: str) -> None:
    preset = presets(MODEL)[preset_id]
    view.red_flags[RedFlag.SPREADING].value = True  # a preset clears the checklist too
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
            alcohol_drinks=20,
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
    assert view.chart.text.startswith(title)


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
