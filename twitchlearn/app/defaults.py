"""The defaults of `twitchlearn serve`, in one place: the CLI's options and the server's
traits read them here (this module imports only `os`, so `twitchlearn check` stays light)."""

import os
from typing import Final

__all__ = [
    "DEFAULT_CLASS_SIZE",
    "DEFAULT_CONNECT_SECONDS",
    "DEFAULT_CULL_IDLE_SECONDS",
    "DEFAULT_CULL_INTERVAL_SECONDS",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DEFAULT_REFILL_AT_ONCE",
    "DEFAULT_REFILL_QUIET_SECONDS",
    "DEFAULT_WARM_PAGES",
    "KERNEL_MB",
    "MAX_DEFAULT_CLASS_SIZE",
    "MIN_MAX_KERNELS",
    "REFILL_HOLD_MOST_SECONDS",
    "WARM_MEMORY_SHARE",
    "available_memory_mb",
    "default_class_size",
    "default_max_kernels",
]

DEFAULT_PORT: Final = 8866
# The learner's own machine: no access key (twitchlearn.app.gate says which hosts need one).
DEFAULT_HOST: Final = "127.0.0.1"
# Warm start-page kernels, about 60 MB each; a class arriving at once wants one each. Without
# `--class-size`, `default_class_size()` keeps as many as a sixth of the free memory holds
# (with the other pages' warm kernels), from DEFAULT_CLASS_SIZE up to MAX_DEFAULT_CLASS_SIZE.
DEFAULT_CLASS_SIZE: Final = 2
MAX_DEFAULT_CLASS_SIZE: Final = 30
WARM_MEMORY_SHARE: Final = 6
# Warm kernels for each page other than the start page ("Next" finds its kernel ready).
DEFAULT_WARM_PAGES: Final = 1
# Start-page kernels the pool prepares at the same time when it refills (docs/performance.md).
DEFAULT_REFILL_AT_ONCE: Final = 1
# A refill waits until the pages handed warm kernels have connected and none has been handed
# one for this long, and never more than REFILL_HOLD_MOST_SECONDS (docs/performance.md,
# 2026-12-02: a class of 30 arriving, p95 8.2, 6.6, 5.8 s without and 6.3, 5.8, 5.1 s with,
# three alternating runs).
DEFAULT_REFILL_QUIET_SECONDS: Final = 2.0
REFILL_HOLD_MOST_SECONDS: Final = 15.0
DEFAULT_CULL_IDLE_SECONDS: Final = 120
DEFAULT_CULL_INTERVAL_SECONDS: Final = 30
# Seconds a page's kernel has, once the page was sent, to open its websocket. Generous: on a
# loaded 2-core machine a page's scripts (9.6 MB for the explorer) take tens of seconds.
DEFAULT_CONNECT_SECONDS: Final = 60
# The kernel cap: a kernel with the course loaded takes about 60 MB (README); 80 MB leaves
# room for a page's widgets. Half the available memory goes to kernels, and never fewer than
# MIN_MAX_KERNELS kernels, nor fewer than the warm pool plus one page.
KERNEL_MB: Final = 80
MIN_MAX_KERNELS: Final = 4


def available_memory_mb() -> int | None:
    """Memory available for new processes (MemAvailable in /proc/meminfo), in MB, or None
    where the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (OSError, ValueError, AttributeError):
        return None


def default_class_size(other_warm: int, available_mb: int | None = None) -> int:
    """`--class-size` when not given: the warm kernels that a sixth of the available memory
    holds at KERNEL_MB each, less the `other_warm` kernels kept for the other pages, from
    DEFAULT_CLASS_SIZE up to MAX_DEFAULT_CLASS_SIZE (30 with the 9 other pages' warm kernels
    takes about 19 GB free; 8 GB free gives 7)."""
    memory = available_memory_mb() if available_mb is None else available_mb
    budget = (memory or 0) // WARM_MEMORY_SHARE // KERNEL_MB - other_warm
    return max(DEFAULT_CLASS_SIZE, min(MAX_DEFAULT_CLASS_SIZE, budget))


def default_max_kernels(warm: int, available_mb: int | None = None) -> int:
    """`--max-kernels` when not given: available memory / 2 / KERNEL_MB, at least
    MIN_MAX_KERNELS and at least `warm` + 1 (every warm kernel and one page)."""
    memory = available_memory_mb() if available_mb is None else available_mb
    by_memory = (memory or 0) // 2 // KERNEL_MB
    return max(MIN_MAX_KERNELS, warm + 1, by_memory)
