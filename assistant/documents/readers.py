"""A file → its pages of text (:class:`SourceText`), for PDF, Markdown, plain text and DOCX.

The kind of a file is decided by its content, not its name: a web page saved as ``.pdf`` is reported as
"not a PDF". Every file is read in a child process under the same time, memory and output limits
(:mod:`assistant.documents.limits`): PDFs by :mod:`assistant.documents.pdf_worker`, Markdown, text and
DOCX by :mod:`assistant.documents.text_worker`. Readers raise :class:`IngestError` with a reason a person
can act on; they never return a document without text, nor more than ``max_chars_per_file`` characters."""

from __future__ import annotations

from pathlib import Path

from assistant.documents import limits, scanned
from assistant.documents.markdown_text import markdown_to_text  # noqa: F401 - the tests' fixtures use it from here
from assistant.errors import IngestError, too_much_text
from assistant.records import FileKind, Page, SourceText
from assistant.settings import Settings

SUFFIXES = {".pdf", ".md", ".markdown", ".txt", ".text", ".docx"}


def sniff(name: str, head: bytes) -> FileKind:
    """The kind of file these first bytes belong to: pdf, docx, markdown or text."""
    suffix = Path(name).suffix.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix == ".docx" or suffix not in SUFFIXES:
            return "docx"
        raise IngestError(name, f"a ZIP archive, not a {suffix[1:].upper()} file")
    if suffix == ".pdf":
        lowered = head[:512].lstrip().lower()
        looks = "an HTML page" if lowered.startswith((b"<!doctype html", b"<html")) else "other data"
        raise IngestError(name, f"not a PDF (the file holds {looks})")
    if suffix == ".docx":
        raise IngestError(name, "not a Word document (no DOCX content found)")
    if b"\x00" in head:
        raise IngestError(name, "not a text file (binary content)")
    return "markdown" if suffix in {".md", ".markdown"} else "text"


def read(path: Path, settings: Settings, name: str | None = None) -> SourceText:
    """Read ``path`` (shown to people as ``name``) into pages of raw text."""
    name = name or path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise IngestError(name, f"cannot be opened ({exc.strerror})") from exc
    if size == 0:
        raise IngestError(name, "empty file")
    if size > settings.max_file_mb * 1024 * 1024:
        raise IngestError(
            name, f"too large ({size / 1048576:.0f} MB; the limit is {settings.max_file_mb} MB)"
        )
    kind = sniff(name, head)
    source = READERS[kind](path, name, settings)
    if not any(ch.isalnum() for page in source.pages for ch in page.text):
        raise IngestError(name, "no readable text; not indexed")
    if sum(len(page.text) for page in source.pages) > settings.max_chars_per_file:  # whatever the reader
        raise IngestError(name, too_much_text(settings.max_chars_per_file))
    return source


def read_pdf(path: Path, name: str, settings: Settings) -> SourceText:
    args = [str(path), str(settings.min_chars_per_page), str(settings.max_chars_per_file)]
    result = limits.run("assistant.documents.pdf_worker", args, settings, name, "PDF")
    result = scanned.read_scanned(path, result, settings)  # OCR of pages without a text layer
    pages = [Page(i, text) for i, text in enumerate(result["pages"], start=1)]
    letters = sum(ch.isalnum() for text in result["pages"] for ch in text)
    few = letters < settings.min_chars_per_page * len(pages)
    unreadable = sum("could not be read" in warning for warning in result["warnings"])
    if few and 2 * unreadable >= len(pages):  # damaged pages, not pictures: OCR would not help
        reason = f"corrupt PDF ({unreadable} of {len(pages)} pages could not be read); not indexed"
        raise IngestError(name, reason)
    if few and (letters == 0 or 2 * result["scanned_pages"] >= len(pages)):  # pictures of pages
        raise IngestError(name, scanned.no_text_layer(settings, result))
    meta = {"title": result["title"]} if result.get("title") else {}
    warnings = [*result["warnings"], *result["ocr_warnings"]]
    return SourceText(name, "pdf", pages, meta, warnings, result["ocr"])


def _read_in_child(kind: FileKind, path: Path, name: str, settings: Settings) -> SourceText:
    args = [kind, str(path), str(settings.max_chars_per_file)]
    cheap = kind in ("markdown", "text")  # a child kept for many files: its fork costs more than the reading
    result = limits.run("assistant.documents.text_worker", args, settings, name, KINDS[kind], reuse=cheap)
    pages = [Page(number, text) for number, text in result["pages"]]
    return SourceText(name, kind, pages, result["meta"], result["warnings"])


def read_markdown(path: Path, name: str, settings: Settings) -> SourceText:
    return _read_in_child("markdown", path, name, settings)


def read_text(path: Path, name: str, settings: Settings) -> SourceText:
    return _read_in_child("text", path, name, settings)


def read_docx(path: Path, name: str, settings: Settings) -> SourceText:
    return _read_in_child("docx", path, name, settings)


KINDS = {"pdf": "PDF", "markdown": "Markdown file", "text": "text file", "docx": "Word document"}
READERS = {"pdf": read_pdf, "markdown": read_markdown, "text": read_text, "docx": read_docx}
