"""The durable library: incremental updates, integrity, one writer, crashes."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant import library
from assistant.cli import main as cli
from assistant.errors import (
    LibraryBusy,
    LibraryCorrupt,
    LibraryError,
    LibraryOutdated,
    ModelMismatch,
    NotFound,
)
from assistant.field.themes import Taxonomy
from assistant.library import Library, store
from assistant.library import ingest as ingest_module
from assistant.library.ingest import ingest, rebuild, remove

from .support import CORPUS, ROOT, FakeEmbedder


def state(index_dir: Path) -> dict[str, int]:
    """Documents and their passage counts, as a reader sees them."""
    lib = Library.open(index_dir)
    try:
        assert lib.check() == []
        return {d.doc_id: d.passages for d in lib.documents() if d.status == "indexed"}
    finally:
        lib.close()


@pytest.mark.parametrize(
    ("model", "encoders"),
    [
        ({"name": "sentence-transformers/all-MiniLM-L6-v2", "dimension": 384}, ["torch"]),
        ({"name": "m+onnx-int8@53aa51172d14", "dimension": 384}, ["onnx-int8@53aa51172d14"]),
        ({"name": "m", "dimension": 384, "encoders": ["onnx-fp32@53aa51172d14", "torch"]}, None),
        (None, []),
    ],
)
def test_a_library_says_which_encoders_made_its_vectors(tmp_path, model, encoders):
    """Manifests written before encoders were recorded: torch's vectors, unless the name says ONNX."""
    lib = Library(tmp_path, None, {"model": model} if model else {})
    assert lib.encoders == (model["encoders"] if encoders is None else encoders)


def test_ingest_publishes_a_verified_generation(seeds_library):
    lib = Library.open(seeds_library.index_dir)
    assert lib.generation == 1
    assert lib.manifest["counts"] == {"documents": 2, "failed": 0, "passages": 12, "vectors": 12}
    assert lib.manifest["model"] == {"name": "fake-hash-embedder", "dimension": 64, "encoders": ["fake"]}
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


def test_files_are_read_ahead_on_their_own_thread_and_each_reported(
    settings, fake_embedder, tmp_path, monkeypatch
):
    from assistant.documents import readers

    folder = tmp_path / "files"
    folder.mkdir()
    text = (CORPUS / "child-i-hscb.md").read_text(encoding="utf-8")
    (folder / "a.md").write_text(text, encoding="utf-8")
    (folder / "b.md").write_text(text, encoding="utf-8")  # the same bytes as a.md
    (folder / "c.txt").write_text("", encoding="utf-8")
    (folder / "d.txt").write_text("The school nurse shared the plan with the GP.", encoding="utf-8")
    threads = []
    real = readers.read

    def watched(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(readers, "read", watched)
    reports = ingest([folder], settings, fake_embedder)
    outcomes = {r.name: (r.status, r.reason) for r in reports}
    assert outcomes == {
        "a.md": ("added", None),
        "b.md": ("unchanged", "the same content as a, earlier in this batch"),
        "c.txt": ("failed", "empty file"),
        "d.txt": ("added", None),
    }
    assert [r.name for r in reports] == [
        "a.md",
        "b.md",
        "c.txt",
        "d.txt",
    ]  # in file order, though added at the end
    assert len(threads) == 3 and all(name.startswith("read-ahead") for name in threads)
    assert not [t for t in threading.enumerate() if t.name.startswith("read-ahead")]  # ended with the call


def test_a_copy_of_content_another_file_replaces_in_the_same_call_is_kept(settings, fake_embedder, tmp_path):
    old, new = "Old text: the GP did not share the plan.", "New text: the school shared the plan."
    first = tmp_path / "first"
    first.mkdir()
    (first / "report.txt").write_text(old, encoding="utf-8")
    ingest([first], settings, fake_embedder)
    second = tmp_path / "second"
    second.mkdir()
    (second / "a-copy.txt").write_text(old, encoding="utf-8")  # decided before report.txt replaces it
    (second / "report.txt").write_text(new, encoding="utf-8")
    (second / "z-copy.txt").write_text(old, encoding="utf-8")  # decided before the replacement is stored
    reports = ingest([second], settings, fake_embedder)
    assert [r.name for r in reports] == ["a-copy.txt", "report.txt", "z-copy.txt"]  # a-copy read at the end
    outcomes = {r.name: (r.status, r.doc_id, r.reason) for r in reports}
    assert outcomes == {
        "a-copy.txt": ("added", "a-copy", None),
        "report.txt": ("replaced", "report", None),
        "z-copy.txt": ("unchanged", "a-copy", "the same content as a-copy, earlier in this batch"),
    }
    library = Library.open(settings.index_dir)
    texts = {
        doc_id: " ".join(p.text for p in library.passages(doc_id=doc_id)) for doc_id in ("a-copy", "report")
    }
    assert "Old text" in texts["a-copy"] and "New text" in texts["report"]


def _counting_reads(monkeypatch) -> list[str]:
    from assistant.documents import readers

    names, real = [], readers.read

    def counted(path, settings, name=None):
        names.append(name or path.name)
        return real(path, settings, name)

    monkeypatch.setattr(readers, "read", counted)
    return names


def test_copies_are_kept_when_replacements_rotate_and_each_file_is_read_once(
    settings, fake_embedder, tmp_path, monkeypatch
):
    first = tmp_path / "first"
    first.mkdir()
    versions = {n: f"Version {n}: the GP shared the plan with the school nurse." for n in (1, 2, 3)}
    (first / "latest.txt").write_text(versions[2], encoding="utf-8")
    (first / "previous.txt").write_text(versions[1], encoding="utf-8")
    ingest([first], settings, fake_embedder)
    second = tmp_path / "second"
    second.mkdir()
    (second / "archive-v1.txt").write_text(versions[1], encoding="utf-8")  # as previous holds it now
    (second / "latest.txt").write_text(versions[3], encoding="utf-8")
    (second / "previous.txt").write_text(versions[2], encoding="utf-8")  # as latest holds it now
    reads = _counting_reads(monkeypatch)
    reports = ingest([second, second / "latest.txt"], settings, fake_embedder)  # latest.txt given twice
    assert [(r.name, r.status) for r in reports] == [
        ("archive-v1.txt", "added"), ("latest.txt", "replaced"), ("previous.txt", "replaced"),
        ("latest.txt", "unchanged"),
    ]  # fmt: skip
    reports = reports[:3]
    assert {r.name: (r.status, r.doc_id) for r in reports} == {
        "archive-v1.txt": ("added", "archive-v1"),
        "latest.txt": ("replaced", "latest"),
        "previous.txt": ("replaced", "previous"),
    }
    assert sorted(reads) == ["archive-v1.txt", "latest.txt", "previous.txt"]
    library = Library.open(settings.index_dir)
    held = {d.doc_id: library.passages(doc_id=d.doc_id)[0].text for d in library.documents()}
    assert {doc_id: text.split(":")[0] for doc_id, text in held.items()} == {
        "archive-v1": "Version 1", "latest": "Version 3", "previous": "Version 2"
    }  # fmt: skip


def test_copies_of_a_file_that_failed_are_read_and_fail_on_their_own(
    settings, fake_embedder, tmp_path, monkeypatch
):
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.md"):
        (folder / name).write_bytes(b"")  # the same (empty) content
    reads = _counting_reads(monkeypatch)
    reports = ingest([folder], settings, fake_embedder)
    assert {r.name: (r.status, r.doc_id, r.reason) for r in reports} == {
        name: ("failed", name.split(".")[0], "empty file") for name in ("a.txt", "b.txt", "c.md")
    }  # each listed in the library as failed, not as a copy of a.txt
    assert sorted(reads) == ["a.txt", "b.txt", "c.md"]


def test_an_interrupted_ingest_leaves_no_reading_behind(settings, tmp_path, monkeypatch):
    folder = tmp_path / "files"
    folder.mkdir()
    for n in range(40):
        (folder / f"{n:02}.txt").write_text(f"Report {n}: the GP did not share the plan.", encoding="utf-8")

    class Interrupted(FakeEmbedder):
        def encode(self, texts, progress=False):
            raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "ENCODE_BATCH", 4)
    with pytest.raises(KeyboardInterrupt):
        ingest([folder], settings, Interrupted())
    assert not [t for t in threading.enumerate() if t.name.startswith("read-ahead")]
    assert state(settings.index_dir) == {}  # nothing published: no checkpoint came before the interruption


def test_changed_file_replaces_only_its_own_passages(seeds_library, fake_embedder, tmp_path):
    changed = tmp_path / "child-i-hscb.md"
    text = (CORPUS / "child-i-hscb.md").read_text(encoding="utf-8")
    changed.write_text(text.replace("Water Safety campaign", "Water Safety and Bath Seat campaign"))
    old = {p.text for p in Library.open(seeds_library.index_dir).passages(doc_id="child-i-hscb")}
    before = fake_embedder.encoded
    [report] = ingest([changed], seeds_library, fake_embedder)
    assert report.status == "replaced" and report.doc_id == "child-i-hscb"
    lib = Library.open(seeds_library.index_dir)
    texts = [p.text for p in lib.passages(doc_id="child-i-hscb")]
    new = [t for t in texts if t not in old]
    assert len(new) == 1 and "Bath Seat" in new[0]
    themes = len(Taxonomy.load())  # the theme descriptions are encoded once per tagging ingest
    # only the passage whose text changed: the others keep their stored vectors (by text hash)
    assert fake_embedder.encoded - before == len(new) + themes
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
@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_damage_is_detected_and_the_last_good_generation_is_used(
    seeds_library, fake_embedder, tmp_path, target, damage
):
    extra = tmp_path / "extra.md"
    extra.write_text("# Extra review\n\nRecommendation 1: Schools should share attendance concerns.\n")
    ingest([extra], seeds_library, fake_embedder)
    current = Library.open(seeds_library.index_dir).folder
    damaged = current / target
    data = bytearray(damaged.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01  # one bit
    else:
        del data[len(data) // 2 :]
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


def test_a_damaged_current_pointer_names_the_rebuild_command(seeds_library, fake_embedder):
    pointer = seeds_library.index_dir / "CURRENT"
    pointer.write_bytes(pointer.read_bytes()[:10])
    with pytest.raises(LibraryCorrupt, match="CURRENT is damaged.*python -m assistant rebuild"):
        Library.open(seeds_library.index_dir)
    assert sorted(r.status for r in rebuild(seeds_library, fake_embedder)) == ["added", "added"]
    check_sound(seeds_library.index_dir)


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


def _writer(index_dir: Path, *paths: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.writer_child", str(index_dir), *map(str, paths)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip


KILL_TRIALS = 50


@pytest.fixture
def batch_job(seeds_library, tmp_path):
    """A batch of 40 reviews, the seed library before it and the library after it (finished
    by an unhindered writer): (batch folder, template library, old state, new state, seconds)."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for n in range(40):
        sentence = f"Recommendation 1: Agencies in area {n} must share information. "
        (batch / f"review-{n}.md").write_text(f"# Review {n}\n\n" + sentence * 30)
    template = tmp_path / "old"
    shutil.copytree(seeds_library.index_dir, template)
    finished = tmp_path / "finished"
    shutil.copytree(template, finished)
    started = time.monotonic()
    assert _writer(finished, batch).wait(timeout=120) == 0
    seconds = time.monotonic() - started
    new = state(finished)
    assert len(new) == 42
    return batch, template, state(template), new, seconds


def check_sound(index: Path) -> None:
    library = Library.open(index)
    assert library.warning is None
    assert library.check() == []


@pytest.mark.slow
def test_a_writer_killed_mid_save_leaves_a_loadable_library(batch_job, tmp_path):
    """SIGKILL the writer at moments spread over the whole save: the library holds the old or
    the new state, passes its check, and the next writer clears up and finishes the job."""
    batch, template, old, new, seconds = batch_job
    rng = random.Random(7)
    outcomes = []
    for trial in range(KILL_TRIALS):
        index = tmp_path / f"trial-{trial}"
        shutil.copytree(template, index)
        proc = _writer(index, batch)
        time.sleep((trial + rng.random()) / KILL_TRIALS * seconds * 1.1)  # stratified over the save
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen = state(index)
        assert seen in (old, new), f"trial {trial}: a mix of old and new"
        check_sound(index)
        outcomes.append("new" if seen == new else "old")
        assert _writer(index, batch).wait(timeout=120) == 0
        assert state(index) == new and not list(index.glob("tmp-*"))
        shutil.rmtree(index)
    old_n, new_n = outcomes.count("old"), outcomes.count("new")
    print(f"kill trials: {KILL_TRIALS}, old state {old_n}, new state {new_n}, mixed 0")
    assert "old" in outcomes  # the kills did land mid-save


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["copy", "growing", "last page"])
def test_a_full_disk_during_a_save_changes_nothing(batch_job, tmp_path, moment):
    """No file may grow past a limit (as on a full disk), reached while the writer copies the
    database, while it adds passages, or at its last page: the writer stops with a clear
    message, the old library is intact, and a writer with room then finishes the job."""
    batch, template, old, new, _ = batch_job
    base = (template / "gen-000001" / "library.sqlite").stat().st_size
    final = max(p.stat().st_size for p in (tmp_path / "finished").glob("gen-*/library.sqlite"))
    limit = {"copy": 1024, "growing": (base + final) // 2, "last page": final - 4096}[moment]
    index = tmp_path / "full"
    shutil.copytree(template, index)
    proc = _writer(index, batch, env={**os.environ, "WRITER_FILE_LIMIT": str(limit)})
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, out + err
    refused = r"could not be written \((File too large|disk I/O error|database or disk is full)\)"
    assert re.search(refused + r"\. Nothing was changed", err.decode()), err
    assert state(index) == old
    check_sound(index)
    assert _writer(index, batch).wait(timeout=120) == 0
    assert state(index) == new and not list(index.glob("tmp-*"))


def test_a_large_library_moves_to_an_approximate_index(settings, fake_embedder, tmp_path):
    from assistant.library import store

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
    from assistant.library import store

    monkeypatch.setattr(store, "PIPELINE_VERSION", store.PIPELINE_VERSION + 1)
    reports = ingest([CORPUS], seeds_library, fake_embedder)
    assert [r.status for r in reports] == ["replaced", "replaced"]
    assert [r.status for r in ingest([CORPUS], seeds_library, fake_embedder)] == ["unchanged", "unchanged"]


def test_a_library_from_an_older_schema_is_refused_then_rebuilt(seeds_library, fake_embedder):
    remove("child-i-hscb", seeds_library)  # its original is still kept, for the previous generation
    index = seeds_library.index_dir
    folder = Library.open(index).folder
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (index / "CURRENT").write_text(json.dumps({"generation": manifest["generation"], "manifest_sha256": ""}))
    outdated = f"schema 1.*reads schema {store.SCHEMA_VERSION}.*assistant rebuild"
    with pytest.raises(LibraryOutdated, match=outdated):
        Library.open(index)
    assert cli.main(["docs", "--index", str(index)]) == cli.EXIT_OUTDATED  # scripts/start rebuilds on it
    reports = rebuild(seeds_library, fake_embedder)
    assert [r.status for r in reports] == ["added"]  # the removed document stays removed
    assert state(index) == {"child-j-hscp-2019": 8}


def test_a_library_from_a_newer_version_is_not_rebuilt(seeds_library):
    folder = Library.open(seeds_library.index_dir).folder
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = 99
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (seeds_library.index_dir / "CURRENT").write_text(json.dumps({"generation": 1, "manifest_sha256": ""}))
    with pytest.raises(LibraryError, match="newer version.*upgrade the assistant"):
        Library.open(seeds_library.index_dir)
    assert cli.main(["docs", "--index", str(seeds_library.index_dir)]) == cli.EXIT_ERROR
