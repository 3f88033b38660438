"""Loading the course: the shipped content, and every kind of breakage a teacher can cause.

Breakage tests work on a copy of lesson 01 (fixture `content_dir`) and change it through a
YAML round trip, so they do not depend on the exact wording of the lesson. Each checks that
the one-line problem names the file, the lesson or question, the field and the fix.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from ruamel.yaml import YAML

from tests.conftest import LESSON_01
from twitchlearn.errors import ContentError
from twitchlearn.loading import CONTENT_DIR, load_course, load_data_file, read_course
from twitchlearn.models import Course

Data = Any  # a ruamel CommentedMap


def edit_yaml(folder: Path, relative: str, change: Callable[[Data], None]) -> None:
    yaml = YAML()
    path = folder / relative
    data = yaml.load(path)
    change(data)
    yaml.dump(data, path)


def edit_lesson(folder: Path, change: Callable[[Data], None]) -> Data:
    """Apply `change` to lesson 01 of `folder`; return the changed data for ids in messages."""
    captured: list[Data] = []

    def apply(data: Data) -> None:
        change(data)
        captured.append(data)

    edit_yaml(folder, LESSON_01, apply)
    return captured[0]


def question(data: Data, kind: str) -> Data:
    for item in data["questions"]:
        if item["kind"] == kind:
            return item
    raise AssertionError(f"lesson 01 has no {kind} question to break; the fixture needs one")


def edit_question(folder: Path, kind: str, change: Callable[[Data], None]) -> str:
    """Apply `change` to the first question of `kind` in lesson 01; return its id."""
    ids: list[str] = []

    def apply(data: Data) -> None:
        item = question(data, kind)
        ids.append(str(item["id"]))  # before the change, which may alter the kind
        change(item)

    edit_lesson(folder, apply)
    return ids[0]


def lesson_id(folder: Path) -> str:
    return str(YAML(typ="safe").load(folder / LESSON_01)["id"])


def problem_pattern(*, file: str, where: str = "", field: str = "", message: str, fix: str) -> str:
    """A regex for one problem line: 'file[:line], where, field 'f': message... Fix: fix'."""
    parts = re.escape(file) + r"(:\d+)?"
    if where:
        parts += re.escape(f", {where}")
    if field:
        parts += re.escape(f", field '{field}'")
    return parts + r": " + message + r"[^\n]*\. Fix: " + fix


def expect_problem(folder: Path, **pattern: str) -> ContentError:
    with pytest.raises(ContentError, match=problem_pattern(**pattern)) as info:
        read_course(folder)
    return info.value


# --- the shipped course ------------------------------------------------------------------


def test_small_copy_of_the_course_loads(small_course: Course) -> None:
    assert [lesson.number for lesson in small_course.lessons] == [1]
    assert small_course.questions, "lesson 01 should have questions"


def test_load_course_caches_per_folder(content_dir: Path) -> None:
    first = load_course(content_dir)
    assert load_course(content_dir) is first
    assert load_course(str(content_dir)) is first


def test_shipped_course_loads_and_is_cached() -> None:
    course = load_course()
    assert load_course() is course
    assert load_course(CONTENT_DIR) is course


def test_shipped_course_has_seven_lessons_in_order() -> None:
    course = load_course()
    assert len(course.lessons) == 7
    assert [lesson.number for lesson in course.lessons] == list(range(1, 8))


def test_shipped_question_bank_size() -> None:
    count = len(load_course().questions)
    assert count >= 60, f"the course has {count} questions; it needs at least 60"


def test_shipped_questions_per_lesson() -> None:
    short = {
        lesson.id: len(lesson.questions)
        for lesson in load_course().lessons
        if len(lesson.questions) < 6
    }
    assert not short, f"lessons with fewer than 6 questions: {short}"


def test_shipped_question_kinds_all_present() -> None:
    kinds = {q.kind for q in load_course().questions.values()}
    expected = {"single_choice", "multiple_select", "true_false", "numeric", "matching"}
    assert kinds == expected, f"missing kinds: {sorted(expected - kinds)}"


def test_shipped_question_sources_exist() -> None:
    course = load_course()
    missing = {
        q.id: [s for s in q.sources if s not in course.sources]
        for q in course.questions.values()
        if not q.sources or any(s not in course.sources for s in q.sources)
    }
    assert not missing, f"questions citing no source or unknown sources: {missing}"


# --- breakage: YAML itself -----------------------------------------------------------------


def _replace_line(path: Path, starts_with: str, new_lines: list[str], *, keep: bool) -> int:
    """Replace (or, with keep, follow) the first line starting with `starts_with`; return the
    1-based number of the first new line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(starts_with))
    lines[index + keep : index + 1] = new_lines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1 + keep


def test_bad_yaml_syntax_names_file_and_line(content_dir: Path) -> None:
    line = _replace_line(
        content_dir / LESSON_01, "title:", ["title: What: is: twitching"], keep=False
    )
    error = expect_problem(
        content_dir,
        file=f"{LESSON_01}:{line}",
        message="not valid YAML: mapping values are not allowed here",
        fix="fix the YAML syntax at that line",
    )
    assert [p.line for p in error.problems] == [line]


def test_duplicate_yaml_key_is_refused(content_dir: Path) -> None:
    line = _replace_line(content_dir / LESSON_01, "number:", ["number: 2"], keep=True)
    error = expect_problem(
        content_dir,
        file=f"{LESSON_01}:{line}",
        message='not valid YAML: found duplicate key "number"',
        fix=r"fix the YAML syntax at that line \(indentation, a missing colon, or a repeated key\)",
    )
    assert error.problems[0].line == line


# --- breakage: fields ----------------------------------------------------------------------


def test_missing_required_lesson_field(content_dir: Path) -> None:
    edit_lesson(content_dir, lambda d: d.pop("summary"))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"lesson {lesson_id(content_dir)}",
        field="summary",
        message="this required field is missing",
        fix="add 'summary:' with a value",
    )


def test_numeric_question_without_tolerance(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.pop("tolerance"))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="tolerance",
        message="this required field is missing",
        fix="add 'tolerance:' with a value",
    )


def test_unknown_lesson_field_typo(content_dir: Path) -> None:
    edit_lesson(content_dir, lambda d: d.insert(0, "key_pionts", d.pop("key_points")))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"lesson {lesson_id(content_dir)}",
        message=r"unknown field\(s\) key_pionts",
        fix="remove or rename them; allowed fields are: .*key_points",
    )


def test_unknown_question_field_typo(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.insert(1, "tolerence", 5))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        message=r"unknown field\(s\) tolerence",
        fix="remove or rename them; allowed fields are: .*tolerance",
    )


def test_unknown_course_yaml_field_is_reported(content_dir: Path) -> None:
    # course.yaml is read by hand (not by cattrs); a typo there must not pass silently either.
    edit_yaml(content_dir, "course.yaml", lambda d: d.insert(1, "subtitel", "A short course"))
    with pytest.raises(ContentError, match=r"course\.yaml.*subtitel") as info:
        read_course(content_dir)
    assert any("unknown field" in p.message for p in info.value.problems)


def test_string_where_number_expected(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.update(answer="ninety-five"))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="answer",
        message="expected a number, got 'ninety-five'",
        fix="write the value in the form expected",
    )


def test_string_where_whole_number_expected(content_dir: Path) -> None:
    edit_lesson(content_dir, lambda d: d.update(number="one"))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"lesson {lesson_id(content_dir)}",
        field="number",
        message="expected a whole number, got 'one'",
        fix="write the value in the form expected",
    )


def test_yes_string_where_bool_expected(content_dir: Path) -> None:
    qid = edit_question(content_dir, "true_false", lambda q: q.update(answer="yes"))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="answer",
        message="expected true or false, got 'yes'",
        fix="write the value in the form expected",
    )


def test_yes_string_for_a_choice_flag(content_dir: Path) -> None:
    def change(q: Data) -> None:
        q["choices"][0]["correct"] = "yes"

    qid = edit_question(content_dir, "single_choice", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field=r"choices[0].correct",
        message="expected true or false, got 'yes'",
        fix="write the value in the form expected",
    )


def test_nan_is_not_a_number_for_content(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.update(tolerance=float("nan")))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="tolerance",
        message="expected a finite number",
        fix="write the value in the form expected",
    )


# --- breakage: ids -------------------------------------------------------------------------


def test_duplicate_question_id(content_dir: Path) -> None:
    def change(d: Data) -> None:
        d["questions"][1]["id"] = d["questions"][0]["id"]

    data = edit_lesson(content_dir, change)
    qid = data["questions"][0]["id"]
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="id",
        message=f"duplicate question id '{qid}'",
        fix="give every question in the course its own id",
    )


def test_duplicate_lesson_id(content_dir: Path) -> None:
    copy = "lessons/02_copy.yaml"
    shutil.copy(content_dir / LESSON_01, content_dir / copy)

    def renumber(d: Data) -> None:  # the same lesson id, but its own number and question ids
        d["number"] = 2
        for item in d["questions"]:
            item["id"] = f"copy-{item['id']}"

    edit_yaml(content_dir, copy, renumber)
    edit_yaml(content_dir, "course.yaml", lambda d: d["lessons"].append(copy))
    error = expect_problem(
        content_dir,
        file="course.yaml",
        where=f"lesson {lesson_id(content_dir)}",
        field="id",
        message=f"two lessons have the id '{lesson_id(content_dir)}'",
        fix="give each lesson its own id",
    )
    assert len(error.problems) == 1, str(error)


def test_unknown_question_kind(content_dir: Path) -> None:
    qid = edit_question(content_dir, "matching", lambda q: q.update(kind="matchup"))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="kind",
        message="unknown or missing kind 'matchup'",
        fix="set 'kind:' to one of single_choice, multiple_select, true_false, numeric, matching",
    )


def test_unknown_source_id_in_question(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.update(sources=["no-such-source"]))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="sources",
        message="unknown source 'no-such-source'",
        fix="use an id from sources.yaml, or add the source there",
    )


def test_unknown_source_id_in_section(content_dir: Path) -> None:
    def change(d: Data) -> None:
        d["sections"][0]["sources"] = ["no-such-source"]

    edit_lesson(content_dir, change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"lesson {lesson_id(content_dir)}",
        field="sections[0].sources",
        message="unknown source 'no-such-source'",
        fix="use an id from sources.yaml",
    )


def test_listed_lesson_file_that_does_not_exist(content_dir: Path) -> None:
    edit_yaml(content_dir, "course.yaml", lambda d: d["lessons"].append("lessons/09_gone.yaml"))
    expect_problem(
        content_dir,
        file="lessons/09_gone.yaml",
        message="file not found in " + re.escape(str(content_dir)),
        fix="create it or fix the name",
    )


# --- breakage: choice questions ------------------------------------------------------------


def test_single_choice_without_a_correct_answer(content_dir: Path) -> None:
    def change(q: Data) -> None:
        for choice in q["choices"]:
            choice["correct"] = False
            choice.setdefault("feedback", "Not this one.")

    qid = edit_question(content_dir, "single_choice", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="choices",
        message="no choice is marked correct",
        fix="mark the right choice with 'correct: true'",
    )


def test_single_choice_with_two_correct(content_dir: Path) -> None:
    def change(q: Data) -> None:
        wrong = next(c for c in q["choices"] if not c.get("correct", False))
        wrong["correct"] = True

    qid = edit_question(content_dir, "single_choice", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="choices",
        message="2 choices are marked correct in a single-choice question",
        fix="mark exactly one, or make it kind: multiple_select",
    )


def test_multiple_select_without_a_wrong_option(content_dir: Path) -> None:
    def change(q: Data) -> None:
        for choice in q["choices"]:
            choice["correct"] = True

    qid = edit_question(content_dir, "multiple_select", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="choices",
        message="every choice is correct, so partial credit cannot work",
        fix="add at least one wrong choice",
    )


def test_wrong_choice_without_feedback(content_dir: Path) -> None:
    removed: list[str] = []

    def change(q: Data) -> None:
        wrong = next(c for c in q["choices"] if not c.get("correct", False))
        del wrong["feedback"]
        removed.append(str(wrong["id"]))

    qid = edit_question(content_dir, "single_choice", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="choices",
        message=f"wrong choice '{removed[0]}' has no feedback",
        fix="add 'feedback:' saying why this choice is wrong",
    )


# --- breakage: matching and numeric --------------------------------------------------------


def test_matching_pair_to_a_right_item_that_does_not_exist(content_dir: Path) -> None:
    left: list[str] = []

    def change(q: Data) -> None:
        left.append(str(q["left"][0]["id"]))
        q["pairs"][left[0]] = "nowhere"

    qid = edit_question(content_dir, "matching", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="pairs",
        message=f"pair '{left[0]}' -> 'nowhere': 'nowhere' is not a right item",
        fix="use ids from 'right:' as the values of 'pairs:'",
    )


def test_matching_pair_for_a_left_item_that_does_not_exist(content_dir: Path) -> None:
    def change(q: Data) -> None:
        q["pairs"]["ghost"] = q["right"][0]["id"]

    qid = edit_question(content_dir, "matching", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="pairs",
        message="pair for 'ghost', which is not a left item",
        fix="use ids from 'left:' as the keys of 'pairs:'",
    )


def test_matching_left_item_without_a_pair(content_dir: Path) -> None:
    left: list[str] = []

    def change(q: Data) -> None:
        left.append(str(q["left"][-1]["id"]))
        del q["pairs"][left[0]]

    qid = edit_question(content_dir, "matching", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="pairs",
        message=f"left item '{left[0]}' has no pair",
        fix=f"add '{left[0]}: <right id>' under 'pairs:'",
    )


def test_negative_tolerance(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.update(tolerance=-5))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="tolerance",
        message="the tolerance must be above zero",
        fix="give how far off an answer may be",
    )


def test_answer_outside_minimum_maximum(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.update(answer=q["maximum"] + 1))
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="answer",
        message=r"the answer lies outside minimum\.\.maximum",
        fix="widen the range or fix the answer",
    )


# --- all problems at once ------------------------------------------------------------------


def test_all_problems_are_reported_at_once(content_dir: Path) -> None:
    numeric = edit_question(content_dir, "numeric", lambda q: q.update(tolerance=-1))
    matching = edit_question(content_dir, "matching", lambda q: q.update(kind="matchup"))
    with pytest.raises(ContentError, match="2 problems in the course content") as info:
        read_course(content_dir)
    problems = info.value.problems
    assert len(problems) == 2, str(info.value)
    assert {p.where for p in problems} == {f"question {numeric}", f"question {matching}"}
    assert {p.field for p in problems} == {"tolerance", "kind"}
    assert all(p.file == LESSON_01 and p.fix for p in problems)


def test_problems_in_different_files_are_reported_together(content_dir: Path) -> None:
    edit_question(content_dir, "numeric", lambda q: q.update(tolerance=0))
    edit_yaml(content_dir, "course.yaml", lambda d: d["lessons"].append("lessons/09_gone.yaml"))
    with pytest.raises(ContentError) as info:
        read_course(content_dir)
    assert {p.file for p in info.value.problems} == {LESSON_01, "lessons/09_gone.yaml"}


# --- load_data_file ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Threshold:
    name: str
    value: float
    enabled: bool = True


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_data_file_reads_a_small_class(tmp_path: Path) -> None:
    path = write(tmp_path / "threshold.yaml", "name: caffeine\nvalue: 400\n")
    assert load_data_file(path, Threshold) == Threshold(name="caffeine", value=400.0)


def test_load_data_file_refuses_unknown_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "threshold.yaml", "name: caffeine\nvalue: 400\nenabeld: true\n")
    with pytest.raises(ContentError, match=r"threshold\.yaml:1: unknown field\(s\) enabeld"):
        load_data_file(path, Threshold)


def test_load_data_file_refuses_wrong_types(tmp_path: Path) -> None:
    path = write(tmp_path / "threshold.yaml", "name: caffeine\nvalue: lots\nenabled: 'no'\n")
    with pytest.raises(ContentError) as info:
        load_data_file(path, Threshold)
    assert {p.field for p in info.value.problems} == {"value", "enabled"}
    assert all(p.file == "threshold.yaml" for p in info.value.problems)
    assert {p.line for p in info.value.problems} == {2, 3}


def test_load_data_file_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"nothing\.yaml: file not found"):
        load_data_file(tmp_path / "nothing.yaml", Threshold)


def test_load_data_file_refuses_a_list(tmp_path: Path) -> None:
    path = write(tmp_path / "threshold.yaml", "- name: caffeine\n")
    with pytest.raises(ContentError, match="expected a mapping of fields, found"):
        load_data_file(path, Threshold)
