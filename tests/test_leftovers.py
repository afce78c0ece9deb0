"""Leftovers of stopped writers: SIGTERM cleans up after itself, `check` lists what a killed
writer left, `check --repair` removes it; a missing generation folder falls back to the last good."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from assistant.cli import main as cli
from assistant.library import Library, current_generation, ingest, ingest_progress

from .support import ROOT


@pytest.fixture
def run(monkeypatch, fake_embedder, capsys, settings):

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main([*argv, "--index", str(settings.index_dir)], embedder=fake_embedder)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def _batch(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    for i in range(n):
        sentence = f"Recommendation 1: Agencies in area {i} must share information. "
        (folder / f"review-{i}.md").write_text(f"# Review {i}\n\n" + sentence * 30)
    return sorted(folder.iterdir())


def _documents(index: Path) -> set[str]:
    return {d.doc_id for d in Library.open(index).documents() if d.status == "indexed"}


def test_what_a_killed_writer_leaves_is_listed_by_check_and_removed_by_repair(run, seeds_library):
    index = seeds_library.index_dir
    generation = current_generation(index)
    before = _documents(index)
    (index / "tmp-k1ll3d").mkdir()
    (index / "tmp-k1ll3d" / "library.sqlite").write_bytes(b"half")
    (index / ".CURRENT.tmp").write_text("{")
    shutil.copytree(index / f"gen-{generation:06d}", index / f"gen-{generation + 1:06d}")  # never published
    orphan = index / "sources" / ("d" * 64)
    orphan.mkdir()
    (orphan / "stopped.md").write_text("copied, then the writer was killed")
    kept = next(p for p in (index / "sources").iterdir() if p != orphan)
    (kept / ".incoming-4242.tmp").write_text("half a copy")

    code, out, _ = run("check")
    assert code == 0 and out.splitlines()[-1].startswith("ok")  # leftovers are not damage
    assert "leftover: tmp-k1ll3d: temporary folder of a writer that was stopped" in out
    assert "leftover: .CURRENT.tmp" in out
    assert f"leftover: gen-{generation + 1:06d}: a generation that was never published" in out
    assert f"leftover: {'d' * 64}: a copy of an original file that no document lists" in out
    assert "leftover: .incoming-4242.tmp: a half-copied original file" in out
    assert "5 leftovers take space but are never read; `check --repair` removes them" in out

    code, out, _ = run("check", "--repair")
    assert code == 0 and out.count("removed: ") == 5
    code, out, _ = run("check", "--json")
    report = json.loads(out)
    assert report["ok"] and report["leftovers"] == []
    assert current_generation(index) == generation and _documents(index) == before
    assert not orphan.exists() and not (index / "tmp-k1ll3d").exists()


def test_check_leaves_a_writer_at_work_alone(run, seeds_library):
    index = seeds_library.index_dir
    (index / "tmp-busy").mkdir()  # the folder of the writer holding the lock
    with FileLock(index / ".lock"):
        code, out, err = run("check")
        assert code == 0 and "leftover" not in out and "leftovers were not looked for" in err
        code, _, err = run("check", "--repair", "--no-wait")
        assert code == cli.EXIT_BUSY
    assert (index / "tmp-busy").exists()


def test_sigterm_during_an_ingest_leaves_no_temporary_folder(run, seeds_library, tmp_path, monkeypatch):
    """SIGTERM arrives after some originals were copied: the writer removes its temporary
    folder, says the library is unchanged, and `check --repair` removes the copied originals."""
    index = seeds_library.index_dir
    before = _documents(index)
    monkeypatch.setattr(ingest, "ENCODE_BATCH", 1)  # each file is stored (and its original copied) at once

    def progress(_reporter: object, done: int, _total: int, _name: str) -> None:
        if done == 3:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(ingest_progress.Reporter, "file", progress)  # what `ingest` reports files to
    _batch(tmp_path / "batch", 6)
    ignored = signal.signal(signal.SIGTERM, lambda *_: None)  # should the CLI not handle it: no dead pytest
    try:
        code, _, err = run("ingest", str(tmp_path / "batch"))
    finally:
        signal.signal(signal.SIGTERM, ignored)
    assert code == cli.EXIT_INTERRUPTED and "the library is unchanged" in err
    assert not list(index.glob("tmp-*")) and _documents(index) == before
    code, out, _ = run("check")
    assert out.count("a copy of an original file that no document lists") == 3
    run("check", "--repair")
    assert "leftover" not in run("check")[1]


def test_sigterm_to_a_real_writer_process(seeds_library, tmp_path):
    index = seeds_library.index_dir
    batch = _batch(tmp_path / "batch", 40)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.writer_child", str(index), *map(str, batch)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    deadline = time.monotonic() + 300  # on a loaded machine reading (and OCR's look-ahead) takes a while
    while not list(index.glob("tmp-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if proc.poll() is None and not list(index.glob("tmp-*")):
        proc.kill()
        proc.communicate()
        pytest.skip("the writer had not started its save after 300 s")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the writer finished before SIGTERM arrived")
    assert proc.returncode == cli.EXIT_INTERRUPTED and "interrupted" in err and "Traceback" not in err
    assert not list(index.glob("tmp-*"))


def test_a_missing_generation_folder_falls_back_to_the_last_good_one(seeds_library, fake_embedder):
    index = seeds_library.index_dir
    ingest.remove("child-i-hscb", seeds_library)
    assert current_generation(index) == 2
    shutil.rmtree(index / "gen-000002")
    library = Library.open(index)
    assert library.generation == 1 and "gen-000002 is missing" in library.warning
    assert "rebuild" in library.warning
    assert {d.doc_id for d in library.documents()} == {"child-i-hscb", "child-j-hscp-2019"}
