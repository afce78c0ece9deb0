"""Commands that change or list the library: ingest, rebuild, migrate, remove, edit, docs, check, retag."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant.cli.common import (
    EXIT_ERROR,
    EXIT_FAILED_FILES,
    common,
    console_progress,
    embedder_for,
    print_json,
    settings_for,
    waiting,
    writes,
)
from assistant.documents.names import printable
from assistant.library import Library, ingest_progress
from assistant.library import ingest as ingest_mod
from assistant.records import FileReport


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.documents.fetch import is_url
    from assistant.documents.url_import import download

    settings = settings_for(args)
    urls = [a for a in args.paths if is_url(a)]
    paths = [Path(a) for a in args.paths if not is_url(a)]
    with tempfile.TemporaryDirectory(prefix="url-") as tmp:  # downloads finish before the write lock
        got = download(urls, Path(tmp), settings, args.pick)
        if not paths and not got.names:
            return _report_files(got.problems, args.json)
        meter = ingest_progress.Meter(0)
        shown = ingest_progress.Reporter(meter, sys.stderr, args.json)
        reports = ingest_mod.ingest(
            [*paths, *got.names],
            settings,
            ingest_progress.Counted(embedder_for(args, settings), meter),
            shown.file,
            got.names,
            on_wait=waiting,
            urls=got.urls,
            on_checkpoint=shown.checkpoint,
        )
    return _report_files(got.problems + reports, args.json)


def cmd_rebuild(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    ingest_mod.originals(settings, args.drop_missing)  # refuse before loading the model
    reports = ingest_mod.rebuild(
        settings, embedder_for(args, settings), console_progress, args.drop_missing, on_wait=waiting
    )
    return _report_files(reports, args.json)


def cmd_migrate(args: argparse.Namespace) -> int:
    from assistant.library.migrations import migrate

    settings = settings_for(args)
    done = migrate(settings.index_dir, settings.keep_generations, settings.writer_wait_s, waiting)
    where = printable(str(settings.index_dir))
    if args.json:
        print_json({**dataclasses.asdict(done), "changed": done.changed})
    elif done.from_schema is None:
        print(f"no library at {where}: nothing to migrate")
    elif not done.changed:
        print(f"the library at {where} is at schema {done.to_schema} already: nothing to migrate")
    else:
        print(
            f"migrated the library at {where} from schema {done.from_schema} to {done.to_schema}"
            f" (generation {done.from_generation} -> {done.to_generation}): {done.passages} passages"
            " kept with their vectors, none embedded again"
        )
    return 0


def _report_files(reports: list[FileReport], as_json: bool) -> int:
    if as_json:
        print_json({"files": [r.to_dict() for r in reports]})
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
    settings = settings_for(args)
    ingest_mod.remove(args.doc_id, settings, on_wait=waiting)
    print(f"removed {args.doc_id}")
    return 0


EDIT_NAMES = {"date": "published", "age_group": "age_groups", "type": "review_type"}


def cmd_edit(args: argparse.Namespace) -> int:
    from assistant.library.editing import edit

    changes = {f: getattr(args, f) for f in ("title", "subject", "partnership", "published", "review_type")}
    changes = {f: v for f, v in changes.items() if v is not None}
    if args.age_group is not None:
        changes["age_groups"] = args.age_group
    revert = [EDIT_NAMES.get(r.replace("-", "_"), r.replace("-", "_")) for r in args.revert or []]
    settings = settings_for(args)
    doc = edit(settings, args.doc_id, changes, revert, embedder=lambda: embedder_for(args, settings))
    if args.json:
        print_json(doc.to_dict())
        return 0
    for field in ("title", "subject", "partnership", "published", "review_type", "age_groups"):
        value = getattr(doc, field)
        shown = ", ".join(value) if isinstance(value, tuple) else value
        print(f"{field:<12} {shown or '-':<60} {doc.field_sources.get(field, '')}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    library = Library.open(settings_for(args).index_dir)
    documents = library.documents()
    if args.json:
        cases = library.cases()
        rows = [dict(d.to_dict(), case_documents=cases.get(d.case, [])) for d in documents]
        print_json({"generation": library.generation, "documents": rows})
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
    from assistant.library import leftovers

    settings = settings_for(args)
    library = Library.open(settings.index_dir)
    problems = library.check()
    if library.warning:
        problems.insert(0, library.warning)
    library.close()
    found, note = leftovers.check(
        settings.index_dir, settings.keep_generations, args.repair, settings.writer_wait_s, waiting
    )
    if args.json:
        print_json({
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


def cmd_retag(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    tagged = ingest_mod.retag(settings, embedder_for(args, settings), on_wait=waiting)
    print(f"re-tagged {tagged} passages with {settings.themes_file}")
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("ingest", help="add or update documents (files, folders or web addresses)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--pick", action="append", metavar="N", help="of a web page's PDFs: the Nth (repeatable) or 'all'"
    )
    p.add_argument("--model", help="embedding model: 'default', a folder, or a cached name")
    common(p)
    writes(p)
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("remove", help="delete a document with its passages and vectors")
    p.add_argument("doc_id", metavar="DOC_ID")
    common(p, json_flag=False)
    writes(p)
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
    common(p)
    p.set_defaults(run=cmd_edit)

    p = sub.add_parser("docs", help="list documents, passage counts, status and errors")
    common(p)
    p.set_defaults(run=cmd_docs)

    p = sub.add_parser("check", help="verify the library: counts, checksums, vectors and passages")
    p.add_argument(
        "--repair", action="store_true",
        help="remove leftovers of stopped writers (temporary folders, unpublished generations,"
        " copies of originals no document lists); waits for a writer at work",
    )  # fmt: skip
    common(p)
    writes(p)
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("rebuild", help="rebuild the library from its kept original files")
    p.add_argument("--model", help="embedding model to rebuild with")
    p.add_argument(
        "--drop-missing", action="store_true",
        help="rebuild without the documents whose kept original file is gone (refused otherwise)",
    )  # fmt: skip
    common(p)
    writes(p)
    p.set_defaults(run=cmd_rebuild)

    p = sub.add_parser("migrate", help="upgrade a library of an older schema, keeping its vectors")
    common(p)
    writes(p)
    p.set_defaults(run=cmd_migrate)

    p = sub.add_parser("retag", help="tag every passage again after the themes file was edited")
    p.add_argument("--model", help="embedding model (must match the library)")
    common(p, json_flag=False)
    writes(p)
    p.set_defaults(run=cmd_retag)
