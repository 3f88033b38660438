"""Loading the course: the shipped content, and every kind of breakage a teacher can cause.

Breakage tests work on a copy of lesson 01 (fixture `content_dir`) and change it through a
YAML round trip, so they do not depend on the exact wording of the lesson. Each checks that
the one-line problem names the file, the lesson or question, the field and the fix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import LESSON_01
from twitchlearn.errors import ContentError
from twitchlearn.loading import CONTENT_DIR, load_content, load_course, read_content
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
        read_content(folder)
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
        read_content(content_dir)
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
        field="lessons[1]",
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
        index, wrong = next(
            (i, c) for i, c in enumerate(q["choices"]) if not c.get("correct", False)
        )
        del wrong["feedback"]
        removed.extend([str(wrong["id"]), str(index)])

    qid = edit_question(content_dir, "single_choice", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field=f"choices[{removed[1]}].feedback",
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
        field=f"pairs.{left[0]}",
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
        read_content(content_dir)
    problems = info.value.problems
    assert len(problems) == 2, str(info.value)
    assert {p.where for p in problems} == {f"question {numeric}", f"question {matching}"}
    assert {p.field for p in problems} == {"tolerance", "kind"}
    assert all(p.file == LESSON_01 and p.fix for p in problems)


def test_problems_in_different_files_are_reported_together(content_dir: Path) -> None:
    edit_question(content_dir, "numeric", lambda q: q.update(tolerance=0))
    edit_yaml(content_dir, "course.yaml", lambda d: d["lessons"].append("lessons/09_gone.yaml"))
    with pytest.raises(ContentError) as info:
        read_content(content_dir)
    assert {p.file for p in info.value.problems} == {LESSON_01, "lessons/09_gone.yaml"}


# --- the whole folder: optional files, one rule set, one message format ----------------------


def test_a_folder_with_only_lessons_has_no_explorer_cases_or_guide(content_dir: Path) -> None:
    content = read_content(content_dir)
    assert not content.has_explorer
    assert content.risk_model is None
    assert content.cases == ()
    assert content.guide is None
    assert [lesson.id for lesson in content.course.lessons] == [lesson_id(content_dir)]


def test_the_shipped_folder_has_every_part() -> None:
    content = load_content()
    assert content.has_explorer
    assert len(content.cases) == 6
    assert content.guide is not None
    assert {lesson.id for lesson in content.course.lessons} >= set(content.guide.prompts)


def test_the_environment_variable_picks_the_folder(
    content_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWITCHLEARN_CONTENT", str(content_dir))
    assert load_content().root == content_dir.resolve()
    assert len(load_course().lessons) == 1


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_percentage_in_a_lesson_is_refused_at_its_line(content_dir: Path) -> None:
    path = content_dir / LESSON_01
    path.write_text(path.read_text().replace("About 7 in 10", "About 70%", 1))
    line = _line_of(path, "About 70%")
    with pytest.raises(ContentError) as info:
        read_content(content_dir)
    [problem] = info.value.problems
    assert (problem.file, problem.line) == (LESSON_01, line)
    assert "forbidden wording '%'" in problem.message
    assert "7 in 10" in problem.fix


def test_the_chance_of_als_is_refused_in_a_lesson(content_dir: Path) -> None:
    def change(d: Data) -> None:
        d["summary"] = "Your chance of getting ALS is tiny."

    edit_lesson(content_dir, change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        field="summary",
        message="forbidden wording 'chance of getting ALS'",
        fix="say what the signs are and when to see a GP instead",
    )


def test_the_disclaimer_must_say_do_not_stop_a_prescribed_medicine(content_dir: Path) -> None:
    edit_yaml(content_dir, "course.yaml", lambda d: d.update(disclaimer="Learn about twitches."))
    expect_problem(
        content_dir,
        file="course.yaml",
        field="disclaimer",
        message="the disclaimer does not say 'Do not stop a prescribed medicine without advice.'",
        fix="add that sentence word for word",
    )


@pytest.mark.parametrize("listed", ["/etc/passwd.yaml", "../../outside.yaml", "lessons/x.txt"])
def test_lesson_files_must_stay_inside_the_folder(content_dir: Path, listed: str) -> None:
    edit_yaml(content_dir, "course.yaml", lambda d: d["lessons"].append(listed))
    expect_problem(
        content_dir,
        file="course.yaml",
        field="lessons[1]",
        message=re.escape(f"'{listed}' is not a YAML file inside the content folder"),
        fix="name lesson files relative to the folder",
    )


def test_cases_without_a_risk_model_are_refused(content_dir: Path) -> None:
    shutil.copy(CONTENT_DIR / "cases.yaml", content_dir / "cases.yaml")
    expect_problem(
        content_dir,
        file="cases.yaml",
        message="case studies drive the explorer, and this folder has no risk_model.yaml",
        fix=re.escape("add risk_model.yaml (copy the shipped one), or remove cases.yaml"),
    )


def test_a_broken_teacher_guide_names_file_line_field_and_fix(content_dir: Path) -> None:
    shutil.copy(CONTENT_DIR / "teacher_guide.yaml", content_dir / "teacher_guide.yaml")
    path = content_dir / "teacher_guide.yaml"
    path.write_text(path.read_text().replace("minutes: 25", "minutes: 0"))
    line = _line_of(path, "minutes: 0")
    with pytest.raises(ContentError) as info:
        read_content(content_dir)
    messages = [str(p) for p in info.value.problems]
    assert (
        f"teacher_guide.yaml:{line}, field 'plan[1].minutes': a step must take some minutes. "
        "Fix: give the minutes, such as 10" in messages
    )
    # The folder has one lesson; prompts for the shipped lessons it lacks are named too.
    assert any("'causes' is not a lesson of the course" in m for m in messages)


def test_a_forbidden_phrase_in_the_teacher_guide_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    shutil.copytree(CONTENT_DIR, folder)
    edit_yaml(
        folder,
        "teacher_guide.yaml",
        lambda d: d.update(safety_note="Say that the risk of ALS is low."),
    )
    expect_problem(
        folder,
        file="teacher_guide.yaml",
        field="safety_note",
        message="forbidden wording 'risk of ALS'",
        fix="say what the signs are",
    )


def test_a_glossary_is_checked_like_the_rest(content_dir: Path) -> None:
    (content_dir / "glossary.yaml").write_text(
        "terms:\n"
        "  - term: EMG\n"
        "    meaning: A test of how nerves and muscles work.\n"
        "  - term: emg\n"
        "    meaning: ''\n"
        "    sources: [no-such-source]\n"
    )
    with pytest.raises(ContentError) as info:
        read_content(content_dir)
    messages = [str(p) for p in info.value.problems]
    assert messages == [
        "glossary.yaml:4, field 'terms[1].term': 'emg' is explained twice. "
        "Fix: keep one entry per term",
        "glossary.yaml:5, field 'terms[1].meaning': the meaning is empty. "
        "Fix: explain the term in one or two plain sentences",
        "glossary.yaml:6, field 'terms[1].sources': unknown source 'no-such-source'. "
        "Fix: use an id from sources.yaml, or add the source there",
    ]


def test_a_question_problem_points_at_its_own_line(content_dir: Path) -> None:
    qid = edit_question(content_dir, "numeric", lambda q: q.update(tolerance=-1))
    path = content_dir / LESSON_01
    lines = path.read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == f"- id: {qid}")
    tolerance = next(n for n in range(start, len(lines)) if "tolerance:" in lines[n]) + 1
    with pytest.raises(ContentError) as info:
        read_content(content_dir)
    [problem] = info.value.problems
    assert (problem.line, problem.field, problem.where) == (
        tolerance,
        "tolerance",
        f"question {qid}",
    )


def test_a_tolerance_that_accepts_what_the_explanation_calls_wrong_is_refused(
    content_dir: Path,
) -> None:
    def change(q: Data) -> None:
        q.update(
            answer=90,
            tolerance=25,
            minimum=0,
            maximum=500,
            explanation="A cup of coffee has 80 to 100 mg of caffeine.",
        )

    qid = edit_question(content_dir, "numeric", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="tolerance",
        message=re.escape("it accepts 65 to 115, but the explanation says '80 to 100'"),
        fix=re.escape("accept only 80 to 100: a tolerance of at most 10"),
    )


def test_a_tolerance_that_hides_a_feedback_branch_is_refused(content_dir: Path) -> None:
    def change(q: Data) -> None:
        q.update(answer=5, tolerance=5, minimum=0, maximum=100, explanation="Five.")

    qid = edit_question(content_dir, "numeric", change)
    expect_problem(
        content_dir,
        file=LESSON_01,
        where=f"question {qid}",
        field="tolerance",
        message="every answer below 5 is accepted, so 'feedback_low' can never show",
        fix="make the tolerance smaller, or lower the minimum",
    )


def test_a_source_without_a_title_is_refused(content_dir: Path) -> None:
    def change(d: Data) -> None:
        d["sources"][0]["title"] = ""

    edit_yaml(content_dir, "sources.yaml", change)
    with pytest.raises(ContentError) as info:
        read_content(content_dir)
    assert any(
        p.file == "sources.yaml" and p.field == "sources[0].title" and "title is empty" in p.message
        for p in info.value.problems
    ), str(info.value)


# --- files that would take the loader down --------------------------------------------------


def _write_lesson(content_dir: Path, text: str) -> None:
    (content_dir / LESSON_01).write_text(text, encoding="utf-8")


def test_yaml_aliases_are_refused_before_anything_is_built(content_dir: Path) -> None:
    # Nine aliases a level, eleven levels: about 3 * 10^10 strings if it were expanded.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]
    _write_lesson(content_dir, "\n".join(lines) + "\n")
    expect_problem(
        content_dir,
        file=LESSON_01,
        message=re.escape("YAML anchors and aliases (& and *) are not used in course files"),
        fix="write the value out in full where it is needed",
    )


def test_deep_nesting_is_refused_with_a_message_not_a_recursion_error(content_dir: Path) -> None:
    _write_lesson(content_dir, "x: " + "[" * 3000 + "]" * 3000 + "\n")
    expect_problem(
        content_dir,
        file=LESSON_01,
        message="the data is nested more than 40 levels deep",
        fix="check the indentation",
    )


def test_a_huge_file_is_refused_without_reading_it(content_dir: Path) -> None:
    _write_lesson(content_dir, "# padding\n" * 200_000)
    expect_problem(
        content_dir,
        file=LESSON_01,
        message=r"the file is 2,000,000 bytes, more than a course file should be \(1,000,000\)",
        fix="split it, or check that it is the right file",
    )


def test_every_source_of_the_shipped_course_is_cited() -> None:
    from twitchlearn.rules import uncited_sources

    assert uncited_sources(load_content()) == []


def test_a_source_cited_nowhere_is_listed(content_dir: Path) -> None:
    from twitchlearn.rules import uncited_sources

    uncited = uncited_sources(read_content(content_dir))  # one lesson, every shipped source
    assert uncited
    assert "nhs-twitches" not in uncited  # lesson 1 cites it


def _lesson_title_in_a_new_process(folder: Path, cache: Path) -> str:
    code = (
        "from twitchlearn.loading import load_content; "
        f"print(load_content({str(folder)!r}).course.lessons[0].title)"
    )
    env = {**os.environ, "TWITCHLEARN_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def test_a_checked_folder_is_cached_until_a_file_changes(content_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    title = read_content(content_dir).course.lessons[0].title
    assert _lesson_title_in_a_new_process(content_dir, cache) == title
    (cached,) = cache.glob("content-*.pickle")
    assert _lesson_title_in_a_new_process(content_dir, cache) == title
    assert list(cache.glob("content-*.pickle")) == [cached]  # read from the cache
    edit_lesson(content_dir, lambda d: d.update(title="A new title"))
    assert _lesson_title_in_a_new_process(content_dir, cache) == "A new title"
    assert len(list(cache.glob("content-*.pickle"))) == 2  # the change made a new entry


def test_a_broken_folder_is_never_cached(content_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    edit_lesson(content_dir, lambda d: d.update(title=""))
    edit_question(content_dir, "numeric", lambda q: q.update(tolerance=-1))
    with pytest.raises(subprocess.CalledProcessError):
        _lesson_title_in_a_new_process(content_dir, cache)
    assert not list(cache.glob("content-*.pickle"))
