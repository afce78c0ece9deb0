"""Ranking and classification metrics: small pure functions over ranked ids and label sets."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence, Set
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)


def recall_at(ranked: Sequence[Hashable], relevant: Set[Hashable], k: int) -> float:
    """Share of the relevant items found in the top ``k``, out of at most ``k`` findable.

    Capping the denominator at ``k`` keeps a query with 150 relevant reports comparable with
    a query with one relevant passage.
    """
    if not relevant:
        return 0.0
    found = len(set(ranked[:k]) & relevant)
    return found / min(len(relevant), k)


def reciprocal_rank(ranked: Sequence[Hashable], relevant: Set[Hashable]) -> float:
    for rank, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[Hashable], relevant: Set[Hashable], k: int = 10) -> float:
    """Normalised discounted cumulative gain with binary relevance."""
    gain = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], start=1) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return gain / ideal if ideal else 0.0


def unique(items: Sequence[Item]) -> list[Item]:
    """Items in order, each kept at its first place (passages → their documents)."""
    return list(dict.fromkeys(items))


def precision_recall(predicted: Set[Hashable], actual: Set[Hashable]) -> tuple[float, float]:
    true_positive = len(predicted & actual)
    precision = true_positive / len(predicted) if predicted else 1.0
    recall = true_positive / len(actual) if actual else 1.0
    return precision, recall
