"""The command line: parse arguments, call one library function, print its records.

Errors of the library become a one-line message on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import ingest as ingest_mod
from .errors import AssistantError, LibraryOutdated
from .library import Library
from .records import FileReport, Filters, Hit
from .search import MODES
from .settings import Settings

EXIT_FAILED_FILES = 1
EXIT_ERROR = 2
EXIT_OUTDATED = 3  # the library has an older schema: `rebuild` makes it current


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(index_dir=getattr(args, "index", None), model=getattr(args, "model", None))


def _embedder(settings: Settings) -> Any:
    from .embedding import load

    return load(settings.model, settings.batch_size)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _console_progress(done: int, total: int, name: str) -> None:
    if sys.stderr.isatty() and name:
        sys.stderr.write(f"\r[{done + 1}/{total}] {name[:60]:<60}")
        sys.stderr.flush()
    elif sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 70 + "\r")


# -- commands ---------------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = _settings(args)
    reports = ingest_mod.ingest(args.paths, settings, _embedder(settings), _console_progress)
    return _report_files(reports, args.json)


def cmd_rebuild(args: argparse.Namespace) -> int:
    settings = _settings(args)
    reports = ingest_mod.rebuild(settings, _embedder(settings), _console_progress)
    return _report_files(reports, args.json)


def _report_files(reports: list[FileReport], as_json: bool) -> int:
    if as_json:
        _print_json({"files": [r.to_dict() for r in reports]})
    else:
        for r in reports:
            detail = f"{r.passages} passages" if r.status in ("added", "replaced") else (r.reason or "")
            print(
                f"{r.status:<9} {r.name}"
                + (f" ({r.doc_id})" if r.doc_id else "")
                + (f": {detail}" if detail else "")
            )
        failed = sum(r.failed for r in reports)
        print(f"{len(reports)} files: {len(reports) - failed} ok, {failed} failed")
    return EXIT_FAILED_FILES if any(r.failed for r in reports) else 0


def cmd_remove(args: argparse.Namespace) -> int:
    settings = _settings(args)
    ingest_mod.remove(args.doc_id, settings)
    print(f"removed {args.doc_id}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    library = Library.open(_settings(args).index_dir)
    documents = library.documents()
    if args.json:
        _print_json({"generation": library.generation, "documents": [d.to_dict() for d in documents]})
        return 0
    if library.warning:
        print(f"warning: {library.warning}", file=sys.stderr)
    for d in documents:
        detail = f"{d.passages} passages" if d.status == "indexed" else f"failed: {d.error}"
        print(f"{d.doc_id:<40} {d.status:<8} {detail}  [{d.source}]")
    print(f"{len(documents)} documents in generation {library.generation}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    library = Library.open(_settings(args).index_dir)
    problems = library.check()
    if library.warning:
        problems.insert(0, library.warning)
    if args.json:
        _print_json({"ok": not problems, "generation": library.generation, "problems": problems})
    else:
        for problem in problems:
            print(f"problem: {problem}")
        counts = library.manifest.get("counts", {})
        print("ok" if not problems else "damaged", f"(generation {library.generation}, {counts})")
    return 0 if not problems else EXIT_ERROR


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(
        doc_ids=tuple(args.doc or ()),
        partnerships=tuple(args.partnership or ()),
        years=tuple(args.year or ()),
        agencies=tuple(args.agency or ()),
        review_types=tuple(args.review_type or ()),
        themes=tuple(args.theme or ()),
    )


def _print_hits(query: str, hits: list[Hit]) -> None:
    print(f"# {query}")
    if not hits:
        print("  no passages found")
    for hit in hits:
        text = hit.passage.text
        for start, end in reversed(hit.highlights):
            text = f"{text[:start]}\u00bb{text[start:end]}\u00ab{text[end:]}"
        print(f"{hit.rank:>2}. {hit.citation}  [{hit.score:.4f}]")
        print("    " + text.replace("\n", " ")[:600])
    print()


def cmd_search(args: argparse.Namespace) -> int:
    from .search import Searcher

    settings = _settings(args)
    embedder = _embedder(settings) if args.mode != "keyword" else None
    library = Library.open(
        settings.index_dir, embedder.name if embedder else None, embedder.dimension if embedder else None
    )
    searcher = Searcher(library, embedder)
    if args.queries_file:
        queries = [
            q.strip() for q in Path(args.queries_file).read_text(encoding="utf-8").splitlines() if q.strip()
        ]
    elif args.query:
        queries = [" ".join(args.query)]
    else:
        raise AssistantError("give a QUERY or --queries-file FILE")
    filters = _filters(args)
    if unknown := set(filters.themes) - set(library.theme_labels()):
        raise AssistantError(
            f"unknown theme {sorted(unknown)[0]!r}; `python -m assistant themes` lists the themes"
        )
    for query in queries:
        if args.more_like:
            hits = searcher.more_like(int(query), args.k, filters)
        else:
            hits = searcher.search(query, args.k, filters, args.mode)
        if args.json or args.queries_file:
            _print_json({"query": query, "results": [h.to_dict() for h in hits]})
        else:
            _print_hits(query, hits)
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    settings = _settings(args)
    library = Library.open(settings.index_dir)
    themes = library.recurring(args.recurring) if args.recurring else library.themes()
    titles = {d.doc_id: d.cite() for d in library.documents()}
    stale = library.tagger_signature not in (None, _tagger_signature(settings))
    note = (
        f"the themes file {settings.themes_file} changed since the passages were tagged; "
        f"re-tag them with: python -m assistant retag --index {settings.index_dir}"
    )
    if args.json:
        _print_json({"themes": [t.to_dict() for t in themes], **({"warning": note} if stale else {})})
        return 0
    if stale:
        print(f"warning: {note}", file=sys.stderr)
    width = max((len(t.label) for t in themes), default=0)
    for t in themes:
        print(f"{t.label:<{width}} {t.passages:>5} passages {len(t.documents):>4} documents  [{t.theme}]")
        for doc_id in t.documents[: args.documents]:
            print(f"    {titles.get(doc_id, doc_id)}")
        if len(t.documents) > args.documents:
            print(f"    ... and {len(t.documents) - args.documents} more")
    return 0


def _tagger_signature(settings: Settings) -> str:
    from .themes import Tagger, Taxonomy

    return Tagger(Taxonomy.load(settings.themes_file), embedder=None).signature  # encodes nothing


def cmd_retag(args: argparse.Namespace) -> int:
    settings = _settings(args)
    tagged = ingest_mod.retag(settings, _embedder(settings))
    print(f"re-tagged {tagged} passages with {settings.themes_file}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .conversation import respond
    from .generate import generative
    from .search import Searcher

    settings = _settings(args)
    files = [f for f in (args.questions_file, args.conversation) if f]
    if len(files) > 1 or (files and args.question):
        raise AssistantError("give one of QUESTION, --questions-file FILE or --conversation FILE")
    if files:
        text = Path(files[0]).read_text(encoding="utf-8")
        questions = [q.strip() for q in text.splitlines() if q.strip()]
    elif args.question:
        questions = [" ".join(args.question)]
    else:
        raise AssistantError("give a QUESTION, --questions-file FILE or --conversation FILE")
    embedder = _embedder(settings)
    searcher = Searcher(Library.open(settings.index_dir, embedder.name, embedder.dimension), embedder)
    focus = None
    for question in questions:
        answer = respond(searcher, question, focus, threshold=settings.answer_threshold)
        if args.conversation:
            focus = answer.focus  # each turn follows on from the answer before it
        answer = generative(settings, answer)
        if args.json or files:
            _print_json(answer.to_dict())
            continue
        print(f"# {question}\n\n{answer.answer}\n")
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


def cmd_eval(args: argparse.Namespace) -> int:
    from . import ask_eval, evaluation

    settings = Settings.from_env(index_dir=args.index or Path("index-eval"), model=args.model)
    report = evaluation.run(settings, _embedder(settings), use_pfd=not args.seeds_only)
    if args.json:
        _print_json(report)
        return 0
    lib = report["library"]
    print(f"evaluation library: {lib['documents']} documents, {lib['passages']} passages")
    print("\n".join(ask_eval.lines(report["ask"])))
    search = report["search"]
    print(f"search: {search['queries']} labelled queries ({search['skipped']} skipped: no labels here)")
    print(f"  {'mode':<8} {'recall@10':>10} {'MRR':>7} {'nDCG@10':>8}")
    for mode in ("keyword", "dense", "rrf", "hybrid"):
        m = search[mode]
        print(f"  {mode:<8} {m['recall@10']:>10.3f} {m['mrr']:>7.3f} {m['ndcg@10']:>8.3f}")
    for name, label in (("seeds", "labelled seed passages"), ("pfd", "PFD reports, by theme column")):
        t = report["tagging"][name]
        if not t["items"]:
            continue  # e.g. no PFD reports here
        micro = t["micro"]
        print(
            f"themes, {t['items']} {label}: precision {_score(micro['precision'])},"
            f" recall {_score(micro['recall'])}, F1 {_score(micro['f1'])} (macro F1 {_score(t['macro_f1'])})"
        )
        for theme, m in t["per_theme"].items():
            print(
                f"  {theme:<31} precision {_score(m['precision'])} recall {_score(m['recall'])}"
                f"  ({m['support']} labelled, {m['tagged']} tagged)"
            )
    return 0


def _score(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench

    settings = _settings(args)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    report = bench.run(_embedder(settings), sizes, settings.approximate_above, args.rounds)
    if args.json:
        _print_json(report)
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


# -- parser -----------------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    parser.add_argument("--index", type=Path, help="library folder (default: index/)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Search and learn from published safeguarding reviews."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add or update documents (files or folders)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--model", help="embedding model: 'default', a folder, or a cached name")
    _common(p)
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("remove", help="delete a document with its passages and vectors")
    p.add_argument("doc_id", metavar="DOC_ID")
    _common(p, json_flag=False)
    p.set_defaults(run=cmd_remove)

    p = sub.add_parser("docs", help="list documents, passage counts, status and errors")
    _common(p)
    p.set_defaults(run=cmd_docs)

    p = sub.add_parser("check", help="verify the library: counts, checksums, vectors and passages")
    _common(p)
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("rebuild", help="rebuild the library from its kept original files")
    p.add_argument("--model", help="embedding model to rebuild with")
    _common(p)
    p.set_defaults(run=cmd_rebuild)

    p = sub.add_parser("search", help="find cited passages")
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--queries-file", type=Path, help="one query per line; JSON Lines out")
    p.add_argument("--k", type=int, default=10, help="results per query (default 10)")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="hybrid (default), keyword, dense, rrf")
    p.add_argument("--more-like", action="store_true", help="QUERY is a passage id: find similar passages")
    p.add_argument("--model", help="embedding model (must match the library)")
    p.add_argument("--doc", action="append", help="only this document id (repeatable)")
    p.add_argument("--partnership", action="append", help="only this partnership (repeatable)")
    p.add_argument("--year", type=int, action="append", help="only this publication year (repeatable)")
    p.add_argument("--agency", action="append", help="only passages addressing this agency (repeatable)")
    p.add_argument("--review-type", action="append", help="only this review type (repeatable)")
    p.add_argument("--theme", action="append", help="only passages with this learning theme id (repeatable)")
    _common(p)
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("themes", help="learning themes with passage and document counts")
    p.add_argument(
        "--recurring", type=int, nargs="?", const=2, metavar="N",
        help="only learning that recurs: themes found in N or more documents (default 2)",
    )  # fmt: skip
    p.add_argument("--documents", type=int, default=5, help="documents listed per theme (default 5)")
    _common(p)
    p.set_defaults(run=cmd_themes)

    p = sub.add_parser("retag", help="tag every passage again after the themes file was edited")
    p.add_argument("--model", help="embedding model (must match the library)")
    _common(p, json_flag=False)
    p.set_defaults(run=cmd_retag)

    p = sub.add_parser("ask", help="a cited answer from the reviews, or an honest 'not found'")
    p.add_argument("question", nargs="*", metavar="QUESTION")
    p.add_argument("--questions-file", type=Path, help="one question per line; JSON Lines out")
    p.add_argument(
        "--conversation", type=Path, metavar="FILE",
        help="one turn per line, each following on from the one before; JSON Lines out, with focus",
    )  # fmt: skip
    p.add_argument("--model", help="embedding model (must match the library)")
    _common(p)
    p.set_defaults(run=cmd_ask)

    p = sub.add_parser("eval", help="measure search quality on the labelled query set")
    p.add_argument("--model", help="embedding model")
    p.add_argument("--seeds-only", action="store_true", help="leave out the PFD reports")
    _common(p)
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("bench", help="measure search latency at 1k, 10k and 100k passages")
    p.add_argument("--sizes", default="1000,10000,100000", help="comma-separated passage counts")
    p.add_argument("--rounds", type=int, default=3, help="times each query is run per size")
    p.add_argument("--model", help="embedding model")
    _common(p)
    p.set_defaults(run=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_OUTDATED if isinstance(exc, LibraryOutdated) else EXIT_ERROR
    except BrokenPipeError:  # the reader went away (`... | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted; the library is unchanged", file=sys.stderr)
        return 130
