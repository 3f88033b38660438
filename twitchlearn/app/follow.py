"""Warm kernels that follow the class: how many each page keeps, given where learners are.

A class moves through the course together: the teacher says "now open lesson 1", and 30
learners on the start page follow its link within seconds. Each page keeps a few warm
kernels (`--warm-pages`), so the first learners get one at once; the rest used to wait for
the pool to prepare theirs one after another (`--refill-at-once`), and a class of 30 waited
up to a minute on 2 cores. The learners on a page are the best guess of who opens the page
after it next, so `twitchlearn.app.server.PoolSafeKernelManager` keeps, for every page, its
own warm kernels plus one for each learner on the page before it (up to `--follow-class`),
and prepares them while the class reads. When learners leave without coming (the kernels
stay unused), the surplus goes after the idle timeout, as idle kernels do.

This module is the arithmetic only, with no server in it: `pool_targets` says how many warm
kernels each page should have; the kernel manager starts or stops kernels to match.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import pairwise

__all__ = ["next_pages", "pool_targets"]


def next_pages(order: Sequence[str]) -> dict[str, str]:
    """Each page's next page in course order (`twitchlearn.site.pages`): the page that its
    learners most likely open next."""
    return dict(pairwise(order))


def pool_targets(
    learners_on: Mapping[str, str],
    following: Mapping[str, str],
    own: Mapping[str, int],
    follow_max: int,
    room: int | None = None,
) -> dict[str, int]:
    """How many warm kernels each page of `following`'s values should have.

    `learners_on`: kernel id -> the page that kernel serves a learner on (pages only, no
    warm kernels). `following`: page -> the page after it (`next_pages`). `own`: each page's
    own warm kernels (`--class-size` for the start page, `--warm-pages` for the others; a
    page not named has none). `follow_max`: the most warm kernels a page adds for the
    learners before it (0: none). `room`: how many more warm kernels the kernel cap allows
    in all, beyond each page's own (None: no cap); the pages with the most learners waiting
    before them get it first.
    """
    waiting = Counter(following[page] for page in learners_on.values() if page in following)
    extra = {page: min(max(0, follow_max), count) for page, count in waiting.items()}
    if room is not None:
        left = max(0, room)
        for page in sorted(extra, key=lambda p: (-extra[p], p)):
            extra[page] = min(extra[page], left)
            left -= extra[page]
    targets = {page: own.get(page, 0) for page in following.values()}
    for page, more in extra.items():
        targets[page] = own.get(page, 0) + more
    return targets
