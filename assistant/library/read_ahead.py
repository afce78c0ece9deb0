"""Files read a few ahead of their turn, on one thread, while the ingest cuts, embeds and stores
the ones before.

The reading itself is done by the reading server's children (another process,
:mod:`assistant.documents.limits`), so the thread only waits for them and the two run side by side.
Measured on 300 PFD reports written as Markdown, each read by a new child: reading was ~9 ms a
report of the ~20 ms an ingest spent on a report besides encoding; 6.3 s outside the encoder before,
4.4 s after. A child kept for many Markdown files now reads one in ~1.5 ms, so the read-ahead
matters most for PDFs and Word documents.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from assistant.documents import readers, stopping
from assistant.records import SourceText
from assistant.settings import Settings


class ReadAhead:
    """Readings begun in turn on one thread. The caller bounds how many it begins before it takes
    them. Use as a context manager: leaving it cancels the readings not begun; on an exception
    (Ctrl-C) the one under way is stopped too (:mod:`assistant.documents.stopping`), so the
    interrupted ingest ends at once rather than after that file's time limit."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="read-ahead")
        self._stop = threading.Event()
        self._open = threading.Event()  # cleared while the caller encodes (:meth:`paused`)
        self._open.set()

    def read(self, path: Path, name: str) -> Future[SourceText]:
        """The file's reading; its ``result()`` raises the file's IngestError."""
        context = contextvars.copy_context()  # the OCR read before (scanned.read_ahead) is in it
        return self._pool.submit(context.run, self._read, path, name)

    def _read(self, path: Path, name: str) -> SourceText:
        with stopping.stop_when(self._stop):
            for left in stopping.slices(float("inf")):  # raises Stopped when stopped while paused
                if self._open.wait(left):
                    break
            return readers.read(path, self.settings, name)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No reading begins in this block (one under way finishes). The encoder keeps every core
        busy: measured on 300 PFD reports, reading beside it slowed the encoding by as much as it
        saved (inside the encoder 37.3 -> 41.3 s, outside 6.7 -> 4.9 s)."""
        self._open.clear()
        try:
            yield
        finally:
            self._open.set()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
