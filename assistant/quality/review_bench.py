"""Speed of "which reviews" over 5,000 documents / 25,000 passages, in-process.

The library is built like :mod:`.bench` builds its own (a few real sentences per passage, the
passage's vector the normalised sum of their real embeddings), five passages a document. Each
timed call is the whole ``find``: the query encoded, every passage scored, the reviews decided,
their evidence read. Opening the finder (reading every passage's owner and vector once per
opened library) is timed apart. So is the note on a misspelt query (each query with a letter of
its longest word left out): reading the library's words once, then each note, none remembered.
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
            spelling = finder.searcher.spelling  # its words, read here once, timed apart
            started = time.perf_counter()
            held = len(spelling.stems)
            words_s = time.perf_counter() - started
            counts = [finder.find(q).count for q in texts]
            timing = _percentiles(_timed(finder.find, texts, rounds))

            def note(query: str) -> str | None:
                spelling.forget()  # each note made afresh, as for a new misspelling
                return finder.searcher.query_note(query)

            slips = [misspelt(q) for q in texts]
            named = sum(note(q) is not None for q in slips)
            notes = _percentiles(_timed(note, slips, rounds))
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
        "spelling": {"stems": held, "read_words_s": round(words_s, 3), "note_ms": notes, "named": named},
    }


def misspelt(query: str) -> str:
    """The query with the second letter of its longest word left out: 'level cossing'."""
    longest = max(query.split(), key=len)
    return query.replace(longest, longest[0] + longest[2:], 1)


def line(report: dict[str, Any]) -> str:
    ms, spelling = report["reviews_ms"], report["spelling"]
    return (
        f"reviews over {report['documents']:,} documents / {report['passages']:,} passages:"
        f" p50 {ms['p50']} ms, p95 {ms['p95']} ms (opening the finder {report['open_finder_s']} s);"
        f" a misspelt query's note p50 {spelling['note_ms']['p50']} ms, p95 {spelling['note_ms']['p95']} ms"
        f" (reading the library's {spelling['stems']:,} words {spelling['read_words_s']} s)"
    )
