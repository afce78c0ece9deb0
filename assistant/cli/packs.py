"""`python -m assistant pack ...`: the site's kept packs from the command line.

list, show, export, create (a briefing drafted from a search, as the app's "Start a briefing
from these results"), import and delete. The packs are those of the site's store (the one the
app uses for visitors who are not signed in, with ASSISTANT_PACKS=on).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Literal, get_args

from assistant.errors import AssistantError, PackError
from assistant.library import Library
from assistant.settings import Settings
from assistant.trainers.gather import MAX_REVIEWS
from assistant.trainers.pack_files import MAX_FILE_BYTES, from_json, to_json
from assistant.trainers.pack_store import PackStore, store_folder
from assistant.trainers.packs import Pack

Format = Literal["docx", "pptx", "md", "html", "json"]  # a pack export: briefing files, or the pack
FORMATS: tuple[Format, ...] = get_args(Format)


def _store(settings: Settings) -> PackStore:
    return PackStore(store_folder(settings.packs_path, None))


def _summary(pack: Pack) -> dict[str, Any]:
    return {"name": pack.name, "passages": len(pack.items), "briefing": pack.briefing is not None,
            "updated": pack.updated}  # fmt: skip


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    packs = store.packs()
    if args.json:
        sys.stdout.write(json.dumps({"packs": [_summary(p) for p in packs]}, ensure_ascii=False) + "\n")
        return 0
    for pack in packs:
        drafted = "briefing drafted" if pack.briefing else "no briefing yet"
        print(f"{pack.name}  ({len(pack.items)} passages, {drafted}, changed {pack.updated})")
    for problem in store.problems():
        print(f"warning: {problem}", file=sys.stderr)
    print(f"{len(packs)} packs in {store.folder}")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.trainers.export import EmptyPack, prepared, to_markdown

    pack = _store(settings).get(args.name)
    if args.json:
        sys.stdout.write(to_json(pack) + "\n")
        return 0
    for n, item in enumerate(pack.items, start=1):
        print(f"{n}. {item.passage.citation}")
    if pack.briefing is not None:
        try:
            print("\n" + to_markdown(prepared(pack, Library.open(settings.index_dir))[0]))
        except EmptyPack as exc:
            print(f"\n{exc}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    pack = _store(settings).get(args.name)
    data = export_bytes(pack, args.format, Library.open(settings.index_dir))
    Path(args.out).write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


def export_bytes(pack: Pack, fmt: Format, library: Library | None) -> bytes:
    from assistant.trainers.export import prepared, to_html, to_markdown
    from assistant.trainers.export_docx import to_docx
    from assistant.trainers.export_pptx import to_pptx

    if fmt == "json":
        return to_json(pack).encode("utf-8")
    briefing, sources = prepared(pack, library)
    if fmt == "docx":
        return to_docx(briefing)
    if fmt == "pptx":
        return to_pptx(briefing, sources)
    return (to_markdown(briefing) if fmt == "md" else to_html(briefing)).encode("utf-8")


def cmd_create(args: argparse.Namespace, settings: Settings, embedder: Any) -> int:
    from assistant.search.searcher import Searcher
    from assistant.trainers.gather import from_query, none_about

    if not 1 <= args.reviews <= MAX_REVIEWS:
        raise AssistantError(f"--reviews must be between 1 and {MAX_REVIEWS}")
    store = _store(settings)
    if store.exists(args.name):
        raise PackError(f"there is already a pack named {args.name!r}")
    library = Library.open(settings.index_dir, embedder.name, embedder.dimension)
    pack = from_query(Searcher(library, embedder), args.name, args.query, args.reviews)
    if not pack.items:
        raise AssistantError(f"{none_about(args.query)} No pack was made.")
    pack = store.create(pack)
    reviews = f"{len(pack.items)} review{'' if len(pack.items) == 1 else 's'}"
    print(f"created {pack.name!r}: the strongest passage of {reviews}, briefing drafted")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PackError(f"{path.name}: larger than {MAX_FILE_BYTES // 1_000_000} MB; not a pack file")
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(f"{path}: cannot be read ({exc.strerror})") from exc
    store = _store(settings)
    pack = from_json(raw, path.name)
    name = store.free_name(args.name or pack.name)
    pack = store.save(Pack(name, pack.items, pack.briefing, pack.used, pack.created))
    print(f"imported {pack.name!r} ({len(pack.items)} passages)")
    return 0


def cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    _store(settings).delete(args.name)
    print(f"deleted {args.name!r}")
    return 0


def add_parser(sub: Any, common: Any, run: Any) -> None:
    """The ``pack`` command and its sub-commands; ``run(function, needs_embedder)`` wraps each."""
    what = "trainers' packs and seven-minute briefings: list, show, export, create, import, delete"
    parser = sub.add_parser("pack", help=what)
    actions = parser.add_subparsers(dest="pack_command", required=True)

    p = actions.add_parser("list", help="the kept packs, most recently changed first")
    common(p)
    p.set_defaults(run=run(cmd_list))
    p = actions.add_parser("show", help="a pack's passages and its briefing as Markdown (or --json)")
    p.add_argument("name", metavar="NAME")
    common(p)
    p.set_defaults(run=run(cmd_show))
    p = actions.add_parser("export", help="write a pack's briefing as Word, PowerPoint, Markdown or HTML")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    common(p, json_flag=False)
    p.set_defaults(run=run(cmd_export))
    p = actions.add_parser("create", help="a new pack from the strongest passage of each review that matches")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--query", required=True, metavar="QUERY")
    p.add_argument("--reviews", type=int, default=6, metavar="N", help="reviews (default 6, up to 20)")
    p.add_argument("--model", help="embedding model (must match the library)")
    common(p, json_flag=False)
    p.set_defaults(run=run(cmd_create, needs_embedder=True))
    p = actions.add_parser("import", help="keep a pack file (from the app's or this command's export)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--name", help="keep it under this name")
    common(p, json_flag=False)
    p.set_defaults(run=run(cmd_import))
    p = actions.add_parser("delete", help="delete a kept pack")
    p.add_argument("name", metavar="NAME")
    common(p, json_flag=False)
    p.set_defaults(run=run(cmd_delete))
