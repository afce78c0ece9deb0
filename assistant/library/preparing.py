"""Preparing files for the library: which files a call names, and one file read, cleaned and cut.

Nothing here touches the library's files: a prepared document (its record, text and passages)
is handed to :mod:`assistant.library.ingest`, which embeds and stores it. A file that cannot be
used raises :class:`IngestError` with the reason, for its report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.documents import doc_metadata, metadata, readers, scanned
from assistant.documents.cleaning import clean_pages
from assistant.documents.doc_metadata import edits
from assistant.documents.names import printable
from assistant.documents.passages import cut
from assistant.errors import IngestError
from assistant.records import Document, FileReport, Passage, SourceText
from assistant.settings import Settings


@dataclass
class Prepared:
    """A file read and cut, waiting to be embedded with others."""

    path: Path
    document: Document
    text: str
    passages: list[Passage]
    replacing: bool


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[FileReport]]:
    """Files to ingest (folders walked, in name order) and reports for paths that cannot be."""
    files, problems = [], []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in readers.SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )  # fmt: skip
        elif not path.exists():
            problems.append(FileReport(printable(path.name), "failed", reason="not found"))
        elif path.suffix.lower() not in readers.SUFFIXES:
            problems.append(
                FileReport(
                    printable(path.name),
                    "failed",
                    reason="unsupported file type; use PDF, DOCX, Markdown or text",
                )
            )
        else:
            files.append(path)
    return files, problems


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare(
    path: Path,
    sha256: str,
    settings: Settings,
    name: str | None = None,
    doc_id: str | None = None,
    url: str = "",
    source: SourceText | None = None,
) -> tuple[Document, str, list[Passage]]:
    """Read (unless ``source`` is what was read) and cut one file; raises :class:`IngestError`
    with the reason it cannot be used."""
    name = name or path.name
    if source is None:
        source = readers.read(path, settings, name)
    pages = clean_pages(source.pages)
    about, notes = doc_metadata.describe(name, source.kind, source.meta, "\n".join(p.text for p in pages))
    about = edits.apply(about, edits.load(settings.index_dir).get(sha256, {}))  # corrections kept
    doc_id = doc_id or metadata.doc_id_for(name, sha256)
    text, passages = cut(doc_id, about["title"], pages, settings)
    passages = scanned.mark(passages, source.ocr_pages)  # the OCR confidence of their pages
    if not passages:
        raise IngestError(name, "no readable text; not indexed")
    if len(passages) > settings.max_passages_per_file:  # each is embedded: bound the time that takes
        limit = settings.max_passages_per_file
        raise IngestError(name, f"too many passages ({len(passages):,}; the limit is {limit:,} per file)")
    numbers = [p.number for p in source.pages if p.number is not None]
    document = Document(
        doc_id=doc_id, source=name, kind=source.kind, sha256=sha256, status="indexed",
        passages=len(passages), pages=max(numbers) if numbers else None,
        warnings=(*source.warnings, *notes), url=url, ocr_pages=len(source.ocr_pages), **about,
    )  # fmt: skip
    return document, text, passages
