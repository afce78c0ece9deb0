"""An ingest that is interrupted keeps its checkpoints; a rerun finishes with every report once.

PFD reports (``../shared/corpora/pfd``) written as Markdown, the fake embedder, small checkpoints.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from assistant.cli import main as cli
from assistant.library import Library, ingest
from assistant.quality import pfd
from tests.support import PFD, ROOT, FakeEmbedder

REPORTS = 120


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory) -> Path:
    if not PFD.is_dir():
        pytest.skip("../shared/corpora/pfd is not here")
    folder = tmp_path_factory.mktemp("pfd")
    for report in list(pfd.load(PFD))[:REPORTS]:
        pfd.write_markdown(report, folder)
    return folder


def holdings(index: Path) -> Counter[str]:
    library = Library.open(index)
    try:
        assert library.check() == []
        return Counter(d.source for d in library.documents() if d.status == "indexed")
    finally:
        library.close()


def finish(index: Path, folder: Path, monkeypatch) -> None:
    assert cli.main(["ingest", str(folder), "--index", str(index)], embedder=FakeEmbedder()) == 0
    held = holdings(index)
    assert len(held) == len(list(folder.glob("*.md"))) and set(held.values()) == {1}


def child(index: Path, folder: Path) -> subprocess.Popen[str]:
    # passages encoded 16 at a time (a checkpoint is checked after each batch), each call waiting
    # 0.1 s: after the first checkpoint dozens of calls are left, so a signal finds the ingest
    # running
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_CHECKPOINT_FILES": "1",
        "WRITER_ENCODE_BATCH": "16",
        "WRITER_ENCODE_PAUSE_S": "0.1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.writer_child", str(index), str(folder), "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def first_checkpoint(process: subprocess.Popen[str]) -> dict:
    assert process.stderr is not None
    for text in process.stderr:
        if text.startswith("{") and (event := json.loads(text))["event"] == "checkpoint":
            return event
    raise AssertionError(f"no checkpoint before the end (exit {process.wait()})")


@pytest.mark.slow  # a child process ingesting 120 reports
def test_sigkill_after_a_checkpoint_keeps_it_and_a_rerun_finishes(reports_dir, tmp_path, monkeypatch):
    index = tmp_path / "index"
    process = child(index, reports_dir)
    event = first_checkpoint(process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    held = holdings(index)  # opens, and `check` finds nothing wrong
    assert held and set(held.values()) == {1}
    assert len(held) >= 1 and event["files_total"] == REPORTS and event["passages_per_s"] > 0
    finish(index, reports_dir, monkeypatch)


@pytest.mark.slow
def test_sigint_prints_a_friendly_line_and_a_rerun_finishes(reports_dir, tmp_path, monkeypatch):
    index = tmp_path / "index"
    process = child(index, reports_dir)
    first_checkpoint(process)
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=120)
    assert process.returncode != 0, "the ingest finished: the interrupt did not reach it"
    assert "interrupted" in rest and "run the same ingest again" in rest
    assert "Traceback" not in rest
    finish(index, reports_dir, monkeypatch)


def test_an_exception_mid_ingest_publishes_only_whole_checkpoints(reports_dir, tmp_path, monkeypatch):
    """All or nothing per checkpoint: what was stored after the last one is not published."""
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path / "index", checkpoint_files=1, checkpoint_s=0)
    monkeypatch.setattr(ingest, "ENCODE_BATCH", 40)

    class Failing(FakeEmbedder):
        def encode(self, texts, progress=False):
            if self.calls == 3:
                raise KeyboardInterrupt
            return super().encode(texts, progress)

    published: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest([reports_dir], settings, Failing(), on_checkpoint=published.append)
    assert published  # a checkpoint after each batch stored before the interruption
    held = holdings(settings.index_dir)
    assert 0 < len(held) < REPORTS and set(held.values()) == {1}
    assert not list(settings.index_dir.glob("tmp-*"))  # the writer's copy was removed
    finish(settings.index_dir, reports_dir, monkeypatch)


def test_a_rebuild_publishes_only_at_the_end(reports_dir, tmp_path):
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path / "index", checkpoint_files=1, checkpoint_s=0)
    published: list[int] = []
    ingest.ingest([reports_dir], settings, FakeEmbedder())
    ingest.ingest([reports_dir], settings, FakeEmbedder(), fresh=True, on_checkpoint=published.append)
    assert published == []
