"""A file → its pages of text (:class:`SourceText`), for PDF, Markdown, plain text and DOCX.

The kind of a file is decided by its content, not its name: a web page saved as ``.pdf`` is
reported as "not a PDF". PDFs are read in a child process with time and memory limits
(:mod:`assistant.pdf_worker`). Readers raise :class:`IngestError` with a reason a person can act
on; they never return a document without text.
"""

from __future__ import annotations

import io
import json
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from . import scanned
from .errors import IngestError
from .records import Page, SourceText
from .settings import Settings

MEMORY_SIGNS = (b"MemoryError", b"failed to map segment", b"Cannot allocate memory")
SUFFIXES = {".pdf", ".md", ".markdown", ".txt", ".text", ".docx"}
PAGE_MARK = re.compile(r"^\s*<!--\s*page\s*(\d+)\s*-->\s*$", re.I | re.M)
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
META_KEYS = ("title", "subject", "partnership", "partnership_short", "review_type", "published")


def sniff(name: str, head: bytes) -> str:
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
    return source


def read_pdf(path: Path, name: str, settings: Settings) -> SourceText:
    limit = settings.pdf_memory_mb * 1024 * 1024

    def limits() -> None:  # runs in the child, before pypdf is imported
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(settings.pdf_timeout_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    too_long = f"took too long (over {settings.pdf_timeout_s:g} s)"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "assistant.pdf_worker", str(path), str(settings.min_chars_per_page)],
            capture_output=True,
            timeout=settings.pdf_timeout_s,
            preexec_fn=limits,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(name, too_long) from exc
    if done.returncode != 0 or not done.stdout:
        if done.returncode < 0 and -done.returncode in (9, 24):  # SIGKILL / SIGXCPU
            raise IngestError(name, too_long)
        if any(sign in done.stderr for sign in MEMORY_SIGNS):  # also when Python cannot even start
            raise IngestError(name, "needed more memory than the limit allows")
        raise IngestError(name, f"corrupt PDF (the reader stopped with code {done.returncode})")
    try:
        result = json.loads(done.stdout)
    except ValueError as exc:
        raise IngestError(name, "corrupt PDF (the reader gave no usable result)") from exc
    if "error" in result:
        raise IngestError(name, result["error"])
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


def _decode(path: Path, name: str) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise IngestError(name, "not a text file (unknown encoding)") from exc


def _front_matter(text: str, name: str) -> tuple[dict[str, str], str]:
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise IngestError(name, f"front matter is not valid YAML ({exc.problem})") from exc
    if not isinstance(data, dict):
        raise IngestError(name, "front matter is not a set of 'key: value' lines")
    meta = {k: "" if data.get(k) is None else str(data[k]).strip() for k in META_KEYS}
    return meta, text[match.end() :]


def _split_pages(body: str) -> list[Page]:
    marks = list(PAGE_MARK.finditer(body))
    if marks:
        pieces = [(1, body[: marks[0].start()])]
        pieces += [
            (int(m.group(1)), body[m.end() : nxt.start() if nxt else len(body)])
            for m, nxt in zip(marks, [*marks[1:], None], strict=True)
        ]
        return [Page(n, t) for n, t in pieces if t.strip()] or [Page(1, "")]
    if "\f" in body:  # form feeds, as pdftotext writes them, also after the last page
        return [Page(i, t) for i, t in enumerate(body.rstrip().split("\f"), start=1)]
    return [Page(None, body)]


_MD_RULES = [
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"<sup>\s*\w{1,3}\s*</sup>"), ""),  # footnote markers
    (re.compile(r"\[\^\w+\](?!:)"), ""),
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M), r"\1"),
    (re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$", re.M), ""),  # horizontal rules
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images keep their text
    (re.compile(r"(\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w))"), ""),  # emphasis
    (re.compile(r"<br\s*/?>", re.I), "\n"),
]
_FOOTNOTE_DEF = re.compile(r"^\[\^(\w+)\]:\s*(.+)$", re.M)


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown page; footnotes move to a 'Notes' block at its end."""
    notes = [f"{key} {text.strip()}" for key, text in _FOOTNOTE_DEF.findall(markdown)]
    text = _FOOTNOTE_DEF.sub("", markdown)
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    if notes:
        text = text.rstrip() + "\n\nNotes\n\n" + "\n\n".join(notes) + "\n"
    return text


def read_markdown(path: Path, name: str, settings: Settings) -> SourceText:
    meta, body = _front_matter(_decode(path, name), name)
    pages = [Page(p.number, markdown_to_text(p.text)) for p in _split_pages(body)]
    return SourceText(name, "markdown", pages, meta)


def read_text(path: Path, name: str, settings: Settings) -> SourceText:
    meta, body = _front_matter(_decode(path, name), name)
    return SourceText(name, "text", _split_pages(body), meta)


def read_docx(path: Path, name: str, settings: Settings) -> SourceText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(path.read_bytes()))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(name, f"corrupt Word document ({exc})") from exc
    blocks = []
    for item in document.iter_inner_content():  # paragraphs and tables, in reading order
        if isinstance(item, Table):
            blocks += [" | ".join(cell.text.strip() for cell in row.cells) for row in item.rows]
        else:
            blocks.append(item.text.strip())
    props = document.core_properties
    meta = {"title": (props.title or "").strip()}
    body = "\n\n".join(b for b in blocks if b)
    return SourceText(name, "docx", [Page(None, body)], meta)


READERS = {"pdf": read_pdf, "markdown": read_markdown, "text": read_text, "docx": read_docx}
