"""The bench's server: the tests' `VoilaServer` (tests/support/servers.py: a free port, its
own process group, its log, start and stop), with what the bench measures added: its
kernel processes, memory and CPU time, and waits on its kernel pool."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path

import psutil

from tests.support.servers import VoilaServer

POOL_FILLED = "is filled with"


def cpu_seconds(processes: Iterable[psutil.Process]) -> float:
    """User and system CPU time of these processes so far (those that have gone count 0)."""
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


class BenchServer(VoilaServer):
    """A real server on a free port; `kernels()` are its ipykernel child processes.

    Each server keeps its progress in its own file (`progress-<port>.sqlite3` in `tmp`) and
    reads no Jupyter config of this machine, as `VoilaServer` does.
    """

    def __init__(self, tmp: Path, *args: str) -> None:
        super().__init__(tmp, *args, lean=False)  # what `args` do not set is as shipped
        self.ps = psutil.Process(self.process.pid)

    def class_size(self) -> int:
        """The start page's warm kernels, as the server said when it started."""
        found = re.search(r"Keeping (\d+) start-page kernels warm", self.log())
        return int(found[1]) if found else 0

    def pool_fills(self) -> int:
        """How many times the log said a kernel pool was (re)filled."""
        return self.log().count(POOL_FILLED)

    def wait_pool_fills(self, more_than: int, timeout: float = 240) -> float:
        """Wait until the pool has been filled more than `more_than` times; return the wait."""
        began = time.monotonic()
        while self.pool_fills() <= more_than:
            if time.monotonic() - began > timeout:
                raise RuntimeError(f"kernel pool not refilled after {timeout} s")
            time.sleep(0.25)
        return time.monotonic() - began

    def wait_pool_settled(self, quiet_s: float = 5, timeout: float = 300) -> float | None:
        """Wait until the pool is full again after a class: no kernel started or pool filled
        for `quiet_s`, and the server and its kernels nearly idle (under a tenth of a core) for
        as long; the wait, or None after `timeout`.

        (Counting "filled" lines does not work: Voila logs one per refill only when the pool
        was full before the handout, and learners who find the pool empty get cold kernels.)
        """
        began = time.monotonic()
        last, changed = -1, began
        cpu: list[tuple[float, float]] = []  # (when, server CPU seconds so far)
        while time.monotonic() - began < timeout:
            now = time.monotonic()
            log = self.log()
            events = log.count(POOL_FILLED) + log.count("Kernel started")
            if events != last:
                last, changed = events, now
            cpu.append((now, self.cpu_seconds()))
            window = [c for t, c in cpu if now - t <= quiet_s]
            idle = now - cpu[0][0] >= quiet_s and window[-1] - window[0] < 0.1 * quiet_s
            # (not "at least --class-size kernels": a pool kernel that died at start, as one
            # did when 30 started at once, stays counted in Voila's pool)
            if now - changed >= quiet_s and idle:
                return now - began
            time.sleep(0.25)
        return None

    def kernels(self) -> list[psutil.Process]:
        found = []
        for child in self.ps.children(recursive=True):
            try:
                if any("ipykernel" in part for part in child.cmdline()):
                    found.append(child)
            except psutil.Error:
                continue
        return found

    def wait_kernels_at_most(self, count: int, timeout: float = 8) -> int:
        deadline = time.monotonic() + timeout
        while True:
            now = len(self.kernels())
            if now <= count or time.monotonic() > deadline:
                return now
            time.sleep(0.25)

    def rss(self) -> int:
        return int(self.ps.memory_info().rss)

    def cpu_seconds(self) -> float:
        """CPU time of the server and all its children (kernels) so far."""
        waited = 0.0
        try:  # children that have exited and been waited for (closed kernels)
            own = self.ps.cpu_times()
            waited = own.children_user + own.children_system
        except psutil.Error:
            pass
        return waited + cpu_seconds([self.ps, *self.ps.children(recursive=True)])
