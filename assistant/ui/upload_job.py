"""An upload that outlives the page: files read in the visitor's run, ingested by a worker thread.

Streamlit stops a page's script at its next call when the visitor moves to another page, so an
ingest run inside the page was cut off and lost. Here the page only reads the uploaded bytes
(quick) and hands them to one worker thread shared by the whole app; the page then shows the
job's progress, and its results when the visitor comes back. One worker means uploads from
several visitors are written one after another; at most ``MAX_WAITING`` jobs may wait.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.documents.uploads import accept
from assistant.errors import AssistantError, IngestError
from assistant.library.ingest import ingest
from assistant.records import FileReport
from assistant.settings import Settings

MAX_WAITING = 8  # unfinished jobs, all visitors together: uploads wait in memory
log = logging.getLogger(__name__)
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload")
_LOCK = threading.Lock()
_unfinished = 0


class UploadsBusy(AssistantError):
    """Too many uploads are waiting to be written."""


@dataclass
class UploadJob:
    names: tuple[str, ...]
    state: Literal["waiting", "running", "finished"] = "waiting"
    done: int = 0
    total: int = 0
    current: str = ""
    reports: list[FileReport] = field(default_factory=list)
    error: str = ""
    future: Future | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.state == "finished"

    def progress(self, done: int, total: int, name: str) -> None:
        self.done, self.total, self.current = done, total, name

    def wait(self, timeout: float | None = None) -> None:
        if self.future is not None:
            self.future.result(timeout)


def start(files: list[tuple[str, bytes]], settings: Settings, embedder: Any) -> UploadJob:
    """Queue ``files`` (name, bytes) for ingest; raises :class:`UploadsBusy` when the queue is full."""
    global _unfinished
    with _LOCK:
        if _unfinished >= MAX_WAITING:
            raise UploadsBusy("other uploads are still being added; try again in a few minutes")
        _unfinished += 1
    job = UploadJob(tuple(name for name, _ in files), total=len(files))
    job.future = _POOL.submit(_run, job, files, settings, embedder)
    return job


def _run(job: UploadJob, files: list[tuple[str, bytes]], settings: Settings, embedder: Any) -> None:
    global _unfinished
    job.state = "running"
    try:
        with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
            names: dict[Path, str] = {}
            for name, data in files:
                try:
                    path, shown = accept(name, data, Path(tmp), settings)
                    names[path] = shown
                except IngestError as exc:
                    job.reports.append(FileReport(exc.name, "failed", reason=exc.reason))
            files.clear()  # the bytes are in the temporary folder now
            if names:
                job.reports += ingest(list(names), settings, embedder, job.progress, names)
    except AssistantError as exc:
        job.error = f"Nothing was added: {exc}"
    except Exception:
        log.exception("an upload failed unexpectedly")
        job.error = "Nothing was added: an unexpected error, recorded in the server's log."
    finally:
        with _LOCK:
            _unfinished -= 1
        job.state = "finished"
