"""The browser backend: progress kept in one JSON-lines file, for the static edition.

In the static edition (Voici: the course's Python runs in the browser under Pyodide) there is
no server and no sqlite3. JupyterLite mounts its drive at /drive and keeps every file there in
the browser's own storage (IndexedDB), so a file written there is still there after a reload
and after the browser restarts. This store keeps each attempt as one line of JSON in such a
file, and everything else (ids, the order, the review schedule) in a `MemoryStore` that it
fills from the file when it opens: the same logic as the memory backend, so it keeps the same
contract (tests/unit/test_browser_store.py runs it on a real folder).

    store = open_store("browser:/drive/twitchlearn-answers.txt")  # not .jsonl: see edition.py

Pure Python, standard library only. One tab writes at a time (one learner, one browser): a
second tab's attempts are added to the same file, and both are read back on the next load.
A line that cannot be read (a file cut short) is skipped, not fatal: the rest still loads.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from twitchlearn.attempts import Attempt, decode_answer, format_time, parse_time
from twitchlearn.errors import StoreError
from twitchlearn.review import ReviewState
from twitchlearn.scoring import Grade
from twitchlearn.storage.base import FORGET, ClosingStore, Event, forget_request
from twitchlearn.storage.memory import MemoryStore

__all__ = ["PREFIX", "BrowserStore"]

PREFIX: Final = "browser:"


class BrowserStore(ClosingStore):
    """Attempts in a JSON-lines file (in the static edition, on the browser's drive)."""

    persistent = True

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._memory = MemoryStore()
        self._events: list[Event] = []
        self.skipped = 0  # lines of the file that could not be read
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(
                f"Your saved answers in {self.path} cannot be read ({exc}). "
                "Reload the page; if it keeps happening, use 'Delete my answers' to start afresh."
            ) from exc
        for line in lines:
            if line.strip() and not self._replay(line):
                self.skipped += 1

    def _replay(self, line: str) -> bool:
        try:
            row: dict[str, Any] = json.loads(line)
            if row.get("event") == FORGET:
                self._events.append(
                    Event(
                        id=len(self._events) + 1,
                        action=FORGET,
                        learner=str(row["learner"]),
                        class_code=str(row["class_code"]),
                        by=str(row["by"]),
                        attempts=int(row["attempts"]),
                        at=parse_time(str(row["at"])),
                    )
                )
                return True
            grade = Grade(
                question_id=str(row["question_id"]),
                score=float(row["score"]),
                max_score=float(row["max_score"]),
                correct=bool(row["correct"]),
                feedback=(),
                explanation="",
                right_answer="",
                question_version=str(row.get("question_version", "")),
            )
            self._memory.record(
                str(row["learner"]),
                str(row["class_code"]),
                grade.question_id,
                decode_answer(str(row["answer_json"])),
                grade,
                now=parse_time(str(row["answered_at"])),
            )
        except (ValueError, TypeError, KeyError, StoreError):
            return False
        return True

    @property
    def location(self) -> str:
        return f"this browser ({self.path})"

    def record(
        self,
        learner: str,
        class_code: str,
        question_id: str,
        answer: object,
        grade: Grade,
        *,
        now: datetime | None = None,
    ) -> Attempt:
        attempt = self._memory.record(learner, class_code, question_id, answer, grade, now=now)
        # One append per attempt: the attempt and its review schedule are one line, so a
        # write cut short loses that attempt and nothing else.
        self._write([_attempt_line(attempt)], mode="a")
        return attempt

    def _write(self, lines: list[str], *, mode: str) -> None:
        try:
            with self.path.open(mode, encoding="utf-8") as file:
                file.write("".join(lines))
        except OSError as exc:
            raise StoreError(
                f"Your answers could not be saved in this browser ({exc}). "
                "Check that the browser is not in private mode and has space, then try again."
            ) from exc

    def attempts(
        self,
        *,
        learner: str | None = None,
        class_code: str | None = None,
        question_id: str | None = None,
    ) -> list[Attempt]:
        return self._memory.attempts(
            learner=learner, class_code=class_code, question_id=question_id
        )

    def latest(self, learner: str, class_code: str) -> dict[str, Attempt]:
        return self._memory.latest(learner, class_code)

    def review_states(self, learner: str, class_code: str) -> dict[str, ReviewState]:
        return self._memory.review_states(learner, class_code)

    def due_for_review(self, learner: str, class_code: str, now: datetime) -> list[str]:
        return self._memory.due_for_review(learner, class_code, now)

    def class_codes(self) -> list[str]:
        return self._memory.class_codes()

    def forget(self, learner: str, class_code: str, *, by: str, now: datetime | None = None) -> int:
        """Delete the learner's attempts from the file itself (it is written again without
        them), and note who asked. Attempt ids start again from 1 when the file is next read,
        in the same order."""
        request = forget_request(learner, class_code, by, now)
        removed = self._memory.forget(learner, class_code, by=by, now=request.at)
        event = Event(
            id=len(self._events) + 1,
            action=FORGET,
            learner=learner,
            class_code=class_code,
            by=request.by,
            attempts=removed,
            at=request.at,
        )
        lines = [_attempt_line(a) for a in self._memory.attempts()]
        lines += [_event_line(e) for e in [*self._events, event]]
        self._write(lines, mode="w")
        self._events.append(event)
        return removed

    def events(self) -> list[Event]:
        self._memory.events()  # raises when closed
        return list(self._events)

    def check(self) -> list[str]:
        problems = self._memory.check()
        if self.skipped:
            problems.append(
                f"{self.skipped} saved answers in {self.path} could not be read and were "
                "left out. Answer those questions again."
            )
        return problems

    def close(self) -> None:
        self._memory.close()

    def __repr__(self) -> str:
        return f"BrowserStore({self.path})"


def _attempt_line(attempt: Attempt) -> str:
    row = {
        "learner": attempt.learner,
        "class_code": attempt.class_code,
        "question_id": attempt.question_id,
        "answer_json": attempt.answer_json,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "correct": attempt.correct,
        "answered_at": format_time(attempt.answered_at),
        "question_version": attempt.question_version,
    }
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


def _event_line(event: Event) -> str:
    row = {
        "event": event.action,
        "learner": event.learner,
        "class_code": event.class_code,
        "by": event.by,
        "attempts": event.attempts,
        "at": format_time(event.at),
    }
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
