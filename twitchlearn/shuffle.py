"""The order a learner sees a question's options in: shuffled, the same on every visit.

Options are written in the content in any order; a learner sees them in an order drawn from
a seeded generator, so the key is not always first for everyone, and the same learner sees
the same order after a reload or on another day. The seed is the learner (name and class
code, compared case-insensitively, as the store matches them) and the question's id.

    order = shown_order(learner.order_key, question.id, len(question.choices))
    shown = [question.choices[i] for i in order]

For single-choice questions `key_order` also spreads the right option evenly over the
positions for each learner: it stands at (a learner's own offset + the question's place
among the course's single-choice questions) modulo the number of options, so no position
holds the key for more than about 1 in 3 questions, whoever the learner is.
"""

from __future__ import annotations

import hashlib
import random

__all__ = ["key_order", "shown_order"]


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x00".join(parts).encode()).digest()[:8], "big")


def shown_order(learner_key: str, question_id: str, count: int) -> tuple[int, ...]:
    """A permutation of range(`count`) for this learner and question (always the same)."""
    generator = random.Random(_seed(learner_key, question_id))  # noqa: S311 (not security)
    order = list(range(count))
    generator.shuffle(order)
    return tuple(order)


def key_order(
    learner_key: str, question_id: str, count: int, key: int, slot: int
) -> tuple[int, ...]:
    """Like `shown_order`, with option `key` placed at the learner's position for `slot`
    (the question's place among the course's single-choice questions)."""
    others = [i for i in shown_order(learner_key, question_id, count) if i != key]
    at = (_seed(learner_key) + slot) % count
    return (*others[:at], key, *others[at:])
