"""Rare-first keyword ranking: the same BM25 scores as the plain OR query, on fewer passages."""

from __future__ import annotations

import random
import sqlite3

import pytest

from assistant.library import keyword_ranking as kr

COMMON = ["child", "school", "health", "family", "mother", "police"]
RARE = ["bathtime", "drowning", "unattended"]


@pytest.fixture()
def db() -> sqlite3.Connection:
    rng = random.Random(7)
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE passages_fts USING fts5(text, section, title, tokenize='porter unicode61')"
    )
    rows = []
    for n in range(1, 2001):
        words = rng.choices(COMMON, k=rng.randint(3, 12)) + rng.choices(["the", "a", "visit"], k=5)
        if n % 97 == 0:
            words += rng.sample(RARE, rng.randint(1, 2))
        rows.append((n, " ".join(words), f"Section {n % 7}", f"doc {n // 50}"))
    conn.executemany("INSERT INTO passages_fts(rowid, text, section, title) VALUES (?, ?, ?, ?)", rows)
    return conn


def full_scores(db: sqlite3.Connection, phrases: list[str]) -> dict[int, float]:
    sql = f"SELECT rowid, {kr.BM25} FROM passages_fts WHERE passages_fts MATCH ?"
    return {row[0]: row[1] for row in db.execute(sql, (kr.any_of(phrases),))}


def test_plan_splits_by_rarity_and_drops_phrases_no_passage_holds(db):
    counts = kr.PhraseCounts(db)
    plan = kr.plan(["child", "drowning", "nowhere-word", "bathtime"], counts, rare_budget=40, full_below=100)
    assert "nowhere-word" not in plan.rare + plan.common
    assert set(plan.rare) <= {"drowning", "bathtime"} and plan.rare
    assert plan.common == ("child",)


def test_few_matches_run_the_plain_query(db):
    counts = kr.PhraseCounts(db)
    plan = kr.plan(["drowning", "bathtime"], counts, rare_budget=1, full_below=10_000)
    assert plan.common == () and set(plan.rare) == {"drowning", "bathtime"}


def test_rare_first_scores_equal_the_full_query_on_its_candidates(db):
    phrases = ["child", "school", "drowning", "bathtime", "unattended"]
    counts = kr.PhraseCounts(db)
    plan = kr.plan(phrases, counts, rare_budget=60, full_below=100)
    assert plan.common, "the test needs common phrases scored on candidates only"
    ranked = kr.rank(db, phrases, counts, None, 50, rare_budget=60, full_below=100)
    full = full_scores(db, phrases)
    assert ranked
    for pid, score in ranked:
        assert score == pytest.approx(full[pid])
    # the best passages of the full query hold a rare phrase here, so the top 10 are the same
    best = sorted(full.items(), key=lambda pair: (-pair[1], pair[0]))[:10]
    assert [pid for pid, _ in ranked[:10]] == [pid for pid, _ in best]


def test_filters_limit_both_queries(db):
    phrases = ["child", "drowning", "bathtime", "unattended"]
    counts = kr.PhraseCounts(db)
    allowed = {97, 194, 5}
    ranked = kr.rank(db, phrases, counts, allowed, 50, rare_budget=60, full_below=100)
    assert {pid for pid, _ in ranked} <= allowed and ranked


def test_phrase_counts_are_cached_and_bounded(db):
    counts = kr.PhraseCounts(db, limit=2)
    assert counts("drowning") == len(full_scores(db, ["drowning"]))
    counts("child")
    counts("school")  # a third phrase: the cache starts again instead of growing
    assert len(counts._counts) <= 2


def test_a_quote_in_a_phrase_cannot_break_the_expression(db):
    counts = kr.PhraseCounts(db)
    assert kr.rank(db, ['child"', 'OR "x'], counts, None, 5, rare_budget=10, full_below=10) is not None
