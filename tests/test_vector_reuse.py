"""A passage whose text is already in the library gets its stored vector, not a new encoding:
a rebuild of an unchanged library encodes no passage, and only with the same encoder."""

from __future__ import annotations

import numpy as np

from assistant.field.themes import Taxonomy
from assistant.library import Library
from assistant.library.ingest import rebuild
from assistant.library.migrations import migrate

from .support import FakeEmbedder, downgrade_to_schema_3


class RecordingEmbedder(FakeEmbedder):
    """The fake embedder, keeping every text it was asked to encode."""

    def __init__(self, name: str = FakeEmbedder.name) -> None:
        super().__init__()
        self.name = name
        self.texts: list[str] = []

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.texts += texts
        return super().encode(texts, progress)


def _vectors(index) -> dict[tuple[str, int], bytes]:
    """Each passage's stored vector, by (document, where it starts): ids change in a rebuild."""
    library = Library.open(index)
    try:
        return {
            (p.doc_id, p.char_start): np.asarray(library.vector(p.id)).tobytes() for p in library.passages()
        }
    finally:
        library.close()


def _vectors_by_text(index) -> dict[str, bytes]:
    library = Library.open(index)
    try:
        return {p.text: np.asarray(library.vector(p.id)).tobytes() for p in library.passages()}
    finally:
        library.close()


def _passage_texts(index) -> set[str]:
    library = Library.open(index)
    try:
        return {p.text for p in library.passages()}
    finally:
        library.close()


def test_a_rebuild_of_an_unchanged_library_encodes_no_passage(seeds_library):
    index = seeds_library.index_dir
    before = _vectors(index)
    embedder = RecordingEmbedder()
    reports = rebuild(seeds_library, embedder)
    assert [r.status for r in reports] == ["added", "added"]
    assert not set(embedder.texts) & _passage_texts(index)  # no passage went to the model
    assert embedder.encoded == len(Taxonomy.load())  # only the themes' descriptions, for tagging
    assert _vectors(index) == before  # the same vectors, bit for bit


def test_a_rebuild_with_another_encoder_encodes_every_passage(seeds_library):
    index = seeds_library.index_dir
    passages = len(_vectors(index))
    embedder = RecordingEmbedder(name="another-encoder")
    rebuild(seeds_library, embedder)
    assert set(embedder.texts) >= _passage_texts(index)
    assert embedder.encoded == passages + len(Taxonomy.load())
    assert Library.open(index).model["name"] == "another-encoder"


def test_a_migrated_library_is_rebuilt_without_encoding_its_passages(seeds_library):
    index = seeds_library.index_dir
    before = _vectors(index)
    downgrade_to_schema_3(index)
    migrate(index)  # fills text_sha256 for the passages schema 3 stored
    embedder = RecordingEmbedder()
    rebuild(seeds_library, embedder)
    assert not set(embedder.texts) & _passage_texts(index)
    assert _vectors(index) == before


def test_a_changed_file_in_an_approximate_library_reuses_its_unchanged_passages(settings, tmp_path):
    from assistant.library import store
    from assistant.library.ingest import ingest

    from .support import CORPUS

    small = settings.replace(approximate_above=10)  # the vectors move to an IVF index
    ingest([CORPUS], small, FakeEmbedder())
    index = small.index_dir
    assert store.is_approximate(Library.open(index).vectors)
    before = _vectors_by_text(index)
    changed = tmp_path / "child-i-hscb.md"
    text = (CORPUS / "child-i-hscb.md").read_text(encoding="utf-8")
    changed.write_text(text.replace("Water Safety campaign", "Water Safety and Bath Seat campaign"))
    embedder = RecordingEmbedder()
    [report] = ingest([changed], small, embedder)
    assert report.status == "replaced"
    passages = [t for t in embedder.texts if t in _passage_texts(index)]
    assert len(passages) == 1 and "Bath Seat" in passages[0]  # only the passage that changed
    after = _vectors_by_text(index)
    kept = before.keys() & after.keys()
    assert len(kept) == len(after) - 1 and all(after[t] == before[t] for t in kept)  # bit for bit
    assert Library.open(index).check() == []
