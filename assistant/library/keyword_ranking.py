"""Keyword (FTS5, BM25) ranking that stays fast at a few hundred thousand passages.

An OR of every query word and related phrase makes FTS5 score every passage that holds any of
them: at 200,000 passages a word such as "child" or "information" alone matches tens of
thousands, and scoring and sorting them is most of a search's time. This module ranks rare
phrases first:

1. Each phrase's passage count (its document frequency) is counted once per library generation
   and kept in a bounded cache (:class:`PhraseCounts`); a phrase that no passage holds is
   dropped, which changes no score.
2. When all the phrases together match few passages (``full_below``), the plain OR query runs:
   the exact ranking, as before.
3. Otherwise the rarest phrases are taken until they match about ``rare_budget`` passages, and
   only passages holding one of them are scored, on *all* the phrases:
   ``(rare...) AND (common...)`` scores, with FTS5's own BM25, the passages holding both kinds
   on every phrase; ``(rare...)`` alone scores the passages that hold no common phrase (their
   common part is 0, so that score is also their full score). The better of the two is the
   passage's exact full BM25 score.

What can be lost: a passage holding none of the rare phrases but many common ones. ``eval``
measures the difference (README, "Keyword search at scale").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

BM25 = "-bm25(passages_fts, 1.0, 0.5, 0.2)"  # text, section, title weights; higher is better
CACHE_LIMIT = 20_000  # phrases whose counts are kept per library generation


class PhraseCounts:
    """How many passages hold each phrase, counted on first use and cached (bounded)."""

    def __init__(self, db: sqlite3.Connection, limit: int = CACHE_LIMIT):
        self.db = db
        self.limit = limit
        self._counts: dict[str, int] = {}

    def __call__(self, phrase: str) -> int:
        count = self._counts.get(phrase)
        if count is None:
            row = self.db.execute(
                "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (quoted(phrase),)
            ).fetchone()
            count = int(row[0])
            if len(self._counts) >= self.limit:
                self._counts.clear()  # bounded: start again rather than grow without end
            self._counts[phrase] = count
        return count


@dataclass(frozen=True)
class Plan:
    """The phrases of one query split by rarity; ``common`` empty means the plain OR query."""

    rare: tuple[str, ...]
    common: tuple[str, ...]


def quoted(phrase: str) -> str:
    return '"' + phrase.replace('"', " ") + '"'


def any_of(phrases: Sequence[str]) -> str:
    return " OR ".join(quoted(p) for p in phrases)


def plan(phrases: Sequence[str], counts: PhraseCounts, rare_budget: int, full_below: int) -> Plan:
    """Which phrases select the candidates (rare) and which are only scored on them (common)."""
    counted = [(counts(p), n, p) for n, p in enumerate(phrases)]
    present = sorted((c, n, p) for c, n, p in counted if c > 0)
    if sum(c for c, _, _ in present) <= full_below:
        return Plan(tuple(p for _, _, p in sorted(present, key=lambda t: t[1])), ())
    rare: list[str] = []
    total = 0
    for count, _, phrase in present:
        if rare and total + count > rare_budget:
            break
        rare.append(phrase)
        total += count
    common = tuple(p for _, _, p in present if p not in rare)
    return Plan(tuple(rare), common)


def rank(
    db: sqlite3.Connection,
    phrases: Sequence[str],
    counts: PhraseCounts,
    allowed: set[int] | None,
    n: int,
    rare_budget: int,
    full_below: int,
) -> list[tuple[int, float]]:
    """(passage id, BM25 score: higher is better), best first, at most ``n``."""
    chosen = plan(phrases, counts, rare_budget, full_below)
    if not chosen.rare:
        return []
    if not chosen.common:
        return _scored(db, any_of(chosen.rare), allowed, n)
    rare, common = any_of(chosen.rare), any_of(chosen.common)
    best = dict(_scored(db, f"({rare}) AND ({common})", allowed, n))
    for pid, score in _scored(db, rare, allowed, n):
        if score > best.get(pid, float("-inf")):
            best[pid] = score
    return sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:n]


def _scored(
    db: sqlite3.Connection, expression: str, allowed: set[int] | None, n: int
) -> list[tuple[int, float]]:
    sql = f"SELECT rowid, {BM25} AS score FROM passages_fts WHERE passages_fts MATCH ?"
    if allowed is not None:
        sql += f" AND rowid IN ({','.join(map(str, sorted(allowed)))})"
    sql += " ORDER BY score DESC, rowid LIMIT ?"
    return [(int(row[0]), float(row[1])) for row in db.execute(sql, (expression, n))]
