"""Commands that measure: eval (quality on labelled data) and bench (latency)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.cli.common import common, embedder_for, print_json, settings_for
from assistant.settings import Settings


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.quality import ask_eval, evaluation, metadata_eval, theme_eval

    settings = Settings.from_env(index_dir=args.index or Path("index-eval"), model=args.model)
    fields = metadata_eval.run(settings.pfd_dir, corpus=settings.corpus_dir)  # no model, a few seconds
    if args.metadata:
        print_json(fields) if args.json else print("\n".join(metadata_eval.lines(fields)))
        return 0
    reports = evaluation.pfd_reports(settings.pfd_dir) if args.reviews or not args.seeds_only else []
    evaluation.check_labels(settings, reports, reviews=args.reviews)  # before minutes of building
    if args.reviews:
        from assistant.quality import review_eval

        found = review_eval.measure(
            settings, embedder_for(args, settings), review_eval.cache_dir(settings.index_dir)
        )
        print_json(found) if args.json else print("\n".join(review_eval.lines(found)))
        return 0
    report = evaluation.run(settings, embedder_for(args, settings), use_pfd=not args.seeds_only)
    report["metadata"] = fields
    if args.json:
        print_json(report)
        return 0
    lib = report["library"]
    print(f"evaluation library: {lib['documents']} documents, {lib['passages']} passages")
    print("\n".join(ask_eval.lines(report["ask"])))
    if "ask_pfd" in report:
        print("\n".join(ask_eval.lines(report["ask_pfd"], "ask on PFD reports")))
    search = report["search"]
    print(f"search: {search['queries']} labelled queries ({search['skipped']} skipped: no labels here)")
    print(f"  {'mode':<8} {'recall@10':>10} {'MRR':>7} {'nDCG@10':>8}")
    for mode in ("keyword", "dense", "rrf", "hybrid"):
        m = search[mode]
        print(f"  {mode:<8} {m['recall@10']:>10.3f} {m['mrr']:>7.3f} {m['ndcg@10']:>8.3f}")
    print("\n".join(theme_eval.lines(report["tagging"])))
    print("\n".join(metadata_eval.lines(fields)))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from assistant.quality import bench

    settings = settings_for(args)
    if args.reviews:
        from assistant.quality import review_bench

        timed = review_bench.run(embedder_for(args, settings), rounds=args.rounds)
        print_json(timed) if args.json else print(review_bench.line(timed))
        return 0
    if args.themes:
        from assistant.quality import themes_bench

        themes_report = themes_bench.run(embedder_for(args, settings))
        print_json(themes_report) if args.json else print(json.dumps(themes_report, indent=1))
        return 0
    if args.library:
        on_library = bench.run_on_library(embedder_for(args, settings), settings.index_dir, args.rounds)
        if args.json:
            print_json(on_library)
        else:
            ms, encode = on_library["search_ms"], on_library["encode_query_ms"]
            print(
                f"{on_library['documents']} documents, {on_library['passages']} passages: search"
                f" p50 {ms['p50']} ms, p95 {ms['p95']} ms; encoding the query alone p50 {encode['p50']} ms"
            )
        return 0
    sizes = tuple(int(s) for s in args.sizes.split(","))
    report = bench.run(embedder_for(args, settings), sizes, settings.approximate_above, args.rounds)
    if args.json:
        print_json(report)
        return 0
    encode = report["encode_query_ms"]
    print(f"encode one query alone: p50 {encode['p50']} ms, p95 {encode['p95']} ms")
    for row in report["sizes"]:
        for label, timing in (("exact", row), ("approximate", row.get("approximate"))):
            if timing:
                ms = timing["search_ms"]
                print(
                    f"{row['passages']:>7} passages, {label:<11} search"
                    f" p50 {ms['p50']:>6} ms, p95 {ms['p95']:>6} ms"
                    f" ({timing['search_over_encode_p50']}x encoding)"
                )
        if "approximate" in row:
            recall = row["approximate"]["dense_recall_at_10_vs_exact"]
            print(f"        approximate dense recall@10 vs exact: {recall}")
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure search quality on the labelled query set")
    p.add_argument("--model", help="embedding model")
    p.add_argument("--seeds-only", action="store_true", help="leave out the PFD reports")
    p.add_argument(
        "--metadata", action="store_true", help="only the fields read from documents' text (no model)"
    )
    common(p)
    p.add_argument(
        "--reviews",
        action="store_true",
        help="only 'which reviews' on the PFD reports, beside its two baselines",
    )
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("bench", help="measure search latency at 1k, 10k, 100k and 200k passages")
    p.add_argument("--sizes", default="1000,10000,100000,200000", help="comma-separated passage counts")
    p.add_argument("--reviews", action="store_true", help="time 'reviews' over 5,000 documents instead")
    p.add_argument("--rounds", type=int, default=3, help="times each query is run per size")
    p.add_argument(
        "--themes", action="store_true", help="instead: the Themes page's reads at 1,000 documents"
    )
    p.add_argument(
        "--library", action="store_true", help="instead: the labelled queries on the library at --index"
    )
    p.add_argument("--model", help="embedding model")
    common(p)
    p.set_defaults(run=cmd_bench)
