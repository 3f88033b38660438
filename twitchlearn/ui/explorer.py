"""The twitch explorer: sliders and choices in, a bar chart and a summary in words out.

All scoring happens in the kernel with `twitchlearn.risk.assess`; the browser gets the
control values, one bar chart of each factor's points (a plain plotly figure drawn by
plotly.js, `twitchlearn.ui.chart`: the kernel never imports plotly), and the same thing in
words (`tl-explorer-summary`) for screen readers. Any ticked warning sign replaces the
level with what to do, in the words of the most urgent tier ticked (`tl-override`,
role="alert": call 999, see a GP within days, or see a GP).

    ExplorerView(model, sources)   # the explorer for a risk model; the course's sources
                                   # give the titles it names (ui.pages.ExplorerPage puts it
                                   # on a page with the case studies that drive it)
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

import ipywidgets as widgets

from twitchlearn.models import Source
from twitchlearn.risk import (
    INPUT_RANGES,
    Assessment,
    Evidence,
    Exercise,
    Hydration,
    Medication,
    Preset,
    RedFlag,
    RiskFactors,
    RiskModel,
    assess,
    presets,
)
from twitchlearn.ui.chart import CHART_HEIGHT, Chart
from twitchlearn.ui.common import FULL_WIDTH, safe_callback

__all__ = ["EVIDENCE_COLOURS", "ExplorerView", "chart_text", "summary_html"]

# Okabe-Ito colours, one per evidence grade (colour-blind safe); the summary says it in words.
EVIDENCE_COLOURS: dict[Evidence, str] = {
    Evidence.GUIDELINE: "#0072B2",  # blue
    Evidence.EXPERT_OPINION: "#009E73",  # bluish green
    Evidence.CASE_REPORTS: "#E69F00",  # orange
    Evidence.NO_DIRECT_EVIDENCE: "#CC79A7",  # reddish purple
}
_COLOUR_NAMES = {
    Evidence.GUIDELINE: "blue",
    Evidence.EXPERT_OPINION: "green",
    Evidence.CASE_REPORTS: "orange",
    Evidence.NO_DIRECT_EVIDENCE: "purple",
}

_LABEL_WIDTH = {"description_width": "15em"}
_CHART_TITLE = "What each factor adds (points)"
_CHART_TITLE_OVERRIDE = "Warning sign ticked: see the advice, not these points"
# The chart is as wide as the page, down to about 270 px on a 320 px phone, and plotly does
# not wrap text: the factor names and the warning-sign title are broken into lines this
# long (at the chart's font sizes, each fits on the narrowest phone).
_LABEL_LINE = 16
_TITLE_LINE = 30


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


class ExplorerView:
    """The interactive explorer. Display it (it is the last value of a cell) or use `.widget`."""

    def __init__(self, model: RiskModel, sources: Mapping[str, Source] | None = None) -> None:
        self.model = model
        self.sources = sources  # the course's, for the titles the summary names
        self.presets: dict[str, Preset] = presets(self.model)
        self._applying = False  # set while a preset changes many controls at once
        self.updates = 0  # how many times the chart and summary were recomputed
        factors = self.model.factors

        self.caffeine = self._slider(
            widgets.IntSlider, "caffeine_mg", "Caffeine (mg a day)", step=10, cls="tl-caffeine"
        )
        self.sleep = self._slider(
            widgets.FloatSlider,
            "sleep_hours",
            "Sleep (hours a night)",
            step=0.5,
            cls="tl-sleep",
            readout_format=".1f",
        )
        self.stress = self._slider(
            widgets.IntSlider, "stress", "Stress or anxiety (0 to 10)", step=1, cls="tl-stress"
        )
        self.alcohol = self._slider(
            widgets.IntSlider,
            "alcohol_units",
            "Alcohol (UK units a week)",
            step=1,
            cls="tl-alcohol",
        )
        alcohol_marks = "".join(f"<li>{escape(m.label)}</li>" for m in factors.alcohol.marks)
        self.alcohol_marks = widgets.HTML(
            '<div class="tl-marks">A unit is half a pint of ordinary beer or a single measure '
            f"of spirits.<ul>{alcohol_marks}</ul></div>"
        )
        marks = "".join(f"<li>{escape(m.label)}</li>" for m in factors.caffeine.marks)
        self.caffeine_marks = widgets.HTML(
            f'<div class="tl-marks">Reference amounts of caffeine:<ul>{marks}</ul></div>'
        )
        self.hydration = widgets.Dropdown(
            options=[(o.label, Hydration(o.id)) for o in factors.hydration.options],
            value=Hydration.NORMAL,
            description="Drinking water",
            style=_LABEL_WIDTH,
            layout=FULL_WIDTH,
        )
        self.exercise = widgets.Dropdown(
            options=[(o.label, Exercise(o.id)) for o in factors.exercise.options],
            value=Exercise.NONE,
            description="Exercise in the last 24 hours",
            style=_LABEL_WIDTH,
            layout=FULL_WIDTH,
        )
        self.medications: dict[Medication, widgets.Checkbox] = {
            Medication(o.id): widgets.Checkbox(
                value=False, description=o.label, indent=False, layout=FULL_WIDTH
            )
            for o in factors.medications.options
        }
        self.red_flags: dict[RedFlag, widgets.Checkbox] = {
            RedFlag(item.id): widgets.Checkbox(
                value=False, description=item.label, indent=False, layout=FULL_WIDTH
            )
            for item in self.model.red_flags.items
        }

        self.preset_buttons: dict[str, widgets.Button] = {}
        for preset in self.presets.values():
            button = widgets.Button(description=preset.label, tooltip=preset.description)
            button.on_click(safe_callback(self._preset_clicked(preset.id), self._show_error))
            self.preset_buttons[preset.id] = button
        reset = widgets.Button(description="Start again", tooltip="Set every control back")
        reset.on_click(safe_callback(lambda _b: self.set_factors(RiskFactors()), self._show_error))
        self.reset_button = reset

        first = assess(self.factors(), self.model)
        self.chart = Chart(
            self._figure(first), text=chart_text(first), css_class="tl-explorer-chart"
        )
        legend = ", ".join(f"{_COLOUR_NAMES[e]} = {escape(e.label)}" for e in Evidence)
        self.legend = widgets.HTML(
            '<p class="tl-legend">Points come from a teaching model, not a measurement. '
            f"Bar colours show the evidence: {legend}.</p>"
        )
        self.summary = widgets.HTML("", layout=FULL_WIDTH)
        self.summary.add_class("tl-explorer-summary")
        # One line that stays on screen under the controls (sticky), so a slider's effect is
        # seen where the slider is, on a phone too; the chart and the details follow below.
        self.live = widgets.HTML("", layout=FULL_WIDTH)
        self.live.add_class("tl-explorer-live")
        self.error = widgets.HTML("")
        self.about = widgets.HTML(
            '<div class="tl-explorer-about">'
            f"<p>{escape(self.model.about)}</p>"
            f"<p><strong>{escape(self.model.disclaimer)}</strong></p></div>",
            layout=FULL_WIDTH,
        )

        on_change = safe_callback(self._on_change, self._show_error)
        for control in self._controls():
            control.observe(on_change, names="value")

        self.widget = self._layout()
        self.summary.value = summary_html(first, self.sources)
        self.live.value = live_html(first)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # -- building -------------------------------------------------------------------------

    @staticmethod
    def _slider(
        kind: Any, field: str, description: str, *, step: float, cls: str, **extra: Any
    ) -> Any:
        rng = INPUT_RANGES[field]
        default = getattr(RiskFactors(), field)
        slider = kind(
            value=default,
            min=rng.minimum,
            max=rng.maximum,
            step=step,
            description=description,
            continuous_update=False,
            style=_LABEL_WIDTH,
            layout=FULL_WIDTH,
            **extra,
        )
        slider.add_class(cls)
        return slider

    @property
    def figure(self) -> Mapping[str, Any]:
        """The chart's current figure: plotly JSON, one horizontal bar trace."""
        return self.chart.figure

    def _figure(self, result: Assessment) -> dict[str, Any]:
        bar = {
            "type": "bar",
            "orientation": "h",
            "textposition": "outside",
            "hoverinfo": "text",
            "cliponaxis": False,
            **_bar_values(result),
        }
        return {
            "data": [bar],
            "layout": {
                "title": {"text": _lines(_chart_title(result), _TITLE_LINE), "font": {"size": 16}},
                "height": CHART_HEIGHT,
                "margin": {"l": 10, "r": 30, "t": 64, "b": 50},
                "xaxis": {
                    # The legend under the chart says it is a teaching model, in words that
                    # wrap; a longer axis title ran off a phone's screen.
                    "title": {"text": "Points"},
                    "range": [0, self._max_points() + 1],
                    "dtick": 1,
                    "fixedrange": True,
                },
                "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
                "showlegend": False,
                "plot_bgcolor": "#ffffff",
            },
        }

    def _max_points(self) -> int:
        f = self.model.factors
        banded = [max(b.points) for b in (f.caffeine, f.sleep, f.stress, f.alcohol)]
        chosen = [max(o.points for o in c.options) for c in (f.hydration, f.exercise)]
        meds = f.medications.max_points or sum(o.points for o in f.medications.options)
        return max([*banded, *chosen, meds])

    def _controls(self) -> list[Any]:
        return [
            self.caffeine,
            self.sleep,
            self.stress,
            self.alcohol,
            self.hydration,
            self.exercise,
            *self.medications.values(),
            *self.red_flags.values(),
        ]

    def _layout(self) -> widgets.VBox:
        heading = widgets.HTML
        presets_row = widgets.HBox(
            [*self.preset_buttons.values(), self.reset_button],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        presets_row.add_class("tl-presets")
        flags = widgets.VBox(
            [
                heading(
                    "<h3>Warning signs</h3><p>Tick any that you have. Any tick means: get"
                    " checked, whatever the sliders say. The most urgent sign ticked says how"
                    " soon.</p>"
                ),
                *self.red_flags.values(),
            ]
        )
        flags.add_class("tl-red-flags")
        controls = widgets.VBox(
            [
                heading("<h3>Your week</h3>"),
                self.caffeine,
                self.caffeine_marks,
                self.sleep,
                self.stress,
                self.alcohol,
                self.alcohol_marks,
                self.hydration,
                self.exercise,
                heading("<h4>Medicines you take</h4>"),
                *self.medications.values(),
                flags,
                self.live,
            ],
            layout=widgets.Layout(flex="1 1 22em", min_width="0", margin="0 1.5em 0 0"),
        )
        results = widgets.VBox(
            [self.chart.widget, self.legend, self.summary],
            # Not a scroll box: ipywidgets' HTML margins overflow it by 4 px, which made it
            # a scrollable region with nothing focusable in it (axe, serious).
            layout=widgets.Layout(flex="1 1 26em", min_width="0", overflow="visible"),
        )
        results.add_class("tl-explorer-results")
        view = widgets.VBox(
            [
                self.about,
                heading("<h3>Choose an example</h3>"),
                presets_row,
                self.error,
                widgets.HBox([controls, results], layout=widgets.Layout(flex_flow="row wrap")),
            ]
        )
        view.add_class("tl-explorer")
        return view

    # -- reading and setting the controls --------------------------------------------------

    def factors(self) -> RiskFactors:
        """The controls' current values as checked RiskFactors."""
        return RiskFactors(
            caffeine_mg=self.caffeine.value,
            sleep_hours=self.sleep.value,
            stress=self.stress.value,
            alcohol_units=self.alcohol.value,
            hydration=self.hydration.value,
            exercise=self.exercise.value,
            medications=[m for m, box in self.medications.items() if box.value],
            red_flags=[f for f, box in self.red_flags.items() if box.value],
        )

    def set_factors(self, factors: RiskFactors) -> None:
        """Set every control to `factors`, then recompute once."""
        self._applying = True
        try:
            self.caffeine.value = round(factors.caffeine_mg)
            self.sleep.value = factors.sleep_hours
            self.stress.value = round(factors.stress)
            self.alcohol.value = round(factors.alcohol_units)
            self.hydration.value = factors.hydration
            self.exercise.value = factors.exercise
            for medication, box in self.medications.items():
                box.value = medication in factors.medications
            for flag, box in self.red_flags.items():
                box.value = flag in factors.red_flags
        finally:
            self._applying = False
        self.update()

    def apply_preset(self, preset_id: str) -> None:
        self.set_factors(self.presets[preset_id].factors)

    def _preset_clicked(self, preset_id: str) -> Callable[[Any], None]:
        def clicked(_button: Any) -> None:
            self.apply_preset(preset_id)

        return clicked

    def _on_change(self, _change: Any) -> None:
        if not self._applying:
            self.update()

    # -- showing the result ----------------------------------------------------------------

    def update(self) -> None:
        """Assess the current controls; redraw the chart in place and rewrite the summary."""
        result = assess(self.factors(), self.model)
        self.chart.show(self._figure(result), chart_text(result))
        self.summary.value = summary_html(result, self.sources)
        self.live.value = live_html(result)
        self.error.value = ""
        self.updates += 1

    def _show_error(self, message: str) -> None:
        self.error.value = f'<p class="tl-error" role="alert">{escape(message)}</p>'


def _chart_title(result: Assessment) -> str:
    return _CHART_TITLE_OVERRIDE if result.see_clinician else _CHART_TITLE


def _lines(text: str, width: int) -> str:
    """`text` broken at spaces into lines of at most `width` characters, for plotly (which
    draws `<br>` as a line break and never wraps by itself). `text` is the course's own
    words, never a learner's: plotly draws a few HTML tags in labels."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def _bar_values(result: Assessment) -> dict[str, Any]:
    items = result.contributions
    return {
        "y": [_lines(c.label, _LABEL_LINE) for c in items],
        "x": [c.points for c in items],
        "text": [_points(c.points) for c in items],
        "hovertext": [
            f"{c.label} ({c.value}): {_points(c.points)}. Evidence: {c.evidence_label}"
            for c in items
        ],
        "marker": {
            "color": [EVIDENCE_COLOURS[c.evidence] for c in items],
            "line": {"color": "#000000", "width": 1},
        },
    }


def _sources_sentence(ids: tuple[str, ...], titles: Mapping[str, str]) -> str:
    named = [titles[sid] for sid in ids if sid in titles]
    return f" Sources: {escape('; '.join(named))}." if named else ""


def chart_text(result: Assessment) -> str:
    """The chart in plain text (where no plotly renderer is installed)."""
    bars = "; ".join(f"{c.label}: {_points(c.points)}" for c in result.contributions)
    return f"{_chart_title(result)}. {bars}."


def live_html(result: Assessment) -> str:
    """The result in one line, for the bar that stays beside the controls: the warning-sign
    advice when one is ticked (it overrides the sliders), else the level."""
    if result.see_clinician and result.tier is not None:
        return (
            f'<p class="tl-live tl-tier-{result.tier.value}"><strong>'
            f"{escape(result.override_title or '')}</strong> (a warning sign is ticked; see "
            "below)</p>"
        )
    return (
        f'<p class="tl-live"><strong>{escape(result.level_label)}</strong> '
        f"({_points(result.points)} in this teaching model)</p>"
    )


def summary_html(result: Assessment, sources: Mapping[str, Source] | None = None) -> str:
    """The assessment in words: the override or the level, then each factor that adds points,
    with the titles of its sources (`sources`: the course's, by id)."""
    titles = {} if sources is None else {sid: s.title for sid, s in sources.items()}
    parts: list[str] = []
    if result.see_clinician and result.override_message is not None and result.tier is not None:
        title = result.override_title or ""
        rest = result.override_message.removeprefix(f"{title}.").strip()
        parts.append(
            f'<div class="tl-override tl-tier-{result.tier.value}" role="alert">'
            f'<h3 class="tl-override-title">{escape(title)}</h3>'
            f"<p>{escape(rest)}</p></div>"
        )
        parts.append("<h4>What the sliders add (this does not change the advice above)</h4>")
    else:
        parts.append(
            f'<div class="tl-level-box"><h3 class="tl-level">{escape(result.level_label)}</h3>'
            f"<p>{escape(result.level_meaning)}</p></div>"
        )
        parts.append(f"<p>Total: {_points(result.points)} in this teaching model.</p>")
    adding = [c for c in result.contributions if c.points]
    if adding:
        rows = "".join(
            f"<li><strong>{escape(c.label)} ({escape(c.value)}): {_points(c.points)}.</strong> "
            f"{escape(c.sentence)} <em>Evidence: {escape(c.evidence_label)}.</em>"
            + _sources_sentence(c.sources, titles)
            + "</li>"
            for c in adding
        )
        parts.append(f"<ul>{rows}</ul>")
    else:
        parts.append("<p>No factor adds any points.</p>")
    if not result.see_clinician:
        parts.append(f'<p class="tl-advice">{escape(result.advice)}</p>')
    return "".join(parts)
