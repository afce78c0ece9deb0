"""A reading its caller has given up on stops within a fraction of a second.

An ingest reads files ahead of their turn on a thread (:class:`assistant.library.read_ahead.ReadAhead`);
Ctrl-C reaches only the main thread, and the reading server and OCR workers ignore it, so a slow file
read ahead would hold the interrupted ingest for up to its time limit. The reading thread runs under
:func:`stop_when`; the waits for a reader (:mod:`assistant.documents.limits`, :mod:`assistant.documents.ocr`)
are cut into :data:`SLICE_S` slices by :func:`slices`, which raises :class:`Stopped` once the event is set.
Elsewhere (the main thread, the app's uploads) no event is set and the waits are as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SLICE_S = 0.2
_event: ContextVar[threading.Event | None] = ContextVar("stop_reading", default=None)


class Stopped(Exception):
    """The caller stopped this reading (its ingest was interrupted)."""


@contextmanager
def stop_when(event: threading.Event) -> Iterator[None]:
    """Readings in this block stop when ``event`` is set."""
    token = _event.set(event)
    try:
        yield
    finally:
        _event.reset(token)


def slices(wait_s: float) -> Iterator[float]:
    """Timeouts that add up to ``wait_s``: the whole wait at once when no stop can come, else
    :data:`SLICE_S` at a time, raising :class:`Stopped` as soon as the reading is stopped."""
    event = _event.get()
    if event is None:
        yield wait_s
        return
    deadline = time.monotonic() + wait_s
    while (left := deadline - time.monotonic()) > 0:
        if event.is_set():
            raise Stopped
        yield min(left, SLICE_S)
    if event.is_set():
        raise Stopped
