"""twitchlearn/ui/sync.py, in the kernel: an action waits for the browser's pong of its own
ping or a later one, runs once, and runs in the order asked. The browser's part (jsdlink
copying ping to pong after the changes it held back) is tested with Chromium in
tests/browser/test_keyboard.py::test_a_quick_keyboard_learner_is_graded_on_what_the_page_shows.
"""

from __future__ import annotations

import functools

from hypothesis import given
from hypothesis import strategies as st

from twitchlearn.ui.sync import BrowserSync, kernel_sync


class WithBrowser(BrowserSync):
    """As in a kernel with a page: the widgets' comm is not a DummyComm there."""

    @property
    def has_browser(self) -> bool:
        return True


def test_without_a_browser_the_action_runs_at_once() -> None:
    ran: list[int] = []
    sync = BrowserSync()
    assert not sync.has_browser  # a unit test's widgets have a DummyComm
    sync.then(lambda: ran.append(1))
    assert ran == [1]
    assert sync.ping.value == 0  # nothing asked of a browser that is not there


def test_an_action_waits_for_the_pong_of_its_own_ping() -> None:
    ran: list[str] = []
    sync = WithBrowser()
    sync.then(lambda: ran.append("first"))
    sync.then(lambda: ran.append("second"))
    assert ran == []
    assert sync.ping.value == 2
    sync.pong.value = 1  # what the browser's jsdlink sends back
    assert ran == ["first"]
    sync.pong.value = 2
    assert ran == ["first", "second"]
    sync.pong.value = 2  # a second page's pong of the same ping: nothing runs twice
    assert ran == ["first", "second"]


def test_one_sync_a_kernel_made_again_when_its_widgets_were_closed() -> None:
    sync = kernel_sync()
    assert kernel_sync() is sync
    sync.link.close()
    again = kernel_sync()
    assert again is not sync
    assert again.open


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=12)), max_size=30))
def test_each_action_runs_once_in_order_when_its_pong_has_come(steps: list[int | None]) -> None:
    """`None`: the kernel asks (a click); a number: a pong reaching that ping (the browser
    copies the latest ping it has, so a pong never passes the last ping)."""
    sync = WithBrowser()
    ran: list[int] = []
    asked = 0
    reached = 0
    for step in steps:
        if step is None:
            asked += 1
            sync.then(functools.partial(ran.append, asked))
        else:
            pong = min(step, asked)
            sync.pong.value = pong
            reached = max(reached, pong)
        assert ran == list(range(1, reached + 1))
    assert sorted(sync.waiting) == list(range(reached + 1, asked + 1))
