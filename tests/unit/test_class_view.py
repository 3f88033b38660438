"""The live class view (issue 13): its core figures (`teacher.class_snapshot`,
`working_now`, `question_label`, `hardest_questions`), who may see it
(`identity.teacher_allowed`, the gate's teacher key), and the view itself on a real SQLite
store, refreshed as answers arrive."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.learner import right_answer, wrong_answer
from twitchlearn.app import notebooks
from twitchlearn.app.cli import main
from twitchlearn.app.gate import TEACHER_PAGE, gate_for, is_teacher_path
from twitchlearn.app.projector import projector_page
from twitchlearn.attempts import POLICIES, Attempt, Policy
from twitchlearn.export import gradebook_rows
from twitchlearn.identity import (
    HUB_HEADER_ENV,
    TEACHER_KEY_ENV,
    hub_user_json,
    teacher_allowed,
)
from twitchlearn.loading import load_content
from twitchlearn.models import Course
from twitchlearn.scoring import grade
from twitchlearn.site import CLASS_VIEW_PAGE, pages
from twitchlearn.storage import MemoryStore
from twitchlearn.storage.sqlite import SQLiteStore
from twitchlearn.teacher import (
    WORKING_WINDOW,
    class_snapshot,
    common_wrong_answers,
    hardest_questions,
    learner_progress,
    question_difficulty,
    question_label,
    working_now,
)
from twitchlearn.ui.classview import REFUSED, ClassView, class_view_page
from twitchlearn.ui.common import HtmlBlock

COURSE: Course = load_content().course
QUESTIONS = list(COURSE.questions.values())
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
EVIL = "<img src=x onerror=alert(1)>"


def record(
    store: SQLiteStore, learner: str, n: int, ok: bool, at: datetime, code: str = "7B"
) -> None:
    question = QUESTIONS[n]
    answer = right_answer(question) if ok else wrong_answer(question)
    store.record(learner, code, question.id, answer, grade(question, answer), now=at)


# --- naming questions as learners see them ---------------------------------------------------


def test_questions_are_named_by_lesson_and_number_never_by_id() -> None:
    for lesson in COURSE.lessons:
        for number, question in enumerate(lesson.questions, start=1):
            assert question_label(COURSE, question.id) == (
                f"Lesson {lesson.number}, question {number}"
            )
    assert question_label(COURSE, "no-such-question") == "A removed question"


# --- the snapshot: one read, the gradebook's figures -----------------------------------------

# Attempts: (learner, question index, right?, seconds after the one before)
attempt_lists = st.lists(
    st.tuples(
        st.sampled_from(["Ann", "ann", "Bea", EVIL, "Zoë"]),
        st.integers(0, 11),
        st.booleans(),
        st.integers(3, 200),  # the store takes at most 30 a minute
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(attempt_lists, st.integers(0, 40), st.sampled_from(POLICIES))
def test_the_snapshot_has_the_gradebooks_scores_and_the_teachers_figures(
    tmp_path_factory: pytest.TempPathFactory,
    attempts: list[tuple[str, int, bool, int]],
    split: int,
    policy: Policy,
) -> None:
    path = tmp_path_factory.getbasetemp() / f"{uuid.uuid4()}.sqlite3"
    at = T0
    with SQLiteStore(path) as store:
        record(store, "Other", 0, False, at, code="8C")  # another class: never in 7B's view
        earlier = class_snapshot(store, COURSE, "7B", at, policy)
        for step, (learner, n, ok, gap) in enumerate(attempts):
            if step == split:  # the view's last snapshot, taken while answers arrive
                earlier = class_snapshot(store, COURSE, "7B", at, policy, previous=earlier)
            at += timedelta(seconds=gap)
            record(store, learner, n, ok, at)
        now = at + timedelta(minutes=2)
        snap = class_snapshot(store, COURSE, "7B", now, policy)
        assert class_snapshot(store, COURSE, "7B", now, policy, previous=earlier) == snap
        assert class_snapshot(store, COURSE, "7B", now, policy, previous=snap) == snap
        assert list(snap.progress) == learner_progress(store, COURSE, "7B", policy)
        book = gradebook_rows(store, COURSE, "7B", policy)
        assert [(p.learner, p.score, p.lesson_scores) for p in snap.progress] == [
            (row.learner, row.score, row.lesson_scores) for row in book
        ]
        difficulty = question_difficulty(store, COURSE, "7B", policy)
        assert list(snap.hardest) == hardest_questions(difficulty)
        assert list(snap.wrong) == common_wrong_answers(store, COURSE, "7B", policy, limit=5)
        assert snap.attempts == len(attempts)
        # A teacher removes a learner: the next poll does not keep the old figures.
        store.forget("Bea", "7B", by="teacher")
        assert class_snapshot(store, COURSE, "7B", now, policy, previous=snap) == (
            class_snapshot(store, COURSE, "7B", now, policy)
        )
    for p in snap.progress:
        assert sum(p.lesson_answered) == p.answered
        assert p.learner != "Other"
    shares = [d.share_correct for d in snap.hardest]
    assert shares == sorted(shares)
    assert all(d.answered > 0 and d.label.startswith("Lesson ") for d in snap.hardest)
    assert all(w.label == question_label(COURSE, w.question_id) for w in snap.wrong)


def saved(learner: str, at: datetime, n: int = 0, attempt_id: int = 1) -> Attempt:
    question = QUESTIONS[n]
    return Attempt(attempt_id, learner, "7B", question.id, "true", 0.0, 1.0, False, at)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.sampled_from(["Ann", "ANN", "Bea", EVIL]), st.integers(-900, 120)),
        max_size=20,
    )
)
def test_working_now_is_everyone_with_an_answer_in_the_last_minutes(
    times: list[tuple[str, int]],
) -> None:
    now = T0
    attempts = [saved(who, now + timedelta(seconds=s), 0, i) for i, (who, s) in enumerate(times)]
    working = working_now(attempts, COURSE, now)
    since = now - WORKING_WINDOW
    recent: dict[str, list[datetime]] = {}
    spelled: dict[str, str] = {}
    for a in attempts:
        name = spelled.setdefault(a.learner.casefold(), a.learner)
        if a.answered_at > since:
            recent.setdefault(name, []).append(a.answered_at)
    assert {w.learner for w in working} == set(recent)
    for w in working:
        assert w.last_answer == max(recent[w.learner])
        assert w.answers == len(recent[w.learner])
        assert w.question == question_label(COURSE, QUESTIONS[0].id)
    lasts = [w.last_answer for w in working]
    assert lasts == sorted(lasts, reverse=True)


def test_hardest_questions_leave_out_the_unanswered_and_keep_a_limit() -> None:
    difficulty = question_difficulty(MemoryStore(), COURSE, "7B")  # nothing saved
    assert hardest_questions(difficulty) == []
    assert hardest_questions(difficulty, limit=-1) == []


# --- who may see it ----------------------------------------------------------------------------

keys = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)


@settings(max_examples=300)
@given(keys, keys)
def test_on_one_machine_only_the_teacher_key_opens_the_class_view(key: str, given: str) -> None:
    env = {TEACHER_KEY_ENV: key, "QUERY_STRING": urlencode({"teacher": given, "class": "7B"})}
    assert teacher_allowed(env) == (bool(key) and given == key)
    # the access key (or anything else) in another parameter opens nothing
    assert not teacher_allowed({TEACHER_KEY_ENV: key, "QUERY_STRING": urlencode({"key": key})})


def test_without_a_teacher_key_or_a_hub_no_one_sees_the_class() -> None:
    assert not teacher_allowed({})
    assert not teacher_allowed({"QUERY_STRING": "teacher="})
    assert not teacher_allowed({TEACHER_KEY_ENV: "", "QUERY_STRING": "teacher="})


@pytest.mark.parametrize(
    ("admin", "groups", "allowed"),
    [
        (True, [], True),
        (False, ["teachers"], True),
        (False, ["class-7B"], False),
        (False, [], False),
    ],
)
def test_under_a_hub_only_admins_and_the_teacher_group(
    admin: bool, groups: list[str], allowed: bool
) -> None:
    header = hub_user_json("jess", admin, groups)
    env = {"JUPYTERHUB_SERVICE_NAME": "twitchlearn", HUB_HEADER_ENV: header}
    assert teacher_allowed(env) is allowed
    # A teacher key in the URL changes nothing under a hub, even one that matches.
    keyed = {**env, TEACHER_KEY_ENV: "Teach-123", "QUERY_STRING": "teacher=Teach-123"}
    assert teacher_allowed(keyed) is allowed
    # No header at all (or a broken one): no one.
    assert not teacher_allowed({"JUPYTERHUB_SERVICE_NAME": "twitchlearn"})


def test_every_spelling_of_the_class_views_path_is_the_class_views() -> None:
    stem = "class_view"
    encoded = "".join(f"%{ord(c):02X}" for c in stem)
    for path in (
        f"/voila/render/{CLASS_VIEW_PAGE}",
        f"/voila/render/{encoded}.ipynb",
        f"/voila/render/{quote(encoded)}.ipynb",  # twice encoded
        f"/voila/render/./{CLASS_VIEW_PAGE}",
        f"//voila/render/{CLASS_VIEW_PAGE.upper()}",
        f"/voila/render/{stem}",
        f"/voila/api/contents/{CLASS_VIEW_PAGE}",
    ):
        assert is_teacher_path(path), path
    for other in pages(load_content()):
        assert not is_teacher_path(f"/voila/render/{other.name}")


def test_every_server_gets_a_teacher_key_that_the_projector_never_shows() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "0.0.0.0"):  # noqa: S104 (a name, not a bind)
        gate = gate_for(host, 8866)
        assert gate.teacher_key
        assert gate.teacher_key != gate.key
        assert gate.teacher_matches(gate.teacher_key)
        assert not gate.teacher_matches(gate.key)
        assert not gate.teacher_matches("")
        assert f"teacher={gate.teacher_key}" in gate.teacher_link
        assert gate.teacher_key not in gate.class_link
        assert gate.teacher_key not in projector_page(gate.class_link, gate.key)
    chosen = gate_for("127.0.0.2", 8866, "Class-Key", "Teach-Key")
    assert chosen.teacher_link == (
        f"http://127.0.0.2:8866/voila/render/{CLASS_VIEW_PAGE}?key=Class-Key&teacher=Teach-Key"
    )
    assert "This page is for the teacher" in TEACHER_PAGE


def test_the_command_checks_the_teacher_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--teacher-key", "no spaces!"]) == 1
    assert "--teacher-key must be 6 to 64" in capsys.readouterr().err
    assert main(["serve", "--access-key", "Same-Key-1", "--teacher-key", "Same-Key-1"]) == 1
    assert "must not be the --access-key" in capsys.readouterr().err


def test_the_class_view_page_is_written_only_when_asked(tmp_path: Path) -> None:
    content = load_content()
    assert CLASS_VIEW_PAGE not in notebooks.build(content)  # notebooks/ for JupyterLab
    assert main(["notebooks", str(tmp_path / "plain")]) == 0
    assert not (tmp_path / "plain" / CLASS_VIEW_PAGE).exists()
    assert main(["notebooks", str(tmp_path / "hub"), "--class-view"]) == 0
    book = json.loads((tmp_path / "hub" / CLASS_VIEW_PAGE).read_text(encoding="utf-8"))
    assert "menu" not in book["metadata"]["twitchlearn"]["site"]  # no links to learner pages
    # and no learner page links to it
    for path in (tmp_path / "hub").glob("*.ipynb"):
        if path.name != CLASS_VIEW_PAGE:
            assert CLASS_VIEW_PAGE not in path.read_text(encoding="utf-8")


# --- the view, on a real store ---------------------------------------------------------------


def test_a_refusal_shows_no_learner_data(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    with SQLiteStore(db) as store:
        record(store, "Secret Sam", 0, False, T0)
    env = {"TWITCHLEARN_DB": str(db), TEACHER_KEY_ENV: "Teach-Key", "QUERY_STRING": "key=x"}
    shown = class_view_page(env)
    assert isinstance(shown, HtmlBlock)
    assert REFUSED in shown.html
    assert "Secret Sam" not in shown.html


def test_the_view_shows_new_answers_at_each_refresh_and_escapes_names(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    now = T0 + timedelta(minutes=1)
    view = ClassView(COURSE, db, clock=lambda: now)
    view.refresh()  # no learner has answered: no file yet, and the view makes none
    assert "No answers saved yet" in view.status.value
    assert not db.exists()
    with SQLiteStore(db) as store:
        record(store, EVIL, 0, False, T0)
        view.refresh()
        assert view.class_code.value == "7B"  # the only class, chosen for the teacher
        working = view.working.value
        assert "&lt;img src=x onerror=alert(1)&gt;" in working
        assert EVIL not in working + view.progress.value
        assert question_label(COURSE, QUESTIONS[0].id) in view.hardest.value
        assert QUESTIONS[0].id not in view.hardest.value + view.wrong.value
        assert "Ada" not in view.progress.value
        record(store, "Ada", 1, True, now)
        view.refresh()
        assert "Ada" in view.progress.value
        assert "Ada" in view.working.value
        now = T0 + WORKING_WINDOW + timedelta(minutes=2)  # both answers long ago now
        view.refresh()
        assert "No one has answered in the last few minutes" in view.working.value
        assert "Ada" in view.progress.value
        view.close()
