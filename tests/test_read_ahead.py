"""Reading ahead: an interrupted ingest does not wait for the file being read on the other thread."""

from __future__ import annotations

import os
import threading
import time

import pytest

from assistant.documents import limits, readers, stopping
from assistant.library.read_ahead import ReadAhead
from assistant.settings import Settings


def test_a_wait_is_cut_into_slices_that_stop_when_told():
    assert list(stopping.slices(30.0)) == [30.0]  # nothing can stop it: one wait, as before
    event = threading.Event()
    with stopping.stop_when(event):
        waits = stopping.slices(30.0)
        assert next(waits) == stopping.SLICE_S
        event.set()
        with pytest.raises(stopping.Stopped):
            next(waits)


def test_a_reader_that_does_not_answer_is_given_up_when_stopped():
    """The reading server's answer is awaited in slices: a stop ends the wait, not its 30 s limit."""
    read_end, write_end = os.pipe()
    event = threading.Event()
    threading.Timer(0.3, event.set).start()
    started = time.monotonic()
    with os.fdopen(read_end, "rb") as silent, stopping.stop_when(event), pytest.raises(stopping.Stopped):
        limits._reply(silent, 30.0)
    os.close(write_end)
    assert time.monotonic() - started < 2


def test_leaving_on_an_interruption_stops_the_reading_under_way(tmp_path, monkeypatch):
    begun = threading.Event()

    def slow(path, settings, name=None):  # a reader waiting on a slow file, as limits._reply does
        begun.set()
        for _ in stopping.slices(30.0):
            time.sleep(0.05)
        raise AssertionError("not stopped")

    monkeypatch.setattr(readers, "read", slow)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), ReadAhead(Settings(index_dir=tmp_path)) as reads:
        reading = reads.read(tmp_path / "a.pdf", "a.pdf")
        queued = reads.read(tmp_path / "b.pdf", "b.pdf")
        assert begun.wait(5)
        raise KeyboardInterrupt
    assert time.monotonic() - started < 3
    assert isinstance(reading.exception(), stopping.Stopped)
    assert queued.cancelled()


def test_no_reading_begins_while_paused(tmp_path, monkeypatch):
    """The ingest pauses reading while it encodes (the encoder keeps every core busy)."""
    begun = threading.Event()
    monkeypatch.setattr(readers, "read", lambda path, settings, name=None: begun.set() or name)
    with ReadAhead(Settings(index_dir=tmp_path)) as reads:
        with reads.paused():
            reading = reads.read(tmp_path / "a.md", "a.md")
            assert not begun.wait(0.5)
        assert reading.result(timeout=5) == "a.md" and begun.is_set()
