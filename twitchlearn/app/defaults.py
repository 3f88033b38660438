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
    "KERNEL_MB",
    "MIN_MAX_KERNELS",
    "available_memory_mb",
    "default_max_kernels",
]

DEFAULT_PORT: Final = 8866
# The learner's own machine: no access key (twitchlearn.app.gate says which hosts need one).
DEFAULT_HOST: Final = "127.0.0.1"
# Warm start-page kernels, about 60 MB each; a class arriving at once wants one each.
DEFAULT_CLASS_SIZE: Final = 2
# Start-page kernels the pool prepares at the same time when it refills (docs/performance.md).
DEFAULT_REFILL_AT_ONCE: Final = 1
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


def default_max_kernels(class_size: int, available_mb: int | None = None) -> int:
    """`--max-kernels` when not given: available memory / 2 / KERNEL_MB, at least
    MIN_MAX_KERNELS and at least `class_size` + 1 (the warm pool and one page)."""
    memory = available_memory_mb() if available_mb is None else available_mb
    by_memory = (memory or 0) // 2 // KERNEL_MB
    return max(MIN_MAX_KERNELS, class_size + 1, by_memory)
