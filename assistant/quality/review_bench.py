"""Speed of "which reviews" over 5,000 documents / 25,000 passages, in-process.

The library is built like :mod:`.bench` builds its own (a few real sentences per passage, the
passage's vector the normalised sum of their real embeddings), five passages a document. Each
timed call is the whole ``find``: the query encoded, every passage scored, the reviews decided,
their evidence read. Opening the finder (reading every passage's owner and vector once per
opened library) is timed apart.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant import library
from assistant.embedding import Embedder
from assistant.quality.bench import _percentiles, _timed, sentence_pool
from assistant.records import Document, Passage
from assistant.search.reviews import ReviewFinder
from assistant.search.searcher import Searcher
from assistant.settings import Settings

DOCUMENTS = 5_000
PASSAGES_PER_DOCUMENT = 5
SENTENCES_PER_PASSAGE = 4


def build(
    index_dir: Path, documents: int, pool: tuple[list[str], np.ndarray], model: dict, rng: random.Random
) -> None:
    sentences, vectors = pool
    with library.writer(
        index_dir, model["name"], model["dimension"], approximate_above=10**12, encoders=model["encoders"]
    ) as w:
        for d in range(documents):
            doc_id = f"synthetic-{d:05d}"
            passages, rows = [], []
            for n in range(PASSAGES_PER_DOCUMENT):
                picks = rng.sample(range(len(sentences)), SENTENCES_PER_PASSAGE)
                text = " ".join(sentences[i] for i in picks)
                vector = vectors[picks].sum(axis=0)
                rows.append(vector / np.linalg.norm(vector))
                passages.append(Passage(doc_id, doc_id, f"Section {n}", None, None, None, 0, len(text), text))
            document = Document(doc_id, doc_id, f"{doc_id}.md", "markdown", doc_id, "indexed")
            w.put(document, "", passages, np.vstack(rows).astype(np.float32))


def queries() -> list[str]:
    import tomllib

    labelled = tomllib.loads((Settings.from_env().eval_dir / "reviews.toml").read_text("utf-8"))["query"]
    return list(dict.fromkeys(q["text"] for q in labelled))  # a query labelled twice is timed once


def run(embedder: Embedder, documents: int = DOCUMENTS, rounds: int = 3) -> dict[str, Any]:
    rng = random.Random(11)
    pool = sentence_pool(embedder, rng)
    model = {"name": embedder.name, "dimension": embedder.dimension, "encoders": [embedder.encoder]}
    texts = queries()
    with tempfile.TemporaryDirectory(prefix="reviews-bench-") as tmp:
        build(Path(tmp), documents, pool, model, rng)
        opened = library.Library.open(Path(tmp))
        try:
            started = time.perf_counter()
            finder = ReviewFinder(Searcher(opened, embedder))
            open_s = time.perf_counter() - started
            counts = [finder.find(q).count for q in texts]
            timing = _percentiles(_timed(finder.find, texts, rounds))
        finally:
            opened.close()
    return {
        "documents": documents,
        "passages": documents * PASSAGES_PER_DOCUMENT,
        "queries": len(texts),
        "rounds": rounds,
        "open_finder_s": round(open_s, 2),
        "reviews_ms": timing,
        "matches_per_query_max": max(counts),
    }


def line(report: dict[str, Any]) -> str:
    ms = report["reviews_ms"]
    return (
        f"reviews over {report['documents']:,} documents / {report['passages']:,} passages:"
        f" p50 {ms['p50']} ms, p95 {ms['p95']} ms (opening the finder {report['open_finder_s']} s)"
    )
