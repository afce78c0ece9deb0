"""Search speed at 1k, 10k, 100k and 200k passages (or on a library already built), next to the
time of encoding the query alone.

Passages are synthetic for size: each is a few real sentences (from the seed responses and, when
present, the PFD reports) drawn at random, and its vector is the normalised sum of its
sentences' real embeddings, so the vectors have the structure real passages have. Queries are
the labelled evaluation queries, encoded for real on every call.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from assistant import library
from assistant.embedding import Embedder
from assistant.quality.evaluation import load_queries, seed_and_pfd_texts
from assistant.records import Document, Passage
from assistant.search.searcher import Searcher
from assistant.sentences import sentence_spans

SIZES = (1_000, 10_000, 100_000, 200_000)
PASSAGES_PER_DOCUMENT = 100
SENTENCES_PER_PASSAGE = 4
POOL = 3_000


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered) * 1000, 2), "p95": round(p95 * 1000, 2)}


def _timed(call: Callable[[str], Any], queries: list[str], rounds: int) -> list[float]:
    for query in queries[:3]:
        call(query)  # warm caches
    samples = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            call(query)
            samples.append(time.perf_counter() - started)
    return samples


def sentence_pool(embedder: Embedder, rng: random.Random) -> tuple[list[str], np.ndarray]:
    sentences = [
        text[s:e] for text in seed_and_pfd_texts() for s, e in sentence_spans(text) if 30 <= e - s <= 400
    ]
    rng.shuffle(sentences)
    sentences = sentences[:POOL]
    return sentences, embedder.encode(sentences)


def build(
    index_dir: Path, size: int, pool: tuple[list[str], np.ndarray], model: dict, rng: random.Random
) -> None:
    """A library of ``size`` synthetic passages, with an exact vector index."""
    sentences, vectors = pool
    with library.writer(
        index_dir, model["name"], model["dimension"], approximate_above=10**12, encoders=model["encoders"]
    ) as w:
        for d in range(0, size, PASSAGES_PER_DOCUMENT):
            doc_id = f"synthetic-{d // PASSAGES_PER_DOCUMENT:05d}"
            passages, rows = [], []
            for n in range(min(PASSAGES_PER_DOCUMENT, size - d)):
                picks = rng.sample(range(len(sentences)), SENTENCES_PER_PASSAGE)
                text = " ".join(sentences[i] for i in picks)
                vector = vectors[picks].sum(axis=0)
                rows.append(vector / np.linalg.norm(vector))
                passages.append(Passage(doc_id, doc_id, f"Section {n}", None, None, None, 0, len(text), text))
            document = Document(doc_id, doc_id, f"{doc_id}.md", "markdown", doc_id, "indexed")
            w.put(document, "", passages, np.vstack(rows).astype(np.float32))


def run(
    embedder: Embedder, sizes: tuple[int, ...] = SIZES, approximate_above: int = 50_000, rounds: int = 3
) -> dict:
    load_before = os.getloadavg()[0]
    rng = random.Random(42)
    queries = [q["text"] for q in load_queries()]
    pool = sentence_pool(embedder, rng)
    model = {"name": embedder.name, "dimension": embedder.dimension, "encoders": [embedder.encoder]}
    encode_ms = _percentiles(_timed(lambda q: embedder.encode([q]), queries, rounds))
    results: list[dict[str, Any]] = []
    report: dict[str, Any] = {
        "cores": faiss.omp_get_max_threads(),
        "queries": len(queries),
        "rounds": rounds,
        "encode_query_ms": encode_ms,
        "sizes": results,
    }
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            index_dir = Path(tmp)
            build(index_dir, size, pool, model, rng)
            searcher = Searcher(library.Library.open(index_dir), embedder)
            exact = _percentiles(_timed(searcher.search, queries, rounds))
            row: dict[str, Any] = {"passages": size, "index": "exact", "search_ms": exact}
            row["search_over_encode_p50"] = round(exact["p50"] / encode_ms["p50"], 2)
            if size >= approximate_above:
                row.update(_approximate(searcher, queries, rounds, encode_ms))
            results.append(row)
            searcher.library.close()
    report["load_average"] = _load(load_before)
    return report


def run_on_library(embedder: Embedder, index_dir: Path, rounds: int = 3) -> dict[str, Any]:
    """The labelled queries on a library already built (the evaluation library, ~870 PFD reports),
    next to encoding the same queries alone, in the same run."""
    load_before = os.getloadavg()[0]
    queries = [q["text"] for q in load_queries()]
    encode_ms = _percentiles(_timed(lambda q: embedder.encode([q]), queries, rounds))
    opened = library.Library.open(index_dir, embedder.name, embedder.dimension)
    try:
        timing = _percentiles(_timed(Searcher(opened, embedder).search, queries, rounds))
        return {
            "library": str(index_dir),
            "documents": len(opened.documents()),
            "passages": opened.passage_count,
            "queries": len(queries),
            "rounds": rounds,
            "encode_query_ms": encode_ms,
            "search_ms": timing,
            "search_over_encode_p50": round(timing["p50"] / encode_ms["p50"], 2),
            "load_average": _load(load_before),
        }
    finally:
        opened.close()


def _load(before: float) -> list[float]:
    """The machine's 1-minute load average before and after a run: latency on a shared machine
    means little without it."""
    return [round(before, 2), round(os.getloadavg()[0], 2)]


def _approximate(searcher: Searcher, queries: list[str], rounds: int, encode_ms: dict) -> dict[str, Any]:
    """Swap in the approximate index; its latency, and its recall@10 against the exact one."""
    vectors = [searcher.encode(q) for q in queries]
    truth = [[pid for pid, _ in searcher.dense_ranking(v, None, 10)] for v in vectors]
    started = time.perf_counter()
    index = searcher.library.use_approximate()
    built = time.perf_counter() - started
    found = [[pid for pid, _ in searcher.dense_ranking(v, None, 10)] for v in vectors]
    recall = statistics.mean(len(set(t) & set(f)) / len(t) for t, f in zip(truth, found, strict=True))
    timing = _percentiles(_timed(searcher.search, queries, rounds))
    return {
        "approximate": {
            "index": index,
            "search_ms": timing,
            "search_over_encode_p50": round(timing["p50"] / encode_ms["p50"], 2),
            "dense_recall_at_10_vs_exact": round(recall, 3),
            "build_s": round(built, 1),
        }
    }
