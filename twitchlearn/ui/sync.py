"""Act on a click only after the browser has sent every change the learner made before it.

Why: the browser's widget manager keeps at most one update per widget on its way to the
kernel and holds the newest change back until the kernel has handled that one, but a button's
click is sent at once. A learner who steps a matching question's list with the arrow keys
(three changes) and presses "Check answer" within one round trip was graded on the second
step, while the page showed the third: "Partly right" next to three right matches. It
happened in 4 of 8 tries with a real Voila page and Chromium (2026-12-02).

How: a round trip through the browser's own queue, with ipywidgets alone. `jsdlink` copies
`ping` to `pong` in the browser, and the browser sends `pong` back as an update of its own.
The kernel asks (ping) while it handles the click, after everything sent before the click,
and the browser handles messages in the order they come. So by the time it copies ping, it
has sent every held-back change, and the kernel gets those before pong. The action runs when
pong comes back.

Without a browser (a plain Python process, a unit test: the widgets' comm is a DummyComm)
the action runs at once. A page closed before pong comes back never runs it, and nobody is
there to see it.

    sync = kernel_sync()  # when the view is built: its widgets are in the page from the start
    sync.then(lambda: grade(read_the_controls()))  # in the click's callback
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from comm import DummyComm

__all__ = ["BrowserSync", "kernel_sync"]


class BrowserSync:
    """One ping/pong pair and the actions waiting for their pong. One a kernel is enough."""

    def __init__(self) -> None:
        # Never displayed: a widget's model exists in the browser from its comm alone.
        self.ping = widgets.IntText(0)
        self.pong = widgets.IntText(0)
        self.link = widgets.jsdlink((self.ping, "value"), (self.pong, "value"))
        self.waiting: dict[int, Callable[[], None]] = {}
        self.pong.observe(self._answered, names="value")

    @property
    def has_browser(self) -> bool:
        return not isinstance(self.ping.comm, DummyComm)

    @property
    def open(self) -> bool:
        return all(w.comm is not None for w in (self.ping, self.pong, self.link))

    def then(self, action: Callable[[], None]) -> None:
        """Run `action` once the browser has sent what it held back when this was asked."""
        if not self.has_browser:
            action()
            return
        token = self.ping.value + 1
        self.waiting[token] = action
        self.ping.value = token

    def _answered(self, change: dict[str, object]) -> None:
        reached = change["new"]
        if not isinstance(reached, int):
            return
        for token in sorted(t for t in self.waiting if t <= reached):
            self.waiting.pop(token)()


_sync: BrowserSync | None = None


def kernel_sync() -> BrowserSync:
    """The kernel's one BrowserSync, made on first use and again if its widgets were closed
    (`Widget.close_all()` in JupyterLab)."""
    global _sync
    if _sync is None or not _sync.open:
        _sync = BrowserSync()
    return _sync
