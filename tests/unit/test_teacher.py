"""The teacher's computations and views, on a real SQLite store filled with graded attempts,
and the teacher guide, which is content (teacher_guide.yaml)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from twitchlearn.attempts import POLICIES
from twitchlearn.loading import load_content, read_content
from twitchlearn.models import (
    Content,
    Course,
    MultipleSelectQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.scoring import grade, right_answer_text
from twitchlearn.storage import ProgressStore
from twitchlearn.storage.sqlite import SQLiteStore
from twitchlearn.teacher import (
    answer_key,
    answer_text,
    common_wrong_answers,
    learner_progress,
    question_difficulty,
)

EVIL = "<img src=x onerror=alert(1)>"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def course(content: Content) -> Course:
    return content.course


Q = TypeVar("Q", bound=Question)


def first_of(course: Course, kind: type[Q]) -> Q:
    return next(q for q in course.questions.values() if isinstance(q, kind))


def wrong_choice(question: SingleChoiceQuestion) -> str:
    return next(c.id for c in question.choices if not c.correct)


def right_choice(question: SingleChoiceQuestion) -> str:
    return next(c.id for c in question.choices if c.correct)


class Recorder:
    def __init__(self, store: ProgressStore, course: Course) -> None:
        self.store, self.course, self.n = store, course, 0

    def __call__(self, learner: str, qid: str, answer: object, class_code: str = "9B") -> None:
        self.n += 1
        question = self.course.questions[qid]
        self.store.record(
            learner,
            class_code,
            qid,
            answer,
            grade(question, answer),
            now=START + timedelta(minutes=self.n),
        )


@pytest.fixture
def store(tmp_path: Path, course: Course) -> Iterator[SQLiteStore]:
    """Ann: wrong then right on a single choice; Bob: right then wrong; the evil name: wrong."""
    db = SQLiteStore(tmp_path / "progress.sqlite3")
    rec = Recorder(db, course)
    single = first_of(course, SingleChoiceQuestion)
    tf = first_of(course, TrueFalseQuestion)
    rec("Ann", single.id, wrong_choice(single))
    rec("Ann", single.id, right_choice(single))
    rec("Bob", single.id, right_choice(single))
    rec("Bob", single.id, wrong_choice(single))
    rec(EVIL, single.id, wrong_choice(single))
    rec("Ann", tf.id, not tf.answer)
    rec("Bob", tf.id, tf.answer)
    rec("Zed", single.id, wrong_choice(single), class_code="OTHER")
    yield db
    db.close()


def test_progress_per_learner_follows_the_policy(store: ProgressStore, course: Course) -> None:
    total = len(course.questions)
    by_policy = {
        p: {
            lp.learner: (lp.answered, lp.correct) for lp in learner_progress(store, course, "9B", p)
        }
        for p in POLICIES
    }
    assert by_policy["first"] == {"Ann": (2, 0), "Bob": (2, 2), EVIL: (1, 0)}
    assert by_policy["last"] == {"Ann": (2, 1), "Bob": (2, 1), EVIL: (1, 0)}
    assert by_policy["best"] == {"Ann": (2, 1), "Bob": (2, 2), EVIL: (1, 0)}
    ann = {p.learner: p for p in learner_progress(store, course, "9B", "best")}["Ann"]
    assert ann.total_questions == total
    assert ann.share_done == pytest.approx(2 / total)
    assert "Zed" not in by_policy["best"]  # another class


def test_difficulty_per_question(store: ProgressStore, course: Course) -> None:
    single = first_of(course, SingleChoiceQuestion)
    rows = {d.question_id: d for d in question_difficulty(store, course, "9B", "first")}
    assert list(rows) == list(course.questions)  # every question, in course order
    assert (rows[single.id].answered, rows[single.id].correct) == (3, 1)
    assert rows[single.id].share_correct == pytest.approx(1 / 3)
    last = {d.question_id: d for d in question_difficulty(store, course, "9B", "last")}
    assert last[single.id].correct == 1
    unanswered = [d for d in rows.values() if d.answered == 0]
    assert unanswered
    assert all(d.share_correct == 0 for d in unanswered)


def test_wrong_answers_decode_choice_ids_to_text(store: ProgressStore, course: Course) -> None:
    single = first_of(course, SingleChoiceQuestion)
    wrong_text = next(c.text for c in single.choices if c.id == wrong_choice(single))
    first = common_wrong_answers(store, course, "9B", "first")
    assert first[0].question_id == single.id
    assert (first[0].answer, first[0].count) == (wrong_text, 2)  # Ann and the evil name
    best = common_wrong_answers(store, course, "9B", "best")
    assert [(w.question_id, w.count) for w in best if w.question_id == single.id] == [
        (single.id, 1)
    ]
    tf = first_of(course, TrueFalseQuestion)
    assert any(w.question_id == tf.id and w.answer in ("True", "False") for w in best)


def test_multiple_select_wrong_parts(tmp_path: Path, course: Course) -> None:
    q = first_of(course, MultipleSelectQuestion)
    wrong = [c for c in q.choices if not c.correct]
    right = [c for c in q.choices if c.correct]
    with SQLiteStore(tmp_path / "p.sqlite3") as db:
        Recorder(db, course)("Ann", q.id, [wrong[0].id])
        texts = {w.answer for w in common_wrong_answers(db, course, "9B", "last")}
    assert wrong[0].text in texts
    assert {f"Left out: {c.text}" for c in right} <= texts
    assert answer_text(q, [c.id for c in right]) == right_answer_text(q)


def test_class_plan_is_45_minutes(content: Content) -> None:
    assert content.guide is not None
    plan = content.guide.plan
    assert sum(step.minutes for step in plan) == 45
    assert "disclaimer" in plan[0].detail


def test_prompts_carry_the_safety_note(content: Content) -> None:
    guide = content.guide
    assert guide is not None
    assert "Do not stop a prescribed medicine without advice" in guide.safety_note
    for lesson in content.course.lessons:
        prompts = guide.prompts_for(lesson)
        assert len(prompts) >= 3
        assert prompts[-1] == guide.safety_note
        assert prompts[:-1] == guide.prompts.get(lesson.id, guide.generic_prompts)


def test_answer_key_covers_every_question(course: Course) -> None:
    key = answer_key(course)
    assert [e.question_id for e in key] == list(course.questions)
    for entry in key:
        question = course.questions[entry.question_id]
        assert entry.right_answer == right_answer_text(question)
        assert entry.explanation == question.explanation


# --- the views (ui) ----------------------------------------------------------------------


def test_guide_html_escapes_and_holds_the_key(content: Content) -> None:
    from twitchlearn.ui.dashboard import guide_answer_key, guide_plan, guide_prompts

    key = guide_answer_key(content)._repr_html_()
    assert key.count('class="tl-key"') == len(content.course.questions)
    assert "<script" not in key
    assert "45 minutes" in guide_plan(content)._repr_html_()
    assert "prescribed medicine" in guide_prompts(content)._repr_html_()


def test_guide_without_teacher_guide_file_still_shows_the_rest(content_dir: Path) -> None:
    from twitchlearn.ui.dashboard import guide_answer_key, guide_plan, guide_prompts

    bare = read_content(content_dir)  # lesson 01 only, no teacher_guide.yaml
    assert bare.guide is None
    plan = guide_plan(bare)._repr_html_()
    assert "no class plan" in plan
    assert "Disclaimer to read aloud" in plan
    assert "no discussion prompts" in guide_prompts(bare)._repr_html_()
    key = guide_answer_key(bare)._repr_html_()
    assert key.count('class="tl-key"') == len(bare.course.questions)


def test_dashboard_escapes_learner_names(store: ProgressStore, course: Course) -> None:
    from twitchlearn.ui.dashboard import ClassDashboard

    dashboard = ClassDashboard(course, store.location, class_code="9B", policy="first")
    shown = json.dumps(
        [dashboard.status.value]
        + [o for v in (dashboard.progress_view, dashboard.wrong_view) for o in v.outputs]
    )
    assert EVIL not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "application/vnd.plotly.v1+json" in shown
    assert "3 learner(s)" in dashboard.status.value
    assert "twitchlearn export --class 9B --out results.csv" in dashboard.export_view.value
    dashboard.class_code.value = "NOPE"
    assert "No answers saved yet" in dashboard.status.value
    assert dashboard.progress_view.outputs == ()
    dashboard.class_code.value = "OTHER"
    assert "1 learner(s)" in dashboard.status.value


def test_dashboard_reports_a_missing_store(tmp_path: Path, course: Course) -> None:
    from twitchlearn.ui.dashboard import ClassDashboard

    dashboard = ClassDashboard(course, tmp_path / "missing.sqlite3", class_code="9B")
    assert "cannot be read" in dashboard.status.value


def test_the_guide_says_what_to_do_when_a_learner_is_worried(content: Content) -> None:
    from twitchlearn.ui.dashboard import guide_plan

    assert content.guide is not None
    steps = " ".join(content.guide.disclosure)
    for needed in ("privately", "within the next few days", "999", "116 123", "NHS 111"):
        assert needed in steps, needed
    html = guide_plan(content).html
    assert "If a learner is worried or distressed" in html
    assert "Samaritans on 116 123" in html


# --- the first attempt counts by default; the last is shown beside it ----------------------


def test_wrong_then_right_scores_0_first_and_1_last(store: ProgressStore, course: Course) -> None:
    by_default = {p.learner: p for p in learner_progress(store, course, "9B")}
    ann = by_default["Ann"]  # the single choice wrong, then right; the true/false wrong
    assert (ann.score, ann.correct) == (0.0, 0)  # the first attempt counts by default
    assert (ann.first_score, ann.last_score) == (0.0, 1.0)
    assert ann.total_points == len(course.questions)
    bob = by_default["Bob"]  # right, then wrong (practice after a right answer)
    assert (bob.first_score, bob.last_score) == (2.0, 1.0)
    for policy in POLICIES:  # the first and the last are there whatever counts
        ann = {p.learner: p for p in learner_progress(store, course, "9B", policy)}["Ann"]
        assert (ann.first_score, ann.last_score) == (0.0, 1.0)
        assert sum(ann.lesson_scores) == ann.score
    assert [d.correct for d in question_difficulty(store, course, "9B")] == [
        d.correct for d in question_difficulty(store, course, "9B", "first")
    ]


def test_dashboard_counts_the_first_attempt_and_shows_the_last(
    store: ProgressStore, course: Course
) -> None:
    from twitchlearn.ui.dashboard import ClassDashboard

    dashboard = ClassDashboard(course, store.location, class_code="9B")
    assert dashboard.policy.value == "first"
    assert "counting each learner's first attempt" in dashboard.status.value
    table = _progress_table(dashboard)
    total = len(course.questions)
    assert table[0] == [
        "Learner",
        "Answered",
        "Right (first attempt)",
        f"Points, first attempt (out of {total})",
        f"Points, last attempt (out of {total})",
    ]
    rows = {row[0]: row[1:] for row in table[1:]}
    assert rows["Ann"] == [f"2 of {total}", "0", "0", "1"]
    assert rows["Bob"] == [f"2 of {total}", "2", "2", "1"]
    dashboard.policy.value = "best"
    table = _progress_table(dashboard)
    assert table[0][3:] == [
        f"Points, best attempt (out of {total})",
        f"Points, first attempt (out of {total})",
        f"Points, last attempt (out of {total})",
    ]
    assert {row[0]: row[3:] for row in table[1:]}["Ann"] == ["1", "0", "1"]
    assert "--policy best" in dashboard.export_view.value
    assert "--gradebook" in dashboard.export_view.value


def _progress_table(dashboard: object) -> list[list[str]]:
    """The learner table of a dashboard's progress view, as cells of text."""
    import re
    from html import unescape

    html = next(
        o["data"]["text/html"]
        for o in dashboard.progress_view.outputs  # type: ignore[attr-defined]
        if "text/html" in o.get("data", {})
    )
    return [
        [unescape(cell) for cell in re.findall(r"<t[hd]>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", html)
    ]


def test_dashboard_writes_part_points_as_people_do(tmp_path: Path, course: Course) -> None:
    from twitchlearn.ui.dashboard import ClassDashboard

    multi = first_of(course, MultipleSelectQuestion)
    one_right = next(c.id for c in multi.choices if c.correct)
    with SQLiteStore(tmp_path / "p.sqlite3") as db:
        Recorder(db, course)("Ann", multi.id, [one_right])
        assert learner_progress(db, course, "9B")[0].score == pytest.approx(1 / 3)
        dashboard = ClassDashboard(course, db.location, class_code="9B")
    assert _progress_table(dashboard)[1][3:] == ["0.3", "0.3"]
