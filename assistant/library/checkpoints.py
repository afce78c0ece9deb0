"""When a long ingest publishes what it has finished: every N files or M seconds.

A checkpoint publishes the writer's copy as a new generation (all or nothing, like the end of an
ingest), so an interrupted run keeps every file finished before the last checkpoint and a rerun
skips them as unchanged. The defaults (``checkpoint_files``, ``checkpoint_s`` in the settings)
lose about a minute of work at most (``checkpoint_s`` and the batch being embedded, which the
rules are checked after: ~70 s on a 2-core machine); 0 turns either rule off.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class CheckpointPolicy:
    def __init__(self, every_files: int, every_s: float, clock: Callable[[], float] = time.monotonic):
        self.every_files = every_files
        self.every_s = every_s
        self.clock = clock
        self._files = 0
        self._since = clock()

    def file_stored(self) -> None:
        self._files += 1

    def due(self) -> bool:
        """Work is waiting to be published and one of the rules says now."""
        if self._files == 0:
            return False
        by_files = self.every_files > 0 and self._files >= self.every_files
        by_time = self.every_s > 0 and self.clock() - self._since >= self.every_s
        return by_files or by_time

    def published(self) -> None:
        self._files = 0
        self._since = self.clock()
