"""Vectors found again by the hash of their passage's text, so the same text is embedded once.

A rebuild re-reads every file and cuts the same passages again; a changed file ingested again
keeps most of its passages. Each passage's ``text_sha256`` (schema 4) finds the vector the
library already holds for that text, and only the texts it lacks go to the model. Vectors are
reused only from a library built with the same encoder (the model's name in the manifest, which
names the encoder and its weights, and the dimension): another model's vectors are never mixed in.

An ingest looks in the writer's own copy (the writer already refused a library of another
model), so no second copy of the vectors is held; a rebuild starts from an empty copy, so it
looks in the current generation, opened read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.embedding import Embedder
from assistant.errors import AssistantError
from assistant.library import store
from assistant.library.reader import Library

if TYPE_CHECKING:
    from assistant.library.writer import Writer

Lookup = Callable[[str], "np.ndarray | None"]  # text hash → the stored vector of that text


class StoredVectors:
    """Vectors already stored, by text hash; :meth:`encode` embeds only the texts they lack."""

    def __init__(self, lookup: Lookup, encoders: Sequence[str] = ()):
        self.lookup = lookup
        self.encoders = list(encoders)  # what made the vectors found (Library.encoders), for the manifest
        self.reused = 0  # passages whose vector was found, not encoded
        self.encoded = 0

    @classmethod
    def of_writer(cls, writer: Writer) -> StoredVectors:
        """The vectors of the writer's copy, as it is when each text is looked up."""
        return cls(writer.stored_vector)

    @classmethod
    def of_current(cls, index_dir: Path, model: str, dimension: int) -> StoredVectors:
        """The vectors of the library at ``index_dir`` when it was built with ``model`` (none when
        there is no library, it cannot be opened, or it was built with another model)."""
        try:
            library = Library.open(index_dir)
        except AssistantError:  # damaged beyond its last good state, or an older schema
            return cls(lambda _sha: None)
        try:
            built = library.model or {}
            index = library.vectors
            if index is None or (built.get("name"), built.get("dimension")) != (model, dimension):
                return cls(lambda _sha: None)
            rows = library.db.execute("SELECT text_sha256, id FROM passages WHERE text_sha256 != ''")
            ids = {sha: int(i) for sha, i in rows}  # one id of each text is enough
            encoders = library.encoders
        finally:
            library.close()
        return cls(lambda sha: index.reconstruct(ids[sha]) if sha in ids else None, encoders)

    def encode(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        """One vector a text, in order: stored ones where the text is known, the rest encoded."""
        found = [self.lookup(store.text_sha256(text)) for text in texts]
        vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        missing = [n for n, vector in enumerate(found) if vector is None]
        if missing:
            vectors[missing] = embedder.encode([texts[n] for n in missing], progress=True)
        for n, vector in enumerate(found):
            if vector is not None:
                vectors[n] = vector
        self.encoded += len(missing)
        self.reused += len(texts) - len(missing)
        return vectors
