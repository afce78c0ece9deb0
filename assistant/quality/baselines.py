"""The two baselines "which reviews" is measured against, run on the same library and queries.

- :class:`WholeReportBM25`: plain BM25 (k1 1.2, b 0.75) over each report's whole text, no
  vocabulary, no stemming: the search a spreadsheet of reports would get.
- :class:`NaiveChunks`: the usual first attempt at retrieval: every report cut into 1,000-
  character chunks, each embedded with the same model, ranked by cosine similarity alone.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder
from assistant.search.searcher import content_words

CHUNK_CHARS = 1000


class WholeReportBM25:
    def __init__(self, texts: dict[str, str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.doc_ids = sorted(texts)
        self.counts = [Counter(content_words(texts[d])) for d in self.doc_ids]
        self.lengths = np.array([sum(c.values()) for c in self.counts], dtype=np.float64)
        self.average = float(self.lengths.mean()) if len(self.lengths) else 0.0
        frequency: Counter[str] = Counter()
        for counts in self.counts:
            frequency.update(counts.keys())
        n = len(self.doc_ids)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def rank(self, query: str) -> list[str]:
        """Doc ids holding any query word, best first."""
        terms = [w for w in dict.fromkeys(content_words(query)) if w in self.idf]
        scores = np.zeros(len(self.doc_ids))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.average, 1e-9))
        for term in terms:
            tf = np.array([c.get(term, 0) for c in self.counts], dtype=np.float64)
            scores += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
        order = np.argsort(-scores, kind="stable")
        return [self.doc_ids[i] for i in order if scores[i] > 0]


class NaiveChunks:
    """1,000-character chunks of every report, embedded; vectors cached by content and model."""

    def __init__(self, texts: dict[str, str], embedder: Embedder, cache: Path | None = None):
        self.owner: list[str] = []
        chunks: list[str] = []
        for doc_id in sorted(texts):
            text = texts[doc_id]
            for start in range(0, len(text), CHUNK_CHARS):
                if piece := text[start : start + CHUNK_CHARS].strip():
                    chunks.append(piece)
                    self.owner.append(doc_id)
        key = hashlib.sha256("\x00".join([embedder.name, *chunks]).encode("utf-8")).hexdigest()[:16]
        path = cache / f"naive-chunks-{key}.npy" if cache is not None else None
        if path is not None and path.is_file():
            self.vectors = np.load(path, allow_pickle=False)
        else:
            self.vectors = np.asarray(embedder.encode(chunks), dtype=np.float32).reshape(len(chunks), -1)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, self.vectors, allow_pickle=False)
        self.embedder = embedder

    def passages(self, query: str, k: int = 10) -> list[str]:
        """The owners of the ``k`` chunks nearest the query, best first (one per chunk)."""
        similarity = self.vectors @ self.embedder.encode([query]).reshape(-1)
        return [self.owner[i] for i in np.argsort(-similarity, kind="stable")[:k]]

    def rank(self, query: str) -> list[str]:
        """Doc ids by their best chunk, best first."""
        seen: dict[str, None] = {}
        for doc_id in self.passages(query, len(self.owner)):
            seen.setdefault(doc_id)
        return list(seen)
