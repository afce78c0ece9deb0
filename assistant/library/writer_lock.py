"""The one writer's lock: taken at once, or after saying that another process holds it.

A second writer never waits silently: ``on_wait`` hears at once that the library is being
changed, then the writer waits up to ``timeout`` seconds (0: not at all) before
:class:`LibraryBusy`. A folder where the lock cannot even be made (read-only, not a folder) is
a :class:`LibraryError` that says nothing was changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.errors import LibraryBusy, LibraryError

LOCK_FILE = ".lock"


def take_lock(index_dir: Path, timeout: float, on_wait: Callable[[str], None] | None = None) -> FileLock:
    """The writer's lock, taken; a library that cannot be written is a :class:`LibraryError`."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(index_dir / LOCK_FILE)
        try:
            lock.acquire(timeout=0)
            return lock
        except Timeout:
            pass
        busy = f"the library at {index_dir} is being changed by another process"
        if timeout <= 0:
            raise LibraryBusy(f"{busy}; try again when it has finished")
        if on_wait is not None:
            on_wait(f"{busy}; waiting up to {timeout:g} s for it to finish (Ctrl-C stops waiting)")
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise LibraryBusy(f"{busy}; still busy after {timeout:g} s, try again later") from exc
        return lock
    except OSError as exc:
        raise LibraryError(
            f"The library at {index_dir} cannot be written ({exc.strerror or exc}). Nothing was changed."
        ) from exc
