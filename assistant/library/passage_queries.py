"""The library's questions for search: keyword scores (FTS5, BM25), nearest vectors (FAISS),
the passages that pass filters. :mod:`assistant.search` ranks and fuses; only this speaks SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import faiss
import numpy as np

from assistant.documents.doc_metadata import publishers
from assistant.library import keyword_ranking, store
from assistant.records import Filters


class PassageQueries:
    """Mixed into :class:`assistant.library.reader.Library`: its keyword index and vectors."""

    db: sqlite3.Connection
    vectors: Any  # a FAISS index, or None for an empty library

    def keyword_scores(self, expression: str, allowed: set[int] | None, n: int) -> list[tuple[int, float]]:
        """(passage id, BM25 score: higher is better) for an FTS5 ``expression``, best first."""
        sql = "SELECT rowid, -bm25(passages_fts, 1.0, 0.5, 0.2) AS score FROM passages_fts"
        sql += " WHERE passages_fts MATCH ?"
        params: list[Any] = [expression]
        if allowed is not None:
            sql += f" AND rowid IN ({','.join(map(str, sorted(allowed)))})"
        sql += " ORDER BY score DESC LIMIT ?"
        params.append(n)
        return [(row[0], float(row[1])) for row in self.db.execute(sql, params)]

    def keyword_rank(
        self, phrases: list[str], allowed: set[int] | None, n: int, rare_budget: int, full_below: int
    ) -> list[tuple[int, float]]:
        """(passage id, BM25 score) for any of ``phrases``, rare phrases first
        (:mod:`assistant.library.keyword_ranking`); phrase counts cached per opened generation."""
        counts = getattr(self, "_phrase_counts", None)
        if counts is None:
            counts = self._phrase_counts = keyword_ranking.PhraseCounts(self.db)
        return keyword_ranking.rank(self.db, phrases, counts, allowed, n, rare_budget, full_below)

    def nearest(self, vector: np.ndarray, allowed: set[int] | None, n: int) -> list[tuple[int, float]]:
        """(passage id, inner product) of the ``n`` vectors nearest to ``vector``, best first."""
        index = self.vectors
        if index is None or index.ntotal == 0:
            return []
        selected = np.array(sorted(allowed), dtype=np.int64) if allowed is not None else None
        params = store.search_parameters(index, selected)
        with _one_thread():
            scores, ids = index.search(
                np.ascontiguousarray(vector, dtype=np.float32), min(n, index.ntotal), params=params
            )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def vector(self, passage_id: int) -> np.ndarray | None:
        """The stored vector of one passage; None when the library holds no vectors."""
        if self.vectors is None:
            return None
        return np.asarray(self.vectors.reconstruct(int(passage_id)))

    def vectors_of(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of ``ids``, one row each (ids must be held)."""
        return np.vstack([self.vectors.reconstruct(int(i)) for i in ids])

    def filtered_ids(self, filters: Filters) -> set[int]:
        """Passage ids of indexed documents that pass every filter given."""
        clauses: list[str] = ["d.status = 'indexed'"]
        params: list[Any] = []

        def any_of(column: str, values: Sequence[Any]) -> None:
            if values:
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)

        any_of("d.doc_id", filters.doc_ids)
        if filters.partnerships:  # each publisher however its documents spell it
            held = [row[0] for row in self.db.execute("SELECT DISTINCT partnership FROM documents")]
            any_of("d.partnership", publishers.spellings(filters.partnerships, held))
        any_of("d.review_type", filters.review_types)
        any_of("CAST(substr(d.published, 1, 4) AS INTEGER)", filters.years)
        if filters.agencies:
            clauses.append(
                "(" + " OR ".join("(',' || p.agencies || ',') LIKE ?" for _ in filters.agencies) + ")"
            )
            params.extend(f"%,{a},%" for a in filters.agencies)
        if filters.age_groups:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(d.meta, '$.age_groups') a"
                f" WHERE a.value IN ({','.join('?' * len(filters.age_groups))}))"
            )
            params.extend(filters.age_groups)
        for bound, op in ((filters.year_from, ">="), (filters.year_to, "<=")):
            if bound is not None:
                clauses.append(f"d.published != '' AND CAST(substr(d.published, 1, 4) AS INTEGER) {op} ?")
                params.append(bound)
        if filters.themes:
            marks = ",".join("?" * len(filters.themes))
            clauses.append(f"p.id IN (SELECT passage_id FROM passage_themes WHERE theme IN ({marks}))")
            params.extend(filters.themes)
        sql = f"SELECT p.id FROM passages p JOIN documents d USING (doc_id) WHERE {' AND '.join(clauses)}"
        return {row[0] for row in self.db.execute(sql, params)}

    def other_ages(self, groups: Sequence[str], among: Sequence[int]) -> set[int]:
        """Which of the passages ``among`` belong to documents known to be about ages other than
        ``groups`` (documents whose ages are not known are not among them). Only the candidates
        are looked at: a search's hundred, not every passage of the library (at 200,000 passages
        that was most of a search's time)."""
        if not among or not groups:
            return set()
        ids = ",".join(str(int(pid)) for pid in among)
        return {
            row[0]
            for row in self.db.execute(
                f"SELECT p.id FROM passages p JOIN documents d USING (doc_id) WHERE p.id IN ({ids})"
                " AND json_array_length(d.meta, '$.age_groups') > 0 AND NOT EXISTS (SELECT 1 FROM"
                f" json_each(d.meta, '$.age_groups') a WHERE a.value IN ({','.join('?' * len(groups))}))",
                tuple(groups),
            )
        }

    def use_approximate(self) -> str:
        """Swap this (opened) library's exact vectors for an approximate index, in memory only,
        for measuring; returns the index's description."""
        self.vectors = store.approximate(self.vectors)
        return f"IVF{self.vectors.nlist},Flat nprobe={store.NPROBE}"


@contextmanager
def _one_thread() -> Iterator[None]:
    """One query is searched on one OpenMP thread: FAISS splits work across queries, so more
    threads only add their start-up and, on a busy machine, their waiting (measured on this
    2-core machine under load: 4.5-7 ms against 0.55 ms on the ~870-report library, 95-112 ms
    against 20-49 ms at 200,000 exact vectors). OpenMP's setting is per calling thread."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
