"""Rank fusion: small pure functions over ranked lists of ids and scores."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def reciprocal_rank(
    rankings: Sequence[Sequence[int]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: ``sum(w / (k + rank))`` over the lists an id appears in.

    Returns (id, score) pairs, best first; ties keep the order of first appearance.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def weighted_scores(
    scored: Sequence[Sequence[tuple[int, float]]], weights: Sequence[float]
) -> list[tuple[int, float]]:
    """Convex combination of min-max normalised scores; an id missing from a list scores 0 there.

    Unlike rank fusion it keeps how far apart the scores are: a passage far ahead in one search
    stays ahead. Returns (id, score) pairs, best first.
    """
    fused: dict[int, float] = {}
    for results, weight in zip(scored, weights, strict=True):
        if not results:
            continue
        values = [score for _, score in results]
        low, high = min(values), max(values)
        for item, score in results:
            normalised = (score - low) / (high - low) if high > low else 1.0
            fused[item] = fused.get(item, 0.0) + weight * normalised
    return sorted(fused.items(), key=lambda pair: -pair[1])
