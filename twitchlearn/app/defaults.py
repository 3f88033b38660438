"""The defaults of `twitchlearn serve`, in one place: the CLI's options and the server's
traits read them here (this module imports nothing, so `twitchlearn check` stays light)."""

from typing import Final

__all__ = [
    "DEFAULT_CLASS_SIZE",
    "DEFAULT_CULL_IDLE_SECONDS",
    "DEFAULT_CULL_INTERVAL_SECONDS",
    "DEFAULT_PORT",
    "DEFAULT_REFILL_AT_ONCE",
]

DEFAULT_PORT: Final = 8866
# Warm start-page kernels, about 60 MB each; a class arriving at once wants one each.
DEFAULT_CLASS_SIZE: Final = 2
# Start-page kernels the pool prepares at the same time when it refills (docs/performance.md).
DEFAULT_REFILL_AT_ONCE: Final = 1
DEFAULT_CULL_IDLE_SECONDS: Final = 120
DEFAULT_CULL_INTERVAL_SECONDS: Final = 30
