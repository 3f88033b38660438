"""Glossary terms are explained where they first appear on a lesson page, and only there."""

from __future__ import annotations

from twitchlearn import load_content
from twitchlearn.models import GlossaryTerm
from twitchlearn.session import LearnerSession
from twitchlearn.ui.common import TermExplainer
from twitchlearn.ui.pages import LessonPage

EMG = GlossaryTerm(term="EMG", meaning="A test of nerves and muscles.")
MND = GlossaryTerm(term="MND", meaning="Motor neurone disease.")
DISEASE = GlossaryTerm(term="motor neurone disease", meaning="A rare disease of the nerves.")
NEURONE = GlossaryTerm(term="motor neurone", meaning="A nerve cell that moves a muscle.")


def test_the_first_appearance_is_explained_and_later_ones_are_not() -> None:
    explain = TermExplainer([EMG])
    first = explain.html("An emg is a test. Another EMG later.")
    assert first.count('<dfn class="tl-term">') == 1
    assert '<dfn class="tl-term">emg</dfn>' in first  # whole word, any case
    assert "(a test of nerves and muscles)" in first
    assert "<dfn" not in explain.html("The EMG again, in the next section.")


def test_words_inside_other_words_are_left_alone() -> None:
    assert "<dfn" not in TermExplainer([EMG]).html("The EMGs and SEMG are other words.")


def test_a_term_the_text_explains_itself_gets_no_brackets() -> None:
    explain = TermExplainer([DISEASE, MND, NEURONE])
    html = explain.html("ALS is a type of motor neurone disease (MND). Motor neurone cells.")
    assert "<dfn" not in html  # "(MND)" follows the long name; MND stands in brackets
    assert "motor neurone disease (MND)" in html


def test_text_and_meanings_are_escaped() -> None:
    term = GlossaryTerm(term="CBT", meaning="A <talking> therapy.")
    html = TermExplainer([term]).html("<b>CBT</b> helps.")
    assert "<b>" not in html
    assert "&lt;talking&gt;" in html


def test_a_lesson_page_explains_its_jargon() -> None:
    content = load_content()
    page = LessonPage("anxiety", LearnerSession(content))
    body = page.overview().html + page.body().html
    assert body.count('<dfn class="tl-term">CBT</dfn>') == 1
    assert body.count('<dfn class="tl-term">SSRI</dfn>') == 1
