"""Figures without a server: import time, load_course(), grading and export of 100,000 attempts."""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from twitchlearn.attempts import POLICIES, encode_answer, format_time
from twitchlearn.export import export_rows, write_csv
from twitchlearn.loading import load_course
from twitchlearn.models import (
    Course,
    MatchingQuestion,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from twitchlearn.storage.sqlite import SQLiteStore

# The export's class: 500 learners x 20 questions x 10 attempts (on average), in one class.
LEARNERS, QUESTIONS, REPEATS = 500, 20, 10
ATTEMPTS = LEARNERS * QUESTIONS * REPEATS  # 100,000; grade() is timed over as many answers


def _wall(code: str, runs: int = 5) -> list[float]:
    """Wall time of a fresh interpreter running `code`."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - began)
    return times


def _inner(code: str, runs: int = 5) -> list[float]:
    """Seconds `code` takes inside a fresh interpreter (it prints its own float)."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return times


def _timed_import(module: str) -> str:
    return f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def _importtime_top(module: str, top: int = 8) -> list[tuple[str, int]]:
    """The largest cumulative imports under `module` (-X importtime), in microseconds."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((name.strip(), int(cumulative)))
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:top]


def import_times() -> dict[str, Any]:
    bare = _wall("pass")
    core = _wall("import twitchlearn")
    ui = _inner(_timed_import("twitchlearn.ui"))
    explorer = _inner(_timed_import("twitchlearn.ui.explorer"))
    widgets = _inner(_timed_import("ipywidgets"))
    load = _inner(
        "import time; from twitchlearn import load_course; t = time.perf_counter();"
        " load_course(); print(time.perf_counter() - t)"
    )
    return {
        "python_bare_s": statistics.median(bare),
        "import_twitchlearn_wall_s": statistics.median(core),
        "import_twitchlearn_ui_s": statistics.median(ui),
        "import_twitchlearn_ui_explorer_s": statistics.median(explorer),
        "import_ipywidgets_s": statistics.median(widgets),
        "load_course_s": statistics.median(load),
        "importtime_top_ui": _importtime_top("twitchlearn.ui"),
        "importtime_top_explorer": _importtime_top("twitchlearn.ui.explorer"),
    }


def _answers(question: Question, rng: random.Random) -> object:
    if isinstance(question, SingleChoiceQuestion):
        return rng.choice(question.choices).id
    if isinstance(question, MultipleSelectQuestion):
        return {c.id for c in question.choices if rng.random() < 0.5}
    if isinstance(question, TrueFalseQuestion):
        return rng.random() < 0.5
    if isinstance(question, NumericQuestion):
        return round(rng.uniform(question.minimum, question.maximum))
    assert isinstance(question, MatchingQuestion)
    rights = [item.id for item in question.right]
    return {item.id: rng.choice(rights) for item in question.left}


def grading() -> dict[str, Any]:
    """grade() over 100,000 generated answers to the shipped course's questions."""
    from twitchlearn.scoring import grade

    rng = random.Random(1)  # noqa: S311 (repeatable test data, not security)
    questions = list(load_course().questions.values())
    work = []
    for _ in range(ATTEMPTS):
        question = rng.choice(questions)
        work.append((question, _answers(question, rng)))
    began = time.perf_counter()
    for question, answer in work:
        grade(question, answer)
    seconds = time.perf_counter() - began
    baseline_began = time.perf_counter()
    for question, answer in work:  # the floor: touching each pair once
        isinstance(question, TrueFalseQuestion) and bool(answer)
    baseline = time.perf_counter() - baseline_began
    return {"grade_100k_s": seconds, "loop_100k_s": baseline, "questions": len(questions)}


def _export_course() -> Course:
    """The shipped course cut to its first lesson, holding QUESTIONS copies of that lesson's
    first question (ids q00, q01, ...): the export reads question ids and lessons only."""
    shipped = load_course()
    lesson = shipped.lessons[0]
    questions = tuple(attrs.evolve(lesson.questions[0], id=f"q{n:02d}") for n in range(QUESTIONS))
    return attrs.evolve(shipped, lessons=(attrs.evolve(lesson, questions=questions),))


def _stored_attempts(path: Path) -> None:
    """ATTEMPTS attempts at random learners and questions, all in class-1, bulk-inserted
    into a file that SQLiteStore made (its schema, its indexes)."""
    SQLiteStore(path).close()
    rng = random.Random(1)  # noqa: S311 (repeatable test data, not security)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(ATTEMPTS):
        score = rng.choice([0.0, 0.5, 1.0])
        learner = f"learner {rng.randrange(LEARNERS)}"
        rows.append(
            (
                learner,
                "class-1",
                learner,  # learner_key: these names are folded already
                "class-1",  # class_key
                f"q{rng.randrange(QUESTIONS):02d}",
                encode_answer(rng.random() < 0.5),
                score,
                1.0,
                int(score == 1.0),
                format_time(start + timedelta(seconds=n)),
            )
        )
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO attempts (learner, class_code, learner_key, class_key, question_id,"
            " answer, score, max_score, correct, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    db.close()


def export(runs: int = 5) -> dict[str, Any]:
    """export_rows + write_csv of 100,000 stored attempts, for each policy, `runs` times; the
    floor is plain sqlite3 reading every attempt of the class once."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        _stored_attempts(path)
        course = _export_course()
        result: dict[str, Any] = {"attempts": ATTEMPTS, "learners": LEARNERS}
        with SQLiteStore(path) as store:
            raw = []
            for _ in range(runs):
                began = time.perf_counter()
                reader = sqlite3.connect(path)
                reader.execute("SELECT * FROM attempts WHERE class_code = 'class-1'").fetchall()
                reader.close()
                raw.append(time.perf_counter() - began)
            result["sqlite_read_all_s"] = statistics.median(raw)
            for policy in POLICIES:
                times = []
                for _ in range(runs):
                    began = time.perf_counter()
                    exported = export_rows(store, course, "class-1", policy)
                    write_csv(exported, Path(folder) / "out.csv")
                    times.append(time.perf_counter() - began)
                result[f"export_{policy}_s"] = statistics.median(times)
                result[f"export_{policy}_min_max_s"] = (min(times), max(times))
                result[f"export_{policy}_rows"] = len(exported)
        return result


def stores(attempts: int = ATTEMPTS) -> dict[str, Any]:
    """The two persistent backends side by side, in the same run: attempts committed per
    second by 20 writer processes (100 each), and export_rows of `attempts` stored attempts.
    PostgreSQL is a real server started for this (durable: fsync on), on this machine."""
    from tests.support.postgres import running_postgres
    from tests.support.stores import _export_seconds, fill, writers_per_second

    result: dict[str, Any] = {"writers": 20, "each": 100, "export_attempts": attempts}
    with tempfile.TemporaryDirectory() as folder, running_postgres(durable=True) as server:
        for name, writes, exports in (
            ("sqlite", str(Path(folder) / "w.sqlite3"), str(Path(folder) / "e.sqlite3")),
            ("postgres", server.new_database(), server.new_database()),
        ):
            result[f"{name}_writes_per_s"] = writers_per_second(writes)
            fill(exports, attempts)
            result[f"{name}_export_s"] = _export_seconds(exports)
    result["postgres_to_sqlite_writes"] = (
        result["postgres_writes_per_s"] / result["sqlite_writes_per_s"]
    )
    result["postgres_to_sqlite_export"] = result["postgres_export_s"] / result["sqlite_export_s"]
    return result


def figures() -> dict[str, Any]:
    """Every figure of this module, as `python -m bench` records them under "offline"."""
    found = import_times()
    found["grading"] = grading()
    found["export"] = export()
    found["stores"] = stores()
    return found
