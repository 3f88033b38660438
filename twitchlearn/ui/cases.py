"""Case studies under the twitch explorer: read a story, predict, set the explorer, answer.

Each case (`Content.cases`) gets a card: its title and story, a button that sets
the explorer's controls to the case (one recompute), a prediction checked against
`assess(case.factors)` (the level, or the tier of warning signs when one is ticked), the
case's take-away once checked, and the case's quiz questions. The questions are lesson 7's,
shown with `QuestionView`, so they are graded and saved by the learner's ProgressTracker
like any other question.

    explorer = ExplorerView(content.risk_model, content.course.sources)
    CaseStudiesView(explorer, content.cases, session.tracker)   # below it, on the same page
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from twitchlearn.risk import CaseStudy, Level, RiskModel, Tier, assess
from twitchlearn.session import ProgressTracker
from twitchlearn.ui.common import FULL_WIDTH, WIDE_LABEL, safe_callback
from twitchlearn.ui.explorer import ExplorerView
from twitchlearn.ui.quiz import QuestionView
from twitchlearn.ui.sync import kernel_sync

__all__ = ["LEVEL_PREDICTIONS", "CaseCard", "CaseStudiesView", "expected_prediction", "predictions"]

# What a learner can predict about how likely ordinary twitches are: the four levels.
LEVEL_PREDICTIONS: tuple[tuple[str, str], ...] = (
    ("Fewer triggers than usual", Level.LESS_LIKELY.value),
    ("About as likely as usual", Level.ABOUT_TYPICAL.value),
    ("More likely than usual", Level.MORE_LIKELY.value),
    ("Much more likely than usual", Level.MUCH_MORE_LIKELY.value),
)


def predictions(model: RiskModel) -> tuple[tuple[str, str], ...]:
    """(label, value) of every prediction: the four levels, then each tier of warning signs
    in its own words ("Call 999 now", ...), most urgent last so the list reads calm first."""
    warnings = model.warning_signs
    tiers = (
        ()
        if warnings is None
        else tuple((warnings.tier(tier).title, tier.value) for tier in reversed(Tier))
    )
    return (*LEVEL_PREDICTIONS, *tiers)


def expected_prediction(case: CaseStudy, model: RiskModel) -> str:
    """The right prediction for `case`: the most urgent tier of the warning signs ticked
    (such as "soon"), else the level's value (such as "more_likely")."""
    result = assess(case.factors, model)
    return result.tier.value if result.tier is not None else result.level.value


def _is_tier(value: str) -> bool:
    return value in {tier.value for tier in Tier}


class CaseCard:
    """One case: story, a button that sets the explorer, a prediction and the questions."""

    def __init__(
        self,
        case: CaseStudy,
        explorer: ExplorerView,
        tracker: ProgressTracker,
        first_number: int,
        order_key: str = "",
    ) -> None:
        self.case = case
        self.explorer = explorer
        self.tracker = tracker
        title = escape(case.title)
        self.story = widgets.HTML(
            f'<h3 class="tl-case-title">{title}</h3><p class="tl-case-story">'
            f"{escape(case.story)}</p>",
            layout=FULL_WIDTH,
        )
        self.set_button = widgets.Button(
            description="Set the explorer to this case",
            tooltip=f"Set the explorer above to {case.title}",
            layout=widgets.Layout(width="auto"),
        )
        self.set_status = widgets.HTML("", layout=FULL_WIDTH)
        self.prompt = widgets.HTML(
            f'<p class="tl-case-prompt"><strong>Predict first.</strong> {escape(case.prompt)}'
            "</p><p>What will the explorer show?</p>",
            layout=FULL_WIDTH,
        )
        self.labels = dict((value, label) for label, value in predictions(explorer.model))
        self.prediction = widgets.RadioButtons(
            options=list(predictions(explorer.model)),
            value=None,
            description="Your prediction:",
            style=WIDE_LABEL,
            layout=FULL_WIDTH,
        )
        self.check_button = widgets.Button(
            description="Check my prediction",
            button_style="primary",
            tooltip=f"Check your prediction for {case.title}",
            layout=widgets.Layout(width="auto"),
        )
        self.result = widgets.HTML("", layout=FULL_WIDTH)
        self.set_button.on_click(safe_callback(lambda _b: self.set_explorer(), self._show_error))
        self.check_button.on_click(safe_callback(self._on_check, self._show_error))
        kernel_sync()  # its widgets in the page from the start
        course = tracker.course
        self.questions = [
            QuestionView(course.questions[qid], tracker, number, order_key)
            for number, qid in enumerate(case.question_ids, start=first_number)
        ]
        parts: list[Any] = [
            self.story,
            self.prompt,
            self.prediction,
            widgets.HBox([self.check_button, self.set_button], layout=_wrap()),
            self.result,
            self.set_status,
        ]
        if self.questions:
            parts.append(widgets.HTML("<h4>Questions about this case</h4>"))
            parts.extend(view.widget for view in self.questions)
        self.widget = widgets.VBox(parts, layout=FULL_WIDTH)
        self.widget.add_class("tl-case")
        self.widget.add_class(f"tl-case-{case.id}")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def set_explorer(self) -> None:
        """Set every explorer control to the case (the chart and summary update once)."""
        self.explorer.set_factors(self.case.factors)
        self.set_status.value = (
            '<p class="tl-case-status" role="status">The explorer above now shows '
            f"{escape(self.case.title)}. Scroll up to see each factor's points.</p>"
        )

    def check_prediction(self) -> bool:
        """Compare the chosen prediction with the model; show why, and the take-away.

        Returns whether the prediction was right (False also when none is chosen yet).
        """
        if self.prediction.value is None:
            self._show_error("Pick a prediction first.")
            return False
        chosen = str(self.prediction.value)
        result = assess(self.case.factors, self.explorer.model)
        expected = expected_prediction(self.case, self.explorer.model)
        right = chosen == expected
        if result.tier is not None:
            shows = (
                f"“{self.labels[expected]}”. A warning sign replaces the level, whatever the "
                "sliders say."
            )
        else:
            shows = f"“{result.level_label}”."
        notes: list[str] = []
        if not right and _is_tier(chosen) and not _is_tier(expected):
            notes.append("None of the warning signs applies here, so the explorer shows a level.")
        elif not right and _is_tier(expected) and not _is_tier(chosen):
            notes.append("A warning sign is ticked, so the explorer says what to do instead.")
        elif not right and _is_tier(expected):
            sooner = Tier(expected).rank < Tier(chosen).rank
            notes.append(
                "It is more urgent than you predicted."
                if sooner
                else "It is less urgent than you predicted."
            )
        elif not right:
            closer = "higher" if Level(expected).rank > Level(chosen).rank else "lower"
            notes.append(f"It is {closer} than you predicted.")
        verdict = "Right." if right else "Not quite."
        parts = [
            f'<p class="tl-verdict"><strong>{verdict}</strong> '
            f"You predicted “{escape(self.labels[chosen])}”. "
            f"The explorer shows {escape(shows)}</p>",
            *(f"<p>{escape(note)}</p>" for note in notes),
            f'<p class="tl-takeaway"><strong>Take-away:</strong> {escape(self.case.takeaway)}</p>',
        ]
        status = "tl-right" if right else "tl-wrong"
        self.result.value = (
            f'<div class="tl-feedback tl-prediction {status}" role="status">{"".join(parts)}</div>'
        )
        return right

    def _on_check(self, _button: object) -> None:
        # On the prediction and the sliders the page shows, not an earlier step of them.
        kernel_sync().then(safe_callback(self.check_prediction, self._show_error))

    def _show_error(self, message: str) -> None:
        self.result.value = (
            f'<div class="tl-feedback tl-warning" role="alert">{escape(message)}</div>'
        )


def _wrap() -> widgets.Layout:
    return widgets.Layout(flex_flow="row wrap")


class CaseStudiesView:
    """Every case study as a card, each driving `explorer`. Display it below the explorer."""

    def __init__(
        self,
        explorer: ExplorerView,
        studies: tuple[CaseStudy, ...],
        tracker: ProgressTracker,
        *,
        order_key: str = "",
    ) -> None:
        self.explorer = explorer
        self.tracker = tracker
        self.cards: list[CaseCard] = []
        number = 1
        for case in studies:
            card = CaseCard(case, explorer, tracker, number, order_key)
            number += len(card.questions)
            self.cards.append(card)
        intro = widgets.HTML(
            '<h2 id="case-studies">Case studies</h2>'
            "<p>Each story is one person's week. Read it and predict what the explorer will "
            "show. Then check your prediction, and set the explorer to the case to see why. "
            "Last, answer the questions. Your answers count like the lesson questions.</p>",
            layout=FULL_WIDTH,
        )
        self.widget = widgets.VBox([intro, *(card.widget for card in self.cards)])
        self.widget.add_class("tl-case-studies")

    def card(self, case_id: str) -> CaseCard:
        for card in self.cards:
            if card.case.id == case_id:
                return card
        raise KeyError(f"No case {case_id!r}")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
