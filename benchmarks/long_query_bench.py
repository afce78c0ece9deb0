"""Time one 100 KB query against libraries of 5,000 and 50,000 passages of real report text.

    PYTHONPATH=. .venv/bin/python benchmarks/long_query_bench.py [--sizes 5000,50000]

The passages are sentences of the coroners' Prevention of Future Deaths reports in
``../shared/corpora/pfd`` (read there, never copied), stored with a deterministic fake embedder
(the keyword search is what a long query made slow). The query is 100,000 characters of distinct
words of the same text: before the query limits it became about 12,000 OR terms.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import library  # noqa: E402
from assistant.records import Document, Passage  # noqa: E402
from assistant.search.searcher import Searcher  # noqa: E402
from tests.support import PFD, FakeEmbedder  # noqa: E402


def sentences() -> list[str]:
    out: list[str] = []
    csv.field_size_limit(10_000_000)
    for path in sorted(PFD.glob("*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in ("investigation", "circumstances", "concerns"):
                    out += [
                        s.strip() for s in re.split(r"(?<=[.!?])\s+", row.get(column) or "") if len(s) > 40
                    ]
    return out


def build(index: Path, texts: list[str], n: int, embedder: FakeEmbedder) -> None:
    per_doc = 100
    with library.writer(index, embedder.name, embedder.dimension, encoders=[embedder.encoder]) as w:
        for start in range(0, n, per_doc):
            chunk = [texts[(start + i) % len(texts)] for i in range(min(per_doc, n - start))]
            doc_id = f"doc-{start // per_doc}"
            passages = [Passage(doc_id, doc_id, "Body", None, None, None, 0, len(t), t) for t in chunk]
            document = Document(doc_id, doc_id, f"{doc_id}.md", "markdown", f"{start:064x}", "indexed")
            w.put(document, "", passages, embedder.encode(chunk))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,50000")
    args = parser.parse_args()
    texts = sentences()
    words = sorted({w for t in texts for w in re.findall(r"[a-z]{4,}", t.lower())})
    random.Random(7).shuffle(words)
    query = " ".join(words)[:100_000]
    embedder = FakeEmbedder()
    print(f"{len(texts)} sentences, query {len(query):,} characters, {len(query.split()):,} words")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp) / "index", texts, n, embedder)
            lib = library.Library.open(Path(tmp) / "index")
            searcher = Searcher(lib, embedder)
            for mode in ("keyword", "hybrid"):
                times = []
                for _ in range(3):
                    started = time.perf_counter()
                    searcher.search(query, 10, None, mode)
                    times.append(time.perf_counter() - started)
                print(f"{lib.passage_count:>6} passages, {mode:<7}: median {np.median(times):.3f} s")
            lib.close()


if __name__ == "__main__":
    main()
