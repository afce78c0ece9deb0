"""Preparing files for the library: which files a call names, and one file read, cleaned and cut.

Nothing here touches the library's files: a prepared document (its record, text and passages)
is handed to :mod:`assistant.library.ingest`, which embeds and stores it. A file that cannot be
used raises :class:`IngestError` with the reason, for its report.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

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
    source = source or readers.read(path, settings, name)
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


class ReadAhead:
    """Files read a few ahead of their turn, on one thread, while the caller cuts, embeds and
    stores the ones before: the reading itself is done by the reading server's children (another
    process), so the thread only waits for them and the two run side by side.

    Measured on 300 PFD reports written as Markdown: reading was ~9 ms a report of the ~20 ms an
    ingest spends on a report besides encoding. The caller bounds how many it asks for before
    taking them (each holds at most ``max_chars_per_file`` characters). Use as a context manager:
    leaving it cancels the reads not begun and waits for the one under way (within
    ``read_timeout_s``).
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="read-ahead")

    def read(self, path: Path, name: str) -> Future[SourceText]:
        """The file's reading, begun in turn; its ``result()`` raises the file's IngestError."""
        context = contextvars.copy_context()  # the OCR read before (scanned.read_ahead) is in it
        return self._pool.submit(context.run, readers.read, path, self.settings, name)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
