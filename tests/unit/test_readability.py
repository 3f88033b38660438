"""Plain language: every lesson's prose and its questions read at grade 6 or below.

Measured with textstat 0.7.4 (pinned in pyproject: later versions download NLTK data at run
time): Flesch-Kincaid grade at most 6 and SMOG at most 9, for the lesson's prose
(`Lesson.text()`) and for its question set (`Lesson.question_text()`) separately.
"""

from __future__ import annotations

import pytest
import textstat

from twitchlearn import load_content
from twitchlearn.models import Lesson

MAX_GRADE = 6.0
MAX_SMOG = 9.0
LESSONS = load_content().course.lessons
PARTS = {"prose": Lesson.text, "questions": Lesson.question_text}


def reading_levels(text: str) -> tuple[float, float]:
    return float(textstat.flesch_kincaid_grade(text)), float(textstat.smog_index(text))


@pytest.mark.parametrize("part", sorted(PARTS))
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_reads_at_grade_six_or_below(lesson: Lesson, part: str) -> None:
    text = PARTS[part](lesson)
    assert text.strip(), f"lesson {lesson.id} has no {part}"
    grade, smog = reading_levels(text)
    why = (
        f"lesson {lesson.id} ({part}) reads at Flesch-Kincaid grade {grade:.1f} and SMOG "
        f"{smog:.1f}; the course aims at {MAX_GRADE:g} and {MAX_SMOG:g} or below: use "
        "shorter sentences and plainer words"
    )
    assert grade <= MAX_GRADE, why
    assert smog <= MAX_SMOG, why


def test_the_reading_check_can_fail() -> None:
    hard = (  # SMOG needs at least three sentences
        "Notwithstanding considerable interindividual heterogeneity, electrophysiological "
        "characterisation of spontaneous fasciculation potentials necessitates "
        "comprehensive neurophysiological evaluation incorporating quantitative methodology. "
        "Electromyographic investigations demonstrate pathophysiological abnormalities "
        "incompatible with uncomplicated benign presentations. "
        "Consequently, multidisciplinary interpretation necessitates considerable "
        "specialised neurological expertise and methodological sophistication."
    )
    grade, smog = reading_levels(hard)
    assert grade > MAX_GRADE
    assert smog > MAX_SMOG


def test_question_text_holds_every_part_a_learner_reads() -> None:
    lesson = LESSONS[0]
    text = lesson.question_text()
    for question in lesson.questions:
        assert question.prompt in text
        assert question.explanation in text
