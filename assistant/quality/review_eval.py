"""Measured quality of "which reviews": every mode and both baselines on the same library and
queries, at passage level and at review level, and the match decision against the labels.

Review level: the ranked reviews, each judged by its label; P@10 is normalised by
min(10, relevant), so a query with 4 relevant reports can score 1. Passage level: the first ten
passages (or chunks), each relevant when its report is; P@10 is their share, nDCG@10 against ten
relevant. Every ranking is first cut to the reports the query's label speaks for
(:mod:`.review_labels`). The decision: precision and recall of ``match`` over the theme and hand
labels, and Cohen's kappa against the published child-suicide screen, per phrasing.

Everything is measured twice per split: on the labels as first written (theme columns, "level
crossing" by hand, the screen), and on the hand labels alone ("level crossing" and the queries
judged by hand over a pool of reports, which the theme columns label noisily).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from typing import Any

from assistant.quality.baselines import NaiveChunks, WholeReportBM25
from assistant.quality.metrics import ndcg_at, recall_at, reciprocal_rank, unique
from assistant.quality.review_labels import HAND, SCREEN, Judged
from assistant.search.reviews import ReviewFinder
from assistant.search.searcher import Mode, Searcher

K = 10
PASSAGE_MODES: tuple[Mode, ...] = ("hybrid", "keyword", "dense")


def kappa(predicted: set[str], actual: set[str], universe: set[str]) -> float:
    """Cohen's kappa of two yes/no judgements over the same items."""
    n = len(universe)
    if not n:
        return 0.0
    yes_yes = len(predicted & actual & universe)
    no_no = len(universe - predicted - actual)
    observed = (yes_yes + no_no) / n
    p_pred, p_act = len(predicted & universe) / n, len(actual & universe) / n
    expected = p_pred * p_act + (1 - p_pred) * (1 - p_act)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def review_metrics(ranked: list[str], query: Judged) -> dict[str, float]:
    ranked = [d for d in ranked if d in query.universe]
    return {
        "p@10": recall_at(ranked, query.relevant, K),
        "mrr": reciprocal_rank(ranked, query.relevant),
        "ndcg@10": ndcg_at(ranked, query.relevant, K),
    }


def passage_metrics(owners: list[str], query: Judged) -> dict[str, float]:
    owners = [d for d in owners if d in query.universe][:K]
    hits = [d in query.relevant for d in owners]
    ideal = sum(1 / math.log2(r + 1) for r in range(1, K + 1))
    return {
        "p@10": sum(hits) / K,
        "mrr": next((1 / r for r, hit in enumerate(hits, start=1) if hit), 0.0),
        "ndcg@10": sum(1 / math.log2(r + 1) for r, hit in enumerate(hits, start=1) if hit) / ideal,
    }


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {name: round(statistics.mean(r[name] for r in rows), 3) for name in rows[0]} if rows else {}


def run(
    finder: ReviewFinder, queries: list[Judged], texts: dict[str, str], chunks: NaiveChunks
) -> dict[str, Any]:
    """The report, per split (tuning, held-out): ranking by mode, the decision, and kappa."""
    searcher: Searcher = finder.searcher
    bm25 = WholeReportBM25(texts)
    wide = 50 * K  # passages read to rank reviews by a passage search

    def passage_search(mode: Mode) -> Callable[[str, int], list[str]]:
        return lambda text, k: [h.passage.doc_id for h in searcher.search(text, k=k, mode=mode)]

    def block(part: list[Judged]) -> dict[str, Any]:
        ranked = [q for q in part if q.relevant & q.universe]
        review: dict[str, list[dict[str, float]]] = {}
        passage: dict[str, list[dict[str, float]]] = {}
        for query in ranked:
            found = finder.find(query.text)
            order = unique([r.document.doc_id for r in found.reviews] + finder.ranked_ids(query.text))
            review.setdefault("reviews", []).append(review_metrics(order, query))
            for mode in PASSAGE_MODES:
                search = passage_search(mode)
                review.setdefault(mode, []).append(review_metrics(unique(search(query.text, wide)), query))
                passage.setdefault(mode, []).append(passage_metrics(search(query.text, 5 * K), query))
            review.setdefault("bm25 whole reports", []).append(review_metrics(bm25.rank(query.text), query))
            review.setdefault("naive chunks", []).append(review_metrics(chunks.rank(query.text), query))
            passage.setdefault("naive chunks", []).append(
                passage_metrics(chunks.passages(query.text, 5 * K), query)
            )
        return {
            "queries": len(ranked),
            "review_level": {mode: _mean(rows) for mode, rows in review.items()},
            "passage_level": {mode: _mean(rows) for mode, rows in passage.items()},
            **decision(finder, part),
        }

    report: dict[str, Any] = {}
    for split in ("tuning", "held-out"):
        part = [q for q in queries if q.split == split]
        report[split] = {
            **block([q for q in part if not q.pooled]),
            "by_hand": block([q for q in part if q.label == HAND]),
        }
    return report


def decision(finder: ReviewFinder, part: list[Judged]) -> dict[str, Any]:
    true_pos = false_pos = false_neg = 0
    per_query, kappas = {}, {}
    for query in part:
        matched = {r.document.doc_id for r in finder.find(query.text).matches} & query.universe
        if query.label == SCREEN:
            kappas[query.text] = round(kappa(matched, set(query.relevant), set(query.universe)), 3)
            continue
        tp = len(matched & query.relevant)
        true_pos, false_pos, false_neg = (
            true_pos + tp,
            false_pos + len(matched) - tp,
            false_neg + len(query.relevant) - tp,
        )
        per_query[query.text] = {"label": query.label, "matched": len(matched), "correct": tp,
                                 "relevant": len(query.relevant)}  # fmt: skip
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else None
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else None
    return {
        "decision": {
            "precision": None if precision is None else round(precision, 3),
            "recall": None if recall is None else round(recall, 3),
            "per_query": per_query,
        },
        "kappa_child_suicide": kappas,
    }


def measure(settings: Any, embedder: Any, cache: Any = None) -> dict[str, Any]:
    """Build (or update) the evaluation library of ``settings`` and measure on it."""
    from assistant.library import Library
    from assistant.library.review_rows import document_texts
    from assistant.quality import evaluation, review_labels

    reports = evaluation.pfd_reports()
    evaluation.build_library(settings, embedder, reports)
    library = Library.open(settings.index_dir, embedder.name, embedder.dimension)
    try:
        finder = ReviewFinder(Searcher(library, embedder))
        texts = {d: t for d, t in document_texts(library).items()}
        chunks = NaiveChunks(texts, embedder, cache)
        return run(finder, review_labels.load(reports), texts, chunks)
    finally:
        library.close()


def cache_dir(index_dir: Any) -> Any:
    """Where the naive baseline keeps its chunk vectors: beside the library, never inside it."""
    from pathlib import Path

    index_dir = Path(index_dir)
    return index_dir.parent / f"{index_dir.name}-baselines"


def lines(report: dict[str, Any]) -> list[str]:
    out = []
    for split, whole in report.items():
        for name, part in ((split, whole), (f"{split}, hand labels only", whole["by_hand"])):
            out += _block_lines(name, part)
    return out


def _block_lines(name: str, part: dict[str, Any]) -> list[str]:
    out = [f"{name}: {part['queries']} queries"]
    if part["queries"]:
        for level in ("review_level", "passage_level"):
            out.append(f"  {level.replace('_', ' '):<14} {'mode':<20} {'P@10':>6} {'MRR':>6} {'nDCG@10':>8}")
            for mode, m in part[level].items():
                out.append(f"  {'':<14} {mode:<20} {m['p@10']:>6.3f} {m['mrr']:>6.3f} {m['ndcg@10']:>8.3f}")
        d = part["decision"]
        out.append(f"  decision: precision {d['precision']}, recall {d['recall']}")
        for text, k in part["kappa_child_suicide"].items():
            out.append(f"  kappa vs the child-suicide screen, {text!r}: {k}")
    return out
