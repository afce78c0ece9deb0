"""The command line: parse arguments, call one library function, print its records.

Errors of the library become a one-line message on stderr and a non-zero exit:

    0    done
    1    done, but some files failed (each is named)
    2    a usage, setting or library error: nothing was done (one line says why)
    3    the library has an older schema: `rebuild` makes it current
    4    the library is being changed by another process (with --no-wait, or after --wait)
    130  interrupted (Ctrl-C or SIGTERM); the message says whether the library changed
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import ingest as ingest_mod
from . import pack_cli
from .doc_metadata.ages import GROUPS as AGE_GROUPS
from .errors import AssistantError, LibraryBusy, LibraryOutdated, UsageError
from .library import RECURRING, Library, current_generation
from .names import printable
from .records import FileReport, Filters, Hit
from .search import MODES
from .settings import Settings

EXIT_FAILED_FILES = 1
EXIT_ERROR = 2  # usage, setting or library error; argparse uses 2 for a bad argument too
EXIT_USAGE = EXIT_ERROR
EXIT_OUTDATED = 3  # the library has an older schema: `rebuild` makes it current
EXIT_BUSY = 4  # another process is changing the library
EXIT_INTERRUPTED = 130


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        index_dir=getattr(args, "index", None),
        model=getattr(args, "model", None),
        writer_wait_s=getattr(args, "wait", None),
    )


def _waiting(message: str) -> None:
    print(f"note: {message}", file=sys.stderr, flush=True)


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
    from .fetch import is_url
    from .url_ingest import download

    settings = _settings(args)
    urls = [a for a in args.paths if is_url(a)]
    paths = [Path(a) for a in args.paths if not is_url(a)]
    with tempfile.TemporaryDirectory(prefix="url-") as tmp:  # downloads finish before the write lock
        got = download(urls, Path(tmp), settings, args.pick)
        if not paths and not got.names:
            return _report_files(got.problems, args.json)
        reports = ingest_mod.ingest(
            [*paths, *got.names],
            settings,
            _embedder(settings),
            _console_progress,
            got.names,
            on_wait=_waiting,
            urls=got.urls,
        )
    return _report_files(got.problems + reports, args.json)


def cmd_rebuild(args: argparse.Namespace) -> int:
    settings = _settings(args)
    ingest_mod.originals(settings, args.drop_missing)  # refuse before loading the model
    reports = ingest_mod.rebuild(
        settings, _embedder(settings), _console_progress, args.drop_missing, on_wait=_waiting
    )
    return _report_files(reports, args.json)


def _report_files(reports: list[FileReport], as_json: bool) -> int:
    if as_json:
        _print_json({"files": [r.to_dict() for r in reports]})
    else:
        for r in reports:
            detail = f"{r.passages} passages" if r.status in ("added", "replaced") else (r.reason or "")
            print(
                f"{r.status:<9} {printable(r.name)}"
                + (f" ({printable(r.doc_id)})" if r.doc_id else "")
                + (f": {printable(detail)}" if detail else "")
            )
        failed = sum(r.failed for r in reports)
        print(f"{len(reports)} files: {len(reports) - failed} ok, {failed} failed")
    return EXIT_FAILED_FILES if any(r.failed for r in reports) else 0


def cmd_remove(args: argparse.Namespace) -> int:
    settings = _settings(args)
    ingest_mod.remove(args.doc_id, settings, on_wait=_waiting)
    print(f"removed {args.doc_id}")
    return 0


EDIT_NAMES = {"date": "published", "age_group": "age_groups", "type": "review_type"}


def cmd_edit(args: argparse.Namespace) -> int:
    from .editing import edit

    changes = {f: getattr(args, f) for f in ("title", "subject", "partnership", "published", "review_type")}
    changes = {f: v for f, v in changes.items() if v is not None}
    if args.age_group is not None:
        changes["age_groups"] = args.age_group
    revert = [EDIT_NAMES.get(r.replace("-", "_"), r.replace("-", "_")) for r in args.revert or []]
    doc = edit(_settings(args), args.doc_id, changes, revert)
    if args.json:
        _print_json(doc.to_dict())
        return 0
    for field in ("title", "subject", "partnership", "published", "review_type", "age_groups"):
        value = getattr(doc, field)
        shown = ", ".join(value) if isinstance(value, tuple) else value
        print(f"{field:<12} {shown or '-':<60} {doc.field_sources.get(field, '')}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    library = Library.open(_settings(args).index_dir)
    documents = library.documents()
    if args.json:
        cases = library.cases()
        rows = [dict(d.to_dict(), case_documents=cases.get(d.case, [])) for d in documents]
        _print_json({"generation": library.generation, "documents": rows})
        return 0
    if library.warning:
        print(f"warning: {library.warning}", file=sys.stderr)
    for d in documents:
        detail = f"{d.passages} passages" if d.status == "indexed" else f"failed: {d.error}"
        if d.ocr_pages:
            detail += f", {d.ocr_pages} page{'s' if d.ocr_pages > 1 else ''} read by OCR"
        print(printable(f"{d.doc_id:<40} {d.status:<8} {detail}  [{d.source}]  {d.name}"))
    for case, ids in library.cases().items():
        print(printable(f"case {case}: {', '.join(ids)}"))
    print(f"{len(documents)} documents in generation {library.generation}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from . import leftovers

    settings = _settings(args)
    library = Library.open(settings.index_dir)
    problems = library.check()
    if library.warning:
        problems.insert(0, library.warning)
    library.close()
    found, note = leftovers.check(
        settings.index_dir, settings.keep_generations, args.repair, settings.writer_wait_s, _waiting
    )
    if args.json:
        _print_json({
            "ok": not problems, "generation": library.generation, "problems": problems,
            "leftovers": [str(left) for left in found], "repaired": bool(args.repair and found),
            **({"note": note} if note else {}),
        })  # fmt: skip
    else:
        for problem in problems:
            print(f"problem: {printable(problem)}")
        for left in found:
            print(f"{'removed' if args.repair else 'leftover'}: {printable(str(left))}")
        if found and not args.repair:
            print(f"{len(found)} leftovers take space but are never read; `check --repair` removes them")
        if note:
            print(f"note: {note}", file=sys.stderr)
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
        age_groups=tuple(args.age_group or ()),
        year_from=args.year_from,
        year_to=args.year_to,
    )


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
    print()


def cmd_search(args: argparse.Namespace) -> int:
    from .search import Searcher

    settings = _settings(args)
    embedder = _embedder(settings) if args.mode != "keyword" else None
    library = Library.open(
        settings.index_dir, embedder.name if embedder else None, embedder.dimension if embedder else None
    )
    searcher = Searcher(library, embedder, max_query_chars=settings.max_query_chars,
                        max_query_terms=settings.max_query_terms)  # fmt: skip
    if args.queries_file:
        queries = _lines(args.queries_file, "--queries-file")
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
            _print_json({"query": query, "results": [h.to_dict() for h in hits]})
        else:
            _print_hits(query, hits)
    return 0


def _lines(path: Path, option: str) -> list[str]:
    """The non-empty lines of a file of queries; bytes that are not UTF-8 become U+FFFD."""
    try:
        text = Path(path).read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise UsageError(f"{option} {printable(str(path))}: {exc.strerror or exc}") from exc
    return [printable(line.strip()) for line in text.splitlines() if line.strip()]


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
    from .theme_tagger import tagger_for

    return tagger_for(settings, None).signature  # encodes nothing


def cmd_retag(args: argparse.Namespace) -> int:
    settings = _settings(args)
    tagged = ingest_mod.retag(settings, _embedder(settings), on_wait=_waiting)
    print(f"re-tagged {tagged} passages with {settings.themes_file}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .conversation import respond
    from .generate import generative
    from .search import Searcher

    settings = _settings(args)
    given = ((args.questions_file, "--questions-file"), (args.conversation, "--conversation"))
    files = [(path, option) for path, option in given if path]
    if len(files) > 1 or (files and args.question):
        raise UsageError("give one of QUESTION, --questions-file FILE or --conversation FILE")
    if files:
        questions = _lines(*files[0])
    elif args.question:
        questions = [printable(" ".join(args.question))]
    else:
        raise UsageError("give a QUESTION, --questions-file FILE or --conversation FILE")
    embedder = _embedder(settings)
    searcher = Searcher(
        Library.open(settings.index_dir, embedder.name, embedder.dimension),
        embedder,
        max_query_chars=settings.max_query_chars,
        max_query_terms=settings.max_query_terms,
    )
    focus = None
    for question in questions:
        if note := searcher.query_note(question):
            print(f"note: {note}", file=sys.stderr)
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
    from . import ask_eval, evaluation, metadata_eval, theme_eval

    fields = metadata_eval.run()  # fields read from the text: no model, a few seconds
    if args.metadata:
        _print_json(fields) if args.json else print("\n".join(metadata_eval.lines(fields)))
        return 0
    settings = Settings.from_env(index_dir=args.index or Path("index-eval"), model=args.model)
    report = evaluation.run(settings, _embedder(settings), use_pfd=not args.seeds_only)
    report["metadata"] = fields
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
    print("\n".join(theme_eval.lines(report["tagging"])))
    print("\n".join(metadata_eval.lines(fields)))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench

    settings = _settings(args)
    if args.themes:
        from . import themes_bench

        themes_report = themes_bench.run(_embedder(settings))
        if args.json:
            _print_json(themes_report)
        else:
            print(json.dumps(themes_report, indent=1))
        return 0
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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def _positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 1000")
    return int(text)


def _writes(parser: argparse.ArgumentParser) -> None:
    """--wait / --no-wait: what to do when another process is changing the library."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--wait", type=_seconds, metavar="SECONDS",
        help="when another process is changing the library, say so and wait up to SECONDS"
        " (default: the writer_wait_s setting, 600)",
    )  # fmt: skip
    group.add_argument(
        "--no-wait", dest="wait", action="store_const", const=0.0,
        help="when another process is changing the library, say so and stop at once (exit 4)",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Search and learn from published safeguarding reviews."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add or update documents (files, folders or web addresses)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--pick", action="append", metavar="N", help="of a web page's PDFs: the Nth (repeatable) or 'all'"
    )
    p.add_argument("--model", help="embedding model: 'default', a folder, or a cached name")
    _common(p)
    _writes(p)
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("remove", help="delete a document with its passages and vectors")
    p.add_argument("doc_id", metavar="DOC_ID")
    _common(p, json_flag=False)
    _writes(p)
    p.set_defaults(run=cmd_remove)

    p = sub.add_parser("edit", help="correct a document's title, subject, partnership, date, type or ages")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--title")
    p.add_argument("--subject", help="who the review is about: 'Child J', or the deceased's name")
    p.add_argument("--partnership", help="the publisher: partnership, board or coroner's area")
    p.add_argument("--published", metavar="DATE", help="date of publication: 2019-12-19 or 19/12/2019")
    p.add_argument("--review-type", dest="review_type", metavar="T")
    p.add_argument(
        "--age-group", action="append", metavar="ID", help="baby, young-child, teenager, adult, older"
    )
    p.add_argument("--revert", action="append", metavar="FIELD", help="back to the value read from the file")
    _common(p)
    p.set_defaults(run=cmd_edit)

    p = sub.add_parser("docs", help="list documents, passage counts, status and errors")
    _common(p)
    p.set_defaults(run=cmd_docs)

    p = sub.add_parser("check", help="verify the library: counts, checksums, vectors and passages")
    p.add_argument(
        "--repair", action="store_true",
        help="remove leftovers of stopped writers (temporary folders, unpublished generations,"
        " copies of originals no document lists); waits for a writer at work",
    )  # fmt: skip
    _common(p)
    _writes(p)
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("rebuild", help="rebuild the library from its kept original files")
    p.add_argument("--model", help="embedding model to rebuild with")
    p.add_argument(
        "--drop-missing", action="store_true",
        help="rebuild without the documents whose kept original file is gone (refused otherwise)",
    )  # fmt: skip
    _common(p)
    _writes(p)
    p.set_defaults(run=cmd_rebuild)

    p = sub.add_parser("search", help="find cited passages")
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--queries-file", type=Path, help="one query per line; JSON Lines out")
    p.add_argument("--k", type=_positive, default=10, help="results per query (default 10)")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="hybrid (default), keyword, dense, rrf")
    p.add_argument("--more-like", action="store_true", help="QUERY is a passage id: find similar passages")
    p.add_argument("--model", help="embedding model (must match the library)")
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
    _common(p)
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("themes", help="learning themes with passage and document counts")
    p.add_argument(
        "--recurring", type=int, nargs="?", const=RECURRING, metavar="N",
        help=f"only learning that recurs: themes found in N or more documents (default {RECURRING})",
    )  # fmt: skip
    p.add_argument("--documents", type=int, default=5, help="documents listed per theme (default 5)")
    _common(p)
    p.set_defaults(run=cmd_themes)

    p = sub.add_parser("retag", help="tag every passage again after the themes file was edited")
    p.add_argument("--model", help="embedding model (must match the library)")
    _common(p, json_flag=False)
    _writes(p)
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
    p.add_argument(
        "--metadata", action="store_true", help="only the fields read from documents' text (no model)"
    )
    _common(p)
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("bench", help="measure search latency at 1k, 10k and 100k passages")
    p.add_argument("--sizes", default="1000,10000,100000", help="comma-separated passage counts")
    p.add_argument("--rounds", type=int, default=3, help="times each query is run per size")
    p.add_argument(
        "--themes", action="store_true", help="instead: the Themes page's reads at 1,000 documents"
    )
    p.add_argument("--model", help="embedding model")
    _common(p)
    p.set_defaults(run=cmd_bench)

    pack_cli.add_parser(sub, _common, _pack_command)
    return parser


def _terminated(signum: int, _frame: Any) -> None:
    """SIGTERM ends a command like Ctrl-C does, so a writer removes its temporary folder."""
    raise KeyboardInterrupt


def _pack_command(
    function: Callable[..., int], needs_embedder: bool = False
) -> Callable[[argparse.Namespace], int]:
    """A `pack` sub-command with its settings (and the embedder, when it searches)."""

    def run(args: argparse.Namespace) -> int:
        settings = _settings(args)
        return function(args, settings, _embedder(settings)) if needs_embedder else function(args, settings)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    index_dir = getattr(args, "index", None)
    before = _generation(index_dir)
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        return run(args)
    except AssistantError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        if isinstance(exc, LibraryOutdated):
            return EXIT_OUTDATED
        return EXIT_BUSY if isinstance(exc, LibraryBusy) else EXIT_ERROR
    except BrokenPipeError:  # the reader went away (`... | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file or folder the command was pointed at cannot be used
        where = f": {printable(str(exc.filename))}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        after = _generation(index_dir)
        if after != before:
            print(f"interrupted after the library was saved (now generation {after})", file=sys.stderr)
        else:
            print("interrupted; the library is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _generation(index_dir: Path | None) -> int | None:
    try:
        return current_generation(index_dir or Settings.from_env().index_dir)
    except Exception:  # noqa: BLE001 - only used to word the message after an interrupt
        return None
