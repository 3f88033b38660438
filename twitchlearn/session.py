"""A learner's session in one kernel: who is learning, where answers go, and their grades.

Pure core (no widgets). Voila and JupyterLab give each page its own kernel, so a kernel
serves one learner: `kernel_session()` starts that session from the environment the first
time a page asks (the JupyterHub user, or `?learner=&class=` in the page's URL) and hands
the same one to every view of the page.

    session = LearnerSession.start(load_content())     # explicit, as tests and tools do
    session.tracker.submit("causes-caffeine", "coffee")  # graded, saved, listeners told
    session.saving                                        # answers are being kept
    session.saving_problem()                              # or why not, in learners' words

`ProgressTracker` grades answers and keeps each question's latest grade for the progress
bars; the session is its `sink`, saving each attempt in the progress store
(`twitchlearn.storage`). A store that fails never stops the lesson: the learner is told,
the server log gets the details.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Final, Protocol

import attrs

from twitchlearn.edition import session_source
from twitchlearn.errors import AnswerError, StoreError, TooManyChecks
from twitchlearn.identity import Learner, learner_from_environment
from twitchlearn.loading import load_content
from twitchlearn.models import Content, Course, question_version
from twitchlearn.review import ReviewState
from twitchlearn.scoring import Grade, grade, points_text
from twitchlearn.storage import ProgressStore, open_store_or_memory

__all__ = [
    "CHECKS_PER_MINUTE",
    "SLOW_DOWN",
    "AttemptSink",
    "LearnerSession",
    "LessonProgress",
    "ProgressTracker",
    "kernel_session",
]

log = logging.getLogger(__name__)

NOT_KEPT = "Your answers will not be kept after this visit."
NOT_SAVED = "Your answers are not being saved right now."

# How many answers to one question the tracker grades in any 60 seconds. A learner who reads
# the feedback, presses "Try again" and picks again needs several seconds a try, so ten a
# minute is more than anyone learning needs; a script sending "Check answer" messages
# (2000 in 6.4 s from one tab, issue 15) is held to ten. Below the store's own limit (30 a
# minute), so a learner meets this plain message first.
CHECKS_PER_MINUTE: Final = 10
SLOW_DOWN: Final = "Slow down: wait a moment before you check this answer again."


class AttemptSink(Protocol):
    """Where a tracker's attempts are saved."""

    def save(self, question_id: str, answer: object, grade: Grade) -> None: ...

    def saving_problem(self) -> str | None: ...


@attrs.frozen
class LessonProgress:
    answered: int
    total: int
    score: float  # sum of the latest grades' scores
    out_of: float = 0.0  # the most those answered questions could score (their points)

    @property
    def fraction(self) -> float:
        return self.answered / self.total if self.total else 0.0

    def describe(self) -> str:
        """Such as "3 of 12 answered, 2.5 of 3 points" (the points of those answered)."""
        if not self.answered:
            return f"0 of {self.total} answered"
        out_of = self.out_of or float(self.answered)
        return f"{self.answered} of {self.total} answered, {points_text(self.score, out_of)}"


class ProgressTracker:
    """Grades answers and keeps each question's latest grade.

    At most `CHECKS_PER_MINUTE` answers to one question are graded in any 60 seconds (by
    `clock`, seconds; default time.monotonic); beyond that `submit` raises TooManyChecks.
    """

    def __init__(
        self,
        course: Course,
        sink: AttemptSink | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.course = course
        self.sink = sink
        self._clock = clock
        self._checked: dict[str, deque[float]] = {}  # per question, when its last checks were
        self._latest: dict[str, Grade] = {}
        self._answers: dict[str, object] = {}
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def submit(self, question_id: str, answer: object) -> Grade:
        """Grade and remember an answer. Raises AnswerError for an answer of the wrong form,
        TooManyChecks (an AnswerError) when this question was checked too often just now."""
        now = self._clock()
        recent = self._checked.setdefault(question_id, deque())
        while recent and now - recent[0] >= 60.0:
            recent.popleft()
        if len(recent) >= CHECKS_PER_MINUTE:
            raise TooManyChecks(SLOW_DOWN)
        result = grade(self.course.questions[question_id], answer)
        recent.append(now)
        if self.sink is not None:  # saved first, so listeners see the store up to date
            self.sink.save(question_id, answer, result)
        self.restore(question_id, answer, result)
        return result

    def restore(self, question_id: str, answer: object, result: Grade) -> None:
        """Take a grade given earlier (such as from the store) without saving it again."""
        self._latest[question_id] = result
        self._answers[question_id] = answer
        for callback in self._listeners:
            callback()

    def saving_problem(self) -> str | None:
        """Why answers are not being saved, in words for the learner (None: they are)."""
        return None if self.sink is None else self.sink.saving_problem()

    def clear(self) -> None:
        """Forget every grade and answer (the learner's saved answers were deleted)."""
        self._latest.clear()
        self._answers.clear()
        for callback in self._listeners:
            callback()

    def latest(self, question_id: str) -> Grade | None:
        return self._latest.get(question_id)

    def latest_answer(self, question_id: str) -> object:
        return self._answers.get(question_id)

    def lesson_progress(self, lesson_id: str) -> LessonProgress:
        ids = [q.id for q in self.course.lesson(lesson_id).questions]
        return self._progress(ids)

    def course_progress(self) -> LessonProgress:
        return self._progress(list(self.course.questions))

    def _progress(self, ids: list[str]) -> LessonProgress:
        grades = [self._latest[i] for i in ids if i in self._latest]
        return LessonProgress(
            answered=len(grades),
            total=len(ids),
            score=sum(g.score for g in grades),
            out_of=sum(g.max_score for g in grades),
        )


class LearnerSession:
    """One learner on one page: the content, who they are, where their answers go.

    An anonymous learner's answers are graded but not saved (`store` is None). A known
    learner's answers go to `store`; `store_problem` says why that store is only kept in
    memory, when the real one could not be opened.
    """

    def __init__(
        self,
        content: Content,
        learner: Learner | None = None,
        store: ProgressStore | None = None,
        *,
        store_problem: str | None = None,
    ) -> None:
        self.content = content
        self.learner = learner or Learner("")
        self.store = store
        self._problem: str | None = None if store_problem is None else NOT_KEPT
        if store_problem is not None:
            log.warning("progress kept in memory only: %s", store_problem)
        self.tracker = ProgressTracker(content.course, self if self.saving else None)

    @classmethod
    def start(
        cls,
        content: Content,
        environ: Mapping[str, str] | None = None,
        location: str | None = None,
    ) -> LearnerSession:
        """The session of the learner named by `environ` (default: this process's), with
        their saved answers put back. `location`: the store (default: TWITCHLEARN_DB)."""
        learner = learner_from_environment(os.environ if environ is None else environ)
        if not learner.known:
            return cls(content, learner)
        store, problem = open_store_or_memory(location)
        session = cls(content, learner, store, store_problem=problem)
        session.resume()
        return session

    @property
    def course(self) -> Course:
        return self.content.course

    @property
    def saving(self) -> bool:
        """Whether answers go to a store under the learner's name."""
        return self.learner.known and self.store is not None

    # -- AttemptSink --------------------------------------------------------------------------

    def save(self, question_id: str, answer: object, grade: Grade) -> None:
        if self.store is None or not self.learner.known:
            return  # nobody to save under (such as after the learner deleted their answers)
        try:
            self.store.record(
                self.learner.name, self.learner.class_code, question_id, answer, grade
            )
        except StoreError as exc:
            log.warning("progress not saved: %s", exc)
            self._problem = NOT_SAVED
        else:
            if self._problem == NOT_SAVED:
                self._problem = None  # the store works again

    def saving_problem(self) -> str | None:
        return self._problem

    # -- what the store knows -----------------------------------------------------------------

    def resume(self) -> int:
        """Show the learner's saved answers again. An answer to a question edited since it
        was given (another version) is not put back: grading it again against the new
        question would change its grade without a word; the learner answers afresh."""
        if not self.saving or self.store is None:
            return 0
        try:
            saved = self.store.latest(self.learner.name, self.learner.class_code)
        except StoreError as exc:
            log.warning("saved answers could not be read: %s", exc)
            self._problem = NOT_SAVED
            return 0
        restored = 0
        for question_id, attempt in saved.items():
            question = self.course.questions.get(question_id)
            if question is None:
                continue  # the course no longer has this question
            if attempt.question_version and attempt.question_version != question_version(question):
                continue  # edited since: not re-graded; the learner answers it afresh
            try:
                result = grade(question, attempt.answer)
            except AnswerError:
                continue  # the question changed so much that the old answer no longer fits
            self.tracker.restore(question_id, attempt.answer, result)
            restored += 1
        return restored

    def delete_answers(self) -> int:
        """Delete every saved answer and the review schedule of this session's learner (the
        kernel's learner: never a name sent by the page), recorded in the store's audit
        trail as asked by "learner". The grades shown on this page are forgotten too.
        Returns how many answers were deleted (0 when nothing is saved). Raises StoreError."""
        if not self.saving or self.store is None:
            return 0
        removed = self.store.forget(self.learner.name, self.learner.class_code, by="learner")
        log.info("a learner deleted their %d saved answers", removed)
        self.tracker.clear()
        return removed

    def due_for_review(self, now: datetime) -> list[str]:
        """Ids of the questions of this course due for review at `now`, longest overdue
        first ([] when nothing is saved). Raises StoreError when the store fails."""
        if not self.saving or self.store is None:
            return []
        ids = self.store.due_for_review(self.learner.name, self.learner.class_code, now)
        return [qid for qid in ids if qid in self.course.questions]

    def review_states(self) -> dict[str, ReviewState]:
        """The review schedule of this course's questions ({} when nothing is saved)."""
        if not self.saving or self.store is None:
            return {}
        states = self.store.review_states(self.learner.name, self.learner.class_code)
        return {qid: s for qid, s in states.items() if qid in self.course.questions}


_KERNEL_SESSION: list[LearnerSession] = []  # at most one: the learner of this kernel


def kernel_session() -> LearnerSession:
    """This kernel's learner session, started from the environment on first use."""
    if not _KERNEL_SESSION:
        _log_to_server()
        if os.environ.get("VOILA_PREHEAT") == "True":
            # A warm kernel (twitchlearn serve's pools) learns its page's request first.
            from twitchlearn.preheat import request_environment  # server only: tornado

            request_environment()
        # The static edition (Python in the browser) starts its one self-study learner.
        _KERNEL_SESSION.append(LearnerSession.start(load_content(), *session_source()))
    return _KERNEL_SESSION[0]


def _log_to_server() -> None:
    """Send this package's log lines to the kernel process's own stderr, which is the
    server's log, and never to the page.

    ipykernel replaces `sys.stderr` (and file descriptor 2) with a stream to the page, so a
    warning with the database's path and what an administrator should do appeared as output
    on the learner's page, and in the messages of anyone connected to the kernel. ipykernel
    keeps a copy of the original descriptor; outside a kernel, stderr is the real one.
    """
    logger = logging.getLogger("twitchlearn")
    if logger.handlers:
        return  # the host (a test, a server) chose where the log goes
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    stream = (
        open(original, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115
        if isinstance(original, int)
        else sys.__stderr__
    )
    if stream is None:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[twitchlearn kernel %(process)d] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
