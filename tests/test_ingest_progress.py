"""Progress of a long ingest (rate, time left, JSON lines) and when it publishes checkpoints."""

from __future__ import annotations

import json

from assistant.library.checkpoints import CheckpointPolicy
from assistant.library.ingest_progress import Meter, json_line, line


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_and_time_left_from_the_files_done():
    clock = Clock()
    meter = Meter(10, clock)
    assert meter.snapshot().seconds_left is None  # nothing read yet: no estimate
    for _ in range(4):
        clock.now += 5
        meter.stored(20)
        meter.end_file(read=True)
    snap = meter.snapshot(current="pfd-1.md")
    assert (snap.files_done, snap.files_total, snap.passages) == (4, 10, 80)
    assert snap.passages_per_s == 4.0  # 80 passages in 20 s
    assert snap.seconds_left == 30.0  # 6 files at 5 s each
    assert line(snap) == "4/10 files · 4.0 passages/s · about 30 s left · pfd-1.md"


def test_skipped_files_alone_give_no_estimate():
    meter = Meter(5, Clock())
    meter.end_file(read=False)
    assert meter.snapshot().seconds_left is None


def test_json_lines_carry_every_field_and_are_one_line():
    clock = Clock()
    meter = Meter(2, clock)
    clock.now += 2
    meter.stored(3)
    meter.end_file(read=True)
    text = json_line(meter.snapshot("checkpoint", generation=7))
    assert "\n" not in text
    data = json.loads(text)
    assert data["event"] == "checkpoint" and data["generation"] == 7
    assert data["files_done"] == 1 and data["files_total"] == 2 and data["passages_per_s"] == 1.5
    assert "saved (generation 7)" in line(meter.snapshot("checkpoint", generation=7))


def test_checkpoint_due_by_files_or_by_time_and_never_with_nothing_new():
    clock = Clock()
    policy = CheckpointPolicy(every_files=3, every_s=60, clock=clock)
    clock.now += 120
    assert not policy.due()  # a minute passed but nothing new to publish
    policy.file_stored()
    assert policy.due()  # by time
    policy.published()
    policy.file_stored()
    policy.file_stored()
    assert not policy.due()
    policy.file_stored()
    assert policy.due()  # by files
    off = CheckpointPolicy(every_files=0, every_s=0, clock=clock)
    off.file_stored()
    clock.now += 10_000
    assert not off.due()
