"""Commands that read: search, themes, ask."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from assistant.cli.common import common, embedder_for, lines, positive, print_json, settings_for
from assistant.documents.doc_metadata.ages import GROUPS as AGE_GROUPS
from assistant.documents.names import printable
from assistant.errors import AssistantError, UsageError
from assistant.library import Library
from assistant.library.tag_check import outdated_tags
from assistant.library.theme_queries import RECURRING
from assistant.records import Filters, Hit
from assistant.search.reviews import ReviewFinder
from assistant.search.searcher import MODES


def _filters(args: argparse.Namespace) -> Filters:
    filters = Filters(
        doc_ids=tuple(args.doc or ()),
        partnerships=tuple(args.partnership or ()),
        years=tuple(args.year or ()),
        agencies=tuple(args.agency or ()),
        review_types=tuple(args.review_type or ()),
        themes=tuple(args.theme or ()),
        age_groups=tuple(args.age_group or ()),
        year_from=args.year_from,
        year_to=args.year_to,
    )
    if backwards := filters.backwards_years():
        raise UsageError(f"--year-from {args.year_from} --year-to {args.year_to}: {backwards}")
    return filters


def _print_hits(query: str, hits: list[Hit]) -> None:
    print(f"# {query}")
    if not hits:
        print("  no passages found")
    for hit in hits:
        text = hit.passage.text
        for start, end in reversed(hit.highlights):
            text = f"{text[:start]}\u00bb{text[start:end]}\u00ab{text[end:]}"
        print(printable(f"{hit.rank:>2}. {hit.citation}  [{hit.score:.4f}]"))
        print("    " + printable(text.replace("\n", " ")[:600]))
        if status := hit.response_status:
            why = f': "{status.quote}"' if status.quote else ""
            print("    " + printable(f"response status: {status.label}{why}".replace("\n", " ")))
    print()


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.search.searcher import Searcher

    settings = settings_for(args)
    embedder = embedder_for(args, settings) if args.mode != "keyword" else None
    library = Library.open(
        settings.index_dir, embedder.name if embedder else None, embedder.dimension if embedder else None
    )
    searcher = Searcher(library, embedder, max_query_chars=settings.max_query_chars,
                        max_query_terms=settings.max_query_terms,
                        rare_budget=settings.keyword_rare_budget,
                        full_below=settings.keyword_full_below)  # fmt: skip
    if args.queries_file:
        queries = lines(args.queries_file, "--queries-file")
    elif args.query:
        queries = [printable(" ".join(args.query))]
    else:
        raise UsageError("give a QUERY or --queries-file FILE")
    filters = _filters(args)
    if unknown := set(filters.themes) - set(library.theme_labels()):
        raise AssistantError(
            f"unknown theme {sorted(unknown)[0]!r}; `python -m assistant themes` lists the themes"
        )
    for query in queries:
        if args.more_like:
            if not re.fullmatch(r"[0-9]{1,18}", query):
                raise UsageError(f"--more-like needs a passage id (a number), not {query[:40]!r}")
            hits = searcher.more_like(int(query), args.k, filters)
        else:
            if note := searcher.query_note(query):
                print(f"note: {note}", file=sys.stderr)
            hits = searcher.search(query, args.k, filters, args.mode)
        if args.json or args.queries_file:
            print_json({"query": query, "results": [h.to_dict() for h in hits]})
        else:
            _print_hits(query, hits)
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    library = Library.open(settings.index_dir)
    themes = library.recurring(args.recurring) if args.recurring else library.themes()
    titles = {d.doc_id: d.cite() for d in library.documents()}
    note = outdated_tags(library, settings)
    if args.json:
        print_json({"themes": [t.to_dict() for t in themes], **({"warning": note} if note else {})})
        return 0
    if note:
        print(f"warning: {note}", file=sys.stderr)
    width = max((len(t.label) for t in themes), default=0)
    for t in themes:
        print(f"{t.label:<{width}} {t.passages:>5} passages {len(t.documents):>4} documents  [{t.theme}]")
        for doc_id in t.documents[: args.documents]:
            print(f"    {titles.get(doc_id, doc_id)}")
        if len(t.documents) > args.documents:
            print(f"    ... and {len(t.documents) - args.documents} more")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answers.conversation import respond
    from assistant.answers.generate import generative
    from assistant.search.searcher import Searcher

    settings = settings_for(args)
    given = ((args.questions_file, "--questions-file"), (args.conversation, "--conversation"))
    files = [(path, option) for path, option in given if path]
    if len(files) > 1 or (files and args.question):
        raise UsageError("give one of QUESTION, --questions-file FILE or --conversation FILE")
    if files:
        questions = lines(*files[0])
    elif args.question:
        questions = [printable(" ".join(args.question))]
    else:
        raise UsageError("give a QUESTION, --questions-file FILE or --conversation FILE")
    embedder = embedder_for(args, settings)
    searcher = Searcher(
        Library.open(settings.index_dir, embedder.name, embedder.dimension),
        embedder,
        max_query_chars=settings.max_query_chars,
        max_query_terms=settings.max_query_terms,
        rare_budget=settings.keyword_rare_budget,
        full_below=settings.keyword_full_below,
    )
    focus = None
    counting: list[ReviewFinder] = []  # made when a question first asks "how many", then kept

    def finder() -> ReviewFinder:
        if not counting:
            counting.append(ReviewFinder(searcher, settings.reviews_threshold))
        return counting[0]

    for question in questions:
        if note := searcher.query_note(question):
            print(f"note: {note}", file=sys.stderr)
        answer = respond(searcher, question, focus, settings.answer_threshold, finder)
        if args.conversation:
            focus = answer.focus  # each turn follows on from the answer before it
        answer = generative(settings, answer)
        if args.json or files:
            print_json(answer.to_dict())
            continue
        lead = f"{answer.lead}\n\n" if answer.lead else ""
        print(f"# {question}\n\n{lead}{answer.answer}\n")
        for note in (answer.focus.note if answer.focus else "", answer.note):
            if note:
                print(f"({note})\n")
        for c in answer.citations:
            print(f"[{c.n}] {c.hit.citation}")
        if answer.themes:
            print("  nearest themes: " + "; ".join(answer.themes))
        for hit in answer.suggestions:
            print(f"  nearest: {hit.citation}")
        print()
    return 0


def filter_arguments(p: Any) -> None:
    p.add_argument("--doc", action="append", help="only this document id (repeatable)")
    p.add_argument("--partnership", action="append", help="only this partnership (repeatable)")
    p.add_argument("--year", type=int, action="append", help="only this publication year (repeatable)")
    p.add_argument("--agency", action="append", help="only passages addressing this agency (repeatable)")
    p.add_argument("--review-type", action="append", help="only this review type (repeatable)")
    p.add_argument("--theme", action="append", help="only passages with this learning theme id (repeatable)")
    p.add_argument(
        "--age-group", action="append", choices=AGE_GROUPS, help="only documents about this age group"
    )
    p.add_argument("--year-from", type=int, metavar="YEAR", help="only documents published in or after YEAR")
    p.add_argument("--year-to", type=int, metavar="YEAR", help="only documents published in or before YEAR")


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("search", help="find cited passages")
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--queries-file", type=Path, help="one query per line; JSON Lines out")
    p.add_argument("--k", type=positive, default=10, help="results per query (default 10)")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="hybrid (default), keyword, dense, rrf")
    p.add_argument("--more-like", action="store_true", help="QUERY is a passage id: find similar passages")
    p.add_argument("--model", help="embedding model (must match the library)")
    filter_arguments(p)
    common(p)
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("themes", help="learning themes with passage and document counts")
    p.add_argument(
        "--recurring", type=int, nargs="?", const=RECURRING, metavar="N",
        help=f"only learning that recurs: themes found in N or more documents (default {RECURRING})",
    )  # fmt: skip
    p.add_argument("--documents", type=int, default=5, help="documents listed per theme (default 5)")
    common(p)
    p.set_defaults(run=cmd_themes)

    p = sub.add_parser("ask", help="a cited answer from the reviews, or an honest 'not found'")
    p.add_argument("question", nargs="*", metavar="QUESTION")
    p.add_argument("--questions-file", type=Path, help="one question per line; JSON Lines out")
    p.add_argument(
        "--conversation", type=Path, metavar="FILE",
        help="one turn per line, each following on from the one before; JSON Lines out, with focus",
    )  # fmt: skip
    p.add_argument("--model", help="embedding model (must match the library)")
    common(p)
    p.set_defaults(run=cmd_ask)
