"""Vectors found again by the hash of their passage's text, so the same text is embedded once.

A rebuild re-reads every file and cuts the same passages again; a changed file ingested again
keeps most of its passages. Each passage's ``text_sha256`` (schema 4) finds the vector the
current generation already holds for that text, and only the texts it lacks go to the model.
Vectors are reused only from a library built with the same encoder (the model's name in the
manifest, which names the encoder and its weights, and the dimension): another model's vectors
are never mixed in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import Embedder
from assistant.errors import AssistantError
from assistant.library import store
from assistant.library.reader import Library


class StoredVectors:
    """The current generation's vectors by text hash; :meth:`encode` embeds only the rest."""

    def __init__(self, by_hash: dict[str, int], index: Any):
        self.by_hash, self.index = by_hash, index
        self.reused = 0  # passages whose vector was found, not encoded
        self.encoded = 0

    @classmethod
    def none(cls) -> StoredVectors:
        return cls({}, None)

    @classmethod
    def of_current(cls, index_dir: Path, model: str, dimension: int) -> StoredVectors:
        """The vectors of the library at ``index_dir`` when it was built with ``model`` (none when
        there is no library, it cannot be opened, or it was built with another model)."""
        try:
            library = Library.open(index_dir)
        except AssistantError:  # damaged beyond its last good state, or an older schema
            return cls.none()
        try:
            built = library.model
            if (
                library.vectors is None
                or not built
                or (built["name"], built["dimension"]) != (model, dimension)
            ):
                return cls.none()
            rows = library.db.execute("SELECT text_sha256, id FROM passages WHERE text_sha256 != ''")
            return cls({sha: int(i) for sha, i in rows}, library.vectors)  # one id of each text is enough
        finally:
            library.close()

    def encode(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        """One vector a text, in order: stored ones where the text is known, the rest encoded."""
        ids = [self.by_hash.get(store.text_sha256(text)) for text in texts]
        vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        missing = [n for n, i in enumerate(ids) if i is None]
        if missing:
            vectors[missing] = embedder.encode([texts[n] for n in missing], progress=True)
        for n, i in enumerate(ids):
            if i is not None:
                vectors[n] = self.index.reconstruct(i)
        self.encoded += len(missing)
        self.reused += len(texts) - len(missing)
        return vectors
