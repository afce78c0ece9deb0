"""How far a long ingest has got: files done of all, passages per second, time left, checkpoints.

:class:`Meter` turns the ingest's events into :class:`Snapshot`s; the CLI shows them as one line
(``line``) or, with ``--json``, as one JSON object per line (``json_line``) for scripts. The time
left is the files still to go at the pace of the files done so far (shown once one file has been
read: before that, skipping unchanged files says nothing of the pace of reading).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TextIO


@dataclass(frozen=True)
class Snapshot:
    event: str  # "file", "checkpoint" or "done"
    files_done: int
    files_total: int
    passages: int  # embedded and stored in this run
    passages_per_s: float
    seconds: float  # since the ingest started
    seconds_left: float | None  # None until a file has been read
    current: str = ""  # the file being read
    generation: int | None = None  # the generation a checkpoint published


class Meter:
    """Counts an ingest's progress; ``clock`` is injectable for tests."""

    def __init__(self, files_total: int, clock: Callable[[], float] = time.monotonic):
        self.files_total = files_total
        self.clock = clock
        self.started = clock()
        self.files_done = 0
        self.files_read = 0  # files that were read (not skipped as unchanged)
        self.passages = 0

    def end_file(self, read: bool) -> None:
        """A file is finished; ``read``: it was read, not skipped as unchanged."""
        self.files_done += 1
        self.files_read += read

    def stored(self, passages: int) -> None:
        self.passages += passages

    def snapshot(self, event: str = "file", current: str = "", generation: int | None = None) -> Snapshot:
        seconds = max(self.clock() - self.started, 1e-9)
        left = None
        if self.files_read:
            left = round(seconds / self.files_done * (self.files_total - self.files_done), 1)
        return Snapshot(
            event=event,
            files_done=self.files_done,
            files_total=self.files_total,
            passages=self.passages,
            passages_per_s=round(self.passages / seconds, 1),
            seconds=round(seconds, 1),
            seconds_left=left if event != "done" else 0.0,
            current=current,
            generation=generation,
        )


def line(s: Snapshot) -> str:
    """One line for a person: ``412/870 files · 38.2 passages/s · about 3 min left``."""
    text = f"{s.files_done}/{s.files_total} files · {s.passages_per_s:.1f} passages/s"
    if s.event == "checkpoint":
        return f"{text} · saved (generation {s.generation}): an interruption now keeps this much"
    if s.event == "done":
        return f"{text} · finished in {_duration(s.seconds)}"
    if s.seconds_left is not None:
        text += f" · about {_duration(s.seconds_left)} left"
    return f"{text} · {s.current}" if s.current else text


def json_line(s: Snapshot) -> str:
    return json.dumps(asdict(s), ensure_ascii=True, sort_keys=True)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Counted:
    """An embedder that tells the meter how many passages it encoded (the passages/s)."""

    def __init__(self, inner: Any, meter: Meter):
        self.inner, self.meter = inner, meter
        self.name, self.dimension, self.encoder = inner.name, inner.dimension, inner.encoder

    def encode(self, texts: list[str], progress: bool = False) -> Any:
        vectors = self.inner.encode(texts, progress)
        self.meter.stored(len(texts))
        return vectors


class Reporter:
    """The ingest's ``progress`` and ``on_checkpoint`` callbacks, written to ``stream``: one line
    a file on a terminal (rewritten in place), or one JSON object a line with ``as_json``."""

    def __init__(self, meter: Meter, stream: TextIO, as_json: bool):
        self.meter, self.stream, self.as_json = meter, stream, as_json

    def file(self, done: int, total: int, name: str) -> None:
        self.meter.files_total, self.meter.files_done, self.meter.files_read = total, done, done
        event = "done" if done == total and not name else "file"
        self._show(self.meter.snapshot(event, current=name))

    def checkpoint(self, generation: int) -> None:
        self._show(self.meter.snapshot("checkpoint", generation=generation))

    def _show(self, snap: Snapshot) -> None:
        if self.as_json:
            self.stream.write(json_line(snap) + "\n")
        elif self.stream.isatty():
            end = "\n" if snap.event != "file" else ""
            self.stream.write("\r" + line(snap)[:100].ljust(100) + end)
        elif snap.event != "file":
            self.stream.write(line(snap) + "\n")
        self.stream.flush()
