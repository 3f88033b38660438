"""`twitchlearn serve` in its own process group, with its log and its kernel processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

TWITCHLEARN = str(Path(sys.executable).parent / "twitchlearn")
POOL_FILLED = "is filled with"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BenchServer:
    """A real server on a free port; `kernels()` are its ipykernel child processes."""

    def __init__(self, tmp: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"voila-{self.port}.log"
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
            "TWITCHLEARN_DB": str(tmp / f"progress-{self.port}.sqlite3"),
            "PYTHONUNBUFFERED": "1",
        }
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [TWITCHLEARN, "serve", "--no-browser", "--port", str(self.port), *args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self.ps = psutil.Process(self.process.pid)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Voila exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/voila/static/voila.js", timeout=2):  # noqa: S310 (our own http URL)
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Voila not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

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
            # (not "at least pool_size kernels": a pool kernel that died at start, as one did
            # when 30 started at once, stays counted in Voila's pool)
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
        total = 0.0
        try:  # includes children that have exited and been waited for (closed kernels)
            own = self.ps.cpu_times()
            total += own.children_user + own.children_system
        except psutil.Error:
            pass
        for proc in [self.ps, *self.ps.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                continue
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()
