"""`python -m assistant reviews`: translates arguments to one :class:`ReviewFinder` call and its
answer to text, JSON (Lines) or CSV. Nothing here decides or scores."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.search.review_export import lines, write_csv


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--queries-file", type=Path, help="one query per line; JSON Lines out")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also write one row per review to FILE")
    p.add_argument("--model", help="embedding model (must match the library)")


def cmd_reviews(args: argparse.Namespace) -> int:
    from assistant.cli.common import embedder_for, settings_for
    from assistant.cli.common import lines as file_lines
    from assistant.cli.search_commands import _filters
    from assistant.documents.names import printable
    from assistant.errors import UsageError
    from assistant.library import Library

    settings = settings_for(args)
    if args.queries_file:
        queries = file_lines(args.queries_file, "--queries-file")
    elif args.query:
        queries = [printable(" ".join(args.query))]
    else:
        raise UsageError("give a QUERY or --queries-file FILE")
    embedder = embedder_for(args, settings)
    library = Library.open(settings.index_dir, embedder.name, embedder.dimension)
    filters = _filters(args)
    if unknown := set(filters.themes) - set(library.theme_labels()):
        raise AssistantError(
            f"unknown theme {sorted(unknown)[0]!r}; `python -m assistant themes` lists the themes"
        )
    return run(args, settings, embedder, library, filters, queries)


def add_parser(sub: Any) -> None:
    from assistant.cli.common import common
    from assistant.cli.search_commands import filter_arguments

    p = sub.add_parser("reviews", help="which reviews address a topic: counted, with evidence")
    add_arguments(p)
    filter_arguments(p)
    common(p)
    p.set_defaults(run=cmd_reviews)


def run(
    args: argparse.Namespace, settings: Any, embedder: Any, library: Any, filters: Any, queries: list[str]
) -> int:
    """The command, given what the CLI already parsed and opened."""
    from assistant.search.reviews import ReviewFinder
    from assistant.search.searcher import Searcher

    if args.csv is not None and len(queries) != 1:
        raise AssistantError("--csv writes one query's reviews: give one QUERY, not --queries-file")
    searcher = Searcher(library, embedder, max_query_chars=settings.max_query_chars,
                        max_query_terms=settings.max_query_terms)  # fmt: skip
    finder = ReviewFinder(searcher, settings.reviews_threshold)
    for query in queries:
        found = finder.find(query, filters)
        if found.note:
            print(f"note: {found.note}", file=sys.stderr)
        if args.csv is not None:
            try:
                write_csv(found, args.csv)
            except OSError as exc:
                raise AssistantError(f"--csv {args.csv}: {exc.strerror or exc}") from exc
        if args.json or args.queries_file:
            sys.stdout.write(json.dumps(found.to_dict(), ensure_ascii=False) + "\n")
        else:
            print("\n".join(lines(found)))
    return 0
