"""Which attempt counts (`twitchlearn.attempts.counted`), and the class export built on it:
totals, and a CSV a gradebook can read."""

from __future__ import annotations

import csv
import io
import math
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twitchlearn.attempts import POLICIES, Attempt, CountedAttempt, Policy, counted, encode_answer
from twitchlearn.export import (
    COLUMNS,
    TOTAL,
    ExportRow,
    GradebookRow,
    export_rows,
    gradebook_header,
    gradebook_rows,
    version_status,
    write_csv,
    write_gradebook_csv,
)
from twitchlearn.models import Course, Lesson, TrueFalseQuestion
from twitchlearn.scoring import Grade
from twitchlearn.storage import ProgressStore
from twitchlearn.storage.sqlite import SQLiteStore

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def question(qid: str, lesson: str) -> TrueFalseQuestion:
    return TrueFalseQuestion(
        id=qid, lesson=lesson, prompt="?", explanation="", sources=(), answer=True, feedback=""
    )


def lesson(lesson_id: str, number: int, qids: list[str]) -> Lesson:
    return Lesson(
        id=lesson_id,
        number=number,
        title=lesson_id,
        overview="",
        objectives=(),
        sections=(),
        key_points=(),
        summary="",
        sources=(),
        questions=tuple(question(q, lesson_id) for q in qids),
    )


COURSE = Course(
    title="Test course",
    disclaimer="",
    lessons=(lesson("one", 1, ["q-b", "q-a"]), lesson("two", 2, ["q-c"])),
    sources={},
)
QIDS = ["q-b", "q-a", "q-c"]  # course order, not alphabetical


def grade(qid: str, score: float) -> Grade:
    return Grade(
        question_id=qid,
        score=score,
        correct=score == 1.0,
        feedback=(),
        explanation="",
        right_answer="",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ProgressStore]:
    with SQLiteStore(tmp_path / "progress.sqlite3") as opened:
        yield opened


def add(
    store: ProgressStore, learner: str, qid: str, score: float, minute: int, cls: str = "7B"
) -> Attempt:
    return store.record(
        learner, cls, qid, "x", grade(qid, score), now=T0 + timedelta(minutes=minute)
    )


@pytest.fixture
def filled(store: ProgressStore) -> ProgressStore:
    # Ann: q-b three times (0.5, 1.0, 0.0), q-c once (0.0). Ben: q-a twice (1.0, 1.0).
    add(store, "Ann", "q-b", 0.5, 1)
    add(store, "Ann", "q-b", 1.0, 2)
    add(store, "Ben", "q-a", 1.0, 3)
    add(store, "Ann", "q-b", 0.0, 4)
    add(store, "Ann", "q-c", 0.0, 5)
    add(store, "Ben", "q-a", 1.0, 6)
    add(store, "Ann", "q-a", 1.0, 7, cls="other class")
    add(store, "Ann", "removed-question", 1.0, 8)
    return store


def by_key(rows: list[ExportRow]) -> dict[tuple[str, str], ExportRow]:
    return {(r.learner, r.question_id): r for r in rows}


# --- which attempt counts: twitchlearn.attempts.counted ------------------------------------


def counted_by_key(store: ProgressStore, policy: Policy) -> dict[tuple[str, str], CountedAttempt]:
    return {(c.learner, c.question_id): c for c in counted(store.attempts(class_code="7B"), policy)}


@pytest.mark.parametrize(
    ("policy", "score", "minute"),
    [("first", 0.5, 1), ("last", 0.0, 4), ("best", 1.0, 2)],
)
def test_counted_chooses_the_attempt_that_counts(
    filled: ProgressStore, policy: Policy, score: float, minute: int
) -> None:
    chosen = counted_by_key(filled, policy)["Ann", "q-b"]
    assert (chosen.score, chosen.max_score, chosen.attempts) == (score, 1.0, 3)
    assert chosen.correct == (score == 1.0)
    assert chosen.answered_at == T0 + timedelta(minutes=minute)
    assert chosen.answer == "x"


def test_counted_best_takes_the_earliest_of_equal_scores(filled: ProgressStore) -> None:
    chosen = counted_by_key(filled, "best")["Ben", "q-a"]
    assert (chosen.score, chosen.attempts, chosen.answered_at) == (
        1.0,
        2,
        T0 + timedelta(minutes=3),
    )


def test_counted_gives_one_per_learner_and_question_in_order(filled: ProgressStore) -> None:
    for policy in POLICIES:
        keys = [(c.learner, c.question_id) for c in counted(filled.attempts(), policy)]
        assert keys == [
            ("Ann", "q-a"),  # the other class: counted() groups whatever it is given
            ("Ann", "q-b"),
            ("Ann", "q-c"),
            ("Ann", "removed-question"),
            ("Ben", "q-a"),
        ]
    assert counted([], "best") == []


def test_counted_refuses_an_unknown_policy() -> None:
    with pytest.raises(ValueError, match="Unknown policy 'worst'"):
        counted([], "worst")  # type: ignore[arg-type]


def saved(attempt_id: int, learner: str, qid: str, score: float, minute: int) -> Attempt:
    """An attempt as a store gives it back; the answer names the attempt."""
    return Attempt(
        id=attempt_id,
        learner=learner,
        class_code="7B",
        question_id=qid,
        answer_json=encode_answer(f"answer {attempt_id}"),
        score=score,
        max_score=1.0,
        correct=score == 1.0,
        answered_at=T0 + timedelta(minutes=minute),
    )


def reference_counted(attempts: list[Attempt], policy: str) -> list[CountedAttempt]:
    """What `counted` should give, written out the plain way: spellings of one name are
    one learner, shown as first spelled (by id)."""
    spelled: dict[str, str] = {}
    for attempt in sorted(attempts, key=lambda a: a.id):
        spelled.setdefault(attempt.learner.casefold(), attempt.learner)
    groups: dict[tuple[str, str], list[Attempt]] = {}
    for attempt in attempts:
        named = attempt._replace(learner=spelled[attempt.learner.casefold()])
        groups.setdefault((named.learner, named.question_id), []).append(named)
    result = []
    for key in sorted(groups):
        group = groups[key]
        if policy == "first":
            chosen = min(group, key=lambda a: a.id)
        elif policy == "last":
            chosen = max(group, key=lambda a: a.id)
        else:
            top = max(a.score for a in group)
            chosen = min((a for a in group if a.score == top), key=lambda a: a.id)
        result.append(
            CountedAttempt(
                learner=chosen.learner,
                question_id=chosen.question_id,
                score=chosen.score,
                max_score=chosen.max_score,
                correct=chosen.correct,
                attempts=len(group),
                answered_at=chosen.answered_at,
                answer_json=chosen.answer_json,
            )
        )
    return result


# Attempts in any order: (id, learner, question, score, minute). Ids are unique but need not
# follow the list order, and times need not follow the ids: counted() goes by id alone.
unordered_attempts = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=10_000),
        st.sampled_from(["Ann", "ben", "Cleo", "ann"]),
        st.sampled_from(QIDS),
        st.sampled_from([0.0, 0.25, 0.5, 1.0]),
        st.integers(min_value=0, max_value=600),
    ),
    max_size=40,
    unique_by=lambda attempt: attempt[0],
)


@settings(max_examples=200)
@given(unordered_attempts, st.sampled_from(POLICIES))
def test_counted_matches_a_plain_python_reference(
    raw: list[tuple[int, str, str, float, int]], policy: Policy
) -> None:
    attempts = [saved(*fields) for fields in raw]
    assert counted(iter(attempts), policy) == reference_counted(attempts, policy)


# --- the export ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "score", "minute"),
    [("first", 0.5, 1), ("last", 0.0, 4), ("best", 1.0, 2)],
)
def test_policy_chooses_the_attempt_that_counts(
    filled: ProgressStore, policy: str, score: float, minute: int
) -> None:
    rows = by_key(export_rows(filled, COURSE, "7B", policy))  # type: ignore[arg-type]
    row = rows["Ann", "q-b"]
    assert (row.score, row.attempts, row.lesson) == (score, 3, "one")
    assert row.correct == int(score == 1.0)
    assert row.answered_at == T0 + timedelta(minutes=minute)


def test_best_takes_the_earliest_of_equal_scores(filled: ProgressStore) -> None:
    row = by_key(export_rows(filled, COURSE, "7B", "best"))["Ben", "q-a"]
    assert (row.score, row.attempts, row.answered_at) == (1.0, 2, T0 + timedelta(minutes=3))


def test_one_row_per_learner_and_course_question_then_a_total(filled: ProgressStore) -> None:
    rows = export_rows(filled, COURSE, "7B", "last")
    assert [(r.learner, r.question_id) for r in rows] == [
        ("Ann", "q-b"),
        ("Ann", "q-a"),
        ("Ann", "q-c"),
        ("Ann", TOTAL),
        ("Ben", "q-b"),
        ("Ben", "q-a"),
        ("Ben", "q-c"),
        ("Ben", TOTAL),
    ]
    assert {r.class_code for r in rows} == {"7B"}
    unanswered = by_key(rows)["Ann", "q-a"]  # answered only in the other class
    assert (unanswered.score, unanswered.max_score, unanswered.correct) == (0.0, 1.0, 0)
    assert (unanswered.attempts, unanswered.answered_at) == (0, None)


@pytest.mark.parametrize("policy", ["first", "last", "best"])
def test_totals_add_up(filled: ProgressStore, policy: str) -> None:
    rows = export_rows(filled, COURSE, "7B", policy)  # type: ignore[arg-type]
    for learner in ("Ann", "Ben"):
        mine = [r for r in rows if r.learner == learner and r.question_id != TOTAL]
        (total,) = [r for r in rows if r.learner == learner and r.question_id == TOTAL]
        assert math.isclose(total.score, sum(r.score for r in mine))
        assert total.max_score == sum(r.max_score for r in mine) == len(QIDS)
        assert total.correct == sum(r.correct for r in mine)
        assert total.attempts == sum(r.attempts for r in mine)
        assert total.answered_at == max(r.answered_at for r in mine if r.answered_at)
    totals = {r.learner: r for r in rows if r.question_id == TOTAL}
    assert totals["Ann"].attempts == 4  # the removed question's attempt is not counted
    assert totals["Ben"].score == 1.0


def test_empty_class_exports_nothing(filled: ProgressStore) -> None:
    assert export_rows(filled, COURSE, "no such class", "best") == []


def test_unknown_policy_is_refused(filled: ProgressStore) -> None:
    with pytest.raises(ValueError, match="Unknown policy 'worst'"):
        export_rows(filled, COURSE, "7B", "worst")  # type: ignore[arg-type]


def test_csv_parses_back(filled: ProgressStore, tmp_path: Path) -> None:
    add(filled, 'Zoë, "the" Ñ\nnew', "q-b", 0.5, 9)
    rows = export_rows(filled, COURSE, "7B", "best")
    path = tmp_path / "out" / "grades.csv"
    path.parent.mkdir()
    write_csv(rows, path)
    with path.open(encoding="utf-8", newline="") as file:
        parsed = list(csv.DictReader(file))
    assert list(parsed[0]) == list(COLUMNS)
    assert len(parsed) == len(rows)
    for line, row in zip(parsed, rows, strict=True):
        assert line["learner"] == row.learner
        assert line["class"] == row.class_code
        assert line["question_id"] == row.question_id
        assert line["lesson"] == row.lesson
        assert math.isclose(float(line["score"]), row.score, abs_tol=1e-6)
        assert float(line["max_score"]) == row.max_score
        assert int(line["correct"]) == row.correct
        assert int(line["attempts"]) == row.attempts
        expected = None if row.answered_at is None else row.answered_at.replace(microsecond=0)
        parsed_at = datetime.fromisoformat(line["answered_at"]) if line["answered_at"] else None
        assert parsed_at == expected
    assert path.read_bytes().startswith(b"learner,class,question_id")  # UTF-8, no BOM
    assert "Zoë".encode() in path.read_bytes()


def test_csv_to_an_open_file_and_thirds_stay_readable(store: ProgressStore) -> None:
    add(store, "Ann", "q-b", 1 / 3, 1)
    buffer = io.StringIO(newline="")
    write_csv(export_rows(store, COURSE, "7B", "first"), buffer)
    parsed = list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
    assert [line["score"] for line in parsed] == ["0.333333", "0", "0", "0.333333"]
    assert [line["max_score"] for line in parsed] == ["1", "1", "1", "3"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_neutralises_spreadsheet_formulas(store: ProgressStore, name: str) -> None:
    add(store, name, "q-b", 1.0, 1, cls=name)
    buffer = io.StringIO(newline="")
    write_csv(export_rows(store, COURSE, name, "best"), buffer)
    first = next(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
    assert first["learner"] == first["class"] == "'" + name


def first_spellings(attempts: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """The attempts with each learner named as first spelled: "Ann" and "ann" are one
    learner, and the export and the gradebook show the spelling saved first."""
    spelled: dict[str, str] = {}
    return [(spelled.setdefault(who.casefold(), who), q, score) for who, q, score in attempts]


# Attempts: (learner, question, score); each recorded a minute after the one before.
attempt_lists = st.lists(
    st.tuples(
        st.sampled_from(["Ann", "ben", "Cleo", "ann"]),
        st.sampled_from(QIDS),
        st.sampled_from([0.0, 0.25, 0.5, 1.0]),
    ),
    max_size=30,
)


@settings(max_examples=40, deadline=None)
@given(attempt_lists, st.sampled_from(["first", "last", "best"]))
def test_export_matches_a_plain_python_reference(
    tmp_path_factory: pytest.TempPathFactory,
    attempts: list[tuple[str, str, float]],
    policy: str,
) -> None:
    path = tmp_path_factory.getbasetemp() / f"{uuid.uuid4()}.sqlite3"
    with SQLiteStore(path) as store:
        for minute, (learner, qid, score) in enumerate(attempts):
            add(store, learner, qid, score, minute)
        rows = by_key(export_rows(store, COURSE, "7B", policy))  # type: ignore[arg-type]
    attempts = first_spellings(attempts)  # the reference below, as the export names them
    for learner in {a[0] for a in attempts}:
        for qid in QIDS:
            mine = [(m, s) for m, (who, q, s) in enumerate(attempts) if (who, q) == (learner, qid)]
            row = rows[learner, qid]
            assert row.attempts == len(mine)
            if not mine:
                assert row.answered_at is None
                continue
            if policy == "first":
                minute, score = mine[0]
            elif policy == "last":
                minute, score = mine[-1]
            else:
                minute, score = max(mine, key=lambda ms: (ms[1], -ms[0]))
            assert (row.score, row.answered_at) == (score, T0 + timedelta(minutes=minute))
    assert len(rows) == len({a[0] for a in attempts}) * (len(QIDS) + 1)


# --- which version of a question an attempt answered ------------------------------------------


def test_an_edited_question_keeps_its_old_grade_and_the_export_says_older(
    store: ProgressStore,
) -> None:
    from twitchlearn.scoring import grade as grade_for

    before = COURSE.questions["q-a"]
    assert isinstance(before, TrueFalseQuestion)
    store.record("Ann", "7B", "q-a", True, grade_for(before, True), now=T0)
    store.record("Ben", "7B", "q-a", True, grade_for(before, True), now=T0)
    edited_question = attrs.evolve(before, prompt="A clearer question?", answer=False)
    store.record("Ben", "7B", "q-a", False, grade_for(edited_question, False), now=T0)
    edited = Course(
        title=COURSE.title,
        disclaimer=COURSE.disclaimer,
        lessons=(
            attrs.evolve(COURSE.lessons[0], questions=(COURSE.questions["q-b"], edited_question)),
            COURSE.lessons[1],
        ),
        sources={},
    )
    rows = by_key(export_rows(store, edited, "7B", "last"))
    ann, ben = rows[("Ann", "q-a")], rows[("Ben", "q-a")]
    assert (ann.version, ann.score) == ("older", 1.0)  # answered before the edit: not re-graded
    assert (ben.version, ben.score) == ("current", 1.0)
    assert rows[("Ann", TOTAL)].version == "1 older"
    assert rows[("Ben", TOTAL)].version == ""
    assert rows[("Ann", "q-b")].version == ""  # unanswered
    out = io.StringIO(newline="")
    write_csv(export_rows(store, edited, "7B", "last"), out)
    header, *lines = out.getvalue().splitlines()
    assert header.endswith(",version")
    assert any(line.startswith("Ann,7B,q-a,") and line.endswith(",older") for line in lines)


def test_attempts_saved_before_versions_were_kept_say_unknown() -> None:
    assert version_status("", "abc") == "unknown"
    assert version_status("abc", "abc") == "current"
    assert version_status("abd", "abc") == "older"


# --- the first attempt counts by default ----------------------------------------------------


def test_by_default_the_first_attempt_counts(filled: ProgressStore) -> None:
    add(filled, "Cleo", "q-c", 0.0, 10)  # wrong, then (the key was shown) right
    add(filled, "Cleo", "q-c", 1.0, 11)
    rows = by_key(export_rows(filled, COURSE, "7B"))
    assert (rows["Cleo", "q-c"].score, rows["Cleo", "q-c"].attempts) == (0.0, 2)
    assert rows["Cleo", TOTAL].score == 0.0
    assert rows["Ann", "q-b"].score == 0.5  # Ann's first of three attempts
    (cleo,) = [r for r in gradebook_rows(filled, COURSE, "7B") if r.learner == "Cleo"]
    assert (cleo.score, cleo.first_score, cleo.last_score) == (0.0, 0.0, 1.0)


# --- the gradebook: one row per learner -----------------------------------------------------


def test_gradebook_has_one_row_per_learner_with_lessons_and_totals(
    filled: ProgressStore,
) -> None:
    # Ann: q-b 0.5 then 1.0 then 0.0, q-c 0.0. Ben: q-a 1.0 twice.
    expected = {
        "first": {"Ann": ((0.5, 0.0), 0.5), "Ben": ((1.0, 0.0), 1.0)},
        "last": {"Ann": ((0.0, 0.0), 0.0), "Ben": ((1.0, 0.0), 1.0)},
        "best": {"Ann": ((1.0, 0.0), 1.0), "Ben": ((1.0, 0.0), 1.0)},
    }
    for policy in POLICIES:
        rows = gradebook_rows(filled, COURSE, "7B", policy)
        assert [r.learner for r in rows] == ["Ann", "Ben"]
        for row in rows:
            assert (row.lesson_scores, row.score) == expected[policy][row.learner]
            assert row.class_code == "7B"
        ann, ben = rows
        assert (ann.answered, ben.answered) == (2, 1)  # the other class's q-a is not Ann's here
        assert (ann.first_score, ann.last_score) == (0.5, 0.0)
        assert (ben.first_score, ben.last_score) == (1.0, 1.0)
    assert gradebook_rows(filled, COURSE, "no such class") == []


def test_gradebook_header_names_lessons_and_the_points_they_are_worth() -> None:
    assert gradebook_header(COURSE) == (
        "learner",
        "class",
        "questions answered (of 3)",
        "Lesson 1: one (points out of 2, first attempt)",
        "Lesson 2: two (points out of 1, first attempt)",
        "Total points (out of 3, first attempt)",
        "Total points (out of 3, last attempt)",
    )
    assert gradebook_header(COURSE, "last")[-2:] == (
        "Total points (out of 3, last attempt)",
        "Total points (out of 3, first attempt)",
    )
    assert gradebook_header(COURSE, "best")[-3:] == (
        "Total points (out of 3, best attempt)",
        "Total points (out of 3, first attempt)",
        "Total points (out of 3, last attempt)",
    )
    with pytest.raises(ValueError, match="Unknown policy 'worst'"):
        gradebook_header(COURSE, "worst")  # type: ignore[arg-type]


def test_gradebook_csv_parses_back_and_is_safe_for_spreadsheets(
    store: ProgressStore, tmp_path: Path
) -> None:
    titled = attrs.evolve(
        COURSE, lessons=(attrs.evolve(COURSE.lessons[0], title="=2+3, or not"), COURSE.lessons[1])
    )
    add(store, "=HYPERLINK(1)", "q-b", 1 / 3, 1)
    add(store, "=HYPERLINK(1)", "q-b", 1.0, 2)
    add(store, "Zoë", "q-c", 1.0, 3)
    path = tmp_path / "gradebook.csv"
    write_gradebook_csv(gradebook_rows(store, titled, "7B", "best"), titled, path, "best")
    with path.open(encoding="utf-8", newline="") as file:
        header, *lines = list(csv.reader(file))
    assert header[3] == "Lesson 1: =2+3, or not (points out of 2, best attempt)"  # one cell
    assert header == list(gradebook_header(titled, "best"))
    assert lines == [
        ["'=HYPERLINK(1)", "7B", "1", "1", "0", "1", "0.333333", "1"],
        ["Zoë", "7B", "1", "0", "1", "1", "1", "1"],
    ]
    out = io.StringIO(newline="")
    write_gradebook_csv([], titled, out)
    assert out.getvalue().startswith("learner,class,questions answered (of 3),")


@settings(max_examples=40, deadline=None)
@given(attempt_lists, st.sampled_from(POLICIES))
def test_gradebook_matches_the_dashboard_and_a_plain_reference(
    tmp_path_factory: pytest.TempPathFactory,
    attempts: list[tuple[str, str, float]],
    policy: Policy,
) -> None:
    from twitchlearn.teacher import learner_progress

    path = tmp_path_factory.getbasetemp() / f"{uuid.uuid4()}.sqlite3"
    with SQLiteStore(path) as store:
        for minute, (learner, qid, score) in enumerate(attempts):
            add(store, learner, qid, score, minute)
        book = gradebook_rows(store, COURSE, "7B", policy)
        dashboard = learner_progress(store, COURSE, "7B", policy)
    attempts = first_spellings(attempts)  # the reference below, as the export names them
    assert [(r.learner, r.answered, r.score, r.first_score, r.last_score) for r in book] == [
        (p.learner, p.answered, p.score, p.first_score, p.last_score) for p in dashboard
    ]
    lesson_of = {"q-b": 0, "q-a": 0, "q-c": 1}
    for row in book:
        mine: dict[str, list[float]] = {}
        for who, qid, score in attempts:
            if who == row.learner:
                mine.setdefault(qid, []).append(score)
        chosen = {
            "first": {q: s[0] for q, s in mine.items()},
            "last": {q: s[-1] for q, s in mine.items()},
            "best": {q: max(s) for q, s in mine.items()},
        }
        lessons = [0.0, 0.0]
        for qid, score in chosen[policy].items():
            lessons[lesson_of[qid]] += score
        assert row.answered == len(mine)
        assert row.lesson_scores == pytest.approx(lessons)
        assert row.score == pytest.approx(sum(lessons))
        assert row.first_score == pytest.approx(sum(chosen["first"].values()))
        assert row.last_score == pytest.approx(sum(chosen["last"].values()))
    assert {r.learner for r in book} == {a[0] for a in attempts}
    assert all(isinstance(r, GradebookRow) for r in book)


def test_spellings_of_one_name_are_one_learner_in_the_export(store: ProgressStore) -> None:
    # The store matches "Jess" and "JESS" in class "7b" and "7B" as one learner; so must the
    # export and the gradebook, or a teacher sees two half-finished learners.
    add(store, "Jess", "q-b", 0.0, 1)
    add(store, "JESS", "q-b", 1.0, 2, cls="7b")
    add(store, "jess", "q-a", 1.0, 3)
    rows = export_rows(store, COURSE, "7B", "first")
    learners = {r.learner for r in rows}
    assert learners == {"Jess"}
    chosen = counted_by_key(store, "first")["Jess", "q-b"]
    assert (chosen.score, chosen.attempts) == (0.0, 2)
