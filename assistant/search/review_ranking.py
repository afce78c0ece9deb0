"""Passages → reviews: each review scored by its best passage, as arrays (pure numpy, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Ranking:
    """Every review reached, best first: row n is the n-th review."""

    owner: np.ndarray  # the review's document number (PassageOwners.doc_ids)
    score: np.ndarray  # its best passage's combined score: what ranks it
    similarity: np.ndarray  # its best passage similarity: what decides it
    matching: np.ndarray  # its passages at or above the passage line
    order: np.ndarray  # passage rows, grouped by review, best first within
    starts: np.ndarray  # where each review's passages start in ``order``
    ends: np.ndarray
    passage_similarity: np.ndarray  # per passage row

    def passages(self, row: int, limit: int) -> np.ndarray:
        """The passage rows of the ``row``-th review, best first, at most ``limit``."""
        return self.order[self.starts[row] : min(self.ends[row], self.starts[row] + limit)]


def ranking(
    owner: np.ndarray, combined: np.ndarray, similarity: np.ndarray, mask: np.ndarray, passage_line: float
) -> Ranking:
    """Reviews of the passages in ``mask``, ranked by their best passage's combined score."""
    rows = np.flatnonzero(mask)
    order = rows[np.lexsort((-combined[rows], owner[rows]))]  # by document, its best passage first
    grouped = owner[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    ends = np.r_[starts[1:], len(order)]
    best = np.maximum.reduceat(similarity[order], starts)
    matching = np.add.reduceat((similarity[order] >= passage_line).astype(np.int64), starts)
    scores = combined[order[starts]]
    by_score = np.argsort(-scores, kind="stable")
    return Ranking(
        grouped[starts][by_score], scores[by_score], best[by_score], matching[by_score], order,
        starts[by_score], ends[by_score], similarity,
    )  # fmt: skip
