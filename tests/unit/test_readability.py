"""Every shipped lesson reads at US school grade 9 or below (Flesch-Kincaid)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import textstat
from ruamel.yaml import YAML

from twitchlearn.loading import CONTENT_DIR, read_content
from twitchlearn.models import Lesson

MAX_GRADE = 9.0


def lesson_files() -> list[str]:
    return [str(f) for f in YAML(typ="safe").load(CONTENT_DIR / "course.yaml")["lessons"]]


def read_one_lesson(relative: str, folder: Path) -> Lesson:
    """Lesson `relative` of the shipped course, read on its own (the others may be unfinished)."""
    (folder / relative).parent.mkdir(parents=True)
    shutil.copy(CONTENT_DIR / "sources.yaml", folder / "sources.yaml")
    shutil.copy(CONTENT_DIR / relative, folder / relative)
    yaml = YAML()
    course = yaml.load(CONTENT_DIR / "course.yaml")
    course["lessons"] = [relative]
    yaml.dump(course, folder / "course.yaml")
    (lesson,) = read_content(folder).course.lessons
    return lesson


def test_course_lists_seven_lessons() -> None:
    assert len(lesson_files()) == 7


@pytest.mark.parametrize("relative", lesson_files(), ids=lambda f: Path(f).stem)
def test_lesson_reads_at_grade_nine_or_below(relative: str, tmp_path: Path) -> None:
    lesson = read_one_lesson(relative, tmp_path)
    grade = textstat.flesch_kincaid_grade(lesson.text())
    assert grade <= MAX_GRADE, (
        f"{relative} ({lesson.title!r}) reads at Flesch-Kincaid grade {grade:.1f}; "
        f"the course aims at {MAX_GRADE:g} or below: use shorter sentences and plainer words"
    )


def test_readability_check_can_fail() -> None:
    hard = (
        "Notwithstanding considerable interindividual heterogeneity, electrophysiological "
        "characterisation of spontaneous fasciculation potentials necessitates "
        "comprehensive neurophysiological evaluation incorporating quantitative methodology."
    )
    assert textstat.flesch_kincaid_grade(hard) > MAX_GRADE
