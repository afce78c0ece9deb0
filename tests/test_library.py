"""The durable library: incremental updates, integrity, one writer, crashes."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import library
from assistant.errors import LibraryBusy, LibraryCorrupt, LibraryOutdated, ModelMismatch, NotFound
from assistant.ingest import ingest, rebuild, remove
from assistant.library import Library
from assistant.themes import Taxonomy

from .conftest import CORPUS, ROOT


def state(index_dir: Path) -> dict[str, int]:
    """Documents and their passage counts, as a reader sees them."""
    lib = Library.open(index_dir)
    try:
        assert lib.check() == []
        return {d.doc_id: d.passages for d in lib.documents() if d.status == "indexed"}
    finally:
        lib.close()


def test_ingest_publishes_a_verified_generation(seeds_library):
    lib = Library.open(seeds_library.index_dir)
    assert lib.generation == 1
    assert lib.manifest["counts"] == {"documents": 2, "failed": 0, "passages": 12, "vectors": 12}
    assert lib.manifest["model"] == {"name": "fake-hash-embedder", "dimension": 64}
    assert set(lib.manifest["files"]) == {"library.sqlite", "vectors.faiss"}
    assert {"faiss", "sqlite", "pypdf"} <= set(lib.manifest["versions"])
    assert lib.check() == []
    child_j = lib.document("child-j-hscp-2019")
    assert (child_j.subject, child_j.partnership_short, child_j.published) == (
        "Child J",
        "HSCP",
        "2019-12-19",
    )
    assert child_j.cite() == "Child J (HSCP, 2019)"
    assert lib.document("child-i-hscb").published == ""  # the text gives no date: none is invented
    assert lib.source_file("child-i-hscb").read_bytes() == (CORPUS / "child-i-hscb.md").read_bytes()


def test_unchanged_file_is_skipped_without_embedding(seeds_library, fake_embedder):
    before = fake_embedder.encoded
    reports = ingest([CORPUS], seeds_library, fake_embedder)
    assert [r.status for r in reports] == ["unchanged", "unchanged"]
    assert fake_embedder.encoded == before
    assert Library.open(seeds_library.index_dir).generation == 1  # nothing was rewritten


def test_changed_file_replaces_only_its_own_passages(seeds_library, fake_embedder, tmp_path):
    changed = tmp_path / "child-i-hscb.md"
    text = (CORPUS / "child-i-hscb.md").read_text(encoding="utf-8")
    changed.write_text(text.replace("Water Safety campaign", "Water Safety and Bath Seat campaign"))
    before = fake_embedder.encoded
    [report] = ingest([changed], seeds_library, fake_embedder)
    assert report.status == "replaced" and report.doc_id == "child-i-hscb"
    themes = len(Taxonomy.load())  # the theme descriptions are encoded once per tagging ingest
    assert fake_embedder.encoded - before == report.passages + themes  # only this document
    lib = Library.open(seeds_library.index_dir)
    texts = [p.text for p in lib.passages(doc_id="child-i-hscb")]
    assert any("Bath Seat" in t for t in texts)
    assert state(seeds_library.index_dir) == {"child-i-hscb": 4, "child-j-hscp-2019": 8}


def test_removed_document_loses_its_passages_and_vectors(seeds_library):
    lib = Library.open(seeds_library.index_dir)
    removed_ids = [p.id for p in lib.passages(doc_id="child-j-hscp-2019")]
    remove("child-j-hscp-2019", seeds_library)
    lib = Library.open(seeds_library.index_dir)
    assert [d.doc_id for d in lib.documents()] == ["child-i-hscb"]
    assert lib.passages(removed_ids) == []
    assert lib.vectors.ntotal == 4 and lib.check() == []
    with pytest.raises(NotFound):
        remove("child-j-hscp-2019", seeds_library)


def test_a_different_model_is_refused_with_the_rebuild_command(seeds_library):
    with pytest.raises(ModelMismatch, match="python -m assistant rebuild"):
        Library.open(seeds_library.index_dir, "sentence-transformers/all-MiniLM-L6-v2", 384)


@pytest.mark.parametrize("target", ["library.sqlite", "vectors.faiss", "manifest.json"])
def test_damage_is_detected_and_the_last_good_generation_is_used(
    seeds_library, fake_embedder, tmp_path, target
):
    extra = tmp_path / "extra.md"
    extra.write_text("# Extra review\n\nRecommendation 1: Schools should share attendance concerns.\n")
    ingest([extra], seeds_library, fake_embedder)
    current = Library.open(seeds_library.index_dir).folder
    damaged = current / target
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    lib = Library.open(seeds_library.index_dir)
    assert lib.generation == 1 and "damaged" in lib.warning and "rebuild" in lib.warning
    assert {d.doc_id for d in lib.documents()} == {"child-i-hscb", "child-j-hscp-2019"}
    with pytest.raises(LibraryCorrupt):  # a writer never builds on damage
        ingest([extra], seeds_library, fake_embedder)


def test_damage_with_no_good_generation_names_the_rebuild_command(seeds_library, fake_embedder):
    folder = Library.open(seeds_library.index_dir).folder
    (folder / "vectors.faiss").write_bytes(b"")
    with pytest.raises(LibraryCorrupt, match="python -m assistant rebuild --index"):
        Library.open(seeds_library.index_dir)
    reports = rebuild(seeds_library, fake_embedder)  # from the kept originals
    assert sorted(r.status for r in reports) == ["added", "added"]
    assert state(seeds_library.index_dir) == {"child-i-hscb": 4, "child-j-hscp-2019": 8}


def test_only_one_writer_at_a_time(seeds_library):
    with library.writer(seeds_library.index_dir, "fake-hash-embedder", 64):
        with pytest.raises(LibraryBusy):
            with library.writer(seeds_library.index_dir, "fake-hash-embedder", 64, timeout=0.2):
                pass


def test_an_error_inside_the_writer_changes_nothing(seeds_library):
    with pytest.raises(RuntimeError):
        with library.writer(seeds_library.index_dir, "fake-hash-embedder", 64) as w:
            w.remove("child-j-hscp-2019")
            raise RuntimeError("power cut")
    assert state(seeds_library.index_dir) == {"child-i-hscb": 4, "child-j-hscp-2019": 8}
    assert not list(seeds_library.index_dir.glob("tmp-*"))


def test_old_generations_are_tidied(seeds_library, fake_embedder, tmp_path):
    for n in range(3):
        extra = tmp_path / f"extra-{n}.md"
        extra.write_text(f"# Extra {n}\n\nRecommendation 1: Review number {n} asks for training.\n")
        ingest([extra], seeds_library, fake_embedder)
    assert sorted(p.name for p in seeds_library.index_dir.glob("gen-*")) == ["gen-000003", "gen-000004"]
    pointer = json.loads((seeds_library.index_dir / "CURRENT").read_text())
    assert pointer["generation"] == 4


def _writer(index_dir: Path, *paths: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.writer_child", str(index_dir), *map(str, paths)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.slow
def test_a_writer_killed_mid_save_leaves_a_loadable_library(seeds_library, tmp_path):
    """SIGKILL the writer at random moments: the library holds the old or the new state."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for n in range(40):
        sentence = f"Recommendation 1: Agencies in area {n} must share information. "
        (batch / f"review-{n}.md").write_text(f"# Review {n}\n\n" + sentence * 30)
    template = tmp_path / "old"
    shutil.copytree(seeds_library.index_dir, template)
    old = state(template)

    finished = tmp_path / "finished"
    shutil.copytree(template, finished)
    started = time.monotonic()
    assert _writer(finished, batch).wait(timeout=120) == 0
    full = time.monotonic() - started
    new = state(finished)
    assert len(new) == 42

    rng = random.Random(7)
    seen_states = []
    for trial in range(12):
        index = tmp_path / f"trial-{trial}"
        shutil.copytree(template, index)
        proc = _writer(index, batch)
        time.sleep(rng.uniform(0.0, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen = state(index)
        assert seen in (old, new)
        seen_states.append(seen == new)
        # the next writer clears what the killed one left and finishes the job
        assert _writer(index, batch).wait(timeout=120) == 0
        assert state(index) == new and not list(index.glob("tmp-*"))
    assert len(seen_states) == 12


def test_a_large_library_moves_to_an_approximate_index(settings, fake_embedder, tmp_path):
    from assistant import store

    small = settings.replace(approximate_above=10)
    ingest([CORPUS], small, fake_embedder)
    lib = Library.open(small.index_dir)
    assert store.is_approximate(lib.vectors) and lib.vectors.ntotal == 12
    assert lib.check() == []
    remove("child-i-hscb", small)  # removal and later additions keep working
    extra = tmp_path / "extra.md"
    extra.write_text("# Extra\n\nRecommendation 1: Schools should share attendance concerns.\n")
    ingest([extra], small, fake_embedder)
    lib = Library.open(small.index_dir)
    assert store.is_approximate(lib.vectors) and lib.check() == []
    assert sorted(d.doc_id for d in lib.documents()) == ["child-j-hscp-2019", "extra"]


def test_documents_cut_by_an_older_pipeline_are_read_again(seeds_library, fake_embedder, monkeypatch):
    from assistant import store

    monkeypatch.setattr(store, "PIPELINE_VERSION", store.PIPELINE_VERSION + 1)
    reports = ingest([CORPUS], seeds_library, fake_embedder)
    assert [r.status for r in reports] == ["replaced", "replaced"]
    assert [r.status for r in ingest([CORPUS], seeds_library, fake_embedder)] == ["unchanged", "unchanged"]


def test_a_library_from_an_older_schema_is_refused_then_rebuilt(seeds_library, fake_embedder):
    index = seeds_library.index_dir
    folder = index / "gen-000001"
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (index / "CURRENT").write_text(json.dumps({"generation": 1, "manifest_sha256": ""}))
    with pytest.raises(LibraryOutdated, match="schema 1.*reads schema 2.*assistant rebuild"):
        Library.open(index)
    reports = rebuild(seeds_library, fake_embedder)
    assert [r.status for r in reports] == ["added", "added"]
    assert state(index) == {"child-i-hscb": 4, "child-j-hscp-2019": 8}
