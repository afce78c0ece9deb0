"""A query → every review that addresses it, best first, with a calibrated "is it about this" line.

Passage search answers "the best ten passages"; this answers "which reviews, how many, where in
each". Every passage the filters allow is scored, none cut off by a candidate pool: its cosine
similarity to the query (exact, every vector) and its BM25 score (every keyword match). A review
scores by its best passage; its strongest passages are its evidence.

The decision ``match`` (the review is about the topic) is a line on the review's best similarity,
measured for precision first on labelled PFD queries (README, ``eval/reviews.toml``); reviews below
it are near misses, listed after the matches and never counted. A topic that names an age group
("child suicide", "teenagers who ...") also needs the review to be about someone of that age.
Documents of one case (a review and its response) count once: the best of them stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import store
from .doc_metadata.ages import query_groups
from .records import Document, Filters, Hit
from .review_rows import PassageOwners
from .search import Searcher, highlight

MATCH_THRESHOLD = 0.5  # best passage similarity a matching review reaches (measured: README)
PASSAGE_THRESHOLD = 0.4  # similarity from which a passage counts as one that matches
KEYWORD_WEIGHT = 0.3  # share of the (query-normalised) BM25 score in a review's ranking score
NEAR_MISSES = 20
NEAR_MISS_MARGIN = 0.15  # a near miss is at most this far below the line (nonsense gets none)
EVIDENCE = 3


@dataclass(frozen=True)
class Review:
    rank: int
    document: Document
    score: float
    similarity: float  # the best passage's cosine similarity to the query
    match: bool
    matching_passages: int
    evidence: tuple[Hit, ...]  # its strongest passages, best first

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "doc_id": self.document.doc_id,
            "title": self.document.title,
            "source": self.document.source,
            "score": round(self.score, 4),
            "match": self.match,
            "matching_passages": self.matching_passages,
            "evidence": [
                {
                    "passage_id": h.passage.id,
                    "text": h.passage.text,
                    "citation": h.citation,
                    "page": h.page,
                    "section": h.passage.section,
                    "highlights": [list(span) for span in h.highlights],
                }
                for h in self.evidence
            ],  # fmt: skip
        }


@dataclass(frozen=True)
class ReviewList:
    query: str
    reviews: tuple[Review, ...]  # the matches, then up to NEAR_MISSES near misses
    note: str | None = None  # what the person should know about the query (e.g. it was cut)

    @property
    def count(self) -> int:
        return sum(r.match for r in self.reviews)

    @property
    def matches(self) -> list[Review]:
        return [r for r in self.reviews if r.match]

    @property
    def near_misses(self) -> list[Review]:
        return [r for r in self.reviews if not r.match]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "count": self.count, "reviews": [r.to_dict() for r in self.reviews]}


@dataclass(frozen=True)
class Scored:
    """One review's numbers before the decision: what ranking and deciding read."""

    doc_id: str
    score: float
    similarity: float
    passages: tuple[tuple[int, float], ...]  # (passage id, passage score), best first


class ReviewFinder:
    """Finds reviews in the library a :class:`Searcher` has open; reads its rows once."""

    def __init__(
        self,
        searcher: Searcher,
        threshold: float = MATCH_THRESHOLD,
        passage_threshold: float = PASSAGE_THRESHOLD,
        near_misses: int = NEAR_MISSES,
    ):
        self.searcher = searcher
        self.library = searcher.library
        self.threshold = threshold
        self.passage_threshold = passage_threshold
        self.near_miss_limit = near_misses
        self.owners = PassageOwners(self.library)
        self.vectors = self._vectors_in_owner_order()
        self.documents = {d.doc_id: d for d in self.library.documents() if d.status == "indexed"}
        self.case_of = {
            doc_id: case for case, ids in self.library.cases().items() for doc_id in ids
        }  # fmt: skip

    def _vectors_in_owner_order(self) -> np.ndarray | None:
        index = self.library.vectors
        if index is None or index.ntotal == 0 or len(self.owners) == 0:
            return None
        ids, vectors = store.all_vectors(index)
        row = {int(pid): n for n, pid in enumerate(ids)}
        order = [row.get(int(pid), -1) for pid in self.owners.ids]
        if min(order) < 0:
            raise ValueError("the library's vectors and passages disagree: rebuild the index")
        return np.ascontiguousarray(vectors[order], dtype=np.float32)

    # -- scoring -------------------------------------------------------------------------------

    def score(self, query: str, filters: Filters | None = None) -> list[Scored]:
        """Every review with an allowed passage that the query reaches, best first."""
        searcher = self.searcher
        query = searcher.bounded(query)
        if not query or self.vectors is None:
            return []
        expansion = searcher.vocabulary.expand(query)
        allowed = searcher.allowed_ids(filters)
        mask = np.ones(len(self.owners), dtype=bool)
        if allowed is not None:
            mask = np.isin(self.owners.ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
            if not mask.any():
                return []
        similarity = self.vectors @ searcher.encode(expansion.dense_text).reshape(-1)
        keyword = np.zeros(len(self.owners), dtype=np.float32)
        for pid, bm25 in searcher.keyword_ranking(expansion, allowed, n=len(self.owners)):
            if (at := self.owners.position.get(pid)) is not None:
                keyword[at] = bm25
        if keyword.max() > 0:
            keyword /= keyword.max()
        combined = (1 - KEYWORD_WEIGHT) * similarity + KEYWORD_WEIGHT * keyword
        combined[~mask] = -np.inf
        return self._by_document(combined, similarity, mask)

    def _by_document(self, combined: np.ndarray, similarity: np.ndarray, mask: np.ndarray) -> list[Scored]:
        order = np.argsort(-combined, kind="stable")
        best: dict[int, list[int]] = {}
        for at in order[: int(mask.sum())]:
            best.setdefault(int(self.owners.owner[at]), []).append(int(at))
        scored = []
        for owner, rows in best.items():
            scored.append(
                Scored(
                    self.owners.doc_ids[owner],
                    float(combined[rows[0]]),
                    float(similarity[rows].max()),
                    tuple((int(self.owners.ids[r]), float(similarity[r])) for r in rows),
                )
            )
        return sorted(scored, key=lambda s: -s.score)

    # -- deciding and presenting ---------------------------------------------------------------

    def find(self, query: str, filters: Filters | None = None) -> ReviewList:
        """Every matching review, best first, then up to ``near_misses`` that fell below the line."""
        groups = query_groups(query)
        seen_cases: set[str] = set()
        matches: list[tuple[Scored, int]] = []
        misses: list[tuple[Scored, int]] = []
        for scored in self.score(query, filters):
            document = self.documents.get(scored.doc_id)
            if document is None:
                continue
            case = self.case_of.get(scored.doc_id)
            if case is not None:
                if case in seen_cases:
                    continue  # a case counts once: its best document stands for it
                seen_cases.add(case)
            matching = sum(s >= self.passage_threshold for _, s in scored.passages)
            about_ages = not groups or bool(set(groups) & set(document.age_groups))
            if scored.similarity >= self.threshold and about_ages and matching:
                matches.append((scored, matching))
            elif (
                len(misses) < self.near_miss_limit and scored.similarity >= self.threshold - NEAR_MISS_MARGIN
            ):
                misses.append((scored, matching))
        expansion = self.searcher.vocabulary.expand(self.searcher.bounded(query))
        reviews = [
            self._review(n, scored, matching, n <= len(matches), expansion)
            for n, (scored, matching) in enumerate([*matches, *misses], start=1)
        ]
        return ReviewList(query, tuple(reviews), self.searcher.query_note(query))

    def _review(self, rank: int, scored: Scored, matching: int, match: bool, expansion: Any) -> Review:
        document = self.documents[scored.doc_id]
        strong = [(pid, s) for pid, s in scored.passages if s >= self.passage_threshold]
        chosen = (strong or list(scored.passages))[:EVIDENCE]
        passages = {p.id: p for p in self.library.passages([pid for pid, _ in chosen])}
        evidence = tuple(
            Hit(n, s, passages[pid], document, highlight(passages[pid].text, expansion), s)
            for n, (pid, s) in enumerate(chosen, start=1)
            if pid in passages
        )
        return Review(rank, document, scored.score, scored.similarity, match, matching, evidence)
