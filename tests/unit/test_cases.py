"""Case studies: their questions are in the course, their answers match their take-aways,
and the view drives the explorer, checks predictions and grades through the tracker."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

import pytest
import textstat

from twitchlearn.errors import ContentError
from twitchlearn.loading import CONTENT_DIR, load_content, read_content
from twitchlearn.models import (
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.risk import CaseStudy, Level, RedFlag, RiskFactors, RiskModel, Tier, assess
from twitchlearn.session import LearnerSession, ProgressTracker
from twitchlearn.ui.cases import CaseStudiesView, expected_prediction, predictions
from twitchlearn.ui.explorer import ExplorerView
from twitchlearn.ui.pages import ExplorerPage

CONTENT = load_content()
assert CONTENT.risk_model is not None, "the shipped course has an explorer"
MODEL: RiskModel = CONTENT.risk_model
assert MODEL.warning_signs is not None, "the shipped explorer has its tiers of warning signs"
WARNINGS = MODEL.warning_signs


def shows_tier(summary: str, tier: Tier) -> bool:
    """Whether the explorer's summary shows `tier`'s title as its heading and its words."""
    words = WARNINGS.tier(tier)
    return (
        f'<h3 class="tl-override-title">{escape(words.title)}</h3>' in summary
        and escape(words.action) in summary
    )


COURSE = CONTENT.course
CASES = CONTENT.cases
CASE_QUESTIONS = [qid for case in CASES for qid in case.question_ids]


def by_id(case_id: str) -> CaseStudy:
    return next(c for c in CASES if c.id == case_id)


def right_answer(q: Question) -> object:
    if isinstance(q, SingleChoiceQuestion):
        return next(c.id for c in q.choices if c.correct)
    if isinstance(q, MultipleSelectQuestion):
        return [c.id for c in q.choices if c.correct]
    if isinstance(q, TrueFalseQuestion | NumericQuestion):
        return q.answer
    assert isinstance(q, MatchingQuestion)
    return dict(q.pairs)


# --- content -------------------------------------------------------------------------------


def test_every_case_has_questions_in_a_lesson() -> None:
    assert len(CASES) >= 5
    for case in CASES:
        assert case.question_ids, f"case {case.id} has no questions"
        for qid in case.question_ids:
            question = COURSE.questions[qid]
            assert qid.startswith("case-")
            lesson = COURSE.lesson(question.lesson)
            assert question in lesson.questions


def test_case_questions_are_many_and_of_several_kinds() -> None:
    assert len(CASE_QUESTIONS) >= 6
    assert len(set(CASE_QUESTIONS)) == len(CASE_QUESTIONS), "a question is in two cases"
    kinds = {COURSE.questions[qid].kind for qid in CASE_QUESTIONS}
    assert len(kinds) >= 4, kinds
    in_lessons = {q.id for q in COURSE.questions.values() if q.id.startswith("case-")}
    assert in_lessons == set(CASE_QUESTIONS), "every case- question belongs to a case"


@pytest.mark.parametrize("qid", CASE_QUESTIONS)
def test_case_question_wording_is_plain_and_safe(qid: str) -> None:
    q = COURSE.questions[qid]
    texts = [q.prompt, q.explanation]
    if isinstance(q, SingleChoiceQuestion | MultipleSelectQuestion):
        texts += [c.text for c in q.choices] + [c.feedback for c in q.choices if c.feedback]
    elif isinstance(q, TrueFalseQuestion):
        texts.append(q.feedback)
    elif isinstance(q, NumericQuestion):
        texts += [q.feedback_low, q.feedback_high]
    else:
        texts += list(q.feedback.values())
    for text in texts:
        assert "%" not in text
        for word in ("ALS", "MND", "motor neuron", "risk of"):
            assert word not in text, text
    assert textstat.flesch_kincaid_grade(q.prompt) <= 8, q.prompt
    assert textstat.flesch_kincaid_grade(q.explanation) <= 8, q.explanation


def test_lesson_7_points_to_the_explorer() -> None:
    lesson = COURSE.lesson("prevention")
    assert any("the twitch explorer" in s.body for s in lesson.sections)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "c"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def test_reading_names_a_case_question_that_is_not_in_the_course(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "cases.yaml"
    text = path.read_text(encoding="utf-8")
    assert "[case-sam-jog]" in text, "the test's anchor is no longer in cases.yaml"
    path.write_text(text.replace("[case-sam-jog]", "[case-no-such-question]"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_content(folder)
    message = str(caught.value)
    assert "case-no-such-question" in message
    assert "after-marathon" in message
    line = text.splitlines().index("    question_ids: [case-sam-jog]") + 1
    assert f"cases.yaml:{line}, case after-marathon" in message
    (problem,) = caught.value.problems
    assert problem.file == "cases.yaml"
    assert problem.line == line
    assert problem.field.endswith(".question_ids[0]")
    assert "add the question to a lesson" in problem.fix
    assert f"Fix: {problem.fix}" in message


def test_reading_accepts_the_shipped_copy(tmp_path: Path) -> None:
    assert read_content(_copy(tmp_path)).cases == CASES


# --- the expected predictions agree with each case's take-away ----------------------------

EXPECTED = {
    "exam-week-coffee": Level.MUCH_MORE_LIKELY.value,
    "after-marathon": Level.MORE_LIKELY.value,
    "new-asthma-inhaler": Level.ABOUT_TYPICAL.value,
    "weak-hand": Tier.SOON.value,
    "eyelid-after-poor-sleep": Level.MORE_LIKELY.value,
    "calm-week-worry": Level.LESS_LIKELY.value,
}
# Words in the take-away that the model's answer must agree with.
TAKEAWAY_WORDS = {
    "exam-week-coffee": "the level is high",
    "after-marathon": "hard session",
    "new-asthma-inhaler": "adds no points",
    "weak-hand": "see a GP within the next few days",
    "eyelid-after-poor-sleep": "Short sleep is the main trigger",
    "calm-week-worry": "The level is low",
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_prediction_from_assess_matches_the_takeaway(case: CaseStudy) -> None:
    assert expected_prediction(case, MODEL) == EXPECTED[case.id]
    assert TAKEAWAY_WORDS[case.id] in case.takeaway
    result = assess(case.factors, MODEL)
    if case.id == "new-asthma-inhaler":
        assert result.contribution("medications").points == 0
    if case.id == "eyelid-after-poor-sleep":
        points = {c.factor: c.points for c in result.contributions}
        assert points["sleep"] == max(points.values())
    if case.id == "after-marathon":
        assert result.contribution("exercise").points > 0
        jog = RiskFactors(exercise="moderate")
        assert assess(jog, MODEL).contribution("exercise").points == 0


def test_predictions_are_the_four_levels_then_the_tiers_by_their_titles() -> None:
    options = predictions(MODEL)
    assert [value for _label, value in options] == [
        *(level.value for level in Level),
        Tier.ROUTINE.value,
        Tier.SOON.value,
        Tier.EMERGENCY.value,
    ]
    assert [label for label, _value in options][4:] == [
        "See a GP",
        "See a GP within the next few days",
        "Call 999 now",
    ]
    for tier in Tier:
        assert (WARNINGS.tier(tier).title, tier.value) in options
    assert options[0] == ("Fewer triggers than usual", Level.LESS_LIKELY.value)
    labels = [label for label, _value in options]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("flag", list(RedFlag), ids=lambda f: f.value)
def test_expected_prediction_is_the_tier_when_a_warning_sign_is_ticked(flag: RedFlag) -> None:
    case = CaseStudy(
        id="x",
        title="X",
        story="A story.",
        factors=RiskFactors(caffeine_mg=1000, stress=9, red_flags=[flag]),
        prompt="Predict.",
        takeaway="Take-away.",
        question_ids=(),
    )
    assert expected_prediction(case, MODEL) == MODEL.red_flag(flag).tier.value
    # Several tiers ticked: the most urgent one.
    both = CaseStudy(
        id="y",
        title="Y",
        story="A story.",
        factors=RiskFactors(red_flags=[flag, RedFlag.OVER_TWO_WEEKS]),
        prompt="Predict.",
        takeaway="Take-away.",
        question_ids=(),
    )
    expected = min(MODEL.red_flag(flag).tier, Tier.ROUTINE, key=lambda tier: tier.rank)
    assert expected_prediction(both, MODEL) == expected.value
    no_flags = CaseStudy(
        id="z",
        title="Z",
        story="A story.",
        factors=RiskFactors(caffeine_mg=1000, stress=9),
        prompt="Predict.",
        takeaway="Take-away.",
        question_ids=(),
    )
    assert expected_prediction(no_flags, MODEL) == assess(no_flags.factors, MODEL).level.value


# --- the view ---------------------------------------------------------------------------------


@pytest.fixture
def tracker() -> ProgressTracker:
    return ProgressTracker(COURSE)


@pytest.fixture
def explorer() -> ExplorerView:
    return ExplorerView(MODEL, COURSE.sources)


@pytest.fixture
def view(explorer: ExplorerView, tracker: ProgressTracker) -> CaseStudiesView:
    return CaseStudiesView(explorer, CASES, tracker)


def test_one_card_per_case_with_escaped_text(view: CaseStudiesView) -> None:
    assert [card.case.id for card in view.cards] == [c.id for c in CASES]
    sam = view.card("after-marathon")
    assert "Sam after a marathon" in sam.story.value
    assert [q.question.id for q in sam.questions] == list(sam.case.question_ids)
    numbers = [q.prompt.value for card in view.cards for q in card.questions]
    assert f"Question {len(CASE_QUESTIONS)}." in numbers[-1]
    assert list(sam.prediction.options) == list(predictions(MODEL))
    # The prediction's answer and the take-away are not in the page before checking.
    assert sam.case.takeaway not in sam.widget.children[0].value
    assert sam.result.value == ""


def test_text_is_escaped(explorer: ExplorerView, tracker: ProgressTracker) -> None:
    case = CaseStudy(
        id="x",
        title="<b>Bold</b>",
        story="A & B <script>",
        factors=RiskFactors(),
        prompt="<i>p</i>",
        takeaway="<u>t</u>",
        question_ids=(),
    )
    card = CaseStudiesView(explorer, (case,), tracker).cards[0]
    assert "&lt;b&gt;Bold&lt;/b&gt;" in card.story.value
    assert "<script>" not in card.story.value
    assert "&lt;i&gt;" in card.prompt.value
    card.prediction.value = Level.LESS_LIKELY.value
    card.check_prediction()
    assert "&lt;u&gt;t&lt;/u&gt;" in card.result.value


def test_set_button_applies_the_case_once(view: CaseStudiesView, explorer: ExplorerView) -> None:
    card = view.card("weak-hand")
    before = explorer.updates
    card.set_button.click()
    assert explorer.updates == before + 1
    assert explorer.factors() == card.case.factors
    assert 'class="tl-override tl-tier-soon" role="alert"' in explorer.summary.value
    assert shows_tier(explorer.summary.value, Tier.SOON)
    assert "Leo" in card.set_status.value
    # Another case replaces every control, the warning signs too.
    view.card("exam-week-coffee").set_button.click()
    assert explorer.factors() == by_id("exam-week-coffee").factors
    assert "tl-override" not in explorer.summary.value
    assert assess(by_id("exam-week-coffee").factors, MODEL).level_label in explorer.summary.value


def test_a_right_prediction(view: CaseStudiesView) -> None:
    card = view.card("weak-hand")
    card.prediction.value = Tier.SOON.value
    assert card.check_prediction() is True
    assert "Right." in card.result.value
    assert "tl-right" in card.result.value
    assert "You predicted “See a GP within the next few days”." in card.result.value
    assert "The explorer shows “See a GP within the next few days”." in card.result.value
    assert card.case.takeaway in card.result.value


def test_a_wrong_prediction(view: CaseStudiesView) -> None:
    card = view.card("weak-hand")
    card.prediction.value = Level.ABOUT_TYPICAL.value
    card.check_button.click()
    assert "Not quite." in card.result.value
    assert "tl-wrong" in card.result.value
    assert "warning sign replaces the level" in card.result.value
    assert "A warning sign is ticked, so the explorer says what to do instead." in (
        card.result.value
    )
    assert card.case.takeaway in card.result.value
    # The wrong tier: said to be more, or less, urgent than predicted.
    card.prediction.value = Tier.ROUTINE.value
    assert card.check_prediction() is False
    assert "It is more urgent than you predicted." in card.result.value
    card.prediction.value = Tier.EMERGENCY.value
    assert card.check_prediction() is False
    assert "It is less urgent than you predicted." in card.result.value
    assert "You predicted “Call 999 now”." in card.result.value

    calm = view.card("calm-week-worry")
    calm.prediction.value = Level.MORE_LIKELY.value
    assert calm.check_prediction() is False
    assert "lower than you predicted" in calm.result.value
    for tier in Tier:
        calm.prediction.value = tier.value
        assert calm.check_prediction() is False
        assert "None of the warning signs applies" in calm.result.value


def test_no_prediction_yet(view: CaseStudiesView) -> None:
    card = view.card("after-marathon")
    assert card.check_prediction() is False
    assert "Pick a prediction first." in card.result.value
    assert card.case.takeaway not in card.result.value


def test_case_questions_are_graded_through_the_tracker(
    view: CaseStudiesView, tracker: ProgressTracker
) -> None:
    changes: list[int] = []
    tracker.on_change(lambda: changes.append(1))
    card = view.card("after-marathon")
    (question_view,) = card.questions
    question = question_view.question
    assert isinstance(question, TrueFalseQuestion)
    question_view.controls[0].value = not question.answer
    question_view.check.click()
    first = tracker.latest(question.id)
    assert first is not None
    assert not first.correct
    assert question.feedback in question_view.feedback.value
    question_view.retry.click()
    question_view.controls[0].value = question.answer
    question_view.check.click()
    latest = tracker.latest(question.id)
    assert latest is not None
    assert latest.correct
    assert changes
    assert tracker.lesson_progress(question.lesson).describe().startswith("1 of")


def test_earlier_answers_show_again(tracker: ProgressTracker, explorer: ExplorerView) -> None:
    qid = by_id("weak-hand").question_ids[0]
    tracker.submit(qid, right_answer(COURSE.questions[qid]))
    card = CaseStudiesView(explorer, CASES, tracker).card("weak-hand")
    assert "Correct." in card.questions[0].feedback.value


def test_explorer_page_puts_the_case_studies_under_the_explorer() -> None:
    page = ExplorerPage(LearnerSession(CONTENT))
    assert "tl-explorer" in page.explorer_view().widget._dom_classes
    studies = page.cases()
    assert isinstance(studies, CaseStudiesView)
    assert "tl-case-studies" in studies.widget._dom_classes
    assert studies.explorer is page.explorer_view()
    assert [card.case.id for card in studies.cards] == [c.id for c in CASES]
